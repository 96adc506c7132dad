#!/usr/bin/env python3
# Owns: the report of tests/bench/run.sh: reads lsp_bench.py results
# (out/raw/{ours,peer,peerflat}_N_RUN.json; peer = vscode-json-language-server with the project's
# schema, peerflat = with the generator's flat draft-07 schema), prints one table (servers side
# by side, ratio peer/ours, goal) and writes it as JSON.
# Each cell is the median over runs, with the range over runs in brackets.
import argparse, json, os, re, statistics, subprocess, time
from pathlib import Path

# (key, label, getter, goal on 10,000 entries: (limit, unit) or None)
METRICS = [
    ("open_diag_ms", "open -> diagnostics (ms)", lambda r: r["open_diag_ms"], 30),
    ("edit_median_ms", "edit -> diagnostics, median (ms)", lambda r: r["edit_diag_ms"]["median"], 10),
    ("edit_p95_ms", "edit -> diagnostics, p95 (ms)", lambda r: r["edit_diag_ms"]["p95"], None),
    ("completion_value_median_ms", "completion after \"Sync\": , median (ms)",
     lambda r: r["completion"]["value"]["ms"]["median"], 1),
    ("completion_value_p95_ms", "completion after \"Sync\": , p95 (ms)",
     lambda r: r["completion"]["value"]["ms"]["p95"], None),
    ("completion_key_median_ms", "completion in key position, median (ms)",
     lambda r: r["completion"]["key"]["ms"]["median"], 1),
    ("completion_key_p95_ms", "completion in key position, p95 (ms)",
     lambda r: r["completion"]["key"]["ms"]["p95"], None),
    ("hover_median_ms", "hover on \"ContainerName\", median (ms)", lambda r: r["hover"]["key"]["ms"]["median"], None),
    ("hover_p95_ms", "hover on \"ContainerName\", p95 (ms)", lambda r: r["hover"]["key"]["ms"]["p95"], None),
    ("peak_rss_mb", "peak resident memory (MB)", lambda r: max(r["vm_hwm_mb"].values()), 50),
    ("init_ms", "spawn -> initialize response (ms)", lambda r: r["init_ms"], None),
]


def fmt(cell):
    if cell is None:
        return "n/a"
    m, lo, hi = cell["median"], cell["min"], cell["max"]
    return f"{m:g}" if lo == hi else f"{m:g} [{lo:g}-{hi:g}]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--markdown", default=None, help="also write the table as markdown here")
    a = ap.parse_args()
    runs = {}                                   # (server, n) -> [result]
    for f in a.files:
        m = re.match(r"(ours|peer|peerflat)_(\d+)_(\d+)\.json$", Path(f).name)
        if m:
            runs.setdefault((m[1], int(m[2])), []).append(json.loads(Path(f).read_text()))
    sizes = sorted({n for _, n in runs})
    rows = []
    for n in sizes:
        for key, label, get, goal in METRICS:
            row = {"entries": n, "metric": key, "label": label,
                   "goal": goal if n == 10000 else None}
            for server in ("ours", "peer", "peerflat"):
                vals = []
                for r in runs.get((server, n), []):
                    try:
                        vals.append(float(get(r)))
                    except (KeyError, TypeError, ValueError):
                        pass
                row[server] = ({"median": round(statistics.median(vals), 2), "min": min(vals),
                                "max": max(vals), "runs": vals} if vals else None)
            o = row["ours"]
            for peer in ("peer", "peerflat"):
                p = row[peer]
                row[f"ratio_{peer}"] = (round(p["median"] / o["median"], 1)
                                        if o and p and o["median"] > 0 else None)
            row["met"] = (o["median"] <= row["goal"]) if (o and row["goal"] is not None) else None
            rows.append(row)
    # Sanity: what each server found and whether any pull saw an old version.
    checks = {}
    for (server, n), rs in sorted(runs.items()):
        checks[f"{server}_{n}"] = {
            "diagnostics_on_open": sorted({r.get("open_diag_count") for r in rs}),
            "stale_pulls": sum(r.get("stale_pulls", 0) for r in rs),
            "sync": sorted({r.get("sync_used") for r in rs}),
            "bytes": rs[0]["bytes"], "server_info": rs[0].get("server_info"),
            "completion_labels": {k: v["labels"] for k, v in rs[0]["completion"].items()},
        }
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    meta = {"date": time.strftime("%Y-%m-%d %H:%M"), "commit": commit,
            "loadavg_at_report": os.getloadavg(), "cpus": os.cpu_count(),
            "runs": max((len(v) for v in runs.values()), default=0),
            "peer": "vscode-json-language-server (vscode-langservers-extracted 4.10.0)",
            "peer_schema": {"peer": "schemas/eci-exec.schema.json",
                            "peerflat": "gen_execs.py --schema (flat draft-07)"}}

    peers = [p for p in ("peer", "peerflat") if any(r[p] for r in rows)]
    title = {"peer": "json-ls, project schema", "peerflat": "json-ls, flat schema"}
    head = f"{'entries':>7} | {'measure':<42} | {'eci-exec-lsp':<20}"
    for p in peers:
        head += f" | {title[p]:<24} | {'ratio':>7}"
    lines = [head + " | goal (ours)", "-" * (len(head) + 20)]
    for row in rows:
        goal = "" if row["goal"] is None else f"<= {row['goal']} " + ("ok" if row["met"] else "MISSED")
        line = f"{row['entries']:>7} | {row['label']:<42} | {fmt(row['ours']):<20}"
        for p in peers:
            ratio = row[f"ratio_{p}"]
            line += f" | {fmt(row[p]):<24} | {'' if ratio is None else f'{ratio:g}x':>7}"
        lines.append(line + f" | {goal}")
    print("\n".join(lines))
    if a.markdown:
        md = ["| entries | measure | eci-exec-lsp | " + " | ".join(
            f"{title[p]} | ratio" for p in peers) + " | goal (ours) |",
              "| ---: | --- | ---: | " + " | ".join("---: | ---:" for _ in peers) + " | --- |"]
        for row in rows:
            goal = "" if row["goal"] is None else f"≤ {row['goal']} " + ("ok" if row["met"] else "**missed**")
            cells = [str(row["entries"]), row["label"].replace("|", "\\|"), fmt(row["ours"])]
            for p in peers:
                ratio = row[f"ratio_{p}"]
                cells += [fmt(row[p]), "" if ratio is None else f"{ratio:g}×"]
            md.append("| " + " | ".join(cells + [goal]) + " |")
        Path(a.markdown).write_text("\n".join(md) + "\n")
    print(f"\nmedian over {meta['runs']} runs [range]; ratio = json-ls / eci-exec-lsp; "
          f"load average {meta['loadavg_at_report'][0]:.2f} on {meta['cpus']} CPUs")
    for k, v in checks.items():
        print(f"{k}: {json.dumps(v)}")
    Path(a.out).write_text(json.dumps({"meta": meta, "rows": rows, "checks": checks}, indent=2) + "\n")
    print(f"written: {a.out}")


if __name__ == "__main__":
    main()

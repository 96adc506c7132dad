#!/usr/bin/env python3
# Owns: the fleet run benchmark of tests/bench/: a fake ECI API serving 100 generated running
# instances (tag app=generated) that answers each ExecContainerCommand in 200 ms, then one
# Sync entry with that selector run through the server (eciExec.run, confirmRun false,
# maxTargets 100, runConcurrency 8) RUNS times alone and RUNS times while another document asks
# for completion every 20 ms, and once through `eci-exec-lsp run`. Reports, side by side with
# the floor (what the limits allow: the listing, then 100 calls at 8 a second and 8 in flight,
# each 200 ms):
#   wall     executeCommand sent -> answer
#   cpu      the server's CPU time during a run alone, per target (its own overhead)
#   compl    completion in the other document while the fleet runs: median, p99 (and the same
#            completion for 10 s with no fleet running, for what the machine gives anyway)
# and, from the fake's request log, the most calls in flight and started in any second.
# Writes out/fleet.json. Not a test.
#   usage: python3 tests/bench/fleet_bench.py [--runs 3]
import argparse, json, math, os, subprocess, sys, threading, time, urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from lsp_bench import LspClient, client_capabilities, pct  # noqa: E402

TARGETS, DELAY_MS, PER_SECOND, IN_FLIGHT = 100, 200, 8, 8
FLEET = {"RegionId": "cn-hangzhou", "Tags": {"app": "generated"}, "ContainerName": "main",
         "Command": ["/bin/sh", "-c", "uptime"], "Sync": True}
# Completion of ContainerName values: the containers of eci-gen000001, from the instance cache.
OTHER = ('{\n  "RegionId": "cn-hangzhou",\n  "ContainerGroupId": "eci-gen000001",\n'
         '  "ContainerName": "",\n  "Command": ["ls"],\n  "Sync": true\n}\n')
OTHER_POS = {"line": 3, "character": 20}


def fake_call(endpoint, method, path, body=None):
    request = urllib.request.Request(endpoint + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def most_in_flight(log):
    events = sorted([(r["unix_ms"], 1) for r in log] + [(max(r["end_unix_ms"], r["unix_ms"] + 1), -1) for r in log])
    now = most = 0
    for _, change in events:
        now += change
        most = max(most, now)
    return most


def most_started_within(log, window_ms):
    starts = sorted(r["unix_ms"] for r in log)
    return max((sum(1 for s in starts[i:] if s < starts[i] + window_ms) for i in range(len(starts))), default=0)


def completions_until(client, other_uri, done):
    """Completion in the other document every 20 ms until `done`; the latencies in ms."""
    latencies = []
    while not done():
        dt, _ = client.request("textDocument/completion", {
            "textDocument": {"uri": other_uri}, "position": OTHER_POS})
        latencies.append(dt * 1000.0)
        time.sleep(0.02)
    return latencies


def one_run(client, pid, endpoint, uri, other_uri, busy):
    """One fleet run; with `busy`, completion is asked in the other document all along (and
    the server's CPU time then includes answering it)."""
    # The session paces every run: let the last run's starts leave the window first.
    time.sleep(1.5)
    fake_call(endpoint, "POST", "/_fake/reset")
    fake_call(endpoint, "POST", "/_fake/fault", {"kind": "delay", "ms": DELAY_MS, "action": "ExecContainerCommand"})
    done = threading.Event()
    answer = {}

    def fleet():
        answer["s"], answer["msg"] = client.request("workspace/executeCommand", {
            "command": "eciExec.run", "arguments": [{"uri": uri, "index": 0}]}, timeout=120)
        done.set()

    cpu0 = cpu_seconds(pid)
    thread = threading.Thread(target=fleet)
    thread.start()
    completions = completions_until(client, other_uri, done.is_set) if busy else []
    thread.join()
    cpu = cpu_seconds(pid) - cpu0
    result = answer["msg"].get("result") or {}
    log = fake_call(endpoint, "GET", "/_fake/requests")
    # The run's own listing (filtered by the tag), not a refresh of the instance cache.
    listing = [r for r in log if r["action"] == "DescribeContainerGroups" and "Tag.1.Key" in r["params"]]
    execs = [r for r in log if r["action"] == "ExecContainerCommand"]
    listing_ms = (max(r["end_unix_ms"] for r in listing) - min(r["unix_ms"] for r in listing)) if listing else 0
    floor_ms = listing_ms + (math.ceil(TARGETS / PER_SECOND) - 1) * 1000 + DELAY_MS
    return {
        "wall_ms": round(answer["s"] * 1000.0, 1), "floor_ms": floor_ms, "listing_ms": listing_ms,
        "listing_pages": len(listing), "summary": result.get("summary"),
        "busy": busy, "cpu_ms_per_target": round(cpu * 1000.0 / TARGETS, 3),
        "completion_median_ms": round(pct(completions, 50), 3) if busy else None,
        "completion_p99_ms": round(pct(completions, 99), 3) if busy else None,
        "completions": len(completions), "most_in_flight": most_in_flight(execs),
        "most_started_in_1s": most_started_within(execs, 1000),
        "error": answer["msg"].get("error"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
    subprocess.run(["cargo", "build", "--release", "-p", "eci-exec-lsp", "-p", "fake-eci",
                    "--manifest-path", str(ROOT / "Cargo.toml")], check=True)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    fleet_path, other_path = out / "fleet.eci.json", out / "other.eci.json"
    fleet_path.write_text(json.dumps(FLEET, indent=2) + "\n")
    other_path.write_text(OTHER)
    fake = subprocess.Popen([str(target / "fake-eci"), "--key", "TEST_KEY_ID:TEST_SECRET",
                             "--generate", str(TARGETS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        endpoint = fake.stdout.readline().strip().split()[-1]
        assert endpoint.startswith("http://127.0.0.1:"), endpoint
        env = dict(os.environ, ECI_EXEC_ENDPOINT=endpoint, ALIBABA_CLOUD_ACCESS_KEY_ID="TEST_KEY_ID",
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET="TEST_SECRET")
        env.pop("ALIBABA_CLOUD_SECURITY_TOKEN", None)
        os.environ.clear()
        os.environ.update(env)
        client = LspClient([str(target / "eci-exec-lsp")], {}, str(out / "fleet_lsp_stderr.log"))
        uri, other_uri = fleet_path.resolve().as_uri(), other_path.resolve().as_uri()
        caps = client_capabilities("pull")
        caps.setdefault("window", {})["workDoneProgress"] = True
        client.request("initialize", {"processId": os.getpid(), "rootUri": out.resolve().as_uri(), "capabilities": caps,
                                      "initializationOptions": {"confirmRun": False, "maxTargets": TARGETS,
                                                                "runConcurrency": IN_FLIGHT}})
        client.notify("initialized", {})
        for path, u in ((fleet_path, uri), (other_path, other_uri)):
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": u, "languageId": "eci-exec", "version": 1, "text": path.read_text()}})
        # Warm the instance cache, so completion answers from it as an editor's would.
        for _ in range(100):
            _, r = client.request("textDocument/completion", {"textDocument": {"uri": other_uri}, "position": OTHER_POS})
            if not (r.get("result") or {}).get("isIncomplete", True):
                break
            time.sleep(0.05)
        # The same completion, as often, with no fleet running: what the machine gives anyway.
        start = time.perf_counter()
        idle = completions_until(client, other_uri, lambda: time.perf_counter() - start > 10)
        quiet = [one_run(client, client.proc.pid, endpoint, uri, other_uri, False) for _ in range(a.runs)]
        busy = [one_run(client, client.proc.pid, endpoint, uri, other_uri, True) for _ in range(a.runs)]
        client.close()
        t0 = time.perf_counter()
        cli = subprocess.run([str(target / "eci-exec-lsp"), "run", "--max-targets", str(TARGETS), "--format", "json",
                              str(fleet_path)], env=env, capture_output=True, text=True)
        cli_ms = round((time.perf_counter() - t0) * 1000.0, 1)
        cli_ok = sum(1 for line in cli.stdout.splitlines() if '"status":"ok"' in line)
    finally:
        fake.stdin.close()
        fake.wait(timeout=10)

    runs = quiet + busy
    med = lambda key, of=runs: round(sorted(r[key] for r in of)[len(of) // 2], 3)
    result = {"runs": runs, "loadavg": os.getloadavg(), "cli": {"wall_ms": cli_ms, "ok": cli_ok, "exit": cli.returncode},
              "idle_completion_median_ms": round(pct(idle, 50), 3), "idle_completion_p99_ms": round(pct(idle, 99), 3)}
    for key in ("wall_ms", "floor_ms", "listing_ms"):
        result[key] = med(key)
    result["cpu_ms_per_target"] = med("cpu_ms_per_target", quiet)
    for key in ("completion_p99_ms", "completion_median_ms"):
        result[key] = med(key, busy)
    print(f"{TARGETS} targets, exec {DELAY_MS} ms, at most {PER_SECOND}/s and {IN_FLIGHT} in flight; medians of "
          f"{len(runs)} runs ({a.runs} quiet for CPU, {a.runs} with completion alongside)")
    print(f"{'':<46} | {'measured':>10} | {'floor / goal':>14}")
    print(f"{'fleet run wall time (eciExec.run)':<46} | {result['wall_ms']:>8} ms | {result['floor_ms']:>11} ms"
          f"   ({result['wall_ms'] / result['floor_ms']:.2f}x; goal ≤ 1.2x)")
    print(f"{'  of which the listing (' + str(runs[0]['listing_pages']) + ' pages)':<46} | {result['listing_ms']:>8} ms |")
    print(f"{'server CPU per target':<46} | {result['cpu_ms_per_target']:>8} ms | {'< 1 ms':>14}")
    print(f"{'completion elsewhere during the run, median':<46} | {result['completion_median_ms']:>8} ms |"
          f" idle: {result['idle_completion_median_ms']} ms")
    print(f"{'completion elsewhere during the run, p99':<46} | {result['completion_p99_ms']:>8} ms | {'< 5 ms':>14}"
          f"   idle: {result['idle_completion_p99_ms']} ms")
    print(f"{'most in flight / most started in 1 s':<46} | {max(r['most_in_flight'] for r in runs):>5} / "
          f"{max(r['most_started_in_1s'] for r in runs)} | {IN_FLIGHT:>9} / {PER_SECOND}")
    print(f"{'eci-exec-lsp run (new process)':<46} | {cli_ms:>8} ms | {cli_ok} ok, exit {cli.returncode}")
    print(f"load average {result['loadavg'][0]:.2f}; summaries {[r['summary'] for r in runs]}")
    (out / "fleet.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

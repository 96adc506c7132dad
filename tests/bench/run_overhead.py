#!/usr/bin/env python3
# Owns: the eciExec.run overhead benchmark of tests/bench/: the fake ECI API, then the same Sync
# ExecContainerCommand three ways, RUNS times each:
#   lsp    workspace/executeCommand eciExec.run through our server (confirmRun false)
#   direct remote::EciClient::exec_container_command in a loop (server/benches/exec_direct.rs)
#   cli    `eci-exec-lsp run --index 0 FILE`, one process per run (process start included)
# The server's own cost per run is lsp - direct. Writes out/overhead.json. Not a test.
#   usage: python3 tests/bench/run_overhead.py [--runs 50]
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from lsp_bench import LspClient, client_capabilities, pct  # noqa: E402

ENTRY = {"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-bp1fakeweb0001",
         "ContainerName": "nginx", "Command": ["/bin/sh", "-c", "ls -a"], "Sync": True}


def summary(ms):
    if not ms:
        return None
    return {"n": len(ms), "median": round(statistics.median(ms), 3), "p95": round(pct(ms, 95), 3),
            "min": round(min(ms), 3), "max": round(max(ms), 3)}


def time_lsp(server, env, path, runs):
    # The server inherits os.environ, which main() has set to the fake's endpoint and key.
    client = LspClient([server], {}, str(HERE / "out" / "overhead_lsp_stderr.log"))
    uri = path.resolve().as_uri()
    _, r = client.request("initialize", {
        "processId": os.getpid(), "rootUri": path.parent.resolve().as_uri(),
        "capabilities": client_capabilities("pull"),
        "initializationOptions": {"confirmRun": False}})
    commands = (r.get("result", {}).get("capabilities", {}).get("executeCommandProvider") or {}) \
        .get("commands", [])
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "eci-exec", "version": 1, "text": path.read_text()}})
    # The client's own round trip (Python framing, pipes): a hover on a key, same count.
    rtt = []
    for _ in range(runs):
        dt, _ = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": 3, "character": 5}})
        rtt.append(dt * 1000.0)
    times, error, sample = [], None, None
    try:
        for _ in range(runs):
            dt, resp = client.request("workspace/executeCommand", {
                "command": "eciExec.run", "arguments": [{"uri": uri, "index": 0}]}, timeout=30)
            if "error" in resp or not (resp.get("result") or {}).get("syncResponse"):
                error = resp.get("error") or {"result": resp.get("result")}
                break
            sample = resp["result"]
            times.append(dt * 1000.0)
    finally:
        client.close()
    return {"advertised": "eciExec.run" in commands, "ms": summary(times), "hover_rtt_ms": summary(rtt),
            "error": error, "sample": json.dumps(sample)[:200] if sample else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--cli-runs", type=int, default=20)
    a = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
    subprocess.run(["cargo", "build", "--release", "-p", "eci-exec-lsp", "-p", "fake-eci",
                    "--manifest-path", str(ROOT / "Cargo.toml")], check=True)
    (HERE / "out").mkdir(exist_ok=True)
    path = HERE / "out" / "overhead.eci.json"
    path.write_text(json.dumps(ENTRY, indent=2) + "\n")

    # An explicit key, so this script does not depend on the fake's built-in default.
    fake = subprocess.Popen([str(target / "fake-eci"), "--key", "TEST_KEY_ID:TEST_SECRET"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        line = fake.stdout.readline().strip()
        endpoint = line.split()[-1]
        assert endpoint.startswith("http://127.0.0.1:"), line
        env = dict(os.environ, ECI_EXEC_ENDPOINT=endpoint,
                   ALIBABA_CLOUD_ACCESS_KEY_ID="TEST_KEY_ID",
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET="TEST_SECRET")
        env.pop("ALIBABA_CLOUD_SECURITY_TOKEN", None)
        os.environ.clear()
        os.environ.update(env)
        result = {"endpoint": endpoint, "loadavg": os.getloadavg(), "runs": a.runs}

        result["lsp"] = time_lsp(str(target / "eci-exec-lsp"), env, path, a.runs)

        out = subprocess.run(["cargo", "bench", "-q", "-p", "eci-exec-lsp", "--bench", "exec_direct",
                              "--manifest-path", str(ROOT / "Cargo.toml"), "--", str(a.runs)],
                             env=env, capture_output=True, text=True)
        direct = next((json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")), None)
        result["direct"] = ({"ms": summary(direct["ms"]), "first_ms": direct["ms"][0]}
                            if direct else {"error": out.stderr[-500:]})

        cli_times, cli_error = [], None
        for _ in range(a.cli_runs):
            t0 = time.perf_counter()
            p = subprocess.run([str(target / "eci-exec-lsp"), "run", "--index", "0", str(path)],
                               env=env, capture_output=True, text=True)
            if p.returncode != 0:
                cli_error = (p.stderr or p.stdout)[-300:]
                break
            cli_times.append((time.perf_counter() - t0) * 1000.0)
        result["cli"] = {"ms": summary(cli_times), "error": cli_error}
    finally:
        fake.stdin.close()
        fake.wait(timeout=10)

    lsp, direct = result["lsp"].get("ms"), result["direct"].get("ms")
    rows = [("eciExec.run through the server (executeCommand)", lsp,
             None if lsp else f"not available: {json.dumps(result['lsp']['error'])[:160]}"),
            ("(client round trip: hover on a key, same server)", result["lsp"]["hover_rtt_ms"], None),
            ("same request sent directly (EciClient, in process)", direct,
             None if direct else "not available"),
            ("eci-exec-lsp run --index 0 (new process each)", result["cli"]["ms"],
             None if result["cli"]["ms"] else f"not available: {result['cli']['error']}")]
    print(f"{'path':<52} | {'median ms':>9} | {'p95 ms':>8} | {'min ms':>7} | n")
    for name, s, note in rows:
        if s:
            print(f"{name:<52} | {s['median']:>9} | {s['p95']:>8} | {s['min']:>7} | {s['n']}")
        else:
            print(f"{name:<52} | {note}")
    if lsp and direct:
        result["server_overhead_median_ms"] = round(lsp["median"] - direct["median"], 3)
        print(f"server overhead per run (median lsp - median direct): "
              f"{result['server_overhead_median_ms']} ms")
    print(f"load average {result['loadavg'][0]:.2f}")
    (HERE / "out" / "overhead.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

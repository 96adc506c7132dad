#!/usr/bin/env python3
# Owns: the peak memory of large answers (document symbols, code lenses), tests/bench/.
"""answer_memory.py SERVER N...: for each N, opens a generated file of N entries in SERVER
(pull diagnostics, online features off), then asks for document symbols and code lenses, and
prints the server's peak resident size (VmHWM) after each step and each answer's time.
Linux only (/proc). Standard library only."""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(stream):
    length = None
    while True:
        line = stream.readline().strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


def measure(server, entries):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.eci.json"
        subprocess.run([sys.executable, HERE / "gen_execs.py", str(entries), str(path)], check=True,
                       stdout=subprocess.DEVNULL)
        text = path.read_text()
    process = subprocess.Popen([server], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)

    def request(id_, method, params):
        process.stdin.write(frame({"jsonrpc": "2.0", "id": id_, "method": method, "params": params}))
        process.stdin.flush()
        started = time.perf_counter()
        while True:
            message = read(process.stdout)
            if message.get("id") == id_ and "method" not in message:
                return message, (time.perf_counter() - started) * 1000

    def peak_mb():
        for line in open(f"/proc/{process.pid}/status"):
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024

    request(1, "initialize", {"capabilities": {"textDocument": {"diagnostic": {}}},
                              "initializationOptions": {"online": False}})
    uri = "file:///bench/big.eci.json"
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "eci-exec", "version": 1, "text": text}}}))
    request(2, "textDocument/diagnostic", {"textDocument": {"uri": uri}})
    rows = [("open + diagnostics", peak_mb(), None)]
    for id_, method in [(3, "textDocument/documentSymbol"), (4, "textDocument/codeLens")]:
        answer, elapsed = request(id_, method, {"textDocument": {"uri": uri}})
        assert len(answer["result"]) == entries, answer
        rows.append((method, peak_mb(), elapsed))
    process.kill()
    return rows


def main():
    server, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]] or [10_000]
    for entries in sizes:
        for step, peak, elapsed in measure(server, entries):
            time_text = f"{elapsed:.0f} ms" if elapsed is not None else ""
            print(f"{entries:>7} entries  {step:<30} peak {peak:>5} MB  {time_text}")


if __name__ == "__main__":
    main()

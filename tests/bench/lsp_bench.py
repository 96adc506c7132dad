#!/usr/bin/env python3
# Owns: the stdio LSP benchmark client of tests/bench/ (copied from the shared bench tools;
# changed: --completion/--hover take NAME=SPEC and repeat, per-name results).
"""lsp_bench.py - measure a language server over stdio (Content-Length framing).

Speaks plain LSP to any server command, so it can measure a third-party server
today and our own server later. Python 3.8+, standard library only.

What it measures
  init_ms        spawn -> `initialize` response
  open_diag_ms   didOpen -> first diagnostics for the file
                 (push: first textDocument/publishDiagnostics for the URI;
                  pull: textDocument/diagnostic response sent right after didOpen)
  edit_diag_ms   N didChange edits, one at a time; each: didChange -> diagnostics
                 (median / p95 / mean / min / max)
  completion_ms  textDocument/completion at a position, repeated K times
  hover_ms       optional, textDocument/hover at a position
  peak RSS       VmHWM of the server process and its descendants (from /proc),
                 plus the peak of the sampled sum of VmRSS over the process tree

Edits toggle: the odd edits insert --edit-text at --edit-pos, the even edits
remove it again, so the document alternates between two states. Sync kind is
taken from the server's capabilities (incremental if offered) unless --sync.

Examples
  # vscode-json-language-server, schema associated through json.schemas
  python3 lsp_bench.py --file bench/execs_100.json --language-id json \
      --json-schema bench/exec-config.schema.json --json-file-match '*.json' \
      --settings '{"json": {"validate": {"enable": true}}}' \
      --edits 20 --completion 'find:"Sync": ' -- \
      npm-ls/node_modules/.bin/vscode-json-language-server --stdio

  # our own server later
  python3 lsp_bench.py --file x.json --language-id json --diag-mode push -- \
      target/release/eci-exec-lsp

Positions are 0-based LINE:COL (UTF-16 units; equal to characters for ASCII),
or find:TEXT = just after the middle occurrence of TEXT in the file.
"""
import argparse
import json
import os
import queue
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


# --------------------------------------------------------------------------- util
def now():
    return time.perf_counter()


def ms(dt):
    return round(dt * 1000.0, 2)


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)


def summarize(values):
    if not values:
        return None
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2),
        "p95": round(pct(values, 95), 2),
        "mean": round(statistics.fmean(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def load_json_arg(v):
    """A JSON literal or a path to a JSON file."""
    if v is None:
        return None
    p = Path(v)
    if p.exists():
        return json.loads(p.read_text())
    return json.loads(v)


def deep_merge(a, b):
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = out[k] + v
        else:
            out[k] = v
    return out


def lookup_section(settings, section):
    if not section:
        return settings
    cur = settings
    for part in section.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


# ------------------------------------------------------------------ /proc memory
def proc_children(pid):
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return kids


def proc_tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += proc_children(p)
    return out


def proc_status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


class RssSampler(threading.Thread):
    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_sum_kb = 0
        self.hwm = {}          # pid -> (comm, VmHWM kB), last seen
        self.stop_ev = threading.Event()

    def sample(self):
        total = 0
        for p in proc_tree(self.pid):
            rss = proc_status_kb(p, "VmRSS")
            hwm = proc_status_kb(p, "VmHWM")
            if rss is not None:
                total += rss
            if hwm is not None:
                self.hwm[p] = (proc_comm(p), hwm)
        self.peak_sum_kb = max(self.peak_sum_kb, total)

    def run(self):
        while not self.stop_ev.is_set():
            self.sample()
            self.stop_ev.wait(self.interval)


# ------------------------------------------------------------------ LSP client
class LspClient:
    def __init__(self, cmd, settings, stderr_path, trace=False, cwd=None):
        self.settings = settings or {}
        self.trace = trace
        self.stderr_f = open(stderr_path, "wb")
        self.t_spawn = now()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr_f, cwd=cwd, bufsize=0)
        self.wlock = threading.Lock()
        self.next_id = 0
        self.pending = {}                     # id -> Queue
        self.diag_cv = threading.Condition()
        self.diag_seq = 0
        self.diags = {}                        # uri -> (seq, t, params)
        self.server_requests = []              # (method, t)
        self.notifications = {}                # method -> count
        self.log_messages = []
        self.alive = True
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    # framing -----------------------------------------------------------------
    @staticmethod
    def encode(msg):
        return json.dumps(msg, separators=(",", ":")).encode("utf-8")

    def _send(self, msg):
        body = msg if isinstance(msg, bytes) else self.encode(msg)
        if self.trace:
            print(">>", body[:300].decode("utf-8", "replace"), file=sys.stderr)
        with self.wlock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.proc.stdout.read(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _read_loop(self):
        try:
            while True:
                length = None
                while True:
                    line = b""
                    while not line.endswith(b"\r\n"):
                        c = self.proc.stdout.read(1)
                        if not c:
                            raise EOFError
                        line += c
                    if line == b"\r\n":
                        break
                    k, _, v = line.decode("ascii", "replace").partition(":")
                    if k.strip().lower() == "content-length":
                        length = int(v.strip())
                if length is None:
                    continue
                msg = json.loads(self._read_exact(length))
                if self.trace:
                    print("<<", json.dumps(msg)[:300], file=sys.stderr)
                self._dispatch(msg, now())
        except (EOFError, ValueError, OSError):
            pass
        finally:
            self.alive = False
            for q in list(self.pending.values()):
                q.put(None)
            with self.diag_cv:
                self.diag_cv.notify_all()

    def _dispatch(self, msg, t):
        if "id" in msg and "method" not in msg:            # response
            q = self.pending.pop(msg["id"], None)
            if q is not None:
                q.put((t, msg))
            return
        method = msg.get("method")
        if "id" in msg:                                      # server -> client request
            self.server_requests.append((method, t))
            result = None
            if method == "workspace/configuration":
                result = [lookup_section(self.settings, it.get("section"))
                          for it in msg.get("params", {}).get("items", [])]
            elif method == "workspace/workspaceFolders":
                result = []
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            return
        self.notifications[method] = self.notifications.get(method, 0) + 1
        if method == "textDocument/publishDiagnostics":
            p = msg.get("params", {})
            with self.diag_cv:
                self.diag_seq += 1
                self.diags[p.get("uri")] = (self.diag_seq, t, p)
                self.diag_cv.notify_all()
        elif method in ("window/logMessage", "window/showMessage"):
            self.log_messages.append(msg.get("params", {}).get("message", ""))

    # API ---------------------------------------------------------------------
    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=60.0):
        """Returns (elapsed_seconds, response_msg)."""
        self.next_id += 1
        rid = self.next_id
        q = queue.Queue()
        self.pending[rid] = q
        t0 = now()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        try:
            got = q.get(timeout=timeout)
        except queue.Empty:
            self.pending.pop(rid, None)
            raise TimeoutError(f"{method}: no response in {timeout}s")
        if got is None:
            raise RuntimeError(f"{method}: server exited")
        t1, msg = got
        return t1 - t0, msg

    def diag_mark(self):
        with self.diag_cv:
            return self.diag_seq

    def wait_diagnostics(self, uri, after_seq, timeout, min_version=None):
        deadline = now() + timeout
        with self.diag_cv:
            while True:
                entry = self.diags.get(uri)
                if entry and entry[0] > after_seq:
                    v = entry[2].get("version")
                    if min_version is None or v is None or v >= min_version:
                        return entry
                left = deadline - now()
                if left <= 0 or not self.alive:
                    return None
                self.diag_cv.wait(left)

    def close(self):
        try:
            if self.alive:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr_f.close()


# ------------------------------------------------------------------ document
class Doc:
    def __init__(self, text):
        self.lines = text.split("\n")

    def text(self):
        return "\n".join(self.lines)

    def find_pos(self, spec):
        """LINE:COL, or find:TEXT (position just after the middle occurrence)."""
        if spec.startswith("find:"):
            needle = spec[5:]
            hits = []
            for i, l in enumerate(self.lines):
                start = 0
                while True:
                    j = l.find(needle, start)
                    if j < 0:
                        break
                    hits.append((i, j + len(needle)))
                    start = j + 1
            if not hits:
                raise SystemExit(f"text not found: {needle!r}")
            return hits[len(hits) // 2]
        line, col = spec.split(":")
        return int(line), int(col)

    def insert(self, line, col, s):
        l = self.lines[line]
        self.lines[line] = l[:col] + s + l[col:]

    def delete(self, line, col, n):
        l = self.lines[line]
        self.lines[line] = l[:col] + l[col + n:]


def client_capabilities(diag_mode):
    caps = {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {
            "configuration": True,
            "didChangeConfiguration": {"dynamicRegistration": False},
            "workspaceFolders": True,
            "codeLens": {"refreshSupport": True},
            "inlayHint": {"refreshSupport": True},
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "completion": {"completionItem": {"snippetSupport": True,
                                              "documentationFormat": ["markdown", "plaintext"]},
                           "contextSupport": True},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "", "quickfix", "refactor", "source"]}}},
            "codeLens": {},
            "inlayHint": {},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        },
        "window": {"workDoneProgress": True},
    }
    if diag_mode == "pull":
        caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False,
                                              "relatedDocumentSupport": False}
    return caps


def sync_kind(caps):
    s = caps.get("textDocumentSync")
    if isinstance(s, int):
        return s
    if isinstance(s, dict):
        return s.get("change", 0)
    return 0


# ------------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("--file", required=True, help="document to open")
    ap.add_argument("--language-id", default=None, help="default: from extension")
    ap.add_argument("--root", default=None, help="workspace root (default: file's dir)")
    ap.add_argument("--settings", default=None,
                    help="JSON literal or file: sent in workspace/didChangeConfiguration and "
                         "used to answer workspace/configuration")
    ap.add_argument("--init-options", default=None, help="JSON literal or file")
    ap.add_argument("--json-schema", default=None,
                    help="convenience for vscode-json-language-server: schema file put inline "
                         "into settings json.schemas")
    ap.add_argument("--json-file-match", default="*.json")
    ap.add_argument("--no-did-change-config", action="store_true")
    ap.add_argument("--diag-mode", choices=["push", "pull"], default="push")
    ap.add_argument("--sync", choices=["auto", "full", "incremental"], default="auto")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--edit-pos", default=None, help="default: column 0 of the middle line")
    ap.add_argument("--edit-text", default=" ")
    ap.add_argument("--completion", action="append", default=[],
                    help="[NAME=]LINE:COL or [NAME=]find:TEXT; repeatable")
    ap.add_argument("--completion-repeat", type=int, default=5)
    ap.add_argument("--hover", action="append", default=[], help="[NAME=]LINE:COL or find:TEXT; repeatable")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per wait")
    ap.add_argument("--json-out", default=None)
    ap.add_argument("--stderr-log", default=None)
    ap.add_argument("--print-diagnostics", type=int, default=3,
                    help="print the first N diagnostics of the open")
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- server command ...")
    a = ap.parse_args()

    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if len(cmd) == 1 and " " in cmd[0]:
        cmd = shlex.split(cmd[0])
    if not cmd:
        ap.error("server command missing (after --)")

    path = Path(a.file).resolve()
    uri = path.as_uri()
    root = Path(a.root).resolve() if a.root else path.parent
    lang = a.language_id or {".json": "json", ".jsonc": "jsonc", ".yaml": "yaml", ".yml": "yaml",
                             ".toml": "toml"}.get(path.suffix, "plaintext")
    text = path.read_text()
    doc = Doc(text)

    settings = load_json_arg(a.settings) or {}
    if a.json_schema:
        schema = json.loads(Path(a.json_schema).read_text())
        settings = deep_merge(settings, {"json": {"schemas": [{
            "fileMatch": [a.json_file_match],
            "url": Path(a.json_schema).resolve().as_uri(),
            "schema": schema}]}})
    init_options = load_json_arg(a.init_options)

    stderr_path = a.stderr_log or tempfile.mktemp(prefix="lsp_bench_stderr_", suffix=".log")
    result = {"server": cmd, "file": str(path), "bytes": len(text.encode()),
              "lines": len(doc.lines), "language_id": lang, "diag_mode": a.diag_mode}

    client = LspClient(cmd, settings, stderr_path, trace=a.trace)
    sampler = RssSampler(client.proc.pid)
    sampler.start()
    try:
        # initialize -----------------------------------------------------------
        dt, resp = client.request("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": "lsp_bench", "version": "1"},
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": client_capabilities(a.diag_mode),
            "initializationOptions": init_options,
        }, timeout=a.timeout)
        result["init_ms"] = ms(now() - client.t_spawn)
        if "error" in resp:
            raise SystemExit(f"initialize failed: {resp['error']}")
        caps = resp.get("result", {}).get("capabilities", {})
        result["server_info"] = resp.get("result", {}).get("serverInfo")
        result["capabilities"] = sorted(k for k, v in caps.items() if v not in (None, False))
        client.notify("initialized", {})
        if settings and not a.no_did_change_config:
            client.notify("workspace/didChangeConfiguration", {"settings": settings})

        sk = sync_kind(caps)
        use_incr = (a.sync == "incremental") or (a.sync == "auto" and sk == 2)
        result["sync_used"] = "incremental" if use_incr else "full"
        result["server_sync_kind"] = sk

        version = 1

        def get_diags(after, min_version):
            if a.diag_mode == "pull":
                dt, r = client.request("textDocument/diagnostic",
                                       {"textDocument": {"uri": uri}}, timeout=a.timeout)
                res = r.get("result") or {}
                rid = res.get("resultId")
                # Ours uses the document version as resultId: a pull must see the latest edit.
                if isinstance(rid, str) and rid.isdigit() and int(rid) != min_version:
                    result["stale_pulls"] = result.get("stale_pulls", 0) + 1
                return dt, res.get("items", [])
            t0 = now()
            entry = client.wait_diagnostics(uri, after, a.timeout, min_version)
            if entry is None:
                raise TimeoutError("no publishDiagnostics within timeout")
            return entry[1] - t0, entry[2].get("diagnostics", [])

        # didOpen --------------------------------------------------------------
        mark = client.diag_mark()
        # Encoded before the clock starts: json.dumps of a 2 MB text takes this client 20-35 ms,
        # which is neither server's work.
        open_msg = client.encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": lang, "version": version, "text": text}}})
        t_open = now()
        client._send(open_msg)
        if a.diag_mode == "pull":
            dt, diags = get_diags(mark, version)
        else:
            entry = client.wait_diagnostics(uri, mark, a.timeout, version)
            if entry is None:
                raise TimeoutError("no publishDiagnostics after didOpen")
            dt, diags = entry[1] - t_open, entry[2].get("diagnostics", [])
        result["open_diag_ms"] = ms(dt)
        result["open_diag_count"] = len(diags)
        result["open_diag_sample"] = [
            {"line": d["range"]["start"]["line"], "message": d.get("message", "")[:120]}
            for d in diags[:a.print_diagnostics]]

        # edits ----------------------------------------------------------------
        if a.edit_pos:
            eline, ecol = doc.find_pos(a.edit_pos)
        else:
            eline, ecol = len(doc.lines) // 2, 0
        et = a.edit_text
        edit_times, edit_counts = [], []
        for i in range(a.edits):
            version += 1
            inserting = (i % 2 == 0)
            if inserting:
                doc.insert(eline, ecol, et)
                rng = {"start": {"line": eline, "character": ecol},
                       "end": {"line": eline, "character": ecol}}
                change = {"range": rng, "text": et}
            else:
                doc.delete(eline, ecol, len(et))
                rng = {"start": {"line": eline, "character": ecol},
                       "end": {"line": eline, "character": ecol + len(et)}}
                change = {"range": rng, "text": ""}
            if not use_incr:
                change = {"text": doc.text()}
            mark = client.diag_mark()
            t0 = now()
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [change]})
            if a.diag_mode == "pull":
                dt, diags = get_diags(mark, version)
            else:
                entry = client.wait_diagnostics(uri, mark, a.timeout, version)
                if entry is None:
                    raise TimeoutError(f"edit {i}: no publishDiagnostics within timeout")
                dt, diags = entry[1] - t0, entry[2].get("diagnostics", [])
            edit_times.append(dt * 1000.0)
            edit_counts.append(len(diags))
        result["edit_diag_ms"] = summarize(edit_times)
        result["edit_diag_counts"] = sorted(set(edit_counts))

        # completion and hover -------------------------------------------------
        def named(spec, default):
            name, eq, rest = spec.partition("=")
            if eq and not name.startswith("find:") and ":" not in name:
                return name, rest
            return default, spec

        result["completion"] = {}
        for k, spec in enumerate(a.completion):
            name, spec = named(spec, f"completion{k}")
            cl, cc = doc.find_pos(spec)
            times, n_items, labels, err = [], None, [], None
            for _ in range(a.completion_repeat):
                dt, r = client.request("textDocument/completion", {
                    "textDocument": {"uri": uri}, "position": {"line": cl, "character": cc},
                    "context": {"triggerKind": 1}}, timeout=a.timeout)
                times.append(dt * 1000.0)
                if "error" in r:
                    err = r["error"].get("message")
                res = r.get("result")
                items = res.get("items", []) if isinstance(res, dict) else (res or [])
                n_items = len(items)
                labels = [it.get("label") for it in items[:8]]
            result["completion"][name] = {"pos": [cl, cc], "ms": summarize(times),
                                          "items": n_items, "labels": labels, "error": err}

        result["hover"] = {}
        for k, spec in enumerate(a.hover):
            name, spec = named(spec, f"hover{k}")
            hl, hc = doc.find_pos(spec)
            times = []
            for _ in range(a.completion_repeat):
                dt, r = client.request("textDocument/hover", {
                    "textDocument": {"uri": uri}, "position": {"line": hl, "character": hc}},
                    timeout=a.timeout)
                times.append(dt * 1000.0)
            hv = (r.get("result") or {}).get("contents")
            result["hover"][name] = {"pos": [hl, hc], "ms": summarize(times),
                                     "sample": json.dumps(hv)[:160] if hv else None}

        sampler.sample()
    finally:
        sampler.stop_ev.set()
        sampler.join(timeout=1)
        result["peak_rss_tree_sum_mb"] = round(sampler.peak_sum_kb / 1024.0, 1)
        result["vm_hwm_mb"] = {f"{c}[{p}]": round(h / 1024.0, 1)
                               for p, (c, h) in sampler.hwm.items()}
        result["server_requests"] = sorted({m for m, _ in client.server_requests})
        result["stderr_log"] = stderr_path
        client.close()

    # report ------------------------------------------------------------------
    print(json.dumps(result, indent=2))
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

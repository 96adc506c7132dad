//! A test LSP client: spawns the real `eci-exec-lsp` binary and speaks JSON-RPC over its stdio
//! with Content-Length framing, as editors do.
#![allow(dead_code)] // Each test binary uses a different part of the client.

pub mod online;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A document the protocol tests open.
pub const URI: &str = "file:///work/a.eci.json";

/// An exec config without a problem; `"Sync"` is the key on line 5.
pub const CLEAN: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerGroupId": "eci-abc",
  "ContainerName": "nginx",
  "Command": ["/bin/sh", "-c", "ls"],
  "Sync": true
}"#;

pub struct LspClient {
    child: Child,
    /// `None` once the test has closed it.
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
    /// Answers given to the server's requests, by method (default: null).
    pub answers: Vec<(String, Value)>,
    /// Server requests with these methods are kept unanswered, for the test to answer.
    pub held: Vec<String>,
    /// The server's HOME: empty, so no credentials file of the machine is found.
    _home: tempfile::TempDir,
}

/// Reads framed messages until the stream ends.
fn read_messages(stdout: impl Read, sender: std::sync::mpsc::Sender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let message: Value = serde_json::from_slice(&body).expect("server sent invalid JSON");
        if sender.send(message).is_err() {
            return;
        }
    }
}

impl LspClient {
    /// Starts the server with an empty HOME, no credentials and a loopback endpoint unless
    /// `env` gives them: a test never reaches a real cloud endpoint.
    pub fn spawn_with_env(env: &[(&str, &str)]) -> LspClient {
        let home = tempfile::tempdir().expect("temporary HOME");
        let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (key, _) in std::env::vars() {
            // XDG_CACHE_HOME too: instance lists are kept in the (temporary) HOME's cache.
            if key.starts_with("ALIBABA_CLOUD_")
                || key.starts_with("ALICLOUD_")
                || key.starts_with("ECI_EXEC_")
                || key == "XDG_CACHE_HOME"
            {
                command.env_remove(key);
            }
        }
        command
            .env("HOME", home.path())
            .env("ECI_EXEC_ENDPOINT", "http://127.0.0.1:9");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn eci-exec-lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = channel();
        std::thread::spawn(move || read_messages(stdout, sender));
        LspClient {
            child,
            stdin: Some(stdin),
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
            answers: Vec::new(),
            held: Vec::new(),
            _home: home,
        }
    }

    pub fn spawn() -> LspClient {
        LspClient::spawn_with_env(&[])
    }

    /// Starts the server and initializes it with `capabilities` and `options`.
    pub fn initialized(capabilities: Value, options: Value) -> (LspClient, Value) {
        LspClient::initialized_with_env(capabilities, options, &[])
    }

    pub fn initialized_with_env(
        capabilities: Value,
        options: Value,
        env: &[(&str, &str)],
    ) -> (LspClient, Value) {
        let mut client = LspClient::spawn_with_env(env);
        let result = client.initialize(capabilities, options);
        (client, result)
    }

    pub fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options}),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("serialize");
        self.write_raw(&frame(&body));
    }

    /// Writes bytes as they are: frames of the test's own making, well-formed or not.
    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    /// Closes the server's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the server to exit on its own and returns its exit status code.
    /// The server's process id (to read its memory from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id without waiting.
    pub fn start_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Answers a server request (one kept back by `held`).
    pub fn answer(&mut self, request: &Value, result: Value) {
        self.send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": result}));
    }

    /// The titles of the document's code lenses, in order.
    pub fn lens_titles(&mut self, uri: &str) -> Vec<String> {
        let lenses = self.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        lenses
            .as_array()
            .expect("lenses")
            .iter()
            .map(|lens| lens["command"]["title"].as_str().expect("title").to_owned())
            .collect()
    }

    /// Sends a request and waits for its result (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.start_request(method, params);
        let response = self.response(id);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(|message| {
            message.get("id") == Some(&json!(id)) && message.get("method").is_none()
        })
    }

    /// Waits for a message matching `matches`, answering the server's own requests meanwhile;
    /// other messages are kept for later waits.
    pub fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.pending.iter().position(&matches) {
            return self.pending.remove(index).expect("pending message");
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("timed out; pending: {:?}", self.pending),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server exited; pending: {:?}", self.pending)
                }
            };
            self.answer_server_request(&message);
            if matches(&message) {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// Like `wait_for`, but gives up after `timeout` and returns `None`.
    pub fn try_wait_for(
        &mut self,
        timeout: Duration,
        matches: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(index) = self.pending.iter().position(&matches) {
            return self.pending.remove(index);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).ok()?;
            self.answer_server_request(&message);
            if matches(&message) {
                return Some(message);
            }
            self.pending.push_back(message);
        }
    }

    fn answer_server_request(&mut self, message: &Value) {
        let (Some(id), Some(method)) = (
            message.get("id"),
            message.get("method").and_then(Value::as_str),
        ) else {
            return;
        };
        if self.held.iter().any(|held| held == method) {
            return;
        }
        let result = self
            .answers
            .iter()
            .find(|(name, _)| name == method)
            .map_or(Value::Null, |(_, value)| value.clone());
        let id = id.clone();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    /// Waits for the next `publishDiagnostics` for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let message = self.wait_for(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        });
        message["params"].clone()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "eci-exec", "version": 1, "text": text}}),
        );
    }

    /// Waits for pushed diagnostics that hold `code` (online ones arrive once a list lands).
    pub fn diagnostics_with(&mut self, code: &str) -> Value {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && codes(&m["params"]["diagnostics"]).iter().any(|c| c == code)
        });
        message["params"]["diagnostics"].clone()
    }

    /// Replaces the whole text of `uri` as `version`, and waits for that version's pushed
    /// diagnostics.
    pub fn replace_and_diagnose(&mut self, uri: &str, version: i64, text: &str) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].clone()
    }

    /// Sends one incremental change replacing `range` ([line, character, line, character]).
    pub fn change(&mut self, uri: &str, version: i64, range: [u32; 4], text: &str) {
        let [start_line, start_character, end_line, end_character] = range;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": start_line, "character": start_character}, "end": {"line": end_line, "character": end_character}},
                    "text": text,
                }],
            }),
        );
    }

    /// Shuts the server down cleanly and returns its exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.exit_code()
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `body` in a Content-Length frame.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// Client capabilities of a plain client: UTF-16, push diagnostics only.
pub fn push_client() -> Value {
    json!({"textDocument": {"publishDiagnostics": {"versionSupport": true}}})
}

/// The codes of a list of LSP diagnostics.
pub fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics.as_array().map_or_else(Vec::new, |list| {
        list.iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
            .collect()
    })
}

/// The byte offset of an LSP position (UTF-16 code units; `\n`, `\r\n` and `\r` end lines)
/// in `text`, clamped to its line: an independent reading of positions, not the server's.
pub fn byte_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let mut start = 0;
    for _ in 0..line {
        let rest = &text[start..];
        start += match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
    }
    let mut units = 0;
    for (index, c) in text[start..].char_indices() {
        if units >= character || c == '\n' || c == '\r' {
            return start + index;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits (UTF-16 positions) to `text`, last edit first.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            let range = &edit["range"];
            (
                byte_offset(text, &range["start"]),
                byte_offset(text, &range["end"]),
                edit["newText"].as_str().expect("newText").to_owned(),
            )
        })
        .collect();
    spans.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut result = text.to_owned();
    for (start, end, new_text) in spans {
        result.replace_range(start..end, &new_text);
    }
    result
}

/// The exec configs (`*.json`, `*.jsonc`) in `folder` of the repository (`tests/fixtures/rules`,
/// `examples`) and its subfolders, sorted.
pub fn fixture_files(folder: &str) -> Vec<PathBuf> {
    fn under(folder: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).expect("fixture folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                under(&path, files);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "json" || ext == "jsonc")
            {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    under(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(folder),
        &mut files,
    );
    files.sort();
    files
}

/// Compares `actual` with the fixture's `FIXTURE.expected` file, or, with `BLESS` set in the
/// environment, writes it there (for review before committing). Returns a unified diff when
/// they differ.
pub fn check_expected(fixture: &Path, actual: &str) -> Option<String> {
    let expected_path = PathBuf::from(format!("{}.expected", fixture.display()));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, actual).expect("write expected");
        return None;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    difference(&expected, actual)
}

/// A unified diff of `expected` and `actual`, when they differ.
pub fn difference(expected: &str, actual: &str) -> Option<String> {
    (expected != actual).then(|| {
        similar::TextDiff::from_lines(expected, actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string()
    })
}

/// `text` with its `//` and `/* */` comments replaced by spaces (line breaks kept, strings left
/// alone), and the comments' texts in order: an independent reading of JSONC for the tests.
pub fn split_comments(text: &str) -> (String, Vec<String>) {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut comments = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            out.push(b);
            if b == b'\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 1;
            } else if b == b'"' || b == b'\n' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        let end = if bytes[i..].starts_with(b"//") {
            text[i..]
                .find(['\n', '\r'])
                .map_or(bytes.len(), |at| i + at)
        } else if bytes[i..].starts_with(b"/*") {
            text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |at| i + 2 + at + 2)
        } else {
            in_string = b == b'"';
            out.push(b);
            i += 1;
            continue;
        };
        comments.push(text[i..end].to_owned());
        out.extend(
            bytes[i..end]
                .iter()
                .map(|&c| if c == b'\n' || c == b'\r' { c } else { b' ' }),
        );
        i = end;
    }
    let stripped = String::from_utf8(out).expect("comments removed on byte boundaries");
    (stripped, comments)
}

/// A multi-entry file of `entries` entries, every 1000th with an unknown field `Tty`.
pub fn big_file(entries: usize) -> String {
    let mut text = String::from(
        "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"ContainerGroupId\": \"eci-2zebxkiifulhl0001\",\n  \"Execs\": [\n",
    );
    for index in 0..entries {
        let extra = if index % 1000 == 999 {
            ", \"Tty\": true"
        } else {
            ""
        };
        text.push_str(&format!(
            "    {{ \"Label\": \"entry {index} 你好\", \"ContainerName\": \"app-{index}\", \"Command\": [\"/bin/sh\", \"-c\", \"echo {index} && ls -la /var/log/app\"], \"Sync\": true{extra} }}{}\n",
            if index + 1 == entries { "" } else { "," }
        ));
    }
    text.push_str("  ]\n}\n");
    text
}

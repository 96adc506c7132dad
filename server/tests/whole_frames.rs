//! Each frame the server sends leaves in one `write` call, header and body together: Vim 9.0
//! drops a message whose header it read alone when the body is late (yegappan/lsp then waits
//! for ever on `initialize`). Watched with `strace` on the real binary; the test fails without
//! strace when `CI=true` (tests/run-all.sh installs it) and is skipped, saying so, elsewhere.

mod support;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde_json::json;
use support::frame;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

fn strace_runs() -> bool {
    Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// A `write` call that strace saw carrying the start of a frame.
struct FrameWrite {
    /// The frame's length from its header: the header's bytes plus its Content-Length.
    frame_len: usize,
    /// What the call wrote.
    written: usize,
}

/// Reads strace lines such as
/// `write(9, "Content-Length: 709\r\n\r\n{\"jsonrpc"..., 732) = 732`.
fn frame_writes(trace: &str) -> Vec<FrameWrite> {
    let marker = "\"Content-Length: ";
    trace
        .lines()
        .filter_map(|line| {
            let start = line.find(marker)? + marker.len();
            let digits: String = line[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let body_len: usize = digits.parse().ok()?;
            let written = line.rsplit_once(") = ")?.1.trim().parse().ok()?;
            let header_len = "Content-Length: \r\n\r\n".len() + digits.len();
            Some(FrameWrite {
                frame_len: header_len + body_len,
                written,
            })
        })
        .collect()
}

#[test]
fn every_frame_is_written_whole_in_one_call() {
    if !strace_runs() {
        assert!(
            !in_ci(),
            "strace is needed in CI (tests/run-all.sh installs it)"
        );
        eprintln!("SKIPPED: the whole-frame test needs strace (apt-get install strace)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let trace_file = dir.path().join("trace");
    let mut child = Command::new("strace")
        // -ff: one file per thread, so that no call is split over "unfinished"/"resumed" lines.
        .args(["-ff", "-qq", "-s", "64", "-e", "trace=write", "-o"])
        .arg(&trace_file)
        .arg(env!("CARGO_BIN_EXE_eci-exec-lsp"))
        .arg("serve")
        .env("HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace starts");
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    let mut input = child.stdin.take().expect("stdin");
    for message in &messages {
        input
            .write_all(&frame(message.to_string().as_bytes()))
            .expect("write a frame");
    }
    drop(input);
    let mut output = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_end(&mut output)
        .expect("read the answers");
    child.wait().expect("the server ends");
    let trace: String = std::fs::read_dir(dir.path())
        .expect("strace's files")
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .collect();

    let writes = frame_writes(&trace);
    let answers = String::from_utf8_lossy(&output)
        .matches("Content-Length:")
        .count();
    assert!(answers >= 2, "initialize and shutdown answered: {output:?}");
    assert_eq!(
        writes.len(),
        answers,
        "one frame start per answer in:\n{trace}"
    );
    for write in &writes {
        assert_eq!(
            write.written, write.frame_len,
            "a frame was split over several writes:\n{trace}"
        );
    }
}

//! What a session's command does on the fake: deterministic stand-ins chosen by the Command.
//!
//! | Command | what happens |
//! | --- | --- |
//! | an interactive shell (`bash`, `/bin/sh -l`, ...) | a toy shell, always as on a terminal: prompt `$ `, echoes typing (with a TTY), runs `echo ...`, `stty size` (from the last size frame), `exit [N]`; Ctrl-C (0x03) shows `^C` and a new prompt; Ctrl-D on an empty line exits |
//! | `seq N [MS]` | `1` to `N`, a line each, MS milliseconds apart (default 100), then exit 0 |
//! | `cat` | echoes standard input until the client closes |
//! | `head -c N` | echoes the first N bytes of standard input, then exit 0 |
//! | `exit N`, `sh -c "exit N"` | exit N (a Failure status with the code, or Success for 0) |
//! | `stderr TEXT...` | TEXT and a newline on standard error, then exit 0 |
//! | `fail MESSAGE...` | a Failure status without an exit code |
//! | `status-text TEXT...` | plain text (not a status object) on the status channel |
//! | `unknown-channel` | a message on channel 9, then `ok` on standard output, exit 0 |
//! | `text TEXT...` | TEXT and a newline as a text message (standard output), exit 0 |
//! | `hangup` | a Close frame without a status |
//! | `reset` | the connection dropped without a Close frame |
//! | anything else | the Sync output (`sync_output`) on standard output, exit 0 |

use std::time::Duration;

use eci_exec_lsp::analysis::shell::is_interactive_shell;
use serde_json::json;
use tokio::sync::mpsc;

use crate::api::sync_output;
use crate::ws::{End, Input, Out, exit_status};

pub(crate) enum Script {
    Shell,
    Seq { count: u64, interval: Duration },
    Cat { limit: Option<u64> },
    Exit(i64),
    Stderr(String),
    Fail(String),
    StatusText(String),
    UnknownChannel,
    Text(String),
    Hangup,
    Reset,
    Print(String),
}

/// The script for `command`.
pub(crate) fn choose(command: &[String]) -> Script {
    let items: Vec<&str> = command.iter().map(String::as_str).collect();
    let rest = || items[1..].join(" ");
    if is_interactive_shell(&items) {
        return Script::Shell;
    }
    let number = |text: &str| text.parse::<u64>().ok();
    match items.as_slice() {
        ["seq", count] | ["seq", count, _] if number(count).is_some() => Script::Seq {
            count: number(count).unwrap_or_default(),
            interval: Duration::from_millis(items.get(2).and_then(|ms| number(ms)).unwrap_or(100)),
        },
        ["cat"] => Script::Cat { limit: None },
        ["head", "-c", limit] if number(limit).is_some() => Script::Cat {
            limit: number(limit),
        },
        ["exit", code] if code.parse::<i64>().is_ok() => Script::Exit(code.parse().unwrap_or(0)),
        [_, "-c", script] if command_exit(script).is_some() => {
            Script::Exit(command_exit(script).unwrap_or(0))
        }
        ["stderr", ..] => Script::Stderr(rest()),
        ["fail", ..] => Script::Fail(rest()),
        ["status-text", ..] => Script::StatusText(rest()),
        ["unknown-channel"] => Script::UnknownChannel,
        ["text", ..] => Script::Text(rest()),
        ["hangup"] => Script::Hangup,
        ["reset"] => Script::Reset,
        _ => Script::Print(sync_output(command)),
    }
}

/// Runs `script` until it ends the session.
pub(crate) async fn run(script: Script, out: &mut Out, mut input: mpsc::Receiver<Input>) -> End {
    match script {
        Script::Shell => shell(out, input).await,
        Script::Seq { count, interval } => {
            for n in 1..=count {
                if n > 1 {
                    tokio::time::sleep(interval).await;
                }
                if !out.stdout(format!("{n}\n").as_bytes()).await {
                    return End::Reset;
                }
            }
            End::Status(exit_status(0))
        }
        Script::Cat { limit } => {
            let mut left = limit;
            while let Some(received) = input.recv().await {
                let Input::Stdin(bytes) = received else {
                    continue;
                };
                let take = left.map_or(bytes.len(), |left| bytes.len().min(left as usize));
                if !out.stdout(&bytes[..take]).await {
                    return End::Reset;
                }
                if let Some(left) = &mut left {
                    *left -= take as u64;
                    if *left == 0 {
                        return End::Status(exit_status(0));
                    }
                }
            }
            End::Hangup
        }
        Script::Exit(code) => End::Status(exit_status(code)),
        Script::Stderr(text) => {
            out.stderr(format!("{text}\n").as_bytes()).await;
            End::Status(exit_status(0))
        }
        Script::Fail(message) => {
            End::Status(json!({"status": "Failure", "message": message}).to_string())
        }
        Script::StatusText(text) => End::Status(text),
        Script::UnknownChannel => {
            out.channel(9, b"what is this").await;
            out.stdout(b"ok\n").await;
            End::Status(exit_status(0))
        }
        Script::Text(text) => {
            out.text(format!("{text}\n")).await;
            End::Status(exit_status(0))
        }
        Script::Hangup => End::Hangup,
        Script::Reset => End::Reset,
        Script::Print(text) => {
            out.stdout(text.as_bytes()).await;
            End::Status(exit_status(0))
        }
    }
}

/// The toy shell, as on a terminal (echo, `\r\n`) whether or not the session has a TTY.
async fn shell(out: &mut Out, mut input: mpsc::Receiver<Input>) -> End {
    let mut line: Vec<u8> = Vec::new();
    let mut size: Option<(u64, u64)> = None;
    if !out.stdout(b"$ ").await {
        return End::Reset;
    }
    while let Some(received) = input.recv().await {
        let bytes = match received {
            Input::Resize { width, height } => {
                size = Some((width, height));
                continue;
            }
            Input::Stdin(bytes) => bytes,
        };
        let mut shown: Vec<u8> = Vec::new();
        for &byte in bytes.iter() {
            match byte {
                0x03 => {
                    line.clear();
                    shown.extend(b"^C\r\n$ ");
                }
                0x04 if line.is_empty() => {
                    out.stdout(&shown).await;
                    return End::Status(exit_status(0));
                }
                b'\r' | b'\n' => {
                    shown.extend(b"\r\n");
                    let command = String::from_utf8_lossy(&line).trim().to_owned();
                    line.clear();
                    if let Some(code) = command_exit(&command) {
                        out.stdout(&shown).await;
                        return End::Status(exit_status(code));
                    }
                    shown.extend(answer(&command, size).as_bytes());
                    shown.extend(b"$ ");
                }
                0x7f | 0x08 => {
                    if line.pop().is_some() {
                        shown.extend(b"\x08 \x08");
                    }
                }
                byte => {
                    line.push(byte);
                    shown.push(byte);
                }
            }
        }
        if !out.stdout(&shown).await {
            return End::Reset;
        }
    }
    End::Hangup
}

/// `exit` or `exit N`: the code.
fn command_exit(command: &str) -> Option<i64> {
    match command {
        "exit" => Some(0),
        _ => command.strip_prefix("exit ")?.trim().parse().ok(),
    }
}

/// What the toy shell prints for a command line.
fn answer(command: &str, size: Option<(u64, u64)>) -> String {
    match command {
        "" => String::new(),
        "stty size" => match size {
            Some((width, height)) => format!("{height} {width}\r\n"),
            None => "stty: 'standard input': Inappropriate ioctl for device\r\n".to_owned(),
        },
        _ => match command.strip_prefix("echo ") {
            Some(text) => format!("{text}\r\n"),
            None => format!("toy-sh: {command}: command not found\r\n"),
        },
    }
}

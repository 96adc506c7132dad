//! The wire in front of tower-lsp-server: reads Content-Length frames from the client, answers
//! a malformed one with a JSON-RPC error and keeps serving, passes only well-formed messages on,
//! writes every outgoing message as one whole frame, and turns how the session ended into the
//! exit status (LSP: 0 after `shutdown`, else 1).
//!
//! tower-lsp-server's own reader stops for good at the first frame it cannot decode, dropping
//! everything still pending; here a bad frame costs only itself.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream,
};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// A frame longer than this is refused without reading it into memory.
pub const MAX_FRAME: usize = 256 << 20;

/// The longest header line read; a longer one makes its header block bad.
const MAX_HEADER_LINE: usize = 4096;

/// The header name, as LSP spells it; matched without regard to case.
const CONTENT_LENGTH: &[u8] = b"content-length";

/// Buffer of each in-process pipe to and from tower-lsp-server.
const PIPE_BUFFER: usize = 64 * 1024;

/// Outgoing frames waiting for stdout.
const OUTGOING_QUEUE: usize = 16;

/// How long the server may take, once input has ended, to finish what it had read.
const FINISH_GRACE: Duration = Duration::from_secs(2);

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// Serves `server` (tower-lsp-server, given its input and output pipes) on `input` and
/// `output` until `exit` or the end of input; returns the exit status.
pub async fn serve<I, O, S, F>(input: I, output: O, server: S) -> ExitCode
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin + Send + 'static,
    S: FnOnce(DuplexStream, DuplexStream) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let (to_server, server_input) = tokio::io::duplex(PIPE_BUFFER);
    let (server_output, from_server) = tokio::io::duplex(PIPE_BUFFER);
    let (outgoing, queue) = mpsc::channel(OUTGOING_QUEUE);
    let mut server = tokio::spawn(server(server_input, server_output));
    let relay = tokio::spawn(relay(from_server, outgoing.clone()));
    let writer = tokio::spawn(write_frames(queue, output));
    let shut_down = read_frames(input, to_server, outgoing).await;
    if tokio::time::timeout(FINISH_GRACE, &mut server)
        .await
        .is_err()
    {
        tracing::warn!("requests still running at exit were dropped");
        server.abort();
    }
    // The relay ends when the server's output closes; the writer when both senders are gone.
    let _ = tokio::time::timeout(FINISH_GRACE, async {
        let _ = relay.await;
        let _ = writer.await;
    })
    .await;
    if shut_down {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What one read from the client gave.
#[derive(Debug, PartialEq)]
enum Frame {
    /// A body of the announced length.
    Body(Vec<u8>),
    /// A header block without a usable length; the next read skips the body that follows.
    BadHeader(String),
    /// The end of input.
    End,
}

/// Reads client frames until `exit` or the end of input, passing well-formed messages to the
/// server and error answers to the writer. Returns whether `shutdown` was requested.
async fn read_frames(
    input: impl AsyncRead + Unpin,
    mut to_server: DuplexStream,
    outgoing: mpsc::Sender<Vec<u8>>,
) -> bool {
    let mut reader = FrameReader::new(input, MAX_FRAME);
    let mut shut_down = false;
    loop {
        let body = match reader.next().await {
            Ok(Frame::Body(body)) => body,
            Ok(Frame::BadHeader(reason)) => {
                tracing::warn!("bad frame: {reason}");
                let _ = outgoing
                    .send(error_frame(Value::Null, PARSE_ERROR, &reason))
                    .await;
                continue;
            }
            Ok(Frame::End) => return shut_down,
            Err(error) => {
                tracing::warn!("cannot read the client's input: {error}");
                return shut_down;
            }
        };
        let method = match check_message(&body) {
            Ok(method) => method,
            Err(rejection) => {
                tracing::warn!("bad message: {}", rejection.message);
                let answer = error_frame(rejection.id, rejection.code, &rejection.message);
                let _ = outgoing.send(answer).await;
                continue;
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let passed = async {
            to_server.write_all(header.as_bytes()).await?;
            to_server.write_all(&body).await
        };
        if passed.await.is_err() {
            return shut_down;
        }
        match method.as_deref() {
            Some("shutdown") => shut_down = true,
            // LSP: the server exits at once, even if the client keeps its end open.
            Some("exit") => return shut_down,
            _ => {}
        }
    }
}

/// Cuts tower-lsp-server's output into whole frames for the writer.
async fn relay(from_server: DuplexStream, outgoing: mpsc::Sender<Vec<u8>>) {
    // tower-lsp-server's frames are well-formed and may be of any size.
    let mut reader = FrameReader::new(from_server, usize::MAX);
    loop {
        match reader.next().await {
            Ok(Frame::Body(body)) => {
                if outgoing.send(encode(&body)).await.is_err() {
                    return;
                }
            }
            Ok(Frame::BadHeader(reason)) => tracing::error!("unreadable server output: {reason}"),
            Ok(Frame::End) | Err(_) => return,
        }
    }
}

/// The one writer of the client's stream: whole frames, one at a time.
async fn write_frames(mut queue: mpsc::Receiver<Vec<u8>>, mut output: impl AsyncWrite + Unpin) {
    while let Some(frame) = queue.recv().await {
        let written = async {
            output.write_all(&frame).await?;
            output.flush().await
        };
        if let Err(error) = written.await {
            tracing::warn!("cannot write to the client: {error}");
            return;
        }
    }
}

fn encode(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let answer = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    encode(answer.to_string().as_bytes())
}

/// Reads Content-Length frames from a stream.
struct FrameReader<R> {
    reader: BufReader<R>,
    /// The longest body accepted.
    max_frame: usize,
    /// After a bad header block: the body, of unknown length, is still to be skipped.
    skipping: bool,
    /// A header line found while skipping a bad frame: the start of the next header block.
    carried: Option<Vec<u8>>,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    fn new(input: R, max_frame: usize) -> Self {
        Self {
            reader: BufReader::new(input),
            max_frame,
            skipping: false,
            carried: None,
        }
    }

    /// Reads one frame: a header block, then a body of its `Content-Length`.
    async fn next(&mut self) -> std::io::Result<Frame> {
        if std::mem::take(&mut self.skipping) {
            self.skip_to_next_header().await?;
        }
        let mut length: Option<Result<usize, String>> = None;
        let mut started = false;
        loop {
            let line = match self.carried.take() {
                Some(line) => line,
                None => {
                    let mut line = Vec::new();
                    let read = self.read_line(&mut line).await?;
                    if read == 0 {
                        return Ok(Frame::End);
                    }
                    if !line.ends_with(b"\n") && read == MAX_HEADER_LINE {
                        return Ok(self.bad("a header line is too long".to_owned()));
                    }
                    line
                }
            };
            let text = line.trim_ascii();
            if text.is_empty() {
                if started {
                    break;
                }
                // Blank lines between frames are harmless.
                continue;
            }
            started = true;
            if let Some(value) = content_length(text) {
                length = Some(parse_length(value, self.max_frame));
            }
        }
        let length = match length {
            None => return Ok(self.bad("the frame has no Content-Length header".to_owned())),
            Some(Err(reason)) => return Ok(self.bad(reason)),
            Some(Ok(length)) => length,
        };
        // Read as it arrives: a length that lies allocates no more than what was sent.
        let mut body = Vec::new();
        (&mut self.reader)
            .take(length as u64)
            .read_to_end(&mut body)
            .await?;
        if body.len() < length {
            return Ok(Frame::End);
        }
        Ok(Frame::Body(body))
    }

    /// Appends at most one line (`MAX_HEADER_LINE` bytes) to `line`.
    async fn read_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<usize> {
        (&mut self.reader)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', line)
            .await
    }

    /// A bad header block: reported now (the client may wait for the answer before sending
    /// more); the next read first skips the body, whose length is unknown.
    fn bad(&mut self, reason: String) -> Frame {
        self.skipping = true;
        Frame::BadHeader(reason)
    }

    /// Skips to the next line holding `Content-Length`, kept as the first line of the next
    /// header block.
    async fn skip_to_next_header(&mut self) -> std::io::Result<()> {
        let mut chunk = Vec::new();
        while self.read_line(&mut chunk).await? > 0 {
            if let Some(at) = find_name(&chunk) {
                let mut line = chunk.split_off(at);
                if !line.ends_with(b"\n") {
                    self.read_line(&mut line).await?;
                }
                self.carried = Some(line);
                break;
            }
            if chunk.ends_with(b"\n") {
                chunk.clear();
            } else {
                // A long run without a line break: keep what could be the name cut in two.
                chunk.drain(..chunk.len().saturating_sub(CONTENT_LENGTH.len() - 1));
            }
        }
        Ok(())
    }
}

fn find_name(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(CONTENT_LENGTH.len())
        .position(|window| window.eq_ignore_ascii_case(CONTENT_LENGTH))
}

/// The value of a `Content-Length` header line. A line holding the name after other bytes
/// (what is left of a body shorter than its length said) counts from the name on.
fn content_length(line: &[u8]) -> Option<&[u8]> {
    let at = find_name(line)?;
    let rest = line[at + CONTENT_LENGTH.len()..].trim_ascii_start();
    rest.strip_prefix(b":").map(<[u8]>::trim_ascii)
}

fn parse_length(value: &[u8], max_frame: usize) -> Result<usize, String> {
    let text = String::from_utf8_lossy(value);
    match text.parse::<usize>() {
        Ok(length) if length <= max_frame => Ok(length),
        Ok(length) => Err(format!(
            "a frame of {length} bytes is over the limit of {max_frame} bytes"
        )),
        Err(_) => Err(format!("Content-Length `{text}` is not a length")),
    }
}

/// Why a body is not a message tower-lsp-server can take.
#[derive(Debug)]
struct Rejection {
    id: Value,
    code: i64,
    message: String,
}

/// What tower-lsp-server decodes (its own type is private): a response or a request.
#[derive(Deserialize)]
#[serde(untagged)]
enum Message {
    // Decoded only to know that tower-lsp-server will decode it too.
    #[allow(dead_code)]
    Response(Response),
    Request(Request),
}

/// Only the id of a body, read without checking the rest.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Value,
}

/// Checks that `body` is one message tower-lsp-server will decode; returns the method of a
/// request or notification.
fn check_message(body: &[u8]) -> Result<Option<String>, Rejection> {
    let rejection = |code: i64, message: String| Rejection {
        id: readable_id(body),
        code,
        message,
    };
    let text = std::str::from_utf8(body).map_err(|error| {
        rejection(
            PARSE_ERROR,
            format!("the message is not valid UTF-8: {error}"),
        )
    })?;
    match serde_json::from_str::<Message>(text) {
        Ok(Message::Request(request)) => Ok(Some(request.method().to_owned())),
        Ok(Message::Response(_)) => Ok(None),
        Err(_) => Err(match serde_json::from_str::<Value>(text) {
            Err(error) => rejection(
                PARSE_ERROR,
                format!("the message is not valid JSON: {error}"),
            ),
            Ok(value) if !value.is_object() => rejection(
                PARSE_ERROR,
                "the message is not a JSON object (batches are not part of LSP)".to_owned(),
            ),
            Ok(_) => rejection(
                INVALID_REQUEST,
                "the message is not a JSON-RPC 2.0 request, notification or response".to_owned(),
            ),
        }),
    }
}

/// The id of a body that could not be decoded whole, when it can be read (a string or a
/// number); else null, as JSON-RPC answers a parse error.
fn readable_id(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    // Only from an object: serde would read a struct from an array too, by position.
    if !text.trim_start().starts_with('{') {
        return Value::Null;
    }
    match serde_json::from_str::<IdOnly>(&text) {
        Ok(IdOnly {
            id: id @ (Value::Number(_) | Value::String(_)),
        }) => id,
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader {
            reader: BufReader::with_capacity(16, input),
            max_frame: MAX_FRAME,
            skipping: false,
            carried: None,
        };
        let mut frames = Vec::new();
        loop {
            let frame = reader.next().await.unwrap();
            if frame == Frame::End {
                return frames;
            }
            frames.push(frame);
        }
    }

    #[tokio::test]
    async fn resynchronises_after_a_bad_header_block() {
        let input = b"Content-Length: x\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}\r\nGarbage\r\n\r\nbodyCONTENT-LENGTH:3\r\n\r\n[1]";
        let frames = frames(input).await;
        assert!(matches!(&frames[0], Frame::BadHeader(reason) if reason.contains("`x`")));
        assert_eq!(frames[1], Frame::Body(b"{}".to_vec()));
        assert!(
            matches!(&frames[2], Frame::BadHeader(reason) if reason.contains("no Content-Length"))
        );
        assert_eq!(frames[3], Frame::Body(b"[1]".to_vec()));
        assert_eq!(frames.len(), 4);
    }

    #[tokio::test]
    async fn refuses_a_huge_length_and_a_huge_header_line() {
        let mut input = b"Content-Length: 99999999999999999999999\r\n\r\n".to_vec();
        // No line break: the next name straddles two reads of the skipped run.
        input.extend(vec![b'x'; MAX_HEADER_LINE * 2 - 5]);
        input.extend(b"Content-Length: 2\r\n\r\n{}");
        let mut long_line = vec![b'y'; MAX_HEADER_LINE + 1];
        long_line.extend(b"\r\n\r\nContent-Length: 3\r\n\r\n[1]");
        input.extend(long_line);
        let frames = frames(&input).await;
        assert!(matches!(&frames[0], Frame::BadHeader(reason) if reason.contains("not a length")));
        assert_eq!(frames[1], Frame::Body(b"{}".to_vec()));
        assert!(matches!(&frames[2], Frame::BadHeader(reason) if reason.contains("too long")));
        assert_eq!(frames[3], Frame::Body(b"[1]".to_vec()));
        assert_eq!(frames.len(), 4);
    }

    #[test]
    fn tells_parse_errors_from_invalid_requests() {
        let code = |body: &[u8]| check_message(body).map_err(|r| (r.code, r.id));
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","method":"exit"}"#).unwrap(),
            Some("exit".to_owned())
        );
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).unwrap(),
            None
        );
        assert_eq!(code(b"[1]").unwrap_err(), (PARSE_ERROR, Value::Null));
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":3,"method":"m","params":"\ud800"}"#).unwrap_err(),
            (PARSE_ERROR, json!(3))
        );
        assert_eq!(
            code(br#"{"jsonrpc":"1.0","id":"a","method":"m"}"#).unwrap_err(),
            (INVALID_REQUEST, json!("a"))
        );
    }
}

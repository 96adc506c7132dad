//! The wire, in place of tower-lsp-server's `Server` (whose reader stops for good at the first
//! frame it cannot decode, dropping everything still pending): reads Content-Length frames,
//! decodes each message once, answers a malformed one with a JSON-RPC error and keeps serving,
//! hands requests and notifications to the LSP service and the client's replies to its socket,
//! writes every outgoing message as one whole frame from one task, and turns how the session
//! ended into the exit status (LSP: 0 after `shutdown`, else 1).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinSet;
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{ClientSocket, ExitedError, Loopback};

/// A frame longer than this is refused without reading it into memory.
pub const MAX_FRAME: usize = 256 << 20;

/// The longest header line read; a longer one makes its header block bad.
const MAX_HEADER_LINE: usize = 4096;

/// The header name, as LSP spells it; matched without regard to case.
const CONTENT_LENGTH: &[u8] = b"content-length";

/// Outgoing frames waiting for stdout.
const OUTGOING_QUEUE: usize = 16;

/// How long handlers may take, once input has ended, to finish what was read.
const FINISH_GRACE: Duration = Duration::from_secs(2);

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// Serves `service` (with its client `socket`) on `input` and `output` until `exit` or the end
/// of input, running at most `concurrency` handlers at a time; returns the exit status.
pub async fn serve<I, O, S>(
    input: I,
    output: O,
    service: S,
    socket: ClientSocket,
    concurrency: usize,
) -> ExitCode
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin + Send + 'static,
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    let (outgoing, queue) = mpsc::channel(OUTGOING_QUEUE);
    let writer = tokio::spawn(write_frames(queue, output));
    let (to_client, replies) = Loopback::split(socket);
    let (stop_forwarding, stop) = oneshot::channel();
    let forwarder = tokio::spawn(forward(to_client, outgoing.clone(), stop));
    let mut session = Session {
        service,
        replies,
        outgoing,
        slots: Arc::new(Semaphore::new(concurrency)),
        handlers: JoinSet::new(),
        shut_down: false,
    };
    let mut reader = FrameReader::new(input);
    loop {
        let flow = match reader.next().await {
            Ok(Frame::Body(body)) => session.receive(&body).await,
            Ok(Frame::BadHeader(reason)) => {
                tracing::warn!("bad frame: {reason}");
                session
                    .send(error_frame(Value::Null, PARSE_ERROR, &reason))
                    .await;
                Flow::Continue
            }
            Ok(Frame::End) => Flow::Stop,
            Err(error) => {
                tracing::warn!("cannot read the client's input: {error}");
                Flow::Stop
            }
        };
        if flow == Flow::Stop {
            break;
        }
    }
    let shut_down = session.finish().await;
    // The forwarder sends what the handlers left queued; then the writer drains and ends.
    let _ = stop_forwarding.send(());
    let _ = tokio::time::timeout(FINISH_GRACE, async {
        let _ = forwarder.await;
        let _ = writer.await;
    })
    .await;
    if shut_down {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Whether to read on.
#[derive(PartialEq)]
enum Flow {
    Continue,
    Stop,
}

/// The LSP service and what it needs while messages come in.
struct Session<S> {
    service: S,
    /// Where the client's replies to the server's requests go.
    replies: <ClientSocket as Loopback>::ResponseSink,
    outgoing: mpsc::Sender<Vec<u8>>,
    /// Handler slots.
    slots: Arc<Semaphore>,
    handlers: JoinSet<()>,
    /// Whether a `shutdown` request came.
    shut_down: bool,
}

impl<S> Session<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    async fn send(&self, frame: Vec<u8>) {
        // Fails only when the client's stream is gone; reading goes on until input ends.
        let _ = self.outgoing.send(frame).await;
    }

    /// One body from the client: a request or notification, a reply, or an error answer.
    async fn receive(&mut self, body: &[u8]) -> Flow {
        match decode(body) {
            Ok(Incoming::Request(request)) => self.dispatch(request).await,
            Ok(Incoming::Reply(reply)) => {
                if self.replies.send(reply).await.is_err() {
                    tracing::warn!("a reply came after the session ended");
                }
                Flow::Continue
            }
            Err(rejection) => {
                tracing::warn!("bad message: {}", rejection.message);
                let answer = error_frame(rejection.id, rejection.code, &rejection.message);
                self.send(answer).await;
                Flow::Continue
            }
        }
    }

    /// Hands a request or notification to the service, in the order read.
    async fn dispatch(&mut self, request: Request) -> Flow {
        let method = request.method().to_owned();
        let service = &mut self.service;
        if std::future::poll_fn(|cx| service.poll_ready(cx))
            .await
            .is_err()
        {
            return Flow::Stop;
        }
        let handled = self.service.call(request);
        if method == "initialize" {
            // Nothing else is read until the session is set up, as clients wait for it too.
            answer(handled.await, &self.outgoing).await;
        } else {
            // The slot is taken inside the task: the reader never waits, so the replies that
            // running handlers wait for are always read.
            let slots = self.slots.clone();
            let outgoing = self.outgoing.clone();
            self.handlers.spawn(async move {
                let _slot = slots.acquire_owned().await;
                answer(handled.await, &outgoing).await;
            });
        }
        while self.handlers.try_join_next().is_some() {}
        match method.as_str() {
            "shutdown" => self.shut_down = true,
            // LSP: the server exits at once, even if the client keeps its end open.
            "exit" => return Flow::Stop,
            _ => {}
        }
        Flow::Continue
    }

    /// Gives the handlers still running a short while to answer; returns whether a
    /// `shutdown` came.
    async fn finish(mut self) -> bool {
        let finished = tokio::time::timeout(FINISH_GRACE, async {
            while self.handlers.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            tracing::warn!("requests still running at the end were dropped");
            self.handlers.abort_all();
        }
        self.shut_down
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

/// Sends a handler's response, if it has one (notifications have none).
async fn answer(handled: Result<Option<Response>, ExitedError>, outgoing: &mpsc::Sender<Vec<u8>>) {
    if let Ok(Some(response)) = handled {
        let _ = outgoing.send(message_frame(&response)).await;
    }
}

/// Passes the server's own requests and notifications to the writer until the session has
/// exited, or `stop` fires and nothing more is queued.
async fn forward(
    mut to_client: <ClientSocket as Loopback>::RequestStream,
    outgoing: mpsc::Sender<Vec<u8>>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            biased;
            request = to_client.next() => match request {
                Some(request) => {
                    if outgoing.send(message_frame(&request)).await.is_err() {
                        return;
                    }
                }
                None => return,
            },
            _ = &mut stop => return,
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

fn message_frame(message: &impl Serialize) -> Vec<u8> {
    // Serialising these types cannot fail: their fields are strings, numbers and JSON values.
    encode(&serde_json::to_vec(message).unwrap_or_default())
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let answer = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    encode(answer.to_string().as_bytes())
}

/// Reads Content-Length frames from a stream.
struct FrameReader<R> {
    reader: BufReader<R>,
    /// After a bad header block: the body, of unknown length, is still to be skipped.
    skipping: bool,
    /// A header line found while skipping a bad frame: the start of the next header block.
    carried: Option<Vec<u8>>,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    fn new(input: R) -> Self {
        Self {
            reader: BufReader::new(input),
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
                length = Some(parse_length(value));
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

fn parse_length(value: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(value);
    match text.parse::<usize>() {
        Ok(length) if length <= MAX_FRAME => Ok(length),
        Ok(length) => Err(format!(
            "a frame of {length} bytes is over the limit of {MAX_FRAME} bytes"
        )),
        Err(_) => Err(format!("Content-Length `{text}` is not a length")),
    }
}

/// Why a body is not a message, and the error answer it gets.
#[derive(Debug)]
struct Rejection {
    id: Value,
    code: i64,
    message: String,
}

/// A message from the client.
enum Incoming {
    /// A request or notification: it has a method.
    Request(Request),
    /// A reply to one of the server's requests: no method.
    Reply(Response),
}

/// Only the id of a body, read without checking the rest.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Value,
}

/// Decodes a body into a message, once (a 2 MB `didOpen` is decoded in a few milliseconds).
fn decode(body: &[u8]) -> Result<Incoming, Rejection> {
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
    // Read as a request first; a reply reads as one too, with an empty method.
    match serde_json::from_str::<Request>(text) {
        Ok(request) if !request.method().is_empty() => return Ok(Incoming::Request(request)),
        Ok(_) => {
            if let Ok(reply) = serde_json::from_str::<Response>(text) {
                return Ok(Incoming::Reply(reply));
            }
        }
        Err(_) => {}
    }
    Err(match serde_json::from_str::<Value>(text) {
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
    })
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
    fn tells_requests_replies_parse_errors_and_invalid_requests_apart() {
        let code = |body: &[u8]| decode(body).map(|_| ()).map_err(|r| (r.code, r.id));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","method":"exit"}"#),
            Ok(Incoming::Request(request)) if request.method() == "exit"
        ));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":1,"result":null}"#),
            Ok(Incoming::Reply(_))
        ));
        assert_eq!(
            code(br#"{"jsonrpc":"2.0","id":2,"method":""}"#).unwrap_err(),
            (INVALID_REQUEST, json!(2))
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

//! The wire, in place of tower-lsp-server's `Server` (whose reader stops for good at the first
//! frame it cannot decode, dropping everything still pending): reads Content-Length frames,
//! decodes each message once, answers a malformed one with a JSON-RPC error and keeps serving,
//! hands requests and notifications to the LSP service and the client's replies to its socket,
//! writes every outgoing message as one whole frame from one task, and turns how the session
//! ended into the exit status (LSP: 0 after `shutdown`, else 1).

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::io::Write;

use tokio::io::AsyncRead;
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinSet;
use tower::Service;
use tower_lsp_server::jsonrpc::{self, Id, Request, Response};
use tower_lsp_server::{ClientSocket, ExitedError, Loopback};

use super::frames::{Frame, FrameReader, encode};

/// Outgoing frames waiting for stdout.
const OUTGOING_QUEUE: usize = 16;

/// How long handlers may take, once input has ended, to finish what was read.
const FINISH_GRACE: Duration = Duration::from_secs(2);

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// The answer to a request served without the LSP service: its `result`, already JSON.
pub type DirectAnswer = Pin<Box<dyn Future<Output = jsonrpc::Result<Vec<u8>>> + Send>>;

/// Requests answered without the LSP service, whose router builds a `serde_json::Value` of
/// every answer first: `Some` for the methods it takes (see `lsp/direct.rs`).
pub type Direct = Box<dyn Fn(&Request) -> Option<DirectAnswer> + Send>;

/// Serves `service` (with its client `socket`) on `input` and `output` until `exit` or the end
/// of input, running at most `concurrency` handlers at a time (`direct` ones included);
/// returns the exit status.
pub async fn serve<I, O, S>(
    input: I,
    output: O,
    service: S,
    socket: ClientSocket,
    direct: Direct,
    concurrency: usize,
) -> ExitCode
where
    I: AsyncRead + Unpin,
    O: Write + Send + 'static,
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    let (outgoing, queue) = mpsc::channel(OUTGOING_QUEUE);
    let writer = tokio::task::spawn_blocking(move || write_frames(queue, output));
    let (to_client, replies) = Loopback::split(socket);
    let (stop_forwarding, stop) = oneshot::channel();
    let forwarder = tokio::spawn(forward(to_client, outgoing.clone(), stop));
    let mut session = Session {
        service,
        replies,
        outgoing,
        slots: Arc::new(Semaphore::new(concurrency)),
        handlers: JoinSet::new(),
        direct,
        initialized: false,
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
    direct: Direct,
    /// Whether `initialize` was answered: before it, and after `shutdown`, the service answers
    /// every request (with the errors LSP prescribes), direct ones included.
    initialized: bool,
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
            Ok(Incoming::Request(request)) => self.dispatch(without_void_params(request)).await,
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
        if self.initialized && !self.shut_down {
            let id = request.id().cloned();
            if let (Some(id), Some(answer)) = (id, (self.direct)(&request)) {
                let slots = self.slots.clone();
                let outgoing = self.outgoing.clone();
                self.handlers.spawn(async move {
                    let _slot = slots.acquire_owned().await;
                    let _ = outgoing.send(direct_frame(&id, answer.await)).await;
                });
                return Flow::Continue;
            }
        }
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
            self.initialized = true;
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
/// Writes each frame with one call (see `protocol_output` in `lsp/mod.rs`), on a thread of its
/// own: no hand-over to a blocking pool per frame.
fn write_frames(mut queue: mpsc::Receiver<Vec<u8>>, mut output: impl Write) {
    while let Some(frame) = queue.blocking_recv() {
        if let Err(error) = output.write_all(&frame).and_then(|()| output.flush()) {
            tracing::warn!("cannot write to the client: {error}");
            return;
        }
    }
}

fn message_frame(message: &impl Serialize) -> Vec<u8> {
    // Serialising these types cannot fail: their fields are strings, numbers and JSON values.
    encode(&serde_json::to_vec(message).unwrap_or_default())
}

/// `shutdown` and `exit` take no params, but clients send `{}` or `null` (Emacs's lsp-mode
/// does), which tower-lsp-server would refuse: they are dropped.
fn without_void_params(request: Request) -> Request {
    let method = request.method();
    if request.params().is_none() || !(method == "shutdown" || method == "exit") {
        return request;
    }
    let (method, id, _) = request.into_parts();
    let builder = Request::build(method);
    match id {
        Some(id) => builder.id(id).finish(),
        None => builder.finish(),
    }
}

/// The response to a direct request: its result spliced in as it was serialised, or its error.
fn direct_frame(id: &Id, answer: jsonrpc::Result<Vec<u8>>) -> Vec<u8> {
    match answer {
        Ok(result) => {
            let id = serde_json::to_string(id).unwrap_or_else(|_| "null".to_owned());
            let mut body = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":"#).into_bytes();
            body.extend_from_slice(&result);
            body.push(b'}');
            encode(&body)
        }
        Err(error) => message_frame(&Response::from_error(id.clone(), error)),
    }
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let answer = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    encode(answer.to_string().as_bytes())
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

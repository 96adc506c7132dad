//! The session side of the fake: what a non-Sync `ExecContainerCommand` returns (a
//! `WebSocketUri` on this fake, `ws://127.0.0.1:PORT/exec/?s=TOKEN`, and an `HttpUrl`), the
//! one-time tokens that expire (30 s unless configured), the WebSocket upgrade on `/exec/`,
//! the server side of the framing, and the record of every frame a session received.
//!
//! Framing, as the contract has it: a binary message is a channel byte then the payload;
//! the client sends `0` stdin and `4` size `{"Width", "Height"}`; this side sends `1` stdout,
//! `2` stderr and `3` a status object, then a Close frame. What each command does is in
//! `ws_script.rs`.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming as Body;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use crate::{Shared, lock, now_ms, ws_script};

/// The path sessions connect to.
pub(crate) const SESSION_PATH: &str = "/exec/";

/// How long a session URI stays valid by default (the `HttpUrl`'s documented lifetime).
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(30);

/// Frames kept per session (the count of input bytes goes on after that).
const MAX_RECORDED_FRAMES: usize = 1000;

/// Bytes of each frame's payload kept in the record.
const MAX_RECORDED_PAYLOAD: usize = 256;

/// One frame a session received from its client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedFrame {
    /// The channel byte; `None` for a text message.
    pub channel: Option<u8>,
    /// The payload's length in bytes.
    pub len: usize,
    /// Its first 256 bytes, as text (invalid UTF-8 replaced).
    pub payload: String,
    /// Milliseconds since the Unix epoch.
    pub unix_ms: u64,
}

/// A session opened by `ExecContainerCommand`, and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: u64,
    /// The one-time token of its URI (so tests can check it is never shown).
    pub token: String,
    pub container_group_id: String,
    pub container_name: String,
    pub command: Vec<String>,
    pub tty: bool,
    pub stdin: bool,
    /// When the client connected (none yet: still waiting).
    pub connected_unix_ms: Option<u64>,
    /// When the session ended.
    pub closed_unix_ms: Option<u64>,
    /// The `Sec-WebSocket-Protocol` the client offered, if any.
    pub subprotocol: Option<String>,
    /// The first frames received (at most 1000).
    pub frames: Vec<ReceivedFrame>,
    /// Every byte of standard input received.
    pub stdin_bytes: u64,
}

/// What the session side saw: the sessions, and the refused connections (why, not the token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLog {
    pub sessions: Vec<SessionRecord>,
    pub refused: Vec<String>,
}

/// The session side's state, inside the fake's `State`.
pub(crate) struct Sessions {
    /// `http://127.0.0.1:PORT`, where the URIs point.
    pub base: String,
    /// What a `WebSocketUri` starts with, the token following: this fake's
    /// `ws://127.0.0.1:PORT/exec/?s=` unless a test says otherwise.
    pub announce: String,
    pub ttl: Duration,
    /// Tokens not used yet: the session's id and when it was issued.
    pending: HashMap<String, (u64, Instant)>,
    pub log: SessionLog,
    random: RandomState,
}

impl Sessions {
    pub fn new(base: String, ttl: Duration) -> Self {
        let host = base.trim_start_matches("http://");
        Self {
            announce: format!("ws://{host}{SESSION_PATH}?s="),
            base,
            ttl,
            pending: HashMap::new(),
            log: SessionLog::default(),
            random: RandomState::new(),
        }
    }

    pub fn reset(&mut self) {
        self.pending.clear();
        self.log = SessionLog::default();
    }

    /// A new session for a non-Sync call: its `WebSocketUri` and `HttpUrl`.
    pub fn issue(&mut self, mut record: SessionRecord) -> Value {
        record.id = self.log.sessions.len() as u64 + 1;
        let token = format!(
            "{:016x}{:016x}",
            self.random.hash_one(record.id),
            self.random.hash_one(Instant::now())
        );
        self.pending
            .insert(token.clone(), (record.id, Instant::now()));
        record.token = token.clone();
        self.log.sessions.push(record);
        json!({
            "WebSocketUri": format!("{}{token}", self.announce),
            "HttpUrl": format!("{}/_fake/terminal?s={token}", self.base),
        })
    }

    /// Spends a token: the session's id, or why it is refused (unknown, expired).
    fn claim(&mut self, token: &str) -> Result<u64, String> {
        let (id, issued) = self
            .pending
            .remove(token)
            .ok_or_else(|| "unknown or already used session token".to_owned())?;
        if issued.elapsed() > self.ttl {
            return Err("expired session token".to_owned());
        }
        Ok(id)
    }

    fn record(&mut self, id: u64) -> Option<&mut SessionRecord> {
        self.log.sessions.iter_mut().find(|record| record.id == id)
    }
}

/// Answers a request on `/exec/`: the upgrade to a WebSocket, or a refusal before it.
pub(crate) fn upgrade(state: &Shared, mut request: Request<Body>) -> Response<Full<Bytes>> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let is_upgrade = header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
        && header("sec-websocket-version").as_deref() == Some("13");
    let Some(key) = header("sec-websocket-key").filter(|_| is_upgrade) else {
        return refuse(state, StatusCode::BAD_REQUEST, "not a WebSocket upgrade");
    };
    let token = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("s="))
        .unwrap_or_default()
        .to_owned();
    // Claimed under the lock, answered after it (refusing takes the lock again).
    let claimed = lock(state).sessions.claim(&token);
    let id = match claimed {
        Ok(id) => id,
        Err(reason) => return refuse(state, StatusCode::FORBIDDEN, &reason),
    };
    let subprotocol = header("sec-websocket-protocol");
    let script = lock(state).sessions.record(id).map(|record| {
        record.connected_unix_ms = Some(now_ms());
        record.subprotocol = subprotocol;
        ws_script::choose(&record.command)
    });
    let Some(script) = script else {
        return refuse(state, StatusCode::FORBIDDEN, "unknown session");
    };
    let upgrading = hyper::upgrade::on(&mut request);
    let state = state.clone();
    tokio::spawn(async move {
        let Ok(upgraded) = upgrading.await else {
            return;
        };
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        serve(&state, id, script, socket).await;
        if let Some(record) = lock(&state).sessions.record(id) {
            record.closed_unix_ms = Some(now_ms());
        }
    });
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(
        "upgrade",
        hyper::header::HeaderValue::from_static("websocket"),
    );
    headers.insert(
        "connection",
        hyper::header::HeaderValue::from_static("Upgrade"),
    );
    if let Ok(accept) = derive_accept_key(key.as_bytes()).parse() {
        headers.insert("sec-websocket-accept", accept);
    }
    response
}

fn refuse(state: &Shared, status: StatusCode, reason: &str) -> Response<Full<Bytes>> {
    lock(state).sessions.log.refused.push(reason.to_owned());
    let mut response = Response::new(Full::new(Bytes::from(reason.to_owned())));
    *response.status_mut() = status;
    response
}

/// What a script reads: the client's input and size changes.
pub(crate) enum Input {
    Stdin(Bytes),
    Resize { width: u64, height: u64 },
}

/// How a script ends the session.
pub(crate) enum End {
    /// A status frame (this payload: a status object, or other text), then Close.
    Status(String),
    /// Close without a status.
    Hangup,
    /// The connection dropped without a Close frame.
    Reset,
}

/// The sending half, with the framing of what this side sends.
pub(crate) struct Out {
    sink: SplitSink<WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>, Message>,
}

impl Out {
    pub async fn stdout(&mut self, bytes: &[u8]) -> bool {
        self.channel(1, bytes).await
    }

    pub async fn stderr(&mut self, bytes: &[u8]) -> bool {
        self.channel(2, bytes).await
    }

    /// A message on any channel (the tests send one the client does not know).
    pub async fn channel(&mut self, channel: u8, bytes: &[u8]) -> bool {
        let mut message = Vec::with_capacity(bytes.len() + 1);
        message.push(channel);
        message.extend_from_slice(bytes);
        self.sink
            .send(Message::Binary(message.into()))
            .await
            .is_ok()
    }

    /// A text message (which clients take as standard output).
    pub async fn text(&mut self, text: String) -> bool {
        self.sink.send(Message::text(text)).await.is_ok()
    }

    /// A raw status payload on channel 3.
    async fn status(&mut self, payload: &[u8]) -> bool {
        self.channel(3, payload).await
    }
}

/// `{"status": "Success"}`, or a failure with the exit code, as Kubernetes sends them.
pub(crate) fn exit_status(code: i64) -> String {
    if code == 0 {
        return json!({"status": "Success", "metadata": {}}).to_string();
    }
    json!({
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: exit status {code}"),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
        "metadata": {},
    })
    .to_string()
}

/// Runs the session: records what arrives, feeds the script, ends as it says.
async fn serve(
    state: &Shared,
    id: u64,
    script: ws_script::Script,
    socket: WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
) {
    let (sink, mut stream) = socket.split();
    let (input, inputs) = mpsc::channel(16);
    let reader_state = state.clone();
    // Reads until the client closes or goes away, which closes `inputs`.
    let reader = tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            let (channel, data) = match &message {
                Message::Binary(data) => (data.first().copied(), data.slice(1.min(data.len())..)),
                Message::Text(text) => (None, Bytes::copy_from_slice(text.as_bytes())),
                Message::Close(_) => break,
                _ => continue,
            };
            record_frame(&reader_state, id, channel, &data);
            let parsed = match channel {
                Some(0) => Some(Input::Stdin(data)),
                Some(4) => serde_json::from_slice::<Value>(&data)
                    .ok()
                    .map(|size| Input::Resize {
                        width: size["Width"].as_u64().unwrap_or(0),
                        height: size["Height"].as_u64().unwrap_or(0),
                    }),
                _ => None,
            };
            if let Some(parsed) = parsed {
                if input.send(parsed).await.is_err() {
                    break;
                }
            }
        }
        stream
    });
    let mut out = Out { sink };
    let end = ws_script::run(script, &mut out, inputs).await;
    match end {
        End::Reset => {
            // Both halves dropped: the connection closes without a Close frame.
            reader.abort();
            return;
        }
        End::Status(status) => {
            out.status(status.as_bytes()).await;
        }
        End::Hangup => {}
    }
    let _ = out.sink.send(Message::Close(None)).await;
    // Give the client a moment to answer the Close, then let go either way.
    let _ = tokio::time::timeout(Duration::from_secs(2), reader).await;
}

fn record_frame(state: &Shared, id: u64, channel: Option<u8>, data: &[u8]) {
    let mut state = lock(state);
    let Some(record) = state.sessions.record(id) else {
        return;
    };
    if channel == Some(0) {
        record.stdin_bytes += data.len() as u64;
    }
    if record.frames.len() < MAX_RECORDED_FRAMES {
        let kept = &data[..data.len().min(MAX_RECORDED_PAYLOAD)];
        record.frames.push(ReceivedFrame {
            channel,
            len: data.len(),
            payload: String::from_utf8_lossy(kept).into_owned(),
            unix_ms: now_ms(),
        });
    }
}

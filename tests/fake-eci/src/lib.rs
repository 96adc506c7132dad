//! fake-eci: a loopback fake of the ECI API for tests, as a library and a binary.
//!
//! It binds 127.0.0.1 only, serves container groups from a fixture with real `NextToken`
//! pagination, answers `ExecContainerCommand` with deterministic output, checks V2 and V3
//! signatures (with eci-exec-lsp's signer, which the vector tests prove), rejects stale
//! timestamps and reused nonces, injects faults on demand and logs every request.
//! Non-Sync calls get a session on this fake (`ws://127.0.0.1:PORT/exec/?s=TOKEN`, see
//! `ws.rs`), whose commands are deterministic stand-ins (`ws_script.rs`).
//! Control over HTTP: `POST /_fake/fault` (a [`Fault`] as JSON), `GET /_fake/requests`,
//! `GET /_fake/sessions` (a [`SessionLog`]), `POST /_fake/reset`. Each logged request carries
//! its arrival and answer times, so a test can read how many calls were in flight at once and
//! how many started in any second.

mod api;
mod auth;
pub mod fixture;
mod server;
mod state;
mod ws;
mod ws_script;

use std::collections::{BTreeMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use api::sync_output;
pub use ws::{DEFAULT_SESSION_TTL, ReceivedFrame, SessionLog, SessionRecord};

/// The key id every fake accepts unless configured otherwise.
pub const TEST_KEY_ID: &str = "LTAI5tFakeEciKey0001";
/// Its secret.
pub const TEST_SECRET: &str = "FakeEciSecret0000000000000000A";

/// The test key as eci-exec-lsp's credentials, for clients made in tests.
pub fn test_credentials() -> eci_exec_lsp::remote::Credentials {
    use eci_exec_lsp::remote::{CredentialSource, Credentials, Secret};
    Credentials {
        access_key_id: TEST_KEY_ID.into(),
        access_key_secret: Secret::new(TEST_SECRET),
        security_token: None,
        region_id: None,
        source: CredentialSource::Environment,
    }
}

/// A key the fake accepts: id, secret and, for STS keys, the token it must come with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FakeKey {
    pub id: String,
    pub secret: String,
    #[serde(default)]
    pub security_token: Option<String>,
}

impl FakeKey {
    /// A plain AccessKey pair.
    pub fn new(id: &str, secret: &str) -> Self {
        Self {
            id: id.to_owned(),
            secret: secret.to_owned(),
            security_token: None,
        }
    }

    /// The same key, as STS credentials that must send `token`.
    pub fn with_token(mut self, token: &str) -> Self {
        self.security_token = Some(token.to_owned());
        self
    }
}

/// How to start a fake.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Container groups (objects of the DescribeContainerGroups shape, any regions).
    pub groups: Vec<Value>,
    /// Accepted keys.
    pub keys: Vec<FakeKey>,
    /// How long a session URI stays valid.
    pub session_ttl: Duration,
}

impl Default for FakeConfig {
    /// A free port, the shipped fixture and the test key.
    fn default() -> Self {
        Self {
            port: 0,
            groups: fixture::default_groups(),
            keys: vec![FakeKey::new(TEST_KEY_ID, TEST_SECRET)],
            session_ttl: DEFAULT_SESSION_TTL,
        }
    }
}

/// A misbehaviour for the next requests, optionally of one action only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Only requests of this action (e.g. `ExecContainerCommand`); all when absent.
    #[serde(default)]
    pub action: Option<String>,
    /// Only requests naming this `ContainerGroupId` (one target of a fleet); all when absent.
    #[serde(default)]
    pub container_group_id: Option<String>,
    /// How many requests it applies to; every one until reset when absent.
    #[serde(default)]
    pub times: Option<u32>,
    /// What to do.
    #[serde(flatten)]
    pub kind: FaultKind,
}

/// What a fault does. JSON: `{"kind": "error", "status": 503, "code": "ServiceUnavailable"}`,
/// `{"kind": "delay", "ms": 500}`, `{"kind": "malformed_json"}`, `{"kind": "drop"}`,
/// `{"kind": "body", "status": 200, "body": "[1,2]"}`, `{"kind": "echo_token"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait before answering (adds up with other delays; the request is then served).
    Delay { ms: u64 },
    /// Answer with this status and `Code` instead of serving the request.
    Error {
        status: u16,
        code: String,
        #[serde(default)]
        message: String,
        /// Sent as `x-acs-retry-after` (milliseconds).
        #[serde(default)]
        retry_after_ms: Option<u64>,
    },
    /// Answer 200 with a truncated JSON body.
    MalformedJson,
    /// Close the connection without answering.
    Drop,
    /// Answer with this status and exactly this body (any bytes the API should never send).
    Body { status: u16, body: String },
    /// Answer 400 `InvalidSecurityToken.Malformed` quoting the STS token the request sent,
    /// in the `Message` as is and percent-encoded in `Recommend` and `HostId`, as a gateway
    /// that echoes its input would.
    EchoToken,
}

impl Fault {
    /// An error answer for every request.
    pub fn error(status: u16, code: &str) -> Self {
        let kind = FaultKind::Error {
            status,
            code: code.to_owned(),
            message: String::new(),
            retry_after_ms: None,
        };
        Self {
            action: None,
            container_group_id: None,
            times: None,
            kind,
        }
    }

    /// A delay for every request.
    pub fn delay(ms: u64) -> Self {
        Self {
            action: None,
            container_group_id: None,
            times: None,
            kind: FaultKind::Delay { ms },
        }
    }

    /// A truncated JSON body for every request.
    pub fn malformed_json() -> Self {
        Self {
            action: None,
            container_group_id: None,
            times: None,
            kind: FaultKind::MalformedJson,
        }
    }

    /// A dropped connection for every request.
    pub fn drop_connection() -> Self {
        Self {
            action: None,
            container_group_id: None,
            times: None,
            kind: FaultKind::Drop,
        }
    }

    /// This status and body for every request.
    pub fn body(status: u16, body: &str) -> Self {
        Self {
            action: None,
            container_group_id: None,
            times: None,
            kind: FaultKind::Body {
                status,
                body: body.to_owned(),
            },
        }
    }

    /// An error quoting the request's STS token, for every request.
    pub fn echo_token() -> Self {
        Self {
            action: None,
            container_group_id: None,
            times: None,
            kind: FaultKind::EchoToken,
        }
    }

    /// Only the next `n` requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Only requests of `action`.
    pub fn action(mut self, action: &str) -> Self {
        self.action = Some(action.to_owned());
        self
    }

    /// Only requests naming the instance `id`.
    pub fn group(mut self, id: &str) -> Self {
        self.container_group_id = Some(id.to_owned());
        self
    }

    /// For an error fault, an `x-acs-retry-after` header.
    pub fn retry_after_ms(mut self, ms: u64) -> Self {
        if let FaultKind::Error { retry_after_ms, .. } = &mut self.kind {
            *retry_after_ms = Some(ms);
        }
        self
    }
}

/// One request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// The action, empty when the request named none.
    pub action: String,
    /// `v2` or `v3`.
    pub signature_version: String,
    /// The decoded query parameters.
    pub params: BTreeMap<String, String>,
    /// Whether the signature (and time, nonce, token) checks passed; false when a fault
    /// answered before they ran.
    pub signature_ok: bool,
    /// The HTTP status answered (0 for a dropped connection).
    pub status: u16,
    /// The error `Code` answered, empty on success.
    pub code: String,
    /// The fault that answered, if any (`error`, `malformed_json`, `drop`, `body`,
    /// `echo_token`).
    pub fault: Option<String>,
    /// When the request arrived, in milliseconds since the Unix epoch.
    pub unix_ms: u64,
    /// When its answer was ready (after any delay), in milliseconds since the Unix epoch.
    #[serde(default)]
    pub end_unix_ms: u64,
}

/// The most requests of `action` that were being served at the same moment: a request is
/// served from its arrival to its answer (at least one millisecond), and one that ends in the
/// millisecond another arrives does not overlap it.
pub fn max_in_flight(log: &[LoggedRequest], action: &str) -> usize {
    let mut events: Vec<(u64, i32)> = log
        .iter()
        .filter(|request| request.action == action)
        .flat_map(|request| {
            let end = request.end_unix_ms.max(request.unix_ms + 1);
            [(request.unix_ms, 1), (end, -1)]
        })
        .collect();
    events.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, change) in events {
        now += change;
        most = most.max(now);
    }
    most as usize
}

/// The most requests of `action` that arrived within any `window_ms` milliseconds.
pub fn max_started_within(log: &[LoggedRequest], action: &str, window_ms: u64) -> usize {
    let mut starts: Vec<u64> = log
        .iter()
        .filter(|request| request.action == action)
        .map(|request| request.unix_ms)
        .collect();
    starts.sort_unstable();
    (0..starts.len())
        .map(|first| {
            starts[first..]
                .iter()
                .take_while(|start| **start < starts[first] + window_ms)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// An error answer of the API.
#[derive(Debug, Clone)]
pub(crate) struct ApiFailure {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiFailure {
    pub fn new(status: u16, code: &str, message: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

type Shared = Arc<Mutex<state::State>>;

/// Locks the state; a panic in another handler leaves it usable for the rest of a test.
pub(crate) fn lock(state: &Shared) -> MutexGuard<'_, state::State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}

/// A running fake. Dropping it stops accepting connections.
pub struct FakeEci {
    addr: SocketAddr,
    state: Shared,
    task: JoinHandle<()>,
}

impl FakeEci {
    /// Binds 127.0.0.1:`config.port` and serves on the current tokio runtime.
    pub async fn start(config: FakeConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(state::State {
            groups: config.groups,
            keys: config.keys,
            faults: Vec::new(),
            nonces: HashSet::new(),
            log: Vec::new(),
            next_request: 0,
            sessions: ws::Sessions::new(format!("http://{addr}"), config.session_ttl),
        }));
        let task = tokio::spawn(server::serve(listener, state.clone()));
        Ok(Self { addr, state, task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, to use as the endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a fault.
    pub fn add_fault(&self, fault: Fault) {
        lock(&self.state).faults.push(fault);
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.state).log.clone()
    }

    /// Clears faults, the request log and spent nonces.
    pub fn reset(&self) {
        server::reset(&mut lock(&self.state));
    }

    /// Replaces the container groups.
    pub fn set_groups(&self, groups: Vec<Value>) {
        lock(&self.state).groups = groups;
    }

    /// The sessions so far (with the frames they received) and the refused connections.
    pub fn sessions(&self) -> SessionLog {
        lock(&self.state).sessions.log.clone()
    }

    /// Session URIs are announced as `prefix` followed by the token (to test a client's
    /// refusal of other hosts, or of a token this fake never issued).
    pub fn announce_sessions_at(&self, prefix: &str) {
        lock(&self.state).sessions.announce = prefix.to_owned();
    }

    /// `ws://127.0.0.1:PORT/exec/?s=`: where session URIs point unless changed.
    pub fn session_prefix(&self) -> String {
        format!("ws://{}/exec/?s=", self.addr)
    }

    /// How long session URIs issued from now on stay valid.
    pub fn set_session_ttl(&self, ttl: Duration) {
        lock(&self.state).sessions.ttl = ttl;
    }
}

impl Drop for FakeEci {
    fn drop(&mut self) {
        self.task.abort();
    }
}

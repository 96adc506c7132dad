//! The fake's mutable state: groups, keys, faults, spent nonces, the request log and sessions.

use std::collections::HashSet;

use serde_json::Value;

use crate::ws::Sessions;
use crate::{FakeKey, Fault, FaultKind, LoggedRequest};

/// Shared behind a mutex; every lock is short and never held across an await.
pub(crate) struct State {
    pub groups: Vec<Value>,
    pub keys: Vec<FakeKey>,
    pub faults: Vec<Fault>,
    pub nonces: HashSet<String>,
    pub log: Vec<LoggedRequest>,
    pub next_request: u64,
    /// The session side: tokens, records of sessions.
    pub sessions: Sessions,
}

/// What the faults say to do with one request.
#[derive(Default)]
pub(crate) struct Planned {
    /// Sum of the matching delays.
    pub delay_ms: u64,
    /// The first matching fault that answers (or drops) instead of the API.
    pub answer: Option<FaultKind>,
}

impl State {
    /// A fresh request id, like the API's (unique per answer).
    pub fn request_id(&mut self) -> String {
        self.next_request += 1;
        format!("FAKE-{:08}-0000-4000-8000-000000000000", self.next_request)
    }

    /// Applies the faults matching `action` and the instance `group_id` the request names,
    /// spending one use of each counted fault.
    pub fn plan(&mut self, action: Option<&str>, group_id: Option<&str>) -> Planned {
        let mut planned = Planned::default();
        for fault in &mut self.faults {
            let matches = fault
                .action
                .as_deref()
                .is_none_or(|wanted| Some(wanted) == action)
                && fault
                    .container_group_id
                    .as_deref()
                    .is_none_or(|wanted| Some(wanted) == group_id);
            if !matches || fault.times == Some(0) {
                continue;
            }
            match &fault.kind {
                FaultKind::Delay { ms } => planned.delay_ms += ms,
                _ if planned.answer.is_some() => continue,
                other => planned.answer = Some(other.clone()),
            }
            if let Some(times) = &mut fault.times {
                *times -= 1;
            }
        }
        self.faults.retain(|fault| fault.times != Some(0));
        planned
    }
}

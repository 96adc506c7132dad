//! The protocol's extensions: custom commands, notifications and code action kinds, with the
//! shapes of their arguments and results. `docs/lsp-extensions.md` describes them for client
//! authors; a tidy test keeps the two in step.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::{Range, Uri};

use crate::analysis::fleet::{FleetRun, Summary, TargetResult};

/// `workspace/executeCommand` that runs one entry: arguments `[RunArgs]`.
pub const RUN_COMMAND: &str = "eciExec.run";

/// `workspace/executeCommand` that gives the `exec` command line of an entry, for an editor
/// terminal: arguments `[RunArgs]`, result `SessionArgs`.
pub const SESSION_ARGS_COMMAND: &str = "eciExec.sessionArgs";

/// The code action kind of "Run <entry> in <container>".
pub const RUN_ACTION_KIND: &str = "source.eciExec.run";

/// Every command the server executes.
pub const COMMANDS: [&str; 2] = [RUN_COMMAND, SESSION_ARGS_COMMAND];

/// The argument of `eciExec.run`: which entry of which document.
#[derive(Debug, Deserialize)]
pub struct RunArgs {
    pub uri: Uri,
    /// The entry's 0-based index in `Execs` (0 for a single-exec file).
    pub index: usize,
}

/// The answer of `eciExec.sessionArgs`: the server binary's arguments and the terminal's title.
#[derive(Debug, Serialize)]
pub struct SessionArgs {
    pub args: Vec<String>,
    pub title: String,
}

/// How an entry runs, which decides its lens: `▶ Run`, `▶ Open terminal` or `▶ Stream`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EntryKind {
    /// A Sync entry: runs and shows its output.
    Run,
    /// A TTY entry: an interactive terminal.
    Terminal,
    /// Any other non-Sync entry: a streamed session.
    Stream,
}

impl EntryKind {
    pub fn of(sync: bool, tty: bool) -> EntryKind {
        match (sync, tty) {
            (true, _) => EntryKind::Run,
            (false, true) => EntryKind::Terminal,
            (false, false) => EntryKind::Stream,
        }
    }

    pub fn lens_title(self) -> &'static str {
        match self {
            EntryKind::Run => "▶ Run",
            EntryKind::Terminal => "▶ Open terminal",
            EntryKind::Stream => "▶ Stream",
        }
    }
}

/// The argument of a lens's `eciExec.run` command: `RunArgs` plus what editors show or sort
/// by, so they need not ask for document symbols or read the lens title.
#[derive(Debug, Serialize)]
pub struct LensArgs {
    pub uri: Uri,
    pub index: usize,
    /// The entry's name (Label, else container and command).
    pub name: String,
    pub kind: EntryKind,
}

/// A lens as sent: the shape of LSP's `CodeLens`, with its argument typed, so that a file of
/// many entries is serialised without a `serde_json::Value` per lens.
#[derive(Debug, Serialize)]
pub struct RunLens {
    pub range: Range,
    pub command: RunCommand,
}

/// The shape of LSP's `Command`, running `eciExec.run` with one `LensArgs`.
#[derive(Debug, Serialize)]
pub struct RunCommand {
    pub title: String,
    pub command: &'static str,
    pub arguments: [LensArgs; 1],
}

/// `eciExec/runResult`: a run's outcome, for clients that draw panels.
pub enum RunResultNotification {}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResultParams {
    pub uri: Uri,
    pub index: usize,
    /// The entry's name (Label, else container and command), for headings.
    pub name: String,
    /// The entry's Command value.
    pub range: Range,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_response: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// A fleet run's targets, failed first (a selector entry; the fields above are then absent).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<FleetResult>,
}

/// A fleet run's result, as `eciExec.run` answers it and `eciExec/runResult` carries it.
#[derive(Debug, Serialize, Deserialize)]
pub struct FleetResult {
    pub targets: Vec<TargetResult>,
    pub summary: Summary,
}

impl FleetResult {
    pub fn of(run: &FleetRun) -> FleetResult {
        FleetResult {
            targets: run.targets.clone(),
            summary: run.summary(),
        }
    }
}

impl Notification for RunResultNotification {
    type Params = RunResultParams;
    const METHOD: &'static str = "eciExec/runResult";
}

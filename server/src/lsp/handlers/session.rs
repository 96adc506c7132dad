//! `eciExec.sessionArgs`: the `eci-exec-lsp exec` command line that opens a session for an
//! entry as the document is now, and the title of the editor terminal that runs it. The
//! editors run it in their own terminal, whose `[y/N]` prompt is the confirmation.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;

use crate::analysis::resolve;
use crate::lsp::ext::{RunArgs, SessionArgs};
use crate::lsp::session::Session;
use crate::lsp::{from_proto, to_proto};
use crate::session::args::{self, ApiOptions};

pub async fn session_args(session: &Session, arguments: Vec<Value>) -> Result<Option<Value>> {
    let RunArgs { uri, index } = from_proto::command_argument(arguments, "{uri, index}")?;
    let snapshot = session
        .snapshot(&uri)
        .await
        .ok_or_else(|| to_proto::request_failed("no session: the document is not open"))?;
    let entry = resolve::runnable(snapshot.analysis(), index)
        .map_err(|refusal| to_proto::request_failed(refusal.to_string()))?;
    let settings = session.settings();
    let api = ApiOptions {
        profile: settings.profile,
        endpoint: settings.endpoint,
        // v2 is the command line's default too.
        signature_version: Some(settings.signature_version).filter(|version| version != "v2"),
    };
    let answer = SessionArgs {
        args: args::exec_args(&entry, &api),
        title: args::title(entry.label.as_deref(), &entry.request),
    };
    Ok(serde_json::to_value(answer).ok())
}

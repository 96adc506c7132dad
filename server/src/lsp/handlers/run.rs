//! `eciExec.run`: confirm, run the entry as the document is now, report progress, keep the
//! result and show it (inlay hint, hover, `eciExec/runResult`). An entry that names its
//! instance runs here; a Sync entry with a selector runs on its fleet (`fleet.rs`), and a
//! session entry with a selector runs on the one instance the user picks. Waits on the user
//! and the API outside every lock; a cancelled request drops this future, so nothing is sent
//! after it.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageType, Uri};

use super::{fleet, tell_unavailable};
use crate::analysis::resolve::{self, ResolvedEntry, Target};
use crate::analysis::run_result::{self, RunRecord, RunResult, SingleRun};
use crate::eci::{ExecRequest, ExecResponse};
use crate::lsp::ext::{self, RunArgs, RunResultNotification};
use crate::lsp::session::Session;
use crate::lsp::{from_proto, to_proto};
use crate::online::ClientState;
use crate::remote::{ApiError, EciClient};

pub const RUN: &str = "Run";
const CANCEL: &str = "Cancel";

pub async fn execute_command(
    session: &Arc<Session>,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    match params.command.as_str() {
        ext::RUN_COMMAND => {
            let args: RunArgs = from_proto::command_argument(params.arguments, "{uri, index}")?;
            run(session, args).await
        }
        ext::SESSION_ARGS_COMMAND => super::session::session_args(session, params.arguments).await,
        other => Err(to_proto::request_failed(format!("unknown command {other}"))),
    }
}

/// An entry as it can run now, with its text (to tell later whether a result is stale).
#[derive(Clone, PartialEq)]
pub struct Runnable {
    pub uri: Uri,
    pub entry: ResolvedEntry,
    pub entry_text: String,
}

impl Runnable {
    /// The entry at `index` of the document as it is now, or why it cannot run.
    async fn now(session: &Session, uri: &Uri, index: usize) -> Result<Runnable> {
        let snapshot = session
            .snapshot(uri)
            .await
            .ok_or_else(|| to_proto::request_failed("not run: the document is not open"))?;
        let entry = resolve::runnable(snapshot.analysis(), index)
            .map_err(|refusal| to_proto::request_failed(refusal.to_string()))?;
        let text =
            run_result::entry_text(snapshot.analysis(), snapshot.text(), index).unwrap_or_default();
        Ok(Runnable {
            uri: uri.clone(),
            entry,
            entry_text: text.to_owned(),
        })
    }

    /// Asks `question` with `actions` and Cancel. The action chosen, when the entry still reads
    /// as it did (a run goes only as confirmed); `None` when the user declined.
    pub async fn ask(
        &self,
        session: &Session,
        question: String,
        actions: &[&str],
    ) -> Result<Option<String>> {
        let mut titles = actions.to_vec();
        titles.push(CANCEL);
        let answer = session
            .client
            .show_message_request(
                MessageType::WARNING,
                question,
                Some(to_proto::message_actions(&titles)),
            )
            .await;
        let chosen = match answer {
            Ok(Some(item)) if actions.contains(&item.title.as_str()) => item.title,
            _ => return Ok(None),
        };
        match Runnable::now(session, &self.uri, self.entry.index).await {
            Ok(now) if now == *self => Ok(Some(chosen)),
            _ => {
                let message =
                    "not run: the entry changed while the confirmation was open; run it again";
                session
                    .client
                    .show_message(MessageType::WARNING, message)
                    .await;
                Err(to_proto::request_failed(message))
            }
        }
    }

    /// Keeps `result` as the entry's last run, tells clients that draw panels, and asks
    /// editors to redraw inlay hints.
    pub async fn publish(&self, session: &Session, result: RunResult) -> Arc<RunRecord> {
        let index = self.entry.index;
        let record = Arc::new(RunRecord {
            entry_text: self.entry_text.clone(),
            result,
        });
        let range = session.snapshot(&self.uri).await.and_then(|snapshot| {
            let span = run_result::command_span(snapshot.analysis(), index)?;
            Some(to_proto::range(&snapshot, span))
        });
        session.runs.store(self.uri.clone(), index, record.clone());
        let params =
            to_proto::run_result(&self.uri, index, self.entry.name.clone(), range, &record);
        session
            .client
            .send_notification::<RunResultNotification>(params)
            .await;
        if session.flags().inlay_hint_refresh {
            let _ = session.client.inlay_hint_refresh().await;
        }
        record
    }
}

async fn run(session: &Arc<Session>, RunArgs { uri, index }: RunArgs) -> Result<Option<Value>> {
    let runnable = Runnable::now(session, &uri, index).await?;
    let settings = session.settings();
    let client = match session.online.client(&settings.online_options()) {
        (ClientState::Ready(client), _) => client,
        (ClientState::Unavailable(message), tell) => {
            if let Some(why) = tell {
                tell_unavailable(&session.client, why).await;
            }
            return Err(to_proto::request_failed(message));
        }
    };
    let selector = match &runnable.entry.target {
        Target::Id(_) => {
            if settings.confirm_run {
                let question = runnable.entry.confirmation();
                if runnable.ask(session, question, &[RUN]).await?.is_none() {
                    return Ok(None);
                }
            }
            let request = runnable.entry.request.clone();
            return run_one(session, &client, &runnable, &request).await;
        }
        Target::Selector(selector) => selector,
    };
    let fleet = fleet::find(session, &client, &runnable, selector).await?;
    if runnable.entry.request.sync {
        return fleet::run(session, client, runnable, fleet).await;
    }
    match fleet::pick(session, &runnable, &fleet).await? {
        Some(request) => run_one(session, &client, &runnable, &request).await,
        None => Ok(None),
    }
}

/// One call, confirmed: progress while it runs, the result shown, the answer returned.
async fn run_one(
    session: &Session,
    client: &EciClient,
    runnable: &Runnable,
    request: &ExecRequest,
) -> Result<Option<Value>> {
    let progress = fleet::begin_progress(session, &runnable.entry).await;
    let outcome = client.exec_container_command(request).await;
    if let Some(progress) = progress {
        progress.finish().await;
    }
    let single = single_run(&outcome);
    let output = single.output.clone();
    runnable.publish(session, RunResult::Single(single)).await;
    let mut response = outcome.map_err(|error| to_proto::request_failed(error.label()))?;
    if !request.sync {
        open_terminal_url(session, response.http_url.as_deref()).await;
    }
    // The answer carries the output as shown (capped), in the API's fields, camelCased.
    response.sync_response = output;
    Ok(serde_json::to_value(response).ok())
}

fn single_run(outcome: &std::result::Result<ExecResponse, ApiError>) -> SingleRun {
    match outcome {
        Ok(response) => SingleRun {
            output: response.sync_response.clone().map(run_result::cap_output),
            error: None,
            request_id: Some(response.request_id.clone()).filter(|id| !id.is_empty()),
        },
        Err(error) => SingleRun {
            output: None,
            error: Some(error.label()),
            request_id: error.request_id().map(str::to_owned),
        },
    }
}

/// A non-Sync entry's terminal: asks the client to open the console URL.
async fn open_terminal_url(session: &Session, url: Option<&str>) {
    let Some(url) = url.and_then(|url| url.parse::<Uri>().ok()) else {
        return;
    };
    if let Err(error) = session
        .client
        .show_document(to_proto::show_external(url))
        .await
    {
        tracing::warn!(%error, "the client did not open the terminal URL");
    }
}

//! `eciExec.run`: confirm, run the entry as the document is now, report progress, keep the
//! result and show it (inlay hint, hover, `eciExec/runResult`). Waits on the user and the API
//! outside every lock; a cancelled request drops this future, so nothing is sent after it.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageType, Uri};
use tower_lsp_server::{NotCancellable, OngoingProgress, Unbounded};

use super::tell_unavailable;
use crate::analysis::resolve::{self, ResolvedEntry};
use crate::analysis::run_result::{self, RunRecord};
use crate::eci::ExecResponse;
use crate::lsp::ext::{self, RunArgs, RunResultNotification};
use crate::lsp::session::Session;
use crate::lsp::{from_proto, to_proto};
use crate::online::ClientState;
use crate::remote::ApiError;

const RUN: &str = "Run";

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

/// The entry as it can run now, and its text (to tell later whether the result is stale).
async fn runnable(session: &Session, uri: &Uri, index: usize) -> Result<(ResolvedEntry, String)> {
    let snapshot = session
        .snapshot(uri)
        .await
        .ok_or_else(|| to_proto::request_failed("not run: the document is not open"))?;
    let entry = resolve::runnable(snapshot.analysis(), index)
        .map_err(|refusal| to_proto::request_failed(refusal.to_string()))?;
    let text =
        run_result::entry_text(snapshot.analysis(), snapshot.text(), index).unwrap_or_default();
    Ok((entry, text.to_owned()))
}

async fn run(session: &Arc<Session>, RunArgs { uri, index }: RunArgs) -> Result<Option<Value>> {
    let (entry, entry_text) = runnable(session, &uri, index).await?;
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
    if settings.confirm_run {
        if !confirmed(session, &entry).await {
            return Ok(None);
        }
        // Run the entry as it stands now, and only if it is what the user confirmed.
        match runnable(session, &uri, index).await {
            Ok(now) if now == (entry.clone(), entry_text.clone()) => {}
            _ => {
                let message =
                    "not run: the entry changed while the confirmation was open; run it again";
                session
                    .client
                    .show_message(MessageType::WARNING, message)
                    .await;
                return Err(to_proto::request_failed(message));
            }
        }
    }
    let progress = begin_progress(session, &entry).await;
    let outcome = client.exec_container_command(&entry.request).await;
    if let Some(progress) = progress {
        progress.finish().await;
    }
    let record = record_of(entry_text, &outcome);
    publish_result(session, &uri, &entry, record.clone()).await;
    let mut response = outcome.map_err(|error| to_proto::request_failed(error.label()))?;
    if !entry.request.sync {
        open_terminal_url(session, response.http_url.as_deref()).await;
    }
    // The answer carries the output as shown (capped), in the API's fields, camelCased.
    response.sync_response = record.output;
    Ok(serde_json::to_value(response).ok())
}

/// Asks the user; true only when they chose Run.
async fn confirmed(session: &Session, entry: &ResolvedEntry) -> bool {
    let answer = session
        .client
        .show_message_request(
            MessageType::WARNING,
            entry.confirmation(),
            Some(to_proto::message_actions(&[RUN, "Cancel"])),
        )
        .await;
    matches!(answer, Ok(Some(item)) if item.title == RUN)
}

fn record_of(
    entry_text: String,
    outcome: &std::result::Result<ExecResponse, ApiError>,
) -> RunRecord {
    match outcome {
        Ok(response) => RunRecord {
            entry_text,
            output: response.sync_response.clone().map(run_result::cap_output),
            error: None,
            request_id: Some(response.request_id.clone()).filter(|id| !id.is_empty()),
        },
        Err(error) => RunRecord {
            entry_text,
            output: None,
            error: Some(error.label()),
            request_id: error.request_id().map(str::to_owned),
        },
    }
}

async fn begin_progress(
    session: &Session,
    entry: &ResolvedEntry,
) -> Option<OngoingProgress<Unbounded, NotCancellable>> {
    if !session.flags().work_done_progress {
        return None;
    }
    let token = to_proto::progress_token(ext::RUN_COMMAND, session.next_progress_id());
    session
        .client
        .create_work_done_progress(token.clone())
        .await
        .ok()?;
    let title = format!("Running {}", entry.name);
    Some(
        session
            .client
            .progress(token, title)
            .with_message(format!("in {}", entry.request.container_name))
            .begin()
            .await,
    )
}

/// Stores a result, tells clients that draw panels, and asks editors to redraw inlay hints.
async fn publish_result(session: &Session, uri: &Uri, entry: &ResolvedEntry, record: RunRecord) {
    let index = entry.index;
    let range = session.snapshot(uri).await.and_then(|snapshot| {
        let span = run_result::command_span(snapshot.analysis(), index)?;
        Some(to_proto::range(&snapshot, span))
    });
    session.runs.store(uri.clone(), index, record.clone());
    let params = to_proto::run_result(uri, index, entry.name.clone(), range, record);
    session
        .client
        .send_notification::<RunResultNotification>(params)
        .await;
    if session.flags().inlay_hint_refresh {
        let _ = session.client.inlay_hint_refresh().await;
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

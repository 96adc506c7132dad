//! Selector entries run from the editor. A Sync entry runs on its fleet: targets from a fresh
//! listing, refused when there are none or more than `maxTargets`, confirmed with their count
//! and first names, then run by `online::fleet` within `runConcurrency` and the session's pace,
//! with `$/progress` reporting `k/n done`. The run goes on in a task of its own, so that
//! cancelling it (`$/cancelRequest` drops this handler; `window/workDoneProgress/cancel` of its
//! progress) starts nothing more while the calls already sent finish and are shown. An entry
//! that runs on one instance (a terminal, a stream) offers the targets to pick from.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{MessageType, WorkDoneProgressCancelParams};
use tower_lsp_server::{Cancellable, NotCancellable, OngoingProgress, Unbounded};

use super::run::{RUN, Runnable};
use crate::analysis::fleet::Fleet;
use crate::analysis::resolve::ResolvedEntry;
use crate::analysis::run_result::RunResult;
use crate::analysis::selector::Selector;
use crate::eci::ExecRequest;
use crate::lsp::ext::{self, FleetResult};
use crate::lsp::session::Session;
use crate::lsp::{from_proto, to_proto};
use crate::online::fleet;
use crate::remote::EciClient;

/// The instances `selector` picks, from a fresh listing.
pub async fn find(
    session: &Session,
    client: &EciClient,
    runnable: &Runnable,
    selector: &Selector,
) -> Result<Fleet> {
    let listed = fleet::find(client, selector, &runnable.entry.request).await;
    let message = |error: crate::remote::ApiError| {
        format!(
            "not run: cannot list the instances: {}",
            error.user_message()
        )
    };
    listed.map_err(|error| refuse(session, message(error)))
}

/// Tells the user why nothing runs, and answers `RequestFailed`.
fn refuse(session: &Session, message: String) -> Error {
    let client = session.client.clone();
    let shown = message.clone();
    tokio::spawn(async move { client.show_message(MessageType::WARNING, shown).await });
    to_proto::request_failed(message)
}

/// Runs a Sync entry on its fleet; answers `{targets, summary}`, or `RequestCancelled`.
pub async fn run(
    session: &Arc<Session>,
    client: EciClient,
    runnable: Runnable,
    fleet: Fleet,
) -> Result<Option<Value>> {
    let settings = session.settings();
    let request = &runnable.entry.request;
    if let Some(refusal) = fleet.refusal(request, settings.max_targets, "maxTargets") {
        return Err(refuse(session, refusal));
    }
    if settings.confirm_run {
        let question = fleet.confirmation(request);
        if runnable.ask(session, question, &[RUN]).await?.is_none() {
            return Ok(None);
        }
    }
    let cancel = CancellationToken::new();
    // `$/cancelRequest` drops this future, and with it the guard, which cancels the run.
    let _cancel_when_dropped = cancel.clone().drop_guard();
    let session = session.clone();
    let run_cancel = cancel.clone();
    let task = tokio::spawn(async move {
        let total = fleet.targets.len();
        let progress = begin_fleet_progress(&session, &runnable.entry, total, &run_cancel).await;
        let (done, mut reported) = watch::channel(0);
        let reporter = tokio::spawn(async move {
            let (token, progress) = progress?;
            while reported.changed().await.is_ok() {
                let message = format!("{}/{total} done", *reported.borrow_and_update());
                progress.report_with_message(message, None).await;
            }
            progress.finish().await;
            Some(token)
        });
        let request = &runnable.entry.request;
        let concurrency = session.settings().run_concurrency;
        let outcome = fleet::run(
            &client,
            request,
            &fleet,
            concurrency,
            &session.pacer,
            &run_cancel,
            |finished| {
                done.send_replace(finished);
            },
        )
        .await;
        drop(done);
        if let Ok(Some(token)) = reporter.await {
            session.forget_progress(&token);
        }
        runnable
            .publish(&session, RunResult::Fleet(outcome.clone()))
            .await;
        outcome
    });
    let outcome = task.await.map_err(|_| Error::internal_error())?;
    if cancel.is_cancelled() {
        return Err(Error::request_cancelled());
    }
    Ok(serde_json::to_value(FleetResult::of(&outcome)).ok())
}

/// `$/progress` for a fleet run, with a cancel button that cancels `run`; its token too.
async fn begin_fleet_progress(
    session: &Session,
    entry: &ResolvedEntry,
    total: usize,
    run: &CancellationToken,
) -> Option<(String, OngoingProgress<Unbounded, Cancellable>)> {
    let token = new_progress_token(session).await?;
    let key = from_proto::progress_key(&token);
    session.cancel_with_progress(key.clone(), run.clone());
    let progress = session
        .client
        .progress(token, format!("Running {}", entry.name))
        .with_message(format!("0/{total} done"))
        .with_cancel_button()
        .begin()
        .await;
    Some((key, progress))
}

/// `$/progress` for a single call: not cancellable (a call sent may run anyway).
pub async fn begin_progress(
    session: &Session,
    entry: &ResolvedEntry,
) -> Option<OngoingProgress<Unbounded, NotCancellable>> {
    let token = new_progress_token(session).await?;
    let progress = session
        .client
        .progress(token, format!("Running {}", entry.name))
        .with_message(format!("in {}", entry.request.container_name))
        .begin()
        .await;
    Some(progress)
}

/// A progress token the client has accepted, when it supports work done progress.
async fn new_progress_token(
    session: &Session,
) -> Option<tower_lsp_server::ls_types::ProgressToken> {
    if !session.flags().work_done_progress {
        return None;
    }
    let token = to_proto::progress_token(ext::RUN_COMMAND, session.next_progress_id());
    session
        .client
        .create_work_done_progress(token.clone())
        .await
        .ok()?;
    Some(token)
}

/// `window/workDoneProgress/cancel`: cancels the fleet run behind that progress.
pub fn cancel_progress(session: &Session, params: WorkDoneProgressCancelParams) {
    session.cancel_progress(&from_proto::progress_key(&params.token));
}

/// For an entry that runs on one instance: the call for the target the user picks (the pick is
/// the confirmation; one target is confirmed as an entry that names it); `None` when declined.
pub async fn pick(
    session: &Session,
    runnable: &Runnable,
    fleet: &Fleet,
) -> Result<Option<ExecRequest>> {
    let entry = &runnable.entry;
    if let Some(refusal) = fleet.pick_refusal(&entry.request) {
        return Err(refuse(session, refusal));
    }
    if let [only] = fleet.targets.as_slice() {
        let request = entry.request_for(&only.container_group_id);
        if session.settings().confirm_run {
            let named = ResolvedEntry {
                request: request.clone(),
                ..entry.clone()
            };
            if runnable
                .ask(session, named.confirmation(), &[RUN])
                .await?
                .is_none()
            {
                return Ok(None);
            }
        }
        return Ok(Some(request));
    }
    let (question, titles) = fleet.pick_question(&entry.request);
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let Some(chosen) = runnable.ask(session, question, &titles).await? else {
        return Ok(None);
    };
    let picked = titles
        .iter()
        .position(|title| *title == chosen)
        .map(|at| &fleet.targets[at]);
    Ok(picked.map(|group| entry.request_for(&group.container_group_id)))
}

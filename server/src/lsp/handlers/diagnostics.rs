//! Diagnostics: pushed after every change with the document version (never a stale one),
//! pulled through `textDocument/diagnostic` when the client supports it, cleared on close, and
//! delivered again whenever an instance list lands (`refresh_on_landing`, the one place that
//! closes the loop diagnostics -> fetch -> list landed -> diagnostics).

use std::sync::Arc;

use tower_lsp_server::ls_types::{
    self as lsp, DocumentDiagnosticParams, DocumentDiagnosticReportResult, Uri,
};

use super::ensure_groups;
use crate::analysis::diagnostic::Diagnostic;
use crate::analysis::online;
use crate::lsp::session::{Session, Snapshot};
use crate::lsp::to_proto;

/// The offline and (from fresh lists only) online diagnostics of one version.
fn diagnostics(session: &Arc<Session>, snapshot: &Snapshot) -> Vec<lsp::Diagnostic> {
    let online = online_diagnostics(session, snapshot);
    snapshot
        .analysis()
        .diagnostics
        .iter()
        .chain(&online)
        .map(|diagnostic| to_proto::diagnostic(snapshot, diagnostic))
        .collect()
}

/// The online rules over the fresh lists; starts fetching the lists the file needs.
fn online_diagnostics(session: &Arc<Session>, snapshot: &Snapshot) -> Vec<Diagnostic> {
    let options = session.settings().online_options();
    let Some(model) = snapshot
        .analysis()
        .model
        .as_ref()
        .filter(|_| options.enabled)
    else {
        return Vec::new();
    };
    ensure_groups(session, &online::regions_needed(model));
    online::check(model, &session.online.fresh_lists(&options))
}

/// After a change: analyse and publish, unless the client pulls or a newer version came.
pub fn schedule_push(session: &Arc<Session>, uri: Uri, version: i32) {
    let session = session.clone();
    tokio::spawn(async move {
        // A newer change has its own task; analysing this version would be wasted work.
        if session.documents.version(&uri) != Some(version) {
            return;
        }
        // A pulling client asks next: the analysis is started now, and its request waits
        // for this one instead of starting another.
        let Some(snapshot) = session.snapshot(&uri).await else {
            return;
        };
        if session.pulls_diagnostics() {
            return;
        }
        let items = diagnostics(&session, &snapshot);
        let version = snapshot.analyzed.version;
        let _gate = session.publish_gate.lock().await;
        if session.documents.version(&uri) == Some(version) {
            session
                .client
                .publish_diagnostics(uri, items, Some(version))
                .await;
        }
    });
}

/// Clears a closed document's diagnostics.
pub async fn clear(session: &Session, uri: Uri) {
    let _gate = session.publish_gate.lock().await;
    session
        .client
        .publish_diagnostics(uri, Vec::new(), None)
        .await;
}

/// `textDocument/diagnostic`: the full report, or "unchanged" when the client has this version's.
pub async fn pull(
    session: &Arc<Session>,
    params: DocumentDiagnosticParams,
) -> DocumentDiagnosticReportResult {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return to_proto::full_report(None, Vec::new());
    };
    // The online part changes with the cache, not only with the text.
    let result_id = format!(
        "{}.{}",
        snapshot.analyzed.version,
        session.online.generation()
    );
    if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        return to_proto::unchanged_report(result_id);
    }
    to_proto::full_report(Some(result_id), diagnostics(session, &snapshot))
}

/// Delivers every open document's diagnostics again, and asks for lenses again (their
/// instance statuses), whenever an instance list lands or the caches are reset; runs for the
/// whole session.
pub async fn refresh_on_landing(session: Arc<Session>) {
    let mut landed = session.online.landed();
    while landed.changed().await.is_ok() {
        if session.flags().code_lens_refresh {
            let _ = session.client.code_lens_refresh().await;
        }
        if session.pulls_diagnostics() {
            if session.flags().diagnostic_refresh {
                let _ = session.client.workspace_diagnostic_refresh().await;
            }
            continue;
        }
        for (uri, version) in session.documents.open_versions() {
            schedule_push(&session, uri, version);
        }
    }
}

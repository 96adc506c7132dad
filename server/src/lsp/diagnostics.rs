//! Diagnostics delivery: pushed after every change with the document version (never a stale
//! one), pulled through `textDocument/diagnostic` when the client supports it, cleared on close.

use tower_lsp_server::ls_types::{
    self as lsp, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport,
    RelatedUnchangedDocumentDiagnosticReport, UnchangedDocumentDiagnosticReport, Uri,
};

use super::Backend;
use super::convert::Converter;
use super::documents::Analyzed;

impl Backend {
    /// The LSP diagnostics of one analysed version.
    pub(super) fn lsp_diagnostics(&self, analyzed: &Analyzed) -> Vec<lsp::Diagnostic> {
        let converter = Converter {
            rope: &analyzed.rope,
            encoding: self.encoding(),
        };
        let online = self.online_diagnostics(analyzed);
        analyzed
            .analysis
            .diagnostics
            .iter()
            .chain(&online)
            .map(|diagnostic| converter.diagnostic(diagnostic))
            .collect()
    }

    /// After a change: analyse and publish, unless the client pulls or a newer version came.
    pub(super) fn schedule_push(&self, uri: Uri, version: i32) {
        let backend = self.clone();
        tokio::spawn(async move {
            // A newer change has its own task; analysing this version would be wasted work.
            if backend.documents.version(&uri) != Some(version) {
                return;
            }
            // A pulling client asks next: the analysis is started now, and its request waits
            // for this one instead of starting another.
            let Some(analyzed) = backend.documents.analyzed(&uri).await else {
                return;
            };
            if backend.pulls_diagnostics() {
                return;
            }
            let diagnostics = backend.lsp_diagnostics(&analyzed);
            let _gate = backend.publish_gate.lock().await;
            if backend.documents.version(&uri) == Some(analyzed.version) {
                backend
                    .client
                    .publish_diagnostics(uri, diagnostics, Some(analyzed.version))
                    .await;
            }
        });
    }

    /// Clears a closed document's diagnostics.
    pub(super) async fn clear_diagnostics(&self, uri: Uri) {
        let _gate = self.publish_gate.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    /// `textDocument/diagnostic`: the full report, or "unchanged" when the client has this version's.
    pub(super) async fn pull_diagnostics(
        &self,
        uri: &Uri,
        previous: Option<String>,
    ) -> DocumentDiagnosticReportResult {
        let report = match self.documents.analyzed(uri).await {
            Some(analyzed) => {
                // The online part changes with the cache, not only with the text.
                let result_id = format!("{}.{}", analyzed.version, self.online.generation());
                if previous.as_deref() == Some(result_id.as_str()) {
                    DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                        related_documents: None,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id,
                        },
                    })
                } else {
                    full_report(Some(result_id), self.lsp_diagnostics(&analyzed))
                }
            }
            None => full_report(None, Vec::new()),
        };
        DocumentDiagnosticReportResult::Report(report)
    }
}

fn full_report(result_id: Option<String>, items: Vec<lsp::Diagnostic>) -> DocumentDiagnosticReport {
    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
    })
}

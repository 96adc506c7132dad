//! The `LanguageServer` implementation: every method is a one-line delegation to a handler.
//! Document symbols and code lenses are served by `direct.rs` instead.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::handlers::{
    code_actions, completion, diagnostics, fleet, folding, formatting, hover, lenses, lifecycle,
    links, run, selection,
};
use super::session::Session;

pub struct Server {
    pub session: Arc<Session>,
}

/// What tower-lsp-server's `LanguageServer` has no method for, routed in `lsp/mod.rs`.
impl Server {
    pub const WORK_DONE_PROGRESS_CANCEL: &str = "window/workDoneProgress/cancel";

    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        fleet::cancel_progress(&self.session, params);
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        lifecycle::initialize(&self.session, params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(&self.session).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        lifecycle::did_open_or_change(&self.session, document.uri, document.version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let document = params.text_document;
        lifecycle::did_open_or_change(&self.session, document.uri, document.version);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        lifecycle::did_close(&self.session, params.text_document.uri).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        lifecycle::did_change_configuration(&self.session, params).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        Ok(diagnostics::pull(&self.session, params).await)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        completion::completion(&self.session, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        hover::hover(&self.session, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        code_actions::code_action(&self.session, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        lenses::inlay_hint(&self.session, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        run::execute_command(&self.session, params).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        formatting::formatting(&self.session, params).await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        formatting::range_formatting(&self.session, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        folding::folding_range(&self.session, params).await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        selection::selection_range(&self.session, params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        links::document_link(&self.session, params).await
    }
}

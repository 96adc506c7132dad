//! The `LanguageServer` implementation: every method is a one-line delegation to a handler.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::handlers::{
    code_actions, completion, diagnostics, fleet, hover, lenses, lifecycle, run, symbols,
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

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        lenses::code_lens(&self.session, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        lenses::inlay_hint(&self.session, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        run::execute_command(&self.session, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        symbols::document_symbol(&self.session, params).await
    }
}

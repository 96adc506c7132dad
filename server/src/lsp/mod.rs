//! The language server: protocol handlers that delegate to `documents`, `diagnostics` and
//! `features`. No handler holds document state across an `.await` on the client or network.

mod config;
mod convert;
mod diagnostics;
mod documents;
mod features;

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::position::Encoding;
use config::Settings;
use documents::{ChangeError, Documents};

/// How this session talks: negotiated once in `initialize`, then only read.
#[derive(Default)]
struct Session {
    encoding: Encoding,
    pull_diagnostics: bool,
    settings: Settings,
    /// Problems found in the settings, told to the user once the session is up.
    setting_problems: Vec<String>,
}

#[derive(Clone)]
pub struct Backend {
    client: Client,
    documents: Arc<Documents>,
    session: Arc<Mutex<Session>>,
    /// Serialises publishing so a stale version check and its publish cannot interleave.
    publish_gate: Arc<tokio::sync::Mutex<()>>,
}

/// Serves the language server on stdin and stdout until the client exits.
pub async fn serve() {
    let (service, socket) = LspService::new(|client| Backend {
        client,
        documents: Arc::default(),
        session: Arc::default(),
        publish_gate: Arc::default(),
    });
    // Runs waiting on the user or the API must never starve other requests of slots.
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .concurrency_level(64)
        .serve(service)
        .await;
}

impl Backend {
    fn session(&self) -> MutexGuard<'_, Session> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn encoding(&self) -> Encoding {
        self.session().encoding
    }

    fn pulls_diagnostics(&self) -> bool {
        self.session().pull_diagnostics
    }

    async fn apply_settings(&self, value: &Value) {
        let (settings, problems) = config::parse(value);
        self.session().settings = settings;
        for problem in problems {
            self.client.log_message(MessageType::WARNING, problem).await;
        }
    }
}

/// UTF-8 when the client offers it (no conversion needed), else LSP's default UTF-16.
fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

fn capabilities(encoding: Encoding, pull_diagnostics: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_owned(), ":".to_owned()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR_REWRITE,
            ]),
            ..CodeActionOptions::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        diagnostic_provider: pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("eci-exec".to_owned()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..DiagnosticOptions::default()
            })
        }),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let pull_diagnostics = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|text| text.diagnostic.is_some());
        let (settings, setting_problems) = config::parse(
            params
                .initialization_options
                .as_ref()
                .unwrap_or(&Value::Null),
        );
        *self.session() = Session {
            encoding,
            pull_diagnostics,
            settings,
            setting_problems,
        };
        Ok(InitializeResult {
            capabilities: capabilities(encoding, pull_diagnostics),
            server_info: Some(ServerInfo {
                name: "eci-exec-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let problems = std::mem::take(&mut self.session().setting_problems);
        for problem in problems {
            self.client.log_message(MessageType::WARNING, problem).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.documents
            .open(document.uri.clone(), &document.text, document.version);
        self.schedule_push(document.uri, document.version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        match self
            .documents
            .change(&uri, version, params.content_changes, self.encoding())
        {
            Ok(()) => self.schedule_push(uri, version),
            Err(ChangeError::NotOpen) => {
                tracing::warn!(uri = uri.as_str(), "change to a document that is not open")
            }
            Err(ChangeError::StaleVersion { current, received }) => {
                tracing::warn!(
                    uri = uri.as_str(),
                    current,
                    received,
                    "ignored a change whose version is not newer"
                );
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.documents.close(&uri) {
            self.clear_diagnostics(uri).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_settings(&params.settings).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        Ok(self
            .pull_diagnostics(&params.text_document.uri, params.previous_result_id)
            .await)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let list = self
            .completion_at(&position.text_document.uri, position.position)
            .await;
        Ok(list.map(CompletionResponse::List))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        Ok(self
            .hover_at(&position.text_document.uri, position.position)
            .await)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let only = params.context.only.as_deref();
        Ok(Some(
            self.code_actions(&params.text_document.uri, params.range, only)
                .await,
        ))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .document_symbols(&params.text_document.uri)
            .await
            .map(DocumentSymbolResponse::Nested))
    }
}

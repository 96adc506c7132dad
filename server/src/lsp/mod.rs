//! The language server: protocol handlers that delegate to `documents`, `diagnostics` and
//! `features`. No handler holds document state across an `.await` on the client or network.

mod config;
mod convert;
mod diagnostics;
mod documents;
mod features;
mod online;
mod online_features;
mod ordered;
mod run;
mod run_results;
mod transport;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService};

use crate::position::Encoding;
use config::Settings;
use documents::Documents;
use online::Online;
use run_results::RunStore;

/// What the client said it can do, for the requests the server sends it.
#[derive(Clone, Copy, Default)]
struct ClientFlags {
    work_done_progress: bool,
    inlay_hint_refresh: bool,
    diagnostic_refresh: bool,
}

/// How this session talks: negotiated once in `initialize`, then only read.
#[derive(Default)]
struct Session {
    encoding: Encoding,
    pull_diagnostics: bool,
    flags: ClientFlags,
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
    online: Arc<Online>,
    runs: Arc<RunStore>,
    progress_ids: Arc<AtomicU64>,
}

/// Serves the language server on stdin and stdout until the client exits or input ends;
/// returns the exit status (LSP: 0 after a `shutdown` request, else 1).
pub async fn serve() -> std::process::ExitCode {
    let documents: Arc<Documents> = Arc::default();
    let session: Arc<Mutex<Session>> = Arc::default();
    let (service, socket) = LspService::new(|client| Backend {
        client,
        documents: documents.clone(),
        session: session.clone(),
        publish_gate: Arc::default(),
        online: Arc::default(),
        runs: Arc::default(),
        progress_ids: Arc::default(),
    });
    let service = ordered::InOrder {
        inner: service,
        documents,
        session,
        initialize_seen: false,
    };
    // Runs waiting on the user or the API must never starve other requests of slots.
    let concurrency = 64;
    transport::serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        service,
        socket,
        concurrency,
    )
    .await
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

    fn capabilities(&self) -> ClientFlags {
        self.session().flags
    }

    fn settings(&self) -> Settings {
        self.session().settings.clone()
    }

    fn next_progress_id(&self) -> u64 {
        self.progress_ids.fetch_add(1, Ordering::Relaxed)
    }

    async fn apply_settings(&self, value: &Value) {
        let (settings, problems) = config::parse(value);
        let changed = {
            let mut session = self.session();
            let changed = session.settings != settings;
            session.settings = settings;
            changed
        };
        for problem in problems {
            self.client.log_message(MessageType::WARNING, problem).await;
        }
        if changed {
            // Another profile, endpoint or region: what was cached may be someone else's.
            self.online.reset();
            self.refresh_diagnostics().await;
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

fn client_flags(capabilities: &ClientCapabilities) -> ClientFlags {
    let workspace = capabilities.workspace.as_ref();
    ClientFlags {
        work_done_progress: capabilities
            .window
            .as_ref()
            .and_then(|window| window.work_done_progress)
            .unwrap_or(false),
        inlay_hint_refresh: workspace
            .and_then(|workspace| workspace.inlay_hint.as_ref())
            .and_then(|inlay| inlay.refresh_support)
            .unwrap_or(false),
        diagnostic_refresh: workspace
            .and_then(|workspace| workspace.diagnostics.as_ref())
            .and_then(|diagnostics| diagnostics.refresh_support)
            .unwrap_or(false),
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
                CodeActionKind::from(run::RUN_ACTION_KIND),
            ]),
            ..CodeActionOptions::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![run::RUN_COMMAND.to_owned()],
            ..ExecuteCommandOptions::default()
        }),
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
        let flags = client_flags(&params.capabilities);
        *self.session() = Session {
            encoding,
            pull_diagnostics,
            flags,
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

    // The document store itself is updated by `ordered::InOrder` as each message is read;
    // the handlers deliver what follows from it.
    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.schedule_push(document.uri, document.version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let document = params.text_document;
        self.schedule_push(document.uri, document.version);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.runs.forget(&uri);
        if self.documents.version(&uri).is_none() {
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

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(Some(self.code_lenses(&params.text_document.uri).await))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        Ok(Some(
            self.run_hints(&params.text_document.uri, params.range)
                .await,
        ))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            run::RUN_COMMAND => self.execute_run(params.arguments).await,
            other => Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command {other}"
            ))),
        }
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

//! The session's life: `initialize` (negotiation), `initialized`, settings changes, and what
//! follows from opening, changing and closing documents (the store itself is updated by
//! `ordered.rs` as each message is read).

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DidChangeConfigurationParams, InitializeParams, InitializeResult, MessageType, ServerInfo, Uri,
};

use super::diagnostics;
use crate::lsp::capabilities;
use crate::lsp::config;
use crate::lsp::session::Session;

pub async fn initialize(session: &Session, params: InitializeParams) -> Result<InitializeResult> {
    let encoding = capabilities::negotiate_encoding(&params);
    let pull_diagnostics = capabilities::pulls_diagnostics(&params);
    let (settings, setting_problems) = config::parse(
        params
            .initialization_options
            .as_ref()
            .unwrap_or(&Value::Null),
    );
    {
        let mut negotiated = session.negotiated();
        negotiated.encoding = encoding;
        negotiated.pull_diagnostics = pull_diagnostics;
        negotiated.flags = capabilities::client_flags(&params.capabilities);
        negotiated.settings = settings;
        negotiated.setting_problems = setting_problems;
    }
    Ok(InitializeResult {
        capabilities: capabilities::server_capabilities(encoding, pull_diagnostics),
        server_info: Some(ServerInfo {
            name: "eci-exec-lsp".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        ..InitializeResult::default()
    })
}

/// Tells the user of bad settings, starts refreshing diagnostics whenever a list lands, and
/// makes the API client in the background.
pub async fn initialized(session: &Arc<Session>) {
    tokio::spawn(diagnostics::refresh_on_landing(session.clone()));
    let (online, options) = (session.online.clone(), session.settings().online_options());
    if options.enabled {
        tokio::spawn(async move { online.prepare(&options).await });
    }
    let problems = std::mem::take(&mut session.negotiated().setting_problems);
    for problem in problems {
        session
            .client
            .log_message(MessageType::WARNING, problem)
            .await;
    }
}

pub async fn did_change_configuration(
    session: &Arc<Session>,
    params: DidChangeConfigurationParams,
) {
    let (settings, problems) = config::parse(&params.settings);
    let changed = {
        let mut negotiated = session.negotiated();
        let changed = negotiated.settings != settings;
        negotiated.settings = settings;
        changed
    };
    for problem in problems {
        session
            .client
            .log_message(MessageType::WARNING, problem)
            .await;
    }
    if changed {
        // Another profile, endpoint or region: what was cached may be someone else's. The
        // reset counts as a landing, so every document's diagnostics are delivered again.
        session.online.reset();
    }
}

pub fn did_open_or_change(session: &Arc<Session>, uri: Uri, version: i32) {
    diagnostics::schedule_push(session, uri, version);
}

pub async fn did_close(session: &Arc<Session>, uri: Uri) {
    session.runs.forget(&uri);
    if session.documents.version(&uri).is_none() {
        diagnostics::clear(session, uri).await;
    }
}

//! Requests answered beside the LSP service (`transport::Direct`), for answers with one item
//! per entry: their results are serialised straight from typed values to bytes.
//! tower-lsp-server's router first turns every answer into a `serde_json::Value`, a map per
//! object: for the symbols of a 10,000-entry file that is 50 MB more at the peak (measured:
//! see the README's performance section), for a 2 MB answer.

use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tower_lsp_server::jsonrpc::{self, Request};

use super::handlers::{lenses, symbols};
use super::session::Session;
use super::transport::{Direct, DirectAnswer};

/// The methods served here, for `session`.
pub fn routes(session: Arc<Session>) -> Direct {
    Box::new(move |request: &Request| {
        let params = request.params().cloned().unwrap_or_default();
        let session = session.clone();
        match request.method() {
            "textDocument/documentSymbol" => Some(answer(params, move |params| async move {
                symbols::document_symbol(&session, params).await
            })),
            "textDocument/codeLens" => Some(answer(params, move |params| async move {
                lenses::code_lens(&session, params).await
            })),
            _ => None,
        }
    })
}

/// Reads the parameters, runs `handler`, and serialises its result without a `Value` tree.
fn answer<P, R, F>(params: serde_json::Value, handler: impl FnOnce(P) -> F) -> DirectAnswer
where
    P: DeserializeOwned,
    R: Serialize,
    F: Future<Output = jsonrpc::Result<R>> + Send + 'static,
{
    let params = serde_json::from_value::<P>(params);
    let handled = params.map(handler);
    Box::pin(async move {
        let result = handled
            .map_err(|error| jsonrpc::Error::invalid_params(error.to_string()))?
            .await?;
        serde_json::to_vec(&result).map_err(|error| jsonrpc::Error {
            message: error.to_string().into(),
            ..jsonrpc::Error::internal_error()
        })
    })
}

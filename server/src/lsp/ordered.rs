//! Applies document notifications (open, change, close) when the transport reads them, in the
//! order the client sent them. tower-lsp runs handlers concurrently, and the client's reply to
//! a request of ours (a Run confirmation) is routed at once, so without this a `didChange` sent
//! before the reply could still be waiting its turn when the run looks at the document.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use serde::Deserialize;
use serde_json::Value;
use tower::Service;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::ls_types::{DidChangeTextDocumentParams, DidCloseTextDocumentParams};

use super::documents::{ChangeError, Documents};
use super::from_proto;
use super::session::Negotiated;

/// Wraps the LSP service; every other message passes through untouched.
pub struct InOrder<S> {
    pub inner: S,
    pub documents: Arc<Documents>,
    pub negotiated: Arc<Mutex<Negotiated>>,
    /// Until `initialize`, notifications are not applied (tower-lsp-server drops them too).
    pub initialize_seen: bool,
}

impl<S: Service<Request>> Service<Request> for InOrder<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        tracing::debug!(method = request.method(), "read");
        self.initialize_seen |= request.method() == "initialize";
        if let Some(params) = request.params().filter(|_| self.initialize_seen) {
            self.apply(request.method(), params);
        }
        self.inner.call(request)
    }
}

impl<S> InOrder<S> {
    fn apply(&self, method: &str, params: &Value) {
        match method {
            "textDocument/didOpen" => {
                // Read in place: typed deserialisation would copy the whole text once more.
                let document = &params["textDocument"];
                let uri = document["uri"].as_str().and_then(|uri| uri.parse().ok());
                let version = document["version"]
                    .as_i64()
                    .and_then(|version| i32::try_from(version).ok());
                if let (Some(uri), Some(version), Some(text)) =
                    (uri, version, document["text"].as_str())
                {
                    self.documents.open(uri, text, version);
                }
            }
            "textDocument/didChange" => {
                let Ok(params) = DidChangeTextDocumentParams::deserialize(params) else {
                    return;
                };
                let uri = params.text_document.uri;
                let encoding = self
                    .negotiated
                    .lock()
                    .map(|session| session.encoding)
                    .unwrap_or_default();
                match self.documents.change(
                    &uri,
                    params.text_document.version,
                    from_proto::text_changes(params.content_changes),
                    encoding,
                ) {
                    Ok(()) => {}
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
            "textDocument/didClose" => {
                if let Ok(params) = DidCloseTextDocumentParams::deserialize(params) {
                    self.documents.close(&params.text_document.uri);
                }
            }
            _ => {}
        }
    }
}

//! The language server. `server.rs` delegates each request to a handler of `handlers/`;
//! handlers read a `Snapshot` of the `Session` and answer through `to_proto`/`from_proto`, the
//! one protocol boundary; custom methods are in `ext.rs`. No handler holds document state
//! across an `.await` on the client or the network.

mod capabilities;
mod config;
mod documents;
mod ext;
mod from_proto;
mod handlers;
mod ordered;
mod server;
mod session;
mod to_proto;

use std::sync::{Arc, Mutex};

use tower_lsp_server::{LspService, Server};

use documents::Documents;
use session::{Negotiated, Session};

/// Serves the language server on stdin and stdout until the client exits.
pub async fn serve() {
    let documents: Arc<Documents> = Arc::default();
    let negotiated: Arc<Mutex<Negotiated>> = Arc::default();
    let (service, socket) = LspService::new(|client| server::Server {
        session: Arc::new(Session::new(client, documents.clone(), negotiated.clone())),
    });
    let service = ordered::InOrder {
        inner: service,
        documents,
        negotiated,
    };
    // Runs waiting on the user or the API must never starve other requests of slots.
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .concurrency_level(64)
        .serve(service)
        .await;
}

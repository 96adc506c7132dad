//! The language server. `server.rs` delegates each request to a handler of `handlers/`;
//! handlers read a `Snapshot` of the `Session` and answer through `to_proto`/`from_proto`, the
//! one protocol boundary; custom methods are in `ext.rs`. No handler holds document state
//! across an `.await` on the client or the network.

mod capabilities;
mod config;
mod direct;
mod documents;
mod ext;
mod frames;
mod from_proto;
mod handlers;
mod ordered;
mod server;
mod session;
mod to_proto;
mod transport;

use std::sync::{Arc, Mutex};

use tower_lsp_server::LspService;

use documents::Documents;
use session::{Negotiated, Session};

/// Serves the language server on stdin and stdout until the client exits or input ends;
/// returns the exit status (LSP: 0 after a `shutdown` request, else 1).
pub async fn serve() -> std::process::ExitCode {
    let documents: Arc<Documents> = Arc::default();
    let negotiated: Arc<Mutex<Negotiated>> = Arc::default();
    let mut made = None;
    let (service, socket) = LspService::build(|client| {
        let session = Arc::new(Session::new(client, documents.clone(), negotiated.clone()));
        made = Some(session.clone());
        server::Server { session }
    })
    .custom_method(
        server::Server::WORK_DONE_PROGRESS_CANCEL,
        server::Server::work_done_progress_cancel,
    )
    .finish();
    // LspService::build calls the constructor before it returns; were that ever to change, the
    // server would say so rather than serve without its direct routes.
    let Some(session) = made else {
        tracing::error!("the LSP service was not constructed");
        return std::process::ExitCode::from(2);
    };
    let service = ordered::InOrder {
        inner: service,
        documents,
        negotiated,
        initialize_seen: false,
    };
    // Runs waiting on the user or the API must never starve other requests of slots.
    let concurrency = 64;
    transport::serve(
        tokio::io::stdin(),
        protocol_output(),
        service,
        socket,
        direct::routes(session),
        concurrency,
    )
    .await
}

/// Standard output for frames, each written by one `write` call. std's `Stdout` is line
/// buffered: it wrote a frame's header (up to its last line break) and its body in two calls,
/// and Vim 9.0, reading the header alone, drops the whole message when the body is late
/// (yegappan/lsp then waits for ever on `initialize`). An unbuffered duplicate of the
/// descriptor keeps each frame whole.
fn protocol_output() -> Box<dyn std::io::Write + Send> {
    match duplicate_stdout() {
        Ok(file) => Box::new(file),
        Err(error) => {
            tracing::warn!("writing frames through buffered stdout: {error}");
            Box::new(std::io::stdout())
        }
    }
}

#[cfg(unix)]
fn duplicate_stdout() -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::io::stdout().as_fd().try_clone_to_owned()?.into())
}

#[cfg(windows)]
fn duplicate_stdout() -> std::io::Result<std::fs::File> {
    use std::os::windows::io::AsHandle;
    Ok(std::io::stdout().as_handle().try_clone_to_owned()?.into())
}

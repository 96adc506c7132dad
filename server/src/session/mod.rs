//! Sessions: a shell or a command's live output over the API's `WebSocketUri`, as
//! `kubectl exec -it` gives one. `run` connects at once (the URI is short-lived), puts a local
//! terminal in raw mode for a TTY session, and bridges standard input and output to the
//! session until it ends; `args` builds the `exec` command line that editors run in their
//! terminals.
//!
//! - `uri`: which URIs may be connected to, and how they are shown (never the token);
//! - `frame`: THE framing (channel byte + payload), in one place;
//! - `socket`: TCP, TLS with the API client's roots, the WebSocket handshake;
//! - `terminal`: raw mode, size, signals, standard input and output;
//! - `bridge`: the session's loop.

pub mod args;
mod bridge;
pub mod frame;
mod socket;
mod terminal;
pub mod uri;

use std::time::Duration;

pub use frame::Status;
pub use terminal::EndSignal;
pub use uri::{SessionUri, UriRefused};

/// How long connecting (TCP, TLS and the handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the session was opened with (the request's `TTY` and `Stdin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub tty: bool,
    pub stdin: bool,
}

/// How a session ended.
#[derive(Debug)]
pub enum Ending {
    /// The WebSocket could not be opened.
    CannotConnect(String),
    /// The server closed the session, after a status frame or without one.
    Closed(Option<Status>),
    /// The connection ended without a Close frame (reset, end of stream, protocol error).
    Lost(String),
    /// A signal ended it locally.
    Signal(EndSignal),
    /// Standard output or error could not be written.
    Output(std::io::Error),
    /// The local terminal or signals could not be set up.
    Local(String),
}

/// Connects to `uri` and bridges this process's standard input, output and error to it.
///
/// With a TTY and a local terminal (standard input is one), the terminal is in raw mode for
/// the session, so Ctrl-C and every other key go to the container, and size frames go out at
/// the start and on every change. Otherwise Ctrl-C (SIGINT) ends the session locally.
pub async fn run(uri: &SessionUri, options: Options) -> Ending {
    // Signals first: raw mode is never on while a signal could end the process unrestored.
    let endings = match terminal::Endings::listen() {
        Ok(endings) => endings,
        Err(error) => return Ending::Local(format!("cannot listen for signals: {error}")),
    };
    tracing::debug!(%uri, "connecting to the session");
    let socket = match socket::connect(uri, CONNECT_TIMEOUT).await {
        Ok(socket) => socket,
        Err(message) => return Ending::CannotConnect(message),
    };
    tracing::debug!(%uri, "session connected");
    let local_terminal = options.tty && terminal::stdin_is_terminal();
    let sizes = match local_terminal.then(terminal::Sizes::listen).transpose() {
        Ok(sizes) => sizes,
        Err(error) => return Ending::Local(format!("cannot follow the terminal's size: {error}")),
    };
    // Without input to forward, raw mode would swallow Ctrl-C: the user could not get out.
    let _raw = match (local_terminal && options.stdin).then(terminal::RawMode::enable) {
        Some(Err(error)) => {
            return Ending::Local(format!("cannot set the terminal to raw mode: {error}"));
        }
        Some(Ok(raw)) => Some(raw),
        None => None,
    };
    let local = bridge::Local {
        input: options.stdin.then(terminal::stdin_frames),
        sizes,
        endings,
        output: terminal::Output::start(),
    };
    bridge::run(socket, local).await
}

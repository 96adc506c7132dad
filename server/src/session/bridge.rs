//! The bridge between a connected session and the local side: the server's output to
//! standard output and error as each message arrives, local input and size changes to the
//! server, until the server closes, the connection is lost, or a signal ends it locally.
//! Reading and writing run side by side, so a large input can never stall the output.

use std::convert::Infallible;
use std::io::Write;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::Ending;
use super::frame::{self, Incoming};
use super::socket::Socket;
use super::terminal::{Endings, Sizes};

/// How long the closing handshake may take once the session is over.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// What the bridge reads locally: input chunks (already framed) and size changes, each absent
/// when the session has none.
pub struct Local {
    pub input: Option<mpsc::Receiver<Vec<u8>>>,
    pub sizes: Option<Sizes>,
    pub endings: Endings,
}

/// Runs the session to its end.
pub async fn run(
    socket: Socket,
    local: Local,
    output: &mut impl Write,
    errors: &mut impl Write,
) -> Ending {
    let (mut sink, mut stream) = socket.split();
    let Local {
        input,
        sizes,
        mut endings,
    } = local;
    let ending = tokio::select! {
        ending = receive(&mut stream, output, errors) => ending,
        never = send(&mut sink, input, sizes) => match never {},
        signal = endings.next() => Ending::Signal(signal),
    };
    // Answer (or start) the closing handshake, briefly: the session is over either way.
    let _ = tokio::time::timeout(CLOSE_GRACE, sink.close()).await;
    ending
}

/// The server's messages, written out as they arrive, until the session ends.
async fn receive(
    stream: &mut SplitStream<Socket>,
    output: &mut impl Write,
    errors: &mut impl Write,
) -> Ending {
    let mut status = None;
    while let Some(message) = stream.next().await {
        let written = match message {
            Ok(Message::Binary(data)) => match frame::decode(&data) {
                Incoming::Stdout(bytes) => write(output, bytes),
                Incoming::Stderr(bytes) => write(errors, bytes),
                Incoming::Status(said) => {
                    status.get_or_insert(said);
                    Ok(())
                }
                Incoming::Unknown(channel) => {
                    tracing::debug!(
                        ?channel,
                        bytes = data.len(),
                        "ignored a message on an unknown channel"
                    );
                    Ok(())
                }
            },
            Ok(Message::Text(text)) => write(output, text.as_bytes()),
            Ok(Message::Close(_)) => return Ending::Closed(status),
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => Ok(()),
            Err(error) => {
                return Ending::Lost(format!(
                    "the connection ended without a Close frame ({error})"
                ));
            }
        };
        if let Err(error) = written {
            return Ending::Output(error);
        }
    }
    Ending::Lost("the connection ended without a Close frame".to_owned())
}

fn write(to: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    to.write_all(bytes)?;
    to.flush()
}

/// Local input and size changes to the server; the first size at once. Never returns: when
/// there is nothing more to send, or sending fails, it waits, and `receive` decides how the
/// session ends (a failed send usually means the server has closed, and its Close frame or
/// the lost connection is what counts).
async fn send(
    sink: &mut SplitSink<Socket, Message>,
    mut input: Option<mpsc::Receiver<Vec<u8>>>,
    mut sizes: Option<Sizes>,
) -> Infallible {
    let first = sizes.as_ref().and_then(Sizes::current);
    if let Some((columns, rows)) = first {
        if !deliver(sink, frame::resize(columns, rows)).await {
            return std::future::pending().await;
        }
    }
    loop {
        let message = tokio::select! {
            chunk = next_input(&mut input) => match chunk {
                Some(chunk) => chunk,
                // The end of local input: nothing more is sent; the session goes on.
                None => {
                    input = None;
                    continue;
                }
            },
            (columns, rows) = next_size(&mut sizes) => frame::resize(columns, rows),
        };
        if !deliver(sink, message).await {
            return std::future::pending().await;
        }
    }
}

async fn deliver(sink: &mut SplitSink<Socket, Message>, message: Vec<u8>) -> bool {
    match sink.send(Message::Binary(message.into())).await {
        Ok(()) => true,
        Err(error) => {
            tracing::debug!(%error, "sending to the session failed");
            false
        }
    }
}

async fn next_input(input: &mut Option<mpsc::Receiver<Vec<u8>>>) -> Option<Vec<u8>> {
    match input {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

async fn next_size(sizes: &mut Option<Sizes>) -> (u16, u16) {
    match sizes {
        Some(sizes) => sizes.changed().await,
        None => std::future::pending().await,
    }
}

//! The bridge between a connected session and the local side: the server's output to
//! standard output and error as each message arrives, local input and size changes to the
//! server, until the server closes, the connection is lost, or a signal ends it locally.
//! Reading and writing run side by side, so a large input can never stall the output.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::Ending;
use super::frame::{self, Incoming};
use super::socket::Socket;
use super::terminal::{Endings, Output, Sizes, Stream};

/// How long the closing handshake may take once the session is over.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The local side: input chunks (already framed) and size changes, each absent when the
/// session has none; the signals that end it; where its output goes.
pub struct Local {
    pub input: Option<mpsc::Receiver<Vec<u8>>>,
    pub sizes: Option<Sizes>,
    pub endings: Endings,
    pub output: Output,
}

/// Runs the session to its end.
pub async fn run(socket: Socket, local: Local) -> Ending {
    let (mut sink, mut stream) = socket.split();
    let Local {
        input,
        sizes,
        mut endings,
        output,
    } = local;
    let ending = tokio::select! {
        ending = receive(&mut stream, &output) => ending,
        never = send(&mut sink, input, sizes) => match never {},
        signal = endings.next() => Ending::Signal(signal),
    };
    // Answer (or start) the closing handshake, briefly: the session is over either way.
    let _ = tokio::time::timeout(CLOSE_GRACE, sink.close()).await;
    match ending {
        // Ended locally: what is still queued may never be read (a stuck pipe); leave it.
        Ending::Signal(_) => ending,
        // Everything the session sent is written before the process reports how it ended.
        _ => match output.finish().await {
            Err(error) => Ending::Output(error),
            Ok(()) => ending,
        },
    }
}

/// The server's messages, queued for output as they arrive, until the session ends.
async fn receive(stream: &mut SplitStream<Socket>, output: &Output) -> Ending {
    let mut status = None;
    while let Some(message) = stream.next().await {
        let queued = match message {
            Ok(Message::Binary(data)) => match frame::decode(&data) {
                Incoming::Stdout(bytes) => {
                    output.write(Stream::Stdout, data.slice_ref(bytes)).await
                }
                Incoming::Stderr(bytes) => {
                    output.write(Stream::Stderr, data.slice_ref(bytes)).await
                }
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
            Ok(Message::Text(text)) => output.write(Stream::Stdout, Bytes::from(text)).await,
            Ok(Message::Close(_)) => return Ending::Closed(status),
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => Ok(()),
            Err(error) => {
                return Ending::Lost(format!(
                    "the connection ended without a Close frame ({error})"
                ));
            }
        };
        if queued.is_err() {
            // The output's own error takes the place of this one (see `run`).
            return Ending::Closed(status);
        }
    }
    Ending::Lost("the connection ended without a Close frame".to_owned())
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

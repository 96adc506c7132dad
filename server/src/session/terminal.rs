//! The local side of a session: raw mode (restored on every way out: drop, panic, the signals
//! that end a session), the terminal's size and its changes (SIGWINCH), the signals, and
//! standard input and output, each on a thread of its own.

use std::io::{IsTerminal, Read, Write};
use std::sync::Once;
use std::thread::JoinHandle;

use bytes::Bytes;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

use super::frame::StdinFrame;

/// Bytes of standard input read at a time: large enough for bulk input, and a read returns
/// as soon as any bytes are there, so keystrokes are not held back.
const INPUT_CHUNK: usize = 64 * 1024;

/// Chunks of input queued between the reading thread and the socket: the bound is the
/// backpressure that keeps a large input from piling up in memory.
const INPUT_QUEUE: usize = 4;

/// Messages of output queued for the writing thread (each at most a WebSocket message).
const OUTPUT_QUEUE: usize = 8;

/// Whether standard input is a terminal (so a TTY session gets raw mode and size frames).
pub fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// The local terminal in raw mode until this is dropped; a panic restores it too.
pub struct RawMode(());

impl RawMode {
    pub fn enable() -> std::io::Result<RawMode> {
        restore_on_panic();
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Restores the settings saved by `enable`; a no-op when raw mode is already off.
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Before the panic message is printed, the terminal is put back (the message would
/// otherwise show in raw mode, and the shell after it).
fn restore_on_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::terminal::disable_raw_mode();
            previous(info);
        }));
    });
}

/// The terminal's size, columns then rows; `None` when it cannot be read or is zero.
pub fn size() -> Option<(u16, u16)> {
    crossterm::terminal::size()
        .ok()
        .filter(|&(columns, rows)| columns > 0 && rows > 0)
}

/// The terminal's size changes, from SIGWINCH.
pub struct Sizes {
    changes: Signal,
    last: Option<(u16, u16)>,
}

impl Sizes {
    /// Starts listening; `current` is the size now.
    pub fn listen() -> std::io::Result<Sizes> {
        Ok(Sizes {
            changes: signal(SignalKind::window_change())?,
            last: size(),
        })
    }

    /// The size when listening started.
    pub fn current(&self) -> Option<(u16, u16)> {
        self.last
    }

    /// The next size that differs from the last one.
    pub async fn changed(&mut self) -> (u16, u16) {
        loop {
            if self.changes.recv().await.is_none() {
                return std::future::pending().await;
            }
            let now = size();
            if now.is_some() && now != self.last {
                self.last = now;
                if let Some(now) = now {
                    return now;
                }
            }
        }
    }
}

/// The signals that end a session locally: SIGINT (Ctrl-C outside raw mode), SIGTERM and
/// SIGHUP (the terminal closed). Listening replaces their default action, so the session
/// ends through the normal path and the terminal is restored.
pub struct Endings {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

/// A signal that ended the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndSignal {
    Interrupt,
    Terminate,
    Hangup,
}

impl EndSignal {
    /// The signal's number (the exit status is 128 + this, as a shell reports it).
    pub fn number(self) -> u8 {
        match self {
            EndSignal::Hangup => 1,
            EndSignal::Interrupt => 2,
            EndSignal::Terminate => 15,
        }
    }
}

impl Endings {
    pub fn listen() -> std::io::Result<Endings> {
        Ok(Endings {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    pub async fn next(&mut self) -> EndSignal {
        tokio::select! {
            Some(()) = self.interrupt.recv() => EndSignal::Interrupt,
            Some(()) = self.terminate.recv() => EndSignal::Terminate,
            Some(()) = self.hangup.recv() => EndSignal::Hangup,
            else => std::future::pending().await,
        }
    }
}

/// Standard input as framed messages, read on a thread of its own: a blocking read cannot be
/// cancelled, and must not hold up the end of the session. The channel closes at the end of
/// the input (or on a read error, which is logged).
pub fn stdin_frames() -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel(INPUT_QUEUE);
    std::thread::spawn(move || {
        let mut input = std::io::stdin().lock();
        loop {
            let mut frame = StdinFrame::with_capacity(INPUT_CHUNK);
            match input.read(frame.payload_mut()) {
                Ok(0) => break,
                Ok(read) => {
                    if sender.blocking_send(frame.finish(read)).is_err() {
                        break;
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    tracing::debug!(%error, "standard input ended with an error");
                    break;
                }
            }
        }
    });
    receiver
}

/// Where a chunk of the session's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Standard output and error, written on a thread of their own in the order the session sent
/// them: a slow reader of this process's output must not hold up its input, size frames or
/// signals. The queue is bounded, so the backpressure still reaches the socket.
pub struct Output {
    queue: mpsc::Sender<(Stream, Bytes)>,
    writer: JoinHandle<std::io::Result<()>>,
}

impl Output {
    pub fn start() -> Output {
        let (queue, mut chunks) = mpsc::channel::<(Stream, Bytes)>(OUTPUT_QUEUE);
        let writer = std::thread::spawn(move || {
            while let Some((stream, bytes)) = chunks.blocking_recv() {
                // Locked per chunk: the log writes to standard error too.
                match stream {
                    Stream::Stdout => write_out(&mut std::io::stdout().lock(), &bytes)?,
                    Stream::Stderr => write_out(&mut std::io::stderr().lock(), &bytes)?,
                }
            }
            Ok(())
        });
        Output { queue, writer }
    }

    /// Queues a chunk. Fails when a write failed: the output is gone (`finish` says why).
    pub async fn write(&self, stream: Stream, bytes: Bytes) -> Result<(), ()> {
        self.queue.send((stream, bytes)).await.map_err(|_| ())
    }

    /// Waits until everything queued is written; the write error, if one ended the writing.
    pub async fn finish(self) -> std::io::Result<()> {
        drop(self.queue);
        let writer = self.writer;
        match tokio::task::spawn_blocking(move || writer.join()).await {
            Ok(Ok(written)) => written,
            _ => Err(std::io::Error::other("the output thread failed")),
        }
    }
}

fn write_out(to: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    to.write_all(bytes)?;
    to.flush()
}

//! THE framing of a session's WebSocket messages, in one place because half of it is not
//! confirmed by Alibaba's documentation (see the contract's "Sessions" section).
//!
//! A binary message is a channel byte followed by the payload. Client to server: `0` standard
//! input, `4` terminal size `{"Width": cols, "Height": rows}`. Server to client: `1` standard
//! output, `2` standard error, `3` status (`{"status": "Success"}`, or `"Failure"` with the
//! exit code in `details.causes[reason=ExitCode].message`; other text is an error message).
//! Channels 0-2 are what independent ECI clients use; 3 and 4 follow Kubernetes'
//! `v4.channel.k8s.io`. A text message is standard output.

use serde::Deserialize;

const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const STATUS: u8 = 3;
const RESIZE: u8 = 4;

/// What a message from the server says, borrowing its payload.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming<'a> {
    Stdout(&'a [u8]),
    Stderr(&'a [u8]),
    Status(Status),
    /// A channel this client does not know (logged and ignored); an empty message is channel-less.
    Unknown(Option<u8>),
}

/// How the remote command ended, as its status frame says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// `Success` (0), or a `Failure` that gives its exit code.
    Exited(i64),
    /// A failure without an exit code, or text that is not a status object: the message.
    Failed(String),
}

/// Reads a binary message.
pub fn decode(message: &[u8]) -> Incoming<'_> {
    match message.split_first() {
        Some((&STDOUT, payload)) => Incoming::Stdout(payload),
        Some((&STDERR, payload)) => Incoming::Stderr(payload),
        Some((&STATUS, payload)) => Incoming::Status(status(payload)),
        Some((&channel, _)) => Incoming::Unknown(Some(channel)),
        None => Incoming::Unknown(None),
    }
}

/// A buffer for one chunk of standard input, framed in place so the chunk is never copied:
/// read into `payload_mut()`, then `finish(n)` gives the message.
pub struct StdinFrame(Vec<u8>);

impl StdinFrame {
    /// Room for `capacity` bytes of input.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut buffer = vec![0; capacity + 1];
        buffer[0] = STDIN;
        Self(buffer)
    }

    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.0[1..]
    }

    /// The message holding the first `len` bytes of the payload.
    pub fn finish(mut self, len: usize) -> Vec<u8> {
        self.0.truncate(len + 1);
        self.0
    }
}

/// A standard input message holding `bytes`.
pub fn stdin(bytes: &[u8]) -> Vec<u8> {
    let mut frame = StdinFrame::with_capacity(bytes.len());
    frame.payload_mut().copy_from_slice(bytes);
    frame.finish(bytes.len())
}

/// A terminal size message.
pub fn resize(columns: u16, rows: u16) -> Vec<u8> {
    let mut message = vec![RESIZE];
    message.extend(format!(r#"{{"Width":{columns},"Height":{rows}}}"#).bytes());
    message
}

#[derive(Deserialize)]
struct StatusObject {
    status: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<Details>,
}

#[derive(Deserialize)]
struct Details {
    #[serde(default)]
    causes: Vec<Cause>,
}

#[derive(Deserialize)]
struct Cause {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn status(payload: &[u8]) -> Status {
    let text = String::from_utf8_lossy(payload);
    let Ok(object) = serde_json::from_slice::<StatusObject>(payload) else {
        return Status::Failed(text.trim().to_owned());
    };
    if object.status == "Success" {
        return Status::Exited(0);
    }
    let code = object
        .details
        .iter()
        .flat_map(|details| &details.causes)
        .filter(|cause| cause.reason.as_deref() == Some("ExitCode"))
        .find_map(|cause| cause.message.as_deref()?.trim().parse::<i64>().ok());
    match code {
        Some(code) => Status::Exited(code),
        None => Status::Failed(
            object
                .message
                .filter(|message| !message.is_empty())
                .unwrap_or(object.status),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_of_the_server() {
        assert_eq!(decode(b"\x01hello"), Incoming::Stdout(b"hello"));
        assert_eq!(decode(b"\x02oops"), Incoming::Stderr(b"oops"));
        assert_eq!(decode(b"\x01"), Incoming::Stdout(b""));
        assert_eq!(decode(b"\x09x"), Incoming::Unknown(Some(9)));
        assert_eq!(decode(b""), Incoming::Unknown(None));
    }

    #[test]
    fn status_frames() {
        let status = |text: &str| match decode(format!("\x03{text}").as_bytes()) {
            Incoming::Status(status) => status,
            other => panic!("{other:?}"),
        };
        assert_eq!(status(r#"{"status":"Success"}"#), Status::Exited(0));
        assert_eq!(
            status(
                r#"{"status":"Failure","message":"command terminated with non-zero exit code","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]},"metadata":{}}"#
            ),
            Status::Exited(3)
        );
        assert_eq!(
            status(r#"{"status":"Failure","message":"container not found"}"#),
            Status::Failed("container not found".to_owned())
        );
        assert_eq!(
            status(
                r#"{"status":"Failure","details":{"causes":[{"reason":"ExitCode","message":"x"}]}}"#
            ),
            Status::Failed("Failure".to_owned())
        );
        assert_eq!(
            status("OCI runtime exec failed\n"),
            Status::Failed("OCI runtime exec failed".to_owned())
        );
    }

    #[test]
    fn client_messages() {
        assert_eq!(stdin(b"ls\r"), b"\x00ls\r");
        assert_eq!(resize(120, 40), b"\x04{\"Width\":120,\"Height\":40}");
        let mut frame = StdinFrame::with_capacity(8);
        frame.payload_mut()[..2].copy_from_slice(b"hi");
        assert_eq!(frame.finish(2), b"\x00hi");
    }
}

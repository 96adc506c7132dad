//! Content-Length frames: reading them from the client's stream (a bad header block is
//! reported, and reading resynchronises on the next one), and writing one.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};

/// A frame longer than this is refused without reading it into memory.
pub const MAX_FRAME: usize = 256 << 20;

/// The longest header line read; a longer one makes its header block bad.
const MAX_HEADER_LINE: usize = 4096;

/// The header name, as LSP spells it; matched without regard to case.
const CONTENT_LENGTH: &[u8] = b"content-length";

/// What one read from the client gave.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A body of the announced length.
    Body(Vec<u8>),
    /// A header block without a usable length; the next read skips the body that follows.
    BadHeader(String),
    /// The end of input.
    End,
}

/// `body` with its header.
pub fn encode(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// Reads Content-Length frames from a stream.
pub struct FrameReader<R> {
    reader: BufReader<R>,
    /// After a bad header block: the body, of unknown length, is still to be skipped.
    skipping: bool,
    /// A header line found while skipping a bad frame: the start of the next header block.
    carried: Option<Vec<u8>>,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> Self {
        Self {
            reader: BufReader::new(input),
            skipping: false,
            carried: None,
        }
    }

    /// Reads one frame: a header block, then a body of its `Content-Length`.
    pub async fn next(&mut self) -> std::io::Result<Frame> {
        if std::mem::take(&mut self.skipping) {
            self.skip_to_next_header().await?;
        }
        let mut length: Option<Result<usize, String>> = None;
        let mut started = false;
        loop {
            let line = match self.carried.take() {
                Some(line) => line,
                None => {
                    let mut line = Vec::new();
                    let read = self.read_line(&mut line).await?;
                    if read == 0 {
                        return Ok(Frame::End);
                    }
                    if !line.ends_with(b"\n") && read == MAX_HEADER_LINE {
                        return Ok(self.bad("a header line is too long".to_owned()));
                    }
                    line
                }
            };
            let text = line.trim_ascii();
            if text.is_empty() {
                if started {
                    break;
                }
                // Blank lines between frames are harmless.
                continue;
            }
            started = true;
            if let Some(value) = content_length(text) {
                length = Some(parse_length(value));
            }
        }
        let length = match length {
            None => return Ok(self.bad("the frame has no Content-Length header".to_owned())),
            Some(Err(reason)) => return Ok(self.bad(reason)),
            Some(Ok(length)) => length,
        };
        // Read as it arrives: a length that lies allocates no more than what was sent.
        let mut body = Vec::new();
        (&mut self.reader)
            .take(length as u64)
            .read_to_end(&mut body)
            .await?;
        if body.len() < length {
            return Ok(Frame::End);
        }
        Ok(Frame::Body(body))
    }

    /// Appends at most one line (`MAX_HEADER_LINE` bytes) to `line`.
    async fn read_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<usize> {
        (&mut self.reader)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', line)
            .await
    }

    /// A bad header block: reported now (the client may wait for the answer before sending
    /// more); the next read first skips the body, whose length is unknown.
    fn bad(&mut self, reason: String) -> Frame {
        self.skipping = true;
        Frame::BadHeader(reason)
    }

    /// Skips to the next line holding `Content-Length`, kept as the first line of the next
    /// header block.
    async fn skip_to_next_header(&mut self) -> std::io::Result<()> {
        let mut chunk = Vec::new();
        while self.read_line(&mut chunk).await? > 0 {
            if let Some(at) = find_name(&chunk) {
                let mut line = chunk.split_off(at);
                if !line.ends_with(b"\n") {
                    self.read_line(&mut line).await?;
                }
                self.carried = Some(line);
                break;
            }
            if chunk.ends_with(b"\n") {
                chunk.clear();
            } else {
                // A long run without a line break: keep what could be the name cut in two.
                chunk.drain(..chunk.len().saturating_sub(CONTENT_LENGTH.len() - 1));
            }
        }
        Ok(())
    }
}

fn find_name(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(CONTENT_LENGTH.len())
        .position(|window| window.eq_ignore_ascii_case(CONTENT_LENGTH))
}

/// The value of a `Content-Length` header line. A line holding the name after other bytes
/// (what is left of a body shorter than its length said) counts from the name on.
fn content_length(line: &[u8]) -> Option<&[u8]> {
    let at = find_name(line)?;
    let rest = line[at + CONTENT_LENGTH.len()..].trim_ascii_start();
    rest.strip_prefix(b":").map(<[u8]>::trim_ascii)
}

fn parse_length(value: &[u8]) -> Result<usize, String> {
    let text = String::from_utf8_lossy(value);
    match text.parse::<usize>() {
        Ok(length) if length <= MAX_FRAME => Ok(length),
        Ok(length) => Err(format!(
            "a frame of {length} bytes is over the limit of {MAX_FRAME} bytes"
        )),
        Err(_) => Err(format!("Content-Length `{text}` is not a length")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader {
            reader: BufReader::with_capacity(16, input),
            skipping: false,
            carried: None,
        };
        let mut frames = Vec::new();
        loop {
            let frame = reader.next().await.unwrap();
            if frame == Frame::End {
                return frames;
            }
            frames.push(frame);
        }
    }

    #[tokio::test]
    async fn resynchronises_after_a_bad_header_block() {
        let input = b"Content-Length: x\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}\r\nGarbage\r\n\r\nbodyCONTENT-LENGTH:3\r\n\r\n[1]";
        let frames = frames(input).await;
        assert!(matches!(&frames[0], Frame::BadHeader(reason) if reason.contains("`x`")));
        assert_eq!(frames[1], Frame::Body(b"{}".to_vec()));
        assert!(
            matches!(&frames[2], Frame::BadHeader(reason) if reason.contains("no Content-Length"))
        );
        assert_eq!(frames[3], Frame::Body(b"[1]".to_vec()));
        assert_eq!(frames.len(), 4);
    }

    #[tokio::test]
    async fn refuses_a_huge_length_and_a_huge_header_line() {
        let mut input = b"Content-Length: 99999999999999999999999\r\n\r\n".to_vec();
        // No line break: the next name straddles two reads of the skipped run.
        input.extend(vec![b'x'; MAX_HEADER_LINE * 2 - 5]);
        input.extend(b"Content-Length: 2\r\n\r\n{}");
        let mut long_line = vec![b'y'; MAX_HEADER_LINE + 1];
        long_line.extend(b"\r\n\r\nContent-Length: 3\r\n\r\n[1]");
        input.extend(long_line);
        let frames = frames(&input).await;
        assert!(matches!(&frames[0], Frame::BadHeader(reason) if reason.contains("not a length")));
        assert_eq!(frames[1], Frame::Body(b"{}".to_vec()));
        assert!(matches!(&frames[2], Frame::BadHeader(reason) if reason.contains("too long")));
        assert_eq!(frames[3], Frame::Body(b"[1]".to_vec()));
        assert_eq!(frames.len(), 4);
    }
}

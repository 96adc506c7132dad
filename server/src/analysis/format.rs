//! Formatting: the document laid out again from its tree, comments kept where they were.
//!
//! Every token (brackets, keys, values, comments) is copied byte for byte; only what lies
//! between two tokens is rewritten: line breaks and indentation, `: ` and `,` (a trailing comma
//! goes). So the answer is one edit per gap that changes, and formatting twice changes
//! nothing. A member or item goes on its own line; an array of plain values (strings, numbers,
//! booleans, null) stays on one line when it holds no comment and the line fits in 100
//! columns. A comment that shared a line with the token before it stays on that line; any
//! other comment gets its own line, and one blank line between members is kept.

use super::Analysis;
use super::diagnostic::{Code, Edit};
use super::lexer;
use super::span::Span;
use super::tree::{Member, Node, NodeKind};

/// Lines longer than this break an array of plain values into one item per line.
pub const MAX_WIDTH: usize = 100;

/// How the request asks for the text to be laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// Columns per indentation level (1 to 16; a tab counts as this many columns).
    pub tab_size: u32,
    pub insert_spaces: bool,
    /// End the text with a line break even when it had none.
    pub insert_final_newline: bool,
}

/// The edits that format the whole text, or `None` when it has a syntax error (a formatter
/// that guessed at broken text could lose some of it).
pub fn format(analysis: &Analysis, text: &str, options: &FormatOptions) -> Option<Vec<Edit>> {
    let has_syntax_error = analysis
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.code == Code::Syntax);
    if has_syntax_error {
        return None;
    }
    let root = analysis.tree.as_ref()?;
    let comments = lexer::comments(text);
    let mut printer = Printer::new(text, &comments, options);
    printer.document(root);
    Some(printer.edits)
}

/// The edits of `format` that touch `range`: the selection is laid out as the whole document
/// would be, and nothing outside it moves but the gaps at its two ends.
pub fn format_range(
    analysis: &Analysis,
    text: &str,
    options: &FormatOptions,
    range: Span,
) -> Option<Vec<Edit>> {
    let edits = format(analysis, text, options)?;
    Some(
        edits
            .into_iter()
            .filter(|edit| edit.span.start <= range.end && range.start <= edit.span.end)
            .collect(),
    )
}

fn is_plain(node: &Node) -> bool {
    matches!(
        node.kind,
        NodeKind::String(_) | NodeKind::Number | NodeKind::Bool(_) | NodeKind::Null
    )
}

/// Line breaks in `gap` (`\r\n` counts once).
fn line_breaks(gap: &str) -> usize {
    gap.matches('\n').count() + gap.matches('\r').count() - gap.matches("\r\n").count()
}

struct Printer<'a> {
    text: &'a str,
    comments: &'a [Span],
    next_comment: usize,
    indent_unit: String,
    tab_width: usize,
    newline: &'static str,
    final_newline: bool,
    level: usize,
    /// Where the last token or comment copied from the text ends.
    last_end: usize,
    /// What goes between that token and the next one.
    gap: String,
    /// Whether the gap ends with a line break and indentation.
    fresh_line: bool,
    /// Whether the last token copied opens an object or array (no blank line after it).
    after_open: bool,
    /// Whether any token has been copied yet.
    started: bool,
    /// The output's current column (a tab counts `tab_width`).
    column: usize,
    edits: Vec<Edit>,
}

impl<'a> Printer<'a> {
    fn new(text: &'a str, comments: &'a [Span], options: &FormatOptions) -> Printer<'a> {
        let tab_width = options.tab_size.clamp(1, 16) as usize;
        // Line breaks as the text's first one (LSP counts `\r\n`, `\n` and `\r`).
        let newline = match text.find(['\n', '\r']).map(|at| &text[at..]) {
            Some(rest) if rest.starts_with("\r\n") => "\r\n",
            Some(rest) if rest.starts_with('\r') => "\r",
            _ => "\n",
        };
        Printer {
            text,
            comments,
            next_comment: 0,
            indent_unit: if options.insert_spaces {
                " ".repeat(tab_width)
            } else {
                "\t".to_owned()
            },
            tab_width,
            newline,
            final_newline: options.insert_final_newline || text.ends_with(['\n', '\r']),
            level: 0,
            // A byte order mark stays where it is.
            last_end: if text.starts_with('\u{feff}') { 3 } else { 0 },
            gap: String::new(),
            fresh_line: true,
            after_open: false,
            started: false,
            column: 0,
            edits: Vec::new(),
        }
    }

    fn advance_column(&mut self, written: &str) {
        match written.rfind(['\n', '\r']) {
            Some(at) => self.column = self.width(&written[at + 1..]),
            None => self.column += self.width(written),
        }
    }

    fn width(&self, written: &str) -> usize {
        written
            .chars()
            .map(|c| if c == '\t' { self.tab_width } else { 1 })
            .sum()
    }

    /// Adds `written` to the gap before the next token.
    fn push(&mut self, written: &str) {
        self.gap.push_str(written);
        self.advance_column(written);
        self.fresh_line = false;
    }

    /// Ends the line (after a blank one when `blank`) and indents the next at `level`.
    fn break_line(&mut self, blank: bool, level: usize) {
        let mut written = String::from(self.newline);
        if blank {
            written.push_str(self.newline);
        }
        written.push_str(&self.indent_unit.repeat(level));
        self.push(&written);
        self.fresh_line = true;
    }

    /// Copies the token at `span`, first replacing the gap before it when it changed.
    fn copy(&mut self, span: Span) {
        let old = Span::new(self.last_end, span.start);
        if self.text[old.start..old.end] != self.gap {
            self.edits.push(Edit {
                span: old,
                text: self.gap.clone(),
            });
        }
        self.gap.clear();
        self.advance_column(&self.text[span.start..span.end]);
        self.last_end = span.end;
        self.fresh_line = false;
        self.after_open = false;
        self.started = true;
    }

    /// The next comment not yet copied, if it starts before `offset`.
    fn comment_before(&mut self, offset: usize) -> Option<Span> {
        let comment = *self.comments.get(self.next_comment)?;
        (comment.start < offset).then(|| {
            self.next_comment += 1;
            comment
        })
    }

    fn is_line_comment(&self, comment: Span) -> bool {
        self.text[comment.start..].starts_with("//")
    }

    /// Whether the text breaks the line between the last token and `offset`, and leaves a
    /// blank line there.
    fn breaks_before(&self, offset: usize) -> (bool, bool) {
        let breaks = line_breaks(&self.text[self.last_end..offset]);
        (breaks > 0, breaks > 1)
    }

    /// Before the member, item or closing bracket at `next` of a container laid out one per
    /// line: the comments before it, then a new line (`next_on_new_line`).
    fn boundary(&mut self, next: usize, next_on_new_line: bool) {
        while let Some(comment) = self.comment_before(next) {
            self.line_or_space(comment.start);
            self.copy(comment);
        }
        if next_on_new_line {
            let (_, blank) = self.breaks_before(next);
            self.break_line(blank && !self.after_open, self.level);
        }
    }

    /// Before a comment (or the top value) at `next`: a new line when the text had one there,
    /// else a space (nothing at the start of the text).
    fn line_or_space(&mut self, next: usize) {
        if !self.started {
            return;
        }
        let (broken, blank) = self.breaks_before(next);
        if broken {
            self.break_line(blank && !self.after_open, self.level);
        } else {
            self.push(" ");
        }
    }

    /// Comments between a key and its value stay on the line; a `//` one ends it.
    fn inline_comments(&mut self, next: usize) {
        while let Some(comment) = self.comment_before(next) {
            if !self.fresh_line {
                self.push(" ");
            }
            self.copy(comment);
            if self.is_line_comment(comment) {
                self.break_line(false, self.level + 1);
            }
        }
        if !self.fresh_line {
            self.push(" ");
        }
    }

    fn document(&mut self, root: &Node) {
        // Comments before the value, each where it was.
        self.boundary(root.span.start, false);
        self.line_or_space(root.span.start);
        self.value(root, 0);
        // Comments after the value: on its last line when they were, else on their own.
        self.boundary(self.text.len(), false);
        self.gap.clear();
        if self.final_newline {
            self.gap.push_str(self.newline);
        }
        self.copy(Span::new(self.text.len(), self.text.len()));
    }

    /// Lays out `node`; `then` columns follow it on its line (1 for a comma).
    fn value(&mut self, node: &Node, then: usize) {
        match &node.kind {
            NodeKind::Object(members) => self.object(node, members),
            NodeKind::Array(items) if self.fits_on_one_line(node, items, then) => {
                self.copy(Span::new(node.span.start, node.span.start + 1));
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.push(", ");
                    }
                    self.copy(item.span);
                }
                self.copy(Span::new(node.span.end - 1, node.span.end));
            }
            NodeKind::Array(items) => self.array(node, items),
            _ => self.copy(node.span),
        }
    }

    fn fits_on_one_line(&self, node: &Node, items: &[Node], then: usize) -> bool {
        let holds_comment = self.comments[self.next_comment..]
            .first()
            .is_some_and(|comment| comment.start < node.span.end);
        if holds_comment || !items.iter().all(is_plain) {
            return false;
        }
        let items_width: usize = items
            .iter()
            .map(|item| self.width(&self.text[item.span.start..item.span.end]))
            .sum();
        let width = 2 + items_width + 2 * items.len().saturating_sub(1);
        self.column + width + then <= MAX_WIDTH
    }

    /// Opens a container laid out one member or item per line.
    fn open(&mut self, node: &Node) {
        self.copy(Span::new(node.span.start, node.span.start + 1));
        self.after_open = true;
        self.level += 1;
    }

    /// Closes it: comments left inside, then the bracket on its own line (unless empty).
    fn close(&mut self, node: &Node, empty: bool) {
        let bracket = node.span.end - 1;
        let holds_comment = self.comments[self.next_comment..]
            .first()
            .is_some_and(|comment| comment.start < bracket);
        self.boundary(bracket, false);
        self.level -= 1;
        if !empty || holds_comment {
            self.break_line(false, self.level);
        }
        self.copy(Span::new(bracket, node.span.end));
    }

    fn object(&mut self, node: &Node, members: &[Member]) {
        self.open(node);
        for (index, member) in members.iter().enumerate() {
            self.boundary(member.key.span.start, true);
            self.copy(member.key.span);
            self.push(":");
            let is_last = index + 1 == members.len();
            if let Some(value) = &member.value {
                self.inline_comments(value.span.start);
                self.value(value, usize::from(!is_last));
            }
            if !is_last {
                self.push(",");
            }
        }
        self.close(node, members.is_empty());
    }

    fn array(&mut self, node: &Node, items: &[Node]) {
        self.open(node);
        for (index, item) in items.iter().enumerate() {
            self.boundary(item.span.start, true);
            let is_last = index + 1 == items.len();
            self.value(item, usize::from(!is_last));
            if !is_last {
                self.push(",");
            }
        }
        self.close(node, items.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    const TWO_SPACES: FormatOptions = FormatOptions {
        tab_size: 2,
        insert_spaces: true,
        insert_final_newline: false,
    };

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut result = text.to_owned();
        for edit in edits.iter().rev() {
            result.replace_range(edit.span.start..edit.span.end, &edit.text);
        }
        result
    }

    /// `text` formatted, after checking that formatting it again changes nothing.
    fn formatted_with(text: &str, options: &FormatOptions) -> String {
        let edits = format(&analyze(text), text, options).expect("no syntax error");
        let once = apply(text, &edits);
        let again = format(&analyze(&once), &once, options).expect("still no syntax error");
        assert_eq!(
            apply(&once, &again),
            once,
            "formatting twice changed the text"
        );
        once
    }

    fn formatted(text: &str) -> String {
        formatted_with(text, &TWO_SPACES)
    }

    #[test]
    fn one_member_per_line_and_short_arrays_on_one_line() {
        let text = r#"{"RegionId":"cn-hangzhou","Execs":[{"Command":["ls",  "-a"],"TTY":false,"n":1.50e3,"x":null}]}"#;
        assert_eq!(
            formatted(text),
            "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Execs\": [\n    {\n      \"Command\": [\"ls\", \"-a\"],\n      \"TTY\": false,\n      \"n\": 1.50e3,\n      \"x\": null\n    }\n  ]\n}"
        );
    }

    #[test]
    fn an_array_that_would_pass_100_columns_goes_one_item_per_line() {
        // `  "Command": ["` and `"]` take 17 columns.
        let fits = format!("{{\"Command\": [\"{}\"]}}", "a".repeat(100 - 17));
        assert_eq!(formatted(&fits).lines().nth(1).map(str::len), Some(100));
        let long = format!("{{\"Command\": [\"{}\"]}}", "a".repeat(100 - 16));
        assert_eq!(
            formatted(&long),
            format!("{{\n  \"Command\": [\n    \"{}\"\n  ]\n}}", "a".repeat(84))
        );
        // The comma after the array counts too.
        let before_comma = format!(
            "{{\"Command\": [\"{}\"], \"Sync\": true}}",
            "a".repeat(100 - 17)
        );
        assert!(formatted(&before_comma).contains("[\n"));
    }

    #[test]
    fn values_are_copied_as_written() {
        let text =
            "{\"Label\": \"tab\\there \\u00e9 \\\"q\\\" 部署 🚀\", \"n\": -0.0E+1, \"b\": true}";
        let out = formatted(text);
        assert!(
            out.contains("\"tab\\there \\u00e9 \\\"q\\\" 部署 🚀\""),
            "{out}"
        );
        assert!(out.contains("-0.0E+1"), "{out}");
    }

    #[test]
    fn comments_stay_where_they_were() {
        let text = "// header\n\n{ // opening\n  \"RegionId\": \"cn-hangzhou\", // the default\n\n\n  /* block\n     over lines */\n  \"Execs\": [ // entries\n    {\"Command\": /* inline */ [\"ls\"]}, // first\n    // before the second\n    {\"Command\": [\"pwd\"] /* after */}\n  ] // end of Execs\n} // after all\n";
        let expected = "// header\n\n{ // opening\n  \"RegionId\": \"cn-hangzhou\", // the default\n\n  /* block\n     over lines */\n  \"Execs\": [ // entries\n    {\n      \"Command\": /* inline */ [\"ls\"]\n    }, // first\n    // before the second\n    {\n      \"Command\": [\"pwd\"] /* after */\n    }\n  ] // end of Execs\n} // after all\n";
        assert_eq!(formatted(text), expected);
    }

    #[test]
    fn an_array_with_a_comment_inside_goes_one_item_per_line() {
        assert_eq!(
            formatted("{\"Command\": [\"ls\", /* why */ \"-a\"]}"),
            "{\n  \"Command\": [\n    \"ls\", /* why */\n    \"-a\"\n  ]\n}"
        );
    }

    #[test]
    fn a_line_comment_between_key_and_value_ends_its_line() {
        assert_eq!(
            formatted("{\"Sync\": // why\ntrue}"),
            "{\n  \"Sync\": // why\n    true\n}"
        );
    }

    #[test]
    fn empty_containers_stay_empty_unless_they_hold_a_comment() {
        assert_eq!(
            formatted("{\"Execs\": [ ], \"x\": { }}"),
            "{\n  \"Execs\": [],\n  \"x\": {}\n}"
        );
        assert_eq!(formatted("{ // nothing\n}"), "{ // nothing\n}");
        assert_eq!(
            formatted("{\"Execs\": [\n// none yet\n]}"),
            "{\n  \"Execs\": [\n    // none yet\n  ]\n}"
        );
    }

    #[test]
    fn trailing_commas_go() {
        assert_eq!(
            formatted("{\"a\": [1, 2,], \"b\": 1,}"),
            "{\n  \"a\": [1, 2],\n  \"b\": 1\n}"
        );
    }

    #[test]
    fn crlf_tabs_final_newline_and_byte_order_mark_are_kept() {
        let text = "\u{feff}{\r\n\"a\": {\"b\": 1}}\r\n\r\n";
        let tabs = FormatOptions {
            tab_size: 4,
            insert_spaces: false,
            insert_final_newline: false,
        };
        assert_eq!(
            formatted_with(text, &tabs),
            "\u{feff}{\r\n\t\"a\": {\r\n\t\t\"b\": 1\r\n\t}\r\n}\r\n"
        );
        assert_eq!(formatted("{\"a\":\r1}\r"), "{\r  \"a\": 1\r}\r");
        let four = FormatOptions {
            tab_size: 4,
            insert_final_newline: true,
            ..TWO_SPACES
        };
        assert_eq!(formatted_with("{\"a\": 1}", &four), "{\n    \"a\": 1\n}\n");
    }

    #[test]
    fn a_tab_counts_as_tab_size_columns_for_the_width() {
        let tabs = FormatOptions {
            tab_size: 8,
            insert_spaces: false,
            insert_final_newline: false,
        };
        // At depth 2 a tab-indented line starts at column 16, not 2.
        let item = "a".repeat(100 - 16 - 10);
        let text = format!("{{\"x\": {{\"Command\": [\"{item}\"]}}}}");
        assert!(formatted_with(&text, &tabs).contains("[\n"));
        assert!(formatted(&text).contains("[\""));
    }

    #[test]
    fn text_with_a_syntax_error_gets_no_edits() {
        for broken in [
            "{\"a\": }",
            "{\"a\" 1}",
            "{\"a\": 1",
            "[1 2]",
            "{/* open",
            "{\"a\": tru}",
        ] {
            assert_eq!(
                format(&analyze(broken), broken, &TWO_SPACES),
                None,
                "{broken}"
            );
        }
    }

    #[test]
    fn a_range_gets_only_the_edits_that_touch_it() {
        let text = "{\"a\":1,\n\"b\":   2,\n\"c\":3}";
        let line = text.find("\"b\"").expect("b");
        let span = Span::new(line, line + "\"b\":   2,".len());
        let edits = format_range(&analyze(text), text, &TWO_SPACES, span).expect("edits");
        assert_eq!(apply(text, &edits), "{\"a\":1,\n  \"b\": 2,\n  \"c\":3}");
    }
}

//! Completion and hover from fixtures with a cursor marker, as rust-analyzer's are: each
//! `tests/fixtures/completion/NAME` and `tests/fixtures/hover/NAME` holds one `$0` where the
//! cursor is, and `NAME.expected` what the real server answers there over stdio, in a readable
//! form (see `render_completion` and `render_hover`; positions are `line:character`, 0-based,
//! UTF-16). `BLESS=1 cargo test --test cursor_fixtures` rewrites the expected files from the
//! answers, for review before committing.

mod support;

use std::path::Path;

use eci_exec_lsp::position::{Encoding, position_of};
use ropey::Rope;
use serde_json::{Value, json};
use support::{LspClient, check_expected, difference, fixture_files, push_client};

const MARKER: &str = "$0";

/// The fixture's text without its marker, and the marker's LSP position.
fn cursor(path: &Path, marked: &str) -> (String, Value) {
    assert_eq!(
        marked.matches(MARKER).count(),
        1,
        "{}: expected exactly one {MARKER}",
        path.display()
    );
    let offset = marked.find(MARKER).expect("marker");
    let text = marked.replacen(MARKER, "", 1);
    let at = position_of(&Rope::from_str(&text), Encoding::Utf16, offset);
    (text, json!({"line": at.line, "character": at.character}))
}

fn quoted(value: &Value) -> String {
    match value {
        Value::Null => "-".to_owned(),
        Value::String(text) => Value::from(text.as_str()).to_string(),
        other => other.to_string(),
    }
}

fn range(range: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        range["start"]["line"],
        range["start"]["character"],
        range["end"]["line"],
        range["end"]["character"]
    )
}

/// LSP's `CompletionItemKind` names, from 1.
const KINDS: [&str; 25] = [
    "text",
    "method",
    "function",
    "constructor",
    "field",
    "variable",
    "class",
    "interface",
    "module",
    "property",
    "unit",
    "value",
    "enum",
    "keyword",
    "snippet",
    "color",
    "file",
    "reference",
    "folder",
    "enum-member",
    "constant",
    "struct",
    "event",
    "operator",
    "type-parameter",
];

fn kind_name(kind: &Value) -> String {
    kind.as_u64()
        .and_then(|kind| KINDS.get((kind as usize).checked_sub(1)?))
        .map_or_else(|| quoted(kind), |name| (*name).to_owned())
}

/// A completion answer: `isIncomplete`, then one line per item, in the server's order:
/// `label kind detail=... filter=... edit=RANGE -> newText` (strings JSON-quoted, so spaces,
/// quotes and line breaks show).
fn render_completion(answer: &Value) -> String {
    let (incomplete, items) = match answer {
        Value::Null => return "null\n".to_owned(),
        Value::Array(items) => (Value::Null, items.clone()),
        list => (
            list["isIncomplete"].clone(),
            list["items"].as_array().cloned().unwrap_or_default(),
        ),
    };
    let mut out = format!("isIncomplete: {}\n", quoted(&incomplete));
    for item in items {
        let edit = &item["textEdit"];
        let edit = if edit.get("range").is_some() {
            format!("{} -> {}", range(&edit["range"]), quoted(&edit["newText"]))
        } else if edit.get("insert").is_some() {
            format!(
                "insert {} replace {} -> {}",
                range(&edit["insert"]),
                range(&edit["replace"]),
                quoted(&edit["newText"])
            )
        } else {
            format!("insertText {}", quoted(&item["insertText"]))
        };
        out.push_str(&format!(
            "{} {} detail={} filter={} edit={edit}",
            quoted(&item["label"]),
            kind_name(&item["kind"]),
            quoted(&item["detail"]),
            quoted(&item["filterText"]),
        ));
        if let Some(more) = item.get("additionalTextEdits") {
            out.push_str(&format!(" additional={more}"));
        }
        out.push('\n');
    }
    out
}

/// A hover answer: its range, then its text as is (Markdown).
fn render_hover(answer: &Value) -> String {
    if answer.is_null() {
        return "null\n".to_owned();
    }
    let contents = &answer["contents"];
    let (kind, text) = match contents.get("kind") {
        Some(kind) => (quoted(kind), contents["value"].as_str().unwrap_or_default()),
        None => ("marked".to_owned(), contents.as_str().unwrap_or_default()),
    };
    let at = answer.get("range").map_or_else(|| "-".to_owned(), range);
    format!("range: {at}\nkind: {kind}\n---\n{text}\n")
}

/// Asks the server at every fixture's cursor; compares with (or, with BLESS, writes) the
/// expected files; returns how many fixtures it checked.
fn check(kind: &str, method: &str, render: fn(&Value) -> String) -> usize {
    // Offline: no credentials, and online features off, so the answers are the same anywhere.
    let (mut client, _) = LspClient::initialized(push_client(), json!({"online": false}));
    let files = fixture_files(&format!("tests/fixtures/{kind}"));
    let mut failures = Vec::new();
    for path in &files {
        let marked = std::fs::read_to_string(path).expect("fixture text");
        let (text, position) = cursor(path, &marked);
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let uri = format!("file:///fixtures/{kind}/{name}");
        client.open(&uri, &text);
        let answer = client.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        if let Some(diff) = check_expected(path, &render(&answer)) {
            failures.push(format!("{} (at {position}):\n{diff}", path.display()));
        }
    }
    client.shutdown();
    assert!(
        failures.is_empty(),
        "{} of {} {kind} fixtures differ (BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    files.len()
}

#[test]
fn completion_at_every_cursor_fixture_is_as_expected() {
    let checked = check("completion", "textDocument/completion", render_completion);
    assert!(checked >= 15, "completion fixtures missing: {checked}");
}

#[test]
fn hover_at_every_cursor_fixture_is_as_expected() {
    let checked = check("hover", "textDocument/hover", render_hover);
    assert!(checked >= 20, "hover fixtures missing: {checked}");
}

#[test]
fn a_different_answer_shows_as_a_diff() {
    let expected = "isIncomplete: false\n\"Sync\" property detail=\"boolean\"\n";
    let actual = "isIncomplete: false\n\"TTY\" property detail=\"boolean\"\n";
    assert_eq!(difference(expected, expected), None);
    let diff = difference(expected, actual).expect("a difference");
    assert!(diff.contains("-\"Sync\" property"), "{diff}");
    assert!(diff.contains("+\"TTY\" property"), "{diff}");
    assert!(
        difference(expected, "").is_some(),
        "a missing expected file"
    );
}

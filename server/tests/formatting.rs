//! Formatting over stdio against the real server: every rule fixture and example is formatted,
//! then formatted again, and must not change the second time; it keeps its values (read by
//! serde_json once comments are stripped, and by the server's own parser), its comments, its
//! line breaks (CRLF stays CRLF) and the requested indentation. A file with a syntax error
//! gets no edits; a range gets only the edits that touch it.

mod support;

use std::path::Path;

use eci_exec_lsp::analysis::analyze;
use eci_exec_lsp::analysis::tree::{Node, NodeKind};
use serde_json::{Value, json};
use support::{LspClient, apply_edits, codes, fixture_files, push_client, split_comments};

const URI: &str = "file:///work/format.eci.jsonc";

fn spaces(tab_size: u32) -> Value {
    json!({"tabSize": tab_size, "insertSpaces": true})
}

/// Opens `text` (as version 1 of a fresh URI) and asks for formatting with `options`.
fn format(client: &mut LspClient, uri: &str, text: &str, options: &Value) -> Value {
    client.open(uri, text);
    client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": options}),
    )
}

fn edits(answer: &Value) -> Vec<Value> {
    answer.as_array().cloned().unwrap_or_default()
}

/// The values of a tree as the server reads them: objects as lists of `[key, value]` pairs (so
/// duplicate keys and their order count), numbers as written.
fn tree_value(node: &Node, text: &str) -> Value {
    match &node.kind {
        NodeKind::Object(members) => Value::Array(
            members
                .iter()
                .map(|member| {
                    let value = member.value.as_ref().map(|value| tree_value(value, text));
                    json!([member.key.text, value])
                })
                .collect(),
        ),
        NodeKind::Array(items) => Value::Array(items.iter().map(|i| tree_value(i, text)).collect()),
        NodeKind::String(decoded) => json!({"string": decoded.as_ref()}),
        NodeKind::Number => json!({"number": &text[node.span.start..node.span.end]}),
        NodeKind::Bool(value) => json!(value),
        NodeKind::Null => Value::Null,
    }
}

fn server_values(text: &str) -> Option<Value> {
    analyze(text).tree.map(|tree| tree_value(&tree, text))
}

fn serde_values(text: &str) -> Option<Value> {
    serde_json::from_str(&split_comments(text).0).ok()
}

fn has_lone_line_feed(text: &str) -> bool {
    text.replace("\r\n", "").contains('\n')
}

/// Formats one file over the protocol and checks every property; returns the problems found.
fn check_file(client: &mut LspClient, path: &Path, counter: &mut usize) -> Vec<String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).expect("fixture text");
    let mut problems = Vec::new();
    let mut next_uri = || {
        *counter += 1;
        format!("file:///work/format-{counter}.eci.jsonc")
    };
    let uri = next_uri();
    let first = format(client, &uri, &text, &spaces(2));
    if codes(&client.diagnostics(&uri)["diagnostics"]).contains(&"syntax".to_owned()) {
        if first != json!([]) {
            problems.push(format!(
                "{name}: a file with a syntax error got edits: {first}"
            ));
        }
        return problems;
    }
    let formatted = apply_edits(&text, &edits(&first));
    let second = format(client, &next_uri(), &formatted, &spaces(2));
    if second != json!([]) {
        problems.push(format!(
            "{name}: formatting twice changed it again: {second}"
        ));
    }
    if server_values(&formatted) != server_values(&text) {
        problems.push(format!(
            "{name}: the server reads other values after formatting:\n{formatted}"
        ));
    }
    // serde_json reads the files without trailing commas (JSON allows none).
    if let Some(before) = serde_values(&text)
        && serde_values(&formatted) != Some(before)
    {
        problems.push(format!(
            "{name}: serde_json reads other values after formatting"
        ));
    }
    if split_comments(&formatted).1 != split_comments(&text).1 {
        problems.push(format!("{name}: comments changed:\n{formatted}"));
    }
    if text.contains("\r\n") != formatted.contains("\r\n")
        || has_lone_line_feed(&formatted) && text.contains("\r\n")
    {
        problems.push(format!("{name}: line breaks changed: {formatted:?}"));
    }
    // The same file with CRLF line breaks formats to the same text with CRLF.
    if !text.contains('\r') {
        let crlf = text.replace('\n', "\r\n");
        let answer = format(client, &next_uri(), &crlf, &spaces(2));
        let crlf_formatted = apply_edits(&crlf, &edits(&answer));
        if crlf_formatted != formatted.replace('\n', "\r\n") {
            problems.push(format!(
                "{name}: CRLF text formats differently:\n{crlf_formatted:?}"
            ));
        }
    }
    // Tabs (two columns each, so the same arrays fit) instead of two spaces.
    if !text.contains('\t') {
        let tabs = json!({"tabSize": 2, "insertSpaces": false});
        let answer = format(client, &next_uri(), &text, &tabs);
        let with_tabs = apply_edits(&text, &edits(&answer));
        if with_tabs.replace('\t', "  ") != formatted {
            problems.push(format!("{name}: tab indentation differs:\n{with_tabs}"));
        }
    }
    problems
}

#[test]
fn every_fixture_and_example_formats_once_and_for_all_keeping_values_and_comments() {
    let (mut client, _) = LspClient::initialized(push_client(), json!({"online": false}));
    let mut files = fixture_files("tests/fixtures/rules");
    files.extend(fixture_files("examples"));
    let mut counter = 0;
    let problems: Vec<String> = files
        .iter()
        .flat_map(|path| check_file(&mut client, path, &mut counter))
        .collect();
    client.shutdown();
    assert!(files.len() >= 25, "fixtures missing: {}", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn a_compact_file_is_laid_out_with_the_requested_indentation() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let text = "{\"RegionId\":\"cn-hangzhou\", // default\n\"Execs\":[{\"Label\":\"部署 🚀\",\"Command\":[\"ls\",\"-a\"],\"Sync\":true}]}";
    let answer = format(&mut client, URI, text, &spaces(4));
    assert_eq!(
        apply_edits(text, &edits(&answer)),
        "{\n    \"RegionId\": \"cn-hangzhou\", // default\n    \"Execs\": [\n        {\n            \"Label\": \"部署 🚀\",\n            \"Command\": [\"ls\", \"-a\"],\n            \"Sync\": true\n        }\n    ]\n}"
    );
    // Positions are UTF-16 code units: on line 1, the gap after `"部署 🚀"` starts at 25
    // (`"Execs":[{"Label":"` is 19 units, the CJK 2, the space 1, the emoji 2, the quote 1).
    let after_label = edits(&answer)
        .into_iter()
        .find(|edit| edit["newText"] == ",\n            ")
        .expect("the gap after the Label");
    assert_eq!(
        after_label["range"]["start"],
        json!({"line": 1, "character": 25})
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_syntax_error_leaves_the_file_alone() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let answer = format(
        &mut client,
        URI,
        "{\"RegionId\": \"cn-hangzhou\",\n  \"Sync\": }",
        &spaces(2),
    );
    assert_eq!(answer, json!([]));
}

#[test]
fn a_range_formats_the_lines_it_covers_and_nothing_else() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let text = "{\"RegionId\":\"cn-hangzhou\",\n\"ContainerName\":   \"nginx\",\n\"Sync\":true}";
    client.open(URI, text);
    let answer = client.request(
        "textDocument/rangeFormatting",
        json!({
            "textDocument": {"uri": URI},
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 27}},
            "options": spaces(2),
        }),
    );
    assert_eq!(
        apply_edits(text, &edits(&answer)),
        "{\"RegionId\":\"cn-hangzhou\",\n  \"ContainerName\": \"nginx\",\n  \"Sync\":true}"
    );
    // On a file with a syntax error: nothing.
    client.change(URI, 2, [2, 7, 2, 11], "");
    let broken = client.request(
        "textDocument/rangeFormatting",
        json!({
            "textDocument": {"uri": URI},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}},
            "options": spaces(2),
        }),
    );
    assert_eq!(broken, json!([]));
}

#[test]
fn formatting_is_advertised() {
    let (client, result) = LspClient::initialized(push_client(), Value::Null);
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["documentFormattingProvider"], true);
    assert_eq!(capabilities["documentRangeFormattingProvider"], true);
    drop(client);
}

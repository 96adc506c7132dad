//! Folding ranges, selection ranges and document links over stdio against the real server,
//! with positions in UTF-16 code units on lines holding CJK and emoji, and CRLF line breaks.

mod support;

use serde_json::{Value, json};
use support::{LspClient, push_client};

const URI: &str = "file:///work/repo/examples/web.eci.jsonc";

/// Line 3 holds CJK and an emoji before `"Command"`, and the file's line breaks are CRLF.
const TEXT: &str = "// Web checks\r\n// for the 部署 team\r\n{\r\n  \"$schema\": \"../schemas/eci-exec.schema.json\",\r\n  \"Execs\": [\r\n    {\"Label\": \"部署 🚀\", \"Command\": [\"ls\",\r\n      \"-a\"]},\r\n    /* the\r\n       shell */\r\n    {\r\n      \"Label\": \"shell\"\r\n    }\r\n  ]\r\n}\r\n";

fn open(text: &str) -> LspClient {
    let (mut client, _) = LspClient::initialized(push_client(), json!({"online": false}));
    client.open(URI, text);
    client
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}})
}

#[test]
fn the_three_features_are_advertised() {
    let (client, result) = LspClient::initialized(push_client(), Value::Null);
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["foldingRangeProvider"], true);
    assert_eq!(capabilities["selectionRangeProvider"], true);
    assert_eq!(
        capabilities["documentLinkProvider"],
        json!({"resolveProvider": false})
    );
    drop(client);
}

#[test]
fn objects_arrays_and_comments_fold_to_the_line_before_their_closing_bracket() {
    let mut client = open(TEXT);
    let folds = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(
        folds,
        json!([
            {"startLine": 2, "endLine": 12},
            {"startLine": 4, "endLine": 11},
            // `{"Label": "部署 🚀", "Command": ["ls",` ends on the line of its `]}`.
            {"startLine": 5, "endLine": 6},
            {"startLine": 9, "endLine": 10},
            {"startLine": 0, "endLine": 1, "kind": "comment"},
            {"startLine": 7, "endLine": 8, "kind": "comment"},
        ])
    );
}

#[test]
fn selection_grows_from_the_token_to_the_whole_file_for_each_position() {
    let mut client = open(TEXT);
    // Line 5 is `    {"Label": "部署 🚀", "Command": ["ls",`: `部署 🚀` takes 5 UTF-16 units,
    // so `"Command"` starts at 23 and `"ls"` at 35. Line 10 is `      "Label": "shell"`.
    let answer = client.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": URI}, "positions": [
            {"line": 5, "character": 37},
            {"line": 10, "character": 9},
        ]}),
    );
    let chain = |selection: &Value| -> Vec<Value> {
        let mut ranges = Vec::new();
        let mut current = selection;
        while !current.is_null() {
            ranges.push(current["range"].clone());
            current = &current["parent"];
        }
        ranges
    };
    assert_eq!(
        chain(&answer[0]),
        [
            range((5, 36), (5, 38)), // ls
            range((5, 35), (5, 39)), // "ls"
            range((5, 34), (6, 11)), // ["ls", "-a"]
            range((5, 23), (6, 11)), // "Command": [...]
            range((5, 4), (6, 12)),  // the entry
            range((4, 11), (12, 3)), // Execs' array
            range((4, 2), (12, 3)),  // "Execs": [...]
            range((2, 0), (13, 1)),  // the top-level object
            range((0, 0), (14, 0)),  // the whole file
        ]
    );
    assert_eq!(
        chain(&answer[1])[..4],
        [
            range((10, 7), (10, 12)), // Label
            range((10, 6), (10, 13)), // "Label"
            range((10, 6), (10, 22)), // "Label": "shell"
            range((9, 4), (11, 5)),   // the entry
        ]
    );
}

#[test]
fn the_schema_path_links_to_the_file_next_to_the_document_folder() {
    let mut client = open(TEXT);
    let links = client.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(
        links,
        json!([{
            "range": range((3, 14), (3, 45)),
            "target": "file:///work/repo/schemas/eci-exec.schema.json",
        }])
    );
    // A URL stays as it is; its range is counted in UTF-16 after the CJK and emoji.
    let text = "{\"Label\": \"部署 🚀\", \"$schema\": \"https://example.com/s.json\"}";
    client.change(URI, 2, [0, 0, 14, 0], text);
    let links = client.request(
        "textDocument/documentLink",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(
        links,
        json!([{"range": range((0, 31), (0, 57)), "target": "https://example.com/s.json"}])
    );
}

#[test]
fn unknown_documents_answer_null() {
    let mut client = open(TEXT);
    let unknown = json!({"uri": "file:///nowhere.eci.json"});
    for method in ["textDocument/foldingRange", "textDocument/documentLink"] {
        assert_eq!(
            client.request(method, json!({"textDocument": unknown})),
            Value::Null
        );
    }
    assert_eq!(
        client.request(
            "textDocument/selectionRange",
            json!({"textDocument": unknown, "positions": [{"line": 0, "character": 0}]})
        ),
        Value::Null
    );
}

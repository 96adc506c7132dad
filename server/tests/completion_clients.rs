//! Completion as two kinds of LSP client use it, against the real server over stdio.
//!
//! - A *word-filtering* client (Vim with yegappan/lsp, Emacs with eglot, Kakoune, Helix) takes
//!   the word before the cursor and keeps the items whose `filterText` starts with it.
//! - A *range-filtering* client (VS Code, Neovim) takes the text from the start of each item's
//!   edit range to the cursor and keeps the items whose `filterText` starts with it.
//!
//! Both then apply the chosen item's `textEdit`. For each case of the table, the item must
//! survive both filters and its edit must give the document the user wants; the edit range
//! must hold the cursor and sit on one line, as LSP requires.

mod support;

use serde_json::{Value, json};
use support::{LspClient, apply_edits, byte_offset, push_client};

const MARKER: &str = "$0";

/// A word as these clients read it: letters, digits, `_`, plus `-` and `$`, which the
/// contract's words hold (`cn-hangzhou`, `$schema`; Vim needs `iskeyword+=-,$` for them).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$')
}

/// The text with its marker removed, and the marker's LSP position (UTF-16).
fn cursor(marked: &str) -> (String, Value) {
    let offset = marked.find(MARKER).expect("a $0 marker");
    let before = &marked[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    (
        marked.replacen(MARKER, "", 1),
        json!({"line": line, "character": character}),
    )
}

fn items(answer: &Value) -> Vec<Value> {
    answer["items"].as_array().cloned().unwrap_or_default()
}

fn filter_text(item: &Value) -> &str {
    item["filterText"]
        .as_str()
        .or_else(|| item["label"].as_str())
        .unwrap_or_default()
}

fn labels(items: &[&Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// One row of the table: the text with `$0`, the item accepted, the text after accepting it.
struct Case {
    name: &'static str,
    marked: &'static str,
    accept: &'static str,
    expected: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "key in a closed string",
        marked: r#"{"Execs": [{"ContainerName": "nginx", "S$0"}]}"#,
        accept: "Sync",
        expected: r#"{"Execs": [{"ContainerName": "nginx", "Sync"}]}"#,
    },
    Case {
        name: "key in a closed string before its colon",
        marked: r#"{"Execs": [{"ContainerName": "nginx", "Sy$0": true}]}"#,
        accept: "Sync",
        expected: r#"{"Execs": [{"ContainerName": "nginx", "Sync": true}]}"#,
    },
    Case {
        name: "key in an empty closed string",
        marked: "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"$0\"\n}",
        accept: "ContainerName",
        expected: "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"ContainerName\"\n}",
    },
    Case {
        name: "key in an unclosed string before the entry's brace",
        marked: "{\"Execs\": [\n  {\"ContainerName\": \"nginx\", \"S$0 },\n  {}\n]}",
        accept: "Sync",
        expected: "{\"Execs\": [\n  {\"ContainerName\": \"nginx\", \"Sync\":  },\n  {}\n]}",
    },
    Case {
        name: "key in an unclosed string at the end of a line",
        marked: "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Con$0\n}",
        accept: "ContainerName",
        expected: "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"ContainerName\": \n}",
    },
    Case {
        name: "key in an unclosed string before a colon",
        marked: r#"{"RegionId": "cn-hangzhou", "S$0: true}"#,
        accept: "Sync",
        expected: r#"{"RegionId": "cn-hangzhou", "Sync": true}"#,
    },
    Case {
        name: "key as a bare word in an entry",
        marked: r#"{"Execs": [{"ContainerName": "nginx", Sy$0}]}"#,
        accept: "Sync",
        expected: r#"{"Execs": [{"ContainerName": "nginx", "Sync": }]}"#,
    },
    Case {
        name: "key after a comma, nothing typed",
        marked: r#"{"RegionId": "cn-hangzhou", $0}"#,
        accept: "ContainerName",
        expected: r#"{"RegionId": "cn-hangzhou", "ContainerName": }"#,
    },
    Case {
        name: "top-level $schema as a bare word",
        marked: "{\n  \"Execs\": [],\n  $sch$0\n}",
        accept: "$schema",
        expected: "{\n  \"Execs\": [],\n  \"$schema\": \n}",
    },
    Case {
        name: "default key at the top, in a closed string",
        marked: "{\n  \"Execs\": [],\n  \"Reg$0\"\n}",
        accept: "RegionId",
        expected: "{\n  \"Execs\": [],\n  \"RegionId\"\n}",
    },
    Case {
        name: "region in a closed string",
        marked: r#"{"RegionId": "cn-h$0", "ContainerName": "nginx"}"#,
        accept: "cn-hangzhou",
        expected: r#"{"RegionId": "cn-hangzhou", "ContainerName": "nginx"}"#,
    },
    Case {
        name: "region in an unclosed string",
        marked: "{\n  \"RegionId\": \"cn-h$0\n}",
        accept: "cn-hangzhou",
        expected: "{\n  \"RegionId\": \"cn-hangzhou\"\n}",
    },
    Case {
        name: "region as a bare word",
        marked: r#"{"RegionId": cn-h$0}"#,
        accept: "cn-hangzhou",
        expected: r#"{"RegionId": "cn-hangzhou"}"#,
    },
    Case {
        name: "region after the colon, nothing typed",
        marked: r#"{"RegionId": $0}"#,
        accept: "cn-shanghai",
        expected: r#"{"RegionId": "cn-shanghai"}"#,
    },
    Case {
        name: "region in an entry's closed string",
        marked: r#"{"Execs": [{"RegionId": "ap-$0"}]}"#,
        accept: "ap-southeast-1",
        expected: r#"{"Execs": [{"RegionId": "ap-southeast-1"}]}"#,
    },
    Case {
        name: "boolean as a bare word",
        marked: r#"{"Execs": [{"TTY": tr$0}]}"#,
        accept: "true",
        expected: r#"{"Execs": [{"TTY": true}]}"#,
    },
    Case {
        name: "boolean after the colon",
        marked: r#"{"Sync": $0}"#,
        accept: "false",
        expected: r#"{"Sync": false}"#,
    },
    Case {
        name: "key after CJK and emoji on the line, unclosed",
        marked: "{\n  // 你好 😀\n  \"Label\": \"部署 🚀\", \"S$0\n}",
        accept: "Sync",
        expected: "{\n  // 你好 😀\n  \"Label\": \"部署 🚀\", \"Sync\": \n}",
    },
    Case {
        name: "region after CJK and emoji, closed",
        marked: r#"{"Label": "你好😀", "RegionId": "cn-sh$0"}"#,
        accept: "cn-shenzhen",
        expected: r#"{"Label": "你好😀", "RegionId": "cn-shenzhen"}"#,
    },
    Case {
        name: "key in an unclosed string, CRLF",
        marked: "{\r\n  \"Execs\": [\r\n    {\"Label\": \"😀😀\", \"Co$0\r\n  ]\r\n}\r\n",
        accept: "Command",
        expected: "{\r\n  \"Execs\": [\r\n    {\"Label\": \"😀😀\", \"Command\": \r\n  ]\r\n}\r\n",
    },
    Case {
        name: "region in a closed string, CRLF",
        marked: "{\r\n  \"Label\": \"網站\",\r\n  \"RegionId\": \"us-$0\"\r\n}\r\n",
        accept: "us-west-1",
        expected: "{\r\n  \"Label\": \"網站\",\r\n  \"RegionId\": \"us-west-1\"\r\n}\r\n",
    },
];

/// Checks one case; returns what went wrong, if anything.
fn check(client: &mut LspClient, index: usize, case: &Case) -> Option<String> {
    let (text, position) = cursor(case.marked);
    let uri = format!("file:///clients/case-{index}.eci.json");
    client.open(&uri, &text);
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": position}),
    );
    let all = items(&answer);
    let cursor_offset = byte_offset(&text, &position);
    for item in &all {
        let range = &item["textEdit"]["range"];
        let (start, end) = (
            byte_offset(&text, &range["start"]),
            byte_offset(&text, &range["end"]),
        );
        if !(start <= cursor_offset && cursor_offset <= end)
            || range["start"]["line"] != position["line"]
            || range["end"]["line"] != position["line"]
        {
            return Some(format!(
                "{}: the edit of {} does not hold the cursor on its line: {range}",
                case.name, item["label"]
            ));
        }
        if text[start..end].contains('"') {
            return Some(format!(
                "{}: the edit of {} replaces a quote: {:?}",
                case.name,
                item["label"],
                &text[start..end]
            ));
        }
    }
    let word_start = text[..cursor_offset].trim_end_matches(is_word_char).len();
    let word = &text[word_start..cursor_offset];
    let by_word: Vec<&Value> = all
        .iter()
        .filter(|item| filter_text(item).starts_with(word))
        .collect();
    let by_range: Vec<&Value> = all
        .iter()
        .filter(|item| {
            let start = byte_offset(&text, &item["textEdit"]["range"]["start"]);
            filter_text(item).starts_with(&text[start.min(cursor_offset)..cursor_offset])
        })
        .collect();
    for (client_kind, kept) in [("word-filtering", &by_word), ("range-filtering", &by_range)] {
        let Some(item) = kept.iter().find(|item| item["label"] == case.accept) else {
            return Some(format!(
                "{}: a {client_kind} client (typed {word:?}) does not show {}; it shows {:?} of {:?}",
                case.name,
                case.accept,
                labels(kept),
                labels(&all.iter().collect::<Vec<_>>())
            ));
        };
        let result = apply_edits(&text, std::slice::from_ref(&item["textEdit"]));
        if result != case.expected {
            return Some(format!(
                "{}: a {client_kind} client accepting {} gets\n  {result:?}\nnot\n  {:?}",
                case.name, case.accept, case.expected
            ));
        }
    }
    None
}

#[test]
fn word_and_range_filtering_clients_show_the_items_and_get_the_text_wanted() {
    let (mut client, _) = LspClient::initialized(push_client(), json!({"online": false}));
    let failures: Vec<String> = CASES
        .iter()
        .enumerate()
        .filter_map(|(index, case)| check(&mut client, index, case))
        .collect();
    client.shutdown();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn inside_a_string_a_boolean_field_offers_nothing() {
    // `"true"` would be a string: the booleans are offered outside strings only.
    let (mut client, _) = LspClient::initialized(push_client(), json!({"online": false}));
    let (text, position) = cursor(r#"{"Execs": [{"Sync": "t$0"}]}"#);
    client.open("file:///clients/boolean.eci.json", &text);
    let answer = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": "file:///clients/boolean.eci.json"}, "position": position}),
    );
    assert_eq!(items(&answer), Vec::<Value>::new(), "{answer}");
}

//! Protocol tests: the real binary over stdio, as an editor drives it.

mod support;

use serde_json::{Value, json};
use support::{CLEAN, LspClient, URI, apply_edits, codes, push_client};

#[test]
fn initialize_advertises_incremental_utf16_and_shuts_down_cleanly() {
    let (client, result) = LspClient::initialized(push_client(), Value::Null);
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2);
    assert!(capabilities["completionProvider"].is_object());
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(capabilities["documentSymbolProvider"], true);
    assert!(
        capabilities.get("diagnosticProvider").is_none(),
        "push-only client got pull diagnostics"
    );
    assert_eq!(result["serverInfo"]["name"], "eci-exec-lsp");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn utf8_is_chosen_when_the_client_offers_it() {
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, result) = LspClient::initialized(capabilities, Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.open(URI, "{\"Label\": \"你\", \"Tty\": 1,\n \"Execs\": []}");
    let published = client.diagnostics(URI);
    let list = published["diagnostics"].as_array().expect("list");
    let tty = list
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains("`Tty`")))
        .expect("Tty reported");
    assert_eq!(tty["code"], "unknown-field");
    // `{"Label": "你", ` is 17 bytes but 15 UTF-16 units: the key starts at byte 17.
    assert_eq!(tty["range"]["start"], json!({"line": 0, "character": 17}));
}

#[test]
fn diagnostics_are_pushed_with_the_version_after_each_change_and_cleared_on_close() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    client.open(URI, CLEAN);
    let first = client.diagnostics(URI);
    assert_eq!(first["version"], 1);
    assert_eq!(first["diagnostics"], json!([]));
    // `"Sync": true` -> `"Sync": "yes"` on line 5.
    client.change(URI, 2, [5, 10, 5, 14], "\"yes\"");
    let second = client.diagnostics(URI);
    assert_eq!(second["version"], 2);
    assert_eq!(codes(&second["diagnostics"]), ["invalid-type"]);
    assert_eq!(
        second["diagnostics"][0]["range"],
        json!({"start": {"line": 5, "character": 10}, "end": {"line": 5, "character": 15}})
    );
    assert_eq!(second["diagnostics"][0]["severity"], 1);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let closed = client.diagnostics(URI);
    assert_eq!(closed["diagnostics"], json!([]));
}

#[test]
fn incremental_edits_with_emoji_surrogates_crlf_and_end_of_file() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let text = "{\r\n  \"RegionId\": \"cn-hangzhou\", \"ContainerGroupId\": \"eci-abc\", \"ContainerName\": \"nginx\",\r\n  \"Label\": \"a😀b\",\r\n  \"Command\": [\"ls\"]\r\n}";
    client.open(URI, text);
    client.diagnostics(URI);
    let label = |client: &mut LspClient| {
        let symbols = client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        );
        symbols[0]["name"].as_str().expect("symbol name").to_owned()
    };
    // After the emoji: `  "Label": "a` is 13 units, the emoji 2 more.
    client.change(URI, 2, [2, 15, 2, 15], "X");
    assert_eq!(label(&mut client), "a😀Xb");
    // Inside the surrogate pair: the position moves to the emoji's start.
    client.change(URI, 3, [2, 14, 2, 14], "Y");
    assert_eq!(label(&mut client), "aY😀Xb");
    // Replace the emoji itself (2 units) with CJK.
    client.change(URI, 4, [2, 14, 2, 16], "你好");
    assert_eq!(label(&mut client), "aY你好Xb");
    // Append at the very end, then past the end (clamped to the end).
    client.change(URI, 5, [4, 1, 4, 1], "\r\n");
    client.change(URI, 6, [99, 0, 99, 5], "// tail");
    let published = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 6
    });
    assert_eq!(published["params"]["diagnostics"], json!([]), "{published}");
    assert_eq!(label(&mut client), "aY你好Xb");
    // A change whose version is not newer is ignored.
    client.change(URI, 3, [2, 12, 2, 13], "Z");
    assert_eq!(label(&mut client), "aY你好Xb");
}

#[test]
fn stale_versions_are_never_published() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    client.open(URI, CLEAN);
    for version in 2..=30 {
        let text = if version % 2 == 0 { "\"yes\"" } else { "true" };
        let old = if version % 2 == 0 {
            [5, 10, 5, 14]
        } else {
            [5, 10, 5, 15]
        };
        client.change(URI, version, old, text);
    }
    let mut last_version = 0;
    loop {
        let published = client.diagnostics(URI);
        let version = published["version"].as_i64().expect("version");
        assert!(
            version > last_version,
            "version went backwards: {version} after {last_version}"
        );
        last_version = version;
        if version == 30 {
            assert_eq!(codes(&published["diagnostics"]), ["invalid-type"]);
            break;
        }
    }
}

#[test]
fn pull_diagnostics_when_the_client_supports_them() {
    let capabilities = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let (mut client, result) = LspClient::initialized(capabilities, Value::Null);
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        false
    );
    client.open(URI, "{\"Tty\": true}");
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(report["kind"], "full");
    let found = codes(&report["items"]);
    assert!(
        found.contains(&"unknown-field".to_owned()) && found.contains(&"missing-field".to_owned()),
        "{found:?}"
    );
    let again = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": URI}, "previousResultId": report["resultId"]}),
    );
    assert_eq!(again["kind"], "unchanged");
    assert!(
        client
            .try_wait_for(std::time::Duration::from_millis(300), |m| m["method"]
                == "textDocument/publishDiagnostics")
            .is_none(),
        "a pull client also got pushed diagnostics"
    );
}

#[test]
fn completion_of_keys_in_half_typed_text_booleans_and_regions() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let text = "{\"RegionId\": \"cn-\", \"Execs\": [{\"Sync\": , \"Cont";
    client.open(URI, text);
    let keys = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 46}}),
    );
    let container = keys["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "ContainerName")
        .expect("ContainerName offered");
    assert_eq!(
        container["textEdit"]["range"],
        json!({"start": {"line": 0, "character": 42}, "end": {"line": 0, "character": 46}}),
        "the word after the unclosed string's quote, up to the cursor"
    );
    assert_eq!(container["textEdit"]["newText"], "ContainerName\": ");
    assert_eq!(container["filterText"], "ContainerName");
    assert!(
        container["documentation"]["value"]
            .as_str()
            .expect("doc")
            .contains("DNS label")
    );
    assert!(
        keys["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["label"] != "Sync"),
        "present key offered again"
    );
    assert!(
        keys["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["label"] != "Execs"),
        "Execs offered inside an entry"
    );

    let booleans = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 38}}),
    );
    let labels: Vec<&str> = booleans["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["label"].as_str().expect("label"))
        .collect();
    assert_eq!(labels, ["true", "false"]);

    let regions = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 17}}),
    );
    let hangzhou = regions["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "cn-hangzhou")
        .expect("region offered");
    assert_eq!(hangzhou["textEdit"]["newText"], "cn-hangzhou");
    assert_eq!(hangzhou["textEdit"]["range"]["start"]["character"], 14);
    assert_eq!(hangzhou["textEdit"]["range"]["end"]["character"], 17);
    assert_eq!(hangzhou["filterText"], "cn-hangzhou");
}

#[test]
fn hover_shows_field_docs() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    client.open(URI, CLEAN);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 4}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .expect("markdown")
            .starts_with("**Sync**")
    );
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 5, "character": 2}, "end": {"line": 5, "character": 8}})
    );
    let region = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 18}}),
    );
    assert!(
        region["contents"]["value"]
            .as_str()
            .expect("markdown")
            .contains("China (Hangzhou)")
    );
}

#[test]
fn quick_fix_renames_an_unknown_field_and_the_diagnostic_goes() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let text = CLEAN.replace("\"Sync\": true", "\"Sync\": true, \"Tty\": false");
    client.open(URI, &text);
    let published = client.diagnostics(URI);
    assert_eq!(codes(&published["diagnostics"]), ["unknown-field"]);
    let diagnostic = published["diagnostics"][0].clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}),
    );
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a quick fix");
    assert_eq!(fix["title"], "Rename to `TTY`");
    assert_eq!(fix["diagnostics"][0]["code"], "unknown-field");
    let fixed = apply_edits(
        &text,
        fix["edit"]["changes"][URI].as_array().expect("edits"),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert_eq!(client.diagnostics(URI)["diagnostics"], json!([]));
}

#[test]
fn document_symbols_name_entries_by_label_or_container_and_command() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let text = r#"{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-abc", "ContainerName": "web",
 "Execs": [{"Label": "list", "Command": ["ls"]}, {"Command": ["/bin/sh", "-c", "date"]}]}"#;
    client.open(URI, text);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["list", "web: /bin/sh -c date"]);
    assert_eq!(
        symbols[0]["range"]["start"],
        json!({"line": 1, "character": 11})
    );
}

#[test]
fn positions_past_the_end_and_unknown_documents_answer_without_error() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    client.open(URI, CLEAN);
    let far = json!({"line": 9999, "character": 9999});
    assert_eq!(
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": far})
        ),
        Value::Null
    );
    client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": far}),
    );
    let range = json!({"start": far, "end": far});
    client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": range, "context": {"diagnostics": []}}),
    );
    let unknown = json!({"textDocument": {"uri": "file:///nowhere.eci.json"}, "position": {"line": 0, "character": 0}});
    assert_eq!(client.request("textDocument/hover", unknown), Value::Null);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn unknown_options_are_reported_once() {
    let (mut client, _) = LspClient::initialized(
        push_client(),
        json!({"eciExec": {"colour": "red", "confirmRun": false}}),
    );
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .expect("message")
            .contains("eciExec.colour")
    );
    assert!(
        client
            .try_wait_for(std::time::Duration::from_millis(300), |m| m["method"]
                == "window/logMessage")
            .is_none()
    );
}

#[test]
fn the_stdio_flag_many_clients_pass_serves_the_protocol() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"))
        .arg("--stdio")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let mut stdin = child.stdin.take().expect("stdin");
    let initialize =
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    stdin
        .write_all(frame(initialize).as_bytes())
        .expect("write");
    stdin.flush().expect("flush");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut header = String::new();
    stdout.read_line(&mut header).expect("header");
    let length: usize = header
        .trim()
        .trim_start_matches("Content-Length: ")
        .parse()
        .expect("length");
    stdout.read_line(&mut String::new()).expect("blank line");
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).expect("body");
    let response: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        response["result"]["serverInfo"]["name"], "eci-exec-lsp",
        "{response}"
    );
    let shutdown_and_exit = frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)
        + &frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    stdin
        .write_all(shutdown_and_exit.as_bytes())
        .expect("write");
    drop(stdin);
    assert!(child.wait().expect("exit").success());
}

#[test]
fn a_request_that_cannot_do_what_it_was_asked_answers_request_failed_with_a_message() {
    let (mut client, _) = LspClient::initialized(push_client(), json!({"online": false}));
    client.open(URI, CLEAN);
    let cases = [
        // Not open: nothing to run.
        json!([{"uri": "file:///nowhere.eci.json", "index": 0}]),
        // No argument, and an argument of another shape.
        json!([]),
        json!([{"uri": URI}]),
    ];
    for arguments in cases {
        let id = client.start_request(
            "workspace/executeCommand",
            json!({"command": "eciExec.run", "arguments": arguments}),
        );
        let response = client.response(id);
        assert_eq!(response["error"]["code"], -32803, "{arguments}: {response}");
        let message = response["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.len() > 10,
            "{arguments}: a message to act on: {response}"
        );
    }
    let id = client.start_request(
        "workspace/executeCommand",
        json!({"command": "eciExec.run", "arguments": [{"uri": URI}]}),
    );
    let message = client.response(id)["error"]["message"].clone();
    assert!(
        message.as_str().is_some_and(|m| m.contains("{uri, index}")),
        "{message}"
    );
}

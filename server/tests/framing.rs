//! The wire, over the real binary's stdio: a malformed frame gets a JSON-RPC error answer and
//! service goes on (nothing pending is dropped); exit statuses follow the LSP spec; end of
//! input ends the server; nothing is applied before `initialize`.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{CLEAN, LspClient, URI, frame, push_client};

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// Hover over `"Sync"` (line 5).
fn hover_params() -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 4}})
}

fn hover_text(result: &Value) -> &str {
    result["contents"]["value"].as_str().unwrap_or_default()
}

fn serving() -> LspClient {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    client.open(URI, CLEAN);
    client
}

/// The server still answers a hover and a completion correctly.
fn assert_still_serving(client: &mut LspClient, after: &str) {
    let hover = client.request("textDocument/hover", hover_params());
    assert!(
        hover_text(&hover).starts_with("**Sync**"),
        "after {after}: {hover}"
    );
    let completion = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 15}}),
    );
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        labels.contains(&"cn-hangzhou"),
        "after {after}: {completion}"
    );
}

/// Waits for the error answer with `code` and returns it.
fn error_answer(client: &mut LspClient, code: i64) -> Value {
    client.wait_for(|message| message["error"]["code"] == code && message.get("method").is_none())
}

/// Frames that are not well-formed messages: what they are, and the bytes.
fn bad_frames() -> Vec<(&'static str, Vec<u8>)> {
    let lone_surrogate = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///work/b.eci.json","languageId":"eci-exec","version":1,"text":"{\"Label\": \"\ud83d\"}"}}}"#;
    let mut invalid_utf8 = br#"{"jsonrpc":"2.0","method":"x","params":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, b'"', b'}']);
    vec![
        ("invalid JSON", frame(br#"{"jsonrpc": "2.0", "method": "#)),
        ("a JSON array", frame(b"[1,2]")),
        ("a JSON number", frame(b"42")),
        ("an empty body", frame(b"")),
        ("a lone surrogate escape", frame(lone_surrogate)),
        ("invalid UTF-8", frame(&invalid_utf8)),
        (
            "a length that is not a number",
            b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_vec(),
        ),
        (
            "no Content-Length",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".to_vec(),
        ),
        (
            "a line that is no header",
            b"Garbage\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_vec(),
        ),
        (
            "an absurd Content-Length",
            b"Content-Length: 1152921504606846976\r\n\r\n{}".to_vec(),
        ),
    ]
}

#[test]
fn after_each_bad_frame_a_parse_error_and_then_normal_service() {
    let mut client = serving();
    for (what, bytes) in bad_frames() {
        client.write_raw(&bytes);
        let answer = error_answer(&mut client, PARSE_ERROR);
        assert_eq!(answer["id"], Value::Null, "{what}: {answer}");
        assert_eq!(answer["jsonrpc"], "2.0", "{what}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}: {answer}"
        );
        assert_still_serving(&mut client, what);
    }
    // The document with the lone surrogate was never opened.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///work/b.eci.json"}, "position": {"line": 0, "character": 3}}),
    );
    assert_eq!(hover, Value::Null);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn other_headers_are_ignored_and_frames_may_arrive_in_pieces() {
    let mut client = serving();
    let body = json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/hover", "params": hover_params()}).to_string();
    let bytes = format!(
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {}\r\nX-Other: 1\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    for piece in bytes.chunks(7) {
        client.write_raw(piece);
        std::thread::sleep(Duration::from_millis(1));
    }
    let answer = client.response(900);
    assert!(
        hover_text(&answer["result"]).starts_with("**Sync**"),
        "{answer}"
    );
}

#[test]
fn a_bad_request_whose_id_can_be_read_is_answered_with_that_id() {
    let mut client = serving();
    client.write_raw(&frame(
        br#"{"jsonrpc":"2.0","id":77,"method":"textDocument/hover","params":{"x":"\udc00"}}"#,
    ));
    let answer = client.response(77);
    assert_eq!(answer["error"]["code"], PARSE_ERROR, "{answer}");
    // Well-formed JSON that is no request, response or notification.
    client.write_raw(&frame(
        br#"{"jsonrpc":"2.0","id":"seventy-eight","method":5}"#,
    ));
    let answer = client.wait_for(|message| message["id"] == "seventy-eight");
    assert_eq!(answer["error"]["code"], INVALID_REQUEST, "{answer}");
    client.write_raw(&frame(br#"{"id":79,"method":"textDocument/hover"}"#));
    let answer = client.response(79);
    assert_eq!(answer["error"]["code"], INVALID_REQUEST, "{answer}");
    assert_still_serving(&mut client, "a bad request");
}

#[test]
fn requests_pending_before_a_bad_frame_are_still_answered() {
    let mut client = serving();
    let request = |id: i64, method: &str, params: Value| {
        frame(
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
                .to_string()
                .as_bytes(),
        )
    };
    // One write: two requests, a bad frame, a third request.
    let mut bytes = request(501, "textDocument/hover", hover_params());
    bytes.extend(request(
        502,
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    ));
    bytes.extend(frame(b"{not json"));
    bytes.extend(request(503, "textDocument/hover", hover_params()));
    client.write_raw(&bytes);
    for id in [501, 502, 503] {
        let answer = client.response(id);
        assert!(answer.get("error").is_none(), "{answer}");
        assert!(!answer["result"].is_null(), "{answer}");
    }
    error_answer(&mut client, PARSE_ERROR);
}

#[test]
fn exit_after_shutdown_is_status_0() {
    let (client, _) = LspClient::initialized(push_client(), Value::Null);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn shutdown_and_exit_with_empty_params_are_accepted() {
    // Emacs's lsp-mode sends `"params": {}` with both.
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    let answer = client.request("shutdown", json!({}));
    assert_eq!(answer, Value::Null);
    client.notify("exit", json!({}));
    assert_eq!(client.exit_code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1_even_with_stdin_left_open() {
    let (mut client, _) = LspClient::initialized(push_client(), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
    let mut uninitialized = LspClient::spawn();
    uninitialized.notify("exit", Value::Null);
    assert_eq!(uninitialized.exit_code(), Some(1));
}

#[test]
fn end_of_input_ends_the_server_after_answering_what_it_read() {
    let mut client = serving();
    let id = client.start_request("textDocument/hover", hover_params());
    client.close_stdin();
    let answer = client.response(id);
    assert!(
        hover_text(&answer["result"]).starts_with("**Sync**"),
        "{answer}"
    );
    assert_eq!(client.exit_code(), Some(1), "no shutdown before the end");

    let (mut polite, _) = LspClient::initialized(push_client(), Value::Null);
    polite.request("shutdown", Value::Null);
    polite.close_stdin();
    assert_eq!(polite.exit_code(), Some(0));
}

#[test]
fn a_document_opened_before_initialize_is_not_known() {
    let mut client = LspClient::spawn();
    client.open(URI, CLEAN);
    client.initialize(push_client(), Value::Null);
    let hover = client.request("textDocument/hover", hover_params());
    assert_eq!(hover, Value::Null, "the early didOpen was applied");
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(symbols, Value::Null, "{symbols}");
    let published = client.try_wait_for(Duration::from_millis(500), |message| {
        message["method"] == "textDocument/publishDiagnostics"
    });
    assert!(published.is_none(), "{published:?}");
    // Opened properly, it is served.
    client.open(URI, CLEAN);
    let hover = client.request("textDocument/hover", hover_params());
    assert!(hover_text(&hover).starts_with("**Sync**"), "{hover}");
}

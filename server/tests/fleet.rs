//! Fleet runs over stdio against the fake API: a selector entry runs on every target (one
//! failure injected), within runConcurrency and 8 starts a second (read from the fake's request
//! log), refused above maxTargets or without a target before anything is sent, cancelled mid-run
//! both ways with the finished calls shown, started from the run action too, and a terminal
//! entry offering its targets to pick.

mod support;

use std::time::{Duration, Instant};

use fake_eci::{FakeConfig, FakeEci, Fault, fixture, max_in_flight, max_started_within};
use serde_json::{Value, json};
use support::LspClient;

const URI: &str = "file:///work/fleet.eci.json";
const EXEC: &str = "ExecContainerCommand";

/// Entry 0: every web replica; 1: the generated groups; 2: a terminal on a web replica;
/// 3: a terminal on the generated groups; 4: a selector that matches nothing.
const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "Execs": [
    {"Label": "uptime", "Tags": {"app": "web"}, "ContainerName": "nginx", "Command": ["/bin/sh", "-c", "echo up"], "Sync": true},
    {"Label": "generated", "ContainerGroupName": "generated-*", "ContainerName": "main", "Command": ["/bin/sh", "-c", "echo gen"], "Sync": true},
    {"Label": "shell", "Tags": {"app": "web"}, "ContainerName": "nginx", "Command": ["/bin/bash"], "TTY": true},
    {"Label": "gen shell", "ContainerGroupName": "generated-*", "ContainerName": "main", "Command": ["/bin/bash"], "TTY": true},
    {"Label": "nobody", "Tags": {"app": "nope"}, "ContainerName": "nginx", "Command": ["ls"], "Sync": true}
  ]
}"#;

async fn start(options: Value, generated: usize) -> (FakeEci, LspClient) {
    let mut groups = fixture::default_groups();
    groups.extend(fixture::generate(generated, "cn-hangzhou"));
    let fake = FakeEci::start(FakeConfig {
        groups,
        ..FakeConfig::default()
    })
    .await
    .expect("fake API");
    let mut client = support::online::client_of(&fake, options, support::online::editor());
    client.open(URI, FILE);
    (fake, client)
}

fn run_params(index: usize) -> Value {
    json!({"command": "eciExec.run", "arguments": [{"uri": URI, "index": index}]})
}

fn execs(fake: &FakeEci) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|request| request.action == EXEC)
        .map(|request| request.params["ContainerGroupId"].clone())
        .collect()
}

fn names_and_status(targets: &Value) -> Vec<String> {
    targets
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t["containerGroupName"].as_str().unwrap_or("?"),
                t["status"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tagged_entry_runs_on_every_running_replica_and_one_failure_stops_no_other() {
    let (fake, mut client) = start(json!({}), 0).await;
    fake.add_fault(
        Fault::error(400, "IncorrectStatus")
            .action(EXEC)
            .group("eci-bp1fakerep00002"),
    );
    client.held.push("window/showMessageRequest".to_owned());
    let run = client.start_request("workspace/executeCommand", run_params(0));
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    assert_eq!(
        ask["params"]["message"],
        "Run `/bin/sh -c 'echo up'` in nginx on 4 instances in cn-hangzhou (web-1, web-2, web-3, …)?"
    );
    assert!(execs(&fake).is_empty(), "nothing runs before the answer");
    // The run's own listing, filtered by the tag (beside the background listing of the cache).
    let requests = fake.requests();
    let listing = requests
        .iter()
        .find(|request| request.params.contains_key("Tag.1.Key"))
        .expect("a listing by tag");
    assert_eq!(listing.params["Tag.1.Value"], "web");
    client.answer(&ask, json!({"title": "Run"}));
    let response = client.response(run);
    let result = &response["result"];
    assert_eq!(
        names_and_status(&result["targets"]),
        [
            "web-2 failed",
            "web-5 skipped",
            "web-6 skipped",
            "web-1 ok",
            "web-3 ok",
            "web-4 ok"
        ],
        "{response}"
    );
    assert_eq!(
        result["summary"],
        json!({"ok": 3, "failed": 1, "skipped": 2})
    );
    let failed = &result["targets"][0];
    assert_eq!(failed["containerGroupId"], "eci-bp1fakerep00002");
    assert!(
        failed["error"]
            .as_str()
            .expect("error")
            .starts_with("IncorrectStatus: ")
    );
    assert_eq!(
        result["targets"][1]["reason"],
        "status is Pending, not Running"
    );
    assert_eq!(result["targets"][3]["syncResponse"], "up\n");
    let mut sent = execs(&fake);
    sent.sort();
    assert_eq!(
        sent,
        [
            "eci-bp1fakerep00001",
            "eci-bp1fakerep00002",
            "eci-bp1fakerep00003",
            "eci-bp1fakerep00004"
        ],
        "each target once: a failure is not retried"
    );

    // Reports may coalesce when targets finish together; the last one is always `4/4 done`.
    client
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["message"] == "4/4 done");
    let notified = client.wait_for(|m| m["method"] == "eciExec/runResult");
    assert_eq!(notified["params"]["targets"], result["targets"]);
    assert_eq!(notified["params"]["summary"], result["summary"]);
    assert!(notified["params"].get("syncResponse").is_none());

    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": everything}),
    );
    assert_eq!(hints[0]["label"], "⇒ 3/4 ok · ✗ IncorrectStatus");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 100}}),
    );
    let markdown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        markdown.starts_with("**Last run** on 4 instances: 3 ok, 1 failed, 2 skipped"),
        "{markdown}"
    );
    for section in [
        "✗ ` web-2 ` ` eci-bp1fakerep00002 `",
        "– ` web-6 ` ` eci-bp1fakerep00006 ` skipped: no container named nginx",
        "✓ ` web-4 ` ` eci-bp1fakerep00004 `\n```text\nup\n```",
    ] {
        assert!(
            markdown.contains(section),
            "{section} missing in {markdown}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_run_action_of_a_selector_entry_runs_its_fleet() {
    let (fake, mut client) = start(json!({"confirmRun": false}), 0).await;
    let at = json!({"line": 3, "character": 20});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": at, "end": at},
               "context": {"diagnostics": [], "only": ["source.eciExec.run"]}}),
    );
    let command = &actions[0]["command"];
    assert_eq!(command["arguments"][0]["index"], 0, "{actions}");
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    assert_eq!(
        result["summary"],
        json!({"ok": 4, "failed": 0, "skipped": 2})
    );
    assert_eq!(execs(&fake).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_run_concurrency_in_flight_and_eight_started_in_any_second() {
    let options = json!({"confirmRun": false, "runConcurrency": 3});
    let (fake, mut client) = start(options, 20).await;
    fake.add_fault(Fault::delay(250).action(EXEC));
    let started = Instant::now();
    let result = client.request("workspace/executeCommand", run_params(1));
    let elapsed = started.elapsed();
    assert_eq!(
        result["summary"],
        json!({"ok": 20, "failed": 0, "skipped": 0})
    );
    let log = fake.requests();
    assert_eq!(max_in_flight(&log, EXEC), 3);
    // Three calls of 250 ms at a time would start 12 a second: the pace holds it to 8.
    assert_eq!(max_started_within(&log, EXEC, 1000), 8);
    assert!(
        elapsed >= Duration::from_secs(2),
        "20 starts at 8 a second take two windows: {elapsed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn above_max_targets_or_without_a_target_nothing_is_sent() {
    let (fake, mut client) = start(json!({"confirmRun": false, "maxTargets": 3}), 0).await;
    let refused = client.start_request("workspace/executeCommand", run_params(0));
    let response = client.response(refused);
    assert_eq!(response["error"]["code"], -32803, "{response}");
    let message = response["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("picks 4 instances in cn-hangzhou, more than maxTargets (3)"),
        "{message}"
    );
    let told = client.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(told["params"]["message"], message);

    let nobody = client.start_request("workspace/executeCommand", run_params(4));
    let response = client.response(nobody);
    assert_eq!(
        response["error"]["message"],
        "not run: no instance in cn-hangzhou matches the selector"
    );
    assert!(execs(&fake).is_empty(), "{:?}", fake.requests());
    let run_listings = fake
        .requests()
        .iter()
        .filter(|request| request.params.contains_key("Tag.1.Key"))
        .count();
    assert_eq!(run_listings, 2, "one listing each, afresh");
}

/// Starts the generated fleet (20 targets, 2 at a time, 400 ms each) and waits until two
/// calls have finished.
fn start_slow_fleet(client: &mut LspClient, fake: &FakeEci) -> (i64, Value) {
    fake.add_fault(Fault::delay(400).action(EXEC));
    let run = client.start_request("workspace/executeCommand", run_params(1));
    let begin =
        client.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "begin");
    assert_eq!(begin["params"]["value"]["cancellable"], true);
    client.wait_for(|m| {
        m["method"] == "$/progress" && m["params"]["value"]["message"] == "2/20 done"
    });
    (run, begin["params"]["token"].clone())
}

/// After a cancel: the answer is RequestCancelled, the finished calls are shown, and nothing
/// more is sent.
fn assert_cancelled(client: &mut LspClient, fake: &FakeEci, run: i64) {
    let response = client.response(run);
    assert_eq!(response["error"]["code"], -32800, "{response}");
    let notified = client.wait_for(|m| m["method"] == "eciExec/runResult");
    let summary = &notified["params"]["summary"];
    let ok = summary["ok"].as_u64().expect("ok");
    assert!((2..=4).contains(&ok), "{summary}");
    assert_eq!(summary["skipped"].as_u64(), Some(20 - ok), "{summary}");
    let skipped = &notified["params"]["targets"][0];
    assert_eq!(skipped["reason"], "not run: the run was cancelled first");
    let sent = execs(fake).len();
    assert_eq!(sent as u64, ok, "every call sent finished and is shown");
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(execs(fake).len(), sent, "nothing more is sent");
    let everything =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": everything}),
    );
    assert_eq!(hints[0]["label"], format!("⇒ {ok}/20 ok · gen · cancelled"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_request_mid_run_sends_nothing_more_and_shows_the_finished_calls() {
    let options = json!({"confirmRun": false, "runConcurrency": 2});
    let (fake, mut client) = start(options, 20).await;
    let (run, _) = start_slow_fleet(&mut client, &fake);
    client.notify("$/cancelRequest", json!({"id": run}));
    assert_cancelled(&mut client, &fake, run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_progress_mid_run_sends_nothing_more_and_shows_the_finished_calls() {
    let options = json!({"confirmRun": false, "runConcurrency": 2});
    let (fake, mut client) = start(options, 20).await;
    let (run, token) = start_slow_fleet(&mut client, &fake);
    client.notify("window/workDoneProgress/cancel", json!({"token": token}));
    assert_cancelled(&mut client, &fake, run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_entry_with_several_targets_asks_which_instance() {
    let (fake, mut client) = start(json!({}), 11).await;
    client.held.push("window/showMessageRequest".to_owned());
    let run = client.start_request("workspace/executeCommand", run_params(2));
    let ask = client.wait_for(|m| m["method"] == "window/showMessageRequest");
    assert_eq!(
        ask["params"]["message"],
        "Run `/bin/bash` in nginx on which of 4 instances in cn-hangzhou? It opens an interactive session."
    );
    let titles: Vec<&str> = ask["params"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|action| action["title"].as_str().expect("title"))
        .collect();
    assert_eq!(titles, ["web-1", "web-2", "web-3", "web-4", "Cancel"]);
    client.answer(&ask, json!({"title": "web-3"}));
    let response = client.response(run);
    assert!(response["result"]["httpUrl"].is_string(), "{response}");
    assert_eq!(execs(&fake), ["eci-bp1fakerep00003"]);
    client.wait_for(|m| m["method"] == "window/showDocument");

    // Eleven to pick from is too many.
    let too_many = client.start_request("workspace/executeCommand", run_params(3));
    let response = client.response(too_many);
    let message = response["error"]["message"].as_str().expect("refused");
    assert!(message.contains("picks 11 instances"), "{message}");
    assert_eq!(execs(&fake).len(), 1);
}

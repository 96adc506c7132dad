//! Selectors in the editor, over stdio against the fake ECI API serving a fleet of tagged
//! replicas: `no-matching-instance`, completion of names and tags, the hover of a selector and
//! the lens that counts its targets.

mod support;

use std::time::{Duration, Instant};

use fake_eci::FakeEci;
use serde_json::{Value, json};
use support::online::{complete_list, editor, labels, start};
use support::{LspClient, codes};

const URI: &str = "file:///work/fleet.eci.json";

/// One instance of cn-hangzhou as DescribeContainerGroups lists it.
fn group(name: &str, status: &str, container: &str, tags: &[(&str, &str)]) -> Value {
    json!({
        "ContainerGroupId": format!("eci-{}", name.replace('-', "")),
        "ContainerGroupName": name,
        "Status": status,
        "RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-h",
        "Containers": [{"Name": container, "Image": "nginx:1.25", "Ready": true}],
        "Tags": tags.iter().map(|(key, value)| json!({"Key": key, "Value": value})).collect::<Vec<_>>(),
    })
}

/// Two web replicas to run on, one Pending, one without nginx, and an api instance.
fn fleet() -> Vec<Value> {
    vec![
        group(
            "web-2",
            "Running",
            "nginx",
            &[("app", "web"), ("env", "prod")],
        ),
        group(
            "web-1",
            "Running",
            "nginx",
            &[("app", "web"), ("env", "prod")],
        ),
        group(
            "web-3",
            "Pending",
            "nginx",
            &[("app", "web"), ("env", "staging")],
        ),
        group(
            "web-4",
            "Running",
            "sidecar",
            &[("app", "web"), ("env", "prod")],
        ),
        group("api-1", "Running", "nginx", &[("app", "api")]),
    ]
}

async fn start_fleet(capabilities: Value) -> (FakeEci, LspClient) {
    let (fake, client) = start(json!({}), capabilities).await;
    fake.set_groups(fleet());
    (fake, client)
}

/// The LSP position just after the first `marker` in `text` (ASCII text: characters are bytes).
fn after(text: &str, marker: &str) -> (u32, u32) {
    let end = text.find(marker).expect("marker in text") + marker.len();
    let line = text[..end].matches('\n').count();
    let line_start = text[..end].rfind('\n').map_or(0, |at| at + 1);
    (line as u32, (end - line_start) as u32)
}

fn diagnostic_at(diagnostics: &Value, line: u32) -> &Value {
    diagnostics
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["range"]["start"]["line"] == line)
        .unwrap_or_else(|| panic!("no diagnostic on line {line}: {diagnostics}"))
}

const CHECKED: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerName": "nginx",
  "Execs": [
    {"Tags": {"app": "web"}, "Command": ["uptime"], "Sync": true},
    {"ContainerGroupName": "db-*", "Command": ["ls"]},
    {"ContainerGroupName": "web-3", "Tags": {"app": "web"}, "Command": ["ls"]},
    {"Tags": {"app": "web", "env": "staging"}, "Command": ["ls"]},
    {"ContainerGroupName": "web-4", "Command": ["ls"]},
    {"ContainerGroupId": "eci-web3", "Command": ["ls"]}
  ]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selector_without_targets_is_reported_on_its_value_and_goes_when_fixed() {
    let (_fake, mut client) = start_fleet(editor()).await;
    client.open(URI, CHECKED);
    let diagnostics = &client.diagnostics_with("no-matching-instance");
    let mut found = codes(diagnostics);
    found.sort();
    assert_eq!(
        found,
        [
            "container-group-not-running",
            "no-matching-instance",
            "no-matching-instance",
            "no-matching-instance",
            "no-matching-instance",
        ],
        "the Tags selector on line 4 has two targets; the id keeps its own rules: {diagnostics}"
    );

    let nothing = diagnostic_at(diagnostics, 5);
    assert_eq!(nothing["severity"], 2);
    let (line, start) = after(CHECKED, "{\"ContainerGroupName\": ");
    assert_eq!(
        nothing["range"],
        json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": start + 6}}),
        "on the ContainerGroupName value, `\"db-*\"`"
    );
    assert!(
        nothing["message"]
            .as_str()
            .expect("message")
            .starts_with("no instance in cn-hangzhou matches ContainerGroupName `db-*`"),
        "{nothing}"
    );
    let pending = diagnostic_at(diagnostics, 6);
    assert_eq!(
        pending["range"]["start"]["character"], start,
        "on the name, not the Tags beside it"
    );
    let message = pending["message"].as_str().expect("message");
    assert!(
        message.contains(
            "matches 1 instance in cn-hangzhou, but none is Running with a container named `nginx`"
        ) && message.contains("web-3: status is Pending, not Running"),
        "{message}"
    );
    let tags_only = diagnostic_at(diagnostics, 7);
    let (line, start) = after(
        CHECKED,
        "{\"Tags\": {\"app\": \"web\", \"env\": \"staging\"}",
    );
    let tags = r#"{"app": "web", "env": "staging"}"#.len() as u32;
    assert_eq!(
        tags_only["range"],
        json!({"start": {"line": line, "character": start - tags}, "end": {"line": line, "character": start}}),
        "on the Tags value when there is no name"
    );
    let no_container = diagnostic_at(diagnostics, 8)["message"]
        .as_str()
        .expect("message");
    assert!(
        no_container.contains("web-4: no container named nginx"),
        "{no_container}"
    );

    let fixed = CHECKED
        .replace("db-*", "web-*")
        .replace("\"web-3\"", "\"web-1\"")
        .replace("staging", "prod")
        .replace("\"web-4\"", "\"web-2\"")
        .replace("eci-web3", "eci-web1");
    let clean = client.replace_and_diagnose(URI, 2, &fixed);
    assert_eq!(clean, json!([]), "{fixed}");
}

const COMPLETED: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerName": "nginx",
  "Execs": [
    {"ContainerGroupName": "", "Command": ["ls"]},
    {"Tags": {"": ""}, "Command": ["ls"]},
    {"Tags": {"app": "", "e": "x"}, "Command": ["ls"]},
    {"Tags": {"app": "web"}, "ContainerName": "", "Command": ["ls"]},
    {"ContainerGroupName": "EB-", "Tags": {"env": "st"}, "Command": ["ls"]}
  ]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completes_instance_names_the_tags_seen_on_the_region_and_the_selected_containers() {
    let (_fake, mut client) = start_fleet(editor()).await;
    client.open(URI, COMPLETED);

    let (line, character) = after(COMPLETED, "{\"ContainerGroupName\": \"");
    let names = complete_list(&mut client, URI, line, character);
    assert_eq!(
        labels(&names),
        ["api-1", "web-1", "web-2", "web-3", "web-4"]
    );
    let web3 = &names["items"][3];
    assert_eq!(web3["detail"], "eci-web3 · Pending");
    assert_eq!(
        web3["textEdit"]["newText"], "web-3",
        "inside the quotes, as every item"
    );

    let (line, character) = after(COMPLETED, "{\"Tags\": {\"");
    let keys = complete_list(&mut client, URI, line, character);
    assert_eq!(labels(&keys), ["app", "env"]);
    assert_eq!(keys["items"][0]["detail"], "api, web", "the values seen");
    assert_eq!(keys["items"][0]["kind"], 10, "a property");

    // The key being written is not offered again; the others of the object are left out.
    let (line, character) = after(COMPLETED, "\"app\": \"\", \"e");
    let other_keys = complete_list(&mut client, URI, line, character);
    assert_eq!(labels(&other_keys), ["env"]);

    let (line, character) = after(COMPLETED, "{\"Tags\": {\"app\": \"");
    let values = complete_list(&mut client, URI, line, character);
    assert_eq!(labels(&values), ["api", "web"], "the values of `app`");
    assert_eq!(values["items"][1]["detail"], "4 instances");
    assert_eq!(values["items"][0]["detail"], "1 instance");

    // What is typed filters the list, anywhere in a name or value (a long list is cut to the
    // best items, and the client asks again as the user types).
    let (line, character) = after(COMPLETED, "\"EB-");
    let typed = complete_list(&mut client, URI, line, character);
    assert_eq!(labels(&typed), ["web-1", "web-2", "web-3", "web-4"]);
    let (line, character) = after(COMPLETED, "\"env\": \"st");
    let typed = complete_list(&mut client, URI, line, character);
    assert_eq!(labels(&typed), ["staging"]);

    let (line, character) = after(
        COMPLETED,
        "{\"Tags\": {\"app\": \"web\"}, \"ContainerName\": \"",
    );
    let containers = complete_list(&mut client, URI, line, character);
    assert_eq!(
        labels(&containers),
        ["nginx", "sidecar"],
        "the containers of the instances the selector matches"
    );
}

/// Hovers until the answer holds `wanted` (the list has landed), within a bound.
fn hover_until(client: &mut LspClient, line: u32, character: u32, wanted: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}}),
        );
        let text = hover["contents"]["value"].as_str().unwrap_or_default();
        if text.contains(wanted) {
            return text.to_owned();
        }
        assert!(Instant::now() < deadline, "no `{wanted}` in {hover}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hover_of_a_selector_lists_its_instances_and_which_are_targets() {
    let (_fake, mut client) = start_fleet(editor()).await;
    client.open(URI, CHECKED);
    let (line, character) = after(CHECKED, "{\"ContainerGroupName\": \"web");
    let text = hover_until(&mut client, line, character, "| instance |");
    assert!(
        text.starts_with(
            "**ContainerGroupName `web-3` with Tags `app=web`**\n\n1 instance matches in cn-hangzhou; 0 of them Running"
        ),
        "{text}"
    );
    assert!(
        text.contains("| web-3 | `eci-web3` | Pending | ✗ status is Pending, not Running |"),
        "{text}"
    );
    assert!(
        text.contains("**ContainerGroupName**"),
        "the field docs follow"
    );

    // Anywhere in a Tags object: the selector, targets first, then the skipped ones.
    let (line, character) = after(CHECKED, "{\"Tags\": {\"app\": \"we");
    let text = hover_until(&mut client, line, character, "| instance |");
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| web")).collect();
    assert_eq!(
        rows,
        [
            "| web-1 | `eci-web1` | Running | ✓ target |",
            "| web-2 | `eci-web2` | Running | ✓ target |",
            "| web-3 | `eci-web3` | Pending | ✗ status is Pending, not Running |",
            "| web-4 | `eci-web4` | Running | ✗ no container named nginx |",
        ],
        "{text}"
    );
    assert!(!text.contains("api-1"), "api-1 does not match: {text}");

    let (line, character) = after(CHECKED, "\"db-");
    let text = hover_until(&mut client, line, character, "No instance");
    assert!(
        text.contains("No instance in cn-hangzhou matches."),
        "{text}"
    );
}

/// The lenses' commands.
fn lens_commands(client: &mut LspClient) -> Vec<Value> {
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let lenses = lenses.as_array().expect("lenses");
    lenses.iter().map(|lens| lens["command"].clone()).collect()
}

fn titles(commands: &[Value]) -> Vec<&str> {
    commands
        .iter()
        .map(|command| command["title"].as_str().expect("title"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lens_of_a_sync_selector_counts_its_targets_once_the_list_is_known() {
    let mut capabilities = editor();
    capabilities["workspace"]["codeLens"] = json!({"refreshSupport": true});
    let (fake, mut client) = start_fleet(capabilities).await;
    fake.add_fault(
        fake_eci::Fault::delay(700)
            .action("DescribeContainerGroups")
            .times(1),
    );
    let text = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerName": "nginx",
  "Sync": true,
  "Execs": [
    {"Tags": {"app": "web"}, "Command": ["uptime"]},
    {"ContainerGroupName": "web-*", "Command": ["uptime"]},
    {"ContainerGroupName": "web-1", "Command": ["uptime"]},
    {"ContainerGroupName": "db-*", "Command": ["uptime"]},
    {"ContainerGroupId": "eci-web1", "Command": ["uptime"]},
    {"Tags": {"app": "web"}, "Command": ["tail", "-f", "/var/log/x"], "Sync": false}
  ]
}"#;
    client.open(URI, text);
    let before = lens_commands(&mut client);
    assert_eq!(
        titles(&before),
        ["▶ Run", "▶ Run", "▶ Run", "▶ Run", "▶ Run", "▶ Stream"],
        "no list yet: no count, no status"
    );
    client.wait_for(|m| m["method"] == "workspace/codeLens/refresh");
    let after = lens_commands(&mut client);
    assert_eq!(
        titles(&after),
        [
            "▶ Run on 2 instances",
            "▶ Run on 2 instances",
            "▶ Run on 1 instance",
            "▶ Run on 0 instances",
            "▶ Run · ● Running",
            "▶ Stream"
        ]
    );
    assert_eq!(
        after[0]["arguments"], before[0]["arguments"],
        "the lens still runs the entry (kind `run`)"
    );
    assert_eq!(after[0]["arguments"][0]["kind"], "run");
}

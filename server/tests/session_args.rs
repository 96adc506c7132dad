//! `eciExec.sessionArgs` over the protocol: the `exec` command line and terminal title of an
//! entry as the document is now, `RequestFailed` for an entry with errors, and the arguments
//! themselves opening a session on the fake when the binary runs them (as editors do).

mod support;

#[path = "support/exec.rs"]
mod exec_support;

use std::process::{Command, Stdio};

use serde_json::{Value, json};
use support::LspClient;

const URI: &str = "file:///work/sessions.eci.json";

const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerGroupId": "eci-bp1fakeweb0001",
  "ContainerName": "nginx",
  "Execs": [
    {"Label": "shell", "Command": ["/bin/bash"], "TTY": true},
    {"Command": ["/bin/sh", "-c", "tail -f /var/log/nginx/access.log | grep 500"], "Stdin": false},
    {"Label": "broken", "Command": []},
    {"Command": ["seq", "3", "10"]},
    {"Label": "web shell", "ContainerGroupName": "web-*", "Tags": {"app": "web"}, "Command": ["sh"], "TTY": true}
  ]
}"#;

fn session_args(client: &mut LspClient, index: usize) -> Value {
    let id = client.start_request(
        "workspace/executeCommand",
        json!({"command": "eciExec.sessionArgs", "arguments": [{"uri": URI, "index": index}]}),
    );
    client.response(id)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn args_and_titles_of_entries_as_the_document_is_now() {
    let (mut client, init) = LspClient::initialized(json!({}), json!({}));
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .unwrap()
            .contains(&json!("eciExec.sessionArgs"))
    );
    client.open(URI, FILE);

    let shell = session_args(&mut client, 0)["result"].clone();
    assert_eq!(
        strings(&shell["args"]),
        [
            "exec",
            "--region",
            "cn-hangzhou",
            "--instance",
            "eci-bp1fakeweb0001",
            "--container",
            "nginx",
            "--tty",
            "--",
            "/bin/bash"
        ]
    );
    assert_eq!(shell["title"], "shell · nginx");

    let stream = session_args(&mut client, 1)["result"].clone();
    let args = strings(&stream["args"]);
    assert_eq!(args[7..10], ["--no-stdin", "--", "/bin/sh"]);
    assert_eq!(
        stream["title"],
        "/bin/sh -c tail -f /var/log/nginx/access… · nginx"
    );

    let selected = session_args(&mut client, 4)["result"].clone();
    assert_eq!(
        strings(&selected["args"])[3..9],
        [
            "--name",
            "web-*",
            "--tag",
            "app=web",
            "--container",
            "nginx"
        ]
    );

    let broken = session_args(&mut client, 2);
    assert_eq!(broken["error"]["code"], -32803, "{broken}");
    let message = broken["error"]["message"].as_str().unwrap();
    assert!(message.contains("command-empty"), "{message}");

    // Unsaved edits count: the container as typed now.
    client.change(URI, 2, [3, 20, 3, 25], "redis");
    let edited = session_args(&mut client, 0)["result"].clone();
    assert_eq!(strings(&edited["args"])[6], "redis");
}

#[test]
fn api_options_when_set() {
    let options =
        json!({"profile": "prod", "endpoint": "http://127.0.0.1:9", "signatureVersion": "v3"});
    let (mut client, _) = LspClient::initialized(json!({}), options);
    client.open(URI, FILE);
    let args = strings(&session_args(&mut client, 0)["result"]["args"]);
    assert_eq!(
        args[8..15],
        [
            "--profile",
            "prod",
            "--endpoint",
            "http://127.0.0.1:9",
            "--signature-version",
            "v3",
            "--"
        ]
    );
    assert!(
        !args.contains(&"--yes".to_owned()),
        "--yes is the editor's to add"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_runs_the_args_it_gives() {
    let fake = exec_support::fake().await;
    let home = tempfile::tempdir().unwrap();
    let env = exec_support::environment(&fake, home.path());
    let (args, title) = tokio::task::spawn_blocking(move || {
        let (mut client, _) = LspClient::initialized(json!({}), json!({}));
        client.open(URI, FILE);
        let answer = session_args(&mut client, 3)["result"].clone();
        (strings(&answer["args"]), answer["title"].clone())
    })
    .await
    .unwrap();
    assert_eq!(title, "seq 3 10 · nginx");
    let output = tokio::task::spawn_blocking(move || {
        // As an editor runs it: the binary, `--yes` after `exec` when confirmRun is false.
        let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
        command
            .arg(&args[0])
            .arg("--yes")
            .args(&args[1..])
            .env_clear()
            .envs(env)
            .stdin(Stdio::null());
        command.output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        exec_support::text(&output.stderr)
    );
    assert_eq!(exec_support::text(&output.stdout), "1\n2\n3\n");
}

//! `eci-exec-lsp run` on fleets and `run --all` as a CI smoke test, and `instances --name/--tag`,
//! end to end: the real binary against the fake API. Text and JSON outputs, exit codes 0/1/2,
//! refusals that send nothing.

use std::path::Path;
use std::process::{Command, Output};

use fake_eci::{FakeConfig, FakeEci, Fault, TEST_KEY_ID, TEST_SECRET};
use serde_json::Value;

const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "Execs": [
    {"Label": "web", "Tags": {"app": "web"}, "ContainerName": "nginx", "Command": ["/bin/sh", "-c", "echo up"], "Sync": true},
    {"Label": "shell", "Tags": {"app": "web"}, "ContainerName": "nginx", "Command": ["/bin/bash"], "TTY": true},
    {"Label": "cache", "ContainerGroupId": "eci-bp1fakeredis002", "ContainerName": "redis", "Command": ["/bin/sh", "-c", "echo PONG"], "Sync": true},
    {"ContainerGroupName": "web-3", "ContainerName": "nginx", "Command": ["/bin/sh", "-c", "echo three"], "Sync": true}
  ]
}"#;

const EXEC: &str = "ExecContainerCommand";

async fn eci_exec_lsp(fake: &FakeEci, home: &Path, args: &[&str]) -> Output {
    let file = home.join("checks.eci.json");
    std::fs::write(&file, FILE).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
    command
        .args(args)
        .current_dir(home)
        .env_clear()
        .env("HOME", home)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET)
        .env("ECI_EXEC_ENDPOINT", fake.url());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Makes every exec on the instance `id` fail with `IncorrectStatus`.
fn fail_on(fake: &FakeEci, id: &str) {
    fake.add_fault(Fault::error(400, "IncorrectStatus").action(EXEC).group(id));
}

fn execs(fake: &FakeEci) -> usize {
    fake.requests().iter().filter(|r| r.action == EXEC).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_all_runs_every_sync_entry_in_order_and_exits_0() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = eci_exec_lsp(&fake, home.path(), &["run", "--all", "checks.eci.json"]).await;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "=== web-5 (eci-bp1fakerep00005) ===\n\
         === web-6 (eci-bp1fakerep00006) ===\n\
         === web-1 (eci-bp1fakerep00001) ===\nup\n\
         === web-2 (eci-bp1fakerep00002) ===\nup\n\
         === web-3 (eci-bp1fakerep00003) ===\nup\n\
         === web-4 (eci-bp1fakerep00004) ===\nup\n\
         === cache (eci-bp1fakeredis002) ===\nPONG\n\
         === web-3 (eci-bp1fakerep00003) ===\nthree\n"
    );
    assert!(
        stderr.contains(
            "skipped: status is Pending, not Running\nskipped: no container named nginx\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("entry 1 (shell) is not a Sync entry: not run"),
        "{stderr}"
    );
    assert_eq!(execs(&fake), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failed_target_exits_1_and_the_others_still_run() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    fail_on(&fake, "eci-bp1fakerep00002");
    let home = tempfile::tempdir().unwrap();
    let output = eci_exec_lsp(
        &fake,
        home.path(),
        &["run", "--label", "web", "checks.eci.json"],
    )
    .await;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.starts_with("=== web-2 (eci-bp1fakerep00002) ===\n=== web-5"),
        "failures first: {stdout}"
    );
    assert!(
        stderr.starts_with("✗ IncorrectStatus: Injected by fake-eci: IncorrectStatus.\n"),
        "{stderr}"
    );
    assert_eq!(stdout.matches("\nup\n").count(), 3, "{stdout}");
    assert_eq!(execs(&fake), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_gives_one_object_per_target_with_the_contract_keys() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    fail_on(&fake, "eci-bp1fakerep00004");
    let home = tempfile::tempdir().unwrap();
    let args = ["run", "--all", "--format", "json", "checks.eci.json"];
    let output = eci_exec_lsp(&fake, home.path(), &args).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let lines: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 8);
    assert_eq!(
        lines[0],
        serde_json::json!({
            "index": 0, "label": "web", "containerGroupId": "eci-bp1fakerep00004",
            "containerGroupName": "web-4", "status": "failed",
            "requestId": lines[0]["requestId"],
            "error": "IncorrectStatus: Injected by fake-eci: IncorrectStatus."
        })
    );
    assert_eq!(
        lines[1],
        serde_json::json!({
            "index": 0, "label": "web", "containerGroupId": "eci-bp1fakerep00005",
            "containerGroupName": "web-5", "status": "skipped",
            "reason": "status is Pending, not Running"
        })
    );
    assert_eq!(lines[3]["status"], "ok");
    assert_eq!(lines[3]["syncResponse"], "up\n");
    assert!(lines[3]["requestId"].is_string());
    let cache = &lines[6];
    assert_eq!(
        (
            cache["index"].as_u64(),
            cache["label"].as_str(),
            cache.get("containerGroupName")
        ),
        (Some(2), Some("cache"), None),
        "an entry that names its id lists nothing: {cache}"
    );
    assert_eq!(lines[7]["index"], 3);
    assert!(lines[7].get("label").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_run_exits_2_and_sends_nothing() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let args = ["run", "--all", "--max-targets", "3", "checks.eci.json"];
    let output = eci_exec_lsp(&fake, home.path(), &args).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("entry 0: not run: the selector picks 4 instances in cn-hangzhou, more than --max-targets (3)"),
        "{stderr}"
    );
    assert_eq!(
        execs(&fake),
        0,
        "refused before anything ran, later entries included"
    );

    fake.set_groups(Vec::new());
    let output = eci_exec_lsp(
        &fake,
        home.path(),
        &["run", "--index", "3", "checks.eci.json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no instance in cn-hangzhou matches the selector"));
    let output = eci_exec_lsp(
        &fake,
        home.path(),
        &["run", "--label", "shell", "checks.eci.json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("is not a Sync entry"));
    let output = eci_exec_lsp(
        &fake,
        home.path(),
        &["run", "--all", "--index", "0", "checks.eci.json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "a usage problem");
    assert_eq!(execs(&fake), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_prints_its_output_as_is() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = eci_exec_lsp(
        &fake,
        home.path(),
        &["run", "--index", "3", "checks.eci.json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stdout), "three\n");
    let listing = &fake.requests()[0];
    assert_eq!(
        listing.params["ContainerGroupName"], "web-3",
        "the API filters an exact name"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_previews_what_a_selector_picks() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let args = [
        "instances",
        "--region",
        "cn-hangzhou",
        "--name",
        "web-*",
        "--tag",
        "env=prod",
        "--tag",
        "app=web",
    ];
    let output = eci_exec_lsp(&fake, home.path(), &args).await;
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        stdout.starts_with(
            "5 container groups in cn-hangzhou matching name web-* and tags env=prod, app=web\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("    tags: app=web, env=prod\n"), "{stdout}");
    assert!(
        !stdout.contains("web-3") && !stdout.contains("web-frontend"),
        "{stdout}"
    );
    let sent = &fake.requests()[0].params;
    assert_eq!(sent["Tag.1.Key"], "env");
    assert!(
        !sent.contains_key("ContainerGroupName"),
        "a pattern is matched locally"
    );

    let bad = eci_exec_lsp(&fake, home.path(), &["instances", "--tag", "app"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("is not KEY=VALUE"));
}

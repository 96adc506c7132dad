//! `eci-exec-lsp run` end to end: the real binary against an in-process fake of the API.

use std::path::Path;
use std::process::{Command, Output};

use fake_eci::{FakeConfig, FakeEci, FakeKey, Fault, TEST_KEY_ID, TEST_SECRET};

const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerGroupId": "eci-bp1fakeweb0001",
  "Execs": [
    {"Label": "hello", "ContainerName": "nginx", "Command": ["/bin/sh", "-c", "echo hello"], "Sync": true},
    {"Label": "pending", "ContainerGroupId": "eci-bp1fakepend0003", "ContainerName": "worker", "Command": ["ls"], "Sync": true},
    {"Label": "broken", "ContainerName": "nginx", "Command": [], "Sync": true},
    {"Label": "shell", "ContainerName": "nginx", "Command": ["/bin/bash"], "TTY": true},
    {"Label": "half emoji", "ContainerName": "nginx", "Command": ["echo", "\ud83d"], "Sync": true}
  ]
}"#;

async fn run(fake: &FakeEci, home: &Path, args: &[&str]) -> Output {
    run_with_env(fake, home, args, &[]).await
}

async fn run_with_env(fake: &FakeEci, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let file = home.join("run.eci.json");
    std::fs::write(&file, FILE).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
    command
        .arg("run")
        .args(args)
        .arg(&file)
        .env_clear()
        .env("HOME", home)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET)
        .env("ECI_EXEC_ENDPOINT", fake.url())
        .envs(env.iter().copied());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_an_entry_by_label_or_index_and_prints_its_output() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    for args in [&["--label", "hello"][..], &["--index", "0"][..]] {
        let output = run(&fake, home.path(), args).await;
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(text(&output.stdout), "hello\n");
    }
    let sent = fake.requests();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|request| request.action == "ExecContainerCommand")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_its_code() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = run(&fake, home.path(), &["--label", "pending"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("IncorrectStatus"),
        "{}",
        text(&output.stderr)
    );
    assert!(!text(&output.stderr).contains(TEST_SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_with_errors_or_no_choice_is_refused_before_sending() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let broken = run(&fake, home.path(), &["--label", "broken"]).await;
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        text(&broken.stderr).contains("command-empty"),
        "{}",
        text(&broken.stderr)
    );
    let unchosen = run(&fake, home.path(), &[]).await;
    assert_eq!(unchosen.status.code(), Some(2));
    assert!(text(&unchosen.stderr).contains("choose one with --label or --index"));
    let missing = run(&fake, home.path(), &["--label", "nope"]).await;
    assert_eq!(missing.status.code(), Some(2));
    assert!(fake.requests().is_empty(), "a refused run reached the API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_entry_is_left_to_exec() {
    // A TTY entry opens a session, which `exec` bridges; `run` would only get a URI whose
    // token must not be printed.
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = run(&fake, home.path(), &["--label", "shell"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("use `eci-exec-lsp exec`"),
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).is_empty());
    assert!(
        fake.requests().is_empty(),
        "a session entry reached the API"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_surrogate_escape_in_the_command_is_refused_before_sending() {
    // The API would receive U+FFFD instead of what the file says.
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = run(&fake, home.path(), &["--label", "half emoji"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("invalid-escape"),
        "{}",
        text(&output.stderr)
    );
    assert!(fake.requests().is_empty(), "a refused run reached the API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_no_object_with_a_request_id_is_a_failure() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    for body in ["{}", "[1,2]", r#"{"SyncResponse": "hello\n"}"#] {
        fake.reset();
        fake.add_fault(Fault::body(200, body));
        let output = run(&fake, home.path(), &["--label", "hello"]).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{body}: {stderr}");
        assert!(stderr.contains("InvalidResponse: "), "{body}: {stderr}");
        assert!(stderr.contains("may have run"), "{body}: {stderr}");
        assert_eq!(text(&output.stdout), "", "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_that_echoes_the_sts_token_is_redacted() {
    const TOKEN: &str = "CliStsToken+/=EchoedBackByTheGateway0123";
    let key = FakeKey::new(TEST_KEY_ID, TEST_SECRET).with_token(TOKEN);
    let fake = FakeEci::start(FakeConfig {
        keys: vec![key],
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    fake.add_fault(Fault::echo_token());
    let home = tempfile::tempdir().unwrap();
    let env = [("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)];
    let output = run_with_env(&fake, home.path(), &["--label", "hello"], &env).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("InvalidSecurityToken.Malformed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("SecurityToken *** is malformed"),
        "{stderr}"
    );
    for needle in [TOKEN, "EchoedBackByTheGateway0123", TEST_SECRET] {
        assert!(!stderr.contains(needle), "{needle} in {stderr}");
    }
}

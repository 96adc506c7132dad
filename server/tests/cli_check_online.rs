//! `eci-exec-lsp check --online` end to end against an in-process fake of the API.

use std::process::{Command, Output};

use fake_eci::{FakeConfig, FakeEci, TEST_KEY_ID, TEST_SECRET};

const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "Execs": [
    {"ContainerGroupId": "eci-doesnotexist1", "ContainerName": "nginx", "Command": ["ls"]},
    {"ContainerGroupId": "eci-bp1fakepend0003", "ContainerName": "worker", "Command": ["ls"]},
    {"ContainerGroupId": "eci-bp1fakeweb0001", "ContainerName": "nginx", "Command": ["ls"]}
  ]
}"#;

async fn check(credentials: bool, url: String) -> Output {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("a.eci.json");
    std::fs::write(&file, FILE).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
    command
        .args(["check", "--online", "--format", "json"])
        .arg(&file)
        .env_clear()
        .env("HOME", home.path())
        .env("ECI_EXEC_ENDPOINT", url);
    if credentials {
        command
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_check_reports_unknown_and_stopped_instances() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let output = check(true, fake.url()).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "warnings only: {stdout}");
    let codes: Vec<String> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        codes,
        ["unknown-container-group", "container-group-not-running"]
    );
    assert_eq!(fake.requests().len(), 1, "one list per region");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_check_without_credentials_is_a_usage_error() {
    let output = check(false, "http://127.0.0.1:9".to_owned()).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no credentials found"));
}

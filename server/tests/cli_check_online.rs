//! `eci-exec-lsp check --online` end to end against an in-process fake of the API: exit 2
//! whenever the online checks could not run, for all regions or only some.

use std::process::{Command, Output};

use fake_eci::{FakeConfig, FakeEci, Fault, TEST_KEY_ID, TEST_SECRET};

const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "Execs": [
    {"ContainerGroupId": "eci-doesnotexist1", "ContainerName": "nginx", "Command": ["ls"]},
    {"ContainerGroupId": "eci-bp1fakepend0003", "ContainerName": "worker", "Command": ["ls"]},
    {"ContainerGroupId": "eci-bp1fakeweb0001", "ContainerName": "nginx", "Command": ["ls"]}
  ]
}"#;

async fn check(credentials: bool, url: String) -> Output {
    check_text(FILE, credentials, url).await
}

async fn check_text(text: &str, credentials: bool, url: String) -> Output {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("a.eci.json");
    std::fs::write(&file, text).unwrap();
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

/// The codes of the JSON report, in order.
fn codes(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_check_reports_unknown_and_stopped_instances() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let output = check(true, fake.url()).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "warnings only: {stdout}");
    assert_eq!(
        codes(&output),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_that_refuses_is_exit_2_with_the_offline_report_kept() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    fake.add_fault(Fault::error(403, "Forbidden.RAM"));
    let text = FILE.replace(r#""Command": ["ls"]}"#, r#""Command": []}"#);
    let output = check_text(&text, true, fake.url()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Forbidden.RAM"), "{stderr}");
    assert!(stderr.contains("online checks could not run"), "{stderr}");
    assert!(
        codes(&output).contains(&"command-empty".to_owned()),
        "offline diagnostics still printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_is_exit_2() {
    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = check(true, format!("http://127.0.0.1:{port}")).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot talk to"), "{stderr}");
    assert!(stderr.contains("online checks could not run"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_region_of_two_failing_is_still_exit_2() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    // Not retried, and only once: the first region's list fails, the second is fetched.
    fake.add_fault(Fault::error(403, "Forbidden.RAM").times(1));
    let text = r#"{
  "Execs": [
    {"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-doesnotexist1", "ContainerName": "nginx", "Command": ["ls"]},
    {"RegionId": "cn-beijing", "ContainerGroupId": "eci-doesnotexist2", "ContainerName": "nginx", "Command": ["ls"]}
  ]
}"#;
    let output = check_text(text, true, fake.url()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("online checks could not run for 1 of 2 regions"),
        "{stderr}"
    );
    assert_eq!(
        codes(&output),
        ["unknown-container-group"],
        "the region that answered is checked"
    );
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_check_lists_the_region_of_a_selector_and_reports_one_without_targets() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    // Only selectors name cn-shanghai: its list is fetched for them.
    let text = r#"{
  "RegionId": "cn-shanghai",
  "ContainerName": "nginx",
  "Execs": [
    {"ContainerGroupName": "nothing-*", "Command": ["ls"]},
    {"ContainerGroupName": "*", "ContainerName": "no-such-container", "Command": ["ls"]}
  ]
}"#;
    let output = check_text(text, true, fake.url()).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "warnings only: {stdout}");
    assert_eq!(
        codes(&output),
        ["no-matching-instance", "no-matching-instance"],
        "{stdout}"
    );
    assert!(
        stdout.contains("no instance in cn-shanghai matches"),
        "{stdout}"
    );
    assert!(
        stdout.contains("none is Running with a container named `no-such-container`"),
        "{stdout}"
    );
}

//! `eci-exec-lsp instances` end to end: the real binary against an in-process fake, with a
//! temporary HOME and only the environment given here.

use std::path::Path;
use std::process::{Command, Output};

use fake_eci::{FakeConfig, FakeEci, TEST_KEY_ID, TEST_SECRET};

async fn run(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
    command
        .arg("instances")
        .args(args)
        .env_clear()
        .env("HOME", home);
    for (name, value) in env {
        command.env(name, value);
    }
    // The fake runs on this runtime's other worker while the binary runs.
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_the_fixture_groups() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = fake.url();
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET),
        ("ECI_EXEC_ENDPOINT", url.as_str()),
    ];
    let output = run(home.path(), &env, &[]).await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.starts_with("9 container groups in cn-hangzhou\n"),
        "{stdout}"
    );
    for expected in [
        "eci-bp1fakeweb0001",
        "web-frontend",
        "cn-hangzhou-h",
        "172.16.0.11 / 47.96.10.11",
        "└ nginx  registry.cn-hangzhou.aliyuncs.com/eci_open/nginx:1.14.2  (Running, ready)",
        "└ log-agent",
        "eci-bp1fakeredis002",
        "eci-bp1fakepend0003  batch-pending",
        "(Waiting)",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected} missing in:\n{stdout}"
        );
    }
    assert!(!stdout.contains("eci-uf6fakeapp00004"));

    let output = run(
        home.path(),
        &env,
        &["--region", "cn-shanghai", "--signature-version", "v3"],
    )
    .await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.contains("eci-uf6fakeapp00004") && stdout.contains("eci-uf6fakejob00005"),
        "{stdout}"
    );
    assert!(stdout.contains("(Terminated, 3 restarts)"), "{stdout}");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.signature_version == "v3" && r.signature_ok)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uses_the_cli_profile_and_its_region() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aliyun")).unwrap();
    let config = serde_json::json!({
        "current": "default",
        "profiles": [{"name": "default", "mode": "AK", "access_key_id": TEST_KEY_ID,
                      "access_key_secret": TEST_SECRET, "region_id": "ap-southeast-1"}]
    });
    std::fs::write(home.path().join(".aliyun/config.json"), config.to_string()).unwrap();
    let output = run(home.path(), &[], &["--endpoint", &fake.url()]).await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        stdout.starts_with("1 container group in ap-southeast-1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("eci-t4nfakesg000006") && stdout.contains("envoyproxy/envoy:v1.30"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_exit_non_zero_with_a_message() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = fake.url();

    let output = run(home.path(), &[("ECI_EXEC_ENDPOINT", url.as_str())], &[]).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no credentials found") && stderr.contains("aliyun configure"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    let wrong = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "TheWrongSecretValue123"),
        ("ECI_EXEC_ENDPOINT", url.as_str()),
    ];
    let output = run(home.path(), &wrong, &[]).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("SignatureDoesNotMatch") && stderr.contains("AccessKeySecret is wrong"),
        "{stderr}"
    );
    assert!(!stderr.contains("TheWrongSecretValue123") && output.stdout.is_empty());

    let output = run(home.path(), &wrong, &["--endpoint", "http://10.1.2.3:8080"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("plain http is allowed only for a loopback host"));
}

//! Running `eci-exec-lsp exec` against an in-process fake: the command with a clean
//! environment (no credentials of the machine, the fake's key and endpoint), and the flags of
//! the fake's running instance.
#![allow(dead_code)] // Each test binary uses a different part.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fake_eci::{FakeConfig, FakeEci, TEST_KEY_ID, TEST_SECRET};

/// The fake's running instance and container (tests/fake-eci/fixtures).
pub const REGION: &str = "cn-hangzhou";
pub const INSTANCE: &str = "eci-bp1fakeweb0001";
pub const CONTAINER: &str = "nginx";

/// A fake with the shipped fixture plus three generated instances in cn-hangzhou
/// (`generated-0..2`, container `main`, tags `app=generated`, `index=N`).
pub async fn fake() -> FakeEci {
    let mut config = FakeConfig::default();
    config.groups.extend(fake_eci::fixture::generate(3, REGION));
    FakeEci::start(config).await.expect("start the fake")
}

/// The environment every run gets: an empty HOME, the fake's key and endpoint, nothing else
/// of this machine's (no real credentials, no proxy).
pub fn environment(fake: &FakeEci, home: &Path) -> Vec<(String, String)> {
    [
        ("HOME", home.display().to_string()),
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID.to_owned()),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET.to_owned()),
        ("ECI_EXEC_ENDPOINT", fake.url()),
    ]
    .map(|(key, value)| (key.to_owned(), value))
    .to_vec()
}

/// `eci-exec-lsp exec ARGS` with that environment.
pub fn exec(fake: &FakeEci, home: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
    command.arg("exec").args(args).env_clear();
    command.envs(environment(fake, home));
    command
}

/// `--region R --instance I --container C` then `extra`, then `--` and the command.
pub fn flags<'a>(extra: &[&'a str], command: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--region",
        REGION,
        "--instance",
        INSTANCE,
        "--container",
        CONTAINER,
    ];
    args.extend(extra);
    args.push("--");
    args.extend(command);
    args
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits (polling, without blocking the runtime) until `done`, for at most 20 s.
pub async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sends the signal `name` (`TERM`, `INT`, ...) with the `kill` command.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

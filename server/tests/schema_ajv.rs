//! `schemas/eci-exec.schema.json` with a second, independent validator: ajv 8 in strict mode,
//! in Node, files read as JSONC by VS Code's parser (`tests/schema/validate.mjs`, pinned by
//! `tests/schema/package-lock.json`, installed by `tests/schema/setup.sh`, which CI runs). It
//! must agree with `check` as the Rust validator does (`verdicts/mod.rs`). Without Node or the
//! installed packages the test fails when `CI=true` and is skipped, saying so, elsewhere.

mod support;
mod verdicts;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use verdicts::{Failure, Verdict, root, schema_path};

fn folder() -> PathBuf {
    root().join("tests/schema")
}

/// Why ajv cannot run here, if it cannot.
fn missing() -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("`node` is not on PATH".to_owned());
    }
    let installed = ["ajv", "jsonc-parser"]
        .iter()
        .all(|package| folder().join("node_modules").join(package).is_dir());
    (!installed).then(|| "tests/schema/node_modules is missing".to_owned())
}

/// Runs the script on `files`; its verdict on each.
fn ajv_verdicts(files: &[PathBuf]) -> BTreeMap<PathBuf, Verdict> {
    let output = Command::new("node")
        .arg(folder().join("validate.mjs"))
        .arg(schema_path())
        .args(files)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "validate.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts: BTreeMap<PathBuf, Verdict> = String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| {
            let result: Value = serde_json::from_str(line).expect("a JSON line");
            let file = PathBuf::from(result["file"].as_str().expect("file"));
            let failures = result["failures"].as_array().expect("failures").iter();
            let verdict = (result["parsed"] == true).then(|| {
                let mut failures: Vec<Failure> = failures
                    .map(|failure| Failure {
                        pointer: failure["pointer"].as_str().expect("pointer").to_owned(),
                        keyword: failure["keyword"].as_str().expect("keyword").to_owned(),
                        on_string: failure["onString"] == true,
                    })
                    .collect();
                failures.sort();
                failures
            });
            (file, verdict)
        })
        .collect();
    assert_eq!(verdicts.len(), files.len(), "one verdict per file");
    verdicts
}

/// Whether the test runs in CI, where a missing validator is a failure.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

#[test]
fn ajv_in_strict_mode_agrees_with_check_on_every_rule_fixture_and_example() {
    if let Some(reason) = missing() {
        assert!(
            !in_ci(),
            "the second schema validator cannot run in CI: {reason}; `bash tests/schema/setup.sh` \
             installs it (tests/run-all.sh runs it first)"
        );
        eprintln!(
            "SKIPPED: the ajv schema test needs Node and `bash tests/schema/setup.sh` ({reason})"
        );
        return;
    }
    let files = verdicts::files();
    let (problems, read) = verdicts::compare(&ajv_verdicts(&files));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(read >= 20, "ajv read only {read} of {} files", files.len());
}

#[test]
fn ajv_flags_a_command_string_that_holds_no_array() {
    if missing().is_some() {
        return; // Said by the test above.
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let write = |name: &str, command: &str| -> PathBuf {
        let path = dir.path().join(name);
        let text = format!(
            "{{\"RegionId\": \"cn-hangzhou\", \"ContainerGroupId\": \"eci-a\", \"ContainerName\": \"a\", \"Command\": {command}}}"
        );
        std::fs::write(&path, text).expect("write");
        path
    };
    let good = write("good.eci.json", r#""[\"ls\", \"-a\"]""#);
    let bad = write("bad.eci.json", r#""ls -a""#);
    let verdicts = ajv_verdicts(&[good.clone(), bad.clone()]);
    assert_eq!(verdicts[&good], Some(Vec::new()));
    let failures = verdicts[&bad].clone().expect("read");
    assert!(
        failures
            .iter()
            .all(|f| f.pointer == "/Command" && f.keyword == "pattern" && f.on_string),
        "{failures:?}"
    );
    assert!(!failures.is_empty());
}

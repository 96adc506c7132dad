//! `eci-exec-lsp check` as the contract describes it: text and JSON output (0-based UTF-16
//! positions in JSON), folders searched for exec configs, invalid UTF-8, missing paths, and the
//! exit codes 0 (no error), 1 (errors), 2 (usage or unreadable path).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn check(args: &[&Path], format: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
    command.arg("check");
    if let Some(format) = format {
        command.args(["--format", format]);
    }
    command.args(args).output().expect("run check")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn json_lines(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

const CLEAN: &str = r#"{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-abc", "ContainerName": "nginx", "Command": ["ls"], "Sync": true}"#;
/// Warnings only: an unknown field and an unknown region.
const WARNINGS: &str = r#"{"RegionId": "mars-1", "ContainerGroupId": "eci-abc", "ContainerName": "nginx", "Command": ["ls"], "Tty": false}"#;
/// An error: Sync with TTY.
const ERROR: &str = r#"{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-abc", "ContainerName": "nginx", "Command": ["ls"], "Sync": true, "TTY": true}"#;

#[test]
fn exit_codes_follow_the_worst_severity() {
    let folder = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = folder.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let clean = write("clean.eci.json", CLEAN);
    let warnings = write("warnings.eci.json", WARNINGS);
    let error = write("error.eci.json", ERROR);

    let output = check(&[&clean], None);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");

    let output = check(&[&warnings], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "warnings only: {}",
        stdout(&output)
    );
    let text = stdout(&output);
    let prefix = format!("{}:1:", warnings.display());
    assert!(
        text.lines().count() == 2 && text.lines().all(|line| line.starts_with(&prefix)),
        "{text}"
    );
    assert!(
        text.contains(": warning[unknown-region]: ") && text.contains(": warning[unknown-field]: "),
        "{text}"
    );

    let output = check(&[&warnings, &error, &clean], None);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    // 1-based column of the TTY value `true` (the line is ASCII).
    let tty_column = ERROR.find("\"TTY\": true").expect("TTY") + "\"TTY\": ".len() + 1;
    let expected = format!("{}:1:{tty_column}: error[sync-with-tty]: ", error.display());
    assert!(
        text.lines().any(|line| line.starts_with(&expected)),
        "{expected} in {text}"
    );
}

#[test]
fn json_output_has_zero_based_utf16_positions() {
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("emoji.eci.jsonc");
    // Line 1 (0-based) has "😀😀" (4 UTF-16 units, 8 bytes) before the unknown field.
    let text = "{\n  \"Label\": \"😀😀\", \"Tty\": true,\n  \"RegionId\": \"cn-hangzhou\", \"ContainerGroupId\": \"eci-abc\",\n  \"ContainerName\": \"nginx\", \"Command\": [\"ls\", 5]\n}\n";
    std::fs::write(&path, text).expect("write");
    let output = check(&[&path], Some("json"));
    assert_eq!(output.status.code(), Some(1), "invalid-type is an error");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let unknown = lines
        .iter()
        .find(|line| line["code"] == "unknown-field")
        .expect("unknown-field");
    assert_eq!(unknown["path"], path.display().to_string());
    assert_eq!(unknown["severity"], "warning");
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("TTY")),
        "suggests TTY: {unknown}"
    );
    // `  "Label": "😀😀", ` is 2 + 8 + 1 + 6 (with 4 UTF-16 units for the emoji) + 2 = 19 units.
    let start = "  \"Label\": \"😀😀\", ".encode_utf16().count() as u64;
    assert_eq!(start, 19);
    assert_eq!(
        unknown["range"]["start"],
        serde_json::json!({"line": 1, "character": start})
    );
    assert_eq!(
        unknown["range"]["end"],
        serde_json::json!({"line": 1, "character": start + 5})
    );
    let invalid = lines
        .iter()
        .find(|line| line["code"] == "invalid-type")
        .expect("invalid-type");
    assert_eq!(invalid["severity"], "error");
    let column = text.lines().nth(3).expect("line 3").find('5').expect("5") as u64;
    assert_eq!(
        invalid["range"]["start"],
        serde_json::json!({"line": 3, "character": column})
    );
    assert_eq!(
        invalid["range"]["end"],
        serde_json::json!({"line": 3, "character": column + 1})
    );
}

#[test]
fn invalid_utf8_is_a_syntax_error_and_the_rest_is_still_checked() {
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("latin1.eci.json");
    let mut bytes = br#"{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-abc", "ContainerName": "Web", "Label": "caf"#.to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(br#"", "Command": ["ls"], "Tty": true}"#);
    std::fs::write(&path, &bytes).expect("write");
    let output = check(&[&path], Some("json"));
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let lines = json_lines(&output);
    let syntax: Vec<&Value> = lines
        .iter()
        .filter(|line| line["code"] == "syntax")
        .collect();
    assert_eq!(syntax.len(), 1, "{lines:?}");
    assert!(
        syntax[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-8")),
        "{}",
        syntax[0]
    );
    assert_eq!(syntax[0]["severity"], "error");
    // The bad byte's offset is its UTF-16 column: all ASCII before it, on line 0.
    let at = bytes.iter().position(|&b| b == 0xff).expect("0xff") as u64;
    assert_eq!(
        syntax[0]["range"]["start"],
        serde_json::json!({"line": 0, "character": at})
    );
    let codes: Vec<&str> = lines
        .iter()
        .filter_map(|line| line["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"invalid-container-name"),
        "other rules still run: {codes:?}"
    );
    assert!(
        codes.contains(&"unknown-field"),
        "other rules still run: {codes:?}"
    );
}

#[test]
fn a_missing_path_exits_2_and_the_other_files_are_still_checked() {
    let folder = tempfile::tempdir().expect("temp dir");
    let missing = folder.path().join("missing.eci.json");
    let present = folder.path().join("present.eci.json");
    std::fs::write(&present, WARNINGS).expect("write");
    let output = check(&[&missing, &present], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&missing.display().to_string()),
        "stderr names the path: {stderr}"
    );
    let text = stdout(&output);
    assert!(
        text.contains(&format!("{}:1:", present.display())),
        "the other file is checked: {text}"
    );
    assert!(
        !text.contains("missing.eci.json"),
        "stdout has diagnostics only: {text}"
    );
    // The same when the missing path comes last, and when the other file has errors.
    let error = folder.path().join("error.eci.json");
    std::fs::write(&error, ERROR).expect("write");
    let output = check(&[&error, &missing], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("error[sync-with-tty]"));
}

#[test]
fn no_path_is_a_usage_error() {
    let output = check(&[], None);
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"))
        .args(["check", "--format", "xml", "x.eci.json"])
        .output()
        .expect("run check");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_folder_is_searched_recursively_for_exec_configs_only() {
    let folder = tempfile::tempdir().expect("temp dir");
    let root = folder.path();
    std::fs::create_dir_all(root.join("deploy/nested/deeper")).expect("dirs");
    let configs = [
        "a.eci.json",
        "deploy/b.eci.jsonc",
        "deploy/nested/eci-exec.json",
        "deploy/nested/deeper/c.eci.json",
    ];
    for name in configs {
        std::fs::write(root.join(name), WARNINGS).expect("write");
    }
    // Other JSON files are not exec configs, whatever they hold.
    for name in [
        "package.json",
        "deploy/settings.json",
        "deploy/nested/eci.json",
        "deploy/x.eci.json.bak",
        "deploy/my-eci-exec.json",
    ] {
        std::fs::write(root.join(name), ERROR).expect("write");
    }
    let output = check(&[root], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "only the warning files are checked: {}",
        stdout(&output)
    );
    let text = stdout(&output);
    let mut paths: Vec<String> = text
        .lines()
        .map(|line| line.split(":1:").next().expect("path").to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    let mut expected: Vec<String> = configs
        .iter()
        .map(|name| root.join(name).display().to_string())
        .collect();
    expected.sort();
    assert_eq!(paths, expected, "{text}");
    // A relative folder: paths are joined under it as given.
    let output = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"))
        .current_dir(root)
        .args(["check", "--format", "json", "deploy"])
        .output()
        .expect("run check");
    assert_eq!(output.status.code(), Some(0));
    let mut paths: Vec<String> = json_lines(&output)
        .iter()
        .map(|line| line["path"].as_str().expect("path").to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(
        paths,
        [
            "deploy/b.eci.jsonc",
            "deploy/nested/deeper/c.eci.json",
            "deploy/nested/eci-exec.json"
        ]
    );
}

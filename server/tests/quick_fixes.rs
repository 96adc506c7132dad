//! Every quick fix, applied to every fixture diagnostic that offers one, resolves it; the
//! Command rewrites round-trip.

use std::path::Path;

use eci_exec_lsp::analysis::actions::{ActionKind, actions};
use eci_exec_lsp::analysis::diagnostic::{Code, Edit};
use eci_exec_lsp::analysis::{analyze, span::Span};

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
    let mut result = text.to_owned();
    for edit in edits {
        result.replace_range(edit.span.start..edit.span.end, &edit.text);
    }
    result
}

fn count(text: &str, code: Code, message: &str) -> usize {
    analyze(text)
        .diagnostics
        .iter()
        .filter(|d| d.code == code && d.message == message)
        .count()
}

#[test]
fn every_fix_in_the_fixtures_removes_its_diagnostic() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules");
    let mut applied = std::collections::HashSet::new();
    for entry in std::fs::read_dir(folder).expect("fixtures") {
        let path = entry.expect("entry").path();
        if !path
            .extension()
            .is_some_and(|ext| ext == "json" || ext == "jsonc")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("text");
        for diagnostic in analyze(&text).diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            let before = count(&text, diagnostic.code, &diagnostic.message);
            let fixed = apply(&text, &fix.edits);
            let after = count(&fixed, diagnostic.code, &diagnostic.message);
            assert_eq!(
                after + 1,
                before,
                "{}: `{}` did not fix {:?}:\n{fixed}",
                path.display(),
                fix.title,
                diagnostic
            );
            assert!(
                !analyze(&fixed)
                    .diagnostics
                    .iter()
                    .any(|d| d.code == Code::Syntax)
                    || analyze(&text)
                        .diagnostics
                        .iter()
                        .any(|d| d.code == Code::Syntax),
                "{}: `{}` broke the JSON:\n{fixed}",
                path.display(),
                fix.title
            );
            applied.insert(diagnostic.code.as_str());
        }
    }
    for code in [
        "unknown-field",
        "missing-field",
        "sync-with-tty",
        "command-invalid-json",
    ] {
        assert!(
            applied.contains(code),
            "no fixture exercised the {code} fix"
        );
    }
}

#[test]
fn adding_a_missing_field_keeps_the_file_layout() {
    let text = "{\r\n  \"Execs\": [\r\n    {\r\n      \"Command\": [\"ls\"]\r\n    }\r\n  ]\r\n}";
    let analysis = analyze(text);
    let add = analysis
        .diagnostics
        .iter()
        .find_map(|d| d.fix.as_ref().filter(|fix| fix.title == "Add RegionId"))
        .expect("fix");
    let fixed = apply(text, &add.edits);
    assert!(
        fixed.contains("\"Command\": [\"ls\"],\r\n      \"RegionId\": \"\"\r\n"),
        "{fixed}"
    );
}

#[test]
fn inherited_tty_is_overridden_in_the_entry() {
    let text = r#"{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-a", "ContainerName": "n", "TTY": true, "Sync": true,
 "Execs": [{"Command": ["ls"]}]}"#;
    let analysis = analyze(text);
    let fix = analysis
        .diagnostics
        .iter()
        .find(|d| d.code == Code::SyncWithTty)
        .and_then(|d| d.fix.clone())
        .expect("fix");
    let fixed = apply(text, &fix.edits);
    assert!(
        fixed.contains(r#"{"Command": ["ls"], "TTY": false}"#),
        "{fixed}"
    );
    assert!(
        analyze(&fixed).diagnostics.is_empty(),
        "{:?}",
        analyze(&fixed).diagnostics
    );
}

#[test]
fn command_rewrites_round_trip() {
    let text = r#"{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-a", "ContainerName": "n", "Command": ["/bin/sh", "-c", "echo \"héllo\" 😀"]}"#;
    let at = Span::new(
        text.find("Command").expect("command") + 12,
        text.find("Command").expect("command") + 12,
    );
    let analysis = analyze(text);
    let to_string = actions(&analysis, at)
        .into_iter()
        .find(|a| a.kind == ActionKind::Rewrite)
        .expect("rewrite");
    let as_string = apply(text, &to_string.fix.edits);
    assert!(
        as_string.contains(r#""Command": "[\"/bin/sh\",\"-c\",\"echo \\\"héllo\\\" 😀\"]""#),
        "{as_string}"
    );
    assert!(analyze(&as_string).diagnostics.is_empty());
    let analysis = analyze(&as_string);
    let to_array = actions(&analysis, at)
        .into_iter()
        .find(|a| a.kind == ActionKind::Rewrite)
        .expect("rewrite back");
    assert_eq!(apply(&as_string, &to_array.fix.edits), text);
}

#[test]
fn no_fix_rewrites_a_lone_surrogate_into_a_replacement_character() {
    // Decoding `\ud83d` gives U+FFFD: a rewrite from the decoded text would change the command
    // and hide the invalid-escape error.
    let entry = |command: &str| {
        format!(
            r#"{{"RegionId": "cn-hangzhou", "ContainerGroupId": "eci-a", "ContainerName": "n", "Command": {command}}}"#
        )
    };
    for command in [
        r#"["echo", "\ud83d"]"#,
        r#""[\"echo\", \"\ud83d\"]""#,
        r#""[\"echo\", \"\\ud83d\"]""#,
        r#""echo \ud83d""#,
    ] {
        let text = entry(command);
        let analysis = analyze(&text);
        assert!(
            analysis
                .diagnostics
                .iter()
                .any(|d| d.code == Code::InvalidEscape),
            "{text}"
        );
        for action in actions(&analysis, Span::new(0, text.len())) {
            let fixed = apply(&text, &action.fix.edits);
            assert!(
                !fixed.contains('\u{fffd}'),
                "`{}` wrote U+FFFD: {fixed}",
                action.fix.title
            );
        }
    }
}

//! Every quick fix, applied to every fixture diagnostic that offers one, resolves it; no fix
//! or action adds a syntax error, on any prefix of a fixture or example; the Command rewrites
//! round-trip and never write a lone surrogate's U+FFFD.

mod support;

use eci_exec_lsp::analysis::actions::{ActionKind, actions};
use eci_exec_lsp::analysis::diagnostic::{Code, Edit, Fix};
use eci_exec_lsp::analysis::{Analysis, analyze, span::Span};
use support::fixture_files;

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
    let mut applied = std::collections::HashSet::new();
    for path in fixture_files("tests/fixtures/rules") {
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

/// The syntax errors of an analysis (not trailing commas: those are warnings).
fn syntax_errors(analysis: &Analysis) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Syntax)
        .count()
}

/// Every edit set offered on a text: each diagnostic's fix, and every code action over the
/// whole text and over each entry (a whole-text range offers the first Command's rewrite only).
fn offered_fixes(analysis: &Analysis, text: &str) -> Vec<Fix> {
    let mut ranges = vec![Span::new(0, text.len())];
    if let Some(model) = &analysis.model {
        ranges.extend(model.entries.iter().map(|entry| entry.span));
    }
    let mut fixes: Vec<Fix> = analysis
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.clone())
        .collect();
    for range in ranges {
        for action in actions(analysis, range) {
            if !fixes.contains(&action.fix) {
                fixes.push(action.fix);
            }
        }
    }
    fixes
}

/// Where to cut `text`: at every character boundary of a small file; a large one at a stride
/// (about 600 cuts) plus its last 64 boundaries, to keep the test at a few seconds in debug.
fn cuts(text: &str) -> Vec<usize> {
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&at| text.is_char_boundary(at))
        .collect();
    let stride = boundaries.len().div_ceil(600).max(1);
    let tail = boundaries.len().saturating_sub(64);
    boundaries
        .iter()
        .enumerate()
        .filter(|(index, _)| index % stride == 0 || *index >= tail)
        .map(|(_, at)| *at)
        .collect()
}

#[test]
fn no_fix_adds_a_syntax_error_to_any_prefix_of_the_fixtures_and_examples() {
    // Every prefix is what a user typing the file from the top has on screen.
    let mut files = fixture_files("tests/fixtures/rules");
    files.extend(fixture_files("examples"));
    assert!(files.len() >= 25, "fixtures missing: {}", files.len());
    let (mut checked, mut failures) = (0, Vec::new());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("text");
        for cut in cuts(&text) {
            let prefix = &text[..cut];
            let analysis = analyze(prefix);
            let before = syntax_errors(&analysis);
            for fix in offered_fixes(&analysis, prefix) {
                checked += 1;
                let fixed = apply(prefix, &fix.edits);
                let after = syntax_errors(&analyze(&fixed));
                if after > before {
                    failures.push(format!(
                        "{} cut at {cut}: `{}` took the syntax errors from {before} to {after}:\n--- before\n{prefix}\n--- after\n{fixed}",
                        file.display(),
                        fix.title
                    ));
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} fixes applied");
    let shown: Vec<&String> = failures.iter().take(5).collect();
    assert!(
        failures.is_empty(),
        "{} fixes added a syntax error; the first ones:\n{}",
        failures.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

#[test]
fn a_field_added_to_a_half_typed_entry_goes_before_the_broken_member() {
    let add = |text: &str, title: &str| {
        let analysis = analyze(text);
        let fix = analysis
            .diagnostics
            .iter()
            .find_map(|d| d.fix.as_ref().filter(|fix| fix.title == title))
            .expect("fix")
            .clone();
        apply(text, &fix.edits)
    };
    assert_eq!(
        add(r#"{"Execs": [{"Cont"#, "Add RegionId"),
        r#"{"Execs": [{"RegionId": "", "Cont"#
    );
    let text = "{\n  \"Execs\": [\n    {\n      \"Label\": \"x\",\n      \"Command\": [\"ls\"";
    assert_eq!(
        add(text, "Add RegionId"),
        "{\n  \"Execs\": [\n    {\n      \"RegionId\": \"\",\n      \"Label\": \"x\",\n      \"Command\": [\"ls\""
    );
    let text = "{\"Label\": \"x\",\n  \"Cont";
    assert_eq!(
        add(text, "Add RegionId"),
        "{\"RegionId\": \"\", \"Label\": \"x\",\n  \"Cont"
    );
    // A complete last member keeps the field at the end, even in an unclosed object.
    assert_eq!(
        add(r#"{"Execs": [{"Command": ["ls"]"#, "Add RegionId"),
        r#"{"Execs": [{"Command": ["ls"], "RegionId": """#
    );
}

//! Rule tests from fixtures: each `tests/fixtures/rules/NAME` has its expected diagnostics in
//! `NAME.expected`, one per line: `line:character-line:character severity code "covered text"`
//! (0-based, UTF-16). `BLESS=1 cargo test --test rules` rewrites the files from the output,
//! for review before committing.

mod support;

use std::path::PathBuf;

use eci_exec_lsp::analysis::analyze;
use eci_exec_lsp::position::{Encoding, position_of};
use ropey::Rope;
use support::{check_expected, fixture_files};

fn fixtures() -> Vec<PathBuf> {
    fixture_files("tests/fixtures/rules")
}

/// The diagnostics of `text` in the expected-file format.
fn render(text: &str) -> String {
    let rope = Rope::from_str(text);
    let mut out = String::new();
    for diagnostic in analyze(text).diagnostics {
        let start = position_of(&rope, Encoding::Utf16, diagnostic.span.start);
        let end = position_of(&rope, Encoding::Utf16, diagnostic.span.end);
        let covered: String = text[diagnostic.span.start..diagnostic.span.end]
            .chars()
            .take(40)
            .collect();
        out.push_str(&format!(
            "{}:{}-{}:{} {} {} {}\n",
            start.line,
            start.character,
            end.line,
            end.character,
            diagnostic.severity.as_str(),
            diagnostic.code.as_str(),
            serde_json::Value::from(covered)
        ));
    }
    out
}

#[test]
fn every_fixture_has_exactly_its_expected_diagnostics() {
    let mut failures = Vec::new();
    let files = fixtures();
    assert!(files.len() >= 20, "fixtures missing: {}", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("fixture text");
        if let Some(diff) = check_expected(&file, &render(&text)) {
            failures.push(format!("{}:\n{diff}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_offline_code_is_covered_by_a_fixture() {
    let mut seen = std::collections::HashSet::new();
    for file in fixtures() {
        let text = std::fs::read_to_string(&file).expect("fixture text");
        seen.extend(
            analyze(&text)
                .diagnostics
                .into_iter()
                .map(|d| d.code.as_str()),
        );
    }
    let online = [
        "unknown-container-group",
        "unknown-container",
        "container-group-not-running",
        "no-matching-instance",
    ];
    for code in eci_exec_lsp::analysis::diagnostic::Code::ALL {
        if !online.contains(&code.as_str()) {
            assert!(
                seen.contains(code.as_str()),
                "no fixture produces {}",
                code.as_str()
            );
        }
    }
}

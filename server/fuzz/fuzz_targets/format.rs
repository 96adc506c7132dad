//! Fuzz target: formatting. Whole-text formatting is offered only for text without syntax
//! errors; its edits lie in the text, on char boundaries, without overlapping; applied, they
//! change only what lies between tokens (whitespace and commas), keep every diagnostic but the
//! trailing comma's, and formatting again changes nothing. A range's edits apply as well.
//!
//! Input: one options byte (tab size 1 + bits 0-3, bit 4: spaces, bit 5: final newline), then
//! the document.
#![no_main]

use eci_exec_lsp::analysis::diagnostic::Code;
use eci_exec_lsp::analysis::format::{FormatOptions, format, format_range};
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::{Analysis, analyze};
use eci_exec_lsp_fuzz::{apply, floor_boundary};
use libfuzzer_sys::fuzz_target;

/// The text without what formatting may rewrite: whitespace and commas.
fn tokens(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect()
}

/// The diagnostics' codes, sorted, but the trailing comma's (formatting removes it).
fn codes(analysis: &Analysis) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code != Code::TrailingComma)
        .map(|d| d.code.as_str())
        .collect();
    codes.sort_unstable();
    codes
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, document)) = data.split_first() else {
        return;
    };
    let options = FormatOptions {
        tab_size: 1 + u32::from(flags & 15),
        insert_spaces: flags & 16 != 0,
        insert_final_newline: flags & 32 != 0,
    };
    let text = String::from_utf8_lossy(document);
    let text = text.as_ref();
    let analysis = analyze(text);
    let Some(edits) = format(&analysis, text, &options) else {
        assert!(
            analysis.diagnostics.iter().any(|d| d.code == Code::Syntax),
            "no formatting for a text without syntax errors: {text:?}"
        );
        return;
    };
    let formatted = apply(text, &edits, "format");
    assert_eq!(
        tokens(text),
        tokens(&formatted),
        "formatting changes a token: {text:?} became {formatted:?}"
    );
    let after = analyze(&formatted);
    assert_eq!(
        codes(&analysis),
        codes(&after),
        "formatting changes the diagnostics: {text:?} became {formatted:?}"
    );
    assert_eq!(
        format(&after, &formatted, &options),
        Some(Vec::new()),
        "formatting twice changes something: {text:?} became {formatted:?}"
    );

    let start = floor_boundary(text, text.len() / 3);
    let end = floor_boundary(text, text.len() * 2 / 3);
    if let Some(edits) = format_range(&analysis, text, &options, Span::new(start, end)) {
        let partly = apply(text, &edits, "format_range");
        assert_eq!(
            tokens(text),
            tokens(&partly),
            "range formatting changes a token: {text:?} became {partly:?}"
        );
    }
});

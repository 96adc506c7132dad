//! Robustness: seeded random mutations of the rule fixtures through `analyze` and through the
//! real server (open, incremental changes, requests past the end), a 5 MB file, 100,000 nested
//! brackets (analysis, server and `check`), and the documents the fuzzer found
//! (`fuzz/regressions/`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use eci_exec_lsp::analysis::format::{self, FormatOptions};
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::{Analysis, analyze, completion, hover};
use eci_exec_lsp::analysis::{folding, links, selection, symbols};
use eci_exec_lsp::position::{Encoding, LineCol, offset_of, position_of};
use ropey::Rope;
use serde_json::{Value, json};
use support::{LspClient, big_file, codes, fixture_files, push_client};

/// xorshift64*: a small deterministic PRNG, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }
}

/// Pieces inserted by mutations: JSON punctuation, escapes, line breaks, multi-byte chars.
const PIECES: &[&str] = &[
    "{",
    "[",
    "]",
    "}",
    "\"",
    ",",
    ":",
    "\\",
    "\\u",
    "\\ud83d",
    "é",
    "😀",
    "你好",
    "\r\n",
    "\r",
    "\n",
    "//",
    "/*",
    "*/",
    "\"Execs\": [",
    "null",
    "\u{feff}",
];

fn fixtures() -> Vec<(PathBuf, String)> {
    let files = fixture_files("tests/fixtures/rules");
    assert!(files.len() >= 20, "fixtures missing");
    files
        .into_iter()
        .map(|path| {
            (
                path.clone(),
                std::fs::read_to_string(&path).expect("fixture"),
            )
        })
        .collect()
}

/// One to four byte-level mutations of `text`; the result is read as lossy UTF-8.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            1 => {
                let end = (at + 1 + rng.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 | 3 => {
                let piece = PIECES[rng.below(PIECES.len())];
                bytes.splice(at..at, piece.bytes());
            }
            4 => bytes.truncate(at),
            _ => {
                let end = (at + rng.below(40)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Every diagnostic span lies in the text, on char boundaries, with its code's severity.
fn assert_sane(text: &str, analysis: &Analysis) {
    for diagnostic in &analysis.diagnostics {
        let span = diagnostic.span;
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{span:?} outside {} bytes in {text:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{span:?} off a char boundary in {text:?}"
        );
        assert_eq!(
            diagnostic.severity,
            diagnostic.code.severity(),
            "{diagnostic:?}"
        );
        assert!(!diagnostic.message.is_empty());
    }
}

/// The nearest char boundary at or before `offset`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    (0..=offset.min(text.len()))
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(0)
}

#[test]
fn thousands_of_mutated_fixtures_analyse_without_panic() {
    let mut rng = Rng(0x00ec_1e8e_c5ee_d001);
    let fixtures = fixtures();
    let mut analysed = 0;
    let mut with_diagnostics = 0;
    for round in 0..5000 {
        let (_, text) = &fixtures[round % fixtures.len()];
        let mutated = mutate(&mut rng, text);
        let analysis = analyze(&mutated);
        assert_sane(&mutated, &analysis);
        with_diagnostics += usize::from(!analysis.diagnostics.is_empty());
        for _ in 0..3 {
            let offset = floor_boundary(&mutated, rng.below(mutated.len() + 2));
            let _ = completion::context(&analysis, &mutated, offset);
            let _ = hover::target(&analysis, offset);
        }
        analysed += 1;
    }
    assert_eq!(analysed, 5000);
    // The mutations do break things: most mutants get diagnostics.
    assert!(
        with_diagnostics > 2500,
        "only {with_diagnostics} mutants had diagnostics"
    );
}

/// The edits of `format`: in order, apart, on char boundaries; applied, they give a text that
/// has no syntax error and that formatting leaves alone.
fn assert_formats_once_and_for_all(text: &str, analysis: &Analysis) -> bool {
    let options = FormatOptions {
        tab_size: 2,
        insert_spaces: true,
        insert_final_newline: false,
    };
    let Some(edits) = format::format(analysis, text, &options) else {
        return false;
    };
    let mut formatted = text.to_owned();
    let mut end = text.len();
    for edit in edits.iter().rev() {
        assert!(
            edit.span.end <= end,
            "edits out of order or overlapping in {text:?}"
        );
        assert!(text.is_char_boundary(edit.span.start) && text.is_char_boundary(edit.span.end));
        formatted.replace_range(edit.span.start..edit.span.end, &edit.text);
        end = edit.span.start;
    }
    let again = analyze(&formatted);
    assert_eq!(
        format::format(&again, &formatted, &options),
        Some(Vec::new()),
        "formatting {text:?} twice changed it again: {formatted:?}"
    );
    true
}

/// Folds, selection chains and links lie in the text on char boundaries; each selection span
/// holds the one before it.
fn assert_structure_sane(text: &str, analysis: &Analysis, offset: usize) {
    let in_text = |span: Span| {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    };
    for fold in folding::folds(analysis, text) {
        assert!(in_text(fold.span), "{fold:?} in {text:?}");
    }
    let chain = selection::selection(analysis, text, offset);
    assert_eq!(chain.last(), Some(&Span::new(0, text.len())));
    // VS Code rejects the answer unless the first range holds the cursor.
    assert!(
        chain[0].touches(offset),
        "{chain:?} misses {offset} in {text:?}"
    );
    for pair in chain.windows(2) {
        let (inner, outer) = (pair[0], pair[1]);
        assert!(in_text(inner) && outer.start <= inner.start && inner.end <= outer.end);
    }
    for link in links::links(analysis, text, "file:///w/a.eci.json") {
        assert!(in_text(link.span), "{link:?} in {text:?}");
    }
}

#[test]
fn mutated_fixtures_fold_select_link_and_format_sanely() {
    let mut rng = Rng(0x0f0e_a7ed_c0de_0002);
    let fixtures = fixtures();
    let mut formatted = 0;
    for round in 0..3000 {
        let (_, text) = &fixtures[round % fixtures.len()];
        let mutated = mutate(&mut rng, text);
        let analysis = analyze(&mutated);
        let offset = floor_boundary(&mutated, rng.below(mutated.len() + 2));
        assert_structure_sane(&mutated, &analysis, offset);
        formatted += usize::from(assert_formats_once_and_for_all(&mutated, &analysis));
    }
    // Some mutants keep valid JSONC (a comment, a CRLF, an emoji inside a string...).
    assert!(formatted > 100, "only {formatted} mutants were formatted");
}

/// The LSP position (UTF-16) of a byte offset, and the range of a span, for comparisons.
fn range_of(rope: &Rope, start: usize, end: usize) -> Value {
    let start = position_of(rope, Encoding::Utf16, start);
    let end = position_of(rope, Encoding::Utf16, end);
    json!({"start": {"line": start.line, "character": start.character}, "end": {"line": end.line, "character": end.character}})
}

/// Whether an LSP position lies within `rope` (its line exists, its character within the line).
fn position_within(rope: &Rope, position: &Value) -> bool {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    if line >= rope.len_lines() {
        return false;
    }
    let line_text = rope.line(line).to_string();
    let content = line_text.trim_end_matches(['\n', '\r']);
    character <= content.encode_utf16().count()
}

#[test]
fn the_server_survives_mutated_documents_and_incremental_changes() {
    let mut rng = Rng(0x5e4e_4000_0000_0001);
    let fixtures = fixtures();
    let (mut client, _) = LspClient::initialized(push_client(), json!({}));
    for round in 0..400 {
        let uri = format!("file:///mutants/{round}.eci.json");
        let (_, fixture) = &fixtures[round % fixtures.len()];
        let mut text = mutate(&mut rng, fixture);
        client.open(&uri, &text);
        let changes = 1 + rng.below(3);
        for version in 2..2 + changes as i64 {
            // A random position (possibly past a line's end, inside a surrogate pair or past the
            // last line), resolved to bytes the way the server clamps it.
            let rope = Rope::from_str(&text);
            let start = LineCol {
                line: rng.below(rope.len_lines() + 2) as u32,
                character: rng.below(90) as u32,
            };
            let end = LineCol {
                line: start.line + rng.below(2) as u32,
                character: rng.below(90) as u32,
            };
            let (start_offset, end_offset) = (
                offset_of(&rope, Encoding::Utf16, start),
                offset_of(&rope, Encoding::Utf16, end),
            );
            let (start, end, start_offset, end_offset) = if end_offset < start_offset {
                (end, start, end_offset, start_offset)
            } else {
                (start, end, start_offset, end_offset)
            };
            let piece = PIECES[rng.below(PIECES.len())];
            let inserted = mutate(&mut rng, piece);
            client.change(
                &uri,
                version,
                [start.line, start.character, end.line, end.character],
                &inserted,
            );
            text.replace_range(start_offset..end_offset, &inserted);
        }
        let final_version = 1 + changes as i64;
        // Requests at random positions, past the end too, are answered (with null at worst).
        let position = json!({"line": rng.below(40), "character": rng.below(200)});
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        let published = client.wait_for(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == final_version
        });
        let diagnostics = published["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .clone();
        let rope = Rope::from_str(&text);
        for diagnostic in &diagnostics {
            let range = &diagnostic["range"];
            assert!(
                position_within(&rope, &range["start"]) && position_within(&rope, &range["end"]),
                "{uri}: range {range} outside the document {text:?}"
            );
        }
        // The server's document is the text we hold: its diagnostics are this text's.
        let expected: Vec<(String, Value)> = analyze(&text)
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.as_str().to_owned(),
                    range_of(&rope, d.span.start, d.span.end),
                )
            })
            .collect();
        let actual: Vec<(String, Value)> = diagnostics
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    d["range"].clone(),
                )
            })
            .collect();
        assert_eq!(
            actual, expected,
            "{uri}: the server's diagnostics differ from analyze() on {text:?}"
        );
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_five_megabyte_file_is_analysed_and_served() {
    let text = big_file(34_000);
    assert!(text.len() > 5_000_000, "{} bytes", text.len());
    let analysis = analyze(&text);
    assert_sane(&text, &analysis);
    let codes_found: Vec<&str> = analysis
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        codes_found,
        vec!["unknown-field"; 34],
        "{:?}",
        &codes_found[..codes_found.len().min(5)]
    );

    let (mut client, _) = LspClient::initialized(push_client(), json!({}));
    let uri = "file:///big.eci.json";
    client.open(uri, &text);
    let published = client.diagnostics(uri);
    assert_eq!(published["version"], 1);
    assert_eq!(codes(&published["diagnostics"]), vec!["unknown-field"; 34]);
    // The last one is on entry 33,999's line (line 4 + index).
    assert_eq!(
        published["diagnostics"][33]["range"]["start"]["line"],
        4 + 33_999
    );
    // An edit at the end is seen: the file loses its closing brace.
    let last_line = text.lines().count() as u32 - 1;
    client.change(uri, 2, [last_line, 0, last_line, 1], "");
    let published = client.diagnostics(uri);
    assert_eq!(published["version"], 2);
    assert!(codes(&published["diagnostics"]).contains(&"syntax".to_owned()));
    assert_eq!(client.shutdown(), Some(0));
}

fn deep_texts() -> Vec<(&'static str, String)> {
    vec![
        ("brackets", "[".repeat(100_000)),
        ("objects", "{\"a\":".repeat(100_000)),
    ]
}

/// Runs `f` on a thread with the default 2 MiB stack, as a server worker or a test has.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_crash() {
    for (name, text) in deep_texts() {
        let (has_syntax, sane) = on_small_stack(move || {
            let analysis = analyze(&text);
            let sane = analysis
                .diagnostics
                .iter()
                .all(|d| d.span.end <= text.len() && text.is_char_boundary(d.span.start));
            let offset = text.len() / 2;
            let _ = completion::context(&analysis, &text, offset);
            let _ = hover::target(&analysis, offset);
            (
                analysis
                    .diagnostics
                    .iter()
                    .any(|d| d.code.as_str() == "syntax"),
                sane,
            )
        });
        assert!(has_syntax, "{name}: no syntax diagnostic");
        assert!(sane, "{name}: a span outside the text");
    }
}

#[test]
fn deep_nesting_through_the_server() {
    let (mut client, _) = LspClient::initialized(push_client(), json!({}));
    for (name, text) in deep_texts() {
        let uri = format!("file:///deep-{name}.eci.json");
        client.open(&uri, &text);
        let published = client.diagnostics(&uri);
        assert!(
            codes(&published["diagnostics"]).contains(&"syntax".to_owned()),
            "{name}"
        );
        let position = json!({"line": 0, "character": 150_000});
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn deep_nesting_through_check() {
    let folder = tempfile::tempdir().expect("temp dir");
    for (name, text) in deep_texts() {
        let path = folder.path().join(format!("deep-{name}.eci.json"));
        std::fs::write(&path, text).expect("write");
        let output = Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"))
            .arg("check")
            .arg(&path)
            .output()
            .expect("run check");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("error[syntax]"), "{name}: {stdout}");
    }
}

/// The fuzz targets whose input is a document: their findings (`fuzz/regressions/<target>/`,
/// minimized, replayed by every fuzz run) are replayed here too, without a nightly toolchain.
const DOCUMENT_TARGETS: [&str; 5] = [
    "analyze",
    "completion_hover",
    "symbols",
    "ranges",
    "actions",
];

/// A finding's checks at every offset: positions round-trip, completion replaces one line
/// around the cursor, a hover holds it, symbols have names, selection ranges hold it.
fn assert_finding_fixed(text: &str) {
    let analysis = analyze(text);
    assert_sane(text, &analysis);
    let rope = Rope::from_str(text);
    for diagnostic in &analysis.diagnostics {
        for offset in [diagnostic.span.start, diagnostic.span.end] {
            let position = position_of(&rope, Encoding::Utf16, offset);
            let back = offset_of(&rope, Encoding::Utf16, position);
            assert!(
                back <= offset && text[back..offset].chars().all(|c| c == '\r'),
                "{offset} -> {position:?} -> {back}"
            );
        }
    }
    if let Some(model) = &analysis.model {
        for symbol in symbols::symbols(model) {
            assert!(!symbol.name.is_empty(), "{symbol:?} in {text:?}");
        }
    }
    let offsets = text.char_indices().map(|(at, _)| at).chain([text.len()]);
    for offset in offsets {
        assert_structure_sane(text, &analysis, offset);
        if let Some(context) = completion::context(&analysis, text, offset) {
            let replace = context.replace;
            assert!(
                replace.touches(offset) && !text[replace.start..replace.end].contains(['\n', '\r']),
                "completion replaces {replace:?} at {offset} in {text:?}"
            );
        }
        if let Some(target) = hover::target(&analysis, offset) {
            assert!(
                target.span.contains(offset),
                "hover {:?} at {offset}",
                target.span
            );
        }
    }
}

#[test]
fn fuzz_findings_stay_fixed() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for target in DOCUMENT_TARGETS {
        let Ok(findings) = std::fs::read_dir(folder.join(target)) else {
            continue;
        };
        for finding in findings {
            let path = finding.expect("a finding").path();
            let bytes = std::fs::read(&path).expect("read the finding");
            assert_finding_fixed(&String::from_utf8_lossy(&bytes));
            replayed += 1;
        }
    }
    assert!(
        replayed >= 6,
        "only {replayed} findings in {}",
        folder.display()
    );
}

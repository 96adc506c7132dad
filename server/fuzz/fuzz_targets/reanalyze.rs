//! Fuzz target: a chain of one to four edits, each re-analysed incrementally from the previous
//! result (as the server does), must give exactly what a full `analyze` of the new text gives.
//!
//! Input: one byte (the edit count, 1 + byte % 4), four bytes per edit, then the document.
//! An edit's bytes: its position (u16, scaled to the text), how many chars it removes
//! (0..16), and what it inserts (a piece of the format, or one char).
#![no_main]

use eci_exec_lsp::analysis::incremental::{TextEdit, reanalyze};
use eci_exec_lsp::analysis::{Analysis, analyze};
use eci_exec_lsp_fuzz::floor_boundary;
use libfuzzer_sys::fuzz_target;

/// What an edit can insert: punctuation, escapes, line breaks, multi-byte chars, whole fields.
const PIECES: &[&str] = &[
    "",
    "a",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "😀",
    "你",
    "\\",
    "\\u",
    "\\ud83d",
    "\\\"",
    "true",
    "false",
    "null",
    "-1.5e3",
    "//",
    "/*",
    "*/",
    "{}",
    "[]",
    "}, {",
    "\"TTY\": true, ",
    "\"Sync\": true",
    "\"Stdin\": false, ",
    "\"Command\": [\"ls\", \"-l\"]",
    "\"Command\": \"[\\\"ls\\\"]\"",
    "\"ContainerGroupId\": \"eci-bp1fakeweb0001\", ",
    "\"ContainerName\": \"nginx\"",
    "\"RegionId\": \"cn-hangzhou\", ",
    "\"Label\": \"x\", ",
    "\"Execs\": [",
    "\"$schema\": \"./eci-exec.schema.json\"",
];

const EDIT_BYTES: usize = 4;

/// The edit described by `bytes` on `text`, and the text after it.
fn edit(text: &str, bytes: [u8; EDIT_BYTES]) -> (TextEdit, String) {
    let position = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
    let start = floor_boundary(text, position * text.len() / usize::from(u16::MAX));
    let removed_chars = usize::from(bytes[2] % 16);
    let old_end = text[start..]
        .char_indices()
        .map(|(at, _)| start + at)
        .chain(std::iter::once(text.len()))
        .nth(removed_chars)
        .unwrap_or(text.len());
    let one_char;
    let insert = match PIECES.get(usize::from(bytes[3])) {
        Some(piece) => *piece,
        None => {
            one_char = char::from(bytes[3]).to_string();
            &one_char
        }
    };
    let removed_blank = text[start..old_end]
        .bytes()
        .all(|b| b == b' ' || b == b'\t');
    let mut new_text = text.to_owned();
    new_text.replace_range(start..old_end, insert);
    let edit = TextEdit {
        start,
        old_end,
        new_len: insert.len(),
        removed_blank,
    };
    (edit, new_text)
}

fn assert_same(incremental: &Analysis, full: &Analysis, context: &dyn Fn() -> String) {
    assert!(incremental.tree == full.tree, "tree differs {}", context());
    assert!(
        incremental.model == full.model,
        "model differs {}",
        context()
    );
    assert_eq!(
        incremental.diagnostics,
        full.diagnostics,
        "diagnostics differ {}",
        context()
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let count = 1 + usize::from(count % 4);
    let header = (count * EDIT_BYTES).min(rest.len());
    let (edits, document) = rest.split_at(header);
    let mut text = String::from_utf8_lossy(document).into_owned();
    let mut analysis = analyze(&text);
    for (step, bytes) in edits.chunks_exact(EDIT_BYTES).enumerate() {
        let (edit, new_text) = edit(&text, [bytes[0], bytes[1], bytes[2], bytes[3]]);
        let full = analyze(&new_text);
        analysis = reanalyze(analysis, edit, &new_text);
        let context = || format!("after edit {step}: {edit:?}\nold: {text:?}\nnew: {new_text:?}");
        assert_same(&analysis, &full, &context);
        text = new_text;
    }
});

//! Fuzz target: `analyze` on arbitrary bytes (as lossy UTF-8), then the position conversions
//! of every diagnostic span, completion contexts and hover targets at offsets from the input.
#![no_main]

use eci_exec_lsp::analysis::{analyze, completion, hover};
use eci_exec_lsp::position::{Encoding, LineCol, offset_of, position_of};
use libfuzzer_sys::fuzz_target;
use ropey::Rope;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let analysis = analyze(text);
    let rope = Rope::from_str(text);
    for diagnostic in &analysis.diagnostics {
        let span = diagnostic.span;
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} outside {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} off a char boundary"
        );
        for encoding in [Encoding::Utf16, Encoding::Utf8] {
            for offset in [span.start, span.end] {
                let position = position_of(&rope, encoding, offset);
                // Back to the same offset, or to the line's end when the offset is inside its break.
                let back = offset_of(&rope, encoding, position);
                assert!(
                    back <= offset && text[back..offset].chars().all(|c| c == '\r'),
                    "{offset} -> {position:?} -> {back}"
                );
            }
        }
    }
    // Offsets from the input: its first bytes, both ends, and every char boundary near the middle.
    let mut offsets: Vec<usize> = data
        .iter()
        .take(4)
        .map(|&b| b as usize * text.len() / 255)
        .collect();
    offsets.extend([0, text.len(), text.len() / 2]);
    for offset in offsets {
        let offset = (0..=offset.min(text.len()))
            .rev()
            .find(|&at| text.is_char_boundary(at))
            .unwrap_or(0);
        let _ = completion::context(&analysis, text, offset);
        let _ = hover::target(&analysis, offset);
        let position = position_of(&rope, Encoding::Utf16, offset);
        let _ = offset_of(
            &rope,
            Encoding::Utf16,
            LineCol {
                line: position.line,
                character: position.character + 3,
            },
        );
        let _ = offset_of(
            &rope,
            Encoding::Utf8,
            LineCol {
                line: position.line + 1,
                character: u32::MAX,
            },
        );
    }
});

//! Fuzz target: folding ranges, selection ranges at every cursor position, and `$schema`
//! document links. Every span lies in the text on char boundaries; a fold spans a line break;
//! each selection range holds the cursor and the one before it, out to the whole text; a link
//! has a target, and `links::resolve` never panics on the input as a reference.
#![no_main]

use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::{analyze, folding, links, selection};
use eci_exec_lsp_fuzz::{assert_span, cursor_offsets};
use libfuzzer_sys::fuzz_target;

const DOCUMENTS: [&str; 3] = [
    "file:///work/project/tasks.eci.json",
    "untitled:Untitled-1",
    "file:///C%3A/Users/me/tasks.eci.jsonc",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let analysis = analyze(text);

    for fold in folding::folds(&analysis, text) {
        assert_span(text, fold.span, "fold");
        assert!(
            text[fold.span.start..fold.span.end].contains(['\n', '\r']),
            "a fold on one line: {fold:?}"
        );
    }

    for cursor in cursor_offsets(text) {
        let spans = selection::selection(&analysis, text, cursor);
        assert_eq!(
            spans.last(),
            Some(&Span::new(0, text.len())),
            "the last selection range is not the whole text"
        );
        assert!(
            spans[0].touches(cursor),
            "the first selection range {:?} misses the cursor {cursor}",
            spans[0]
        );
        for pair in spans.windows(2) {
            assert_span(text, pair[0], "selection range");
            assert!(
                pair[1].start <= pair[0].start && pair[0].end <= pair[1].end,
                "selection range {:?} does not hold {:?}",
                pair[1],
                pair[0]
            );
        }
    }

    for document in DOCUMENTS {
        for link in links::links(&analysis, text, document) {
            assert_span(text, link.span, "link");
            assert!(!link.target.is_empty(), "a link without a target: {link:?}");
        }
        let _ = links::resolve(document, text);
    }
});

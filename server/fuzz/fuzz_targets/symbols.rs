//! Fuzz target: document symbols (one per entry) and what the lenses show of an entry, then
//! the online rules against the fake API's instances. Every span lies in the text on char
//! boundaries; a symbol has a name and its selection lies within its range (VS Code rejects
//! the whole outline otherwise).
#![no_main]

use std::sync::Arc;

use eci_exec_lsp::analysis::online::{self, InstanceLists};
use eci_exec_lsp::analysis::{analyze, symbols};
use eci_exec_lsp_fuzz::{assert_span, fixture_groups};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let analysis = analyze(text);
    let Some(model) = &analysis.model else {
        return;
    };
    for symbol in symbols::symbols(model) {
        assert_span(text, symbol.span, &symbol.name);
        assert_span(text, symbol.selection, &symbol.name);
        assert!(
            !symbol.name.is_empty(),
            "a symbol without a name: {symbol:?}"
        );
        assert!(
            symbol.span.start <= symbol.selection.start && symbol.selection.end <= symbol.span.end,
            "selection outside the symbol's range: {symbol:?}"
        );
    }
    for entry in &model.entries {
        let _ = symbols::command_line(entry);
    }
    // Every region the model needs is listed, holding the fixture's instances of that region
    // (none for a region the fixture lacks: then every id is unknown).
    let mut lists = InstanceLists::default();
    for region in online::regions_needed(model) {
        let groups = fixture_groups()
            .iter()
            .filter(|group| group.region_id == region)
            .cloned()
            .collect();
        lists.insert(region, Arc::new(groups));
    }
    for diagnostic in online::check(model, &lists) {
        assert_span(text, diagnostic.span, diagnostic.code.as_str());
    }
});

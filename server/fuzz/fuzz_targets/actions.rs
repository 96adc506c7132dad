//! Fuzz target: every quick fix and Command rewrite offered on the input, applied and analysed
//! again. Edits lie in the text, on char boundaries, without overlapping; a fix never turns a
//! text free of syntax errors into one with some; a rewrite keeps the Command's items.
#![no_main]

use eci_exec_lsp::analysis::actions::{self, Action, ActionKind};
use eci_exec_lsp::analysis::diagnostic::Code;
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::{Analysis, analyze};
use eci_exec_lsp_fuzz::apply;
use libfuzzer_sys::fuzz_target;

fn syntax_errors(analysis: &Analysis) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, Code::Syntax | Code::TrailingComma))
        .count()
}

/// The items of the Command whose value spans `span`.
fn command_at(analysis: &Analysis, span: Span) -> Option<Vec<String>> {
    let model = analysis.model.as_ref()?;
    model.entries.iter().find_map(|entry| {
        let command = entry.own.command.as_ref().filter(|c| c.span == span)?;
        Some(command.strings()?.into_iter().map(str::to_owned).collect())
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let analysis = analyze(text);
    // The whole text offers every quick fix and the first Command's rewrite; each Command
    // offers its own rewrite.
    let mut offered: Vec<Action> = actions::actions(&analysis, Span::new(0, text.len()));
    for entry in analysis.model.iter().flat_map(|model| &model.entries) {
        if let Some(command) = &entry.own.command {
            offered.extend(
                actions::actions(&analysis, command.span)
                    .into_iter()
                    .filter(|action| action.kind == ActionKind::Rewrite),
            );
        }
    }
    let had_syntax_errors = syntax_errors(&analysis) > 0;
    for action in &offered {
        let title = &action.fix.title;
        let fixed = apply(text, &action.fix.edits, title);
        let after = analyze(&fixed);
        assert!(
            had_syntax_errors || syntax_errors(&after) == 0,
            "{title:?} adds a syntax error: {text:?} became {fixed:?}"
        );
        if action.kind == ActionKind::Rewrite {
            let [edit] = action.fix.edits.as_slice() else {
                panic!("{title:?}: a rewrite replaces the Command value only");
            };
            let rewritten = Span::new(edit.span.start, edit.span.start + edit.text.len());
            assert_eq!(
                command_at(&analysis, edit.span),
                command_at(&after, rewritten),
                "{title:?} changes the Command: {text:?} became {fixed:?}"
            );
        }
    }
});

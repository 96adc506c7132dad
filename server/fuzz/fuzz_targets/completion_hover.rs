//! Fuzz target: completion and hover at every cursor position (char boundary) of the input.
//! Completion's replace span lies in the text, on char boundaries, on one line, around the
//! cursor (what LSP asks of a completion edit), for the offline candidates and for the online
//! ones built from the fake API's instances; a hover's span lies in the text around the cursor.
#![no_main]

use eci_exec_lsp::analysis::completion::{self, Candidate, CompletionContext, Site};
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::{Analysis, analyze, fields, hover, instances};
use eci_exec_lsp_fuzz::{assert_span, cursor_offsets, fixture_groups, fixture_regions};
use libfuzzer_sys::fuzz_target;

/// A completion edit's range: in the text, on one line, and touching the cursor.
fn assert_replace(text: &str, replace: Span, cursor: usize, what: &str) {
    assert_span(text, replace, what);
    assert!(
        replace.touches(cursor),
        "{what}: replace {replace:?} does not hold the cursor {cursor}"
    );
    assert!(
        !text[replace.start..replace.end].contains(['\n', '\r']),
        "{what}: replace {replace:?} spans lines"
    );
}

/// The online candidates the server offers at this site, from the fake API's instances.
fn online_candidates(
    analysis: &Analysis,
    text: &str,
    context: &CompletionContext,
    cursor: usize,
) -> Vec<Candidate> {
    let Site::Value { object, field } = &context.site else {
        return Vec::new();
    };
    let groups = fixture_groups();
    match field.as_str() {
        fields::REGION_ID => instances::region_candidates(&fixture_regions(), context),
        fields::CONTAINER_GROUP_ID => {
            let typed = instances::typed_text(text, context, cursor);
            instances::group_candidates(groups, context, &typed)
        }
        fields::CONTAINER_NAME => {
            let id = analysis.model.as_ref().and_then(|model| {
                instances::object_value(model, *object, |f| &f.container_group_id)
            });
            groups
                .iter()
                .filter(|group| id.is_none() || id.as_deref() == Some(&group.container_group_id))
                .flat_map(|group| instances::container_candidates(group, context))
                .collect()
        }
        _ => Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let analysis = analyze(text);
    for cursor in cursor_offsets(text) {
        if let Some(context) = completion::context(&analysis, text, cursor) {
            assert_replace(text, context.replace, cursor, "completion context");
            let offline = completion::offline_candidates(&context);
            let online = online_candidates(&analysis, text, &context, cursor);
            for candidate in offline.iter().chain(&online) {
                assert_replace(text, candidate.replace, cursor, &candidate.label);
            }
        }
        if let Some(target) = hover::target(&analysis, cursor) {
            assert_span(text, target.span, "hover");
            assert!(
                target.span.contains(cursor),
                "hover span {:?} does not hold the cursor {cursor}",
                target.span
            );
            let _ = hover::field_markdown(&target);
            if let Some(id) = target.value.and_then(|value| value.as_str()) {
                for group in fixture_groups()
                    .iter()
                    .filter(|g| g.container_group_id == id)
                {
                    let _ = instances::instance_markdown(group);
                }
            }
        }
    }
});

//! Fuzz target: completion and hover at every cursor position (char boundary) of the input.
//! Completion's replace span lies in the text, on char boundaries, on one line, around the
//! cursor (what LSP asks of a completion edit), for the offline candidates and for the online
//! ones built from the fake API's instances (ids, names, tag keys and values, containers,
//! regions); a hover's span lies in the text around the cursor, and its online part (an
//! instance, a selector's matches) never panics.
#![no_main]

use eci_exec_lsp::analysis::completion::{self, Candidate, CompletionContext, ObjectKind, Site};
use eci_exec_lsp::analysis::hover::{self, HoverTarget};
use eci_exec_lsp::analysis::resolve;
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::analysis::{Analysis, analyze, fields, instances};
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

/// The online candidates the server offers at this site (`lsp/handlers/completion.rs`), from
/// the fake API's instances.
fn online_candidates(
    analysis: &Analysis,
    text: &str,
    context: &CompletionContext,
    cursor: usize,
) -> Vec<Candidate> {
    if let Site::Value { field, .. } = &context.site
        && field == fields::REGION_ID
    {
        return instances::region_candidates(&fixture_regions(), context);
    }
    let Some(model) = analysis.model.as_ref() else {
        return Vec::new();
    };
    let typed = instances::typed_text(text, context, cursor);
    instances::list_candidates(model, fixture_groups(), context, &typed, None, 200)
        .map(|(items, _)| items)
        .unwrap_or_default()
}

/// The online part of a hover (`lsp/handlers/hover.rs`): the instance an id names, or what a
/// selector matches in the fake API's instances.
fn online_hover(analysis: &Analysis, target: &HoverTarget<'_>) {
    let Some(model) = analysis.model.as_ref() else {
        return;
    };
    match target.field.name {
        fields::CONTAINER_GROUP_ID => {
            let Some(id) = target.value.and_then(|value| value.as_str()) else {
                return;
            };
            for group in fixture_groups()
                .iter()
                .filter(|g| g.container_group_id == id)
            {
                let _ = instances::instance_markdown(group, None);
            }
        }
        fields::CONTAINER_GROUP_NAME | fields::TAGS if target.value.is_some() => {
            let object = target.entry.map_or(ObjectKind::Defaults, ObjectKind::Entry);
            let own = match target.entry {
                Some(index) => resolve::entry(model, index).map(|entry| &entry.own),
                None => Some(&model.defaults),
            };
            let Some(selector) = own.and_then(|own| resolve::selector_of(&own.target)) else {
                return;
            };
            let container = instances::object_value(model, object, |f| &f.container_name);
            let region = fixture_groups()[0].region_id.as_str();
            let _ = instances::selector_markdown(
                &selector,
                fixture_groups(),
                container.as_deref(),
                region,
                None,
                true,
            );
        }
        _ => {}
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
            online_hover(&analysis, &target);
        }
    }
});

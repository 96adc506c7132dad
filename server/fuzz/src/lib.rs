//! Checks and inputs shared by the fuzz targets: span invariants, edits applied the way an
//! editor applies them, and the fake ECI API's instance list as the "online" state.

use std::sync::OnceLock;

use eci_exec_lsp::analysis::diagnostic::Edit;
use eci_exec_lsp::analysis::span::Span;
use eci_exec_lsp::eci::{ContainerGroup, Region};

/// `span` lies inside `text` and both ends are on char boundaries.
pub fn assert_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} off a char boundary"
    );
}

/// The nearest char boundary at or before `offset` (clamped to the text).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Every char boundary of `text`, its end included: every place a cursor can be.
pub fn cursor_offsets(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()))
}

/// Applies `edits` (checked: inside the text, on char boundaries, not overlapping) the way an
/// LSP client applies one `TextEdit[]`: every span refers to the original text.
pub fn apply(text: &str, edits: &[Edit], what: &str) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    for edit in &sorted {
        assert_span(text, edit.span, what);
    }
    for pair in sorted.windows(2) {
        assert!(
            pair[0].span.end <= pair[1].span.start,
            "{what}: edits overlap: {:?} and {:?}",
            pair[0].span,
            pair[1].span
        );
    }
    let mut result = text.to_owned();
    for edit in sorted.iter().rev() {
        result.replace_range(edit.span.start..edit.span.end, &edit.text);
    }
    result
}

/// The fake ECI API's instances (`tests/fake-eci/fixtures/container-groups.json`).
pub fn fixture_groups() -> &'static [ContainerGroup] {
    static GROUPS: OnceLock<Vec<ContainerGroup>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Page {
            container_groups: Vec<ContainerGroup>,
        }
        let text = include_str!("../../../tests/fake-eci/fixtures/container-groups.json");
        let page: Page = serde_json::from_str(text).expect("the fake API's fixture parses");
        page.container_groups
    })
}

/// The regions of the fixture's instances, as `DescribeRegions` would list them.
pub fn fixture_regions() -> Vec<Region> {
    let mut ids: Vec<&str> = fixture_groups()
        .iter()
        .map(|group| group.region_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| Region {
            region_id: id.to_owned(),
            region_endpoint: format!("eci.{id}.aliyuncs.com"),
        })
        .collect()
}

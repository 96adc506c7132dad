//! Hover on a field's key or value: the field's documentation (and a region's name).

use super::Analysis;
use super::fields::{self, FieldSpec, FieldType};
use super::regions;
use super::span::Span;
use super::tree::{Member, Node, NodeKind};

/// What the cursor is on, for hover: a known field's key or value.
#[derive(Clone, Debug)]
pub struct HoverTarget<'a> {
    pub field: &'static FieldSpec,
    /// The key or value under the cursor.
    pub span: Span,
    /// The value when the cursor is on it (not on the key); for `Tags`, the whole object.
    pub value: Option<&'a Node>,
    /// The entry it belongs to, `None` for the defaults of a multi-entry file.
    pub entry: Option<usize>,
}

/// The known field whose key or scalar value (or `Tags` object) is under `offset`.
pub fn target(analysis: &Analysis, offset: usize) -> Option<HoverTarget<'_>> {
    let root = analysis.tree.as_ref()?;
    let members = root.as_object()?;
    let multi = members
        .iter()
        .any(|member| member.key.text == fields::EXECS);
    if let Some(found) = in_members(members, offset, if multi { None } else { Some(0) }) {
        return Some(found);
    }
    let execs = members
        .iter()
        .rev()
        .find(|member| member.key.text == fields::EXECS)?;
    let NodeKind::Array(items) = &execs.value.as_ref()?.kind else {
        return None;
    };
    let (index, item) = items
        .iter()
        .enumerate()
        .find(|(_, item)| item.span.contains(offset))?;
    in_members(item.as_object()?, offset, Some(index))
}

fn in_members(members: &[Member], offset: usize, entry: Option<usize>) -> Option<HoverTarget<'_>> {
    members.iter().find_map(|member| {
        let field = fields::any_field(&member.key.text)?;
        if member.key.span.contains(offset) {
            return Some(HoverTarget {
                field,
                span: member.key.span,
                value: None,
                entry,
            });
        }
        let value = member
            .value
            .as_ref()
            .filter(|value| value.span.contains(offset))?;
        // A `Tags` object is one selector value: hovering anywhere in it shows it whole.
        let shown = match value.kind {
            NodeKind::Object(_) => field.field_type == FieldType::Tags,
            _ => field.field_type != FieldType::Entries,
        };
        shown.then_some(HoverTarget {
            field,
            span: value.span,
            value: Some(value),
            entry,
        })
    })
}

/// Markdown documentation of a field, with the value's meaning when one is known.
pub fn field_markdown(target: &HoverTarget<'_>) -> String {
    let field = target.field;
    let mut text = format!("**{}**\n\n{}", field.name, field.doc);
    if field.name == fields::REGION_ID
        && let Some(region) = target.value.and_then(Node::as_str)
    {
        match regions::region_name(region) {
            Some(name) => text.push_str(&format!("\n\n`{region}`: {name}")),
            None => text.push_str(&format!("\n\n`{region}` is not a known ECI region.")),
        }
    }
    text
}

//! Re-analysis after an edit inside one entry of `Execs`: only that entry is parsed and
//! checked again, and what follows it moves by the edit's length change. Anything else (an
//! edit touching an entry's braces, or one whose entry no longer parses as one closed object)
//! falls back to a full analysis, so the result is always what `analyze` would give.

use super::diagnostic::{Code, Diagnostic};
use super::model::{self, Shape};
use super::parser;
use super::rules;
use super::span::Span;
use super::tree::{Node, NodeKind};
use super::{Analysis, analyze, fields};

/// One replacement: bytes `start..old_end` of the old text became `new_len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_len: usize,
    /// Whether the replaced bytes were spaces and tabs only.
    pub removed_blank: bool,
}

/// Entries deeper than this in the tree: root object (0), `Execs` array (1), entry (2).
const ENTRY_DEPTH: usize = 2;
/// Past this many syntax errors a full parse drops some; only a full analysis gets that right.
const ERROR_BUDGET: usize = 500;

/// The analysis of `text`, which is the text of `previous` with `edit` applied.
pub fn reanalyze(previous: Analysis, edit: TextEdit, text: &str) -> Analysis {
    match try_reanalyze(previous, edit, text) {
        Some(analysis) => analysis,
        None => analyze(text),
    }
}

/// The incremental paths alone: `None` when the edit needs a full analysis.
pub fn try_reanalyze(previous: Analysis, edit: TextEdit, text: &str) -> Option<Analysis> {
    if is_blank_between_entries(&previous, edit, text) {
        return Some(shift_all(previous, edit));
    }
    update_entry(previous, edit, text)
}

/// Spaces or tabs typed or deleted between the entries of `Execs`, next to delimiters and
/// away from any syntax error: no token changes, only positions.
fn is_blank_between_entries(previous: &Analysis, edit: TextEdit, text: &str) -> bool {
    let blank = |bytes: &[u8]| bytes.iter().all(|b| *b == b' ' || *b == b'\t');
    let delimiter = |byte: Option<&u8>| {
        matches!(
            byte,
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b',' | b':')
        )
    };
    let Some(inserted) = text.as_bytes().get(edit.start..edit.start + edit.new_len) else {
        return false;
    };
    let before = edit
        .start
        .checked_sub(1)
        .and_then(|at| text.as_bytes().get(at));
    if !edit.removed_blank
        || !blank(inserted)
        || !delimiter(before)
        || !delimiter(text.as_bytes().get(edit.start + edit.new_len))
    {
        return false;
    }
    let Some(items) = previous.tree.as_ref().and_then(execs_array) else {
        return false;
    };
    let (array, items) = items;
    let overlaps = |span: Span| span.start < edit.old_end && edit.start < span.end;
    array.start < edit.start
        && edit.old_end < array.end
        && !items.iter().any(|item| overlaps(item.span))
        && !previous.diagnostics.iter().any(|d| {
            d.code == Code::Syntax && d.span.end >= edit.start && d.span.start <= edit.old_end
        })
}

fn shift_all(mut previous: Analysis, edit: TextEdit) -> Analysis {
    let delta = edit.new_len as isize - (edit.old_end - edit.start) as isize;
    if let Some(root) = previous.tree.as_mut() {
        root.shift(edit.start, delta);
    }
    if let Some(model) = previous.model.as_mut() {
        model.defaults.shift(edit.start, delta);
        model
            .entries
            .iter_mut()
            .for_each(|entry| entry.shift(edit.start, delta));
    }
    previous
        .diagnostics
        .iter_mut()
        .for_each(|diagnostic| diagnostic.shift(edit.start, delta));
    previous
}

/// The `Execs` array the model reads (the last `Execs` key): its span and items.
fn execs_array(root: &Node) -> Option<(Span, &[Node])> {
    let members = root.as_object()?;
    let execs = members
        .iter()
        .rev()
        .find(|member| member.key.text == fields::EXECS)?;
    let value = execs.value.as_ref()?;
    match &value.kind {
        NodeKind::Array(items) => Some((value.span, items)),
        _ => None,
    }
}

fn update_entry(mut previous: Analysis, edit: TextEdit, text: &str) -> Option<Analysis> {
    let delta = edit.new_len as isize - (edit.old_end - edit.start) as isize;
    let model = previous
        .model
        .as_mut()
        .filter(|model| model.shape == Shape::Multi)?;
    let position = model
        .entries
        .iter()
        .position(|entry| entry.span.start < edit.start && edit.old_end < entry.span.end)?;
    let old_span = model.entries[position].span;
    let index = model.entries[position].index;
    let new_span = Span::new(old_span.start, old_span.end.checked_add_signed(delta)?);
    let slice = text.get(new_span.start..new_span.end)?;
    if !slice.ends_with('}') || previous.diagnostics.len() > ERROR_BUDGET {
        return None;
    }
    // Only an entry followed by white space, `,` or `]` stands alone: a syntax error right
    // after it would be folded with one of the entry's own (a run of junk reports once).
    if !matches!(
        text.as_bytes().get(new_span.end),
        Some(b',' | b']' | b' ' | b'\t' | b'\n' | b'\r')
    ) {
        return None;
    }

    // The entry alone must parse as one object closed by its own brace, as it would in place.
    let parsed = parser::parse_at_depth(slice, false, ENTRY_DEPTH);
    let mut entry_node = parsed
        .root
        .filter(|root| root.span == Span::new(0, slice.len()))?;
    // An error right after the opening brace would, in place, fold into one on the brace
    // (`expected , or ]` of a missing comma): a run of junk reports once.
    if !matches!(entry_node.kind, NodeKind::Object(_))
        || parsed.errors.len() > ERROR_BUDGET
        || parsed
            .errors
            .iter()
            .any(|e| e.span.start <= 1 || e.span.end >= slice.len())
    {
        return None;
    }
    entry_node.shift(0, new_span.start as isize);

    // Move what follows the entry (and the ends of what encloses it), then put it in the tree.
    let root = previous.tree.as_mut()?;
    execs_items(root)?
        .get(index)
        .filter(|item| item.span == old_span)?;
    root.shift(old_span.end, delta);
    let items = execs_items(root)?;
    items[index] = entry_node;
    let entry_node = &items[index];

    // The entry's diagnostics, in the order a full analysis makes them.
    let mut fresh: Vec<Diagnostic> = parsed
        .errors
        .into_iter()
        .map(|error| {
            let mut diagnostic = Diagnostic::from(error);
            diagnostic.shift(0, new_span.start as isize);
            diagnostic
        })
        .collect();
    rules::check_tree(entry_node, &mut fresh);
    let mut entry = model::build_entry(index, entry_node, text, &mut fresh)?;
    rules::check_entry(model, &entry, text, &mut fresh);
    std::mem::swap(&mut model.entries[position], &mut entry);
    model.defaults.shift(old_span.end, delta);
    model.entries[position + 1..]
        .iter_mut()
        .for_each(|entry| entry.shift(old_span.end, delta));

    // Keep what comes before the entry, replace what is in it, move what follows.
    let mut diagnostics = std::mem::take(&mut previous.diagnostics);
    let before = diagnostics.partition_point(|d| d.span.start < old_span.start);
    let after = diagnostics.partition_point(|d| d.span.start < old_span.end);
    let mut tail = diagnostics.split_off(after);
    // A syntax error on the entry's opening brace comes from around it (`expected , or ]`).
    let inside = diagnostics.split_off(before);
    diagnostics.extend(
        inside
            .into_iter()
            .filter(|d| d.code == Code::Syntax && d.span.start == old_span.start),
    );
    fresh.sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
    diagnostics.extend(fresh);
    tail.iter_mut()
        .for_each(|diagnostic| diagnostic.shift(old_span.end, delta));
    diagnostics.extend(tail);
    previous.diagnostics = diagnostics;
    Some(previous)
}

/// The items of the `Execs` array the model reads (the last `Execs` key).
fn execs_items(root: &mut Node) -> Option<&mut Vec<Node>> {
    let NodeKind::Object(members) = &mut root.kind else {
        return None;
    };
    let execs = members
        .iter()
        .rposition(|member| member.key.text == fields::EXECS)?;
    match &mut members[execs].value.as_mut()?.kind {
        NodeKind::Array(items) => Some(items),
        _ => None,
    }
}

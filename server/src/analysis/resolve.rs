//! An entry as it would be sent: every field resolved through the defaults, and the error
//! diagnostics that forbid running it.

use super::Analysis;
use super::diagnostic::{Diagnostic, Severity};
use super::model::{Entry, Model, Shape};
use super::symbols::entry_name;

/// The parameters of one ExecContainerCommand call, as the file says them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedEntry {
    pub index: usize,
    /// The entry's name for menus and results (Label, else container and command).
    pub name: String,
    pub label: Option<String>,
    pub region_id: String,
    pub container_group_id: String,
    pub container_name: String,
    pub command: Vec<String>,
    pub tty: bool,
    pub stdin: bool,
    pub sync: bool,
}

/// The entry at `index` of `Execs` (or the single exec at 0).
pub fn entry(model: &Model, index: usize) -> Option<&Entry> {
    model.entries.iter().find(|entry| entry.index == index)
}

/// The error diagnostics that concern `entry`: inside it, or on the defaults it inherits.
pub fn blocking_errors<'a>(
    analysis: &'a Analysis,
    model: &Model,
    entry: &Entry,
) -> Vec<&'a Diagnostic> {
    analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .filter(|diagnostic| {
            let start = diagnostic.span.start;
            entry.span.touches(start)
                || (model.shape == Shape::Multi
                    && !model.entries.iter().any(|other| other.span.touches(start)))
        })
        .collect()
}

/// The entry's call parameters; `None` when a required field has no usable value (which
/// `blocking_errors` reports).
pub fn resolve(model: &Model, entry: &Entry) -> Option<ResolvedEntry> {
    let text =
        |slot: &super::model::Slot<super::tree::Text>| slot.value().map(|text| text.to_string());
    let flag =
        |slot: &super::model::Slot<bool>, default: bool| slot.value().copied().unwrap_or(default);
    Some(ResolvedEntry {
        index: entry.index,
        name: entry_name(model, entry),
        label: entry.own.label.value().map(|label| label.to_string()),
        region_id: text(model.resolve(entry, |f| &f.region_id).slot)?,
        container_group_id: text(model.resolve(entry, |f| &f.container_group_id).slot)?,
        container_name: text(model.resolve(entry, |f| &f.container_name).slot)?,
        command: entry
            .own
            .command
            .as_ref()?
            .strings()?
            .into_iter()
            .map(str::to_owned)
            .collect(),
        tty: flag(model.resolve(entry, |f| &f.tty).slot, false),
        stdin: flag(model.resolve(entry, |f| &f.stdin).slot, true),
        sync: flag(model.resolve(entry, |f| &f.sync).slot, false),
    })
}

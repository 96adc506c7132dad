//! Whether an entry can run, and what is sent: every field resolved through the defaults, and
//! the error diagnostics that forbid running it. The command line and the server both ask here.

use std::fmt;

use super::Analysis;
use super::diagnostic::{Diagnostic, Severity};
use super::hidden::{CONFIRM_CHARS, display_command, escape_hidden};
use super::model::{Entry, Model, Shape, Slot};
use super::symbols::entry_name;
use super::tree::Text;
use crate::eci::ExecRequest;

/// An entry that may run: its call, and the names people know it by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedEntry {
    pub index: usize,
    /// The entry's name for menus and results (Label, else container and command).
    pub name: String,
    pub label: Option<String>,
    /// The ExecContainerCommand call, as the file says it.
    pub request: ExecRequest,
}

/// Why an entry does not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The top level is not an object.
    NotExecConfig,
    /// No entry at this index.
    NoEntry(usize),
    /// Error diagnostics in the entry or in the defaults it inherits: `code (message)` each.
    Errors { index: usize, errors: Vec<String> },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotExecConfig => {
                f.write_str("not run: not an exec config (the top level is not an object)")
            }
            Refusal::NoEntry(index) => write!(f, "not run: there is no entry {index} in the file"),
            Refusal::Errors { index, errors } => write!(
                f,
                "not run: entry {index} has errors; fix them first: {}",
                errors.join("; ")
            ),
        }
    }
}

/// The entry at `index` of `Execs` (or the single exec at 0).
pub fn entry(model: &Model, index: usize) -> Option<&Entry> {
    model.entries.iter().find(|entry| entry.index == index)
}

/// The one decision of whether the entry at `index` runs, and the call it makes.
pub fn runnable(analysis: &Analysis, index: usize) -> Result<ResolvedEntry, Refusal> {
    let model = analysis.model.as_ref().ok_or(Refusal::NotExecConfig)?;
    let entry = entry(model, index).ok_or(Refusal::NoEntry(index))?;
    let errors: Vec<String> = blocking_errors(analysis, model, entry)
        .iter()
        .map(|diagnostic| format!("{} ({})", diagnostic.code.as_str(), diagnostic.message))
        .collect();
    // A required field without a usable value always has its error diagnostic; the fallback
    // message only guards against a rule and this function disagreeing.
    match resolve(model, entry) {
        Some(resolved) if errors.is_empty() => Ok(resolved),
        _ => Err(Refusal::Errors {
            index,
            errors: if errors.is_empty() {
                vec!["a required field has no usable value".to_owned()]
            } else {
                errors
            },
        }),
    }
}

/// The error diagnostics that concern `entry`: inside it, or on the defaults it inherits.
fn blocking_errors<'a>(
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

/// The entry's call; `None` when a required field has no usable value.
fn resolve(model: &Model, entry: &Entry) -> Option<ResolvedEntry> {
    let text = |slot: &Slot<Text>| slot.value().map(|text| text.to_string());
    let flag = |slot: &Slot<bool>, default: bool| slot.value().copied().unwrap_or(default);
    let request = ExecRequest {
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
    };
    Some(ResolvedEntry {
        index: entry.index,
        name: entry_name(model, entry),
        label: entry.own.label.value().map(|label| label.to_string()),
        request,
    })
}

impl ResolvedEntry {
    /// The question a person answers before the entry runs: what runs, escaped and cut so
    /// that nothing in it acts unseen (`hidden::display_command`).
    pub fn confirmation(&self) -> String {
        let request = &self.request;
        format!(
            "Run `{}` in container {} of {} ({})?{}",
            display_command(&request.command, CONFIRM_CHARS),
            escape_hidden(&request.container_name),
            escape_hidden(&request.container_group_id),
            escape_hidden(&request.region_id),
            if request.sync {
                ""
            } else {
                " It opens an interactive session."
            }
        )
    }
}

//! Choosing one entry of a file for `run` and `exec` (`--label`, `--index`, or the only one),
//! and the run decision on it (`analysis::resolve::runnable`): an entry with errors is refused.

use std::path::Path;

use crate::analysis::resolve::{self, ResolvedEntry};
use crate::analysis::{self, symbols};

/// Which entry.
pub enum Selector<'a> {
    Label(&'a str),
    Index(usize),
    /// The file's only entry.
    Only,
}

impl<'a> Selector<'a> {
    /// From `--label` and `--index` (which clap keeps apart).
    pub fn of(label: Option<&'a str>, index: Option<usize>) -> Self {
        match (label, index) {
            (Some(label), _) => Selector::Label(label),
            (None, Some(index)) => Selector::Index(index),
            (None, None) => Selector::Only,
        }
    }
}

/// Reads the file and resolves the chosen entry, refusing one with errors.
pub fn resolve(selector: Selector<'_>, path: &Path) -> Result<ResolvedEntry, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read: {error}"))?;
    let analysis = analysis::analyze(&text);
    let model = analysis
        .model
        .as_ref()
        .ok_or("not an exec config: the top level is not an object")?;
    let entry = match selector {
        Selector::Index(index) => {
            resolve::entry(model, index).ok_or(format!("no entry at index {index}"))?
        }
        Selector::Label(label) => model
            .entries
            .iter()
            .find(|entry| entry.own.label.value().is_some_and(|own| **own == *label))
            .ok_or(format!("no entry labelled `{label}`"))?,
        Selector::Only => match model.entries.as_slice() {
            [only] => only,
            entries => {
                let names: Vec<String> = entries
                    .iter()
                    .map(|entry| {
                        format!("  {}: {}", entry.index, symbols::entry_name(model, entry))
                    })
                    .collect();
                return Err(format!(
                    "the file has {} entries: choose one with --label or --index\n{}",
                    entries.len(),
                    names.join("\n")
                ));
            }
        },
    };
    resolve::runnable(&analysis, entry.index).map_err(|refusal| refusal.to_string())
}

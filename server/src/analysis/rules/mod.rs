//! The semantic rules, run over the model once it is built; each file holds one group of rules.

mod command_items;
mod duplicates;
mod flags;
mod hidden_characters;
mod required;
mod target;
mod values;

use super::diagnostic::Diagnostic;
use super::model::{Entry, Fields, Model};
use super::tree::Node;

pub use duplicates::check as check_duplicate_keys;
pub use target::is_well_formed;
pub use values::is_container_group_id;

/// Every offline rule that needs the model.
pub fn check(model: &Model, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    check_object(&model.defaults, diagnostics);
    for entry in &model.entries {
        check_entry(model, entry, text, diagnostics);
    }
}

/// The rules of one entry (its own values, its Command, and what it inherits).
pub fn check_entry(model: &Model, entry: &Entry, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    check_object(&entry.own, diagnostics);
    if let Some(command) = &entry.own.command {
        command_items::check(command, diagnostics);
    }
    hidden_characters::check(&entry.own, diagnostics);
    required::check(model, entry, text, diagnostics);
    flags::check(model, entry, text, diagnostics);
}

/// The rules on the values one object writes, checked there once however many entries
/// inherit them.
fn check_object(fields: &Fields, diagnostics: &mut Vec<Diagnostic>) {
    values::check_fields(fields, diagnostics);
    target::check(&fields.target, diagnostics);
}

/// Duplicate keys anywhere in the tree.
pub fn check_tree(root: &Node, diagnostics: &mut Vec<Diagnostic>) {
    check_duplicate_keys(root, diagnostics);
}

//! Document symbols: one per entry, named by its Label, else `ContainerName: command`.

use super::model::{Entry, Model, Slot};
use super::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct EntrySymbol {
    pub name: String,
    /// The command, shown beside the name.
    pub detail: Option<String>,
    pub span: Span,
    /// The Label value, else the Command value, else the opening brace.
    pub selection: Span,
}

/// Longest name shown in the outline before it is shortened.
const MAX_NAME_CHARS: usize = 80;

pub fn symbols(model: &Model) -> Vec<EntrySymbol> {
    model
        .entries
        .iter()
        .map(|entry| symbol(model, entry))
        .collect()
}

/// A readable name for the entry, for the outline, lenses and results; never empty (VS Code
/// rejects a whole outline with one empty name): a blank Label, ContainerName or Command
/// counts as none.
pub fn entry_name(model: &Model, entry: &Entry) -> String {
    if let Some(label) = label(entry) {
        return label.to_string();
    }
    let command = command_line(entry).filter(|command| not_blank(command));
    let container = model
        .resolve(entry, |f| &f.container_name)
        .slot
        .value()
        .filter(|container| not_blank(container))
        .cloned();
    let name = match (container, command) {
        (Some(container), Some(command)) => format!("{container}: {command}"),
        (None, Some(command)) => command,
        (Some(container), None) => container.to_string(),
        (None, None) => format!("entry {}", entry.index),
    };
    shorten(&name, MAX_NAME_CHARS)
}

fn not_blank(text: &str) -> bool {
    !text.trim().is_empty()
}

/// The entry's Label, unless it is blank.
fn label(entry: &Entry) -> Option<&str> {
    entry
        .own
        .label
        .value()
        .map(|label| &**label)
        .filter(|label| not_blank(label))
}

/// The command as one line of text, items joined by spaces.
pub fn command_line(entry: &Entry) -> Option<String> {
    let items = entry.own.command.as_ref()?.strings()?;
    Some(items.join(" "))
}

fn symbol(model: &Model, entry: &Entry) -> EntrySymbol {
    let selection = match (&entry.own.label, &entry.own.command) {
        (Slot::Value(_, span), _) => *span,
        (_, Some(command)) if entry.span.touches(command.span.start) => command.span,
        _ => Span::new(entry.span.start, entry.span.start + 1),
    };
    let detail = label(entry)
        .and_then(|_| command_line(entry))
        .map(|line| shorten(&line, MAX_NAME_CHARS));
    EntrySymbol {
        name: entry_name(model, entry),
        detail,
        span: entry.span,
        selection,
    }
}

/// `text` cut to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    fn names(text: &str) -> Vec<String> {
        let analysis = analyze(text);
        symbols(analysis.model.as_ref().expect("a model"))
            .into_iter()
            .map(|symbol| symbol.name)
            .collect()
    }

    /// VS Code rejects a whole outline with one empty name ("name must not be falsy"): a
    /// blank Label, ContainerName or Command is as good as none (found by fuzzing).
    #[test]
    fn blank_parts_never_make_an_empty_name() {
        assert_eq!(
            names(r#"{"Label": " ", "ContainerName": "web", "Command": ["ls"]}"#),
            ["web: ls"]
        );
        assert_eq!(names(r#"{"Label": "", "Command": ["ls"]}"#), ["ls"]);
        assert_eq!(
            names(r#"{"ContainerName": "", "Command": [""]}"#),
            ["entry 0"]
        );
        assert_eq!(
            names(r#"{"Execs": [{"Command": []}, {"ContainerName": "web", "Command": []}]}"#),
            ["entry 0", "web"]
        );
    }
}

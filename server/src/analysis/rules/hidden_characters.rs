//! `hidden-characters`: a Command item or Label holding characters that do not show as what
//! they do (controls other than tab, bidirectional controls): what a reviewer or the Run
//! confirmation shows is not what runs.

use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::hidden::{escape_hidden, is_hidden};
use crate::analysis::model::{Fields, Slot};
use crate::analysis::span::Span;

/// Lists at most this many kinds of hidden character in a message.
const LISTED: usize = 4;

pub fn check(fields: &Fields, diagnostics: &mut Vec<Diagnostic>) {
    if let Slot::Value(label, span) = &fields.label {
        report("Label", label, *span, diagnostics);
    }
    let items = fields
        .command
        .iter()
        .flat_map(|command| command.items.iter().flatten());
    for item in items {
        if let Some(text) = &item.text {
            report("Command item", text, item.span, diagnostics);
        }
    }
}

fn report(what: &str, text: &str, span: Span, diagnostics: &mut Vec<Diagnostic>) {
    let mut found: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| is_hidden(*c)) {
        if !found.contains(&c) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return;
    }
    let mut listed: Vec<String> = found
        .iter()
        .take(LISTED)
        .map(|c| format!("`{}`", escape_hidden(&c.to_string())))
        .collect();
    if found.len() > LISTED {
        listed.push(format!("{} more", found.len() - LISTED));
    }
    let message = format!(
        "{what} holds hidden characters ({}): what a reviewer or the Run confirmation shows is not what runs; remove them unless they are meant",
        listed.join(", ")
    );
    diagnostics.push(Diagnostic::new(Code::HiddenCharacters, span, message));
}

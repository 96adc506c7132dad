//! Code actions in byte terms: the quick fixes of the diagnostics in a range, and the
//! Command rewrites (a string holding JSON into an array, and back).

use super::Analysis;
use super::command::json_string;
use super::diagnostic::{Code, Diagnostic, Edit, Fix};
use super::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    Rewrite,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action<'a> {
    pub kind: ActionKind,
    pub fix: Fix,
    /// The diagnostic a quick fix resolves.
    pub diagnostic: Option<&'a Diagnostic>,
}

fn overlaps(left: Span, right: Span) -> bool {
    left.start <= right.end && right.start <= left.end
}

/// Whether an `invalid-escape` lies in `span`: its text decodes to U+FFFD, so a rewrite from
/// the decoded items would change the command (and hide the error).
fn holds_lone_surrogate(analysis: &Analysis, span: Span) -> bool {
    analysis.diagnostics.iter().any(|diagnostic| {
        diagnostic.code == Code::InvalidEscape && span.contains(diagnostic.span.start)
    })
}

/// The actions available for `range`.
pub fn actions(analysis: &Analysis, range: Span) -> Vec<Action<'_>> {
    let mut actions: Vec<Action> = analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| overlaps(diagnostic.span, range))
        .filter_map(|diagnostic| {
            let fix = diagnostic.fix.clone()?;
            Some(Action {
                kind: ActionKind::QuickFix,
                fix,
                diagnostic: Some(diagnostic),
            })
        })
        .collect();
    let command = analysis
        .model
        .iter()
        .flat_map(|model| &model.entries)
        .filter_map(|entry| entry.own.command.as_ref())
        .find(|command| overlaps(command.span, range) && !command.span.is_empty());
    if let Some(command) = command
        && let Some(items) = command.strings()
        && !holds_lone_surrogate(analysis, command.span)
    {
        let (title, text) = if command.string_form {
            let quoted: Vec<String> = items.iter().map(|item| json_string(item)).collect();
            (
                "Convert Command to an array",
                format!("[{}]", quoted.join(", ")),
            )
        } else {
            let compact = serde_json::Value::from(items.clone()).to_string();
            (
                "Convert Command to a JSON string (the API's wire form)",
                json_string(&compact),
            )
        };
        let fix = Fix {
            title: title.to_owned(),
            edits: vec![Edit {
                span: command.span,
                text,
            }],
        };
        actions.push(Action {
            kind: ActionKind::Rewrite,
            fix,
            diagnostic: None,
        });
    }
    actions
}

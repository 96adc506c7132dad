//! `missing-field`: an entry lacks a required field after defaults are applied; reported on
//! the entry's opening brace, one diagnostic per field, each with a fix that adds it.

use crate::analysis::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::analysis::fields;
use crate::analysis::model::{Entry, Model, Shape};
use crate::analysis::span::Span;

pub fn check(model: &Model, entry: &Entry, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let brace = Span::new(entry.span.start, entry.span.start + 1);
    let missing = [
        (
            fields::REGION_ID,
            model.resolve(entry, |f| &f.region_id).slot.is_absent(),
        ),
        (
            fields::CONTAINER_GROUP_ID,
            model
                .resolve(entry, |f| &f.container_group_id)
                .slot
                .is_absent(),
        ),
        (
            fields::CONTAINER_NAME,
            model.resolve(entry, |f| &f.container_name).slot.is_absent(),
        ),
        (fields::COMMAND, entry.own.command.is_none()),
    ];
    for (name, is_missing) in missing {
        if !is_missing {
            continue;
        }
        let hint = match (name, model.shape) {
            (fields::COMMAND, _) => "set what to run, e.g. [\"/bin/sh\", \"-c\", \"ls -a\"]",
            (_, Shape::Multi) => "set it in this entry or as a default at the top of the file",
            (_, Shape::Single) => "set it in this object",
        };
        let message = format!("missing {name}: ExecContainerCommand requires it; {hint}");
        let placeholder = if name == fields::COMMAND {
            "[\"/bin/sh\", \"-c\", \"\"]"
        } else {
            "\"\""
        };
        let fix = Fix {
            title: format!("Add {name}"),
            edits: vec![insert_member(entry, text, name, placeholder)],
        };
        diagnostics.push(Diagnostic::new(Code::MissingField, brace, message).with_fix(fix));
    }
}

/// An edit adding `"name": value` as the object's last member, matching its layout.
pub fn insert_member(entry: &Entry, text: &str, name: &str, value: &str) -> Edit {
    let layout = &entry.layout;
    let member = format!("\"{name}\": {value}");
    match layout.last_member_end {
        Some(end) => {
            let separator = match layout.member_indent {
                Some(indent) => format!("{}{}", line_break(text), &text[indent.start..indent.end]),
                None => " ".to_owned(),
            };
            Edit {
                span: Span::new(end, end),
                text: format!(",{separator}{member}"),
            }
        }
        None => {
            let at = layout.open_brace + 1;
            Edit {
                span: Span::new(at, at),
                text: format!(" {member} "),
            }
        }
    }
}

/// The file's own line break, so an inserted line does not mix CRLF and LF.
fn line_break(text: &str) -> &'static str {
    // The first line break decides: scanning the whole text per fix would be quadratic.
    match text.find('\n') {
        Some(at) if text[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

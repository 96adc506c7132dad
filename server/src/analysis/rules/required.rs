//! `missing-field`: an entry lacks a required field (or a target: an id or a selector) after
//! defaults are applied; reported on the entry's opening brace, one diagnostic per field, each
//! with a fix that adds it.

use crate::analysis::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::analysis::fields;
use crate::analysis::lexer::{LexErrorKind, Lexer, TokenKind};
use crate::analysis::model::{Entry, Model, Shape};
use crate::analysis::span::Span;

pub fn check(model: &Model, entry: &Entry, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let brace = Span::new(entry.span.start, entry.span.start + 1);
    let missing = [
        (
            fields::REGION_ID,
            model.resolve(entry, |f| &f.region_id).slot.is_absent(),
        ),
        (fields::CONTAINER_GROUP_ID, model.target(entry).is_absent()),
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
        let message = if name == fields::CONTAINER_GROUP_ID {
            format!(
                "missing ContainerGroupId, or a ContainerGroupName/Tags selector: name the instances to run in; {hint}"
            )
        } else {
            format!("missing {name}: ExecContainerCommand requires it; {hint}")
        };
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

/// An edit adding `"name": value` to the entry's object, matching its layout, that adds no
/// syntax error: after the last member when that member is complete (the usual place), else
/// right after the opening brace, where a complete member and a comma cannot change how the
/// rest of a half-typed object reads (`{"Cont` must not become `{"Cont, "RegionId": ""`).
pub fn insert_member(entry: &Entry, text: &str, name: &str, value: &str) -> Edit {
    let layout = &entry.layout;
    let member = format!("\"{name}\": {value}");
    let separator = match layout.member_indent {
        Some(indent) => format!("{}{}", line_break(text), &text[indent.start..indent.end]),
        None => " ".to_owned(),
    };
    let after_brace = Span::new(layout.open_brace + 1, layout.open_brace + 1);
    // Members start on the next line: the new one gets a line of its own too.
    let brace_ends_line = text[after_brace.end..]
        .trim_start_matches([' ', '\t'])
        .starts_with(['\n', '\r']);
    match layout.last_member {
        Some(last) if is_complete_member(&text[last.start..last.end]) => Edit {
            span: Span::new(last.end, last.end),
            text: format!(",{separator}{member}"),
        },
        Some(_) if brace_ends_line => Edit {
            span: after_brace,
            text: format!("{separator}{member},"),
        },
        Some(_) => Edit {
            span: after_brace,
            text: format!("{member}, "),
        },
        None => Edit {
            span: after_brace,
            text: format!(" {member} "),
        },
    }
}

/// Whether `member` is exactly one complete `"key": value`: a closed key string, a colon, and
/// one value whose brackets all close, nothing the lexer refuses. Only after such a member
/// does `, "Name": value` read as one more member.
fn is_complete_member(member: &str) -> bool {
    let mut lexer = Lexer::new(member, false);
    if lexer.next_token().kind != TokenKind::String || lexer.next_token().kind != TokenKind::Colon {
        return false;
    }
    let mut open = Vec::new();
    loop {
        let token = lexer.next_token();
        match token.kind {
            TokenKind::LBrace => open.push(TokenKind::RBrace),
            TokenKind::LBracket => open.push(TokenKind::RBracket),
            TokenKind::RBrace | TokenKind::RBracket if open.pop() == Some(token.kind) => {}
            TokenKind::String
            | TokenKind::Number
            | TokenKind::True
            | TokenKind::False
            | TokenKind::Null => {}
            TokenKind::Colon | TokenKind::Comma if !open.is_empty() => {}
            _ => return false,
        }
        if open.is_empty() {
            break;
        }
    }
    lexer.next_token().kind == TokenKind::Eof
        && lexer
            .errors
            .iter()
            .all(|error| error.kind != LexErrorKind::Malformed)
}

/// The file's own line break, so an inserted line does not mix CRLF and LF.
fn line_break(text: &str) -> &'static str {
    // The first line break decides: scanning the whole text per fix would be quadratic.
    match text.find('\n') {
        Some(at) if text[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

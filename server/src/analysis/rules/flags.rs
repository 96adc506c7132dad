//! The flag rules: `sync-with-tty`, `sync-with-shell` and `shell-without-tty`.

use crate::analysis::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::analysis::fields;
use crate::analysis::model::{Entry, Model, Resolved};
use crate::analysis::shell::is_interactive_shell;
use crate::analysis::span::Span;

use super::required::insert_member;

pub fn check(model: &Model, entry: &Entry, text: &str, diagnostics: &mut Vec<Diagnostic>) {
    let brace = Span::new(entry.span.start, entry.span.start + 1);
    let sync = model.resolve(entry, |f| &f.sync);
    let tty = model.resolve(entry, |f| &f.tty);
    let is_sync = flag(&sync);
    let is_tty = flag(&tty);
    if is_sync && is_tty {
        let (span, fix) = match (tty.inherited, tty.slot.span()) {
            (false, Some(value)) => (
                value,
                Edit {
                    span: value,
                    text: "false".to_owned(),
                },
            ),
            _ => (brace, insert_member(entry, text, fields::TTY, "false")),
        };
        let message = "Sync and TTY are both true; ExecContainerCommand refuses a synchronous run with a terminal: set TTY to false, or Sync to false for an interactive session";
        let fix = Fix {
            title: "Set TTY to false".to_owned(),
            edits: vec![fix],
        };
        diagnostics.push(Diagnostic::new(Code::SyncWithTty, span, message).with_fix(fix));
    }
    let Some(command) = &entry.own.command else {
        return;
    };
    let Some(items) = command.strings() else {
        return;
    };
    if !is_interactive_shell(&items) {
        return;
    }
    if is_sync {
        let message = format!(
            "Sync is true but `{}` starts an interactive shell, which never returns output: run a command with [\"/bin/sh\", \"-c\", \"...\"], or drop Sync and set TTY",
            items.join(" ")
        );
        diagnostics.push(Diagnostic::new(Code::SyncWithShell, command.span, message));
    } else if !is_tty {
        let message = format!(
            "`{}` starts an interactive shell but TTY is not true: set \"TTY\": true to get a terminal",
            items.join(" ")
        );
        diagnostics.push(Diagnostic::new(
            Code::ShellWithoutTty,
            command.span,
            message,
        ));
    }
}

fn flag(resolved: &Resolved<'_, bool>) -> bool {
    resolved.slot.value().copied().unwrap_or(false)
}

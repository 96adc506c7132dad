//! `command-empty`, `command-too-many` and `command-too-long`: the API's limits on Command.

use crate::analysis::command::CommandValue;
use crate::analysis::diagnostic::{Code, Diagnostic};

/// ExecContainerCommand accepts at most this many Command items.
pub const MAX_ITEMS: usize = 20;
/// ... each of at most this many characters (Unicode scalar values).
pub const MAX_ITEM_CHARS: usize = 256;

pub fn check(command: &CommandValue, diagnostics: &mut Vec<Diagnostic>) {
    let Some(items) = &command.items else { return };
    if items.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::CommandEmpty,
            command.span,
            "Command has no items: give the program to run, e.g. [\"/bin/sh\", \"-c\", \"ls -a\"]",
        ));
        return;
    }
    for item in items.iter().skip(MAX_ITEMS) {
        let message = format!(
            "Command has {} items; ExecContainerCommand accepts at most {MAX_ITEMS}: join arguments into a shell string (\"/bin/sh\", \"-c\", \"...\")",
            items.len()
        );
        diagnostics.push(Diagnostic::new(Code::CommandTooMany, item.span, message));
    }
    for item in items {
        let Some(text) = &item.text else { continue };
        let length = text.chars().count();
        if length > MAX_ITEM_CHARS {
            let message = format!(
                "Command item has {length} characters; ExecContainerCommand accepts at most {MAX_ITEM_CHARS} per item: split it or put it in a script"
            );
            diagnostics.push(Diagnostic::new(Code::CommandTooLong, item.span, message));
        }
    }
}

//! Protocol values into the analysis's terms (byte offsets, spans, plain values), through
//! `crate::position`. With `to_proto.rs`, the only place that reads protocol values.

use serde::de::DeserializeOwned;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Error;
use tower_lsp_server::ls_types::{
    CodeActionKind, FormattingOptions, Position, ProgressToken, Range,
    TextDocumentContentChangeEvent,
};

use super::documents::TextChange;
use super::session::Snapshot;
use super::to_proto;
use crate::analysis::format::FormatOptions;
use crate::analysis::span::Span;
use crate::position::{self, LineCol};

pub fn line_col(position: Position) -> LineCol {
    LineCol {
        line: position.line,
        character: position.character,
    }
}

/// The byte offset of `position`, clamped to the document.
pub fn offset(snapshot: &Snapshot, position: Position) -> usize {
    position::offset_of(
        &snapshot.analyzed.rope,
        snapshot.encoding,
        line_col(position),
    )
}

/// The byte span of `range`, its ends in order.
pub fn span(snapshot: &Snapshot, range: Range) -> Span {
    let (start, end) = (offset(snapshot, range.start), offset(snapshot, range.end));
    Span::new(start.min(end), start.max(end))
}

/// A `didChange`'s edits, in order.
pub fn text_changes(changes: Vec<TextDocumentContentChangeEvent>) -> Vec<TextChange> {
    changes
        .into_iter()
        .map(|change| TextChange {
            range: change
                .range
                .map(|range| (line_col(range.start), line_col(range.end))),
            text: change.text,
        })
        .collect()
}

/// Whether a code action of `kind` is among those the client asked for (all when it named none).
pub fn wanted_kind(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| only.iter().any(|prefix| kind.starts_with(prefix.as_str())))
}

/// The single argument of a command, read as `T`; `RequestFailed` saying what was expected
/// when it is missing or of another shape.
pub fn command_argument<T: DeserializeOwned>(
    arguments: Vec<Value>,
    expected: &str,
) -> Result<T, Error> {
    let argument = arguments.into_iter().next().ok_or_else(|| {
        to_proto::request_failed(format!("the command needs one argument, {expected}"))
    })?;
    serde_json::from_value(argument).map_err(|error| {
        to_proto::request_failed(format!(
            "the command's argument must be {expected}: {error}"
        ))
    })
}

/// The layout a formatting request asks for (`trimFinalNewlines` and `trimTrailingWhitespace`
/// need nothing: the formatter always ends with at most one line break and never leaves
/// spaces at the end of a line outside comments).
pub fn format_options(options: &FormattingOptions) -> FormatOptions {
    FormatOptions {
        tab_size: options.tab_size,
        insert_spaces: options.insert_spaces,
        insert_final_newline: options.insert_final_newline.unwrap_or(false),
    }
}

/// A progress token as a key (`window/workDoneProgress/cancel` names it in either form).
pub fn progress_key(token: &ProgressToken) -> String {
    match token {
        ProgressToken::String(text) => text.clone(),
        ProgressToken::Number(number) => number.to_string(),
    }
}

//! Analysis results (byte spans) into LSP types, through `crate::position`.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticSeverity, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use crate::analysis::diagnostic::{Diagnostic, Edit, Severity};
use crate::analysis::span::Span;
use crate::position::{self, Encoding, LineCol};

/// Converts spans of one document version.
pub struct Converter<'a> {
    pub rope: &'a Rope,
    pub encoding: Encoding,
}

impl Converter<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let LineCol { line, character } = position::position_of(self.rope, self.encoding, offset);
        Position { line, character }
    }

    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    pub fn offset(&self, position: Position) -> usize {
        position::offset_of(
            self.rope,
            self.encoding,
            LineCol {
                line: position.line,
                character: position.character,
            },
        )
    }

    pub fn span(&self, range: Range) -> Span {
        let (start, end) = (self.offset(range.start), self.offset(range.end));
        Span::new(start.min(end), start.max(end))
    }

    pub fn diagnostic(&self, diagnostic: &Diagnostic) -> lsp::Diagnostic {
        lsp::Diagnostic {
            range: self.range(diagnostic.span),
            severity: Some(match diagnostic.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(diagnostic.code.as_str().to_owned())),
            source: Some("eci-exec".to_owned()),
            message: diagnostic.message.clone(),
            ..lsp::Diagnostic::default()
        }
    }

    pub fn edit(&self, edit: &Edit) -> TextEdit {
        TextEdit {
            range: self.range(edit.span),
            new_text: edit.text.clone(),
        }
    }

    pub fn workspace_edit(&self, uri: &Uri, edits: &[Edit]) -> WorkspaceEdit {
        let edits = edits.iter().map(|edit| self.edit(edit)).collect();
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

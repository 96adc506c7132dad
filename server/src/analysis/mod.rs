//! Pure analysis of exec configs: text in, model and diagnostics with byte spans out.
//! Nothing here knows about LSP, I/O or the network (see ARCHITECTURE.md).

pub mod actions;
pub mod command;
pub mod completion;
pub mod diagnostic;
pub mod fields;
pub mod fleet;
pub mod folding;
pub mod format;
pub mod hidden;
pub mod hover;
pub mod incremental;
pub mod instances;
mod lexer;
pub mod links;
pub mod model;
pub mod online;
pub mod parser;
pub mod regions;
pub mod resolve;
mod rules;
pub mod run_result;
pub mod selection;
pub mod selector;
pub mod shell;
mod shift;
pub mod span;
mod suggest;
pub mod symbols;
pub mod tree;

use diagnostic::{Code, Diagnostic};
use model::Model;
use parser::SyntaxErrorKind;
use tree::Node;

/// Everything known about one version of a document.
#[derive(Debug)]
pub struct Analysis {
    /// The parsed tree; `None` only for a text holding no JSON value.
    pub tree: Option<Node>,
    /// The exec config it describes; `None` when the top level is not an object.
    pub model: Option<Model>,
    /// Offline diagnostics, ordered by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Analyses `text`: never fails, whatever the input.
pub fn analyze(text: &str) -> Analysis {
    let parsed = parser::parse(text, false);
    let mut diagnostics: Vec<Diagnostic> =
        parsed.errors.into_iter().map(Diagnostic::from).collect();
    let model = parsed.root.as_ref().and_then(|root| {
        rules::check_tree(root, &mut diagnostics);
        let model = model::build(root, text, &mut diagnostics)?;
        rules::check(&model, text, &mut diagnostics);
        Some(model)
    });
    diagnostics.sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
    Analysis {
        tree: parsed.root,
        model,
        diagnostics,
    }
}

impl From<parser::SyntaxError> for Diagnostic {
    fn from(error: parser::SyntaxError) -> Diagnostic {
        let code = match error.kind {
            SyntaxErrorKind::Syntax => Code::Syntax,
            SyntaxErrorKind::TrailingComma => Code::TrailingComma,
            SyntaxErrorKind::InvalidEscape => Code::InvalidEscape,
        };
        Diagnostic::new(code, error.span, error.message)
    }
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == diagnostic::Severity::Error)
    }
}

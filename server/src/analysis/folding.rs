//! What the editor can fold: objects and arrays, block comments, and runs of `//` comments
//! on consecutive lines, each only when it spans more than one line. A fold's span ends on
//! the last line it hides: a closing bracket alone on its line stays visible, as in editors'
//! own JSON folding.

use super::Analysis;
use super::lexer;
use super::span::Span;
use super::tree::{Node, NodeKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// An object or array: from its opening bracket to the line before its closing one (or
    /// to the closing bracket when something precedes it on its line).
    Brackets,
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub span: Span,
    pub kind: FoldKind,
}

fn breaks_line(text: &str, span: Span) -> bool {
    text[span.start..span.end].contains(['\n', '\r'])
}

/// The folds of the text, outer before inner, then the comments.
pub fn folds(analysis: &Analysis, text: &str) -> Vec<Fold> {
    let mut folds = Vec::new();
    if let Some(root) = &analysis.tree {
        containers(root, text, &mut folds);
    }
    folds.extend(
        comment_blocks(text, &lexer::comments(text))
            .into_iter()
            .filter(|span| breaks_line(text, *span))
            .map(|span| Fold {
                span,
                kind: FoldKind::Comment,
            }),
    );
    folds
}

/// Every object and array that spans lines, in document order, the outer one only when two
/// start on the same line (iteratively: the tree can be 128 levels deep).
fn containers(root: &Node, text: &str, folds: &mut Vec<Fold>) {
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        let children: Vec<&Node> = match &node.kind {
            NodeKind::Object(members) => members.iter().filter_map(|m| m.value.as_ref()).collect(),
            NodeKind::Array(items) => items.iter().collect(),
            _ => continue,
        };
        pending.extend(children.into_iter().rev());
        let span = Span::new(node.span.start, last_hidden(text, node.span));
        let same_line_as_last = folds
            .last()
            .is_some_and(|last| !breaks_line(text, Span::new(last.span.start, span.start)));
        if breaks_line(text, span) && !same_line_as_last {
            folds.push(Fold {
                span,
                kind: FoldKind::Brackets,
            });
        }
    }
}

/// Where the fold of a container ends: at the line break before its closing bracket when the
/// bracket starts its line, else at the bracket (an unclosed container: at its end).
fn last_hidden(text: &str, container: Span) -> usize {
    let closed = container.len() >= 2 && text[..container.end].ends_with(['}', ']']);
    if !closed {
        return container.end;
    }
    let close = container.end - 1;
    let before = text[..close].trim_end_matches([' ', '\t']);
    before
        .strip_suffix("\r\n")
        .or_else(|| before.strip_suffix(['\n', '\r']))
        .map_or(close, str::len)
}

/// Whether only indentation comes before `offset` on its line.
fn starts_line(text: &str, offset: usize) -> bool {
    text[..offset]
        .trim_end_matches([' ', '\t'])
        .ends_with(['\n', '\r'])
        || text[..offset]
            .trim_start_matches('\u{feff}')
            .trim()
            .is_empty()
}

/// Comments merged into blocks: a `//` comment on a line of its own joins the one on the line
/// before when that one is a `//` comment on a line of its own too.
fn comment_blocks(text: &str, comments: &[Span]) -> Vec<Span> {
    let is_own_line_comment =
        |span: Span| text[span.start..].starts_with("//") && starts_line(text, span.start);
    let mut blocks: Vec<Span> = Vec::new();
    for &comment in comments {
        if let Some(last) = blocks.last_mut() {
            let between = text[last.end..comment.start].trim_matches([' ', '\t']);
            let next_line = matches!(between, "\n" | "\r\n" | "\r");
            if next_line && is_own_line_comment(*last) && is_own_line_comment(comment) {
                last.end = comment.end;
                continue;
            }
        }
        blocks.push(comment);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    fn folded(text: &str) -> Vec<(&str, FoldKind)> {
        folds(&analyze(text), text)
            .into_iter()
            .map(|fold| (&text[fold.span.start..fold.span.end], fold.kind))
            .collect()
    }

    #[test]
    fn containers_and_comments_over_several_lines_fold() {
        let text = "// one\n// two\n{\n  \"Execs\": [\n    {\"Command\": [\"ls\"]},\n    {\n      \"Sync\": true\n    }\n  ], /* a\n  b */ \"x\": 1 // alone\n}";
        assert_eq!(
            folded(text),
            [
                (&text[14..text.len() - 2], FoldKind::Brackets),
                (
                    "[\n    {\"Command\": [\"ls\"]},\n    {\n      \"Sync\": true\n    }",
                    FoldKind::Brackets
                ),
                ("{\n      \"Sync\": true", FoldKind::Brackets),
                ("// one\n// two", FoldKind::Comment),
                ("/* a\n  b */", FoldKind::Comment),
            ]
        );
    }

    #[test]
    fn line_comments_apart_or_after_code_stay_apart() {
        let text = "{\n  // one\n\n  // two\n  \"a\": 1 // three\n  // four\n}";
        assert_eq!(
            folded(text),
            [(&text[..text.len() - 2], FoldKind::Brackets)]
        );
    }

    #[test]
    fn the_outer_of_two_containers_opened_on_one_line_folds() {
        let text = "{\"Execs\": [{\r\n  \"Sync\": true}\r\n]}";
        assert_eq!(
            folded(text),
            [(&text[..text.len() - 1], FoldKind::Brackets)]
        );
        // A closing bracket after other text on its line is hidden with it.
        let text = "{\"a\": [\n  1, 2]}";
        assert_eq!(
            folded(text),
            [(&text[..text.len() - 1], FoldKind::Brackets)]
        );
    }
}

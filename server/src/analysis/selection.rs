//! Selection ranges ("expand selection"): from the token at a position out to the whole text.

use super::Analysis;
use super::span::Span;
use super::tree::{Member, Node, NodeKind};

/// The spans around `offset`, innermost first: a string's inside, the token (key or value),
/// its member (`"key": value`), the object or array holding it, and so on out to the
/// top-level value, then the whole text. Each span holds the one before it.
pub fn selection(analysis: &Analysis, text: &str, offset: usize) -> Vec<Span> {
    let mut outward = vec![Span::new(0, text.len())];
    if let Some(root) = &analysis.tree {
        inward(root, text, offset, &mut outward);
    }
    outward.dedup();
    outward.reverse();
    outward
}

/// Pushes the spans from `node` in to the token at `offset`, outermost first (iteratively:
/// the tree can be 128 levels deep).
fn inward(root: &Node, text: &str, offset: usize, spans: &mut Vec<Span>) {
    let mut node = root;
    loop {
        if !node.span.touches(offset) {
            return;
        }
        spans.push(node.span);
        let next = match &node.kind {
            NodeKind::Object(members) => {
                let Some(member) = members
                    .iter()
                    .find(|member| member_span(member).touches(offset))
                else {
                    return;
                };
                spans.push(member_span(member));
                if member.key.span.touches(offset) {
                    push_token(member.key.span, text, offset, spans);
                    return;
                }
                // Between the key and the value (around the colon) the member is innermost.
                match member.value.as_ref().filter(|v| v.span.touches(offset)) {
                    Some(value) => value,
                    None => return,
                }
            }
            NodeKind::Array(items) => match items.iter().find(|item| item.span.touches(offset)) {
                Some(item) => item,
                None => return,
            },
            _ => {
                spans.pop();
                push_token(node.span, text, offset, spans);
                return;
            }
        };
        node = next;
    }
}

/// `"key": value`, or the key alone when the value is missing.
fn member_span(member: &Member) -> Span {
    let end = member
        .value
        .as_ref()
        .map_or(member.key.span.end, |v| v.span.end);
    Span::new(member.key.span.start, end)
}

/// A token, then, for a string the cursor is inside of, the text between its quotes.
fn push_token(span: Span, text: &str, offset: usize, spans: &mut Vec<Span>) {
    spans.push(span);
    let literal = &text[span.start..span.end];
    if literal.len() >= 2 && literal.starts_with('"') && literal.ends_with('"') {
        let inside = Span::new(span.start + 1, span.end - 1);
        if inside.touches(offset) {
            spans.push(inside);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    fn selected(marked: &str) -> Vec<String> {
        let offset = marked.find('|').expect("cursor");
        let text = marked.replacen('|', "", 1);
        selection(&analyze(&text), &text, offset)
            .into_iter()
            .map(|span| text[span.start..span.end].to_owned())
            .collect()
    }

    #[test]
    fn from_the_token_out_to_the_whole_text() {
        assert_eq!(
            selected(" {\"Execs\": [{\"Label\": \"we|b\"}]}\n"),
            [
                "web",
                "\"web\"",
                "\"Label\": \"web\"",
                "{\"Label\": \"web\"}",
                "[{\"Label\": \"web\"}]",
                "\"Execs\": [{\"Label\": \"web\"}]",
                "{\"Execs\": [{\"Label\": \"web\"}]}",
                " {\"Execs\": [{\"Label\": \"web\"}]}\n",
            ]
        );
    }

    #[test]
    fn a_key_then_its_member() {
        assert_eq!(
            selected("{\"Sy|nc\": true}"),
            ["Sync", "\"Sync\"", "\"Sync\": true", "{\"Sync\": true}"]
        );
        assert_eq!(
            selected("{\"Sync\": tr|ue}"),
            ["true", "\"Sync\": true", "{\"Sync\": true}"]
        );
    }

    #[test]
    fn between_tokens_the_innermost_container() {
        assert_eq!(
            selected("{\"a\": [1, | 2]}"),
            ["[1,  2]", "\"a\": [1,  2]", "{\"a\": [1,  2]}"]
        );
        // After a colon, before the value: the member, never the key alone (VS Code rejects
        // a first range that misses the cursor; found by fuzzing).
        assert_eq!(selected("{\"a\":| 1}"), ["\"a\": 1", "{\"a\": 1}"]);
        assert_eq!(selected("{\"a\" |: 1}"), ["\"a\" : 1", "{\"a\" : 1}"]);
        assert_eq!(selected("|"), [""]);
        assert_eq!(selected("// only a comment|"), ["// only a comment"]);
    }
}

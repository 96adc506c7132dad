//! Reads a `Command` value: an array of strings, or a string holding one as JSON, whose inner
//! positions are mapped through the literal's escapes back to the exact characters of the file.

use super::diagnostic::{Code, Diagnostic, Edit, Fix};
use super::parser::{self, SyntaxErrorKind};
use super::span::Span;
use super::tree::{Node, NodeKind, Text};

/// One item of a Command and where it is written (for a Command string, inside the literal).
#[derive(Clone, Debug, PartialEq)]
pub struct CommandItem {
    /// The item's text; `None` when it is not a string.
    pub text: Option<Text>,
    pub span: Span,
}

/// A Command value as written.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandValue {
    /// The whole value (the array, or the string literal with its quotes).
    pub span: Span,
    /// Written as a string holding JSON rather than as an array.
    pub string_form: bool,
    /// The items; `None` when the value is of the wrong type or its JSON is invalid.
    pub items: Option<Vec<CommandItem>>,
}

impl CommandValue {
    /// The items as strings, when every item is one.
    pub fn strings(&self) -> Option<Vec<&str>> {
        self.items
            .as_ref()?
            .iter()
            .map(|item| item.text.as_deref())
            .collect()
    }
}

/// Reads a Command value, reporting `invalid-type` and `command-invalid-json` into `diagnostics`.
pub fn read(node: &Node, text: &str, diagnostics: &mut Vec<Diagnostic>) -> CommandValue {
    let items = match &node.kind {
        NodeKind::Array(items) => Some(
            items
                .iter()
                .map(|item| array_item(item, diagnostics))
                .collect(),
        ),
        NodeKind::String(content) => string_items(node.span, content, text, diagnostics),
        _ => {
            let message = format!(
                "Command must be an array of strings (or a string holding one as JSON), not {}",
                node.type_name()
            );
            diagnostics.push(Diagnostic::new(Code::InvalidType, node.span, message));
            None
        }
    };
    CommandValue {
        span: node.span,
        string_form: matches!(node.kind, NodeKind::String(_)),
        items,
    }
}

fn array_item(item: &Node, diagnostics: &mut Vec<Diagnostic>) -> CommandItem {
    let text = item.as_text();
    if text.is_none() {
        diagnostics.push(item_type_error(item, item.span));
    }
    CommandItem {
        text,
        span: item.span,
    }
}

fn item_type_error(item: &Node, span: Span) -> Diagnostic {
    let message = format!(
        "Command items must be strings, not {}: put it in double quotes",
        item.type_name()
    );
    Diagnostic::new(Code::InvalidType, span, message)
}

fn string_items(
    span: Span,
    content: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<CommandItem>> {
    let literal = DecodedLiteral::new(text, span);
    let mut parsed = parser::parse(&literal.decoded, true);
    // A lone surrogate escape in the inner JSON is still JSON: reported where it is written,
    // and the items are read.
    parsed.errors.retain(|error| {
        if error.kind != SyntaxErrorKind::InvalidEscape {
            return true;
        }
        let span = literal.source_range(error.span);
        diagnostics.push(Diagnostic::new(
            Code::InvalidEscape,
            span,
            error.message.clone(),
        ));
        false
    });
    let failure = match (&parsed.root, parsed.errors.first()) {
        (_, Some(error)) => Some((error.span.start, error.message.clone())),
        (Some(root), None) if !matches!(root.kind, NodeKind::Array(_)) => Some((
            root.span.start,
            format!("it holds {}, not an array", root.type_name()),
        )),
        _ => None,
    };
    if let Some((offset, reason)) = failure {
        let reason = if literal.decoded.trim().is_empty() {
            "the string is empty".to_owned()
        } else {
            reason.replace("the end of the file", "the end of the string")
        };
        let message = format!(
            "Command string is not a JSON array of strings ({reason}); write it like [\"/bin/sh\", \"-c\", \"ls -a\"]"
        );
        let mut diagnostic = Diagnostic::new(
            Code::CommandInvalidJson,
            literal.source_span(offset),
            message,
        );
        // Not from a lone surrogate's U+FFFD: the fix would write that instead of the escape.
        if !content.trim().is_empty()
            && !content.trim_start().starts_with('[')
            && !literal.lone_surrogate
        {
            diagnostic = diagnostic.with_fix(wrap_in_shell_fix(span, content));
        }
        diagnostics.push(diagnostic);
        return None;
    }
    let Some(Node {
        kind: NodeKind::Array(items),
        ..
    }) = parsed.root
    else {
        return None;
    };
    let items = items
        .iter()
        .map(|item| {
            let span = literal.source_range(item.span);
            let text = item.as_text();
            if text.is_none() {
                diagnostics.push(item_type_error(item, span));
            }
            CommandItem { text, span }
        })
        .collect();
    Some(items)
}

/// The quick fix turning `"ls -a"` into `["/bin/sh", "-c", "ls -a"]`.
pub fn wrap_in_shell_fix(span: Span, content: &str) -> Fix {
    let replacement = format!("[\"/bin/sh\", \"-c\", {}]", json_string(content));
    Fix {
        title: "Run it with /bin/sh -c".to_owned(),
        edits: vec![Edit {
            span,
            text: replacement,
        }],
    }
}

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// A string literal decoded with, for every decoded byte, the source span that produced it.
struct DecodedLiteral {
    decoded: String,
    sources: Vec<Span>,
    /// Where the text ends: the closing quote, or the end of an unterminated literal.
    end: Span,
    /// Whether an escape was half of a surrogate pair (decoded as U+FFFD).
    lone_surrogate: bool,
}

impl DecodedLiteral {
    fn new(text: &str, span: Span) -> DecodedLiteral {
        let literal = &text[span.start..span.end];
        let terminated = literal.len() >= 2 && literal.ends_with('"');
        let body_end = if terminated { span.end - 1 } else { span.end };
        let end = if terminated {
            Span::new(span.end - 1, span.end)
        } else {
            Span::new(span.end, span.end)
        };
        let mut decoded = String::new();
        let mut sources = Vec::new();
        let mut position = span.start + 1;
        let mut lone_surrogate = false;
        while position < body_end {
            let (character, width) = decode_one(&text[position..body_end]);
            // Six source bytes are a `\uXXXX` escape alone (a pair takes twelve).
            lone_surrogate |= width == 6
                && hex4(&text[position + 2..position + 6])
                    .is_some_and(|code| (0xD800..0xE000).contains(&code));
            if let Some(character) = character {
                decoded.push(character);
                sources.extend(std::iter::repeat_n(
                    Span::new(position, position + width),
                    character.len_utf8(),
                ));
            }
            position += width;
        }
        DecodedLiteral {
            decoded,
            sources,
            end,
            lone_surrogate,
        }
    }

    /// The source characters of the decoded character at `offset` (the end: the closing quote).
    fn source_span(&self, offset: usize) -> Span {
        self.sources.get(offset).copied().unwrap_or(self.end)
    }

    /// The source range covering decoded bytes `range`.
    fn source_range(&self, range: Span) -> Span {
        let start = self.source_span(range.start).start;
        let end = match range
            .end
            .checked_sub(1)
            .and_then(|last| self.sources.get(last))
        {
            Some(last) => last.end,
            None => start,
        };
        Span::new(start, end.max(start))
    }
}

/// Decodes the first character or escape of `rest`: the character (none for a broken escape)
/// and how many source bytes it took.
fn decode_one(rest: &str) -> (Option<char>, usize) {
    let Some(escaped) = rest.strip_prefix('\\') else {
        let character = rest.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
        return (Some(character), character.len_utf8());
    };
    let Some(kind) = escaped.chars().next() else {
        return (None, 1);
    };
    let simple = match kind {
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        _ => None,
    };
    if let Some(character) = simple {
        return (Some(character), 2);
    }
    if kind != 'u' {
        return (None, 1 + kind.len_utf8());
    }
    let Some(high) = hex4(&escaped[1..]) else {
        return (None, 2);
    };
    if (0xD800..0xDC00).contains(&high)
        && let Some(low) = escaped[5..]
            .strip_prefix("\\u")
            .and_then(hex4)
            .filter(|low| (0xDC00..0xE000).contains(low))
    {
        let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        return (char::from_u32(combined), 12);
    }
    (
        Some(char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)),
        6,
    )
}

fn hex4(text: &str) -> Option<u32> {
    let digits = text.get(..4)?;
    if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

//! Error-tolerant recursive-descent parser for JSON with comments: every error is recorded
//! and parsing goes on, so the rest of the file still gets its checks.

use std::borrow::Cow;

use super::fields;
use super::lexer::{LexErrorKind, Lexer, Token, TokenKind};
use super::span::Span;
use super::tree::{Key, Member, Node, NodeKind};

/// Deeper nesting than this is reported and skipped, so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 128;
/// Past this many errors, further ones are dropped: a binary file should not yield a million.
const MAX_ERRORS: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    Syntax,
    TrailingComma,
    /// A lone surrogate escape (`\ud83d`): the string decodes to U+FFFD there.
    InvalidEscape,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    pub message: String,
}

/// A key's text: the format's own field names are borrowed from the field table.
fn key_text(text: &str) -> Cow<'static, str> {
    match fields::any_field(text) {
        Some(spec) => Cow::Borrowed(spec.name),
        None => Cow::Owned(text.to_owned()),
    }
}

/// The tree (absent only when the text holds no value at all) and every error met on the way.
#[derive(Debug)]
pub struct Parsed {
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
}

/// Parses `text`. In `strict` mode (the JSON inside a Command string) comments and
/// trailing commas are syntax errors.
pub fn parse(text: &str, strict: bool) -> Parsed {
    parse_at_depth(text, strict, 0)
}

/// Parses `text` as a value found `depth` levels down in a larger document (for re-parsing
/// one entry of `Execs`, at depth 2), so the nesting limit falls where it would.
pub fn parse_at_depth(text: &str, strict: bool, depth: usize) -> Parsed {
    let mut parser = Parser {
        pools: Pools::new(),
        lexer: Lexer::new(text, strict),
        token: None,
        errors: Vec::new(),
        strict,
        reported_end: false,
        last_error_end: 0,
    };
    let root = if parser.peek().kind == TokenKind::Eof {
        let end = text.len();
        parser.error(
            Span::new(end, end),
            "the file is empty: expected a JSON object",
        );
        None
    } else {
        parser.value(depth)
    };
    let rest = parser.peek();
    if rest.kind != TokenKind::Eof {
        parser.error(rest.span, "unexpected text after the end of the JSON value");
    }
    let mut errors = parser.errors;
    errors.extend(parser.lexer.errors.into_iter().map(|error| SyntaxError {
        kind: match error.kind {
            LexErrorKind::Malformed => SyntaxErrorKind::Syntax,
            LexErrorKind::LoneSurrogate => SyntaxErrorKind::InvalidEscape,
        },
        span: error.span,
        message: error.message,
    }));
    errors.sort_by_key(|error| error.span.start);
    errors.truncate(MAX_ERRORS);
    Parsed { root, errors }
}

/// Reusable buffers for the members and items being gathered, one per nesting depth.
struct Pools {
    members: Vec<Vec<Member>>,
    items: Vec<Vec<Node>>,
}

impl Pools {
    fn new() -> Pools {
        Pools {
            members: (0..=MAX_DEPTH).map(|_| Vec::new()).collect(),
            items: (0..=MAX_DEPTH).map(|_| Vec::new()).collect(),
        }
    }
}

struct Parser<'a> {
    pools: Pools,
    lexer: Lexer<'a>,
    token: Option<Token>,
    errors: Vec<SyntaxError>,
    strict: bool,
    reported_end: bool,
    /// Where the last reported syntax error ends, to fold runs of junk into one error.
    last_error_end: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Token {
        match self.token {
            Some(token) => token,
            None => {
                let token = self.lexer.next_token();
                self.token = Some(token);
                token
            }
        }
    }

    fn bump(&mut self) -> Token {
        let token = self.peek();
        self.token = None;
        token
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        // Every container left open ends at the end of the file: one error there says it all.
        let at_end = span.start == self.lexer.text().len();
        if at_end && std::mem::replace(&mut self.reported_end, true) {
            return;
        }
        // A run of junk (`))))`, pasted binary) is one mistake: report where it starts only.
        if span.start > 0 && span.start <= self.last_error_end && !at_end {
            self.last_error_end = self.last_error_end.max(span.end);
            return;
        }
        self.last_error_end = span.end;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(SyntaxError {
                kind: SyntaxErrorKind::Syntax,
                span,
                message: message.into(),
            });
        }
    }

    fn describe(&self, token: Token) -> String {
        match token.kind {
            TokenKind::Eof => "the end of the file".to_owned(),
            _ => format!("`{}`", &self.lexer.text()[token.span.start..token.span.end]),
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        let token = self.peek();
        let kind = match token.kind {
            TokenKind::LBrace | TokenKind::LBracket if depth >= MAX_DEPTH => {
                self.skip_nested();
                return None;
            }
            TokenKind::LBrace => return Some(self.object(depth)),
            TokenKind::LBracket => return Some(self.array(depth)),
            TokenKind::String => NodeKind::String(self.lexer.string_value.as_str().into()),
            TokenKind::Number => NodeKind::Number,
            TokenKind::True => NodeKind::Bool(true),
            TokenKind::False => NodeKind::Bool(false),
            TokenKind::Null => NodeKind::Null,
            TokenKind::Word | TokenKind::Junk => {
                let message = format!(
                    "unexpected {}: expected a value (strings need double quotes)",
                    self.describe(token)
                );
                self.error(token.span, message);
                self.bump();
                return None;
            }
            _ => {
                let message = format!("expected a value, found {}", self.describe(token));
                self.error(token.span, message);
                return None;
            }
        };
        self.bump();
        Some(Node {
            span: token.span,
            kind,
        })
    }

    fn object(&mut self, depth: usize) -> Node {
        let open = self.bump();
        // Members gather in a buffer kept per depth, then move into an exact-size vector:
        // no growth on the way, no spare capacity left in the tree.
        let mut members = self
            .pools
            .members
            .get_mut(depth)
            .map(std::mem::take)
            .unwrap_or_default();
        let end = loop {
            let token = self.peek();
            match token.kind {
                TokenKind::RBrace => break self.bump().span.end,
                TokenKind::Eof | TokenKind::RBracket => {
                    let message = format!(
                        "expected `}}` to close the object, found {}",
                        self.describe(token)
                    );
                    self.error(token.span, message);
                    break token.span.start;
                }
                TokenKind::String | TokenKind::Word => {
                    members.push(self.member(depth));
                    self.separator(TokenKind::RBrace);
                }
                TokenKind::LBrace | TokenKind::LBracket => {
                    self.error(token.span, "expected a property name in double quotes");
                    self.value(depth + 1);
                }
                _ => {
                    let message = format!(
                        "expected a property name in double quotes, found {}",
                        self.describe(token)
                    );
                    self.error(token.span, message);
                    self.bump();
                }
            }
        };
        let mut exact = Vec::with_capacity(members.len());
        exact.append(&mut members);
        if let Some(pool) = self.pools.members.get_mut(depth) {
            *pool = members;
        }
        Node {
            span: Span::new(open.span.start, end),
            kind: NodeKind::Object(exact),
        }
    }

    fn member(&mut self, depth: usize) -> Member {
        let token = self.bump();
        let text = if token.kind == TokenKind::String {
            key_text(&self.lexer.string_value)
        } else {
            self.error(token.span, "property names must be in double quotes");
            key_text(&self.lexer.text()[token.span.start..token.span.end])
        };
        let key = Key {
            text,
            span: token.span,
        };
        let next = self.peek();
        if next.kind != TokenKind::Colon {
            let message = format!(
                "expected `:` after the property name, found {}",
                self.describe(next)
            );
            self.error(next.span, message);
            return Member { key, value: None };
        }
        self.bump();
        let value = self.value(depth + 1);
        Member { key, value }
    }

    fn array(&mut self, depth: usize) -> Node {
        let open = self.bump();
        let mut items = self
            .pools
            .items
            .get_mut(depth)
            .map(std::mem::take)
            .unwrap_or_default();
        let end = loop {
            let token = self.peek();
            match token.kind {
                TokenKind::RBracket => break self.bump().span.end,
                TokenKind::Eof | TokenKind::RBrace => {
                    let message = format!(
                        "expected `]` to close the array, found {}",
                        self.describe(token)
                    );
                    self.error(token.span, message);
                    break token.span.start;
                }
                TokenKind::Comma | TokenKind::Colon => {
                    let message = format!("expected a value, found {}", self.describe(token));
                    self.error(token.span, message);
                    self.bump();
                }
                _ => {
                    if let Some(item) = self.value(depth + 1) {
                        items.push(item);
                    }
                    self.separator(TokenKind::RBracket);
                }
            }
        };
        let mut exact = Vec::with_capacity(items.len());
        exact.append(&mut items);
        if let Some(pool) = self.pools.items.get_mut(depth) {
            *pool = items;
        }
        Node {
            span: Span::new(open.span.start, end),
            kind: NodeKind::Array(exact),
        }
    }

    /// After a member or item: a comma (maybe trailing), the closer, or a reported error.
    fn separator(&mut self, closer: TokenKind) {
        let token = self.peek();
        match token.kind {
            TokenKind::Comma => {
                self.bump();
                if self.peek().kind == closer {
                    if self.strict {
                        self.error(token.span, "trailing comma");
                    } else if self.errors.len() < MAX_ERRORS {
                        self.errors.push(SyntaxError {
                            kind: SyntaxErrorKind::TrailingComma,
                            span: token.span,
                            message: "trailing comma: remove it (JSON does not allow one)"
                                .to_owned(),
                        });
                    }
                }
            }
            kind if kind == closer => {}
            TokenKind::Eof | TokenKind::RBrace | TokenKind::RBracket => {}
            _ => {
                let expected = if closer == TokenKind::RBrace {
                    "`,` or `}`"
                } else {
                    "`,` or `]`"
                };
                let message = format!("expected {expected}, found {}", self.describe(token));
                self.error(token.span, message);
            }
        }
    }

    /// Skips a too-deeply nested value without recursion, reporting it once.
    fn skip_nested(&mut self) {
        let open = self.bump();
        self.error(
            open.span,
            format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
        );
        let mut depth = 1usize;
        while depth > 0 {
            match self.bump().kind {
                TokenKind::LBrace | TokenKind::LBracket => depth += 1,
                TokenKind::RBrace | TokenKind::RBracket => depth -= 1,
                TokenKind::Eof => return,
                _ => {}
            }
        }
    }
}

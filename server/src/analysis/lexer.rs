//! Tokens of JSON with comments, with byte spans; string literals are decoded as they are read,
//! comments kept as spans.

use super::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    String,
    Number,
    True,
    False,
    Null,
    /// A bare word such as `foo` or `undefined`: never valid JSON, kept whole for the message.
    Word,
    /// Any other character.
    Junk,
    Eof,
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// A problem found while reading the text; the parser decides how it is reported.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub kind: LexErrorKind,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexErrorKind {
    /// The text is not JSON(C) here.
    Malformed,
    /// A `\uD800`-`\uDFFF` escape without its other half: valid JSON syntax, but it decodes
    /// to U+FFFD, not to what the file says.
    LoneSurrogate,
}

pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Comments are an error in strict mode (the JSON inside a Command string).
    strict: bool,
    /// The decoded value of the last `String` token.
    pub string_value: String,
    pub errors: Vec<LexError>,
    /// Every comment read, in order (`//` ones end before the line break).
    pub comments: Vec<Span>,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, strict: bool) -> Lexer<'a> {
        // A byte order mark is not part of the JSON text.
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos,
            strict,
            string_value: String::new(),
            errors: Vec::new(),
            comments: Vec::new(),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>) {
        self.error_of_kind(LexErrorKind::Malformed, start, end, message);
    }

    fn error_of_kind(
        &mut self,
        kind: LexErrorKind,
        start: usize,
        end: usize,
        message: impl Into<String>,
    ) {
        // A binary file could hold millions of bad characters; a thousand errors say enough.
        if self.errors.len() < 1000 {
            self.errors.push(LexError {
                kind,
                span: Span::new(start, end),
                message: message.into(),
            });
        }
    }

    pub fn next_token(&mut self) -> Token {
        self.skip_trivia();
        let start = self.pos;
        let Some(&byte) = self.bytes.get(start) else {
            return Token {
                kind: TokenKind::Eof,
                span: Span::new(start, start),
            };
        };
        let kind = match byte {
            b'{' => self.single(TokenKind::LBrace),
            b'}' => self.single(TokenKind::RBrace),
            b'[' => self.single(TokenKind::LBracket),
            b']' => self.single(TokenKind::RBracket),
            b':' => self.single(TokenKind::Colon),
            b',' => self.single(TokenKind::Comma),
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => self.word(),
            _ => {
                let width = self.text[start..].chars().next().map_or(1, char::len_utf8);
                self.pos += width;
                TokenKind::Junk
            }
        };
        Token {
            kind,
            span: Span::new(start, self.pos),
        }
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.pos += 1;
        kind
    }

    fn skip_trivia(&mut self) {
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    let start = self.pos;
                    let rest = &self.bytes[self.pos..];
                    let len = rest
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(rest.len());
                    self.pos += len;
                    self.reject_comment(start);
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    let start = self.pos;
                    match self.text[start + 2..].find("*/") {
                        Some(end) => self.pos = start + 2 + end + 2,
                        None => {
                            self.pos = self.bytes.len();
                            self.error(
                                start,
                                start + 2,
                                "unterminated comment: add `*/` to close it",
                            );
                        }
                    }
                    self.reject_comment(start);
                }
                _ => return,
            }
        }
    }

    fn reject_comment(&mut self, start: usize) {
        self.comments.push(Span::new(start, self.pos));
        if self.strict {
            self.error(start, self.pos, "comments are not allowed here");
        }
    }

    fn word(&mut self) -> TokenKind {
        let start = self.pos;
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'$' | b'-' | b'.') {
                self.pos += 1;
            } else {
                break;
            }
        }
        match &self.text[start..self.pos] {
            "true" => TokenKind::True,
            "false" => TokenKind::False,
            "null" => TokenKind::Null,
            _ => TokenKind::Word,
        }
    }

    fn number(&mut self) -> TokenKind {
        let start = self.pos;
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.') {
                self.pos += 1;
            } else {
                break;
            }
        }
        if !is_json_number(&self.bytes[start..self.pos]) {
            self.error(
                start,
                self.pos,
                format!(
                    "`{}` is not a valid JSON number",
                    &self.text[start..self.pos]
                ),
            );
        }
        TokenKind::Number
    }

    fn string(&mut self) -> TokenKind {
        let start = self.pos;
        self.pos += 1;
        self.string_value.clear();
        loop {
            let run_start = self.pos;
            while let Some(&byte) = self.bytes.get(self.pos) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            self.string_value.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return TokenKind::String;
                }
                Some(b'\\') => self.escape(),
                Some(b'\n' | b'\r') | None => {
                    self.error(start, self.pos, "unterminated string: add the closing `\"`");
                    return TokenKind::String;
                }
                Some(&control) => {
                    self.error(
                        self.pos,
                        self.pos + 1,
                        "control characters in strings must be escaped",
                    );
                    self.string_value.push(char::from(control));
                    self.pos += 1;
                }
            }
        }
    }

    fn escape(&mut self) {
        let start = self.pos;
        let Some(&kind) = self.bytes.get(self.pos + 1) else {
            self.pos += 1;
            return;
        };
        self.pos += 2;
        let decoded = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => match self.unicode_escape() {
                Ok(decoded) => decoded,
                Err(UnicodeEscapeError::NotHex) => {
                    self.error(
                        start,
                        self.pos,
                        "invalid unicode escape: expected `\\u` and four hex digits",
                    );
                    return;
                }
                Err(UnicodeEscapeError::LoneSurrogate(code)) => {
                    let escape = &self.text[start..self.pos];
                    let message = lone_surrogate_message(escape, code);
                    self.error_of_kind(LexErrorKind::LoneSurrogate, start, self.pos, message);
                    char::REPLACEMENT_CHARACTER
                }
            },
            _ => {
                // Step back over a multi-byte character so spans stay on character boundaries.
                let width = self.text[start + 1..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                self.pos = start + 1 + width;
                self.error(
                    start,
                    self.pos,
                    format!("invalid escape `{}`", &self.text[start..self.pos]),
                );
                return;
            }
        };
        self.string_value.push(decoded);
    }

    /// Reads the four hex digits after `\u` (and a low surrogate's escape after a high one).
    fn unicode_escape(&mut self) -> Result<char, UnicodeEscapeError> {
        let high = self.hex4().ok_or(UnicodeEscapeError::NotHex)?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high).ok_or(UnicodeEscapeError::NotHex);
        }
        if high < 0xDC00
            && self.bytes.get(self.pos) == Some(&b'\\')
            && self.bytes.get(self.pos + 1) == Some(&b'u')
        {
            let save = self.pos;
            self.pos += 2;
            if let Some(low) = self.hex4().filter(|low| (0xDC00..0xE000).contains(low)) {
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(combined).ok_or(UnicodeEscapeError::NotHex);
            }
            self.pos = save;
        }
        Err(UnicodeEscapeError::LoneSurrogate(high))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        let mut value = 0;
        for &digit in digits {
            value = value * 16 + char::from(digit).to_digit(16)?;
        }
        self.pos += 4;
        Some(value)
    }
}

/// The comments of `text`, in order: what formatting keeps and folding folds.
pub fn comments(text: &str) -> Vec<Span> {
    let mut lexer = Lexer::new(text, false);
    while lexer.next_token().kind != TokenKind::Eof {}
    lexer.comments
}

enum UnicodeEscapeError {
    /// `\u` not followed by four hex digits.
    NotHex,
    /// Half of a surrogate pair (this code unit) without its other half.
    LoneSurrogate(u32),
}

/// Why a lone surrogate escape (`escape`, six characters) is refused, and what to write instead.
fn lone_surrogate_message(escape: &str, code: u32) -> String {
    let missing = if code < 0xDC00 {
        "the first half of a UTF-16 surrogate pair, but no second half (`\\udc00`-`\\udfff`) follows it"
    } else {
        "the second half of a UTF-16 surrogate pair, but no first half (`\\ud800`-`\\udbff`) comes before it"
    };
    format!(
        "`{escape}` is {missing}: it decodes to U+FFFD (the replacement character), not to what the file says; write the character itself, or both halves of its pair"
    )
}

/// JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(bytes: &[u8]) -> bool {
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    if bytes.get(i) == Some(&b'0') {
        i += 1;
    } else if !digits(&mut i) {
        return false;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == bytes.len()
}

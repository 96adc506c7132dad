//! Where the cursor is (a key or a value of which object, `Tags` objects included) and the
//! offline candidates there: field names with their docs, `true`/`false`, and region ids.

use super::Analysis;
use super::command;
use super::fields::{self, FieldType};
use super::model::Shape;
use super::regions::KNOWN_REGIONS;
use super::span::Span;
use super::tree::{Member, Node, NodeKind};

/// Which kind of object the cursor is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// The whole file is one exec.
    Single,
    /// The top of a multi-entry file.
    Defaults,
    /// The entry at this index of `Execs`.
    Entry(usize),
    /// The `Tags` object of the entry at this index (`Some`), or of the top level (`None`: the
    /// single exec, or the defaults): its keys are tag keys, its values tag values.
    Tags(Option<usize>),
}

impl ObjectKind {
    /// The object that holds the `Tags` object this one is (itself for the other kinds).
    pub fn owner(self, shape: Shape) -> ObjectKind {
        match (self, shape) {
            (ObjectKind::Tags(Some(index)), _) => ObjectKind::Entry(index),
            (ObjectKind::Tags(None), Shape::Single) => ObjectKind::Single,
            (ObjectKind::Tags(None), Shape::Multi) => ObjectKind::Defaults,
            (kind, _) => kind,
        }
    }
}

/// What is being completed.
#[derive(Clone, Debug, PartialEq)]
pub enum Site {
    /// A property name; `present` are the names the object already has.
    Key {
        object: ObjectKind,
        present: Vec<String>,
        needs_colon: bool,
    },
    /// The value of `field` in `object`.
    Value { object: ObjectKind, field: String },
}

/// Where the token being typed sits, which decides the text an item inserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// Outside strings: a bare word, or nothing yet.
    Bare,
    /// Inside a string with its closing quote: the item replaces what lies between the quotes.
    Closed,
    /// Inside a string that has no closing quote yet: the item replaces what lies between the
    /// opening quote and the cursor, and closes the string.
    Unclosed,
}

/// The cursor's site and the token a candidate replaces.
#[derive(Clone, Debug, PartialEq)]
pub struct CompletionContext {
    pub site: Site,
    /// The token being typed, never a quote: replaced by the chosen item (empty: inserted at
    /// the cursor).
    pub replace: Span,
    pub quoting: Quoting,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CandidateKind {
    Field,
    Value,
}

/// One completion item, in byte terms.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub label: String,
    pub kind: CandidateKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub insert: String,
    pub replace: Span,
    /// What the editor matches the typed word against: the bare word, never a quote.
    pub filter: String,
}

/// Finds what the cursor at `offset` is completing.
pub fn context(analysis: &Analysis, text: &str, offset: usize) -> Option<CompletionContext> {
    let root = analysis.tree.as_ref()?;
    let root_members = root.as_object()?;
    let multi = root_members
        .iter()
        .any(|member| member.key.text == fields::EXECS);
    let root_kind = if multi {
        ObjectKind::Defaults
    } else {
        ObjectKind::Single
    };
    let mut object = (root, root_members, root_kind);
    loop {
        let (node, members, kind) = object;
        if let Some(member) = members
            .iter()
            .find(|member| inside_string(member.key.span, text, offset))
        {
            let (replace, quoting) = string_token(member.key.span, text, offset);
            // A closed key keeps what follows its quote; an unclosed one gets `": ` unless
            // a colon already follows the cursor.
            let needs_colon = quoting == Quoting::Unclosed && !next_char_is(text, offset, ':');
            return Some(CompletionContext {
                site: Site::Key {
                    object: kind,
                    present: present_keys(members, Some(member)),
                    needs_colon,
                },
                replace,
                quoting,
            });
        }
        let value_member = members.iter().find(|member| {
            member
                .value
                .as_ref()
                .is_some_and(|value| value.span.touches(offset) && value.span.start < offset)
        });
        if let Some(member) = value_member {
            let value = member.value.as_ref()?;
            match (&value.kind, kind, member.key.text.as_ref()) {
                (NodeKind::Array(items), ObjectKind::Defaults, fields::EXECS) => {
                    let (index, item) = items
                        .iter()
                        .enumerate()
                        .find(|(_, item)| item.span.touches(offset) && item.span.start < offset)?;
                    object = (item, item.as_object()?, ObjectKind::Entry(index));
                    continue;
                }
                (NodeKind::Object(tags), ObjectKind::Entry(index), fields::TAGS) => {
                    object = (value, tags, ObjectKind::Tags(Some(index)));
                    continue;
                }
                (
                    NodeKind::Object(tags),
                    ObjectKind::Single | ObjectKind::Defaults,
                    fields::TAGS,
                ) => {
                    object = (value, tags, ObjectKind::Tags(None));
                    continue;
                }
                (NodeKind::Object(_) | NodeKind::Array(_), _, _) => return None,
                (NodeKind::String(_), _, _) if !inside_string(value.span, text, offset) => {
                    return None;
                }
                (NodeKind::String(_), _, _) => {
                    let (replace, quoting) = string_token(value.span, text, offset);
                    return Some(value_context(kind, member, replace, quoting));
                }
                _ => return Some(value_context(kind, member, value.span, Quoting::Bare)),
            }
        }
        return gap_context(node, members, kind, text, offset);
    }
}

fn value_context(
    object: ObjectKind,
    member: &Member,
    replace: Span,
    quoting: Quoting,
) -> CompletionContext {
    CompletionContext {
        site: Site::Value {
            object,
            field: member.key.text.to_string(),
        },
        replace,
        quoting,
    }
}

/// The characters of a bare word: what the lexer reads as one word.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-' | '.')
}

/// The cursor sits between tokens of an object: a bare word being typed, after a `:` (a value)
/// or after `{` or `,` (a key).
fn gap_context(
    node: &Node,
    members: &[Member],
    kind: ObjectKind,
    text: &str,
    offset: usize,
) -> Option<CompletionContext> {
    if !node.span.touches(offset) || offset == node.span.start || !text.is_char_boundary(offset) {
        return None;
    }
    let (before, after) = text.split_at(offset);
    let word_start = before.trim_end_matches(is_word_char).len();
    let word_end = offset + (after.len() - after.trim_start_matches(is_word_char).len());
    let replace = Span::new(word_start, word_end);
    let previous = before[..word_start].trim_end();
    if previous.ends_with(':') {
        let colon = previous.len() - 1;
        let member = members
            .iter()
            .rev()
            .find(|member| member.key.span.end <= colon)?;
        return Some(value_context(kind, member, replace, Quoting::Bare));
    }
    Some(CompletionContext {
        site: Site::Key {
            object: kind,
            present: present_keys(members, None),
            needs_colon: !next_char_is(text, word_end, ':'),
        },
        replace,
        quoting: Quoting::Bare,
    })
}

fn present_keys(members: &[Member], editing: Option<&Member>) -> Vec<String> {
    members
        .iter()
        .filter(|member| editing.is_none_or(|editing| !std::ptr::eq(*member, editing)))
        .map(|member| member.key.text.to_string())
        .collect()
}

/// Whether the string literal written `literal` has its closing quote (an escaped quote,
/// `\"`, does not close it).
fn is_closed(literal: &str) -> bool {
    let Some(body) = literal
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return false;
    };
    let backslashes = body.len() - body.trim_end_matches('\\').len();
    backslashes % 2 == 0
}

/// Whether `offset` is inside the string literal at `span` (after its opening quote and not
/// past its closing one).
fn inside_string(span: Span, text: &str, offset: usize) -> bool {
    let literal = &text[span.start..span.end];
    if !literal.starts_with('"') || offset <= span.start {
        return false;
    }
    if is_closed(literal) {
        offset < span.end
    } else {
        offset <= span.end
    }
}

/// The token being typed inside the string literal at `span`: between the quotes when the
/// string is closed, from the opening quote to the cursor when it is not; only its part on
/// the cursor's line (an escaped line break continues a string, and LSP wants a one-line
/// edit around the cursor).
fn string_token(span: Span, text: &str, offset: usize) -> (Span, Quoting) {
    let (token, quoting) = if is_closed(&text[span.start..span.end]) {
        (Span::new(span.start + 1, span.end - 1), Quoting::Closed)
    } else {
        (Span::new(span.start + 1, offset), Quoting::Unclosed)
    };
    let line_break = ['\n', '\r'];
    let line_start = text[..offset].rfind(line_break).map_or(0, |at| at + 1);
    let line_end = text[offset..]
        .find(line_break)
        .map_or(text.len(), |at| offset + at);
    let on_line = Span::new(token.start.max(line_start), token.end.min(line_end));
    (on_line, quoting)
}

fn next_char_is(text: &str, offset: usize, wanted: char) -> bool {
    text.get(offset..)
        .and_then(|rest| rest.trim_start().chars().next())
        == Some(wanted)
}

/// The names a key in `object` may take.
pub fn allowed_fields(object: ObjectKind) -> Vec<&'static fields::FieldSpec> {
    let mut allowed: Vec<&fields::FieldSpec> = match object {
        ObjectKind::Defaults => fields::EXEC_FIELDS
            .iter()
            .filter(|spec| fields::is_default_field(spec.name))
            .collect(),
        _ => fields::EXEC_FIELDS.iter().collect(),
    };
    match object {
        ObjectKind::Single => allowed.push(&fields::SCHEMA_SPEC),
        ObjectKind::Defaults => allowed.extend([&fields::EXECS_SPEC, &fields::SCHEMA_SPEC]),
        ObjectKind::Entry(_) => {}
        // Tag keys are the user's own: they come from the instances (online).
        ObjectKind::Tags(_) => allowed.clear(),
    }
    allowed
}

/// The candidates that need nothing but the text: field names, booleans, region ids.
pub fn offline_candidates(context: &CompletionContext) -> Vec<Candidate> {
    match &context.site {
        Site::Key {
            object,
            present,
            needs_colon,
        } => allowed_fields(*object)
            .into_iter()
            .filter(|spec| !present.iter().any(|name| name == spec.name))
            .map(|spec| Candidate {
                detail: Some(type_detail(spec)),
                documentation: Some(spec.doc.to_owned()),
                ..key_candidate(context, spec.name, *needs_colon)
            })
            .collect(),
        Site::Value {
            object: ObjectKind::Tags(_),
            ..
        } => Vec::new(),
        Site::Value { field, .. } => match fields::exec_field(field).map(|spec| spec.field_type) {
            // `true` inside quotes would be a string: booleans are offered outside strings only.
            Some(FieldType::Boolean) if context.quoting == Quoting::Bare => ["true", "false"]
                .iter()
                .map(|word| Candidate {
                    label: (*word).to_owned(),
                    kind: CandidateKind::Value,
                    detail: None,
                    documentation: None,
                    insert: (*word).to_owned(),
                    replace: context.replace,
                    filter: (*word).to_owned(),
                })
                .collect(),
            _ if field == fields::REGION_ID => KNOWN_REGIONS
                .iter()
                .map(|(id, name)| value_candidate(context, id, Some(name.to_string())))
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// A key item for `name` (a field, or a tag key), with `: ` after it when the context needs one.
pub fn key_candidate(context: &CompletionContext, name: &str, needs_colon: bool) -> Candidate {
    Candidate {
        label: name.to_owned(),
        kind: CandidateKind::Field,
        detail: None,
        documentation: None,
        insert: key_insert(context.quoting, name, needs_colon),
        replace: context.replace,
        filter: name.to_owned(),
    }
}

/// What accepting the key `name` writes over the token being typed.
/// Escaped as a string, since tag keys come from the instances and may hold a quote.
fn key_insert(quoting: Quoting, name: &str, needs_colon: bool) -> String {
    // A closed key keeps what follows its quote, a colon included.
    let colon = if needs_colon && quoting != Quoting::Closed {
        ": "
    } else {
        ""
    };
    format!("{}{colon}", string_insert(quoting, name))
}

/// What accepting the string value `value` writes over the token being typed: the whole
/// literal outside strings, its inside between quotes, its inside and closing quote after an
/// opening one.
fn string_insert(quoting: Quoting, value: &str) -> String {
    let literal = command::json_string(value);
    let inside = &literal[1..literal.len() - 1];
    match quoting {
        Quoting::Bare => literal,
        Quoting::Closed => inside.to_owned(),
        Quoting::Unclosed => format!("{inside}\""),
    }
}

/// An item for the string value `label`, filtered on the value itself.
pub fn value_candidate(
    context: &CompletionContext,
    label: &str,
    detail: Option<String>,
) -> Candidate {
    Candidate {
        label: label.to_owned(),
        kind: CandidateKind::Value,
        detail,
        documentation: None,
        insert: string_insert(context.quoting, label),
        replace: context.replace,
        filter: label.to_owned(),
    }
}

fn type_detail(spec: &fields::FieldSpec) -> String {
    let kind = match spec.field_type {
        FieldType::String => "string",
        FieldType::Boolean => "boolean",
        FieldType::Command => "array of strings",
        FieldType::Tags => "object of strings",
        FieldType::Entries => "array of exec objects",
    };
    if spec.required {
        format!("{kind}, required")
    } else {
        kind.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    /// The context at the `$0` of `marked`, and the text without the marker.
    fn at_marker(marked: &str) -> (String, Option<CompletionContext>) {
        let offset = marked.find("$0").expect("marker");
        let text = marked.replacen("$0", "", 1);
        let context = context(&analyze(&text), &text, offset);
        (text, context)
    }

    fn replaced(marked: &str) -> (String, Quoting) {
        let (text, context) = at_marker(marked);
        let context = context.expect("a context");
        (
            text[context.replace.start..context.replace.end].to_owned(),
            context.quoting,
        )
    }

    #[test]
    fn an_escaped_quote_does_not_close_a_string() {
        assert!(is_closed(r#""a""#));
        assert!(is_closed(r#""a\\""#));
        assert!(is_closed(r#""""#));
        assert!(!is_closed(r#""a\""#));
        assert!(!is_closed(r#"""#));
        assert!(!is_closed(r#""abc"#));
    }

    #[test]
    fn the_token_is_the_word_without_its_quotes() {
        assert_eq!(
            replaced(r#"{"Sy$0nc": true}"#),
            ("Sync".into(), Quoting::Closed)
        );
        assert_eq!(replaced("{\"Sy$0 }"), ("Sy".into(), Quoting::Unclosed));
        assert_eq!(replaced("{Sy$0nc}"), ("Sync".into(), Quoting::Bare));
        assert_eq!(replaced("{$sch$0}"), ("$sch".into(), Quoting::Bare));
        assert_eq!(
            replaced(r#"{"RegionId": "cn-$0"}"#),
            ("cn-".into(), Quoting::Closed)
        );
        assert_eq!(
            replaced("{\"RegionId\": \"cn-$0h\n}"),
            ("cn-".into(), Quoting::Unclosed)
        );
        assert_eq!(replaced(r#"{"RegionId": $0}"#), ("".into(), Quoting::Bare));
    }

    /// LSP asks for a one-line edit around the cursor; a string can span lines through an
    /// escaped line break (found by fuzzing): the token is its part on the cursor's line.
    #[test]
    fn the_token_stays_on_the_cursors_line() {
        assert_eq!(replaced("{\"a$0\\\n\"}"), ("a\\".into(), Quoting::Closed));
        assert_eq!(
            replaced("{\"Sync\": \"\\\nt$0r\"}"),
            ("tr".into(), Quoting::Closed)
        );
        assert_eq!(
            replaced("{\"Sync\": \"x\\\nt$0"),
            ("t".into(), Quoting::Unclosed)
        );
    }

    #[test]
    fn keys_and_values_insert_only_what_the_quoting_lacks() {
        assert_eq!(key_insert(Quoting::Bare, "Sync", true), "\"Sync\": ");
        assert_eq!(key_insert(Quoting::Bare, "Sync", false), "\"Sync\"");
        assert_eq!(key_insert(Quoting::Closed, "Sync", true), "Sync");
        assert_eq!(key_insert(Quoting::Unclosed, "Sync", true), "Sync\": ");
        assert_eq!(key_insert(Quoting::Unclosed, "Sync", false), "Sync\"");
        assert_eq!(string_insert(Quoting::Bare, "a\"b"), r#""a\"b""#);
        assert_eq!(string_insert(Quoting::Closed, "a\"b"), r#"a\"b"#);
        assert_eq!(string_insert(Quoting::Unclosed, "cn-x"), "cn-x\"");
    }

    #[test]
    fn an_unclosed_key_adds_no_colon_when_one_follows_the_cursor() {
        let (_, context) = at_marker(r#"{"S$0: true}"#);
        let Some(CompletionContext {
            site: Site::Key { needs_colon, .. },
            ..
        }) = context
        else {
            panic!("a key context");
        };
        assert!(!needs_colon);
    }
}

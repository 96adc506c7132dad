//! Where the cursor is (a key or a value of which object) and the offline candidates there:
//! field names with their docs, `true`/`false`, and region ids.

use super::Analysis;
use super::fields::{self, FieldType};
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

/// The cursor's site and the text a candidate replaces.
#[derive(Clone, Debug, PartialEq)]
pub struct CompletionContext {
    pub site: Site,
    /// Replaced by the chosen item (empty: inserted at the cursor).
    pub replace: Span,
    /// Whether the replaced text starts with a double quote.
    pub quoted: bool,
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
    /// What the editor matches the typed text against (it includes the quote when one is typed).
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
            let needs_colon =
                member.value.is_none() && !next_char_is(text, member.key.span.end, ':');
            let present = present_keys(members, Some(member));
            return Some(CompletionContext {
                site: Site::Key {
                    object: kind,
                    present,
                    needs_colon,
                },
                replace: member.key.span,
                quoted: true,
            });
        }
        let value_member = members.iter().find(|member| {
            member
                .value
                .as_ref()
                .is_some_and(|value| value.span.touches(offset) && value.span.start < offset)
        });
        if let Some(member) = value_member {
            let Some(value) = &member.value else {
                return None;
            };
            match (&value.kind, kind, member.key.text.as_ref()) {
                (NodeKind::Array(items), ObjectKind::Defaults, fields::EXECS) => {
                    let (index, item) = items
                        .iter()
                        .enumerate()
                        .find(|(_, item)| item.span.touches(offset) && item.span.start < offset)?;
                    object = (item, item.as_object()?, ObjectKind::Entry(index));
                    continue;
                }
                (NodeKind::Object(_) | NodeKind::Array(_), _, _) => return None,
                _ => {
                    let replace = if inside_string(value.span, text, offset)
                        || !matches!(value.kind, NodeKind::String(_))
                    {
                        value_replace(value, text, offset)
                    } else {
                        return None;
                    };
                    return Some(CompletionContext {
                        site: Site::Value {
                            object: kind,
                            field: member.key.text.to_string(),
                        },
                        replace,
                        quoted: matches!(value.kind, NodeKind::String(_)),
                    });
                }
            }
        }
        return gap_context(node, members, kind, text, offset);
    }
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
    if !node.span.touches(offset) || offset == node.span.start {
        return None;
    }
    let before = &text[..offset.min(text.len())];
    let word_start = before
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .len();
    let replace = Span::new(word_start, offset);
    let previous = before[..word_start].trim_end().chars().last();
    if previous == Some(':') {
        let colon = before[..word_start].trim_end().len() - 1;
        let member = members
            .iter()
            .rev()
            .find(|member| member.key.span.end <= colon)?;
        return Some(CompletionContext {
            site: Site::Value {
                object: kind,
                field: member.key.text.to_string(),
            },
            replace,
            quoted: false,
        });
    }
    let needs_colon = !next_char_is(text, offset, ':');
    Some(CompletionContext {
        site: Site::Key {
            object: kind,
            present: present_keys(members, None),
            needs_colon,
        },
        replace,
        quoted: false,
    })
}

fn present_keys(members: &[Member], editing: Option<&Member>) -> Vec<String> {
    members
        .iter()
        .filter(|member| editing.is_none_or(|editing| !std::ptr::eq(*member, editing)))
        .map(|member| member.key.text.to_string())
        .collect()
}

/// Whether `offset` is inside the string literal at `span` (after its opening quote and not
/// past its closing one).
fn inside_string(span: Span, text: &str, offset: usize) -> bool {
    let literal = &text[span.start..span.end];
    if !literal.starts_with('"') || offset <= span.start {
        return false;
    }
    let terminated = literal.len() >= 2 && literal.ends_with('"');
    if terminated {
        offset < span.end
    } else {
        offset <= span.end
    }
}

fn value_replace(value: &Node, text: &str, offset: usize) -> Span {
    let literal = &text[value.span.start..value.span.end];
    let terminated = literal.len() >= 2 && literal.ends_with('"');
    if matches!(value.kind, NodeKind::String(_)) && !terminated {
        Span::new(value.span.start, offset)
    } else {
        value.span
    }
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
            .map(|spec| {
                let suffix = if *needs_colon { ": " } else { "" };
                Candidate {
                    label: spec.name.to_owned(),
                    kind: CandidateKind::Field,
                    detail: Some(type_detail(spec)),
                    documentation: Some(spec.doc.to_owned()),
                    insert: format!("\"{}\"{suffix}", spec.name),
                    replace: context.replace,
                    filter: if context.quoted {
                        format!("\"{}\"", spec.name)
                    } else {
                        spec.name.to_owned()
                    },
                }
            })
            .collect(),
        Site::Value { field, .. } => match fields::exec_field(field).map(|spec| spec.field_type) {
            Some(FieldType::Boolean) => ["true", "false"]
                .iter()
                .map(|word| value_candidate(context, word, None, word.to_string()))
                .collect(),
            _ if field == fields::REGION_ID => KNOWN_REGIONS
                .iter()
                .map(|(id, name)| {
                    value_candidate(context, id, Some(name.to_string()), format!("\"{id}\""))
                })
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// A value item replacing the context's text with `insert`.
pub fn value_candidate(
    context: &CompletionContext,
    label: &str,
    detail: Option<String>,
    insert: String,
) -> Candidate {
    let filter = if context.quoted {
        format!("\"{label}\"")
    } else {
        label.to_owned()
    };
    Candidate {
        label: label.to_owned(),
        kind: CandidateKind::Value,
        detail,
        documentation: None,
        insert,
        replace: context.replace,
        filter,
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

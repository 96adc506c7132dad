//! The typed view of an exec config: the top-level defaults and the entries, each field with
//! where it is written. Building it reports the structural rules (unknown-field, invalid-type).

use super::command::{self, CommandValue};
use super::diagnostic::{Code, Diagnostic, Edit, Fix};
use super::fields::{self, FieldType};
use super::span::Span;
use super::suggest;
use super::tree::{Member, Node, NodeKind, Text};

/// A field's state in one object.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Slot<T> {
    #[default]
    Absent,
    /// Written, but of the wrong type (already reported); counts as present, holds no value.
    Invalid,
    Value(T, Span),
}

impl<T> Slot<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Slot::Absent)
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Slot::Value(value, _) => Some(value),
            _ => None,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Slot::Value(_, span) => Some(*span),
            _ => None,
        }
    }
}

/// The exec fields written in one object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    pub region_id: Slot<Text>,
    pub target: TargetFields,
    pub container_name: Slot<Text>,
    pub label: Slot<Text>,
    pub tty: Slot<bool>,
    pub stdin: Slot<bool>,
    pub sync: Slot<bool>,
    pub command: Option<CommandValue>,
}

/// Where an entry runs: an id, or a selector (a name and/or tags). Inherited as one unit: an
/// object that writes any of these fields replaces the whole inherited target (`Model::target`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetFields {
    pub container_group_id: Slot<Text>,
    pub container_group_name: Slot<Text>,
    pub tags: Slot<Vec<TagPair>>,
    /// The `ContainerGroupName` key where written, for the rules on the selector keys.
    pub name_key: Option<Span>,
    /// The `Tags` key where written.
    pub tags_key: Option<Span>,
}

impl TargetFields {
    /// Whether the object writes none of the target fields (and so inherits the target).
    pub fn is_absent(&self) -> bool {
        self.container_group_id.is_absent()
            && self.container_group_name.is_absent()
            && self.tags.is_absent()
    }
}

/// One `"key": "value"` of `Tags`; with a key written twice, the last one (as in JSON.parse).
#[derive(Clone, Debug, PartialEq)]
pub struct TagPair {
    pub key: Text,
    pub key_span: Span,
    /// `Invalid` when the value is not a string (reported) or missing.
    pub value: Slot<Text>,
}

/// An exec entry: an object of `Execs`, or the whole file for a single exec.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Position in `Execs` (0 for a single-exec file).
    pub index: usize,
    /// The entry's object, braces included.
    pub span: Span,
    /// The fields it writes itself.
    pub own: Fields,
    /// The object's members, for edits that add a field.
    pub layout: ObjectLayout,
}

/// Where members sit in an object, enough to insert one more.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectLayout {
    pub open_brace: usize,
    /// The last member, from its key to the end of its value (of its key when the value is
    /// missing).
    pub last_member: Option<Span>,
    /// Indentation of the last member's line, when members are on lines of their own.
    pub member_indent: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Single,
    Multi,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub shape: Shape,
    /// Defaults written at the top of a multi-entry file (empty for a single exec).
    pub defaults: Fields,
    pub entries: Vec<Entry>,
}

/// A field's effective value for an entry, and whether it came from the top-level defaults.
pub struct Resolved<'a, T> {
    pub slot: &'a Slot<T>,
    pub inherited: bool,
}

impl Model {
    /// The entry's own slot if it writes the field, else the default's. Not for the target
    /// fields, which inherit as one unit: see `target`.
    pub fn resolve<'a, T>(
        &'a self,
        entry: &'a Entry,
        field: impl Fn(&Fields) -> &Slot<T>,
    ) -> Resolved<'a, T> {
        let own = field(&entry.own);
        if own.is_absent() && self.shape == Shape::Multi {
            Resolved {
                slot: field(&self.defaults),
                inherited: true,
            }
        } else {
            Resolved {
                slot: own,
                inherited: false,
            }
        }
    }

    /// The entry's target fields: its own when it writes any of them, else the defaults'.
    pub fn target<'a>(&'a self, entry: &'a Entry) -> &'a TargetFields {
        if entry.own.target.is_absent() && self.shape == Shape::Multi {
            &self.defaults.target
        } else {
            &entry.own.target
        }
    }

    /// The entry whose object holds `offset`.
    pub fn entry_at(&self, offset: usize) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.span.touches(offset))
    }
}

/// Builds the entry at `index` of `Execs` from its object, reporting what `build` would.
pub fn build_entry(
    index: usize,
    item: &Node,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let members = item.as_object()?;
    Some(Builder { text, diagnostics }.entry(index, item, members))
}

/// Builds the model from the parsed tree, reporting unknown fields and wrong types.
pub fn build(root: &Node, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Model> {
    let Some(members) = root.as_object() else {
        let message = format!(
            "an exec config must be a JSON object, not {}",
            root.type_name()
        );
        diagnostics.push(Diagnostic::new(Code::InvalidType, root.span, message));
        return None;
    };
    let multi = members
        .iter()
        .any(|member| member.key.text == fields::EXECS);
    let mut builder = Builder { text, diagnostics };
    if !multi {
        let own = builder.fields(members, Context::Single);
        let entry = Entry {
            index: 0,
            span: root.span,
            own,
            layout: layout(root, members, text),
        };
        return Some(Model {
            shape: Shape::Single,
            defaults: Fields::default(),
            entries: vec![entry],
        });
    }
    let defaults = builder.fields(members, Context::Defaults);
    let mut entries = Vec::new();
    // With duplicate keys the last one wins, as in JSON.parse.
    let execs = members
        .iter()
        .rev()
        .find(|member| member.key.text == fields::EXECS);
    if let Some(value) = execs.and_then(|member| member.value.as_ref()) {
        match &value.kind {
            NodeKind::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    match item.as_object() {
                        Some(members) => entries.push(builder.entry(index, item, members)),
                        None => {
                            let message = format!(
                                "each entry of Execs must be an exec object, not {}",
                                item.type_name()
                            );
                            builder.diagnostics.push(Diagnostic::new(
                                Code::InvalidType,
                                item.span,
                                message,
                            ));
                        }
                    }
                }
            }
            _ => {
                let message = format!(
                    "Execs must be an array of exec objects, not {}",
                    value.type_name()
                );
                builder
                    .diagnostics
                    .push(Diagnostic::new(Code::InvalidType, value.span, message));
            }
        }
    }
    Some(Model {
        shape: Shape::Multi,
        defaults,
        entries,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// The whole file is one exec.
    Single,
    /// The top of a multi-entry file.
    Defaults,
    /// An object of `Execs`.
    Entry,
}

impl Context {
    fn allows(self, name: &str) -> bool {
        match self {
            Context::Single => fields::exec_field(name).is_some() || name == fields::SCHEMA,
            Context::Defaults => {
                fields::is_default_field(name) || name == fields::EXECS || name == fields::SCHEMA
            }
            Context::Entry => fields::exec_field(name).is_some(),
        }
    }

    fn known_names(self) -> impl Iterator<Item = &'static str> {
        let extra: &[&'static str] = match self {
            Context::Single => &[fields::SCHEMA],
            Context::Defaults => &[fields::EXECS, fields::SCHEMA],
            Context::Entry => &[],
        };
        fields::EXEC_FIELDS
            .iter()
            .map(|spec| spec.name)
            .chain(extra.iter().copied())
            .filter(move |name| self.allows(name))
    }
}

struct Builder<'a> {
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn entry(&mut self, index: usize, item: &Node, members: &[Member]) -> Entry {
        let own = self.fields(members, Context::Entry);
        Entry {
            index,
            span: item.span,
            own,
            layout: layout(item, members, self.text),
        }
    }

    fn fields(&mut self, members: &[Member], context: Context) -> Fields {
        let mut fields = Fields::default();
        for member in members {
            let name = member.key.text.as_ref();
            if !context.allows(name) {
                self.unknown_field(member, context);
                continue;
            }
            let Some(spec) = fields::any_field(name) else {
                continue;
            };
            let key = member.key.span;
            match name {
                fields::CONTAINER_GROUP_NAME => fields.target.name_key = Some(key),
                fields::TAGS => fields.target.tags_key = Some(key),
                _ => {}
            }
            let Some(value) = &member.value else {
                // `"Sync":` with nothing after it is a syntax error already; treat it as written.
                mark_invalid(&mut fields, name, key);
                continue;
            };
            match spec.field_type {
                FieldType::Command => {
                    fields.command = Some(command::read(value, self.text, self.diagnostics))
                }
                FieldType::String => match value.as_text() {
                    Some(text) => set_string(&mut fields, name, Slot::Value(text, value.span)),
                    None => {
                        self.wrong_type(name, "a string", value);
                        set_string(&mut fields, name, Slot::Invalid);
                    }
                },
                FieldType::Tags => fields.target.tags = self.tags(value),
                FieldType::Boolean => match value.kind {
                    NodeKind::Bool(flag) => {
                        set_flag(&mut fields, name, Slot::Value(flag, value.span))
                    }
                    _ => {
                        self.wrong_type(name, "a boolean (true or false)", value);
                        set_flag(&mut fields, name, Slot::Invalid);
                    }
                },
                // `Execs` is read by `build`.
                FieldType::Entries => {}
            }
        }
        fields
    }

    /// A `Tags` value: an object of strings; anything else, or a value that is not a
    /// string, is `invalid-type` where it is written.
    fn tags(&mut self, value: &Node) -> Slot<Vec<TagPair>> {
        let Some(members) = value.as_object() else {
            self.wrong_type(
                fields::TAGS,
                "an object of tag keys to values, like {\"app\": \"web\"}",
                value,
            );
            return Slot::Invalid;
        };
        let mut pairs: Vec<TagPair> = Vec::with_capacity(members.len());
        let mut seen = std::collections::HashSet::new();
        // From the last member back, so that a key written twice keeps its last value.
        for member in members.iter().rev() {
            if !seen.insert(member.key.text.as_ref()) {
                continue;
            }
            let tag = match &member.value {
                Some(node) => match node.as_text() {
                    Some(text) => Slot::Value(text, node.span),
                    None => {
                        let what = format!("the value of tag `{}`", member.key.text);
                        self.wrong_type(&what, "a string", node);
                        Slot::Invalid
                    }
                },
                None => Slot::Invalid,
            };
            pairs.push(TagPair {
                key: member.key.text.as_ref().into(),
                key_span: member.key.span,
                value: tag,
            });
        }
        pairs.reverse();
        Slot::Value(pairs, value.span)
    }

    fn wrong_type(&mut self, name: &str, expected: &str, value: &Node) {
        let mut message = format!("{name} must be {expected}, not {}", value.type_name());
        if let Some(text @ ("true" | "false")) = value.as_str() {
            message.push_str(&format!(": write {text} without quotes"));
        }
        self.diagnostics
            .push(Diagnostic::new(Code::InvalidType, value.span, message));
    }

    fn unknown_field(&mut self, member: &Member, context: Context) {
        let name = member.key.text.as_ref();
        let key = member.key.span;
        let message = if context == Context::Defaults
            && (name == fields::COMMAND || name == fields::LABEL)
        {
            format!(
                "{name} cannot be a default at the top of a file with Execs: set it in each entry"
            )
        } else {
            match suggest::nearest(name, context.known_names()) {
                Some(suggestion) => {
                    let message = format!("unknown field `{name}`: did you mean `{suggestion}`?");
                    let fix = Fix {
                        title: format!("Rename to `{suggestion}`"),
                        edits: vec![Edit {
                            span: key,
                            text: format!("\"{suggestion}\""),
                        }],
                    };
                    self.diagnostics
                        .push(Diagnostic::new(Code::UnknownField, key, message).with_fix(fix));
                    return;
                }
                None => {
                    let known: Vec<&str> = context.known_names().collect();
                    format!(
                        "unknown field `{name}`: expected one of {}",
                        known.join(", ")
                    )
                }
            }
        };
        self.diagnostics
            .push(Diagnostic::new(Code::UnknownField, key, message));
    }
}

fn set_string(fields: &mut Fields, name: &str, slot: Slot<Text>) {
    match name {
        fields::REGION_ID => fields.region_id = slot,
        fields::CONTAINER_GROUP_ID => fields.target.container_group_id = slot,
        fields::CONTAINER_GROUP_NAME => fields.target.container_group_name = slot,
        fields::CONTAINER_NAME => fields.container_name = slot,
        fields::LABEL => fields.label = slot,
        _ => {}
    }
}

fn set_flag(fields: &mut Fields, name: &str, slot: Slot<bool>) {
    match name {
        fields::TTY => fields.tty = slot,
        fields::STDIN => fields.stdin = slot,
        fields::SYNC => fields.sync = slot,
        _ => {}
    }
}

fn mark_invalid(fields: &mut Fields, name: &str, key: Span) {
    if name == fields::COMMAND {
        fields.command = Some(CommandValue {
            span: key,
            string_form: false,
            items: None,
        });
    }
    if name == fields::TAGS {
        fields.target.tags = Slot::Invalid;
    }
    set_string(fields, name, Slot::Invalid);
    set_flag(fields, name, Slot::Invalid);
}

fn layout(object: &Node, members: &[Member], text: &str) -> ObjectLayout {
    let last = members.last();
    let last_member = last.map(|member| {
        let end = member
            .value
            .as_ref()
            .map_or(member.key.span.end, |value| value.span.end);
        Span::new(member.key.span.start, end)
    });
    // Only within the object: a minified file must not make this a scan of the whole text.
    let member_indent = last.and_then(|member| {
        let inside = &text[object.span.start..member.key.span.start];
        let line_start = object.span.start + inside.rfind(['\n', '\r'])? + 1;
        let prefix = &text[line_start..member.key.span.start];
        prefix
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(Span::new(line_start, member.key.span.start))
    });
    ObjectLayout {
        open_brace: object.span.start,
        last_member,
        member_indent,
    }
}

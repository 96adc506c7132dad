//! The syntax tree the parser produces: JSON values with byte spans, tolerant of holes.

use std::borrow::Cow;

use super::span::Span;

/// Decoded string text: shared, so the model refers to the tree's strings instead of copying.
pub type Text = std::sync::Arc<str>;

/// A JSON value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    /// The decoded text of a string literal (escapes resolved), shared with the model.
    String(Text),
    Number,
    Bool(bool),
    Null,
}

/// One `"key": value` pair; the value is missing when the text breaks off after the key.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Key,
    pub value: Option<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The decoded name; a name the format knows is borrowed, not allocated (most keys are).
    pub text: Cow<'static, str>,
    /// The key as written, quotes included.
    pub span: Span,
}

impl Node {
    /// The JSON type name used in messages ("a string", "an array", ...).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Object(_) => "an object",
            NodeKind::Array(_) => "an array",
            NodeKind::String(_) => "a string",
            NodeKind::Number => "a number",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Null => "null",
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The shared text of a string node (a reference count, not a copy).
    pub fn as_text(&self) -> Option<Text> {
        match &self.kind {
            NodeKind::String(text) => Some(text.clone()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(text) => Some(text),
            _ => None,
        }
    }

    /// The innermost node whose span touches `offset`, with the path of nodes leading to it.
    pub fn path_to(&self, offset: usize) -> Vec<&Node> {
        let mut path = vec![self];
        let mut current = self;
        loop {
            let next = match &current.kind {
                NodeKind::Object(members) => members
                    .iter()
                    .filter_map(|member| member.value.as_ref())
                    .find(|value| value.span.touches(offset)),
                NodeKind::Array(items) => items.iter().find(|item| item.span.touches(offset)),
                _ => None,
            };
            match next {
                Some(node) => {
                    path.push(node);
                    current = node;
                }
                None => return path,
            }
        }
    }
}

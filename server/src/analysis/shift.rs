//! Moving what lies after an edit by the edit's length change, for incremental re-analysis:
//! `shift(pivot, delta)` moves every span starting at or after `pivot` (both ends), and the
//! end of every span that runs past it.

use super::command::CommandValue;
use super::diagnostic::Diagnostic;
use super::model::{Entry, Fields, Slot, TargetFields};
use super::span::Span;
use super::tree::{Node, NodeKind};

fn offset(value: usize, delta: isize) -> usize {
    value.saturating_add_signed(delta)
}

impl Span {
    pub fn shift(&mut self, pivot: usize, delta: isize) {
        if self.start >= pivot {
            self.start = offset(self.start, delta);
            self.end = offset(self.end, delta);
        } else if self.end > pivot {
            self.end = offset(self.end, delta);
        }
    }
}

impl Node {
    pub fn shift(&mut self, pivot: usize, delta: isize) {
        self.span.shift(pivot, delta);
        match &mut self.kind {
            NodeKind::Object(members) => {
                for member in members {
                    member.key.span.shift(pivot, delta);
                    if let Some(value) = &mut member.value {
                        value.shift(pivot, delta);
                    }
                }
            }
            NodeKind::Array(items) => items.iter_mut().for_each(|item| item.shift(pivot, delta)),
            _ => {}
        }
    }
}

impl<T> Slot<T> {
    fn shift(&mut self, pivot: usize, delta: isize) {
        if let Slot::Value(_, span) = self {
            span.shift(pivot, delta);
        }
    }
}

impl CommandValue {
    fn shift(&mut self, pivot: usize, delta: isize) {
        self.span.shift(pivot, delta);
        for item in self.items.iter_mut().flatten() {
            item.span.shift(pivot, delta);
        }
    }
}

impl Fields {
    pub fn shift(&mut self, pivot: usize, delta: isize) {
        self.region_id.shift(pivot, delta);
        self.target.shift(pivot, delta);
        self.container_name.shift(pivot, delta);
        self.label.shift(pivot, delta);
        self.tty.shift(pivot, delta);
        self.stdin.shift(pivot, delta);
        self.sync.shift(pivot, delta);
        if let Some(command) = &mut self.command {
            command.shift(pivot, delta);
        }
    }
}

impl TargetFields {
    fn shift(&mut self, pivot: usize, delta: isize) {
        self.container_group_id.shift(pivot, delta);
        self.container_group_name.shift(pivot, delta);
        self.tags.shift(pivot, delta);
        if let Slot::Value(pairs, _) = &mut self.tags {
            for pair in pairs {
                pair.key_span.shift(pivot, delta);
                pair.value.shift(pivot, delta);
            }
        }
        for key in [&mut self.name_key, &mut self.tags_key]
            .into_iter()
            .flatten()
        {
            key.shift(pivot, delta);
        }
    }
}

impl Entry {
    pub fn shift(&mut self, pivot: usize, delta: isize) {
        self.span.shift(pivot, delta);
        self.own.shift(pivot, delta);
        if self.layout.open_brace >= pivot {
            self.layout.open_brace = offset(self.layout.open_brace, delta);
        }
        for span in [&mut self.layout.last_member, &mut self.layout.member_indent]
            .into_iter()
            .flatten()
        {
            span.shift(pivot, delta);
        }
    }
}

impl Diagnostic {
    pub fn shift(&mut self, pivot: usize, delta: isize) {
        self.span.shift(pivot, delta);
        for edit in self.fix.iter_mut().flat_map(|fix| fix.edits.iter_mut()) {
            edit.span.shift(pivot, delta);
        }
    }
}

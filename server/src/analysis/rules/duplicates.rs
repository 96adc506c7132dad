//! `duplicate-key`: the same key twice in one object, reported on the later key.

use std::collections::HashSet;

use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::tree::{Node, NodeKind};

pub fn check(root: &Node, diagnostics: &mut Vec<Diagnostic>) {
    // An explicit stack: the tree is at most MAX_DEPTH deep, but iteration costs nothing extra.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Object(members) => {
                let mut seen = HashSet::with_capacity(members.len());
                for member in members {
                    if !seen.insert(member.key.text.as_str()) {
                        let message = format!(
                            "`{}` is set twice in this object; the last one wins: remove one",
                            member.key.text
                        );
                        diagnostics.push(Diagnostic::new(
                            Code::DuplicateKey,
                            member.key.span,
                            message,
                        ));
                    }
                }
                stack.extend(members.iter().filter_map(|member| member.value.as_ref()));
            }
            NodeKind::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}

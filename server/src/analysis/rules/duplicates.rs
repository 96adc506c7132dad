//! `duplicate-key`: the same key twice in one object, reported on the later key.

use std::collections::HashSet;

use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::tree::{Member, Node, NodeKind};

/// Objects up to this size are searched pairwise: cheaper than hashing for an exec entry's
/// handful of keys (hashing every key of every object was a tenth of the analysis).
const PAIRWISE_LIMIT: usize = 16;

pub fn check(root: &Node, diagnostics: &mut Vec<Diagnostic>) {
    // An explicit stack: the tree is at most MAX_DEPTH deep, but iteration costs nothing extra.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Object(members) => {
                for index in repeated(members) {
                    let key = &members[index].key;
                    let message = format!(
                        "`{}` is set twice in this object; the last one wins: remove one",
                        key.text
                    );
                    diagnostics.push(Diagnostic::new(Code::DuplicateKey, key.span, message));
                }
                stack.extend(members.iter().filter_map(|member| member.value.as_ref()));
            }
            NodeKind::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}

/// The indexes of members whose key an earlier member already has.
fn repeated(members: &[Member]) -> Vec<usize> {
    if members.len() <= PAIRWISE_LIMIT {
        return (1..members.len())
            .filter(|&index| {
                members[..index]
                    .iter()
                    .any(|earlier| earlier.key.text == members[index].key.text)
            })
            .collect();
    }
    let mut seen = HashSet::with_capacity(members.len());
    (0..members.len())
        .filter(|&index| !seen.insert(members[index].key.text.as_ref()))
        .collect()
}

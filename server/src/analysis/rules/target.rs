//! The rules of an object's target, checked once where it is written: `target-conflict` (an id
//! and a selector in one object), `invalid-tags` (an empty key, more than 20 pairs) and
//! `invalid-container-group-name` (a name or pattern no ECI instance name can match).

use crate::analysis::diagnostic::{Code, Diagnostic};
use crate::analysis::model::{Slot, TargetFields};
use crate::analysis::selector::Selector;
use crate::analysis::span::Span;

/// DescribeContainerGroups filters on at most this many tags (`Tag.N`).
pub const MAX_TAGS: usize = 20;
/// ECI instance names are 2 to 128 characters long.
const MIN_NAME_CHARS: usize = 2;
const MAX_NAME_CHARS: usize = 128;

pub fn check(target: &TargetFields, diagnostics: &mut Vec<Diagnostic>) {
    if !target.container_group_id.is_absent() {
        for key in [target.name_key, target.tags_key].into_iter().flatten() {
            diagnostics.push(Diagnostic::new(
                Code::TargetConflict,
                key,
                "this object names its instance twice: ContainerGroupId is one instance, ContainerGroupName and Tags select instances; keep one or the other",
            ));
        }
    }
    if let (Slot::Value(pairs, _), Some(tags_key)) = (&target.tags, target.tags_key) {
        for pair in pairs.iter().filter(|pair| pair.key.is_empty()) {
            diagnostics.push(Diagnostic::new(
                Code::InvalidTags,
                pair.key_span,
                "a tag key cannot be empty: DescribeContainerGroups would refuse it",
            ));
        }
        if pairs.len() > MAX_TAGS {
            let message = format!(
                "Tags has {} pairs; DescribeContainerGroups filters on at most {MAX_TAGS}: keep the ones that tell the instances apart",
                pairs.len()
            );
            diagnostics.push(Diagnostic::new(Code::InvalidTags, tags_key, message));
        }
    }
    if let Slot::Value(name, span) = &target.container_group_name
        && let Some(why) = unmatchable(name)
    {
        diagnostics.push(name_diagnostic(name, why, *span));
    }
}

/// Whether some instance could match `selector` as far as the offline rules can tell: a name
/// some ECI instance can have, no empty tag key.
pub fn is_well_formed(selector: &Selector) -> bool {
    selector
        .name
        .as_deref()
        .is_none_or(|name| unmatchable(name).is_none())
        && selector.tags.iter().all(|(key, _)| !key.is_empty())
}

fn name_diagnostic(name: &str, why: &str, span: Span) -> Diagnostic {
    let message = format!(
        "no ECI instance name can match `{name}`: {why} (names are 2 to 128 lowercase letters, digits and `-`, not starting or ending with `-`; `*` matches any run of characters)"
    );
    Diagnostic::new(Code::InvalidContainerGroupName, span, message)
}

/// Why no instance name can match `pattern`, if none can. Every `*` matches any run of
/// characters, none included; so a pattern can match when its other characters are allowed,
/// fit in the longest name, and its own ends are not `-` (a `*` at an end can supply a letter
/// there, and fill a name up to the shortest length).
fn unmatchable(pattern: &str) -> Option<&'static str> {
    let literal: Vec<char> = pattern.chars().filter(|c| *c != '*').collect();
    let allowed = |c: &char| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-';
    if literal.iter().any(|c| c.is_ascii_uppercase()) {
        return Some("it has uppercase letters");
    }
    if !literal.iter().all(allowed) {
        return Some("it has characters other than lowercase letters, digits, `-` and `*`");
    }
    if literal.len() > MAX_NAME_CHARS {
        return Some("it is longer than 128 characters");
    }
    if pattern.starts_with('-') || pattern.ends_with('-') {
        return Some("it starts or ends with `-`");
    }
    if !pattern.contains('*') && literal.len() < MIN_NAME_CHARS {
        return Some("it is shorter than 2 characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::unmatchable;

    #[test]
    fn names_and_patterns_that_can_match() {
        for pattern in [
            "web-1", "ab", "web-*", "*", "**", "*-1", "a*", "*a", "*-*", "a--b", "0a",
        ] {
            assert_eq!(unmatchable(pattern), None, "{pattern}");
        }
        let longest = "a".repeat(128);
        assert_eq!(unmatchable(&longest), None);
        assert_eq!(unmatchable(&format!("{longest}*")), None);
    }

    #[test]
    fn names_and_patterns_that_cannot() {
        for pattern in [
            "", "a", "-", "Web-1", "web_1", "web 1", "-web", "web-", "-*", "*-", "web-*-", "é*",
        ] {
            assert!(unmatchable(pattern).is_some(), "{pattern}");
        }
        assert!(unmatchable(&"a".repeat(129)).is_some());
        assert!(unmatchable(&format!("*{}*", "a".repeat(129))).is_some());
    }
}

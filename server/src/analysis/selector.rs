//! Selectors: the instances an entry's `ContainerGroupName` (an exact name, or a pattern where
//! `*` matches any run of characters) and `Tags` (every one of these, with these values) pick,
//! and which of them are the targets of a run (`Running`, with the entry's container). Pure:
//! the instance list comes from the caller (a fresh listing for runs, the cache for editing).

use crate::eci::ContainerGroup;

/// What a selector asks for; both parts apply when both are given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// `ContainerGroupName`: exact, or with `*`.
    pub name: Option<String>,
    /// `Tags`, in the order written (the API's `Tag.N`, N from 1).
    pub tags: Vec<(String, String)>,
}

/// Why a matching instance is not a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Its status is not `Running` (the API would answer `IncorrectStatus`).
    NotRunning(String),
    /// It has no container of the entry's name.
    NoContainer(String),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NotRunning(status) => write!(f, "status is {status}, not Running"),
            SkipReason::NoContainer(name) => write!(f, "no container named {name}"),
        }
    }
}

/// The instances a selector matches, split into the run's targets and the skipped ones.
#[derive(Debug, Default, PartialEq)]
pub struct Matches<'a> {
    pub targets: Vec<&'a ContainerGroup>,
    pub skipped: Vec<(&'a ContainerGroup, SkipReason)>,
}

impl Selector {
    /// Whether `group` carries the name and every tag asked for.
    pub fn matches(&self, group: &ContainerGroup) -> bool {
        self.name
            .as_deref()
            .is_none_or(|pattern| name_matches(pattern, &group.container_group_name))
            && self.tags.iter().all(|(key, value)| {
                group
                    .tags
                    .iter()
                    .any(|tag| tag.key == *key && tag.value == *value)
            })
    }

    /// The selector as a person reads it: ``ContainerGroupName `web-*` `` and/or
    /// ``Tags `app=web`, `tier=a` ``.
    pub fn describe(&self) -> String {
        let name = self
            .name
            .as_ref()
            .map(|name| format!("ContainerGroupName `{name}`"));
        let tags = (!self.tags.is_empty()).then(|| {
            let pairs: Vec<String> = self
                .tags
                .iter()
                .map(|(key, value)| format!("`{key}={value}`"))
                .collect();
            format!("Tags {}", pairs.join(", "))
        });
        match (name, tags) {
            (Some(name), Some(tags)) => format!("{name} with {tags}"),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => "Tags {} (every instance)".to_owned(),
        }
    }

    /// The name the API can filter on itself: an exact one (a pattern is matched here).
    pub fn exact_name(&self) -> Option<&str> {
        self.name.as_deref().filter(|name| !name.contains('*'))
    }

    /// The DescribeContainerGroups parameters that narrow a listing for this selector on the
    /// server: `ContainerGroupName` when the name is exact, and `Tag.N.Key` / `Tag.N.Value`
    /// with N from 1 in the order written. What the API returns is still matched here.
    pub fn query(&self) -> Vec<(String, String)> {
        let name = self
            .exact_name()
            .map(|name| ("ContainerGroupName".to_owned(), name.to_owned()));
        let tags = self.tags.iter().enumerate().flat_map(|(n, (key, value))| {
            [
                (format!("Tag.{}.Key", n + 1), key.clone()),
                (format!("Tag.{}.Value", n + 1), value.clone()),
            ]
        });
        name.into_iter().chain(tags).collect()
    }

    /// The instances of `groups` that match, in name order.
    pub fn matching<'a>(&self, groups: &'a [ContainerGroup]) -> Vec<&'a ContainerGroup> {
        let mut matching: Vec<&ContainerGroup> =
            groups.iter().filter(|group| self.matches(group)).collect();
        matching.sort_by(|left, right| left.container_group_name.cmp(&right.container_group_name));
        matching
    }

    /// The matching instances of `groups`, targets and skipped, each in name order.
    pub fn select<'a>(&self, groups: &'a [ContainerGroup], container: &str) -> Matches<'a> {
        let mut found = Matches::default();
        for group in self.matching(groups) {
            if group.status != "Running" {
                found
                    .skipped
                    .push((group, SkipReason::NotRunning(group.status.clone())));
            } else if !group.containers.iter().any(|c| c.name == container) {
                found
                    .skipped
                    .push((group, SkipReason::NoContainer(container.to_owned())));
            } else {
                found.targets.push(group);
            }
        }
        found
    }
}

/// `1 instance`, `6 instances`.
pub fn count_instances(count: usize) -> String {
    if count == 1 {
        "1 instance".to_owned()
    } else {
        format!("{count} instances")
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters (none
/// included) and every other character for itself.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    // Each middle part at its first place after the previous one: taking the earliest match
    // leaves the most room for the parts after it, so no backtracking is needed.
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eci::{Container, Tag};

    #[test]
    fn patterns_match_runs_of_characters() {
        for (pattern, name, expected) in [
            ("web-1", "web-1", true),
            ("web-1", "web-10", false),
            ("web-*", "web-1", true),
            ("web-*", "web-", true),
            ("web-*", "api-1", false),
            ("*-1", "web-1", true),
            ("*", "anything", true),
            ("w*b*1", "web-1", true),
            ("w*b*1", "web-2", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*web*", "my-web-2", true),
            ("", "", true),
            ("", "x", false),
        ] {
            assert_eq!(name_matches(pattern, name), expected, "{pattern} ~ {name}");
        }
    }

    fn group(
        name: &str,
        status: &str,
        containers: &[&str],
        tags: &[(&str, &str)],
    ) -> ContainerGroup {
        ContainerGroup {
            container_group_id: format!("eci-{name}"),
            container_group_name: name.to_owned(),
            status: status.to_owned(),
            containers: containers
                .iter()
                .map(|name| Container {
                    name: (*name).to_owned(),
                    ..Container::default()
                })
                .collect(),
            tags: tags
                .iter()
                .map(|(key, value)| Tag {
                    key: (*key).to_owned(),
                    value: (*value).to_owned(),
                })
                .collect(),
            ..ContainerGroup::default()
        }
    }

    #[test]
    fn a_selector_splits_its_matches_into_targets_and_skipped() {
        let groups = [
            group("web-2", "Running", &["nginx"], &[("app", "web")]),
            group(
                "web-1",
                "Running",
                &["nginx"],
                &[("app", "web"), ("tier", "a")],
            ),
            group("web-3", "Pending", &["nginx"], &[("app", "web")]),
            group("web-4", "Running", &["sidecar"], &[("app", "web")]),
            group("api-1", "Running", &["nginx"], &[("app", "api")]),
        ];
        let selector = Selector {
            name: None,
            tags: vec![("app".to_owned(), "web".to_owned())],
        };
        let found = selector.select(&groups, "nginx");
        let names: Vec<&str> = found
            .targets
            .iter()
            .map(|group| group.container_group_name.as_str())
            .collect();
        assert_eq!(names, ["web-1", "web-2"]);
        let skipped: Vec<String> = found
            .skipped
            .iter()
            .map(|(group, reason)| format!("{}: {reason}", group.container_group_name))
            .collect();
        assert_eq!(
            skipped,
            [
                "web-3: status is Pending, not Running",
                "web-4: no container named nginx"
            ]
        );
        let both = Selector {
            name: Some("web-*".to_owned()),
            tags: vec![("tier".to_owned(), "a".to_owned())],
        };
        assert_eq!(both.select(&groups, "nginx").targets.len(), 1);
        assert_eq!(both.exact_name(), None);
    }

    #[test]
    fn the_listing_is_narrowed_by_an_exact_name_and_the_tags_in_order() {
        let pattern = Selector {
            name: Some("web-*".to_owned()),
            tags: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
        };
        let query: Vec<String> = pattern
            .query()
            .into_iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        assert_eq!(
            query,
            [
                "Tag.1.Key=b",
                "Tag.1.Value=2",
                "Tag.2.Key=a",
                "Tag.2.Value=1"
            ]
        );
        let exact = Selector {
            name: Some("web-1".to_owned()),
            tags: Vec::new(),
        };
        assert_eq!(
            exact.query(),
            [("ContainerGroupName".to_owned(), "web-1".to_owned())]
        );
    }
}

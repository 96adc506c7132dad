//! Selectors: instances named by `ContainerGroupName` (an exact name, or a pattern where `*`
//! matches any run of characters) and/or `Tags`; the DescribeContainerGroups filters that
//! narrow a listing for them; and which of the selected instances are targets (`Running`,
//! with a container named `ContainerName`), the others skipped with the reason.

use crate::eci::ContainerGroup;

/// Which instances: every one whose name matches and that carries every tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub name: Option<String>,
    /// Key and value, in the order written.
    pub tags: Vec<(String, String)>,
}

/// The selected instances of a listing, split.
#[derive(Debug, Default, PartialEq)]
pub struct Selection<'a> {
    /// Running, with the container.
    pub targets: Vec<&'a ContainerGroup>,
    /// Selected but not targets, with the reason.
    pub skipped: Vec<(&'a ContainerGroup, String)>,
}

impl Selector {
    /// The DescribeContainerGroups parameters that narrow the listing on the server:
    /// `ContainerGroupName` when the name is exact (a pattern is matched on the listed names),
    /// `Tag.N.Key` / `Tag.N.Value` with N from 1 in the order written.
    pub fn query(&self) -> Vec<(String, String)> {
        let mut query = Vec::new();
        if let Some(name) = self.name.as_ref().filter(|name| !name.contains('*')) {
            query.push(("ContainerGroupName".to_owned(), name.clone()));
        }
        for (n, (key, value)) in self.tags.iter().enumerate() {
            query.push((format!("Tag.{}.Key", n + 1), key.clone()));
            query.push((format!("Tag.{}.Value", n + 1), value.clone()));
        }
        query
    }

    /// Whether `group` is selected.
    pub fn matches(&self, group: &ContainerGroup) -> bool {
        let name_ok = self
            .name
            .as_ref()
            .is_none_or(|pattern| name_matches(pattern, &group.container_group_name));
        name_ok
            && self.tags.iter().all(|(key, value)| {
                group
                    .tags
                    .iter()
                    .any(|tag| tag.key == *key && tag.value == *value)
            })
    }

    /// The selected instances of `groups`: targets for `container`, and the skipped.
    pub fn select<'a>(&self, container: &str, groups: &'a [ContainerGroup]) -> Selection<'a> {
        let mut selection = Selection::default();
        for group in groups.iter().filter(|group| self.matches(group)) {
            if group.status != "Running" {
                let reason = format!("its status is {}, not Running", group.status);
                selection.skipped.push((group, reason));
            } else if !group.containers.iter().any(|c| c.name == container) {
                let reason = format!("it has no container named {container}");
                selection.skipped.push((group, reason));
            } else {
                selection.targets.push(group);
            }
        }
        selection
    }
}

impl std::fmt::Display for Selector {
    /// `name web-*, tags app=web, tier=front`, for messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(name) = &self.name {
            parts.push(format!("name {name}"));
        }
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts.push(format!("tags {}", tags.join(", ")));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Whether `name` matches `pattern`, where `*` matches any run of characters (none included)
/// and everything else matches itself.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // Greedy with one backtrack point: the last `*` seen and where its run ends in `name`.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if p < pattern.len() && pattern[p] == name[n] {
            p += 1;
            n += 1;
        } else if let Some((star_p, star_n)) = star {
            p = star_p + 1;
            n = star_n + 1;
            star = Some((star_p, star_n + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eci::{Container, Tag};

    #[test]
    fn patterns() {
        for (pattern, name) in [
            ("web", "web"),
            ("web-*", "web-1"),
            ("web-*", "web-"),
            ("*", ""),
            ("*-db-*", "prod-db-7"),
            ("a*b*c", "aXbYbZc"),
            ("**", "x"),
        ] {
            assert!(name_matches(pattern, name), "{pattern} {name}");
        }
        for (pattern, name) in [
            ("web", "web-1"),
            ("web-*", "web"),
            ("*-db", "prod-db-7"),
            ("a*b*c", "aXbYbZ"),
            ("", "x"),
        ] {
            assert!(!name_matches(pattern, name), "{pattern} {name}");
        }
    }

    fn group(name: &str, status: &str, container: &str, tags: &[(&str, &str)]) -> ContainerGroup {
        ContainerGroup {
            container_group_id: format!("eci-{name}"),
            container_group_name: name.to_owned(),
            status: status.to_owned(),
            containers: vec![Container {
                name: container.to_owned(),
                ..Container::default()
            }],
            tags: tags
                .iter()
                .map(|(key, value)| Tag {
                    key: key.to_string(),
                    value: value.to_string(),
                })
                .collect(),
            ..ContainerGroup::default()
        }
    }

    #[test]
    fn targets_and_skipped() {
        let groups = [
            group("web-1", "Running", "nginx", &[("app", "web")]),
            group("web-2", "Pending", "nginx", &[("app", "web")]),
            group("web-3", "Running", "redis", &[("app", "web")]),
            group("web-4", "Running", "nginx", &[("app", "api")]),
            group("db-1", "Running", "nginx", &[("app", "web")]),
        ];
        let selector = Selector {
            name: Some("web-*".to_owned()),
            tags: vec![("app".to_owned(), "web".to_owned())],
        };
        let selection = selector.select("nginx", &groups);
        assert_eq!(selection.targets, vec![&groups[0]]);
        let skipped: Vec<(&str, &str)> = selection
            .skipped
            .iter()
            .map(|(group, reason)| (group.container_group_name.as_str(), reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("web-2", "its status is Pending, not Running"),
                ("web-3", "it has no container named nginx")
            ]
        );
        assert_eq!(selector.to_string(), "name web-*, tags app=web");
    }

    #[test]
    fn query_narrows_by_exact_name_and_tags_in_order() {
        let selector = Selector {
            name: Some("web-*".to_owned()),
            tags: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
        };
        let query: Vec<String> = selector
            .query()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
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

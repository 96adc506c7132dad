//! The online rules (`unknown-container-group`, `unknown-container`,
//! `container-group-not-running` for an id; `no-matching-instance` for a selector), pure: the
//! instance lists come in as `InstanceLists`, and a region whose list is not known (not
//! fetched, stale) yields nothing rather than a guess.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::diagnostic::{Code, Diagnostic};
use super::model::{Entry, Model};
use super::resolve::{Target, target_of};
use super::rules::{is_container_group_id, is_well_formed};
use super::selector::{Matches, Selector, count_instances};
use super::span::Span;
use crate::eci::ContainerGroup;

/// What the instance lists say of one id.
pub enum Lookup<'a> {
    /// The region's list is not known (fresh) right now.
    Unknown,
    /// The list is known and does not hold the id.
    Missing,
    Found(&'a ContainerGroup),
}

/// Complete instance lists by region: the only ones online diagnostics may trust. The server
/// fills it with its fresh cached lists, `check --online` with the lists it fetched.
#[derive(Clone, Debug, Default)]
pub struct InstanceLists {
    by_region: HashMap<String, Arc<Vec<ContainerGroup>>>,
}

impl InstanceLists {
    pub fn insert(&mut self, region: String, groups: Arc<Vec<ContainerGroup>>) {
        self.by_region.insert(region, groups);
    }

    pub fn contains(&self, region: &str) -> bool {
        self.by_region.contains_key(region)
    }

    /// The list of `region`, when it is known.
    pub fn groups(&self, region: &str) -> Option<&[ContainerGroup]> {
        self.by_region.get(region).map(|groups| groups.as_slice())
    }

    /// What the list of `region` says of `id`.
    pub fn lookup(&self, region: &str, id: &str) -> Lookup<'_> {
        let Some(groups) = self.groups(region) else {
            return Lookup::Unknown;
        };
        match groups.iter().find(|group| group.container_group_id == id) {
            Some(group) => Lookup::Found(group),
            None => Lookup::Missing,
        }
    }
}

/// At most this many skipped instances are named in a `no-matching-instance` message.
const LISTED_SKIPPED: usize = 3;

/// An entry's target as the online rules check it, with the span they report on.
enum Checked<'a> {
    /// A well-formed id (a malformed one has its offline warning).
    Id(&'a str, Span),
    /// A selector, reported on its `ContainerGroupName` value, else its `Tags` value.
    Selector(Selector, Span),
}

/// The online diagnostics of a model; each at the value where it is written, once.
pub fn check(model: &Model, instances: &InstanceLists) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut reported: HashSet<(Span, Code)> = HashSet::new();
    let mut push = |diagnostic: Diagnostic| {
        if reported.insert((diagnostic.span, diagnostic.code)) {
            diagnostics.push(diagnostic);
        }
    };
    for entry in &model.entries {
        let Some((region, target)) = target(model, entry) else {
            continue;
        };
        match target {
            Checked::Id(id, span) => check_id(model, entry, instances, region, id, span)
                .into_iter()
                .for_each(&mut push),
            Checked::Selector(selector, span) => {
                if let Some(groups) = instances.groups(region)
                    && let Some(diagnostic) =
                        check_selector(model, entry, groups, region, &selector, span)
                {
                    push(diagnostic);
                }
            }
        }
    }
    diagnostics
}

/// The id's instance: known, running, with the entry's container.
fn check_id(
    model: &Model,
    entry: &Entry,
    instances: &InstanceLists,
    region: &str,
    id: &str,
    id_span: Span,
) -> Vec<Diagnostic> {
    let group = match instances.lookup(region, id) {
        Lookup::Unknown => return Vec::new(),
        Lookup::Missing => {
            return vec![Diagnostic::new(
                Code::UnknownContainerGroup,
                id_span,
                format!(
                    "no container group `{id}` in {region}: check the id, or the region (completion lists your instances)"
                ),
            )];
        }
        Lookup::Found(group) => group,
    };
    let mut found = Vec::new();
    let status = &group.status;
    if status != "Running" {
        found.push(Diagnostic::new(
            Code::ContainerGroupNotRunning,
            id_span,
            format!(
                "container group `{id}` is {status}, not Running: ExecContainerCommand would answer IncorrectStatus"
            ),
        ));
    }
    let name = model.resolve(entry, |f| &f.container_name).slot;
    let containers: Vec<&str> = group.containers.iter().map(|c| c.name.as_str()).collect();
    if let (Some(name), Some(name_span)) = (name.value(), name.span())
        && !containers.contains(&&**name)
    {
        found.push(Diagnostic::new(
            Code::UnknownContainer,
            name_span,
            format!(
                "container group `{id}` has no container `{name}`; it has {}",
                containers.join(", ")
            ),
        ));
    }
    found
}

/// `no-matching-instance` when the selector gives the entry no target in `groups`.
fn check_selector(
    model: &Model,
    entry: &Entry,
    groups: &[ContainerGroup],
    region: &str,
    selector: &Selector,
    span: Span,
) -> Option<Diagnostic> {
    let container = model.resolve(entry, |f| &f.container_name).slot.value();
    let what = selector.describe();
    let found = selector.select(groups, container.map_or("", |name| name));
    if !found.targets.is_empty() {
        return None;
    }
    let message = match (found.skipped.len(), container) {
        (0, _) => format!(
            "no instance in {region} matches {what}: check the selector, or the region (completion lists the names and tags of your instances)"
        ),
        // Without a container name, only "matches nothing" can be said.
        (_, None) => return None,
        (count, Some(container)) => format!(
            "{what} matches {} in {region}, but none is Running with a container named `{container}` ({})",
            count_instances(count),
            skipped_list(&found)
        ),
    };
    Some(Diagnostic::new(Code::NoMatchingInstance, span, message))
}

/// `web-3: status is Pending, not Running; web-4: no container named nginx; and 2 more`.
fn skipped_list(found: &Matches<'_>) -> String {
    let mut listed: Vec<String> = found
        .skipped
        .iter()
        .take(LISTED_SKIPPED)
        .map(|(group, reason)| format!("{}: {reason}", group.container_group_name))
        .collect();
    if found.skipped.len() > LISTED_SKIPPED {
        listed.push(format!("and {} more", found.skipped.len() - LISTED_SKIPPED));
    }
    listed.join("; ")
}

/// The entry's region and the target the online rules can check.
fn target<'a>(model: &'a Model, entry: &'a Entry) -> Option<(&'a str, Checked<'a>)> {
    let region = model.resolve(entry, |f| &f.region_id).slot.value()?;
    let fields = model.target(entry);
    let checked = match target_of(fields)? {
        Target::Id(_) => {
            let id = &fields.container_group_id;
            let (value, span) = (id.value()?, id.span()?);
            Checked::Id(is_container_group_id(value).then_some(&**value)?, span)
        }
        // A selector that cannot match (a bad name, an empty tag key) has its offline error.
        Target::Selector(selector) if !is_well_formed(&selector) => return None,
        Target::Selector(selector) => {
            let span = fields
                .container_group_name
                .span()
                .or_else(|| fields.tags.span())?;
            Checked::Selector(selector, span)
        }
    };
    Some((&**region, checked))
}

/// The regions whose instance lists the model's entries need.
pub fn regions_needed(model: &Model) -> Vec<String> {
    let mut regions: Vec<String> = model
        .entries
        .iter()
        .filter_map(|entry| target(model, entry).map(|(region, _)| region.to_owned()))
        .collect();
    regions.sort();
    regions.dedup();
    regions
}

//! The online rules (`unknown-container-group`, `unknown-container`,
//! `container-group-not-running`), pure: the instance lists come in as `InstanceLists`, and a
//! region whose list is not known (not fetched, stale) yields nothing rather than a guess.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::diagnostic::{Code, Diagnostic};
use super::model::{Entry, Model};
use super::rules::is_container_group_id;
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

    /// What the list of `region` says of `id`.
    pub fn lookup(&self, region: &str, id: &str) -> Lookup<'_> {
        let Some(groups) = self.by_region.get(region) else {
            return Lookup::Unknown;
        };
        match groups.iter().find(|group| group.container_group_id == id) {
            Some(group) => Lookup::Found(group),
            None => Lookup::Missing,
        }
    }
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
        let Some((region, id, id_span)) = target(model, entry) else {
            continue;
        };
        match instances.lookup(region, id) {
            Lookup::Unknown => {}
            Lookup::Missing => push(Diagnostic::new(
                Code::UnknownContainerGroup,
                id_span,
                format!(
                    "no container group `{id}` in {region}: check the id, or the region (completion lists your instances)"
                ),
            )),
            Lookup::Found(group) => {
                let status = &group.status;
                if status != "Running" {
                    push(Diagnostic::new(
                        Code::ContainerGroupNotRunning,
                        id_span,
                        format!(
                            "container group `{id}` is {status}, not Running: ExecContainerCommand would answer IncorrectStatus"
                        ),
                    ));
                }
                let name = model.resolve(entry, |f| &f.container_name).slot;
                let containers: Vec<&str> =
                    group.containers.iter().map(|c| c.name.as_str()).collect();
                if let (Some(name), Some(name_span)) = (name.value(), name.span())
                    && !containers.contains(&&**name)
                {
                    push(Diagnostic::new(
                        Code::UnknownContainer,
                        name_span,
                        format!(
                            "container group `{id}` has no container `{name}`; it has {}",
                            containers.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    diagnostics
}

/// The entry's region and well-formed instance id, with the id's span.
fn target<'a>(model: &'a Model, entry: &'a Entry) -> Option<(&'a str, &'a str, Span)> {
    let region = model.resolve(entry, |f| &f.region_id).slot.value()?;
    let id = &model.target(entry).container_group_id;
    let (value, span) = (id.value()?, id.span()?);
    is_container_group_id(value).then_some((&**region, &**value, span))
}

/// The regions whose instance lists the model's entries need.
pub fn regions_needed(model: &Model) -> Vec<String> {
    let mut regions: Vec<String> = model
        .entries
        .iter()
        .filter_map(|entry| target(model, entry).map(|(region, _, _)| region.to_owned()))
        .collect();
    regions.sort();
    regions.dedup();
    regions
}

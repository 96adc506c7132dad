//! The online rules (`unknown-container-group`, `unknown-container`,
//! `container-group-not-running`), pure: the instance list comes in through `Instances`,
//! and a region whose list is not known (not fetched, stale) yields nothing rather than a guess.

use std::collections::HashSet;

use super::diagnostic::{Code, Diagnostic};
use super::model::{Entry, Model};
use super::rules::is_container_group_id;
use super::span::Span;

/// What the instance list says of one id.
pub enum Lookup<'a> {
    /// The region's list is not known (fresh) right now.
    Unknown,
    /// The list is known and does not hold the id.
    Missing,
    Found {
        status: &'a str,
        containers: Vec<&'a str>,
    },
}

/// Fresh instance lists, by region.
pub trait Instances {
    fn lookup(&self, region: &str, id: &str) -> Lookup<'_>;
}

/// The online diagnostics of a model; each at the value where it is written, once.
pub fn check(model: &Model, instances: &dyn Instances) -> Vec<Diagnostic> {
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
            Lookup::Found { status, containers } => {
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
    let id = model.resolve(entry, |f| &f.container_group_id).slot;
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

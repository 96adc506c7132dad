//! Instances as the editor shows them, from lists the online layer fetched: completion
//! candidates for ids, containers and regions, and the markdown of an instance's hover.

use super::completion::{Candidate, CandidateKind, CompletionContext, ObjectKind, value_candidate};
use super::model::{Fields, Model, Slot, TargetFields};
use super::regions;
use super::resolve;
use super::tree::Text;
use crate::eci::{ContainerGroup, Region};

/// A field of the exec fields, picked by the caller.
pub type Field = fn(&Fields) -> &Slot<Text>;

/// A field's value for the object being edited: an entry's own or inherited, or a default.
pub fn object_value(model: &Model, object: ObjectKind, field: Field) -> Option<String> {
    let entry = match object {
        ObjectKind::Entry(index) => resolve::entry(model, index)?,
        ObjectKind::Single => model.entries.first()?,
        ObjectKind::Defaults => return field(&model.defaults).value().map(|text| text.to_string()),
    };
    model
        .resolve(entry, field)
        .slot
        .value()
        .map(|text| text.to_string())
}

/// The target fields that apply to the object being edited (an entry's own or inherited, as
/// one unit).
pub fn object_target(model: &Model, object: ObjectKind) -> Option<&TargetFields> {
    match object {
        ObjectKind::Entry(index) => Some(model.target(resolve::entry(model, index)?)),
        ObjectKind::Single => Some(&model.entries.first()?.own.target),
        ObjectKind::Defaults => Some(&model.defaults.target),
    }
}

/// What the user has typed of the value up to the cursor, without the quote, lower-cased.
pub fn typed_text(text: &str, context: &CompletionContext, cursor: usize) -> String {
    let end = cursor.clamp(context.replace.start, context.replace.end);
    let typed = text.get(context.replace.start..end).unwrap_or_default();
    typed.trim_matches('"').to_lowercase()
}

/// Instance ids matching what is typed (by id or name), running ones first.
pub fn group_candidates(
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
) -> Vec<Candidate> {
    let mut matching: Vec<&ContainerGroup> = groups
        .iter()
        .filter(|group| {
            typed.is_empty()
                || group.container_group_id.to_lowercase().contains(typed)
                || group.container_group_name.to_lowercase().contains(typed)
        })
        .collect();
    // Running instances first: the others cannot run commands.
    matching.sort_by(|left, right| {
        (left.status != "Running", &left.container_group_name)
            .cmp(&(right.status != "Running", &right.container_group_name))
    });
    matching
        .into_iter()
        .map(|group| {
            let id = &group.container_group_id;
            let containers: Vec<String> = group
                .containers
                .iter()
                .map(|c| format!("- `{}` {}", c.name, c.image))
                .collect();
            Candidate {
                label: id.clone(),
                kind: CandidateKind::Value,
                detail: Some(format!("{} · {}", group.container_group_name, group.status)),
                documentation: Some(format!(
                    "**{}**\n\n{}",
                    group.container_group_name,
                    containers.join("\n")
                )),
                insert: format!("\"{id}\""),
                replace: context.replace,
                filter: format!(
                    "{}{} {}",
                    if context.quoted { "\"" } else { "" },
                    group.container_group_name,
                    id
                ),
            }
        })
        .collect()
}

/// The containers of one instance, with image and readiness.
pub fn container_candidates(group: &ContainerGroup, context: &CompletionContext) -> Vec<Candidate> {
    group
        .containers
        .iter()
        .map(|container| {
            let state = if container.ready {
                "ready".to_owned()
            } else {
                format!("not ready ({})", container.current_state.state)
            };
            let mut candidate = value_candidate(
                context,
                &container.name,
                Some(container.image.clone()),
                format!("\"{}\"", container.name),
            );
            candidate.documentation = Some(format!("`{}`\n\n{state}", container.image));
            candidate
        })
        .collect()
}

/// The regions the API lists, named where the name is known.
pub fn region_candidates(api_regions: &[Region], context: &CompletionContext) -> Vec<Candidate> {
    api_regions
        .iter()
        .map(|region| {
            let detail = regions::region_name(&region.region_id).map(str::to_owned);
            value_candidate(
                context,
                &region.region_id,
                detail,
                format!("\"{}\"", region.region_id),
            )
        })
        .collect()
}

/// The hover of an instance id: name, status, zone, IP, creation time and containers.
pub fn instance_markdown(group: &ContainerGroup) -> String {
    let mut text = format!(
        "**{}** `{}`\n\n| | |\n|---|---|\n| status | {} |\n| zone | {} |\n| private IP | {} |\n| created | {} |\n\n",
        group.container_group_name,
        group.container_group_id,
        group.status,
        group.zone_id,
        group.intranet_ip,
        group.creation_time
    );
    for container in &group.containers {
        let ready = if container.ready {
            "ready"
        } else {
            "not ready"
        };
        text.push_str(&format!(
            "- `{}` {} ({}, {ready})\n",
            container.name, container.image, container.current_state.state
        ));
    }
    text
}

//! Instances as the editor shows them, from lists the online layer fetched: completion
//! candidates for ids, containers, regions, names and tags, and the markdown of the hover of
//! an instance or of a selector.

use std::collections::BTreeMap;
use std::time::Duration;

use super::completion::{
    Candidate, CompletionContext, ObjectKind, Site, key_candidate, value_candidate,
};
use super::fields;
use super::model::{Fields, Model, Slot, TargetFields};
use super::regions;
use super::resolve::{self, Target};
use super::selector::{Selector, count_instances};
use super::tree::Text;
use crate::eci::{ContainerGroup, Region};

/// A field of the exec fields, picked by the caller.
pub type Field = fn(&Fields) -> &Slot<Text>;

/// A field's value for the object being edited: an entry's own or inherited, or a default.
pub fn object_value(model: &Model, object: ObjectKind, field: Field) -> Option<String> {
    let entry = match object.owner(model.shape) {
        ObjectKind::Entry(index) => resolve::entry(model, index)?,
        ObjectKind::Defaults => return field(&model.defaults).value().map(|text| text.to_string()),
        ObjectKind::Single | ObjectKind::Tags(_) => model.entries.first()?,
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
    match object.owner(model.shape) {
        ObjectKind::Entry(index) => Some(model.target(resolve::entry(model, index)?)),
        ObjectKind::Defaults => Some(&model.defaults.target),
        ObjectKind::Single | ObjectKind::Tags(_) => Some(&model.entries.first()?.own.target),
    }
}

/// The candidates the region's instance list offers at the cursor's site: tag keys and values,
/// ids (at most `limit`; the flag says whether matching ones were left out), names, and the
/// containers of the object's target. `None` for a site the list does not serve, or a
/// container whose instance id is not in the list (the offline candidates apply then).
/// `typed` is `typed_text`'s; `cached` the age of a list kept from an earlier session.
pub fn list_candidates(
    model: &Model,
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
    cached: Option<Duration>,
    limit: usize,
) -> Option<(Vec<Candidate>, bool)> {
    let items = match &context.site {
        Site::Key {
            object: ObjectKind::Tags(_),
            present,
            needs_colon,
        } => tag_key_candidates(groups, context, typed, present, *needs_colon),
        Site::Value {
            object: ObjectKind::Tags(_),
            field: key,
        } => tag_value_candidates(groups, context, typed, key),
        Site::Value { field, .. } if field == fields::CONTAINER_GROUP_ID => {
            return Some(group_candidates(groups, context, typed, cached, limit));
        }
        Site::Value { field, .. } if field == fields::CONTAINER_GROUP_NAME => {
            name_candidates(groups, context, typed)
        }
        Site::Value { object, field } if field == fields::CONTAINER_NAME => {
            match resolve::target_of(object_target(model, *object)?)? {
                Target::Id(id) => {
                    let group = groups.iter().find(|g| g.container_group_id == id)?;
                    container_candidates([group], context)
                }
                Target::Selector(selector) => {
                    container_candidates(selector.matching(groups), context)
                }
            }
        }
        _ => return None,
    };
    Some((items, false))
}

/// What the user has typed of the value up to the cursor, lower-cased.
pub fn typed_text(text: &str, context: &CompletionContext, cursor: usize) -> String {
    let end = cursor.clamp(context.replace.start, context.replace.end);
    text.get(context.replace.start..end)
        .unwrap_or_default()
        .to_lowercase()
}

/// An instance's status as a lens shows it: `● Running` (commands can run), else `○ Pending`,
/// `○ Failed`, ...
pub fn status_badge(status: &str) -> String {
    let status = super::hidden::escape_hidden(status);
    match status.as_str() {
        "Running" => "● Running".to_owned(),
        "" => "○ status unknown".to_owned(),
        other => format!("○ {other}"),
    }
}

/// `cached 5 min ago`: how old a list read back from an earlier session is.
pub fn cached_age(age: Duration) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0 => "cached just now".to_owned(),
        1..60 => format!("cached {minutes} min ago"),
        60..2880 => format!("cached {} h ago", minutes / 60),
        _ => format!("cached {} days ago", minutes / 1440),
    }
}

/// A line under a hover whose list is not the live, whole one: kept from an earlier session,
/// or still arriving page by page (empty otherwise).
fn list_note(cached: Option<Duration>, complete: bool) -> String {
    match (cached, complete) {
        (Some(age), _) => format!("\n_{}; being refreshed_\n", cached_age(age)),
        (None, false) => "\n_the listing is still arriving: what has come so far_\n".to_owned(),
        (None, true) => String::new(),
    }
}

/// Instance ids matching what is typed (by id or name), running ones first, at most `limit`
/// of them; `cached` is the age of a list kept from an earlier session, shown in each item's
/// detail. The second value says whether matching instances were left out.
pub fn group_candidates(
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
    cached: Option<Duration>,
    limit: usize,
) -> (Vec<Candidate>, bool) {
    let age = cached
        .map(|age| format!(" · {}", cached_age(age)))
        .unwrap_or_default();
    let mut matching: Vec<&ContainerGroup> = groups
        .iter()
        .filter(|group| {
            typed.is_empty()
                || group.container_group_id.to_lowercase().contains(typed)
                || group.container_group_name.to_lowercase().contains(typed)
        })
        .collect();
    // Running instances first: the others cannot run commands. Only the best `limit` are
    // sorted and built: thousands of items would make every answer slow.
    let order = |left: &&ContainerGroup, right: &&ContainerGroup| {
        (left.status != "Running", &left.container_group_name)
            .cmp(&(right.status != "Running", &right.container_group_name))
    };
    let left_out = matching.len() > limit;
    if left_out {
        matching.select_nth_unstable_by(limit, order);
        matching.truncate(limit);
    }
    matching.sort_by(order);
    let candidates = matching
        .into_iter()
        .map(|group| {
            let id = &group.container_group_id;
            let name = &group.container_group_name;
            let containers: Vec<String> = group
                .containers
                .iter()
                .map(|c| format!("- `{}` {}", c.name, c.image))
                .collect();
            let mut candidate =
                value_candidate(context, id, Some(format!("{name} · {}{age}", group.status)));
            candidate.documentation = Some(format!("**{name}**\n\n{}", containers.join("\n")));
            // Typing the name finds the id: the filter starts with the name, unless what is
            // typed is the start of the id (clients that match prefixes keep the item then).
            let id_typed = !typed.is_empty()
                && id.to_lowercase().starts_with(typed)
                && !name.to_lowercase().starts_with(typed);
            candidate.filter = if id_typed {
                format!("{id} {name}")
            } else {
                format!("{name} {id}")
            };
            candidate
        })
        .collect();
    (candidates, left_out)
}

/// The containers of the entry's instances (one for an id, the matches of a selector), each
/// name once, with image and readiness (of the first instance that has it).
pub fn container_candidates<'a>(
    groups: impl IntoIterator<Item = &'a ContainerGroup>,
    context: &CompletionContext,
) -> Vec<Candidate> {
    let mut seen = std::collections::HashSet::new();
    groups
        .into_iter()
        .flat_map(|group| &group.containers)
        .filter(|container| seen.insert(container.name.as_str()))
        .map(|container| {
            let state = if container.ready {
                "ready".to_owned()
            } else {
                format!("not ready ({})", container.current_state.state)
            };
            let mut candidate =
                value_candidate(context, &container.name, Some(container.image.clone()));
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
            value_candidate(context, &region.region_id, detail)
        })
        .collect()
}

/// The hover of an instance id: name, status, zone, IP, creation time and containers, and the
/// list's age when it was kept from an earlier session.
pub fn instance_markdown(group: &ContainerGroup, cached: Option<Duration>) -> String {
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
    text.push_str(&list_note(cached, true));
    text
}

/// Whether `text` holds what is typed (lower-cased, as `typed_text` gives it).
fn holds_typed(text: &str, typed: &str) -> bool {
    typed.is_empty() || text.to_lowercase().contains(typed)
}

/// Instance names for `ContainerGroupName` that hold what is typed, each once, with its
/// instance's id and status (or how many instances share it). A pattern is typed by hand.
pub fn name_candidates(
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
) -> Vec<Candidate> {
    let mut by_name: BTreeMap<&str, Vec<&ContainerGroup>> = BTreeMap::new();
    let named = groups.iter().filter(|g| !g.container_group_name.is_empty());
    for group in named.filter(|g| holds_typed(&g.container_group_name, typed)) {
        by_name
            .entry(&group.container_group_name)
            .or_default()
            .push(group);
    }
    by_name
        .into_iter()
        .map(|(name, groups)| {
            let detail = match groups.as_slice() {
                [group] => format!("{} · {}", group.container_group_id, group.status),
                many => count_instances(many.len()),
            };
            value_candidate(context, name, Some(detail))
        })
        .collect()
}

/// The tag keys seen on the region's instances that hold what is typed, but those the `Tags`
/// object already has, each with the values seen.
pub fn tag_key_candidates(
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
    present: &[String],
    needs_colon: bool,
) -> Vec<Candidate> {
    seen_tags(groups)
        .into_iter()
        .filter(|(key, _)| holds_typed(key, typed))
        .filter(|(key, _)| !present.iter().any(|written| written == key))
        .map(|(key, values)| {
            let listed: Vec<&str> = values.keys().take(LISTED_VALUES).copied().collect();
            let mut detail = listed.join(", ");
            if values.len() > LISTED_VALUES {
                detail.push_str(&format!(", +{}", values.len() - LISTED_VALUES));
            }
            Candidate {
                detail: Some(detail),
                ..key_candidate(context, key, needs_colon)
            }
        })
        .collect()
}

/// The values seen for the tag `key` that hold what is typed, each with how many instances
/// carry it.
pub fn tag_value_candidates(
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
    key: &str,
) -> Vec<Candidate> {
    let tags = seen_tags(groups);
    let Some(values) = tags.get(key) else {
        return Vec::new();
    };
    values
        .iter()
        .filter(|(value, _)| holds_typed(value, typed))
        .map(|(value, count)| {
            let detail = Some(count_instances(*count));
            value_candidate(context, value, detail)
        })
        .collect()
}

/// A tag key's completion detail lists this many of its values.
const LISTED_VALUES: usize = 5;

/// Every tag on `groups`: key -> value -> how many instances carry it, in order.
fn seen_tags(groups: &[ContainerGroup]) -> BTreeMap<&str, BTreeMap<&str, usize>> {
    let mut seen: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for tag in groups.iter().flat_map(|group| &group.tags) {
        *seen
            .entry(&tag.key)
            .or_default()
            .entry(&tag.value)
            .or_default() += 1;
    }
    seen
}

/// A selector's hover lists at most this many instances.
const LISTED_INSTANCES: usize = 50;

/// The hover of a selector: the instances of `region` it matches, with their status and, given
/// the entry's container, whether each is a target of a run and why not; `cached` and
/// `complete` say how current the list is.
pub fn selector_markdown(
    selector: &Selector,
    groups: &[ContainerGroup],
    container: Option<&str>,
    region: &str,
    cached: Option<Duration>,
    complete: bool,
) -> String {
    let (summary, rows): (String, Vec<(&ContainerGroup, String)>) = match container {
        Some(container) => {
            let found = selector.select(groups, container);
            let summary = format!(
                "{} in {region}; {} of them Running with a container named `{container}` (the targets of a run)",
                matching(found.targets.len() + found.skipped.len()),
                found.targets.len()
            );
            let targets = found.targets.iter().map(|g| (*g, "✓ target".to_owned()));
            let skipped = found
                .skipped
                .iter()
                .map(|(group, reason)| (*group, format!("✗ {reason}")));
            (summary, targets.chain(skipped).collect())
        }
        None => {
            let found = selector.matching(groups);
            let summary = format!(
                "{} in {region} (set `ContainerName` to see which are targets)",
                matching(found.len())
            );
            (
                summary,
                found.into_iter().map(|g| (g, String::new())).collect(),
            )
        }
    };
    let mut text = format!("**{}**\n\n", selector.describe());
    if rows.is_empty() {
        text.push_str(&format!("No instance in {region} matches.\n"));
        text.push_str(&list_note(cached, complete));
        return text;
    }
    text.push_str(&summary);
    text.push_str("\n\n| instance | id | status | run |\n|---|---|---|---|\n");
    for (group, run) in rows.iter().take(LISTED_INSTANCES) {
        text.push_str(&format!(
            "| {} | `{}` | {} | {run} |\n",
            group.container_group_name, group.container_group_id, group.status
        ));
    }
    if rows.len() > LISTED_INSTANCES {
        text.push_str(&format!("\n… and {} more\n", rows.len() - LISTED_INSTANCES));
    }
    text.push_str(&list_note(cached, complete));
    text
}

/// `1 instance matches`, `6 instances match`.
fn matching(count: usize) -> String {
    if count == 1 {
        "1 instance matches".to_owned()
    } else {
        format!("{count} instances match")
    }
}

//! The instance a session runs in: the entry's id, or the one target of its selector, from a
//! fresh listing (DescribeContainerGroups narrowed by the selector's `query`, matched by
//! `analysis::selector`). A session needs one instance: several, or none, are refused with
//! the list, so the user can narrow the selector or give the id.

use crate::analysis::resolve::{ResolvedEntry, Target};
use crate::analysis::selector::Selector;
use crate::remote::{ApiError, EciClient};

/// Why there is no single instance.
pub enum NoInstance {
    /// The listing failed.
    Api(ApiError),
    /// None, or several: the message lists them.
    Refused(String),
}

/// The id of the instance the entry's session runs in.
pub async fn instance(client: &EciClient, entry: &ResolvedEntry) -> Result<String, NoInstance> {
    let selector = match &entry.target {
        Target::Id(id) => return Ok(id.clone()),
        Target::Selector(selector) => selector,
    };
    let request = &entry.request;
    let groups = client
        .describe_container_groups_where(&request.region_id, &selector.query())
        .await
        .map_err(NoInstance::Api)?;
    let found = selector.select(&groups, &request.container_name);
    match found.targets.as_slice() {
        [only] => Ok(only.container_group_id.clone()),
        [] => {
            let skipped: Vec<String> = found
                .skipped
                .iter()
                .map(|(group, reason)| format!("\n  {}: {reason}", named(group)))
                .collect();
            Err(NoInstance::Refused(format!(
                "not run: no instance of {} in {} is Running with a container {}{}",
                selector.describe(),
                request.region_id,
                request.container_name,
                skipped.concat()
            )))
        }
        several => Err(NoInstance::Refused(several_targets(selector, several))),
    }
}

/// `name (id)`, as lists show an instance.
fn named(group: &crate::eci::ContainerGroup) -> String {
    format!(
        "{} ({})",
        group.container_group_name, group.container_group_id
    )
}

fn several_targets(selector: &Selector, targets: &[&crate::eci::ContainerGroup]) -> String {
    let listed: Vec<String> = targets
        .iter()
        .map(|group| format!("\n  {}", named(group)))
        .collect();
    format!(
        "not run: a session needs one instance, and {} targets of {} are Running with the container; narrow the selector or give --instance:{}",
        targets.len(),
        selector.describe(),
        listed.concat()
    )
}

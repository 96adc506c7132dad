//! The three actions, answered from the fixture like the real API (a non-Sync exec opens a
//! session on this fake: `ws.rs`).
//!
//! Error codes the reference leaves open are chosen here (UNVERIFIED against the live API):
//! an unknown group is `ContainerGroup.NotFound` (404), an unknown container
//! `Container.NotFound` (404), Sync with TTY `InvalidParameter` (400), an unknown action
//! `InvalidAction.NotFound` (404).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::state::State;
use crate::{ApiFailure, SessionRecord};

/// The most groups per page and ids per filter, as the API allows.
const LIMIT: usize = 20;

/// Answers `action`; the caller adds the `RequestId`.
pub(crate) fn answer(
    state: &mut State,
    action: &str,
    params: &BTreeMap<String, String>,
) -> Result<Value, ApiFailure> {
    match action {
        "DescribeContainerGroups" => describe_container_groups(state, params),
        "DescribeRegions" => Ok(describe_regions(state)),
        "ExecContainerCommand" => exec_container_command(state, params),
        other => Err(ApiFailure::new(
            404,
            "InvalidAction.NotFound",
            &format!("Specified api {other} is not found."),
        )),
    }
}

fn required<'a>(params: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, ApiFailure> {
    params.get(name).map(String::as_str).filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiFailure::new(
            400,
            "MissingParameter",
            &format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
        )
    })
}

fn invalid(name: &str) -> ApiFailure {
    ApiFailure::new(
        400,
        "InvalidParameter",
        &format!("The specified parameter \"{name}\" is not valid."),
    )
}

fn text<'a>(group: &'a Value, field: &str) -> &'a str {
    group.get(field).and_then(Value::as_str).unwrap_or_default()
}

fn describe_container_groups(
    state: &State,
    params: &BTreeMap<String, String>,
) -> Result<Value, ApiFailure> {
    let region = required(params, "RegionId")?;
    let ids: Option<Vec<String>> = match params.get("ContainerGroupIds") {
        Some(list) => Some(serde_json::from_str(list).map_err(|_| invalid("ContainerGroupIds"))?),
        None => None,
    };
    if ids.as_ref().is_some_and(|ids| ids.len() > LIMIT) {
        return Err(ApiFailure::new(
            400,
            "InvalidParameter.ValueExceeded",
            "ContainerGroupIds holds more than 20 ids.",
        ));
    }
    let limit = match params.get("Limit") {
        Some(limit) => limit
            .parse::<usize>()
            .map_err(|_| invalid("Limit"))?
            .clamp(1, LIMIT),
        None => LIMIT,
    };
    let offset = match params.get("NextToken").filter(|t| !t.is_empty()) {
        Some(token) => token
            .strip_prefix("fake-next-")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| invalid("NextToken"))?,
        None => 0,
    };
    let wanted =
        |field: &str, group: &Value| params.get(field).is_none_or(|w| w == text(group, field));
    let tags = tag_filters(params)?;
    let matching: Vec<&Value> = state
        .groups
        .iter()
        .filter(|g| text(g, "RegionId") == region)
        .filter(|g| {
            ids.as_ref()
                .is_none_or(|ids| ids.iter().any(|id| id == text(g, "ContainerGroupId")))
        })
        .filter(|g| wanted("Status", g) && wanted("ContainerGroupName", g) && wanted("ZoneId", g))
        .filter(|g| tags.iter().all(|(key, value)| has_tag(g, key, value)))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|g| (*g).clone())
        .collect();
    let end = offset + page.len();
    let next_token = if end < matching.len() {
        format!("fake-next-{end}")
    } else {
        String::new()
    };
    Ok(json!({"TotalCount": matching.len(), "NextToken": next_token, "ContainerGroups": page}))
}

/// `Tag.N.Key` / `Tag.N.Value` pairs, N from 1 without gaps, as the SDKs flatten them.
fn tag_filters(params: &BTreeMap<String, String>) -> Result<Vec<(String, String)>, ApiFailure> {
    let mut tags = Vec::new();
    for n in 1.. {
        let Some(key) = params.get(&format!("Tag.{n}.Key")) else {
            break;
        };
        if n > LIMIT {
            return Err(invalid("Tag"));
        }
        let value = params
            .get(&format!("Tag.{n}.Value"))
            .cloned()
            .unwrap_or_default();
        tags.push((key.clone(), value));
    }
    Ok(tags)
}

fn has_tag(group: &Value, key: &str, value: &str) -> bool {
    group
        .get("Tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| {
            tags.iter()
                .any(|tag| text(tag, "Key") == key && text(tag, "Value") == value)
        })
}

fn describe_regions(state: &State) -> Value {
    let regions: BTreeSet<&str> = state
        .groups
        .iter()
        .map(|g| text(g, "RegionId"))
        .filter(|r| !r.is_empty())
        .collect();
    let regions: Vec<Value> = regions
        .into_iter()
        .map(|r| json!({"RegionId": r, "RegionEndpoint": "eci.aliyuncs.com"}))
        .collect();
    json!({ "Regions": regions })
}

fn flag(params: &BTreeMap<String, String>, name: &str, default: bool) -> Result<bool, ApiFailure> {
    // The Python SDKs send True/False, the others true/false.
    match params.get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(_) => Err(invalid(name)),
    }
}

fn exec_container_command(
    state: &mut State,
    params: &BTreeMap<String, String>,
) -> Result<Value, ApiFailure> {
    let region = required(params, "RegionId")?;
    let group_id = required(params, "ContainerGroupId")?;
    let container_name = required(params, "ContainerName")?;
    let command: Vec<String> =
        serde_json::from_str(required(params, "Command")?).map_err(|_| invalid("Command"))?;
    if command.is_empty() {
        return Err(invalid("Command"));
    }
    if command.len() > LIMIT || command.iter().any(|item| item.chars().count() > 256) {
        return Err(ApiFailure::new(
            400,
            "InvalidParameter.ValueExceeded",
            "Command has more than 20 items or an item longer than 256 characters.",
        ));
    }
    let (tty, sync) = (flag(params, "TTY", false)?, flag(params, "Sync", false)?);
    let stdin = flag(params, "Stdin", true)?;
    if sync && tty {
        return Err(ApiFailure::new(
            400,
            "InvalidParameter",
            "TTY must be false when Sync is true.",
        ));
    }
    let group = state
        .groups
        .iter()
        .find(|g| text(g, "ContainerGroupId") == group_id && text(g, "RegionId") == region)
        .ok_or_else(|| {
            ApiFailure::new(
                404,
                "ContainerGroup.NotFound",
                &format!("The container group {group_id} does not exist in {region}."),
            )
        })?;
    let containers = group
        .get("Containers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let container = containers
        .iter()
        .find(|c| text(c, "Name") == container_name)
        .ok_or_else(|| {
            ApiFailure::new(
                404,
                "Container.NotFound",
                &format!("The container {container_name} does not exist in {group_id}."),
            )
        })?;
    if text(group, "Status") != "Running" {
        return Err(ApiFailure::new(
            400,
            "IncorrectStatus",
            "The current status of the resource does not support this operation.",
        ));
    }
    let state_of = container
        .get("CurrentState")
        .map(|s| text(s, "State"))
        .unwrap_or_default();
    if state_of != "Running" {
        return Err(ApiFailure::new(
            400,
            "IncorrectStatus",
            &format!(
                "The current status of ContainerName:{container_name} does not support this operation."
            ),
        ));
    }
    if sync {
        return Ok(json!({ "SyncResponse": sync_output(&command) }));
    }
    Ok(state.sessions.issue(SessionRecord {
        id: 0,
        token: String::new(),
        container_group_id: group_id.to_owned(),
        container_name: container_name.to_owned(),
        command,
        tty,
        stdin,
        connected_unix_ms: None,
        closed_unix_ms: None,
        subprotocol: None,
        frames: Vec::new(),
        stdin_bytes: 0,
    }))
}

/// The fake's deterministic output: for `sh -c "echo TEXT"` (any shell) the text and a
/// newline, otherwise `fake-eci ran: <items joined by spaces>` and a newline.
pub fn sync_output(command: &[String]) -> String {
    if let [shell, flag, script] = command {
        let is_shell = shell
            .rsplit('/')
            .next()
            .is_some_and(|name| name.ends_with("sh"));
        if let Some(echoed) = script
            .strip_prefix("echo ")
            .filter(|_| is_shell && flag == "-c")
        {
            return format!("{echoed}\n");
        }
    }
    format!("fake-eci ran: {}\n", command.join(" "))
}

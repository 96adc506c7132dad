//! The ECI API's values as plain data: what an `ExecContainerCommand` call sends, and what
//! the API describes (instances, containers, regions). Shared by `analysis` (which resolves
//! entries into requests and reads instance lists) and `remote` (which sends and parses them);
//! it imports nothing else of the crate, so neither of those depends on the other.
//!
//! Every response field is optional on the wire: a missing, `null` or mistyped field
//! becomes its default and unknown fields are ignored, because the API adds fields and
//! older responses lack some.

use serde::{Deserialize, Deserializer, Serialize};

/// Deserializes a field as `T`, or `T::default()` when it is `null` or of another type.
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// One container group (ECI instance).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerGroup {
    /// `eci-…`
    #[serde(deserialize_with = "lenient")]
    pub container_group_id: String,
    /// The name given at creation.
    #[serde(deserialize_with = "lenient")]
    pub container_group_name: String,
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Scheduling`, … (`Running` allows exec).
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// Region, e.g. `cn-hangzhou`.
    #[serde(deserialize_with = "lenient")]
    pub region_id: String,
    /// Zone, e.g. `cn-hangzhou-h`.
    #[serde(deserialize_with = "lenient")]
    pub zone_id: String,
    /// Private IP address.
    #[serde(deserialize_with = "lenient")]
    pub intranet_ip: String,
    /// Public IP address, when it has one.
    #[serde(deserialize_with = "lenient")]
    pub internet_ip: String,
    /// RFC 3339 UTC.
    #[serde(deserialize_with = "lenient")]
    pub creation_time: String,
    /// The (non-init) containers.
    #[serde(deserialize_with = "lenient")]
    pub containers: Vec<Container>,
    /// The instance's tags, which selectors match.
    #[serde(deserialize_with = "lenient")]
    pub tags: Vec<Tag>,
}

/// One tag of a container group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    #[serde(deserialize_with = "lenient")]
    pub key: String,
    #[serde(deserialize_with = "lenient")]
    pub value: String,
}

/// A container of a container group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Container {
    /// The name `ContainerName` refers to.
    #[serde(deserialize_with = "lenient")]
    pub name: String,
    /// The image reference.
    #[serde(deserialize_with = "lenient")]
    pub image: String,
    /// Whether it passes its readiness checks.
    #[serde(deserialize_with = "lenient")]
    pub ready: bool,
    /// How many times it restarted.
    #[serde(deserialize_with = "lenient")]
    pub restart_count: i64,
    /// Its current state.
    #[serde(deserialize_with = "lenient")]
    pub current_state: ContainerState,
}

/// A container's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ContainerState {
    /// `Waiting`, `Running` or `Terminated`.
    #[serde(deserialize_with = "lenient")]
    pub state: String,
    /// A finer status, e.g. `working`.
    #[serde(deserialize_with = "lenient")]
    pub detail_status: String,
    /// Why it is in this state.
    #[serde(deserialize_with = "lenient")]
    pub reason: String,
    /// A human-readable message.
    #[serde(deserialize_with = "lenient")]
    pub message: String,
    /// Exit code, when terminated.
    #[serde(deserialize_with = "lenient")]
    pub exit_code: Option<i64>,
    /// When this state began.
    #[serde(deserialize_with = "lenient")]
    pub start_time: String,
    /// When it ended.
    #[serde(deserialize_with = "lenient")]
    pub finish_time: String,
}

/// A region where ECI is offered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Region {
    /// e.g. `cn-hangzhou`.
    #[serde(deserialize_with = "lenient")]
    pub region_id: String,
    /// e.g. `eci.aliyuncs.com`.
    #[serde(deserialize_with = "lenient")]
    pub region_endpoint: String,
}

/// An `ExecContainerCommand` call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecRequest {
    /// Region of the instance.
    pub region_id: String,
    /// The instance, `eci-…`.
    pub container_group_id: String,
    /// The container inside it.
    pub container_name: String,
    /// What to run; sent as compact JSON.
    pub command: Vec<String>,
    /// Interactive terminal.
    pub tty: bool,
    /// Read from standard input (the API's default is true).
    pub stdin: bool,
    /// Run now and return the output in `sync_response`.
    pub sync: bool,
}

/// The `ExecContainerCommand` answer; which fields are present depends on `Sync`. Read in the
/// API's PascalCase; written in camelCase without absent fields, as `eciExec.run` answers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all(serialize = "camelCase", deserialize = "PascalCase"),
    default
)]
pub struct ExecResponse {
    /// The API's request id.
    #[serde(deserialize_with = "lenient")]
    pub request_id: String,
    /// The command's output (Sync calls).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub sync_response: Option<String>,
    /// A WebSocket for an interactive stream (non-Sync calls).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub web_socket_uri: Option<String>,
    /// A console terminal URL, valid for about 30 s (non-Sync calls).
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub http_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leniently() {
        let text = r#"{"ContainerGroupId":"eci-1","Status":null,"Cpu":2.0,"Unknown":{"x":1},
            "Containers":[{"Name":"web","Ready":"yes","RestartCount":3,"CurrentState":{"State":"Running"}}]}"#;
        let group: ContainerGroup = serde_json::from_str(text).unwrap();
        assert_eq!(group.container_group_id, "eci-1");
        assert_eq!(group.status, "");
        assert!(!group.containers[0].ready);
        assert_eq!(group.containers[0].restart_count, 3);
        assert_eq!(group.containers[0].current_state.state, "Running");
        let exec: ExecResponse =
            serde_json::from_str(r#"{"RequestId":"r","SyncResponse":"hi\n"}"#).unwrap();
        assert_eq!(exec.sync_response.as_deref(), Some("hi\n"));
        assert_eq!(exec.http_url, None);
    }
}

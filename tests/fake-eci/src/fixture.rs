//! Container groups to serve: a fixture file of the DescribeContainerGroups shape, or generated.

use std::path::Path;

use serde_json::{Value, json};

/// The fixture shipped with the crate (`fixtures/container-groups.json`): twelve groups in
/// cn-hangzhou, cn-shanghai and ap-southeast-1. Six of them are replicas tagged `app=web`
/// (`web-1` … `web-6`, `eci-bp1fakerep00001` …): `web-1` to `web-4` Running with a running
/// `nginx` (`web-3` tagged `env=staging`, the others `env=prod`), `web-5` Pending, `web-6`
/// Running without `nginx`.
pub const DEFAULT_FIXTURE: &str = include_str!("../fixtures/container-groups.json");

/// The `ContainerGroups` of a DescribeContainerGroups-shaped JSON text.
pub fn parse(text: &str) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("ContainerGroups") {
        Some(Value::Array(groups)) => Ok(groups.clone()),
        _ => Err("no ContainerGroups array".to_owned()),
    }
}

/// Reads a fixture file.
pub fn load(path: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The shipped fixture's groups.
pub fn default_groups() -> Vec<Value> {
    // The fixture is part of the crate and checked by its tests.
    parse(DEFAULT_FIXTURE).unwrap_or_default()
}

/// `count` running groups in `region`, ids `eci-gen000000`, `eci-gen000001`, …, names
/// `generated-0`, …, each with one running container `main` and the tags `app=generated`
/// and `index=N`.
pub fn generate(count: usize, region: &str) -> Vec<Value> {
    (0..count)
        .map(|n| {
            json!({
                "ContainerGroupId": format!("eci-gen{n:06}"),
                "ContainerGroupName": format!("generated-{n}"),
                "Status": "Running",
                "RegionId": region,
                "ZoneId": format!("{region}-a"),
                "IntranetIp": format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256),
                "CreationTime": "2024-06-01T00:00:00Z",
                "Tags": [{"Key": "app", "Value": "generated"}, {"Key": "index", "Value": n.to_string()}],
                "Containers": [{
                    "Name": "main", "Image": "busybox:1.36", "Ready": true, "RestartCount": 0,
                    "CurrentState": {"State": "Running"}
                }]
            })
        })
        .collect()
}

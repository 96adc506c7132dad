//! Settings (section `eciExec`): from initializationOptions and workspace/didChangeConfiguration.
//! Unknown or ill-typed options are collected so the user is told, not silently ignored.

use std::time::Duration;

use serde_json::Value;

use crate::online::{OnlineOptions, fleet};

pub const SECTION: &str = "eciExec";

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub profile: Option<String>,
    /// The region online features use while a file names none.
    pub region_id: Option<String>,
    pub endpoint: Option<String>,
    pub signature_version: String,
    pub confirm_run: bool,
    pub cache_ttl_seconds: u64,
    pub online: bool,
    /// A fleet run with more targets is refused.
    pub max_targets: usize,
    /// Calls of a fleet run in flight at once.
    pub run_concurrency: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            profile: None,
            region_id: None,
            endpoint: None,
            signature_version: "v2".to_owned(),
            confirm_run: true,
            cache_ttl_seconds: 60,
            online: true,
            max_targets: fleet::DEFAULT_MAX_TARGETS,
            run_concurrency: fleet::DEFAULT_CONCURRENCY,
        }
    }
}

impl Settings {
    /// What the online layer needs of these settings.
    pub fn online_options(&self) -> OnlineOptions {
        OnlineOptions {
            enabled: self.online,
            profile: self.profile.clone(),
            endpoint: self.endpoint.clone(),
            signature_version: self.signature_version.clone(),
            cache_ttl: Duration::from_secs(self.cache_ttl_seconds),
        }
    }
}

/// Reads settings from `value`: either the `eciExec` object itself or an object holding it.
/// Returns the settings and a message per problem (unknown option, wrong type).
pub fn parse(value: &Value) -> (Settings, Vec<String>) {
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    let options = match value {
        Value::Object(map) => match map.get(SECTION) {
            Some(Value::Object(section)) => section,
            _ => map,
        },
        Value::Null => return (settings, problems),
        _ => {
            problems.push(format!("{SECTION} settings must be an object"));
            return (settings, problems);
        }
    };
    for (name, value) in options {
        if let Err(problem) = apply(&mut settings, name, value) {
            problems.push(problem);
        }
    }
    (settings, problems)
}

fn apply(settings: &mut Settings, name: &str, value: &Value) -> Result<(), String> {
    let wrong =
        |expected: &str| format!("{SECTION}.{name} must be {expected}; the default is used");
    match name {
        "profile" => settings.profile = optional_string(value).ok_or_else(|| wrong("a string"))?,
        "regionId" => {
            settings.region_id = optional_string(value).ok_or_else(|| wrong("a string"))?
        }
        "endpoint" => {
            settings.endpoint = optional_string(value).ok_or_else(|| wrong("a string"))?
        }
        "signatureVersion" => match value.as_str() {
            Some(version @ ("v2" | "v3")) => settings.signature_version = version.to_owned(),
            _ => return Err(wrong("\"v2\" or \"v3\"")),
        },
        "confirmRun" => {
            settings.confirm_run = value.as_bool().ok_or_else(|| wrong("true or false"))?
        }
        "online" => settings.online = value.as_bool().ok_or_else(|| wrong("true or false"))?,
        "cacheTtlSeconds" => {
            settings.cache_ttl_seconds = value
                .as_u64()
                .ok_or_else(|| wrong("a whole number of seconds"))?
        }
        "maxTargets" => {
            settings.max_targets =
                at_least_one(value).ok_or_else(|| wrong("a whole number of at least 1"))?
        }
        "runConcurrency" => {
            settings.run_concurrency =
                at_least_one(value).ok_or_else(|| wrong("a whole number of at least 1"))?
        }
        // Settings of the editor extensions themselves travel in the same section.
        "server" | "trace" => {}
        _ => return Err(format!("unknown option {SECTION}.{name} is ignored")),
    }
    Ok(())
}

/// A whole number of at least 1.
fn at_least_one(value: &Value) -> Option<usize> {
    value
        .as_u64()
        .filter(|n| *n >= 1)
        .and_then(|n| usize::try_from(n).ok())
}

/// A string, or null/empty for "not set"; `None` for any other type.
fn optional_string(value: &Value) -> Option<Option<String>> {
    match value {
        Value::Null => Some(None),
        Value::String(text) if text.trim().is_empty() => Some(None),
        Value::String(text) => Some(Some(text.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_section_flat_or_nested() {
        let (flat, problems) = parse(&json!({"confirmRun": false, "regionId": "cn-beijing"}));
        assert!(problems.is_empty());
        assert!(!flat.confirm_run);
        let (nested, _) =
            parse(&json!({"eciExec": {"confirmRun": false, "regionId": "cn-beijing"}}));
        assert_eq!(flat, nested);
    }

    #[test]
    fn fleet_limits_are_whole_numbers_of_at_least_one() {
        let (settings, problems) = parse(&json!({"maxTargets": 50, "runConcurrency": 2}));
        assert!(problems.is_empty());
        assert_eq!((settings.max_targets, settings.run_concurrency), (50, 2));
        let (settings, problems) = parse(&json!({"maxTargets": 0, "runConcurrency": 1.5}));
        assert_eq!((settings.max_targets, settings.run_concurrency), (20, 8));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn reports_unknown_and_ill_typed_options() {
        let (settings, problems) =
            parse(&json!({"confirmRun": "no", "colour": "red", "signatureVersion": "v9"}));
        assert!(settings.confirm_run);
        assert_eq!(settings.signature_version, "v2");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("unknown option eciExec.colour"))
        );
    }
}

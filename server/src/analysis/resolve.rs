//! Whether an entry can run, and what is sent: every field resolved through the defaults (the
//! target as one unit: an id, or a selector), and the error diagnostics that forbid running it.
//! The command line and the server both ask here.

use std::fmt;

use super::Analysis;
use super::diagnostic::{Diagnostic, Severity};
use super::hidden::{CONFIRM_CHARS, display_command, escape_hidden};
use super::model::{Entry, Model, Shape, Slot, TargetFields};
use super::selector::Selector;
use super::symbols::entry_name;
use super::tree::Text;
use crate::eci::ExecRequest;

/// Where an entry runs: one instance, or the targets of a selector (resolved at run time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Id(String),
    Selector(Selector),
}

/// An entry that may run: its call, its target, and the names people know it by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedEntry {
    pub index: usize,
    /// The entry's name for menus and results (Label, else container and command).
    pub name: String,
    pub label: Option<String>,
    pub target: Target,
    /// The ExecContainerCommand call, as the file says it: `container_group_id` is the id of a
    /// `Target::Id`, and empty for a selector (see `request_for`).
    pub request: ExecRequest,
}

/// Why an entry does not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The top level is not an object.
    NotExecConfig,
    /// No entry at this index.
    NoEntry(usize),
    /// Error diagnostics in the entry or in the defaults it inherits: `code (message)` each.
    Errors { index: usize, errors: Vec<String> },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotExecConfig => {
                f.write_str("not run: not an exec config (the top level is not an object)")
            }
            Refusal::NoEntry(index) => write!(f, "not run: there is no entry {index} in the file"),
            Refusal::Errors { index, errors } => write!(
                f,
                "not run: entry {index} has errors; fix them first: {}",
                errors.join("; ")
            ),
        }
    }
}

/// The entry at `index` of `Execs` (or the single exec at 0).
pub fn entry(model: &Model, index: usize) -> Option<&Entry> {
    model.entries.iter().find(|entry| entry.index == index)
}

/// The one decision of whether the entry at `index` runs, and the call it makes.
pub fn runnable(analysis: &Analysis, index: usize) -> Result<ResolvedEntry, Refusal> {
    let model = analysis.model.as_ref().ok_or(Refusal::NotExecConfig)?;
    let entry = entry(model, index).ok_or(Refusal::NoEntry(index))?;
    let errors: Vec<String> = blocking_errors(analysis, model, entry)
        .iter()
        .map(|diagnostic| format!("{} ({})", diagnostic.code.as_str(), diagnostic.message))
        .collect();
    // A required field without a usable value always has its error diagnostic; the fallback
    // message only guards against a rule and this function disagreeing.
    match resolve(model, entry) {
        Some(resolved) if errors.is_empty() => Ok(resolved),
        _ => Err(Refusal::Errors {
            index,
            errors: if errors.is_empty() {
                vec!["a required field has no usable value".to_owned()]
            } else {
                errors
            },
        }),
    }
}

/// The error diagnostics that concern `entry`: inside it, or on the defaults it inherits.
fn blocking_errors<'a>(
    analysis: &'a Analysis,
    model: &Model,
    entry: &Entry,
) -> Vec<&'a Diagnostic> {
    analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .filter(|diagnostic| {
            let start = diagnostic.span.start;
            entry.span.touches(start)
                || (model.shape == Shape::Multi
                    && !model.entries.iter().any(|other| other.span.touches(start)))
        })
        .collect()
}

/// The target that `fields` name; `None` when they name none, or a value is unusable (of the
/// wrong type: reported). An id wins over a selector written beside it (`target-conflict`).
pub fn target_of(fields: &TargetFields) -> Option<Target> {
    if !fields.container_group_id.is_absent() {
        let id = fields.container_group_id.value()?;
        return Some(Target::Id(id.to_string()));
    }
    selector_of(fields).map(Target::Selector)
}

/// The selector that `fields` write, an id beside it or not; `None` when they write none, or
/// one of its values is unusable.
pub fn selector_of(fields: &TargetFields) -> Option<Selector> {
    let name = match &fields.container_group_name {
        Slot::Absent => None,
        Slot::Invalid => return None,
        Slot::Value(name, _) => Some(name.to_string()),
    };
    let tags = match &fields.tags {
        Slot::Absent => Vec::new(),
        Slot::Invalid => return None,
        Slot::Value(pairs, _) => pairs
            .iter()
            .map(|pair| Some((pair.key.to_string(), pair.value.value()?.to_string())))
            .collect::<Option<_>>()?,
    };
    (name.is_some() || !fields.tags.is_absent()).then_some(Selector { name, tags })
}

/// The entry's call; `None` when a required field has no usable value.
fn resolve(model: &Model, entry: &Entry) -> Option<ResolvedEntry> {
    let text = |slot: &Slot<Text>| slot.value().map(|text| text.to_string());
    let flag = |slot: &Slot<bool>, default: bool| slot.value().copied().unwrap_or(default);
    let target = target_of(model.target(entry))?;
    let request = ExecRequest {
        region_id: text(model.resolve(entry, |f| &f.region_id).slot)?,
        container_group_id: match &target {
            Target::Id(id) => id.clone(),
            Target::Selector(_) => String::new(),
        },
        container_name: text(model.resolve(entry, |f| &f.container_name).slot)?,
        command: entry
            .own
            .command
            .as_ref()?
            .strings()?
            .into_iter()
            .map(str::to_owned)
            .collect(),
        tty: flag(model.resolve(entry, |f| &f.tty).slot, false),
        stdin: flag(model.resolve(entry, |f| &f.stdin).slot, true),
        sync: flag(model.resolve(entry, |f| &f.sync).slot, false),
    };
    Some(ResolvedEntry {
        index: entry.index,
        name: entry_name(model, entry),
        label: entry.own.label.value().map(|label| label.to_string()),
        target,
        request,
    })
}

impl ResolvedEntry {
    /// The call for one instance: the entry's own for an id target, or one target of its
    /// selector.
    pub fn request_for(&self, container_group_id: &str) -> ExecRequest {
        ExecRequest {
            container_group_id: container_group_id.to_owned(),
            ..self.request.clone()
        }
    }

    /// The question a person answers before the entry runs: what runs, escaped and cut so
    /// that nothing in it acts unseen (`hidden::display_command`).
    pub fn confirmation(&self) -> String {
        let request = &self.request;
        format!(
            "Run `{}` in container {} of {} ({})?{}",
            display_command(&request.command, CONFIRM_CHARS),
            escape_hidden(&request.container_name),
            escape_hidden(&request.container_group_id),
            escape_hidden(&request.region_id),
            if request.sync {
                ""
            } else {
                " It opens an interactive session."
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    const FILE: &str = r#"{
      "RegionId": "cn-hangzhou", "ContainerName": "nginx", "Sync": true,
      "Tags": {"app": "web", "tier": "a"},
      "Execs": [
        {"Command": ["ls"]},
        {"ContainerGroupId": "eci-abc123", "Command": ["ls"]},
        {"ContainerGroupName": "web-*", "Command": ["ls"]},
        {"ContainerGroupId": "eci-abc123", "Tags": {"app": "web"}, "Command": ["ls"]}
      ]
    }"#;

    fn selector(name: Option<&str>, tags: &[(&str, &str)]) -> Target {
        Target::Selector(Selector {
            name: name.map(str::to_owned),
            tags: tags
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
        })
    }

    #[test]
    fn the_target_inherits_as_one_unit() {
        let analysis = analyze(FILE);
        let inherited = runnable(&analysis, 0).expect("runs");
        assert_eq!(
            inherited.target,
            selector(None, &[("app", "web"), ("tier", "a")])
        );
        assert_eq!(inherited.request.container_group_id, "");
        let own_id = runnable(&analysis, 1).expect("runs");
        assert_eq!(own_id.target, Target::Id("eci-abc123".to_owned()));
        assert_eq!(own_id.request.container_group_id, "eci-abc123");
        // Its own name replaces the inherited Tags: the name alone.
        let own_name = runnable(&analysis, 2).expect("runs");
        assert_eq!(own_name.target, selector(Some("web-*"), &[]));
        let conflict = runnable(&analysis, 3).expect_err("refused");
        assert!(
            conflict.to_string().contains("target-conflict"),
            "{conflict}"
        );
    }

    #[test]
    fn a_selector_entry_makes_one_call_per_instance() {
        let analysis = analyze(FILE);
        let entry = runnable(&analysis, 0).expect("runs");
        let call = entry.request_for("eci-web1");
        assert_eq!(call.container_group_id, "eci-web1");
        assert_eq!(
            ExecRequest {
                container_group_id: String::new(),
                ..call
            },
            entry.request
        );
    }

    #[test]
    fn a_selector_with_an_unusable_value_does_not_run() {
        for text in [
            r#"{"RegionId": "cn-hangzhou", "ContainerName": "c1", "Command": ["ls"], "Tags": {"app": 1}}"#,
            r#"{"RegionId": "cn-hangzhou", "ContainerName": "c1", "Command": ["ls"], "Tags": {"": "x"}}"#,
            r#"{"RegionId": "cn-hangzhou", "ContainerName": "c1", "Command": ["ls"], "ContainerGroupName": 1}"#,
        ] {
            assert!(runnable(&analyze(text), 0).is_err(), "{text}");
        }
    }
}

//! A fleet run as the analysis sees it: the instances a selector picked (targets and skipped),
//! whether the run may go (no target, more than the limit), the question the user answers, and
//! the result: each target's outcome in the order shown (failed, skipped, ok; by name within
//! each), the summary, the inlay hint and the hover's sections. Pure: the listing and the calls
//! are `online::fleet`'s.

use serde::{Deserialize, Serialize};

use super::hidden::{CONFIRM_CHARS, display_command, escape_hidden};
use super::run_result::{fenced, fenced_inline, first_output_line, hint_line, plain_text};
use super::selector::{Matches, SkipReason};
use crate::eci::{ContainerGroup, ExecRequest};

/// How many instance names the confirmation shows before `…`.
const NAMES_SHOWN: usize = 3;
/// How many lines of each target's output the hover shows.
const HOVER_LINES: usize = 50;

/// The instances of one fleet run: the targets, and those the selector matched but that cannot
/// run the entry, with the reason. Both in name order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fleet {
    pub targets: Vec<ContainerGroup>,
    pub skipped: Vec<(ContainerGroup, SkipReason)>,
}

impl From<Matches<'_>> for Fleet {
    fn from(matches: Matches<'_>) -> Fleet {
        Fleet {
            targets: matches.targets.into_iter().cloned().collect(),
            skipped: matches
                .skipped
                .into_iter()
                .map(|(group, reason)| (group.clone(), reason))
                .collect(),
        }
    }
}

impl Fleet {
    /// Why the run may not go: no target, or more than `max_targets` (the setting is named
    /// `limit_name` in the message: `maxTargets`, or `--max-targets` on the command line).
    pub fn refusal(
        &self,
        request: &ExecRequest,
        max_targets: usize,
        limit_name: &str,
    ) -> Option<String> {
        let count = self.targets.len();
        if count > max_targets {
            return Some(format!(
                "not run: the selector picks {count} instances in {}, more than {limit_name} \
                 ({max_targets}); narrow the selector or raise {limit_name}",
                escape_hidden(&request.region_id)
            ));
        }
        if count > 0 {
            return None;
        }
        if self.skipped.is_empty() {
            return Some(format!(
                "not run: no instance in {} matches the selector",
                escape_hidden(&request.region_id)
            ));
        }
        let reasons: Vec<String> = self
            .skipped
            .iter()
            .map(|(group, reason)| {
                format!("{}: {reason}", escape_hidden(&group.container_group_name))
            })
            .collect();
        Some(format!(
            "not run: none of the {} matching instances is Running with a container named {} ({})",
            self.skipped.len(),
            escape_hidden(&request.container_name),
            reasons.join("; ")
        ))
    }

    /// The question before the run: what runs, where, on how many and which instances
    /// (``Run `uptime` in nginx on 6 instances in cn-hangzhou (web-1, web-2, web-3, …)?``).
    pub fn confirmation(&self, request: &ExecRequest) -> String {
        let count = self.targets.len();
        let mut names: Vec<String> = self
            .targets
            .iter()
            .take(NAMES_SHOWN)
            .map(|group| escape_hidden(&group.container_group_name))
            .collect();
        if count > NAMES_SHOWN {
            names.push("…".to_owned());
        }
        format!(
            "Run `{}` in {} on {count} instance{} in {} ({})?",
            display_command(&request.command, CONFIRM_CHARS),
            escape_hidden(&request.container_name),
            if count == 1 { "" } else { "s" },
            escape_hidden(&request.region_id),
            names.join(", ")
        )
    }
}

/// The most instances a user picks from, for an entry that runs on one (a terminal, a stream).
pub const PICK_MAX: usize = 10;

impl Fleet {
    /// Why an entry that runs on one instance cannot offer its targets to pick from: none, or
    /// more than `PICK_MAX`.
    pub fn pick_refusal(&self, request: &ExecRequest) -> Option<String> {
        let count = self.targets.len();
        if count > PICK_MAX {
            return Some(format!(
                "not run: the selector picks {count} instances in {}; a terminal or a stream runs \
                 on one: narrow the selector to at most {PICK_MAX} to pick from",
                escape_hidden(&request.region_id)
            ));
        }
        self.refusal(request, usize::MAX, "")
    }

    /// The question that offers the targets to pick from, and one title per target (its name,
    /// with its id when another target has the same name).
    pub fn pick_question(&self, request: &ExecRequest) -> (String, Vec<String>) {
        let question = format!(
            "Run `{}` in {} on which of {} instances in {}? It opens an interactive session.",
            display_command(&request.command, CONFIRM_CHARS),
            escape_hidden(&request.container_name),
            self.targets.len(),
            escape_hidden(&request.region_id),
        );
        let names = self.targets.iter().map(|group| &group.container_group_name);
        let titles = self
            .targets
            .iter()
            .map(|group| {
                let name = &group.container_group_name;
                let shared = names.clone().filter(|other| *other == name).count() > 1;
                if shared || name.is_empty() {
                    escape_hidden(&format!("{name} ({})", group.container_group_id))
                } else {
                    escape_hidden(name)
                }
            })
            .collect();
        (question, titles)
    }
}

/// A target's outcome; the order of the variants is the order results are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetStatus {
    Failed,
    Skipped,
    Ok,
}

/// One target of a run, in the shape `eciExec.run`, `eciExec/runResult` and `run --format json`
/// give it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetResult {
    pub container_group_id: String,
    /// Known for the instances of a selector; an entry that names its id lists nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_group_name: Option<String>,
    pub status: TargetStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The command's output (capped).
    #[serde(rename = "syncResponse", skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// `Code: Message` of a failed call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The error's code alone, for the inlay hint.
    #[serde(skip)]
    pub error_code: Option<String>,
    /// Why a skipped instance did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl TargetResult {
    /// An instance the call was not made for.
    pub fn skipped(group: &ContainerGroup, reason: String) -> TargetResult {
        TargetResult {
            container_group_id: group.container_group_id.clone(),
            container_group_name: Some(group.container_group_name.clone()),
            status: TargetStatus::Skipped,
            request_id: None,
            output: None,
            error: None,
            error_code: None,
            reason: Some(reason),
        }
    }

    /// The name results show: the instance's name, else its id.
    pub fn name(&self) -> &str {
        self.container_group_name
            .as_deref()
            .filter(|name| !name.is_empty())
            .unwrap_or(&self.container_group_id)
    }
}

/// How many targets ended each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub ok: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// A fleet run's result.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetRun {
    /// Failed, then skipped, then ok; by name within each.
    pub targets: Vec<TargetResult>,
    /// How many instances the run was to call (its targets, not the instances skipped).
    pub planned: usize,
    /// Whether the run was cancelled before every call was made.
    pub cancelled: bool,
}

impl FleetRun {
    /// The result of `targets` (any order), of a run that was to call `planned` instances.
    pub fn new(mut targets: Vec<TargetResult>, planned: usize, cancelled: bool) -> FleetRun {
        targets.sort_by(|left, right| {
            (left.status, left.name(), &left.container_group_id).cmp(&(
                right.status,
                right.name(),
                &right.container_group_id,
            ))
        });
        FleetRun {
            targets,
            planned,
            cancelled,
        }
    }

    pub fn summary(&self) -> Summary {
        let count = |status| self.targets.iter().filter(|t| t.status == status).count();
        Summary {
            ok: count(TargetStatus::Ok),
            failed: count(TargetStatus::Failed),
            skipped: count(TargetStatus::Skipped),
        }
    }

    /// `⇒ 5/6 ok · ✗ IncorrectStatus` (the first failed target's code), else
    /// `⇒ 6/6 ok · <first line of the first output>`; ` · cancelled` when it was.
    pub fn hint_label(&self) -> String {
        let ok = self.summary().ok;
        let failed = self
            .targets
            .iter()
            .find(|target| target.status == TargetStatus::Failed);
        let detail = match failed {
            Some(failed) => format!(
                "✗ {}",
                hint_line(failed.error_code.as_deref().unwrap_or("Error"))
            ),
            None => self
                .targets
                .iter()
                .filter(|target| target.status == TargetStatus::Ok)
                .find_map(|target| first_output_line(target.output.as_deref()?))
                .map_or_else(|| "(no output)".to_owned(), |(line, _)| line),
        };
        let mut label = format!("⇒ {ok}/{} ok · {detail}", self.planned);
        if self.cancelled {
            label.push_str(" · cancelled");
        }
        label
    }

    /// The hover: a summary line, then one section per target (name, id, ✓/✗, its output or
    /// error as text, at most 50 lines with the count of the rest).
    pub fn hover_markdown(&self, stale: bool) -> String {
        let Summary {
            ok,
            failed,
            skipped,
        } = self.summary();
        let mut text = format!(
            "**Last run** on {} instance{}: {ok} ok, {failed} failed, {skipped} skipped{}{}\n",
            self.planned,
            if self.planned == 1 { "" } else { "s" },
            if self.cancelled { " (cancelled)" } else { "" },
            if stale {
                " (the entry has changed since)"
            } else {
                ""
            }
        );
        for target in &self.targets {
            let mark = match target.status {
                TargetStatus::Ok => "✓",
                TargetStatus::Failed => "✗",
                TargetStatus::Skipped => "–",
            };
            // Names and ids are the API's text, a reason can name the file's container: each
            // stays on the target's line, hidden characters shown as escapes.
            text.push_str(&format!(
                "\n{mark} {} {}",
                fenced_inline(&escape_hidden(target.name())),
                fenced_inline(&escape_hidden(&target.container_group_id))
            ));
            if let Some(reason) = &target.reason {
                text.push_str(&format!(" skipped: {}", escape_hidden(reason)));
            }
            text.push('\n');
            if let Some(body) = target.error.as_deref().or(target.output.as_deref()) {
                text.push_str(&fenced(&first_lines(&plain_text(body), HOVER_LINES)));
            }
        }
        text
    }
}

/// The first `max` lines of `text`, and a line counting the rest.
fn first_lines(text: &str, max: usize) -> String {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.len() <= max {
        return text.to_owned();
    }
    format!(
        "{}\n… {} more lines",
        lines[..max].join("\n"),
        lines.len() - max
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str) -> ContainerGroup {
        ContainerGroup {
            container_group_id: format!("eci-{}", name.replace('-', "")),
            container_group_name: name.to_owned(),
            status: "Running".to_owned(),
            ..ContainerGroup::default()
        }
    }

    fn request() -> ExecRequest {
        ExecRequest {
            region_id: "cn-hangzhou".to_owned(),
            container_name: "nginx".to_owned(),
            command: vec!["uptime".to_owned()],
            sync: true,
            ..ExecRequest::default()
        }
    }

    fn ok(name: &str, output: &str) -> TargetResult {
        TargetResult {
            status: TargetStatus::Ok,
            output: Some(output.to_owned()),
            request_id: Some(format!("R-{name}")),
            reason: None,
            ..TargetResult::skipped(&group(name), String::new())
        }
    }

    fn failed(name: &str, code: &str) -> TargetResult {
        TargetResult {
            status: TargetStatus::Failed,
            error: Some(format!("{code}: it failed")),
            error_code: Some(code.to_owned()),
            reason: None,
            ..TargetResult::skipped(&group(name), String::new())
        }
    }

    #[test]
    fn the_confirmation_names_the_count_and_the_first_names() {
        let fleet = Fleet {
            targets: ["web-1", "web-2", "web-3", "web-4", "web-5", "web-6"]
                .map(group)
                .to_vec(),
            skipped: Vec::new(),
        };
        assert_eq!(
            fleet.confirmation(&request()),
            "Run `uptime` in nginx on 6 instances in cn-hangzhou (web-1, web-2, web-3, …)?"
        );
        let one = Fleet {
            targets: vec![group("web\u{202e}-1")],
            skipped: Vec::new(),
        };
        assert_eq!(
            one.confirmation(&request()),
            "Run `uptime` in nginx on 1 instance in cn-hangzhou (web\\u202e-1)?"
        );
    }

    #[test]
    fn no_target_or_too_many_refuses_and_says_why() {
        let none = Fleet::default();
        assert_eq!(
            none.refusal(&request(), 20, "maxTargets").as_deref(),
            Some("not run: no instance in cn-hangzhou matches the selector")
        );
        let all_skipped = Fleet {
            targets: Vec::new(),
            skipped: vec![(group("web-5"), SkipReason::NotRunning("Pending".to_owned()))],
        };
        assert_eq!(
            all_skipped.refusal(&request(), 20, "maxTargets").as_deref(),
            Some(
                "not run: none of the 1 matching instances is Running with a container named \
                 nginx (web-5: status is Pending, not Running)"
            )
        );
        let three = Fleet {
            targets: ["a", "b", "c"].map(group).to_vec(),
            skipped: Vec::new(),
        };
        assert_eq!(three.refusal(&request(), 3, "maxTargets"), None);
        let refusal = three.refusal(&request(), 2, "--max-targets").unwrap();
        assert!(
            refusal.contains("picks 3 instances in cn-hangzhou, more than --max-targets (2)"),
            "{refusal}"
        );
    }

    #[test]
    fn more_than_ten_to_pick_from_refuses_and_equal_names_get_their_ids() {
        let mut fleet = Fleet {
            targets: ["web-1", "web-2", "web-1"].map(group).to_vec(),
            skipped: Vec::new(),
        };
        fleet.targets[2].container_group_id = "eci-other".to_owned();
        assert_eq!(fleet.pick_refusal(&request()), None);
        let (question, titles) = fleet.pick_question(&request());
        assert_eq!(
            question,
            "Run `uptime` in nginx on which of 3 instances in cn-hangzhou? It opens an \
             interactive session."
        );
        assert_eq!(titles, ["web-1 (eci-web1)", "web-2", "web-1 (eci-other)"]);
        fleet.targets = (0..11).map(|n| group(&format!("web-{n}"))).collect();
        let refusal = fleet.pick_refusal(&request()).unwrap();
        assert!(refusal.contains("picks 11 instances"), "{refusal}");
        assert!(Fleet::default().pick_refusal(&request()).is_some());
    }

    #[test]
    fn results_go_failed_skipped_ok_by_name_and_the_hint_names_the_first_failure() {
        let run = FleetRun::new(
            vec![
                ok("web-2", "up 2 days\nload 0.1\n"),
                failed("web-4", "IncorrectStatus"),
                TargetResult::skipped(&group("web-5"), "status is Pending, not Running".to_owned()),
                ok("web-1", "\n  up 3 days  \n"),
                failed("web-3", "Throttling.User"),
            ],
            4,
            false,
        );
        let order: Vec<&str> = run.targets.iter().map(TargetResult::name).collect();
        assert_eq!(order, ["web-3", "web-4", "web-5", "web-1", "web-2"]);
        assert_eq!(
            run.summary(),
            Summary {
                ok: 2,
                failed: 2,
                skipped: 1
            }
        );
        assert_eq!(run.hint_label(), "⇒ 2/4 ok · ✗ Throttling.User");
        let fine = FleetRun::new(
            vec![ok("web-2", "b\n"), ok("web-1", "\n  up 3 days  \n")],
            2,
            false,
        );
        assert_eq!(fine.hint_label(), "⇒ 2/2 ok · up 3 days");
        let cancelled = FleetRun::new(vec![ok("web-1", "")], 4, true);
        assert_eq!(cancelled.hint_label(), "⇒ 1/4 ok · (no output) · cancelled");
    }

    /// Names and ids come from the API, a skip reason names the file's container: a line
    /// break in any of them must not start a line (or a fence) of its own in the hover, nor a
    /// control character end up in the hint (found by fuzzing).
    #[test]
    fn what_a_target_is_called_stays_on_its_line() {
        let mut odd = failed("web-1", "Incorrect\tStatus\nmore");
        odd.container_group_name = Some("web\n```\n# title\u{202e}".to_owned());
        let mut skipped =
            TargetResult::skipped(&group("web-2"), "no container named a\n\nb".to_owned());
        skipped.container_group_id = "eci-\n[link](https://example.invalid)".to_owned();
        let run = FleetRun::new(vec![odd, skipped], 1, false);
        let hover = run.hover_markdown(false);
        assert!(
            hover.contains("\n✗ ```` web\\n```\\n# title\\u202e ```` ` eci-web1 `\n"),
            "{hover}"
        );
        assert!(
            hover.contains(
                "\n– ` web-2 ` ` eci-\\n[link](https://example.invalid) ` skipped: no container named a\\n\\nb\n"
            ),
            "{hover}"
        );
        assert_eq!(run.hint_label(), "⇒ 0/1 ok · ✗ Incorrect Status");
    }

    #[test]
    fn the_hover_has_one_section_per_target_with_at_most_fifty_lines() {
        let long: String = (1..=60).map(|n| format!("line {n}\n")).collect();
        let run = FleetRun::new(
            vec![
                ok("web-1", &long),
                failed("web-2", "IncorrectStatus"),
                ok("web-3", "````\n"),
                TargetResult::skipped(&group("web-5"), "status is Pending, not Running".to_owned()),
            ],
            3,
            false,
        );
        let hover = run.hover_markdown(true);
        assert!(
            hover.starts_with(
                "**Last run** on 3 instances: 2 ok, 1 failed, 1 skipped (the entry has changed since)\n"
            ),
            "{hover}"
        );
        assert!(
            hover
                .contains("\n✗ ` web-2 ` ` eci-web2 `\n```text\nIncorrectStatus: it failed\n```\n"),
            "{hover}"
        );
        assert!(
            hover.contains("\n– ` web-5 ` ` eci-web5 ` skipped: status is Pending, not Running\n"),
            "{hover}"
        );
        assert!(hover.contains("line 50\n… 10 more lines\n```\n"), "{hover}");
        assert!(!hover.contains("line 51"));
        assert!(hover.contains("\n`````text\n````\n`````\n"), "{hover}");
    }
}

//! `eci-exec-lsp run`: runs Sync entries of a file (one, or `--all` in file order) on their
//! targets (the instance an entry names, or every target of its selector, as `online::fleet`
//! runs fleets) and prints what the API answered, as text or one JSON object per target per
//! line. Every entry is resolved and every selector listed before anything runs, so a refused
//! run sends nothing. Exit 0 when every target succeeded, 1 when any failed (or the API could
//! not be asked), 2 when a run was refused or the command line is unusable.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::ApiArgs;
use super::check::Format;
use super::entry::{self, Selector};
use crate::analysis::fleet::{Fleet, FleetRun, TargetResult, TargetStatus};
use crate::analysis::resolve::{self, ResolvedEntry, Target};
use crate::analysis::symbols::entry_name;
use crate::analysis::{self, Analysis};
use crate::eci::ContainerGroup;
use crate::online::fleet::{self, DEFAULT_CONCURRENCY, Pacer};
use crate::remote::{EciClient, SetupError};

/// Which entries to run.
pub enum Which<'a> {
    /// One entry (`--label`, `--index`, or the file's only one).
    One(Selector<'a>),
    /// Every Sync entry, in file order.
    All,
}

pub fn run(
    api: &ApiArgs,
    which: Which<'_>,
    format: Format,
    max_targets: usize,
    path: &Path,
) -> ExitCode {
    let entries = match chosen_entries(which, path) {
        Ok(entries) => entries,
        Err(message) => return fail(&format!("{}: {message}", path.display()), 2),
    };
    let client = match api.client() {
        Ok(client) => client,
        Err(error @ SetupError::Credentials(_)) => return fail(&error.to_string(), 1),
        Err(error) => return fail(&error.to_string(), 2),
    };
    let runtime = match super::runtime() {
        Ok(runtime) => runtime,
        Err(message) => return fail(&message, 2),
    };
    runtime.block_on(run_entries(&client, entries, format, max_targets, path))
}

fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(code)
}

/// The entries to run, each allowed to run: errors and non-Sync entries are refused (with
/// `--all`, a non-Sync entry is left out and said so).
fn chosen_entries(which: Which<'_>, path: &Path) -> Result<Vec<ResolvedEntry>, String> {
    let selector = match which {
        Which::One(selector) => selector,
        Which::All => {
            let text =
                std::fs::read_to_string(path).map_err(|error| format!("cannot read: {error}"))?;
            return all_sync_entries(&analysis::analyze(&text));
        }
    };
    let entry = entry::resolve(selector, path)?;
    if !entry.request.sync {
        return Err(format!(
            "not run: `{}` is not a Sync entry; it opens a session: use `eci-exec-lsp exec`",
            entry.name
        ));
    }
    Ok(vec![entry])
}

fn all_sync_entries(analysis: &Analysis) -> Result<Vec<ResolvedEntry>, String> {
    let model = analysis
        .model
        .as_ref()
        .ok_or("not an exec config: the top level is not an object")?;
    let mut entries = Vec::new();
    for entry in &model.entries {
        let sync = model.resolve(entry, |f| &f.sync).slot.value() == Some(&true);
        if !sync {
            eprintln!(
                "entry {} ({}) is not a Sync entry: not run",
                entry.index,
                entry_name(model, entry)
            );
            continue;
        }
        entries.push(resolve::runnable(analysis, entry.index).map_err(|r| r.to_string())?);
    }
    if entries.is_empty() {
        return Err("not run: the file has no Sync entry".to_owned());
    }
    Ok(entries)
}

/// Plans every entry (listing each selector), then runs them in order and prints each.
async fn run_entries(
    client: &EciClient,
    entries: Vec<ResolvedEntry>,
    format: Format,
    max_targets: usize,
    path: &Path,
) -> ExitCode {
    let mut plans = Vec::with_capacity(entries.len());
    for entry in entries {
        let fleet = match &entry.target {
            Target::Id(id) => Fleet {
                targets: vec![ContainerGroup {
                    container_group_id: id.clone(),
                    ..ContainerGroup::default()
                }],
                skipped: Vec::new(),
            },
            Target::Selector(selector) => {
                let fleet = match fleet::find(client, selector, &entry.request).await {
                    Ok(fleet) => fleet,
                    Err(error) => {
                        let message = format!(
                            "{}: entry {}: cannot list the instances: {error}",
                            path.display(),
                            entry.index
                        );
                        return fail(&message, 1);
                    }
                };
                if let Some(refusal) = fleet.refusal(&entry.request, max_targets, "--max-targets") {
                    let message = format!("{}: entry {}: {refusal}", path.display(), entry.index);
                    return fail(&message, 2);
                }
                fleet
            }
        };
        plans.push((entry, fleet));
    }
    let one_instance =
        matches!(plans.as_slice(), [(_, fleet)] if fleet.targets.len() + fleet.skipped.len() == 1);
    let (pacer, never) = (Pacer::default(), CancellationToken::new());
    let mut failed = false;
    for (entry, fleet) in &plans {
        let run = fleet::run(
            client,
            &entry.request,
            fleet,
            DEFAULT_CONCURRENCY,
            &pacer,
            &never,
            |_| {},
        )
        .await;
        failed |= run.summary().failed > 0;
        match format {
            Format::Json => print_json(entry, &run),
            Format::Text => match run.targets.first() {
                Some(only) if one_instance => print_one(only),
                _ => print_sections(entry, &run),
            },
        }
    }
    ExitCode::from(u8::from(failed))
}

/// One line per target: the target's fields with the entry's index and label.
#[allow(clippy::print_stdout)] // The command's output is its report, on stdout.
fn print_json(entry: &ResolvedEntry, run: &FleetRun) {
    #[derive(Serialize)]
    struct Line<'a> {
        index: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<&'a str>,
        #[serde(flatten)]
        target: &'a TargetResult,
    }
    for target in &run.targets {
        let line = Line {
            index: entry.index,
            label: entry.label.as_deref(),
            target,
        };
        println!("{}", serde_json::to_string(&line).unwrap_or_default());
    }
}

/// The output as is; an error (`✗ Code: Message`) and the request id on stderr.
#[allow(clippy::print_stdout)]
fn print_one(target: &TargetResult) {
    if let Some(output) = &target.output {
        print!("{output}");
    }
    print_problem(target);
    if let Some(request_id) = &target.request_id {
        eprintln!("request id: {request_id}");
    }
}

/// `=== <name> (<id>) ===` before each target's output; failures and skipped instances on
/// stderr under their line. An entry that names its instance is named by the entry's name.
#[allow(clippy::print_stdout)]
fn print_sections(entry: &ResolvedEntry, run: &FleetRun) {
    for target in &run.targets {
        let name = target
            .container_group_name
            .as_deref()
            .unwrap_or(&entry.name);
        println!("=== {name} ({}) ===", target.container_group_id);
        if let Some(output) = &target.output {
            print!("{output}");
            if !output.is_empty() && !output.ends_with('\n') {
                println!();
            }
        }
        print_problem(target);
    }
}

/// A failure or a skip on stderr, after what stdout holds so far (they share a terminal).
fn print_problem(target: &TargetResult) {
    let problem = match (target.status, &target.error, &target.reason) {
        (TargetStatus::Failed, Some(error), _) => format!("✗ {error}"),
        (TargetStatus::Skipped, _, Some(reason)) => format!("skipped: {reason}"),
        _ => return,
    };
    let _ = std::io::stdout().flush();
    eprintln!("{problem}");
}

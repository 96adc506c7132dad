//! The ways a run starts and shows: a lens on every entry (`▶ Run`, `▶ Run on N instances` for
//! a selector whose region's list is cached, `▶ Open terminal`, `▶ Stream`), the "Run … in …"
//! code action, and the inlay hint with each run's result.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeActionOrCommand, CodeLensParams, InlayHint, InlayHintParams};

use super::region_for;
use crate::analysis::completion::ObjectKind;
use crate::analysis::model::{Entry, Model};
use crate::analysis::resolve::{Target, target_of};
use crate::analysis::run_result;
use crate::analysis::selector::count_instances;
use crate::analysis::symbols::{command_line, entry_name};
use crate::lsp::ext::{EntryKind, LensArgs, RunLens};
use crate::lsp::session::{Session, Snapshot};
use crate::lsp::{from_proto, to_proto};

/// The arguments that start `entry`: which entry, its name, and how it runs (from its flags
/// as inherited).
fn lens_args(snapshot: &Snapshot, model: &Model, entry: &Entry) -> LensArgs {
    let flag = |value: Option<&bool>| value.copied().unwrap_or(false);
    LensArgs {
        uri: snapshot.uri.clone(),
        index: entry.index,
        name: entry_name(model, entry),
        kind: EntryKind::of(
            flag(model.resolve(entry, |f| &f.sync).slot.value()),
            flag(model.resolve(entry, |f| &f.tty).slot.value()),
        ),
    }
}

/// A lens per entry (served by `direct.rs`: the answer is serialised without a `Value` tree).
pub async fn code_lens(session: &Session, params: CodeLensParams) -> Result<Option<Vec<RunLens>>> {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(Some(Vec::new()));
    };
    let Some(model) = snapshot.analysis().model.as_ref() else {
        return Ok(Some(Vec::new()));
    };
    let lenses = model
        .entries
        .iter()
        .map(|entry| {
            let args = lens_args(&snapshot, model, entry);
            let title = match selector_targets(session, model, entry) {
                Some(count) if args.kind == EntryKind::Run => {
                    format!("▶ Run on {}", count_instances(count))
                }
                _ => args.kind.lens_title().to_owned(),
            };
            to_proto::code_lens(&snapshot, entry.span.start, title, args)
        })
        .collect();
    Ok(Some(lenses))
}

/// How many targets the entry's selector has in its region's cached list (`None`: not a
/// selector, or no list yet).
fn selector_targets(session: &Session, model: &Model, entry: &Entry) -> Option<usize> {
    let Some(Target::Selector(selector)) = target_of(model.target(entry)) else {
        return None;
    };
    let container = model.resolve(entry, |f| &f.container_name).slot.value()?;
    let region = region_for(session, model, ObjectKind::Entry(entry.index))?;
    let groups = session.online.groups(&region)?;
    Some(selector.select(&groups, container).targets.len())
}

/// `Run <Label, else the command> in <ContainerName>` for the entry holding `offset`.
pub fn run_action(snapshot: &Snapshot, offset: usize) -> Option<CodeActionOrCommand> {
    let model = snapshot.analysis().model.as_ref()?;
    let entry = model
        .entries
        .iter()
        .find(|entry| entry.span.contains(offset))?;
    let what = entry
        .own
        .label
        .value()
        .map(|label| label.to_string())
        .or_else(|| command_line(entry))
        .unwrap_or_else(|| format!("entry {}", entry.index));
    let container = model
        .resolve(entry, |f| &f.container_name)
        .slot
        .value()
        .map_or_else(|| "?".to_owned(), |name| name.to_string());
    Some(to_proto::run_action(
        format!("Run {what} in {container}"),
        &lens_args(snapshot, model, entry),
    ))
}

/// Each run's result at the end of its entry's Command line, within the requested range.
pub async fn inlay_hint(
    session: &Session,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let records = session.runs.records(&params.text_document.uri);
    if records.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(Some(Vec::new()));
    };
    let wanted = from_proto::span(&snapshot, params.range);
    let (analysis, text) = (snapshot.analysis(), snapshot.text());
    let mut hints: Vec<(usize, String)> = records
        .into_iter()
        .filter_map(|(index, record)| {
            let offset = run_result::hint_offset(analysis, text, index)?;
            let stale = run_result::is_stale(analysis, text, index, &record);
            wanted
                .touches(offset)
                .then(|| (offset, run_result::hint_label(&record, stale)))
        })
        .collect();
    hints.sort_by_key(|(offset, _)| *offset);
    Ok(Some(
        hints
            .into_iter()
            .map(|(offset, label)| to_proto::inlay_hint(&snapshot, offset, label))
            .collect(),
    ))
}

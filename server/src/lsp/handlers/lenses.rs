//! The ways a run starts and shows: a lens on every entry (`▶ Run`, `▶ Run on N instances` for
//! a selector whose region's list is cached, `▶ Open terminal`, `▶ Stream`), the "Run … in …"
//! code action, and the inlay hint with each run's result.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeActionOrCommand, CodeLensParams, InlayHint, InlayHintParams};

use super::fallback_region;
use crate::analysis::instances::status_badge;
use crate::analysis::model::{Entry, Model};
use crate::analysis::resolve::selector_of;
use crate::analysis::run_result;
use crate::analysis::selector::count_instances;
use crate::analysis::symbols::{command_line, entry_name};
use crate::eci::ContainerGroup;
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

/// A lens per entry, with its instance's status from the cached lists (served by `direct.rs`:
/// the answer is serialised without a `Value` tree).
pub async fn code_lens(session: &Session, params: CodeLensParams) -> Result<Option<Vec<RunLens>>> {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(Some(Vec::new()));
    };
    let Some(model) = snapshot.analysis().model.as_ref() else {
        return Ok(Some(Vec::new()));
    };
    let mut lists = Lists::new(session);
    let lenses = model
        .entries
        .iter()
        .map(|entry| {
            let args = lens_args(&snapshot, model, entry);
            let title = lists.title(model, entry, args.kind);
            to_proto::code_lens(&snapshot, entry.span.start, title, args)
        })
        .collect();
    Ok(Some(lenses))
}

/// The cached instance lists, each region's read once per request, and what a lens says of
/// them.
struct Lists<'a> {
    session: &'a Session,
    /// Online features at all (`eciExec.online`).
    online: bool,
    /// The region of entries that name none (the `regionId` setting, else the profile's).
    fallback_region: Option<String>,
    by_region: HashMap<String, Option<Indexed>>,
}

/// A region's cached list, with where each id is in it.
struct Indexed {
    groups: Arc<Vec<ContainerGroup>>,
    by_id: HashMap<String, usize>,
}

impl<'a> Lists<'a> {
    fn new(session: &'a Session) -> Self {
        Lists {
            session,
            online: session.settings().online,
            fallback_region: fallback_region(session),
            by_region: HashMap::new(),
        }
    }

    /// The lens title of `entry`: its kind's, with the status of the instance it names by id,
    /// or, for a Sync entry with a selector, the count of its targets (`▶ Run on 6
    /// instances`), when its region's list is cached.
    fn title(&mut self, model: &Model, entry: &Entry, kind: EntryKind) -> String {
        let plain = kind.lens_title();
        let Some(list) = self.list(model, entry) else {
            return plain.to_owned();
        };
        let target = model.target(entry);
        if let Some(id) = target.container_group_id.value() {
            return match list.by_id.get(&**id) {
                Some(&at) => format!("{plain} · {}", status_badge(&list.groups[at].status)),
                None => plain.to_owned(),
            };
        }
        let container = model.resolve(entry, |f| &f.container_name).slot.value();
        match (selector_of(target), container) {
            (Some(selector), Some(container))
                if kind == EntryKind::Run && target.container_group_id.is_absent() =>
            {
                let targets = selector.select(&list.groups, container).targets.len();
                format!("▶ Run on {}", count_instances(targets))
            }
            _ => plain.to_owned(),
        }
    }

    /// The cached list of the entry's region, when there is one.
    fn list(&mut self, model: &Model, entry: &Entry) -> Option<&Indexed> {
        if !self.online {
            return None;
        }
        let region = model
            .resolve(entry, |f| &f.region_id)
            .slot
            .value()
            .map(|region| region.to_string())
            .or_else(|| self.fallback_region.clone())?;
        let session = self.session;
        self.by_region
            .entry(region)
            .or_insert_with_key(|region| {
                let groups = session.online.groups(region)?.groups;
                let by_id = groups
                    .iter()
                    .enumerate()
                    .map(|(at, group)| (group.container_group_id.clone(), at))
                    .collect();
                Some(Indexed { groups, by_id })
            })
            .as_ref()
    }
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

//! Hover: a field's documentation; on an instance id, the instance, and on a selector, the
//! instances it matches (from the cache); on a Command member, the last run's output above the
//! docs.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverParams};

use super::{ensure_groups, region_for};
use crate::analysis::completion::ObjectKind;
use crate::analysis::hover::{self, HoverTarget};
use crate::analysis::{fields, instances, resolve, run_result};
use crate::lsp::session::{Session, Snapshot};
use crate::lsp::{from_proto, to_proto};

pub async fn hover(session: &Arc<Session>, params: HoverParams) -> Result<Option<Hover>> {
    let position = params.text_document_position_params;
    let Some(snapshot) = session.snapshot(&position.text_document.uri).await else {
        return Ok(None);
    };
    let offset = from_proto::offset(&snapshot, position.position);
    let Some(target) = hover::target(snapshot.analysis(), offset) else {
        return Ok(None);
    };
    let extra = match (target.field.name, target.value, target.entry) {
        (fields::CONTAINER_GROUP_ID, Some(_), _) => instance_hover(session, &snapshot, &target),
        (fields::CONTAINER_GROUP_NAME | fields::TAGS, Some(_), _) => {
            selector_hover(session, &snapshot, &target)
        }
        (fields::COMMAND, _, Some(index)) => last_run(session, &snapshot, index),
        _ => None,
    };
    let mut value = hover::field_markdown(&target);
    if let Some(extra) = extra {
        value = format!("{extra}\n\n---\n\n{value}");
    }
    Ok(Some(to_proto::hover(&snapshot, value, target.span)))
}

/// The instance an id names, from the cache (fetched in the background when missing).
fn instance_hover(
    session: &Arc<Session>,
    snapshot: &Snapshot,
    target: &HoverTarget<'_>,
) -> Option<String> {
    let id = target.value?.as_str()?;
    let model = snapshot.analysis().model.as_ref()?;
    let object = target.entry.map_or(ObjectKind::Defaults, ObjectKind::Entry);
    let region = region_for(session, model, object)?;
    ensure_groups(session, std::slice::from_ref(&region));
    let list = session.online.groups(&region)?;
    Some(instances::instance_markdown(
        list.find(id)?,
        list.cached_age(),
    ))
}

/// What the selector written here matches in the cached list, and which are targets of the
/// object's container (fetched in the background when missing).
fn selector_hover(
    session: &Arc<Session>,
    snapshot: &Snapshot,
    target: &HoverTarget<'_>,
) -> Option<String> {
    let model = snapshot.analysis().model.as_ref()?;
    let object = target.entry.map_or(ObjectKind::Defaults, ObjectKind::Entry);
    let own = match target.entry {
        Some(index) => &resolve::entry(model, index)?.own,
        None => &model.defaults,
    };
    let selector = resolve::selector_of(&own.target)?;
    let container = instances::object_value(model, object, |f| &f.container_name);
    let region = region_for(session, model, object)?;
    ensure_groups(session, std::slice::from_ref(&region));
    let list = session.online.groups(&region)?;
    Some(instances::selector_markdown(
        &selector,
        &list.groups,
        container.as_deref(),
        &region,
        list.cached_age(),
        list.complete,
    ))
}

/// The entry's last run, in full.
fn last_run(session: &Session, snapshot: &Snapshot, index: usize) -> Option<String> {
    let record = session.runs.record(&snapshot.uri, index)?;
    let stale = run_result::is_stale(snapshot.analysis(), snapshot.text(), index, &record);
    Some(run_result::hover_markdown(&record, stale))
}

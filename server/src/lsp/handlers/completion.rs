//! Completion: field names, booleans and regions offline; online, instance ids, names, tag
//! keys and values, containers and the API's regions from the cache (a missing list is
//! fetched in the background and the answer says it is incomplete; completion never waits on
//! the network).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionParams, CompletionResponse};

use super::{ensure_groups, region_for};
use crate::analysis::completion::{self, Candidate, CompletionContext, ObjectKind, Site};
use crate::analysis::{fields, instances};
use crate::lsp::session::{Session, Snapshot};
use crate::lsp::{from_proto, to_proto};

/// The most items one answer carries.
const MAX_ITEMS: usize = 200;

pub async fn completion(
    session: &Arc<Session>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let position = params.text_document_position;
    let Some(snapshot) = session.snapshot(&position.text_document.uri).await else {
        return Ok(None);
    };
    let offset = from_proto::offset(&snapshot, position.position);
    let Some(context) = completion::context(snapshot.analysis(), snapshot.text(), offset) else {
        return Ok(None);
    };
    // Online candidates replace the offline ones where there are any.
    let (mut candidates, mut is_incomplete) =
        online_candidates(session, &snapshot, &context, offset)
            .unwrap_or_else(|| (completion::offline_candidates(&context), false));
    // Thousands of instances would make every answer slow to build and to show: the best ones
    // are sent, and the client asks again as the user types (which filters them).
    if candidates.len() > MAX_ITEMS {
        candidates.truncate(MAX_ITEMS);
        is_incomplete = true;
    }
    Ok(Some(to_proto::completion(
        &snapshot,
        candidates,
        is_incomplete,
    )))
}

/// Candidates from the API for the cursor's key or value, and whether the list is still loading.
fn online_candidates(
    session: &Arc<Session>,
    snapshot: &Snapshot,
    context: &CompletionContext,
    cursor: usize,
) -> Option<(Vec<Candidate>, bool)> {
    let model = snapshot.analysis().model.as_ref()?;
    let options = session.settings().online_options();
    if !options.enabled {
        return None;
    }
    let object = match &context.site {
        Site::Key { object, .. } | Site::Value { object, .. }
            if matches!(object, ObjectKind::Tags(_)) =>
        {
            *object
        }
        Site::Value { field, .. } if field == fields::REGION_ID => {
            session.online.ensure_regions(&options);
            let regions = session.online.regions()?;
            return Some((instances::region_candidates(&regions, context), false));
        }
        Site::Value { object, field } if INSTANCE_FIELDS.contains(&field.as_str()) => *object,
        _ => return None,
    };
    let region = region_for(session, model, object)?;
    ensure_groups(session, std::slice::from_ref(&region));
    // Until the list is fresh the answer is incomplete: the client asks again as the user types,
    // and gets the pages that have arrived since.
    let loading = !session.online.is_fresh(&region, &options);
    let Some(list) = session.online.groups(&region) else {
        return Some((Vec::new(), true));
    };
    let typed = instances::typed_text(snapshot.text(), context, cursor);
    let (items, left_out) = instances::list_candidates(
        model,
        &list.groups,
        context,
        &typed,
        list.cached_age(),
        MAX_ITEMS,
    )?;
    Some((items, loading || !list.complete || left_out))
}

/// The fields whose values come from the region's instance list.
const INSTANCE_FIELDS: [&str; 3] = [
    fields::CONTAINER_GROUP_ID,
    fields::CONTAINER_GROUP_NAME,
    fields::CONTAINER_NAME,
];

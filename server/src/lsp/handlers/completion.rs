//! Completion: field names, booleans and regions offline; online, instance ids, containers
//! and the API's regions from the cache (a missing list is fetched in the background and the
//! answer says it is incomplete; completion never waits on the network).

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionParams, CompletionResponse};

use super::{ensure_groups, region_for};
use crate::analysis::completion::{self, Candidate, CompletionContext, Site};
use crate::analysis::{fields, instances};
use crate::lsp::session::{Session, Snapshot};
use crate::lsp::{from_proto, to_proto};

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
    let (candidates, is_incomplete) = online_candidates(session, &snapshot, &context, offset)
        .unwrap_or_else(|| (completion::offline_candidates(&context), false));
    Ok(Some(to_proto::completion(
        &snapshot,
        candidates,
        is_incomplete,
    )))
}

/// Candidates from the API for the cursor's value, and whether the list is still loading.
fn online_candidates(
    session: &Arc<Session>,
    snapshot: &Snapshot,
    context: &CompletionContext,
    cursor: usize,
) -> Option<(Vec<Candidate>, bool)> {
    let Site::Value { object, field } = &context.site else {
        return None;
    };
    let model = snapshot.analysis().model.as_ref()?;
    let options = session.settings().online_options();
    if !options.enabled {
        return None;
    }
    if field == fields::REGION_ID {
        session.online.ensure_regions(&options);
        let regions = session.online.regions()?;
        return Some((instances::region_candidates(&regions, context), false));
    }
    if field != fields::CONTAINER_GROUP_ID && field != fields::CONTAINER_NAME {
        return None;
    }
    let region = region_for(session, model, *object)?;
    ensure_groups(session, std::slice::from_ref(&region));
    let loading = !session.online.is_fresh(&region, &options);
    let Some(groups) = session.online.groups(&region) else {
        return Some((Vec::new(), true));
    };
    let items = if field == fields::CONTAINER_GROUP_ID {
        let typed = instances::typed_text(snapshot.text(), context, cursor);
        instances::group_candidates(&groups, context, &typed)
    } else {
        let id = instances::object_target(model, *object)?
            .container_group_id
            .value()?;
        let group = groups
            .iter()
            .find(|group| *group.container_group_id == **id)?;
        instances::container_candidates(group, context)
    };
    Some((items, loading))
}

//! Code actions: the quick fixes and Command rewrites of the analysis, and "Run <entry> in
//! <container>" for editors that show no lenses.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CodeActionParams, CodeActionResponse};

use super::lenses;
use crate::analysis::actions;
use crate::lsp::ext::RUN_ACTION_KIND;
use crate::lsp::session::Session;
use crate::lsp::{from_proto, to_proto};

pub async fn code_action(
    session: &Session,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(Some(Vec::new()));
    };
    let only = params.context.only.as_deref();
    let span = from_proto::span(&snapshot, params.range);
    let mut result: CodeActionResponse = actions::actions(snapshot.analysis(), span)
        .into_iter()
        .filter(|action| from_proto::wanted_kind(only, to_proto::action_kind(action.kind).as_str()))
        .map(|action| to_proto::code_action(&snapshot, action))
        .collect();
    if from_proto::wanted_kind(only, RUN_ACTION_KIND) {
        result.extend(lenses::run_action(&snapshot, span.start));
    }
    Ok(Some(result))
}

//! Selection ranges ("expand selection"), one chain per position asked for.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{SelectionRange, SelectionRangeParams};

use crate::analysis::selection;
use crate::lsp::session::Session;
use crate::lsp::{from_proto, to_proto};

pub async fn selection_range(
    session: &Session,
    params: SelectionRangeParams,
) -> Result<Option<Vec<SelectionRange>>> {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let ranges = params
        .positions
        .into_iter()
        .map(|position| {
            let offset = from_proto::offset(&snapshot, position);
            let spans = selection::selection(snapshot.analysis(), snapshot.text(), offset);
            to_proto::selection_range(&snapshot, &spans)
        })
        .collect();
    Ok(Some(ranges))
}

//! Folding ranges: objects, arrays and comments that span lines.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeParams};

use crate::analysis::folding;
use crate::lsp::session::Session;
use crate::lsp::to_proto;

pub async fn folding_range(
    session: &Session,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>> {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let folds = folding::folds(snapshot.analysis(), snapshot.text());
    Ok(Some(to_proto::folding_ranges(&snapshot, &folds)))
}

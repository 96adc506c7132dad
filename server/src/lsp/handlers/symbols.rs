//! Document symbols: one per entry, so the editor's outline lists the entries.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentSymbolParams, DocumentSymbolResponse};

use crate::analysis::symbols;
use crate::lsp::session::Session;
use crate::lsp::to_proto;

pub async fn document_symbol(
    session: &Session,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snapshot) = session.snapshot(&params.text_document.uri).await else {
        return Ok(None);
    };
    let Some(model) = snapshot.analysis().model.as_ref() else {
        return Ok(None);
    };
    let symbols = symbols::symbols(model);
    Ok(Some(to_proto::document_symbols(&snapshot, symbols)))
}

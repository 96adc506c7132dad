//! Document links: the file's `$schema`, resolved against the document's folder.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{DocumentLink, DocumentLinkParams};

use crate::analysis::links;
use crate::lsp::session::Session;
use crate::lsp::to_proto;

pub async fn document_link(
    session: &Session,
    params: DocumentLinkParams,
) -> Result<Option<Vec<DocumentLink>>> {
    let uri = params.text_document.uri;
    let Some(snapshot) = session.snapshot(&uri).await else {
        return Ok(None);
    };
    let found = links::links(snapshot.analysis(), snapshot.text(), uri.as_str());
    Ok(Some(to_proto::document_links(&snapshot, found)))
}

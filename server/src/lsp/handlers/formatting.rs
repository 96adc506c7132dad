//! Formatting of the whole document or a range: the analysis lays the text out again and
//! answers one edit per changed gap between tokens; a document with a syntax error gets none.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit, Uri,
};

use crate::analysis::diagnostic::Edit;
use crate::analysis::format;
use crate::lsp::session::{Session, Snapshot};
use crate::lsp::{from_proto, to_proto};

pub async fn formatting(
    session: &Session,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let options = from_proto::format_options(&params.options);
    edits(session, &params.text_document.uri, |snapshot| {
        format::format(snapshot.analysis(), snapshot.text(), &options)
    })
    .await
}

pub async fn range_formatting(
    session: &Session,
    params: DocumentRangeFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    let options = from_proto::format_options(&params.options);
    edits(session, &params.text_document.uri, |snapshot| {
        let range = from_proto::span(snapshot, params.range);
        format::format_range(snapshot.analysis(), snapshot.text(), &options, range)
    })
    .await
}

/// The edits `format` gives for the document's current version; none when it has a syntax
/// error (said in the log, since an editor formatting on save would show it on every save).
async fn edits(
    session: &Session,
    uri: &Uri,
    format: impl FnOnce(&Snapshot) -> Option<Vec<Edit>>,
) -> Result<Option<Vec<TextEdit>>> {
    let Some(snapshot) = session.snapshot(uri).await else {
        return Ok(None);
    };
    match format(&snapshot) {
        Some(edits) => Ok(Some(to_proto::text_edits(&snapshot, &edits))),
        None => {
            tracing::info!("not formatted: {} has a syntax error", uri.as_str());
            Ok(Some(Vec::new()))
        }
    }
}

//! The session: everything the handlers share. The open documents, what was negotiated in
//! `initialize` (encoding, delivery, client capabilities, settings), the online state, the
//! runs' results, and the client handle. Handlers read a `Snapshot` of one document version.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use super::capabilities::ClientFlags;
use super::config::Settings;
use super::documents::{Analyzed, Documents};
use crate::analysis::run_result::RunRecord;
use crate::online::Online;
use crate::position::Encoding;

/// What `initialize` settled, then only read (settings also change with the configuration).
#[derive(Default)]
pub struct Negotiated {
    pub encoding: Encoding,
    pub pull_diagnostics: bool,
    pub flags: ClientFlags,
    pub settings: Settings,
    /// Problems found in the settings, told to the user once the session is up.
    pub setting_problems: Vec<String>,
}

pub struct Session {
    pub client: Client,
    pub documents: Arc<Documents>,
    negotiated: Arc<Mutex<Negotiated>>,
    pub online: Arc<Online>,
    pub runs: RunStore,
    /// Serialises publishing so a stale version check and its publish cannot interleave.
    pub publish_gate: tokio::sync::Mutex<()>,
    progress_ids: AtomicU64,
}

/// One analysed version of a document, with the encoding its positions use.
pub struct Snapshot {
    pub uri: Uri,
    pub analyzed: Arc<Analyzed>,
    pub encoding: Encoding,
}

impl Session {
    pub fn new(
        client: Client,
        documents: Arc<Documents>,
        negotiated: Arc<Mutex<Negotiated>>,
    ) -> Self {
        Session {
            client,
            documents,
            negotiated,
            online: Arc::default(),
            runs: RunStore::default(),
            publish_gate: tokio::sync::Mutex::default(),
            progress_ids: AtomicU64::default(),
        }
    }

    pub fn negotiated(&self) -> MutexGuard<'_, Negotiated> {
        self.negotiated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn encoding(&self) -> Encoding {
        self.negotiated().encoding
    }

    pub fn pulls_diagnostics(&self) -> bool {
        self.negotiated().pull_diagnostics
    }

    pub fn flags(&self) -> ClientFlags {
        self.negotiated().flags
    }

    pub fn settings(&self) -> Settings {
        self.negotiated().settings.clone()
    }

    pub fn next_progress_id(&self) -> u64 {
        self.progress_ids.fetch_add(1, Ordering::Relaxed)
    }

    /// The current version of `uri`, analysed (waiting for the analysis, never for the network).
    pub async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let analyzed = self.documents.analyzed(uri).await?;
        Some(Snapshot {
            uri: uri.clone(),
            analyzed,
            encoding: self.encoding(),
        })
    }
}

impl Snapshot {
    pub fn analysis(&self) -> &crate::analysis::Analysis {
        &self.analyzed.analysis
    }

    pub fn text(&self) -> &str {
        &self.analyzed.text
    }
}

/// Run results per document and entry.
#[derive(Default)]
pub struct RunStore {
    records: Mutex<HashMap<Uri, HashMap<usize, RunRecord>>>,
}

impl RunStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<Uri, HashMap<usize, RunRecord>>> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn store(&self, uri: Uri, index: usize, record: RunRecord) {
        self.lock().entry(uri).or_default().insert(index, record);
    }

    pub fn forget(&self, uri: &Uri) {
        self.lock().remove(uri);
    }

    pub fn records(&self, uri: &Uri) -> HashMap<usize, RunRecord> {
        self.lock().get(uri).cloned().unwrap_or_default()
    }

    pub fn record(&self, uri: &Uri, index: usize) -> Option<RunRecord> {
        self.lock().get(uri)?.get(&index).cloned()
    }
}

//! The session: everything the handlers share. The open documents, what was negotiated in
//! `initialize` (encoding, delivery, client capabilities, settings), the online state, the
//! runs' results, and the client handle. Handlers read a `Snapshot` of one document version.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio_util::sync::CancellationToken;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use super::capabilities::ClientFlags;
use super::config::Settings;
use super::documents::{Analyzed, Documents};
use crate::analysis::run_result::RunRecord;
use crate::online::Online;
use crate::online::fleet::Pacer;
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
    /// Paces the starts of every fleet run of the session (the API's limit is the account's).
    pub pacer: Pacer,
    /// The runs that a `window/workDoneProgress/cancel` of their progress token cancels.
    cancellable: Mutex<HashMap<String, CancellationToken>>,
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
            pacer: Pacer::default(),
            cancellable: Mutex::default(),
        }
    }

    pub fn negotiated(&self) -> MutexGuard<'_, Negotiated> {
        lock(&self.negotiated)
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

    /// Lets a `window/workDoneProgress/cancel` of `token` cancel `run`, until `forget_progress`.
    pub fn cancel_with_progress(&self, token: String, run: CancellationToken) {
        lock(&self.cancellable).insert(token, run);
    }

    pub fn forget_progress(&self, token: &str) {
        lock(&self.cancellable).remove(token);
    }

    /// Cancels the run whose progress is `token`, if it is still under way.
    pub fn cancel_progress(&self, token: &str) {
        if let Some(run) = lock(&self.cancellable).get(token) {
            run.cancel();
        }
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

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Run results per document and entry, shared (a fleet's can be large) rather than copied.
#[derive(Default)]
pub struct RunStore {
    records: Mutex<HashMap<Uri, HashMap<usize, Arc<RunRecord>>>>,
}

impl RunStore {
    pub fn store(&self, uri: Uri, index: usize, record: Arc<RunRecord>) {
        lock(&self.records)
            .entry(uri)
            .or_default()
            .insert(index, record);
    }

    pub fn forget(&self, uri: &Uri) {
        lock(&self.records).remove(uri);
    }

    pub fn records(&self, uri: &Uri) -> HashMap<usize, Arc<RunRecord>> {
        lock(&self.records).get(uri).cloned().unwrap_or_default()
    }

    pub fn record(&self, uri: &Uri, index: usize) -> Option<Arc<RunRecord>> {
        lock(&self.records).get(uri)?.get(&index).cloned()
    }
}

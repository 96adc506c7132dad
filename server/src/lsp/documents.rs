//! Open documents: text (a rope), version, and the analysis of the current version.
//! Edits are applied synchronously under a short lock; analysis runs outside it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::OnceCell;

use ropey::Rope;
use tower_lsp_server::ls_types::Uri;

use crate::analysis::incremental::{self, TextEdit};
use crate::analysis::{self, Analysis};
use crate::position::{self, Encoding, LineCol};

/// One version of a document, analysed. Spans in `analysis` index `text`; `rope` converts them.
#[derive(Debug)]
pub struct Analyzed {
    pub version: i32,
    pub rope: Rope,
    pub text: Arc<String>,
    pub analysis: Analysis,
}

struct Document {
    rope: Rope,
    version: i32,
    /// The text of `rope`, made on first need after each change.
    text: Option<Arc<String>>,
    /// The analysis of this version, made once: concurrent requests wait for the same one.
    analyzed: Arc<OnceCell<Arc<Analyzed>>>,
    /// The previous version's analysis and the one edit since, for an incremental update.
    base: Option<(Arc<Analyzed>, TextEdit)>,
}

/// One edit of a `didChange`: a range in the client's encoding (none: the whole text), and
/// the new text.
pub struct TextChange {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

/// Every open document, keyed by URI.
#[derive(Default)]
pub struct Documents {
    open: Mutex<HashMap<Uri, Document>>,
}

/// Why a change was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeError {
    NotOpen,
    /// The change's version is not newer than the document's.
    StaleVersion {
        current: i32,
        received: i32,
    },
}

impl Documents {
    fn lock(&self) -> MutexGuard<'_, HashMap<Uri, Document>> {
        // A panic while holding the lock leaves the map itself intact; keep serving.
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let document = Document {
            rope: Rope::from_str(text),
            version,
            text: Some(Arc::new(text.to_owned())),
            analyzed: Arc::default(),
            base: None,
        };
        self.lock().insert(uri, document);
    }

    pub fn close(&self, uri: &Uri) -> bool {
        self.lock().remove(uri).is_some()
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.lock().get(uri).map(|document| document.version)
    }

    /// Every open document with its version.
    pub fn open_versions(&self) -> Vec<(Uri, i32)> {
        self.lock()
            .iter()
            .map(|(uri, document)| (uri.clone(), document.version))
            .collect()
    }

    /// Applies `changes` in order; a range is converted with `encoding` and clamped to the text.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextChange>,
        encoding: Encoding,
    ) -> Result<(), ChangeError> {
        let stale = self.apply_changes(uri, version, changes, encoding)?;
        // Freeing a large analysis takes milliseconds: not here, where messages are read.
        if let Some(stale) = stale {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn_blocking(move || drop(stale))),
                Err(_) => drop(stale),
            }
        }
        Ok(())
    }

    /// Applies the changes under the lock; returns the analysis they made stale.
    fn apply_changes(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextChange>,
        encoding: Encoding,
    ) -> Result<Option<Arc<Analyzed>>, ChangeError> {
        let mut open = self.lock();
        let document = open.get_mut(uri).ok_or(ChangeError::NotOpen)?;
        if version <= document.version {
            return Err(ChangeError::StaleVersion {
                current: document.version,
                received: version,
            });
        }
        let single = changes.len() == 1;
        let mut edit = None;
        for change in changes {
            match change.range {
                Some((start, end)) => {
                    let start = position::char_of(&document.rope, encoding, start);
                    let end = position::char_of(&document.rope, encoding, end);
                    let (start, end) = (start.min(end), start.max(end));
                    let removed = document.rope.slice(start..end);
                    edit = Some(TextEdit {
                        start: document.rope.char_to_byte(start),
                        old_end: document.rope.char_to_byte(end),
                        new_len: change.text.len(),
                        removed_blank: removed.chars().all(|c| c == ' ' || c == '\t'),
                    });
                    document.rope.remove(start..end);
                    document.rope.insert(start, &change.text);
                }
                None => document.rope = Rope::from_str(&change.text),
            }
        }
        document.version = version;
        document.text = None;
        // One edit since an analysis: the next one can update it instead of starting over.
        let previous = std::mem::take(&mut document.analyzed).get().cloned();
        let stale = std::mem::take(&mut document.base).map(|(base, _)| base);
        match (previous, edit.filter(|_| single)) {
            (Some(previous), Some(edit)) => {
                document.base = Some((previous, edit));
                Ok(stale)
            }
            (previous, _) => Ok(previous.or(stale)),
        }
    }

    /// The analysis of the document's current version, computed off the lock when missing.
    pub async fn analyzed(&self, uri: &Uri) -> Option<Arc<Analyzed>> {
        let (cell, version, rope, text) = {
            let mut open = self.lock();
            let document = open.get_mut(uri)?;
            if let Some(analyzed) = document.analyzed.get() {
                return Some(analyzed.clone());
            }
            let text = document
                .text
                .get_or_insert_with(|| Arc::new(document.rope.to_string()))
                .clone();
            (
                document.analyzed.clone(),
                document.version,
                document.rope.clone(),
                text,
            )
        };
        let analyze = || async {
            let base = self
                .lock()
                .get_mut(uri)
                .filter(|document| document.version == version)
                .and_then(|document| document.base.take());
            let analysis = analyze_off_thread(text.clone(), base, version).await?;
            Ok::<_, ()>(Arc::new(Analyzed {
                version,
                rope,
                text,
                analysis,
            }))
        };
        cell.get_or_try_init(analyze).await.ok().cloned()
    }
}

/// Analyses on a blocking thread: a large file does not stall the runtime, and a panic in
/// analysis (a bug) becomes an error here instead of taking the server down.
async fn analyze_off_thread(
    text: Arc<String>,
    base: Option<(Arc<Analyzed>, TextEdit)>,
    version: i32,
) -> Result<Analysis, ()> {
    let work = move || {
        let started = std::time::Instant::now();
        let (analysis, how) = match base {
            Some((base, edit)) => match Arc::try_unwrap(base) {
                Ok(base) => (
                    incremental::reanalyze(base.analysis, edit, &text),
                    "updated",
                ),
                // Still in use by a request: it cannot be updated in place.
                Err(_) => (analysis::analyze(&text), "full (previous in use)"),
            },
            None => (analysis::analyze(&text), "full"),
        };
        tracing::debug!(version, how, elapsed = ?started.elapsed(), "analysed");
        analysis
    };
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| tracing::error!(%error, "analysis failed"))
}

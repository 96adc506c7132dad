//! `eciExec.run`: confirm, run the entry as the document is now, report progress, keep and
//! show the result. Also the ways to start it: a code lens per entry and a code action.

use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeLens, Command, InlayHint, InlayHintLabel, MessageActionItem,
    MessageType, Position, ProgressToken, Range, ShowDocumentParams, Uri,
};

use super::Backend;
use super::convert::Converter;
use super::documents::Analyzed;
use super::online::ClientState;
use super::run_results::{self, RunRecord, RunResultNotification, RunResultParams};
use crate::analysis::resolve::{self, ResolvedEntry};
use crate::analysis::symbols::command_line;
use crate::remote::{ApiError, ExecRequest};

pub const RUN_COMMAND: &str = "eciExec.run";
pub const RUN_ACTION_KIND: &str = "source.eciExec.run";
const RUN: &str = "Run";

#[derive(Deserialize)]
struct RunArgs {
    uri: Uri,
    index: usize,
}

fn failure(message: impl Into<String>) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(1),
        message: message.into().into(),
        data: None,
    }
}

/// The entry's parameters and text, or why it cannot run.
fn runnable(
    analyzed: &Analyzed,
    index: usize,
) -> std::result::Result<(ResolvedEntry, String), String> {
    let model = analyzed
        .analysis
        .model
        .as_ref()
        .ok_or("the file is not an exec config")?;
    let entry =
        resolve::entry(model, index).ok_or(format!("there is no entry {index} in the file"))?;
    let errors = resolve::blocking_errors(&analyzed.analysis, model, entry);
    if !errors.is_empty() {
        let names: Vec<String> = errors
            .iter()
            .map(|d| format!("{} ({})", d.code.as_str(), d.message))
            .collect();
        return Err(format!(
            "not run: the entry has errors: {}",
            names.join("; ")
        ));
    }
    let resolved =
        resolve::resolve(model, entry).ok_or("not run: the entry lacks a required field")?;
    Ok((
        resolved,
        analyzed.text[entry.span.start..entry.span.end].to_owned(),
    ))
}

fn confirmation(entry: &ResolvedEntry) -> String {
    format!(
        "Run `{}` in container {} of {} ({})?{}",
        entry.command.join(" "),
        entry.container_name,
        entry.container_group_id,
        entry.region_id,
        if entry.sync {
            ""
        } else {
            " It opens an interactive session."
        }
    )
}

impl Backend {
    pub(super) async fn execute_run(&self, arguments: Vec<Value>) -> Result<Option<Value>> {
        let argument = arguments
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid_params("expected {uri, index}"))?;
        let RunArgs { uri, index } = serde_json::from_value(argument)
            .map_err(|error| Error::invalid_params(format!("expected {{uri, index}}: {error}")))?;
        let analyzed = self
            .documents
            .analyzed(&uri)
            .await
            .ok_or_else(|| failure("the document is not open"))?;
        let (entry, entry_text) = runnable(&analyzed, index).map_err(failure)?;
        let settings = self.settings();
        let client = match self.online.client(&settings) {
            (ClientState::Ready(client), _) => client,
            (ClientState::Unavailable(message), tell) => {
                if let Some(tell) = tell {
                    self.client.show_message(MessageType::WARNING, tell).await;
                }
                return Err(failure(message));
            }
        };
        if settings.confirm_run {
            let actions = vec![
                MessageActionItem {
                    title: RUN.to_owned(),
                    properties: Default::default(),
                },
                MessageActionItem {
                    title: "Cancel".to_owned(),
                    properties: Default::default(),
                },
            ];
            let answer = self
                .client
                .show_message_request(MessageType::WARNING, confirmation(&entry), Some(actions))
                .await;
            if !matches!(answer, Ok(Some(MessageActionItem { ref title, .. })) if title == RUN) {
                return Ok(None);
            }
            // Run the entry as it stands now, and only if it is what the user confirmed.
            let current = self
                .documents
                .analyzed(&uri)
                .await
                .ok_or_else(|| failure("the document was closed"))?;
            match runnable(&current, index) {
                Ok((now, now_text)) if now == entry && now_text == entry_text => {}
                _ => {
                    let message =
                        "not run: the entry changed while the confirmation was open; run it again";
                    self.client
                        .show_message(MessageType::WARNING, message)
                        .await;
                    return Err(failure(message));
                }
            }
        }
        let progress = self.begin_progress(&entry).await;
        let request = ExecRequest::from(&entry);
        let outcome = client.exec_container_command(&request).await;
        if let Some(progress) = progress {
            progress.finish().await;
        }
        let record = match &outcome {
            Ok(response) => RunRecord {
                entry_text,
                output: response.sync_response.clone().map(run_results::cap_output),
                error: None,
                request_id: Some(response.request_id.clone()).filter(|id| !id.is_empty()),
            },
            Err(error) => RunRecord {
                entry_text,
                output: None,
                error: Some(error_label(error)),
                request_id: error.request_id().map(str::to_owned),
            },
        };
        self.publish_result(&uri, index, record.clone()).await;
        let response = outcome.map_err(|error| failure(error_label(&error)))?;
        if let Some(url) = response.http_url.as_deref().filter(|_| !entry.sync)
            && let Ok(url) = url.parse::<Uri>()
        {
            let show = ShowDocumentParams {
                uri: url,
                external: Some(true),
                take_focus: None,
                selection: None,
            };
            if let Err(error) = self.client.show_document(show).await {
                tracing::warn!(%error, "the client did not open the terminal URL");
            }
        }
        let mut result = serde_json::Map::new();
        result.insert("requestId".to_owned(), json!(response.request_id));
        for (key, value) in [
            ("syncResponse", record.output),
            ("webSocketUri", response.web_socket_uri),
            ("httpUrl", response.http_url),
        ] {
            if let Some(value) = value {
                result.insert(key.to_owned(), json!(value));
            }
        }
        Ok(Some(Value::Object(result)))
    }

    async fn begin_progress(
        &self,
        entry: &ResolvedEntry,
    ) -> Option<
        tower_lsp_server::OngoingProgress<
            tower_lsp_server::Unbounded,
            tower_lsp_server::NotCancellable,
        >,
    > {
        if !self.capabilities().work_done_progress {
            return None;
        }
        let token = ProgressToken::String(format!("eciExec.run/{}", self.next_progress_id()));
        self.client
            .create_work_done_progress(token.clone())
            .await
            .ok()?;
        let title = format!("Running {}", entry.name);
        Some(
            self.client
                .progress(token, title)
                .with_message(format!("in {}", entry.container_name))
                .begin()
                .await,
        )
    }

    /// Stores a result, tells clients that draw panels, and asks editors to redraw inlay hints.
    async fn publish_result(&self, uri: &Uri, index: usize, record: RunRecord) {
        let range = match self.documents.analyzed(uri).await {
            Some(analyzed) => command_span(&analyzed, index).map(|span| {
                Converter {
                    rope: &analyzed.rope,
                    encoding: self.encoding(),
                }
                .range(span)
            }),
            None => None,
        };
        self.runs.store(uri.clone(), index, record.clone());
        let params = RunResultParams {
            uri: uri.clone(),
            index,
            range: range.unwrap_or_default(),
            sync_response: record.output,
            error: record.error,
            request_id: record.request_id,
        };
        self.client
            .send_notification::<RunResultNotification>(params)
            .await;
        if self.capabilities().inlay_hint_refresh {
            let _ = self.client.inlay_hint_refresh().await;
        }
    }

    /// A `▶ Run` (Sync) or `Open terminal` lens on every entry.
    pub(super) async fn code_lenses(&self, uri: &Uri) -> Vec<CodeLens> {
        let Some(analyzed) = self.documents.analyzed(uri).await else {
            return Vec::new();
        };
        let Some(model) = analyzed.analysis.model.as_ref() else {
            return Vec::new();
        };
        let converter = Converter {
            rope: &analyzed.rope,
            encoding: self.encoding(),
        };
        model
            .entries
            .iter()
            .map(|entry| {
                let sync = model
                    .resolve(entry, |f| &f.sync)
                    .slot
                    .value()
                    .copied()
                    .unwrap_or(false);
                let start = converter.position(entry.span.start);
                CodeLens {
                    range: Range { start, end: start },
                    command: Some(run_command(
                        if sync { "▶ Run" } else { "Open terminal" },
                        uri,
                        entry.index,
                    )),
                    data: None,
                }
            })
            .collect()
    }

    /// The code action that runs the entry holding `range`'s start.
    pub(super) fn run_action(
        &self,
        analyzed: &Analyzed,
        uri: &Uri,
        range: Range,
    ) -> Option<CodeAction> {
        let model = analyzed.analysis.model.as_ref()?;
        let converter = Converter {
            rope: &analyzed.rope,
            encoding: self.encoding(),
        };
        let offset = converter.offset(range.start);
        let entry = model
            .entries
            .iter()
            .find(|entry| entry.span.contains(offset))?;
        let what = entry
            .own
            .label
            .value()
            .map(|label| label.to_string())
            .or_else(|| command_line(entry))
            .unwrap_or_else(|| format!("entry {}", entry.index));
        let container = model
            .resolve(entry, |f| &f.container_name)
            .slot
            .value()
            .map(|name| name.to_string())
            .unwrap_or_else(|| "?".to_owned());
        let title = format!("Run {what} in {container}");
        Some(CodeAction {
            title: title.clone(),
            kind: Some(CodeActionKind::from(RUN_ACTION_KIND)),
            command: Some(run_command(&title, uri, entry.index)),
            ..CodeAction::default()
        })
    }

    /// Inlay hints with each run's result at the end of its entry's Command line.
    pub(super) async fn run_hints(&self, uri: &Uri, range: Range) -> Vec<InlayHint> {
        let records = self.runs.records(uri);
        if records.is_empty() {
            return Vec::new();
        }
        let Some(analyzed) = self.documents.analyzed(uri).await else {
            return Vec::new();
        };
        let converter = Converter {
            rope: &analyzed.rope,
            encoding: self.encoding(),
        };
        let mut hints = Vec::new();
        for (index, record) in records {
            let Some(span) = command_span(&analyzed, index) else {
                continue;
            };
            let line = converter.position(span.end).line;
            let position = converter.position(converter.offset(Position {
                line,
                character: u32::MAX,
            }));
            if position < range.start || position > range.end {
                continue;
            }
            hints.push(InlayHint {
                position,
                label: InlayHintLabel::String(run_results::hint_label(
                    &record,
                    is_stale(&analyzed, index, &record),
                )),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
        hints.sort_by_key(|hint| hint.position);
        hints
    }

    /// The last run's output, for a hover on the entry's Command.
    pub(super) fn run_hover(&self, uri: &Uri, analyzed: &Analyzed, index: usize) -> Option<String> {
        let record = self.runs.records(uri).remove(&index)?;
        Some(run_results::hover_markdown(
            &record,
            is_stale(analyzed, index, &record),
        ))
    }
}

fn run_command(title: &str, uri: &Uri, index: usize) -> Command {
    Command {
        title: title.to_owned(),
        command: RUN_COMMAND.to_owned(),
        arguments: Some(vec![json!({"uri": uri, "index": index})]),
    }
}

fn command_span(analyzed: &Analyzed, index: usize) -> Option<crate::analysis::span::Span> {
    let model = analyzed.analysis.model.as_ref()?;
    Some(resolve::entry(model, index)?.own.command.as_ref()?.span)
}

fn is_stale(analyzed: &Analyzed, index: usize, record: &RunRecord) -> bool {
    let current = analyzed
        .analysis
        .model
        .as_ref()
        .and_then(|model| resolve::entry(model, index))
        .map(|entry| &analyzed.text[entry.span.start..entry.span.end]);
    current != Some(record.entry_text.as_str())
}

/// `✗ Code: Message` for an API refusal, `✗ message` for anything else.
fn error_label(error: &ApiError) -> String {
    match error {
        ApiError::Service(service) => format!("✗ {}: {}", service.code, service.message),
        other => format!("✗ {}", other.user_message()),
    }
}

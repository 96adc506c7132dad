//! Analysis results (byte spans, plain data) into protocol types, through `crate::position`.
//! With `from_proto.rs`, the only place that builds protocol values.

use std::collections::HashMap;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, Command, CompletionItem,
    CompletionItemKind, CompletionList, CompletionResponse, CompletionTextEdit, DiagnosticSeverity,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, DocumentLink, DocumentSymbol,
    DocumentSymbolResponse, Documentation, FoldingRange, FoldingRangeKind,
    FullDocumentDiagnosticReport, Hover, HoverContents, InlayHint, InlayHintLabel, MarkupContent,
    MarkupKind, MessageActionItem, NumberOrString, Position, ProgressToken, Range,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport, SelectionRange,
    ShowDocumentParams, SymbolKind, TextEdit, UnchangedDocumentDiagnosticReport, Uri,
    WorkspaceEdit,
};

use super::ext::{self, LensArgs, RunCommand, RunLens, RunResultParams};
use super::session::Snapshot;
use crate::analysis::actions::{Action, ActionKind};
use crate::analysis::completion::{Candidate, CandidateKind};
use crate::analysis::diagnostic::{Diagnostic, Edit, Severity};
use crate::analysis::folding::{Fold, FoldKind};
use crate::analysis::links::Link;
use crate::analysis::run_result::{RunRecord, RunResult, SingleRun};
use crate::analysis::span::Span;
use crate::analysis::symbols::EntrySymbol;
use crate::position::{self, LineCol};

pub fn position(snapshot: &Snapshot, offset: usize) -> Position {
    let LineCol { line, character } =
        position::position_of(&snapshot.analyzed.rope, snapshot.encoding, offset);
    Position { line, character }
}

pub fn range(snapshot: &Snapshot, span: Span) -> Range {
    Range {
        start: position(snapshot, span.start),
        end: position(snapshot, span.end),
    }
}

pub fn diagnostic(snapshot: &Snapshot, diagnostic: &Diagnostic) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(snapshot, diagnostic.span),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_owned())),
        source: Some("eci-exec".to_owned()),
        message: diagnostic.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

/// A full pull report (`result_id` names the version and cache generation it reflects).
pub fn full_report(
    result_id: Option<String>,
    items: Vec<lsp::Diagnostic>,
) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
        },
    ))
}

/// "Nothing changed since `result_id`."
pub fn unchanged_report(result_id: String) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(
        RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        },
    ))
}

fn text_edit(snapshot: &Snapshot, edit: &Edit) -> TextEdit {
    TextEdit {
        range: range(snapshot, edit.span),
        new_text: edit.text.clone(),
    }
}

pub fn text_edits(snapshot: &Snapshot, edits: &[Edit]) -> Vec<TextEdit> {
    edits.iter().map(|edit| text_edit(snapshot, edit)).collect()
}

fn workspace_edit(snapshot: &Snapshot, edits: &[Edit]) -> WorkspaceEdit {
    let edits = text_edits(snapshot, edits);
    WorkspaceEdit {
        changes: Some(HashMap::from([(snapshot.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

pub fn completion(
    snapshot: &Snapshot,
    candidates: Vec<Candidate>,
    is_incomplete: bool,
) -> CompletionResponse {
    let items = candidates
        .into_iter()
        .enumerate()
        .map(|(rank, candidate)| completion_item(snapshot, rank, candidate))
        .collect();
    CompletionResponse::List(CompletionList {
        is_incomplete,
        items,
    })
}

fn completion_item(snapshot: &Snapshot, rank: usize, candidate: Candidate) -> CompletionItem {
    CompletionItem {
        label: candidate.label,
        kind: Some(match candidate.kind {
            CandidateKind::Field => CompletionItemKind::PROPERTY,
            CandidateKind::Value => CompletionItemKind::VALUE,
        }),
        detail: candidate.detail,
        documentation: candidate
            .documentation
            .map(|value| Documentation::MarkupContent(markdown(value))),
        filter_text: Some(candidate.filter),
        sort_text: Some(format!("{rank:04}")),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: range(snapshot, candidate.replace),
            new_text: candidate.insert,
        })),
        ..CompletionItem::default()
    }
}

pub fn hover(snapshot: &Snapshot, value: String, span: Span) -> Hover {
    Hover {
        contents: HoverContents::Markup(markdown(value)),
        range: Some(range(snapshot, span)),
    }
}

/// A quick fix or rewrite of the analysis, as a code action with its edit.
pub fn code_action(snapshot: &Snapshot, action: Action<'_>) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: action.fix.title.clone(),
        kind: Some(action_kind(action.kind)),
        diagnostics: action
            .diagnostic
            .map(|found| vec![diagnostic(snapshot, found)]),
        edit: Some(workspace_edit(snapshot, &action.fix.edits)),
        is_preferred: Some(action.kind == ActionKind::QuickFix),
        ..CodeAction::default()
    })
}

pub fn action_kind(kind: ActionKind) -> CodeActionKind {
    match kind {
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Rewrite => CodeActionKind::REFACTOR_REWRITE,
    }
}

/// The code action that runs an entry.
pub fn run_action(title: String, args: &LensArgs) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        kind: Some(CodeActionKind::from(ext::RUN_ACTION_KIND)),
        command: Some(run_command(title.clone(), args)),
        title,
        ..CodeAction::default()
    })
}

fn run_command(title: String, args: &LensArgs) -> Command {
    Command {
        title,
        command: ext::RUN_COMMAND.to_owned(),
        arguments: Some(vec![serde_json::to_value(args).unwrap_or(Value::Null)]),
    }
}

/// A Run lens titled `title` at the entry's opening brace.
pub fn code_lens(snapshot: &Snapshot, offset: usize, title: String, args: LensArgs) -> RunLens {
    let start = position(snapshot, offset);
    RunLens {
        range: Range { start, end: start },
        command: RunCommand {
            title,
            command: ext::RUN_COMMAND,
            arguments: [args],
        },
    }
}

pub fn inlay_hint(snapshot: &Snapshot, offset: usize, label: String) -> InlayHint {
    InlayHint {
        position: position(snapshot, offset),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn document_symbols(snapshot: &Snapshot, symbols: Vec<EntrySymbol>) -> DocumentSymbolResponse {
    let symbols = symbols
        .into_iter()
        .map(|symbol| {
            #[allow(deprecated)] // `deprecated` is a required field of the struct.
            DocumentSymbol {
                name: symbol.name,
                detail: symbol.detail,
                kind: SymbolKind::FUNCTION,
                tags: None,
                deprecated: None,
                range: range(snapshot, symbol.span),
                selection_range: range(snapshot, symbol.selection),
                children: None,
            }
        })
        .collect();
    DocumentSymbolResponse::Nested(symbols)
}

pub fn folding_ranges(snapshot: &Snapshot, folds: &[Fold]) -> Vec<FoldingRange> {
    folds
        .iter()
        .map(|fold| FoldingRange {
            start_line: position(snapshot, fold.span.start).line,
            end_line: position(snapshot, fold.span.end).line,
            kind: (fold.kind == FoldKind::Comment).then_some(FoldingRangeKind::Comment),
            ..FoldingRange::default()
        })
        .collect()
}

/// A chain of spans, innermost first, as nested selection ranges.
pub fn selection_range(snapshot: &Snapshot, spans: &[Span]) -> SelectionRange {
    let mut chain: Option<SelectionRange> = None;
    for &span in spans.iter().rev() {
        chain = Some(SelectionRange {
            range: range(snapshot, span),
            parent: chain.map(Box::new),
        });
    }
    chain.unwrap_or(SelectionRange {
        range: Range::default(),
        parent: None,
    })
}

/// The links whose target is a valid URI.
pub fn document_links(snapshot: &Snapshot, links: Vec<Link>) -> Vec<DocumentLink> {
    links
        .into_iter()
        .filter_map(|link| {
            Some(DocumentLink {
                range: range(snapshot, link.span),
                target: Some(link.target.parse::<Uri>().ok()?),
                tooltip: None,
                data: None,
            })
        })
        .collect()
}

/// The buttons of a confirmation: the action first, then Cancel.
pub fn message_actions(titles: &[&str]) -> Vec<MessageActionItem> {
    titles
        .iter()
        .map(|title| MessageActionItem {
            title: (*title).to_owned(),
            properties: HashMap::new(),
        })
        .collect()
}

/// `eciExec/runResult` for a stored record, at the entry's Command (or nowhere, when gone).
pub fn run_result(
    uri: &Uri,
    index: usize,
    name: String,
    range: Option<Range>,
    record: &RunRecord,
) -> RunResultParams {
    let (single, fleet) = match &record.result {
        RunResult::Single(run) => (run.clone(), None),
        RunResult::Fleet(run) => (SingleRun::default(), Some(ext::FleetResult::of(run))),
    };
    RunResultParams {
        uri: uri.clone(),
        index,
        name,
        range: range.unwrap_or_default(),
        sync_response: single.output,
        error: single.error,
        request_id: single.request_id,
        fleet,
    }
}

/// A request that could not do what it was asked: `RequestFailed` (-32803) with a message a
/// person can act on.
pub fn request_failed(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

/// Asks the client to open `uri` outside the editor (a browser).
pub fn show_external(uri: Uri) -> ShowDocumentParams {
    ShowDocumentParams {
        uri,
        external: Some(true),
        take_focus: None,
        selection: None,
    }
}

pub fn progress_token(kind: &str, id: u64) -> ProgressToken {
    ProgressToken::String(format!("{kind}/{id}"))
}

//! Completion, hover, code actions and document symbols: thin adapters from the analysis.

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    CompletionList, CompletionTextEdit, DocumentSymbol, Documentation, Hover, HoverContents,
    MarkupContent, MarkupKind, Position, Range, SymbolKind, TextEdit, Uri,
};

use super::Backend;
use super::convert::Converter;
use super::documents::Analyzed;
use crate::analysis::actions::{self, ActionKind};
use crate::analysis::completion::{self, Candidate, CandidateKind};
use crate::analysis::{fields, hover, symbols};

impl Backend {
    fn converter<'a>(&self, analyzed: &'a Analyzed) -> Converter<'a> {
        Converter {
            rope: &analyzed.rope,
            encoding: self.encoding(),
        }
    }

    pub(super) async fn completion_at(
        &self,
        uri: &Uri,
        position: Position,
    ) -> Option<CompletionList> {
        let analyzed = self.documents.analyzed(uri).await?;
        let converter = self.converter(&analyzed);
        let offset = converter.offset(position);
        let context = completion::context(&analyzed.analysis, &analyzed.text, offset)?;
        // Online candidates (instances, containers, the API's regions) replace the offline
        // ones where there are any; while a list loads, the answer says it is incomplete.
        let (candidates, is_incomplete) = match self.online_candidates(&analyzed, &context, offset)
        {
            Some(online) => online,
            None => (completion::offline_candidates(&context), false),
        };
        let items = candidates
            .into_iter()
            .enumerate()
            .map(|(rank, candidate)| completion_item(&converter, rank, candidate))
            .collect();
        Some(CompletionList {
            is_incomplete,
            items,
        })
    }

    pub(super) async fn hover_at(&self, uri: &Uri, position: Position) -> Option<Hover> {
        let analyzed = self.documents.analyzed(uri).await?;
        let converter = self.converter(&analyzed);
        let target = hover::target(&analyzed.analysis, converter.offset(position))?;
        let extra = match (target.field.name, target.value, target.entry) {
            (fields::CONTAINER_GROUP_ID, Some(_), _) => self.instance_hover(&analyzed, &target),
            (fields::COMMAND, Some(_), Some(index)) => self.run_hover(uri, &analyzed, index),
            _ => None,
        };
        let mut value = hover::field_markdown(&target);
        if let Some(extra) = extra {
            value = format!("{extra}\n\n---\n\n{value}");
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(converter.range(target.span)),
        })
    }

    pub(super) async fn code_actions(
        &self,
        uri: &Uri,
        range: Range,
        only: Option<&[CodeActionKind]>,
    ) -> Vec<CodeActionOrCommand> {
        let Some(analyzed) = self.documents.analyzed(uri).await else {
            return Vec::new();
        };
        let converter = self.converter(&analyzed);
        let wanted = |kind: &CodeActionKind| {
            only.is_none_or(|only| {
                only.iter()
                    .any(|prefix| kind.as_str().starts_with(prefix.as_str()))
            })
        };
        actions::actions(&analyzed.analysis, converter.span(range))
            .into_iter()
            .filter_map(|action| {
                let kind = match action.kind {
                    ActionKind::QuickFix => CodeActionKind::QUICKFIX,
                    ActionKind::Rewrite => CodeActionKind::REFACTOR_REWRITE,
                };
                if !wanted(&kind) {
                    return None;
                }
                Some(CodeActionOrCommand::CodeAction(CodeAction {
                    title: action.fix.title.clone(),
                    kind: Some(kind),
                    diagnostics: action
                        .diagnostic
                        .map(|diagnostic| vec![converter.diagnostic(diagnostic)]),
                    edit: Some(converter.workspace_edit(uri, &action.fix.edits)),
                    is_preferred: Some(action.kind == ActionKind::QuickFix),
                    ..CodeAction::default()
                }))
            })
            .chain(
                self.run_action(&analyzed, uri, range)
                    .filter(|action| action.kind.as_ref().is_some_and(&wanted))
                    .map(CodeActionOrCommand::CodeAction),
            )
            .collect()
    }

    pub(super) async fn document_symbols(&self, uri: &Uri) -> Option<Vec<DocumentSymbol>> {
        let analyzed = self.documents.analyzed(uri).await?;
        let model = analyzed.analysis.model.as_ref()?;
        let converter = self.converter(&analyzed);
        let symbols = symbols::symbols(model)
            .into_iter()
            .map(|symbol| {
                #[allow(deprecated)] // `deprecated` is a required field of the struct.
                DocumentSymbol {
                    name: symbol.name,
                    detail: symbol.detail,
                    kind: SymbolKind::FUNCTION,
                    tags: None,
                    deprecated: None,
                    range: converter.range(symbol.span),
                    selection_range: converter.range(symbol.selection),
                    children: None,
                }
            })
            .collect();
        Some(symbols)
    }
}

fn completion_item(converter: &Converter<'_>, rank: usize, candidate: Candidate) -> CompletionItem {
    CompletionItem {
        label: candidate.label,
        kind: Some(match candidate.kind {
            CandidateKind::Field => CompletionItemKind::PROPERTY,
            CandidateKind::Value => CompletionItemKind::VALUE,
        }),
        detail: candidate.detail,
        documentation: candidate.documentation.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        filter_text: Some(candidate.filter),
        sort_text: Some(format!("{rank:04}")),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: converter.range(candidate.replace),
            new_text: candidate.insert,
        })),
        ..CompletionItem::default()
    }
}

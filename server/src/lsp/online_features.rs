//! The online parts of completion, hover and diagnostics, answered from the cache: a missing
//! or stale list starts a background fetch and the answer says it is incomplete, never waits.

use crate::analysis::completion::{Candidate, CandidateKind, CompletionContext, ObjectKind, Site};
use crate::analysis::diagnostic::Diagnostic;
use crate::analysis::hover::HoverTarget;
use crate::analysis::model::{Fields, Model, Slot};
use crate::analysis::tree::Text;
use crate::analysis::{fields, online, regions, resolve};
use crate::remote::ContainerGroup;

use super::Backend;
use super::documents::Analyzed;
use super::online::ClientState;
use tower_lsp_server::ls_types::MessageType;

type Field = fn(&Fields) -> &Slot<Text>;

/// A field's value for the object being edited: an entry's own or inherited, or a default.
fn object_value(model: &Model, object: ObjectKind, field: Field) -> Option<String> {
    let entry = match object {
        ObjectKind::Entry(index) => resolve::entry(model, index)?,
        ObjectKind::Single => model.entries.first()?,
        ObjectKind::Defaults => return field(&model.defaults).value().map(|text| text.to_string()),
    };
    model
        .resolve(entry, field)
        .slot
        .value()
        .map(|text| text.to_string())
}

impl Backend {
    /// Starts the fetch of each region's instance list that is missing or stale.
    pub(super) fn ensure_groups(&self, regions: Vec<String>) {
        let settings = self.settings();
        if !settings.online || regions.is_empty() {
            return;
        }
        let client = match self.online.client(&settings) {
            (ClientState::Ready(client), _) => client,
            (ClientState::Unavailable(_), None) => return,
            (ClientState::Unavailable(_), Some(message)) => {
                let lsp = self.client.clone();
                tokio::spawn(async move { lsp.show_message(MessageType::WARNING, message).await });
                return;
            }
        };
        for region in regions {
            if !self.online.claim_groups_fetch(&region, &settings) {
                continue;
            }
            let (backend, client) = (self.clone(), client.clone());
            tokio::spawn(async move {
                let result = client.describe_container_groups(&region, &[]).await;
                let groups = match result {
                    Ok(groups) => Some(groups),
                    Err(error) => {
                        tracing::warn!(region, %error, "cannot list container groups");
                        None
                    }
                };
                if backend.online.store_groups(&region, groups) {
                    backend.refresh_diagnostics().await;
                }
            });
        }
    }

    fn ensure_regions(&self) {
        let settings = self.settings();
        let (ClientState::Ready(client), _) = self.online.client(&settings) else {
            return;
        };
        if !settings.online || !self.online.claim_regions_fetch(&settings) {
            return;
        }
        let backend = self.clone();
        tokio::spawn(async move {
            let regions = client.describe_regions(None).await;
            if let Err(error) = &regions {
                tracing::warn!(%error, "cannot list regions");
            }
            backend.online.store_regions(regions.ok());
        });
    }

    /// Re-delivers every open document's diagnostics (after the cache or the settings changed).
    pub(super) async fn refresh_diagnostics(&self) {
        if self.pulls_diagnostics() {
            if self.capabilities().diagnostic_refresh {
                let _ = self.client.workspace_diagnostic_refresh().await;
            }
            return;
        }
        for (uri, version) in self.documents.open_versions() {
            self.schedule_push(uri, version);
        }
    }

    /// The online diagnostics of one analysed version, from fresh lists only.
    pub(super) fn online_diagnostics(&self, analyzed: &Analyzed) -> Vec<Diagnostic> {
        let settings = self.settings();
        let Some(model) = analyzed.analysis.model.as_ref().filter(|_| settings.online) else {
            return Vec::new();
        };
        self.ensure_groups(online::regions_needed(model));
        online::check(model, &self.online.snapshot(&settings))
    }

    /// Candidates from the API for the cursor's value, and whether the list is still loading.
    pub(super) fn online_candidates(
        &self,
        analyzed: &Analyzed,
        context: &CompletionContext,
        cursor: usize,
    ) -> Option<(Vec<Candidate>, bool)> {
        let Site::Value { object, field } = &context.site else {
            return None;
        };
        let model = analyzed.analysis.model.as_ref()?;
        let settings = self.settings();
        if !settings.online {
            return None;
        }
        if field == fields::REGION_ID {
            self.ensure_regions();
            let regions = self.online.regions()?;
            let items = regions
                .iter()
                .map(|region| {
                    let detail = regions::region_name(&region.region_id).map(str::to_owned);
                    crate::analysis::completion::value_candidate(
                        context,
                        &region.region_id,
                        detail,
                        format!("\"{}\"", region.region_id),
                    )
                })
                .collect();
            return Some((items, false));
        }
        if field != fields::CONTAINER_GROUP_ID && field != fields::CONTAINER_NAME {
            return None;
        }
        let region = object_value(model, *object, |f| &f.region_id)
            .or_else(|| settings.region_id.clone())
            .or_else(|| match self.online.client(&settings).0 {
                ClientState::Ready(client) => client.default_region().map(str::to_owned),
                ClientState::Unavailable(_) => None,
            })?;
        self.ensure_groups(vec![region.clone()]);
        let loading = !self.online.is_fresh(&region, &settings);
        let Some(groups) = self.online.groups(&region) else {
            return Some((Vec::new(), true));
        };
        let typed = typed_text(analyzed, context, cursor);
        let items = if field == fields::CONTAINER_GROUP_ID {
            group_candidates(&groups, context, &typed)
        } else {
            let id = object_value(model, *object, |f| &f.container_group_id)?;
            let group = groups.iter().find(|group| group.container_group_id == id)?;
            container_candidates(group, context)
        };
        Some((items, loading))
    }

    /// Markdown for a hover on a ContainerGroupId value: the instance, from the cache.
    pub(super) fn instance_hover(
        &self,
        analyzed: &Analyzed,
        target: &HoverTarget<'_>,
    ) -> Option<String> {
        let id = target.value?.as_str()?;
        let model = analyzed.analysis.model.as_ref()?;
        let object = target.entry.map_or(ObjectKind::Defaults, ObjectKind::Entry);
        let region =
            object_value(model, object, |f| &f.region_id).or_else(|| self.settings().region_id)?;
        self.ensure_groups(vec![region.clone()]);
        let groups = self.online.groups(&region)?;
        let group = groups.iter().find(|group| group.container_group_id == id)?;
        Some(instance_markdown(group))
    }
}

/// What the user has typed of the value up to the cursor, without the quote, lower-cased.
fn typed_text(analyzed: &Analyzed, context: &CompletionContext, cursor: usize) -> String {
    let end = cursor.clamp(context.replace.start, context.replace.end);
    let text = analyzed
        .text
        .get(context.replace.start..end)
        .unwrap_or_default();
    text.trim_matches('"').to_lowercase()
}

fn group_candidates(
    groups: &[ContainerGroup],
    context: &CompletionContext,
    typed: &str,
) -> Vec<Candidate> {
    let mut matching: Vec<&ContainerGroup> = groups
        .iter()
        .filter(|group| {
            typed.is_empty()
                || group.container_group_id.to_lowercase().contains(typed)
                || group.container_group_name.to_lowercase().contains(typed)
        })
        .collect();
    // Running instances first: the others cannot run commands.
    matching.sort_by_key(|group| {
        (
            group.status != "Running",
            group.container_group_name.clone(),
        )
    });
    matching
        .into_iter()
        .map(|group| {
            let id = &group.container_group_id;
            let containers: Vec<String> = group
                .containers
                .iter()
                .map(|c| format!("- `{}` {}", c.name, c.image))
                .collect();
            Candidate {
                label: id.clone(),
                kind: CandidateKind::Value,
                detail: Some(format!("{} · {}", group.container_group_name, group.status)),
                documentation: Some(format!(
                    "**{}**\n\n{}",
                    group.container_group_name,
                    containers.join("\n")
                )),
                insert: format!("\"{id}\""),
                replace: context.replace,
                filter: format!(
                    "{}{} {}",
                    if context.quoted { "\"" } else { "" },
                    group.container_group_name,
                    id
                ),
            }
        })
        .collect()
}

fn container_candidates(group: &ContainerGroup, context: &CompletionContext) -> Vec<Candidate> {
    group
        .containers
        .iter()
        .map(|container| {
            let state = if container.ready {
                "ready".to_owned()
            } else {
                format!("not ready ({})", container.current_state.state)
            };
            let mut candidate = crate::analysis::completion::value_candidate(
                context,
                &container.name,
                Some(container.image.clone()),
                format!("\"{}\"", container.name),
            );
            candidate.documentation = Some(format!("`{}`\n\n{state}", container.image));
            candidate
        })
        .collect()
}

fn instance_markdown(group: &ContainerGroup) -> String {
    let mut text = format!(
        "**{}** `{}`\n\n| | |\n|---|---|\n| status | {} |\n| zone | {} |\n| private IP | {} |\n| created | {} |\n\n",
        group.container_group_name,
        group.container_group_id,
        group.status,
        group.zone_id,
        group.intranet_ip,
        group.creation_time
    );
    for container in &group.containers {
        let ready = if container.ready {
            "ready"
        } else {
            "not ready"
        };
        text.push_str(&format!(
            "- `{}` {} ({}, {ready})\n",
            container.name, container.image, container.current_state.state
        ));
    }
    text
}

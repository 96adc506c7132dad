//! `check --online`: the online rules for the command line, from instance lists fetched once
//! per region. A region whose list cannot be fetched is reported on stderr and its online
//! checks are skipped (never guessed); `check` then exits 2.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analysis::diagnostic::Diagnostic;
use crate::analysis::online::{self, Instances, Lookup};
use crate::analysis::{self};
use crate::remote::{ContainerGroup, EciClient};

use super::ApiArgs;

pub struct OnlineChecker {
    client: EciClient,
    runtime: tokio::runtime::Runtime,
    /// Fetched lists by region; `None` when the fetch failed.
    groups: HashMap<String, Option<Arc<Vec<ContainerGroup>>>>,
}

struct Fetched<'a>(&'a HashMap<String, Option<Arc<Vec<ContainerGroup>>>>);

impl Instances for Fetched<'_> {
    fn lookup(&self, region: &str, id: &str) -> Lookup<'_> {
        let Some(Some(groups)) = self.0.get(region) else {
            return Lookup::Unknown;
        };
        match groups.iter().find(|group| group.container_group_id == id) {
            Some(group) => Lookup::Found {
                status: &group.status,
                containers: group.containers.iter().map(|c| c.name.as_str()).collect(),
            },
            None => Lookup::Missing,
        }
    }
}

impl OnlineChecker {
    /// A checker with the user's credentials, or the reason there is none.
    pub fn new(api: &ApiArgs) -> Result<OnlineChecker, String> {
        let client = api.client().map_err(|error| error.to_string())?;
        let runtime = super::runtime()?;
        Ok(OnlineChecker {
            client,
            runtime,
            groups: HashMap::new(),
        })
    }

    /// How many regions were needed, and those whose list could not be fetched.
    pub fn failed_regions(&self) -> (usize, Vec<&str>) {
        let failed = self
            .groups
            .iter()
            .filter(|(_, groups)| groups.is_none())
            .map(|(region, _)| region.as_str())
            .collect();
        (self.groups.len(), failed)
    }

    /// The online diagnostics of `text`.
    pub fn diagnostics(&mut self, text: &str) -> Vec<Diagnostic> {
        let analysis = analysis::analyze(text);
        let Some(model) = analysis.model.as_ref() else {
            return Vec::new();
        };
        for region in online::regions_needed(model) {
            if self.groups.contains_key(&region) {
                continue;
            }
            let fetched = match self
                .runtime
                .block_on(self.client.describe_container_groups(&region, &[]))
            {
                Ok(groups) => Some(Arc::new(groups)),
                Err(error) => {
                    eprintln!("online checks skipped for {region}: {error}");
                    None
                }
            };
            self.groups.insert(region, fetched);
        }
        online::check(model, &Fetched(&self.groups))
    }
}

//! `check --online`: the online rules for the command line, from instance lists fetched once
//! per region. A region whose list cannot be fetched is reported on stderr and its online
//! checks are skipped (never guessed); `check` then exits 2.

use std::collections::HashSet;
use std::sync::Arc;

use crate::analysis::diagnostic::Diagnostic;
use crate::analysis::online::{self, InstanceLists};
use crate::analysis::{self};
use crate::remote::EciClient;

use super::ApiArgs;

pub struct OnlineChecker {
    client: EciClient,
    runtime: tokio::runtime::Runtime,
    /// The lists fetched so far, by region.
    lists: InstanceLists,
    /// Regions already asked for, fetched or not.
    asked: HashSet<String>,
}

impl OnlineChecker {
    /// A checker with the user's credentials, or the reason there is none.
    pub fn new(api: &ApiArgs) -> Result<OnlineChecker, String> {
        let client = api.client().map_err(|error| error.to_string())?;
        let runtime = super::runtime()?;
        Ok(OnlineChecker {
            client,
            runtime,
            lists: InstanceLists::default(),
            asked: HashSet::new(),
        })
    }

    /// How many regions were needed, and those whose list could not be fetched.
    pub fn failed_regions(&self) -> (usize, Vec<&str>) {
        let failed = self
            .asked
            .iter()
            .filter(|region| !self.lists.contains(region))
            .map(String::as_str)
            .collect();
        (self.asked.len(), failed)
    }

    /// The online diagnostics of `text`.
    pub fn diagnostics(&mut self, text: &str) -> Vec<Diagnostic> {
        let analysis = analysis::analyze(text);
        let Some(model) = analysis.model.as_ref() else {
            return Vec::new();
        };
        for region in online::regions_needed(model) {
            if !self.asked.insert(region.clone()) {
                continue;
            }
            match self
                .runtime
                .block_on(self.client.describe_container_groups(&region, &[]))
            {
                Ok(groups) => self.lists.insert(region, Arc::new(groups)),
                Err(error) => eprintln!("online checks skipped for {region}: {error}"),
            }
        }
        online::check(model, &self.lists)
    }
}

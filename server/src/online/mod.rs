//! The online layer, between the pure analysis and the API: the API client made from the
//! user's options, the instance and region caches, their background fetches, and the one
//! signal that a list has landed (`landed`), which the server turns into refreshed diagnostics.
//! Readers never wait: they get what is cached, and a fetch fills the rest, one per region.

mod cache;
pub mod fleet;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use crate::analysis::online::InstanceLists;
use crate::eci::{ContainerGroup, Region};
use crate::remote::{ClientOptions, CredentialsError, EciClient, SetupError};
use cache::Cached;

/// What the online layer needs of the user's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnlineOptions {
    /// Online features at all (`eciExec.online`).
    pub enabled: bool,
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub signature_version: String,
    /// How long a fetched list counts as fresh.
    pub cache_ttl: Duration,
}

/// The API client, or why there is none.
#[derive(Clone)]
pub enum ClientState {
    Ready(EciClient),
    /// Online features are off (the setting, no credentials, a bad endpoint): the message says why.
    Unavailable(String),
}

#[derive(Default)]
struct State {
    client: Option<ClientState>,
    /// Whether the user was told how to set up credentials (once per session).
    told_unavailable: bool,
    groups: HashMap<String, Cached<Vec<ContainerGroup>>>,
    regions: Cached<Vec<Region>>,
}

/// The session's online state. Shared (`Arc`) because fetches run in the background.
pub struct Online {
    state: Mutex<State>,
    /// The cache generation: bumped whenever what online features may show has changed.
    landed: watch::Sender<u64>,
}

impl Default for Online {
    fn default() -> Self {
        Online {
            state: Mutex::default(),
            landed: watch::Sender::new(0),
        }
    }
}

impl Online {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets the client and every cache (the settings changed: the lists may be someone else's).
    pub fn reset(&self) {
        {
            let mut state = self.lock();
            let told = state.told_unavailable;
            *state = State {
                told_unavailable: told,
                ..State::default()
            };
        }
        self.landed.send_modify(|generation| *generation += 1);
    }

    /// Changes whenever cached lists change: pulled diagnostics use it in their result id.
    pub fn generation(&self) -> u64 {
        *self.landed.borrow()
    }

    /// Wakes whenever an instance list lands (or the caches are reset).
    pub fn landed(&self) -> watch::Receiver<u64> {
        self.landed.subscribe()
    }

    /// The client, made on first need. The second value is a message to show the user, the
    /// first time only, when online features are unavailable.
    pub fn client(&self, options: &OnlineOptions) -> (ClientState, Option<String>) {
        let mut state = self.lock();
        let client = state
            .client
            .get_or_insert_with(|| make_client(options))
            .clone();
        let tell = match &client {
            ClientState::Unavailable(message) if options.enabled && !state.told_unavailable => {
                state.told_unavailable = true;
                Some(message.clone())
            }
            _ => None,
        };
        (client, tell)
    }

    /// The fresh instance lists: what online diagnostics may trust.
    pub fn fresh_lists(&self, options: &OnlineOptions) -> InstanceLists {
        let state = self.lock();
        let mut lists = InstanceLists::default();
        for (region, cached) in &state.groups {
            if let Some(groups) = cached
                .value()
                .filter(|_| cached.is_fresh(options.cache_ttl))
            {
                lists.insert(region.clone(), groups);
            }
        }
        lists
    }

    /// The instance list of `region` as last fetched (fresh or not), for completion and hover.
    pub fn groups(&self, region: &str) -> Option<Arc<Vec<ContainerGroup>>> {
        self.lock().groups.get(region).and_then(Cached::value)
    }

    /// Whether `region`'s list is fresh.
    pub fn is_fresh(&self, region: &str, options: &OnlineOptions) -> bool {
        self.lock()
            .groups
            .get(region)
            .is_some_and(|cached| cached.is_fresh(options.cache_ttl))
    }

    /// The regions the API lists, as last fetched.
    pub fn regions(&self) -> Option<Arc<Vec<Region>>> {
        self.lock().regions.value()
    }

    /// Starts the fetch of each region's list that is missing or stale; returns a message for
    /// the user the first time online features turn out to be unavailable.
    pub fn ensure_groups(
        self: &Arc<Self>,
        regions: &[String],
        options: &OnlineOptions,
    ) -> Option<String> {
        if !options.enabled || regions.is_empty() {
            return None;
        }
        let client = match self.client(options) {
            (ClientState::Ready(client), _) => client,
            (ClientState::Unavailable(_), tell) => return tell,
        };
        for region in regions {
            let claimed = self
                .lock()
                .groups
                .entry(region.clone())
                .or_default()
                .claim(options.cache_ttl);
            if claimed {
                tokio::spawn(self.clone().fetch_groups(client.clone(), region.clone()));
            }
        }
        None
    }

    async fn fetch_groups(self: Arc<Self>, client: EciClient, region: String) {
        let groups = match client.describe_container_groups(&region, &[]).await {
            Ok(groups) => Some(groups),
            Err(error) => {
                tracing::warn!(region, %error, "cannot list container groups");
                None
            }
        };
        let landed = groups.is_some();
        self.lock().groups.entry(region).or_default().store(groups);
        if landed {
            self.landed.send_modify(|generation| *generation += 1);
        }
    }

    /// Starts the fetch of the API's region list when it is missing or stale.
    pub fn ensure_regions(self: &Arc<Self>, options: &OnlineOptions) {
        let (ClientState::Ready(client), _) = self.client(options) else {
            return;
        };
        if !options.enabled || !self.lock().regions.claim(options.cache_ttl) {
            return;
        }
        let online = self.clone();
        tokio::spawn(async move {
            let regions = client.describe_regions(None).await;
            if let Err(error) = &regions {
                tracing::warn!(%error, "cannot list regions");
            }
            online.lock().regions.store(regions.ok());
        });
    }
}

fn make_client(options: &OnlineOptions) -> ClientState {
    if !options.enabled {
        return ClientState::Unavailable(
            "online features are off (eciExec.online is false)".to_owned(),
        );
    }
    let client_options = ClientOptions::from_strings(
        options.profile.as_deref(),
        options.endpoint.as_deref(),
        Some(options.signature_version.as_str()),
    );
    match client_options.and_then(|client_options| EciClient::new(&client_options)) {
        Ok(client) => ClientState::Ready(client),
        Err(SetupError::Credentials(CredentialsError::NotFound)) => {
            ClientState::Unavailable(format!(
                "ECI exec: online features (instance completion, live checks, Run) need credentials. {}",
                CredentialsError::NotFound
            ))
        }
        Err(error) => {
            ClientState::Unavailable(format!("ECI exec: online features are off: {error}"))
        }
    }
}

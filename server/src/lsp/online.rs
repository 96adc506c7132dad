//! Online state: the API client (made on first need from the settings) and the instance and
//! region caches per (profile, region). Readers never wait: they get what is cached and a
//! background fetch fills the rest, one at a time per key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::analysis::online::{Instances, Lookup};
use crate::remote::{
    ClientOptions, ContainerGroup, CredentialsError, EciClient, Region, SetupError,
};

use super::config::Settings;

/// The API client, or why there is none.
#[derive(Clone)]
pub enum ClientState {
    Ready(EciClient),
    /// Online features are off (the setting, no credentials, a bad endpoint): the message says why.
    Unavailable(String),
}

#[derive(Default)]
struct Cached<T> {
    value: Option<Arc<T>>,
    fetched_at: Option<Instant>,
    fetching: bool,
    /// When the last fetch failed: no new attempt for a while, so a dead API is not hammered.
    failed_at: Option<Instant>,
}

/// How long after a failed fetch the next one may start.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

impl<T> Cached<T> {
    fn is_fresh(&self, ttl: Duration) -> bool {
        self.value.is_some() && self.fetched_at.is_some_and(|at| at.elapsed() < ttl)
    }

    /// Claims the fetch when the value is missing or stale and no fetch runs or just failed.
    fn claim(&mut self, ttl: Duration) -> bool {
        let cooling = self
            .failed_at
            .is_some_and(|at| at.elapsed() < RETRY_AFTER_FAILURE.min(ttl));
        if self.fetching || cooling || self.is_fresh(ttl) {
            return false;
        }
        self.fetching = true;
        true
    }

    /// Records a fetch's outcome; a failure keeps the old value, which then goes stale.
    fn store(&mut self, result: Option<T>) {
        self.fetching = false;
        match result {
            Some(value) => {
                self.value = Some(Arc::new(value));
                self.fetched_at = Some(Instant::now());
                self.failed_at = None;
            }
            None => self.failed_at = Some(Instant::now()),
        }
    }
}

#[derive(Default)]
struct State {
    client: Option<ClientState>,
    /// Whether the user was told how to set up credentials (once per session).
    told_unavailable: bool,
    groups: HashMap<String, Cached<Vec<ContainerGroup>>>,
    regions: Cached<Vec<Region>>,
    /// Bumped on every cache change, so pulled diagnostics know they are outdated.
    generation: u64,
}

#[derive(Default)]
pub struct Online {
    state: Mutex<State>,
}

/// What an online feature may use right now.
pub struct Snapshot {
    pub groups: HashMap<String, Arc<Vec<ContainerGroup>>>,
}

impl Instances for Snapshot {
    fn lookup(&self, region: &str, id: &str) -> Lookup<'_> {
        let Some(groups) = self.groups.get(region) else {
            return Lookup::Unknown;
        };
        match groups.iter().find(|group| group.container_group_id == id) {
            Some(group) => Lookup::Found {
                status: &group.status,
                containers: group
                    .containers
                    .iter()
                    .map(|container| container.name.as_str())
                    .collect(),
            },
            None => Lookup::Missing,
        }
    }
}

impl Online {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets the client and every cache (the settings changed).
    pub fn reset(&self) {
        let mut state = self.lock();
        let told = state.told_unavailable;
        *state = State {
            told_unavailable: told,
            generation: state.generation + 1,
            ..State::default()
        };
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// The client, made on first need. The second value is a message to show the user, the
    /// first time only, when online features are unavailable.
    pub fn client(&self, settings: &Settings) -> (ClientState, Option<String>) {
        let mut state = self.lock();
        let client = state
            .client
            .get_or_insert_with(|| make_client(settings))
            .clone();
        let tell = match &client {
            ClientState::Unavailable(message) if settings.online && !state.told_unavailable => {
                state.told_unavailable = true;
                Some(message.clone())
            }
            _ => None,
        };
        (client, tell)
    }

    /// The fresh instance lists, by region.
    pub fn snapshot(&self, settings: &Settings) -> Snapshot {
        let ttl = Duration::from_secs(settings.cache_ttl_seconds);
        let state = self.lock();
        let groups = state
            .groups
            .iter()
            .filter(|(_, cached)| cached.is_fresh(ttl))
            .filter_map(|(region, cached)| Some((region.clone(), cached.value.clone()?)))
            .collect();
        Snapshot { groups }
    }

    /// The instance list of `region` as last fetched (fresh or not), for completion and hover.
    pub fn groups(&self, region: &str) -> Option<Arc<Vec<ContainerGroup>>> {
        self.lock()
            .groups
            .get(region)
            .and_then(|cached| cached.value.clone())
    }

    pub fn regions(&self) -> Option<Arc<Vec<Region>>> {
        self.lock().regions.value.clone()
    }

    /// Claims the fetch of `region`'s list: true when the caller should start it.
    pub fn claim_groups_fetch(&self, region: &str, settings: &Settings) -> bool {
        let ttl = Duration::from_secs(settings.cache_ttl_seconds);
        self.lock()
            .groups
            .entry(region.to_owned())
            .or_default()
            .claim(ttl)
    }

    pub fn claim_regions_fetch(&self, settings: &Settings) -> bool {
        let ttl = Duration::from_secs(settings.cache_ttl_seconds);
        self.lock().regions.claim(ttl)
    }

    /// Stores a fetch's outcome; true when the cache changed.
    pub fn store_groups(&self, region: &str, result: Option<Vec<ContainerGroup>>) -> bool {
        let mut state = self.lock();
        let changed = result.is_some();
        state
            .groups
            .entry(region.to_owned())
            .or_default()
            .store(result);
        if changed {
            state.generation += 1;
        }
        changed
    }

    pub fn store_regions(&self, result: Option<Vec<Region>>) {
        self.lock().regions.store(result);
    }

    /// Whether `region`'s list is fresh.
    pub fn is_fresh(&self, region: &str, settings: &Settings) -> bool {
        let ttl = Duration::from_secs(settings.cache_ttl_seconds);
        self.lock()
            .groups
            .get(region)
            .is_some_and(|cached| cached.is_fresh(ttl))
    }
}

fn make_client(settings: &Settings) -> ClientState {
    if !settings.online {
        return ClientState::Unavailable(
            "online features are off (eciExec.online is false)".to_owned(),
        );
    }
    let options = ClientOptions::from_strings(
        settings.profile.as_deref(),
        settings.endpoint.as_deref(),
        Some(settings.signature_version.as_str()),
    );
    match options.and_then(|options| EciClient::new(&options)) {
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

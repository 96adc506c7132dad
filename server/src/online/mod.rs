//! The online layer, between the pure analysis and the API: the API client made from the
//! user's options, the instance and region caches, their background fetches, and the one
//! signal that a list has landed (`landed`), which the server turns into refreshed diagnostics
//! and lenses. Readers never wait: they get what is cached (the pages of a listing under way,
//! or the copy kept on disk by an earlier session), and a fetch fills the rest, one per region.

mod cache;
pub mod disk;
pub mod fleet;
mod kept;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::analysis::online::InstanceLists;
use crate::eci::{ContainerGroup, Region};
use crate::remote::{ClientOptions, CredentialsError, EciClient, SetupError};
use cache::Cached;
use disk::{DiskCache, ListKey};
use kept::Kept;

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

/// What is known of one region's instances.
#[derive(Default)]
struct RegionList {
    /// Complete lists from the API.
    fetched: Cached<Vec<ContainerGroup>>,
    /// The pages of the listing under way.
    partial: Option<Arc<Vec<ContainerGroup>>>,
    /// The list an earlier session kept (or its first rows, while the rest are read).
    kept: Option<Kept>,
    /// Whether the disk was asked (once per region and session).
    disk_read: bool,
}

/// A region's instances as completion, hover and lenses may show them.
pub struct ListView {
    pub groups: Arc<Vec<ContainerGroup>>,
    /// When the list comes from the disk copy: when it was fetched (shown as its age).
    pub cached_at: Option<SystemTime>,
    /// Whether it is the whole list (a listing under way shows its pages so far).
    pub complete: bool,
}

impl ListView {
    /// How old the disk copy is (none for lists of this session).
    pub fn cached_age(&self) -> Option<Duration> {
        self.cached_at.map(|at| at.elapsed().unwrap_or_default())
    }

    pub fn find(&self, id: &str) -> Option<&ContainerGroup> {
        self.groups
            .iter()
            .find(|group| group.container_group_id == id)
    }
}

#[derive(Default)]
struct State {
    client: Option<ClientState>,
    /// Whether the user was told how to set up credentials (once per session).
    told_unavailable: bool,
    groups: HashMap<String, RegionList>,
    regions: Cached<Vec<Region>>,
}

/// The session's online state. Shared (`Arc`) because fetches run in the background.
pub struct Online {
    state: Mutex<State>,
    /// The cache generation: bumped whenever what online features may show has changed.
    landed: watch::Sender<u64>,
    disk: DiskCache,
}

impl Default for Online {
    fn default() -> Self {
        Online {
            state: Mutex::default(),
            landed: watch::Sender::new(0),
            disk: DiskCache::from_environment(),
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
        self.bump();
    }

    /// Changes whenever cached lists change: pulled diagnostics use it in their result id.
    pub fn generation(&self) -> u64 {
        *self.landed.borrow()
    }

    /// Wakes whenever an instance list lands (or the caches are reset).
    pub fn landed(&self) -> watch::Receiver<u64> {
        self.landed.subscribe()
    }

    /// Makes the client now, off the runtime's threads (reading credentials files and loading
    /// root certificates take milliseconds), so that the first file opened finds it ready.
    pub async fn prepare(self: &Arc<Self>, options: &OnlineOptions) {
        let (online, options) = (self.clone(), options.clone());
        let made = tokio::task::spawn_blocking(move || {
            let client = make_client(&options);
            online.lock().client.get_or_insert(client);
        });
        if let Err(error) = made.await {
            tracing::warn!(%error, "could not prepare the API client");
        }
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

    /// The fresh instance lists fetched in this session: what online diagnostics may trust
    /// (never a listing under way, never the disk copy).
    pub fn fresh_lists(&self, options: &OnlineOptions) -> InstanceLists {
        let state = self.lock();
        let mut lists = InstanceLists::default();
        for (region, list) in &state.groups {
            let fetched = &list.fetched;
            if let Some(groups) = fetched
                .value()
                .filter(|_| fetched.is_fresh(options.cache_ttl))
            {
                lists.insert(region.clone(), groups);
            }
        }
        lists
    }

    /// The best of `region`'s instances for completion, hover and lenses: the list last
    /// fetched (fresh or not), else the disk copy, else the pages of the listing under way.
    pub fn groups(&self, region: &str) -> Option<ListView> {
        let state = self.lock();
        let list = state.groups.get(region)?;
        if let Some(groups) = list.fetched.value() {
            return Some(ListView {
                groups,
                cached_at: None,
                complete: true,
            });
        }
        if let Some(kept) = &list.kept {
            return Some(ListView {
                groups: kept.groups.clone(),
                cached_at: Some(kept.saved_at),
                complete: kept.whole,
            });
        }
        list.partial.clone().map(|groups| ListView {
            groups,
            cached_at: None,
            complete: false,
        })
    }

    /// Whether `region`'s list is fresh.
    pub fn is_fresh(&self, region: &str, options: &OnlineOptions) -> bool {
        self.lock()
            .groups
            .get(region)
            .is_some_and(|list| list.fetched.is_fresh(options.cache_ttl))
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
            let (claimed, read_disk) = {
                let mut state = self.lock();
                let list = state.groups.entry(region.clone()).or_default();
                let claimed = list.fetched.claim(options.cache_ttl);
                (
                    claimed,
                    claimed && !std::mem::replace(&mut list.disk_read, true),
                )
            };
            if claimed {
                tokio::spawn(
                    self.clone()
                        .fetch_groups(client.clone(), region.clone(), read_disk),
                );
            }
        }
        None
    }

    fn bump(&self) {
        self.landed.send_modify(|generation| *generation += 1);
    }

    /// Lists `region`: first the disk copy (when `read_disk`), then the API, page by page;
    /// the complete list is kept on disk for the next session.
    async fn fetch_groups(self: Arc<Self>, client: EciClient, region: String, read_disk: bool) {
        let key = (
            client.access_key_id().to_owned(),
            client.endpoint().base().to_owned(),
        );
        if read_disk {
            self.clone().read_kept(&key, &region).await;
        }
        let on_page = |page: &[ContainerGroup]| {
            let mut state = self.lock();
            let list = state.groups.entry(region.clone()).or_default();
            let partial = list.partial.get_or_insert_with(Arc::default);
            Arc::make_mut(partial).extend_from_slice(page);
        };
        let result = client
            .describe_container_groups_paged(&region, &[], on_page)
            .await;
        let groups = match result {
            Ok(groups) => Some(groups),
            Err(error) => {
                tracing::warn!(region, %error, "cannot list container groups");
                None
            }
        };
        if let Some(groups) = &groups {
            let (disk, groups, region) = (self.disk.clone(), groups.clone(), region.clone());
            drop(tokio::task::spawn_blocking(move || {
                disk.save(&list_key(&key, &region), &groups)
            }));
        }
        let landed = groups.is_some();
        {
            let mut state = self.lock();
            let list = state.groups.entry(region).or_default();
            list.partial = None;
            list.fetched.store(groups);
        }
        if landed {
            self.bump();
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

/// The disk copy's key: (identity, endpoint) and the region.
fn list_key<'a>(key: &'a (String, String), region: &'a str) -> ListKey<'a> {
    ListKey {
        identity: &key.0,
        endpoint: &key.1,
        region,
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

//! Instance lists kept on disk between sessions, so a restarted editor completes ids at once:
//! `$XDG_CACHE_HOME/eci-exec-lsp/` (else `~/.cache/eci-exec-lsp/`, through etcetera), the
//! folder 0700 and the files 0600, one file per (credentials identity, endpoint, region) named
//! by a hash of the three: neither a key nor a secret is written anywhere. A file is a header
//! line, then one instance per line, so that the first rows are served while the rest are
//! read. A file that cannot be read back whole is ignored, and replaced by the next list
//! fetched.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etcetera::BaseStrategy;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::eci::{Container, ContainerGroup, ContainerState, Tag};

/// The files' format; another version is read as damaged.
const VERSION: u32 = 3;

/// How many rows `load` hands over early, before it reads the rest: enough to complete from,
/// read in well under a millisecond.
pub const EARLY_ROWS: usize = 500;

/// Where lists are kept (no folder: no home directory, nothing kept).
#[derive(Clone, Debug)]
pub struct DiskCache {
    folder: Option<PathBuf>,
}

/// Whose list of which region, through which endpoint.
pub struct ListKey<'a> {
    /// The AccessKeyId: lists differ between accounts and RAM users.
    pub identity: &'a str,
    pub endpoint: &'a str,
    pub region: &'a str,
}

/// A list read back, and when it was fetched.
pub struct SavedList {
    pub groups: Vec<ContainerGroup>,
    pub saved_at: SystemTime,
}

/// The first line of a file; `count` rows follow, one per line.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    version: u32,
    region: String,
    /// Seconds since the Unix epoch.
    saved_at: u64,
    count: usize,
}

/// An instance as kept: what the editor shows of it (id, name, status, region, zone, private
/// IP, creation time, containers, tags), as a positional row. Read strictly, thousands of rows
/// parse several times faster than the API's answers, whose every field is read leniently.
#[derive(Serialize, Deserialize)]
struct KeptGroup(
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Vec<KeptContainer>,
    Vec<(String, String)>,
);

/// A container as kept: name, image, readiness, state.
#[derive(Serialize, Deserialize)]
struct KeptContainer(String, String, bool, String);

impl KeptGroup {
    fn from_group(group: &ContainerGroup) -> KeptGroup {
        let containers = group
            .containers
            .iter()
            .map(|c| {
                KeptContainer(
                    c.name.clone(),
                    c.image.clone(),
                    c.ready,
                    c.current_state.state.clone(),
                )
            })
            .collect();
        let tags = group
            .tags
            .iter()
            .map(|tag| (tag.key.clone(), tag.value.clone()))
            .collect();
        KeptGroup(
            group.container_group_id.clone(),
            group.container_group_name.clone(),
            group.status.clone(),
            group.region_id.clone(),
            group.zone_id.clone(),
            group.intranet_ip.clone(),
            group.creation_time.clone(),
            containers,
            tags,
        )
    }

    fn into_group(self) -> ContainerGroup {
        let KeptGroup(id, name, status, region, zone, ip, created, containers, tags) = self;
        ContainerGroup {
            container_group_id: id,
            container_group_name: name,
            status,
            region_id: region,
            zone_id: zone,
            intranet_ip: ip,
            creation_time: created,
            containers: containers
                .into_iter()
                .map(|KeptContainer(name, image, ready, state)| Container {
                    name,
                    image,
                    ready,
                    current_state: ContainerState {
                        state,
                        ..ContainerState::default()
                    },
                    ..Container::default()
                })
                .collect(),
            tags: tags
                .into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect(),
            ..ContainerGroup::default()
        }
    }
}

impl DiskCache {
    /// The user's cache folder, by the platform's rules.
    pub fn from_environment() -> DiskCache {
        let folder = etcetera::choose_base_strategy()
            .ok()
            .map(|base| base.cache_dir().join("eci-exec-lsp"));
        DiskCache::in_folder(folder)
    }

    /// Lists kept in `folder` (none kept without one).
    pub fn in_folder(folder: Option<PathBuf>) -> DiskCache {
        DiskCache { folder }
    }

    fn path(&self, key: &ListKey<'_>) -> Option<PathBuf> {
        let mut hash = Sha256::new();
        for part in [key.identity, key.endpoint, key.region] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        let name = format!("{}.json", hex::encode(hash.finalize()));
        Some(self.folder.as_ref()?.join(name))
    }

    /// The list kept for `key`, if there is one that reads back whole. When it holds more
    /// than `EARLY_ROWS` rows, `early` gets the first of them as soon as they are read (a file
    /// found damaged after that still reads as none).
    pub fn load(
        &self,
        key: &ListKey<'_>,
        early: impl FnOnce(Vec<ContainerGroup>, SystemTime),
    ) -> Option<SavedList> {
        let path = self.path(key)?;
        let started = std::time::Instant::now();
        let bytes = std::fs::read(&path).ok()?;
        let read = started.elapsed();
        let saved = parse(&bytes, key.region, early);
        match &saved {
            Ok(saved) => {
                tracing::debug!(region = key.region, rows = saved.groups.len(), bytes = bytes.len(), ?read, parsed = ?started.elapsed(), "read a kept instance list")
            }
            Err(why) => {
                tracing::warn!(path = %path.display(), why, "ignored a damaged cached instance list")
            }
        }
        saved.ok()
    }

    /// Keeps `groups` for `key`, replacing what was there; failures are logged, never fatal.
    pub fn save(&self, key: &ListKey<'_>, groups: &[ContainerGroup]) {
        let Some(path) = self.path(key) else {
            return;
        };
        let header = Header {
            version: VERSION,
            region: key.region.to_owned(),
            saved_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.as_secs()),
            count: groups.len(),
        };
        if let Err(error) = write_private(&path, &header, groups) {
            tracing::warn!(path = %path.display(), %error, "cannot keep the instance list on disk");
        }
    }
}

/// Reads a file's header, then its rows; says why when the file is not one whole list of
/// `region`.
fn parse(
    bytes: &[u8],
    region: &str,
    early: impl FnOnce(Vec<ContainerGroup>, SystemTime),
) -> Result<SavedList, String> {
    let mut lines = bytes.split(|&byte| byte == b'\n');
    let header: Header = serde_json::from_slice(lines.next().unwrap_or_default())
        .map_err(|error| format!("header: {error}"))?;
    let saved_at = UNIX_EPOCH
        .checked_add(Duration::from_secs(header.saved_at))
        .filter(|_| header.version == VERSION && header.region == region)
        .ok_or("a list of another kind")?;
    let mut groups = Vec::with_capacity(header.count.min(bytes.len() / 16));
    let mut early = Some(early);
    for (index, line) in lines.take(header.count).enumerate() {
        let row: KeptGroup =
            serde_json::from_slice(line).map_err(|error| format!("row {}: {error}", index + 1))?;
        groups.push(row.into_group());
        if groups.len() == EARLY_ROWS && header.count > EARLY_ROWS {
            if let Some(early) = early.take() {
                early(groups.clone(), saved_at);
            }
        }
    }
    if groups.len() != header.count {
        return Err(format!("{} rows of {}", groups.len(), header.count));
    }
    Ok(SavedList { groups, saved_at })
}

/// Writes the header and `groups`, a line each, to `path` through a temporary file in the same
/// folder (renamed over the old one, so a reader never sees half a file), both private to the
/// user.
fn write_private(path: &Path, header: &Header, groups: &[ContainerGroup]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    create_private_folder(folder)?;
    let temporary = folder.join(format!(".{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut writer = std::io::BufWriter::new(options.open(&temporary)?);
    serde_json::to_writer(&mut writer, header)?;
    for group in groups {
        writer.write_all(b"\n")?;
        serde_json::to_writer(&mut writer, &KeptGroup::from_group(group))?;
    }
    writer.flush()?;
    drop(writer);
    std::fs::rename(&temporary, path)
}

fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)?;
    // A folder made earlier, or by someone else, may be wider open: narrow it.
    #[cfg(unix)]
    std::fs::set_permissions(folder, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_in(folder: &Path) -> DiskCache {
        DiskCache::in_folder(Some(folder.join("eci-exec-lsp")))
    }

    fn key(region: &str) -> ListKey<'_> {
        ListKey {
            identity: "LTAI5tKeyId",
            endpoint: "https://eci.aliyuncs.com",
            region,
        }
    }

    #[test]
    fn a_list_reads_back_and_damage_is_ignored() {
        let home = tempfile::tempdir().unwrap();
        let cache = cache_in(home.path());
        let groups = vec![ContainerGroup {
            container_group_id: "eci-1".to_owned(),
            container_group_name: "web-1".to_owned(),
            status: "Running".to_owned(),
            containers: vec![Container {
                name: "nginx".to_owned(),
                image: "nginx:1.27".to_owned(),
                ready: true,
                current_state: ContainerState {
                    state: "Running".to_owned(),
                    ..ContainerState::default()
                },
                ..Container::default()
            }],
            tags: vec![Tag {
                key: "app".to_owned(),
                value: "web".to_owned(),
            }],
            ..ContainerGroup::default()
        }];
        cache.save(&key("cn-hangzhou"), &groups);
        let saved = cache.load(&key("cn-hangzhou"), |_, _| {}).expect("kept");
        assert_eq!(saved.groups, groups);
        assert!(
            cache.load(&key("cn-beijing"), |_, _| {}).is_none(),
            "another region"
        );
        let path = cache.path(&key("cn-hangzhou")).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.contains("LTAI") && !name.contains("hangzhou"),
            "{name}"
        );
        std::fs::write(&path, b"{\"version\": 1, \"region\": \"cn-hang").unwrap();
        assert!(cache.load(&key("cn-hangzhou"), |_, _| {}).is_none());
        cache.save(&key("cn-hangzhou"), &groups);
        assert!(
            cache.load(&key("cn-hangzhou"), |_, _| {}).is_some(),
            "replaced"
        );
    }

    /// A time past what `SystemTime` holds is damage too, not a panic (found while writing the
    /// `disk_cache` fuzz target).
    #[test]
    fn a_saved_time_out_of_range_is_damage() {
        let home = tempfile::tempdir().unwrap();
        let cache = cache_in(home.path());
        cache.save(&key("cn-hangzhou"), &[]);
        let path = cache.path(&key("cn-hangzhou")).unwrap();
        let file = format!(
            r#"{{"version": {VERSION}, "region": "cn-hangzhou", "savedAt": {}, "count": 0}}"#,
            u64::MAX
        );
        std::fs::write(&path, file).unwrap();
        assert!(cache.load(&key("cn-hangzhou"), |_, _| {}).is_none());
    }

    fn generated(count: usize) -> Vec<ContainerGroup> {
        (0..count)
            .map(|n| ContainerGroup {
                container_group_id: format!("eci-gen{n:06}"),
                container_group_name: format!("web-{n}"),
                status: "Running".to_owned(),
                ..ContainerGroup::default()
            })
            .collect()
    }

    #[test]
    fn the_first_rows_of_a_long_list_come_early_and_a_short_one_comes_whole() {
        let home = tempfile::tempdir().unwrap();
        let cache = cache_in(home.path());
        let groups = generated(EARLY_ROWS + 7);
        cache.save(&key("cn-hangzhou"), &groups);
        let mut early = None;
        let saved = cache
            .load(&key("cn-hangzhou"), |rows, _| early = Some(rows))
            .expect("kept");
        assert_eq!(saved.groups, groups);
        assert_eq!(early.as_deref(), Some(&groups[..EARLY_ROWS]));

        cache.save(&key("cn-hangzhou"), &groups[..EARLY_ROWS]);
        let mut called = false;
        let saved = cache.load(&key("cn-hangzhou"), |_, _| called = true);
        assert_eq!(saved.expect("kept").groups.len(), EARLY_ROWS);
        assert!(!called, "nothing more to come: no early rows");
    }

    /// Rows handed over early do not make a damaged file good: cut short, or with a bad row
    /// after the early ones, it reads as none.
    #[test]
    fn a_file_damaged_after_the_early_rows_reads_as_none() {
        let home = tempfile::tempdir().unwrap();
        let cache = cache_in(home.path());
        cache.save(&key("cn-hangzhou"), &generated(EARLY_ROWS + 3));
        let path = cache.path(&key("cn-hangzhou")).unwrap();
        let whole = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = whole.lines().collect();
        let cut = lines[..lines.len() - 1].join("\n");
        let bad_row = format!("{cut}\n[\"eci-bad\"]");
        for damaged in [cut, bad_row] {
            std::fs::write(&path, damaged).unwrap();
            let mut early = 0;
            let saved = cache.load(&key("cn-hangzhou"), |rows, _| early = rows.len());
            assert!(saved.is_none());
            assert_eq!(early, EARLY_ROWS);
        }
    }
}

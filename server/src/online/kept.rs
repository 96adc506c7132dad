//! A region's list kept on disk by an earlier session, read back into the online state: its
//! first rows served as soon as they are read, the whole list when the file is read to its end,
//! nothing if the rest turns out damaged.

use std::sync::Arc;
use std::time::SystemTime;

use super::{Online, list_key};
use crate::eci::ContainerGroup;

/// A list read back from the disk.
pub(super) struct Kept {
    pub(super) groups: Arc<Vec<ContainerGroup>>,
    /// When it was fetched.
    pub(super) saved_at: SystemTime,
    /// Whether all its rows are read.
    pub(super) whole: bool,
}

impl Online {
    /// Serves `region`'s list kept on disk for `key` (identity, endpoint): each step that
    /// changes what may be shown signals `landed`.
    pub(super) async fn read_kept(self: Arc<Self>, key: &(String, String), region: &str) {
        let (disk, key, name) = (self.disk.clone(), key.clone(), region.to_owned());
        let online = self.clone();
        let early = move |groups, saved_at| online.keep(&name, groups, saved_at, false);
        let name = region.to_owned();
        let read = tokio::task::spawn_blocking(move || disk.load(&list_key(&key, &name), early));
        match read.await {
            Ok(Some(saved)) => self.keep(region, saved.groups, saved.saved_at, true),
            _ => {
                let forgotten = self
                    .lock()
                    .groups
                    .get_mut(region)
                    .and_then(|list| list.kept.take());
                if forgotten.is_some() {
                    self.bump();
                }
            }
        }
    }

    fn keep(&self, region: &str, groups: Vec<ContainerGroup>, saved_at: SystemTime, whole: bool) {
        let kept = Kept {
            groups: Arc::new(groups),
            saved_at,
            whole,
        };
        self.lock()
            .groups
            .entry(region.to_owned())
            .or_default()
            .kept = Some(kept);
        self.bump();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tokio::sync::watch;

    use super::*;
    use crate::online::disk::{DiskCache, EARLY_ROWS};

    const REGION: &str = "cn-hangzhou";

    fn key() -> (String, String) {
        (
            "LTAI5tKeyId".to_owned(),
            "https://eci.aliyuncs.com".to_owned(),
        )
    }

    /// An online state keeping its lists in `folder`, with `rows` instances kept for `REGION`.
    fn online_with_kept(folder: &std::path::Path, rows: usize) -> (Arc<Online>, DiskCache) {
        let disk = DiskCache::in_folder(Some(folder.to_owned()));
        let groups: Vec<ContainerGroup> = (0..rows)
            .map(|n| ContainerGroup {
                container_group_id: format!("eci-gen{n:06}"),
                ..ContainerGroup::default()
            })
            .collect();
        let key = key();
        disk.save(&list_key(&key, REGION), &groups);
        let online = Arc::new(Online {
            state: Mutex::default(),
            landed: watch::Sender::new(0),
            disk: disk.clone(),
        });
        (online, disk)
    }

    #[tokio::test]
    async fn a_long_list_is_served_first_in_part_then_whole() {
        let folder = tempfile::tempdir().unwrap();
        let (online, _) = online_with_kept(folder.path(), EARLY_ROWS + 5);
        online.clone().read_kept(&key(), REGION).await;
        let view = online.groups(REGION).expect("kept");
        assert_eq!(view.groups.len(), EARLY_ROWS + 5);
        assert!(view.complete && view.cached_at.is_some());
        assert_eq!(
            online.generation(),
            2,
            "the first rows, then the whole list"
        );
    }

    #[tokio::test]
    async fn rows_served_from_a_file_damaged_further_on_are_taken_back() {
        let folder = tempfile::tempdir().unwrap();
        let (online, disk) = online_with_kept(folder.path(), EARLY_ROWS + 5);
        let file = std::fs::read_dir(folder.path()).unwrap().next().unwrap();
        let path = file.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() - 10]).unwrap();
        online.clone().read_kept(&key(), REGION).await;
        assert!(
            online.groups(REGION).is_none(),
            "the damaged list was taken back"
        );
        assert_eq!(online.generation(), 2, "served, then taken back");
        assert!(disk.load(&list_key(&key(), REGION), |_, _| {}).is_none());
    }
}

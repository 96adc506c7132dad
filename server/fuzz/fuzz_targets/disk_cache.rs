//! Fuzz target: the instance lists kept on disk between sessions (`online::disk`), read back
//! from whatever the file holds (damaged, of another version, edited by hand). Never a panic;
//! rows handed over early are the first of the list; a list that reads back, kept again, reads
//! back the same.
//!
//! Input: the kept file's bytes. The cache lives in `$TMPDIR/eci-exec-fuzz-cache-<pid>/`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use eci_exec_lsp::online::disk::{DiskCache, ListKey};
use libfuzzer_sys::fuzz_target;

const KEY: ListKey<'static> = ListKey {
    identity: "LTAI5tFAKEKEY",
    endpoint: "https://eci.aliyuncs.com",
    region: "cn-hangzhou",
};

/// A cache in a folder of this process's own, and the path of `KEY`'s file in it.
fn cache() -> &'static (DiskCache, PathBuf) {
    static CACHE: OnceLock<(DiskCache, PathBuf)> = OnceLock::new();
    CACHE.get_or_init(|| {
        let home = std::env::temp_dir().join(format!("eci-exec-fuzz-cache-{}", std::process::id()));
        // SAFETY: set once, before the cache reads it, and libFuzzer runs the target on one
        // thread.
        unsafe { std::env::set_var("XDG_CACHE_HOME", &home) };
        let cache = DiskCache::from_environment();
        cache.save(&KEY, &[]);
        let file = std::fs::read_dir(home.join("eci-exec-lsp"))
            .expect("the cache folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|ext| ext == "json"))
            .expect("the kept file");
        (cache, file)
    })
}

fuzz_target!(|data: &[u8]| {
    let (cache, file) = cache();
    std::fs::write(file, data).expect("write the kept file");
    let mut early = None;
    let Some(saved) = cache.load(&KEY, |rows, _| early = Some(rows)) else {
        return;
    };
    if let Some(early) = early {
        assert!(saved.groups.starts_with(&early), "early rows that are not the list's first");
    }
    cache.save(&KEY, &saved.groups);
    let again = cache.load(&KEY, |_, _| {}).expect("a list just kept reads back");
    assert_eq!(again.groups, saved.groups, "kept again, the list changed");
});

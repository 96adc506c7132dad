//! One cached value fetched in the background: fresh for a time to live, claimed by one
//! fetch at a time, and left alone for a while after a failed fetch.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long after a failed fetch the next one may start.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);

pub struct Cached<T> {
    value: Option<Arc<T>>,
    fetched_at: Option<Instant>,
    fetching: bool,
    /// When the last fetch failed: no new attempt for a while, so a dead API is not hammered.
    failed_at: Option<Instant>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Cached {
            value: None,
            fetched_at: None,
            fetching: false,
            failed_at: None,
        }
    }
}

impl<T> Cached<T> {
    /// The value as last fetched, fresh or not.
    pub fn value(&self) -> Option<Arc<T>> {
        self.value.clone()
    }

    pub fn is_fresh(&self, ttl: Duration) -> bool {
        self.value.is_some() && self.fetched_at.is_some_and(|at| at.elapsed() < ttl)
    }

    /// Claims the fetch when the value is missing or stale and no fetch runs or just failed.
    pub fn claim(&mut self, ttl: Duration) -> bool {
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
    pub fn store(&mut self, result: Option<T>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_fetch_at_a_time_and_none_while_fresh_or_cooling() {
        let ttl = Duration::from_secs(60);
        let mut cached: Cached<u32> = Cached::default();
        assert!(cached.claim(ttl));
        assert!(!cached.claim(ttl), "a fetch is under way");
        cached.store(Some(1));
        assert!(cached.is_fresh(ttl));
        assert!(!cached.claim(ttl), "fresh");
        assert!(
            cached.claim(Duration::ZERO),
            "stale at once with no time to live"
        );
        cached.store(None);
        assert_eq!(
            cached.value().as_deref(),
            Some(&1),
            "a failure keeps the old value"
        );
        assert!(!cached.claim(ttl), "cooling after a failure");
    }
}

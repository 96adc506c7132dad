//! When to retry a failed call, and how long to wait before the next attempt.

use std::time::Duration;

use super::error::ApiError;

/// How many attempts, and the backoff between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The first backoff; it doubles each time.
    pub base_delay: Duration,
    /// The longest wait, also for `x-acs-retry-after`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Read calls may be repeated; `ExecContainerCommand` runs a command, so it may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    Read,
    Exec,
}

/// Reads retry on network errors, timeouts, 5xx and throttling; exec only on throttling
/// (the server refused it before running anything).
pub(crate) fn should_retry(kind: CallKind, error: &ApiError) -> bool {
    if error.is_throttling() {
        return true;
    }
    if kind == CallKind::Exec {
        return false;
    }
    match error {
        ApiError::Network { .. } | ApiError::Timeout { .. } => true,
        ApiError::HttpStatus { status, .. } => *status >= 500,
        ApiError::Service(service) => {
            service.status >= 500
                || matches!(
                    service.code.as_str(),
                    "ServiceUnavailable" | "InternalError"
                )
        }
        ApiError::InvalidResponse { .. } => false,
    }
}

/// The wait after `failed` attempts: exponential with jitter (half to all of it), or the
/// server's `x-acs-retry-after` when longer; never above `max_delay`.
pub(crate) fn delay(policy: &RetryPolicy, failed: u32, retry_after: Option<Duration>) -> Duration {
    let exponential = policy
        .base_delay
        .saturating_mul(1 << failed.saturating_sub(1).min(16));
    let capped = exponential.min(policy.max_delay);
    // uuid's v4 generator is already our randomness source; a crate for jitter is not needed.
    let random = (uuid::Uuid::new_v4().as_u128() % 1000) as u32;
    let jittered = capped / 2 + capped / 2 * random / 1000;
    jittered
        .max(retry_after.unwrap_or_default())
        .min(policy.max_delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_with_jitter_and_honours_retry_after() {
        let policy = RetryPolicy::default();
        for failed in 1..=6 {
            let wait = delay(&policy, failed, None);
            let full = (policy.base_delay * (1 << (failed - 1))).min(policy.max_delay);
            assert!(wait >= full / 2 && wait <= full, "{failed}: {wait:?}");
        }
        assert_eq!(
            delay(&policy, 1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            delay(&policy, 1, Some(Duration::from_secs(60))),
            policy.max_delay
        );
    }
}

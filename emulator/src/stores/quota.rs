//! StartChatContact's quotas: the request-rate token bucket and the cap on concurrent chats, both
//! changeable at run time.

use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use crate::config::QuotaConfig;
use crate::sync::lock;

/// The quotas in force and the bucket's fill, as `GET /_emulator/quota` and `Emulator::quota` show them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaStatus {
    pub enabled: bool,
    pub rate_per_second: f64,
    pub burst: u32,
    /// Tokens in the bucket now (fractional while it refills); a call needs one.
    pub available_tokens: f64,
    /// The cap on concurrently active chats; `None` = no cap.
    pub max_active_chats: Option<usize>,
    /// Chats active now.
    pub active_chats: usize,
}

struct Bucket {
    config: QuotaConfig,
    tokens: f64,
    refilled_at: Instant,
}

impl Bucket {
    fn full(config: QuotaConfig) -> Self {
        Bucket {
            tokens: f64::from(config.burst),
            config,
            refilled_at: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now
            .saturating_duration_since(self.refilled_at)
            .as_secs_f64();
        self.tokens =
            (self.tokens + elapsed * self.config.rate_per_second).min(f64::from(self.config.burst));
        self.refilled_at = now;
    }
}

pub(crate) struct Quotas {
    bucket: Mutex<Bucket>,
    max_active_chats: Mutex<Option<usize>>,
}

impl Quotas {
    pub(crate) fn new(config: QuotaConfig, max_active_chats: Option<usize>) -> Self {
        Quotas {
            bucket: Mutex::new(Bucket::full(config)),
            max_active_chats: Mutex::new(max_active_chats),
        }
    }

    /// Takes a token for one call; false when the bucket is empty (the call is throttled).
    pub(crate) fn try_take(&self) -> bool {
        let mut bucket = lock(&self.bucket);
        if !bucket.config.enabled {
            return true;
        }
        bucket.refill(Instant::now());
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub(crate) fn config(&self) -> QuotaConfig {
        lock(&self.bucket).config.clone()
    }

    /// Puts a new rate quota in force, with a full bucket.
    pub(crate) fn set(&self, config: QuotaConfig) {
        *lock(&self.bucket) = Bucket::full(config);
    }

    /// Fills the bucket, keeping the quota in force.
    pub(crate) fn refill_fully(&self) {
        let mut bucket = lock(&self.bucket);
        let config = bucket.config.clone();
        *bucket = Bucket::full(config);
    }

    pub(crate) fn max_active_chats(&self) -> Option<usize> {
        *lock(&self.max_active_chats)
    }

    pub(crate) fn set_max_active_chats(&self, max: Option<usize>) {
        *lock(&self.max_active_chats) = max;
    }

    pub(crate) fn status(&self, active_chats: usize) -> QuotaStatus {
        let mut bucket = lock(&self.bucket);
        bucket.refill(Instant::now());
        QuotaStatus {
            enabled: bucket.config.enabled,
            rate_per_second: bucket.config.rate_per_second,
            burst: bucket.config.burst,
            available_tokens: bucket.tokens,
            max_active_chats: self.max_active_chats(),
            active_chats,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn quota(rate_per_second: f64, burst: u32) -> QuotaConfig {
        QuotaConfig {
            enabled: true,
            rate_per_second,
            burst,
        }
    }

    #[test]
    fn a_full_bucket_allows_the_burst_then_refills_at_the_rate() {
        let mut bucket = Bucket::full(quota(5.0, 8));
        let start = bucket.refilled_at;
        bucket.tokens = 0.0;
        bucket.refill(start + Duration::from_millis(200));
        assert!((bucket.tokens - 1.0).abs() < 1e-9, "{}", bucket.tokens);
        bucket.refill(start + Duration::from_secs(60));
        assert_eq!(bucket.tokens, 8.0, "never above the burst");
    }

    #[test]
    fn throttles_once_empty_and_never_when_disabled() {
        let quotas = Quotas::new(quota(0.0, 3), None);
        assert_eq!((0..5).filter(|_| quotas.try_take()).count(), 3);
        quotas.refill_fully();
        assert!(quotas.try_take());
        quotas.set(QuotaConfig::OFF);
        assert!((0..100).all(|_| quotas.try_take()));
        assert!(!quotas.status(0).enabled);
    }

    #[test]
    fn the_active_chat_cap_changes_at_run_time() {
        let quotas = Quotas::new(QuotaConfig::CONNECT_DEFAULT, Some(2));
        assert_eq!(quotas.status(1).max_active_chats, Some(2));
        quotas.set_max_active_chats(None);
        let status = quotas.status(1);
        assert_eq!((status.max_active_chats, status.active_chats), (None, 1));
        assert_eq!(status.available_tokens, 8.0);
    }
}

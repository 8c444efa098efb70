//! The quotas: a request-rate token bucket per operation, and StartChatContact's cap on concurrent
//! chats, all changeable at run time.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;

use crate::config::QuotaConfig;
use crate::operation::Operation;
use crate::sync::lock;

/// The quotas in force and the buckets' fill, as `GET /_emulator/quota` and `Emulator::quota` show
/// them. The top-level rate fields are StartChatContact's; `operations` has every operation's.
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
    /// Every operation's bucket, by operation name.
    pub operations: BTreeMap<String, BucketStatus>,
}

/// One operation's rate quota and its bucket's fill.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketStatus {
    pub enabled: bool,
    pub rate_per_second: f64,
    pub burst: u32,
    pub available_tokens: f64,
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

    fn status(&mut self) -> BucketStatus {
        self.refill(Instant::now());
        BucketStatus {
            enabled: self.config.enabled,
            rate_per_second: self.config.rate_per_second,
            burst: self.config.burst,
            available_tokens: self.tokens,
        }
    }
}

pub(crate) struct Quotas {
    buckets: Mutex<BTreeMap<Operation, Bucket>>,
    max_active_chats: Mutex<Option<usize>>,
}

impl Quotas {
    /// Each operation's quota from `configured`, else Connect's default for it.
    pub(crate) fn new(
        configured: &BTreeMap<Operation, QuotaConfig>,
        max_active_chats: Option<usize>,
    ) -> Self {
        let buckets = Operation::ALL
            .into_iter()
            .map(|operation| {
                let config = configured
                    .get(&operation)
                    .cloned()
                    .unwrap_or_else(|| QuotaConfig::connect_default(operation));
                (operation, Bucket::full(config))
            })
            .collect();
        Quotas {
            buckets: Mutex::new(buckets),
            max_active_chats: Mutex::new(max_active_chats),
        }
    }

    /// Takes a token for one call of `operation`; false when its bucket is empty (throttled).
    pub(crate) fn try_take(&self, operation: Operation) -> bool {
        let mut buckets = lock(&self.buckets);
        let Some(bucket) = buckets.get_mut(&operation) else {
            return true;
        };
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

    pub(crate) fn config(&self, operation: Operation) -> QuotaConfig {
        lock(&self.buckets).get(&operation).map_or_else(
            || QuotaConfig::connect_default(operation),
            |b| b.config.clone(),
        )
    }

    /// Puts a new rate quota in force for `operation`, with a full bucket.
    pub(crate) fn set(&self, operation: Operation, config: QuotaConfig) {
        lock(&self.buckets).insert(operation, Bucket::full(config));
    }

    /// Fills every bucket, keeping the quotas in force.
    pub(crate) fn refill_fully(&self) {
        for bucket in lock(&self.buckets).values_mut() {
            *bucket = Bucket::full(bucket.config.clone());
        }
    }

    pub(crate) fn max_active_chats(&self) -> Option<usize> {
        *lock(&self.max_active_chats)
    }

    pub(crate) fn set_max_active_chats(&self, max: Option<usize>) {
        *lock(&self.max_active_chats) = max;
    }

    pub(crate) fn status(&self, active_chats: usize) -> QuotaStatus {
        let mut buckets = lock(&self.buckets);
        let operations: BTreeMap<String, BucketStatus> = buckets
            .iter_mut()
            .map(|(operation, bucket)| (operation.name().to_owned(), bucket.status()))
            .collect();
        let start_chat = operations
            .get(Operation::StartChatContact.name())
            .cloned()
            .unwrap_or(BucketStatus {
                enabled: false,
                rate_per_second: 0.0,
                burst: 0,
                available_tokens: 0.0,
            });
        QuotaStatus {
            enabled: start_chat.enabled,
            rate_per_second: start_chat.rate_per_second,
            burst: start_chat.burst,
            available_tokens: start_chat.available_tokens,
            max_active_chats: self.max_active_chats(),
            active_chats,
            operations,
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
        let start_chat = Operation::StartChatContact;
        let quotas = Quotas::new(&BTreeMap::from([(start_chat, quota(0.0, 3))]), None);
        assert_eq!((0..5).filter(|_| quotas.try_take(start_chat)).count(), 3);
        quotas.refill_fully();
        assert!(quotas.try_take(start_chat));
        quotas.set(start_chat, QuotaConfig::OFF);
        assert!((0..100).all(|_| quotas.try_take(start_chat)));
        assert!(!quotas.status(0).enabled);
    }

    #[test]
    fn each_operation_has_its_own_bucket_with_connect_s_default() {
        let quotas = Quotas::new(&BTreeMap::new(), None);
        let status = quotas.status(0);
        assert_eq!(status.operations.len(), Operation::ALL.len());
        assert_eq!(status.operations["GetCurrentMetricData"].burst, 8);
        assert_eq!(status.operations["DescribeQueue"].burst, 5);
        assert_eq!(status.operations["DescribeQueue"].rate_per_second, 2.0);
        let describe = Operation::DescribeQueue;
        assert_eq!((0..9).filter(|_| quotas.try_take(describe)).count(), 5);
        assert!(quotas.try_take(Operation::GetEffectiveHoursOfOperations));
        assert_eq!(
            quotas.status(0).available_tokens,
            8.0,
            "StartChatContact's is untouched"
        );
    }

    #[test]
    fn the_active_chat_cap_changes_at_run_time() {
        let quotas = Quotas::new(&BTreeMap::new(), Some(2));
        assert_eq!(quotas.status(1).max_active_chats, Some(2));
        quotas.set_max_active_chats(None);
        let status = quotas.status(1);
        assert_eq!((status.max_active_chats, status.active_chats), (None, 1));
        assert_eq!(status.available_tokens, 8.0);
    }
}

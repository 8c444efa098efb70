//! The rate quotas of the Connect operations, as configured.

use serde::{Deserialize, Serialize};

use crate::operation::Operation;

/// An operation's rate quota: a token bucket holding up to `burst` calls, refilled at
/// `rate_per_second`, per account and Region as Amazon Connect counts. Every call with a valid
/// signature takes a token (StartChatContact's idempotent replays included); without one, the call
/// is answered `ThrottlingException` (429).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct QuotaConfig {
    /// When false, no call is ever throttled.
    pub enabled: bool,
    /// Tokens added per second (may be fractional; 0 never refills).
    pub rate_per_second: f64,
    /// The bucket's size: how many calls may come at once after a quiet spell.
    pub burst: u32,
}

impl QuotaConfig {
    /// Amazon Connect's default StartChatContact quota: 5 per second, burst 8.
    pub const CONNECT_DEFAULT: QuotaConfig = QuotaConfig {
        enabled: true,
        rate_per_second: 5.0,
        burst: 8,
    };

    /// Amazon Connect's default for the APIs without a quota of their own: 2 per second, burst 5.
    pub const OTHER_API_DEFAULT: QuotaConfig = QuotaConfig {
        enabled: true,
        rate_per_second: 2.0,
        burst: 5,
    };

    /// Amazon Connect's default quota of an operation: 5 per second, burst 8, for StartChatContact
    /// and GetCurrentMetricData; 2 per second, burst 5, for the others.
    pub fn connect_default(operation: Operation) -> QuotaConfig {
        match operation {
            Operation::StartChatContact | Operation::GetCurrentMetricData => {
                QuotaConfig::CONNECT_DEFAULT
            }
            _ => QuotaConfig::OTHER_API_DEFAULT,
        }
    }

    /// No rate quota: for tests and benchmarks that start many chats on purpose.
    pub const OFF: QuotaConfig = QuotaConfig {
        enabled: false,
        ..QuotaConfig::CONNECT_DEFAULT
    };

    /// Largest accepted rate and burst: beyond them the quota means nothing anyway.
    const MAX_RATE_PER_SECOND: f64 = 1_000_000.0;
    const MAX_BURST: u32 = 1_000_000;

    /// Why this quota cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if !(self.rate_per_second.is_finite()
            && (0.0..=Self::MAX_RATE_PER_SECOND).contains(&self.rate_per_second))
        {
            return Err(format!(
                "ratePerSecond must be a number from 0 to {}",
                Self::MAX_RATE_PER_SECOND
            ));
        }
        if self.burst > Self::MAX_BURST {
            return Err(format!("burst must be at most {}", Self::MAX_BURST));
        }
        Ok(())
    }
}

impl Default for QuotaConfig {
    fn default() -> Self {
        QuotaConfig::CONNECT_DEFAULT
    }
}

//! The answer: for each entry point, whether a customer can chat now, why not, and when that changes;
//! and what giving it cost, for the log line.

use crate::chat::ConnectFailure;
use jiff::Timestamp;
use std::time::Duration;

/// Why an entry point is (not) available, in the order the decision asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    QueueDisabled,
    ClosedByOverride,
    OutsideHours,
    NoAgentsStaffed,
    Open,
    /// Connect could not be asked (failing, throttled, slow) before a decision was reached.
    Unknown,
}

impl Reason {
    pub const ALL: [Self; 6] = [
        Self::QueueDisabled,
        Self::ClosedByOverride,
        Self::OutsideHours,
        Self::NoAgentsStaffed,
        Self::Open,
        Self::Unknown,
    ];

    /// The name in the answer and the log line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QueueDisabled => "QUEUE_DISABLED",
            Self::ClosedByOverride => "CLOSED_BY_OVERRIDE",
            Self::OutsideHours => "OUTSIDE_HOURS",
            Self::NoAgentsStaffed => "NO_AGENTS_STAFFED",
            Self::Open => "OPEN",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// `available`: yes, no, or unknown.
    pub fn available(self) -> Option<bool> {
        match self {
            Self::Open => Some(true),
            Self::Unknown => None,
            _ => Some(false),
        }
    }

    /// Closed whoever is logged in: by the hours, an override or the queue's status.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::QueueDisabled | Self::ClosedByOverride | Self::OutsideHours
        )
    }
}

/// One entry point's availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPointAvailability {
    pub reason: Reason,
    /// The next opening, when closed by the hours or an override and the fetched days hold one.
    pub opens_at: Option<Timestamp>,
    /// The end of the current open stretch, when it ends within the fetched days.
    pub closes_at: Option<Timestamp>,
    /// Connect's `ESTIMATED_WAIT_TIME`, when open and Connect can estimate it.
    pub estimated_wait_seconds: Option<u64>,
    /// The hours of operation's IANA time zone, when known.
    pub time_zone: Option<String>,
    /// Agent counts and queue depth: only when the operator turned them on.
    pub queue: Option<QueueDetails>,
}

impl EntryPointAvailability {
    pub fn available(&self) -> Option<bool> {
        self.reason.available()
    }
}

/// The queue's live figures for the chat channel; `None` when Connect could not be asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDetails {
    pub agents_online: Option<u64>,
    pub agents_available: Option<u64>,
    pub agents_staffed: Option<u64>,
    pub contacts_in_queue: Option<u64>,
    pub oldest_contact_age_seconds: Option<u64>,
}

/// The answer to "can a customer chat now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    /// The function's clock (Connect's, see [`super::clock`]), to the second.
    pub checked_at: Timestamp,
    /// `default` first, then the aliases in the order configured.
    pub entry_points: Vec<(String, EntryPointAvailability)>,
    /// How long browsers and CDNs may reuse the answer: until the cached figures expire or an entry
    /// point opens or closes, at least one second.
    pub max_age: Duration,
    pub report: RefreshReport,
}

impl Availability {
    pub fn entry_point(&self, name: &str) -> Option<&EntryPointAvailability> {
        self.entry_points
            .iter()
            .find(|(entry_point, _)| entry_point == name)
            .map(|(_, availability)| availability)
    }
}

/// Whether the answer came from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CacheUse {
    /// Everything was fresh.
    #[default]
    Hit,
    /// This request refreshed the cache.
    Refreshed,
    /// Another request was refreshing: this one waited for it (or for the budget to pass).
    Shared,
}

impl CacheUse {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Refreshed => "refreshed",
            Self::Shared => "shared",
        }
    }
}

/// The Connect API a call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    DescribeQueue,
    GetEffectiveHoursOfOperations,
    GetCurrentMetricData,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DescribeQueue => "DescribeQueue",
            Self::GetEffectiveHoursOfOperations => "GetEffectiveHoursOfOperations",
            Self::GetCurrentMetricData => "GetCurrentMetricData",
        }
    }
}

/// A call that failed: logged, never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFailure {
    pub operation: Operation,
    pub failure: ConnectFailure,
}

/// What giving an answer cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    pub cache: CacheUse,
    /// Calls to Connect this request made (0 unless it refreshed).
    pub connect_calls: u32,
    pub failures: Vec<SourceFailure>,
}

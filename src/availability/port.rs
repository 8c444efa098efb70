//! The port to Amazon Connect for availability, in the domain's terms: the SDK adapter implements it,
//! the cache calls it, nothing else knows the three APIs.

use crate::chat::{ConnectFailure, is_uuid};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;

/// What availability asks Amazon Connect. Each call is one API call: no retries (the cache decides when
/// to ask again), and the caller bounds the time.
pub trait AvailabilitySource: Send + Sync {
    /// `DescribeQueue`: the queue's status and hours of operation.
    fn describe_queue(
        &self,
        queue: &QueueId,
    ) -> impl Future<Output = Result<QueueDescription, ConnectFailure>> + Send;

    /// `GetEffectiveHoursOfOperations`: the open ranges of each date of `window` (inclusive), overrides
    /// applied, in the hours' own time zone.
    fn effective_hours(
        &self,
        hours_of_operation_id: &str,
        window: DateWindow,
    ) -> impl Future<Output = Result<EffectiveHours, ConnectFailure>> + Send;

    /// `GetCurrentMetricData` for the chat channel of `queues`, grouped by queue.
    fn current_metrics(
        &self,
        queues: &[QueueId],
    ) -> impl Future<Output = Result<MetricsSnapshot, ConnectFailure>> + Send;
}

/// An Amazon Connect queue id: a lowercase UUID, the end of the queue's ARN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueueId(String);

impl QueueId {
    pub fn parse(text: &str) -> Option<Self> {
        is_uuid(text).then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QueueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueStatus {
    Enabled,
    Disabled,
}

/// What `DescribeQueue` says that matters here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDescription {
    pub status: QueueStatus,
    /// Every standard queue has hours of operation; without them the schedule is unknown.
    pub hours_of_operation_id: Option<String>,
}

/// The dates asked of `GetEffectiveHoursOfOperations`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    pub from: Date,
    pub to: Date,
}

/// A range of local wall-clock time on one date. `end` at or before `start` ends on the next date (an
/// `end` of 00:00 is midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalRange {
    pub start: Time,
    pub end: Time,
}

/// One date's open ranges, overrides already applied; none means closed all day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveDay {
    pub date: Date,
    pub open: Vec<LocalRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideStatus {
    Open,
    Closed,
}

/// A range an override (a holiday, a special opening) sets on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverrideRange {
    pub date: Date,
    pub range: LocalRange,
    pub status: OverrideStatus,
}

/// What `GetEffectiveHoursOfOperations` answers: local dates and times in `time_zone` (IANA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveHours {
    pub time_zone: String,
    pub days: Vec<EffectiveDay>,
    /// Only used to say why the entry point is closed; `days` already has them applied.
    pub overrides: Vec<OverrideRange>,
}

/// The chat channel's live figures for one queue. Connect leaves a queue without data out of its answer:
/// that reads as zeros and no estimate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueMetrics {
    pub agents_online: f64,
    pub agents_available: f64,
    pub agents_staffed: f64,
    pub contacts_in_queue: f64,
    pub oldest_contact_age_seconds: f64,
    /// `ESTIMATED_WAIT_TIME`, when Connect can estimate it.
    pub estimated_wait_seconds: Option<f64>,
}

/// One `GetCurrentMetricData` answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsSnapshot {
    /// Connect's `DataSnapshotTime`: the function's clock follows it.
    pub taken_at: Option<Timestamp>,
    pub queues: HashMap<QueueId, QueueMetrics>,
}

impl MetricsSnapshot {
    /// The queue's figures; zeros when Connect left it out.
    pub fn queue(&self, queue: &QueueId) -> QueueMetrics {
        self.queues.get(queue).copied().unwrap_or_default()
    }
}

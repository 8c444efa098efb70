//! What the operator configures for availability, with the defaults and bounds the configuration checks.

use super::answer::Reason;
use super::port::QueueId;
use std::ops::RangeInclusive;
use std::time::Duration;

/// The entry point a browser reaches without naming a flow.
pub const DEFAULT_ENTRY_POINT: &str = "default";

pub const METRICS_TTL_SECONDS_DEFAULT: u64 = 15;
pub const METRICS_TTL_SECONDS_RANGE: RangeInclusive<u64> = 1..=300;
pub const SCHEDULE_TTL_SECONDS_DEFAULT: u64 = 300;
pub const SCHEDULE_TTL_SECONDS_RANGE: RangeInclusive<u64> = 10..=3600;
pub const TIMEOUT_MS_DEFAULT: u64 = 1000;
pub const TIMEOUT_MS_RANGE: RangeInclusive<u64> = 100..=5000;

/// A name a browser can ask about (`default`, or a contact flow alias), its contact flow, and the queue
/// that flow routes to (set inside the flow, so configured here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    pub name: String,
    pub contact_flow_id: String,
    pub queue: QueueId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilitySettings {
    /// The instance the queues belong to (`INSTANCE_ID`).
    pub instance_id: String,
    /// `default` first, then the aliases.
    pub entry_points: Vec<EntryPoint>,
    /// Agent counts and queue depth in the answer (business information: off by default).
    pub details: bool,
    pub metrics_ttl: Duration,
    pub schedule_ttl: Duration,
    /// The time one refresh may take, every call together.
    pub budget: Duration,
    pub refuse_start_when: RefuseStartWhen,
}

impl AvailabilitySettings {
    /// The defaults, for these entry points of the instance.
    pub fn new(instance_id: impl Into<String>, entry_points: Vec<EntryPoint>) -> Self {
        Self {
            instance_id: instance_id.into(),
            entry_points,
            details: false,
            metrics_ttl: Duration::from_secs(METRICS_TTL_SECONDS_DEFAULT),
            schedule_ttl: Duration::from_secs(SCHEDULE_TTL_SECONDS_DEFAULT),
            budget: Duration::from_millis(TIMEOUT_MS_DEFAULT),
            refuse_start_when: RefuseStartWhen::Never,
        }
    }

    /// The entry point a start on this instance and flow came through: `default` for the default flow,
    /// else the first alias naming the flow. `None` for a flow no entry point names (an allowed flow id
    /// sent as is), or another instance: nothing is known about its queue.
    pub fn entry_point_of(&self, instance_id: &str, contact_flow_id: &str) -> Option<&EntryPoint> {
        if instance_id != self.instance_id {
            return None;
        }
        self.entry_points
            .iter()
            .find(|entry_point| entry_point.contact_flow_id == contact_flow_id)
    }

    /// Each configured queue once, in a stable order.
    pub fn queues(&self) -> Vec<QueueId> {
        let mut queues: Vec<QueueId> = self
            .entry_points
            .iter()
            .map(|entry_point| entry_point.queue.clone())
            .collect();
        queues.sort();
        queues.dedup();
        queues
    }
}

/// `REFUSE_START_WHEN`: whether a start is refused while its entry point is known to be closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RefuseStartWhen {
    #[default]
    Never,
    /// Closed by the hours, an override or the queue's status.
    Closed,
    /// Closed, or nobody staffed.
    Unavailable,
}

impl RefuseStartWhen {
    pub const NAMES: &str = "never, closed, unavailable";

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "never" => Some(Self::Never),
            "closed" => Some(Self::Closed),
            "unavailable" => Some(Self::Unavailable),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Closed => "closed",
            Self::Unavailable => "unavailable",
        }
    }

    /// Whether a start is refused for this reason. Unknown availability never refuses.
    pub fn refuses(self, reason: Reason) -> bool {
        match self {
            Self::Never => false,
            Self::Closed => reason.is_closed(),
            Self::Unavailable => reason.is_closed() || reason == Reason::NoAgentsStaffed,
        }
    }
}

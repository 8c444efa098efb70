//! Availability: whether a customer can chat now at each entry point, why not, and when that changes.
//! Pure domain: the schedule evaluation (time zones, DST, overrides), the decision, the clock and the
//! per-instance cache; Amazon Connect is behind the [`AvailabilitySource`] port.

mod answer;
mod cache;
mod clock;
mod decision;
mod port;
mod refresh;
mod schedule;
mod settings;

pub use answer::{
    Availability, CacheUse, EntryPointAvailability, Operation, QueueDetails, Reason, RefreshReport,
    SourceFailure,
};
pub use cache::AvailabilityCache;
pub use clock::{SystemTime, TimeSource};
pub use port::{
    AvailabilitySource, DateWindow, EffectiveDay, EffectiveHours, LocalRange, MetricsSnapshot,
    OverrideRange, OverrideStatus, QueueDescription, QueueId, QueueMetrics, QueueStatus,
};
pub use schedule::{Schedule, ScheduleError, ScheduleState};
pub use settings::{
    AvailabilitySettings, DEFAULT_ENTRY_POINT, EntryPoint, METRICS_TTL_SECONDS_DEFAULT,
    METRICS_TTL_SECONDS_RANGE, RefuseStartWhen, SCHEDULE_TTL_SECONDS_DEFAULT,
    SCHEDULE_TTL_SECONDS_RANGE, TIMEOUT_MS_DEFAULT, TIMEOUT_MS_RANGE,
};

#[cfg(test)]
mod tests;

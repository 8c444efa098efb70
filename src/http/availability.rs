//! `GET` on the chat route: can a customer chat now at each entry point. The cache answers, asking
//! Connect at most once per TTL; browsers and CDNs may keep the answer for its `max-age`. Also the gate
//! `REFUSE_START_WHEN` puts before a start: the same cache, no StartChatContact call when it refuses.

use super::error::ApiError;
use super::outcome::{Handled, Outcome};
use crate::availability::{
    Availability, AvailabilityCache, AvailabilitySource, DateWindow, EffectiveHours,
    MetricsSnapshot, QueueDescription, QueueId, RefuseStartWhen,
};
use crate::chat::{ConnectFailure, StartChatCommand};
use jiff::Timestamp;

/// The operation, with what it needs: built once at cold start when availability is configured.
pub(super) struct CheckAvailability<A> {
    pub cache: AvailabilityCache,
    pub source: A,
}

/// What the gate decided about a start.
pub(super) struct StartGate {
    /// The refusal, when the entry point is known closed and `REFUSE_START_WHEN` says so.
    pub refusal: Option<ApiError>,
    /// What was consulted, for the log line; `None` when the gate did not look.
    pub consulted: Option<Availability>,
}

impl<A: AvailabilitySource> CheckAvailability<A> {
    pub(super) async fn handle(&self) -> Handled {
        Outcome::Availability(self.cache.availability(&self.source).await).into()
    }

    /// Consulted only when `REFUSE_START_WHEN` is not `never` and the start's flow is an entry point's.
    /// Unknown availability never refuses.
    pub(super) async fn gate(&self, command: &StartChatCommand) -> StartGate {
        let settings = self.cache.settings();
        let entry_point = match settings.refuse_start_when {
            RefuseStartWhen::Never => None,
            _ => settings.entry_point_of(command.instance_id(), command.contact_flow_id()),
        };
        let Some(entry_point) = entry_point else {
            return StartGate {
                refusal: None,
                consulted: None,
            };
        };
        let availability = self.cache.availability(&self.source).await;
        let refusal = availability
            .entry_point(&entry_point.name)
            .filter(|answer| settings.refuse_start_when.refuses(answer.reason))
            .map(|answer| ApiError::ChatClosed {
                reason: answer.reason,
                opens_at: answer.opens_at,
                retry_after_seconds: answer
                    .opens_at
                    .map(|opens_at| seconds_until(availability.checked_at, opens_at)),
            });
        StartGate {
            refusal,
            consulted: Some(availability),
        }
    }
}

/// Whole seconds from `now` to `then`, rounded up, at least 1.
fn seconds_until(now: Timestamp, then: Timestamp) -> u64 {
    let duration = now.duration_until(then);
    let seconds = duration.as_secs() + i64::from(duration.subsec_nanos() > 0);
    u64::try_from(seconds).unwrap_or(0).max(1)
}

/// The handler's availability source while availability is not configured: there is none to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAvailability {}

impl AvailabilitySource for NoAvailability {
    async fn describe_queue(&self, _: &QueueId) -> Result<QueueDescription, ConnectFailure> {
        match *self {}
    }

    async fn effective_hours(
        &self,
        _: &str,
        _: DateWindow,
    ) -> Result<EffectiveHours, ConnectFailure> {
        match *self {}
    }

    async fn current_metrics(&self, _: &[QueueId]) -> Result<MetricsSnapshot, ConnectFailure> {
        match *self {}
    }
}

#[cfg(test)]
mod tests;

//! The decision for one entry point, in order: the queue's status, the hours (and overrides), the agents.
//! A piece missing before a decision is reached makes the answer unknown; one needed only later does not.

use super::answer::{EntryPointAvailability, QueueDetails, Reason};
use super::port::{QueueMetrics, QueueStatus};
use super::schedule::{Schedule, ScheduleState};
use jiff::Timestamp;

/// What is known about the queue an entry point routes to; `None` where Connect could not be asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueFacts<'a> {
    pub status: Option<QueueStatus>,
    pub schedule: Option<&'a Schedule>,
    pub metrics: Option<QueueMetrics>,
}

pub fn decide(facts: QueueFacts<'_>, now: Timestamp, details: bool) -> EntryPointAvailability {
    let answer = |reason, opens_at, closes_at, estimated_wait_seconds| EntryPointAvailability {
        reason,
        opens_at,
        closes_at,
        estimated_wait_seconds,
        time_zone: facts
            .schedule
            .map(|schedule| schedule.time_zone().to_owned()),
        queue: details.then(|| queue_details(facts.metrics)),
    };
    match facts.status {
        None => return answer(Reason::Unknown, None, None, None),
        Some(QueueStatus::Disabled) => return answer(Reason::QueueDisabled, None, None, None),
        Some(QueueStatus::Enabled) => {}
    }
    let closes_at = match facts.schedule.and_then(|schedule| schedule.state_at(now)) {
        None => return answer(Reason::Unknown, None, None, None),
        Some(ScheduleState::Closed {
            by_override,
            opens_at,
        }) => {
            let reason = if by_override {
                Reason::ClosedByOverride
            } else {
                Reason::OutsideHours
            };
            return answer(reason, opens_at, None, None);
        }
        Some(ScheduleState::Open { closes_at }) => closes_at,
    };
    match facts.metrics {
        None => answer(Reason::Unknown, None, closes_at, None),
        Some(metrics) if metrics.agents_staffed <= 0.0 => {
            answer(Reason::NoAgentsStaffed, None, closes_at, None)
        }
        Some(metrics) => answer(
            Reason::Open,
            None,
            closes_at,
            metrics.estimated_wait_seconds.map(whole),
        ),
    }
}

fn queue_details(metrics: Option<QueueMetrics>) -> QueueDetails {
    let Some(metrics) = metrics else {
        return QueueDetails::default();
    };
    QueueDetails {
        agents_online: Some(whole(metrics.agents_online)),
        agents_available: Some(whole(metrics.agents_available)),
        agents_staffed: Some(whole(metrics.agents_staffed)),
        contacts_in_queue: Some(whole(metrics.contacts_in_queue)),
        oldest_contact_age_seconds: Some(whole(metrics.oldest_contact_age_seconds)),
    }
}

/// Connect's doubles as whole numbers (a negative or non-finite value, which it never sends, as 0).
fn whole(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}

//! The decision order: queue status, then hours and overrides, then agents; unknown only when a piece
//! needed before a decision is missing.

use super::*;
use crate::availability::decision::{QueueFacts, decide};

fn office_hours() -> Schedule {
    Schedule::new(
        &hours(
            LONDON,
            &[
                ("2026-12-07", &[range("09:00", "17:00")]),
                ("2026-12-08", &[range("09:00", "17:00")]),
            ],
        ),
        window("2026-12-05", "2026-12-12"),
    )
    .expect("a valid schedule")
}

const DURING_HOURS: &str = "2026-12-07T10:00:00Z";
const AFTER_HOURS: &str = "2026-12-07T20:00:00Z";

fn staffed(agents: f64) -> QueueMetrics {
    QueueMetrics {
        agents_online: agents + 1.0,
        agents_available: agents,
        agents_staffed: agents,
        contacts_in_queue: 3.0,
        oldest_contact_age_seconds: 61.4,
        estimated_wait_seconds: Some(41.6),
    }
}

#[test]
fn a_disabled_queue_is_closed_whatever_else_is_known() {
    let schedule = office_hours();
    for facts in [
        QueueFacts {
            status: Some(QueueStatus::Disabled),
            schedule: Some(&schedule),
            metrics: Some(staffed(4.0)),
        },
        QueueFacts {
            status: Some(QueueStatus::Disabled),
            schedule: None,
            metrics: None,
        },
    ] {
        let answer = decide(facts, at(DURING_HOURS), false);
        assert_eq!(answer.reason, Reason::QueueDisabled);
        assert_eq!(answer.available(), Some(false));
        assert_eq!((answer.opens_at, answer.closes_at), (None, None));
    }
}

#[test]
fn an_unknown_queue_status_is_unknown_even_when_the_hours_say_closed() {
    let schedule = office_hours();
    let answer = decide(
        QueueFacts {
            status: None,
            schedule: Some(&schedule),
            metrics: Some(staffed(4.0)),
        },
        at(AFTER_HOURS),
        false,
    );
    assert_eq!(answer.reason, Reason::Unknown);
    assert_eq!(answer.available(), None);
}

#[test]
fn closed_by_the_hours_is_known_without_metrics() {
    let schedule = office_hours();
    let answer = decide(
        QueueFacts {
            status: Some(QueueStatus::Enabled),
            schedule: Some(&schedule),
            metrics: None,
        },
        at(AFTER_HOURS),
        false,
    );
    assert_eq!(answer.reason, Reason::OutsideHours);
    assert_eq!(answer.available(), Some(false));
    assert_eq!(answer.opens_at, Some(at("2026-12-08T09:00:00Z")));
    assert_eq!(answer.closes_at, None);
    assert_eq!(answer.time_zone.as_deref(), Some(LONDON));
    assert_eq!(answer.estimated_wait_seconds, None);
}

#[test]
fn open_by_the_hours_without_metrics_is_unknown() {
    let schedule = office_hours();
    let answer = decide(
        QueueFacts {
            status: Some(QueueStatus::Enabled),
            schedule: Some(&schedule),
            metrics: None,
        },
        at(DURING_HOURS),
        true,
    );
    assert_eq!(answer.reason, Reason::Unknown);
    assert_eq!(answer.available(), None);
    assert_eq!(answer.closes_at, Some(at("2026-12-07T17:00:00Z")));
    assert_eq!(answer.queue, Some(QueueDetails::default()));
}

#[test]
fn hours_not_known_are_unknown() {
    let answer = decide(
        QueueFacts {
            status: Some(QueueStatus::Enabled),
            schedule: None,
            metrics: Some(staffed(4.0)),
        },
        at(DURING_HOURS),
        false,
    );
    assert_eq!(answer.reason, Reason::Unknown);
    // Nor when "now" is past what was fetched.
    let schedule = office_hours();
    let answer = decide(
        QueueFacts {
            status: Some(QueueStatus::Enabled),
            schedule: Some(&schedule),
            metrics: Some(staffed(4.0)),
        },
        at("2027-01-07T10:00:00Z"),
        false,
    );
    assert_eq!(answer.reason, Reason::Unknown);
}

#[test]
fn open_hours_with_nobody_staffed_are_not_available() {
    let schedule = office_hours();
    let answer = decide(
        QueueFacts {
            status: Some(QueueStatus::Enabled),
            schedule: Some(&schedule),
            metrics: Some(staffed(0.0)),
        },
        at(DURING_HOURS),
        false,
    );
    assert_eq!(answer.reason, Reason::NoAgentsStaffed);
    assert_eq!(answer.available(), Some(false));
    assert_eq!(answer.closes_at, Some(at("2026-12-07T17:00:00Z")));
    assert_eq!(answer.estimated_wait_seconds, None);
}

#[test]
fn open_hours_with_staff_are_open_with_the_estimated_wait() {
    let schedule = office_hours();
    let facts = QueueFacts {
        status: Some(QueueStatus::Enabled),
        schedule: Some(&schedule),
        metrics: Some(staffed(2.0)),
    };
    let answer = decide(facts, at(DURING_HOURS), false);
    assert_eq!(answer.reason, Reason::Open);
    assert_eq!(answer.available(), Some(true));
    assert_eq!(answer.estimated_wait_seconds, Some(42));
    assert_eq!(answer.closes_at, Some(at("2026-12-07T17:00:00Z")));
    assert_eq!(answer.opens_at, None);
    assert_eq!(answer.queue, None, "details are off unless configured");

    let detailed = decide(facts, at(DURING_HOURS), true);
    assert_eq!(
        detailed.queue,
        Some(QueueDetails {
            agents_online: Some(3),
            agents_available: Some(2),
            agents_staffed: Some(2),
            contacts_in_queue: Some(3),
            oldest_contact_age_seconds: Some(61),
        })
    );
}

#[test]
fn refuse_start_when_refuses_only_known_closures() {
    use RefuseStartWhen::{Closed, Never, Unavailable};
    let refused = |setting: RefuseStartWhen| -> Vec<&str> {
        Reason::ALL
            .into_iter()
            .filter(|reason| setting.refuses(*reason))
            .map(Reason::as_str)
            .collect()
    };
    assert!(refused(Never).is_empty());
    assert_eq!(
        refused(Closed),
        ["QUEUE_DISABLED", "CLOSED_BY_OVERRIDE", "OUTSIDE_HOURS"]
    );
    assert_eq!(
        refused(Unavailable),
        [
            "QUEUE_DISABLED",
            "CLOSED_BY_OVERRIDE",
            "OUTSIDE_HOURS",
            "NO_AGENTS_STAFFED"
        ]
    );
    for setting in [Never, Closed, Unavailable] {
        assert_eq!(RefuseStartWhen::parse(setting.as_str()), Some(setting));
    }
    assert_eq!(RefuseStartWhen::parse("Closed"), None);
}

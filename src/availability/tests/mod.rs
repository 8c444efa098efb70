//! Unit tests of the availability domain: the schedule evaluation, the decision, the cache.

mod cache;
mod decision;
mod fake;
mod schedule;

use super::*;
use jiff::Timestamp;
use jiff::civil::{Date, Time};

const LONDON: &str = "Europe/London";
const NEW_YORK: &str = "America/New_York";

fn at(text: &str) -> Timestamp {
    text.parse().expect("a timestamp")
}

fn day(text: &str) -> Date {
    text.parse().expect("a date")
}

fn time(text: &str) -> Time {
    text.parse().expect("a time")
}

fn range(start: &str, end: &str) -> LocalRange {
    LocalRange {
        start: time(start),
        end: time(end),
    }
}

fn window(from: &str, to: &str) -> DateWindow {
    DateWindow {
        from: day(from),
        to: day(to),
    }
}

/// Hours in `zone`: the listed dates with their open ranges, no overrides.
fn hours(zone: &str, days: &[(&str, &[LocalRange])]) -> EffectiveHours {
    EffectiveHours {
        time_zone: zone.to_owned(),
        days: days
            .iter()
            .map(|(date, open)| EffectiveDay {
                date: day(date),
                open: open.to_vec(),
            })
            .collect(),
        overrides: Vec::new(),
    }
}

fn open_until(closes_at: &str) -> Option<ScheduleState> {
    Some(ScheduleState::Open {
        closes_at: Some(at(closes_at)),
    })
}

fn closed_until(opens_at: &str) -> Option<ScheduleState> {
    Some(ScheduleState::Closed {
        by_override: false,
        opens_at: Some(at(opens_at)),
    })
}

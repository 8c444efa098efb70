//! Effective hours of operation, local dates and times in the hours' IANA time zone, turned into
//! instants once per refresh; each request then only looks up where "now" falls.
//!
//! A local time that does not exist (skipped by a DST change) moves forward; one that happens twice takes
//! the earlier (jiff's `compatible` disambiguation, as RFC 5545 and Temporal do).

use super::port::{DateWindow, EffectiveHours, LocalRange, OverrideStatus};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

/// From `start` (included) to `end` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interval {
    start: Timestamp,
    end: Timestamp,
}

impl Interval {
    fn contains(self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }
}

/// One queue's hours as instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    time_zone: String,
    /// Sorted, and merged wherever one range ends as (or after) the next begins, across midnight too.
    open: Vec<Interval>,
    closed_by_override: Vec<Interval>,
    /// The stretch of time the answer describes completely.
    known: Interval,
}

/// Where an instant falls in a [`Schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleState {
    /// Inside an open stretch; `closes_at` is its end, unknown when it runs past what was fetched.
    Open { closes_at: Option<Timestamp> },
    /// Outside every open stretch; `opens_at` is the next one's start, if one was fetched.
    Closed {
        by_override: bool,
        opens_at: Option<Timestamp>,
    },
}

/// Why an answer of `GetEffectiveHoursOfOperations` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    /// A time zone name the bundled tz database does not know.
    UnknownTimeZone(String),
    /// A date at the very ends of the calendar.
    OutOfRange,
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownTimeZone(name) => write!(f, "unknown time zone {name:?}"),
            Self::OutOfRange => f.write_str("a date out of range"),
        }
    }
}

impl Schedule {
    /// The schedule `hours` describes, as asked for the dates of `window`.
    pub fn new(hours: &EffectiveHours, window: DateWindow) -> Result<Self, ScheduleError> {
        let zone = TimeZone::get(&hours.time_zone)
            .map_err(|_| ScheduleError::UnknownTimeZone(hours.time_zone.clone()))?;
        let open = hours
            .days
            .iter()
            .flat_map(|day| day.open.iter().map(|range| (day.date, *range)))
            .map(|(date, range)| interval(&zone, date, range))
            .collect::<Result<Vec<_>, _>>()?;
        let closed_by_override = hours
            .overrides
            .iter()
            .filter(|item| item.status == OverrideStatus::Closed)
            .map(|item| interval(&zone, item.date, item.range))
            .collect::<Result<Vec<_>, _>>()?;
        // The day before `from` was not asked for: an overnight range of it may reach into `from`.
        let known = Interval {
            start: midnight(&zone, next_day(window.from)?)?,
            end: midnight(&zone, next_day(window.to)?)?,
        };
        Ok(Self {
            time_zone: hours.time_zone.clone(),
            open: merged(open),
            closed_by_override: closed_by_override
                .into_iter()
                .filter(|range| range.start < range.end)
                .collect(),
            known,
        })
    }

    /// The IANA name of the hours' time zone.
    pub fn time_zone(&self) -> &str {
        &self.time_zone
    }

    /// Whether `at` lies in the stretch this schedule describes completely.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.known.contains(at)
    }

    /// Where `at` falls; `None` when the schedule does not cover it.
    pub fn state_at(&self, at: Timestamp) -> Option<ScheduleState> {
        if !self.covers(at) {
            return None;
        }
        let index = self.open.partition_point(|stretch| stretch.end <= at);
        Some(match self.open.get(index) {
            Some(stretch) if stretch.start <= at => ScheduleState::Open {
                closes_at: (stretch.end < self.known.end).then_some(stretch.end),
            },
            next => ScheduleState::Closed {
                by_override: self
                    .closed_by_override
                    .iter()
                    .any(|range| range.contains(at)),
                opens_at: next.map(|stretch| stretch.start),
            },
        })
    }
}

/// A local range of `date` as instants: an end at or before the start is on the next date.
fn interval(zone: &TimeZone, date: Date, range: LocalRange) -> Result<Interval, ScheduleError> {
    let end_date = if range.end <= range.start {
        next_day(date)?
    } else {
        date
    };
    Ok(Interval {
        start: instant(zone, date, range.start)?,
        end: instant(zone, end_date, range.end)?,
    })
}

fn midnight(zone: &TimeZone, date: Date) -> Result<Timestamp, ScheduleError> {
    instant(zone, date, Time::midnight())
}

fn instant(zone: &TimeZone, date: Date, time: Time) -> Result<Timestamp, ScheduleError> {
    zone.to_ambiguous_timestamp(date.to_datetime(time))
        .compatible()
        .map_err(|_| ScheduleError::OutOfRange)
}

fn next_day(date: Date) -> Result<Date, ScheduleError> {
    date.tomorrow().map_err(|_| ScheduleError::OutOfRange)
}

/// Sorted, without empty ranges (a range inside a DST gap can end before it starts), overlapping and
/// touching ranges joined.
fn merged(mut ranges: Vec<Interval>) -> Vec<Interval> {
    ranges.retain(|range| range.start < range.end);
    ranges.sort_by_key(|range| range.start);
    let mut stretches: Vec<Interval> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match stretches.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => stretches.push(range),
        }
    }
    stretches
}

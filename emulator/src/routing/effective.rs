//! The effective hours of a date span: the standard ranges with the overrides applied, as
//! GetEffectiveHoursOfOperations answers them.
//!
//! The rule: on a date that an OPEN override covers, its ranges replace the standard ones; then
//! every CLOSED override's ranges are taken out (00:00-00:00 closes the whole day). Ranges are
//! computed on a continuous local timeline, so a range that crosses midnight and an override on the
//! next date meet as they would on a clock; each remaining piece is reported on the date it
//! starts (`End` before `Start`: it ends the next day). Overlapping ranges are merged, adjacent
//! ones are not.

use time::{Date, Duration};

use super::hours::{HoursOfOperation, OverrideRange, OverrideStatus, TimeOfDay, Weekday};

const DAY_MINUTES: i64 = 24 * 60;

/// One date of the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EffectiveDay {
    pub(crate) date: Date,
    /// The open ranges starting on this date (`end` before `start`: the next day).
    pub(crate) open: Vec<(TimeOfDay, TimeOfDay)>,
    /// The override ranges that apply on this date.
    pub(crate) overrides: Vec<AppliedOverride>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AppliedOverride {
    pub(crate) name: String,
    pub(crate) status: OverrideStatus,
    pub(crate) start: TimeOfDay,
    pub(crate) end: TimeOfDay,
}

/// A range of local minutes, counted from midnight of the first date considered.
type Span = (i64, i64);

/// `start`-`end` on the date `day_index` days after the first, on the continuous timeline.
fn span(day_index: i64, start: TimeOfDay, end: TimeOfDay) -> Span {
    let from = day_index * DAY_MINUTES + start.minute_of_day();
    let mut to = day_index * DAY_MINUTES + end.minute_of_day();
    if to <= from {
        to += DAY_MINUTES;
    }
    (from, to)
}

fn override_ranges(
    hours: &HoursOfOperation,
    date: Date,
    status: OverrideStatus,
) -> Vec<(&str, &OverrideRange)> {
    hours
        .overrides
        .iter()
        .filter(|o| o.status == status)
        .flat_map(|o| {
            o.ranges_on(date)
                .into_iter()
                .map(move |range| (o.name.as_str(), range))
        })
        .collect()
}

/// The effective hours for each date from `from` to `to` (both included).
pub(crate) fn effective_hours(hours: &HoursOfOperation, from: Date, to: Date) -> Vec<EffectiveDay> {
    // The day before (its ranges may run past midnight) and the day after (its CLOSED overrides may
    // cut a range that starts on `to`).
    let first = from.previous_day().unwrap_or(from);
    let last = to.next_day().unwrap_or(to);
    let mut open: Vec<Span> = Vec::new();
    let mut closed: Vec<Span> = Vec::new();
    let mut date = first;
    let mut index = 0;
    loop {
        let opening = override_ranges(hours, date, OverrideStatus::Open);
        if opening.is_empty() {
            let weekday = Weekday::of(date);
            open.extend(
                hours
                    .config
                    .iter()
                    .filter(|range| range.day == weekday)
                    .map(|range| span(index, range.start, range.end)),
            );
        } else {
            open.extend(
                opening
                    .iter()
                    .map(|(_, range)| span(index, range.start, range.end)),
            );
        }
        closed.extend(
            override_ranges(hours, date, OverrideStatus::Closed)
                .iter()
                .map(|(_, range)| span(index, range.start, range.end)),
        );
        if date >= last {
            break;
        }
        date += Duration::days(1);
        index += 1;
    }
    let pieces = subtract(merge(open), &closed);

    let mut days = Vec::new();
    let mut date = from;
    let mut index = (from - first).whole_days();
    while date <= to {
        let day_start = index * DAY_MINUTES;
        let open = pieces
            .iter()
            .filter(|(start, _)| (day_start..day_start + DAY_MINUTES).contains(start))
            .map(|(start, end)| {
                (
                    TimeOfDay::from_minute_of_day(start - day_start),
                    TimeOfDay::from_minute_of_day(end - day_start),
                )
            })
            .collect();
        let overrides = [OverrideStatus::Open, OverrideStatus::Closed]
            .into_iter()
            .flat_map(|status| {
                override_ranges(hours, date, status)
                    .into_iter()
                    .map(move |(name, range)| AppliedOverride {
                        name: name.to_owned(),
                        status,
                        start: range.start,
                        end: range.end,
                    })
            })
            .collect();
        days.push(EffectiveDay {
            date,
            open,
            overrides,
        });
        match date.next_day() {
            Some(next) => date = next,
            None => break,
        }
        index += 1;
    }
    days
}

/// Sorted, with overlapping spans joined (touching ones stay apart).
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// `open` without any minute of `closed`.
fn subtract(open: Vec<Span>, closed: &[Span]) -> Vec<Span> {
    let mut pieces = open;
    for &(cut_start, cut_end) in closed {
        pieces = pieces
            .into_iter()
            .flat_map(|(start, end)| {
                let mut kept = Vec::with_capacity(2);
                if cut_end <= start || end <= cut_start {
                    kept.push((start, end));
                } else {
                    if start < cut_start {
                        kept.push((start, cut_start));
                    }
                    if cut_end < end {
                        kept.push((cut_end, end));
                    }
                }
                kept
            })
            .collect();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_date;
    use crate::routing::hours::{HoursOverride, HoursRange};

    fn time(text: &str) -> TimeOfDay {
        TimeOfDay::parse(text).expect("a time")
    }

    fn date(text: &str) -> Date {
        parse_date(text).expect("a date")
    }

    fn weekdays_nine_to_five() -> HoursOfOperation {
        HoursOfOperation {
            hours_of_operation_id: "h".to_owned(),
            instance_id: String::new(),
            name: "Office".to_owned(),
            time_zone: "Europe/London".to_owned(),
            config: [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ]
            .into_iter()
            .map(|day| HoursRange {
                day,
                start: time("09:00"),
                end: time("17:00"),
            })
            .collect(),
            overrides: Vec::new(),
        }
    }

    fn ranges(day: &EffectiveDay) -> Vec<String> {
        day.open.iter().map(|(s, e)| format!("{s}-{e}")).collect()
    }

    fn closed_all_day(name: &str, from: &str, till: &str) -> HoursOverride {
        HoursOverride {
            override_id: String::new(),
            name: name.to_owned(),
            status: OverrideStatus::Closed,
            effective_from: from.to_owned(),
            effective_till: till.to_owned(),
            config: vec![OverrideRange {
                day: None,
                start: TimeOfDay::MIDNIGHT,
                end: TimeOfDay::MIDNIGHT,
            }],
        }
    }

    #[test]
    fn weekdays_open_weekends_closed() {
        // 2026-12-04 is a Friday.
        let days = effective_hours(
            &weekdays_nine_to_five(),
            date("2026-12-04"),
            date("2026-12-07"),
        );
        let shown: Vec<Vec<String>> = days.iter().map(ranges).collect();
        assert_eq!(
            shown,
            [vec!["09:00-17:00"], vec![], vec![], vec!["09:00-17:00"]]
        );
        assert!(days.iter().all(|d| d.overrides.is_empty()));
    }

    #[test]
    fn a_closed_override_closes_the_whole_day_and_is_named() {
        let mut hours = weekdays_nine_to_five();
        hours
            .overrides
            .push(closed_all_day("Christmas", "2026-12-25", "2026-12-25"));
        let days = effective_hours(&hours, date("2026-12-24"), date("2026-12-25"));
        assert_eq!(ranges(&days[0]), ["09:00-17:00"]);
        assert!(ranges(&days[1]).is_empty());
        assert_eq!(days[1].overrides.len(), 1);
        assert_eq!(days[1].overrides[0].name, "Christmas");
        assert_eq!(days[1].overrides[0].status, OverrideStatus::Closed);
    }

    #[test]
    fn an_open_override_replaces_the_standard_hours_and_a_closed_one_cuts_them() {
        let mut hours = weekdays_nine_to_five();
        hours.overrides.push(HoursOverride {
            override_id: String::new(),
            name: "Sunday sale".to_owned(),
            status: OverrideStatus::Open,
            effective_from: "2026-12-06".to_owned(),
            effective_till: "2026-12-07".to_owned(),
            config: vec![OverrideRange {
                day: None,
                start: time("10:00"),
                end: time("14:00"),
            }],
        });
        hours.overrides.push(HoursOverride {
            override_id: String::new(),
            name: "Early close".to_owned(),
            status: OverrideStatus::Closed,
            effective_from: "2026-12-08".to_owned(),
            effective_till: "2026-12-08".to_owned(),
            config: vec![OverrideRange {
                day: Some(Weekday::Tuesday),
                start: time("15:00"),
                end: time("00:00"),
            }],
        });
        let days = effective_hours(&hours, date("2026-12-06"), date("2026-12-08"));
        assert_eq!(ranges(&days[0]), ["10:00-14:00"], "Sunday opened");
        assert_eq!(ranges(&days[1]), ["10:00-14:00"], "Monday replaced");
        assert_eq!(ranges(&days[2]), ["09:00-15:00"], "Tuesday cut short");
    }

    #[test]
    fn overnight_ranges_cross_midnight_and_meet_the_next_day_s_overrides() {
        let mut hours = weekdays_nine_to_five();
        hours.config = HoursRange::every_day(time("22:00"), time("02:00"));
        hours
            .overrides
            .push(closed_all_day("New Year", "2027-01-01", "2027-01-01"));
        let days = effective_hours(&hours, date("2026-12-30"), date("2027-01-01"));
        assert_eq!(ranges(&days[0]), ["22:00-02:00"]);
        assert_eq!(
            ranges(&days[1]),
            ["22:00-00:00"],
            "New Year's Day cuts the tail"
        );
        assert!(ranges(&days[2]).is_empty());
    }

    #[test]
    fn a_piece_left_after_midnight_is_reported_on_its_own_date() {
        let mut hours = weekdays_nine_to_five();
        hours.config = HoursRange::every_day(time("22:00"), time("02:00"));
        hours.overrides.push(HoursOverride {
            override_id: String::new(),
            name: "Maintenance".to_owned(),
            status: OverrideStatus::Closed,
            effective_from: "2026-12-30".to_owned(),
            effective_till: "2026-12-30".to_owned(),
            config: vec![OverrideRange {
                day: None,
                start: time("21:00"),
                end: time("00:30"),
            }],
        });
        let days = effective_hours(&hours, date("2026-12-30"), date("2026-12-31"));
        assert!(ranges(&days[0]).is_empty());
        assert_eq!(ranges(&days[1]), ["00:30-02:00", "22:00-02:00"]);
    }

    #[test]
    fn all_day_every_day_and_overlaps() {
        let mut hours = weekdays_nine_to_five();
        hours.config = HoursRange::every_day(TimeOfDay::MIDNIGHT, TimeOfDay::MIDNIGHT);
        let days = effective_hours(&hours, date("2026-03-28"), date("2026-03-30"));
        assert!(days.iter().all(|d| ranges(d) == ["00:00-00:00"]));
        hours.config = vec![
            HoursRange {
                day: Weekday::Monday,
                start: time("09:00"),
                end: time("12:00"),
            },
            HoursRange {
                day: Weekday::Monday,
                start: time("11:00"),
                end: time("13:00"),
            },
            HoursRange {
                day: Weekday::Monday,
                start: time("13:00"),
                end: time("17:00"),
            },
        ];
        let monday = effective_hours(&hours, date("2026-12-07"), date("2026-12-07"));
        assert_eq!(ranges(&monday[0]), ["09:00-13:00", "13:00-17:00"]);
    }

    #[test]
    fn a_schedule_with_no_hours_is_closed_every_day() {
        let mut hours = weekdays_nine_to_five();
        hours.config.clear();
        let days = effective_hours(&hours, date("2026-12-01"), date("2026-12-09"));
        assert_eq!(days.len(), 9);
        assert!(days.iter().all(|d| d.open.is_empty()));
    }
}

//! Local hours become instants in the hours' own time zone: DST both ways, overnight, midnight, overrides.

use super::*;

/// A week of Europe/London office hours around the spring change (29 March 2026, 01:00 GMT becomes 02:00
/// BST) and the autumn one (25 October 2026, 02:00 BST becomes 01:00 GMT).
fn london(dates: &[(&str, &[LocalRange])], from: &str, to: &str) -> Schedule {
    Schedule::new(&hours(LONDON, dates), window(from, to)).expect("a valid schedule")
}

#[test]
fn office_hours_open_at_their_start_and_close_at_their_end() {
    let nine_to_five = [range("09:00", "17:00")];
    let schedule = london(
        &[("2026-12-07", &nine_to_five), ("2026-12-08", &nine_to_five)],
        "2026-12-05",
        "2026-12-10",
    );
    assert_eq!(schedule.time_zone(), LONDON);
    let cases = [
        ("2026-12-07T08:59:59Z", closed_until("2026-12-07T09:00:00Z")),
        ("2026-12-07T09:00:00Z", open_until("2026-12-07T17:00:00Z")),
        ("2026-12-07T16:59:59Z", open_until("2026-12-07T17:00:00Z")),
        ("2026-12-07T17:00:00Z", closed_until("2026-12-08T09:00:00Z")),
    ];
    for (now, expected) in cases {
        assert_eq!(schedule.state_at(at(now)), expected, "at {now}");
    }
}

#[test]
fn spring_forward_shifts_the_hours_by_an_hour_on_both_sides_of_the_change() {
    let eight_to_four = [range("08:00", "16:00")];
    let schedule = london(
        &[
            ("2026-03-28", &eight_to_four),
            ("2026-03-30", &eight_to_four),
        ],
        "2026-03-26",
        "2026-04-02",
    );
    // Saturday in GMT, Monday in BST: the same local hours, an hour earlier in UTC.
    assert_eq!(
        schedule.state_at(at("2026-03-28T07:59:59Z")),
        closed_until("2026-03-28T08:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-28T15:59:59Z")),
        open_until("2026-03-28T16:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-29T12:00:00Z")),
        closed_until("2026-03-30T07:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-30T07:00:00Z")),
        open_until("2026-03-30T15:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-30T15:00:00Z")),
        Some(ScheduleState::Closed {
            by_override: false,
            opens_at: None,
        })
    );
}

#[test]
fn a_range_across_the_spring_change_is_an_hour_shorter() {
    // 00:00 GMT to 03:00 BST: two hours of real time, open through the instant the clocks jump.
    let schedule = london(
        &[("2026-03-29", &[range("00:00", "03:00")])],
        "2026-03-27",
        "2026-04-01",
    );
    for now in [
        "2026-03-29T00:00:00Z",
        "2026-03-29T00:59:59Z",
        "2026-03-29T01:00:00Z",
        "2026-03-29T01:59:59Z",
    ] {
        assert_eq!(
            schedule.state_at(at(now)),
            open_until("2026-03-29T02:00:00Z"),
            "at {now}"
        );
    }
    assert_eq!(
        schedule.state_at(at("2026-03-29T02:00:00Z")),
        Some(ScheduleState::Closed {
            by_override: false,
            opens_at: None
        })
    );
}

#[test]
fn a_start_in_the_spring_gap_moves_forward() {
    // 01:30 does not exist on 29 March in London: it opens at 02:30 BST, 01:30 UTC.
    let schedule = london(
        &[("2026-03-29", &[range("01:30", "05:00")])],
        "2026-03-27",
        "2026-04-01",
    );
    assert_eq!(
        schedule.state_at(at("2026-03-29T01:29:59Z")),
        closed_until("2026-03-29T01:30:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-29T01:30:00Z")),
        open_until("2026-03-29T04:00:00Z")
    );
}

#[test]
fn fall_back_shifts_the_hours_by_an_hour_on_both_sides_of_the_change() {
    let eight_to_four = [range("08:00", "16:00")];
    let schedule = london(
        &[
            ("2026-10-24", &eight_to_four),
            ("2026-10-26", &eight_to_four),
        ],
        "2026-10-22",
        "2026-10-29",
    );
    assert_eq!(
        schedule.state_at(at("2026-10-24T06:59:59Z")),
        closed_until("2026-10-24T07:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-10-24T07:00:00Z")),
        open_until("2026-10-24T15:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-10-26T07:59:59Z")),
        closed_until("2026-10-26T08:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-10-26T08:00:00Z")),
        open_until("2026-10-26T16:00:00Z")
    );
}

#[test]
fn a_range_across_the_autumn_change_is_an_hour_longer() {
    // 00:00 BST to 03:00 GMT: four hours of real time, open through both 01:00-02:00 local hours.
    let schedule = london(
        &[("2026-10-25", &[range("00:00", "03:00")])],
        "2026-10-23",
        "2026-10-28",
    );
    for now in [
        "2026-10-24T23:00:00Z",
        "2026-10-25T00:59:59Z",
        "2026-10-25T01:00:00Z",
        "2026-10-25T02:59:59Z",
    ] {
        assert_eq!(
            schedule.state_at(at(now)),
            open_until("2026-10-25T03:00:00Z"),
            "at {now}"
        );
    }
    assert!(matches!(
        schedule.state_at(at("2026-10-25T03:00:00Z")),
        Some(ScheduleState::Closed { .. })
    ));
}

#[test]
fn an_ambiguous_autumn_time_takes_the_earlier_instant() {
    // 01:30 happens twice on 25 October in London; the range ends at the first, 00:30 UTC.
    let schedule = london(
        &[("2026-10-25", &[range("00:30", "01:30")])],
        "2026-10-23",
        "2026-10-28",
    );
    assert_eq!(
        schedule.state_at(at("2026-10-25T00:29:59Z")),
        open_until("2026-10-25T00:30:00Z")
    );
    assert!(matches!(
        schedule.state_at(at("2026-10-25T01:00:00Z")),
        Some(ScheduleState::Closed { .. })
    ));
}

#[test]
fn new_york_changes_on_its_own_dates() {
    // 8 March 2026 in New York: 02:00 EST becomes 03:00 EDT; London is still on GMT.
    let schedule = Schedule::new(
        &hours(
            NEW_YORK,
            &[
                ("2026-03-07", &[range("09:00", "17:00")]),
                ("2026-03-09", &[range("09:00", "17:00")]),
            ],
        ),
        window("2026-03-05", "2026-03-12"),
    )
    .expect("a valid schedule");
    assert_eq!(
        schedule.state_at(at("2026-03-07T14:00:00Z")),
        open_until("2026-03-07T22:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-08T12:00:00Z")),
        closed_until("2026-03-09T13:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-03-09T13:00:00Z")),
        open_until("2026-03-09T21:00:00Z")
    );
}

#[test]
fn an_overnight_range_ends_the_next_day() {
    // Monday 22:00 to Tuesday 06:00, New York in winter (UTC-5).
    let schedule = Schedule::new(
        &hours(
            NEW_YORK,
            &[
                ("2026-12-07", &[range("22:00", "06:00")]),
                ("2026-12-08", &[range("22:00", "06:00")]),
            ],
        ),
        window("2026-12-05", "2026-12-12"),
    )
    .expect("a valid schedule");
    assert_eq!(
        schedule.state_at(at("2026-12-08T02:59:59Z")),
        closed_until("2026-12-08T03:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-12-08T03:00:00Z")),
        open_until("2026-12-08T11:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-12-08T10:59:59Z")),
        open_until("2026-12-08T11:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-12-08T11:00:00Z")),
        closed_until("2026-12-09T03:00:00Z")
    );
}

#[test]
fn ranges_that_meet_at_midnight_are_one_stretch() {
    // The same night written as two ranges: it closes at 06:00, not at midnight.
    let schedule = london(
        &[
            ("2026-12-07", &[range("22:00", "00:00")]),
            (
                "2026-12-08",
                &[range("00:00", "06:00"), range("09:00", "12:00")],
            ),
        ],
        "2026-12-05",
        "2026-12-12",
    );
    assert_eq!(
        schedule.state_at(at("2026-12-07T23:30:00Z")),
        open_until("2026-12-08T06:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-12-08T06:00:00Z")),
        closed_until("2026-12-08T09:00:00Z")
    );
}

#[test]
fn touching_ranges_of_one_day_are_one_stretch() {
    let schedule = london(
        &[(
            "2026-12-07",
            &[range("12:00", "17:00"), range("09:00", "12:00")],
        )],
        "2026-12-05",
        "2026-12-12",
    );
    assert_eq!(
        schedule.state_at(at("2026-12-07T10:00:00Z")),
        open_until("2026-12-07T17:00:00Z")
    );
}

#[test]
fn an_end_of_midnight_closes_at_the_end_of_the_day() {
    let schedule = london(
        &[("2026-12-07", &[range("18:00", "00:00")])],
        "2026-12-05",
        "2026-12-12",
    );
    assert_eq!(
        schedule.state_at(at("2026-12-07T23:59:59Z")),
        open_until("2026-12-08T00:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-12-08T00:00:00Z")),
        Some(ScheduleState::Closed {
            by_override: false,
            opens_at: None
        })
    );
}

#[test]
fn open_around_the_clock_has_no_known_closing() {
    let all_day = [range("00:00", "00:00")];
    let dates = [
        "2026-12-05",
        "2026-12-06",
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
    ];
    let days: Vec<(&str, &[LocalRange])> = dates.iter().map(|d| (*d, &all_day[..])).collect();
    let schedule = london(&days, "2026-12-05", "2026-12-09");
    assert_eq!(
        schedule.state_at(at("2026-12-07T03:00:00Z")),
        Some(ScheduleState::Open { closes_at: None })
    );
}

#[test]
fn a_schedule_with_no_hours_is_closed_with_no_opening() {
    let schedule = london(
        &[("2026-12-07", &[]), ("2026-12-08", &[])],
        "2026-12-05",
        "2026-12-12",
    );
    assert_eq!(
        schedule.state_at(at("2026-12-07T12:00:00Z")),
        Some(ScheduleState::Closed {
            by_override: false,
            opens_at: None
        })
    );
}

#[test]
fn a_closing_override_says_why_it_is_closed() {
    // Christmas Day, a Friday: the effective hours are empty and an override closed the usual ones.
    let mut christmas = hours(
        LONDON,
        &[
            ("2026-12-24", &[range("09:00", "17:00")]),
            ("2026-12-25", &[]),
            ("2026-12-28", &[range("09:00", "17:00")]),
        ],
    );
    christmas.overrides.push(OverrideRange {
        date: day("2026-12-25"),
        range: range("00:00", "00:00"),
        status: OverrideStatus::Closed,
    });
    let schedule =
        Schedule::new(&christmas, window("2026-12-22", "2026-12-30")).expect("a valid schedule");
    assert_eq!(
        schedule.state_at(at("2026-12-25T10:00:00Z")),
        Some(ScheduleState::Closed {
            by_override: true,
            opens_at: Some(at("2026-12-28T09:00:00Z"))
        })
    );
    // Boxing Day is an ordinary closed Saturday.
    assert_eq!(
        schedule.state_at(at("2026-12-26T10:00:00Z")),
        closed_until("2026-12-28T09:00:00Z")
    );
}

#[test]
fn an_opening_override_opens_a_closed_day() {
    // Sunday 6 December, usually closed: a special opening 10:00-14:00, already in the effective hours.
    let mut special = hours(LONDON, &[("2026-12-06", &[range("10:00", "14:00")])]);
    special.overrides.push(OverrideRange {
        date: day("2026-12-06"),
        range: range("10:00", "14:00"),
        status: OverrideStatus::Open,
    });
    let schedule =
        Schedule::new(&special, window("2026-12-04", "2026-12-10")).expect("a valid schedule");
    assert_eq!(
        schedule.state_at(at("2026-12-06T11:00:00Z")),
        open_until("2026-12-06T14:00:00Z")
    );
    assert_eq!(
        schedule.state_at(at("2026-12-06T09:00:00Z")),
        closed_until("2026-12-06T10:00:00Z")
    );
}

#[test]
fn instants_outside_the_fetched_days_are_not_known() {
    let schedule = london(
        &[("2026-12-07", &[range("09:00", "17:00")])],
        "2026-12-05",
        "2026-12-09",
    );
    // The first day is left out: the day before it, not fetched, may run overnight into it.
    assert!(!schedule.covers(at("2026-12-05T12:00:00Z")));
    assert!(schedule.covers(at("2026-12-06T00:00:00Z")));
    assert!(schedule.covers(at("2026-12-09T23:59:59Z")));
    assert!(!schedule.covers(at("2026-12-10T00:00:00Z")));
    assert_eq!(schedule.state_at(at("2026-12-10T12:00:00Z")), None);
}

#[test]
fn an_unknown_time_zone_is_an_error() {
    let answer = hours(
        "Mars/Olympus_Mons",
        &[("2026-12-07", &[range("09:00", "17:00")])],
    );
    assert_eq!(
        Schedule::new(&answer, window("2026-12-05", "2026-12-09")),
        Err(ScheduleError::UnknownTimeZone(
            "Mars/Olympus_Mons".to_owned()
        ))
    );
}

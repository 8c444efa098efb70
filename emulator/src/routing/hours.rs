//! Hours of operation: a time zone, weekly open ranges, and overrides for date spans.
//!
//! Times are local to the hours' IANA time zone. A range whose end is 00:00 ends at midnight; one
//! whose end is before its start ends the next day (22:00-02:00); 00:00-00:00 is the whole day.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::clock;

/// A local time of day, minute precision. Written `"HH:MM"` in the control API and configuration,
/// `{"Hours", "Minutes"}` on Connect's wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    hours: u8,
    minutes: u8,
}

impl TimeOfDay {
    /// 00:00: as a start, the beginning of the day; as an end, midnight.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay {
        hours: 0,
        minutes: 0,
    };

    pub fn new(hours: u8, minutes: u8) -> Result<Self, String> {
        if hours > 23 || minutes > 59 {
            return Err(format!(
                "{hours:02}:{minutes:02} is not a time of day (00:00 to 23:59)"
            ));
        }
        Ok(TimeOfDay { hours, minutes })
    }

    pub fn hours(self) -> u8 {
        self.hours
    }

    pub fn minutes(self) -> u8 {
        self.minutes
    }

    /// Minutes since midnight.
    pub(crate) fn minute_of_day(self) -> i64 {
        i64::from(self.hours) * 60 + i64::from(self.minutes)
    }

    /// The time `minutes` after midnight, wrapped into the day.
    pub(crate) fn from_minute_of_day(minutes: i64) -> Self {
        let minutes = minutes.rem_euclid(24 * 60);
        TimeOfDay {
            hours: u8::try_from(minutes / 60).unwrap_or(0),
            minutes: u8::try_from(minutes % 60).unwrap_or(0),
        }
    }

    /// `"HH:MM"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("{text:?} is not a time of day \"HH:MM\" (00:00 to 23:59)");
        let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
        if hours.len() != 2 || minutes.len() != 2 {
            return Err(invalid());
        }
        let hours = hours.parse().map_err(|_| invalid())?;
        let minutes = minutes.parse().map_err(|_| invalid())?;
        TimeOfDay::new(hours, minutes).map_err(|_| invalid())
    }

    /// Connect's `{"Hours", "Minutes"}`.
    pub(crate) fn to_wire(self) -> serde_json::Value {
        serde_json::json!({ "Hours": self.hours, "Minutes": self.minutes })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hours, self.minutes)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        TimeOfDay::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A day of the week, as Connect spells it (`MONDAY`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Weekday {
    Sunday,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Sunday,
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ];

    pub(crate) fn of(date: time::Date) -> Self {
        match date.weekday() {
            time::Weekday::Sunday => Weekday::Sunday,
            time::Weekday::Monday => Weekday::Monday,
            time::Weekday::Tuesday => Weekday::Tuesday,
            time::Weekday::Wednesday => Weekday::Wednesday,
            time::Weekday::Thursday => Weekday::Thursday,
            time::Weekday::Friday => Weekday::Friday,
            time::Weekday::Saturday => Weekday::Saturday,
        }
    }
}

/// A weekly open range: on `day`, from `start` to `end`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursRange {
    pub day: Weekday,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

impl HoursRange {
    /// The same range on every day of the week.
    pub fn every_day(start: TimeOfDay, end: TimeOfDay) -> Vec<HoursRange> {
        Weekday::ALL
            .into_iter()
            .map(|day| HoursRange { day, start, end })
            .collect()
    }
}

/// Whether an override opens or closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OverrideStatus {
    /// Open during its ranges, instead of the standard hours of the days it covers.
    Open,
    /// Closed during its ranges (`00:00`-`00:00`: the whole day).
    Closed,
}

impl OverrideStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OverrideStatus::Open => "OPEN",
            OverrideStatus::Closed => "CLOSED",
        }
    }
}

/// A range of an override: on `day` (every day of the span when absent), from `start` to `end`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OverrideRange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<Weekday>,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

/// An override of the standard hours for the dates `effective_from` to `effective_till` (both
/// included, `yyyy-MM-dd`, in the hours' time zone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursOverride {
    /// Assigned by the emulator when empty.
    #[serde(default)]
    pub override_id: String,
    /// 1 to 127 characters.
    pub name: String,
    pub status: OverrideStatus,
    pub effective_from: String,
    pub effective_till: String,
    pub config: Vec<OverrideRange>,
}

impl HoursOverride {
    /// The span's first and last dates; an error names what is wrong.
    pub(crate) fn span(&self) -> Result<(time::Date, time::Date), String> {
        let from = clock::parse_date(&self.effective_from).ok_or_else(|| {
            format!(
                "effectiveFrom {:?} is not a date yyyy-MM-dd",
                self.effective_from
            )
        })?;
        let till = clock::parse_date(&self.effective_till).ok_or_else(|| {
            format!(
                "effectiveTill {:?} is not a date yyyy-MM-dd",
                self.effective_till
            )
        })?;
        if till < from {
            return Err(format!(
                "effectiveTill {} is before effectiveFrom {}",
                self.effective_till, self.effective_from
            ));
        }
        Ok((from, till))
    }

    pub(crate) fn check(&self) -> Result<(), String> {
        let name_length = self.name.chars().count();
        if !(1..=127).contains(&name_length) || self.name.chars().any(char::is_control) {
            return Err(format!(
                "override name {:?} must be 1 to 127 printable characters",
                self.name
            ));
        }
        if self.config.len() > 100 {
            return Err("an override has at most 100 ranges".to_owned());
        }
        self.span().map(|_| ())
    }

    /// The ranges that apply on `date`, if the override covers it.
    pub(crate) fn ranges_on(&self, date: time::Date) -> Vec<&OverrideRange> {
        match self.span() {
            Ok((from, till)) if from <= date && date <= till => {
                let weekday = Weekday::of(date);
                self.config
                    .iter()
                    .filter(|range| range.day.is_none_or(|day| day == weekday))
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

/// An hours of operation resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HoursOfOperation {
    pub hours_of_operation_id: String,
    /// The instance it belongs to; empty means the emulator's first instance.
    #[serde(default)]
    pub instance_id: String,
    pub name: String,
    /// An IANA time zone name (`Europe/London`), or `UTC`.
    pub time_zone: String,
    /// The standard weekly ranges; a day without one is closed.
    pub config: Vec<HoursRange>,
    #[serde(default)]
    pub overrides: Vec<HoursOverride>,
}

impl HoursOfOperation {
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.hours_of_operation_id.is_empty() || self.hours_of_operation_id.len() > 100 {
            return Err("hoursOfOperationId must be 1 to 100 characters".to_owned());
        }
        if !(1..=127).contains(&self.name.chars().count()) {
            return Err("name must be 1 to 127 characters".to_owned());
        }
        check_time_zone(&self.time_zone)?;
        if self.overrides.len() > 50 {
            return Err("an hours of operation has at most 50 overrides".to_owned());
        }
        self.overrides.iter().try_for_each(HoursOverride::check)
    }
}

/// An IANA zone name's shape (`Area/Location`, `UTC`): the emulator has no zone database; the
/// function reading the hours interprets the zone.
fn check_time_zone(zone: &str) -> Result<(), String> {
    let valid_part = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
    };
    let shaped = zone == "UTC"
        || (zone.len() <= 64
            && zone.contains('/')
            && zone.split('/').all(valid_part)
            && zone.starts_with(|c: char| c.is_ascii_uppercase()));
    if shaped {
        Ok(())
    } else {
        Err(format!(
            "timeZone {zone:?} is not an IANA time zone name such as \"Europe/London\""
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_read_and_write_hh_mm() {
        let time = TimeOfDay::parse("09:30").expect("valid");
        assert_eq!((time.hours(), time.minutes()), (9, 30));
        assert_eq!(time.to_string(), "09:30");
        assert_eq!(serde_json::to_value(time).expect("JSON"), "09:30");
        for bad in ["24:00", "9:30", "09:60", "0930", "ab:cd", ""] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TimeOfDay::from_minute_of_day(1440 + 61).to_string(),
            "01:01"
        );
    }

    #[test]
    fn an_override_applies_to_its_span_and_days() {
        let christmas: HoursOverride = serde_json::from_value(serde_json::json!({
            "name": "Christmas", "status": "CLOSED", "effectiveFrom": "2026-12-25",
            "effectiveTill": "2026-12-26", "config": [{"start": "00:00", "end": "00:00"}]
        }))
        .expect("valid JSON");
        christmas.check().expect("valid");
        let day = |text| clock::parse_date(text).expect("a date");
        assert_eq!(christmas.ranges_on(day("2026-12-25")).len(), 1);
        assert_eq!(christmas.ranges_on(day("2026-12-26")).len(), 1);
        assert!(christmas.ranges_on(day("2026-12-27")).is_empty());
        let backwards = HoursOverride {
            effective_till: "2026-12-24".to_owned(),
            ..christmas
        };
        assert!(backwards.check().is_err());
    }

    #[test]
    fn time_zones_must_look_like_iana_names() {
        for zone in [
            "Europe/London",
            "America/Argentina/Buenos_Aires",
            "UTC",
            "Etc/GMT+5",
        ] {
            check_time_zone(zone).expect(zone);
        }
        for zone in [
            "",
            "London",
            "europe/london",
            "Europe//London",
            "Europe/Lon don",
        ] {
            assert!(check_time_zone(zone).is_err(), "{zone}");
        }
    }
}

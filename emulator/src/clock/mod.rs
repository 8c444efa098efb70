//! Time: the system clock, the emulator's own settable clock ([`EmulatorClock`]), and the formats
//! AWS uses on these APIs, through the `time` crate.
//!
//! Which clock is which: SigV4's `X-Amz-Date` check, token and URL expiries, quotas and the request
//! records follow the system clock (clients check them against theirs); what the emulated service
//! reports as "now" (transcript times, chat start and end, `DataSnapshotTime`, push notifications)
//! follows the emulator's clock, so a test can move it across an opening time.

mod emulated;

pub(crate) use emulated::EmulatorClock;

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `yyyy-MM-ddTHH:mm:ss.SSSZ`: `AbsoluteTime` and the expiries.
const ISO8601_MS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
/// `yyyy-MM-ddTHH:mm:ssZ`.
const ISO8601_SECS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
/// `yyyy-MM-dd`: the dates of hours of operation.
const DATE: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");
/// `yyyyMMddTHHmmssZ`: SigV4's `X-Amz-Date`.
const AMZ_DATE: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// Milliseconds since the Unix epoch, by the system clock.
pub(crate) fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The instant, clamped to what the formats can show (years 0000-9999).
fn date_time(epoch_ms: i64) -> OffsetDateTime {
    let nanos = i128::from(epoch_ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if nanos < 0 {
        OffsetDateTime::UNIX_EPOCH
    } else {
        time::macros::datetime!(9999-12-31 23:59:59.999 UTC)
    })
}

fn format(epoch_ms: i64, description: &[FormatItem<'static>]) -> String {
    // Formatting a valid date in these numeric formats cannot fail; the fallback keeps it panic-free.
    date_time(epoch_ms)
        .format(description)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_owned())
}

/// `yyyy-MM-ddTHH:mm:ss.SSSZ`, the format of `AbsoluteTime` and of the expiries.
pub(crate) fn iso8601_ms(epoch_ms: i64) -> String {
    format(epoch_ms, ISO8601_MS)
}

/// `yyyyMMddTHHmmssZ`, the SigV4 `X-Amz-Date` format.
pub(crate) fn amz_date(epoch_secs: i64) -> String {
    format(epoch_secs.saturating_mul(1000), AMZ_DATE)
}

/// `yyyy-MM-ddTHH:mm:ssZ` (UTC, whole seconds) for a point in time: what reports and logs print.
pub fn iso8601_utc(time: SystemTime) -> String {
    let epoch_ms = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    };
    format(epoch_ms, ISO8601_SECS)
}

/// Parses a calendar date `yyyy-MM-dd` (a real date: no February 30th).
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    if text.len() != 10 {
        return None;
    }
    Date::parse(text, DATE).ok()
}

/// `yyyy-MM-dd`.
pub(crate) fn format_date(date: Date) -> String {
    date.format(DATE)
        .unwrap_or_else(|_| "1970-01-01".to_owned())
}

/// Parses `yyyyMMddTHHmmssZ` into epoch seconds.
pub(crate) fn parse_amz_date(text: &str) -> Option<i64> {
    PrimitiveDateTime::parse(text, AMZ_DATE)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// Parses an ISO 8601 UTC time (`yyyy-MM-ddTHH:mm:ss[.fraction](Z|+00:00)`) into epoch ms.
pub(crate) fn parse_iso8601_ms(text: &str) -> Option<i64> {
    // Only UTC with a `T` separator, as the service writes and reads these times (RFC 3339 also
    // allows a space and other offsets).
    if !(text.ends_with('Z') || text.ends_with("+00:00"))
        || !matches!(text.as_bytes().get(10), Some(b'T' | b't'))
    {
        return None;
    }
    let parsed =
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    if parsed.offset() != UtcOffset::UTC {
        return None;
    }
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_ms(1_709_251_199_123), "2024-02-29T23:59:59.123Z");
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
        assert_eq!(
            iso8601_utc(UNIX_EPOCH + std::time::Duration::from_millis(1_709_251_199_999)),
            "2024-02-29T23:59:59Z"
        );
    }

    #[test]
    fn parses_what_it_formats() {
        for ms in [0_i64, 1_709_251_199_123, 4_102_444_800_000, 951_782_400_500] {
            assert_eq!(parse_iso8601_ms(&iso8601_ms(ms)), Some(ms));
            assert_eq!(parse_amz_date(&amz_date(ms / 1000)), Some(ms / 1000));
        }
        assert_eq!(
            parse_iso8601_ms("2024-01-01T00:00:00Z"),
            Some(1_704_067_200_000)
        );
        assert_eq!(
            parse_iso8601_ms("2024-01-01T00:00:00.5+00:00"),
            Some(1_704_067_200_500)
        );
    }

    #[test]
    fn rejects_garbage() {
        for text in [
            "",
            "2024",
            "2024-13-01T00:00:00Z",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+02:00",
            "é",
        ] {
            assert_eq!(parse_iso8601_ms(text), None, "{text}");
        }
        for text in [
            "",
            "20240101T000000",
            "2024010XT000000Z",
            "20240101T250000Z",
            "2024010\u{e9}T00000Z",
        ] {
            assert_eq!(parse_amz_date(text), None, "{text}");
        }
    }

    #[test]
    fn dates_are_calendar_dates() {
        let leap = parse_date("2024-02-29").expect("a leap day");
        assert_eq!(format_date(leap), "2024-02-29");
        for text in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "20240101",
            "2024-01-01T",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn out_of_range_instants_are_clamped_not_panicking() {
        assert_eq!(iso8601_ms(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601_ms(i64::MIN), "1970-01-01T00:00:00.000Z");
    }
}

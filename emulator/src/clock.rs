//! Wall-clock helpers: the two time formats AWS uses on these APIs.
//!
//! Written by hand (civil-date arithmetic) to avoid pulling a date crate in for two formats.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `yyyy-MM-ddTHH:mm:ss.SSSZ`, the format of `AbsoluteTime` and of the expiries.
pub(crate) fn iso8601_ms(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let millis = epoch_ms.rem_euclid(1000);
    let (year, month, day, hour, minute, second) = split_epoch_secs(secs);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

/// `yyyyMMddTHHmmssZ`, the SigV4 `X-Amz-Date` format.
pub(crate) fn amz_date(epoch_secs: i64) -> String {
    let (year, month, day, hour, minute, second) = split_epoch_secs(epoch_secs);
    format!("{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
}

/// Parses `yyyyMMddTHHmmssZ` into epoch seconds.
pub(crate) fn parse_amz_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    // ASCII first: the slicing below must not split a character.
    if !text.is_ascii() || bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = digits(&text[4..6])?;
    let day = digits(&text[6..8])?;
    let hour = digits(&text[9..11])?;
    let minute = digits(&text[11..13])?;
    let second = digits(&text[13..15])?;
    to_epoch_secs(year, month, day, hour, minute, second)
}

/// Parses an ISO 8601 UTC time (`yyyy-MM-ddTHH:mm:ss[.fraction](Z|+00:00)`) into epoch ms.
pub(crate) fn parse_iso8601_ms(text: &str) -> Option<i64> {
    let body = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))?;
    if body.len() < 19 || !body.is_ascii() {
        return None;
    }
    let b = body.as_bytes();
    if b[4] != b'-'
        || b[7] != b'-'
        || (b[10] != b'T' && b[10] != b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let secs = to_epoch_secs(
        digits(&body[0..4])?,
        digits(&body[5..7])?,
        digits(&body[8..10])?,
        digits(&body[11..13])?,
        digits(&body[14..16])?,
        digits(&body[17..19])?,
    )?;
    let fraction = &body[19..];
    let millis = if fraction.is_empty() {
        0
    } else {
        let frac_digits = fraction.strip_prefix('.')?;
        if frac_digits.is_empty() || !frac_digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        // Keep millisecond precision: pad or truncate to three digits.
        let mut ms_text: String = frac_digits.chars().take(3).collect();
        while ms_text.len() < 3 {
            ms_text.push('0');
        }
        digits(&ms_text)?
    };
    secs.checked_mul(1000)?.checked_add(millis)
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn to_epoch_secs(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<i64> {
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second);
    if !valid {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

fn split_epoch_secs(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    (
        year,
        month,
        day,
        rest / 3_600,
        (rest % 3_600) / 60,
        rest % 60,
    )
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_ms(1_709_251_199_123), "2024-02-29T23:59:59.123Z");
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
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
}

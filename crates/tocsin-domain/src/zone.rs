//! Time zones and local (civil) dates and times.
//!
//! Zones come from the IANA database bundled into the binary (jiff's
//! `tzdb-bundle-always`), looked up through [`jiff::tz::TimeZoneDatabase::bundled`]: nothing
//! is read from the operating system at run time, so a conversion gives the same answer on
//! every machine, whatever its `/usr/share/zoneinfo` or `TZ`. This module also converts
//! between the stored [`Timestamp`] and jiff's instant, and parses the strict date and time
//! forms used in configuration and in the report forms.

use crate::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{TimeZone, TimeZoneDatabase};

/// The time zone used when a form or a setting names none: Taiwan.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Taipei";

/// The last stored instant: 9999-12-31T23:59:59.999999Z, the end of [`Timestamp`]'s range.
const MAX_MICROS: i64 = 253_402_300_799_999_999;

/// A name that is not an IANA time zone of the bundled database.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown time zone `{0}`")]
pub struct UnknownTimeZone(pub String);

/// Looks up an IANA time zone name such as `Asia/Taipei` or `America/New_York` in the
/// bundled database (case-insensitively). Surrounding spaces are ignored.
pub fn time_zone(name: &str) -> Result<TimeZone, UnknownTimeZone> {
    let n = name.trim();
    let plausible = !n.is_empty()
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
    if !plausible {
        return Err(UnknownTimeZone(name.to_string()));
    }
    TimeZoneDatabase::bundled()
        .get(n)
        .map_err(|_| UnknownTimeZone(name.to_string()))
}

/// The canonical IANA name of a zone looked up with [`time_zone`], falling back to `given`
/// for zones without one.
pub fn zone_name(tz: &TimeZone, given: &str) -> String {
    tz.iana_name().unwrap_or(given.trim()).to_string()
}

/// The stored instant as jiff's; instants beyond jiff's range clamp to its ends.
pub fn to_jiff(t: Timestamp) -> jiff::Timestamp {
    let us = t.micros();
    jiff::Timestamp::from_microsecond(us).unwrap_or(if us < 0 {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    })
}

/// jiff's instant as stored, truncated to microseconds; instants after the end of year 9999
/// (UTC) clamp to it.
pub fn from_jiff(t: jiff::Timestamp) -> Timestamp {
    Timestamp::from_micros(t.as_microsecond().min(MAX_MICROS))
}

/// The last instant a [`Timestamp`] can hold.
pub fn far_future() -> Timestamp {
    Timestamp::from_micros(MAX_MICROS)
}

/// Parses a civil date written exactly `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[0..4])?;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// Parses a time of day written exactly `HH:MM` (24-hour clock).
pub fn parse_time_hm(s: &str) -> Option<Time> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let h = digits(&b[0..2])?;
    let m = digits(&b[3..5])?;
    Time::new(i8::try_from(h).ok()?, i8::try_from(m).ok()?, 0, 0).ok()
}

/// Parses a local (civil) date-time as an HTML `datetime-local` input sends it:
/// `YYYY-MM-DDTHH:MM`, optionally `:SS` and a fraction (dropped); a space or a lower-case
/// `t` may stand for the `T`. No offset: the caller places it in a time zone.
pub fn parse_local_datetime(v: &str) -> Option<DateTime> {
    let b = v.as_bytes();
    if b.len() < 16 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let date = parse_date(v.get(..10)?)?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = match &b[16..] {
        [] => 0,
        [b':', s1, s2, rest @ ..] => {
            let ok_fraction = match rest {
                [] => true,
                [b'.', frac @ ..] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
                _ => false,
            };
            if !ok_fraction {
                return None;
            }
            digits(&[*s1, *s2])?
        }
        _ => return None,
    };
    let time = Time::new(
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        0,
    )
    .ok()?;
    Some(DateTime::from_parts(date, time))
}

/// The value of a run of ASCII digits (at most 9 of them), or `None`.
pub(crate) fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_zone(name: &str, expected: Option<&str>) {
        let got = time_zone(name).ok().map(|tz| zone_name(&tz, name));
        assert_eq!(got.as_deref(), expected, "{name:?}");
    }

    #[test]
    fn zones() {
        check_zone("Asia/Taipei", Some("Asia/Taipei"));
        check_zone(" America/New_York ", Some("America/New_York"));
        check_zone("asia/taipei", Some("Asia/Taipei"));
        check_zone("UTC", Some("UTC"));
        check_zone("Mars/Olympus_Mons", None);
        check_zone("", None);
        check_zone("../../etc/passwd", None);
        check_zone("Asia/Taipei\0", None);
    }

    fn check_date(input: &str, expected: Option<(i16, i8, i8)>) {
        let want = expected.and_then(|(y, m, d)| Date::new(y, m, d).ok());
        assert_eq!(parse_date(input), want, "{input:?}");
    }

    #[test]
    fn dates() {
        check_date("2026-02-16", Some((2026, 2, 16)));
        check_date("2028-02-29", Some((2028, 2, 29)));
        check_date("2027-02-29", None);
        check_date("2026-2-16", None);
        check_date("2026/02/16", None);
        check_date("2026-02-16T00:00", None);
        check_date("+026-02-16", None);
        check_date("", None);
    }

    fn check_time(input: &str, expected: Option<(i8, i8)>) {
        let want = expected.and_then(|(h, m)| Time::new(h, m, 0, 0).ok());
        assert_eq!(parse_time_hm(input), want, "{input:?}");
    }

    #[test]
    fn times() {
        check_time("09:00", Some((9, 0)));
        check_time("18:30", Some((18, 30)));
        check_time("23:59", Some((23, 59)));
        check_time("24:00", None);
        check_time("9:00", None);
        check_time("09:60", None);
        check_time("09:00:00", None);
    }

    fn check_local(input: &str, expected: Option<(i16, i8, i8, i8, i8, i8)>) {
        let want = expected.and_then(|(y, mo, d, h, mi, s)| {
            Some(DateTime::from_parts(
                Date::new(y, mo, d).ok()?,
                Time::new(h, mi, s, 0).ok()?,
            ))
        });
        assert_eq!(parse_local_datetime(input), want, "{input:?}");
    }

    #[test]
    fn local_date_times() {
        check_local("2026-11-28T09:15", Some((2026, 11, 28, 9, 15, 0)));
        check_local("2026-11-28 09:15:30", Some((2026, 11, 28, 9, 15, 30)));
        check_local("2026-11-28t09:15:30.25", Some((2026, 11, 28, 9, 15, 30)));
        check_local("2026-11-28T09:15:", None);
        check_local("2026-11-28T09:15:00.", None);
        check_local("2026-11-28T09:15+08:00", None);
        check_local("2026-11-28T9:15", None);
        check_local("2026-02-30T09:15", None);
        check_local("2026-11-28", None);
        check_local("", None);
    }

    #[test]
    fn instants_round_trip() {
        let t = Timestamp::now();
        assert_eq!(from_jiff(to_jiff(t)), t);
        assert_eq!(far_future().rfc3339(), "9999-12-31T23:59:59.999999Z");
    }
}

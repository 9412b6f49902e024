//! Time as stored: UTC with microsecond precision, so both engines keep exactly the
//! same value and an export from one imports into the other unchanged.

use time::OffsetDateTime;

/// Now, truncated to microseconds, in UTC.
pub fn now() -> OffsetDateTime {
    truncate(OffsetDateTime::now_utc())
}

/// Truncates to microseconds and converts to UTC.
pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.microsecond();
    t.replace_microsecond(micros).unwrap_or(t)
}

/// Microseconds since the Unix epoch, the stored form.
pub fn to_micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000) as i64
}

/// The inverse of [`to_micros`]; out-of-range values clamp to the epoch.
pub fn from_micros(us: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_round_trip() {
        let t = now();
        assert_eq!(from_micros(to_micros(t)), t);
        assert_eq!(t.nanosecond() % 1_000, 0);
    }
}

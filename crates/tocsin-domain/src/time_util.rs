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

/// A point in time as tocsin stores it: UTC, microsecond precision. Stored as
/// microseconds since the epoch (BIGINT on both engines); written in exports and the API as
/// RFC 3339 with six fractional digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Now.
    pub fn now() -> Self {
        Self(now())
    }
    /// From any time, truncated to microseconds.
    pub fn from_datetime(t: OffsetDateTime) -> Self {
        Self(truncate(t))
    }
    /// From stored microseconds.
    pub fn from_micros(us: i64) -> Self {
        Self(from_micros(us))
    }
    /// The stored microseconds.
    pub fn micros(self) -> i64 {
        to_micros(self.0)
    }
    /// The time.
    pub fn datetime(self) -> OffsetDateTime {
        self.0
    }
    /// The UTC year, for tracking numbers.
    pub fn year(self) -> i32 {
        self.0.year()
    }
    /// This time plus a duration.
    pub fn plus(self, d: time::Duration) -> Self {
        Self::from_datetime(self.0 + d)
    }
    /// RFC 3339 with microseconds, e.g. `2026-11-28T10:07:12.123456Z`.
    pub fn rfc3339(self) -> String {
        let f = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        );
        self.0.format(&f).unwrap_or_default()
    }
    /// Parses RFC 3339 (any offset; converted to UTC).
    pub fn parse_rfc3339(s: &str) -> Result<Self, time::error::Parse> {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map(Self::from_datetime)
    }
}

impl From<i64> for Timestamp {
    fn from(us: i64) -> Self {
        Self::from_micros(us)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod timestamp_tests {
    use super::*;

    #[test]
    fn rfc3339_round_trip() {
        let t = Timestamp::now();
        assert_eq!(Timestamp::parse_rfc3339(&t.rfc3339()).ok(), Some(t));
        let s = Timestamp::parse_rfc3339("2026-11-28T18:07:12+08:00").map(|t| t.rfc3339());
        assert_eq!(s.ok().as_deref(), Some("2026-11-28T10:07:12.000000Z"));
    }
}

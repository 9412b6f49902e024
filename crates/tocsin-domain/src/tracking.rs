//! Human tracking numbers: `INC-2026-000001`. One gap-free sequence per report kind and
//! year; the prefixes are configuration, the sequence is allocated by storage.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The three kinds of report of DOMAIN.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 資安事件通報.
    Incident,
    /// 產品漏洞通報.
    Vulnerability,
    /// 網路釣魚通報.
    Phishing,
}

impl ReportKind {
    /// All kinds.
    pub const ALL: [ReportKind; 3] = [
        ReportKind::Incident,
        ReportKind::Vulnerability,
        ReportKind::Phishing,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Incident => "incident",
            ReportKind::Vulnerability => "vulnerability",
            ReportKind::Phishing => "phishing",
        }
    }

    /// The prefix used when configuration does not name one.
    pub fn default_prefix(self) -> &'static str {
        match self {
            ReportKind::Incident => "INC",
            ReportKind::Vulnerability => "VUL",
            ReportKind::Phishing => "PHI",
        }
    }
}

/// An unknown report kind.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown report kind `{0}`")]
pub struct UnknownReportKind(pub String);

impl FromStr for ReportKind {
    type Err = UnknownReportKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownReportKind(s.to_string()))
    }
}

impl TryFrom<String> for ReportKind {
    type Error = UnknownReportKind;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A prefix that is unusable in a tracking number.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a tracking prefix is 1 to 8 upper-case ASCII letters or digits, got `{0}`")]
pub struct BadPrefix(pub String);

/// Checks a configured prefix.
pub fn check_prefix(p: &str) -> Result<(), BadPrefix> {
    if (1..=8).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(BadPrefix(p.to_string()))
    }
}

/// A tracking number such as `INC-2026-000001`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingNumber {
    prefix: String,
    year: i32,
    seq: i64,
}

impl TrackingNumber {
    /// Builds one from parts; the prefix must pass [`check_prefix`].
    pub fn new(prefix: &str, year: i32, seq: i64) -> Result<Self, BadPrefix> {
        check_prefix(prefix)?;
        Ok(Self {
            prefix: prefix.to_string(),
            year,
            seq,
        })
    }
    /// The prefix, e.g. `INC`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The sequence number within prefix and year, from 1.
    pub fn seq(&self) -> i64 {
        self.seq
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}-{:06}", self.prefix, self.year, self.seq)
    }
}

/// A string that is not a tracking number.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a tracking number: `{0}`")]
pub struct BadTrackingNumber(pub String);

impl FromStr for TrackingNumber {
    type Err = BadTrackingNumber;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadTrackingNumber(s.to_string());
        let mut parts = s.trim().splitn(3, '-');
        let (Some(p), Some(y), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || n.len() < 6 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year = y.parse::<i32>().map_err(|_| bad())?;
        let seq = n.parse::<i64>().map_err(|_| bad())?;
        if seq < 1 {
            return Err(bad());
        }
        TrackingNumber::new(p, year, seq).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<(&str, i32, i64)>) {
        let got = input.parse::<TrackingNumber>().ok();
        let want = expected.and_then(|(p, y, n)| TrackingNumber::new(p, y, n).ok());
        assert_eq!(got, want, "{input}");
    }

    #[test]
    fn parse_and_display() {
        check("INC-2026-000001", Some(("INC", 2026, 1)));
        check("VUL-2026-1234567", Some(("VUL", 2026, 1_234_567)));
        check(" PHI-2027-000042 ", Some(("PHI", 2027, 42)));
        check("inc-2026-000001", None);
        check("INC-26-000001", None);
        check("INC-2026-1", None);
        check("INC-2026-000000", None);
        check("INC-2026-00000x", None);
        check("", None);
        let t = TrackingNumber::new("INC", 2026, 1).ok();
        assert_eq!(t.map(|t| t.to_string()).as_deref(), Some("INC-2026-000001"));
    }

    proptest::proptest! {
        #[test]
        fn round_trip(p in "[A-Z0-9]{1,8}", y in 1000i32..9999, n in 1i64..99_999_999) {
            let t = TrackingNumber::new(&p, y, n).expect("valid prefix");
            proptest::prop_assert_eq!(t.to_string().parse::<TrackingNumber>().ok(), Some(t));
        }
    }
}

//! The monthly e-newsletter (電子報月報): the month an issue or a statistics report covers,
//! the states of a subscription and of an issue, and the VERP tag that lets a bounce name
//! the delivery it answers.

use crate::Timestamp;
use crate::clock::month_around;
use jiff::tz::TimeZone;

/// A calendar month of the desk (`YYYY-MM`), the unit of an issue and of the statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year, 2000 to 9999.
    pub year: i16,
    /// The month, 1 to 12.
    pub month: i8,
}

/// Why a text is not a month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("month: expected YYYY-MM, got {0:?}")]
pub struct BadMonth(pub String);

impl Month {
    /// Parses `YYYY-MM` (years 2000 to 9999: the desk has no figures before).
    pub fn parse(s: &str) -> Result<Month, BadMonth> {
        let bad = || BadMonth(s.chars().take(20).collect());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let month: i8 = m.parse().map_err(|_| bad())?;
        if !(2000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The desk's month holding `at` in `tz`.
    pub fn of(at: Timestamp, tz: &TimeZone) -> Month {
        let d = crate::clock::day_of(at, tz);
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The month before.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                month: self.month - 1,
                ..self
            }
        }
    }

    /// The twelve months ending with this one, oldest first (the trend's months).
    pub fn last_twelve(self) -> Vec<Month> {
        let mut v = Vec::with_capacity(12);
        let mut m = self;
        for _ in 0..12 {
            v.push(m);
            m = m.previous();
        }
        v.reverse();
        v
    }

    /// The instant the month begins in `tz` and the instant the next begins (half-open).
    pub fn bounds(self, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
        let d = jiff::civil::Date::new(self.year, self.month, 15).ok()?;
        let noon = tz
            .to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .ok()?;
        month_around(crate::zone::from_jiff(noon), tz)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Where a subscription stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriberStatus {
    /// Asked for, not yet confirmed: only the confirmation mail goes to it.
    Pending,
    /// Confirmed: receives every issue.
    Active,
    /// Left by its link, or after repeated bounces: receives nothing.
    Unsubscribed,
}

impl SubscriberStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberStatus::Pending => "pending",
            SubscriberStatus::Active => "active",
            SubscriberStatus::Unsubscribed => "unsubscribed",
        }
    }

    /// The state of a stored word.
    pub fn parse(s: &str) -> Option<SubscriberStatus> {
        Some(match s {
            "pending" => SubscriberStatus::Pending,
            "active" => SubscriberStatus::Active,
            "unsubscribed" => SubscriberStatus::Unsubscribed,
            _ => return None,
        })
    }
}

/// Where an issue stands: a draft the desk edits, then sending (the worker mails the
/// subscribers a batch at a time), then sent (archived publicly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueStatus {
    /// Editable, previewable, not public.
    Draft,
    /// Being mailed; no longer editable.
    Sending,
    /// Every active subscriber has a delivery; public in the archive.
    Sent,
}

impl IssueStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueStatus::Draft => "draft",
            IssueStatus::Sending => "sending",
            IssueStatus::Sent => "sent",
        }
    }

    /// The state of a stored word.
    pub fn parse(s: &str) -> Option<IssueStatus> {
        Some(match s {
            "draft" => IssueStatus::Draft,
            "sending" => IssueStatus::Sending,
            "sent" => IssueStatus::Sent,
            _ => return None,
        })
    }
}

/// The prefix of the VERP tag in an issue's envelope sender: `desk+nl-<key>@domain`.
const VERP_TAG: &str = "+nl-";

/// The envelope sender of one delivery: `from`'s local part tagged with the delivery's
/// bounce key, so the bounce comes back to an address that names it (VERP). `None` when
/// `from` is not an address.
pub fn verp_sender(from: &str, bounce_key: &str) -> Option<String> {
    let (local, domain) = from.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    Some(format!("{local}{VERP_TAG}{bounce_key}@{domain}"))
}

/// The bounce key a VERP address carries (what [`verp_sender`] put in), lower-cased; only
/// ASCII letters and digits, at most 64.
pub fn bounce_key_of(address: &str) -> Option<String> {
    let address = address.trim().trim_matches(['<', '>']);
    let (local, _) = address.rsplit_once('@')?;
    let i = local.to_ascii_lowercase().find(VERP_TAG)?;
    let key = local.get(i + VERP_TAG.len()..)?;
    (!key.is_empty() && key.len() <= 64 && key.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| key.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(
            Month::parse("2026-11"),
            Ok(Month {
                year: 2026,
                month: 11
            })
        );
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026/11",
            "",
            "1999-12",
            "２０２６-11",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Month::parse("2026-01").map(|m| m.to_string()).as_deref(),
            Ok("2026-01")
        );
    }

    #[test]
    fn the_trend_is_twelve_months_across_the_year() {
        let m = Month::parse("2026-03").expect("month");
        let t = m.last_twelve();
        assert_eq!(t.len(), 12);
        assert_eq!(t[0].to_string(), "2025-04");
        assert_eq!(t[11], m);
    }

    #[test]
    fn month_bounds_are_taipeis() {
        let tz = crate::zone::time_zone("Asia/Taipei").expect("zone");
        let (from, until) = Month::parse("2026-12")
            .expect("month")
            .bounds(&tz)
            .expect("bounds");
        let at = |s: &str| crate::zone::from_jiff(s.parse::<jiff::Timestamp>().expect("t"));
        assert_eq!(from, at("2026-11-30T16:00:00Z"));
        assert_eq!(until, at("2026-12-31T16:00:00Z"));
        assert_eq!(
            Month::of(at("2026-11-30T16:30:00Z"), &tz).to_string(),
            "2026-12"
        );
    }

    #[test]
    fn a_verp_address_names_its_delivery() {
        let s = verp_sender("desk@cert.example.tw", "ab12").expect("sender");
        assert_eq!(s, "desk+nl-ab12@cert.example.tw");
        assert_eq!(bounce_key_of(&s).as_deref(), Some("ab12"));
        assert_eq!(
            bounce_key_of("<DESK+NL-AB12@cert.example.tw>").as_deref(),
            Some("ab12")
        );
        assert_eq!(bounce_key_of("desk@cert.example.tw"), None);
        assert_eq!(bounce_key_of("desk+nl-@x.tw"), None);
        assert_eq!(bounce_key_of("desk+nl-a;b@x.tw"), None);
        assert_eq!(verp_sender("nobody", "k"), None);
    }
}

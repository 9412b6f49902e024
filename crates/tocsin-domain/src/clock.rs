//! The product's clock. Every "now" tocsin uses (a report's arrival, an SLA deadline, an
//! embargo date, a throttle window, "today" for a points item's validity) comes from one
//! [`Clock`] handed to the store and the application at start, never from the machine's
//! clock directly: a test sets the hour it needs (23:30 or 00:30 in Taipei) instead of
//! depending on when it happens to run.
//!
//! Reading the machine's clock is the one impure act of this crate; it happens here and in
//! [`Timestamp::now`], which only the system clock calls.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use jiff::tz::TimeZone;

use crate::Timestamp;
use crate::zone;

/// A source of the current time; cheap to clone, clones share the same time.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    /// The machine's clock: production.
    System,
    /// Runs at the machine's speed from a chosen start: a rehearsal or a browser test at a
    /// chosen hour (`tocsin --clock-start`).
    From(Mutex<(Timestamp, Instant)>),
    /// Stands still until set or advanced: tests of timers without sleeping.
    Manual(Mutex<Timestamp>),
}

/// [`Clock::set`] or [`Clock::advance`] on the system clock, which nobody may move.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
#[error("the system clock cannot be set")]
pub struct NotSettable;

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// The machine's clock.
    pub fn system() -> Self {
        Clock(Arc::new(Source::System))
    }

    /// A clock that reads `start` now and runs on at the machine's speed.
    pub fn starting_at(start: Timestamp) -> Self {
        Clock(Arc::new(Source::From(Mutex::new((start, Instant::now())))))
    }

    /// A clock that reads `at` until it is set or advanced.
    pub fn manual(at: Timestamp) -> Self {
        Clock(Arc::new(Source::Manual(Mutex::new(at))))
    }

    /// Whether this is the machine's clock (a server logs a warning otherwise).
    pub fn is_system(&self) -> bool {
        matches!(*self.0, Source::System)
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        match &*self.0 {
            Source::System => Timestamp::now(),
            Source::From(m) => {
                let (start, since) = *m.lock().unwrap_or_else(PoisonError::into_inner);
                let elapsed =
                    time::Duration::try_from(since.elapsed()).unwrap_or(time::Duration::MAX);
                start.plus(elapsed)
            }
            Source::Manual(m) => *m.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Sets the time (a running clock runs on from it).
    pub fn set(&self, at: Timestamp) -> Result<(), NotSettable> {
        match &*self.0 {
            Source::System => return Err(NotSettable),
            Source::From(m) => {
                *m.lock().unwrap_or_else(PoisonError::into_inner) = (at, Instant::now())
            }
            Source::Manual(m) => *m.lock().unwrap_or_else(PoisonError::into_inner) = at,
        }
        Ok(())
    }

    /// Moves the time on by `d` (back, when negative).
    pub fn advance(&self, d: time::Duration) -> Result<(), NotSettable> {
        self.set(self.now().plus(d))
    }

    /// Today's calendar date in `tz` (the desk's `calendar.time_zone`), never the UTC date.
    pub fn today(&self, tz: &TimeZone) -> jiff::civil::Date {
        day_of(self.now(), tz)
    }
}

/// The calendar date of `at` in `tz`.
pub fn day_of(at: Timestamp, tz: &TimeZone) -> jiff::civil::Date {
    tz.to_datetime(zone::to_jiff(at)).date()
}

/// The calendar month of `at` in `tz`, as `YYYY-MM`: statistics by month are the desk's
/// months (a report at 00:30 on 1 December in Taipei counts in December, not November).
pub fn month_of(at: Timestamp, tz: &TimeZone) -> String {
    let d = day_of(at, tz);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// The instant a calendar year begins in `tz` (midnight of 1 January there); `None` for a
/// year outside the supported range.
pub fn start_of_year(year: i32, tz: &TimeZone) -> Option<Timestamp> {
    let y = i16::try_from(year).ok()?;
    let d = jiff::civil::Date::new(y, 1, 1).ok()?;
    let at = tz
        .to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .ok()?;
    Some(zone::from_jiff(at))
}

/// The instant a calendar month begins in `tz` (midnight of its first day there) and the
/// instant the next one begins: the desk's month holding `at`, for figures "this month".
pub fn month_around(at: Timestamp, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let d = day_of(at, tz).first_of_month();
    let start = |d: jiff::civil::Date| {
        tz.to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .ok()
            .map(zone::from_jiff)
    };
    let next = d.checked_add(jiff::Span::new().months(1)).ok()?;
    Some((start(d)?, start(next)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        let t: jiff::Timestamp = s.parse().expect("instant");
        zone::from_jiff(t)
    }

    #[test]
    fn the_month_is_the_desks_not_utcs() {
        let tz = zone::time_zone("Asia/Taipei").expect("zone");
        // 00:30 on 1 December in Taipei is still November in UTC.
        let (from, until) = month_around(at("2026-11-30T16:30:00Z"), &tz).expect("month");
        assert_eq!(from, at("2026-11-30T16:00:00Z"));
        assert_eq!(until, at("2026-12-31T16:00:00Z"));
        let (from, _) = month_around(at("2026-11-30T15:30:00Z"), &tz).expect("month");
        assert_eq!(from, at("2026-10-31T16:00:00Z"));
    }

    #[test]
    fn manual_clock_stands_still_until_moved() {
        let c = Clock::manual(at("2026-12-06T15:30:00Z"));
        let shared = c.clone();
        assert_eq!(c.now(), at("2026-12-06T15:30:00Z"));
        c.advance(time::Duration::hours(1)).expect("settable");
        assert_eq!(
            shared.now(),
            at("2026-12-06T16:30:00Z"),
            "clones share the time"
        );
        c.set(at("2027-01-01T00:00:00Z")).expect("settable");
        assert_eq!(shared.now(), at("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn running_clock_starts_where_told() {
        let start = at("2026-12-06T16:30:00Z");
        let c = Clock::starting_at(start);
        let now = c.now();
        assert!(now >= start && now < start.plus(time::Duration::minutes(1)));
        assert!(!c.is_system());
    }

    #[test]
    fn system_clock_cannot_be_moved() {
        let c = Clock::system();
        assert!(c.is_system());
        assert_eq!(c.set(at("2026-12-06T16:30:00Z")), Err(NotSettable));
        let before = Timestamp::now();
        assert!(c.now() >= before);
    }

    /// Taipei is eight hours ahead of UTC: from 16:00 to 24:00 UTC its date is the next
    /// day's. "Today" is the desk's date at each of the hours where the two differ or meet.
    #[test]
    fn today_is_the_desks_date_not_utcs() {
        let taipei = zone::time_zone("Asia/Taipei").expect("zone");
        for (utc, want) in [
            ("2026-12-06T15:30:00Z", "2026-12-06"), // 23:30 in Taipei
            ("2026-12-06T16:30:00Z", "2026-12-07"), // 00:30 in Taipei
            ("2026-12-06T17:00:00Z", "2026-12-07"),
            ("2026-12-06T03:00:00Z", "2026-12-06"),
            ("2026-12-31T16:00:00Z", "2027-01-01"), // a new year in Taipei first
        ] {
            let c = Clock::manual(at(utc));
            assert_eq!(c.today(&taipei).to_string(), want, "at {utc}");
            assert_eq!(
                c.today(&TimeZone::UTC).to_string(),
                &utc[..10],
                "UTC at {utc}"
            );
        }
        assert_eq!(month_of(at("2026-11-30T16:30:00Z"), &taipei), "2026-12");
        assert_eq!(month_of(at("2026-11-30T15:30:00Z"), &taipei), "2026-11");
    }

    #[test]
    fn a_year_begins_at_the_desks_midnight() {
        let taipei = zone::time_zone("Asia/Taipei").expect("zone");
        assert_eq!(
            start_of_year(2027, &taipei),
            Some(at("2026-12-31T16:00:00Z"))
        );
        assert_eq!(
            start_of_year(2027, &TimeZone::UTC),
            Some(at("2027-01-01T00:00:00Z"))
        );
        assert_eq!(start_of_year(100_000, &taipei), None);
    }
}

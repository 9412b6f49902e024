//! Service-level timers in working hours.
//!
//! A [`WorkCalendar`] says when the desk works: a time zone, daily hours (09:00–18:00 by
//! default), working weekdays (Monday to Friday), public holidays, and extra working days
//! (make-up Saturdays, 補行上班, when a year's calendar has them). It adds working minutes to
//! an instant ([`WorkCalendar::add_working_time`], the deadline) and counts working minutes
//! between two instants ([`WorkCalendar::working_minutes_between`]).
//!
//! An [`SlaPolicy`] gives, per [`Priority`], the working minutes allowed until the first
//! response and until resolution; [`SlaStatus`] is where a timer stands.
//!
//! Taiwan's public holidays for 2026 and 2027 ship in `data/tw-holidays.toml`
//! ([`TW_HOLIDAYS_TOML`], parsed by [`parse_holidays`]); operators must check that file
//! against the official DGPA calendar each year.

use crate::Timestamp;
use crate::names::names;
use crate::zone::{self, DEFAULT_TIME_ZONE};
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeSet;

/// The largest SLA budget, in working minutes (about seven years of nine-hour days). Longer
/// budgets are treated as this long.
pub const MAX_SLA_MINUTES: i64 = 1_000_000;

const MICROS_PER_MINUTE: i64 = 60_000_000;

/// Taiwan's public holidays as shipped (see the file's header: check it every year).
pub const TW_HOLIDAYS_TOML: &str = include_str!("../data/tw-holidays.toml");

names! {
    /// How urgent a report is, P1 the most.
    Priority, UnknownPriority, "priority" {
        /// Critical: handle at once.
        P1 => "p1",
        /// High.
        P2 => "p2",
        /// Normal.
        P3 => "p3",
        /// Low.
        P4 => "p4",
    }
}

names! {
    /// The two timers of a report.
    SlaTimer, UnknownSlaTimer, "SLA timer" {
        /// From filing to the desk's first answer to the reporter.
        FirstResponse => "first_response",
        /// From filing to resolution.
        Resolution => "resolution",
    }
}

/// A problem with a calendar setting or the holiday data; `setting` names it.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CalendarError {
    /// Not an IANA time zone.
    #[error("{setting}: unknown time zone `{value}`")]
    TimeZone {
        /// The setting.
        setting: String,
        /// What it holds.
        value: String,
    },
    /// Not a time of day `HH:MM`.
    #[error("{setting}: `{value}` is not a time of day HH:MM")]
    TimeOfDay {
        /// The setting.
        setting: String,
        /// What it holds.
        value: String,
    },
    /// The working day ends before it starts.
    #[error("day_start ({start}) must be before day_end ({end})")]
    DayOrder {
        /// `day_start`.
        start: String,
        /// `day_end`.
        end: String,
    },
    /// Not a weekday name.
    #[error("{setting}: `{value}` is not a weekday (mon, tue, wed, thu, fri, sat, sun)")]
    Weekday {
        /// The setting.
        setting: String,
        /// What it holds.
        value: String,
    },
    /// No weekday is a working day.
    #[error("working_days: at least one weekday must be a working day")]
    NoWorkingDays,
    /// Not a date `YYYY-MM-DD`.
    #[error("{setting}: `{value}` is not a date YYYY-MM-DD")]
    Date {
        /// The setting, e.g. `holidays[2]` or `holiday[4].date`.
        setting: String,
        /// What it holds.
        value: String,
    },
    /// The holiday data is not valid TOML of the expected shape.
    #[error("holiday data: {0}")]
    Syntax(String),
}

impl CalendarError {
    /// The name of the setting at fault.
    pub fn setting(&self) -> &str {
        match self {
            CalendarError::TimeZone { setting, .. }
            | CalendarError::TimeOfDay { setting, .. }
            | CalendarError::Weekday { setting, .. }
            | CalendarError::Date { setting, .. } => setting,
            CalendarError::DayOrder { .. } => "day_end",
            CalendarError::NoWorkingDays => "working_days",
            CalendarError::Syntax(_) => "holidays",
        }
    }
}

/// A dated entry of the holiday data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its name in Traditional Chinese.
    pub name_zh: String,
    /// Its name in English.
    pub name_en: String,
}

/// Holiday data: days off, and extra working days (make-up Saturdays).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HolidayList {
    /// Weekdays that are days off.
    pub holidays: Vec<Holiday>,
    /// Weekend days that are working days.
    pub workdays: Vec<Holiday>,
}

/// A date as written in TOML: a quoted string or a TOML local date.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateValue {
    fn text(self) -> String {
        match self {
            DateValue::Text(s) => s,
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

fn date_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<DateValue>::deserialize(d)?
        .into_iter()
        .map(DateValue::text)
        .collect())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    #[serde(default)]
    holiday: Vec<HolidayRow>,
    #[serde(default)]
    workday: Vec<HolidayRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRow {
    date: DateValue,
    name_zh: String,
    name_en: String,
}

/// Parses holiday data in the format of `data/tw-holidays.toml`: `[[holiday]]` and
/// `[[workday]]` tables of `date`, `name_zh`, `name_en`.
pub fn parse_holidays(text: &str) -> Result<HolidayList, CalendarError> {
    let file: HolidayFile =
        toml::from_str(text).map_err(|e| CalendarError::Syntax(e.message().to_string()))?;
    let rows = |rows: Vec<HolidayRow>, table: &str| {
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| {
                let value = r.date.text();
                let date = zone::parse_date(&value).ok_or_else(|| CalendarError::Date {
                    setting: format!("{table}[{i}].date"),
                    value: value.clone(),
                })?;
                Ok(Holiday {
                    date,
                    name_zh: r.name_zh,
                    name_en: r.name_en,
                })
            })
            .collect::<Result<Vec<_>, CalendarError>>()
    };
    Ok(HolidayList {
        holidays: rows(file.holiday, "holiday")?,
        workdays: rows(file.workday, "workday")?,
    })
}

/// The shipped Taiwan holidays ([`TW_HOLIDAYS_TOML`]).
pub fn tw_holidays() -> Result<HolidayList, CalendarError> {
    parse_holidays(TW_HOLIDAYS_TOML)
}

/// The calendar settings as configured (e.g. a `[calendar]` table of the server's TOML).
/// Every field has a default: Taipei, 09:00–18:00, Monday to Friday, the shipped Taiwan
/// holidays.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    /// IANA time zone of the desk.
    pub time_zone: String,
    /// Start of the working day, `HH:MM`.
    pub day_start: String,
    /// End of the working day, `HH:MM`, after `day_start` on the same day.
    pub day_end: String,
    /// Working weekdays: `mon` … `sun` (full English names also accepted).
    pub working_days: Vec<String>,
    /// Whether the shipped Taiwan holidays ([`TW_HOLIDAYS_TOML`]) apply.
    pub builtin_holidays: bool,
    /// More days off, `YYYY-MM-DD`.
    #[serde(deserialize_with = "date_strings")]
    pub holidays: Vec<String>,
    /// Days worked although a weekend or a holiday (make-up working days), `YYYY-MM-DD`.
    /// They win over holidays.
    #[serde(deserialize_with = "date_strings")]
    pub extra_workdays: Vec<String>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        Self {
            time_zone: DEFAULT_TIME_ZONE.to_string(),
            day_start: "09:00".to_string(),
            day_end: "18:00".to_string(),
            working_days: ["mon", "tue", "wed", "thu", "fri"]
                .into_iter()
                .map(String::from)
                .collect(),
            builtin_holidays: true,
            holidays: Vec::new(),
            extra_workdays: Vec::new(),
        }
    }
}

/// When the desk works. Build it with [`WorkCalendar::from_config`].
#[derive(Clone, Debug)]
pub struct WorkCalendar {
    time_zone: TimeZone,
    time_zone_name: String,
    day_start: Time,
    day_end: Time,
    /// Indexed by days from Monday.
    working_weekdays: [bool; 7],
    holidays: BTreeSet<Date>,
    extra_workdays: BTreeSet<Date>,
}

fn weekday(name: &str) -> Option<Weekday> {
    let n = name.trim().to_ascii_lowercase();
    let w = match n.as_str() {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return None,
    };
    Some(w)
}

fn weekday_index(w: Weekday) -> usize {
    usize::try_from(w.to_monday_zero_offset()).unwrap_or(0)
}

impl WorkCalendar {
    /// Checks the settings and builds the calendar. Errors name the setting.
    pub fn from_config(cfg: &CalendarConfig) -> Result<Self, CalendarError> {
        let tz = zone::time_zone(&cfg.time_zone).map_err(|_| CalendarError::TimeZone {
            setting: "time_zone".into(),
            value: cfg.time_zone.clone(),
        })?;
        let time = |setting: &str, value: &str| {
            zone::parse_time_hm(value.trim()).ok_or_else(|| CalendarError::TimeOfDay {
                setting: setting.into(),
                value: value.to_string(),
            })
        };
        let day_start = time("day_start", &cfg.day_start)?;
        let day_end = time("day_end", &cfg.day_end)?;
        if day_start >= day_end {
            return Err(CalendarError::DayOrder {
                start: cfg.day_start.clone(),
                end: cfg.day_end.clone(),
            });
        }
        let mut working_weekdays = [false; 7];
        for (i, name) in cfg.working_days.iter().enumerate() {
            let w = weekday(name).ok_or_else(|| CalendarError::Weekday {
                setting: format!("working_days[{i}]"),
                value: name.clone(),
            })?;
            working_weekdays[weekday_index(w)] = true;
        }
        if !working_weekdays.contains(&true) {
            return Err(CalendarError::NoWorkingDays);
        }
        let dates = |setting: &str, values: &[String]| {
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    zone::parse_date(v.trim()).ok_or_else(|| CalendarError::Date {
                        setting: format!("{setting}[{i}]"),
                        value: v.clone(),
                    })
                })
                .collect::<Result<BTreeSet<Date>, CalendarError>>()
        };
        let mut cal = WorkCalendar {
            time_zone_name: zone::zone_name(&tz, &cfg.time_zone),
            time_zone: tz,
            day_start,
            day_end,
            working_weekdays,
            holidays: dates("holidays", &cfg.holidays)?,
            extra_workdays: dates("extra_workdays", &cfg.extra_workdays)?,
        };
        if cfg.builtin_holidays {
            cal = cal.with_holidays(&tw_holidays()?);
        }
        Ok(cal)
    }

    /// Adds the days off and extra working days of a holiday list (e.g. one the operator
    /// keeps in a file, parsed with [`parse_holidays`]).
    pub fn with_holidays(mut self, list: &HolidayList) -> Self {
        self.holidays.extend(list.holidays.iter().map(|h| h.date));
        self.extra_workdays
            .extend(list.workdays.iter().map(|h| h.date));
        self
    }

    /// The canonical IANA name of the calendar's time zone.
    pub fn time_zone_name(&self) -> &str {
        &self.time_zone_name
    }

    /// The time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// Start of the working day.
    pub fn day_start(&self) -> Time {
        self.day_start
    }

    /// End of the working day.
    pub fn day_end(&self) -> Time {
        self.day_end
    }

    /// The days off besides the weekly rest days.
    pub fn holidays(&self) -> &BTreeSet<Date> {
        &self.holidays
    }

    /// The days worked although a rest day or a holiday.
    pub fn extra_workdays(&self) -> &BTreeSet<Date> {
        &self.extra_workdays
    }

    /// Whether the desk works on a (local) date: an extra working day always; otherwise not
    /// on a holiday; otherwise by weekday.
    pub fn is_working_day(&self, d: Date) -> bool {
        if self.extra_workdays.contains(&d) {
            true
        } else if self.holidays.contains(&d) {
            false
        } else {
            self.working_weekdays[weekday_index(d.weekday())]
        }
    }

    /// The working hours of a date as microseconds since the epoch, start inclusive and
    /// end exclusive; `None` on a day off. (On a day with a DST change inside the working
    /// hours, the window has its real length.)
    fn window(&self, d: Date) -> Option<(i64, i64)> {
        if !self.is_working_day(d) {
            return None;
        }
        let at = |t: Time| {
            self.time_zone
                .to_ambiguous_timestamp(DateTime::from_parts(d, t))
                .compatible()
                .ok()
                .map(|ts| zone::from_jiff(ts).micros())
        };
        let (s, e) = (at(self.day_start)?, at(self.day_end)?);
        (s < e).then_some((s, e))
    }

    /// The local date of an instant.
    fn local_date(&self, t: Timestamp) -> Date {
        self.time_zone.to_datetime(zone::to_jiff(t)).date()
    }

    /// The deadline `minutes` working minutes after `start`: time outside working hours,
    /// on rest days and on holidays does not count. A deadline that lands exactly on the end
    /// of a working day is that end (18:00), not the next morning. `minutes <= 0` gives
    /// `start`; budgets beyond [`MAX_SLA_MINUTES`] are cut to it.
    pub fn add_working_time(&self, start: Timestamp, minutes: i64) -> Timestamp {
        let minutes = minutes.clamp(0, MAX_SLA_MINUTES);
        if minutes == 0 {
            return start;
        }
        let mut remaining = minutes * MICROS_PER_MINUTE;
        let t = start.micros();
        let mut date = self.local_date(start);
        loop {
            if let Some((ws, we)) = self.window(date) {
                let from = t.max(ws);
                if from < we {
                    let available = we - from;
                    if remaining <= available {
                        return Timestamp::from_micros(from + remaining);
                    }
                    remaining -= available;
                }
            }
            match date.tomorrow() {
                Ok(d) => date = d,
                Err(_) => return zone::far_future(),
            }
        }
    }

    /// The working minutes from `a` to `b` (whole minutes, rounded toward zero); negative
    /// when `b` is before `a`. For a start `a` and budget `m` within
    /// [`MAX_SLA_MINUTES`], `working_minutes_between(a, add_working_time(a, m)) == m`.
    pub fn working_minutes_between(&self, a: Timestamp, b: Timestamp) -> i64 {
        if b < a {
            return -self.working_minutes_between(b, a);
        }
        let (ta, tb) = (a.micros(), b.micros());
        let last = self.local_date(b);
        let mut date = self.local_date(a);
        let mut total: i64 = 0;
        while date <= last {
            if let Some((ws, we)) = self.window(date) {
                let overlap = we.min(tb) - ws.max(ta);
                if overlap > 0 {
                    total = total.saturating_add(overlap);
                }
            }
            match date.tomorrow() {
                Ok(d) => date = d,
                Err(_) => break,
            }
        }
        total / MICROS_PER_MINUTE
    }
}

/// The working minutes allowed for one priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaTargets {
    /// Until the first response to the reporter.
    pub first_response_minutes: i64,
    /// Until the report is resolved.
    pub resolution_minutes: i64,
}

impl SlaTargets {
    /// The budget of one timer.
    pub fn minutes(&self, timer: SlaTimer) -> i64 {
        match timer {
            SlaTimer::FirstResponse => self.first_response_minutes,
            SlaTimer::Resolution => self.resolution_minutes,
        }
    }
}

/// The SLA targets per priority, in working minutes. A working day is 540 minutes
/// (09:00–18:00). Defaults:
///
/// | priority | first response | resolution |
/// |---|---|---|
/// | p1 | 60 (1 hour) | 540 (1 working day) |
/// | p2 | 240 (4 hours) | 1620 (3 working days) |
/// | p3 | 540 (1 working day) | 2700 (5 working days) |
/// | p4 | 1080 (2 working days) | 5400 (10 working days) |
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaPolicy {
    /// Critical.
    pub p1: SlaTargets,
    /// High.
    pub p2: SlaTargets,
    /// Normal.
    pub p3: SlaTargets,
    /// Low.
    pub p4: SlaTargets,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        let t = |first_response_minutes, resolution_minutes| SlaTargets {
            first_response_minutes,
            resolution_minutes,
        };
        Self {
            p1: t(60, 540),
            p2: t(240, 3 * 540),
            p3: t(540, 5 * 540),
            p4: t(1080, 10 * 540),
        }
    }
}

/// A problem with an SLA setting; `setting` names it, e.g. `p2.resolution_minutes`.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlaPolicyError {
    /// Not between 1 and [`MAX_SLA_MINUTES`].
    #[error("{setting}: must be between 1 and {max} minutes, got {value}", max = MAX_SLA_MINUTES)]
    OutOfRange {
        /// The setting.
        setting: String,
        /// What it holds.
        value: i64,
    },
    /// The first response is allowed longer than resolution.
    #[error("{setting}: the first response cannot be due after resolution")]
    Order {
        /// The setting (`pN.first_response_minutes`).
        setting: String,
    },
}

impl SlaPolicy {
    /// The targets of one priority.
    pub fn targets(&self, p: Priority) -> SlaTargets {
        match p {
            Priority::P1 => self.p1,
            Priority::P2 => self.p2,
            Priority::P3 => self.p3,
            Priority::P4 => self.p4,
        }
    }

    /// Checks every target: 1 to [`MAX_SLA_MINUTES`], the first response no later than
    /// resolution.
    pub fn validate(&self) -> Result<(), SlaPolicyError> {
        for &p in Priority::ALL {
            let t = self.targets(p);
            for (name, value) in [
                ("first_response_minutes", t.first_response_minutes),
                ("resolution_minutes", t.resolution_minutes),
            ] {
                if !(1..=MAX_SLA_MINUTES).contains(&value) {
                    return Err(SlaPolicyError::OutOfRange {
                        setting: format!("{p}.{name}"),
                        value,
                    });
                }
            }
            if t.first_response_minutes > t.resolution_minutes {
                return Err(SlaPolicyError::Order {
                    setting: format!("{p}.first_response_minutes"),
                });
            }
        }
        Ok(())
    }

    /// Where one timer of a report stands; see [`SlaStatus::compute`].
    pub fn status(
        &self,
        calendar: &WorkCalendar,
        priority: Priority,
        timer: SlaTimer,
        start: Timestamp,
        met_at: Option<Timestamp>,
        now: Timestamp,
    ) -> SlaStatus {
        SlaStatus::compute(
            calendar,
            start,
            self.targets(priority).minutes(timer),
            met_at,
            now,
        )
    }
}

/// Where an SLA timer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SlaStatus {
    /// The deadline.
    pub due: Timestamp,
    /// Working minutes from now (or from when the timer was met) to the deadline; negative
    /// once past it.
    pub remaining_minutes: i64,
    /// Whether the deadline passed before the timer was met (or, if not met, before now).
    pub breached: bool,
}

impl SlaStatus {
    /// The status of a timer started at `start` with a budget of `minutes` working minutes,
    /// met at `met_at` (if it was), seen at `now`.
    pub fn compute(
        calendar: &WorkCalendar,
        start: Timestamp,
        minutes: i64,
        met_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Self {
        let due = calendar.add_working_time(start, minutes);
        let at = met_at.unwrap_or(now);
        SlaStatus {
            due,
            remaining_minutes: calendar.working_minutes_between(at, due),
            breached: at > due,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).expect("valid RFC 3339")
    }

    fn taipei() -> WorkCalendar {
        WorkCalendar::from_config(&CalendarConfig::default()).expect("default calendar")
    }

    /// Local Taipei times as written, `+08:00` implied.
    fn tp(s: &str) -> Timestamp {
        ts(&format!("{s}:00+08:00"))
    }

    fn check(cal: &WorkCalendar, start: &str, minutes: i64, expected: &str) {
        let due = cal.add_working_time(tp(start), minutes);
        assert_eq!(due, tp(expected), "{start} + {minutes} min");
        assert_eq!(
            cal.working_minutes_between(tp(start), due),
            minutes,
            "{start} + {minutes} min back"
        );
    }

    #[test]
    fn deadlines() {
        let cal = taipei();
        // Within one day; ending exactly at the close of the day.
        check(&cal, "2026-11-24T10:00", 60, "2026-11-24T11:00");
        check(&cal, "2026-11-24T17:00", 60, "2026-11-24T18:00");
        // Across a night.
        check(&cal, "2026-11-24T17:00", 120, "2026-11-25T10:00");
        // Started before opening or after closing.
        check(&cal, "2026-11-24T07:30", 30, "2026-11-24T09:30");
        check(&cal, "2026-11-24T21:00", 30, "2026-11-25T09:30");
        // Across a weekend (Friday 27 November 2026).
        check(&cal, "2026-11-27T17:00", 120, "2026-11-30T10:00");
        check(&cal, "2026-11-28T12:00", 60, "2026-11-30T10:00");
        // One and three working days.
        check(&cal, "2026-11-24T10:00", 540, "2026-11-25T10:00");
        check(&cal, "2026-11-27T10:00", 3 * 540, "2026-12-02T10:00");
        // Across Christmas Day 2026 (行憲紀念日, Friday) and the weekend.
        check(&cal, "2026-12-24T17:00", 120, "2026-12-28T10:00");
        // Across the Lunar New Year break, 14–22 February 2026.
        check(&cal, "2026-02-13T17:00", 120, "2026-02-23T10:00");
        // A zero budget is due at once.
        check(&cal, "2026-11-28T12:00", 0, "2026-11-28T12:00");
    }

    #[test]
    fn make_up_workdays_and_custom_holidays() {
        let cal = WorkCalendar::from_config(&CalendarConfig {
            // A make-up Saturday, and a day off on Tuesday 24 November.
            extra_workdays: vec!["2026-11-28".into()],
            holidays: vec!["2026-11-24".into()],
            ..CalendarConfig::default()
        })
        .expect("valid");
        check(&cal, "2026-11-27T17:00", 120, "2026-11-28T10:00");
        check(&cal, "2026-11-23T17:00", 120, "2026-11-25T10:00");
        // An extra working day wins over a holiday.
        let cal = WorkCalendar::from_config(&CalendarConfig {
            extra_workdays: vec!["2026-12-25".into()],
            ..CalendarConfig::default()
        })
        .expect("valid");
        check(&cal, "2026-12-24T17:00", 120, "2026-12-25T10:00");
        // Without the built-in holidays, Christmas 2026 is an ordinary Friday.
        let cal = WorkCalendar::from_config(&CalendarConfig {
            builtin_holidays: false,
            ..CalendarConfig::default()
        })
        .expect("valid");
        check(&cal, "2026-12-24T17:00", 120, "2026-12-25T10:00");
        // A list added later (as an operator's file would be).
        let extra = parse_holidays(
            "[[holiday]]\ndate = 2026-12-28\nname_zh = \"測試\"\nname_en = \"Test\"\n",
        )
        .expect("valid");
        let cal = taipei().with_holidays(&extra);
        check(&cal, "2026-12-24T17:00", 120, "2026-12-29T10:00");
    }

    #[test]
    fn dst_calendar() {
        // New York, 08:00–12:00, across the spring-forward night of 8 March 2026.
        let cal = WorkCalendar::from_config(&CalendarConfig {
            time_zone: "America/New_York".into(),
            day_start: "08:00".into(),
            day_end: "12:00".into(),
            builtin_holidays: false,
            ..CalendarConfig::default()
        })
        .expect("valid");
        let start = ts("2026-03-06T11:00:00-05:00");
        let due = cal.add_working_time(start, 120);
        assert_eq!(due, ts("2026-03-09T09:00:00-04:00"));
        assert_eq!(cal.working_minutes_between(start, due), 120);
        assert_eq!(cal.time_zone_name(), "America/New_York");
    }

    #[test]
    fn minutes_between() {
        let cal = taipei();
        let m = |a: &str, b: &str| cal.working_minutes_between(tp(a), tp(b));
        assert_eq!(m("2026-11-24T10:00", "2026-11-24T10:00"), 0);
        assert_eq!(m("2026-11-24T08:00", "2026-11-24T20:00"), 540);
        assert_eq!(m("2026-11-27T17:00", "2026-11-30T10:00"), 120);
        assert_eq!(m("2026-11-30T10:00", "2026-11-27T17:00"), -120);
        assert_eq!(m("2026-11-28T00:00", "2026-11-29T23:59"), 0);
        // A whole week with no holiday: five days.
        assert_eq!(m("2026-11-23T00:00", "2026-11-30T00:00"), 5 * 540);
        // Seconds below a minute are not counted.
        let a = ts("2026-11-24T10:00:00+08:00");
        let b = ts("2026-11-24T10:00:59+08:00");
        assert_eq!(cal.working_minutes_between(a, b), 0);
    }

    #[test]
    fn shipped_holidays() {
        let list = tw_holidays().expect("the shipped file parses");
        assert!(list.workdays.is_empty());
        let dates: BTreeSet<String> = list.holidays.iter().map(|h| h.date.to_string()).collect();
        assert_eq!(dates.len(), list.holidays.len(), "no date twice");
        for year in ["2026", "2027"] {
            assert!(dates.iter().any(|d| d.starts_with(year)), "{year}");
        }
        // DGPA 2026: 120 days off = 104 weekend days + 16 weekdays.
        assert_eq!(dates.iter().filter(|d| d.starts_with("2026")).count(), 16);
        for h in &list.holidays {
            let idx = weekday_index(h.date.weekday());
            assert!(idx < 5, "{} is a weekday off, not a weekend", h.date);
            assert!(!h.name_zh.is_empty() && !h.name_en.is_empty());
        }
        for d in [
            "2026-01-01",
            "2026-02-20",
            "2026-09-28",
            "2026-10-26",
            "2027-02-05",
        ] {
            assert!(dates.contains(d), "{d}");
        }
        let cal = taipei();
        let day = |s: &str| zone::parse_date(s).expect("date");
        assert!(!cal.is_working_day(day("2026-02-16")));
        assert!(cal.is_working_day(day("2026-02-23")));
        assert!(!cal.is_working_day(day("2026-11-28")));
    }

    fn check_config(edit: fn(&mut CalendarConfig), setting: &str) {
        let mut cfg = CalendarConfig::default();
        edit(&mut cfg);
        let got = WorkCalendar::from_config(&cfg).map(|_| ());
        assert_eq!(
            got.as_ref().map_err(|e| e.setting()),
            Err(setting),
            "{got:?}"
        );
    }

    #[test]
    fn config_errors_name_the_setting() {
        check_config(|c| c.time_zone = "Asia/Taipie".into(), "time_zone");
        check_config(|c| c.day_start = "9am".into(), "day_start");
        check_config(|c| c.day_end = "25:00".into(), "day_end");
        check_config(|c| c.day_end = "09:00".into(), "day_end");
        check_config(
            |c| c.working_days = vec!["mon".into(), "funday".into()],
            "working_days[1]",
        );
        check_config(|c| c.working_days = Vec::new(), "working_days");
        check_config(|c| c.holidays = vec!["2026-02-30".into()], "holidays[0]");
        check_config(
            |c| c.extra_workdays = vec!["", "x"].into_iter().map(String::from).collect(),
            "extra_workdays[0]",
        );
        assert_eq!(
            parse_holidays(
                "[[holiday]]\ndate = \"2026-13-01\"\nname_zh = \"x\"\nname_en = \"x\"\n"
            )
            .map_err(|e| e.setting().to_string()),
            Err("holiday[0].date".to_string())
        );
        assert!(matches!(
            parse_holidays("[[holidays]]\ndate = \"2026-01-01\""),
            Err(CalendarError::Syntax(_))
        ));
    }

    #[test]
    fn config_from_toml() {
        let cfg: CalendarConfig = toml::from_str(
            "time_zone = \"Asia/Taipei\"\nday_start = \"08:30\"\nworking_days = [\"Monday\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\"]\nholidays = [2028-01-03, \"2028-01-04\"]\n",
        )
        .expect("parses");
        assert_eq!(cfg.day_end, "18:00");
        assert_eq!(cfg.holidays, vec!["2028-01-03", "2028-01-04"]);
        assert!(cfg.builtin_holidays);
        let cal = WorkCalendar::from_config(&cfg).expect("valid");
        // Saturday is a working day now; 3 January 2028 a holiday.
        assert!(cal.is_working_day(zone::parse_date("2026-11-28").expect("date")));
        assert!(!cal.is_working_day(zone::parse_date("2028-01-03").expect("date")));
        assert!(toml::from_str::<CalendarConfig>("timezone = \"UTC\"").is_err());
    }

    #[test]
    fn policy() {
        let p = SlaPolicy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.targets(Priority::P1).minutes(SlaTimer::FirstResponse), 60);
        assert_eq!(p.targets(Priority::P4).minutes(SlaTimer::Resolution), 5400);
        let bad = SlaPolicy {
            p2: SlaTargets {
                first_response_minutes: 0,
                resolution_minutes: 10,
            },
            ..SlaPolicy::default()
        };
        assert_eq!(
            bad.validate(),
            Err(SlaPolicyError::OutOfRange {
                setting: "p2.first_response_minutes".into(),
                value: 0
            })
        );
        let bad = SlaPolicy {
            p3: SlaTargets {
                first_response_minutes: 600,
                resolution_minutes: 500,
            },
            ..SlaPolicy::default()
        };
        assert_eq!(
            bad.validate(),
            Err(SlaPolicyError::Order {
                setting: "p3.first_response_minutes".into()
            })
        );
        let parsed: SlaPolicy =
            toml::from_str("[p1]\nfirst_response_minutes = 30\nresolution_minutes = 240\n")
                .expect("parses");
        assert_eq!(parsed.p1.first_response_minutes, 30);
        assert_eq!(parsed.p2, SlaPolicy::default().p2);
        for &pr in Priority::ALL {
            assert_eq!(pr.as_str().parse::<Priority>(), Ok(pr));
        }
        assert!("P1".parse::<Priority>().is_err());
    }

    #[test]
    fn statuses() {
        let cal = taipei();
        let policy = SlaPolicy::default();
        // Filed Friday 27 November 2026 at 17:30: P1 first response due Monday 09:30.
        let start = tp("2026-11-27T17:30");
        let status = |met: Option<&str>, now: &str| {
            policy.status(
                &cal,
                Priority::P1,
                SlaTimer::FirstResponse,
                start,
                met.map(tp),
                tp(now),
            )
        };
        let due = tp("2026-11-30T09:30");
        assert_eq!(
            status(None, "2026-11-28T12:00"),
            SlaStatus {
                due,
                remaining_minutes: 30,
                breached: false
            }
        );
        assert_eq!(
            status(None, "2026-11-30T10:00"),
            SlaStatus {
                due,
                remaining_minutes: -30,
                breached: true
            }
        );
        // Met in time: the slack left; met late: breached for good.
        assert_eq!(
            status(Some("2026-11-27T17:50"), "2026-12-31T10:00"),
            SlaStatus {
                due,
                remaining_minutes: 40,
                breached: false
            }
        );
        assert_eq!(
            status(Some("2026-11-30T09:45"), "2026-12-31T10:00"),
            SlaStatus {
                due,
                remaining_minutes: -15,
                breached: true
            }
        );
    }

    #[test]
    fn extreme_inputs_do_not_hang() {
        let cal = taipei();
        let far = cal.add_working_time(tp("2026-11-24T10:00"), i64::MAX);
        assert_eq!(
            cal.working_minutes_between(tp("2026-11-24T10:00"), far),
            MAX_SLA_MINUTES
        );
        let near_end = ts("9999-12-31T00:00:00Z");
        assert_eq!(cal.add_working_time(near_end, 10_000), zone::far_future());
        assert_eq!(cal.add_working_time(near_end, -5), near_end);
    }

    proptest::proptest! {
        #[test]
        fn add_then_count_gives_back_the_budget(
            day in 0i64..730,
            minute_of_day in 540i64..1080,
            second in 0i64..60,
            minutes in 0i64..30_000,
        ) {
            let cal = taipei();
            // 2026-01-01T00:00+08:00 plus whole days and a time inside 09:00–18:00.
            let start = Timestamp::from_micros(
                (1_767_196_800 + day * 86_400 + minute_of_day * 60 + second) * 1_000_000,
            );
            proptest::prop_assume!(cal.is_working_day(cal.local_date(start)));
            let due = cal.add_working_time(start, minutes);
            proptest::prop_assert!(due >= start);
            proptest::prop_assert_eq!(cal.working_minutes_between(start, due), minutes);
        }

        #[test]
        fn any_start_round_trips_in_a_dst_zone(
            secs in 1_735_689_600i64..1_830_000_000,
            minutes in 0i64..20_000,
        ) {
            let cal = WorkCalendar::from_config(&CalendarConfig {
                time_zone: "America/New_York".into(),
                day_start: "01:00".into(),
                day_end: "23:00".into(),
                builtin_holidays: false,
                ..CalendarConfig::default()
            }).expect("valid");
            let start = Timestamp::from_micros(secs * 1_000_000);
            let due = cal.add_working_time(start, minutes);
            proptest::prop_assert_eq!(cal.working_minutes_between(start, due), minutes);
        }
    }
}

//! The incident report (資安事件通報) of DOMAIN.md: its three incident types, the form
//! input exactly as it arrives from a web form or JSON, and its validation into a
//! [`ValidIncident`].
//!
//! The discovery time is entered as a local date-time (what an HTML `datetime-local` input
//! sends, `2026-11-28T09:15`) in the reporter's IANA time zone, or as full RFC 3339 with an
//! offset. It is kept together with the reporter's offset ([`DiscoveredAt`]), so the desk
//! sees both the instant and the wall-clock time the reporter meant.

use crate::locale::Locale;
use crate::validate::{self, FieldError, FieldErrors};
use crate::zone::{self, DEFAULT_TIME_ZONE};
use crate::{Timestamp, TrackingNumber};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use time::{OffsetDateTime, UtcOffset};

/// The kind of incident the reporter picks (事件類型).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentType {
    /// 網頁攻擊: defacement, web shells, injection against a web site.
    WebAttack,
    /// 入侵攻擊: a compromised host, account or network.
    Intrusion,
    /// 資安預警: a warning of a threat that has not (yet) hit the reporter.
    EarlyWarning,
}

impl IncidentType {
    /// All types, in the form's order.
    pub const ALL: [IncidentType; 3] = [
        IncidentType::WebAttack,
        IncidentType::Intrusion,
        IncidentType::EarlyWarning,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentType::WebAttack => "web_attack",
            IncidentType::Intrusion => "intrusion",
            IncidentType::EarlyWarning => "early_warning",
        }
    }

    /// The name shown to people.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (IncidentType::WebAttack, Locale::ZhTw) => "網頁攻擊",
            (IncidentType::Intrusion, Locale::ZhTw) => "入侵攻擊",
            (IncidentType::EarlyWarning, Locale::ZhTw) => "資安預警",
            (IncidentType::WebAttack, Locale::En) => "Web attack",
            (IncidentType::Intrusion, Locale::En) => "Intrusion",
            (IncidentType::EarlyWarning, Locale::En) => "Early warning",
        }
    }
}

impl fmt::Display for IncidentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown incident type name.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown incident type `{0}`")]
pub struct UnknownIncidentType(pub String);

impl FromStr for IncidentType {
    type Err = UnknownIncidentType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IncidentType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| UnknownIncidentType(s.to_string()))
    }
}

/// How far in the future a discovery time may lie, for the reporter's clock being fast.
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// Discovery times before this year are refused as typing mistakes. (It also keeps every
/// offset a whole number of minutes, which RFC 3339 needs: some zones used odd offsets such
/// as Monrovia's −00:44:30 until 1972.)
pub const EARLIEST_DISCOVERY_YEAR: i32 = 1980;

/// Length limits of the incident form, in characters.
pub mod limits {
    /// 單位名稱或通報者.
    pub const REPORTER_NAME: usize = 200;
    /// 事件狀況描述.
    pub const DESCRIPTION: usize = 20_000;
    /// 期望支援內容.
    pub const SUPPORT_REQUESTED: usize = 5_000;
    /// Affected systems, addresses and URLs.
    pub const AFFECTED_ASSETS: usize = 5_000;
}

/// The incident form as it arrives, every field a plain string (or flag) so that nothing is
/// lost before validation. Missing fields take their defaults (`time_zone`: Asia/Taipei).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct IncidentInput {
    /// 單位名稱或通報者: company name or person.
    pub reporter_name: String,
    /// 聯絡電話, optional.
    pub phone: String,
    /// 聯絡E-mail.
    pub email: String,
    /// 事件發現時間: `YYYY-MM-DDTHH:MM` (seconds allowed) in `time_zone`, or RFC 3339 with
    /// an offset.
    pub discovered_at: String,
    /// The reporter's IANA time zone; empty means Asia/Taipei.
    pub time_zone: String,
    /// 事件類型: `web_attack`, `intrusion` or `early_warning`.
    pub incident_type: String,
    /// 事件狀況描述.
    pub description: String,
    /// 是否需支援: `None` when the reporter answered neither yes nor no. Accepts JSON
    /// booleans and the form strings `true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`.
    #[serde(deserialize_with = "deserialize_flag")]
    pub needs_support: Option<bool>,
    /// 期望支援內容: required when `needs_support`.
    pub support_requested: String,
    /// Affected systems, IP addresses, URLs; optional free text.
    pub affected_assets: String,
    /// The tracking number of an earlier report this one follows up, optional.
    pub follows_up: String,
}

impl Default for IncidentInput {
    fn default() -> Self {
        Self {
            reporter_name: String::new(),
            phone: String::new(),
            email: String::new(),
            discovered_at: String::new(),
            time_zone: DEFAULT_TIME_ZONE.to_string(),
            incident_type: String::new(),
            description: String::new(),
            needs_support: None,
            support_requested: String::new(),
            affected_assets: String::new(),
            follows_up: String::new(),
        }
    }
}

/// Reads a yes/no answer from JSON or a form. Unknown words are a deserialization error.
fn deserialize_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Flag;
    impl<'de> serde::de::Visitor<'de> for Flag {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a yes/no answer")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(v), &self)),
            }
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match v {
                0 => Ok(Some(false)),
                1 => Ok(Some(true)),
                _ => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
            }
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "yes" | "on" | "1" => Ok(Some(true)),
                "false" | "no" | "off" | "0" => Ok(Some(false)),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
            }
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Flag)
        }
    }
    d.deserialize_any(Flag)
}

/// When the incident was discovered: the instant, and the UTC offset the reporter was on,
/// so the wall-clock time they meant is kept. Whole seconds; the offset a whole number of
/// minutes. Written (and serialized) as RFC 3339 with the reporter's offset, e.g.
/// `2026-11-28T09:15:00+08:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DiscoveredAt {
    utc: Timestamp,
    offset_seconds: i32,
}

/// A discovery time that cannot be represented: an offset that is not whole minutes or
/// beyond ±23:59, or text that is not RFC 3339 with an offset.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a discovery time: `{0}`")]
pub struct BadDiscoveredAt(pub String);

impl DiscoveredAt {
    /// From an instant (sub-second parts are dropped) and the reporter's UTC offset.
    pub fn new(utc: Timestamp, offset_seconds: i32) -> Result<Self, BadDiscoveredAt> {
        if offset_seconds % 60 != 0 || offset_seconds.unsigned_abs() >= 24 * 3600 {
            return Err(BadDiscoveredAt(format!("offset {offset_seconds} s")));
        }
        let micros = utc.micros();
        let whole = micros - micros.rem_euclid(1_000_000);
        Ok(Self {
            utc: Timestamp::from_micros(whole),
            offset_seconds,
        })
    }

    /// Parses the text form written by [`DiscoveredAt::text`] (any RFC 3339 with an offset;
    /// `Z` is read as `+00:00`).
    pub fn parse(text: &str) -> Result<Self, BadDiscoveredAt> {
        let bad = || BadDiscoveredAt(text.to_string());
        let t = OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .map_err(|_| bad())?;
        Self::new(Timestamp::from_datetime(t), t.offset().whole_seconds()).map_err(|_| bad())
    }

    /// The instant, in UTC.
    pub fn utc(&self) -> Timestamp {
        self.utc
    }

    /// The reporter's offset from UTC in seconds (east positive): 28800 for Taiwan.
    pub fn offset_seconds(&self) -> i32 {
        self.offset_seconds
    }

    /// RFC 3339 in the reporter's offset, to the second: `2026-11-28T09:15:00+08:00`.
    pub fn text(&self) -> String {
        let local = UtcOffset::from_whole_seconds(self.offset_seconds)
            .ok()
            .and_then(|o| self.utc.datetime().checked_to_offset(o))
            .unwrap_or(self.utc.datetime());
        let f = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
        );
        local.format(&f).unwrap_or_default()
    }
}

impl fmt::Display for DiscoveredAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl FromStr for DiscoveredAt {
    type Err = BadDiscoveredAt;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DiscoveredAt::parse(s)
    }
}

impl Serialize for DiscoveredAt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for DiscoveredAt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DiscoveredAt::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A checked incident report, ready to store. Texts are trimmed; optional texts that were
/// empty are `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidIncident {
    /// 單位名稱或通報者.
    pub reporter_name: String,
    /// 聯絡電話.
    pub phone: Option<String>,
    /// 聯絡E-mail, normalized (see [`validate::normalize_email`]).
    pub email: String,
    /// 事件發現時間 with the reporter's offset.
    pub discovered_at: DiscoveredAt,
    /// The reporter's time zone, canonical IANA name.
    pub time_zone: String,
    /// 事件類型.
    pub incident_type: IncidentType,
    /// 事件狀況描述.
    pub description: String,
    /// 是否需支援.
    pub needs_support: bool,
    /// 期望支援內容; always present when `needs_support`, and kept if the reporter wrote
    /// something although they answered no.
    pub support_requested: Option<String>,
    /// Affected systems, IP addresses, URLs.
    pub affected_assets: Option<String>,
    /// The earlier report this one follows up.
    pub follows_up: Option<TrackingNumber>,
}

impl IncidentInput {
    /// Checks every field and returns the report, or the errors of every bad field (the
    /// first error of each). `now` is the server's clock: discovery times more than
    /// [`CLOCK_SKEW_MINUTES`] after it are refused.
    ///
    /// Message ids: `error-required`, `error-too-long` (arg `max`), `error-control-chars`,
    /// `error-email`, `error-choice`, `error-phone`, `error-datetime`, `error-future`,
    /// `error-time-zone`, `error-tracking-number`.
    pub fn validate(&self, now: Timestamp) -> Result<ValidIncident, FieldErrors> {
        let mut errors = FieldErrors::new();

        errors.check(
            "reporter_name",
            validate::required_line(&self.reporter_name, limits::REPORTER_NAME),
        );
        errors.check("phone", validate::phone(&self.phone));
        errors.check("email", validate::email(&self.email));

        let tz_name = match self.time_zone.trim() {
            "" => DEFAULT_TIME_ZONE,
            n => n,
        };
        let tz = match zone::time_zone(tz_name) {
            Ok(tz) => Some(tz),
            Err(_) => {
                errors.add("time_zone", FieldError::new("error-time-zone"));
                None
            }
        };
        let discovered = match parse_discovered_at(&self.discovered_at, tz.as_ref(), now) {
            Ok(d) => d,
            Err(e) => {
                errors.add("discovered_at", e);
                None
            }
        };

        let incident_type = self.incident_type.parse::<IncidentType>().ok();
        if incident_type.is_none() {
            let code = if self.incident_type.trim().is_empty() {
                "error-required"
            } else {
                "error-choice"
            };
            errors.add("incident_type", FieldError::new(code));
        }

        errors.check(
            "description",
            validate::required_text(&self.description, limits::DESCRIPTION),
        );
        if self.needs_support.is_none() {
            errors.add("needs_support", FieldError::new("error-required"));
        }
        let needs_support = self.needs_support.unwrap_or(false);
        errors.check(
            "support_requested",
            if needs_support {
                validate::required_text(&self.support_requested, limits::SUPPORT_REQUESTED)
            } else {
                validate::optional_text(self.support_requested.trim(), limits::SUPPORT_REQUESTED)
            },
        );
        errors.check(
            "affected_assets",
            validate::optional_text(self.affected_assets.trim(), limits::AFFECTED_ASSETS),
        );
        let follows_up = match validate::optional_tracking_number(&self.follows_up) {
            Ok(t) => t,
            Err(e) => {
                errors.add("follows_up", e);
                None
            }
        };

        match (errors.into_result(), discovered, incident_type, tz) {
            (Ok(()), Some(discovered_at), Some(incident_type), Some(tz)) => Ok(ValidIncident {
                reporter_name: self.reporter_name.trim().to_string(),
                phone: validate::non_empty(self.phone.trim()),
                email: validate::normalize_email(&self.email),
                discovered_at,
                time_zone: zone::zone_name(&tz, tz_name),
                incident_type,
                description: validate::trim_block(&self.description),
                needs_support,
                support_requested: validate::non_empty(&validate::trim_block(
                    &self.support_requested,
                )),
                affected_assets: validate::non_empty(&validate::trim_block(&self.affected_assets)),
                follows_up,
            }),
            (Err(e), ..) => Err(e),
            // Unreachable: every `None` above recorded an error. Kept total without panicking.
            (Ok(()), ..) => {
                let mut e = FieldErrors::new();
                e.add("discovered_at", FieldError::new("error-datetime"));
                Err(e)
            }
        }
    }
}

/// Parses a reported time such as the discovery time (also the phishing form's "seen at"):
/// a local date-time in `tz` (see [`zone::parse_local_datetime`]) or RFC 3339 with an
/// offset, from [`EARLIEST_DISCOVERY_YEAR`] on and at most [`CLOCK_SKEW_MINUTES`] after
/// `now`. `Ok(None)` when it is local and the time zone is unknown (that error is reported
/// on `time_zone`). Message ids: `error-required`, `error-datetime`, `error-future`.
pub(crate) fn parse_discovered_at(
    input: &str,
    tz: Option<&jiff::tz::TimeZone>,
    now: Timestamp,
) -> Result<Option<DiscoveredAt>, FieldError> {
    let v = input.trim();
    if v.is_empty() {
        return Err(FieldError::new("error-required"));
    }
    let bad = || FieldError::new("error-datetime");
    if v.len() > 40 {
        return Err(bad());
    }
    let at = if let Some(local) = zone::parse_local_datetime(v) {
        let Some(tz) = tz else {
            return Ok(None);
        };
        // A wall-clock time skipped by a DST change moves forward by the gap; one repeated
        // by it takes the earlier instant (RFC 5545 "compatible" behaviour).
        let instant = tz
            .to_ambiguous_timestamp(local)
            .compatible()
            .map_err(|_| bad())?;
        let offset = tz.to_offset(instant).seconds();
        DiscoveredAt::new(zone::from_jiff(instant), offset).map_err(|_| bad())?
    } else {
        DiscoveredAt::parse(v).map_err(|_| bad())?
    };
    if at.utc().year() < EARLIEST_DISCOVERY_YEAR {
        return Err(bad());
    }
    let limit = now
        .datetime()
        .checked_add(time::Duration::minutes(CLOCK_SKEW_MINUTES))
        .map_or_else(zone::far_future, Timestamp::from_datetime);
    if at.utc() > limit {
        return Err(FieldError::new("error-future"));
    }
    Ok(Some(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-28T02:00:00Z, 10:00 in Taipei.
    fn now() -> Timestamp {
        Timestamp::parse_rfc3339("2026-11-28T02:00:00Z").expect("valid")
    }

    fn valid_input() -> IncidentInput {
        IncidentInput {
            reporter_name: " 範例科技股份有限公司 ".into(),
            phone: "02-2345-6789 分機 12".into(),
            email: " SOC@Example.com.tw ".into(),
            discovered_at: "2026-11-28T09:15".into(),
            time_zone: "Asia/Taipei".into(),
            incident_type: "web_attack".into(),
            description: "\n\n  首頁遭置換。\n".into(),
            needs_support: Some(true),
            support_requested: "協助分析網頁後門".into(),
            affected_assets: "https://www.example.com.tw/ 203.0.113.7".into(),
            follows_up: String::new(),
        }
    }

    /// Validates `valid_input()` changed by `edit`; `expected` is the error per field
    /// (empty: valid).
    fn check(edit: impl FnOnce(&mut IncidentInput), expected: &[(&str, &str)]) {
        let mut input = valid_input();
        edit(&mut input);
        let got: Vec<(String, String)> = match input.validate(now()) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .iter()
                .map(|(f, e)| (f.to_string(), e.code.to_string()))
                .collect(),
        };
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "{input:?}");
    }

    #[test]
    fn a_valid_report() {
        let v = valid_input().validate(now()).expect("valid");
        assert_eq!(v.reporter_name, "範例科技股份有限公司");
        assert_eq!(v.email, "soc@example.com.tw");
        assert_eq!(v.phone.as_deref(), Some("02-2345-6789 分機 12"));
        assert_eq!(v.discovered_at.text(), "2026-11-28T09:15:00+08:00");
        assert_eq!(v.discovered_at.offset_seconds(), 8 * 3600);
        assert_eq!(
            v.discovered_at.utc().rfc3339(),
            "2026-11-28T01:15:00.000000Z"
        );
        assert_eq!(v.time_zone, "Asia/Taipei");
        assert_eq!(v.incident_type, IncidentType::WebAttack);
        assert_eq!(v.description, "  首頁遭置換。");
        assert!(v.needs_support);
        assert_eq!(v.support_requested.as_deref(), Some("協助分析網頁後門"));
        assert_eq!(v.follows_up, None);
    }

    #[test]
    fn required_fields() {
        check(
            |i| *i = IncidentInput::default(),
            &[
                ("description", "error-required"),
                ("discovered_at", "error-required"),
                ("email", "error-required"),
                ("incident_type", "error-required"),
                ("needs_support", "error-required"),
                ("reporter_name", "error-required"),
            ],
        );
        check(
            |i| i.reporter_name = "  ".into(),
            &[("reporter_name", "error-required")],
        );
        check(|i| i.email = String::new(), &[("email", "error-required")]);
        check(
            |i| i.description = "\n".into(),
            &[("description", "error-required")],
        );
        check(
            |i| i.needs_support = None,
            &[("needs_support", "error-required")],
        );
    }

    #[test]
    fn field_rules() {
        check(
            |i| i.reporter_name = "名".repeat(201),
            &[("reporter_name", "error-too-long")],
        );
        check(|i| i.reporter_name = "名".repeat(200), &[]);
        check(
            |i| i.reporter_name = "a\u{7}b".into(),
            &[("reporter_name", "error-control-chars")],
        );
        check(|i| i.phone = String::new(), &[]);
        check(|i| i.phone = "+886 (2) 2345-6789 #12".into(), &[]);
        check(|i| i.phone = "02 2345 6789 ext. 3".into(), &[]);
        check(|i| i.phone = "請撥總機".into(), &[("phone", "error-phone")]);
        check(|i| i.phone = "1".repeat(51), &[("phone", "error-too-long")]);
        check(
            |i| i.email = "soc@example".into(),
            &[("email", "error-email")],
        );
        check(|i| i.incident_type = "intrusion".into(), &[]);
        check(|i| i.incident_type = "early_warning".into(), &[]);
        check(
            |i| i.incident_type = "ddos".into(),
            &[("incident_type", "error-choice")],
        );
        check(
            |i| i.description = "x".repeat(20_001),
            &[("description", "error-too-long")],
        );
        check(|i| i.description = "x".repeat(20_000), &[]);
        check(
            |i| i.affected_assets = "x".repeat(5_001),
            &[("affected_assets", "error-too-long")],
        );
        check(|i| i.affected_assets = String::new(), &[]);
    }

    #[test]
    fn support_requested_only_when_needed() {
        check(
            |i| i.support_requested = " ".into(),
            &[("support_requested", "error-required")],
        );
        check(
            |i| i.support_requested = "x".repeat(5_001),
            &[("support_requested", "error-too-long")],
        );
        check(
            |i| {
                i.needs_support = Some(false);
                i.support_requested = String::new();
            },
            &[],
        );
        check(
            |i| {
                i.needs_support = Some(false);
                i.support_requested = "x".repeat(5_001);
            },
            &[("support_requested", "error-too-long")],
        );
        let mut i = valid_input();
        i.needs_support = Some(false);
        i.support_requested = "  ".into();
        let v = i.validate(now()).expect("valid");
        assert!(!v.needs_support);
        assert_eq!(v.support_requested, None);
    }

    #[test]
    fn follow_ups() {
        check(|i| i.follows_up = "INC-2026-000001".into(), &[]);
        check(
            |i| i.follows_up = "#42".into(),
            &[("follows_up", "error-tracking-number")],
        );
        let mut i = valid_input();
        i.follows_up = " INC-2026-000007 ".into();
        let v = i.validate(now()).expect("valid");
        assert_eq!(
            v.follows_up.map(|t| t.to_string()).as_deref(),
            Some("INC-2026-000007")
        );
    }

    /// (discovered_at, time_zone) → Ok(text form) or Err((field, code)).
    fn check_time(input: &str, tz: &str, expected: Result<&str, (&str, &str)>) {
        let mut i = valid_input();
        i.discovered_at = input.into();
        i.time_zone = tz.into();
        let got = match i.validate(now()) {
            Ok(v) => Ok(v.discovered_at.text()),
            Err(e) => Err(e
                .iter()
                .map(|(f, e)| (f, e.code))
                .next()
                .unwrap_or(("", ""))),
        };
        assert_eq!(
            got.as_deref().map_err(|e| *e),
            expected,
            "{input:?} in {tz}"
        );
    }

    #[test]
    fn discovery_times() {
        // Taiwan, the default zone, +08:00 all year.
        check_time(
            "2026-11-28T09:15",
            "Asia/Taipei",
            Ok("2026-11-28T09:15:00+08:00"),
        );
        check_time("2026-07-01T23:59", "", Ok("2026-07-01T23:59:00+08:00"));
        check_time(
            "2026-11-28 09:15:30",
            "Asia/Taipei",
            Ok("2026-11-28T09:15:30+08:00"),
        );
        check_time(
            "2026-11-28T09:15:30.5",
            "Asia/Taipei",
            Ok("2026-11-28T09:15:30+08:00"),
        );
        // New York: EST in winter, EDT in summer.
        check_time(
            "2026-01-15T09:00",
            "America/New_York",
            Ok("2026-01-15T09:00:00-05:00"),
        );
        check_time(
            "2026-07-15T09:00",
            "America/New_York",
            Ok("2026-07-15T09:00:00-04:00"),
        );
        // 2026-03-08 02:30 does not exist in New York: moved forward by the gap.
        check_time(
            "2026-03-08T02:30",
            "America/New_York",
            Ok("2026-03-08T03:30:00-04:00"),
        );
        // 2026-11-01 01:30 happens twice: the earlier (EDT) is taken.
        check_time(
            "2026-11-01T01:30",
            "America/New_York",
            Ok("2026-11-01T01:30:00-04:00"),
        );
        // RFC 3339 keeps its own offset, whatever the zone.
        check_time(
            "2026-11-27T20:15:00-05:00",
            "Asia/Taipei",
            Ok("2026-11-27T20:15:00-05:00"),
        );
        check_time(
            "2026-11-28T01:15:00Z",
            "Asia/Taipei",
            Ok("2026-11-28T01:15:00+00:00"),
        );
        // The future, past the allowed clock skew (now is 10:00 in Taipei).
        check_time(
            "2026-11-28T10:05",
            "Asia/Taipei",
            Ok("2026-11-28T10:05:00+08:00"),
        );
        check_time(
            "2026-11-28T10:06",
            "Asia/Taipei",
            Err(("discovered_at", "error-future")),
        );
        check_time(
            "2026-11-28T03:00:00Z",
            "",
            Err(("discovered_at", "error-future")),
        );
        check_time(
            "2027-01-01T00:00",
            "",
            Err(("discovered_at", "error-future")),
        );
        // Malformed or implausible.
        for bad in [
            "2026-11-28",
            "28/11/2026 09:15",
            "2026-11-28T9:15",
            "2026-11-28T09:15+08",
            "2026-02-30T09:15",
            "2026-11-28T24:00",
            "2026-11-28T09:15:",
            "2026-11-28T09:15:00.",
            "1979-12-31T23:59",
            "yesterday",
        ] {
            check_time(bad, "Asia/Taipei", Err(("discovered_at", "error-datetime")));
        }
        check_time("", "Asia/Taipei", Err(("discovered_at", "error-required")));
    }

    #[test]
    fn unknown_time_zone() {
        // A local time cannot be placed without a zone: only the zone is reported.
        check(
            |i| i.time_zone = "Asia/Taipie".into(),
            &[("time_zone", "error-time-zone")],
        );
        check(
            |i| {
                i.time_zone = "Asia/Taipie".into();
                i.discovered_at = "2026-11-28T01:15:00Z".into();
            },
            &[("time_zone", "error-time-zone")],
        );
        let mut i = valid_input();
        i.time_zone = " asia/taipei ".into();
        assert_eq!(
            i.validate(now()).map(|v| v.time_zone).ok().as_deref(),
            Some("Asia/Taipei")
        );
    }

    #[test]
    fn text_form_round_trips() {
        for text in [
            "2026-11-28T09:15:00+08:00",
            "2026-03-08T03:30:00-04:00",
            "2026-11-28T01:15:00+00:00",
            "2026-06-01T12:00:00+05:45",
        ] {
            let d = DiscoveredAt::parse(text).expect("valid");
            assert_eq!(d.text(), text);
            assert_eq!(DiscoveredAt::new(d.utc(), d.offset_seconds()), Ok(d));
            let json = format!("\"{text}\"");
            assert_eq!(serde_json::to_string(&d).ok(), Some(json.clone()));
            assert_eq!(serde_json::from_str::<DiscoveredAt>(&json).ok(), Some(d));
        }
        assert!(DiscoveredAt::parse("2026-11-28T09:15").is_err());
        assert!(DiscoveredAt::new(now(), 30).is_err());
        assert!(DiscoveredAt::new(now(), 24 * 3600).is_err());
    }

    proptest::proptest! {
        #[test]
        fn local_times_round_trip(
            secs in 315_532_800i64..1_800_000_000,
            zone in proptest::sample::select(vec![
                "Asia/Taipei", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC",
            ]),
        ) {
            let tz = crate::zone::time_zone(zone).expect("known zone");
            let instant = jiff::Timestamp::from_second(secs).expect("in range");
            let offset = tz.to_offset(instant).seconds();
            let d = DiscoveredAt::new(crate::zone::from_jiff(instant), offset).expect("whole minutes");
            proptest::prop_assert_eq!(DiscoveredAt::parse(&d.text()).ok(), Some(d));
            // The local wall-clock text, read back in its zone, gives the same instant unless
            // it falls in a repeated hour.
            let local = tz.to_datetime(instant);
            let back = tz.to_ambiguous_timestamp(local);
            if back.unambiguous().is_ok() {
                proptest::prop_assert_eq!(back.compatible().ok(), Some(instant));
            }
        }
    }

    #[test]
    fn deserializes_from_json_and_forms() {
        let parse = |s: &str| serde_json::from_str::<IncidentInput>(s);
        let i = parse(r#"{"reporter_name": "A", "needs_support": "yes"}"#).expect("parses");
        assert_eq!(i.reporter_name, "A");
        assert_eq!(i.needs_support, Some(true));
        assert_eq!(i.time_zone, "Asia/Taipei");
        for (value, want) in [
            ("true", Some(true)),
            ("false", Some(false)),
            ("\"on\"", Some(true)),
            ("\"No\"", Some(false)),
            ("\"0\"", Some(false)),
            ("1", Some(true)),
            ("\"\"", None),
            ("null", None),
        ] {
            let got = parse(&format!(r#"{{"needs_support": {value}}}"#)).map(|i| i.needs_support);
            assert_eq!(got.ok(), Some(want), "{value}");
        }
        assert_eq!(parse("{}").map(|i| i.needs_support).ok(), Some(None));
        assert!(parse(r#"{"needs_support": "maybe"}"#).is_err());
        assert!(parse(r#"{"needs_support": 2}"#).is_err());
    }

    #[test]
    fn types() {
        for t in IncidentType::ALL {
            assert_eq!(t.as_str().parse::<IncidentType>(), Ok(t));
            assert!(!t.label(Locale::ZhTw).is_empty());
        }
        assert!("Web_Attack".parse::<IncidentType>().is_err());
    }
}

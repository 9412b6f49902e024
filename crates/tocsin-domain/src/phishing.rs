//! The phishing report (網路釣魚通報) of issue 5: where the reporter saw the lure, the
//! form input exactly as it arrives from a web form or JSON and its validation into a
//! [`ValidPhishing`], the handling state of each URL of a case as one table
//! ([`URL_TRANSITIONS`]), and the monthly figures ([`median_and_p90`]).
//!
//! URLs are normalised by [`crate::phish_url`]; two reports whose URLs normalise alike
//! belong to one case. The "seen at" time is read like the incident form's discovery time
//! (a local date-time in the reporter's zone, or RFC 3339) but is optional here.

use crate::Timestamp;
use crate::incident::{self, DiscoveredAt};
use crate::locale::Locale;
use crate::names::names;
use crate::phish_url::{self, PhishUrl, UrlError};
use crate::validate::{self, FieldError, FieldErrors};
use crate::zone::{self, DEFAULT_TIME_ZONE};
use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::fmt;

names! {
    /// Where the reporter met the phishing lure (出現管道).
    SeenIn, UnknownSeenIn, "place seen" {
        /// An email message.
        Email => "email",
        /// A text message (SMS, also messaging apps' texts).
        Sms => "sms",
        /// A social-media post or message.
        SocialMedia => "social_media",
        /// An advertisement.
        Ad => "ad",
        /// A search engine's result.
        SearchResult => "search_result",
        /// Anywhere else.
        Other => "other",
    }
}

impl SeenIn {
    /// The name shown to people.
    pub fn label(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            SeenIn::Email => ("電子郵件", "Email"),
            SeenIn::Sms => ("簡訊", "Text message (SMS)"),
            SeenIn::SocialMedia => ("社群媒體", "Social media"),
            SeenIn::Ad => ("廣告", "Advertisement"),
            SeenIn::SearchResult => ("搜尋結果", "Search result"),
            SeenIn::Other => ("其他", "Other"),
        };
        match locale {
            Locale::ZhTw => zh,
            Locale::En => en,
        }
    }
}

/// Limits of the phishing form.
pub mod limits {
    /// Distinct URLs in one report.
    pub const URLS: usize = 50;
    /// Non-empty lines looked at in the URL field before refusing outright (duplicates
    /// collapse, so a report may list more lines than [`URLS`]).
    pub const URL_LINES: usize = 4 * URLS;
    /// The brand or organization impersonated, in characters.
    pub const BRAND: usize = 200;
    /// The pasted original message (headers and body), in characters.
    pub const ORIGINAL_MESSAGE: usize = 200_000;
    /// The reporter's name, in characters.
    pub const REPORTER_NAME: usize = 200;
    /// How much of a refused URL an error message quotes, in characters.
    pub const URL_IN_ERROR: usize = 100;
}

/// The phishing form as it arrives, every field a plain string so that nothing is lost
/// before validation. Missing fields take their defaults (`time_zone`: Asia/Taipei).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PhishingInput {
    /// The URLs, one per line: a JSON list of strings, or one string (a form's text area)
    /// with one URL per line; each element may hold several lines. Defanged spellings are
    /// welcome (see [`phish_url::refang`]).
    #[serde(deserialize_with = "deserialize_urls")]
    pub urls: Vec<String>,
    /// The brand or organization impersonated (仿冒對象).
    pub brand: String,
    /// Where it was seen: a [`SeenIn`] name.
    pub seen_in: String,
    /// When it was seen, optional: `YYYY-MM-DDTHH:MM` (seconds allowed) in `time_zone`, or
    /// RFC 3339 with an offset.
    pub seen_at: String,
    /// The reporter's IANA time zone; empty means Asia/Taipei.
    pub time_zone: String,
    /// The original message as pasted: headers and body, optional.
    pub original_message: String,
    /// The reporter's mail address, required: acknowledgment and status link go there.
    pub reporter_email: String,
    /// The reporter's name, optional.
    pub reporter_name: String,
}

impl Default for PhishingInput {
    fn default() -> Self {
        Self {
            urls: Vec::new(),
            brand: String::new(),
            seen_in: String::new(),
            seen_at: String::new(),
            time_zone: DEFAULT_TIME_ZONE.to_string(),
            original_message: String::new(),
            reporter_email: String::new(),
            reporter_name: String::new(),
        }
    }
}

/// Reads the URL field: a string, a list of strings, or null.
fn deserialize_urls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Urls;
    impl<'de> serde::de::Visitor<'de> for Urls {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a URL, URLs one per line, or a list of URLs")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Urls)
        }
    }
    d.deserialize_any(Urls)
}

/// The lines of a URL field, trimmed, empty ones included (so that numbering matches what
/// the reporter sees).
fn url_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim)
}

/// Splits a text area with one URL per line into its non-empty lines, trimmed.
pub fn split_urls(text: &str) -> Vec<String> {
    url_lines(text)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A checked phishing report, ready to store. Texts are trimmed; optional texts that were
/// empty are `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidPhishing {
    /// The distinct URLs, normalised, in the order first given (at least one, at most
    /// [`limits::URLS`]).
    pub urls: Vec<PhishUrl>,
    /// The brand or organization impersonated.
    pub brand: String,
    /// Where it was seen.
    pub seen_in: SeenIn,
    /// When it was seen, with the reporter's offset.
    pub seen_at: Option<DiscoveredAt>,
    /// The reporter's time zone, canonical IANA name.
    pub time_zone: String,
    /// The original message; trailing white space and leading blank lines removed.
    pub original_message: Option<String>,
    /// The reporter's mail address, normalised (see [`validate::normalize_email`]).
    pub reporter_email: String,
    /// The reporter's name.
    pub reporter_name: Option<String>,
}

impl PhishingInput {
    /// Checks every field and returns the report, or the errors of every bad field (the
    /// first error of each). `now` is the server's clock: a "seen at" time more than
    /// [`incident::CLOCK_SKEW_MINUTES`] after it is refused.
    ///
    /// URLs are normalised ([`phish_url::normalize`]) and duplicates collapse. The first URL
    /// refused is reported on `urls` as `error-url` with arguments `line` (the line of the
    /// field, from 1, counted over all elements), `url` (the text given, defanged, at most
    /// [`limits::URL_IN_ERROR`] characters) and `reason` ([`UrlError::reason`]).
    ///
    /// Message ids: `error-required`, `error-url`, `error-too-many-urls` (arg `max`),
    /// `error-too-long` (arg `max`), `error-control-chars`, `error-choice`, `error-email`,
    /// `error-datetime`, `error-future`, `error-time-zone`.
    pub fn validate(&self, now: Timestamp) -> Result<ValidPhishing, FieldErrors> {
        let mut errors = FieldErrors::new();

        let urls = match self.checked_urls() {
            Ok(urls) => urls,
            Err(e) => {
                errors.add("urls", e);
                Vec::new()
            }
        };

        errors.check("brand", validate::required_line(&self.brand, limits::BRAND));
        let seen_in = self.seen_in.parse::<SeenIn>().ok();
        if seen_in.is_none() {
            let code = if self.seen_in.trim().is_empty() {
                "error-required"
            } else {
                "error-choice"
            };
            errors.add("seen_in", FieldError::new(code));
        }

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
        let seen_at = if self.seen_at.trim().is_empty() {
            None
        } else {
            match incident::parse_discovered_at(&self.seen_at, tz.as_ref(), now) {
                Ok(at) => at,
                Err(e) => {
                    errors.add("seen_at", e);
                    None
                }
            }
        };

        errors.check(
            "original_message",
            validate::optional_text(self.original_message.trim(), limits::ORIGINAL_MESSAGE),
        );
        errors.check("reporter_email", validate::email(&self.reporter_email));
        errors.check(
            "reporter_name",
            validate::optional_line(self.reporter_name.trim(), limits::REPORTER_NAME),
        );

        match (errors.into_result(), seen_in, tz) {
            (Ok(()), Some(seen_in), Some(tz)) if !urls.is_empty() => Ok(ValidPhishing {
                urls,
                brand: self.brand.trim().to_string(),
                seen_in,
                seen_at,
                time_zone: zone::zone_name(&tz, tz_name),
                original_message: validate::non_empty(&validate::trim_block(
                    &self.original_message,
                )),
                reporter_email: validate::normalize_email(&self.reporter_email),
                reporter_name: validate::non_empty(self.reporter_name.trim()),
            }),
            (Err(e), ..) => Err(e),
            // Unreachable: every `None` and an empty list recorded an error. Kept total
            // without panicking.
            (Ok(()), ..) => {
                let mut e = FieldErrors::new();
                e.add("urls", FieldError::new("error-required"));
                Err(e)
            }
        }
    }

    /// The distinct normalised URLs, or the field's error.
    fn checked_urls(&self) -> Result<Vec<PhishUrl>, FieldError> {
        let lines: Vec<(usize, &str)> = self
            .urls
            .iter()
            .flat_map(|entry| url_lines(entry))
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(i, l)| (i + 1, l))
            .take(limits::URL_LINES + 1)
            .collect();
        let too_many = || FieldError::new("error-too-many-urls").arg("max", limits::URLS);
        if lines.is_empty() {
            return Err(FieldError::new("error-required"));
        }
        if lines.len() > limits::URL_LINES {
            return Err(too_many());
        }
        let mut seen = HashSet::new();
        let mut urls = Vec::new();
        for (line, text) in lines {
            match phish_url::normalize(text) {
                Ok(u) => {
                    if seen.insert(u.normalized.clone()) {
                        urls.push(u);
                    }
                }
                Err(e) => return Err(url_error(line, text, &e)),
            }
        }
        if urls.len() > limits::URLS {
            return Err(too_many());
        }
        Ok(urls)
    }
}

/// The error for one refused URL of the list.
fn url_error(line: usize, text: &str, e: &UrlError) -> FieldError {
    let shown = phish_url::defang(&phish_url::refang(text));
    let mut quoted: String = shown.chars().take(limits::URL_IN_ERROR).collect();
    if quoted.len() < shown.len() {
        quoted.push('…');
    }
    FieldError::new("error-url")
        .arg("line", line)
        .arg("url", quoted)
        .arg("reason", e.reason())
}

names! {
    /// The handling state of one URL of a phishing case.
    UrlState, UnknownUrlState, "URL state" {
        /// Reported, not yet looked at.
        Received => "received",
        /// An analyst confirmed it is phishing.
        Verified => "verified",
        /// Not phishing.
        FalsePositive => "false_positive",
        /// Already handled under another case.
        Duplicate => "duplicate",
        /// The hosting provider or registrar has been sent a notice.
        AbuseNotified => "abuse_notified",
        /// No longer reachable.
        TakenDown => "taken_down",
        /// Seen live again after being taken down.
        Reopened => "reopened",
    }
}

/// Every legal change of a URL's state, and nothing else.
pub const URL_TRANSITIONS: &[(UrlState, UrlState)] = {
    use UrlState::*;
    &[
        (Received, Verified),
        (Received, FalsePositive),
        (Received, Duplicate),
        (Verified, AbuseNotified),
        // It went down before we wrote.
        (Verified, TakenDown),
        (AbuseNotified, TakenDown),
        // Seen live again; then notified again, or gone again.
        (TakenDown, Reopened),
        (Reopened, AbuseNotified),
        (Reopened, TakenDown),
    ]
};

impl UrlState {
    /// The state of a newly reported URL.
    pub const INITIAL: UrlState = UrlState::Received;

    /// Confirmed phishing and presumably reachable: verified, abuse_notified or reopened.
    /// The blocking feeds list exactly these.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            UrlState::Verified | UrlState::AbuseNotified | UrlState::Reopened
        )
    }

    /// Handling goes on: received or live. (A taken-down URL may still be reopened;
    /// false positives and duplicates are final.)
    pub fn is_open(self) -> bool {
        self == UrlState::Received || self.is_live()
    }

    /// Whether the table allows `self → to`.
    pub fn can_go_to(self, to: UrlState) -> bool {
        URL_TRANSITIONS.contains(&(self, to))
    }

    /// The states reachable in one step, in table order, for a user interface.
    pub fn allowed_next(self) -> Vec<UrlState> {
        URL_TRANSITIONS
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|(_, to)| *to)
            .collect()
    }

    /// The name shown to people.
    pub fn label(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            UrlState::Received => ("已接收", "Received"),
            UrlState::Verified => ("已確認", "Verified"),
            UrlState::FalsePositive => ("誤報", "False positive"),
            UrlState::Duplicate => ("重複", "Duplicate"),
            UrlState::AbuseNotified => ("已通知業者", "Abuse contact notified"),
            UrlState::TakenDown => ("已下架", "Taken down"),
            UrlState::Reopened => ("重新上線", "Reopened"),
        };
        match locale {
            Locale::ZhTw => zh,
            Locale::En => en,
        }
    }
}

/// A URL state change that [`URL_TRANSITIONS`] does not allow.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlTransitionError {
    /// The table does not allow it.
    #[error("a phishing URL cannot go from {from} to {to}")]
    Illegal {
        /// The current state.
        from: UrlState,
        /// The requested state.
        to: UrlState,
    },
}

/// Checks a URL's state change against [`URL_TRANSITIONS`].
pub fn check_url_transition(from: UrlState, to: UrlState) -> Result<(), UrlTransitionError> {
    if from.can_go_to(to) {
        Ok(())
    } else {
        Err(UrlTransitionError::Illegal { from, to })
    }
}

/// The median and the 90th percentile of some durations (any unit), by the nearest-rank
/// method: of `n` values in ascending order, the p-th percentile is the one at rank
/// ⌈p·n/100⌉ (counting from 1), always one of the values. So the median of an even count
/// is the lower of the middle two: `[1, 2]` gives `(1, 2)`, `1..=10` gives `(5, 9)`.
/// Sorts `durations` in place; `None` when it is empty.
pub fn median_and_p90(durations: &mut [i64]) -> Option<(i64, i64)> {
    durations.sort_unstable();
    let n = u128::try_from(durations.len()).ok()?;
    let at = |p: u128| -> Option<i64> {
        let rank = (p * n).div_ceil(100).max(1);
        durations.get(usize::try_from(rank - 1).ok()?).copied()
    };
    Some((at(50)?, at(90)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use UrlState::*;

    /// 2026-11-28T02:00:00Z, 10:00 in Taipei.
    fn now() -> Timestamp {
        Timestamp::parse_rfc3339("2026-11-28T02:00:00Z").expect("valid")
    }

    fn valid_input() -> PhishingInput {
        PhishingInput {
            urls: vec!["hxxps://examp1e[.]com/login\n\n https://EXAMP1E.com:443/login#top ".into()],
            brand: " 範例銀行 ".into(),
            seen_in: "sms".into(),
            seen_at: "2026-11-28T09:15".into(),
            time_zone: "Asia/Taipei".into(),
            original_message: "\n\nFrom: 範例銀行 <no-reply@examp1e.com>\nSubject: 帳戶異常\n\n請立即登入驗證。\n\n".into(),
            reporter_email: " Someone@Example.com.TW ".into(),
            reporter_name: " 王小明 ".into(),
        }
    }

    /// Validates `valid_input()` changed by `edit`; `expected` is the error per field
    /// (empty: valid).
    fn check(edit: impl FnOnce(&mut PhishingInput), expected: &[(&str, &str)]) {
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
        let urls: Vec<&str> = v.urls.iter().map(|u| u.normalized.as_str()).collect();
        assert_eq!(urls, ["https://examp1e.com/login"]);
        assert_eq!(v.brand, "範例銀行");
        assert_eq!(v.seen_in, SeenIn::Sms);
        assert_eq!(
            v.seen_at.map(|d| d.text()).as_deref(),
            Some("2026-11-28T09:15:00+08:00")
        );
        assert_eq!(v.time_zone, "Asia/Taipei");
        assert_eq!(
            v.original_message.as_deref(),
            Some("From: 範例銀行 <no-reply@examp1e.com>\nSubject: 帳戶異常\n\n請立即登入驗證。")
        );
        assert_eq!(v.reporter_email, "someone@example.com.tw");
        assert_eq!(v.reporter_name.as_deref(), Some("王小明"));
    }

    #[test]
    fn required_fields() {
        check(
            |i| *i = PhishingInput::default(),
            &[
                ("brand", "error-required"),
                ("reporter_email", "error-required"),
                ("seen_in", "error-required"),
                ("urls", "error-required"),
            ],
        );
        check(
            |i| i.urls = vec![" \n \r\n".into()],
            &[("urls", "error-required")],
        );
        check(|i| i.urls = Vec::new(), &[("urls", "error-required")]);
        check(|i| i.brand = " ".into(), &[("brand", "error-required")]);
        check(
            |i| i.seen_in = String::new(),
            &[("seen_in", "error-required")],
        );
        check(
            |i| i.reporter_email = String::new(),
            &[("reporter_email", "error-required")],
        );
        // Optional ones.
        check(
            |i| {
                i.seen_at = " ".into();
                i.original_message = String::new();
                i.reporter_name = String::new();
            },
            &[],
        );
    }

    #[test]
    fn field_rules() {
        check(|i| i.brand = "名".repeat(200), &[]);
        check(
            |i| i.brand = "名".repeat(201),
            &[("brand", "error-too-long")],
        );
        check(
            |i| i.brand = "a\u{1b}b".into(),
            &[("brand", "error-control-chars")],
        );
        for s in SeenIn::ALL {
            check(|i| i.seen_in = s.as_str().into(), &[]);
        }
        check(
            |i| i.seen_in = "line".into(),
            &[("seen_in", "error-choice")],
        );
        check(|i| i.seen_in = "SMS".into(), &[("seen_in", "error-choice")]);
        check(
            |i| i.reporter_email = "someone@example".into(),
            &[("reporter_email", "error-email")],
        );
        check(
            |i| i.reporter_name = "名".repeat(201),
            &[("reporter_name", "error-too-long")],
        );
        check(|i| i.original_message = "x".repeat(200_000), &[]);
        check(
            |i| i.original_message = "x".repeat(200_001),
            &[("original_message", "error-too-long")],
        );
        check(|i| i.original_message = "Subject:\ta\r\n\r\nb".into(), &[]);
        check(
            |i| i.original_message = "a\u{0}b".into(),
            &[("original_message", "error-control-chars")],
        );
    }

    #[test]
    fn seen_at_times() {
        check(|i| i.seen_at = "2026-11-28T10:05".into(), &[]);
        check(|i| i.seen_at = "2026-11-27T20:15:00-05:00".into(), &[]);
        check(
            |i| i.seen_at = "2026-11-28T10:06".into(),
            &[("seen_at", "error-future")],
        );
        check(
            |i| i.seen_at = "yesterday".into(),
            &[("seen_at", "error-datetime")],
        );
        check(
            |i| i.seen_at = "1979-12-31T23:59".into(),
            &[("seen_at", "error-datetime")],
        );
        check(
            |i| i.time_zone = "Mars/Base".into(),
            &[("time_zone", "error-time-zone")],
        );
        check(
            |i| {
                i.time_zone = "Mars/Base".into();
                i.seen_at = String::new();
            },
            &[("time_zone", "error-time-zone")],
        );
        let mut i = valid_input();
        i.time_zone = String::new();
        i.seen_at = "2026-07-01T23:59".into();
        let v = i.validate(now()).expect("valid");
        assert_eq!(v.time_zone, "Asia/Taipei");
        assert_eq!(
            v.seen_at.map(|d| d.text()).as_deref(),
            Some("2026-07-01T23:59:00+08:00")
        );
        i.time_zone = "america/new_york".into();
        let v = i.validate(now()).expect("valid");
        assert_eq!(v.time_zone, "America/New_York");
        assert_eq!(
            v.seen_at.map(|d| d.text()).as_deref(),
            Some("2026-07-01T23:59:00-04:00")
        );
    }

    /// The normalised URLs, or the `urls` field's error code and its arguments.
    type Expected<'a> = Result<&'a [&'a str], (&'a str, &'a [(&'a str, &'a str)])>;

    /// Validates `valid_input()` with these `urls`: the normalised URLs, or the `urls`
    /// field's error code and arguments.
    fn check_urls(urls: &[&str], expected: Expected<'_>) {
        let mut input = valid_input();
        input.urls = urls.iter().map(|s| s.to_string()).collect();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let got = match input.validate(now()) {
            Ok(v) => Ok(v.urls.into_iter().map(|u| u.normalized).collect::<Vec<_>>()),
            Err(e) => Err(e.get("urls").map(|e| {
                let args: Vec<(String, String)> = e
                    .args
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect();
                (e.code.to_string(), args)
            })),
        };
        let want = match expected {
            Ok(list) => Ok(strings(list)),
            Err((code, args)) => Err(Some((
                code.to_string(),
                args.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ))),
        };
        assert_eq!(got, want, "{urls:?}");
    }

    #[test]
    fn url_lists() {
        check_urls(
            &["https://a.example.com/x\nevil[.]com\r\nhxxp://evil[.]com/"],
            Ok(&["https://a.example.com/x", "http://evil.com/"]),
        );
        check_urls(
            &["https://a.example.com/x", "  ", "evil.com"],
            Ok(&["https://a.example.com/x", "http://evil.com/"]),
        );
        // The first bad URL is named by its line, counted over all elements and blank
        // lines, and quoted defanged.
        check_urls(
            &["evil.com\n\nftp://evil[.]com/x", "mailto:a@b.c"],
            Err((
                "error-url",
                &[
                    ("line", "3"),
                    ("url", "fxp://evil[.]com/x"),
                    ("reason", "scheme"),
                ],
            )),
        );
        check_urls(
            &["evil.com", "thanks"],
            Err((
                "error-url",
                &[("line", "2"), ("url", "thanks"), ("reason", "host")],
            )),
        );
        let long = format!("https://evil.com/{}", "a".repeat(3000));
        let quoted = format!("hxxps://evil[.]com/{}…", "a".repeat(100 - 19));
        check_urls(
            &[long.as_str()],
            Err((
                "error-url",
                &[
                    ("line", "1"),
                    ("url", quoted.as_str()),
                    ("reason", "too-long"),
                ],
            )),
        );
    }

    #[test]
    fn url_counts() {
        let fifty: Vec<String> = (0..50).map(|n| format!("https://evil{n}.com/")).collect();
        let refs: Vec<&str> = fifty.iter().map(String::as_str).collect();
        check_urls(&refs, Ok(&refs[..]));
        let mut fifty_one = refs.clone();
        fifty_one.push("https://evil50.com/");
        check_urls(&fifty_one, Err(("error-too-many-urls", &[("max", "50")])));
        // Duplicates collapse before counting…
        let twice: Vec<&str> = refs.iter().chain(refs.iter()).copied().collect();
        check_urls(&twice, Ok(&refs[..]));
        // …but too many lines are refused before any is parsed.
        let many = vec!["https://evil.com/"; limits::URL_LINES + 1];
        check_urls(&many, Err(("error-too-many-urls", &[("max", "50")])));
        let one = ["https://evil.com/"];
        check_urls(&vec![one[0]; limits::URL_LINES], Ok(&one[..]));
    }

    #[test]
    fn splitting() {
        assert_eq!(
            split_urls(" a \r\n\n b\n\t\n c"),
            vec!["a".to_string(), "b".into(), "c".into()]
        );
        assert!(split_urls("").is_empty());
        assert!(split_urls("\n \n").is_empty());
    }

    #[test]
    fn deserializes_from_json_and_forms() {
        let parse = |s: &str| serde_json::from_str::<PhishingInput>(s);
        let i = parse(r#"{"urls": "a.com\nb.com", "brand": "B"}"#).expect("parses");
        assert_eq!(i.urls, vec!["a.com\nb.com".to_string()]);
        assert_eq!(i.brand, "B");
        assert_eq!(i.time_zone, "Asia/Taipei");
        let i = parse(r#"{"urls": ["a.com", "b.com"]}"#).expect("parses");
        assert_eq!(i.urls, vec!["a.com".to_string(), "b.com".into()]);
        assert_eq!(
            parse(r#"{"urls": null}"#).map(|i| i.urls).ok(),
            Some(vec![])
        );
        assert_eq!(parse("{}").map(|i| i.urls).ok(), Some(vec![]));
        assert!(parse(r#"{"urls": 3}"#).is_err());
        assert!(parse(r#"{"urls": [3]}"#).is_err());
    }

    #[test]
    fn seen_in_names_and_labels() {
        let names: Vec<&str> = SeenIn::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "email",
                "sms",
                "social_media",
                "ad",
                "search_result",
                "other"
            ]
        );
        for &s in SeenIn::ALL {
            assert_eq!(s.as_str().parse::<SeenIn>(), Ok(s));
            for l in Locale::ALL {
                assert!(!s.label(l).is_empty());
            }
        }
        assert_eq!(SeenIn::SocialMedia.label(Locale::ZhTw), "社群媒體");
        assert_eq!(SeenIn::Sms.label(Locale::En), "Text message (SMS)");
    }

    /// The allowed pairs written out again, independently of `URL_TRANSITIONS`.
    const EXPECTED: &[(&str, &str)] = &[
        ("received", "verified"),
        ("received", "false_positive"),
        ("received", "duplicate"),
        ("verified", "abuse_notified"),
        ("abuse_notified", "taken_down"),
        ("verified", "taken_down"),
        ("taken_down", "reopened"),
        ("reopened", "abuse_notified"),
        ("reopened", "taken_down"),
    ];

    #[test]
    fn full_matrix() {
        assert_eq!(UrlState::ALL.len(), 7);
        let mut allowed = 0;
        for &from in UrlState::ALL {
            for &to in UrlState::ALL {
                let listed = EXPECTED.contains(&(from.as_str(), to.as_str()));
                let got = check_url_transition(from, to);
                if listed {
                    allowed += 1;
                    assert_eq!(got, Ok(()), "{from} → {to}");
                } else {
                    assert_eq!(
                        got,
                        Err(UrlTransitionError::Illegal { from, to }),
                        "{from} → {to}"
                    );
                }
                assert_eq!(from.can_go_to(to), listed, "{from} → {to}");
                assert_eq!(from.allowed_next().contains(&to), listed, "{from} → {to}");
            }
        }
        assert_eq!(allowed, URL_TRANSITIONS.len());
        assert_eq!(allowed, EXPECTED.len());
        assert_eq!(
            check_url_transition(TakenDown, Verified).map_err(|e| e.to_string()),
            Err("a phishing URL cannot go from taken_down to verified".to_string())
        );
    }

    #[test]
    fn live_and_open() {
        for (state, live, open) in [
            (Received, false, true),
            (Verified, true, true),
            (FalsePositive, false, false),
            (Duplicate, false, false),
            (AbuseNotified, true, true),
            (TakenDown, false, false),
            (Reopened, true, true),
        ] {
            assert_eq!(state.is_live(), live, "{state}");
            assert_eq!(state.is_open(), open, "{state}");
        }
        assert_eq!(UrlState::INITIAL, Received);
        assert!(FalsePositive.allowed_next().is_empty());
        assert!(Duplicate.allowed_next().is_empty());
        assert_eq!(
            Received.allowed_next(),
            vec![Verified, FalsePositive, Duplicate]
        );
        assert_eq!(TakenDown.allowed_next(), vec![Reopened]);
        // Every state is reachable from the initial one.
        let mut reached = vec![UrlState::INITIAL];
        let mut k = 0;
        while let Some(&s) = reached.get(k) {
            for t in s.allowed_next() {
                if !reached.contains(&t) {
                    reached.push(t);
                }
            }
            k += 1;
        }
        assert_eq!(reached.len(), UrlState::ALL.len());
    }

    #[test]
    fn url_state_names_and_labels() {
        let names: Vec<&str> = UrlState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "received",
                "verified",
                "false_positive",
                "duplicate",
                "abuse_notified",
                "taken_down",
                "reopened"
            ]
        );
        for &s in UrlState::ALL {
            assert_eq!(s.to_string().parse::<UrlState>(), Ok(s));
            for l in Locale::ALL {
                assert!(!s.label(l).is_empty());
            }
        }
        assert_eq!(
            "Verified".parse::<UrlState>(),
            Err(UnknownUrlState("Verified".into()))
        );
    }

    fn check_figures(mut values: Vec<i64>, expected: Option<(i64, i64)>) {
        let given = values.clone();
        assert_eq!(median_and_p90(&mut values), expected, "{given:?}");
    }

    #[test]
    fn figures() {
        check_figures(vec![], None);
        check_figures(vec![7], Some((7, 7)));
        check_figures(vec![2, 1], Some((1, 2)));
        check_figures(vec![3, 1, 2], Some((2, 3)));
        check_figures((1..=10).rev().collect(), Some((5, 9)));
        check_figures((1..=11).collect(), Some((6, 10)));
        check_figures((1..=100).collect(), Some((50, 90)));
        check_figures((1..=101).collect(), Some((51, 91)));
        check_figures(vec![5, 5, 5, 5], Some((5, 5)));
        check_figures(vec![-3, 0, 3], Some((0, 3)));
        check_figures(vec![i64::MAX, i64::MIN], Some((i64::MIN, i64::MAX)));
        let mut v = vec![3, 1, 2];
        let _ = median_and_p90(&mut v);
        assert_eq!(v, [1, 2, 3], "sorted in place");
    }

    proptest::proptest! {
        #[test]
        fn figures_are_nearest_ranks(mut values in proptest::collection::vec(proptest::num::i64::ANY, 1..200)) {
            let n = values.len();
            let (median, p90) = median_and_p90(&mut values).expect("not empty");
            proptest::prop_assert!(values.contains(&median) && values.contains(&p90));
            proptest::prop_assert!(median <= p90);
            // At least p % of the values are at most the p-th percentile, and fewer than p %
            // are below it.
            for (p, v) in [(50, median), (90, p90)] {
                let at_most = values.iter().filter(|x| **x <= v).count();
                let below = values.iter().filter(|x| **x < v).count();
                proptest::prop_assert!(at_most * 100 >= p * n);
                proptest::prop_assert!(below * 100 < p * n);
            }
        }
    }
}

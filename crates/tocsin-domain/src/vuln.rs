//! The product-vulnerability report (產品漏洞通報) of DOMAIN.md and its coordination as a CVE
//! Numbering Authority (CVE審核作業, issue 4).
//!
//! - [`VulnInput`]: the seed form's fields as plain strings, filled by the server from the
//!   web form, the JSON API, or a parsed TXT form (`tocsin_formats::vuln_form::VulnForm`;
//!   this crate does not depend on that one), and its validation into a [`ValidVuln`].
//!   Dates are read as reporters in Taiwan write them ([`parse_date`]): `2026-11-28`,
//!   `2026/11/28`, `2026 年 11 月 28 日`, and the ROC (民國) calendar `115/11/28` or
//!   `民國115年11月28日`. The CVSS vector is only checked for presence and length here; the
//!   server scores it with `tocsin_formats::cvss` and compares the reporter's claim.
//! - [`CnaState`]: the review and disclosure workflow as one table ([`CNA_TRANSITIONS`]),
//!   checked by [`check_cna_transition`]; [`VendorStatus`]: what the vendor says.
//! - [`VulnSlaPolicy`]: how long a case may stay in each open state, timed by the one SLA
//!   rule of `sla` ([`crate::SlaStatus::compute`]); [`check_duplicate_of`]: which links
//!   between cases are allowed.
//! - [`target_publication_date`] (report date + [`DEFAULT_PUBLICATION_DAYS`], moved off
//!   weekends and holidays) and [`reminder_dates`] before it.

use crate::Timestamp;
use crate::locale::Locale;
use crate::names::names;
use crate::sla::WorkCalendar;
use crate::validate::{self, FieldError, FieldErrors};
use crate::zone;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Days from the report date to the target publication date unless configured otherwise.
pub const DEFAULT_PUBLICATION_DAYS: i64 = 90;

/// Days before the target publication date on which to remind the coordinator, unless
/// configured otherwise.
pub const DEFAULT_REMINDER_DAYS: &[i64] = &[30, 14, 7, 1];

/// Dates before this year are refused as typing mistakes.
pub const EARLIEST_YEAR: i16 = 1980;

/// Years of the ROC (民國) calendar are this many years behind the Gregorian ones: 民國115年
/// is 2026.
pub const ROC_YEAR_OFFSET: i16 = 1911;

/// Length limits of the vulnerability form, in characters.
pub mod limits {
    /// A date as typed.
    pub const DATE: usize = 40;
    /// 名稱.
    pub const REPORTER_NAME: usize = 200;
    /// 組織.
    pub const REPORTER_ORGANIZATION: usize = 200;
    /// 其他 (the source, when not found by the reporter).
    pub const SOURCE_OTHER: usize = 1_000;
    /// 影響產品名稱.
    pub const PRODUCT: usize = 200;
    /// 版本.
    pub const VERSION: usize = 200;
    /// 產品開發者／廠商.
    pub const VENDOR: usize = 200;
    /// 產品網站.
    pub const PRODUCT_URL: usize = 2_000;
    /// 漏洞類型.
    pub const VULN_TYPE: usize = 200;
    /// 漏洞描述.
    pub const DESCRIPTION: usize = 20_000;
    /// 觸發漏洞特定條件.
    pub const TRIGGER_CONDITIONS: usize = 10_000;
    /// 觸發漏洞方法.
    pub const TRIGGER_METHOD: usize = 50_000;
    /// 佐證資料.
    pub const EVIDENCE: usize = 20_000;
    /// 漏洞威脅.
    pub const IMPACT: usize = 10_000;
    /// The CVSS vector.
    pub const CVSS_VECTOR: usize = 200;
    /// The claimed CVSS score as written.
    pub const CVSS_CLAIMED_SCORE: usize = 20;
    /// The CVSS version named by the form's heading.
    pub const CVSS_NAMED_VERSION: usize = 20;
}

names! {
    /// Where the reporter learned of the vulnerability (漏洞資訊來源).
    VulnSource, UnknownVulnSource, "vulnerability source" {
        /// 自己發現: found it themselves.
        SelfFound => "self",
        /// 其他: another source, described in `source_other`.
        Other => "other",
    }
}

impl VulnSource {
    /// The name shown to people.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (VulnSource::SelfFound, Locale::ZhTw) => "自己發現",
            (VulnSource::Other, Locale::ZhTw) => "其他",
            (VulnSource::SelfFound, Locale::En) => "Found by the reporter",
            (VulnSource::Other, Locale::En) => "Other source",
        }
    }
}

/// The vulnerability form as it arrives, every field a plain string so that nothing is lost
/// before validation; missing fields are empty. The server fills it from the web form, the
/// JSON API or a parsed TXT form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VulnInput {
    /// 通報日期: a date as [`parse_date`] reads it.
    pub report_date: String,
    /// 名稱: the reporter's name.
    pub reporter_name: String,
    /// 組織: the reporter's organization, optional.
    pub reporter_organization: String,
    /// Email: the reporter's address.
    pub reporter_email: String,
    /// 是否公開名稱及組織: `yes`/`no`, `true`/`false` (any case) or `是`/`否`; empty when
    /// unanswered. JSON booleans are accepted too.
    #[serde(deserialize_with = "deserialize_answer")]
    pub public_credit: String,
    /// 漏洞資訊來源: `self` or `other`.
    pub source: String,
    /// 其他: the source, required when `source` is `other`.
    pub source_other: String,
    /// 漏洞發現日期: a date as [`parse_date`] reads it.
    pub discovered_on: String,
    /// 影響產品名稱.
    pub product: String,
    /// 版本.
    pub version: String,
    /// 產品開發者／廠商.
    pub vendor: String,
    /// 產品網站: an http(s) URL.
    pub product_url: String,
    /// 漏洞類型, e.g. 任意程式碼執行.
    pub vuln_type: String,
    /// 漏洞描述.
    pub description: String,
    /// 觸發漏洞特定條件.
    pub trigger_conditions: String,
    /// 觸發漏洞方法: steps or a command line, kept verbatim.
    pub trigger_method: String,
    /// 佐證資料: the evidence's text (attachments travel beside it).
    pub evidence: String,
    /// 漏洞威脅.
    pub impact: String,
    /// The CVSS vector as written, e.g. `CVSS:3.1/AV:N/…`.
    pub cvss_vector: String,
    /// The score the reporter claims, as written (e.g. `7.5`), optional.
    pub cvss_claimed_score: String,
    /// The CVSS version the form's heading names (`3.1`), optional; it may disagree with the
    /// vector's prefix. Also read as `cvss_version`, the TXT parser's name.
    #[serde(alias = "cvss_version")]
    pub cvss_named_version: String,
}

/// Reads a yes/no answer kept as text: a string, a JSON boolean, or null (empty).
fn deserialize_answer<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Answer;
    impl<'de> serde::de::Visitor<'de> for Answer {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a yes/no answer")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(v.to_string())
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.to_string())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(String::new())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(String::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Answer)
        }
    }
    d.deserialize_any(Answer)
}

/// A checked vulnerability report, ready to store. One-line texts are trimmed; free texts
/// lose trailing white space and leading blank lines; optional texts that were empty are
/// `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidVuln {
    /// 通報日期.
    pub report_date: Date,
    /// 名稱.
    pub reporter_name: String,
    /// 組織.
    pub reporter_organization: Option<String>,
    /// Email, normalized (see [`validate::normalize_email`]).
    pub reporter_email: String,
    /// 是否公開名稱及組織: whether advisories and CVE records may name the reporter.
    pub public_credit: bool,
    /// 漏洞資訊來源.
    pub source: VulnSource,
    /// 其他: always present when `source` is [`VulnSource::Other`], kept if written
    /// otherwise.
    pub source_other: Option<String>,
    /// 漏洞發現日期, on or before the report date.
    pub discovered_on: Date,
    /// 影響產品名稱.
    pub product: String,
    /// 版本.
    pub version: String,
    /// 產品開發者／廠商.
    pub vendor: String,
    /// 產品網站: an http or https URL as written, `https://` put in front when the
    /// reporter gave none (`www.example.com.tw`).
    pub product_url: String,
    /// 漏洞類型.
    pub vuln_type: String,
    /// 漏洞描述.
    pub description: String,
    /// 觸發漏洞特定條件.
    pub trigger_conditions: String,
    /// 觸發漏洞方法, verbatim but for blank lines before and after it.
    pub trigger_method: String,
    /// 佐證資料.
    pub evidence: String,
    /// 漏洞威脅.
    pub impact: String,
    /// The CVSS vector, trimmed, not yet parsed.
    pub cvss_vector: String,
    /// The claimed score as written, trimmed.
    pub cvss_claimed_score: Option<String>,
    /// The CVSS version named by the form, trimmed.
    pub cvss_named_version: Option<String>,
}

impl VulnInput {
    /// Checks every field and returns the report, or the errors of every bad field (the
    /// first error of each). `now` is the server's clock: a date is refused as in the
    /// future only when that day has not begun anywhere on Earth (UTC+14), so a reporter in
    /// any time zone may write their own today.
    ///
    /// Message ids: `error-required`, `error-too-long` (arg `max`), `error-control-chars`,
    /// `error-email`, `error-choice`, `error-date`, `error-future`,
    /// `error-discovered-after-report`, `error-url-invalid`, `error-url-scheme` (arg
    /// `scheme`), `error-url-host`.
    pub fn validate(&self, now: Timestamp) -> Result<ValidVuln, FieldErrors> {
        let mut errors = FieldErrors::new();
        let latest = jiff::tz::offset(14).to_datetime(zone::to_jiff(now)).date();
        let mut date = |field: &'static str, value: &str| match date_field(value, latest) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.add(field, e);
                None
            }
        };
        let report_date = date("report_date", &self.report_date);
        let discovered_on = date("discovered_on", &self.discovered_on);
        if let (Some(r), Some(d)) = (report_date, discovered_on)
            && d > r
        {
            errors.add(
                "discovered_on",
                FieldError::new("error-discovered-after-report"),
            );
        }

        errors.check(
            "reporter_name",
            validate::required_line(&self.reporter_name, limits::REPORTER_NAME),
        );
        errors.check(
            "reporter_organization",
            validate::optional_line(
                self.reporter_organization.trim(),
                limits::REPORTER_ORGANIZATION,
            ),
        );
        errors.check("reporter_email", validate::email(&self.reporter_email));
        let public_credit = match yes_no(&self.public_credit) {
            Ok(b) => Some(b),
            Err(e) => {
                errors.add("public_credit", e);
                None
            }
        };

        let source = self.source.parse::<VulnSource>().ok();
        if source.is_none() {
            let code = if self.source.trim().is_empty() {
                "error-required"
            } else {
                "error-choice"
            };
            errors.add("source", FieldError::new(code));
        }
        errors.check(
            "source_other",
            if source == Some(VulnSource::Other) {
                validate::required_text(&self.source_other, limits::SOURCE_OTHER)
            } else {
                validate::optional_text(self.source_other.trim(), limits::SOURCE_OTHER)
            },
        );

        for (field, value, max) in [
            ("product", &self.product, limits::PRODUCT),
            ("version", &self.version, limits::VERSION),
            ("vendor", &self.vendor, limits::VENDOR),
            ("vuln_type", &self.vuln_type, limits::VULN_TYPE),
            ("description", &self.description, limits::DESCRIPTION),
            (
                "trigger_conditions",
                &self.trigger_conditions,
                limits::TRIGGER_CONDITIONS,
            ),
            ("evidence", &self.evidence, limits::EVIDENCE),
            ("impact", &self.impact, limits::IMPACT),
            ("cvss_vector", &self.cvss_vector, limits::CVSS_VECTOR),
        ] {
            errors.check(field, validate::required_text(value, max));
        }
        let trigger_method = verbatim(&self.trigger_method);
        errors.check(
            "trigger_method",
            if trigger_method.trim().is_empty() {
                Err(FieldError::new("error-required"))
            } else {
                validate::optional_text(&trigger_method, limits::TRIGGER_METHOD)
            },
        );
        let product_url = match product_url(&self.product_url) {
            Ok(u) => Some(u),
            Err(e) => {
                errors.add("product_url", e);
                None
            }
        };
        errors.check(
            "cvss_claimed_score",
            validate::optional_text(self.cvss_claimed_score.trim(), limits::CVSS_CLAIMED_SCORE),
        );
        errors.check(
            "cvss_named_version",
            validate::optional_text(self.cvss_named_version.trim(), limits::CVSS_NAMED_VERSION),
        );

        match (
            errors.into_result(),
            report_date,
            discovered_on,
            public_credit,
            source,
            product_url,
        ) {
            (
                Ok(()),
                Some(report_date),
                Some(discovered_on),
                Some(public_credit),
                Some(source),
                Some(product_url),
            ) => Ok(ValidVuln {
                report_date,
                reporter_name: self.reporter_name.trim().to_string(),
                reporter_organization: validate::non_empty(self.reporter_organization.trim()),
                reporter_email: validate::normalize_email(&self.reporter_email),
                public_credit,
                source,
                source_other: validate::non_empty(self.source_other.trim()),
                discovered_on,
                product: self.product.trim().to_string(),
                version: self.version.trim().to_string(),
                vendor: self.vendor.trim().to_string(),
                product_url,
                vuln_type: self.vuln_type.trim().to_string(),
                description: validate::trim_block(&self.description),
                trigger_conditions: validate::trim_block(&self.trigger_conditions),
                trigger_method,
                evidence: validate::trim_block(&self.evidence),
                impact: validate::trim_block(&self.impact),
                cvss_vector: self.cvss_vector.trim().to_string(),
                cvss_claimed_score: validate::non_empty(self.cvss_claimed_score.trim()),
                cvss_named_version: validate::non_empty(self.cvss_named_version.trim()),
            }),
            (Err(e), ..) => Err(e),
            // Unreachable: every `None` above recorded an error. Kept total without panicking.
            (Ok(()), ..) => {
                let mut e = FieldErrors::new();
                e.add("report_date", FieldError::new("error-date"));
                Err(e)
            }
        }
    }
}

/// Reads a yes/no answer: `yes`/`no`, `true`/`false` (any case), `是`/`否`.
/// Message ids: `error-required` (empty), `error-choice`.
fn yes_no(value: &str) -> Result<bool, FieldError> {
    match value.trim().to_lowercase().as_str() {
        "" => Err(FieldError::new("error-required")),
        "yes" | "true" | "是" => Ok(true),
        "no" | "false" | "否" => Ok(false),
        _ => Err(FieldError::new("error-choice")),
    }
}

/// A required date from [`EARLIEST_YEAR`] to `latest`.
/// Message ids: `error-required`, `error-too-long`, `error-date`, `error-future`.
fn date_field(value: &str, latest: Date) -> Result<Date, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new("error-required"));
    }
    if v.chars().count() > limits::DATE {
        return Err(FieldError::new("error-too-long").arg("max", limits::DATE));
    }
    let d = parse_date(v)
        .filter(|d| d.year() >= EARLIEST_YEAR)
        .ok_or_else(|| FieldError::new("error-date"))?;
    if d > latest {
        return Err(FieldError::new("error-future"));
    }
    Ok(d)
}

/// The text with the blank lines before and after it removed, and nothing else changed:
/// indentation, inner spaces and tabs, and trailing spaces of its lines all stay.
fn verbatim(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let blank = |l: &&str| l.trim().is_empty();
    let first = lines.iter().position(|l| !blank(l));
    let last = lines.iter().rposition(|l| !blank(l));
    match (first, last) {
        (Some(a), Some(b)) => {
            let kept = lines.get(a..=b).unwrap_or_default().join("\n");
            // A CRLF text keeps its inner `\r`s; only the last line's is dropped.
            kept.strip_suffix('\r').map(str::to_string).unwrap_or(kept)
        }
        _ => String::new(),
    }
}

/// The product's web site: an http or https URL with a host name (with a dot) or an IP
/// address. Without a scheme (`www.example.com.tw/product`) `https://` is put in front.
/// Message ids: `error-required`, `error-too-long`, `error-url-invalid`, `error-url-scheme`
/// (arg `scheme`), `error-url-host`.
fn product_url(value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new("error-required"));
    }
    if v.chars().count() > limits::PRODUCT_URL {
        return Err(FieldError::new("error-too-long").arg("max", limits::PRODUCT_URL));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new("error-url-invalid"));
    }
    // `mailto:…` and `ftp://…` have a scheme; `example.com:8080/x` and `localhost:80` do
    // not (a "scheme" with a dot, or followed by a port number).
    let has_scheme = v.contains("://")
        || v.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && scheme.bytes().all(|b| b.is_ascii_alphabetic())
                && !rest.starts_with(|c: char| c.is_ascii_digit())
        });
    let text = if has_scheme {
        v.to_string()
    } else {
        format!("https://{v}")
    };
    let url = url::Url::parse(&text).map_err(|_| FieldError::new("error-url-invalid"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FieldError::new("error-url-scheme").arg("scheme", url.scheme()));
    }
    let host_ok = match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.');
            d.contains('.') && !d.starts_with('.')
        }
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    if !host_ok {
        return Err(FieldError::new("error-url-host"));
    }
    Ok(text)
}

/// Reads a date as reporters write it, year first:
///
/// - Gregorian, a four-digit year: `2026-11-28`, `2026/11/28`, `2026.11.28`,
///   `2026年11月28日` (the seed's `2019 年 4 月 11 日`), optionally after `西元`;
/// - ROC (民國) calendar, a year of one to three digits, or any year after `民國` or
///   `中華民國`: `115/11/28`, `115-11-28`, `115.11.28`, `115年11月28日`, `民國115年11月28日`,
///   all 2026-11-28.
///
/// Month and day may have one or two digits; white space anywhere and full-width digits
/// and separators (`１１５／１１／２８`) are fine; the final `日` (or `號`) may be left out.
/// Day-first and month-first forms are refused as ambiguous. `None` when it is not a date.
pub fn parse_date(text: &str) -> Option<Date> {
    if text.len() > 4 * limits::DATE {
        return None;
    }
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '０'..='９' => s.push(char::from_u32(
                u32::from(c) - u32::from('０') + u32::from('0'),
            )?),
            '／' => s.push('/'),
            '－' | '‐' | '‑' => s.push('-'),
            '．' => s.push('.'),
            c if c.is_whitespace() => {}
            c => s.push(c),
        }
    }
    let (calendar, rest) = if let Some(r) = s.strip_prefix("中華民國") {
        (Some(Calendar::Roc), r)
    } else if let Some(r) = s.strip_prefix("民國") {
        (Some(Calendar::Roc), r)
    } else if let Some(r) = s.strip_prefix("西元") {
        (Some(Calendar::Gregorian), r)
    } else {
        (None, s.as_str())
    };
    let (y, m, d) = if let Some((y, r)) = rest.split_once('年') {
        let (m, r) = r.split_once('月')?;
        let d = r
            .strip_suffix('日')
            .or_else(|| r.strip_suffix('號'))
            .unwrap_or(r);
        (y, m, d)
    } else {
        let sep = rest.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        let mut parts = rest.split(sep);
        let parts = (parts.next()?, parts.next()?, parts.next()?, parts.next());
        match parts {
            (y, m, d, None) => (y, m, d),
            _ => return None,
        }
    };
    if !(1..=4).contains(&y.len()) || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    let year = i16::try_from(zone::digits(y.as_bytes())?).ok()?;
    let year = match (calendar, y.len()) {
        (Some(Calendar::Roc), _) | (None, 1..=3) if year >= 1 => {
            year.checked_add(ROC_YEAR_OFFSET)?
        }
        (Some(Calendar::Gregorian) | None, 4) => year,
        _ => return None,
    };
    let month = i8::try_from(zone::digits(m.as_bytes())?).ok()?;
    let day = i8::try_from(zone::digits(d.as_bytes())?).ok()?;
    Date::new(year, month, day).ok()
}

/// Which calendar a date's year counts in.
#[derive(Clone, Copy)]
enum Calendar {
    Gregorian,
    Roc,
}

names! {
    /// Where a vulnerability report stands in the CNA's review and disclosure workflow.
    CnaState, UnknownCnaState, "CNA state" {
        /// Filed, not yet looked at.
        Received => "received",
        /// A coordinator is reviewing it (CVE審核).
        UnderReview => "under_review",
        /// A real vulnerability in the CNA's scope; a CVE id may be assigned.
        Accepted => "accepted",
        /// Not a vulnerability (or not reproducible).
        Rejected => "rejected",
        /// Already reported.
        Duplicate => "duplicate",
        /// Not the CNA's to handle (a product outside its scope).
        OutOfScope => "out_of_scope",
        /// The vendor has been told.
        VendorNotified => "vendor_notified",
        /// The vendor is working on a fix.
        FixPending => "fix_pending",
        /// Fixed or due: the advisory and CVE record may go out.
        ReadyToPublish => "ready_to_publish",
        /// The advisory and CVE record are public.
        Published => "published",
    }
}

/// Every allowed change of a vulnerability report's state, `(from, to)`. Nothing else is
/// allowed, self-transitions included.
pub const CNA_TRANSITIONS: &[(CnaState, CnaState)] = {
    use CnaState::*;
    &[
        (Received, UnderReview),
        (UnderReview, Accepted),
        (UnderReview, Rejected),
        (UnderReview, Duplicate),
        (UnderReview, OutOfScope),
        (Accepted, VendorNotified),
        (VendorNotified, FixPending),
        // The vendor had already fixed it.
        (VendorNotified, ReadyToPublish),
        (FixPending, ReadyToPublish),
        (ReadyToPublish, Published),
        // Found after acceptance not to be a vulnerability after all: the CVE id the case
        // may hold is rejected with it (its record then says why). A published case stays
        // published.
        (Accepted, Rejected),
        (VendorNotified, Rejected),
        (FixPending, Rejected),
        (ReadyToPublish, Rejected),
    ]
};

impl CnaState {
    /// The state of a new report.
    pub const INITIAL: CnaState = CnaState::Received;

    /// Whether the table allows `self → to`.
    pub fn can_go_to(self, to: CnaState) -> bool {
        CNA_TRANSITIONS.contains(&(self, to))
    }

    /// The states reachable in one step, in table order, for a user interface.
    pub fn allowed_next(self) -> Vec<CnaState> {
        CNA_TRANSITIONS
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|(_, to)| *to)
            .collect()
    }

    /// No change leads out of it: rejected, duplicate, out of scope, published.
    pub fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// Whether the case may be seen by the public (advisories, feeds): only when published.
    pub fn is_public(self) -> bool {
        self == CnaState::Published
    }

    /// Whether a CVE id may be assigned: from acceptance until publication.
    pub fn may_assign_cve(self) -> bool {
        matches!(
            self,
            CnaState::Accepted
                | CnaState::VendorNotified
                | CnaState::FixPending
                | CnaState::ReadyToPublish
        )
    }

    /// The name shown to people.
    pub fn label(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            CnaState::Received => ("已接收", "Received"),
            CnaState::UnderReview => ("審核中", "Under review"),
            CnaState::Accepted => ("審核通過", "Accepted"),
            CnaState::Rejected => ("不予受理", "Rejected"),
            CnaState::Duplicate => ("重複通報", "Duplicate"),
            CnaState::OutOfScope => ("非受理範圍", "Out of scope"),
            CnaState::VendorNotified => ("已通知廠商", "Vendor notified"),
            CnaState::FixPending => ("待廠商修補", "Fix pending"),
            CnaState::ReadyToPublish => ("待公開", "Ready to publish"),
            CnaState::Published => ("已公開", "Published"),
        };
        match locale {
            Locale::ZhTw => zh,
            Locale::En => en,
        }
    }
}

/// A state change that [`CNA_TRANSITIONS`] does not allow.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CnaTransitionError {
    /// The table does not allow it.
    #[error("a vulnerability report cannot go from {from} to {to}")]
    Illegal {
        /// The current state.
        from: CnaState,
        /// The requested state.
        to: CnaState,
    },
}

/// Checks a vulnerability report's state change against [`CNA_TRANSITIONS`].
pub fn check_cna_transition(from: CnaState, to: CnaState) -> Result<(), CnaTransitionError> {
    if from.can_go_to(to) {
        Ok(())
    } else {
        Err(CnaTransitionError::Illegal { from, to })
    }
}

names! {
    /// What the vendor says about its product and the vulnerability.
    VendorStatus, UnknownVendorStatus, "vendor status" {
        /// The product is affected.
        Affected => "affected",
        /// The product is not affected.
        NotAffected => "not_affected",
        /// Not known (yet).
        Unknown => "unknown",
    }
}

impl VendorStatus {
    /// The name shown to people.
    pub fn label(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            VendorStatus::Affected => ("受影響", "Affected"),
            VendorStatus::NotAffected => ("不受影響", "Not affected"),
            VendorStatus::Unknown => ("未知", "Unknown"),
        };
        match locale {
            Locale::ZhTw => zh,
            Locale::En => en,
        }
    }
}

/// The target publication date: `report_date` plus `days` (negative counts as 0), moved
/// forward to the next working day of `calendar` when it falls on a rest day or a holiday.
/// Dates beyond the year 9999 clamp to its last day.
pub fn target_publication_date(report_date: Date, days: i64, calendar: &WorkCalendar) -> Date {
    let mut d = jiff::Span::new()
        .try_days(days.max(0))
        .ok()
        .and_then(|span| report_date.checked_add(span).ok())
        .unwrap_or(Date::MAX);
    // Ends: the calendar has at least one working weekday and finitely many holidays.
    while !calendar.is_working_day(d) {
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    d
}

/// The reminder dates: `days_before` days before `target` each, in ascending order, without
/// repeats. Negative counts and dates before the first representable day are left out
/// (`0` means on the target day itself).
pub fn reminder_dates(target: Date, days_before: &[i64]) -> Vec<Date> {
    days_before
        .iter()
        .filter(|n| **n >= 0)
        .filter_map(|n| {
            let span = jiff::Span::new().try_days(*n).ok()?;
            target.checked_sub(span).ok()
        })
        .collect::<BTreeSet<Date>>()
        .into_iter()
        .collect()
}

/// How long, in working minutes, a vulnerability case may stay in each open state before
/// its timer breaches (`[vuln_sla]`); `0` turns a state's timer off. Terminal states have
/// none. A working day is 540 minutes with the default calendar (09:00–18:00). Defaults
/// for a CNA:
///
/// | state | budget | for |
/// |---|---|---|
/// | received | 1620 (3 working days) | triage |
/// | under_review | 2700 (5 working days) | accept or turn down |
/// | accepted | 3780 (7 working days) | contact the vendor |
/// | vendor_notified | 5400 (10 working days) | the vendor's answer |
/// | fix_pending | 0 (off: the target publication date bounds it) | |
/// | ready_to_publish | 2700 (5 working days) | publish |
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VulnSlaPolicy {
    /// Received: until triage.
    pub received_minutes: i64,
    /// Under review: until the case is accepted or turned down.
    pub under_review_minutes: i64,
    /// Accepted: until the vendor is notified.
    pub accepted_minutes: i64,
    /// Vendor notified: until the vendor answers.
    pub vendor_notified_minutes: i64,
    /// Fix pending: until the fix is out.
    pub fix_pending_minutes: i64,
    /// Ready to publish: until publication.
    pub ready_to_publish_minutes: i64,
}

impl Default for VulnSlaPolicy {
    fn default() -> Self {
        const DAY: i64 = 540;
        VulnSlaPolicy {
            received_minutes: 3 * DAY,
            under_review_minutes: 5 * DAY,
            accepted_minutes: 7 * DAY,
            vendor_notified_minutes: 10 * DAY,
            fix_pending_minutes: 0,
            ready_to_publish_minutes: 5 * DAY,
        }
    }
}

/// A `[vuln_sla]` setting out of range; the message names it.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("{setting}: must be between 0 (no timer) and {max} minutes, got {value}", max = crate::sla::MAX_SLA_MINUTES)]
pub struct VulnSlaError {
    /// The setting, e.g. `accepted_minutes`.
    pub setting: String,
    /// What it holds.
    pub value: i64,
}

impl VulnSlaPolicy {
    fn settings(&self) -> [(CnaState, &'static str, i64); 6] {
        [
            (
                CnaState::Received,
                "received_minutes",
                self.received_minutes,
            ),
            (
                CnaState::UnderReview,
                "under_review_minutes",
                self.under_review_minutes,
            ),
            (
                CnaState::Accepted,
                "accepted_minutes",
                self.accepted_minutes,
            ),
            (
                CnaState::VendorNotified,
                "vendor_notified_minutes",
                self.vendor_notified_minutes,
            ),
            (
                CnaState::FixPending,
                "fix_pending_minutes",
                self.fix_pending_minutes,
            ),
            (
                CnaState::ReadyToPublish,
                "ready_to_publish_minutes",
                self.ready_to_publish_minutes,
            ),
        ]
    }

    /// The budget of a state, or `None` when it has no timer (terminal, or set to 0).
    pub fn minutes(&self, state: CnaState) -> Option<i64> {
        self.settings()
            .into_iter()
            .find(|(s, _, _)| *s == state)
            .map(|(_, _, m)| m)
            .filter(|m| *m > 0)
    }

    /// Checks every budget: 0 (off) to [`crate::sla::MAX_SLA_MINUTES`].
    pub fn validate(&self) -> Result<(), VulnSlaError> {
        for (_, setting, value) in self.settings() {
            if !(0..=crate::sla::MAX_SLA_MINUTES).contains(&value) {
                return Err(VulnSlaError {
                    setting: setting.into(),
                    value,
                });
            }
        }
        Ok(())
    }

    /// Where the timer of a case in `state` since `since` stands at `now` (the incident
    /// timers' rule, [`crate::SlaStatus::compute`]); `None` when the state has no timer.
    pub fn status(
        &self,
        calendar: &WorkCalendar,
        state: CnaState,
        since: Timestamp,
        now: Timestamp,
    ) -> Option<crate::SlaStatus> {
        self.minutes(state)
            .map(|m| crate::SlaStatus::compute(calendar, since, m, None, now))
    }
}

/// Why a case may not be marked a duplicate of another.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
pub enum DuplicateOfError {
    /// The case itself.
    #[error("a case cannot be a duplicate of itself")]
    Itself,
    /// The other case is (through its own links) a duplicate of this one.
    #[error("the link would make a cycle")]
    Cycle,
}

/// Checks a duplicate-of link from `case` to `target`, given `target`'s chain of
/// duplicate-of links (target's original, its original, …, as far as it goes).
pub fn check_duplicate_of<T: PartialEq>(
    case: &T,
    target: &T,
    chain: &[T],
) -> Result<(), DuplicateOfError> {
    if case == target {
        return Err(DuplicateOfError::Itself);
    }
    if chain.contains(case) {
        return Err(DuplicateOfError::Cycle);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::CalendarConfig;
    use jiff::civil::date;

    /// 2026-11-28T02:00:00Z, 10:00 in Taipei.
    fn now() -> Timestamp {
        Timestamp::parse_rfc3339("2026-11-28T02:00:00Z").expect("valid")
    }

    /// The seed's example report (DOMAIN.md), as the TXT parser reads it.
    fn seed_input() -> VulnInput {
        VulnInput {
            report_date: "2019 年 4 月 11 日".into(),
            reporter_name: "Domo kun".into(),
            reporter_organization: String::new(),
            reporter_email: "domokun@domo.tw".into(),
            public_credit: "false".into(),
            source: "self".into(),
            source_other: String::new(),
            discovered_on: "2019 年 4 月 9 日".into(),
            product: "IP CAM".into(),
            version: "1.24".into(),
            vendor: "techOh Inc.".into(),
            product_url: "https://www.techoh.tw/".into(),
            vuln_type: "任意程式碼執行".into(),
            description: "軟體並未對輸入的參數做驗證，導致攻擊者可以透過參數執行任意指令。".into(),
            trigger_conditions: "要能夠接觸本機或使用者執行惡意腳本".into(),
            trigger_method: "badbutwork -i cat /etc/passwd -t".into(),
            evidence: "如附件截圖及影片".into(),
            impact: "攻擊者可以透過惡意腳本觸發該漏洞，並進而接管該主機".into(),
            cvss_vector: "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H".into(),
            cvss_claimed_score: "7.5".into(),
            cvss_named_version: "3.1".into(),
        }
    }

    /// Validates `seed_input()` changed by `edit`; `expected` is the error per field
    /// (empty: valid).
    fn check(edit: impl FnOnce(&mut VulnInput), expected: &[(&str, &str)]) {
        let mut input = seed_input();
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
    fn the_seed_example_is_valid() {
        let v = seed_input().validate(now()).expect("valid");
        assert_eq!(v.report_date, date(2019, 4, 11));
        assert_eq!(v.discovered_on, date(2019, 4, 9));
        assert_eq!(v.reporter_name, "Domo kun");
        assert_eq!(v.reporter_organization, None);
        assert_eq!(v.reporter_email, "domokun@domo.tw");
        assert!(!v.public_credit);
        assert_eq!(v.source, VulnSource::SelfFound);
        assert_eq!(v.source_other, None);
        assert_eq!(v.product_url, "https://www.techoh.tw/");
        assert_eq!(v.trigger_method, "badbutwork -i cat /etc/passwd -t");
        assert_eq!(
            v.cvss_vector,
            "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H"
        );
        assert_eq!(v.cvss_claimed_score.as_deref(), Some("7.5"));
        assert_eq!(v.cvss_named_version.as_deref(), Some("3.1"));
    }

    #[test]
    fn texts_are_tidied_and_the_method_kept_verbatim() {
        let mut i = seed_input();
        i.reporter_name = "  Domo kun ".into();
        i.reporter_organization = " 多摩研究室 ".into();
        i.reporter_email = " DomoKun@Domo.TW ".into();
        i.description = "\n\n  第一行\n第二行  \n\n".into();
        i.trigger_method =
            "\n  \n  $ badbutwork  -i\t'cat  /etc/passwd'  -t  \n    && echo  done\n\n".into();
        i.cvss_vector = " CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ".into();
        i.cvss_claimed_score = " ".into();
        i.cvss_named_version = String::new();
        let v = i.validate(now()).expect("valid");
        assert_eq!(v.reporter_name, "Domo kun");
        assert_eq!(v.reporter_organization.as_deref(), Some("多摩研究室"));
        assert_eq!(v.reporter_email, "domokun@domo.tw");
        assert_eq!(v.description, "  第一行\n第二行");
        assert_eq!(
            v.trigger_method,
            "  $ badbutwork  -i\t'cat  /etc/passwd'  -t  \n    && echo  done"
        );
        assert_eq!(
            v.cvss_vector,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        );
        assert_eq!(v.cvss_claimed_score, None);
        assert_eq!(v.cvss_named_version, None);
        assert_eq!(verbatim("a \r\n b \r\n\r\n"), "a \r\n b ");
        assert_eq!(verbatim(" \n\t\n"), "");
    }

    #[test]
    fn required_fields() {
        check(
            |i| *i = VulnInput::default(),
            &[
                ("cvss_vector", "error-required"),
                ("description", "error-required"),
                ("discovered_on", "error-required"),
                ("evidence", "error-required"),
                ("impact", "error-required"),
                ("product", "error-required"),
                ("product_url", "error-required"),
                ("public_credit", "error-required"),
                ("report_date", "error-required"),
                ("reporter_email", "error-required"),
                ("reporter_name", "error-required"),
                ("source", "error-required"),
                ("trigger_conditions", "error-required"),
                ("trigger_method", "error-required"),
                ("vendor", "error-required"),
                ("version", "error-required"),
                ("vuln_type", "error-required"),
            ],
        );
        check(
            |i| i.trigger_method = " \n\t\n ".into(),
            &[("trigger_method", "error-required")],
        );
        check(
            |i| i.cvss_vector = "   ".into(),
            &[("cvss_vector", "error-required")],
        );
    }

    #[test]
    fn public_credit_answers() {
        for (answer, want) in [
            ("yes", Some(true)),
            ("YES", Some(true)),
            (" true ", Some(true)),
            ("是", Some(true)),
            ("no", Some(false)),
            ("False", Some(false)),
            ("否", Some(false)),
            ("maybe", None),
            ("1", None),
        ] {
            let mut i = seed_input();
            i.public_credit = answer.into();
            let got = i.validate(now()).map(|v| v.public_credit).ok();
            assert_eq!(got, want, "{answer:?}");
        }
        check(
            |i| i.public_credit = "maybe".into(),
            &[("public_credit", "error-choice")],
        );
        check(
            |i| i.public_credit = " ".into(),
            &[("public_credit", "error-required")],
        );
    }

    #[test]
    fn sources() {
        check(
            |i| i.source = "other".into(),
            &[("source_other", "error-required")],
        );
        check(
            |i| {
                i.source = "other".into();
                i.source_other = "國外資安論壇".into();
            },
            &[],
        );
        check(
            |i| i.source = "someone".into(),
            &[("source", "error-choice")],
        );
        check(|i| i.source = "Self".into(), &[("source", "error-choice")]);
        let mut i = seed_input();
        i.source = "other".into();
        i.source_other = " 國外資安論壇 ".into();
        let v = i.validate(now()).expect("valid");
        assert_eq!(v.source, VulnSource::Other);
        assert_eq!(v.source_other.as_deref(), Some("國外資安論壇"));
        // Text beside a ticked 自己發現 is kept, not dropped.
        i.source = "self".into();
        let v = i.validate(now()).expect("valid");
        assert_eq!(v.source_other.as_deref(), Some("國外資安論壇"));
    }

    fn check_date(input: &str, want: Option<(i16, i8, i8)>) {
        let want = want.and_then(|(y, m, d)| Date::new(y, m, d).ok());
        assert_eq!(parse_date(input), want, "{input:?}");
    }

    #[test]
    fn dates() {
        // Gregorian.
        check_date("2026-11-28", Some((2026, 11, 28)));
        check_date("2026/11/28", Some((2026, 11, 28)));
        check_date("2026.11.28", Some((2026, 11, 28)));
        check_date("2026/1/5", Some((2026, 1, 5)));
        check_date(" 2026 - 11 - 28 ", Some((2026, 11, 28)));
        check_date("2019 年 4 月 11 日", Some((2019, 4, 11)));
        check_date("2026年11月28日", Some((2026, 11, 28)));
        check_date("2026年11月28", Some((2026, 11, 28)));
        check_date("西元2026年11月28日", Some((2026, 11, 28)));
        check_date("２０２６／１１／２８", Some((2026, 11, 28)));
        check_date("2028-02-29", Some((2028, 2, 29)));
        // ROC (民國).
        check_date("115/11/28", Some((2026, 11, 28)));
        check_date("115-11-28", Some((2026, 11, 28)));
        check_date("115.11.28", Some((2026, 11, 28)));
        check_date("115/1/5", Some((2026, 1, 5)));
        check_date("民國115年11月28日", Some((2026, 11, 28)));
        check_date("民國 115 年 11 月 28 日", Some((2026, 11, 28)));
        check_date("中華民國115年11月28日", Some((2026, 11, 28)));
        check_date("115年11月28日", Some((2026, 11, 28)));
        check_date("115年11月28號", Some((2026, 11, 28)));
        check_date("民國115/11/28", Some((2026, 11, 28)));
        check_date("１１５年１１月２８日", Some((2026, 11, 28)));
        check_date("99/12/31", Some((2010, 12, 31)));
        check_date("民國99年12月31日", Some((2010, 12, 31)));
        check_date("113/2/29", Some((2024, 2, 29)));
        // Not dates, or ambiguous.
        check_date("115/2/29", None);
        check_date("2026-02-30", None);
        check_date("2026-13-01", None);
        check_date("28/11/2026", None);
        check_date("11/28/2026", None);
        check_date("2026-11", None);
        check_date("2026-11-28-1", None);
        check_date("2026/11-28", None);
        check_date("2026-011-28", None);
        check_date("20261128", None);
        check_date("2026-11-28T09:15", None);
        check_date("西元115年11月28日", None);
        check_date("民國0年1月1日", None);
        check_date("0/1/1", None);
        check_date("民國年11月28日", None);
        check_date("2026年11月", None);
        check_date("-2026-11-28", None);
        check_date("+2026-11-28", None);
        check_date("", None);
        check_date("年月日", None);
    }

    #[test]
    fn date_rules() {
        // ROC dates are read too.
        check(
            |i| {
                i.report_date = "民國115年11月28日".into();
                i.discovered_on = "115/11/27".into();
            },
            &[],
        );
        let mut i = seed_input();
        i.report_date = "民國115年11月28日".into();
        i.discovered_on = "115/11/28".into();
        let v = i.validate(now()).expect("valid");
        assert_eq!(
            (v.report_date, v.discovered_on),
            (date(2026, 11, 28), date(2026, 11, 28))
        );
        check(
            |i| i.report_date = "28/11/2026".into(),
            &[("report_date", "error-date")],
        );
        check(
            |i| i.discovered_on = "yesterday".into(),
            &[("discovered_on", "error-date")],
        );
        check(
            |i| i.report_date = "1979-12-31".into(),
            &[("report_date", "error-date")],
        );
        check(
            |i| i.discovered_on = "68/12/31".into(),
            &[("discovered_on", "error-date")],
        );
        check(
            |i| i.report_date = "1".repeat(41),
            &[("report_date", "error-too-long")],
        );
        // The discovery cannot follow the report.
        check(
            |i| i.discovered_on = "2019-04-12".into(),
            &[("discovered_on", "error-discovered-after-report")],
        );
        // At 10:00 in Taipei it is 16:00 at UTC+14: today is the latest date anywhere.
        check(
            |i| {
                i.report_date = "2026-11-28".into();
                i.discovered_on = "2026-11-28".into();
            },
            &[],
        );
        check(
            |i| i.report_date = "2026-11-29".into(),
            &[("report_date", "error-future")],
        );
        check(
            |i| {
                i.report_date = "2026-12-01".into();
                i.discovered_on = "2026-12-01".into();
            },
            &[
                ("discovered_on", "error-future"),
                ("report_date", "error-future"),
            ],
        );
        // At 20:00 in Taipei (12:00 UTC) 11-29 has begun at UTC+14 (02:00): a reporter
        // there may write it.
        let mut i = seed_input();
        i.report_date = "2026-11-29".into();
        let evening = Timestamp::parse_rfc3339("2026-11-28T12:00:00Z").expect("valid");
        assert_eq!(
            i.validate(evening).map(|v| v.report_date).ok(),
            Some(date(2026, 11, 29))
        );
        let before = Timestamp::parse_rfc3339("2026-11-28T09:59:59Z").expect("valid");
        assert!(i.validate(before).is_err());
    }

    #[test]
    fn product_urls() {
        for (input, want) in [
            ("https://www.techoh.tw/", Ok("https://www.techoh.tw/")),
            (
                " http://techoh.tw/ipcam?x=1 ",
                Ok("http://techoh.tw/ipcam?x=1"),
            ),
            ("www.techoh.tw", Ok("https://www.techoh.tw")),
            (
                "techoh.tw/products/ipcam",
                Ok("https://techoh.tw/products/ipcam"),
            ),
            ("techoh.tw:8443/x", Ok("https://techoh.tw:8443/x")),
            ("https://203.0.113.7/", Ok("https://203.0.113.7/")),
            ("https://[2001:db8::1]/", Ok("https://[2001:db8::1]/")),
            ("https://例子.台灣/", Ok("https://例子.台灣/")),
            ("HTTPS://WWW.TECHOH.TW/", Ok("HTTPS://WWW.TECHOH.TW/")),
            ("", Err("error-required")),
            ("ftp://techoh.tw/", Err("error-url-scheme")),
            ("mailto:a@techoh.tw", Err("error-url-scheme")),
            ("javascript:alert(1)", Err("error-url-scheme")),
            ("https://techoh/", Err("error-url-host")),
            ("localhost:8080", Err("error-url-host")),
            ("https://", Err("error-url-invalid")),
            ("https://techoh .tw/", Err("error-url-invalid")),
            ("https://tech\u{0}oh.tw/", Err("error-url-invalid")),
            ("https://techoh.tw:99999/", Err("error-url-invalid")),
            ("N/A", Err("error-url-host")),
        ] {
            let got = product_url(input);
            assert_eq!(got.as_deref().map_err(|e| e.code), want, "{input:?}");
        }
        assert_eq!(
            product_url("ftp://techoh.tw/").map_err(|e| e.args),
            Err(vec![("scheme", "ftp".to_string())])
        );
        check(|i| i.product_url = "www.techoh.tw".into(), &[]);
        check(
            |i| i.product_url = "techoh".into(),
            &[("product_url", "error-url-host")],
        );
        let long = format!("https://techoh.tw/{}", "a".repeat(limits::PRODUCT_URL));
        check(
            |i| i.product_url = long,
            &[("product_url", "error-too-long")],
        );
    }

    #[test]
    fn other_field_rules() {
        check(
            |i| i.reporter_email = "domokun".into(),
            &[("reporter_email", "error-email")],
        );
        check(
            |i| i.product = "x".repeat(limits::PRODUCT + 1),
            &[("product", "error-too-long")],
        );
        check(|i| i.product = "漏".repeat(limits::PRODUCT), &[]);
        check(
            |i| i.cvss_vector = format!("CVSS:3.1/{}", "A".repeat(200)),
            &[("cvss_vector", "error-too-long")],
        );
        // Not scored here: any non-empty vector passes.
        check(|i| i.cvss_vector = "CVSS:9.9/XX:Y".into(), &[]);
        check(
            |i| i.cvss_claimed_score = "7.5".repeat(10),
            &[("cvss_claimed_score", "error-too-long")],
        );
        check(
            |i| i.reporter_organization = "o".repeat(limits::REPORTER_ORGANIZATION + 1),
            &[("reporter_organization", "error-too-long")],
        );
        check(
            |i| i.trigger_method = "a\u{1b}[31m".into(),
            &[("trigger_method", "error-control-chars")],
        );
        check(
            |i| i.trigger_method = "x".repeat(limits::TRIGGER_METHOD + 1),
            &[("trigger_method", "error-too-long")],
        );
        check(
            |i| i.description = "a\u{7}".into(),
            &[("description", "error-control-chars")],
        );
    }

    #[test]
    fn deserializes_from_json() {
        let parse = |s: &str| serde_json::from_str::<VulnInput>(s);
        let i = parse(r#"{"product": "IP CAM", "public_credit": true, "cvss_version": "3.1"}"#)
            .expect("parses");
        assert_eq!(i.product, "IP CAM");
        assert_eq!(i.public_credit, "true");
        assert_eq!(i.cvss_named_version, "3.1");
        assert_eq!(i.report_date, "");
        for (value, want) in [("false", "false"), ("\"是\"", "是"), ("null", "")] {
            let got = parse(&format!(r#"{{"public_credit": {value}}}"#)).map(|i| i.public_credit);
            assert_eq!(got.ok().as_deref(), Some(want), "{value}");
        }
        assert!(parse(r#"{"public_credit": 2}"#).is_err());
        let back = serde_json::to_string(&seed_input()).expect("serializes");
        assert_eq!(parse(&back).ok(), Some(seed_input()));
    }

    /// The allowed pairs written out again, independently of `CNA_TRANSITIONS`.
    const EXPECTED: &[(&str, &str)] = &[
        ("received", "under_review"),
        ("under_review", "accepted"),
        ("under_review", "rejected"),
        ("under_review", "duplicate"),
        ("under_review", "out_of_scope"),
        ("accepted", "vendor_notified"),
        ("accepted", "rejected"),
        ("vendor_notified", "rejected"),
        ("fix_pending", "rejected"),
        ("ready_to_publish", "rejected"),
        ("vendor_notified", "fix_pending"),
        ("vendor_notified", "ready_to_publish"),
        ("fix_pending", "ready_to_publish"),
        ("ready_to_publish", "published"),
    ];

    #[test]
    fn full_transition_matrix() {
        assert_eq!(CnaState::ALL.len(), 10);
        let mut allowed = 0;
        for &from in CnaState::ALL {
            for &to in CnaState::ALL {
                let listed = EXPECTED.contains(&(from.as_str(), to.as_str()));
                let got = check_cna_transition(from, to);
                if listed {
                    allowed += 1;
                    assert_eq!(got, Ok(()), "{from} → {to}");
                } else {
                    assert_eq!(
                        got,
                        Err(CnaTransitionError::Illegal { from, to }),
                        "{from} → {to}"
                    );
                }
                assert_eq!(from.can_go_to(to), listed, "{from} → {to}");
            }
        }
        assert_eq!(allowed, CNA_TRANSITIONS.len());
        assert_eq!(allowed, EXPECTED.len());
    }

    #[test]
    fn state_properties() {
        use CnaState::*;
        assert_eq!(CnaState::INITIAL, Received);
        for &s in CnaState::ALL {
            assert_eq!(s.is_public(), s == Published, "{s}");
            assert!(s.allowed_next().iter().all(|t| s.can_go_to(*t)), "{s}");
            assert!(!s.label(Locale::ZhTw).is_empty() && !s.label(Locale::En).is_empty());
        }
        let terminal: Vec<CnaState> = CnaState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(terminal, [Rejected, Duplicate, OutOfScope, Published]);
        let assignable: Vec<CnaState> = CnaState::ALL
            .iter()
            .copied()
            .filter(|s| s.may_assign_cve())
            .collect();
        assert_eq!(
            assignable,
            [Accepted, VendorNotified, FixPending, ReadyToPublish]
        );
        assert_eq!(
            UnderReview.allowed_next(),
            [Accepted, Rejected, Duplicate, OutOfScope]
        );
        assert_eq!(
            VendorNotified.allowed_next(),
            [FixPending, ReadyToPublish, Rejected]
        );
        // Every state that may hold a CVE id may be rejected (and its id with it).
        for s in assignable {
            assert!(s.can_go_to(Rejected), "{s}");
        }
        // Every state is reachable from the initial one.
        let mut reached = vec![CnaState::INITIAL];
        let mut i = 0;
        while let Some(&s) = reached.get(i) {
            for t in s.allowed_next() {
                if !reached.contains(&t) {
                    reached.push(t);
                }
            }
            i += 1;
        }
        assert_eq!(reached.len(), CnaState::ALL.len());
    }

    #[test]
    fn names_round_trip() {
        let names = |all: &[CnaState]| all.iter().map(|s| s.as_str()).collect::<Vec<_>>();
        assert_eq!(
            names(CnaState::ALL),
            [
                "received",
                "under_review",
                "accepted",
                "rejected",
                "duplicate",
                "out_of_scope",
                "vendor_notified",
                "fix_pending",
                "ready_to_publish",
                "published",
            ]
        );
        for &s in CnaState::ALL {
            assert_eq!(s.as_str().parse::<CnaState>(), Ok(s));
            let json = format!("\"{s}\"");
            assert_eq!(serde_json::to_string(&s).ok(), Some(json.clone()));
            assert_eq!(serde_json::from_str::<CnaState>(&json).ok(), Some(s));
        }
        let statuses: Vec<&str> = VendorStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(statuses, ["affected", "not_affected", "unknown"]);
        for &s in VendorStatus::ALL {
            assert_eq!(s.as_str().parse::<VendorStatus>(), Ok(s));
            assert!(!s.label(Locale::ZhTw).is_empty() && !s.label(Locale::En).is_empty());
        }
        let sources: Vec<&str> = VulnSource::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(sources, ["self", "other"]);
        assert!("Published".parse::<CnaState>().is_err());
        assert!("fixed".parse::<VendorStatus>().is_err());
    }

    fn taiwan() -> WorkCalendar {
        WorkCalendar::from_config(&CalendarConfig::default()).expect("default calendar")
    }

    #[test]
    fn target_dates() {
        let cal = taiwan();
        for (report, days, want, why) in [
            // 2026-11-28 is a Saturday: the next Monday.
            (date(2026, 8, 30), 90, date(2026, 11, 30), "Saturday"),
            // 2026-11-29 is a Sunday.
            (date(2026, 8, 31), 90, date(2026, 11, 30), "Sunday"),
            // A plain Wednesday stays.
            (date(2026, 9, 3), 90, date(2026, 12, 2), "working day"),
            // National Day 10-10 is a Saturday in 2026, observed on Friday 10-09: from the
            // Friday over the weekend to Monday 10-12.
            (
                date(2026, 7, 11),
                90,
                date(2026, 10, 12),
                "National Day observed",
            ),
            (
                date(2026, 7, 12),
                90,
                date(2026, 10, 12),
                "National Day itself",
            ),
            // Lunar New Year 2026: Saturday 02-14 to Sunday 02-22 off; back on Monday 02-23.
            (date(2025, 11, 16), 90, date(2026, 2, 23), "Lunar New Year"),
            (
                date(2025, 11, 18),
                90,
                date(2026, 2, 23),
                "Lunar New Year's Eve",
            ),
            // Christmas (行憲紀念日) 2026-12-25 is a Friday holiday.
            (
                date(2026, 9, 26),
                90,
                date(2026, 12, 28),
                "Constitution Day",
            ),
            // Days other than 90, and the edges.
            (date(2026, 11, 27), 0, date(2026, 11, 27), "no delay"),
            (
                date(2026, 11, 28),
                0,
                date(2026, 11, 30),
                "no delay, on a Saturday",
            ),
            (date(2026, 11, 27), -5, date(2026, 11, 27), "negative"),
            (date(2026, 10, 5), 4, date(2026, 10, 12), "short delay"),
            (date(2026, 1, 1), i64::MAX, Date::MAX, "overflow"),
            (Date::MAX, 1, Date::MAX, "the last day"),
        ] {
            assert_eq!(target_publication_date(report, days, &cal), want, "{why}");
        }
        assert_eq!(
            target_publication_date(date(2026, 7, 11), DEFAULT_PUBLICATION_DAYS, &cal),
            date(2026, 10, 12)
        );
    }

    #[test]
    fn target_dates_follow_the_calendar_given() {
        // Without the built-in holidays, the observed National Day is an ordinary Friday.
        let cfg = CalendarConfig {
            builtin_holidays: false,
            ..CalendarConfig::default()
        };
        let plain = WorkCalendar::from_config(&cfg).expect("calendar");
        assert_eq!(
            target_publication_date(date(2026, 7, 11), 90, &plain),
            date(2026, 10, 9)
        );
        // A make-up working Saturday counts as a working day.
        let cfg = CalendarConfig {
            extra_workdays: vec!["2026-11-28".into()],
            ..CalendarConfig::default()
        };
        let makeup = WorkCalendar::from_config(&cfg).expect("calendar");
        assert_eq!(
            target_publication_date(date(2026, 8, 30), 90, &makeup),
            date(2026, 11, 28)
        );
    }

    proptest::proptest! {
        #[test]
        fn targets_are_working_days_not_before_the_report(
            day in 0i32..3650,
            days in -10i64..400,
        ) {
            let cal = taiwan();
            let report = date(2020, 1, 1)
                .checked_add(jiff::Span::new().days(day))
                .expect("in range");
            let t = target_publication_date(report, days, &cal);
            proptest::prop_assert!(cal.is_working_day(t));
            let earliest = report
                .checked_add(jiff::Span::new().days(days.max(0)))
                .expect("in range");
            proptest::prop_assert!(t >= earliest);
            // Every day between the nominal date and the target is a day off.
            let mut d = earliest;
            while d < t {
                proptest::prop_assert!(!cal.is_working_day(d));
                d = d.tomorrow().expect("in range");
            }
        }
    }

    #[test]
    fn reminders() {
        let target = date(2026, 10, 12);
        assert_eq!(
            reminder_dates(target, DEFAULT_REMINDER_DAYS),
            [
                date(2026, 9, 12),
                date(2026, 9, 28),
                date(2026, 10, 5),
                date(2026, 10, 11)
            ]
        );
        assert_eq!(
            reminder_dates(target, &[1, 7, 1, 0, -3]),
            [date(2026, 10, 5), date(2026, 10, 11), date(2026, 10, 12)]
        );
        assert_eq!(reminder_dates(target, &[]), Vec::<Date>::new());
        assert_eq!(
            reminder_dates(date(-9999, 1, 2), &[1, 2, i64::MAX]),
            [date(-9999, 1, 1)]
        );
    }

    #[test]
    fn vuln_sla_by_state() {
        let p = VulnSlaPolicy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.minutes(CnaState::Received), Some(3 * 540));
        assert_eq!(p.minutes(CnaState::Accepted), Some(7 * 540));
        // Off, and terminal states: no timer.
        assert_eq!(p.minutes(CnaState::FixPending), None);
        for s in CnaState::ALL.iter().filter(|s| s.is_terminal()) {
            assert_eq!(p.minutes(*s), None, "{s}");
        }
        let cal = crate::sla::WorkCalendar::from_config(&crate::CalendarConfig::default())
            .expect("default calendar");
        let ts = |s: &str| Timestamp::parse_rfc3339(s).expect("time");
        // Received on Tuesday 10:00: three working days end Friday 10:00.
        let since = ts("2026-11-24T10:00:00+08:00");
        let before = p
            .status(
                &cal,
                CnaState::Received,
                since,
                ts("2026-11-27T09:59:00+08:00"),
            )
            .expect("timed");
        assert!(!before.breached);
        assert_eq!(before.due, ts("2026-11-27T10:00:00+08:00"));
        let after = p
            .status(
                &cal,
                CnaState::Received,
                since,
                ts("2026-11-27T10:01:00+08:00"),
            )
            .expect("timed");
        assert!(after.breached);
        assert_eq!(p.status(&cal, CnaState::Published, since, since), None);
        let bad = VulnSlaPolicy {
            accepted_minutes: -1,
            ..VulnSlaPolicy::default()
        };
        assert_eq!(
            bad.validate().map_err(|e| e.setting),
            Err("accepted_minutes".to_string())
        );
    }

    #[test]
    fn duplicate_links() {
        assert_eq!(check_duplicate_of(&1, &2, &[]), Ok(()));
        assert_eq!(check_duplicate_of(&1, &2, &[3, 4]), Ok(()));
        assert_eq!(
            check_duplicate_of(&1, &1, &[]),
            Err(DuplicateOfError::Itself)
        );
        // 2 is already a duplicate of 3, which is a duplicate of 1.
        assert_eq!(
            check_duplicate_of(&1, &2, &[3, 1]),
            Err(DuplicateOfError::Cycle)
        );
    }
}

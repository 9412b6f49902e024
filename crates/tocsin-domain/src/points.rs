//! The reward scheme (回饋獎勵機制): points earned (累積點數) for verified reports and
//! accepted intelligence, redeemed (兌換點數) for assistance business (協處商機), event
//! slots (參展/演講/活動) and the vulnerability reward programme (漏洞獎勵計畫).
//!
//! This module holds the rules only: which workflow events earn how many points
//! ([`PointsRules`], configured by event and severity), the kinds of ledger entry, the
//! idempotency key that makes an award happen once per (rule, record), the CVSS severity
//! bands, and the validation of catalog items. Storage keeps the ledger and guarantees
//! that no balance and no stock goes below zero.

use serde::{Deserialize, Serialize};

use crate::names::names;
use crate::validate::{self, FieldError, FieldErrors};

names! {
    /// A workflow event that may earn points. Rejected, duplicate and spam reports earn
    /// nothing: there is no event for them, only the reversal of an earlier award.
    EarnEvent, UnknownEarnEvent, "earning event" {
        /// An incident report the desk verified (triaged as a real report), not merely
        /// submitted.
        IncidentVerified => "incident_verified",
        /// A vulnerability report the CNA accepted.
        VulnerabilityAccepted => "vulnerability_accepted",
        /// A CVE record published for the report, by CVSS severity.
        CvePublished => "cve_published",
        /// A reported phishing URL the desk verified.
        PhishingVerified => "phishing_verified",
        /// An intelligence record the desk accepted.
        IntelAccepted => "intel_accepted",
        /// An FBI feedback record the desk accepted.
        FbiFeedbackAccepted => "fbi_feedback_accepted",
        /// A report rejected as spam: a penalty, when configured.
        SpamPenalty => "spam_penalty",
    }
}

names! {
    /// What a ledger entry records.
    EntryKind, UnknownEntryKind, "ledger entry kind" {
        /// Points earned by a workflow event.
        Award => "award",
        /// The compensating entry of an award whose record was reclassified as duplicate
        /// or spam.
        Reversal => "reversal",
        /// Points taken for spam.
        Penalty => "penalty",
        /// Points spent on an approved redemption.
        Redemption => "redemption",
        /// An administrator's correction, with a reason.
        Adjustment => "adjustment",
    }
}

names! {
    /// The three kinds of reward the seed names.
    ItemKind, UnknownItemKind, "catalog item kind" {
        /// Assistance business (協處商機): referrals to companies that asked for support.
        Assistance => "assistance",
        /// Exhibition, speaking and event slots (參展/演講/活動).
        EventSlot => "event_slot",
        /// The vulnerability reward programme (漏洞獎勵計畫).
        VulnReward => "vuln_reward",
    }
}

names! {
    /// Where a redemption stands: requested with the points held, then approved (points
    /// spent, stock taken) or rejected (hold released).
    RedemptionState, UnknownRedemptionState, "redemption state" {
        /// Requested; the cost is held against the balance and one unit of stock.
        Held => "held",
        /// Approved by an administrator: the points are spent.
        Approved => "approved",
        /// Refused by an administrator: the hold is released.
        Rejected => "rejected",
    }
}

names! {
    /// CVSS qualitative severity (FIRST's bands), for the CVE-published rule.
    CvssSeverity, UnknownCvssSeverity, "CVSS severity" {
        /// 0.0.
        None => "none",
        /// 0.1–3.9.
        Low => "low",
        /// 4.0–6.9.
        Medium => "medium",
        /// 7.0–8.9.
        High => "high",
        /// 9.0–10.0.
        Critical => "critical",
    }
}

impl CvssSeverity {
    /// The band of a base score given in tenths (75 is 7.5); FIRST's table, the same for
    /// CVSS 3.x and 4.0.
    pub fn from_tenths(score: u8) -> CvssSeverity {
        match score {
            0 => CvssSeverity::None,
            1..=39 => CvssSeverity::Low,
            40..=69 => CvssSeverity::Medium,
            70..=89 => CvssSeverity::High,
            _ => CvssSeverity::Critical,
        }
    }
}

/// Points per CVSS severity of a published CVE.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeverityPoints {
    /// Severity none (score 0.0).
    pub none: i64,
    /// Low.
    pub low: i64,
    /// Medium.
    pub medium: i64,
    /// High.
    pub high: i64,
    /// Critical.
    pub critical: i64,
}

impl Default for SeverityPoints {
    fn default() -> Self {
        SeverityPoints {
            none: 0,
            low: 10,
            medium: 20,
            high: 40,
            critical: 60,
        }
    }
}

/// The earning rules, from the `[points]` section of the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PointsRules {
    /// An incident report verified.
    pub incident_verified: i64,
    /// A vulnerability report accepted.
    pub vulnerability_accepted: i64,
    /// A CVE published, by CVSS severity.
    pub cve_published: SeverityPoints,
    /// A phishing URL verified.
    pub phishing_verified: i64,
    /// An intel record accepted.
    pub intel_accepted: i64,
    /// An FBI feedback record accepted.
    pub fbi_feedback_accepted: i64,
    /// Taken when a report is rejected as spam (0: no penalty).
    pub spam_penalty: i64,
}

impl Default for PointsRules {
    fn default() -> Self {
        PointsRules {
            incident_verified: 10,
            vulnerability_accepted: 20,
            cve_published: SeverityPoints::default(),
            phishing_verified: 5,
            intel_accepted: 10,
            fbi_feedback_accepted: 5,
            spam_penalty: 5,
        }
    }
}

/// A rule in the configuration that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("points.{rule}: must be between 0 and {max}")]
pub struct BadRule {
    /// The setting.
    pub rule: &'static str,
    /// The largest value allowed.
    pub max: i64,
}

/// The most one event may earn or cost: large enough for any scheme, small enough that
/// sums of many entries never overflow.
pub const MAX_RULE_POINTS: i64 = 1_000_000;

impl PointsRules {
    /// Points for `event` (with the CVSS severity for [`EarnEvent::CvePublished`]); the
    /// penalty is returned as a positive number. Zero means the rule is off.
    pub fn points(&self, event: EarnEvent, severity: Option<CvssSeverity>) -> i64 {
        match event {
            EarnEvent::IncidentVerified => self.incident_verified,
            EarnEvent::VulnerabilityAccepted => self.vulnerability_accepted,
            EarnEvent::CvePublished => {
                let s = &self.cve_published;
                match severity.unwrap_or(CvssSeverity::None) {
                    CvssSeverity::None => s.none,
                    CvssSeverity::Low => s.low,
                    CvssSeverity::Medium => s.medium,
                    CvssSeverity::High => s.high,
                    CvssSeverity::Critical => s.critical,
                }
            }
            EarnEvent::PhishingVerified => self.phishing_verified,
            EarnEvent::IntelAccepted => self.intel_accepted,
            EarnEvent::FbiFeedbackAccepted => self.fbi_feedback_accepted,
            EarnEvent::SpamPenalty => self.spam_penalty,
        }
    }

    /// Checks every rule is within 0..=[`MAX_RULE_POINTS`] (a negative award would be a
    /// penalty in disguise; penalties have their own rule).
    pub fn check(&self) -> Result<(), BadRule> {
        let s = &self.cve_published;
        let all = [
            ("incident_verified", self.incident_verified),
            ("vulnerability_accepted", self.vulnerability_accepted),
            ("cve_published.none", s.none),
            ("cve_published.low", s.low),
            ("cve_published.medium", s.medium),
            ("cve_published.high", s.high),
            ("cve_published.critical", s.critical),
            ("phishing_verified", self.phishing_verified),
            ("intel_accepted", self.intel_accepted),
            ("fbi_feedback_accepted", self.fbi_feedback_accepted),
            ("spam_penalty", self.spam_penalty),
        ];
        for (rule, v) in all {
            if !(0..=MAX_RULE_POINTS).contains(&v) {
                return Err(BadRule {
                    rule,
                    max: MAX_RULE_POINTS,
                });
            }
        }
        Ok(())
    }
}

/// The idempotency key of an entry caused by `event` on a record: the same (rule, record)
/// always gives the same key, so storage's unique index lets a retried or raced
/// transition insert it once. `kind` separates an award from its reversal.
pub fn idempotency_key(
    kind: EntryKind,
    event: EarnEvent,
    source_kind: &str,
    source_id: &str,
) -> String {
    format!(
        "{}:{}:{}:{}",
        kind.as_str(),
        event.as_str(),
        source_kind,
        source_id
    )
}

/// A catalog item as typed in the admin form or sent to the API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    /// assistance, event_slot or vuln_reward.
    pub kind: String,
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English (optional).
    pub name_en: String,
    /// What it gives.
    pub description: String,
    /// Points per redemption.
    pub cost: String,
    /// Units available.
    pub stock: String,
    /// First day it may be requested, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last day it may be requested, `YYYY-MM-DD`.
    pub valid_until: String,
}

/// A checked catalog item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidItem {
    /// Its kind.
    pub kind: ItemKind,
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Description.
    pub description: String,
    /// Cost in points, at least 1.
    pub cost: i64,
    /// Stock, at least 0.
    pub stock: i64,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD`, not before `valid_from`.
    pub valid_until: String,
}

/// The most a catalog item may cost or hold in stock.
pub const MAX_ITEM_NUMBER: i64 = 1_000_000_000;

fn number(s: &str, min: i64, field: &'static str, e: &mut FieldErrors) -> i64 {
    match s.trim().parse::<i64>() {
        Ok(n) if (min..=MAX_ITEM_NUMBER).contains(&n) => n,
        Ok(_) | Err(_) if s.trim().is_empty() => {
            e.add(field, FieldError::new("error-required"));
            0
        }
        _ => {
            e.add(
                field,
                FieldError::new("error-points-number")
                    .arg("min", min)
                    .arg("max", MAX_ITEM_NUMBER),
            );
            0
        }
    }
}

fn date(s: &str, field: &'static str, e: &mut FieldErrors) -> Option<time::Date> {
    let s = s.trim();
    if s.is_empty() {
        e.add(field, FieldError::new("error-required"));
        return None;
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(s, fmt) {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(field, FieldError::new("error-date"));
            None
        }
    }
}

impl ItemInput {
    /// Validates, naming each bad field.
    pub fn validate(&self) -> Result<ValidItem, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = self.kind.parse::<ItemKind>();
        if kind.is_err() {
            e.add("kind", FieldError::new("error-choice"));
        }
        e.check("name_zh", validate::required_line(&self.name_zh, 200));
        e.check("name_en", validate::optional_line(&self.name_en, 200));
        e.check(
            "description",
            validate::optional_text(&self.description, 5_000),
        );
        let cost = number(&self.cost, 1, "cost", &mut e);
        let stock = number(&self.stock, 0, "stock", &mut e);
        let from = date(&self.valid_from, "valid_from", &mut e);
        let until = date(&self.valid_until, "valid_until", &mut e);
        if let (Some(f), Some(u)) = (from, until)
            && u < f
        {
            e.add("valid_until", FieldError::new("error-points-window"));
        }
        e.into_result()?;
        Ok(ValidItem {
            kind: kind.unwrap_or(ItemKind::EventSlot),
            name_zh: self.name_zh.trim().to_string(),
            name_en: self.name_en.trim().to_string(),
            description: self.description.trim().to_string(),
            cost,
            stock,
            // Stored in the one ISO form, so windows compare as strings.
            valid_from: from.map(|d| d.to_string()).unwrap_or_default(),
            valid_until: until.map(|d| d.to_string()).unwrap_or_default(),
        })
    }
}

/// Whether an item may be requested on `today` (`YYYY-MM-DD`): inside its validity window,
/// both days included. ISO dates compare as strings.
pub fn in_window(valid_from: &str, valid_until: &str, today: &str) -> bool {
    valid_from <= today && today <= valid_until
}

/// The amount a negative entry (penalty, reversal) may take from an account without
/// overdrawing it: the ledger never goes below what is held for pending redemptions.
pub fn clamp_debit(wanted: i64, balance: i64, held: i64) -> i64 {
    wanted.min((balance - held).max(0)).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemInput {
        ItemInput {
            kind: "event_slot".into(),
            name_zh: "年會演講時段".into(),
            name_en: "Annual meeting talk".into(),
            description: String::new(),
            cost: "50".into(),
            stock: "3".into(),
            valid_from: "2026-01-01".into(),
            valid_until: "2026-12-31".into(),
        }
    }

    #[test]
    fn rules_by_event_and_severity() {
        let r = PointsRules::default();
        assert_eq!(r.points(EarnEvent::IncidentVerified, None), 10);
        assert_eq!(
            r.points(EarnEvent::CvePublished, Some(CvssSeverity::Critical)),
            60
        );
        assert_eq!(
            r.points(EarnEvent::CvePublished, Some(CvssSeverity::Medium)),
            20
        );
        assert_eq!(r.points(EarnEvent::CvePublished, None), 0);
        assert_eq!(r.check(), Ok(()));
        let bad = PointsRules {
            intel_accepted: -1,
            ..PointsRules::default()
        };
        assert_eq!(bad.check().map_err(|b| b.rule), Err("intel_accepted"));
    }

    #[test]
    fn severity_bands() {
        let cases = [
            (0, CvssSeverity::None),
            (1, CvssSeverity::Low),
            (39, CvssSeverity::Low),
            (40, CvssSeverity::Medium),
            (69, CvssSeverity::Medium),
            (70, CvssSeverity::High),
            (76, CvssSeverity::High),
            (89, CvssSeverity::High),
            (90, CvssSeverity::Critical),
            (100, CvssSeverity::Critical),
        ];
        for (t, want) in cases {
            assert_eq!(CvssSeverity::from_tenths(t), want, "{t}");
        }
    }

    #[test]
    fn keys_are_per_rule_and_record() {
        let a = idempotency_key(
            EntryKind::Award,
            EarnEvent::IncidentVerified,
            "report",
            "INC-1",
        );
        assert_eq!(a, "award:incident_verified:report:INC-1");
        assert_ne!(
            a,
            idempotency_key(
                EntryKind::Reversal,
                EarnEvent::IncidentVerified,
                "report",
                "INC-1"
            )
        );
        assert_ne!(
            a,
            idempotency_key(
                EntryKind::Award,
                EarnEvent::IncidentVerified,
                "report",
                "INC-2"
            )
        );
    }

    #[test]
    fn catalog_item_validation_names_fields() {
        assert!(item().validate().is_ok());
        let bad = ItemInput {
            kind: "cash".into(),
            name_zh: " ".into(),
            cost: "0".into(),
            stock: "-1".into(),
            valid_from: "2026-12-31".into(),
            valid_until: "2026-01-01".into(),
            ..item()
        };
        let e = bad.validate().expect_err("invalid");
        for f in ["kind", "name_zh", "cost", "stock", "valid_until"] {
            assert!(e.get(f).is_some(), "{f} named");
        }
        assert_eq!(e.get("cost").map(|x| x.code), Some("error-points-number"));
        assert_eq!(
            e.get("valid_until").map(|x| x.code),
            Some("error-points-window")
        );
        let e = ItemInput {
            valid_from: "2026-02-30".into(),
            cost: "x".into(),
            ..item()
        }
        .validate()
        .expect_err("bad date");
        assert_eq!(e.get("valid_from").map(|x| x.code), Some("error-date"));
        assert_eq!(e.get("cost").map(|x| x.code), Some("error-points-number"));
    }

    #[test]
    fn windows_and_debits() {
        assert!(in_window("2026-01-01", "2026-12-31", "2026-12-31"));
        assert!(!in_window("2026-01-01", "2026-12-31", "2027-01-01"));
        assert_eq!(clamp_debit(10, 100, 0), 10);
        assert_eq!(clamp_debit(10, 15, 10), 5, "never below what is held");
        assert_eq!(clamp_debit(10, 5, 10), 0);
    }
}

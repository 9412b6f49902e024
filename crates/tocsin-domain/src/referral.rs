//! Assistance referrals (協處商機): an incident reporter who asked for support and agreed
//! to be referred is offered, without their identity, to member security firms that
//! redeemed an assistance-referral item; firms accept, the reporter chooses one, and only
//! then are contact details exchanged; the outcome and the reporter's rating close it.
//!
//! This module holds the rules: the referral's states as one table
//! ([`REFERRAL_TRANSITIONS`]), the sanitised offer the desk writes and its validation
//! ([`OfferInput`]), including the check that the offer names nobody (the words that
//! would are found by [`crate::deident`] and named in the refusal), the outcome and the
//! rating.

use crate::deident::{Forbidden, Identity, Leak};
use crate::names::names;
use crate::validate::{self, FieldError, FieldErrors};
use serde::{Deserialize, Serialize};

names! {
    /// Where a referral stands.
    ReferralState, UnknownReferralState, "referral state" {
        /// The reporter agreed to be referred; the desk has not offered it yet.
        Consented => "consented",
        /// Offered, sanitised, to eligible firms; firms may accept.
        Offered => "offered",
        /// The reporter chose one of the firms that accepted; contacts are exchanged.
        Chosen => "chosen",
        /// The outcome is recorded.
        Completed => "completed",
        /// The reporter withdrew, or the desk withdrew the offer.
        Withdrawn => "withdrawn",
    }
}

/// The legal referral transitions, and nothing else.
pub const REFERRAL_TRANSITIONS: &[(ReferralState, ReferralState)] = {
    use ReferralState::*;
    &[
        (Consented, Offered),
        (Consented, Withdrawn),
        (Offered, Chosen),
        (Offered, Withdrawn),
        // A withdrawn offer may be offered again (the firms' earlier answers are cleared).
        (Withdrawn, Offered),
        (Chosen, Completed),
    ]
};

impl ReferralState {
    /// Whether `self → to` is in [`REFERRAL_TRANSITIONS`].
    pub fn can_go_to(self, to: ReferralState) -> bool {
        REFERRAL_TRANSITIONS.contains(&(self, to))
    }
}

names! {
    /// How a firm's answer to an offer stands.
    ResponseState, UnknownResponseState, "referral response state" {
        /// The firm accepted the offer and waits for the reporter's choice.
        Accepted => "accepted",
        /// The reporter chose this firm.
        Chosen => "chosen",
        /// The reporter chose another firm; the firm's assistance redemption is free again.
        NotChosen => "not_chosen",
    }
}

names! {
    /// The company's size, in employees, as the offer states it (no name, no count).
    CompanySize, UnknownCompanySize, "company size" {
        /// Fewer than 10.
        Micro => "micro",
        /// 10–49.
        Small => "small",
        /// 50–249.
        Medium => "medium",
        /// 250 or more.
        Large => "large",
    }
}

names! {
    /// The region of Taiwan the company is in, as broad as the offer needs.
    Region, UnknownRegion, "region" {
        /// 北部.
        North => "north",
        /// 中部.
        Central => "central",
        /// 南部.
        South => "south",
        /// 東部.
        East => "east",
        /// 離島.
        Islands => "islands",
        /// Outside Taiwan.
        Abroad => "abroad",
    }
}

names! {
    /// What came of a chosen referral.
    Outcome, UnknownOutcome, "referral outcome" {
        /// The firm was engaged and helped.
        Engaged => "engaged",
        /// The parties did not come to terms.
        NotEngaged => "not_engaged",
    }
}

/// Limits of the offer, in characters.
pub mod limits {
    /// The sector.
    pub const SECTOR: usize = 100;
    /// The incident type.
    pub const INCIDENT_TYPE: usize = 100;
    /// The summary of the support needed.
    pub const SUMMARY: usize = 2_000;
    /// The rating's comment.
    pub const COMMENT: usize = 2_000;
}

/// The sanitised offer as the desk writes it: every field a string, as a form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferInput {
    /// The company's sector (e.g. 製造業).
    pub sector: String,
    /// The incident type, in words (e.g. 勒索軟體).
    pub incident_type: String,
    /// A [`CompanySize`].
    pub company_size: String,
    /// A [`Region`].
    pub region: String,
    /// What support is needed, without any name, address or contact.
    pub summary: String,
}

/// A checked offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOffer {
    /// Sector.
    pub sector: String,
    /// Incident type.
    pub incident_type: String,
    /// Size.
    pub company_size: CompanySize,
    /// Region.
    pub region: Region,
    /// Support needed.
    pub summary: String,
}

/// At most this many words are named in one refusal; more are shown as "…".
pub const WORDS_SHOWN: usize = 5;

/// The refusal of an offer's `field` whose text identifies the reporter, naming what does
/// (`error-referral-identity`): `part` is the field, `words` the words found (joined by
/// ", "), `source` what they identify the reporter by (a [`crate::deident::IdentityKind`] name, or
/// `several`).
pub fn identity_error(field: &'static str, leaks: &[Leak]) -> FieldError {
    let mut words = leaks
        .iter()
        .take(WORDS_SHOWN)
        .map(|l| l.word.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if leaks.len() > WORDS_SHOWN {
        words.push_str(", …");
    }
    let source = match leaks.first() {
        Some(first) if leaks.iter().all(|l| l.kind == first.kind) => first.kind.as_str(),
        _ => "several",
    };
    FieldError::new("error-referral-identity")
        .arg("part", field)
        .arg("words", words)
        .arg("source", source)
}

impl OfferInput {
    /// Checks every field; `who` is what identifies the reporter (name, organization,
    /// mail, phone): a field with a word that identifies them is refused by
    /// [`identity_error`], naming the words.
    pub fn validate(&self, who: &[Identity<'_>]) -> Result<ValidOffer, FieldErrors> {
        let forbidden = Forbidden::of(who);
        let mut e = FieldErrors::new();
        e.check(
            "sector",
            validate::required_line(&self.sector, limits::SECTOR),
        );
        e.check(
            "incident_type",
            validate::required_line(&self.incident_type, limits::INCIDENT_TYPE),
        );
        e.check(
            "summary",
            validate::required_text(&self.summary, limits::SUMMARY),
        );
        let size = choice::<CompanySize>(&self.company_size, "company_size", &mut e);
        let region = choice::<Region>(&self.region, "region", &mut e);
        for (field, text) in [
            ("sector", &self.sector),
            ("incident_type", &self.incident_type),
            ("summary", &self.summary),
        ] {
            if e.get(field).is_some() {
                continue;
            }
            let leaks = forbidden.find(text);
            if !leaks.is_empty() {
                e.add(field, identity_error(field, &leaks));
            }
        }
        e.into_result()?;
        match (size, region) {
            (Some(company_size), Some(region)) => Ok(ValidOffer {
                sector: self.sector.trim().to_string(),
                incident_type: self.incident_type.trim().to_string(),
                company_size,
                region,
                summary: self.summary.trim().to_string(),
            }),
            // Unreachable: a missing choice added its error above.
            _ => {
                let mut e = FieldErrors::new();
                e.add("company_size", FieldError::new("error-choice"));
                Err(e)
            }
        }
    }
}

fn choice<T: std::str::FromStr>(s: &str, field: &'static str, e: &mut FieldErrors) -> Option<T> {
    match s.trim() {
        "" => {
            e.add(field, FieldError::new("error-required"));
            None
        }
        v => v.parse().ok().or_else(|| {
            e.add(field, FieldError::new("error-choice"));
            None
        }),
    }
}

/// The reporter's rating of the chosen firm: 1 to 5 stars and an optional comment.
pub fn validate_rating(stars: &str, comment: &str) -> Result<(u8, String), FieldErrors> {
    let mut e = FieldErrors::new();
    let n = match stars.trim().parse::<u8>() {
        Ok(n @ 1..=5) => n,
        _ => {
            e.add("rating", FieldError::new("error-choice"));
            0
        }
    };
    e.check("comment", validate::optional_text(comment, limits::COMMENT));
    e.into_result()?;
    Ok((n, comment.trim().to_string()))
}

/// The outcome a chosen firm or the desk records.
pub fn validate_outcome(outcome: &str) -> Result<Outcome, FieldErrors> {
    let mut e = FieldErrors::new();
    let o = choice::<Outcome>(outcome, "outcome", &mut e);
    e.into_result()?;
    o.ok_or_else(|| {
        let mut e = FieldErrors::new();
        e.add("outcome", FieldError::new("error-choice"));
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deident::IdentityKind;

    fn offer() -> OfferInput {
        OfferInput {
            sector: "製造業".into(),
            incident_type: "勒索軟體".into(),
            company_size: "small".into(),
            region: "central".into(),
            summary: "檔案伺服器遭加密，需要鑑識與復原協助。".into(),
        }
    }

    const WHO: &[Identity<'static>] = &[
        Identity {
            kind: IdentityKind::Organization,
            value: "大同精密股份有限公司",
        },
        Identity {
            kind: IdentityKind::Mail,
            value: "it@datong-precision.example.tw",
        },
        Identity {
            kind: IdentityKind::Phone,
            value: "04-2345-6789",
        },
        Identity {
            kind: IdentityKind::Name,
            value: "王小明",
        },
    ];

    #[test]
    fn a_clean_offer_passes() {
        let v = offer().validate(WHO).expect("valid");
        assert_eq!(
            (v.company_size, v.region, v.sector.as_str()),
            (CompanySize::Small, Region::Central, "製造業")
        );
    }

    #[test]
    fn each_field_is_checked_by_name() {
        type Case = (fn(&mut OfferInput), &'static str, &'static str);
        let cases: &[Case] = &[
            (|o| o.sector = " ".into(), "sector", "error-required"),
            (
                |o| o.company_size = "huge".into(),
                "company_size",
                "error-choice",
            ),
            (|o| o.region = String::new(), "region", "error-required"),
            (
                |o| o.summary = "x".repeat(2_001),
                "summary",
                "error-too-long",
            ),
            (
                |o| o.summary = "請聯絡 王小明 處理".into(),
                "summary",
                "error-referral-identity",
            ),
            (
                |o| o.summary = "mail IT@Datong-Precision.example.tw".into(),
                "summary",
                "error-referral-identity",
            ),
            (
                |o| o.summary = "see datong-precision.example.tw".into(),
                "summary",
                "error-referral-identity",
            ),
            (
                |o| o.summary = "call 04 2345 6789".into(),
                "summary",
                "error-referral-identity",
            ),
            (
                |o| o.sector = "大同精密股份有限公司".into(),
                "sector",
                "error-referral-identity",
            ),
        ];
        for (i, (break_it, field, code)) in cases.iter().enumerate() {
            let mut o = offer();
            break_it(&mut o);
            let e = o.validate(WHO).expect_err("refused");
            let got: Vec<_> = e.iter().map(|(f, err)| (f, err.code)).collect();
            assert_eq!(got, vec![(*field, *code)], "case {i}");
        }
    }

    /// The refusal says where and which words, and what they give away.
    #[test]
    fn a_refusal_names_the_words() {
        let who = [
            Identity::new(IdentityKind::Organization, "台灣精密機械股份有限公司"),
            Identity::new(IdentityKind::Mail, "soc@precision.com.tw"),
        ];
        let refused = |o: OfferInput| {
            let e = o.validate(&who).expect_err("refused");
            e.iter()
                .map(|(f, err)| (f, err.code, err.args.clone()))
                .collect::<Vec<_>>()
        };
        let args = |part: &str, words: &str, source: &str| {
            vec![
                ("part", part.to_string()),
                ("words", words.to_string()),
                ("source", source.to_string()),
            ]
        };
        let mut o = offer();
        o.summary = "台灣精密機械的檔案伺服器遭加密".into();
        assert_eq!(
            refused(o),
            vec![(
                "summary",
                "error-referral-identity",
                args("summary", "台灣精密機械", "org")
            )]
        );
        let mut o = offer();
        o.sector = "Precision 精密機械".into();
        assert_eq!(
            refused(o),
            vec![(
                "sector",
                "error-referral-identity",
                args("sector", "Precision, 精密機械", "several")
            )]
        );
        let mut o = offer();
        o.summary =
            "台灣精密 精密機械廠 灣精密機 PRECISION 台灣精密機械股份有限公司 precision.com.tw"
                .into();
        assert_eq!(
            refused(o),
            vec![(
                "summary",
                "error-referral-identity",
                args(
                    "summary",
                    "台灣精密, 精密機械, 灣精密機, PRECISION, 台灣精密機械股份有限公司, …",
                    "several"
                )
            )]
        );
        assert!(
            offer().validate(&who).is_ok(),
            "a description of the incident passes"
        );
    }

    #[test]
    fn the_state_table() {
        use ReferralState::*;
        let legal: Vec<_> = ALL_PAIRS
            .iter()
            .filter(|(a, b)| a.can_go_to(*b))
            .copied()
            .collect();
        assert_eq!(legal, REFERRAL_TRANSITIONS.to_vec());
        assert!(!Chosen.can_go_to(Offered) && !Completed.can_go_to(Chosen));
    }

    const ALL_PAIRS: &[(ReferralState, ReferralState)] = {
        use ReferralState::*;
        &[
            (Consented, Offered),
            (Consented, Withdrawn),
            (Consented, Chosen),
            (Offered, Chosen),
            (Offered, Withdrawn),
            (Offered, Completed),
            (Withdrawn, Offered),
            (Withdrawn, Chosen),
            (Chosen, Completed),
            (Chosen, Withdrawn),
            (Completed, Offered),
        ]
    };

    #[test]
    fn ratings_and_outcomes() {
        assert_eq!(validate_rating("5", " 很好 "), Ok((5, "很好".into())));
        for bad in ["0", "6", "", "x"] {
            let e = validate_rating(bad, "").expect_err(bad);
            assert_eq!(e.get("rating").map(|e| e.code), Some("error-choice"));
        }
        assert_eq!(validate_outcome("engaged"), Ok(Outcome::Engaged));
        assert!(validate_outcome("maybe").is_err());
    }
}

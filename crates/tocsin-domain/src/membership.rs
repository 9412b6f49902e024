//! Membership: organizations that sign themselves up (an application the desk vets), the
//! CERT/CSIRT alliance (台灣CERT/CSIRT聯盟) with its team profiles in the shape of RFC 2350,
//! and the rules both need: the uniform business number (統一編號) checksum, the
//! "domain verified" mark, and the alliance's state table.

use std::fmt;
use std::str::FromStr;

use crate::validate::FieldError;
use crate::{Role, Roles};

/// The roles of an approved applicant's first account: a member of the organization the
/// approval created (its reports and points are theirs, and they invite colleagues), or a
/// reporter when a researcher applied without one.
pub fn first_user_roles(with_org: bool) -> Roles {
    Roles::new([if with_org {
        Role::Member
    } else {
        Role::Reporter
    }])
}

/// The weights of the 統一編號 checksum, digit by digit.
const UBN_WEIGHTS: [u32; 8] = [1, 2, 1, 2, 1, 2, 4, 1];

/// Whether `s` is a valid uniform business number (統一編號): eight ASCII digits whose
/// weighted digit sum passes the Ministry of Finance's rule. Each digit times its weight
/// (1,2,1,2,1,2,4,1) contributes the sum of the product's digits; the total must be a
/// multiple of 5 (the rule since 2023, which every number valid under the older "multiple
/// of 10" rule also passes). When the seventh digit is 7 its product (28) may count as 1
/// or 0, so the total may also be one more than a multiple of 5.
pub fn ubn_is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .zip(UBN_WEIGHTS)
        .map(|(d, w)| digit_sum(u32::from(d - b'0') * w))
        .sum();
    // One more than a multiple of 5: (sum + 4) avoids subtracting below zero.
    sum.is_multiple_of(5) || (b[6] == b'7' && (sum + 4).is_multiple_of(5))
}

/// The digits of a product summed until one digit is left (28 → 10 → 1).
fn digit_sum(mut n: u32) -> u32 {
    while n >= 10 {
        n = n / 10 + n % 10;
    }
    n
}

/// Checks an optional 統一編號 field: empty passes (researchers and foreign bodies have
/// none), anything else must be a valid number.
pub fn check_ubn(value: &str) -> Result<(), FieldError> {
    let v = value.trim();
    if v.is_empty() || ubn_is_valid(v) {
        Ok(())
    } else {
        Err(FieldError::new("join-error-ubn"))
    }
}

/// The host of a web site as an applicant types it (`https://www.example.com.tw/about`,
/// `example.com.tw`), lower case and without a leading `www.`; `None` when there is none.
pub fn site_host(site: &str) -> Option<String> {
    // Schemes and hosts are case-insensitive; the path is not looked at.
    let lower = site.trim().to_ascii_lowercase();
    let s = lower.as_str();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let host = s.split(['/', '?', '#']).next().unwrap_or_default();
    // No credentials or ports: the host alone.
    let host = host.rsplit('@').next().unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    let host = host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host).to_string();
    let ok = host.contains('.')
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    ok.then_some(host)
}

/// Checks an optional web-site field: empty, or something with a host name.
pub fn check_site(value: &str) -> Result<(), FieldError> {
    if value.trim().is_empty() || (value.len() <= 300 && site_host(value).is_some()) {
        Ok(())
    } else {
        Err(FieldError::new("join-error-website"))
    }
}

/// Whether the applicant's mail address is at the organization's own domain: its domain
/// is the site's host or a subdomain of it (`soc@mail.example.com.tw` for
/// `www.example.com.tw`). The desk sees this as "domain verified"; it is a hint for
/// vetting, not a decision.
pub fn domain_verified(email: &str, site: &str) -> bool {
    let Some(host) = site_host(site) else {
        return false;
    };
    let Some((_, domain)) = email.trim().rsplit_once('@') else {
        return false;
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    domain == host || domain.ends_with(&format!(".{host}"))
}

/// Where an organization's application stands. A new application waits for the
/// applicant to confirm their mail; only then does the desk see it as vettable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApplicationState {
    /// Waiting for the desk (and, until confirmed, for the applicant's mail).
    Pending,
    /// Vetted: the organization and its first user exist.
    Approved,
    /// Refused, with a reason mailed to the applicant.
    Rejected,
}

impl ApplicationState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationState::Pending => "pending",
            ApplicationState::Approved => "approved",
            ApplicationState::Rejected => "rejected",
        }
    }
}

/// The stages of an organization's alliance membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AllianceState {
    /// Applied with a team profile, not yet picked up.
    Applied,
    /// The desk is reviewing it.
    UnderReview,
    /// A member: in the alliance sharing group and its directory.
    Approved,
    /// Refused (it may apply again).
    Rejected,
    /// Membership paused by the desk.
    Suspended,
    /// Left the alliance (it may apply again).
    Left,
}

/// The legal alliance transitions, and nothing else. Rejected and left organizations come
/// back through a new application (`Applied`), which [`AllianceState::may_apply`] allows.
pub const ALLIANCE_TRANSITIONS: &[(AllianceState, AllianceState)] = {
    use AllianceState::*;
    &[
        (Applied, UnderReview),
        (Applied, Rejected),
        (UnderReview, Approved),
        (UnderReview, Rejected),
        (Approved, Suspended),
        (Approved, Left),
        (Suspended, Approved),
        (Suspended, Left),
    ]
};

impl AllianceState {
    /// Every state, in the order of the table.
    pub const ALL: [AllianceState; 6] = [
        AllianceState::Applied,
        AllianceState::UnderReview,
        AllianceState::Approved,
        AllianceState::Rejected,
        AllianceState::Suspended,
        AllianceState::Left,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AllianceState::Applied => "applied",
            AllianceState::UnderReview => "under_review",
            AllianceState::Approved => "approved",
            AllianceState::Rejected => "rejected",
            AllianceState::Suspended => "suspended",
            AllianceState::Left => "left",
        }
    }

    /// Whether `self → to` is in [`ALLIANCE_TRANSITIONS`].
    pub fn can_go_to(self, to: AllianceState) -> bool {
        ALLIANCE_TRANSITIONS.contains(&(self, to))
    }

    /// Whether an organization in this state is an alliance member (in the sharing group,
    /// the directory and, unless it opted out, the public list).
    pub fn is_member(self) -> bool {
        self == AllianceState::Approved
    }

    /// Whether an organization in this state (or with none: `None`) may file a new
    /// application.
    pub fn may_apply(state: Option<AllianceState>) -> bool {
        matches!(
            state,
            None | Some(AllianceState::Rejected) | Some(AllianceState::Left)
        )
    }
}

impl fmt::Display for AllianceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown alliance or application state.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown membership state `{0}`")]
pub struct UnknownState(pub String);

impl FromStr for AllianceState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AllianceState::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownState(s.to_string()))
    }
}

impl FromStr for ApplicationState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            ApplicationState::Pending,
            ApplicationState::Approved,
            ApplicationState::Rejected,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
        .ok_or_else(|| UnknownState(s.to_string()))
    }
}

/// Checks an OpenPGP fingerprint as teams publish it: 40 hexadecimal digits (v4) or 64
/// (v5/v6), spaces allowed between groups. Empty passes (the key is optional).
pub fn check_fingerprint(value: &str) -> Result<(), FieldError> {
    let hex: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if hex.is_empty()
        || ((hex.len() == 40 || hex.len() == 64) && hex.chars().all(|c| c.is_ascii_hexdigit()))
    {
        Ok(())
    } else {
        Err(FieldError::new("alliance-error-fingerprint"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_business_numbers() {
        // Published numbers: 台灣積體電路製造 22099131, 中華電信 96979933, 04595257.
        for ok in ["22099131", "96979933", "04595257"] {
            assert!(ubn_is_valid(ok), "{ok}");
        }
        for bad in [
            "22099132",
            "12345678",
            "2209913",
            "220991311",
            "2209913a",
            "",
            "２２０９９１３１",
        ] {
            assert!(!ubn_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn seventh_digit_seven_counts_either_way() {
        // 1,4,3,8,5,3 and 28 → 1: 12345675 sums to 30 (28 as 1), 12345671 to 26 (as 0: 25).
        assert!(ubn_is_valid("12345675"));
        assert!(ubn_is_valid("12345671"));
        assert!(!ubn_is_valid("12345672"));
        // Without a 7 in seventh place, one more than a multiple of 5 is no excuse.
        assert!(!ubn_is_valid("12345661"));
    }

    #[test]
    fn business_number_field_names_its_error() {
        assert!(check_ubn("").is_ok());
        assert!(check_ubn(" 22099131 ").is_ok());
        assert_eq!(
            check_ubn("22099132").expect_err("refused").code,
            "join-error-ubn"
        );
    }

    #[test]
    fn domain_verified_by_host_or_subdomain() {
        assert!(domain_verified(
            "soc@example.com.tw",
            "https://www.example.com.tw/about"
        ));
        assert!(domain_verified("a@mail.example.com.tw", "example.com.tw"));
        assert!(!domain_verified("a@gmail.com", "example.com.tw"));
        assert!(!domain_verified("a@badexample.com.tw", "example.com.tw"));
        assert!(!domain_verified("a@example.com.tw", ""));
        assert_eq!(
            site_host("HTTP://user@WWW.Example.tw:8080/x").as_deref(),
            Some("example.tw")
        );
        assert!(site_host("not a site").is_none());
    }

    #[test]
    fn alliance_table() {
        use AllianceState::*;
        assert!(Applied.can_go_to(UnderReview));
        assert!(UnderReview.can_go_to(Approved));
        assert!(!Applied.can_go_to(Approved), "review comes first");
        assert!(!Left.can_go_to(Approved));
        assert!(AllianceState::may_apply(None));
        assert!(AllianceState::may_apply(Some(Left)));
        assert!(!AllianceState::may_apply(Some(Suspended)));
        for s in AllianceState::ALL {
            assert_eq!(s.as_str().parse::<AllianceState>(), Ok(s));
            assert_eq!(s.is_member(), s == Approved);
        }
    }

    #[test]
    fn fingerprints() {
        assert!(check_fingerprint("").is_ok());
        assert!(check_fingerprint("ABCD EF01 2345 6789 ABCD  EF01 2345 6789 ABCD EF01").is_ok());
        assert!(check_fingerprint("xyz").is_err());
    }
}

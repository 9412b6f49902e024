//! Other CSIRTs: the directory's constituencies, which team answers for an address, the
//! ticket numbers foreign teams put in their subjects, and the life of a forward.
//!
//! The matcher is pure and total: whatever an operator's directory file or a case holds,
//! it answers (property-tested never to panic). Specificity decides: a CIDR range beats
//! any name, a longer range a shorter one; a longer domain suffix beats a shorter one (a
//! ccTLD is the shortest suffix); the country of the registry's answer comes last.

use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::validate::{self, FieldError, FieldErrors};

/// What a team answers for, as the directory lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Constituency {
    /// ISO 3166-1 alpha-2 country codes, upper case.
    pub countries: Vec<String>,
    /// Country-code top-level domains, without the dot, lower case (`jp`).
    pub cctlds: Vec<String>,
    /// Domains the team answers for, with every name under them (`example.jp`).
    pub domains: Vec<String>,
    /// IP ranges as CIDR (`192.0.2.0/24`, `2001:db8::/32`).
    pub cidrs: Vec<String>,
    /// Autonomous system numbers.
    pub asns: Vec<u32>,
}

/// How a team was matched, from the most specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// An IP range holds the address; `u8` is the prefix length.
    Cidr(u8),
    /// A domain of the team's is the name or a suffix of it; `usize` is its label count.
    Domain(usize),
    /// The name ends in the team's ccTLD.
    CcTld,
    /// The registry (RDAP) names the team's country.
    Country,
}

impl MatchKind {
    /// Higher is more specific; every CIDR match outranks every name match.
    fn rank(self) -> (u8, usize) {
        match self {
            MatchKind::Cidr(p) => (4, usize::from(p)),
            MatchKind::Domain(n) => (3, n),
            MatchKind::CcTld => (2, 0),
            MatchKind::Country => (1, 0),
        }
    }

    /// A short name for lists and the API (`cidr`, `domain`, `cctld`, `country`).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Cidr(_) => "cidr",
            MatchKind::Domain(_) => "domain",
            MatchKind::CcTld => "cctld",
            MatchKind::Country => "country",
        }
    }
}

/// What a case names: an address, or a host name (from a URL or a domain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A host name, lower case, without a trailing dot.
    Name(String),
}

impl Target {
    /// Reads an IP address, a domain or a URL (its host); `None` for what is none of them.
    pub fn parse(input: &str) -> Option<Target> {
        let s = input.trim();
        if s.is_empty() {
            return None;
        }
        let host = match s.split_once("://") {
            Some((_, rest)) => {
                let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
                let authority = authority.rsplit('@').next().unwrap_or("");
                if let Some(v6) = authority.strip_prefix('[') {
                    v6.split(']').next().unwrap_or("")
                } else {
                    authority.split(':').next().unwrap_or("")
                }
            }
            None => s,
        };
        if let Ok(ip) = IpAddr::from_str(host) {
            return Some(Target::Ip(ip));
        }
        let name = host.trim_end_matches('.').to_ascii_lowercase();
        let valid = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
        valid.then_some(Target::Name(name))
    }
}

/// An IP range; `None` for text that is not one.
fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let s = s.trim();
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.trim().parse::<u8>().ok()?)),
        None => (s, None),
    };
    let addr = IpAddr::from_str(addr.trim()).ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    (len <= max).then_some((addr, len))
}

/// Whether `ip` lies in `net/len` (same family only).
fn in_range(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Whether a domain written in a directory (`.example.jp`, `*.example.jp`, `Example.JP.`)
/// covers `name`; the number of its labels when it does.
fn domain_covers(domain: &str, name: &str) -> Option<usize> {
    let d = domain
        .trim()
        .trim_start_matches("*.")
        .trim_matches('.')
        .to_ascii_lowercase();
    if d.is_empty() {
        return None;
    }
    let covers = name == d
        || name
            .strip_suffix(d.as_str())
            .is_some_and(|rest| rest.ends_with('.'));
    covers.then(|| d.split('.').count())
}

/// How `constituency` covers `target`, at its most specific; `rdap_country` is the
/// country the registry's answer names (when RDAP is on and answered).
pub fn covers(
    constituency: &Constituency,
    target: &Target,
    rdap_country: Option<&str>,
) -> Option<MatchKind> {
    let mut best: Option<MatchKind> = None;
    let mut consider = |m: MatchKind| {
        if best.is_none_or(|b| m.rank() > b.rank()) {
            best = Some(m);
        }
    };
    match target {
        Target::Ip(ip) => {
            for c in &constituency.cidrs {
                if let Some((net, len)) = parse_cidr(c)
                    && in_range(*ip, net, len)
                {
                    consider(MatchKind::Cidr(len));
                }
            }
        }
        Target::Name(name) => {
            for d in &constituency.domains {
                if let Some(n) = domain_covers(d, name) {
                    consider(MatchKind::Domain(n));
                }
            }
            let tld = name.rsplit('.').next().unwrap_or("");
            if constituency
                .cctlds
                .iter()
                .any(|t| t.trim().trim_start_matches('.').eq_ignore_ascii_case(tld))
            {
                consider(MatchKind::CcTld);
            }
        }
    }
    if let Some(country) = rdap_country.map(str::trim).filter(|c| !c.is_empty())
        && constituency
            .countries
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case(country))
    {
        consider(MatchKind::Country);
    }
    best
}

/// The team answering for `target`: the most specific match among `teams` (the first
/// listed wins a tie), with how it matched.
pub fn suggest<'a, K>(
    teams: impl IntoIterator<Item = (K, &'a Constituency)>,
    target: &Target,
    rdap_country: Option<&str>,
) -> Option<(K, MatchKind)> {
    let mut best: Option<(K, MatchKind)> = None;
    for (key, c) in teams {
        if let Some(m) = covers(c, target, rdap_country)
            && best.as_ref().is_none_or(|(_, b)| m.rank() > b.rank())
        {
            best = Some((key, m));
        }
    }
    best
}

/// The ticket numbers other teams put in brackets in their subjects (`[JPCERT#12345]`,
/// `[CERT.PL #4711]`, `[CERT-EU#2026-0042]`), as `NAME#NUMBER` with the name as written
/// and spaces removed; in order, each once.
pub fn ticket_numbers(subject: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        let inner = &rest[..close];
        if let Some(t) = ticket(inner)
            && !out.contains(&t)
        {
            out.push(t);
        }
        rest = &rest[close..];
    }
    out
}

/// One bracket's content as a ticket number, when it is one.
fn ticket(inner: &str) -> Option<String> {
    let (name, number) = inner.split_once('#')?;
    let name = name.trim();
    let number = number.trim();
    let name_ok = (2..=40).contains(&name.chars().count())
        && name.chars().any(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ' '));
    let number_ok = (1..=40).contains(&number.len())
        && number.chars().any(|c| c.is_ascii_digit())
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    (name_ok && number_ok).then(|| format!("{}#{number}", name.replace(' ', "")))
}

/// Where a forward to a team (or a request from one) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardState {
    /// Sent to the team (or, for a request, received from it); no answer yet.
    Sent,
    /// The team answered.
    Acknowledged,
    /// Done on both sides.
    Resolved,
    /// No answer came within the reminder period, nor after the reminder.
    NoAnswer,
}

impl ForwardState {
    /// Every state.
    pub const ALL: &'static [ForwardState] = &[
        ForwardState::Sent,
        ForwardState::Acknowledged,
        ForwardState::Resolved,
        ForwardState::NoAnswer,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ForwardState::Sent => "sent",
            ForwardState::Acknowledged => "acknowledged",
            ForwardState::Resolved => "resolved",
            ForwardState::NoAnswer => "no_answer",
        }
    }

    /// Whether a forward may go from `self` to `to`. An answer may come late (no answer
    /// → acknowledged); resolved is final.
    pub fn can_become(self, to: ForwardState) -> bool {
        use ForwardState::*;
        matches!(
            (self, to),
            (Sent, Acknowledged | Resolved | NoAnswer)
                | (Acknowledged, Resolved)
                | (NoAnswer, Acknowledged | Resolved)
        )
    }
}

impl FromStr for ForwardState {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ForwardState::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| FieldError::new("error-choice"))
    }
}

impl TryFrom<String> for ForwardState {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A directory entry as an admin (or an import) gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamInput {
    /// The team's name (`JPCERT/CC`).
    pub name: String,
    /// ISO 3166-1 alpha-2 code of the team's country.
    pub country: String,
    /// What it answers for.
    pub constituency: Constituency,
    /// Where to write to it.
    pub email: String,
    /// Its emergency phone.
    pub emergency_phone: String,
    /// Its armored OpenPGP public key.
    pub pgp_key: String,
    /// The key's fingerprint as the directory lists it.
    pub pgp_fingerprint: String,
    /// Memberships and listings (`FIRST member`, `TI accredited`).
    pub accreditation: String,
    /// The language to write to it in (`en`, `zh-TW`, `ja`…); English when empty.
    pub language: String,
    /// The desk's notes.
    pub notes: String,
}

/// A fingerprint as compared: hex digits only, upper case.
pub fn normalize_fingerprint(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl TeamInput {
    /// Checks each field; normalises codes and the constituency's lists. Whether the
    /// fingerprint is the key's is the caller's check (it needs the key parsed).
    pub fn validate(&mut self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.name = self.name.trim().to_string();
        e.check("name", validate::required_line(&self.name, 200));
        self.country = self.country.trim().to_ascii_uppercase();
        let iso = self.country.len() == 2 && self.country.chars().all(|c| c.is_ascii_uppercase());
        if !self.country.is_empty() && !iso {
            e.add("country", FieldError::new("team-error-country"));
        }
        self.email = validate::normalize_email(&self.email);
        e.check("email", validate::email(&self.email));
        e.check(
            "emergency_phone",
            validate::optional_line(&self.emergency_phone, 100),
        );
        e.check(
            "accreditation",
            validate::optional_line(&self.accreditation, 200),
        );
        self.language = self.language.trim().to_string();
        e.check("language", validate::optional_line(&self.language, 20));
        e.check("notes", validate::optional_text(&self.notes, 5_000));
        e.check("pgp_key", validate::optional_text(&self.pgp_key, 100_000));
        self.pgp_fingerprint = normalize_fingerprint(&self.pgp_fingerprint);
        let c = &mut self.constituency;
        let clean = |v: &mut Vec<String>, upper: bool| {
            for s in v.iter_mut() {
                *s = s.trim().trim_start_matches('.').to_string();
                *s = if upper {
                    s.to_ascii_uppercase()
                } else {
                    s.to_ascii_lowercase()
                };
            }
            v.retain(|s| !s.is_empty());
            v.sort();
            v.dedup();
        };
        clean(&mut c.countries, true);
        clean(&mut c.cctlds, false);
        clean(&mut c.domains, false);
        clean(&mut c.cidrs, false);
        if c.cidrs.iter().any(|r| parse_cidr(r).is_none()) {
            e.add("cidrs", FieldError::new("team-error-cidr"));
        }
        c.asns.sort_unstable();
        c.asns.dedup();
        e.into_result()
    }
}

/// Reads a list typed one per line or separated by commas or spaces (a form field).
pub fn list_field(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads ASNs as people write them (`AS2497`, `2497`); what is not one is left out.
pub fn asn_field(s: &str) -> Vec<u32> {
    list_field(s)
        .iter()
        .filter_map(|a| {
            let a = a
                .trim_start_matches(['A', 'a'])
                .trim_start_matches(['S', 's']);
            a.parse().ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(cidrs: &[&str], domains: &[&str], cctlds: &[&str], countries: &[&str]) -> Constituency {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Constituency {
            cidrs: v(cidrs),
            domains: v(domains),
            cctlds: v(cctlds),
            countries: v(countries),
            asns: vec![],
        }
    }

    /// The most specific constituency wins: a longer CIDR over a shorter one, a CIDR over a
    /// country, a domain over the ccTLD, a longer domain over a shorter one.
    #[test]
    fn the_most_specific_match_wins() {
        let national = team(&["192.0.2.0/23"], &[], &["jp"], &["JP"]);
        let isp = team(&["192.0.2.128/25"], &["isp.example.jp"], &[], &[]);
        let uni = team(&[], &["lab.isp.example.jp", "uni.example"], &[], &[]);
        let eu = team(&["2001:db8::/32"], &[], &["eu"], &["DE"]);
        let teams = [
            ("national", &national),
            ("isp", &isp),
            ("uni", &uni),
            ("eu", &eu),
        ];
        let pick = |t: &str, country: Option<&str>| {
            suggest(
                teams.iter().map(|(k, c)| (*k, *c)),
                &Target::parse(t).expect("target"),
                country,
            )
        };
        assert_eq!(
            pick("192.0.2.200", None),
            Some(("isp", MatchKind::Cidr(25)))
        );
        assert_eq!(
            pick("192.0.2.7", None),
            Some(("national", MatchKind::Cidr(23)))
        );
        assert_eq!(
            pick("192.0.4.1", Some("JP")),
            Some(("national", MatchKind::Country))
        );
        assert_eq!(pick("192.0.4.1", None), None);
        assert_eq!(pick("2001:db8::1", None), Some(("eu", MatchKind::Cidr(32))));
        assert_eq!(
            pick("www.isp.example.jp", None),
            Some(("isp", MatchKind::Domain(3)))
        );
        assert_eq!(
            pick("https://a.lab.isp.example.jp/login?x=1", None),
            Some(("uni", MatchKind::Domain(4)))
        );
        assert_eq!(
            pick("shop.example.jp", None),
            Some(("national", MatchKind::CcTld))
        );
        assert_eq!(
            pick("notisp.example.jp", None),
            Some(("national", MatchKind::CcTld))
        );
        assert_eq!(
            pick("uni.example", None),
            Some(("uni", MatchKind::Domain(2)))
        );
        assert_eq!(
            pick("phish.example.de", Some("DE")),
            Some(("eu", MatchKind::Country))
        );
        assert_eq!(
            pick("http://[2001:db8::5]:8080/", None),
            Some(("eu", MatchKind::Cidr(32)))
        );
    }

    #[test]
    fn ticket_numbers_from_subjects() {
        assert_eq!(
            ticket_numbers("Re: [JPCERT#12345] [INC-20261207-0001] phishing"),
            vec!["JPCERT#12345"]
        );
        assert_eq!(
            ticket_numbers("[CERT.PL #4711] Re: x"),
            vec!["CERT.PL#4711"]
        );
        assert_eq!(
            ticket_numbers("[CERT-EU#2026-0042]"),
            vec!["CERT-EU#2026-0042"]
        );
        assert!(ticket_numbers("[INC-20261207-0001] no ticket").is_empty());
        assert!(ticket_numbers("[#] [a#] [#1] [ ] [").is_empty());
    }

    #[test]
    fn forward_states() {
        use ForwardState::*;
        assert!(Sent.can_become(Acknowledged));
        assert!(NoAnswer.can_become(Acknowledged));
        assert!(!Resolved.can_become(Sent));
        assert!(!Acknowledged.can_become(NoAnswer));
        for s in ForwardState::ALL {
            assert_eq!(s.as_str().parse::<ForwardState>().ok(), Some(*s));
        }
    }

    #[test]
    fn validation_names_the_field() {
        let mut t = TeamInput {
            name: " JPCERT/CC ".into(),
            country: "jp".into(),
            email: "Info@JPCERT.example".into(),
            constituency: team(
                &["192.0.2.0/24", "bad"],
                &[".Example.JP"],
                &[".JP"],
                &["jp"],
            ),
            ..TeamInput::default()
        };
        let e = t.validate().expect_err("bad cidr");
        assert!(e.get("cidrs").is_some());
        assert_eq!(t.country, "JP");
        assert_eq!(t.email, "info@jpcert.example");
        assert_eq!(t.constituency.domains, vec!["example.jp"]);
        assert_eq!(t.constituency.cctlds, vec!["jp"]);
        t.constituency.cidrs = vec!["192.0.2.0/24".into()];
        assert!(t.validate().is_ok());
        assert_eq!(asn_field("AS2497, 4713 x"), vec![2497, 4713]);
    }
}

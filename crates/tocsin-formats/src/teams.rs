//! Team directories as the public ones publish them, read into directory entries and
//! written back: FIRST's teams API (`{"status": …, "data": [ {"team", "team-full",
//! "country", …} ]}`) and a Trusted Introducer team export (`{"teams": [ {"short_name",
//! "official_name", "ti_level", …} ]}`, or a bare array of such teams). An operator loads
//! the file they downloaded; each entry is read on its own, so one odd team does not
//! refuse the file. Also the one check of an OpenPGP key against the fingerprint a
//! directory gives for it.

use serde_json::{Map, Value, json};
use tocsin_domain::team::{Constituency, TeamInput, asn_field, list_field, normalize_fingerprint};

/// Which public directory's shape a file (or an export) has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// FIRST's teams API.
    First,
    /// Trusted Introducer's team export.
    TrustedIntroducer,
}

impl Shape {
    /// The name the API and the CLI use (`first`, `ti`).
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::First => "first",
            Shape::TrustedIntroducer => "ti",
        }
    }

    /// Reads a shape's name.
    pub fn parse(s: &str) -> Option<Shape> {
        match s.trim().to_ascii_lowercase().as_str() {
            "first" => Some(Shape::First),
            "ti" | "trusted-introducer" | "trusted_introducer" => Some(Shape::TrustedIntroducer),
            _ => None,
        }
    }
}

/// Why a directory file could not be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DirectoryError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// JSON, but neither FIRST's nor Trusted Introducer's shape.
    #[error("neither a FIRST teams answer nor a Trusted Introducer team export")]
    UnknownShape,
}

/// A directory file read: its shape and each team as a directory entry (not yet
/// validated; the caller validates each and reports the ones it refuses).
#[derive(Clone, Debug)]
pub struct Directory {
    /// The shape found.
    pub shape: Shape,
    /// The teams in file order.
    pub teams: Vec<TeamInput>,
}

/// Reads a directory file in either public shape.
pub fn parse(bytes: &[u8]) -> Result<Directory, DirectoryError> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| DirectoryError::NotJson(e.to_string()))?;
    if let Some(data) = v.get("data").and_then(Value::as_array) {
        return Ok(Directory {
            shape: Shape::First,
            teams: data
                .iter()
                .filter_map(Value::as_object)
                .map(first_team)
                .collect(),
        });
    }
    let teams = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("teams").and_then(Value::as_array) {
            Some(a) => a,
            None => return Err(DirectoryError::UnknownShape),
        },
        _ => return Err(DirectoryError::UnknownShape),
    };
    Ok(Directory {
        shape: Shape::TrustedIntroducer,
        teams: teams
            .iter()
            .filter_map(Value::as_object)
            .map(ti_team)
            .collect(),
    })
}

/// The first of `keys` present as text (a number is written out; a list is joined).
fn text(o: &Map<String, Value>, keys: &[&str]) -> String {
    for k in keys {
        match o.get(*k) {
            Some(Value::String(s)) if !s.trim().is_empty() => return s.trim().to_string(),
            Some(Value::Number(n)) => return n.to_string(),
            Some(Value::Array(a)) if !a.is_empty() => {
                return a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            _ => {}
        }
    }
    String::new()
}

/// The first of `keys` present as a list: a JSON array, or text separated by commas,
/// spaces or lines.
fn list(o: &Map<String, Value>, keys: &[&str]) -> Vec<String> {
    for k in keys {
        match o.get(*k) {
            Some(Value::Array(a)) if !a.is_empty() => {
                return a
                    .iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(s.trim().to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            Some(Value::String(s)) if !s.trim().is_empty() => return list_field(s),
            _ => {}
        }
    }
    Vec::new()
}

fn asns(o: &Map<String, Value>, keys: &[&str]) -> Vec<u32> {
    asn_field(&list(o, keys).join(" "))
}

/// A ccTLD among a constituency's domains (`.jp`, `jp`) belongs in the ccTLD list.
fn split_cctlds(domains: Vec<String>, cctlds: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for d in domains {
        let bare = d.trim().trim_start_matches('.').to_string();
        if bare.len() == 2 && bare.chars().all(|c| c.is_ascii_alphabetic()) {
            cctlds.push(bare);
        } else {
            out.push(bare);
        }
    }
    out
}

fn first_team(o: &Map<String, Value>) -> TeamInput {
    let country = text(o, &["country"]);
    let mut countries = vec![country.clone()];
    countries.extend(list(o, &["other-countries", "o"]));
    countries.retain(|c| !c.is_empty());
    let mut cctlds = list(o, &["constituency-cctlds"]);
    let domains = split_cctlds(list(o, &["constituency-domains", "domains"]), &mut cctlds);
    let member = text(o, &["membership-type", "membership"]);
    let accreditation = if member.is_empty() {
        "FIRST member".to_string()
    } else {
        format!("FIRST {member}")
    };
    TeamInput {
        name: text(o, &["team", "s", "team-full", "t"]),
        country,
        constituency: Constituency {
            countries,
            cctlds,
            domains,
            cidrs: list(o, &["constituency-ip-ranges", "ip-ranges"]),
            asns: asns(o, &["constituency-asns", "asns"]),
        },
        email: text(o, &["email", "team-email"]),
        emergency_phone: text(o, &["emergency-phone", "emergency", "phone"]),
        pgp_key: text(o, &["pgp-key", "pgp"]),
        pgp_fingerprint: text(o, &["pgp-fingerprint", "pgp-key-fingerprint"]),
        accreditation,
        language: text(o, &["language", "languages"]),
        notes: text(o, &["team-full", "constituency"]),
    }
}

fn ti_team(o: &Map<String, Value>) -> TeamInput {
    let country = text(o, &["country_code", "country"]);
    let mut countries = list(o, &["constituency_countries"]);
    if countries.is_empty() && !country.is_empty() {
        countries.push(country.clone());
    }
    let mut cctlds = list(o, &["constituency_cctlds"]);
    let domains = split_cctlds(list(o, &["constituency_domains"]), &mut cctlds);
    let level = text(o, &["ti_level", "ti_status", "status"]);
    TeamInput {
        name: text(o, &["short_name", "team_name", "official_name"]),
        country,
        constituency: Constituency {
            countries,
            cctlds,
            domains,
            cidrs: list(o, &["constituency_ip_ranges", "constituency_ipranges"]),
            asns: asns(o, &["constituency_asns"]),
        },
        email: text(o, &["email", "team_email"]),
        emergency_phone: text(o, &["emergency_phone", "telephone"]),
        pgp_key: text(o, &["pgp_key"]),
        pgp_fingerprint: text(o, &["pgp_fingerprint", "pgp_key_fingerprint"]),
        accreditation: if level.is_empty() {
            String::new()
        } else {
            format!("Trusted Introducer {}", level.to_lowercase())
        },
        language: text(o, &["languages", "language"]),
        notes: text(o, &["official_name", "constituency_description"]),
    }
}

/// Writes `teams` in `shape`, with the constituency as fields of that shape, so that
/// [`parse`] reads the file back to the same entries.
pub fn emit(shape: Shape, teams: &[TeamInput]) -> Value {
    match shape {
        Shape::First => {
            let data: Vec<Value> = teams
                .iter()
                .map(|t| {
                    let c = &t.constituency;
                    let mut domains = c.domains.clone();
                    domains.extend(c.cctlds.iter().map(|d| format!(".{d}")));
                    json!({
                        "team": t.name,
                        "team-full": t.notes,
                        "country": t.country,
                        "other-countries": c.countries.iter().filter(|x| **x != t.country).collect::<Vec<_>>(),
                        "email": t.email,
                        "emergency-phone": t.emergency_phone,
                        "pgp-key": t.pgp_key,
                        "pgp-fingerprint": t.pgp_fingerprint,
                        "membership-type": t.accreditation.strip_prefix("FIRST ").unwrap_or(&t.accreditation),
                        "language": t.language,
                        "constituency-domains": domains,
                        "constituency-ip-ranges": c.cidrs,
                        "constituency-asns": c.asns,
                    })
                })
                .collect();
            json!({ "status": "OK", "total": data.len(), "access": "public", "data": data })
        }
        Shape::TrustedIntroducer => {
            let data: Vec<Value> = teams
                .iter()
                .map(|t| {
                    let c = &t.constituency;
                    json!({
                        "short_name": t.name,
                        "official_name": t.notes,
                        "country_code": t.country,
                        "constituency_countries": c.countries,
                        "constituency_domains": c.domains,
                        "constituency_cctlds": c.cctlds,
                        "constituency_ip_ranges": c.cidrs,
                        "constituency_asns": c.asns,
                        "email": t.email,
                        "emergency_phone": t.emergency_phone,
                        "pgp_key": t.pgp_key,
                        "pgp_fingerprint": t.pgp_fingerprint,
                        "ti_level": t.accreditation.strip_prefix("Trusted Introducer ").unwrap_or(&t.accreditation),
                        "languages": t.language,
                    })
                })
                .collect();
            json!({ "teams": data })
        }
    }
}

/// Why a key does not vouch for a fingerprint.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// Not an armored OpenPGP public key.
    #[error("not an OpenPGP public key: {0}")]
    Unreadable(String),
    /// The key's fingerprint is another.
    #[error("the key's fingerprint is {actual}")]
    Mismatch {
        /// The key's own fingerprint (upper-case hex).
        actual: String,
    },
}

/// The fingerprint of an armored OpenPGP public key (upper-case hex, no spaces).
pub fn key_fingerprint(armored: &str) -> Result<String, KeyError> {
    tocsin_pgp::PublicCert::parse(armored.as_bytes())
        .map(|key| key.fingerprint())
        .map_err(|e| KeyError::Unreadable(e.to_string()))
}

/// Checks that `fingerprint` (as a directory writes it: any case, spaces allowed) is the
/// fingerprint of `armored`; an empty fingerprint is filled from the key. Returns the
/// key's fingerprint.
pub fn check_key(armored: &str, fingerprint: &str) -> Result<String, KeyError> {
    let actual = key_fingerprint(armored)?;
    let given = normalize_fingerprint(fingerprint);
    if given.is_empty() || given == actual {
        Ok(actual)
    } else {
        Err(KeyError::Mismatch { actual })
    }
}

//! `security.txt` (RFC 9116): emitting the desk's file, and reading one by the RFC's
//! rules (the check the desk's own file is tested against, and that a partner's could be).
//!
//! The file is `Field: value` lines; `#` starts a comment. Contact (at least one) and
//! Expires (exactly one, in the future) are required; Preferred-Languages at most once;
//! when Canonical is given, the URL the file was fetched from must be one of them. A
//! clear-signed file (`-----BEGIN PGP SIGNED MESSAGE-----`) is read from its signed text,
//! dash-escaping undone; verifying the signature is the caller's (it holds the key).

use tocsin_domain::Timestamp;

/// The fields of a `security.txt` the desk publishes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityTxt {
    /// `Contact:` URIs (`mailto:`, `https:`, `tel:`), most preferred first.
    pub contact: Vec<String>,
    /// `Expires:`, an RFC 3339 instant.
    pub expires: String,
    /// `Encryption:` URIs of keys to encrypt reports with.
    pub encryption: Vec<String>,
    /// `Preferred-Languages:` language tags, e.g. `zh-TW, en`.
    pub preferred_languages: Vec<String>,
    /// `Policy:` URIs of the disclosure policy.
    pub policy: Vec<String>,
    /// `Canonical:` URIs the file is published at.
    pub canonical: Vec<String>,
    /// `CSAF:` URIs of the provider-metadata.json (CSAF 2.0 §7.1.8), once published.
    pub csaf: Vec<String>,
}

impl SecurityTxt {
    /// The file's text, fields in RFC 9116's order, one per line, `\n` line ends.
    pub fn emit(&self) -> String {
        let mut out = String::new();
        let mut line = |name: &str, value: &str| {
            // A value is one line: a line break in configuration must not add a field.
            let value: String = value.chars().filter(|c| !c.is_control()).collect();
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value.trim());
            out.push('\n');
        };
        for c in &self.contact {
            line("Contact", c);
        }
        line("Expires", &self.expires);
        for e in &self.encryption {
            line("Encryption", e);
        }
        if !self.preferred_languages.is_empty() {
            line("Preferred-Languages", &self.preferred_languages.join(", "));
        }
        for p in &self.policy {
            line("Policy", p);
        }
        for c in &self.canonical {
            line("Canonical", c);
        }
        for c in &self.csaf {
            line("CSAF", c);
        }
        out
    }
}

/// What a read `security.txt` holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The fields, as read.
    pub fields: SecurityTxt,
    /// It was clear-signed (the signature not yet verified).
    pub signed: bool,
    /// The signed text (the whole file when unsigned), as a verifier hashes it.
    pub text: String,
}

/// A rule of RFC 9116 the file breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// No Contact field (§2.5.3: at least one is required).
    #[error("no Contact field")]
    NoContact,
    /// Expires missing or given more than once (§2.5.5: exactly once).
    #[error("Expires must appear exactly once, found {0}")]
    ExpiresCount(usize),
    /// Expires is not an RFC 3339 instant.
    #[error("Expires is not an RFC 3339 date-time: {0:?}")]
    ExpiresFormat(String),
    /// Expires is not in the future.
    #[error("Expires {0} is not in the future")]
    Expired(String),
    /// Preferred-Languages given more than once (§2.5.8).
    #[error("Preferred-Languages appears more than once")]
    LanguagesTwice,
    /// A URI field whose value is not a URI of an allowed scheme.
    #[error("{field} is not a {schemes} URI: {value:?}")]
    NotAUri {
        /// The field's name.
        field: &'static str,
        /// The schemes it may use.
        schemes: &'static str,
        /// The value.
        value: String,
    },
    /// Canonical is given but does not name the URL the file was read from (§2.5.2).
    #[error("Canonical does not include {0}")]
    NotCanonical(String),
    /// A web URI that is not https (§2.5: "MUST begin with https://").
    #[error("{field} must use https: {value:?}")]
    NotHttps {
        /// The field's name.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// A line that is neither a field, a comment nor blank.
    #[error("line {0} is not `Field: value`")]
    Malformed(usize),
    /// A clear-signed file whose armor is broken.
    #[error("the clear-signed armor is broken")]
    Armor,
}

const SIGNED_HEADER: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const SIGNATURE_HEADER: &str = "-----BEGIN PGP SIGNATURE-----";

/// The text a clear-signed file signs (armor headers dropped, dash-escaping undone), or
/// `None` when `text` is not clear-signed; `Err` when it is, but broken.
fn signed_text(text: &str) -> Option<Result<String, Problem>> {
    let start = text.find(SIGNED_HEADER)?;
    Some((|| {
        let rest = &text[start + SIGNED_HEADER.len()..];
        // Armor headers (`Hash: SHA256`) end at the first empty line.
        let body_at = rest
            .find("\n\n")
            .or_else(|| rest.find("\r\n\r\n"))
            .ok_or(Problem::Armor)?;
        let body = rest[body_at..].trim_start_matches(['\r', '\n']);
        let end = body.find(SIGNATURE_HEADER).ok_or(Problem::Armor)?;
        let signed = body[..end]
            .lines()
            .map(|l| l.strip_prefix("- ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        Ok(signed)
    })())
}

/// Reads `text` fetched from `url` by RFC 9116's rules at instant `now`; every broken rule
/// is reported, not just the first.
pub fn parse(text: &str, url: &str, now: Timestamp) -> Result<Parsed, Vec<Problem>> {
    let (body, signed) = match signed_text(text) {
        Some(Ok(t)) => (t, true),
        Some(Err(p)) => return Err(vec![p]),
        None => (text.to_string(), false),
    };
    let mut problems = Vec::new();
    let mut f = SecurityTxt::default();
    let mut expires = Vec::new();
    let mut languages = 0;
    for (i, line) in body.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            problems.push(Problem::Malformed(i + 1));
            continue;
        };
        let value = value.trim().to_string();
        // Field names are case-insensitive (§2.4); unknown fields are ignored (§2.4).
        match name.trim().to_ascii_lowercase().as_str() {
            "contact" => {
                uri(
                    &mut problems,
                    "Contact",
                    &value,
                    &["mailto:", "https://", "tel:"],
                );
                f.contact.push(value);
            }
            "expires" => expires.push(value),
            "encryption" => {
                uri(
                    &mut problems,
                    "Encryption",
                    &value,
                    &["https://", "dns:", "openpgp4fpr:"],
                );
                f.encryption.push(value);
            }
            "preferred-languages" => {
                languages += 1;
                f.preferred_languages = value
                    .split(',')
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
            }
            "policy" => {
                uri(&mut problems, "Policy", &value, &["https://"]);
                f.policy.push(value);
            }
            "canonical" => {
                uri(&mut problems, "Canonical", &value, &["https://"]);
                f.canonical.push(value);
            }
            "csaf" => {
                uri(&mut problems, "CSAF", &value, &["https://"]);
                f.csaf.push(value);
            }
            _ => {}
        }
    }
    if f.contact.is_empty() {
        problems.push(Problem::NoContact);
    }
    if languages > 1 {
        problems.push(Problem::LanguagesTwice);
    }
    match expires.as_slice() {
        [one] => match Timestamp::parse_rfc3339(one) {
            Ok(at) if at > now => f.expires = one.clone(),
            Ok(_) => problems.push(Problem::Expired(one.clone())),
            Err(_) => problems.push(Problem::ExpiresFormat(one.clone())),
        },
        other => problems.push(Problem::ExpiresCount(other.len())),
    }
    if !f.canonical.is_empty() && !f.canonical.iter().any(|c| c == url) {
        problems.push(Problem::NotCanonical(url.to_string()));
    }
    if problems.is_empty() {
        Ok(Parsed {
            fields: f,
            signed,
            text: body,
        })
    } else {
        Err(problems)
    }
}

/// Checks a URI field's scheme; a plain-http web URI is named as such (§2.5).
fn uri(problems: &mut Vec<Problem>, field: &'static str, value: &str, schemes: &[&str]) {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://") {
        problems.push(Problem::NotHttps {
            field,
            value: value.to_string(),
        });
    } else if !schemes.iter().any(|s| lower.starts_with(s)) || value.contains(char::is_whitespace) {
        problems.push(Problem::NotAUri {
            field,
            schemes: match field {
                "Contact" => "mailto, https or tel",
                "Encryption" => "https, dns or openpgp4fpr",
                _ => "https",
            },
            value: value.to_string(),
        });
    }
}

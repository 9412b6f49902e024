//! Input validation shared by the web forms, the API and the CLI. Errors carry a field
//! name and a message id; the server renders the message in the user's language.

use crate::TrackingNumber;
use serde::Serialize;
use std::collections::BTreeMap;

/// One problem with one field: a message id (see the locale files) and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The message id, e.g. `error-required`.
    pub code: &'static str,
    /// Named arguments for the message, e.g. `max`.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    /// An error without arguments.
    pub fn new(code: &'static str) -> Self {
        Self {
            code,
            args: Vec::new(),
        }
    }
    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// Errors by field. Empty means valid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Records an error; the first error of a field wins.
    pub fn add(&mut self, field: &'static str, err: FieldError) {
        self.0.entry(field).or_insert(err);
    }
    /// Records the outcome of a check.
    pub fn check(&mut self, field: &'static str, r: Result<(), FieldError>) {
        if let Err(e) = r {
            self.add(field, e);
        }
    }
    /// True if nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Ok if empty, else self.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
    /// The errors in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &FieldError)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
    /// The error of one field.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.get(field)
    }
}

/// A required text: not empty after trimming, at most `max` characters.
pub fn required_text(value: &str, max: usize) -> Result<(), FieldError> {
    let v = value.trim();
    if v.is_empty() {
        Err(FieldError::new("error-required"))
    } else {
        optional_text(v, max)
    }
}

/// An optional text of at most `max` characters, without control characters other than
/// line breaks and tabs.
pub fn optional_text(value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::new("error-too-long").arg("max", max));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new("error-control-chars"));
    }
    Ok(())
}

/// A required single line (a name, a subject, a brand): [`required_text`] without line
/// breaks or tabs. Such values end up in mail headers, file names and one-line formats,
/// where a line break would forge the next line.
pub fn required_line(value: &str, max: usize) -> Result<(), FieldError> {
    required_text(value, max)?;
    single_line(value.trim())
}

/// An optional single line: [`optional_text`] without line breaks or tabs.
pub fn optional_line(value: &str, max: usize) -> Result<(), FieldError> {
    optional_text(value, max)?;
    single_line(value.trim())
}

fn single_line(value: &str) -> Result<(), FieldError> {
    if value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}'))
    {
        return Err(FieldError::new("error-single-line"));
    }
    Ok(())
}

/// A mail address as people type it: one `@`, a non-empty local part, a domain with a dot
/// and no spaces. Deliverability is the mail server's concern, not ours.
pub fn email(value: &str) -> Result<(), FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new("error-required"));
    }
    let bad = || FieldError::new("error-email");
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let Some((local, domain)) = v.rsplit_once('@') else {
        return Err(bad());
    };
    if local.is_empty()
        || local.contains('@')
        || local.len() > 64
        || domain.len() < 3
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || domain.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']'])
    {
        return Err(bad());
    }
    Ok(())
}

/// Normalizes a mail address for storage and lookup: trimmed, lower-cased.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// A new password: 12 to 1024 characters.
pub fn password(value: &str) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n < 12 {
        Err(FieldError::new("error-password-short").arg("min", 12))
    } else if n > 1024 {
        Err(FieldError::new("error-too-long").arg("max", 1024))
    } else {
        Ok(())
    }
}

/// An optional telephone number as people write it in Taiwan and abroad: digits, spaces,
/// `+ - ( ) #`, and an extension marked `ext` (any case, optionally `ext.`) or `分機`; at
/// least one digit and at most 50 characters. Empty is fine.
pub fn phone(value: &str) -> Result<(), FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(());
    }
    if v.chars().count() > 50 {
        return Err(FieldError::new("error-too-long").arg("max", 50));
    }
    let bad = || FieldError::new("error-phone");
    let mut rest = v;
    let mut digits = 0usize;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("分機") {
            rest = r;
        } else if rest.len() >= 3
            && rest.is_char_boundary(3)
            && rest[..3].eq_ignore_ascii_case("ext")
        {
            rest = &rest[3..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
        } else if c.is_ascii_digit() {
            digits += 1;
            rest = &rest[1..];
        } else if matches!(c, ' ' | '+' | '-' | '(' | ')' | '#') {
            rest = &rest[1..];
        } else {
            return Err(bad());
        }
    }
    if digits == 0 { Err(bad()) } else { Ok(()) }
}

/// An optional tracking number such as `INC-2026-000001`: empty gives `None`, anything else
/// must parse (`error-tracking-number`).
pub fn optional_tracking_number(value: &str) -> Result<Option<TrackingNumber>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<TrackingNumber>()
        .map(Some)
        .map_err(|_| FieldError::new("error-tracking-number"))
}

/// `Some(text)` unless empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Trims a multi-line text: trailing white space and leading blank lines go, the first
/// line's indentation stays (it may be part of pasted log output).
pub(crate) fn trim_block(s: &str) -> String {
    let s = s.trim_end();
    let start = s
        .char_indices()
        .take_while(|(_, c)| c.is_whitespace())
        .filter(|(_, c)| *c == '\n')
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(0);
    s[start..].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.tw", "first.last+tag@example.com.tw", " A@B.TW "] {
            assert_eq!(email(ok), Ok(()), "{ok}");
        }
        for (bad, code) in [
            ("", "error-required"),
            ("   ", "error-required"),
            ("a", "error-email"),
            ("a@b", "error-email"),
            ("@b.tw", "error-email"),
            ("a b@c.tw", "error-email"),
            ("a@b..tw", "error-email"),
            ("a@.b.tw", "error-email"),
            ("a@b.tw.", "error-email"),
            ("a@b@c.tw", "error-email"),
            ("<a@b.tw>", "error-email"),
        ] {
            assert_eq!(email(bad).map_err(|e| e.code), Err(code), "{bad:?}");
        }
        assert_eq!(normalize_email(" A@B.TW "), "a@b.tw");
    }

    #[test]
    fn texts() {
        assert_eq!(required_text(" x ", 5), Ok(()));
        assert_eq!(
            required_text("", 5).map_err(|e| e.code),
            Err("error-required")
        );
        assert_eq!(
            required_text("漏洞漏洞漏洞", 5).map_err(|e| e.code),
            Err("error-too-long")
        );
        assert_eq!(required_text("漏洞", 2), Ok(()));
        assert_eq!(
            optional_text("a\u{0}b", 5).map_err(|e| e.code),
            Err("error-control-chars")
        );
        assert_eq!(optional_text("a\nb\tc", 5), Ok(()));
        for bad in ["a\nb", "a\rb", "a\tb", "a\u{2028}b", "a\u{2029}b"] {
            assert_eq!(
                required_line(bad, 9).map_err(|e| e.code),
                Err("error-single-line"),
                "{bad:?}"
            );
            assert_eq!(
                optional_line(bad, 9).map_err(|e| e.code),
                Err("error-single-line"),
                "{bad:?}"
            );
        }
        assert_eq!(
            required_line(" 台灣精密機械 \n", 9),
            Ok(()),
            "surrounding space is trimmed"
        );
        assert_eq!(
            required_line("\n", 9).map_err(|e| e.code),
            Err("error-required")
        );
        assert_eq!(optional_line("", 9), Ok(()));
    }

    #[test]
    fn first_error_per_field_wins() {
        let mut e = FieldErrors::new();
        e.add("email", FieldError::new("error-required"));
        e.add("email", FieldError::new("error-email"));
        assert_eq!(e.get("email").map(|e| e.code), Some("error-required"));
        assert!(e.into_result().is_err());
        assert!(FieldErrors::new().into_result().is_ok());
    }

    fn check_phone(input: &str, expected: Result<(), &str>) {
        assert_eq!(phone(input).map_err(|e| e.code), expected, "{input:?}");
    }

    #[test]
    fn phones() {
        check_phone("", Ok(()));
        check_phone("   ", Ok(()));
        check_phone("02-2345-6789", Ok(()));
        check_phone("+886 2 2345 6789", Ok(()));
        check_phone("(02) 2345-6789 #123", Ok(()));
        check_phone("02-2345-6789 ext 12", Ok(()));
        check_phone("02-2345-6789 EXT. 12", Ok(()));
        check_phone("02-2345-6789分機12", Ok(()));
        check_phone("0912-345-678", Ok(()));
        check_phone("ext", Err("error-phone"));
        check_phone("分機", Err("error-phone"));
        check_phone("call me", Err("error-phone"));
        check_phone("02.2345.6789", Err("error-phone"));
        check_phone("02-2345-6789; DROP", Err("error-phone"));
        check_phone("０２-２３４５", Err("error-phone"));
        check_phone("2\u{0}3", Err("error-phone"));
        check_phone(&"1".repeat(51), Err("error-too-long"));
        check_phone(&"1".repeat(50), Ok(()));
    }

    #[test]
    fn tracking_numbers() {
        assert_eq!(optional_tracking_number(" "), Ok(None));
        assert_eq!(
            optional_tracking_number(" INC-2026-000042 ").map(|t| t.map(|t| t.to_string())),
            Ok(Some("INC-2026-000042".to_string()))
        );
        assert_eq!(
            optional_tracking_number("INC-2026-42").map_err(|e| e.code),
            Err("error-tracking-number")
        );
    }
}

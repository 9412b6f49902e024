//! CVE ids (`CVE-2026-1234`) and the reservation lists a CVE Numbering Authority loads.
//!
//! A [`CveId`] follows the CVE id syntax (also the CVE JSON 5 schema's pattern
//! `^CVE-[0-9]{4}-[0-9]{4,19}$`): a year from 1999 on and a sequence of at least four digits.
//! A sequence below 1000 is zero-padded to four digits (`CVE-2014-0001`); longer sequences
//! never start with a zero (`CVE-2026-01234` is not an id). Ids order by year, then by
//! sequence as a number, so `CVE-2026-9999` comes before `CVE-2026-10000`.
//!
//! [`parse_reservation`] reads what an admin pastes when loading the CNA's reserved ids: ids
//! one per line or in comma/space separated lists, and ranges within one year written
//! `CVE-2026-1000..CVE-2026-1099`, `CVE-2026-1000..1099` or `CVE-2026-1000-1099`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The first year of CVE ids.
pub const FIRST_YEAR: u16 = 1999;

/// The last year a CVE id may carry.
pub const LAST_YEAR: u16 = 9999;

/// The most digits a sequence may have (the CVE JSON schema's limit).
pub const MAX_SEQUENCE_DIGITS: usize = 19;

/// The most ids one range of a reservation may hold.
pub const MAX_RANGE: u64 = 100_000;

/// The most distinct ids one reservation may hold in all.
pub const MAX_RESERVATION: usize = 1_000_000;

/// One more than the largest sequence: 10^19.
const SEQUENCE_END: u64 = 10_000_000_000_000_000_000;

/// A CVE id such as `CVE-2026-1234`. Written (and serialized) upper-case with the sequence
/// padded to four digits; read case-insensitively with surrounding spaces ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CveId {
    // Field order gives the derived order: year, then sequence.
    year: u16,
    sequence: u64,
}

/// Text that is not a CVE id; the message says why.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum BadCveId {
    /// Not of the form `CVE-YYYY-NNNN`.
    #[error("`{0}` is not a CVE id (CVE-YYYY-NNNN)")]
    Syntax(String),
    /// The year is before 1999.
    #[error("`{0}`: the year must be from 1999 to 9999")]
    Year(String),
    /// The sequence has fewer than four digits.
    #[error("`{0}`: the sequence needs at least 4 digits")]
    Short(String),
    /// The sequence has more than four digits and starts with a zero.
    #[error("`{0}`: a sequence of more than 4 digits must not start with 0")]
    LeadingZero(String),
    /// The sequence has more than 19 digits.
    #[error("`{0}`: the sequence has more than 19 digits")]
    TooLong(String),
}

impl CveId {
    /// The id of a year and a sequence number: the year from [`FIRST_YEAR`] to
    /// [`LAST_YEAR`], the sequence below 10^19.
    pub fn new(year: u16, sequence: u64) -> Result<Self, BadCveId> {
        let text = || format!("CVE-{year:04}-{sequence:04}");
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(BadCveId::Year(text()));
        }
        if sequence >= SEQUENCE_END {
            return Err(BadCveId::TooLong(text()));
        }
        Ok(Self { year, sequence })
    }

    /// The year part.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The sequence part as a number.
    pub fn sequence(self) -> u64 {
        self.sequence
    }

    /// Parses an id; see [`CveId`] for the rules.
    pub fn parse(text: &str) -> Result<Self, BadCveId> {
        let t = text.trim();
        let syntax = || BadCveId::Syntax(text.to_string());
        let rest = match t.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("CVE-") => t.get(4..).ok_or_else(syntax)?,
            _ => return Err(syntax()),
        };
        let (year, seq) = rest.split_once('-').ok_or_else(syntax)?;
        if year.len() != 4 || !is_digits(year) || !is_digits(seq) {
            return Err(syntax());
        }
        if seq.len() < 4 {
            return Err(BadCveId::Short(text.to_string()));
        }
        if seq.len() > MAX_SEQUENCE_DIGITS {
            return Err(BadCveId::TooLong(text.to_string()));
        }
        if seq.len() > 4 && seq.starts_with('0') {
            return Err(BadCveId::LeadingZero(text.to_string()));
        }
        let year: u16 = year.parse().map_err(|_| syntax())?;
        let sequence: u64 = seq.parse().map_err(|_| syntax())?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(BadCveId::Year(text.to_string()));
        }
        // Four digits may be zero-padded; more digits never are, so the number alone
        // decides how it is written and the text round-trips.
        Ok(Self { year, sequence })
    }
}

impl fmt::Display for CveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVE-{:04}-{:04}", self.year, self.sequence)
    }
}

impl FromStr for CveId {
    type Err = BadCveId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CveId::parse(s)
    }
}

impl TryFrom<String> for CveId {
    type Error = BadCveId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CveId::parse(&s)
    }
}

impl TryFrom<&str> for CveId {
    type Error = BadCveId;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        CveId::parse(s)
    }
}

impl From<CveId> for String {
    fn from(id: CveId) -> String {
        id.to_string()
    }
}

/// Why a reservation list was refused. Every variant but [`CveError::Empty`] names the line
/// (from 1).
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CveError {
    /// Something on the line is not a CVE id or a range of them.
    #[error("line {line}: {source}")]
    Id {
        /// The line.
        line: usize,
        /// What is wrong with the text.
        #[source]
        source: BadCveId,
    },
    /// A range whose end comes before its start.
    #[error("line {line}: the range {from}..{to} ends before it starts")]
    Backwards {
        /// The line.
        line: usize,
        /// The range's start.
        from: CveId,
        /// The range's end.
        to: CveId,
    },
    /// A range whose ends have different years.
    #[error("line {line}: the range {from}..{to} spans more than one year")]
    AcrossYears {
        /// The line.
        line: usize,
        /// The range's start.
        from: CveId,
        /// The range's end.
        to: CveId,
    },
    /// A range of more than [`MAX_RANGE`] ids.
    #[error("line {line}: the range {from}..{to} holds {count} ids, more than {max}")]
    RangeTooLarge {
        /// The line.
        line: usize,
        /// The range's start.
        from: CveId,
        /// The range's end.
        to: CveId,
        /// How many ids it holds.
        count: u64,
        /// [`MAX_RANGE`].
        max: u64,
    },
    /// More than [`MAX_RESERVATION`] distinct ids in all, reached on this line.
    #[error("line {line}: more than {max} ids in all")]
    TooMany {
        /// The line.
        line: usize,
        /// [`MAX_RESERVATION`].
        max: usize,
    },
    /// The text holds no id at all.
    #[error("no CVE id found")]
    Empty,
}

impl CveError {
    /// The line at fault (from 1), if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            CveError::Id { line, .. }
            | CveError::Backwards { line, .. }
            | CveError::AcrossYears { line, .. }
            | CveError::RangeTooLarge { line, .. }
            | CveError::TooMany { line, .. } => Some(*line),
            CveError::Empty => None,
        }
    }
}

/// Reads a list of reserved ids as pasted by an admin and returns the distinct ids in
/// ascending order.
///
/// Accepted: ids one per line or several on a line separated by commas (also `，` and `、`),
/// semicolons or white space; ranges within one year written `CVE-2026-1000..CVE-2026-1099`,
/// `CVE-2026-1000..1099`, `CVE-2026-1000-1099` or `CVE-2026-1000-CVE-2026-1099`, where `..`
/// may also be `...`, `…`, `~`, `～`, `–`, `—`, or ` - ` and `to` between spaces; both ends
/// are included. Ids are read case-insensitively; text after `#` is a comment; blank lines
/// are skipped. Duplicates and overlapping ranges collapse.
///
/// Refused, naming the line: anything that is not an id or a range, a backwards range, a
/// range across years, a range of more than [`MAX_RANGE`] ids, more than
/// [`MAX_RESERVATION`] ids in all; and a text without any id ([`CveError::Empty`]).
pub fn parse_reservation(text: &str) -> Result<Vec<CveId>, CveError> {
    let mut ids = BTreeSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or_default();
        for token in tokens(content) {
            let (from, to) = parse_item(&token).map_err(|source| CveError::Id { line, source })?;
            if from.year != to.year {
                return Err(CveError::AcrossYears { line, from, to });
            }
            if to.sequence < from.sequence {
                return Err(CveError::Backwards { line, from, to });
            }
            let count = to.sequence - from.sequence + 1;
            if count > MAX_RANGE {
                return Err(CveError::RangeTooLarge {
                    line,
                    from,
                    to,
                    count,
                    max: MAX_RANGE,
                });
            }
            for sequence in from.sequence..=to.sequence {
                ids.insert(CveId {
                    year: from.year,
                    sequence,
                });
                if ids.len() > MAX_RESERVATION {
                    return Err(CveError::TooMany {
                        line,
                        max: MAX_RESERVATION,
                    });
                }
            }
        }
    }
    if ids.is_empty() {
        return Err(CveError::Empty);
    }
    Ok(ids.into_iter().collect())
}

/// The items of one line (comment removed): single ids and ranges, each range joined into
/// one token around `..`, upper-cased.
fn tokens(line: &str) -> Vec<String> {
    let mut text = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            ',' | '，' | '、' | ';' | '；' => text.push(' '),
            '~' | '～' | '–' | '—' | '…' | '‥' => text.push_str(" .. "),
            c => text.push(c.to_ascii_uppercase()),
        }
    }
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let is_operator =
            word == "-" || word == "TO" || (word.len() >= 2 && word.bytes().all(|b| b == b'.'));
        match out.last_mut() {
            Some(last) if is_operator => {
                if !last.ends_with("..") {
                    last.push_str("..");
                }
            }
            Some(last) if last.ends_with("..") || word.starts_with("..") => last.push_str(word),
            _ => out.push(word.to_string()),
        }
    }
    out
}

/// One item: a single id (a range of one) or a range, as its two ends.
fn parse_item(token: &str) -> Result<(CveId, CveId), BadCveId> {
    let syntax = || BadCveId::Syntax(token.to_string());
    // `CVE-2026-1000..CVE-2026-1099`, `CVE-2026-1000..1099`
    if let Some((a, b)) = token.split_once("..") {
        if a.is_empty() {
            return Err(syntax());
        }
        let from = CveId::parse(a)?;
        return Ok((from, range_end(from, b.trim_start_matches('.'), token)?));
    }
    // `CVE-2026-1000-CVE-2026-1099`
    if let Some(at) = token.get(1..).and_then(|t| t.find("-CVE-")) {
        let (a, b) = token.split_at(at + 1);
        let from = CveId::parse(a)?;
        return Ok((
            from,
            range_end(from, b.get(1..).unwrap_or_default(), token)?,
        ));
    }
    // `CVE-2026-1000-1099`
    if let [cve, year, start, end] = token.splitn(4, '-').collect::<Vec<_>>()[..] {
        if cve != "CVE" || !is_digits(end) {
            return Err(syntax());
        }
        let from = CveId::parse(&format!("{cve}-{year}-{start}"))?;
        return Ok((from, range_end(from, end, token)?));
    }
    let id = CveId::parse(token)?;
    Ok((id, id))
}

/// Whether `s` is a non-empty run of ASCII digits.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The end of a range starting at `from`: a full id, or just the sequence in `from`'s year.
fn range_end(from: CveId, end: &str, token: &str) -> Result<CveId, BadCveId> {
    if end.is_empty() {
        Err(BadCveId::Syntax(token.to_string()))
    } else if is_digits(end) {
        CveId::parse(&format!("CVE-{:04}-{end}", from.year))
    } else {
        CveId::parse(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> CveId {
        s.parse().expect("valid id")
    }

    #[test]
    fn ids() {
        for (input, shown) in [
            ("CVE-2026-1234", "CVE-2026-1234"),
            (" cve-2026-0042 ", "CVE-2026-0042"),
            ("CVE-1999-0001", "CVE-1999-0001"),
            ("CVE-2026-0000", "CVE-2026-0000"),
            ("CVE-2026-12345", "CVE-2026-12345"),
            ("CVE-9999-1234567", "CVE-9999-1234567"),
            (
                "CVE-2026-9999999999999999999",
                "CVE-2026-9999999999999999999",
            ),
        ] {
            let got = input.parse::<CveId>().map(|c| c.to_string());
            assert_eq!(got.as_deref(), Ok(shown), "{input:?}");
        }
        type Kind = fn(String) -> BadCveId;
        for (input, kind) in [
            ("", BadCveId::Syntax as Kind),
            ("CVE", BadCveId::Syntax),
            ("CVE-2026", BadCveId::Syntax),
            ("CVE-2026-", BadCveId::Syntax),
            ("CVE-26-1234", BadCveId::Syntax),
            ("CVE-02026-1234", BadCveId::Syntax),
            ("CVE-2026-12a4", BadCveId::Syntax),
            ("CVE-2026-+1234", BadCveId::Syntax),
            ("CVE-2026-1234-", BadCveId::Syntax),
            ("CAN-2026-1234", BadCveId::Syntax),
            ("CVE 2026 1234", BadCveId::Syntax),
            ("CVE-２０２６-1234", BadCveId::Syntax),
            ("CVE-1998-1234", BadCveId::Year),
            ("CVE-0000-1234", BadCveId::Year),
            ("CVE-2026-123", BadCveId::Short),
            ("CVE-2026-1", BadCveId::Short),
            ("CVE-2026-01234", BadCveId::LeadingZero),
            ("CVE-2026-00001", BadCveId::LeadingZero),
            ("CVE-2026-10000000000000000000", BadCveId::TooLong),
        ] {
            assert_eq!(
                input.parse::<CveId>(),
                Err(kind(input.to_string())),
                "{input:?}"
            );
        }
    }

    #[test]
    fn constructor() {
        assert_eq!(
            CveId::new(2026, 7).map(|c| c.to_string()).as_deref(),
            Ok("CVE-2026-0007")
        );
        assert_eq!(
            CveId::new(2026, 7).map(|c| (c.year(), c.sequence())),
            Ok((2026, 7))
        );
        assert!(CveId::new(1998, 7).is_err());
        assert!(CveId::new(2026, SEQUENCE_END).is_err());
        assert!(CveId::new(2026, SEQUENCE_END - 1).is_ok());
    }

    #[test]
    fn numeric_order() {
        let mut v = [
            id("CVE-2026-10000"),
            id("CVE-2025-99999"),
            id("CVE-2026-9999"),
            id("CVE-2026-0001"),
        ];
        v.sort();
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "CVE-2025-99999",
                "CVE-2026-0001",
                "CVE-2026-9999",
                "CVE-2026-10000"
            ]
        );
    }

    #[test]
    fn serde_as_string() {
        let c = id("cve-2026-0042");
        assert_eq!(
            serde_json::to_string(&c).ok().as_deref(),
            Some("\"CVE-2026-0042\"")
        );
        assert_eq!(
            serde_json::from_str::<CveId>("\"CVE-2026-0042\"").ok(),
            Some(c)
        );
        assert!(serde_json::from_str::<CveId>("\"CVE-2026-042\"").is_err());
        assert!(serde_json::from_str::<CveId>("2026").is_err());
        assert_eq!(CveId::try_from("CVE-2026-0042".to_string()), Ok(c));
        assert_eq!(String::from(c), "CVE-2026-0042");
    }

    proptest::proptest! {
        #[test]
        fn text_round_trips(year in FIRST_YEAR..=LAST_YEAR, sequence in 0..SEQUENCE_END) {
            let c = CveId::new(year, sequence).expect("in range");
            let text = c.to_string();
            proptest::prop_assert_eq!(text.parse::<CveId>(), Ok(c));
            proptest::prop_assert_eq!(text.to_lowercase().parse::<CveId>(), Ok(c));
        }

        #[test]
        fn order_is_numeric(a in 0..SEQUENCE_END, b in 0..SEQUENCE_END) {
            let x = CveId::new(2026, a).expect("in range");
            let y = CveId::new(2026, b).expect("in range");
            proptest::prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        }
    }

    /// Parses a reservation and shows the result as `first..last (count)` or the error.
    fn reserve(text: &str) -> Result<String, CveError> {
        let ids = parse_reservation(text)?;
        let first = ids.first().map(ToString::to_string).unwrap_or_default();
        let last = ids.last().map(ToString::to_string).unwrap_or_default();
        Ok(format!("{first}..{last} ({})", ids.len()))
    }

    #[test]
    fn reservations() {
        for (text, want) in [
            ("CVE-2026-1000", "CVE-2026-1000..CVE-2026-1000 (1)"),
            (
                "CVE-2026-1000\nCVE-2026-1001\r\n\nCVE-2026-1002\n",
                "CVE-2026-1000..CVE-2026-1002 (3)",
            ),
            (
                "CVE-2026-1000, CVE-2026-1001,CVE-2026-1002",
                "CVE-2026-1000..CVE-2026-1002 (3)",
            ),
            (
                "CVE-2026-1000 CVE-2026-1001\tCVE-2026-1002;",
                "CVE-2026-1000..CVE-2026-1002 (3)",
            ),
            (
                "CVE-2026-1000，CVE-2026-1001、CVE-2026-1002",
                "CVE-2026-1000..CVE-2026-1002 (3)",
            ),
            (
                "CVE-2026-1000..CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            ("CVE-2026-1000-1099", "CVE-2026-1000..CVE-2026-1099 (100)"),
            ("CVE-2026-1000..1099", "CVE-2026-1000..CVE-2026-1099 (100)"),
            (
                "CVE-2026-1000...CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            (
                "CVE-2026-1000 .. CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            (
                "CVE-2026-1000 - CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            ("CVE-2026-1000 - 1099", "CVE-2026-1000..CVE-2026-1099 (100)"),
            (
                "CVE-2026-1000-CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            (
                "CVE-2026-1000 to CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            (
                "CVE-2026-1000 ～ CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            (
                "CVE-2026-1000–CVE-2026-1099",
                "CVE-2026-1000..CVE-2026-1099 (100)",
            ),
            ("CVE-2026-1000~1099", "CVE-2026-1000..CVE-2026-1099 (100)"),
            (
                "cve-2026-1000..cve-2026-1009",
                "CVE-2026-1000..CVE-2026-1009 (10)",
            ),
            (
                "CVE-2026-1000..CVE-2026-1000",
                "CVE-2026-1000..CVE-2026-1000 (1)",
            ),
            // Overlaps and repeats collapse.
            (
                "CVE-2026-1000-1099\nCVE-2026-1050..CVE-2026-1149\nCVE-2026-1000",
                "CVE-2026-1000..CVE-2026-1149 (150)",
            ),
            // Comments and blank lines.
            (
                "# reserved 2026-11-28\n\nCVE-2026-1000 # first\n",
                "CVE-2026-1000..CVE-2026-1000 (1)",
            ),
            // Ranges crossing a digit boundary; zero-padded starts.
            (
                "CVE-2026-9998..CVE-2026-10001",
                "CVE-2026-9998..CVE-2026-10001 (4)",
            ),
            ("CVE-2026-0001-0003", "CVE-2026-0001..CVE-2026-0003 (3)"),
            // Several years, sorted.
            (
                "CVE-2027-1000\nCVE-2026-2000",
                "CVE-2026-2000..CVE-2027-1000 (2)",
            ),
            // Exactly the largest range.
            (
                "CVE-2026-100000..199999",
                "CVE-2026-100000..CVE-2026-199999 (100000)",
            ),
        ] {
            assert_eq!(reserve(text), Ok(want.to_string()), "{text:?}");
        }
    }

    #[test]
    fn refused_reservations() {
        let from = id("CVE-2026-1099");
        let to = id("CVE-2026-1000");
        for (text, want) in [
            ("", CveError::Empty),
            ("\n  \n# nothing\n", CveError::Empty),
            (
                "CVE-2026-1000\nCVE-2026-12",
                CveError::Id {
                    line: 2,
                    source: BadCveId::Short("CVE-2026-12".into()),
                },
            ),
            (
                "CVE-2026-1000\n\nhello",
                CveError::Id {
                    line: 3,
                    source: BadCveId::Syntax("HELLO".into()),
                },
            ),
            (
                "CVE-2026-1099..CVE-2026-1000",
                CveError::Backwards { line: 1, from, to },
            ),
            (
                "\nCVE-2026-1099-1000",
                CveError::Backwards { line: 2, from, to },
            ),
            (
                "CVE-2026-1000..CVE-2027-1000",
                CveError::AcrossYears {
                    line: 1,
                    from: id("CVE-2026-1000"),
                    to: id("CVE-2027-1000"),
                },
            ),
            (
                "CVE-2026-100000..200000",
                CveError::RangeTooLarge {
                    line: 1,
                    from: id("CVE-2026-100000"),
                    to: id("CVE-2026-200000"),
                    count: 100_001,
                    max: MAX_RANGE,
                },
            ),
            (
                "CVE-2026-1000..CVE-2026-9999999999999999999",
                CveError::RangeTooLarge {
                    line: 1,
                    from: id("CVE-2026-1000"),
                    to: id("CVE-2026-9999999999999999999"),
                    count: 9_999_999_999_999_999_000,
                    max: MAX_RANGE,
                },
            ),
            (
                "CVE-2026-1000..",
                CveError::Id {
                    line: 1,
                    source: BadCveId::Syntax("CVE-2026-1000..".into()),
                },
            ),
            (
                "..CVE-2026-1000",
                CveError::Id {
                    line: 1,
                    source: BadCveId::Syntax("..CVE-2026-1000".into()),
                },
            ),
            (
                "CVE-2026-1000-099",
                CveError::Id {
                    line: 1,
                    source: BadCveId::Short("CVE-2026-099".into()),
                },
            ),
            (
                "CVE-2026-10000-010001",
                CveError::Id {
                    line: 1,
                    source: BadCveId::LeadingZero("CVE-2026-010001".into()),
                },
            ),
            (
                "CVE-2026-1000-1099-1200",
                CveError::Id {
                    line: 1,
                    source: BadCveId::Syntax("CVE-2026-1000-1099-1200".into()),
                },
            ),
            (
                "CVE-2026-1000..CVE-2026-1005..CVE-2026-1010",
                CveError::Id {
                    line: 1,
                    source: BadCveId::Syntax("CVE-2026-1005..CVE-2026-1010".into()),
                },
            ),
        ] {
            assert_eq!(parse_reservation(text), Err(want.clone()), "{text:?}");
            assert_eq!(
                parse_reservation(text).err().and_then(|e| e.line()),
                want.line()
            );
        }
        assert_eq!(
            parse_reservation("CVE-2026-1000 . CVE-2026-1001"),
            Err(CveError::Id {
                line: 1,
                source: BadCveId::Syntax(".".into())
            })
        );
        let e = parse_reservation("CVE-2026-1000\nCVE-1998-1000").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("line 2: `CVE-1998-1000`: the year must be from 1999 to 9999")
        );
    }

    #[test]
    fn total_is_bounded() {
        let text: String = (0..11)
            .map(|i| {
                format!(
                    "CVE-2026-{}..{}\n",
                    100_000 + i * 100_000,
                    199_999 + i * 100_000
                )
            })
            .collect();
        assert_eq!(
            parse_reservation(&text),
            Err(CveError::TooMany {
                line: 11,
                max: MAX_RESERVATION
            })
        );
    }
}

//! CVSS v3.0, v3.1 and v4.0 vector strings: parse and validate them (an error names the
//! metric), score them as FIRST specifies, list their metrics for display, and check a
//! reporter's claim (the version they named, the score they claimed) against tocsin's own
//! score.
//!
//! Scores are kept apart: the *base* score; the *temporal* score (3.x) or the CVSS-BT score
//! of base and threat metrics (4.0), present only when such a metric other than `X` is
//! given; and the *environmental* score (3.x, which also applies the temporal metrics; 4.0
//! CVSS-BE or CVSS-BTE), present only when an environmental metric other than `X` is given.
//!
//! The arithmetic is the RustSec `cvss` crate's, with two parts done here:
//! - 3.x temporal and environmental scores multiply the crate's base (or modified base)
//!   score by the temporal factors and round with the Roundup of the 3.1 specification,
//!   Appendix A. The crate rounds 3.0 with a plain floating-point ceiling, which turns an
//!   exact 2.3 into 2.4 (`2.5 × 0.92`); the 3.0 specification defines Roundup as the
//!   smallest one-decimal number not below its input, and Appendix A computes exactly
//!   that. The 3.0 and 3.1 *formulas* still differ where the specifications do (the
//!   modified impact under a changed modified scope), and that part is the crate's.
//! - 4.0 scores the base metrics alone for the base score, base and threat metrics for
//!   CVSS-BT, and the whole vector for the environmental score (the crate's single score is
//!   that of whatever the vector holds).
//!
//! Nothing here panics on any input (`tests/cvss.rs` feeds arbitrary strings).

use std::fmt;
use std::str::FromStr;

use ::cvss::v3::Metric as _;

/// Longest piece of the caller's input echoed back in an error.
const ECHO_MAX: usize = 40;

/// A CVSS version tocsin scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// CVSS v3.0 (`CVSS:3.0/`).
    V3_0,
    /// CVSS v3.1 (`CVSS:3.1/`).
    V3_1,
    /// CVSS v4.0 (`CVSS:4.0/`).
    V4_0,
}

impl Version {
    /// The version as written in a vector's prefix, e.g. `3.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V3_0 => "3.0",
            Self::V3_1 => "3.1",
            Self::V4_0 => "4.0",
        }
    }

    /// The major version (3 or 4).
    pub fn major(self) -> u8 {
        match self {
            Self::V3_0 | Self::V3_1 => 3,
            Self::V4_0 => 4,
        }
    }

    /// The minor version.
    pub fn minor(self) -> u8 {
        match self {
            Self::V3_0 | Self::V4_0 => 0,
            Self::V3_1 => 1,
        }
    }

    /// Every metric this version defines, in the specification's order.
    pub fn metrics(self) -> &'static [MetricDef] {
        match self {
            Self::V3_0 | Self::V3_1 => &V3_METRICS,
            Self::V4_0 => &V4_METRICS,
        }
    }

    fn from_prefix_version(v: &str) -> Option<Self> {
        match v {
            "3.0" => Some(Self::V3_0),
            "3.1" => Some(Self::V3_1),
            "4.0" => Some(Self::V4_0),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The qualitative severity rating of a score (the same scale in 3.x and 4.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// 0.0.
    None,
    /// 0.1 to 3.9.
    Low,
    /// 4.0 to 6.9.
    Medium,
    /// 7.0 to 8.9.
    High,
    /// 9.0 to 10.0.
    Critical,
}

impl Severity {
    /// The English name, as FIRST writes it (`None`, `Low`, `Medium`, `High`, `Critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CVSS score, 0.0 to 10.0 with one decimal, held exactly as tenths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    /// The score of this many tenths (`76` is 7.6), if at most 100.
    pub fn from_tenths(tenths: u8) -> Option<Self> {
        (tenths <= 100).then_some(Self(tenths))
    }

    /// The score in tenths (7.6 is `76`).
    pub fn tenths(self) -> u8 {
        self.0
    }

    /// The score as a number.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The severity rating of this score.
    pub fn severity(self) -> Severity {
        match self.0 {
            0 => Severity::None,
            1..=39 => Severity::Low,
            40..=69 => Severity::Medium,
            70..=89 => Severity::High,
            _ => Severity::Critical,
        }
    }

    /// The score a person wrote somewhere in `text`, e.g. `7.5`, `7.5 (High)`, `７．５分`
    /// or `CVSS v3.1 分數：7.5` (a number right after `v` or `CVSS` is a version, not a
    /// score). `None` if the first such number is not a score (above 10, or a second
    /// decimal other than 0) or there is none.
    pub fn find_in(text: &str) -> Option<Self> {
        let text = normalize_width(text);
        let mut from = 0;
        while let Some((start, end)) = next_number(&text, from) {
            from = end;
            let before = text
                .get(..start)
                .unwrap_or("")
                .trim_end()
                .to_ascii_lowercase();
            if before.ends_with('v') || before.ends_with("cvss") || before.ends_with("cvss:") {
                continue;
            }
            return text.get(start..end).and_then(parse_score);
        }
        None
    }

    /// Round a computed score to tenths (the crate's scores are already one-decimal
    /// numbers; this only turns them into tenths), clamped to 0.0..=10.0.
    fn from_computed(value: f64) -> Self {
        let tenths = (value * 10.0).round().clamp(0.0, 100.0);
        // In 0..=100 after the clamp (NaN becomes 0), so the cast is exact.
        Self(tenths as u8)
    }

    /// CVSS v3.1 Roundup (specification, Appendix A): the smallest number with one
    /// decimal that is equal to or higher than the input, robust to floating-point noise.
    fn roundup(value: f64) -> Self {
        // Saturating casts: no input can panic here.
        let int_input = (value * 100_000.0).round() as i64;
        let tenths = if int_input % 10_000 == 0 {
            int_input / 10_000
        } else {
            int_input.div_euclid(10_000) + 1
        };
        Self(tenths.clamp(0, 100) as u8)
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl FromStr for Score {
    type Err = CvssError;

    /// A score written alone: `7.5`, `10`, `10.0`, ` 7.5 ` (full-width digits allowed).
    fn from_str(s: &str) -> Result<Self, CvssError> {
        let t = normalize_width(s.trim());
        parse_score(&t).ok_or_else(|| CvssError::InvalidScore { text: echo(s) })
    }
}

/// Parse a whole string as a score: digits, optionally a point and digits.
fn parse_score(s: &str) -> Option<Score> {
    let (int, frac) = match s.split_once('.') {
        Some((_, "")) => return None,
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty()
        || int.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u8 = int.parse().ok()?;
    let mut frac = frac.bytes();
    let tenth = frac.next().map_or(0, |b| b - b'0');
    if !frac.all(|b| b == b'0') {
        return None;
    }
    Score::from_tenths(int.checked_mul(10)?.checked_add(tenth)?)
}

/// Full-width digits and point (as typed with a CJK input method) as ASCII.
fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '．' => '.',
            _ => c,
        })
        .collect()
}

/// Byte range of the next number (`d+` or `d+.d+`) at or after `from`.
fn next_number(s: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let start = from + bytes.get(from..)?.iter().position(u8::is_ascii_digit)?;
    let digits_end = |i: usize| {
        i + bytes
            .get(i..)
            .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let mut end = digits_end(start);
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits_end(end + 1);
    }
    Some((start, end))
}

/// Which group of the specification a metric belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricGroup {
    /// Base metrics (mandatory).
    Base,
    /// Temporal metrics (3.x).
    Temporal,
    /// Threat metrics (4.0).
    Threat,
    /// Environmental metrics.
    Environmental,
    /// Supplemental metrics (4.0; they do not change the score).
    Supplemental,
}

impl MetricGroup {
    /// The group's English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "Base",
            Self::Temporal => "Temporal",
            Self::Threat => "Threat",
            Self::Environmental => "Environmental",
            Self::Supplemental => "Supplemental",
        }
    }
}

impl fmt::Display for MetricGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value a metric may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueDef {
    /// The abbreviation in a vector, e.g. `N`.
    pub abbrev: &'static str,
    /// The English name, e.g. `Network`.
    pub name: &'static str,
}

/// A metric as the specification defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricDef {
    /// The abbreviation in a vector, e.g. `AV`.
    pub abbrev: &'static str,
    /// The English name, e.g. `Attack Vector`.
    pub name: &'static str,
    /// The metric group.
    pub group: MetricGroup,
    /// Whether every vector must give it (the base metrics).
    pub mandatory: bool,
    /// The values it may take, `X` (Not Defined) first for optional metrics.
    pub values: &'static [ValueDef],
}

/// A metric as a vector gives it, with names for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metric {
    /// The metric group.
    pub group: MetricGroup,
    /// The metric's abbreviation, e.g. `AV`.
    pub abbrev: &'static str,
    /// The metric's English name, e.g. `Attack Vector`.
    pub name: &'static str,
    /// The value's abbreviation, e.g. `N`.
    pub value: &'static str,
    /// The value's English name, e.g. `Network`.
    pub value_name: &'static str,
}

/// Why a vector (or a score) is not valid. The fields are the offending input, shortened
/// to 40 characters; [`CvssError::metric`] gives the metric to point a form at.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CvssError {
    /// Nothing but white space.
    #[error("empty CVSS vector")]
    Empty,
    /// The vector does not start with `CVSS:`.
    #[error("unknown prefix {prefix:?}: a vector starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/")]
    UnknownPrefix {
        /// What the vector starts with (up to its first `/`).
        prefix: String,
    },
    /// `CVSS:` followed by a version tocsin does not score.
    #[error("unsupported CVSS version {version:?}: 3.0, 3.1 and 4.0 are supported")]
    UnsupportedVersion {
        /// The version as written.
        version: String,
    },
    /// A part between slashes is not `METRIC:VALUE`.
    #[error("malformed component {component:?}: expected METRIC:VALUE")]
    MalformedComponent {
        /// The part as written (empty for `//` or a trailing `/`).
        component: String,
    },
    /// A metric the version does not define.
    #[error("unknown metric {metric:?} for CVSS {version}")]
    UnknownMetric {
        /// The metric as written.
        metric: String,
        /// The vector's version.
        version: Version,
    },
    /// A value the metric does not take.
    #[error("unknown value {value:?} for metric {metric}")]
    UnknownValue {
        /// The metric.
        metric: String,
        /// The value as written.
        value: String,
    },
    /// A metric given twice.
    #[error("duplicate metric {metric}")]
    DuplicateMetric {
        /// The metric.
        metric: String,
    },
    /// A base metric missing (the first one in the specification's order).
    #[error("missing mandatory metric {metric}")]
    MissingMetric {
        /// The metric.
        metric: String,
    },
    /// The scoring library refused a vector this module accepted (a bug; tests look for it).
    #[error("vector could not be scored: {reason}")]
    Unscorable {
        /// The library's message.
        reason: String,
    },
    /// Not a score (0.0 to 10.0, one decimal).
    #[error("not a CVSS score (0.0 to 10.0): {text:?}")]
    InvalidScore {
        /// The text as written.
        text: String,
    },
}

impl CvssError {
    /// The metric the error is about, for a form to point at, if any.
    pub fn metric(&self) -> Option<&str> {
        match self {
            Self::UnknownMetric { metric, .. }
            | Self::UnknownValue { metric, .. }
            | Self::DuplicateMetric { metric }
            | Self::MissingMetric { metric } => Some(metric),
            _ => None,
        }
    }
}

/// Input echoed in an error, cut at [`ECHO_MAX`] characters.
fn echo(s: &str) -> String {
    match s.char_indices().nth(ECHO_MAX) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s.to_owned(),
    }
}

/// Which score of a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScoreKind {
    /// The base score (4.0: CVSS-B).
    Base,
    /// The temporal score (3.x) or the CVSS-BT score (4.0).
    Temporal,
    /// The environmental score (3.x) or CVSS-BE / CVSS-BTE (4.0).
    Environmental,
}

impl ScoreKind {
    /// The English name in the given version: 4.0 calls the temporal group "Threat".
    pub fn name(self, version: Version) -> &'static str {
        match (self, version) {
            (Self::Base, _) => "Base",
            (Self::Temporal, Version::V4_0) => "Threat",
            (Self::Temporal, _) => "Temporal",
            (Self::Environmental, _) => "Environmental",
        }
    }
}

/// The scores of a vector, kept apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scores {
    /// The base score: base metrics only (what "the CVSS score" usually means).
    pub base: Score,
    /// 3.x: the temporal score; 4.0: CVSS-BT (base and threat metrics). Present only if
    /// the vector gives a temporal/threat metric other than `X`.
    pub temporal: Option<Score>,
    /// 3.x: the environmental score (which also applies the temporal metrics); 4.0:
    /// CVSS-BE or CVSS-BTE (every metric given). Present only if the vector gives an
    /// environmental metric other than `X`.
    pub environmental: Option<Score>,
}

impl Scores {
    /// One kind of score, if present.
    pub fn get(&self, kind: ScoreKind) -> Option<Score> {
        match kind {
            ScoreKind::Base => Some(self.base),
            ScoreKind::Temporal => self.temporal,
            ScoreKind::Environmental => self.environmental,
        }
    }

    /// The score using every metric given: environmental, else temporal, else base (for
    /// 4.0, the score FIRST's calculator shows with its nomenclature).
    pub fn overall(&self) -> Score {
        self.environmental.or(self.temporal).unwrap_or(self.base)
    }
}

/// A valid CVSS v3.0, v3.1 or v4.0 vector with its scores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vector {
    version: Version,
    metrics: Vec<Metric>,
    scores: Scores,
}

impl Vector {
    /// Parse, validate and score a vector such as `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
    ///
    /// Metrics may come in any order; names and values are case-sensitive as in the
    /// specifications; white space around the vector is ignored.
    pub fn parse(input: &str) -> Result<Self, CvssError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CvssError::Empty);
        }
        let mut parts = s.split('/');
        let prefix = parts.next().unwrap_or("");
        let version = match prefix.split_once(':') {
            Some(("CVSS", v)) => Version::from_prefix_version(v)
                .ok_or_else(|| CvssError::UnsupportedVersion { version: echo(v) })?,
            _ => {
                return Err(CvssError::UnknownPrefix {
                    prefix: echo(prefix),
                });
            }
        };
        let table = version.metrics();
        let mut given: Vec<Option<&'static ValueDef>> = vec![None; table.len()];
        for component in parts {
            let Some((name, value)) = component.split_once(':') else {
                return Err(CvssError::MalformedComponent {
                    component: echo(component),
                });
            };
            let Some((def, slot)) = table
                .iter()
                .zip(given.iter_mut())
                .find(|(d, _)| d.abbrev == name)
            else {
                return Err(CvssError::UnknownMetric {
                    metric: echo(name),
                    version,
                });
            };
            let Some(v) = def.values.iter().find(|v| v.abbrev == value) else {
                return Err(CvssError::UnknownValue {
                    metric: def.abbrev.to_owned(),
                    value: echo(value),
                });
            };
            if slot.is_some() {
                return Err(CvssError::DuplicateMetric {
                    metric: def.abbrev.to_owned(),
                });
            }
            *slot = Some(v);
        }
        if let Some((def, _)) = table
            .iter()
            .zip(&given)
            .find(|(d, v)| d.mandatory && v.is_none())
        {
            return Err(CvssError::MissingMetric {
                metric: def.abbrev.to_owned(),
            });
        }
        let metrics: Vec<Metric> = table
            .iter()
            .zip(&given)
            .filter_map(|(d, v)| {
                v.map(|v| Metric {
                    group: d.group,
                    abbrev: d.abbrev,
                    name: d.name,
                    value: v.abbrev,
                    value_name: v.name,
                })
            })
            .collect();
        let scores = match version {
            Version::V3_0 | Version::V3_1 => score_v3(version, &metrics)?,
            Version::V4_0 => score_v4(&metrics)?,
        };
        Ok(Self {
            version,
            metrics,
            scores,
        })
    }

    /// The version named by the prefix.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The metrics given, in the specification's order (including any given as `X`).
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// One metric by its abbreviation, if given.
    pub fn metric(&self, abbrev: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.abbrev == abbrev)
    }

    /// All scores.
    pub fn scores(&self) -> Scores {
        self.scores
    }

    /// The base score.
    pub fn base_score(&self) -> Score {
        self.scores.base
    }

    /// 4.0's nomenclature for [`Scores::overall`]: `CVSS-B`, `CVSS-BT`, `CVSS-BE` or
    /// `CVSS-BTE`; `None` for 3.x.
    pub fn nomenclature(&self) -> Option<&'static str> {
        if self.version != Version::V4_0 {
            return None;
        }
        Some(
            match (
                self.scores.temporal.is_some(),
                self.scores.environmental.is_some(),
            ) {
                (false, false) => "CVSS-B",
                (true, false) => "CVSS-BT",
                (false, true) => "CVSS-BE",
                (true, true) => "CVSS-BTE",
            },
        )
    }
}

impl FromStr for Vector {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Self, CvssError> {
        Self::parse(s)
    }
}

/// The vector in canonical form: the prefix, then the metrics given in the specification's
/// order, as given (including `X` values).
impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&vector_string(self.version, &self.metrics, |_| true))
    }
}

fn vector_string(
    version: Version,
    metrics: &[Metric],
    keep: impl Fn(MetricGroup) -> bool,
) -> String {
    let mut s = format!("CVSS:{version}");
    for m in metrics.iter().filter(|m| keep(m.group)) {
        s.push('/');
        s.push_str(m.abbrev);
        s.push(':');
        s.push_str(m.value);
    }
    s
}

/// Whether a metric of the group is given with a value other than Not Defined.
fn group_given(metrics: &[Metric], group: MetricGroup) -> bool {
    metrics.iter().any(|m| m.group == group && m.value != "X")
}

fn unscorable(e: ::cvss::Error) -> CvssError {
    CvssError::Unscorable {
        reason: e.to_string(),
    }
}

fn score_v3(version: Version, metrics: &[Metric]) -> Result<Scores, CvssError> {
    let v: ::cvss::v3::Vector = vector_string(version, metrics, |_| true)
        .parse()
        .map_err(unscorable)?;
    let base = v.base_score().value();
    let temporal = |score: f64| {
        // In the specification's order: score × E × RL × RC, then Roundup.
        let s = score
            * v.e.map_or(1.0, |m| m.score())
            * v.rl.map_or(1.0, |m| m.score())
            * v.rc.map_or(1.0, |m| m.score());
        Score::roundup(s)
    };
    let environmental = group_given(metrics, MetricGroup::Environmental).then(|| {
        // The crate's environmental score without temporal metrics is the rounded modified
        // base score; the temporal factors and the final Roundup are applied here.
        let mut modified = v.clone();
        modified.e = None;
        modified.rl = None;
        modified.rc = None;
        temporal(modified.environmental_score().value())
    });
    Ok(Scores {
        base: Score::from_computed(base),
        temporal: group_given(metrics, MetricGroup::Temporal).then(|| temporal(base)),
        environmental,
    })
}

fn score_v4(metrics: &[Metric]) -> Result<Scores, CvssError> {
    let score = |keep: &dyn Fn(MetricGroup) -> bool| -> Result<Score, CvssError> {
        let v: ::cvss::v4::Vector = vector_string(Version::V4_0, metrics, keep)
            .parse()
            .map_err(unscorable)?;
        Ok(Score::from_computed(v.score().value()))
    };
    let base = score(&|g| g == MetricGroup::Base)?;
    let temporal = if group_given(metrics, MetricGroup::Threat) {
        Some(score(&|g| {
            matches!(g, MetricGroup::Base | MetricGroup::Threat)
        })?)
    } else {
        None
    };
    let environmental = if group_given(metrics, MetricGroup::Environmental) {
        Some(score(&|_| true)?)
    } else {
        None
    };
    Ok(Scores {
        base,
        temporal,
        environmental,
    })
}

/// A CVSS version as a person names it: `3.1`, `v3.1`, `CVSS v3.1 分數`, `CVSS:4.0`,
/// `CVSS 3.x` (no minor version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NamedVersion {
    /// The major version.
    pub major: u8,
    /// The minor version, if named.
    pub minor: Option<u8>,
}

impl NamedVersion {
    /// The first version named in `text`: a single digit, optionally followed by a point
    /// and a single digit (longer numbers such as years are skipped; full-width digits are
    /// read). `None` if there is none.
    pub fn find_in(text: &str) -> Option<Self> {
        let text = normalize_width(text);
        let mut from = 0;
        while let Some((start, end)) = next_number(&text, from) {
            from = end;
            let number = text.get(start..end).unwrap_or("");
            let (major, minor) = match number.split_once('.') {
                Some((a, b)) => (a, Some(b)),
                None => (number, None),
            };
            let digit = |s: &str| match s.as_bytes() {
                [d] => Some(d - b'0'),
                _ => None,
            };
            let Some(major) = digit(major) else { continue };
            let minor = match minor {
                Some(m) => match digit(m) {
                    Some(m) => Some(m),
                    None => continue,
                },
                None => None,
            };
            return Some(Self { major, minor });
        }
        None
    }

    /// Whether a vector of `version` agrees with this name (`3` agrees with 3.0 and 3.1).
    pub fn matches(self, version: Version) -> bool {
        self.major == version.major() && self.minor.is_none_or(|m| m == version.minor())
    }
}

impl fmt::Display for NamedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.minor {
            Some(m) => write!(f, "{}.{m}", self.major),
            None => write!(f, "{}", self.major),
        }
    }
}

/// A reporter's CVSS claim as they wrote it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Claim<'a> {
    /// The vector string.
    pub vector: &'a str,
    /// Where they named the version, e.g. the heading `CVSS v3.1 分數` or just `3.1`.
    pub named_version: Option<&'a str>,
    /// The score they claimed, e.g. `7.5` (see [`Score::find_in`]).
    pub claimed_score: Option<&'a str>,
}

impl Claim<'_> {
    /// Check the claim against tocsin's own scoring. An invalid vector is an error naming
    /// the metric; otherwise the [`Assessment`] lists what disagrees.
    pub fn assess(&self) -> Result<Assessment, CvssError> {
        let vector = Vector::parse(self.vector)?;
        let scores = vector.scores();
        let mut findings = Vec::new();
        let named_version = self.named_version.and_then(NamedVersion::find_in);
        if let Some(named) = named_version
            && !named.matches(vector.version())
        {
            findings.push(Finding::VersionDiffers {
                named,
                vector: vector.version(),
            });
        }
        let claimed_text = self.claimed_score.map(str::trim).filter(|t| !t.is_empty());
        let claimed_score = claimed_text.and_then(Score::find_in);
        match (claimed_text, claimed_score) {
            (Some(text), None) => findings.push(Finding::UnreadableScore { text: echo(text) }),
            (_, Some(claimed)) if claimed != scores.base => {
                let matches = [ScoreKind::Temporal, ScoreKind::Environmental]
                    .into_iter()
                    .find(|k| scores.get(*k) == Some(claimed));
                findings.push(Finding::ScoreDiffers {
                    claimed,
                    computed: scores.base,
                    matches,
                });
            }
            _ => {}
        }
        Ok(Assessment {
            vector,
            named_version,
            claimed_score,
            findings,
        })
    }
}

/// Something in a reporter's claim that disagrees with tocsin's scoring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The claimed score is not the base score tocsin computes.
    ScoreDiffers {
        /// The score claimed.
        claimed: Score,
        /// tocsin's base score.
        computed: Score,
        /// Which other score of the vector the claim equals, if any (e.g. the reporter
        /// gave the environmental score).
        matches: Option<ScoreKind>,
    },
    /// The version named is not the version of the vector's prefix.
    VersionDiffers {
        /// The version named.
        named: NamedVersion,
        /// The vector's version.
        vector: Version,
    },
    /// A claimed score was given but no score could be read from it.
    UnreadableScore {
        /// The text given (shortened to 40 characters).
        text: String,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ScoreDiffers {
                claimed,
                computed,
                matches: None,
            } => write!(
                f,
                "claimed score {claimed} differs from the base score {computed}"
            ),
            Self::ScoreDiffers {
                claimed,
                computed,
                matches: Some(kind),
            } => write!(
                f,
                "claimed score {claimed} differs from the base score {computed} (it is the {} score)",
                match kind {
                    ScoreKind::Base => "base",
                    ScoreKind::Temporal => "temporal",
                    ScoreKind::Environmental => "environmental",
                }
            ),
            Self::VersionDiffers { named, vector } => write!(
                f,
                "version named {named} differs from the vector's version {vector}"
            ),
            Self::UnreadableScore { text } => write!(f, "no score could be read from {text:?}"),
        }
    }
}

/// tocsin's view of a reporter's claim: its own scores and what disagrees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The reporter's vector, parsed and scored.
    pub vector: Vector,
    /// The version the reporter named, if one could be read.
    pub named_version: Option<NamedVersion>,
    /// The score the reporter claimed, if one could be read.
    pub claimed_score: Option<Score>,
    /// What disagrees; empty if the claim is consistent.
    pub findings: Vec<Finding>,
}

impl Assessment {
    /// tocsin's base score of the vector.
    pub fn score(&self) -> Score {
        self.vector.base_score()
    }

    /// (a) The claimed score differs from the computed base score.
    pub fn score_differs(&self) -> bool {
        self.findings
            .iter()
            .any(|f| matches!(f, Finding::ScoreDiffers { .. }))
    }

    /// (b) The named version and the vector's prefix disagree.
    pub fn version_differs(&self) -> bool {
        self.findings
            .iter()
            .any(|f| matches!(f, Finding::VersionDiffers { .. }))
    }
}

const fn v(abbrev: &'static str, name: &'static str) -> ValueDef {
    ValueDef { abbrev, name }
}

const fn metric(
    abbrev: &'static str,
    name: &'static str,
    group: MetricGroup,
    values: &'static [ValueDef],
) -> MetricDef {
    MetricDef {
        abbrev,
        name,
        group,
        mandatory: matches!(group, MetricGroup::Base),
        values,
    }
}

const X: ValueDef = v("X", "Not Defined");

const V3_AV: &[ValueDef] = &[
    v("N", "Network"),
    v("A", "Adjacent"),
    v("L", "Local"),
    v("P", "Physical"),
];
const V3_AC: &[ValueDef] = &[v("L", "Low"), v("H", "High")];
const V3_PR: &[ValueDef] = &[v("N", "None"), v("L", "Low"), v("H", "High")];
const V3_UI: &[ValueDef] = &[v("N", "None"), v("R", "Required")];
const V3_S: &[ValueDef] = &[v("U", "Unchanged"), v("C", "Changed")];
const CIA: &[ValueDef] = &[v("H", "High"), v("L", "Low"), v("N", "None")];
const REQ: &[ValueDef] = &[X, v("H", "High"), v("M", "Medium"), v("L", "Low")];
const V3_MAV: &[ValueDef] = &[
    X,
    v("N", "Network"),
    v("A", "Adjacent"),
    v("L", "Local"),
    v("P", "Physical"),
];
const V3_MAC: &[ValueDef] = &[X, v("L", "Low"), v("H", "High")];
const V3_MPR: &[ValueDef] = &[X, v("N", "None"), v("L", "Low"), v("H", "High")];
const V3_MUI: &[ValueDef] = &[X, v("N", "None"), v("R", "Required")];
const V3_MS: &[ValueDef] = &[X, v("U", "Unchanged"), v("C", "Changed")];
const MCIA: &[ValueDef] = &[X, v("H", "High"), v("L", "Low"), v("N", "None")];

/// CVSS v3.0 and v3.1 metrics (the same in both), in the specification's order.
static V3_METRICS: [MetricDef; 22] = {
    use MetricGroup::{Base, Environmental, Temporal};
    [
        metric("AV", "Attack Vector", Base, V3_AV),
        metric("AC", "Attack Complexity", Base, V3_AC),
        metric("PR", "Privileges Required", Base, V3_PR),
        metric("UI", "User Interaction", Base, V3_UI),
        metric("S", "Scope", Base, V3_S),
        metric("C", "Confidentiality", Base, CIA),
        metric("I", "Integrity", Base, CIA),
        metric("A", "Availability", Base, CIA),
        metric(
            "E",
            "Exploit Code Maturity",
            Temporal,
            &[
                X,
                v("H", "High"),
                v("F", "Functional"),
                v("P", "Proof-of-Concept"),
                v("U", "Unproven"),
            ],
        ),
        metric(
            "RL",
            "Remediation Level",
            Temporal,
            &[
                X,
                v("U", "Unavailable"),
                v("W", "Workaround"),
                v("T", "Temporary Fix"),
                v("O", "Official Fix"),
            ],
        ),
        metric(
            "RC",
            "Report Confidence",
            Temporal,
            &[
                X,
                v("C", "Confirmed"),
                v("R", "Reasonable"),
                v("U", "Unknown"),
            ],
        ),
        metric("CR", "Confidentiality Requirement", Environmental, REQ),
        metric("IR", "Integrity Requirement", Environmental, REQ),
        metric("AR", "Availability Requirement", Environmental, REQ),
        metric("MAV", "Modified Attack Vector", Environmental, V3_MAV),
        metric("MAC", "Modified Attack Complexity", Environmental, V3_MAC),
        metric("MPR", "Modified Privileges Required", Environmental, V3_MPR),
        metric("MUI", "Modified User Interaction", Environmental, V3_MUI),
        metric("MS", "Modified Scope", Environmental, V3_MS),
        metric("MC", "Modified Confidentiality", Environmental, MCIA),
        metric("MI", "Modified Integrity", Environmental, MCIA),
        metric("MA", "Modified Availability", Environmental, MCIA),
    ]
};

const V4_AT: &[ValueDef] = &[v("N", "None"), v("P", "Present")];
const V4_UI: &[ValueDef] = &[v("N", "None"), v("P", "Passive"), v("A", "Active")];
const V4_MAT: &[ValueDef] = &[X, v("N", "None"), v("P", "Present")];
const V4_MUI: &[ValueDef] = &[X, v("N", "None"), v("P", "Passive"), v("A", "Active")];
const V4_MSIA: &[ValueDef] = &[
    X,
    v("S", "Safety"),
    v("H", "High"),
    v("L", "Low"),
    v("N", "None"),
];

/// CVSS v4.0 metrics in the specification's order.
static V4_METRICS: [MetricDef; 32] = {
    use MetricGroup::{Base, Environmental, Supplemental, Threat};
    [
        metric("AV", "Attack Vector", Base, V3_AV),
        metric("AC", "Attack Complexity", Base, V3_AC),
        metric("AT", "Attack Requirements", Base, V4_AT),
        metric("PR", "Privileges Required", Base, V3_PR),
        metric("UI", "User Interaction", Base, V4_UI),
        metric("VC", "Vulnerable System Confidentiality Impact", Base, CIA),
        metric("VI", "Vulnerable System Integrity Impact", Base, CIA),
        metric("VA", "Vulnerable System Availability Impact", Base, CIA),
        metric("SC", "Subsequent System Confidentiality Impact", Base, CIA),
        metric("SI", "Subsequent System Integrity Impact", Base, CIA),
        metric("SA", "Subsequent System Availability Impact", Base, CIA),
        metric(
            "E",
            "Exploit Maturity",
            Threat,
            &[X, v("A", "Attacked"), v("P", "POC"), v("U", "Unreported")],
        ),
        metric("CR", "Confidentiality Requirement", Environmental, REQ),
        metric("IR", "Integrity Requirement", Environmental, REQ),
        metric("AR", "Availability Requirement", Environmental, REQ),
        metric("MAV", "Modified Attack Vector", Environmental, V3_MAV),
        metric("MAC", "Modified Attack Complexity", Environmental, V3_MAC),
        metric("MAT", "Modified Attack Requirements", Environmental, V4_MAT),
        metric("MPR", "Modified Privileges Required", Environmental, V3_MPR),
        metric("MUI", "Modified User Interaction", Environmental, V4_MUI),
        metric(
            "MVC",
            "Modified Vulnerable System Confidentiality Impact",
            Environmental,
            MCIA,
        ),
        metric(
            "MVI",
            "Modified Vulnerable System Integrity Impact",
            Environmental,
            MCIA,
        ),
        metric(
            "MVA",
            "Modified Vulnerable System Availability Impact",
            Environmental,
            MCIA,
        ),
        metric(
            "MSC",
            "Modified Subsequent System Confidentiality Impact",
            Environmental,
            MCIA,
        ),
        metric(
            "MSI",
            "Modified Subsequent System Integrity Impact",
            Environmental,
            V4_MSIA,
        ),
        metric(
            "MSA",
            "Modified Subsequent System Availability Impact",
            Environmental,
            V4_MSIA,
        ),
        metric(
            "S",
            "Safety",
            Supplemental,
            &[X, v("N", "Negligible"), v("P", "Present")],
        ),
        metric(
            "AU",
            "Automatable",
            Supplemental,
            &[X, v("N", "No"), v("Y", "Yes")],
        ),
        metric(
            "R",
            "Recovery",
            Supplemental,
            &[
                X,
                v("A", "Automatic"),
                v("U", "User"),
                v("I", "Irrecoverable"),
            ],
        ),
        metric(
            "V",
            "Value Density",
            Supplemental,
            &[X, v("D", "Diffuse"), v("C", "Concentrated")],
        ),
        metric(
            "RE",
            "Vulnerability Response Effort",
            Supplemental,
            &[X, v("L", "Low"), v("M", "Moderate"), v("H", "High")],
        ),
        metric(
            "U",
            "Provider Urgency",
            Supplemental,
            &[
                X,
                v("Clear", "Clear"),
                v("Green", "Green"),
                v("Amber", "Amber"),
                v("Red", "Red"),
            ],
        ),
    ]
};

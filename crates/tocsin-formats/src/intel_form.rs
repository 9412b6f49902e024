//! The intelligence record as a text form (情資 TXT): one `中文名：值` line per field of the
//! N-ISAC layout, in [`IntelField::ALL`] order, written by [`emit`] and read back by
//! [`parse`] / [`parse_bytes`].
//!
//! # Syntax
//!
//! ```text
//! 情資種類：INT
//! 情資主旨：某金融機構網站遭植入網頁後門
//! 分享等級：AMBER
//! 情資內容：本中心接獲通報，某網站遭植入網頁後門。
//!   攻擊者並與下列中繼站連線：
//!
//!     hxxp://198.51.100[.]7:8080/gate.php
//! 參考資訊：
//! 受害IP：203.0.113.5, 443, TCP
//!   203.0.113.6
//! 惡意IP連線資訊：
//!   來源 198.51.100.7:8080/tcp
//! 掃描資訊：ClamAV，防毒，1.0.5，Win.Trojan.Agent
//! ```
//!
//! - **Field line**: a label, a colon, the value's first line. The label is the Chinese name
//!   ([`IntelField::zh`]), the English key ([`IntelField::key`], any case) or either followed
//!   by a parenthesized hint, e.g. `事件主旨 (event_subject)` ([`IntelField::label`]). The
//!   colon is ASCII `:` or full-width `：` (or a look-alike); spaces around the label and
//!   after the colon are ignored. [`emit`] writes every field, empty ones included, with
//!   the Chinese name and `：`, so its output of an empty record is a complete template.
//! - **Continuation lines** start with the two-space indent (or a tab), which is removed;
//!   the rest of the line is kept as written, so an empty line inside a value is written as
//!   the two spaces alone. A value's first line is on the field line, unless it is empty,
//!   starts with white space or is a fence, in which case the whole value is on the
//!   continuation lines (a field line with nothing after the colon).
//! - **Unindented lines** that follow a value directly also continue it, for hand-written
//!   forms. A blank line ends a value as far as unindented text goes: blank lines between
//!   fields are ignored, and blank lines inside a value count only when an indented line
//!   follows. An unindented line shaped like a label of no known field (`影響範圍：…`)
//!   belongs to no field, except inside the long free texts (情資內容, 聯絡資訊, 建議措施,
//!   參考資訊, 附件, 影響平台, 手法研判), where `電話：…` is ordinary text.
//! - **Fences**: a field line with nothing after the colon but three or more backticks, or
//!   such a line (unindented) right below it, opens a fence; every following line is the
//!   value verbatim, labels included, until a line of at least as many backticks alone.
//! - **受害IP, 惡意IP連線資訊 and 掃描資訊** are free texts like the others (the seed says
//!   字串): kept exactly as written, never refused for how they are written. The entries
//!   derived from them, and what could not be read, come from
//!   [`tocsin_domain::intel::notation`]; [`ParseOutcome::notation_warnings`] gives the
//!   latter with their line numbers in the form.
//!
//! Lines before the first field line are ignored (a greeting, a title). Nothing after it is
//! dropped silently: a line belonging to no field is in [`ParseOutcome::unknown_lines`], and
//! a field given twice or an unclosed fence is a [`Problem`]. Values are kept
//! as written (strings): checking them is [`IntelInput::validate`]'s job. For every text,
//! `parse(&emit(input)).input == input` (line breaks written as `\n`).
//!
//! Known limit: an unindented line of a hand-written value that starts with a known label
//! and a colon starts that field; indent such lines, or fence the value.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use tocsin_domain::intel::notation::Warning;
use tocsin_domain::intel::{IntelField, IntelInput, IntelRecord};

use crate::form_lines::{COLONS, folded_len, match_alias, strip_colon, strip_group};
use crate::text;

/// The continuation indent.
const INDENT: &str = "  ";
/// The colon [`emit`] writes after a label.
const COLON: char = '：';

/// Why a field could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProblemKind {
    /// The field is given more than once with different values; the first is used.
    #[error("given more than once with different values")]
    Duplicate,
    /// A fence is never closed; the value runs to the end of the text.
    #[error("the fence is not closed")]
    UnclosedFence,
}

/// Something in a field that could not be read, with its line (1-based) and text, so
/// nothing is lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("line {line}, {}: {kind}", .field.label())]
pub struct Problem {
    /// The field (serialized as its English key).
    #[serde(serialize_with = "field_key")]
    pub field: IntelField,
    /// The line number, 1-based: the field line.
    pub line: usize,
    /// What is wrong.
    pub kind: ProblemKind,
    /// For a duplicate the later value, as read.
    pub text: String,
}

fn field_key<S: Serializer>(field: &IntelField, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(field.key())
}

/// What [`parse`] made of a text form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseOutcome {
    /// The values read; fields not present are empty.
    pub input: IntelInput,
    /// The encoding the bytes were decoded from ([`parse_bytes`] only).
    pub encoding: Option<&'static str>,
    /// True when decoding replaced malformed bytes with U+FFFD ([`parse_bytes`] only).
    pub lossy: bool,
    /// Lines after the first field line that belong to no field: line number (1-based)
    /// and the line as written.
    pub unknown_lines: Vec<(usize, String)>,
    /// Fields given twice, an unclosed fence; in line order.
    pub problems: Vec<Problem>,
    /// For each field read, the form's line number of each line of its value (the field
    /// line first when the value starts there).
    #[serde(skip)]
    pub value_lines: BTreeMap<IntelField, Vec<usize>>,
}

impl ParseOutcome {
    /// The form's line of a field: where its (first) value was read.
    pub fn field_line(&self, field: IntelField) -> Option<usize> {
        self.value_lines
            .get(&field)
            .and_then(|l| l.first().copied())
    }

    /// What the readers of 受害IP, 惡意IP連線資訊 and 掃描資訊 could not read, each with
    /// the form's line number in place of the value's.
    pub fn notation_warnings(&self) -> Vec<(IntelField, Warning)> {
        let Ok(record) = self.input.validate() else {
            return Vec::new();
        };
        let mut out = record.notation_warnings();
        for (field, w) in &mut out {
            if let Some(n) = self
                .value_lines
                .get(field)
                .and_then(|l| l.get(w.line.saturating_sub(1)))
            {
                w.line = *n;
            }
        }
        out.sort_by_key(|(_, w)| w.line);
        out
    }
}

// ---------------------------------------------------------------------------------------
// Emit
// ---------------------------------------------------------------------------------------

/// The empty form: every label with nothing after it.
pub fn template() -> String {
    emit(&IntelInput::default())
}

/// A filled-in form with an example of every field, written as partners write them (the
/// free texts 受害IP, 惡意IP連線資訊 and 掃描資訊 in their natural notations): what
/// `/intel/template.txt` offers, to overwrite. It validates, and its free texts read
/// without a warning (tested).
pub fn example() -> IntelInput {
    let s = |v: &str| v.to_owned();
    IntelInput {
        category: s("INT"),
        subject: s("某金融機構對外網站遭植入網頁後門"),
        source: s("TWCERT/CC"),
        published_at: s("2026-03-02T14:30:00+08:00"),
        tlp: s("amber"),
        dispatch_id: s("TWCERT-INT-2026-0042"),
        event_subject: s("網站伺服器遭入侵並植入網頁後門"),
        event_discovered_at: s("2026-02-27T09:15:00+08:00"),
        event_sent_at: s("2026-02-27T11:00:00+08:00"),
        event_resolved_at: s("2026-03-01T18:00:00+08:00"),
        content: s(
            "本中心接獲通報，某網站遭利用檔案上傳漏洞植入網頁後門，並與中繼站 hxxp://198.51.100[.]7:8080/gate.php 連線。",
        ),
        intel_type: s("入侵攻擊"),
        publisher: s("台灣電腦網路危機處理暨協調中心"),
        contact: s("電話：02-2345-6789\n電子郵件：soc@example.org.tw"),
        impact_level: s("3"),
        recommendation: s("1. 更新網站上傳元件。\n2. 封鎖惡意連線資訊中的位址。"),
        references: s("https://www.example.org/advisory/2026-0042"),
        attachments: s("webshell-sample.zip（解壓縮密碼 infected）"),
        victim_ip: s("203.0.113.5，443，TCP\n203.0.113.6（郵件伺服器）"),
        affected_platforms: s("Windows Server 2019、Apache Tomcat 9.0"),
        technique: s("利用檔案上傳漏洞植入網頁後門。"),
        malicious_connections: s(
            "目的IP：198.51.100.7 目的埠：8080 協定：TCP\n來源 203.0.113.99:4444/tcp",
        ),
        scan_info: s("ClamAV，防毒，1.0.5，Win.Trojan.Agent-1234"),
        source_id: s("TWCERT-INT-2026-0041"),
        source_time: s("2026-03-01T09:00:00+08:00"),
    }
}

/// Writes a checked record ([`IntelRecord::to_input`], then [`emit`]).
pub fn emit_record(record: &IntelRecord) -> String {
    emit(&record.to_input())
}

/// Writes a record as the text form, every field in [`IntelField::ALL`] order (empty ones
/// with an empty value); [`parse`] reads back exactly `input`, line breaks as `\n`.
pub fn emit(input: &IntelInput) -> String {
    let mut out = String::new();
    for field in IntelField::ALL {
        out.push_str(field.zh());
        out.push(COLON);
        push_text(&mut out, input.text(field));
    }
    out
}

fn push_indented(out: &mut String, line: &str) {
    out.push_str(INDENT);
    out.push_str(line);
    out.push('\n');
}

/// A text value after its label: the first line there when it reads back unchanged, the
/// rest (or all) on indented continuation lines.
fn push_text(out: &mut String, value: &str) {
    let value = text::normalize_newlines(value);
    if value.is_empty() {
        out.push('\n');
        return;
    }
    let mut lines = value.split('\n');
    if let Some(first) = lines.next() {
        // Parsing drops leading spaces after the colon and opens a fence on backticks.
        let inline = !first.is_empty()
            && !first.starts_with(char::is_whitespace)
            && fence_len(first).is_none();
        if inline {
            out.push_str(first);
            out.push('\n');
        } else {
            out.push('\n');
            push_indented(out, first);
        }
    }
    for line in lines {
        push_indented(out, line);
    }
}

// ---------------------------------------------------------------------------------------
// Parse: lines to field occurrences
// ---------------------------------------------------------------------------------------

/// Decodes a file of unknown encoding ([`text::decode`]) and parses it.
pub fn parse_bytes(bytes: &[u8]) -> ParseOutcome {
    let decoded = text::decode(bytes);
    let mut outcome = parse(&decoded.text);
    outcome.encoding = Some(decoded.encoding);
    outcome.lossy = decoded.lossy;
    outcome
}

/// Reads a text form (already decoded; CRLF or CR line ends are fine). Never panics; see
/// the module documentation for the syntax.
pub fn parse(input: &str) -> ParseOutcome {
    let input = text::normalize_newlines(input);
    let input = input.strip_prefix('\u{feff}').unwrap_or(&input);
    let mut reader = Reader {
        state: State::Before,
        done: Vec::new(),
        unknown_lines: Vec::new(),
    };
    for (i, line) in input.split('\n').enumerate() {
        reader.line(i + 1, line);
    }
    reader.end_field();
    let Reader {
        done,
        unknown_lines,
        ..
    } = reader;
    let mut outcome = ParseOutcome {
        input: IntelInput::default(),
        encoding: None,
        lossy: false,
        unknown_lines,
        problems: Vec::new(),
        value_lines: BTreeMap::new(),
    };
    let mut filled: BTreeSet<IntelField> = BTreeSet::new();
    for occ in &done {
        read_occurrence(occ, &mut filled, &mut outcome);
    }
    outcome.problems.sort_by_key(|p| p.line);
    outcome
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fence {
    None,
    Open { ticks: usize },
    Closed,
}

/// One appearance of a field: the text after its colon and the lines of its value.
struct Occurrence {
    field: IntelField,
    line: usize,
    inline: String,
    lines: Vec<(usize, String)>,
    /// Blank lines seen since the last value line: kept only if an indented line follows.
    pending_blank: Vec<usize>,
    fence: Fence,
}

enum State {
    /// Before the first field line: everything is ignored.
    Before,
    In(Occurrence),
    /// After a line that belongs to no field, up to the next field line.
    Unknown,
}

struct Reader {
    state: State,
    done: Vec<Occurrence>,
    unknown_lines: Vec<(usize, String)>,
}

impl Reader {
    fn end_field(&mut self) {
        if let State::In(occ) = std::mem::replace(&mut self.state, State::Unknown) {
            self.done.push(occ);
        }
    }

    fn start(&mut self, line: usize, field: IntelField, inline: String) {
        self.end_field();
        let (inline, fence) = match fence_len(&inline) {
            Some(ticks) => (String::new(), Fence::Open { ticks }),
            None => (inline, Fence::None),
        };
        self.state = State::In(Occurrence {
            field,
            line,
            inline,
            lines: Vec::new(),
            pending_blank: Vec::new(),
            fence,
        });
    }

    fn unknown(&mut self, n: usize, raw: &str) {
        self.end_field();
        self.unknown_lines.push((n, raw.to_owned()));
    }

    fn line(&mut self, n: usize, raw: &str) {
        if let State::In(occ) = &mut self.state
            && let Fence::Open { ticks } = occ.fence
        {
            if fence_len(raw).is_some_and(|t| t >= ticks) {
                occ.fence = Fence::Closed;
            } else {
                occ.lines.push((n, raw.to_owned()));
            }
            return;
        }
        let indented = raw.starts_with(INDENT) || raw.starts_with('\t');
        if !indented && raw.trim().is_empty() {
            if let State::In(occ) = &mut self.state
                && occ.fence == Fence::None
            {
                occ.pending_blank.push(n);
            }
            return;
        }
        if indented {
            match &mut self.state {
                State::Before => {
                    if let Some((field, inline)) = label(raw.trim_start()) {
                        self.start(n, field, inline);
                    }
                }
                State::In(occ) if occ.fence == Fence::None => {
                    for b in occ.pending_blank.drain(..) {
                        occ.lines.push((b, String::new()));
                    }
                    let stripped = raw
                        .strip_prefix(INDENT)
                        .or_else(|| raw.strip_prefix('\t'))
                        .unwrap_or(raw);
                    occ.lines.push((n, stripped.to_owned()));
                }
                State::In(_) | State::Unknown => self.unknown(n, raw),
            }
            return;
        }
        if let Some((field, inline)) = label(raw.trim_start()) {
            self.start(n, field, inline);
            return;
        }
        let ticks = fence_len(raw);
        match &mut self.state {
            State::Before => {}
            State::In(occ) if occ.fence == Fence::None => {
                let empty = occ.inline.is_empty() && occ.lines.is_empty();
                if let (true, Some(ticks)) = (empty, ticks) {
                    // A fence may follow its label after blank lines: it is nothing else.
                    occ.fence = Fence::Open { ticks };
                    occ.pending_blank.clear();
                } else if occ.pending_blank.is_empty()
                    && (occ.field.is_free_text() || !label_like(raw))
                {
                    occ.lines.push((n, raw.to_owned()));
                } else {
                    self.unknown(n, raw);
                }
            }
            State::In(_) | State::Unknown => self.unknown(n, raw),
        }
    }
}

/// The number of backticks of a fence line: three or more backticks alone.
fn fence_len(line: &str) -> Option<usize> {
    let t = line.trim();
    (t.len() >= 3 && t.bytes().all(|b| b == b'`')).then_some(t.len())
}

/// Every label with its field, longest (in folded characters) first, so a key is not
/// taken for a shorter one it starts with (`source_id` / `source`).
static LABELS: LazyLock<Vec<(IntelField, &'static str)>> = LazyLock::new(|| {
    let mut all: Vec<(IntelField, &'static str)> = IntelField::ALL
        .iter()
        .flat_map(|f| [(*f, f.zh()), (*f, f.key())])
        .collect();
    all.sort_by_key(|(_, a)| std::cmp::Reverse(folded_len(a)));
    all
});

/// A field line (leading spaces already removed): the field and the text after the colon.
fn label(s: &str) -> Option<(IntelField, String)> {
    for (field, name) in LABELS.iter() {
        let Some(after) = match_alias(s, name) else {
            continue;
        };
        let mut rest = after.trim_start();
        // A hint between label and colon: "事件主旨 (event_subject)：".
        if let Some((_, behind)) = strip_group(rest)
            && strip_colon(behind.trim_start()).is_some()
        {
            rest = behind.trim_start();
        }
        if let Some(value) = strip_colon(rest) {
            return Some((*field, value.trim_start().to_owned()));
        }
    }
    None
}

/// An unindented line shaped like `名稱：…` of a field this form does not have: a short
/// name starting with a letter, of letters, digits, spaces and a few signs, then a colon
/// (not `://`, so a URL is not a label).
fn label_like(raw: &str) -> bool {
    let s = raw.trim();
    let Some(pos) = s.find(COLONS) else {
        return false;
    };
    let (name, rest) = s.split_at(pos);
    if strip_colon(rest).is_some_and(|after| after.starts_with("//")) {
        return false;
    }
    let name = name.trim();
    let count = name.chars().count();
    (2..=30).contains(&count)
        && name.chars().next().is_some_and(char::is_alphabetic)
        && name.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '_' | '-' | ' ' | '(' | ')' | '（' | '）' | '/' | '／' | '.'
                )
        })
}

// ---------------------------------------------------------------------------------------
// Parse: occurrences to values
// ---------------------------------------------------------------------------------------

/// The value lines of an occurrence: the field line's text (if any) first.
fn value_lines(occ: &Occurrence) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(occ.lines.len() + 1);
    if !occ.inline.is_empty() {
        out.push((occ.line, occ.inline.as_str()));
    }
    out.extend(occ.lines.iter().map(|(n, l)| (*n, l.as_str())));
    out
}

fn read_occurrence(occ: &Occurrence, filled: &mut BTreeSet<IntelField>, out: &mut ParseOutcome) {
    let field = occ.field;
    if let Fence::Open { .. } = occ.fence {
        out.problems.push(Problem {
            field,
            line: occ.line,
            kind: ProblemKind::UnclosedFence,
            text: String::new(),
        });
    }
    let lines = value_lines(occ);
    let value = lines
        .iter()
        .map(|(_, l)| *l)
        .collect::<Vec<&str>>()
        .join("\n");
    // The first non-empty value wins; an empty one (a template's label) never counts.
    let first = !filled.contains(&field);
    let changed = set_value(out.input.text_mut(field), value.clone(), filled, field);
    if first && filled.contains(&field) {
        out.value_lines
            .insert(field, lines.iter().map(|(n, _)| *n).collect());
    }
    if changed {
        out.problems.push(Problem {
            field,
            line: occ.line,
            kind: ProblemKind::Duplicate,
            text: value,
        });
    }
}

/// Stores `value` unless it is empty or the field already has one; true when it had a
/// different one (a duplicate).
fn set_value<T: Default + PartialEq>(
    slot: &mut T,
    value: T,
    filled: &mut BTreeSet<IntelField>,
    field: IntelField,
) -> bool {
    if value == T::default() {
        return false;
    }
    if filled.insert(field) {
        *slot = value;
        return false;
    }
    *slot != value
}

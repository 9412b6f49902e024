//! Bulk import of intel records by the operator (`tocsin intel import`): TXT forms (one
//! record a file, any encoding the form parser reads), JSON lines (one [`IntelInput`]
//! object a line) and STIX 2.1 bundles of any size, stored as drafts of channel `import`.
//!
//! A bundle is read one object at a time ([`stix::stream_objects`]) in windows of
//! [`STIX_WINDOW`] objects. In a window, each report becomes a record with the objects it
//! names (as a TAXII post makes it, [`stix::read_objects`]), and the objects no report of
//! the window names become one more record per TLP that lists them, so that nothing is
//! dropped and each keeps its TLP: a report whose objects lie in a later window leaves
//! them to that window's records. An
//! object that is not a STIX object (no `type--uuid` id, a bad timestamp) is reported in
//! its place, and reading goes on. A record whose objects carry no time (bare SCOs) is
//! published at its import.
//!
//! The import streams: records are read, checked and stored in batches
//! ([`ImportOptions::batch_size`], 4,000 by default, fewer when their text passes
//! [`MAX_BATCH_BYTES`]), each batch one transaction with one
//! audit entry, so memory stays flat whatever the size of the input. Reading and checking
//! run on a blocking thread and hand finished batches to the writer through a channel two
//! batches deep, so the checking of one batch overlaps the writing of the one before.
//!
//! A bad record is reported ([`Rejected`]: where it is, which field, what is wrong) and not
//! stored; the others go on, or with [`ImportOptions::strict`] the import stops at the first
//! bad record (those before it are stored). Nothing is dropped silently: a TXT line that
//! belongs to no field, an entry the form parser could not read, a JSON key that is not one
//! of the 25 fields or bytes that did not decode all make the record bad.
//!
//! The caller has decided that the actor may import (the CLI is the operator); there is no
//! policy check here. [`read_txt`] and [`read_json_line`] are the checks on their own, for
//! `tocsin intel parse` and anyone else who wants the same verdict.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use serde_json::Value;
use tocsin_domain::intel::{IntelField, IntelInput, IntelRecord};
use tocsin_domain::{FieldError, IntelId, Timestamp};
use tocsin_formats::intel_form::{self, ProblemKind};
use tocsin_formats::stix::{self, ObjectMeta};
use tocsin_storage::intel::PreparedIntel;
use tocsin_storage::{NewAuditEntry, NewIntel, StorageError, Store};

use super::intel::{Channel, new_row, observables_of};
use crate::i18n::Tr;

/// The most bytes one record may take (a JSON line or a TXT file): well above the largest
/// record the limits of [`IntelInput::validate`] allow.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// Records per batch (one transaction) unless told otherwise. Measured on 200,000
/// records of about 1.5 KiB (December 2026): 4,000 imported about 6% faster than 2,000
/// (fewer commits, each of which syncs the WAL and flushes the search indexes) with a
/// peak of 129 MiB instead of 81; 8,000 was no faster and peaked at 171 MiB.
pub const DEFAULT_BATCH_SIZE: usize = 4000;

/// A batch is sent early once its records hold this much text, so that memory stays flat
/// when records are large (a STIX window's record lists up to 1,000 objects).
pub const MAX_BATCH_BYTES: usize = 16 << 20;

/// The objects of a STIX bundle read together (module documentation): large enough that a
/// partner's report usually comes with its objects, small enough that the record listing
/// the rest stays within the content limit.
pub const STIX_WINDOW: usize = 1000;

/// How a source is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// By the name (`.txt`; `.jsonl`, `.ndjson`; `.stix`), else by the start: JSON whose
    /// start has `"type": "bundle"` or `"objects": [` is a STIX bundle, other JSON (`{`)
    /// is JSON lines, anything else a TXT form.
    Auto,
    /// One JSON object a line; blank lines are skipped.
    JsonLines,
    /// One TXT form (the whole source is one record).
    Txt,
    /// A STIX 2.1 bundle (or TAXII envelope) of any size.
    Stix,
}

impl Format {
    /// Parses `auto`, `jsonl` (or `json`, `ndjson`), `txt` or `stix`.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(Format::Auto),
            "jsonl" | "json" | "ndjson" => Some(Format::JsonLines),
            "txt" => Some(Format::Txt),
            "stix" => Some(Format::Stix),
            _ => None,
        }
    }
}

/// One input: its name for messages (a file name, `-`), how it is written, and its bytes.
pub struct Source {
    /// The name messages give.
    pub name: String,
    /// How it is written.
    pub format: Format,
    /// The bytes.
    pub reader: Box<dyn Read + Send>,
}

impl Source {
    /// A source read from `reader`.
    pub fn new(
        name: impl Into<String>,
        format: Format,
        reader: impl Read + Send + 'static,
    ) -> Self {
        Source {
            name: name.into(),
            format,
            reader: Box::new(reader),
        }
    }
}

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Records per transaction (at least 1).
    pub batch_size: usize,
    /// Stop at the first bad record.
    pub strict: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            batch_size: DEFAULT_BATCH_SIZE,
            strict: false,
        }
    }
}

/// What is wrong with a record, or with one field or line of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// The TXT form parser could not read an entry or a field ([`intel_form::Problem`]),
    /// with the text as read.
    Form(ProblemKind, String),
    /// A TXT line after the first field that belongs to no field.
    UnknownLine(String),
    /// Bytes that are malformed in the encoding they were read as.
    Lossy(&'static str),
    /// Not JSON.
    Json(String),
    /// JSON, but not an object.
    NotAnObject,
    /// A JSON key that is not one of the 25 fields.
    UnknownKey(String),
    /// A JSON value of the wrong type (serde's words).
    WrongType(String),
    /// Longer than [`MAX_RECORD_BYTES`].
    TooLong,
    /// A field [`IntelInput::validate`] refused.
    Field(FieldError),
    /// A STIX bundle, object or report that cannot be read (the reader's words, naming the
    /// object and the field).
    Stix(String),
}

/// One problem of a record: the line it is on (when known) and the field (when it is
/// about one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// The line, 1-based.
    pub line: Option<usize>,
    /// The field.
    pub field: Option<IntelField>,
    /// What is wrong.
    pub kind: IssueKind,
}

impl Issue {
    fn new(line: Option<usize>, field: Option<IntelField>, kind: IssueKind) -> Issue {
        Issue { line, field, kind }
    }

    /// The message, field errors in `tr`'s language (the others are in English):
    /// `line 9, 惡意IP連線資訊 (malicious_connections): value "…" has no key`.
    pub fn message(&self, tr: &Tr) -> String {
        let what = match &self.kind {
            IssueKind::Form(kind, text) => format!("{kind}: {text:?}"),
            IssueKind::UnknownLine(text) => format!("belongs to no field: {text:?}"),
            IssueKind::Lossy(encoding) => {
                format!("bytes that are not valid {encoding} (they would become U+FFFD)")
            }
            IssueKind::Json(e) => format!("not JSON: {e}"),
            IssueKind::NotAnObject => "not a JSON object".to_string(),
            IssueKind::UnknownKey(k) => format!("{k:?} is not one of the 25 fields"),
            IssueKind::WrongType(e) => e.clone(),
            IssueKind::TooLong => format!("longer than {MAX_RECORD_BYTES} bytes"),
            IssueKind::Stix(e) => e.clone(),
            // Names the field itself.
            IssueKind::Field(e) if e.args.iter().any(|(k, _)| *k == "field") => {
                let m = tr.field_error(e);
                return match self.line {
                    Some(l) => format!("line {l}, {m}"),
                    None => m,
                };
            }
            IssueKind::Field(e) => tr.field_error(e),
        };
        match (self.line, self.field) {
            (Some(l), Some(f)) => format!("line {l}, {}: {what}", f.label()),
            (Some(l), None) => format!("line {l}: {what}"),
            (None, Some(f)) => format!("{}: {what}", f.label()),
            (None, None) => what,
        }
    }
}

/// A record that was not stored.
#[derive(Clone, Debug)]
pub struct Rejected {
    /// The source's name.
    pub source: Arc<str>,
    /// The record's line (JSON lines); `None` for a TXT source, which is one record.
    pub line: Option<usize>,
    /// Everything wrong with it.
    pub issues: Vec<Issue>,
}

impl Rejected {
    /// One message a problem, each starting with the source: `a.jsonl: line 3, …`.
    pub fn messages(&self, tr: &Tr) -> Vec<String> {
        self.issues
            .iter()
            .map(|i| format!("{}: {}", self.source, i.message(tr)))
            .collect()
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records read (good and bad).
    pub read: u64,
    /// Records stored (committed).
    pub stored: u64,
    /// Bad records, not stored.
    pub rejected: u64,
    /// Transactions committed.
    pub batches: u64,
    /// With `strict`, where the import stopped: the bad record's source and line.
    pub stopped_at: Option<(String, Option<usize>)>,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} records read, {} stored, {} rejected",
            self.read, self.stored, self.rejected
        )?;
        if let Some((source, line)) = &self.stopped_at {
            match line {
                Some(l) => write!(f, "; stopped at {source} line {l}")?,
                None => write!(f, "; stopped at {source}")?,
            }
        }
        Ok(())
    }
}

/// Why an import could not go on.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A source could not be read.
    #[error("reading {source_name}: {error}")]
    Read {
        /// The source.
        source_name: String,
        /// The error.
        error: std::io::Error,
    },
    /// The database refused.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A record could not be made into a row (a bug).
    #[error("internal error: {0}")]
    Internal(String),
}

/// An import that stopped on an error: what it had done by then (the batches committed
/// before the error stay) and the error.
#[derive(Debug, thiserror::Error)]
#[error("{error} (by then: {summary})")]
pub struct ImportFailure {
    /// What was done before the error.
    pub summary: ImportSummary,
    /// The error.
    pub error: ImportError,
}

/// Reads a TXT form: the record, or everything wrong with it at once (problems and lines
/// of no field in line order, then the fields validation refused, each at its field's
/// line).
pub fn read_txt(bytes: &[u8]) -> Result<IntelRecord, Vec<Issue>> {
    let out = intel_form::parse_bytes(bytes);
    let mut issues: Vec<Issue> = Vec::new();
    if out.lossy {
        issues.push(Issue::new(
            None,
            None,
            IssueKind::Lossy(out.encoding.unwrap_or("UTF-8")),
        ));
    }
    let mut lined: Vec<Issue> = out
        .problems
        .iter()
        .map(|p| {
            Issue::new(
                Some(p.line),
                Some(p.field),
                IssueKind::Form(p.kind.clone(), p.text.clone()),
            )
        })
        .chain(
            out.unknown_lines
                .iter()
                .map(|(n, text)| Issue::new(Some(*n), None, IssueKind::UnknownLine(text.clone()))),
        )
        .collect();
    lined.sort_by_key(|i| i.line);
    issues.extend(lined);
    match out.input.validate() {
        Ok(record) if issues.is_empty() => Ok(record),
        Ok(_) => Err(issues),
        Err(errors) => {
            // Each refused field at the line it was read from (none when it is missing).
            let mut refused = field_issues(&errors, None);
            for i in &mut refused {
                i.line = i.field.and_then(|f| out.field_line(f));
            }
            issues.extend(refused);
            Err(issues)
        }
    }
}

fn field_issues(errors: &tocsin_domain::validate::FieldErrors, line: Option<usize>) -> Vec<Issue> {
    let mut v: Vec<Issue> = errors
        .iter()
        .map(|(key, e)| Issue::new(line, IntelField::from_key(key), IssueKind::Field(e.clone())))
        .collect();
    // In the form's order of fields.
    v.sort_by_key(|i| i.field);
    v
}

/// Reads one JSON line (an [`IntelInput`] object; `line` is its number, for the issues):
/// the record, or everything wrong with it.
pub fn read_json_line(json: &[u8], line: usize) -> Result<IntelRecord, Vec<Issue>> {
    let at = Some(line);
    // The common case in one pass, the keys watched as the record's own reader takes
    // them; the rare bad line is looked at again for everything wrong with it.
    match serde_json::from_slice::<Watched>(json) {
        Ok(Watched { input, unknown }) => {
            if !unknown.is_empty() {
                return Err(unknown
                    .into_iter()
                    .map(|k| Issue::new(at, None, IssueKind::UnknownKey(k)))
                    .collect());
            }
            input.validate().map_err(|e| field_issues(&e, at))
        }
        Err(e) => Err(json_problems(json, at, &e)),
    }
}

/// An [`IntelInput`] read from a JSON object together with the object's keys that are
/// not fields of the record, in the order given: the derived reader skips such keys, so
/// each key is looked at on its way to it.
struct Watched {
    input: IntelInput,
    unknown: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for Watched {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};

        /// The object, its keys passed through [`KeySeed`].
        struct Keys<'u, A> {
            map: A,
            unknown: &'u mut Vec<String>,
        }
        impl<'de, A: MapAccess<'de>> MapAccess<'de> for Keys<'_, A> {
            type Error = A::Error;
            fn next_key_seed<K: DeserializeSeed<'de>>(
                &mut self,
                seed: K,
            ) -> Result<Option<K::Value>, A::Error> {
                self.map.next_key_seed(KeySeed {
                    seed,
                    unknown: self.unknown,
                })
            }
            fn next_value_seed<V: DeserializeSeed<'de>>(
                &mut self,
                seed: V,
            ) -> Result<V::Value, A::Error> {
                self.map.next_value_seed(seed)
            }
            fn size_hint(&self) -> Option<usize> {
                self.map.size_hint()
            }
        }

        /// Reads a key as a string, notes it when it names no field, and hands it to the
        /// record's reader.
        struct KeySeed<'u, K> {
            seed: K,
            unknown: &'u mut Vec<String>,
        }
        impl<K> KeySeed<'_, K> {
            fn note(&mut self, key: &str) {
                if IntelField::from_key(key).is_none() {
                    self.unknown.push(key.to_string());
                }
            }
        }
        impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
            type Value = K::Value;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
                d.deserialize_str(self)
            }
        }
        impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for KeySeed<'_, K> {
            type Value = K::Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(mut self, k: &'de str) -> Result<K::Value, E> {
                self.note(k);
                self.seed
                    .deserialize(de::value::BorrowedStrDeserializer::new(k))
            }
            fn visit_str<E: de::Error>(mut self, k: &str) -> Result<K::Value, E> {
                self.note(k);
                self.seed.deserialize(k.into_deserializer())
            }
        }

        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Watched;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Watched, A::Error> {
                let mut unknown = Vec::new();
                let input = <IntelInput as serde::Deserialize>::deserialize(
                    de::value::MapAccessDeserializer::new(Keys {
                        map,
                        unknown: &mut unknown,
                    }),
                )?;
                Ok(Watched { input, unknown })
            }
        }
        d.deserialize_map(Object)
    }
}

/// What is wrong with a JSON line that is not an [`IntelInput`]: not JSON, not an
/// object, keys that are not fields, or values of the wrong type (each field alone).
fn json_problems(json: &[u8], at: Option<usize>, first: &serde_json::Error) -> Vec<Issue> {
    let value: serde_json::Value = match serde_json::from_slice(json) {
        Ok(v) => v,
        Err(e) => return vec![Issue::new(at, None, IssueKind::Json(e.to_string()))],
    };
    let Some(map) = value.as_object() else {
        return vec![Issue::new(at, None, IssueKind::NotAnObject)];
    };
    let unknown: Vec<Issue> = map
        .keys()
        .filter(|k| IntelField::from_key(k).is_none())
        .map(|k| Issue::new(at, None, IssueKind::UnknownKey(k.clone())))
        .collect();
    if !unknown.is_empty() {
        return unknown;
    }
    let issues: Vec<Issue> = super::intel::wrong_type_fields(map)
        .into_iter()
        .map(|(f, e)| Issue::new(at, Some(f), IssueKind::WrongType(e)))
        .collect();
    if issues.is_empty() {
        // Not about one field (a key given twice, say): serde's words for the line.
        vec![Issue::new(
            at,
            None,
            IssueKind::WrongType(first.to_string()),
        )]
    } else {
        issues
    }
}

/// Where a record is, for the audit entry: a line of JSON lines, or the first object of
/// the window of a STIX bundle it was read from.
#[derive(Clone, Debug)]
struct Location {
    source: Arc<str>,
    line: Option<usize>,
    object: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.object) {
            (Some(l), _) => write!(f, "{}:{l}", self.source),
            (None, Some(o)) => write!(f, "{} object {o}", self.source),
            (None, None) => f.write_str(&self.source),
        }
    }
}

/// Records ready to store.
struct Batch {
    rows: Vec<PreparedIntel>,
    first: Location,
    last: Location,
}

enum Msg {
    Batch(Batch),
    Rejected(Rejected),
}

/// Reads, checks and stores every source in order (see the module documentation); calls
/// `on_rejected` for each bad record as it is found. With `store` `None` it only checks:
/// nothing is written and `stored` stays 0. `actor` is the audit entry each batch writes
/// (its action, target and detail are filled in: `intel.import`, the ids and where the
/// records came from). `now` is the import's time: every draft's creation, and the date of
/// STIX objects that carry none.
pub async fn import(
    store: Option<&Store>,
    now: Timestamp,
    sources: Vec<Source>,
    opts: &ImportOptions,
    actor: &NewAuditEntry,
    mut on_rejected: impl FnMut(&Rejected),
) -> Result<ImportSummary, ImportFailure> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(2);
    let batch_size = opts.batch_size.max(1);
    let strict = opts.strict;
    let reader = tokio::task::spawn_blocking(move || produce(sources, batch_size, strict, now, tx));
    let mut summary = ImportSummary::default();
    let fail = |summary: &ImportSummary, error: ImportError| ImportFailure {
        summary: summary.clone(),
        error,
    };
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Rejected(r) => {
                summary.read += 1;
                summary.rejected += 1;
                on_rejected(&r);
                if strict {
                    summary.stopped_at = Some((r.source.to_string(), r.line));
                }
            }
            Msg::Batch(b) => {
                summary.read += b.rows.len() as u64;
                if let Some(store) = store {
                    write_batch(store, &b, actor)
                        .await
                        .map_err(|e| fail(&summary, e.into()))?;
                    summary.stored += b.rows.len() as u64;
                    summary.batches += 1;
                }
            }
        }
    }
    match reader.await {
        Ok(Ok(())) => Ok(summary),
        Ok(Err(e)) => Err(fail(&summary, e)),
        Err(e) => Err(fail(
            &summary,
            ImportError::Internal(format!("reader: {e}")),
        )),
    }
}

async fn write_batch(store: &Store, b: &Batch, actor: &NewAuditEntry) -> Result<(), StorageError> {
    let (Some(first), Some(last)) = (
        b.rows.first().map(|p| p.row()),
        b.rows.last().map(|p| p.row()),
    ) else {
        return Ok(());
    };
    let mut tx = store.begin().await?;
    tx.insert_intel_batch(&b.rows).await?;
    let mut a = actor.clone();
    a.action = "intel.import".to_string();
    a.target_kind = "intel".to_string();
    a.target_id = String::new();
    a.detail = format!(
        "{} drafts, ids {}–{}, from {} to {}",
        b.rows.len(),
        first.id,
        last.id,
        b.first,
        b.last
    );
    tx.audit(&a).await?;
    tx.commit().await
}

/// The batching side of [`produce`]: gathers checked records into batches and sends them
/// and the rejections to the writer, in input order.
struct Sink {
    tx: tokio::sync::mpsc::Sender<Msg>,
    batch_size: usize,
    strict: bool,
    /// The import's time.
    now: Timestamp,
    batch: Vec<PreparedIntel>,
    /// The text the batch holds ([`PreparedIntel::text_bytes`]).
    bytes: usize,
    first: Option<Location>,
    last: Option<Location>,
}

impl Sink {
    /// Sends the pending batch; false when the writer has gone.
    fn flush(&mut self) -> bool {
        let (Some(first), Some(last)) = (self.first.take(), self.last.take()) else {
            return true;
        };
        let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_size));
        self.bytes = 0;
        self.tx
            .blocking_send(Msg::Batch(Batch { rows, first, last }))
            .is_ok()
    }

    /// Takes one record's verdict; false when the import is to stop (the writer has gone,
    /// or a bad record under `strict`).
    fn take(
        &mut self,
        loc: Location,
        checked: Result<IntelRecord, Vec<Issue>>,
    ) -> Result<bool, ImportError> {
        match checked {
            Ok(record) => {
                let new = to_new(&record, self.now)?;
                self.bytes += new.text_bytes();
                self.batch.push(new);
                if self.first.is_none() {
                    self.first = Some(loc.clone());
                }
                self.last = Some(loc);
                let full = self.batch.len() >= self.batch_size || self.bytes >= MAX_BATCH_BYTES;
                Ok(!full || self.flush())
            }
            Err(issues) => {
                if self.strict && !self.flush() {
                    return Ok(false);
                }
                let r = Rejected {
                    source: loc.source,
                    line: loc.line,
                    issues,
                };
                Ok(self.tx.blocking_send(Msg::Rejected(r)).is_ok() && !self.strict)
            }
        }
    }
}

/// The reading side, on a blocking thread: sends batches and rejections in input order.
/// Returns early (quietly) when the writer has gone.
fn produce(
    sources: Vec<Source>,
    batch_size: usize,
    strict: bool,
    now: Timestamp,
    tx: tokio::sync::mpsc::Sender<Msg>,
) -> Result<(), ImportError> {
    let mut sink = Sink {
        tx,
        batch_size,
        strict,
        now,
        batch: Vec::with_capacity(batch_size),
        bytes: 0,
        first: None,
        last: None,
    };
    for source in sources {
        let name: Arc<str> = source.name.as_str().into();
        let read_err = |error| ImportError::Read {
            source_name: source.name.clone(),
            error,
        };
        let mut reader = BufReader::with_capacity(256 << 10, source.reader);
        let format = match source.format {
            Format::Auto => detect(&source.name, &mut reader).map_err(read_err)?,
            f => f,
        };
        if format == Format::Stix {
            if !read_stix(reader, &name, &mut sink)? {
                return Ok(());
            }
            continue;
        }
        let mut records = Records {
            reader,
            format,
            line: 0,
            done: false,
            buf: Vec::new(),
        };
        while let Some((line, checked)) = records.next_record().map_err(read_err)? {
            let loc = Location {
                source: name.clone(),
                line,
                object: None,
            };
            if !sink.take(loc, checked)? {
                return Ok(());
            }
        }
    }
    sink.flush();
    Ok(())
}

/// Reads a STIX bundle in windows of [`STIX_WINDOW`] objects into the sink (module
/// documentation). A bundle that stops being readable (cut short, not JSON) is one more
/// rejection, after the records of the objects read before the fault. False when the
/// import is to stop.
fn read_stix(reader: impl Read, name: &Arc<str>, sink: &mut Sink) -> Result<bool, ImportError> {
    let loc = |object: usize| Location {
        source: name.clone(),
        line: None,
        object: Some(object),
    };
    // Takes a window's records; false when the import is to stop.
    let take_window = |window: Vec<(ObjectMeta, Value)>, start: usize, sink: &mut Sink| {
        for checked in stix_window(window, start, sink.now) {
            if !sink.take(loc(start), checked)? {
                return Ok(false);
            }
        }
        Ok::<bool, ImportError>(true)
    };
    let mut window: Vec<(ObjectMeta, Value)> = Vec::with_capacity(STIX_WINDOW);
    let mut start = 0;
    let mut index = 0;
    // What stopped the reading: the sink's error, or `Ok(())` when it asked to stop.
    let mut stop: Option<Result<(), ImportError>> = None;
    let read = stix::stream_objects(reader, |object| {
        let at = index;
        index += 1;
        let went = match object {
            Ok(o) => {
                if window.is_empty() {
                    start = at;
                }
                window.push(o);
                if window.len() >= STIX_WINDOW {
                    let w = std::mem::replace(&mut window, Vec::with_capacity(STIX_WINDOW));
                    take_window(w, start, sink)
                } else {
                    Ok(true)
                }
            }
            Err(e) => {
                let issue = Issue::new(None, None, IssueKind::Stix(e.to_string()));
                sink.take(loc(at), Err(vec![issue]))
            }
        };
        match went {
            Ok(true) => true,
            Ok(false) => {
                stop = Some(Ok(()));
                false
            }
            Err(e) => {
                stop = Some(Err(e));
                false
            }
        }
    });
    match stop {
        Some(Ok(())) => return Ok(false),
        Some(Err(e)) => return Err(e),
        None => {}
    }
    if !window.is_empty() && !take_window(window, start, sink)? {
        return Ok(false);
    }
    match read {
        Ok(_) => Ok(true),
        Err(e) => {
            let issue = Issue::new(None, None, IssueKind::Stix(e.to_string()));
            sink.take(loc(index), Err(vec![issue]))
        }
    }
}

/// The draft records of one window of a bundle's objects (module documentation), each
/// checked; `first` is the window's first object, for the messages.
fn stix_window(
    objects: Vec<(ObjectMeta, Value)>,
    first: usize,
    // Objects without times (bare SCOs) date their record by its import.
    now: Timestamp,
) -> Vec<Result<IntelRecord, Vec<Issue>>> {
    let last = first + objects.len().saturating_sub(1);
    // The window's reports, and the drafts of what no report names, one per TLP.
    let records = match stix::read_objects(&objects, now) {
        Ok(records) => records,
        Err(e) => {
            return vec![Err(vec![Issue::new(
                None,
                None,
                IssueKind::Stix(e.to_string()),
            )])];
        }
    };
    records
        .into_iter()
        .map(|r| {
            r.input.validate().map_err(|e| {
                let what = r
                    .report_id
                    .unwrap_or_else(|| format!("the {} objects no report names", r.input.tlp));
                let mut issues = vec![Issue::new(
                    None,
                    None,
                    IssueKind::Stix(format!(
                        "{what} (objects {first}–{last}) cannot become a record"
                    )),
                )];
                issues.extend(field_issues(&e, None));
                issues
            })
        })
        .collect()
}

/// The row, search text and indicators of a checked record, as the other channels store
/// them ([`new_row`], [`observables_of`]), with its search tokens worked out.
fn to_new(record: &IntelRecord, now: Timestamp) -> Result<PreparedIntel, ImportError> {
    let row = new_row(IntelId::new(), record, None, Channel::Import.as_str(), now)
        .map_err(|e| ImportError::Internal(e.to_string()))?;
    Ok(PreparedIntel::new(NewIntel {
        row,
        search_text: record.search_text(),
        observables: observables_of(record, &[]),
    })?)
}

/// The format of an `Auto` source: by its name, else by its first character.
fn detect(name: &str, reader: &mut impl BufRead) -> std::io::Result<Format> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".txt") {
        return Ok(Format::Txt);
    }
    if lower.ends_with(".stix") {
        return Ok(Format::Stix);
    }
    if [".jsonl", ".ndjson"].iter().any(|e| lower.ends_with(e)) {
        return Ok(Format::JsonLines);
    }
    let head = reader.fill_buf()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    Ok(match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') if names_a_bundle(head) => Format::Stix,
        Some(b'{') => Format::JsonLines,
        _ if lower.ends_with(".json") => Format::JsonLines,
        _ => Format::Txt,
    })
}

/// Whether the start of a JSON text is a STIX bundle's: it has `"type": "bundle"`, or
/// `"objects": [` (a bundle written with sorted keys names its type last), with any spaces
/// between. A record of JSON lines has neither key.
fn names_a_bundle(head: &[u8]) -> bool {
    let skip = |mut i: usize| {
        while head.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    let member = |key: &[u8], value: &[u8]| {
        head.windows(key.len())
            .enumerate()
            .filter(|(_, w)| *w == key)
            .any(|(i, _)| {
                let colon = skip(i + key.len());
                head.get(colon) == Some(&b':')
                    && head
                        .get(skip(colon + 1)..)
                        .is_some_and(|r| r.starts_with(value))
            })
    };
    member(b"\"type\"", b"\"bundle\"") || member(b"\"objects\"", b"[")
}

/// One record at a time from a source: its line (JSON lines) and the verdict.
struct Records<R> {
    reader: R,
    format: Format,
    line: usize,
    done: bool,
    buf: Vec<u8>,
}

type Checked = (Option<usize>, Result<IntelRecord, Vec<Issue>>);

impl<R: BufRead> Records<R> {
    fn next_record(&mut self) -> std::io::Result<Option<Checked>> {
        if self.done {
            return Ok(None);
        }
        if self.format == Format::Txt {
            self.done = true;
            self.buf.clear();
            let limit = MAX_RECORD_BYTES as u64 + 1;
            (&mut self.reader).take(limit).read_to_end(&mut self.buf)?;
            if self.buf.len() > MAX_RECORD_BYTES {
                return Ok(Some((
                    None,
                    Err(vec![Issue::new(None, None, IssueKind::TooLong)]),
                )));
            }
            return Ok(Some((None, read_txt(&self.buf))));
        }
        loop {
            self.buf.clear();
            let limit = MAX_RECORD_BYTES as u64 + 1;
            let n = (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                self.done = true;
                return Ok(None);
            }
            self.line += 1;
            let line = self.line;
            if !self.buf.ends_with(b"\n") && self.buf.len() > MAX_RECORD_BYTES {
                // Skip the rest of the over-long line without holding it.
                loop {
                    let chunk = self.reader.fill_buf()?;
                    if chunk.is_empty() {
                        break;
                    }
                    match chunk.iter().position(|b| *b == b'\n') {
                        Some(i) => {
                            self.reader.consume(i + 1);
                            break;
                        }
                        None => {
                            let len = chunk.len();
                            self.reader.consume(len);
                        }
                    }
                }
                return Ok(Some((
                    Some(line),
                    Err(vec![Issue::new(Some(line), None, IssueKind::TooLong)]),
                )));
            }
            let mut text: &[u8] = &self.buf;
            if line == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
            }
            if text.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Ok(Some((Some(line), read_json_line(text, line))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_domain::Locale;

    const GOOD: &str = r#"{"category":"INT","subject":"中繼站","source":"TWCERT/CC","published_at":"2026-03-02T14:30:00+08:00","tlp":"amber","content":"連線 198.51.100.7"}"#;

    #[test]
    fn a_json_line_is_checked_whole() {
        let r = read_json_line(GOOD.as_bytes(), 1).expect("good");
        assert_eq!(r.subject, "中繼站");
        let tr = Tr::new(Locale::En);
        let bad = GOOD.replace(r#""tlp":"amber""#, r#""tlp":"purple""#);
        let e = read_json_line(bad.as_bytes(), 7).expect_err("bad tlp");
        assert_eq!(e[0].field, Some(IntelField::Tlp));
        assert!(
            e[0].message(&tr).starts_with("line 7, 分享等級 (tlp)"),
            "{}",
            e[0].message(&tr)
        );
        let e = read_json_line(GOOD.replace("subject", "subjet").as_bytes(), 2).expect_err("key");
        assert_eq!(e[0].kind, IssueKind::UnknownKey("subjet".into()));
        // Keys written with escapes are read as what they spell; every unknown key is
        // named, in the order given.
        let escaped = GOOD.replace(r#""subject""#, r#""sub\u006aect""#);
        assert_eq!(
            read_json_line(escaped.as_bytes(), 2)
                .expect("escaped key")
                .subject,
            "中繼站"
        );
        let two = GOOD
            .replace(r#""source""#, r#""x\u0079z""#)
            .replace(r#""content""#, r#""extra""#);
        let e = read_json_line(two.as_bytes(), 2).expect_err("keys");
        let kinds: Vec<&IssueKind> = e.iter().map(|i| &i.kind).collect();
        assert_eq!(
            kinds,
            [
                &IssueKind::UnknownKey("xyz".into()),
                &IssueKind::UnknownKey("extra".into())
            ]
        );
        let e = read_json_line(
            GOOD.replace(r#""content":"連線 198.51.100.7""#, r#""victim_ip":true"#)
                .as_bytes(),
            3,
        )
        .expect_err("type");
        assert_eq!(e[0].field, Some(IntelField::VictimIp));
        assert!(matches!(e[0].kind, IssueKind::WrongType(_)));
        assert!(matches!(
            read_json_line(b"[1]", 4).expect_err("array")[0].kind,
            IssueKind::NotAnObject
        ));
        assert!(matches!(
            read_json_line(b"{", 5).expect_err("json")[0].kind,
            IssueKind::Json(_)
        ));
    }

    #[test]
    fn records_come_line_by_line_with_their_numbers() {
        let text = format!("\u{feff}{GOOD}\n\n   \nnot json\n{GOOD}");
        let mut r = Records {
            reader: std::io::Cursor::new(text.into_bytes()),
            format: Format::JsonLines,
            line: 0,
            done: false,
            buf: Vec::new(),
        };
        let mut got = Vec::new();
        while let Some((line, checked)) = r.next_record().expect("read") {
            got.push((line, checked.is_ok()));
        }
        assert_eq!(
            got,
            vec![(Some(1), true), (Some(4), false), (Some(5), true)]
        );
    }

    #[test]
    fn formats_are_told_apart() {
        let mut json = std::io::Cursor::new(b"  {\"a\":1}".to_vec());
        assert_eq!(detect("-", &mut json).expect("detect"), Format::JsonLines);
        let mut txt = std::io::Cursor::new("情資種類：INT".as_bytes().to_vec());
        assert_eq!(detect("-", &mut txt).expect("detect"), Format::Txt);
        assert_eq!(detect("a.TXT", &mut json).expect("detect"), Format::Txt);
        assert_eq!(
            detect("a.jsonl", &mut txt).expect("detect"),
            Format::JsonLines
        );
        assert_eq!(Format::parse("JSONL"), Some(Format::JsonLines));
        assert_eq!(Format::parse("stix"), Some(Format::Stix));
        // A bundle, however it is spaced and wherever `type` comes; not a JSON line.
        for head in [
            "{\"type\": \"bundle\", \"objects\": []}",
            "{\n  \"id\": \"bundle--1\",\n  \"type\" :\n \"bundle\"}",
            "{\"id\": \"bundle--1\", \"objects\" : [{\"type\": \"ipv4-addr\"",
        ] {
            let mut c = std::io::Cursor::new(head.as_bytes().to_vec());
            assert_eq!(
                detect("x.json", &mut c).expect("detect"),
                Format::Stix,
                "{head}"
            );
        }
        let mut c = std::io::Cursor::new(b"{\"subject\": \"type bundle\"}".to_vec());
        assert_eq!(detect("x.json", &mut c).expect("detect"), Format::JsonLines);
        assert_eq!(detect("x.stix", &mut txt).expect("detect"), Format::Stix);
    }

    fn ip(n: usize) -> serde_json::Value {
        serde_json::json!({"type": "ipv4-addr", "spec_version": "2.1",
            "id": format!("ipv4-addr--00000000-0000-4000-8000-{n:012}"), "value": format!("10.0.{}.{}", n / 256, n % 256)})
    }

    fn report(id: usize, refs: &[usize], tlp: &str) -> serde_json::Value {
        serde_json::json!({"type": "report", "spec_version": "2.1",
            "id": format!("report--00000000-0000-4000-9000-{id:012}"),
            "created": "2026-03-01T00:00:00Z", "modified": "2026-03-01T00:00:00Z",
            "name": format!("報告 {id}"), "published": "2026-03-01T00:00:00Z", "report_types": ["threat-report"],
            "object_refs": refs.iter().map(|n| ip(*n)["id"].clone()).collect::<Vec<_>>(),
            "object_marking_refs": [tlp]})
    }

    /// The records a bundle gives, as (subject, TLP, indicators) or the messages.
    fn read(objects: Vec<serde_json::Value>) -> Vec<Result<(String, String, usize), Vec<String>>> {
        let bundle = serde_json::json!({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects});
        let (tx, mut rx) = tokio::sync::mpsc::channel(1 << 16);
        let mut sink = Sink {
            tx,
            batch_size: 1,
            strict: false,
            now: Timestamp::from_micros(1_796_000_000_000_000),
            batch: Vec::new(),
            bytes: 0,
            first: None,
            last: None,
        };
        let bytes = bundle.to_string().into_bytes();
        assert!(read_stix(&bytes[..], &Arc::from("b.json"), &mut sink).expect("read"));
        drop(sink);
        let tr = Tr::new(Locale::En);
        let mut out = Vec::new();
        while let Ok(m) = rx.try_recv() {
            out.push(match m {
                Msg::Batch(b) => {
                    let r = b.rows[0].row();
                    let n = b.rows[0].observable_count();
                    Ok((r.subject.clone(), r.tlp.clone(), n))
                }
                Msg::Rejected(r) => Err(r.messages(&tr)),
            });
        }
        out
    }

    #[test]
    fn a_bundle_is_read_in_windows_and_nothing_is_dropped() {
        const GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
        const RED: &str = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
        // A report with two of its objects; a third object nobody names.
        let got = read(vec![ip(1), report(1, &[1, 2], GREEN), ip(2), ip(3)]);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], Ok(("報告 1".into(), "green".into(), 2)));
        let Ok((subject, tlp, n)) = &got[1] else {
            panic!("{got:?}")
        };
        assert_eq!(
            (subject.as_str(), tlp.as_str(), *n),
            ("STIX TLP:AMBER: 1 ipv4-addr", "amber", 1)
        );
        // A report whose objects come after the window: they make a record of their own.
        let mut objects = vec![report(7, &[5000, 5001], RED)];
        objects.extend((1..STIX_WINDOW).map(ip));
        objects.extend([ip(5000), ip(5001)]);
        let got = read(objects);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], Ok(("報告 7".into(), "red".into(), 0)));
        assert_eq!(
            got[1],
            Ok((
                format!("STIX TLP:AMBER: {} ipv4-addr", STIX_WINDOW - 1),
                "amber".into(),
                STIX_WINDOW - 1
            ))
        );
        assert_eq!(
            got[2],
            Ok(("STIX TLP:AMBER: 2 ipv4-addr".into(), "amber".into(), 2))
        );
        // A bad object is reported in its place; a report without a name cannot be a record.
        let mut nameless = report(2, &[1], GREEN);
        nameless["name"] = serde_json::json!("");
        let got = read(vec![
            ip(1),
            serde_json::json!({"type": "ipv4-addr", "id": "x"}),
            nameless,
        ]);
        assert_eq!(got.len(), 2, "{got:?}");
        let Err(m) = &got[0] else { panic!("{got:?}") };
        assert!(
            m[0].starts_with("b.json: object 1 (x): field `id`"),
            "{m:?}"
        );
        let Err(m) = &got[1] else { panic!("{got:?}") };
        assert!(
            m[0].contains(
                "report--00000000-0000-4000-9000-000000000002 (objects 0–1) cannot become a record"
            ),
            "{m:?}"
        );
        assert!(m[1].contains("(subject)"), "{m:?}");
    }

    #[test]
    fn a_bundle_cut_short_keeps_what_was_read_and_says_where() {
        let bundle = serde_json::json!({"type": "bundle", "objects": [ip(1), ip(2)]}).to_string();
        let cut = &bundle.as_bytes()[..bundle.len() - 20];
        let (tx, mut rx) = tokio::sync::mpsc::channel(16);
        let mut sink = Sink {
            tx,
            batch_size: 10,
            strict: false,
            now: Timestamp::from_micros(1_796_000_000_000_000),
            batch: Vec::new(),
            bytes: 0,
            first: None,
            last: None,
        };
        assert!(read_stix(cut, &Arc::from("b.json"), &mut sink).expect("read"));
        sink.flush();
        drop(sink);
        let tr = Tr::new(Locale::En);
        let Ok(Msg::Rejected(r)) = rx.try_recv() else {
            panic!("a rejection first")
        };
        assert!(
            r.messages(&tr)[0].starts_with("b.json: not JSON: "),
            "{:?}",
            r.messages(&tr)
        );
        let Ok(Msg::Batch(b)) = rx.try_recv() else {
            panic!("then the record of ip 1")
        };
        assert_eq!(b.rows.len(), 1);
        assert_eq!(b.rows[0].row().subject, "STIX TLP:AMBER: 1 ipv4-addr");
    }
}

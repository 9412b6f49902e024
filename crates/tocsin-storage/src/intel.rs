//! Threat-intelligence sharing: sharing groups and their member organizations, intel
//! records with their audiences, mail deliveries and indicators, and full-text search.
//!
//! The record itself (the 25 fields) is stored as JSON in `body`; the columns beside it are
//! what lists filter and sort on. The TLP rule is the domain policy's: [`Store::list_intel`]
//! turns its [`IntelScope`] into SQL with the reach per relation from
//! `policy::tlp_reach`, so the SQL holds no TLP level of its own.
//!
//! Search tokens come from `tocsin_domain::search` (Latin words, CJK unigrams and bigrams);
//! SQLite indexes them with FTS5, PostgreSQL as a `text[]` with a GIN index. Candidates are
//! confirmed by exact substring by the caller.

use serde::{Deserialize, Serialize};
use sqlx::QueryBuilder;
use tocsin_domain::policy::IntelScope;
use tocsin_domain::{GroupId, IntelId, OrgId, Timestamp, Tlp, search};
use uuid::Uuid;

use crate::scope::{push_intel_scope, tlp_rank};
use crate::{Result, StorageError, Store, Tx, TxInner};

/// A sharing group: an ISAC, the domestic ISPs, international CERTs, academia, the alliance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SharingGroup {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: GroupId,
    /// Name, unique (F-ISAC).
    pub name: String,
    /// isac, isp, cert, academia, alliance or other.
    pub kind: String,
    /// What the group is.
    pub description: String,
    /// When it was made.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
}

/// A group as one organization stands to it, read in one query ([`Store::group_for_org`]):
/// what a TAXII request needs to know of its collection and its caller.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupForOrg {
    /// The group.
    #[sqlx(flatten)]
    pub group: SharingGroup,
    /// The organization is a member of it.
    pub member: bool,
    /// The organization is a member of some group (the vetted community of the intel
    /// rule).
    pub community: bool,
}

/// A member organization of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct GroupMember {
    /// The group.
    pub group_id: Uuid,
    /// The organization.
    pub org_id: Uuid,
}

/// Whom a record is shared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// A sharing group: every member organization.
    Group,
    /// A named organization.
    Org,
    /// A named person.
    User,
    /// An organization the recipients must inform (AMBER).
    Informed,
}

impl AudienceKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AudienceKind::Group => "group",
            AudienceKind::Org => "org",
            AudienceKind::User => "user",
            AudienceKind::Informed => "informed",
        }
    }
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "group" => AudienceKind::Group,
            "org" => AudienceKind::Org,
            "user" => AudienceKind::User,
            "informed" => AudienceKind::Informed,
            other => return Err(crate::corrupt(format!("audience kind {other}"))),
        })
    }
}

/// One audience entry of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceRow {
    /// The record.
    pub record_id: Uuid,
    /// What the target is.
    pub kind: AudienceKind,
    /// The group, organization or user.
    pub target_id: Uuid,
    /// When it was added.
    pub added_at: Timestamp,
}

/// An audience row as stored and exported.
#[derive(Clone, Debug, Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct RawAudience {
    pub(crate) record_id: Uuid,
    pub(crate) kind: String,
    pub(crate) target_id: Uuid,
    pub(crate) added_at: i64,
}

impl TryFrom<RawAudience> for AudienceRow {
    type Error = StorageError;
    fn try_from(r: RawAudience) -> Result<Self> {
        Ok(AudienceRow {
            record_id: r.record_id,
            kind: AudienceKind::parse(&r.kind)?,
            target_id: r.target_id,
            added_at: Timestamp::from_micros(r.added_at),
        })
    }
}

/// An intel record as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct IntelRow {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: IntelId,
    /// draft (submitted, awaiting the desk), shared, or rejected.
    pub status: String,
    /// ANA, DEF, INT, EWA, FBI.
    pub category: String,
    /// The TLP name (`amber+strict`).
    pub tlp: String,
    /// The loosest TLP it may be given: the one it came with (never loosened).
    pub tlp_floor: String,
    /// 1–4.
    pub impact_level: Option<i32>,
    /// 情資主旨, for lists.
    pub subject: String,
    /// 發送編號, for FBI links.
    pub dispatch_id: String,
    /// 情資發布時間.
    #[sqlx(try_from = "i64")]
    pub published_at: Timestamp,
    /// The validated 25-field record as JSON.
    pub body: String,
    /// The organization that wrote it.
    pub owner_org_id: Option<Uuid>,
    /// The account that wrote it.
    pub created_by: Option<Uuid>,
    /// For FBI: the record answered.
    pub answers_id: Option<Uuid>,
    /// For a re-share: the record it came from.
    pub derived_from: Option<Uuid>,
    /// web, api, mail, incident, import, reshare.
    pub channel: String,
    /// When stored.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

impl IntelRow {
    /// The record's TLP.
    pub fn tlp(&self) -> Result<Tlp> {
        self.tlp.parse().map_err(crate::corrupt)
    }
}

/// A delivery of a record by mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Delivery {
    /// Id.
    pub id: Uuid,
    /// The record.
    pub record_id: Uuid,
    /// The recipient.
    pub user_id: Uuid,
    /// Their address at the time.
    pub email: String,
    /// The TLP the record carried.
    pub tlp: String,
    /// The language of the mail.
    pub locale: String,
    /// The Message-ID of the queued mail.
    pub message_id: String,
    /// When it was queued.
    #[sqlx(try_from = "i64")]
    pub delivered_at: Timestamp,
}

/// An indicator of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ObservableRow {
    /// The record.
    pub record_id: Uuid,
    /// ipv4, domain, … (the domain's `ObservableKind`).
    pub kind: String,
    /// The normalized value.
    pub value: String,
    /// extracted or analyst.
    pub origin: String,
}

/// The inbox filter.
#[derive(Clone, Debug, Default)]
pub struct IntelFilter {
    /// Who asks, as the policy scopes it.
    pub scope: Option<IntelScope>,
    /// Only this status (`draft`, `shared`).
    pub status: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only this TLP.
    pub tlp: Option<Tlp>,
    /// At least this impact level.
    pub min_impact: Option<i32>,
    /// Published at or after.
    pub since: Option<Timestamp>,
    /// Published before.
    pub until: Option<Timestamp>,
    /// A search query (tokens must all be present; the caller confirms the substring).
    pub query: Option<String>,
    /// Only records with this indicator value.
    pub observable: Option<String>,
    /// At most this many (1–1000).
    pub limit: i64,
    /// Skip this many (the older page numbers; a deep page costs what it skips).
    pub offset: i64,
    /// Only records after this one in the listing's order: a keyset page, whose cost does
    /// not grow with its depth and which neither skips nor repeats a record when records
    /// are added between pages.
    pub after: Option<IntelCursor>,
}

/// A place in the intel listing's order (newest publication first, then the newest
/// stored): the last record of a page, from which the next page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntelCursor {
    /// The record's publication time.
    pub published_at: Timestamp,
    /// The record's sequence number (unique, in the order records were stored).
    pub seq: i64,
}

impl IntelCursor {
    /// The cursor as an opaque token for a query string (`after=`).
    pub fn token(&self) -> String {
        format!("{:x}.{:x}", self.published_at.micros(), self.seq)
    }

    /// Reads a token made by [`IntelCursor::token`]; `None` for anything else.
    pub fn parse(token: &str) -> Option<IntelCursor> {
        let (t, s) = token.split_once('.')?;
        let hex = |v: &str| {
            (!v.is_empty() && v.len() <= 16 && v.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u64::from_str_radix(v, 16).ok())
                .flatten()
                .and_then(|n| i64::try_from(n).ok())
        };
        Some(IntelCursor {
            published_at: Timestamp::from_micros(hex(t)?),
            seq: hex(s)?,
        })
    }
}

/// One page of the intel listing.
#[derive(Clone, Debug, Default)]
pub struct IntelPage {
    /// The records, in the listing's order.
    pub rows: Vec<IntelRow>,
    /// Where the next page starts, when this one is full.
    pub next: Option<IntelCursor>,
}

/// A listed record with its place in the listing's order.
#[derive(sqlx::FromRow)]
struct ListedIntel {
    #[sqlx(flatten)]
    row: IntelRow,
    seq: i64,
}

/// Above this many search hits, SQLite's listing walks the listing index in order and
/// keeps the rows among the hits (a page needs about `limit / share of hits` steps of
/// the index); at or below it, it reads the hits and sorts them. Both cost a few
/// milliseconds at the threshold.
const SQLITE_WALK_ABOVE_HITS: i64 = 3000;

macro_rules! select_intel {
    ($tail:literal) => {
        concat!(
            "SELECT r.id, r.status, r.category, r.tlp, r.tlp_floor, r.impact_level, r.subject, r.dispatch_id, r.published_at, r.body, r.owner_org_id, r.created_by, r.answers_id, r.derived_from, r.channel, r.created_at, r.updated_at FROM intel_records r ",
            $tail
        )
    };
}

/// The listing's SELECT: the record's columns and its sequence number (for the cursor).
const LIST_INTEL_SELECT: &str = "SELECT r.id, r.status, r.category, r.tlp, r.tlp_floor, r.impact_level, r.subject, r.dispatch_id, r.published_at, r.body, r.owner_org_id, r.created_by, r.answers_id, r.derived_from, r.channel, r.created_at, r.updated_at, r.seq FROM intel_records r ";

/// The SQL form of an indicator value's token in `intel_obs_fts` (the hex of its first
/// [`OBSERVABLE_TOKEN_BYTES`] bytes, as [`observable_tokens`] spells it in Rust; migration
/// 0011 writes the same expression).
macro_rules! observable_token_sql {
    ($value:literal) => {
        concat!("hex(substr(CAST(", $value, " AS BLOB), 1, 48))")
    };
}

/// What is needed to store a record.
#[derive(Clone, Debug)]
pub struct NewIntel {
    /// The row (its id fixed by the caller).
    pub row: IntelRow,
    /// The text to index for search (subject and content).
    pub search_text: String,
    /// The indicators: (kind, value, origin).
    pub observables: Vec<(String, String, String)>,
}

/// Binds the 18 columns of an `intel_records` row, in the order of [`INTEL_COLUMNS`]
/// (`tlp_rank` given).
macro_rules! bind_intel_row {
    ($q:expr, $r:expr, $rank:expr) => {
        $q.bind($r.id.uuid())
            .bind(&$r.status)
            .bind(&$r.category)
            .bind(&$r.tlp)
            .bind($rank)
            .bind(&$r.tlp_floor)
            .bind($r.impact_level)
            .bind(&$r.subject)
            .bind(&$r.dispatch_id)
            .bind($r.published_at.micros())
            .bind(&$r.body)
            .bind($r.owner_org_id)
            .bind($r.created_by)
            .bind($r.answers_id)
            .bind($r.derived_from)
            .bind(&$r.channel)
            .bind($r.created_at.micros())
            .bind($r.updated_at.micros())
    };
}

/// The columns [`bind_intel_row!`] binds, in its order.
const INTEL_COLUMNS: &str = "id, status, category, tlp, tlp_rank, tlp_floor, impact_level, subject, dispatch_id, published_at, body, owner_org_id, created_by, answers_id, derived_from, channel, created_at, updated_at";

/// Records per multi-row INSERT of [`Tx::insert_intel_batch`]: 19 parameters each, well
/// under both engines' limits (SQLite 32,766, PostgreSQL 65,535).
const RECORDS_PER_STATEMENT: usize = 200;
/// Search-index and indicator rows per multi-row INSERT (2 and 4 parameters each).
const ROWS_PER_STATEMENT: usize = 1000;

/// The page cache, in KiB, of a SQLite connection once it has written a bulk batch.
pub const BULK_CACHE_KIB: u32 = 16_384;
/// The WAL size, in pages, at which such a connection checkpoints (625 MiB at the 16 KiB
/// pages of a database tocsin created): a checkpoint copies each page once however often
/// the batches before it rewrote it.
pub const BULK_CHECKPOINT_PAGES: u32 = 40_000;
/// The size, in bytes, to which such a connection cuts the WAL file back when a checkpoint
/// has emptied it, so that a bulk import does not leave a WAL file of hundreds of MiB.
pub const BULK_WAL_LIMIT_BYTES: u32 = 64 << 20;
/// The three settings, as statements.
const BULK_PRAGMAS: [&str; 3] = [
    "PRAGMA cache_size = -16384",
    "PRAGMA wal_autocheckpoint = 40000",
    "PRAGMA journal_size_limit = 67108864",
];

/// How [`values_sql`] writes placeholders.
#[derive(Clone, Copy)]
enum Placeholders {
    /// `$1, $2, …` (PostgreSQL).
    Numbered,
    /// `?, ?, …` (SQLite: sqlx looks each numbered parameter's name up, which SQLite does
    /// in time linear in the number of parameters, so numbered ones make a statement of a
    /// few thousand parameters quadratic; anonymous ones bind in order).
    Anonymous,
}

/// `prefix` followed by `rows` groups of `width` placeholders, then `suffix`:
/// `($1, $2), ($3, $4)` or `(?, ?), (?, ?)`.
fn values_sql(prefix: &str, width: usize, rows: usize, suffix: &str, p: Placeholders) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(prefix.len() + suffix.len() + rows * width * 7);
    s.push_str(prefix);
    for row in 0..rows {
        s.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                s.push_str(", ");
            }
            match p {
                Placeholders::Numbered => {
                    let _ = write!(s, "${}", row * width + col + 1);
                }
                Placeholders::Anonymous => s.push('?'),
            }
        }
        s.push(')');
    }
    s.push_str(suffix);
    s
}

/// Appends `v` to a line of PostgreSQL's COPY text format: backslash, tab, newline and
/// carriage return escaped.
fn copy_text(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Appends an optional value to a COPY line (`\N` for none).
fn copy_opt(out: &mut String, v: Option<impl std::fmt::Display>) {
    match v {
        Some(v) => {
            let _ = std::fmt::Write::write_fmt(out, format_args!("{v}"));
        }
        None => out.push_str("\\N"),
    }
}

/// One `intel_records` row as a line of COPY text, in the order of [`INTEL_COLUMNS`]
/// followed by `search_tokens` (a `text[]` literal: every token quoted).
fn copy_intel_line(out: &mut String, p: &PreparedIntel) {
    use std::fmt::Write;
    let r = &p.new.row;
    let _ = write!(out, "{}\t", r.id.uuid());
    for v in [&r.status, &r.category, &r.tlp] {
        copy_text(out, v);
        out.push('\t');
    }
    let _ = write!(out, "{}\t", p.rank);
    copy_text(out, &r.tlp_floor);
    out.push('\t');
    copy_opt(out, r.impact_level);
    out.push('\t');
    copy_text(out, &r.subject);
    out.push('\t');
    copy_text(out, &r.dispatch_id);
    let _ = write!(out, "\t{}\t", r.published_at.micros());
    copy_text(out, &r.body);
    for v in [r.owner_org_id, r.created_by, r.answers_id, r.derived_from] {
        out.push('\t');
        copy_opt(out, v);
    }
    out.push('\t');
    copy_text(out, &r.channel);
    let _ = write!(
        out,
        "\t{}\t{}\t",
        r.created_at.micros(),
        r.updated_at.micros()
    );
    // The array literal, then escaped as COPY text like any other value.
    let mut array = String::with_capacity(p.tokens.len() + 16);
    array.push('{');
    for (i, t) in p.tokens.split(' ').filter(|t| !t.is_empty()).enumerate() {
        if i > 0 {
            array.push(',');
        }
        array.push('"');
        for c in t.chars() {
            if c == '"' || c == '\\' {
                array.push('\\');
            }
            array.push(c);
        }
        array.push('"');
    }
    array.push('}');
    copy_text(out, &array);
    out.push('\n');
}

/// How many leading bytes of an indicator value its token in the SQLite index of values
/// (`intel_obs_fts`) spells in hex. The migration that made the index and the observable
/// filter compute the same token in SQL: `hex(substr(CAST(value AS BLOB), 1, 48))`.
const OBSERVABLE_TOKEN_BYTES: usize = 48;

/// The `intel_obs_fts` tokens of a record's indicator values, separated by spaces.
fn observable_tokens<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::new();
    for v in values {
        if !s.is_empty() {
            s.push(' ');
        }
        for &b in &v.as_bytes()[..v.len().min(OBSERVABLE_TOKEN_BYTES)] {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    s
}

/// A new record made ready for [`Tx::insert_intel_batch`]: its search tokens worked out
/// beforehand (CPU only), so a bulk import can do that on another thread than the one
/// that writes.
#[derive(Clone, Debug)]
pub struct PreparedIntel {
    new: NewIntel,
    rank: i32,
    /// The search tokens as the SQLite index takes them, separated by spaces.
    tokens: String,
    /// The tokens of its indicator values for the SQLite index of values.
    observable_tokens: String,
}

impl PreparedIntel {
    /// Works out the search tokens and the TLP rank (a row whose TLP is not a TLP name
    /// is refused as corrupt).
    pub fn new(new: NewIntel) -> Result<PreparedIntel> {
        let rank = tlp_rank(new.row.tlp()?);
        let tokens = search::index_string(&new.search_text);
        let observable_tokens = observable_tokens(new.observables.iter().map(|o| o.1.as_str()));
        Ok(PreparedIntel {
            new,
            rank,
            tokens,
            observable_tokens,
        })
    }

    /// The row.
    pub fn row(&self) -> &IntelRow {
        &self.new.row
    }

    /// How many indicators it has.
    pub fn observable_count(&self) -> usize {
        self.new.observables.len()
    }

    /// About how many bytes of text it holds, for bounding a batch by memory.
    pub fn text_bytes(&self) -> usize {
        let n = &self.new;
        n.row.body.len()
            + n.row.subject.len()
            + n.search_text.len()
            + self.tokens.len()
            + self.observable_tokens.len()
            + n.observables
                .iter()
                .map(|(k, v, o)| k.len() + v.len() + o.len())
                .sum::<usize>()
    }
}

impl Tx {
    /// Creates a sharing group. A taken name is a [`StorageError::Conflict`].
    pub async fn insert_group(&mut self, g: &SharingGroup) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO sharing_groups (id, name, kind, description, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(g.id.uuid()).bind(&g.name).bind(&g.kind).bind(&g.description).bind(g.created_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Adds an organization to a group (no-op when already there).
    pub async fn add_group_member(&mut self, group: GroupId, org: OrgId) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO sharing_group_members (group_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(group.uuid()).bind(org.uuid()).execute(c).await?;
        });
        Ok(())
    }

    /// Removes an organization from a group.
    pub async fn remove_group_member(&mut self, group: GroupId, org: OrgId) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("DELETE FROM sharing_group_members WHERE group_id = $1 AND org_id = $2")
                .bind(group.uuid()).bind(org.uuid()).execute(c).await?;
        });
        Ok(())
    }

    /// Stores a record with its search tokens and indicators.
    pub async fn insert_intel(&mut self, n: &NewIntel) -> Result<()> {
        let r = &n.row;
        let tlp = r.tlp()?;
        macro_rules! bind_row {
            ($q:expr) => {
                bind_intel_row!($q, r, tlp_rank(tlp))
            };
        }
        match &mut self.0 {
            TxInner::Sqlite(t) => {
                // seq is the FTS rowid; the write lock makes MAX+1 safe.
                let seq: i64 = bind_row!(sqlx::query_scalar(
                    "INSERT INTO intel_records (id, status, category, tlp, tlp_rank, tlp_floor, impact_level, subject, dispatch_id, published_at, body, owner_org_id, created_by, answers_id, derived_from, channel, created_at, updated_at, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, (SELECT COALESCE(MAX(seq), 0) + 1 FROM intel_records)) RETURNING seq"
                ))
                .fetch_one(&mut **t)
                .await?;
                sqlx::query("INSERT INTO intel_fts (rowid, tokens) VALUES ($1, $2)")
                    .bind(seq)
                    .bind(search::index_string(&n.search_text))
                    .execute(&mut **t)
                    .await?;
            }
            TxInner::Postgres(t) => {
                let tokens: Vec<String> =
                    search::index_tokens(&n.search_text).into_iter().collect();
                bind_row!(sqlx::query(
                    "INSERT INTO intel_records (id, status, category, tlp, tlp_rank, tlp_floor, impact_level, subject, dispatch_id, published_at, body, owner_org_id, created_by, answers_id, derived_from, channel, created_at, updated_at, search_tokens) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
                ))
                .bind(tokens)
                .execute(&mut **t)
                .await?;
            }
        }
        self.replace_observables(r.id, &n.observables).await
    }

    /// Stores new records with their search tokens and indicators, as
    /// [`Tx::insert_intel`] stores one, in a few multi-row statements per couple of
    /// hundred records instead of several statements per record: for bulk import. The
    /// records must be new (fresh ids); nothing is replaced.
    ///
    /// On SQLite the connection that writes a batch is set, from then on, to keep up to
    /// [`BULK_CACHE_KIB`] of pages in memory and to checkpoint the WAL every
    /// [`BULK_CHECKPOINT_PAGES`] pages (instead of 2 MiB and 1,000), cutting the WAL file
    /// back to [`BULK_WAL_LIMIT_BYTES`] once a checkpoint has emptied it: a bulk write then
    /// rereads and rewrites fewer index pages. Neither setting changes what is stored or
    /// when a commit is durable (`synchronous=FULL` stays).
    pub async fn insert_intel_batch(&mut self, batch: &[PreparedIntel]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        // Indicators in the order of the index they are inserted into, so that the
        // inserts walk it forward instead of all over it: on PostgreSQL the (kind, value)
        // index; on SQLite the table itself, keyed by (record, kind, value).
        let mut observables: Vec<(Uuid, &(String, String, String))> = batch
            .iter()
            .flat_map(|p| p.new.observables.iter().map(|o| (p.new.row.id.uuid(), o)))
            .collect();
        let placeholders = match self.0 {
            TxInner::Sqlite(_) => {
                observables.sort_by(|a, b| (a.0, &a.1.0, &a.1.1).cmp(&(b.0, &b.1.0, &b.1.1)));
                Placeholders::Anonymous
            }
            TxInner::Postgres(_) => {
                observables.sort_by(|a, b| (&a.1.0, &a.1.1, a.0).cmp(&(&b.1.0, &b.1.1, b.0)));
                Placeholders::Numbered
            }
        };
        match &mut self.0 {
            TxInner::Sqlite(t) => {
                for pragma in BULK_PRAGMAS {
                    sqlx::query(pragma).execute(&mut **t).await?;
                }
                // seq is the FTS rowid, numbered on from the highest; the write lock
                // keeps that safe, as in insert_intel.
                let base: i64 =
                    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM intel_records")
                        .fetch_one(&mut **t)
                        .await?;
                let seqs: Vec<i64> = (1..).map(|i| base + i).take(batch.len()).collect();
                for (chunk, seqs) in batch
                    .chunks(RECORDS_PER_STATEMENT)
                    .zip(seqs.chunks(RECORDS_PER_STATEMENT))
                {
                    let sql = values_sql(
                        &format!("INSERT INTO intel_records ({INTEL_COLUMNS}, seq) VALUES "),
                        19,
                        chunk.len(),
                        "",
                        placeholders,
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (p, seq) in chunk.iter().zip(seqs) {
                        q = bind_intel_row!(q, p.new.row, p.rank).bind(*seq);
                    }
                    q.execute(&mut **t).await?;
                }
                for (chunk, seqs) in batch
                    .chunks(ROWS_PER_STATEMENT)
                    .zip(seqs.chunks(ROWS_PER_STATEMENT))
                {
                    let sql = values_sql(
                        "INSERT INTO intel_fts (rowid, tokens) VALUES ",
                        2,
                        chunk.len(),
                        "",
                        placeholders,
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (p, seq) in chunk.iter().zip(seqs) {
                        q = q.bind(*seq).bind(&p.tokens);
                    }
                    q.execute(&mut **t).await?;
                }
                let with_values: Vec<(&PreparedIntel, i64)> = batch
                    .iter()
                    .zip(&seqs)
                    .filter(|(p, _)| !p.observable_tokens.is_empty())
                    .map(|(p, seq)| (p, *seq))
                    .collect();
                for chunk in with_values.chunks(ROWS_PER_STATEMENT) {
                    let sql = values_sql(
                        "INSERT INTO intel_obs_fts (rowid, tokens) VALUES ",
                        2,
                        chunk.len(),
                        "",
                        placeholders,
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (p, seq) in chunk {
                        q = q.bind(*seq).bind(&p.observable_tokens);
                    }
                    q.execute(&mut **t).await?;
                }
            }
            TxInner::Postgres(t) => {
                // COPY, not INSERT statements: the rows go to the server as one stream of
                // text it parses in bulk, instead of 19 bound parameters a record. The
                // records are new, so they go straight into their table; the indicators
                // go through a staging table, because a record may name one twice and
                // COPY has no ON CONFLICT.
                let conn: &mut sqlx::PgConnection = t;
                let mut data =
                    String::with_capacity(batch.iter().map(|p| p.text_bytes() + 256).sum());
                for p in batch {
                    copy_intel_line(&mut data, p);
                }
                let mut copy = conn
                    .copy_in_raw(&format!(
                        "COPY intel_records ({INTEL_COLUMNS}, search_tokens) FROM STDIN"
                    ))
                    .await?;
                copy.send(data.into_bytes()).await?;
                copy.finish().await?;
                if !observables.is_empty() {
                    sqlx::query(
                        "CREATE TEMP TABLE IF NOT EXISTS intel_observables_stage \
                         (record_id uuid, kind text, value text, origin text) ON COMMIT DELETE ROWS",
                    )
                    .execute(&mut *conn)
                    .await?;
                    let mut data = String::with_capacity(observables.len() * 80);
                    for (id, (kind, value, origin)) in &observables {
                        let _ = std::fmt::Write::write_fmt(&mut data, format_args!("{id}\t"));
                        for (i, v) in [kind, value, origin].into_iter().enumerate() {
                            if i > 0 {
                                data.push('\t');
                            }
                            copy_text(&mut data, v);
                        }
                        data.push('\n');
                    }
                    let mut copy = conn
                        .copy_in_raw("COPY intel_observables_stage (record_id, kind, value, origin) FROM STDIN")
                        .await?;
                    copy.send(data.into_bytes()).await?;
                    copy.finish().await?;
                    // In the order of the (kind, value) index, so the inserts walk it
                    // forward.
                    sqlx::query(
                        "INSERT INTO intel_observables (record_id, kind, value, origin) \
                         SELECT record_id, kind, value, origin FROM intel_observables_stage \
                         ORDER BY kind, value, record_id ON CONFLICT DO NOTHING",
                    )
                    .execute(&mut *conn)
                    .await?;
                    // Emptied for the next batch of the same transaction (a commit
                    // empties it too).
                    sqlx::query("TRUNCATE intel_observables_stage")
                        .execute(&mut *conn)
                        .await?;
                }
                return Ok(());
            }
        }
        for chunk in observables.chunks(ROWS_PER_STATEMENT) {
            let sql = values_sql(
                "INSERT INTO intel_observables (record_id, kind, value, origin) VALUES ",
                4,
                chunk.len(),
                " ON CONFLICT DO NOTHING",
                placeholders,
            );
            dispatch!(tx self, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id, (kind, value, origin)) in chunk {
                    q = q.bind(*id).bind(kind).bind(value).bind(origin);
                }
                q.execute(c).await?;
            });
        }
        Ok(())
    }

    /// Rewrites a record's content, TLP and status, with new search tokens. Its indicators
    /// are left as they are (`replace_observables` changes them): sharing a record must not
    /// lose them.
    pub async fn update_intel(&mut self, n: &NewIntel) -> Result<()> {
        let r = &n.row;
        let tlp = r.tlp()?;
        let affected = match &mut self.0 {
            TxInner::Sqlite(t) => {
                let seq: Option<i64> = sqlx::query_scalar(
                    "UPDATE intel_records SET status = $2, category = $3, tlp = $4, tlp_rank = $5, impact_level = $6, subject = $7, dispatch_id = $8, published_at = $9, body = $10, updated_at = $11 WHERE id = $1 RETURNING seq",
                )
                .bind(r.id.uuid()).bind(&r.status).bind(&r.category).bind(&r.tlp).bind(tlp_rank(tlp)).bind(r.impact_level)
                .bind(&r.subject).bind(&r.dispatch_id).bind(r.published_at.micros()).bind(&r.body).bind(r.updated_at.micros())
                .fetch_optional(&mut **t)
                .await?;
                if let Some(seq) = seq {
                    // The index keeps no text (contentless): a row is replaced by
                    // deleting it and inserting it anew.
                    sqlx::query("DELETE FROM intel_fts WHERE rowid = $1")
                        .bind(seq)
                        .execute(&mut **t)
                        .await?;
                    sqlx::query("INSERT INTO intel_fts (rowid, tokens) VALUES ($1, $2)")
                        .bind(seq)
                        .bind(search::index_string(&n.search_text))
                        .execute(&mut **t)
                        .await?;
                }
                seq.is_some()
            }
            TxInner::Postgres(t) => {
                let tokens: Vec<String> =
                    search::index_tokens(&n.search_text).into_iter().collect();
                sqlx::query(
                    "UPDATE intel_records SET status = $2, category = $3, tlp = $4, tlp_rank = $5, impact_level = $6, subject = $7, dispatch_id = $8, published_at = $9, body = $10, updated_at = $11, search_tokens = $12 WHERE id = $1",
                )
                .bind(r.id.uuid()).bind(&r.status).bind(&r.category).bind(&r.tlp).bind(tlp_rank(tlp)).bind(r.impact_level)
                .bind(&r.subject).bind(&r.dispatch_id).bind(r.published_at.micros()).bind(&r.body).bind(r.updated_at.micros())
                .bind(tokens)
                .execute(&mut **t)
                .await?
                .rows_affected()
                    > 0
            }
        };
        if !affected {
            return Err(StorageError::NotFound("intel record"));
        }
        Ok(())
    }

    /// Replaces a record's indicators.
    pub async fn replace_observables(
        &mut self,
        id: IntelId,
        observables: &[(String, String, String)],
    ) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("DELETE FROM intel_observables WHERE record_id = $1").bind(id.uuid()).execute(&mut *c).await?;
            for (kind, value, origin) in observables {
                sqlx::query("INSERT INTO intel_observables (record_id, kind, value, origin) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(id.uuid()).bind(kind).bind(value).bind(origin).execute(&mut *c).await?;
            }
        });
        if let TxInner::Sqlite(t) = &mut self.0 {
            // The index of values holds a row per record: replaced whole.
            sqlx::query(
                "DELETE FROM intel_obs_fts WHERE rowid = (SELECT seq FROM intel_records WHERE id = $1)",
            )
            .bind(id.uuid())
            .execute(&mut **t)
            .await?;
            if !observables.is_empty() {
                sqlx::query(
                    "INSERT INTO intel_obs_fts (rowid, tokens) SELECT seq, $2 FROM intel_records WHERE id = $1",
                )
                .bind(id.uuid())
                .bind(observable_tokens(observables.iter().map(|o| o.1.as_str())))
                .execute(&mut **t)
                .await?;
            }
        }
        Ok(())
    }

    /// Builds the SQLite index of indicator values from the indicators (after an import of
    /// an export, whose indicator rows arrive one at a time after their records).
    pub(crate) async fn index_imported_observables(&mut self) -> Result<()> {
        if let TxInner::Sqlite(t) = &mut self.0 {
            sqlx::query(concat!(
                "INSERT INTO intel_obs_fts (rowid, tokens) SELECT r.seq, group_concat(",
                observable_token_sql!("o.value"),
                ", ' ') FROM intel_observables o JOIN intel_records r ON r.id = o.record_id GROUP BY r.seq",
            ))
            .execute(&mut **t)
            .await?;
        }
        Ok(())
    }

    /// Adds an audience entry (no-op when present); true when it is new.
    pub async fn add_audience(
        &mut self,
        record: IntelId,
        kind: AudienceKind,
        target: Uuid,
        at: Timestamp,
    ) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query("INSERT INTO intel_audience (record_id, kind, target_id, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(record.uuid()).bind(kind.as_str()).bind(target).bind(at.micros())
                .execute(c).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Records a delivery; false (and nothing written) when that user already got it.
    pub async fn insert_delivery(&mut self, d: &Delivery) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query("INSERT INTO intel_deliveries (id, record_id, user_id, email, tlp, locale, message_id, delivered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING")
                .bind(d.id).bind(d.record_id).bind(d.user_id).bind(&d.email).bind(&d.tlp).bind(&d.locale).bind(&d.message_id).bind(d.delivered_at.micros())
                .execute(c).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Reads a record inside the transaction (PostgreSQL locks it for the change).
    pub async fn intel_for_update(&mut self, id: IntelId) -> Result<Option<IntelRow>> {
        Ok(match &mut self.0 {
            TxInner::Sqlite(t) => {
                sqlx::query_as::<_, IntelRow>(select_intel!("WHERE r.id = $1"))
                    .bind(id.uuid())
                    .fetch_optional(&mut **t)
                    .await?
            }
            TxInner::Postgres(t) => {
                sqlx::query_as::<_, IntelRow>(select_intel!("WHERE r.id = $1 FOR UPDATE"))
                    .bind(id.uuid())
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    /// Imports an audience row (export/import).
    pub(crate) async fn insert_audience_row(&mut self, a: RawAudience) -> Result<()> {
        let a = AudienceRow::try_from(a)?;
        self.add_audience(IntelId(a.record_id), a.kind, a.target_id, a.added_at)
            .await
            .map(|_| ())
    }

    /// Imports a stored record: its search tokens are made again from its body.
    pub(crate) async fn import_intel(&mut self, row: IntelRow) -> Result<()> {
        let record: tocsin_domain::IntelRecord =
            serde_json::from_str(&row.body).map_err(crate::corrupt)?;
        self.insert_intel(&NewIntel {
            search_text: record.search_text(),
            row,
            observables: vec![],
        })
        .await
    }

    /// Imports one indicator row.
    pub(crate) async fn insert_observable_row(&mut self, o: &ObservableRow) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO intel_observables (record_id, kind, value, origin) VALUES ($1, $2, $3, $4)")
                .bind(o.record_id).bind(&o.kind).bind(&o.value).bind(&o.origin).execute(c).await?;
        });
        Ok(())
    }
}

impl Store {
    /// Every sharing group, by name.
    pub async fn list_groups(&self) -> Result<Vec<SharingGroup>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, SharingGroup>("SELECT id, name, kind, description, created_at FROM sharing_groups ORDER BY name")
                .fetch_all(c).await?
        }))
    }

    /// One group.
    pub async fn get_group(&self, id: GroupId) -> Result<Option<SharingGroup>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, SharingGroup>("SELECT id, name, kind, description, created_at FROM sharing_groups WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// One group and how `org` stands to it (a member? in any group?), in one query;
    /// without an organization, in none.
    pub async fn group_for_org(
        &self,
        id: GroupId,
        org: Option<OrgId>,
    ) -> Result<Option<GroupForOrg>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, GroupForOrg>(
                "SELECT g.id, g.name, g.kind, g.description, g.created_at, \
                 EXISTS (SELECT 1 FROM sharing_group_members m WHERE m.group_id = g.id AND m.org_id = $2) AS member, \
                 EXISTS (SELECT 1 FROM sharing_group_members m WHERE m.org_id = $2) AS community \
                 FROM sharing_groups g WHERE g.id = $1",
            )
            .bind(id.uuid())
            .bind(org.map(|o| o.uuid()))
            .fetch_optional(c)
            .await?
        }))
    }

    /// Every (group, organization) membership.
    pub async fn list_group_members(&self) -> Result<Vec<GroupMember>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, GroupMember>("SELECT group_id, org_id FROM sharing_group_members ORDER BY group_id, org_id")
                .fetch_all(c).await?
        }))
    }

    /// The groups an organization belongs to.
    pub async fn groups_of_org(&self, org: OrgId) -> Result<Vec<GroupId>> {
        let ids: Vec<Uuid> = dispatch!(pool self, c => {
            sqlx::query_scalar("SELECT group_id FROM sharing_group_members WHERE org_id = $1")
                .bind(org.uuid()).fetch_all(c).await?
        });
        Ok(ids.into_iter().map(GroupId).collect())
    }

    /// The member organizations of a group.
    pub async fn orgs_of_group(&self, group: GroupId) -> Result<Vec<OrgId>> {
        let ids: Vec<Uuid> = dispatch!(pool self, c => {
            sqlx::query_scalar("SELECT org_id FROM sharing_group_members WHERE group_id = $1 ORDER BY org_id")
                .bind(group.uuid()).fetch_all(c).await?
        });
        Ok(ids.into_iter().map(OrgId).collect())
    }

    /// One record.
    pub async fn get_intel(&self, id: IntelId) -> Result<Option<IntelRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, IntelRow>(select_intel!("WHERE r.id = $1"))
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// The records answering one (FBI feedback), oldest first.
    pub async fn intel_answers(&self, id: IntelId) -> Result<Vec<IntelRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, IntelRow>(select_intel!("WHERE r.answers_id = $1 ORDER BY r.created_at, r.id"))
                .bind(id.uuid()).fetch_all(c).await?
        }))
    }

    /// A record by the sender's dispatch id (the newest, if several; an empty id finds
    /// none).
    pub async fn intel_by_dispatch_id(&self, dispatch_id: &str) -> Result<Option<IntelRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, IntelRow>(select_intel!("WHERE r.dispatch_id = $1 AND r.dispatch_id <> '' ORDER BY r.created_at DESC, r.id DESC LIMIT 1"))
                .bind(dispatch_id).fetch_optional(c).await?
        }))
    }

    /// A record's audience.
    pub async fn intel_audience(&self, id: IntelId) -> Result<Vec<AudienceRow>> {
        let raw: Vec<RawAudience> = dispatch!(pool self, c => {
            sqlx::query_as::<_, RawAudience>("SELECT record_id, kind, target_id, added_at FROM intel_audience WHERE record_id = $1 ORDER BY kind, target_id")
                .bind(id.uuid()).fetch_all(c).await?
        });
        raw.into_iter().map(AudienceRow::try_from).collect()
    }

    /// A record's deliveries, oldest first.
    pub async fn intel_deliveries(&self, id: IntelId) -> Result<Vec<Delivery>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Delivery>("SELECT id, record_id, user_id, email, tlp, locale, message_id, delivered_at FROM intel_deliveries WHERE record_id = $1 ORDER BY delivered_at, id")
                .bind(id.uuid()).fetch_all(c).await?
        }))
    }

    /// A record's indicators.
    pub async fn intel_observables(&self, id: IntelId) -> Result<Vec<ObservableRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ObservableRow>("SELECT record_id, kind, value, origin FROM intel_observables WHERE record_id = $1 ORDER BY kind, value")
                .bind(id.uuid()).fetch_all(c).await?
        }))
    }

    /// The indicators of many records in one query a few hundred records, for listings
    /// that show them all (the MISP feed); ordered by record, kind and value.
    pub async fn intel_observables_of(&self, ids: &[IntelId]) -> Result<Vec<ObservableRow>> {
        let placeholders = match self.pool {
            crate::Pool::Sqlite(_) => Placeholders::Anonymous,
            crate::Pool::Postgres(_) => Placeholders::Numbered,
        };
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = values_sql(
                "SELECT record_id, kind, value, origin FROM intel_observables WHERE record_id IN ",
                chunk.len(),
                1,
                " ORDER BY record_id, kind, value",
                placeholders,
            );
            let rows: Vec<ObservableRow> = dispatch!(pool self, c => {
                let mut q = sqlx::query_as::<_, ObservableRow>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id.uuid());
                }
                q.fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Records in the filter's scope, newest publication first. A search query narrows
    /// to records holding all its tokens; confirming the exact text is the caller's.
    pub async fn list_intel(&self, f: &IntelFilter) -> Result<Vec<IntelRow>> {
        Ok(self.list_intel_page(f).await?.rows)
    }

    /// [`Store::list_intel`] with where the next page starts.
    ///
    /// Both engines walk the index by (publication time, sequence number) in the
    /// listing's order and stop at the page's end, so a page costs about what it shows
    /// (plus the rows the filters and the scope pass over), however deep it is when it
    /// starts from a cursor. A search on SQLite first counts its hits in the full-text
    /// index: few hits are read and sorted instead ([`SQLITE_WALK_ABOVE_HITS`]).
    pub async fn list_intel_page(&self, f: &IntelFilter) -> Result<IntelPage> {
        let scope = f.scope.clone().unwrap_or(IntelScope::All);
        let tokens: Vec<String> = f
            .query
            .as_deref()
            .map(|q| search::query_tokens(q).into_iter().collect())
            .unwrap_or_default();
        let limit = f.limit.clamp(1, 1000);
        let offset = f.offset.max(0);
        let rows: Vec<ListedIntel> = match &self.pool {
            crate::Pool::Sqlite(p) => {
                // FTS5 query: every token quoted (no operators from the user); a lone
                // CJK character by prefix, as the index stores it
                // (`search::index_string`).
                let fts = (!tokens.is_empty()).then(|| {
                    tokens
                        .iter()
                        .map(|t| {
                            let star = if search::is_prefix_token(t) { "*" } else { "" };
                            format!("\"{}\"{star}", t.replace('"', "\"\""))
                        })
                        .collect::<Vec<_>>()
                        .join(" AND ")
                });
                // Few hits of a search or an indicator: read them and sort; otherwise walk
                // the listing index. (Without either, always walk.)
                let mut walk = true;
                if let Some(v) = &f.observable {
                    let hits: i64 = sqlx::query_scalar(concat!(
                        "SELECT count(*) FROM intel_obs_fts WHERE intel_obs_fts MATCH '\"' || ",
                        observable_token_sql!("$1"),
                        " || '\"'"
                    ))
                    .bind(v)
                    .fetch_one(p)
                    .await?;
                    walk &= hits > SQLITE_WALK_ABOVE_HITS;
                }
                if let Some(fts) = &fts {
                    let hits: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM intel_fts WHERE intel_fts MATCH $1",
                    )
                    .bind(fts)
                    .fetch_one(p)
                    .await?;
                    walk &= hits > SQLITE_WALK_ABOVE_HITS;
                }
                let mut q = QueryBuilder::<sqlx::Sqlite>::new(LIST_INTEL_SELECT);
                q.push(if walk {
                    "INDEXED BY intel_records_listing WHERE "
                } else {
                    "WHERE "
                });
                push_intel_scope(&mut q, &scope);
                push_intel_filters(&mut q, f);
                if let Some(v) = &f.observable {
                    // The token index narrows, the exact value decides.
                    q.push(" AND r.seq IN (SELECT rowid FROM intel_obs_fts WHERE intel_obs_fts MATCH '\"' || hex(substr(CAST(")
                        .push_bind(v.clone())
                        .push(format_args!(
                            " AS BLOB), 1, {OBSERVABLE_TOKEN_BYTES})) || '\"') AND EXISTS"
                        ))
                        .push(" (SELECT 1 FROM intel_observables o WHERE o.record_id = r.id AND o.value = ")
                        .push_bind(v.clone())
                        .push(")");
                }
                if let Some(fts) = fts {
                    q.push(" AND r.seq IN (SELECT rowid FROM intel_fts WHERE intel_fts MATCH ")
                        .push_bind(fts)
                        .push(")");
                }
                push_intel_page(&mut q, f.after, limit, offset);
                q.build_query_as::<ListedIntel>().fetch_all(p).await?
            }
            crate::Pool::Postgres(p) => {
                let mut q = QueryBuilder::<sqlx::Postgres>::new(LIST_INTEL_SELECT);
                q.push("WHERE ");
                push_intel_scope(&mut q, &scope);
                push_intel_filters(&mut q, f);
                if let Some(v) = &f.observable {
                    // The value index is by (kind, value): naming every kind makes it one
                    // probe a kind instead of a scan of the index (the filter has no kind).
                    let kinds: Vec<String> = tocsin_domain::intel::ObservableKind::ALL
                        .iter()
                        .map(|k| k.as_str().to_string())
                        .collect();
                    q.push(" AND r.id IN (SELECT o.record_id FROM intel_observables o WHERE o.kind = ANY(")
                        .push_bind(kinds)
                        .push(") AND o.value = ")
                        .push_bind(v.clone())
                        .push(")");
                }
                if !tokens.is_empty() {
                    q.push(" AND r.search_tokens @> ").push_bind(tokens);
                }
                push_intel_page(&mut q, f.after, limit, offset);
                q.build_query_as::<ListedIntel>().fetch_all(p).await?
            }
        };
        let full = i64::try_from(rows.len()).is_ok_and(|n| n >= limit);
        let next = rows.last().filter(|_| full).map(|l| IntelCursor {
            published_at: l.row.published_at,
            seq: l.seq,
        });
        Ok(IntelPage {
            rows: rows.into_iter().map(|l| l.row).collect(),
            next,
        })
    }
}

/// The listing's cursor condition, order and page: rows after `after` in the order
/// (publication time, sequence number), newest first.
fn push_intel_page<DB>(
    q: &mut QueryBuilder<DB>,
    after: Option<IntelCursor>,
    limit: i64,
    offset: i64,
) where
    DB: sqlx::Database,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if let Some(c) = after {
        // A row value: both engines start the index walk at it (a spelled-out OR of the
        // two comparisons would make SQLite scan down from the newest).
        q.push(" AND (r.published_at, r.seq) < (")
            .push_bind(c.published_at.micros())
            .push(", ")
            .push_bind(c.seq)
            .push(")");
    }
    q.push(" ORDER BY r.published_at DESC, r.seq DESC LIMIT ")
        .push_bind(limit);
    if offset > 0 {
        q.push(" OFFSET ").push_bind(offset);
    }
}

/// The listing's own filters (status, category, TLP, impact, dates), each pushed only
/// when given.
fn push_intel_filters<DB>(q: &mut QueryBuilder<DB>, f: &IntelFilter)
where
    DB: sqlx::Database,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i32: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if let Some(s) = &f.status {
        q.push(" AND r.status = ").push_bind(s.clone());
    }
    if let Some(c) = &f.category {
        q.push(" AND r.category = ").push_bind(c.clone());
    }
    if let Some(t) = f.tlp {
        q.push(" AND r.tlp = ").push_bind(t.as_str().to_string());
    }
    if let Some(i) = f.min_impact {
        q.push(" AND r.impact_level >= ").push_bind(i);
    }
    if let Some(t) = f.since {
        q.push(" AND r.published_at >= ").push_bind(t.micros());
    }
    if let Some(t) = f.until {
        q.push(" AND r.published_at < ").push_bind(t.micros());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_pragmas_say_what_the_constants_say() {
        assert_eq!(
            BULK_PRAGMAS,
            [
                format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"),
                format!("PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}"),
                format!("PRAGMA journal_size_limit = {BULK_WAL_LIMIT_BYTES}"),
            ]
        );
    }

    #[test]
    fn placeholders_are_numbered_or_anonymous() {
        assert_eq!(
            values_sql("V ", 2, 2, ";", Placeholders::Numbered),
            "V ($1, $2), ($3, $4);"
        );
        assert_eq!(
            values_sql("V ", 3, 1, "", Placeholders::Anonymous),
            "V (?, ?, ?)"
        );
    }

    #[test]
    fn an_observable_token_spells_the_first_48_bytes_in_hex() {
        assert_eq!(observable_tokens(["1.2", "é"]), "312E32 C3A9");
        let long = "x".repeat(60);
        assert_eq!(observable_tokens([long.as_str()]), "78".repeat(48));
        assert_eq!(observable_tokens([]), "");
        // The SQL form cuts at the same length.
        assert!(observable_token_sql!("v").ends_with(&format!(", 1, {OBSERVABLE_TOKEN_BYTES}))")));
    }

    /// A database made before migration 0011 keeps its search and its indicator lookups:
    /// the migration copies the full-text tokens and indexes the stored values with the
    /// token the filter computes.
    #[tokio::test]
    async fn the_lean_index_migration_keeps_what_was_indexed() {
        let dir = std::env::temp_dir().join(format!("tocsin-0011-{}", Uuid::now_v7()));
        let path = dir.join("t.db");
        let store = crate::Store::open_sqlite(&path.to_string_lossy())
            .await
            .expect("open");
        let crate::Pool::Sqlite(pool) = &store.pool else {
            unreachable!("a SQLite store");
        };
        let before = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                crate::SQLITE_MIGRATOR
                    .iter()
                    .filter(|m| m.version < 11)
                    .cloned()
                    .collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(pool).await.expect("migrations up to 0010");
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO intel_records (id, seq, status, category, tlp, tlp_rank, tlp_floor, subject, published_at, body, channel, created_at, updated_at) \
             VALUES ($1, 7, 'draft', 'DEF', 'green', 1, 'green', 's', 0, '{}', 'import', 0, 0)",
        )
        .bind(id)
        .execute(pool)
        .await
        .expect("record");
        sqlx::query("INSERT INTO intel_fts (rowid, tokens) VALUES (7, $1)")
            .bind(search::index_string("勒索軟體 LockBit"))
            .execute(pool)
            .await
            .expect("tokens");
        let long_url = format!("https://evil.example.net/{}", "a".repeat(80));
        for value in ["198.51.100.7", long_url.as_str()] {
            sqlx::query("INSERT INTO intel_observables (record_id, kind, value, origin) VALUES ($1, 'url', $2, 'content')")
                .bind(id)
                .bind(value)
                .execute(pool)
                .await
                .expect("indicator");
        }
        store.migrate().await.expect("0011");
        let find = |query: Option<&str>, observable: Option<&str>| IntelFilter {
            query: query.map(str::to_string),
            observable: observable.map(str::to_string),
            limit: 10,
            ..Default::default()
        };
        for (query, observable, n) in [
            (Some("軟體"), None, 1),
            (Some("lockbit"), None, 1),
            (Some("醫院"), None, 0),
            (None, Some("198.51.100.7"), 1),
            (None, Some(long_url.as_str()), 1),
            // Same first 48 bytes, another value: the exact check refuses it.
            (
                None,
                Some(&format!("https://evil.example.net/{}", "a".repeat(79))),
                0,
            ),
            (None, Some("198.51.100.8"), 0),
            (None, Some(""), 0),
        ] {
            let rows = store
                .list_intel(&find(query, observable))
                .await
                .expect("list");
            assert_eq!(rows.len(), n, "{query:?} {observable:?}");
        }
        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}

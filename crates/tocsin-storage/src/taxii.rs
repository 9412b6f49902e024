//! TAXII 2.1 storage: the STIX objects of each collection (a sharing group), one row per
//! stored version with the object serialised, and the status resources of POSTs.
//!
//! An object version is stored once per collection: `(collection_id, stix_id, version)` is
//! unique. Several records may carry one version (the publisher's identity of every record
//! it publishes, an address two reports name); `taxii_object_records` links the version to
//! each of them, and [`Tx::insert_taxii_objects`] adds the link when the version is already
//! stored. Who sees a version is who sees any of its records, by the very scope of
//! [`Store::list_intel`] (`scope::push_intel_scope`, built from the policy's
//! `IntelScope` and `tlp_reach`), so a caller never reads, counts or pages past an object
//! of records the policy hides. The constant objects (TLP marking definitions, tocsin's
//! identity and extension definition) have no record and every reader of the collection
//! sees them; a constant stored over a partner's copy of the same version replaces it.
//! `match[version]=last` (and `first`) is the newest (oldest) version the reader sees.
//!
//! A page is one query on the index `(collection_id, date_added, id)`: the stateless
//! cursor is the last row's `(date_added, id)`, and `added_after` folds into the same
//! lower bound, so a page deep in a collection costs what the first one does.
//!
//! **The paging rule.** `date_added` is distinct and increasing within a collection, in
//! the order of commits: a writer takes the collection's lock ([`Tx::taxii_next_date_added`]:
//! the sharing group's row on PostgreSQL; SQLite has one writer), starts at the later of
//! its transaction's time and the collection's last `date_added` plus 1 µs, and gives its
//! objects one microsecond each, in order. So a client paging with `added_after` set to
//! the previous page's `X-TAXII-Date-Added-Last` neither skips nor repeats an object.
//! (Rows sharing a `date_added`, which only an operator's bulk load writes, are ordered by
//! their id, and the `next` cursor pages through them.)

use sqlx::QueryBuilder;
use tocsin_domain::policy::IntelScope;
use tocsin_domain::{IntelId, Timestamp};
use uuid::Uuid;

use crate::scope::push_intel_scope;
use crate::{Result, Store, Tx};

/// One stored version of a STIX object in a collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxiiObject {
    /// This stored version's id (UUIDv7): the second key of the cursor.
    pub id: Uuid,
    /// The collection (a sharing group's id).
    pub collection_id: Uuid,
    /// The intel record it belongs to, whose TLP and audiences decide who sees it; `None`
    /// for the constant objects (TLP marking definitions, tocsin's identity and extension
    /// definition), which every reader of the collection sees. Stored: linked to the
    /// version whether it is new or not. Read: the record the version was first stored
    /// with (it may belong to more; the page shows it once to whoever reads any of them).
    pub record_id: Option<IntelId>,
    /// The STIX id, `type--uuid`.
    pub stix_id: String,
    /// The STIX type.
    pub kind: String,
    /// The version: `modified`, else `created`, else when the record was stored.
    pub version: Timestamp,
    /// `spec_version`.
    pub spec_version: String,
    /// When it was added to the collection.
    pub date_added: Timestamp,
    /// The object as JSON.
    pub body: String,
}

/// A stored object row as exported.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub(crate) struct RawObject {
    pub(crate) id: Uuid,
    pub(crate) collection_id: Uuid,
    pub(crate) record_id: Option<Uuid>,
    pub(crate) stix_id: String,
    pub(crate) kind: String,
    pub(crate) version: i64,
    pub(crate) spec_version: String,
    pub(crate) date_added: i64,
    pub(crate) body: String,
}

/// A status resource row as exported.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub(crate) struct RawStatus {
    pub(crate) id: Uuid,
    pub(crate) collection_id: Uuid,
    pub(crate) user_id: Uuid,
    pub(crate) body: String,
    pub(crate) created_at: i64,
}

impl From<RawObject> for TaxiiObject {
    fn from(r: RawObject) -> Self {
        TaxiiObject {
            id: r.id,
            collection_id: r.collection_id,
            record_id: r.record_id.map(IntelId::from),
            stix_id: r.stix_id,
            kind: r.kind,
            version: Timestamp::from_micros(r.version),
            spec_version: r.spec_version,
            date_added: Timestamp::from_micros(r.date_added),
            body: r.body,
        }
    }
}

/// Which versions of each object a query returns (TAXII `match[version]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum VersionMatch {
    /// The newest version of each object (the default).
    #[default]
    Last,
    /// The oldest.
    First,
    /// Every version.
    All,
    /// Exactly these versions.
    At(Vec<Timestamp>),
}

/// A query of a collection's objects.
#[derive(Clone, Debug)]
pub struct TaxiiQuery {
    /// Who asks, as the policy scopes intel records.
    pub scope: IntelScope,
    /// The collection.
    pub collection: Uuid,
    /// Rows after this `(date_added, id)` only: the cursor of the previous page.
    pub after: Option<(Timestamp, Uuid)>,
    /// Rows added after this time only.
    pub added_after: Option<Timestamp>,
    /// Only these STIX ids (empty: any).
    pub ids: Vec<String>,
    /// Only these types (empty: any).
    pub kinds: Vec<String>,
    /// Only these spec versions (empty: any).
    pub spec_versions: Vec<String>,
    /// Which versions.
    pub version: VersionMatch,
    /// At most this many rows (the caller asks one more than it shows, to know `more`).
    pub limit: i64,
}

impl TaxiiQuery {
    /// A query of everything visible in `collection`, newest versions, first page.
    pub fn new(scope: IntelScope, collection: Uuid, limit: i64) -> TaxiiQuery {
        TaxiiQuery {
            scope,
            collection,
            after: None,
            added_after: None,
            ids: Vec::new(),
            kinds: Vec::new(),
            spec_versions: Vec::new(),
            version: VersionMatch::Last,
            limit,
        }
    }

    /// The one lower bound of `(date_added, id)`: the cursor and `added_after` together.
    fn lower_bound(&self) -> (i64, Uuid) {
        let mut lb = (i64::MIN, Uuid::nil());
        if let Some((t, id)) = self.after {
            lb = lb.max((t.micros(), id));
        }
        if let Some(t) = self.added_after {
            lb = lb.max((t.micros(), Uuid::max()));
        }
        lb
    }
}

/// Pushes the condition that the object row aliased `alias` is one `scope` may see: a
/// constant, or linked to a record within the scope.
fn push_visible<DB>(b: &mut QueryBuilder<DB>, alias: &str, scope: &IntelScope)
where
    DB: sqlx::Database,
    Uuid: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i32: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if matches!(scope, IntelScope::All) {
        b.push("1 = 1");
        return;
    }
    b.push(format_args!(
        "({alias}.record_id IS NULL OR EXISTS (SELECT 1 FROM taxii_object_records l \
         JOIN intel_records r ON r.id = l.record_id WHERE l.object_id = {alias}.id AND "
    ));
    push_intel_scope(b, scope);
    b.push("))");
}

/// Pushes `match[version]=last` or `first`: no newer (older) version of the object that
/// the scope sees. Other modes push nothing.
fn push_newest_or_oldest<DB>(b: &mut QueryBuilder<DB>, mode: &VersionMatch, scope: &IntelScope)
where
    DB: sqlx::Database,
    Uuid: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i32: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let cmp = match mode {
        VersionMatch::Last => ">",
        VersionMatch::First => "<",
        VersionMatch::All | VersionMatch::At(_) => return,
    };
    b.push(format_args!(
        " AND NOT EXISTS (SELECT 1 FROM taxii_objects n WHERE n.collection_id = o.collection_id \
         AND n.stix_id = o.stix_id AND n.version {cmp} o.version AND "
    ));
    push_visible(b, "n", scope);
    b.push(")");
}

impl Store {
    /// One page of a collection's objects the scope may see, sorted by `(date_added, id)`:
    /// at most `q.limit` rows (1–10,001).
    pub async fn taxii_objects(&self, q: &TaxiiQuery) -> Result<Vec<TaxiiObject>> {
        let (lb_time, lb_id) = q.lower_bound();
        let limit = q.limit.clamp(1, 10_001);
        const SELECT: &str = "SELECT o.id, o.collection_id, o.record_id, o.stix_id, o.kind, o.version, o.spec_version, o.date_added, o.body \
             FROM taxii_objects o WHERE o.collection_id = ";
        let rows = match &self.pool {
            crate::Pool::Sqlite(p) => {
                let mut b = QueryBuilder::<sqlx::Sqlite>::new(SELECT);
                b.push_bind(q.collection)
                    .push(" AND (o.date_added, o.id) > (")
                    .push_bind(lb_time)
                    .push(", ")
                    .push_bind(lb_id)
                    .push(") AND ");
                push_visible(&mut b, "o", &q.scope);
                // Lists as JSON arrays, read by json_each.
                let json = |v: &[String]| serde_json::to_string(v).unwrap_or_default();
                for (column, list) in [
                    ("o.stix_id", &q.ids),
                    ("o.kind", &q.kinds),
                    ("o.spec_version", &q.spec_versions),
                ] {
                    if !list.is_empty() {
                        b.push(format_args!(
                            " AND {column} IN (SELECT value FROM json_each("
                        ))
                        .push_bind(json(list))
                        .push("))");
                    }
                }
                push_newest_or_oldest(&mut b, &q.version, &q.scope);
                if let VersionMatch::At(v) = &q.version {
                    let v: Vec<i64> = v.iter().map(|t| t.micros()).collect();
                    b.push(" AND o.version IN (SELECT value FROM json_each(")
                        .push_bind(serde_json::to_string(&v).unwrap_or_default())
                        .push("))");
                }
                b.push(" ORDER BY o.date_added, o.id LIMIT ")
                    .push_bind(limit);
                b.build_query_as::<RawObject>()
                    .persistent(true)
                    .fetch_all(p)
                    .await?
            }
            crate::Pool::Postgres(p) => {
                let mut b = QueryBuilder::<sqlx::Postgres>::new(SELECT);
                b.push_bind(q.collection)
                    .push(" AND (o.date_added, o.id) > (")
                    .push_bind(lb_time)
                    .push("::bigint, ")
                    .push_bind(lb_id)
                    .push("::uuid) AND ");
                push_visible(&mut b, "o", &q.scope);
                for (column, list) in [
                    ("o.stix_id", &q.ids),
                    ("o.kind", &q.kinds),
                    ("o.spec_version", &q.spec_versions),
                ] {
                    if !list.is_empty() {
                        b.push(format_args!(" AND {column} = ANY("))
                            .push_bind(list.clone())
                            .push(")");
                    }
                }
                push_newest_or_oldest(&mut b, &q.version, &q.scope);
                if let VersionMatch::At(v) = &q.version {
                    let v: Vec<i64> = v.iter().map(|t| t.micros()).collect();
                    b.push(" AND o.version = ANY(")
                        .push_bind(v)
                        .push("::bigint[])");
                }
                b.push(" ORDER BY o.date_added, o.id LIMIT ")
                    .push_bind(limit);
                // Planned with this call's values (an unnamed statement): a cached generic
                // plan would not fit every scope and filter. Even so, the planner guesses
                // that few rows pass the scope and version filters, and for a page deep in
                // a collection it sorts everything after the cursor (270 ms at 200,000
                // objects; walking the index, the page takes about 6 ms end to end):
                // unless the client names ids (then their index is the short way), sorting
                // is ruled out for the page's transaction.
                let mut tx = p.begin().await?;
                if q.ids.is_empty() {
                    sqlx::query("SET LOCAL enable_sort = off")
                        .execute(&mut *tx)
                        .await?;
                }
                let rows = b
                    .build_query_as::<RawObject>()
                    .persistent(false)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                rows
            }
        };
        Ok(rows.into_iter().map(TaxiiObject::from).collect())
    }

    /// Refreshes the planner's statistics of the TAXII table after a bulk load
    /// (PostgreSQL: without them, a freshly loaded table is planned as tiny and the first
    /// page sorts the collection instead of walking the index; autovacuum does it later).
    pub async fn analyze_taxii(&self) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("ANALYZE taxii_objects").execute(c).await?;
        });
        Ok(())
    }

    /// A status resource of a POST by `user`, as stored JSON.
    pub async fn taxii_status(&self, id: Uuid, user: Uuid) -> Result<Option<String>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, String>("SELECT body FROM taxii_status WHERE id = $1 AND user_id = $2")
                .bind(id).bind(user).fetch_optional(c).await?
        }))
    }

    /// Deletes the status resources created at or before `before`; how many went.
    pub async fn purge_taxii_status(&self, before: Timestamp) -> Result<u64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("DELETE FROM taxii_status WHERE created_at <= $1").bind(before.micros()).execute(c).await?.rows_affected()
        }))
    }

    /// How many object rows a collection holds (all versions, whoever may see them): for
    /// the operator's figures and the benchmark, never shown to a partner.
    pub async fn taxii_count(&self, collection: Uuid) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM taxii_objects WHERE collection_id = $1")
                .bind(collection).fetch_one(c).await?
        }))
    }
}

/// Object rows per multi-row INSERT: 9 parameters each.
const OBJECTS_PER_STATEMENT: usize = 500;

/// A version a collection holds, as [`Tx::taxii_stored`] finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredVersion {
    /// The STIX id.
    pub stix_id: String,
    /// The version.
    pub version: Timestamp,
    /// The record it was first stored with (`None`: a constant).
    pub record_id: Option<IntelId>,
    /// The object as JSON.
    pub body: String,
}

/// A link of a stored version to a record it belongs to, as exported.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub(crate) struct RawObjectRecord {
    pub(crate) object_id: Uuid,
    pub(crate) record_id: Uuid,
}

/// `(?, ?, …)` groups of `width` placeholders for `rows` rows: anonymous on SQLite (sqlx
/// looks each numbered one up by name, which costs quadratic time in a statement of
/// thousands of them), numbered on PostgreSQL, where `casts` follow each one.
fn placeholders(anonymous: bool, rows: usize, casts: &[&str]) -> String {
    let width = casts.len();
    let mut sql = String::new();
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (j, cast) in casts.iter().enumerate() {
            if j > 0 {
                sql.push_str(", ");
            }
            if anonymous {
                sql.push('?');
            } else {
                sql.push_str(&format!("${}{cast}", i * width + j + 1));
            }
        }
        sql.push(')');
    }
    sql
}

impl Tx {
    /// Stores object versions, each once per collection and version (module
    /// documentation). A row of a record whose version is already stored only links the
    /// stored version to that record too; a constant row (no record) makes the stored
    /// version constant, with the constant's body. Returns how many rows were new or made
    /// constant.
    pub async fn insert_taxii_objects(&mut self, rows: &[TaxiiObject]) -> Result<u64> {
        let anonymous = matches!(self.0, crate::TxInner::Sqlite(_));
        // A constant once per version, so that one statement never updates a row twice.
        let mut constants: Vec<&TaxiiObject> = Vec::new();
        for r in rows.iter().filter(|r| r.record_id.is_none()) {
            if !constants.iter().any(|c| {
                (c.collection_id, &c.stix_id, c.version) == (r.collection_id, &r.stix_id, r.version)
            }) {
                constants.push(r);
            }
        }
        let linked: Vec<&TaxiiObject> = rows.iter().filter(|r| r.record_id.is_some()).collect();
        let mut added = 0;
        for (part, conflict) in [
            (
                constants,
                " ON CONFLICT (collection_id, stix_id, version) DO UPDATE SET record_id = NULL, body = excluded.body \
                 WHERE taxii_objects.record_id IS NOT NULL",
            ),
            (
                linked.clone(),
                " ON CONFLICT (collection_id, stix_id, version) DO NOTHING",
            ),
        ] {
            for chunk in part.chunks(OBJECTS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO taxii_objects (id, collection_id, record_id, stix_id, kind, version, spec_version, date_added, body) VALUES {}{conflict}",
                    placeholders(anonymous, chunk.len(), &[""; 9])
                );
                added += dispatch!(tx self, c => {
                    // Only placeholders and fixed text are written into `sql`; every value is bound.
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                    for r in chunk {
                        q = q
                            .bind(r.id)
                            .bind(r.collection_id)
                            .bind(r.record_id.map(|i| i.uuid()))
                            .bind(&r.stix_id)
                            .bind(&r.kind)
                            .bind(r.version.micros())
                            .bind(&r.spec_version)
                            .bind(r.date_added.micros())
                            .bind(&r.body);
                    }
                    q.execute(c).await?.rows_affected()
                });
            }
        }
        // Every record row links the stored version (new or not) to its record. Each row
        // finds its version by a scalar subquery on the unique index: SQLite planned the
        // join of a bound VALUES list with the table as a scan, 96 times slower at 100,000
        // objects.
        for chunk in linked.chunks(OBJECTS_PER_STATEMENT) {
            let mut values = String::new();
            for i in 0..chunk.len() {
                if i > 0 {
                    values.push_str(", ");
                }
                if anonymous {
                    values.push_str(
                        "((SELECT id FROM taxii_objects WHERE collection_id = ? AND stix_id = ? AND version = ?), ?)",
                    );
                } else {
                    let n = i * 4;
                    values.push_str(&format!(
                        "((SELECT id FROM taxii_objects WHERE collection_id = ${}::uuid AND stix_id = ${} AND version = ${}::bigint), ${}::uuid)",
                        n + 1,
                        n + 2,
                        n + 3,
                        n + 4
                    ));
                }
            }
            let sql = format!(
                "INSERT INTO taxii_object_records (object_id, record_id) VALUES {values} ON CONFLICT DO NOTHING"
            );
            dispatch!(tx self, c => {
                // Only placeholders and fixed text are written into `sql`; every value is bound.
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for r in chunk {
                    q = q
                        .bind(r.collection_id)
                        .bind(&r.stix_id)
                        .bind(r.version.micros())
                        .bind(r.record_id.map(|i| i.uuid()));
                }
                q.execute(c).await?;
            });
        }
        Ok(added)
    }

    /// Links a stored version to one more record (the import of an export).
    pub(crate) async fn link_taxii_object(&mut self, object: Uuid, record: Uuid) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO taxii_object_records (object_id, record_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(object).bind(record).execute(c).await?;
        });
        Ok(())
    }

    /// The first `date_added` of objects this transaction adds to a collection, the next
    /// ones 1 µs apart (the paging rule of the module documentation): the later of the
    /// transaction's time and the collection's last `date_added` plus 1 µs. Takes the
    /// collection's lock until the transaction ends, so that writers add in turn.
    pub async fn taxii_next_date_added(&mut self, collection: Uuid) -> Result<Timestamp> {
        let now = self.now();
        let last: Option<i64> = match &mut self.0 {
            crate::TxInner::Sqlite(c) => {
                sqlx::query_scalar(
                    "SELECT MAX(date_added) FROM taxii_objects WHERE collection_id = $1",
                )
                .bind(collection)
                .fetch_one(&mut **c)
                .await?
            }
            crate::TxInner::Postgres(c) => {
                // NO KEY UPDATE: adding members (their foreign key's KEY SHARE) goes on.
                sqlx::query("SELECT id FROM sharing_groups WHERE id = $1 FOR NO KEY UPDATE")
                    .bind(collection)
                    .execute(&mut **c)
                    .await?;
                sqlx::query_scalar(
                    "SELECT MAX(date_added) FROM taxii_objects WHERE collection_id = $1",
                )
                .bind(collection)
                .fetch_one(&mut **c)
                .await?
            }
        };
        Ok(match last {
            Some(l) if l >= now.micros() => Timestamp::from_micros(l.saturating_add(1)),
            _ => now,
        })
    }

    /// The versions a collection holds of these STIX ids, with the record each was first
    /// stored with and its body.
    pub async fn taxii_stored(
        &mut self,
        collection: Uuid,
        stix_ids: &[String],
    ) -> Result<Vec<StoredVersion>> {
        if stix_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, i64, Option<Uuid>, String)> = match &mut self.0 {
            crate::TxInner::Sqlite(c) => sqlx::query_as(
                "SELECT stix_id, version, record_id, body FROM taxii_objects WHERE collection_id = $1 \
                 AND stix_id IN (SELECT value FROM json_each($2))",
            )
            .bind(collection)
            .bind(serde_json::to_string(stix_ids).unwrap_or_default())
            .fetch_all(&mut **c)
            .await?,
            crate::TxInner::Postgres(c) => sqlx::query_as(
                "SELECT stix_id, version, record_id, body FROM taxii_objects WHERE collection_id = $1 \
                 AND stix_id = ANY($2)",
            )
            .bind(collection)
            .bind(stix_ids)
            .fetch_all(&mut **c)
            .await?,
        };
        Ok(rows
            .into_iter()
            .map(|(stix_id, version, record_id, body)| StoredVersion {
                stix_id,
                version: Timestamp::from_micros(version),
                record_id: record_id.map(IntelId::from),
                body,
            })
            .collect())
    }

    /// Deletes every stored version of an object from a collection (or only the given
    /// versions); returns how many rows went.
    pub async fn delete_taxii_object(
        &mut self,
        collection: Uuid,
        stix_id: &str,
        versions: &[Timestamp],
    ) -> Result<u64> {
        let mut n = 0;
        if versions.is_empty() {
            n += dispatch!(tx self, c => {
                sqlx::query("DELETE FROM taxii_objects WHERE collection_id = $1 AND stix_id = $2")
                    .bind(collection).bind(stix_id).execute(c).await?.rows_affected()
            });
        }
        for v in versions {
            n += dispatch!(tx self, c => {
                sqlx::query("DELETE FROM taxii_objects WHERE collection_id = $1 AND stix_id = $2 AND version = $3")
                    .bind(collection).bind(stix_id).bind(v.micros()).execute(c).await?.rows_affected()
            });
        }
        Ok(n)
    }

    /// Keeps the status resource of a POST (its JSON) for `user`.
    pub async fn insert_taxii_status(
        &mut self,
        id: Uuid,
        collection: Uuid,
        user: Uuid,
        body: &str,
        at: Timestamp,
    ) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO taxii_status (id, collection_id, user_id, body, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(collection).bind(user).bind(body).bind(at.micros()).execute(c).await?;
        });
        Ok(())
    }
}

/// One line of an indicator blocklist: an indicator of the shared records a scope may
/// read, with the least restrictive TLP among them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct BlocklistEntry {
    /// The kind (`ipv4`, `domain`, `url`… as `ObservableKind` names them).
    pub kind: String,
    /// The normalized value.
    pub value: String,
    /// The least restrictive TLP rank of the records it came from.
    pub tlp_rank: i32,
}

impl Store {
    /// The indicators of the shared records `scope` may read (the intel listing's own
    /// clause), of one kind or all, victims left out, sorted by kind and value; at most
    /// `limit`.
    pub async fn blocklist(
        &self,
        scope: &IntelScope,
        kind: Option<&str>,
        limit: i64,
    ) -> Result<Vec<BlocklistEntry>> {
        let limit = limit.clamp(1, 1_000_000);
        // Only origins the domain says block: never a victim, never a reference link.
        let blocking: Vec<&str> = tocsin_domain::intel::ObservableOrigin::ALL
            .iter()
            .filter(|o| o.blocks())
            .map(|o| o.as_str())
            .collect();
        macro_rules! query {
            ($db:ty, $rank:literal) => {{
                let mut b = QueryBuilder::<$db>::new(concat!(
                    "SELECT o.kind, o.value, MIN(r.tlp_rank)",
                    $rank,
                    " AS tlp_rank FROM intel_observables o JOIN intel_records r ON r.id = o.record_id WHERE r.status = 'shared' AND "
                ));
                push_intel_scope(&mut b, scope);
                if let Some(k) = kind {
                    b.push(" AND o.kind = ").push_bind(k.to_string());
                }
                b.push(" AND o.origin IN (");
                let mut list = b.separated(", ");
                for o in &blocking {
                    list.push_bind(o.to_string());
                }
                b.push(")")
                    .push(" GROUP BY o.kind, o.value ORDER BY o.kind, o.value LIMIT ")
                    .push_bind(limit);
                b
            }};
        }
        Ok(match &self.pool {
            crate::Pool::Sqlite(p) => {
                let mut b = query!(sqlx::Sqlite, "");
                b.build_query_as::<BlocklistEntry>().fetch_all(p).await?
            }
            crate::Pool::Postgres(p) => {
                let mut b = query!(sqlx::Postgres, "::int");
                b.build_query_as::<BlocklistEntry>().fetch_all(p).await?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    /// A database made before migration 0013 keeps one row of each object version: the
    /// first stored copy, constant when any copy was, linked to every copy's record.
    #[tokio::test]
    async fn the_once_migration_keeps_one_row_of_each_version_and_its_records() {
        let dir = std::env::temp_dir().join(format!("tocsin-0013-{}", Uuid::now_v7()));
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
                    .filter(|m| m.version < 13)
                    .cloned()
                    .collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(pool).await.expect("migrations up to 0012");
        let g = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO sharing_groups (id, name, kind, created_at) VALUES ($1, 'G', 'isac', 0)",
        )
        .bind(g)
        .execute(pool)
        .await
        .expect("group");
        let records: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        for (seq, r) in records.iter().enumerate() {
            sqlx::query(
                "INSERT INTO intel_records (id, seq, status, category, tlp, tlp_rank, tlp_floor, subject, published_at, body, channel, created_at, updated_at) \
                 VALUES ($1, $2, 'shared', 'DEF', 'green', 1, 'green', 's', 0, '{}', 'web', 0, 0)",
            )
            .bind(r)
            .bind(i64::try_from(seq).unwrap_or(0))
            .execute(pool)
            .await
            .expect("record");
        }
        // The publisher's identity of three records, a marking stored as a constant and
        // with a record, and one indicator.
        let mut rows: Vec<(Option<Uuid>, &str)> = records
            .iter()
            .map(|r| (Some(*r), "identity--00000000-0000-4000-8000-000000000001"))
            .collect();
        rows.push((
            Some(records[1]),
            "marking-definition--00000000-0000-4000-8000-000000000002",
        ));
        rows.push((
            None,
            "marking-definition--00000000-0000-4000-8000-000000000002",
        ));
        rows.push((
            Some(records[2]),
            "indicator--00000000-0000-4000-8000-000000000003",
        ));
        let mut ids = Vec::new();
        for (record, stix_id) in &rows {
            let id = Uuid::now_v7();
            ids.push(id);
            sqlx::query(
                "INSERT INTO taxii_objects (id, collection_id, record_id, stix_id, kind, version, spec_version, date_added, body) \
                 VALUES ($1, $2, $3, $4, 'x', 5, '2.1', 9, '{}')",
            )
            .bind(id)
            .bind(g)
            .bind(record)
            .bind(stix_id)
            .execute(pool)
            .await
            .expect("object");
        }
        store.migrate().await.expect("0013");
        let kept: Vec<(Uuid, Option<Uuid>, String)> =
            sqlx::query_as("SELECT id, record_id, stix_id FROM taxii_objects ORDER BY stix_id")
                .fetch_all(pool)
                .await
                .expect("rows");
        assert_eq!(
            kept,
            vec![
                (ids[0], Some(records[0]), rows[0].1.to_string()),
                (ids[5], Some(records[2]), rows[5].1.to_string()),
                (ids[3], None, rows[3].1.to_string()),
            ]
        );
        let links: Vec<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT object_id, record_id FROM taxii_object_records ORDER BY object_id, record_id",
        )
        .fetch_all(pool)
        .await
        .expect("links");
        let mut want = vec![
            (ids[0], records[0]),
            (ids[0], records[1]),
            (ids[0], records[2]),
            (ids[3], records[1]),
            (ids[5], records[2]),
        ];
        want.sort();
        assert_eq!(links, want);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

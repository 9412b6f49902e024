//! TAXII 2.1 storage: the STIX objects of each collection (a sharing group), one row per
//! stored version with the object serialised, and the status resources of POSTs.
//!
//! Every row belongs to an intel record; who sees the row is who sees the record, by the
//! very scope of [`Store::list_intel`] (`scope::push_intel_scope`, built from the
//! policy's `IntelScope` and `tlp_reach`), so a caller never reads, counts or pages
//! past an object of a record the policy hides. A page is one query on the index
//! `(collection_id, date_added, id)`: the stateless cursor is the last row's
//! `(date_added, id)`, and `added_after` folds into the same lower bound, so a page deep in
//! a collection costs what the first one does.

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
    /// The intel record whose TLP and audiences decide who sees it; `None` for the
    /// constant objects (TLP marking definitions, tocsin's identity and extension
    /// definition), which every reader of the collection sees.
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

impl Store {
    /// One page of a collection's objects the scope may see, sorted by `(date_added, id)`:
    /// at most `q.limit` rows (1–10,001).
    pub async fn taxii_objects(&self, q: &TaxiiQuery) -> Result<Vec<TaxiiObject>> {
        let (lb_time, lb_id) = q.lower_bound();
        let limit = q.limit.clamp(1, 10_001);
        const SELECT: &str = "SELECT o.id, o.collection_id, o.record_id, o.stix_id, o.kind, o.version, o.spec_version, o.date_added, o.body \
             FROM taxii_objects o LEFT JOIN intel_records r ON r.id = o.record_id WHERE o.collection_id = ";
        // Which versions of an object: the newest, the oldest, all, or named ones (pushed
        // by the engine's list syntax).
        fn newest_or_oldest(mode: &VersionMatch) -> Option<&'static str> {
            match mode {
                VersionMatch::Last => Some(
                    " AND NOT EXISTS (SELECT 1 FROM taxii_objects n WHERE n.collection_id = o.collection_id AND n.stix_id = o.stix_id AND n.record_id = o.record_id AND n.version > o.version)",
                ),
                VersionMatch::First => Some(
                    " AND NOT EXISTS (SELECT 1 FROM taxii_objects n WHERE n.collection_id = o.collection_id AND n.stix_id = o.stix_id AND n.record_id = o.record_id AND n.version < o.version)",
                ),
                VersionMatch::All | VersionMatch::At(_) => None,
            }
        }
        let rows = match &self.pool {
            crate::Pool::Sqlite(p) => {
                let mut b = QueryBuilder::<sqlx::Sqlite>::new(SELECT);
                b.push_bind(q.collection)
                    .push(" AND (o.date_added, o.id) > (")
                    .push_bind(lb_time)
                    .push(", ")
                    .push_bind(lb_id)
                    .push(") AND (o.record_id IS NULL OR ");
                push_intel_scope(&mut b, &q.scope);
                b.push(")");
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
                if let Some(clause) = newest_or_oldest(&q.version) {
                    b.push(clause);
                }
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
                    .push("::uuid) AND (o.record_id IS NULL OR ");
                push_intel_scope(&mut b, &q.scope);
                b.push(")");
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
                if let Some(clause) = newest_or_oldest(&q.version) {
                    b.push(clause);
                }
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

impl Tx {
    /// Stores object versions; a version already stored (same collection, STIX id, record
    /// and version) is left as it is. Returns how many rows were new.
    pub async fn insert_taxii_objects(&mut self, rows: &[TaxiiObject]) -> Result<u64> {
        let mut added = 0;
        for chunk in rows.chunks(OBJECTS_PER_STATEMENT) {
            // Anonymous placeholders on SQLite: sqlx looks each numbered one up by name,
            // which costs quadratic time in a statement of thousands of them.
            let anonymous = matches!(self.0, crate::TxInner::Sqlite(_));
            let mut sql = String::from(
                "INSERT INTO taxii_objects (id, collection_id, record_id, stix_id, kind, version, spec_version, date_added, body) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                if anonymous {
                    sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
                } else {
                    let b = i * 9;
                    sql.push_str(&format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9
                    ));
                }
            }
            sql.push_str(" ON CONFLICT DO NOTHING");
            added += dispatch!(tx self, c => {
                // Only numbered placeholders are written into `sql`; every value is bound.
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
        Ok(added)
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

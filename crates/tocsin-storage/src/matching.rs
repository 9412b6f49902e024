//! What the indicator index of IOC matching reads (`tocsin-app`'s `service::matching`):
//! the few columns of a record that decide who may read it, its audiences and its
//! indicators, for every record or only for those changed since the index last looked;
//! and, for tests, the same question asked of the tables with plain SQL.
//!
//! A change is found by `updated_at` (indexed since migration 0021) or by a `seq` above
//! the highest one seen: an imported record keeps the times it was exported with.

use sqlx::QueryBuilder;
use tocsin_domain::policy::IntelScope;
use tocsin_domain::{IntelId, Timestamp};
use uuid::Uuid;

use crate::intel::{AudienceRow, ObservableRow, RawAudience};
use crate::scope::push_intel_scope;
use crate::{Result, Store};

/// What the index keeps of a record.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MatchRecord {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: IntelId,
    /// Its place in the order of creation.
    pub seq: i64,
    /// draft or shared (or withdrawn).
    pub status: String,
    /// The TLP name.
    pub tlp: String,
    /// The organization that wrote it.
    pub owner_org_id: Option<Uuid>,
    /// The account that wrote it.
    pub created_by: Option<Uuid>,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// What a list of hits shows of a record.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MatchTitle {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: IntelId,
    /// Subject.
    pub subject: String,
    /// The TLP name.
    pub tlp: String,
    /// Publication time.
    #[sqlx(try_from = "i64")]
    pub published_at: Timestamp,
}

const MATCH_COLUMNS: &str =
    "SELECT id, seq, status, tlp, owner_org_id, created_by, updated_at FROM intel_records";

impl Store {
    /// Every record (`changed` `None`), or those changed at or after `changed.0` or
    /// created after the record numbered `changed.1`.
    pub async fn match_records(
        &self,
        changed: Option<(Timestamp, i64)>,
    ) -> Result<Vec<MatchRecord>> {
        Ok(match changed {
            None => dispatch!(pool self, c => {
                sqlx::query_as::<_, MatchRecord>(MATCH_COLUMNS).fetch_all(c).await?
            }),
            Some((since, seq)) => dispatch!(pool self, c => {
                sqlx::query_as::<_, MatchRecord>(sqlx::AssertSqlSafe(format!(
                    "{MATCH_COLUMNS} WHERE updated_at >= $1 UNION SELECT id, seq, status, tlp, owner_org_id, created_by, updated_at FROM intel_records WHERE seq > $2"
                )))
                .bind(since.micros()).bind(seq).fetch_all(c).await?
            }),
        })
    }

    /// These records (those that exist).
    pub async fn match_records_of(&self, ids: &[IntelId]) -> Result<Vec<MatchRecord>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<MatchRecord> = dispatch!(pool self, c => {
                let mut q = QueryBuilder::new(MATCH_COLUMNS);
                q.push(" WHERE id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(id.uuid());
                }
                q.push(")");
                q.build_query_as::<MatchRecord>().fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// What a list of hits shows of these records.
    pub async fn match_titles(&self, ids: &[IntelId]) -> Result<Vec<MatchTitle>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<MatchTitle> = dispatch!(pool self, c => {
                let mut q = QueryBuilder::new("SELECT id, subject, tlp, published_at FROM intel_records WHERE id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(id.uuid());
                }
                q.push(")");
                q.build_query_as::<MatchTitle>().fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// The audiences of these records, or of every record (`None`).
    pub async fn match_audiences(&self, ids: Option<&[IntelId]>) -> Result<Vec<AudienceRow>> {
        let mut raw: Vec<RawAudience> = Vec::new();
        match ids {
            None => {
                raw = dispatch!(pool self, c => {
                    sqlx::query_as::<_, RawAudience>("SELECT record_id, kind, target_id, added_at FROM intel_audience").fetch_all(c).await?
                });
            }
            Some(ids) => {
                for chunk in ids.chunks(500) {
                    let rows: Vec<RawAudience> = dispatch!(pool self, c => {
                        let mut q = QueryBuilder::new("SELECT record_id, kind, target_id, added_at FROM intel_audience WHERE record_id IN (");
                        let mut list = q.separated(", ");
                        for id in chunk {
                            list.push_bind(id.uuid());
                        }
                        q.push(")");
                        q.build_query_as::<RawAudience>().fetch_all(c).await?
                    });
                    raw.extend(rows);
                }
            }
        }
        raw.into_iter().map(AudienceRow::try_from).collect()
    }

    /// The indicators of every record.
    pub async fn match_observables(&self) -> Result<Vec<ObservableRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ObservableRow>("SELECT record_id, kind, value, origin FROM intel_observables").fetch_all(c).await?
        }))
    }

    /// The records in `scope` that hold one of these exact indicator values, as
    /// `(record, value)` pairs in no order: the plain SQL answer the matcher's tests
    /// compare it with.
    pub async fn intel_with_values(
        &self,
        scope: &IntelScope,
        values: &[String],
    ) -> Result<Vec<(IntelId, String)>> {
        let mut out = Vec::new();
        for chunk in values.chunks(500) {
            let rows: Vec<(Uuid, String)> = dispatch!(pool self, c => {
                let mut q = QueryBuilder::new("SELECT r.id, o.value FROM intel_observables o JOIN intel_records r ON r.id = o.record_id WHERE ");
                push_intel_scope(&mut q, scope);
                q.push(" AND o.value IN (");
                let mut list = q.separated(", ");
                for v in chunk {
                    list.push_bind(v.clone());
                }
                q.push(")");
                q.build_query_as::<(Uuid, String)>().fetch_all(c).await?
            });
            out.extend(rows.into_iter().map(|(id, v)| (IntelId(id), v)));
        }
        Ok(out)
    }
}

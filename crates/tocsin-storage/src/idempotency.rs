//! Idempotency keys: a submission repeated with the same key and content (a double click,
//! a reload of a confirmation, an API client's retry) finds the report the first one
//! made instead of making another.
//!
//! The caller hashes the key together with the content, so the same key with other content
//! is another submission. [`Tx::claim_idempotency_key`] inserts the row in the transaction
//! that writes the report: the primary key decides between concurrent submissions (on
//! PostgreSQL the second insert waits for the first transaction and then finds the row; on
//! SQLite writers are serialized), and the loser rolls back and reads the winner's row with
//! [`Store::idempotent_report`]. Rows are transient (not exported) and purged after a day.

use tocsin_domain::{ReportId, Timestamp};
use uuid::Uuid;

use crate::{Result, Store, Tx};

/// The report a key made, as [`Store::idempotent_report`] finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotentReport {
    /// The report.
    pub report_id: ReportId,
    /// Its tracking number.
    pub tracking_id: String,
    /// What the caller sealed with the row (the status link's secret, encrypted).
    pub sealed: Vec<u8>,
}

type Row = (Uuid, String, Vec<u8>);

impl Store {
    /// The report made by `key_hash` at or after `since`, if any.
    pub async fn idempotent_report(
        &self,
        key_hash: &[u8],
        since: Timestamp,
    ) -> Result<Option<IdempotentReport>> {
        let row: Option<Row> = dispatch!(pool self, c => {
            sqlx::query_as::<_, Row>(
                "SELECT k.report_id, r.tracking_id, k.sealed FROM idempotency_keys k \
                 JOIN reports r ON r.id = k.report_id \
                 WHERE k.key_hash = $1 AND k.created_at >= $2",
            )
            .bind(key_hash).bind(since.micros()).fetch_optional(c).await?
        });
        Ok(row.map(|(id, tracking_id, sealed)| IdempotentReport {
            report_id: ReportId(id),
            tracking_id,
            sealed,
        }))
    }

    /// Deletes the keys created before `before`; how many went.
    pub async fn purge_idempotency_keys(&self, before: Timestamp) -> Result<u64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(before.micros()).execute(c).await?.rows_affected()
        }))
    }
}

impl Tx {
    /// Records that `key_hash` made `report` (at this transaction's time) unless a row
    /// created at or after `since` already holds the key: true when this transaction
    /// claimed it, false when another submission did (roll back and read theirs). An
    /// older row of the key is replaced.
    pub async fn claim_idempotency_key(
        &mut self,
        key_hash: &[u8],
        report: ReportId,
        sealed: &[u8],
        since: Timestamp,
    ) -> Result<bool> {
        let at = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("DELETE FROM idempotency_keys WHERE key_hash = $1 AND created_at < $2")
                .bind(key_hash).bind(since.micros()).execute(&mut *c).await?;
            sqlx::query(
                "INSERT INTO idempotency_keys (key_hash, report_id, sealed, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (key_hash) DO NOTHING",
            )
            .bind(key_hash).bind(report.uuid()).bind(sealed).bind(at.micros())
            .execute(&mut *c).await?.rows_affected()
        });
        Ok(n == 1)
    }

    /// Whether a row created at or after `since` holds `key_hash` (an older row of the key
    /// is deleted first). The group commit of intake asks this before it numbers a report,
    /// then records the key with [`Tx::record_idempotency_key`].
    pub async fn idempotency_key_held(
        &mut self,
        key_hash: &[u8],
        since: Timestamp,
    ) -> Result<bool> {
        Ok(dispatch!(tx self, c => {
            sqlx::query("DELETE FROM idempotency_keys WHERE key_hash = $1 AND created_at < $2")
                .bind(key_hash).bind(since.micros()).execute(&mut *c).await?;
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = $1")
                .bind(key_hash).fetch_one(&mut *c).await?
        }) > 0)
    }

    /// Records that `key_hash` made `report`, at this transaction's time: true, or false
    /// when a row of the key appeared meanwhile (another instance's submission, on
    /// PostgreSQL; the caller rolls back).
    pub async fn record_idempotency_key(
        &mut self,
        key_hash: &[u8],
        report: ReportId,
        sealed: &[u8],
    ) -> Result<bool> {
        let at = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query(
                "INSERT INTO idempotency_keys (key_hash, report_id, sealed, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (key_hash) DO NOTHING",
            )
            .bind(key_hash).bind(report.uuid()).bind(sealed).bind(at.micros())
            .execute(&mut *c).await?.rows_affected()
        });
        Ok(n == 1)
    }
}

//! Login throttling and rate limits, counted in the database so that every instance sees
//! the same count.
//!
//! A limit holds under concurrency because an attempt is counted before it is checked, in
//! one step: [`Tx::take_rate_slot`] counts and records under a lock on the key (SQLite's
//! single writer; a transaction-scoped advisory lock on PostgreSQL), so of N concurrent
//! attempts exactly `limit` get a slot.

use tocsin_domain::Timestamp;
use uuid::Uuid;

use crate::{Result, Store};

/// The two counted tables: the lock name's prefix and the counting insert.
const LOGIN: (&str, &str) = (
    "login_failures",
    "INSERT INTO login_failures (id, throttle_key, at) SELECT $1, $2, $3 \
     WHERE (SELECT COUNT(*) FROM login_failures WHERE throttle_key = $2 AND at > $4) < $5",
);
const RATE: (&str, &str) = (
    "rate_events",
    "INSERT INTO rate_events (id, rate_key, at) SELECT $1, $2, $3 \
     WHERE (SELECT COUNT(*) FROM rate_events WHERE rate_key = $2 AND at > $4) < $5",
);

/// Counts the rows of `key` after `since` and, when fewer than `limit`, records one at
/// `at`; returns its id, or None when the limit is reached (nothing recorded).
async fn take_slot(
    tx: &mut crate::Tx,
    (table, insert): (&str, &'static str),
    key: &str,
    at: Timestamp,
    since: Timestamp,
    limit: i64,
) -> Result<Option<Uuid>> {
    let id = Uuid::now_v7();
    let n = match &mut tx.0 {
        // BEGIN IMMEDIATE and the store's write lock: no other writer runs meanwhile.
        crate::TxInner::Sqlite(t) => sqlx::query(insert)
            .bind(id)
            .bind(key)
            .bind(at.micros())
            .bind(since.micros())
            .bind(limit)
            .execute(&mut **t)
            .await?
            .rows_affected(),
        // Read committed would let two transactions count the same rows: serialize the
        // key's takers until commit.
        crate::TxInner::Postgres(t) => {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("{table}:{key}"))
                .execute(&mut **t)
                .await?;
            sqlx::query(insert)
                .bind(id)
                .bind(key)
                .bind(at.micros())
                .bind(since.micros())
                .bind(limit)
                .execute(&mut **t)
                .await?
                .rows_affected()
        }
    };
    Ok((n == 1).then_some(id))
}

impl Store {
    /// Counts a sign-in attempt for `key` before the password is checked: records it as a
    /// failure when fewer than `max` failures happened since `since` and returns its id
    /// (forget it with [`Store::forget_login_attempt`] if the password was right), or None:
    /// refuse without checking.
    pub async fn take_login_attempt(
        &self,
        key: &str,
        at: Timestamp,
        since: Timestamp,
        max: i64,
    ) -> Result<Option<Uuid>> {
        let mut tx = self.begin().await?;
        let id = take_slot(&mut tx, LOGIN, key, at, since, max).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Forgets one counted attempt (it succeeded, or was never made).
    pub async fn forget_login_attempt(&self, id: Uuid) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("DELETE FROM login_failures WHERE id = $1").bind(id).execute(c).await?;
        });
        Ok(())
    }

    /// Failed sign-ins for `key` since `since`.
    pub async fn login_failures_since(&self, key: &str, since: Timestamp) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM login_failures WHERE throttle_key = $1 AND at > $2")
                .bind(key).bind(since.micros()).fetch_one(c).await?
        }))
    }

    /// Forgets the failures of `key` (after a successful sign-in).
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("DELETE FROM login_failures WHERE throttle_key = $1").bind(key).execute(c).await?;
        });
        Ok(())
    }

    /// Removes failures older than `before`.
    pub async fn purge_login_failures(&self, before: Timestamp) -> Result<u64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(before.micros()).execute(c).await?.rows_affected()
        }))
    }
}

impl crate::Tx {
    /// Takes one of `limit` events allowed for `key` since `since`, inside the transaction
    /// of what it limits (rolled back with it); false when the limit is reached.
    pub async fn take_rate_slot(
        &mut self,
        key: &str,
        at: Timestamp,
        since: Timestamp,
        limit: i64,
    ) -> Result<bool> {
        Ok(take_slot(self, RATE, key, at, since, limit)
            .await?
            .is_some())
    }
}

impl Store {
    /// Events counted for `key` since `since`.
    pub async fn rate_events_since(&self, key: &str, since: Timestamp) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rate_events WHERE rate_key = $1 AND at > $2")
                .bind(key).bind(since.micros()).fetch_one(c).await?
        }))
    }

    /// Removes rate events older than `before`.
    pub async fn purge_rate_events(&self, before: Timestamp) -> Result<u64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("DELETE FROM rate_events WHERE at <= $1").bind(before.micros()).execute(c).await?.rows_affected()
        }))
    }
}

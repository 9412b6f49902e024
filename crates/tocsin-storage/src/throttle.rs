//! Login throttling and rate limits, counted in the database so that every instance sees
//! the same count.

use tocsin_domain::Timestamp;
use uuid::Uuid;

use crate::{Result, Store};

impl Store {
    /// Records one failed sign-in for `key` (e.g. `email:a@b.tw` or `ip:192.0.2.1`).
    pub async fn record_login_failure(&self, key: &str, at: Timestamp) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("INSERT INTO login_failures (id, throttle_key, at) VALUES ($1, $2, $3)")
                .bind(Uuid::now_v7()).bind(key).bind(at.micros()).execute(c).await?;
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
    /// Counts one event for a rate limit, inside the transaction of what it limits.
    pub async fn record_rate_event(&mut self, key: &str, at: Timestamp) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO rate_events (id, rate_key, at) VALUES ($1, $2, $3)")
                .bind(Uuid::now_v7()).bind(key).bind(at.micros()).execute(c).await?;
        });
        Ok(())
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

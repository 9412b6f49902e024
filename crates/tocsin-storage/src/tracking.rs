//! Tracking-number allocation: one counter row per prefix and year, incremented inside the
//! caller's transaction. The row lock (PostgreSQL) or the write lock (SQLite, `BEGIN
//! IMMEDIATE`) serializes allocators, and a rolled-back transaction gives its number back:
//! numbers are unique and gap-free.

use tocsin_domain::TrackingNumber;

use crate::{Result, StorageError, Tx};

impl Tx {
    /// Allocates the next number for `prefix` in `year`.
    pub async fn next_tracking_number(
        &mut self,
        prefix: &str,
        year: i32,
    ) -> Result<TrackingNumber> {
        let seq: i64 = dispatch!(tx self, c => {
            sqlx::query_scalar("INSERT INTO tracking_counters (prefix, year, last_seq) VALUES ($1, $2, 1) \
                                ON CONFLICT (prefix, year) DO UPDATE SET last_seq = tracking_counters.last_seq + 1 \
                                RETURNING last_seq")
                .bind(prefix).bind(year).fetch_one(c).await?
        });
        TrackingNumber::new(prefix, year, seq).map_err(|e| StorageError::Corrupt(e.to_string()))
    }
}

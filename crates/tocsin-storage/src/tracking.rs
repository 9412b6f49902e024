//! Tracking-number allocation: one counter row per prefix and year, incremented inside the
//! caller's transaction. The row lock (PostgreSQL) or the write lock (SQLite, `BEGIN
//! IMMEDIATE`) serializes allocators, and a rolled-back transaction gives its numbers
//! back: numbers are unique and gap-free. A group commit takes the numbers of all its
//! reports of one prefix in one statement.

use tocsin_domain::TrackingNumber;

use crate::{Result, StorageError, Tx};

impl Tx {
    /// Allocates the next number for `prefix` in `year`.
    pub async fn next_tracking_number(
        &mut self,
        prefix: &str,
        year: i32,
    ) -> Result<TrackingNumber> {
        let mut v = self.next_tracking_numbers(prefix, year, 1).await?;
        v.pop()
            .ok_or_else(|| StorageError::Corrupt("no tracking number".into()))
    }

    /// Allocates the next `n` numbers for `prefix` in `year`, in order.
    pub async fn next_tracking_numbers(
        &mut self,
        prefix: &str,
        year: i32,
        n: usize,
    ) -> Result<Vec<TrackingNumber>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let n = i64::try_from(n).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let last: i64 = dispatch!(tx self, c => {
            sqlx::query_scalar("INSERT INTO tracking_counters (prefix, year, last_seq) VALUES ($1, $2, $3) \
                                ON CONFLICT (prefix, year) DO UPDATE SET last_seq = tracking_counters.last_seq + $3 \
                                RETURNING last_seq")
                .bind(prefix).bind(year).bind(n).fetch_one(c).await?
        });
        (last - n + 1..=last)
            .map(|seq| {
                TrackingNumber::new(prefix, year, seq)
                    .map_err(|e| StorageError::Corrupt(e.to_string()))
            })
            .collect()
    }
}

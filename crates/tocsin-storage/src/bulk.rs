//! Multi-row statements for the group commit of report intake: one `INSERT … VALUES
//! (…), (…), …` a chunk of rows instead of one statement a row. On SQLite every statement
//! is a round trip to the driver's worker thread, on PostgreSQL one over the socket; a
//! batch of intakes costs a few statements per table whatever its size.
//!
//! Chunks have power-of-two sizes up to [`MAX_ROWS`], so a table has at most seven
//! distinct statements, each prepared once per connection and kept in its cache.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

/// The most rows one statement inserts (well under SQLite's 32,766 bound variables and
/// PostgreSQL's 65,535 at the widest table, the reports' 27 columns).
pub(crate) const MAX_ROWS: usize = 64;

/// Splits `n` rows into consecutive ranges whose lengths are powers of two, largest first.
pub(crate) fn chunks(n: usize) -> impl Iterator<Item = Range<usize>> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let left = n - start;
        if left == 0 {
            return None;
        }
        let size = if left >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << (usize::BITS - 1 - left.leading_zeros())
        };
        let r = start..start + size;
        start += size;
        Some(r)
    })
}

/// `head` followed by `rows` groups of `cols` numbered placeholders: built once per shape
/// and kept for the life of the process (at most seven shapes per statement head).
pub(crate) fn values_sql(head: &'static str, cols: usize, rows: usize) -> &'static str {
    type Cache = Mutex<HashMap<(&'static str, usize, usize), &'static str>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    map.entry((head, cols, rows)).or_insert_with(|| {
        let mut sql = String::with_capacity(head.len() + rows * cols * 5);
        sql.push_str(head);
        let mut n = 0;
        for r in 0..rows {
            sql.push_str(if r == 0 { " (" } else { ", (" });
            for c in 0..cols {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        // Leaked on purpose: a handful of shapes, each needed until the process ends.
        Box::leak(sql.into_boxed_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_row_once_in_order() {
        for n in 0..300 {
            let all: Vec<Range<usize>> = chunks(n).collect();
            let mut next = 0;
            for r in &all {
                assert_eq!(r.start, next);
                assert!(r.len().is_power_of_two() && r.len() <= MAX_ROWS);
                next = r.end;
            }
            assert_eq!(next, n);
        }
        assert_eq!(
            chunks(45).map(|r| r.len()).collect::<Vec<_>>(),
            [32, 8, 4, 1]
        );
    }

    #[test]
    fn values_are_numbered_across_rows() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b) VALUES", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}

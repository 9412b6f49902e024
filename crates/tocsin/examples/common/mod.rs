//! What the benchmark programs share: their arguments and their memory figures. Each
//! program includes this module (`mod common;`) and uses part of it.
#![allow(dead_code)]

use std::time::Duration;

pub mod clamd;
pub mod taxii;

/// The value after `name` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

/// A /proc/self/status figure in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// KiB as MiB for printing (`?` when unknown).
pub fn mib(kib: Option<u64>) -> String {
    kib.map(|k| format!("{:.1} MiB", k as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

/// The median, 90th and 99th percentiles and the maximum of some latencies.
pub fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |p: f64| {
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v.get(i)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    format!(
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    )
}

/// xorshift64*: deterministic, so every run of a benchmark builds the same data.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The store a benchmark runs on, from its `--database` argument: `postgres-test` (a
/// throw-away schema on the test PostgreSQL) or any database URL (connected and migrated
/// as it is, so a kept database can be timed again). Answers the store, how to name it in
/// the output (credentials redacted), whether it is PostgreSQL, and the guard that keeps a
/// throw-away schema alive until it is dropped.
pub async fn open_store(
    database: &str,
) -> anyhow::Result<(
    tocsin_storage::Store,
    String,
    bool,
    Option<tocsin_storage::testing::TestStore>,
)> {
    if database == "postgres-test" {
        let base = tocsin_storage::testing::postgres_url();
        let ts = tocsin_storage::testing::TestStore::postgres_at(&base)
            .await
            .ok_or_else(|| anyhow::anyhow!("the test PostgreSQL is unreachable"))?;
        let shown = format!(
            "PostgreSQL (throw-away schema in {})",
            tocsin_server::redact(&base)
        );
        Ok((ts.store.clone(), shown, true, Some(ts)))
    } else {
        let s = tocsin_storage::Store::connect(database).await?;
        s.migrate().await?;
        let postgres = database.starts_with("postgres");
        Ok((s, tocsin_server::redact(database), postgres, None))
    }
}

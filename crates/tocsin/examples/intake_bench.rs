//! Intake benchmark: files incident reports over HTTP on loopback against an in-process
//! server and prints reports/s, latency percentiles and peak memory, beside the bare
//! commit rate of SQLite on the same disk, measured in the same run, and the goals.
//!
//! `cargo run --release -p tocsin --example intake_bench -- [--requests N]
//! [--concurrency C] [--database URL] [--raw-seconds S]` (default: a fresh SQLite file in
//! a temp folder; `postgres-test`: a throw-away schema on the test PostgreSQL; a
//! `postgres://` URL: that database).
//! Every request is a complete intake: validation, tracking number, report, SOP tasks,
//! audit entry and acknowledgment mail, committed durably before the 201.
//!
//! The raw rate is SQLite itself (through the C library, no async driver) committing
//! single-row transactions in WAL mode with `synchronous=FULL` into a file beside the
//! benchmark's database, for S seconds before and again after the intake run; the ratio
//! is tocsin's rate over their mean, so the figure means the same on any machine. Goals
//! (issue 21): SQLite ≥ 1.0× the raw rate, PostgreSQL ≥ 3,000 reports/s, p99 < 50 ms.

mod common;
use common::arg;
use std::path::Path;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const BODY: &str = r#"{"reporter_name":"Bench Co.","email":"soc@bench.example.tw","discovered_at":"2026-11-01T09:15","incident_type":"intrusion","description":"benchmark report","needs_support":false}"#;

/// Sends `n` requests on one keep-alive connection; returns each latency.
async fn client(addr: String, n: usize) -> anyhow::Result<Vec<Duration>> {
    let stream = TcpStream::connect(&addr).await?;
    stream.set_nodelay(true)?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let req = format!(
        "POST /api/v1/reports/incident HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        w.write_all(req.as_bytes()).await?;
        let mut status = String::new();
        r.read_line(&mut status).await?;
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse()?;
            }
        }
        let mut body = vec![0u8; len];
        r.read_exact(&mut body).await?;
        if !status.contains(" 201 ") {
            anyhow::bail!(
                "unexpected answer: {status} {}",
                String::from_utf8_lossy(&body)
            );
        }
        lat.push(t.elapsed());
    }
    Ok(lat)
}

/// Single-row write transactions per second that SQLite commits durably (WAL,
/// `synchronous=FULL`) into a fresh file in `dir`, for `secs` seconds, on this thread.
fn raw_sqlite_rate(dir: &Path, secs: f64) -> anyhow::Result<f64> {
    let path = dir.join(format!("raw-{}.db", uuid::Uuid::now_v7().simple()));
    let conn = rusqlite::Connection::open(&path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "journal mode {mode}");
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA page_size=16384; \
         CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL);",
    )?;
    let mut insert = conn.prepare("INSERT INTO t (at, body) VALUES (?1, ?2)")?;
    let body = "x".repeat(200);
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        insert.execute(rusqlite::params![n as i64, body])?;
        conn.execute_batch("COMMIT")?;
        n += 1;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    drop(insert);
    drop(conn);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(rate)
}

fn peak_rss_kib() -> Option<u64> {
    common::status_kib("VmHWM:")
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let requests: usize = arg("--requests", "20000").parse()?;
    let concurrency: usize = arg("--concurrency", "16").parse::<usize>()?.max(1);
    let raw_secs: f64 = arg("--raw-seconds", "2").parse()?;
    let dir = std::env::temp_dir().join(format!("tocsin-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let default_db = format!("sqlite:{}", dir.join("tocsin.db").display());
    let database = arg("--database", &default_db);
    // `_test_store` keeps a throw-away PostgreSQL schema alive for the run.
    let (store, shown, postgres, _test_store) = common::open_store(&database).await?;
    let mut config = tocsin_server::Config {
        data_dir: dir.clone(),
        database: database.clone(),
        ..Default::default()
    };
    config.mail.worker = false;
    config.reports.max_per_hour_per_address = 0;
    let config = config.finish()?;
    let state = tocsin_server::AppState::new(store.clone(), config)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, tocsin_server::app(state)).await;
    });

    // The disk's bare commit rate, before and after (the machine's load may change).
    let raw_dir = dir.clone();
    let raw_before =
        tokio::task::spawn_blocking(move || raw_sqlite_rate(&raw_dir, raw_secs)).await??;

    let per = requests / concurrency;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        tasks.push(tokio::spawn(client(addr.clone(), per)));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let elapsed = start.elapsed();
    server.abort();

    let raw_dir = dir.clone();
    let raw_after =
        tokio::task::spawn_blocking(move || raw_sqlite_rate(&raw_dir, raw_secs)).await??;
    let raw = (raw_before + raw_after) / 2.0;

    let stored: i64 = store
        .count_reports_by_state(tocsin_domain::ReportKind::Incident)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
    let rate = lat.len() as f64 / elapsed.as_secs_f64();
    let p99_ms = pct(0.99).as_secs_f64() * 1e3;
    println!(
        "intake benchmark: {} reports, {concurrency} connections, database {shown}",
        lat.len()
    );
    println!(
        "raw SQLite commit rate (same disk, WAL, synchronous=FULL, one row per transaction): \
         {raw:.0} transactions/s (before {raw_before:.0}, after {raw_after:.0})"
    );
    println!("tocsin intake: {rate:.0} reports/s, {stored} stored");
    println!(
        "ratio to the raw rate: {:.2}×{}",
        rate / raw,
        if postgres {
            String::new()
        } else {
            format!(" (goal ≥ 1.0×: {})", verdict(rate >= raw))
        }
    );
    if postgres {
        println!(
            "goal on PostgreSQL ≥ 3,000 reports/s: {}",
            verdict(rate >= 3000.0)
        );
    }
    println!(
        "latency: p50 {:.2} ms, p95 {:.2} ms, p99 {p99_ms:.2} ms (goal < 50 ms: {}), max {:.2} ms",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.95).as_secs_f64() * 1e3,
        verdict(p99_ms < 50.0),
        pct(1.0).as_secs_f64() * 1e3
    );
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory: {:.1} MiB", kib as f64 / 1024.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

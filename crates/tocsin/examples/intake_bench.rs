//! Intake benchmark: files incident reports over HTTP on loopback against an in-process
//! server and prints reports/s, latency percentiles and peak memory.
//!
//! `cargo run --release -p tocsin --example intake_bench -- [--requests N]
//! [--concurrency C] [--database URL]` (default: a fresh SQLite file in a temp folder).
//! Every request is a complete intake: validation, tracking number, report, SOP tasks,
//! audit entry and acknowledgment mail, committed durably before the 201.

mod common;
use common::arg;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const BODY: &str = r#"{"reporter_name":"Bench Co.","email":"soc@bench.example.tw","discovered_at":"2026-11-01T09:15","incident_type":"intrusion","description":"benchmark report","needs_support":false}"#;

/// Sends `n` requests on one keep-alive connection; returns each latency.
async fn client(addr: String, n: usize) -> anyhow::Result<Vec<Duration>> {
    let stream = TcpStream::connect(&addr).await?;
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

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let requests: usize = arg("--requests", "2000").parse()?;
    let concurrency: usize = arg("--concurrency", "16").parse::<usize>()?.max(1);
    let dir = std::env::temp_dir().join(format!("tocsin-bench-{}", std::process::id()));
    let default_db = format!("sqlite:{}", dir.join("tocsin.db").display());
    let database = arg("--database", &default_db);
    let mut config = tocsin_server::Config {
        data_dir: dir.clone(),
        database: database.clone(),
        ..Default::default()
    };
    config.mail.worker = false;
    config.reports.max_per_hour_per_address = 0;
    let config = config.finish()?;
    let store = tocsin_storage::Store::connect(&database).await?;
    store.migrate().await?;
    let state = tocsin_server::AppState::new(store, config)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, tocsin_server::app(state)).await;
    });

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
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
    println!(
        "intake benchmark: {} reports, {concurrency} connections, database {}",
        lat.len(),
        database.split('?').next().unwrap_or("")
    );
    println!(
        "throughput: {:.0} reports/s",
        lat.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.95).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        pct(1.0).as_secs_f64() * 1e3
    );
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory: {:.1} MiB", kib as f64 / 1024.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

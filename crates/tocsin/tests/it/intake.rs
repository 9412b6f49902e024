//! The group commit of report intake under SIGKILL: many reports filed at once, the
//! server killed while they are in flight, restarted. Every acknowledged report is there
//! exactly once with everything it commits with, and the numbers are unique, gap-free and
//! in the order the reports were filed.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tocsin_domain::{ReportKind, TrackingNumber};
use tocsin_storage::ReportFilter;

use crate::{ENGINES, Server, TempDir, db, http, rt};

const BODY: &str = r#"{"reporter_name":"Kill Co.","email":"soc@kill.example.tw","discovered_at":"2026-11-01T09:15","incident_type":"intrusion","description":"filed while the server dies","needs_support":false}"#;

/// Files reports from `clients` threads until the server stops answering; returns the
/// tracking numbers each thread was given a 201 for, in the order it was given them.
fn file_until_dead(
    addr: &str,
    clients: usize,
    acked: &Arc<AtomicUsize>,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<Vec<String>>> {
    (0..clients)
        .map(|_| {
            let addr = addr.to_string();
            let acked = acked.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let Ok((status, body)) = http(
                        &addr,
                        "POST",
                        "/api/v1/reports/incident",
                        &[("Content-Type", "application/json")],
                        BODY,
                    ) else {
                        break;
                    };
                    if status != 201 {
                        // The server died mid-answer (or refused): this one was not
                        // acknowledged, so it may or may not be stored.
                        break;
                    }
                    let v: serde_json::Value = serde_json::from_str(&body).expect("receipt");
                    mine.push(v["tracking_id"].as_str().expect("tracking_id").to_string());
                    acked.fetch_add(1, Ordering::Relaxed);
                }
                mine
            })
        })
        .collect()
}

#[test]
fn sigkill_during_group_commit_loses_no_acknowledged_report() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let data = TempDir::new();
        // A limit far above what the test files: the hourly count runs in every batch.
        let config = data.0.join("tocsin.toml");
        std::fs::write(&config, "[reports]\nmax_per_hour_per_address = 1000000\n").expect("config");
        let config = config.to_string_lossy().to_string();
        let env = [
            ("TOCSIN_CONFIG", config.as_str()),
            ("TOCSIN_MAIL_WORKER", "off"),
        ];
        let server = Server::start(&db.url, &data.0, &env);
        let acked = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let threads = file_until_dead(&server.addr, 24, &acked, &stop);
        // Kill it while the clients keep filing: some intakes are waiting for the writer,
        // some in its open transaction, some answered.
        let deadline = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::Relaxed) < 300 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let addr = server.addr.clone();
        server.kill9();
        stop.store(true, Ordering::Relaxed);
        let per_client: Vec<Vec<String>> = threads
            .into_iter()
            .map(|t| t.join().expect("client"))
            .collect();
        let acknowledged: Vec<&String> = per_client.iter().flatten().collect();
        assert!(
            acknowledged.len() >= 300,
            "{engine:?}: {} acknowledged",
            acknowledged.len()
        );

        let _again = Server::start_on(&addr, &db.url, &data.0, &env);
        let stored = rt()
            .block_on(db.store.list_reports(&ReportFilter {
                kind: Some(ReportKind::Incident),
                limit: 1_000_000,
                ..Default::default()
            }))
            .expect("reports");
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &stored {
            *count.entry(r.tracking_id.as_str()).or_default() += 1;
        }
        for t in &acknowledged {
            assert_eq!(
                count.get(t.as_str()).copied().unwrap_or(0),
                1,
                "{engine:?}: acknowledged {t} stored exactly once"
            );
        }
        assert_eq!(count.len(), stored.len(), "{engine:?}: numbers are unique");
        let unique: HashSet<&&String> = acknowledged.iter().collect();
        assert_eq!(
            unique.len(),
            acknowledged.len(),
            "{engine:?}: no number twice"
        );

        // Gap-free: the stored numbers are 1..=n; and in the queue's order (time, id),
        // which is the order the writer took the reports in.
        let seq = |t: &str| t.parse::<TrackingNumber>().expect("number").seq();
        let mut seqs: Vec<i64> = stored.iter().map(|r| seq(&r.tracking_id)).collect();
        let in_queue_order = seqs.clone();
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            (1..=stored.len() as i64).collect::<Vec<_>>(),
            "{engine:?}: gap-free"
        );
        assert_eq!(
            in_queue_order, seqs,
            "{engine:?}: numbers follow the queue's order"
        );
        // A client's next report, filed after the answer to its last, has a later number.
        for mine in &per_client {
            let s: Vec<i64> = mine.iter().map(|t| seq(t)).collect();
            assert!(
                s.windows(2).all(|w| w[0] < w[1]),
                "{engine:?}: in filing order {s:?}"
            );
        }

        // Nothing half-stored: each stored report has its audit entry and its
        // acknowledgment in the outbox (none was sent: the worker is off everywhere).
        let n = stored.len() as i64;
        let audits = rt()
            .block_on(db.store_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'report.create'"))
            .expect("audit");
        assert_eq!(audits, n, "{engine:?}: one audit entry a report");
        let mails = rt()
            .block_on(db.store_i64("SELECT COUNT(*) FROM outbox"))
            .expect("outbox");
        assert_eq!(mails, n, "{engine:?}: one acknowledgment a report");
        let tasks = rt()
            .block_on(db.store_i64("SELECT COUNT(DISTINCT report_id) FROM report_tasks"))
            .expect("tasks");
        assert_eq!(tasks, n, "{engine:?}: every report has its SOP tasks");
    }
}

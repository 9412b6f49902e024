//! Queue benchmark: builds a database of 1,000,000 reports (written through the storage
//! as intake writes them, in batches: 60 % incidents, 25 % vulnerability and 15 % phishing
//! reports over three years, nine in ten of them closed, the rest spread over the open
//! states, half assigned to one of five analysts) and times pages of the desk queues
//! (`Store::list_reports_page`, what `/desk`, `GET /api/v1/reports` and the staff home
//! call) for each kind: the first page of the open reports (the default queue) oldest and
//! newest first, page 100 by keyset cursor (`after`), and each filter of the queue (one
//! state, every state, the incident type, an analyst's reports, the unassigned ones,
//! older than 30 days). Each figure is printed beside its goal (p50 at most 10 ms a page).
//! Then the vulnerability desk's own list (`/desk/vulnerabilities`: a keyset page of
//! coordination cases and their reports in one more query): every state, page 100 by
//! cursor, and one state each of received, fix_pending and published. Then the phishing
//! desk's list (`/desk/phishing`: a keyset page of URL cases over the states asked for,
//! and their reports): the open states, every state, page 100 by cursor, one state each.
//! The SLA and waiting-on-reporter filters are the desk's calendar rules, checked by the
//! use case on what these pages list, and are not timed here.
//!
//! `cargo run --release -p tocsin --example queue_bench -- [--reports N] [--runs N]
//! [--database URL] [--keep]` (default 1,000,000 reports into a fresh SQLite file in a
//! temp folder, removed afterwards unless `--keep`; a database that already holds reports
//! is timed as it is; `--database postgres-test` makes a throw-away schema on the test
//! PostgreSQL, `--database postgres://…` uses that database). Pages are of 100 reports,
//! as the queue shows them; each case runs `--runs` times (default 50) after one untimed
//! run.

mod common;
use common::{Rng, arg};
use std::time::{Duration, Instant};

use tocsin_domain::clock::Clock;
use tocsin_domain::{Priority, ReportId, ReportKind, ReportState, Role, Roles, Timestamp, UserId};
use tocsin_storage::{
    NewPhishUrl, NewReport, NewUser, ReportCursor, ReportFilter, Store, VulnCase,
};

/// Three years of intake times, ending here.
const NEWEST_MICROS: i64 = 1_796_000_000_000_000;
const SPAN_MICROS: i64 = 3 * 365 * 86_400_000_000;
/// Reports a batch (one transaction, one intake time).
const BATCH: usize = 1000;
/// Reports a queue page.
const PAGE: i64 = 100;

fn kind_of(rng: &mut Rng) -> (ReportKind, &'static str, &'static [&'static str]) {
    match rng.below(20) {
        0..12 => (
            ReportKind::Incident,
            "INC",
            &["web_attack", "intrusion", "early_warning"],
        ),
        12..17 => (ReportKind::Vulnerability, "VUL", &["product"]),
        _ => (ReportKind::Phishing, "PHI", &["mail", "sms", "web"]),
    }
}

/// Builds the reports and five analysts; answers the analysts' ids and the time taken.
async fn build(store: &Store, reports: usize) -> anyhow::Result<(Vec<UserId>, Duration)> {
    let t = Instant::now();
    let mut tx = store.begin().await?;
    let mut analysts = Vec::new();
    for i in 0..5 {
        let u = tx
            .create_user(&NewUser {
                email: format!("analyst{i}@cert.example.tw"),
                name: format!("分析師 {i}"),
                org_id: None,
                roles: Roles::new([Role::Analyst]),
                password_hash: None,
            })
            .await?;
        analysts.push(u.id);
    }
    tx.commit().await?;
    // Each batch at its own intake time, oldest first, as intake would have stored them.
    let clock = Clock::manual(Timestamp::from_micros(NEWEST_MICROS - SPAN_MICROS));
    let timed = store.clone().with_clock(clock.clone());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let open: Vec<ReportState> = ReportState::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    let batches = reports.div_ceil(BATCH);
    let mut done = 0;
    for b in 0..batches {
        let n = BATCH.min(reports - done);
        let at = NEWEST_MICROS - SPAN_MICROS + SPAN_MICROS / batches as i64 * b as i64;
        clock
            .set(Timestamp::from_micros(at))
            .map_err(|_| anyhow::anyhow!("a manual clock"))?;
        let news: Vec<NewReport> = (0..n)
            .map(|i| {
                let (kind, prefix, categories) = kind_of(&mut rng);
                NewReport {
                    kind,
                    prefix: prefix.into(),
                    category: rng.pick(categories).into(),
                    priority: Priority::P3,
                    reporter_name: format!("通報單位 {}", rng.below(5000)),
                    reporter_email: "soc@corp.example.tw".into(),
                    reporter_phone: String::new(),
                    reporter_user_id: None,
                    org_id: None,
                    locale: "zh-TW".into(),
                    details: r#"{"description":"官網首頁遭置換"}"#.into(),
                    rsit_class: String::new(),
                    rsit_type: String::new(),
                    follows_up: String::new(),
                    status_token_hash: format!("{b}.{i}").into_bytes(),
                }
            })
            .collect();
        let mut tx = timed.begin().await?;
        let mut with_numbers = Vec::with_capacity(n);
        // Numbers per prefix, in a year of their own per batch so none runs out.
        let year = 2000 + i32::try_from(b % 20)?;
        for prefix in ["INC", "VUL", "PHI"] {
            let of: Vec<&NewReport> = news.iter().filter(|r| r.prefix == prefix).collect();
            let numbers = tx.next_tracking_numbers(prefix, year, of.len()).await?;
            with_numbers.extend(of.into_iter().zip(numbers));
        }
        let made = tx.create_reports(&with_numbers).await?;
        for mut r in made {
            r.state = if rng.below(10) == 0 {
                open[rng.below(open.len())]
            } else {
                ReportState::Closed
            };
            if rng.below(2) == 0 {
                r.assignee_id = Some(analysts[rng.below(analysts.len())].uuid());
            }
            if r.state != ReportState::Received || r.assignee_id.is_some() {
                tx.update_report(&r).await?;
            }
            // A vulnerability report's coordination case: most published, the rest
            // spread over the states on the way.
            if r.kind == ReportKind::Vulnerability {
                let cna = if rng.below(10) == 0 {
                    rng.pick(CNA_OPEN)
                } else {
                    "published"
                };
                tx.insert_vuln_case(&VulnCase::new(r.id, cna, "2026-12-31", r.reported_at))
                    .await?;
            }
            // A phishing report's URL case: most taken down, the rest on the way.
            if r.kind == ReportKind::Phishing {
                let state = if rng.below(10) == 0 {
                    rng.pick(PHISH_OPEN)
                } else {
                    "taken_down"
                };
                let url = format!(
                    "https://login-{}.examp1e.com/{}",
                    rng.below(50_000),
                    r.tracking_id
                );
                let case = NewPhishUrl {
                    normalized: url.clone(),
                    display: url,
                    host: "examp1e.com".into(),
                    registrable_domain: "examp1e.com".into(),
                    ip: String::new(),
                    brand: "銀行".into(),
                    state: state.into(),
                    tlp: "green".into(),
                };
                tx.attach_phish_url(r.id, &case, PHISH_OPEN).await?;
            }
        }
        tx.commit().await?;
        done += n;
        if done % 100_000 == 0 {
            println!(
                "  built {done} reports ({:.0} reports/s)",
                done as f64 / t.elapsed().as_secs_f64()
            );
        }
    }
    Ok((analysts, t.elapsed()))
}

/// The coordination states a case waits in on the way to publication.
const CNA_OPEN: &[&str] = &[
    "received",
    "under_review",
    "accepted",
    "vendor_notified",
    "fix_pending",
];

/// The phishing states a case waits in before it is taken down.
const PHISH_OPEN: &[&str] = &["received", "verified", "abuse_notified", "reopened"];

/// Times `runs` reads of one page (after one untimed) and prints p50 and p99 beside the
/// goal of 10 ms; `read` answers how many rows the page holds. Returns whether p50 met it.
async fn timed<F, Fut>(name: &str, runs: usize, read: F) -> anyhow::Result<bool>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let rows = read().await?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(read().await?);
        times.push(t.elapsed());
    }
    let p50 = p(&mut times, 0.5);
    let p99 = p(&mut times, 0.99);
    let goal = 10.0;
    println!(
        "{name:<48} {rows:>3} rows  p50 {p50:>7.2} ms  p99 {p99:>7.2} ms  goal p50 ≤ {goal:.0} ms: {}",
        if p50 <= goal { "met" } else { "NOT MET" }
    );
    Ok(p50 <= goal)
}

/// Times the phishing desk's list as the desk reads one: a keyset page of URL cases over
/// the states asked for, then their reports in one query.
async fn phish_case(
    store: &Store,
    name: &str,
    states: &[&str],
    after: Option<(Timestamp, uuid::Uuid)>,
    runs: usize,
) -> anyhow::Result<bool> {
    timed(name, runs, || async {
        let cases = store.phish_urls_page(states, after, PAGE).await?;
        let ids: Vec<ReportId> = cases.iter().map(|c| c.case_report_id).collect();
        std::hint::black_box(store.get_reports(&ids).await?);
        anyhow::Ok(cases.len())
    })
    .await
}

/// Times the coordinators' list as the vulnerability desk reads one: a keyset page of
/// cases, then their reports in one query.
async fn vuln_case(
    store: &Store,
    name: &str,
    state: Option<&str>,
    after: Option<ReportId>,
    runs: usize,
) -> anyhow::Result<bool> {
    timed(name, runs, || async {
        let cases = store.vuln_cases_page(state, after, PAGE).await?;
        let ids: Vec<ReportId> = cases.iter().map(|c| c.report_id).collect();
        Ok(store.get_reports(&ids).await?.len())
    })
    .await
}

fn p(v: &mut [Duration], q: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v.get(i)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(f64::NAN)
}

/// Times a page of the report queue under `f`.
async fn case(store: &Store, name: &str, f: &ReportFilter, runs: usize) -> anyhow::Result<bool> {
    timed(name, runs, || async {
        Ok(store.list_reports_page(f).await?.rows.len())
    })
    .await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let reports: usize = arg("--reports", "1000000").parse()?;
    let runs: usize = arg("--runs", "50").parse()?;
    let dir = std::env::temp_dir().join(format!("tocsin-queue-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let default_db = format!("sqlite:{}", dir.join("tocsin.db").display());
    let database = arg("--database", &default_db);
    // `_test_store` keeps a throw-away PostgreSQL schema alive for the run.
    let (store, shown, _, _test_store) = common::open_store(&database).await?;
    println!("queue benchmark: database {shown}, {reports} reports, {runs} runs a case");
    let any = store
        .list_reports(&ReportFilter {
            limit: 1,
            ..Default::default()
        })
        .await?;
    let analyst = if any.is_empty() {
        let (analysts, took) = build(&store, reports).await?;
        println!(
            "built {reports} reports in {:.1} s ({:.0} reports/s, with the queue indexes)",
            took.as_secs_f64(),
            reports as f64 / took.as_secs_f64()
        );
        analysts[0]
    } else {
        println!("(timing the reports already there)");
        store
            .find_user_by_email("analyst0@cert.example.tw")
            .await?
            .ok_or_else(|| anyhow::anyhow!("no analyst0 in the kept database"))?
            .id
    };
    if let tocsin_storage::Engine::Postgres = store.engine() {
        store.analyze().await?;
    }
    let open: Vec<ReportState> = ReportState::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    let thirty_days_ago = Timestamp::from_micros(NEWEST_MICROS - 30 * 86_400_000_000);
    let mut all_met = true;
    for (kind, name, category) in [
        (ReportKind::Incident, "incident", "intrusion"),
        (ReportKind::Vulnerability, "vulnerability", "product"),
        (ReportKind::Phishing, "phishing", "sms"),
    ] {
        let base = ReportFilter {
            kind: Some(kind),
            states: open.clone(),
            limit: PAGE,
            ..Default::default()
        };
        all_met &= case(&store, &format!("{name}: open, first page"), &base, runs).await?;
        let newest = ReportFilter {
            newest_first: true,
            ..base.clone()
        };
        all_met &= case(
            &store,
            &format!("{name}: open, newest first"),
            &newest,
            runs,
        )
        .await?;
        // Page 100 by cursor: walk there (untimed), then time it.
        let mut after: Option<ReportCursor> = None;
        for _ in 0..99 {
            after = store
                .list_reports_page(&ReportFilter {
                    after,
                    ..base.clone()
                })
                .await?
                .next;
        }
        if after.is_none() {
            println!("{name}: fewer than 100 pages of open reports; page 100 not timed");
        } else {
            let page100 = ReportFilter {
                after,
                ..base.clone()
            };
            all_met &= case(
                &store,
                &format!("{name}: open, page 100 (after= cursor)"),
                &page100,
                runs,
            )
            .await?;
        }
        let cases: Vec<(&str, ReportFilter)> = vec![
            (
                "state triaged",
                ReportFilter {
                    states: vec![ReportState::Triaged],
                    ..base.clone()
                },
            ),
            (
                "every state",
                ReportFilter {
                    states: Vec::new(),
                    ..base.clone()
                },
            ),
            (
                "every state, newest first",
                ReportFilter {
                    states: Vec::new(),
                    newest_first: true,
                    ..base.clone()
                },
            ),
            (
                "open, of one category",
                ReportFilter {
                    category: Some(category.into()),
                    ..base.clone()
                },
            ),
            (
                "every state, of one category",
                ReportFilter {
                    category: Some(category.into()),
                    states: Vec::new(),
                    ..base.clone()
                },
            ),
            (
                "open, an analyst's",
                ReportFilter {
                    assignee: Some(Some(analyst)),
                    ..base.clone()
                },
            ),
            (
                "open, unassigned",
                ReportFilter {
                    assignee: Some(None),
                    ..base.clone()
                },
            ),
            (
                "every state, an analyst's, newest first",
                ReportFilter {
                    assignee: Some(Some(analyst)),
                    states: Vec::new(),
                    newest_first: true,
                    ..base.clone()
                },
            ),
            (
                "open, older than 30 days",
                ReportFilter {
                    until: Some(thirty_days_ago),
                    ..base.clone()
                },
            ),
        ];
        for (case_name, f) in cases {
            all_met &= case(&store, &format!("{name}: {case_name}"), &f, runs).await?;
        }
    }
    // The vulnerability desk's own list (`/desk/vulnerabilities`): coordination cases.
    all_met &= vuln_case(&store, "vulnerability desk: every state", None, None, runs).await?;
    let mut after = None;
    for _ in 0..99 {
        let page = store.vuln_cases_page(None, after, PAGE).await?;
        after = page.last().map(|c| c.report_id);
    }
    all_met &= vuln_case(
        &store,
        "vulnerability desk: page 100 (after= cursor)",
        None,
        after,
        runs,
    )
    .await?;
    for state in ["received", "fix_pending", "published"] {
        all_met &= vuln_case(
            &store,
            &format!("vulnerability desk: state {state}"),
            Some(state),
            None,
            runs,
        )
        .await?;
    }
    // The phishing desk's own list (`/desk/phishing`): URL cases, open ones by default.
    all_met &= phish_case(
        &store,
        "phishing desk: open (four states)",
        PHISH_OPEN,
        None,
        runs,
    )
    .await?;
    all_met &= phish_case(&store, "phishing desk: every state", &[], None, runs).await?;
    let mut after = None;
    for _ in 0..99 {
        let page = store.phish_urls_page(&[], after, PAGE).await?;
        after = page.last().map(|c| (c.first_reported_at, c.id));
    }
    all_met &= phish_case(
        &store,
        "phishing desk: page 100 (after= cursor)",
        &[],
        after,
        runs,
    )
    .await?;
    for state in ["received", "taken_down"] {
        all_met &= phish_case(
            &store,
            &format!("phishing desk: state {state}"),
            &[state],
            None,
            runs,
        )
        .await?;
    }
    println!("all goals met: {}", if all_met { "yes" } else { "NO" });
    store.close().await;
    if !std::env::args().any(|a| a == "--keep") {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        println!("kept {}", dir.display());
    }
    Ok(())
}

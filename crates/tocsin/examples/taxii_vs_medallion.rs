//! TAXII 2.1 side by side: tocsin against medallion, the OASIS reference TAXII server
//! (Python, memory backend), on the same objects in one collection, read by the same
//! client, the OASIS taxii2-client library, over HTTP Basic on the loopback.
//!
//! It builds N objects (default 10,000: STIX indicators and ipv4-addr SCOs in turn, each
//! added at its own microsecond), stores them in tocsin as one shared GREEN record of a
//! sharing group whose partner has an API token, serves tocsin's router on a real socket
//! (a fresh SQLite file in a temp folder), writes medallion's memory-backend data file with
//! the same objects, manifest entries and collection id, with a user of the same name and
//! secret, and starts medallion on a free port. Then `tests/taxii/medallion_compare.py`
//! walks the collection's pages with taxii2-client's `as_pages` at the same `limit`
//! against each server, timing every page from the request to the parsed envelope. It
//! prints, for each server, the first page's latency, the mean latency of the further
//! pages and objects/s, and the ratio tocsin / medallion (objects/s over the pages both
//! served is the headline figure, checked against the 50× target), and whether both
//! served the same objects in the same order.
//!
//! medallion needs minutes for its first page of 10,000 objects (its filter work grows
//! with the square of the collection: the memory backend's `sort_and_paginate` parses two
//! timestamps with `strptime` for every pair of manifest entry and object it compares,
//! and `filter_by_spec_version` compares every object with every other) and much less for
//! each further page (taken from the result saved with the first, though every request
//! still deep-copies the whole collection twice in `get_collection`, for the existence and
//! read-permission checks). So it walks only a few pages of medallion and the whole
//! collection of tocsin; a page that outlasts `--timeout` ends that server's walk cleanly,
//! and what was measured is printed. The memory backend's `session_timeout` is raised to
//! a day: its default of 30 s, counted from the first page, would void `next` in a long walk.
//!
//! Measured on the 2-core development machine (10,000 objects, limit=100), quiet: medallion's
//! first page 550 s, its later pages 252 ms; tocsin 5-6 ms a page (the client alone costs
//! about 1.6 ms a page). Over the 10 pages both served tocsin is 10,751x faster, over
//! medallion's later pages alone 50x. While other builds ran: later pages 35-47x.
//!
//! `cargo run --release -p tocsin --example taxii_vs_medallion -- [--objects N] [--limit N]
//! [--tocsin-pages N] [--medallion-pages N] [--timeout SECS] [--python PATH] [--keep]`
//! (defaults: 10,000 objects, pages of 100, every page of tocsin, 5 pages of medallion
//! (0: tocsin only), 1,200 s per request, `python3` or `$TOCSIN_PYTHON`; the temp folder
//! with the database, medallion's files and its log is removed unless `--keep`).
//! Needs medallion and taxii2-client for that Python: `pip install -r tests/requirements.txt`.

mod common;
use common::arg;
use common::taxii::{
    EMAIL, StixObject, TITLE, Workdir, check_python, dur, load_tocsin, per_s, stix_id,
    stix_objects, wait_answering,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// medallion's memory-backend data: discovery, one API root `api` with one collection of
/// the objects and their manifest (the backend pairs each object with its manifest entry
/// by id and version; an SCO carries its version in the hidden `_date_added`, which the
/// backend strips from responses).
fn medallion_data(objects: &[StixObject], collection: uuid::Uuid, port: u16) -> Value {
    let root = format!("http://127.0.0.1:{port}/api/");
    let media = "application/stix+json;version=2.1";
    let mut objs = Vec::with_capacity(objects.len());
    let mut manifest = Vec::with_capacity(objects.len());
    for o in objects {
        let mut body = o.body.clone();
        if body.get("modified").is_none()
            && let Some(b) = body.as_object_mut()
        {
            b.insert("_date_added".into(), json!(o.version.rfc3339()));
        }
        objs.push(body);
        manifest.push(
            json!({"id": stix_id(o), "date_added": o.date_added.rfc3339(),
            "version": o.version.rfc3339(), "media_type": media}),
        );
    }
    json!({
        "/discovery": {"title": "medallion", "description": "benchmark",
            "default": root, "api_roots": [root]},
        "api": {
            "information": {"title": "api", "description": "benchmark",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 10_485_760},
            "status": [],
            "collections": [{"id": collection.to_string(), "title": TITLE,
                "description": "benchmark", "can_read": true, "can_write": true,
                "media_types": [media], "objects": objs, "manifest": manifest}],
        },
    })
}

/// A medallion process, killed when dropped (also on an early error return).
struct Medallion(Child);

impl Drop for Medallion {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes medallion's configuration and data under `dir` and starts it on `port`.
fn start_medallion(
    python: &str,
    dir: &Path,
    port: u16,
    data: &Value,
    secret: &str,
    limit: usize,
) -> anyhow::Result<Medallion> {
    let data_file = dir.join("medallion-data.json");
    let f = std::io::BufWriter::new(std::fs::File::create(&data_file)?);
    serde_json::to_writer(f, data)?;
    let config = json!({
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
            "filename": data_file.display().to_string(),
            // `next` must stay valid through a slow walk: the default 30 s counts from
            // the first page's answer and is never renewed.
            "session_timeout": 86_400},
        "users": {EMAIL: secret},
        "taxii": {"max_page_size": limit.max(100)},
    });
    let config_file = dir.join("medallion-config.json");
    std::fs::write(&config_file, serde_json::to_vec_pretty(&config)?)?;
    let log = std::fs::File::create(dir.join("medallion.log"))?;
    let child = std::process::Command::new(python)
        .args([
            "-m",
            "medallion.scripts.run",
            "--host",
            "127.0.0.1",
            "--port",
        ])
        .arg(port.to_string())
        .arg(&config_file)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot start medallion with {python}"))?;
    Ok(Medallion(child))
}

/// One page as the client timed it.
struct Page {
    objects: usize,
    secs: f64,
    first: String,
    last: String,
}

/// One server's walk: its pages, and the page that timed out, if one did.
struct Walk {
    pages: Vec<Page>,
    timed_out: Option<(usize, f64)>,
}

/// Runs the client script against one server and parses its lines.
async fn walk(
    python: &str,
    url: &str,
    secret: &str,
    pages: usize,
    limit: usize,
    timeout: f64,
) -> anyhow::Result<Walk> {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/taxii/medallion_compare.py");
    let out = tokio::process::Command::new(python)
        .arg(&script)
        .args([url, EMAIL, secret, TITLE])
        .args([pages.to_string(), limit.to_string(), timeout.to_string()])
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run {python}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut w = Walk {
        pages: Vec::new(),
        timed_out: None,
    };
    let mut done = false;
    for line in stdout.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["page", _, n, secs, first, last] => w.pages.push(Page {
                objects: n.parse()?,
                secs: secs.parse()?,
                first: first.to_string(),
                last: last.to_string(),
            }),
            ["timeout", n, secs] => w.timed_out = Some((n.parse()?, secs.parse()?)),
            ["done", ..] => done = true,
            _ => {}
        }
    }
    if !done {
        bail!(
            "the client failed against {url} (exit {}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(w)
}

/// Latency and objects/s of pages `range` (1-based, inclusive) of a walk.
fn span(w: &Walk, from: usize, to: usize) -> Option<(f64, usize, f64)> {
    let pages = w.pages.get(from - 1..to.min(w.pages.len()))?;
    if pages.is_empty() {
        return None;
    }
    let secs: f64 = pages.iter().map(|p| p.secs).sum();
    let objects: usize = pages.iter().map(|p| p.objects).sum();
    Some((secs / pages.len() as f64, objects, secs))
}

fn row(what: &str, t: Option<(f64, usize, f64)>, m: Option<(f64, usize, f64)>) {
    let cell = |x: Option<(f64, usize, f64)>| match x {
        Some((mean, objects, secs)) => {
            format!("{:>10} {:>11.1} obj/s", dur(mean), per_s(objects, secs))
        }
        None => format!("{:>28}", "-"),
    };
    let ratio = match (t, m) {
        (Some((_, to, ts)), Some((_, mo, ms))) => format!("{:.0}x", per_s(to, ts) / per_s(mo, ms)),
        _ => "-".into(),
    };
    println!("  {what:<22} {}   {}   {ratio:>9}", cell(t), cell(m));
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The whole benchmark; an error ends it with a message and exit status 1.
async fn run() -> anyhow::Result<()> {
    let n: usize = arg("--objects", "10000").parse()?;
    let limit: usize = arg("--limit", "100").parse()?;
    let all_pages = n.div_ceil(limit.max(1)).to_string();
    let tocsin_pages: usize = arg("--tocsin-pages", &all_pages).parse()?;
    let medallion_pages: usize = arg("--medallion-pages", "5").parse()?;
    let timeout: f64 = arg("--timeout", "1200").parse()?;
    let default_python = std::env::var("TOCSIN_PYTHON").unwrap_or_else(|_| "python3".into());
    let python = arg("--python", &default_python);
    anyhow::ensure!(n > 0 && limit > 0, "--objects and --limit must be positive");
    let versions = check_python(&python, (medallion_pages > 0).then_some("medallion")).await?;

    let dir =
        std::env::temp_dir().join(format!("tocsin-taxii-vs-medallion-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let _workdir = Workdir {
        path: dir.clone(),
        keep: std::env::args().any(|a| a == "--keep"),
    };
    let objects = stix_objects(n);

    // tocsin: a fresh SQLite database, the router on a real socket.
    let t = Instant::now();
    let database = format!("sqlite:{}", dir.join("tocsin.db").display());
    let store = tocsin_storage::Store::connect(&database).await?;
    store.migrate().await?;
    let (collection, token) = load_tocsin(&store, &objects).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let tocsin_addr = listener.local_addr()?.to_string();
    let config = tocsin_server::Config {
        listen: tocsin_addr.clone(),
        database: database.clone(),
        data_dir: dir.join("data"),
        ..tocsin_server::Config::default()
    }
    .finish()?;
    let state = tocsin_server::AppState::new(store.clone(), config)?;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            tocsin_server::app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    println!(
        "tocsin: {n} objects in a fresh SQLite database in {:.1} s, serving on {tocsin_addr}",
        t.elapsed().as_secs_f64()
    );

    // medallion: the same objects, collection id and credentials, on a free port.
    let medallion = if medallion_pages > 0 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let data = medallion_data(&objects, collection, port);
        let m = start_medallion(&python, &dir, port, &data, &token, limit)?;
        let addr = format!("127.0.0.1:{port}");
        if let Err(e) = wait_answering(&addr, Duration::from_secs(120)).await {
            let log = std::fs::read_to_string(dir.join("medallion.log")).unwrap_or_default();
            bail!("medallion did not start: {e}\n{log}");
        }
        println!("medallion: the same objects in its memory backend, serving on {addr}");
        Some((m, addr))
    } else {
        None
    };
    wait_answering(&tocsin_addr, Duration::from_secs(10)).await?;
    drop(objects);

    println!(
        "client: {versions}, as_pages at limit={limit}, HTTP Basic (email and token), per-request timeout {timeout} s"
    );
    let tocsin_url = format!("http://{tocsin_addr}/taxii2/");
    let t_walk = walk(&python, &tocsin_url, &token, tocsin_pages, limit, timeout).await?;
    println!("tocsin walked {} pages", t_walk.pages.len());
    let m_walk = match &medallion {
        Some((_, addr)) => {
            println!("medallion walking {medallion_pages} pages (its first page takes minutes)...");
            let w = walk(
                &python,
                &format!("http://{addr}/taxii2/"),
                &token,
                medallion_pages,
                limit,
                timeout,
            )
            .await?;
            println!("medallion walked {} pages", w.pages.len());
            Some(w)
        }
        None => None,
    };
    drop(medallion);
    server.abort();

    // Figures, compared over the pages both walked.
    let tp = t_walk.pages.len();
    let k = m_walk.as_ref().map_or(0, |w| w.pages.len()).min(tp);
    println!();
    println!(
        "{n} objects, one collection, pages of {limit}: latency per page (mean), objects/s, ratio tocsin / medallion"
    );
    println!(
        "  {:<22} {:>28}   {:>28}   {:>9}",
        "", "tocsin", "medallion", "ratio"
    );
    let m_span = |from, to| m_walk.as_ref().and_then(|w| span(w, from, to));
    row("first page", span(&t_walk, 1, 1), m_span(1, 1));
    if k >= 2 {
        row(&format!("pages 2-{k}"), span(&t_walk, 2, k), m_span(2, k));
        row(
            &format!("pages 1-{k} (walk)"),
            span(&t_walk, 1, k),
            m_span(1, k),
        );
    }
    if tp > k.max(1) {
        row(&format!("pages 1-{tp} (walk)"), span(&t_walk, 1, tp), None);
    }
    if let Some((page, secs)) = t_walk.timed_out {
        println!("  tocsin: page {page} gave no answer within {secs:.0} s");
    }
    if let Some(w) = &m_walk {
        if let Some((page, secs)) = w.timed_out {
            println!(
                "  medallion: page {page} gave no answer within {secs:.0} s: its walk ended there"
            );
        }
        if k > 0 {
            let same = w
                .pages
                .iter()
                .zip(&t_walk.pages)
                .all(|(m, t)| m.objects == t.objects && m.first == t.first && m.last == t.last);
            println!(
                "  the {k} pages both served {}",
                if same {
                    "hold the same objects in the same order"
                } else {
                    "DIFFER: the comparison is not like for like"
                }
            );
        }
        let verdict = |ratio: f64| if ratio >= 50.0 { "met" } else { "NOT met" };
        match (span(&t_walk, 1, k.max(1)), m_span(1, k), w.timed_out) {
            // The headline: objects/s over the pages both served.
            (Some((_, to, ts)), Some((_, mo, ms)), _) if k > 0 => {
                let ratio = per_s(to, ts) / per_s(mo, ms);
                println!(
                    "ratio tocsin / medallion over pages 1-{k}: {ratio:.0}x (target 50x: {})",
                    verdict(ratio)
                );
                // medallion's later pages skip its quadratic filtering: said apart, so
                // that the first page's minutes do not hide how the rest compare.
                if let (Some((_, to, ts)), Some((_, mo, ms))) = (span(&t_walk, 2, k), m_span(2, k))
                {
                    let ratio = per_s(to, ts) / per_s(mo, ms);
                    println!(
                        "ratio tocsin / medallion over pages 2-{k} alone: {ratio:.0}x (target 50x: {})",
                        verdict(ratio)
                    );
                }
            }
            // No page from medallion: a lower bound, as if its first page had come
            // just as the timeout struck.
            (Some((_, to, ts)), _, Some((_, secs))) => {
                let ratio = per_s(to, ts) / per_s(limit.min(n), secs);
                println!(
                    "ratio tocsin / medallion on the first page: above {ratio:.0}x (medallion timed out; target 50x: {})",
                    verdict(ratio)
                );
            }
            _ => {}
        }
    }
    store.close().await;
    Ok(())
}

//! TAXII 2.1 side by side: tocsin against OpenTAXII 0.9.3 (EclecticIQ's TAXII server:
//! Python, Flask, SQLAlchemy on its own SQLite database), the same objects in one
//! collection, read and written by the same client, the OASIS taxii2-client library, over
//! HTTP Basic on the loopback, in one run.
//!
//! It builds N objects (default 10,000: the objects of `taxii_vs_medallion`, STIX
//! indicators and ipv4-addr SCOs in turn, each added at its own microsecond) and stores them
//! in tocsin as one shared GREEN record of a sharing group whose partner has an API token
//! (a fresh SQLite file in a temp folder), with a second, empty group the partner posts to;
//! it serves tocsin's router on a real socket. Into the same temp folder it writes
//! OpenTAXII's configuration (YAML) and the objects, and `tests/taxii/opentaxii_side.py`
//! loads them into OpenTAXII's own SQLite database with the very same ids, versions and
//! `date_added`, with an empty collection to post to and an account of the same name and
//! secret, then serves it (werkzeug's threaded server) with the upstream fix of OpenTAXII
//! issue #243 applied at start (its collection list fails with UUIDs that `json.dumps`
//! cannot write). Then `tests/taxii/opentaxii_compare.py` runs against each server: a walk
//! of the collection with `as_pages`, the first page, a deep page (`added_after` the
//! object at 90 %) and a filtered page (`match[type]=indicator`) several times each, and
//! POSTs of envelopes of 100 objects (a report and the 99 indicators it names, which
//! tocsin makes a draft record of). It prints each figure of both servers and the ratio
//! tocsin / OpenTAXII (target: 100x each), and whether both served the same objects.
//!
//! Before that it times tocsin alone on one keep-alive connection: the time to the first
//! byte of the answer (and to its last) of the first page, the next page, the deep page
//! and the filtered page, against the target of 1.5 ms on SQLite.
//!
//! `cargo run --release -p tocsin --example taxii_vs_opentaxii -- [--objects N] [--limit N]
//! [--tocsin-pages N] [--opentaxii-pages N] [--repeat N] [--opentaxii-repeat N]
//! [--envelopes N] [--opentaxii-envelopes N] [--ttfb-samples N] [--timeout SECS]
//! [--python PATH] [--keep]` (defaults: 10,000 objects, pages of 100, every page of tocsin
//! and 20 of OpenTAXII, 50 and 5 repeats, 100 and 10 envelopes, 200 samples of each first
//! byte, 600 s per request, `python3` or `$TOCSIN_PYTHON`; the temp folder with both
//! databases, OpenTAXII's configuration and its log is removed unless `--keep`). Needs
//! taxii2-client and opentaxii==0.9.3 for that Python: `pip install -r tests/requirements.txt`.

mod common;
use common::arg;
use common::taxii::{
    ADDED_MICROS, EMAIL, StixObject, TITLE, Workdir, check_python, dur, load_tocsin, per_s,
    stix_objects, wait_answering,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tocsin_domain::{GroupId, Timestamp};
use tocsin_storage::SharingGroup;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The collection both servers' POSTs go to.
const POST_TITLE: &str = "POST-BENCH";

/// `Basic` credentials (RFC 7617) for a request header.
fn basic(user: &str, secret: &str) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let raw = format!("{user}:{secret}").into_bytes();
    let mut out = String::from("Basic ");
    for c in raw.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(ABC[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One GET on a keep-alive connection: the time to the answer's first byte, to its last,
/// and its body (a 200 with a `Content-Length` is required).
async fn get_timed(
    conn: &mut TcpStream,
    host: &str,
    path: &str,
    auth: &str,
) -> anyhow::Result<(Duration, Duration, Vec<u8>)> {
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/taxii+json;version=2.1\r\nAuthorization: {auth}\r\n\r\n"
    );
    let mut chunk = vec![0u8; 64 * 1024];
    let t = Instant::now();
    conn.write_all(req.as_bytes()).await?;
    let n = conn.read(&mut chunk).await?;
    let first = t.elapsed();
    anyhow::ensure!(n > 0, "the connection closed");
    let mut buf = chunk[..n].to_vec();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            anyhow::ensure!(head.starts_with("http/1.1 200"), "{path}: {head}");
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .context("no content-length")?
                .trim()
                .parse()?;
            if buf.len() >= end + 4 + len {
                let body = buf[end + 4..end + 4 + len].to_vec();
                return Ok((first, t.elapsed(), body));
            }
        }
        let n = conn.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "the connection closed mid-answer");
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The median and 90th percentile of some durations, in ms.
fn p50_p90(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |p: f64| {
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.9))
}

/// tocsin's first bytes, on one keep-alive connection as the client's session keeps one.
async fn time_first_bytes(
    addr: &str,
    collection: uuid::Uuid,
    auth: &str,
    limit: usize,
    deep: &str,
    samples: usize,
) -> anyhow::Result<()> {
    let mut conn = TcpStream::connect(addr).await?;
    conn.set_nodelay(true)?;
    let base = format!("/taxii2/api/collections/{collection}/objects/?limit={limit}");
    let (_, _, body) = get_timed(&mut conn, addr, &base, auth).await?;
    let page: Value = serde_json::from_slice(&body)?;
    let next = page["next"].as_str().unwrap_or_default().to_string();
    let paths = [
        ("first page", base.clone()),
        ("next page", format!("{base}&next={next}")),
        ("deep page", format!("{base}&added_after={deep}")),
        ("filtered page", format!("{base}&match%5Btype%5D=indicator")),
    ];
    println!(
        "tocsin, time to first byte (and to the last) on one keep-alive connection, {samples} requests each, target 1.5 ms:"
    );
    for (what, path) in paths {
        let mut first = Vec::with_capacity(samples);
        let mut whole = Vec::with_capacity(samples);
        for _ in 0..samples {
            let (f, w, _) = get_timed(&mut conn, addr, &path, auth).await?;
            first.push(f);
            whole.push(w);
        }
        let (f50, f90) = p50_p90(first);
        let (w50, _) = p50_p90(whole);
        println!(
            "  {what:<14} first byte p50 {f50:.2} ms, p90 {f90:.2} ms; whole answer p50 {w50:.2} ms ({})",
            if f50 <= 1.5 { "met" } else { "NOT met" }
        );
    }
    Ok(())
}

/// A group the partner's organization is a member of, for the POSTs.
async fn add_post_group(store: &tocsin_storage::Store) -> anyhow::Result<()> {
    let user = store
        .find_user_by_email(EMAIL)
        .await?
        .context("the partner")?;
    let org = user.org_id.0.context("the partner's organization")?;
    let g = SharingGroup {
        id: GroupId::new(),
        name: POST_TITLE.into(),
        kind: "isp".into(),
        description: String::new(),
        created_at: Timestamp::now(),
    };
    let mut tx = store.begin().await?;
    tx.insert_group(&g).await?;
    tx.add_group_member(g.id, org).await?;
    tx.commit().await?;
    Ok(())
}

/// An OpenTAXII process, killed when dropped (also on an early error return).
struct OpenTaxii(Child);

impl Drop for OpenTaxii {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes OpenTAXII's configuration and the objects under `dir`, loads them into its
/// database and starts it on `port`.
fn start_opentaxii(
    python: &str,
    dir: &Path,
    port: u16,
    objects: &[StixObject],
    secret: &str,
) -> anyhow::Result<OpenTaxii> {
    let side =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/taxii/opentaxii_side.py");
    let db = |name: &str| format!("sqlite:///{}", dir.join(name).display());
    let config = format!(
        "---\ndomain: \"127.0.0.1:{port}\"\nsupport_basic_auth: yes\nreturn_server_error_details: yes\n\
         auth_api:\n  class: opentaxii.auth.sqldb.SQLDatabaseAPI\n  parameters:\n    db_connection: {}\n    \
         create_tables: yes\n    secret: benchmark-only-secret\n    token_ttl_secs: 86400\n\
         taxii1:\ntaxii2:\n  title: OpenTAXII\n  max_content_length: 104857600\n  public_discovery: false\n  \
         allow_custom_properties: true\n  persistence_api:\n    class: opentaxii.persistence.sqldb.Taxii2SQLDatabaseAPI\n    \
         parameters:\n      db_connection: {}\n      create_tables: yes\n\
         logging:\n  opentaxii: warning\n  root: warning\n",
        db("opentaxii-auth.db"),
        db("opentaxii-data.db"),
    );
    let config_file = dir.join("opentaxii.yml");
    std::fs::write(&config_file, config)?;
    let objects_file = dir.join("objects.jsonl");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&objects_file)?);
        for o in objects {
            serde_json::to_writer(
                &mut f,
                &json!({"object": o.body, "date_added": o.date_added.micros(),
                    "version": o.version.micros()}),
            )?;
            f.write_all(b"\n")?;
        }
        f.flush()?;
    }
    let out = std::process::Command::new(python)
        .arg(&side)
        .arg("load")
        .args([&config_file, &objects_file])
        .args([EMAIL, secret, TITLE, POST_TITLE])
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {python}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.lines().any(|l| l.starts_with("collection ")) {
        bail!(
            "OpenTAXII's load failed ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let log = std::fs::File::create(dir.join("opentaxii.log"))?;
    let child = std::process::Command::new(python)
        .arg(&side)
        .arg("serve")
        .arg(&config_file)
        .args(["127.0.0.1".to_string(), port.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot start OpenTAXII with {python}"))?;
    Ok(OpenTaxii(child))
}

/// One server's figures, as the client script printed them.
#[derive(Default)]
struct Run {
    /// Walk pages: (objects, seconds, first id, last id).
    pages: Vec<(usize, f64, String, String)>,
    /// `first`, `deep`, `filtered`: (objects, seconds, first id).
    first: Vec<(usize, f64, String)>,
    deep: Vec<(usize, f64, String)>,
    filtered: Vec<(usize, f64, String)>,
    /// POSTs: (objects, seconds).
    posts: Vec<(usize, f64)>,
    timeouts: Vec<String>,
}

/// Runs the client script against one server.
#[allow(clippy::too_many_arguments)]
async fn client(
    python: &str,
    url: &str,
    secret: &str,
    pages: usize,
    limit: usize,
    deep: &str,
    repeat: usize,
    envelopes: usize,
    timeout: f64,
) -> anyhow::Result<Run> {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/taxii/opentaxii_compare.py");
    let out = tokio::process::Command::new(python)
        .arg(&script)
        .args([url, EMAIL, secret, TITLE, POST_TITLE])
        .args([pages.to_string(), limit.to_string(), deep.to_string()])
        .args([
            repeat.to_string(),
            envelopes.to_string(),
            timeout.to_string(),
        ])
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run {python}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut r = Run::default();
    let mut done = false;
    for line in stdout.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["page", _, n, secs, first, last] => r.pages.push((
                n.parse()?,
                secs.parse()?,
                first.to_string(),
                last.to_string(),
            )),
            [what @ ("first" | "deep" | "filtered"), n, secs, first] => {
                let v = (n.parse()?, secs.parse()?, first.to_string());
                match *what {
                    "first" => r.first.push(v),
                    "deep" => r.deep.push(v),
                    _ => r.filtered.push(v),
                }
            }
            ["post", _, n, secs] => r.posts.push((n.parse()?, secs.parse()?)),
            ["timeout", what, _] => r.timeouts.push(what.to_string()),
            ["done"] => done = true,
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
    Ok(r)
}

/// Mean seconds per request and objects/s of some timed requests.
fn mean(v: &[(usize, f64)]) -> Option<(f64, f64)> {
    if v.is_empty() {
        return None;
    }
    let secs: f64 = v.iter().map(|x| x.1).sum();
    let objects: usize = v.iter().map(|x| x.0).sum();
    Some((secs / v.len() as f64, per_s(objects, secs)))
}

/// One line of the table: each server's mean latency and objects/s, and the ratio of the
/// objects/s (the same as the ratio of the latencies for equal pages).
fn row(what: &str, t: Option<(f64, f64)>, o: Option<(f64, f64)>) -> Option<f64> {
    let cell = |x: Option<(f64, f64)>| match x {
        Some((secs, rate)) => format!("{:>10} {:>10.1} obj/s", dur(secs), rate),
        None => format!("{:>27}", "-"),
    };
    let ratio = match (t, o) {
        (Some((_, tr)), Some((_, or))) if or > 0.0 => Some(tr / or),
        _ => None,
    };
    let shown = ratio.map_or("-".to_string(), |r| {
        format!("{r:.0}x {}", if r >= 100.0 { "met" } else { "NOT met" })
    });
    println!("  {what:<16} {}   {}   {shown:>12}", cell(t), cell(o));
    ratio
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
    let opentaxii_pages: usize = arg("--opentaxii-pages", "20").parse()?;
    let repeat: usize = arg("--repeat", "50").parse()?;
    let opentaxii_repeat: usize = arg("--opentaxii-repeat", "5").parse()?;
    let envelopes: usize = arg("--envelopes", "100").parse()?;
    let opentaxii_envelopes: usize = arg("--opentaxii-envelopes", "10").parse()?;
    let samples: usize = arg("--ttfb-samples", "200").parse()?;
    let timeout: f64 = arg("--timeout", "600").parse()?;
    let default_python = std::env::var("TOCSIN_PYTHON").unwrap_or_else(|_| "python3".into());
    let python = arg("--python", &default_python);
    anyhow::ensure!(n > 0 && limit > 0, "--objects and --limit must be positive");
    let with_opentaxii = opentaxii_pages > 0;
    let versions = check_python(&python, with_opentaxii.then_some("opentaxii")).await?;
    if with_opentaxii && !versions.ends_with("opentaxii 0.9.3") {
        bail!("this benchmark compares with OpenTAXII 0.9.3, not {versions}");
    }

    let dir =
        std::env::temp_dir().join(format!("tocsin-taxii-vs-opentaxii-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let _workdir = Workdir {
        path: dir.clone(),
        keep: std::env::args().any(|a| a == "--keep"),
    };
    let objects = stix_objects(n);
    // The deep page: everything added after the object at 90 %.
    let deep = Timestamp::from_micros(ADDED_MICROS + (n as i64 * 9 / 10)).rfc3339();

    // tocsin: a fresh SQLite database, the router on a real socket.
    let t = Instant::now();
    let database = format!("sqlite:{}", dir.join("tocsin.db").display());
    let store = tocsin_storage::Store::connect(&database).await?;
    store.migrate().await?;
    let (collection, token) = load_tocsin(&store, &objects).await?;
    add_post_group(&store).await?;
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

    // OpenTAXII: the same objects, times and credentials, on a free port.
    let opentaxii = if with_opentaxii {
        let t = Instant::now();
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let o = start_opentaxii(&python, &dir, port, &objects, &token)?;
        let addr = format!("127.0.0.1:{port}");
        if let Err(e) = wait_answering(&addr, Duration::from_secs(120)).await {
            let log = std::fs::read_to_string(dir.join("opentaxii.log")).unwrap_or_default();
            bail!("OpenTAXII did not start: {e}\n{log}");
        }
        println!(
            "OpenTAXII 0.9.3: the same objects in its SQLite database in {:.1} s, serving on {addr}",
            t.elapsed().as_secs_f64()
        );
        Some((o, addr))
    } else {
        None
    };
    wait_answering(&tocsin_addr, Duration::from_secs(10)).await?;
    drop(objects);

    let auth = basic(EMAIL, &token);
    time_first_bytes(&tocsin_addr, collection, &auth, limit, &deep, samples).await?;

    println!(
        "client: {versions}, limit={limit}, HTTP Basic (email and token), per-request timeout {timeout} s"
    );
    let t_run = client(
        &python,
        &format!("http://{tocsin_addr}/taxii2/"),
        &token,
        tocsin_pages,
        limit,
        &deep,
        repeat,
        envelopes,
        timeout,
    )
    .await?;
    println!(
        "tocsin: {} pages walked, {} envelopes posted",
        t_run.pages.len(),
        t_run.posts.len()
    );
    let o_run = match &opentaxii {
        Some((_, addr)) => {
            let r = client(
                &python,
                &format!("http://{addr}/taxii2/"),
                &token,
                opentaxii_pages,
                limit,
                &deep,
                opentaxii_repeat,
                opentaxii_envelopes,
                timeout,
            )
            .await?;
            println!(
                "OpenTAXII: {} pages walked, {} envelopes posted",
                r.pages.len(),
                r.posts.len()
            );
            Some(r)
        }
        None => None,
    };
    drop(opentaxii);
    server.abort();

    let k = o_run
        .as_ref()
        .map_or(0, |r| r.pages.len())
        .min(t_run.pages.len());
    let pages = |r: &Run, from: usize, to: usize| -> Vec<(usize, f64)> {
        r.pages
            .iter()
            .skip(from)
            .take(to.saturating_sub(from))
            .map(|p| (p.0, p.1))
            .collect()
    };
    let plain = |v: &[(usize, f64, String)]| v.iter().map(|x| (x.0, x.1)).collect::<Vec<_>>();
    println!();
    println!(
        "{n} objects, one collection, pages of {limit}: mean latency per request and objects/s (as the client sees them); ratio tocsin / OpenTAXII, target 100x"
    );
    println!(
        "  {:<16} {:>27}   {:>27}   {:>12}",
        "", "tocsin", "OpenTAXII 0.9.3", "ratio"
    );
    let o = o_run.as_ref();
    let walk_to = if k > 0 { k } else { t_run.pages.len() };
    let ratios = vec![
        row(
            "first page",
            mean(&plain(&t_run.first)),
            o.and_then(|r| mean(&plain(&r.first))),
        ),
        row(
            "next pages",
            mean(&pages(&t_run, 1, walk_to)),
            o.and_then(|r| mean(&pages(r, 1, k))),
        ),
        row(
            "deep page",
            mean(&plain(&t_run.deep)),
            o.and_then(|r| mean(&plain(&r.deep))),
        ),
        row(
            "filtered page",
            mean(&plain(&t_run.filtered)),
            o.and_then(|r| mean(&plain(&r.filtered))),
        ),
        row(
            "walk (objects/s)",
            mean(&pages(&t_run, 0, walk_to)),
            o.and_then(|r| mean(&pages(r, 0, k))),
        ),
        row(
            "POST (100/env.)",
            mean(&t_run.posts),
            o.and_then(|r| mean(&r.posts)),
        ),
    ];
    if t_run.pages.len() > walk_to {
        row(
            &format!("tocsin all {}", t_run.pages.len()),
            mean(&pages(&t_run, 0, t_run.pages.len())),
            None,
        );
    }
    for (who, r) in [("tocsin", Some(&t_run)), ("OpenTAXII", o)] {
        if let Some(r) = r
            && !r.timeouts.is_empty()
        {
            println!(
                "  {who}: no answer within {timeout} s to {}",
                r.timeouts.join(", ")
            );
        }
    }
    if let Some(r) = o {
        let same_pages = r
            .pages
            .iter()
            .zip(&t_run.pages)
            .all(|(a, b)| a.0 == b.0 && a.2 == b.2 && a.3 == b.3);
        let same_first = |a: &[(usize, f64, String)], b: &[(usize, f64, String)]| {
            a.first().map(|x| (x.0, &x.2)) == b.first().map(|x| (x.0, &x.2))
        };
        let same = same_pages
            && same_first(&r.first, &t_run.first)
            && same_first(&r.deep, &t_run.deep)
            && same_first(&r.filtered, &t_run.filtered);
        println!(
            "  the pages both served {}",
            if same {
                "hold the same objects in the same order"
            } else {
                "DIFFER: the comparison is not like for like"
            }
        );
        let all: Vec<f64> = ratios.into_iter().flatten().collect();
        if let Some(least) = all.iter().copied().reduce(f64::min) {
            println!(
                "least ratio: {least:.0}x (target 100x: {})",
                if least >= 100.0 { "met" } else { "NOT met" }
            );
        }
    }
    store.close().await;
    Ok(())
}

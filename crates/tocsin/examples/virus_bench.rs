//! Virus Check benchmark: makes N mixed files (text, binaries, small zips, a few
//! encrypted with the conventional password, a few EICAR, plain and zipped), starts its own
//! clamd (the repository's test signatures) and an in-process tocsin with its scan
//! workers, uploads every file over the API and waits until each is scanned, and prints
//! files/s and MB/s. Then, in the same run, the same files are scanned by `clamdscan
//! --stream` alone (as many processes at once as tocsin has scan workers, each streaming
//! its share to the same clamd), and tocsin's overhead over clamd alone is printed beside
//! the goal (issue 22: at most 20 %). Both sides' detections are counted: tocsin finds
//! what clamd does and the EICAR files in encrypted zips, which clamd cannot open.
//!
//! `cargo run --release -p tocsin --example virus_bench -- [--files N] [--concurrency C]
//! [--workers W] [--database URL]` (default 1,000 files, 8 uploads at once, W =
//! `virus_check.workers`' default of 2, a fresh SQLite file in a temp folder;
//! `postgres-test`: a throw-away schema on the test PostgreSQL).

mod common;
use common::{Rng, arg};
use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The EICAR test file, built from two halves so this source is not itself flagged.
fn eicar() -> Vec<u8> {
    format!(
        "{}{}",
        r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDA", "RD-ANTIVIRUS-TEST-FILE!$H+H*"
    )
    .into_bytes()
}

/// What kind of file a benchmark file is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sort {
    Text,
    Binary,
    Zip,
    EncryptedZip,
    Eicar,
    EicarZip,
}

fn text(rng: &mut Rng, i: usize, len: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "incident",
        "report",
        "通報",
        "資安",
        "phishing",
        "server",
        "log",
        "alert",
        "the",
        "未授權",
        "access",
        "firewall",
        "事件",
        "of",
        "and",
        "malware",
    ];
    let mut s = format!("file {i}\n");
    while s.len() < len {
        s.push_str(rng.pick(WORDS));
        s.push(if rng.below(12) == 0 { '\n' } else { ' ' });
    }
    s.into_bytes()
}

fn binary(rng: &mut Rng, i: usize, len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len + 8);
    v.extend_from_slice(b"\x7fELF\x02\x01\x01\0");
    v.extend_from_slice(&(i as u64).to_le_bytes());
    while v.len() < len {
        v.extend_from_slice(&rng.next().to_le_bytes());
    }
    v
}

fn zip_of(members: &[(String, Vec<u8>)], password: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        let o = zip::write::SimpleFileOptions::default();
        let o = match password {
            Some(p) => o.with_aes_encryption(zip::AesMode::Aes256, p),
            None => o,
        };
        z.start_file(name.as_str(), o)?;
        z.write_all(data)?;
    }
    Ok(z.finish()?.into_inner())
}

/// The i-th file: its kind, name and bytes (every file differs, so none is answered
/// from a stored result).
fn make(rng: &mut Rng, i: usize) -> anyhow::Result<(Sort, String, Vec<u8>)> {
    let roll = rng.below(100);
    let sort = match roll {
        0..50 => Sort::Text,
        50..80 => Sort::Binary,
        80..95 => Sort::Zip,
        95..96 => Sort::EncryptedZip,
        96..99 => Sort::Eicar,
        _ => Sort::EicarZip,
    };
    Ok(match sort {
        Sort::Text => {
            let len = 1024 + rng.below(63 * 1024);
            (sort, format!("f{i:05}.txt"), text(rng, i, len))
        }
        Sort::Binary => {
            let len = 4096 + rng.below(508 * 1024);
            (sort, format!("f{i:05}.bin"), binary(rng, i, len))
        }
        Sort::Zip | Sort::EncryptedZip => {
            let n = 1 + rng.below(5);
            let members: Vec<(String, Vec<u8>)> = (0..n)
                .map(|m| {
                    let len = 512 + rng.below(32 * 1024);
                    (format!("doc{m}.txt"), text(rng, i * 10 + m, len))
                })
                .collect();
            let password = (sort == Sort::EncryptedZip).then_some("infected");
            let mut members = members;
            if sort == Sort::EncryptedZip {
                members.push(("sample.com".into(), eicar()));
            }
            (sort, format!("f{i:05}.zip"), zip_of(&members, password)?)
        }
        Sort::Eicar => (sort, format!("f{i:05}.com"), eicar()),
        Sort::EicarZip => {
            let members = vec![
                ("readme.txt".to_string(), text(rng, i, 2048)),
                ("sample.com".to_string(), eicar()),
            ];
            (sort, format!("f{i:05}.zip"), zip_of(&members, None)?)
        }
    })
}

/// One request on its own connection; answers the status and the body.
async fn request(addr: &str, head: String, body: &[u8]) -> anyhow::Result<(u16, String)> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(head.as_bytes()).await?;
    s.write_all(body).await?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Uploads one file; answers its analysis id.
async fn upload(addr: &str, name: &str, content: &[u8]) -> anyhow::Result<String> {
    let boundary = "tocsin-virus-bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /api/v1/virus-check HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (status, out) = request(addr, head, &body).await?;
    if status != 202 {
        anyhow::bail!("upload {name}: {status} {out}");
    }
    let v: serde_json::Value = serde_json::from_str(&out)?;
    Ok(v["analysis_id"].as_str().unwrap_or_default().to_string())
}

/// An analysis's verdict (None until completed).
async fn verdict(addr: &str, id: &str) -> anyhow::Result<Option<String>> {
    let head = format!(
        "GET /api/v1/virus-check/{id} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let (_, out) = request(addr, head, b"").await?;
    let v: serde_json::Value = serde_json::from_str(&out)?;
    let a = &v["data"]["attributes"];
    Ok((a["status"] == "completed").then(|| a["verdict"].as_str().unwrap_or("").to_string()))
}

/// Scans `files` with `clamdscan --stream`, `workers` processes at once; answers the
/// time taken and how many were found.
fn clamdscan(
    conf: &Path,
    files: &[PathBuf],
    workers: usize,
    dir: &Path,
) -> anyhow::Result<(Duration, usize)> {
    let per = files.len().div_ceil(workers.max(1)).max(1);
    let mut lists = Vec::new();
    for (n, part) in files.chunks(per).enumerate() {
        let list = dir.join(format!("list-{n}"));
        let mut text = String::new();
        for f in part {
            text.push_str(&f.display().to_string());
            text.push('\n');
        }
        std::fs::write(&list, text)?;
        lists.push(list);
    }
    let start = Instant::now();
    let children: Vec<std::process::Child> = lists
        .iter()
        .map(|l| {
            std::process::Command::new("clamdscan")
                .arg("-c")
                .arg(conf)
                .arg("--stream")
                .arg("--no-summary")
                .arg("-f")
                .arg(l)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    let mut found = 0;
    for c in children {
        let out = c.wait_with_output()?;
        found += String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.ends_with(" FOUND"))
            .count();
    }
    Ok((start.elapsed(), found))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = arg("--files", "1000").parse()?;
    let concurrency: usize = arg("--concurrency", "8").parse::<usize>()?.max(1);
    let dir = std::env::temp_dir().join(format!("tocsin-virus-bench-{}", std::process::id()));
    let files_dir = dir.join("files");
    std::fs::create_dir_all(&files_dir)?;

    // The files, on disk for clamdscan.
    let mut rng = Rng(0x5EED_2026_0022_0001);
    let mut files = Vec::with_capacity(n);
    let mut bytes = 0usize;
    let mut sorts = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..n {
        let (sort, name, content) = make(&mut rng, i)?;
        *sorts.entry(format!("{sort:?}")).or_default() += 1;
        let path = files_dir.join(&name);
        std::fs::write(&path, &content)?;
        bytes += content.len();
        files.push((sort, name, path, content));
    }
    let eicars = files
        .iter()
        .filter(|f| matches!(f.0, Sort::Eicar | Sort::EicarZip | Sort::EncryptedZip))
        .count();

    let clamd = common::clamd::start(&dir.join("clamd"))?;
    let default_db = format!("sqlite:{}", dir.join("tocsin.db").display());
    let database = arg("--database", &default_db);
    let (store, shown, _, _test_store) = common::open_store(&database).await?;
    let mut config = tocsin_server::Config {
        data_dir: dir.join("data"),
        database: database.clone(),
        ..Default::default()
    };
    config.mail.worker = false;
    config.virus_check.clamd = format!("unix:{}", clamd.socket.display());
    let workers: usize = arg("--workers", &config.virus_check.workers.to_string()).parse()?;
    config.virus_check.workers = workers.max(1);
    // One client uploads every file: the hourly limit per address is for the public.
    config.virus_check.max_per_hour_per_address = 0;
    let config = config.finish()?;
    let state = tocsin_server::AppState::new(store.clone(), config)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let scan_workers = tocsin_app::service::virus::spawn_workers(&state.0, "virus-bench", stop_rx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, tocsin_server::app(state)).await;
    });

    // tocsin: every file uploaded (C at once), then waited for until scanned.
    let start = Instant::now();
    let shared = std::sync::Arc::new(
        files
            .iter()
            .map(|f| (f.1.clone(), f.3.clone()))
            .collect::<Vec<_>>(),
    );
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (shared, next, addr) = (shared.clone(), next.clone(), addr.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, content)) = shared.get(i) else {
                    break;
                };
                ids.push(upload(&addr, name, content).await?);
            }
            anyhow::Ok(ids)
        }));
    }
    let mut ids = Vec::with_capacity(n);
    for t in tasks {
        ids.extend(t.await??);
    }
    let uploaded = start.elapsed();
    while store.virus_queue_depth().await? > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let tocsin_time = start.elapsed();
    let mut malicious = 0;
    let mut suspicious = 0;
    for id in &ids {
        match verdict(&addr, id).await?.as_deref() {
            Some("malicious") => malicious += 1,
            Some("suspicious") => suspicious += 1,
            Some(_) => {}
            None => anyhow::bail!("analysis {id} not completed"),
        }
    }
    let _ = stop_tx.send(true);
    for w in scan_workers {
        let _ = w.await;
    }
    server.abort();

    // clamd alone, the same files, as many streams at once as tocsin has workers.
    let paths: Vec<PathBuf> = files.iter().map(|f| f.2.clone()).collect();
    let (clam_time, clam_found) = clamdscan(&clamd.conf, &paths, workers, &dir)?;

    let mb = bytes as f64 / 1e6;
    let rate = |d: Duration| (n as f64 / d.as_secs_f64(), mb / d.as_secs_f64());
    let (t_files, t_mb) = rate(tocsin_time);
    let (c_files, c_mb) = rate(clam_time);
    let overhead = tocsin_time.as_secs_f64() / clam_time.as_secs_f64() - 1.0;
    println!(
        "virus check benchmark: {n} files, {mb:.1} MB ({sorts:?}), database {shown}, \
         {workers} scan workers, {concurrency} uploads at once"
    );
    println!(
        "tocsin (upload, seal, hash, queue, clamd, archives, store): {:.2} s \
         (uploads done at {:.2} s): {t_files:.1} files/s, {t_mb:.2} MB/s; \
         {malicious} malicious, {suspicious} suspicious",
        tocsin_time.as_secs_f64(),
        uploaded.as_secs_f64()
    );
    println!(
        "clamdscan --stream alone ({workers} at once): {:.2} s: {c_files:.1} files/s, \
         {c_mb:.2} MB/s; {clam_found} found",
        clam_time.as_secs_f64()
    );
    println!("files with EICAR: {eicars} (clamd alone cannot open the encrypted zips among them)");
    println!(
        "ratio tocsin/clamd: {:.2}×; tocsin's overhead over clamd alone: {:.1} % \
         (goal ≤ 20 %: {})",
        tocsin_time.as_secs_f64() / clam_time.as_secs_f64(),
        overhead * 100.0,
        if overhead <= 0.20 { "met" } else { "NOT met" }
    );
    if let Some(kib) = common::status_kib("VmHWM") {
        println!(
            "peak memory of this process (tocsin in-process, and the files): {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    drop(clamd);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

//! Intel bulk-import benchmark: generates realistic, varied records (Chinese subjects and
//! contents, IPv4/IPv6 addresses, defanged domains and URLs, hashes, CVE ids, victim IPs,
//! malicious connections, scan results) as JSON lines in a temp file, optionally some TXT
//! forms too, imports them with the code `tocsin intel import` runs
//! (`service::intel_import`), and prints records/s, the total time, and memory: resident
//! size at the start, during and at the end of the import, and the peak (VmHWM).
//!
//! With `--stix N` it writes a STIX 2.1 bundle of N objects instead (partner feeds: per
//! 100 objects a report naming the other 99, indicators with patterns over IPv4
//! addresses, domains, URLs and hashes, and ipv4-addr and domain-name SCOs, all marked
//! TLP:GREEN and made by one identity), imports it the same way (streamed in windows of
//! 1,000 objects) and prints objects/s beside records/s.
//!
//! `cargo run --release -p tocsin --example intel_import_bench -- [--records N]
//! [--txt N] [--stix N] [--batch-size N] [--database URL] [--check] [--keep]` (default
//! 200,000 records into a fresh SQLite file in a temp folder, removed afterwards unless
//! `--keep`; `--database postgres-test` makes a throw-away schema on the test PostgreSQL,
//! which the test suite drops after an hour; any other URL is used as given; `--check`
//! reads and checks without storing, which shows the reading side's own rate). The SQLite
//! store runs with its normal settings (WAL, `synchronous=FULL`): every batch commit is
//! durable.
//!
//! Where the time goes (perf, December 2026): on SQLite the single writer thread was the
//! limit, in about equal parts: the rows of `intel_records`, the indicator rows, the two
//! FTS5 indexes (CJK unigrams and bigrams; indicator values), and the commit (the FTS5
//! segment flush, WAL writes, checkpoints). Migration 0011 made those indexes lean (no
//! content copy, no positions, fewer merges, no b-tree on random indicator values), which
//! took 100,000 records from about 7,000 records/s to about 18,000. The bytes written
//! (printed) then showed the rest: statement journals in temporary files (now in memory)
//! and a b-tree by publication time that every batch rewrote all over (migration 0012):
//! 200,000 records wrote 3.9 GiB before, 0.6 GiB after, at 26,000 records/s instead of
//! 22,000, and 1,000,000 records went from 14,200 to 22,300 records/s. Reading, checking
//! and tokenizing run on another thread beside the writer and were then the busier side
//! (the CPU by thread is printed; `--check` shows that side alone): checking a JSON line
//! in one pass and cheaper token work took 200,000 records to about 29,500 records/s and
//! 1,000,000 to 24,300, with the two sides about equally busy. On PostgreSQL the
//! server process is the limit (GIN, B-tree and TOAST upkeep, foreign-key triggers).

mod common;
use common::{Rng, arg, mib, status_kib};
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

use tocsin_app::service::intel_import::{self, Format, ImportOptions, Source};
use tocsin_domain::intel::IntelInput;
use tocsin_storage::NewAuditEntry;

/// CPU seconds (user and system) spent so far by each thread of this process, summed by
/// thread name (tokio's workers, SQLite's worker, the main thread).
fn thread_cpu() -> std::collections::BTreeMap<String, f64> {
    let mut by_name = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return by_name;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ...": the name may hold spaces, so split at the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name, in
        // clock ticks of 1/100 s (USER_HZ on Linux).
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i).and_then(|v| v.parse::<u64>().ok()))
            .sum();
        *by_name.entry(name).or_insert(0.0) += ticks as f64 / 100.0;
    }
    by_name
}

/// Bytes this process has written so far by `write` and the like (`wchar` of
/// /proc/self/io): the WAL frames and checkpoints of an import.
fn written_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/io").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("wchar:"))
        .and_then(|v| v.trim().parse().ok())
}

/// What only this benchmark draws: hex digits, addresses and domains.
impl Rng {
    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(digits);
        s
    }
    fn ipv4(&mut self) -> String {
        // Documentation and a few ordinary-looking public ranges.
        let nets = [
            "198.51.100",
            "203.0.113",
            "192.0.2",
            "61.216",
            "114.35",
            "140.112",
        ];
        let net = self.pick(&nets);
        if net.matches('.').count() == 2 {
            format!("{net}.{}", 1 + self.below(254))
        } else {
            format!("{net}.{}.{}", self.below(256), 1 + self.below(254))
        }
    }
    fn domain(&mut self) -> String {
        let words = [
            "update-check",
            "cdn-static",
            "login-verify",
            "secure-mail",
            "api-sync",
            "tw-bank",
            "cloud-drive",
            "gov-notice",
            "invoice",
            "vpn-portal",
        ];
        let tlds = [
            "example.net",
            "example.com",
            "com.tw",
            "net",
            "top",
            "xyz",
            "org.tw",
        ];
        format!(
            "{}{}.{}",
            self.pick(&words),
            self.below(1000),
            self.pick(&tlds)
        )
    }
}

const ORGS: &[&str] = &[
    "某金融機構",
    "某醫學中心",
    "某大學",
    "某縣市政府",
    "某半導體廠",
    "某電信業者",
    "某航空公司",
    "某電商平台",
    "某證券商",
    "某水資源單位",
];
const SYSTEMS: &[&str] = &[
    "對外網站",
    "郵件伺服器",
    "VPN 設備",
    "員工電腦",
    "資料庫伺服器",
    "網頁應用程式防火牆",
    "檔案伺服器",
    "雲端主機",
];
const ATTACKS: &[&str] = &[
    "遭植入網頁後門",
    "遭勒索軟體加密",
    "遭釣魚郵件攻擊",
    "遭分散式阻斷服務攻擊",
    "遭利用已知漏洞入侵",
    "疑似資料外洩",
    "遭挖礦程式感染",
    "遭網頁置換",
];
const MALWARE: &[&str] = &[
    "LockBit",
    "Cobalt Strike",
    "PlugX",
    "ShadowPad",
    "Emotet",
    "Mirai",
    "XMRig",
    "China Chopper",
];
const ADVICE: &[&str] = &[
    "1. 更新系統至最新版本。\n2. 封鎖下列惡意連線資訊中的位址。",
    "請立即檢視防火牆紀錄，並重設相關帳號密碼。",
    "1. 停用不必要的服務。\n2. 啟用多因子認證。\n3. 保留相關紀錄以利調查。",
];

fn time(rng: &mut Rng, day_offset: usize) -> String {
    let month = 1 + (day_offset / 28) % 12;
    let day = 1 + day_offset % 28;
    format!(
        "2026-{month:02}-{day:02}T{:02}:{:02}:{:02}+08:00",
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

/// One varied, valid record.
fn record(rng: &mut Rng, i: usize) -> IntelInput {
    let category = ["ANA", "DEF", "INT", "EWA", "FBI"][rng.below(5)];
    let org = rng.pick(ORGS);
    let system = rng.pick(SYSTEMS);
    let attack = rng.pick(ATTACKS);
    let malware = rng.pick(MALWARE);
    let c2 = rng.ipv4();
    let domain = rng.domain();
    let defanged = domain.replace('.', "[.]");
    let port = [80, 443, 8080, 8443, 4444, 53][rng.below(6)];
    let mut content = format!(
        "本中心接獲通報，{org}{system}{attack}。\n經分析，攻擊者使用 {malware} 惡意程式，並與中繼站 {} 及 {defanged} 連線（連接埠 {port}）。\n",
        c2.replace('.', "[.]")
    );
    for _ in 0..rng.below(3) {
        match rng.below(4) {
            0 => content.push_str(&format!("惡意檔案 MD5：{}\n", rng.hex(32))),
            1 => content.push_str(&format!("惡意檔案 SHA256：{}\n", rng.hex(64))),
            2 => content.push_str(&format!(
                "下載網址：hxxp://{}/{}/payload.bin\n",
                rng.domain().replace('.', "[.]"),
                rng.hex(6)
            )),
            _ => content.push_str(&format!(
                "利用漏洞 CVE-2026-{:04}，請儘速修補。\n",
                rng.below(10000)
            )),
        }
    }
    content.push_str("請各單位檢視網路設備及伺服器紀錄，如發現異常請通報本中心。");
    let day = i % 336;
    // The free texts as partners write them, in a few notations.
    let victims = (0..rng.below(3))
        .map(|_| {
            if rng.below(2) == 0 {
                format!("{}，443，TCP", rng.ipv4())
            } else {
                rng.ipv4()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut connections: Vec<String> = (0..1 + rng.below(3))
        .map(|_| {
            format!(
                "{} {}:{port}/{}",
                ["來源", "目的"][rng.below(2)],
                rng.ipv4(),
                ["tcp", "udp"][rng.below(2)]
            )
        })
        .collect();
    if rng.below(10) == 0 {
        connections.push(format!("destination [2001:db8::{:x}]", rng.below(0xffff)));
    }
    let connections = connections.join("\n");
    let ana = category == "ANA";
    let fbi = category == "FBI";
    IntelInput {
        category: category.into(),
        subject: format!("{org}{system}{attack}（{malware}）"),
        source: ["TWCERT/CC", "F-ISAC", "H-ISAC", "TACERT"][rng.below(4)].into(),
        published_at: time(rng, day),
        tlp: ["WHITE", "GREEN", "AMBER", "AMBER+STRICT", "RED"][rng.below(5)].into(),
        dispatch_id: format!("BENCH-{category}-2026-{i:06}"),
        event_subject: if ana {
            String::new()
        } else {
            format!("{system}{attack}")
        },
        event_discovered_at: if ana { String::new() } else { time(rng, day) },
        content,
        intel_type: ["入侵攻擊", "網頁攻擊", "惡意程式", "資安預警"][rng.below(4)].into(),
        publisher: "台灣電腦網路危機處理暨協調中心".into(),
        contact: "電話：02-2345-6789\n電子郵件：soc@example.org.tw".into(),
        impact_level: match rng.below(5) {
            0 => String::new(),
            n => n.to_string(),
        },
        recommendation: rng.pick(ADVICE).into(),
        references: format!("https://example.org/advisory/2026-{:04}", rng.below(10000)),
        victim_ip: victims,
        affected_platforms: [
            "Windows Server 2019",
            "Ubuntu 22.04\nnginx 1.24",
            "FortiOS 7.2",
        ][rng.below(3)]
        .into(),
        technique: format!("利用 {malware} 建立持續性連線。"),
        malicious_connections: connections,
        scan_info: if rng.below(3) == 0 {
            format!(
                "ClamAV, antivirus, 1.0.5, Win.Trojan.{}-{}",
                malware.replace(' ', ""),
                rng.below(9999)
            )
        } else {
            String::new()
        },
        source_id: if fbi {
            format!("TWCERT-INT-2026-{:04}", rng.below(10000))
        } else {
            String::new()
        },
        source_time: if fbi { time(rng, day) } else { String::new() },
        ..IntelInput::default()
    }
}

const GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
const PARTNER: &str = "identity--6a1f0b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b";

/// A STIX object id whose UUID is made from `n` (unique within the bundle).
fn stix_id(kind: &str, n: usize) -> String {
    format!("{kind}--{:08x}-0000-4000-8000-{n:012x}", n >> 48)
}

/// Object `i` of the benchmark bundle (module documentation).
fn stix_object(rng: &mut Rng, i: usize) -> serde_json::Value {
    let created = format!(
        "2026-{:02}-{:02}T{:02}:{:02}:00.000Z",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60)
    );
    let group = i / 100 * 100;
    match i % 100 {
        0 => {
            let refs: Vec<String> = (1..100)
                .map(|k| {
                    let n = group + k;
                    if n % 100 < 61 {
                        stix_id("indicator", n)
                    } else if n.is_multiple_of(2) {
                        stix_id("ipv4-addr", n)
                    } else {
                        stix_id("domain-name", n)
                    }
                })
                .collect();
            serde_json::json!({
                "type": "report", "spec_version": "2.1", "id": stix_id("report", i),
                "created": created, "modified": created, "published": created,
                "name": format!("{}{}{}", rng.pick(ORGS), rng.pick(SYSTEMS), rng.pick(ATTACKS)),
                "description": format!("{} 相關中繼站與惡意網域，請協助封鎖。", rng.pick(MALWARE)),
                "report_types": ["threat-report"], "object_refs": refs,
                "created_by_ref": PARTNER, "object_marking_refs": [GREEN],
            })
        }
        k if k < 61 => {
            let pattern = match rng.below(4) {
                0 => format!("[ipv4-addr:value = '{}']", rng.ipv4()),
                1 => format!("[domain-name:value = '{}']", rng.domain()),
                2 => format!("[url:value = 'http://{}/{}']", rng.domain(), rng.hex(8)),
                _ => format!("[file:hashes.'SHA-256' = '{}']", rng.hex(64)),
            };
            serde_json::json!({
                "type": "indicator", "spec_version": "2.1", "id": stix_id("indicator", i),
                "created": created, "modified": created, "valid_from": created,
                "name": format!("{} C2", rng.pick(MALWARE)), "indicator_types": ["malicious-activity"],
                "pattern": pattern, "pattern_type": "stix",
                "created_by_ref": PARTNER, "object_marking_refs": [GREEN],
            })
        }
        _ if i.is_multiple_of(2) => serde_json::json!({
            "type": "ipv4-addr", "spec_version": "2.1", "id": stix_id("ipv4-addr", i),
            "value": rng.ipv4(), "object_marking_refs": [GREEN],
        }),
        _ => serde_json::json!({
            "type": "domain-name", "spec_version": "2.1", "id": stix_id("domain-name", i),
            "value": rng.domain(), "object_marking_refs": [GREEN],
        }),
    }
}

/// Writes the benchmark bundle of `n` objects, streaming (never all in memory).
fn write_bundle(path: &std::path::Path, n: usize) -> anyhow::Result<()> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    out.write_all(
        br#"{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": ["#,
    )?;
    serde_json::to_writer(
        &mut out,
        &serde_json::json!({"type": "identity", "spec_version": "2.1", "id": PARTNER,
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": "Partner CERT", "identity_class": "organization"}),
    )?;
    for i in 0..n.saturating_sub(1) {
        out.write_all(b",\n")?;
        serde_json::to_writer(&mut out, &stix_object(&mut rng, i))?;
    }
    out.write_all(b"]}\n")?;
    out.flush()?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let stix: usize = arg("--stix", "0").parse()?;
    let records: usize = if stix > 0 {
        arg("--records", "0")
    } else {
        arg("--records", "200000")
    }
    .parse()?;
    let txt: usize = arg("--txt", "0").parse()?;
    let batch_size: usize = arg(
        "--batch-size",
        &intel_import::DEFAULT_BATCH_SIZE.to_string(),
    )
    .parse()?;
    let dir = std::env::temp_dir().join(format!("tocsin-intel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let rss_start = status_kib("VmRSS:");

    // Generate, streaming to disk: the records are never all in memory.
    let t = Instant::now();
    let jsonl = dir.join("records.jsonl");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    {
        let mut out = BufWriter::new(std::fs::File::create(&jsonl)?);
        for i in 0..records {
            serde_json::to_writer(&mut out, &record(&mut rng, i))?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    let mut sources = vec![Source::new(
        "records.jsonl",
        Format::JsonLines,
        std::fs::File::open(&jsonl)?,
    )];
    if stix > 0 {
        let t = Instant::now();
        let path = dir.join("bundle.json");
        write_bundle(&path, stix)?;
        println!(
            "generated a STIX bundle of {stix} objects ({:.1} MiB) in {:.1} s",
            std::fs::metadata(&path)?.len() as f64 / 1048576.0,
            t.elapsed().as_secs_f64()
        );
        sources.push(Source::new(
            "bundle.json",
            Format::Stix,
            std::fs::File::open(&path)?,
        ));
    }
    for i in 0..txt {
        let path = dir.join(format!("form-{i}.txt"));
        let form = tocsin_formats::intel_form::emit(&record(&mut rng, records + i));
        std::fs::write(&path, form)?;
        sources.push(Source::new(
            path.display().to_string(),
            Format::Txt,
            std::fs::File::open(&path)?,
        ));
    }
    let size = std::fs::metadata(&jsonl)?.len();
    println!(
        "generated {records} JSON lines ({:.1} MiB, {:.0} bytes a record) and {txt} TXT forms in {:.1} s",
        size as f64 / 1048576.0,
        size as f64 / records.max(1) as f64,
        t.elapsed().as_secs_f64()
    );

    let default_db = format!("sqlite:{}", dir.join("tocsin.db").display());
    let database = arg("--database", &default_db);
    // `_test_store` keeps a throw-away PostgreSQL schema alive for the run.
    let (store, shown, _, _test_store) = common::open_store(&database).await?;

    // Sample the resident size while importing.
    let samples = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u64>::new()));
    let sampler = {
        let samples = samples.clone();
        tokio::spawn(async move {
            loop {
                if let (Some(k), Ok(mut v)) = (status_kib("VmRSS:"), samples.lock()) {
                    v.push(k);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let rss_before = status_kib("VmRSS:");
    let cpu_before = thread_cpu();
    let written_before = written_bytes();
    let actor = NewAuditEntry {
        actor: "bench".into(),
        ..Default::default()
    };
    let opts = ImportOptions {
        batch_size,
        strict: false,
    };
    let t = Instant::now();
    let mut rejected = Vec::new();
    // `--check`: read and check only (what `tocsin intel import --check` does), to see
    // the reading side's own rate.
    let check_only = std::env::args().any(|a| a == "--check");
    let target = (!check_only).then_some(&store);
    let summary = intel_import::import(target, store.now(), sources, &opts, &actor, |r| {
        if rejected.len() < 5 {
            rejected.push(r.clone());
        }
    })
    .await?;
    let elapsed = t.elapsed();
    let cpu_after = thread_cpu();
    let written = written_bytes()
        .zip(written_before)
        .map(|(a, b)| a.saturating_sub(b));
    sampler.abort();
    let rss_end = status_kib("VmRSS:");
    for r in &rejected {
        for m in r.messages(&tocsin_app::i18n::Tr::new(tocsin_domain::Locale::En)) {
            eprintln!("rejected: {m}");
        }
    }
    let samples = samples.lock().map(|v| v.clone()).unwrap_or_default();
    let spread: Vec<String> = (0..10)
        .filter_map(|i| samples.get(i * samples.len() / 10))
        .map(|k| format!("{:.0}", *k as f64 / 1024.0))
        .collect();

    println!(
        "intel import benchmark: database {shown}, batch {batch_size}, {} batches",
        summary.batches
    );
    println!("result: {summary}");
    println!(
        "throughput: {:.0} records/s ({} records {} in {:.2} s)",
        summary.read as f64 / elapsed.as_secs_f64(),
        summary.read,
        if check_only {
            "checked, none stored,"
        } else {
            "stored"
        },
        elapsed.as_secs_f64()
    );
    if stix > 0 {
        println!(
            "STIX: {:.0} objects/s ({stix} objects, with the {records} JSON lines, in {:.2} s)",
            stix as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64()
        );
    }
    // Threads that ended during the import (tokio's blocking reader) are not counted.
    let cpu: Vec<String> = cpu_after
        .iter()
        .map(|(name, s)| (name, s - cpu_before.get(name).copied().unwrap_or(0.0)))
        .filter(|(_, s)| *s >= 0.05)
        .map(|(name, s)| format!("{name} {s:.2} s"))
        .collect();
    println!("CPU by thread during the import: {}", cpu.join(", "));
    if let Some(w) = written {
        println!(
            "written during the import: {:.1} MiB ({:.0} bytes a record)",
            w as f64 / 1048576.0,
            w as f64 / summary.read.max(1) as f64
        );
    }
    println!(
        "memory: RSS at start {}, before the import {}, at the end {}, peak (VmHWM) {}",
        mib(rss_start),
        mib(rss_before),
        mib(rss_end),
        mib(status_kib("VmHWM:"))
    );
    println!(
        "RSS during the import, ten samples (MiB): {}",
        spread.join(" ")
    );
    store.close().await;
    // After the close, which checkpoints: what is left is the database itself.
    if let Ok(m) = std::fs::metadata(dir.join("tocsin.db")) {
        println!("database file: {:.1} MiB", m.len() as f64 / 1048576.0);
    }
    if std::env::args().any(|a| a == "--keep") {
        println!("kept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

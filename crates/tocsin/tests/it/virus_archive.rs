//! Virus Check's archives end to end, with a real clamd and a real server: members of
//! zips, encrypted ones included, and of a tar.gz are scanned and matched against intel;
//! archives nested too deep and bombs are `suspicious` ("archive limits exceeded"); and the
//! server's peak memory (its `VmHWM`, read from /proc) stays flat through a zip bomb of a
//! gibibyte and well under 100 MiB through a 32 MiB upload.

use std::io::{Cursor, Read, Write};
use std::time::Duration;

use serde_json::{Value, json};
use zip::write::SimpleFileOptions;

use crate::virus::{completed, eicar, start_clamd};
use crate::{ENGINES, Server, TempDir, admin, db, http};

/// Uploads `content` as `name` over the API (binary-safe); returns the analysis id.
fn upload(addr: &str, name: &str, content: &[u8]) -> String {
    let boundary = "tocsin-archive-test-boundary-7f3a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let head = format!(
        "POST /api/v1/virus-check HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(&body).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 202"), "{text}");
    let json = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or_default();
    let v: Value = serde_json::from_str(json).expect("json");
    v["analysis_id"].as_str().expect("analysis_id").to_string()
}

/// A zip of `files` (name, content, password: `aes:` for AES-256, else ZipCrypto).
fn zip_of(files: &[(&str, &[u8], Option<&str>)]) -> Vec<u8> {
    use zip::unstable::write::FileOptionsExt as _;
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, password) in files {
        let o = SimpleFileOptions::default();
        let o = match password {
            Some(p) if p.starts_with("aes:") => {
                o.with_aes_encryption(zip::AesMode::Aes256, &p[4..])
            }
            Some(p) => o
                .with_deprecated_encryption(p.as_bytes())
                .expect("zipcrypto"),
            None => o,
        };
        z.start_file(*name, o).expect("start");
        z.write_all(data).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut t = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, name, *data).expect("tar");
    }
    t.into_inner().expect("tar").finish().expect("gzip")
}

/// A raw deflate stream of `mib` MiB of zeros, about a thousandth of that, built without
/// compressing them all: one MiB compressed with a full flush (which leaves nothing for
/// the next block to refer back to) repeated, then an empty final block.
fn deflated_zeros(mib: usize) -> Vec<u8> {
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut block = Vec::with_capacity(64 * 1024);
    c.compress_vec(&vec![0u8; 1 << 20], &mut block, flate2::FlushCompress::Full)
        .expect("deflate");
    assert_eq!(c.total_in(), 1 << 20, "one call takes the whole MiB");
    let mut out = Vec::with_capacity(block.len() * mib + 2);
    for _ in 0..mib {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&[0x03, 0x00]);
    out
}

/// A zip of one deflated member that unpacks to `size` bytes (its checksum is not
/// computed: a reader within limits never gets to check it).
fn zip_bomb(name: &str, deflated: &[u8], size: u32) -> Vec<u8> {
    let csize = u32::try_from(deflated.len()).expect("small");
    let n = u16::try_from(name.len()).expect("short");
    let mut z = Vec::new();
    let common = |z: &mut Vec<u8>| {
        z.extend_from_slice(&20u16.to_le_bytes()); // version needed
        z.extend_from_slice(&0u16.to_le_bytes()); // flags
        z.extend_from_slice(&8u16.to_le_bytes()); // deflate
        z.extend_from_slice(&0u16.to_le_bytes()); // time
        z.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
        z.extend_from_slice(&0u32.to_le_bytes()); // crc
        z.extend_from_slice(&csize.to_le_bytes());
        z.extend_from_slice(&size.to_le_bytes());
        z.extend_from_slice(&n.to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes()); // extra
    };
    z.extend_from_slice(b"PK\x03\x04");
    common(&mut z);
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(deflated);
    let cd_at = u32::try_from(z.len()).expect("small");
    z.extend_from_slice(b"PK\x01\x02");
    z.extend_from_slice(&20u16.to_le_bytes()); // made by
    common(&mut z);
    z.extend_from_slice(&[0u8; 2 + 2 + 2 + 4]); // comment, disk, attributes
    z.extend_from_slice(&0u32.to_le_bytes()); // local header at 0
    z.extend_from_slice(name.as_bytes());
    let cd_len = u32::try_from(z.len()).expect("small") - cd_at;
    z.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    z.extend_from_slice(&cd_len.to_le_bytes());
    z.extend_from_slice(&cd_at.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

/// A process's peak resident memory so far, in KiB.
fn peak_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("VmHWM")
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(b))
}

/// Files a TLP:CLEAR intel record naming `sha256` and shares it; returns its id.
fn shared_record_naming(addr: &str, token: &str, sha256: &str) -> String {
    let auth = format!("Bearer {token}");
    let headers = [
        ("Content-Type", "application/json"),
        ("Authorization", auth.as_str()),
    ];
    let body = json!({
        "category": "INT", "subject": "壓縮檔內的樣本", "source": "TWCERT/CC",
        "published_at": "2026-12-01T09:30:00+08:00", "tlp": "clear", "dispatch_id": "D-archive",
        "event_subject": "惡意附件", "event_discovered_at": "2026-11-30T08:00:00+08:00",
        "event_sent_at": "2026-11-30T10:00:00+08:00", "event_resolved_at": "",
        "content": format!("壓縮檔內惡意程式 SHA-256 {sha256}"), "intel_type": "惡意程式",
        "publisher": "TWCERT/CC", "contact": "soc@example.org.tw", "impact_level": 3,
        "recommendation": "封鎖", "references": "", "attachments": "", "victim_ip": "",
        "affected_platforms": "Windows", "technique": "壓縮檔", "malicious_connections": "",
        "scan_info": "", "source_id": "", "source_time": "",
    })
    .to_string();
    let (status, out) = http(addr, "POST", "/api/v1/intel", &headers, &body).expect("intel");
    assert_eq!(status, 201, "{out}");
    let v: Value = serde_json::from_str(&out).expect("json");
    let id = v["id"].as_str().expect("id").to_string();
    let (status, out) = http(
        addr,
        "POST",
        &format!("/api/v1/intel/{id}/share"),
        &headers,
        "{}",
    )
    .expect("share");
    assert_eq!(status, 200, "{out}");
    id
}

#[test]
fn archive_members_are_scanned_and_limits_are_suspicious() {
    let clamd = start_clamd();
    let clamd_addr = format!("unix:{}", clamd.socket.display());
    let custom = b"header TOCSIN-VIRUS-CHECK-CUSTOM-SIGNATURE trailer".as_slice();
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let data = TempDir::new();
        let token = admin(&db, "analyst@cert.example.tw");
        let env = [
            ("TOCSIN_MAIL_WORKER", "off"),
            ("TOCSIN_VIRUS_CHECK_CLAMD", clamd_addr.as_str()),
        ];
        let server = Server::start(&db.url, &data.0, &env);
        let addr = server.addr.as_str();

        // A plain zip: clamd opens it itself; the archive engine opened it too.
        let id = upload(
            addr,
            "plain.zip",
            &zip_of(&[("eicar.com", eicar().as_bytes(), None)]),
        );
        let a = completed(addr, &id, None);
        assert_eq!(
            a["results"]["ClamAV"]["category"], "malicious",
            "{engine:?}: {a}"
        );
        assert_eq!(a["results"]["tocsin-archive"]["category"], "undetected");
        assert_eq!(a["type_tag"], "zip");

        // Encrypted with the conventional password: clamd cannot open them, so the
        // decrypted members are sent to it, and the finding names the member.
        for (name, inner, content, password, signature) in [
            (
                "aes.zip",
                "eicar.com",
                eicar().into_bytes(),
                "aes:infected",
                "Eicar-Signature.UNOFFICIAL",
            ),
            (
                "legacy.zip",
                "dropper.bin",
                custom.to_vec(),
                "infected",
                "Tocsin.Test.Custom-1.UNOFFICIAL",
            ),
        ] {
            let zip = zip_of(&[
                ("readme.txt", b"nothing here", None),
                (inner, &content, Some(password)),
            ]);
            let id = upload(addr, name, &zip);
            let a = completed(addr, &id, None);
            let clam = &a["results"]["ClamAV"];
            assert_eq!(clam["category"], "malicious", "{name}: {a}");
            assert_eq!(clam["result"], format!("{signature} in {inner}"), "{a}");
            assert_eq!(a["results"]["tocsin-archive"]["category"], "undetected");
            assert_eq!(a["verdict"], "malicious");
        }

        // Another password: what could not be opened is said, not passed as clean.
        let id = upload(
            addr,
            "locked.zip",
            &zip_of(&[("eicar.com", eicar().as_bytes(), Some("aes:secret"))]),
        );
        let a = completed(addr, &id, None);
        let arch = &a["results"]["tocsin-archive"];
        assert_eq!(arch["category"], "failure", "{a}");
        assert_eq!(arch["result"], "encrypted with an unknown password");

        // A member of a tar.gz named by intel: malicious by tocsin-intel, naming it.
        let sample = b"a sample only intel knows 4711".as_slice();
        let record = shared_record_naming(addr, &token, &sha256_hex(sample));
        let id = upload(
            addr,
            "bundle.tar.gz",
            &tar_gz(&[("docs/readme.txt", b"read me"), ("bin/sample.exe", sample)]),
        );
        let a = completed(addr, &id, None);
        let intel = &a["results"]["tocsin-intel"];
        assert_eq!(intel["category"], "malicious", "{a}");
        let said = intel["result"].as_str().unwrap_or_default();
        assert!(
            said.contains(&record) && said.ends_with(" in bin/sample.exe"),
            "{said}"
        );
        assert_eq!(a["results"]["ClamAV"]["category"], "undetected");

        // Four zips one inside another: past the depth of 3, suspicious, as is a zip
        // of more members than allowed.
        let mut nested = zip_of(&[("core.txt", b"core", None)]);
        for i in 0..3 {
            nested = zip_of(&[(&format!("layer{i}.zip"), &nested, None)]);
        }
        let names: Vec<String> = (0..1001).map(|i| format!("f{i}.txt")).collect();
        let many: Vec<(&str, &[u8], Option<&str>)> = names
            .iter()
            .map(|n| (n.as_str(), &b"x"[..], None))
            .collect();
        for (name, zip) in [("nested.zip", nested), ("many.zip", zip_of(&many))] {
            let id = upload(addr, name, &zip);
            let a = completed(addr, &id, None);
            let arch = &a["results"]["tocsin-archive"];
            assert_eq!(arch["category"], "suspicious", "{name}: {a}");
            assert_eq!(arch["result"], "archive limits exceeded");
            assert_eq!(arch["method"], "archive");
            assert_eq!(a["verdict"], "suspicious", "{a}");
        }
        drop(server);
    }
}

#[test]
fn a_zip_bomb_is_suspicious_with_memory_flat_and_a_large_file_stays_small() {
    let clamd = start_clamd();
    let clamd_addr = format!("unix:{}", clamd.socket.display());
    // Memory is the server's own, whatever the engine: SQLite is enough.
    let Some(db) = db(ENGINES[0]) else { return };
    let data = TempDir::new();
    // A limit of 64 MiB unpacked rather than the default 256 MiB: the same bomb, a
    // quarter of the time in a debug build.
    let config = data.0.join("tocsin.toml");
    std::fs::write(
        &config,
        "[virus_check]\narchive_max_total_bytes = 67108864\n",
    )
    .expect("config");
    let config = config.display().to_string();
    let env = [
        ("TOCSIN_MAIL_WORKER", "off"),
        ("TOCSIN_VIRUS_CHECK_CLAMD", clamd_addr.as_str()),
        ("TOCSIN_CONFIG", config.as_str()),
    ];
    let server = Server::start(&db.url, &data.0, &env);
    let addr = server.addr.as_str();
    let pid = server.child.id();

    // Warm: one small file scanned, so every worker and connection exists.
    let id = upload(addr, "warm.txt", b"warming up");
    completed(addr, &id, None);
    let before = peak_kib(pid);

    // One gibibyte of zeros in a zip of about a megabyte: unpacked only to the limit, a
    // chunk at a time.
    let bomb = zip_bomb("zeros.bin", &deflated_zeros(1024), 1 << 30);
    assert!(bomb.len() < 4 << 20, "{}", bomb.len());
    let id = upload(addr, "bomb.zip", &bomb);
    let a = completed(addr, &id, None);
    assert_eq!(
        a["results"]["tocsin-archive"]["category"], "suspicious",
        "{a}"
    );
    assert_eq!(
        a["results"]["tocsin-archive"]["result"],
        "archive limits exceeded"
    );
    let after_bomb = peak_kib(pid);
    assert!(
        after_bomb < before + 24 * 1024,
        "memory flat through the bomb: peak {before} KiB before, {after_bomb} KiB after"
    );

    // 32 MiB (the largest upload allowed), streamed in and out in chunks.
    let mut big = Vec::with_capacity(32 << 20);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while big.len() < 32 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big.extend_from_slice(&x.to_le_bytes());
    }
    let id = upload(addr, "large.bin", &big);
    let a = completed(addr, &id, None);
    assert_eq!(a["size"], 32 << 20);
    assert_eq!(a["results"]["ClamAV"]["category"], "undetected", "{a}");
    let after_large = peak_kib(pid);
    assert!(
        after_large < 80 * 1024,
        "a 32 MiB file scanned with peak memory well under 100 MiB: {after_large} KiB \
         (before {before} KiB)"
    );
    eprintln!(
        "server peak memory: {} KiB warm, {} KiB after the bomb, {} KiB after 32 MiB",
        before, after_bomb, after_large
    );
}

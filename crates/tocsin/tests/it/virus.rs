//! Virus Check end to end, on both engines: a real clamd started here with the tiny
//! signature database the repository ships (`tests/clamav`), a real server, files
//! uploaded over the API. EICAR is malicious by ClamAV, a custom signature too, a clean
//! file undetected; the same file again is answered from the stored result; a file whose
//! hash is an indicator of an intel record is malicious by tocsin-intel for a reader who
//! may read the record and not for one who may not.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{ENGINES, Server, TempDir, admin, db, http};

/// The EICAR test file, built from two halves so this source is not itself flagged.
pub(crate) fn eicar() -> String {
    format!(
        "{}{}",
        r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDA", "RD-ANTIVIRUS-TEST-FILE!$H+H*"
    )
}

/// A clamd of our own, on a Unix socket, with the repository's signatures.
pub(crate) struct Clamd {
    child: Child,
    pub(crate) socket: PathBuf,
    _dir: TempDir,
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_clamd() -> Clamd {
    let dir = TempDir::new();
    let sigs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/clamav");
    let socket = dir.0.join("clamd.sock");
    let conf = dir.0.join("clamd.conf");
    std::fs::write(
        &conf,
        format!(
            "DatabaseDirectory {sigs}\nLocalSocket {}\nForeground yes\nTemporaryDirectory {}\nLogFile {}\n\
             StreamMaxLength 64M\n",
            socket.display(),
            dir.0.display(),
            dir.0.join("clamd.log").display()
        ),
    )
    .expect("clamd.conf");
    let bin = ["/usr/sbin/clamd", "clamd"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .expect("clamd is installed (Debian's clamav-daemon; scripts/test installs it)");
    let child = Command::new(bin)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn clamd");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut s) = std::os::unix::net::UnixStream::connect(&socket) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"zPING\0");
            let mut buf = [0u8; 16];
            if s.read(&mut buf)
                .is_ok_and(|n| buf[..n].starts_with(b"PONG"))
            {
                break;
            }
        }
        assert!(Instant::now() < deadline, "clamd did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    Clamd {
        child,
        socket,
        _dir: dir,
    }
}

/// A multipart body with a note and `content` as the file `name`.
pub(crate) fn multipart(name: &str, content: &str) -> (String, String) {
    let boundary = "tocsin-virus-check-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom a phishing mail\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A fake clamd on a Unix socket that tells its version but never finishes a scan;
/// returns its address for `virus_check.clamd`.
fn stuck_clamd(path: &std::path::Path) -> String {
    use std::io::{Read, Write};
    let listener = std::os::unix::net::UnixListener::bind(path).expect("bind");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { break };
            let mut cmd = [0u8; 10];
            if c.read_exact(&mut cmd[..1]).is_err() {
                continue;
            }
            let _ = c.read(&mut cmd[1..]);
            if cmd.starts_with(b"zVERSION") {
                let _ = c.write_all(b"ClamAV 0.0.0/1/stuck\0");
            } else {
                held.push(c);
            }
        }
    });
    format!("unix:{}", path.display())
}

/// Uploads `content` as `name` over the API; returns the analysis id.
pub(crate) fn upload(addr: &str, name: &str, content: &str) -> String {
    let (ctype, body) = multipart(name, content);
    let (status, body) = http(
        addr,
        "POST",
        "/api/v1/virus-check",
        &[("Content-Type", &ctype)],
        &body,
    )
    .expect("upload");
    assert_eq!(status, 202, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    let id = v["analysis_id"].as_str().expect("analysis_id").to_string();
    assert!(
        v["status_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/api/v1/virus-check/{id}"))),
        "{v}"
    );
    id
}

/// Posts `body` and returns the status and the response head (for a redirect).
fn http_head(addr: &str, path: &str, ctype: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string();
    (status, head)
}

fn report(addr: &str, id: &str, token: Option<&str>) -> Value {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    let (status, body) = http(
        addr,
        "GET",
        &format!("/api/v1/virus-check/{id}"),
        &headers,
        "",
    )
    .expect("report");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("json")
}

/// The report once completed.
pub(crate) fn completed(addr: &str, id: &str, token: Option<&str>) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let v = report(addr, id, token);
        if v["data"]["attributes"]["status"] == "completed" {
            return v["data"]["attributes"].clone();
        }
        assert!(Instant::now() < deadline, "not completed: {v}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

#[test]
fn files_are_judged_by_clamav_and_by_the_intel_the_reader_may_read() {
    let clamd = start_clamd();
    let clamd_addr = format!("unix:{}", clamd.socket.display());
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

        // EICAR: malicious by ClamAV, with its hashes, size and type.
        let id = upload(addr, "invoice.com", &eicar());
        let a = completed(addr, &id, None);
        let clam = &a["results"]["ClamAV"];
        assert_eq!(clam["category"], "malicious", "{engine:?}: {a}");
        assert_eq!(clam["result"], "Eicar-Signature.UNOFFICIAL", "{a}");
        assert!(
            clam["engine_version"]
                .as_str()
                .is_some_and(|v| v.starts_with('1')),
            "{a}"
        );
        assert_eq!(a["verdict"], "malicious");
        assert_eq!(a["stats"]["malicious"], 1, "{a}");
        assert_eq!(a["md5"], "44d88612fea8a8f36de82e1278abb02f");
        assert_eq!(a["sha1"], "3395856ce81f2b7382dee72602f798b642f14140");
        assert_eq!(a["sha256"], sha256_hex(&eicar()));
        assert_eq!(a["size"], 68);
        assert_eq!(a["type_tag"], "text");
        assert_eq!(a["names"], json!(["invoice.com"]));
        assert_eq!(a["results"]["tocsin-intel"]["category"], "undetected");

        // The same file again, under another name: answered at once from the stored
        // result (completed before any worker could look), and both names are known.
        let again = upload(addr, "copy.txt", &eicar());
        let v = report(addr, &again, None);
        let b = &v["data"]["attributes"];
        assert_eq!(b["status"], "completed", "{v}");
        assert_eq!(
            b["results"]["ClamAV"]["result"],
            "Eicar-Signature.UNOFFICIAL"
        );
        assert_eq!(b["names"], json!(["invoice.com", "copy.txt"]));
        assert_eq!(b["meaningful_name"], "copy.txt");

        // The repository's own signature.
        let id = upload(
            addr,
            "dropper.bin",
            "header TOCSIN-VIRUS-CHECK-CUSTOM-SIGNATURE trailer",
        );
        let a = completed(addr, &id, None);
        assert_eq!(a["results"]["ClamAV"]["category"], "malicious", "{a}");
        assert_eq!(
            a["results"]["ClamAV"]["result"],
            "Tocsin.Test.Custom-1.UNOFFICIAL"
        );

        // A clean file: undetected by all.
        let id = upload(addr, "notes.txt", "meeting notes, nothing to see");
        let a = completed(addr, &id, Some(&token));
        assert_eq!(a["verdict"], "undetected", "{a}");
        // ClamAV, YARA (no rule set yet) and tocsin-intel.
        assert_eq!(a["stats"]["undetected"], 3, "{a}");
        assert_eq!(a["stats"]["malicious"], 0, "{a}");

        // Intel: one record names a file's SHA-256 (TLP:RED, a draft only the desk reads),
        // another a second file's (TLP:CLEAR, shared: anyone reads it).
        let secret_file = "quarterly report with a macro 0001";
        let public_file = "quarterly report with a macro 0002";
        let mut ids = Vec::new();
        for (subject, tlp, file) in [
            ("內部樣本", "red", secret_file),
            ("公開樣本", "clear", public_file),
        ] {
            let body = json!({
                "category": "INT",
                "subject": subject,
                "source": "TWCERT/CC",
                "published_at": "2026-12-01T09:30:00+08:00",
                "tlp": tlp,
                "dispatch_id": format!("D-{subject}"),
                "event_subject": "惡意附件",
                "event_discovered_at": "2026-11-30T08:00:00+08:00",
                "event_sent_at": "2026-11-30T10:00:00+08:00",
                "event_resolved_at": "",
                "content": format!("惡意附件 SHA-256 {}", sha256_hex(file)),
                "intel_type": "惡意程式",
                "publisher": "TWCERT/CC",
                "contact": "soc@example.org.tw",
                "impact_level": 3,
                "recommendation": "封鎖",
                "references": "",
                "attachments": "",
                "victim_ip": "",
                "affected_platforms": "Windows",
                "technique": "巨集",
                "malicious_connections": "",
                "scan_info": "",
                "source_id": "",
                "source_time": "",
            })
            .to_string();
            let auth = format!("Bearer {token}");
            let (status, out) = http(
                addr,
                "POST",
                "/api/v1/intel",
                &[
                    ("Content-Type", "application/json"),
                    ("Authorization", &auth),
                ],
                &body,
            )
            .expect("intel");
            assert_eq!(status, 201, "{out}");
            let v: Value = serde_json::from_str(&out).expect("json");
            ids.push(v["id"].as_str().expect("id").to_string());
        }
        let auth = format!("Bearer {token}");
        let (status, out) = http(
            addr,
            "POST",
            &format!("/api/v1/intel/{}/share", ids[1]),
            &[
                ("Content-Type", "application/json"),
                ("Authorization", &auth),
            ],
            "{}",
        )
        .expect("share");
        assert_eq!(status, 200, "{out}");

        let secret = upload(addr, "report.docm", secret_file);
        let a = completed(addr, &secret, Some(&token));
        let intel = &a["results"]["tocsin-intel"];
        assert_eq!(
            intel["category"], "malicious",
            "the desk reads the record: {a}"
        );
        assert!(
            intel["result"]
                .as_str()
                .is_some_and(|r| r.contains(&ids[0])),
            "{a}"
        );
        assert_eq!(a["verdict"], "malicious");
        assert_eq!(a["results"]["ClamAV"]["category"], "undetected");
        // Anonymous: the draft TLP:RED record is not theirs to read, nor to learn of.
        let a = completed(addr, &secret, None);
        assert_eq!(
            a["results"]["tocsin-intel"]["category"], "undetected",
            "{a}"
        );
        assert!(a["results"]["tocsin-intel"]["result"].is_null(), "{a}");
        assert_eq!(a["verdict"], "undetected");
        assert!(!a.to_string().contains(&ids[0]));

        let public = upload(addr, "report2.docm", public_file);
        let a = completed(addr, &public, None);
        assert_eq!(
            a["results"]["tocsin-intel"]["category"], "malicious",
            "TLP:CLEAR is anyone's: {a}"
        );
        assert!(
            a["results"]["tocsin-intel"]["result"]
                .as_str()
                .is_some_and(|r| r.contains(&ids[1])),
            "{a}"
        );

        // An unknown analysis, and one that is not an id.
        let (status, _) = http(
            addr,
            "GET",
            &format!("/api/v1/virus-check/{}", uuid::Uuid::now_v7()),
            &[],
            "",
        )
        .expect("get");
        assert_eq!(status, 404);
        let (status, _) = http(addr, "GET", "/api/v1/virus-check/nope", &[], "").expect("get");
        assert_eq!(status, 404);

        // The page, without an account or script: a form post, then the analysis's page,
        // which refreshes itself until done, then shows the verdict first.
        let (status, form) = http(
            addr,
            "GET",
            "/virus-check",
            &[("Accept-Language", "en")],
            "",
        )
        .expect("form");
        assert_eq!(status, 200);
        assert!(
            form.contains("action=\"/virus-check\"")
                && form.contains("enctype=\"multipart/form-data\""),
            "{form}"
        );
        assert!(
            form.contains("kept encrypted for 30 days"),
            "the page says what is kept: {form}"
        );
        let (status, form) = http(addr, "GET", "/virus-check", &[], "").expect("form");
        assert_eq!(status, 200);
        assert!(form.contains("病毒檢測"), "zh-TW by default");
        let (ctype, body) = multipart("page.txt", "a file uploaded from the page 42");
        let (status, _) = http(
            addr,
            "POST",
            "/virus-check",
            &[("Content-Type", &ctype), ("Sec-Fetch-Site", "cross-site")],
            &body,
        )
        .expect("post");
        assert_eq!(
            status, 403,
            "a cross-site post is refused, as on every form"
        );
        let (status, head) = http_head(addr, "/virus-check", &ctype, &body);
        assert_eq!(status, 303, "{head}");
        let location = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("location: ")
                    .or_else(|| l.strip_prefix("Location: "))
            })
            .expect("location")
            .trim()
            .to_string();
        assert!(location.starts_with("/virus-check/"), "{location}");
        let id = location.trim_start_matches("/virus-check/").to_string();
        completed(addr, &id, None);
        let (status, page) =
            http(addr, "GET", &location, &[("Accept-Language", "en")], "").expect("page");
        assert_eq!(status, 200);
        assert!(
            !page.contains("http-equiv=\"refresh\""),
            "done: no more refreshing"
        );
        let verdict = page.find("id=\"virus-verdict\"").expect("verdict");
        assert!(page[verdict..].contains("No threat detected"), "{page}");
        assert!(
            verdict < page.find("id=\"virus-results\"").expect("results"),
            "the verdict first"
        );
        let (_, page) = http(
            addr,
            "GET",
            &format!("/virus-check/{secret}"),
            &[("Accept-Language", "en"), ("Authorization", &auth)],
            "",
        )
        .expect("page");
        assert!(
            page.contains("verdict-malicious") && page.contains(&ids[0]),
            "{page}"
        );
        let (status, _) = http(addr, "GET", "/virus-check/nope", &[], "").expect("page");
        assert_eq!(status, 404);

        // Uploads are kept encrypted: no file under the data folder holds the plaintext.
        let mut found = 0;
        for e in std::fs::read_dir(data.0.join("virus-check")).expect("dir") {
            let p = e.expect("entry").path();
            let bytes = std::fs::read(&p).expect("read");
            assert!(
                !bytes
                    .windows(20)
                    .any(|w| w == &secret_file.as_bytes()[..20]),
                "{} holds plaintext",
                p.display()
            );
            found += 1;
        }
        assert!(found >= 5, "the uploads are kept: {found}");
        drop(server);

        // A clamd that never finishes a scan: the analysis stays in progress, and its
        // page refreshes itself until it is done.
        let stuck = stuck_clamd(&data.0.join("stuck.sock"));
        let env = [
            ("TOCSIN_MAIL_WORKER", "off"),
            ("TOCSIN_VIRUS_CHECK_CLAMD", stuck.as_str()),
        ];
        let server = Server::start(&db.url, &data.0, &env);
        let addr = server.addr.as_str();
        let id = upload(addr, "slow.bin", "a file the engine never finishes 7");
        let deadline = Instant::now() + Duration::from_secs(30);
        while report(addr, &id, None)["data"]["attributes"]["status"] != "in-progress" {
            assert!(Instant::now() < deadline, "never claimed");
            std::thread::sleep(Duration::from_millis(100));
        }
        let (status, page) = http(
            addr,
            "GET",
            &format!("/virus-check/{id}"),
            &[("Accept-Language", "en")],
            "",
        )
        .expect("page");
        assert_eq!(status, 200);
        assert!(
            page.contains("<meta http-equiv=\"refresh\" content=\"2\">"),
            "{page}"
        );
        assert!(page.contains("Being checked"), "{page}");
        assert!(
            !page.contains("id=\"virus-verdict\""),
            "no verdict before the engines answer"
        );
        drop(server);
    }
}

/// Virus Check by mail, end to end with the real binaries: `tocsin mailgate` hands a
/// message with the EICAR file attached to the server, which routes it by its recipient
/// to Virus Check; clamd finds it malicious; the server's own worker answers the sender
/// once, through the outbox (files here), as an automatic answer in zh-TW.
#[test]
fn a_file_mailed_in_is_checked_and_the_verdict_mailed_back() {
    use std::io::Write as _;
    let clamd = start_clamd();
    let clamd_addr = format!("unix:{}", clamd.socket.display());
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let data = TempDir::new();
        let token = admin(&db, "gate@cert.example.tw");
        let env = [
            ("TOCSIN_VIRUS_CHECK_CLAMD", clamd_addr.as_str()),
            (
                "TOCSIN_VIRUS_CHECK_MAIL_ADDRESS",
                "virus-check@cert.example.tw",
            ),
        ];
        let server = Server::start(&db.url, &data.0, &env);
        let raw = format!(
            "From: Clerk <clerk@school.example.tw>\r\nTo: virus-check@cert.example.tw\r\n\
             Subject: =?utf-8?b?5Y+v55aR6ZmE5Lu2?=\r\nDate: Tue, 01 Dec 2026 09:30:00 +0800\r\n\
             Message-ID: <v1@school.example.tw>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplease check\r\n\
             --b\r\nContent-Type: application/octet-stream; name=\"invoice.com\"\r\n\
             Content-Disposition: attachment; filename=\"invoice.com\"\r\n\r\n{}\r\n--b--\r\n",
            eicar()
        );
        let mut gate = Command::new(crate::BIN)
            .args(["mailgate", "--url", &format!("http://{}", server.addr)])
            .args(["--sender", "clerk@school.example.tw"])
            .env("TOCSIN_MAILGATE_TOKEN", &token)
            .env_remove("TOCSIN_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mailgate");
        gate.stdin
            .take()
            .expect("stdin")
            .write_all(raw.as_bytes())
            .expect("write");
        let out = gate.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{engine:?}: {err}");
        assert!(err.contains("virus_check"), "{err}");

        // The answer: one message to the sender, in the outbox's files.
        let outbox = data.0.join("outbox");
        let deadline = Instant::now() + Duration::from_secs(60);
        let answers = loop {
            let found: Vec<Vec<u8>> = std::fs::read_dir(&outbox)
                .map(|d| {
                    d.filter_map(|e| std::fs::read(e.ok()?.path()).ok())
                        .filter(|m| String::from_utf8_lossy(m).contains("clerk@school.example.tw"))
                        .collect()
                })
                .unwrap_or_default();
            if !found.is_empty() {
                break found;
            }
            assert!(Instant::now() < deadline, "{engine:?}: no answer mailed");
            std::thread::sleep(Duration::from_millis(250));
        };
        // A little longer: still one answer.
        std::thread::sleep(Duration::from_secs(3));
        assert_eq!(answers.len(), 1);
        let head = String::from_utf8_lossy(&answers[0]).to_string();
        assert!(head.contains("Auto-Submitted: auto-replied"), "{head}");
        let mail = tocsin_formats::mail_in::parse(
            &answers[0],
            None,
            &tocsin_formats::mail_in::Limits::default(),
        )
        .expect("parse");
        assert!(mail.subject.contains("病毒檢測"), "{}", mail.subject);
        assert!(
            mail.text.contains("invoice.com") && mail.text.contains("惡意"),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains("Eicar-Signature.UNOFFICIAL"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains(&sha256_hex(&eicar())), "{}", mail.text);
        drop(server);
    }
}

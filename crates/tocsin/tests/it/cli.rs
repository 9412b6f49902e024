use tocsin_storage::Engine;

use crate::{TempDir, db, run};

/// export from one engine → import into the other → export again: identical.
#[test]
fn export_import_across_engines() {
    let (Some(a), Some(b)) = (db(Engine::Sqlite), db(Engine::Postgres)) else {
        return;
    };
    let (ok, org, err) = run(
        &[
            "admin",
            "create-org",
            "--database",
            &a.url,
            "--name",
            "電信 ISAC",
            "--kind",
            "isac",
            "--sector",
            "通訊",
            "--alliance",
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let org = org.trim();
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "x@isac.tw",
            "--name",
            "X",
            "--org",
            org,
            "--roles",
            "partner",
        ],
        &[("TOCSIN_PASSWORD", "password-123456")],
        None,
    );
    assert!(ok, "{err}");
    let (ok, tok, err) = run(
        &[
            "admin",
            "create-token",
            "--database",
            &a.url,
            "--email",
            "x@isac.tw",
        ],
        &[],
        None,
    );
    assert!(ok && tok.starts_with("tocsin_"), "{err}");

    let dir = TempDir::new();
    let file = dir.0.join("all.jsonl");
    let file_s = file.to_string_lossy().to_string();
    let (ok, _, err) = run(&["export", "--database", &a.url, &file_s], &[], None);
    assert!(ok, "{err}");
    let first = std::fs::read_to_string(&file).expect("read");
    assert!(first.contains("電信 ISAC") && first.contains("x@isac.tw"));
    let (ok, _, err) = run(&["import", "--database", &b.url, &file_s], &[], None);
    assert!(ok, "{err}");
    let (ok, second, err) = run(&["export", "--database", &b.url, "-"], &[], None);
    assert!(ok, "{err}");
    assert_eq!(first, second);
    // Importing twice is refused, and says why.
    let (ok, _, err) = run(&["import", "--database", &b.url, "-"], &[], Some(&first));
    assert!(!ok && err.contains("not empty"), "{err}");
}

#[test]
fn admin_commands_name_bad_fields() {
    let Some(a) = db(Engine::Sqlite) else { return };
    let (ok, _, err) = run(
        &[
            "admin",
            "create-org",
            "--database",
            &a.url,
            "--name",
            "X",
            "--kind",
            "bakery",
        ],
        &[],
        None,
    );
    assert!(!ok && err.contains("kind"), "{err}");
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "nope",
            "--name",
            "X",
            "--no-password",
        ],
        &[],
        None,
    );
    assert!(!ok && err.contains("email"), "{err}");
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "a@b.tw",
            "--name",
            "X",
            "--roles",
            "root",
            "--no-password",
        ],
        &[],
        None,
    );
    assert!(!ok && err.contains("roles"), "{err}");
    let (ok, _, err) = run(
        &[
            "admin",
            "create-user",
            "--database",
            &a.url,
            "--email",
            "a@b.tw",
            "--name",
            "X",
        ],
        &[("TOCSIN_PASSWORD", "short")],
        None,
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, out, _) = run(&["--help"], &[], None);
    assert!(ok && out.contains("serve") && out.contains("export") && out.contains("backup"));
}

#[test]
fn backup_is_a_consistent_copy() {
    let Some(a) = db(Engine::Sqlite) else { return };
    let (ok, _, err) = run(
        &[
            "admin",
            "create-org",
            "--database",
            &a.url,
            "--name",
            "Org",
            "--kind",
            "company",
        ],
        &[],
        None,
    );
    assert!(ok, "{err}");
    let dir = TempDir::new();
    let copy = dir.0.join("copy.db");
    let copy_s = copy.to_string_lossy().to_string();
    let (ok, _, err) = run(&["backup", "--database", &a.url, &copy_s], &[], None);
    assert!(ok, "{err}");
    let (ok, orig, _) = run(&["export", "--database", &a.url, "-"], &[], None);
    assert!(ok);
    let (ok, from_copy, _) = run(
        &["export", "--database", &format!("sqlite:{copy_s}"), "-"],
        &[],
        None,
    );
    assert!(ok);
    assert_eq!(orig, from_copy);
    let (ok, _, err) = run(&["backup", "--database", &a.url, &copy_s], &[], None);
    assert!(!ok && err.contains("exists"), "{err}");
    if let Some(p) = db(Engine::Postgres) {
        let (ok, _, err) = run(
            &[
                "backup",
                "--database",
                &p.url,
                &dir.0.join("pg").to_string_lossy(),
            ],
            &[],
            None,
        );
        assert!(!ok && err.contains("pg_dump"), "{err}");
    }
}

#[test]
fn cvss_prints_score_and_breakdown() {
    let (ok, out, err) = run(
        &["cvss", "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H"],
        &[],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("7.6") && out.to_lowercase().contains("high"),
        "{out}"
    );
    assert!(out.contains("Attack Vector"), "{out}");
    let (ok, _, err) = run(
        &["cvss", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
        &[],
        None,
    );
    assert!(!ok && err.contains("AV"), "{err}");
    let (ok, out, err) = run(
        &[
            "cvss",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        ],
        &[],
        None,
    );
    assert!(ok && out.contains("9.3"), "{out}{err}");
}

/// A fixture of `tests/data/` (copies of the form parser's fixtures).
fn data(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .to_string_lossy()
        .to_string()
}

/// Runs the CLI; returns (exit code, stdout, stderr).
fn run_status(args: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(crate::BIN)
        .args(args)
        .env_remove("TOCSIN_CONFIG")
        .env("LANG", "C.UTF-8")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run tocsin");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn intel_parse_prints_the_record_as_json() {
    for file in ["intel-example.txt", "intel-example-big5-crlf.txt"] {
        let (code, out, err) = run_status(&["intel", "parse", &data(file)]);
        assert_eq!(code, Some(0), "{file}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let o = v.as_object().expect("object");
        assert_eq!(o.len(), 25, "the 25 fields: {out}");
        assert_eq!(o["category"], "INT");
        assert_eq!(o["subject"], "某金融機構對外網站遭植入網頁後門");
        assert_eq!(o["tlp"], "amber");
        assert_eq!(o["impact_level"], 3);
        // The free texts as written.
        assert_eq!(
            o["malicious_connections"],
            "目的IP：198.51.100.7 目的埠：8080 協定：TCP\n來源 [2001:db8::66]"
        );
        assert_eq!(o["source_id"], serde_json::Value::Null);
    }
}

#[test]
fn intel_parse_keeps_odd_entries_warning_by_line_and_refuses_bad_fields_with_65() {
    let file = data("intel-bad-connection.txt");
    let (code, out, err) = run_status(&["intel", "parse", &file]);
    assert_eq!(code, Some(0), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(
        v["malicious_connections"]
            .as_str()
            .is_some_and(|c| c.contains("請見附件")),
        "{out}"
    );
    // What could not be read, each at its line of the form, with the field.
    for line in [14, 15, 16, 17] {
        assert!(
            err.contains(&format!(
                "warning: line {line}, 惡意IP連線資訊 (malicious_connections)"
            )),
            "line {line}: {err}"
        );
    }
    assert_eq!(err.lines().count(), 4, "{err}");
    // Validation refuses, naming every field at once, each at its line.
    let dir = TempDir::new();
    let bad = dir.0.join("bad.txt");
    std::fs::write(&bad, "情資種類：INT\n情資主旨：x\n分享等級：purple\n").expect("write");
    let (code, _, err) = run_status(&["intel", "parse", &bad.to_string_lossy()]);
    assert_eq!(code, Some(65), "{err}");
    assert!(err.contains("line 3, 分享等級 (tlp)"), "{err}");
    assert!(err.contains("情資內容 (content)"), "{err}");
}

const GOOD_JSON: &str = r#"{"category":"INT","subject":"中繼站連線","source":"TWCERT/CC","published_at":"2026-03-02T14:30:00+08:00","tlp":"amber","content":"偵測到對 198.51.100.7 及 c2.example[.]net 的連線。","malicious_connections":[{"direction":"destination","ip":"198.51.100.7","port":"8080","protocol":"tcp"}]}"#;

#[test]
fn intel_import_stores_the_good_records_and_reports_the_bad() {
    for engine in crate::ENGINES {
        let Some(db) = db(engine) else { continue };
        let dir = TempDir::new();
        let file = dir.0.join("records.jsonl");
        let bad = GOOD_JSON.replace(r#""tlp":"amber""#, r#""tlp":"purple""#);
        std::fs::write(
            &file,
            format!("{GOOD_JSON}\n{GOOD_JSON}\n{bad}\n\n{GOOD_JSON}\n"),
        )
        .expect("write");
        let file_s = file.to_string_lossy().to_string();
        let (code, out, err) = run_status(&[
            "intel",
            "import",
            "--database",
            &db.url,
            "--batch-size",
            "2",
            &file_s,
            &data("intel-example.txt"),
        ]);
        assert_eq!(code, Some(65), "{engine:?}: {out}{err}");
        assert!(
            out.contains("5 records read, 4 stored, 1 rejected"),
            "{out}"
        );
        assert!(
            err.contains(&format!("{file_s}: line 3, 分享等級 (tlp)")),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "only the bad record: {err}");
        crate::rt().block_on(async {
            let s = tocsin_storage::Store::connect(&db.url).await.expect("open");
            let rows = s
                .list_intel(&tocsin_storage::IntelFilter {
                    limit: 100,
                    ..Default::default()
                })
                .await
                .expect("list");
            assert_eq!(rows.len(), 4, "{engine:?}");
            assert!(
                rows.iter()
                    .all(|r| r.status == "draft" && r.channel == "import")
            );
            // Searchable, with their indicators.
            let found = s
                .list_intel(&tocsin_storage::IntelFilter {
                    query: Some("中繼".into()),
                    observable: Some("198.51.100.7".into()),
                    limit: 100,
                    ..Default::default()
                })
                .await
                .expect("search");
            assert_eq!(found.len(), 4, "{engine:?}");
            // One audit entry a batch, as the operator.
            let audit = s
                .list_audit(&tocsin_storage::AuditFilter {
                    action: Some("intel.import".into()),
                    limit: 10,
                    ..Default::default()
                })
                .await
                .expect("audit");
            assert_eq!(audit.len(), 2, "{engine:?}: batches of 2");
            assert!(audit.iter().all(|a| a.actor == "cli"));
        });

        // --strict stops at the bad record; --check stores nothing.
        let (code, out, _) = run_status(&[
            "intel",
            "import",
            "--database",
            &db.url,
            "--strict",
            &file_s,
        ]);
        assert_eq!(code, Some(65));
        assert!(out.contains("2 stored, 1 rejected; stopped at"), "{out}");
        let (code, out, _) = run_status(&["intel", "import", "--check", &file_s]);
        assert_eq!(code, Some(65));
        assert!(out.contains("3 good, 1 rejected"), "{out}");
        let good = dir.0.join("good.jsonl");
        std::fs::write(&good, format!("{GOOD_JSON}\n")).expect("write");
        let (code, _, err) = run_status(&["intel", "import", "--check", &good.to_string_lossy()]);
        assert_eq!(code, Some(0), "{err}");
    }
}

#[test]
fn intel_import_reads_stix_bundles_into_drafts() {
    for engine in crate::ENGINES {
        let Some(db) = db(engine) else { continue };
        let dir = TempDir::new();
        // A partner's bundle, and a feed of 2,500 bare indicators (three windows), one of
        // them broken.
        let feed = dir.0.join("feed.json");
        let mut objects: Vec<serde_json::Value> = (0..2500)
            .map(|i| {
                serde_json::json!({"type": "indicator", "spec_version": "2.1",
                    "id": format!("indicator--00000000-0000-4000-8000-{i:012}"),
                    "created": "2026-03-01T00:00:00Z", "modified": "2026-03-01T00:00:00Z",
                    "pattern": format!("[ipv4-addr:value = '10.1.{}.{}']", i / 256, i % 256),
                    "pattern_type": "stix", "valid_from": "2026-03-01T00:00:00Z",
                    "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]})
            })
            .collect();
        objects[1500]["created"] = serde_json::json!("yesterday");
        std::fs::write(
            &feed,
            serde_json::to_string_pretty(&serde_json::json!({"id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects, "type": "bundle"}))
                .expect("json"),
        )
        .expect("write");
        let feed_s = feed.to_string_lossy().to_string();
        let (code, out, err) = run_status(&[
            "intel",
            "import",
            "--database",
            &db.url,
            &data("stix-partner-statement.json"),
            &feed_s,
        ]);
        assert_eq!(code, Some(65), "{engine:?}: {out}{err}");
        assert!(
            out.contains("5 records read, 4 stored, 1 rejected"),
            "{out}"
        );
        assert!(
            err.contains(&format!("{feed_s}: object 1500 (indicator--00000000-0000-4000-8000-000000001500): field `created`")),
            "{err}"
        );
        crate::rt().block_on(async {
            let s = tocsin_storage::Store::connect(&db.url).await.expect("open");
            let rows = s
                .list_intel(&tocsin_storage::IntelFilter {
                    limit: 100,
                    ..Default::default()
                })
                .await
                .expect("list");
            let mut subjects: Vec<(String, String)> = rows
                .iter()
                .map(|r| (r.subject.clone(), r.tlp.clone()))
                .collect();
            subjects.sort();
            assert_eq!(
                subjects,
                vec![
                    (
                        "Emotet C2 seen against the finance sector".to_string(),
                        "amber+strict".to_string()
                    ),
                    ("STIX TLP:GREEN: 1000 indicator".into(), "green".into()),
                    ("STIX TLP:GREEN: 1000 indicator".into(), "green".into()),
                    ("STIX TLP:GREEN: 499 indicator".into(), "green".into()),
                ],
                "{engine:?}"
            );
            assert!(
                rows.iter()
                    .all(|r| r.status == "draft" && r.channel == "import")
            );
            // Every indicator of the feed is searchable, the broken one's neighbours too.
            for ip in ["10.1.0.0", "10.1.5.219", "10.1.9.195"] {
                let found = s
                    .list_intel(&tocsin_storage::IntelFilter {
                        observable: Some(ip.into()),
                        limit: 10,
                        ..Default::default()
                    })
                    .await
                    .expect("search");
                assert_eq!(found.len(), 1, "{engine:?}: {ip}");
            }
        });
    }
}

#[test]
fn intel_emit_prints_txt_that_parses_back_to_the_record() {
    let Some(db) = db(Engine::Sqlite) else { return };
    let original = data("intel-example.txt");
    let (code, _, err) = run_status(&["intel", "import", "--database", &db.url, &original]);
    assert_eq!(code, Some(0), "{err}");
    let id = crate::rt().block_on(async {
        let s = tocsin_storage::Store::connect(&db.url).await.expect("open");
        let rows = s
            .list_intel(&tocsin_storage::IntelFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .expect("list");
        assert_eq!(rows.len(), 1);
        rows[0].id.to_string()
    });
    let (code, txt, err) = run_status(&["intel", "emit", "--database", &db.url, &id]);
    assert_eq!(code, Some(0), "{err}");
    assert!(txt.starts_with("情資種類：INT\n"), "{txt}");
    let dir = TempDir::new();
    let emitted = dir.0.join("emitted.txt");
    std::fs::write(&emitted, &txt).expect("write");
    let (_, back, err) = run_status(&["intel", "parse", &emitted.to_string_lossy()]);
    let (_, first, _) = run_status(&["intel", "parse", &original]);
    assert!(!back.is_empty(), "{err}");
    assert_eq!(back, first, "the same record");
    // An unknown id is an error that says so.
    let (code, _, err) = run_status(&[
        "intel",
        "emit",
        "--database",
        &db.url,
        "01a242ca-f950-7493-8259-000000000000",
    ]);
    assert_ne!(code, Some(0));
    assert!(err.contains("no intel record"), "{err}");
}

/// The console's admin commands are the app's use cases: audited as `cli` from `console`,
/// a duplicate refused by field, no mail unless `--mail`, and then the invitation an
/// admin-created user without a password gets.
#[test]
fn admin_commands_are_the_apps_use_cases() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let Some(db) = db(engine) else { continue };
        let user = |email: &str, extra: &[&str]| {
            let mut args = vec![
                "admin",
                "create-user",
                "--database",
                &db.url,
                "--email",
                email,
                "--name",
                "N",
                "--no-password",
            ];
            args.extend_from_slice(extra);
            let (ok, out, err) = run(&args, &[], None);
            (ok, out, err)
        };
        let (ok, _, err) = user("quiet@corp.tw", &[]);
        assert!(ok, "{engine:?}: {err}");
        let (ok, _, err) = user("quiet@corp.tw", &[]);
        assert!(!ok && err.contains("email"), "{engine:?}: taken: {err}");
        let (ok, _, err) = user("invited@corp.tw", &["--mail"]);
        assert!(ok, "{engine:?}: {err}");
        crate::rt().block_on(async {
            let s = tocsin_storage::Store::connect(&db.url).await.expect("open");
            let mail = s.list_outbox(10).await.expect("outbox");
            assert_eq!(mail.len(), 1, "{engine:?}: only the invited user is mailed");
            assert!(mail[0].recipients.contains("invited@corp.tw"));
            assert!(mail[0].subject.contains("account"), "{}", mail[0].subject);
            let audit = s
                .list_audit(&tocsin_storage::AuditFilter {
                    limit: 10,
                    ..Default::default()
                })
                .await
                .expect("audit");
            let creations: Vec<_> = audit.iter().filter(|a| a.action == "user.create").collect();
            assert_eq!(creations.len(), 2, "{engine:?}");
            assert!(
                creations
                    .iter()
                    .all(|a| a.actor == "cli" && a.ip == "console" && a.actor_id.is_none())
            );
        });
    }
}

/// `tocsin serve --listen <free port> --config <file>` on a fresh SQLite under `dir`, with
/// TOCSIN_LISTEN, TOCSIN_PUBLIC_URL and TOCSIN_CONFIG unset; returns the process, its
/// address and its first line of output (stdout keeps being read: a closed pipe would
/// kill the server when it prints the first-admin link).
fn serve_with_config(
    dir: &std::path::Path,
    file: &std::path::Path,
) -> (std::process::Child, String, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let db = format!("sqlite:{}", dir.join("t.db").display());
    let mut child = std::process::Command::new(crate::BIN)
        .args(["serve", "--listen", &addr, "--database", &db, "--config"])
        .arg(file)
        .env("TOCSIN_DATA_DIR", dir)
        .env("TOCSIN_LOG_FORMAT", "text")
        .env_remove("TOCSIN_LISTEN")
        .env_remove("TOCSIN_PUBLIC_URL")
        .env_remove("TOCSIN_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(out));
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    std::thread::spawn(move || for _ in lines {});
    (child, addr, first)
}

/// `serve --listen` changes where it listens and nothing else: the file's `https://`
/// public URL stays (links in mail, `Secure` cookies and HSTS depend on it).
#[test]
fn listen_flag_keeps_the_files_public_url() {
    let dir = crate::TempDir::new();
    let file = dir.0.join("tocsin.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:1\"\npublic_url = \"https://cert.example.tw\"\n",
    )
    .expect("config");
    let (mut child, addr, first) = serve_with_config(&dir.0, &file);
    let (status, _) = crate::http(&addr, "GET", "/healthz", &[], "").unwrap_or((0, String::new()));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("tocsin listening on https://cert.example.tw "),
        "{first}"
    );
    assert_eq!(status, 200, "it listens on the flag's address");
}

/// A self-signed certificate for 127.0.0.1 named `cn`, written to `dir/name.{pem,key}`.
fn self_signed(dir: &std::path::Path, name: &str, cn: &str) {
    let ok = std::process::Command::new("openssl")
        .current_dir(dir)
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ])
        .args([
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
            "-days",
            "2",
        ])
        .args([
            "-subj",
            &format!("/CN={cn}"),
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl")
        .success();
    assert!(ok, "openssl req");
}

/// The subject of the certificate the server at `addr` presents.
fn presented_subject(addr: &str) -> String {
    let out = std::process::Command::new("openssl")
        .args(["s_client", "-connect", addr, "-servername", "localhost"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .expect("openssl s_client");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines()
        .find(|l| l.starts_with("subject="))
        .unwrap_or_default()
        .to_string()
}

/// Without a proxy: the server speaks HTTPS itself from PEM files, and a renewed
/// certificate is served from the next connection on, without a restart.
#[test]
fn the_tls_listener_serves_and_reloads_its_certificate() {
    let dir = crate::TempDir::new();
    self_signed(&dir.0, "first", "first.tocsin.test");
    self_signed(&dir.0, "second", "second.tocsin.test");
    let (cert, key) = (dir.0.join("live.pem"), dir.0.join("live.key"));
    std::fs::copy(dir.0.join("first.pem"), &cert).expect("cert");
    std::fs::copy(dir.0.join("first.key"), &key).expect("key");
    let file = dir.0.join("tocsin.toml");
    std::fs::write(
        &file,
        format!(
            "tls_cert = {:?}\ntls_key = {:?}\n",
            cert.display().to_string(),
            key.display().to_string()
        ),
    )
    .expect("config");
    let (mut child, addr, _) = serve_with_config(&dir.0, &file);
    let first = presented_subject(&addr);
    // Plain HTTP on the same port gets no page.
    let plain = crate::http(&addr, "GET", "/healthz", &[], "")
        .map(|(s, _)| s)
        .unwrap_or(0);
    // Renew: the new pair replaces the old one in place.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::copy(dir.0.join("second.key"), &key).expect("key");
    std::fs::copy(dir.0.join("second.pem"), &cert).expect("cert");
    let second = presented_subject(&addr);
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("first.tocsin.test"), "{first}");
    assert_ne!(plain, 200, "no plain HTTP answer");
    assert!(
        second.contains("second.tocsin.test"),
        "renewed without a restart: {second}"
    );
}

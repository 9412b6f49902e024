//! CSAF 2.0 (issue 25) through HTTP on both engines: publication releases a document the
//! BSI reference validator accepts (`tests/csaf/validate.mjs`), served in the trusted
//! provider's layout with its media types, hashes that `sha512sum -c` verifies, and
//! listings; an update releases revision 2 with its history and moves `changes.csv`; an
//! AMBER document is refused to an anonymous caller (401, no redirect) and to readers the
//! policy does not admit (404), and served to the notified vendor; the coordinators' page
//! previews the document with its verdict before publication; CISA's published advisories
//! are imported, shown and found by CVE id and product.

use std::path::PathBuf;
use std::process::Command;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::Role;

use crate::{Harness, Resp};

const PUBLIC: &str = "https://desk.example.tw";
const WK: &str = "/.well-known/csaf";
const SEED: &[u8] = include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");
const BOUNDARY: &str = "csafboundary7MA4YWxk";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A harness whose desk has an OpenPGP key (it signs the documents).
async fn harness(engine: tocsin_storage::Engine) -> Option<Harness> {
    let (_, key_file) = crate::pgp::desk_key_file();
    Harness::with_config(engine, |c| {
        c.public_url = PUBLIC.into();
        c.pgp.secret_key_file = key_file.display().to_string();
    })
    .await
}

fn ok(r: &Resp) {
    assert!(r.status.is_success(), "{}: {}", r.status, r.body);
}

/// Files the seed, walks it to ready_to_publish with a notified vendor, a CVE id and an
/// advisory; returns the tracking number.
async fn case_ready(h: &Harness, admin: &str, vendor_email: &str) -> String {
    use base64::Engine as _;
    let body = json!({"txt_base64": base64::engine::general_purpose::STANDARD.encode(SEED)});
    let r = h
        .json(
            Method::POST,
            "/api/v1/reports/vulnerability",
            None,
            body,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = r.json()["tracking_id"].as_str().expect("t").to_string();
    let base = format!("/api/v1/vulnerabilities/{t}");
    let go = |to: &str| json!({"to": to});
    for to in ["under_review", "accepted"] {
        ok(&h
            .json(
                Method::POST,
                &format!("{base}/transition"),
                Some(admin),
                go(to),
                &[],
            )
            .await);
    }
    let vendor = h
        .state
        .store
        .find_user_by_email(vendor_email)
        .await
        .expect("q")
        .expect("vendor");
    let org = vendor.org_id.0.expect("org").to_string();
    ok(&h
        .json(
            Method::POST,
            &format!("{base}/vendor"),
            Some(admin),
            json!({"vendor_org_id": org, "status": "affected"}),
            &[],
        )
        .await);
    ok(&h
        .json(
            Method::POST,
            &format!("{base}/notify-vendor"),
            Some(admin),
            json!({}),
            &[],
        )
        .await);
    ok(&h
        .json(
            Method::POST,
            "/api/v1/cve-ids",
            Some(admin),
            json!({"ids": "CVE-2026-1000..CVE-2026-1009"}),
            &[],
        )
        .await);
    ok(&h
        .json(
            Method::POST,
            &format!("{base}/cve"),
            Some(admin),
            json!(null),
            &[],
        )
        .await);
    ok(&h
        .json(
            Method::POST,
            &format!("{base}/advisory"),
            Some(admin),
            json!({"title": "IP CAM command injection", "cwe": "CWE-78",
                   "solution": "Update to 1.25.",
                   "advisory_en": "The IP CAM web interface executes commands from parameters.",
                   "advisory_zh": "IP CAM 網頁介面未驗證參數，可執行任意指令。"}),
            &[],
        )
        .await);
    for to in ["fix_pending", "ready_to_publish"] {
        ok(&h
            .json(
                Method::POST,
                &format!("{base}/transition"),
                Some(admin),
                go(to),
                &[],
            )
            .await);
    }
    t
}

async fn publish(h: &Harness, admin: &str, t: &str) {
    ok(&h
        .json(
            Method::POST,
            &format!("/api/v1/vulnerabilities/{t}/transition"),
            Some(admin),
            json!({"to": "published"}),
            &[],
        )
        .await);
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Runs the reference validator over one document; panics with its verdict unless valid.
fn reference_valid(doc: &str) {
    let dir =
        std::env::temp_dir().join(format!("tocsin-csaf-srv-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("doc.json");
    std::fs::write(&path, doc).expect("write");
    let out = Command::new("node")
        .arg(repo_root().join("tests/csaf/validate.mjs"))
        .arg(&path)
        .output()
        .expect("node runs (npm ci --prefix tests/csaf)");
    let _ = std::fs::remove_dir_all(&dir);
    let verdict: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("verdict ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(verdict["valid"], true, "{verdict:#}");
}

/// `sha512sum -c` over the document and its `.sha512`, as a consumer checks them.
fn sha512sum_checks(name: &str, doc: &str, sha512: &str) {
    let dir =
        std::env::temp_dir().join(format!("tocsin-csaf-sum-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join(name), doc).expect("write");
    std::fs::write(dir.join(format!("{name}.sha512")), sha512).expect("write");
    let out = Command::new("sha512sum")
        .arg("-c")
        .arg(format!("{name}.sha512"))
        .current_dir(&dir)
        .output()
        .expect("sha512sum");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "sha512sum -c: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, file, bytes) in parts {
        b.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => b.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/json\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post_multipart(h: &Harness, uri: &str, body: Vec<u8>, cookie: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080")
        .header("cookie", cookie)
        .body(Body::from(body))
        .expect("request");
    h.send(req).await
}

mod publication {
    use super::*;

    async fn body(h: Harness) {
        let (admin_email, admin) = h
            .user("admin@cert.tw", &[Role::Admin, Role::Coordinator])
            .await;
        let (vendor_email, vendor) = h.user("psirt@techoh.tw", &[Role::Member]).await;
        let (_, other) = h.user("m@else.tw", &[Role::Member]).await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let t = case_ready(&h, &admin, &vendor_email).await;

        // Before publication: the coordinators' page previews a draft with its verdict.
        let page = h
            .get(
                &format!("/desk/vulnerabilities/{t}/csaf"),
                &[("authorization", &bearer(&admin))],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"csaf-draft\""), "{}", page.body);
        assert!(page.body.contains("id=\"csaf-valid\""), "{}", page.body);
        assert!(
            page.body.contains("&quot;csaf_security_advisory&quot;")
                || page.body.contains("csaf_security_advisory")
        );
        let case_page = h
            .get(
                &format!("/desk/vulnerabilities/{t}"),
                &[("authorization", &bearer(&admin))],
            )
            .await;
        assert!(
            case_page.body.contains("id=\"csaf-case-valid\""),
            "the verdict on the case page"
        );
        // Not for analysts, and not a draft in the layout.
        assert_eq!(
            h.get(
                &format!("/desk/vulnerabilities/{t}/csaf"),
                &[("authorization", &bearer(&analyst))]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert!(
            h.get(&format!("{WK}/white/index.txt"), &[])
                .await
                .body
                .is_empty()
        );

        // A CPE for the product, then publication: revision 1.
        let cookie = h.login(&admin_email).await;
        let r = h.form(
            &format!("/desk/vulnerabilities/{t}/csaf/settings"),
            "tlp=clear&fixed_version=1.25&cpe=cpe%3A2.3%3Ah%3Atechoh%3Aip_cam%3A*%3A*%3A*%3A*%3A*%3A*%3A*%3A*&purl=",
            Some(&cookie),
        ).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        publish(&h, &admin, &t).await;

        let meta = h.get(&format!("{WK}/provider-metadata.json"), &[]).await;
        assert_eq!(meta.status, StatusCode::OK);
        assert_eq!(meta.header("content-type"), Some("application/json"));
        let m = meta.json();
        assert_eq!(m["role"], "csaf_trusted_provider");
        assert_eq!(
            m["canonical_url"],
            format!("{PUBLIC}{WK}/provider-metadata.json")
        );
        assert_eq!(m["publisher"]["namespace"], PUBLIC);

        let index = h.get(&format!("{WK}/white/index.txt"), &[]).await;
        assert_eq!(index.status, StatusCode::OK);
        assert!(
            index
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/plain"))
        );
        let path = index.body.trim().to_string();
        let name = format!("{}.json", t.to_lowercase());
        assert!(
            path.ends_with(&name) && path.len() == 5 + name.len(),
            "{path}"
        );
        let doc = h.get(&format!("{WK}/white/{path}"), &[]).await;
        assert_eq!(doc.status, StatusCode::OK);
        assert_eq!(doc.header("content-type"), Some("application/json"));
        let d = doc.json();
        assert_eq!(d["document"]["tracking"]["version"], "1");
        assert_eq!(d["document"]["tracking"]["status"], "final");
        assert_eq!(
            d["document"]["publisher"]["name"],
            h.state.config.operator.name_en.as_str()
        );
        assert_eq!(d["vulnerabilities"][0]["cve"], "CVE-2026-1000");
        assert_eq!(d["vulnerabilities"][0]["cwe"]["id"], "CWE-78");
        assert_eq!(
            d["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseScore"],
            7.6
        );
        assert!(
            d["vulnerabilities"][0].get("acknowledgments").is_none(),
            "the reporter declined credit"
        );
        assert!(!doc.body.contains("Domo"), "the finder is named nowhere");
        reference_valid(&doc.body);
        let sha512 = h.get(&format!("{WK}/white/{path}.sha512"), &[]).await;
        assert_eq!(sha512.status, StatusCode::OK);
        assert!(
            sha512
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/plain"))
        );
        sha512sum_checks(&name, &doc.body, &sha512.body);
        let sha256 = h.get(&format!("{WK}/white/{path}.sha256"), &[]).await;
        assert!(sha256.body.ends_with(&format!("  {name}\n")));
        // The desk's key signs the document: gpg verifies the detached signature with the
        // key the provider metadata names.
        let asc = h.get(&format!("{WK}/white/{path}.asc"), &[]).await;
        assert_eq!(asc.status, StatusCode::OK);
        assert_eq!(
            asc.header("content-type"),
            Some("application/pgp-signature")
        );
        let meta = h
            .get(&format!("{WK}/provider-metadata.json"), &[])
            .await
            .json();
        let key_url = meta["public_openpgp_keys"][0]["url"]
            .as_str()
            .expect("key url")
            .to_string();
        assert_eq!(key_url, format!("{PUBLIC}/pgp-key.asc"));
        let public = h.get("/pgp-key.asc", &[]).await;
        assert_eq!(
            meta["public_openpgp_keys"][0]["fingerprint"].as_str(),
            h.state.pgp.as_ref().map(|k| k.fingerprint()).as_deref()
        );
        let gpg = crate::pgp::Gpg::new();
        gpg.ok(&["--import"], public.body.as_bytes());
        let dir =
            std::env::temp_dir().join(format!("tocsin-csaf-asc-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(&name), &doc.body).expect("doc");
        std::fs::write(dir.join(format!("{name}.asc")), &asc.body).expect("sig");
        let sig = dir.join(format!("{name}.asc")).display().to_string();
        let file = dir.join(&name).display().to_string();
        gpg.ok(&["--verify", &sig, &file], b"");
        std::fs::write(dir.join(&name), format!("{} ", doc.body)).expect("tampered");
        let (verified, _, _) = gpg.run(&["--verify", &sig, &file], b"");
        assert!(!verified, "a changed document does not verify");
        let _ = std::fs::remove_dir_all(&dir);
        let changes_1 = h.get(&format!("{WK}/white/changes.csv"), &[]).await;
        assert!(
            changes_1
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/csv"))
        );
        assert!(
            changes_1.body.starts_with(&format!("\"{path}\",\"")),
            "{}",
            changes_1.body
        );
        let feed = h
            .get(&format!("{WK}/white/csaf-feed-tlp-white.json"), &[])
            .await;
        assert_eq!(
            feed.json()["feed"]["entry"][0]["content"]["src"],
            format!("{PUBLIC}{WK}/white/{path}")
        );

        // An update: revision 2 with its history, changes.csv moves.
        h.state
            .store
            .clock()
            .advance(time::Duration::hours(1))
            .expect("clock");
        ok(&h
            .json(
                Method::POST,
                &format!("/api/v1/vulnerabilities/{t}/advisory"),
                Some(&admin),
                json!({"title": "IP CAM command injection", "cwe": "CWE-78",
                   "solution": "Update to 1.25 or later.",
                   "advisory_en": "The IP CAM web interface executes commands from parameters.",
                   "advisory_zh": "IP CAM 網頁介面未驗證參數，可執行任意指令。",
                   "revision_summary": "Solution clarified"}),
                &[],
            )
            .await);
        let doc2 = h.get(&format!("{WK}/white/{path}"), &[]).await;
        let d2 = doc2.json();
        assert_eq!(d2["document"]["tracking"]["version"], "2");
        let history = d2["document"]["tracking"]["revision_history"]
            .as_array()
            .expect("history");
        assert_eq!(history.len(), 2);
        assert_eq!(history[1]["summary"], "Solution clarified");
        assert_eq!(
            d2["document"]["tracking"]["initial_release_date"],
            d["document"]["tracking"]["initial_release_date"]
        );
        reference_valid(&doc2.body);
        let changes_2 = h.get(&format!("{WK}/white/changes.csv"), &[]).await;
        assert_ne!(
            changes_2.body, changes_1.body,
            "the change is listed with its new date"
        );
        assert_eq!(
            changes_2.body,
            format!(
                "\"{path}\",\"{}\"\n",
                d2["document"]["tracking"]["current_release_date"]
                    .as_str()
                    .expect("date")
            )
        );
        // A published case's settings change needs a revision summary.
        let r = h
            .form(
                &format!("/desk/vulnerabilities/{t}/csaf/settings"),
                "tlp=amber",
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // AMBER: out of the public folder, refused to the anonymous (401, no redirect) and
        // to those the policy does not admit, served to the notified vendor.
        let r = h
            .form(
                &format!("/desk/vulnerabilities/{t}/csaf/settings"),
                "tlp=amber&revision_summary=Restricted+to+the+vendor",
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            h.get(&format!("{WK}/white/{path}"), &[]).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            h.get(&format!("{WK}/white/index.txt"), &[])
                .await
                .body
                .is_empty()
        );
        let anon = h.get(&format!("{WK}/amber/{path}"), &[]).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
        assert!(anon.header("location").is_none());
        assert_eq!(anon.header("www-authenticate"), Some("Bearer"));
        assert_eq!(
            h.get(&format!("{WK}/amber/index.txt"), &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
        for token in [&other, &analyst] {
            assert_eq!(
                h.get(
                    &format!("{WK}/amber/{path}"),
                    &[("authorization", &bearer(token))]
                )
                .await
                .status,
                StatusCode::NOT_FOUND
            );
            assert!(
                h.get(
                    &format!("{WK}/amber/index.txt"),
                    &[("authorization", &bearer(token))]
                )
                .await
                .body
                .is_empty()
            );
        }
        for token in [&vendor, &admin] {
            let r = h
                .get(
                    &format!("{WK}/amber/{path}"),
                    &[("authorization", &bearer(token))],
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert_eq!(
                r.json()["document"]["distribution"]["tlp"]["label"],
                "AMBER"
            );
            assert_eq!(r.json()["document"]["tracking"]["version"], "3");
            let index = h
                .get(
                    &format!("{WK}/amber/index.txt"),
                    &[("authorization", &bearer(token))],
                )
                .await;
            assert_eq!(index.body.trim(), path);
        }
        assert!(
            h.audit_actions().await.iter().any(|a| a == "csaf.read"),
            "confidential reads are audited"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        body(
            harness(tocsin_storage::Engine::Sqlite)
                .await
                .expect("sqlite"),
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(h) = harness(tocsin_storage::Engine::Postgres).await {
            body(h).await
        }
    }
}

mod imports {
    use super::*;

    const FIXTURES: [(&str, &[u8]); 4] = [
        (
            "va-24-201-01.json",
            include_bytes!("../../../tocsin-formats/tests/data/csaf/va-24-201-01.json"),
        ),
        (
            "va-24-254-01.json",
            include_bytes!("../../../tocsin-formats/tests/data/csaf/va-24-254-01.json"),
        ),
        (
            "icsa-24-004-01.json",
            include_bytes!("../../../tocsin-formats/tests/data/csaf/icsa-24-004-01.json"),
        ),
        (
            "icsa-24-011-03.json",
            include_bytes!("../../../tocsin-formats/tests/data/csaf/icsa-24-011-03.json"),
        ),
    ];

    async fn body(h: Harness) {
        let (admin_email, admin) = h
            .user("admin@cert.tw", &[Role::Admin, Role::Coordinator])
            .await;
        let (vendor_email, _) = h.user("psirt@techoh.tw", &[Role::Member]).await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let t = case_ready(&h, &admin, &vendor_email).await;
        let cookie = h.login(&admin_email).await;
        let uri = format!("/desk/vulnerabilities/{t}/csaf/import");
        for (name, bytes) in FIXTURES {
            let doc: Value = serde_json::from_slice(bytes).expect("json");
            let r =
                post_multipart(&h, &uri, multipart(&[("file", Some(name), bytes)]), &cookie).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
            let to = r.header("location").expect("location").to_string();
            assert!(to.starts_with("/desk/csaf/imports/"), "{to}");
            let page = h.get(&to, &[("authorization", &bearer(&admin))]).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let id = doc["document"]["tracking"]["id"].as_str().expect("id");
            assert!(page.body.contains(id), "{name}");
            let cve = doc["vulnerabilities"][0]["cve"].as_str().expect("cve");
            assert!(page.body.contains(cve), "{name}: {cve}");
            assert!(
                page.body
                    .contains(&format!("href=\"/desk/vulnerabilities/{t}\"")),
                "linked to the case"
            );
            assert!(
                page.body.contains("id=\"csaf-valid\""),
                "{name}: CISA's documents pass the schema"
            );
            // Found by its CVE id, in any case, and by part of a product's name.
            let found = h
                .get(
                    &format!("/desk/csaf/imports?q={}", cve.to_lowercase()),
                    &[("authorization", &bearer(&admin))],
                )
                .await;
            assert!(found.body.contains(id), "{name}: by {cve}");
            assert_eq!(
                h.get(&to, &[("authorization", &bearer(&analyst))])
                    .await
                    .status,
                StatusCode::FORBIDDEN
            );
        }
        let found = h
            .get(
                "/desk/csaf/imports?q=CVE-2099-0001",
                &[("authorization", &bearer(&admin))],
            )
            .await;
        assert!(found.body.contains("id=\"csaf-search-none\""));
        // A product found by a piece of its name (the fixtures' first product).
        let first: Value = serde_json::from_slice(FIXTURES[2].1).expect("json");
        let vendor = first["product_tree"]["branches"][0]["name"]
            .as_str()
            .expect("vendor")
            .to_string();
        let found = h
            .get(
                &format!(
                    "/desk/csaf/imports?q={}",
                    vendor.split_whitespace().next().unwrap_or("x")
                ),
                &[("authorization", &bearer(&admin))],
            )
            .await;
        assert!(
            found.body.contains("ICSA-24-004-01"),
            "by product: {}",
            found.body
        );
        // The case's CSAF page lists them.
        let page = h
            .get(
                &format!("/desk/vulnerabilities/{t}/csaf"),
                &[("authorization", &bearer(&admin))],
            )
            .await;
        assert!(page.body.contains("VA-24-201-01") && page.body.contains("ICSA-24-011-03"));
        // What is not CSAF is refused, naming the file.
        let r = post_multipart(
            &h,
            &uri,
            multipart(&[("file", Some("x.json"), b"{\"a\": 1}")]),
            &cookie,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("f-csaf-file-error"), "{}", r.body);
        // A URL needs the fetcher, which is off here.
        let r = post_multipart(
            &h,
            &uri,
            multipart(&[("url", None, b"https://example.org/a.json")]),
            &cookie,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("f-csaf-url-error"), "{}", r.body);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        body(
            harness(tocsin_storage::Engine::Sqlite)
                .await
                .expect("sqlite"),
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(h) = harness(tocsin_storage::Engine::Postgres).await {
            body(h).await
        }
    }
}

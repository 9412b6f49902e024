//! The desk's OpenPGP and published identity over HTTP, on both engines: security.txt by
//! RFC 9116's rules and clear-signed so that GnuPG verifies it, the key at /pgp-key.asc
//! and in WKD, the RFC 2350 page and the front door's links, a user's key on their
//! account page, and encrypted mail through intake (PGP/MIME and inline, made by GnuPG)
//! becoming a readable report whose acknowledgment GnuPG decrypts and verifies.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use tocsin_domain::Role;
use tocsin_formats::security_txt;
use tocsin_pgp::{DeskKey, PublicCert, wkd_hash};

use crate::Harness;

const URL: &str = "https://cert.example.tw";

/// A throw-away GnuPG home (gpg is required: `scripts/test setup` installs `gnupg`).
pub(crate) struct Gpg {
    home: PathBuf,
}

impl Gpg {
    pub(crate) fn new() -> Gpg {
        let home =
            std::env::temp_dir().join(format!("tocsin-srv-gpg-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&home).expect("GNUPGHOME");
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        Gpg { home }
    }

    /// gpg with `args` and `input`; (ok, stdout, stderr with the status lines).
    pub(crate) fn run(&self, args: &[&str], input: &[u8]) -> (bool, Vec<u8>, String) {
        let mut child = Command::new("gpg")
            .env("GNUPGHOME", &self.home)
            .args([
                "--batch",
                "--no-tty",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
            ])
            .args(["--status-fd", "2", "--trust-model", "always"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpg is installed (Debian package gnupg)");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("to gpg");
        let out = child.wait_with_output().expect("gpg ran");
        (
            out.status.success(),
            out.stdout,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub(crate) fn ok(&self, args: &[&str], input: &[u8]) -> Vec<u8> {
        let (ok, out, err) = self.run(args, input);
        assert!(ok, "gpg {args:?}: {err}");
        out
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", &self.home)
            .args(["--kill", "all"])
            .status();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// A new desk key without a passphrase, written to a file for `[pgp] secret_key_file`.
pub(crate) fn desk_key_file() -> (DeskKey, PathBuf) {
    let key =
        DeskKey::generate("TWCERT Desk <desk@cert.example.tw>", 1_796_661_000, "").expect("key");
    let file =
        std::env::temp_dir().join(format!("tocsin-desk-{}.asc", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, key.secret_armored().expect("armor")).expect("key file");
    (key, file)
}

/// A harness whose desk has a new key (written where `[pgp] secret_key_file` reads it),
/// its public URL https, and the mail tests' routes; the key too.
async fn with_key(engine: tocsin_storage::Engine) -> Option<(Harness, DeskKey)> {
    let (key, file) = desk_key_file();
    let h = Harness::with_config(engine, |c| {
        c.public_url = URL.into();
        c.pgp.secret_key_file = file.display().to_string();
        crate::mail_api::routes(c);
    })
    .await?;
    Some((h, key))
}

macro_rules! pgp_tests {
    ($(async fn $name:ident($h:ident: Harness, $key:ident: DeskKey) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($h: Harness, $key: DeskKey) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (h, k) = with_key(tocsin_storage::Engine::Sqlite).await.expect("sqlite");
                body(h, k).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some((h, k)) = with_key(tocsin_storage::Engine::Postgres).await {
                    body(h, k).await
                }
            }
        }
    )*};
}

/// The PGP/MIME message (RFC 3156 §4) `from` sends to the incident desk around `armored`.
fn pgp_mime(from: &str, subject: &str, armored: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "From: Reporter <{from}>\r\nTo: report@cert.example.tw\r\nSubject: {subject}\r\n\
         Date: Mon, 07 Dec 2026 10:00:00 +0800\r\nMessage-ID: <{}@example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"xx\"\r\n\r\n\
         --xx\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n\
         --xx\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n",
        uuid::Uuid::now_v7().simple()
    )
    .into_bytes();
    m.extend_from_slice(armored);
    m.extend_from_slice(b"\r\n--xx--\r\n");
    m
}

async fn push(h: &Harness, token: &str, raw: &[u8]) -> serde_json::Value {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/mail/inbound?recipient=report@cert.example.tw")
        .header("content-type", "message/rfc822")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(raw.to_vec()))
        .expect("request");
    let r = h.send(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

/// The armored block of a message (the encrypted part of PGP/MIME).
fn armored_block(message: &[u8]) -> String {
    let text = String::from_utf8_lossy(message);
    let start = text
        .find("-----BEGIN PGP MESSAGE-----")
        .expect("armored message");
    let end = text.find("-----END PGP MESSAGE-----").expect("armor end")
        + "-----END PGP MESSAGE-----".len();
    text[start..end].to_string()
}

pgp_tests! {
    async fn security_txt_follows_rfc_9116_and_gpg_verifies_it(h: Harness, key: DeskKey) {
        let r = h.get("/.well-known/security.txt", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        let url = format!("{URL}/.well-known/security.txt");
        let parsed = security_txt::parse(&r.body, &url, h.state.now())
            .unwrap_or_else(|p| panic!("{p:?}\n{}", r.body));
        assert!(parsed.signed, "{}", r.body);
        let f = &parsed.fields;
        assert_eq!(f.contact, ["mailto:service@example.org.tw"]);
        assert_eq!(f.encryption, [format!("{URL}/pgp-key.asc")]);
        assert_eq!(f.policy, [format!("{URL}/about/rfc2350")]);
        assert_eq!(f.preferred_languages, ["zh-TW", "en"]);
        assert_eq!(f.csaf, [format!("{URL}/.well-known/csaf/provider-metadata.json")], "the desk is a CSAF provider");
        // Expires: a little under half a year ahead by the desk's clock.
        let expires = tocsin_domain::Timestamp::parse_rfc3339(&f.expires).expect("expires");
        let now = h.state.now();
        assert!(expires > now.plus(time::Duration::days(179)) && expires <= now.plus(time::Duration::days(180)), "{}", f.expires);
        // Once it expired, the same file fails the check; served from elsewhere, too.
        let later = expires.plus(time::Duration::seconds(1));
        assert!(matches!(security_txt::parse(&r.body, &url, later).err().as_deref(), Some([security_txt::Problem::Expired(_)])));
        assert!(matches!(security_txt::parse(&r.body, "https://evil.example/.well-known/security.txt", h.state.now()).err().as_deref(), Some([security_txt::Problem::NotCanonical(_)])));
        // Signed by the desk: our check and GnuPG's.
        assert!(key.public().verify_cleartext(&r.body).is_ok());
        let gpg = Gpg::new();
        gpg.ok(&["--import"], key.public().armored().expect("armor").as_bytes());
        let (ok, _, status) = gpg.run(&["--verify"], r.body.as_bytes());
        assert!(ok, "gpg --verify: {status}");
        assert!(status.contains(&format!("[GNUPG:] VALIDSIG {}", key.fingerprint())), "{status}");
    }

    async fn the_key_is_published_and_shown_on_the_front_door(h: Harness, key: DeskKey) {
        let r = h.get("/pgp-key.asc", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), Some("application/pgp-keys"));
        assert_eq!(PublicCert::parse(r.body.as_bytes()).expect("key").fingerprint(), key.fingerprint());
        // WKD, the direct method: the address's hash (gpg's, see tocsin-pgp's tests).
        let w = h.get(&format!("/.well-known/openpgpkey/hu/{}?l=desk", wkd_hash("desk")), &[]).await;
        assert_eq!(w.status, StatusCode::OK);
        assert_eq!(w.header("content-type"), Some("application/octet-stream"));
        assert_eq!(h.get(&format!("/.well-known/openpgpkey/hu/{}", wkd_hash("other")), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get("/.well-known/openpgpkey/policy", &[]).await.status, StatusCode::OK);
        let home = h.get("/", &[("accept-language", "en")]).await;
        assert!(home.body.contains(&key.fingerprint()), "fingerprint on the front door");
        assert!(home.body.contains("href=\"/.well-known/security.txt\""));
        assert!(home.body.contains("href=\"/about/rfc2350\""));
        let about = h.get("/about/rfc2350", &[("accept-language", "en")]).await;
        assert_eq!(about.status, StatusCode::OK);
        assert!(about.body.contains("Mission statement") && about.body.contains(&key.fingerprint()));
        let zh = h.get("/about/rfc2350", &[]).await;
        assert!(zh.body.contains("服務對象"), "zh-TW first");
    }

    async fn encrypted_mail_becomes_a_readable_report_and_the_answer_goes_encrypted(h: Harness, key: DeskKey) {
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let gpg = Gpg::new();
        gpg.ok(&["--quick-generate-key", "Reporter <reporter@example.org>", "future-default", "default", "never"], b"");
        gpg.ok(&["--import"], key.public().armored().expect("armor").as_bytes());
        // The reporter has an account and puts their key on its page.
        h.user("reporter@example.org", &[Role::Member]).await;
        let cookie = h.login("reporter@example.org").await;
        let exported = String::from_utf8(gpg.ok(&["--armor", "--export", "reporter@example.org"], b"")).expect("armor");
        let fpr = PublicCert::parse(exported.as_bytes()).expect("key").fingerprint();
        let wrong = h.form("/account/pgp-key", "pgp_key=not+a+key", Some(&cookie)).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = format!("pgp_key={}", urlencode(&exported));
        let up = h.form("/account/pgp-key", &body, Some(&cookie)).await;
        assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
        let page = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(page.body.contains(&fpr), "fingerprint on the account page");

        // PGP/MIME, encrypted and signed by GnuPG.
        let inner = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n我們的網站首頁遭到置換。Our home page was defaced.\r\n";
        let cipher = gpg.ok(&["--armor", "--encrypt", "--sign", "--local-user", "reporter@example.org", "--recipient", "desk@cert.example.tw"], inner.as_bytes());
        let raw = pgp_mime("reporter@example.org", "Defacement", &cipher);
        let j = push(&h, &gate, &raw).await;
        assert_eq!(j["status"], "created", "{j}");
        let tracking = j["target"].as_str().expect("tracking").to_string();
        let report = h.state.store.report_by_tracking(&tracking).await.expect("query").expect("report");
        assert!(report.details.contains("Our home page was defaced"), "readable: {}", report.details);
        assert!(report.details.contains("首頁遭到置換"));
        // The evidence is the ciphertext as it came.
        let id = j["id"].as_str().expect("id");
        let eml = h.get(&format!("/api/v1/mail/inbound/{id}/eml"), &[("authorization", &format!("Bearer {gate}"))]).await;
        assert_eq!(eml.body.as_bytes(), raw.as_slice());
        assert!(!eml.body.contains("defaced"));
        // The desk's page says how it came.
        h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let desk = h.login("analyst@cert.example.tw").await;
        let p = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &desk), ("accept-language", "en")]).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("Received encrypted and signed (OpenPGP)"), "{}", p.body);
        assert!(p.body.contains(&fpr));

        // The acknowledgment went PGP/MIME to the reporter's key; GnuPG opens it and
        // verifies the desk's signature.
        let acks = h.outbox_to("reporter@example.org").await;
        assert_eq!(acks.len(), 1);
        let msg = String::from_utf8_lossy(&acks[0].message).into_owned();
        assert!(msg.contains("multipart/encrypted") && msg.contains("application/pgp-encrypted"), "{msg}");
        let (ok, plain, status) = gpg.run(&["--decrypt"], armored_block(&acks[0].message).as_bytes());
        assert!(ok, "gpg --decrypt: {status}");
        assert!(status.contains(&format!("[GNUPG:] VALIDSIG {}", key.fingerprint())), "{status}");
        assert!(String::from_utf8_lossy(&plain).starts_with("Content-Type: text/plain"));

        // Inline PGP from someone without an account: read, and unsigned as far as we know.
        let text = "Phishing kit found at https://bad.example.net/kit.zip\n";
        let (ok, cipher, err) = gpg.run(&["--armor", "--encrypt", "--recipient", "desk@cert.example.tw"], text.as_bytes());
        assert!(ok, "{err}");
        let raw = format!(
            "From: other@example.net\r\nTo: report@cert.example.tw\r\nSubject: kit\r\nMessage-ID: <inline@example.net>\r\n\
             Content-Type: text/plain; charset=us-ascii\r\n\r\nHello,\r\n\r\n{}\r\n",
            String::from_utf8_lossy(&cipher).replace('\n', "\r\n")
        );
        let j = push(&h, &gate, raw.as_bytes()).await;
        let report = h.state.store.report_by_tracking(j["target"].as_str().expect("t")).await.expect("q").expect("report");
        assert!(report.details.contains("bad.example.net/kit.zip"), "{}", report.details);
        // A mail to a recipient without a key is signed (multipart/signed) all the same.
        let ack = h.outbox_to("other@example.net").await;
        let ack = String::from_utf8_lossy(&ack[0].message).into_owned();
        assert!(ack.contains("multipart/signed") && ack.contains("application/pgp-signature"), "{ack}");
    }
}

/// `application/x-www-form-urlencoded` value encoding.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

crate::both_engines! {
    async fn without_a_key_security_txt_is_unsigned_and_valid(h: Harness) {
        // The harness's public URL is plain http: Canonical and Policy then are too, which
        // RFC 9116 refuses; the check says so rather than passing it.
        let r = h.get("/.well-known/security.txt", &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("BEGIN PGP"));
        assert!(!r.body.contains("Encryption:"));
        let url = format!("{}/.well-known/security.txt", h.state.config.public_url);
        let problems = security_txt::parse(&r.body, &url, h.state.now()).expect_err("http");
        assert!(problems.iter().all(|p| matches!(p, security_txt::Problem::NotHttps { .. })), "{problems:?}");
        assert_eq!(h.get("/pgp-key.asc", &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get(&format!("/.well-known/openpgpkey/hu/{}", wkd_hash("desk")), &[]).await.status, StatusCode::NOT_FOUND);
    }
}

pgp_tests! {
    async fn a_txt_form_encrypted_to_the_desk_is_read_and_its_ciphertext_kept(h: Harness, key: DeskKey) {
        use crate::vuln_pages::{Part, post_multipart, seed, text_of};
        let gpg = Gpg::new();
        gpg.ok(&["--import"], key.public().armored().expect("armor").as_bytes());
        let plain = seed(false);
        let cipher = gpg.ok(&["--armor", "--encrypt", "--recipient", "desk@cert.example.tw"], &plain);
        assert!(!String::from_utf8_lossy(&cipher).contains("IP CAM"));
        let r = post_multipart(&h, "/report/vulnerability", &[
            Part::Text("reporter_name", ""),
            Part::File("txt", "report.txt.asc", "application/pgp-encrypted", &cipher),
        ]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let tracking = text_of(&r.body, "tracking-id");
        assert!(r.body.contains("IP CAM") && r.body.contains("techOh Inc."), "read from the decrypted TXT: {}", r.body);
        // The decrypted form and the ciphertext as sent are both on the case.
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        let files = h.state.store.list_attachments(report.id).await.expect("files");
        let names: Vec<&str> = files.iter().map(|f| f.filename.as_str()).collect();
        assert_eq!(names, ["vulnerability-report.txt", "vulnerability-report.txt.asc"], "{names:?}");
        use sha2::Digest as _;
        assert_eq!(files[1].sha256, hex::encode(sha2::Sha256::digest(&cipher)), "the ciphertext as it came");
        assert_eq!(files[0].sha256, hex::encode(sha2::Sha256::digest(&plain)));
        // The desk's page says how it came.
        h.user("coordinator@cert.example.tw", &[Role::Coordinator]).await;
        let desk = h.login("coordinator@cert.example.tw").await;
        let p = h.get(&format!("/desk/vulnerabilities/{tracking}"), &[("cookie", &desk), ("accept-language", "en")]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("Received encrypted (OpenPGP)"), "{}", p.body);

        // A message encrypted to another key is refused on the TXT field; nothing is stored.
        gpg.ok(&["--quick-generate-key", "Someone <someone@example.org>", "future-default", "default", "never"], b"");
        let elsewhere = gpg.ok(&["--armor", "--encrypt", "--recipient", "someone@example.org"], &plain);
        let before = h.state.store.count_reports_by_state(tocsin_domain::ReportKind::Vulnerability).await.expect("count");
        let r = post_multipart(&h, "/report/vulnerability", &[
            Part::Text("reporter_name", ""),
            Part::File("txt", "report.txt.asc", "application/pgp-encrypted", &elsewhere),
        ]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f-txt-error\"") && r.body.contains("無法解開此加密的 OpenPGP 訊息"), "{}", r.body);
        let after = h.state.store.count_reports_by_state(tocsin_domain::ReportKind::Vulnerability).await.expect("count");
        assert_eq!(before, after);
    }
}

crate::both_engines! {
    async fn an_encrypted_txt_without_a_desk_key_is_refused_on_its_field(h: Harness) {
        use crate::vuln_pages::{Part, post_multipart};
        let armored = "-----BEGIN PGP MESSAGE-----\n\nhF4DAAAAAAAAAAASAQdA\n=AAAA\n-----END PGP MESSAGE-----\n";
        let r = post_multipart(&h, "/report/vulnerability", &[
            Part::Text("reporter_name", ""),
            Part::File("txt", "report.txt.asc", "text/plain", armored.as_bytes()),
        ]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f-txt-error\"") && r.body.contains("未設定可解密的金鑰"), "{}", r.body);
    }
}

pgp_tests! {
    async fn signed_mail_is_verified_against_the_senders_key(h: Harness, key: DeskKey) {
        let _ = key;
        let (_, gate) = h.user("mailgate@cert.example.tw", &[Role::Analyst]).await;
        let gpg = Gpg::new();
        gpg.ok(&["--quick-generate-key", "Reporter <reporter@example.org>", "future-default", "default", "never"], b"");
        h.user("reporter@example.org", &[Role::Member]).await;
        let cookie = h.login("reporter@example.org").await;
        let exported = String::from_utf8(gpg.ok(&["--armor", "--export", "reporter@example.org"], b"")).expect("armor");
        let fpr = PublicCert::parse(exported.as_bytes()).expect("key").fingerprint();
        let up = h.form("/account/pgp-key", &format!("pgp_key={}", urlencode(&exported)), Some(&cookie)).await;
        assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
        h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let desk = h.login("analyst@cert.example.tw").await;
        let history = |tracking: String| {
            let h = &h;
            let desk = desk.clone();
            async move {
                let p = h.get(&format!("/desk/reports/{tracking}"), &[("cookie", &desk), ("accept-language", "en")]).await;
                assert_eq!(p.status, StatusCode::OK);
                p.body
            }
        };

        // PGP/MIME multipart/signed (RFC 3156 §5), signed by GnuPG over the entity as sent.
        let entity = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n我們的網站首頁遭到置換。Our home page was defaced.";
        let signature = String::from_utf8(gpg.ok(&["--armor", "--detach-sign", "--local-user", "reporter@example.org"], entity.as_bytes())).expect("armor");
        let signed = |entity: &str| {
            format!(
                "From: Reporter <reporter@example.org>\r\nTo: report@cert.example.tw\r\nSubject: Defacement\r\n\
                 Date: Mon, 07 Dec 2026 10:00:00 +0800\r\nMessage-ID: <{}@example.org>\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"sig\"\r\n\r\n\
                 --sig\r\n{entity}\r\n--sig\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n{signature}\r\n--sig--\r\n",
                uuid::Uuid::now_v7().simple()
            )
        };
        let j = push(&h, &gate, signed(entity).as_bytes()).await;
        assert_eq!(j["status"], "created", "{j}");
        let page = history(j["target"].as_str().expect("tracking").to_string()).await;
        assert!(page.contains("Received signed (OpenPGP), signature verified") && page.contains(&fpr), "{page}");
        // One changed word and the signature no longer holds.
        let j = push(&h, &gate, signed(&entity.replace("defaced", "hacked")).as_bytes()).await;
        let page = history(j["target"].as_str().expect("tracking").to_string()).await;
        assert!(page.contains("the signature did not verify"), "{page}");
        assert!(!page.contains(&fpr), "{page}");

        // A clear-signed text in a plain message.
        let clear = String::from_utf8(gpg.ok(&["--clearsign", "--local-user", "reporter@example.org"], "Phishing kit at http://198.51.100.9/login\n".as_bytes())).expect("armor");
        let raw = format!(
            "From: Reporter <reporter@example.org>\r\nTo: report@cert.example.tw\r\nSubject: Kit\r\n\
             Date: Mon, 07 Dec 2026 10:00:00 +0800\r\nMessage-ID: <{}@example.org>\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{}",
            uuid::Uuid::now_v7().simple(),
            clear.replace('\n', "\r\n")
        );
        let j = push(&h, &gate, raw.as_bytes()).await;
        let page = history(j["target"].as_str().expect("tracking").to_string()).await;
        assert!(page.contains("Received signed (OpenPGP), signature verified") && page.contains(&fpr), "{page}");
    }
}

pgp_tests! {
    async fn an_incident_description_encrypted_to_the_desk_is_read(h: Harness, key: DeskKey) {
        let gpg = Gpg::new();
        gpg.ok(&["--import"], key.public().armored().expect("armor").as_bytes());
        let secret = "我們的網站首頁遭到置換，後台帳號 admin 遭盜用。";
        let cipher = String::from_utf8(gpg.ok(&["--armor", "--encrypt", "--recipient", "desk@cert.example.tw"], secret.as_bytes())).expect("armor");
        let body = serde_json::json!({
            "reporter_name": "王小明", "email": "wang@victim-corp.example.tw",
            "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
            "incident_type": "web_attack", "description": cipher, "needs_support": false,
        });
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, body.clone(), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
        let report = h.state.store.report_by_tracking(&tracking).await.expect("q").expect("report");
        assert!(report.details.contains("後台帳號 admin 遭盜用"), "{}", report.details);
        let files = h.state.store.list_attachments(report.id).await.expect("files");
        assert_eq!(files.iter().map(|f| f.filename.as_str()).collect::<Vec<_>>(), ["description.asc"]);
        let events = h.state.store.list_events(report.id, tocsin_domain::policy::Thread::All).await.expect("events");
        assert!(events.iter().any(|e| e.event == "pgp_received"), "{events:?}");
        // Encrypted to someone else: refused on the field, nothing stored.
        gpg.ok(&["--quick-generate-key", "Someone <someone@example.org>", "future-default", "default", "never"], b"");
        let elsewhere = String::from_utf8(gpg.ok(&["--armor", "--encrypt", "--recipient", "someone@example.org"], secret.as_bytes())).expect("armor");
        let mut other = body;
        other["description"] = serde_json::Value::String(elsewhere);
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, other, &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("description"), "{}", r.body);
        assert_eq!(h.state.store.count_reports_by_state(tocsin_domain::ReportKind::Incident).await.expect("count").iter().map(|(_, n)| n).sum::<i64>(), 1);
    }
}

/// `[pgp] require_encryption`: TLP:AMBER intel goes encrypted to a recipient with a key
/// (GnuPG opens it and finds the record) and as the notice with its link alone to one
/// without; TLP:GREEN goes whole to both.
async fn required_encryption(engine: tocsin_storage::Engine) {
    let (key, file) = desk_key_file();
    let Some(h) = Harness::with_config(engine, |c| {
        c.public_url = URL.into();
        c.pgp.secret_key_file = file.display().to_string();
        c.pgp.require_encryption = true;
    })
    .await
    else {
        return;
    };
    let gpg = Gpg::new();
    gpg.ok(
        &["--import"],
        key.public().armored().expect("armor").as_bytes(),
    );
    gpg.ok(
        &[
            "--quick-generate-key",
            "SOC <soc@bank.example.tw>",
            "future-default",
            "default",
            "never",
        ],
        b"",
    );
    let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
    h.user("soc@bank.example.tw", &[Role::Member]).await;
    h.user("it@shop.example.tw", &[Role::Member]).await;
    let cookie = h.login("soc@bank.example.tw").await;
    let exported = String::from_utf8(gpg.ok(&["--armor", "--export", "soc@bank.example.tw"], b""))
        .expect("armor");
    let up = h
        .form(
            "/account/pgp-key",
            &format!("pgp_key={}", urlencode(&exported)),
            Some(&cookie),
        )
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let org_of = |email: &'static str| {
        let h = &h;
        async move {
            h.state
                .store
                .find_user_by_email(email)
                .await
                .expect("q")
                .expect("user")
                .org_id
                .0
                .expect("org")
        }
    };
    let (bank, shop) = (
        org_of("soc@bank.example.tw").await,
        org_of("it@shop.example.tw").await,
    );
    for (subject, tlp) in [("琥珀", "amber"), ("綠色", "green")] {
        let id =
            crate::intel_api::create(&h, &analyst, crate::intel_api::record(subject, tlp)).await;
        let share = h
            .json(
                Method::POST,
                &format!("/api/v1/intel/{id}/share"),
                Some(&analyst),
                serde_json::json!({ "orgs": [bank, shop] }),
                &[],
            )
            .await;
        assert_eq!(share.status, StatusCode::OK, "{}", share.body);
        let keyless: Vec<String> = h
            .outbox_to("it@shop.example.tw")
            .await
            .into_iter()
            .filter(|m| m.subject.contains(subject))
            .map(|m| String::from_utf8_lossy(&m.message).into_owned())
            .collect();
        assert_eq!(keyless.len(), 1, "{subject}");
        let keyless = &keyless[0];
        let keyed: Vec<String> = h
            .outbox_to("soc@bank.example.tw")
            .await
            .into_iter()
            .filter(|m| m.subject.contains(subject))
            .map(|m| String::from_utf8_lossy(&m.message).into_owned())
            .collect();
        assert_eq!(keyed.len(), 1, "{subject}");
        let keyed = &keyed[0];
        // The keyed recipient's copy is PGP/MIME that only the key opens, record attached.
        assert!(
            keyed.contains("multipart/encrypted") && !keyed.contains("198.51.100.7"),
            "{keyed}"
        );
        let armored = armored_block(keyed.as_bytes());
        let opened =
            String::from_utf8_lossy(&gpg.ok(&["--decrypt"], armored.as_bytes())).into_owned();
        assert!(
            opened.contains("intel-D-"),
            "the record is attached: {opened}"
        );
        if tlp == "amber" {
            // Without a key: the notice and the link, not the record.
            assert!(
                !keyless.contains("intel-D-") && !keyless.contains("multipart/mixed"),
                "{keyless}"
            );
            let body = signed_text(keyless);
            assert!(
                body.contains(&format!("/intel/{id}")) && body.contains("僅以加密方式寄送"),
                "{body}"
            );
        } else {
            assert!(keyless.contains("intel-D-"), "GREEN goes whole: {keyless}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_encryption_withholds_amber_from_a_keyless_recipient_sqlite() {
    required_encryption(tocsin_storage::Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_encryption_withholds_amber_from_a_keyless_recipient_postgres() {
    required_encryption(tocsin_storage::Engine::Postgres).await
}

/// The text part of a desk-signed mail (multipart/signed, the text in base64).
fn signed_text(message: &str) -> String {
    use base64::Engine as _;
    let marker = "Content-Transfer-Encoding: base64\r\n\r\n";
    let start = message.find(marker).expect("a base64 part") + marker.len();
    let end = start + message[start..].find("\r\n--").expect("part end");
    let b64: String = message[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64");
    String::from_utf8_lossy(&bytes).into_owned()
}

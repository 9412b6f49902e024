//! `tocsin mailgate` as Postfix runs it: the real binary reading a message on standard
//! input, against a real server; exit codes the MTA understands, and a message that
//! arrives exactly once after the MTA retried it through an outage.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{BIN, ENGINES, Server, TempDir, admin, db, http};

/// Runs the mailgate with `raw` on stdin; returns (exit code, stderr).
fn gate(url: &str, token: &str, raw: &[u8], extra: &[&str]) -> (i32, String) {
    let mut child = Command::new(BIN)
        .args(["mailgate", "--url", url])
        .args(extra)
        .env("TOCSIN_MAILGATE_TOKEN", token)
        .env_remove("TOCSIN_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(raw)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

const MAIL: &[u8] = include_bytes!("../../../tocsin-formats/tests/data/mail/big5-body.eml");

#[test]
fn the_mta_retries_through_an_outage_and_the_message_arrives_once() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let token = admin(&db, "gate@cert.tw");
        let data = TempDir::new();
        let config = data.0.join("tocsin.toml");
        std::fs::write(
            &config,
            "[intake]\nroutes = { \"report@cert.example.tw\" = \"incident\" }\n",
        )
        .expect("config");
        let config = config.display().to_string();
        // Nothing listens: try again later.
        let down = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let a = l.local_addr().expect("addr");
            drop(l);
            format!("http://{a}")
        };
        let (code, err) = gate(&down, &token, MAIL, &["--sender", "it@hospital.example.tw"]);
        assert_eq!(code, 75, "{err}");
        // The server is back; the MTA's retry is stored.
        let s = Server::start(
            &db.url,
            &data.0,
            &[("TOCSIN_CONFIG", &config), ("TOCSIN_MAIL_WORKER", "off")],
        );
        let url = format!("http://{}", s.addr);
        let (code, err) = gate(&url, &token, MAIL, &["--sender", "it@hospital.example.tw"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("created incident INC-"), "{err}");
        // A second retry (say the MTA never saw the answer) is the same message.
        let (code, err) = gate(&url, &token, MAIL, &[]);
        assert_eq!(code, 0, "{err}");
        let auth = format!("Bearer {token}");
        let (status, body) = http(
            &s.addr,
            "GET",
            "/api/v1/mail/inbound",
            &[("Authorization", &auth)],
            "",
        )
        .expect("list");
        assert_eq!(status, 200, "{body}");
        let list: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{body}");
        let (status, body) = http(
            &s.addr,
            "GET",
            "/api/v1/reports",
            &[("Authorization", &auth)],
            "",
        )
        .expect("reports");
        assert_eq!(status, 200);
        assert_eq!(body.matches("INC-").count(), 1, "one report: {body}");
        // Refusals are permanent, with the reason; a wrong token is the gate's fault.
        let (code, err) = gate(&url, &token, b"this is no message", &[]);
        assert_eq!(code, 65, "{err}");
        assert!(err.contains("not an e-mail message"), "{err}");
        let (code, err) = gate(&url, &token, MAIL, &["--max-bytes", "100"]);
        assert_eq!(code, 65, "{err}");
        let (code, err) = gate(&url, "tocsin_wrong", MAIL, &[]);
        assert_eq!(code, 69, "{err}");
        let (code, err) = gate("https://example.org", &token, MAIL, &[]);
        assert_eq!(code, 69, "{err}");
    }
}

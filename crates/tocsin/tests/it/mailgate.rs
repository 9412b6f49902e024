//! `tocsin mailgate` as Postfix runs it: the real binary reading a message on standard
//! input, against a real server; exit codes the MTA understands (only a message refused
//! for what it is bounces; a misconfigured gate keeps mail queued), the token from a file
//! only its owner reads, the server's size limit, and a message that arrives exactly once
//! after the MTA retried it through an outage.

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
    // The gate may answer before reading the message (a wrong token): a closed pipe is
    // its answer, not an error.
    let _ = child.stdin.take().expect("stdin").write_all(raw);
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
            "[intake]\nmax_bytes = 100000\nroutes = { \"report@cert.example.tw\" = \"incident\" }\n",
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
        // Refusals are permanent, with the reason for the sender.
        let (code, err) = gate(&url, &token, b"this is no message", &[]);
        assert_eq!(code, 65, "{err}");
        assert!(err.contains("not an e-mail message"), "{err}");
        // The size limit is the server's `intake.max_bytes`, not the gate's own.
        let mut big = MAIL.to_vec();
        big.extend(std::iter::repeat_n(b'x', 100_000));
        let (code, err) = gate(&url, &token, &big, &[]);
        assert_eq!(code, 65, "{err}");
        assert!(err.contains("larger than 100000 bytes"), "{err}");
        // A misconfigured gate keeps the mail queued (75), never bounces it.
        let (code, err) = gate(&url, "tocsin_wrong", MAIL, &[]);
        assert_eq!(code, 75, "{err}");
        assert!(err.contains("check --url and the token"), "{err}");
        let (code, err) = gate("https://example.org", &token, MAIL, &[]);
        assert_eq!(code, 75, "{err}");
        let (code, err) = gate(&format!("{url}/nowhere"), &token, MAIL, &[]);
        assert_eq!(code, 75, "{err}");
        let (code, err) = gate(&url, "", MAIL, &[]);
        assert_eq!(code, 75, "{err}");
        // The token from a file: refused while others can read it, taken once it is 0600.
        let file = data.0.join("mailgate.token");
        std::fs::write(&file, format!("{token}\n")).expect("token file");
        let file_arg = file.display().to_string();
        let mut subject_changed = MAIL.to_vec();
        subject_changed.splice(0..0, b"X-Test: token file\r\n".iter().copied());
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            let (code, err) = gate(&url, "", &subject_changed, &["--token-file", &file_arg]);
            assert_eq!(code, 75, "{err}");
            assert!(err.contains("readable by others"), "{err}");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        let (code, err) = gate(&url, "", &subject_changed, &["--token-file", &file_arg]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("created incident INC-"), "{err}");
        let (code, err) = gate(&url, "", MAIL, &["--token-file", "/nonexistent/token"]);
        assert_eq!(code, 75, "{err}");
        // A mistyped pipe command keeps the mail queued too.
        let (code, err) = gate(
            &url,
            &token,
            MAIL,
            &["--recipeint", "report@cert.example.tw"],
        );
        assert_eq!(code, 75, "{err}");
        assert!(err.contains("--recipeint"), "{err}");
    }
}

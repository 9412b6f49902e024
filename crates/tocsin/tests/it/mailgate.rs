//! `tocsin mailgate` as Postfix runs it: the real binary reading a message on standard
//! input, against a real server; exit codes the MTA understands (only a message refused
//! for what it is bounces; a misconfigured gate keeps mail queued), the token from a file
//! only its owner reads, the server's size limit, and a message that arrives exactly once
//! after the MTA retried it through an outage; a foreign team's reply to a forward comes
//! in through the gate and threads to the case with the team's ticket number.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{BIN, ENGINES, Server, TempDir, admin, db, http, rt};

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

/// A directory in the shape of FIRST's teams API (the server tests' fixture).
const TEAMS: &str = include_str!("../../../tocsin-formats/tests/data/teams/first-teams.json");

#[test]
fn a_teams_reply_through_the_mailgate_threads_to_the_forwarded_case() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let token = admin(&db, "desk@cert.tw");
        let auth = format!("Bearer {token}");
        let data = TempDir::new();
        let config = data.0.join("tocsin.toml");
        std::fs::write(
            &config,
            "[intake]\nroutes = { \"report@cert.example.tw\" = \"incident\" }\n",
        )
        .expect("config");
        let config = config.display().to_string();
        let s = Server::start(
            &db.url,
            &data.0,
            &[("TOCSIN_CONFIG", &config), ("TOCSIN_MAIL_WORKER", "off")],
        );
        let url = format!("http://{}", s.addr);
        let json = |method: &str, path: &str, body: &str| {
            let (status, body) = http(
                &s.addr,
                method,
                path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                body,
            )
            .expect(path);
            let value = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
            (status, value, body)
        };
        let (status, _, body) = json("POST", "/api/v1/teams/import", TEAMS);
        assert_eq!(status, 200, "{body}");
        let (_, teams, body) = json("GET", "/api/v1/teams", "");
        let jp = teams
            .as_array()
            .and_then(|t| t.iter().find(|t| t["name"] == "JPCERT/CC"))
            .unwrap_or_else(|| panic!("JPCERT/CC in {body}"));
        let (jp_id, jp_mail) = (
            jp["id"].as_str().expect("id").to_string(),
            jp["email"].as_str().expect("email").to_string(),
        );
        let incident = serde_json::json!({
            "reporter_name": "王小明", "email": "wang@victim-corp.example.tw",
            "discovered_at": "2026-11-01T09:15", "time_zone": "Asia/Taipei",
            "incident_type": "web_attack", "description": "Our site redirects to a kit hosted in Japan",
            "needs_support": false,
        });
        let (status, filed, body) = json("POST", "/api/v1/reports/incident", &incident.to_string());
        assert_eq!(status, 201, "{body}");
        let tracking = filed["tracking_id"].as_str().expect("tracking").to_string();
        let forwards = format!("/api/v1/reports/{tracking}/forwards");
        let ask = serde_json::json!({ "team_ids": [jp_id], "tlp": "green" });
        let (status, _, body) = json("POST", &forwards, &ask.to_string());
        assert_eq!(status, 201, "{body}");
        let outbox = rt().block_on(db.store.list_outbox(100)).expect("outbox");
        let ours = outbox
            .iter()
            .find(|m| m.recipients.contains(&jp_mail))
            .expect("the forward in the outbox")
            .message_id
            .trim_matches(['<', '>'])
            .to_string();

        // JPCERT answers from its ticket system, through the MTA's pipe.
        let reply = format!(
            "From: JPCERT/CC <{jp_mail}>\r\nTo: report@cert.example.tw\r\n\
             Subject: Re: [JPCERT#12345] {tracking}\r\nMessage-ID: <t12345-1@jpcert.example>\r\n\
             In-Reply-To: <{ours}>\r\nReferences: <{ours}>\r\nDate: Tue, 01 Dec 2026 09:30:00 +0900\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             We opened a ticket and contacted the hosting provider.\r\n"
        );
        let envelope = [
            "--sender",
            &jp_mail,
            "--recipient",
            "report@cert.example.tw",
        ];
        let (code, err) = gate(&url, &token, reply.as_bytes(), &envelope);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("appended") && err.contains(&tracking), "{err}");
        let (status, threads, body) = json("GET", &forwards, "");
        assert_eq!(status, 200, "{body}");
        let thread = &threads[0];
        assert_eq!(
            (thread["their_ticket"].as_str(), thread["state"].as_str()),
            (Some("JPCERT#12345"), Some("acknowledged")),
            "{body}"
        );
        // The MTA's retry of the same reply is the same message: the thread holds one.
        let (code, err) = gate(&url, &token, reply.as_bytes(), &envelope);
        assert_eq!(code, 0, "{err}");
        let report = rt()
            .block_on(db.store.report_by_tracking(&tracking))
            .expect("q")
            .expect("report");
        let events = rt()
            .block_on(
                db.store
                    .list_events(report.id, tocsin_domain::policy::Thread::All),
            )
            .expect("events");
        let replies = events.iter().filter(|e| e.event == "team_reply").count();
        assert_eq!(replies, 1, "{events:?}");
    }
}

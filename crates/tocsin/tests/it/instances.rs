use std::time::{Duration, Instant};

use crate::{ENGINES, Server, TempDir, admin, db, http, rt};

/// Mail queued by a request is durable before the 201: SIGKILL right after it loses
/// nothing, and a restarted instance delivers it.
#[test]
fn sigkill_after_queueing_loses_no_mail() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let token = admin(&db, "admin@cert.tw");
        let data = TempDir::new();
        // This instance runs no mail worker, so the message can only be delivered later.
        let a = Server::start(&db.url, &data.0, &[("TOCSIN_MAIL_WORKER", "off")]);
        let body = r#"{"email":"new.user@example.tw","name":"New","roles":["member"]}"#;
        let auth = format!("Bearer {token}");
        let (status, resp) = http(
            &a.addr,
            "POST",
            "/api/v1/users",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        )
        .expect("post");
        assert_eq!(status, 201, "{resp}");
        a.kill9();

        let outbox = data.0.join("outbox");
        assert!(
            !outbox.exists() || std::fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0) == 0,
            "nothing delivered before the restart"
        );
        let _b = Server::start(&db.url, &data.0, &[]);
        let deadline = Instant::now() + Duration::from_secs(30);
        let delivered = loop {
            let files: Vec<_> = std::fs::read_dir(&outbox)
                .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
                .unwrap_or_default();
            let emls: Vec<_> = files
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .collect();
            if !emls.is_empty() || Instant::now() > deadline {
                break emls;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        assert_eq!(
            delivered.len(),
            1,
            "{engine:?}: exactly one message delivered after restart"
        );
        let text = std::fs::read_to_string(&delivered[0]).expect("read eml");
        assert!(text.contains("new.user@example.tw"), "{text}");
        let rows = rt().block_on(db.store.list_outbox(10)).expect("outbox");
        assert_eq!(rows.len(), 1);
        let deadline = Instant::now() + Duration::from_secs(10);
        while rt().block_on(db.store.outbox_depth()).expect("depth") != 0
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            rt().block_on(db.store.outbox_depth()).expect("depth"),
            0,
            "marked sent"
        );
    }
}

/// An instance killed while it held a message's lease: restarted under the same
/// `mail.instance_id`, it releases that lease and delivers at once, not after 5 minutes,
/// into a file named by the Message-ID.
#[test]
fn a_restarted_instance_resends_what_it_held_at_once() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let data = TempDir::new();
        let mail = tocsin_storage::NewMail {
            message_id: "0190-restart@cert.example".into(),
            sender: "noreply@cert.example".into(),
            recipients: vec!["reporter@example.org".into()],
            subject: "restart".into(),
            message: b"Message-ID: <0190-restart@cert.example>\r\nSubject: restart\r\n\r\nx\r\n"
                .to_vec(),
        };
        let id = rt()
            .block_on(db.store.enqueue_mail(&mail))
            .expect("enqueue");
        // What the dead process left: a claim with most of its lease still to run.
        let now = db.store.now();
        let claimed = rt()
            .block_on(
                db.store
                    .claim_mail("instance-a", now, now.plus(time::Duration::minutes(5))),
            )
            .expect("claim")
            .expect("due");
        assert_eq!(claimed.id, id);

        let _a = Server::start(
            &db.url,
            &data.0,
            &[("TOCSIN_MAIL_INSTANCE_ID", "instance-a")],
        );
        let file = data.0.join("outbox").join("0190-restart@cert.example.eml");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !file.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(200));
        }
        assert_eq!(
            std::fs::read(&file).expect("delivered well before the lease ends"),
            mail.message,
            "{engine:?}"
        );
    }
}

/// Two instances on one database: a session made on one is valid on the other, and a
/// sign-out on one ends it on both.
#[test]
fn instances_side_by_side() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        admin(&db, "admin@cert.tw");
        let a_dir = TempDir::new();
        let b_dir = TempDir::new();
        let a = Server::start(&db.url, &a_dir.0, &[]);
        let b = Server::start(&db.url, &b_dir.0, &[]);
        let mut s = std::net::TcpStream::connect(&a.addr).expect("connect");
        use std::io::{Read, Write};
        let body = "email=admin%40cert.tw&password=password-123456";
        let req = format!(
            "POST /login HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            a.addr,
            body.len()
        );
        s.write_all(req.as_bytes()).expect("write");
        let mut raw = String::new();
        s.read_to_string(&mut raw).expect("read");
        let cookie = raw
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: tocsin_session="))
            .and_then(|v| v.split(';').next())
            .map(|v| format!("tocsin_session={v}"))
            .unwrap_or_else(|| panic!("{engine:?}: no session cookie in {raw}"));
        let (status, me) =
            http(&b.addr, "GET", "/api/v1/me", &[("Cookie", &cookie)], "").expect("me");
        assert_eq!(
            status, 200,
            "{engine:?}: the other instance knows the session: {me}"
        );
        let (status, _) = http(
            &b.addr,
            "POST",
            "/logout",
            &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")],
            "",
        )
        .expect("logout");
        assert_eq!(status, 303);
        let (status, _) =
            http(&a.addr, "GET", "/api/v1/me", &[("Cookie", &cookie)], "").expect("me");
        assert_eq!(status, 401, "{engine:?}: signed out everywhere");
    }
}

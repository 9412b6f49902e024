use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::{ENGINES, Server, TempDir, db, rt};

/// Subscribers of the test: more than one minute's rate, so the send spans two minutes.
const SUBSCRIBERS: usize = 30;
/// The configured rate: the first instance queues this many, then is killed.
const RATE: i64 = 20;

/// A newsletter send interrupted by SIGKILL half-way and resumed by a restarted instance
/// mails every subscriber exactly once: each copy's delivery row and outbox row are one
/// transaction, and the restarted worker only queues for subscribers without a delivery.
#[test]
fn a_send_killed_half_way_resumes_without_mailing_anyone_twice() {
    for engine in ENGINES {
        let Some(db) = db(engine) else { continue };
        let data = TempDir::new();
        let config = data.0.join("tocsin.toml");
        std::fs::write(
            &config,
            format!("[newsletter]\nrate_per_minute = {RATE}\n\n[mail]\nfrom = \"cert@cert.example.tw\"\n"),
        )
        .expect("config");
        let emails: Vec<String> = (0..SUBSCRIBERS)
            .map(|i| format!("reader{i:02}@example.tw"))
            .collect();
        rt().block_on(async {
            let mut tx = db.store.begin().await.expect("begin");
            let expires = db.store.now().plus(time::Duration::hours(1));
            for (i, email) in emails.iter().enumerate() {
                let confirm = [u8::try_from(i).expect("small"); 32];
                let unsubscribe = [200u8.wrapping_add(u8::try_from(i).expect("small")); 32];
                tx.put_pending_subscriber(email, "zh-TW", &confirm, expires, &unsubscribe)
                    .await
                    .expect("subscriber");
                tx.confirm_subscriber(&confirm)
                    .await
                    .expect("confirm")
                    .expect("confirmed");
            }
            let issue = tx.create_issue("2026-11").await.expect("issue");
            assert!(tx.start_sending_issue(issue.id).await.expect("start"));
            tx.commit().await.expect("commit");
        });
        let deliveries = || {
            rt().block_on(db.store_i64("SELECT COUNT(*) FROM newsletter_deliveries"))
                .expect("count")
        };
        let config_env = config.to_string_lossy().to_string();
        let a = Server::start(&db.url, &data.0, &[("TOCSIN_CONFIG", &config_env)]);
        let deadline = Instant::now() + Duration::from_secs(30);
        while deliveries() < RATE && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        a.kill9();
        assert_eq!(
            deliveries(),
            RATE,
            "{engine:?}: one minute's rate, then killed"
        );

        // The restarted instance's clock is two minutes on, so the rate allows the rest
        // at once instead of after a minute of waiting.
        let later = db.store.now().plus(time::Duration::minutes(2)).rfc3339();
        let _b = Server::start(
            &db.url,
            &data.0,
            &[
                ("TOCSIN_CONFIG", &config_env),
                ("TOCSIN_CLOCK_START", &later),
            ],
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let sent = rt()
                .block_on(db.store.issue("2026-11"))
                .expect("issue")
                .is_some_and(|i| i.status == "sent");
            let depth = rt().block_on(db.store.outbox_depth()).expect("depth");
            if (sent && depth == 0) || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        assert_eq!(
            deliveries(),
            SUBSCRIBERS as i64,
            "{engine:?}: everyone has one delivery"
        );
        let outbox = rt().block_on(db.store.list_outbox(1000)).expect("outbox");
        let mut copies: BTreeMap<String, usize> = BTreeMap::new();
        for row in outbox.iter().filter(|r| r.subject.contains("2026-11")) {
            *copies.entry(row.recipients.clone()).or_default() += 1;
        }
        assert_eq!(
            copies.len(),
            SUBSCRIBERS,
            "{engine:?}: every subscriber got the issue"
        );
        assert!(
            copies.values().all(|n| *n == 1),
            "{engine:?}: nobody twice: {copies:?}"
        );
        // What the file transport delivered: one file per subscriber, none twice.
        let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
        for e in std::fs::read_dir(data.0.join("outbox"))
            .expect("outbox dir")
            .flatten()
        {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if let Some(to) = emails.iter().find(|m| text.contains(&format!("To: {m}"))) {
                *delivered.entry(to.clone()).or_default() += 1;
            }
        }
        assert_eq!(delivered.len(), SUBSCRIBERS, "{engine:?}: {delivered:?}");
        assert!(
            delivered.values().all(|n| *n == 1),
            "{engine:?}: {delivered:?}"
        );
    }
}

use std::collections::BTreeSet;

use tocsin_domain::Timestamp;
use tocsin_storage::{NewMail, OutboxStatus};

use crate::both_engines;

fn mail(n: usize) -> NewMail {
    NewMail {
        message_id: format!("{n}@test"),
        sender: "noreply@cert.tw".into(),
        recipients: vec!["a@b.tw".into(), "c@d.tw".into()],
        subject: format!("通報 {n}"),
        message: format!("Subject: {n}\r\n\r\nbody").into_bytes(),
    }
}

both_engines! {
    async fn queue_claim_send(t: TestStore) {
        let s = &t.store;
        // Queued in a transaction that rolls back: nothing to send.
        let mut tx = s.begin().await.expect("begin");
        tx.enqueue_mail(&mail(0)).await.expect("enqueue");
        tx.rollback().await.expect("rollback");
        assert_eq!(s.outbox_depth().await.expect("depth"), 0);

        let id = s.enqueue_mail(&mail(1)).await.expect("enqueue");
        assert_eq!(s.outbox_depth().await.expect("depth"), 1);
        let now = Timestamp::now();
        let lease = now.plus(time::Duration::minutes(5));
        let c = s.claim_mail("w1", now, lease).await.expect("claim").expect("due");
        assert_eq!((c.id, c.attempts), (id, 1));
        assert_eq!(c.recipients, ["a@b.tw", "c@d.tw"]);
        // Leased: another worker gets nothing.
        assert!(s.claim_mail("w2", now, lease).await.expect("claim").is_none());
        // Only the holder can mark it.
        assert!(!s.mark_mail_sent(id, "w2", now).await.expect("mark"));
        assert!(s.mark_mail_sent(id, "w1", now).await.expect("mark"));
        assert_eq!(s.outbox_depth().await.expect("depth"), 0);
        let row = s.get_outbox(id).await.expect("get").expect("row");
        assert_eq!(row.status, OutboxStatus::Sent);
        // An expired lease lets another worker take over a message whose worker died.
        let id2 = s.enqueue_mail(&mail(2)).await.expect("enqueue");
        let now = Timestamp::now();
        s.claim_mail("dead", now, now.plus(time::Duration::seconds(1))).await.expect("claim").expect("due");
        let later = now.plus(time::Duration::seconds(2));
        let c2 = s.claim_mail("w2", later, later.plus(time::Duration::minutes(5))).await.expect("claim").expect("due again");
        assert_eq!((c2.id, c2.attempts), (id2, 2));
    }

    async fn an_instance_releases_its_own_leases_on_start(t: TestStore) {
        let s = &t.store;
        let mine = s.enqueue_mail(&mail(1)).await.expect("enqueue");
        let theirs = s.enqueue_mail(&mail(2)).await.expect("enqueue");
        let done = s.enqueue_mail(&mail(3)).await.expect("enqueue");
        let now = Timestamp::now();
        let lease = now.plus(time::Duration::minutes(5));
        // Claimed in queueing order: X takes two, Y one; X delivers the third.
        let a = s.claim_mail("x", now, lease).await.expect("claim").expect("due");
        let b = s.claim_mail("y", now, lease).await.expect("claim").expect("due");
        let c = s.claim_mail("x", now, lease).await.expect("claim").expect("due");
        assert_eq!((a.id, b.id, c.id), (mine, theirs, done));
        assert_eq!(a.message_id, "1@test", "the claim carries the Message-ID");
        assert!(s.mark_mail_sent(done, "x", now).await.expect("mark"));
        // X "crashes": its lease still runs, so nobody can claim its message.
        let restart = now.plus(time::Duration::seconds(1));
        assert!(s.claim_mail("x", restart, lease).await.expect("claim").is_none());
        // X restarts with the same id and releases what it held, and only that.
        assert_eq!(s.release_mail_leases("x", restart).await.expect("release"), 1);
        assert_eq!(s.release_mail_leases("x", restart).await.expect("release"), 0, "idempotent");
        let again = s.claim_mail("x", restart, lease).await.expect("claim").expect("due at once");
        assert_eq!((again.id, again.attempts), (mine, 2));
        assert!(s.claim_mail("x", restart, lease).await.expect("claim").is_none(), "Y's lease is untouched");
        let row = s.get_outbox(theirs).await.expect("get").expect("row");
        assert_eq!((row.locked_by.as_deref(), row.locked_until.0), (Some("y"), Some(lease)));
        assert_eq!(s.get_outbox(done).await.expect("get").expect("row").status, OutboxStatus::Sent);
        assert!(s.mark_mail_sent(theirs, "y", restart).await.expect("Y still holds its message"));
    }

    async fn retry_and_failure(t: TestStore) {
        let s = &t.store;
        let id = s.enqueue_mail(&mail(1)).await.expect("enqueue");
        let now = Timestamp::now();
        let lease = now.plus(time::Duration::minutes(5));
        s.claim_mail("w", now, lease).await.expect("claim").expect("due");
        let retry = now.plus(time::Duration::minutes(1));
        s.mark_mail_failed(id, "w", "451 try later", Some(retry)).await.expect("fail");
        assert!(s.claim_mail("w", now, lease).await.expect("claim").is_none(), "not due before retry time");
        let row = s.get_outbox(id).await.expect("get").expect("row");
        assert_eq!((row.status, row.attempts, row.last_error.as_deref()), (OutboxStatus::Queued, 1, Some("451 try later")));
        assert_eq!(row.next_attempt_at, retry);
        let c = s.claim_mail("w", retry, retry.plus(time::Duration::minutes(5))).await.expect("claim").expect("due");
        assert_eq!(c.attempts, 2);
        s.mark_mail_failed(id, "w", "550 no such user", None).await.expect("fail");
        assert_eq!(s.get_outbox(id).await.expect("get").expect("row").status, OutboxStatus::Failed);
        assert_eq!(s.outbox_depth().await.expect("depth"), 0);
    }

    async fn concurrent_workers_never_share_a_message(t: TestStore) {
        for i in 0..40 {
            t.store.enqueue_mail(&mail(i)).await.expect("enqueue");
        }
        let mut tasks = tokio::task::JoinSet::new();
        for w in 0..4 {
            let s = t.store.clone();
            tasks.spawn(async move {
                let mut mine = Vec::new();
                let worker = format!("w{w}");
                loop {
                    let now = Timestamp::now();
                    match s.claim_mail(&worker, now, now.plus(time::Duration::minutes(5))).await? {
                        Some(c) => {
                            assert!(s.mark_mail_sent(c.id, &worker, now).await?);
                            mine.push(c.id);
                        }
                        None => break,
                    }
                }
                Ok::<_, tocsin_storage::StorageError>(mine)
            });
        }
        let mut all = BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            for id in r.expect("join").expect("worker") {
                assert!(all.insert(id), "message claimed twice");
            }
        }
        assert_eq!(all.len(), 40);
    }
}

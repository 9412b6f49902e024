use tocsin_domain::Timestamp;
use tocsin_storage::{InboundMail, NewMail};

use crate::both_engines;

fn mail(sha: &str) -> InboundMail {
    InboundMail {
        id: uuid::Uuid::now_v7(),
        sha256: sha.into(),
        received_at: Timestamp::now(),
        envelope_sender: "soc@bank.tw".into(),
        recipient: "report@cert.tw".into(),
        route: String::new(),
        message_id: "m1@bank.tw".into(),
        from_email: "soc@bank.tw".into(),
        subject: "網站".into(),
        status: "received".into(),
        reason: String::new(),
        target: String::new(),
        raw: vec![0, 159, 255, 10],
    }
}

both_engines! {
    async fn a_message_is_stored_once_and_gets_its_outcome(t: TestStore) {
        let s = &t.store;
        let m = mail("11");
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.insert_inbound(&m).await.expect("insert"));
        assert!(!tx.insert_inbound(&mail("11")).await.expect("again"), "the same bytes are one row");
        tx.commit().await.expect("commit");
        let got = s.inbound_by_sha("11").await.expect("q").expect("row");
        assert_eq!(got.raw, m.raw);
        assert_eq!(got.id, m.id);
        let mut tx = s.begin().await.expect("begin");
        tx.set_inbound_outcome(m.id, "incident", "created", "", "INC-2026-000001").await.expect("outcome");
        tx.insert_inbound(&mail("22")).await.expect("second");
        tx.commit().await.expect("commit");
        let got = s.get_inbound(m.id).await.expect("q").expect("row");
        assert_eq!((got.route.as_str(), got.status.as_str(), got.target.as_str()), ("incident", "created", "INC-2026-000001"));
        assert_eq!(s.list_inbound(None, 10).await.expect("list").len(), 2);
        let held = s.list_inbound(Some("received"), 10).await.expect("list");
        assert_eq!(held.iter().map(|m| m.sha256.as_str()).collect::<Vec<_>>(), ["22"]);
        assert!(s.inbound_by_sha("33").await.expect("q").is_none());
    }

    async fn sent_mail_is_found_by_message_id(t: TestStore) {
        let s = &t.store;
        s.enqueue_mail(&NewMail {
            message_id: "<0199@cert.tw>".into(),
            sender: "noreply@cert.tw".into(),
            recipients: vec!["soc@bank.tw".into()],
            subject: "[INC-2026-000123] Report received".into(),
            message: b"x".to_vec(),
        })
        .await
        .expect("enqueue");
        let want = Some("[INC-2026-000123] Report received".to_string());
        assert_eq!(s.sent_subject("0199@cert.tw").await.expect("q"), want);
        assert_eq!(s.sent_subject("<0199@cert.tw>").await.expect("q"), want);
        assert_eq!(s.sent_subject("nope@cert.tw").await.expect("q"), None);
    }
}

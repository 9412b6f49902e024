use tocsin_domain::Timestamp;
use tocsin_storage::{InboundDelivery, InboundMail, NewMail};
use uuid::Uuid;

use crate::both_engines;

fn mail(sha: &str) -> InboundMail {
    InboundMail {
        id: Uuid::now_v7(),
        sha256: sha.into(),
        received_at: Timestamp::now(),
        envelope_sender: "soc@bank.tw".into(),
        recipient: "report@cert.tw".into(),
        message_id: "m1@bank.tw".into(),
        from_email: "soc@bank.tw".into(),
        subject: "網站".into(),
        raw: vec![0, 159, 255, 10],
    }
}

fn delivery(m: &InboundMail, recipient: &str) -> InboundDelivery {
    InboundDelivery {
        id: Uuid::now_v7(),
        mail_id: m.id,
        recipient: recipient.into(),
        envelope_sender: m.envelope_sender.clone(),
        received_at: Timestamp::now(),
        route: String::new(),
        status: "received".into(),
        reason: String::new(),
        target: String::new(),
    }
}

both_engines! {
    async fn a_message_is_stored_once_and_each_delivery_gets_its_outcome(t: TestStore) {
        let s = &t.store;
        let m = mail("11");
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.insert_inbound(&m).await.expect("insert"));
        assert!(!tx.insert_inbound(&mail("11")).await.expect("again"), "the same bytes are one row");
        let incident = delivery(&m, "incident@cert.tw");
        assert!(tx.insert_inbound_delivery(&incident).await.expect("delivery"));
        assert!(
            !tx.insert_inbound_delivery(&delivery(&m, "incident@cert.tw")).await.expect("retry"),
            "a retried delivery is the same row"
        );
        let phishing = delivery(&m, "phishing@cert.tw");
        assert!(tx.insert_inbound_delivery(&phishing).await.expect("second recipient"));
        tx.commit().await.expect("commit");
        let got = s.inbound_by_sha("11").await.expect("q").expect("row");
        assert_eq!(got.raw, m.raw);
        assert_eq!(got.id, m.id);
        let mut tx = s.begin().await.expect("begin");
        tx.set_delivery_outcome(incident.id, "incident", "created", "", "INC-2026-000001").await.expect("outcome");
        let other = mail("22");
        tx.insert_inbound(&other).await.expect("second");
        tx.insert_inbound_delivery(&delivery(&other, "")).await.expect("its delivery");
        tx.commit().await.expect("commit");
        let ds = s.inbound_deliveries(m.id).await.expect("q");
        assert_eq!(
            ds.iter().map(|d| (d.recipient.as_str(), d.route.as_str(), d.status.as_str(), d.target.as_str())).collect::<Vec<_>>(),
            [("incident@cert.tw", "incident", "created", "INC-2026-000001"), ("phishing@cert.tw", "", "received", "")]
        );
        let all = s.list_inbound(None, 10).await.expect("list");
        assert_eq!(all.len(), 2);
        assert_eq!(all.iter().find(|(x, _)| x.id == m.id).map(|(_, d)| d.len()), Some(2));
        // A message is listed under a status when any of its deliveries has it.
        let pending = s.list_inbound(Some("received"), 10).await.expect("list");
        assert_eq!(pending.iter().map(|(m, _)| m.sha256.as_str()).collect::<Vec<_>>(), ["22", "11"]);
        let created = s.list_inbound(Some("created"), 10).await.expect("list");
        assert_eq!(created.iter().map(|(m, d)| (m.sha256.as_str(), d.len())).collect::<Vec<_>>(), [("11", 2)]);
        assert!(s.list_inbound(Some("held"), 10).await.expect("list").is_empty());
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

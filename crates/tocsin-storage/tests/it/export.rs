use tocsin_domain::{OrgKind, Role, Roles, Timestamp};
use tocsin_storage::testing::TestStore;
use tocsin_storage::{
    Engine, NewAuditEntry, NewMail, NewOrganization, NewUser, StorageError, Store,
};

use crate::both_engines;

async fn fill(s: &Store) {
    let mut tx = s.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: "台灣電力".into(),
            sector: "能源".into(),
            kind: OrgKind::Company,
            alliance_member: false,
        })
        .await
        .expect("org");
    let u = tx
        .create_user(&NewUser {
            email: "a@b.tw".into(),
            name: "甲".into(),
            org_id: Some(o.id),
            roles: Roles::new([Role::Member, Role::Reporter]),
            password_hash: Some("$argon2id$v=19$x".into()),
        })
        .await
        .expect("user");
    tx.create_user(&NewUser {
        email: "solo@r.tw".into(),
        name: "Solo".into(),
        org_id: None,
        roles: Roles::new([Role::Reporter]),
        password_hash: None,
    })
    .await
    .expect("user");
    tx.next_tracking_number("TST", 2026).await.expect("n");
    tx.next_tracking_number("TST", 2026).await.expect("n");
    tx.audit(&NewAuditEntry {
        actor_id: Some(u.id),
        actor: "a@b.tw".into(),
        action: "org.create".into(),
        target_kind: "organization".into(),
        target_id: o.id.to_string(),
        detail: "細節 \"quoted\"".into(),
        ip: "127.0.0.1".into(),
        request_id: "r1".into(),
    })
    .await
    .expect("audit");
    tx.enqueue_mail(&NewMail {
        message_id: "m@x".into(),
        sender: "s@x.tw".into(),
        recipients: vec!["a@b.tw".into()],
        subject: "主旨".into(),
        message: vec![0, 1, 2, 255, b'\r', b'\n'],
    })
    .await
    .expect("mail");
    tx.commit().await.expect("commit");
    let r = crate::reports::file(s, "Reporter").await;
    let mut tx = s.begin().await.expect("begin");
    let attachment = tocsin_storage::NewAttachment {
        filename: "a.png".into(),
        content_type: "image/png".into(),
        sha256: "00".into(),
        content: vec![137, 80, 78, 71],
    };
    tx.add_attachment(r.id, None, &attachment)
        .await
        .expect("attach");
    tx.add_tasks(r.id, &[("確認".into(), "Confirm".into())])
        .await
        .expect("tasks");
    tx.create_survey(r.id, b"tok").await.expect("survey");
    let inbound = tocsin_storage::InboundMail {
        id: uuid::Uuid::now_v7(),
        sha256: "ab".repeat(32),
        received_at: Timestamp::from_micros(1_700_000_000_000_000),
        envelope_sender: "soc@bank.tw".into(),
        recipient: "report@cert.tw".into(),
        message_id: "m1@bank.tw".into(),
        from_email: "soc@bank.tw".into(),
        subject: "網站遭置換".into(),
        raw: b"Subject: x\r\n\r\n\xff body".to_vec(),
    };
    tx.insert_inbound(&inbound).await.expect("inbound");
    tx.insert_inbound_delivery(&tocsin_storage::InboundDelivery {
        id: uuid::Uuid::now_v7(),
        mail_id: inbound.id,
        recipient: "report@cert.tw".into(),
        envelope_sender: "soc@bank.tw".into(),
        received_at: inbound.received_at,
        route: "incident".into(),
        status: "created".into(),
        reason: String::new(),
        target: "INC-2026-000001".into(),
    })
    .await
    .expect("delivery");
    tx.commit().await.expect("commit");
    crate::points::fill(s, o.id, u.id).await;
    crate::referral::fill(s).await;
    crate::taxii::fill(s, o.id, u.id.uuid()).await;
    // The newsletter: a subscriber (pending with a confirmation secret, then confirmed),
    // one pending, an issue and a delivery of it.
    let mut tx = s.begin().await.expect("begin");
    let in_a_day = tx.now().plus(time::Duration::days(1));
    tx.put_pending_subscriber("reader@example.tw", "en", &[1u8; 32], in_a_day, &[2u8; 32])
        .await
        .expect("subscriber");
    let reader = tx
        .confirm_subscriber(&[1u8; 32])
        .await
        .expect("confirm")
        .expect("confirmed");
    tx.put_pending_subscriber(
        "pending@example.tw",
        "zh-TW",
        &[3u8; 32],
        in_a_day,
        &[4u8; 32],
    )
    .await
    .expect("pending");
    let issue = tx.create_issue("2026-11").await.expect("issue");
    assert!(tx.start_sending_issue(issue.id).await.expect("sending"));
    let copy = tx
        .enqueue_mail(&NewMail {
            message_id: "nl-1@cert.tw".into(),
            sender: "cert+nl-k1@cert.tw".into(),
            recipients: vec!["reader@example.tw".into()],
            subject: "電子報 2026-11".into(),
            message: b"Subject: x\r\n\r\nx\r\n".to_vec(),
        })
        .await
        .expect("copy");
    tx.insert_newsletter_delivery(issue.id, reader.id, copy, "k1", &[5u8; 32])
        .await
        .expect("delivery");
    tx.commit().await.expect("commit");
    let tok = s
        .create_api_token(u.id, "ci", &[9u8; 32])
        .await
        .expect("token");
    s.revoke_api_token(tok.id, Timestamp::now())
        .await
        .expect("revoke");
}

async fn export_string(s: &Store) -> String {
    let mut buf = Vec::new();
    s.export(&mut buf).await.expect("export");
    String::from_utf8(buf).expect("utf-8")
}

async fn round_trip(from: Engine, to: Engine) {
    let (Some(a), Some(b)) = (TestStore::new(from).await, TestStore::new(to).await) else {
        return;
    };
    fill(&a.store).await;
    let first = export_string(&a.store).await;
    // header, org, 2 users, token, counters (INC 2026 + the report's year), audit, mail,
    // report, its event, attachment, task, survey
    let lines = first.lines().count();
    let counts = b.store.import(&mut first.as_bytes()).await.expect("import");
    assert_eq!(
        counts.0.iter().map(|(_, n)| n).sum::<u64>() as usize,
        lines - 1
    );
    for t in [
        "reports",
        "report_events",
        "attachments",
        "report_tasks",
        "surveys",
        "inbound_mail",
        "inbound_deliveries",
        "points_accounts",
        "points_items",
        "points_redemptions",
        "referrals",
        "referral_responses",
        "taxii_status",
        "intel_observables",
        "newsletter_subscribers",
        "newsletter_issues",
        "newsletter_deliveries",
    ] {
        assert!(
            counts.0.iter().any(|(name, n)| *name == t && *n >= 1),
            "{t} not moved: {counts}"
        );
    }
    let second = export_string(&b.store).await;
    assert_eq!(first, second, "export → import → export must be identical");
    // The imported indicators find their record (SQLite indexes them after the rows).
    let by_value = |value: &str| tocsin_storage::IntelFilter {
        observable: Some(value.into()),
        limit: 10,
        ..Default::default()
    };
    for value in ["198.51.100.9", "198.51.100.1"] {
        assert_eq!(
            b.store
                .list_intel(&by_value(value))
                .await
                .expect("by value")
                .len(),
            a.store
                .list_intel(&by_value(value))
                .await
                .expect("by value")
                .len(),
            "{value}"
        );
    }
    assert_eq!(
        b.store
            .list_intel(&by_value("198.51.100.9"))
            .await
            .expect("by value")
            .len(),
        1
    );
    // The imported counters continue where the source left off.
    let mut tx = b.store.begin().await.expect("begin");
    assert_eq!(
        tx.next_tracking_number("TST", 2026)
            .await
            .expect("next")
            .seq(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_to_postgres_and_back() {
    round_trip(Engine::Sqlite, Engine::Postgres).await;
    round_trip(Engine::Postgres, Engine::Sqlite).await;
}

both_engines! {
    async fn import_is_all_or_nothing(t: TestStore) {
        let Some(src) = TestStore::new(Engine::Sqlite).await else { return };
        fill(&src.store).await;
        let mut text = export_string(&src.store).await;
        text.push_str("{\"table\":\"nonsense\",\"row\":{}}\n");
        let err = t.store.import(&mut text.as_bytes()).await;
        assert!(matches!(err, Err(StorageError::Import(ref m)) if m.contains("nonsense")), "{err:?}");
        assert!(t.store.list_orgs().await.expect("list").is_empty(), "nothing half-stored");

        let bad_header = "{\"format\":\"other\",\"schema_version\":1}\n";
        assert!(matches!(t.store.import(&mut bad_header.as_bytes()).await, Err(StorageError::Import(_))));

        fill(&t.store).await;
        let good = export_string(&src.store).await;
        let again = t.store.import(&mut good.as_bytes()).await;
        assert!(matches!(again, Err(StorageError::Import(ref m)) if m.contains("not empty")), "{again:?}");
    }
}

#[tokio::test]
async fn sqlite_online_backup() {
    let t = TestStore::new(Engine::Sqlite).await.expect("sqlite");
    fill(&t.store).await;
    let dest = std::env::temp_dir().join(format!(
        "tocsin-backup-{}.db",
        uuid::Uuid::now_v7().simple()
    ));
    let dest_s = dest.to_string_lossy().to_string();
    t.store.backup_sqlite(&dest_s).await.expect("backup");
    let copy = Store::open_sqlite(&dest_s).await.expect("open copy");
    assert_eq!(export_string(&copy).await, export_string(&t.store).await);
    copy.close().await;
    let _ = std::fs::remove_file(&dest);
}

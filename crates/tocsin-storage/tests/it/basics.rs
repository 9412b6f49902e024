use tocsin_domain::{OrgKind, Role, Roles, Timestamp};
use tocsin_storage::{NewOrganization, NewUser, StorageError};

use crate::both_engines;

fn org(name: &str) -> NewOrganization {
    NewOrganization {
        name: name.to_string(),
        sector: "半導體".to_string(),
        kind: OrgKind::Manufacturer,
        alliance_member: true,
    }
}

pub(crate) fn user(email: &str, org: Option<tocsin_domain::OrgId>) -> NewUser {
    NewUser {
        email: email.to_string(),
        name: "王小明".to_string(),
        org_id: org,
        roles: Roles::new([Role::Member]),
        password_hash: Some("$argon2id$fake".to_string()),
    }
}

/// Every SQLite connection commits durably (WAL, `synchronous=FULL`) and keeps its
/// temporary files, the statement journals above all, in memory rather than on disk.
#[tokio::test]
async fn sqlite_connections_have_tocsins_settings() {
    let s = tocsin_storage::testing::TestStore::new(tocsin_storage::Engine::Sqlite)
        .await
        .expect("sqlite");
    // Several at once, so that more than one connection of the pool answers.
    let answers = futures::future::join_all((0..4).map(|_| async {
        (
            s.store_i64("PRAGMA temp_store").await.expect("temp_store"),
            s.store_i64("PRAGMA synchronous")
                .await
                .expect("synchronous"),
        )
    }))
    .await;
    // temp_store 2 is MEMORY; synchronous 2 is FULL.
    assert!(answers.iter().all(|a| *a == (2, 2)), "{answers:?}");
    // Over intel records by publication time only the narrow listing index (migration
    // 0020), not a wider one an archive import would rewrite more of with every batch
    // (migration 0012).
    let by_time = s
        .store_i64("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'intel_records' AND sql LIKE '%published_at%'")
        .await
        .expect("schema");
    assert_eq!(by_time, 1);
    let listing = s
        .store_i64("SELECT count(*) FROM pragma_index_info('intel_records_listing')")
        .await
        .expect("listing index");
    assert_eq!(listing, 2, "(published_at, seq) and nothing more");
}

#[test]
fn migration_versions_match_across_engines() {
    let (s, p) = tocsin_storage::migration_versions();
    assert!(!s.is_empty());
    assert_eq!(
        s, p,
        "sqlite and postgres migration folders must have the same versions"
    );
}

both_engines! {
    async fn migrations_are_idempotent(t: TestStore) {
        t.store.migrate().await.expect("second migrate is a no-op");
        t.store.ping().await.expect("ping");
    }

    async fn organizations(t: TestStore) {
        let s = &t.store;
        let mut tx = s.begin().await.expect("begin");
        let a = tx.create_org(&org(" 台積電 ")).await.expect("create");
        tx.commit().await.expect("commit");
        assert_eq!(a.name, "台積電");
        assert_eq!(s.get_org(a.id).await.expect("get"), Some(a.clone()));

        let mut tx = s.begin().await.expect("begin");
        let dup = tx.create_org(&org("台積電")).await;
        assert!(matches!(dup, Err(StorageError::Conflict(_))), "{dup:?}");
        drop(tx);

        let mut tx = s.begin().await.expect("begin");
        let mut changed = org("TSMC");
        changed.kind = OrgKind::Vendor;
        tx.update_org(a.id, &changed).await.expect("update");
        assert!(matches!(tx.update_org(tocsin_domain::OrgId::new(), &changed).await, Err(StorageError::NotFound(_))));
        tx.commit().await.expect("commit");
        let all = s.list_orgs().await.expect("list");
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].name.as_str(), all[0].kind), ("TSMC", OrgKind::Vendor));
    }

    async fn users(t: TestStore) {
        let s = &t.store;
        let mut tx = s.begin().await.expect("begin");
        let o = tx.create_org(&org("Acme")).await.expect("org");
        let u = tx.create_user(&user("Alice@Example.TW", Some(o.id))).await.expect("user");
        tx.commit().await.expect("commit");
        assert_eq!(u.email, "alice@example.tw");
        assert_eq!(s.find_user_by_email(" ALICE@example.tw").await.expect("find").map(|x| x.id), Some(u.id));
        assert_eq!(s.get_user(u.id).await.expect("get"), Some(u.clone()));

        let mut tx = s.begin().await.expect("begin");
        let dup = tx.create_user(&user("alice@example.tw", None)).await;
        assert!(matches!(dup, Err(StorageError::Conflict(_))), "{dup:?}");
        drop(tx);
        let mut tx = s.begin().await.expect("begin");
        let orphan = tx.create_user(&user("bob@example.tw", Some(tocsin_domain::OrgId::new()))).await;
        assert!(matches!(orphan, Err(StorageError::NotFound("organization"))), "{orphan:?}");
        drop(tx);

        assert_eq!(s.count_admins().await.expect("count"), 0);
        let mut tx = s.begin().await.expect("begin");
        tx.update_user(u.id, "Alice", Some(o.id), &Roles::new([Role::Admin]), false).await.expect("update");
        tx.set_password_hash(u.id, "$argon2id$new").await.expect("pw");
        tx.commit().await.expect("commit");
        assert_eq!(s.count_admins().await.expect("count"), 1);
        let u2 = s.get_user(u.id).await.expect("get").expect("exists");
        assert_eq!(u2.password_hash.as_deref(), Some("$argon2id$new"));
        assert_eq!(s.list_users().await.expect("list").len(), 1);
    }

    async fn sessions_and_tokens(t: TestStore) {
        let s = &t.store;
        let mut tx = s.begin().await.expect("begin");
        let u = tx.create_user(&user("a@b.tw", None)).await.expect("user");
        tx.commit().await.expect("commit");
        let now = Timestamp::now();
        s.create_session(b"live-hash", u.id, now.plus(time::Duration::hours(1))).await.expect("session");
        s.create_session(b"old-hash", u.id, now.plus(time::Duration::seconds(-1))).await.expect("session");
        assert_eq!(s.session_user(b"live-hash", now).await.expect("q").map(|x| x.id), Some(u.id));
        assert_eq!(s.session_user(b"old-hash", now).await.expect("q"), None);
        assert_eq!(s.session_user(b"nope", now).await.expect("q"), None);
        assert_eq!(s.purge_expired_sessions(now).await.expect("purge"), 1);
        s.delete_session(b"live-hash").await.expect("delete");
        assert_eq!(s.session_user(b"live-hash", now).await.expect("q"), None);

        let tok = s.create_api_token(u.id, "ci", b"tok-hash").await.expect("token");
        let (got, owner) = s.api_token_user(b"tok-hash", now).await.expect("q").expect("found");
        assert_eq!((got.id, owner.id), (tok.id, u.id));
        assert_eq!((got.user_id, got.name.as_str(), got.token_hash.as_slice()), (u.id, "ci", &b"tok-hash"[..]));
        assert_eq!((got.created_at, got.revoked_at.0), (tok.created_at, None));
        assert_eq!(owner, s.get_user(u.id).await.expect("get").expect("some"), "the owner as stored");
        assert!(s.api_token_user(b"other-hash", now).await.expect("q").is_none());
        assert!(s.get_api_token(tok.id).await.expect("get").expect("some").last_used_at.0.is_some());
        assert_eq!(s.list_api_tokens(u.id).await.expect("list").len(), 1);
        s.revoke_api_token(tok.id, now).await.expect("revoke");
        assert!(s.api_token_user(b"tok-hash", now).await.expect("q").is_none());

        // A disabled user's session and tokens stop working.
        s.create_session(b"s2", u.id, now.plus(time::Duration::hours(1))).await.expect("session");
        s.create_api_token(u.id, "ci2", b"tok2-hash").await.expect("token");
        assert!(s.api_token_user(b"tok2-hash", now).await.expect("q").is_some());
        let mut tx = s.begin().await.expect("begin");
        tx.update_user(u.id, "x", None, &Roles::new([Role::Member]), true).await.expect("disable");
        tx.commit().await.expect("commit");
        assert_eq!(s.session_user(b"s2", now).await.expect("q"), None);
        assert!(s.api_token_user(b"tok2-hash", now).await.expect("q").is_none());
    }

    async fn login_throttle(t: TestStore) {
        let s = &t.store;
        let now = Timestamp::now();
        let since = now.plus(time::Duration::minutes(-15));
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(s.take_login_attempt("email:a@b.tw", now, since, 3).await.expect("take").expect("a slot"));
        }
        assert_eq!(s.take_login_attempt("email:a@b.tw", now, since, 3).await.expect("take"), None, "the fourth is refused");
        assert!(s.take_login_attempt("email:c@d.tw", now, since, 3).await.expect("take").is_some(), "keys apart");
        assert_eq!(s.login_failures_since("email:a@b.tw", since).await.expect("count"), 3, "a refusal is not recorded");
        assert_eq!(s.login_failures_since("email:a@b.tw", now).await.expect("count"), 0);
        s.forget_login_attempt(ids[0]).await.expect("forget");
        assert_eq!(s.login_failures_since("email:a@b.tw", since).await.expect("count"), 2);
        s.clear_login_failures("email:a@b.tw").await.expect("clear");
        assert_eq!(s.login_failures_since("email:a@b.tw", since).await.expect("count"), 0);
        assert_eq!(s.login_failures_since("email:c@d.tw", since).await.expect("count"), 1);
    }

    async fn rate_events(t: TestStore) {
        let s = &t.store;
        let now = Timestamp::now();
        let hour_ago = now.plus(time::Duration::hours(-1));
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.take_rate_slot("intake:192.0.2.1", now, hour_ago, 3).await.expect("take"));
        assert!(tx.take_rate_slot("intake:192.0.2.1", now, hour_ago, 3).await.expect("take"));
        tx.commit().await.expect("commit");
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.take_rate_slot("intake:192.0.2.1", now, hour_ago, 3).await.expect("take"));
        tx.rollback().await.expect("rollback");
        assert_eq!(s.rate_events_since("intake:192.0.2.1", hour_ago).await.expect("count"), 2, "a rolled-back event does not count");
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.take_rate_slot("intake:192.0.2.1", now, hour_ago, 3).await.expect("take"));
        assert!(!tx.take_rate_slot("intake:192.0.2.1", now, hour_ago, 3).await.expect("take"), "the limit");
        tx.commit().await.expect("commit");
        assert_eq!(s.rate_events_since("intake:192.0.2.2", hour_ago).await.expect("count"), 0);
        assert_eq!(s.purge_rate_events(now).await.expect("purge"), 3);
    }

    // 100 concurrent takers of one key: exactly the limit get a slot, on each engine.
    async fn limits_hold_under_concurrency(t: TestStore) {
        let now = Timestamp::now();
        let since = now.plus(time::Duration::hours(-1));
        let mut rate = Vec::new();
        let mut login = Vec::new();
        for _ in 0..100 {
            let s = t.store.clone();
            rate.push(tokio::spawn(async move {
                let mut tx = s.begin().await.expect("begin");
                let ok = tx.take_rate_slot("intake:203.0.113.9", now, since, 30).await.expect("take");
                tx.commit().await.expect("commit");
                ok
            }));
            let s = t.store.clone();
            login.push(tokio::spawn(async move {
                s.take_login_attempt("email:victim@corp.tw", now, since, 5).await.expect("take").is_some()
            }));
        }
        let mut granted = (0, 0);
        for (r, l) in rate.into_iter().zip(login) {
            granted.0 += usize::from(r.await.expect("join"));
            granted.1 += usize::from(l.await.expect("join"));
        }
        assert_eq!(granted, (30, 5));
        assert_eq!(t.store.rate_events_since("intake:203.0.113.9", since).await.expect("count"), 30);
        assert_eq!(t.store.login_failures_since("email:victim@corp.tw", since).await.expect("count"), 5);
    }

    async fn setup_tokens(t: TestStore) {
        let s = &t.store;
        let now = Timestamp::now();
        s.create_setup_token(b"one", now.plus(time::Duration::hours(1))).await.expect("create");
        s.create_setup_token(b"two", now.plus(time::Duration::hours(1))).await.expect("create");
        assert!(s.setup_token_valid(b"one", now).await.expect("valid"));
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.consume_setup_token(b"one", now).await.expect("consume"));
        tx.commit().await.expect("commit");
        let mut tx = s.begin().await.expect("begin");
        assert!(!tx.consume_setup_token(b"one", now).await.expect("consume"), "single use");
        assert!(!tx.consume_setup_token(b"two", now).await.expect("consume"), "all tokens end with the first use");
    }
}

both_engines! {
    async fn password_tokens(t: TestStore) {
        let s = &t.store;
        let now = Timestamp::now();
        let mut tx = s.begin().await.expect("begin");
        let u = tx.create_user(&user("p@q.tw", None)).await.expect("user");
        tx.create_password_token(b"t1", u.id, now.plus(time::Duration::days(7))).await.expect("token");
        tx.create_password_token(b"t2", u.id, now.plus(time::Duration::days(7))).await.expect("token");
        tx.create_password_token(b"old", u.id, now.plus(time::Duration::seconds(-1))).await.expect("token");
        tx.commit().await.expect("commit");
        assert!(s.password_token_valid(b"t1", now).await.expect("valid"));
        assert!(!s.password_token_valid(b"old", now).await.expect("valid"));
        let mut tx = s.begin().await.expect("begin");
        assert_eq!(tx.consume_password_token(b"old", now).await.expect("consume"), None, "expired");
        assert_eq!(tx.consume_password_token(b"t1", now).await.expect("consume"), Some(u.id));
        assert_eq!(tx.consume_password_token(b"t2", now).await.expect("consume"), None, "siblings end too");
        tx.commit().await.expect("commit");
    }
}

use tocsin_domain::points::{EarnEvent, EntryKind, ItemInput, ValidItem, idempotency_key};
use tocsin_domain::{OrgId, OrgKind, UserId};
use tocsin_storage::{HoldRefused, Holder, NewEntry, NewOrganization, Store};

use crate::both_engines;

const TODAY: &str = "2026-06-01";

fn item(cost: i64, stock: i64) -> ValidItem {
    ItemInput {
        kind: "event_slot".into(),
        name_zh: "年會攤位".into(),
        name_en: "Booth".into(),
        description: String::new(),
        cost: cost.to_string(),
        stock: stock.to_string(),
        valid_from: "2026-01-01".into(),
        valid_until: "2026-12-31".into(),
    }
    .validate()
    .expect("valid item")
}

fn award(account: uuid::Uuid, points: i64, record: &str) -> NewEntry {
    NewEntry {
        account_id: account,
        delta: points,
        kind: EntryKind::Award,
        rule: EarnEvent::IncidentVerified.as_str().into(),
        source_kind: "report".into(),
        source_id: record.into(),
        idempotency_key: Some(idempotency_key(
            EntryKind::Award,
            EarnEvent::IncidentVerified,
            "report",
            record,
        )),
        reason: String::new(),
        actor_id: None,
        actor: "desk".into(),
    }
}

async fn org(s: &Store, name: &str) -> OrgId {
    let mut tx = s.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: "資安".into(),
            kind: OrgKind::SecurityFirm,
            alliance_member: false,
        })
        .await
        .expect("org");
    tx.commit().await.expect("commit");
    o.id
}

async fn assert_ledger(s: &Store, account: uuid::Uuid) -> i64 {
    let (cached, sum) = s.points_ledger_check(account).await.expect("check");
    assert_eq!(cached, sum, "the cached balance is the ledger's sum");
    assert!(cached >= 0);
    cached
}

/// Rows for the export round trip: an account with an award, an item, a redemption.
pub async fn fill(s: &Store, org: OrgId, user: UserId) {
    let mut tx = s.begin().await.expect("begin");
    let a = tx.points_account(Holder::Org(org)).await.expect("account");
    tx.post_points_entry(&award(a.id, 30, "INC-2026-000001"))
        .await
        .expect("award");
    let i = tx.insert_points_item(&item(10, 2)).await.expect("item");
    tx.hold_redemption(a.id, i.id, Some(user), TODAY)
        .await
        .expect("hold")
        .expect("held");
    tx.commit().await.expect("commit");
}

both_engines! {
    async fn points_award_once_per_rule_and_record(t: TestStore) {
        let s = &t.store;
        let o = org(s, "甲資安").await;
        let mut tx = s.begin().await.expect("begin");
        let a = tx.points_account(Holder::Org(o)).await.expect("account");
        let again = tx.points_account(Holder::Org(o)).await.expect("account");
        assert_eq!(a.id, again.id, "one account per organization");
        assert!(tx.post_points_entry(&award(a.id, 10, "INC-1")).await.expect("award").is_some());
        assert!(tx.post_points_entry(&award(a.id, 10, "INC-1")).await.expect("retry").is_none(), "a retry inserts nothing");
        tx.commit().await.expect("commit");
        // Two transactions racing for the same key: one entry.
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let s = s.clone();
            let id = a.id;
            tasks.spawn(async move {
                let mut tx = s.begin().await?;
                let e = tx.post_points_entry(&award(id, 10, "INC-2")).await?;
                tx.commit().await?;
                Ok::<_, tocsin_storage::StorageError>(e.is_some())
            });
        }
        let mut inserted = 0;
        while let Some(r) = tasks.join_next().await {
            inserted += usize::from(r.expect("join").expect("award"));
        }
        assert_eq!(inserted, 1, "raced awards insert once");
        assert_eq!(assert_ledger(s, a.id).await, 20);
        // A debit larger than the balance takes only what is there.
        let mut tx = s.begin().await.expect("begin");
        let mut penalty = award(a.id, -50, "INC-3");
        penalty.kind = EntryKind::Penalty;
        penalty.idempotency_key = Some("penalty:x".into());
        let e = tx.post_points_entry(&penalty).await.expect("penalty").expect("posted");
        assert_eq!(e.delta, -20, "never overdrawn");
        tx.commit().await.expect("commit");
        assert_eq!(assert_ledger(s, a.id).await, 0);
        assert_eq!(s.points_history(a.id, 10).await.expect("history").len(), 3);
        // Entries are immutable.
        assert!(t.store_exec("UPDATE points_entries SET delta = 1000").await.is_err());
        assert!(t.store_exec("DELETE FROM points_entries").await.is_err());
        assert!(t.store_exec("UPDATE points_accounts SET balance = -1").await.is_err(), "no negative balance");
    }

    async fn points_redemption_hold_approve_reject(t: TestStore) {
        let s = &t.store;
        let o = org(s, "乙資安").await;
        let mut tx = s.begin().await.expect("begin");
        let a = tx.points_account(Holder::Org(o)).await.expect("account");
        tx.post_points_entry(&award(a.id, 25, "INC-9")).await.expect("award");
        let i = tx.insert_points_item(&item(10, 5)).await.expect("item");
        let r1 = tx.hold_redemption(a.id, i.id, None, TODAY).await.expect("q").expect("held");
        let r2 = tx.hold_redemption(a.id, i.id, None, TODAY).await.expect("q").expect("held");
        assert_eq!(
            tx.hold_redemption(a.id, i.id, None, TODAY).await.expect("q"),
            Err(HoldRefused::InsufficientPoints),
            "25 points hold two items of 10, not three"
        );
        tx.rollback().await.expect("rollback");
        let mut tx = s.begin().await.expect("begin");
        let a = tx.points_account(Holder::Org(o)).await.expect("account");
        assert_eq!((a.balance, a.held), (0, 0), "the rolled-back transaction left nothing");
        tx.post_points_entry(&award(a.id, 25, "INC-9")).await.expect("award");
        let i = tx.insert_points_item(&item(10, 5)).await.expect("item");
        assert_eq!(tx.hold_redemption(a.id, i.id, None, "2027-01-01").await.expect("q"), Err(HoldRefused::NotAvailable), "outside the window");
        let r1b = tx.hold_redemption(a.id, i.id, None, TODAY).await.expect("q").expect("held");
        let r2b = tx.hold_redemption(a.id, i.id, None, TODAY).await.expect("q").expect("held");
        tx.commit().await.expect("commit");
        let _ = (r1, r2);
        let admin = UserId::new();
        let mut tx = s.begin().await.expect("begin");
        let done = tx.decide_redemption(r1b.id, true, admin, "admin", "ok").await;
        // The admin user does not exist: the foreign key refuses, so use none of it.
        assert!(done.is_err());
        drop(tx);
        let mut tx = s.begin().await.expect("begin");
        let u = tx.create_user(&tocsin_storage::NewUser {
            email: "admin@op.tw".into(), name: "管理員".into(), org_id: None,
            roles: tocsin_domain::Roles::new([tocsin_domain::Role::Admin]), password_hash: None,
        }).await.expect("user");
        let ok = tx.decide_redemption(r1b.id, true, u.id, "管理員", "ok").await.expect("approve").expect("was held");
        assert_eq!(ok.state, "approved");
        assert!(ok.entry_id.is_some());
        assert!(tx.decide_redemption(r1b.id, false, u.id, "管理員", "").await.expect("again").is_none(), "decided once");
        let no = tx.decide_redemption(r2b.id, false, u.id, "管理員", "full").await.expect("reject").expect("was held");
        assert_eq!(no.state, "rejected");
        tx.commit().await.expect("commit");
        let acct = s.points_account_by_id(a.id).await.expect("q").expect("account");
        assert_eq!((acct.balance, acct.held), (15, 0), "spent 10, released 10");
        assert_eq!(assert_ledger(s, a.id).await, 15);
        assert_eq!(s.points_item(i.id).await.expect("q").expect("item").stock, 4, "one taken, one given back");
        assert_eq!(s.redemptions(Some(a.id), None, 10).await.expect("list").len(), 2);
        assert_eq!(s.redemptions(None, Some("held"), 10).await.expect("list").len(), 0);
        let board = s.points_leaderboard(tocsin_domain::Timestamp::from_micros(0), tocsin_domain::Timestamp::from_micros(4_102_444_800_000_000), 10).await.expect("board");
        assert_eq!(board.len(), 1);
        assert_eq!((board[0].name.as_str(), board[0].earned), ("乙資安", 25), "redemptions do not lower the rank");
        let mut tx = s.begin().await.expect("begin");
        tx.set_leaderboard_opt_out(a.id, true).await.expect("opt out");
        tx.commit().await.expect("commit");
        let board = s.points_leaderboard(tocsin_domain::Timestamp::from_micros(0), tocsin_domain::Timestamp::from_micros(4_102_444_800_000_000), 10).await.expect("board");
        assert_eq!(board[0].name, "", "opted out: ranked, not named");
    }

    async fn points_hundred_concurrent_redemptions(t: TestStore) {
        let s = &t.store;
        // (k, s): the balance covers k requests, the stock s; min(k, s) are held.
        for (k, stock) in [(30_i64, 50_i64), (60, 25)] {
            let o = org(s, &format!("丙資安-{k}")).await;
            let mut tx = s.begin().await.expect("begin");
            let a = tx.points_account(Holder::Org(o)).await.expect("account");
            let cost = 7;
            // k covered, the (k+1)th not quite.
            tx.post_points_entry(&award(a.id, cost * k + cost - 1, &format!("INC-{k}"))).await.expect("award");
            let i = tx.insert_points_item(&item(cost, stock)).await.expect("item");
            tx.commit().await.expect("commit");
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..100 {
                let s = s.clone();
                let (acct, it) = (a.id, i.id);
                tasks.spawn(async move {
                    let mut tx = s.begin().await?;
                    let r = tx.hold_redemption(acct, it, None, TODAY).await?;
                    if r.is_ok() {
                        tx.commit().await?;
                    }
                    Ok::<_, tocsin_storage::StorageError>(r)
                });
            }
            let (mut held, mut refused) = (0_i64, 0);
            while let Some(r) = tasks.join_next().await {
                match r.expect("join").expect("no database error") {
                    Ok(_) => held += 1,
                    Err(HoldRefused::OutOfStock | HoldRefused::InsufficientPoints) => refused += 1,
                    Err(e) => panic!("unexpected {e}"),
                }
            }
            assert_eq!((held, refused), (k.min(stock), 100 - k.min(stock)), "k={k} s={stock}");
            let acct = s.points_account_by_id(a.id).await.expect("q").expect("account");
            assert_eq!(acct.held, cost * held);
            assert!(acct.available() >= 0);
            assert_eq!(assert_ledger(s, a.id).await, cost * k + cost - 1, "holds do not touch the ledger");
            assert_eq!(s.points_item(i.id).await.expect("q").expect("item").stock, stock - held);
            assert_eq!(s.redemptions(Some(a.id), Some("held"), 1000).await.expect("list").len() as i64, held);
        }
    }
}

use tocsin_domain::points::{ItemInput, ValidItem};
use tocsin_domain::referral::ReferralState;
use tocsin_domain::{OrgId, OrgKind, Role, Roles, UserId};
use tocsin_storage::{Holder, NewOrganization, NewUser, Store};

use crate::both_engines;

const TODAY: &str = "2026-06-01";

fn assistance(stock: i64) -> ValidItem {
    ItemInput {
        kind: "assistance".into(),
        name_zh: "協處商機轉介".into(),
        name_en: "Assistance referral".into(),
        description: String::new(),
        cost: "10".into(),
        stock: stock.to_string(),
        valid_from: "2026-01-01".into(),
        valid_until: "2026-12-31".into(),
    }
    .validate()
    .expect("valid item")
}

/// A security firm with a member and `n` approved assistance redemptions.
async fn firm(s: &Store, name: &str, n: usize) -> (OrgId, UserId) {
    let mut tx = s.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: "資安".into(),
            kind: OrgKind::SecurityFirm,
            alliance_member: true,
        })
        .await
        .expect("org");
    let u = tx
        .create_user(&NewUser {
            email: format!("{}@firm.example.tw", o.id.uuid().simple()),
            name: format!("{name}窗口"),
            org_id: Some(o.id),
            roles: Roles::new([Role::Member]),
            password_hash: None,
        })
        .await
        .expect("user");
    let a = tx.points_account(Holder::Org(o.id)).await.expect("account");
    tx.post_points_entry(&tocsin_storage::NewEntry {
        account_id: a.id,
        delta: 1_000,
        kind: tocsin_domain::points::EntryKind::Adjustment,
        rule: String::new(),
        source_kind: String::new(),
        source_id: String::new(),
        idempotency_key: None,
        reason: "seed".into(),
        actor_id: None,
        actor: "admin".into(),
    })
    .await
    .expect("points");
    let item = tx.insert_points_item(&assistance(100)).await.expect("item");
    for _ in 0..n {
        let r = tx
            .hold_redemption(a.id, item.id, Some(u.id), TODAY)
            .await
            .expect("hold")
            .expect("held");
        tx.decide_redemption(r.id, true, u.id, "admin", "")
            .await
            .expect("decide")
            .expect("approved");
    }
    tx.commit().await.expect("commit");
    (o.id, u.id)
}

/// A referral offered on a fresh report.
async fn offered(s: &Store, name: &str) -> tocsin_storage::Referral {
    let report = crate::reports::file(s, name).await;
    let mut tx = s.begin().await.expect("begin");
    let mut r = tx.consent_referral(report.id).await.expect("consent");
    r.state = ReferralState::Offered.as_str().into();
    r.sector = "製造業".into();
    tx.update_referral(&r).await.expect("offer");
    tx.commit().await.expect("commit");
    r
}

/// Rows for the export round trip: a referral accepted by a firm.
pub async fn fill(s: &Store) {
    let (f, u) = firm(s, "匯出資安", 1).await;
    let r = offered(s, "Referred").await;
    let mut tx = s.begin().await.expect("begin");
    tx.accept_referral(r.id, f, u)
        .await
        .expect("accept")
        .expect("accepted");
    tx.commit().await.expect("commit");
}

both_engines! {
    async fn referral_consent_once_and_acceptance_backed_by_redemptions(t: TestStore) {
        let s = &t.store;
        let report = crate::reports::file(s, "A").await;
        let mut tx = s.begin().await.expect("begin");
        let a = tx.consent_referral(report.id).await.expect("consent");
        let b = tx.consent_referral(report.id).await.expect("again");
        tx.commit().await.expect("commit");
        assert_eq!((a.id, a.state.as_str()), (b.id, "consented"), "one referral per report");

        let (rich, rich_user) = firm(s, "甲資安", 1).await;
        let (poor, poor_user) = firm(s, "乙資安", 0).await;
        assert!(s.has_free_assistance(rich).await.expect("free"));
        assert!(!s.has_free_assistance(poor).await.expect("free"));
        let one = offered(s, "B").await;
        let two = offered(s, "C").await;

        let mut tx = s.begin().await.expect("begin");
        assert!(tx.accept_referral(one.id, poor, poor_user).await.expect("accept").is_none(), "no redemption, no acceptance");
        let x = tx.accept_referral(one.id, rich, rich_user).await.expect("accept").expect("accepted");
        assert!(tx.accept_referral(one.id, rich, rich_user).await.expect("again").is_none(), "once per firm and referral");
        assert!(tx.accept_referral(two.id, rich, rich_user).await.expect("second").is_none(), "its one redemption backs one acceptance");
        tx.commit().await.expect("commit");
        assert!(!s.has_free_assistance(rich).await.expect("free"));

        let rows = s.referral_responses(one.id).await.expect("responses");
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].org_name.as_str(), rows[0].contact_name.as_str(), rows[0].response.redemption_id), ("甲資安", "甲資安窗口", x.redemption_id));
        assert_eq!(s.referrals_of_firm(rich, 10).await.expect("firm").iter().map(|r| r.id).collect::<Vec<_>>(), [one.id]);
    }

    async fn referral_choice_frees_the_others(t: TestStore) {
        let s = &t.store;
        let (a, au) = firm(s, "甲資安", 1).await;
        let (b, bu) = firm(s, "乙資安", 1).await;
        let one = offered(s, "A").await;
        let two = offered(s, "B").await;
        let mut tx = s.begin().await.expect("begin");
        tx.accept_referral(one.id, a, au).await.expect("a").expect("a accepted");
        tx.accept_referral(one.id, b, bu).await.expect("b").expect("b accepted");
        assert!(!tx.choose_referral_firm(one.id, uuid::Uuid::now_v7()).await.expect("stranger"), "only a firm that accepted");
        assert!(tx.choose_referral_firm(one.id, a.uuid()).await.expect("choose"));
        tx.commit().await.expect("commit");
        let states: Vec<_> = s.referral_responses(one.id).await.expect("rows").into_iter().map(|r| (r.org_name, r.response.state)).collect();
        assert_eq!(states, [("甲資安".to_string(), "chosen".to_string()), ("乙資安".to_string(), "not_chosen".to_string())]);
        // The firm not chosen may accept another offer; the chosen one has used its own.
        assert!(s.has_free_assistance(b).await.expect("b free"));
        assert!(!s.has_free_assistance(a).await.expect("a used"));
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.accept_referral(two.id, b, bu).await.expect("b again").is_some());
        tx.release_referral_responses(two.id).await.expect("withdraw");
        tx.commit().await.expect("commit");
        assert!(s.has_free_assistance(b).await.expect("released"));
    }

    async fn referral_concurrent_acceptances_never_exceed_redemptions(t: TestStore) {
        let s = &t.store;
        let (f, u) = firm(s, "丙資安", 3).await;
        let mut offers = Vec::new();
        for i in 0..10 {
            offers.push(offered(s, &format!("R{i}")).await.id);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for id in offers {
            let s = s.clone();
            tasks.spawn(async move {
                let mut tx = s.begin().await?;
                let got = tx.accept_referral(id, f, u).await;
                match got {
                    Ok(Some(_)) => {
                        tx.commit().await?;
                        Ok(true)
                    }
                    Ok(None) | Err(tocsin_storage::StorageError::Conflict(_)) => Ok(false),
                    Err(e) => Err(e),
                }
            });
        }
        let mut accepted = 0;
        while let Some(r) = tasks.join_next().await {
            accepted += usize::from(r.expect("join").expect("accept"));
        }
        assert_eq!(accepted, 3, "exactly one acceptance per redemption");
        assert_eq!(s.referrals_of_firm(f, 100).await.expect("firm").len(), 3);
    }
}

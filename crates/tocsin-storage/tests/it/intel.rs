//! Intel sharing storage: groups, records, audiences, deliveries, search, and the property
//! that a listing in a principal's scope holds exactly the records the policy lets them read.

use std::collections::BTreeSet;

use tocsin_domain::policy::{Action, IntelAudience, Principal, Resource, authorize, intel_scope};
use tocsin_domain::{GroupId, IntelId, OrgId, OrgKind, Role, Roles, Timestamp, Tlp, UserId};
use tocsin_storage::{
    AudienceKind, Delivery, IntelFilter, IntelRow, NewIntel, NewOrganization, SharingGroup, Store,
};

use crate::both_engines;

async fn org(s: &Store, name: &str) -> OrgId {
    let mut tx = s.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: String::new(),
            kind: OrgKind::Company,
            alliance_member: false,
        })
        .await
        .expect("org");
    tx.commit().await.expect("commit");
    o.id
}

async fn group(s: &Store, name: &str, members: &[OrgId]) -> GroupId {
    let g = SharingGroup {
        id: GroupId::new(),
        name: name.into(),
        kind: "isac".into(),
        description: String::new(),
        created_at: Timestamp::now(),
    };
    let mut tx = s.begin().await.expect("begin");
    tx.insert_group(&g).await.expect("group");
    for m in members {
        tx.add_group_member(g.id, *m).await.expect("member");
    }
    tx.commit().await.expect("commit");
    g.id
}

fn row(tlp: Tlp, owner: Option<OrgId>, subject: &str, published: i64) -> IntelRow {
    let now = Timestamp::now();
    IntelRow {
        id: IntelId::new(),
        status: "shared".into(),
        category: "DEF".into(),
        tlp: tlp.as_str().into(),
        tlp_floor: tlp.as_str().into(),
        impact_level: Some(2),
        subject: subject.into(),
        dispatch_id: String::new(),
        published_at: Timestamp::from_micros(published),
        body: "{}".into(),
        owner_org_id: owner.map(|o| o.uuid()),
        created_by: None,
        answers_id: None,
        derived_from: None,
        channel: "web".into(),
        created_at: now,
        updated_at: now,
    }
}

async fn insert(s: &Store, r: &IntelRow, text: &str, audience: &[(AudienceKind, uuid::Uuid)]) {
    let mut tx = s.begin().await.expect("begin");
    tx.insert_intel(&NewIntel {
        row: r.clone(),
        search_text: text.into(),
        observables: vec![("ipv4".into(), "198.51.100.7".into(), "extracted".into())],
    })
    .await
    .expect("insert");
    for (k, t) in audience {
        tx.add_audience(r.id, *k, *t, Timestamp::now())
            .await
            .expect("audience");
    }
    tx.commit().await.expect("commit");
}

fn ids(rows: &[IntelRow]) -> BTreeSet<IntelId> {
    rows.iter().map(|r| r.id).collect()
}

/// A tiny deterministic generator, so failures repeat.
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    pub(crate) fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

both_engines! {
    async fn search_finds_two_character_chinese_words(t: TestStore) {
        let s = &t.store;
        let a = row(Tlp::Green, None, "漏洞通報", 1);
        let b = row(Tlp::Green, None, "勒索軟體", 2);
        insert(s, &a, "漏洞通報\n某產品存在漏洞 CVE-2026-0001", &[]).await;
        insert(s, &b, "勒索軟體\nLockBit 攻擊醫院", &[]).await;
        let find = |q: &str| IntelFilter { query: Some(q.into()), limit: 100, ..Default::default() };
        assert_eq!(ids(&s.list_intel(&find("漏洞")).await.expect("q")), BTreeSet::from([a.id]));
        assert_eq!(ids(&s.list_intel(&find("洞")).await.expect("q")), BTreeSet::from([a.id]));
        // One character, inside a run or ending it (SQLite finds it by prefix).
        for (q, id) in [("通", a.id), ("報", a.id), ("軟", b.id), ("體", b.id), ("院", b.id)] {
            assert_eq!(ids(&s.list_intel(&find(q)).await.expect("q")), BTreeSet::from([id]), "{q}");
        }
        assert_eq!(ids(&s.list_intel(&find("lockbit")).await.expect("q")), BTreeSet::from([b.id]));
        assert_eq!(ids(&s.list_intel(&find("醫院")).await.expect("q")), BTreeSet::from([b.id]));
        assert!(s.list_intel(&find("金融")).await.expect("q").is_empty());
        // FTS syntax in a query is only text.
        assert!(s.list_intel(&find("\" OR *")).await.expect("q").len() <= 2);
        // Filters and order.
        let all = s.list_intel(&IntelFilter { limit: 10, ..Default::default() }).await.expect("q");
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b.id, a.id], "newest first");
        let by_ip = IntelFilter { observable: Some("198.51.100.7".into()), limit: 10, ..Default::default() };
        assert_eq!(s.list_intel(&by_ip).await.expect("q").len(), 2);
        let amber = IntelFilter { tlp: Some(Tlp::Amber), limit: 10, ..Default::default() };
        assert!(s.list_intel(&amber).await.expect("q").is_empty());
        // An update re-indexes.
        let mut a2 = a.clone();
        a2.subject = "金融詐騙".into();
        let mut tx = s.begin().await.expect("begin");
        let before = s.intel_observables(a.id).await.expect("obs");
        assert!(!before.is_empty());
        tx.update_intel(&NewIntel { row: a2, search_text: "金融詐騙".into(), observables: vec![] }).await.expect("update");
        tx.commit().await.expect("commit");
        assert_eq!(ids(&s.list_intel(&find("金融")).await.expect("q")), BTreeSet::from([a.id]));
        assert!(s.list_intel(&find("漏洞")).await.expect("q").is_empty());
        // An update (as sharing does) keeps the indicators; replacing them is explicit.
        assert_eq!(s.intel_observables(a.id).await.expect("obs"), before);
        let mut tx = s.begin().await.expect("begin");
        tx.replace_observables(a.id, &[]).await.expect("replace");
        tx.commit().await.expect("commit");
        assert!(s.intel_observables(a.id).await.expect("obs").is_empty());
    }

    async fn deliveries_are_recorded_once_per_user(t: TestStore) {
        let s = &t.store;
        let o = org(s, "Bank").await;
        let mut tx = s.begin().await.expect("begin");
        let u = tx.create_user(&tocsin_storage::NewUser {
            email: "soc@bank.tw".into(), name: "SOC".into(), org_id: Some(o),
            roles: Roles::new([Role::Member]), password_hash: None,
        }).await.expect("user");
        tx.commit().await.expect("commit");
        let r = row(Tlp::Amber, None, "x", 1);
        insert(s, &r, "x", &[(AudienceKind::Org, o.uuid())]).await;
        let d = Delivery {
            id: uuid::Uuid::now_v7(), record_id: r.id.uuid(), user_id: u.id.uuid(), email: u.email.clone(),
            tlp: "amber".into(), locale: "zh-TW".into(), message_id: "m@x".into(), delivered_at: Timestamp::now(),
        };
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.insert_delivery(&d).await.expect("d"));
        assert!(!tx.insert_delivery(&Delivery { id: uuid::Uuid::now_v7(), ..d.clone() }).await.expect("d"));
        assert!(!tx.add_audience(r.id, AudienceKind::Org, o.uuid(), Timestamp::now()).await.expect("a"));
        tx.commit().await.expect("commit");
        assert_eq!(s.intel_deliveries(r.id).await.expect("list"), vec![d]);
        assert_eq!(s.intel_audience(r.id).await.expect("aud").len(), 1);
    }

    async fn listings_agree_with_the_policy(t: TestStore) {
        let s = &t.store;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut orgs = Vec::new();
        for i in 0..6 {
            orgs.push(org(s, &format!("org{i}")).await);
        }
        // Two groups; org5 is in none (outside the community).
        let groups = [
            (group(s, "F-ISAC", &orgs[0..2]).await, orgs[0..2].to_vec()),
            (group(s, "H-ISAC", &orgs[2..4]).await, orgs[2..4].to_vec()),
        ];
        let users: Vec<(UserId, Option<OrgId>)> = (0..8)
            .map(|i| (UserId::new(), if i == 7 { None } else { Some(orgs[i % orgs.len()]) }))
            .collect();
        struct Rec { id: IntelId, tlp: Tlp, draft: bool, owner: Option<OrgId>, aud: Vec<(AudienceKind, uuid::Uuid)> }
        let mut recs = Vec::new();
        for i in 0..40 {
            let tlp = Tlp::ALL[rng.next(Tlp::ALL.len())];
            let owner = if rng.next(4) == 0 { Some(orgs[rng.next(orgs.len())]) } else { None };
            let mut r = row(tlp, owner, "勒索軟體警訊", i);
            let draft = rng.next(5) == 0;
            if draft {
                r.status = "draft".into();
            }
            let mut aud = Vec::new();
            for _ in 0..rng.next(4) {
                aud.push(match rng.next(4) {
                    0 => (AudienceKind::Group, groups[rng.next(2)].0.uuid()),
                    1 => (AudienceKind::Org, orgs[rng.next(orgs.len())].uuid()),
                    2 => (AudienceKind::User, users[rng.next(users.len())].0.uuid()),
                    _ => (AudienceKind::Informed, orgs[rng.next(orgs.len())].uuid()),
                });
            }
            aud.sort();
            aud.dedup();
            insert(s, &r, "勒索軟體警訊 ransomware", &aud).await;
            recs.push(Rec { id: r.id, tlp, draft, owner, aud });
        }
        for (user, user_org) in &users {
            let in_group = |g: uuid::Uuid, o: OrgId| groups.iter().any(|(id, m)| id.uuid() == g && m.contains(&o));
            let community = user_org.is_some_and(|o| groups.iter().any(|(_, m)| m.contains(&o)));
            for roles in [vec![Role::Member], vec![Role::Partner], vec![Role::Analyst]] {
                let p = Principal { user_id: *user, org_id: *user_org, roles: Roles::new(roles) };
                let expected: BTreeSet<IntelId> = recs.iter().filter(|r| {
                    let o = *user_org;
                    let audience = IntelAudience {
                        author: o.is_some() && r.owner == o,
                        named_user: r.aud.iter().any(|(k, t)| *k == AudienceKind::User && *t == user.uuid()),
                        recipient_org: o.is_some_and(|o| r.aud.iter().any(|(k, t)| (*k == AudienceKind::Org && *t == o.uuid()) || (*k == AudienceKind::Group && in_group(*t, o)))),
                        informed_org: o.is_some_and(|o| r.aud.iter().any(|(k, t)| *k == AudienceKind::Informed && *t == o.uuid())),
                        community,
                    };
                    authorize(Some(&p), Action::Read, &Resource::Intel { tlp: r.tlp, draft: r.draft, audience }).is_ok()
                }).map(|r| r.id).collect();
                for query in [None, Some("勒索".to_string()), Some("ransomware".to_string())] {
                    let f = IntelFilter { scope: Some(intel_scope(Some(&p), community)), query, limit: 1000, ..Default::default() };
                    let got = ids(&s.list_intel(&f).await.expect("list"));
                    assert_eq!(got, expected, "user {user} org {user_org:?} roles {:?}", p.roles);
                }
            }
        }
        // Anonymous: shared CLEAR records only.
        let f = IntelFilter { scope: Some(intel_scope(None, false)), limit: 1000, ..Default::default() };
        let want: BTreeSet<IntelId> = recs.iter().filter(|r| r.tlp == Tlp::Clear && !r.draft).map(|r| r.id).collect();
        assert_eq!(ids(&s.list_intel(&f).await.expect("list")), want);
    }
}

both_engines! {
    async fn a_batch_insert_stores_what_single_inserts_store(t: TestStore) {
        use tocsin_storage::intel::PreparedIntel;
        let s = &t.store;
        // More records than one statement holds, and indicators over several statements.
        let batch: Vec<NewIntel> = (0..450)
            .map(|i| {
                let mut r = row(Tlp::Amber, None, &format!("批次情資 {i}"), i);
                r.status = "draft".into();
                r.channel = "import".into();
                r.impact_level = if i % 3 == 0 { None } else { Some(2) };
                // Text that a bulk format must escape (tabs, backslashes, line ends, quotes).
                if i == 299 {
                    r.body = "{\"a\":\"tab\there \\\\N back\\ line\nend\r\"}\t\\.\n\\N".into();
                    r.subject = "引號\"{a,b}\\ \t".into();
                }
                NewIntel {
                    search_text: format!("批次情資 {i}\n中繼站 198.51.100.{} {}", i % 250, if i == 299 { "\"q\\\" {x,y}" } else { "" }),
                    observables: vec![
                        ("ipv4".into(), format!("198.51.100.{}", i % 250), "extracted".into()),
                        ("domain".into(), format!("c2-{i}.example.net"), "extracted".into()),
                        ("md5".into(), format!("{i:032x}"), "extracted".into()),
                    ],
                    row: r,
                }
            })
            .collect();
        let prepared: Vec<PreparedIntel> =
            batch.iter().map(|n| PreparedIntel::new(n.clone()).expect("prepare")).collect();
        assert_eq!(prepared[7].row(), &batch[7].row);
        let mut tx = s.begin().await.expect("begin");
        tx.insert_intel_batch(&[]).await.expect("empty batch");
        tx.insert_intel_batch(&prepared[..300]).await.expect("batch");
        tx.insert_intel_batch(&prepared[300..]).await.expect("second batch");
        tx.commit().await.expect("commit");
        // A single insert after a batch still gets its own search entry.
        let single = row(Tlp::Green, None, "單筆情資", 1000);
        insert(s, &single, "單筆情資 勒索軟體", &[]).await;

        for n in [&batch[0], &batch[299], &batch[449]] {
            assert_eq!(s.get_intel(n.row.id).await.expect("get").as_ref(), Some(&n.row));
            let obs = s.intel_observables(n.row.id).await.expect("obs");
            let got: BTreeSet<(String, String)> = obs.into_iter().map(|o| (o.kind, o.value)).collect();
            let want: BTreeSet<(String, String)> = n.observables.iter().map(|(k, v, _)| (k.clone(), v.clone())).collect();
            assert_eq!(got, want);
        }
        let find = |q: &str| IntelFilter { query: Some(q.into()), limit: 1000, ..Default::default() };
        assert_eq!(s.list_intel(&find("批次")).await.expect("q").len(), 450);
        assert_eq!(ids(&s.list_intel(&find("勒索")).await.expect("q")), BTreeSet::from([single.id]));
        let by_ip = IntelFilter { observable: Some("198.51.100.7".into()), limit: 10, ..Default::default() };
        // (The helper gives the single record that address too.)
        let mut want: BTreeSet<IntelId> = [7, 257].iter().map(|i| batch[*i].row.id).collect();
        want.insert(single.id);
        assert_eq!(ids(&s.list_intel(&by_ip).await.expect("q")), want);
        let drafts = IntelFilter { status: Some("draft".into()), limit: 1000, ..Default::default() };
        assert_eq!(s.list_intel(&drafts).await.expect("q").len(), 450);
    }
}

both_engines! {
    // Keyset pages of the listing never skip or repeat a record while records are added
    // between pages (older, newer and at the very time of the cursor), for the desk and
    // for a partner whose TLP scope filters, with and without a filter or a search.
    async fn keyset_pages_neither_skip_nor_repeat(t: TestStore) {
        use tocsin_storage::intel::IntelCursor;
        let s = &t.store;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let partner_org = org(s, "夥伴").await;
        group(s, "F-ISAC", &[partner_org]).await;
        let partner = Principal { user_id: UserId::new(), org_id: Some(partner_org), roles: Roles::new(vec![Role::Partner]) };
        // Few distinct times, so that many records share one and the sequence decides.
        let mut made: Vec<IntelRow> = Vec::new();
        let add = |rng: &mut Rng, i: usize| {
            let mut r = row(Tlp::ALL[rng.next(Tlp::ALL.len())], None, &format!("頁面情資 {i}"), (rng.next(12) as i64) * 1_000_000);
            r.category = ["DEF", "INT"][rng.next(2)].into();
            r
        };
        for i in 0..60 {
            let r = add(&mut rng, i);
            insert(s, &r, "頁面情資", &[]).await;
            made.push(r);
        }
        let scopes = [None, Some(intel_scope(Some(&partner), true))];
        for scope in scopes {
            for (category, query) in [(None, None), (Some("DEF"), None), (None, Some("情資"))] {
                let base = IntelFilter { scope: scope.clone(), category: category.map(str::to_string), query: query.map(str::to_string), limit: 1000, ..Default::default() };
                let before: Vec<IntelId> = s.list_intel(&base).await.expect("all").iter().map(|r| r.id).collect();
                let mut seen: Vec<IntelId> = Vec::new();
                let mut after: Option<IntelCursor> = None;
                let mut added = 0;
                loop {
                    let page = s.list_intel_page(&IntelFilter { limit: 7, after, ..base.clone() }).await.expect("page");
                    assert!(page.rows.len() <= 7);
                    seen.extend(page.rows.iter().map(|r| r.id));
                    // Records arrive between pages, some of them at the cursor's time.
                    for _ in 0..3 {
                        let mut r = add(&mut rng, 1000 + added);
                        if let (Some(c), 0) = (page.next, rng.next(3)) {
                            r.published_at = c.published_at;
                        }
                        insert(s, &r, "頁面情資", &[]).await;
                        added += 1;
                    }
                    match page.next {
                        Some(c) => {
                            assert_eq!(IntelCursor::parse(&c.token()), Some(c));
                            after = Some(c);
                        }
                        None => break,
                    }
                }
                let unique: BTreeSet<IntelId> = seen.iter().copied().collect();
                assert_eq!(unique.len(), seen.len(), "a record repeated ({scope:?} {category:?} {query:?})");
                for id in &before {
                    assert!(unique.contains(id), "a record skipped ({scope:?} {category:?} {query:?})");
                }
                // Every record a page showed is one the filter admits now.
                let now: BTreeSet<IntelId> = s.list_intel(&base).await.expect("all").iter().map(|r| r.id).collect();
                assert!(unique.is_subset(&now));
            }
        }
        assert_eq!(IntelCursor::parse("zz.1"), None);
        assert_eq!(IntelCursor::parse("1"), None);
        assert_eq!(IntelCursor::parse(""), None);
    }
}

//! TAXII storage: pages cut by the (date_added, id) cursor hold every row once and in
//! order, whatever the page size; added_after, match[id], match[type], match[spec_version]
//! and match[version] narrow the same query; deleting removes an object's versions; and
//! the rows a principal sees are exactly those of the records the policy lets them read
//! (plus the constant objects), on both engines.

use std::collections::BTreeSet;

use tocsin_domain::policy::{
    Action, IntelAudience, IntelScope, Principal, Resource, authorize, intel_scope,
};
use tocsin_domain::{GroupId, IntelId, OrgId, OrgKind, Role, Roles, Timestamp, Tlp, UserId};
use tocsin_storage::taxii::{TaxiiObject, TaxiiQuery, VersionMatch};
use tocsin_storage::{AudienceKind, IntelRow, NewIntel, NewOrganization, SharingGroup, Store};
use uuid::Uuid;

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

fn row(tlp: Tlp, owner: Option<OrgId>, draft: bool) -> IntelRow {
    let now = Timestamp::now();
    IntelRow {
        id: IntelId::new(),
        status: if draft { "draft" } else { "shared" }.into(),
        category: "DEF".into(),
        tlp: tlp.as_str().into(),
        tlp_floor: tlp.as_str().into(),
        impact_level: None,
        subject: "s".into(),
        dispatch_id: String::new(),
        published_at: now,
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

async fn insert_record(s: &Store, r: &IntelRow, audience: &[(AudienceKind, Uuid)]) {
    let mut tx = s.begin().await.expect("begin");
    tx.insert_intel(&NewIntel {
        row: r.clone(),
        search_text: String::new(),
        observables: vec![],
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

fn object(
    collection: GroupId,
    record: Option<IntelId>,
    kind: &str,
    n: u128,
    version: i64,
    added: i64,
) -> TaxiiObject {
    let stix_id = format!(
        "{kind}--{}",
        Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 + n)
    );
    TaxiiObject {
        id: Uuid::now_v7(),
        collection_id: collection.uuid(),
        record_id: record,
        body: format!(r#"{{"type":"{kind}","id":"{stix_id}"}}"#),
        stix_id,
        kind: kind.into(),
        version: Timestamp::from_micros(version),
        spec_version: "2.1".into(),
        date_added: Timestamp::from_micros(added),
    }
}

async fn store_objects(s: &Store, rows: &[TaxiiObject]) -> u64 {
    let mut tx = s.begin().await.expect("begin");
    let n = tx.insert_taxii_objects(rows).await.expect("insert");
    tx.commit().await.expect("commit");
    n
}

/// Every page of a query, following the cursor.
async fn all_pages(s: &Store, q: &TaxiiQuery, limit: i64) -> Vec<TaxiiObject> {
    let mut q = q.clone();
    q.limit = limit + 1;
    let mut out = Vec::new();
    loop {
        let mut page = s.taxii_objects(&q).await.expect("page");
        let more = page.len() as i64 > limit;
        page.truncate(limit as usize);
        if let Some(last) = page.last() {
            q.after = Some((last.date_added, last.id));
        }
        out.extend(page);
        if !more {
            return out;
        }
    }
}

fn sorted(rows: &[TaxiiObject]) -> bool {
    rows.windows(2)
        .all(|w| (w[0].date_added, w[0].id) < (w[1].date_added, w[1].id))
}

/// TAXII rows for the export round trip: a group's collection with a record's object, a
/// constant object and a status resource.
pub async fn fill(s: &Store, org: OrgId, user: Uuid) {
    let g = group(s, "TAXII-G", &[org]).await;
    let mut rec = row(Tlp::Green, Some(org), false);
    let record = tocsin_domain::IntelInput {
        category: "DEF".into(),
        subject: "s".into(),
        source: "TWCERT/CC".into(),
        published_at: "2026-12-01T10:00:00+08:00".into(),
        tlp: "green".into(),
        content: "c".into(),
        ..Default::default()
    }
    .validate()
    .expect("valid");
    rec.body = serde_json::to_string(&record).expect("json");
    insert_record(s, &rec, &[(AudienceKind::Group, g.uuid())]).await;
    let mut tx = s.begin().await.expect("begin");
    let indicator = (
        "ipv4".to_string(),
        "198.51.100.9".to_string(),
        "content".to_string(),
    );
    tx.replace_observables(rec.id, &[indicator])
        .await
        .expect("observables");
    tx.commit().await.expect("commit");
    store_objects(
        s,
        &[
            object(g, Some(rec.id), "indicator", 1, 10, 20),
            object(g, None, "marking-definition", 2, 1, 1),
        ],
    )
    .await;
    let mut tx = s.begin().await.expect("begin");
    tx.insert_taxii_status(
        Uuid::now_v7(),
        g.uuid(),
        user,
        r#"{"status":"complete"}"#,
        Timestamp::from_micros(5),
    )
    .await
    .expect("status");
    tx.commit().await.expect("commit");
}

both_engines! {
    // What a TAXII request reads of its collection and caller in one query: the group,
    // whether the caller's organization is in it, and whether it is in any group.
    async fn a_group_as_an_organization_stands_to_it(t: TestStore) {
        let s = &t.store;
        let (a, b, c) = (org(s, "a").await, org(s, "b").await, org(s, "c").await);
        let g = group(s, "G", &[a]).await;
        let h = group(s, "H", &[b]).await;
        let got = s.group_for_org(g, Some(a)).await.expect("q").expect("the group");
        assert_eq!(got.group, s.get_group(g).await.expect("q").expect("the group"));
        assert!(got.member && got.community);
        let got = s.group_for_org(g, Some(b)).await.expect("q").expect("the group");
        assert!(!got.member && got.community, "b is in another group");
        let got = s.group_for_org(h, Some(c)).await.expect("q").expect("the group");
        assert_eq!(got.group.id, h);
        assert!(!got.member && !got.community, "c is in no group");
        let got = s.group_for_org(g, None).await.expect("q").expect("the group");
        assert!(!got.member && !got.community, "no organization, no group");
        assert!(s.group_for_org(GroupId::new(), Some(a)).await.expect("q").is_none());
    }

    async fn pages_filters_and_versions(t: TestStore) {
        let s = &t.store;
        let o = org(s, "o").await;
        let g = group(s, "G", &[o]).await;
        let rec = row(Tlp::Clear, None, false);
        insert_record(s, &rec, &[(AudienceKind::Group, g.uuid())]).await;
        // 60 indicators in three versions each (added at three times, many rows sharing a
        // date_added), 20 identities, and 2 constant markings stored twice (kept once).
        let mut rows = Vec::new();
        for n in 0..60u128 {
            for v in 0..3i64 {
                rows.push(object(g, Some(rec.id), "indicator", n, 1_000 + v, 10 + v));
            }
        }
        for n in 100..120u128 {
            rows.push(object(g, Some(rec.id), "identity", n, 500, 11));
        }
        for n in 200..202u128 {
            rows.push(object(g, None, "marking-definition", n, 1, 5));
            rows.push(object(g, None, "marking-definition", n, 1, 5));
        }
        assert_eq!(store_objects(s, &rows).await, 60 * 3 + 20 + 2);
        assert_eq!(store_objects(s, &rows[..10]).await, 0, "a stored version is kept once");
        let q = TaxiiQuery::new(IntelScope::All, g.uuid(), 100);
        let mut all = q.clone();
        all.version = VersionMatch::All;
        for limit in [1, 7, 100, 1000] {
            let got = all_pages(s, &all, limit).await;
            assert_eq!(got.len(), 202, "limit {limit}");
            assert!(sorted(&got), "limit {limit}");
        }
        // Newest versions only: one row per object.
        let last = all_pages(s, &q, 13).await;
        assert_eq!(last.len(), 60 + 20 + 2);
        assert!(last.iter().filter(|r| r.kind == "indicator").all(|r| r.version.micros() == 1_002));
        let mut first = q.clone();
        first.version = VersionMatch::First;
        assert!(all_pages(s, &first, 50).await.iter().filter(|r| r.kind == "indicator").all(|r| r.version.micros() == 1_000));
        let mut at = all.clone();
        at.version = VersionMatch::At(vec![Timestamp::from_micros(1_001)]);
        assert_eq!(all_pages(s, &at, 50).await.len(), 60);
        // match[type], match[id], match[spec_version], added_after.
        let mut types = all.clone();
        types.kinds = vec!["identity".into(), "marking-definition".into()];
        assert_eq!(all_pages(s, &types, 5).await.len(), 22);
        let mut by_id = all.clone();
        by_id.ids = vec![rows[0].stix_id.clone()];
        assert_eq!(all_pages(s, &by_id, 5).await.len(), 3);
        let mut spec = all.clone();
        spec.spec_versions = vec!["2.0".into()];
        assert!(all_pages(s, &spec, 5).await.is_empty());
        let mut after = all.clone();
        after.added_after = Some(Timestamp::from_micros(11));
        let got = all_pages(s, &after, 9).await;
        assert_eq!(got.len(), 60);
        assert!(got.iter().all(|r| r.date_added.micros() > 11));
        // Another collection sees nothing of this one.
        let other = group(s, "H", &[o]).await;
        assert!(all_pages(s, &TaxiiQuery::new(IntelScope::All, other.uuid(), 10), 10).await.is_empty());
        // Delete: every version of one object, or one version.
        let mut tx = s.begin().await.expect("begin");
        assert_eq!(tx.delete_taxii_object(g.uuid(), &rows[0].stix_id, &[]).await.expect("delete"), 3);
        assert_eq!(tx.delete_taxii_object(g.uuid(), &rows[3].stix_id, &[Timestamp::from_micros(1_002)]).await.expect("delete"), 1);
        tx.commit().await.expect("commit");
        assert_eq!(all_pages(s, &all, 100).await.len(), 202 - 4);
        assert_eq!(s.taxii_count(g.uuid()).await.expect("count"), 202 - 4);
    }

    async fn status_resources_are_their_owners(t: TestStore) {
        let s = &t.store;
        let o = org(s, "o").await;
        let g = group(s, "G", &[o]).await;
        let mut tx = s.begin().await.expect("begin");
        let u = tx
            .create_user(&tocsin_storage::NewUser {
                email: "a@example.org".into(),
                name: "A".into(),
                org_id: Some(o),
                roles: Roles::new(vec![Role::Partner]),
                password_hash: None,
            })
            .await
            .expect("user");
        let id = Uuid::now_v7();
        tx.insert_taxii_status(id, g.uuid(), u.id.uuid(), r#"{"status":"complete"}"#, Timestamp::now()).await.expect("status");
        tx.commit().await.expect("commit");
        assert_eq!(s.taxii_status(id, u.id.uuid()).await.expect("get").as_deref(), Some(r#"{"status":"complete"}"#));
        assert_eq!(s.taxii_status(id, Uuid::now_v7()).await.expect("get"), None);
        // Kept until the clean-up's cut-off passes its creation, then gone.
        assert_eq!(s.purge_taxii_status(Timestamp::from_micros(Timestamp::now().micros() - 3_600_000_000)).await.expect("purge"), 0, "an hour-old cut-off keeps it");
        assert_eq!(s.purge_taxii_status(Timestamp::now()).await.expect("purge"), 1);
        assert_eq!(s.taxii_status(id, u.id.uuid()).await.expect("get"), None);
    }

    async fn a_principal_sees_exactly_the_objects_of_records_the_policy_lets_them_read(t: TestStore) {
        let s = &t.store;
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut orgs = Vec::new();
        for i in 0..5 {
            orgs.push(org(s, &format!("org{i}")).await);
        }
        let g = group(s, "F-ISAC", &orgs[0..3]).await;
        let h = group(s, "H-ISAC", &orgs[3..4]).await;
        let users: Vec<(UserId, Option<OrgId>)> =
            (0..7).map(|i| (UserId::new(), if i == 6 { None } else { Some(orgs[i % orgs.len()]) })).collect();
        struct Rec { id: IntelId, tlp: Tlp, draft: bool, owner: Option<OrgId>, aud: Vec<(AudienceKind, Uuid)> }
        let mut recs = Vec::new();
        let mut objects = vec![object(g, None, "marking-definition", 9_999, 1, 1)];
        for i in 0..30u128 {
            let tlp = Tlp::ALL[next(Tlp::ALL.len())];
            let owner = (next(4) == 0).then(|| orgs[next(orgs.len())]);
            let draft = next(5) == 0;
            let r = row(tlp, owner, draft);
            let mut aud = vec![(AudienceKind::Group, g.uuid())];
            for _ in 0..next(3) {
                aud.push(match next(4) {
                    0 => (AudienceKind::Group, h.uuid()),
                    1 => (AudienceKind::Org, orgs[next(orgs.len())].uuid()),
                    2 => (AudienceKind::User, users[next(users.len())].0.uuid()),
                    _ => (AudienceKind::Informed, orgs[next(orgs.len())].uuid()),
                });
            }
            aud.sort();
            aud.dedup();
            insert_record(s, &r, &aud).await;
            for k in 0..3 {
                objects.push(object(g, Some(r.id), "indicator", i * 10 + k, 1, (i * 3 + k) as i64));
            }
            recs.push(Rec { id: r.id, tlp, draft, owner, aud });
        }
        store_objects(s, &objects).await;
        let members = |grp: GroupId| if grp == g { &orgs[0..3] } else { &orgs[3..4] };
        for (user, user_org) in &users {
            let community = user_org.is_some_and(|o| orgs[0..4].contains(&o));
            for roles in [vec![Role::Member], vec![Role::Partner], vec![Role::Analyst]] {
                let p = Principal { user_id: *user, org_id: *user_org, roles: Roles::new(roles) };
                let readable: BTreeSet<IntelId> = recs.iter().filter(|r| {
                    let audience = IntelAudience {
                        author: user_org.is_some() && r.owner == *user_org,
                        named_user: r.aud.iter().any(|(k, t)| *k == AudienceKind::User && *t == user.uuid()),
                        recipient_org: user_org.is_some_and(|o| r.aud.iter().any(|(k, t)| (*k == AudienceKind::Org && *t == o.uuid()) || (*k == AudienceKind::Group && [g, h].iter().any(|x| x.uuid() == *t && members(*x).contains(&o))))),
                        informed_org: user_org.is_some_and(|o| r.aud.iter().any(|(k, t)| *k == AudienceKind::Informed && *t == o.uuid())),
                        community,
                    };
                    authorize(Some(&p), Action::Read, &Resource::Intel { tlp: r.tlp, draft: r.draft, audience }).is_ok()
                }).map(|r| r.id).collect();
                let q = TaxiiQuery::new(intel_scope(Some(&p), community), g.uuid(), 10);
                let got = all_pages(s, &q, 4).await;
                assert!(sorted(&got));
                let seen: BTreeSet<IntelId> = got.iter().filter_map(|r| r.record_id).collect();
                assert_eq!(seen, readable, "user {user} org {user_org:?} roles {:?}", p.roles);
                assert_eq!(got.len(), 1 + 3 * readable.len(), "the constant object and three per record");
            }
        }
    }
}

both_engines! {
    // An object version several records carry is stored once, linked to each: whoever
    // may read any of them sees it once; `last` is the newest version the reader sees; a
    // constant stored over a record's copy is the constant; and each writer's objects are
    // added after the collection's last one, never at the same microsecond.
    async fn a_version_is_stored_once_and_seen_through_any_of_its_records(t: TestStore) {
        let s = &t.store;
        let a = org(s, "a").await;
        let b = org(s, "b").await;
        let g = group(s, "G", &[a, b]).await;
        let green = row(Tlp::Green, None, false);
        insert_record(s, &green, &[(AudienceKind::Group, g.uuid())]).await;
        let red = row(Tlp::Red, Some(b), true);
        insert_record(s, &red, &[]).await;
        let identity = |rec| object(g, Some(rec), "identity", 1, 7, 100);
        let sco = |rec, version, added| object(g, Some(rec), "ipv4-addr", 2, version, added);
        let n = store_objects(s, &[identity(green.id), identity(red.id), identity(green.id), sco(green.id, 10, 101), sco(red.id, 20, 102)]).await;
        assert_eq!(n, 3, "the identity once, the address in two versions");
        assert_eq!(store_objects(s, &[identity(red.id)]).await, 0);
        assert_eq!(s.taxii_count(g.uuid()).await.expect("count"), 3);
        let member = |o: OrgId| Principal { user_id: UserId::new(), org_id: Some(o), roles: Roles::new(vec![Role::Member]) };
        let (pa, pb) = (member(a), member(b));
        let seen = |rows: Vec<TaxiiObject>| rows.iter().map(|r| (r.kind.clone(), r.version.micros())).collect::<Vec<_>>();
        for (p, want_last, want_all) in [
            (&pa, vec![("identity", 7), ("ipv4-addr", 10)], vec![("identity", 7), ("ipv4-addr", 10)]),
            (&pb, vec![("identity", 7), ("ipv4-addr", 20)], vec![("identity", 7), ("ipv4-addr", 10), ("ipv4-addr", 20)]),
        ] {
            let q = TaxiiQuery::new(intel_scope(Some(p), true), g.uuid(), 100);
            let want = |v: Vec<(&str, i64)>| v.into_iter().map(|(k, n)| (k.to_string(), n)).collect::<Vec<_>>();
            assert_eq!(seen(all_pages(s, &q, 1).await), want(want_last), "last, {:?}", p.org_id);
            let mut all = q.clone();
            all.version = VersionMatch::All;
            assert_eq!(seen(all_pages(s, &all, 1).await), want(want_all), "all, {:?}", p.org_id);
        }
        // A reader of neither record sees neither; a constant made over a record's copy
        // is everyone's.
        let c = org(s, "c").await;
        let pc = member(c);
        let q = TaxiiQuery::new(intel_scope(Some(&pc), false), g.uuid(), 100);
        assert!(all_pages(s, &q, 10).await.is_empty());
        let marking = |rec| object(g, rec, "marking-definition", 3, 1, 103);
        store_objects(s, &[marking(Some(red.id))]).await;
        assert!(all_pages(s, &q, 10).await.is_empty());
        assert_eq!(store_objects(s, &[marking(None), marking(None)]).await, 1);
        assert_eq!(seen(all_pages(s, &q, 10).await), vec![("marking-definition".to_string(), 1)]);
        assert_eq!(store_objects(s, &[marking(None)]).await, 0, "a constant is kept once");
        // Each writer starts after the collection's last date_added.
        let mut tx = s.begin().await.expect("begin");
        let now = tx.now();
        let first = tx.taxii_next_date_added(g.uuid()).await.expect("next");
        assert_eq!(first, now, "the transaction's time when it is later");
        let ahead = now.micros() + 5;
        tx.insert_taxii_objects(&[object(g, Some(green.id), "indicator", 4, 1, ahead)]).await.expect("insert");
        assert_eq!(tx.taxii_next_date_added(g.uuid()).await.expect("next").micros(), ahead + 1);
        tx.commit().await.expect("commit");
        let other = group(s, "H", &[a]).await;
        let mut tx = s.begin().await.expect("begin");
        assert_eq!(tx.taxii_next_date_added(other.uuid()).await.expect("next"), tx.now(), "each collection its own");
        tx.commit().await.expect("commit");
    }
}

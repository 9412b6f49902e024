use tocsin_domain::ReportKind;
use tocsin_storage::{NewPhishUrl, Store};

use crate::both_engines;

const OPEN: &[&str] = &["received", "verified", "abuse_notified", "reopened"];

fn url(key: &str) -> NewPhishUrl {
    NewPhishUrl {
        normalized: key.into(),
        display: key.into(),
        host: "examp1e.com".into(),
        registrable_domain: "examp1e.com".into(),
        ip: String::new(),
        brand: "Bank".into(),
        state: "received".into(),
        tlp: "green".into(),
    }
}

async fn phishing_report(s: &Store) -> tocsin_storage::Report {
    let mut new = crate::reports::new_report("P");
    new.kind = ReportKind::Phishing;
    new.prefix = "PHI".into();
    let mut tx = s.begin().await.expect("begin");
    let r = tx.create_report(&new, 2026).await.expect("report");
    tx.commit().await.expect("commit");
    r
}

async fn attach(
    s: &Store,
    r: &tocsin_storage::Report,
    key: &str,
) -> (tocsin_storage::PhishUrlRow, bool) {
    let mut tx = s.begin().await.expect("begin");
    let out = tx
        .attach_phish_url(r.id, &url(key), OPEN)
        .await
        .expect("attach");
    tx.commit().await.expect("commit");
    out
}

both_engines! {
    // The desk's list pages by keyset, oldest first, merging the states asked for, and
    // never skips or repeats a case while cases come in between pages (new cases are
    // newer than any cursor, so they come at the end). Several cases share their first
    // report time (a manual clock), so the case id breaks ties.
    async fn phish_url_pages_neither_skip_nor_repeat(t: TestStore) {
        let at = tocsin_domain::Timestamp::from_micros(1_780_000_000_000_000);
        let s = t.store.clone().with_clock(tocsin_domain::Clock::manual(at));
        let mut made = Vec::new();
        for i in 0..19 {
            if i % 4 == 0 {
                s.clock().advance(time::Duration::seconds(1)).expect("manual clock");
            }
            let r = phishing_report(&s).await;
            let (case, _) = attach(&s, &r, &format!("https://examp1e.com/{i}")).await;
            let st = ["received", "verified", "taken_down"][i % 3];
            if st != "received" {
                let mut tx = s.begin().await.expect("begin");
                let mut row = tx.phish_url_for_update(case.id).await.expect("lock").expect("row");
                row.state = st.into();
                tx.update_phish_url(&row).await.expect("update");
                tx.commit().await.expect("commit");
            }
            made.push((case.first_reported_at.micros(), case.id, st));
        }
        made.sort();
        for states in [&[][..], &["received"][..], &["received", "verified"][..]] {
            let expected: Vec<_> = made
                .iter()
                .filter(|(_, _, st)| states.is_empty() || states.contains(st))
                .map(|(_, id, _)| *id)
                .collect();
            let mut seen = Vec::new();
            let mut after = None;
            let mut late = Vec::new();
            loop {
                let page = s.phish_urls_page(states, after, 4).await.expect("page");
                let r = phishing_report(&s).await;
                let (case, joined) = attach(&s, &r, &format!("https://late.example/{}", made.len() + late.len())).await;
                assert!(!joined, "a new URL opens a case");
                late.push(case.id);
                seen.extend(page.iter().map(|c| (c.first_reported_at.micros(), c.id)));
                if page.len() < 4 {
                    break;
                }
                after = page.last().map(|c| (c.first_reported_at, c.id));
            }
            let mut sorted = seen.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(seen, sorted, "{states:?}: in order, each once");
            let old: Vec<_> = seen.iter().map(|(_, id)| *id).filter(|id| !late.contains(id)).collect();
            assert_eq!(old, expected, "{states:?}");
            // The late cases (received) come after every older one.
            let tail: Vec<_> = seen.iter().map(|(_, id)| *id).skip(old.len()).collect();
            assert!(tail.iter().all(|id| late.contains(id)), "{states:?}: only late cases at the end");
            for id in late {
                let c = s.get_phish_url(id).await.expect("case").expect("row");
                made.push((c.first_reported_at.micros(), c.id, "received"));
            }
            made.sort();
        }
    }

    async fn a_url_reported_again_joins_its_open_case(t: TestStore) {
        let s = &t.store;
        let a = phishing_report(s).await;
        let b = phishing_report(s).await;
        let (case, joined) = attach(s, &a, "https://examp1e.com/login").await;
        assert!(!joined);
        let (again, joined) = attach(s, &b, "https://examp1e.com/login").await;
        assert!(joined);
        assert_eq!((again.id, again.reporters, again.case_report_id), (case.id, 2, a.id));
        assert_eq!(s.reports_of_phish_url(case.id).await.expect("reports").len(), 2);
        assert_eq!(s.phish_urls_of_report(b.id).await.expect("urls").len(), 1);
        // Once taken down, a new report opens a new case.
        let mut tx = s.begin().await.expect("begin");
        let mut row = tx.phish_url_for_update(case.id).await.expect("lock").expect("row");
        row.state = "taken_down".into();
        row.tlp = "red".into();
        tx.update_phish_url(&row).await.expect("update");
        tx.add_abuse_contact(case.id, "hosting", "abuse@host.example", "manual").await.expect("contact");
        tx.commit().await.expect("commit");
        let c = phishing_report(s).await;
        let (fresh, joined) = attach(s, &c, "https://examp1e.com/login").await;
        assert!(!joined && fresh.id != case.id);
        assert_eq!(s.list_phish_urls(&["received"], 10).await.expect("list").len(), 1);
        assert_eq!(s.list_phish_urls(&[], 10).await.expect("list").len(), 2);
        // By marking: the taken-down case is now RED, the new one is not.
        assert_ne!(fresh.tlp, "red");
        let red = s.list_phish_urls_marked(&[], &["red"], 10).await.expect("red");
        assert_eq!(red.iter().map(|c| c.id).collect::<Vec<_>>(), [case.id]);
        let both = s.list_phish_urls_marked(&[], &["red", fresh.tlp.as_str()], 10).await.expect("both");
        assert_eq!(both.len(), 2);
        let other = s.list_phish_urls_marked(&["received"], &[fresh.tlp.as_str()], 10).await.expect("other");
        assert_eq!(other.iter().map(|c| c.id).collect::<Vec<_>>(), [fresh.id]);
        assert!(s.list_phish_urls_marked(&[], &["no-such-marking"], 10).await.expect("none").is_empty());
        // The limit counts only the cases marked as asked: the older RED case does not
        // take the one place.
        let one = s.list_phish_urls_marked(&[], &[fresh.tlp.as_str()], 1).await.expect("one");
        assert_eq!(one.iter().map(|c| c.id).collect::<Vec<_>>(), [fresh.id]);
        assert_eq!(s.abuse_contacts(case.id).await.expect("contacts").len(), 1);
        s.rdap_store("domain/examp1e.com", "{}").await.expect("cache");
        s.rdap_store("domain/examp1e.com", "{\"a\":1}").await.expect("cache");
        let hour_ago = tocsin_domain::Timestamp::now().plus(time::Duration::hours(-1));
        assert_eq!(s.rdap_cached("domain/examp1e.com", hour_ago).await.expect("q").as_deref(), Some("{\"a\":1}"));
    }

    async fn concurrent_reports_of_one_url_make_one_case(t: TestStore) {
        let mut reports = Vec::new();
        for _ in 0..8 {
            reports.push(phishing_report(&t.store).await);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for r in reports {
            let s = t.store.clone();
            tasks.spawn(async move {
                let mut tx = s.begin().await?;
                let out = tx.attach_phish_url(r.id, &url("https://same.example/"), OPEN).await?;
                tx.commit().await?;
                Ok::<_, tocsin_storage::StorageError>(out.0.id)
            });
        }
        let mut ids = std::collections::BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            ids.insert(r.expect("join").expect("attach"));
        }
        assert_eq!(ids.len(), 1, "one case");
        let case = t.store.get_phish_url(*ids.iter().next().expect("id")).await.expect("q").expect("row");
        assert_eq!(case.reporters, 8);
    }
}

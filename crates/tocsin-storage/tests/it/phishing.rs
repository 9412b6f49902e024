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

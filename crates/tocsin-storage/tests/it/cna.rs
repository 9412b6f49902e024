use std::collections::BTreeSet;

use tocsin_domain::ReportKind;
use tocsin_storage::{Store, VulnCase};

use crate::both_engines;

async fn vuln_report(s: &Store) -> tocsin_storage::Report {
    let mut new = crate::reports::new_report("V");
    new.kind = ReportKind::Vulnerability;
    new.prefix = "VUL".into();
    let mut tx = s.begin().await.expect("begin");
    let r = tx.create_report(&new, 2026).await.expect("report");
    let at = tx.now();
    tx.insert_vuln_case(&VulnCase::new(r.id, "accepted", "2027-02-26", at))
        .await
        .expect("case");
    tx.commit().await.expect("commit");
    r
}

fn ids(from: i64, n: i64) -> Vec<(String, i32, i64)> {
    (from..from + n)
        .map(|i| (format!("CVE-2026-{i}"), 2026, i))
        .collect()
}

both_engines! {
    async fn cve_ids_are_assigned_once(t: TestStore) {
        let s = &t.store;
        let r = vuln_report(s).await;
        let mut tx = s.begin().await.expect("begin");
        assert_eq!(tx.assign_cve_id(r.id).await.expect("assign"), None, "empty pool");
        assert_eq!(tx.load_cve_ids(&ids(1000, 3)).await.expect("load"), 3);
        assert_eq!(tx.load_cve_ids(&ids(1001, 3)).await.expect("load"), 1, "known ids are skipped");
        let first = tx.assign_cve_id(r.id).await.expect("assign");
        assert_eq!(first.as_deref(), Some("CVE-2026-1000"), "lowest first");
        assert_eq!(tx.assign_cve_id(r.id).await.expect("assign"), first, "a case keeps its id");
        tx.commit().await.expect("commit");
        assert_eq!(s.cve_pool_counts().await.expect("counts"), (3, 1));
        let case = s.vuln_case(r.id).await.expect("q").expect("case");
        assert_eq!(case.cve_id, "CVE-2026-1000");
        let mut tx = s.begin().await.expect("begin");
        let mut c = tx.vuln_case_for_update(r.id).await.expect("lock").expect("case");
        c.cna_state = "published".into();
        c.vendor_status = "affected".into();
        tx.update_vuln_case(&c).await.expect("update");
        tx.commit().await.expect("commit");
        assert_eq!(s.published_vuln_cases(10).await.expect("list").len(), 1);
        assert_eq!(s.list_vuln_cases(Some("accepted"), 10).await.expect("list").len(), 0);
    }

    // The coordinators' list pages by keyset, newest first, and never skips or repeats a
    // case while cases come in between pages (the new ones are newer than the cursor,
    // so they belong to the first page, not to the ones after); by state too. The
    // reports of a page are read in one query, all of them and nothing else.
    async fn vuln_case_pages_neither_skip_nor_repeat(t: TestStore) {
        let s = &t.store;
        let mut made = Vec::new();
        for i in 0..23 {
            let r = vuln_report(s).await;
            if i % 3 == 0 {
                let mut tx = s.begin().await.expect("begin");
                let mut c = tx.vuln_case_for_update(r.id).await.expect("lock").expect("case");
                c.cna_state = "fix_pending".into();
                tx.update_vuln_case(&c).await.expect("update");
                tx.commit().await.expect("commit");
            }
            made.push((r.id, i % 3 == 0));
        }
        for state in [None, Some("fix_pending"), Some("accepted")] {
            let expected: Vec<_> = made
                .iter()
                .rev()
                .filter(|(_, fixing)| match state {
                    None => true,
                    Some("fix_pending") => *fixing,
                    Some(_) => !*fixing,
                })
                .map(|(id, _)| *id)
                .collect();
            let mut seen = Vec::new();
            let mut after = None;
            let mut late_ones = Vec::new();
            loop {
                let page = s.vuln_cases_page(state, after, 4).await.expect("page");
                // A new case between pages must not shift the pages after the cursor.
                let late = vuln_report(s).await;
                late_ones.push((late.id, false));
                seen.extend(page.iter().map(|c| c.report_id));
                if page.len() < 4 {
                    break;
                }
                after = page.last().map(|c| c.report_id);
            }
            assert_eq!(seen, expected, "state {state:?}");
            made.append(&mut late_ones);
        }
        let some: Vec<_> = made.iter().take(5).map(|(id, _)| *id).collect();
        let mut got: Vec<_> = s
            .get_reports(&some)
            .await
            .expect("reports")
            .into_iter()
            .map(|r| r.id)
            .collect();
        got.sort();
        let mut want = some.clone();
        want.sort();
        assert_eq!(got, want);
        assert!(s.get_reports(&[]).await.expect("none").is_empty());
    }

    // The rejection of a CVE id (its reasons and time) and the publication time are
    // stored, read back unchanged, and survive an unrelated later change of the case.
    async fn rejection_and_publication_times_are_kept(t: TestStore) {
        let s = &t.store;
        let r = vuln_report(s).await;
        let published = tocsin_domain::Timestamp::from_micros(1_776_000_000_123_456);
        let rejected = tocsin_domain::Timestamp::from_micros(1_777_000_000_654_321);
        let mut tx = s.begin().await.expect("begin");
        let mut c = tx.vuln_case_for_update(r.id).await.expect("lock").expect("case");
        c.cna_state = "rejected".into();
        c.published_at = tocsin_storage::columns::OptTime(Some(published));
        c.rejected_reason_en = "Not a security issue.".into();
        c.rejected_reason_zh = "並非安全性問題。".into();
        c.rejected_at = tocsin_storage::columns::OptTime(Some(rejected));
        tx.update_vuln_case(&c).await.expect("update");
        tx.commit().await.expect("commit");
        let mut tx = s.begin().await.expect("begin");
        let mut c = tx.vuln_case_for_update(r.id).await.expect("lock").expect("case");
        c.title = "later".into();
        tx.update_vuln_case(&c).await.expect("update");
        tx.commit().await.expect("commit");
        let got = s.vuln_case(r.id).await.expect("q").expect("case");
        assert_eq!(got.published_at.0, Some(published));
        assert_eq!(got.rejected_at.0, Some(rejected));
        assert_eq!(
            (got.rejected_reason_en.as_str(), got.rejected_reason_zh.as_str()),
            ("Not a security issue.", "並非安全性問題。")
        );
        // A new case has none of them.
        let fresh = vuln_report(s).await;
        let c = s.vuln_case(fresh.id).await.expect("q").expect("case");
        assert_eq!((c.rejected_at.0, c.rejected_reason_en.as_str()), (None, ""));
    }

    async fn concurrent_assignments_never_share_an_id(t: TestStore) {
        let s = &t.store;
        let mut reports = Vec::new();
        for _ in 0..30 {
            reports.push(vuln_report(s).await);
        }
        let mut tx = s.begin().await.expect("begin");
        tx.load_cve_ids(&ids(5000, 25)).await.expect("load");
        tx.commit().await.expect("commit");
        let mut tasks = tokio::task::JoinSet::new();
        for r in reports {
            let s = s.clone();
            tasks.spawn(async move {
                let mut tx = s.begin().await?;
                let id = tx.assign_cve_id(r.id).await?;
                tx.commit().await?;
                Ok::<_, tocsin_storage::StorageError>(id)
            });
        }
        let mut got = BTreeSet::new();
        let mut none = 0;
        while let Some(r) = tasks.join_next().await {
            match r.expect("join").expect("assign") {
                Some(id) => assert!(got.insert(id), "an id assigned twice"),
                None => none += 1,
            }
        }
        assert_eq!((got.len(), none), (25, 5), "every reserved id used once, the rest told the pool is empty");
        assert_eq!(s.cve_pool_counts().await.expect("counts"), (0, 25));
    }
}

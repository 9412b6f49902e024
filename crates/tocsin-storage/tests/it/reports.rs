use tocsin_domain::{Priority, ReportKind, ReportState, TaskState, Timestamp};
use tocsin_storage::{
    NewAttachment, NewEvent, NewReport, ReportFilter, Store, SurveyAnswer, Visibility,
};

use crate::both_engines;

pub fn new_report(name: &str) -> NewReport {
    NewReport {
        kind: ReportKind::Incident,
        prefix: "INC".into(),
        category: "web_attack".into(),
        priority: Priority::P3,
        reporter_name: name.into(),
        reporter_email: "r@corp.tw".into(),
        reporter_phone: "02-1234-5678".into(),
        reporter_user_id: None,
        org_id: None,
        locale: "zh-TW".into(),
        details: r#"{"description":"網站被置換"}"#.into(),
        rsit_class: "intrusions".into(),
        rsit_type: "application-compromise".into(),
        follows_up: String::new(),
        status_token_hash: name.as_bytes().to_vec(),
    }
}

pub async fn file(s: &Store, name: &str) -> tocsin_storage::Report {
    let mut tx = s.begin().await.expect("begin");
    let r = tx
        .create_report(&new_report(name), 2026)
        .await
        .expect("create");
    tx.commit().await.expect("commit");
    r
}

both_engines! {
    async fn intake_history_and_queue(t: TestStore) {
        let s = &t.store;
        let a = file(s, "A").await;
        let b = file(s, "B").await;
        let year = 2026;
        assert_eq!(a.tracking_id, format!("INC-{year}-000001"));
        assert_eq!(b.tracking_id, format!("INC-{year}-000002"));
        assert_eq!(a.state, ReportState::Received);
        assert_eq!(s.report_by_tracking(&a.tracking_id).await.expect("get"), Some(a.clone()));

        let events = s.list_events(a.id, tocsin_domain::policy::Thread::Shared).await.expect("events");
        assert_eq!(events.iter().map(|e| e.event.as_str()).collect::<Vec<_>>(), ["received"]);
        let mut tx = s.begin().await.expect("begin");
        tx.add_event(a.id, &NewEvent { actor_id: None, actor: "analyst@cert.tw".into(), event: "note".into(), visibility: Visibility::Internal, body: "內部備註".into(), data: String::new() }).await.expect("note");
        tx.add_event(a.id, &NewEvent { actor_id: None, actor: "analyst@cert.tw".into(), event: "message".into(), visibility: Visibility::Reporter, body: "請提供記錄檔".into(), data: String::new() }).await.expect("msg");
        tx.commit().await.expect("commit");
        let for_reporter = s.list_events(a.id, tocsin_domain::policy::Thread::Shared).await.expect("events");
        assert_eq!(for_reporter.len(), 2, "internal notes never reach the reporter");
        assert!(for_reporter.iter().all(|e| e.body != "內部備註"));
        assert_eq!(s.list_events(a.id, tocsin_domain::policy::Thread::All).await.expect("events").len(), 3);

        // Change state and assignment under a row lock.
        let mut tx = s.begin().await.expect("begin");
        let mut r = tx.report_for_update(&a.tracking_id).await.expect("lock").expect("exists");
        r.state = ReportState::Triaged;
        r.priority = Priority::P1;
        tx.update_report(&r).await.expect("update");
        tx.commit().await.expect("commit");
        let got = s.report_by_tracking(&a.tracking_id).await.expect("get").expect("exists");
        assert_eq!((got.state, got.priority), (ReportState::Triaged, Priority::P1));

        let triaged = s.list_reports(&ReportFilter { states: vec![ReportState::Triaged], limit: 50, ..Default::default() }).await.expect("list");
        assert_eq!(triaged.iter().map(|r| r.tracking_id.as_str()).collect::<Vec<_>>(), [a.tracking_id.as_str()]);
        let all = s.list_reports(&ReportFilter { kind: Some(ReportKind::Incident), limit: 50, ..Default::default() }).await.expect("list");
        assert_eq!(all.len(), 2);
        let newest = s.list_reports(&ReportFilter { newest_first: true, limit: 1, ..Default::default() }).await.expect("list");
        assert_eq!(newest[0].tracking_id, b.tracking_id);
        let unassigned = s.list_reports(&ReportFilter { assignee: Some(None), limit: 50, ..Default::default() }).await.expect("list");
        assert_eq!(unassigned.len(), 2);
        let none = s.list_reports(&ReportFilter { category: Some("intrusion".into()), limit: 50, ..Default::default() }).await.expect("list");
        assert!(none.is_empty());
        let future = s.list_reports(&ReportFilter { since: Some(Timestamp::now().plus(time::Duration::hours(1))), limit: 50, ..Default::default() }).await.expect("list");
        assert!(future.is_empty());
        let counts = s.count_reports_by_state(ReportKind::Incident).await.expect("counts");
        assert_eq!(counts, [("received".to_string(), 1), ("triaged".to_string(), 1)]);
        // A scope that matches neither organization nor reporter sees nothing.
        let scoped = s.list_reports(&ReportFilter { scope: Some((None, tocsin_domain::UserId::new())), limit: 50, ..Default::default() }).await.expect("list");
        assert!(scoped.is_empty());
    }

    async fn attachments_tasks_and_surveys(t: TestStore) {
        let s = &t.store;
        let r = file(s, "A").await;
        let mut tx = s.begin().await.expect("begin");
        let content = vec![0u8, 1, 2, 3, 255];
        let id = tx.add_attachment(r.id, None, &NewAttachment { filename: "log.txt".into(), content_type: "text/plain".into(), sha256: "ab".into(), content: content.clone() }).await.expect("attach");
        tx.add_tasks(r.id, &[("確認".into(), "Confirm".into()), ("收集".into(), "Collect".into())]).await.expect("tasks");
        tx.commit().await.expect("commit");
        let got = s.get_attachment(id).await.expect("get").expect("exists");
        assert_eq!((got.content, got.meta.size), (content, 5));
        assert_eq!(s.list_attachments(r.id).await.expect("list").len(), 1);
        let tasks = s.list_tasks(r.id).await.expect("tasks");
        assert_eq!(tasks.iter().map(|t| t.title_en.as_str()).collect::<Vec<_>>(), ["Confirm", "Collect"]);
        let mut tx = s.begin().await.expect("begin");
        tx.set_task_state(tasks[1].id, TaskState::Done).await.expect("state");
        assert_eq!(tx.task(tasks[1].id).await.expect("task").map(|t| t.state), Some(TaskState::Done));
        // One survey per report; one answer per survey.
        assert!(tx.create_survey(r.id, b"survey-token").await.expect("survey"));
        assert!(!tx.create_survey(r.id, b"other").await.expect("survey"), "once per report");
        tx.commit().await.expect("commit");
        assert!(s.survey_by_token(b"survey-token").await.expect("q").is_some());
        let answer = SurveyAnswer { speed: 5, helpfulness: 4, communication: 3, overall: 4, comment: "謝謝".into() };
        let mut tx = s.begin().await.expect("begin");
        assert!(tx.answer_survey(b"survey-token", &answer).await.expect("answer"));
        assert!(!tx.answer_survey(b"survey-token", &answer).await.expect("answer"), "one answer");
        tx.commit().await.expect("commit");
        let months = s.survey_months(|at| at.rfc3339()[..7].to_string()).await.expect("months");
        assert_eq!(months.len(), 1);
        assert_eq!((months[0].answers, months[0].speed, months[0].overall), (1, 5.0, 4.0));
    }
}

both_engines! {
    // Keyset pages of a report queue never skip or repeat a report while reports are
    // added between pages (older, newer and at the very time of the cursor), for each
    // filter of the desk queue, oldest and newest first, and stay in the queue's order.
    async fn queue_keyset_pages_neither_skip_nor_repeat(t: TestStore) {
        use std::collections::BTreeSet;
        use tocsin_domain::ReportId;
        use tocsin_storage::ReportCursor;
        use crate::intel::Rng;
        let clock = tocsin_domain::clock::Clock::manual(Timestamp::from_micros(1_700_000_000_000_000));
        let s = &t.store.clone().with_clock(clock.clone());
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut tx = s.begin().await.expect("begin");
        let analyst = tx.create_user(&crate::basics::user("analyst@cert.tw", None)).await.expect("user").id.uuid();
        tx.commit().await.expect("commit");
        let states = [ReportState::Received, ReportState::Triaged, ReportState::InProgress, ReportState::Closed];
        // Few distinct times, so that many reports share one and the id decides.
        let times: Vec<Timestamp> = (0..12).map(|i| Timestamp::from_micros(1_700_000_000_000_000 + i * 1_000_000)).collect();
        let mut n = 0;
        let mut add = async |rng: &mut Rng, at: Option<Timestamp>| {
            clock.set(at.unwrap_or(times[rng.next(times.len())])).expect("manual clock");
            let mut new = new_report(&format!("R{n}"));
            n += 1;
            new.category = ["web_attack", "intrusion"][rng.next(2)].into();
            if rng.next(5) == 0 {
                new.kind = ReportKind::Phishing;
                new.prefix = "PHI".into();
            }
            let mut tx = s.begin().await.expect("begin");
            let mut r = tx.create_report(&new, 2026).await.expect("create");
            r.state = states[rng.next(states.len())];
            r.assignee_id = (rng.next(2) == 0).then_some(analyst);
            tx.update_report(&r).await.expect("update");
            tx.commit().await.expect("commit");
        };
        for _ in 0..40 {
            add(&mut rng, None).await;
        }
        let open: Vec<ReportState> = ReportState::ALL.iter().copied().filter(|s| s.is_open()).collect();
        let incidents = ReportFilter { kind: Some(ReportKind::Incident), limit: 1000, ..Default::default() };
        let filters = [
            ReportFilter { ..Default::default() },
            incidents.clone(),
            ReportFilter { states: open.clone(), ..incidents.clone() },
            ReportFilter { states: vec![ReportState::Triaged], ..incidents.clone() },
            ReportFilter { category: Some("intrusion".into()), ..incidents.clone() },
            ReportFilter { category: Some("intrusion".into()), states: open.clone(), ..incidents.clone() },
            ReportFilter { assignee: Some(None), ..incidents.clone() },
            ReportFilter { assignee: Some(Some(tocsin_domain::UserId::from(analyst))), states: open.clone(), ..incidents.clone() },
            ReportFilter { until: Some(times[8]), states: open.clone(), ..incidents.clone() },
        ];
        for newest_first in [false, true] {
            for (i, f) in filters.iter().enumerate() {
                let base = ReportFilter { newest_first, limit: 1000, ..f.clone() };
                let before: Vec<ReportId> = s.list_reports(&base).await.expect("all").iter().map(|r| r.id).collect();
                assert!(!before.is_empty(), "filter {i} admits some report");
                let mut seen: Vec<(Timestamp, ReportId)> = Vec::new();
                let mut after: Option<ReportCursor> = None;
                loop {
                    let page = s.list_reports_page(&ReportFilter { limit: 6, after, ..base.clone() }).await.expect("page");
                    assert!(page.rows.len() <= 6);
                    seen.extend(page.rows.iter().map(|r| (r.reported_at, r.id)));
                    // Reports arrive between pages, some of them at the cursor's time.
                    for _ in 0..2 {
                        let at = page.next.filter(|_| rng.next(3) == 0).map(|c| c.reported_at);
                        add(&mut rng, at).await;
                    }
                    match page.next {
                        Some(c) => {
                            assert_eq!(ReportCursor::parse(&c.token()), Some(c));
                            after = Some(c);
                        }
                        None => break,
                    }
                }
                let mut ordered = seen.clone();
                ordered.sort();
                if newest_first {
                    ordered.reverse();
                }
                assert_eq!(seen, ordered, "pages in the queue's order (filter {i}, newest first {newest_first})");
                let unique: BTreeSet<ReportId> = seen.iter().map(|(_, id)| *id).collect();
                assert_eq!(unique.len(), seen.len(), "a report repeated (filter {i}, newest first {newest_first})");
                for id in &before {
                    assert!(unique.contains(id), "a report skipped (filter {i}, newest first {newest_first})");
                }
                // Every report a page showed is one the filter admits now.
                let now: BTreeSet<ReportId> = s.list_reports(&base).await.expect("all").iter().map(|r| r.id).collect();
                assert!(unique.is_subset(&now), "filter {i}");
            }
        }
        assert_eq!(ReportCursor::parse("zz.1"), None);
        assert_eq!(ReportCursor::parse("1"), None);
        assert_eq!(ReportCursor::parse(""), None);
        assert_eq!(ReportCursor::parse(&format!("-1.{}", uuid::Uuid::nil().simple())), None);
    }
}

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

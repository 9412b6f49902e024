use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::workflow::TRANSITIONS;
use tocsin_domain::{ReportState, Role};

use crate::{Harness, both_engines};

fn valid() -> Value {
    json!({
        "reporter_name": "台灣測試股份有限公司",
        "phone": "02-2345-6789 分機 123",
        "email": "soc@corp.example.tw",
        "discovered_at": "2026-11-01T09:15",
        "time_zone": "Asia/Taipei",
        "incident_type": "web_attack",
        "description": "官網首頁遭置換",
        "needs_support": true,
        "support_requested": "協助鑑識",
    })
}

async fn file(h: &Harness, body: Value) -> crate::Resp {
    h.json(
        Method::POST,
        "/api/v1/reports/incident",
        None,
        body,
        &[("accept-language", "en")],
    )
    .await
}

/// Files a valid report and returns (tracking, token).
async fn filed(h: &Harness) -> (String, String) {
    let r = file(h, valid()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let j = r.json();
    (
        j["tracking_id"].as_str().expect("id").to_string(),
        j["token"].as_str().expect("token").to_string(),
    )
}

async fn go(h: &Harness, token: &str, tracking: &str, body: Value) -> crate::Resp {
    h.json(
        Method::POST,
        &format!("/api/v1/reports/{tracking}/transition"),
        Some(token),
        body,
        &[("accept-language", "en")],
    )
    .await
}

async fn state_of(h: &Harness, tracking: &str) -> ReportState {
    h.state
        .store
        .report_by_tracking(tracking)
        .await
        .expect("q")
        .expect("report")
        .state
}

/// What a transition into `to` needs besides the target.
fn extras(to: ReportState, original: &str) -> Value {
    match to {
        ReportState::Rejected => json!({"to": "rejected", "rejection_reason": "out_of_scope"}),
        ReportState::Duplicate => json!({"to": "duplicate", "duplicate_of": original}),
        ReportState::Closed => {
            json!({"to": "closed", "resolution": "resolved", "outcome": "true_positive", "close_anyway_reason": "SOP 不適用"})
        }
        s => json!({"to": s.as_str()}),
    }
}

/// A legal path from received to each state.
fn path_to(s: ReportState) -> Vec<ReportState> {
    use ReportState::*;
    match s {
        Received => vec![],
        Triaged => vec![Triaged],
        InProgress => vec![Triaged, InProgress],
        Resolved => vec![Triaged, InProgress, Resolved],
        Closed => vec![Triaged, InProgress, Resolved, Closed],
        Rejected => vec![Rejected],
        Duplicate => vec![Duplicate],
    }
}

both_engines! {
    async fn intake_answers_a_receipt_and_stores_everything(h: Harness) {
        let mut body = valid();
        body["attachments"] = json!([{"filename": "../../etc/access.log", "content_type": "text/plain", "content_base64": "R0VUIC8gSFRUUC8xLjE="}]);
        let r = file(&h, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let j = r.json();
        let tracking = j["tracking_id"].as_str().expect("id");
        assert!(tracking.starts_with("INC-") && tracking.len() == "INC-2026-000001".len());
        let token = j["token"].as_str().expect("token");
        assert!(j["status_url"].as_str().expect("url").ends_with(&format!("/status/{tracking}?token={token}")));
        let report = h.state.store.report_by_tracking(tracking).await.expect("q").expect("stored");
        assert_eq!(report.state, ReportState::Received);
        assert_eq!((report.rsit_class.as_str(), report.rsit_type.as_str()), ("intrusions", "application-compromise"));
        let details: Value = serde_json::from_str(&report.details).expect("json");
        assert_eq!(details["discovered_at"], "2026-11-01T09:15:00+08:00", "kept with the reporter's offset");
        let files = h.state.store.list_attachments(report.id).await.expect("files");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].filename, "access.log", "no paths in stored names");
        assert!(!h.state.store.list_tasks(report.id).await.expect("tasks").is_empty(), "SOP checklist created");
        // The acknowledgment is queued with the tracking number in the subject.
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        assert_eq!(mail.len(), 1);
        assert!(mail[0].subject.contains(tracking));
        assert!(mail[0].recipients.contains("soc@corp.example.tw"));
        // The reporter reads it with the token; a wrong token is a 404, like an unknown report.
        let mine = h.get(&format!("/api/v1/reports/{tracking}?token={token}"), &[]).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.json()["description"], "官網首頁遭置換");
        assert_eq!(h.get(&format!("/api/v1/reports/{tracking}?token=wrong"), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.get(&format!("/api/v1/reports/{tracking}"), &[]).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(h.get("/api/v1/reports/INC-2026-999999?token=x", &[]).await.status, StatusCode::NOT_FOUND);
        assert!(h.audit_actions().await.iter().any(|a| a == "report.read"), "confidential reads are audited");
    }

    async fn each_validation_rule_names_its_field(h: Harness) {
        type Change = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(&str, Change, &str)> = vec![
            ("reporter_name", Box::new(|b: &mut Value| { b["reporter_name"] = json!(""); }), "This field is required."),
            ("email", Box::new(|b: &mut Value| { b.as_object_mut().map(|o| o.remove("email")); }), "This field is required."),
            ("email", Box::new(|b: &mut Value| { b["email"] = json!("soc@corp"); }), "This is not a valid email address."),
            ("discovered_at", Box::new(|b: &mut Value| { b["discovered_at"] = json!(""); }), "This field is required."),
            ("discovered_at", Box::new(|b: &mut Value| { b["discovered_at"] = json!("2099-01-01T00:00"); }), "This time is in the future."),
            ("discovered_at", Box::new(|b: &mut Value| { b["discovered_at"] = json!("yesterday"); }), "Enter a valid date and time, e.g. 2026-11-28 09:15."),
            ("time_zone", Box::new(|b: &mut Value| { b["time_zone"] = json!("Mars/Olympus"); }), "Unknown time zone."),
            ("incident_type", Box::new(|b: &mut Value| { b["incident_type"] = json!("ransomware"); }), "Please choose one of the options."),
            ("description", Box::new(|b: &mut Value| { b["description"] = json!("   "); }), "This field is required."),
            ("needs_support", Box::new(|b: &mut Value| { b.as_object_mut().map(|o| o.remove("needs_support")); }), "This field is required."),
            ("support_requested", Box::new(|b: &mut Value| { b["support_requested"] = json!(""); }), "This field is required."),
            ("phone", Box::new(|b: &mut Value| { b["phone"] = json!("call me maybe"); }), ""),
            ("follows_up", Box::new(|b: &mut Value| { b["follows_up"] = json!("INC-26-1"); }), "Not a valid tracking number (e.g. INC-2026-000001)."),
        ];
        for (field, change, message) in cases {
            let mut body = valid();
            change(&mut body);
            let r = file(&h, body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
            let got = r.json()["fields"][field].as_str().map(str::to_string);
            assert!(got.is_some(), "{field} not named: {}", r.body);
            if !message.is_empty() {
                assert_eq!(got.as_deref(), Some(message), "{field}");
            }
        }
        // An oversized attachment.
        let big = "A".repeat(((h.state.config.reports.max_attachment_bytes + 3) / 3 + 10) * 4);
        let mut body = valid();
        body["attachments"] = json!([{"filename": "huge.bin", "content_type": "application/octet-stream", "content_base64": big}]);
        let r = file(&h, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.json()["fields"]["attachments"].as_str().is_some_and(|m| m.contains("huge.bin")));
        // Too many files; and not base64.
        let mut body = valid();
        body["attachments"] = json!((0..=h.state.config.reports.max_attachments).map(|i| json!({"filename": format!("{i}.txt"), "content_base64": "eA=="})).collect::<Vec<_>>());
        assert!(file(&h, body).await.json()["fields"]["attachments"].is_string());
        let mut body = valid();
        body["attachments"] = json!([{"filename": "x", "content_base64": "***"}]);
        assert!(file(&h, body).await.json()["fields"]["attachments"].is_string());
        // In the request's language.
        let mut body = valid();
        body["email"] = json!("");
        let zh = h.json(Method::POST, "/api/v1/reports/incident", None, body, &[("accept-language", "zh-TW")]).await;
        assert_eq!(zh.json()["fields"]["email"], "此欄位為必填。");
        // Nothing half-stored.
        let all = h.state.store.list_reports(&tocsin_storage::ReportFilter { limit: 100, ..Default::default() }).await.expect("list");
        assert!(all.is_empty(), "a refused report leaves nothing behind");
        assert_eq!(h.state.store.outbox_depth().await.expect("depth"), 0);
    }

    async fn every_illegal_transition_is_refused(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (original, _) = filed(&h).await;
        for from in ReportState::ALL.iter().copied() {
            let (tracking, _) = filed(&h).await;
            for step in path_to(from) {
                let r = go(&h, &analyst, &tracking, extras(step, &original)).await;
                assert_eq!(r.status, StatusCode::OK, "legal {step:?}: {}", r.body);
            }
            assert_eq!(state_of(&h, &tracking).await, from);
            for to in ReportState::ALL.iter().copied() {
                if TRANSITIONS.contains(&(from, to)) {
                    continue;
                }
                let r = go(&h, &analyst, &tracking, extras(to, &original)).await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{from:?} -> {to:?} must be refused: {}", r.body);
                assert!(r.json()["fields"]["to"].is_string(), "{from:?} -> {to:?}");
                assert_eq!(state_of(&h, &tracking).await, from, "{from:?} -> {to:?} left the state alone");
            }
        }
        // What a state needs is named when missing.
        let (t, _) = filed(&h).await;
        let r = go(&h, &analyst, &t, json!({"to": "rejected"})).await;
        assert!(r.json()["fields"]["rejection_reason"].is_string(), "{}", r.body);
        let r = go(&h, &analyst, &t, json!({"to": "duplicate", "duplicate_of": t})).await;
        assert!(r.json()["fields"]["duplicate_of"].is_string(), "{}", r.body);
        for step in [json!({"to": "triaged"}), json!({"to": "in_progress"}), json!({"to": "resolved"})] {
            assert_eq!(go(&h, &analyst, &t, step).await.status, StatusCode::OK);
        }
        let r = go(&h, &analyst, &t, json!({"to": "closed", "resolution": "resolved"})).await;
        assert!(r.json()["fields"]["outcome"].is_string(), "{}", r.body);
        // Reporters and members cannot move reports.
        let (_, member) = h.user("m@corp.tw", &[Role::Member]).await;
        assert_eq!(go(&h, &member, &t, json!({"to": "in_progress"})).await.status, StatusCode::NOT_FOUND, "not theirs: as if it did not exist");
        let transitions = h.audit_actions().await.iter().filter(|a| *a == "report.transition").count();
        assert!(transitions >= 14, "each transition is audited ({transitions})");
    }

    async fn desk_handles_a_report_to_the_survey(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (t, token) = filed(&h).await;
        let me = h.json(Method::GET, "/api/v1/me", Some(&analyst), json!(null), &[]).await.json();
        let base = format!("/api/v1/reports/{t}");
        let ok = |r: crate::Resp| assert!(r.status.is_success(), "{}", r.body);
        ok(h.json(Method::POST, &format!("{base}/assign"), Some(&analyst), json!({"assignee_id": me["id"]}), &[]).await);
        ok(h.json(Method::POST, &format!("{base}/classify"), Some(&analyst), json!({"rsit": "intrusions/system-compromise", "priority": "p1"}), &[]).await);
        let bad = h.json(Method::POST, &format!("{base}/classify"), Some(&analyst), json!({"rsit": "nope/nope", "priority": "p9"}), &[]).await;
        assert!(bad.json()["fields"]["rsit"].is_string() && bad.json()["fields"]["priority"].is_string());
        ok(h.json(Method::POST, &format!("{base}/notes"), Some(&analyst), json!({"body": "內部：疑似 APT"}), &[]).await);
        ok(h.json(Method::POST, &format!("{base}/messages"), Some(&analyst), json!({"body": "請提供網站存取記錄"}), &[]).await);
        ok(h.json(Method::POST, &format!("{base}/info?token={token}"), None, json!({"body": "已附上記錄"}), &[]).await);
        // The reporter sees the message and their own addition, never the internal note.
        let mine = h.get(&format!("{base}?token={token}"), &[]).await.json();
        let bodies: Vec<&str> = mine["events"].as_array().expect("events").iter().filter_map(|e| e["body"].as_str()).collect();
        assert!(bodies.contains(&"請提供網站存取記錄") && bodies.contains(&"已附上記錄"));
        assert!(!bodies.iter().any(|b| b.contains("APT")), "internal notes stay internal");
        let desk = h.json(Method::GET, &base, Some(&analyst), json!(null), &[]).await.json();
        assert!(desk["events"].as_array().expect("events").iter().any(|e| e["body"] == "內部：疑似 APT"));
        assert_eq!(desk["priority"], "p1");
        let queue = h.json(Method::GET, "/api/v1/reports?assignee=me", Some(&analyst), json!(null), &[]).await.json();
        assert_eq!(queue.as_array().map(|q| q.len()), Some(1));
        for step in [json!({"to": "triaged"}), json!({"to": "in_progress"}), json!({"to": "resolved", "message": "已處理完畢"})] {
            ok(go(&h, &analyst, &t, step).await);
        }
        // The SOP checklist is still open: closing needs a reason, said on purpose.
        let close = json!({"to": "closed", "resolution": "resolved", "outcome": "true_positive"});
        let r = go(&h, &analyst, &t, close.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let open = h.state.store.list_tasks(h.state.store.report_by_tracking(&t).await.expect("q").expect("r").id).await.expect("tasks").len();
        assert!(open > 0);
        assert_eq!(r.json()["fields"]["close_anyway_reason"], format!("{open} tasks of the checklist are still open: finish them, or give a reason to close anyway."), "{}", r.body);
        let mut anyway = close.clone();
        anyway["close_anyway_reason"] = json!("通報者已自行處理，檢核項目不適用");
        ok(go(&h, &analyst, &t, anyway).await);
        let desk_view = h.json(Method::GET, &base, Some(&analyst), json!(null), &[]).await.json();
        let closing = desk_view["events"].as_array().expect("events").iter()
            .filter_map(|e| e["data"].as_str().and_then(|d| serde_json::from_str::<Value>(d).ok()))
            .find(|d| d["to"] == "closed").expect("closing event");
        assert_eq!(closing["close_anyway_reason"], "通報者已自行處理，檢核項目不適用", "{closing}");
        assert_eq!(closing["open_tasks"].as_array().map(Vec::len), Some(open), "{closing}");
        let audit = h.state.store.list_audit(&tocsin_storage::AuditFilter { limit: 100, ..Default::default() }).await.expect("audit");
        assert!(audit.iter().any(|a| a.detail.contains("open tasks: 通報者已自行處理")), "audited with the reason");
        let report = h.state.store.report_by_tracking(&t).await.expect("q").expect("r");
        assert!(report.first_response_at.0.is_some() && report.closed_at.0.is_some());
        let survey = h.state.store.survey_of(report.id).await.expect("q");
        assert!(survey.is_some(), "closing sends the survey");
        // Reopen and close again: still one survey.
        ok(go(&h, &analyst, &t, json!({"to": "in_progress"})).await);
        ok(go(&h, &analyst, &t, json!({"to": "resolved"})).await);
        ok(go(&h, &analyst, &t, json!({"to": "closed", "resolution": "resolved", "outcome": "true_positive", "close_anyway_reason": "同上"})).await);
        let mails = h.state.store.list_outbox(50).await.expect("outbox");
        let surveys = mails.iter().filter(|m| m.subject.contains("滿意度調查") || m.subject.contains("Satisfaction")).count();
        assert_eq!(surveys, 1, "one survey per report");
        // The queue of open reports no longer holds it.
        let open = h.json(Method::GET, "/api/v1/reports", Some(&analyst), json!(null), &[]).await.json();
        assert_eq!(open.as_array().map(|q| q.len()), Some(0));
        let all = h.json(Method::GET, "/api/v1/reports?state=all", Some(&analyst), json!(null), &[]).await.json();
        assert_eq!(all.as_array().map(|q| q.len()), Some(1));
    }

    async fn members_see_their_organizations_reports(h: Harness) {
        let (email, member) = h.user("m@corp.tw", &[Role::Member]).await;
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&member), valid(), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let me = h.state.store.find_user_by_email(&email).await.expect("q").expect("u");
        // A colleague in the same organization sees it without the token.
        let s = &h.state.store;
        let mut tx = s.begin().await.expect("begin");
        let colleague = tx.create_user(&tocsin_storage::NewUser { email: "c@corp.tw".into(), name: "C".into(), org_id: me.org_id.0, roles: tocsin_domain::Roles::new([Role::Member]), password_hash: None }).await.expect("user");
        tx.commit().await.expect("commit");
        let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
        s.create_api_token(colleague.id, "t", &tocsin_server::auth::hash_secret(&secret)).await.expect("token");
        assert_eq!(h.json(Method::GET, &format!("/api/v1/reports/{t}"), Some(&secret), json!(null), &[]).await.status, StatusCode::OK);
        let list = h.json(Method::GET, "/api/v1/reports?state=all", Some(&secret), json!(null), &[]).await.json();
        assert_eq!(list.as_array().map(|l| l.len()), Some(1));
        // Someone else's member does not.
        let (_, other) = h.user("x@other.tw", &[Role::Member]).await;
        assert_eq!(h.json(Method::GET, &format!("/api/v1/reports/{t}"), Some(&other), json!(null), &[]).await.status, StatusCode::NOT_FOUND);
        let list = h.json(Method::GET, "/api/v1/reports?state=all", Some(&other), json!(null), &[]).await.json();
        assert_eq!(list.as_array().map(|l| l.len()), Some(0));
    }
}

#[tokio::test]
async fn intake_is_rate_limited_per_address() {
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.reports.max_per_hour_per_address = 2
    })
    .await
    .expect("sqlite");
    for _ in 0..2 {
        assert_eq!(file(&h, valid()).await.status, StatusCode::CREATED);
    }
    // Refused reports do not count; the third accepted one is over the limit.
    let mut bad = valid();
    bad["email"] = json!("");
    assert_eq!(file(&h, bad).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = file(&h, valid()).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json()["error"], "rate_limited");
}

#[tokio::test]
async fn oversized_bodies_get_the_error_shape() {
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.reports.max_attachment_bytes = 1024;
        c.reports.max_attachments = 1;
        c.security.max_body_bytes = 4096;
    })
    .await
    .expect("sqlite");
    let limit = h.state.config.body_limit();
    let mut body = valid();
    body["description"] = json!("x".repeat(limit + 10));
    let r = file(&h, body).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"], "too_large");
}

/// The target of a response's `Link: <…>; rel="next"`, if any.
fn next_link(r: &crate::Resp) -> Option<String> {
    let v = r.headers.get("link")?.to_str().ok()?;
    let v = v.strip_suffix("; rel=\"next\"")?;
    Some(v.trim_start_matches('<').trim_end_matches('>').to_string())
}

/// Stores `n` incident reports straight through the storage (intake's rate limit would
/// refuse that many from one address), returning their tracking numbers.
async fn stored(h: &Harness, n: usize) -> Vec<String> {
    let mut tx = h.state.store.begin().await.expect("begin");
    let mut out = Vec::new();
    for i in 0..n {
        let r = tx
            .create_report(
                &tocsin_storage::NewReport {
                    kind: tocsin_domain::ReportKind::Incident,
                    prefix: "INC".into(),
                    category: "web_attack".into(),
                    priority: tocsin_domain::Priority::P3,
                    reporter_name: format!("分頁 {i}"),
                    reporter_email: "soc@corp.example.tw".into(),
                    reporter_phone: String::new(),
                    reporter_user_id: None,
                    org_id: None,
                    locale: "zh-TW".into(),
                    details: "{}".into(),
                    rsit_class: String::new(),
                    rsit_type: String::new(),
                    follows_up: String::new(),
                    status_token_hash: format!("t{i}").into_bytes(),
                },
                2026,
            )
            .await
            .expect("report");
        out.push(r.tracking_id);
    }
    tx.commit().await.expect("commit");
    out
}

both_engines! {
    async fn the_queue_pages_by_cursor_without_skipping_or_repeating(h: Harness) {
        let (email, analyst) = h.user("pager@cert.example.tw", &[Role::Analyst]).await;
        let made: std::collections::BTreeSet<String> = stored(&h, 105).await.into_iter().collect();
        // The API: a full page, a next link with a cursor and the filters, then the rest;
        // reports filed between the pages neither repeat nor push an older one out.
        let r = h.json(Method::GET, "/api/v1/reports?incident_type=web_attack", Some(&analyst), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let tracking = |r: &crate::Resp| -> Vec<String> { r.json().as_array().expect("list").iter().map(|x| x["tracking_id"].as_str().expect("id").to_string()).collect() };
        let mut seen = tracking(&r);
        assert_eq!(seen.len(), 100);
        let mut next = next_link(&r).expect("a next page");
        assert!(next.starts_with("/api/v1/reports?incident_type=web_attack&after="), "{next}");
        stored(&h, 3).await;
        loop {
            let r = h.json(Method::GET, &next, Some(&analyst), json!(null), &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            seen.extend(tracking(&r));
            match next_link(&r) {
                Some(n) => next = n,
                None => break,
            }
        }
        let unique: std::collections::BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "a report repeated");
        assert!(made.is_subset(&unique), "a report skipped");
        assert_eq!(seen.len(), 108, "oldest first: the reports filed meanwhile come last");
        // A cursor that is not one is refused by name.
        let bad = h.json(Method::GET, "/api/v1/reports?after=nonsense", Some(&analyst), json!(null), &[]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.json()["fields"]["after"].as_str().is_some_and(|m| !m.is_empty()), "{}", bad.body);
        // The page links to the next by cursor (no script needed), and from there to the
        // first page with the same filters.
        let cookie = h.login(&email).await;
        let page = h.get("/desk?sort=newest", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"queue-first\""));
        let at = page.body.find("id=\"queue-next\" href=\"").expect("next link") + "id=\"queue-next\" href=\"".len();
        let href = page.body[at..].split('"').next().expect("href").replace("&amp;", "&").replace("&#38;", "&");
        assert!(href.starts_with("/desk?sort=newest&after="), "{href}");
        let second = h.get(&href, &[("cookie", &cookie)]).await;
        assert_eq!(second.status, StatusCode::OK);
        assert!(second.body.contains("id=\"queue-first\" href=\"/desk?sort=newest\""), "first page link");
        assert!(!second.body.contains("id=\"queue-next\""), "108 reports: two pages");
    }
}

//! The reward scheme over the API on both engines: a verified incident earns its
//! organization once (retried, raced or replayed), duplicate and spam reverse it with a
//! compensating entry and spam takes the penalty without going below zero; accepted
//! vulnerabilities and published CVEs earn by severity, verified phishing URLs and shared
//! intel earn their reporters; redemptions are held, approved or rejected, refused in the
//! caller's language when points or stock run out; adjustments need a reason, are audited
//! and never overdraw; the leaderboard names only who did not opt out; accounts are their
//! holders' alone.

use axum::http::{Method, StatusCode};
use base64::Engine;
use serde_json::{Value, json};
use tocsin_domain::{ReportState, Role};

use crate::{Harness, Resp, both_engines};

const VULN_TXT: &[u8] = include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");

async fn call(h: &Harness, method: Method, uri: &str, token: Option<&str>, body: Value) -> Resp {
    h.json(method, uri, token, body, &[("accept-language", "en")])
        .await
}

async fn get(h: &Harness, uri: &str, token: &str) -> Value {
    let r = call(h, Method::GET, uri, Some(token), json!(null)).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    r.json()
}

/// (balance, held, available) of the caller's account.
async fn balance(h: &Harness, token: &str) -> (i64, i64, i64) {
    let b = get(h, "/api/v1/points/balance", token).await;
    let n = |k: &str| b[k].as_i64().unwrap_or_else(|| panic!("{k}: {b}"));
    (n("balance"), n("held"), n("available"))
}

/// The caller's ledger as (delta, kind, rule, source id, reason), oldest first.
async fn history(h: &Harness, token: &str) -> Vec<(i64, String, String, String, String)> {
    let v = get(h, "/api/v1/points/history", token).await;
    let mut rows: Vec<_> = v
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (
                e["delta"].as_i64().expect("delta"),
                s("kind"),
                s("rule"),
                s("source_id"),
                s("reason"),
            )
        })
        .collect();
    rows.reverse();
    rows
}

fn entry(
    delta: i64,
    kind: &str,
    rule: &str,
    source: &str,
    reason: &str,
) -> (i64, String, String, String, String) {
    (
        delta,
        kind.into(),
        rule.into(),
        source.into(),
        reason.into(),
    )
}

/// An incident report filed by the holder of `token`; its tracking number.
async fn incident(h: &Harness, token: &str) -> String {
    let body = json!({
        "reporter_name": "台灣測試股份有限公司",
        "email": "soc@corp.example.tw",
        "discovered_at": "2026-11-01T09:15",
        "time_zone": "Asia/Taipei",
        "incident_type": "web_attack",
        "description": "官網首頁遭置換",
        "needs_support": false,
    });
    let r = call(
        h,
        Method::POST,
        "/api/v1/reports/incident",
        Some(token),
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["tracking_id"]
        .as_str()
        .expect("tracking")
        .to_string()
}

async fn go(h: &Harness, token: &str, tracking: &str, body: Value) -> Resp {
    call(
        h,
        Method::POST,
        &format!("/api/v1/reports/{tracking}/transition"),
        Some(token),
        body,
    )
    .await
}

async fn triage(h: &Harness, analyst: &str, tracking: &str) {
    let r = go(h, analyst, tracking, json!({"to": "triaged"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn adjust(h: &Harness, admin: &str, org: &str, delta: i64, reason: &str) -> Resp {
    call(
        h,
        Method::POST,
        "/api/v1/points/adjustments",
        Some(admin),
        json!({"org_id": org, "delta": delta, "reason": reason}),
    )
    .await
}

async fn org_of(h: &Harness, email: &str) -> String {
    let u = h
        .state
        .store
        .find_user_by_email(email)
        .await
        .expect("q")
        .expect("user");
    u.org_id.0.expect("org").to_string()
}

/// A catalog item made by an admin; its id.
async fn item(
    h: &Harness,
    admin: &str,
    kind: &str,
    cost: i64,
    stock: i64,
    window: (&str, &str),
) -> String {
    let r = call(
        h,
        Method::POST,
        "/api/v1/points/catalog",
        Some(admin),
        json!({
            "kind": kind, "name_zh": "年會演講時段", "name_en": "Annual meeting talk",
            "cost": cost, "stock": stock,
            "valid_from": window.0, "valid_until": window.1,
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().expect("id").to_string()
}

const OPEN: (&str, &str) = ("2020-01-01", "2099-12-31");

async fn redeem(h: &Harness, token: &str, item: &str, lang: &str) -> Resp {
    h.json(
        Method::POST,
        "/api/v1/points/redemptions",
        Some(token),
        json!({"item_id": item}),
        &[("accept-language", lang)],
    )
    .await
}

async fn stock(h: &Harness, admin: &str, item: &str) -> i64 {
    let all = get(h, "/api/v1/points/catalog?all=true", admin).await;
    all.as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == item)
        .expect("item")["stock"]
        .as_i64()
        .expect("stock")
}

async fn decide(h: &Harness, token: &str, id: &str, decision: &str, note: &str) -> Resp {
    call(
        h,
        Method::POST,
        &format!("/api/v1/points/redemptions/{id}/decision"),
        Some(token),
        json!({"decision": decision, "note": note}),
    )
    .await
}

/// A user without an organization (an individual researcher); (email, API token).
async fn individual(h: &Harness, email: &str) -> (String, String) {
    let s = &h.state.store;
    let mut tx = s.begin().await.expect("begin");
    let u = tx
        .create_user(&tocsin_storage::NewUser {
            email: email.into(),
            name: email.into(),
            org_id: None,
            roles: tocsin_domain::Roles::new([Role::Reporter]),
            password_hash: None,
        })
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    s.create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    (email.to_string(), secret)
}

fn as_user(u: tocsin_storage::User) -> tocsin_server::auth::CurrentUser {
    tocsin_server::auth::CurrentUser(Some((u, tocsin_server::auth::AuthMethod::Token)))
}

fn ctx() -> tocsin_app::Ctx {
    tocsin_app::Ctx {
        locale: tocsin_domain::Locale::En,
        ip: "192.0.2.1".into(),
        request_id: "test".into(),
        from_mail: None,
        idempotency_key: None,
    }
}

both_engines! {
    async fn a_verified_incident_earns_once_and_a_duplicate_reverses_it(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, member) = h.user("soc@corp.tw", &[Role::Member]).await;
        let a = incident(&h, &member).await;
        assert_eq!(balance(&h, &member).await, (0, 0, 0), "submitted is not verified");
        assert!(history(&h, &member).await.is_empty());
        triage(&h, &analyst, &a).await;
        assert_eq!(balance(&h, &member).await, (10, 0, 10));
        assert_eq!(history(&h, &member).await, vec![entry(10, "award", "incident_verified", &a, "")]);
        // Retried: the same move again is refused, and replaying the points hook of the
        // transition (as a retry after a lost answer would) awards nothing more.
        assert_eq!(go(&h, &analyst, &a, json!({"to": "triaged"})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        let analyst_user = h.state.store.find_user_by_email("analyst@cert.tw").await.expect("q").expect("u");
        let who = as_user(analyst_user);
        let report = h.state.store.report_by_tracking(&a).await.expect("q").expect("r");
        for _ in 0..2 {
            let mut tx = h.state.store.begin().await.expect("begin");
            tocsin_app::service::points::on_report_transition(&mut tx, &h.state, &who, &report, ReportState::Triaged).await.expect("hook");
            tx.commit().await.expect("commit");
        }
        assert_eq!(balance(&h, &member).await, (10, 0, 10));
        // Two analysts racing the same transition: one award.
        let b = incident(&h, &member).await;
        let (r1, r2) = tokio::join!(
            go(&h, &analyst, &b, json!({"to": "triaged"})),
            go(&h, &analyst, &b, json!({"to": "triaged"})),
        );
        let ok = [r1.status, r2.status].iter().filter(|s| **s == StatusCode::OK).count();
        assert!(ok >= 1, "{} / {}", r1.body, r2.body);
        assert_eq!(balance(&h, &member).await, (20, 0, 20));
        // Reclassified as a duplicate of B: A's award is compensated, B's stays.
        let r = go(&h, &analyst, &a, json!({"to": "duplicate", "duplicate_of": b})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(balance(&h, &member).await, (10, 0, 10));
        assert_eq!(history(&h, &member).await, vec![
            entry(10, "award", "incident_verified", &a, ""),
            entry(10, "award", "incident_verified", &b, ""),
            entry(-10, "reversal", "incident_verified", &a, "duplicate"),
        ]);
        // Rejected for another reason than spam: nothing moves.
        let c = incident(&h, &member).await;
        let r = go(&h, &analyst, &c, json!({"to": "rejected", "rejection_reason": "out_of_scope"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(balance(&h, &member).await, (10, 0, 10));
        assert_eq!(history(&h, &member).await.len(), 3);
    }

    async fn spam_reverses_and_takes_the_penalty_never_below_zero(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, member) = h.user("soc@corp.tw", &[Role::Member]).await;
        let org = org_of(&h, "soc@corp.tw").await;
        assert_eq!(adjust(&h, &admin, &org, 20, "開帳").await.status, StatusCode::CREATED);
        let a = incident(&h, &member).await;
        triage(&h, &analyst, &a).await;
        assert_eq!(balance(&h, &member).await, (30, 0, 30));
        let spam = json!({"to": "rejected", "rejection_reason": "spam"});
        assert_eq!(go(&h, &analyst, &a, spam.clone()).await.status, StatusCode::OK);
        assert_eq!(balance(&h, &member).await, (15, 0, 15), "the award reversed, the penalty taken");
        // Spam never verified: the penalty only.
        let b = incident(&h, &member).await;
        assert_eq!(go(&h, &analyst, &b, spam.clone()).await.status, StatusCode::OK);
        assert_eq!(balance(&h, &member).await, (10, 0, 10));
        // With 3 points left, the penalty takes 3, not 5.
        assert_eq!(adjust(&h, &admin, &org, -7, "更正").await.status, StatusCode::CREATED);
        let c = incident(&h, &member).await;
        assert_eq!(go(&h, &analyst, &c, spam.clone()).await.status, StatusCode::OK);
        assert_eq!(balance(&h, &member).await, (0, 0, 0));
        // At zero, a further spam report takes nothing and writes nothing.
        let d = incident(&h, &member).await;
        assert_eq!(go(&h, &analyst, &d, spam).await.status, StatusCode::OK);
        assert_eq!(balance(&h, &member).await, (0, 0, 0));
        assert_eq!(history(&h, &member).await, vec![
            entry(20, "adjustment", "", "", "開帳"),
            entry(10, "award", "incident_verified", &a, ""),
            entry(-10, "reversal", "incident_verified", &a, "spam"),
            entry(-5, "penalty", "spam_penalty", &a, ""),
            entry(-5, "penalty", "spam_penalty", &b, ""),
            entry(-7, "adjustment", "", "", "更正"),
            entry(-3, "penalty", "spam_penalty", &c, ""),
        ]);
    }

    async fn vulnerabilities_earn_on_acceptance_and_by_cve_severity(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin, Role::Coordinator]).await;
        let (_, researcher) = h.user("finder@lab.tw", &[Role::Member]).await;
        let (vendor_email, vendor) = h.user("psirt@vendor.tw", &[Role::Member]).await;
        let body = json!({"txt_base64": base64::engine::general_purpose::STANDARD.encode(VULN_TXT)});
        let r = call(&h, Method::POST, "/api/v1/reports/vulnerability", Some(&researcher), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let base = format!("/api/v1/vulnerabilities/{t}");
        let ok = |r: Resp| assert!(r.status.is_success(), "{}", r.body);
        let step = |to: &'static str| json!({"to": to});
        ok(call(&h, Method::POST, &format!("{base}/transition"), Some(&admin), step("under_review")).await);
        assert_eq!(balance(&h, &researcher).await, (0, 0, 0));
        ok(call(&h, Method::POST, &format!("{base}/transition"), Some(&admin), step("accepted")).await);
        assert_eq!(balance(&h, &researcher).await, (20, 0, 20));
        let vendor_org = org_of(&h, &vendor_email).await;
        ok(call(&h, Method::POST, &format!("{base}/vendor"), Some(&admin), json!({"vendor_org_id": vendor_org, "status": "affected"})).await);
        ok(call(&h, Method::POST, &format!("{base}/notify-vendor"), Some(&admin), json!({})).await);
        ok(call(&h, Method::POST, "/api/v1/cve-ids", Some(&admin), json!({"ids": "CVE-2026-1000"})).await);
        ok(call(&h, Method::POST, &format!("{base}/cve"), Some(&admin), json!(null)).await);
        // Publication needs a description in English; the seed's is Chinese.
        ok(call(&h, Method::POST, &format!("{base}/advisory"), Some(&admin), json!({"advisory_en": "OS command injection in IP CAM 1.24."})).await);
        for to in ["fix_pending", "ready_to_publish"] {
            ok(call(&h, Method::POST, &format!("{base}/transition"), Some(&admin), step(to)).await);
        }
        assert_eq!(balance(&h, &researcher).await, (20, 0, 20));
        ok(call(&h, Method::POST, &format!("{base}/transition"), Some(&admin), step("published")).await);
        // CVSS 7.6 (tocsin's own score of the vector): high, 40 points.
        assert_eq!(balance(&h, &researcher).await, (60, 0, 60));
        assert_eq!(history(&h, &researcher).await, vec![
            entry(20, "award", "vulnerability_accepted", &t, ""),
            entry(40, "award", "cve_published", &t, "high"),
        ]);
        // The vendor earns nothing for being notified.
        assert_eq!(balance(&h, &vendor).await, (0, 0, 0));
    }

    async fn verified_phishing_urls_and_shared_intel_earn_their_reporters(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, member) = h.user("soc@bank.tw", &[Role::Member]).await;
        let org = org_of(&h, "soc@bank.tw").await;
        let r = call(&h, Method::POST, "/api/v1/reports/phishing", Some(&member), json!({"urls": ["hxxp://phish.example/bank?x=1"], "brand": "範例銀行", "seen_in": "sms", "reporter_email": "soc@bank.tw"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let tracking = r.json()["tracking_id"].as_str().expect("t").to_string();
        let cases = get(&h, "/api/v1/phishing?state=all", &analyst).await;
        let case = cases[0]["id"].as_str().expect("id").to_string();
        let r = call(&h, Method::POST, &format!("/api/v1/phishing/{case}/transition"), Some(&analyst), json!({"to": "verified"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(balance(&h, &member).await, (5, 0, 5));
        assert_eq!(history(&h, &member).await, vec![entry(5, "award", "phishing_verified", &format!("{case}/{tracking}"), "")]);
        // An intel draft of the member's: shared by the desk, its author earns once.
        let rec = json!({
            "category": "INT", "subject": "後門中繼站", "source": "銀行 SOC",
            "published_at": "2026-12-01T09:30:00+08:00", "tlp": "amber", "dispatch_id": "D-1",
            "event_subject": "網站遭入侵", "event_discovered_at": "2026-11-30T08:00:00+08:00",
            "event_sent_at": "2026-11-30T10:00:00+08:00", "event_resolved_at": "",
            "content": "金融業者網站遭植入後門，中繼站 198.51.100.7。", "intel_type": "入侵攻擊",
            "publisher": "銀行 SOC", "contact": "soc@bank.tw", "impact_level": 3,
            "recommendation": "封鎖中繼站", "references": "https://example.org/a/1", "attachments": "",
            "victim_ip": [{"ip": "203.0.113.5", "port": "443", "protocol": "tcp"}],
            "affected_platforms": "Windows Server 2019", "technique": "網頁後門",
            "malicious_connections": [{"direction": "destination", "ip": "198.51.100.7", "port": "8080", "protocol": "tcp"}],
            "scan_info": {"engine": "ClamAV", "engine_type": "antivirus", "version": "1.0", "result": "Win.Trojan"},
            "source_id": "", "source_time": "",
        });
        let r = call(&h, Method::POST, "/api/v1/intel", Some(&member), rec).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().expect("id").to_string();
        assert_eq!(balance(&h, &member).await, (5, 0, 5), "a draft earns nothing");
        for _ in 0..2 {
            let r = call(&h, Method::POST, &format!("/api/v1/intel/{id}/share"), Some(&analyst), json!({"orgs": [org]})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        assert_eq!(balance(&h, &member).await, (15, 0, 15), "shared twice, earned once");
        assert_eq!(history(&h, &member).await.last().cloned(), Some(entry(10, "award", "intel_accepted", &id, "")));
        // A draft the desk makes from an incident earns nobody when shared: not the
        // analyst who made it, not the reporter again.
        let r = call(&h, Method::POST, "/api/v1/reports/incident", Some(&member), json!({
            "reporter_name": "範例銀行", "email": "soc@bank.tw", "discovered_at": "2026-11-01T09:15",
            "time_zone": "Asia/Taipei", "incident_type": "web_attack", "description": "官網首頁遭置換",
            "needs_support": false,
        })).await;
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let r = call(&h, Method::POST, &format!("/api/v1/reports/{t}/intel"), Some(&analyst), json!(null)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let draft = r.json()["id"].as_str().expect("id").to_string();
        let r = call(&h, Method::POST, &format!("/api/v1/intel/{draft}/share"), Some(&analyst), json!({"orgs": [org]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(balance(&h, &member).await, (15, 0, 15));
        let analyst_org = org_of(&h, "analyst@cert.tw").await;
        let desk = h.state.store.points_account_of(tocsin_storage::Holder::Org(tocsin_domain::OrgId(analyst_org.parse().expect("id")))).await.expect("q");
        assert_eq!(desk.map(|a| a.balance), None, "the desk earns nothing for its own drafts");
    }

    async fn redemptions_are_held_then_approved_or_rejected(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, member) = h.user("soc@corp.tw", &[Role::Member]).await;
        let org = org_of(&h, "soc@corp.tw").await;
        assert_eq!(adjust(&h, &admin, &org, 100, "年度回饋").await.status, StatusCode::CREATED);
        let slot = item(&h, &admin, "event_slot", 30, 2, OPEN).await;
        let catalog = get(&h, "/api/v1/points/catalog", &member).await;
        assert_eq!(catalog.as_array().map(Vec::len), Some(1));
        assert_eq!(catalog[0]["kind"], "event_slot");
        // Held: points held, one unit of stock taken.
        let r = redeem(&h, &member, &slot, "en").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let held = r.json();
        assert_eq!((held["state"].as_str(), held["cost"].as_i64()), (Some("held"), Some(30)));
        let rid = held["id"].as_str().expect("id").to_string();
        // The admins hear that it waits; the member hears the decision, with its note.
        let mails_to = |to: &'static str| {
            let h = &h;
            async move {
                let limits = tocsin_formats::mail_in::Limits::default();
                h.state.store.list_outbox(100).await.expect("outbox").into_iter()
                    .filter(|m| m.recipients.contains(to))
                    .map(|m| tocsin_formats::mail_in::parse(&m.message, None, &limits).expect("parses").text)
                    .collect::<Vec<_>>()
            }
        };
        let to_admin = mails_to("admin@cert.tw").await;
        assert_eq!(to_admin.len(), 1, "{to_admin:?}");
        assert!(to_admin[0].contains("30") && to_admin[0].contains("/admin/points"), "{}", to_admin[0]);
        assert!(mails_to("soc@corp.tw").await.is_empty(), "members are not told of their own request");
        assert_eq!(balance(&h, &member).await, (100, 30, 70));
        assert_eq!(stock(&h, &admin, &slot).await, 1);
        let pending = get(&h, "/api/v1/points/redemptions?pending=true", &admin).await;
        assert_eq!(pending.as_array().map(Vec::len), Some(1));
        assert_eq!(pending[0]["id"], rid.as_str());
        // A member decides nothing; the admin approves: spent.
        assert_eq!(decide(&h, &member, &rid, "approved", "").await.status, StatusCode::FORBIDDEN);
        let r = decide(&h, &admin, &rid, "approved", "請於 12/20 報到").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["state"], "approved");
        assert_eq!(balance(&h, &member).await, (70, 0, 70));
        assert_eq!(stock(&h, &admin, &slot).await, 1);
        assert_eq!(history(&h, &member).await.last().cloned(), Some(entry(-30, "redemption", "", &rid, "請於 12/20 報到")));
        let r = decide(&h, &admin, &rid, "rejected", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["fields"]["decision"], "This redemption has already been decided.");
        assert_eq!(balance(&h, &member).await, (70, 0, 70), "a decision happens once");
        // Requested again and rejected: the hold released, the unit back.
        let rid2 = redeem(&h, &member, &slot, "en").await.json()["id"].as_str().expect("id").to_string();
        assert_eq!((balance(&h, &member).await, stock(&h, &admin, &slot).await), ((70, 30, 40), 0));
        let r = decide(&h, &admin, &rid2, "rejected", "名額已滿").await;
        assert_eq!(r.json()["state"], "rejected");
        assert_eq!((balance(&h, &member).await, stock(&h, &admin, &slot).await), ((70, 0, 70), 1));
        let told = mails_to("soc@corp.tw").await;
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told.iter().any(|t| t.contains("請於 12/20 報到")) && told.iter().any(|t| t.contains("名額已滿")), "{told:?}");
        let mine = get(&h, "/api/v1/points/redemptions", &member).await;
        let states: Vec<_> = mine.as_array().expect("list").iter().map(|r| (r["state"].as_str().unwrap_or_default().to_string(), r["note"].as_str().unwrap_or_default().to_string())).collect();
        assert_eq!(states, vec![("rejected".to_string(), "名額已滿".to_string()), ("approved".to_string(), "請於 12/20 報到".to_string())]);
        // Refusals name item_id in the caller's language and store nothing.
        let dear = item(&h, &admin, "vuln_reward", 80, 5, OPEN).await;
        let r = redeem(&h, &member, &dear, "en").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["fields"]["item_id"], "Not enough points available.");
        let r = redeem(&h, &member, &dear, "zh-TW").await;
        assert_eq!(r.json()["fields"]["item_id"], "可用點數不足。");
        assert_eq!(stock(&h, &admin, &dear).await, 5, "the unit taken is given back");
        let gone = item(&h, &admin, "assistance", 1, 0, OPEN).await;
        let r = redeem(&h, &member, &gone, "en").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["fields"]["item_id"], "This item is out of stock.");
        assert_eq!(redeem(&h, &member, &gone, "zh-TW").await.json()["fields"]["item_id"], "此項目已兌換完畢。");
        let past = item(&h, &admin, "event_slot", 1, 9, ("2020-01-01", "2020-12-31")).await;
        let r = redeem(&h, &member, &past, "en").await;
        assert_eq!(r.json()["fields"]["item_id"], "This item cannot be redeemed now (withdrawn or outside its validity window).");
        let r = redeem(&h, &member, "not-an-id", "en").await;
        assert_eq!(r.json()["fields"]["item_id"], "Please choose one of the options.");
        assert_eq!(balance(&h, &member).await, (70, 0, 70));
        assert_eq!(get(&h, "/api/v1/points/redemptions", &member).await.as_array().map(Vec::len), Some(2));
        // Items: admins only; a bad one names its fields.
        let r = call(&h, Method::POST, "/api/v1/points/catalog", Some(&member), json!({"kind": "event_slot"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = call(&h, Method::POST, "/api/v1/points/catalog", Some(&admin), json!({"kind": "cash", "name_zh": "x", "cost": "0", "stock": "1", "valid_from": "2026-12-31", "valid_until": "2026-01-01"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let f = &r.json()["fields"];
        assert_eq!(f["kind"], "Please choose one of the options.");
        assert_eq!(f["cost"], "Enter a whole number from 1 to 1000000000.");
        assert_eq!(f["valid_until"], "The last day cannot be before the first day.");
    }

    async fn adjustments_need_a_reason_are_audited_and_never_overdraw(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, member) = h.user("soc@corp.tw", &[Role::Member]).await;
        let org = org_of(&h, "soc@corp.tw").await;
        let r = adjust(&h, &admin, &org, 50, "  ").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["fields"]["reason"], "This field is required.");
        // The number as text, as clients written before the document typed it send it.
        let r = h.json(Method::POST, "/api/v1/points/adjustments", Some(&admin), json!({"org_id": org, "delta": "50"}), &[("accept-language", "zh-TW")]).await;
        assert_eq!(r.json()["fields"]["reason"], "此欄位為必填。");
        assert!(r.json()["fields"].get("delta").is_none(), "{}", r.body);
        // Not a whole number in range, as a number or as text: the field says so.
        for delta in [json!("lots"), json!(1.5), json!(1e30), json!(1_000_001), json!(i64::MIN)] {
            let r = call(&h, Method::POST, "/api/v1/points/adjustments", Some(&admin), json!({"org_id": org, "delta": delta, "reason": "x"})).await;
            assert_eq!(r.json()["fields"]["delta"], "Enter a whole number from -1000000 to 1000000.", "{delta}");
        }
        let r = adjust(&h, &admin, &uuid::Uuid::now_v7().to_string(), 5, "x").await;
        assert_eq!(r.json()["fields"]["org_id"], "Please choose one of the options.");
        assert_eq!(adjust(&h, &member, &org, 50, "自己加").await.status, StatusCode::FORBIDDEN);
        assert_eq!(balance(&h, &member).await, (0, 0, 0), "nothing stored");
        assert!(!h.audit_actions().await.iter().any(|a| a == "points.adjust"));
        let r = adjust(&h, &admin, &org, 50, "活動補點").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!((r.json()["delta"].as_i64(), r.json()["kind"].as_str()), (Some(50), Some("adjustment")));
        assert_eq!(h.audit_actions().await.iter().filter(|a| *a == "points.adjust").count(), 1);
        // 30 held: taking 100 takes only the 20 available.
        let slot = item(&h, &admin, "event_slot", 30, 1, OPEN).await;
        assert_eq!(redeem(&h, &member, &slot, "en").await.status, StatusCode::CREATED);
        let r = adjust(&h, &admin, &org, -100, "更正").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["delta"], -20);
        assert_eq!(balance(&h, &member).await, (30, 30, 0));
        let r = adjust(&h, &admin, &org, -5, "再扣").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["fields"]["delta"], "Not enough points available.");
        assert_eq!(balance(&h, &member).await, (30, 30, 0));
        assert_eq!(h.audit_actions().await.iter().filter(|a| *a == "points.adjust").count(), 2);
    }

    async fn the_leaderboard_ranks_the_year_and_names_only_who_did_not_opt_out(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, a) = h.user("a@one.tw", &[Role::Member]).await;
        let (_, b) = h.user("b@two.tw", &[Role::Member]).await;
        let (_, c) = h.user("c@three.tw", &[Role::Member]).await;
        for (token, n) in [(&a, 2), (&b, 1), (&c, 3)] {
            for _ in 0..n {
                let t = incident(&h, token).await;
                triage(&h, &analyst, &t).await;
            }
        }
        // Adjustments do not rank.
        let b_org = org_of(&h, "b@two.tw").await;
        assert_eq!(adjust(&h, &admin, &b_org, 1000, "補點").await.status, StatusCode::CREATED);
        let c_user = h.state.store.find_user_by_email("c@three.tw").await.expect("q").expect("u");
        tocsin_app::service::points::set_opt_out(&h.state, &as_user(c_user), &ctx(), true).await.expect("opt out");
        assert_eq!(get(&h, "/api/v1/points/balance", &c).await["leaderboard_opt_out"], true);
        let board = get(&h, "/api/v1/points/leaderboard", &b).await;
        assert_eq!(board, json!([
            {"rank": 1, "name": "", "earned": 30},
            {"rank": 2, "name": "org of a@one.tw", "earned": 20},
            {"rank": 3, "name": "org of b@two.tw", "earned": 10},
        ]));
        assert_eq!(get(&h, "/api/v1/points/leaderboard?year=2020", &b).await, json!([]));
        assert!(h.audit_actions().await.iter().any(|x| x == "points.leaderboard"));
        // A researcher on their own is ranked but not named until they choose to be.
        let (solo_email, solo) = individual(&h, "domo@researcher.tw").await;
        for _ in 0..4 {
            let t = incident(&h, &solo).await;
            triage(&h, &analyst, &t).await;
        }
        assert_eq!(get(&h, "/api/v1/points/balance", &solo).await["leaderboard_opt_out"], true);
        let board = get(&h, "/api/v1/points/leaderboard", &b).await;
        assert_eq!(board[0], json!({"rank": 1, "name": "", "earned": 40}), "{board}");
        let solo_user = h.state.store.find_user_by_email(&solo_email).await.expect("q").expect("u");
        tocsin_app::service::points::set_opt_out(&h.state, &as_user(solo_user), &ctx(), false).await.expect("opt in");
        let board = get(&h, "/api/v1/points/leaderboard", &b).await;
        assert_eq!(board[0], json!({"rank": 1, "name": "domo@researcher.tw", "earned": 40}), "{board}");
    }

    async fn accounts_are_their_holders_alone(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (_, a) = h.user("a@one.tw", &[Role::Member]).await;
        let (_, b) = h.user("b@two.tw", &[Role::Member]).await;
        let a_org = org_of(&h, "a@one.tw").await;
        assert_eq!(adjust(&h, &admin, &a_org, 50, "回饋").await.status, StatusCode::CREATED);
        let slot = item(&h, &admin, "event_slot", 30, 5, OPEN).await;
        let rid = redeem(&h, &a, &slot, "en").await.json()["id"].as_str().expect("id").to_string();
        // B sees only B's empty account, and cannot decide A's request or list pending ones.
        assert_eq!(balance(&h, &b).await, (0, 0, 0));
        assert!(history(&h, &b).await.is_empty());
        assert_eq!(get(&h, "/api/v1/points/redemptions", &b).await, json!([]));
        assert_eq!(call(&h, Method::GET, "/api/v1/points/redemptions?pending=true", Some(&b), json!(null)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(decide(&h, &b, &rid, "rejected", "").await.status, StatusCode::FORBIDDEN);
        assert_eq!(decide(&h, &b, &uuid::Uuid::now_v7().to_string(), "rejected", "").await.status, StatusCode::NOT_FOUND);
        // B's redemption spends B's points only: refused, A untouched.
        assert_eq!(redeem(&h, &b, &slot, "en").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(balance(&h, &a).await, (50, 30, 20));
        // Staff without an account of their own are refused; the catalog is everyone's.
        assert_eq!(call(&h, Method::GET, "/api/v1/points/balance", Some(&analyst), json!(null)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(get(&h, "/api/v1/points/catalog", &analyst).await.as_array().map(Vec::len), Some(1));
        assert!(h.audit_actions().await.iter().any(|x| x == "access.denied"));
        // Without a session or token: 401 everywhere.
        for uri in ["/api/v1/points/balance", "/api/v1/points/history", "/api/v1/points/catalog", "/api/v1/points/redemptions", "/api/v1/points/leaderboard"] {
            assert_eq!(h.get(uri, &[]).await.status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        assert_eq!(call(&h, Method::POST, "/api/v1/points/redemptions", None, json!({"item_id": slot})).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(call(&h, Method::POST, "/api/v1/points/adjustments", None, json!({"org_id": a_org, "delta": "5", "reason": "x"})).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(balance(&h, &a).await, (50, 30, 20));
        // An individual researcher without an organization earns into their own account.
        let (_, solo) = individual(&h, "solo@researcher.tw").await;
        let t = incident(&h, &solo).await;
        triage(&h, &analyst, &t).await;
        assert_eq!(balance(&h, &solo).await, (10, 0, 10));
        assert_eq!(balance(&h, &a).await, (50, 30, 20));
    }
}

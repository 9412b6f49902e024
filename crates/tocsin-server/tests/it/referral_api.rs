//! Assistance referrals through the API on both engines: consent, a sanitised offer,
//! acceptances backed by assistance redemptions, the reporter's choice exchanging
//! contacts by mail, the outcome and the rating; and who may see what on the way.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::Role;

use crate::{Harness, both_engines};

const EN: &[(&str, &str)] = &[("accept-language", "en")];

async fn call(h: &Harness, method: Method, uri: &str, token: &str, body: Value) -> crate::Resp {
    h.json(method, uri, Some(token), body, EN).await
}

async fn get(h: &Harness, uri: &str, token: &str) -> crate::Resp {
    call(h, Method::GET, uri, token, Value::Null).await
}

/// The organization of a user made by the harness.
pub async fn org_of(h: &Harness, email: &str) -> String {
    let u = h
        .state
        .store
        .find_user_by_email(email)
        .await
        .expect("q")
        .expect("user");
    u.org_id.0.expect("org").uuid().to_string()
}

/// A firm member whose organization holds `n` approved assistance redemptions.
pub async fn firm(h: &Harness, email: &str, admin: &str, item: &str, n: usize) -> String {
    let (_, token) = h.user(email, &[Role::Member]).await;
    let org = org_of(h, email).await;
    let r = call(
        h,
        Method::POST,
        "/api/v1/points/adjustments",
        admin,
        json!({"org_id": org, "delta": 100, "reason": "開辦"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for _ in 0..n {
        let r = call(
            h,
            Method::POST,
            "/api/v1/points/redemptions",
            &token,
            json!({"item_id": item}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().expect("id").to_string();
        let r = call(
            h,
            Method::POST,
            &format!("/api/v1/points/redemptions/{id}/decision"),
            admin,
            json!({"decision": "approved"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    token
}

/// An assistance-referral item on offer today, added by `admin`.
pub async fn assistance_item(h: &Harness, admin: &str) -> String {
    let today = h.state.today().to_string();
    let r = call(
        h,
        Method::POST,
        "/api/v1/points/catalog",
        admin,
        json!({
            "kind": "assistance", "name_zh": "協處商機轉介", "name_en": "Assistance referral",
            "cost": 10, "stock": 5, "valid_from": today, "valid_until": today,
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().expect("id").to_string()
}

pub fn incident(needs_support: bool) -> Value {
    json!({
        "reporter_name": "大同精密股份有限公司",
        "phone": "04-2345-6789",
        "email": "it@datong-precision.example.tw",
        "discovered_at": "2026-11-01T09:15",
        "time_zone": "Asia/Taipei",
        "incident_type": "web_attack",
        "description": "檔案伺服器遭加密",
        "needs_support": needs_support,
        "support_requested": if needs_support { "鑑識與復原" } else { "" },
    })
}

fn offer(summary: &str) -> Value {
    json!({
        "sector": "製造業",
        "incident_type": "勒索軟體",
        "company_size": "small",
        "region": "central",
        "summary": summary,
    })
}

fn field_error(r: &crate::Resp) -> (String, String) {
    let j = r.json();
    let fields = j["fields"].as_object().cloned().unwrap_or_default();
    assert_eq!(fields.len(), 1, "one field in error: {}", r.body);
    let (f, m) = fields.into_iter().next().unwrap_or_default();
    (f, m.as_str().unwrap_or_default().to_string())
}

/// Mail queued to `to`, as text.
pub async fn mail_to(h: &Harness, to: &str) -> Vec<String> {
    h.state
        .store
        .list_outbox(1000)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.recipients.contains(to))
        .map(|m| {
            tocsin_formats::mail_in::parse(&m.message, None, &Default::default())
                .expect("our own mail parses")
                .text
        })
        .collect()
}

both_engines! {
    async fn a_referral_goes_from_consent_to_rating(h: Harness) {
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, reporter) = h.user("it@datong-precision.example.tw", &[Role::Reporter]).await;
        let item = assistance_item(&h, &admin).await;
        let firm_a = firm(&h, "soc@alpha-sec.example.tw", &admin, &item, 1).await;
        let firm_b = firm(&h, "soc@beta-sec.example.tw", &admin, &item, 1).await;
        let firm_c = firm(&h, "soc@gamma-sec.example.tw", &admin, &item, 0).await;
        let org_a = org_of(&h, "soc@alpha-sec.example.tw").await;

        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&reporter), incident(true), EN).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
        let base = format!("/api/v1/reports/{tracking}/referral");

        // No offer before the reporter agrees.
        let r = call(&h, Method::POST, &format!("{base}/offer"), &analyst, offer("需要鑑識")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&r), ("referral".into(), "The reporter has not agreed to a referral.".into()));
        let r = call(&h, Method::POST, &format!("{base}/consent"), &reporter, Value::Null).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(get(&h, &base, &reporter).await.json()["state"], "consented");

        // An offer that names the reporter is refused and changes nothing.
        for (field, value) in [("summary", "請寄信到 datong-precision.example.tw 聯絡"), ("summary", "電話 04 2345 6789"), ("sector", "大同精密股份有限公司")] {
            let mut body = offer("需要鑑識");
            body[field] = json!(value);
            let r = call(&h, Method::POST, &format!("{base}/offer"), &analyst, body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{value}");
            assert_eq!(field_error(&r).0, field, "{value}");
            assert!(field_error(&r).1.contains("names the reporter"), "{}", r.body);
        }
        assert_eq!(get(&h, &base, &analyst).await.json()["state"], "consented");
        let r = call(&h, Method::POST, &format!("{base}/offer"), &firm_a, offer("需要鑑識")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "only the desk offers");
        let r = call(&h, Method::POST, &format!("{base}/offer"), &analyst, offer("檔案伺服器遭加密，需要鑑識與復原。")).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        // The firms that may accept hear of it, without the reporter's name.
        for (firm, told) in [("soc@alpha-sec.example.tw", true), ("soc@beta-sec.example.tw", true), ("soc@gamma-sec.example.tw", false)] {
            let offers: Vec<_> = mail_to(&h, firm).await.into_iter().filter(|m| m.contains("鑑識與復原")).collect();
            assert_eq!(offers.len(), usize::from(told), "{firm}: {offers:?}");
            assert!(offers.iter().all(|m| !m.contains("datong") && !m.contains(&tracking)), "{offers:?}");
        }
        // A firm without an assistance redemption sees nothing and cannot accept.
        assert_eq!(get(&h, "/api/v1/referrals", &firm_c).await.status, StatusCode::FORBIDDEN);
        let offers = get(&h, "/api/v1/referrals", &firm_a).await;
        assert_eq!(offers.status, StatusCode::OK, "{}", offers.body);
        let list = offers.json();
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        let id = list[0]["id"].as_str().expect("id").to_string();
        assert_eq!((list[0]["sector"].as_str(), list[0]["company_size"].as_str(), list[0]["region"].as_str()), (Some("製造業"), Some("small"), Some("central")));
        assert!(list[0]["tracking_id"].is_null() && list[0]["reporter_email"].is_null());
        for secret in ["datong", "大同", "2345-6789", &tracking] {
            assert!(!offers.body.contains(secret), "the offer leaks {secret}: {}", offers.body);
        }
        let accept = |t: &str| {
            let (h, id, t) = (&h, id.clone(), t.to_string());
            async move { call(h, Method::POST, &format!("/api/v1/referrals/{id}/accept"), &t, Value::Null).await }
        };
        assert_eq!(accept(&firm_c).await.status, StatusCode::NOT_FOUND, "a firm that may not see it learns nothing");
        assert_eq!(accept(&analyst).await.status, StatusCode::FORBIDDEN);
        assert_eq!(accept(&firm_a).await.status, StatusCode::NO_CONTENT);
        assert_eq!(accept(&firm_a).await.status, StatusCode::FORBIDDEN, "once per firm");
        assert_eq!(accept(&firm_b).await.status, StatusCode::NO_CONTENT);
        let ready: Vec<_> = mail_to(&h, "it@datong-precision.example.tw").await.into_iter().filter(|m| m.contains("accepted to help")).collect();
        assert_eq!(ready.len(), 2, "the reporter hears of each acceptance: {ready:?}");
        assert!(!ready[0].contains("alpha-sec"), "not which firm: {}", ready[0]);

        // The reporter sees the firms by name only, and chooses one.
        let v = get(&h, &base, &reporter).await.json();
        let names: Vec<_> = v["responses"].as_array().expect("responses").iter().map(|x| (x["org_name"].as_str().unwrap_or_default().to_string(), x["contact_email"].as_str().unwrap_or_default().to_string())).collect();
        assert_eq!(names, [("org of soc@alpha-sec.example.tw".to_string(), String::new()), ("org of soc@beta-sec.example.tw".to_string(), String::new())]);
        assert!(!mail_to(&h, "soc@alpha-sec.example.tw").await.iter().any(|m| m.contains("datong")), "no contact before the choice");
        let r = call(&h, Method::POST, &format!("{base}/choice"), &reporter, json!({"org_id": org_of(&h, "soc@gamma-sec.example.tw").await})).await;
        assert_eq!((r.status, field_error(&r).0), (StatusCode::UNPROCESSABLE_ENTITY, "org_id".into()), "only a firm that accepted");
        let r = call(&h, Method::POST, &format!("{base}/choice"), &reporter, json!({"org_id": org_a})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        // Contacts are exchanged now, by mail, and only with the chosen firm.
        // (Besides the decision on its redemption, mailed when the admin approved it.)
        let to_firm: Vec<_> = mail_to(&h, "soc@alpha-sec.example.tw").await.into_iter().filter(|m| m.contains("datong")).collect();
        assert_eq!(to_firm.len(), 1);
        assert!(to_firm[0].contains("it@datong-precision.example.tw") && to_firm[0].contains("04-2345-6789") && to_firm[0].contains("鑑識與復原"), "{}", to_firm[0]);
        let to_reporter: Vec<_> = mail_to(&h, "it@datong-precision.example.tw").await.into_iter().filter(|m| m.contains("soc@alpha-sec.example.tw")).collect();
        assert_eq!(to_reporter.len(), 1, "the reporter gets the firm's contact");
        assert!(!mail_to(&h, "soc@beta-sec.example.tw").await.iter().any(|m| m.contains("datong")), "the firm not chosen learns nothing");
        let seen_a = get(&h, "/api/v1/referrals", &firm_a).await.json();
        assert_eq!((seen_a[0]["reporter_email"].as_str(), seen_a[0]["tracking_id"].as_str()), (Some("it@datong-precision.example.tw"), Some(tracking.as_str())));
        let seen_b = get(&h, "/api/v1/referrals", &firm_b).await;
        assert_eq!(seen_b.status, StatusCode::OK, "it still sees what it accepted");
        assert!(!seen_b.body.contains("datong"), "{}", seen_b.body);
        assert_eq!(seen_b.json()[0]["responses"][0]["state"], "not_chosen");
        // The firm not chosen has its redemption back.
        let b_org = tocsin_domain::OrgId(org_of(&h, "soc@beta-sec.example.tw").await.parse().expect("uuid"));
        assert!(h.state.store.has_free_assistance(b_org).await.expect("free"));

        // Outcome by the chosen firm only; then the reporter's rating.
        let outcome = |t: &str, o: &str| {
            let (h, id, t, o) = (&h, id.clone(), t.to_string(), o.to_string());
            async move { call(h, Method::POST, &format!("/api/v1/referrals/{id}/outcome"), &t, json!({"outcome": o})).await }
        };
        assert_eq!(outcome(&firm_b, "engaged").await.status, StatusCode::FORBIDDEN);
        let r = outcome(&firm_a, "maybe").await;
        assert_eq!((r.status, field_error(&r).0), (StatusCode::UNPROCESSABLE_ENTITY, "outcome".into()));
        assert_eq!(outcome(&firm_a, "engaged").await.status, StatusCode::NO_CONTENT);
        let r = call(&h, Method::POST, &format!("{base}/rating"), &reporter, json!({"rating": 7})).await;
        assert_eq!((r.status, field_error(&r).0), (StatusCode::UNPROCESSABLE_ENTITY, "rating".into()));
        let r = call(&h, Method::POST, &format!("{base}/rating"), &reporter, json!({"rating": 5, "comment": "迅速專業"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let v = get(&h, &base, &analyst).await.json();
        assert_eq!((v["state"].as_str(), v["outcome"].as_str(), v["rating"].as_i64()), (Some("completed"), Some("engaged"), Some(5)));
        let audit = h.audit_actions().await;
        for a in ["referral.consent", "referral.offer", "referral.accept", "referral.choose", "referral.outcome", "referral.rate"] {
            assert!(audit.iter().any(|x| x == a), "{a} not audited: {audit:?}");
        }
    }

    async fn a_withdrawn_offer_can_be_offered_again(h: Harness) {
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, reporter) = h.user("it@datong-precision.example.tw", &[Role::Reporter]).await;
        let item = assistance_item(&h, &admin).await;
        let firm_a = firm(&h, "soc@alpha-sec.example.tw", &admin, &item, 1).await;
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&reporter), incident(true), EN).await;
        let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
        let base = format!("/api/v1/reports/{tracking}/referral");
        assert_eq!(call(&h, Method::POST, &format!("{base}/consent"), &reporter, Value::Null).await.status, StatusCode::NO_CONTENT);
        let summary = "檔案伺服器遭加密，需要鑑識與復原。";
        assert_eq!(call(&h, Method::POST, &format!("{base}/offer"), &analyst, offer(summary)).await.status, StatusCode::NO_CONTENT);
        let id = get(&h, "/api/v1/referrals", &firm_a).await.json()[0]["id"].as_str().expect("id").to_string();
        let accept = format!("/api/v1/referrals/{id}/accept");
        assert_eq!(call(&h, Method::POST, &accept, &firm_a, Value::Null).await.status, StatusCode::NO_CONTENT);
        // The desk withdraws it; the reporter is told rather than shown an empty section.
        let desk = h.state.store.find_user_by_email("analyst@cert.example.tw").await.expect("q").expect("u");
        let desk = tocsin_server::auth::CurrentUser(Some((desk, tocsin_server::auth::AuthMethod::Token)));
        let ctx = tocsin_app::Ctx::console(tocsin_domain::Locale::ZhTw);
        tocsin_app::service::referral::withdraw(&h.state, &desk, &ctx, id.parse().expect("uuid")).await.expect("withdraw");
        assert_eq!(get(&h, &base, &reporter).await.json()["state"], "withdrawn");
        let listed = get(&h, "/api/v1/referrals", &firm_a).await.json();
        assert_eq!((&listed[0]["state"], &listed[0]["responses"][0]["state"]), (&json!("withdrawn"), &json!("not_chosen")), "{listed}");
        // Offered again: the firm that had accepted may accept afresh.
        assert_eq!(call(&h, Method::POST, &format!("{base}/offer"), &analyst, offer(summary)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(get(&h, &base, &reporter).await.json()["state"], "offered");
        assert_eq!(call(&h, Method::POST, &accept, &firm_a, Value::Null).await.status, StatusCode::NO_CONTENT);
        let v = get(&h, &base, &reporter).await.json();
        assert_eq!(v["responses"].as_array().map(Vec::len), Some(1), "{v}");
    }

    async fn an_offer_with_a_shortened_organization_name_is_refused(h: Harness) {
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, reporter) = h.user("soc@precision.com.tw", &[Role::Reporter]).await;
        let org = org_of(&h, "soc@precision.com.tw").await;
        let org_body = json!({"name": "台灣精密機械股份有限公司", "sector": "製造業", "kind": "company", "alliance_member": false});
        let r = call(&h, Method::PUT, &format!("/api/v1/orgs/{org}"), &admin, org_body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut report = incident(true);
        report["reporter_name"] = json!("陳志明");
        report["email"] = json!("soc@precision.com.tw");
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&reporter), report, EN).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
        let base = format!("/api/v1/reports/{tracking}/referral");
        let r = call(&h, Method::POST, &format!("{base}/consent"), &reporter, Value::Null).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        // Each refusal names the field, the words and what they give away, in both languages.
        let zh: &[(&str, &str)] = &[("accept-language", "zh-TW")];
        let cases = [
            ("summary", "台灣精密機械的檔案伺服器遭加密，需要鑑識。", "台灣精密機械", "their organization's name", "所屬單位名稱"),
            ("summary", "一家精密機械廠遭勒索", "精密機械", "their organization's name", "所屬單位名稱"),
            ("summary", "PRECISION 的檔案伺服器遭加密", "PRECISION", "their e-mail address or its domain", "電子郵件或其網域"),
            ("sector", "台灣精密", "台灣精密", "their organization's name", "所屬單位名稱"),
        ];
        for (field, value, word, en_source, zh_source) in cases {
            let mut body = offer("需要鑑識");
            body[field] = json!(value);
            let r = call(&h, Method::POST, &format!("{base}/offer"), &analyst, body.clone()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{value}: {}", r.body);
            let (f, message) = field_error(&r);
            assert_eq!(f, field, "{value}");
            assert!(message.contains(&format!("contains “{word}”, which names the reporter ({en_source})")), "{value}: {message}");
            let r = h.json(Method::POST, &format!("{base}/offer"), Some(&analyst), body, zh).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{value}: {}", r.body);
            let (f, message) = field_error(&r);
            assert_eq!(f, field, "{value}");
            assert!(message.contains(&format!("身分資訊：「{word}」（{zh_source}）")), "{value}: {message}");
        }

        // Nothing of a refused offer is stored, offered or audited.
        let stored = h.state.store.referrals(None, 10).await.expect("q");
        assert_eq!(stored.len(), 1);
        assert_eq!((stored[0].state.as_str(), stored[0].summary.as_str(), stored[0].sector.as_str()), ("consented", "", ""));
        assert!(!h.audit_actions().await.iter().any(|a| a == "referral.offer"), "no offer audited");

        // A description that shares only three characters with the name (精密機) is offered.
        let r = call(&h, Method::POST, &format!("{base}/offer"), &analyst, offer("廠內精密機台遭勒索軟體加密，需要鑑識與復原。")).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(get(&h, &base, &analyst).await.json()["state"], "offered");
    }

    async fn only_reports_that_asked_for_support_are_referred(h: Harness) {
        let (_, reporter) = h.user("it@corp.example.tw", &[Role::Reporter]).await;
        let (_, other) = h.user("someone@else.example.tw", &[Role::Reporter]).await;
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&reporter), incident(false), EN).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
        let consent = format!("/api/v1/reports/{tracking}/referral/consent");
        let r = call(&h, Method::POST, &consent, &reporter, Value::Null).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&r), ("referral".into(), "Only incident reports that asked for support can be referred.".into()));
        let r = h.json(Method::POST, "/api/v1/reports/incident", Some(&reporter), incident(true), EN).await;
        let tracking = r.json()["tracking_id"].as_str().expect("tracking").to_string();
        let consent = format!("/api/v1/reports/{tracking}/referral/consent");
        assert_eq!(call(&h, Method::POST, &consent, &other, Value::Null).await.status, StatusCode::NOT_FOUND, "not their report");
        assert_eq!(h.json(Method::POST, &consent, None, Value::Null, EN).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(h.json(Method::GET, "/api/v1/referrals", None, Value::Null, EN).await.status, StatusCode::UNAUTHORIZED);
        assert!(h.state.store.referrals(None, 10).await.expect("q").is_empty(), "nothing stored");
    }
}

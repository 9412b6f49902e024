//! What a signed-in user finds of their own: every kind of their (and their
//! organization's) reports under /my/reports, claiming a report filed signed out, the
//! vulnerability form's prefill, "forgot password", password change and API tokens.

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use serde_json::{Value, json};
use tocsin_domain::{OrgId, Role, Roles};
use tocsin_storage::NewUser;

use crate::{Harness, both_engines};

/// A user in organization `org` (None: an individual) with password `password-123456`;
/// returns an API token.
async fn user_in(h: &Harness, email: &str, org: Option<OrgId>, roles: &[Role]) -> String {
    let hash = tocsin_server::auth::hash_password("password-123456".into())
        .await
        .expect("hash");
    let mut tx = h.state.store.begin().await.expect("begin");
    let u = tx
        .create_user(&NewUser {
            email: email.into(),
            name: format!("Name of {email}"),
            org_id: org,
            roles: Roles::new(roles.iter().copied()),
            password_hash: Some(hash),
        })
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    h.state
        .store
        .create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    secret
}

async fn org_of(h: &Harness, email: &str) -> OrgId {
    let u = h
        .state
        .store
        .find_user_by_email(email)
        .await
        .expect("q")
        .expect("user");
    u.org_id.0.expect("org")
}

async fn created(h: &Harness, path: &str, token: Option<&str>, body: Value) -> String {
    let r = h.json(Method::POST, path, token, body, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
    r.json()["tracking_id"]
        .as_str()
        .expect("tracking")
        .to_string()
}

async fn incident(h: &Harness, token: Option<&str>, email: &str) -> String {
    created(
        h,
        "/api/v1/reports/incident",
        token,
        json!({
            "reporter_name": "Reporter",
            "email": email,
            "discovered_at": "2026-11-01T09:15",
            "time_zone": "Asia/Taipei",
            "incident_type": "web_attack",
            "description": "官網首頁遭置換",
            "needs_support": false,
        }),
    )
    .await
}

async fn vulnerability(h: &Harness, token: Option<&str>) -> String {
    let form = include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt");
    created(
        h,
        "/api/v1/reports/vulnerability",
        token,
        json!({"txt_base64": base64::engine::general_purpose::STANDARD.encode(form)}),
    )
    .await
}

async fn phishing(h: &Harness, token: Option<&str>, url: &str) -> String {
    created(
        h,
        "/api/v1/reports/phishing",
        token,
        json!({"urls": [url], "brand": "範例銀行", "seen_in": "sms", "reporter_email": "citizen@example.tw"}),
    )
    .await
}

/// The body of a queued message, decoded enough to read its links.
pub(crate) fn body_of(message: &[u8]) -> String {
    let raw = String::from_utf8_lossy(message).to_string();
    // The body is base64 when it holds Chinese, else quoted-printable.
    match raw.split_once("\r\n\r\n") {
        Some((head, body)) if head.contains("Content-Transfer-Encoding: base64") => {
            let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64 body");
            String::from_utf8_lossy(&bytes).to_string()
        }
        _ => raw.replace("=\r\n", "").replace("=3D", "="),
    }
}

/// The token of the link starting with `prefix` in a mail to `to` (there must be one).
pub(crate) async fn link_in_mail(h: &Harness, to: &str, prefix: &str) -> String {
    let outbox = h.state.store.list_outbox(1000).await.expect("outbox");
    let text = outbox
        .iter()
        .filter(|m| m.recipients.contains(to))
        .map(|m| body_of(&m.message))
        .find(|t| t.contains(prefix))
        .unwrap_or_else(|| panic!("no mail to {to} with {prefix}"));
    let start = text.find(prefix).expect("link") + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn mails_to(h: &Harness, to: &str) -> usize {
    let outbox = h.state.store.list_outbox(1000).await.expect("outbox");
    outbox.iter().filter(|m| m.recipients.contains(to)).count()
}

both_engines! {
    async fn my_reports_lists_every_kind_of_the_user_and_their_organization(h: Harness) {
        let (_, a) = h.user("a@corp.example.tw", &[Role::Member, Role::Reporter]).await;
        let org = org_of(&h, "a@corp.example.tw").await;
        let colleague = user_in(&h, "b@corp.example.tw", Some(org), &[Role::Member]).await;
        let reporter_only = user_in(&h, "c@corp.example.tw", Some(org), &[Role::Reporter]).await;
        let (_, stranger) = h.user("s@else.example.tw", &[Role::Member]).await;
        let mine = [
            incident(&h, Some(&a), "a@corp.example.tw").await,
            vulnerability(&h, Some(&a)).await,
            phishing(&h, Some(&a), "https://bank-login.example/a").await,
        ];
        let colleagues_incident = incident(&h, Some(&colleague), "b@corp.example.tw").await;
        // A vulnerability report is its reporter's and the coordinators' only.
        let colleagues_vuln = vulnerability(&h, Some(&colleague)).await;
        let reporter_only_incident = incident(&h, Some(&reporter_only), "c@corp.example.tw").await;
        let strangers = incident(&h, Some(&stranger), "s@else.example.tw").await;
        let anonymous = phishing(&h, None, "https://bank-login.example/anon").await;

        let cookie = h.login("a@corp.example.tw").await;
        let page = h.get("/my/reports", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        for t in mine.iter().chain([&colleagues_incident, &reporter_only_incident]) {
            assert!(page.body.contains(&format!("/status/{t}")), "{t} listed: {}", page.body);
        }
        for t in [&colleagues_vuln, &strangers, &anonymous] {
            assert!(!page.body.contains(t.as_str()), "{t} not listed");
        }
        for kind in ["incident", "vulnerability", "phishing"] {
            assert!(page.body.contains(&format!("class=\"kind-{kind}\"")), "{kind}");
        }
        // Each listed report opens for its reader.
        for t in &mine {
            assert_eq!(h.get(&format!("/status/{t}"), &[("cookie", &cookie)]).await.status, StatusCode::OK, "{t}");
        }
        // A reporter who is not the organization's member sees their own only.
        let c = h.login("c@corp.example.tw").await;
        let theirs = h.get("/my/reports", &[("cookie", &c)]).await;
        assert!(theirs.body.contains(&reporter_only_incident));
        for t in mine.iter().chain([&colleagues_incident]) {
            assert!(!theirs.body.contains(t.as_str()), "{t}");
        }
        // Staff find their own filings there, not the desk's queue.
        h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let desk = h.login("analyst@cert.tw").await;
        let staff = h.get("/my/reports", &[("cookie", &desk)]).await;
        assert_eq!(staff.status, StatusCode::OK);
        assert!(!staff.body.contains(&mine[0]));
    }

    async fn claiming_a_report_filed_signed_out(h: Harness) {
        let (_, owner_token) = h.user("owner@corp.example.tw", &[Role::Member]).await;
        let org = org_of(&h, "owner@corp.example.tw").await;
        h.user("other@corp.example.tw", &[Role::Member]).await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        // Filed signed out: one with the owner's address (written in capitals), one not.
        let theirs = incident(&h, None, "Owner@Corp.Example.tw").await;
        let someone_elses = incident(&h, None, "other@corp.example.tw").await;
        let owner = h.login("owner@corp.example.tw").await;
        let other = h.login("other@corp.example.tw").await;

        // The same answer whether or not the report is the asker's; mail only when it is.
        let not_mine = h.form("/my/reports/claim", &format!("tracking={someone_elses}"), Some(&owner)).await;
        let mine = h.form("/my/reports/claim", &format!("tracking={theirs}"), Some(&owner)).await;
        assert_eq!(not_mine.status, StatusCode::SEE_OTHER);
        assert_eq!((mine.status, mine.header("location")), (not_mine.status, not_mine.header("location")));
        assert_eq!(mails_to(&h, "other@corp.example.tw").await, 1, "only the ack of filing");
        assert_eq!(mails_to(&h, "Owner@Corp.Example.tw").await + mails_to(&h, "owner@corp.example.tw").await, 2, "ack and claim link");
        let sent = h.get("/my/reports?claim=sent", &[("cookie", &owner)]).await;
        assert!(sent.body.contains("id=\"my-notice\""));
        let bad = h.form("/my/reports/claim", "tracking=not-a-number", Some(&owner)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"claim-error\""));

        let to = "owner@corp.example.tw".to_string();
        let token = link_in_mail(&h, &to, "/my/reports/claim?token=").await;
        // The link asks for a confirmation (a mail scanner following it changes nothing).
        let confirm = h.get(&format!("/my/reports/claim?token={token}"), &[("cookie", &owner)]).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("id=\"claim-confirm\""));
        let before = h.state.store.report_by_tracking(&theirs).await.expect("q").expect("r");
        assert_eq!(before.reporter_user_id, None);
        // Someone else signed in cannot use it, and does not use it up.
        let r = h.form("/my/reports/claim/confirm", &format!("token={token}"), Some(&other)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = h.form("/my/reports/claim/confirm", &format!("token={token}"), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = h.form("/my/reports/claim/confirm", &format!("token={token}"), Some(&owner)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.header("location"), Some(format!("/my/reports?claimed={theirs}").as_str()));
        let after = h.state.store.report_by_tracking(&theirs).await.expect("q").expect("r");
        let owner_user = h.state.store.find_user_by_email("owner@corp.example.tw").await.expect("q").expect("u");
        assert_eq!(after.reporter_user_id, Some(owner_user.id.uuid()));
        assert_eq!(after.org_id, Some(org.uuid()));
        // Used once.
        let again = h.form("/my/reports/claim/confirm", &format!("token={token}"), Some(&owner)).await;
        assert_eq!(again.status, StatusCode::FORBIDDEN);
        let list = h.get("/my/reports", &[("cookie", &owner)]).await;
        assert!(list.body.contains(&theirs) && !list.body.contains(&someone_elses));
        // A claimed report asks for no new link.
        let n = mails_to(&h, &to).await;
        let r = h.form("/my/reports/claim", &format!("tracking={theirs}"), Some(&owner)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(mails_to(&h, &to).await, n);
        let audit = h.audit_actions().await;
        assert!(audit.contains(&"report.claim".to_string()), "{audit:?}");
        assert_eq!(audit.iter().filter(|a| *a == "report.claim_requested").count(), 3);
        // It counts for points as if filed signed in: verified by the desk, it earns.
        let before = h.get("/api/v1/points/balance", &[("authorization", &format!("Bearer {owner_token}"))]).await;
        assert_eq!(before.json()["balance"], 0, "{}", before.body);
        let r = h.json(Method::POST, &format!("/api/v1/reports/{theirs}/transition"), Some(&analyst), json!({"to": "triaged"}), &[]).await;
        assert!(r.status.is_success(), "{}", r.body);
        let earned = h.get("/api/v1/points/balance", &[("authorization", &format!("Bearer {owner_token}"))]).await;
        assert!(earned.json()["balance"].as_i64().expect("n") > 0, "{}", earned.body);
    }

    async fn a_verified_report_claimed_later_earns_its_points(h: Harness) {
        let (_, owner_token) = h.user("late@corp.example.tw", &[Role::Member]).await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let t = incident(&h, None, "late@corp.example.tw").await;
        let r = h.json(Method::POST, &format!("/api/v1/reports/{t}/transition"), Some(&analyst), json!({"to": "triaged"}), &[]).await;
        assert!(r.status.is_success(), "{}", r.body);
        let owner = h.login("late@corp.example.tw").await;
        let r = h.form("/my/reports/claim", &format!("tracking={t}"), Some(&owner)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let token = link_in_mail(&h, "late@corp.example.tw", "/my/reports/claim?token=").await;
        let r = h.form("/my/reports/claim/confirm", &format!("token={token}"), Some(&owner)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let b = h.get("/api/v1/points/balance", &[("authorization", &format!("Bearer {owner_token}"))]).await;
        assert!(b.json()["balance"].as_i64().expect("n") > 0, "{}", b.body);
    }

    async fn forgot_password_answers_the_same_and_the_link_works_once(h: Harness) {
        h.user("m@corp.example.tw", &[Role::Member]).await;
        let login = h.get("/login", &[]).await;
        assert!(login.body.contains("href=\"/password/forgot\""));
        assert_eq!(h.get("/password/forgot", &[]).await.status, StatusCode::OK);
        let known = h.form("/password/forgot", "email=m%40corp.example.tw", None).await;
        let unknown = h.form("/password/forgot", "email=nobody%40corp.example.tw", None).await;
        assert_eq!(known.status, StatusCode::OK);
        assert!(known.body.contains("id=\"forgot-sent\""));
        assert_eq!((unknown.status, &unknown.body), (known.status, &known.body), "no enumeration");
        assert_eq!(mails_to(&h, "m@corp.example.tw").await, 1);
        assert_eq!(mails_to(&h, "nobody@corp.example.tw").await, 0);
        let bad = h.form("/password/forgot", "email=not-an-address", None).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        let token = link_in_mail(&h, "m@corp.example.tw", "/password?token=").await;
        assert_eq!(h.get(&format!("/password?token={token}"), &[]).await.status, StatusCode::OK);
        let body = format!("token={token}&password=a-brand-new-password&password_confirm=a-brand-new-password");
        let r = h.form("/password", &body, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = h.form("/password", &body, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the link works once");
        let r = h.form("/login", "email=m%40corp.example.tw&password=a-brand-new-password", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // Three mails an hour to one address at most; asking more still gets the same page.
        for _ in 0..4 {
            let r = h.form("/password/forgot", "email=m%40corp.example.tw", None).await;
            assert_eq!(r.status, StatusCode::OK);
        }
        assert_eq!(mails_to(&h, "m@corp.example.tw").await, 3);
        // One client address is throttled, whatever the address asked for.
        let mut statuses = Vec::new();
        for i in 0..20 {
            statuses.push(h.form("/password/forgot", &format!("email=x{i}%40corp.example.tw"), None).await.status);
        }
        assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
        assert!(h.audit_actions().await.contains(&"user.password_forgot".to_string()));
    }

    async fn the_account_page_changes_the_password(h: Harness) {
        h.user("p@corp.example.tw", &[Role::Reporter]).await;
        let cookie = h.login("p@corp.example.tw").await;
        let page = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(page.body.contains("id=\"password-form\""));
        let wrong = h.form("/account/password", "current_password=wrong-password&password=another-long-one&password_confirm=another-long-one", Some(&cookie)).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("current_password"));
        let mismatch = h.form("/account/password", "current_password=password-123456&password=another-long-one&password_confirm=different-long-one", Some(&cookie)).await;
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mismatch.body.contains("password_confirm"));
        let ok = h.form("/account/password", "current_password=password-123456&password=another-long-one&password_confirm=another-long-one", Some(&cookie)).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        // Sessions end; the new password signs in, the old one does not.
        assert_eq!(h.get("/account", &[("cookie", &cookie)]).await.status, StatusCode::SEE_OTHER);
        let old = h.form("/login", "email=p%40corp.example.tw&password=password-123456", None).await;
        assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
        let new = h.form("/login", "email=p%40corp.example.tw&password=another-long-one", None).await;
        assert_eq!(new.status, StatusCode::SEE_OTHER);
        assert!(h.audit_actions().await.contains(&"user.password_change".to_string()));
    }

    async fn the_account_page_lists_and_revokes_tokens(h: Harness) {
        let (_, other_token) = h.user("o@corp.example.tw", &[Role::Reporter]).await;
        h.user("t@corp.example.tw", &[Role::Reporter]).await;
        let cookie = h.login("t@corp.example.tw").await;
        let r = h.form("/account/tokens", "name=nightly+job", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let start = r.body.find("id=\"new-token\">").expect("shown once") + "id=\"new-token\">".len();
        let secret: String = r.body[start..].chars().take_while(|c| *c != '<').collect();
        let bearer = format!("Bearer {secret}");
        assert_eq!(h.get("/api/v1/me", &[("authorization", &bearer)]).await.status, StatusCode::OK);
        let page = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(page.body.contains("nightly job") && !page.body.contains(&secret));
        let me = h.state.store.find_user_by_email("t@corp.example.tw").await.expect("q").expect("u");
        let tokens = h.state.store.list_api_tokens(me.id).await.expect("tokens");
        let id = tokens.iter().find(|t| t.name == "nightly job").expect("listed").id;
        // Another user's token is not this user's to revoke.
        let other = h.state.store.find_user_by_email("o@corp.example.tw").await.expect("q").expect("u");
        let theirs = h.state.store.list_api_tokens(other.id).await.expect("tokens")[0].id;
        let r = h.form(&format!("/account/tokens/{theirs}/revoke"), "", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(h.get("/api/v1/me", &[("authorization", &format!("Bearer {other_token}"))]).await.status, StatusCode::OK);
        let r = h.form(&format!("/account/tokens/{id}/revoke"), "", Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(h.get("/api/v1/me", &[("authorization", &bearer)]).await.status, StatusCode::UNAUTHORIZED);
        let page = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(!page.body.contains(&format!("/account/tokens/{id}/revoke")), "revoked: no button");
    }

    async fn the_vulnerability_form_starts_with_the_signed_in_reporter(h: Harness) {
        h.user("v@corp.example.tw", &[Role::Member]).await;
        let cookie = h.login("v@corp.example.tw").await;
        let page = h.get("/report/vulnerability", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("value=\"v@corp.example.tw\""), "mail");
        assert!(page.body.contains("value=\"org of v@corp.example.tw\""), "organization");
        let anon = h.get("/report/vulnerability", &[]).await;
        assert!(!anon.body.contains("v@corp.example.tw"));
    }

    async fn a_vendor_lists_only_the_cases_it_was_notified_of(h: Harness) {
        let (_, desk) = h.user("coord@cert.tw", &[Role::Coordinator]).await;
        let (_, researcher) = h.user("ada@research.example", &[Role::Reporter]).await;
        h.user("psirt@vendor.example.tw", &[Role::Member]).await;
        let vendor_org = org_of(&h, "psirt@vendor.example.tw").await;
        let (_, other_vendor) = h.user("psirt@other.example.tw", &[Role::Member]).await;
        let notified = vulnerability(&h, Some(&researcher)).await;
        let only_set = vulnerability(&h, Some(&researcher)).await;
        for (t, notify) in [(&notified, true), (&only_set, false)] {
            let base = format!("/api/v1/vulnerabilities/{t}");
            for to in ["under_review", "accepted"] {
                let r = h.json(Method::POST, &format!("{base}/transition"), Some(&desk), json!({"to": to}), &[]).await;
                assert!(r.status.is_success(), "{to}: {}", r.body);
            }
            let r = h.json(Method::POST, &format!("{base}/vendor"), Some(&desk), json!({"vendor_org_id": vendor_org.to_string(), "status": "affected"}), &[]).await;
            assert!(r.status.is_success(), "{}", r.body);
            if notify {
                let r = h.json(Method::POST, &format!("{base}/notify-vendor"), Some(&desk), json!({}), &[]).await;
                assert!(r.status.is_success(), "{}", r.body);
            }
        }
        let cookie = h.login("psirt@vendor.example.tw").await;
        let page = h.get("/vulnerabilities", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&format!("/vulnerabilities/{notified}")), "{}", page.body);
        assert!(!page.body.contains(&only_set));
        assert!(!page.body.contains("ada@research.example"));
        let mine = h.get("/my/reports", &[("cookie", &cookie)]).await;
        assert!(mine.body.contains("id=\"vendor-cases-link\""));
        // Another vendor's members see none of them; the coordinators see both.
        let other = h.get("/api/v1/vulnerabilities", &[("authorization", &format!("Bearer {other_vendor}"))]).await;
        assert_eq!(other.status, StatusCode::OK);
        assert_eq!(other.json().as_array().map(Vec::len), Some(0));
        let all = h.get("/api/v1/vulnerabilities", &[("authorization", &format!("Bearer {desk}"))]).await;
        assert!(all.body.contains(&notified) && all.body.contains(&only_set));
        // A reporter with no organization is refused the list.
        let r = h.get("/api/v1/vulnerabilities", &[("authorization", &format!("Bearer {researcher}"))]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

both_engines! {
    async fn the_account_phone_is_checked_kept_and_prefills_the_incident_form(h: Harness) {
        h.user("phone@example.tw", &[Role::Member]).await;
        let cookie = h.login("phone@example.tw").await;
        let c = Some(cookie.as_str());
        let page = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(page.body.contains("id=\"phone-form\""), "{}", page.body);
        // Refused, with the field named, what was typed kept, nothing stored.
        let r = h.form("/account/phone", "phone=call+me+maybe", c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("id=\"f-phone-error\"") && r.body.contains("value=\"call me maybe\""), "{}", r.body);
        assert!(r.body.contains("href=\"#f-phone\">聯絡電話："), "the summary names the field: {}", r.body);
        let long = "1".repeat(51);
        let r = h.form("/account/phone", &format!("phone={long}"), c).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let user = h.state.store.find_user_by_email("phone@example.tw").await.expect("q").expect("user");
        assert_eq!(user.phone, "");
        // Kept, audited, and the incident form starts with it.
        let r = h.form("/account/phone", "phone=02-2345-6789+%23123", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let user = h.state.store.find_user_by_email("phone@example.tw").await.expect("q").expect("user");
        assert_eq!(user.phone, "02-2345-6789 #123");
        assert!(h.audit_actions().await.iter().any(|a| a == "user.phone"));
        let page = h.get("/account", &[("cookie", &cookie)]).await;
        assert!(page.body.contains("value=\"02-2345-6789 #123\""), "{}", page.body);
        let form = h.get("/report/incident", &[("cookie", &cookie)]).await;
        assert!(form.body.contains("name=\"phone\" value=\"02-2345-6789 #123\""), "{}", form.body);
        // Cleared: the form starts empty again.
        let r = h.form("/account/phone", "phone=", c).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let form = h.get("/report/incident", &[("cookie", &cookie)]).await;
        assert!(form.body.contains("name=\"phone\" value=\"\""), "{}", form.body);
    }
}

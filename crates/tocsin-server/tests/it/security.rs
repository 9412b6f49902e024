use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use tocsin_domain::Role;

use crate::both_engines;

both_engines! {
    async fn cross_site_form_posts_are_refused(h: Harness) {
        h.user("admin@cert.tw", &[Role::Admin]).await;
        let cookie = h.login("admin@cert.tw").await;
        // A form on another site posting to ours, riding the user's cookie.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/admin/orgs")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site")
            .header("origin", "https://evil.example")
            .body(Body::from("name=Evil&kind=company"))
            .expect("request");
        let r = h.send(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Older browsers without Fetch Metadata: the Origin must match the Host.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/admin/orgs")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &cookie)
            .header("host", "127.0.0.1:8080")
            .header("origin", "https://evil.example")
            .body(Body::from("name=Evil&kind=company"))
            .expect("request");
        assert_eq!(h.send(req).await.status, StatusCode::FORBIDDEN);
        assert!(h.state.store.list_orgs().await.expect("orgs").iter().all(|o| o.name != "Evil"), "nothing stored");
        // The same post from our own page works.
        let ok = h.form("/admin/orgs", "name=Good&kind=company", Some(&cookie)).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    }

    async fn security_headers_on_every_response(h: Harness) {
        for uri in ["/", "/login", "/healthz", "/nope", "/api/v1/me"] {
            let r = h.get(uri, &[]).await;
            let csp = r.header("content-security-policy").unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
            assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{uri}");
            assert!(r.header("x-request-id").is_some_and(|v| v.len() == 36), "{uri}");
            assert_eq!(r.header("strict-transport-security"), None, "no HSTS over plain HTTP");
        }
    }

    async fn login_is_throttled(h: Harness) {
        h.user("a@b.tw", &[Role::Member]).await;
        for _ in 0..5 {
            let r = h.form("/login", "email=a@b.tw&password=wrong-password", None).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("field-error"));
        }
        // Now even the right password is refused until the window passes.
        let r = h.form("/login", "email=a@b.tw&password=password-123456", None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.session_cookie().is_none());
        let actions = h.audit_actions().await;
        assert_eq!(actions.iter().filter(|a| *a == "auth.login_failed").count(), 5);
        assert!(actions.contains(&"auth.login_throttled".to_string()));
    }

    async fn sessions_live_in_the_database(h: Harness) {
        h.user("a@b.tw", &[Role::Admin]).await;
        let cookie = h.login("a@b.tw").await;
        assert_eq!(h.get("/api/v1/me", &[("cookie", &cookie)]).await.status, StatusCode::OK);
        // A second instance over the same database knows the session.
        let other = tocsin_server::app(tocsin_server::AppState::new(h.state.store.clone(), (*h.state.config).clone()).expect("state"));
        let req = Request::builder().uri("/api/v1/me").header("cookie", &cookie).body(Body::empty()).expect("req");
        let resp = tower::ServiceExt::oneshot(other, req).await.expect("resp");
        assert_eq!(resp.status(), StatusCode::OK);
        let out = h.form("/logout", "", Some(&cookie)).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert_eq!(h.get("/api/v1/me", &[("cookie", &cookie)]).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn unauthenticated_and_forbidden_admin_requests(h: Harness) {
        let r = h.get("/api/v1/audit", &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"], "unauthorized");
        let r = h.get("/admin/users", &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.header("content-type").unwrap_or_default().starts_with("text/html"));
        let (_, member) = h.user("m@b.tw", &[Role::Member]).await;
        let r = h.json(Method::POST, "/api/v1/orgs", Some(&member), json!({"name": "X", "kind": "company"}), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = h.json(Method::GET, "/api/v1/audit", Some(&member), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Refusals are audited, with who tried.
        let denied = h.state.store.list_audit(&tocsin_storage::AuditFilter { action: Some("access.denied".into()), limit: 50, ..Default::default() }).await.expect("audit");
        assert!(denied.iter().any(|e| e.actor == "anonymous" && e.target_kind == "audit_log"));
        assert!(denied.iter().any(|e| e.actor == "m@b.tw" && e.target_kind == "organization"));
        assert!(denied.iter().any(|e| e.actor == "m@b.tw" && e.target_kind == "audit_log"));
        // A wrong bearer token is refused, not treated as anonymous.
        let r = h.json(Method::GET, "/api/v1/me", Some("tocsin_nope"), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }

    async fn output_is_escaped(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let evil = "<script>alert(1)</script>\"'&";
        let r = h.json(Method::POST, "/api/v1/orgs", Some(&admin), json!({"name": evil, "kind": "isac"}), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let cookie = h.login("admin@cert.tw").await;
        let page = h.get("/admin/orgs", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("<script>alert(1)"), "raw markup must not appear");
        assert!(page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped name missing");
    }
}

#[tokio::test]
async fn hsts_only_over_https() {
    let h = crate::Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.public_url = "https://cert.example.tw".into()
    })
    .await
    .expect("sqlite");
    let r = h.get("/", &[]).await;
    assert!(
        r.header("strict-transport-security")
            .is_some_and(|v| v.contains("max-age="))
    );
}

both_engines! {
    async fn control_characters_never_reach_the_database(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let r = h.json(Method::GET, "/api/v1/audit?actor=a%00b&action=%00", Some(&admin), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json(), json!([]));
        let r = h.form("/login", "email=a%00%40b.tw&password=x", None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = h.json(Method::POST, "/api/v1/orgs", Some(&admin), json!({"name": "a\u{0}b", "kind": "isp"}), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = h.json(Method::POST, "/api/v1/tokens", Some(&admin), json!({"name": "\u{0}"}), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

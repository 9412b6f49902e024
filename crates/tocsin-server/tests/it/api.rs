use axum::http::{Method, StatusCode};
use serde_json::json;
use tocsin_domain::Role;

use crate::both_engines;

both_engines! {
    async fn health_and_openapi(h: Harness) {
        let r = h.get("/healthz", &[]).await;
        assert_eq!((r.status, r.json()["status"].as_str()), (StatusCode::OK, Some("ok")));
        let doc = h.get("/api/v1/openapi.json", &[]).await.json();
        assert_eq!(doc["openapi"], "3.1.0");
        for p in ["/api/v1/orgs", "/api/v1/users", "/api/v1/tokens", "/api/v1/tokens/{id}", "/api/v1/audit", "/api/v1/me", "/healthz"] {
            assert!(doc["paths"][p].is_object(), "{p} missing from the OpenAPI document");
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }

    async fn bad_input_names_the_field_in_the_callers_language(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let bad = json!({"name": "  ", "kind": "bakery"});
        let en = h.json(Method::POST, "/api/v1/orgs", Some(&admin), bad.clone(), &[("accept-language", "en")]).await;
        assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
        let j = en.json();
        assert_eq!(j["error"], "validation");
        assert_eq!(j["fields"]["name"], "This field is required.");
        assert_eq!(j["fields"]["kind"], "Please choose one of the options.");
        let zh = h.json(Method::POST, "/api/v1/orgs", Some(&admin), bad, &[]).await.json();
        assert_eq!(zh["fields"]["name"], "此欄位為必填。");
        assert!(h.state.store.list_orgs().await.expect("orgs").iter().all(|o| o.kind.as_str() != "bakery"));
        // Malformed JSON: the same error shape.
        let r = h.send(
            axum::http::Request::builder().method(Method::POST).uri("/api/v1/orgs")
                .header("content-type", "application/json").header("authorization", format!("Bearer {admin}"))
                .body(axum::body::Body::from("{not json")).expect("req"),
        ).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"], "bad_request");
    }

    async fn organizations_users_and_tokens(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let org = h.json(Method::POST, "/api/v1/orgs", Some(&admin), json!({"name": "F-ISAC", "kind": "isac", "sector": "金融", "alliance_member": true}), &[]).await;
        assert_eq!(org.status, StatusCode::CREATED, "{}", org.body);
        let org_id = org.json()["id"].as_str().expect("id").to_string();
        let dup = h.json(Method::POST, "/api/v1/orgs", Some(&admin), json!({"name": "F-ISAC", "kind": "isac"}), &[("accept-language", "en")]).await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(dup.json()["fields"]["name"], "This value is already in use.");

        let u = h.json(Method::POST, "/api/v1/users", Some(&admin), json!({"email": "Analyst@F-ISAC.tw", "name": "分析師", "org_id": org_id, "roles": ["partner"]}), &[]).await;
        assert_eq!(u.status, StatusCode::CREATED, "{}", u.body);
        let uj = u.json();
        assert_eq!(uj["email"], "analyst@f-isac.tw");
        assert!(uj.get("password_hash").is_none(), "hashes never leave the server");
        // The new user is invited by mail, through the outbox, with a set-password link.
        let mail = h.state.store.list_outbox(10).await.expect("outbox");
        assert_eq!(mail.len(), 1);
        let text = String::from_utf8_lossy(&mail[0].message).to_string();
        assert!(text.contains("Auto-Submitted: auto-generated"));
        assert!(mail[0].recipients.contains("analyst@f-isac.tw"));
        let bad = h.json(Method::POST, "/api/v1/users", Some(&admin), json!({"email": "nope", "name": "", "roles": ["root"], "password": "short"}), &[("accept-language", "en")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let f = &bad.json()["fields"];
        for k in ["email", "name", "roles", "password"] {
            assert!(f[k].is_string(), "{k} not named: {f}");
        }

        let users = h.json(Method::GET, "/api/v1/users", Some(&admin), json!(null), &[]).await.json();
        assert_eq!(users.as_array().map(|a| a.len()), Some(2));

        // Tokens: create (secret shown once), use, list, revoke.
        let t = h.json(Method::POST, "/api/v1/tokens", Some(&admin), json!({"name": "script"}), &[]).await;
        assert_eq!(t.status, StatusCode::CREATED);
        let tj = t.json();
        let secret = tj["secret"].as_str().expect("secret").to_string();
        let me = h.json(Method::GET, "/api/v1/me", Some(&secret), json!(null), &[]).await;
        assert_eq!(me.json()["email"], "admin@cert.tw");
        let list = h.json(Method::GET, "/api/v1/tokens", Some(&admin), json!(null), &[]).await;
        assert!(!list.body.contains(&secret), "secrets are never listed");
        let id = tj["id"].as_str().expect("id");
        let del = h.json(Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&admin), json!(null), &[]).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        assert_eq!(h.json(Method::GET, "/api/v1/me", Some(&secret), json!(null), &[]).await.status, StatusCode::UNAUTHORIZED);

        // Everything above is in the audit log, which admins can read and filter.
        let audit = h.json(Method::GET, "/api/v1/audit?action=token.", Some(&admin), json!(null), &[]).await.json();
        let actions: Vec<&str> = audit.as_array().expect("list").iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["token.revoke", "token.create"]);
        let all = h.audit_actions().await;
        for a in ["org.create", "user.create", "audit.read"] {
            assert!(all.iter().any(|x| x == a), "{a} not audited: {all:?}");
        }
    }

    async fn members_cannot_revoke_others_tokens(h: Harness) {
        let (_, a) = h.user("a@b.tw", &[Role::Member]).await;
        let (_, b) = h.user("b@b.tw", &[Role::Member]).await;
        let t = h.json(Method::POST, "/api/v1/tokens", Some(&a), json!({"name": "x"}), &[]).await.json();
        let id = t["id"].as_str().expect("id");
        let r = h.json(Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&b), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = h.json(Method::DELETE, "/api/v1/tokens/not-a-uuid", Some(&b), json!(null), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }

    async fn metrics_count_requests_and_outbox(h: Harness) {
        let (_, monitor) = h.user("prometheus@cert.tw", &[Role::Monitor]).await;
        let (_, member) = h.user("m@corp.tw", &[Role::Member]).await;
        h.get("/healthz", &[]).await;
        // Not public: a map of the desk's activity.
        assert_eq!(h.get("/metrics", &[]).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(h.json(Method::GET, "/metrics", Some(&member), json!(null), &[]).await.status, StatusCode::FORBIDDEN);
        let m = h.json(Method::GET, "/metrics", Some(&monitor), json!(null), &[]).await;
        assert_eq!(m.status, StatusCode::OK);
        assert!(m.body.contains("tocsin_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), "{}", m.body);
        assert!(m.body.contains("tocsin_outbox_depth 0"));
    }
}

both_engines! {
    // What GET answers, PUT takes back unchanged, for every resource that has both
    // (intel records: intel_api::a_record_read_can_be_written_back_unchanged).
    async fn organizations_and_users_read_can_be_written_back(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, member) = h.user("m@corp.tw", &[Role::Member]).await;
        let me = h.json(Method::GET, "/api/v1/me", Some(&member), json!(null), &[]).await.json();
        let member_id = me["id"].as_str().expect("id").to_string();
        let org_id = me["org_id"].as_str().expect("org").to_string();
        for uri in [format!("/api/v1/orgs/{org_id}"), format!("/api/v1/users/{member_id}")] {
            let got = h.json(Method::GET, &uri, Some(&admin), json!(null), &[]).await;
            assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.body);
            let r = h.json(Method::PUT, &uri, Some(&admin), got.json(), &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            let again = h.json(Method::GET, &uri, Some(&admin), json!(null), &[]).await.json();
            assert_eq!(again, got.json(), "{uri}: unchanged");
        }
    }

    async fn editing_organizations_and_access(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin]).await;
        let (_, member) = h.user("m@corp.tw", &[Role::Member]).await;
        let me = h.json(Method::GET, "/api/v1/me", Some(&member), json!(null), &[]).await.json();
        let member_id = me["id"].as_str().expect("id").to_string();
        let org_id = me["org_id"].as_str().expect("org").to_string();
        let admin_id = h.json(Method::GET, "/api/v1/me", Some(&admin), json!(null), &[]).await.json()["id"].as_str().expect("id").to_string();

        // Members read their own organization, not others'; only admins change it.
        assert_eq!(h.json(Method::GET, &format!("/api/v1/orgs/{org_id}"), Some(&member), json!(null), &[]).await.status, StatusCode::OK);
        let r = h.json(Method::PUT, &format!("/api/v1/orgs/{org_id}"), Some(&member), json!({"name": "Mine", "kind": "vendor"}), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = h.json(Method::PUT, &format!("/api/v1/orgs/{org_id}"), Some(&admin), json!({"name": "Corp", "kind": "vendor", "sector": "IoT"}), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["kind"], "vendor");
        let other = h.json(Method::GET, "/api/v1/orgs", Some(&admin), json!(null), &[]).await.json();
        let admin_org = other.as_array().expect("list").iter().find(|o| o["name"] != "Corp").expect("admin org")["name"].as_str().expect("name").to_string();
        let r = h.json(Method::PUT, &format!("/api/v1/orgs/{org_id}"), Some(&admin), json!({"name": admin_org, "kind": "vendor"}), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "names stay unique");
        let r = h.json(Method::PUT, &format!("/api/v1/orgs/{}", uuid::Uuid::now_v7()), Some(&admin), json!({"name": "Ghost", "kind": "vendor"}), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Roles and the disabled flag: admins only, never on themselves.
        let r = h.json(Method::PUT, &format!("/api/v1/users/{admin_id}"), Some(&admin), json!({"name": "A", "roles": ["member"]}), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no self-demotion");
        let r = h.json(Method::PUT, &format!("/api/v1/users/{member_id}"), Some(&member), json!({"name": "M", "roles": ["admin"], "org_id": org_id}), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no self-promotion");
        let r = h.json(Method::PUT, &format!("/api/v1/users/{member_id}"), Some(&admin), json!({"name": "M", "roles": ["member", "partner"], "org_id": org_id}), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["roles"], json!(["member", "partner"]));
        let r = h.json(Method::PUT, &format!("/api/v1/users/{member_id}"), Some(&admin), json!({"name": "M", "roles": ["member"], "org_id": uuid::Uuid::now_v7().to_string()}), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["fields"]["org_id"].is_string());
        // Disabling stops the member's token at once.
        let r = h.json(Method::PUT, &format!("/api/v1/users/{member_id}"), Some(&admin), json!({"name": "M", "roles": ["member"], "org_id": org_id, "disabled": true}), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(h.json(Method::GET, "/api/v1/me", Some(&member), json!(null), &[]).await.status, StatusCode::UNAUTHORIZED);
        let all = h.audit_actions().await;
        assert_eq!(all.iter().filter(|a| *a == "user.update").count(), 2);
        assert!(all.iter().any(|a| a == "org.update"));
    }
}

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

/// The OpenAPI document as `routes()` builds it (the one served at `/api/v1/openapi.json`).
fn openapi_document() -> serde_json::Value {
    serde_json::to_value(tocsin_server::api::routes().1).expect("the document is JSON")
}

/// Every operation of the document: (method, path, operation).
fn operations(doc: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

/// The `{placeholders}` of a path template.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}'))
        .map(|(name, _)| name.to_string())
        .collect()
}

// Client generators name a method after each operationId: one missing or used twice breaks
// them, and so does a query filter declared as a path parameter (the path has no place for it).
#[test]
fn openapi_operations_have_unique_ids_named_by_resource() {
    let doc = openapi_document();
    let ops = operations(&doc);
    assert!(ops.len() > 90, "only {} operations", ops.len());
    let mut seen = std::collections::BTreeMap::new();
    for (method, path, op) in &ops {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        let camel = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_alphanumeric());
        assert!(
            camel,
            "{method} {path}: operationId {id:?} is not camelCase"
        );
        if let Some(first) = seen.insert(id.to_string(), format!("{method} {path}")) {
            panic!("operationId {id:?} of {method} {path} is already that of {first}");
        }
    }
    let id_of = |method: &str, path: &str| {
        doc["paths"][path][method]["operationId"]
            .as_str()
            .map(str::to_string)
    };
    for (method, path, id) in [
        ("get", "/api/v1/intel", "listIntel"),
        ("post", "/api/v1/intel", "createIntel"),
        ("get", "/api/v1/intel/{id}", "getIntel"),
        ("get", "/api/v1/intel/{id}/txt", "getIntelTxt"),
        ("get", "/api/v1/reports", "listReports"),
        ("get", "/api/v1/reports/{tracking}", "getReport"),
        (
            "post",
            "/api/v1/reports/{tracking}/transition",
            "transitionReport",
        ),
        ("post", "/api/v1/reports/incident", "createIncidentReport"),
        (
            "post",
            "/api/v1/reports/vulnerability",
            "createVulnerabilityReport",
        ),
        ("post", "/api/v1/reports/phishing", "createPhishingReport"),
        ("get", "/api/v1/phishing/{id}", "getPhishingCase"),
        (
            "post",
            "/api/v1/vulnerabilities/{tracking}/transition",
            "transitionVulnerability",
        ),
        ("get", "/api/v1/referrals", "listReferrals"),
        ("get", "/api/v1/mail/inbound", "listInboundMail"),
    ] {
        assert_eq!(id_of(method, path).as_deref(), Some(id), "{method} {path}");
    }
}

#[test]
fn openapi_parameters_are_where_the_handlers_read_them() {
    let doc = openapi_document();
    for (method, path, op) in operations(&doc) {
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let mut in_path = Vec::new();
        for p in &params {
            let name = p["name"].as_str().expect("name");
            match p["in"].as_str() {
                Some("path") => {
                    assert!(
                        placeholders(&path).iter().any(|x| x == name),
                        "{method} {path}: `{name}` is declared in the path, which has no {{{name}}}"
                    );
                    assert_eq!(
                        p["required"], true,
                        "{method} {path}: path parameter `{name}` must be required"
                    );
                    in_path.push(name.to_string());
                }
                Some("query") => assert_ne!(
                    p["required"], true,
                    "{method} {path}: the filter `{name}` may be left out"
                ),
                other => panic!("{method} {path}: `{name}` is in {other:?}"),
            }
        }
        in_path.sort();
        let mut wanted = placeholders(&path);
        wanted.sort();
        assert_eq!(
            in_path, wanted,
            "{method} {path}: each placeholder declared once, in the path"
        );
    }
    // The query strings the handlers read (axum's `Query`), each filter by name.
    let query = |method: &str, path: &str| -> Vec<String> {
        let params = doc["paths"][path][method]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        params
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().expect("name").to_string())
            .collect()
    };
    let expect = [
        (
            "get",
            "/api/v1/intel",
            &[
                "status",
                "category",
                "tlp",
                "min_impact",
                "since",
                "until",
                "q",
                "observable",
                "page",
                "after",
            ][..],
        ),
        (
            "get",
            "/api/v1/reports",
            &[
                "state",
                "incident_type",
                "assignee",
                "older_than_days",
                "breached",
                "sort",
                "waiting",
                "after",
            ],
        ),
        ("get", "/api/v1/reports/{tracking}", &["token"]),
        ("post", "/api/v1/reports/{tracking}/info", &["token"]),
        (
            "get",
            "/api/v1/audit",
            &[
                "actor",
                "action",
                "target_kind",
                "target_id",
                "before",
                "limit",
            ],
        ),
        ("get", "/api/v1/phishing", &["state", "after"]),
        ("get", "/api/v1/vulnerabilities", &["state"]),
        ("get", "/api/v1/feeds/intel.txt", &["kind"]),
        ("get", "/api/v1/feeds/intel.csv", &["kind"]),
        (
            "post",
            "/api/v1/mail/inbound",
            &["sender", "recipient", "queue"],
        ),
        ("get", "/api/v1/mail/inbound", &["status"]),
        ("get", "/api/v1/points/catalog", &["all"]),
        ("get", "/api/v1/points/redemptions", &["pending"]),
        ("get", "/api/v1/points/leaderboard", &["year"]),
    ];
    for (method, path, names) in expect {
        assert_eq!(query(method, path), names, "{method} {path}");
    }
}

/// The JSON type a component schema gives one of its properties.
fn property_type(doc: &serde_json::Value, schema: &str, field: &str) -> serde_json::Value {
    doc["components"]["schemas"][schema]["properties"][field]["type"].clone()
}

// Numbers are numbers in the document: a generated client sends `"delta": 25`, not "25".
#[test]
fn openapi_numbers_are_numbers() {
    let doc = openapi_document();
    for (schema, field) in [
        ("AdjustInput", "delta"),
        ("RatingRequest", "rating"),
        ("ItemRequest", "cost"),
        ("ItemRequest", "stock"),
    ] {
        assert_eq!(
            property_type(&doc, schema, field),
            "integer",
            "{schema}.{field}"
        );
    }
    for (schema, field) in [
        ("EntryView", "delta"),
        ("ReferralOut", "rating"),
        ("ItemView", "cost"),
        ("Balance", "available"),
    ] {
        let t = property_type(&doc, schema, field);
        assert!(
            t == "integer" || t == json!(["integer", "null"]),
            "{schema}.{field}: {t}"
        );
    }
    // A default is a value of the property's own type (`""` is no integer).
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        for (field, p) in schema["properties"].as_object().into_iter().flatten() {
            let (Some(default), Some(t)) = (p.get("default"), p.get("type")) else {
                continue;
            };
            let types: Vec<&str> = match t {
                serde_json::Value::Array(ts) => ts.iter().filter_map(|t| t.as_str()).collect(),
                t => t.as_str().into_iter().collect(),
            };
            let kind = match default {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "boolean",
                serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Array(_) => "array",
                serde_json::Value::Object(_) => "object",
            };
            let fits = types.contains(&kind) || (kind == "integer" && types.contains(&"number"));
            assert!(fits, "{name}.{field}: default {default} is not of type {t}");
        }
    }
    let param_type = |path: &str, name: &str| {
        let params = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        params
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["schema"]["type"].clone())
    };
    for (path, name) in [
        ("/api/v1/intel", "min_impact"),
        ("/api/v1/intel", "page"),
        ("/api/v1/reports", "older_than_days"),
    ] {
        assert_eq!(
            param_type(path, name),
            Some(json!("integer")),
            "{path} ?{name}"
        );
    }
}

//! The TAXII 2.1 server over HTTP on both engines: discovery, API root, collections per
//! sharing group, objects paged by cursor with the date-added headers and the filters,
//! manifest, versions (an edit is a new version), object by id, delete, POST with its
//! status resource, the media-type answers (406, 415, 413), Basic and bearer auth, and
//! what each caller may see of a collection.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tocsin_domain::{OrgId, OrgKind, Role, Roles};
use tocsin_storage::{NewOrganization, NewUser};

use crate::{Harness, Resp, both_engines};

pub(crate) const TAXII: &str = "application/taxii+json;version=2.1";

pub(crate) async fn taxii(
    h: &Harness,
    method: Method,
    uri: &str,
    auth: &str,
    body: Option<(&str, String)>,
) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("accept", TAXII);
    if !auth.is_empty() {
        b = b.header("authorization", auth);
    }
    let body = match body {
        Some((ct, text)) => {
            b = b.header("content-type", ct);
            Body::from(text)
        }
        None => Body::empty(),
    };
    h.send(b.body(body).expect("request")).await
}

pub(crate) fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Every object of a collection the caller sees, page by page (`query` adds filters),
/// with the pages' responses.
pub(crate) async fn all_objects(
    h: &Harness,
    auth: &str,
    collection: &str,
    query: &str,
    limit: usize,
) -> (Vec<Value>, Vec<Resp>) {
    let mut out = Vec::new();
    let mut pages = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut uri = format!("/taxii2/api/collections/{collection}/objects/?limit={limit}{query}");
        if let Some(n) = &next {
            uri.push_str(&format!("&next={n}"));
        }
        let r = taxii(h, Method::GET, &uri, auth, None).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        let j = r.json();
        let objs = j["objects"].as_array().cloned().unwrap_or_default();
        assert!(objs.len() <= limit);
        out.extend(objs);
        next = j["next"].as_str().map(str::to_string);
        let more = j["more"].as_bool().unwrap_or(false);
        pages.push(r);
        if !more {
            return (out, pages);
        }
        assert!(next.is_some(), "more without next");
    }
}

async fn org(h: &Harness, name: &str) -> OrgId {
    let mut tx = h.state.store.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: String::new(),
            kind: OrgKind::Isp,
            alliance_member: false,
        })
        .await
        .expect("org");
    tx.commit().await.expect("commit");
    o.id
}

/// A user of `org` with `roles` and the password `password-123456`; returns the token.
async fn person(h: &Harness, org: OrgId, email: &str, roles: &[Role]) -> String {
    let s = &h.state.store;
    let hash = tocsin_server::auth::hash_password("password-123456".into())
        .await
        .expect("hash");
    let mut tx = s.begin().await.expect("begin");
    let u = tx
        .create_user(&NewUser {
            email: email.into(),
            name: email.into(),
            org_id: Some(org),
            roles: Roles::new(roles.iter().copied()),
            password_hash: Some(hash),
        })
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    s.create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    secret
}

fn record(subject: &str, tlp: &str) -> Value {
    json!({
        "category": "INT", "subject": subject, "source": "TWCERT/CC",
        "published_at": "2026-12-01T09:30:00+08:00", "tlp": tlp,
        "content": format!("C2 198.51.100.7、evil.example.net 與 hxxps://bad[.]example.com/x。{subject}"),
        "publisher": "TWCERT/CC", "impact_level": 2,
    })
}

async fn api(h: &Harness, method: Method, uri: &str, token: &str, body: Value) -> Resp {
    h.json(method, uri, Some(token), body, &[]).await
}

fn basic(user: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

fn kinds(objs: &[Value]) -> Vec<&str> {
    objs.iter().filter_map(|o| o["type"].as_str()).collect()
}

both_engines! {
    async fn taxii_serves_each_group_its_shared_records(h: Harness) {
        let (_, admin) = h.user("desk@cert.example.tw", &[Role::Admin, Role::Analyst]).await;
        let (a, b, c) = (org(&h, "ISP A").await, org(&h, "ISP B").await, org(&h, "ISP C").await);
        let partner = person(&h, a, "soc@a.example.tw", &[Role::Partner]).await;
        let other = person(&h, c, "soc@c.example.tw", &[Role::Member]).await;
        let outsider = person(&h, b, "soc@b.example.tw", &[Role::Member]).await;
        let r = api(&h, Method::POST, "/api/v1/sharing-groups", &admin, json!({"name": "ISP-ISAC", "kind": "isp"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let g = r.json()["id"].as_str().expect("id").to_string();
        for o in [a, c] {
            let r = api(&h, Method::PUT, &format!("/api/v1/sharing-groups/{g}/members/{o}"), &admin, json!({})).await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        }
        // Three records shared with the group, one with organization C only.
        let mut ids = Vec::new();
        for (subject, tlp, to_group) in [("綠色情資", "green", true), ("琥珀情資", "amber+strict", true), ("紅色情資", "amber", false), ("第四則", "clear", true)] {
            let r = api(&h, Method::POST, "/api/v1/intel", &admin, record(subject, tlp)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let id = r.json()["id"].as_str().expect("id").to_string();
            let body = if to_group { json!({"groups": [g]}) } else { json!({"orgs": [c.to_string()]}) };
            let r = api(&h, Method::POST, &format!("/api/v1/intel/{id}/share"), &admin, body).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            ids.push(id);
        }

        // Media types and authentication.
        let r = taxii(&h, Method::GET, "/taxii2/", "", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.header("www-authenticate").is_some_and(|v| v.contains("Basic")));
        let r = h.get("/taxii2/", &[("accept", "text/html"), ("authorization", &bearer(&partner))]).await;
        assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
        assert_eq!(r.json()["http_status"], "406");
        for auth in [bearer(&partner), basic("soc@a.example.tw", &partner), basic("soc@a.example.tw", "password-123456")] {
            let r = taxii(&h, Method::GET, "/taxii2/", &auth, None).await;
            assert_eq!(r.status, StatusCode::OK, "{auth}: {}", r.body);
            assert_eq!(r.header("content-type"), Some(TAXII));
            assert!(r.json()["api_roots"][0].as_str().expect("root").ends_with("/taxii2/api/"));
        }
        let r = taxii(&h, Method::GET, "/taxii2/", &basic("soc@a.example.tw", "wrong"), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = taxii(&h, Method::GET, "/taxii2/api/", &bearer(&partner), None).await;
        assert_eq!(r.json()["versions"][0], TAXII);
        assert!(r.json()["max_content_length"].as_u64().is_some_and(|n| n > 0));

        // Collections: the group for its members and the desk, nothing for others.
        for (who, n) in [(&partner, 1), (&admin, 1), (&outsider, 0)] {
            let r = taxii(&h, Method::GET, "/taxii2/api/collections/", &bearer(who), None).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.json()["collections"].as_array().map_or(0, Vec::len), n, "{}", r.body);
        }
        let coll = format!("/taxii2/api/collections/{g}/");
        let r = taxii(&h, Method::GET, &coll, &bearer(&partner), None).await;
        assert_eq!(r.json()["can_write"], true);
        assert_eq!(r.json()["title"], "ISP-ISAC");
        let r = taxii(&h, Method::GET, &coll, &bearer(&outsider), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = taxii(&h, Method::GET, &format!("{coll}objects/"), &bearer(&outsider), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Objects, page by page: the three group records, never the fourth.
        let (objs, pages) = all_objects(&h, &bearer(&partner), &g, "", 7).await;
        assert!(pages.len() > 2);
        let reports: Vec<&Value> = objs.iter().filter(|o| o["type"] == "report").collect();
        let names: BTreeSet<&str> = reports.iter().filter_map(|r| r["name"].as_str()).collect();
        assert_eq!(names, BTreeSet::from(["綠色情資", "琥珀情資", "第四則"]));
        assert!(!objs.iter().any(|o| o.to_string().contains("紅色情資")));
        let ids_seen: Vec<&str> = objs.iter().filter_map(|o| o["id"].as_str()).collect();
        let unique: BTreeSet<&str> = ids_seen.iter().copied().collect();
        assert!(kinds(&objs).contains(&"indicator") && kinds(&objs).contains(&"marking-definition"));
        let mut last = String::new();
        for p in &pages {
            if p.json()["objects"].as_array().is_some_and(|a| !a.is_empty()) {
                let first = p.header("x-taxii-date-added-first").expect("first header").to_string();
                assert!(first >= last, "pages in date_added order");
                last = p.header("x-taxii-date-added-last").expect("last header").to_string();
            }
        }
        // The manifest lists the same entries.
        let r = taxii(&h, Method::GET, &format!("{coll}manifest/?limit=1000"), &bearer(&partner), None).await;
        let manifest = r.json()["objects"].as_array().cloned().expect("manifest");
        assert_eq!(manifest.len(), objs.len());
        assert!(manifest.iter().all(|m| m["media_type"] == "application/stix+json;version=2.1" && m["version"].is_string()));
        // Filters: by type, and added after the first page.
        let (only, _) = all_objects(&h, &bearer(&partner), &g, "&match[type]=report,identity", 100).await;
        assert!(kinds(&only).iter().all(|k| *k == "report" || *k == "identity"));
        assert_eq!(kinds(&only).iter().filter(|k| **k == "report").count(), 3);
        let cut = pages[0].header("x-taxii-date-added-last").expect("header").to_string();
        let (later, _) = all_objects(&h, &bearer(&partner), &g, &format!("&added_after={cut}"), 100).await;
        assert!(later.len() < objs.len());
        let r = taxii(&h, Method::GET, &format!("{coll}objects/?limit=abc"), &bearer(&partner), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.json()["description"].as_str().expect("description").contains("limit"));
        let r = taxii(&h, Method::GET, &format!("{coll}objects/?next=zzz"), &bearer(&partner), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // Object by id and versions: an edit by the desk is a new version.
        let green = reports.iter().find(|r| r["name"] == "綠色情資").expect("green");
        let rid = green["id"].as_str().expect("id");
        let r = taxii(&h, Method::GET, &format!("{coll}objects/{rid}/versions/"), &bearer(&partner), None).await;
        assert_eq!(r.json()["versions"].as_array().map(Vec::len), Some(1), "{}", r.body);
        let mut edited = record("綠色情資", "green");
        edited["content"] = json!("更新 C2 203.0.113.99");
        let r = api(&h, Method::PUT, &format!("/api/v1/intel/{}", ids[0]), &admin, edited).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = taxii(&h, Method::GET, &format!("{coll}objects/{rid}/versions/"), &bearer(&partner), None).await;
        assert_eq!(r.json()["versions"].as_array().map(Vec::len), Some(2), "{}", r.body);
        let r = taxii(&h, Method::GET, &format!("{coll}objects/{rid}/"), &bearer(&partner), None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["objects"].as_array().map(Vec::len), Some(1));
        assert_eq!(r.json()["objects"][0]["description"], "更新 C2 203.0.113.99");
        let r = taxii(&h, Method::GET, &format!("{coll}objects/{rid}/?match[version]=all"), &bearer(&partner), None).await;
        assert_eq!(r.json()["objects"].as_array().map(Vec::len), Some(2));
        let r = taxii(&h, Method::GET, &format!("{coll}objects/report--00000000-0000-4000-8000-000000000000/"), &bearer(&partner), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // POST: the media type, the size, then a partner's bundle.
        let bundle = include_str!("../../../tocsin-formats/tests/data/stix-partner-statement.json");
        let r = taxii(&h, Method::POST, &format!("{coll}objects/"), &bearer(&partner), Some(("application/json", bundle.to_string()))).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let huge = format!("{{\"objects\":[\"{}\"]}}", "x".repeat(h.state.config.body_limit() + 10));
        let r = taxii(&h, Method::POST, &format!("{coll}objects/"), &bearer(&partner), Some((TAXII, huge))).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        let r = taxii(&h, Method::POST, &format!("{coll}objects/"), &bearer(&outsider), Some((TAXII, bundle.to_string()))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = taxii(&h, Method::POST, &format!("{coll}objects/"), &bearer(&partner), Some((TAXII, "{\"objects\": [{\"type\": \"indicator\"}]}".into()))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.json()["description"].as_str().expect("d").contains("`id`"), "{}", r.body);
        let r = taxii(&h, Method::POST, &format!("{coll}objects/"), &bearer(&partner), Some((TAXII, bundle.to_string()))).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        let status = r.json();
        assert_eq!(status["status"], "complete");
        assert_eq!(status["success_count"], 5, "{status}");
        assert_eq!(status["failure_count"], 0);
        let sid = status["id"].as_str().expect("id");
        let r = taxii(&h, Method::GET, &format!("/taxii2/api/status/{sid}/"), &bearer(&partner), None).await;
        assert_eq!(r.json(), status);
        let r = taxii(&h, Method::GET, &format!("/taxii2/api/status/{sid}/"), &bearer(&other), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // The draft it made is the partner's and the desk's, not the other member's.
        let posted = "report--c0e4b8a2-1d3f-4e5a-8b6c-7d9e0f1a2b3c";
        for (who, want) in [(&partner, StatusCode::OK), (&admin, StatusCode::OK), (&other, StatusCode::NOT_FOUND)] {
            let r = taxii(&h, Method::GET, &format!("{coll}objects/{posted}/"), &bearer(who), None).await;
            assert_eq!(r.status, want, "{}", r.body);
        }
        let r = api(&h, Method::GET, "/api/v1/intel?status=draft", &admin, json!({})).await;
        assert!(r.body.contains("Emotet C2 seen against the finance sector"), "{}", r.body);
        // Bare SCOs carry no time: their record is dated by its arrival, as the API and
        // the file import date it.
        let before = tocsin_domain::Timestamp::now().micros() / 1_000_000 * 1_000_000;
        let scos = json!({"objects": [{"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--0f0e0d0c-0b0a-4908-8706-050403020100", "value": "203.0.113.77"}]});
        let r = taxii(&h, Method::POST, &format!("{coll}objects/"), &bearer(&partner), Some((TAXII, scos.to_string()))).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        assert_eq!((r.json()["success_count"].clone(), r.json()["failure_count"].clone()), (json!(1), json!(0)), "{}", r.body);
        let r = api(&h, Method::GET, "/api/v1/intel?observable=203.0.113.77", &admin, json!({})).await;
        let published = r.json()[0]["published_at"].as_str().map(str::to_string).unwrap_or_default();
        let at = tocsin_domain::Timestamp::parse_rfc3339(&published).ok().map(|t| t.micros());
        assert!(at.is_some_and(|t| t >= before && t <= tocsin_domain::Timestamp::now().micros()), "{published:?} in {}", r.body);

        // Delete: the desk's.
        let r = taxii(&h, Method::DELETE, &format!("{coll}objects/{rid}/"), &bearer(&partner), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = taxii(&h, Method::DELETE, &format!("{coll}objects/{rid}/"), &bearer(&admin), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = taxii(&h, Method::GET, &format!("{coll}objects/{rid}/"), &bearer(&partner), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(unique.len() <= ids_seen.len());
    }
}

// The indicator blocklists hold exactly the indicators of the shared records each caller
// may read, by kind, with the TLP in the CSV.
both_engines! {
    async fn blocklists_follow_tlp(h: Harness) {
        let (_, admin) = h.user("desk@cert.example.tw", &[Role::Admin, Role::Analyst]).await;
        let (a, b, c) = (org(&h, "ISP A").await, org(&h, "ISP B").await, org(&h, "ISP C").await);
        let in_group = person(&h, a, "soc@a.example.tw", &[Role::Partner]).await;
        let named = person(&h, c, "soc@c.example.tw", &[Role::Member]).await;
        let outsider = person(&h, b, "soc@b.example.tw", &[Role::Member]).await;
        let r = api(&h, Method::POST, "/api/v1/sharing-groups", &admin, json!({"name": "ISP-ISAC", "kind": "isp"})).await;
        let g = r.json()["id"].as_str().expect("id").to_string();
        let r = api(&h, Method::PUT, &format!("/api/v1/sharing-groups/{g}/members/{a}"), &admin, json!({})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let me = api(&h, Method::GET, "/api/v1/me", &named, json!({})).await;
        let named_id = me.json()["id"].as_str().expect("id").to_string();
        for (tlp, ip, share) in [
            ("green", "203.0.113.1", Some(json!({"groups": [g]}))),
            ("amber+strict", "203.0.113.2", Some(json!({"orgs": [a.to_string()]}))),
            ("red", "203.0.113.3", Some(json!({"users": [named_id]}))),
            ("clear", "203.0.113.4", Some(json!({}))),
            ("green", "203.0.113.5", None),
        ] {
            let mut rec = record(&format!("IP {ip}"), tlp);
            rec["content"] = json!(format!("C2 {ip} and bad-{}.example.com", ip.replace('.', "-")));
            // Where to read more and what to install: never blocked.
            rec["references"] = json!("https://www.example.org/advisory/1 與 https://support.vendor.example/kb");
            rec["recommendation"] = json!("更新至 https://download.vendor.example/fix 或封鎖 C2。");
            let r = api(&h, Method::POST, "/api/v1/intel", &admin, rec).await;
            let id = r.json()["id"].as_str().expect("id").to_string();
            if let Some(body) = share {
                let r = api(&h, Method::POST, &format!("/api/v1/intel/{id}/share"), &admin, body).await;
                assert_eq!(r.status, StatusCode::OK, "{tlp}: {}", r.body);
            }
        }
        let lines = |r: &Resp| r.body.lines().map(str::to_string).collect::<BTreeSet<String>>();
        for (who, want) in [
            (&in_group, vec!["203.0.113.1", "203.0.113.2", "203.0.113.4"]),
            (&named, vec!["203.0.113.3", "203.0.113.4"]),
            (&outsider, vec!["203.0.113.4"]),
            (&admin, vec!["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]),
        ] {
            let r = h.get("/api/v1/feeds/intel.txt?kind=ipv4", &[("authorization", &bearer(who))]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert_eq!(lines(&r), want.iter().map(|s| s.to_string()).collect(), "ipv4 list");
            let all = h.get("/api/v1/feeds/intel.txt", &[("authorization", &bearer(who))]).await;
            assert_eq!(lines(&all).len(), want.len() * 2, "ipv4 and domain: {}", all.body);
            // `kind=all`, as documented, is the same list.
            let named_all = h.get("/api/v1/feeds/intel.txt?kind=all", &[("authorization", &bearer(who))]).await;
            assert_eq!((named_all.status, lines(&named_all)), (StatusCode::OK, lines(&all)));
            // The records' reference links (參考資訊) are no indicators.
            assert!(!all.body.contains("example.org") && !all.body.contains("vendor.example"), "{}", all.body);
        }
        let r = h.get("/api/v1/feeds/intel.csv?kind=domain", &[("authorization", &bearer(&in_group))]).await;
        assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
        assert!(r.body.starts_with("kind,value,tlp\n"));
        assert!(r.body.contains("domain,bad-203-0-113-2.example.com,TLP:AMBER+STRICT"), "{}", r.body);
        assert!(r.body.contains("domain,bad-203-0-113-4.example.com,TLP:CLEAR"), "{}", r.body);
        let r = h.get("/api/v1/feeds/intel.txt?kind=nonsense", &[("authorization", &bearer(&in_group))]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = h.get("/api/v1/feeds/intel.txt", &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
}

/// The group `ISP-ISAC` with the given organizations as members; returns its id.
async fn isac(h: &Harness, admin: &str, members: &[OrgId]) -> String {
    let r = api(
        h,
        Method::POST,
        "/api/v1/sharing-groups",
        admin,
        json!({"name": "ISP-ISAC", "kind": "isp"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let g = r.json()["id"].as_str().expect("id").to_string();
    for o in members {
        let r = api(
            h,
            Method::PUT,
            &format!("/api/v1/sharing-groups/{g}/members/{o}"),
            admin,
            json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    g
}

/// A collection's whole manifest as `who` sees it.
async fn manifest_of(h: &Harness, who: &str, g: &str) -> Vec<Value> {
    let r = taxii(
        h,
        Method::GET,
        &format!("/taxii2/api/collections/{g}/manifest/?limit=1000"),
        &bearer(who),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["more"], false);
    r.json()["objects"].as_array().cloned().expect("objects")
}

/// The desk's drafts as (subject, TLP), sorted.
async fn drafts(h: &Harness, admin: &str) -> Vec<(String, String)> {
    let r = api(
        h,
        Method::GET,
        "/api/v1/intel?status=draft&limit=100",
        admin,
        json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut out: Vec<(String, String)> = r
        .json()
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            (
                d["subject"].as_str().unwrap_or_default().to_string(),
                d["tlp"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

both_engines! {
    // Issue 19, item 8: an object version is in a collection once, however many records
    // carry it (the publisher's identity of three records: validator warning 203,
    // duplicate objects); a repeated POST changes nothing; and a client paging by
    // `added_after` = the previous page's X-TAXII-Date-Added-Last sees every object.
    async fn taxii_keeps_one_copy_of_each_object_version(h: Harness) {
        let (_, admin) = h.user("desk@cert.example.tw", &[Role::Admin, Role::Analyst]).await;
        let a = org(&h, "ISP A").await;
        let partner = person(&h, a, "soc@a.example.tw", &[Role::Partner]).await;
        let g = isac(&h, &admin, &[a]).await;
        for (subject, tlp) in [("第一則", "green"), ("第二則", "clear"), ("第三則", "green")] {
            let r = api(&h, Method::POST, "/api/v1/intel", &admin, record(subject, tlp)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let id = r.json()["id"].as_str().expect("id").to_string();
            let r = api(&h, Method::POST, &format!("/api/v1/intel/{id}/share"), &admin, json!({"groups": [g]})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let versions = |m: &[Value]| m.iter().map(|e| format!("{} {}", e["id"], e["version"])).collect::<Vec<_>>();
        let once = |m: &[Value]| {
            let v = versions(m);
            let unique: BTreeSet<&String> = v.iter().collect();
            assert_eq!(unique.len(), v.len(), "an (id, version) twice in the manifest: {v:#?}");
        };
        let manifest = manifest_of(&h, &partner, &g).await;
        once(&manifest);
        let publisher = manifest.iter().filter(|e| e["id"].as_str().is_some_and(|i| i.starts_with("identity--"))).count();
        assert_eq!(publisher, 2, "tocsin's identity and the publisher's, once each");
        // Every object has its own date_added, so paging by the last one skips none.
        let added: BTreeSet<&str> = manifest.iter().filter_map(|e| e["date_added"].as_str()).collect();
        assert_eq!(added.len(), manifest.len(), "distinct date_added values");
        let (every, _) = all_objects(&h, &bearer(&partner), &g, "", 1000).await;
        let mut seen = Vec::new();
        let mut after = String::new();
        loop {
            let query = if after.is_empty() { String::new() } else { format!("&added_after={after}") };
            let r = taxii(&h, Method::GET, &format!("/taxii2/api/collections/{g}/objects/?limit=3{query}"), &bearer(&partner), None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let objs = r.json()["objects"].as_array().cloned().unwrap_or_default();
            if objs.is_empty() {
                break;
            }
            seen.extend(objs.iter().map(|o| o["id"].to_string()));
            after = r.header("x-taxii-date-added-last").expect("last header").to_string();
        }
        assert_eq!(seen.len(), every.len(), "paging by added_after sees every object once");

        // The same envelope twice: the second changes nothing and says so.
        let bundle = include_str!("../../../tocsin-formats/tests/data/stix-partner-statement.json");
        let (objects_uri, auth) = (format!("/taxii2/api/collections/{g}/objects/"), bearer(&partner));
        let post = || taxii(&h, Method::POST, &objects_uri, &auth, Some((TAXII, bundle.to_string())));
        let first = post().await;
        assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
        let after_first = (manifest_of(&h, &partner, &g).await, drafts(&h, &admin).await);
        let last = all_objects(&h, &bearer(&partner), &g, "&match[version]=last", 1000).await.0.len();
        let second = post().await;
        assert_eq!(second.status, StatusCode::ACCEPTED, "{}", second.body);
        let (s1, s2) = (first.json(), second.json());
        assert_eq!((s2["success_count"].clone(), s2["failure_count"].clone()), (s1["success_count"].clone(), json!(0)), "{s2}");
        assert_eq!(s2["successes"], s1["successes"]);
        let after_second = (manifest_of(&h, &partner, &g).await, drafts(&h, &admin).await);
        once(&after_second.0);
        assert_eq!(versions(&after_second.0), versions(&after_first.0), "no new manifest entry");
        assert_eq!(after_second.1, after_first.1, "no new draft");
        assert_eq!(all_objects(&h, &bearer(&partner), &g, "&match[version]=last", 1000).await.0.len(), last);
        // A bare SCO posted again is the same object too.
        let sco = json!({"objects": [{"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--0f0e0d0c-0b0a-4908-8706-050403020100", "value": "203.0.113.77"}]}).to_string();
        for _ in 0..2 {
            let r = taxii(&h, Method::POST, &format!("/taxii2/api/collections/{g}/objects/"), &bearer(&partner), Some((TAXII, sco.clone()))).await;
            assert_eq!(r.json()["success_count"], 1, "{}", r.body);
        }
        let r = taxii(&h, Method::GET, &format!("/taxii2/api/collections/{g}/objects/ipv4-addr--0f0e0d0c-0b0a-4908-8706-050403020100/versions/"), &bearer(&partner), None).await;
        assert_eq!(r.json()["versions"].as_array().map(Vec::len), Some(1), "{}", r.body);
        assert_eq!(drafts(&h, &admin).await.len(), after_first.1.len() + 1);
    }

    // Issue 19, item 9: a partner's 100 indicators in four TLPs and no report become one
    // draft per TLP, each with its own indicators, added 1 µs apart; the GREEN and CLEAR
    // ones, once shared with the group, reach its other members over TAXII and the
    // blocklists at their own TLP, and the AMBER and RED ones do not.
    async fn a_partners_envelope_keeps_its_tlps(h: Harness) {
        let (_, admin) = h.user("desk@cert.example.tw", &[Role::Admin, Role::Analyst]).await;
        let (a, c) = (org(&h, "ISP A").await, org(&h, "ISP C").await);
        let partner = person(&h, a, "soc@a.example.tw", &[Role::Partner]).await;
        let other = person(&h, c, "soc@c.example.tw", &[Role::Member]).await;
        let g = isac(&h, &admin, &[a, c]).await;
        let marks = [
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        ];
        let id = |i: usize| format!("indicator--{}", uuid::Uuid::from_u128(0x3000_0000_0000_4000_8000_0000_0000_0000 + i as u128));
        let objects: Vec<Value> = (0..100).map(|i| json!({"type": "indicator", "spec_version": "2.1", "id": id(i),
            "created": "2026-11-30T01:02:03.000Z", "modified": "2026-11-30T01:02:03.000Z", "name": format!("C2 {i}"),
            "pattern": format!("[ipv4-addr:value = '203.0.113.{i}']"), "pattern_type": "stix",
            "valid_from": "2026-11-30T01:02:03Z", "object_marking_refs": [marks[i % 4]]})).collect();
        let envelope = json!({"objects": objects}).to_string();
        let r = taxii(&h, Method::POST, &format!("/taxii2/api/collections/{g}/objects/"), &bearer(&partner), Some((TAXII, envelope))).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
        assert_eq!((r.json()["success_count"].clone(), r.json()["failure_count"].clone()), (json!(100), json!(0)), "{}", r.body);
        let want: Vec<(String, String)> = [("AMBER", "amber"), ("CLEAR", "clear"), ("GREEN", "green"), ("RED", "red")]
            .iter().map(|(m, t)| (format!("STIX TLP:{m}: 25 indicator"), t.to_string())).collect();
        assert_eq!(drafts(&h, &admin).await, want);
        // Added in the envelope's order, each at its own microsecond.
        let manifest = manifest_of(&h, &partner, &g).await;
        let order: Vec<String> = manifest.iter().filter_map(|e| e["id"].as_str().map(str::to_string)).collect();
        assert_eq!(order, (0..100).map(id).collect::<Vec<_>>());
        let added: Vec<&str> = manifest.iter().filter_map(|e| e["date_added"].as_str()).collect();
        assert!(added.windows(2).all(|w| w[0] < w[1]), "increasing date_added: {added:?}");
        // The desk shares the CLEAR and GREEN drafts with the group.
        let r = api(&h, Method::GET, "/api/v1/intel?status=draft&limit=100", &admin, json!({})).await;
        for d in r.json().as_array().expect("list") {
            if d["tlp"] == "clear" || d["tlp"] == "green" {
                let r = api(&h, Method::POST, &format!("/api/v1/intel/{}/share", d["id"].as_str().expect("id")), &admin, json!({"groups": [g]})).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            }
        }
        let (objs, _) = all_objects(&h, &bearer(&other), &g, "&match[type]=indicator", 1000).await;
        let theirs: BTreeSet<String> = objs.iter().filter_map(|o| o["id"].as_str()).filter(|i| i.starts_with("indicator--30000000")).map(str::to_string).collect();
        let shareable: BTreeSet<String> = (0..100).filter(|i| i % 4 < 2).map(id).collect();
        assert_eq!(theirs, shareable, "the CLEAR and GREEN indicators, and only those");
        let r = h.get("/api/v1/feeds/intel.csv?kind=ipv4", &[("authorization", &bearer(&other))]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for i in 0..100 {
            let line = format!("ipv4,203.0.113.{i},");
            let want = match i % 4 { 0 => Some("TLP:CLEAR"), 1 => Some("TLP:GREEN"), _ => None };
            let got = r.body.lines().find(|l| l.starts_with(&line)).map(|l| l[line.len()..].to_string());
            assert_eq!(got.as_deref(), want, "203.0.113.{i} in {}", r.body);
        }
    }
}

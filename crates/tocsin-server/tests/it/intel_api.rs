//! Intel sharing over the API: the 25-field record's rules, the TXT form, sharing, feedback,
//! re-sharing, incident drafts — and a randomized check that no channel (record, TXT
//! export, inbox listing and search, mail) lets anyone past what TLP and the audiences
//! allow. The oracle below is written from the rules of the issue, not from the policy
//! module, so that a mistake in the one is caught by the other.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{Method, StatusCode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tocsin_domain::{OrgId, OrgKind, Role, Roles};
use tocsin_storage::{NewOrganization, NewUser};

use crate::{Harness, both_engines};

/// A valid record: every field filled, AMBER.
pub(crate) fn record(subject: &str, tlp: &str) -> Value {
    json!({
        "category": "INT",
        "subject": subject,
        "source": "TWCERT/CC",
        "published_at": "2026-12-01T09:30:00+08:00",
        "tlp": tlp,
        "dispatch_id": format!("D-{subject}"),
        "event_subject": "網站遭入侵",
        "event_discovered_at": "2026-11-30T08:00:00+08:00",
        "event_sent_at": "2026-11-30T10:00:00+08:00",
        "event_resolved_at": "",
        "content": format!("金融業者網站遭植入後門，中繼站 198.51.100.7 與 evil.example.net。{subject}"),
        "intel_type": "入侵攻擊",
        "publisher": "TWCERT/CC",
        "contact": "soc@example.org.tw",
        "impact_level": 3,
        "recommendation": "封鎖中繼站",
        "references": "https://example.org/a/1",
        "attachments": "",
        "victim_ip": "203.0.113.5，443，TCP",
        "affected_platforms": "Windows Server 2019",
        "technique": "網頁後門",
        "malicious_connections": "目的 198.51.100.7:8080/tcp",
        "scan_info": "ClamAV, antivirus, 1.0, Win.Trojan",
        "source_id": "",
        "source_time": "",
    })
}

pub(crate) async fn org(h: &Harness, name: &str) -> OrgId {
    let mut tx = h.state.store.begin().await.expect("begin");
    let o = tx
        .create_org(&NewOrganization {
            name: name.into(),
            sector: String::new(),
            kind: OrgKind::Company,
            alliance_member: false,
        })
        .await
        .expect("org");
    tx.commit().await.expect("commit");
    o.id
}

/// A user of `org` with `roles`; returns (user id, API token).
async fn person(h: &Harness, org: Option<OrgId>, email: &str, roles: &[Role]) -> (String, String) {
    let s = &h.state.store;
    let mut tx = s.begin().await.expect("begin");
    let u = tx
        .create_user(&NewUser {
            email: email.into(),
            name: email.into(),
            org_id: org,
            roles: Roles::new(roles.iter().copied()),
            password_hash: None,
        })
        .await
        .expect("user");
    tx.commit().await.expect("commit");
    let secret = format!("tocsin_{}", tocsin_server::auth::new_secret());
    s.create_api_token(u.id, "test", &tocsin_server::auth::hash_secret(&secret))
        .await
        .expect("token");
    (u.id.to_string(), secret)
}

async fn post(h: &Harness, uri: &str, token: &str, body: Value) -> crate::Resp {
    h.json(
        Method::POST,
        uri,
        Some(token),
        body,
        &[("accept-language", "en")],
    )
    .await
}

async fn get(h: &Harness, uri: &str, token: Option<&str>) -> crate::Resp {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("accept-language", "en")];
    if let Some(a) = auth.as_deref() {
        headers.push(("authorization", a));
    }
    h.get(uri, &headers).await
}

/// Creates a record as `token`; returns its id.
pub(crate) async fn create(h: &Harness, token: &str, body: Value) -> String {
    let r = post(h, "/api/v1/intel", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().expect("id").to_string()
}

async fn intel_count(h: &Harness, token: &str) -> usize {
    let r = get(h, "/api/v1/intel", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_array().expect("list").len()
}

/// The message for `field` of a 422.
fn field_message(r: &crate::Resp, field: &str) -> String {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.json()["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no error on {field}: {}", r.body))
        .to_string()
}

both_engines! {
    async fn each_rule_refuses_the_input_that_breaks_it_and_stores_nothing(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        type Break = fn(&mut Value);
        let cases: Vec<(&str, Break, &str)> = vec![
            ("impact_level", |b| b["impact_level"] = json!(5), "影響等級 (impact_level): The impact level is a number from 1 to 4."),
            ("published_at", |b| b["published_at"] = json!("2026-12-01 09:30"), "情資發布時間 (published_at): Write the time"),
            ("category", |b| b["category"] = json!("XYZ"), "情資種類 (category)"),
            ("tlp", |b| b["tlp"] = json!("purple"), "分享等級 (tlp)"),
            ("event_subject", |b| b["category"] = json!("ANA"), "no event subject"),
            ("source_id", |b| b["category"] = json!("FBI"), "來源編號 (source_id)"),
            ("event_resolved_at", |b| b["event_resolved_at"] = json!("2026-11-29T08:00:00+08:00"), "cannot be resolved before"),
            ("victim_ip", |b| b["victim_ip"] = json!(true), "受害IP (victim_ip): This value has the wrong shape"),
            ("scan_info", |b| b["scan_info"] = json!("a\u{1}b"), "掃描資訊 (scan_info)"),
            ("subject", |b| b["subject"] = json!(""), "情資主旨 (subject): This field is required."),
        ];
        for (field, breaks, says) in cases {
            let mut body = record("規則", "amber");
            breaks(&mut body);
            let r = post(&h, "/api/v1/intel", &analyst, body).await;
            let msg = field_message(&r, field);
            assert!(msg.contains(says), "{field}: {msg}");
        }
        // Not even a partial record was kept.
        assert_eq!(intel_count(&h, &analyst).await, 0);
        // Chinese by default.
        let mut body = record("規則", "amber");
        body["impact_level"] = json!("0");
        let r = h.json(Method::POST, "/api/v1/intel", Some(&analyst), body, &[]).await;
        assert_eq!(field_message(&r, "impact_level"), "影響等級 (impact_level)：影響等級是 1 到 4 的數字。");
    }

    async fn free_texts_are_kept_read_and_warned_never_refused(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let mut body = record("自由文字", "amber");
        body["victim_ip"] = json!("203.0.113.5，443，TCP\n請見附件");
        body["malicious_connections"] = json!("198.51.100.7:4444 -> 203.0.113.5:443 (tcp)\n999.1.1.1");
        body["scan_info"] = json!("掃描引擎：ClamAV\n版本：1.0.5\n結果：Win.Trojan");
        let r = h.json(Method::POST, "/api/v1/intel", Some(&analyst), body.clone(), &[("accept-language", "en")]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let v = r.json();
        for f in ["victim_ip", "malicious_connections", "scan_info"] {
            assert_eq!(v["record"][f], body[f], "{f} kept as written");
        }
        let d = &v["derived"];
        assert_eq!(d["victim_ip"], json!([{"ip": "203.0.113.5", "port": 443, "protocol": "tcp"}]));
        assert_eq!(d["malicious_connections"], json!([
            {"direction": "source", "ip": "198.51.100.7", "port": 4444},
            {"direction": "destination", "ip": "203.0.113.5", "port": 443, "protocol": "tcp"},
        ]));
        assert_eq!(d["scan_info"], json!([{"engine": "ClamAV", "engine_type": "", "version": "1.0.5", "result": "Win.Trojan"}]));
        let warnings: Vec<(String, u64, String)> = d["warnings"].as_array().expect("warnings").iter()
            .map(|w| (w["field"].as_str().unwrap_or_default().to_string(), w["line"].as_u64().unwrap_or_default(), w["kind"].as_str().unwrap_or_default().to_string()))
            .collect();
        assert_eq!(warnings, [("victim_ip".to_string(), 2, "unreadable".to_string()), ("malicious_connections".to_string(), 2, "bad_address".to_string())]);
        assert!(d["warnings"][0]["message"].as_str().is_some_and(|m| m.starts_with("Line 2 (\"請見附件\")")), "{}", d["warnings"]);
        // The victim is searchable, never blocked; the connection's address is blocked.
        let ids = get(&h, "/api/v1/feeds/intel.txt?kind=ipv4", Some(&analyst)).await.body;
        assert!(!ids.contains("203.0.113.5"), "{ids}");
    }

    async fn a_record_read_can_be_written_back_unchanged(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        // Sparse (nulls in the GET) and full records alike.
        let mut sparse = record("往返", "amber");
        for f in ["attachments", "event_resolved_at", "scan_info", "victim_ip", "dispatch_id", "impact_level"] {
            sparse[f] = json!("");
        }
        for body in [sparse, record("往返全", "green")] {
            let id = create(&h, &analyst, body).await;
            let got = get(&h, &format!("/api/v1/intel/{id}"), Some(&analyst)).await.json();
            let rec = got["record"].clone();
            assert!(rec["scan_info"].is_null() || rec["scan_info"].is_string(), "{rec}");
            let r = h.json(Method::PUT, &format!("/api/v1/intel/{id}"), Some(&analyst), rec.clone(), &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert_eq!(r.json()["record"], rec, "the same record after the round trip");
        }
    }

    async fn tlp_names_of_both_versions_are_read_and_kept(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        for (given, kept) in [("CLEAR", "clear"), ("white", "clear"), ("AMBER+STRICT", "amber+strict"), ("TLP:RED", "red")] {
            let id = create(&h, &analyst, record("等級", given)).await;
            let r = get(&h, &format!("/api/v1/intel/{id}"), Some(&analyst)).await;
            assert_eq!(r.json()["record"]["tlp"], json!(kept), "{given}: {}", r.body);
        }
    }

    async fn sharing_rules_by_tlp(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let (_, admin) = h.user("admin@cert.example.tw", &[Role::Admin]).await;
        let bank = org(&h, "銀行").await;
        let (bank_user, _) = person(&h, Some(bank), "soc@bank.example.tw", &[Role::Member]).await;
        let g = post(&h, "/api/v1/sharing-groups", &admin, json!({"name": "F-ISAC", "kind": "isac", "description": "金融"})).await;
        assert_eq!(g.status, StatusCode::CREATED, "{}", g.body);
        let group = g.json()["id"].as_str().expect("id").to_string();
        let r = h.json(Method::PUT, &format!("/api/v1/sharing-groups/{group}/members/{bank}"), Some(&admin), json!({}), &[]).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        // Only admins manage groups.
        let r = post(&h, "/api/v1/sharing-groups", &analyst, json!({"name": "X", "kind": "isac"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = post(&h, "/api/v1/sharing-groups", &admin, json!({"name": "F-ISAC", "kind": "isac"})).await;
        assert!(field_message(&r, "name").contains("already in use"));
        let r = post(&h, "/api/v1/sharing-groups", &admin, json!({"name": "Y", "kind": "club"})).await;
        field_message(&r, "kind");

        let red = create(&h, &analyst, record("紅色", "red")).await;
        let r = post(&h, &format!("/api/v1/intel/{red}/share"), &analyst, json!({"groups": [group]})).await;
        assert!(field_message(&r, "groups").contains("named people only"));
        let green = create(&h, &analyst, record("綠色", "green")).await;
        let r = post(&h, &format!("/api/v1/intel/{green}/share"), &analyst, json!({"groups": [group], "informed": [bank]})).await;
        assert!(field_message(&r, "informed").contains("only be named for TLP:AMBER"));
        let amber = create(&h, &analyst, record("琥珀", "amber")).await;
        let r = post(&h, &format!("/api/v1/intel/{amber}/share"), &analyst, json!({})).await;
        assert!(field_message(&r, "groups").contains("at least one"));
        let r = post(&h, &format!("/api/v1/intel/{amber}/share"), &analyst, json!({"groups": [uuid::Uuid::now_v7()]})).await;
        field_message(&r, "groups");
        // A refused share leaves the record a draft, with no audience and no mail.
        let d = get(&h, &format!("/api/v1/intel/{amber}"), Some(&analyst)).await.json();
        assert_eq!(d["status"], json!("draft"));
        assert_eq!(d["audiences"], json!([]));
        assert_eq!(h.state.store.list_outbox(100).await.expect("outbox").len(), 0);

        // RED to a named person works; sharing twice mails once.
        let body = json!({"users": [bank_user]});
        let r = post(&h, &format!("/api/v1/intel/{red}/share"), &analyst, body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json(), json!({"delivered": 1, "already": 0}));
        let r = post(&h, &format!("/api/v1/intel/{red}/share"), &analyst, body).await;
        assert_eq!(r.json(), json!({"delivered": 0, "already": 1}));
        let d = get(&h, &format!("/api/v1/intel/{red}/deliveries"), Some(&analyst)).await.json();
        assert_eq!(d.as_array().map(Vec::len), Some(1));
        assert_eq!(d[0]["email"], json!("soc@bank.example.tw"));
        assert_eq!(d[0]["tlp"], json!("red"));
        let mail = h.state.store.list_outbox(100).await.expect("outbox");
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, "[TLP:RED] INT 紅色");
        assert_eq!(mail[0].message_id, d[0]["message_id"].as_str().expect("mid"));
        let raw = String::from_utf8_lossy(&mail[0].message).to_string();
        assert!(raw.contains("multipart/mixed"), "the TXT is attached");
        assert!(raw.contains("filename*0*=utf-8''intel-D-%E7%B4%85%E8%89%B2.txt"), "{raw}");
        // The recipient may not see the deliveries; only the desk.
        let (_, bank_token) = person(&h, Some(bank), "ciso@bank.example.tw", &[Role::Member]).await;
        let r = get(&h, &format!("/api/v1/intel/{red}/deliveries"), Some(&bank_token)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "not a named recipient: not even its existence");
    }

    async fn feedback_reshare_and_edit_never_loosen_tlp(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let bank = org(&h, "銀行").await;
        let (_, bank_token) = person(&h, Some(bank), "soc@bank.example.tw", &[Role::Member]).await;
        let id = create(&h, &analyst, record("回饋", "amber")).await;
        // Before it is shared, the bank cannot answer it: it cannot even see it.
        let r = post(&h, &format!("/api/v1/intel/{id}/feedback"), &bank_token, json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post(&h, &format!("/api/v1/intel/{id}/share"), &analyst, json!({"orgs": [bank]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        let mut fbi = record("處理回報", "amber");
        fbi["category"] = json!("FBI");
        fbi["tlp"] = json!("green");
        let r = post(&h, &format!("/api/v1/intel/{id}/feedback"), &bank_token, fbi.clone()).await;
        let msg = field_message(&r, "tlp");
        assert!(msg.contains("never loosened: at least AMBER."), "{msg}");
        let mut not_fbi = fbi.clone();
        not_fbi["category"] = json!("DEF");
        not_fbi["tlp"] = json!("amber");
        let r = post(&h, &format!("/api/v1/intel/{id}/feedback"), &bank_token, not_fbi).await;
        assert!(field_message(&r, "category").contains("FBI"));
        fbi["tlp"] = json!("amber+strict");
        let r = post(&h, &format!("/api/v1/intel/{id}/feedback"), &bank_token, fbi).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let answer = r.json();
        assert_eq!(answer["answers_id"], json!(id));
        assert_eq!(answer["record"]["source_id"], json!("D-回饋"), "filled from the record answered");
        assert_eq!(answer["record"]["source_time"], json!("2026-12-01T09:30:00+08:00"));
        let d = get(&h, &format!("/api/v1/intel/{id}"), Some(&analyst)).await.json();
        assert_eq!(d["answers"], json!([answer["id"]]));

        // An FBI record posted on its own links by 來源編號 when its submitter can read it.
        let mut own = record("另一則回報", "amber");
        own["category"] = json!("FBI");
        own["source_id"] = json!("D-回饋");
        own["source_time"] = json!("2026-12-01T09:30:00+08:00");
        let r = post(&h, "/api/v1/intel", &bank_token, own).await;
        assert_eq!(r.json()["answers_id"], json!(id));

        for looser in ["green", "clear"] {
            let r = post(&h, &format!("/api/v1/intel/{id}/reshare"), &bank_token, json!({"tlp": looser})).await;
            assert!(field_message(&r, "tlp").contains("never loosened"), "{looser}");
        }
        let r = post(&h, &format!("/api/v1/intel/{id}/reshare"), &bank_token, json!({"tlp": "amber+strict"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let derived = r.json();
        assert_eq!(derived["derived_from"], json!(id));
        assert_eq!(derived["record"]["tlp"], json!("amber+strict"));
        assert_eq!(derived["status"], json!("draft"));
        // The desk cannot loosen the derived record below what it came with either.
        let did = derived["id"].as_str().expect("id");
        let r = h.json(Method::PUT, &format!("/api/v1/intel/{did}"), Some(&analyst), record("回饋", "amber"), &[("accept-language", "en")]).await;
        assert!(field_message(&r, "tlp").contains("at least AMBER+STRICT"));
        let r = h.json(Method::PUT, &format!("/api/v1/intel/{did}"), Some(&analyst), record("回饋修訂", "red"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["record"]["subject"], json!("回饋修訂"));
        // Partners do not edit.
        let r = h.json(Method::PUT, &format!("/api/v1/intel/{id}"), Some(&bank_token), record("x", "amber"), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    async fn observables_are_extracted_and_editable(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let id = create(&h, &analyst, record("指標", "amber")).await;
        let d = get(&h, &format!("/api/v1/intel/{id}"), Some(&analyst)).await.json();
        let has = |d: &Value, kind: &str, value: &str| {
            d["observables"].as_array().expect("list").iter().any(|o| o["kind"] == json!(kind) && o["value"] == json!(value))
        };
        assert!(has(&d, "ipv4", "198.51.100.7"), "{d}");
        assert!(has(&d, "domain", "evil.example.net"), "{d}");
        let uri = format!("/api/v1/intel/{id}/observables");
        let r = h.json(Method::PUT, &uri, Some(&analyst), json!({"lines": "sha256 0123\n"}), &[("accept-language", "en")]).await;
        assert!(field_message(&r, "observables").contains("Line 1"));
        let hash = "a".repeat(64);
        let r = h.json(Method::PUT, &uri, Some(&analyst), json!({"lines": format!("sha256 {hash}\ncve CVE-2026-12345")}), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let d = r.json();
        assert!(has(&d, "sha256", &hash) && has(&d, "cve", "CVE-2026-12345") && has(&d, "ipv4", "198.51.100.7"), "{d}");
        // Indicators find the record.
        let found = get(&h, &format!("/api/v1/intel?observable={hash}"), Some(&analyst)).await.json();
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
        // Analyst indicators survive an edit.
        let r = h.json(Method::PUT, &format!("/api/v1/intel/{id}"), Some(&analyst), record("指標二", "amber"), &[]).await;
        assert!(has(&r.json(), "sha256", &hash));
    }

    async fn a_partner_posts_a_stix_bundle_as_drafts_all_or_none(h: Harness) {
        let (_, partner) = h.user("soc@bank.example.tw", &[Role::Partner]).await;
        let (_, other) = h.user("soc@hospital.example.tw", &[Role::Partner]).await;
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let send = |token: String, bytes: Vec<u8>| {
            let req = axum::http::Request::builder()
                .method(Method::POST)
                .uri("/api/v1/intel/stix")
                .header("content-type", "application/stix+json;version=2.1")
                .header("accept-language", "en")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::from(bytes))
                .expect("request");
            h.send(req)
        };
        let bundle = include_bytes!("../../../tocsin-formats/tests/data/stix-partner-statement.json");
        let r = send(partner.clone(), bundle.to_vec()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let made = r.json();
        assert_eq!(made.as_array().map(Vec::len), Some(1), "{made}");
        assert_eq!(made[0]["status"], "draft");
        assert_eq!(made[0]["channel"], "stix");
        assert_eq!(made[0]["record"]["subject"], "Emotet C2 seen against the finance sector");
        assert_eq!(made[0]["record"]["tlp"], "amber+strict");
        let id = made[0]["id"].as_str().expect("id").to_string();
        // A draft: its author and the desk, nobody else.
        assert_eq!(get(&h, &format!("/api/v1/intel/{id}"), Some(&analyst)).await.status, StatusCode::OK);
        assert_eq!(get(&h, &format!("/api/v1/intel/{id}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
        // Bare SCOs carry no time: their record is dated by its arrival, as TAXII posts
        // and the file import date it.
        let before = tocsin_domain::Timestamp::now().micros() / 1_000_000 * 1_000_000;
        let scos = json!({"type": "bundle", "id": "bundle--0f0e0d0c-0b0a-4908-8706-050403020100", "objects": [
            {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--0f0e0d0c-0b0a-4908-8706-050403020101", "value": "203.0.113.78"},
            {"type": "domain-name", "spec_version": "2.1", "id": "domain-name--0f0e0d0c-0b0a-4908-8706-050403020102", "value": "c2.example.net"}]});
        let r = send(partner.clone(), scos.to_string().into_bytes()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let published = r.json()[0]["record"]["published_at"].as_str().map(str::to_string).unwrap_or_default();
        let at = tocsin_domain::IntelTime::parse(&published).map(|t| t.utc.micros());
        assert!(at.is_some_and(|t| t >= before && t <= tocsin_domain::Timestamp::now().micros()), "{published:?} in {}", r.body);
        // Refused whole, with the field named: not a bundle; a report without a name
        // beside a good one; no report and no indicator.
        let r = send(partner.clone(), b"{\"type\": \"report\"}".to_vec()).await;
        assert!(field_message(&r, "bundle").contains("`type` must be `bundle`"), "{}", r.body);
        let mut two: Value = serde_json::from_slice(bundle).expect("json");
        let mut nameless = two["objects"].as_array().expect("objects").iter().find(|o| o["type"] == "report").expect("report").clone();
        nameless["id"] = json!("report--11111111-2222-4333-8444-555555555555");
        nameless["name"] = json!("");
        two["objects"].as_array_mut().expect("objects").push(nameless);
        let r = send(partner.clone(), two.to_string().into_bytes()).await;
        assert!(!field_message(&r, "subject").is_empty());
        let r = send(partner.clone(), json!({"type": "bundle", "objects": []}).to_string().into_bytes()).await;
        assert_eq!(field_message(&r, "bundle"), "The bundle holds no report and no indicator.");
        assert_eq!(intel_count(&h, &analyst).await, 2, "nothing of the refused bundles stored");
        let r = h.send(axum::http::Request::builder().method(Method::POST).uri("/api/v1/intel/stix")
            .body(axum::body::Body::from(bundle.to_vec())).expect("request")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }

    async fn the_txt_form_goes_in_and_out(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let send = |bytes: &'static [u8]| {
            let req = axum::http::Request::builder()
                .method(Method::POST)
                .uri("/api/v1/intel/txt")
                .header("content-type", "text/plain")
                .header("accept-language", "en")
                .header("authorization", format!("Bearer {analyst}"))
                .body(axum::body::Body::from(bytes))
                .expect("request");
            h.send(req)
        };
        let good = include_bytes!("../../../tocsin-formats/tests/data/intel-example-big5-crlf.txt");
        let r = send(good).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let j = r.json();
        assert_eq!(j["record"]["dispatch_id"], json!("TWCERT-INT-2026-0042"));
        assert_eq!(j["channel"], json!("txt"));
        let id = j["id"].as_str().expect("id");
        let out = get(&h, &format!("/api/v1/intel/{id}/txt"), Some(&analyst)).await;
        assert_eq!(out.status, StatusCode::OK);
        assert!(out.header("content-type").is_some_and(|c| c.starts_with("text/plain")));
        assert!(out.body.starts_with("情資種類：INT\n"), "{}", out.body);
        let back = tocsin_formats::intel_form::parse(&out.body);
        assert!(back.problems.is_empty() && back.unknown_lines.is_empty());
        assert_eq!(serde_json::to_value(back.input.validate().expect("valid")).expect("json"), j["record"]);
        assert!(h.audit_actions().await.contains(&"intel.export".to_string()));
        // The STIX bundle of the record carries the 25 fields back.
        let out = get(&h, &format!("/api/v1/intel/{id}/stix"), Some(&analyst)).await;
        assert_eq!(out.status, StatusCode::OK, "{}", out.body);
        assert_eq!(out.header("content-type"), Some(tocsin_formats::stix::MEDIA_TYPE));
        let objects = tocsin_formats::stix::parse_envelope(out.body.as_bytes()).expect("a bundle");
        let imported = tocsin_formats::stix::read_objects(&objects, tocsin_domain::Timestamp::now()).expect("readable");
        assert_eq!(imported.len(), 1);
        assert_eq!(serde_json::to_value(imported[0].input.validate().expect("valid")).expect("json"), j["record"]);

        let r = send(include_bytes!("../../../tocsin-formats/tests/data/intel-unknown-label.txt")).await;
        assert!(field_message(&r, "txt").ends_with("not fields of the format: 4, 5, 10."), "{}", r.body);
        // Entries written in odd ways are kept and stored; what could not be read is said.
        let r = send(include_bytes!("../../../tocsin-formats/tests/data/intel-bad-connection.txt")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let lines: Vec<u64> = r.json()["derived"]["warnings"].as_array().expect("warnings").iter().filter_map(|w| w["line"].as_u64()).collect();
        assert_eq!(lines, [7, 8, 9, 10], "lines of the field: {}", r.body);
        // Bytes that do not decode are refused too, as the upload and the import refuse them.
        // (A UTF-16LE BOM, then an unpaired surrogate.)
        let r = send(&[0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]).await;
        assert_eq!(field_message(&r, "txt"), "The file holds characters that could not be read (save it as UTF-8 or Big5 plain text).");
        assert_eq!(intel_count(&h, &analyst).await, 2);
    }

    async fn an_incident_becomes_a_draft_without_its_reporter(h: Harness) {
        let (_, analyst) = h.user("analyst@cert.example.tw", &[Role::Analyst]).await;
        let r = h.json(Method::POST, "/api/v1/reports/incident", None, json!({
            "reporter_name": "王小明",
            "phone": "02-2345-6789",
            "email": "ming@victim.example.tw",
            "discovered_at": "2026-11-01T09:15",
            "time_zone": "Asia/Taipei",
            "incident_type": "intrusion",
            "description": "主機遭入侵，請聯絡王小明 ming@victim.example.tw 02-2345-6789，連線至 198.51.100.9",
            "needs_support": false,
        }), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let tracking = r.json()["tracking_id"].as_str().expect("t").to_string();
        let (_, member) = h.user("someone@corp.example.tw", &[Role::Member]).await;
        let r = post(&h, &format!("/api/v1/reports/{tracking}/intel"), &member, json!({})).await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        let r = post(&h, &format!("/api/v1/reports/{tracking}/intel"), &analyst, json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let j = r.json();
        assert_eq!(j["record"]["category"], json!("INT"));
        assert_eq!(j["status"], json!("draft"));
        assert_eq!(j["channel"], json!("incident"));
        let text = j["record"].to_string();
        for secret in ["王小明", "ming@victim.example.tw", "2345-6789"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("198.51.100.9"), "the technical content stays: {text}");
    }
}

// ---------------------------------------------------------------------------------------
// The randomized policy check.
// ---------------------------------------------------------------------------------------

const TLPS: [&str; 5] = ["red", "amber+strict", "amber", "green", "clear"];

pub(crate) struct Member {
    pub(crate) id: String,
    pub(crate) token: String,
    pub(crate) email: String,
    pub(crate) org: Option<usize>,
    pub(crate) staff: bool,
    /// May submit records (members and partners; reporters only file reports).
    pub(crate) submits: bool,
}

pub(crate) struct Rec {
    pub(crate) id: String,
    pub(crate) subject: String,
    pub(crate) tlp: &'static str,
    pub(crate) shared: bool,
    pub(crate) author: usize,
    pub(crate) groups: Vec<usize>,
    pub(crate) orgs: Vec<usize>,
    pub(crate) users: Vec<usize>,
    pub(crate) informed: Vec<usize>,
}

pub(crate) struct World {
    pub(crate) members: Vec<Member>,
    /// Groups of each organization.
    pub(crate) org_groups: Vec<BTreeSet<usize>>,
    pub(crate) recs: Vec<Rec>,
}

impl World {
    /// Whether `m` (None: anonymous) may see `r`, by the rules.
    pub(crate) fn may_see(&self, m: Option<usize>, r: &Rec) -> bool {
        if r.shared && r.tlp == "clear" {
            return true;
        }
        let Some(m) = m else { return false };
        let me = &self.members[m];
        if me.staff {
            return true;
        }
        let author = r.author == m || (me.org.is_some() && me.org == self.members[r.author].org);
        if author {
            return true;
        }
        if !r.shared {
            return false;
        }
        let named = r.users.contains(&m);
        let recipient = me.org.is_some_and(|o| {
            r.orgs.contains(&o) || r.groups.iter().any(|g| self.org_groups[o].contains(g))
        });
        let informed = me.org.is_some_and(|o| r.informed.contains(&o));
        let community = me.org.is_some_and(|o| !self.org_groups[o].is_empty());
        named
            || match r.tlp {
                "red" => false,
                "amber+strict" => recipient,
                "amber" => recipient || informed,
                "green" => recipient || informed || community,
                _ => true,
            }
    }

    /// Whether a share of `r` mails `m`: users of recipient organizations and named people
    /// who may see it.
    fn mailed(&self, m: usize, r: &Rec) -> bool {
        let me = &self.members[m];
        let target = r.users.contains(&m)
            || me.org.is_some_and(|o| {
                r.orgs.contains(&o) || r.groups.iter().any(|g| self.org_groups[o].contains(g))
            });
        r.shared && target && self.may_see(Some(m), r)
    }
}

fn pick(rng: &mut StdRng, n: usize, p: f64) -> Vec<usize> {
    (0..n).filter(|_| rng.random_bool(p)).collect()
}

/// The domain only record `i` of world `seed` names.
pub(crate) fn unique_domain(seed: u64, i: usize) -> String {
    format!("r{i}s{seed}.leak-check.net")
}

pub(crate) async fn random_world(h: &Harness, seed: u64) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let (_, admin) = h
        .user(&format!("admin{seed}@cert.example.tw"), &[Role::Admin])
        .await;
    let n_orgs = 5;
    let mut orgs = Vec::new();
    for i in 0..n_orgs {
        orgs.push(org(h, &format!("org{i} s{seed}")).await);
    }
    let mut groups = Vec::new();
    for g in 0..3 {
        let r = post(
            h,
            "/api/v1/sharing-groups",
            &admin,
            json!({"name": format!("G{g}S{seed}"), "kind": "isac"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        groups.push(r.json()["id"].as_str().expect("id").to_string());
    }
    let mut org_groups = vec![BTreeSet::new(); n_orgs];
    for (o, set) in org_groups.iter_mut().enumerate() {
        for (g, gid) in groups.iter().enumerate() {
            if rng.random_bool(0.35) {
                let uri = format!("/api/v1/sharing-groups/{gid}/members/{}", orgs[o]);
                let r = h
                    .json(Method::PUT, &uri, Some(&admin), json!({}), &[])
                    .await;
                assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
                set.insert(g);
            }
        }
    }
    let mut members = Vec::new();
    let (id, token) = person(
        h,
        None,
        &format!("desk{seed}@cert.example.tw"),
        &[Role::Analyst],
    )
    .await;
    members.push(Member {
        id,
        token,
        email: format!("desk{seed}@cert.example.tw"),
        org: None,
        staff: true,
        submits: true,
    });
    for (o, org_id) in orgs.iter().enumerate() {
        for k in 0..rng.random_range(1..=2) {
            let role = [Role::Member, Role::Partner, Role::Reporter][rng.random_range(0..3)];
            let email = format!("u{k}@org{o}.s{seed}.example.tw");
            let (id, token) = person(h, Some(*org_id), &email, &[role]).await;
            members.push(Member {
                id,
                token,
                email,
                org: Some(o),
                staff: false,
                submits: role != Role::Reporter,
            });
        }
    }
    let email = format!("loner@s{seed}.example.tw");
    let (id, token) = person(h, None, &email, &[Role::Partner]).await;
    members.push(Member {
        id,
        token,
        email,
        org: None,
        staff: false,
        submits: true,
    });

    let mut recs = Vec::new();
    for i in 0..14 {
        let tlp = TLPS[rng.random_range(0..TLPS.len())];
        // Most records come from the desk; some from partners (drafts the desk may share).
        let authors: Vec<usize> = (0..members.len()).filter(|m| members[*m].submits).collect();
        let author = if rng.random_bool(0.7) {
            0
        } else {
            authors[rng.random_range(0..authors.len())]
        };
        let subject = format!("R{i:02}S{seed} 情資");
        // Each record names a domain of its own, to follow it into feeds and blocklists.
        let mut body = record(&subject, tlp);
        body["content"] = json!(format!(
            "{} 另見 {}",
            body["content"].as_str().unwrap_or_default(),
            unique_domain(seed, i)
        ));
        let id = create(h, &members[author].token, body).await;
        let mut rec = Rec {
            id,
            subject,
            tlp,
            shared: false,
            author,
            groups: vec![],
            orgs: vec![],
            users: vec![],
            informed: vec![],
        };
        if rng.random_bool(0.8) {
            let users = pick(&mut rng, members.len(), 0.15);
            let (g, o, inf) = match tlp {
                "red" => (vec![], vec![], vec![]),
                "amber" => (
                    pick(&mut rng, 3, 0.3),
                    pick(&mut rng, n_orgs, 0.2),
                    pick(&mut rng, n_orgs, 0.2),
                ),
                _ => (pick(&mut rng, 3, 0.3), pick(&mut rng, n_orgs, 0.2), vec![]),
            };
            let body = json!({
                "groups": g.iter().map(|x| &groups[*x]).collect::<Vec<_>>(),
                "orgs": o.iter().map(|x| orgs[*x].to_string()).collect::<Vec<_>>(),
                "users": users.iter().map(|x| &members[*x].id).collect::<Vec<_>>(),
                "informed": inf.iter().map(|x| orgs[*x].to_string()).collect::<Vec<_>>(),
            });
            let empty = g.is_empty() && o.is_empty() && users.is_empty() && inf.is_empty();
            let r = post(
                h,
                &format!("/api/v1/intel/{}/share", rec.id),
                &members[0].token,
                body,
            )
            .await;
            if empty && !matches!(tlp, "green" | "clear") {
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
            } else {
                assert_eq!(r.status, StatusCode::OK, "{tlp}: {}", r.body);
                (rec.shared, rec.groups, rec.orgs, rec.users, rec.informed) =
                    (true, g, o, users, inf);
            }
        }
        recs.push(rec);
    }
    World {
        members,
        org_groups,
        recs,
    }
}

/// The ids a user lists with `query`.
async fn listed(h: &Harness, token: Option<&str>, query: &str) -> BTreeSet<String> {
    let r = get(h, &format!("/api/v1/intel?{query}"), token).await;
    if token.is_none() {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        return BTreeSet::new();
    }
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
        .as_array()
        .expect("list")
        .iter()
        .map(|x| x["id"].as_str().expect("id").to_string())
        .collect()
}

both_engines! {
    async fn no_channel_leaks_past_tlp_and_audience(h: Harness) {
        for seed in [1u64, 2, 3] {
            let w = random_world(&h, seed).await;
            let mine: BTreeSet<&str> = w.recs.iter().map(|r| r.id.as_str()).collect();
            let mut who: Vec<Option<usize>> = (0..w.members.len()).map(Some).collect();
            who.push(None);
            for m in who {
                let token = m.map(|m| w.members[m].token.as_str());
                let expect: BTreeSet<String> = w.recs.iter().filter(|r| w.may_see(m, r)).map(|r| r.id.clone()).collect();
                for r in &w.recs {
                    let allowed = w.may_see(m, r);
                    let hidden = if m.is_some() { StatusCode::NOT_FOUND } else { StatusCode::UNAUTHORIZED };
                    let want = if allowed { StatusCode::OK } else { hidden };
                    let one = get(&h, &format!("/api/v1/intel/{}", r.id), token).await;
                    assert_eq!(one.status, want, "seed {seed} member {m:?} record {} tlp {} shared {}", r.subject, r.tlp, r.shared);
                    let txt = get(&h, &format!("/api/v1/intel/{}/txt", r.id), token).await;
                    assert_eq!(txt.status, want, "TXT export, seed {seed} member {m:?} {}", r.subject);
                    let stix = get(&h, &format!("/api/v1/intel/{}/stix", r.id), token).await;
                    assert_eq!(stix.status, want, "STIX export, seed {seed} member {m:?} {}", r.subject);
                    if allowed {
                        assert!(txt.body.contains(&r.subject));
                        assert!(stix.body.contains(&r.subject), "{}", stix.body);
                    } else {
                        assert!(!one.body.contains(&r.subject) && !txt.body.contains(&r.subject) && !stix.body.contains(&r.subject));
                    }
                }
                if m.is_none() {
                    listed(&h, None, "").await;
                    continue;
                }
                // The inbox, a two-character Chinese word search and an indicator search.
                for query in ["", "q=%E6%83%85%E8%B3%87", "observable=198.51.100.7", "q=%E6%83%85"] {
                    let got: BTreeSet<String> = listed(&h, token, query).await
                        .into_iter()
                        .filter(|id| mine.contains(id.as_str()))
                        .collect();
                    assert_eq!(got, expect, "seed {seed} member {m:?} query {query:?}");
                }
            }
            // Mail: exactly the recipients the rules give, once each, and nobody else.
            let outbox = h.state.store.list_outbox(1000).await.expect("outbox");
            let mut got: BTreeMap<(String, String), usize> = BTreeMap::new();
            for msg in &outbox {
                if let Some(r) = w.recs.iter().find(|r| msg.subject.ends_with(&r.subject)) {
                    *got.entry((msg.recipients.clone(), r.id.clone())).or_default() += 1;
                }
            }
            let mut want: BTreeMap<(String, String), usize> = BTreeMap::new();
            for (m, me) in w.members.iter().enumerate() {
                for r in &w.recs {
                    if w.mailed(m, r) {
                        want.insert((me.email.clone(), r.id.clone()), 1);
                    }
                }
            }
            let got: BTreeMap<_, _> = got.into_iter().map(|((to, id), n)| {
                let to: Vec<String> = serde_json::from_str(&to).expect("recipients");
                ((to.join(","), id), n)
            }).collect();
            assert_eq!(got, want, "seed {seed}: the mail deliveries");
            // Feedback and re-sharing: whoever may see a shared record; a draft's author may
            // see but not answer; others learn nothing.
            for (m, me) in w.members.iter().enumerate().skip(1).take(4) {
                for r in &w.recs {
                    let res = post(&h, &format!("/api/v1/intel/{}/reshare", r.id), &me.token, json!({"tlp": "red"})).await;
                    let want = match (w.may_see(Some(m), r), r.shared) {
                        (true, true) => StatusCode::CREATED,
                        (true, false) => StatusCode::FORBIDDEN,
                        (false, _) => StatusCode::NOT_FOUND,
                    };
                    assert_eq!(res.status, want, "reshare seed {seed} member {m} {} {} shared {}", r.subject, r.tlp, r.shared);
                }
            }
        }
    }
}

// TAXII is one more channel under the same rules: in random worlds, every collection
// listing, object page (all versions), manifest and object-by-id answer for every caller
// holds exactly the shared records of that group the oracle lets them see, and the
// collections of groups they are not in do not exist for them.
both_engines! {
    async fn no_taxii_response_leaks_past_tlp_and_audience(h: Harness) {
        use crate::taxii_api::{all_objects, bearer, taxii};
        let (mut shown, mut hidden) = (0, 0);
        for seed in [11u64, 12] {
            let w = random_world(&h, seed).await;
            let staff = bearer(&w.members[0].token);
            let r = taxii(&h, Method::GET, "/taxii2/api/collections/", &staff, None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let mut coll = vec![String::new(); 3];
            for c in r.json()["collections"].as_array().cloned().unwrap_or_default() {
                for (g, slot) in coll.iter_mut().enumerate() {
                    if c["title"] == format!("G{g}S{seed}") {
                        *slot = c["id"].as_str().expect("id").to_string();
                    }
                }
            }
            assert!(coll.iter().all(|c| !c.is_empty()), "every group is a collection");
            // The reports of each collection, as the desk sees them.
            let mut reports: Vec<Vec<String>> = Vec::new();
            for c in &coll {
                let (objs, _) = all_objects(&h, &staff, c, "", 1000).await;
                reports.push(objs.iter().filter(|o| o["type"] == "report").filter_map(|o| o["id"].as_str().map(str::to_string)).collect());
            }
            let r = taxii(&h, Method::GET, &format!("/taxii2/api/collections/{}/objects/", coll[0]), "", None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            // Members who may submit post a report to each of their collections: a draft
            // that only their organization and the desk may see.
            let mut posted: Vec<(usize, usize, String)> = Vec::new();
            for (m, me) in w.members.iter().enumerate() {
                let Some(o) = me.org else { continue };
                for &g in &w.org_groups[o] {
                    let subject = format!("P{m}G{g}S{seed} 張貼");
                    let n = posted.len() as u128 + 1 + u128::from(seed as u32) * 1000;
                    let envelope = json!({"objects": [{
                        "type": "report", "spec_version": "2.1",
                        "id": format!("report--{}", uuid::Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 + n)),
                        "created": "2026-03-02T08:00:00.000Z", "modified": "2026-03-02T08:00:00.000Z",
                        "name": subject, "description": "C2 203.0.113.200", "published": "2026-03-02T08:00:00Z",
                        "object_refs": ["identity--7b8c2f3a-6f5e-4b1d-9c0a-2e4f6a8b0c1d"],
                        "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
                    }]});
                    let r = taxii(&h, Method::POST, &format!("/taxii2/api/collections/{}/objects/", coll[g]), &bearer(&me.token), Some((crate::taxii_api::TAXII, envelope.to_string()))).await;
                    let want = if me.submits { StatusCode::ACCEPTED } else { StatusCode::FORBIDDEN };
                    assert_eq!(r.status, want, "{}", r.body);
                    if me.submits {
                        posted.push((m, g, subject));
                    }
                }
            }
            for (m, me) in w.members.iter().enumerate() {
                let auth = bearer(&me.token);
                let readable = |g: usize| me.staff || me.org.is_some_and(|o| w.org_groups[o].contains(&g));
                let r = taxii(&h, Method::GET, "/taxii2/api/collections/", &auth, None).await;
                let listed: BTreeSet<String> = r.json()["collections"].as_array().cloned().unwrap_or_default()
                    .iter().filter_map(|c| c["id"].as_str().map(str::to_string)).filter(|id| coll.contains(id)).collect();
                let want: BTreeSet<String> = (0..3).filter(|g| readable(*g)).map(|g| coll[g].clone()).collect();
                assert_eq!(listed, want, "seed {seed} member {m}: collections");
                for (g, c) in coll.iter().enumerate() {
                    let base = format!("/taxii2/api/collections/{c}");
                    if !readable(g) {
                        for path in ["/", "/objects/", "/manifest/"] {
                            let r = taxii(&h, Method::GET, &format!("{base}{path}"), &auth, None).await;
                            assert_eq!(r.status, StatusCode::NOT_FOUND, "seed {seed} member {m} group {g} {path}");
                        }
                        continue;
                    }
                    let (objs, _) = all_objects(&h, &auth, c, "&match[version]=all", 40).await;
                    let text = serde_json::to_string(&objs).expect("json");
                    let r = taxii(&h, Method::GET, &format!("{base}/manifest/?limit=1000&match[version]=all"), &auth, None).await;
                    let manifest: BTreeSet<String> = r.json()["objects"].as_array().cloned().unwrap_or_default()
                        .iter().filter_map(|o| o["id"].as_str().map(str::to_string)).collect();
                    let ids: BTreeSet<String> = objs.iter().filter_map(|o| o["id"].as_str().map(str::to_string)).collect();
                    assert_eq!(manifest, ids, "seed {seed} member {m} group {g}: manifest = objects");
                    for r in &w.recs {
                        let want = r.shared && r.groups.contains(&g) && w.may_see(Some(m), r);
                        assert_eq!(text.contains(&r.subject), want, "seed {seed} member {m} group {g} record {} tlp {}", r.subject, r.tlp);
                        if r.shared && r.groups.contains(&g) {
                            if want { shown += 1 } else { hidden += 1 }
                        }
                    }
                    for (author, pg, subject) in &posted {
                        let same_org = w.members[*author].org == me.org;
                        let want = *pg == g && (me.staff || same_org);
                        assert_eq!(text.contains(subject.as_str()), want, "seed {seed} member {m} group {g}: posted {subject}");
                        if *pg == g {
                            if want { shown += 1 } else { hidden += 1 }
                        }
                    }
                    for rid in &reports[g] {
                        let one = taxii(&h, Method::GET, &format!("{base}/objects/{rid}/"), &auth, None).await;
                        let seen = ids.contains(rid);
                        let want = if seen { StatusCode::OK } else { StatusCode::NOT_FOUND };
                        assert_eq!(one.status, want, "seed {seed} member {m} group {g} object {rid}");
                        let versions = taxii(&h, Method::GET, &format!("{base}/objects/{rid}/versions/"), &auth, None).await;
                        assert_eq!(versions.status, want);
                    }
                }
            }
        }
        // The worlds hold both cases: records of a readable collection shown and hidden.
        assert!(shown > 5 && hidden > 5, "shown {shown}, hidden {hidden}");
    }
}

/// The target of a response's `Link: <…>; rel="next"`, if any.
fn next_link(r: &crate::Resp) -> Option<String> {
    let v = r.headers.get("link")?.to_str().ok()?;
    let v = v.strip_suffix("; rel=\"next\"")?;
    Some(v.trim_start_matches('<').trim_end_matches('>').to_string())
}

both_engines! {
    async fn the_inbox_pages_by_cursor_without_skipping_or_repeating(h: Harness) {
        let (email, token) = h.user("pager@cert.example.tw", &[Role::Analyst]).await;
        let mut made = BTreeSet::new();
        for i in 0..55 {
            made.insert(create(&h, &token, record(&format!("分頁 {i}"), "amber")).await);
        }
        // The API: 50, a next link with a cursor, then the rest; records created between
        // the pages (published at the same time as the others) neither repeat nor push
        // an older one out of sight.
        let r = get(&h, "/api/v1/intel?tlp=amber", Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut seen: Vec<String> = r.json().as_array().expect("list").iter().map(|x| x["id"].as_str().expect("id").to_string()).collect();
        assert_eq!(seen.len(), 50);
        let mut next = next_link(&r).expect("a next page");
        assert!(next.starts_with("/api/v1/intel?tlp=amber&after="), "{next}");
        for i in 0..3 {
            create(&h, &token, record(&format!("之後 {i}"), "amber")).await;
        }
        loop {
            let r = get(&h, &next, Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            seen.extend(r.json().as_array().expect("list").iter().map(|x| x["id"].as_str().expect("id").to_string()));
            match next_link(&r) {
                Some(n) => next = n,
                None => break,
            }
        }
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "a record repeated");
        assert!(made.is_subset(&unique), "a record skipped");
        // The page numbers still work, and a cursor that is not one is refused by name.
        assert_eq!(get(&h, "/api/v1/intel?tlp=amber&page=2", Some(&token)).await.json().as_array().expect("list").len(), 8);
        let bad = get(&h, "/api/v1/intel?after=nonsense", Some(&token)).await;
        assert!(!field_message(&bad, "after").is_empty());
        // The page links to the next by cursor, and from there back to the first.
        let cookie = h.login(&email).await;
        let page = h.get("/intel?tlp=amber", &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        let at = page.body.find("id=\"intel-next\" href=\"").expect("next link") + "id=\"intel-next\" href=\"".len();
        let href = page.body[at..].split('"').next().expect("href").replace("&amp;", "&").replace("&#38;", "&");
        assert!(href.contains("after="), "{href}");
        let second = h.get(&href, &[("cookie", &cookie)]).await;
        assert_eq!(second.status, StatusCode::OK);
        assert!(second.body.contains("id=\"intel-first\""));
        assert!(!second.body.contains("id=\"intel-prev\""));
    }
}

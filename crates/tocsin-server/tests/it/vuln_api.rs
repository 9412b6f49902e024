use axum::http::{Method, StatusCode};
use base64::Engine;
use serde_json::{Value, json};
use tocsin_domain::Role;

use crate::{Harness, both_engines};

const ORG_UUID: &str = "2a0c1a58-0d4e-4b5a-9a55-3a9b8f1c2d3e";

const ENCODINGS: [(&str, &[u8]); 6] = [
    (
        "utf-8",
        include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-example.txt"),
    ),
    (
        "utf-8 bom",
        include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-utf8-bom.txt"),
    ),
    (
        "utf-16le bom crlf",
        include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-utf16le-bom-crlf.txt"),
    ),
    (
        "utf-16le",
        include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-utf16le-nobom.txt"),
    ),
    (
        "utf-16be",
        include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-utf16be-nobom.txt"),
    ),
    (
        "big5 crlf",
        include_bytes!("../../../tocsin-formats/tests/data/vuln-seed-big5-crlf.txt"),
    ),
];

/// The seed example as a Traditional-Chinese Windows IME writes it: the slash in the
/// vendor's label is Big5's other one (0xA241, decoded as `∕` U+2215), and the trigger
/// method starts with the seed's space.
pub(crate) fn seed_with_ime_slash() -> String {
    let seed = String::from_utf8(ENCODINGS[0].1.to_vec()).expect("utf-8");
    assert!(
        seed.contains("◎產品開發者／廠商 techOh Inc."),
        "the seed's vendor line"
    );
    seed.replace("產品開發者／廠商", "產品開發者∕廠商")
}

/// `text` in Big5 as encoding_rs writes it, with CRLF; every character has a Big5 code.
pub(crate) fn big5(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&crlf);
    assert!(!unmappable, "the form has characters Big5 lacks");
    assert!(bytes.windows(2).any(|w| w == [0xa2, 0x41]), "Big5's 0xA241");
    bytes.into_owned()
}

/// `text` in UTF-16LE with a byte order mark and CRLF, as Notepad's "Unicode" saves it.
pub(crate) fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(
        text.replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    bytes
}

fn txt(bytes: &[u8]) -> Value {
    json!({"txt_base64": base64::engine::general_purpose::STANDARD.encode(bytes)})
}

async fn file(h: &Harness, body: Value) -> crate::Resp {
    h.json(
        Method::POST,
        "/api/v1/reports/vulnerability",
        None,
        body,
        &[("accept-language", "en")],
    )
    .await
}

async fn details(h: &Harness, tracking: &str) -> Value {
    let r = h
        .state
        .store
        .report_by_tracking(tracking)
        .await
        .expect("q")
        .expect("report");
    let mut d: Value = serde_json::from_str(&r.details).expect("json");
    // How the form was written differs by encoding; what it says may not.
    if let Some(o) = d.as_object_mut() {
        o.remove("txt_encoding");
        o.remove("txt_sha256");
    }
    d
}

fn cve_schema() -> Value {
    let text = include_str!("../../../tocsin-formats/tests/data/CVE_JSON_bundled_5.1.1.json");
    serde_json::from_str(text).expect("schema")
}

fn validator_of(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("validator")
}

/// The official CVE JSON 5.1.1 schema: a whole record, PUBLISHED or REJECTED.
fn schema() -> jsonschema::Validator {
    validator_of(&cve_schema())
}

/// One of the schema's definitions alone (a container, as the CVE Services take it).
fn definition(name: &str) -> jsonschema::Validator {
    let s = cve_schema();
    assert!(s["definitions"][name].is_object(), "no {name}");
    validator_of(&json!({
        "$schema": s["$schema"],
        "definitions": s["definitions"],
        "$ref": format!("#/definitions/{name}"),
    }))
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The reporter's description in the seed is Chinese; the advisory adds the English one.
const ADVISORY: &str = r#"{"title": "IP CAM command injection", "cwe": "CWE-78", "solution": "請更新至 1.25 版。",
    "advisory_en": "The IP CAM web interface executes commands from parameters.",
    "advisory_zh": "IP CAM 網頁介面未驗證參數，可執行任意指令。"}"#;

fn advisory() -> Value {
    serde_json::from_str(ADVISORY).expect("advisory")
}

/// Sets the vendor (a member's organization) of an accepted case and notifies it, as the
/// workflow requires before a fix can be pending.
async fn notify_a_vendor(h: &Harness, admin: &str, base: &str, vendor_email: &str) {
    let user = match h
        .state
        .store
        .find_user_by_email(vendor_email)
        .await
        .expect("q")
    {
        Some(u) => u,
        None => {
            h.user(vendor_email, &[Role::Member]).await;
            h.state
                .store
                .find_user_by_email(vendor_email)
                .await
                .expect("q")
                .expect("u")
        }
    };
    let org = user.org_id.0.expect("org").to_string();
    for (path, body) in [
        (
            "vendor",
            json!({"vendor_org_id": org, "status": "affected"}),
        ),
        ("notify-vendor", json!({})),
    ] {
        let r = h
            .json(
                Method::POST,
                &format!("{base}/{path}"),
                Some(admin),
                body,
                &[],
            )
            .await;
        assert!(r.status.is_success(), "{path}: {}", r.body);
    }
}

both_engines! {
    async fn the_seed_example_in_every_encoding_gives_one_record(h: Harness) {
        let mut first: Option<Value> = None;
        for (name, bytes) in ENCODINGS {
            let r = file(&h, txt(bytes)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.body);
            let t = r.json()["tracking_id"].as_str().expect("t").to_string();
            assert!(t.starts_with("VUL-"));
            let d = details(&h, &t).await;
            assert_eq!(d["cvss_score"], "7.6", "{name}");
            assert_eq!(d["cvss_warnings"], json!(["version_differs", "score_differs"]), "{name}");
            assert_eq!(d["product"], "IP CAM");
            assert_eq!(d["public_credit"], false);
            // The form says 2019-04-11; the target counts from the day the desk received it.
            let report = h.state.store.report_by_tracking(&t).await.expect("q").expect("report");
            let case = h.state.store.vuln_case(report.id).await.expect("q").expect("case");
            let today = h.state.today();
            let want = tocsin_domain::vuln::target_publication_date(today, h.state.config.cna.publication_days, &h.state.desk.calendar);
            assert_eq!(case.target_publication, want.to_string(), "{name}");
            assert!(want > today, "{want} after {today}");
            match &first {
                None => first = Some(d),
                Some(f) => assert_eq!(&d, f, "{name} differs from UTF-8"),
            }
        }
        // The form itself is kept as evidence.
        let r = h.state.store.list_reports(&tocsin_storage::ReportFilter { limit: 10, ..Default::default() }).await.expect("list");
        assert!(!h.state.store.list_attachments(r[0].id).await.expect("files").is_empty());
    }

    async fn a_big5_form_with_the_imes_slash_keeps_its_values(h: Harness) {
        let text = seed_with_ime_slash();
        for (name, bytes) in [("Big5", big5(&text)), ("UTF-16LE with BOM", utf16le_bom(&text))] {
            let r = file(&h, txt(&bytes)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.body);
            let t = r.json()["tracking_id"].as_str().expect("t").to_string();
            let d = details(&h, &t).await;
            // The label is read through its look-alike slash; the values are as written.
            assert_eq!(d["vendor"], "techOh Inc.", "{name}");
            assert_eq!(d["trigger_method"], " badbutwork -i cat /etc/passwd -t", "{name}");
            assert_eq!(d["product"], "IP CAM", "{name}");
        }
    }

    async fn bad_vulnerability_reports_name_the_field(h: Harness) {
        let mut body = txt(ENCODINGS[0].1);
        body["cvss_vector"] = json!("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        let r = file(&h, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["fields"]["cvss_vector"].as_str().is_some_and(|m| m.contains("AV")), "{}", r.body);
        let r = file(&h, json!({"product": "X"})).await;
        let f = &r.json()["fields"];
        for k in ["reporter_name", "reporter_email", "vendor", "description", "cvss_vector"] {
            assert!(f[k].is_string(), "{k} not named: {f}");
        }
        let r = file(&h, json!({"txt_base64": "***"})).await;
        assert!(r.json()["fields"]["txt_base64"].is_string());
    }

    async fn coordination_to_a_published_advisory(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin, Role::Coordinator]).await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let (vendor_email, vendor) = h.user("psirt@techoh.tw", &[Role::Member]).await;
        let (_, other) = h.user("m@else.tw", &[Role::Member]).await;
        let t = file(&h, txt(ENCODINGS[0].1)).await.json()["tracking_id"].as_str().expect("t").to_string();
        let base = format!("/api/v1/vulnerabilities/{t}");
        let ok = |r: crate::Resp| assert!(r.status.is_success(), "{}", r.body);
        // Unpublished: not for analysts, not for other members.
        assert_eq!(h.json(Method::GET, &base, Some(&analyst), json!(null), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.json(Method::GET, &format!("/api/v1/reports/{t}"), Some(&analyst), json!(null), &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(h.json(Method::GET, &base, Some(&vendor), json!(null), &[]).await.status, StatusCode::NOT_FOUND);
        let go = |to: &str| json!({"to": to});
        assert_eq!(h.json(Method::POST, &format!("{base}/transition"), Some(&admin), go("published"), &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        ok(h.json(Method::POST, &format!("{base}/transition"), Some(&admin), go("under_review"), &[]).await);
        let r = h.json(Method::POST, &format!("{base}/cve"), Some(&admin), json!(null), &[]).await;
        assert!(r.json()["fields"]["cve_id"].is_string(), "not before acceptance: {}", r.body);
        ok(h.json(Method::POST, &format!("{base}/transition"), Some(&admin), go("accepted"), &[]).await);
        // Vendor: the member's organization; then the vendor's users see their case.
        let vendor_user = h.state.store.find_user_by_email(&vendor_email).await.expect("q").expect("u");
        let org = vendor_user.org_id.0.expect("org").to_string();
        ok(h.json(Method::POST, &format!("{base}/vendor"), Some(&admin), json!({"vendor_org_id": org, "status": "affected"}), &[]).await);
        assert_eq!(h.json(Method::GET, &base, Some(&vendor), json!(null), &[]).await.status, StatusCode::NOT_FOUND, "not before the notice");
        ok(h.json(Method::POST, &format!("{base}/notify-vendor"), Some(&admin), json!({}), &[]).await);
        assert_eq!(h.json(Method::GET, &base, Some(&vendor), json!(null), &[]).await.status, StatusCode::OK);
        assert_eq!(h.json(Method::GET, &base, Some(&other), json!(null), &[]).await.status, StatusCode::NOT_FOUND);
        let mail = &h.state.store.list_outbox(1).await.expect("outbox")[0];
        assert!(mail.subject.contains(&format!("[{t}]")) && mail.recipients.contains("psirt@techoh.tw"));
        // CVE ids: none reserved yet, then loaded by an admin, assigned once.
        let r = h.json(Method::POST, &format!("{base}/cve"), Some(&admin), json!(null), &[]).await;
        assert!(r.json()["fields"]["cve_id"].is_string());
        assert_eq!(h.json(Method::POST, "/api/v1/cve-ids", Some(&analyst), json!({"ids": "CVE-2026-1000"}), &[]).await.status, StatusCode::FORBIDDEN);
        let r = h.json(Method::POST, "/api/v1/cve-ids", Some(&admin), json!({"ids": "CVE-2026-1000..CVE-2026-1009"}), &[]).await;
        assert_eq!(r.json()["added"], 10);
        let cve = h.json(Method::POST, &format!("{base}/cve"), Some(&admin), json!(null), &[]).await.json()["cve_id"].as_str().expect("cve").to_string();
        assert_eq!(cve, "CVE-2026-1000");
        assert_eq!(h.json(Method::POST, &format!("{base}/cve"), Some(&admin), json!(null), &[]).await.json()["cve_id"], cve, "never a second id");
        ok(h.json(Method::POST, &format!("{base}/advisory"), Some(&admin), json!({"title": "IP CAM command injection", "cwe": "CWE-78", "solution": "Update to 1.25.", "advisory_en": "The IP CAM web interface executes commands from parameters.", "advisory_zh": "IP CAM 網頁介面未驗證參數，可執行任意指令。"}), &[]).await);
        assert_eq!(h.get(&format!("/api/v1/advisories/{cve}"), &[]).await.status, StatusCode::NOT_FOUND, "not public before publication");
        for to in ["fix_pending", "ready_to_publish", "published"] {
            ok(h.json(Method::POST, &format!("{base}/transition"), Some(&admin), go(to), &[]).await);
        }
        let adv = h.get(&format!("/api/v1/advisories/{cve}"), &[]).await;
        assert_eq!(adv.status, StatusCode::OK);
        let a = adv.json();
        assert_eq!(a["cvss"], "7.6 (High)");
        assert!(a["credit"].is_null(), "the reporter declined credit");
        assert!(!adv.body.contains("Domo"), "the finder is not named");
        // The same advisory in STIX, for anyone: a vulnerability named by its CVE id, TLP:CLEAR.
        let stix = h.get("/api/v1/feeds/advisories.stix.json", &[]).await;
        assert_eq!(stix.status, StatusCode::OK, "{}", stix.body);
        assert_eq!(stix.header("content-type"), Some(tocsin_formats::stix::MEDIA_TYPE));
        let bundle = stix.json();
        let vulns: Vec<&Value> = bundle["objects"].as_array().expect("objects").iter().filter(|o| o["type"] == "vulnerability").collect();
        assert_eq!(vulns.len(), 1, "{bundle}");
        assert_eq!(vulns[0]["name"], cve.as_str());
        assert_eq!(vulns[0]["external_references"][0], json!({"source_name": "cve", "external_id": cve}));
        assert_eq!(vulns[0]["object_marking_refs"], json!(tocsin_formats::stix::tlp_refs(tocsin_domain::Tlp::Clear)));
        assert!(vulns[0]["description"].as_str().is_some_and(|d| d.starts_with("IP CAM command injection")), "{bundle}");
        assert!(!stix.body.contains("Domo"), "the finder is not named");
        // The CVE record is public now, valid against the official schema, without credits.
        let rec = h.get(&format!("{base}/cve-record"), &[]).await;
        assert_eq!(rec.status, StatusCode::UNPROCESSABLE_ENTITY, "no CNA org id configured: {}", rec.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cve_records_validate_and_honour_credit() {
    let h = Harness::with_config(tocsin_storage::Engine::Sqlite, |c| {
        c.cna.org_id = ORG_UUID.into();
        c.cna.short_name = "tocsin-test".into();
    })
    .await
    .expect("sqlite");
    let (_, admin) = h
        .user("admin@cert.tw", &[Role::Admin, Role::Coordinator])
        .await;
    h.json(
        Method::POST,
        "/api/v1/cve-ids",
        Some(&admin),
        json!({"ids": "CVE-2026-2000-2001"}),
        &[],
    )
    .await;
    let validator = schema();
    let container_schema = definition("cnaPublishedContainer");
    let clock = h.state.store.clock().clone();
    for (credit, expect_named) in [("no", false), ("yes", true)] {
        let mut body = txt(ENCODINGS[0].1);
        body["public_credit"] = json!(credit);
        let r = file(&h, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let t = r.json()["tracking_id"].as_str().expect("t").to_string();
        let base = format!("/api/v1/vulnerabilities/{t}");
        let post = |path: &str, body: Value| {
            let uri = format!("{base}{path}");
            let h = &h;
            let admin = admin.clone();
            async move { h.json(Method::POST, &uri, Some(&admin), body, &[]).await }
        };
        for to in ["under_review", "accepted"] {
            post("/transition", json!({"to": to})).await;
        }
        post("/cve", json!(null)).await;
        let export = || async {
            h.json(
                Method::GET,
                &format!("{base}/cve-record"),
                Some(&admin),
                json!(null),
                &[("accept-language", "en")],
            )
            .await
        };
        // Accepted, with a CVE id, only the reporter's Chinese description: no English
        // description, so nothing to submit yet, and the field to fill is named.
        let rec = export().await;
        assert_eq!(rec.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", rec.body);
        assert!(
            rec.json()["fields"]["advisory_en"]
                .as_str()
                .is_some_and(|m| m.contains("English")),
            "{}",
            rec.body
        );
        let r = post("/advisory", advisory()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        notify_a_vendor(&h, &admin, &base, "psirt@techoh.tw").await;

        // Before publication: the CNA container to submit, never a PUBLISHED record.
        let rec = export().await;
        assert_eq!(rec.status, StatusCode::OK, "{}", rec.body);
        let container = rec.json();
        let e = errors(&container_schema, &container);
        assert!(e.is_empty(), "{e:?}\n{container}");
        for absent in ["cveMetadata", "PUBLISHED", "datePublished", "datePublic"] {
            assert!(
                !rec.body.contains(absent),
                "{absent} before publication: {}",
                rec.body
            );
        }
        // Each text is tagged with its language: the Chinese ones zh-TW, English only for
        // English.
        assert_eq!(
            container["descriptions"],
            json!([
                {"lang": "en", "value": "The IP CAM web interface executes commands from parameters."},
                {"lang": "zh-TW", "value": "IP CAM 網頁介面未驗證參數，可執行任意指令。"},
            ])
        );
        assert_eq!(
            container["problemTypes"][0]["descriptions"][0]["lang"],
            "zh-TW"
        );
        assert_eq!(
            container["solutions"],
            json!([{"lang": "zh-TW", "value": "請更新至 1.25 版。"}])
        );
        assert_eq!(container["metrics"][0]["cvssV3_0"]["baseScore"], 7.6);
        assert_eq!(
            rec.body.contains("Domo kun"),
            expect_named,
            "credit only with consent: {}",
            rec.body
        );

        // Published: the PUBLISHED record, dated by the publication, the same on every
        // export however late.
        for to in ["ready_to_publish", "published"] {
            let r = post("/transition", json!({"to": to})).await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{to}: {}", r.body);
        }
        let stored = h
            .state
            .store
            .report_by_tracking(&t)
            .await
            .expect("q")
            .expect("report");
        let case = h
            .state
            .store
            .vuln_case(stored.id)
            .await
            .expect("q")
            .expect("case");
        let published = case.published_at.0.expect("publication time stored");
        let first = export().await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        clock.advance(time::Duration::hours(5)).expect("clock");
        let second = export().await;
        assert_eq!(
            first.body, second.body,
            "the record does not move with the clock"
        );
        let record = second.json();
        let e = errors(&validator, &record);
        assert!(e.is_empty(), "{e:?}\n{record}");
        let meta = &record["cveMetadata"];
        assert_eq!(meta["state"], "PUBLISHED");
        assert_eq!(meta["assignerOrgId"], ORG_UUID);
        assert_eq!(meta["datePublished"], published.rfc3339());
        let updated =
            tocsin_domain::Timestamp::parse_rfc3339(meta["dateUpdated"].as_str().expect("updated"))
                .expect("ts");
        assert!(
            updated >= published,
            "dateUpdated {updated:?} before datePublished {published:?}"
        );
        assert_eq!(
            record["containers"]["cna"]["descriptions"],
            container["descriptions"]
        );
        assert_eq!(
            second.body.contains("Domo kun"),
            expect_named,
            "credit only with consent: {}",
            second.body
        );
    }
}

both_engines! {
    async fn publication_needs_an_english_description(h: Harness) {
        let (_, admin) = h.user("admin@cert.tw", &[Role::Admin, Role::Coordinator]).await;
        let t = file(&h, txt(ENCODINGS[0].1)).await.json()["tracking_id"].as_str().expect("t").to_string();
        let base = format!("/api/v1/vulnerabilities/{t}");
        let ok = |r: crate::Resp| assert!(r.status.is_success(), "{}", r.body);
        ok(h.json(Method::POST, "/api/v1/cve-ids", Some(&admin), json!({"ids": "CVE-2026-3000"}), &[]).await);
        for to in ["under_review", "accepted"] {
            ok(h.json(Method::POST, &format!("{base}/transition"), Some(&admin), json!({"to": to}), &[]).await);
        }
        ok(h.json(Method::POST, &format!("{base}/cve"), Some(&admin), json!(null), &[]).await);
        // An "English" description that is Chinese text is no English description.
        ok(h.json(Method::POST, &format!("{base}/advisory"), Some(&admin), json!({"advisory_en": "網頁介面可執行任意指令。", "advisory_zh": "網頁介面可執行任意指令。"}), &[]).await);
        notify_a_vendor(&h, &admin, &base, "psirt@techoh.tw").await;
        for to in ["fix_pending", "ready_to_publish"] {
            ok(h.json(Method::POST, &format!("{base}/transition"), Some(&admin), json!({"to": to}), &[]).await);
        }
        let publish = |lang: &'static str| {
            let (h, uri, admin) = (&h, format!("{base}/transition"), admin.clone());
            async move { h.json(Method::POST, &uri, Some(&admin), json!({"to": "published"}), &[("accept-language", lang)]).await }
        };
        let r = publish("en").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.json()["fields"]["advisory_en"].as_str().is_some_and(|m| m.contains("CVE Program requires a description in English")), "{}", r.body);
        let r = publish("zh-TW").await;
        assert!(r.json()["fields"]["advisory_en"].as_str().is_some_and(|m| m.contains("英文說明")), "{}", r.body);
        let case = |h: &Harness| {
            let t = t.clone();
            let store = h.state.store.clone();
            async move {
                let r = store.report_by_tracking(&t).await.expect("q").expect("r");
                store.vuln_case(r.id).await.expect("q").expect("case")
            }
        };
        assert_eq!(case(&h).await.cna_state, "ready_to_publish", "not published");
        // With an English description it publishes.
        ok(h.json(Method::POST, &format!("{base}/advisory"), Some(&admin), advisory(), &[]).await);
        ok(publish("en").await);
        assert_eq!(case(&h).await.cna_state, "published");
    }
}

/// On both engines, with the CNA configured.
mod a_cve_id_is_rejected_with_a_reason_and_exports_a_rejected_record {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        body(tocsin_storage::Engine::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        body(tocsin_storage::Engine::Postgres).await
    }

    async fn body(engine: tocsin_storage::Engine) {
        let Some(h) = Harness::with_config(engine, |c| {
            c.cna.org_id = ORG_UUID.into();
            c.cna.short_name = "tocsin-test".into();
        })
        .await
        else {
            return;
        };
        let (_, admin) = h
            .user("admin@cert.tw", &[Role::Admin, Role::Coordinator])
            .await;
        let (_, analyst) = h.user("analyst@cert.tw", &[Role::Analyst]).await;
        let t = file(&h, txt(ENCODINGS[0].1)).await.json()["tracking_id"]
            .as_str()
            .expect("t")
            .to_string();
        let base = format!("/api/v1/vulnerabilities/{t}");
        let ok = |r: crate::Resp| assert!(r.status.is_success(), "{}", r.body);
        let reject = |who: &str, body: Value| {
            let uri = format!("{base}/cve/reject");
            let who = who.to_string();
            let h = &h;
            async move {
                h.json(
                    Method::POST,
                    &uri,
                    Some(&who),
                    body,
                    &[("accept-language", "en")],
                )
                .await
            }
        };
        let reason = json!({
            "reason_en": "DO NOT USE THIS CVE ID. Further investigation showed that it was not a security issue.",
            "reason_zh": "此 CVE 編號不予使用：經查並非安全性問題。",
        });
        ok(h.json(
            Method::POST,
            "/api/v1/cve-ids",
            Some(&admin),
            json!({"ids": "CVE-2026-4000"}),
            &[],
        )
        .await);
        for to in ["under_review", "accepted"] {
            ok(h.json(
                Method::POST,
                &format!("{base}/transition"),
                Some(&admin),
                json!({"to": to}),
                &[],
            )
            .await);
        }
        // No CVE id yet: nothing to reject.
        let r = reject(&admin, reason.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["fields"]["cve_id"].is_string(), "{}", r.body);
        ok(h.json(
            Method::POST,
            &format!("{base}/cve"),
            Some(&admin),
            json!(null),
            &[],
        )
        .await);
        // A case with a CVE id is not rejected by the plain transition (no reason for the
        // record), nor with a Chinese reason alone, nor by an analyst.
        let r = h
            .json(
                Method::POST,
                &format!("{base}/transition"),
                Some(&admin),
                json!({"to": "rejected"}),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.json()["fields"]["to"].is_string(), "{}", r.body);
        let r = reject(&admin, json!({"reason_en": "並非漏洞"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.json()["fields"]["reason_en"]
                .as_str()
                .is_some_and(|m| m.contains("English")),
            "{}",
            r.body
        );
        let r = reject(&admin, json!({})).await;
        assert!(r.json()["fields"]["reason_en"].is_string(), "{}", r.body);
        assert_eq!(
            reject(&analyst, reason.clone()).await.status,
            StatusCode::NOT_FOUND
        );

        let r = reject(&admin, reason.clone()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let case = h
            .json(Method::GET, &base, Some(&admin), json!(null), &[])
            .await
            .json();
        assert_eq!(case["state"], "rejected", "{case}");
        // Once only.
        let r = reject(&admin, reason.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.json()["fields"]["cve_id"].is_string(), "{}", r.body);

        // The REJECTED record: valid against the official schema, with the reasons, English
        // first, each tagged with its language; nothing of the vulnerability.
        let rec = h
            .json(
                Method::GET,
                &format!("{base}/cve-record"),
                Some(&admin),
                json!(null),
                &[],
            )
            .await;
        assert_eq!(rec.status, StatusCode::OK, "{}", rec.body);
        let record = rec.json();
        let e = errors(&schema(), &record);
        assert!(e.is_empty(), "{e:?}\n{record}");
        assert_eq!(record["cveMetadata"]["state"], "REJECTED");
        assert_eq!(record["cveMetadata"]["cveId"], "CVE-2026-4000");
        assert!(record["cveMetadata"]["dateRejected"].is_string());
        assert!(record["cveMetadata"].get("datePublished").is_none());
        assert_eq!(
            record["containers"]["cna"]["rejectedReasons"],
            json!([
                {"lang": "en", "value": reason["reason_en"]},
                {"lang": "zh-TW", "value": reason["reason_zh"]},
            ])
        );
        assert!(!rec.body.contains("IP CAM"), "{}", rec.body);
        // Not public: the case never was.
        assert_eq!(
            h.get(&format!("{base}/cve-record"), &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
        // The reporter's history says why.
        let stored = h
            .state
            .store
            .report_by_tracking(&t)
            .await
            .expect("q")
            .expect("r");
        let events = h
            .state
            .store
            .list_events(stored.id, tocsin_domain::policy::Thread::All)
            .await
            .expect("events");
        assert!(
            events
                .iter()
                .any(|e| e.event == "cna_state" && e.body.contains("not a security issue"))
        );
        assert!(
            h.audit_actions()
                .await
                .iter()
                .any(|a| a == "vuln.reject_cve")
        );
    }
}

#[tokio::test]
async fn publication_reminders_come_on_their_days_once() {
    let h = Harness::new(tocsin_storage::Engine::Sqlite)
        .await
        .expect("sqlite");
    let (_, admin) = h
        .user("admin@cert.tw", &[Role::Admin, Role::Coordinator])
        .await;
    let t = file(&h, txt(ENCODINGS[0].1)).await.json()["tracking_id"]
        .as_str()
        .expect("t")
        .to_string();
    let today = h.state.today();
    let target = today.checked_add(jiff::Span::new().days(7)).expect("date");
    let r = h
        .json(
            Method::POST,
            &format!("/api/v1/vulnerabilities/{t}/advisory"),
            Some(&admin),
            json!({"target_publication": target.to_string()}),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let remind = |d| tocsin_app::service::vuln::remind_publication_due(&h.state, d);
    assert_eq!(remind(today).await.expect("run"), 1, "7 days before");
    assert_eq!(remind(today).await.expect("run"), 0, "once a day");
    let tomorrow = today.checked_add(jiff::Span::new().days(1)).expect("date");
    assert_eq!(
        remind(tomorrow).await.expect("run"),
        0,
        "6 days before is no reminder day"
    );
    let mail = &h.state.store.list_outbox(1).await.expect("outbox")[0];
    assert!(mail.subject.contains(&t));
}

#[tokio::test]
async fn the_api_takes_the_txt_form_as_multipart_too() {
    let h = Harness::new(tocsin_storage::Engine::Sqlite)
        .await
        .expect("sqlite");
    let boundary = "tocsin-test-boundary";
    let mut body: Vec<u8> = Vec::new();
    let mut part = |headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"public_credit\"",
        b"yes",
    );
    part(
        "Content-Disposition: form-data; name=\"txt\"; filename=\"report.txt\"\r\nContent-Type: text/plain",
        ENCODINGS[5].1,
    );
    part(
        "Content-Disposition: form-data; name=\"attachments\"; filename=\"poc.png\"\r\nContent-Type: image/png",
        b"\x89PNG",
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/reports/vulnerability")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .expect("request");
    let r = h.send(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = r.json()["tracking_id"].as_str().expect("t").to_string();
    let d = details(&h, &t).await;
    assert_eq!(
        (d["cvss_score"].as_str(), d["public_credit"].as_bool()),
        (Some("7.6"), Some(true)),
        "fields override the TXT"
    );
    let report = h
        .state
        .store
        .report_by_tracking(&t)
        .await
        .expect("q")
        .expect("r");
    let files = h
        .state
        .store
        .list_attachments(report.id)
        .await
        .expect("files");
    assert_eq!(
        files
            .iter()
            .map(|f| f.filename.as_str())
            .collect::<Vec<_>>(),
        ["vulnerability-report.txt", "poc.png"]
    );
}

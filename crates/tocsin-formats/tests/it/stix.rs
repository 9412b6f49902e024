//! STIX 2.1: what a record's bundle holds (report, indicators, SCOs with the
//! specification's ids, relationships, TLP markings, the extension), the three TLP
//! encodings read back, foreign bundles, phishing URLs and advisories, and property tests:
//! a record comes back from its own bundle, and no input makes the reader panic.

use proptest::prelude::*;
use serde_json::{Value, json};
use tocsin_domain::{IntelRecord, Timestamp, Tlp};
use tocsin_formats::intel_form;
use tocsin_formats::stix::{self, IntelSource, StixError};
use uuid::Uuid;

/// When the bundles of these tests arrive: 2026-12-01T00:00:00Z.
const ARRIVAL_MICROS: i64 = 1_796_083_200_000_000;

/// Reads a bundle arriving at [`ARRIVAL_MICROS`].
fn read(bytes: &[u8]) -> Result<Vec<stix::ImportedRecord>, StixError> {
    stix::read_bundle(bytes, Timestamp::from_micros(ARRIVAL_MICROS))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s(v: &str) -> String {
    v.to_owned()
}

fn example() -> IntelRecord {
    intel_form::parse_bytes(&fixture("intel-example.txt"))
        .input
        .validate()
        .expect("the example validates")
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("time")
}

fn export(record: &IntelRecord) -> Value {
    let src = IntelSource {
        record_id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
        record,
        created: at("2026-12-01T02:00:00.123456Z"),
        modified: at("2026-12-02T03:00:00Z"),
    };
    serde_json::from_str(&stix::intel_bundle(&src)).expect("json")
}

fn objects<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .filter(|o| o["type"] == kind)
        .collect()
}

#[test]
fn the_example_becomes_a_complete_bundle() {
    let record = example();
    let b = export(&record);
    assert_eq!(b["type"], "bundle");
    let reports = objects(&b, "report");
    assert_eq!(reports.len(), 1);
    let report = reports[0];
    assert_eq!(report["name"], record.subject.as_str());
    assert_eq!(report["description"], record.content.as_str());
    assert_eq!(report["spec_version"], "2.1");
    assert_eq!(report["created"], "2026-12-01T02:00:00.123Z");
    assert_eq!(report["modified"], "2026-12-02T03:00:00.000Z");
    assert_eq!(
        report["published"],
        stix::stix_time(record.published_at.utc)
    );
    // The publisher's identity made everything.
    let identities = objects(&b, "identity");
    let publisher = identities
        .iter()
        .find(|i| i["id"] == report["created_by_ref"])
        .expect("publisher identity in the bundle");
    assert_eq!(
        publisher["name"],
        record
            .publisher
            .clone()
            .unwrap_or(record.source.clone())
            .as_str()
    );
    // Every object of the record is marked, and referenced by the report.
    let marks = stix::tlp_refs(record.tlp);
    let refs: Vec<&str> = report["object_refs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for kind in ["indicator", "relationship", "ipv4-addr"] {
        let list = objects(&b, kind);
        assert!(!list.is_empty(), "{kind}");
        for o in list {
            assert_eq!(o["object_marking_refs"], json!(marks), "{kind}");
            assert!(refs.contains(&o["id"].as_str().expect("id")), "{kind}");
        }
    }
    for ind in objects(&b, "indicator") {
        assert_eq!(ind["pattern_type"], "stix");
        assert_eq!(ind["valid_from"], report["published"]);
        assert!(ind["pattern"].as_str().expect("pattern").starts_with('['));
    }
    // The markings themselves are in the bundle.
    for id in &marks {
        assert!(
            objects(&b, "marking-definition")
                .iter()
                .any(|m| m["id"] == id.as_str()),
            "{id}"
        );
    }
    // The extension holds what STIX has no place for, and is defined in the bundle.
    let ext = &report["extensions"][stix::EXTENSION_ID];
    assert_eq!(ext["extension_type"], "property-extension");
    assert_eq!(ext["category"], record.category.as_str());
    assert_eq!(ext["published_at"], record.published_at.to_string());
    assert!(ext.get("subject").is_none() && ext.get("content").is_none());
    assert_eq!(objects(&b, "extension-definition").len(), 1);
    // And it comes back.
    let back = read(b.to_string().as_bytes()).expect("read");
    assert_eq!(back.len(), 1);
    assert!(back[0].from_extension && back[0].marked);
    assert_eq!(back[0].input.validate(), Ok(record));
}

/// A victim (受害IP) is what was attacked: an observed-data of its address, never an
/// indicator, even where the content names it; a reference URL is an external reference.
#[test]
fn victims_are_observed_never_indicators() {
    let mut record = example();
    record.content = format!("{} 受害主機 203.0.113.5 已隔離。", record.content);
    let b = export(&record);
    for ind in objects(&b, "indicator") {
        let pattern = ind["pattern"].as_str().expect("pattern");
        assert!(
            !pattern.contains("203.0.113.5") && !pattern.contains("203.0.113.6"),
            "{pattern}"
        );
        assert!(!pattern.contains("example.org/advisory"), "{pattern}");
    }
    let observed = objects(&b, "observed-data");
    assert_eq!(observed.len(), 1);
    let refs: Vec<&str> = observed[0]["object_refs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let values: Vec<&str> = objects(&b, "ipv4-addr")
        .into_iter()
        .filter(|o| refs.contains(&o["id"].as_str().unwrap_or_default()))
        .filter_map(|o| o["value"].as_str())
        .collect();
    assert_eq!(values, ["203.0.113.5", "203.0.113.6"]);
    assert_eq!(observed[0]["first_observed"], "2026-02-27T01:15:00.000Z");
    assert_eq!(observed[0]["last_observed"], "2026-03-01T10:00:00.000Z");
    let report = objects(&b, "report")[0];
    assert!(
        report["external_references"]
            .as_array()
            .expect("refs")
            .iter()
            .any(|r| r["url"] == "https://example.org/advisory/2026-0042")
    );
}

/// The example's bundle is the fixture `stix-example.json` (the fuzz target's seed, and a
/// sample for partners); `TOCSIN_BLESS=1` rewrites it after a deliberate change.
#[test]
fn the_example_bundle_is_the_fixture() {
    let b = export(&example());
    let path = format!(
        "{}/tests/data/stix-example.json",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("TOCSIN_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&b).expect("json");
        std::fs::write(&path, text + "\n").expect("write");
    }
    let fixture: Value = serde_json::from_slice(&fixture("stix-example.json")).expect("json");
    assert_eq!(b, fixture);
}

/// A partner's bundle as OpenCTI writes one: a statement marking naming TLP:AMBER+STRICT,
/// an identity, a report with an indicator and a malware.
#[test]
fn a_partner_fixture_is_read() {
    let got = read(&fixture("stix-partner-statement.json")).expect("read");
    assert_eq!(got.len(), 1);
    let record = got[0].input.validate().expect("valid draft");
    assert_eq!(record.tlp, Tlp::AmberStrict);
    assert_eq!(record.source, "Example ISAC");
    assert!(
        record.content.contains("malware: Emotet"),
        "{}",
        record.content
    );
    assert!(
        record.content.contains("198.51.100.23"),
        "{}",
        record.content
    );
}

#[test]
fn sco_ids_follow_the_specification() {
    // Computed apart: Python's uuid.uuid5(namespace, '{"value":"…"}') over the canonical
    // JSON of the id-contributing property, as section 2.9 of the specification says.
    assert_eq!(
        stix::sco_id("ipv4-addr", &json!({"value": "198.51.100.3"})),
        "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"
    );
    assert_eq!(
        stix::sco_id("url", &json!({"value": "https://example.com/"})),
        "url--be22e93a-5e33-5678-b19f-8b4ea06df0bd"
    );
}

#[test]
fn identical_exports_have_identical_ids_and_an_edit_is_a_new_version() {
    let r = example();
    let a = export(&r);
    let b = export(&r);
    assert_eq!(a, b);
    let src = IntelSource {
        record_id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
        record: &r,
        created: at("2026-12-01T02:00:00.123456Z"),
        modified: at("2026-12-05T00:00:00Z"),
    };
    let later: Value = serde_json::from_str(&stix::intel_bundle(&src)).expect("json");
    let (r1, r2) = (objects(&a, "report")[0], objects(&later, "report")[0]);
    assert_eq!(r1["id"], r2["id"]);
    assert_ne!(r1["modified"], r2["modified"]);
}

fn marked_report(markings: Value, refs: Value) -> Vec<u8> {
    let mut objs = vec![
        json!({
            "type": "report", "spec_version": "2.1",
            "id": "report--6cee0d8c-8c5e-4c57-8f56-9a7a6b2e9b0a",
            "created": "2026-01-02T03:04:05.000Z", "modified": "2026-01-02T03:04:05.000Z",
            "name": "Partner report", "published": "2026-01-02T03:04:05Z",
            "object_refs": ["indicator--1f6d1a41-6d5e-4b0e-9a1b-7d5d3c1e2f00"],
            "object_marking_refs": refs,
        }),
        json!({
            "type": "indicator", "spec_version": "2.1",
            "id": "indicator--1f6d1a41-6d5e-4b0e-9a1b-7d5d3c1e2f00",
            "created": "2026-01-02T03:04:05.000Z", "modified": "2026-01-02T03:04:05.000Z",
            "name": "C2", "pattern": "[ipv4-addr:value = '203.0.113.9']",
            "pattern_type": "stix", "valid_from": "2026-01-02T03:04:05Z",
        }),
    ];
    objs.extend(markings.as_array().cloned().unwrap_or_default());
    json!({"type": "bundle", "id": "bundle--0b7a5f5e-5b1e-4c8e-9a53-2b0c2f3f1d11", "objects": objs})
        .to_string()
        .into_bytes()
}

fn tlp_read(markings: Value, refs: Value) -> (String, bool) {
    let got = read(&marked_report(markings, refs)).expect("read");
    assert_eq!(got.len(), 1);
    (got[0].input.tlp.clone(), got[0].marked)
}

#[test]
fn the_three_tlp_encodings_are_read() {
    // TLP 1.0 ids, without their objects.
    let one = json!(["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]);
    assert_eq!(tlp_read(json!([]), one), (s("red"), true));
    // TLP 2.0 ids.
    let two = json!(["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"]);
    assert_eq!(tlp_read(json!([]), two), (s("amber+strict"), true));
    // Statement markings as OpenCTI writes them, with ids of their own.
    for (statement, want) in [("TLP:CLEAR", "clear"), ("TLP:AMBER+STRICT", "amber+strict")] {
        let id = "marking-definition--4a6a6b5c-1f2e-4d3c-8b9a-0e1f2a3b4c5d";
        let m = json!([{
            "type": "marking-definition", "spec_version": "2.1", "id": id,
            "created": "2022-01-01T00:00:00.000Z",
            "definition_type": "statement", "definition": {"statement": statement},
        }]);
        assert_eq!(tlp_read(m, json!([id])), (s(want), true), "{statement}");
    }
    // Several: the strictest wins.
    let both = json!([
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
    ]);
    assert_eq!(tlp_read(json!([]), both), (s("amber"), true));
    // None: AMBER, and said so.
    assert_eq!(tlp_read(json!([]), json!([])), (s("amber"), false));
}

#[test]
fn a_foreign_report_becomes_a_draft_with_its_indicators() {
    let got = read(&marked_report(
        json!([]),
        json!(["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]),
    ))
    .expect("read");
    let input = &got[0].input;
    assert!(!got[0].from_extension);
    assert_eq!(input.subject, "Partner report");
    assert_eq!(input.published_at, "2026-01-02T03:04:05+00:00");
    assert!(input.content.contains("203.0.113.9"), "{}", input.content);
    let record = input.validate().expect("a valid draft");
    assert_eq!(record.tlp, Tlp::Green);
    assert!(
        tocsin_domain::intel::extract_observables(&record.indicator_text())
            .iter()
            .any(|o| o.value == "203.0.113.9")
    );
}

/// A report of many indicators still makes a valid draft: the list is cut to the
/// content's room and says how many were left out.
#[test]
fn a_report_of_many_indicators_fits_the_content() {
    let mut objs = Vec::new();
    let mut refs = Vec::new();
    for i in 0..6000u128 {
        let id = format!(
            "indicator--{}",
            Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 + i)
        );
        refs.push(id.clone());
        objs.push(json!({"type": "indicator", "id": id, "name": "C2 address",
            "pattern": format!("[ipv4-addr:value = '10.0.{}.{}']", i / 256, i % 256)}));
    }
    objs.push(
        json!({"type": "report", "id": "report--6cee0d8c-8c5e-4c57-8f56-9a7a6b2e9b0a",
        "name": "Many", "published": "2026-01-02T03:04:05Z", "object_refs": refs}),
    );
    let text = json!({"type": "bundle", "objects": objs}).to_string();
    let got = read(text.as_bytes()).expect("read");
    let record = got[0].input.validate().expect("fits");
    assert!(
        record.content.ends_with("more objects"),
        "{}",
        &record.content[record.content.len() - 60..]
    );
}

#[test]
fn bad_bundles_are_refused_naming_what_is_wrong() {
    let check = |text: &str, want: &str| {
        let e = read(text.as_bytes()).expect_err(text);
        assert!(e.to_string().contains(want), "{text}: {e}");
    };
    check("not json", "not JSON");
    check(r#"{"type":"report"}"#, "bundle");
    check(r#"{"type":"bundle","objects":{}}"#, "objects");
    check(
        r#"{"type":"bundle","objects":[{"type":"indicator"}]}"#,
        "field `id`",
    );
    check(
        r#"{"type":"bundle","objects":[{"type":"indicator","id":"report--6cee0d8c-8c5e-4c57-8f56-9a7a6b2e9b0a"}]}"#,
        "field `id`",
    );
    check(
        r#"{"type":"bundle","objects":[{"type":"report","id":"report--6cee0d8c-8c5e-4c57-8f56-9a7a6b2e9b0a","modified":"yesterday"}]}"#,
        "field `modified`",
    );
    let e = read(
        br#"{"type":"bundle","objects":[{"type":"report","id":"report--6cee0d8c-8c5e-4c57-8f56-9a7a6b2e9b0a","extensions":{"extension-definition--8c8b1dd4-84d6-4682-b9da-ba54ffef2039":{"victim_ip":true}}}]}"#,
    )
    .expect_err("bad extension");
    assert!(
        matches!(
            e,
            StixError::Field {
                field: "extensions",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn phishing_urls_and_advisories() {
    let t = at("2026-12-01T00:00:00Z");
    let objs = stix::phishing_objects(
        "TWCERT/CC",
        &[stix::PhishingSource {
            case_id: Uuid::from_u128(7),
            url: s("https://examp1e.com/login?a='b'"),
            brand: Some(s("Example Bank")),
            tlp: Tlp::Green,
            verified_at: t,
            modified: t,
        }],
    );
    let b: Value = serde_json::from_str(&stix::bundle(&objs)).expect("json");
    let ind = objects(&b, "indicator")[0];
    assert_eq!(
        ind["pattern"],
        r"[url:value = 'https://examp1e.com/login?a=\'b\'']"
    );
    assert_eq!(
        objects(&b, "url")[0]["value"],
        "https://examp1e.com/login?a='b'"
    );
    let objs = stix::advisory_objects(
        "TWCERT/CC",
        &[stix::AdvisorySource {
            case_id: Uuid::from_u128(8),
            cve_ids: vec![s("CVE-2026-12345")],
            title: s("Router RCE"),
            description: s("A flaw"),
            url: None,
            published: t,
            modified: t,
        }],
    );
    let b: Value = serde_json::from_str(&stix::bundle(&objs)).expect("json");
    let v = objects(&b, "vulnerability")[0];
    assert_eq!(v["name"], "CVE-2026-12345");
    assert_eq!(v["external_references"][0]["source_name"], "cve");
    assert_eq!(v["external_references"][0]["external_id"], "CVE-2026-12345");
    assert_eq!(v["object_marking_refs"], json!(stix::tlp_refs(Tlp::Clear)));
}

// ---------------------------------------------------------------------------------------
// Properties (the record strategy is the intel_form tests', with indicators in the content)
// ---------------------------------------------------------------------------------------

use crate::intel_strategies::*;

/// Indicators of every kind, for the content.
fn indicators() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<std::net::Ipv4Addr>().prop_map(|a| a.to_string()),
            any::<std::net::Ipv6Addr>().prop_map(|a| a.to_string()),
            "[a-z]{1,10}\\.(com|com\\.tw|org)",
            "https?://[a-z]{1,8}\\.(com|tw)/[a-z0-9'=?]{0,10}",
            "[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}",
            "CVE-20[0-9]{2}-[0-9]{4,6}",
            "[a-z]{1,6}@[a-z]{1,6}\\.com",
            Just(s("10.0.0.0/8")),
        ],
        0..6,
    )
    .prop_map(|v| v.join(" "))
}

/// Any JSON, shaped somewhat like a bundle, to reach the reader's corners.
fn noisy_bundle() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "bundle",
            "report",
            "indicator",
            "marking-definition",
            "2.1",
            "report--6cee0d8c-8c5e-4c57-8f56-9a7a6b2e9b0a",
            "indicator--1f6d1a41-6d5e-4b0e-9a1b-7d5d3c1e2f00",
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
            "marking-definition--4a6a6b5c-1f2e-4d3c-8b9a-0e1f2a3b4c5d",
            "2026-01-02T03:04:05.000Z",
            "TLP:AMBER+STRICT",
            "statement",
            "tlp",
            "extension-definition--8c8b1dd4-84d6-4682-b9da-ba54ffef2039",
            "[ipv4-addr:value = '1.2.3.4']",
            "",
        ])
        .prop_map(|t| json!(t)),
    ];
    let keys = prop::sample::select(vec![
        "type",
        "id",
        "objects",
        "created",
        "modified",
        "name",
        "description",
        "published",
        "object_refs",
        "object_marking_refs",
        "definition_type",
        "definition",
        "statement",
        "tlp",
        "extensions",
        "tlp_2_0",
        "pattern",
        "value",
        "victim_ip",
        "category",
        "published_at",
        "created_by_ref",
        "external_references",
        "spec_version",
    ]);
    let tree = leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (s(k), v)).collect())),
        ]
    });
    tree.prop_map(|objects| json!({"type": "bundle", "objects": objects}).to_string())
}

proptest! {
    #[test]
    fn a_record_comes_back_from_its_bundle(input in intel_input(), extra in indicators()) {
        let mut input = input;
        input.content = format!("{} {extra}", input.content);
        let record = input
            .validate()
            .map_err(|e| TestCaseError::fail(format!("generated input invalid: {e:?}")))?;
        let b = export(&record);
        let back = read(b.to_string().as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(back[0].input.validate(), Ok(record));
    }

    #[test]
    fn no_bytes_make_the_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read(&bytes);
        let _ = stix::stream_objects(&bytes[..], |_| true);
    }

    /// The streaming reader sees what the whole-bundle reader sees: the same objects in the
    /// same order when the bundle is good, and, when one object is bad, that object's error
    /// in its place while the others still come.
    #[test]
    fn streaming_reads_what_the_whole_reader_reads(text in noisy_bundle()) {
        let mut streamed = Vec::new();
        let n = stix::stream_objects(text.as_bytes(), |o| { streamed.push(o); true });
        match (n, stix::parse_bundle(text.as_bytes())) {
            (Ok(n), Ok(whole)) => {
                prop_assert_eq!(n, streamed.len());
                let got: Vec<_> = streamed.into_iter().collect::<Result<Vec<_>, _>>()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(got, whole);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (Err(a), Ok(_)) => prop_assert!(false, "streaming refused a good bundle: {}", a),
            (Ok(_), Err(e)) => prop_assert!(streamed.iter().any(|o| o.as_ref().err() == Some(&e)), "{e} not streamed"),
        }
    }

    #[test]
    fn no_bundle_makes_the_reader_panic(text in noisy_bundle()) {
        if let Ok(records) = read(text.as_bytes()) {
            for r in records {
                let _ = r.input.validate();
            }
        }
    }
}

#[test]
fn streaming_refuses_what_is_not_a_bundle_and_stops_when_asked() {
    let read = |text: &str| {
        let mut ids = Vec::new();
        let r = stix::stream_objects(text.as_bytes(), |o| {
            ids.push(o.map(|(m, _)| m.id).unwrap_or_else(|e| e.to_string()));
            true
        });
        (r, ids)
    };
    let ip = |n: u8| json!({"type": "ipv4-addr", "id": format!("ipv4-addr--00000000-0000-4000-8000-0000000000{n:02}"), "value": format!("10.0.0.{n}")});
    let good = json!({"objects": [ip(1), ip(2)], "type": "bundle", "id": "bundle--x"}).to_string();
    let (r, ids) = read(&good);
    assert_eq!(r, Ok(2), "`type` may come after the objects");
    assert_eq!(ids.len(), 2);
    // A TAXII envelope (no `type`) streams too.
    assert_eq!(
        read(&json!({"more": false, "objects": [ip(1)]}).to_string()).0,
        Ok(1)
    );
    assert_eq!(
        read(&json!({"type": "report", "objects": [ip(1)]}).to_string()).0,
        Err(stix::StixError::NotABundle("`type` must be `bundle`"))
    );
    assert!(matches!(read("[1, 2]").0, Err(stix::StixError::Json(_))));
    assert_eq!(
        read(r#"{"type": "bundle", "objects": 5}"#).0,
        Err(stix::StixError::NotABundle("`objects` must be a list"))
    );
    // Cut short: the objects before the fault were seen, then the error.
    let (r, ids) = read(
        &good[..good
            .find("ipv4-addr--00000000-0000-4000-8000-000000000002")
            .expect("at")],
    );
    assert!(matches!(r, Err(stix::StixError::Json(_))), "{r:?}");
    assert_eq!(ids.len(), 1);
    assert!(matches!(
        read(&format!("{good} trailing")).0,
        Err(stix::StixError::Json(_))
    ));
    // A bad object is reported in its place; the rest still come.
    let mixed =
        json!({"type": "bundle", "objects": [ip(1), {"type": "ipv4-addr", "id": "nope"}, ip(3)]})
            .to_string();
    let (r, ids) = read(&mixed);
    assert_eq!(r, Ok(3));
    assert!(ids[1].contains("object 1 (nope): field `id`"), "{ids:?}");
    // Stopping early is not an error.
    let mut seen = 0;
    assert_eq!(
        stix::stream_objects(good.as_bytes(), |_| {
            seen += 1;
            false
        }),
        Ok(1)
    );
    assert_eq!(seen, 1);
}

#[test]
fn bare_scos_are_dated_by_their_arrival_and_dated_objects_by_their_time() {
    let scos = json!({"type": "bundle", "id": "bundle--0f0e0d0c-0b0a-4908-8706-050403020100", "objects": [
        {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--0f0e0d0c-0b0a-4908-8706-050403020101", "value": "203.0.113.78"}]});
    let got = read(scos.to_string().as_bytes()).expect("read");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].input.published_at, "2026-12-01T00:00:00+00:00");
    assert!(got[0].input.validate().is_ok());
    // An object with a time dates the record by it, not by the arrival.
    let dated = json!({"type": "bundle", "id": "bundle--0f0e0d0c-0b0a-4908-8706-050403020102", "objects": [
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--0f0e0d0c-0b0a-4908-8706-050403020103",
         "created": "2026-03-02T06:30:00Z", "modified": "2026-03-02T06:30:00Z", "name": "C2",
         "pattern": "[ipv4-addr:value = '203.0.113.78']", "pattern_type": "stix", "valid_from": "2026-03-02T06:30:00Z"}]});
    let got = read(dated.to_string().as_bytes()).expect("read");
    assert_eq!(got[0].input.published_at, "2026-03-02T06:30:00+00:00");
}

/// A partner's indicators with mixed markings and no report: one draft per TLP, titled by
/// its TLP and what it holds, each listing only its own indicators; an unmarked address
/// goes with the indicator that names it, other unmarked objects are AMBER; the objects a
/// report names stay with the report, and those it does not name are grouped too.
#[test]
fn objects_no_report_names_keep_their_own_tlp() {
    let marks = [
        (
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
            Tlp::Clear,
        ),
        (
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
            Tlp::Green,
        ),
        (
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
            Tlp::Amber,
        ),
        (
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
            Tlp::Red,
        ),
    ];
    let id = |kind: &str, i: u128| {
        format!(
            "{kind}--{}",
            Uuid::from_u128(0x2000_0000_0000_4000_8000_0000_0000_0000 + i)
        )
    };
    let mut objs = Vec::new();
    for i in 0..100u128 {
        let (mark, _) = marks[(i % 4) as usize];
        objs.push(json!({"type": "indicator", "spec_version": "2.1", "id": id("indicator", i),
            "created": "2026-01-02T03:04:05Z", "modified": "2026-01-02T03:04:05Z",
            "name": format!("C2 {i}"), "pattern": format!("[ipv4-addr:value = '10.1.0.{i}']"),
            "pattern_type": "stix", "valid_from": "2026-01-02T03:04:05Z", "object_marking_refs": [mark]}));
    }
    // An unmarked address named by a GREEN relationship, and an unmarked domain.
    objs.push(json!({"type": "ipv4-addr", "id": id("ipv4-addr", 1), "value": "198.51.100.200"}));
    objs.push(json!({"type": "relationship", "spec_version": "2.1", "id": id("relationship", 1),
        "created": "2026-01-02T03:04:05Z", "modified": "2026-01-02T03:04:05Z", "relationship_type": "related-to",
        "source_ref": id("indicator", 1), "target_ref": id("ipv4-addr", 1), "object_marking_refs": [marks[1].0]}));
    objs.push(
        json!({"type": "domain-name", "id": id("domain-name", 1), "value": "unmarked.example"}),
    );
    let text = json!({"type": "bundle", "objects": objs}).to_string();
    let got = read(text.as_bytes()).expect("read");
    let summary: Vec<(String, String, usize)> = got
        .iter()
        .map(|r| {
            (
                r.input.subject.clone(),
                r.input.tlp.clone(),
                r.objects.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (s("STIX TLP:CLEAR: 25 indicator"), s("clear"), 25),
            (
                s("STIX TLP:GREEN: 25 indicator, 1 ipv4-addr"),
                s("green"),
                27
            ),
            (
                s("STIX TLP:AMBER: 25 indicator, 1 domain-name"),
                s("amber"),
                26
            ),
            (s("STIX TLP:RED: 25 indicator"), s("red"), 25),
        ]
    );
    for (r, (_, tlp)) in got.iter().zip(marks) {
        let record = r.input.validate().expect("a valid draft");
        assert_eq!(record.tlp, tlp);
        let n = marks.iter().position(|m| m.1 == tlp).expect("tlp") as u128;
        for i in 0..100u128 {
            let line = format!("10.1.0.{i}']");
            assert_eq!(
                record.content.contains(&line),
                i % 4 == n,
                "{tlp:?} lists indicator {i}: {}",
                record.content
            );
        }
    }
    assert!(got[1].input.content.contains("198.51.100.200"));
    assert!(got[2].input.content.contains("unmarked.example"));
    // With a RED report naming two indicators, the other 98 keep their TLPs.
    let mut with_report = objs.clone();
    with_report.push(json!({"type": "report", "spec_version": "2.1", "id": id("report", 1), "name": "Partner report",
        "created": "2026-01-02T03:04:05Z", "modified": "2026-01-02T03:04:05Z", "published": "2026-01-02T03:04:05Z",
        "object_refs": [id("indicator", 0), id("indicator", 4)], "object_marking_refs": [marks[3].0]}));
    let text = json!({"type": "bundle", "objects": with_report}).to_string();
    let got = read(text.as_bytes()).expect("read");
    let summary: Vec<(String, String)> = got
        .iter()
        .map(|r| (r.input.subject.clone(), r.input.tlp.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (s("Partner report"), s("red")),
            (s("STIX TLP:CLEAR: 23 indicator"), s("clear")),
            (s("STIX TLP:GREEN: 25 indicator, 1 ipv4-addr"), s("green")),
            (s("STIX TLP:AMBER: 25 indicator, 1 domain-name"), s("amber")),
            (s("STIX TLP:RED: 25 indicator"), s("red")),
        ]
    );
}

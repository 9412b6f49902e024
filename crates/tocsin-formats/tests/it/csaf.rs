//! CSAF 2.0 documents against the BSI reference validator (`@secvisogram/csaf-validator-lib`
//! through `tests/csaf/validate.mjs`: the strict schema, every mandatory test and the
//! optional tests that apply), the run-time verdict against broken documents, the provider
//! files, and the import reader over CISA's published advisories (`tests/data/csaf/`) and
//! arbitrary input. The validator is a node package (`npm ci --prefix tests/csaf`, run by
//! scripts/test); when it is missing this test fails, it does not skip.

use std::path::PathBuf;
use std::process::Command;

use proptest::prelude::*;
use serde_json::Value;
use tocsin_domain::{Timestamp, Tlp};
use tocsin_formats::csaf::{
    self, CsafInput, ProductInput, Publisher, Revision, TrackingStatus, VulnerabilityInput,
};
use tocsin_formats::cve_record::{CvssMetricInput, FinderInput, Localized};
use tocsin_formats::cvss::{Score, Vector};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("time")
}

fn metric(vector: &str) -> CvssMetricInput {
    let v = Vector::parse(vector).expect("vector");
    let score: Score = v.base_score();
    CvssMetricInput {
        vector: vector.into(),
        version: v.version(),
        base_score: score,
        base_severity: score.severity(),
    }
}

/// A full advisory: CPE and PURL, affected and fixed versions, CVSS 3.1 and 4.0, a CWE,
/// a finder who agreed to be named, two revisions.
fn full() -> CsafInput {
    CsafInput {
        tracking_id: "VUL-2026-000042".into(),
        title: "Acme Router 認證繞過 (authentication bypass)".into(),
        publisher: Publisher {
            name: "TWCERT/CC".into(),
            namespace: "https://desk.example.tw".into(),
            contact_details: Some("cert@example.tw".into()),
        },
        tlp: Tlp::Clear,
        status: TrackingStatus::Final,
        revisions: vec![
            Revision {
                number: 1,
                date: at("2026-12-01T02:00:00Z"),
                summary: "Initial release".into(),
            },
            Revision {
                number: 2,
                date: at("2026-12-03T05:30:00Z"),
                summary: "Fixed version added".into(),
            },
        ],
        current_release: at("2026-12-03T05:30:00Z"),
        generated: at("2026-12-03T05:30:00Z"),
        generator_version: "0.1.0".into(),
        canonical_url: "https://desk.example.tw/.well-known/csaf/white/2026/vul-2026-000042.json"
            .into(),
        advisory_url: Some("https://desk.example.tw/advisories/CVE-2026-12345".into()),
        products: vec![ProductInput {
            vendor: "Acme".into(),
            product: "Router X1".into(),
            affected: vec!["1.0".into(), "1.1".into()],
            fixed: vec!["1.2".into()],
            cpe: Some("cpe:2.3:h:acme:router_x1:*:*:*:*:*:*:*:*".into()),
            purl: Some("pkg:generic/acme/router-x1".into()),
        }],
        vulnerability: VulnerabilityInput {
            cve: Some("CVE-2026-12345".into()),
            cwe: Some("CWE-79".into()),
            title: Some("Cross-site scripting in the login page".into()),
            description: Localized::new([
                "The login page reflects the next parameter unescaped.",
                "登入頁面未經跳脫即回顯 next 參數。",
            ]),
            metrics: vec![
                metric("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
                metric("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N"),
            ],
            remediation: Some("Upgrade to 1.2.".into()),
            finder: Some(FinderInput {
                name: "王小明".into(),
                organization: Some("Example Lab".into()),
                public_credit: true,
            }),
            release_date: Some(at("2026-12-01T02:00:00Z")),
        },
    }
}

/// A bare advisory: no identifiers, no fix, no solution, a CVSS 3.0 score, a CWE the
/// catalogue does not know, a version range, a finder who declined credit.
fn bare() -> CsafInput {
    let mut i = full();
    i.tracking_id = "VUL-2026-000043".into();
    i.canonical_url =
        "https://desk.example.tw/.well-known/csaf/amber/2026/vul-2026-000043.json".into();
    i.tlp = Tlp::Amber;
    i.advisory_url = None;
    i.revisions.truncate(1);
    i.current_release = i.revisions[0].date;
    i.products = vec![ProductInput {
        vendor: "Acme".into(),
        product: "Camera".into(),
        affected: vec!["< 2.4".into()],
        fixed: vec![],
        cpe: None,
        purl: None,
    }];
    i.vulnerability.cwe = Some("CWE-99999".into());
    i.vulnerability.metrics = vec![metric("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")];
    i.vulnerability.remediation = None;
    i.vulnerability.finder = Some(FinderInput {
        name: "Secret Finder".into(),
        organization: Some("Hidden Org".into()),
        public_credit: false,
    });
    i
}

/// Runs the reference validator over `docs` (name, document) with the optional tests in
/// `skip` left out; returns its verdict.
fn reference_verdict(tag: &str, docs: &[(&str, &Value)], skip: &[&str]) -> Value {
    let dir = std::env::temp_dir().join(format!("tocsin-csaf-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut cmd = Command::new("node");
    cmd.arg(repo_root().join("tests/csaf/validate.mjs"));
    if !skip.is_empty() {
        cmd.arg("--skip-optional").arg(skip.join(","));
    }
    for (name, doc) in docs {
        let path = dir.join(name);
        std::fs::write(&path, csaf::to_bytes(doc)).expect("write");
        cmd.arg(path);
    }
    let out = cmd
        .output()
        .expect("node runs (npm ci --prefix tests/csaf)");
    let _ = std::fs::remove_dir_all(&dir);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "validator output is JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn assert_reference_valid(verdict: &Value) {
    assert_eq!(
        verdict["valid"],
        true,
        "reference validator: {}",
        serde_json::to_string_pretty(verdict).unwrap_or_default()
    );
}

#[test]
fn documents_pass_the_reference_validator() {
    let full = csaf::document(&full()).expect("full document");
    let draft = {
        let mut i = self::full();
        i.status = TrackingStatus::Draft;
        i.revisions = vec![Revision {
            number: 0,
            date: at("2026-11-30T02:00:00Z"),
            summary: "Draft".into(),
        }];
        csaf::document(&i).expect("draft")
    };
    // Every optional test applies to the full document.
    assert_reference_valid(&reference_verdict(
        "full",
        &[("full.json", &full), ("draft.json", &draft)],
        &[],
    ));
    // Without a CPE or PURL there is no product identification helper to give (6.2.16),
    // and a range typed as text is no `vers:` string (6.2.18): both are the coordinator's
    // to supply, so those two optional tests do not apply to the bare document.
    let bare = csaf::document(&bare()).expect("bare document");
    assert_reference_valid(&reference_verdict(
        "bare",
        &[("bare.json", &bare)],
        &["6.2.16", "6.2.18"],
    ));
    // The run-time verdict agrees.
    for doc in [&full, &draft, &bare] {
        let v = csaf::validate(doc);
        assert!(v.is_valid(), "{:?}", v.errors);
    }
}

#[test]
fn the_document_holds_what_the_advisory_says() {
    let doc = csaf::document(&full()).expect("document");
    let d = &doc["document"];
    assert_eq!(d["category"], "csaf_security_advisory");
    assert_eq!(d["csaf_version"], "2.0");
    assert_eq!(d["publisher"]["name"], "TWCERT/CC");
    assert_eq!(d["distribution"]["tlp"]["label"], "WHITE");
    assert_eq!(d["tracking"]["version"], "2");
    assert_eq!(
        d["tracking"]["revision_history"][1]["summary"],
        "Fixed version added"
    );
    assert_eq!(
        d["tracking"]["initial_release_date"],
        "2026-12-01T02:00:00.000000Z"
    );
    let v = &doc["vulnerabilities"][0];
    assert_eq!(v["cve"], "CVE-2026-12345");
    assert_eq!(v["cwe"]["id"], "CWE-79");
    assert_eq!(
        v["product_status"]["known_affected"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        v["product_status"]["fixed"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(v["remediations"][0]["category"], "vendor_fix");
    assert_eq!(v["acknowledgments"][0]["names"][0], "王小明");
    assert_eq!(v["scores"][0]["cvss_v3"]["baseScore"], 6.1);
    let notes = serde_json::to_string(&v["notes"]).expect("json");
    assert!(notes.contains("登入頁面"), "{notes}");
    assert!(notes.contains("CVSS:4.0/AV:N"), "{notes}");
    let refs = serde_json::to_string(&v["references"]).expect("json");
    assert!(refs.contains("https://www.cve.org/CVERecord?id=CVE-2026-12345"));
    assert!(refs.contains("/advisories/CVE-2026-12345"));
    let helper = &doc["product_tree"]["branches"][0]["branches"][0]["branches"][0]["product"]["product_identification_helper"];
    assert_eq!(helper["purl"], "pkg:generic/acme/router-x1");
}

#[test]
fn a_finder_who_declined_is_named_nowhere() {
    let doc = csaf::document(&bare()).expect("document");
    let text = serde_json::to_string(&doc).expect("json");
    assert!(!text.contains("Secret Finder"));
    assert!(!text.contains("Hidden Org"));
    assert!(doc["vulnerabilities"][0].get("acknowledgments").is_none());
    assert_eq!(doc["document"]["distribution"]["tlp"]["label"], "AMBER");
    // An unknown CWE is a note, not a made-up name.
    assert!(doc["vulnerabilities"][0].get("cwe").is_none());
    assert_eq!(
        doc["vulnerabilities"][0]["remediations"][0]["category"],
        "none_available"
    );
}

#[test]
fn the_builder_names_the_field_it_refuses() {
    let mut i = full();
    i.products[0].vendor = " ".into();
    assert_eq!(
        csaf::document(&i).map_err(|e| e.field().to_owned()),
        Err("products[0].vendor".into())
    );
    let mut i = full();
    i.products[0].cpe = Some("not a cpe".into());
    assert_eq!(
        csaf::document(&i).map_err(|e| e.field().to_owned()),
        Err("products[0].cpe".into())
    );
    let mut i = full();
    i.revisions[1].number = 3;
    assert_eq!(
        csaf::document(&i).map_err(|e| e.field().to_owned()),
        Err("revisions[1].number".into())
    );
}

#[test]
fn the_run_time_verdict_finds_broken_documents() {
    let good = csaf::document(&full()).expect("document");
    let fails = |f: &dyn Fn(&mut Value), needle: &str| {
        let mut d = good.clone();
        f(&mut d);
        let v = csaf::validate(&d);
        assert!(
            v.errors.iter().any(|e| e.contains(needle)),
            "{needle} not in {:?}",
            v.errors
        );
    };
    fails(
        &|d| d["document"]["csaf_version"] = "1.9".into(),
        "csaf_version",
    );
    fails(
        &|d| d["vulnerabilities"][0]["product_status"]["fixed"][0] = "CSAFPID-9999".into(),
        "6.1.1",
    );
    fails(
        &|d| d["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseScore"] = 9.9.into(),
        "6.1.9",
    );
    fails(
        &|d| d["vulnerabilities"][0]["cwe"]["name"] = "Something else".into(),
        "6.1.11",
    );
    fails(
        &|d| d["document"]["tracking"]["version"] = "3".into(),
        "6.1.16",
    );
    fails(&|d| d["document"]["unknown"] = "x".into(), "unknown");
}

#[test]
fn provider_files() {
    let listed = vec![
        csaf::Listed {
            tracking_id: "VUL-2026-000042".into(),
            title: "A".into(),
            path: "2026/vul-2026-000042.json".into(),
            initial_release: at("2026-12-01T02:00:00Z"),
            current_release: at("2026-12-03T05:30:00Z"),
        },
        csaf::Listed {
            tracking_id: "VUL-2025-000001".into(),
            title: "B".into(),
            path: "2025/vul-2025-000001.json".into(),
            initial_release: at("2025-05-01T02:00:00Z"),
            current_release: at("2025-05-01T02:00:00Z"),
        },
    ];
    assert_eq!(
        csaf::index_txt(&listed),
        "2025/vul-2025-000001.json\n2026/vul-2026-000042.json\n"
    );
    assert_eq!(
        csaf::changes_csv(&listed),
        "\"2026/vul-2026-000042.json\",\"2026-12-03T05:30:00.000000Z\"\n\
         \"2025/vul-2025-000001.json\",\"2025-05-01T02:00:00.000000Z\"\n"
    );
    let base = "https://desk.example.tw/.well-known/csaf";
    let feed = csaf::rolie_feed(
        "TWCERT/CC",
        Tlp::Clear,
        &format!("{base}/white"),
        &listed,
        at("2026-12-03T05:30:00Z"),
    );
    assert_eq!(
        feed["feed"]["entry"][0]["link"][0]["href"],
        format!("{base}/white/2026/vul-2026-000042.json")
    );
    assert_eq!(
        feed["feed"]["entry"][0]["link"][2]["href"],
        format!("{base}/white/2026/vul-2026-000042.json.sha512")
    );
    let meta = csaf::provider_metadata(
        &full().publisher,
        base,
        &[Tlp::Clear, Tlp::Amber],
        &[csaf::OpenPgpKey {
            url: "https://desk.example.tw/.well-known/openpgpkey/desk.asc".into(),
            fingerprint: Some("0123456789ABCDEF0123456789ABCDEF01234567".into()),
        }],
        at("2026-12-03T05:30:00Z"),
    );
    assert_eq!(meta["role"], "csaf_trusted_provider");
    assert_eq!(
        meta["canonical_url"],
        format!("{base}/provider-metadata.json")
    );
    assert_eq!(
        meta["distributions"][1]["rolie"]["feeds"][1]["url"],
        format!("{base}/amber/csaf-feed-tlp-amber.json")
    );
    assert_eq!(
        csaf::hash_line("ab12", "x.json"),
        "ab12  x.json\n",
        "the form sha512sum -c reads"
    );
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/csaf")
            .join(name),
    )
    .expect("fixture")
}

#[test]
fn cisa_advisories_are_read() {
    let cases = [
        ("va-24-201-01.json", "VA-24-201-01"),
        ("va-24-254-01.json", "VA-24-254-01"),
        ("icsa-24-004-01.json", "ICSA-24-004-01"),
        ("icsa-24-011-03.json", "ICSA-24-011-03"),
    ];
    for (file, id) in cases {
        let a = csaf::read(&fixture(file)).expect(file);
        assert_eq!(a.tracking_id, id, "{file}");
        assert!(a.publisher.contains("CISA"), "{file}: {}", a.publisher);
        assert_eq!(a.tlp_label.as_deref(), Some("WHITE"), "{file}");
        assert!(!a.title.is_empty(), "{file}");
        assert!(!a.cves.is_empty(), "{file}");
        assert!(a.cves.iter().all(|c| c.starts_with("CVE-")), "{file}");
        assert!(!a.products.is_empty(), "{file}");
        // The run-time schema check reads them without an error (CISA's are valid).
        let doc: Value = serde_json::from_slice(&fixture(file)).expect("json");
        let v = csaf::validate(&doc);
        assert!(v.is_valid(), "{file}: {:?}", v.errors);
    }
}

#[test]
fn what_is_not_csaf_is_refused() {
    assert!(csaf::read(b"not json").is_err());
    assert!(csaf::read(b"{}").is_err());
    assert!(csaf::read(br#"{"document": {"csaf_version": "1.0"}}"#).is_err());
    assert_eq!(
        csaf::read(br#"{"document": {"csaf_version": "2.0", "title": "t"}}"#)
            .map_err(|e| e.field().to_owned()),
        Err("/document/tracking/id".into())
    );
}

proptest! {
    #[test]
    fn the_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = csaf::read(&bytes);
    }

    #[test]
    fn the_reader_never_panics_on_csaf_shaped_json(
        title in ".{0,40}",
        id in ".{0,40}",
        cve in ".{0,20}",
        depth in 0usize..80,
    ) {
        let mut tree = serde_json::json!({"category": "product_version", "name": "v", "product": {"name": title, "product_id": "P"}});
        for _ in 0..depth {
            tree = serde_json::json!({"category": "vendor", "name": "x", "branches": [tree]});
        }
        let doc = serde_json::json!({
            "document": {"csaf_version": "2.0", "title": title, "tracking": {"id": id}},
            "product_tree": {"branches": [tree]},
            "vulnerabilities": [{"cve": cve}, {"cve": 5}, "x"],
        });
        let bytes = serde_json::to_vec(&doc).expect("json");
        let _ = csaf::read(&bytes);
        let _ = csaf::validate(&doc);
    }
}

//! CVE records against the official CVE JSON 5.1.1 schema (vendored in `tests/data/`, see
//! its README): a full record, one per CVSS version, one without a CWE, one whose finder
//! declined credit, and broken records the validator must refuse.

use std::sync::OnceLock;

use serde_json::{Value, json};
use tocsin_domain::Timestamp;
use tocsin_formats::cve_record::{
    AffectedInput, CveRecordError, CveRecordInput, CvssMetricInput, Discovery, FinderInput,
    Localized, ProblemTypeInput, ReferenceInput, ReferenceTag, RejectedInput, UpperBound,
    VersionInput, VersionStatus, cna_container, cve_record, rejected_container, rejected_record,
};
use tocsin_formats::cvss::{Score, Severity, Version};
use uuid::Uuid;

const SCHEMA: &str = include_str!("../data/CVE_JSON_bundled_5.1.1.json");

fn schema() -> Value {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "the vendored schema is draft-07"
    );
    schema
}

fn build(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

/// The official schema as it is: a record must be valid against it.
fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| build(&schema()))
}

/// The schema's "Published" branch alone, lifted to the root. The official root is a
/// `oneOf` (Published | Rejected), so its only error is "not valid under any of the
/// schemas listed in the 'oneOf' keyword"; this one says where a record goes wrong.
fn published_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let mut schema = schema();
        let published = schema["oneOf"][0].clone();
        assert_eq!(published["title"], "Published");
        let root = schema.as_object_mut().expect("schema is an object");
        root.remove("oneOf");
        for (k, v) in published.as_object().expect("branch is an object") {
            root.insert(k.clone(), v.clone());
        }
        build(&schema)
    })
}

/// One definition of the official schema (a container), lifted to the root.
fn definition_validator(name: &str) -> jsonschema::Validator {
    let schema = schema();
    assert!(schema["definitions"][name].is_object(), "no {name}");
    build(&json!({
        "$schema": schema["$schema"],
        "definitions": schema["definitions"],
        "$ref": format!("#/definitions/{name}"),
    }))
}

/// `path: error` for each complaint of a validator.
fn errors_of(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect()
}

/// The official schema's verdict, and the Published branch's complaints as `path: error`.
fn schema_errors(record: &Value) -> (bool, Vec<String>) {
    let errors = published_validator()
        .iter_errors(record)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect();
    (validator().is_valid(record), errors)
}

fn assert_valid(record: &Value) {
    let (valid, errors) = schema_errors(record);
    assert!(
        valid && errors.is_empty(),
        "record not valid against CVE JSON 5.1.1:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(record).unwrap_or_default()
    );
}

/// Refused by the official schema, with an error of the Published branch at `path`.
fn assert_refused_at(record: &Value, path: &str) {
    let (valid, errors) = schema_errors(record);
    assert!(
        !valid,
        "broken record accepted (expected an error at {path})"
    );
    assert!(
        errors.iter().any(|e| e.starts_with(&format!("{path}: "))),
        "no error at {path}: {errors:#?}"
    );
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).expect("test timestamp")
}

fn score(tenths: u8) -> Score {
    Score::from_tenths(tenths).expect("test score")
}

const ORG: &str = "1b6a8a3e-2c8f-4e62-9d0c-6f2f4d7e9a10";
const FINDER: &str = "王小明";
const FINDER_ORG: &str = "Example Security Lab";

/// The seed's kind of report: an XSS in a web product, CVSS 3.1, a CWE, two languages, and
/// a finder who agreed to be named.
fn full_input() -> CveRecordInput {
    CveRecordInput {
        cve_id: "CVE-2026-12345".into(),
        assigner_org_id: Uuid::parse_str(ORG).expect("uuid"),
        assigner_short_name: "TWCERT".into(),
        date_reserved: Some(ts("2026-01-05T03:00:00Z")),
        date_published: Some(ts("2026-04-20T01:30:00.123456Z")),
        date_updated: ts("2026-04-21T08:00:00+08:00"),
        date_public: Some(ts("2026-04-20T00:00:00Z")),
        title: Some("Stored XSS in Example Router web console".into()),
        description: Localized::new([
            "A stored cross-site scripting vulnerability in the web console of Example \
             Router before 2.4.1 allows an authenticated attacker to inject script via the \
             device name field.",
            "Example Router 2.4.1 之前版本之網頁管理介面存在儲存型跨站腳本漏洞，已通過身分鑑別之\
             攻擊者可經由裝置名稱欄位注入腳本。",
        ]),
        affected: vec![AffectedInput {
            vendor: "Example Networks".into(),
            product: "Example Router".into(),
            versions: vec![
                VersionInput {
                    version: "0".into(),
                    status: VersionStatus::Affected,
                    upper: Some(UpperBound::LessThan("2.4.1".into())),
                    version_type: Some("semver".into()),
                },
                VersionInput {
                    version: "3.0.0".into(),
                    status: VersionStatus::Affected,
                    upper: Some(UpperBound::LessThanOrEqual("3.0.2".into())),
                    version_type: None,
                },
                VersionInput {
                    version: "2.4.1".into(),
                    status: VersionStatus::Unaffected,
                    upper: None,
                    version_type: None,
                },
            ],
            default_status: VersionStatus::Unaffected,
        }],
        problem_types: vec![ProblemTypeInput {
            cwe_id: Some("CWE-79".into()),
            description: Localized::new([
                "CWE-79 Improper Neutralization of Input During Web Page Generation \
                 ('Cross-site Scripting')",
                "CWE-79 網頁產生期間輸入之不當中和（跨站腳本）",
            ]),
        }],
        references: vec![
            ReferenceInput {
                url: "https://www.example.gov.tw/advisories/TVN-202604-0001".into(),
                name: Some("TVN-202604-0001".into()),
                tags: vec![
                    ReferenceTag::ThirdPartyAdvisory,
                    ReferenceTag::GovernmentResource,
                    ReferenceTag::ThirdPartyAdvisory,
                ],
            },
            ReferenceInput {
                url: "https://example.com/security/2026-001?lang=en#fix".into(),
                name: None,
                tags: vec![ReferenceTag::VendorAdvisory, ReferenceTag::Patch],
            },
        ],
        metrics: vec![CvssMetricInput {
            // Given out of order: written in canonical order.
            vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/I:L/C:L/A:N".into(),
            version: Version::V3_1,
            base_score: score(54),
            base_severity: Severity::Medium,
        }],
        finder: Some(FinderInput {
            name: FINDER.into(),
            organization: Some(FINDER_ORG.into()),
            public_credit: true,
        }),
        solution: Some(Localized::new([
            "Upgrade to 2.4.1 or later.",
            "請更新至 2.4.1 或更新版本。",
        ])),
        discovery: Some(Discovery::External),
    }
}

fn emit(input: &CveRecordInput) -> Value {
    let record = cve_record(input).expect("record builds");
    serde_json::to_value(&record).expect("record serializes")
}

#[test]
fn full_record_is_valid_and_complete() {
    let v = emit(&full_input());
    assert_valid(&v);

    assert_eq!(v["dataType"], "CVE_RECORD");
    assert_eq!(v["dataVersion"], "5.1");
    let meta = &v["cveMetadata"];
    assert_eq!(meta["cveId"], "CVE-2026-12345");
    assert_eq!(meta["assignerOrgId"], ORG);
    assert_eq!(meta["assignerShortName"], "TWCERT");
    assert_eq!(meta["state"], "PUBLISHED");
    assert_eq!(meta["dateReserved"], "2026-01-05T03:00:00.000000Z");
    assert_eq!(meta["datePublished"], "2026-04-20T01:30:00.123456Z");
    assert_eq!(meta["dateUpdated"], "2026-04-21T00:00:00.000000Z");

    let cna = &v["containers"]["cna"];
    assert_eq!(
        cna["providerMetadata"],
        json!({"orgId": ORG, "shortName": "TWCERT", "dateUpdated": "2026-04-21T00:00:00.000000Z"})
    );
    assert_eq!(cna["descriptions"][0]["lang"], "en");
    assert_eq!(cna["descriptions"][1]["lang"], "zh-TW");
    assert_eq!(cna["descriptions"].as_array().map(Vec::len), Some(2));

    let versions = &cna["affected"][0]["versions"];
    assert_eq!(
        versions[0],
        json!({"version": "0", "status": "affected", "versionType": "semver", "lessThan": "2.4.1"})
    );
    assert_eq!(
        versions[1],
        json!({"version": "3.0.0", "status": "affected", "versionType": "custom",
               "lessThanOrEqual": "3.0.2"})
    );
    assert_eq!(
        versions[2],
        json!({"version": "2.4.1", "status": "unaffected"})
    );
    assert_eq!(cna["affected"][0]["defaultStatus"], "unaffected");

    let pt = &cna["problemTypes"][0]["descriptions"];
    assert_eq!(pt[0]["type"], "CWE");
    assert_eq!(pt[0]["cweId"], "CWE-79");
    assert_eq!(pt[1]["lang"], "zh-TW");
    assert_eq!(pt[1]["cweId"], "CWE-79");

    // Repeated tags are written once.
    assert_eq!(
        cna["references"][0]["tags"],
        json!(["third-party-advisory", "government-resource"])
    );
    assert!(cna["references"][1].get("name").is_none());

    assert_eq!(
        cna["metrics"],
        json!([{"format": "CVSS", "cvssV3_1": {
            "version": "3.1",
            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
            "baseScore": 5.4,
            "baseSeverity": "MEDIUM"
        }}])
    );
    assert_eq!(
        cna["credits"],
        // A name in Han characters is tagged as Chinese text.
        json!([{"lang": "zh-TW", "value": "王小明 (Example Security Lab)", "type": "finder"}])
    );
    assert_eq!(cna["solutions"][1]["value"], "請更新至 2.4.1 或更新版本。");
    assert_eq!(cna["source"], json!({"discovery": "EXTERNAL"}));
    assert_eq!(cna["title"], "Stored XSS in Example Router web console");
    assert_eq!(cna["datePublic"], "2026-04-20T00:00:00.000000Z");
}

#[test]
fn cvss_4_0_record_is_valid() {
    let mut input = full_input();
    input.metrics = vec![CvssMetricInput {
        // Base metrics out of order plus a threat metric: written in the order the
        // schema's pattern demands.
        vector: "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P".into(),
        version: Version::V4_0,
        base_score: score(93),
        base_severity: Severity::Critical,
    }];
    let v = emit(&input);
    assert_valid(&v);
    let m = &v["containers"]["cna"]["metrics"][0];
    assert_eq!(
        m["cvssV4_0"],
        json!({
            "version": "4.0",
            "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P",
            "baseScore": 9.3,
            "baseSeverity": "CRITICAL"
        })
    );
    assert!(m.get("cvssV3_1").is_none());
}

#[test]
fn cvss_3_0_record_is_valid() {
    let mut input = full_input();
    // The seed's example: tocsin's score 7.6, not the 7.5 the reporter claimed.
    input.metrics = vec![CvssMetricInput {
        vector: "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H".into(),
        version: Version::V3_0,
        base_score: score(76),
        base_severity: Severity::High,
    }];
    let v = emit(&input);
    assert_valid(&v);
    let m = &v["containers"]["cna"]["metrics"][0]["cvssV3_0"];
    assert_eq!(m["version"], "3.0");
    assert_eq!(m["baseScore"], 7.6);
    assert_eq!(m["baseSeverity"], "HIGH");
}

#[test]
fn all_three_versions_and_no_severity_in_one_record() {
    let mut input = full_input();
    input.metrics.push(CvssMetricInput {
        vector: "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N".into(),
        version: Version::V3_0,
        base_score: score(0),
        base_severity: Severity::None,
    });
    input.metrics.push(CvssMetricInput {
        vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
        version: Version::V4_0,
        base_score: score(93),
        base_severity: Severity::Critical,
    });
    let v = emit(&input);
    assert_valid(&v);
    assert_eq!(
        v["containers"]["cna"]["metrics"][1]["cvssV3_0"]["baseScore"],
        0.0
    );
}

#[test]
fn record_without_cwe_is_valid() {
    let mut input = full_input();
    input.problem_types = vec![ProblemTypeInput {
        cwe_id: None,
        description: Localized::one("Hard-coded maintenance password"),
    }];
    let v = emit(&input);
    assert_valid(&v);
    let pt = &v["containers"]["cna"]["problemTypes"];
    assert_eq!(
        pt,
        &json!([{"descriptions": [
            {"lang": "en", "description": "Hard-coded maintenance password", "type": "text"}
        ]}])
    );
}

#[test]
fn minimal_record_is_valid() {
    let mut input = full_input();
    input.date_reserved = None;
    input.date_public = None;
    input.title = Some("   ".into());
    input.description = Localized::new(["An English description only.", ""]);
    input.affected[0].versions.clear();
    input.affected[0].default_status = VersionStatus::Affected;
    input.problem_types.clear();
    input.references.truncate(1);
    input.references[0].tags.clear();
    input.metrics.clear();
    input.finder = None;
    input.solution = None;
    input.discovery = None;
    let v = emit(&input);
    assert_valid(&v);
    let cna = v["containers"]["cna"].as_object().expect("object");
    let mut keys: Vec<&str> = cna.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["affected", "descriptions", "providerMetadata", "references"]
    );
    assert!(v["cveMetadata"].get("dateReserved").is_none());
}

#[test]
fn declined_credit_names_the_finder_nowhere() {
    let mut input = full_input();
    input.finder = Some(FinderInput {
        name: FINDER.into(),
        organization: Some(FINDER_ORG.into()),
        public_credit: false,
    });
    let v = emit(&input);
    assert_valid(&v);
    assert!(v["containers"]["cna"].get("credits").is_none());
    let text = serde_json::to_string(&v).expect("serializes");
    assert!(!text.contains(FINDER), "finder's name in {text}");
    assert!(
        !text.contains(FINDER_ORG),
        "finder's organization in {text}"
    );
    assert!(!text.contains("credits"));
    // The same input with consent does name them: the assertion above is not vacuous.
    input.finder = input.finder.map(|f| FinderInput {
        public_credit: true,
        ..f
    });
    let named = serde_json::to_string(&emit(&input)).expect("serializes");
    assert!(named.contains(FINDER) && named.contains(FINDER_ORG));
}

#[test]
fn credit_without_organization() {
    let mut input = full_input();
    input.finder = Some(FinderInput {
        name: " Alice Chen ".into(),
        organization: Some(" ".into()),
        public_credit: true,
    });
    let v = emit(&input);
    assert_valid(&v);
    assert_eq!(v["containers"]["cna"]["credits"][0]["value"], "Alice Chen");
    assert_eq!(v["containers"]["cna"]["credits"][0]["lang"], "en");
}

#[test]
fn validator_refuses_broken_records() {
    let good = emit(&full_input());
    assert_valid(&good);

    let mut no_id = good.clone();
    if let Some(meta) = no_id["cveMetadata"].as_object_mut() {
        meta.remove("cveId");
    }
    assert_refused_at(&no_id, "/cveMetadata");

    let mut bad_id = good.clone();
    bad_id["cveMetadata"]["cveId"] = json!("CVE-26-1");
    assert_refused_at(&bad_id, "/cveMetadata/cveId");

    let mut v7_org = good.clone();
    v7_org["cveMetadata"]["assignerOrgId"] = json!("01900000-0000-7000-8000-000000000001");
    assert_refused_at(&v7_org, "/cveMetadata/assignerOrgId");

    let mut no_english = good.clone();
    no_english["containers"]["cna"]["descriptions"] =
        json!([{"lang": "zh-TW", "value": "只有中文"}]);
    assert_refused_at(&no_english, "/containers/cna/descriptions");

    let mut wrong_band = good.clone();
    wrong_band["containers"]["cna"]["metrics"][0]["cvssV3_1"]["baseSeverity"] = json!("HIGH");
    assert_refused_at(&wrong_band, "/containers/cna/metrics/0/cvssV3_1");

    let mut lower_case = good.clone();
    lower_case["containers"]["cna"]["metrics"][0]["cvssV3_1"]["baseSeverity"] = json!("Medium");
    assert_refused_at(
        &lower_case,
        "/containers/cna/metrics/0/cvssV3_1/baseSeverity",
    );

    let mut two_decimals = good.clone();
    two_decimals["containers"]["cna"]["metrics"][0]["cvssV3_1"]["baseScore"] = json!(5.45);
    assert_refused_at(
        &two_decimals,
        "/containers/cna/metrics/0/cvssV3_1/baseScore",
    );

    let mut bad_url = good.clone();
    bad_url["containers"]["cna"]["references"][0]["url"] = json!("not a uri");
    assert_refused_at(&bad_url, "/containers/cna/references/0/url");

    let mut range_without_type = good.clone();
    if let Some(v) =
        range_without_type["containers"]["cna"]["affected"][0]["versions"][0].as_object_mut()
    {
        v.remove("versionType");
    }
    assert_refused_at(&range_without_type, "/containers/cna/affected/0/versions/0");

    let mut credit_with_email = good.clone();
    credit_with_email["containers"]["cna"]["credits"][0]["email"] = json!("a@example.org");
    assert_refused_at(&credit_with_email, "/containers/cna/credits/0");

    let mut unknown_key = good;
    unknown_key["containers"]["cna"]["reporterEmail"] = json!("a@example.org");
    assert_refused_at(&unknown_key, "/containers/cna");
}

#[test]
fn bad_inputs_are_refused_naming_the_field() {
    fn field_of(change: impl FnOnce(&mut CveRecordInput)) -> String {
        let mut input = full_input();
        change(&mut input);
        match cve_record(&input) {
            Ok(_) => String::from("(accepted)"),
            Err(e) => e.field().to_owned(),
        }
    }
    assert_eq!(field_of(|i| i.cve_id = "CVE-2026-1".into()), "cve_id");
    assert_eq!(
        field_of(|i| i.assigner_org_id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001)),
        "assigner_org_id"
    );
    assert_eq!(
        field_of(|i| i.assigner_short_name = "T".into()),
        "assigner_short_name"
    );
    assert_eq!(
        field_of(|i| i.assigner_short_name = "x".repeat(33)),
        "assigner_short_name"
    );
    assert_eq!(
        field_of(|i| i.description = Localized::one(" \n")),
        "description.en"
    );
    assert_eq!(
        field_of(|i| i.description.texts[0] = "x".repeat(4097)),
        "description[0]"
    );
    // A Chinese text alone is no English description, whatever its place.
    assert_eq!(
        field_of(|i| i.description = Localized::one("只有中文說明")),
        "description.en"
    );
    assert_eq!(field_of(|i| i.date_published = None), "date_published");
    assert_eq!(field_of(|i| i.title = Some("t".repeat(257))), "title");
    assert_eq!(field_of(|i| i.affected.clear()), "affected");
    assert_eq!(
        field_of(|i| i.affected[0].vendor.clear()),
        "affected[0].vendor"
    );
    assert_eq!(
        field_of(|i| i.affected[0].versions[0].upper = Some(UpperBound::LessThan(String::new()))),
        "affected[0].versions[0].less_than"
    );
    assert_eq!(
        field_of(|i| {
            let v = i.affected[0].versions[0].clone();
            i.affected[0].versions.push(v);
        }),
        "affected[0].versions[3]"
    );
    assert_eq!(
        field_of(|i| i.problem_types[0].cwe_id = Some("79".into())),
        "problem_types[0].cwe_id"
    );
    assert_eq!(field_of(|i| i.references.clear()), "references");
    assert_eq!(
        field_of(|i| i.references[1].url = "javascript:alert(1)".into()),
        "references[1].url"
    );
    assert_eq!(
        field_of(|i| i.references[1].url = i.references[0].url.clone()),
        "references[1]"
    );
    assert_eq!(
        field_of(|i| i.metrics[0].base_severity = Severity::High),
        "metrics[0].base_severity"
    );
    assert_eq!(
        field_of(|i| i.metrics[0].version = Version::V3_0),
        "metrics[0].vector"
    );
    assert_eq!(
        field_of(|i| i.metrics[0].vector = "CVSS:3.1/AV:N/AC:L".into()),
        "metrics[0].vector"
    );
    assert_eq!(
        field_of(|i| i.date_published = Some(ts("1899-12-31T23:59:59Z"))),
        "date_published"
    );
    assert_eq!(
        field_of(|i| i.finder.as_mut().map(|f| f.name.clear()).unwrap_or(())),
        "finder.name"
    );
    // A declined credit's empty name does not matter: it is not used.
    assert_eq!(
        field_of(|i| {
            i.finder = Some(FinderInput {
                name: String::new(),
                organization: None,
                public_credit: false,
            })
        }),
        "(accepted)"
    );
    let err = cve_record(&CveRecordInput {
        cve_id: "bad".into(),
        ..full_input()
    });
    assert!(matches!(err, Err(CveRecordError::Invalid { .. })));
}

#[test]
fn record_round_trips_through_serde() {
    let record = cve_record(&full_input()).expect("builds");
    let text = serde_json::to_string_pretty(&record).expect("serializes");
    let back: tocsin_formats::cve_record::CveRecord =
        serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, record);
}

/// Any text, control characters included, sometimes blank or near the length limits.
fn any_text(max: usize) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        12 => prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => Just(String::from(" \t")),
        1 => (max - 1..max + 2).prop_map(|n| "é".repeat(n)),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever the texts, the builder either refuses the input or makes a valid record.
    #[test]
    fn built_records_are_always_valid(
        title in any_text(256),
        en in any_text(4096),
        zh in any_text(4096),
        vendor in any_text(512),
        product in any_text(2048),
        version in any_text(1024),
        upper in any_text(1024),
        version_type in any_text(128),
        reference_name in any_text(512),
        finder in any_text(4096),
        org in any_text(4096),
        short_name in any_text(32),
    ) {
        let mut input = full_input();
        input.title = Some(title);
        input.description = Localized::new([en, zh]);
        input.affected[0].vendor = vendor;
        input.affected[0].product = product;
        input.affected[0].versions[0].version = version;
        input.affected[0].versions[0].upper = Some(UpperBound::LessThan(upper));
        input.affected[0].versions[0].version_type = Some(version_type);
        input.references[0].name = Some(reference_name);
        input.finder = Some(FinderInput { name: finder, organization: Some(org), public_credit: true });
        input.assigner_short_name = short_name;
        if let Ok(record) = cve_record(&input) {
            let v = serde_json::to_value(&record).expect("serializes");
            let (valid, errors) = schema_errors(&v);
            proptest::prop_assert!(valid && errors.is_empty(), "{errors:#?}");
        }
    }
}

#[test]
fn texts_are_tagged_with_the_language_they_are_in() {
    let mut input = full_input();
    // The Chinese text comes first and the English second: each gets its own tag, and the
    // English one is still written first.
    input.description = Localized::new([
        "IP CAM 網頁介面未驗證參數，可執行任意指令。",
        "The IP CAM web interface runs commands from a parameter.",
        "A second English text is dropped.",
    ]);
    // A problem type and a solution in Chinese only: tagged zh-TW, never en.
    input.problem_types = vec![ProblemTypeInput {
        cwe_id: Some("CWE-78".into()),
        description: Localized::one("CWE-78 作業系統命令注入"),
    }];
    input.solution = Some(Localized::one("請更新至 1.25 版。"));
    let v = emit(&input);
    assert_valid(&v);
    let cna = &v["containers"]["cna"];
    assert_eq!(
        cna["descriptions"],
        json!([
            {"lang": "en", "value": "The IP CAM web interface runs commands from a parameter."},
            {"lang": "zh-TW", "value": "IP CAM 網頁介面未驗證參數，可執行任意指令。"},
        ])
    );
    assert_eq!(
        cna["problemTypes"],
        json!([{"descriptions": [
            {"lang": "zh-TW", "description": "CWE-78 作業系統命令注入", "type": "CWE", "cweId": "CWE-78"}
        ]}])
    );
    assert_eq!(
        cna["solutions"],
        json!([{"lang": "zh-TW", "value": "請更新至 1.25 版。"}])
    );
    // No English description at all: refused (the schema demands one), naming it.
    input.description = Localized::new(["只有中文說明。", "還是中文。"]);
    assert_eq!(
        cve_record(&input)
            .map(|_| ())
            .map_err(|e| e.field().to_owned()),
        Err("description.en".to_string())
    );
    assert!(!input.description.has_english());
    assert!(Localized::new(["中文", "English"]).has_english());
}

#[test]
fn before_publication_only_the_cna_container_is_built() {
    let mut input = full_input();
    input.date_published = None;
    input.date_public = None;
    // No record claims a publication that has not happened.
    assert_eq!(
        cve_record(&input)
            .map(|_| ())
            .map_err(|e| e.field().to_owned()),
        Err("date_published".to_string())
    );
    let container = cna_container(&input).expect("container builds");
    let v = serde_json::to_value(&container).expect("serializes");
    let errors = errors_of(&definition_validator("cnaPublishedContainer"), &v);
    assert!(errors.is_empty(), "{errors:#?}\n{v:#}");
    let text = v.to_string();
    for absent in ["cveMetadata", "PUBLISHED", "datePublished", "datePublic"] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }
    assert_eq!(v["descriptions"][0]["lang"], "en");
    // The same container is the published record's.
    input.date_published = Some(ts("2026-04-20T01:30:00Z"));
    let record = cve_record(&input).expect("record builds");
    assert_eq!(record.containers.cna, container);
}

fn rejected_input() -> RejectedInput {
    RejectedInput {
        cve_id: "CVE-2026-12345".into(),
        assigner_org_id: Uuid::parse_str(ORG).expect("uuid"),
        assigner_short_name: "TWCERT".into(),
        date_reserved: None,
        date_published: None,
        date_rejected: ts("2026-05-02T03:04:05Z"),
        date_updated: ts("2026-05-02T03:04:05Z"),
        reasons: Localized::new([
            "此編號不予使用：經查並非安全性漏洞。",
            "DO NOT USE THIS CVE ID NUMBER. Further investigation showed that it was not a \
             security issue.",
        ]),
    }
}

#[test]
fn rejected_records_are_valid() {
    let record = rejected_record(&rejected_input()).expect("builds");
    let v = serde_json::to_value(&record).expect("serializes");
    assert!(
        validator().is_valid(&v),
        "{:#?}\n{v:#}",
        errors_of(
            &build(&{
                let mut s = schema();
                let rejected = s["oneOf"][1].clone();
                assert_eq!(rejected["title"], "Rejected");
                s["oneOf"] = json!([rejected]);
                s
            }),
            &v
        )
    );
    let meta = &v["cveMetadata"];
    assert_eq!(meta["state"], "REJECTED");
    assert_eq!(meta["cveId"], "CVE-2026-12345");
    assert_eq!(meta["dateRejected"], "2026-05-02T03:04:05.000000Z");
    assert!(meta.get("datePublished").is_none());
    let reasons = &v["containers"]["cna"]["rejectedReasons"];
    assert_eq!(reasons[0]["lang"], "en");
    assert!(
        reasons[0]["value"]
            .as_str()
            .is_some_and(|r| r.starts_with("DO NOT USE"))
    );
    assert_eq!(reasons[1]["lang"], "zh-TW");
    let keys: Vec<&String> = v["containers"]["cna"]
        .as_object()
        .expect("object")
        .keys()
        .collect();
    assert_eq!(
        keys.len(),
        2,
        "only providerMetadata and rejectedReasons: {keys:?}"
    );

    // The container alone, as `cve reject` submits it.
    let container =
        serde_json::to_value(rejected_container(&rejected_input()).expect("builds")).expect("json");
    let errors = errors_of(&definition_validator("cnaRejectedContainer"), &container);
    assert!(errors.is_empty(), "{errors:#?}");

    // Without its reasons the schema refuses it: the check above is not vacuous.
    let mut no_reasons = v.clone();
    if let Some(cna) = no_reasons["containers"]["cna"].as_object_mut() {
        cna.remove("rejectedReasons");
    }
    assert!(!validator().is_valid(&no_reasons));

    // An English reason is required, as for a description.
    let mut input = rejected_input();
    input.reasons = Localized::one("並非漏洞");
    assert_eq!(
        rejected_record(&input)
            .map(|_| ())
            .map_err(|e| e.field().to_owned()),
        Err("reasons.en".to_string())
    );
    input.reasons = Localized::one("  ");
    assert!(rejected_record(&input).is_err());
    // A record published before its rejection says when.
    let mut input = rejected_input();
    input.date_published = Some(ts("2026-04-20T01:30:00Z"));
    let v = serde_json::to_value(rejected_record(&input).expect("builds")).expect("json");
    assert!(validator().is_valid(&v));
    assert_eq!(
        v["cveMetadata"]["datePublished"],
        "2026-04-20T01:30:00.000000Z"
    );
}

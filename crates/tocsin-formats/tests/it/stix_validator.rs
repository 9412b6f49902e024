//! Exported STIX bundles pass the OASIS stix2-validator with no errors: the intel fixtures
//! at every TLP level, a record with indicators of every kind, phishing URLs and advisories
//! are written to a temporary folder and checked by `tests/stix/validate_bundles.py`.
//! The validator is a Python package (tests/requirements.txt, installed by scripts/test);
//! when it is missing this test fails, it does not skip.

use std::path::PathBuf;
use std::process::Command;

use tocsin_domain::{Timestamp, Tlp};
use tocsin_formats::intel_form;
use tocsin_formats::stix::{self, AdvisorySource, IntelSource, PhishingSource};
use uuid::Uuid;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("time")
}

/// The bundles to check, by file name.
fn bundles() -> Vec<(String, String)> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&data)
        .expect("tests/data")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("intel-") && n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut n = 0u128;
    for name in names {
        let bytes = std::fs::read(data.join(&name)).expect("fixture");
        let Ok(record) = intel_form::parse_bytes(&bytes).input.validate() else {
            continue; // The fixtures of malformed forms.
        };
        for &tlp in Tlp::ALL {
            n += 1;
            let mut r = record.clone();
            r.tlp = tlp;
            let src = IntelSource {
                record_id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n),
                record: &r,
                created: at("2026-12-01T02:00:00Z"),
                modified: at("2026-12-01T02:30:00.5Z"),
            };
            out.push((format!("{name}-{tlp}.json"), stix::intel_bundle(&src)));
        }
    }
    // Indicators of every kind, CVE ids and references.
    let mut input =
        intel_form::parse_bytes(&std::fs::read(data.join("intel-example.txt")).expect("fixture"))
            .input;
    input.content =
        "C2 198.51.100.7 與 2001:db8::1、網段 10.0.0.0/8、hxxps://evil-c2[.]com/gate.php?id='1'、\
        bad.example.com.tw、soc@bank.com.tw、d41d8cd98f00b204e9800998ecf8427e、\
        da39a3ee5e6b4b0d3255bfef95601890afd80709、\
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855、CVE-2026-12345"
            .into();
    input.references = "https://www.example.org/advisory/1\nCVE-2026-12345".into();
    input.dispatch_id = "N-ISAC-2026-0001".into();
    let record = input.validate().expect("valid");
    let src = IntelSource {
        record_id: Uuid::from_u128(1),
        record: &record,
        created: at("2026-12-01T02:00:00Z"),
        modified: at("2026-12-01T02:00:00Z"),
    };
    out.push(("every-kind.json".into(), stix::intel_bundle(&src)));

    let t = at("2026-12-01T00:00:00Z");
    let phishing: Vec<PhishingSource> = Tlp::ALL
        .iter()
        .enumerate()
        .map(|(i, &tlp)| PhishingSource {
            case_id: Uuid::from_u128(100 + i as u128),
            url: format!("https://examp1e{i}.com/login?next=/a'b"),
            brand: (i % 2 == 0).then(|| "Example Bank 範例銀行".to_string()),
            tlp,
            verified_at: t,
            modified: t,
        })
        .collect();
    out.push((
        "phishing.json".into(),
        stix::bundle(&stix::phishing_objects("TWCERT/CC", &phishing)),
    ));
    let advisories = vec![AdvisorySource {
        case_id: Uuid::from_u128(200),
        cve_ids: vec!["CVE-2026-12345".into(), "CVE-2026-0001".into()],
        title: "某路由器遠端程式碼執行".into(),
        description: "A flaw".into(),
        url: Some("https://www.example.org/advisories/VUL-2026-000001".into()),
        published: t,
        modified: t,
    }];
    out.push((
        "advisories.json".into(),
        stix::bundle(&stix::advisory_objects("TWCERT/CC", &advisories)),
    ));
    out
}

#[test]
fn exported_bundles_pass_the_oasis_validator() {
    let dir = std::env::temp_dir().join(format!(
        "tocsin-stix-validator-{}-{}",
        std::process::id(),
        Timestamp::now().micros()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut files = Vec::new();
    for (name, text) in bundles() {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        files.push(path);
    }
    assert!(files.len() >= 10, "{} bundles", files.len());
    // A control the validator must refuse (a UUIDv7 id, which STIX does not allow), so
    // that a validator which checks nothing cannot pass this test.
    let control = dir.join("control-invalid.json");
    std::fs::write(
        &control,
        r#"{"type":"bundle","id":"bundle--0b7a5f5e-5b1e-4c8e-9a53-2b0c2f3f1d11","objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--0190aaaa-0000-7000-8000-000000000001","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '1.2.3.4']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}"#,
    )
    .expect("write");
    let script = repo_root().join("tests/stix/validate_bundles.py");
    let python = std::env::var("TOCSIN_PYTHON").unwrap_or_else(|_| "python3".into());
    let refused = Command::new(&python)
        .arg(&script)
        .arg(&control)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e} (the validator is required)"));
    let said = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "the control bundle must be found invalid (is stix2-validator installed? pip install -r tests/requirements.txt)\n{said}"
    );
    let out = Command::new(&python)
        .arg(&script)
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e} (the validator is required)"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    println!("{stdout}"); // The warnings, for whoever reads the log.
    assert!(
        out.status.success(),
        "stix2-validator found errors (or is not installed: pip install -r tests/requirements.txt)\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(&format!("{} valid, 0 invalid", files.len())),
        "{stdout}"
    );
}

/// MISP's own converter (misp-stix) imports every bundle without error, and what it would
/// use for detection (to_ids) is the threat, never a victim (受害IP) or a reference link:
/// the example's victims 203.0.113.5 and .6 and its advisory URL are not among them.
#[test]
fn misp_stix_imports_the_bundles_and_detects_only_the_threat() {
    let dir = std::env::temp_dir().join(format!(
        "tocsin-misp-stix-{}-{}",
        std::process::id(),
        Timestamp::now().micros()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut files = Vec::new();
    for (name, text) in bundles() {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        files.push(path);
    }
    let script = repo_root().join("tests/stix/misp_stix_import.py");
    let python = std::env::var("TOCSIN_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .arg(&script)
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e} (misp-stix is required)"));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "misp-stix refused a bundle (pip install -r tests/requirements.txt):\n{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Vec<&str> = said.lines().filter(|l| l.contains(": ids ")).collect();
    // The threat is detected: the C2 address of the example, in every intel bundle.
    assert!(
        ids.iter()
            .any(|l| l.contains("intel-example.txt-") && l.ends_with("ids ip-dst 198.51.100.7")),
        "{said}"
    );
    for l in &ids {
        assert!(
            !l.contains("203.0.113.5")
                && !l.contains("203.0.113.6")
                && !l.contains("example.org/advisory"),
            "a victim or a reference marked for detection: {l}"
        );
    }
    assert_eq!(
        said.lines().filter(|l| l.contains(" events=")).count(),
        files.len(),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

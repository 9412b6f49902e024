//! Team directory files in FIRST's and Trusted Introducer's shapes (our own fixtures in
//! `tests/data/teams`), the key check, and the round trip through our export.

use proptest::prelude::*;
use tocsin_formats::teams::{self, KeyError, Shape};

fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/teams")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn key() -> (String, String) {
    let key = String::from_utf8(data("jpcert-test-key.asc")).expect("utf-8");
    let fpr = String::from_utf8(data("jpcert-test-key.fpr")).expect("utf-8");
    (key, fpr.trim().to_string())
}

#[test]
fn a_first_teams_answer_is_read() {
    let dir = teams::parse(&data("first-teams.json")).expect("parse");
    assert_eq!(dir.shape, Shape::First);
    assert_eq!(dir.teams.len(), 3);
    let jp = &dir.teams[0];
    assert_eq!(jp.name, "JPCERT/CC");
    assert_eq!(jp.country, "JP");
    assert_eq!(jp.email, "info@jpcert.example");
    assert_eq!(jp.accreditation, "FIRST Full Member");
    assert_eq!(jp.constituency.cctlds, vec!["jp"]);
    assert_eq!(jp.constituency.cidrs, vec!["192.0.2.0/24"]);
    assert_eq!(jp.constituency.asns, vec![64500]);
    assert!(jp.pgp_key.contains("BEGIN PGP PUBLIC KEY BLOCK"));
    let pl = &dir.teams[1];
    assert_eq!(pl.constituency.domains, vec!["gov-pl.example"]);
    assert_eq!(pl.constituency.cctlds, vec!["pl"]);
    let mut broken = dir.teams[2].clone();
    let errors = broken.validate().expect_err("bad country and address");
    assert!(errors.get("country").is_some() && errors.get("email").is_some());
}

#[test]
fn a_trusted_introducer_export_is_read() {
    let dir = teams::parse(&data("ti-teams.json")).expect("parse");
    assert_eq!(dir.shape, Shape::TrustedIntroducer);
    assert_eq!(dir.teams.len(), 2);
    let eu = &dir.teams[0];
    assert_eq!(eu.name, "CERT-EU");
    assert_eq!(eu.country, "BE");
    assert_eq!(eu.accreditation, "Trusted Introducer accredited");
    assert_eq!(eu.constituency.countries, vec!["BE", "LU"]);
    assert_eq!(eu.constituency.asns, vec![64501]);
    let de = &dir.teams[1];
    // A comma-separated text list, with a ccTLD among the domains.
    assert_eq!(de.constituency.domains, vec!["dfn-de.example"]);
    assert_eq!(de.constituency.cctlds, vec!["de"]);
    assert_eq!(de.constituency.cidrs, vec!["203.0.113.128/25"]);
    assert_eq!(de.emergency_phone, "+49 40 000000");
    assert_eq!(de.accreditation, "Trusted Introducer certified");
}

#[test]
fn the_key_vouches_for_its_fingerprint_only() {
    let (key, fpr) = key();
    assert_eq!(teams::key_fingerprint(&key), Ok(fpr.clone()));
    // As directories write it: lower case, in groups.
    let spaced: String = fpr
        .to_lowercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(teams::check_key(&key, &spaced), Ok(fpr.clone()));
    assert_eq!(teams::check_key(&key, ""), Ok(fpr.clone()));
    let other = format!("0000{}", &fpr[4..]);
    assert_eq!(
        teams::check_key(&key, &other),
        Err(KeyError::Mismatch { actual: fpr })
    );
    assert!(matches!(
        teams::check_key("not a key", ""),
        Err(KeyError::Unreadable(_))
    ));
}

#[test]
fn our_export_reads_back_in_both_shapes() {
    for file in ["first-teams.json", "ti-teams.json"] {
        let mut dir = teams::parse(&data(file)).expect("parse");
        dir.teams.retain_mut(|t| t.validate().is_ok());
        for shape in [Shape::First, Shape::TrustedIntroducer] {
            let bytes = serde_json::to_vec(&teams::emit(shape, &dir.teams)).expect("json");
            let mut back = teams::parse(&bytes).expect("parse back");
            assert_eq!(back.shape, shape);
            for t in &mut back.teams {
                t.validate().expect("valid");
            }
            let names = |v: &[tocsin_domain::team::TeamInput]| {
                v.iter()
                    .map(|t| (t.name.clone(), t.email.clone(), t.constituency.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(&back.teams), names(&dir.teams), "{file} as {shape:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Whatever file an operator loads, reading it answers.
    #[test]
    fn reading_a_directory_never_panics(s in any::<String>(), team in "[a-z_-]{0,12}") {
        let _ = teams::parse(s.as_bytes());
        let wrapped = format!("{{\"data\":[{{\"{team}\":{}}}],\"teams\":[{{\"{team}\":[1,\"a\"]}}]}}", serde_json::Value::String(s.clone()));
        let _ = teams::parse(wrapped.as_bytes());
        let _ = teams::check_key(&s, &s);
    }
}

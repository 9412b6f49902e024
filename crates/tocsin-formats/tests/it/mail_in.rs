//! Inbound mail read from real-shaped messages (tests/data/mail, made by make-fixtures.py),
//! the limits that refuse MIME bombs, and no panic on any bytes.

use proptest::prelude::*;
use tocsin_formats::mail_in::{
    Automatic, DropReason, Dropped, Forwarded, ForwardedDate, Limits, Mailbox, Refused,
    authentication_verdicts, forwarded_date, parse, route_address, tracking_numbers,
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
    assert!(
        f.raw_headers
            .starts_with("Received: from mx.evil.example (203.0.113.66)")
    );
    assert!(!f.inline);
    assert_eq!(f.date, None, "it has no Date field");
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
    assert_eq!(m.dropped.len(), 1);
    assert_eq!(
        m.dropped[0].to_string(),
        "shot.png (256 bytes): larger than 100 bytes"
    );
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
    fn mangled_fixtures_never_panic(which in 0usize..13, cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..20)) {
        let names = ["multipart-attachments.eml", "big5-body.eml", "gb18030-body.eml", "utf16-attachment-no-charset.eml", "html-only.eml", "forwarded.eml", "reply-tracking.eml", "auto-reply.eml", "bounce.eml", "list.eml", "inline-outlook-zh.eml", "inline-apple.eml", "forwarded-encoded.eml"];
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

/// Nothing dropped without a trace: an attachment over the size limit and one over the
/// count limit, each with its size, reason and place in the stored message.
#[test]
fn dropped_attachments_are_listed_with_sizes_and_reasons() {
    let limits = Limits {
        max_attachment_bytes: 2048,
        max_attachments: 1,
        ..Limits::default()
    };
    let raw = eml("dropped-attachments.eml");
    let m = parse(&raw, None, &limits).expect("parse");
    let kept: Vec<&str> = m.attachments.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(kept, ["notes.txt"]);
    assert_eq!(
        m.dropped,
        [
            Dropped {
                filename: "evil.zip".into(),
                content_type: "application/zip".into(),
                size: 3072,
                reason: DropReason::TooLarge { max: 2048 },
                part_index: 0,
            },
            Dropped {
                filename: "report.pdf".into(),
                content_type: "application/pdf".into(),
                size: 13,
                reason: DropReason::TooMany { max: 1 },
                part_index: 2,
            },
        ]
    );
    assert_eq!(
        m.dropped[0].to_string(),
        "evil.zip (3072 bytes): larger than 2048 bytes"
    );
    assert_eq!(
        m.dropped[1].to_string(),
        "report.pdf (13 bytes): more than 1 attachments"
    );
    // `part_index` finds the part again in the stored message.
    let stored = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("stored message");
    for d in &m.dropped {
        let part = stored
            .attachment(d.part_index as u32)
            .expect("the part is there");
        assert_eq!(
            mail_parser::MimeHeaders::attachment_name(part),
            Some(d.filename.as_str())
        );
    }
    // Within the limits nothing is dropped.
    assert!(read("dropped-attachments.eml").dropped.is_empty());
}

#[test]
fn an_attached_forward_has_its_headers_decoded_and_as_sent() {
    let m = read("forwarded-encoded.eml");
    assert_eq!(m.forwarded.len(), 1);
    let f = &m.forwarded[0];
    assert!(!f.inline);
    assert_eq!(f.subject, "會員帳戶停用通知");
    assert_eq!(
        f.from,
        Some(Mailbox {
            name: "銀行客服".into(),
            email: "service@examp1e-bank.example".into()
        })
    );
    assert_eq!(f.date, Some(ForwardedDate::At(1_796_606_100)));
    let lines: Vec<&str> = f.headers.lines().collect();
    assert_eq!(
        lines,
        [
            "Received: from mx.evil.example (203.0.113.66) by mail.company.example.tw; Mon, 7 Dec 2026 09:15:02 +0800",
            "From: 銀行客服 <Service@Examp1e-Bank.example>",
            "To: staff@company.example.tw",
            "Subject: 會員帳戶停用通知",
            "Date: Mon, 7 Dec 2026 09:15:00 +0800",
            "Content-Type: text/plain; charset=utf-8",
        ]
    );
    assert!(
        f.raw_headers
            .contains("Subject: =?UTF-8?B?5pyD5ZOh?=\r\n =?UTF-8?B?")
    );
    assert!(f.raw_headers.contains("\tby mail.company.example.tw"));
    assert!(f.text.contains("hxxp://examp1e-bank[.]example/login"));
}

fn local(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> Option<ForwardedDate> {
    Some(ForwardedDate::Local {
        year,
        month,
        day,
        hour,
        minute,
    })
}

fn mb(name: &str, email: &str) -> Option<Mailbox> {
    Some(Mailbox {
        name: name.into(),
        email: email.into(),
    })
}

/// The inline forwards of a fixture, all marked inline, none attached.
fn inline(name: &str) -> Vec<Forwarded> {
    let m = read(name);
    assert!(m.forwarded.iter().all(|f| f.inline), "{name}");
    assert!(m.attachments.is_empty(), "{name}");
    m.forwarded
}

#[test]
fn gmail_inline_forwards() {
    let f = inline("inline-gmail-en.eml");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].from,
        mb("Bank Support", "support@examp1e-bank.example")
    );
    assert_eq!(f[0].subject, "Your account is locked");
    assert_eq!(f[0].date, local(2026, 12, 7, 9, 15));
    assert_eq!(
        f[0].text,
        "Dear customer,\nUnlock it at hxxp://examp1e-bank[.]example/unlock now."
    );
    assert_eq!(
        f[0].headers,
        "From: Bank Support <Support@Examp1e-Bank.example>\nDate: Mon, Dec 7, 2026 at 9:15 AM\nSubject: Your account is locked\nTo: <staff@company.example.tw>"
    );
    assert_eq!(f[0].raw_headers, f[0].headers);

    let f = inline("inline-gmail-zh.eml");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].from, mb("銀行客服", "service@examp1e-bank.example"));
    assert_eq!(f[0].subject, "帳戶異常通知");
    assert_eq!(f[0].date, local(2026, 12, 7, 9, 15));
    assert_eq!(
        f[0].text,
        "親愛的客戶您好：\n請點選 hxxp://examp1e-bank[.]example/verify 完成驗證。"
    );
}

#[test]
fn outlook_inline_forwards_one_inside_another() {
    let f = inline("inline-outlook-en.eml");
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[0].from,
        mb("Accounts Team", "accounts@invoices-examp1e.example")
    );
    assert_eq!(f[0].subject, "FW: Invoice overdue");
    assert_eq!(f[0].date, local(2026, 12, 7, 9, 15));
    assert_eq!(f[0].text, "Please see below.", "up to the next forward");
    assert_eq!(f[1].from, mb("Billing", "billing@invoices-examp1e.example"));
    assert_eq!(f[1].subject, "Invoice overdue");
    assert_eq!(f[1].date, local(2026, 12, 7, 8, 2));
    assert_eq!(f[1].text, "Pay at hxxp://invoices-examp1e[.]example/pay");

    let f = inline("inline-outlook-zh.eml");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].from, mb("銀行客服", "service@examp1e-bank.example"));
    assert_eq!(f[0].subject, "帳戶異常通知");
    assert_eq!(f[0].date, local(2026, 12, 7, 15, 20), "下午 03:20");
    assert_eq!(
        f[0].text,
        "我們偵測到異常登入，請至 hxxp://examp1e-bank[.]example/verify 驗證。"
    );
    // Outlook's block without a separator, with full-width colons.
    assert_eq!(f[1].from, mb("客服中心", "help@examp1e-bank.example"));
    assert_eq!(f[1].subject, "帳戶異常通知 (草稿)");
    assert_eq!(f[1].date, local(2026, 12, 7, 9, 15));
    assert_eq!(f[1].text, "草稿內容");
    assert!(f[1].headers.starts_with("寄件者: 客服中心 <help@"));
}

#[test]
fn apple_mail_quoted_inline_forwards() {
    let f = inline("inline-apple.eml");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].from, mb("DHL Express", "noreply@dhl-examp1e.example"));
    assert_eq!(f[0].subject, "Delivery failed");
    assert_eq!(f[0].date, Some(ForwardedDate::At(1_796_606_100)), "GMT+8");
    assert_eq!(
        f[0].text,
        "Your parcel is on hold: hxxp://dhl-examp1e[.]example/track"
    );
    assert_eq!(f[1].from, mb("物流中心", "center@dhl-examp1e.example"));
    assert_eq!(f[1].subject, "包裹待領");
    assert_eq!(f[1].date, local(2026, 12, 7, 8, 5));
    assert_eq!(f[1].text, "包裹待領通知");
}

#[test]
fn thunderbird_inline_forwards() {
    let f = inline("inline-thunderbird.eml");
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[0].from,
        mb("IT Helpdesk", "helpdesk@company-examp1e.example")
    );
    assert_eq!(f[0].subject, "Password expiry");
    assert_eq!(f[0].date, Some(ForwardedDate::At(1_796_606_100)));
    assert_eq!(
        f[0].text,
        "Your password expires today: hxxp://company-examp1e[.]example/reset"
    );
    assert_eq!(f[1].from, mb("資訊室", "it@company-examp1e.example"));
    assert_eq!(f[1].subject, "密碼到期");
    assert_eq!(f[1].date, local(2026, 12, 7, 8, 0));
    assert_eq!(f[1].text, "密碼到期通知");
}

#[test]
fn an_inline_forward_in_an_html_only_body() {
    let m = read("inline-html-only.eml");
    assert!(m.html_only);
    assert_eq!(m.forwarded.len(), 1, "{:?}", m.text);
    let f = &m.forwarded[0];
    assert!(f.inline);
    assert_eq!(f.from, mb("Bank Support", "support@examp1e-bank.example"));
    assert_eq!(f.subject, "Your account is locked");
    assert_eq!(f.date, local(2026, 12, 7, 9, 15));
    assert!(f.text.contains("Unlock it at"), "{:?}", f.text);
}

fn plain(body: &str) -> Vec<u8> {
    format!(
        "From: a@example.tw\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

#[test]
fn text_that_is_not_a_forward() {
    for body in [
        "From: the logs we saw a scan.\nSubject: later\n",
        "On Mon, Dec 7, 2026 at 9:15 AM Bank <a@b.example> wrote:\n> hello\n",
        "-- \nSignature\n",
        "________________________________\nNot a header\n",
        "Forwarded message\n",
    ] {
        let m = parse(&plain(body), None, &Limits::default()).expect("parse");
        assert!(m.forwarded.is_empty(), "{body:?}: {:?}", m.forwarded);
    }
    // Dash counts vary; a marker without a header block still begins a forward.
    let m = parse(
        &plain("x\n-----  Forwarded Message  -----\nbody\n"),
        None,
        &Limits::default(),
    )
    .expect("parse");
    assert_eq!(m.forwarded.len(), 1);
    assert_eq!(m.forwarded[0].from, None);
    assert_eq!(m.forwarded[0].text, "body");
}

#[test]
fn inline_mailboxes_in_the_forms_clients_write() {
    for (from, want) in [
        ("Name <A@B.example>", mb("Name", "a@b.example")),
        (
            "\"Name, Inc.\" <a@b.example>",
            mb("Name, Inc.", "a@b.example"),
        ),
        ("a@b.example", mb("", "a@b.example")),
        ("<a@b.example>", mb("", "a@b.example")),
        ("Name [mailto:a@b.example]", mb("Name", "a@b.example")),
        ("Name <mailto:a@b.example>", mb("Name", "a@b.example")),
        ("a@b.example <a@b.example>", mb("", "a@b.example")),
        ("Name Only", mb("Name Only", "")),
    ] {
        let body = format!("---------- Forwarded message ---------\nFrom: {from}\n\nx\n");
        let m = parse(&plain(&body), None, &Limits::default()).expect("parse");
        assert_eq!(m.forwarded.len(), 1, "{from}");
        assert_eq!(m.forwarded[0].from, want, "{from}");
    }
}

#[test]
fn forwarded_dates_in_the_forms_clients_write() {
    let at = |s| Some(ForwardedDate::At(s));
    for (text, want) in [
        ("Mon, 7 Dec 2026 09:15:00 +0800", at(1_796_606_100)),
        ("Mon, 7 Dec 2026 01:15:00 +0000 (UTC)", at(1_796_606_100)),
        ("Sun, 6 Dec 2026 17:15:00 -0800 (PST)", at(1_796_606_100)),
        ("7 Dec 2026 09:15:07 +0800", at(1_796_606_107)),
        ("Mon, Dec 7, 2026 at 9:15 AM", local(2026, 12, 7, 9, 15)),
        ("Mon, Dec 7, 2026 at 12:05 AM", local(2026, 12, 7, 0, 5)),
        ("Mon, Dec 7, 2026 at 12:05 PM", local(2026, 12, 7, 12, 5)),
        (
            "Monday, December 7, 2026 9:15 AM",
            local(2026, 12, 7, 9, 15),
        ),
        (
            "Monday, December 7, 2026 9:15 PM",
            local(2026, 12, 7, 21, 15),
        ),
        ("Mon 12/7/2026 9:15 AM", local(2026, 12, 7, 9, 15)),
        ("25/12/2026 09:15", local(2026, 12, 25, 9, 15)),
        (
            "Thursday, 28 October 2021 at 12:46",
            local(2021, 10, 28, 12, 46),
        ),
        ("December 7, 2026 at 9:15:00 AM GMT+8", at(1_796_606_100)),
        ("2026年12月7日 週一 上午9:15", local(2026, 12, 7, 9, 15)),
        ("2026年12月7日 上午 9:15", local(2026, 12, 7, 9, 15)),
        (
            "2026年12月7日 星期一 下午 03:20",
            local(2026, 12, 7, 15, 20),
        ),
        ("2026年12月7日 中午12:30", local(2026, 12, 7, 12, 30)),
        ("2026年12月7日 晚上 8:00", local(2026, 12, 7, 20, 0)),
        ("2026年１２月７日 下午３：２０", local(2026, 12, 7, 15, 20)),
        ("2026-12-07 09:15", local(2026, 12, 7, 9, 15)),
        ("2026-12-07 09:15 +08:00", at(1_796_606_100)),
        ("2026-12-07T09:15:00+08:00", at(1_796_606_100)),
        ("2026-12-07T01:15:00Z", at(1_796_606_100)),
        (
            "Tuesday, November 2, 2021, 09:26:50 AM GMT+1",
            at(1_635_841_610),
        ),
    ] {
        assert_eq!(forwarded_date(text), want, "{text}");
    }
    for text in [
        "",
        "yesterday",
        "Mon, Dec 7, 2026",
        "2026-02-30 09:15",
        "Mon, Dec 7, 2026 at 13:15 PM",
        "2026年12月7日",
        "12/7/2026 25:00",
        "next Monday at 9:15 AM",
    ] {
        assert_eq!(forwarded_date(text), None, "{text}");
    }
}

#[test]
fn plus_addressing_routes() {
    assert_eq!(
        route_address("Incident+Urgent@CERT.example"),
        (
            "incident@cert.example".to_string(),
            Some("Urgent".to_string())
        )
    );
    assert_eq!(
        route_address("  <Incident@CERT.example> "),
        ("incident@cert.example".to_string(), None)
    );
    assert_eq!(
        route_address("incident+@cert.example"),
        ("incident@cert.example".to_string(), None)
    );
    assert_eq!(
        route_address("phishing+INC-2026-000123@cert.example"),
        (
            "phishing@cert.example".to_string(),
            Some("INC-2026-000123".to_string())
        )
    );
    assert_eq!(
        route_address("a+b+c@cert.example"),
        ("a@cert.example".to_string(), Some("b+c".to_string())),
        "the tag runs from the first +"
    );
    assert_eq!(
        route_address("user@sub+domain.example"),
        ("user@sub+domain.example".to_string(), None),
        "a + in the domain is not a tag"
    );
}

/// Many markers in one text: the work stays bounded and the count capped.
#[test]
fn many_markers_stay_fast() {
    let body = "---------- Forwarded message ---------\nFrom: a@b.example\nSent: Mon 12/7/2026 9:15 AM\nSubject: s\n\nx\n"
        .repeat(20_000);
    let start = std::time::Instant::now();
    let m = parse(&plain(&body), None, &Limits::default()).expect("parse");
    assert_eq!(m.forwarded.len(), 50);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

fn text_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---------- Forwarded message ---------".to_string()),
        Just("-----原始郵件-----".to_string()),
        Just("> Begin forwarded message:".to_string()),
        Just("________________________________".to_string()),
        Just("寄件者： 銀行 <a@b.example>".to_string()),
        Just("From: Name [mailto:a@b.example]".to_string()),
        Just("Sent: Monday, December 7, 2026 9:15 AM".to_string()),
        Just("日期：2026年12月7日 週一 上午9:15".to_string()),
        Just("Subject: s".to_string()),
        Just(">> > ".to_string()),
        Just(String::new()),
        "[ -~>：年月日上午下午\t]{0,40}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Arbitrary text bodies, marker lines mixed in: never a panic, every forward inline
    /// and its text a part of the body.
    #[test]
    fn any_text_body_never_panics(lines in prop::collection::vec(text_line(), 0..40)) {
        let body = lines.join("\n");
        if let Ok(m) = parse(&plain(&body), None, &Limits::default()) {
            for f in &m.forwarded {
                prop_assert!(f.inline);
                prop_assert!(f.text.len() <= m.text.len());
            }
        }
    }

    #[test]
    fn any_date_text_never_panics(s in "[ -~年月日上午下午中晚週星期一：０-９]{0,60}") {
        let _ = forwarded_date(&s);
        let _ = route_address(&s);
    }
}

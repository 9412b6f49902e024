//! `render`: the headers a real mail reader needs, checked on the formatted bytes.

use base64::Engine as _;
use tocsin_mail::{MailError, OutgoingMail, render};

/// The header section of a message as (name, unfolded value) pairs.
fn headers(message: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(message);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    out
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Decodes RFC 2047 `=?utf-8?b?…?=` words; whitespace between two encoded words vanishes.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut prev_encoded = false;
    for (i, token) in value.split_whitespace().enumerate() {
        let lower = token.to_ascii_lowercase();
        let decoded = lower
            .strip_prefix("=?utf-8?b?")
            .and_then(|_| token.get(10..token.len().saturating_sub(2)))
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let encoded = decoded.is_some();
        if i > 0 && !(encoded && prev_encoded) {
            out.push(' ');
        }
        out.push_str(&decoded.unwrap_or_else(|| token.to_owned()));
        prev_encoded = encoded;
    }
    out
}

fn notice() -> OutgoingMail {
    OutgoingMail {
        from: "cert@cert.example".into(),
        from_name: Some("台灣電腦網路危機處理暨協調中心".into()),
        to: vec!["reporter@example.org".into(), "second@example.net".into()],
        subject: "通報已收到 INC-2026-000001".into(),
        text: "您好，\n\n我們已收到您的通報，編號 INC-2026-000001。\n".into(),
        html: None,
        in_reply_to: Some("original-1@reporter.example.org".into()),
        references: vec![
            "<thread-0@reporter.example.org>".into(),
            "original-1@reporter.example.org".into(),
        ],
        reply_to: None,
        auto_submitted: true,
        answers_message: false,
        attachments: vec![],
        list_unsubscribe: None,
        envelope_sender: None,
    }
}

/// A list message carries the one-click unsubscribe pair of RFC 8058, and its envelope
/// sender may differ from `From` (VERP) while `From` stays the desk's.
#[test]
fn list_messages_unsubscribe_in_one_click() -> anyhow::Result<()> {
    let m = OutgoingMail {
        list_unsubscribe: Some("https://cert.example/newsletter/unsubscribe/abc".into()),
        envelope_sender: Some("cert+nl-k1@cert.example".into()),
        ..notice()
    };
    let rendered = render(&m, "cert.example")?;
    let h = headers(&rendered.message);
    assert_eq!(
        header(&h, "List-Unsubscribe"),
        ["<https://cert.example/newsletter/unsubscribe/abc>"]
    );
    assert_eq!(
        header(&h, "List-Unsubscribe-Post"),
        ["List-Unsubscribe=One-Click"]
    );
    assert_eq!(rendered.sender, "cert+nl-k1@cert.example");
    assert!(header(&h, "From")[0].contains("cert@cert.example"));
    let bad = OutgoingMail {
        list_unsubscribe: Some("https://x>\r\nBcc: y@z".into()),
        ..notice()
    };
    assert!(render(&bad, "cert.example").is_err());
    assert!(
        header(
            &headers(&render(&notice(), "cert.example")?.message),
            "List-Unsubscribe"
        )
        .is_empty()
    );
    Ok(())
}

#[test]
fn attachments_make_a_mixed_message() {
    let mut m = notice();
    m.attachments = vec![tocsin_mail::MailAttachment {
        filename: "intel-EWA.txt".into(),
        content_type: "text/plain; charset=utf-8".into(),
        content: "情資種類：EWA\n".as_bytes().to_vec(),
    }];
    let out = tocsin_mail::render(&m, "cert.example").expect("render");
    let text = String::from_utf8_lossy(&out.message).to_string();
    assert!(text.contains("multipart/mixed"), "{text}");
    assert!(
        text.contains("Content-Disposition: attachment; filename=\"intel-EWA.txt\""),
        "{text}"
    );
    assert!(text.contains("text/plain; charset=utf-8"));
    // The attachment's bytes travel intact (lettre picks base64 for non-ASCII text).
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode("情資種類：EWA\n".as_bytes());
    assert!(text.contains(&b64), "{text}");
    m.attachments[0].content_type = "not a type".into();
    assert!(tocsin_mail::render(&m, "cert.example").is_err());
}

#[test]
fn render_writes_the_headers() -> anyhow::Result<()> {
    let rendered = render(&notice(), "cert.example")?;
    let h = headers(&rendered.message);

    // Message-ID: <uuidv7@domain>, stored without brackets.
    let (uuid, domain) = rendered
        .message_id
        .split_once('@')
        .ok_or_else(|| anyhow::anyhow!("message id {}", rendered.message_id))?;
    assert_eq!(domain, "cert.example");
    assert_eq!(uuid::Uuid::parse_str(uuid)?.get_version_num(), 7);
    assert_eq!(
        header(&h, "Message-ID"),
        [format!("<{}>", rendered.message_id)]
    );

    assert_eq!(header(&h, "Auto-Submitted"), ["auto-generated"]);
    // An acknowledgment of received mail says it answers one (RFC 3834).
    let answer = OutgoingMail {
        answers_message: true,
        ..notice()
    };
    let answered = render(&answer, "cert.example")?;
    assert_eq!(
        header(&headers(&answered.message), "Auto-Submitted"),
        ["auto-replied"]
    );
    // A message written to be answered: Reply-To the desk, no Auto-Submitted.
    let written = OutgoingMail {
        reply_to: Some("incident@cert.example".into()),
        auto_submitted: false,
        ..notice()
    };
    let written = headers(&render(&written, "cert.example")?.message);
    assert_eq!(header(&written, "Reply-To"), ["incident@cert.example"]);
    assert!(header(&written, "Auto-Submitted").is_empty());
    assert!(header(&h, "Reply-To").is_empty());
    assert_eq!(header(&h, "MIME-Version"), ["1.0"]);
    assert_eq!(header(&h, "Date").len(), 1);
    assert_eq!(
        header(&h, "In-Reply-To"),
        ["<original-1@reporter.example.org>"]
    );
    assert_eq!(
        header(&h, "References"),
        ["<thread-0@reporter.example.org> <original-1@reporter.example.org>"]
    );

    // The subject is encoded (the message is 7-bit) and decodes back exactly.
    let subject = header(&h, "Subject");
    assert_eq!(subject.len(), 1);
    assert!(subject[0].is_ascii());
    assert!(
        subject[0].to_ascii_lowercase().contains("=?utf-8?b?"),
        "{}",
        subject[0]
    );
    assert_eq!(decode_words(subject[0]), "通報已收到 INC-2026-000001");

    let from = header(&h, "From");
    assert_eq!(from.len(), 1);
    assert!(from[0].ends_with("<cert@cert.example>"), "{}", from[0]);
    assert!(decode_words(from[0]).starts_with("台灣電腦網路危機處理暨協調中心"));
    let to = header(&h, "To");
    assert_eq!(to.len(), 1);
    assert!(to[0].contains("reporter@example.org") && to[0].contains("second@example.net"));

    assert!(header(&h, "Content-Type")[0].starts_with("text/plain; charset=utf-8"));
    assert_eq!(header(&h, "Content-Transfer-Encoding").len(), 1);

    // The whole message is ASCII with CRLF line ends, and the row matches it.
    assert!(rendered.message.is_ascii());
    let text = String::from_utf8(rendered.message.clone())?;
    assert!(!text.replace("\r\n", "").contains('\n'));
    assert_eq!(rendered.sender, "cert@cert.example");
    assert_eq!(
        rendered.recipients,
        ["reporter@example.org", "second@example.net"]
    );
    assert_eq!(rendered.subject, "通報已收到 INC-2026-000001");
    Ok(())
}

#[test]
fn every_render_gets_a_new_message_id() -> anyhow::Result<()> {
    let a = render(&notice(), "cert.example")?;
    let b = render(&notice(), "cert.example")?;
    assert_ne!(a.message_id, b.message_id);
    Ok(())
}

#[test]
fn html_makes_an_alternative() -> anyhow::Result<()> {
    let mut m = notice();
    m.html = Some("<p>我們已收到您的通報。</p>".into());
    m.auto_submitted = false;
    m.in_reply_to = None;
    m.references.clear();
    let rendered = render(&m, "cert.example")?;
    let h = headers(&rendered.message);
    assert!(header(&h, "Content-Type")[0].starts_with("multipart/alternative"));
    assert!(header(&h, "Auto-Submitted").is_empty());
    assert!(header(&h, "In-Reply-To").is_empty());
    assert!(header(&h, "References").is_empty());
    let text = String::from_utf8(rendered.message)?;
    assert!(text.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(text.contains("Content-Type: text/html; charset=utf-8"));
    Ok(())
}

#[test]
fn no_header_injection_through_the_subject() -> anyhow::Result<()> {
    let mut m = notice();
    m.subject = "hello\r\nBcc: attacker@evil.example".into();
    let rendered = render(&m, "cert.example")?;
    let h = headers(&rendered.message);
    assert!(header(&h, "Bcc").is_empty());
    Ok(())
}

#[test]
fn bad_input_is_refused() {
    let mut m = notice();
    m.to.push("not an address".into());
    assert!(matches!(
        render(&m, "cert.example"),
        Err(MailError::Address { field: "to", value }) if value == "not an address"
    ));

    let mut m = notice();
    m.from = "cert@".into();
    assert!(matches!(
        render(&m, "cert.example"),
        Err(MailError::Address { field: "from", .. })
    ));

    let mut m = notice();
    m.to.clear();
    assert!(matches!(
        render(&m, "cert.example"),
        Err(MailError::NoRecipients)
    ));

    let mut m = notice();
    m.references.push("two words@x".into());
    assert!(matches!(
        render(&m, "cert.example"),
        Err(MailError::MessageId {
            field: "references",
            ..
        })
    ));

    assert!(matches!(
        render(&notice(), "cert.example>\r\nX: y"),
        Err(MailError::Domain(_))
    ));
}

//! Inbound mail: one RFC 5322 message read into what intake needs — who sent it to whom,
//! the decoded subject and text (HTML reduced to text, never rendered), attachments with
//! their raw bytes, forwarded messages, the threading headers, and whether it is automatic
//! mail (bounce, auto-reply, mailing list) that must never be answered. Limits on size,
//! parts and nesting refuse MIME bombs before anything is stored. No I/O; fuzzed.

use std::borrow::Cow;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use crate::text;

/// What a message may be before it is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The whole message, in bytes.
    pub max_bytes: usize,
    /// The header section of the message, in bytes.
    pub max_header_bytes: usize,
    /// MIME parts, nested messages' included.
    pub max_parts: usize,
    /// Nesting of multiparts and attached messages.
    pub max_depth: usize,
    /// Attachments kept.
    pub max_attachments: usize,
    /// One attachment, decoded.
    pub max_attachment_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 25 * 1024 * 1024,
            max_header_bytes: 256 * 1024,
            max_parts: 200,
            max_depth: 8,
            max_attachments: 20,
            max_attachment_bytes: 10 * 1024 * 1024,
        }
    }
}

/// Why a message is refused whole.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Larger than `max_bytes`.
    #[error("the message is {size} bytes, more than {max}")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The header section is larger than `max_header_bytes`.
    #[error("the header section is larger than {max} bytes")]
    HeadersTooLarge {
        /// The limit.
        max: usize,
    },
    /// More parts than `max_parts`.
    #[error("the message has more than {max} MIME parts")]
    TooManyParts {
        /// The limit.
        max: usize,
    },
    /// Nested deeper than `max_depth`.
    #[error("the message nests parts deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// Not a message: empty, or no header section.
    #[error("this is not an e-mail message (no header section)")]
    NotAMessage,
    /// The MIME library gave up on the structure (it panicked: seen with damaged
    /// multipart boundaries found by fuzzing).
    #[error("the MIME structure of the message is damaged and cannot be read")]
    Unreadable,
}

impl Refused {
    /// A stable code for logs, the mailgate's stderr and the held-mail list.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::TooLarge { .. } => "too_large",
            Refused::HeadersTooLarge { .. } => "headers_too_large",
            Refused::TooManyParts { .. } => "too_many_parts",
            Refused::TooDeep { .. } => "too_deep",
            Refused::NotAMessage => "not_a_message",
            Refused::Unreadable => "unreadable",
        }
    }
}

/// Mail no person wrote, which intake must not answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Automatic {
    /// A delivery report: null sender, mailer-daemon, multipart/report.
    Bounce,
    /// `Auto-Submitted` other than `no`, or an auto-responder's own headers.
    AutoReplied,
    /// A mailing list (`List-Id`, `List-Unsubscribe`, `Precedence: list`).
    List,
    /// `Precedence: bulk` or `junk`.
    Bulk,
}

/// A mailbox: display name and address (lower-cased).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Mailbox {
    /// The display name, decoded.
    pub name: String,
    /// The address, lower-cased.
    pub email: String,
}

/// An attached file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Its file name (`attachment.bin` when it has none).
    pub filename: String,
    /// Its declared type, e.g. `text/plain`.
    pub content_type: String,
    /// Its bytes, transfer encoding undone, charset untouched.
    pub bytes: Vec<u8>,
}

impl Attachment {
    /// Whether it looks like a text form (`.txt` or `text/plain`).
    pub fn is_text(&self) -> bool {
        self.content_type.eq_ignore_ascii_case("text/plain")
            || self.filename.to_ascii_lowercase().ends_with(".txt")
    }
}

/// A message attached to this one (forwarded as `message/rfc822`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forwarded {
    /// Its sender.
    pub from: Option<Mailbox>,
    /// Its subject.
    pub subject: String,
    /// Its text.
    pub text: String,
    /// Its header section, as sent (evidence of a phishing mail).
    pub headers: String,
}

/// A message as intake reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inbound {
    /// `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` ids.
    pub in_reply_to: Vec<String>,
    /// `References` ids.
    pub references: Vec<String>,
    /// `From`.
    pub from: Option<Mailbox>,
    /// `Reply-To`.
    pub reply_to: Option<Mailbox>,
    /// `To` and `Cc` addresses.
    pub recipients: Vec<Mailbox>,
    /// The subject, encoded words decoded.
    pub subject: String,
    /// `Date`, seconds since the epoch.
    pub date: Option<i64>,
    /// The text: the plain-text bodies, or the HTML reduced to text.
    pub text: String,
    /// There was no plain-text body; `text` comes from HTML.
    pub html_only: bool,
    /// Link targets (`href`) of the HTML bodies, which the text loses.
    pub links: Vec<String>,
    /// Attachments kept (within the limits).
    pub attachments: Vec<Attachment>,
    /// Attachments dropped for size or number, with the reason (`name: reason`).
    pub dropped: Vec<String>,
    /// Messages attached to this one.
    pub forwarded: Vec<Forwarded>,
    /// Set for mail no person wrote.
    pub automatic: Option<Automatic>,
    /// Text that could not be decoded cleanly (replacement characters were used).
    pub lossy: bool,
}

impl Inbound {
    /// The address to answer: `Reply-To`, else `From`.
    pub fn answer_to(&self) -> Option<&Mailbox> {
        self.reply_to.as_ref().or(self.from.as_ref())
    }

    /// Every id this message refers to: `In-Reply-To`, then `References`.
    pub fn thread_ids(&self) -> impl Iterator<Item = &str> {
        self.in_reply_to
            .iter()
            .chain(self.references.iter())
            .map(String::as_str)
    }
}

/// The length of the header section: up to the first empty line, or all of it.
fn header_len(raw: &[u8]) -> usize {
    let mut i = 0;
    while i < raw.len() {
        let end = raw[i..].iter().position(|&b| b == b'\n').map(|p| i + p);
        let Some(end) = end else {
            return raw.len();
        };
        let line = &raw[i..end];
        if line.is_empty() || line == b"\r" {
            return i;
        }
        i = end + 1;
    }
    raw.len()
}

/// The message without the delivery headers an MTA prepends for each recipient
/// (Postfix's pipe flags `R`, `D`, `O`, `F`: `Return-Path:`, `Delivered-To:`,
/// `X-Original-To:`, an mbox `From ` line): the same message delivered for incident@ and
/// for phishing@ differs only there, so what is left is its identity. Only the leading
/// run counts; the same fields further down came with the message.
pub fn identity(raw: &[u8]) -> &[u8] {
    const PREPENDED: [&[u8]; 3] = [b"return-path:", b"delivered-to:", b"x-original-to:"];
    let mut at = 0;
    let mut first = true;
    loop {
        let rest = &raw[at..];
        let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        let mbox = first && rest.starts_with(b"From ");
        if !mbox && !PREPENDED.iter().any(|p| starts(p)) {
            return rest;
        }
        first = false;
        // Skip the line and its continuation lines.
        let mut end = at;
        loop {
            match raw[end..].iter().position(|&b| b == b'\n') {
                Some(p) => end += p + 1,
                None => return &raw[raw.len()..],
            }
            if !matches!(raw.get(end), Some(b' ' | b'\t')) {
                break;
            }
        }
        at = end;
    }
}

/// An address as routes know it, and its `+tag`: `Incident+Urgent@CERT.example` is
/// (`incident@cert.example`, `Some("Urgent")`). Trimmed, angle brackets removed,
/// lower-cased but for the tag.
pub fn route_address(address: &str) -> (String, Option<String>) {
    let a = address.trim().trim_matches(['<', '>']).trim();
    let Some((local, domain)) = a.rsplit_once('@') else {
        return (a.to_lowercase(), None);
    };
    match local.split_once('+') {
        Some((base, tag)) => (
            format!("{base}@{domain}").to_lowercase(),
            (!tag.is_empty()).then(|| tag.to_string()),
        ),
        None => (a.to_lowercase(), None),
    }
}

/// The SPF, DKIM and DMARC verdicts our MTA wrote in the topmost `Authentication-Results`
/// header (RFC 8601), as `spf=pass dkim=fail dmarc=none`; empty when there is none. Only
/// the topmost counts: the receiving MTA prepends its own, and any header further down
/// came with the message and may be forged (the MTA should strip those). Shown to the
/// desk beside each message; never a reason by itself to trust one.
pub fn authentication_verdicts(raw: &[u8]) -> String {
    let head = String::from_utf8_lossy(&raw[..header_len(raw)]);
    // Unfold: a line starting with white space continues the previous field.
    let mut fields: Vec<String> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        } else {
            fields.push(line.trim_end().to_string());
        }
    }
    let Some(value) = fields.iter().find_map(|f| {
        let (name, value) = f.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("authentication-results")
            .then_some(value)
    }) else {
        return String::new();
    };
    // authserv-id [version]; method=result (comment) ptype.prop=value; …
    let mut out: Vec<String> = Vec::new();
    for clause in value.split(';').skip(1) {
        let Some((method, rest)) = clause.trim().split_once('=') else {
            continue;
        };
        let method = method.trim().to_ascii_lowercase();
        let result: String = rest
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if ["spf", "dkim", "dmarc", "arc"].contains(&method.as_str()) && !result.is_empty() {
            out.push(format!("{method}={result}"));
        }
    }
    out.join(" ")
}

/// Reads one message. `envelope_sender` is the SMTP `MAIL FROM` when the MTA gives it
/// (`""` for a bounce).
pub fn parse(
    raw: &[u8],
    envelope_sender: Option<&str>,
    limits: &Limits,
) -> Result<Inbound, Refused> {
    if raw.len() > limits.max_bytes {
        return Err(Refused::TooLarge {
            size: raw.len(),
            max: limits.max_bytes,
        });
    }
    match header_len(raw) {
        0 => return Err(Refused::NotAMessage),
        n if n > limits.max_header_bytes => {
            return Err(Refused::HeadersTooLarge {
                max: limits.max_header_bytes,
            });
        }
        _ => {}
    }
    // A header section must start with a field name and a colon.
    let first = raw.split(|&b| b == b'\n').next().unwrap_or_default();
    let colon = first.iter().position(|&b| b == b':');
    if !colon.is_some_and(|c| c > 0 && first[..c].iter().all(|b| b.is_ascii_graphic())) {
        return Err(Refused::NotAMessage);
    }
    // mail-parser panics on some damaged multipart structures; a panic must never reach
    // the intake path, so it becomes a refusal with a reason.
    let msg = std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .map_err(|_| Refused::Unreadable)?
        .ok_or(Refused::NotAMessage)?;
    check_shape(&msg, limits)?;

    let mut out = Inbound {
        message_id: msg.message_id().map(clean_id),
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        from: msg.from().and_then(first_mailbox),
        reply_to: msg.reply_to().and_then(first_mailbox),
        recipients: msg
            .to()
            .into_iter()
            .chain(msg.cc())
            .flat_map(|a| a.iter())
            .filter_map(mailbox)
            .collect(),
        subject: msg.subject().map(clean_line).unwrap_or_default(),
        date: msg.date().map(|d| d.to_timestamp()),
        text: String::new(),
        html_only: false,
        links: msg
            .html_bodies()
            .filter(|p| p.is_content_type("text", "html"))
            .filter_map(|p| p.text_contents())
            .flat_map(hrefs)
            .collect(),
        attachments: Vec::new(),
        dropped: Vec::new(),
        forwarded: Vec::new(),
        automatic: automatic(&msg, envelope_sender),
        lossy: false,
    };
    let (body, html_only, lossy) = body_text(&msg);
    out.text = body;
    out.html_only = html_only;
    out.lossy = lossy;

    for part in msg.attachments() {
        if let PartType::Message(inner) = &part.body {
            let (text, _, lossy) = body_text(inner);
            out.lossy |= lossy;
            let raw_inner = inner.raw_message();
            let hl = header_len(raw_inner);
            out.forwarded.push(Forwarded {
                from: inner.from().and_then(first_mailbox),
                subject: inner.subject().map(clean_line).unwrap_or_default(),
                text,
                headers: String::from_utf8_lossy(&raw_inner[..hl]).to_string(),
            });
        }
        let filename = part
            .attachment_name()
            .map(clean_line)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| match &part.body {
                PartType::Message(_) => "message.eml".to_string(),
                _ => "attachment.bin".to_string(),
            });
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(s) => format!("{}/{}", ct.ctype(), s),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_string())
            .to_ascii_lowercase();
        let bytes = raw_bytes(&msg, part);
        if bytes.len() > limits.max_attachment_bytes {
            out.dropped.push(format!(
                "{filename}: larger than {} bytes",
                limits.max_attachment_bytes
            ));
            continue;
        }
        if out.attachments.len() >= limits.max_attachments {
            out.dropped.push(format!(
                "{filename}: more than {} attachments",
                limits.max_attachments
            ));
            continue;
        }
        out.attachments.push(Attachment {
            filename,
            content_type,
            bytes,
        });
    }
    Ok(out)
}

/// Counts parts and measures nesting, nested messages included, without recursion.
fn check_shape(msg: &Message<'_>, limits: &Limits) -> Result<(), Refused> {
    let mut parts = 0usize;
    // (message, part index, depth)
    let mut stack: Vec<(&Message<'_>, usize, usize)> = vec![(msg, 0, 0)];
    while let Some((m, i, depth)) = stack.pop() {
        if depth > limits.max_depth {
            return Err(Refused::TooDeep {
                max: limits.max_depth,
            });
        }
        parts += 1;
        if parts > limits.max_parts {
            return Err(Refused::TooManyParts {
                max: limits.max_parts,
            });
        }
        let Some(part) = m.parts.get(i) else { continue };
        match &part.body {
            PartType::Multipart(children) => {
                for c in children {
                    // A part that lists itself or an ancestor would loop.
                    let c = *c as usize;
                    if c > i {
                        stack.push((m, c, depth + 1));
                    }
                }
            }
            PartType::Message(inner) => stack.push((inner, 0, depth + 1)),
            _ => {}
        }
    }
    Ok(())
}

/// A part's bytes with only the transfer encoding undone: text attachments keep their
/// charset, so the form parsers can detect it (UTF-16 without a charset, Big5).
fn raw_bytes(msg: &Message<'_>, part: &MessagePart<'_>) -> Vec<u8> {
    if let PartType::Message(inner) = &part.body {
        return inner.raw_message().to_vec();
    }
    let raw = msg.raw_message();
    let (start, end) = (part.offset_body as usize, part.offset_end as usize);
    let Some(body) = raw.get(start..end.max(start)) else {
        return part.contents().to_vec();
    };
    let decoded = match part.encoding {
        Encoding::Base64 => base64_decode(body),
        Encoding::QuotedPrintable => quoted_printable_decode(body),
        Encoding::None => Some(body.to_vec()),
    };
    decoded.unwrap_or_else(|| part.contents().to_vec())
}

/// The text of a message: its plain-text bodies, or its HTML reduced to text. A text part
/// without a declared charset whose bytes are not UTF-8 is decoded as a text file is.
fn body_text(msg: &Message<'_>) -> (String, bool, bool) {
    let mut out = String::new();
    let mut html_only = msg.text_body_count() > 0;
    let mut lossy = false;
    for (i, part) in msg.text_bodies().enumerate() {
        let is_html = part.is_content_type("text", "html");
        html_only &= is_html;
        let declared = part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .is_some();
        let text: Cow<'_, str> = if !is_html && !declared {
            let d = text::decode(&raw_bytes(msg, part));
            lossy |= d.lossy;
            Cow::Owned(d.text)
        } else {
            let t = msg.body_text(i).unwrap_or_default();
            lossy |= part.is_encoding_problem || t.contains('\u{FFFD}');
            t
        };
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&text::normalize_newlines(&text));
    }
    (out, html_only, lossy)
}

fn automatic(msg: &Message<'_>, envelope_sender: Option<&str>) -> Option<Automatic> {
    // Header names compared case-blind, as RFC 5322 has them; the first occurrence counts.
    let header = |name: &str| {
        msg.headers_raw()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    let null_sender = envelope_sender.is_some_and(|s| s.trim().trim_matches(['<', '>']).is_empty())
        || header("return-path").is_some_and(|v| v.trim_matches(['<', '>']).trim().is_empty());
    let daemon = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address.as_deref())
        .is_some_and(|a| {
            let local = a.split('@').next().unwrap_or_default().to_ascii_lowercase();
            local == "mailer-daemon" || local == "postmaster"
        });
    if null_sender || daemon || msg.root_part().is_content_type("multipart", "report") {
        return Some(Automatic::Bounce);
    }
    let auto_submitted = header("auto-submitted").is_some_and(|v| !v.starts_with("no"));
    if auto_submitted || header("x-autoreply").is_some() || header("x-autorespond").is_some() {
        return Some(Automatic::AutoReplied);
    }
    let precedence = header("precedence").unwrap_or_default();
    if header("list-id").is_some() || header("list-unsubscribe").is_some() || precedence == "list" {
        return Some(Automatic::List);
    }
    if precedence == "bulk" || precedence == "junk" {
        return Some(Automatic::Bulk);
    }
    None
}

/// The `href` values of an HTML text, entities `&amp;` undone; at most 500.
fn hrefs(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find("href") {
        let mut j = at + i + 4;
        at = j;
        let rest = lower[j..].trim_start();
        j += lower[j..].len() - rest.len();
        if !rest.starts_with('=') {
            continue;
        }
        j += 1;
        let rest = &html[j..];
        let trimmed = rest.trim_start();
        j += rest.len() - trimmed.len();
        let (quote, start) = match trimmed.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), j + 1),
            _ => (None, j),
        };
        let end = html[start..]
            .find(|c: char| match quote {
                Some(q) => c == q,
                None => c.is_whitespace() || c == '>',
            })
            .map_or(html.len(), |e| start + e);
        let link = html[start..end].trim().replace("&amp;", "&");
        if !link.is_empty() && out.len() < 500 {
            out.push(link);
        }
        at = end.max(at);
    }
    out
}

fn clean_id(s: &str) -> String {
    s.trim().trim_matches(['<', '>']).to_string()
}

fn ids(v: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match v {
        mail_parser::HeaderValue::Text(t) => vec![clean_id(t)],
        mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

/// One line of header text: controls (and line breaks) become spaces.
fn clean_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn mailbox(a: &mail_parser::Addr<'_>) -> Option<Mailbox> {
    let email = a.address.as_deref()?.trim().to_ascii_lowercase();
    if email.is_empty() || !email.contains('@') {
        return None;
    }
    Some(Mailbox {
        name: a.name.as_deref().map(clean_line).unwrap_or_default(),
        email,
    })
}

fn first_mailbox(a: &mail_parser::Address<'_>) -> Option<Mailbox> {
    a.iter().find_map(mailbox)
}

/// Tracking numbers in brackets in a subject, e.g. `[INC-2026-000123]`, for the given
/// prefixes; first one first.
pub fn tracking_numbers(subject: &str, prefixes: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        let inside = rest[..close].trim();
        let mut pieces = inside.splitn(3, '-');
        if let (Some(p), Some(y), Some(n)) = (pieces.next(), pieces.next(), pieces.next())
            && prefixes.iter().any(|x| x.eq_ignore_ascii_case(p))
            && y.len() == 4
            && y.bytes().all(|b| b.is_ascii_digit())
            && !n.is_empty()
            && n.len() <= 12
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            out.push(inside.to_ascii_uppercase());
        }
        rest = &rest[close..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_in_subjects() {
        let p = ["INC", "VUL", "PHI"];
        assert_eq!(
            tracking_numbers("Re: [INC-2026-000123] 網站遭入侵", &p),
            vec!["INC-2026-000123"]
        );
        assert_eq!(
            tracking_numbers("[inc-2026-7] [VUL-2026-000001]", &p),
            vec!["INC-2026-7", "VUL-2026-000001"]
        );
        assert!(tracking_numbers("[XYZ-2026-000123] [INC-26-1] [INC-2026-]", &p).is_empty());
        assert!(tracking_numbers("[[[", &p).is_empty());
    }

    #[test]
    fn links_of_html() {
        assert_eq!(
            hrefs(
                "<a href=\"http://a.example/x?a=1&amp;b=2\">x</a> <A HREF = 'https://b.example'>y</a> <a href=c.html>z</a> href"
            ),
            ["http://a.example/x?a=1&b=2", "https://b.example", "c.html"]
        );
        assert!(hrefs("<a href=").is_empty());
        assert!(hrefs("hrefhrefhref=\"").is_empty());
        assert_eq!(
            hrefs("<a href='x"),
            ["x"],
            "an unclosed quote runs to the end"
        );
    }

    #[test]
    fn identity_leaves_out_what_the_mta_prepends() {
        let m = b"Subject: hi\r\nDelivered-To: a@x\r\n\r\nbody";
        assert_eq!(identity(m), m, "nothing prepended");
        let a = b"Return-Path: <s@y>\r\nDelivered-To: incident@x\r\nSubject: hi\r\nDelivered-To: a@x\r\n\r\nbody";
        let b = b"From s@y Mon Dec  7 09:00:00 2026\nreturn-path: <s@y>\nX-Original-To: phishing+t@x\nDELIVERED-TO: phishing@x\n\t(folded)\nSubject: hi\r\nDelivered-To: a@x\r\n\r\nbody";
        assert_eq!(identity(a), identity(b));
        assert_eq!(identity(a), m);
        assert_eq!(identity(b"Delivered-To: x"), b"");
        assert_eq!(identity(b""), b"");
        assert_eq!(
            identity(b"From: x@y\n\nb"),
            b"From: x@y\n\nb",
            "a From: field is not an mbox line"
        );
    }

    #[test]
    fn header_section_is_required() {
        let l = Limits::default();
        assert_eq!(parse(b"", None, &l), Err(Refused::NotAMessage));
        assert_eq!(parse(b"\r\nbody", None, &l), Err(Refused::NotAMessage));
        assert_eq!(
            parse(b"just some text\nmore", None, &l),
            Err(Refused::NotAMessage)
        );
        assert!(parse(b"Subject: hi\n\nbody", None, &l).is_ok());
    }
}

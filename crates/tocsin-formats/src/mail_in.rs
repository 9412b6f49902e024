//! Inbound mail: one RFC 5322 message read into what intake needs — who sent it to whom,
//! the decoded subject and text (HTML reduced to text, never rendered), attachments with
//! their raw bytes, forwarded messages, the threading headers, and whether it is automatic
//! mail (bounce, auto-reply, mailing list) that must never be answered. Limits on size,
//! parts and nesting refuse MIME bombs before anything is stored. No I/O; fuzzed.

use std::borrow::Cow;
use std::fmt;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::parsers::MessageStream;
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

/// Why an attachment was not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DropReason {
    /// Larger, decoded, than `Limits::max_attachment_bytes`.
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// Beyond `Limits::max_attachments` attachments kept.
    TooMany {
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DropReason::TooLarge { max } => write!(f, "larger than {max} bytes"),
            DropReason::TooMany { max } => write!(f, "more than {max} attachments"),
        }
    }
}

/// An attachment that was not kept: what it was and why, so the desk can tell the sender
/// and find it in the stored message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Dropped {
    /// Its file name (`attachment.bin` when it has none).
    pub filename: String,
    /// Its declared type, e.g. `application/zip`.
    pub content_type: String,
    /// Its size in bytes, transfer encoding undone.
    pub size: usize,
    /// Why it was dropped.
    pub reason: DropReason,
    /// Its zero-based position among the message's attachments in the order mail-parser
    /// lists them (`Message::attachments()`, forwarded messages included, kept and dropped
    /// alike): `MessageParser::default().parse(eml)?.attachment(part_index as u32)` finds
    /// it again in the stored .eml.
    pub part_index: usize,
}

impl fmt::Display for Dropped {
    /// English, e.g. `evil.zip (12345678 bytes): larger than 10485760 bytes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} bytes): {}",
            self.filename, self.size, self.reason
        )
    }
}

/// When a forwarded message was sent, as its header or the forwarding client wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ForwardedDate {
    /// Seconds since the epoch: the text had a UTC offset.
    At(i64),
    /// A wall-clock time without an offset (as Gmail and Outlook write it in a forward): the
    /// caller applies its calendar time zone.
    Local {
        /// The year.
        year: i32,
        /// 1 to 12.
        month: u8,
        /// 1 to 31.
        day: u8,
        /// 0 to 23.
        hour: u8,
        /// 0 to 59.
        minute: u8,
    },
}

/// A forwarded message: attached as `message/rfc822`, or pasted into the body by the
/// forwarding client (`inline`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forwarded {
    /// Its sender. For an inline forward the address may be empty when the client wrote a
    /// name only (Outlook does for senders of its own organisation).
    pub from: Option<Mailbox>,
    /// Its subject.
    pub subject: String,
    /// When it was sent, when the date could be read.
    pub date: Option<ForwardedDate>,
    /// Its text. For an inline forward: the lines after its header block up to the next
    /// forward marker or the end, quote marks of its own level removed (a part of
    /// `Inbound::text`, which keeps it too).
    pub text: String,
    /// Its header fields decoded: one field per line (`Name: value`), folding undone,
    /// RFC 2047 encoded words decoded. For an inline forward: the header lines of its block.
    pub headers: String,
    /// Its header section exactly as sent (evidence of a phishing mail). For an inline
    /// forward: the same lines as `headers`.
    pub raw_headers: String,
    /// Pasted into the body rather than attached.
    pub inline: bool,
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
    /// Attachments dropped for size or number, with the reason.
    pub dropped: Vec<Dropped>,
    /// Messages forwarded in this one: attached ones first, then those pasted into the
    /// text (`inline`), in order.
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

    for (part_index, part) in msg.attachments().enumerate() {
        if let PartType::Message(inner) = &part.body {
            let (text, _, lossy) = body_text(inner);
            out.lossy |= lossy;
            let raw_inner = inner.raw_message();
            let head = &raw_inner[..header_len(raw_inner)];
            let date = inner
                .header_raw("Date")
                .and_then(forwarded_date)
                .or_else(|| {
                    inner
                        .date()
                        .filter(|d| d.is_valid())
                        .map(|d| ForwardedDate::At(d.to_timestamp()))
                });
            out.forwarded.push(Forwarded {
                from: inner.from().and_then(first_mailbox),
                subject: inner.subject().map(clean_line).unwrap_or_default(),
                date,
                text,
                headers: decoded_headers(head),
                raw_headers: String::from_utf8_lossy(head).to_string(),
                inline: false,
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
        let reason = if bytes.len() > limits.max_attachment_bytes {
            Some(DropReason::TooLarge {
                max: limits.max_attachment_bytes,
            })
        } else if out.attachments.len() >= limits.max_attachments {
            Some(DropReason::TooMany {
                max: limits.max_attachments,
            })
        } else {
            None
        };
        if let Some(reason) = reason {
            out.dropped.push(Dropped {
                filename,
                content_type,
                size: bytes.len(),
                reason,
                part_index,
            });
            continue;
        }
        out.attachments.push(Attachment {
            filename,
            content_type,
            bytes,
        });
    }
    out.forwarded.extend(inline_forwards(&out.text));
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

/// Splits the `+tag` off an address's local part, for routing on plus-addressing:
/// `Incident+Urgent@CERT.example` → (`incident@cert.example`, `Some("Urgent")`). The
/// address is trimmed, its angle brackets removed and lower-cased; the tag keeps its case.
/// No `+`, or an empty tag, gives `None`.
pub fn route_address(address: &str) -> (String, Option<String>) {
    let a = address.trim();
    let a = a.strip_prefix('<').unwrap_or(a);
    let a = a.strip_suffix('>').unwrap_or(a).trim();
    // The local part ends at the last `@` (a quoted local part may hold one).
    let (local, domain) = match a.rfind('@') {
        Some(at) => (&a[..at], Some(&a[at + 1..])),
        None => (a, None),
    };
    let (base, tag) = match local.split_once('+') {
        Some((base, tag)) => (base, (!tag.is_empty()).then(|| tag.to_string())),
        None => (local, None),
    };
    let address = match domain {
        Some(d) => format!("{base}@{d}"),
        None => base.to_string(),
    };
    (address.to_lowercase(), tag)
}

/// A header section decoded for reading: one field per line (`Name: value`), folding
/// undone, RFC 2047 encoded words decoded. Raw 8-bit values that are not UTF-8 are decoded
/// as a text file is (Big5 senders do this).
fn decoded_headers(head: &[u8]) -> String {
    let mut fields: Vec<&[u8]> = Vec::new();
    let mut start = None;
    let mut i = 0;
    while i < head.len() {
        let end = head[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(head.len(), |p| i + p + 1);
        let continues = matches!(head[i], b' ' | b'\t');
        if !continues {
            if let Some(s) = start {
                fields.push(&head[s..i]);
            }
            start = Some(i);
        }
        i = end;
    }
    if let Some(s) = start {
        fields.push(&head[s..]);
    }
    let mut out = String::new();
    for field in fields {
        let Some(colon) = field.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(&field[..colon]);
        let raw_value = &field[colon + 1..];
        let mut value = match std::str::from_utf8(raw_value) {
            Ok(v) => v.to_string(),
            Err(_) => text::decode(raw_value).text,
        };
        // The unstructured parser returns at the end of a line only.
        value.push('\n');
        // mail-parser decodes encoded words; a panic in it must not reach intake.
        let decoded = std::panic::catch_unwind(|| {
            MessageStream::new(value.as_bytes())
                .parse_unstructured()
                .as_text()
                .map(clean_line)
                .unwrap_or_default()
        })
        .unwrap_or_else(|_| clean_line(&value));
        out.push_str(name.trim());
        out.push_str(": ");
        out.push_str(&decoded);
        out.push('\n');
    }
    out
}

/// At most this many inline forwards are read from one text.
const MAX_INLINE_FORWARDS: usize = 50;
/// Lines longer than this (in bytes) are never a marker nor a header line of a block.
const MAX_MARKER_LINE: usize = 400;
/// Lines of a forward's header block read at most.
const MAX_BLOCK_LINES: usize = 16;

/// The field of a header line in a forward's header block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockField {
    From,
    /// `Sent:` / `寄件日期:`: the date as Outlook writes it.
    Sent,
    Date,
    Subject,
    To,
    Cc,
    Other,
}

/// A header line of a forward's block, in the languages the desk receives: `Name: value`
/// with an ASCII or a full-width colon. `None` for a line that is not one.
fn block_header(line: &str) -> Option<(BlockField, &str, &str)> {
    if line.len() > MAX_MARKER_LINE {
        return None;
    }
    let t = line.trim_start();
    let colon = t
        .char_indices()
        .take(24)
        .find(|&(_, c)| c == ':' || c == '：')?;
    let name = t[..colon.0].trim();
    let value = t[colon.0 + colon.1.len_utf8()..].trim();
    // Markdown-ish bold (`*From:*`) as some HTML reductions leave it.
    let name = name.trim_matches('*').trim();
    let lower = name.to_lowercase();
    let field = match lower.as_str() {
        "from" | "寄件者" | "寄件人" | "發件人" | "发件人" => BlockField::From,
        "sent" | "寄件日期" | "傳送日期" | "发送时间" | "發送時間" => {
            BlockField::Sent
        }
        "date" | "日期" | "時間" | "时间" => BlockField::Date,
        "subject" | "主旨" | "主題" | "主题" => BlockField::Subject,
        "to" | "收件者" | "收件人" => BlockField::To,
        "cc" | "副本" | "抄送" | "副本抄送" => BlockField::Cc,
        "reply-to" | "bcc" | "密件副本" | "回覆至" => BlockField::Other,
        _ => return None,
    };
    Some((field, name, value))
}

/// How a forward begins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    /// A separator line (Gmail, Outlook's "Original Message", Thunderbird, Apple Mail).
    Separator,
    /// Outlook's line of underscores, a forward only when a `From:` line follows.
    Underscores,
}

/// The separator phrases, lower-cased, with the dashes around them removed.
const SEPARATORS: &[&str] = &[
    "forwarded message",
    "original message",
    "轉寄的郵件",
    "原始郵件",
    "转发的邮件",
    "原始邮件",
];
/// Apple Mail's first line of a forward, colon removed.
const BEGIN_FORWARDED: &[&str] = &[
    "begin forwarded message",
    "開始轉寄的郵件",
    "开始转发的邮件",
];

fn marker(line: &str) -> Option<Marker> {
    if line.len() > MAX_MARKER_LINE {
        return None;
    }
    let t = line.trim();
    if t.len() >= 10 && t.bytes().all(|b| b == b'_') {
        return Some(Marker::Underscores);
    }
    let lead = t.len() - t.trim_start_matches('-').len();
    if lead >= 2 {
        let core = t.trim_matches('-').trim().to_lowercase();
        if SEPARATORS.contains(&core.as_str()) {
            return Some(Marker::Separator);
        }
    }
    let core = t.trim_end_matches([':', '：']).trim().to_lowercase();
    BEGIN_FORWARDED
        .contains(&core.as_str())
        .then_some(Marker::Separator)
}

/// A line without its quote marks (`> `, `>>`, `> > `): how deep it is quoted, and the rest.
fn unquote(line: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = line;
    while depth < 64 {
        let t = rest.trim_start_matches([' ', '\t']);
        match t.strip_prefix('>') {
            Some(r) => {
                depth += 1;
                rest = r;
            }
            None => break,
        }
    }
    if depth > 0 {
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    (depth, rest)
}

/// A line with at most `depth` quote marks removed.
fn strip_quotes(line: &str, depth: usize) -> &str {
    let mut rest = line;
    for _ in 0..depth {
        let t = rest.trim_start_matches([' ', '\t']);
        match t.strip_prefix('>') {
            Some(r) => rest = r.strip_prefix(' ').unwrap_or(r),
            None => break,
        }
    }
    rest
}

/// A forward's header block read from `lines[start..]` at quote depth `depth`: the fields
/// found, and the index of the first line after the block.
struct Block {
    from: Option<Mailbox>,
    subject: String,
    date: Option<ForwardedDate>,
    headers: Vec<String>,
    /// Whether Outlook's `Sent:` / `寄件日期:` was among the fields.
    sent: bool,
    end: usize,
}

fn read_block(lines: &[&str], start: usize, depth: usize) -> Block {
    let mut b = Block {
        from: None,
        subject: String::new(),
        date: None,
        headers: Vec::new(),
        sent: false,
        end: start,
    };
    let mut j = start;
    // Blank lines between the marker and the block (Apple Mail leaves one).
    let mut blanks = 0;
    while j < lines.len() && blanks < 3 && strip_quotes(lines[j], depth).trim().is_empty() {
        j += 1;
        blanks += 1;
    }
    let mut last: Option<BlockField> = None;
    let limit = (j + MAX_BLOCK_LINES).min(lines.len());
    while j < limit {
        let line = strip_quotes(lines[j], depth);
        if let Some((field, name, value)) = block_header(line) {
            b.headers.push(format!("{name}: {value}"));
            match field {
                BlockField::From if b.from.is_none() => b.from = mailbox_text(value),
                BlockField::Sent | BlockField::Date => {
                    b.sent |= field == BlockField::Sent;
                    if b.date.is_none() {
                        b.date = forwarded_date(value);
                    }
                }
                BlockField::Subject if b.subject.is_empty() => b.subject = clean_line(value),
                _ => {}
            }
            last = Some(field);
        } else if matches!(last, Some(BlockField::To | BlockField::Cc))
            && line.starts_with([' ', '\t'])
            && !line.trim().is_empty()
            && line.len() <= MAX_MARKER_LINE
        {
            // A long recipient list wrapped onto the next line.
            if let Some(h) = b.headers.last_mut() {
                h.push(' ');
                h.push_str(line.trim());
            }
        } else {
            break;
        }
        j += 1;
    }
    b.end = if b.headers.is_empty() { start } else { j };
    b
}

/// Forwards pasted into a text by mail clients: Gmail's and Thunderbird's separator lines,
/// Outlook's `-----Original Message-----` or line of underscores or bare `From:`/`Sent:`
/// block, Apple Mail's `Begin forwarded message:`, in English and Chinese, quoted with `>`
/// or not. Each one's text runs to the next forward or the end. Linear in the text.
fn inline_forwards(text: &str) -> Vec<Forwarded> {
    let lines: Vec<&str> = text.lines().collect();
    // (first line of the forward, its depth, its block)
    let mut found: Vec<(usize, usize, Block)> = Vec::new();
    let mut i = 0;
    while i < lines.len() && found.len() < MAX_INLINE_FORWARDS {
        let (depth, body) = unquote(lines[i]);
        let block = match marker(body) {
            Some(Marker::Separator) => Some(read_block(&lines, i + 1, depth)),
            Some(Marker::Underscores) => {
                let b = read_block(&lines, i + 1, depth);
                b.from.is_some().then_some(b)
            }
            None => match block_header(body) {
                // Outlook without a separator: `From:` then `Sent:` and a subject.
                Some((BlockField::From, ..)) => {
                    let b = read_block(&lines, i, depth);
                    let subject = b
                        .headers
                        .iter()
                        .any(|h| block_header(h).is_some_and(|(f, ..)| f == BlockField::Subject));
                    (b.sent && subject).then_some(b)
                }
                _ => None,
            },
        };
        match block {
            Some(b) => {
                let next = b.end.max(i + 1);
                found.push((i, depth, b));
                i = next;
            }
            None => i += 1,
        }
    }
    let mut out = Vec::with_capacity(found.len());
    for k in 0..found.len() {
        let stop = found.get(k + 1).map_or(lines.len(), |f| f.0);
        let (_, depth, b) = &found[k];
        let body_start = b.end.min(stop);
        let mut body = String::new();
        for line in &lines[body_start..stop] {
            body.push_str(strip_quotes(line, *depth).trim_end());
            body.push('\n');
        }
        let headers = b.headers.join("\n");
        out.push(Forwarded {
            from: b.from.clone(),
            subject: b.subject.clone(),
            date: b.date,
            text: body.trim_matches('\n').to_string(),
            headers: headers.clone(),
            raw_headers: headers,
            inline: true,
        });
    }
    out
}

/// A mailbox as forwarding clients write it: `Name <a@b>`, `"Name" <a@b>`, `a@b`,
/// `Name [mailto:a@b]`, `Name <mailto:a@b>`; a name alone gives an empty address.
fn mailbox_text(value: &str) -> Option<Mailbox> {
    let v = clean_line(value);
    let clean_addr = |a: &str| {
        let a = a.trim();
        let a = a
            .strip_prefix("mailto:")
            .or_else(|| a.strip_prefix("MAILTO:"))
            .unwrap_or(a);
        let a = a.trim().trim_matches(|c: char| "<>[]()\"',;".contains(c));
        let ok = a.contains('@')
            && !a.starts_with('@')
            && !a.ends_with('@')
            && !a.chars().any(char::is_whitespace);
        ok.then(|| a.to_lowercase())
    };
    let clean_name = |n: &str| {
        n.trim()
            .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
            .to_string()
    };
    let bracketed = [('<', '>'), ('[', ']')].iter().find_map(|&(o, c)| {
        let open = v.rfind(o)?;
        let close = v[open..].find(c).map(|p| open + p)?;
        let email = clean_addr(&v[open + 1..close])?;
        Some((clean_name(&v[..open]), email))
    });
    let (name, email) = match bracketed {
        Some(x) => x,
        None => match v.split_whitespace().find_map(clean_addr) {
            Some(email) => {
                let name: Vec<&str> = v
                    .split_whitespace()
                    .filter(|w| clean_addr(w).is_none())
                    .collect();
                (clean_name(&name.join(" ")), email)
            }
            None => (clean_name(&v), String::new()),
        },
    };
    let name = if name.eq_ignore_ascii_case(&email) {
        String::new()
    } else {
        name
    };
    (!name.is_empty() || !email.is_empty()).then_some(Mailbox { name, email })
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A run of 1 to `max` ASCII digits as a number.
fn digits(s: &str, max: usize) -> Option<u32> {
    (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A UTC offset in minutes: `+0800`, `+08:00`, `-5`, `GMT+8`, `UTC+08:00`, `GMT`, `Z`.
fn offset_minutes(t: &str) -> Option<i32> {
    let t = t.trim_matches(|c| c == '(' || c == ')');
    let rest = ["gmt", "utc", "ut"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    if rest.is_empty() || rest == "z" {
        return (rest.len() < t.len() || rest == "z").then_some(0);
    }
    let (sign, num) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match num.split_once(':') {
        Some((h, m)) => (digits(h, 2)?, digits(m, 2)?),
        None if num.len() <= 2 => (digits(num, 2)?, 0),
        None if num.len() <= 4 => {
            let n = digits(num, 4)?;
            (n / 100, n % 100)
        }
        None => return None,
    };
    (h <= 14 && m < 60).then(|| sign * (h as i32 * 60 + m as i32))
}

/// A time `H:MM[:SS[.fff]]` with what follows it glued on (`am`, an offset): hour,
/// minute, second and the rest.
fn time_of_day(t: &str) -> Option<(u32, u32, u32, &str)> {
    let (h, rest) = t.split_once(':')?;
    let h = digits(h, 2)?;
    let m_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if m_len != 2 {
        return None;
    }
    let m = digits(&rest[..2], 2)?;
    let mut rest = &rest[2..];
    let mut sec = 0;
    if let Some(r) = rest.strip_prefix(':') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n != 2 {
            return None;
        }
        sec = digits(&r[..2], 2)?;
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            rest = &r[n..];
        }
    }
    Some((h, m, sec, rest))
}

/// The date of a forwarded message as mail clients write it: RFC 5322 (`Mon, 7 Dec 2026
/// 09:15:00 +0800`), Gmail (`Mon, Dec 7, 2026 at 9:15 AM`, `2026年12月7日 週一
/// 上午9:15`), Outlook (`Monday, December 7, 2026 9:15 AM`, `Mon 12/7/2026 9:15 AM`,
/// `2026年12月7日 星期一 下午 03:20`), Apple Mail (`December 7, 2026 at 9:15:00 AM
/// GMT+8`), ISO (`2026-12-07 09:15`, `2026-12-07T09:15:00+08:00`). With an offset (or
/// `GMT`/`UTC`) it is a point in time; without one a wall-clock time. A numeric date
/// `a/b/c` is month/day/year unless the first number exceeds 12 (then day/month/year);
/// `a.b.c` is day.month.year. Zone names other than GMT/UTC are ignored (`CST` is
/// ambiguous). Anything else is `None`.
pub fn forwarded_date(text: &str) -> Option<ForwardedDate> {
    if text.len() > 200 {
        return None;
    }
    // Chinese forms become tokens the English reading knows.
    let mut s = String::with_capacity(text.len() + 16);
    for c in text.trim().chars() {
        match c {
            '年' | '月' => s.push('/'),
            '日' => s.push(' '),
            '：' => s.push(':'),
            '，' | ',' => s.push(' '),
            '０'..='９' => s.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            _ => s.push(c),
        }
    }
    let s = s
        .replace("上午", " am ")
        .replace("凌晨", " am ")
        .replace("早上", " am ")
        .replace("下午", " pm ")
        .replace("晚上", " pm ")
        .replace("傍晚", " pm ")
        .replace("中午", " noon ")
        .to_lowercase();
    let cjk_ymd = text.contains('年');

    let (mut year, mut month, mut day) = (None::<i32>, None::<u32>, None::<u32>);
    let (mut hour, mut minute, mut second) = (None::<u32>, None::<u32>, 0u32);
    let mut meridiem: Option<&str> = None;
    let mut offset: Option<i32> = None;
    let mut tokens: Vec<&str> = Vec::new();
    for t in s.split_whitespace() {
        // ISO date and time in one token.
        match t.split_once('t') {
            Some((d, tm)) if d.len() >= 8 && d.contains('-') && tm.contains(':') => {
                tokens.push(d);
                tokens.push(tm);
            }
            _ => tokens.push(t),
        }
    }
    if tokens.len() > 16 {
        return None;
    }
    for t in tokens {
        let t = t.trim_matches(|c| c == ',' || c == '.' || c == ';');
        if t.is_empty() || t == "at" || t == "on" || t == "um" {
            continue;
        }
        if t.starts_with('(') {
            // A comment, e.g. the zone name after an RFC 5322 offset.
            continue;
        }
        if let Some((h, m, sec, rest)) = time_of_day(t) {
            if hour.is_some() {
                return None;
            }
            hour = Some(h);
            minute = Some(m);
            second = sec.min(59);
            match rest {
                "" => {}
                "am" | "a.m" | "a.m." => meridiem = Some("am"),
                "pm" | "p.m" | "p.m." => meridiem = Some("pm"),
                r => offset = Some(offset_minutes(r)?),
            }
            continue;
        }
        match t {
            "am" | "a.m" | "a.m." => {
                meridiem = Some("am");
                continue;
            }
            "pm" | "p.m" | "p.m." => {
                meridiem = Some("pm");
                continue;
            }
            "noon" => {
                meridiem = Some("noon");
                continue;
            }
            _ => {}
        }
        if let Some(o) = offset_minutes(t) {
            // `-5` could be a stray number: offsets need a sign or a zone name.
            offset = Some(o);
            continue;
        }
        let seps = ['/', '-', '.'];
        if t.contains(seps) && t.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            let dot = t.contains('.');
            let parts: Vec<&str> = t.split(seps).filter(|p| !p.is_empty()).collect();
            let [a, b, c] = parts[..] else { return None };
            let (a4, a, b, c) = (a.len() == 4, digits(a, 4)?, digits(b, 2)?, digits(c, 4)?);
            let (y, m, d) = if a4 {
                (a, b, c)
            } else if dot || a > 12 || cjk_ymd {
                (c, b, a)
            } else {
                (c, a, b)
            };
            let y = if y < 100 { y + 2000 } else { y };
            year = Some(y as i32);
            month = Some(m);
            day = Some(d);
            continue;
        }
        if let Some(n) = digits(t, 4) {
            if t.len() == 4 {
                year = Some(n as i32);
            } else if day.is_none() {
                day = Some(n);
            } else {
                return None;
            }
            continue;
        }
        if t.len() >= 3 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
            // A month; weekdays and zone names (`EEST`, `CST`) are ignored, so the time
            // stays local.
            if let Some(m) = MONTHS.iter().position(|m| m.starts_with(t))
                && !WEEKDAYS.iter().any(|w| w.starts_with(t))
            {
                month = Some(m as u32 + 1);
            }
            continue;
        }
        if t.bytes().any(|b| b.is_ascii_alphanumeric()) && t.is_ascii() {
            // Unknown: not a date this reads.
            return None;
        }
        // Weekdays in Chinese (`週一`, `星期一`) and other non-ASCII words.
    }
    let (year, month, day) = (year?, month?, day?);
    let (mut hour, minute) = (hour?, minute?);
    match meridiem {
        Some("am") => {
            if hour > 12 || hour == 0 {
                return None;
            }
            if hour == 12 {
                hour = 0;
            }
        }
        Some("pm") => {
            if hour > 12 || hour == 0 {
                return None;
            }
            if hour < 12 {
                hour += 12;
            }
        }
        Some(_) if hour < 11 => hour += 12,
        _ => {}
    }
    let (Ok(month), Ok(day), Ok(hour), Ok(minute)) = (
        u8::try_from(month),
        u8::try_from(day),
        u8::try_from(hour),
        u8::try_from(minute),
    ) else {
        return None;
    };
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || !(1900..=9999).contains(&year)
    {
        return None;
    }
    Some(match offset {
        Some(o) => {
            let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
            ForwardedDate::At(
                days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
                    - i64::from(o) * 60,
            )
        }
        None => ForwardedDate::Local {
            year,
            month,
            day,
            hour,
            minute,
        },
    })
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

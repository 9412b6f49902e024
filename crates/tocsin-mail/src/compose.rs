//! Composing outgoing messages: an [`OutgoingMail`] rendered by lettre's builder into the
//! RFC 5322/MIME bytes the outbox stores and the worker sends unchanged.

use lettre::message::header::ContentType;
use lettre::message::header::{Header, HeaderName, HeaderValue, InReplyTo, References};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use tocsin_storage::NewMail;
use uuid::Uuid;

/// A message to compose. Addresses are bare `local@domain` addresses; display names go in
/// [`OutgoingMail::from_name`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The author's address: the `From` header and the envelope sender.
    pub from: String,
    /// The author's display name, if any (encoded by lettre when not ASCII).
    pub from_name: Option<String>,
    /// Recipients: the `To` header and the envelope recipients. At least one.
    pub to: Vec<String>,
    /// Subject, any Unicode (encoded as RFC 2047 words when not ASCII).
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// An HTML alternative; when present the message is `multipart/alternative`.
    pub html: Option<String>,
    /// The Message-ID this one answers (with or without angle brackets).
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first (with or without angle brackets).
    pub references: Vec<String>,
    /// Where answers go (`Reply-To`), when not to `from`.
    pub reply_to: Option<String>,
    /// Sent by the system rather than a person: adds `Auto-Submitted: auto-generated`
    /// (RFC 3834) so that vacation responders and ticket systems do not answer it.
    pub auto_submitted: bool,
    /// With `auto_submitted`: the message answers one received (an acknowledgment of mail),
    /// so it says `Auto-Submitted: auto-replied`.
    pub answers_message: bool,
    /// Files attached after the body (`multipart/mixed`).
    pub attachments: Vec<MailAttachment>,
    /// A list message's one-click unsubscribe URL (RFC 8058): `List-Unsubscribe` with it
    /// and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    pub list_unsubscribe: Option<String>,
    /// The envelope sender when it is not `from` (a VERP address that names the
    /// delivery, so that a bounce finds it).
    pub envelope_sender: Option<String>,
}

/// A file attached to a message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailAttachment {
    /// The file name the recipient sees.
    pub filename: String,
    /// Its MIME type, e.g. `text/plain; charset=utf-8`.
    pub content_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// Why a message could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address that is not a valid `local@domain` address.
    #[error("invalid {field} address: {value:?}")]
    Address {
        /// Which field held it (`from` or `to`).
        field: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A message without any recipient.
    #[error("a message needs at least one recipient")]
    NoRecipients,
    /// A referenced Message-ID that cannot be written into a header.
    #[error("invalid message id in {field}: {value:?}")]
    MessageId {
        /// Which field held it (`in_reply_to` or `references`).
        field: &'static str,
        /// The rejected value.
        value: String,
    },
    /// A Message-ID domain that is not a plain host name.
    #[error("invalid Message-ID domain: {0:?}")]
    Domain(String),
    /// A `List-Unsubscribe` URL that cannot be written into the header.
    #[error("invalid List-Unsubscribe URL: {0:?}")]
    ListUnsubscribe(String),
    /// An attachment's MIME type lettre cannot read.
    #[error("invalid attachment content type: {0:?}")]
    ContentType(String),
    /// lettre refused to build the message.
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// Signing or encrypting failed.
    #[error("OpenPGP: {0}")]
    Pgp(#[from] tocsin_pgp::PgpError),
}

/// How a message is sealed with OpenPGP as it is composed (RFC 3156): signed by the
/// desk's key, and encrypted when every recipient's key is known. The outbox then stores
/// and sends the sealed message, unchanged.
#[derive(Clone, Copy, Debug)]
pub struct Seal<'a> {
    /// The desk's key, which signs.
    pub key: &'a tocsin_pgp::DeskKey,
    /// The recipients' keys: non-empty, the message is encrypted to them (and the desk)
    /// as PGP/MIME `multipart/encrypted`; empty, it is `multipart/signed`.
    pub encrypt_to: &'a [tocsin_pgp::PublicCert],
    /// The signature's time, seconds since the epoch, from the desk's clock.
    pub at: u32,
}

/// A message body: one part or several.
enum Body {
    Single(SinglePart),
    Multi(MultiPart),
}

impl Body {
    fn formatted(&self) -> Vec<u8> {
        match self {
            Body::Single(p) => p.formatted(),
            Body::Multi(p) => p.formatted(),
        }
    }

    fn into_multipart(self, outer: lettre::message::MultiPartBuilder) -> MultiPart {
        match self {
            Body::Single(p) => outer.singlepart(p),
            Body::Multi(p) => outer.multipart(p),
        }
    }
}

/// `body` sealed by `seal`: PGP/MIME encrypted (RFC 3156 §4; the whole entity, headers
/// included, encrypted and signed inside) or signed (§5; a detached signature over the
/// entity as sent, without the line break that belongs to the boundary).
fn sealed(body: Body, seal: &Seal<'_>) -> Result<MultiPart, MailError> {
    let entity = body.formatted();
    if !seal.encrypt_to.is_empty() {
        let recipients: Vec<&tocsin_pgp::PublicCert> = seal.encrypt_to.iter().collect();
        let armored = seal.key.encrypt_signed(&entity, &recipients, seal.at)?;
        let control = SinglePart::builder()
            .header(
                ContentType::parse("application/pgp-encrypted")
                    .map_err(|_| MailError::ContentType("application/pgp-encrypted".into()))?,
            )
            .body(String::from("Version: 1\r\n"));
        let data = SinglePart::builder()
            .header(
                ContentType::parse("application/octet-stream; name=\"encrypted.asc\"")
                    .map_err(|_| MailError::ContentType("application/octet-stream".into()))?,
            )
            .body(armored);
        return Ok(MultiPart::encrypted("application/pgp-encrypted".into())
            .singlepart(control)
            .singlepart(data));
    }
    let signed = entity.strip_suffix(b"\r\n").unwrap_or(&entity);
    let signature = seal.key.sign_detached(signed, seal.at)?;
    let sig = SinglePart::builder()
        .header(
            ContentType::parse("application/pgp-signature; name=\"signature.asc\"")
                .map_err(|_| MailError::ContentType("application/pgp-signature".into()))?,
        )
        .body(signature);
    Ok(body
        .into_multipart(MultiPart::signed(
            "application/pgp-signature".into(),
            "pgp-sha256".into(),
        ))
        .singlepart(sig))
}

/// The `Auto-Submitted` header of RFC 3834, as a lettre header type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoSubmitted {
    /// `no`: written by a person.
    No,
    /// `auto-generated`: produced by a system, not in reply to a message.
    AutoGenerated,
    /// `auto-replied`: an automatic answer to a message.
    AutoReplied,
}

impl AutoSubmitted {
    /// The header value's keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            AutoSubmitted::No => "no",
            AutoSubmitted::AutoGenerated => "auto-generated",
            AutoSubmitted::AutoReplied => "auto-replied",
        }
    }
}

/// An `Auto-Submitted` value lettre could not read.
#[derive(Debug, thiserror::Error)]
#[error("unknown Auto-Submitted value: {0:?}")]
pub struct UnknownAutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        // RFC 3834 allows parameters after the keyword: `auto-replied; owner-email=…`.
        let keyword = s.split(';').next().unwrap_or_default().trim();
        match keyword.to_ascii_lowercase().as_str() {
            "no" => Ok(AutoSubmitted::No),
            "auto-generated" => Ok(AutoSubmitted::AutoGenerated),
            "auto-replied" => Ok(AutoSubmitted::AutoReplied),
            _ => Err(Box::new(UnknownAutoSubmitted(s.to_owned()))),
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.as_str().to_owned())
    }
}

/// Renders `mail` into the row the outbox stores, with a fresh Message-ID
/// `<UUIDv7@domain>` (kept without angle brackets in [`NewMail::message_id`]) and the
/// current Date. The body's transfer encoding and the header encoding are lettre's.
pub fn render(mail: &OutgoingMail, domain: &str) -> Result<NewMail, MailError> {
    render_sealed(mail, domain, None)
}

/// [`render`], the body sealed by `seal` when given (signed, or encrypted and signed).
pub fn render_sealed(
    mail: &OutgoingMail,
    domain: &str,
    seal: Option<&Seal<'_>>,
) -> Result<NewMail, MailError> {
    if !valid_domain(domain) {
        return Err(MailError::Domain(domain.to_owned()));
    }
    let from = parse_address("from", &mail.from)?;
    if mail.to.is_empty() {
        return Err(MailError::NoRecipients);
    }
    let message_id = format!("{}@{domain}", Uuid::now_v7());

    let mut builder = Message::builder()
        .from(Mailbox::new(mail.from_name.clone(), from))
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{message_id}>")))
        .date_now();
    for to in &mail.to {
        builder = builder.to(Mailbox::new(None, parse_address("to", to)?));
    }
    if let Some(r) = &mail.reply_to {
        builder = builder.reply_to(Mailbox::new(None, parse_address("reply_to", r)?));
    }
    if let Some(id) = &mail.in_reply_to {
        builder = builder.header(InReplyTo::from(bracketed("in_reply_to", id)?));
    }
    if !mail.references.is_empty() {
        let refs = mail
            .references
            .iter()
            .map(|id| bracketed("references", id))
            .collect::<Result<Vec<_>, _>>()?;
        builder = builder.header(References::from(refs.join(" ")));
    }
    if mail.auto_submitted {
        builder = builder.header(if mail.answers_message {
            AutoSubmitted::AutoReplied
        } else {
            AutoSubmitted::AutoGenerated
        });
    }

    if let Some(url) = &mail.list_unsubscribe {
        let ok = !url.is_empty()
            && url.len() <= 900
            && url
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
        if !ok {
            return Err(MailError::ListUnsubscribe(url.clone()));
        }
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let sender = match &mail.envelope_sender {
        Some(s) => parse_address("envelope_sender", s)?.to_string(),
        None => mail.from.clone(),
    };

    let body = match (&mail.html, mail.attachments.is_empty()) {
        (Some(html), true) => Body::Multi(MultiPart::alternative_plain_html(
            mail.text.clone(),
            html.clone(),
        )),
        (None, true) => Body::Single(SinglePart::plain(mail.text.clone())),
        (html, false) => {
            let mut mixed = match html {
                Some(html) => MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
                    mail.text.clone(),
                    html.clone(),
                )),
                None => MultiPart::mixed().singlepart(SinglePart::plain(mail.text.clone())),
            };
            for a in &mail.attachments {
                let ct = ContentType::parse(&a.content_type)
                    .map_err(|_| MailError::ContentType(a.content_type.clone()))?;
                mixed = mixed
                    .singlepart(Attachment::new(a.filename.clone()).body(a.content.clone(), ct));
            }
            Body::Multi(mixed)
        }
    };
    let message = match (seal, body) {
        (Some(seal), body) => builder.multipart(sealed(body, seal)?)?,
        (None, Body::Single(p)) => builder.singlepart(p)?,
        (None, Body::Multi(p)) => builder.multipart(p)?,
    };

    Ok(NewMail {
        message_id,
        sender,
        recipients: mail.to.clone(),
        subject: mail.subject.clone(),
        message: message.formatted(),
    })
}

/// A Message-ID as written in `In-Reply-To`/`References` (`<id>`), from a value given with
/// or without angle brackets; `None` if it cannot be a Message-ID (empty, spaces, control
/// or non-ASCII characters, stray brackets).
pub fn normalize_message_id(id: &str) -> Option<String> {
    let id = id.trim();
    let inner = id
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(id);
    let ok = !inner.is_empty()
        && inner.len() <= 900
        && inner
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    ok.then(|| format!("<{inner}>"))
}

fn bracketed(field: &'static str, id: &str) -> Result<String, MailError> {
    normalize_message_id(id).ok_or_else(|| MailError::MessageId {
        field,
        value: id.to_owned(),
    })
}

fn parse_address(field: &'static str, value: &str) -> Result<Address, MailError> {
    value.parse::<Address>().map_err(|_| MailError::Address {
        field,
        value: value.to_owned(),
    })
}

/// A host name fit for the right side of a Message-ID: dot-separated labels of ASCII
/// letters, digits and hyphens.
fn valid_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_normalized() {
        assert_eq!(normalize_message_id("a@b").as_deref(), Some("<a@b>"));
        assert_eq!(normalize_message_id(" <a@b> ").as_deref(), Some("<a@b>"));
        assert_eq!(normalize_message_id("a b@c"), None);
        assert_eq!(normalize_message_id("<a@b>\r\nBcc: x@y"), None);
        assert_eq!(normalize_message_id("<>"), None);
        assert_eq!(normalize_message_id("<<a@b>>"), None);
    }

    #[test]
    fn domains_are_checked() {
        assert!(valid_domain("cert.example.org"));
        assert!(valid_domain("localhost"));
        assert!(!valid_domain(""));
        assert!(!valid_domain("a..b"));
        assert!(!valid_domain("a b"));
        assert!(!valid_domain("x>\r\nBcc: y"));
    }

    #[test]
    fn auto_submitted_parses_with_parameters() {
        assert_eq!(
            AutoSubmitted::parse("Auto-Replied; owner-email=\"a@b\"").ok(),
            Some(AutoSubmitted::AutoReplied)
        );
        assert!(AutoSubmitted::parse("yes").is_err());
    }
}

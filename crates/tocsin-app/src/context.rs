//! Where an action comes from: the caller's language, address and request id, and whether
//! it answers a received message. The server builds it for a request, the CLI and mail
//! intake for theirs.

use tocsin_domain::Locale;

use crate::i18n::Tr;

/// Facts about the request every use case may need.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The negotiated language.
    pub locale: Locale,
    /// The client address.
    pub ip: String,
    /// The request id (also in the `x-request-id` response header and the logs).
    pub request_id: String,
    /// The request hands over a received message (mail intake): automatic mail it causes
    /// answers that message (`Auto-Submitted: auto-replied`), and a case it opens records
    /// what of the message was not taken.
    pub from_mail: Option<FromMail>,
    /// The caller's idempotency key (a report form's hidden field, or the API's
    /// `Idempotency-Key` header): a submission repeated with the same key and content
    /// gets the first one's answer instead of making a second report.
    pub idempotency_key: Option<String>,
}

/// The received message an action comes from (mail intake).
#[derive(Clone, Debug, Default)]
pub struct FromMail {
    /// The stored message's id: its `.eml` is the evidence of the case.
    pub inbound_id: String,
    /// Attachments not taken into the case, each as `name (N bytes): reason`.
    pub not_taken: Vec<String>,
    /// It came encrypted (OpenPGP) and was opened: the case records how.
    pub pgp: Option<crate::service::pgp::Opened>,
}

impl Ctx {
    /// The context of a command at the server's console: audited from `console`.
    pub fn console(locale: Locale) -> Ctx {
        Ctx {
            locale,
            ip: "console".into(),
            request_id: uuid::Uuid::now_v7().to_string(),
            from_mail: None,
            idempotency_key: None,
        }
    }

    /// Whether the action answers a received message (mail intake).
    pub fn answers_mail(&self) -> bool {
        self.from_mail.is_some()
    }

    /// A translator for the request's language.
    pub fn tr(&self) -> Tr {
        Tr::new(self.locale)
    }
}

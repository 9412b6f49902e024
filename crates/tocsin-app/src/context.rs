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
    /// answers that message (`Auto-Submitted: auto-replied`).
    pub answers_mail: bool,
}

impl Ctx {
    /// The context of a command at the server's console: audited from `console`.
    pub fn console(locale: Locale) -> Ctx {
        Ctx {
            locale,
            ip: "console".into(),
            request_id: uuid::Uuid::now_v7().to_string(),
            answers_mail: false,
        }
    }

    /// A translator for the request's language.
    pub fn tr(&self) -> Tr {
        Tr::new(self.locale)
    }
}

//! Outbound mail for tocsin: composing messages and the outbox worker that delivers them.
//!
//! Sending is always two steps. [`compose::render`] turns an [`OutgoingMail`] into a complete
//! RFC 5322/MIME message with a fixed Message-ID, which the caller queues in the database
//! outbox (`tocsin_storage::Store::enqueue_mail`), usually in the same transaction as the
//! change that caused it. An [`OutboxWorker`] on any instance then claims due rows with a
//! lease, hands them to a [`Transport`] (SMTP, or `.eml` files for development and tests)
//! and marks them sent, retries them with exponential backoff, or gives up on them. Several
//! workers may run at once: the claim is atomic, so each message is delivered once.

pub mod compose;
pub mod transport;
pub mod worker;

pub use compose::{
    AutoSubmitted, MailAttachment, MailError, OutgoingMail, Seal, normalize_message_id, render,
    render_sealed,
};
pub use transport::{DeliveryError, SmtpSettings, TlsMode, Transport, eml_file_name};
pub use worker::{OutboxWorker, default_worker_id, instance_worker_id, retry_delay};

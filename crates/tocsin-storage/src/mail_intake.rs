//! `inbound_mail`: each message handed to intake, kept whole as evidence, once; its
//! `inbound_deliveries`, one per recipient the MTA delivered it for, each with what intake
//! made of it; and the look-up of our own sent mail by Message-ID, for threading replies.

use serde::{Deserialize, Serialize};
use tocsin_domain::Timestamp;
use uuid::Uuid;

use crate::{Result, Store, Tx};

/// A message as intake stored it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct InboundMail {
    /// Id.
    pub id: Uuid,
    /// SHA-256 (hex) of the message without the delivery headers the MTA prepends
    /// (`mail_in::identity`): one row per distinct message, whatever it was delivered for.
    pub sha256: String,
    /// When it first arrived.
    #[sqlx(try_from = "i64")]
    pub received_at: Timestamp,
    /// The SMTP envelope sender of the delivery whose bytes are stored (`""` when none
    /// was given, or a bounce).
    pub envelope_sender: String,
    /// The recipient of the delivery whose bytes are stored.
    pub recipient: String,
    /// Its Message-ID.
    pub message_id: String,
    /// Its sender.
    pub from_email: String,
    /// Its subject.
    pub subject: String,
    /// The message as it came in its first delivery (.eml).
    #[serde(with = "crate::export::base64_bytes")]
    pub raw: Vec<u8>,
}

/// One delivery of a stored message: the recipient it was delivered for and what intake
/// made of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct InboundDelivery {
    /// Id.
    pub id: Uuid,
    /// The message.
    pub mail_id: Uuid,
    /// The envelope recipient, lower-cased, a `+tag` kept; `""` when the MTA did not say.
    pub recipient: String,
    /// The SMTP envelope sender of this delivery.
    pub envelope_sender: String,
    /// When it arrived.
    #[sqlx(try_from = "i64")]
    pub received_at: Timestamp,
    /// Where intake routed it: incident, vulnerability, phishing, intel, reply.
    pub route: String,
    /// received (being handled), created, appended, held or ignored.
    pub status: String,
    /// Why it was held or ignored.
    pub reason: String,
    /// What it became or joined: a tracking number or an intel record id.
    pub target: String,
}

/// The columns, as a literal for `concat!` (sqlx takes only static SQL).
macro_rules! columns {
    () => {
        "id, sha256, received_at, envelope_sender, recipient, message_id, from_email, subject, raw"
    };
}

/// The delivery columns.
macro_rules! delivery_columns {
    () => {
        "id, mail_id, recipient, envelope_sender, received_at, route, status, reason, target"
    };
}

impl Store {
    /// The stored message with these raw bytes' hash.
    pub async fn inbound_by_sha(&self, sha256: &str) -> Result<Option<InboundMail>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, InboundMail>(concat!("SELECT ", columns!(), " FROM inbound_mail WHERE sha256 = $1"))
                .bind(sha256).fetch_optional(c).await?
        }))
    }

    /// One stored message.
    pub async fn get_inbound(&self, id: Uuid) -> Result<Option<InboundMail>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, InboundMail>(concat!("SELECT ", columns!(), " FROM inbound_mail WHERE id = $1"))
                .bind(id).fetch_optional(c).await?
        }))
    }

    /// The newest messages with their deliveries, optionally only those with a delivery
    /// of one status.
    pub async fn list_inbound(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(InboundMail, Vec<InboundDelivery>)>> {
        let limit = limit.clamp(1, 1000);
        let (mails, deliveries) = dispatch!(pool self, c => {
            let mails = sqlx::query_as::<_, InboundMail>(concat!("SELECT ", columns!(), " FROM inbound_mail m WHERE ($1 IS NULL OR EXISTS (SELECT 1 FROM inbound_deliveries d WHERE d.mail_id = m.id AND d.status = $1)) ORDER BY received_at DESC, id DESC LIMIT $2"))
                .bind(status).bind(limit).fetch_all(c).await?;
            let deliveries = sqlx::query_as::<_, InboundDelivery>(concat!("SELECT ", delivery_columns!(), " FROM inbound_deliveries WHERE mail_id IN (SELECT id FROM inbound_mail m WHERE ($1 IS NULL OR EXISTS (SELECT 1 FROM inbound_deliveries d WHERE d.mail_id = m.id AND d.status = $1)) ORDER BY received_at DESC, id DESC LIMIT $2) ORDER BY received_at, id"))
                .bind(status).bind(limit).fetch_all(c).await?;
            (mails, deliveries)
        });
        Ok(group(mails, deliveries))
    }

    /// A message's deliveries, oldest first.
    pub async fn inbound_deliveries(&self, mail_id: Uuid) -> Result<Vec<InboundDelivery>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, InboundDelivery>(concat!("SELECT ", delivery_columns!(), " FROM inbound_deliveries WHERE mail_id = $1 ORDER BY received_at, id"))
                .bind(mail_id).fetch_all(c).await?
        }))
    }

    /// The subject of a message we sent, by its Message-ID (with or without brackets).
    pub async fn sent_subject(&self, message_id: &str) -> Result<Option<String>> {
        let id = message_id.trim().trim_matches(['<', '>']);
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, String>("SELECT subject FROM outbox WHERE message_id = $1 OR message_id = $2 LIMIT 1")
                .bind(id).bind(format!("<{id}>")).fetch_optional(c).await?
        }))
    }
}

/// Puts each delivery under its message.
fn group(
    mails: Vec<InboundMail>,
    deliveries: Vec<InboundDelivery>,
) -> Vec<(InboundMail, Vec<InboundDelivery>)> {
    let mut out: Vec<(InboundMail, Vec<InboundDelivery>)> =
        mails.into_iter().map(|m| (m, Vec::new())).collect();
    for d in deliveries {
        if let Some((_, list)) = out.iter_mut().find(|(m, _)| m.id == d.mail_id) {
            list.push(d);
        }
    }
    out
}

impl Tx {
    /// Stores a message; false when one with the same hash is already there.
    pub async fn insert_inbound(&mut self, m: &InboundMail) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query(concat!("INSERT INTO inbound_mail (", columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (sha256) DO NOTHING"))
                .bind(m.id).bind(&m.sha256).bind(m.received_at.micros()).bind(&m.envelope_sender).bind(&m.recipient)
                .bind(&m.message_id).bind(&m.from_email).bind(&m.subject).bind(&m.raw)
                .execute(c).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Records a delivery; false when the message already has one for this recipient.
    pub async fn insert_inbound_delivery(&mut self, d: &InboundDelivery) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query(concat!("INSERT INTO inbound_deliveries (", delivery_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (mail_id, recipient) DO NOTHING"))
                .bind(d.id).bind(d.mail_id).bind(&d.recipient).bind(&d.envelope_sender).bind(d.received_at.micros())
                .bind(&d.route).bind(&d.status).bind(&d.reason).bind(&d.target)
                .execute(c).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Records what intake made of a delivery.
    pub async fn set_delivery_outcome(
        &mut self,
        id: Uuid,
        route: &str,
        status: &str,
        reason: &str,
        target: &str,
    ) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE inbound_deliveries SET route = $2, status = $3, reason = $4, target = $5 WHERE id = $1")
                .bind(id).bind(route).bind(status).bind(reason).bind(target).execute(c).await?;
        });
        Ok(())
    }
}

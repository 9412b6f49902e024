//! `inbound_mail`: each message handed to intake, kept whole as evidence, with what intake
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
    /// SHA-256 of the raw bytes (hex): one row per distinct message.
    pub sha256: String,
    /// When it arrived.
    #[sqlx(try_from = "i64")]
    pub received_at: Timestamp,
    /// The SMTP envelope sender the MTA gave (`""` when none was given or a bounce).
    pub envelope_sender: String,
    /// The address it was delivered to.
    pub recipient: String,
    /// Where intake routed it: incident, vulnerability, phishing, intel, reply.
    pub route: String,
    /// Its Message-ID.
    pub message_id: String,
    /// Its sender.
    pub from_email: String,
    /// Its subject.
    pub subject: String,
    /// received, created, appended, held or ignored.
    pub status: String,
    /// Why it was held or ignored.
    pub reason: String,
    /// What it became or joined: a tracking number or an intel record id.
    pub target: String,
    /// The message as it came (.eml).
    #[serde(with = "crate::export::base64_bytes")]
    pub raw: Vec<u8>,
}

/// The columns, as a literal for `concat!` (sqlx takes only static SQL).
macro_rules! columns {
    () => {
        "id, sha256, received_at, envelope_sender, recipient, route, message_id, from_email, subject, status, reason, target, raw"
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

    /// The newest messages, optionally of one status.
    pub async fn list_inbound(&self, status: Option<&str>, limit: i64) -> Result<Vec<InboundMail>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, InboundMail>(concat!("SELECT ", columns!(), " FROM inbound_mail WHERE ($1 IS NULL OR status = $1) ORDER BY received_at DESC, id DESC LIMIT $2"))
                .bind(status).bind(limit.clamp(1, 1000)).fetch_all(c).await?
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

impl Tx {
    /// Stores a message; false when one with the same hash is already there.
    pub async fn insert_inbound(&mut self, m: &InboundMail) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query(concat!("INSERT INTO inbound_mail (", columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (sha256) DO NOTHING"))
                .bind(m.id).bind(&m.sha256).bind(m.received_at.micros()).bind(&m.envelope_sender).bind(&m.recipient)
                .bind(&m.route).bind(&m.message_id).bind(&m.from_email).bind(&m.subject).bind(&m.status)
                .bind(&m.reason).bind(&m.target).bind(&m.raw)
                .execute(c).await?.rows_affected()
        });
        Ok(n > 0)
    }

    /// Records what intake made of a message.
    pub async fn set_inbound_outcome(
        &mut self,
        id: Uuid,
        route: &str,
        status: &str,
        reason: &str,
        target: &str,
    ) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE inbound_mail SET route = $2, status = $3, reason = $4, target = $5 WHERE id = $1")
                .bind(id).bind(route).bind(status).bind(reason).bind(target).execute(c).await?;
        });
        Ok(())
    }
}

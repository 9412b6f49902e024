//! The mail outbox. Every message tocsin sends is first a row here, written in the same
//! transaction as the change that caused it; a worker on any instance claims due rows with
//! a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has a single writer) and marks
//! them sent. A crash between queueing and sending loses nothing: the row stays queued.

use serde::{Deserialize, Serialize};
use tocsin_domain::{OutboxId, Timestamp};
use uuid::Uuid;

use crate::{Pool, Result, StorageError, Store, Tx};

/// A rendered message to queue.
#[derive(Clone, Debug)]
pub struct NewMail {
    /// The Message-ID header's value (without angle brackets), fixed at queueing so a
    /// retried delivery is recognisably the same message.
    pub message_id: String,
    /// Envelope sender.
    pub sender: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// Subject, for the operator's view.
    pub subject: String,
    /// The whole RFC 5322 message.
    pub message: Vec<u8>,
}

/// Delivery state of an outbox row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting for (another) delivery attempt.
    Queued,
    /// Delivered.
    Sent,
    /// Given up after too many attempts or a permanent refusal.
    Failed,
}

impl OutboxStatus {
    fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

impl TryFrom<String> for OutboxStatus {
    type Error = StorageError;
    fn try_from(s: String) -> Result<Self> {
        match s.as_str() {
            "queued" => Ok(OutboxStatus::Queued),
            "sent" => Ok(OutboxStatus::Sent),
            "failed" => Ok(OutboxStatus::Failed),
            _ => Err(StorageError::Corrupt(format!("outbox status {s}"))),
        }
    }
}

/// An outbox row, complete (the export and the operator's view use it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct OutboxRow {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: OutboxId,
    /// Queued at.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Message-ID.
    pub message_id: String,
    /// Envelope sender.
    pub sender: String,
    /// Envelope recipients, a JSON array.
    pub recipients: String,
    /// Subject.
    pub subject: String,
    /// The message.
    #[serde(with = "crate::export::base64_bytes")]
    pub message: Vec<u8>,
    /// State.
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Not before.
    #[sqlx(try_from = "i64")]
    pub next_attempt_at: Timestamp,
    /// Lease end of the worker holding it.
    #[sqlx(try_from = "Option<i64>")]
    pub locked_until: crate::columns::OptTime,
    /// The worker holding it.
    pub locked_by: Option<String>,
    /// When it was delivered.
    #[sqlx(try_from = "Option<i64>")]
    pub sent_at: crate::columns::OptTime,
    /// The last delivery error.
    pub last_error: Option<String>,
}

/// A message claimed for delivery by one worker.
#[derive(Clone, Debug)]
pub struct ClaimedMail {
    /// Id.
    pub id: OutboxId,
    /// The Message-ID fixed at queueing (without angle brackets); the file transport
    /// names its file after it, so a re-delivery replaces the same file.
    pub message_id: String,
    /// Envelope sender.
    pub sender: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// The message.
    pub message: Vec<u8>,
    /// Attempts including this one.
    pub attempts: i32,
}

const CLAIM_SQLITE: &str = "UPDATE outbox SET locked_until = $1, locked_by = $2, attempts = attempts + 1 \
    WHERE id = (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $3 \
    AND (locked_until IS NULL OR locked_until <= $3) ORDER BY next_attempt_at, id LIMIT 1) \
    RETURNING id, message_id, sender, recipients, message, attempts";
const CLAIM_POSTGRES: &str = "UPDATE outbox SET locked_until = $1, locked_by = $2, attempts = attempts + 1 \
    WHERE id = (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $3 \
    AND (locked_until IS NULL OR locked_until <= $3) ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
    RETURNING id, message_id, sender, recipients, message, attempts";

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: Uuid,
    message_id: String,
    sender: String,
    recipients: String,
    message: Vec<u8>,
    attempts: i32,
}

impl Tx {
    /// Queues a message; it is sent once this transaction commits.
    pub async fn enqueue_mail(&mut self, m: &NewMail) -> Result<OutboxId> {
        let mut ids = self.enqueue_mails(std::slice::from_ref(m)).await?;
        ids.pop().ok_or_else(|| crate::corrupt("no message queued"))
    }

    /// Queues several messages (the group commit of intake) in a few multi-row
    /// statements; each is sent once this transaction commits.
    pub async fn enqueue_mails(&mut self, mails: &[NewMail]) -> Result<Vec<OutboxId>> {
        let now = self.now();
        let rows = mails
            .iter()
            .map(|m| {
                Ok(OutboxRow {
                    id: OutboxId::new(),
                    created_at: now,
                    message_id: m.message_id.clone(),
                    sender: m.sender.clone(),
                    recipients: serde_json::to_string(&m.recipients).map_err(crate::corrupt)?,
                    subject: m.subject.clone(),
                    message: m.message.clone(),
                    status: OutboxStatus::Queued,
                    attempts: 0,
                    next_attempt_at: now,
                    locked_until: Default::default(),
                    locked_by: None,
                    sent_at: Default::default(),
                    last_error: None,
                })
            })
            .collect::<Result<Vec<OutboxRow>>>()?;
        self.insert_outboxes(&rows).await?;
        Ok(rows.iter().map(|r| r.id).collect())
    }

    pub(crate) async fn insert_outbox(&mut self, r: &OutboxRow) -> Result<()> {
        self.insert_outboxes(std::slice::from_ref(r)).await
    }

    pub(crate) async fn insert_outboxes(&mut self, rows: &[OutboxRow]) -> Result<()> {
        insert_rows!(
            self,
            "INSERT INTO outbox (id, created_at, message_id, sender, recipients, subject, message, status, attempts, next_attempt_at, locked_until, locked_by, sent_at, last_error) VALUES",
            14,
            rows,
            |q, r| q
                .bind(r.id.uuid())
                .bind(r.created_at.micros())
                .bind(&r.message_id)
                .bind(&r.sender)
                .bind(&r.recipients)
                .bind(&r.subject)
                .bind(&r.message)
                .bind(r.status.as_str())
                .bind(r.attempts)
                .bind(r.next_attempt_at.micros())
                .bind(r.locked_until.micros())
                .bind(&r.locked_by)
                .bind(r.sent_at.micros())
                .bind(&r.last_error)
        );
        Ok(())
    }
}

impl Store {
    /// Queues a message on its own transaction.
    pub async fn enqueue_mail(&self, m: &NewMail) -> Result<OutboxId> {
        let mut tx = self.begin().await?;
        let id = tx.enqueue_mail(m).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claims the oldest due message for `worker` until `lease_until`, or None.
    pub async fn claim_mail(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<ClaimedMail>> {
        let row: Option<ClaimRow> = match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(CLAIM_SQLITE)
                    .bind(lease_until.micros())
                    .bind(worker)
                    .bind(now.micros())
                    .fetch_optional(p)
                    .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as(CLAIM_POSTGRES)
                    .bind(lease_until.micros())
                    .bind(worker)
                    .bind(now.micros())
                    .fetch_optional(p)
                    .await?
            }
        };
        row.map(|r| {
            Ok(ClaimedMail {
                id: OutboxId(r.id),
                message_id: r.message_id,
                sender: r.sender,
                recipients: serde_json::from_str(&r.recipients).map_err(crate::corrupt)?,
                message: r.message,
                attempts: r.attempts,
            })
        })
        .transpose()
    }

    /// Ends the leases `worker` still holds on queued messages, so they are due again at
    /// once, and returns how many it released. An instance calls this on start with its
    /// stable id, before claiming anything: whatever it held when it died (or was killed)
    /// is then retried right away instead of after the lease runs out. Leases of other
    /// workers, and messages already sent or failed, are left alone. Only safe when no
    /// other running worker uses the same id.
    pub async fn release_mail_leases(&self, worker: &str, now: Timestamp) -> Result<u64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("UPDATE outbox SET locked_until = NULL \
                         WHERE locked_by = $1 AND status = 'queued' AND locked_until > $2")
                .bind(worker).bind(now.micros()).execute(c).await?.rows_affected()
        }))
    }

    /// Marks a claimed message delivered. Returns false if `worker` no longer held it.
    pub async fn mark_mail_sent(&self, id: OutboxId, worker: &str, now: Timestamp) -> Result<bool> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $3, locked_until = NULL, last_error = NULL \
                         WHERE id = $1 AND locked_by = $2 AND status = 'queued'")
                .bind(id.uuid()).bind(worker).bind(now.micros()).execute(c).await?.rows_affected()
        }) == 1)
    }

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    pub async fn mark_mail_failed(
        &self,
        id: OutboxId,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        let (status, next) = match retry_at {
            Some(t) => (OutboxStatus::Queued, Some(t.micros())),
            None => (OutboxStatus::Failed, None),
        };
        dispatch!(pool self, c => {
            sqlx::query("UPDATE outbox SET status = $3, last_error = $4, locked_until = NULL, \
                         next_attempt_at = COALESCE($5, next_attempt_at) WHERE id = $1 AND locked_by = $2")
                .bind(id.uuid()).bind(worker).bind(status.as_str()).bind(error).bind(next)
                .execute(c).await?;
        });
        Ok(())
    }

    /// Messages waiting to be delivered.
    pub async fn outbox_depth(&self) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE status = 'queued'").fetch_one(c).await?
        }))
    }

    /// The newest messages, for the operator's view.
    pub async fn list_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, OutboxRow>("SELECT id, created_at, message_id, sender, recipients, subject, message, status, attempts, next_attempt_at, locked_until, locked_by, sent_at, last_error FROM outbox ORDER BY id DESC LIMIT $1")
                .bind(limit.clamp(1, 1000)).fetch_all(c).await?
        }))
    }

    /// One message.
    pub async fn get_outbox(&self, id: OutboxId) -> Result<Option<OutboxRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, OutboxRow>("SELECT id, created_at, message_id, sender, recipients, subject, message, status, attempts, next_attempt_at, locked_until, locked_by, sent_at, last_error FROM outbox WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }
}

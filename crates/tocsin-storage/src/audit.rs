//! The append-only audit log: who did what to which record, and when. Reads of
//! confidential records are logged too. The database refuses UPDATE and DELETE on it.

use serde::{Deserialize, Serialize};
use tocsin_domain::{AuditId, Timestamp, UserId};
use uuid::Uuid;

use crate::{Result, Store, Tx};

/// A new audit entry.
#[derive(Clone, Debug, Default)]
pub struct NewAuditEntry {
    /// The acting user, if signed in.
    pub actor_id: Option<UserId>,
    /// A readable actor: the user's email, `anonymous`, or `system`/`cli`.
    pub actor: String,
    /// What was done, e.g. `org.create`, `report.read`, `auth.login_failed`.
    pub action: String,
    /// The kind of record, e.g. `organization`.
    pub target_kind: String,
    /// The record's id or tracking number.
    pub target_id: String,
    /// Short detail (never a secret).
    pub detail: String,
    /// Client address.
    pub ip: String,
    /// The request id, to join with the logs.
    pub request_id: String,
}

/// A stored audit entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AuditEntry {
    /// Id (time-ordered).
    #[sqlx(try_from = "Uuid")]
    pub id: AuditId,
    /// When.
    #[sqlx(try_from = "i64")]
    pub at: Timestamp,
    /// The acting user.
    pub actor_id: Option<Uuid>,
    /// Readable actor.
    pub actor: String,
    /// Action.
    pub action: String,
    /// Target kind.
    pub target_kind: String,
    /// Target id.
    pub target_id: String,
    /// Detail.
    pub detail: String,
    /// Client address.
    pub ip: String,
    /// Request id.
    pub request_id: String,
}

/// A filter for the audit view. Empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Actor, exact (e.g. an email).
    pub actor: Option<String>,
    /// Action prefix, e.g. `auth.` or `org.create`.
    pub action: Option<String>,
    /// Target kind, exact.
    pub target_kind: Option<String>,
    /// Target id, exact.
    pub target_id: Option<String>,
    /// Only entries older than this one (keyset paging).
    pub before: Option<AuditId>,
    /// At most this many (capped at 500).
    pub limit: i64,
}

impl AuditEntry {
    /// The entry `n` describes, made at `at`.
    fn new(n: &NewAuditEntry, at: Timestamp) -> Self {
        AuditEntry {
            id: AuditId::new(),
            at,
            actor_id: n.actor_id.map(|u| u.uuid()),
            actor: n.actor.clone(),
            action: n.action.clone(),
            target_kind: n.target_kind.clone(),
            target_id: n.target_id.clone(),
            detail: n.detail.clone(),
            ip: n.ip.clone(),
            request_id: n.request_id.clone(),
        }
    }
}

impl Tx {
    /// Appends an entry inside this transaction, so the action and its record commit together.
    pub async fn audit(&mut self, e: &NewAuditEntry) -> Result<()> {
        self.audit_all(std::slice::from_ref(e)).await
    }

    /// Appends several entries at this transaction's time (the group commit of intake),
    /// in a few multi-row statements; ids increase in the order given.
    pub async fn audit_all(&mut self, entries: &[NewAuditEntry]) -> Result<()> {
        let at = self.now();
        let rows: Vec<AuditEntry> = entries.iter().map(|e| AuditEntry::new(e, at)).collect();
        self.insert_audits(&rows).await
    }

    pub(crate) async fn insert_audit(&mut self, a: &AuditEntry) -> Result<()> {
        self.insert_audits(std::slice::from_ref(a)).await
    }

    pub(crate) async fn insert_audits(&mut self, rows: &[AuditEntry]) -> Result<()> {
        insert_rows!(
            self,
            "INSERT INTO audit_log (id, at, actor_id, actor, action, target_kind, target_id, detail, ip, request_id) VALUES",
            10,
            rows,
            |q, a| q
                .bind(a.id.uuid())
                .bind(a.at.micros())
                .bind(a.actor_id)
                .bind(&a.actor)
                .bind(&a.action)
                .bind(&a.target_kind)
                .bind(&a.target_id)
                .bind(&a.detail)
                .bind(&a.ip)
                .bind(&a.request_id)
        );
        Ok(())
    }
}

impl Store {
    /// Appends an entry on its own (for reads and refusals, which have no transaction).
    pub async fn audit(&self, e: &NewAuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.audit(e).await?;
        tx.commit().await
    }

    /// Entries matching `f`, newest first.
    pub async fn list_audit(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let limit = f.limit.clamp(1, 500);
        let action_prefix = f
            .action
            .as_ref()
            .map(|a| format!("{}%", a.replace(['%', '_'], "")));
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, AuditEntry>(
                "SELECT id, at, actor_id, actor, action, target_kind, target_id, detail, ip, request_id FROM audit_log \
                 WHERE ($1 IS NULL OR actor = $1) AND ($2 IS NULL OR action LIKE $2) \
                 AND ($3 IS NULL OR target_kind = $3) AND ($4 IS NULL OR target_id = $4) \
                 AND ($5 IS NULL OR id < $5) ORDER BY id DESC LIMIT $6")
                .bind(f.actor.as_deref()).bind(action_prefix.as_deref()).bind(f.target_kind.as_deref())
                .bind(f.target_id.as_deref()).bind(f.before.map(|b| b.uuid())).bind(limit)
                .fetch_all(c).await?
        }))
    }
}

//! Other CSIRTs (`teams`) and the desk's threads with them about a case
//! (`team_threads`): forwards and requests, with their state, the team's ticket number
//! and the Message-IDs that keep a thread together.

use serde::{Deserialize, Serialize};
use tocsin_domain::team::{Constituency, ForwardState, TeamInput};
use tocsin_domain::{ReportId, Timestamp};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Result, StorageError, Store, Tx};

/// A directory entry as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct TeamRow {
    /// Id.
    pub id: Uuid,
    /// Name, unique (the key an import updates by).
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// The constituency as JSON ([`TeamRow::constituency`] reads it).
    #[sqlx(rename = "constituency")]
    pub constituency_json: String,
    /// Contact address, lower case.
    pub email: String,
    /// Emergency phone.
    pub emergency_phone: String,
    /// Armored OpenPGP key.
    pub pgp_key: String,
    /// Its fingerprint, checked against the key when one is stored.
    pub pgp_fingerprint: String,
    /// Memberships and listings.
    pub accreditation: String,
    /// The language to write to it in.
    pub language: String,
    /// The desk's notes.
    pub notes: String,
    /// Created.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last changed.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

impl TeamRow {
    /// The constituency (empty if the stored JSON is unreadable, which only a hand edit
    /// of the database makes).
    pub fn constituency(&self) -> Constituency {
        serde_json::from_str(&self.constituency_json).unwrap_or_default()
    }

    /// The entry as a directory input (for export and editing).
    pub fn input(&self) -> TeamInput {
        TeamInput {
            name: self.name.clone(),
            country: self.country.clone(),
            constituency: self.constituency(),
            email: self.email.clone(),
            emergency_phone: self.emergency_phone.clone(),
            pgp_key: self.pgp_key.clone(),
            pgp_fingerprint: self.pgp_fingerprint.clone(),
            accreditation: self.accreditation.clone(),
            language: self.language.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// A thread of the desk with a team about one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct TeamThread {
    /// Id.
    pub id: Uuid,
    /// The case.
    #[sqlx(try_from = "Uuid")]
    pub report_id: ReportId,
    /// The team.
    pub team_id: Uuid,
    /// `forward` (the desk wrote first) or `request` (the team did).
    pub direction: String,
    /// Where it stands.
    #[sqlx(try_from = "String")]
    pub state: ForwardState,
    /// The TLP of what the desk sent.
    pub tlp: String,
    /// The reporter agreed to have their identity passed on, and it was.
    pub identity_consented: bool,
    /// The team's own ticket number (`JPCERT#12345`), once known.
    pub their_ticket: String,
    /// The last Message-ID the team wrote in this thread.
    pub their_message_id: String,
    /// The Message-ID of the forward.
    pub our_message_id: String,
    /// Who opened it (an analyst's name, or the team's address for a request).
    pub created_by: String,
    /// Opened.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last changed.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
    /// When the team is reminded (a forward with no answer), if at all.
    #[sqlx(try_from = "Option<i64>")]
    pub remind_at: OptTime,
    /// When it was reminded.
    #[sqlx(try_from = "Option<i64>")]
    pub reminded_at: OptTime,
}

/// `SELECT` of a team's columns, then `$rest`.
macro_rules! select_team {
    ($rest:literal) => {
        concat!("SELECT id, name, country, constituency, email, emergency_phone, pgp_key, pgp_fingerprint, accreditation, language, notes, created_at, updated_at FROM teams ", $rest)
    };
}

/// `SELECT` of a thread's columns, then `$rest`.
macro_rules! select_thread {
    ($rest:literal) => {
        concat!("SELECT id, report_id, team_id, direction, state, tlp, identity_consented, their_ticket, their_message_id, our_message_id, created_by, created_at, updated_at, remind_at, reminded_at FROM team_threads ", $rest)
    };
}

impl Tx {
    /// Creates a team, or updates the one of the same name; returns its id and whether
    /// it was new. `input` is validated by the caller.
    pub async fn upsert_team(&mut self, input: &TeamInput) -> Result<(Uuid, bool)> {
        let now = self.now().micros();
        let constituency = serde_json::to_string(&input.constituency)
            .map_err(|e| StorageError::Corrupt(format!("constituency: {e}")))?;
        let existing: Option<Uuid> = dispatch!(tx self, c => {
            sqlx::query_scalar("SELECT id FROM teams WHERE name = $1")
                .bind(&input.name).fetch_optional(c).await?
        });
        let (id, new) = match existing {
            Some(id) => (id, false),
            None => (Uuid::now_v7(), true),
        };
        let sql = if new {
            "INSERT INTO teams (id, name, country, constituency, email, emergency_phone, pgp_key, pgp_fingerprint, accreditation, language, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)"
        } else {
            "UPDATE teams SET name = $2, country = $3, constituency = $4, email = $5, emergency_phone = $6, pgp_key = $7, pgp_fingerprint = $8, accreditation = $9, language = $10, notes = $11, updated_at = $12 WHERE id = $1"
        };
        dispatch!(tx self, c => {
            sqlx::query(sql)
                .bind(id).bind(&input.name).bind(&input.country).bind(&constituency)
                .bind(&input.email).bind(&input.emergency_phone).bind(&input.pgp_key)
                .bind(&input.pgp_fingerprint).bind(&input.accreditation).bind(&input.language)
                .bind(&input.notes).bind(now)
                .execute(c).await?;
        });
        Ok((id, new))
    }

    /// Opens a thread with a team about a case.
    pub async fn insert_team_thread(&mut self, t: &TeamThread) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO team_threads (id, report_id, team_id, direction, state, tlp, identity_consented, their_ticket, their_message_id, our_message_id, created_by, created_at, updated_at, remind_at, reminded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")
                .bind(t.id).bind(t.report_id.uuid()).bind(t.team_id).bind(&t.direction)
                .bind(t.state.as_str()).bind(&t.tlp).bind(t.identity_consented)
                .bind(&t.their_ticket).bind(&t.their_message_id).bind(&t.our_message_id)
                .bind(&t.created_by).bind(t.created_at.micros()).bind(t.updated_at.micros())
                .bind(t.remind_at.micros()).bind(t.reminded_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Writes a thread's state, ticket, last Message-ID of theirs and reminder times.
    pub async fn update_team_thread(&mut self, t: &TeamThread) -> Result<()> {
        let now = self.now().micros();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE team_threads SET state = $2, their_ticket = $3, their_message_id = $4, remind_at = $5, reminded_at = $6, updated_at = $7 WHERE id = $1")
                .bind(t.id).bind(t.state.as_str()).bind(&t.their_ticket).bind(&t.their_message_id)
                .bind(t.remind_at.micros()).bind(t.reminded_at.micros()).bind(now)
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("team thread"));
        }
        Ok(())
    }

    /// One thread, locked for this transaction's change (SQLite's write transaction
    /// holds the lock already; PostgreSQL locks the row).
    pub async fn team_thread_for_update(&mut self, id: Uuid) -> Result<Option<TeamThread>> {
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as::<_, TeamThread>(select_thread!("WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as::<_, TeamThread>(select_thread!("WHERE id = $1 FOR UPDATE"))
                    .bind(id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }
}

impl Store {
    /// Every team, by name.
    pub async fn list_teams(&self) -> Result<Vec<TeamRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, TeamRow>(select_team!("ORDER BY name"))
                .fetch_all(c).await?
        }))
    }

    /// One team.
    pub async fn get_team(&self, id: Uuid) -> Result<Option<TeamRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, TeamRow>(select_team!("WHERE id = $1"))
                .bind(id).fetch_optional(c).await?
        }))
    }

    /// The teams whose contact address is `email` (lower case).
    pub async fn teams_by_email(&self, email: &str) -> Result<Vec<TeamRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, TeamRow>(select_team!("WHERE email = $1 ORDER BY name"))
                .bind(email).fetch_all(c).await?
        }))
    }

    /// A case's threads with teams, oldest first.
    pub async fn team_threads_of(&self, report: ReportId) -> Result<Vec<TeamThread>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, TeamThread>(select_thread!("WHERE report_id = $1 ORDER BY created_at, id"))
                .bind(report.uuid()).fetch_all(c).await?
        }))
    }

    /// The teams' own ticket numbers (e.g. `JPCERT#12345`) on the threads of `reports`,
    /// oldest thread first, for the desk's lists: one query a page (by the report index).
    pub async fn team_tickets_of(&self, reports: &[ReportId]) -> Result<Vec<(ReportId, String)>> {
        let mut out = Vec::new();
        // Well under either engine's limit of bound parameters.
        for chunk in reports.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT report_id, their_ticket FROM team_threads WHERE report_id IN ({}) \
                 AND their_ticket <> '' ORDER BY created_at, id",
                marks.join(", ")
            );
            let rows: Vec<(Uuid, String)> = dispatch!(pool self, c => {
                let mut q = sqlx::query_as::<_, (Uuid, String)>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id.uuid());
                }
                q.fetch_all(c).await?
            });
            out.extend(rows.into_iter().map(|(id, t)| (ReportId(id), t)));
        }
        Ok(out)
    }

    /// One thread.
    pub async fn get_team_thread(&self, id: Uuid) -> Result<Option<TeamThread>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, TeamThread>(select_thread!("WHERE id = $1"))
                .bind(id).fetch_optional(c).await?
        }))
    }

    /// Threads whose reminder is due at `now`, oldest first, at most `limit`.
    pub async fn team_threads_due(&self, now: Timestamp, limit: i64) -> Result<Vec<TeamThread>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, TeamThread>(select_thread!("WHERE remind_at IS NOT NULL AND remind_at <= $1 ORDER BY remind_at LIMIT $2"))
                .bind(now.micros()).bind(limit).fetch_all(c).await?
        }))
    }
}

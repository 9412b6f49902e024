//! Virus Check: files by SHA-256 (`virus_files`: hashes, type, names seen, the engines'
//! results and the versions they were scanned under) and uploads (`virus_analyses`), which
//! are also the scan queue: claimed with a lease as the outbox is (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL; SQLite has one writer), so several instances share the work and an
//! analysis whose worker died is claimed again when its lease runs out. Migration 0024;
//! 0027 adds the members taken out of an archive.

use tocsin_domain::{Timestamp, UserId};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Pool, Result, Store};

/// The most names kept per file (the first ones seen).
pub const MAX_NAMES: usize = 20;

/// What is known of a file.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct VirusFile {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// MD5, lower-case hex.
    pub md5: String,
    /// SHA-1, lower-case hex.
    pub sha1: String,
    /// Size in bytes.
    pub size: i64,
    /// Type by magic bytes (`tocsin_domain::virus::file_type`).
    pub file_type: String,
    /// Names it was uploaded under, a JSON array.
    pub names: String,
    /// First upload.
    #[sqlx(try_from = "i64")]
    pub first_seen: Timestamp,
    /// Last completed scan.
    #[sqlx(try_from = "Option<i64>")]
    pub last_analysed: OptTime,
    /// Results by engine, a JSON object.
    pub results: String,
    /// Engine versions of those results, a JSON object.
    pub engine_versions: String,
    /// The members taken out of it when it is an archive, a JSON array
    /// (`tocsin_domain::virus::archive::Member`).
    pub members: String,
}

/// One upload, and its place in the queue.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct VirusAnalysis {
    /// Its id (the API's `analysis_id`).
    pub id: Uuid,
    /// The file.
    pub sha256: String,
    /// The name it was uploaded under.
    pub name: String,
    /// The uploader's note.
    pub note: String,
    /// The uploader, when signed in.
    pub submitted_by: Option<Uuid>,
    /// Uploaded at.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// `queued`, `in-progress` or `completed`.
    pub status: String,
    /// The encrypted file's name on disk, or None (answered from a stored result, or
    /// deleted after the retention period).
    pub stored_file: Option<String>,
    /// Claims so far.
    pub attempts: i32,
    /// When it completed.
    #[sqlx(try_from = "Option<i64>")]
    pub completed_at: OptTime,
}

/// An analysis in a list, with what the list shows of its file.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ListedAnalysis {
    /// The analysis's id.
    pub id: Uuid,
    /// The name it was uploaded under.
    pub name: String,
    /// The uploader, when signed in.
    pub submitted_by: Option<Uuid>,
    /// Uploaded at.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// `queued`, `in-progress` or `completed`.
    pub status: String,
    /// The file's SHA-256.
    pub sha256: String,
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// Size in bytes.
    pub size: i64,
    /// Results by engine, a JSON object (the file's latest).
    pub results: String,
}

/// The start of a query of [`ListedAnalysis`] rows (a literal, so queries stay static).
macro_rules! listed {
    () => {
        "SELECT a.id, a.name, a.submitted_by, a.created_at, a.status, \
         f.sha256, f.md5, f.sha1, f.size, f.results \
         FROM virus_analyses a JOIN virus_files f ON f.sha256 = a.sha256"
    };
}

/// A message's files submitted by mail, to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVirusMailRequest {
    /// Its id.
    pub id: Uuid,
    /// The message in `inbound_mail`.
    pub inbound_id: Uuid,
    /// Whom to answer.
    pub sender: String,
    /// The answer's language tag.
    pub locale: String,
    /// The message's subject, to answer under.
    pub subject: String,
    /// A JSON array of `{"name", "analysis"}`.
    pub files: String,
}

/// A request by mail waiting for its answer.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct VirusMailRequest {
    /// Its id.
    pub id: Uuid,
    /// The message in `inbound_mail`.
    pub inbound_id: Uuid,
    /// Whom to answer.
    pub sender: String,
    /// The answer's language tag.
    pub locale: String,
    /// The message's subject.
    pub subject: String,
    /// A JSON array of `{"name", "analysis"}`.
    pub files: String,
    /// Received at.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
}

/// An upload to record.
#[derive(Clone, Debug)]
pub struct NewUpload {
    /// Its id, chosen by the caller (the file on disk is named after it).
    pub id: Uuid,
    /// SHA-256.
    pub sha256: String,
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// Size.
    pub size: i64,
    /// Type by magic bytes.
    pub file_type: String,
    /// Name as uploaded.
    pub name: String,
    /// Note.
    pub note: String,
    /// Uploader.
    pub submitted_by: Option<UserId>,
    /// The encrypted file's name when it is to be scanned; None when the stored result
    /// answers it (the analysis is then completed at once).
    pub stored_file: Option<String>,
}

const GET_FILE: &str = "SELECT sha256, md5, sha1, size, file_type, names, first_seen, last_analysed, results, engine_versions, members \
    FROM virus_files WHERE sha256 = $1";
const GET_ANALYSIS: &str = "SELECT id, sha256, name, note, submitted_by, created_at, status, stored_file, attempts, completed_at \
    FROM virus_analyses WHERE id = $1";

const CLAIM_SQLITE: &str = "UPDATE virus_analyses SET status = 'in-progress', locked_until = $1, locked_by = $2, attempts = attempts + 1 \
    WHERE id = (SELECT id FROM virus_analyses WHERE status <> 'completed' \
    AND (locked_until IS NULL OR locked_until <= $3) ORDER BY created_at, id LIMIT 1) \
    RETURNING id, sha256, name, note, submitted_by, created_at, status, stored_file, attempts, completed_at";
const CLAIM_POSTGRES: &str = "UPDATE virus_analyses SET status = 'in-progress', locked_until = $1, locked_by = $2, attempts = attempts + 1 \
    WHERE id = (SELECT id FROM virus_analyses WHERE status <> 'completed' \
    AND (locked_until IS NULL OR locked_until <= $3) ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
    RETURNING id, sha256, name, note, submitted_by, created_at, status, stored_file, attempts, completed_at";

impl Store {
    /// A file by SHA-256.
    pub async fn virus_file(&self, sha256: &str) -> Result<Option<VirusFile>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, VirusFile>(GET_FILE).bind(sha256).fetch_optional(c).await?
        }))
    }

    /// An analysis with its file.
    pub async fn virus_analysis(&self, id: Uuid) -> Result<Option<(VirusAnalysis, VirusFile)>> {
        let a = dispatch!(pool self, c => {
            sqlx::query_as::<_, VirusAnalysis>(GET_ANALYSIS).bind(id).fetch_optional(c).await?
        });
        let Some(a) = a else { return Ok(None) };
        let f = self
            .virus_file(&a.sha256)
            .await?
            .ok_or_else(|| crate::corrupt("analysis without its file"))?;
        Ok(Some((a, f)))
    }

    /// Records an upload: the file (created, or its names extended) and the analysis,
    /// queued when it has a stored file, else completed at once. One transaction.
    pub async fn record_virus_upload(&self, u: &NewUpload) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = tx.now();
        dispatch!(tx tx, c => {
            sqlx::query("INSERT INTO virus_files (sha256, md5, sha1, size, file_type, names, first_seen) \
                         VALUES ($1, $2, $3, $4, $5, '[]', $6) ON CONFLICT (sha256) DO NOTHING")
                .bind(&u.sha256).bind(&u.md5).bind(&u.sha1).bind(u.size).bind(&u.file_type)
                .bind(now.micros()).execute(&mut *c).await?;
            // Locks the row on PostgreSQL, so concurrent uploads of one file each add
            // their name (SQLite's write transaction already excludes them).
            sqlx::query("UPDATE virus_files SET sha256 = sha256 WHERE sha256 = $1")
                .bind(&u.sha256).execute(&mut *c).await?;
            let names: String = sqlx::query_scalar("SELECT names FROM virus_files WHERE sha256 = $1")
                .bind(&u.sha256).fetch_one(&mut *c).await?;
            let mut names: Vec<String> = serde_json::from_str(&names).map_err(crate::corrupt)?;
            if !u.name.is_empty() && !names.contains(&u.name) && names.len() < MAX_NAMES {
                names.push(u.name.clone());
                sqlx::query("UPDATE virus_files SET names = $2 WHERE sha256 = $1")
                    .bind(&u.sha256)
                    .bind(serde_json::to_string(&names).map_err(crate::corrupt)?)
                    .execute(&mut *c).await?;
            }
            let (status, completed) = match &u.stored_file {
                Some(_) => ("queued", None),
                None => ("completed", Some(now.micros())),
            };
            sqlx::query("INSERT INTO virus_analyses (id, sha256, name, note, submitted_by, created_at, status, stored_file, completed_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(u.id).bind(&u.sha256).bind(&u.name).bind(&u.note)
                .bind(u.submitted_by.map(|x| x.uuid())).bind(now.micros()).bind(status)
                .bind(&u.stored_file).bind(completed).execute(&mut *c).await?;
        });
        tx.commit().await
    }

    /// Claims the oldest waiting analysis for `worker` until `lease_until`, or None.
    pub async fn claim_virus_scan(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<VirusAnalysis>> {
        Ok(match &self.pool {
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
        })
    }

    /// Stores a claimed analysis's results (and the members taken out of it, a JSON
    /// array) on its file and completes it, in one transaction. Returns false (and
    /// changes nothing) if `worker` no longer held it.
    pub async fn complete_virus_scan(
        &self,
        id: Uuid,
        worker: &str,
        results: &str,
        engine_versions: &str,
        members: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let now = tx.now();
        let done = dispatch!(tx tx, c => {
            let sha: Option<String> = sqlx::query_scalar(
                "UPDATE virus_analyses SET status = 'completed', completed_at = $3, locked_until = NULL \
                 WHERE id = $1 AND locked_by = $2 AND status <> 'completed' RETURNING sha256")
                .bind(id).bind(worker).bind(now.micros()).fetch_optional(&mut *c).await?;
            match sha {
                Some(sha) => {
                    sqlx::query("UPDATE virus_files SET results = $2, engine_versions = $3, last_analysed = $4, members = $5 WHERE sha256 = $1")
                        .bind(sha).bind(results).bind(engine_versions).bind(now.micros()).bind(members)
                        .execute(&mut *c).await?;
                    true
                }
                None => false,
            }
        });
        if done {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(done)
    }

    /// Analyses whose file is still on disk, uploaded before `before` (oldest first, at
    /// most `limit`): the retention clean-up deletes their files.
    pub async fn virus_files_uploaded_before(
        &self,
        before: Timestamp,
        limit: i64,
    ) -> Result<Vec<(Uuid, String)>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, (Uuid, String)>(
                "SELECT id, stored_file FROM virus_analyses WHERE stored_file IS NOT NULL AND created_at < $1 \
                 ORDER BY created_at LIMIT $2")
                .bind(before.micros()).bind(limit).fetch_all(c).await?
        }))
    }

    /// Notes that an analysis's file was deleted from disk.
    pub async fn forget_virus_file(&self, id: Uuid) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("UPDATE virus_analyses SET stored_file = NULL WHERE id = $1")
                .bind(id).execute(c).await?;
        });
        Ok(())
    }

    /// A signed-in uploader's analyses, newest first, at most `limit` (their history on
    /// `/virus-check`).
    pub async fn virus_analyses_of(&self, user: UserId, limit: i64) -> Result<Vec<ListedAnalysis>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ListedAnalysis>(concat!(listed!(),
                " WHERE a.submitted_by = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2"))
                .bind(user.uuid()).bind(limit).fetch_all(c).await?
        }))
    }

    /// Analyses uploaded in `[from, until)`, newest first, at most `limit` (the desk's
    /// recent analyses, and a month's for its top detections).
    pub async fn virus_analyses_between(
        &self,
        from: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<ListedAnalysis>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ListedAnalysis>(concat!(listed!(),
                " WHERE a.created_at >= $1 AND a.created_at < $2 \
                 ORDER BY a.created_at DESC, a.id DESC LIMIT $3"))
                .bind(from.micros()).bind(until.micros()).bind(limit).fetch_all(c).await?
        }))
    }

    /// Records a message's files submitted by mail, to be answered when their analyses
    /// are completed.
    pub async fn record_virus_mail_request(&self, r: &NewVirusMailRequest) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = tx.now();
        dispatch!(tx tx, c => {
            sqlx::query("INSERT INTO virus_mail_requests (id, inbound_id, sender, locale, subject, files, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(r.id).bind(r.inbound_id).bind(&r.sender).bind(&r.locale).bind(&r.subject)
                .bind(&r.files).bind(now.micros()).execute(&mut *c).await?;
        });
        tx.commit().await
    }

    /// Requests by mail not yet answered, oldest first, at most `limit`.
    pub async fn waiting_virus_mail_requests(&self, limit: i64) -> Result<Vec<VirusMailRequest>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, VirusMailRequest>(
                "SELECT id, inbound_id, sender, locale, subject, files, created_at FROM virus_mail_requests \
                 WHERE answered_at IS NULL ORDER BY created_at, id LIMIT $1")
                .bind(limit).fetch_all(c).await?
        }))
    }

    /// Analyses not yet completed, for figures.
    pub async fn virus_queue_depth(&self) -> Result<i64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM virus_analyses WHERE status <> 'completed'")
                .fetch_one(c).await?
        }))
    }
}

impl crate::Tx {
    /// Marks a request by mail answered, in the transaction that queues its answer;
    /// false when it already was (another instance answered it), so it is answered once.
    pub async fn mark_virus_mail_answered(&mut self, id: Uuid) -> Result<bool> {
        let now = self.now();
        Ok(dispatch!(tx self, c => {
            sqlx::query("UPDATE virus_mail_requests SET answered_at = $2 WHERE id = $1 AND answered_at IS NULL")
                .bind(id).bind(now.micros()).execute(&mut *c).await?.rows_affected() == 1
        }))
    }
}

//! Reports of every kind and what hangs off them: the history of events (state changes,
//! notes, messages), attachments, SOP tasks and satisfaction surveys. The rules (which
//! transitions are legal, who may see what) live in the domain crate; this module stores.

use serde::{Deserialize, Serialize};
use sqlx::QueryBuilder;
use tocsin_domain::{
    AttachmentId, EventId, Priority, ReportId, ReportKind, ReportState, TaskId, TaskState,
    Timestamp, TrackingNumber, UserId,
};
use uuid::Uuid;

use crate::columns::OptTime;
use crate::{Result, StorageError, Store, Tx};

/// A report as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Report {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: ReportId,
    /// Incident, vulnerability or phishing.
    #[sqlx(try_from = "String")]
    pub kind: ReportKind,
    /// The human tracking number.
    pub tracking_id: String,
    /// SHA-256 of the private status-link token.
    #[serde(with = "crate::export::hex_bytes")]
    pub status_token_hash: Vec<u8>,
    /// Where it is in the handling SOP.
    #[sqlx(try_from = "String")]
    pub state: ReportState,
    /// The kind's own category (for incidents: the seed's incident type).
    pub category: String,
    /// Priority, which sets the SLA targets.
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    /// Company name or person.
    pub reporter_name: String,
    /// Reporter's mail address.
    pub reporter_email: String,
    /// Reporter's phone.
    pub reporter_phone: String,
    /// The signed-in account that filed it, if any.
    pub reporter_user_id: Option<Uuid>,
    /// The reporting organization, if known.
    pub org_id: Option<Uuid>,
    /// The reporter's language, for mail.
    pub locale: String,
    /// Set by the server at intake.
    #[sqlx(try_from = "i64")]
    pub reported_at: Timestamp,
    /// The kind's own fields, as JSON.
    pub details: String,
    /// The analyst handling it.
    pub assignee_id: Option<Uuid>,
    /// ENISA RSIT class.
    pub rsit_class: String,
    /// ENISA RSIT type.
    pub rsit_type: String,
    /// The earlier report this one follows up, if any.
    pub follows_up: String,
    /// The original, when this is a duplicate.
    pub duplicate_of: String,
    /// Why it was rejected.
    pub rejection_reason: String,
    /// How it was closed.
    pub resolution: String,
    /// What it turned out to be.
    pub outcome: String,
    /// The first answer to the reporter.
    #[sqlx(try_from = "Option<i64>")]
    pub first_response_at: OptTime,
    /// When it was resolved.
    #[sqlx(try_from = "Option<i64>")]
    pub resolved_at: OptTime,
    /// When it was closed.
    #[sqlx(try_from = "Option<i64>")]
    pub closed_at: OptTime,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// What intake stores (validated by the caller).
#[derive(Clone, Debug)]
pub struct NewReport {
    /// Kind.
    pub kind: ReportKind,
    /// Tracking prefix (configuration).
    pub prefix: String,
    /// Category.
    pub category: String,
    /// Priority.
    pub priority: Priority,
    /// Reporter name.
    pub reporter_name: String,
    /// Reporter email (normalized).
    pub reporter_email: String,
    /// Reporter phone.
    pub reporter_phone: String,
    /// Signed-in reporter.
    pub reporter_user_id: Option<UserId>,
    /// Their organization.
    pub org_id: Option<tocsin_domain::OrgId>,
    /// Language tag.
    pub locale: String,
    /// Kind-specific JSON.
    pub details: String,
    /// RSIT class.
    pub rsit_class: String,
    /// RSIT type.
    pub rsit_type: String,
    /// Follow-up of.
    pub follows_up: String,
    /// SHA-256 of the status token.
    pub status_token_hash: Vec<u8>,
}

/// Who sees an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The desk only.
    Internal,
    /// Also the reporter, on the status page.
    Reporter,
}

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Visibility::Internal => "internal",
            Visibility::Reporter => "reporter",
        }
    }
}

impl TryFrom<String> for Visibility {
    type Error = StorageError;
    fn try_from(s: String) -> Result<Self> {
        match s.as_str() {
            "internal" => Ok(Visibility::Internal),
            "reporter" => Ok(Visibility::Reporter),
            _ => Err(StorageError::Corrupt(format!("visibility {s}"))),
        }
    }
}

/// An entry in a report's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ReportEvent {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: EventId,
    /// The report.
    #[sqlx(try_from = "Uuid")]
    pub report_id: ReportId,
    /// When.
    #[sqlx(try_from = "i64")]
    pub at: Timestamp,
    /// The acting user, if any.
    pub actor_id: Option<Uuid>,
    /// Readable actor (email, `reporter`, `system`).
    pub actor: String,
    /// What happened: `received`, `state`, `note`, `message`, `reporter_info`, `assigned`,
    /// `classified`, `task`, `assistance`, `survey`.
    pub event: String,
    /// Who sees it.
    #[sqlx(try_from = "String")]
    pub visibility: Visibility,
    /// Text (a note, a message).
    pub body: String,
    /// Structured detail as JSON (e.g. `{"from":"received","to":"triaged"}`).
    pub data: String,
}

/// A new history entry.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// Acting user.
    pub actor_id: Option<UserId>,
    /// Readable actor.
    pub actor: String,
    /// What happened.
    pub event: String,
    /// Who sees it.
    pub visibility: Visibility,
    /// Text.
    pub body: String,
    /// JSON detail.
    pub data: String,
}

/// A file attached to a report (without its bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AttachmentMeta {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: AttachmentId,
    /// The report.
    #[sqlx(try_from = "Uuid")]
    pub report_id: ReportId,
    /// The event it came with.
    pub event_id: Option<Uuid>,
    /// The name the uploader gave it.
    pub filename: String,
    /// The declared type (never trusted for display: files are always downloaded).
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// When.
    #[sqlx(try_from = "i64")]
    pub uploaded_at: Timestamp,
}

/// A complete attachment row, for export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AttachmentRow {
    /// Metadata.
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: AttachmentMeta,
    /// The bytes.
    #[serde(with = "crate::export::base64_bytes")]
    pub content: Vec<u8>,
}

/// A new attachment.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    /// File name.
    pub filename: String,
    /// Declared type.
    pub content_type: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Bytes.
    pub content: Vec<u8>,
}

/// A task of the SOP checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ReportTask {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: TaskId,
    /// The report.
    #[sqlx(try_from = "Uuid")]
    pub report_id: ReportId,
    /// Order.
    pub position: i32,
    /// Title in Traditional Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: TaskState,
    /// Last change.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// A satisfaction survey of one report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Survey {
    /// The report.
    #[sqlx(try_from = "Uuid")]
    pub report_id: ReportId,
    /// SHA-256 of the survey link token.
    #[serde(with = "crate::export::hex_bytes")]
    pub token_hash: Vec<u8>,
    /// When the link was mailed.
    #[sqlx(try_from = "i64")]
    pub sent_at: Timestamp,
    /// When it was answered.
    #[sqlx(try_from = "Option<i64>")]
    pub answered_at: OptTime,
    /// 1–5.
    pub speed: Option<i32>,
    /// 1–5.
    pub helpfulness: Option<i32>,
    /// 1–5.
    pub communication: Option<i32>,
    /// 1–5.
    pub overall: Option<i32>,
    /// Free comment.
    pub comment: String,
}

/// Survey answers (validated by the caller: 1–5).
#[derive(Clone, Debug, Default)]
pub struct SurveyAnswer {
    /// Speed.
    pub speed: i32,
    /// Helpfulness.
    pub helpfulness: i32,
    /// Communication.
    pub communication: i32,
    /// Overall.
    pub overall: i32,
    /// Comment.
    pub comment: String,
}

/// Monthly survey results.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SurveyMonth {
    /// `YYYY-MM` (UTC).
    pub month: String,
    /// Answers.
    pub answers: i64,
    /// Averages.
    pub speed: f64,
    /// Averages.
    pub helpfulness: f64,
    /// Averages.
    pub communication: f64,
    /// Averages.
    pub overall: f64,
}

/// A filter for the desk queue. Empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    /// Kind.
    pub kind: Option<ReportKind>,
    /// States.
    pub states: Vec<ReportState>,
    /// Category (incident type).
    pub category: Option<String>,
    /// Assignee; `Some(None)` means unassigned.
    pub assignee: Option<Option<UserId>>,
    /// Reported at or after.
    pub since: Option<Timestamp>,
    /// Reported before.
    pub until: Option<Timestamp>,
    /// Scope: only these organizations' reports or this user's (None: all).
    pub scope: Option<(Option<tocsin_domain::OrgId>, UserId)>,
    /// Newest first (default oldest first, the order a desk works in).
    pub newest_first: bool,
    /// At most (capped at 1000).
    pub limit: i64,
    /// Only reports after this one in the queue's order: a keyset page, whose cost does
    /// not grow with its depth and which neither skips nor repeats a report when reports
    /// are added between pages.
    pub after: Option<ReportCursor>,
}

/// A place in a report queue's order (reported, then id; both ways): the last report of
/// a page, from which the next page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportCursor {
    /// The report's intake time.
    pub reported_at: Timestamp,
    /// The report's id (UUIDv7: unique, and in intake order within one time).
    pub id: ReportId,
}

impl ReportCursor {
    /// The cursor of a listed report.
    pub fn of(r: &Report) -> ReportCursor {
        ReportCursor {
            reported_at: r.reported_at,
            id: r.id,
        }
    }

    /// The cursor as an opaque token for a query string (`after=`).
    pub fn token(&self) -> String {
        format!(
            "{:x}.{}",
            self.reported_at.micros(),
            self.id.uuid().simple()
        )
    }

    /// Reads a token made by [`ReportCursor::token`]; `None` for anything else.
    pub fn parse(token: &str) -> Option<ReportCursor> {
        let (t, id) = token.split_once('.')?;
        if t.is_empty() || t.len() > 16 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let micros = i64::try_from(u64::from_str_radix(t, 16).ok()?).ok()?;
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(ReportCursor {
            reported_at: Timestamp::from_micros(micros),
            id: ReportId::from(Uuid::try_parse(id).ok()?),
        })
    }
}

/// One page of a report queue.
#[derive(Clone, Debug, Default)]
pub struct ReportPage {
    /// The reports, in the queue's order.
    pub rows: Vec<Report>,
    /// Where the next page starts, when this one is full.
    pub next: Option<ReportCursor>,
}

/// The columns of a listed report, in [`Report`]'s order.
const REPORT_COLUMNS: &str = "id, kind, tracking_id, status_token_hash, state, category, priority, reporter_name, reporter_email, reporter_phone, reporter_user_id, org_id, locale, reported_at, details, assignee_id, rsit_class, rsit_type, follows_up, duplicate_of, rejection_reason, resolution, outcome, first_response_at, resolved_at, closed_at, updated_at";

/// The SQL of one queue page: `SELECT … FROM reports WHERE <only the filters given>`
/// in the queue's order from the cursor on, one index range per asked state when the
/// states are what the index walk needs (see [`Store::list_reports_page`]).
fn push_report_page<DB>(q: &mut QueryBuilder<DB>, f: &ReportFilter, limit: i64)
where
    DB: sqlx::Database,
    String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    Uuid: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let order = if f.newest_first {
        "reported_at DESC, id DESC"
    } else {
        "reported_at, id"
    };
    // One branch per state when states narrow the walk (an index by state and time), or
    // when another filter's index begins with the state after its own column; one branch
    // over every state when nothing narrows it (the index by kind and time). A scope
    // reads its own small set whatever the states.
    let narrowed = f.category.is_some() || f.assignee.is_some();
    let per_state: Vec<Option<ReportState>> = if f.scope.is_some() {
        vec![None]
    } else if !f.states.is_empty() {
        f.states.iter().copied().map(Some).collect()
    } else if narrowed && f.kind.is_some() {
        ReportState::ALL.iter().copied().map(Some).collect()
    } else {
        vec![None]
    };
    let single = per_state.len() == 1;
    for (i, state) in per_state.iter().enumerate() {
        if !single {
            q.push(if i == 0 {
                "SELECT * FROM ("
            } else {
                " UNION ALL SELECT * FROM ("
            });
        }
        q.push("SELECT ")
            .push(REPORT_COLUMNS)
            .push(" FROM reports WHERE 1 = 1");
        if let Some(k) = f.kind {
            q.push(" AND kind = ").push_bind(k.as_str().to_string());
        }
        match state {
            Some(s) => {
                q.push(" AND state = ").push_bind(s.as_str().to_string());
            }
            None if !f.states.is_empty() => {
                q.push(" AND state IN (");
                let mut sep = q.separated(", ");
                for s in &f.states {
                    sep.push_bind(s.as_str().to_string());
                }
                q.push(")");
            }
            None => {}
        }
        if let Some(c) = &f.category {
            q.push(" AND category = ").push_bind(c.clone());
        }
        match f.assignee {
            None => {}
            Some(None) => {
                q.push(" AND assignee_id IS NULL");
            }
            Some(Some(u)) => {
                q.push(" AND assignee_id = ").push_bind(u.uuid());
            }
        }
        if let Some(t) = f.since {
            q.push(" AND reported_at >= ").push_bind(t.micros());
        }
        if let Some(t) = f.until {
            q.push(" AND reported_at < ").push_bind(t.micros());
        }
        if let Some((org, user)) = f.scope {
            q.push(" AND (reporter_user_id = ").push_bind(user.uuid());
            if let Some(o) = org {
                q.push(" OR org_id = ").push_bind(o.uuid());
            }
            q.push(")");
        }
        if let Some(c) = f.after {
            // A row value: both engines start the index walk at it.
            q.push(if f.newest_first {
                " AND (reported_at, id) < ("
            } else {
                " AND (reported_at, id) > ("
            })
            .push_bind(c.reported_at.micros())
            .push(", ")
            .push_bind(c.id.uuid())
            .push(")");
        }
        q.push(" ORDER BY ")
            .push(order)
            .push(" LIMIT ")
            .push_bind(limit);
        if !single {
            q.push(format_args!(") AS b{i}"));
        }
    }
    if !single {
        q.push(" ORDER BY ")
            .push(order)
            .push(" LIMIT ")
            .push_bind(limit);
    }
}

/// `SELECT <every report column> FROM reports <tail>`, as a static string.
macro_rules! select_reports {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, tracking_id, status_token_hash, state, category, priority, reporter_name, reporter_email, reporter_phone, reporter_user_id, org_id, locale, reported_at, details, assignee_id, rsit_class, rsit_type, follows_up, duplicate_of, rejection_reason, resolution, outcome, first_response_at, resolved_at, closed_at, updated_at FROM reports ",
            $tail
        )
    };
}
pub(crate) use select_reports;

impl Tx {
    /// Stores a new report with the next tracking number of its prefix and `year` (the
    /// desk's calendar year at [`Tx::now`]: at 00:30 on New Year's Day in Taipei it is
    /// already the new year), and its `received` event. Returns the stored report.
    pub async fn create_report(&mut self, new: &NewReport, year: i32) -> Result<Report> {
        let tracking = self.next_tracking_number(&new.prefix, year).await?;
        let mut stored = self.create_reports(&[(new, tracking)]).await?;
        stored
            .pop()
            .ok_or_else(|| StorageError::Corrupt("no report stored".into()))
    }

    /// Stores new reports under the tracking numbers the caller allocated (in this
    /// transaction, [`Tx::next_tracking_numbers`]), each with its `received` event, in a
    /// few multi-row statements (the group commit of intake). Ids increase in the order
    /// given, so the queue's order (time, then id) is the order of the numbers.
    pub async fn create_reports(
        &mut self,
        new: &[(&NewReport, TrackingNumber)],
    ) -> Result<Vec<Report>> {
        let now = self.now();
        let reports: Vec<Report> = new
            .iter()
            .map(|(new, tracking)| Report {
                id: ReportId::new(),
                kind: new.kind,
                tracking_id: tracking.to_string(),
                status_token_hash: new.status_token_hash.clone(),
                state: ReportState::Received,
                category: new.category.clone(),
                priority: new.priority,
                reporter_name: new.reporter_name.clone(),
                reporter_email: new.reporter_email.clone(),
                reporter_phone: new.reporter_phone.clone(),
                reporter_user_id: new.reporter_user_id.map(|u| u.uuid()),
                org_id: new.org_id.map(|o| o.uuid()),
                locale: new.locale.clone(),
                reported_at: now,
                details: new.details.clone(),
                assignee_id: None,
                rsit_class: new.rsit_class.clone(),
                rsit_type: new.rsit_type.clone(),
                follows_up: new.follows_up.clone(),
                duplicate_of: String::new(),
                rejection_reason: String::new(),
                resolution: String::new(),
                outcome: String::new(),
                first_response_at: OptTime(None),
                resolved_at: OptTime(None),
                closed_at: OptTime(None),
                updated_at: now,
            })
            .collect();
        // The first event shares the report's time, so `updated_at` stays `reported_at`.
        let received: Vec<ReportEvent> = reports
            .iter()
            .map(|r| ReportEvent {
                id: EventId::new(),
                report_id: r.id,
                at: now,
                actor_id: r.reporter_user_id,
                actor: "reporter".into(),
                event: "received".into(),
                visibility: Visibility::Reporter,
                body: String::new(),
                data: String::new(),
            })
            .collect();
        self.insert_reports(&reports).await?;
        self.insert_events(&received).await?;
        Ok(reports)
    }

    pub(crate) async fn insert_report(&mut self, r: &Report) -> Result<()> {
        self.insert_reports(std::slice::from_ref(r)).await
    }

    pub(crate) async fn insert_reports(&mut self, rows: &[Report]) -> Result<()> {
        insert_rows!(
            self,
            "INSERT INTO reports (id, kind, tracking_id, status_token_hash, state, category, priority, reporter_name, reporter_email, reporter_phone, reporter_user_id, org_id, locale, reported_at, details, assignee_id, rsit_class, rsit_type, follows_up, duplicate_of, rejection_reason, resolution, outcome, first_response_at, resolved_at, closed_at, updated_at) VALUES",
            27,
            rows,
            |q, r| q
                .bind(r.id.uuid())
                .bind(r.kind.as_str())
                .bind(&r.tracking_id)
                .bind(&r.status_token_hash)
                .bind(r.state.as_str())
                .bind(&r.category)
                .bind(r.priority.as_str())
                .bind(&r.reporter_name)
                .bind(&r.reporter_email)
                .bind(&r.reporter_phone)
                .bind(r.reporter_user_id)
                .bind(r.org_id)
                .bind(&r.locale)
                .bind(r.reported_at.micros())
                .bind(&r.details)
                .bind(r.assignee_id)
                .bind(&r.rsit_class)
                .bind(&r.rsit_type)
                .bind(&r.follows_up)
                .bind(&r.duplicate_of)
                .bind(&r.rejection_reason)
                .bind(&r.resolution)
                .bind(&r.outcome)
                .bind(r.first_response_at.micros())
                .bind(r.resolved_at.micros())
                .bind(r.closed_at.micros())
                .bind(r.updated_at.micros())
        );
        Ok(())
    }

    /// Appends a history entry.
    pub async fn add_event(&mut self, report: ReportId, e: &NewEvent) -> Result<EventId> {
        let ev = ReportEvent {
            id: EventId::new(),
            report_id: report,
            at: self.now(),
            actor_id: e.actor_id.map(|u| u.uuid()),
            actor: e.actor.clone(),
            event: e.event.clone(),
            visibility: e.visibility,
            body: e.body.clone(),
            data: e.data.clone(),
        };
        self.insert_event(&ev).await?;
        dispatch!(tx self, c => {
            sqlx::query("UPDATE reports SET updated_at = $2 WHERE id = $1")
                .bind(report.uuid()).bind(ev.at.micros()).execute(c).await?;
        });
        Ok(ev.id)
    }

    pub(crate) async fn insert_event(&mut self, ev: &ReportEvent) -> Result<()> {
        self.insert_events(std::slice::from_ref(ev)).await
    }

    pub(crate) async fn insert_events(&mut self, rows: &[ReportEvent]) -> Result<()> {
        insert_rows!(
            self,
            "INSERT INTO report_events (id, report_id, at, actor_id, actor, event, visibility, body, data) VALUES",
            9,
            rows,
            |q, ev| q
                .bind(ev.id.uuid())
                .bind(ev.report_id.uuid())
                .bind(ev.at.micros())
                .bind(ev.actor_id)
                .bind(&ev.actor)
                .bind(&ev.event)
                .bind(ev.visibility.as_str())
                .bind(&ev.body)
                .bind(&ev.data)
        );
        Ok(())
    }

    /// Locks and reads a report for a change (the row lock on PostgreSQL; SQLite's write
    /// transaction already excludes other writers).
    pub async fn report_for_update(&mut self, tracking_id: &str) -> Result<Option<Report>> {
        Ok(match &mut self.0 {
            crate::TxInner::Sqlite(t) => {
                sqlx::query_as::<_, Report>(select_reports!("WHERE tracking_id = $1"))
                    .bind(tracking_id)
                    .fetch_optional(&mut **t)
                    .await?
            }
            crate::TxInner::Postgres(t) => {
                sqlx::query_as::<_, Report>(select_reports!("WHERE tracking_id = $1 FOR UPDATE"))
                    .bind(tracking_id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    /// Writes the mutable fields of a report read with [`Tx::report_for_update`].
    pub async fn update_report(&mut self, r: &Report) -> Result<()> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE reports SET state = $2, priority = $3, assignee_id = $4, rsit_class = $5, rsit_type = $6, \
                         duplicate_of = $7, rejection_reason = $8, resolution = $9, outcome = $10, first_response_at = $11, \
                         resolved_at = $12, closed_at = $13, updated_at = $14, org_id = $15 WHERE id = $1")
                .bind(r.id.uuid()).bind(r.state.as_str()).bind(r.priority.as_str()).bind(r.assignee_id)
                .bind(&r.rsit_class).bind(&r.rsit_type).bind(&r.duplicate_of).bind(&r.rejection_reason)
                .bind(&r.resolution).bind(&r.outcome).bind(r.first_response_at.micros())
                .bind(r.resolved_at.micros()).bind(r.closed_at.micros()).bind(now.micros())
                .bind(r.org_id)
                .execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("report"));
        }
        Ok(())
    }

    /// Stores an attachment of a report.
    pub async fn add_attachment(
        &mut self,
        report: ReportId,
        event: Option<EventId>,
        a: &NewAttachment,
    ) -> Result<AttachmentId> {
        let row = AttachmentRow {
            meta: AttachmentMeta {
                id: AttachmentId::new(),
                report_id: report,
                event_id: event.map(|e| e.uuid()),
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: a.content.len() as i64,
                sha256: a.sha256.clone(),
                uploaded_at: self.now(),
            },
            content: a.content.clone(),
        };
        self.insert_attachment(&row).await?;
        Ok(row.meta.id)
    }

    pub(crate) async fn insert_attachment(&mut self, a: &AttachmentRow) -> Result<()> {
        let m = &a.meta;
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO attachments (id, report_id, event_id, filename, content_type, size, sha256, content, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(m.id.uuid()).bind(m.report_id.uuid()).bind(m.event_id).bind(&m.filename).bind(&m.content_type)
                .bind(m.size).bind(&m.sha256).bind(&a.content).bind(m.uploaded_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Creates the SOP checklist of a report.
    pub async fn add_tasks(&mut self, report: ReportId, titles: &[(String, String)]) -> Result<()> {
        self.add_tasks_of(&[(report, titles)]).await
    }

    /// Creates the SOP checklists of several reports in a few multi-row statements.
    pub async fn add_tasks_of(&mut self, lists: &[(ReportId, &[(String, String)])]) -> Result<()> {
        let now = self.now();
        let rows: Vec<ReportTask> = lists
            .iter()
            .flat_map(|(report, titles)| {
                titles
                    .iter()
                    .enumerate()
                    .map(move |(i, (zh, en))| ReportTask {
                        id: TaskId::new(),
                        report_id: *report,
                        position: i as i32,
                        title_zh: zh.clone(),
                        title_en: en.clone(),
                        state: TaskState::Waiting,
                        updated_at: now,
                    })
            })
            .collect();
        self.insert_tasks(&rows).await
    }

    pub(crate) async fn insert_task(&mut self, t: &ReportTask) -> Result<()> {
        self.insert_tasks(std::slice::from_ref(t)).await
    }

    pub(crate) async fn insert_tasks(&mut self, rows: &[ReportTask]) -> Result<()> {
        insert_rows!(
            self,
            "INSERT INTO report_tasks (id, report_id, position, title_zh, title_en, state, updated_at) VALUES",
            7,
            rows,
            |q, t| q
                .bind(t.id.uuid())
                .bind(t.report_id.uuid())
                .bind(t.position)
                .bind(&t.title_zh)
                .bind(&t.title_en)
                .bind(t.state.as_str())
                .bind(t.updated_at.micros())
        );
        Ok(())
    }

    /// One task, for a change.
    pub async fn task(&mut self, id: TaskId) -> Result<Option<ReportTask>> {
        Ok(dispatch!(tx self, c => {
            sqlx::query_as::<_, ReportTask>("SELECT id, report_id, position, title_zh, title_en, state, updated_at FROM report_tasks WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// Sets a task's state.
    pub async fn set_task_state(&mut self, id: TaskId, state: TaskState) -> Result<()> {
        let now = self.now();
        dispatch!(tx self, c => {
            sqlx::query("UPDATE report_tasks SET state = $2, updated_at = $3 WHERE id = $1")
                .bind(id.uuid()).bind(state.as_str()).bind(now.micros()).execute(c).await?;
        });
        Ok(())
    }

    /// Records that a survey link was sent; false if one was already (once per report).
    pub async fn create_survey(&mut self, report: ReportId, token_hash: &[u8]) -> Result<bool> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("INSERT INTO surveys (report_id, token_hash, sent_at) VALUES ($1, $2, $3) ON CONFLICT (report_id) DO NOTHING")
                .bind(report.uuid()).bind(token_hash).bind(now.micros()).execute(c).await?.rows_affected()
        });
        Ok(n == 1)
    }

    pub(crate) async fn insert_survey(&mut self, s: &Survey) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO surveys (report_id, token_hash, sent_at, answered_at, speed, helpfulness, communication, overall, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(s.report_id.uuid()).bind(&s.token_hash).bind(s.sent_at.micros()).bind(s.answered_at.micros())
                .bind(s.speed).bind(s.helpfulness).bind(s.communication).bind(s.overall).bind(&s.comment)
                .execute(c).await?;
        });
        Ok(())
    }

    /// Stores the answers of an unanswered survey; false if already answered or unknown.
    pub async fn answer_survey(&mut self, token_hash: &[u8], a: &SurveyAnswer) -> Result<bool> {
        let now = self.now();
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE surveys SET answered_at = $2, speed = $3, helpfulness = $4, communication = $5, overall = $6, comment = $7 \
                         WHERE token_hash = $1 AND answered_at IS NULL")
                .bind(token_hash).bind(now.micros()).bind(a.speed).bind(a.helpfulness)
                .bind(a.communication).bind(a.overall).bind(&a.comment)
                .execute(c).await?.rows_affected()
        });
        Ok(n == 1)
    }
}

impl Store {
    /// One report by tracking number.
    pub async fn report_by_tracking(&self, tracking_id: &str) -> Result<Option<Report>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Report>(select_reports!("WHERE tracking_id = $1"))
                .bind(tracking_id).fetch_optional(c).await?
        }))
    }

    /// The tracking numbers of the reports marked duplicates of `tracking_id`, oldest
    /// first (the partial index on `duplicate_of` finds them).
    pub async fn duplicates_of(&self, tracking_id: &str) -> Result<Vec<String>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, String>("SELECT tracking_id FROM reports WHERE duplicate_of = $1 AND duplicate_of <> '' ORDER BY id")
                .bind(tracking_id).fetch_all(c).await?
        }))
    }

    /// The reports of `ids` that exist, in no particular order: one query for a page of
    /// another listing (the coordinators' cases) instead of one a row.
    pub async fn get_reports(&self, ids: &[ReportId]) -> Result<Vec<Report>> {
        let mut out = Vec::with_capacity(ids.len());
        // Well under either engine's limit of bound parameters.
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {REPORT_COLUMNS} FROM reports WHERE id IN ({})",
                marks.join(", ")
            );
            let rows: Vec<Report> = dispatch!(pool self, c => {
                let mut q = sqlx::query_as::<_, Report>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id.uuid());
                }
                q.fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// One report by id.
    pub async fn get_report(&self, id: ReportId) -> Result<Option<Report>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Report>(select_reports!("WHERE id = $1"))
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// Reports matching a filter (one page: see [`Store::list_reports_page`]).
    pub async fn list_reports(&self, f: &ReportFilter) -> Result<Vec<Report>> {
        Ok(self.list_reports_page(f).await?.rows)
    }

    /// [`Store::list_reports`] with where the next page starts.
    ///
    /// The SQL holds only the filters given, so each part of it walks an index in the
    /// queue's order (migration 0023) and stops at the page's end: a page costs about
    /// what it shows, however deep it starts. Asked states are read as one index range
    /// each (a `UNION ALL` of per-state pages, merged and cut to the page), since an `IN`
    /// list over an index by state would read every row of those states and sort them.
    /// A reporter's own queue (a scope) is read through its organization's and user's
    /// indexes and sorted: it is small.
    pub async fn list_reports_page(&self, f: &ReportFilter) -> Result<ReportPage> {
        let limit = f.limit.clamp(1, 1000);
        let rows: Vec<Report> = match &self.pool {
            crate::Pool::Sqlite(p) => {
                let mut q = QueryBuilder::<sqlx::Sqlite>::new("");
                push_report_page(&mut q, f, limit);
                q.build_query_as::<Report>().fetch_all(p).await?
            }
            crate::Pool::Postgres(p) => {
                let mut q = QueryBuilder::<sqlx::Postgres>::new("");
                push_report_page(&mut q, f, limit);
                q.build_query_as::<Report>().fetch_all(p).await?
            }
        };
        let full = i64::try_from(rows.len()).is_ok_and(|n| n >= limit);
        let next = rows.last().filter(|_| full).map(ReportCursor::of);
        Ok(ReportPage { rows, next })
    }

    /// Report counts by state, for the queue's header.
    pub async fn count_reports_by_state(&self, kind: ReportKind) -> Result<Vec<(String, i64)>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM reports WHERE kind = $1 GROUP BY state ORDER BY state")
                .bind(kind.as_str()).fetch_all(c).await?
        }))
    }

    /// A report's history, oldest first, as far as `thread` (the reader's cut) reaches.
    pub async fn list_events(
        &self,
        report: ReportId,
        thread: tocsin_domain::policy::Thread,
    ) -> Result<Vec<ReportEvent>> {
        use tocsin_domain::policy::Thread;
        let shared_only = match thread {
            Thread::All => false,
            Thread::Shared => true,
            Thread::Hidden => return Ok(Vec::new()),
        };
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ReportEvent>("SELECT id, report_id, at, actor_id, actor, event, visibility, body, data FROM report_events \
                                              WHERE report_id = $1 AND (NOT $2 OR visibility = 'reporter') ORDER BY at, id")
                .bind(report.uuid()).bind(shared_only).fetch_all(c).await?
        }))
    }

    /// A report's attachments (metadata).
    pub async fn list_attachments(&self, report: ReportId) -> Result<Vec<AttachmentMeta>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, AttachmentMeta>("SELECT id, report_id, event_id, filename, content_type, size, sha256, uploaded_at FROM attachments WHERE report_id = $1 ORDER BY uploaded_at, id")
                .bind(report.uuid()).fetch_all(c).await?
        }))
    }

    /// One attachment with its bytes.
    pub async fn get_attachment(&self, id: AttachmentId) -> Result<Option<AttachmentRow>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, AttachmentRow>("SELECT id, report_id, event_id, filename, content_type, size, sha256, uploaded_at, content FROM attachments WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// A report's tasks in order.
    pub async fn list_tasks(&self, report: ReportId) -> Result<Vec<ReportTask>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ReportTask>("SELECT id, report_id, position, title_zh, title_en, state, updated_at FROM report_tasks WHERE report_id = $1 ORDER BY position")
                .bind(report.uuid()).fetch_all(c).await?
        }))
    }

    /// The survey of a report, if sent.
    pub async fn survey_of(&self, report: ReportId) -> Result<Option<Survey>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Survey>("SELECT report_id, token_hash, sent_at, answered_at, speed, helpfulness, communication, overall, comment FROM surveys WHERE report_id = $1")
                .bind(report.uuid()).fetch_optional(c).await?
        }))
    }

    /// The survey behind a link token.
    pub async fn survey_by_token(&self, token_hash: &[u8]) -> Result<Option<Survey>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, Survey>("SELECT report_id, token_hash, sent_at, answered_at, speed, helpfulness, communication, overall, comment FROM surveys WHERE token_hash = $1")
                .bind(token_hash).fetch_optional(c).await?
        }))
    }

    /// Answered surveys of the last months, newest month first. Months are computed in
    /// Rust so both engines agree exactly, by `month_of` (`YYYY-MM` of an answer's time in
    /// the desk's calendar, which storage does not know).
    pub async fn survey_months(
        &self,
        month_of: impl Fn(Timestamp) -> String,
    ) -> Result<Vec<SurveyMonth>> {
        let rows: Vec<Survey> = dispatch!(pool self, c => {
            sqlx::query_as::<_, Survey>("SELECT report_id, token_hash, sent_at, answered_at, speed, helpfulness, communication, overall, comment FROM surveys WHERE answered_at IS NOT NULL")
                .fetch_all(c).await?
        });
        let mut by: std::collections::BTreeMap<String, (i64, [i64; 4])> = Default::default();
        for s in rows {
            let Some(at) = s.answered_at.0 else { continue };
            let key = month_of(at);
            let e = by.entry(key).or_default();
            e.0 += 1;
            for (i, v) in [s.speed, s.helpfulness, s.communication, s.overall]
                .into_iter()
                .enumerate()
            {
                e.1[i] += i64::from(v.unwrap_or(0));
            }
        }
        Ok(by
            .into_iter()
            .rev()
            .map(|(month, (n, sums))| {
                let avg = |i: usize| {
                    if n == 0 {
                        0.0
                    } else {
                        sums[i] as f64 / n as f64
                    }
                };
                SurveyMonth {
                    month,
                    answers: n,
                    speed: avg(0),
                    helpfulness: avg(1),
                    communication: avg(2),
                    overall: avg(3),
                }
            })
            .collect())
    }
}

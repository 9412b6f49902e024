//! Group commit of report intake: every new report (incident, vulnerability, phishing;
//! from a form, the API or mail) is handed, validated and prepared, to one writer task per
//! [`App`], which takes all the intakes waiting (up to [`MAX_BATCH`]) into one transaction
//! and commits them together, then answers each. A commit (and its fsync) serves a batch,
//! and the statements are multi-row, where an intake used to take ten-odd single-row
//! statements (each a round trip to the driver's worker thread) and a commit of its own.
//! `intake_bench` prints the figures beside the disk's raw commit rate.
//!
//! What does not change: nothing is acknowledged before it is durable (each request waits
//! for the commit that holds its report); a report's rows (the idempotency key, the
//! tracking number, the report and its `received` event, files, SOP tasks, the audit
//! entry, the kind's own rows and the acknowledgment in the outbox) commit together or not
//! at all; tracking numbers are taken in the order the intakes reached the writer, in the
//! same transaction, so they stay unique and gap-free; and one bad intake fails alone:
//! when a batch fails, it is rolled back and each of its intakes is written again on its
//! own, so only the bad one gets the error. A batch's decisions that may refuse an intake
//! (the idempotency key already held, the hourly limit of its address) are taken before
//! any number is given, so a refused intake leaves no gap.

use std::sync::{Arc, Mutex};

use tocsin_storage::{
    NewAuditEntry, NewEvent, NewMail, NewReport, Report, StorageError, Tx, Visibility,
};
use tokio::sync::{mpsc, oneshot};

use super::idempotency::Idem;
use super::reports::{Upload, status_url, store_uploads};
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// The most intakes one transaction takes.
pub const MAX_BATCH: usize = 128;

/// How many intakes may wait for the writer before senders wait too.
const QUEUE: usize = 4096;

/// A kind's own rows, written in the report's transaction right after it.
#[derive(Clone, Debug, Default)]
pub enum KindRows {
    /// Nothing more (incident reports).
    #[default]
    None,
    /// A vulnerability report's coordination case, with its target publication date.
    VulnCase {
        /// `YYYY-MM-DD` on the desk's calendar.
        target_publication: String,
    },
    /// A phishing report's URLs, each linked to its case (a new one or the open one).
    PhishUrls(Vec<tocsin_storage::NewPhishUrl>),
}

/// An intake ready to be written: everything the request could compute without the
/// database.
pub(crate) struct Prepared {
    /// The report (its tracking number is taken by the writer).
    pub new: NewReport,
    /// The status link's secret (for the acknowledgment; stored hashed in `new`).
    pub token: String,
    /// The per-address hourly limit's key and limit, when a limit is set.
    pub rate: Option<(String, i64)>,
    /// The files.
    pub files: Vec<Upload>,
    /// SOP tasks (zh, en).
    pub tasks: Vec<(String, String)>,
    /// The audit entry (its target, the tracking number, is set by the writer).
    pub audit: NewAuditEntry,
    /// The submission's identity and the status secret sealed for it, when a key was sent.
    pub idem: Option<(Idem, Vec<u8>)>,
    /// The caller's context: the acknowledgment's language, whether it answers a mail.
    pub ctx: Ctx,
    /// The acknowledgment's message id and arguments (besides `tracking` and `link`).
    pub body_id: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
    /// The kind's own rows.
    pub extra: KindRows,
    /// Events the case starts with.
    pub events: Vec<NewEvent>,
}

/// What the writer did with an intake.
pub(crate) enum Written {
    /// Stored and committed under this tracking number.
    Stored(String),
    /// The same submission (idempotency key and content) was stored before: nothing new.
    Repeated,
}

type Answer = oneshot::Sender<Result<Written, AppError>>;

/// The handle of an [`App`]'s intake writer; the task starts with the first intake (in
/// the runtime of its caller) and ends when every handle is dropped.
#[derive(Default)]
pub struct IntakeWriter {
    sender: Mutex<Option<mpsc::Sender<(Prepared, Answer)>>>,
}

impl std::fmt::Debug for IntakeWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IntakeWriter")
    }
}

impl IntakeWriter {
    /// The running writer's queue, starting a writer if none runs (the first intake, or
    /// the runtime that ran the last one has ended).
    fn queue(&self, state: &App) -> mpsc::Sender<(Prepared, Answer)> {
        let mut slot = self.sender.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slot.as_ref().filter(|s| !s.is_closed()) {
            return s.clone();
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        // The writer's own App has a writer handle of its own that never starts, so the
        // task holds no sender of its queue and ends once the last App handle is dropped.
        let app = App {
            intake: Arc::new(IntakeWriter::default()),
            ..state.clone()
        };
        tokio::spawn(run(app, rx));
        *slot = Some(tx.clone());
        tx
    }
}

/// Hands `p` to the writer and waits until it is committed (or refused).
pub(crate) async fn write(state: &App, p: Prepared) -> Result<Written, AppError> {
    let (answer, answered) = oneshot::channel();
    let mut job = (p, answer);
    // A writer whose runtime ended refuses the job: start another once.
    for _ in 0..2 {
        match state.intake.queue(state).send(job).await {
            Ok(()) => {
                return answered
                    .await
                    .map_err(|_| AppError::internal("the intake writer stopped"))?;
            }
            Err(mpsc::error::SendError(back)) => job = back,
        }
    }
    Err(AppError::internal("no intake writer"))
}

/// The writer: waits for an intake, takes every one waiting (up to [`MAX_BATCH`]),
/// writes them in one transaction, answers each; again.
async fn run(state: App, mut rx: mpsc::Receiver<(Prepared, Answer)>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut jobs);
        let (prepared, answers): (Vec<Prepared>, Vec<Answer>) = batch.into_iter().unzip();
        let results = write_batch(&state, &prepared).await;
        for (answer, r) in answers.into_iter().zip(results) {
            // A caller that went away (its client hung up) learns nothing; the report
            // stands, as it would had the answer been lost on the wire.
            let _ = answer.send(r);
        }
    }
}

/// Writes a batch; on failure rolls it back and writes each intake on its own, so that
/// only a bad one fails. A database that cannot be reached fails them all at once.
async fn write_batch(state: &App, batch: &[Prepared]) -> Vec<Result<Written, AppError>> {
    if batch.len() > 1 {
        match try_write(state, batch).await {
            Ok(done) => return done,
            Err(Failed::Storage(StorageError::Unavailable(m))) => {
                return batch
                    .iter()
                    .map(|_| Err(AppError::Unavailable(m.clone())))
                    .collect();
            }
            Err(e) => {
                tracing::debug!(error = %e, size = batch.len(), "group commit failed; writing its intakes one by one");
            }
        }
    }
    let mut out = Vec::with_capacity(batch.len());
    for p in batch {
        out.push(match try_write(state, std::slice::from_ref(p)).await {
            Ok(mut done) => done
                .pop()
                .unwrap_or_else(|| Err(AppError::internal("an intake vanished"))),
            Err(Failed::KeyTaken) => Ok(Written::Repeated),
            Err(Failed::Storage(e)) => Err(e.into()),
            Err(Failed::App(e)) => Err(e),
        });
    }
    out
}

/// Why a batch's transaction did not commit.
#[derive(Debug, thiserror::Error)]
enum Failed {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{0}")]
    App(AppError),
    /// An idempotency key was claimed by another instance meanwhile (PostgreSQL).
    #[error("an idempotency key was taken meanwhile")]
    KeyTaken,
}

impl From<AppError> for Failed {
    fn from(e: AppError) -> Self {
        Failed::App(e)
    }
}

/// What became of one intake of a batch before the numbering.
enum Fate {
    /// To be stored.
    Store,
    /// Repeats a stored submission (or an earlier one of this batch).
    Repeated,
    /// Refused by the hourly limit of its address.
    Limited,
}

/// One transaction for `batch`: decisions first (repeated submissions, hourly limits),
/// then the numbers, then the rows, table by table, then the commit.
async fn try_write(
    state: &App,
    batch: &[Prepared],
) -> Result<Vec<Result<Written, AppError>>, Failed> {
    let mut tx = state.store.begin().await?;
    let now = tx.now();
    let since = super::idempotency::since(now);
    let hour_ago = now.plus(time::Duration::hours(-1));
    let mut fates: Vec<Fate> = Vec::with_capacity(batch.len());
    let mut keys_stored: Vec<&[u8; 32]> = Vec::new();
    for p in batch {
        let repeated = match &p.idem {
            Some((idem, _)) => {
                keys_stored.contains(&&idem.key_hash)
                    || tx.idempotency_key_held(&idem.key_hash, since).await?
            }
            None => false,
        };
        // A repeated submission takes no slot of the hourly limit (it stores nothing).
        let fate = if repeated {
            Fate::Repeated
        } else if let Some((key, limit)) = &p.rate
            && !tx.take_rate_slot(key, now, hour_ago, *limit).await?
        {
            Fate::Limited
        } else {
            if let Some((idem, _)) = &p.idem {
                keys_stored.push(&idem.key_hash);
            }
            Fate::Store
        };
        fates.push(fate);
    }

    // Numbers, in arrival order per prefix (prefixes in a fixed order: two instances'
    // batches lock the counter rows alike).
    let year = i32::from(state.day_of(now).year());
    let stored: Vec<usize> = (0..batch.len())
        .filter(|&i| matches!(fates[i], Fate::Store))
        .collect();
    let mut prefixes: Vec<&str> = stored
        .iter()
        .map(|&i| batch[i].new.prefix.as_str())
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    let mut numbered = Vec::with_capacity(stored.len());
    for prefix in prefixes {
        let of: Vec<usize> = stored
            .iter()
            .copied()
            .filter(|&i| batch[i].new.prefix == prefix)
            .collect();
        let numbers = tx.next_tracking_numbers(prefix, year, of.len()).await?;
        numbered.extend(of.into_iter().zip(numbers));
    }
    numbered.sort_by_key(|(i, _)| *i);
    let rows: Vec<(&NewReport, tocsin_domain::TrackingNumber)> = numbered
        .iter()
        .map(|(i, n)| (&batch[*i].new, n.clone()))
        .collect();
    let reports = tx.create_reports(&rows).await?;
    let order: Vec<usize> = numbered.iter().map(|(i, _)| *i).collect();

    for (r, &i) in reports.iter().zip(&order) {
        if !batch[i].files.is_empty() {
            store_uploads(&mut tx, r, None, &batch[i].files).await?;
        }
    }
    let tasks: Vec<(tocsin_domain::ReportId, &[(String, String)])> = reports
        .iter()
        .zip(&order)
        .filter(|(_, i)| !batch[**i].tasks.is_empty())
        .map(|(r, &i)| (r.id, batch[i].tasks.as_slice()))
        .collect();
    tx.add_tasks_of(&tasks).await?;
    let audits: Vec<NewAuditEntry> = reports
        .iter()
        .zip(&order)
        .map(|(r, &i)| NewAuditEntry {
            target_id: r.tracking_id.clone(),
            ..batch[i].audit.clone()
        })
        .collect();
    tx.audit_all(&audits).await?;
    for (r, &i) in reports.iter().zip(&order) {
        write_kind_rows(&mut tx, r, &batch[i].extra).await?;
        for e in &batch[i].events {
            tx.add_event(r.id, e).await?;
        }
    }
    let mut mails = Vec::with_capacity(reports.len());
    for (r, &i) in reports.iter().zip(&order) {
        let p = &batch[i];
        if let Some((idem, sealed)) = &p.idem
            && !tx
                .record_idempotency_key(&idem.key_hash, r.id, sealed)
                .await?
        {
            return Err(Failed::KeyTaken);
        }
        mails.push(acknowledgment(state, &mut tx, r, p).await?);
    }
    tx.enqueue_mails(&mails).await?;
    tx.commit().await?;

    let mut reports = reports.into_iter().zip(order).peekable();
    let mut out = Vec::with_capacity(batch.len());
    for (i, fate) in fates.into_iter().enumerate() {
        out.push(match fate {
            Fate::Store => match reports.next_if(|(_, at)| *at == i) {
                Some((r, _)) => Ok(Written::Stored(r.tracking_id)),
                None => Err(AppError::internal("an intake lost its report")),
            },
            Fate::Repeated => Ok(Written::Repeated),
            Fate::Limited => Err(AppError::TooManyRequests),
        });
    }
    Ok(out)
}

/// The kind's own rows of a stored report.
async fn write_kind_rows(tx: &mut Tx, report: &Report, extra: &KindRows) -> Result<(), AppError> {
    match extra {
        KindRows::None => Ok(()),
        KindRows::VulnCase { target_publication } => {
            super::vuln::open_case(tx, report, target_publication).await
        }
        KindRows::PhishUrls(urls) => super::phishing::link_urls(tx, report, urls).await,
    }
}

/// The acknowledgment of a stored report (and, for a mailed report, the note of what of
/// the message was not taken), rendered now that its number is known.
async fn acknowledgment(
    state: &App,
    tx: &mut Tx,
    report: &Report,
    p: &Prepared,
) -> Result<NewMail, AppError> {
    let url = status_url(state, &report.tracking_id, &p.token);
    let tr = Tr::new(p.ctx.locale);
    let mut all = vec![("tracking", report.tracking_id.clone()), ("link", url)];
    all.extend(p.args.iter().cloned());
    let subject = format!("[{}] {}", report.tracking_id, tr.t("mail-ack-subject"));
    let mut text = tr.t_args(p.body_id, &all);
    // What of a mailed report was not taken is on the case, and the sender is told.
    if let Some(mail) = p.ctx.from_mail.as_ref().filter(|m| !m.not_taken.is_empty()) {
        let files = mail.not_taken.join("\n");
        text.push_str("\n\n");
        text.push_str(&tr.t_args("mail-ack-not-taken", &[("files", files.clone())]));
        let event = NewEvent {
            actor_id: None,
            actor: "system".into(),
            event: "attachments_not_taken".into(),
            visibility: Visibility::Internal,
            body: format!("{files}\n(/api/v1/mail/inbound/{}/eml)", mail.inbound_id),
            data: serde_json::json!({"inbound_id": mail.inbound_id, "files": mail.not_taken})
                .to_string(),
        };
        tx.add_event(report.id, &event).await?;
    }
    // Mail that came encrypted says so on its case, with the signer whose key verified.
    if let Some(mail) = p.ctx.from_mail.as_ref()
        && let Some(opened) = mail.pgp.as_ref()
    {
        tx.add_event(report.id, &super::pgp::received_event(mail, opened))
            .await?;
    }
    if p.ctx.answers_mail() {
        crate::mailer::render_answer(state, &report.reporter_email, &subject, &text).await
    } else {
        crate::mailer::render(state, &report.reporter_email, &subject, &text).await
    }
}

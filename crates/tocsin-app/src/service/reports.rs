//! The reporting desk: intake of incident reports, the reporter's private status view,
//! and the desk's handling (state machine, notes, messages, assignment, classification,
//! tasks, assistance) and the satisfaction survey. Vulnerability and phishing reports reuse
//! the reporter path (receipt, acknowledgment, status link) from here.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tocsin_domain::policy::{
    Action, Audience, Files, ReportCut, ReportScope, Resource, Via, report_audience, report_scope,
};
use tocsin_domain::sla::SlaTimer;
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::workflow::{Outcome, RejectionReason, Resolution};
use tocsin_domain::{
    FieldError, IncidentInput, IncidentType, Priority, ReportKind, ReportState, SlaStatus,
    TaskState, Timestamp, TrackingNumber, TransitionInput, UserId, check_transition, rsit,
};
use tocsin_storage::{
    AttachmentMeta, NewAttachment, NewEvent, NewReport, Report, ReportCursor, ReportEvent,
    ReportFilter, ReportTask, Survey, SurveyAnswer, Tx, User, Visibility,
};

use super::{audit_entry, check, check_hidden};
use crate::auth::{self, CurrentUser};
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::Letter;
use crate::state::App;

/// A file as uploaded.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The name the browser or client gave.
    pub filename: String,
    /// The declared type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What a reporter gets back: the tracking number and the private status link.
#[derive(Clone, Debug, Serialize)]
pub struct Receipt {
    /// e.g. `INC-2026-000001`.
    pub tracking_id: String,
    /// The secret of the status link (shown once, stored hashed).
    pub token: String,
    /// The status page.
    pub status_url: String,
    /// The submission repeated an earlier one (same idempotency key and content): this is
    /// the first one's receipt and nothing new was filed.
    pub repeated: bool,
}

/// The incident fields kept in a report's `details`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct IncidentDetails {
    /// When it was discovered, RFC 3339 with the reporter's offset.
    pub discovered_at: String,
    /// The reporter's time zone.
    pub time_zone: String,
    /// The seed's incident type.
    pub incident_type: String,
    /// What happened.
    pub description: String,
    /// Whether the reporter asked for support.
    pub needs_support: bool,
    /// What support.
    pub support_requested: String,
    /// Affected systems or addresses.
    pub affected_assets: String,
}

impl IncidentDetails {
    /// Reads a report's details (empty on an older or foreign shape).
    pub fn of(r: &Report) -> IncidentDetails {
        serde_json::from_str(&r.details).unwrap_or_default()
    }
}

/// Cleans an uploaded file name: no path, no control characters, at most 200 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

/// Checks the count and sizes of uploads against configuration.
pub fn check_uploads(state: &App, files: &[Upload], errors: &mut FieldErrors) {
    let r = &state.config.reports;
    if files.len() > r.max_attachments {
        errors.add(
            "attachments",
            FieldError::new("error-too-many-files").arg("max", r.max_attachments),
        );
    } else if let Some(big) = files
        .iter()
        .find(|f| f.bytes.len() > r.max_attachment_bytes)
    {
        errors.add(
            "attachments",
            FieldError::new("error-file-too-large")
                .arg("name", clean_filename(&big.filename))
                .arg("max", human_size(r.max_attachment_bytes)),
        );
    }
}

/// A size for people: `5 MB`, `1.5 MB`, `300 KB`.
pub fn human_size(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        let tenths = bytes * 10 / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

pub(super) async fn store_uploads(
    tx: &mut Tx,
    report: &Report,
    event: Option<tocsin_domain::EventId>,
    files: &[Upload],
) -> Result<(), AppError> {
    for f in files {
        let sha = hex::encode(Sha256::digest(&f.bytes));
        let ct = if f.content_type.is_empty() || f.content_type.chars().any(char::is_control) {
            "application/octet-stream".to_string()
        } else {
            f.content_type.chars().take(100).collect()
        };
        tx.add_attachment(
            report.id,
            event,
            &NewAttachment {
                filename: clean_filename(&f.filename),
                content_type: ct,
                sha256: sha,
                content: f.bytes.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The private status link of a report: the public URL, the tracking number, the secret.
pub fn status_url(state: &App, tracking: &str, token: &str) -> String {
    format!(
        "{}/status/{tracking}?token={token}",
        state.config.public_url
    )
}

/// What a kind of report hands to the shared reporter path (tracking number, status
/// link, acknowledgment); validated by the caller.
pub struct Intake {
    /// Kind.
    pub kind: ReportKind,
    /// The kind's category (incident type, where seen).
    pub category: String,
    /// Reporter name.
    pub reporter_name: String,
    /// Reporter email (normalized).
    pub reporter_email: String,
    /// Reporter phone.
    pub reporter_phone: String,
    /// The kind's own fields as JSON.
    pub details: String,
    /// RSIT classification (class, type).
    pub rsit: (String, String),
    /// An earlier report this follows up.
    pub follows_up: String,
    /// SOP tasks (zh, en).
    pub tasks: Vec<(String, String)>,
    /// The kind's own rows, written in the report's transaction (a vulnerability's
    /// coordination case, a phishing report's URL cases).
    pub extra: super::intake::KindRows,
    /// Events the case starts with: how it came (e.g. a TXT uploaded encrypted).
    pub events: Vec<tocsin_storage::reports::NewEvent>,
}

/// The acknowledgment mailed to the reporter: message `body_id` with `args`, plus
/// `tracking` and `link`, which the writer adds once the number is taken.
pub struct Ack {
    /// The message id of the body.
    pub body_id: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

/// The shared reporter path of every kind: prepares the report (status secret, the
/// submission's idempotency identity, its audit entry) and hands it to the intake writer
/// ([`super::intake`]), which numbers it and commits it (with its files, tasks, audit
/// entry, the kind's rows and the acknowledgment, and the rate slot of the address)
/// together with the other intakes waiting; answers once that commit is durable.
pub async fn file_report(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    intake: Intake,
    files: Vec<Upload>,
    ack: Ack,
) -> Result<Receipt, AppError> {
    let prefix = match intake.kind {
        ReportKind::Incident => &state.config.tracking.incident_prefix,
        ReportKind::Vulnerability => &state.config.tracking.vulnerability_prefix,
        ReportKind::Phishing => &state.config.tracking.phishing_prefix,
    };
    let token = auth::new_secret();
    let user = who.user();
    // What makes two submissions the same one: the key, who sends, and everything sent.
    let user_id = user.map(|u| u.id.to_string()).unwrap_or_default();
    let file_hashes: Vec<String> = files
        .iter()
        .map(|f| format!("{}:{}", f.filename, hex::encode(Sha256::digest(&f.bytes))))
        .collect();
    let mut parts: Vec<&[u8]> = vec![
        user_id.as_bytes(),
        intake.category.as_bytes(),
        intake.reporter_name.as_bytes(),
        intake.reporter_email.as_bytes(),
        intake.reporter_phone.as_bytes(),
        intake.details.as_bytes(),
        intake.follows_up.as_bytes(),
    ];
    parts.extend(file_hashes.iter().map(|h| h.as_bytes()));
    let idem =
        super::idempotency::idem(ctx.idempotency_key.as_deref(), intake.kind.as_str(), &parts);
    let new = NewReport {
        kind: intake.kind,
        prefix: prefix.clone(),
        category: intake.category,
        priority: state.desk.default_priority,
        reporter_name: intake.reporter_name,
        reporter_email: intake.reporter_email,
        reporter_phone: intake.reporter_phone,
        reporter_user_id: user.map(|u| u.id),
        org_id: user.and_then(|u| u.org_id.0),
        locale: ctx.locale.tag().to_string(),
        details: intake.details,
        rsit_class: intake.rsit.0,
        rsit_type: intake.rsit.1,
        follows_up: intake.follows_up,
        status_token_hash: auth::hash_secret(&token),
    };
    // Throttle floods from one address: counted in the database (so across instances),
    // in the report's transaction and before the check (0: no limit, nothing counted).
    let rate = match state.config.reports.max_per_hour_per_address {
        n if n > 0 => Some((format!("intake:{}", ctx.ip), n)),
        _ => None,
    };
    let idem = idem.map(|i| {
        let sealed = i.seal(&token);
        (i, sealed)
    });
    let prepared = super::intake::Prepared {
        new,
        token: token.clone(),
        rate,
        files,
        tasks: intake.tasks,
        // The target (the tracking number) is set by the writer.
        audit: audit_entry(who, ctx, "report.create", "report", ""),
        idem: idem.clone(),
        ctx: ctx.clone(),
        body_id: ack.body_id,
        args: ack.args,
        extra: intake.extra,
        events: intake.events,
    };
    match super::intake::write(state, prepared).await? {
        super::intake::Written::Stored(tracking_id) => Ok(Receipt {
            status_url: status_url(state, &tracking_id, &token),
            tracking_id,
            token,
            repeated: false,
        }),
        super::intake::Written::Repeated => {
            let (idem, _) = idem
                .as_ref()
                .ok_or_else(|| AppError::internal("a submission without a key repeated"))?;
            // The same submission committed first (a double click, a retry): answer with
            // its receipt.
            repeated_receipt(state, idem, super::idempotency::since(state.now())).await
        }
    }
}

/// The receipt of the submission that claimed `idem` first.
async fn repeated_receipt(
    state: &App,
    idem: &super::idempotency::Idem,
    since: Timestamp,
) -> Result<Receipt, AppError> {
    let first = state
        .store
        .idempotent_report(&idem.key_hash, since)
        .await?
        .ok_or_else(|| AppError::internal("an idempotency key's row vanished"))?;
    let token = idem
        .open(&first.sealed)
        .ok_or_else(|| AppError::internal("an idempotency key's row holds no receipt"))?;
    Ok(Receipt {
        status_url: status_url(state, &first.tracking_id, &token),
        tracking_id: first.tracking_id,
        token,
        repeated: true,
    })
}

/// Takes an incident report from the public form or the API. Everything is validated
/// before anything is stored; the report, its files, tasks, audit entry and the
/// acknowledgment mail commit together, before the receipt is returned.
pub async fn submit_incident(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &IncidentInput,
    mut files: Vec<Upload>,
) -> Result<Receipt, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await?;
    // A description pasted encrypted to the desk's key (an armored OpenPGP message) is
    // read decrypted; the ciphertext, as sent, is kept as a file of the report.
    let mut input = input.clone();
    let mut events = Vec::new();
    let sender = who
        .user()
        .map(|u| u.email.clone())
        .unwrap_or_else(|| input.email.clone());
    let sealed = input.description.clone().into_bytes();
    if let Some((plain, how)) =
        super::pgp::open_upload(state, &sealed, &sender, "description").await?
    {
        input.description = String::from_utf8_lossy(&plain).into_owned();
        events.push(super::pgp::upload_received_event("description.asc", &how));
        files.insert(
            0,
            Upload {
                filename: "description.asc".into(),
                content_type: "application/pgp-encrypted".into(),
                bytes: sealed,
            },
        );
    }
    let valid = input.validate(state.now());
    let mut errors = match &valid {
        Ok(_) => FieldErrors::new(),
        Err(e) => e.clone(),
    };
    check_uploads(state, &files, &mut errors);
    let valid = match (valid, errors.is_empty()) {
        (Ok(v), true) => v,
        _ => return Err(AppError::Validation(errors)),
    };
    let rsit = rsit::default_for(valid.incident_type);
    let details = IncidentDetails {
        discovered_at: valid.discovered_at.text(),
        time_zone: valid.time_zone.clone(),
        incident_type: valid.incident_type.as_str().to_string(),
        description: valid.description.clone(),
        needs_support: valid.needs_support,
        support_requested: valid.support_requested.clone().unwrap_or_default(),
        affected_assets: valid.affected_assets.clone().unwrap_or_default(),
    };
    let intake = Intake {
        kind: ReportKind::Incident,
        category: valid.incident_type.as_str().to_string(),
        reporter_name: valid.reporter_name.clone(),
        reporter_email: valid.email.clone(),
        reporter_phone: valid.phone.clone().unwrap_or_default(),
        details: serde_json::to_string(&details).map_err(|e| AppError::internal(e.to_string()))?,
        rsit: (rsit.class.as_str().to_string(), rsit.id.to_string()),
        follows_up: valid.follows_up.map(|t| t.to_string()).unwrap_or_default(),
        tasks: state
            .desk
            .tasks
            .for_type(valid.incident_type)
            .iter()
            .map(|t| (t.zh.clone(), t.en.clone()))
            .collect(),
        extra: super::intake::KindRows::None,
        events,
    };
    let ack = Ack {
        body_id: "mail-ack-body",
        args: vec![
            ("type", valid.incident_type.label(ctx.locale).to_string()),
            (
                "discovered",
                ctx.tr()
                    .wall_clock(&details.discovered_at, &details.time_zone),
            ),
        ],
    };
    file_report(state, who, ctx, intake, files, ack).await
}

/// The policy's view of a report. Vulnerability reports are stricter (CVE
/// coordination): their vendor, once notified, comes from the coordination case.
pub async fn report_resource(state: &App, r: &Report) -> Result<Resource, AppError> {
    let reporter = r.reporter_user_id.map(UserId);
    if r.kind == ReportKind::Vulnerability {
        let case = state.store.vuln_case(r.id).await?;
        let vendor_org = case.as_ref().and_then(super::vuln::vendor_with_access);
        return Ok(Resource::Vulnerability {
            vendor_org,
            reporter,
        });
    }
    Ok(Resource::Report {
        org: r.org_id.map(tocsin_domain::OrgId),
        reporter,
    })
}

/// Opens a report for reading: by status-link token, or as a signed-in user the policy
/// allows; says who the reader is to it (the audience whose cut they see). Every successful
/// read of this confidential record is audited; an unknown report and a wrong token look
/// the same (404).
pub async fn open_report(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
) -> Result<(Report, Audience), AppError> {
    let by_link = token.is_some_and(|t| !t.is_empty());
    if !by_link && who.principal().is_none() {
        // Before looking: an anonymous caller learns nothing of which numbers exist.
        return Err(AppError::Unauthorized);
    }
    let Ok(tn) = tracking.parse::<TrackingNumber>() else {
        return Err(AppError::NotFound);
    };
    let report = state
        .store
        .report_by_tracking(&tn.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    let via = match token {
        Some(t) if !t.is_empty() => {
            if auth::hash_secret(t) != report.status_token_hash {
                return Err(AppError::NotFound);
            }
            Via::StatusLink
        }
        _ => Via::Account,
    };
    let resource = report_resource(state, &report).await?;
    if via == Via::Account {
        // Refusals are audited here.
        check_hidden(state, who, ctx, Action::Read, &resource).await?;
    }
    let audience = report_audience(who.principal().as_ref(), via, &resource)?;
    let mut a = audit_entry(who, ctx, "report.read", "report", &report.tracking_id);
    if via == Via::StatusLink {
        a.actor = "reporter (status link)".into();
    }
    state.store.audit(&a).await?;
    Ok((report, audience))
}

/// Everything a page shows about one report.
#[derive(Clone, Debug)]
pub struct ReportView {
    /// The report.
    pub report: Report,
    /// Its incident fields.
    pub incident: IncidentDetails,
    /// History (for the reporter: what the desk chose to share).
    pub events: Vec<ReportEvent>,
    /// Files.
    pub attachments: Vec<AttachmentMeta>,
    /// SOP tasks (the desk only).
    pub tasks: Vec<ReportTask>,
    /// First-response timer.
    pub sla_first: SlaStatus,
    /// Resolution timer.
    pub sla_resolution: SlaStatus,
    /// The survey, if sent.
    pub survey: Option<Survey>,
    /// Who the reader is to the report: the cut they were shown.
    pub audience: Audience,
}

/// The SLA timers of a report, now.
pub fn sla_of(state: &App, r: &Report, now: Timestamp) -> (SlaStatus, SlaStatus) {
    let d = &state.desk;
    let first = d.sla.status(
        &d.calendar,
        r.priority,
        SlaTimer::FirstResponse,
        r.reported_at,
        // A report finished without a word to the reporter stops this timer too.
        r.first_response_at.0.or(r.closed_at.0),
        now,
    );
    let resolution = d.sla.status(
        &d.calendar,
        r.priority,
        SlaTimer::Resolution,
        r.reported_at,
        r.resolved_at.0.or(r.closed_at.0),
        now,
    );
    (first, resolution)
}

/// A report as its reader may see it, cut for their audience by the policy
/// ([`Audience::cut`]): the desk sees all; the reporter what was shared with them (never
/// internal notes, tasks or internal files); a notified vendor the case without the
/// reporter's identity or thread. With `reporter_page`, the desk too gets the reporter's
/// cut (the status page shows what the reporter sees).
pub async fn view(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
    reporter_page: bool,
) -> Result<ReportView, AppError> {
    let (report, audience) = open_report(state, who, ctx, tracking, token).await?;
    let audience = if reporter_page {
        audience.on_reporter_page()
    } else {
        audience
    };
    let cut = audience.cut();
    let (report, events, attachments) = apply_cut(state, report, &cut).await?;
    let tasks = if cut.tasks {
        state.store.list_tasks(report.id).await?
    } else {
        Vec::new()
    };
    let (sla_first, sla_resolution) = sla_of(state, &report, state.now());
    let survey = state.store.survey_of(report.id).await?;
    Ok(ReportView {
        incident: IncidentDetails::of(&report),
        report,
        events,
        attachments,
        tasks,
        sla_first,
        sla_resolution,
        survey,
        audience,
    })
}

/// What `cut` shows of a report: the report without what it withholds of the reporter's
/// identity, the events of its thread, and the files. Every view of a report goes through
/// here, so no view can show more than its audience's cut.
pub(crate) async fn apply_cut(
    state: &App,
    report: Report,
    cut: &ReportCut,
) -> Result<(Report, Vec<ReportEvent>, Vec<AttachmentMeta>), AppError> {
    let events = state.store.list_events(report.id, cut.thread).await?;
    let files = state.store.list_attachments(report.id).await?;
    let files = files_in_cut(&report, files, &events, cut.files);
    Ok((
        super::vuln::withhold_identity(report, cut.identity),
        events,
        files,
    ))
}

/// The files a cut shows of `report`, given the events it shows.
fn files_in_cut(
    report: &Report,
    mut files: Vec<AttachmentMeta>,
    events: &[ReportEvent],
    cut: Files,
) -> Vec<AttachmentMeta> {
    match cut {
        Files::All => {}
        Files::Shared => {
            let shared: Vec<uuid::Uuid> = events.iter().map(|e| e.id.uuid()).collect();
            files.retain(|a| a.event_id.is_none_or(|e| shared.contains(&e)));
        }
        Files::Evidence => {
            files.retain(|a| a.event_id.is_none() && !super::vuln::is_form_file(report, a))
        }
    }
    files
}

/// Whether the viewer is the desk (staff).
pub fn is_desk(who: &CurrentUser) -> bool {
    tocsin_domain::policy::is_desk(who.principal().as_ref())
}

/// One attachment's bytes, for a reader of its report (audited).
pub async fn attachment(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
    id: &str,
) -> Result<tocsin_storage::AttachmentRow, AppError> {
    let v = view(state, who, ctx, tracking, token, token.is_some()).await?;
    let id: tocsin_domain::AttachmentId = id.parse().map_err(|_| AppError::NotFound)?;
    if !v.attachments.iter().any(|a| a.id == id) {
        return Err(AppError::NotFound);
    }
    let row = state
        .store
        .get_attachment(id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "attachment.read",
            "report",
            &v.report.tracking_id,
        ))
        .await?;
    Ok(row)
}

/// Opens a report for the reporter's side to add to it: by status link, or signed in with
/// the policy's Append right on it.
pub async fn open_to_append(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
) -> Result<Report, AppError> {
    let (report, _) = open_report(state, who, ctx, tracking, token).await?;
    // The policy's Append right is the cut's (a vendor reads the case, never writes).
    if token.is_none_or(str::is_empty) {
        check_hidden(
            state,
            who,
            ctx,
            Action::Append,
            &report_resource(state, &report).await?,
        )
        .await?;
    }
    Ok(report)
}

/// The reporter adds information and files to their report.
pub async fn reporter_append(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
    body: &str,
    files: Vec<Upload>,
) -> Result<(), AppError> {
    let report = open_to_append(state, who, ctx, tracking, token).await?;
    let mut e = FieldErrors::new();
    if body.trim().is_empty() && files.is_empty() {
        e.add("body", FieldError::new("error-required"));
    }
    e.check("body", validate::optional_text(body, 20_000));
    check_uploads(state, &files, &mut e);
    e.into_result().map_err(AppError::Validation)?;
    let file_hashes: Vec<String> = files
        .iter()
        .map(|f| format!("{}:{}", f.filename, hex::encode(Sha256::digest(&f.bytes))))
        .collect();
    let report_id = report.id.to_string();
    let user_id = who.user().map(|u| u.id.to_string()).unwrap_or_default();
    let mut parts: Vec<&[u8]> = vec![report_id.as_bytes(), user_id.as_bytes(), body.as_bytes()];
    parts.extend(file_hashes.iter().map(|h| h.as_bytes()));
    let idem = super::idempotency::idem(ctx.idempotency_key.as_deref(), "append", &parts);
    let mut tx = state.store.begin().await?;
    if let Some(idem) = &idem {
        let since = super::idempotency::since(tx.now());
        if !tx
            .claim_idempotency_key(&idem.key_hash, report.id, &[], since)
            .await?
        {
            // Already added (a double click, back and resubmit): nothing twice.
            tx.rollback().await?;
            return Ok(());
        }
    }
    let ev = tx
        .add_event(
            report.id,
            &NewEvent {
                actor_id: who.user().map(|u| u.id),
                actor: reporter_actor(who, &report),
                event: "reporter_info".into(),
                visibility: Visibility::Reporter,
                body: body.trim().to_string(),
                data: String::new(),
            },
        )
        .await?;
    store_uploads(&mut tx, &report, Some(ev), &files).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "report.reporter_info",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

fn reporter_actor(who: &CurrentUser, r: &Report) -> String {
    who.user()
        .map(|u| u.email.clone())
        .unwrap_or_else(|| r.reporter_email.clone())
}

/// Opens a report for a desk action: staff only, then row-locked in a new transaction.
/// The policy is asked before the transaction starts, because a refusal writes its own
/// audit entry and SQLite has one writer at a time.
pub(crate) async fn begin_desk(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<(Tx, Report), AppError> {
    if who.principal().is_none() {
        return Err(AppError::Unauthorized);
    }
    let Ok(tn) = tracking.parse::<TrackingNumber>() else {
        return Err(AppError::NotFound);
    };
    let tracking = tn.to_string();
    let seen = state
        .store
        .report_by_tracking(&tracking)
        .await?
        .ok_or(AppError::NotFound)?;
    check_hidden(
        state,
        who,
        ctx,
        Action::Update,
        &report_resource(state, &seen).await?,
    )
    .await?;
    let mut tx = state.store.begin().await?;
    let report = tx
        .report_for_update(&tracking)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, report))
}

pub(crate) fn desk_event(
    who: &CurrentUser,
    event: &str,
    visibility: Visibility,
    body: &str,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent {
        actor_id: who.user().map(|u| u.id),
        actor: who.actor(),
        event: event.into(),
        visibility,
        body: body.to_string(),
        data: if data.is_null() {
            String::new()
        } else {
            data.to_string()
        },
    }
}

/// A requested state change with what the target state needs.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TransitionRequest {
    /// The new state: triaged, in_progress, resolved, closed, rejected, duplicate.
    pub to: String,
    /// For rejected: spam, out_of_scope, not_an_incident.
    pub rejection_reason: String,
    /// For duplicate: the original's tracking number.
    pub duplicate_of: String,
    /// For closed: resolved, no_resolution, no_response.
    pub resolution: String,
    /// For closed: true_positive, false_positive, indeterminate.
    pub outcome: String,
    /// An optional word to the reporter, mailed and shown on the status page.
    pub message: String,
    /// For closed with checklist tasks still open: why it is closed anyway (required then).
    pub close_anyway_reason: String,
}

fn parse_opt<T: std::str::FromStr>(s: &str, field: &'static str, e: &mut FieldErrors) -> Option<T> {
    match s.trim() {
        "" => None,
        v => match v.parse() {
            Ok(x) => Some(x),
            Err(_) => {
                e.add(field, FieldError::new("error-choice"));
                None
            }
        },
    }
}

/// Moves a report through the SOP; illegal transitions are refused (422 on field `to`).
/// Closing mails the satisfaction survey once.
pub async fn transition(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    req: &TransitionRequest,
) -> Result<Report, AppError> {
    let mut e = FieldErrors::new();
    let to: Option<ReportState> = parse_opt(&req.to, "to", &mut e);
    let rejection_reason: Option<RejectionReason> =
        parse_opt(&req.rejection_reason, "rejection_reason", &mut e);
    let resolution: Option<Resolution> = parse_opt(&req.resolution, "resolution", &mut e);
    let outcome: Option<Outcome> = parse_opt(&req.outcome, "outcome", &mut e);
    let duplicate_of = match validate::optional_tracking_number(&req.duplicate_of) {
        Ok(t) => t,
        Err(err) => {
            e.add("duplicate_of", err);
            None
        }
    };
    e.check("message", validate::optional_text(&req.message, 20_000));
    e.check(
        "close_anyway_reason",
        validate::optional_text(&req.close_anyway_reason, 2_000),
    );
    if to.is_none() && req.to.trim().is_empty() {
        e.add("to", FieldError::new("error-required"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let Some(to) = to else {
        return Err(AppError::field("to", "error-choice"));
    };
    let (mut tx, mut r) = begin_desk(state, who, ctx, tracking).await?;
    let extra = TransitionInput {
        rejection_reason,
        duplicate_of: duplicate_of.clone(),
        resolution,
        outcome,
    };
    if let Err(err) = check_transition(r.state, to, &extra) {
        return Err(match err {
            tocsin_domain::TransitionError::Illegal { .. } => {
                AppError::field("to", "error-transition")
            }
            tocsin_domain::TransitionError::Missing(f) => AppError::field(f, "error-required"),
        });
    }
    if let Some(d) = &duplicate_of {
        if d.to_string() == r.tracking_id {
            return Err(AppError::field("duplicate_of", "error-duplicate-self"));
        }
        if state
            .store
            .report_by_tracking(&d.to_string())
            .await?
            .is_none()
        {
            return Err(AppError::field("duplicate_of", "error-unknown-report"));
        }
    }
    // Closing with checklist tasks still open needs a reason, said on purpose.
    let open_tasks: Vec<String> = if to == ReportState::Closed {
        state
            .store
            .list_tasks(r.id)
            .await?
            .into_iter()
            .filter(|t| t.state.is_open())
            .map(|t| t.title_zh)
            .collect()
    } else {
        Vec::new()
    };
    let close_anyway = req.close_anyway_reason.trim();
    if !open_tasks.is_empty() && close_anyway.is_empty() {
        let mut e = FieldErrors::new();
        e.add(
            "close_anyway_reason",
            FieldError::new("error-tasks-open").arg("count", open_tasks.len()),
        );
        return Err(AppError::Validation(e));
    }
    let from = r.state;
    let now = state.now();
    r.state = to;
    match to {
        // A rejected or duplicate report is finished: its timers stop at `closed_at`.
        ReportState::Rejected => {
            r.rejection_reason = rejection_reason
                .map(|x| x.as_str().to_string())
                .unwrap_or_default();
            r.closed_at = tocsin_storage::columns::OptTime(Some(now));
        }
        ReportState::Duplicate => {
            r.duplicate_of = duplicate_of.map(|d| d.to_string()).unwrap_or_default();
            r.closed_at = tocsin_storage::columns::OptTime(Some(now));
        }
        ReportState::Resolved => r.resolved_at = tocsin_storage::columns::OptTime(Some(now)),
        ReportState::Closed => {
            r.resolution = resolution
                .map(|x| x.as_str().to_string())
                .unwrap_or_default();
            r.outcome = outcome.map(|x| x.as_str().to_string()).unwrap_or_default();
            r.closed_at = tocsin_storage::columns::OptTime(Some(now));
        }
        ReportState::InProgress if from.is_terminal() || from == ReportState::Resolved => {
            // Reopened: it is open again until resolved again.
            r.resolved_at = tocsin_storage::columns::OptTime(None);
            r.closed_at = tocsin_storage::columns::OptTime(None);
        }
        _ => {}
    }
    let message = req.message.trim();
    if !message.is_empty() && r.first_response_at.0.is_none() {
        r.first_response_at = tocsin_storage::columns::OptTime(Some(now));
    }
    tx.update_report(&r).await?;
    // Points move with the transition, in its transaction.
    super::points::on_report_transition(&mut tx, state, who, &r, to).await?;
    let mut data = serde_json::json!({"from": from.as_str(), "to": to.as_str(), "rejection_reason": r.rejection_reason, "duplicate_of": r.duplicate_of, "resolution": r.resolution, "outcome": r.outcome});
    if !open_tasks.is_empty() {
        data["open_tasks"] = serde_json::json!(open_tasks);
        data["close_anyway_reason"] = serde_json::json!(close_anyway);
    }
    tx.add_event(
        r.id,
        &desk_event(who, "state", Visibility::Reporter, message, data),
    )
    .await?;
    let mut a = audit_entry(who, ctx, "report.transition", "report", &r.tracking_id);
    a.detail = format!("{} -> {}", from.as_str(), to.as_str());
    if !open_tasks.is_empty() {
        a.detail.push_str(&format!(
            " with {} open tasks: {close_anyway}",
            open_tasks.len()
        ));
    }
    tx.audit(&a).await?;
    let tr = Tr::for_reader(&r.locale);
    if !message.is_empty() {
        mail_reporter(&mut tx, state, &r, &tr, message).await?;
    }
    if to == ReportState::Closed && state.config.reports.survey {
        let token = auth::new_secret();
        if tx.create_survey(r.id, &auth::hash_secret(&token)).await? {
            let args = [
                ("tracking", r.tracking_id.clone()),
                ("link", state.config.link(&format!("/survey/{token}"))),
            ];
            let letter = Letter {
                case: Some(&r.tracking_id),
                subject: "mail-survey-subject",
                body: "mail-survey-body",
                args: &args,
            };
            crate::mailer::queue_letter(&mut tx, state, &r.reporter_email, &tr, &letter).await?;
        }
    }
    tx.commit().await?;
    Ok(r)
}

async fn mail_reporter(
    tx: &mut Tx,
    state: &App,
    r: &Report,
    tr: &Tr,
    message: &str,
) -> Result<(), AppError> {
    let args = [
        ("tracking", r.tracking_id.clone()),
        ("message", message.to_string()),
        (
            "link",
            state.config.link(&format!("/status/{}", r.tracking_id)),
        ),
    ];
    let (subject, body) = Letter {
        case: Some(&r.tracking_id),
        subject: "mail-update-subject",
        body: "mail-update-body",
        args: &args,
    }
    .render(tr);
    crate::mailer::queue_conversation(tx, state, &r.reporter_email, &subject, &body).await
}

/// A piece of text from the desk.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextInput {
    /// The text.
    pub body: String,
}

fn required_body(body: &str) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    e.check("body", validate::required_text(body, 20_000));
    e.into_result().map_err(AppError::Validation)
}

/// An internal note (never shown to the reporter).
pub async fn add_note(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    body: &str,
) -> Result<(), AppError> {
    desk_text(state, who, ctx, tracking, body, "note").await
}

/// A record of assistance given to a reporter who asked for support.
pub async fn add_assistance(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    body: &str,
) -> Result<(), AppError> {
    desk_text(state, who, ctx, tracking, body, "assistance").await
}

async fn desk_text(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    body: &str,
    event: &str,
) -> Result<(), AppError> {
    required_body(body)?;
    let (mut tx, r) = begin_desk(state, who, ctx, tracking).await?;
    tx.add_event(
        r.id,
        &desk_event(
            who,
            event,
            Visibility::Internal,
            body.trim(),
            serde_json::Value::Null,
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        &format!("report.{event}"),
        "report",
        &r.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A message to the reporter: mailed, and shown on the status page. The first one stops
/// the first-response timer.
pub async fn send_message(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    body: &str,
) -> Result<(), AppError> {
    required_body(body)?;
    let (mut tx, mut r) = begin_desk(state, who, ctx, tracking).await?;
    if r.first_response_at.0.is_none() {
        r.first_response_at = tocsin_storage::columns::OptTime(Some(state.now()));
        tx.update_report(&r).await?;
    }
    tx.add_event(
        r.id,
        &desk_event(
            who,
            "message",
            Visibility::Reporter,
            body.trim(),
            serde_json::Value::Null,
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "report.message",
        "report",
        &r.tracking_id,
    ))
    .await?;
    let tr = Tr::for_reader(&r.locale);
    mail_reporter(&mut tx, state, &r, &tr, body.trim()).await?;
    tx.commit().await?;
    Ok(())
}

/// Assignment: a staff user's id, or empty to unassign.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignInput {
    /// The analyst's user id, or empty.
    pub assignee_id: String,
}

/// Assigns the report to an analyst (or nobody).
pub async fn assign(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &AssignInput,
) -> Result<(), AppError> {
    let assignee: Option<User> = match input.assignee_id.trim() {
        "" => None,
        s => {
            let id: UserId = s
                .parse()
                .map_err(|_| AppError::field("assignee_id", "error-choice"))?;
            let u = state
                .store
                .get_user(id)
                .await?
                .ok_or_else(|| AppError::field("assignee_id", "error-choice"))?;
            if !tocsin_domain::policy::is_desk(Some(&crate::auth::principal_of(&u))) || u.disabled {
                return Err(AppError::field("assignee_id", "error-choice"));
            }
            Some(u)
        }
    };
    let (mut tx, mut r) = begin_desk(state, who, ctx, tracking).await?;
    r.assignee_id = assignee.as_ref().map(|u| u.id.uuid());
    tx.update_report(&r).await?;
    let name = assignee
        .as_ref()
        .map(|u| u.email.clone())
        .unwrap_or_default();
    tx.add_event(
        r.id,
        &desk_event(
            who,
            "assigned",
            Visibility::Internal,
            &name,
            serde_json::Value::Null,
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "report.assign",
        "report",
        &r.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Classification: an RSIT `class/type` key and a priority.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClassifyInput {
    /// RSIT `class/type`, e.g. `intrusions/system-compromise`.
    pub rsit: String,
    /// p1 … p4.
    pub priority: String,
}

/// Sets the RSIT classification and the priority.
pub async fn classify(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &ClassifyInput,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    let rsit = rsit::RsitType::from_key(input.rsit.trim());
    if rsit.is_none() {
        e.add("rsit", FieldError::new("error-choice"));
    }
    let priority: Option<Priority> = input.priority.trim().parse().ok();
    if priority.is_none() {
        e.add("priority", FieldError::new("error-choice"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let (Some(rsit), Some(priority)) = (rsit, priority) else {
        return Err(AppError::field("rsit", "error-choice"));
    };
    let (mut tx, mut r) = begin_desk(state, who, ctx, tracking).await?;
    r.rsit_class = rsit.class.as_str().to_string();
    r.rsit_type = rsit.id.to_string();
    r.priority = priority;
    tx.update_report(&r).await?;
    let data = serde_json::json!({"rsit": rsit.key(), "priority": priority.as_str()});
    tx.add_event(
        r.id,
        &desk_event(who, "classified", Visibility::Internal, "", data),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "report.classify",
        "report",
        &r.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes one SOP task's state.
pub async fn set_task(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    task: &str,
    to: &str,
) -> Result<(), AppError> {
    let to: TaskState = to
        .trim()
        .parse()
        .map_err(|_| AppError::field("state", "error-choice"))?;
    let task_id: tocsin_domain::TaskId = task.parse().map_err(|_| AppError::NotFound)?;
    let (mut tx, r) = begin_desk(state, who, ctx, tracking).await?;
    let t = tx
        .task(task_id)
        .await?
        .filter(|t| t.report_id == r.id)
        .ok_or(AppError::NotFound)?;
    t.state
        .check_change(to)
        .map_err(|_| AppError::field("state", "error-transition"))?;
    tx.set_task_state(task_id, to).await?;
    let data = serde_json::json!({"task": t.title_en, "from": t.state.as_str(), "to": to.as_str()});
    tx.add_event(
        r.id,
        &desk_event(who, "task", Visibility::Internal, &t.title_zh, data),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "report.task",
        "report",
        &r.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How long a question to the reporter may go unanswered before the desk is told
/// (working days of the desk calendar).
pub const WAITING_WORKING_DAYS: i64 = 2;

/// Whether an open report waits on its reporter: the desk's last word to them (a message)
/// has had no answer (information from the reporter, by the status page or by mail) for
/// [`WAITING_WORKING_DAYS`] working days. There is no "waiting" state in the workflow, so
/// the history says it.
pub async fn waiting_on_reporter(
    state: &App,
    r: &Report,
    now: tocsin_domain::Timestamp,
) -> Result<bool, AppError> {
    if !r.state.is_open() {
        return Ok(false);
    }
    let events = state
        .store
        .list_events(r.id, tocsin_domain::policy::Thread::All)
        .await?;
    let last = events
        .iter()
        .filter(|e| matches!(e.event.as_str(), "message" | "reporter_info"))
        .max_by_key(|e| e.at);
    let Some(asked) = last.filter(|e| e.event == "message") else {
        return Ok(false);
    };
    let cal = &state.desk.calendar;
    let minute = |t: jiff::civil::Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
    let day = (minute(cal.day_end()) - minute(cal.day_start())).max(1);
    Ok(cal.add_working_time(asked.at, WAITING_WORKING_DAYS * day) <= now)
}

/// Filters of the desk queue, as they come from the query string.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    /// A state, `open` (default: every open state) or `all`.
    pub state: String,
    /// web_attack, intrusion or early_warning.
    pub incident_type: String,
    /// An analyst's id, `me` or `none`.
    pub assignee: String,
    /// Only reports older than this many days (0 to 36500; empty for any age).
    pub older_than_days: String,
    /// `1` for only SLA breaches.
    pub breached: String,
    /// `newest` for newest first (default oldest first).
    pub sort: String,
    /// `1` for only the reports waiting on the reporter (see [`waiting_on_reporter`]).
    pub waiting: String,
    /// Where the page starts: the opaque cursor of the previous page's next link.
    pub after: String,
}

/// Reports on one queue page.
pub const QUEUE_PAGE_SIZE: i64 = 100;

/// At most this many pages of the store are read for one queue page when the SLA or
/// waiting filters (checked here, not in SQL) keep few of them: the page then ends
/// short, and its next link goes on from the last report read.
const QUEUE_MAX_READS: usize = 20;

/// One page of the queue.
#[derive(Clone, Debug, Default)]
pub struct QueuePage {
    /// The reports, in the queue's order.
    pub rows: Vec<QueueRow>,
    /// Counts by state (the desk only; empty for a reporter's own queue).
    pub counts: Vec<(String, i64)>,
    /// The cursor of the next page (for `after=`), when there may be one.
    pub next: Option<String>,
    /// Other teams' ticket numbers of the page's reports (the desk only).
    pub tickets: std::collections::HashMap<tocsin_domain::ReportId, Vec<String>>,
}

/// One queue row.
#[derive(Clone, Debug)]
pub struct QueueRow {
    /// The report.
    pub report: Report,
    /// First-response timer.
    pub sla_first: SlaStatus,
    /// Resolution timer.
    pub sla_resolution: SlaStatus,
}

/// The queue: staff see every report; members and reporters their own (and their
/// organization's). Returns one page of [`QUEUE_PAGE_SIZE`] rows, the counts by state
/// and the cursor of the next page.
pub async fn queue(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    q: &QueueQuery,
) -> Result<QueuePage, AppError> {
    queue_page(state, who, ctx, q, QUEUE_PAGE_SIZE).await
}

/// [`queue`] with pages of `size` rows (the staff home counts up to its own cap).
pub async fn queue_page(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    q: &QueueQuery,
    size: i64,
) -> Result<QueuePage, AppError> {
    let p = who.principal().ok_or(AppError::Unauthorized)?;
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await?;
    let states = match q.state.trim() {
        "" | "open" => ReportState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect(),
        "all" => Vec::new(),
        s => vec![
            s.parse::<ReportState>()
                .map_err(|_| AppError::field("state", "error-choice"))?,
        ],
    };
    let category = match q.incident_type.trim() {
        "" => None,
        s => Some(
            s.parse::<IncidentType>()
                .map_err(|_| AppError::field("incident_type", "error-choice"))?
                .as_str()
                .to_string(),
        ),
    };
    let assignee = match q.assignee.trim() {
        "" => None,
        "none" => Some(None),
        "me" => Some(Some(p.user_id)),
        s => Some(Some(
            s.parse::<UserId>()
                .map_err(|_| AppError::field("assignee", "error-choice"))?,
        )),
    };
    let until = match q.older_than_days.trim() {
        "" => None,
        s => {
            let days = s.parse::<i64>().ok().filter(|d| (0..36_500).contains(d));
            let days = days.ok_or_else(|| AppError::field("older_than_days", "error-choice"))?;
            Some(state.now().plus(time::Duration::days(-days)))
        }
    };
    let after = match q.after.trim() {
        "" => None,
        a => Some(ReportCursor::parse(a).ok_or_else(|| AppError::field("after", "error-choice"))?),
    };
    let scope = match report_scope(&p) {
        ReportScope::All => None,
        ReportScope::Own { org, user } => Some((org, user)),
    };
    let mut filter = ReportFilter {
        kind: Some(ReportKind::Incident),
        states,
        category,
        assignee,
        since: None,
        until,
        scope,
        newest_first: q.sort == "newest",
        limit: size,
        after,
    };
    let now = state.now();
    let breached = q.breached == "1";
    let waiting = q.waiting == "1";
    // The SLA and waiting filters are the desk's calendar rules, checked here on what the
    // store lists: read on until the page is full, the store has no more, or enough was
    // read for one page.
    let mut rows: Vec<QueueRow> = Vec::new();
    let mut next = None;
    for _ in 0..QUEUE_MAX_READS {
        let listed = state.store.list_reports_page(&filter).await?;
        next = listed.next;
        for r in listed.rows {
            let cursor = ReportCursor::of(&r);
            let (sla_first, sla_resolution) = sla_of(state, &r, now);
            let kept = (!breached || sla_first.breached || sla_resolution.breached)
                && (!waiting || waiting_on_reporter(state, &r, now).await?);
            if kept {
                rows.push(QueueRow {
                    report: r,
                    sla_first,
                    sla_resolution,
                });
                if i64::try_from(rows.len()).is_ok_and(|n| n >= size) {
                    // Full: the next page starts after the last row shown, even when the
                    // store listed more.
                    next = Some(cursor);
                    break;
                }
            }
        }
        if i64::try_from(rows.len()).is_ok_and(|n| n >= size) {
            break;
        }
        match next {
            Some(c) => filter.after = Some(c),
            None => break,
        }
    }
    let counts = if scope.is_none() {
        state
            .store
            .count_reports_by_state(ReportKind::Incident)
            .await?
    } else {
        Vec::new()
    };
    let ids: Vec<_> = rows.iter().map(|r| r.report.id).collect();
    let tickets = super::forward::tickets_of(state, who, &ids).await?;
    Ok(QueuePage {
        rows,
        counts,
        next: next.map(|c| c.token()),
        tickets,
    })
}

/// Answers of the satisfaction survey.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SurveyInput {
    /// 1–5.
    pub speed: String,
    /// 1–5.
    pub helpfulness: String,
    /// 1–5.
    pub communication: String,
    /// 1–5.
    pub overall: String,
    /// Free comment.
    pub comment: String,
}

/// The survey behind a link, with its report's tracking number.
pub async fn survey(state: &App, token: &str) -> Result<(Survey, String), AppError> {
    let s = state
        .store
        .survey_by_token(&auth::hash_secret(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let tracking = state
        .store
        .get_report(s.report_id)
        .await?
        .map(|r| r.tracking_id)
        .unwrap_or_default();
    Ok((s, tracking))
}

/// Records the one answer of a survey.
pub async fn answer_survey(
    state: &App,
    ctx: &Ctx,
    token: &str,
    input: &SurveyInput,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    let mut score = |field: &'static str, v: &str| -> i32 {
        match v.trim().parse::<i32>() {
            Ok(n) if (1..=5).contains(&n) => n,
            _ => {
                e.add(field, FieldError::new("error-score"));
                0
            }
        }
    };
    let answer = SurveyAnswer {
        speed: score("speed", &input.speed),
        helpfulness: score("helpfulness", &input.helpfulness),
        communication: score("communication", &input.communication),
        overall: score("overall", &input.overall),
        comment: input.comment.trim().to_string(),
    };
    e.check("comment", validate::optional_text(&input.comment, 5_000));
    e.into_result().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    if !tx.answer_survey(&auth::hash_secret(token), &answer).await? {
        return Err(AppError::NotFound);
    }
    tx.audit(&audit_entry(
        &CurrentUser(None),
        ctx,
        "survey.answer",
        "survey",
        "",
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Monthly satisfaction-survey results (admins).
pub async fn survey_results(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<tocsin_storage::SurveyMonth>, AppError> {
    check(state, who, ctx, Action::List, &Resource::Statistics).await?;
    let tz = state.desk.calendar.time_zone();
    Ok(state
        .store
        .survey_months(|at| tocsin_domain::clock::month_of(at, tz))
        .await?)
}

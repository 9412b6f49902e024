//! The desk's threads with other CSIRTs about a case: forwarding an incident, phishing or
//! vulnerability case to one or more teams of the directory, replies threading back, and
//! requests a team sends us.
//!
//! A forward is composed from message ids in the team's language (English unless the
//! directory says zh-TW), from the team's cut of the report (`policy::forward_cut` at the
//! TLP the desk picks: the reporter's identity only with the reporter's consent, the
//! description from AMBER on, evidence files the desk ticks one by one), and queued in the
//! case's transaction with its own state (sent → acknowledged → resolved | no answer) and
//! a reminder after `teams.reminder_days`.
//!
//! Mail intake calls in here, it does not thread on its own: a reply proves its case as
//! every reply does (it answers one of our Message-IDs, `mail_intake::answered_case`);
//! when its sender is not a party to the case but writes for a team the case was forwarded
//! to, [`team_reply`] joins it to that team's thread, captures the team's ticket number
//! from the subject and marks the forward acknowledged. A new message from a directory
//! address becomes a case as any mail does, and [`mark_request`] marks it as that team's
//! request with their ticket, so the desk's answers go in their thread ([`answer`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tocsin_domain::intel::{ObservableKind, extract_observables};
use tocsin_domain::policy::{Action, Resource, forward_cut};
use tocsin_domain::team::{ForwardState, ticket_numbers};
use tocsin_domain::{AttachmentId, Locale, ReportId, ReportKind, Tlp};
use tocsin_formats::mail_in::Inbound;
use tocsin_mail::MailAttachment;
use tocsin_storage::columns::OptTime;
use tocsin_storage::reports::{NewEvent, Visibility};
use tocsin_storage::{InboundMail, Report, TeamRow, TeamThread};
use uuid::Uuid;

use super::reports::{apply_cut, begin_desk, desk_event};
use super::{audit_entry, check_hidden};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::{Letter, queue_conversation_in_thread};
use crate::state::App;

/// What the desk forwards: to which teams, at which TLP, with the reporter's identity or
/// not, which evidence files, and a note of its own.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForwardInput {
    /// The directory ids of the teams.
    pub team_ids: Vec<String>,
    /// The TLP of the forward (`clear` … `red`).
    pub tlp: String,
    /// The reporter agreed to have their identity passed on (the desk ticks it).
    pub identity_consented: bool,
    /// The evidence files to attach, by id.
    pub attachment_ids: Vec<String>,
    /// The desk's own words to the team.
    pub note: String,
}

/// A thread with a team, with the team's name and address.
#[derive(Clone, Debug, Serialize)]
pub struct ThreadView {
    /// The thread.
    pub thread: TeamThread,
    /// The team's name.
    pub team_name: String,
    /// The team's address.
    pub team_email: String,
}

/// The language a team is written to in: the directory's, when tocsin has it; English
/// otherwise.
fn team_locale(team: &TeamRow) -> Locale {
    Locale::from_tag(&team.language).unwrap_or(Locale::En)
}

/// The operator's name in the team's language.
fn operator_name(state: &App, tr: &Tr) -> String {
    let o = &state.config.operator;
    match tr.locale {
        Locale::ZhTw => o.name_zh.clone(),
        Locale::En => o.name_en.clone(),
    }
}

/// A text longer than `max` characters, refused on `field`.
fn too_long(field: &'static str, max: usize) -> AppError {
    let mut f = tocsin_domain::FieldErrors::new();
    f.add(
        field,
        tocsin_domain::FieldError::new("error-too-long").arg("max", max),
    );
    AppError::Validation(f)
}

/// The kind of case in the team's language.
fn kind_label(tr: &Tr, kind: ReportKind) -> String {
    tr.t(match kind {
        ReportKind::Incident => "fwd-kind-incident",
        ReportKind::Vulnerability => "fwd-kind-vulnerability",
        ReportKind::Phishing => "fwd-kind-phishing",
    })
}

/// The body's account of the case at the team's cut: indicators always (defanged), the
/// description when the cut allows it.
async fn case_text(
    state: &App,
    tr: &Tr,
    report: &Report,
    description: bool,
) -> Result<String, AppError> {
    let mut out = String::new();
    let (text, mut indicators) = match report.kind {
        ReportKind::Phishing => {
            let urls = state.store.phish_urls_of_report(report.id).await?;
            (
                String::new(),
                urls.iter()
                    .map(|u| tocsin_domain::phish_url::defang(&u.normalized))
                    .collect::<Vec<_>>(),
            )
        }
        ReportKind::Incident => {
            let d = super::reports::IncidentDetails::of(report);
            (d.description, Vec::new())
        }
        ReportKind::Vulnerability => {
            let d = super::vuln::VulnDetails::of(report);
            out.push_str(&format!(
                "{}: {} {} ({})\n",
                tr.t("fwd-label-product"),
                d.product,
                d.version,
                d.vendor
            ));
            (format!("{}\n\n{}", d.vuln_type, d.description), Vec::new())
        }
    };
    if indicators.is_empty() {
        indicators = extract_observables(&text)
            .into_iter()
            .filter(|o| {
                matches!(
                    o.kind,
                    ObservableKind::Url
                        | ObservableKind::Domain
                        | ObservableKind::Ipv4
                        | ObservableKind::Ipv6
                )
            })
            .map(|o| tocsin_domain::phish_url::defang(&o.value))
            .collect();
    }
    if !report.category.is_empty() {
        out.push_str(&format!(
            "{}: {}\n",
            tr.t("fwd-label-category"),
            report.category
        ));
    }
    if !indicators.is_empty() {
        out.push_str(&format!("\n{}:\n", tr.t("fwd-label-indicators")));
        for i in &indicators {
            out.push_str(&format!("  {i}\n"));
        }
    }
    if description && !text.trim().is_empty() {
        out.push_str(&format!(
            "\n{}:\n{}\n",
            tr.t("fwd-label-description"),
            text.trim()
        ));
    }
    Ok(out)
}

/// Forwards a case to the teams named, each in a thread of its own; returns the threads.
pub async fn forward(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &ForwardInput,
) -> Result<Vec<TeamThread>, AppError> {
    let tlp: Tlp = input
        .tlp
        .parse()
        .map_err(|_| AppError::field("tlp", "fwd-error-tlp"))?;
    if input.team_ids.is_empty() {
        return Err(AppError::field("team_ids", "fwd-error-team"));
    }
    let mut teams = Vec::new();
    for id in &input.team_ids {
        let team = match id.trim().parse::<Uuid>() {
            Ok(id) => state.store.get_team(id).await?,
            Err(_) => None,
        };
        let team = team.ok_or_else(|| AppError::field("team_ids", "fwd-error-team"))?;
        if !teams.iter().any(|t: &TeamRow| t.id == team.id) {
            teams.push(team);
        }
    }
    let note = input.note.trim();
    if note.chars().count() > 5_000 {
        return Err(too_long("note", 5_000));
    }
    let (mut tx, report) = begin_desk(state, who, ctx, tracking).await?;
    let fcut = forward_cut(tlp, input.identity_consented);
    let (seen, _, files) = apply_cut(state, report.clone(), &fcut.cut).await?;
    let mut attachments = Vec::new();
    for id in &input.attachment_ids {
        let id: AttachmentId = id
            .trim()
            .parse()
            .map_err(|_| AppError::field("attachment_ids", "fwd-error-attachment"))?;
        if !fcut.files || !files.iter().any(|f| f.id == id) {
            return Err(AppError::field("attachment_ids", "fwd-error-attachment"));
        }
        let row = state
            .store
            .get_attachment(id)
            .await?
            .ok_or(AppError::NotFound)?;
        attachments.push(MailAttachment {
            filename: row.meta.filename.clone(),
            content_type: row.meta.content_type.clone(),
            content: row.content,
        });
    }
    let now = state.now();
    let days = state.config.teams.reminder_days;
    let mut threads = Vec::new();
    for team in &teams {
        let tr = Tr::new(team_locale(team));
        // `seen` is the team's cut: the identity is empty unless consented.
        let reporter = if seen.reporter_name.is_empty() && seen.reporter_email.is_empty() {
            tr.t("fwd-reporter-withheld")
        } else {
            tr.t_args(
                "fwd-reporter",
                &[
                    ("name", seen.reporter_name.clone()),
                    ("email", seen.reporter_email.clone()),
                    ("phone", seen.reporter_phone.clone()),
                ],
            )
        };
        let args = [
            ("team", team.name.clone()),
            ("tracking", report.tracking_id.clone()),
            ("kind", kind_label(&tr, report.kind)),
            ("tlp", tlp.marking().to_string()),
            (
                "case",
                case_text(state, &tr, &seen, fcut.description).await?,
            ),
            ("reporter", reporter),
            ("note", note.to_string()),
            ("operator", operator_name(state, &tr)),
        ];
        let (subject, body) = Letter {
            case: Some(&report.tracking_id),
            subject: "fwd-subject",
            body: "fwd-body",
            args: &args,
        }
        .render(&tr);
        let message_id = queue_conversation_in_thread(
            &mut tx,
            state,
            &team.email,
            &format!("[{}] {subject}", tlp.marking()),
            &body,
            attachments.clone(),
            None,
        )
        .await?;
        let thread = TeamThread {
            id: Uuid::now_v7(),
            report_id: report.id,
            team_id: team.id,
            direction: "forward".into(),
            state: ForwardState::Sent,
            tlp: tlp.as_str().to_string(),
            identity_consented: input.identity_consented,
            their_ticket: String::new(),
            their_message_id: String::new(),
            our_message_id: message_id,
            created_by: who.actor(),
            created_at: now,
            updated_at: now,
            remind_at: OptTime((days > 0).then(|| now.plus(time::Duration::days(days)))),
            reminded_at: OptTime(None),
        };
        tx.insert_team_thread(&thread).await?;
        tx.add_event(
            report.id,
            &desk_event(
                who,
                "team_forward",
                Visibility::Internal,
                &format!("{} ({}) {}", team.name, team.email, tlp.marking()),
                serde_json::json!({
                    "thread_id": thread.id.to_string(),
                    "team_id": team.id.to_string(),
                    "identity_consented": input.identity_consented,
                    "attachments": input.attachment_ids,
                }),
            ),
        )
        .await?;
        let mut a = audit_entry(who, ctx, "report.forward", "report", &report.tracking_id);
        a.detail = format!(
            "to={} tlp={} identity={}",
            team.email,
            tlp.as_str(),
            input.identity_consented
        );
        tx.audit(&a).await?;
        threads.push(thread);
    }
    tx.commit().await?;
    Ok(threads)
}

/// A case's threads with teams, for the desk (audited: the case is confidential).
pub async fn threads(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<Vec<ThreadView>, AppError> {
    Ok(opened_threads(state, who, ctx, tracking).await?.1)
}

/// The forwards page: the case's threads ([`threads`]) and the files the desk may pick to
/// go with a forward (which of them may go is the forward's TLP's to decide, [`forward`]).
pub async fn page(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<
    (
        Vec<ThreadView>,
        Vec<tocsin_storage::reports::AttachmentMeta>,
    ),
    AppError,
> {
    let (report, threads) = opened_threads(state, who, ctx, tracking).await?;
    Ok((threads, state.store.list_attachments(report.id).await?))
}

/// The case, checked for the desk and its reading audited, and its threads.
async fn opened_threads(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<(Report, Vec<ThreadView>), AppError> {
    let report = desk_report(state, who, ctx, tracking, tocsin_domain::Action::Read).await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "report.threads",
            "report",
            &report.tracking_id,
        ))
        .await?;
    let threads = threads_of(state, &report).await?;
    Ok((report, threads))
}

/// The teams' ticket numbers of listed cases, by report, for the desk's lists; empty for
/// a reader who may not see the directory (the threads are the desk's business).
pub async fn tickets_of(
    state: &App,
    who: &CurrentUser,
    reports: &[ReportId],
) -> Result<HashMap<ReportId, Vec<String>>, AppError> {
    let may = who.principal().is_some_and(|p| {
        tocsin_domain::policy::authorize(Some(&p), Action::List, &Resource::TeamDirectory).is_ok()
    });
    let mut out: HashMap<ReportId, Vec<String>> = HashMap::new();
    if !may || reports.is_empty() {
        return Ok(out);
    }
    for (id, ticket) in state.store.team_tickets_of(reports).await? {
        let seen = out.entry(id).or_default();
        if !seen.contains(&ticket) {
            seen.push(ticket);
        }
    }
    Ok(out)
}

/// A report's threads with their teams (the caller has checked the reader).
pub(crate) async fn threads_of(state: &App, report: &Report) -> Result<Vec<ThreadView>, AppError> {
    let mut out = Vec::new();
    for thread in state.store.team_threads_of(report.id).await? {
        let team = state.store.get_team(thread.team_id).await?;
        let (team_name, team_email) = team.map(|t| (t.name, t.email)).unwrap_or_default();
        out.push(ThreadView {
            thread,
            team_name,
            team_email,
        });
    }
    Ok(out)
}

/// The report of `tracking` when the desk may do `action` with it (404 otherwise).
async fn desk_report(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    action: tocsin_domain::Action,
) -> Result<Report, AppError> {
    let report = state
        .store
        .report_by_tracking(tracking.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let resource = super::reports::report_resource(state, &report).await?;
    check_hidden(state, who, ctx, action, &resource).await?;
    if !super::reports::is_desk(who) {
        return Err(AppError::NotFound);
    }
    Ok(report)
}

/// Moves a thread to `to` (the desk's decision: resolved, or acknowledged by phone).
pub async fn set_state(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    thread_id: &str,
    to: &str,
) -> Result<TeamThread, AppError> {
    let to: ForwardState = to.parse().map_err(|e| {
        let mut f = tocsin_domain::FieldErrors::new();
        f.add("state", e);
        AppError::Validation(f)
    })?;
    let id: Uuid = thread_id.parse().map_err(|_| AppError::NotFound)?;
    let (mut tx, report) = begin_desk(state, who, ctx, tracking).await?;
    let mut thread = tx
        .team_thread_for_update(id)
        .await?
        .filter(|t| t.report_id == report.id)
        .ok_or(AppError::NotFound)?;
    if !thread.state.can_become(to) {
        return Err(AppError::field("state", "fwd-error-state"));
    }
    thread.state = to;
    if to != ForwardState::Sent {
        thread.remind_at = OptTime(None);
    }
    tx.update_team_thread(&thread).await?;
    let mut a = audit_entry(
        who,
        ctx,
        "report.thread_state",
        "report",
        &report.tracking_id,
    );
    a.detail = format!("thread={} state={}", thread.id, to.as_str());
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(thread)
}

/// The desk's answer to a team in the team's thread: their ticket number and our
/// tracking number in the subject, `In-Reply-To` their last message.
pub async fn answer(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    thread_id: &str,
    body: &str,
) -> Result<(), AppError> {
    if body.trim().is_empty() {
        return Err(AppError::field("body", "error-required"));
    }
    if body.chars().count() > 20_000 {
        return Err(too_long("body", 20_000));
    }
    let id: Uuid = thread_id.parse().map_err(|_| AppError::NotFound)?;
    let (mut tx, report) = begin_desk(state, who, ctx, tracking).await?;
    let thread = tx
        .team_thread_for_update(id)
        .await?
        .filter(|t| t.report_id == report.id)
        .ok_or(AppError::NotFound)?;
    let team = state
        .store
        .get_team(thread.team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = Tr::new(team_locale(&team));
    let args = [("tracking", report.tracking_id.clone())];
    let (subject, _) = Letter {
        case: Some(&report.tracking_id),
        subject: "fwd-answer-subject",
        body: "fwd-answer-subject",
        args: &args,
    }
    .render(&tr);
    let subject = if thread.their_ticket.is_empty() {
        subject
    } else {
        format!("[{}] {subject}", thread.their_ticket)
    };
    let answers = tocsin_mail::normalize_message_id(&thread.their_message_id);
    queue_conversation_in_thread(
        &mut tx,
        state,
        &team.email,
        &subject,
        body.trim(),
        vec![],
        answers.as_deref(),
    )
    .await?;
    tx.add_event(
        report.id,
        &desk_event(
            who,
            "team_answer",
            Visibility::Internal,
            body.trim(),
            serde_json::json!({ "thread_id": thread.id.to_string(), "team_id": team.id.to_string() }),
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "report.team_answer",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The ticket number a team wrote in its subject, when there is one.
fn their_ticket(mail: &Inbound) -> String {
    ticket_numbers(&mail.subject)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Joins a proven reply (it answers one of our messages about `report`) from someone who
/// is not a party to the case to the thread of the team it writes for, if the case was
/// forwarded to (or asked by) that team: the text and files on the case (internal), the
/// team's ticket number and Message-ID on the thread, a forward acknowledged. `false` when
/// the sender writes for none of the case's teams.
pub(crate) async fn team_reply(
    state: &App,
    ctx: &Ctx,
    report: &Report,
    senders: &[&str],
    message: &InboundMail,
    mail: &Inbound,
    body: &str,
) -> Result<bool, AppError> {
    let mut found = None;
    for view in threads_of(state, report).await? {
        let Some(team) = state.store.get_team(view.thread.team_id).await? else {
            continue;
        };
        if let Some(sender) = senders.iter().find(|s| super::teams::writes_for(&team, s)) {
            found = Some((view.thread, team, sender.to_ascii_lowercase()));
            break;
        }
    }
    let Some((thread, team, sender)) = found else {
        return Ok(false);
    };
    let mut tx = state.store.begin().await?;
    let mut thread = tx
        .team_thread_for_update(thread.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ticket = their_ticket(mail);
    if thread.their_ticket.is_empty() {
        thread.their_ticket = ticket.clone();
    }
    if let Some(id) = &mail.message_id {
        thread.their_message_id = id.clone();
    }
    if thread.state.can_become(ForwardState::Acknowledged) {
        thread.state = ForwardState::Acknowledged;
    }
    thread.remind_at = OptTime(None);
    tx.update_team_thread(&thread).await?;
    let ev = tx
        .add_event(
            report.id,
            &NewEvent {
                actor_id: None,
                actor: format!("{} <{sender}>", team.name),
                event: "team_reply".into(),
                visibility: Visibility::Internal,
                body: body.chars().take(20_000).collect(),
                data: serde_json::json!({
                    "via": "mail",
                    "thread_id": thread.id.to_string(),
                    "team_id": team.id.to_string(),
                    "ticket": ticket,
                    "inbound_id": message.id.to_string(),
                })
                .to_string(),
            },
        )
        .await?;
    let uploads: Vec<super::reports::Upload> = mail
        .attachments
        .iter()
        .map(|a| super::reports::Upload {
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            bytes: a.bytes.clone(),
        })
        .collect();
    super::reports::store_uploads(&mut tx, report, Some(ev), &uploads).await?;
    let mut a = audit_entry(
        &CurrentUser(None),
        ctx,
        "report.team_reply",
        "report",
        &report.tracking_id,
    );
    a.actor = sender;
    a.detail = format!("team={} ticket={}", team.name, thread.their_ticket);
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(true)
}

/// Marks a case that mail from a directory address just opened as that team's request:
/// a thread with the team's ticket number and Message-ID (the desk answers in it), and
/// the case's history says so. Nothing when the sender is not in the directory.
pub(crate) async fn mark_request(
    state: &App,
    ctx: &Ctx,
    tracking: &str,
    from: &str,
    mail: &Inbound,
) -> Result<(), AppError> {
    let Some(team) = super::teams::team_by_address(state, from).await? else {
        return Ok(());
    };
    let Some(report) = state.store.report_by_tracking(tracking).await? else {
        return Ok(());
    };
    let now = state.now();
    let thread = TeamThread {
        id: Uuid::now_v7(),
        report_id: report.id,
        team_id: team.id,
        direction: "request".into(),
        state: ForwardState::Sent,
        tlp: String::new(),
        identity_consented: false,
        their_ticket: their_ticket(mail),
        their_message_id: mail.message_id.clone().unwrap_or_default(),
        our_message_id: String::new(),
        created_by: team.email.clone(),
        created_at: now,
        updated_at: now,
        remind_at: OptTime(None),
        reminded_at: OptTime(None),
    };
    let mut tx = state.store.begin().await?;
    tx.insert_team_thread(&thread).await?;
    tx.add_event(
        report.id,
        &NewEvent {
            actor_id: None,
            actor: format!("{} <{}>", team.name, team.email),
            event: "team_request".into(),
            visibility: Visibility::Internal,
            body: team.name.clone(),
            data: serde_json::json!({
                "thread_id": thread.id.to_string(),
                "team_id": team.id.to_string(),
                "ticket": thread.their_ticket,
            })
            .to_string(),
        },
    )
    .await?;
    let mut a = audit_entry(
        &CurrentUser(None),
        ctx,
        "report.team_request",
        "report",
        tracking,
    );
    a.actor = team.email.clone();
    a.detail = format!("team={} ticket={}", team.name, thread.their_ticket);
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Follows up forwards left unanswered: the first time a reminder falls due, the team is
/// written to again in the forward's thread; the second time, the forward is marked as
/// unanswered. Returns how many threads it handled. Run by the clean-up worker.
pub async fn remind_due(state: &App) -> Result<usize, AppError> {
    let days = state.config.teams.reminder_days;
    if days <= 0 {
        return Ok(0);
    }
    let now = state.now();
    let due = state.store.team_threads_due(now, 100).await?;
    let mut handled = 0;
    for t in due {
        let mut tx = state.store.begin().await?;
        // Another instance may have handled it since the list was read.
        let Some(mut thread) = tx
            .team_thread_for_update(t.id)
            .await?
            .filter(|x| x.remind_at.0.is_some_and(|at| at <= now) && x.state == ForwardState::Sent)
        else {
            tx.rollback().await?;
            continue;
        };
        let (Some(team), Some(report)) = (
            state.store.get_team(thread.team_id).await?,
            state.store.get_report(thread.report_id).await?,
        ) else {
            tx.rollback().await?;
            continue;
        };
        if thread.reminded_at.0.is_none() {
            let tr = Tr::new(team_locale(&team));
            let args = [
                ("team", team.name.clone()),
                ("tracking", report.tracking_id.clone()),
                ("operator", operator_name(state, &tr)),
            ];
            let (subject, body) = Letter {
                case: Some(&report.tracking_id),
                subject: "fwd-reminder-subject",
                body: "fwd-reminder-body",
                args: &args,
            }
            .render(&tr);
            let answers = tocsin_mail::normalize_message_id(&thread.our_message_id);
            queue_conversation_in_thread(
                &mut tx,
                state,
                &team.email,
                &subject,
                &body,
                vec![],
                answers.as_deref(),
            )
            .await?;
            thread.reminded_at = OptTime(Some(now));
            thread.remind_at = OptTime(Some(now.plus(time::Duration::days(days))));
        } else {
            thread.state = ForwardState::NoAnswer;
            thread.remind_at = OptTime(None);
        }
        tx.update_team_thread(&thread).await?;
        let mut a = audit_entry(
            &CurrentUser(None),
            &Ctx::console(Locale::En),
            "report.thread_reminder",
            "report",
            &report.tracking_id,
        );
        a.detail = format!("thread={} state={}", thread.id, thread.state.as_str());
        tx.audit(&a).await?;
        tx.commit().await?;
        handled += 1;
    }
    Ok(handled)
}

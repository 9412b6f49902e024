//! The desk: the queue of incident reports and the full record of one, with the forms
//! that move it through the handling SOP (classification, assignment, state, notes,
//! messages, tasks, assistance). Staff only; every action goes through a service
//! function, which asks the policy again. Also the satisfaction survey and its monthly
//! results for admins.

use super::kit::PageForms;
use crate::error::IntoHttp as _;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::workflow::{Outcome, RejectionReason, Resolution};
use tocsin_domain::{IncidentType, Priority, ReportState, RsitClass, SlaStatus, rsit};

use super::kit::{
    Errors, Failed, FileView, Options, canonical, download, field_errors, file_views,
    hours_minutes, staff_only, when,
};
use super::labels::{EventView, event_view, label, type_label};
use super::page::{Page, render, see_other};
use super::referral::OfferForm;
use crate::auth::{CurrentUser, principal_of};
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::reports::{
    self as svc, AssignInput, ClassifyInput, QueueQuery, SurveyInput, TextInput, TransitionRequest,
};
use tocsin_app::service::{self};

fn options<T: Copy>(all: &[T], key: impl Fn(T) -> &'static str, tr: &Tr, prefix: &str) -> Options {
    all.iter()
        .map(|v| {
            let k = key(*v);
            (k.to_string(), tr.t2(prefix, k))
        })
        .collect()
}

/// An SLA timer as shown (`_sla.html`).
pub(super) struct SlaView {
    /// Past its deadline.
    pub(super) breached: bool,
    /// Time left, over, or met.
    pub(super) text: String,
    /// The deadline.
    pub(super) due: String,
}

/// `met`: the timer stopped in time or late; `stopped`: the report left the desk without
/// meeting it (rejected, duplicate), so no time is counted any more.
pub(super) fn sla_view(
    state: &AppState,
    tr: &Tr,
    s: &SlaStatus,
    met: bool,
    stopped: bool,
) -> SlaView {
    // A report that left the desk unmet counts no more time: no breach shown.
    let breached = s.breached && (met || !stopped);
    let text = if breached {
        hours_minutes(tr, "sla-over", s.remaining_minutes)
    } else if met {
        tr.t("sla-met")
    } else if stopped {
        "—".to_string()
    } else {
        hours_minutes(tr, "sla-left", s.remaining_minutes)
    };
    SlaView {
        breached,
        text,
        due: when(state, tr, s.due),
    }
}

fn timers(
    state: &AppState,
    tr: &Tr,
    r: &tocsin_storage::Report,
    first: &SlaStatus,
    resolution: &SlaStatus,
) -> (SlaView, SlaView) {
    let stopped = matches!(r.state, ReportState::Rejected | ReportState::Duplicate);
    (
        sla_view(state, tr, first, r.first_response_at.0.is_some(), stopped),
        sla_view(
            state,
            tr,
            resolution,
            r.resolved_at.0.is_some() || r.closed_at.0.is_some(),
            stopped,
        ),
    )
}

// ---------------------------------------------------------------------------------------
// The queue.

struct QueueRowView {
    tracking: String,
    /// Other teams' ticket numbers on the case, e.g. `JPCERT#12345`.
    tickets: String,
    type_label: String,
    reporter: String,
    state: String,
    state_label: String,
    priority: String,
    priority_label: String,
    assignee: String,
    reported_at: String,
    sla_first: SlaView,
    sla_resolution: SlaView,
}

#[derive(Template)]
#[template(path = "desk_queue.html")]
struct QueuePage {
    page: Page,
    q: QueueQuery,
    states: Options,
    types: Options,
    counts: Vec<(String, String, i64)>,
    /// What needs action now on each desk the reader may work: (desk label, what, count,
    /// link).
    needs_action: Vec<(String, String, usize, &'static str)>,
    rows: Vec<QueueRowView>,
    errors: Errors,
    /// On a page reached by cursor: the first page (a cursor leads forward only).
    first_href: String,
    /// The next page by cursor, when there may be one.
    next_href: String,
}

impl QueuePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
    /// The message id of a filter's label.
    fn field_label(&self, field: &str) -> &'static str {
        match field {
            "state" => "field-state",
            "incident_type" => "field-incident-type",
            "assignee" => "field-assignee",
            "after" => "desk-filter-after",
            _ => "desk-older-than",
        }
    }
}

/// Staff users by id, for names.
pub(super) async fn staff(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<tocsin_storage::User>, AppError> {
    let mut users = service::list_users(state, who, ctx).await?;
    users.retain(|u| tocsin_domain::policy::is_desk(Some(&principal_of(u))));
    Ok(users)
}

pub(super) async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> Response {
    if let Err(e) = staff_only(&state, &who, &ctx).await {
        return e.into_response();
    }
    let tr = ctx.tr();
    let result = async {
        let sq = q.clone();
        svc::queue(&state, &who, &ctx, &sq).await
    }
    .await;
    let (rows, counts, next, tickets, errors, status) = match result {
        Ok(page) => (
            page.rows,
            page.counts,
            page.next,
            page.tickets,
            vec![],
            StatusCode::OK,
        ),
        Err(AppError::Validation(e)) => (
            vec![],
            vec![],
            None,
            Default::default(),
            field_errors(&ctx, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return e.into_response(),
    };
    let users = match staff(&state, &who, &ctx).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let names: HashMap<uuid::Uuid, String> = users
        .iter()
        .map(|u| (u.id.uuid(), u.name.clone()))
        .collect();
    let mut states: Options = vec![
        ("open".into(), tr.t("desk-state-open")),
        ("all".into(), tr.t("desk-state-all")),
    ];
    states.extend(options(ReportState::ALL, |s| s.as_str(), &tr, "state-"));
    let counts = ReportState::ALL
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map_or(0, |(_, n)| *n);
            (s.as_str().to_string(), tr.t2("state-", s.as_str()), n)
        })
        .collect();
    let needs_action = match tocsin_app::service::home::needs_action(&state, &who, &ctx).await {
        Ok(n) => n
            .into_iter()
            .map(|n| {
                (
                    tr.t2("staffhome-desk-", n.desk),
                    tr.t2("staffhome-", n.what),
                    n.count,
                    n.link,
                )
            })
            .collect(),
        Err(e) => return e.into_response(),
    };
    let rows = rows
        .into_iter()
        .map(|row| {
            let r = row.report;
            let (sla_first, sla_resolution) =
                timers(&state, &tr, &r, &row.sla_first, &row.sla_resolution);
            QueueRowView {
                type_label: type_label(&tr, &r.category),
                reporter: r.reporter_name.clone(),
                state: r.state.as_str().to_string(),
                state_label: tr.t2("state-", r.state.as_str()),
                priority: r.priority.as_str().to_string(),
                priority_label: tr.t2("priority-", r.priority.as_str()),
                assignee: r
                    .assignee_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_default(),
                reported_at: when(&state, &tr, r.reported_at),
                sla_first,
                sla_resolution,
                tickets: super::kit::tickets(&tickets, r.id),
                tracking: r.tracking_id,
            }
        })
        .collect();
    // The next page by cursor (it costs what the first does); from a page reached by
    // cursor, the first page with the same filters.
    let wire: crate::api::wire::QueueQuery = q.clone().into();
    let first_href = if q.after.trim().is_empty() {
        String::new()
    } else {
        match wire.filters_query() {
            f if f.is_empty() => "/desk".to_string(),
            f => format!("/desk?{f}"),
        }
    };
    let next_href = next
        .map(|c| format!("/desk?{}", wire.next_query(&c)))
        .unwrap_or_default();
    render(
        status,
        &QueuePage {
            page: Page::new(&state, &ctx, &who, "/desk"),
            q,
            states,
            types: IncidentType::ALL
                .iter()
                .map(|t| (t.as_str().to_string(), t.label(tr.locale).to_string()))
                .collect(),
            counts,
            needs_action,
            rows,
            errors,
            first_href,
            next_href,
        },
    )
}

// ---------------------------------------------------------------------------------------
// One report.

struct TaskView {
    id: String,
    title: String,
    state: String,
    state_label: String,
    next: Options,
}

struct SurveyView {
    sent_at: String,
    answered_at: Option<String>,
    scores: Vec<(String, String)>,
    comment: String,
}

#[derive(Template)]
#[template(path = "desk_report.html")]
struct ReportPage {
    page: Page,
    tracking: String,
    state: String,
    state_label: String,
    type_label: String,
    reporter_name: String,
    reporter_email: String,
    reporter_phone: String,
    reported_at: String,
    discovered_at: String,
    description: String,
    needs_support: bool,
    support_requested: String,
    affected_assets: String,
    follows_up: String,
    duplicate_of: String,
    closing: Vec<(String, String)>,
    rsit_label: String,
    priority_label: String,
    assignee_label: String,
    rsit_groups: Vec<(String, Options)>,
    priorities: Options,
    staff: Options,
    next_states: Options,
    reasons: Options,
    resolutions: Options,
    outcomes: Options,
    tasks: Vec<TaskView>,
    assistance: Vec<EventView>,
    events: Vec<EventView>,
    files: Vec<FileView>,
    sla_first: SlaView,
    sla_resolution: SlaView,
    survey: Option<SurveyView>,
    /// An incident report, which the desk may turn into an intel draft.
    is_incident: bool,
    /// The assistance referral panel, for an incident whose reporter asked for support.
    referral: Option<super::referral::DeskPanel>,
    failed_form: String,
    errors: Errors,
    values: HashMap<String, String>,
}

impl ReportPage {
    /// Whether the form of task `id` was the one refused.
    fn task_failed(&self, id: &str) -> bool {
        self.failed_form.strip_prefix("task-") == Some(id) && !self.errors.is_empty()
    }
}

impl PageForms for ReportPage {
    fn failed_form(&self) -> &str {
        &self.failed_form
    }
    fn form_errors(&self) -> &Errors {
        &self.errors
    }
    fn form_values(&self) -> &HashMap<String, String> {
        &self.values
    }
}

async fn report_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    failed: Failed,
    status: StatusCode,
) -> Response {
    let result = async {
        staff_only(state, who, ctx).await?;
        let v = svc::view(state, who, ctx, tracking, None, false).await?;
        let users = staff(state, who, ctx).await?;
        Ok::<_, AppError>((v, users))
    }
    .await;
    let (v, users) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    // A vulnerability report is handled on the coordinators' page.
    if v.report.kind == tocsin_domain::ReportKind::Vulnerability {
        return see_other(&format!("/desk/vulnerabilities/{}", v.report.tracking_id));
    }
    let tr = ctx.tr();
    let r = &v.report;
    let t = r.tracking_id.clone();
    let referral = if r.kind == tocsin_domain::ReportKind::Incident && v.incident.needs_support {
        // A refused offer comes back with what was typed.
        let typed = (failed.form == "referral").then(|| {
            let get = |k: &str| {
                failed
                    .values
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            tocsin_domain::referral::OfferInput {
                sector: get("sector"),
                incident_type: get("incident_type"),
                company_size: get("company_size"),
                region: get("region"),
                summary: get("summary"),
            }
        });
        match super::referral::desk_panel(state, who, ctx, &tr, r, typed).await {
            Ok(p) => Some(p),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let rsit_key = format!("{}/{}", r.rsit_class, r.rsit_type);
    let assignee = r.assignee_id.map(|a| a.to_string()).unwrap_or_default();
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("classify.rsit".into(), rsit_key.clone());
    values.insert("classify.priority".into(), r.priority.as_str().into());
    values.insert("assign.assignee_id".into(), assignee.clone());
    for (k, val) in &failed.values {
        values.insert(format!("{}.{k}", failed.form), val.clone());
    }
    let (sla_first, sla_resolution) = timers(state, &tr, r, &v.sla_first, &v.sla_resolution);
    let closing = [
        (
            "field-rejection-reason",
            label(&tr, "reason-", &r.rejection_reason),
        ),
        ("field-resolution", label(&tr, "resolution-", &r.resolution)),
        ("field-outcome", label(&tr, "outcome-", &r.outcome)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (tr.t(k), v))
    .collect();
    let tasks = v
        .tasks
        .iter()
        .map(|task| TaskView {
            id: task.id.to_string(),
            title: match tr.locale {
                tocsin_domain::Locale::ZhTw => task.title_zh.clone(),
                tocsin_domain::Locale::En => task.title_en.clone(),
            },
            state: task.state.as_str().to_string(),
            state_label: tr.t2("task-", task.state.as_str()),
            next: task
                .state
                .allowed_next()
                .into_iter()
                .map(|s| (s.as_str().to_string(), tr.t2("task-", s.as_str())))
                .collect(),
        })
        .collect();
    let survey = v.survey.as_ref().map(|s| SurveyView {
        sent_at: when(state, &tr, s.sent_at),
        answered_at: s.answered_at.0.map(|a| when(state, &tr, a)),
        scores: [
            ("survey-speed", s.speed),
            ("survey-helpfulness", s.helpfulness),
            ("survey-communication", s.communication),
            ("survey-overall", s.overall),
        ]
        .into_iter()
        .map(|(k, n)| (tr.t(k), n.map(|n| n.to_string()).unwrap_or_default()))
        .collect(),
        comment: s.comment.clone(),
    });
    let page = ReportPage {
        page: Page::new(state, ctx, who, &format!("/desk/reports/{t}")),
        state: r.state.as_str().to_string(),
        state_label: tr.t2("state-", r.state.as_str()),
        type_label: type_label(&tr, &r.category),
        reporter_name: r.reporter_name.clone(),
        reporter_email: r.reporter_email.clone(),
        reporter_phone: r.reporter_phone.clone(),
        reported_at: when(state, &tr, r.reported_at),
        discovered_at: tr.wall_clock(&v.incident.discovered_at, &v.incident.time_zone),
        description: v.incident.description.clone(),
        needs_support: v.incident.needs_support,
        support_requested: v.incident.support_requested.clone(),
        affected_assets: v.incident.affected_assets.clone(),
        follows_up: r.follows_up.clone(),
        duplicate_of: r.duplicate_of.clone(),
        closing,
        rsit_label: rsit::RsitType::from_key(&rsit_key)
            .map(|x| format!("{} ({})", x.label(tr.locale), x.key()))
            .unwrap_or(rsit_key),
        priority_label: tr.t2("priority-", r.priority.as_str()),
        assignee_label: users
            .iter()
            .find(|u| u.id.to_string() == assignee)
            .map(|u| format!("{} <{}>", u.name, u.email))
            .unwrap_or_else(|| tr.t("unassigned")),
        rsit_groups: RsitClass::ALL
            .iter()
            .map(|c| {
                (
                    c.label(tr.locale).to_string(),
                    c.types()
                        .map(|x| (x.key(), format!("{} ({})", x.label(tr.locale), x.id)))
                        .collect(),
                )
            })
            .collect(),
        priorities: options(Priority::ALL, |p| p.as_str(), &tr, "priority-"),
        staff: users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.id.to_string(), format!("{} <{}>", u.name, u.email)))
            .collect(),
        next_states: r
            .state
            .allowed_next()
            .into_iter()
            .map(|s| (s.as_str().to_string(), tr.t2("state-", s.as_str())))
            .collect(),
        reasons: options(RejectionReason::ALL, |x| x.as_str(), &tr, "reason-"),
        resolutions: options(Resolution::ALL, |x| x.as_str(), &tr, "resolution-"),
        outcomes: options(Outcome::ALL, |x| x.as_str(), &tr, "outcome-"),
        tasks,
        assistance: v
            .events
            .iter()
            .filter(|e| e.event == "assistance")
            .map(|e| event_view(state, &tr, e, true))
            .collect(),
        events: v
            .events
            .iter()
            .map(|e| event_view(state, &tr, e, true))
            .collect(),
        files: file_views(&v.attachments, &format!("/desk/reports/{t}/files/"), ""),
        sla_first,
        sla_resolution,
        survey,
        is_incident: r.kind == tocsin_domain::ReportKind::Incident,
        referral,
        failed_form: failed.form,
        errors: failed.errors,
        values,
        tracking: t,
    };
    render(status, &page)
}

pub(super) async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    report_view(
        &state,
        &ctx,
        &who,
        &tracking,
        Failed::default(),
        StatusCode::OK,
    )
    .await
}

/// After a desk form: back to the report (303), or the page again with the messages
/// next to the refused form (422).
async fn after(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    form: &str,
    result: Result<(), AppError>,
    values: Vec<(&'static str, String)>,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/desk/reports/{}#{form}", canonical(tracking))),
        Err(AppError::Validation(e)) => {
            let failed = Failed {
                form: form.to_string(),
                errors: field_errors(ctx, &e),
                values,
            };
            report_view(
                state,
                ctx,
                who,
                tracking,
                failed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// The report page again after a refused referral offer, with what was typed.
pub(super) async fn referral_refused(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    typed: tocsin_domain::referral::OfferInput,
    errors: Errors,
) -> Response {
    let failed = Failed {
        form: "referral".into(),
        errors,
        values: vec![
            ("sector", typed.sector),
            ("incident_type", typed.incident_type),
            ("company_size", typed.company_size),
            ("region", typed.region),
            ("summary", typed.summary),
        ],
    };
    report_view(
        state,
        ctx,
        who,
        tracking,
        failed,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub(super) async fn classify(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<ClassifyInput>,
) -> Response {
    let result = svc::classify(&state, &who, &ctx, &tracking, &f).await;
    let values = vec![("rsit", f.rsit), ("priority", f.priority)];
    after(&state, &ctx, &who, &tracking, "classify", result, values).await
}

pub(super) async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<AssignInput>,
) -> Response {
    let result = svc::assign(&state, &who, &ctx, &tracking, &f).await;
    let values = vec![("assignee_id", f.assignee_id)];
    after(&state, &ctx, &who, &tracking, "assign", result, values).await
}

pub(super) async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<TransitionRequest>,
) -> Response {
    let result = svc::transition(&state, &who, &ctx, &tracking, &f)
        .await
        .map(|_| ());
    let values = vec![
        ("to", f.to),
        ("rejection_reason", f.rejection_reason),
        ("duplicate_of", f.duplicate_of),
        ("resolution", f.resolution),
        ("outcome", f.outcome),
        ("message", f.message),
    ];
    after(&state, &ctx, &who, &tracking, "transition", result, values).await
}

pub(super) async fn note(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<TextInput>,
) -> Response {
    let result = svc::add_note(&state, &who, &ctx, &tracking, &f.body).await;
    after(
        &state,
        &ctx,
        &who,
        &tracking,
        "note",
        result,
        vec![("body", f.body)],
    )
    .await
}

pub(super) async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<TextInput>,
) -> Response {
    let result = svc::send_message(&state, &who, &ctx, &tracking, &f.body).await;
    after(
        &state,
        &ctx,
        &who,
        &tracking,
        "message",
        result,
        vec![("body", f.body)],
    )
    .await
}

pub(super) async fn assistance(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<TextInput>,
) -> Response {
    let result = svc::add_assistance(&state, &who, &ctx, &tracking, &f.body).await;
    after(
        &state,
        &ctx,
        &who,
        &tracking,
        "assistance",
        result,
        vec![("body", f.body)],
    )
    .await
}

/// The task form: the new state.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TaskForm {
    state: String,
}

pub(super) async fn task(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, task_id)): Path<(String, String)>,
    Form(f): Form<TaskForm>,
) -> Response {
    let result = svc::set_task(&state, &who, &ctx, &tracking, &task_id, &f.state).await;
    let form = format!("task-{task_id}");
    match result {
        // Only a task id of this report gets this far, so it is safe in the fragment.
        Ok(()) => see_other(&format!("/desk/reports/{}#{form}", canonical(&tracking))),
        Err(e) => {
            after(
                &state,
                &ctx,
                &who,
                &tracking,
                &form,
                Err(e),
                vec![("state", f.state)],
            )
            .await
        }
    }
}

pub(super) async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
) -> Response {
    let result = async {
        staff_only(&state, &who, &ctx).await?;
        svc::attachment(&state, &who, &ctx, &tracking, None, &id).await
    }
    .await;
    match result {
        Ok(row) => download(row),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The satisfaction survey.

/// What the survey page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SurveyState {
    /// The form.
    Open,
    /// Just answered.
    Thanks,
    /// Answered before.
    Answered,
    /// No such link.
    Unknown,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    page: Page,
    token: String,
    tracking: String,
    show: SurveyState,
    questions: Vec<(&'static str, String)>,
    form: SurveyInput,
    errors: Errors,
}

impl SurveyPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
    fn is(&self, s: SurveyState) -> bool {
        self.show == s
    }
    /// Whether score `n` of question `field` is the chosen one.
    fn chosen(&self, field: &str, n: &u8) -> bool {
        let v = match field {
            "speed" => &self.form.speed,
            "helpfulness" => &self.form.helpfulness,
            "communication" => &self.form.communication,
            "overall" => &self.form.overall,
            _ => return false,
        };
        v.trim() == n.to_string()
    }
}

/// `done=1` after a successful answer.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SurveyQuery {
    done: String,
}

fn survey_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    token: &str,
    tracking: String,
    show: SurveyState,
    filled: Option<(SurveyInput, Errors)>,
) -> Response {
    let tr = ctx.tr();
    let (form, errors) = filled.unwrap_or_default();
    let status = match show {
        SurveyState::Open | SurveyState::Thanks => StatusCode::OK,
        SurveyState::Answered => StatusCode::GONE,
        SurveyState::Unknown => StatusCode::NOT_FOUND,
    };
    let status = if errors.is_empty() {
        status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let questions = ["speed", "helpfulness", "communication", "overall"]
        .into_iter()
        .map(|q| (q, tr.t2("survey-", q)))
        .collect();
    render(
        status,
        &SurveyPage {
            // The language switch may come back to the survey.
            page: Page::new(state, ctx, who, &format!("/survey/{token}")),
            token: token.to_string(),
            tracking,
            show,
            questions,
            form,
            errors,
        },
    )
}

pub(super) async fn survey(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(token): Path<String>,
    Query(q): Query<SurveyQuery>,
) -> Response {
    let (show, tracking) = match svc::survey(&state, &token).await {
        Ok((s, t)) if s.answered_at.0.is_none() => (SurveyState::Open, t),
        Ok((_, t)) if q.done == "1" => (SurveyState::Thanks, t),
        Ok((_, t)) => (SurveyState::Answered, t),
        Err(AppError::NotFound) => (SurveyState::Unknown, String::new()),
        Err(e) => return e.into_response(),
    };
    survey_page(&state, &ctx, &who, &token, tracking, show, None)
}

pub(super) async fn survey_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(token): Path<String>,
    Form(f): Form<SurveyInput>,
) -> Response {
    let tracking = match svc::survey(&state, &token).await {
        Ok((s, t)) if s.answered_at.0.is_none() => t,
        Ok((_, t)) => {
            return survey_page(&state, &ctx, &who, &token, t, SurveyState::Answered, None);
        }
        Err(AppError::NotFound) => {
            return survey_page(
                &state,
                &ctx,
                &who,
                &token,
                String::new(),
                SurveyState::Unknown,
                None,
            );
        }
        Err(e) => return e.into_response(),
    };
    match svc::answer_survey(&state, &ctx, &token, &f).await {
        Ok(()) => see_other(&format!("/survey/{}?done=1", super::kit::pct(&token))),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            survey_page(
                &state,
                &ctx,
                &who,
                &token,
                tracking,
                SurveyState::Open,
                Some((f, errors)),
            )
        }
        // Answered meanwhile by another request.
        Err(AppError::NotFound) => survey_page(
            &state,
            &ctx,
            &who,
            &token,
            tracking,
            SurveyState::Answered,
            None,
        ),
        Err(e) => e.into_response(),
    }
}

/// One month of survey results, formatted.
struct MonthView {
    month: String,
    answers: i64,
    averages: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_surveys.html")]
struct SurveysPage {
    page: Page,
    months: Vec<MonthView>,
}

/// Monthly survey results, for admins. The policy has no resource for survey results yet;
/// the admin pages' own question, "may create organizations", stands for "is an admin"
/// here as on the organizations page.
pub(super) async fn admin_surveys(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    match svc::survey_results(&state, &who, &ctx).await {
        Ok(months) => render(
            StatusCode::OK,
            &SurveysPage {
                page: Page::new(&state, &ctx, &who, "/admin/surveys"),
                months: months
                    .into_iter()
                    .rev()
                    .map(|m| MonthView {
                        month: m.month,
                        answers: m.answers,
                        averages: [m.speed, m.helpfulness, m.communication, m.overall]
                            .iter()
                            .map(|a| format!("{a:.2}"))
                            .collect(),
                    })
                    .collect(),
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// `POST /desk/reports/{tracking}/referral`: the desk's offer.
pub(super) async fn offer(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<OfferForm>,
) -> Response {
    let input: tocsin_domain::referral::OfferInput = f.into();
    match tocsin_app::service::referral::offer(&state, &who, &ctx, &tracking, &input).await {
        Ok(_) => see_other(&format!(
            "/desk/reports/{}#referral",
            super::kit::canonical(&tracking)
        )),
        Err(AppError::Validation(e)) => {
            super::desk::referral_refused(
                &state,
                &ctx,
                &who,
                &tracking,
                input,
                field_errors(&ctx, &e),
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

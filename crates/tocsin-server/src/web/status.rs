//! The status page of a report (what the desk shared, the coordination state, the URL
//! cases, the referral panel, a form to add information and files) and its downloads,
//! reached by the private status link or signed in.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::{ReportKind, TrackingNumber};

use super::kit::{
    Errors, FileView, download, field_errors, file_views, find, limits_hint, pct, read_multipart,
    when,
};
use super::labels::{EventView, event_view, type_label};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::reports as svc;

#[derive(Template)]
#[template(path = "status.html")]
pub(super) struct StatusPage {
    page: Page,
    tracking: String,
    token: String,
    state: String,
    state_label: String,
    type_label: String,
    reported_at: String,
    discovered_at: String,
    description: String,
    events: Vec<EventView>,
    files: Vec<FileView>,
    limits: String,
    body: String,
    errors: Errors,
    /// The report on the desk, for staff (else empty).
    desk_href: String,
    /// The reader may add to the reporter's thread (not a notified vendor).
    may_append: bool,
    /// A phishing report's own fields and URL cases (None for other kinds).
    phishing: Option<super::phishing::StatusDetails>,
    /// A vulnerability report's own fields and coordination state (None for other kinds).
    vuln: Option<super::vuln::StatusDetails>,
    /// The assistance referral panel, for an incident that asked for support.
    referral: Option<super::referral::StatusPanel>,
    /// The add-information form's idempotency key (fresh each rendering).
    idem_key: String,
}

impl StatusPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

/// The query of the status page and its files.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenQuery {
    token: String,
}

pub(super) fn opt(token: &str) -> Option<&str> {
    (!token.is_empty()).then_some(token)
}

pub(super) async fn status_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    token: &str,
    draft: (String, Errors),
    status: StatusCode,
) -> Response {
    let v = match svc::view(state, who, ctx, tracking, opt(token), true).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let t = v.report.tracking_id.clone();
    let query = if token.is_empty() {
        String::new()
    } else {
        format!("?token={}", pct(token))
    };
    // The language switch comes back here, token included (same-origin only).
    let path = format!("/status/{t}{query}");
    let (body, errors) = draft;
    let phishing = if v.report.kind == ReportKind::Phishing {
        match super::phishing::status_details(state, &tr, &v, svc::is_desk(who)).await {
            Ok(p) => Some(p),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let vuln = if v.report.kind == ReportKind::Vulnerability {
        match super::vuln::status_details(state, &tr, &v).await {
            Ok(d) => Some(d),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let referral = match super::referral::status_panel(
        state,
        &tr,
        &v.report,
        v.incident.needs_support,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    // A phishing report's cases link to the desk instead, one per URL.
    let desk_href = match (svc::is_desk(who), v.report.kind) {
        (false, _) | (true, ReportKind::Phishing) => String::new(),
        (true, ReportKind::Vulnerability) => format!("/desk/vulnerabilities/{t}"),
        (true, ReportKind::Incident) => format!("/desk/reports/{t}"),
    };
    let page = StatusPage {
        page: Page::new(state, ctx, who, &path),
        files: file_views(&v.attachments, &format!("/status/{t}/files/"), &query),
        events: v
            .events
            .iter()
            .map(|e| event_view(state, &tr, e, false))
            .collect(),
        token: token.to_string(),
        state: v.report.state.as_str().to_string(),
        state_label: tr.t2("state-", v.report.state.as_str()),
        type_label: type_label(&tr, &v.report.category),
        reported_at: when(state, &tr, v.report.reported_at),
        discovered_at: tr.wall_clock(&v.incident.discovered_at, &v.incident.time_zone),
        description: v.incident.description.clone(),
        limits: limits_hint(state, &tr),
        body,
        errors,
        desk_href,
        may_append: v.audience.cut().append,
        phishing,
        vuln,
        referral,
        idem_key: super::kit::form_key(),
        tracking: t,
    };
    render(status, &page)
}

#[derive(Template)]
#[template(path = "report_need_link.html")]
pub(super) struct NeedLinkPage {
    page: Page,
}

pub(super) async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    // The desk's update mails link here without the token (only its hash is stored): tell
    // a reporter without an account which link to open.
    if q.token.is_empty() && who.user().is_none() {
        return render(
            StatusCode::UNAUTHORIZED,
            &NeedLinkPage {
                page: Page::new(&state, &ctx, &who, &format!("/status/{}", pct(&tracking))),
            },
        );
    }
    status_view(
        &state,
        &ctx,
        &who,
        &tracking,
        &q.token,
        (String::new(), vec![]),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn status_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut ctx = ctx;
    super::kit::take_form_key(&mut ctx, &f);
    let token = f.get("token");
    let body = f.get("body");
    match svc::reporter_append(&state, &who, &ctx, &tracking, opt(&token), &body, f.files).await {
        Ok(()) => {
            let t = tracking
                .parse::<TrackingNumber>()
                .map(|t| t.to_string())
                .unwrap_or(tracking);
            if token.is_empty() {
                see_other(&format!("/status/{t}"))
            } else {
                see_other(&format!("/status/{t}?token={}", pct(&token)))
            }
        }
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            status_view(
                &state,
                &ctx,
                &who,
                &tracking,
                &token,
                (body, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn status_file(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
    Query(q): Query<TokenQuery>,
) -> Response {
    match svc::attachment(&state, &who, &ctx, &tracking, opt(&q.token), &id).await {
        Ok(row) => download(row),
        Err(e) => e.into_response(),
    }
}

/// The reporter's referral forms.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct StatusForm {
    token: String,
    /// consent, choose or rate.
    action: String,
    org_id: String,
    rating: String,
    comment: String,
}

/// `POST /status/{tracking}/referral`: consent, choose or rate.
pub(super) async fn status_action(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<StatusForm>,
) -> Response {
    let token = (!f.token.is_empty()).then_some(f.token.as_str());
    let result = match f.action.as_str() {
        "consent" => tocsin_app::service::referral::consent(&state, &who, &ctx, &tracking, token)
            .await
            .map(|_| ()),
        "choose" => {
            tocsin_app::service::referral::choose(&state, &who, &ctx, &tracking, token, &f.org_id)
                .await
        }
        "rate" => {
            tocsin_app::service::referral::rate(
                &state, &who, &ctx, &tracking, token, &f.rating, &f.comment,
            )
            .await
        }
        _ => Err(AppError::field("referral", "error-choice")),
    };
    match result {
        Ok(()) => {
            let t = super::kit::canonical(&tracking);
            let query = token
                .map(|t| format!("?token={}", pct(t)))
                .unwrap_or_default();
            see_other(&format!("/status/{t}{query}#referral"))
        }
        Err(AppError::Validation(e)) => {
            status_view(
                &state,
                &ctx,
                &who,
                &tracking,
                &f.token,
                (String::new(), field_errors(&ctx, &e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

//! `/api/v1/reports`: intake of incident reports, the reporter's view by status token,
//! and the desk's handling.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tocsin_domain::IncidentInput;
use tocsin_storage::Report;
use utoipa::{IntoParams, ToSchema};

use super::wire::{AssignInput, ClassifyInput, QueueQuery, Receipt, TextInput, TransitionRequest};
use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::HttpError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::reports::{self as desk};

/// A file sent inline with a report.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ApiAttachment {
    /// File name.
    pub filename: String,
    /// Declared media type.
    pub content_type: String,
    /// The bytes, standard base64.
    pub content_base64: String,
}

/// An incident report (資安事件通報), with the seed's fields.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct IncidentRequest {
    /// 單位名稱或通報者: company name or person.
    pub reporter_name: String,
    /// 聯絡電話.
    pub phone: String,
    /// 聯絡E-mail.
    pub email: String,
    /// 事件發現時間: `YYYY-MM-DDTHH:MM` in `time_zone`, or RFC 3339 with an offset.
    pub discovered_at: String,
    /// IANA time zone of `discovered_at` (default Asia/Taipei).
    pub time_zone: String,
    /// 事件類型: web_attack, intrusion or early_warning.
    pub incident_type: String,
    /// 事件狀況描述.
    pub description: String,
    /// 是否需支援.
    pub needs_support: Option<bool>,
    /// 期望支援內容: required when support is needed.
    pub support_requested: String,
    /// Affected systems or addresses.
    pub affected_assets: String,
    /// The tracking number this follows up, if any.
    pub follows_up: String,
    /// Logs, screenshots (count and size limits from configuration).
    pub attachments: Vec<ApiAttachment>,
}

/// Files an incident report. Answers the tracking number and the private status link.
#[utoipa::path(post, path = "/api/v1/reports/incident", operation_id = "createIncidentReport", tag = "reports", request_body = IncidentRequest,
    responses((status = 201, body = Receipt), (status = 400, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<Receipt>), HttpError> {
    let body: super::ReportBody<IncidentInput> = super::report_body(body)?;
    let receipt = desk::submit_incident(&state, &who, &ctx, &body.input, body.files).await?;
    Ok((StatusCode::CREATED, Json(receipt.into())))
}

/// A report in lists.
#[derive(Serialize, ToSchema)]
pub struct ReportSummary {
    /// Tracking number.
    pub tracking_id: String,
    /// State.
    pub state: String,
    /// Incident type.
    pub incident_type: String,
    /// Priority.
    pub priority: String,
    /// Reporter.
    pub reporter_name: String,
    /// Assigned analyst's id.
    pub assignee_id: Option<String>,
    /// RSIT `class/type`.
    pub rsit: String,
    /// Filed at (RFC 3339).
    pub reported_at: String,
    /// First-response deadline.
    pub first_response_due: String,
    /// Resolution deadline.
    pub resolution_due: String,
    /// Whether an SLA timer is breached.
    pub sla_breached: bool,
}

fn summary(state: &AppState, r: &Report) -> ReportSummary {
    let (first, resolution) = desk::sla_of(state, r, state.now());
    ReportSummary {
        tracking_id: r.tracking_id.clone(),
        state: r.state.as_str().to_string(),
        incident_type: r.category.clone(),
        priority: r.priority.as_str().to_string(),
        reporter_name: r.reporter_name.clone(),
        assignee_id: r.assignee_id.map(|u| u.to_string()),
        rsit: format!("{}/{}", r.rsit_class, r.rsit_type),
        reported_at: r.reported_at.rfc3339(),
        first_response_due: first.due.rfc3339(),
        resolution_due: resolution.due.rfc3339(),
        sla_breached: first.breached || resolution.breached,
    }
}

/// The queue (staff: every report; others: their own and their organization's), one
/// page at a time. When there may be a next page, the `Link` header names it
/// (`rel="next"`, with an opaque `after` cursor): such a page costs what the first does,
/// and reports added meanwhile are neither skipped nor repeated.
#[utoipa::path(get, path = "/api/v1/reports", operation_id = "listReports", tag = "reports", params(QueueQuery),
    responses((status = 200, body = [ReportSummary], headers(("Link" = String, description = "The next page: `</api/v1/reports?…&after=…>; rel=\"next\"`, when there may be one"))),
        (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, HttpError> {
    let page = desk::queue(&state, &who, &ctx, &q.clone().into()).await?;
    let body: Vec<ReportSummary> = page
        .rows
        .iter()
        .map(|r| summary(&state, &r.report))
        .collect();
    let mut res = Json(body).into_response();
    if let Some(next) = page.next
        && let Ok(v) = header::HeaderValue::from_str(&format!(
            "</api/v1/reports?{}>; rel=\"next\"",
            q.next_query(&next)
        ))
    {
        res.headers_mut().insert(header::LINK, v);
    }
    Ok(res)
}

/// The status-link token, for reporters without an account.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TokenParam {
    /// The token of the private status link.
    pub token: Option<String>,
}

/// One history entry.
#[derive(Serialize, ToSchema)]
pub struct EventView {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What: received, state, note, message, reporter_info, assigned, classified, task, assistance.
    pub event: String,
    /// internal or reporter.
    pub visibility: String,
    /// Text.
    pub body: String,
    /// Structured detail (JSON text).
    pub data: String,
}

/// A report as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct ReportDetail {
    /// Summary fields.
    #[serde(flatten)]
    pub summary: ReportSummary,
    /// 事件發現時間 with the reporter's offset.
    pub discovered_at: String,
    /// Description.
    pub description: String,
    /// Whether support was asked for.
    pub needs_support: bool,
    /// What support.
    pub support_requested: String,
    /// Affected systems.
    pub affected_assets: String,
    /// History visible to the caller.
    pub events: Vec<EventView>,
}

/// One report: with `?token=` for the reporter, or as a signed-in user the policy allows.
#[utoipa::path(get, path = "/api/v1/reports/{tracking}", operation_id = "getReport", tag = "reports",
    params(("tracking" = String, Path, description = "Tracking number"), TokenParam),
    responses((status = 200, body = ReportDetail), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security((), ("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Query(t): Query<TokenParam>,
) -> Result<Json<ReportDetail>, HttpError> {
    let token = t.token.as_deref().filter(|t| !t.is_empty());
    let v = desk::view(&state, &who, &ctx, &tracking, token, token.is_some()).await?;
    Ok(Json(ReportDetail {
        summary: summary(&state, &v.report),
        discovered_at: v.incident.discovered_at.clone(),
        description: v.incident.description.clone(),
        needs_support: v.incident.needs_support,
        support_requested: v.incident.support_requested.clone(),
        affected_assets: v.incident.affected_assets.clone(),
        events: v
            .events
            .iter()
            .map(|e| EventView {
                at: e.at.rfc3339(),
                actor: e.actor.clone(),
                event: e.event.clone(),
                visibility: match e.visibility {
                    tocsin_storage::Visibility::Internal => "internal".into(),
                    tocsin_storage::Visibility::Reporter => "reporter".into(),
                },
                body: e.body.clone(),
                data: e.data.clone(),
            })
            .collect(),
    }))
}

/// Moves a report through the handling SOP (staff). Illegal transitions answer 422.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/transition", operation_id = "transitionReport", tag = "reports", request_body = TransitionRequest,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = ReportSummary), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(req): ApiJson<TransitionRequest>,
) -> Result<Json<ReportSummary>, HttpError> {
    let r = desk::transition(&state, &who, &ctx, &tracking, &req.into()).await?;
    Ok(Json(summary(&state, &r)))
}

/// An internal note (staff).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/notes", operation_id = "addReportNote", tag = "reports", request_body = TextInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn note(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(t): ApiJson<TextInput>,
) -> Result<StatusCode, HttpError> {
    desk::add_note(&state, &who, &ctx, &tracking, &t.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A message to the reporter, mailed and shown on the status page (staff).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/messages", operation_id = "addReportMessage", tag = "reports", request_body = TextInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(t): ApiJson<TextInput>,
) -> Result<StatusCode, HttpError> {
    desk::send_message(&state, &who, &ctx, &tracking, &t.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reporter adds information (with `?token=`, or signed in).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/info", operation_id = "addReportInfo", tag = "reports", request_body = TextInput,
    params(("tracking" = String, Path, description = "Tracking number"), TokenParam),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security((), ("bearer" = [])))]
pub async fn info(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Query(tp): Query<TokenParam>,
    ApiJson(t): ApiJson<TextInput>,
) -> Result<StatusCode, HttpError> {
    desk::reporter_append(
        &state,
        &who,
        &ctx,
        &tracking,
        tp.token.as_deref(),
        &t.body,
        Vec::new(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assigns an analyst (staff).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/assign", operation_id = "assignReport", tag = "reports", request_body = AssignInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(a): ApiJson<AssignInput>,
) -> Result<StatusCode, HttpError> {
    desk::assign(&state, &who, &ctx, &tracking, &a.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the RSIT classification and priority (staff).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/classify", operation_id = "classifyReport", tag = "reports", request_body = ClassifyInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn classify(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(c): ApiJson<ClassifyInput>,
) -> Result<StatusCode, HttpError> {
    desk::classify(&state, &who, &ctx, &tracking, &c.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

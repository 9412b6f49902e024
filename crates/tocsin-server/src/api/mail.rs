//! `/api/v1/mail/inbound`: the mailgate hands over messages here (one raw RFC 5322 message
//! per request); the desk lists what came in and reads the evidence.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tocsin_storage::{InboundDelivery, InboundMail};
use utoipa::{IntoParams, ToSchema};

use super::ApiErrorBody;
use super::wire::IntakeOutcome;
use crate::auth::CurrentUser;
use crate::error::HttpError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::mail_intake::{self as intake, Envelope};

/// What the MTA knows about the message.
#[derive(Deserialize, IntoParams)]
#[serde(default)]
#[derive(Default)]
#[into_params(parameter_in = Query)]
pub struct EnvelopeParams {
    /// The SMTP envelope sender (`MAIL FROM`); empty for a bounce. Leave out if unknown.
    pub sender: Option<String>,
    /// The address the message was delivered to.
    pub recipient: Option<String>,
    /// incident, vulnerability, phishing or intel: the desk to route it to, whatever the
    /// address (the mailgate's `--queue`).
    pub queue: Option<String>,
}

/// Hands over one message (the body, as it came: `message/rfc822`). 201 when stored now,
/// 200 when the same message had been handed over before; 422 when refused (too large,
/// too many parts, too deep, not a message), with the reason.
#[utoipa::path(post, path = "/api/v1/mail/inbound", operation_id = "receiveInboundMail", tag = "mail", params(EnvelopeParams),
    request_body(content = String, content_type = "text/plain", description = "The message as it came (the mailgate sends it as message/rfc822; any content type is read as the raw message)."),
    responses((status = 201, body = IntakeOutcome), (status = 200, body = IntakeOutcome), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<EnvelopeParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<IntakeOutcome>), HttpError> {
    let envelope = Envelope {
        sender: q.sender,
        recipient: q.recipient.filter(|r| !r.trim().is_empty()),
        queue: q.queue,
    };
    let out = intake::receive(&state, &who, &ctx, &body, &envelope).await?;
    let status = if out.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(out.into())))
}

/// One delivery of a message: the recipient the MTA delivered it for and what intake made
/// of it.
#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    /// The envelope recipient (lower-cased, a `+tag` kept); empty when the MTA did not say.
    pub recipient: String,
    /// When it arrived (RFC 3339).
    pub received_at: String,
    /// received (being handled), created, appended, held or ignored.
    pub status: String,
    /// incident, vulnerability, phishing, intel or reply.
    pub route: String,
    /// Why it was held or ignored.
    pub reason: String,
    /// The case or record it became or joined.
    pub target: String,
}

impl From<&InboundDelivery> for DeliveryView {
    fn from(d: &InboundDelivery) -> Self {
        DeliveryView {
            recipient: d.recipient.clone(),
            received_at: d.received_at.rfc3339(),
            status: d.status.clone(),
            route: d.route.clone(),
            reason: d.reason.clone(),
            target: d.target.clone(),
        }
    }
}

/// A stored message, without its bytes.
#[derive(Serialize, ToSchema)]
pub struct InboundView {
    /// Id.
    pub id: String,
    /// When it first came (RFC 3339).
    pub received_at: String,
    /// The envelope sender of its first delivery.
    pub envelope_sender: String,
    /// The recipient of its first delivery.
    pub recipient: String,
    /// Its sender.
    pub from_email: String,
    /// Its subject.
    pub subject: String,
    /// Its Message-ID.
    pub message_id: String,
    /// The first delivery's status: received, created, appended, held or ignored.
    pub status: String,
    /// The first delivery's route: incident, vulnerability, phishing, intel or reply.
    pub route: String,
    /// Why the first delivery was held or ignored.
    pub reason: String,
    /// The case or record the first delivery became or joined.
    pub target: String,
    /// Every delivery, first first: one per recipient the MTA delivered it for.
    pub deliveries: Vec<DeliveryView>,
    /// Its size in bytes.
    pub size: usize,
    /// The SPF/DKIM/DMARC verdicts our MTA recorded (`spf=pass dkim=fail …`), if any.
    pub authentication: String,
}

impl From<&(InboundMail, Vec<InboundDelivery>)> for InboundView {
    fn from((m, deliveries): &(InboundMail, Vec<InboundDelivery>)) -> Self {
        let deliveries: Vec<DeliveryView> = deliveries.iter().map(Into::into).collect();
        let first = deliveries.first();
        let of = |f: fn(&DeliveryView) -> &String| first.map(f).cloned().unwrap_or_default();
        InboundView {
            id: m.id.to_string(),
            received_at: m.received_at.rfc3339(),
            envelope_sender: m.envelope_sender.clone(),
            recipient: m.recipient.clone(),
            from_email: m.from_email.clone(),
            subject: m.subject.clone(),
            message_id: m.message_id.clone(),
            status: of(|d| &d.status),
            route: of(|d| &d.route),
            reason: of(|d| &d.reason),
            target: of(|d| &d.target),
            size: m.raw.len(),
            authentication: tocsin_formats::mail_in::authentication_verdicts(&m.raw),
            deliveries,
        }
    }
}

/// What a mailgate reads before a message: the largest message the server takes.
#[derive(Serialize, ToSchema)]
pub struct LimitsView {
    /// The largest message taken, in bytes (`intake.max_bytes`).
    pub max_bytes: usize,
    /// The largest attachment taken into a case; larger ones stay in the stored message.
    pub max_attachment_bytes: usize,
}

/// The intake limits, for the mailgate (it asks before reading a message, so it never
/// disagrees with the server).
#[utoipa::path(get, path = "/api/v1/mail/limits", operation_id = "getMailLimits", tag = "mail",
    responses((status = 200, body = LimitsView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn limits(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<LimitsView>, HttpError> {
    let l = intake::intake_limits(&state, &who, &ctx).await?;
    Ok(Json(LimitsView {
        max_bytes: l.max_bytes,
        max_attachment_bytes: l.max_attachment_bytes,
    }))
}

/// The listing filter.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    /// received, created, appended, held or ignored.
    pub status: Option<String>,
}

/// What came in by mail, newest first (the desk).
#[utoipa::path(get, path = "/api/v1/mail/inbound", operation_id = "listInboundMail", tag = "mail", params(InboundQuery),
    responses((status = 200, body = Vec<InboundView>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<InboundQuery>,
) -> Result<Json<Vec<InboundView>>, HttpError> {
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    let rows = intake::list(&state, &who, &ctx, status).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// One message as it came (.eml), for evidence (audited).
#[utoipa::path(get, path = "/api/v1/mail/inbound/{id}/eml", operation_id = "getInboundMailEml", tag = "mail",
    params(("id" = String, Path, description = "Message id")),
    responses((status = 200, body = String, content_type = "message/rfc822"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn eml(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let m = intake::get(&state, &who, &ctx, &id).await?;
    let name = format!("attachment; filename=\"mail-{}.eml\"", m.id);
    Ok((
        [
            (header::CONTENT_TYPE, "message/rfc822".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        m.raw,
    )
        .into_response())
}

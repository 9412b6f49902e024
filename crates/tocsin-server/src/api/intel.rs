//! `/api/v1/intel` and `/api/v1/sharing-groups`: intel records in the 25-field N-ISAC
//! shape (JSON or the TXT form), their sharing, deliveries, feedback and the inbox. Every
//! handler is a thin call into `service::intel`, where the access policy decides.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tocsin_domain::intel::notation::Warning;
use tocsin_domain::intel::{IntelInput, IntelRecord};
use tocsin_domain::{FieldError, FieldErrors, GroupId, IntelId, OrgId};
use tocsin_storage::{AudienceRow, Delivery, ObservableRow, SharingGroup};
use utoipa::ToSchema;

use super::wire::{GroupInput, InboxQuery, ShareInput, ShareOutcome};
use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::intel::{self as desk, Channel, Intel, IntelView};

/// An intel record: the 25 fields of the N-ISAC format under their English names, as
/// partners send it (POST, PUT) and as `GET /api/v1/intel/{id}` returns it in `record`, so
/// a record read can be written back unchanged. Times are `YYYY-MM-DDThh:mm:ss+hh:mm`; an
/// empty field is null or "" (either is read); a number may also be sent as a string.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct IntelRequest {
    /// 1 情資種類: ANA, DEF, INT, EWA or FBI.
    pub category: Option<String>,
    /// 2 情資主旨.
    pub subject: Option<String>,
    /// 3 情資來源資訊.
    pub source: Option<String>,
    /// 4 情資發布時間.
    pub published_at: Option<String>,
    /// 5 分享等級: red, amber, amber+strict, green, white (clear).
    pub tlp: Option<String>,
    /// 6 發送編號.
    pub dispatch_id: Option<String>,
    /// 7 事件主旨 (not for ANA).
    pub event_subject: Option<String>,
    /// 8 事件發現時間.
    pub event_discovered_at: Option<String>,
    /// 9 事件發送時間.
    pub event_sent_at: Option<String>,
    /// 10 事件解決時間.
    pub event_resolved_at: Option<String>,
    /// 11 情資內容.
    pub content: Option<String>,
    /// 12 情資類型.
    pub intel_type: Option<String>,
    /// 13 發布單位.
    pub publisher: Option<String>,
    /// 14 聯絡資訊.
    pub contact: Option<String>,
    /// 15 影響等級: 1 to 4.
    pub impact_level: Option<u8>,
    /// 16 建議措施.
    pub recommendation: Option<String>,
    /// 17 參考資訊.
    pub references: Option<String>,
    /// 18 附件.
    pub attachments: Option<String>,
    /// 19 受害IP: free text, "IP, port, protocol" as the sender writes it (e.g.
    /// `203.0.113.5, 443, TCP`), kept as written; what tocsin reads from it is in `derived`.
    pub victim_ip: Option<String>,
    /// 20 影響平台.
    pub affected_platforms: Option<String>,
    /// 21 手法研判.
    pub technique: Option<String>,
    /// 22 惡意IP連線資訊: free text, source or destination IP, port, protocol entries
    /// (e.g. `來源 198.51.100.7:8080/tcp`), kept as written.
    pub malicious_connections: Option<String>,
    /// 23 掃描資訊: free text, scan engine, engine type, version, result (e.g.
    /// `ClamAV, antivirus, 1.0.5, Win.Trojan.Agent`), kept as written.
    pub scan_info: Option<String>,
    /// 24 來源編號 (FBI: the answered record's 發送編號).
    pub source_id: Option<String>,
    /// 25 來源時間 (FBI: the answered record's 發布時間).
    pub source_time: Option<String>,
}

/// Reads a JSON body into the domain's input; a shape that is not the record's is a 422
/// naming the field where it can.
fn input_of(value: serde_json::Value) -> Result<IntelInput, AppError> {
    if !value.is_object() {
        return Err(AppError::BadRequest(
            "the body must be a JSON object".into(),
        ));
    }
    serde_json::from_value(value.clone()).map_err(|e| {
        let wrong = value
            .as_object()
            .map(desk::wrong_type_fields)
            .unwrap_or_default();
        if wrong.is_empty() {
            return AppError::BadRequest(e.to_string());
        }
        let mut errors = FieldErrors::new();
        for (f, _) in wrong {
            errors.add(
                f.key(),
                FieldError::new("error-intel-shape").arg("field", f.label()),
            );
        }
        AppError::Validation(errors)
    })
}

/// A record in a listing.
#[derive(Serialize, ToSchema)]
pub struct IntelSummary {
    /// Record id.
    pub id: String,
    /// draft or shared.
    pub status: String,
    /// ANA, DEF, INT, EWA or FBI.
    pub category: String,
    /// TLP level.
    pub tlp: String,
    /// 1 to 4.
    pub impact_level: Option<i32>,
    /// 情資主旨.
    pub subject: String,
    /// 發送編號.
    pub dispatch_id: String,
    /// 情資發布時間 (RFC 3339, UTC).
    pub published_at: String,
}

impl From<&Intel> for IntelSummary {
    fn from(i: &Intel) -> Self {
        IntelSummary {
            id: i.row.id.to_string(),
            status: i.row.status.clone(),
            category: i.row.category.clone(),
            tlp: i.row.tlp.clone(),
            impact_level: i.row.impact_level,
            subject: i.row.subject.clone(),
            dispatch_id: i.row.dispatch_id.clone(),
            published_at: i.row.published_at.rfc3339(),
        }
    }
}

/// An indicator of a record.
#[derive(Serialize, ToSchema)]
pub struct ObservableView {
    /// ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, cve.
    pub kind: String,
    /// The normalized value.
    pub value: String,
    /// extracted or analyst.
    pub origin: String,
}

impl From<&ObservableRow> for ObservableView {
    fn from(o: &ObservableRow) -> Self {
        ObservableView {
            kind: o.kind.clone(),
            value: o.value.clone(),
            origin: o.origin.clone(),
        }
    }
}

/// Someone a record is shared with.
#[derive(Serialize, ToSchema)]
pub struct AudienceView {
    /// group, org, user or informed.
    pub kind: String,
    /// The group, organization or user id.
    pub target_id: String,
    /// When it was added.
    pub added_at: String,
}

impl From<&AudienceRow> for AudienceView {
    fn from(a: &AudienceRow) -> Self {
        AudienceView {
            kind: a.kind.as_str().to_string(),
            target_id: a.target_id.to_string(),
            added_at: a.added_at.rfc3339(),
        }
    }
}

/// One mail delivery: who received which record at which TLP, when.
#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    /// The recipient user's id.
    pub user_id: String,
    /// The address it went to.
    pub email: String,
    /// The TLP it carried.
    pub tlp: String,
    /// The language of the mail body.
    pub locale: String,
    /// The Message-ID of the mail.
    pub message_id: String,
    /// When it was queued (durably, with the share).
    pub delivered_at: String,
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        DeliveryView {
            user_id: d.user_id.to_string(),
            email: d.email.clone(),
            tlp: d.tlp.clone(),
            locale: d.locale.clone(),
            message_id: d.message_id.clone(),
            delivered_at: d.delivered_at.rfc3339(),
        }
    }
}

/// A record with what its reader may see of its handling.
#[derive(Serialize, ToSchema)]
pub struct IntelDetail {
    /// Record id.
    pub id: String,
    /// draft or shared.
    pub status: String,
    /// Where it came in: web, api, txt, incident, reshare, import.
    pub channel: String,
    /// The record this one answers (FBI feedback).
    pub answers_id: Option<String>,
    /// The record this one re-shares.
    pub derived_from: Option<String>,
    /// The 25 fields, under their English names: what `PUT` takes back.
    #[schema(value_type = IntelRequest)]
    pub record: serde_json::Value,
    /// What tocsin read from the free texts 受害IP, 惡意IP連線資訊 and 掃描資訊.
    pub derived: IntelDerived,
    /// Its indicators.
    pub observables: Vec<ObservableView>,
    /// FBI answers the reader may see.
    pub answers: Vec<String>,
    /// Its audiences (the desk only).
    pub audiences: Vec<AudienceView>,
    /// Its deliveries (the desk only).
    pub deliveries: Vec<DeliveryView>,
}

/// An address entry read from 受害IP or 惡意IP連線資訊.
#[derive(Serialize, ToSchema)]
pub struct AddressEntry {
    /// source or destination (connections, when the text says).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// The address or block (`203.0.113.0/24`).
    pub ip: String,
    /// The port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The protocol, lower case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// A scan entry read from 掃描資訊.
#[derive(Serialize, ToSchema)]
pub struct ScanEntry {
    /// The scan engine.
    pub engine: String,
    /// The engine's type.
    pub engine_type: String,
    /// The engine's version.
    pub version: String,
    /// What it found.
    pub result: String,
}

/// A line of a free text that could not be read (the text is kept).
#[derive(Serialize, ToSchema)]
pub struct NotationWarning {
    /// The field's English key.
    pub field: String,
    /// The line within the field, 1-based.
    pub line: usize,
    /// unreadable, bad_address, bad_port, range, bad_protocol, bad_direction, too_many.
    pub kind: String,
    /// The message, in the caller's language.
    pub message: String,
}

/// What tocsin read from a record's free texts with structure.
#[derive(Serialize, ToSchema)]
pub struct IntelDerived {
    /// From 受害IP.
    pub victim_ip: Vec<AddressEntry>,
    /// From 惡意IP連線資訊.
    pub malicious_connections: Vec<AddressEntry>,
    /// From 掃描資訊.
    pub scan_info: Vec<ScanEntry>,
    /// What could not be read.
    pub warnings: Vec<NotationWarning>,
}

fn derived(ctx: &Ctx, r: &IntelRecord) -> IntelDerived {
    let tr = ctx.tr();
    let kind = |w: &Warning| {
        serde_json::to_value(w)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
            .unwrap_or_default()
    };
    IntelDerived {
        victim_ip: r
            .victims()
            .entries
            .iter()
            .map(|e| AddressEntry {
                direction: None,
                ip: e.address(),
                port: e.port,
                protocol: e.protocol.clone(),
            })
            .collect(),
        malicious_connections: r
            .connections()
            .entries
            .iter()
            .map(|c| AddressEntry {
                direction: c.direction.map(|d| d.as_str().to_string()),
                ip: c.address(),
                port: c.port,
                protocol: c.protocol.clone(),
            })
            .collect(),
        scan_info: r
            .scans()
            .entries
            .into_iter()
            .map(|s| ScanEntry {
                engine: s.engine,
                engine_type: s.engine_type,
                version: s.version,
                result: s.result,
            })
            .collect(),
        warnings: r
            .notation_warnings()
            .iter()
            .map(|(f, w)| NotationWarning {
                field: f.key().to_string(),
                line: w.line,
                kind: kind(w),
                message: tr.field_error(&w.message()),
            })
            .collect(),
    }
}

fn detail(ctx: &Ctx, v: &IntelView) -> Result<IntelDetail, HttpError> {
    Ok(IntelDetail {
        id: v.intel.row.id.to_string(),
        status: v.intel.row.status.clone(),
        channel: v.intel.row.channel.clone(),
        answers_id: v.intel.row.answers_id.map(|u| u.to_string()),
        derived_from: v.intel.row.derived_from.map(|u| u.to_string()),
        record: serde_json::to_value(&v.intel.record)
            .map_err(|e| AppError::internal(format!("intel json: {e}")))?,
        derived: derived(ctx, &v.intel.record),
        observables: v.observables.iter().map(Into::into).collect(),
        answers: v.answers.iter().map(|a| a.id.to_string()).collect(),
        audiences: v.audiences.iter().map(Into::into).collect(),
        deliveries: v.deliveries.iter().map(Into::into).collect(),
    })
}

/// A path id; one that is not a UUID names no record.
fn intel_id(s: &str) -> Result<IntelId, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// The created record as its creator sees it.
async fn created(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
    intel: Intel,
) -> Result<(StatusCode, Json<IntelDetail>), HttpError> {
    let v = desk::view(state, who, ctx, intel.row.id).await?;
    Ok((StatusCode::CREATED, Json(detail(ctx, &v)?)))
}

/// Submits a record (a draft until the desk accepts and shares it).
#[utoipa::path(post, path = "/api/v1/intel", operation_id = "createIntel", tag = "intel", request_body = IntelRequest,
    responses((status = 201, body = IntelDetail), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<IntelDetail>), HttpError> {
    let input = input_of(body)?;
    let intel = desk::submit(&state, &who, &ctx, &input, Channel::Api).await?;
    created(&state, &who, &ctx, intel).await
}

/// Submits a record as its TXT form (the body, any of UTF-8, UTF-16 or Big5).
#[utoipa::path(post, path = "/api/v1/intel/txt", operation_id = "createIntelTxt", tag = "intel",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 201, body = IntelDetail), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn create_txt(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    body: Bytes,
) -> Result<(StatusCode, Json<IntelDetail>), HttpError> {
    let input = desk::read_txt(&body)?;
    let intel = desk::submit(&state, &who, &ctx, &input, Channel::Txt).await?;
    created(&state, &who, &ctx, intel).await
}

/// Submits a STIX 2.1 bundle: each report (or, without one, the bundle) becomes a draft
/// record of the caller's, all or none.
#[utoipa::path(post, path = "/api/v1/intel/stix", operation_id = "createIntelStix", tag = "intel",
    request_body(content = Object, content_type = "application/stix+json;version=2.1"),
    responses((status = 201, body = Vec<IntelDetail>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn create_stix(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<IntelDetail>>), HttpError> {
    let mut out = Vec::new();
    for intel in desk::submit_stix(&state, &who, &ctx, &body).await? {
        let (_, Json(d)) = created(&state, &who, &ctx, intel).await?;
        out.push(d);
    }
    Ok((StatusCode::CREATED, Json(out)))
}

/// The caller's inbox: records shared with them (the desk: all), filtered, newest
/// publication first, 50 a page. When there may be a next page, the `Link` header names it
/// (`rel="next"`, with an opaque `after` cursor): such a page costs what the first does,
/// and records added meanwhile are neither skipped nor repeated.
#[utoipa::path(get, path = "/api/v1/intel", operation_id = "listIntel", tag = "intel", params(InboxQuery),
    responses((status = 200, body = Vec<IntelSummary>, headers(("Link" = String, description = "The next page: `</api/v1/intel?…&after=…>; rel=\"next\"`, when there may be one"))),
        (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> Result<Response, HttpError> {
    if who.user().is_none() {
        return Err(AppError::Unauthorized.into());
    }
    let page = desk::inbox_page(&state, &who, &ctx, &q.clone().into()).await?;
    let body: Vec<IntelSummary> = page.records.iter().map(Into::into).collect();
    let mut res = Json(body).into_response();
    if let Some(next) = page.next
        && let Ok(v) = header::HeaderValue::from_str(&format!(
            "</api/v1/intel?{}>; rel=\"next\"",
            q.next_query(&next)
        ))
    {
        res.headers_mut().insert(header::LINK, v);
    }
    Ok(res)
}

/// One record (audited).
#[utoipa::path(get, path = "/api/v1/intel/{id}", operation_id = "getIntel", tag = "intel",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = IntelDetail), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<IntelDetail>, HttpError> {
    let v = desk::view(&state, &who, &ctx, intel_id(&id)?).await?;
    Ok(Json(detail(&ctx, &v)?))
}

/// The desk edits a record: the whole record, validated; the TLP may not go below the one
/// it arrived with.
#[utoipa::path(put, path = "/api/v1/intel/{id}", operation_id = "updateIntel", tag = "intel", request_body = IntelRequest,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = IntelDetail), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<IntelDetail>, HttpError> {
    let id = intel_id(&id)?;
    let input = input_of(body)?;
    desk::edit(&state, &who, &ctx, id, &input).await?;
    let v = desk::view(&state, &who, &ctx, id).await?;
    Ok(Json(detail(&ctx, &v)?))
}

/// The TXT form of a record (audited as an export).
#[utoipa::path(get, path = "/api/v1/intel/{id}/txt", operation_id = "getIntelTxt", tag = "intel",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn txt(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let text = desk::txt(&state, &who, &ctx, intel_id(&id)?).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// The STIX 2.1 bundle of a record: its publisher, report, indicators, observed objects,
/// TLP marking and tocsin's extension with the 25 fields (audited as an export).
#[utoipa::path(get, path = "/api/v1/intel/{id}/stix", operation_id = "getIntelStix", tag = "intel",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Object, content_type = "application/stix+json;version=2.1"), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn stix(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let bundle = desk::stix_bundle(&state, &who, &ctx, intel_id(&id)?).await?;
    Ok((
        [(header::CONTENT_TYPE, tocsin_formats::stix::MEDIA_TYPE)],
        bundle,
    )
        .into_response())
}

/// The desk shares a record with groups, organizations and people; each recipient the
/// TLP admits gets the TXT by mail, once.
#[utoipa::path(post, path = "/api/v1/intel/{id}/share", operation_id = "shareIntel", tag = "intel", request_body = ShareInput,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = ShareOutcome), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn share(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ShareInput>,
) -> Result<Json<ShareOutcome>, HttpError> {
    Ok(Json(
        desk::share(&state, &who, &ctx, intel_id(&id)?, &input.into())
            .await?
            .into(),
    ))
}

/// The desk withdraws a shared record: no longer shared, and its indicators stop
/// matching. Mail already delivered stays delivered.
#[utoipa::path(post, path = "/api/v1/intel/{id}/withdraw", operation_id = "withdrawIntel", tag = "intel",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    desk::withdraw(&state, &who, &ctx, intel_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The mail deliveries of a record (its sender, the desk).
#[utoipa::path(get, path = "/api/v1/intel/{id}/deliveries", operation_id = "listIntelDeliveries", tag = "intel",
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = Vec<DeliveryView>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn deliveries(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeliveryView>>, HttpError> {
    let list = desk::deliveries(&state, &who, &ctx, intel_id(&id)?).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

/// A recipient answers a record with an FBI record linked to it (來源編號 and 來源時間
/// are filled from the record when left empty).
#[utoipa::path(post, path = "/api/v1/intel/{id}/feedback", operation_id = "createIntelFeedback", tag = "intel", request_body = IntelRequest,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 201, body = IntelDetail), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<IntelDetail>), HttpError> {
    let input = input_of(body)?;
    let intel = desk::feedback(&state, &who, &ctx, intel_id(&id)?, &input).await?;
    created(&state, &who, &ctx, intel).await
}

/// The TLP of a re-share.
#[derive(Deserialize, ToSchema)]
pub struct ReshareInput {
    /// The record's TLP or a tighter one.
    #[serde(default)]
    pub tlp: String,
}

/// A recipient re-shares a record: a derived draft at the same or a tighter TLP.
#[utoipa::path(post, path = "/api/v1/intel/{id}/reshare", operation_id = "reshareIntel", tag = "intel", request_body = ReshareInput,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 201, body = IntelDetail), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn reshare(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReshareInput>,
) -> Result<(StatusCode, Json<IntelDetail>), HttpError> {
    let intel = desk::reshare(&state, &who, &ctx, intel_id(&id)?, &input.tlp).await?;
    created(&state, &who, &ctx, intel).await
}

/// The analyst's indicators of a record.
#[derive(Deserialize, ToSchema)]
pub struct ObservablesInput {
    /// One `kind value` per line, e.g. `ipv4 203.0.113.5`.
    #[serde(default)]
    pub lines: String,
}

/// The desk replaces the analyst's indicators (extracted ones stay).
#[utoipa::path(put, path = "/api/v1/intel/{id}/observables", operation_id = "setIntelObservables", tag = "intel", request_body = ObservablesInput,
    params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = IntelDetail), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn observables(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ObservablesInput>,
) -> Result<Json<IntelDetail>, HttpError> {
    let id = intel_id(&id)?;
    desk::set_observables(&state, &who, &ctx, id, &input.lines).await?;
    let v = desk::view(&state, &who, &ctx, id).await?;
    Ok(Json(detail(&ctx, &v)?))
}

/// The desk turns an incident report into a draft record, the reporter's identity
/// stripped.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/intel", operation_id = "createIntelFromReport", tag = "intel",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 201, body = IntelDetail), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn from_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<(StatusCode, Json<IntelDetail>), HttpError> {
    let intel = desk::from_incident(&state, &who, &ctx, &tracking).await?;
    created(&state, &who, &ctx, intel).await
}

/// A sharing group and its member organizations.
#[derive(Serialize, ToSchema)]
pub struct GroupView {
    /// Group id.
    pub id: String,
    /// Name, e.g. F-ISAC.
    pub name: String,
    /// isac, isp, cert, academia, alliance or other.
    pub kind: String,
    /// What it is.
    pub description: String,
    /// Member organization ids.
    pub members: Vec<String>,
}

fn group_view(g: &SharingGroup, members: &[OrgId]) -> GroupView {
    GroupView {
        id: g.id.to_string(),
        name: g.name.clone(),
        kind: g.kind.clone(),
        description: g.description.clone(),
        members: members.iter().map(|o| o.to_string()).collect(),
    }
}

/// The sharing groups (the desk).
#[utoipa::path(get, path = "/api/v1/sharing-groups", operation_id = "listSharingGroups", tag = "intel",
    responses((status = 200, body = Vec<GroupView>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn groups(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<GroupView>>, HttpError> {
    let list = desk::groups(&state, &who, &ctx).await?;
    Ok(Json(list.iter().map(|(g, m)| group_view(g, m)).collect()))
}

/// Creates a sharing group (admins).
#[utoipa::path(post, path = "/api/v1/sharing-groups", operation_id = "createSharingGroup", tag = "intel", request_body = GroupInput,
    responses((status = 201, body = GroupView), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn create_group(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(input): ApiJson<GroupInput>,
) -> Result<(StatusCode, Json<GroupView>), HttpError> {
    let g = desk::create_group(&state, &who, &ctx, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(group_view(&g, &[]))))
}

fn member_ids(group: &str, org: &str) -> Result<(GroupId, OrgId), HttpError> {
    Ok((
        group.parse().map_err(|_| AppError::NotFound)?,
        org.parse().map_err(|_| AppError::NotFound)?,
    ))
}

/// Adds an organization to a group (admins).
#[utoipa::path(put, path = "/api/v1/sharing-groups/{id}/members/{org}", operation_id = "addSharingGroupMember", tag = "intel",
    params(("id" = String, Path, description = "Group id"), ("org" = String, Path, description = "Organization id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((id, org)): Path<(String, String)>,
) -> Result<StatusCode, HttpError> {
    let (g, o) = member_ids(&id, &org)?;
    desk::set_member(&state, &who, &ctx, g, o, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an organization from a group (admins).
#[utoipa::path(delete, path = "/api/v1/sharing-groups/{id}/members/{org}", operation_id = "removeSharingGroupMember", tag = "intel",
    params(("id" = String, Path, description = "Group id"), ("org" = String, Path, description = "Organization id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((id, org)): Path<(String, String)>,
) -> Result<StatusCode, HttpError> {
    let (g, o) = member_ids(&id, &org)?;
    desk::set_member(&state, &who, &ctx, g, o, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

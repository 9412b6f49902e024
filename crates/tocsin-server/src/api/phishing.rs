//! `/api/v1/reports/phishing` and `/api/v1/phishing`: phishing intake, the desk's URL
//! cases, and the blocking-list feeds under `/api/v1/feeds/`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use tocsin_domain::phish_url::defang;
use tocsin_domain::phishing::{PhishingInput, UrlState};
use tocsin_domain::{FieldError, FieldErrors};
use tocsin_storage::PhishUrlRow;
use utoipa::{IntoParams, ToSchema};

use super::reports::ApiAttachment;
use super::wire::{ContactInput, FeedEntry, FetchResult, NoticeInput, Receipt, UrlTransitionInput};
use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::phishing::{self as desk};
use tocsin_app::service::reports::Upload;

/// A phishing report (網路釣魚通報).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PhishingRequest {
    /// The phishing URLs (hxxp, [.] and the like are accepted).
    pub urls: Vec<String>,
    /// The brand or organisation impersonated.
    pub brand: String,
    /// Where it was seen: email, sms, social_media, ad, search_result, other.
    pub seen_in: String,
    /// When: `YYYY-MM-DDTHH:MM` in `time_zone`, or RFC 3339 (optional).
    pub seen_at: String,
    /// IANA time zone of `seen_at` (default Asia/Taipei).
    pub time_zone: String,
    /// The original message: pasted headers and body.
    pub original_message: String,
    /// The reporter's mail address (required).
    pub reporter_email: String,
    /// The reporter's name.
    pub reporter_name: String,
    /// Screenshots or the .eml (base64).
    pub attachments: Vec<ApiAttachment>,
}

/// Files a phishing report; answers the tracking number and the private status link.
#[utoipa::path(post, path = "/api/v1/reports/phishing", operation_id = "createPhishingReport", tag = "phishing", request_body = PhishingRequest,
    responses((status = 201, body = Receipt), (status = 400, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<Receipt>), HttpError> {
    let body: super::ReportBody<PhishingInput> = super::report_body(body)?;
    let receipt = desk::submit_phishing(&state, &who, &ctx, &body.input, body.files).await?;
    Ok((StatusCode::CREATED, Json(receipt.into())))
}

/// Decodes inline base64 files; a bad one is a 422 on `attachments`.
pub fn decode_attachments(list: &[ApiAttachment]) -> Result<Vec<Upload>, AppError> {
    list.iter()
        .map(|a| {
            base64::engine::general_purpose::STANDARD
                .decode(a.content_base64.trim())
                .map(|bytes| Upload {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    bytes,
                })
                .map_err(|_| {
                    let mut e = FieldErrors::new();
                    e.add("attachments", FieldError::new("error-base64"));
                    AppError::Validation(e)
                })
        })
        .collect()
}

/// A URL case.
#[derive(Serialize, ToSchema)]
pub struct CaseView {
    /// Id.
    pub id: String,
    /// The URL, defanged.
    pub url: String,
    /// The registrable domain.
    pub registrable_domain: String,
    /// Literal IP, if any.
    pub ip: String,
    /// Brand.
    pub brand: String,
    /// received, verified, false_positive, duplicate, abuse_notified, taken_down, reopened.
    pub state: String,
    /// TLP.
    pub tlp: String,
    /// Reports naming it.
    pub reporters: i32,
    /// First reported.
    pub first_reported_at: String,
}

fn view(c: &PhishUrlRow) -> CaseView {
    CaseView {
        id: c.id.to_string(),
        url: defang(&c.normalized),
        registrable_domain: c.registrable_domain.clone(),
        ip: c.ip.clone(),
        brand: c.brand.clone(),
        state: c.state.clone(),
        tlp: c.tlp.clone(),
        reporters: c.reporters,
        first_reported_at: c.first_reported_at.rfc3339(),
    }
}

/// Filter of the case list.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// A state, `open` (default) or `all`.
    pub state: String,
    /// Where the page starts: the cursor of the previous page's `Link: <…>; rel="next"`
    /// header (opaque).
    pub after: String,
}

/// Cases a page of the API's list.
const API_PAGE: i64 = 1000;

/// The desk's URL cases (staff), oldest first, 1,000 a page. When there may be a next
/// page, the `Link` header names it (`rel="next"`, with an opaque `after` cursor): such a
/// page costs what the first does, and cases added meanwhile are neither skipped nor
/// repeated.
#[utoipa::path(get, path = "/api/v1/phishing", operation_id = "listPhishingCases", tag = "phishing", params(CaseQuery),
    responses((status = 200, body = [CaseView], headers(("Link" = String, description = "The next page: `</api/v1/phishing?…&after=…>; rel=\"next\"`, when there may be one"))),
        (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<CaseQuery>,
) -> Result<Response, HttpError> {
    let states: Vec<UrlState> = match q.state.trim() {
        "" | "open" => UrlState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect(),
        "all" => Vec::new(),
        s => vec![
            s.parse()
                .map_err(|_| AppError::field("state", "error-choice"))?,
        ],
    };
    let after = desk::parse_after(&q.after);
    let page = desk::cases(&state, &who, &ctx, &states, after, API_PAGE).await?;
    let mut res = Json(page.cases.iter().map(view).collect::<Vec<_>>()).into_response();
    if let Some(next) = page.next
        && let Ok(v) = header::HeaderValue::from_str(&format!(
            "</api/v1/phishing?state={}&after={next}>; rel=\"next\"",
            crate::api::wire::pct(q.state.trim())
        ))
    {
        res.headers_mut().insert(header::LINK, v);
    }
    Ok(res)
}

/// One case (staff).
#[utoipa::path(get, path = "/api/v1/phishing/{id}", operation_id = "getPhishingCase", tag = "phishing", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, HttpError> {
    Ok(Json(view(&desk::case(&state, &who, &ctx, &id).await?.case)))
}

/// Moves a URL through its states (staff); abuse_notified is set by sending a notice.
#[utoipa::path(post, path = "/api/v1/phishing/{id}/transition", operation_id = "transitionPhishingCase", tag = "phishing", request_body = UrlTransitionInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<UrlTransitionInput>,
) -> Result<Json<CaseView>, HttpError> {
    Ok(Json(view(
        &desk::transition(&state, &who, &ctx, &id, &input.into()).await?,
    )))
}

/// Adds an abuse contact by hand (staff).
#[utoipa::path(post, path = "/api/v1/phishing/{id}/contacts", operation_id = "addPhishingContact", tag = "phishing", request_body = ContactInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn add_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ContactInput>,
) -> Result<StatusCode, HttpError> {
    desk::add_contact(&state, &who, &ctx, &id, &input.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Looks up abuse contacts over RDAP (staff; off without a configured bootstrap).
#[utoipa::path(post, path = "/api/v1/phishing/{id}/rdap", operation_id = "lookupPhishingRdap", tag = "phishing",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = RdapResult), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn rdap(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<RdapResult>, HttpError> {
    let added = desk::rdap_lookup(&state, &who, &ctx, &id).await?;
    Ok(Json(RdapResult { added }))
}

/// What an RDAP look-up added.
#[derive(Serialize, ToSchema)]
pub struct RdapResult {
    /// New contacts.
    pub added: usize,
}

/// Sends the notice to the case's abuse contacts (staff).
#[utoipa::path(post, path = "/api/v1/phishing/{id}/notify", operation_id = "notifyPhishingAbuse", tag = "phishing", request_body = NoticeInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn notify(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<StatusCode, HttpError> {
    desk::notify(&state, &who, &ctx, &id, &input.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Evidence from the analyst: a note and files.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct EvidenceInput {
    /// What was seen.
    pub note: String,
    /// Screenshots (base64).
    pub attachments: Vec<ApiAttachment>,
}

/// Records evidence for a case (staff).
#[utoipa::path(post, path = "/api/v1/phishing/{id}/evidence", operation_id = "addPhishingEvidence", tag = "phishing", request_body = EvidenceInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EvidenceInput>,
) -> Result<StatusCode, HttpError> {
    let files = decode_attachments(&input.attachments)?;
    desk::add_evidence(&state, &who, &ctx, &id, &input.note, files).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Fetches the page once and records what was seen (staff; off unless configured).
#[utoipa::path(post, path = "/api/v1/phishing/{id}/fetch", operation_id = "fetchPhishingUrl", tag = "phishing",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = FetchResult), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn fetch(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<FetchResult>, HttpError> {
    Ok(Json(
        desk::fetch_evidence(&state, &who, &ctx, &id).await?.into(),
    ))
}

/// Live verified phishing URLs as JSON (staff and partners).
#[utoipa::path(get, path = "/api/v1/feeds/phishing.json", operation_id = "getPhishingFeedJson", tag = "feeds",
    responses((status = 200, body = [FeedEntry]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn feed_json(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<FeedEntry>>, HttpError> {
    Ok(Json(
        desk::feed(&state, &who, &ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Live verified phishing URLs as a STIX 2.1 bundle of url indicators, each marked with
/// its case's TLP (staff and partners).
#[utoipa::path(get, path = "/api/v1/feeds/phishing.stix.json", operation_id = "getPhishingFeedStix", tag = "feeds",
    responses((status = 200, body = Object, content_type = "application/stix+json;version=2.1"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn feed_stix(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Response, HttpError> {
    let bundle = desk::feed_stix(&state, &who, &ctx).await?;
    Ok((
        [(header::CONTENT_TYPE, tocsin_formats::stix::MEDIA_TYPE)],
        bundle,
    )
        .into_response())
}

/// Live verified phishing URLs, one per line (staff and partners).
#[utoipa::path(get, path = "/api/v1/feeds/phishing.txt", operation_id = "getPhishingFeedTxt", tag = "feeds",
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn feed_txt(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Response, HttpError> {
    let entries = desk::feed(&state, &who, &ctx).await?;
    let mut text = String::new();
    for e in entries {
        text.push_str(&e.url);
        text.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// Live verified phishing URLs as CSV with TLP (staff and partners).
#[utoipa::path(get, path = "/api/v1/feeds/phishing.csv", operation_id = "getPhishingFeedCsv", tag = "feeds",
    responses((status = 200, body = String, content_type = "text/csv"), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn feed_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Response, HttpError> {
    let entries = desk::feed(&state, &who, &ctx).await?;
    let mut text = String::from("url,host,brand,tlp,first_seen,verified_at\n");
    for e in entries {
        text.push_str(&tocsin_formats::csv::line(&[
            e.url,
            e.host,
            e.brand,
            e.tlp,
            e.first_seen,
            e.verified_at,
        ]));
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}

//! `/api/v1/reports/vulnerability`, `/api/v1/vulnerabilities` (CVE coordination) and
//! `/api/v1/advisories` (public).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tocsin_domain::vuln::{CnaState, VulnInput};
use utoipa::{IntoParams, ToSchema};

use super::reports::ApiAttachment;
use super::wire::{Advisory, AdvisoryInput, CnaUpdate, CveRejection, Receipt, VendorInput};
use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::vuln::{self as cna};

/// A product-vulnerability report (產品漏洞通報): the seed's fields, and/or the filled TXT
/// form (base64), whose values fill the fields left empty.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VulnRequest {
    /// 通報日期 (YYYY-MM-DD, YYYY/MM/DD or ROC 115/11/28).
    pub report_date: String,
    /// 名稱.
    pub reporter_name: String,
    /// 組織.
    pub reporter_organization: String,
    /// Email.
    pub reporter_email: String,
    /// 是否公開名稱及組織: yes or no.
    pub public_credit: String,
    /// 漏洞資訊來源: self or other.
    pub source: String,
    /// The other source.
    pub source_other: String,
    /// 漏洞發現日期.
    pub discovered_on: String,
    /// 影響產品名稱.
    pub product: String,
    /// 版本.
    pub version: String,
    /// 產品開發者／廠商.
    pub vendor: String,
    /// 產品網站.
    pub product_url: String,
    /// 漏洞類型.
    pub vuln_type: String,
    /// 漏洞描述.
    pub description: String,
    /// 觸發漏洞特定條件.
    pub trigger_conditions: String,
    /// 觸發漏洞方法 (kept verbatim).
    pub trigger_method: String,
    /// 佐證資料.
    pub evidence: String,
    /// 漏洞威脅.
    pub impact: String,
    /// CVSS vector.
    pub cvss_vector: String,
    /// The claimed score.
    pub cvss_claimed_score: String,
    /// The CVSS version the reporter named.
    pub cvss_named_version: String,
    /// The filled TXT form, base64 (any of UTF-8, UTF-16, Big5).
    pub txt_base64: String,
    /// Screenshots, video, proof of concept (base64).
    pub attachments: Vec<ApiAttachment>,
}

/// Files a vulnerability report; answers the tracking number and the private status link.
/// Also takes `multipart/form-data` with the same field names, the filled TXT form as the
/// file `txt` and evidence as `attachments`.
#[utoipa::path(post, path = "/api/v1/reports/vulnerability", operation_id = "createVulnerabilityReport", tag = "vulnerabilities", request_body = VulnRequest,
    responses((status = 201, body = Receipt), (status = 400, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    req: axum::extract::Request,
) -> Result<(StatusCode, Json<Receipt>), HttpError> {
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let body: super::ReportBody<VulnInput> = if multipart {
        let mp = <axum::extract::Multipart as axum::extract::FromRequest<AppState>>::from_request(
            req, &state,
        )
        .await;
        let mut form = crate::multipart::read_multipart(mp).await?;
        let input = serde_json::from_value(form.fields_json())
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let txt = form.take_file("txt").map(|u| u.bytes);
        super::ReportBody {
            input,
            files: form.files,
            txt,
        }
    } else {
        let ApiJson(value) =
            <ApiJson<serde_json::Value> as axum::extract::FromRequest<AppState>>::from_request(
                req, &state,
            )
            .await?;
        super::report_body(value)?
    };
    let receipt = cna::submit_vulnerability(
        &state,
        &who,
        &ctx,
        &body.input,
        body.txt.map(cna::form_upload),
        body.files,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(receipt.into())))
}

/// A coordination case.
#[derive(Serialize, ToSchema)]
pub struct CaseView {
    /// Tracking number.
    pub tracking_id: String,
    /// CNA state.
    pub state: String,
    /// CVE id, if assigned.
    pub cve_id: String,
    /// Product.
    pub product: String,
    /// Version.
    pub version: String,
    /// Vendor as reported.
    pub vendor: String,
    /// tocsin's CVSS score and severity.
    pub cvss: String,
    /// The reporter's vector.
    pub cvss_vector: String,
    /// The reporter's claimed score.
    pub cvss_claimed_score: String,
    /// Warnings about the reporter's claim: score_differs, version_differs.
    pub cvss_warnings: Vec<String>,
    /// The vendor organization's id.
    pub vendor_org_id: Option<String>,
    /// The vendor's status.
    pub vendor_status: String,
    /// Target publication date (YYYY-MM-DD, in the desk calendar's time zone).
    pub target_publication: String,
    /// The time zone of the target date.
    pub time_zone: String,
    /// The original case's tracking number when this one is marked its duplicate, or empty.
    pub duplicate_of: String,
    /// The timer of the case's current state (coordinators; absent when the state has
    /// none).
    pub sla: Option<ApiStateTimer>,
}

/// Where the timer of a vulnerability case's current state stands.
#[derive(Serialize, ToSchema)]
pub struct ApiStateTimer {
    /// The deadline (RFC 3339).
    pub due: String,
    /// Working minutes left (negative once past the deadline).
    pub remaining_minutes: i64,
    /// Past its deadline.
    pub breached: bool,
}

fn view(state: &AppState, v: &cna::CaseView) -> CaseView {
    CaseView {
        tracking_id: v.report.tracking_id.clone(),
        state: v.case.cna_state.clone(),
        cve_id: v.case.cve_id.clone(),
        product: v.details.product.clone(),
        version: v.details.version.clone(),
        vendor: v.details.vendor.clone(),
        cvss: format!("{} ({})", v.details.cvss_score, v.details.cvss_severity),
        cvss_vector: v.details.cvss_vector.clone(),
        cvss_claimed_score: v.details.cvss_claimed_score.clone(),
        cvss_warnings: v.details.cvss_warnings.clone(),
        vendor_org_id: v.case.vendor_org_id.map(|o| o.to_string()),
        vendor_status: v.case.vendor_status.clone(),
        target_publication: v.case.target_publication.clone(),
        time_zone: state.config.calendar.time_zone.clone(),
        duplicate_of: v.report.duplicate_of.clone(),
        sla: v.sla.map(|s| ApiStateTimer {
            due: s.due.rfc3339(),
            remaining_minutes: s.remaining_minutes,
            breached: s.breached,
        }),
    }
}

/// Filter of the case list.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// A CNA state (empty: all).
    pub state: String,
}

/// Coordination cases: all of them for coordinators and admins; for a vendor's members,
/// those their organization was notified of, without the reporter's identity.
#[utoipa::path(get, path = "/api/v1/vulnerabilities", operation_id = "listVulnerabilities", tag = "vulnerabilities", params(CaseQuery),
    responses((status = 200, body = [CaseView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<CaseQuery>,
) -> Result<Json<Vec<CaseView>>, HttpError> {
    let s = match q.state.trim() {
        "" => None,
        s => Some(
            s.parse::<CnaState>()
                .map_err(|_| AppError::field("state", "error-choice"))?,
        ),
    };
    let cases = tocsin_app::service::account::vulnerability_cases(&state, &who, &ctx, s).await?;
    Ok(Json(cases.iter().map(|c| view(&state, c)).collect()))
}

/// One case (coordinators, the reporter signed in, the notified vendor's members).
#[utoipa::path(get, path = "/api/v1/vulnerabilities/{tracking}", operation_id = "getVulnerability", tag = "vulnerabilities",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = CaseView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<Json<CaseView>, HttpError> {
    Ok(Json(view(
        &state,
        &cna::case(&state, &who, &ctx, &tracking).await?,
    )))
}

/// Moves a case through the CNA workflow (coordinators).
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/transition", operation_id = "transitionVulnerability", tag = "vulnerabilities", request_body = CnaUpdate,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(input): ApiJson<CnaUpdate>,
) -> Result<StatusCode, HttpError> {
    cna::transition(&state, &who, &ctx, &tracking, &input.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A duplicate-of link.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DuplicateOfRequest {
    /// The original vulnerability case's tracking number; empty removes the link.
    pub duplicate_of: String,
}

/// Marks a case a duplicate of another vulnerability case, or removes the mark
/// (coordinators). Refused (422 on `duplicate_of`) when the original does not exist, is
/// the case itself, or would make a cycle.
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/duplicate-of", operation_id = "setVulnerabilityDuplicateOf", tag = "vulnerabilities", request_body = DuplicateOfRequest,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn duplicate_of(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(input): ApiJson<DuplicateOfRequest>,
) -> Result<StatusCode, HttpError> {
    let input = cna::DuplicateOfInput {
        duplicate_of: input.duplicate_of,
    };
    cna::set_duplicate_of(&state, &who, &ctx, &tracking, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the vendor and records its status (coordinators).
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/vendor", operation_id = "setVulnerabilityVendor", tag = "vulnerabilities", request_body = VendorInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn vendor(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(input): ApiJson<VendorInput>,
) -> Result<StatusCode, HttpError> {
    cna::set_vendor(&state, &who, &ctx, &tracking, &input.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A mail text (empty: the template).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MailInput {
    /// The text.
    pub body: String,
}

/// Notifies the vendor's users (coordinators); the case becomes vendor_notified.
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/notify-vendor", operation_id = "notifyVulnerabilityVendor", tag = "vulnerabilities", request_body = MailInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn notify_vendor(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(input): ApiJson<MailInput>,
) -> Result<StatusCode, HttpError> {
    cna::notify_vendor(&state, &who, &ctx, &tracking, &input.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The assigned CVE id.
#[derive(Serialize, ToSchema)]
pub struct CveAssigned {
    /// The id.
    pub cve_id: String,
}

/// Assigns the next reserved CVE id to an accepted case (coordinators).
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/cve", operation_id = "assignVulnerabilityCve", tag = "vulnerabilities",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = CveAssigned), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn assign_cve(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<Json<CveAssigned>, HttpError> {
    Ok(Json(CveAssigned {
        cve_id: cna::assign_cve(&state, &who, &ctx, &tracking).await?,
    }))
}

/// Edits the advisory texts (coordinators).
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/advisory", operation_id = "setVulnerabilityAdvisory", tag = "vulnerabilities", request_body = AdvisoryInput,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn advisory(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(input): ApiJson<AdvisoryInput>,
) -> Result<StatusCode, HttpError> {
    cna::set_advisory(&state, &who, &ctx, &tracking, &input.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The CVE JSON 5.1 export (coordinators; anyone once published): the PUBLISHED record of
/// a published case, the REJECTED record of a rejected CVE id, and before publication only
/// the CNA container to submit (`cve publish`), never a record.
#[utoipa::path(get, path = "/api/v1/vulnerabilities/{tracking}/cve-record", operation_id = "getVulnerabilityCveRecord", tag = "vulnerabilities",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = Object), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security((), ("bearer" = [])))]
pub async fn cve_record(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<Json<serde_json::Value>, HttpError> {
    Ok(Json(
        cna::cve_record(&state, &who, &ctx, &tracking).await?.json,
    ))
}

/// Rejects the CVE id of an accepted, unpublished case with a reason (coordinators): the
/// case becomes rejected and its CVE export the REJECTED record.
#[utoipa::path(post, path = "/api/v1/vulnerabilities/{tracking}/cve/reject", tag = "vulnerabilities", operation_id = "rejectCve", request_body = CveRejection,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn reject_cve(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(input): ApiJson<CveRejection>,
) -> Result<StatusCode, HttpError> {
    cna::reject_cve(&state, &who, &ctx, &tracking, &input.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reserved CVE ids to load.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CveIdsInput {
    /// Ids, lists or ranges such as `CVE-2026-1000..CVE-2026-1099`.
    pub ids: String,
}

/// How many ids were new.
#[derive(Serialize, ToSchema)]
pub struct CveIdsLoaded {
    /// New ids.
    pub added: u64,
}

/// Loads the CNA's reserved CVE ids (admins).
#[utoipa::path(post, path = "/api/v1/cve-ids", operation_id = "loadCveIds", tag = "vulnerabilities", request_body = CveIdsInput,
    responses((status = 200, body = CveIdsLoaded), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn load_cve_ids(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(input): ApiJson<CveIdsInput>,
) -> Result<Json<CveIdsLoaded>, HttpError> {
    Ok(Json(CveIdsLoaded {
        added: cna::load_cve_ids(&state, &who, &ctx, &input.ids).await?,
    }))
}

/// Published advisories (public).
#[utoipa::path(get, path = "/api/v1/advisories", operation_id = "listAdvisories", tag = "vulnerabilities", responses((status = 200, body = [Advisory])))]
pub async fn advisories(State(state): State<AppState>) -> Result<Json<Vec<Advisory>>, HttpError> {
    Ok(Json(
        cna::advisories(&state)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Published advisories as a STIX 2.1 bundle of vulnerability objects (public).
#[utoipa::path(get, path = "/api/v1/feeds/advisories.stix.json", operation_id = "getAdvisoriesStix", tag = "feeds",
    responses((status = 200, body = Object, content_type = "application/stix+json;version=2.1")))]
pub async fn advisories_stix(State(state): State<AppState>) -> Result<Response, HttpError> {
    let bundle = cna::advisories_stix(&state).await?;
    Ok((
        [(header::CONTENT_TYPE, tocsin_formats::stix::MEDIA_TYPE)],
        bundle,
    )
        .into_response())
}

/// One published advisory (public).
#[utoipa::path(get, path = "/api/v1/advisories/{cve}", operation_id = "getAdvisory", tag = "vulnerabilities",
    params(("cve" = String, Path, description = "CVE id")),
    responses((status = 200, body = Advisory), (status = 404, body = ApiErrorBody)))]
pub async fn advisory_one(
    State(state): State<AppState>,
    Path(cve): Path<String>,
) -> Result<Json<Advisory>, HttpError> {
    Ok(Json(cna::advisory_by_cve(&state, &cve).await?.into()))
}

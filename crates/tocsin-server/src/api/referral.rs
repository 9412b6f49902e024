//! Assistance referrals (協處商機) in the API: the reporter's consent, choice and rating
//! under `/api/v1/reports/{tracking}/referral`; the desk's offer and withdrawal and the
//! firms' acceptances and outcomes under `/api/v1/referrals`. Thin calls into
//! `service::referral`, where the access policy decides.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tocsin_domain::referral::OfferInput;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::referral::{self as svc, ReferralView};

/// A firm's acceptance of a referral.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResponseOut {
    /// The firm.
    pub org_id: Uuid,
    /// Its name.
    pub org_name: String,
    /// accepted, chosen or not_chosen.
    pub state: String,
    /// The firm's contact, once the reporter chose it (empty before, for the reporter).
    pub contact_name: String,
    /// Their mail address, likewise.
    pub contact_email: String,
}

/// A referral as the caller may see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReferralOut {
    /// Referral id.
    pub id: Uuid,
    /// consented, offered, chosen, completed or withdrawn.
    pub state: String,
    /// The offer: the company's sector.
    pub sector: String,
    /// The offer: the incident type in words.
    pub incident_type: String,
    /// The offer: micro, small, medium or large.
    pub company_size: String,
    /// The offer: north, central, south, east, islands or abroad.
    pub region: String,
    /// The offer: the support needed.
    pub summary: String,
    /// The outcome: engaged or not_engaged, once recorded.
    pub outcome: String,
    /// The reporter's rating of the chosen firm, 1–5.
    pub rating: Option<i64>,
    /// The firms' acceptances the caller may see.
    pub responses: Vec<ResponseOut>,
    /// The report's tracking number: for the desk and the chosen firm only.
    pub tracking_id: Option<String>,
    /// The reporter's name: for the desk and the chosen firm only.
    pub reporter_name: Option<String>,
    /// The reporter's mail: for the desk and the chosen firm only.
    pub reporter_email: Option<String>,
    /// The reporter's phone: for the desk and the chosen firm only.
    pub reporter_phone: Option<String>,
}

impl From<&ReferralView> for ReferralOut {
    fn from(v: &ReferralView) -> Self {
        let r = &v.referral;
        let c = v.reporter_contact.as_ref();
        ReferralOut {
            id: r.id,
            state: r.state.clone(),
            sector: r.sector.clone(),
            incident_type: r.incident_type.clone(),
            company_size: r.company_size.clone(),
            region: r.region.clone(),
            summary: r.summary.clone(),
            outcome: r.outcome.clone(),
            rating: r.rating,
            responses: v
                .responses
                .iter()
                .map(|x| ResponseOut {
                    org_id: x.response.org_id,
                    org_name: x.org_name.clone(),
                    state: x.response.state.clone(),
                    contact_name: x.contact_name.clone(),
                    contact_email: x.contact_email.clone(),
                })
                .collect(),
            tracking_id: v.tracking_id.clone(),
            reporter_name: c.map(|c| c.name.clone()),
            reporter_email: c.map(|c| c.email.clone()),
            reporter_phone: c.map(|c| c.phone.clone()),
        }
    }
}

/// The sanitised offer (no name, mail, phone or organization of the reporter).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OfferRequest {
    /// The company's sector.
    pub sector: String,
    /// The incident type in words.
    pub incident_type: String,
    /// micro, small, medium or large.
    pub company_size: String,
    /// north, central, south, east, islands or abroad.
    pub region: String,
    /// The support needed.
    pub summary: String,
}

/// The reporter's choice.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ChoiceRequest {
    /// The firm chosen among those that accepted.
    pub org_id: String,
}

/// The reporter's rating of the chosen firm.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RatingRequest {
    /// 1 to 5.
    #[serde(deserialize_with = "super::wire::de_number_text")]
    #[schema(value_type = i64, default)]
    pub rating: String,
    /// An optional comment.
    pub comment: String,
}

/// The outcome of a chosen referral.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OutcomeRequest {
    /// engaged or not_engaged.
    pub outcome: String,
}

/// The referrals the caller may see: all for the desk; for a member firm, the open
/// offers while it holds an approved assistance redemption, and those it accepted.
#[utoipa::path(get, path = "/api/v1/referrals", operation_id = "listReferrals", tag = "referrals",
    responses((status = 200, body = Vec<ReferralOut>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<ReferralOut>>, HttpError> {
    let rows = svc::list(&state, &who, &ctx).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// A report's referral: the desk's view, or the reporter's (firms' names; the chosen
/// firm's contact).
#[utoipa::path(get, path = "/api/v1/reports/{tracking}/referral", operation_id = "getReportReferral", tag = "referrals",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = Option<ReferralOut>), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn of_report(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<Json<Option<ReferralOut>>, HttpError> {
    let v = svc::of_tracking(&state, &who, &ctx, &tracking, None).await?;
    Ok(Json(v.as_ref().map(Into::into)))
}

/// The reporter agrees to be referred to member security firms.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/referral/consent", operation_id = "consentToReferral", tag = "referrals",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn consent(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<StatusCode, HttpError> {
    svc::consent(&state, &who, &ctx, &tracking, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The desk offers the referral, sanitised, to the member firms.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/referral/offer", operation_id = "offerReferral", tag = "referrals",
    params(("tracking" = String, Path, description = "Tracking number")), request_body = OfferRequest,
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn offer(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(body): ApiJson<OfferRequest>,
) -> Result<StatusCode, HttpError> {
    let input = OfferInput {
        sector: body.sector,
        incident_type: body.incident_type,
        company_size: body.company_size,
        region: body.region,
        summary: body.summary,
    };
    svc::offer(&state, &who, &ctx, &tracking, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reporter chooses one of the firms that accepted; contacts are exchanged by mail.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/referral/choice", operation_id = "chooseReferralFirm", tag = "referrals",
    params(("tracking" = String, Path, description = "Tracking number")), request_body = ChoiceRequest,
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn choose(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(body): ApiJson<ChoiceRequest>,
) -> Result<StatusCode, HttpError> {
    svc::choose(&state, &who, &ctx, &tracking, None, &body.org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reporter rates the chosen firm.
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/referral/rating", operation_id = "rateReferral", tag = "referrals",
    params(("tracking" = String, Path, description = "Tracking number")), request_body = RatingRequest,
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<StatusCode, HttpError> {
    svc::rate(
        &state,
        &who,
        &ctx,
        &tracking,
        None,
        &body.rating,
        &body.comment,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn id_of(s: &str) -> Result<Uuid, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

/// A member firm accepts an open offer (one of its approved assistance redemptions backs
/// it).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/accept", operation_id = "acceptReferral", tag = "referrals",
    params(("id" = String, Path, description = "Referral id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    svc::accept(&state, &who, &ctx, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The desk withdraws a referral not yet chosen.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/withdraw", operation_id = "withdrawReferral", tag = "referrals",
    params(("id" = String, Path, description = "Referral id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    svc::withdraw(&state, &who, &ctx, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The chosen firm (or the desk) records the outcome.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/outcome", operation_id = "recordReferralOutcome", tag = "referrals",
    params(("id" = String, Path, description = "Referral id")), request_body = OutcomeRequest,
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OutcomeRequest>,
) -> Result<StatusCode, HttpError> {
    svc::record_outcome(&state, &who, &ctx, id_of(&id)?, &body.outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}

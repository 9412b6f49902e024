//! `/api/v1/points`: the reward scheme. A member's balance, ledger, the catalog and
//! redemption requests; for admins the catalog, decisions on held redemptions and
//! adjustments; the yearly leaderboard. Every handler is a thin call into
//! `service::points`, where the access policy decides.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tocsin_domain::points::ItemInput;
use tocsin_storage::{LeaderRow, PointsEntry, PointsItem, Redemption};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::wire::{AdjustInput, Balance, DecisionInput, RedeemInput};
use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::points::{self as svc};

/// One ledger entry.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// Entry id.
    pub id: Uuid,
    /// Points added (positive) or taken (negative).
    pub delta: i64,
    /// award, reversal, penalty, redemption or adjustment.
    pub kind: String,
    /// The earning rule, e.g. incident_verified.
    pub rule: String,
    /// What caused it: report, phish_url, intel, redemption.
    pub source_kind: String,
    /// Which record (a tracking number or id).
    pub source_id: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
    /// When (RFC 3339).
    pub at: String,
}

impl From<&PointsEntry> for EntryView {
    fn from(e: &PointsEntry) -> Self {
        EntryView {
            id: e.id,
            delta: e.delta,
            kind: e.kind.clone(),
            rule: e.rule.clone(),
            source_kind: e.source_kind.clone(),
            source_id: e.source_id.clone(),
            reason: e.reason.clone(),
            actor: e.actor.clone(),
            at: e.at.to_string(),
        }
    }
}

/// A catalog item.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemView {
    /// Item id.
    pub id: Uuid,
    /// assistance (協處商機), event_slot (參展/演講/活動) or vuln_reward (漏洞獎勵計畫).
    pub kind: String,
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Description.
    pub description: String,
    /// Points per redemption.
    pub cost: i64,
    /// Units left.
    pub stock: i64,
    /// First day, YYYY-MM-DD.
    pub valid_from: String,
    /// Last day, YYYY-MM-DD.
    pub valid_until: String,
    /// Offered.
    pub active: bool,
}

impl From<&PointsItem> for ItemView {
    fn from(i: &PointsItem) -> Self {
        ItemView {
            id: i.id,
            kind: i.kind.clone(),
            name_zh: i.name_zh.clone(),
            name_en: i.name_en.clone(),
            description: i.description.clone(),
            cost: i.cost,
            stock: i.stock,
            valid_from: i.valid_from.clone(),
            valid_until: i.valid_until.clone(),
            active: i.active,
        }
    }
}

/// A redemption request.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RedemptionView {
    /// Redemption id.
    pub id: Uuid,
    /// The account the points come from.
    pub account_id: Uuid,
    /// The item.
    pub item_id: Uuid,
    /// Points.
    pub cost: i64,
    /// held, approved or rejected.
    pub state: String,
    /// When it was requested (RFC 3339).
    pub requested_at: String,
    /// The admin's note.
    pub note: String,
}

impl From<&Redemption> for RedemptionView {
    fn from(r: &Redemption) -> Self {
        RedemptionView {
            id: r.id,
            account_id: r.account_id,
            item_id: r.item_id,
            cost: r.cost,
            state: r.state.clone(),
            requested_at: r.requested_at.to_string(),
            note: r.note.clone(),
        }
    }
}

/// A leaderboard row.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LeaderView {
    /// Rank, from 1.
    pub rank: usize,
    /// The organization or person; empty when they opted out of being named.
    pub name: String,
    /// Points earned in the year.
    pub earned: i64,
}

/// Turns leaderboard rows into ranked views.
pub fn ranked(rows: &[LeaderRow]) -> Vec<LeaderView> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| LeaderView {
            rank: i + 1,
            name: r.name.clone(),
            earned: r.earned,
        })
        .collect()
}

/// The caller's balance: the ledger's sum, what is held, what is available.
#[utoipa::path(get, path = "/api/v1/points/balance", operation_id = "getPointsBalance", tag = "points",
    responses((status = 200, body = Balance), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn balance(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Balance>, HttpError> {
    Ok(Json(svc::balance(&state, &who, &ctx).await?.into()))
}

/// The caller's ledger, newest first.
#[utoipa::path(get, path = "/api/v1/points/history", operation_id = "listPointsHistory", tag = "points",
    responses((status = 200, body = Vec<EntryView>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<EntryView>>, HttpError> {
    let rows = svc::history(&state, &who, &ctx).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// Catalog filter.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// Admins: every item, withdrawn and out-of-window ones too.
    pub all: bool,
}

/// The items on offer today (admins: `?all=true` for every item).
#[utoipa::path(get, path = "/api/v1/points/catalog", operation_id = "listPointsCatalog", tag = "points", params(CatalogQuery),
    responses((status = 200, body = Vec<ItemView>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn catalog(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<CatalogQuery>,
) -> Result<Json<Vec<ItemView>>, HttpError> {
    let rows = svc::catalog(&state, &who, &ctx, q.all).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// A catalog item as admins send it (dates as `YYYY-MM-DD`).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ItemRequest {
    /// assistance, event_slot or vuln_reward.
    pub kind: String,
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Description.
    pub description: String,
    /// Points per redemption, at least 1.
    #[serde(deserialize_with = "super::wire::de_number_text")]
    #[schema(value_type = i64, default)]
    pub cost: String,
    /// Units available.
    #[serde(deserialize_with = "super::wire::de_number_text")]
    #[schema(value_type = i64, default)]
    pub stock: String,
    /// First day, YYYY-MM-DD.
    pub valid_from: String,
    /// Last day, YYYY-MM-DD.
    pub valid_until: String,
}

impl From<ItemRequest> for ItemInput {
    fn from(r: ItemRequest) -> Self {
        ItemInput {
            kind: r.kind,
            name_zh: r.name_zh,
            name_en: r.name_en,
            description: r.description,
            cost: r.cost,
            stock: r.stock,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
        }
    }
}

/// Adds a catalog item (admins).
#[utoipa::path(post, path = "/api/v1/points/catalog", operation_id = "createPointsItem", tag = "points", request_body = ItemRequest,
    responses((status = 201, body = ItemView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn create_item(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<ItemRequest>,
) -> Result<(StatusCode, Json<ItemView>), HttpError> {
    let item = svc::create_item(&state, &who, &ctx, &body.into()).await?;
    Ok((StatusCode::CREATED, Json((&item).into())))
}

/// Requests an item: its cost is held until an admin decides.
#[utoipa::path(post, path = "/api/v1/points/redemptions", operation_id = "createRedemption", tag = "points", request_body = RedeemInput,
    responses((status = 201, body = RedemptionView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn redeem(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<RedeemInput>,
) -> Result<(StatusCode, Json<RedemptionView>), HttpError> {
    let r = svc::redeem(&state, &who, &ctx, &body.into()).await?;
    Ok((StatusCode::CREATED, Json((&r).into())))
}

/// Redemption filter.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct RedemptionQuery {
    /// Admins: every held redemption awaiting a decision, instead of one's own.
    pub pending: bool,
}

/// The caller's redemptions, or (admins, `?pending=true`) all those awaiting a decision.
#[utoipa::path(get, path = "/api/v1/points/redemptions", operation_id = "listRedemptions", tag = "points", params(RedemptionQuery),
    responses((status = 200, body = Vec<RedemptionView>), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn redemptions(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<RedemptionQuery>,
) -> Result<Json<Vec<RedemptionView>>, HttpError> {
    let rows = if q.pending {
        svc::pending(&state, &who, &ctx).await?
    } else {
        svc::my_redemptions(&state, &who, &ctx).await?
    };
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// Approves (points spent) or rejects (hold released) a held redemption (admins).
#[utoipa::path(post, path = "/api/v1/points/redemptions/{id}/decision", operation_id = "decideRedemption", tag = "points",
    params(("id" = String, Path, description = "Redemption id")), request_body = DecisionInput,
    responses((status = 200, body = RedemptionView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionInput>,
) -> Result<Json<RedemptionView>, HttpError> {
    let id = id.parse::<Uuid>().map_err(|_| AppError::NotFound)?;
    let r = svc::decide(&state, &who, &ctx, id, &body.into()).await?;
    Ok(Json((&r).into()))
}

/// Adds or takes points by hand, with a reason (admins; audited).
#[utoipa::path(post, path = "/api/v1/points/adjustments", operation_id = "adjustPoints", tag = "points", request_body = AdjustInput,
    responses((status = 201, body = EntryView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn adjust(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(body): ApiJson<AdjustInput>,
) -> Result<(StatusCode, Json<EntryView>), HttpError> {
    let e = svc::adjust(&state, &who, &ctx, &body.into()).await?;
    Ok((StatusCode::CREATED, Json((&e).into())))
}

/// Leaderboard year.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year; empty for this year.
    pub year: Option<i32>,
}

/// Points earned in a year, best first; names left out for those who opted out.
#[utoipa::path(get, path = "/api/v1/points/leaderboard", operation_id = "getPointsLeaderboard", tag = "points", params(YearQuery),
    responses((status = 200, body = Vec<LeaderView>), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn leaderboard(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Vec<LeaderView>>, HttpError> {
    let year = q.year.unwrap_or_else(|| i32::from(state.today().year()));
    let rows = svc::leaderboard(&state, &who, &ctx, year).await?;
    Ok(Json(ranked(&rows)))
}

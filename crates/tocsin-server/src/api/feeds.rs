//! The MISP feed under `/api/v1/feeds/misp/` (a MISP instance subscribes to it with an
//! `Authorization: Bearer` header). Thin calls into `service::feeds`, where the policy's
//! listing scope decides what each caller gets.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tocsin_domain::IntelId;

use super::ApiErrorBody;
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::feeds as svc;

fn text(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The MISP feed's manifest: every shared record the caller may see, as MISP events
/// keyed by uuid.
#[utoipa::path(get, path = "/api/v1/feeds/misp/manifest.json", operation_id = "getMispManifest", tag = "feeds",
    responses((status = 200, body = Object), (status = 401, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn misp_manifest(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<serde_json::Value>, HttpError> {
    Ok(Json(svc::misp_manifest(&state, &who, &ctx).await?))
}

/// The MISP feed's hashes: `<md5 of an indicator>,<event uuid>` a line.
#[utoipa::path(get, path = "/api/v1/feeds/misp/hashes.csv", operation_id = "getMispHashes", tag = "feeds",
    responses((status = 200, body = String, content_type = "text/csv"), (status = 401, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn misp_hashes(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Response, HttpError> {
    let body = svc::misp_hashes(&state, &who, &ctx).await?;
    Ok(text("text/csv; charset=utf-8", body))
}

/// One MISP event (`<uuid>.json`): a shared record the caller may read.
#[utoipa::path(get, path = "/api/v1/feeds/misp/{file}", operation_id = "getMispEvent", tag = "feeds",
    params(("file" = String, Path, description = "The record's id followed by .json")),
    responses((status = 200, body = Object), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn misp_event(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(file): Path<String>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let id: IntelId = file
        .strip_suffix(".json")
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::NotFound)?;
    Ok(Json(svc::misp_event(&state, &who, &ctx, id).await?))
}

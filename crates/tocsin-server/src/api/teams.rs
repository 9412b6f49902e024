//! `/api/v1/teams`: the directory of other CSIRTs (list, add or change, load and export a
//! directory file in FIRST's or Trusted Introducer's shape, which team answers for an
//! address), and `/api/v1/reports/{tracking}/forwards`: the case's threads with teams.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tocsin_app::Ctx;
use tocsin_app::service::forward::{self, ForwardInput, ThreadView};
use tocsin_app::service::teams::{self as svc, ImportOutcome};
use tocsin_domain::team::{Constituency, TeamInput};
use tocsin_storage::TeamRow;
use utoipa::{IntoParams, ToSchema};

use super::wire::TextInput;
use super::{ApiErrorBody, ApiJson};
use crate::auth::CurrentUser;
use crate::error::HttpError;
use crate::state::AppState;

/// What a team answers for.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ConstituencyBody {
    /// ISO country codes.
    pub countries: Vec<String>,
    /// ccTLDs without the dot.
    pub cctlds: Vec<String>,
    /// Domains (with every name under them).
    pub domains: Vec<String>,
    /// IP ranges as CIDR.
    pub cidrs: Vec<String>,
    /// AS numbers.
    pub asns: Vec<u32>,
}

impl From<Constituency> for ConstituencyBody {
    fn from(c: Constituency) -> Self {
        ConstituencyBody {
            countries: c.countries,
            cctlds: c.cctlds,
            domains: c.domains,
            cidrs: c.cidrs,
            asns: c.asns,
        }
    }
}

impl From<ConstituencyBody> for Constituency {
    fn from(c: ConstituencyBody) -> Self {
        Constituency {
            countries: c.countries,
            cctlds: c.cctlds,
            domains: c.domains,
            cidrs: c.cidrs,
            asns: c.asns,
        }
    }
}

/// A team as an admin gives it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TeamRequest {
    /// Name (an existing team of this name is updated).
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// What it answers for.
    pub constituency: ConstituencyBody,
    /// Contact address.
    pub email: String,
    /// Emergency phone.
    pub emergency_phone: String,
    /// Armored OpenPGP public key.
    pub pgp_key: String,
    /// The key's fingerprint (checked against the key; taken from it when empty).
    pub pgp_fingerprint: String,
    /// Accreditation or listing (FIRST member, Trusted Introducer accredited…).
    pub accreditation: String,
    /// Language to write in (`en` when empty).
    pub language: String,
    /// Notes.
    pub notes: String,
}

impl From<TeamRequest> for TeamInput {
    fn from(t: TeamRequest) -> Self {
        TeamInput {
            name: t.name,
            country: t.country,
            constituency: t.constituency.into(),
            email: t.email,
            emergency_phone: t.emergency_phone,
            pgp_key: t.pgp_key,
            pgp_fingerprint: t.pgp_fingerprint,
            accreditation: t.accreditation,
            language: t.language,
            notes: t.notes,
        }
    }
}

/// A team of the directory.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamView {
    /// Id.
    pub id: String,
    /// Its fields.
    #[serde(flatten)]
    pub team: TeamRequest,
}

impl From<TeamRow> for TeamView {
    fn from(t: TeamRow) -> Self {
        let i = t.input();
        TeamView {
            id: t.id.to_string(),
            team: TeamRequest {
                name: i.name,
                country: i.country,
                constituency: i.constituency.into(),
                email: i.email,
                emergency_phone: i.emergency_phone,
                pgp_key: i.pgp_key,
                pgp_fingerprint: i.pgp_fingerprint,
                accreditation: i.accreditation,
                language: i.language,
                notes: i.notes,
            },
        }
    }
}

/// What loading a directory file did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// `first` or `ti`.
    pub shape: String,
    /// Teams added.
    pub created: usize,
    /// Teams updated.
    pub updated: usize,
    /// Teams left out: name and the refused fields' message ids.
    pub refused: Vec<RefusedView>,
}

/// A team left out of a load.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RefusedView {
    /// Its name or position.
    pub team: String,
    /// Field → message id.
    pub fields: std::collections::BTreeMap<String, String>,
}

impl From<ImportOutcome> for ImportView {
    fn from(o: ImportOutcome) -> Self {
        ImportView {
            shape: o.shape,
            created: o.created,
            updated: o.updated,
            refused: o
                .refused
                .into_iter()
                .map(|r| RefusedView {
                    team: r.team,
                    fields: r.fields.into_iter().collect(),
                })
                .collect(),
        }
    }
}

/// List every team (staff).
#[utoipa::path(get, path = "/api/v1/teams", operation_id = "listTeams", tag = "teams",
    responses((status = 200, body = [TeamView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<TeamView>>, HttpError> {
    let teams = svc::list(&state, &who, &ctx).await?;
    Ok(Json(teams.into_iter().map(TeamView::from).collect()))
}

/// Add a team, or change the one of the same name (admins). The OpenPGP key must be a
/// public key whose fingerprint is the one given.
#[utoipa::path(post, path = "/api/v1/teams", operation_id = "saveTeam", tag = "teams", request_body = TeamRequest,
    responses((status = 201, body = TeamView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(t): ApiJson<TeamRequest>,
) -> Result<(StatusCode, Json<TeamView>), HttpError> {
    let row = svc::save(&state, &who, &ctx, t.into()).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One team (staff).
#[utoipa::path(get, path = "/api/v1/teams/{id}", operation_id = "getTeam", tag = "teams",
    params(("id" = String, Path, description = "Team id")),
    responses((status = 200, body = TeamView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<TeamView>, HttpError> {
    Ok(Json(svc::get(&state, &who, &ctx, &id).await?.into()))
}

/// Load a directory file as downloaded: FIRST's teams API answer or a Trusted
/// Introducer team export (admins). Valid teams are added or updated; the others listed.
#[utoipa::path(post, path = "/api/v1/teams/import", operation_id = "importTeams", tag = "teams",
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200, body = ImportView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    body: Bytes,
) -> Result<Json<ImportView>, HttpError> {
    Ok(Json(svc::import(&state, &who, &ctx, &body).await?.into()))
}

/// Which directory shape.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ShapeQuery {
    /// `first` (default) or `ti`.
    pub shape: String,
}

/// The directory as a file in FIRST's or Trusted Introducer's shape (staff).
#[utoipa::path(get, path = "/api/v1/teams/export", operation_id = "exportTeams", tag = "teams", params(ShapeQuery),
    responses((status = 200, body = Object), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<ShapeQuery>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let shape = if q.shape.trim().is_empty() {
        "first"
    } else {
        q.shape.as_str()
    };
    Ok(Json(svc::export(&state, &who, &ctx, shape).await?))
}

/// What to find the team of.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TargetQuery {
    /// An IP address, a domain or a URL.
    pub target: String,
}

/// The team that answers for a target.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    /// The team, if any covers the target.
    pub team: Option<TeamView>,
    /// How it matched: `cidr`, `domain`, `cctld` or `country`.
    pub matched: String,
}

/// The team whose constituency covers an IP, a domain or a URL most specifically (staff).
#[utoipa::path(get, path = "/api/v1/teams/suggest", operation_id = "suggestTeam", tag = "teams", params(TargetQuery),
    responses((status = 200, body = SuggestionView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn suggest(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<TargetQuery>,
) -> Result<Json<SuggestionView>, HttpError> {
    let s = svc::suggest(&state, &who, &ctx, &q.target).await?;
    Ok(Json(match s {
        Some(s) => SuggestionView {
            team: Some(s.team.into()),
            matched: s.matched.to_string(),
        },
        None => SuggestionView {
            team: None,
            matched: String::new(),
        },
    }))
}

/// A forward of a case to teams.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ForwardRequest {
    /// Team ids.
    pub team_ids: Vec<String>,
    /// TLP of the forward: clear, green, amber, amber+strict or red.
    pub tlp: String,
    /// The reporter agreed to have their identity passed on.
    pub identity_consented: bool,
    /// Evidence files to attach, by id.
    pub attachment_ids: Vec<String>,
    /// The desk's note to the team.
    pub note: String,
}

impl From<ForwardRequest> for ForwardInput {
    fn from(f: ForwardRequest) -> Self {
        ForwardInput {
            team_ids: f.team_ids,
            tlp: f.tlp,
            identity_consented: f.identity_consented,
            attachment_ids: f.attachment_ids,
            note: f.note,
        }
    }
}

/// A case's thread with a team.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ThreadBody {
    /// Id.
    pub id: String,
    /// The team's id.
    pub team_id: String,
    /// The team's name.
    pub team: String,
    /// `forward` or `request`.
    pub direction: String,
    /// sent, acknowledged, resolved or no_answer.
    pub state: String,
    /// TLP of the forward.
    pub tlp: String,
    /// The reporter's identity went with it.
    pub identity_consented: bool,
    /// The team's ticket number, once known.
    pub their_ticket: String,
    /// When the team is reminded, microseconds since the epoch, if it is.
    pub remind_at: Option<i64>,
}

impl From<ThreadView> for ThreadBody {
    fn from(v: ThreadView) -> Self {
        let t = v.thread;
        ThreadBody {
            id: t.id.to_string(),
            team_id: t.team_id.to_string(),
            team: v.team_name,
            direction: t.direction,
            state: t.state.as_str().to_string(),
            tlp: t.tlp,
            identity_consented: t.identity_consented,
            their_ticket: t.their_ticket,
            remind_at: t.remind_at.micros(),
        }
    }
}

/// Forward a case to teams of the directory (staff allowed to work it).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/forwards", operation_id = "forwardReport", tag = "teams", request_body = ForwardRequest,
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 201, body = [ThreadBody]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn create_forward(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    ApiJson(f): ApiJson<ForwardRequest>,
) -> Result<(StatusCode, Json<Vec<ThreadBody>>), HttpError> {
    forward::forward(&state, &who, &ctx, &tracking, &f.into()).await?;
    let threads = forward::threads(&state, &who, &ctx, &tracking).await?;
    Ok((
        StatusCode::CREATED,
        Json(threads.into_iter().map(ThreadBody::from).collect()),
    ))
}

/// A case's threads with teams (the desk).
#[utoipa::path(get, path = "/api/v1/reports/{tracking}/forwards", operation_id = "listReportForwards", tag = "teams",
    params(("tracking" = String, Path, description = "Tracking number")),
    responses((status = 200, body = [ThreadBody]), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn list_forwards(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Result<Json<Vec<ThreadBody>>, HttpError> {
    let threads = forward::threads(&state, &who, &ctx, &tracking).await?;
    Ok(Json(threads.into_iter().map(ThreadBody::from).collect()))
}

/// A thread's new state.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ThreadStateRequest {
    /// acknowledged, resolved or no_answer.
    pub state: String,
}

/// Change a thread's state (the desk).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/forwards/{id}/state", operation_id = "setForwardState", tag = "teams", request_body = ThreadStateRequest,
    params(("tracking" = String, Path, description = "Tracking number"), ("id" = String, Path, description = "Thread id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn set_state(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
    ApiJson(s): ApiJson<ThreadStateRequest>,
) -> Result<StatusCode, HttpError> {
    forward::set_state(&state, &who, &ctx, &tracking, &id, &s.state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answer a team in its thread (the desk).
#[utoipa::path(post, path = "/api/v1/reports/{tracking}/forwards/{id}/answer", operation_id = "answerTeam", tag = "teams", request_body = TextInput,
    params(("tracking" = String, Path, description = "Tracking number"), ("id" = String, Path, description = "Thread id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
    ApiJson(t): ApiJson<TextInput>,
) -> Result<StatusCode, HttpError> {
    forward::answer(&state, &who, &ctx, &tracking, &id, &t.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

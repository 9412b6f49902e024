//! The JSON API under `/api/v1`: bearer tokens (or a session), one error shape
//! (`{"error", "message", "fields"}`), and an OpenAPI 3.1 document generated from these
//! handlers at `/api/v1/openapi.json`.
//!
//! Client generators are built from that document, so it must stay valid (CI runs
//! openapi-spec-validator on it; `tests/it/api.rs` holds the rules): every
//! `#[utoipa::path]` names its `operation_id` by verb and resource in camelCase
//! (`listIntel`, `getReport`, `transitionVulnerability`), unique in the document; a query
//! string is an `IntoParams` struct with `#[into_params(parameter_in = Query)]` (utoipa's
//! default is the path); numbers are JSON numbers, typed so in the schema.

pub mod blocklist;
pub mod feeds;
pub mod intel;
pub mod mail;
pub mod matching;
pub mod phishing;
pub mod points;
pub mod referral;
pub mod reports;
pub mod teams;
pub mod virus;
pub mod vuln;
pub mod wire;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use base64::Engine;
use serde::{Deserialize, Serialize};
use tocsin_storage::{ApiToken, AuditEntry, AuditFilter, Organization};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::wire::{OrgInput, UserAccessInput, UserInput, UserView};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::{self};

/// A JSON body whose rejection is our error shape.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = HttpError;
    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge.into())
            }
            Err(r) => Err(AppError::BadRequest(r.body_text()).into()),
        }
    }
}

/// A report as the API takes it: the kind's own fields, read straight into the domain's
/// input type (the `*Request` schema types only document them), plus inline files and,
/// for vulnerability reports, the TXT form.
pub struct ReportBody<T> {
    /// The kind's fields.
    pub input: T,
    /// Inline files (`attachments`).
    pub files: Vec<tocsin_app::service::reports::Upload>,
    /// The TXT form (`txt_base64`), if sent.
    pub txt: Option<Vec<u8>>,
}

/// The parts of a report body that are not the kind's own fields.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Inline {
    attachments: Vec<reports::ApiAttachment>,
    txt_base64: String,
}

/// Splits a JSON report body into the kind's input and its inline files; a bad shape is
/// a 400, bad base64 a 422 naming the field.
pub fn report_body<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<ReportBody<T>, HttpError> {
    let bad = |e: serde_json::Error| AppError::BadRequest(e.to_string());
    let inline: Inline = serde_json::from_value(value.clone()).map_err(bad)?;
    let input: T = serde_json::from_value(value).map_err(bad)?;
    let files = phishing::decode_attachments(&inline.attachments)?;
    let txt = match inline.txt_base64.trim() {
        "" => None,
        b => Some(
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|_| AppError::field("txt_base64", "error-base64"))?,
        ),
    };
    Ok(ReportBody { input, files, txt })
}

/// The API's error shape.
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Stable code: validation, unauthorized, forbidden, cross_site, not_found,
    /// rate_limited, bad_request, internal.
    pub error: String,
    /// A message in the request's language.
    pub message: String,
    /// Per-field messages, for `validation`.
    #[schema(value_type = Option<Object>)]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

/// An organization.
#[derive(Serialize, ToSchema)]
pub struct OrgView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Sector.
    pub sector: String,
    /// Kind.
    pub kind: String,
    /// Alliance member.
    pub alliance_member: bool,
    /// Created (RFC 3339).
    pub created_at: String,
}

impl From<&Organization> for OrgView {
    fn from(o: &Organization) -> Self {
        OrgView {
            id: o.id.to_string(),
            name: o.name.clone(),
            sector: o.sector.clone(),
            kind: o.kind.as_str().to_string(),
            alliance_member: o.alliance_member,
            created_at: o.created_at.rfc3339(),
        }
    }
}

/// Answer to GET /healthz.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// Liveness: the process serves requests. It touches nothing else, so a stopped database
/// does not make an orchestrator restart a healthy process (that is `/readyz`).
#[utoipa::path(get, path = "/healthz", operation_id = "getHealth", tag = "meta",
    responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers within a second. 503 with Retry-After otherwise, so a
/// load balancer sends requests elsewhere.
#[utoipa::path(get, path = "/readyz", operation_id = "getReadiness", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        service::database_reachable(&state),
    )
    .await;
    match ping {
        Ok(Ok(())) => Json(Health {
            status: "ok".into(),
        })
        .into_response(),
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => "no answer within 1 s".into(),
            };
            tracing::error!(error = %why, "readiness: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    axum::http::header::RETRY_AFTER,
                    crate::error::RETRY_AFTER_SECONDS,
                )],
                Json(Health {
                    status: "database unavailable".into(),
                }),
            )
                .into_response()
        }
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "getMe", tag = "accounts",
    responses((status = 200, body = UserView), (status = 401, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn me(who: CurrentUser) -> Result<Json<UserView>, HttpError> {
    let u = who.user().ok_or(AppError::Unauthorized)?;
    Ok(Json(UserView::from(u)))
}

/// All organizations (staff).
#[utoipa::path(get, path = "/api/v1/orgs", operation_id = "listOrgs", tag = "organizations",
    responses((status = 200, body = [OrgView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn list_orgs(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<OrgView>>, HttpError> {
    let orgs = service::list_orgs(&state, &who, &ctx).await?;
    Ok(Json(orgs.iter().map(OrgView::from).collect()))
}

/// Creates an organization (admin).
#[utoipa::path(post, path = "/api/v1/orgs", operation_id = "createOrg", tag = "organizations", request_body = OrgInput,
    responses((status = 201, body = OrgView), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn create_org(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<(StatusCode, Json<OrgView>), HttpError> {
    let org = service::create_org(&state, &who, &ctx, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(OrgView::from(&org))))
}

/// One organization (staff, or its members).
#[utoipa::path(get, path = "/api/v1/orgs/{id}", operation_id = "getOrg", tag = "organizations",
    params(("id" = String, Path, description = "Organization id")),
    responses((status = 200, body = OrgView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn get_org(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<OrgView>, HttpError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(OrgView::from(
        &service::get_org(&state, &who, &ctx, id).await?,
    )))
}

/// Replaces an organization's name, sector, kind and alliance membership (admin).
#[utoipa::path(put, path = "/api/v1/orgs/{id}", operation_id = "updateOrg", tag = "organizations", request_body = OrgInput,
    params(("id" = String, Path, description = "Organization id")),
    responses((status = 200, body = OrgView), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn update_org(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<Json<OrgView>, HttpError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(OrgView::from(
        &service::update_org(&state, &who, &ctx, id, &input.into()).await?,
    )))
}

/// One user (staff, oneself, or a member of the same organization).
#[utoipa::path(get, path = "/api/v1/users/{id}", operation_id = "getUser", tag = "accounts",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn get_user(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<UserView>, HttpError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(UserView::from(
        &service::get_user(&state, &who, &ctx, id).await?,
    )))
}

/// Replaces a user's name, organization, roles and disabled flag (admin; not oneself).
#[utoipa::path(put, path = "/api/v1/users/{id}", operation_id = "updateUser", tag = "accounts", request_body = UserAccessInput,
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn update_user(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<UserAccessInput>,
) -> Result<Json<UserView>, HttpError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(UserView::from(
        &service::update_user_access(&state, &who, &ctx, id, &input.into()).await?,
    )))
}

/// All users (staff).
#[utoipa::path(get, path = "/api/v1/users", operation_id = "listUsers", tag = "accounts",
    responses((status = 200, body = [UserView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<UserView>>, HttpError> {
    let users = service::list_users(&state, &who, &ctx).await?;
    Ok(Json(users.iter().map(UserView::from).collect()))
}

/// Creates a user (admin).
#[utoipa::path(post, path = "/api/v1/users", operation_id = "createUser", tag = "accounts", request_body = UserInput,
    responses((status = 201, body = UserView), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<UserView>), HttpError> {
    let user = service::create_user(&state, &who, &ctx, &input.into()).await?;
    Ok((StatusCode::CREATED, Json(UserView::from(&user))))
}

/// An API token (without its secret).
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    /// Id.
    pub id: String,
    /// Label.
    pub name: String,
    /// Created.
    pub created_at: String,
    /// Last used.
    pub last_used_at: Option<String>,
    /// Revoked.
    pub revoked_at: Option<String>,
}

impl From<&ApiToken> for TokenView {
    fn from(t: &ApiToken) -> Self {
        TokenView {
            id: t.id.to_string(),
            name: t.name.clone(),
            created_at: t.created_at.rfc3339(),
            last_used_at: t.last_used_at.0.map(|x| x.rfc3339()),
            revoked_at: t.revoked_at.0.map(|x| x.rfc3339()),
        }
    }
}

/// A request for a new token.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewTokenInput {
    /// A label, e.g. the script that uses it.
    pub name: String,
}

/// A new token: the secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct NewTokenView {
    /// The token record.
    #[serde(flatten)]
    pub token: TokenView,
    /// The secret, for `Authorization: Bearer …`.
    pub secret: String,
}

/// The caller's tokens.
#[utoipa::path(get, path = "/api/v1/tokens", operation_id = "listTokens", tag = "accounts",
    responses((status = 200, body = [TokenView]), (status = 401, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn list_tokens(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Result<Json<Vec<TokenView>>, HttpError> {
    let t = service::list_tokens(&state, &who, &ctx).await?;
    Ok(Json(t.iter().map(TokenView::from).collect()))
}

/// Creates a token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", operation_id = "createToken", tag = "accounts", request_body = NewTokenInput,
    responses((status = 201, body = NewTokenView), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    ApiJson(input): ApiJson<NewTokenInput>,
) -> Result<(StatusCode, Json<NewTokenView>), HttpError> {
    let (tok, secret) = service::create_token(&state, &who, &ctx, &input.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenView {
            token: TokenView::from(&tok),
            secret,
        }),
    ))
}

/// Revokes a token (its owner or an admin).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", operation_id = "revokeToken", tag = "accounts",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    service::revoke_token(&state, &who, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the audit log.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Actor (e.g. an email), exact.
    pub actor: Option<String>,
    /// Action prefix, e.g. `auth.`.
    pub action: Option<String>,
    /// Target kind.
    pub target_kind: Option<String>,
    /// Target id.
    pub target_id: Option<String>,
    /// Entries older than this entry id.
    pub before: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// An audit entry.
#[derive(Serialize, ToSchema)]
pub struct AuditView {
    /// Id.
    pub id: String,
    /// When.
    pub at: String,
    /// Actor.
    pub actor: String,
    /// Action.
    pub action: String,
    /// Target kind.
    pub target_kind: String,
    /// Target id.
    pub target_id: String,
    /// Detail.
    pub detail: String,
    /// Client address.
    pub ip: String,
    /// Request id.
    pub request_id: String,
}

impl From<&AuditEntry> for AuditView {
    fn from(a: &AuditEntry) -> Self {
        AuditView {
            id: a.id.to_string(),
            at: a.at.rfc3339(),
            actor: a.actor.clone(),
            action: a.action.clone(),
            target_kind: a.target_kind.clone(),
            target_id: a.target_id.clone(),
            detail: a.detail.clone(),
            ip: a.ip.clone(),
            request_id: a.request_id.clone(),
        }
    }
}

/// The audit log, newest first (admin).
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "listAudit", tag = "audit", params(AuditParams),
    responses((status = 200, body = [AuditView]), (status = 401, body = ApiErrorBody), (status = 403, body = ApiErrorBody)),
    security(("bearer" = [])))]
async fn list_audit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<AuditView>>, HttpError> {
    let filter = AuditFilter {
        actor: p.actor,
        action: p.action,
        target_kind: p.target_kind,
        target_id: p.target_id,
        before: p.before.and_then(|b| b.parse().ok()),
        limit: p.limit.unwrap_or(100),
    };
    let entries = service::list_audit(&state, &who, &ctx, &filter).await?;
    Ok(Json(entries.iter().map(AuditView::from).collect()))
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "tocsin API", description = "The reporting desk, vulnerability coordination and intel sharing of a national CERT."),
    modifiers(&BearerAuth),
    components(schemas(ApiErrorBody))
)]
struct ApiDoc;

/// The API routes and the OpenAPI document describing them.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(me))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_audit))
        .routes(routes!(reports::create_incident))
        .routes(routes!(reports::list))
        .routes(routes!(reports::get))
        .routes(routes!(reports::transition))
        .routes(routes!(reports::note))
        .routes(routes!(reports::message))
        .routes(routes!(reports::info))
        .routes(routes!(reports::assign))
        .routes(routes!(reports::classify))
        .routes(routes!(phishing::create))
        .routes(routes!(phishing::list))
        .routes(routes!(phishing::get))
        .routes(routes!(phishing::transition))
        .routes(routes!(phishing::add_contact))
        .routes(routes!(phishing::rdap))
        .routes(routes!(phishing::notify))
        .routes(routes!(phishing::evidence))
        .routes(routes!(phishing::fetch))
        .routes(routes!(phishing::feed_json))
        .routes(routes!(phishing::feed_txt))
        .routes(routes!(phishing::feed_csv))
        .routes(routes!(phishing::feed_stix))
        .routes(routes!(blocklist::txt))
        .routes(routes!(blocklist::csv))
        .routes(routes!(vuln::create))
        .routes(routes!(vuln::list))
        .routes(routes!(vuln::get))
        .routes(routes!(vuln::transition))
        .routes(routes!(vuln::vendor))
        .routes(routes!(vuln::duplicate_of))
        .routes(routes!(vuln::notify_vendor))
        .routes(routes!(vuln::assign_cve))
        .routes(routes!(vuln::advisory))
        .routes(routes!(vuln::cve_record))
        .routes(routes!(vuln::reject_cve))
        .routes(routes!(vuln::load_cve_ids))
        .routes(routes!(vuln::advisories))
        .routes(routes!(vuln::advisories_stix))
        .routes(routes!(vuln::advisory_one))
        .routes(routes!(intel::create, intel::list))
        .routes(routes!(intel::create_txt))
        .routes(routes!(intel::create_stix))
        .routes(routes!(intel::get, intel::update))
        .routes(routes!(intel::txt))
        .routes(routes!(intel::stix))
        .routes(routes!(intel::share))
        .routes(routes!(intel::withdraw))
        .routes(routes!(matching::match_json))
        .routes(routes!(matching::match_stream))
        .routes(routes!(intel::deliveries))
        .routes(routes!(intel::feedback))
        .routes(routes!(intel::reshare))
        .routes(routes!(intel::observables))
        .routes(routes!(intel::from_incident))
        .routes(routes!(intel::groups, intel::create_group))
        .routes(routes!(intel::add_member, intel::remove_member))
        .routes(routes!(mail::receive, mail::list))
        .routes(routes!(mail::eml))
        .routes(routes!(mail::limits))
        .routes(routes!(points::balance))
        .routes(routes!(points::history))
        .routes(routes!(points::catalog, points::create_item))
        .routes(routes!(points::redeem, points::redemptions))
        .routes(routes!(points::decide))
        .routes(routes!(points::adjust))
        .routes(routes!(points::leaderboard))
        .routes(routes!(feeds::misp_manifest))
        .routes(routes!(feeds::misp_hashes))
        .routes(routes!(feeds::misp_event))
        .routes(routes!(referral::list))
        .routes(routes!(referral::of_report))
        .routes(routes!(referral::consent))
        .routes(routes!(referral::offer))
        .routes(routes!(referral::choose))
        .routes(routes!(referral::rate))
        .routes(routes!(referral::accept))
        .routes(routes!(referral::withdraw))
        .routes(routes!(referral::outcome))
        .routes(routes!(teams::list, teams::save))
        .routes(routes!(teams::import))
        .routes(routes!(teams::export))
        .routes(routes!(teams::suggest))
        .routes(routes!(teams::get))
        .routes(routes!(teams::create_forward, teams::list_forwards))
        .routes(routes!(teams::set_state))
        .routes(routes!(teams::answer))
        .routes(routes!(virus::create))
        .routes(routes!(virus::get))
        .split_for_parts();
    let doc = api.clone();
    let router = router.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { Json(doc) }
        }),
    );
    (router, api)
}

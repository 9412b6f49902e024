//! The TAXII 2.1 server at `/taxii2/` (OASIS TAXII 2.1): discovery, one API root
//! (`/taxii2/api/`), collections (one per sharing group), objects (get with `added_after`,
//! `limit`/`next`, `match[id|type|version|spec_version]`; post answering 202 with a status
//! resource), object by id, versions, manifest, delete, and status.
//!
//! Thin handlers over `service::taxii`. Each checks the media types first (`Accept` must
//! allow `application/taxii+json;version=2.1`: else 406; a POST must be
//! `application/taxii+json;version=2.1` or `application/stix+json;version=2.1`: else 415;
//! over `max_content_length`: 413), then who is calling: HTTP Basic (email and an API token
//! or the password) or `Authorization: Bearer` with an API token; nobody: 401. Errors are
//! TAXII error messages (`title`, `http_status`, `description`), never the API's shape.
//! Pages carry `X-TAXII-Date-Added-First` and `-Last`.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tocsin_storage::taxii::VersionMatch;
use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError};
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::taxii::{self as svc, ObjectFilter, TAXII_MEDIA};

/// The routes under `/taxii2/`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/api/", get(api_root))
        .route("/taxii2/api/status/{id}/", get(status))
        .route("/taxii2/api/collections/", get(collections))
        .route("/taxii2/api/collections/{id}/", get(collection))
        .route(
            "/taxii2/api/collections/{id}/objects/",
            get(get_objects).post(post_objects),
        )
        .route(
            "/taxii2/api/collections/{id}/objects/{object_id}/",
            get(get_object).delete(delete_object),
        )
        .route(
            "/taxii2/api/collections/{id}/objects/{object_id}/versions/",
            get(get_versions),
        )
        .route("/taxii2/api/collections/{id}/manifest/", get(get_manifest))
}

/// A TAXII error message.
fn error(status: StatusCode, title: &str, description: &str) -> Response {
    let body = json!({
        "title": title,
        "http_status": status.as_u16().to_string(),
        "description": description,
    });
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"tocsin TAXII\", Bearer"),
        );
    }
    r
}

/// An error of the services as a TAXII error (internal details logged, never shown).
fn app_error(e: AppError) -> Response {
    let status = crate::error::status(&e);
    let description = match &e {
        AppError::BadRequest(m) => m.clone(),
        AppError::Validation(f) => f
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.code))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Internal(detail) => {
            tracing::error!(%detail, "taxii");
            String::new()
        }
        _ => String::new(),
    };
    error(status, e.code(), &description)
}

fn ok(status: StatusCode, body: Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA));
    r
}

/// Whether a media-type list (`Accept`) allows TAXII 2.1 JSON.
fn accepts_taxii(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    accept.split(',').any(|m| {
        let parts: Vec<String> = m
            .split(';')
            .map(|p| p.trim().to_ascii_lowercase().replace(' ', ""))
            .collect();
        let Some(kind) = parts.first() else {
            return false;
        };
        let version_ok = parts
            .iter()
            .skip(1)
            .filter_map(|p| p.strip_prefix("version="))
            .all(|v| v == "2.1");
        (kind == "application/taxii+json" && version_ok) || kind == "*/*" || kind == "application/*"
    })
}

/// Whether a POST body's `Content-Type` is one we read.
fn content_type_ok(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let norm = ct.to_ascii_lowercase().replace(' ', "");
    norm == "application/taxii+json;version=2.1" || norm == "application/stix+json;version=2.1"
}

/// Who is calling: Basic, bearer (through `CurrentUser`), or a 401/406.
async fn caller(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    current: Result<CurrentUser, HttpError>,
) -> Result<CurrentUser, Response> {
    if !accepts_taxii(headers) {
        return Err(error(
            StatusCode::NOT_ACCEPTABLE,
            "not acceptable",
            "this server answers application/taxii+json;version=2.1",
        ));
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("Basic "));
    let who = match basic {
        Some(v) => {
            let Some((email, secret)) = svc::decode_basic(v) else {
                return Err(error(StatusCode::UNAUTHORIZED, "unauthorized", ""));
            };
            match svc::basic_user(state, ctx, &email, &secret).await {
                Ok(Some(u)) => u,
                Ok(None) => return Err(error(StatusCode::UNAUTHORIZED, "unauthorized", "")),
                Err(e) => return Err(app_error(e)),
            }
        }
        None => current.map_err(|e| app_error(e.0))?,
    };
    if who.user().is_none() {
        return Err(error(StatusCode::UNAUTHORIZED, "unauthorized", ""));
    }
    Ok(who)
}

fn root_url(state: &AppState) -> String {
    format!(
        "{}/taxii2/api/",
        state.config.public_url.trim_end_matches('/')
    )
}

async fn discovery(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
) -> Response {
    if let Err(r) = caller(&state, &ctx, &headers, current).await {
        return r;
    }
    let root = root_url(&state);
    ok(
        StatusCode::OK,
        json!({
            "title": format!("{} TAXII", state.config.operator.name_en),
            "description": "Threat intelligence shared under TLP, one collection per sharing group.",
            "default": root,
            "api_roots": [root],
        }),
    )
}

async fn api_root(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
) -> Response {
    if let Err(r) = caller(&state, &ctx, &headers, current).await {
        return r;
    }
    ok(
        StatusCode::OK,
        json!({
            "title": "tocsin intel sharing",
            "versions": [TAXII_MEDIA],
            "max_content_length": state.config.body_limit(),
        }),
    )
}

async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path(id): Path<String>,
) -> Response {
    let who = match caller(&state, &ctx, &headers, current).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "");
    };
    match svc::status(&state, &who, id).await {
        Ok(v) => ok(StatusCode::OK, v),
        Err(e) => app_error(e),
    }
}

async fn collections(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
) -> Response {
    let who = match caller(&state, &ctx, &headers, current).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    match svc::collections(&state, &who).await {
        Ok(list) if list.is_empty() => ok(StatusCode::OK, json!({})),
        Ok(list) => ok(StatusCode::OK, json!({ "collections": list })),
        Err(e) => app_error(e),
    }
}

/// A collection id from the path: not a UUID is "not found".
fn collection_id(s: &str) -> Option<Uuid> {
    Uuid::parse_str(s).ok()
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "")
}

async fn collection(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path(id): Path<String>,
) -> Response {
    let who = match caller(&state, &ctx, &headers, current).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Some(id) = collection_id(&id) else {
        return not_found();
    };
    match svc::get_collection(&state, &who, &ctx, id).await {
        Ok(v) => ok(StatusCode::OK, json!(v)),
        Err(e) => app_error(e),
    }
}

/// A page as a response, with the date-added headers.
fn page_response(p: &svc::Page, body: String) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA));
    if let Some((first, last)) = p.date_added_range()
        && let (Ok(f), Ok(l)) = (HeaderValue::from_str(&first), HeaderValue::from_str(&last))
    {
        r.headers_mut().insert("X-TAXII-Date-Added-First", f);
        r.headers_mut().insert("X-TAXII-Date-Added-Last", l);
    }
    r
}

/// What get-objects, manifest, versions and object-by-id share: who, which collection,
/// the filter, one page.
async fn paged(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    current: Result<CurrentUser, HttpError>,
    (id, object): (&str, Option<&str>),
    pairs: &[(String, String)],
    default_version: VersionMatch,
) -> Result<svc::Page, Response> {
    let who = caller(state, ctx, headers, current).await?;
    let id = collection_id(id).ok_or_else(not_found)?;
    let f = ObjectFilter::from_pairs(pairs);
    svc::page(state, &who, ctx, id, &f, object, default_version)
        .await
        .map_err(app_error)
}

async fn get_objects(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match paged(
        &state,
        &ctx,
        &headers,
        current,
        (&id, None),
        &pairs,
        VersionMatch::Last,
    )
    .await
    {
        Ok(p) => page_response(&p, svc::envelope(&p)),
        Err(r) => r,
    }
}

async fn get_manifest(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match paged(
        &state,
        &ctx,
        &headers,
        current,
        (&id, None),
        &pairs,
        VersionMatch::Last,
    )
    .await
    {
        Ok(p) => page_response(&p, svc::manifest(&p).to_string()),
        Err(r) => r,
    }
}

async fn get_object(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path((id, object_id)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let object = Some(object_id.as_str());
    match paged(
        &state,
        &ctx,
        &headers,
        current,
        (&id, object),
        &pairs,
        VersionMatch::Last,
    )
    .await
    {
        Ok(p) if p.rows.is_empty() => error(StatusCode::NOT_FOUND, "not_found", ""),
        Ok(p) => page_response(&p, svc::envelope(&p)),
        Err(r) => r,
    }
}

async fn get_versions(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path((id, object_id)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let object = Some(object_id.as_str());
    match paged(
        &state,
        &ctx,
        &headers,
        current,
        (&id, object),
        &pairs,
        VersionMatch::All,
    )
    .await
    {
        Ok(p) if p.rows.is_empty() => error(StatusCode::NOT_FOUND, "not_found", ""),
        Ok(p) => page_response(&p, svc::versions(&p).to_string()),
        Err(r) => r,
    }
}

async fn delete_object(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path((id, object_id)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let who = match caller(&state, &ctx, &headers, current).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Some(id) = collection_id(&id) else {
        return not_found();
    };
    let f = ObjectFilter::from_pairs(&pairs);
    match svc::delete_object(&state, &who, &ctx, id, &object_id, &f).await {
        Ok(()) => ok(StatusCode::OK, json!({})),
        Err(e) => app_error(e),
    }
}

async fn post_objects(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    current: Result<CurrentUser, HttpError>,
    Path(id): Path<String>,
    body: Body,
) -> Response {
    let who = match caller(&state, &ctx, &headers, current).await {
        Ok(w) => w,
        Err(r) => return r,
    };
    let Some(id) = collection_id(&id) else {
        return not_found();
    };
    if !content_type_ok(&headers) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported media type",
            "post application/taxii+json;version=2.1",
        );
    }
    let limit = state.config.body_limit();
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!("max_content_length is {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return too_large();
    };
    match svc::post_objects(&state, &who, &ctx, id, &bytes).await {
        Ok(v) => ok(StatusCode::ACCEPTED, v),
        Err(e) => app_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).expect("header"));
        h
    }

    #[test]
    fn media_types() {
        assert!(accepts_taxii(&HeaderMap::new()));
        assert!(accepts_taxii(&accept("application/taxii+json;version=2.1")));
        assert!(accepts_taxii(&accept(
            "application/taxii+json; version=2.1"
        )));
        assert!(accepts_taxii(&accept("application/taxii+json")));
        assert!(accepts_taxii(&accept("text/html, */*")));
        assert!(!accepts_taxii(&accept(
            "application/taxii+json;version=2.0"
        )));
        assert!(!accepts_taxii(&accept("text/html")));
        let mut h = HeaderMap::new();
        assert!(!content_type_ok(&h));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/taxii+json; version=2.1"),
        );
        assert!(content_type_ok(&h));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(!content_type_ok(&h));
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let t = tocsin_domain::Timestamp::from_micros(1_234_567);
        let id = Uuid::now_v7();
        assert_eq!(
            svc::decode_cursor(&svc::encode_cursor(t, id)),
            Some((t, id))
        );
        assert_eq!(svc::decode_cursor("not a cursor"), None);
        assert_eq!(svc::decode_cursor(""), None);
    }
}

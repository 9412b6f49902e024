//! The desk's published identity: `/.well-known/security.txt` (RFC 9116, clear-signed
//! when the desk has a key), its OpenPGP key at `/pgp-key.asc` and in the Web Key
//! Directory (`/.well-known/openpgpkey/…`, the direct method), and the RFC 2350
//! description at `/about/rfc2350`. Public; nothing here needs an account.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::page::{Page, render};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::pgp;

/// Public text, cacheable for an hour (the defaults say `no-store`).
fn public(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// `GET /.well-known/security.txt`.
pub(super) async fn security_txt(State(state): State<AppState>) -> Response {
    match pgp::security_txt(&state) {
        Ok(t) => public("text/plain; charset=utf-8", t),
        Err(e) => e.into_response(),
    }
}

/// `GET /pgp-key.asc`: the desk's armored public key; 404 when it has none.
pub(super) async fn public_key(State(state): State<AppState>) -> Response {
    match pgp::public_key(&state) {
        Ok(Some(k)) => public("application/pgp-keys", k),
        Ok(None) => AppError::NotFound.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /.well-known/openpgpkey/hu/{hash}`: the desk's binary key for an address of it.
pub(super) async fn wkd_key(State(state): State<AppState>, Path(hash): Path<String>) -> Response {
    match pgp::wkd_key(&state, &hash) {
        Ok(Some(k)) => public("application/octet-stream", k),
        Ok(None) => AppError::NotFound.into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /.well-known/openpgpkey/policy`: WKD's policy flags file (empty: none), which
/// clients fetch to learn the directory exists; only when the desk has a key.
pub(super) async fn wkd_policy(State(state): State<AppState>) -> Response {
    if pgp::fingerprint(&state).is_some() {
        public("text/plain; charset=utf-8", "")
    } else {
        AppError::NotFound.into_response()
    }
}

#[derive(Template)]
#[template(path = "about_rfc2350.html")]
struct Rfc2350Page {
    page: Page,
    name: String,
    email: String,
    fingerprint: Option<String>,
    mission: String,
    constituency: String,
    authority: String,
    policies: String,
    services: String,
    disclaimer: String,
}

/// `GET /about/rfc2350`: the team described as RFC 2350 lays out, from `[about]` and
/// `[operator]` in the reader's language.
pub(super) async fn rfc2350(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let c = &state.config;
    let a = &c.about;
    let l = ctx.locale;
    let name = match l {
        tocsin_domain::Locale::ZhTw => c.operator.name_zh.clone(),
        tocsin_domain::Locale::En => c.operator.name_en.clone(),
    };
    render(
        StatusCode::OK,
        &Rfc2350Page {
            page: Page::new(&state, &ctx, &who, pgp::RFC2350_PATH),
            name,
            email: c.operator.email.clone(),
            fingerprint: pgp::fingerprint(&state),
            mission: a.mission.get(l).to_string(),
            constituency: a.constituency.get(l).to_string(),
            authority: a.authority.get(l).to_string(),
            policies: a.policies.get(l).to_string(),
            services: a.services.get(l).to_string(),
            disclaimer: a.disclaimer.get(l).to_string(),
        },
    )
}

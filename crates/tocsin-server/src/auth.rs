//! Sign-in at the HTTP boundary: the extractor that turns a session cookie or a bearer
//! token into the signed-in [`CurrentUser`], and cookie reading. Secrets and hashes are
//! `tocsin_app::auth`'s.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
pub use tocsin_app::auth::{
    AuthMethod, CurrentUser, hash_password, hash_secret, new_secret, principal_of, verify_password,
};

use crate::error::HttpError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tocsin_session";

/// Reads one cookie from the request headers.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        if let Some(cached) = parts.extensions.get::<CurrentUser>() {
            return Ok(cached.clone());
        }
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let session = cookie(parts, SESSION_COOKIE);
        let cu = tocsin_app::service::authenticate(state, bearer, session).await?;
        parts.extensions.insert(cu.clone());
        Ok(cu)
    }
}

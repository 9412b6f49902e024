//! Sign-in at the HTTP boundary: the extractor that turns a session cookie or a bearer
//! token into the signed-in [`CurrentUser`], and cookie reading. Secrets and hashes are
//! `tocsin_app::auth`'s.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
pub use tocsin_app::auth::{
    AuthMethod, CurrentUser, hash_password, hash_secret, new_secret, principal_of, verify_password,
};

use crate::error::{AppError, HttpError};
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
        let now = state.now();
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let found = if let Some(tok) = bearer {
            let hit = state.store.api_token_user(&hash_secret(tok), now).await?;
            match hit {
                Some((_, u)) => Some((u, AuthMethod::Token)),
                // A wrong token is an error, not anonymity: the client meant to sign in.
                None => return Err(AppError::Unauthorized.into()),
            }
        } else if let Some(sid) = cookie(parts, SESSION_COOKIE) {
            state
                .store
                .session_user(&hash_secret(sid), now)
                .await?
                .map(|u| (u, AuthMethod::Session))
        } else {
            None
        };
        let cu = CurrentUser(found);
        parts.extensions.insert(cu.clone());
        Ok(cu)
    }
}

//! The signed-in user's own page: phone, password change, API tokens (created, shown
//! once, revoked).

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_storage::ApiToken;

use super::kit::when;
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service;

/// One API token as shown: times on the desk's clock, in the reader's words.
struct TokenRow {
    id: String,
    name: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    email: String,
    tokens: Vec<TokenRow>,
    new_secret: Option<String>,
    error: Option<String>,
    /// Errors of the password form, by field.
    password_errors: Vec<(String, String)>,
    /// The phone as stored, or as typed when refused.
    phone: String,
    /// Why the phone was refused.
    phone_error: Option<String>,
    /// The fingerprint of the OpenPGP key the user uploaded, if any.
    pgp_fingerprint: Option<String>,
    /// Why an uploaded key was refused.
    pgp_error: Option<String>,
}

/// What a refused phone form shows again.
#[derive(Default)]
struct PhoneRefused {
    typed: String,
    error: String,
}

/// What the last form on the page did, shown with it: a token just made, or a form's
/// refusal.
#[derive(Default)]
struct Outcome {
    new_secret: Option<String>,
    error: Option<String>,
    password_errors: Vec<(String, String)>,
    phone: Option<PhoneRefused>,
    pgp_error: Option<String>,
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    shown: Outcome,
    status: StatusCode,
) -> Response {
    let Outcome {
        new_secret,
        error,
        password_errors,
        phone,
        pgp_error,
    } = shown;
    let Some(user) = who.user() else {
        return see_other("/login");
    };
    let pgp_fingerprint = match service::pgp::my_key(state, who, ctx).await {
        Ok(k) => k.map(|k| k.fingerprint),
        Err(e) => return e.into_response(),
    };
    match service::list_tokens(state, who, ctx).await {
        Ok(tokens) => render(
            status,
            &AccountPage {
                page: Page::new(state, ctx, who, "/account"),
                email: user.email.clone(),
                tokens: tokens
                    .iter()
                    .map(|t| token_row(state, &ctx.tr(), t))
                    .collect(),
                new_secret,
                error,
                password_errors,
                phone: phone
                    .as_ref()
                    .map(|p| p.typed.clone())
                    .unwrap_or_else(|| user.phone.clone()),
                phone_error: phone.map(|p| p.error),
                pgp_fingerprint,
                pgp_error,
            },
        ),
        Err(e) => e.into_response(),
    }
}

fn token_row(state: &AppState, tr: &tocsin_app::i18n::Tr, t: &ApiToken) -> TokenRow {
    TokenRow {
        id: t.id.to_string(),
        name: t.name.clone(),
        created: when(state, tr, t.created_at),
        last_used: t
            .last_used_at
            .0
            .map(|u| when(state, tr, u))
            .unwrap_or_default(),
        revoked: t.revoked_at.0.map(|r| when(state, tr, r)),
    }
}

pub(super) async fn page(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    view(&state, &ctx, &who, Outcome::default(), StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenForm {
    name: String,
}

pub(super) async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Response {
    match service::create_token(&state, &who, &ctx, &f.name).await {
        // Shown in the response to this POST only; never stored in clear.
        Ok((_, secret)) => {
            view(
                &state,
                &ctx,
                &who,
                Outcome {
                    new_secret: Some(secret),
                    ..Outcome::default()
                },
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Validation(e)) => {
            let msg = e.get("name").map(|x| ctx.tr().field_error(x));
            view(
                &state,
                &ctx,
                &who,
                Outcome {
                    error: msg,
                    ..Outcome::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse() else {
        return AppError::NotFound.into_response();
    };
    match service::revoke_token(&state, &who, &ctx, id).await {
        Ok(()) => see_other("/account"),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PasswordForm {
    current_password: String,
    password: String,
    password_confirm: String,
}

/// `POST /account/password`: a new password; every session ends, so sign in again.
pub(super) async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    match service::account::change_password(
        &state,
        &who,
        &ctx,
        &f.current_password,
        &f.password,
        &f.password_confirm,
    )
    .await
    {
        Ok(()) => see_other("/login?password=set"),
        Err(AppError::Validation(errs)) => {
            let errors = super::kit::field_errors(&ctx, &errs);
            view(
                &state,
                &ctx,
                &who,
                Outcome {
                    password_errors: errors,
                    ..Outcome::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PhoneForm {
    phone: String,
}

/// `POST /account/phone`: the phone that prefills the user's report forms.
pub(super) async fn set_phone(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<PhoneForm>,
) -> Response {
    match service::account::set_phone(&state, &who, &ctx, &f.phone).await {
        Ok(()) => see_other("/account#phone"),
        Err(AppError::Validation(errs)) => {
            let error = errs
                .get("phone")
                .map(|x| ctx.tr().field_error(x))
                .unwrap_or_default();
            let refused = PhoneRefused {
                typed: f.phone,
                error,
            };
            view(
                &state,
                &ctx,
                &who,
                Outcome {
                    phone: Some(refused),
                    ..Outcome::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PgpKeyForm {
    pgp_key: String,
}

/// `POST /account/pgp-key`: uploads the user's OpenPGP public key (replacing theirs).
pub(super) async fn upload_pgp_key(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<PgpKeyForm>,
) -> Response {
    match service::pgp::upload_key(&state, &who, &ctx, &f.pgp_key).await {
        Ok(_) => see_other("/account#pgp"),
        Err(AppError::Validation(errs)) => {
            let error = errs.get("pgp_key").map(|x| ctx.tr().field_error(x));
            let shown = Outcome {
                pgp_error: error,
                ..Outcome::default()
            };
            view(&state, &ctx, &who, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /account/pgp-key/remove`: removes the user's OpenPGP key.
pub(super) async fn remove_pgp_key(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    match service::pgp::remove_key(&state, &who, &ctx).await {
        Ok(()) => see_other("/account#pgp"),
        Err(e) => e.into_response(),
    }
}

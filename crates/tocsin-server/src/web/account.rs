//! The signed-in user's own page: API tokens (created, shown once, revoked).

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_storage::ApiToken;

use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    email: String,
    tokens: Vec<ApiToken>,
    new_secret: Option<String>,
    error: Option<String>,
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    new_secret: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let Some(user) = who.user() else {
        return see_other("/login");
    };
    match service::list_tokens(state, who, ctx).await {
        Ok(tokens) => render(
            status,
            &AccountPage {
                page: Page::new(state, ctx, who, "/account"),
                email: user.email.clone(),
                tokens,
                new_secret,
                error,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn page(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    view(&state, &ctx, &who, None, None, StatusCode::OK).await
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
        Ok((_, secret)) => view(&state, &ctx, &who, Some(secret), None, StatusCode::OK).await,
        Err(AppError::Validation(e)) => {
            let msg = e.get("name").map(|x| ctx.tr().field_error(x));
            view(
                &state,
                &ctx,
                &who,
                None,
                msg,
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

//! Claiming a report filed while signed out: the signed-in user asks by tracking number,
//! a one-time link goes to the report's mail address (only when it is theirs; the answer
//! is the same either way), and following it while signed in makes the report theirs.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;

use super::page::{Page, render, see_other};
use super::report::mine_page;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::account;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ClaimForm {
    tracking: String,
}

/// `POST /my/reports/claim`: asks for a claim link.
pub(super) async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<ClaimForm>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    match account::request_claim(&state, &who, &ctx, &f.tracking).await {
        Ok(()) => see_other("/my/reports?claim=sent"),
        Err(e @ (AppError::Validation(_) | AppError::TooManyRequests)) => {
            let status = crate::error::status(&e);
            let msg = match &e {
                AppError::Validation(v) => v.get("tracking").map(|x| ctx.tr().field_error(x)),
                _ => Some(ctx.tr().t("err-rate_limited")),
            };
            mine_page(&state, &ctx, &who, None, f.tracking, msg, status).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "report_claim.html")]
struct ConfirmPage {
    page: Page,
    token: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenQuery {
    token: String,
}

/// `GET /my/reports/claim?token=…`: the link in the mail. It changes nothing by itself
/// (mail scanners follow links); the button posts the confirmation.
pub(super) async fn confirm_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<TokenQuery>,
) -> Response {
    render(
        StatusCode::OK,
        &ConfirmPage {
            page: Page::new(&state, &ctx, &who, "/my/reports/claim"),
            token: q.token,
        },
    )
}

/// `POST /my/reports/claim/confirm`: the report becomes the signed-in user's.
pub(super) async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<TokenQuery>,
) -> Response {
    match account::confirm_claim(&state, &who, &ctx, &f.token).await {
        Ok(t) => see_other(&format!("/my/reports?claimed={t}")),
        Err(e) => e.into_response(),
    }
}

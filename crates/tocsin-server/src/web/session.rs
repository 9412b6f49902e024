//! Sign-in, sign-out and first-admin setup pages.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;

use super::page::{Page, render, see_other};
use crate::auth::{self, CurrentUser, SESSION_COOKIE};
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::{self, UserInput};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    email: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LoginQuery {
    setup: Option<String>,
    password: Option<String>,
}

pub(super) async fn login_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<LoginQuery>,
) -> Response {
    let notice = match (q.setup, q.password) {
        (Some(_), _) => Some(ctx.tr().t("setup-done")),
        (_, Some(_)) => Some(ctx.tr().t("password-done")),
        _ => None,
    };
    render(
        StatusCode::OK,
        &LoginPage {
            page: Page::new(&state, &ctx, &who, "/login"),
            email: String::new(),
            error: None,
            notice,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LoginForm {
    email: String,
    password: String,
}

pub(super) async fn login_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<LoginForm>,
) -> Response {
    match service::login(&state, &ctx, &f.email, &f.password).await {
        Ok((_, secret)) => {
            let mut resp = see_other("/");
            let secure = if state.config.is_https() {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                state.config.security.session_hours * 3600
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e @ (AppError::Validation(_) | AppError::TooManyRequests)) => {
            let status = crate::error::status(&e);
            let msg = match &e {
                AppError::Validation(f) => f.get("password").map(|x| ctx.tr().field_error(x)),
                _ => Some(ctx.tr().t("err-rate_limited")),
            };
            render(
                status,
                &LoginPage {
                    page: Page::new(&state, &ctx, &who, "/login"),
                    email: f.email,
                    error: msg,
                    notice: None,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    req: axum::http::request::Parts,
) -> Response {
    if let Some(sid) = auth::cookie(&req, SESSION_COOKIE)
        && let Err(e) = service::logout(&state, &who, &ctx, sid).await
    {
        return e.into_response();
    }
    let mut resp = see_other("/login");
    let gone = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&gone) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    page: Page,
    token: String,
    name: String,
    email: String,
    errors: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SetupQuery {
    token: String,
}

pub(super) async fn setup_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<SetupQuery>,
) -> Response {
    match state
        .store
        .setup_token_valid(&auth::hash_secret(&q.token), state.now())
        .await
    {
        Ok(true) => render(
            StatusCode::OK,
            &SetupPage {
                page: Page::new(&state, &ctx, &who, "/setup"),
                token: q.token,
                name: String::new(),
                email: String::new(),
                errors: vec![],
            },
        ),
        Ok(false) => AppError::Forbidden.into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SetupForm {
    token: String,
    name: String,
    email: String,
    password: String,
}

pub(super) async fn setup_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<SetupForm>,
) -> Response {
    let input = UserInput {
        email: f.email.clone(),
        name: f.name.clone(),
        org_id: String::new(),
        roles: vec![],
        password: f.password,
        quiet: false,
    };
    match service::setup_first_admin(&state, &ctx, &f.token, &input).await {
        Ok(_) => see_other("/login?setup=done"),
        Err(AppError::Validation(errs)) => {
            let errors = super::kit::field_errors(&ctx, &errs);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &SetupPage {
                    page: Page::new(&state, &ctx, &who, "/setup"),
                    token: f.token,
                    name: f.name,
                    email: f.email,
                    errors,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Page,
    token: String,
    errors: Vec<(String, String)>,
}

pub(super) async fn password_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<SetupQuery>,
) -> Response {
    match state
        .store
        .password_token_valid(&auth::hash_secret(&q.token), state.now())
        .await
    {
        Ok(true) => render(
            StatusCode::OK,
            &PasswordPage {
                page: Page::new(&state, &ctx, &who, "/password"),
                token: q.token,
                errors: vec![],
            },
        ),
        Ok(false) => AppError::Forbidden.into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PasswordForm {
    token: String,
    password: String,
    password_confirm: String,
}

pub(super) async fn password_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    match service::set_password_with_token(&state, &ctx, &f.token, &f.password, &f.password_confirm)
        .await
    {
        Ok(_) => see_other("/login?password=set"),
        Err(AppError::Validation(errs)) => {
            let errors = super::kit::field_errors(&ctx, &errs);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &PasswordPage {
                    page: Page::new(&state, &ctx, &who, "/password"),
                    token: f.token,
                    errors,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    page: Page,
    email: String,
    sent: bool,
    error: Option<String>,
}

/// `GET /password/forgot`: the form asking for the account's mail address.
pub(super) async fn forgot_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    render(
        StatusCode::OK,
        &ForgotPage {
            page: Page::new(&state, &ctx, &who, "/password/forgot"),
            email: String::new(),
            sent: false,
            error: None,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ForgotForm {
    email: String,
}

/// `POST /password/forgot`: the same answer whether or not the address has an account.
pub(super) async fn forgot_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<ForgotForm>,
) -> Response {
    match service::account::forgot_password(&state, &ctx, &f.email).await {
        Ok(()) => render(
            StatusCode::OK,
            &ForgotPage {
                page: Page::new(&state, &ctx, &who, "/password/forgot"),
                email: String::new(),
                sent: true,
                error: None,
            },
        ),
        Err(e @ (AppError::Validation(_) | AppError::TooManyRequests)) => {
            let status = crate::error::status(&e);
            let msg = match &e {
                AppError::Validation(v) => v.get("email").map(|x| ctx.tr().field_error(x)),
                _ => Some(ctx.tr().t("err-rate_limited")),
            };
            render(
                status,
                &ForgotPage {
                    page: Page::new(&state, &ctx, &who, "/password/forgot"),
                    email: f.email,
                    sent: false,
                    error: msg,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

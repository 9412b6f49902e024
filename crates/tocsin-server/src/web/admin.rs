//! Admin pages: organizations, users, the audit log.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::OrgKind;
use tocsin_storage::{AuditEntry, AuditFilter, Organization};

use super::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::middleware::Ctx;
use crate::service::{self, OrgInput, UserInput, UserView};
use crate::state::AppState;

type Errors = Vec<(String, String)>;

fn field_errors(ctx: &Ctx, e: &tocsin_domain::FieldErrors) -> Errors {
    let tr = ctx.tr();
    e.iter()
        .map(|(k, v)| (k.to_string(), tr.field_error(v)))
        .collect()
}

#[derive(Template)]
#[template(path = "admin_orgs.html")]
struct OrgsPage {
    page: Page,
    orgs: Vec<Organization>,
    kinds: Vec<&'static str>,
    form: OrgInput,
    errors: Errors,
}

impl OrgsPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
}

async fn orgs_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: OrgInput,
    errors: Errors,
    status: StatusCode,
) -> Response {
    match service::list_orgs(state, who, ctx).await {
        Ok(orgs) => render(
            status,
            &OrgsPage {
                page: Page::new(state, ctx, who, "/admin/orgs"),
                orgs,
                kinds: OrgKind::ALL.iter().map(|k| k.as_str()).collect(),
                form,
                errors,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn orgs_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    // Listing is allowed to all staff, but this page's form is an admin's.
    if let Err(e) = service::check(
        &state,
        &who,
        &ctx,
        tocsin_domain::Action::Create,
        &tocsin_domain::Resource::Organization(None),
    )
    .await
    {
        return e.into_response();
    }
    orgs_view(
        &state,
        &ctx,
        &who,
        OrgInput::default(),
        vec![],
        StatusCode::OK,
    )
    .await
}

pub(super) async fn orgs_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<OrgInput>,
) -> Response {
    match service::create_org(&state, &who, &ctx, &form).await {
        Ok(_) => see_other("/admin/orgs"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            orgs_view(
                &state,
                &ctx,
                &who,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Page,
    users: Vec<(UserView, String)>,
    orgs: Vec<Organization>,
    roles: Vec<&'static str>,
    form: UserForm,
    errors: Errors,
}

impl UsersPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
    fn checked(&self, role: &str) -> bool {
        self.form.roles.iter().any(|r| r == role)
    }
}

/// The user form: checkboxes send `roles` once per ticked role.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct UserForm {
    email: String,
    name: String,
    org_id: String,
    roles: Vec<String>,
    password: String,
}

async fn users_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    mut form: UserForm,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let users = match service::list_users(state, who, ctx).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let orgs = match service::list_orgs(state, who, ctx).await {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    form.password.clear();
    let users = users
        .iter()
        .map(|u| {
            let org = u
                .org_id
                .0
                .and_then(|id| orgs.iter().find(|o| o.id == id))
                .map(|o| o.name.clone())
                .unwrap_or_default();
            (UserView::from(u), org)
        })
        .collect();
    render(
        status,
        &UsersPage {
            page: Page::new(state, ctx, who, "/admin/users"),
            users,
            orgs,
            roles: tocsin_domain::Role::ALL
                .iter()
                .map(|r| r.as_str())
                .collect(),
            form,
            errors,
        },
    )
}

pub(super) async fn users_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if let Err(e) = service::check(
        &state,
        &who,
        &ctx,
        tocsin_domain::Action::Create,
        &tocsin_domain::Resource::User {
            id: None,
            org: None,
        },
    )
    .await
    {
        return e.into_response();
    }
    users_view(
        &state,
        &ctx,
        &who,
        UserForm::default(),
        vec![],
        StatusCode::OK,
    )
    .await
}

pub(super) async fn users_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<UserForm>,
) -> Response {
    let input = UserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        org_id: form.org_id.clone(),
        roles: form.roles.clone(),
        password: form.password.clone(),
    };
    match service::create_user(&state, &who, &ctx, &input).await {
        Ok(_) => see_other("/admin/users"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            users_view(
                &state,
                &ctx,
                &who,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<AuditEntry>,
    q: AuditQuery,
    next_before: Option<String>,
}

/// Filters of the audit page, from the query string.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AuditQuery {
    actor: String,
    action: String,
    target_kind: String,
    target_id: String,
    before: String,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

pub(super) async fn audit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    const PAGE: i64 = 100;
    let filter = AuditFilter {
        actor: non_empty(&q.actor),
        action: non_empty(&q.action),
        target_kind: non_empty(&q.target_kind),
        target_id: non_empty(&q.target_id),
        before: q.before.trim().parse().ok(),
        limit: PAGE,
    };
    match service::list_audit(&state, &who, &ctx, &filter).await {
        Ok(entries) => {
            let next_before = (entries.len() as i64 == PAGE)
                .then(|| entries.last().map(|e| e.id.to_string()))
                .flatten();
            render(
                StatusCode::OK,
                &AuditPage {
                    page: Page::new(&state, &ctx, &who, "/admin/audit"),
                    entries,
                    q,
                    next_before,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

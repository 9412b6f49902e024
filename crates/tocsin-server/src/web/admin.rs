//! Admin pages: organizations, users, the audit log.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::OrgKind;
use tocsin_storage::{AuditEntry, AuditFilter, Organization};

use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::{self, OrgInput, UserInput, UserView};

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
        quiet: false,
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
    entries: Vec<AuditRow>,
    q: AuditQuery,
    next_before: Option<String>,
}

/// One audit entry as shown: the time on the desk's clock, actor, action and target kind in
/// the reader's words (the stored key stays in the row's `title` for filtering).
struct AuditRow {
    at_iso: String,
    at: String,
    actor: String,
    action_key: String,
    action: String,
    target_kind: String,
    target_id: String,
    detail: String,
    ip: String,
}

fn audit_row(state: &AppState, tr: &tocsin_app::i18n::Tr, e: &AuditEntry) -> AuditRow {
    AuditRow {
        at_iso: e.at.to_string(),
        at: super::kit::when(state, tr, e.at),
        actor: super::labels::actor_label(tr, &e.actor),
        action_key: e.action.clone(),
        action: super::labels::keyed(tr, "audit-act-", &e.action),
        target_kind: super::labels::keyed(tr, "audit-kind-", &e.target_kind),
        target_id: e.target_id.clone(),
        detail: e.detail.clone(),
        ip: e.ip.clone(),
    }
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
                    entries: entries
                        .iter()
                        .map(|e| audit_row(&state, &ctx.tr(), e))
                        .collect(),
                    q,
                    next_before,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

#[derive(Template)]
#[template(path = "admin_org_edit.html")]
struct OrgEditPage {
    page: Page,
    id: String,
    kinds: Vec<&'static str>,
    form: OrgInput,
    errors: Errors,
}

impl OrgEditPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
}

fn org_edit_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    form: OrgInput,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let path = format!("/admin/orgs/{id}");
    render(
        status,
        &OrgEditPage {
            page: Page::new(state, ctx, who, &path),
            id: id.to_string(),
            kinds: OrgKind::ALL.iter().map(|k| k.as_str()).collect(),
            form,
            errors,
        },
    )
}

pub(super) async fn org_edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let oid = parse_id(&id)?;
        service::check(
            &state,
            &who,
            &ctx,
            tocsin_domain::Action::Update,
            &tocsin_domain::Resource::Organization(Some(oid)),
        )
        .await?;
        service::get_org(&state, &who, &ctx, oid).await
    }
    .await;
    match result {
        Ok(o) => {
            let form = OrgInput {
                name: o.name,
                sector: o.sector,
                kind: o.kind.as_str().to_string(),
                alliance_member: o.alliance_member,
            };
            org_edit_view(&state, &ctx, &who, &id, form, vec![], StatusCode::OK)
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn org_edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<OrgInput>,
) -> Response {
    let oid = match parse_id(&id) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    match service::update_org(&state, &who, &ctx, oid, &form).await {
        Ok(_) => see_other("/admin/orgs"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            org_edit_view(
                &state,
                &ctx,
                &who,
                &id,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin_user_edit.html")]
struct UserEditPage {
    page: Page,
    id: String,
    email: String,
    orgs: Vec<Organization>,
    roles: Vec<&'static str>,
    form: UserAccessForm,
    errors: Errors,
    notice: Option<String>,
}

impl UserEditPage {
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

/// The edit form of a user's access; checkboxes send `roles` once per role and
/// `disabled=on` when ticked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct UserAccessForm {
    name: String,
    org_id: String,
    roles: Vec<String>,
    disabled: String,
}

impl UserAccessForm {
    /// True when the disabled box is ticked.
    fn disabled(&self) -> bool {
        self.disabled == "on"
    }
}

/// What the user page shows besides the user: a rejected form with its errors, or a
/// notice.
#[derive(Default)]
struct Feedback {
    form: Option<UserAccessForm>,
    errors: Errors,
    notice: Option<String>,
}

async fn user_edit_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    fb: Feedback,
    status: StatusCode,
) -> Response {
    let Feedback {
        form,
        errors,
        notice,
    } = fb;
    let result = async {
        let uid = parse_id(id)?;
        service::check(
            state,
            who,
            ctx,
            tocsin_domain::Action::Update,
            &tocsin_domain::Resource::UserAccess { id: uid },
        )
        .await?;
        let user = service::get_user(state, who, ctx, uid).await?;
        let orgs = service::list_orgs(state, who, ctx).await?;
        Ok::<_, AppError>((user, orgs))
    }
    .await;
    let (user, orgs) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let form = form.unwrap_or_else(|| UserAccessForm {
        name: user.name.clone(),
        org_id: user.org_id.0.map(|o| o.to_string()).unwrap_or_default(),
        roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
        disabled: if user.disabled {
            "on".into()
        } else {
            String::new()
        },
    });
    let path = format!("/admin/users/{id}");
    render(
        status,
        &UserEditPage {
            page: Page::new(state, ctx, who, &path),
            id: id.to_string(),
            email: user.email,
            orgs,
            roles: tocsin_domain::Role::ALL
                .iter()
                .map(|r| r.as_str())
                .collect(),
            form,
            errors,
            notice,
        },
    )
}

/// Query of the user page: `sent=1` after mailing a password link.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SentQuery {
    sent: Option<String>,
}

pub(super) async fn user_edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<SentQuery>,
) -> Response {
    let notice = q.sent.map(|_| ctx.tr().t("password-link-sent"));
    user_edit_view(
        &state,
        &ctx,
        &who,
        &id,
        Feedback {
            notice,
            ..Default::default()
        },
        StatusCode::OK,
    )
    .await
}

pub(super) async fn user_edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<UserAccessForm>,
) -> Response {
    let uid = match parse_id(&id) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let input = service::UserAccessInput {
        name: form.name.clone(),
        org_id: form.org_id.clone(),
        roles: form.roles.clone(),
        disabled: form.disabled(),
    };
    match service::update_user_access(&state, &who, &ctx, uid, &input).await {
        Ok(_) => see_other("/admin/users"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            user_edit_view(
                &state,
                &ctx,
                &who,
                &id,
                Feedback {
                    form: Some(form),
                    errors,
                    notice: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn user_password_link(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let uid = parse_id(&id)?;
        service::send_password_link(&state, &who, &ctx, uid).await
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/admin/users/{id}?sent=1")),
        Err(e) => e.into_response(),
    }
}

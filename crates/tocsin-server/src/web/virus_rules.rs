//! The admins' YARA rule sets of Virus Check (`/admin/virus-check/rules`): the list with
//! an enable/disable and a delete button per set, and the upload form (a name, and the
//! rules pasted or as a file). A thin layer over `service::yara`, where the policy decides
//! (admins only); a refused upload is shown again with its message next to the field (a
//! syntax error names its line), nothing stored.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_app::Ctx;
use tocsin_app::service::yara as svc;
use uuid::Uuid;

use super::kit::{Errors, field_errors, find, read_multipart, when};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::{AppError, IntoHttp as _};
use crate::state::AppState;

const PATH: &str = "/admin/virus-check/rules";

/// One set as listed.
struct SetRow {
    id: String,
    name: String,
    enabled: bool,
    sha256: String,
    created: String,
}

#[derive(Template)]
#[template(path = "admin_virus_rules.html")]
struct RulesPage {
    page: Page,
    sets: Vec<SetRow>,
    name: String,
    source: String,
    errors: Errors,
}

impl RulesPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    name: String,
    source: String,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let sets = match svc::rule_sets(state, who, ctx).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let sets = sets
        .into_iter()
        .map(|s| SetRow {
            id: s.id.to_string(),
            name: s.name,
            enabled: s.enabled,
            sha256: s.sha256,
            created: when(state, &tr, s.created_at),
        })
        .collect();
    render(
        status,
        &RulesPage {
            page: Page::new(state, ctx, who, PATH),
            sets,
            name,
            source,
            errors,
        },
    )
}

/// The list and the upload form.
pub(super) async fn page(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    view(
        &state,
        &ctx,
        &who,
        String::new(),
        String::new(),
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// An upload: `name`, and `source` pasted or sent as the file `file` (the file wins).
pub(super) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let mut f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let name = f.get("name");
    let mut source = f.get("source");
    if let Some(file) = f.take_file("file") {
        match String::from_utf8(file.bytes.to_vec()) {
            Ok(s) => source = s,
            Err(_) => {
                let e = AppError::field("source", "error-yara-utf8");
                return refused(&state, &ctx, &who, e, name, String::new()).await;
            }
        }
    }
    match svc::upload(&state, &who, &ctx, &name, &source).await {
        Ok(set) => see_other(&format!("{PATH}#set-{}", set.id)),
        Err(e) => refused(&state, &ctx, &who, e, name, source).await,
    }
}

async fn refused(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    e: AppError,
    name: String,
    source: String,
) -> Response {
    match e {
        AppError::Validation(fe) => {
            let errors = field_errors(ctx, &fe);
            // A large upload is the admin's to keep, not echoed back.
            let source = if source.len() <= 100_000 {
                source
            } else {
                String::new()
            };
            view(
                state,
                ctx,
                who,
                name,
                source,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        e => e.into_response(),
    }
}

/// A set's buttons: `op` is `enable`, `disable` or `delete`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SetForm {
    op: String,
}

pub(super) async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<SetForm>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let Ok(uuid) = id.trim().parse::<Uuid>() else {
        return AppError::NotFound.into_response();
    };
    let done = match form.op.trim() {
        "enable" => svc::set_enabled(&state, &who, &ctx, uuid, true).await,
        "disable" => svc::set_enabled(&state, &who, &ctx, uuid, false).await,
        "delete" => svc::delete(&state, &who, &ctx, uuid).await,
        _ => Err(AppError::BadRequest("op".into())),
    };
    match done {
        Ok(()) if form.op.trim() == "delete" => see_other(PATH),
        Ok(()) => see_other(&format!("{PATH}#set-{uuid}")),
        Err(e) => e.into_response(),
    }
}

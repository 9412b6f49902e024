//! The admins' CSIRT directory (`/admin/teams`): the list, "which team answers for…"
//! (a GET form, so it works without JavaScript and can be bookmarked), a form to add or
//! change a team (same name: changed), and loading a directory file in FIRST's or
//! Trusted Introducer's shape. A thin layer over `service::teams`, where the policy
//! decides (the staff read, admins change); a refused entry is shown again with its
//! messages next to the fields.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_app::Ctx;
use tocsin_app::service::teams as svc;
use tocsin_domain::team::{Constituency, TeamInput, asn_field, list_field};

use super::kit::{Errors, field_errors, find, read_multipart};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::{AppError, IntoHttp as _};
use crate::state::AppState;

const PATH: &str = "/admin/teams";

/// One team as listed.
struct TeamLine {
    id: String,
    name: String,
    country: String,
    email: String,
    accreditation: String,
    constituency: String,
    fingerprint: String,
}

/// The team form as typed (lists one per line).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TeamForm {
    name: String,
    country: String,
    email: String,
    emergency_phone: String,
    pgp_key: String,
    pgp_fingerprint: String,
    accreditation: String,
    language: String,
    notes: String,
    countries: String,
    cctlds: String,
    domains: String,
    cidrs: String,
    asns: String,
}

impl TeamForm {
    fn input(&self) -> TeamInput {
        TeamInput {
            name: self.name.clone(),
            country: self.country.clone(),
            constituency: Constituency {
                countries: list_field(&self.countries),
                cctlds: list_field(&self.cctlds),
                domains: list_field(&self.domains),
                cidrs: list_field(&self.cidrs),
                asns: asn_field(&self.asns),
            },
            email: self.email.clone(),
            emergency_phone: self.emergency_phone.clone(),
            pgp_key: self.pgp_key.clone(),
            pgp_fingerprint: self.pgp_fingerprint.clone(),
            accreditation: self.accreditation.clone(),
            language: self.language.clone(),
            notes: self.notes.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_teams.html")]
struct TeamsPage {
    page: Page,
    teams: Vec<TeamLine>,
    target: String,
    suggestion: Option<String>,
    form: TeamForm,
    notice: String,
    errors: Errors,
}

impl TeamsPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

/// `?target=` asks which team answers for it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TargetQuery {
    target: String,
}

#[allow(clippy::too_many_arguments)]
async fn view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    target: String,
    form: TeamForm,
    notice: String,
    mut errors: Errors,
    status: StatusCode,
) -> Response {
    let teams = match svc::list(state, who, ctx).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let mut suggestion = None;
    if !target.trim().is_empty() {
        match svc::suggest(state, who, ctx, &target).await {
            Ok(Some(s)) => {
                suggestion = Some(tr.t_args(
                    "team-suggested",
                    &[("team", s.team.name), ("how", s.matched.to_string())],
                ))
            }
            Ok(None) => suggestion = Some(tr.t("team-suggest-none")),
            Err(AppError::Validation(fe)) => errors.extend(field_errors(ctx, &fe)),
            Err(e) => return e.into_response(),
        }
    }
    let teams = teams
        .into_iter()
        .map(|t| {
            let c = t.constituency();
            let mut parts = c.cidrs.clone();
            parts.extend(c.domains.iter().cloned());
            parts.extend(c.cctlds.iter().map(|d| format!(".{d}")));
            parts.extend(c.asns.iter().map(|a| format!("AS{a}")));
            TeamLine {
                id: t.id.to_string(),
                name: t.name,
                country: t.country,
                email: t.email,
                accreditation: t.accreditation,
                constituency: parts.join(", "),
                fingerprint: t.pgp_fingerprint,
            }
        })
        .collect();
    render(
        status,
        &TeamsPage {
            page: Page::new(state, ctx, who, PATH),
            teams,
            target,
            suggestion,
            form,
            notice,
            errors,
        },
    )
}

/// The directory page.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<TargetQuery>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let notice = String::new();
    view(
        &state,
        &ctx,
        &who,
        q.target,
        TeamForm::default(),
        notice,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// Adds or changes a team.
pub(super) async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<TeamForm>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    match svc::save(&state, &who, &ctx, form.input()).await {
        Ok(t) => see_other(&format!("{PATH}#team-{}", t.id)),
        Err(AppError::Validation(fe)) => {
            let errors = field_errors(&ctx, &fe);
            view(
                &state,
                &ctx,
                &who,
                String::new(),
                form,
                String::new(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// Loads a directory file sent as `file`.
pub(super) async fn import(
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
    let bytes = f
        .take_file("file")
        .map(|file| file.bytes.to_vec())
        .unwrap_or_default();
    match svc::import(&state, &who, &ctx, &bytes).await {
        Ok(o) => {
            let notice = ctx.tr().t_args(
                "team-imported",
                &[
                    ("created", o.created.to_string()),
                    ("updated", o.updated.to_string()),
                    ("refused", o.refused.len().to_string()),
                ],
            );
            view(
                &state,
                &ctx,
                &who,
                String::new(),
                TeamForm::default(),
                notice,
                Errors::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Validation(fe)) => {
            let errors = field_errors(&ctx, &fe);
            view(
                &state,
                &ctx,
                &who,
                String::new(),
                TeamForm::default(),
                String::new(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

//! A case's forwards to other CSIRTs (`/desk/reports/{tracking}/forwards`), linked from
//! every case page: the threads with their state and the team's ticket number, a form to
//! forward the case to directory teams (the TLP and the reporter's consent are the desk's
//! choice; what goes out is the policy's forward cut), and a state change per thread. A
//! thin layer over `service::forward`, which checks the policy and audits.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_app::Ctx;
use tocsin_app::service::{forward as svc, teams};
use tocsin_domain::Tlp;
use tocsin_domain::team::ForwardState;

use super::kit::{Errors, Options, field_errors, find};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::{AppError, IntoHttp as _};
use crate::state::AppState;

/// One thread as listed.
struct ThreadLine {
    id: String,
    team: String,
    direction: String,
    state: String,
    state_label: String,
    tlp: String,
    ticket: String,
    created: String,
    /// The states it may move to.
    next: Options,
}

#[derive(Template)]
#[template(path = "case_forwards.html")]
struct ForwardsPage {
    page: Page,
    tracking: String,
    threads: Vec<ThreadLine>,
    /// (id, name · country) of every directory team.
    teams: Options,
    /// (id, file name · size) of the case's files.
    files: Options,
    tlps: Options,
    form: ForwardForm,
    errors: Errors,
}

impl ForwardsPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }

    fn chosen(&self, id: &str) -> bool {
        self.form.team_ids.iter().any(|t| t == id)
    }

    fn attached(&self, id: &str) -> bool {
        self.form.attachment_ids.iter().any(|t| t == id)
    }
}

/// The forward form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ForwardForm {
    team_ids: Vec<String>,
    tlp: String,
    identity_consented: Option<String>,
    attachment_ids: Vec<String>,
    note: String,
}

/// A thread's state change.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct StateForm {
    state: String,
}

fn path_of(tracking: &str) -> String {
    format!("/desk/reports/{tracking}/forwards")
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    form: ForwardForm,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let loaded = async {
        let (threads, files) = svc::page(state, who, ctx, tracking).await?;
        let directory = teams::list(state, who, ctx).await?;
        Ok::<_, AppError>((threads, directory, files))
    }
    .await;
    let (threads, directory, files) = match loaded {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let state_label = |s: ForwardState| tr.t(&format!("fwd-state-{}", s.as_str()));
    let threads = threads
        .into_iter()
        .map(|v| {
            let t = v.thread;
            ThreadLine {
                id: t.id.to_string(),
                team: format!("{} <{}>", v.team_name, v.team_email),
                direction: tr.t(&format!("fwd-direction-{}", t.direction)),
                state: t.state.as_str().to_string(),
                state_label: state_label(t.state),
                tlp: t.tlp.clone(),
                ticket: t.their_ticket.clone(),
                created: super::kit::when(state, &tr, t.created_at),
                next: ForwardState::ALL
                    .iter()
                    .filter(|s| t.state.can_become(**s))
                    .map(|s| (s.as_str().to_string(), state_label(*s)))
                    .collect(),
            }
        })
        .collect();
    let teams = directory
        .into_iter()
        .map(|t| (t.id.to_string(), format!("{} · {}", t.name, t.country)))
        .collect();
    let files = files
        .into_iter()
        .map(|f| {
            let size =
                tocsin_app::service::reports::human_size(usize::try_from(f.size).unwrap_or(0));
            (f.id.to_string(), format!("{} · {size}", f.filename))
        })
        .collect();
    render(
        status,
        &ForwardsPage {
            page: Page::new(state, ctx, who, &path_of(tracking)),
            tracking: tracking.to_string(),
            threads,
            teams,
            files,
            tlps: super::intel::tlp_options_from(Tlp::Clear),
            form,
            errors,
        },
    )
}

/// The case's forwards and the form.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let form = ForwardForm {
        tlp: Tlp::Amber.as_str().to_string(),
        ..Default::default()
    };
    view(
        &state,
        &ctx,
        &who,
        &tracking,
        form,
        Errors::new(),
        StatusCode::OK,
    )
    .await
}

/// Forwards the case to the teams ticked.
pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(form): Form<ForwardForm>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let input = svc::ForwardInput {
        team_ids: form.team_ids.clone(),
        tlp: form.tlp.clone(),
        identity_consented: form.identity_consented.is_some(),
        attachment_ids: form.attachment_ids.clone(),
        note: form.note.clone(),
    };
    match svc::forward(&state, &who, &ctx, &tracking, &input).await {
        Ok(_) => see_other(&path_of(&tracking)),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            view(
                &state,
                &ctx,
                &who,
                &tracking,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// Moves one thread to another state (acknowledged, resolved, no answer).
pub(super) async fn set_state(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
    Form(form): Form<StateForm>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    match svc::set_state(&state, &who, &ctx, &tracking, &id, &form.state).await {
        Ok(_) => see_other(&path_of(&tracking)),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            view(
                &state,
                &ctx,
                &who,
                &tracking,
                ForwardForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

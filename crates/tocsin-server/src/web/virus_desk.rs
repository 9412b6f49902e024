//! `/desk/virus-check`: Virus Check for the desk (recent analyses, this month's top
//! detections, files named by shared intel) and its two actions on an analysis, plain
//! POST forms: an intel draft at a chosen TLP (on to the draft's page), or an internal note
//! on a report (back to the report). Also the list rows a signed-in uploader's history on
//! `/virus-check` shows. Thin over `service::virus_desk`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::virus_desk::{self as svc, Listed};
use tocsin_domain::Tlp;

use super::kit::when;
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::{AppError, IntoHttp as _};
use crate::state::AppState;

/// An analysis as a list shows it.
pub(super) struct Row {
    pub id: String,
    pub name: String,
    pub uploaded: String,
    /// `virus-verdict-…` key, or the status while not completed.
    pub verdict: Option<&'static str>,
    pub status: &'static str,
    pub detections: String,
    pub sha256: String,
    pub size: i64,
    pub intel: Vec<String>,
}

impl Row {
    pub(super) fn of(state: &AppState, tr: &Tr, l: Listed) -> Row {
        Row {
            id: l.id.to_string(),
            name: l.name,
            uploaded: when(state, tr, l.created_at),
            verdict: l.verdict.map(|v| v.as_str()),
            status: l.status.as_str(),
            detections: l.detections.join(", "),
            sha256: l.sha256,
            size: l.size,
            intel: l.intel,
        }
    }
}

#[derive(Template)]
#[template(path = "desk_virus.html")]
struct DeskPage {
    page: Page,
    recent: Vec<Row>,
    month: String,
    top: Vec<(String, usize)>,
    matched: Vec<Row>,
    tlps: Vec<&'static str>,
}

/// The desk's page.
pub(super) async fn desk(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let d = match svc::desk(&state, &who, &ctx).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let p = DeskPage {
        page: Page::new(&state, &ctx, &who, "/desk/virus-check"),
        recent: d
            .recent
            .into_iter()
            .map(|l| Row::of(&state, &tr, l))
            .collect(),
        month: d.month,
        top: d.top,
        matched: d
            .matched
            .into_iter()
            .map(|l| Row::of(&state, &tr, l))
            .collect(),
        tlps: Tlp::ALL.iter().map(|t| t.as_str()).collect(),
    };
    render(StatusCode::OK, &p)
}

fn analysis_id(id: &str) -> Result<uuid::Uuid, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// The intel draft form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct IntelForm {
    tlp: String,
}

/// Makes an intel draft of an analysis; on to the draft.
pub(super) async fn to_intel(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<IntelForm>,
) -> Response {
    let id = match analysis_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    match svc::to_intel(&state, &who, &ctx, id, &f.tlp).await {
        Ok(intel) => see_other(&format!("/intel/{}", intel.row.id)),
        Err(e) => e.into_response(),
    }
}

/// The attach form's fields.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AttachForm {
    tracking: String,
}

/// Attaches an analysis to a report as an internal note; on to the report.
pub(super) async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<AttachForm>,
) -> Response {
    let id = match analysis_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    match svc::attach_to_report(&state, &who, &ctx, id, &f.tracking).await {
        Ok(()) => see_other(&format!("/desk/reports/{}", f.tracking.trim())),
        Err(e) => e.into_response(),
    }
}

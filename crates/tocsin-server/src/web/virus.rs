//! Virus Check's pages (`/virus-check`): no account needed. A plain multipart form (works
//! without JavaScript) posts the file, streamed to the app as it arrives; the answer is a
//! redirect to the analysis's page, which refreshes itself (a meta refresh, no script)
//! until the analysis is completed, then shows the verdict first and each engine's answer.
//! Thin over `service::virus`, as the API is (`api::virus::receive` reads the upload).

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tocsin_app::Ctx;
use tocsin_app::service::virus as svc;
use tocsin_domain::virus::{AnalysisStatus, Stats};

use super::kit::when;
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::{AppError, HttpError, IntoHttp as _};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "virus_check.html")]
struct FormPage {
    page: Page,
    retention_days: i64,
    max_mib: usize,
    error: Option<String>,
    signed_in: bool,
    history: Vec<super::virus_desk::Row>,
}

/// The form, with the signed-in caller's own analyses below it.
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    error: Option<String>,
) -> Result<FormPage, AppError> {
    let tr = ctx.tr();
    let history = tocsin_app::service::virus_desk::history(state, who, ctx)
        .await?
        .into_iter()
        .map(|l| super::virus_desk::Row::of(state, &tr, l))
        .collect();
    Ok(FormPage {
        page: Page::new(state, ctx, who, "/virus-check"),
        retention_days: state.config.virus_check.retention_days,
        max_mib: state.config.virus_check.max_bytes / (1024 * 1024),
        error,
        signed_in: who.user().is_some(),
        history,
    })
}

fn form_with(status: StatusCode, p: Result<FormPage, AppError>) -> Response {
    match p {
        Ok(p) => render(status, &p),
        Err(e) => e.into_response(),
    }
}

/// The upload form.
pub(super) async fn form(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let p = form_page(&state, &ctx, &who, None).await;
    form_with(StatusCode::OK, p)
}

/// The upload: on to the analysis's page, or the form again with what went wrong.
pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    match crate::api::virus::receive(&state, &who, &ctx, mp).await {
        Ok(s) => see_other(&format!("/virus-check/{}", s.analysis_id)),
        Err(HttpError(AppError::Validation(_))) => {
            let msg = ctx.tr().t("virus-error-no-file");
            let p = form_page(&state, &ctx, &who, Some(msg)).await;
            form_with(StatusCode::UNPROCESSABLE_ENTITY, p)
        }
        Err(HttpError(AppError::TooLarge)) => {
            let max = state.config.virus_check.max_bytes / (1024 * 1024);
            let msg = ctx
                .tr()
                .t_args("virus-error-too-large", &[("mib", max.to_string())]);
            let p = form_page(&state, &ctx, &who, Some(msg)).await;
            form_with(StatusCode::PAYLOAD_TOO_LARGE, p)
        }
        Err(HttpError(AppError::TooManyRequests)) => {
            let msg = ctx.tr().t("virus-rate-limited");
            let p = form_page(&state, &ctx, &who, Some(msg)).await;
            form_with(StatusCode::TOO_MANY_REQUESTS, p)
        }
        Err(HttpError(e)) => e.into_response(),
    }
}

struct ResultRow {
    engine: String,
    version: String,
    category: &'static str,
    result: Option<String>,
}

#[derive(Template)]
#[template(path = "virus_report.html")]
struct ReportPage {
    page: Page,
    id: String,
    done: bool,
    status: &'static str,
    verdict: &'static str,
    stats: Stats,
    rows: Vec<ResultRow>,
    name: String,
    type_tag: String,
    size: i64,
    md5: String,
    sha1: String,
    sha256: String,
    first_seen: String,
}

/// An analysis: waiting (refreshing itself), or the verdict first.
pub(super) async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return AppError::NotFound.into_response();
    };
    let r = match svc::report(&state, &who, id).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    // The malicious answers first, as the verdict is.
    let mut rows: Vec<ResultRow> = r
        .results
        .values()
        .map(|e| ResultRow {
            engine: e.engine_name.clone(),
            version: e.engine_version.clone(),
            category: e.category.as_str(),
            result: e.result.clone(),
        })
        .collect();
    rows.sort_by_key(|x| (x.category != "malicious", x.engine.clone()));
    let p = ReportPage {
        page: Page::new(&state, &ctx, &who, "/virus-check"),
        id: r.id.to_string(),
        done: r.status == AnalysisStatus::Completed,
        status: r.status.as_str(),
        verdict: r.verdict().map(|c| c.as_str()).unwrap_or("failure"),
        stats: r.stats,
        rows,
        name: r.name,
        type_tag: r.type_tag,
        size: r.size,
        md5: r.md5,
        sha1: r.sha1,
        sha256: r.sha256,
        first_seen: when(&state, &tr, r.first_submission_date),
    };
    render(StatusCode::OK, &p)
}

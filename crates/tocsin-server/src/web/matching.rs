//! The "check my logs" page (`/intel/match`): a signed-in user pastes observables or
//! uploads a file of them (a log, a CSV column, one a line) and sees every indicator they
//! meet among the records they may read, with the records. A plain multipart form that
//! works without JavaScript; the hits are the service's (`service::matching`), decided
//! per record by the policy.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tocsin_app::Ctx;
use tocsin_app::service::matching::{self as svc, MatchOutcome};

use super::kit::read_multipart;
use super::page::{Page, render};
use crate::auth::CurrentUser;
use crate::error::IntoHttp as _;
use crate::state::AppState;

/// Hits shown on the page; the API gives them all.
const SHOWN: usize = 5_000;

/// One hit as the page shows it.
pub(super) struct HitRow {
    line: usize,
    observable: String,
    indicator: String,
    kind: String,
    how: String,
    record_id: String,
    subject: String,
    tlp: String,
    tlp_class: String,
}

#[derive(Template)]
#[template(path = "intel_match.html")]
pub(super) struct MatchPage {
    page: Page,
    text: String,
    result: Option<MatchOutcome>,
    rows: Vec<HitRow>,
    more: usize,
    error: Option<String>,
}

fn page(state: &AppState, ctx: &Ctx, who: &CurrentUser) -> MatchPage {
    MatchPage {
        page: Page::new(state, ctx, who, "/intel/match"),
        text: String::new(),
        result: None,
        rows: Vec::new(),
        more: 0,
        error: None,
    }
}

/// The empty form.
pub(super) async fn form(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    if let Err(e) = svc::may_match(&who) {
        return e.into_response();
    }
    render(StatusCode::OK, &page(&state, &ctx, &who))
}

/// The pasted text and the uploaded file, matched.
pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Err(e) = svc::may_match(&who) {
        return e.into_response();
    }
    let mut f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let text = f.get("observables");
    let mut observables = svc::observables_of_text(&text);
    if let Some(upload) = f.take_file("file") {
        observables.extend(svc::observables_of_text(&String::from_utf8_lossy(
            &upload.bytes,
        )));
    }
    let mut p = page(&state, &ctx, &who);
    // Only a short paste is shown again in the form: a large one is the user's to keep.
    if text.len() <= 100_000 {
        p.text = text;
    }
    if observables.is_empty() {
        p.error = Some(tr.t("match-error-empty"));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    if observables.len() > svc::MAX_OBSERVABLES {
        p.error = Some(tr.t("match-error-too-many"));
        return render(StatusCode::PAYLOAD_TOO_LARGE, &p);
    }
    let out = match svc::check(&state, &who, &ctx, observables).await {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    p.more = out.hits.len().saturating_sub(SHOWN);
    p.rows = out
        .hits
        .iter()
        .take(SHOWN)
        .map(|h| HitRow {
            line: h.line,
            observable: h.observable.clone(),
            indicator: tocsin_domain::phish_url::defang_text(&h.indicator),
            kind: h.kind.to_string(),
            how: tr.t2("match-how-", h.how),
            record_id: h.record.id.to_string(),
            subject: h.record.subject.clone(),
            tlp: super::intel::tlp_marking(&h.record.tlp),
            tlp_class: super::intel::tlp_class(&h.record.tlp),
        })
        .collect();
    p.result = Some(MatchOutcome {
        hits: Vec::new(),
        ..out
    });
    render(StatusCode::OK, &p)
}

//! The reporter's side of incident reports: the public form (no account needed), which
//! answers 303 to the receipt (`receipt.rs`), and a signed-in user's own reports. The
//! status page is `status.rs`; the helpers every page shares are `kit.rs` and `labels.rs`.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tocsin_domain::zone::DEFAULT_TIME_ZONE;
use tocsin_domain::{IncidentInput, IncidentType};

use super::kit::{
    Errors, MultipartForm, ReceiptSummary, field_errors, find, form_key, limits_hint,
    read_multipart, take_form_key, to_receipt, when, zone_options,
};
use super::labels::type_label;
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::reports as svc;
use tocsin_storage::Report;

// ---------------------------------------------------------------------------------------
// The public form.

#[derive(Template)]
#[template(path = "report_incident.html")]
struct FormPage {
    page: Page,
    form: IncidentInput,
    types: Vec<(&'static str, &'static str)>,
    zones: Vec<String>,
    limits: String,
    errors: Errors,
    files_dropped: bool,
    /// This rendering's idempotency key.
    idem_key: String,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
    fn support(&self, yes: bool) -> bool {
        self.form.needs_support == Some(yes)
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: IncidentInput,
    errors: Errors,
    files_dropped: bool,
) -> FormPage {
    let tr = ctx.tr();
    let zones = zone_options(&form.time_zone);
    FormPage {
        page: Page::new(state, ctx, who, "/report/incident"),
        types: IncidentType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label(tr.locale)))
            .collect(),
        zones,
        limits: limits_hint(state, &tr),
        form,
        errors,
        files_dropped,
        idem_key: form_key(),
    }
}

pub(super) async fn form(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    // The signed-in reporter's own details, the account's phone among them.
    let mut input = IncidentInput::default();
    match tocsin_app::service::account::prefill(&state, &who).await {
        Ok(p) => {
            input.reporter_name = p.name;
            input.phone = p.phone;
            input.email = p.email;
        }
        Err(e) => return e.into_response(),
    }
    render(
        StatusCode::OK,
        &form_page(&state, &ctx, &who, input, vec![], false),
    )
}

fn flag(s: &str) -> Option<bool> {
    match s.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn incident_input(f: &MultipartForm) -> IncidentInput {
    let tz = f.get("time_zone");
    IncidentInput {
        reporter_name: f.get("reporter_name"),
        phone: f.get("phone"),
        email: f.get("email"),
        discovered_at: f.get("discovered_at"),
        time_zone: if tz.trim().is_empty() {
            DEFAULT_TIME_ZONE.to_string()
        } else {
            tz
        },
        incident_type: f.get("incident_type"),
        description: f.get("description"),
        needs_support: flag(&f.get("needs_support")),
        support_requested: f.get("support_requested"),
        affected_assets: f.get("affected_assets"),
        follows_up: f.get("follows_up"),
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut ctx = ctx;
    take_form_key(&mut ctx, &f);
    let input = incident_input(&f);
    let had_files = !f.files.is_empty();
    match svc::submit_incident(&state, &who, &ctx, &input, f.files).await {
        Ok(receipt) => to_receipt(&receipt),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&state, &ctx, &who, input, errors, had_files),
            )
        }
        Err(e) => e.into_response(),
    }
}

/// What the receipt repeats of a filed incident report.
pub(super) fn receipt_summary(tr: &Tr, report: &Report) -> ReceiptSummary {
    let d: svc::IncidentDetails = serde_json::from_str(&report.details).unwrap_or_default();
    ReceiptSummary {
        email: report.reporter_email.clone(),
        rows: vec![
            (tr.t("field-reporter-name"), report.reporter_name.clone()),
            (
                tr.t("field-incident-type"),
                type_label(tr, &report.category),
            ),
        ],
        description_title: String::new(),
        description: d.description,
        warnings: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// A signed-in user's reports.

/// One row of "my reports".
struct MineRow {
    tracking: String,
    kind: String,
    kind_label: String,
    type_label: String,
    state: String,
    state_label: String,
    reported_at: String,
}

#[derive(Template)]
#[template(path = "report_mine.html")]
struct MinePage {
    page: Page,
    rows: Vec<MineRow>,
    /// The user's organization receives vendor notices: link its case list.
    vendor: bool,
    notice: Option<String>,
    claim_tracking: String,
    claim_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct MineQuery {
    claim: String,
    claimed: String,
}

pub(super) async fn mine_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    notice: Option<String>,
    claim_tracking: String,
    claim_error: Option<String>,
    status: StatusCode,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let tr = ctx.tr();
    match tocsin_app::service::account::my_reports(state, who, ctx).await {
        Ok(rows) => render(
            status,
            &MinePage {
                page: Page::new(state, ctx, who, "/my/reports"),
                rows: rows
                    .into_iter()
                    .map(|r| MineRow {
                        kind: r.kind.as_str().to_string(),
                        kind_label: tr.t2("own-kind-", r.kind.as_str()),
                        type_label: if r.kind == tocsin_domain::ReportKind::Incident {
                            type_label(&tr, &r.category)
                        } else {
                            String::new()
                        },
                        state: r.state.as_str().to_string(),
                        state_label: tr.t2("state-", r.state.as_str()),
                        reported_at: when(state, &tr, r.reported_at),
                        tracking: r.tracking_id,
                    })
                    .collect(),
                vendor: who.principal().is_some_and(|p| {
                    p.org_id.is_some() && tocsin_domain::policy::receives_vendor_notice(&p)
                }),
                notice,
                claim_tracking,
                claim_error,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub(super) async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<MineQuery>,
) -> Response {
    let tr = ctx.tr();
    let notice = if q.claim == "sent" {
        Some(tr.t("own-claim-sent"))
    } else if let Ok(t) = q.claimed.parse::<tocsin_domain::TrackingNumber>() {
        Some(tr.t_args("own-claim-done", &[("tracking", t.to_string())]))
    } else {
        None
    };
    mine_page(
        &state,
        &ctx,
        &who,
        notice,
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

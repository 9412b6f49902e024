//! The receipt of a filed report: the answer every report form redirects to (post,
//! redirect, get), so a reload shows the receipt again instead of filing the report twice.
//! Reached with the status link's secret only, like the status page.

use crate::error::IntoHttp as _;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tocsin_domain::ReportKind;

use super::kit::{canonical, pct, receipt_page};
use crate::auth::CurrentUser;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::reports::{self as svc, Receipt};

/// The receipt page's query: the status secret, and whether this answers a repeat.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReceiptQuery {
    token: String,
    again: String,
}

/// `GET /report/receipt/{tracking}?token=…`: the receipt again, as often as asked; a wrong
/// or missing secret is the same 404 as an unknown number.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Query(q): Query<ReceiptQuery>,
) -> Response {
    let t = canonical(&tracking);
    let receipt = Receipt {
        status_url: svc::status_url(&state, &t, &q.token),
        tracking_id: t.clone(),
        token: q.token.clone(),
        repeated: q.again == "1",
    };
    let report = match tocsin_app::service::vuln::filed(&state, &receipt).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let summary = match report.kind {
        ReportKind::Incident => super::report::receipt_summary(&tr, &report),
        ReportKind::Vulnerability => super::vuln::receipt_summary(&tr, &report),
        ReportKind::Phishing => super::phishing::receipt_summary(&tr, &report),
    };
    // The language switch comes back here, secret and all, as the status page's does.
    let path = format!("/report/receipt/{}?token={}", pct(&t), pct(&q.token));
    receipt_page(&state, &ctx, &who, &path, receipt, summary)
}

//! A vendor's list of the vulnerability cases its organization was notified of, each as
//! the vendor's cut (no reporter's identity); the case itself is `vuln::vendor_view`.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::account;

/// One case of the list.
struct Row {
    tracking: String,
    product: String,
    state: String,
    state_label: String,
    cve_id: String,
    target: String,
}

#[derive(Template)]
#[template(path = "vendor_cases.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
}

/// `GET /vulnerabilities`: the cases the user's organization was notified of.
pub(super) async fn list(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let tr = ctx.tr();
    match account::vulnerability_cases(&state, &who, &ctx, None).await {
        Ok(cases) => render(
            StatusCode::OK,
            &ListPage {
                page: Page::new(&state, &ctx, &who, "/vulnerabilities"),
                rows: cases
                    .into_iter()
                    .map(|c| Row {
                        product: [c.details.product.as_str(), c.details.version.as_str()]
                            .join(" ")
                            .trim()
                            .to_string(),
                        state: c.state.as_str().to_string(),
                        state_label: c.state.label(tr.locale).to_string(),
                        cve_id: c.case.cve_id.clone(),
                        target: super::kit::desk_date(&state, &tr, &c.case.target_publication),
                        tracking: c.report.tracking_id,
                    })
                    .collect(),
            },
        ),
        Err(e) => e.into_response(),
    }
}

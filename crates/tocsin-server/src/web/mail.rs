//! `/desk/mail`: what came in by mail, for the desk: held and ignored messages with their
//! reason, what the rest became, and each message as it came (.eml) as evidence.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::page::{Page, render};
use crate::api::mail::InboundView;
use crate::auth::CurrentUser;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::mail_intake;

/// The page's filter.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MailQuery {
    status: String,
}

#[derive(Template)]
#[template(path = "desk_mail.html")]
struct MailPage {
    page: Page,
    status: String,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<InboundView>,
}

/// The list, newest first.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<MailQuery>,
) -> Response {
    let status = q.status.trim();
    let filter = (!status.is_empty()).then_some(status);
    match mail_intake::list(&state, &who, &ctx, filter).await {
        Ok(rows) => {
            let tr = ctx.tr();
            render(
                StatusCode::OK,
                &MailPage {
                    page: Page::new(&state, &ctx, &who, "/desk/mail"),
                    status: status.to_string(),
                    statuses: ["held", "ignored", "created", "appended", "received"]
                        .into_iter()
                        .map(|s| (s, tr.t2("mail-status-", s)))
                        .collect(),
                    rows: rows.iter().map(Into::into).collect(),
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

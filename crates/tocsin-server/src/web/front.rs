//! The public front door: the home page (the three ways to report, what happens next,
//! the other channels, the latest advisories, the status look-up), the privacy notice and
//! the how-to-report page. Nothing here needs an account.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tocsin_domain::TrackingNumber;

use super::kit::pct;
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::state::AppState;
use tocsin_app::Ctx;

/// How many advisories the home page lists.
const LATEST_ADVISORIES: usize = 5;

/// One advisory as the home page lists it.
struct LatestAdvisory {
    cve_id: String,
    title: String,
    published: String,
}

/// A mail address of the desk and what it takes (a translated label).
struct MailRoute {
    address: String,
    label: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
    advisories: Vec<LatestAdvisory>,
    mail_routes: Vec<MailRoute>,
    lookup: Lookup,
    /// The desk's OpenPGP fingerprint, when it has a key.
    pgp_fingerprint: Option<String>,
}

/// The status look-up form: what was typed and whether it was refused.
#[derive(Default)]
struct Lookup {
    tracking: String,
    token: String,
    refused: bool,
}

/// The desk's report mail addresses from `intake.routes` (incident, vulnerability and
/// phishing; intel mail is for partners), in that order.
fn mail_routes(state: &AppState, ctx: &Ctx) -> Vec<MailRoute> {
    let tr = ctx.tr();
    let mut out = Vec::new();
    for route in ["incident", "vulnerability", "phishing"] {
        for (address, r) in &state.config.intake.routes {
            if r == route {
                out.push(MailRoute {
                    address: address.clone(),
                    label: tr.t2("front-mail-route-", route),
                });
            }
        }
    }
    out
}

/// `GET /`: the front door.
pub(super) async fn home(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let list = match tocsin_app::service::vuln::advisories(&state).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let advisories = list
        .into_iter()
        .take(LATEST_ADVISORIES)
        .map(|a| LatestAdvisory {
            published: super::vuln::published_date(&state, &ctx.tr(), &a.published_at)
                .chars()
                .take(10)
                .collect(),
            cve_id: a.cve_id,
            title: a.title,
        })
        .collect();
    render(
        StatusCode::OK,
        &Home {
            page: Page::new(&state, &ctx, &who, "/"),
            advisories,
            mail_routes: mail_routes(&state, &ctx),
            lookup: Lookup::default(),
            pgp_fingerprint: tocsin_app::service::pgp::fingerprint(&state),
        },
    )
}

#[derive(Template)]
#[template(path = "status_lookup.html")]
struct LookupPage {
    page: Page,
    lookup: Lookup,
}

/// The look-up's query.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LookupQuery {
    tracking: String,
    token: String,
}

/// The secret as pasted: the bare token, or the whole status link from the
/// acknowledgment (its `token=` parameter is taken).
fn bare_token(pasted: &str) -> String {
    let t = pasted.trim();
    match t.find("token=") {
        Some(i) => t[i + "token=".len()..]
            .split(['&', '#', ' '])
            .next()
            .unwrap_or("")
            .to_string(),
        None => t.to_string(),
    }
}

/// `GET /status?tracking=…&token=…`: the status look-up. A well-formed pair goes to the
/// status page, which answers a wrong secret and an unknown number with the same 404, so
/// the look-up reveals nothing of which numbers exist; an empty or malformed pair comes
/// back with one message for both fields.
pub(super) async fn lookup(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<LookupQuery>,
) -> Response {
    let page = |status, refused| {
        render(
            status,
            &LookupPage {
                page: Page::new(&state, &ctx, &who, "/status"),
                lookup: Lookup {
                    tracking: q.tracking.clone(),
                    token: q.token.clone(),
                    refused,
                },
            },
        )
    };
    if q.tracking.trim().is_empty() && q.token.trim().is_empty() {
        return page(StatusCode::OK, false);
    }
    let token = bare_token(&q.token);
    match q.tracking.trim().parse::<TrackingNumber>() {
        Ok(t) if !token.is_empty() => see_other(&format!("/status/{t}?token={}", pct(&token))),
        _ => page(StatusCode::UNPROCESSABLE_ENTITY, true),
    }
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    page: Page,
    retention_years: String,
    session_hours: String,
    contact: String,
}

/// `GET /privacy`: what is collected, who sees it, how long it is kept.
pub(super) async fn privacy(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let c = &state.config;
    let contact = if c.privacy.contact.trim().is_empty() {
        c.operator.email.clone()
    } else {
        c.privacy.contact.clone()
    };
    render(
        StatusCode::OK,
        &PrivacyPage {
            page: Page::new(&state, &ctx, &who, "/privacy"),
            retention_years: c.privacy.retention_years.to_string(),
            session_hours: c.security.session_hours.to_string(),
            contact,
        },
    )
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    page: Page,
    mail_routes: Vec<MailRoute>,
}

/// `GET /help`: how to report, what happens next, points, and the questions people ask.
pub(super) async fn help(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    render(
        StatusCode::OK,
        &HelpPage {
            page: Page::new(&state, &ctx, &who, "/help"),
            mail_routes: mail_routes(&state, &ctx),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::bare_token;

    #[test]
    fn a_pasted_status_link_gives_its_token() {
        assert_eq!(bare_token(" abc_DEF-1 "), "abc_DEF-1");
        assert_eq!(
            bare_token("https://cert.example/status/INC-2026-000001?token=abc_DEF-1"),
            "abc_DEF-1"
        );
        assert_eq!(bare_token("x?token=abc&y=1"), "abc");
        assert_eq!(bare_token(""), "");
    }
}

//! The monthly e-newsletter: the public subscription form, the confirmation and one-click
//! unsubscribe links (RFC 8058: the `List-Unsubscribe` URL takes a POST with no session),
//! the public archive; the desk's drafts, previews (web and mail) and send; the admin's
//! export and erasure of subscribers. And the public monthly statistics at
//! `/stats/YYYY-MM`: tables, SVG charts and a CSV download of the same numbers.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::newsletter::{self as nl, CHARTS, IssueView, Statistics};
use tocsin_storage::Issue;

#[derive(Template)]
#[template(path = "newsletter.html")]
struct SubscribePage {
    page: Page,
    email: String,
    locale: String,
    sent: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SubscribeQuery {
    sent: Option<String>,
}

fn subscribe_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    notice: Option<String>,
) -> SubscribePage {
    SubscribePage {
        page: Page::new(state, ctx, who, "/newsletter"),
        email: String::new(),
        locale: ctx.locale.tag().to_string(),
        sent: false,
        notice,
        error: None,
    }
}

/// `GET /newsletter`: the subscription form.
pub(super) async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<SubscribeQuery>,
) -> Response {
    let mut p = subscribe_page(&state, &ctx, &who, None);
    p.sent = q.sent.is_some();
    render(StatusCode::OK, &p)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SubscribeForm {
    email: String,
    locale: String,
}

/// `POST /newsletter`: the same answer whether or not the address was subscribed.
pub(super) async fn subscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<SubscribeForm>,
) -> Response {
    match nl::subscribe(&state, &ctx, &f.email, &f.locale).await {
        Ok(()) => see_other("/newsletter?sent=1"),
        Err(e @ (AppError::Validation(_) | AppError::TooManyRequests)) => {
            let status = crate::error::status(&e);
            let tr = ctx.tr();
            let msg = match &e {
                AppError::Validation(v) => v
                    .get("email")
                    .or_else(|| v.get("locale"))
                    .map(|x| tr.field_error(x)),
                _ => Some(tr.t("err-rate_limited")),
            };
            let mut p = subscribe_page(&state, &ctx, &who, None);
            p.email = f.email;
            p.error = msg;
            render(status, &p)
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "newsletter_link.html")]
struct LinkPage {
    page: Page,
    title: String,
    intro: String,
    action: String,
    submit: String,
}

/// `GET /newsletter/confirm/{token}`: a button, so that a mail scanner opening the link
/// confirms nothing; the POST confirms.
pub(super) async fn confirm_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(token): Path<String>,
) -> Response {
    let tr = ctx.tr();
    render(
        StatusCode::OK,
        &LinkPage {
            page: Page::new(&state, &ctx, &who, "/newsletter"),
            title: tr.t("nl-title"),
            intro: String::new(),
            action: format!("/newsletter/confirm/{token}"),
            submit: tr.t("nl-subscribe"),
        },
    )
}

/// `POST /newsletter/confirm/{token}`.
pub(super) async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(token): Path<String>,
) -> Response {
    let tr = ctx.tr();
    match nl::confirm(&state, &ctx, &token).await {
        Ok(()) => render(
            StatusCode::OK,
            &subscribe_page(&state, &ctx, &who, Some(tr.t("nl-confirmed"))),
        ),
        Err(AppError::NotFound) => render(
            StatusCode::NOT_FOUND,
            &subscribe_page(&state, &ctx, &who, Some(tr.t("nl-link-invalid"))),
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /newsletter/unsubscribe/{token}`: the button (a GET changes nothing).
pub(super) async fn unsubscribe_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(token): Path<String>,
) -> Response {
    let tr = ctx.tr();
    render(
        StatusCode::OK,
        &LinkPage {
            page: Page::new(&state, &ctx, &who, "/newsletter"),
            title: tr.t("nl-unsubscribe-title"),
            intro: tr.t("nl-unsubscribe-intro"),
            action: format!("/newsletter/unsubscribe/{token}"),
            submit: tr.t("nl-unsubscribe-submit"),
        },
    )
}

/// `POST /newsletter/unsubscribe/{token}`: the one-click unsubscribe of RFC 8058 (the
/// mail provider posts `List-Unsubscribe=One-Click`) and the page's button alike.
pub(super) async fn unsubscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(token): Path<String>,
) -> Response {
    let tr = ctx.tr();
    match nl::unsubscribe(&state, &ctx, &token).await {
        Ok(left) => {
            let mut p = subscribe_page(
                &state,
                &ctx,
                &who,
                Some(tr.t(if left {
                    "nl-unsubscribed"
                } else {
                    "nl-unsubscribe-unknown"
                })),
            );
            p.page.path = "/newsletter".into();
            render(StatusCode::OK, &p)
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "newsletter_archive.html")]
struct ArchivePage {
    page: Page,
    issues: Vec<Issue>,
}

/// `GET /newsletter/archive`: the issues sent.
pub(super) async fn archive(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    match nl::archive(&state).await {
        Ok(issues) => render(
            StatusCode::OK,
            &ArchivePage {
                page: Page::new(&state, &ctx, &who, "/newsletter/archive"),
                issues,
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// A chart's table for a page.
struct Table {
    name: &'static str,
    title: String,
    rows: Vec<(String, i64)>,
}

fn tables(s: &Statistics, tr: &Tr) -> Vec<Table> {
    CHARTS
        .iter()
        .map(|name| Table {
            name,
            title: tr.t_args(
                &format!("stats-chart-{name}"),
                &[("month", s.month.clone())],
            ),
            rows: s.table(name, tr),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "newsletter_issue.html")]
struct IssuePage {
    page: Page,
    v: IssueView,
    tables: Vec<Table>,
    desk: bool,
    mail_subject: String,
    mail_text: String,
    notice: Option<String>,
}

/// `GET /newsletter/archive/{month}`: one sent issue, as on the web.
pub(super) async fn archived(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(month): Path<String>,
) -> Response {
    match nl::archived(&state, &month).await {
        Ok(v) => {
            let tr = ctx.tr();
            render(
                StatusCode::OK,
                &IssuePage {
                    page: Page::new(&state, &ctx, &who, &format!("/newsletter/archive/{month}")),
                    tables: tables(&v.statistics, &tr),
                    v,
                    desk: false,
                    mail_subject: String::new(),
                    mail_text: String::new(),
                    notice: None,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "newsletter_desk.html")]
struct DeskPage {
    page: Page,
    issues: Vec<Issue>,
    error: Option<String>,
}

/// `GET /desk/newsletter`: the issues, and the form that drafts one.
pub(super) async fn desk(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    match nl::issues(&state, &who, &ctx).await {
        Ok(issues) => render(
            StatusCode::OK,
            &DeskPage {
                page: Page::new(&state, &ctx, &who, "/desk/newsletter"),
                issues,
                error: None,
            },
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DraftForm {
    month: String,
}

/// `POST /desk/newsletter`: drafts (or opens) the issue of a month.
pub(super) async fn draft(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<DraftForm>,
) -> Response {
    match nl::draft(&state, &who, &ctx, Some(&f.month)).await {
        Ok(issue) => see_other(&format!("/desk/newsletter/{}", issue.month)),
        Err(AppError::Validation(v)) => {
            let tr = ctx.tr();
            let issues = nl::issues(&state, &who, &ctx).await.unwrap_or_default();
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DeskPage {
                    page: Page::new(&state, &ctx, &who, "/desk/newsletter"),
                    issues,
                    error: v.get("month").map(|x| tr.field_error(x)),
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DeskQuery {
    saved: Option<String>,
}

/// `GET /desk/newsletter/{month}`: the issue as the web shows it and as the mail says it,
/// the editorial form, the send button and the counts.
pub(super) async fn desk_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(month): Path<String>,
    Query(q): Query<DeskQuery>,
) -> Response {
    match nl::issue(&state, &who, &ctx, &month).await {
        Ok(v) => {
            let tr = ctx.tr();
            let (mail_subject, mail_text) = nl::mail_text(
                &state,
                &v,
                &tr,
                &state.config.link("/newsletter/unsubscribe/…"),
            );
            render(
                StatusCode::OK,
                &IssuePage {
                    page: Page::new(&state, &ctx, &who, &format!("/desk/newsletter/{month}")),
                    tables: tables(&v.statistics, &tr),
                    v,
                    desk: true,
                    mail_subject,
                    mail_text,
                    notice: q.saved.map(|_| tr.t("nl-saved")),
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EditorialForm {
    editorial: String,
}

/// `POST /desk/newsletter/{month}/editorial`.
pub(super) async fn editorial(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(month): Path<String>,
    Form(f): Form<EditorialForm>,
) -> Response {
    match nl::set_editorial(&state, &who, &ctx, &month, &f.editorial).await {
        Ok(()) => see_other(&format!("/desk/newsletter/{month}?saved=1")),
        Err(e) => e.into_response(),
    }
}

/// `POST /desk/newsletter/{month}/send`.
pub(super) async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(month): Path<String>,
) -> Response {
    match nl::send(&state, &who, &ctx, &month).await {
        Ok(()) => see_other(&format!("/desk/newsletter/{month}")),
        Err(e) => e.into_response(),
    }
}

/// `GET /admin/newsletter/subscribers.json`: every subscriber (personal data; audited).
pub(super) async fn export(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    match nl::export_subscribers(&state, &who, &ctx).await {
        Ok(list) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"newsletter-subscribers.json\"",
                ),
            ],
            serde_json::to_string_pretty(&list).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct EraseForm {
    email: String,
}

/// `POST /admin/newsletter/erase`: erases one subscriber by address.
pub(super) async fn erase(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<EraseForm>,
) -> Response {
    match nl::erase_subscriber(&state, &who, &ctx, &f.email).await {
        Ok(()) => see_other("/desk/newsletter?erased=1"),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    page: Page,
    s: Statistics,
    tables: Vec<Table>,
    previous: String,
}

/// `GET /stats/{month}`: the month's public statistics, charts and tables.
pub(super) async fn stats(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(month): Path<String>,
) -> Response {
    match nl::statistics(&state, &month).await {
        Ok(s) => {
            let tr = ctx.tr();
            let previous = tocsin_domain::newsletter::Month::parse(&s.month)
                .map(|m| m.previous().to_string())
                .unwrap_or_default();
            render(
                StatusCode::OK,
                &StatsPage {
                    page: Page::new(&state, &ctx, &who, &format!("/stats/{month}")),
                    tables: tables(&s, &tr),
                    s,
                    previous,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /stats/{month}/{file}`: `stats.csv`, or a chart as `<name>.svg`.
pub(super) async fn stats_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((month, file)): Path<(String, String)>,
) -> Response {
    let s = match nl::statistics(&state, &month).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    if file == "stats.csv" {
        let disposition = format!("attachment; filename=\"stats-{}.csv\"", s.month);
        return (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            s.csv(&tr),
        )
            .into_response();
    }
    match file
        .strip_suffix(".svg")
        .and_then(|name| s.chart(name, &tr))
    {
        Some(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        None => AppError::NotFound.into_response(),
    }
}

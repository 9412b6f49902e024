//! The reporter's side of incident reports: the public form (no account needed), the
//! confirmation with the private status link, the status page (what the desk shared, and a
//! form to add information and files), file downloads, and a signed-in user's own reports.
//! Also the helpers the desk pages share: multipart reading, times, history and files.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tocsin_domain::zone::DEFAULT_TIME_ZONE;
use tocsin_domain::{IncidentInput, IncidentType, ReportKind, Timestamp, TrackingNumber};
use tocsin_storage::{AttachmentMeta, AttachmentRow, ReportEvent, Visibility};

use super::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::reports::{self as svc, QueueQuery, human_size};

/// Field errors as shown: (field, message).
pub(super) type Errors = Vec<(String, String)>;

/// Translates a service's field errors.
pub(super) fn field_errors(ctx: &Ctx, e: &tocsin_domain::FieldErrors) -> Errors {
    let tr = ctx.tr();
    e.iter()
        .map(|(k, v)| (k.to_string(), tr.field_error(v)))
        .collect()
}

/// The message for `field`, if it has one.
pub(super) fn find<'a>(errors: &'a Errors, field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(k, _)| k == field)
        .map(|(_, v)| v.as_str())
}

/// Time zones offered on the form; any IANA name is accepted.
const TIME_ZONES: &[&str] = &[
    "Asia/Taipei",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Kolkata",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
];

// ---------------------------------------------------------------------------------------
// Shared helpers (also used by the desk pages).

pub(super) use crate::multipart::{MultipartForm, read_multipart};

/// The time zones of a form's select, with `chosen` first when it is not one of them.
pub(super) fn zone_options(chosen: &str) -> Vec<String> {
    let mut zones: Vec<String> = TIME_ZONES.iter().map(|z| z.to_string()).collect();
    let tz = chosen.trim();
    if !tz.is_empty() && !zones.iter().any(|z| z == tz) {
        zones.insert(0, tz.to_string());
    }
    zones
}

/// An instant for people: the desk calendar's zone (Taiwan by default), to the minute,
/// with the offset.
pub(super) fn when(state: &AppState, t: Timestamp) -> String {
    let tz = state.desk.calendar.time_zone().clone();
    tocsin_domain::zone::to_jiff(t)
        .to_zoned_datetime(tz)
        .strftime("%Y-%m-%d %H:%M (UTC%:z)")
        .to_string()
}

/// The reporter's discovery time, `2026-11-28T09:15:00+08:00`, as
/// `2026-11-28 09:15 (UTC+08:00)`: the wall-clock time they meant.
pub(super) fn discovered(text: &str) -> String {
    match (text.get(..10), text.get(11..16), text.get(19..)) {
        (Some(d), Some(t), Some(off)) if !off.is_empty() => format!("{d} {t} (UTC{off})"),
        _ => text.to_string(),
    }
}

/// Percent-encodes a query value.
pub(super) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A translated name, e.g. `state-` + `closed`; empty stays empty.
pub(super) fn label(tr: &Tr, prefix: &str, key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        tr.t2(prefix, key)
    }
}

/// The incident type's name, or the stored text if unknown.
pub(super) fn type_label(tr: &Tr, category: &str) -> String {
    category
        .parse::<IncidentType>()
        .map(|t| t.label(tr.locale).to_string())
        .unwrap_or_else(|_| category.to_string())
}

/// One history entry as shown.
pub(super) struct EventView {
    /// When.
    pub at: String,
    /// The event's kind, for a class name.
    pub kind: String,
    /// The event's name.
    pub label: String,
    /// Who.
    pub actor: String,
    /// Internal to the desk.
    pub internal: bool,
    /// A one-line summary of the change, e.g. `已收到 → 已分類`.
    pub change: String,
    /// Free text (a message, a note, the reporter's addition).
    pub body: String,
}

/// A string of an event's data, or empty.
pub(super) fn data_str(data: &serde_json::Value, key: &str) -> String {
    data.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// A history entry for the desk (`desk`: actors by name) or for the reporter (the
/// operator speaks as one).
pub(super) fn event_view(state: &AppState, tr: &Tr, e: &ReportEvent, desk: bool) -> EventView {
    let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
    let mut body = e.body.clone();
    let change = match e.event.as_str() {
        "state" => {
            let mut parts = vec![format!(
                "{} → {}",
                label(tr, "state-", &data_str(&data, "from")),
                label(tr, "state-", &data_str(&data, "to"))
            )];
            match data_str(&data, "to").as_str() {
                "rejected" => {
                    parts.push(label(tr, "reason-", &data_str(&data, "rejection_reason")))
                }
                "duplicate" => parts.push(format!(
                    "{} {}",
                    tr.t("field-duplicate-of"),
                    data_str(&data, "duplicate_of")
                )),
                "closed" => {
                    parts.push(label(tr, "resolution-", &data_str(&data, "resolution")));
                    parts.push(label(tr, "outcome-", &data_str(&data, "outcome")));
                }
                _ => {}
            }
            parts.retain(|p| !p.trim().is_empty());
            parts.join("；")
        }
        "classified" => {
            let rsit = tocsin_domain::rsit::RsitType::from_key(&data_str(&data, "rsit"))
                .map(|t| t.label(tr.locale).to_string())
                .unwrap_or_default();
            format!(
                "{rsit} · {}",
                label(tr, "priority-", &data_str(&data, "priority"))
            )
        }
        "task" => {
            let title = match tr.locale {
                tocsin_domain::Locale::ZhTw => std::mem::take(&mut body),
                tocsin_domain::Locale::En => {
                    body.clear();
                    data_str(&data, "task")
                }
            };
            format!(
                "{title}: {} → {}",
                label(tr, "task-", &data_str(&data, "from")),
                label(tr, "task-", &data_str(&data, "to"))
            )
        }
        kind if kind.starts_with("phishing_") => super::phishing::event_change(tr, kind, &data),
        kind if super::vuln::is_vuln_event(kind) => {
            if kind == "cve_assigned" {
                // The body is the id itself.
                body.clear();
            }
            super::vuln::event_change(tr, kind, &data)
        }
        "assigned" => {
            let to = std::mem::take(&mut body);
            if to.is_empty() {
                tr.t("unassigned")
            } else {
                to
            }
        }
        _ => String::new(),
    };
    let actor = if desk {
        e.actor.clone()
    } else if matches!(e.event.as_str(), "received" | "reporter_info") {
        tr.t("event-by-reporter")
    } else {
        match tr.locale {
            tocsin_domain::Locale::ZhTw => state.config.operator.name_zh.clone(),
            tocsin_domain::Locale::En => state.config.operator.name_en.clone(),
        }
    };
    EventView {
        at: when(state, e.at),
        kind: e.event.clone(),
        label: label(tr, "event-", &e.event),
        actor,
        internal: e.visibility == Visibility::Internal,
        change,
        body,
    }
}

/// One file as listed.
pub(super) struct FileView {
    /// The download link.
    pub href: String,
    /// The uploader's name for it.
    pub name: String,
    /// Its size for people.
    pub size: String,
    /// SHA-256.
    pub sha256: String,
}

/// Files with their download links under `base` (`…/files/`), `query` appended.
pub(super) fn file_views(files: &[AttachmentMeta], base: &str, query: &str) -> Vec<FileView> {
    files
        .iter()
        .map(|a| FileView {
            href: format!("{base}{}{query}", a.id),
            name: a.filename.clone(),
            size: human_size(usize::try_from(a.size).unwrap_or(0)),
            sha256: a.sha256.clone(),
        })
        .collect()
}

/// A file as a download, never displayed inline: `application/octet-stream`,
/// `Content-Disposition: attachment`, `nosniff`.
pub(super) fn download(row: AttachmentRow) -> Response {
    let name = row.meta.filename;
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        pct(&name)
    );
    let mut resp = (StatusCode::OK, row.content).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition)
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Marks a response holding a secret link as not to be stored by any cache.
pub(super) fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The attachment limits for people: "at most 5 files of 5 MB each".
pub(super) fn limits_hint(state: &AppState, tr: &Tr) -> String {
    let r = &state.config.reports;
    tr.t_args(
        "hint-attachments",
        &[
            ("count", r.max_attachments.to_string()),
            ("size", human_size(r.max_attachment_bytes)),
        ],
    )
}

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
    }
}

pub(super) async fn form(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let mut input = IncidentInput::default();
    if let Some(u) = who.user() {
        input.reporter_name = u.name.clone();
        input.email = u.email.clone();
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

#[derive(Template)]
#[template(path = "report_receipt.html")]
struct ReceiptPage {
    page: Page,
    tracking_id: String,
    status_url: String,
    mail_note: String,
    summary: Vec<(String, String)>,
    description_title: String,
    description: String,
}

/// What a receipt repeats of the report: the reporter's address (the acknowledgment went
/// there), (label, value) rows, and a block of text.
pub(super) struct ReceiptSummary {
    /// The reporter's mail address as typed.
    pub email: String,
    /// (label, value) rows.
    pub rows: Vec<(String, String)>,
    /// The heading of the block of text, if it needs one.
    pub description_title: String,
    /// A block of text (the description, or the URLs defanged).
    pub description: String,
}

/// The confirmation every kind of report shows: the tracking number and the private status
/// link (shown in this response only, so never stored by a cache), then what was reported.
pub(super) fn receipt_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    path: &str,
    receipt: svc::Receipt,
    summary: ReceiptSummary,
) -> Response {
    let tr = ctx.tr();
    no_store(render(
        StatusCode::OK,
        &ReceiptPage {
            page: Page::new(state, ctx, who, path),
            tracking_id: receipt.tracking_id,
            status_url: receipt.status_url,
            mail_note: tr.t_args(
                "receipt-mail",
                &[("email", summary.email.trim().to_string())],
            ),
            summary: summary.rows,
            description_title: summary.description_title,
            description: summary.description,
        },
    ))
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
    let input = incident_input(&f);
    let had_files = !f.files.is_empty();
    match svc::submit_incident(&state, &who, &ctx, &input, f.files).await {
        // Rendered here, not redirected: the status link is shown in this response only.
        Ok(receipt) => {
            let tr = ctx.tr();
            let summary = ReceiptSummary {
                email: input.email.clone(),
                rows: vec![
                    (
                        tr.t("field-reporter-name"),
                        input.reporter_name.trim().to_string(),
                    ),
                    (
                        tr.t("field-incident-type"),
                        type_label(&tr, &input.incident_type),
                    ),
                ],
                description_title: String::new(),
                description: input.description.clone(),
            };
            receipt_page(&state, &ctx, &who, "/report/incident", receipt, summary)
        }
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

// ---------------------------------------------------------------------------------------
// The status page.

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    page: Page,
    tracking: String,
    token: String,
    state: String,
    state_label: String,
    type_label: String,
    reported_at: String,
    discovered_at: String,
    time_zone: String,
    description: String,
    events: Vec<EventView>,
    files: Vec<FileView>,
    limits: String,
    body: String,
    errors: Errors,
    /// The report on the desk, for staff (else empty).
    desk_href: String,
    /// The reader may add to the reporter's thread (not a notified vendor).
    may_append: bool,
    /// A phishing report's own fields and URL cases (None for other kinds).
    phishing: Option<super::phishing::StatusDetails>,
    /// A vulnerability report's own fields and coordination state (None for other kinds).
    vuln: Option<super::vuln::StatusDetails>,
    /// The assistance referral panel, for an incident that asked for support.
    referral: Option<super::referral::StatusPanel>,
}

impl StatusPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

/// The query of the status page and its files.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenQuery {
    token: String,
}

fn opt(token: &str) -> Option<&str> {
    (!token.is_empty()).then_some(token)
}

pub(super) async fn status_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    token: &str,
    draft: (String, Errors),
    status: StatusCode,
) -> Response {
    let v = match svc::view(state, who, ctx, tracking, opt(token), true).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let t = v.report.tracking_id.clone();
    let query = if token.is_empty() {
        String::new()
    } else {
        format!("?token={}", pct(token))
    };
    // The language switch comes back here, token included (same-origin only).
    let path = format!("/status/{t}{query}");
    let (body, errors) = draft;
    let phishing = if v.report.kind == ReportKind::Phishing {
        match super::phishing::status_details(state, &tr, &v, svc::is_desk(who)).await {
            Ok(p) => Some(p),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let vuln = if v.report.kind == ReportKind::Vulnerability {
        match super::vuln::status_details(state, &tr, &v).await {
            Ok(d) => Some(d),
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    let referral = match super::referral::status_panel(
        state,
        &tr,
        &v.report,
        v.incident.needs_support,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    // A phishing report's cases link to the desk instead, one per URL.
    let desk_href = match (svc::is_desk(who), v.report.kind) {
        (false, _) | (true, ReportKind::Phishing) => String::new(),
        (true, ReportKind::Vulnerability) => format!("/desk/vulnerabilities/{t}"),
        (true, ReportKind::Incident) => format!("/desk/reports/{t}"),
    };
    let page = StatusPage {
        page: Page::new(state, ctx, who, &path),
        files: file_views(&v.attachments, &format!("/status/{t}/files/"), &query),
        events: v
            .events
            .iter()
            .map(|e| event_view(state, &tr, e, false))
            .collect(),
        token: token.to_string(),
        state: v.report.state.as_str().to_string(),
        state_label: tr.t2("state-", v.report.state.as_str()),
        type_label: type_label(&tr, &v.report.category),
        reported_at: when(state, v.report.reported_at),
        discovered_at: discovered(&v.incident.discovered_at),
        time_zone: v.incident.time_zone.clone(),
        description: v.incident.description.clone(),
        limits: limits_hint(state, &tr),
        body,
        errors,
        desk_href,
        may_append: v.audience.cut().append,
        phishing,
        vuln,
        referral,
        tracking: t,
    };
    no_store(render(status, &page))
}

#[derive(Template)]
#[template(path = "report_need_link.html")]
struct NeedLinkPage {
    page: Page,
}

pub(super) async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    // The desk's update mails link here without the token (only its hash is stored): tell
    // a reporter without an account which link to open.
    if q.token.is_empty() && who.user().is_none() {
        return render(
            StatusCode::UNAUTHORIZED,
            &NeedLinkPage {
                page: Page::new(&state, &ctx, &who, &format!("/status/{}", pct(&tracking))),
            },
        );
    }
    status_view(
        &state,
        &ctx,
        &who,
        &tracking,
        &q.token,
        (String::new(), vec![]),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn status_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let token = f.get("token");
    let body = f.get("body");
    match svc::reporter_append(&state, &who, &ctx, &tracking, opt(&token), &body, f.files).await {
        Ok(()) => {
            let t = tracking
                .parse::<TrackingNumber>()
                .map(|t| t.to_string())
                .unwrap_or(tracking);
            if token.is_empty() {
                see_other(&format!("/status/{t}"))
            } else {
                see_other(&format!("/status/{t}?token={}", pct(&token)))
            }
        }
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            status_view(
                &state,
                &ctx,
                &who,
                &tracking,
                &token,
                (body, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn status_file(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
    Query(q): Query<TokenQuery>,
) -> Response {
    match svc::attachment(&state, &who, &ctx, &tracking, opt(&q.token), &id).await {
        Ok(row) => download(row),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// A signed-in user's reports.

/// One row of "my reports".
struct MineRow {
    tracking: String,
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
}

pub(super) async fn mine(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let q = QueueQuery {
        state: "all".into(),
        sort: "newest".into(),
        ..Default::default()
    };
    let tr = ctx.tr();
    match svc::queue(&state, &who, &ctx, &q).await {
        Ok((rows, _)) => render(
            StatusCode::OK,
            &MinePage {
                page: Page::new(&state, &ctx, &who, "/my/reports"),
                rows: rows
                    .into_iter()
                    .map(|r| MineRow {
                        type_label: type_label(&tr, &r.report.category),
                        state: r.report.state.as_str().to_string(),
                        state_label: tr.t2("state-", r.report.state.as_str()),
                        reported_at: when(&state, r.report.reported_at),
                        tracking: r.report.tracking_id,
                    })
                    .collect(),
            },
        ),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_times_read_as_meant() {
        assert_eq!(
            discovered("2026-11-28T09:15:00+08:00"),
            "2026-11-28 09:15 (UTC+08:00)"
        );
        assert_eq!(discovered("odd"), "odd");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(pct("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(pct("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}

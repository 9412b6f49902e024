//! The form kit and the small helpers every page shares: field errors and what was typed,
//! times in the desk's zone, files, the receipt.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tocsin_app::service::reports::{self as svc, human_size};
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::{Timestamp, TrackingNumber};
use tocsin_storage::{AttachmentMeta, AttachmentRow};

use super::page::{Page, render};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service;

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

/// One line of a refused form's error summary: a link to the field and what is wrong.
pub struct ErrorLink {
    /// `#` and the field's id.
    pub href: String,
    /// The field's label and its message.
    pub text: String,
}

/// The error summary of a refused form (`templates/_a11y.html`). `form` is the refused
/// form's id (on a page of several forms, its name, which is also its section's id);
/// `fields` are the page's fields in page order as (error key, element id, label message
/// id or empty), a key written `form.field` on a page of several forms. Each error names its
/// field's label and links to the field; an error of a field `fields` does not know links
/// to the form with its message alone.
pub fn error_links(
    tr: &Tr,
    errors: &Errors,
    form: &str,
    fields: &[(&str, &str, &str)],
) -> Vec<ErrorLink> {
    let matches = |k: &str, key: &str| {
        k == key || k.strip_prefix(form).and_then(|r| r.strip_prefix('.')) == Some(key)
    };
    let mut links: Vec<ErrorLink> = fields
        .iter()
        .filter_map(|(k, id, label)| {
            let (_, msg) = errors.iter().find(|(key, _)| matches(k, key))?;
            let text = if label.is_empty() {
                msg.clone()
            } else {
                format!("{}{}{msg}", tr.t(label), tr.t("a11y-label-sep"))
            };
            Some(ErrorLink {
                href: format!("#{id}"),
                text,
            })
        })
        .collect();
    for (key, msg) in errors {
        if !fields.iter().any(|(k, _, _)| matches(k, key)) {
            links.push(ErrorLink {
                href: format!("#{form}"),
                text: msg.clone(),
            });
        }
    }
    links
}

/// The error summary of a form refused as a whole (a sign-in, say): its one message,
/// linking to the field to start again from (`id`).
pub fn message_link(message: &str, id: &str) -> Vec<ErrorLink> {
    vec![ErrorLink {
        href: format!("#{id}"),
        text: message.to_string(),
    }]
}

/// The error summary of a form whose messages name their fields themselves (the intel
/// record's): each links to the field `prefix` + key; `more` (a file's problems, say) link
/// to `more_id`.
pub fn keyed_links(
    errors: &Errors,
    prefix: &str,
    more: &[String],
    more_id: &str,
) -> Vec<ErrorLink> {
    let mut links: Vec<ErrorLink> = errors
        .iter()
        .map(|(key, msg)| ErrorLink {
            href: format!("#{prefix}{key}"),
            text: msg.clone(),
        })
        .collect();
    links.extend(more.iter().map(|m| ErrorLink {
        href: format!("#{more_id}"),
        text: m.clone(),
    }));
    links
}

/// Time zones offered on the form; any IANA name is accepted.
pub(super) const TIME_ZONES: &[&str] = &[
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
/// with the zone's name in the reader's language (its UTC offset where it has none).
pub(super) fn when(state: &AppState, tr: &Tr, t: Timestamp) -> String {
    let tz = state.desk.calendar.time_zone().clone();
    let local = tocsin_domain::zone::to_jiff(t).to_zoned_datetime(tz);
    let zone = zone_label(tr, state.desk.calendar.time_zone_name())
        .unwrap_or_else(|| local.strftime("UTC%:z").to_string());
    format!("{} ({zone})", local.strftime("%Y-%m-%d %H:%M"))
}

/// A date of the desk's calendar (a target publication date) with its time zone's name:
/// `2026-12-08 (台北時間)`.
pub(super) fn desk_date(state: &AppState, tr: &Tr, date: &str) -> String {
    if date.is_empty() {
        return String::new();
    }
    let name = state.desk.calendar.time_zone_name();
    let zone = zone_label(tr, name).unwrap_or_else(|| name.to_string());
    format!("{date} ({zone})")
}

/// The reader's name of a time zone (see [`Tr::zone_name`]).
pub(super) fn zone_label(tr: &Tr, iana: &str) -> Option<String> {
    tr.zone_name(iana)
}

/// The reporter's discovery time, `2026-11-28T09:15:00+08:00`, as
/// `2026-11-28 09:15 (UTC+08:00)`: the wall-clock time they meant.
pub(super) fn discovered(text: &str) -> String {
    match (text.get(..10), text.get(11..16), text.get(19..)) {
        (Some(d), Some(t), Some(off)) if !off.is_empty() => format!("{d} {t} (UTC{off})"),
        _ => text.to_string(),
    }
}

pub(super) use crate::api::wire::pct;

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
    attachment(row.content, "application/octet-stream", &disposition)
}

/// `body` as a file to save, never displayed inline: its type, `Content-Disposition`
/// (`disposition`, falling back to a bare `attachment`), and `nosniff` (the
/// middleware adds `no-store`).
pub(super) fn attachment(
    body: impl IntoResponse,
    content_type: &'static str,
    disposition: &str,
) -> Response {
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(disposition)
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
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

#[derive(Template)]
#[template(path = "report_receipt.html")]
pub(super) struct ReceiptPage {
    page: Page,
    tracking_id: String,
    status_url: String,
    mail_note: String,
    summary: Vec<(String, String)>,
    description_title: String,
    description: String,
    warnings: Vec<String>,
    again: bool,
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
    /// Warnings about what was reported (a vulnerability's CVSS disagreements).
    pub warnings: Vec<String>,
}

/// A fresh idempotency key for a form's hidden `idempotency_key` field: a new one each
/// time the form is rendered, so the same form posted twice is one submission.
pub(super) fn form_key() -> String {
    tocsin_app::auth::new_secret()
}

/// The form's idempotency key, when it sent one, before the API's header.
pub(super) fn take_form_key(ctx: &mut Ctx, f: &MultipartForm) {
    let key = f.get("idempotency_key");
    if !key.trim().is_empty() {
        ctx.idempotency_key = Some(key);
    }
}

/// Post/redirect/get: the answer to a filed report is a 303 to its receipt page, which
/// the browser may reload without posting again. The status secret rides in the query as
/// on the status page (responses are `no-store`, and the referrer policy keeps it in).
/// `again` marks the answer to a repeated submission.
pub(super) fn to_receipt(receipt: &svc::Receipt) -> Response {
    let again = if receipt.repeated { "&again=1" } else { "" };
    super::page::see_other(&format!(
        "/report/receipt/{}?token={}{again}",
        pct(&receipt.tracking_id),
        pct(&receipt.token)
    ))
}

/// The confirmation every kind of report shows: the tracking number and the private status
/// link (reached with the link's secret only, and `no-store` like every page), whether it
/// answers a repeated submission, then what was reported (with any warnings).
pub(super) fn receipt_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    path: &str,
    receipt: svc::Receipt,
    summary: ReceiptSummary,
) -> Response {
    let again = receipt.repeated;
    let tr = ctx.tr();
    render(
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
            warnings: summary.warnings,
            again,
        },
    )
}

/// The desk's pages are for staff: only they may change reports, so the policy's answer
/// to "update any report" decides (reporters may list and read their own, but not here).
pub(super) async fn staff_only(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<(), AppError> {
    service::check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await
}

/// (value, label) pairs for a select.
pub(super) type Options = Vec<(String, String)>;

/// `minutes` (sign dropped) as message `id` with `hours` and `minutes`.
pub(super) fn hours_minutes(tr: &Tr, id: &str, minutes: i64) -> String {
    let m = minutes.abs();
    tr.t_args(
        id,
        &[
            ("hours", (m / 60).to_string()),
            ("minutes", (m % 60).to_string()),
        ],
    )
}

/// A form of the report page that was refused: which one, its messages, what was typed.
#[derive(Default)]
pub(super) struct Failed {
    /// The form's name (also its section's id).
    pub form: String,
    /// Its messages.
    pub errors: Errors,
    /// What was typed, by field.
    pub values: Vec<(&'static str, String)>,
}

/// The tracking number as it goes back into a path (canonical form when it parses).
pub(super) fn canonical(tracking: &str) -> String {
    tracking
        .parse::<TrackingNumber>()
        .map(|t| t.to_string())
        .unwrap_or_else(|_| tracking.to_string())
}

/// A page with several forms, one of which may come back refused: its messages and what
/// each form's fields hold, keyed `form.field`. A page says where these live; its
/// template asks the rest (`error`, `value`, `sel`).
pub(super) trait PageForms {
    /// The refused form's name (empty when none was).
    fn failed_form(&self) -> &str;
    /// The refused form's messages.
    fn form_errors(&self) -> &Errors;
    /// What each form's fields hold (typed, or the current value), keyed `form.field`.
    fn form_values(&self) -> &std::collections::HashMap<String, String>;

    /// The message for `field` when `form` was the one refused.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.failed_form() == form {
            find(self.form_errors(), field)
        } else {
            None
        }
    }
    /// What `form`'s `field` holds: what was typed, or the current value.
    fn value(&self, form: &str, field: &str) -> &str {
        self.form_values()
            .get(&format!("{form}.{field}"))
            .map_or("", String::as_str)
    }
    /// Whether option `v` of a select is the chosen one.
    fn sel(&self, form: &str, field: &str, v: &str) -> bool {
        self.value(form, field) == v
    }
}

/// Other teams' ticket numbers of one case in a desk list, as shown beside its tracking
/// number (`JPCERT#12345, CERT.PL#4711`); empty when it has none.
pub(crate) fn tickets(
    all: &std::collections::HashMap<tocsin_domain::ReportId, Vec<String>>,
    id: tocsin_domain::ReportId,
) -> String {
    all.get(&id).map(|t| t.join(", ")).unwrap_or_default()
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
    fn error_summaries_link_each_error_to_its_field_in_page_order() {
        let tr = Tr::new(tocsin_domain::Locale::En);
        let errors: Errors = vec![
            ("email".into(), "Required.".into()),
            ("name".into(), "Too long.".into()),
            ("other".into(), "Odd.".into()),
        ];
        let fields = [
            ("name", "f-name", "field-name"),
            ("email", "f-email", "field-email"),
        ];
        let links = error_links(&tr, &errors, "user-form", &fields);
        let got: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.href.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("#f-name", "Name: Too long."),
                ("#f-email", "Email: Required."),
                ("#user-form", "Odd."),
            ]
        );
        // On a page of several forms, a key names its form.
        let errors: Errors = vec![("body".into(), "Required.".into())];
        let fields = [
            ("note.body", "f-note-body", ""),
            ("message.body", "f-message-body", ""),
        ];
        let links = error_links(&tr, &errors, "message", &fields);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].href, "#f-message-body");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(pct("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(pct("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}

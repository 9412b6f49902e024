//! The intel-sharing pages (資安情資分享, issue 6): the inbox of the signed-in user's
//! organization (the desk sees every record), the 25-field form with its TXT alternative,
//! one record with its indicators, FBI answers and TXT download, the desk's editing,
//! indicators and sharing forms with the audiences and deliveries, the recipients' FBI
//! feedback and re-share forms, the admins' sharing groups, and the desk's "intel draft
//! from an incident" action.
//!
//! Who may see or do what is the service's (`service::intel`) and the policy's decision,
//! never this module's: a record the caller may not read is the same 404 as one that does
//! not exist. Every text is shown escaped.

use crate::error::IntoHttp as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::intel::{
    ConnectionInput, EndpointInput, IntelCategory, IntelField, IntelInput, IntelRecord, IntelTime,
    ScanInfo,
};
use tocsin_domain::policy::{Action, IntelAudience, Resource, may_reshare};
use tocsin_domain::{FieldError, FieldErrors, GroupId, IntelId, Locale, OrgId, Tlp};
use tocsin_formats::intel_form::{self, ParseOutcome, Problem, ProblemKind};
use tocsin_storage::AudienceKind;
use uuid::Uuid;

use super::kit::{
    Errors, MultipartForm, discovered, field_errors, find, pct, read_multipart, when,
};
use super::kit::{Options, attachment};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::intel::{
    self as svc, Channel, GROUP_KINDS, GroupInput, InboxQuery, Intel, PAGE_SIZE, ShareInput, status,
};
use tocsin_app::service::{self};

// ---------------------------------------------------------------------------------------
// Shared pieces.

/// A record id from a path; one that cannot be an id is "not found" like a missing one.
fn record_id(s: &str) -> Result<IntelId, AppError> {
    s.trim().parse::<IntelId>().map_err(|_| AppError::NotFound)
}

/// The TLP as people see it, the same in every language: `TLP:AMBER`.
fn tlp_marking(s: &str) -> String {
    s.parse::<Tlp>()
        .map(|t| t.marking().to_string())
        .unwrap_or_else(|_| s.to_string())
}

/// The class of a TLP badge: `tlp-amber-strict`.
fn tlp_class(s: &str) -> String {
    let name = s.parse::<Tlp>().map(|t| t.as_str()).unwrap_or("unknown");
    format!("tlp-{}", name.replace('+', "-"))
}

/// A status for people (the stored name if unknown).
fn status_label(tr: &Tr, s: &str) -> String {
    match s {
        status::DRAFT | status::SHARED => tr.t2("intel-status-", s),
        other => other.to_string(),
    }
}

/// A category for people: `DEF · 網頁攻擊`.
fn category_label(tr: &Tr, s: &str) -> String {
    match IntelCategory::parse(s) {
        Some(c) => tr.t2("intel-category-", &c.as_str().to_ascii_lowercase()),
        None => s.to_string(),
    }
}

/// The field's name in the page's language (the format's Chinese name in zh-TW).
fn field_label(tr: &Tr, f: IntelField) -> String {
    tr.t2("intel-field-", f.key())
}

/// What is shown beside a field's label so both names of the format are always there:
/// the English key in zh-TW, the Chinese name and the key in English.
fn field_alt(tr: &Tr, f: IntelField) -> String {
    match tr.locale {
        Locale::ZhTw => f.key().to_string(),
        Locale::En => format!("{} · {}", f.zh(), f.key()),
    }
}

/// The UTC offset of the desk's time zone now, in minutes (the format writes times with
/// their offset; a form is prefilled with the desk's).
fn desk_offset_minutes(state: &AppState) -> i16 {
    let tz = state.desk.calendar.time_zone();
    let seconds = tz
        .to_offset(tocsin_domain::zone::to_jiff(state.now()))
        .seconds();
    i16::try_from(seconds / 60).unwrap_or(0)
}

/// Now, in the format's shape, at the desk's offset.
fn now_text(state: &AppState) -> String {
    IntelTime::at(state.now(), desk_offset_minutes(state)).to_string()
}

/// (value, label) of every TLP at or above `floor`: what a re-share or feedback may carry.
fn tlp_options_from(floor: Tlp) -> Options {
    Tlp::ALL
        .iter()
        .filter(|t| may_reshare(floor, **t))
        .map(|t| (t.as_str().to_string(), t.marking().to_string()))
        .collect()
}

/// The translated message of a TXT parse problem.
fn problem_text(tr: &Tr, kind: &ProblemKind) -> String {
    match kind {
        ProblemKind::Duplicate => tr.t("intel-problem-duplicate"),
        ProblemKind::UnclosedFence => tr.t("intel-problem-unclosed-fence"),
        ProblemKind::UnterminatedQuote => tr.t("intel-problem-unterminated-quote"),
        ProblemKind::StrayQuote => tr.t("intel-problem-stray-quote"),
        ProblemKind::UnknownKey { key } => {
            tr.t_args("intel-problem-unknown-key", &[("key", key.clone())])
        }
        ProblemKind::RepeatedKey { key } => {
            tr.t_args("intel-problem-repeated-key", &[("key", key.clone())])
        }
        ProblemKind::MissingKey { token } => {
            tr.t_args("intel-problem-missing-key", &[("token", token.clone())])
        }
    }
}

/// Every problem of an uploaded TXT form, one message each with its line and field, then
/// every line that belongs to no field; empty when the file was read whole.
fn txt_problems(tr: &Tr, outcome: &ParseOutcome) -> Vec<String> {
    let mut out: Vec<(usize, String)> = outcome
        .problems
        .iter()
        .map(|p: &Problem| {
            (
                p.line,
                tr.t_args(
                    "intel-txt-problem",
                    &[
                        ("line", p.line.to_string()),
                        ("field", p.field.label()),
                        ("problem", problem_text(tr, &p.kind)),
                    ],
                ),
            )
        })
        .collect();
    out.extend(outcome.unknown_lines.iter().map(|(n, text)| {
        (
            *n,
            tr.t_args(
                "intel-txt-unknown-line",
                &[("line", n.to_string()), ("text", text.clone())],
            ),
        )
    }));
    out.sort_by_key(|(n, _)| *n);
    let mut messages: Vec<String> = out.into_iter().map(|(_, m)| m).collect();
    if outcome.lossy {
        messages.insert(0, tr.t("intel-txt-lossy"));
    }
    messages
}

// ---------------------------------------------------------------------------------------
// The structured fields as lines of text: the TXT form's entry syntax, one entry a line.

/// `key=value` tokens of an entry, as the TXT form writes them; `bare_ip` writes the ip
/// without its key.
fn entry_line(pairs: &[(&str, &str)], bare_ip: bool) -> String {
    tocsin_formats::intel_form::entry(pairs, bare_ip.then_some("ip"))
}

/// 受害IP as the form's lines: `203.0.113.5 port=443 protocol=tcp`.
fn victim_lines(entries: &[EndpointInput]) -> String {
    entries
        .iter()
        .map(|e| {
            entry_line(
                &[("ip", &e.ip), ("port", &e.port), ("protocol", &e.protocol)],
                true,
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// 惡意IP連線資訊 as the form's lines, as the TXT form writes them.
fn connection_lines(entries: &[ConnectionInput]) -> String {
    entries
        .iter()
        .map(|c| {
            entry_line(
                &[
                    ("direction", &c.direction),
                    ("ip", &c.ip),
                    ("port", &c.port),
                    ("protocol", &c.protocol),
                ],
                false,
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the lines of a structured field typed in the form with the TXT parser (the same
/// syntax), each typed line `n` being line `n + 1` of the text it is wrapped into. The
/// first line that cannot be read is an error naming the field and that line.
fn parse_entries(tr: &Tr, field: IntelField, typed: &str, e: &mut FieldErrors) -> IntelInput {
    let mut text = format!("{}：\n", field.zh());
    for line in typed.lines() {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    let outcome = intel_form::parse(&text);
    if let Some(p) = outcome.problems.iter().find(|p| p.field == field) {
        e.add(
            field.key(),
            FieldError::new("error-intel-entry-line")
                .arg("line", p.line.saturating_sub(1))
                .arg("problem", problem_text(tr, &p.kind))
                .arg("field", field.label()),
        );
    }
    outcome.input
}

// ---------------------------------------------------------------------------------------
// The form: the 25 fields, as typed.

/// The form's inputs that are not one of the 25 fields' own names.
const SCAN_KEYS: [&str; 4] = [
    "scan_engine",
    "scan_engine_type",
    "scan_version",
    "scan_result",
];

/// What the form holds, by input name, as typed.
#[derive(Clone, Debug, Default)]
struct FormValues(BTreeMap<String, String>);

impl FormValues {
    fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }
    fn set(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }

    /// The values of a record's input (an edit, a TXT merged in).
    fn of_input(input: &IntelInput) -> FormValues {
        let mut v = FormValues::default();
        for f in IntelField::ALL {
            match f {
                IntelField::VictimIp => v.set(f.key(), victim_lines(&input.victim_ip)),
                IntelField::MaliciousConnections => {
                    v.set(f.key(), connection_lines(&input.malicious_connections))
                }
                IntelField::ScanInfo => {
                    let s = &input.scan_info;
                    for (k, val) in
                        SCAN_KEYS
                            .iter()
                            .zip([&s.engine, &s.engine_type, &s.version, &s.result])
                    {
                        v.set(k, val.clone());
                    }
                }
                _ => v.set(f.key(), text_of(input, f).to_string()),
            }
        }
        // The selects show the canonical names of what was read (`AMBER` → amber).
        if let Some(c) = IntelCategory::parse(&input.category) {
            v.set("category", c.as_str().to_string());
        }
        if let Ok(t) = input.tlp.parse::<Tlp>() {
            v.set("tlp", t.as_str().to_string());
        }
        v
    }
}

/// A text field of an input (not the three structured ones, which give "").
fn text_of(input: &IntelInput, f: IntelField) -> &str {
    input.text(f).unwrap_or_default()
}

/// The form as typed: its values, the record input they make, and the errors of the
/// structured fields' lines.
fn read_form(tr: &Tr, f: &MultipartForm) -> (FormValues, IntelInput, FieldErrors) {
    let mut values = FormValues::default();
    let mut input = IntelInput::default();
    let mut errors = FieldErrors::new();
    for field in IntelField::ALL {
        match field {
            IntelField::VictimIp => {
                let typed = f.get(field.key());
                input.victim_ip = parse_entries(tr, field, &typed, &mut errors).victim_ip;
                values.set(field.key(), typed);
            }
            IntelField::MaliciousConnections => {
                let typed = f.get(field.key());
                input.malicious_connections =
                    parse_entries(tr, field, &typed, &mut errors).malicious_connections;
                values.set(field.key(), typed);
            }
            IntelField::ScanInfo => {
                let [engine, engine_type, version, result] = SCAN_KEYS.map(|k| f.get(k));
                for (k, v) in SCAN_KEYS
                    .iter()
                    .zip([&engine, &engine_type, &version, &result])
                {
                    values.set(k, v.clone());
                }
                input.scan_info = ScanInfo {
                    engine,
                    engine_type,
                    version,
                    result,
                };
            }
            _ => {
                let typed = f.get(field.key());
                if let Some(slot) = input.text_mut(field) {
                    *slot = typed.clone();
                }
                values.set(field.key(), typed);
            }
        }
    }
    (values, input, errors)
}

/// An uploaded TXT form merged with the form: what the file gives wins, the form fills the
/// fields the file leaves empty. Returns the merged input, the form's values showing it,
/// and the fields taken from the form.
fn merge_txt(
    txt: &IntelInput,
    typed: &IntelInput,
    values: &FormValues,
) -> (IntelInput, FormValues, BTreeSet<&'static str>) {
    let mut merged = txt.clone();
    let mut from_form = BTreeSet::new();
    for f in IntelField::ALL {
        let take_form = match f {
            IntelField::VictimIp => {
                let empty = merged.victim_ip.is_empty();
                if empty {
                    merged.victim_ip = typed.victim_ip.clone();
                }
                empty
            }
            IntelField::MaliciousConnections => {
                let empty = merged.malicious_connections.is_empty();
                if empty {
                    merged.malicious_connections = typed.malicious_connections.clone();
                }
                empty
            }
            IntelField::ScanInfo => {
                let empty = merged.scan_info.is_empty();
                if empty {
                    merged.scan_info = typed.scan_info.clone();
                }
                empty
            }
            _ => {
                let form_text = text_of(typed, f).to_string();
                match merged.text_mut(f) {
                    Some(slot) if slot.trim().is_empty() => {
                        *slot = form_text;
                        true
                    }
                    _ => false,
                }
            }
        };
        if take_form {
            from_form.insert(f.key());
        }
    }
    let mut shown = FormValues::of_input(&merged);
    // What was typed stays as typed (bad lines included), for the fields the form gave.
    for key in &from_form {
        if *key == IntelField::ScanInfo.key() {
            for k in SCAN_KEYS {
                shown.set(k, values.get(k).to_string());
            }
        } else {
            shown.set(key, values.get(key).to_string());
        }
    }
    (merged, shown, from_form)
}

/// One input of the form as the template draws it.
struct InputView {
    /// The input's name, also the key of its errors.
    key: &'static str,
    /// The label in the page's language.
    label: String,
    /// The other names (the format's Chinese name, the English key).
    alt: String,
    /// line, block, time, impact, category, tlp, entries, scan.
    widget: &'static str,
    /// Rows of a textarea.
    rows: usize,
    /// Most characters.
    max: usize,
    /// Must be filled.
    required: bool,
    /// A hint under the input (may be empty).
    hint: String,
}

fn inputs(tr: &Tr) -> Vec<InputView> {
    use IntelField as F;
    use tocsin_domain::intel::limits;
    IntelField::ALL
        .iter()
        .map(|&f| {
            let (widget, rows, max) = match f {
                F::Category => ("category", 0, 0),
                F::Tlp => ("tlp", 0, 0),
                F::PublishedAt
                | F::EventDiscoveredAt
                | F::EventSentAt
                | F::EventResolvedAt
                | F::SourceTime => ("time", 0, 40),
                F::ImpactLevel => ("impact", 0, 0),
                F::VictimIp | F::MaliciousConnections => ("entries", 4, 200_000),
                F::ScanInfo => ("scan", 0, limits::TEXT),
                F::Content => ("block", 10, limits::CONTENT),
                F::Contact
                | F::Recommendation
                | F::References
                | F::Attachments
                | F::AffectedPlatforms
                | F::Technique => ("block", 3, limits::TEXT),
                F::DispatchId | F::IntelType | F::SourceId => ("line", 0, limits::ID),
                F::Subject | F::Source | F::EventSubject | F::Publisher => {
                    ("line", 0, limits::LINE)
                }
            };
            let hint = match f {
                F::PublishedAt
                | F::EventDiscoveredAt
                | F::EventSentAt
                | F::EventResolvedAt
                | F::SourceTime => tr.t("intel-hint-time"),
                F::VictimIp => tr.t("intel-hint-victim-ip"),
                F::MaliciousConnections => tr.t("intel-hint-connections"),
                F::EventSubject => tr.t("intel-hint-event-subject"),
                F::ImpactLevel => tr.t("intel-hint-impact"),
                F::SourceId => tr.t("intel-hint-source-id"),
                _ => String::new(),
            };
            InputView {
                key: f.key(),
                label: field_label(tr, f),
                alt: field_alt(tr, f),
                widget,
                rows,
                max,
                required: matches!(
                    f,
                    F::Category | F::Subject | F::Source | F::PublishedAt | F::Tlp | F::Content
                ),
                hint,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "intel_form.html")]
struct FormPage {
    page: Page,
    /// Where the form goes.
    action: String,
    /// Editing a stored record (no TXT upload), else a new one.
    editing: bool,
    /// The record being edited.
    id: String,
    inputs: Vec<InputView>,
    categories: Options,
    tlps: Options,
    values: FormValues,
    errors: Errors,
    /// The problems of an uploaded TXT form, each with its line.
    txt_problems: Vec<String>,
    /// A TXT form was read into the fields shown.
    txt_merged: bool,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
    fn v(&self, key: &str) -> &str {
        self.values.get(key)
    }
    fn sel(&self, key: &str, option: &str) -> bool {
        self.values.get(key) == option
    }
}

struct FormState {
    values: FormValues,
    errors: Errors,
    txt_problems: Vec<String>,
    txt_merged: bool,
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    editing: Option<IntelId>,
    form: FormState,
) -> FormPage {
    let tr = ctx.tr();
    let (action, path) = match editing {
        Some(id) => (format!("/intel/{id}/edit"), format!("/intel/{id}/edit")),
        None => ("/intel/new".to_string(), "/intel/new".to_string()),
    };
    FormPage {
        page: Page::new(state, ctx, who, &path),
        action,
        editing: editing.is_some(),
        id: editing.map(|i| i.to_string()).unwrap_or_default(),
        inputs: inputs(&tr),
        categories: IntelCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), category_label(&tr, c.as_str())))
            .collect(),
        tlps: tlp_options_from(Tlp::Clear),
        values: form.values,
        errors: form.errors,
        txt_problems: form.txt_problems,
        txt_merged: form.txt_merged,
    }
}

/// Whether the caller may submit records (asked of the policy, refusals audited).
async fn may_create(state: &AppState, who: &CurrentUser, ctx: &Ctx) -> Result<(), AppError> {
    service::check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Intel {
            tlp: Tlp::Red,
            draft: true,
            audience: IntelAudience::default(),
        },
    )
    .await
}

/// The blank TXT form, as a download.
pub(super) async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"intel-template.txt\"",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        intel_form::template(),
    )
        .into_response()
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    if let Err(e) = may_create(&state, &who, &ctx).await {
        return e.into_response();
    }
    let mut values = FormValues::default();
    values.set("published_at", now_text(&state));
    let form = FormState {
        values,
        errors: vec![],
        txt_problems: vec![],
        txt_merged: false,
    };
    render(StatusCode::OK, &form_page(&state, &ctx, &who, None, form))
}

/// The form again with its messages (422): nothing was stored.
fn refused(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    editing: Option<IntelId>,
    form: FormState,
) -> Response {
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(state, ctx, who, editing, form),
    )
}

/// Adds the record's own errors to the structured fields' line errors (those first).
fn with_validation(mut lines: FieldErrors, input: &IntelInput) -> FieldErrors {
    if let Err(e) = input.validate() {
        for (k, v) in e.iter() {
            lines.add(k, v.clone());
        }
    }
    lines
}

pub(super) async fn new_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    // The policy first: whoever may not submit learns nothing about their input.
    if let Err(e) = may_create(&state, &who, &ctx).await {
        return e.into_response();
    }
    let tr = ctx.tr();
    let (values, typed, mut line_errors) = read_form(&tr, &f);
    let (input, values, channel, txt_merged) = match f.take_file("txt") {
        Some(upload) => {
            let outcome = intel_form::parse_bytes(&upload.bytes);
            let problems = txt_problems(&tr, &outcome);
            if !problems.is_empty() {
                let form = FormState {
                    values,
                    errors: vec![],
                    txt_problems: problems,
                    txt_merged: false,
                };
                return refused(&state, &ctx, &who, None, form);
            }
            let (merged, shown, from_form) = merge_txt(&outcome.input, &typed, &values);
            // Line errors only count for the fields the form gave.
            let mut kept = FieldErrors::new();
            for (k, v) in line_errors.iter() {
                if from_form.contains(k) {
                    kept.add(k, v.clone());
                }
            }
            line_errors = kept;
            (merged, shown, Channel::Txt, true)
        }
        None => (typed, values, Channel::Web, false),
    };
    if !line_errors.is_empty() {
        let errors = with_validation(line_errors, &input);
        let form = FormState {
            values,
            errors: field_errors(&ctx, &errors),
            txt_problems: vec![],
            txt_merged,
        };
        return refused(&state, &ctx, &who, None, form);
    }
    match svc::submit(&state, &who, &ctx, &input, channel).await {
        Ok(intel) => see_other(&format!("/intel/{}", intel.row.id)),
        Err(AppError::Validation(e)) => {
            let form = FormState {
                values,
                errors: field_errors(&ctx, &e),
                txt_problems: vec![],
                txt_merged,
            };
            refused(&state, &ctx, &who, None, form)
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = record_id(&id)?;
        svc::load(&state, &who, &ctx, id, Action::Update).await
    }
    .await;
    let (intel, _) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let form = FormState {
        values: FormValues::of_input(&intel.record.to_input()),
        errors: vec![],
        txt_problems: vec![],
        txt_merged: false,
    };
    render(
        StatusCode::OK,
        &form_page(&state, &ctx, &who, Some(intel.row.id), form),
    )
}

pub(super) async fn edit_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let id = match record_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    // Whoever may not edit it is answered before their input is looked at.
    if let Err(e) = svc::load(&state, &who, &ctx, id, Action::Update).await {
        return e.into_response();
    }
    let tr = ctx.tr();
    let (values, input, line_errors) = read_form(&tr, &f);
    if !line_errors.is_empty() {
        let errors = with_validation(line_errors, &input);
        let form = FormState {
            values,
            errors: field_errors(&ctx, &errors),
            txt_problems: vec![],
            txt_merged: false,
        };
        return refused(&state, &ctx, &who, Some(id), form);
    }
    match svc::edit(&state, &who, &ctx, id, &input).await {
        Ok(_) => see_other(&format!("/intel/{id}")),
        Err(AppError::Validation(e)) => {
            let form = FormState {
                values,
                errors: field_errors(&ctx, &e),
                txt_problems: vec![],
                txt_merged: false,
            };
            refused(&state, &ctx, &who, Some(id), form)
        }
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The inbox.

/// One row of the inbox.
struct RowView {
    id: String,
    published: String,
    category: String,
    category_label: String,
    tlp: String,
    tlp_class: String,
    impact: String,
    subject: String,
    status: String,
    status_label: String,
}

fn row_view(state: &AppState, tr: &Tr, i: &Intel) -> RowView {
    RowView {
        id: i.row.id.to_string(),
        published: when(state, i.row.published_at),
        category: i.row.category.clone(),
        category_label: category_label(tr, &i.row.category),
        tlp: tlp_marking(&i.row.tlp),
        tlp_class: tlp_class(&i.row.tlp),
        impact: i
            .row
            .impact_level
            .map(|n| n.to_string())
            .unwrap_or_default(),
        subject: i.row.subject.clone(),
        status: i.row.status.clone(),
        status_label: status_label(tr, &i.row.status),
    }
}

#[derive(Template)]
#[template(path = "intel_inbox.html")]
struct InboxPage {
    page: Page,
    q: InboxQuery,
    categories: Options,
    tlps: Options,
    statuses: Options,
    rows: Vec<RowView>,
    errors: Errors,
    page_label: String,
    prev_href: String,
    next_href: String,
    may_create: bool,
}

/// The query string of the inbox with `q`'s filters and page `page`.
fn inbox_href(q: &InboxQuery, page: i64) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("status", &q.status),
        ("category", &q.category),
        ("tlp", &q.tlp),
        ("min_impact", &q.min_impact),
        ("since", &q.since),
        ("until", &q.until),
        ("q", &q.q),
        ("observable", &q.observable),
    ] {
        if !v.trim().is_empty() {
            parts.push(format!("{k}={}", pct(v.trim())));
        }
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        "/intel".to_string()
    } else {
        format!("/intel?{}", parts.join("&"))
    }
}

/// The name of an inbox filter, as its errors say it: `分享等級 (tlp)`.
fn filter_name(tr: &Tr, key: &str) -> String {
    match key {
        "category" => IntelField::Category.label(),
        "tlp" => IntelField::Tlp.label(),
        other => format!("{} ({other})", tr.t2("intel-filter-", other)),
    }
}

pub(super) async fn inbox(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let tr = ctx.tr();
    let (list, errors, status) = match svc::inbox(&state, &who, &ctx, &q).await {
        Ok(l) => (l, vec![], StatusCode::OK),
        Err(AppError::Validation(e)) => {
            // Each message names its filter, in the page's language and by its key.
            let errors = e
                .iter()
                .map(|(k, v)| {
                    let message = tr.t_args(v.code, &v.args);
                    let named = tr.t_args(
                        "field-named",
                        &[("field", filter_name(&tr, k)), ("message", message)],
                    );
                    (k.to_string(), named)
                })
                .collect();
            (vec![], errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return e.into_response(),
    };
    let page_no = q
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .unwrap_or(1);
    let full = i64::try_from(list.len()).unwrap_or(i64::MAX) >= PAGE_SIZE;
    let may_create = authorize_create(&who);
    let mut statuses: Options = vec![(String::new(), tr.t("intel-status-any"))];
    statuses.extend(
        [status::DRAFT, status::SHARED]
            .iter()
            .map(|s| (s.to_string(), status_label(&tr, s))),
    );
    let page = InboxPage {
        page: Page::new(&state, &ctx, &who, &inbox_href(&q, page_no)),
        categories: IntelCategory::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), category_label(&tr, c.as_str())))
            .collect(),
        tlps: tlp_options_from(Tlp::Clear),
        statuses,
        rows: list.iter().map(|i| row_view(&state, &tr, i)).collect(),
        errors,
        prev_href: if page_no > 1 {
            inbox_href(&q, page_no - 1)
        } else {
            String::new()
        },
        next_href: if full {
            inbox_href(&q, page_no + 1)
        } else {
            String::new()
        },
        page_label: tr.t_args("intel-page", &[("page", page_no.to_string())]),
        may_create,
        q,
    };
    render(status, &page)
}

/// Whether to offer the "new record" link (the policy's answer; the form asks again).
fn authorize_create(who: &CurrentUser) -> bool {
    tocsin_domain::policy::authorize(
        who.principal().as_ref(),
        Action::Create,
        &Resource::Intel {
            tlp: Tlp::Red,
            draft: true,
            audience: IntelAudience::default(),
        },
    )
    .is_ok()
}

// ---------------------------------------------------------------------------------------
// One record.

/// One of the 25 fields as the record page shows it.
struct FieldView {
    key: &'static str,
    label: String,
    alt: String,
    /// One-line value (empty: shown as —).
    value: String,
    /// A text block, shown with its line breaks.
    block: bool,
    /// The entries of a structured field.
    entries: Vec<String>,
}

fn field_views(tr: &Tr, r: &IntelRecord) -> Vec<FieldView> {
    use IntelField as F;
    let input = r.to_input();
    IntelField::ALL
        .iter()
        .map(|&f| {
            let mut v = FieldView {
                key: f.key(),
                label: field_label(tr, f),
                alt: field_alt(tr, f),
                value: String::new(),
                block: false,
                entries: Vec::new(),
            };
            match f {
                F::Category => v.value = category_label(tr, r.category.as_str()),
                F::Tlp => v.value = r.tlp.marking().to_string(),
                F::PublishedAt
                | F::EventDiscoveredAt
                | F::EventSentAt
                | F::EventResolvedAt
                | F::SourceTime => v.value = discovered(text_of(&input, f)),
                F::VictimIp => {
                    v.entries = input
                        .victim_ip
                        .iter()
                        .map(|e| {
                            entry_line(
                                &[("ip", &e.ip), ("port", &e.port), ("protocol", &e.protocol)],
                                true,
                            )
                        })
                        .collect()
                }
                F::MaliciousConnections => {
                    v.entries = connection_lines(&input.malicious_connections)
                        .lines()
                        .map(str::to_string)
                        .collect()
                }
                F::ScanInfo => {
                    if let Some(s) = &r.scan_info {
                        v.entries = [
                            ("intel-scan-engine", &s.engine),
                            ("intel-scan-engine-type", &s.engine_type),
                            ("intel-scan-version", &s.version),
                            ("intel-scan-result", &s.result),
                        ]
                        .into_iter()
                        .filter(|(_, val)| !val.is_empty())
                        .map(|(id, val)| format!("{}: {val}", tr.t(id)))
                        .collect();
                    }
                }
                F::Content
                | F::Contact
                | F::Recommendation
                | F::References
                | F::Attachments
                | F::AffectedPlatforms
                | F::Technique => {
                    v.block = true;
                    v.value = text_of(&input, f).to_string();
                }
                _ => v.value = text_of(&input, f).to_string(),
            }
            v
        })
        .collect()
}

/// An indicator as listed.
struct ObservableView {
    kind: String,
    value: String,
    origin: String,
    href: String,
}

/// An FBI answer, or a linked record, as listed.
struct LinkView {
    href: String,
    subject: String,
    published: String,
    tlp: String,
    tlp_class: String,
    status_label: String,
}

/// An audience as listed.
struct AudienceView {
    kind: String,
    name: String,
    added: String,
}

/// A delivery as listed.
struct DeliveryView {
    name: String,
    email: String,
    tlp: String,
    at: String,
    message_id: String,
}

/// A checkbox of the share form.
struct Choice {
    id: String,
    label: String,
}

#[derive(Template)]
#[template(path = "intel_record.html")]
struct RecordPage {
    page: Page,
    id: String,
    subject: String,
    tlp: String,
    tlp_class: String,
    status: String,
    status_label: String,
    is_amber: bool,
    is_red: bool,
    fields: Vec<FieldView>,
    observables: Vec<ObservableView>,
    answers: Vec<LinkView>,
    answers_record: Option<String>,
    derived_from: Option<String>,
    may_update: bool,
    may_append: bool,
    groups: Vec<Choice>,
    orgs: Vec<Choice>,
    users: Vec<Choice>,
    audiences: Vec<AudienceView>,
    deliveries: Vec<DeliveryView>,
    reply_tlps: Options,
    failed_form: String,
    errors: Errors,
    values: HashMap<String, String>,
    checked: BTreeSet<String>,
    notice: String,
}

impl RecordPage {
    /// The message for `field` when `form` was the one refused.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.failed_form == form {
            find(&self.errors, field)
        } else {
            None
        }
    }
    /// What `form`'s `field` holds: what was typed, or the default.
    fn value(&self, form: &str, field: &str) -> &str {
        self.values
            .get(&format!("{form}.{field}"))
            .map_or("", String::as_str)
    }
    /// Whether option `v` of a select is the chosen one.
    fn sel(&self, form: &str, field: &str, v: &str) -> bool {
        self.value(form, field) == v
    }
    /// Whether a checkbox of the share form was ticked.
    fn ticked(&self, field: &str, id: &str) -> bool {
        self.checked.contains(&format!("{field}:{id}"))
    }
}

/// A refused form of the record page: which, its messages, what was typed and ticked.
#[derive(Default)]
struct Failed {
    form: String,
    errors: Errors,
    values: Vec<(&'static str, String)>,
    checked: Vec<String>,
}

/// `done=…` after a form of the record page succeeded.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DoneQuery {
    done: String,
    delivered: String,
}

async fn record_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    failed: Failed,
    done: DoneQuery,
    status_code: StatusCode,
) -> Response {
    let result = async {
        let id = record_id(id)?;
        let v = svc::view(state, who, ctx, id).await?;
        // The desk's forms need the groups, organizations and people to name.
        let (groups, orgs, users) = if v.may_update {
            (
                svc::groups(state, who, ctx).await?,
                service::list_orgs(state, who, ctx).await?,
                service::list_users(state, who, ctx).await?,
            )
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        Ok::<_, AppError>((v, groups, orgs, users))
    }
    .await;
    let (v, groups, orgs, users) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let intel = &v.intel;
    let rid = intel.row.id.to_string();
    let org_names: HashMap<Uuid, String> =
        orgs.iter().map(|o| (o.id.uuid(), o.name.clone())).collect();
    let group_names: HashMap<Uuid, String> = groups
        .iter()
        .map(|(g, _)| (g.id.uuid(), g.name.clone()))
        .collect();
    let user_names: HashMap<Uuid, (String, String)> = users
        .iter()
        .map(|u| (u.id.uuid(), (u.name.clone(), u.email.clone())))
        .collect();
    let audiences = v
        .audiences
        .iter()
        .map(|a| {
            let name = match a.kind {
                AudienceKind::Group => group_names.get(&a.target_id).cloned(),
                AudienceKind::Org | AudienceKind::Informed => org_names.get(&a.target_id).cloned(),
                AudienceKind::User => user_names
                    .get(&a.target_id)
                    .map(|(n, e)| format!("{n} <{e}>")),
            };
            AudienceView {
                kind: tr.t2("intel-audience-", a.kind.as_str()),
                name: name.unwrap_or_else(|| a.target_id.to_string()),
                added: when(state, a.added_at),
            }
        })
        .collect();
    let deliveries = v
        .deliveries
        .iter()
        .map(|d| DeliveryView {
            name: user_names
                .get(&d.user_id)
                .map(|(n, _)| n.clone())
                .unwrap_or_default(),
            email: d.email.clone(),
            tlp: tlp_marking(&d.tlp),
            at: when(state, d.delivered_at),
            message_id: d.message_id.clone(),
        })
        .collect();
    let observables = v
        .observables
        .iter()
        .map(|o| ObservableView {
            kind: o.kind.clone(),
            value: o.value.clone(),
            origin: tr.t2("intel-origin-", &o.origin),
            href: format!("/intel?observable={}", pct(&o.value)),
        })
        .collect();
    let analyst_lines = v
        .observables
        .iter()
        .filter(|o| o.origin == tocsin_domain::intel::ObservableOrigin::Analyst.as_str())
        .map(|o| format!("{} {}", o.kind, o.value))
        .collect::<Vec<_>>()
        .join("\n");
    let answers = v
        .answers
        .iter()
        .map(|a| LinkView {
            href: format!("/intel/{}", a.id),
            subject: a.subject.clone(),
            published: when(state, a.published_at),
            tlp: tlp_marking(&a.tlp),
            tlp_class: tlp_class(&a.tlp),
            status_label: status_label(&tr, &a.status),
        })
        .collect();
    let tlp = intel.tlp();
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("observables.lines".into(), analyst_lines);
    values.insert("feedback.tlp".into(), tlp.as_str().to_string());
    values.insert("feedback.published_at".into(), now_text(state));
    values.insert(
        "feedback.source".into(),
        who.user()
            .and_then(|u| u.org_id.0)
            .and_then(|o| org_names.get(&o.uuid()).cloned())
            .or_else(|| who.user().map(|u| u.name.clone()))
            .unwrap_or_default(),
    );
    values.insert(
        "feedback.subject".into(),
        format!(
            "{} {}",
            tr.t("intel-feedback-subject-prefix"),
            intel.record.subject
        ),
    );
    values.insert("reshare.tlp".into(), tlp.as_str().to_string());
    for (k, val) in &failed.values {
        values.insert(format!("{}.{k}", failed.form), val.clone());
    }
    let notice = match done.done.as_str() {
        "shared" => tr.t_args(
            "intel-notice-shared",
            &[(
                "count",
                done.delivered
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0)
                    .to_string(),
            )],
        ),
        "observables" => tr.t("intel-notice-observables"),
        _ => String::new(),
    };
    let page = RecordPage {
        page: Page::new(state, ctx, who, &format!("/intel/{rid}")),
        subject: intel.record.subject.clone(),
        tlp: tlp.marking().to_string(),
        tlp_class: tlp_class(tlp.as_str()),
        status: intel.row.status.clone(),
        status_label: status_label(&tr, &intel.row.status),
        is_amber: tlp == Tlp::Amber,
        is_red: tlp == Tlp::Red,
        fields: field_views(&tr, &intel.record),
        observables,
        answers,
        answers_record: v
            .may_update
            .then(|| intel.row.answers_id.map(|a| format!("/intel/{a}")))
            .flatten(),
        derived_from: v
            .may_update
            .then(|| intel.row.derived_from.map(|a| format!("/intel/{a}")))
            .flatten(),
        may_update: v.may_update,
        may_append: v.may_append,
        groups: groups
            .iter()
            .map(|(g, members)| Choice {
                id: g.id.to_string(),
                label: tr.t_args(
                    "intel-group-choice",
                    &[
                        ("name", g.name.clone()),
                        ("count", members.len().to_string()),
                    ],
                ),
            })
            .collect(),
        orgs: orgs
            .iter()
            .map(|o| Choice {
                id: o.id.to_string(),
                label: o.name.clone(),
            })
            .collect(),
        users: users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| Choice {
                id: u.id.to_string(),
                label: format!(
                    "{} <{}>{}",
                    u.name,
                    u.email,
                    u.org_id
                        .0
                        .and_then(|o| org_names.get(&o.uuid()))
                        .map(|n| format!(" · {n}"))
                        .unwrap_or_default()
                ),
            })
            .collect(),
        audiences,
        deliveries,
        reply_tlps: tlp_options_from(tlp),
        failed_form: failed.form,
        errors: failed.errors,
        values,
        checked: failed.checked.into_iter().collect(),
        notice,
        id: rid,
    };
    render(status_code, &page)
}

pub(super) async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Response {
    record_view(
        &state,
        &ctx,
        &who,
        &id,
        Failed::default(),
        done,
        StatusCode::OK,
    )
    .await
}

/// The TXT form of a record, as a download (audited by the service as an export).
pub(super) async fn txt(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = record_id(&id)?;
        Ok::<_, AppError>((id, svc::txt(&state, &who, &ctx, id).await?))
    }
    .await;
    let (id, text) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    // The id is a UUID: always a safe file name.
    attachment(
        text,
        "text/plain; charset=utf-8",
        &format!("attachment; filename=\"intel-{id}.txt\""),
    )
}

/// After a record page form: on, or the page again with the messages next to the refused
/// form (422).
async fn after(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    result: Result<String, AppError>,
    failed: Failed,
) -> Response {
    match result {
        Ok(to) => see_other(&to),
        Err(AppError::Validation(e)) => {
            let failed = Failed {
                errors: field_errors(ctx, &e),
                ..failed
            };
            record_view(
                state,
                ctx,
                who,
                id,
                failed,
                DoneQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// The indicator editor: `kind value` lines.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ObservablesForm {
    lines: String,
}

pub(super) async fn observables(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ObservablesForm>,
) -> Response {
    let result = async {
        let rid = record_id(&id)?;
        svc::set_observables(&state, &who, &ctx, rid, &f.lines).await?;
        Ok(format!("/intel/{rid}?done=observables#observables"))
    }
    .await;
    let failed = Failed {
        form: "observables".into(),
        values: vec![("lines", f.lines)],
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The share form: checkboxes send each ticked id once.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ShareForm {
    groups: Vec<String>,
    orgs: Vec<String>,
    users: Vec<String>,
    informed: Vec<String>,
}

/// Ids from the form; one that is not an id is an error of its field.
fn ids(field: &'static str, raw: &[String], e: &mut FieldErrors) -> Vec<Uuid> {
    let mut out = Vec::new();
    for r in raw.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match Uuid::parse_str(r) {
            Ok(u) => out.push(u),
            Err(_) => e.add(field, FieldError::new("error-choice")),
        }
    }
    out
}

pub(super) async fn share(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ShareForm>,
) -> Response {
    let mut checked = Vec::new();
    for (field, list) in [
        ("groups", &f.groups),
        ("orgs", &f.orgs),
        ("users", &f.users),
        ("informed", &f.informed),
    ] {
        checked.extend(list.iter().map(|v| format!("{field}:{}", v.trim())));
    }
    let result = async {
        let rid = record_id(&id)?;
        let mut e = FieldErrors::new();
        let input = ShareInput {
            groups: ids("groups", &f.groups, &mut e),
            orgs: ids("orgs", &f.orgs, &mut e),
            users: ids("users", &f.users, &mut e),
            informed: ids("informed", &f.informed, &mut e),
        };
        if !e.is_empty() {
            // The policy first: a refused caller learns nothing of their input.
            svc::load(&state, &who, &ctx, rid, Action::Update).await?;
            return Err(AppError::Validation(e));
        }
        let outcome = svc::share(&state, &who, &ctx, rid, &input).await?;
        Ok(format!(
            "/intel/{rid}?done=shared&delivered={}#deliveries",
            outcome.delivered
        ))
    }
    .await;
    let failed = Failed {
        form: "share".into(),
        checked,
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The FBI feedback form: a short record answering this one.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct FeedbackForm {
    subject: String,
    source: String,
    published_at: String,
    tlp: String,
    impact_level: String,
    content: String,
}

pub(super) async fn feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<FeedbackForm>,
) -> Response {
    let result = async {
        let rid = record_id(&id)?;
        let input = IntelInput {
            category: IntelCategory::Fbi.as_str().to_string(),
            subject: f.subject.clone(),
            source: f.source.clone(),
            published_at: f.published_at.clone(),
            tlp: f.tlp.clone(),
            impact_level: f.impact_level.clone(),
            content: f.content.clone(),
            ..IntelInput::default()
        };
        let answer = svc::feedback(&state, &who, &ctx, rid, &input).await?;
        Ok(format!("/intel/{}", answer.row.id))
    }
    .await;
    let failed = Failed {
        form: "feedback".into(),
        values: vec![
            ("subject", f.subject),
            ("source", f.source),
            ("published_at", f.published_at),
            ("tlp", f.tlp),
            ("impact_level", f.impact_level),
            ("content", f.content),
        ],
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The re-share form: the TLP of the derived record.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReshareForm {
    tlp: String,
}

pub(super) async fn reshare(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ReshareForm>,
) -> Response {
    let result = async {
        let rid = record_id(&id)?;
        let derived = svc::reshare(&state, &who, &ctx, rid, &f.tlp).await?;
        Ok(format!("/intel/{}", derived.row.id))
    }
    .await;
    let failed = Failed {
        form: "reshare".into(),
        values: vec![("tlp", f.tlp)],
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The desk's "make an intel draft" of an incident report: the new draft's page.
pub(super) async fn from_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    match svc::from_incident(&state, &who, &ctx, &tracking).await {
        Ok(intel) => see_other(&format!("/intel/{}", intel.row.id)),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Admins: the sharing groups.

struct GroupView {
    id: String,
    name: String,
    kind_label: String,
    description: String,
    members: Vec<Choice>,
    candidates: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "intel_groups.html")]
struct GroupsPage {
    page: Page,
    groups: Vec<GroupView>,
    kinds: Options,
    form: GroupInput,
    errors: Errors,
    /// The group whose member form was refused.
    failed_group: String,
}

impl GroupsPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

async fn groups_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: GroupInput,
    errors: (Errors, String),
    status_code: StatusCode,
) -> Response {
    let result = async {
        // The page's forms are an admin's: the policy's answer to "create a group".
        service::check(state, who, ctx, Action::Create, &Resource::SharingGroup).await?;
        let groups = svc::groups(state, who, ctx).await?;
        let orgs = service::list_orgs(state, who, ctx).await?;
        Ok::<_, AppError>((groups, orgs))
    }
    .await;
    let (groups, orgs) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let names: HashMap<OrgId, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let groups = groups
        .into_iter()
        .map(|(g, members)| {
            let set: BTreeSet<OrgId> = members.iter().copied().collect();
            GroupView {
                id: g.id.to_string(),
                kind_label: tr.t2("intel-group-kind-", &g.kind),
                members: members
                    .iter()
                    .map(|o| Choice {
                        id: o.to_string(),
                        label: names.get(o).cloned().unwrap_or_else(|| o.to_string()),
                    })
                    .collect(),
                candidates: orgs
                    .iter()
                    .filter(|o| !set.contains(&o.id))
                    .map(|o| Choice {
                        id: o.id.to_string(),
                        label: o.name.clone(),
                    })
                    .collect(),
                name: g.name,
                description: g.description,
            }
        })
        .collect();
    let (errors, failed_group) = errors;
    render(
        status_code,
        &GroupsPage {
            page: Page::new(state, ctx, who, "/admin/groups"),
            groups,
            kinds: GROUP_KINDS
                .iter()
                .map(|k| (k.to_string(), tr.t2("intel-group-kind-", k)))
                .collect(),
            form,
            errors,
            failed_group,
        },
    )
}

pub(super) async fn groups_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    groups_view(
        &state,
        &ctx,
        &who,
        GroupInput::default(),
        (vec![], String::new()),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn groups_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<GroupInput>,
) -> Response {
    match svc::create_group(&state, &who, &ctx, &form).await {
        Ok(g) => see_other(&format!("/admin/groups#group-{}", g.id)),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            groups_view(
                &state,
                &ctx,
                &who,
                form,
                (errors, String::new()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// Adding or removing one member organization.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MemberForm {
    org_id: String,
    /// `add` or `remove`.
    action: String,
}

pub(super) async fn group_member(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Response {
    let result = async {
        // Ids that cannot exist are "not found", as missing ones are.
        let group = id
            .trim()
            .parse::<GroupId>()
            .map_err(|_| AppError::NotFound)?;
        let member = match f.action.trim() {
            "add" => true,
            "remove" => false,
            _ => return Err(AppError::field("action", "error-choice")),
        };
        let Ok(org) = f.org_id.trim().parse::<OrgId>() else {
            // The policy first, then the form.
            service::check(&state, &who, &ctx, Action::Update, &Resource::SharingGroup).await?;
            return Err(AppError::field("org_id", "error-choice"));
        };
        svc::set_member(&state, &who, &ctx, group, org, member).await?;
        Ok(group)
    }
    .await;
    match result {
        Ok(g) => see_other(&format!("/admin/groups#group-{g}")),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            groups_view(
                &state,
                &ctx,
                &who,
                GroupInput::default(),
                (errors, id.trim().to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_fields_round_trip_through_their_lines() {
        let tr = Tr::new(Locale::ZhTw);
        let victims = vec![
            EndpointInput {
                ip: "203.0.113.5".into(),
                port: "443".into(),
                protocol: "tcp".into(),
            },
            EndpointInput {
                ip: "2001:db8::1".into(),
                ..Default::default()
            },
        ];
        let lines = victim_lines(&victims);
        assert_eq!(lines, "203.0.113.5 port=443 protocol=tcp\n2001:db8::1");
        let mut e = FieldErrors::new();
        let back = parse_entries(&tr, IntelField::VictimIp, &lines, &mut e);
        assert!(e.is_empty());
        assert_eq!(back.victim_ip, victims);

        let conns = vec![ConnectionInput {
            direction: "destination".into(),
            ip: "198.51.100.7".into(),
            port: "8080".into(),
            protocol: "say \"hi\"".into(),
        }];
        let lines = connection_lines(&conns);
        let back = parse_entries(&tr, IntelField::MaliciousConnections, &lines, &mut e);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(back.malicious_connections, conns);
    }

    #[test]
    fn a_bad_entry_line_names_its_field_and_line() {
        let tr = Tr::new(Locale::En);
        let mut e = FieldErrors::new();
        parse_entries(
            &tr,
            IntelField::MaliciousConnections,
            "direction=source ip=1.2.3.4\ndirection=source ip=1.2.3.5 color=red",
            &mut e,
        );
        let err = e.get("malicious_connections").expect("an error");
        let text = tr.field_error(err);
        assert!(
            text.starts_with("惡意IP連線資訊 (malicious_connections): "),
            "{text}"
        );
        assert!(text.contains("Line 2") && text.contains("color"), "{text}");
    }

    #[test]
    fn chinese_field_labels_are_the_formats_names() {
        let tr = Tr::new(Locale::ZhTw);
        for f in IntelField::ALL {
            assert_eq!(field_label(&tr, f), f.zh(), "{}", f.key());
        }
        let en = Tr::new(Locale::En);
        assert_eq!(field_label(&en, IntelField::ImpactLevel), "Impact level");
    }

    #[test]
    fn the_txt_wins_and_the_form_fills_the_rest() {
        let txt = IntelInput {
            subject: "from the file".into(),
            ..Default::default()
        };
        let typed = IntelInput {
            subject: "typed".into(),
            source: "typed source".into(),
            ..Default::default()
        };
        let mut values = FormValues::default();
        values.set("subject", "typed".into());
        values.set("source", "typed source".into());
        let (merged, shown, from_form) = merge_txt(&txt, &typed, &values);
        assert_eq!(merged.subject, "from the file");
        assert_eq!(merged.source, "typed source");
        assert_eq!(shown.get("subject"), "from the file");
        assert!(from_form.contains("source") && !from_form.contains("subject"));
    }

    #[test]
    fn inbox_links_keep_the_filters() {
        let q = InboxQuery {
            q: "勒索 軟體".into(),
            tlp: "amber".into(),
            ..Default::default()
        };
        assert_eq!(
            inbox_href(&q, 2),
            "/intel?tlp=amber&q=%E5%8B%92%E7%B4%A2%20%E8%BB%9F%E9%AB%94&page=2"
        );
        assert_eq!(inbox_href(&InboxQuery::default(), 1), "/intel");
    }
}

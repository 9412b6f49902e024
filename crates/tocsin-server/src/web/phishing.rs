//! The phishing pages (網路釣魚通報, issue 5): the public form, answered with the shared
//! receipt; the phishing part of the status page; the desk's list of URL cases and the page
//! of one case (its state, abuse contacts, RDAP look-up, the notice, history); the monthly
//! figures for admins.
//!
//! A phishing URL is only ever shown as defanged text (`hxxps://examp1e[.]com/login`), never
//! as a link, and URLs inside the original message are defanged too.

use super::kit::PageForms;
use crate::error::IntoHttp as _;
use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::phish_url::{self, defang};
use tocsin_domain::phishing::{PhishingInput, SeenIn, UrlState};
use tocsin_domain::tlp::Tlp;
use tocsin_domain::zone::DEFAULT_TIME_ZONE;
use tocsin_storage::PhishUrlRow;

use super::kit::{
    Errors, FileView, MultipartForm, ReceiptSummary, discovered, field_errors, file_views, find,
    form_key, limits_hint, read_multipart, take_form_key, to_receipt, when, zone_options,
};
use super::kit::{Failed, Options, hours_minutes, staff_only};
use super::labels::{EventView, event_view, label, state_label};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::phishing::{
    self as svc, ContactInput, NoticeInput, PhishingDetails, UrlTransitionInput,
};

/// What the receipt repeats of a filed phishing report: who, the brand, where and when it
/// was seen, and the URLs defanged (an internationalized one also in its ASCII form).
pub(super) fn receipt_summary(tr: &Tr, report: &tocsin_storage::Report) -> ReceiptSummary {
    let d: PhishingDetails = serde_json::from_str(&report.details).unwrap_or_default();
    let mut rows = vec![
        (
            tr.t("phishing-field-reporter"),
            report.reporter_name.clone(),
        ),
        (tr.t("phishing-field-brand"), d.brand.clone()),
        (
            tr.t("phishing-field-seen-in"),
            seen_in_label(tr, &d.seen_in),
        ),
    ];
    if !d.seen_at.is_empty() {
        rows.push((tr.t("phishing-field-seen-at"), discovered(&d.seen_at)));
    }
    let urls: Vec<String> = d
        .urls
        .iter()
        .map(|stored| match phish_url::normalize(stored) {
            Ok(u) if u.is_idn() => format!("{} ({})", u.defanged_display(), u.defanged()),
            Ok(u) => u.defanged(),
            Err(_) => defang(stored),
        })
        .collect();
    ReceiptSummary {
        email: report.reporter_email.clone(),
        rows,
        description_title: tr.t("phishing-urls-defanged"),
        description: urls.join("\n"),
        warnings: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Shared pieces.

/// Where it was seen, for people (the stored name if unknown).
fn seen_in_label(tr: &Tr, seen_in: &str) -> String {
    seen_in
        .parse::<SeenIn>()
        .map(|s| s.label(tr.locale).to_string())
        .unwrap_or_else(|_| seen_in.to_string())
}

/// A TLP marking (`TLP:GREEN`), or the stored text if unknown.
fn tlp_marking(tlp: &str) -> String {
    tlp.parse::<Tlp>()
        .map(|t| t.marking().to_string())
        .unwrap_or_else(|_| tlp.to_ascii_uppercase())
}

/// A case's URL as shown: the display form defanged, and the ASCII form defanged when it
/// differs (an international name may imitate another).
fn shown_url(case: &PhishUrlRow) -> (String, String) {
    let display = defang(&case.display);
    let ascii = defang(&case.normalized);
    if ascii == display {
        (display, String::new())
    } else {
        (display, ascii)
    }
}

// ---------------------------------------------------------------------------------------
// The public form.

#[derive(Template)]
#[template(path = "phishing_report.html")]
struct FormPage {
    page: Page,
    form: PhishingInput,
    urls: String,
    places: Vec<(&'static str, &'static str)>,
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
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: PhishingInput,
    errors: Errors,
    files_dropped: bool,
) -> FormPage {
    let tr = ctx.tr();
    FormPage {
        page: Page::new(state, ctx, who, "/report/phishing"),
        urls: form.urls.join("\n"),
        places: SeenIn::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(tr.locale)))
            .collect(),
        zones: zone_options(&form.time_zone),
        limits: limits_hint(state, &tr),
        form,
        errors,
        files_dropped,
        idem_key: form_key(),
    }
}

pub(super) async fn form(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    // The signed-in reporter's own details (the phishing form asks no phone).
    let mut input = PhishingInput::default();
    match tocsin_app::service::account::prefill(&state, &who).await {
        Ok(p) => {
            input.reporter_name = p.name;
            input.reporter_email = p.email;
        }
        Err(e) => return e.into_response(),
    }
    render(
        StatusCode::OK,
        &form_page(&state, &ctx, &who, input, vec![], false),
    )
}

fn phishing_input(f: &MultipartForm) -> PhishingInput {
    let tz = f.get("time_zone");
    PhishingInput {
        urls: vec![f.get("urls")],
        brand: f.get("brand"),
        seen_in: f.get("seen_in"),
        seen_at: f.get("seen_at"),
        time_zone: if tz.trim().is_empty() {
            DEFAULT_TIME_ZONE.to_string()
        } else {
            tz
        },
        original_message: f.get("original_message"),
        reporter_email: f.get("reporter_email"),
        reporter_name: f.get("reporter_name"),
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut f = match read_multipart(mp).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut ctx = ctx;
    take_form_key(&mut ctx, &f);
    let typed = phishing_input(&f);
    let mut input = typed.clone();
    // An uploaded message stands for the pasted one when nothing was pasted; the file is
    // kept with the report either way.
    let mut from_eml = false;
    let mut files = Vec::new();
    if let Some(eml) = f.take_file("eml") {
        if input.original_message.trim().is_empty() {
            let decoded = tocsin_formats::text::decode(&eml.bytes);
            if !decoded.lossy && !decoded.text.contains('\0') {
                input.original_message = decoded.text;
                from_eml = true;
            }
        }
        files.push(eml);
    }
    files.append(&mut f.files);
    let had_files = !files.is_empty();
    match svc::submit_phishing(&state, &who, &ctx, &input, files).await {
        Ok(receipt) => to_receipt(&receipt),
        Err(AppError::Validation(e)) => {
            let mut errors = field_errors(&ctx, &e);
            if from_eml {
                // The message came from the file: say so next to the file.
                for (k, _) in &mut errors {
                    if k == "original_message" {
                        *k = "eml".to_string();
                    }
                }
            }
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&state, &ctx, &who, typed, errors, had_files),
            )
        }
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The status page's phishing part.

/// One URL of a report, as its status page shows it.
pub(super) struct UrlLine {
    /// Defanged display form.
    pub display: String,
    /// Defanged ASCII form when it differs, else empty.
    pub ascii: String,
    /// The case's state name, for a class.
    pub state: String,
    /// Its label.
    pub state_label: String,
    /// The case on the desk (staff only), else empty.
    pub desk_href: String,
}

/// What the status page shows of a phishing report.
pub(super) struct StatusDetails {
    /// The brand impersonated.
    pub brand: String,
    /// Where it was seen.
    pub seen_in: String,
    /// When, as the reporter meant it (empty if not given).
    pub seen_at: String,
    /// The original message, URLs defanged.
    pub original_message: String,
    /// The URLs with the state of their cases.
    pub urls: Vec<UrlLine>,
}

/// The phishing fields and URL cases of the report the status page opened; `desk` links
/// each case to the desk.
pub(super) async fn status_details(
    state: &AppState,
    tr: &Tr,
    view: &tocsin_app::service::reports::ReportView,
    desk: bool,
) -> Result<StatusDetails, AppError> {
    let report = &view.report;
    let d: PhishingDetails = serde_json::from_str(&report.details).unwrap_or_default();
    let cases = svc::url_cases_of(state, view).await?;
    Ok(StatusDetails {
        brand: d.brand,
        seen_in: seen_in_label(tr, &d.seen_in),
        seen_at: if d.seen_at.is_empty() {
            String::new()
        } else {
            discovered(&d.seen_at)
        },
        original_message: tocsin_domain::phish_url::defang_text(&d.original_message),
        urls: cases
            .iter()
            .map(|c| {
                let (display, ascii) = shown_url(c);
                UrlLine {
                    display,
                    ascii,
                    state: c.state.clone(),
                    state_label: state_label(tr, &c.state),
                    desk_href: if desk {
                        format!("/desk/phishing/{}", c.id)
                    } else {
                        String::new()
                    },
                }
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------
// The desk: the cases.

/// The filter of the case list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CasesQuery {
    /// `open` (default: received and live), `all`, or a state.
    state: String,
    /// Where the page starts (the `next` link of the page before).
    after: String,
}

struct CaseRow {
    id: String,
    tracking: String,
    /// Other teams' ticket numbers on the case.
    tickets: String,
    url: String,
    brand: String,
    state: String,
    state_label: String,
    reporters: i32,
    first_reported: String,
    tlp: String,
    /// The TLP badge's class (its colours).
    tlp_class: String,
}

#[derive(Template)]
#[template(path = "phishing_desk.html")]
struct CasesPage {
    page: Page,
    chosen: String,
    states: Options,
    rows: Vec<CaseRow>,
    /// The next page's link, when this one is full.
    next: Option<String>,
    errors: Errors,
}

impl CasesPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

/// The states a filter value stands for (empty: all).
fn filter_states(s: &str) -> Result<Vec<UrlState>, AppError> {
    match s.trim() {
        "" | "open" => Ok(UrlState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect()),
        "all" => Ok(Vec::new()),
        s => s
            .parse::<UrlState>()
            .map(|s| vec![s])
            .map_err(|_| AppError::field("state", "error-choice")),
    }
}

/// Cases a page of the desk's list shows.
const DESK_PAGE: i64 = 100;

pub(super) async fn cases(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<CasesQuery>,
) -> Response {
    if let Err(e) = staff_only(&state, &who, &ctx).await {
        return e.into_response();
    }
    let tr = ctx.tr();
    let result = async {
        let states = filter_states(&q.state)?;
        let after = svc::parse_after(&q.after);
        svc::cases(&state, &who, &ctx, &states, after, DESK_PAGE).await
    }
    .await;
    let (page, errors, status) = match result {
        Ok(p) => (p, vec![], StatusCode::OK),
        Err(AppError::Validation(e)) => (
            svc::CasesPage {
                cases: vec![],
                tracking: HashMap::new(),
                next: None,
                tickets: HashMap::new(),
            },
            field_errors(&ctx, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return e.into_response(),
    };
    let (cases, tracking) = (&page.cases, &page.tracking);
    let mut states: Options = vec![
        ("open".into(), tr.t("phishing-filter-open")),
        ("all".into(), tr.t("desk-state-all")),
    ];
    states.extend(
        UrlState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label(tr.locale).to_string())),
    );
    let rows = cases
        .iter()
        .map(|c| CaseRow {
            id: c.id.to_string(),
            tracking: tracking.get(&c.case_report_id).cloned().unwrap_or_default(),
            tickets: super::kit::tickets(&page.tickets, c.case_report_id),
            url: shown_url(c).0,
            brand: c.brand.clone(),
            state: c.state.clone(),
            state_label: state_label(&tr, &c.state),
            reporters: c.reporters,
            first_reported: when(&state, &tr, c.first_reported_at),
            tlp: tlp_marking(&c.tlp),
            tlp_class: super::intel::tlp_class(&c.tlp),
        })
        .collect();
    let chosen = match q.state.trim() {
        "" => "open".to_string(),
        s => s.to_string(),
    };
    // The next page keeps the filter.
    let next = page.next.map(|token| {
        format!(
            "/desk/phishing?state={}&after={token}",
            crate::api::wire::pct(&chosen)
        )
    });
    render(
        status,
        &CasesPage {
            page: Page::new(&state, &ctx, &who, "/desk/phishing"),
            chosen,
            states,
            rows,
            next,
            errors,
        },
    )
}

// ---------------------------------------------------------------------------------------
// The desk: one case.

struct ReportLine {
    tracking: String,
    reported_at: String,
    reporter: String,
    email: String,
    seen_in: String,
    seen_at: String,
    original_message: String,
}

struct ContactLine {
    id: String,
    role: String,
    email: String,
    source: String,
}

#[derive(Template)]
#[template(path = "phishing_case.html")]
struct CasePage {
    page: Page,
    id: String,
    tracking: String,
    display: String,
    ascii: String,
    domain: String,
    host: String,
    ip: String,
    brand: String,
    state: String,
    state_label: String,
    tlp: String,
    /// The TLP badge's class (its colours).
    tlp_class: String,
    reporters: i32,
    times: Vec<(String, String)>,
    next_states: Options,
    tlps: Options,
    roles: Options,
    reports: Vec<ReportLine>,
    contacts: Vec<ContactLine>,
    rdap_on: bool,
    rdap_added: Option<String>,
    fetch_on: bool,
    limits: String,
    can_notify: bool,
    events: Vec<EventView>,
    files: Vec<FileView>,
    failed_form: String,
    errors: Errors,
    values: HashMap<String, String>,
}

impl PageForms for CasePage {
    fn failed_form(&self) -> &str {
        &self.failed_form
    }
    fn form_errors(&self) -> &Errors {
        &self.errors
    }
    fn form_values(&self) -> &HashMap<String, String> {
        &self.values
    }
}

/// `rdap=N` after a look-up that added N contacts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CaseQuery {
    rdap: String,
}

async fn case_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    failed: Failed,
    rdap_added: Option<usize>,
    status: StatusCode,
) -> Response {
    let result = async {
        staff_only(state, who, ctx).await?;
        let v = svc::case(state, who, ctx, id).await?;
        let first = v
            .reports
            .iter()
            .find(|r| r.id == v.case.case_report_id)
            .cloned();
        let first = match first {
            Some(r) => r,
            None => state
                .store
                .get_report(v.case.case_report_id)
                .await?
                .ok_or(AppError::NotFound)?,
        };
        let evidence = svc::last_fetch(state, &v.case).await?;
        Ok::<_, AppError>((v, first, evidence))
    }
    .await;
    let (v, first, evidence) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let c = &v.case;
    let id = c.id.to_string();
    let t = first.tracking_id.clone();
    let (display, ascii) = shown_url(c);
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("transition.tlp".into(), c.tlp.clone());
    values.insert("contact.role".into(), "hosting".into());
    values.insert(
        "notify.body".into(),
        svc::notice_template(state, c, &t, evidence.as_ref()),
    );
    for (k, val) in &failed.values {
        values.insert(format!("{}.{k}", failed.form), val.clone());
    }
    let times = [
        ("phishing-first-reported", Some(c.first_reported_at)),
        ("phishing-verified-at", c.verified_at.0),
        ("phishing-notified-at", c.notified_at.0),
        ("phishing-taken-down-at", c.taken_down_at.0),
        ("phishing-escalated-at", c.escalated_at.0),
    ]
    .into_iter()
    .filter_map(|(k, at)| at.map(|at| (tr.t(k), when(state, &tr, at))))
    .collect();
    let page = CasePage {
        page: Page::new(state, ctx, who, &format!("/desk/phishing/{id}")),
        display,
        ascii,
        domain: defang(&c.registrable_domain),
        host: defang(&c.host),
        ip: defang(&c.ip),
        brand: c.brand.clone(),
        state: c.state.clone(),
        state_label: v.state.label(tr.locale).to_string(),
        tlp: tlp_marking(&c.tlp),
        tlp_class: super::intel::tlp_class(&c.tlp),
        reporters: c.reporters,
        times,
        // Only a notice that was really queued makes a case abuse_notified.
        next_states: v
            .state
            .allowed_next()
            .into_iter()
            .filter(|s| *s != UrlState::AbuseNotified)
            .map(|s| (s.as_str().to_string(), s.label(tr.locale).to_string()))
            .collect(),
        tlps: Tlp::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.marking().to_string()))
            .collect(),
        roles: ["registrar", "hosting", "other"]
            .into_iter()
            .map(|r| (r.to_string(), tr.t2("phishing-role-", r)))
            .collect(),
        reports: v
            .reports
            .iter()
            .map(|r| {
                let d: PhishingDetails = serde_json::from_str(&r.details).unwrap_or_default();
                ReportLine {
                    tracking: r.tracking_id.clone(),
                    reported_at: when(state, &tr, r.reported_at),
                    reporter: r.reporter_name.clone(),
                    email: r.reporter_email.clone(),
                    seen_in: seen_in_label(&tr, &d.seen_in),
                    seen_at: if d.seen_at.is_empty() {
                        String::new()
                    } else {
                        discovered(&d.seen_at)
                    },
                    original_message: tocsin_domain::phish_url::defang_text(&d.original_message),
                }
            })
            .collect(),
        contacts: v
            .contacts
            .iter()
            .map(|k| ContactLine {
                id: k.id.to_string(),
                role: label(&tr, "phishing-role-", &k.role),
                email: k.email.clone(),
                source: label(&tr, "phishing-source-", &k.source),
            })
            .collect(),
        rdap_on: !state.config.phishing.rdap_bootstrap_url.trim().is_empty(),
        rdap_added: rdap_added
            .map(|n| tr.t_args("phishing-rdap-added", &[("count", n.to_string())])),
        fetch_on: state.config.phishing.fetcher,
        limits: limits_hint(state, &tr),
        can_notify: v.state.can_go_to(UrlState::AbuseNotified),
        events: v
            .events
            .iter()
            .map(|e| event_view(state, &tr, e, true))
            .collect(),
        files: file_views(&v.attachments, &format!("/desk/reports/{t}/files/"), ""),
        failed_form: failed.form,
        errors: failed.errors,
        values,
        tracking: t,
        id,
    };
    render(status, &page)
}

pub(super) async fn case(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let added = q.rdap.trim().parse::<usize>().ok();
    case_view(
        &state,
        &ctx,
        &who,
        &id,
        Failed::default(),
        added,
        StatusCode::OK,
    )
    .await
}

/// The case id as it goes back into a path: only a UUID gets there.
fn canonical_id(id: &str) -> Option<String> {
    id.parse::<uuid::Uuid>().ok().map(|u| u.to_string())
}

/// After a case form: back to the case (303, at `form`'s section, with `query`), or the
/// page again with the messages next to the refused form (422).
async fn after(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    form: &str,
    result: Result<String, AppError>,
    values: Vec<(&'static str, String)>,
) -> Response {
    match (result, canonical_id(id)) {
        (Ok(query), Some(id)) => see_other(&format!("/desk/phishing/{id}{query}#{form}")),
        (Ok(_), None) => AppError::NotFound.into_response(),
        (Err(AppError::Validation(e)), _) => {
            let failed = Failed {
                form: form.to_string(),
                errors: field_errors(ctx, &e),
                values,
            };
            case_view(
                state,
                ctx,
                who,
                id,
                failed,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        (Err(e), _) => e.into_response(),
    }
}

pub(super) async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<UrlTransitionInput>,
) -> Response {
    let result = svc::transition(&state, &who, &ctx, &id, &f)
        .await
        .map(|_| String::new());
    let values = vec![("to", f.to), ("note", f.note), ("tlp", f.tlp)];
    after(&state, &ctx, &who, &id, "transition", result, values).await
}

pub(super) async fn add_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ContactInput>,
) -> Response {
    let result = svc::add_contact(&state, &who, &ctx, &id, &f)
        .await
        .map(|()| String::new());
    let values = vec![("role", f.role), ("email", f.email)];
    after(&state, &ctx, &who, &id, "contact", result, values).await
}

pub(super) async fn remove_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((id, contact)): Path<(String, String)>,
) -> Response {
    let result = svc::remove_contact(&state, &who, &ctx, &id, &contact)
        .await
        .map(|()| String::new());
    after(&state, &ctx, &who, &id, "contacts", result, vec![]).await
}

pub(super) async fn rdap(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = svc::rdap_lookup(&state, &who, &ctx, &id)
        .await
        .map(|n| format!("?rdap={n}"));
    after(&state, &ctx, &who, &id, "contacts", result, vec![]).await
}

pub(super) async fn notify(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<NoticeInput>,
) -> Response {
    let result = svc::notify(&state, &who, &ctx, &id, &f)
        .await
        .map(|()| String::new());
    after(
        &state,
        &ctx,
        &who,
        &id,
        "notify",
        result,
        vec![("body", f.body)],
    )
    .await
}

/// Evidence: a note and screenshots (multipart).
pub(super) async fn evidence(
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
    let note = f.get("note");
    let dropped = if f.files.is_empty() { "" } else { "1" };
    let result = svc::add_evidence(&state, &who, &ctx, &id, &note, f.files)
        .await
        .map(|()| String::new());
    let values = vec![("note", note), ("dropped", dropped.to_string())];
    after(&state, &ctx, &who, &id, "evidence", result, values).await
}

/// The optional fetcher: title, final URL, status and hash of the page, as evidence.
pub(super) async fn fetch(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = svc::fetch_evidence(&state, &who, &ctx, &id)
        .await
        .map(|_| String::new());
    after(&state, &ctx, &who, &id, "evidence", result, vec![]).await
}

// ---------------------------------------------------------------------------------------
// Monthly figures (admins).

struct MonthView {
    month: String,
    cases: usize,
    verified: (String, String),
    taken_down: (String, String),
    by_brand: Vec<(String, usize)>,
    by_seen_in: Vec<(String, usize)>,
}

#[derive(Template)]
#[template(path = "phishing_admin.html")]
struct FiguresPage {
    page: Page,
    months: Vec<MonthView>,
}

/// Median and 90th percentile in minutes, for people.
fn durations(tr: &Tr, d: Option<(i64, i64)>) -> (String, String) {
    match d {
        Some((median, p90)) => (
            hours_minutes(tr, "phishing-duration", median),
            hours_minutes(tr, "phishing-duration", p90),
        ),
        None => ("—".to_string(), "—".to_string()),
    }
}

pub(super) async fn figures(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    let tr = ctx.tr();
    match svc::figures(&state, &who, &ctx).await {
        Ok(months) => render(
            StatusCode::OK,
            &FiguresPage {
                page: Page::new(&state, &ctx, &who, "/admin/phishing"),
                months: months
                    .into_iter()
                    .map(|m| MonthView {
                        verified: durations(&tr, m.to_verified),
                        taken_down: durations(&tr, m.to_taken_down),
                        by_seen_in: m
                            .by_seen_in
                            .iter()
                            .map(|(k, n)| (seen_in_label(&tr, k), *n))
                            .collect(),
                        by_brand: m.by_brand,
                        month: m.month,
                        cases: m.cases,
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
    fn urls_in_text_are_defanged() {
        let text = "From: 銀行 <no-reply@examp1e.com>\n請點 HTTPS://examp1e.com/login?a=1 或「http://203.0.113.7/x」。\nftp://files.examp1e.com ok";
        let out = tocsin_domain::phish_url::defang_text(text);
        assert_eq!(
            out,
            "From: 銀行 <no-reply@examp1e.com>\n請點 hxxps://examp1e[.]com/login?a=1 或「hxxp://203[.]0[.]113[.]7/x」。\nfxp://files[.]examp1e[.]com ok"
        );
        assert_eq!(
            tocsin_domain::phish_url::defang_text("no links here"),
            "no links here"
        );
        assert_eq!(tocsin_domain::phish_url::defang_text(""), "");
        assert_eq!(tocsin_domain::phish_url::defang_text("http://"), "hxxp://");
        // Already defanged text stays as it is.
        assert_eq!(
            tocsin_domain::phish_url::defang_text("hxxps://examp1e[.]com/login"),
            "hxxps://examp1e[.]com/login"
        );
    }

    #[test]
    fn states_filter() {
        let open = filter_states("").expect("open");
        assert!(open.contains(&UrlState::Received) && open.contains(&UrlState::Reopened));
        assert!(!open.contains(&UrlState::TakenDown));
        assert!(filter_states("all").expect("all").is_empty());
        assert_eq!(
            filter_states("taken_down").expect("one"),
            vec![UrlState::TakenDown]
        );
        assert!(filter_states("bogus").is_err());
    }
}

//! The vulnerability pages (產品漏洞通報 and CVE coordination, issue 4): the public form with
//! its TXT template (a filled TXT form may stand for the fields), answered with the shared
//! receipt; the vulnerability part of the status page; the coordinators' case list and case
//! page (state, vendor, vendor notice, CVE id, advisory, CVE record); the notified vendor's
//! read-only view; the admins' CVE id pool; the public advisories and their Atom feed.
//!
//! Every text a reporter wrote is shown escaped; the trigger method verbatim in `<pre>`.
//! Who may see what is decided by the service (`service::vuln`), never here.

use super::kit::PageForms;
use crate::error::IntoHttp as _;
use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::policy::{Action, Identity, Resource};
use tocsin_domain::vuln::{CnaState, VendorStatus, VulnInput, VulnSource};
use tocsin_domain::{Locale, OrgKind, Timestamp};
use tocsin_storage::Report;

use super::kit::{
    Errors, FileView, MultipartForm, ReceiptSummary, download, field_errors, file_views, find,
    form_key, limits_hint, read_multipart, take_form_key, to_receipt, when,
};
use super::kit::{Failed, Options, attachment, canonical};
use super::labels::{EventView, cna_label, event_view, label, vendor_status_label};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::reports as rsvc;
use tocsin_app::service::vuln::{self as svc, AdvisoryInput, CnaUpdate, VendorInput, VulnDetails};
use tocsin_app::service::{self};

// ---------------------------------------------------------------------------------------
// Shared pieces.

/// The other language's translator (labels show both languages, as the seed's form does).
fn other_tr(tr: &Tr) -> Tr {
    Tr::new(match tr.locale {
        Locale::ZhTw => Locale::En,
        Locale::En => Locale::ZhTw,
    })
}

/// A CVSS score with its severity, translated: `7.6（高）`.
fn score_text(tr: &Tr, score: &str, severity: &str) -> String {
    if severity.is_empty() {
        return score.to_string();
    }
    let sev = label(tr, "vuln-severity-", &severity.to_ascii_lowercase());
    format!("{score} ({sev})")
}

/// tocsin's CVSS score of a report beside the reporter's claim, with a warning for every
/// disagreement.
pub(super) struct CvssView {
    /// The vector as the reporter wrote it.
    pub vector: String,
    /// tocsin's base score.
    pub score: String,
    /// Its severity for people (may be empty).
    pub severity: String,
    /// The vector's CVSS version.
    pub version: String,
    /// The reporter's claimed score (may be empty).
    pub claimed: String,
    /// The version the reporter named (may be empty).
    pub named_version: String,
    /// Warnings for people: `7.5 ≠ 7.6` and the like.
    pub warnings: Vec<String>,
}

fn cvss_view(tr: &Tr, d: &VulnDetails) -> CvssView {
    let warnings = d
        .cvss_warnings
        .iter()
        .map(|w| match w.as_str() {
            "score_differs" => tr.t_args(
                "vuln-cvss-score-differs",
                &[
                    ("claimed", d.cvss_claimed_score.clone()),
                    ("computed", d.cvss_score.clone()),
                ],
            ),
            "version_differs" => tr.t_args(
                "vuln-cvss-version-differs",
                &[
                    ("named", d.cvss_named_version.clone()),
                    ("vector", d.cvss_version.clone()),
                ],
            ),
            "unreadable_score" => tr.t_args(
                "vuln-cvss-unreadable-score",
                &[("claimed", d.cvss_claimed_score.clone())],
            ),
            other => other.to_string(),
        })
        .collect();
    CvssView {
        vector: d.cvss_vector.clone(),
        score: d.cvss_score.clone(),
        severity: label(tr, "vuln-severity-", &d.cvss_severity.to_ascii_lowercase()),
        version: d.cvss_version.clone(),
        claimed: d.cvss_claimed_score.clone(),
        named_version: d.cvss_named_version.clone(),
        warnings,
    }
}

/// A long text of a report: heading, text, element id, and whether it is shown verbatim
/// (preformatted).
pub(super) struct Block {
    /// Heading.
    pub title: String,
    /// The text as written.
    pub text: String,
    /// Element id.
    pub id: &'static str,
    /// Shown in `<pre>`, exactly as written.
    pub verbatim: bool,
}

/// The reporter's fields of a vulnerability report as pages show them.
pub(super) struct FieldsView {
    /// (label, value, element id) rows.
    pub rows: Vec<(String, String, &'static str)>,
    /// The long texts.
    pub blocks: Vec<Block>,
    /// The CVSS part.
    pub cvss: CvssView,
}

/// The fields as far as the reader's cut shows the reporter's identity (the report comes
/// already cut by the app: withheld fields are empty).
fn fields_view(tr: &Tr, r: &Report, d: &VulnDetails, identity: Identity) -> FieldsView {
    let yes_no = |b: bool| tr.t(if b { "yes" } else { "no" });
    let source = d
        .source
        .parse::<VulnSource>()
        .map(|s| s.label(tr.locale).to_string())
        .unwrap_or_else(|_| d.source.clone());
    let source = if d.source_other.is_empty() {
        source
    } else {
        format!("{source}: {}", d.source_other)
    };
    let mut rows = Vec::new();
    if !r.reporter_name.is_empty() {
        rows.push((
            tr.t("vuln-field-reporter_name"),
            r.reporter_name.clone(),
            "vuln-reporter-name",
        ));
        if !d.reporter_organization.is_empty() {
            rows.push((
                tr.t("vuln-field-reporter_organization"),
                d.reporter_organization.clone(),
                "vuln-reporter-org",
            ));
        }
    }
    if identity == Identity::Full {
        rows.push((
            tr.t("vuln-field-reporter_email"),
            r.reporter_email.clone(),
            "vuln-reporter-email",
        ));
        rows.push((
            tr.t("vuln-field-public_credit"),
            yes_no(d.public_credit),
            "vuln-public-credit",
        ));
    }
    rows.extend([
        (
            tr.t("vuln-field-report_date"),
            d.report_date.clone(),
            "vuln-report-date",
        ),
        (tr.t("vuln-field-source"), source, "vuln-source"),
        (
            tr.t("vuln-field-discovered_on"),
            d.discovered_on.clone(),
            "vuln-discovered-on",
        ),
        (
            tr.t("vuln-field-product"),
            d.product.clone(),
            "vuln-product",
        ),
        (
            tr.t("vuln-field-version"),
            d.version.clone(),
            "vuln-version",
        ),
        (tr.t("vuln-field-vendor"), d.vendor.clone(), "vuln-vendor"),
        (
            tr.t("vuln-field-product_url"),
            d.product_url.clone(),
            "vuln-product-url",
        ),
        (
            tr.t("vuln-field-vuln_type"),
            d.vuln_type.clone(),
            "vuln-type",
        ),
    ]);
    let block = |id: &'static str, key: &str, text: &str, verbatim: bool| Block {
        title: tr.t(&format!("vuln-field-{key}")),
        text: text.to_string(),
        id,
        verbatim,
    };
    let blocks = vec![
        block("vuln-description", "description", &d.description, false),
        block(
            "vuln-trigger-conditions",
            "trigger_conditions",
            &d.trigger_conditions,
            false,
        ),
        block(
            "vuln-trigger-method",
            "trigger_method",
            &d.trigger_method,
            true,
        ),
        block("vuln-evidence", "evidence", &d.evidence, false),
        block("vuln-impact", "impact", &d.impact, false),
    ];
    FieldsView {
        rows,
        blocks,
        cvss: cvss_view(tr, d),
    }
}

// ---------------------------------------------------------------------------------------
// The TXT template and the public form.

/// The downloadable TXT form.
pub(super) async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vulnerability-report-template.txt\"",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        tocsin_formats::vuln_form::template(),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "vuln_report.html")]
struct FormPage {
    page: Page,
    form: VulnInput,
    sources: Vec<(&'static str, &'static str)>,
    versions: Vec<&'static str>,
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
    /// The label `vuln-field-<key>` in the other language.
    fn alt(&self, key: &str) -> String {
        other_tr(&self.page.tr).t(&format!("vuln-field-{key}"))
    }
    /// The label `vuln-field-<key>` in the page's language.
    fn lbl(&self, key: &str) -> String {
        self.page.tr.t(&format!("vuln-field-{key}"))
    }
    /// ` *` after the label of a required field.
    fn req(&self, key: &str) -> &'static str {
        const OPTIONAL: &[&str] = &[
            "reporter_organization",
            "source_other",
            "cvss_claimed_score",
            "cvss_named_version",
            "attachments",
        ];
        if OPTIONAL.contains(&key) { "" } else { " *" }
    }
    fn credit(&self, v: &str) -> bool {
        self.form.public_credit.trim() == v
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: VulnInput,
    errors: Errors,
    files_dropped: bool,
) -> FormPage {
    let tr = ctx.tr();
    FormPage {
        page: Page::new(state, ctx, who, "/report/vulnerability"),
        sources: VulnSource::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(tr.locale)))
            .collect(),
        versions: vec!["3.0", "3.1", "4.0"],
        limits: limits_hint(state, &tr),
        form,
        errors,
        files_dropped,
        idem_key: form_key(),
    }
}

pub(super) async fn form(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    // Only the signed-in reporter's own details are filled in; any other empty field takes
    // its value from an uploaded TXT form.
    let mut input = VulnInput::default();
    match tocsin_app::service::account::prefill(&state, &who).await {
        Ok(p) => {
            input.reporter_name = p.name;
            input.reporter_organization = p.organization;
            input.reporter_email = p.email;
        }
        Err(e) => return e.into_response(),
    }
    render(
        StatusCode::OK,
        &form_page(&state, &ctx, &who, input, vec![], false),
    )
}

fn vuln_input(f: &MultipartForm) -> VulnInput {
    VulnInput {
        report_date: f.get("report_date"),
        reporter_name: f.get("reporter_name"),
        reporter_organization: f.get("reporter_organization"),
        reporter_email: f.get("reporter_email"),
        public_credit: f.get("public_credit"),
        source: f.get("source"),
        source_other: f.get("source_other"),
        discovered_on: f.get("discovered_on"),
        product: f.get("product"),
        version: f.get("version"),
        vendor: f.get("vendor"),
        product_url: f.get("product_url"),
        vuln_type: f.get("vuln_type"),
        description: f.get("description"),
        trigger_conditions: f.get("trigger_conditions"),
        trigger_method: f.get("trigger_method"),
        evidence: f.get("evidence"),
        impact: f.get("impact"),
        cvss_vector: f.get("cvss_vector"),
        cvss_claimed_score: f.get("cvss_claimed_score"),
        cvss_named_version: f.get("cvss_named_version"),
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
    let input = vuln_input(&f);
    let txt = f.take_file("txt").map(|u| svc::form_upload(u.bytes));
    let had_files = txt.is_some() || !f.files.is_empty();
    let files = std::mem::take(&mut f.files);
    match svc::submit_vulnerability(&state, &who, &ctx, &input, txt, files).await {
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

/// What the receipt repeats of a filed vulnerability report: what was stored (the fields
/// may have come from the TXT form), with the CVSS warnings the status page shows.
pub(super) fn receipt_summary(tr: &Tr, report: &Report) -> ReceiptSummary {
    let d = VulnDetails::of(report);
    ReceiptSummary {
        email: report.reporter_email.clone(),
        rows: vec![
            (
                tr.t("vuln-field-reporter_name"),
                report.reporter_name.clone(),
            ),
            (tr.t("vuln-field-product"), d.product.clone()),
            (tr.t("vuln-field-version"), d.version.clone()),
            (tr.t("vuln-field-vendor"), d.vendor.clone()),
            (
                tr.t("vuln-cvss-computed"),
                score_text(tr, &d.cvss_score, &d.cvss_severity),
            ),
        ],
        description_title: tr.t("vuln-field-description"),
        description: d.description.clone(),
        warnings: cvss_view(tr, &d).warnings,
    }
}

// ---------------------------------------------------------------------------------------
// The status page's vulnerability part.

/// What the status page shows of a vulnerability report.
pub(super) struct StatusDetails {
    /// The reporter's fields and the CVSS score.
    pub fields: FieldsView,
    /// The CNA state's name, for a class.
    pub state: String,
    /// Its label.
    pub state_label: String,
    /// The CVE id, once assigned.
    pub cve_id: String,
    /// The target publication date with its time zone.
    pub target: String,
}

/// The vulnerability fields and coordination state of the report the status page opened,
/// as far as the reader's cut shows them.
pub(super) async fn status_details(
    state: &AppState,
    tr: &Tr,
    view: &rsvc::ReportView,
) -> Result<StatusDetails, AppError> {
    let report = &view.report;
    let identity = view.audience.cut().identity;
    let d = VulnDetails::of(report);
    let case = svc::case_of(state, view).await?;
    let (cna, cve_id, target) = case
        .map(|c| (c.cna_state, c.cve_id, c.target_publication))
        .unwrap_or_default();
    Ok(StatusDetails {
        fields: fields_view(tr, report, &d, identity),
        state_label: cna_label(tr, &cna),
        state: cna,
        cve_id,
        target: super::kit::desk_date(state, tr, &target),
    })
}

// ---------------------------------------------------------------------------------------
// The coordinators: the list.

/// The filter of the case list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ListQuery {
    /// `all` (default) or a CNA state.
    state: String,
    /// `1`: only cases past their state's timer.
    breached: String,
    /// Where the page starts (the `next` link of the page before).
    after: String,
}

/// Cases a page of the coordinators' list.
const CASES_PAGE: i64 = 100;

struct CaseRow {
    tracking: String,
    /// Other teams' ticket numbers on the case.
    tickets: String,
    product: String,
    vendor: String,
    state: String,
    state_label: String,
    cve_id: String,
    cvss: String,
    /// The CVSS warnings in one line (the ⚠ badge's text), empty when none.
    warning: String,
    target: String,
    /// The timer of its state, if it has one.
    sla: Option<super::desk::SlaView>,
}

#[derive(Template)]
#[template(path = "vuln_desk.html")]
struct ListPage {
    page: Page,
    chosen: String,
    breached_only: bool,
    states: Options,
    rows: Vec<CaseRow>,
    /// The next page's link, when this one is full.
    next: Option<String>,
    errors: Errors,
}

impl ListPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

fn filter_state(s: &str) -> Result<Option<CnaState>, AppError> {
    match s.trim() {
        "" | "all" => Ok(None),
        s => s
            .parse::<CnaState>()
            .map(Some)
            .map_err(|_| AppError::field("state", "error-choice")),
    }
}

pub(super) async fn cases(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let tr = ctx.tr();
    let result = async {
        let chosen = filter_state(&q.state);
        // The policy first (in the service): a refused caller learns nothing of the filter.
        let query = svc::CasesQuery {
            cna_state: chosen.as_ref().ok().copied().flatten(),
            after: svc::parse_after(&q.after),
            limit: CASES_PAGE,
        };
        let page = svc::cases(&state, &who, &ctx, &query).await?;
        chosen?;
        Ok::<_, AppError>(page)
    }
    .await;
    let (list, next, tickets, errors, status) = match result {
        Ok(p) => (p.cases, p.next, p.tickets, vec![], StatusCode::OK),
        Err(AppError::Validation(e)) => (
            vec![],
            None,
            Default::default(),
            field_errors(&ctx, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return e.into_response(),
    };
    let mut states: Options = vec![("all".into(), tr.t("desk-state-all"))];
    states.extend(
        CnaState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label(tr.locale).to_string())),
    );
    let breached_only = q.breached == "1";
    let rows = list
        .into_iter()
        .filter(|c| !breached_only || c.sla.is_some_and(|s| s.breached))
        .map(|c| CaseRow {
            sla: c
                .sla
                .map(|s| super::desk::sla_view(&state, &tr, &s, false, false)),
            product: c.details.product.clone(),
            vendor: c.details.vendor.clone(),
            state: c.state.as_str().to_string(),
            state_label: c.state.label(tr.locale).to_string(),
            cve_id: c.case.cve_id.clone(),
            cvss: score_text(&tr, &c.details.cvss_score, &c.details.cvss_severity),
            warning: cvss_view(&tr, &c.details).warnings.join(" "),
            target: super::kit::desk_date(&state, &tr, &c.case.target_publication),
            tickets: super::kit::tickets(&tickets, c.report.id),
            tracking: c.report.tracking_id,
        })
        .collect();
    let chosen = match q.state.trim() {
        "" => "all".to_string(),
        s => s.to_string(),
    };
    // The next page keeps the filters.
    let next = next.map(|id| {
        let mut link = format!(
            "/desk/vulnerabilities?state={}&after={}",
            crate::api::wire::pct(&chosen),
            svc::after_token(id)
        );
        if breached_only {
            link.push_str("&breached=1");
        }
        link
    });
    render(
        status,
        &ListPage {
            page: Page::new(&state, &ctx, &who, "/desk/vulnerabilities"),
            chosen,
            breached_only,
            states,
            rows,
            next,
            errors,
        },
    )
}

// ---------------------------------------------------------------------------------------
// The coordinators: one case.

#[derive(Template)]
#[template(path = "vuln_case.html")]
struct CasePage {
    page: Page,
    tracking: String,
    state: String,
    state_label: String,
    reported_at: String,
    fields: FieldsView,
    cve_id: String,
    target: String,
    vendor_name: String,
    vendor_status: String,
    vendor_statement: String,
    next_states: Options,
    vendors: Options,
    statuses: Options,
    can_notify: bool,
    has_vendor: bool,
    can_assign: bool,
    /// The CVE id may be rejected (held, and the state allows it).
    can_reject: bool,
    /// What the CVE download is: `published`, `rejected` or `container` (before
    /// publication: the CNA container to submit, not a record).
    export_kind: &'static str,
    /// Publication is one of the next steps (its English description rule is said).
    may_publish: bool,
    /// The case's CSAF document (draft or released) passes the run-time validator.
    csaf_valid: bool,
    /// Who works the case, as on an incident: the desk's staff to choose from.
    staff: Options,
    assignee_label: String,
    /// The original this case duplicates, or empty.
    duplicate_of: String,
    /// The cases marked duplicates of this one.
    duplicates: Vec<String>,
    /// The timer of its state, if it has one.
    sla: Option<super::desk::SlaView>,
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

/// Organizations that may be a product's vendor.
fn vendor_kinds(kind: OrgKind) -> bool {
    matches!(
        kind,
        OrgKind::Vendor | OrgKind::Manufacturer | OrgKind::Company
    )
}

async fn case_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    failed: Failed,
    status: StatusCode,
) -> Response {
    let result = async {
        // The desk's page is for those who may change cases (coordinators and admins);
        // the reporter and the vendor read theirs elsewhere.
        service::check(
            state,
            who,
            ctx,
            Action::Update,
            &Resource::Vulnerability {
                vendor_org: None,
                reporter: None,
            },
        )
        .await?;
        let v = svc::case(state, who, ctx, tracking).await?;
        let orgs = service::list_orgs(state, who, ctx).await?;
        let users = super::desk::staff(state, who, ctx).await?;
        let csaf = tocsin_app::service::csaf::preview(state, who, ctx, tracking).await?;
        let csaf_valid = csaf.build_error.is_none() && csaf.verdict.is_valid();
        Ok::<_, AppError>((v, orgs, users, csaf_valid))
    }
    .await;
    let (v, orgs, users, csaf_valid) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let t = v.report.tracking_id.clone();
    let c = &v.case;
    let vendor_id = c.vendor_org_id.map(|u| u.to_string()).unwrap_or_default();
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("vendor.vendor_org_id".into(), vendor_id.clone());
    values.insert("vendor.status".into(), c.vendor_status.clone());
    values.insert("vendor.statement".into(), c.vendor_statement.clone());
    values.insert(
        "notify.body".into(),
        svc::vendor_notice_template(state, &v.report, c),
    );
    values.insert("advisory.title".into(), c.title.clone());
    values.insert("advisory.cwe".into(), c.cwe.clone());
    values.insert("advisory.solution".into(), c.solution.clone());
    values.insert("advisory.advisory_en".into(), c.advisory_en.clone());
    values.insert("advisory.advisory_zh".into(), c.advisory_zh.clone());
    values.insert(
        "advisory.target_publication".into(),
        c.target_publication.clone(),
    );
    let assignee = v
        .report
        .assignee_id
        .map(|u| u.to_string())
        .unwrap_or_default();
    values.insert("assign.assignee_id".into(), assignee.clone());
    values.insert(
        "duplicate.duplicate_of".into(),
        v.report.duplicate_of.clone(),
    );
    for (k, val) in &failed.values {
        values.insert(format!("{}.{k}", failed.form), val.clone());
    }
    let vendor_name = orgs
        .iter()
        .find(|o| o.id.to_string() == vendor_id)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let page = CasePage {
        page: Page::new(state, ctx, who, &format!("/desk/vulnerabilities/{t}")),
        state: v.state.as_str().to_string(),
        state_label: v.state.label(tr.locale).to_string(),
        reported_at: when(state, &tr, v.report.reported_at),
        fields: fields_view(&tr, &v.report, &v.details, v.audience.cut().identity),
        cve_id: c.cve_id.clone(),
        target: super::kit::desk_date(state, &tr, &c.target_publication),
        has_vendor: c.vendor_org_id.is_some(),
        vendor_name,
        vendor_status: vendor_status_label(&tr, &c.vendor_status),
        vendor_statement: c.vendor_statement.clone(),
        // Only a notice that was really queued makes a case vendor_notified; a case with a
        // CVE id is rejected by its own form, which asks the record's reason.
        next_states: v
            .state
            .allowed_next()
            .into_iter()
            .filter(|s| *s != CnaState::VendorNotified)
            .filter(|s| *s != CnaState::Rejected || c.cve_id.is_empty())
            .map(|s| (s.as_str().to_string(), s.label(tr.locale).to_string()))
            .collect(),
        vendors: orgs
            .iter()
            .filter(|o| vendor_kinds(o.kind))
            .map(|o| {
                (
                    o.id.to_string(),
                    format!("{} ({})", o.name, tr.t2("kind-", o.kind.as_str())),
                )
            })
            .collect(),
        statuses: VendorStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.label(tr.locale).to_string()))
            .collect(),
        can_notify: v.state.can_go_to(CnaState::VendorNotified),
        can_assign: c.cve_id.is_empty() && v.state.may_assign_cve(),
        can_reject: !c.cve_id.is_empty() && v.state.can_go_to(CnaState::Rejected),
        export_kind: match v.state {
            CnaState::Published => "published",
            CnaState::Rejected => "rejected",
            _ => "container",
        },
        may_publish: v.state.can_go_to(CnaState::Published),
        csaf_valid,
        assignee_label: users
            .iter()
            .find(|u| u.id.to_string() == assignee)
            .map(|u| format!("{} <{}>", u.name, u.email))
            .unwrap_or_else(|| tr.t("unassigned")),
        staff: users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.id.to_string(), format!("{} <{}>", u.name, u.email)))
            .collect(),
        events: v
            .events
            .iter()
            .map(|e| event_view(state, &tr, e, true))
            .collect(),
        files: file_views(&v.files, &format!("/desk/reports/{t}/files/"), ""),
        duplicate_of: v.report.duplicate_of.clone(),
        duplicates: v.duplicates.clone(),
        sla: v
            .sla
            .map(|s| super::desk::sla_view(state, &tr, &s, false, false)),
        failed_form: failed.form,
        errors: failed.errors,
        values,
        tracking: t,
    };
    render(status, &page)
}

pub(super) async fn case(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    case_view(
        &state,
        &ctx,
        &who,
        &tracking,
        Failed::default(),
        StatusCode::OK,
    )
    .await
}

/// After a case form: back to the case (303, at `form`'s section), or the page again with
/// the messages next to the refused form (422).
async fn after(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    tracking: &str,
    form: &str,
    result: Result<(), AppError>,
    values: Vec<(&'static str, String)>,
) -> Response {
    match result {
        Ok(()) => see_other(&format!(
            "/desk/vulnerabilities/{}#{form}",
            canonical(tracking)
        )),
        Err(AppError::Validation(e)) => {
            let failed = Failed {
                form: form.to_string(),
                errors: field_errors(ctx, &e),
                values,
            };
            case_view(
                state,
                ctx,
                who,
                tracking,
                failed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

pub(super) async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<CnaUpdate>,
) -> Response {
    let result = svc::transition(&state, &who, &ctx, &tracking, &f)
        .await
        .map(|_| ());
    let values = vec![("to", f.to), ("note", f.note)];
    after(&state, &ctx, &who, &tracking, "transition", result, values).await
}

pub(super) async fn vendor(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<VendorInput>,
) -> Response {
    let result = svc::set_vendor(&state, &who, &ctx, &tracking, &f).await;
    let values = vec![
        ("vendor_org_id", f.vendor_org_id),
        ("status", f.status),
        ("statement", f.statement),
    ];
    after(&state, &ctx, &who, &tracking, "vendor", result, values).await
}

/// The vendor notice form: the text to send.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NoticeForm {
    body: String,
}

pub(super) async fn notify_vendor(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<NoticeForm>,
) -> Response {
    let result = svc::notify_vendor(&state, &who, &ctx, &tracking, &f.body).await;
    let values = vec![("body", f.body)];
    after(&state, &ctx, &who, &tracking, "notify", result, values).await
}

pub(super) async fn assign_cve(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    let result = svc::assign_cve(&state, &who, &ctx, &tracking)
        .await
        .map(|_| ());
    after(&state, &ctx, &who, &tracking, "cve", result, vec![]).await
}

/// The duplicate-of form: the original case's tracking number (empty: no link).
pub(super) async fn duplicate_of(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<svc::DuplicateOfInput>,
) -> Response {
    let result = svc::set_duplicate_of(&state, &who, &ctx, &tracking, &f).await;
    let values = vec![("duplicate_of", f.duplicate_of)];
    after(&state, &ctx, &who, &tracking, "duplicate", result, values).await
}

// The forms a vulnerability case shares with an incident (assignee, internal note,
// message to the reporter) post here, so a refusal is shown on this page, next to the
// form, as on the incident's.

pub(super) async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<rsvc::AssignInput>,
) -> Response {
    let result = rsvc::assign(&state, &who, &ctx, &tracking, &f).await;
    let values = vec![("assignee_id", f.assignee_id)];
    after(&state, &ctx, &who, &tracking, "assign", result, values).await
}

pub(super) async fn note(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<rsvc::TextInput>,
) -> Response {
    let result = rsvc::add_note(&state, &who, &ctx, &tracking, &f.body).await;
    after(
        &state,
        &ctx,
        &who,
        &tracking,
        "note",
        result,
        vec![("body", f.body)],
    )
    .await
}

pub(super) async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<rsvc::TextInput>,
) -> Response {
    let result = rsvc::send_message(&state, &who, &ctx, &tracking, &f.body).await;
    after(
        &state,
        &ctx,
        &who,
        &tracking,
        "message",
        result,
        vec![("body", f.body)],
    )
    .await
}

pub(super) async fn advisory(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<AdvisoryInput>,
) -> Response {
    let result = svc::set_advisory(&state, &who, &ctx, &tracking, &f).await;
    let values = vec![
        ("title", f.title),
        ("cwe", f.cwe),
        ("solution", f.solution),
        ("advisory_en", f.advisory_en),
        ("advisory_zh", f.advisory_zh),
        ("target_publication", f.target_publication),
        ("revision_summary", f.revision_summary),
    ];
    after(&state, &ctx, &who, &tracking, "advisory", result, values).await
}

/// Rejects the case's CVE id with a reason (the desk's form).
pub(super) async fn reject_cve(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
    Form(f): Form<svc::CveRejection>,
) -> Response {
    let result = svc::reject_cve(&state, &who, &ctx, &tracking, &f)
        .await
        .map(|_| ());
    let values = vec![("reason_en", f.reason_en), ("reason_zh", f.reason_zh)];
    after(&state, &ctx, &who, &tracking, "reject", result, values).await
}

/// The CVE export of a case as a download: the record (`CVE-….json`), or before
/// publication the CNA container to submit (`CVE-…-cna-container.json`).
pub(super) async fn cve_record(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    let export = match svc::cve_record(&state, &who, &ctx, &tracking).await {
        Ok(r) => r,
        // Said next to the link on the case page.
        Err(e @ AppError::Validation(_)) => {
            return after(&state, &ctx, &who, &tracking, "cve", Err(e), vec![]).await;
        }
        Err(e) => return e.into_response(),
    };
    let text = match serde_json::to_string_pretty(&export.json) {
        Ok(t) => t,
        Err(e) => return AppError::internal(e.to_string()).into_response(),
    };
    let id = Some(export.cve_id.as_str())
        .filter(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or("cve-record");
    let name = match export.kind {
        svc::CveExportKind::CnaContainer => format!("{id}-cna-container"),
        svc::CveExportKind::Published | svc::CveExportKind::Rejected => id.to_string(),
    };
    attachment(
        text,
        "application/json; charset=utf-8",
        &format!("attachment; filename=\"{name}.json\""),
    )
}

// ---------------------------------------------------------------------------------------
// The notified vendor's view (read-only).

#[derive(Template)]
#[template(path = "vuln_vendor.html")]
struct VendorPage {
    page: Page,
    tracking: String,
    state: String,
    state_label: String,
    fields: FieldsView,
    cve_id: String,
    target: String,
    vendor_status: String,
    vendor_statement: String,
    files: Vec<FileView>,
}

pub(super) async fn vendor_view(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    // The case comes cut for the reader (the vendor: its evidence, no reporter's thread).
    let v = match svc::case(&state, &who, &ctx, &tracking).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let t = v.report.tracking_id.clone();
    let page = VendorPage {
        page: Page::new(&state, &ctx, &who, &format!("/vulnerabilities/{t}")),
        state: v.state.as_str().to_string(),
        state_label: v.state.label(tr.locale).to_string(),
        fields: fields_view(&tr, &v.report, &v.details, v.audience.cut().identity),
        cve_id: v.case.cve_id.clone(),
        target: super::kit::desk_date(&state, &tr, &v.case.target_publication),
        vendor_status: vendor_status_label(&tr, &v.case.vendor_status),
        vendor_statement: v.case.vendor_statement.clone(),
        files: file_views(&v.files, &format!("/vulnerabilities/{t}/files/"), ""),
        tracking: t,
    };
    render(StatusCode::OK, &page)
}

pub(super) async fn vendor_file(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path((tracking, id)): Path<(String, String)>,
) -> Response {
    match rsvc::attachment(&state, &who, &ctx, &tracking, None, &id).await {
        Ok(row) => download(row),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// Admins: the reserved CVE ids.

#[derive(Template)]
#[template(path = "vuln_cve_ids.html")]
struct CveIdsPage {
    page: Page,
    reserved: i64,
    assigned: i64,
    added: Option<String>,
    ids: String,
    errors: Errors,
}

impl CveIdsPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

/// `added=N` after a load that added N ids.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CveIdsQuery {
    added: String,
}

/// The CVE id form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CveIdsForm {
    ids: String,
}

async fn cve_ids_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    added: Option<u64>,
    typed: (String, Errors),
    status: StatusCode,
) -> Response {
    let result = svc::cve_pool(state, who, ctx).await;
    let (reserved, assigned) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let (ids, errors) = typed;
    render(
        status,
        &CveIdsPage {
            page: Page::new(state, ctx, who, "/admin/cve-ids"),
            reserved,
            assigned,
            added: added.map(|n| tr.t_args("vuln-cve-ids-added", &[("count", n.to_string())])),
            ids,
            errors,
        },
    )
}

pub(super) async fn cve_ids(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<CveIdsQuery>,
) -> Response {
    let added = q.added.trim().parse::<u64>().ok();
    cve_ids_view(
        &state,
        &ctx,
        &who,
        added,
        (String::new(), vec![]),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn cve_ids_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<CveIdsForm>,
) -> Response {
    match svc::load_cve_ids(&state, &who, &ctx, &f.ids).await {
        Ok(n) => see_other(&format!("/admin/cve-ids?added={n}")),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            cve_ids_view(
                &state,
                &ctx,
                &who,
                None,
                (f.ids, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The public advisories.

/// When an advisory was published, as a date in the desk calendar's zone.
pub(super) fn published_date(state: &AppState, tr: &Tr, rfc3339: &str) -> String {
    Timestamp::parse_rfc3339(rfc3339)
        .map(|t| when(state, tr, t))
        .unwrap_or_default()
}

struct AdvisoryRow {
    cve_id: String,
    title: String,
    product: String,
    cvss: String,
    published: String,
}

#[derive(Template)]
#[template(path = "advisories.html")]
struct AdvisoriesPage {
    page: Page,
    rows: Vec<AdvisoryRow>,
}

pub(super) async fn advisories(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    let list = match svc::advisories(&state).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let rows = list
        .into_iter()
        .map(|a| AdvisoryRow {
            published: published_date(&state, &ctx.tr(), &a.published_at)
                .chars()
                .take(10)
                .collect(),
            cve_id: a.cve_id,
            title: a.title,
            product: a.product,
            cvss: a.cvss,
        })
        .collect();
    render(
        StatusCode::OK,
        &AdvisoriesPage {
            page: Page::new(&state, &ctx, &who, "/advisories"),
            rows,
        },
    )
}

#[derive(Template)]
#[template(path = "advisory.html")]
struct AdvisoryPage {
    page: Page,
    a: svc::Advisory,
    published: String,
}

pub(super) async fn advisory_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(cve): Path<String>,
) -> Response {
    let a = match svc::advisory_by_cve(&state, &cve).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    render(
        StatusCode::OK,
        &AdvisoryPage {
            page: Page::new(&state, &ctx, &who, &format!("/advisories/{}", a.cve_id)),
            published: published_date(&state, &ctx.tr(), &a.published_at),
            a,
        },
    )
}

pub(super) async fn advisories_atom(State(state): State<AppState>) -> Response {
    match svc::advisories_atom(&state).await {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            xml,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_filter() {
        assert_eq!(filter_state("").ok(), Some(None));
        assert_eq!(filter_state("all").ok(), Some(None));
        assert_eq!(
            filter_state("accepted").ok(),
            Some(Some(CnaState::Accepted))
        );
        assert!(filter_state("bogus").is_err());
    }

    #[test]
    fn warnings_name_both_values() {
        let d = VulnDetails {
            cvss_score: "7.6".into(),
            cvss_severity: "High".into(),
            cvss_version: "3.0".into(),
            cvss_claimed_score: "7.5".into(),
            cvss_named_version: "3.1".into(),
            cvss_warnings: vec!["score_differs".into(), "version_differs".into()],
            ..VulnDetails::default()
        };
        let v = cvss_view(&Tr::new(Locale::En), &d);
        assert_eq!(v.warnings.len(), 2);
        assert!(v.warnings[0].contains("7.5 ≠ 7.6"), "{}", v.warnings[0]);
        assert!(v.warnings[1].contains("3.1 ≠ 3.0"), "{}", v.warnings[1]);
        assert_eq!(v.severity, "High");
        assert_eq!(
            score_text(&Tr::new(Locale::En), "7.6", "High"),
            "7.6 (High)"
        );
    }
}

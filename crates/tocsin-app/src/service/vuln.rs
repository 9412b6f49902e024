//! Product-vulnerability reports and CVE coordination (the operator as a CNA): intake
//! from the web form, the TXT form (by upload or in the API) and JSON through the shared
//! reporter path; CVSS checked against the reporter's claim; the coordination workflow,
//! the vendor, reserved CVE ids, the CVE JSON 5.1 record, and public advisories. Until a
//! case is published only coordinators, admins, the reporter and the notified vendor
//! see it (the policy's `Resource::Vulnerability`).
//!
//! The CVE export follows the case ([`cve_record`]): a published case has its PUBLISHED
//! record, dated by the publication stored with it; before that there is only the CNA
//! container to submit (`cve publish`), never a record claiming a publication; a case whose
//! CVE id was rejected ([`reject_cve`], with an English reason) has its REJECTED record.
//! Publication needs a description in English (the CVE Program's schema requires one):
//! the advisory's, or the reporter's when it is written in English.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tocsin_domain::policy::{Action, Audience, Identity, Resource, Via, report_audience};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::vuln::{
    CnaState, VendorStatus, VulnInput, check_cna_transition, target_publication_date,
};
use tocsin_domain::{FieldError, Locale, ReportId, ReportKind, Timestamp, TrackingNumber};
use tocsin_formats::cvss::{Claim, Finding};
use tocsin_formats::stix::{self, AdvisorySource};
use tocsin_formats::vuln_form;
use tocsin_storage::{AttachmentMeta, NewEvent, Report, Visibility, VulnCase};

use super::intake::KindRows;
use super::reports::{Ack, Intake, Receipt, Upload, check_uploads, file_report};
use super::{audit_entry, check, check_hidden};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::Letter;
use crate::state::App;

/// The vulnerability fields kept in a report's `details`, with tocsin's own CVSS score.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct VulnDetails {
    /// The reporter's input as validated.
    pub report_date: String,
    /// 組織.
    pub reporter_organization: String,
    /// May the advisory and CVE record credit the reporter by name?
    pub public_credit: bool,
    /// self or other.
    pub source: String,
    /// The other source.
    pub source_other: String,
    /// When found.
    pub discovered_on: String,
    /// Product.
    pub product: String,
    /// Version(s).
    pub version: String,
    /// Vendor as the reporter named it.
    pub vendor: String,
    /// Product site.
    pub product_url: String,
    /// Vulnerability type.
    pub vuln_type: String,
    /// Description.
    pub description: String,
    /// Trigger conditions.
    pub trigger_conditions: String,
    /// Trigger method, verbatim.
    pub trigger_method: String,
    /// Evidence.
    pub evidence: String,
    /// Impact.
    pub impact: String,
    /// The reporter's vector.
    pub cvss_vector: String,
    /// The reporter's claimed score, as written.
    pub cvss_claimed_score: String,
    /// The version the reporter named.
    pub cvss_named_version: String,
    /// tocsin's base score, e.g. `7.6`.
    pub cvss_score: String,
    /// tocsin's severity, e.g. `High`.
    pub cvss_severity: String,
    /// CVSS version of the vector, e.g. `3.0`.
    pub cvss_version: String,
    /// Warnings: `score_differs`, `version_differs`.
    pub cvss_warnings: Vec<String>,
    /// The TXT encoding when the report came as a TXT form.
    pub txt_encoding: String,
    /// SHA-256 (hex) of the TXT form the report came with: the form keeps the name it was
    /// sent under, so its hash is what tells it from the evidence ([`is_form_file`]).
    /// Empty for reports filed before it was recorded (their form is [`FORM_FILENAME`]).
    #[serde(default)]
    pub txt_sha256: String,
}

impl VulnDetails {
    /// Reads a report's details (empty on another shape).
    pub fn of(r: &Report) -> VulnDetails {
        serde_json::from_str(&r.details).unwrap_or_default()
    }
}

fn non_empty(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

/// Fills the empty fields of `input` from a TXT form; fields the parser could not read
/// become field errors naming them.
fn merge_txt(input: &mut VulnInput, txt: &[u8], errors: &mut FieldErrors) -> &'static str {
    let outcome = vuln_form::parse_bytes(txt);
    let f = &outcome.form;
    let fill = |dst: &mut String, src: &Option<String>| {
        if dst.trim().is_empty() {
            *dst = non_empty(src);
        }
    };
    fill(&mut input.report_date, &f.report_date);
    fill(&mut input.reporter_name, &f.reporter_name);
    fill(&mut input.reporter_organization, &f.reporter_organization);
    fill(&mut input.reporter_email, &f.reporter_email);
    if input.public_credit.trim().is_empty() {
        input.public_credit = f
            .public_credit
            .map(|b| if b { "yes" } else { "no" }.to_string())
            .unwrap_or_default();
    }
    if input.source.trim().is_empty() {
        input.source = f
            .source
            .map(|s| match s {
                vuln_form::Source::SelfFound => "self".to_string(),
                vuln_form::Source::Other => "other".to_string(),
            })
            .unwrap_or_default();
    }
    fill(&mut input.source_other, &f.source_other);
    fill(&mut input.discovered_on, &f.discovered_on);
    fill(&mut input.product, &f.product);
    fill(&mut input.version, &f.version);
    fill(&mut input.vendor, &f.vendor);
    fill(&mut input.product_url, &f.product_url);
    fill(&mut input.vuln_type, &f.vuln_type);
    fill(&mut input.description, &f.description);
    fill(&mut input.trigger_conditions, &f.trigger_conditions);
    fill(&mut input.trigger_method, &f.trigger_method);
    fill(&mut input.evidence, &f.evidence);
    fill(&mut input.impact, &f.impact);
    fill(&mut input.cvss_vector, &f.cvss_vector);
    fill(&mut input.cvss_claimed_score, &f.cvss_claimed_score);
    fill(&mut input.cvss_named_version, &f.cvss_version);
    for p in &outcome.unreadable {
        errors.add(
            field_name(p.field.key()),
            FieldError::new("error-form-unreadable").arg("problem", p.kind.to_string()),
        );
    }
    outcome.encoding.unwrap_or("UTF-8")
}

/// The static field name of a TXT form key (FieldErrors keys are `&'static str`).
fn field_name(key: &str) -> &'static str {
    vuln_form::Field::ALL
        .iter()
        .map(|f| f.key())
        .find(|k| *k == key)
        .unwrap_or("txt")
}

/// Takes a vulnerability report: from form/JSON fields, a TXT form (filled into empty
/// fields), or both. Validates everything (CVSS included: an invalid vector names its
/// metric), then files it through the shared reporter path and opens its CNA case with a
/// target publication date. The TXT form is kept as evidence under the name it came with
/// (cleaned as every upload is); [`form_upload`] names one that came without a name.
pub async fn submit_vulnerability(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &VulnInput,
    txt: Option<Upload>,
    mut files: Vec<Upload>,
) -> Result<Receipt, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Vulnerability {
            vendor_org: None,
            reporter: None,
        },
    )
    .await?;
    let mut input = input.clone();
    let mut errors = FieldErrors::new();
    let mut encoding = String::new();
    let mut txt_sha256 = String::new();
    let mut events = Vec::new();
    if let Some(form) = txt {
        // A TXT encrypted to the desk's key is read decrypted; the ciphertext, as sent, is
        // kept beside the decrypted form.
        let sender = who
            .user()
            .map(|u| u.email.clone())
            .unwrap_or_else(|| input.reporter_email.clone());
        let opened = super::pgp::open_upload(state, &form.bytes, &sender, "txt").await?;
        let form = match opened {
            None => form,
            Some((plain, how)) => {
                let mut sealed = form;
                if !sealed.filename.ends_with(".asc") {
                    sealed.filename.push_str(".asc");
                }
                sealed.content_type = "application/pgp-encrypted".to_string();
                events.push(super::pgp::upload_received_event(&sealed.filename, &how));
                files.insert(0, sealed);
                form_upload(plain)
            }
        };
        encoding = merge_txt(&mut input, &form.bytes, &mut errors).to_string();
        txt_sha256 = hex::encode(Sha256::digest(&form.bytes));
        // The form itself is evidence: keep it as sent.
        files.insert(0, form);
    }
    let valid = input.validate(state.now());
    if let Err(e) = &valid {
        for (k, v) in e.iter() {
            errors.add(k, v.clone());
        }
    }
    check_uploads(state, &files, &mut errors);
    let assessment = Claim {
        vector: input.cvss_vector.trim(),
        named_version: Some(input.cvss_named_version.trim()).filter(|v| !v.is_empty()),
        claimed_score: Some(input.cvss_claimed_score.trim()).filter(|v| !v.is_empty()),
    }
    .assess();
    if let (Err(e), true) = (&assessment, !input.cvss_vector.trim().is_empty()) {
        errors.add(
            "cvss_vector",
            FieldError::new("error-cvss").arg("reason", e.to_string()),
        );
    }
    let (valid, assessment) = match (valid, assessment, errors.is_empty()) {
        (Ok(v), Ok(a), true) => (v, a),
        _ => return Err(AppError::Validation(errors)),
    };
    let score = assessment.score();
    let warnings: Vec<String> = assessment
        .findings
        .iter()
        .map(|f| match f {
            Finding::ScoreDiffers { .. } => "score_differs".to_string(),
            Finding::VersionDiffers { .. } => "version_differs".to_string(),
            Finding::UnreadableScore { .. } => "unreadable_score".to_string(),
        })
        .collect();
    let details = VulnDetails {
        report_date: valid.report_date.to_string(),
        reporter_organization: non_empty(&valid.reporter_organization),
        public_credit: valid.public_credit,
        source: valid.source.as_str().to_string(),
        source_other: non_empty(&valid.source_other),
        discovered_on: valid.discovered_on.to_string(),
        product: valid.product.clone(),
        version: valid.version.clone(),
        vendor: valid.vendor.clone(),
        product_url: valid.product_url.clone(),
        vuln_type: valid.vuln_type.clone(),
        description: valid.description.clone(),
        trigger_conditions: valid.trigger_conditions.clone(),
        trigger_method: valid.trigger_method.clone(),
        evidence: valid.evidence.clone(),
        impact: valid.impact.clone(),
        cvss_vector: valid.cvss_vector.clone(),
        cvss_claimed_score: non_empty(&valid.cvss_claimed_score),
        cvss_named_version: non_empty(&valid.cvss_named_version),
        cvss_score: score.to_string(),
        cvss_severity: score.severity().to_string(),
        cvss_version: assessment.vector.version().to_string(),
        cvss_warnings: warnings,
        txt_encoding: encoding,
        txt_sha256,
    };
    let intake = Intake {
        kind: ReportKind::Vulnerability,
        category: valid.vuln_type.chars().take(100).collect(),
        reporter_name: valid.reporter_name.clone(),
        reporter_email: valid.reporter_email.clone(),
        reporter_phone: String::new(),
        details: serde_json::to_string(&details).map_err(|e| AppError::internal(e.to_string()))?,
        rsit: ("vulnerable".into(), "vulnerable-system".into()),
        follows_up: String::new(),
        tasks: Vec::new(),
        extra: KindRows::None,
        events,
    };
    // Counted from the day tocsin received the report, on the desk's calendar: the date the
    // researcher typed is theirs to state (it may be years old) and is kept as written.
    let target = target_publication_date(
        state.today(),
        state.config.cna.publication_days,
        &state.desk.calendar,
    );
    let intake = Intake {
        extra: KindRows::VulnCase {
            target_publication: target.to_string(),
        },
        ..intake
    };
    let ack = Ack {
        body_id: "mail-ack-vuln-body",
        args: vec![
            ("product", valid.product.clone()),
            (
                "score",
                format!("{} ({})", details.cvss_score, details.cvss_severity),
            ),
        ],
    };
    file_report(state, who, ctx, intake, files, ack).await
}

/// A vulnerability report's coordination case, opened in the report's transaction (by the
/// intake writer) with its target publication date.
pub(crate) async fn open_case(
    tx: &mut tocsin_storage::Tx,
    report: &Report,
    target_publication: &str,
) -> Result<(), AppError> {
    let at = tx.now();
    tx.insert_vuln_case(&VulnCase::new(
        report.id,
        CnaState::INITIAL.as_str(),
        target_publication,
        at,
    ))
    .await?;
    Ok(())
}

/// A case with its report, for coordinators, the reporter and the vendor.
#[derive(Clone, Debug)]
pub struct CaseView {
    /// The report.
    pub report: Report,
    /// Its details.
    pub details: VulnDetails,
    /// The coordination case.
    pub case: VulnCase,
    /// Its CNA state.
    pub state: CnaState,
    /// Who the reader is to the case: the cut they were shown.
    pub audience: Audience,
    /// The events the reader sees (empty in the list).
    pub events: Vec<tocsin_storage::ReportEvent>,
    /// The files the reader sees (empty in the list).
    pub files: Vec<tocsin_storage::AttachmentMeta>,
    /// The timer of its current state (`[vuln_sla]`), if that state has one.
    pub sla: Option<tocsin_domain::SlaStatus>,
    /// The cases marked duplicates of this one (empty in the list).
    pub duplicates: Vec<String>,
}

/// The timer of a case's current state, now: counted from when it entered the state
/// (or, for a case imported without that time, its last change) by the incident timers'
/// rule; `None` when the state has no timer.
pub fn sla_of(state: &App, case: &VulnCase, now: Timestamp) -> Option<tocsin_domain::SlaStatus> {
    let cna_state = case.cna_state.parse::<CnaState>().ok()?;
    let since = case.state_since.0.unwrap_or(case.updated_at);
    state
        .desk
        .vuln_sla
        .status(&state.desk.calendar, cna_state, since, now)
}

/// Loads a case for a signed-in reader; asks for sign-in before looking, so an anonymous
/// caller learns nothing of which tracking numbers exist.
async fn load(
    state: &App,
    who: &CurrentUser,
    tracking: &str,
) -> Result<(Report, VulnCase), AppError> {
    if who.principal().is_none() {
        return Err(AppError::Unauthorized);
    }
    find(state, tracking).await
}

/// A case and its report by tracking number, for whoever asks.
async fn find(state: &App, tracking: &str) -> Result<(Report, VulnCase), AppError> {
    let tn: TrackingNumber = tracking.parse().map_err(|_| AppError::NotFound)?;
    let report = state
        .store
        .report_by_tracking(&tn.to_string())
        .await?
        .filter(|r| r.kind == ReportKind::Vulnerability)
        .ok_or(AppError::NotFound)?;
    let case = state
        .store
        .vuln_case(report.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((report, case))
}

/// The policy's view of a case: the vendor counts only once it has been notified.
pub fn resource(r: &Report, c: &VulnCase) -> Resource {
    Resource::Vulnerability {
        vendor_org: vendor_with_access(c),
        reporter: r.reporter_user_id.map(tocsin_domain::UserId),
    }
}

/// The vendor organization that may read the case: set, and notified (the case is at
/// vendor_notified or later).
pub fn vendor_with_access(c: &VulnCase) -> Option<tocsin_domain::OrgId> {
    let notified = matches!(
        c.cna_state.parse::<CnaState>(),
        Ok(CnaState::VendorNotified
            | CnaState::FixPending
            | CnaState::ReadyToPublish
            | CnaState::Published)
    );
    c.vendor_org_id
        .filter(|_| notified)
        .map(tocsin_domain::OrgId)
}

/// The default text of the vendor notice of a case.
pub fn vendor_notice_template(state: &App, report: &Report, case: &VulnCase) -> String {
    let d = VulnDetails::of(report);
    let link = format!(
        "{}/vulnerabilities/{}",
        state.config.public_url, report.tracking_id
    );
    Tr::new(Locale::ZhTw).t_args(
        "mail-vendor-body",
        &[
            ("tracking", report.tracking_id.clone()),
            ("product", d.product),
            ("version", d.version),
            ("score", d.cvss_score),
            ("target", {
                let tr = Tr::new(Locale::ZhTw);
                let zone = tr
                    .zone_name(&state.config.calendar.time_zone)
                    .unwrap_or_else(|| state.config.calendar.time_zone.clone());
                format!("{} ({zone})", case.target_publication)
            }),
            ("link", link),
        ],
    )
}

fn parse_state(s: &str) -> Result<CnaState, AppError> {
    s.parse()
        .map_err(|_| AppError::internal(format!("stored CNA state {s}")))
}

/// One case (coordinators, the reporter signed in, the notified vendor's members), cut
/// for the reader's audience: the vendor gets neither the reporter's identity (beyond the
/// credit they agreed to) nor their thread. The read is audited.
pub async fn case(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<CaseView, AppError> {
    let (report, case) = load(state, who, tracking).await?;
    let resource = resource(&report, &case);
    check_hidden(state, who, ctx, Action::Read, &resource).await?;
    let audience = report_audience(who.principal().as_ref(), Via::Account, &resource)?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "vuln.read",
            "report",
            &report.tracking_id,
        ))
        .await?;
    let (report, events, files) = super::reports::apply_cut(state, report, &audience.cut()).await?;
    // Timers and links between cases are the desk's working view, as its tasks are.
    let (sla, duplicates) = if audience.cut().tasks {
        (
            sla_of(state, &case, state.now()),
            state.store.duplicates_of(&report.tracking_id).await?,
        )
    } else {
        (None, Vec::new())
    };
    Ok(CaseView {
        details: VulnDetails::of(&report),
        state: parse_state(&case.cna_state)?,
        report,
        case,
        audience,
        events,
        files,
        sla,
        duplicates,
    })
}

/// The name under which intake keeps a filled-in TXT form that came without one of its own
/// (the API's `txt_base64`, the web form's upload field, a mail's body). The form names
/// the reporter, so only those who see the reporter's identity get it ([`is_form_file`]).
pub const FORM_FILENAME: &str = "vulnerability-report.txt";

/// A TXT form's bytes as the upload intake keeps under [`FORM_FILENAME`].
pub fn form_upload(bytes: Vec<u8>) -> Upload {
    Upload {
        filename: FORM_FILENAME.into(),
        content_type: "text/plain".into(),
        bytes,
    }
}

/// Whether `file` is the filled-in TXT form of `report`: the file whose hash intake
/// recorded, whatever its name, or one kept under [`FORM_FILENAME`] (older reports record
/// no hash). Either way it names the reporter.
pub(crate) fn is_form_file(report: &Report, file: &AttachmentMeta) -> bool {
    let d = VulnDetails::of(report);
    file.filename == FORM_FILENAME || (!d.txt_sha256.is_empty() && file.sha256 == d.txt_sha256)
}

/// A report without what `identity` withholds: the reporter's mail, phone, account and
/// organization, and their name unless they agreed to be credited.
pub(crate) fn withhold_identity(mut r: Report, identity: Identity) -> Report {
    if identity == Identity::Full {
        return r;
    }
    let mut details = (r.kind == ReportKind::Vulnerability).then(|| VulnDetails::of(&r));
    let credited =
        identity == Identity::CreditedName && details.as_ref().is_some_and(|d| d.public_credit);
    if !credited {
        r.reporter_name.clear();
    }
    r.reporter_email.clear();
    r.reporter_phone.clear();
    r.reporter_user_id = None;
    r.org_id = None;
    r.status_token_hash.clear();
    if let Some(d) = details.as_mut() {
        if !credited {
            d.reporter_organization.clear();
        }
        r.details = serde_json::to_string(d).unwrap_or_default();
    }
    r
}

/// What page of the coordinators' list to read.
#[derive(Clone, Copy, Debug)]
pub struct CasesQuery {
    /// Only cases in this state (every state when `None`).
    pub cna_state: Option<CnaState>,
    /// The page starts after this case (from [`CasesPage::next`]).
    pub after: Option<ReportId>,
    /// At most this many cases.
    pub limit: i64,
}

/// One page of the coordinators' list, newest first.
#[derive(Clone, Debug)]
pub struct CasesPage {
    /// The cases.
    pub cases: Vec<CaseView>,
    /// Where the next page starts, when this one is full.
    pub next: Option<ReportId>,
    /// Other teams' ticket numbers of the page's cases (the desk only).
    pub tickets: std::collections::HashMap<ReportId, Vec<String>>,
}

/// Reads an `after=` token of the list (a report id as 32 hex digits); `None` for
/// anything else, which lists from the start.
pub fn parse_after(token: &str) -> Option<ReportId> {
    let t = token.trim();
    if t.len() != 32 {
        return None;
    }
    uuid::Uuid::try_parse(t).ok().map(ReportId)
}

/// The `after=` token of a case.
pub fn after_token(id: ReportId) -> String {
    id.uuid().simple().to_string()
}

/// One page of the coordinators' list (the policy decides who may list): the page's
/// cases by keyset on the case's report id, and their reports in one more query.
pub async fn cases(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    q: &CasesQuery,
) -> Result<CasesPage, AppError> {
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::Vulnerability {
            vendor_org: None,
            reporter: None,
        },
    )
    .await?;
    let limit = q.limit.clamp(1, 1000);
    let rows = state
        .store
        .vuln_cases_page(q.cna_state.map(|s| s.as_str()), q.after, limit)
        .await?;
    let next = rows
        .last()
        .filter(|_| i64::try_from(rows.len()).is_ok_and(|n| n >= limit))
        .map(|c| c.report_id);
    let ids: Vec<ReportId> = rows.iter().map(|c| c.report_id).collect();
    let mut reports: std::collections::HashMap<ReportId, Report> = state
        .store
        .get_reports(&ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let now = state.now();
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        if let Some(r) = reports.remove(&c.report_id) {
            out.push(CaseView {
                details: VulnDetails::of(&r),
                state: parse_state(&c.cna_state)?,
                report: r,
                sla: sla_of(state, &c, now),
                case: c,
                audience: Audience::Desk,
                events: Vec::new(),
                files: Vec::new(),
                duplicates: Vec::new(),
            });
        }
    }
    let tickets = super::forward::tickets_of(state, who, &ids).await?;
    Ok(CasesPage {
        cases: out,
        next,
        tickets,
    })
}

/// A coordinator's change to a case.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CnaUpdate {
    /// A new state: under_review, accepted, rejected, duplicate, out_of_scope,
    /// vendor_notified (set by notifying the vendor), fix_pending, ready_to_publish, published.
    pub to: String,
    /// A note for the history.
    pub note: String,
}

/// A case and its report for what only those who may change it see (the CSAF preview,
/// imports), without opening a transaction.
pub(crate) async fn case_for_update(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<(Report, VulnCase), AppError> {
    let (report, case) = load(state, who, tracking).await?;
    check_hidden(state, who, ctx, Action::Update, &resource(&report, &case)).await?;
    Ok((report, case))
}

pub(crate) async fn begin_case(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<(tocsin_storage::Tx, Report, VulnCase), AppError> {
    let (report, seen) = load(state, who, tracking).await?;
    check_hidden(state, who, ctx, Action::Update, &resource(&report, &seen)).await?;
    let mut tx = state.store.begin().await?;
    let case = tx
        .vuln_case_for_update(report.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((tx, report, case))
}

fn event(
    who: &CurrentUser,
    name: &str,
    visibility: Visibility,
    body: &str,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent {
        actor_id: who.user().map(|u| u.id),
        actor: who.actor(),
        event: name.into(),
        visibility,
        body: body.to_string(),
        data: data.to_string(),
    }
}

/// Moves a case through the CNA workflow (coordinators). Publishing needs a CVE id.
pub async fn transition(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &CnaUpdate,
) -> Result<VulnCase, AppError> {
    let to: CnaState = input
        .to
        .trim()
        .parse()
        .map_err(|_| AppError::field("to", "error-choice"))?;
    let mut e = FieldErrors::new();
    e.check("note", validate::optional_text(&input.note, 20_000));
    e.into_result().map_err(AppError::Validation)?;
    if to == CnaState::VendorNotified {
        return Err(AppError::field("to", "error-transition"));
    }
    let (tx, report, case) = begin_case(state, who, ctx, tracking).await?;
    let from = parse_state(&case.cna_state)?;
    check_cna_transition(from, to).map_err(|_| AppError::field("to", "error-transition"))?;
    if to == CnaState::Rejected && !case.cve_id.is_empty() {
        // Its CVE id is rejected with it, and the REJECTED record needs the reason.
        return Err(AppError::field("to", "error-cve-reject-reason"));
    }
    if to == CnaState::Published {
        if case.cve_id.is_empty() {
            return Err(AppError::field("cve_id", "error-cve-missing"));
        }
        if !description(&VulnDetails::of(&report), &case).has_english() {
            return Err(AppError::field("advisory_en", "error-cve-english"));
        }
    }
    let note = input.note.trim().to_string();
    move_case(
        state,
        who,
        ctx,
        tx,
        &report,
        case,
        from,
        to,
        &note,
        "vuln.transition",
    )
    .await
}

/// Why a CVE id is rejected (coordinators): the REJECTED record's reasons.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CveRejection {
    /// The reason in English (required: the record must give one in English).
    pub reason_en: String,
    /// The reason in Traditional Chinese (optional).
    pub reason_zh: String,
}

/// Rejects a case that holds a CVE id, and the id with it (coordinators): the case becomes
/// rejected, keeps the reasons and the time, and exports the REJECTED record from then on.
/// Only an unpublished case after acceptance (the workflow's table says which) can be.
pub async fn reject_cve(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &CveRejection,
) -> Result<VulnCase, AppError> {
    let mut e = FieldErrors::new();
    e.check("reason_en", validate::required_text(&input.reason_en, 4000));
    e.check("reason_zh", validate::optional_text(&input.reason_zh, 4000));
    let en = input.reason_en.trim();
    if !en.is_empty() && Locale::of_text(en) != Locale::En {
        e.add("reason_en", FieldError::new("error-cve-english"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let (tx, report, mut case) = begin_case(state, who, ctx, tracking).await?;
    if case.cve_id.is_empty() {
        return Err(AppError::field("cve_id", "error-cve-missing"));
    }
    let from = parse_state(&case.cna_state)?;
    check_cna_transition(from, CnaState::Rejected)
        .map_err(|_| AppError::field("cve_id", "error-cve-reject-state"))?;
    case.rejected_reason_en = en.to_string();
    case.rejected_reason_zh = input.reason_zh.trim().to_string();
    case.rejected_at = tocsin_storage::columns::OptTime(Some(tx.now()));
    let note = [en, input.reason_zh.trim()]
        .into_iter()
        .filter(|r| !r.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    move_case(
        state,
        who,
        ctx,
        tx,
        &report,
        case,
        from,
        CnaState::Rejected,
        &note,
        "vuln.reject_cve",
    )
    .await
}

/// Moves a locked case from `from` to `to` (already checked against the workflow's table):
/// stamps the publication, awards the points the step earns, writes the reporter's history
/// line and the audit entry, and commits.
#[allow(clippy::too_many_arguments)]
async fn move_case(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    mut tx: tocsin_storage::Tx,
    report: &Report,
    mut case: VulnCase,
    from: CnaState,
    to: CnaState,
    note: &str,
    action: &str,
) -> Result<VulnCase, AppError> {
    if to == CnaState::Published {
        // The transaction's time, the one its rows are stamped with: the record's
        // datePublished, never later than its dateUpdated, and set once.
        case.published_at = tocsin_storage::columns::OptTime(Some(tx.now()));
    }
    case.cna_state = to.as_str().to_string();
    tx.update_vuln_case(&case).await?;
    if to == CnaState::Published {
        // The advisory is also a CSAF document from the moment it is public: revision 1.
        super::csaf::release(state, &mut tx, report, &case, "Initial release").await?;
    }
    // Points move with the transition, in its transaction.
    let earned = match to {
        CnaState::Accepted => Some((
            tocsin_domain::points::EarnEvent::VulnerabilityAccepted,
            None,
        )),
        CnaState::Published => Some((
            tocsin_domain::points::EarnEvent::CvePublished,
            super::points::severity_of_score(&VulnDetails::of(report).cvss_score),
        )),
        _ => None,
    };
    if let Some((event, severity)) = earned {
        let holder = super::points::holder_of(report.org_id, report.reporter_user_id);
        super::points::award(
            &mut tx,
            state,
            who,
            event,
            severity,
            super::points::SOURCE_REPORT,
            &report.tracking_id,
            holder,
        )
        .await?;
    }
    // The reporter sees the coordination states on the status page.
    tx.add_event(
        report.id,
        &event(
            who,
            "cna_state",
            Visibility::Reporter,
            note,
            serde_json::json!({"from": from.as_str(), "to": to.as_str()}),
        ),
    )
    .await?;
    let mut a = audit_entry(who, ctx, action, "report", &report.tracking_id);
    a.detail = format!("{} -> {}", from.as_str(), to.as_str());
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(case)
}

/// The vendor of a case and the coordinator's record of its answer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct VendorInput {
    /// The vendor organization's id (kind vendor or manufacturer), or empty to keep it.
    pub vendor_org_id: String,
    /// affected, not_affected, unknown (empty: keep).
    pub status: String,
    /// The vendor's statement.
    pub statement: String,
}

/// Sets the vendor and records its status and statement (coordinators).
pub async fn set_vendor(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &VendorInput,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    let org = match input.vendor_org_id.trim() {
        "" => None,
        s => match s.parse::<tocsin_domain::OrgId>() {
            Ok(id) => match state.store.get_org(id).await? {
                Some(o) => Some(o),
                None => {
                    e.add("vendor_org_id", FieldError::new("error-choice"));
                    None
                }
            },
            Err(_) => {
                e.add("vendor_org_id", FieldError::new("error-choice"));
                None
            }
        },
    };
    let status = match input.status.trim() {
        "" => None,
        s => match s.parse::<VendorStatus>() {
            Ok(v) => Some(v),
            Err(_) => {
                e.add("status", FieldError::new("error-choice"));
                None
            }
        },
    };
    e.check(
        "statement",
        validate::optional_text(&input.statement, 20_000),
    );
    e.into_result().map_err(AppError::Validation)?;
    let (mut tx, report, mut case) = begin_case(state, who, ctx, tracking).await?;
    if let Some(o) = &org {
        case.vendor_org_id = Some(o.id.uuid());
    }
    if let Some(s) = status {
        case.vendor_status = s.as_str().to_string();
    }
    if !input.statement.trim().is_empty() {
        case.vendor_statement = input.statement.trim().to_string();
    }
    tx.update_vuln_case(&case).await?;
    let data =
        serde_json::json!({"vendor_org_id": case.vendor_org_id, "status": case.vendor_status});
    tx.add_event(
        report.id,
        &event(
            who,
            "vendor",
            Visibility::Internal,
            input.statement.trim(),
            data,
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "vuln.vendor",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A coordinator's duplicate-of link: the tracking number of the original case, or empty
/// to remove the link.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DuplicateOfInput {
    /// The original case's tracking number (empty: not a duplicate).
    pub duplicate_of: String,
}

/// How far a chain of duplicate-of links is followed when looking for a cycle; longer
/// chains are refused as cycles would be (no desk links cases that deep).
const DUPLICATE_CHAIN_LIMIT: usize = 64;

/// Marks a case a duplicate of another vulnerability case, or removes the mark
/// (coordinators, as the policy decides for every change to a case). Refused on field
/// `duplicate_of` when the original does not exist, is the case itself, or already leads
/// back to it. The link is the report's `duplicate_of`, as for incidents; audited.
pub async fn set_duplicate_of(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &DuplicateOfInput,
) -> Result<(), AppError> {
    let target = validate::optional_tracking_number(&input.duplicate_of).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add("duplicate_of", e);
        AppError::Validation(errors)
    })?;
    let (mut tx, report, _case) = begin_case(state, who, ctx, tracking).await?;
    let mut locked = tx
        .report_for_update(&report.tracking_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = target.map(|t| t.to_string());
    if let Some(t) = &target {
        let original = tx
            .report_for_update(t)
            .await?
            .filter(|r| r.kind == ReportKind::Vulnerability)
            .ok_or_else(|| AppError::field("duplicate_of", "error-unknown-report"))?;
        // The original's own chain of links, to refuse one that comes back here.
        let mut chain = Vec::new();
        let mut next = original.duplicate_of.clone();
        while !next.is_empty() && chain.len() < DUPLICATE_CHAIN_LIMIT && !chain.contains(&next) {
            chain.push(next.clone());
            next = tx
                .report_for_update(&next)
                .await?
                .map(|r| r.duplicate_of)
                .unwrap_or_default();
        }
        if !next.is_empty() && chain.len() >= DUPLICATE_CHAIN_LIMIT {
            return Err(AppError::field("duplicate_of", "error-duplicate-cycle"));
        }
        tocsin_domain::vuln::check_duplicate_of(&locked.tracking_id, &original.tracking_id, &chain)
            .map_err(|e| match e {
                tocsin_domain::vuln::DuplicateOfError::Itself => {
                    AppError::field("duplicate_of", "error-duplicate-self")
                }
                tocsin_domain::vuln::DuplicateOfError::Cycle => {
                    AppError::field("duplicate_of", "error-duplicate-cycle")
                }
            })?;
    }
    let before = std::mem::replace(&mut locked.duplicate_of, target.clone().unwrap_or_default());
    tx.update_report(&locked).await?;
    tx.add_event(
        report.id,
        &event(
            who,
            "duplicate_of",
            Visibility::Internal,
            "",
            serde_json::json!({"from": before, "duplicate_of": locked.duplicate_of}),
        ),
    )
    .await?;
    let mut a = audit_entry(who, ctx, "vuln.duplicate_of", "report", &report.tracking_id);
    a.detail = format!("{before} -> {}", locked.duplicate_of);
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Mails the vendor's users the case (threaded by tracking number) and moves an accepted
/// case to vendor_notified.
pub async fn notify_vendor(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    body: &str,
) -> Result<(), AppError> {
    let (report, seen) = load(state, who, tracking).await?;
    check_hidden(state, who, ctx, Action::Update, &resource(&report, &seen)).await?;
    let Some(org) = seen.vendor_org_id else {
        return Err(AppError::field("vendor_org_id", "error-required"));
    };
    let recipients: Vec<String> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| {
            !u.disabled
                && tocsin_domain::policy::receives_vendor_notice(&crate::auth::principal_of(u))
                && u.org_id.0.map(|o| o.uuid()) == Some(org)
        })
        .map(|u| u.email)
        .collect();
    if recipients.is_empty() {
        return Err(AppError::field("vendor_org_id", "error-vendor-no-users"));
    }
    let mut e = FieldErrors::new();
    e.check("body", validate::optional_text(body, 50_000));
    e.into_result().map_err(AppError::Validation)?;
    let (mut tx, report, mut case) = begin_case(state, who, ctx, tracking).await?;
    let from = parse_state(&case.cna_state)?;
    check_cna_transition(from, CnaState::VendorNotified)
        .map_err(|_| AppError::field("to", "error-transition"))?;
    let tr = Tr::new(Locale::ZhTw);
    let text = if body.trim().is_empty() {
        vendor_notice_template(state, &report, &case)
    } else {
        body.trim().to_string()
    };
    let subject = format!("[{}] {}", report.tracking_id, tr.t("mail-vendor-subject"));
    for to in &recipients {
        crate::mailer::queue_conversation(&mut tx, state, to, &subject, &text).await?;
    }
    case.cna_state = CnaState::VendorNotified.as_str().to_string();
    tx.update_vuln_case(&case).await?;
    tx.add_event(
        report.id,
        &event(
            who,
            "vendor_notified",
            Visibility::Internal,
            &text,
            serde_json::json!({"recipients": recipients}),
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "vuln.notify_vendor",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Only administrators load reserved CVE ids and see the pool: the policy's right to
/// create organizations is the administrators'.
async fn may_load_cve_ids(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Organization(None),
    )
    .await
}

/// Why a CVE id list was refused, in the reader's language (the domain's message is
/// English, for logs and the CLI): the line, then what is wrong there.
fn cve_list_error(err: &tocsin_domain::cve::CveError) -> FieldError {
    use tocsin_domain::cve::{BadCveId, CveError};
    let (line, reason) = match err {
        CveError::Empty => return FieldError::new("error-cve-list-empty"),
        CveError::Id { line, source } => {
            let (code, text) = match source {
                BadCveId::Syntax(t) => ("error-cve-list-syntax", t),
                BadCveId::Year(t) => ("error-cve-list-year", t),
                BadCveId::Short(t) => ("error-cve-list-short", t),
                BadCveId::LeadingZero(t) => ("error-cve-list-leading-zero", t),
                BadCveId::TooLong(t) => ("error-cve-list-too-long", t),
            };
            (*line, FieldError::new(code).arg("text", text.clone()))
        }
        CveError::Backwards { line, from, to } => (
            *line,
            FieldError::new("error-cve-list-backwards")
                .arg("from", from.to_string())
                .arg("to", to.to_string()),
        ),
        CveError::AcrossYears { line, from, to } => (
            *line,
            FieldError::new("error-cve-list-years")
                .arg("from", from.to_string())
                .arg("to", to.to_string()),
        ),
        CveError::RangeTooLarge {
            line,
            from,
            to,
            count,
            max,
        } => (
            *line,
            FieldError::new("error-cve-list-range")
                .arg("from", from.to_string())
                .arg("to", to.to_string())
                .arg("count", *count)
                .arg("max", *max),
        ),
        CveError::TooMany { line, max } => (
            *line,
            FieldError::new("error-cve-list-too-many").arg("max", *max),
        ),
    };
    reason.arg("line", line)
}

/// Loads reserved CVE ids (admins): a list or ranges as the CNA received them.
pub async fn load_cve_ids(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    text: &str,
) -> Result<u64, AppError> {
    may_load_cve_ids(state, who, ctx).await?;
    let ids = tocsin_domain::cve::parse_reservation(text).map_err(|err| {
        let mut e = FieldErrors::new();
        e.add("ids", cve_list_error(&err));
        AppError::Validation(e)
    })?;
    let rows: Vec<(String, i32, i64)> = ids
        .iter()
        .map(|i| {
            (
                i.to_string(),
                i32::from(i.year()),
                i64::try_from(i.sequence()).unwrap_or(i64::MAX),
            )
        })
        .collect();
    let mut tx = state.store.begin().await?;
    let added = tx.load_cve_ids(&rows).await?;
    let mut a = audit_entry(who, ctx, "cve.load", "cve_ids", "");
    a.detail = format!("{added} new of {}", rows.len());
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(added)
}

/// Assigns the next reserved CVE id to an accepted case (coordinators); never twice.
pub async fn assign_cve(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<String, AppError> {
    let (mut tx, report, case) = begin_case(state, who, ctx, tracking).await?;
    if !parse_state(&case.cna_state)?.may_assign_cve() {
        return Err(AppError::field("cve_id", "error-cve-state"));
    }
    let Some(id) = tx.assign_cve_id(report.id).await? else {
        return Err(AppError::field("cve_id", "error-cve-pool-empty"));
    };
    tx.add_event(
        report.id,
        &event(
            who,
            "cve_assigned",
            Visibility::Reporter,
            &id,
            serde_json::json!({"cve_id": id}),
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "vuln.assign_cve",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The advisory's texts (coordinators).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdvisoryInput {
    /// Title.
    pub title: String,
    /// CWE id, e.g. CWE-79 (empty: none).
    pub cwe: String,
    /// Solution or mitigation.
    pub solution: String,
    /// Description in English (required before publishing).
    pub advisory_en: String,
    /// Description in Traditional Chinese.
    pub advisory_zh: String,
    /// Target publication date, YYYY-MM-DD (empty: keep).
    pub target_publication: String,
    /// What changed, for the CSAF document's revision history of a published case (empty:
    /// a generic line).
    pub revision_summary: String,
}

/// `CWE-` and 1 to 8 digits.
fn valid_cwe(cwe: &str) -> bool {
    cwe.strip_prefix("CWE-")
        .is_some_and(|n| (1..=8).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Edits the advisory texts and target date of a case.
pub async fn set_advisory(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &AdvisoryInput,
) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    e.check("title", validate::optional_line(&input.title, 300));
    e.check("solution", validate::optional_text(&input.solution, 20_000));
    e.check(
        "advisory_en",
        validate::optional_text(&input.advisory_en, 20_000),
    );
    e.check(
        "advisory_zh",
        validate::optional_text(&input.advisory_zh, 20_000),
    );
    e.check(
        "revision_summary",
        validate::optional_line(&input.revision_summary, 500),
    );
    let cwe = input.cwe.trim().to_ascii_uppercase();
    if !cwe.is_empty() && !valid_cwe(&cwe) {
        e.add("cwe", FieldError::new("error-cwe"));
    }
    let target = input.target_publication.trim();
    if !target.is_empty() && tocsin_domain::vuln::parse_date(target).is_none() {
        e.add("target_publication", FieldError::new("error-date"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let (mut tx, report, mut case) = begin_case(state, who, ctx, tracking).await?;
    case.title = input.title.trim().to_string();
    case.cwe = cwe;
    case.solution = input.solution.trim().to_string();
    case.advisory_en = input.advisory_en.trim().to_string();
    case.advisory_zh = input.advisory_zh.trim().to_string();
    if let Some(d) = tocsin_domain::vuln::parse_date(target) {
        case.target_publication = d.to_string();
    }
    tx.update_vuln_case(&case).await?;
    if case.cna_state == CnaState::Published.as_str() {
        // A published advisory's change is a new revision of its CSAF document.
        let summary = match input.revision_summary.trim() {
            "" => "Advisory updated",
            s => s,
        };
        super::csaf::release(state, &mut tx, &report, &case, summary).await?;
    }
    tx.add_event(
        report.id,
        &event(
            who,
            "advisory",
            Visibility::Internal,
            "",
            serde_json::Value::Null,
        ),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "vuln.advisory",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What [`cve_record`] gives for a case, by its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CveExportKind {
    /// The PUBLISHED record of a published case.
    Published,
    /// The REJECTED record of a case whose CVE id was rejected.
    Rejected,
    /// Before publication: the CNA container to submit (`cve publish`), not a record.
    CnaContainer,
}

/// The CVE export of a case, as JSON.
#[derive(Clone, Debug)]
pub struct CveExport {
    /// The case's CVE id.
    pub cve_id: String,
    /// What the JSON is.
    pub kind: CveExportKind,
    /// The record or container.
    pub json: serde_json::Value,
}

/// The CVE export of a case with a CVE id (coordinators; anyone once published): the
/// PUBLISHED record once published, the REJECTED record once its id is rejected, and
/// before either only the CNA container to submit.
pub async fn cve_record(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<CveExport, AppError> {
    let (report, case) = match find(state, tracking).await {
        Ok(found) if found.1.cna_state == CnaState::Published.as_str() => found,
        // Unpublished or unknown: the same question to an anonymous caller.
        _ if who.principal().is_none() => return Err(AppError::Unauthorized),
        found => {
            let (report, case) = found?;
            check_hidden(state, who, ctx, Action::Update, &resource(&report, &case)).await?;
            (report, case)
        }
    };
    record_json(state, &report, &case)
}

/// The description of a case in the languages it has, most preferred first: the
/// advisory's English and Chinese texts, then the reporter's description (in whichever
/// language it is written). The CVE record tags each by its language.
fn description(d: &VulnDetails, case: &VulnCase) -> tocsin_formats::cve_record::Localized {
    tocsin_formats::cve_record::Localized::new([
        case.advisory_en.clone(),
        case.advisory_zh.clone(),
        d.description.clone(),
    ])
}

/// A record builder's refusal as the field the coordinator can fix.
fn record_error(e: &tocsin_formats::cve_record::CveRecordError) -> AppError {
    if e.field() == "description.en" {
        return AppError::field("advisory_en", "error-cve-english");
    }
    let mut f = FieldErrors::new();
    f.add(
        "cve_record",
        FieldError::new("error-cve-record").arg("reason", e.to_string()),
    );
    AppError::Validation(f)
}

/// Builds the CVE export of a case by its state.
fn record_json(state: &App, report: &Report, case: &VulnCase) -> Result<CveExport, AppError> {
    use tocsin_formats::cve_record as cr;
    if case.cve_id.is_empty() {
        return Err(AppError::field("cve_id", "error-cve-missing"));
    }
    let org: uuid::Uuid = state
        .config
        .cna
        .org_id
        .parse()
        .map_err(|_| AppError::field("cna.org_id", "error-cna-config"))?;
    let cna_state = parse_state(&case.cna_state)?;
    let json = |v: Result<serde_json::Value, serde_json::Error>| {
        v.map_err(|e| AppError::internal(e.to_string()))
    };
    if cna_state == CnaState::Rejected {
        let rejected_at = case
            .rejected_at
            .0
            .ok_or_else(|| AppError::internal("a rejected CVE id without its time"))?;
        let input = cr::RejectedInput {
            cve_id: case.cve_id.clone(),
            assigner_org_id: org,
            assigner_short_name: state.config.cna.short_name.clone(),
            date_reserved: None,
            date_published: case.published_at.0,
            date_rejected: rejected_at,
            date_updated: case.updated_at,
            reasons: cr::Localized::new([
                case.rejected_reason_en.clone(),
                case.rejected_reason_zh.clone(),
            ]),
        };
        let record = cr::rejected_record(&input).map_err(|e| record_error(&e))?;
        return Ok(CveExport {
            cve_id: case.cve_id.clone(),
            kind: CveExportKind::Rejected,
            json: json(serde_json::to_value(record))?,
        });
    }
    let d = VulnDetails::of(report);
    let vector = tocsin_formats::cvss::Vector::parse(&d.cvss_vector)
        .map_err(|e| AppError::internal(e.to_string()))?;
    let score = vector.base_score();
    // Only a published case has a publication time (stored once, by the transition).
    let published = match cna_state {
        CnaState::Published => Some(
            case.published_at
                .0
                .ok_or_else(|| AppError::internal("a published case without its time"))?,
        ),
        _ => None,
    };
    let input = cr::CveRecordInput {
        cve_id: case.cve_id.clone(),
        assigner_org_id: org,
        assigner_short_name: state.config.cna.short_name.clone(),
        date_reserved: None,
        date_published: published,
        date_updated: case.updated_at,
        date_public: published,
        title: Some(case.title.clone()).filter(|t| !t.is_empty()),
        description: description(&d, case),
        affected: vec![cr::AffectedInput {
            vendor: d.vendor.clone(),
            product: d.product.clone(),
            versions: vec![cr::VersionInput {
                version: d.version.clone(),
                status: cr::VersionStatus::Affected,
                upper: None,
                version_type: None,
            }],
            default_status: cr::VersionStatus::Unknown,
        }],
        problem_types: vec![cr::ProblemTypeInput {
            cwe_id: Some(case.cwe.clone()).filter(|c| !c.is_empty()),
            description: cr::Localized::one(if case.cwe.is_empty() {
                d.vuln_type.clone()
            } else {
                format!("{} {}", case.cwe, d.vuln_type)
            }),
        }],
        references: vec![cr::ReferenceInput {
            url: format!("{}/advisories/{}", state.config.public_url, case.cve_id),
            name: None,
            tags: vec![cr::ReferenceTag::VendorAdvisory],
        }],
        metrics: vec![cr::CvssMetricInput {
            vector: d.cvss_vector.clone(),
            version: vector.version(),
            base_score: score,
            base_severity: score.severity(),
        }],
        finder: Some(cr::FinderInput {
            name: report.reporter_name.clone(),
            organization: Some(d.reporter_organization.clone()).filter(|o| !o.is_empty()),
            public_credit: d.public_credit,
        }),
        solution: Some(case.solution.clone())
            .filter(|s| !s.is_empty())
            .map(cr::Localized::one),
        discovery: None,
    };
    let (kind, value) = match published {
        Some(_) => (
            CveExportKind::Published,
            serde_json::to_value(cr::cve_record(&input).map_err(|e| record_error(&e))?),
        ),
        None => (
            CveExportKind::CnaContainer,
            serde_json::to_value(cr::cna_container(&input).map_err(|e| record_error(&e))?),
        ),
    };
    Ok(CveExport {
        cve_id: case.cve_id.clone(),
        kind,
        json: json(value)?,
    })
}

/// A public advisory: what anyone may read of a published case.
#[derive(Clone, Debug, Serialize)]
pub struct Advisory {
    /// The CVE id.
    pub cve_id: String,
    /// Title.
    pub title: String,
    /// Product.
    pub product: String,
    /// Vendor.
    pub vendor: String,
    /// Affected versions.
    pub versions: String,
    /// CVSS vector.
    pub cvss_vector: String,
    /// CVSS base score and severity.
    pub cvss: String,
    /// Description in English.
    pub description_en: String,
    /// Description in Traditional Chinese.
    pub description_zh: String,
    /// Solution.
    pub solution: String,
    /// CWE.
    pub cwe: String,
    /// The finder, only if they agreed to be named.
    pub credit: Option<String>,
    /// When it was published (RFC 3339).
    pub published_at: String,
}

fn advisory(report: &Report, case: &VulnCase) -> Advisory {
    let d = VulnDetails::of(report);
    let credit = d
        .public_credit
        .then(|| match d.reporter_organization.as_str() {
            "" => report.reporter_name.clone(),
            org => format!("{} ({org})", report.reporter_name),
        });
    Advisory {
        cve_id: case.cve_id.clone(),
        title: if case.title.is_empty() {
            format!("{} {}", d.product, d.vuln_type)
        } else {
            case.title.clone()
        },
        product: d.product.clone(),
        vendor: d.vendor.clone(),
        versions: d.version.clone(),
        cvss_vector: d.cvss_vector.clone(),
        cvss: format!("{} ({})", d.cvss_score, d.cvss_severity),
        description_en: if case.advisory_en.is_empty() {
            d.description.clone()
        } else {
            case.advisory_en.clone()
        },
        description_zh: case.advisory_zh.clone(),
        solution: case.solution.clone(),
        cwe: case.cwe.clone(),
        credit,
        published_at: case.published_at.0.map(|t| t.rfc3339()).unwrap_or_default(),
    }
}

/// Published cases with their advisories, newest first.
async fn published(state: &App) -> Result<Vec<(VulnCase, Advisory)>, AppError> {
    let mut out = Vec::new();
    for c in state.store.published_vuln_cases(500).await? {
        if let Some(r) = state.store.get_report(c.report_id).await? {
            let a = advisory(&r, &c);
            out.push((c, a));
        }
    }
    Ok(out)
}

/// Published advisories, newest first (public).
pub async fn advisories(state: &App) -> Result<Vec<Advisory>, AppError> {
    Ok(published(state)
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

/// The advisories published in [`from`, `until`), oldest first (public: the monthly
/// newsletter lists its month's).
pub async fn advisories_between(
    state: &App,
    from: Timestamp,
    until: Timestamp,
) -> Result<Vec<Advisory>, AppError> {
    let mut out: Vec<Advisory> = published(state)
        .await?
        .into_iter()
        .filter(|(c, _)| c.published_at.0.is_some_and(|t| t >= from && t < until))
        .map(|(_, a)| a)
        .collect();
    out.reverse();
    Ok(out)
}

/// The published advisories as a STIX 2.1 bundle (public): a `vulnerability` per CVE id,
/// TLP:CLEAR, with its `cve` external id and a link to the advisory's page.
pub async fn advisories_stix(state: &App) -> Result<String, AppError> {
    let base = &state.config.public_url;
    let sources: Vec<AdvisorySource> = published(state)
        .await?
        .into_iter()
        .map(|(c, a)| AdvisorySource {
            case_id: c.report_id.uuid(),
            url: Some(format!("{base}/advisories/{}", a.cve_id)),
            cve_ids: vec![a.cve_id],
            title: a.title,
            description: a.description_en,
            published: c.published_at.0.unwrap_or(c.updated_at),
            modified: c.updated_at,
        })
        .collect();
    Ok(stix::bundle(&stix::advisory_objects(
        &state.config.operator.name_en,
        &sources,
    )))
}

/// One published advisory by CVE id (public; unpublished ones do not exist here).
pub async fn advisory_by_cve(state: &App, cve: &str) -> Result<Advisory, AppError> {
    let cve = cve.trim().to_ascii_uppercase();
    advisories(state)
        .await?
        .into_iter()
        .find(|a| a.cve_id == cve)
        .ok_or(AppError::NotFound)
}

/// The advisories as an Atom feed.
pub async fn advisories_atom(state: &App) -> Result<String, AppError> {
    use tocsin_formats::atom::{AtomEntry, AtomFeed};
    let list = advisories(state).await?;
    let base = &state.config.public_url;
    let now = state.now();
    let ts = |s: &str| Timestamp::parse_rfc3339(s).unwrap_or(now);
    let updated = list.first().map(|a| ts(&a.published_at)).unwrap_or(now);
    let feed = AtomFeed {
        id: format!("{base}/advisories"),
        title: format!("{} — advisories", state.config.operator.name_en),
        updated,
        author: state.config.operator.name_en.clone(),
        link_self: format!("{base}/advisories.atom"),
        link_alternate: format!("{base}/advisories"),
        lang: Some("en".into()),
        entries: list
            .iter()
            .map(|a| AtomEntry {
                id: format!("{base}/advisories/{}", a.cve_id),
                title: format!("{}: {}", a.cve_id, a.title),
                updated: ts(&a.published_at),
                published: ts(&a.published_at),
                link: format!("{base}/advisories/{}", a.cve_id),
                summary: format!("{} — CVSS {}", a.description_en, a.cvss),
                lang: None,
            })
            .collect(),
    };
    Ok(tocsin_formats::atom::atom(&feed))
}

/// Mails the coordinators a reminder on each reminder day before a case's target
/// publication date (30, 14, 7 and 1 days before, in the desk calendar's time zone), once
/// per case and day, recorded in the case history. Returns how many were sent.
pub async fn remind_publication_due(
    state: &App,
    today: jiff::civil::Date,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for case in state.store.list_vuln_cases(None, 10_000).await? {
        let Ok(cna_state) = case.cna_state.parse::<CnaState>() else {
            continue;
        };
        if cna_state.is_terminal() {
            continue;
        }
        let Some(target) = tocsin_domain::vuln::parse_date(&case.target_publication) else {
            continue;
        };
        let due =
            tocsin_domain::vuln::reminder_dates(target, tocsin_domain::vuln::DEFAULT_REMINDER_DAYS);
        if !due.contains(&today) {
            continue;
        }
        let events = state
            .store
            .list_events(case.report_id, tocsin_domain::policy::Thread::All)
            .await?;
        let key = today.to_string();
        let already = events
            .iter()
            .any(|e| e.event == "publication_reminder" && e.body == key);
        if already {
            continue;
        }
        let Some(report) = state.store.get_report(case.report_id).await? else {
            continue;
        };
        let mut tx = state.store.begin().await?;
        let tr = Tr::new(Locale::ZhTw);
        let args = [
            ("tracking", report.tracking_id.clone()),
            (
                "target",
                format!(
                    "{target} ({})",
                    tr.zone_name(&state.config.calendar.time_zone)
                        .unwrap_or_else(|| state.config.calendar.time_zone.clone())
                ),
            ),
            ("state", cna_state.label(Locale::ZhTw).to_string()),
        ];
        let letter = Letter {
            case: Some(&report.tracking_id),
            subject: "mail-publication-reminder-subject",
            body: "mail-publication-reminder-body",
            args: &args,
        };
        crate::mailer::queue_letter(&mut tx, state, &state.config.operator.email, &tr, &letter)
            .await?;
        let ev = NewEvent {
            actor_id: None,
            actor: "system".into(),
            event: "publication_reminder".into(),
            visibility: Visibility::Internal,
            body: key,
            data: String::new(),
        };
        tx.add_event(report.id, &ev).await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// The coordination case of a vulnerability report its reader has opened (`view` is the
/// proof: the app built it after the policy let them read the report).
pub async fn case_of(
    state: &App,
    view: &super::reports::ReportView,
) -> Result<Option<VulnCase>, AppError> {
    Ok(state.store.vuln_case(view.report.id).await?)
}

/// A report as its reporter just filed it, for the receipt page: the receipt's secret
/// (the status link's token) is the access check.
pub async fn filed(state: &App, receipt: &Receipt) -> Result<Report, AppError> {
    let report = state
        .store
        .report_by_tracking(&receipt.tracking_id)
        .await?
        .filter(|r| crate::auth::hash_secret(&receipt.token) == r.status_token_hash)
        .ok_or(AppError::NotFound)?;
    Ok(report)
}

/// How many reserved CVE ids are free and how many assigned (administrators).
pub async fn cve_pool(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<(i64, i64), AppError> {
    may_load_cve_ids(state, who, ctx).await?;
    Ok(state.store.cve_pool_counts().await?)
}

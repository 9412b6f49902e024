//! The phishing desk: intake through the shared reporter path, one case per normalised
//! URL (a URL reported again while its case is open joins it), the per-URL handling
//! (verify → notify → monitor → taken down), abuse contacts (by hand, or from RDAP),
//! notices to them, the escalation reminder, blocking-list feeds and monthly figures.
//! Phishing URLs are defanged everywhere a person reads them.

use serde::{Deserialize, Serialize};
use tocsin_domain::phish_url::{PhishUrl, defang};
use tocsin_domain::phishing::{UrlState, check_url_transition, median_and_p90};
use tocsin_domain::policy::{Action, Resource, phishing_feed_reach};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::{FieldError, Locale, ReportKind, Timestamp, Tlp};
use tocsin_formats::stix::{self, PhishingSource};
use tocsin_storage::{NewEvent, NewPhishUrl, PhishUrlRow, Report, Visibility};
use uuid::Uuid;

use super::intake::KindRows;
use super::reports::{Ack, Intake, Receipt, Upload, check_uploads, file_report};
use super::{audit_entry, check};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::Letter;
use crate::state::App;

/// The phishing fields kept in a report's `details`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhishingDetails {
    /// The brand or organisation impersonated.
    pub brand: String,
    /// Where it was seen.
    pub seen_in: String,
    /// When, RFC 3339 with the reporter's offset (empty if not given).
    pub seen_at: String,
    /// The original message as pasted.
    pub original_message: String,
    /// The URLs as normalised (never shown without defanging).
    pub urls: Vec<String>,
}

/// The states a new report of the same URL joins.
fn open_states() -> Vec<&'static str> {
    UrlState::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect()
}

/// Takes a phishing report: validates everything first, then files it through the shared
/// reporter path and links each URL to its case.
pub async fn submit_phishing(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &tocsin_domain::phishing::PhishingInput,
    files: Vec<Upload>,
) -> Result<Receipt, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await?;
    let valid = input.validate(state.now());
    let mut errors = match &valid {
        Ok(_) => FieldErrors::new(),
        Err(e) => e.clone(),
    };
    check_uploads(state, &files, &mut errors);
    let valid = match (valid, errors.is_empty()) {
        (Ok(v), true) => v,
        _ => return Err(AppError::Validation(errors)),
    };
    let details = PhishingDetails {
        brand: valid.brand.clone(),
        seen_in: valid.seen_in.as_str().to_string(),
        seen_at: valid.seen_at.map(|d| d.text()).unwrap_or_default(),
        original_message: valid.original_message.clone().unwrap_or_default(),
        urls: valid.urls.iter().map(|u| u.normalized.clone()).collect(),
    };
    let intake = Intake {
        kind: ReportKind::Phishing,
        category: valid.seen_in.as_str().to_string(),
        reporter_name: valid
            .reporter_name
            .clone()
            .unwrap_or_else(|| valid.reporter_email.clone()),
        reporter_email: valid.reporter_email.clone(),
        reporter_phone: String::new(),
        details: serde_json::to_string(&details).map_err(|e| AppError::internal(e.to_string()))?,
        rsit: ("fraud".into(), "phishing".into()),
        follows_up: String::new(),
        tasks: Vec::new(),
        extra: KindRows::PhishUrls(
            valid
                .urls
                .iter()
                .map(|u| new_case(u, &valid.brand))
                .collect(),
        ),
        events: Vec::new(),
    };
    let list: Vec<String> = valid.urls.iter().map(PhishUrl::defanged).collect();
    let ack = Ack {
        body_id: "mail-ack-phishing-body",
        args: vec![("urls", list.join("\n")), ("brand", valid.brand.clone())],
    };
    file_report(state, who, ctx, intake, files, ack).await
}

/// Links a phishing report's URLs to their cases, in the report's transaction (by the
/// intake writer): a URL with an open case joins it (and that case's report hears of it),
/// another opens a new case.
pub(crate) async fn link_urls(
    tx: &mut tocsin_storage::Tx,
    report: &tocsin_storage::Report,
    urls: &[NewPhishUrl],
) -> Result<(), AppError> {
    let open_states = open_states();
    for new in urls {
        let (case, joined) = tx.attach_phish_url(report.id, new, &open_states).await?;
        if joined {
            let ev = NewEvent {
                actor_id: None,
                actor: "system".into(),
                event: "phishing_reported_again".into(),
                visibility: Visibility::Internal,
                body: defang(&case.normalized),
                data: serde_json::json!({"url_id": case.id, "by": report.tracking_id}).to_string(),
            };
            tx.add_event(case.case_report_id, &ev).await?;
        }
    }
    Ok(())
}

fn new_case(u: &PhishUrl, brand: &str) -> NewPhishUrl {
    NewPhishUrl {
        normalized: u.normalized.clone(),
        display: u.display.clone(),
        host: u.host_ascii.clone(),
        registrable_domain: u.registrable_domain.clone().unwrap_or_default(),
        ip: u.ip.map(|i| i.to_string()).unwrap_or_default(),
        brand: brand.to_string(),
        state: UrlState::INITIAL.as_str().to_string(),
        tlp: Tlp::default().as_str().to_string(),
    }
}

fn parse_state(s: &str) -> Result<UrlState, AppError> {
    s.parse()
        .map_err(|_| AppError::internal(format!("stored url state {s}")))
}

/// A case with its reports, for the desk.
#[derive(Clone, Debug)]
pub struct CaseView {
    /// The case.
    pub case: PhishUrlRow,
    /// Its state.
    pub state: UrlState,
    /// The reports that named it, oldest first (the first names the case).
    pub reports: Vec<Report>,
    /// Abuse contacts.
    pub contacts: Vec<tocsin_storage::AbuseContact>,
    /// The case's history: the events of its first report about this URL or about the
    /// whole report.
    pub events: Vec<tocsin_storage::ReportEvent>,
    /// The files of its first report (the desk sees all of them).
    pub attachments: Vec<tocsin_storage::AttachmentMeta>,
}

async fn staff_case(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
    action: Action,
) -> Result<PhishUrlRow, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let case = state
        .store
        .get_phish_url(id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Cases are the desk's: ask as for a report nobody outside the desk filed.
    check(
        state,
        who,
        ctx,
        action,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await?;
    Ok(case)
}

/// One case for the desk (audited read).
pub async fn case(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
) -> Result<CaseView, AppError> {
    let case = staff_case(state, who, ctx, id, Action::Update).await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "phishing.read",
            "phishing_url",
            &case.id.to_string(),
        ))
        .await?;
    let reports = state.store.reports_of_phish_url(case.id).await?;
    let contacts = state.store.abuse_contacts(case.id).await?;
    let id = case.id.to_string();
    let events = state
        .store
        .list_events(case.case_report_id, tocsin_domain::policy::Thread::All)
        .await?
        .into_iter()
        .filter(|e| {
            let data: serde_json::Value = serde_json::from_str(&e.data).unwrap_or_default();
            data.get("url_id")
                .and_then(|v| v.as_str())
                .is_none_or(|u| u == id)
        })
        .collect();
    let attachments = state.store.list_attachments(case.case_report_id).await?;
    Ok(CaseView {
        state: parse_state(&case.state)?,
        case,
        reports,
        contacts,
        events,
        attachments,
    })
}

/// One page of the desk's list of cases, oldest first.
#[derive(Clone, Debug)]
pub struct CasesPage {
    /// The cases.
    pub cases: Vec<PhishUrlRow>,
    /// The tracking number of each case's first report, by report id.
    pub tracking: std::collections::HashMap<tocsin_domain::ReportId, String>,
    /// Where the next page starts (an `after=` token), when this one is full.
    pub next: Option<String>,
    /// Other teams' ticket numbers of the page's cases, by report id (the desk only).
    pub tickets: std::collections::HashMap<tocsin_domain::ReportId, Vec<String>>,
}

/// Reads an `after=` token of the desk's list (`<first report time in µs>.<case id as 32
/// hex digits>`); `None` for anything else, which lists from the start.
pub fn parse_after(token: &str) -> Option<(Timestamp, Uuid)> {
    let (at, id) = token.trim().split_once('.')?;
    let id = (id.len() == 32)
        .then(|| Uuid::try_parse(id).ok())
        .flatten()?;
    Some((Timestamp::from_micros(at.parse().ok()?), id))
}

/// The `after=` token of a case.
pub fn after_token(case: &PhishUrlRow) -> String {
    format!("{}.{}", case.first_reported_at.micros(), case.id.simple())
}

/// One page of the desk's list of cases in `states` (all when empty), from the case after
/// `after` on, at most `limit` (1..=1000): read by keyset, with the tracking numbers of
/// the page's reports in one more query.
pub async fn cases(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    states: &[UrlState],
    after: Option<(Timestamp, Uuid)>,
    limit: i64,
) -> Result<CasesPage, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await?;
    let limit = limit.clamp(1, 1000);
    let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let cases = state.store.phish_urls_page(&names, after, limit).await?;
    let next = cases
        .last()
        .filter(|_| i64::try_from(cases.len()).is_ok_and(|n| n >= limit))
        .map(after_token);
    let mut ids: Vec<tocsin_domain::ReportId> = cases.iter().map(|c| c.case_report_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let tracking = state
        .store
        .get_reports(&ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r.tracking_id))
        .collect();
    let tickets = super::forward::tickets_of(state, who, &ids).await?;
    Ok(CasesPage {
        cases,
        tracking,
        next,
        tickets,
    })
}

/// A state change of one URL, with the analyst's evidence or note.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UrlTransitionInput {
    /// verified, false_positive, duplicate, taken_down, reopened (abuse_notified is set by
    /// sending a notice).
    pub to: String,
    /// Evidence or a note, kept in the case history.
    pub note: String,
    /// TLP of the case for the feeds: clear, green, amber, amber+strict, red.
    pub tlp: String,
}

/// Moves one URL through its states; illegal moves answer 422 on `to`.
pub async fn transition(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
    input: &UrlTransitionInput,
) -> Result<PhishUrlRow, AppError> {
    let seen = staff_case(state, who, ctx, id, Action::Update).await?;
    let mut e = FieldErrors::new();
    let to: Option<UrlState> = input.to.trim().parse().ok();
    if to.is_none() {
        e.add("to", FieldError::new("error-choice"));
    }
    let tlp = match input.tlp.trim() {
        "" => None,
        t => match t.parse::<Tlp>() {
            Ok(t) => Some(t),
            Err(_) => {
                e.add("tlp", FieldError::new("error-choice"));
                None
            }
        },
    };
    e.check("note", validate::optional_text(&input.note, 20_000));
    e.into_result().map_err(AppError::Validation)?;
    let Some(to) = to else {
        return Err(AppError::field("to", "error-choice"));
    };
    if to == UrlState::AbuseNotified {
        // Only a notice that was really queued puts a case in this state.
        return Err(AppError::field("to", "error-transition"));
    }
    let mut tx = state.store.begin().await?;
    let mut case = tx
        .phish_url_for_update(seen.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = parse_state(&case.state)?;
    check_url_transition(from, to).map_err(|_| AppError::field("to", "error-transition"))?;
    let now = state.now();
    case.state = to.as_str().to_string();
    match to {
        UrlState::Verified => case.verified_at = tocsin_storage::columns::OptTime(Some(now)),
        UrlState::TakenDown => case.taken_down_at = tocsin_storage::columns::OptTime(Some(now)),
        UrlState::Reopened => {
            case.taken_down_at = tocsin_storage::columns::OptTime(None);
            case.escalated_at = tocsin_storage::columns::OptTime(None);
        }
        _ => {}
    }
    if let Some(t) = tlp {
        case.tlp = t.as_str().to_string();
    }
    tx.update_phish_url(&case).await?;
    if to == UrlState::Verified {
        // Every report of the URL earns, once per (URL, report), in this transaction.
        for rep in state.store.reports_of_phish_url(case.id).await? {
            super::points::award(
                &mut tx,
                state,
                who,
                tocsin_domain::points::EarnEvent::PhishingVerified,
                None,
                super::points::SOURCE_PHISH_URL,
                &format!("{}/{}", case.id, rep.tracking_id),
                super::points::holder_of(rep.org_id, rep.reporter_user_id),
            )
            .await?;
        }
    }
    let data = serde_json::json!({"url_id": case.id, "from": from.as_str(), "to": to.as_str()});
    tx.add_event(
        case.case_report_id,
        &desk_event(who, "phishing_state", input.note.trim(), data),
    )
    .await?;
    if matches!(
        to,
        UrlState::Verified | UrlState::TakenDown | UrlState::FalsePositive
    ) {
        for rep in state.store.reports_of_phish_url(case.id).await? {
            tell_reporter(&mut tx, state, &rep, &case, to).await?;
        }
    }
    let mut a = audit_entry(
        who,
        ctx,
        "phishing.transition",
        "phishing_url",
        &case.id.to_string(),
    );
    a.detail = format!("{} -> {}", from.as_str(), to.as_str());
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(case)
}

/// Tells a reporter what became of a URL they reported (verified, taken down, or judged
/// not phishing), by mail in their language and on their status page.
async fn tell_reporter(
    tx: &mut tocsin_storage::Tx,
    state: &App,
    report: &Report,
    case: &PhishUrlRow,
    to: UrlState,
) -> Result<(), AppError> {
    let locale = Locale::from_tag(&report.locale).unwrap_or_default();
    let tr = Tr::new(locale);
    let url = defang(&case.normalized);
    let label = to.label(locale).to_string();
    tx.add_event(
        report.id,
        &NewEvent {
            actor_id: None,
            actor: "system".into(),
            event: "phishing_url_news".into(),
            visibility: Visibility::Reporter,
            body: format!("{url}: {label}"),
            data: serde_json::json!({"url_id": case.id, "to": to.as_str()}).to_string(),
        },
    )
    .await?;
    let args = [
        ("tracking", report.tracking_id.clone()),
        ("url", url),
        ("state", label),
        ("meaning", tr.t2("mail-phishing-news-", to.as_str())),
    ];
    let letter = Letter {
        case: Some(&report.tracking_id),
        subject: "mail-phishing-news-subject",
        body: "mail-phishing-news-body",
        args: &args,
    };
    crate::mailer::queue_letter(tx, state, &report.reporter_email, &tr, &letter).await
}

fn desk_event(who: &CurrentUser, event: &str, body: &str, data: serde_json::Value) -> NewEvent {
    NewEvent {
        actor_id: who.user().map(|u| u.id),
        actor: who.actor(),
        event: event.into(),
        visibility: Visibility::Internal,
        body: body.to_string(),
        data: data.to_string(),
    }
}

/// An abuse contact entered by hand.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    /// registrar, hosting or other.
    pub role: String,
    /// The address.
    pub email: String,
}

/// Adds an abuse contact by hand (the offline path).
pub async fn add_contact(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
    input: &ContactInput,
) -> Result<(), AppError> {
    let case = staff_case(state, who, ctx, id, Action::Update).await?;
    let mut e = FieldErrors::new();
    if !["registrar", "hosting", "other"].contains(&input.role.trim()) {
        e.add("role", FieldError::new("error-choice"));
    }
    e.check("email", validate::email(&input.email));
    e.into_result().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    tx.add_abuse_contact(
        case.id,
        input.role.trim(),
        &validate::normalize_email(&input.email),
        "manual",
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "phishing.contact",
        "phishing_url",
        &case.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a wrong abuse contact.
pub async fn remove_contact(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
    contact: &str,
) -> Result<(), AppError> {
    let case = staff_case(state, who, ctx, id, Action::Update).await?;
    let contact: Uuid = contact.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = state.store.begin().await?;
    if !tx.delete_abuse_contact(case.id, contact).await? {
        return Err(AppError::NotFound);
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "phishing.contact_removed",
        "phishing_url",
        &case.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The notice an analyst sends; empty fields take the template's text.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeInput {
    /// The mail text (default: the notice template with the case filled in).
    pub body: String,
}

/// The default notice text of a case, English first (abuse desks are international),
/// then Traditional Chinese: the URL defanged, the brand, when it was first reported, and
/// the last page fetch as evidence when there is one.
pub fn notice_template(
    state: &App,
    case: &PhishUrlRow,
    tracking: &str,
    evidence: Option<&serde_json::Value>,
) -> String {
    let first_seen = case.first_reported_at.datetime();
    let first_seen = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        first_seen.year(),
        u8::from(first_seen.month()),
        first_seen.day(),
        first_seen.hour(),
        first_seen.minute()
    );
    let evidence_line = |tr: &Tr| {
        evidence
            .map(|e| {
                let s = |k: &str| {
                    e.get(k)
                        .map(|v| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        })
                        .unwrap_or_default()
                };
                let args = [
                    ("status", s("status")),
                    ("title", tocsin_domain::phish_url::defang_text(&s("title"))),
                    ("final_url", s("final_url")),
                    ("sha256", s("sha256")),
                ];
                format!("\n{}", tr.t_args("mail-notice-evidence", &args))
            })
            .unwrap_or_default()
    };
    let text = |locale: Locale, operator: &str| {
        let tr = Tr::new(locale);
        let args = [
            ("tracking", tracking.to_string()),
            ("url", defang(&case.normalized)),
            ("brand", case.brand.clone()),
            ("first_seen", first_seen.clone()),
            ("operator", operator.to_string()),
        ];
        format!(
            "{}{}",
            tr.t_args("mail-notice-body", &args),
            evidence_line(&tr)
        )
    };
    let op = &state.config.operator;
    format!(
        "{}\n\n----\n\n{}\n",
        text(Locale::En, &op.name_en),
        text(Locale::ZhTw, &op.name_zh)
    )
}

/// The data of the newest page fetch of a case, for the notice.
pub async fn last_fetch(
    state: &App,
    case: &PhishUrlRow,
) -> Result<Option<serde_json::Value>, AppError> {
    let events = state
        .store
        .list_events(case.case_report_id, tocsin_domain::policy::Thread::All)
        .await?;
    Ok(events
        .iter()
        .rev()
        .filter(|e| e.event == "phishing_fetch")
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok())
        .find(|d| d.get("url_id").and_then(|v| v.as_str()) == Some(case.id.to_string().as_str())))
}

/// Sends the notice to every abuse contact of a verified (or reopened) case and marks it
/// notified; the subject carries the tracking number so answers thread.
pub async fn notify(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
    input: &NoticeInput,
) -> Result<(), AppError> {
    let seen = staff_case(state, who, ctx, id, Action::Update).await?;
    // A case must be verified (or reopened) before anyone is told about it.
    if check_url_transition(parse_state(&seen.state)?, UrlState::AbuseNotified).is_err() {
        return Err(AppError::field("state", "error-notify-state"));
    }
    let contacts = state.store.abuse_contacts(seen.id).await?;
    if contacts.is_empty() {
        return Err(AppError::field("contacts", "error-no-contacts"));
    }
    let mut e = FieldErrors::new();
    e.check("body", validate::optional_text(&input.body, 50_000));
    e.into_result().map_err(AppError::Validation)?;
    let case_report = state
        .store
        .get_report(seen.case_report_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.store.begin().await?;
    let mut case = tx
        .phish_url_for_update(seen.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = parse_state(&case.state)?;
    check_url_transition(from, UrlState::AbuseNotified)
        .map_err(|_| AppError::field("state", "error-notify-state"))?;
    let body = if input.body.trim().is_empty() {
        let evidence = last_fetch(state, &case).await?;
        notice_template(state, &case, &case_report.tracking_id, evidence.as_ref())
    } else {
        input.body.trim().to_string()
    };
    let subject = format!(
        "[{}] {} {}",
        case_report.tracking_id,
        Tr::new(Locale::En).t("mail-notice-subject"),
        defang(&case.normalized)
    );
    for c in &contacts {
        crate::mailer::queue_conversation(&mut tx, state, &c.email, &subject, &body).await?;
    }
    let now = state.now();
    case.state = UrlState::AbuseNotified.as_str().to_string();
    case.notified_at = tocsin_storage::columns::OptTime(Some(now));
    case.escalated_at = tocsin_storage::columns::OptTime(None);
    tx.update_phish_url(&case).await?;
    let to: Vec<&str> = contacts.iter().map(|c| c.email.as_str()).collect();
    let data = serde_json::json!({"url_id": case.id, "from": from.as_str(), "to": "abuse_notified", "recipients": to});
    tx.add_event(
        case.case_report_id,
        &desk_event(who, "phishing_notice", &body, data),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "phishing.notify",
        "phishing_url",
        &case.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reminds the desk of notices left unanswered for `hours`: one reminder per notice,
/// mailed to the desk address and written in the case history. Returns how many.
pub async fn escalate_due(state: &App, hours: i64) -> Result<usize, AppError> {
    let now = state.now();
    let due_before = now.plus(time::Duration::hours(-hours));
    let waiting = state
        .store
        .list_phish_urls(&[UrlState::AbuseNotified.as_str()], 10_000)
        .await?;
    let mut n = 0;
    for seen in waiting {
        if seen.escalated_at.0.is_some() || seen.notified_at.0.is_none_or(|t| t > due_before) {
            continue;
        }
        let mut tx = state.store.begin().await?;
        // Another instance may have done it: look again under the lock.
        let Some(mut case) = tx.phish_url_for_update(seen.id).await? else {
            continue;
        };
        if case.state != UrlState::AbuseNotified.as_str() || case.escalated_at.0.is_some() {
            continue;
        }
        case.escalated_at = tocsin_storage::columns::OptTime(Some(now));
        tx.update_phish_url(&case).await?;
        let tracking = state
            .store
            .get_report(case.case_report_id)
            .await?
            .map(|r| r.tracking_id)
            .unwrap_or_default();
        let args = [
            ("tracking", tracking.clone()),
            ("url", defang(&case.normalized)),
            ("hours", hours.to_string()),
        ];
        let to = state.config.phishing.desk_email.clone();
        let to = if to.is_empty() {
            state.config.operator.email.clone()
        } else {
            to
        };
        let letter = Letter {
            case: Some(&tracking),
            subject: "mail-escalation-subject",
            body: "mail-escalation-body",
            args: &args,
        };
        crate::mailer::queue_letter(&mut tx, state, &to, &Tr::new(Locale::ZhTw), &letter).await?;
        let ev = NewEvent {
            actor_id: None,
            actor: "system".into(),
            event: "phishing_escalation".into(),
            visibility: Visibility::Internal,
            body: String::new(),
            data: serde_json::json!({"url_id": case.id}).to_string(),
        };
        tx.add_event(case.case_report_id, &ev).await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// One entry of the blocking-list feed.
#[derive(Clone, Debug, Serialize)]
pub struct FeedEntry {
    /// The live URL (feeds are for machines; people see it defanged elsewhere).
    pub url: String,
    /// Its host.
    pub host: String,
    /// The brand impersonated.
    pub brand: String,
    /// TLP of the case.
    pub tlp: String,
    /// First reported (RFC 3339).
    pub first_seen: String,
    /// Verified (RFC 3339).
    pub verified_at: String,
}

/// The live verified phishing cases the caller receives in the blocking-list feeds: the
/// staff every one, partners those up to their TLP reach (`policy::phishing_feed_reach`).
async fn feed_cases(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<PhishUrlRow>, AppError> {
    check(state, who, ctx, Action::Read, &Resource::PhishingFeed).await?;
    let reach = phishing_feed_reach(who.principal().as_ref()).ok_or(AppError::Forbidden)?;
    let live: Vec<&str> = UrlState::ALL
        .iter()
        .copied()
        .filter(|s| s.is_live())
        .map(|s| s.as_str())
        .collect();
    // The markings within reach, by name: a case whose TLP cannot be read is withheld,
    // not shown at a guessed level, and the limit counts only what the caller receives.
    let marked: Vec<&str> = Tlp::ALL
        .iter()
        .filter(|t| **t <= reach)
        .map(|t| t.as_str())
        .collect();
    Ok(state
        .store
        .list_phish_urls_marked(&live, &marked, 100_000)
        .await?)
}

/// Currently live verified phishing URLs, for blocking lists (staff and partners).
pub async fn feed(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Vec<FeedEntry>, AppError> {
    Ok(feed_cases(state, who, ctx)
        .await?
        .into_iter()
        .map(|c| FeedEntry {
            url: c.normalized,
            host: c.host,
            brand: c.brand,
            tlp: c.tlp,
            first_seen: c.first_reported_at.rfc3339(),
            verified_at: c.verified_at.0.map(|t| t.rfc3339()).unwrap_or_default(),
        })
        .collect())
}

/// The same URLs as a STIX 2.1 bundle: per URL an indicator, its `url` object and their
/// relationship, each marked with the case's TLP, made by the operator.
pub async fn feed_stix(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<String, AppError> {
    let sources: Vec<PhishingSource> = feed_cases(state, who, ctx)
        .await?
        .into_iter()
        .filter_map(|c| {
            Some(PhishingSource {
                case_id: c.id,
                tlp: c.tlp.parse().ok()?,
                brand: (!c.brand.trim().is_empty()).then(|| c.brand.clone()),
                verified_at: c.verified_at.0.unwrap_or(c.first_reported_at),
                modified: c.updated_at,
                url: c.normalized,
            })
        })
        .collect();
    Ok(stix::bundle(&stix::phishing_objects(
        &state.config.operator.name_en,
        &sources,
    )))
}

/// One month of phishing figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MonthFigures {
    /// `YYYY-MM` (UTC) of the first report.
    pub month: String,
    /// Cases opened.
    pub cases: usize,
    /// Minutes from report to verification: median and 90th percentile.
    pub to_verified: Option<(i64, i64)>,
    /// Minutes from report to takedown: median and 90th percentile.
    pub to_taken_down: Option<(i64, i64)>,
    /// Cases by brand, most first.
    pub by_brand: Vec<(String, usize)>,
    /// Reports by where the phishing was seen, most first.
    pub by_seen_in: Vec<(String, usize)>,
}

/// Monthly figures (admins): time to verification and to takedown (median and p90),
/// counts by brand and by where seen.
pub async fn figures(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<MonthFigures>, AppError> {
    check(state, who, ctx, Action::List, &Resource::Statistics).await?;
    let rows = state.store.list_phish_urls(&[], 100_000).await?;
    let reports = state
        .store
        .list_reports(&tocsin_storage::ReportFilter {
            kind: Some(ReportKind::Phishing),
            limit: 1000,
            newest_first: true,
            ..Default::default()
        })
        .await?;
    let tz = state.desk.calendar.time_zone();
    let month = |t: Timestamp| tocsin_domain::clock::month_of(t, tz);
    let mut by: std::collections::BTreeMap<String, (Vec<i64>, Vec<i64>, MonthFigures)> =
        Default::default();
    for c in &rows {
        let e = by.entry(month(c.first_reported_at)).or_default();
        e.2.cases += 1;
        let minutes = |t: Timestamp| (t.micros() - c.first_reported_at.micros()) / 60_000_000;
        if let Some(v) = c.verified_at.0 {
            e.0.push(minutes(v));
        }
        if let Some(t) = c.taken_down_at.0 {
            e.1.push(minutes(t));
        }
        bump(&mut e.2.by_brand, &c.brand);
    }
    for r in &reports {
        let e = by.entry(month(r.reported_at)).or_default();
        bump(&mut e.2.by_seen_in, &r.category);
    }
    Ok(by
        .into_iter()
        .rev()
        .map(|(m, (mut v, mut t, mut f))| {
            f.month = m;
            f.to_verified = median_and_p90(&mut v);
            f.to_taken_down = median_and_p90(&mut t);
            f.by_brand.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            f.by_seen_in
                .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            f
        })
        .collect())
}

fn bump(v: &mut Vec<(String, usize)>, key: &str) {
    match v.iter_mut().find(|(k, _)| k == key) {
        Some((_, n)) => *n += 1,
        None => v.push((key.to_string(), 1)),
    }
}

/// Answers older than this are asked again.
const RDAP_CACHE_HOURS: i64 = 24;

/// Fetches a URL's body over HTTPS (or HTTP), off the async threads, with a timeout and a
/// size limit. The RDAP servers are whatever the configured bootstrap names.
async fn fetch(url: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build()
            .into();
        let mut resp = agent
            .get(&url)
            .header("Accept", "application/rdap+json, application/json")
            .call()
            .map_err(|e| format!("{url}: {e}"))?;
        resp.body_mut()
            .with_config()
            .limit(2 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| format!("{url}: {e}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Reads `url` through the RDAP cache.
pub(crate) async fn cached_fetch(state: &App, url: &str) -> Result<serde_json::Value, String> {
    let since = state.now().plus(time::Duration::hours(-RDAP_CACHE_HOURS));
    let body = match state
        .store
        .rdap_cached(url, since)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(b) => b,
        None => {
            let b = fetch(url.to_string()).await?;
            state
                .store
                .rdap_store(url, &b)
                .await
                .map_err(|e| e.to_string())?;
            b
        }
    };
    serde_json::from_str(&body).map_err(|e| format!("{url}: {e}"))
}

/// Looks up the abuse contacts of a case's domain (and its IP, when the host is one)
/// over RDAP through the configured bootstrap registry, cached; adds the ones not yet
/// known. Returns how many were added. Off (an error on `rdap`) when no bootstrap URL is
/// configured: contacts are then entered by hand.
pub async fn rdap_lookup(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
) -> Result<usize, AppError> {
    let case = staff_case(state, who, ctx, id, Action::Update).await?;
    let base = state
        .config
        .phishing
        .rdap_bootstrap_url
        .trim_end_matches('/')
        .to_string();
    if base.is_empty() {
        return Err(AppError::field("rdap", "error-rdap-off"));
    }
    let failed = |e: String| {
        tracing::warn!(error = %e, "RDAP look-up failed");
        AppError::field("rdap", "error-rdap-failed")
    };
    let mut found: Vec<tocsin_formats::rdap::RdapContact> = Vec::new();
    if !case.registrable_domain.is_empty() {
        let boot = cached_fetch(state, &format!("{base}/dns.json"))
            .await
            .map_err(failed)?;
        if let Some(server) =
            tocsin_formats::rdap::bootstrap_domain(&boot, &case.registrable_domain)
        {
            let answer = cached_fetch(
                state,
                &format!("{server}domain/{}", case.registrable_domain),
            )
            .await
            .map_err(failed)?;
            found.extend(tocsin_formats::rdap::abuse_contacts(&answer));
        }
    }
    // The hosting network: the literal IP, or the host's first address.
    let ip = match case.ip.parse::<std::net::IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => {
            let lookup = tokio::net::lookup_host((case.host.as_str(), 443));
            match tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await {
                Ok(Ok(mut addrs)) => addrs.next().map(|a| a.ip()),
                _ => None,
            }
        }
    };
    if let Some(ip) = ip {
        let file = if ip.is_ipv4() {
            "ipv4.json"
        } else {
            "ipv6.json"
        };
        let boot = cached_fetch(state, &format!("{base}/{file}"))
            .await
            .map_err(failed)?;
        if let Some(server) = tocsin_formats::rdap::bootstrap_ip(&boot, ip) {
            let answer = cached_fetch(state, &format!("{server}ip/{ip}"))
                .await
                .map_err(failed)?;
            for mut c in tocsin_formats::rdap::abuse_contacts(&answer) {
                if c.role == "abuse" {
                    c.role = "hosting";
                }
                found.push(c);
            }
        }
    }
    let known = state.store.abuse_contacts(case.id).await?;
    let mut tx = state.store.begin().await?;
    let mut added = 0;
    for c in found {
        if validate::email(&c.email).is_err()
            || known.iter().any(|k| k.email.eq_ignore_ascii_case(&c.email))
        {
            continue;
        }
        let role = if c.role == "registrar" {
            "registrar"
        } else {
            "hosting"
        };
        tx.add_abuse_contact(case.id, role, &validate::normalize_email(&c.email), "rdap")
            .await?;
        added += 1;
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "phishing.rdap",
        "phishing_url",
        &case.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// Records the analyst's evidence for a case: a note and files (screenshots), kept on the
/// case's first report, internal.
pub async fn add_evidence(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
    note: &str,
    files: Vec<Upload>,
) -> Result<(), AppError> {
    let case = staff_case(state, who, ctx, id, Action::Update).await?;
    let mut e = FieldErrors::new();
    if note.trim().is_empty() && files.is_empty() {
        e.add("note", FieldError::new("error-required"));
    }
    e.check("note", validate::optional_text(note, 20_000));
    check_uploads(state, &files, &mut e);
    e.into_result().map_err(AppError::Validation)?;
    let report = state
        .store
        .get_report(case.case_report_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.store.begin().await?;
    let data = serde_json::json!({"url_id": case.id});
    let ev = tx
        .add_event(
            report.id,
            &desk_event(who, "phishing_evidence", note.trim(), data),
        )
        .await?;
    super::reports::store_uploads(&mut tx, &report, Some(ev), &files).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "phishing.evidence",
        "phishing_url",
        &case.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the fetcher saw (kept here too: the API names it as the phishing desk's).
pub use super::fetch::FetchResult;

/// Fetches the case's URL once, through the configured proxy, with strict timeouts and a
/// size limit, and records title, final URL, status and the body's hash as evidence. Off
/// unless configured; every hop's addresses are checked and connected to as checked
/// (`service::fetch`), private and special-purpose ones refused unless allowed.
pub async fn fetch_evidence(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: &str,
) -> Result<FetchResult, AppError> {
    let case = staff_case(state, who, ctx, id, Action::Update).await?;
    let cfg = &state.config.phishing;
    if !cfg.fetcher {
        return Err(AppError::field("fetch", "error-fetch-off"));
    }
    let fetcher = super::fetch::Fetcher::from_config(cfg);
    let url = case.normalized.clone();
    let result = tokio::task::spawn_blocking(move || fetcher.fetch(&url))
        .await
        .map_err(|e| AppError::internal(e.to_string()))?;
    let result = result.map_err(|e| {
        tracing::warn!(error = %e, "fetch failed");
        match e {
            super::fetch::FetchError::Forbidden { .. } => {
                AppError::field("fetch", "error-fetch-private")
            }
            _ => AppError::field("fetch", "error-fetch-failed"),
        }
    })?;
    let report = state
        .store
        .get_report(case.case_report_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.store.begin().await?;
    let data = serde_json::json!({"url_id": case.id, "status": result.status, "final_url": result.final_url, "title": result.title, "sha256": result.sha256, "bytes": result.bytes});
    tx.add_event(report.id, &desk_event(who, "phishing_fetch", "", data))
        .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "phishing.fetch",
        "phishing_url",
        &case.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// The URL cases of a phishing report its reader has opened (`view` is the proof: the
/// app built it after the policy let them read the report).
pub async fn url_cases_of(
    state: &App,
    view: &super::reports::ReportView,
) -> Result<Vec<tocsin_storage::PhishUrlRow>, AppError> {
    Ok(state.store.phish_urls_of_report(view.report.id).await?)
}

//! Assistance referrals (協處商機): the reporter's consent, the desk's sanitised offer,
//! firms' acceptances, the reporter's choice with the exchange of contacts, the outcome
//! and the reporter's rating.
//!
//! The reporter acts through their report (status link, or signed in with the report's
//! Append right); the desk and the firms act on `Resource::Referral`, whose policy gets
//! from here whether the caller's firm holds a free assistance redemption and whether it
//! already answered. A firm sees the offer's sanitised fields only; contacts reach each
//! side once, when the reporter chooses, by mail and on their pages.

use tocsin_domain::deident::{Identity, IdentityKind};
use tocsin_domain::locale::Locale;
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::referral::{
    OfferInput, ReferralState, ResponseState, validate_outcome, validate_rating,
};
use tocsin_domain::{OrgId, ReportKind, ReportState};
use tocsin_storage::columns::OptTime;
use tocsin_storage::{NewEvent, Referral, Report, ResponseView, Visibility};
use uuid::Uuid;

use super::reports::{IncidentDetails, open_report};
use super::{audit_entry, check};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::Letter;
use crate::state::App;

/// A referral with its acceptances, as its reader may see it.
#[derive(Clone, Debug)]
pub struct ReferralView {
    /// The referral (its offer fields are sanitised; the report id is never shown to
    /// firms).
    pub referral: Referral,
    /// Acceptances the reader may see: all for the desk and the reporter; the firm's own
    /// for a firm.
    pub responses: Vec<ResponseView>,
    /// The reporter's contact, for the chosen firm (and the desk) once chosen.
    pub reporter_contact: Option<ReporterContact>,
    /// The report's tracking number, for the desk and the chosen firm.
    pub tracking_id: Option<String>,
}

/// How the chosen firm reaches the reporter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReporterContact {
    /// Company or person.
    pub name: String,
    /// Mail address.
    pub email: String,
    /// Phone.
    pub phone: String,
}

impl ReporterContact {
    fn of(r: &Report) -> Self {
        ReporterContact {
            name: r.reporter_name.clone(),
            email: r.reporter_email.clone(),
            phone: r.reporter_phone.clone(),
        }
    }
}

/// What the caller's organization is to referrals: (holds a free assistance redemption,
/// the organization when the caller is in one).
async fn firm_of(state: &App, who: &CurrentUser) -> Result<(bool, Option<OrgId>), AppError> {
    let Some(org) = who.user().and_then(|u| u.org_id.0) else {
        return Ok((false, None));
    };
    Ok((state.store.has_free_assistance(org).await?, Some(org)))
}

/// Mails the members of every firm that may accept an offer (the policy decides, as for
/// the listing), in each reader's language: the sanitised offer and where to accept it.
async fn tell_eligible_firms(
    state: &App,
    tx: &mut tocsin_storage::Tx,
    r: &Referral,
) -> Result<(), AppError> {
    let mut eligible: std::collections::HashMap<OrgId, bool> = Default::default();
    for u in state.store.list_users().await? {
        let Some(org) = u.org_id.0.filter(|_| !u.disabled) else {
            continue;
        };
        let firm = match eligible.get(&org) {
            Some(e) => *e,
            None => {
                let e = state.store.has_free_assistance(org).await?;
                eligible.insert(org, e);
                e
            }
        };
        let resource = Resource::Referral {
            eligible_firm: firm,
            responded_firm: false,
            chosen_firm: None,
        };
        if !firm
            || tocsin_domain::policy::authorize(
                Some(&crate::auth::principal_of(&u)),
                Action::Read,
                &resource,
            )
            .is_err()
        {
            continue;
        }
        let args = [
            ("sector", r.sector.clone()),
            ("type", r.incident_type.clone()),
            ("summary", r.summary.clone()),
            ("link", state.config.link("/referrals")),
        ];
        let letter = Letter {
            case: None,
            subject: "mail-referral-offered-subject",
            body: "mail-referral-offered-body",
            args: &args,
        };
        crate::mailer::queue_letter(tx, state, &u.email, &Tr::for_reader(&u.locale), &letter)
            .await?;
    }
    Ok(())
}

/// The policy's view of one referral for the caller.
async fn resource(
    state: &App,
    who: &CurrentUser,
    r: &Referral,
) -> Result<(Resource, Option<OrgId>, Vec<ResponseView>), AppError> {
    let (eligible_firm, org) = firm_of(state, who).await?;
    let responses = state.store.referral_responses(r.id).await?;
    let responded_firm =
        org.is_some_and(|o| responses.iter().any(|x| x.response.org_id == o.uuid()));
    Ok((
        Resource::Referral {
            eligible_firm,
            responded_firm,
            chosen_firm: r.chosen_org_id.map(OrgId),
        },
        org,
        responses,
    ))
}

fn event(who: &CurrentUser, r: &Report, kind: &str, body: String) -> NewEvent {
    NewEvent {
        actor_id: who.user().map(|u| u.id),
        actor: who
            .user()
            .map(|u| u.email.clone())
            .unwrap_or_else(|| r.reporter_email.clone()),
        event: kind.into(),
        visibility: Visibility::Reporter,
        body,
        data: String::new(),
    }
}

/// Opens a report for one of the reporter's referral steps: by status link, or signed in
/// with the right to add to it. Only incident reports whose reporter asked for support
/// take part.
async fn open_as_reporter(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
) -> Result<Report, AppError> {
    let report = super::reports::open_to_append(state, who, ctx, tracking, token).await?;
    if report.kind != ReportKind::Incident || !IncidentDetails::of(&report).needs_support {
        return Err(AppError::field("referral", "error-referral-no-support"));
    }
    Ok(report)
}

/// The reporter agrees to be referred to member security firms (once; again is a no-op).
pub async fn consent(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
) -> Result<Referral, AppError> {
    let report = open_as_reporter(state, who, ctx, tracking, token).await?;
    if matches!(
        report.state,
        ReportState::Rejected | ReportState::Duplicate | ReportState::Closed
    ) {
        return Err(AppError::field("referral", "error-referral-closed"));
    }
    let mut tx = state.store.begin().await?;
    if let Some(r) = tx.referral_of_report_for_update(report.id).await? {
        return Ok(r);
    }
    let r = tx.consent_referral(report.id).await?;
    tx.add_event(
        report.id,
        &event(who, &report, "referral_consent", String::new()),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "referral.consent",
        "report",
        &report.tracking_id,
    ))
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// The desk's view of a report's referral, if its reporter consented.
pub async fn of_report(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    report: &Report,
) -> Result<Option<ReferralView>, AppError> {
    let Some(r) = state.store.referral_of_report(report.id).await? else {
        return Ok(None);
    };
    let (res, _, responses) = resource(state, who, &r).await?;
    check(state, who, ctx, Action::Create, &res).await?;
    Ok(Some(ReferralView {
        reporter_contact: Some(ReporterContact::of(report)),
        tracking_id: Some(report.tracking_id.clone()),
        referral: r,
        responses,
    }))
}

/// The reporter's view of their report's referral: the firms that accepted (names
/// only), and the chosen firm's contact once chosen.
pub async fn for_reporter(state: &App, report: &Report) -> Result<Option<ReferralView>, AppError> {
    let Some(r) = state.store.referral_of_report(report.id).await? else {
        return Ok(None);
    };
    let mut responses = state.store.referral_responses(r.id).await?;
    for x in &mut responses {
        // Contacts are exchanged on choice: until then the reporter sees firms' names.
        if x.response.state != ResponseState::Chosen.as_str() {
            x.contact_name.clear();
            x.contact_email.clear();
        }
    }
    Ok(Some(ReferralView {
        referral: r,
        responses,
        reporter_contact: None,
        tracking_id: None,
    }))
}

/// What identifies a report's reporter: the name, mail and phone on the report, their
/// organization's name, and the name and mail of the account that filed it (which may
/// differ from what was typed on the form).
async fn reporter_facts(
    state: &App,
    report: &Report,
) -> Result<Vec<(IdentityKind, String)>, AppError> {
    let mut facts = vec![
        (IdentityKind::Name, report.reporter_name.clone()),
        (IdentityKind::Mail, report.reporter_email.clone()),
        (IdentityKind::Phone, report.reporter_phone.clone()),
    ];
    if let Some(o) = report.org_id
        && let Some(org) = state.store.get_org(OrgId(o)).await?
    {
        facts.push((IdentityKind::Organization, org.name));
    }
    if let Some(u) = report.reporter_user_id
        && let Some(user) = state.store.get_user(tocsin_domain::UserId(u)).await?
    {
        facts.push((IdentityKind::Name, user.name));
        facts.push((IdentityKind::Mail, user.email));
    }
    Ok(facts)
}

/// The desk offers a consented referral to the firms, sanitised: a field with a word that
/// identifies the reporter (their name or their organization's, whole, without its legal
/// form or shortened; their mail, its domain or label; their phone) is refused, naming
/// the words.
pub async fn offer(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    input: &OfferInput,
) -> Result<Referral, AppError> {
    let report = state
        .store
        .report_by_tracking(tracking.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let seen = state
        .store
        .referral_of_report(report.id)
        .await?
        .ok_or_else(|| AppError::field("referral", "error-referral-no-consent"))?;
    let (res, _, _) = resource(state, who, &seen).await?;
    check(state, who, ctx, Action::Create, &res).await?;
    let facts = reporter_facts(state, &report).await?;
    let identities: Vec<Identity<'_>> = facts
        .iter()
        .map(|(kind, value)| Identity::new(*kind, value))
        .collect();
    let v = input.validate(&identities).map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let mut r = tx
        .referral_of_report_for_update(report.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !r.state().can_go_to(ReferralState::Offered) {
        return Err(AppError::field("referral", "error-referral-state"));
    }
    if r.state() == ReferralState::Withdrawn {
        tx.clear_released_referral_responses(r.id).await?;
    }
    r.state = ReferralState::Offered.as_str().into();
    r.offered_at = OptTime(Some(state.now()));
    r.offered_by = who.user().map(|u| u.id.uuid());
    r.sector = v.sector;
    r.incident_type = v.incident_type;
    r.company_size = v.company_size.as_str().into();
    r.region = v.region.as_str().into();
    r.summary = v.summary;
    tx.update_referral(&r).await?;
    tx.add_event(
        report.id,
        &event(who, &report, "referral_offered", String::new()),
    )
    .await?;
    tell_eligible_firms(state, &mut tx, &r).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "referral.offer",
        "referral",
        &r.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// The desk withdraws a referral not yet chosen; the firms' redemptions are freed.
/// Returns the tracking number of its report.
pub async fn withdraw(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
) -> Result<String, AppError> {
    let seen = state.store.referral(id).await?.ok_or(AppError::NotFound)?;
    let (res, _, _) = resource(state, who, &seen).await?;
    check(state, who, ctx, Action::Delete, &res).await?;
    let mut tx = state.store.begin().await?;
    let mut r = tx
        .referral_for_update(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !r.state().can_go_to(ReferralState::Withdrawn) {
        return Err(AppError::field("referral", "error-referral-state"));
    }
    r.state = ReferralState::Withdrawn.as_str().into();
    tx.update_referral(&r).await?;
    tx.release_referral_responses(id).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "referral.withdraw",
        "referral",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    let report = state
        .store
        .get_report(tocsin_domain::ReportId(r.report_id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(report.tracking_id)
}

/// The referrals the caller may see: every one for the desk; for a firm, the open offers
/// while it holds a free assistance redemption, and those it accepted (with the
/// reporter's contact once it is chosen).
pub async fn list(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<ReferralView>, AppError> {
    let (eligible_firm, org) = firm_of(state, who).await?;
    let mine = match org {
        Some(o) => state.store.referrals_of_firm(o, 500).await?,
        None => Vec::new(),
    };
    let staff = super::reports::is_desk(who);
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::Referral {
            eligible_firm,
            responded_firm: !mine.is_empty(),
            chosen_firm: None,
        },
    )
    .await?;
    let rows = if staff {
        state.store.referrals(None, 500).await?
    } else {
        let mut rows = mine;
        if eligible_firm {
            for r in state
                .store
                .referrals(Some(ReferralState::Offered.as_str()), 500)
                .await?
            {
                if !rows.iter().any(|m| m.id == r.id) {
                    rows.push(r);
                }
            }
        }
        rows
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut responses = state.store.referral_responses(r.id).await?;
        let chosen = org.is_some_and(|o| r.chosen_org_id == Some(o.uuid()));
        if !staff {
            responses.retain(|x| org.is_some_and(|o| x.response.org_id == o.uuid()));
        }
        let report = if staff || chosen {
            state
                .store
                .get_report(tocsin_domain::ReportId(r.report_id))
                .await?
        } else {
            None
        };
        out.push(ReferralView {
            reporter_contact: report.as_ref().map(ReporterContact::of),
            tracking_id: report.map(|r| r.tracking_id),
            referral: r,
            responses,
        });
    }
    state
        .store
        .audit(&audit_entry(who, ctx, "referral.list", "referral", ""))
        .await?;
    Ok(out)
}

/// A firm accepts an open offer, using one of its approved assistance redemptions.
pub async fn accept(state: &App, who: &CurrentUser, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    let seen = state.store.referral(id).await?.ok_or(AppError::NotFound)?;
    let (res, org, _) = resource(state, who, &seen).await?;
    // A firm that may not see the offer learns nothing of it.
    if check(state, who, ctx, Action::Read, &res).await.is_err() {
        return Err(AppError::NotFound);
    }
    check(state, who, ctx, Action::Append, &res).await?;
    let (Some(org), Some(user)) = (org, who.user()) else {
        return Err(AppError::Forbidden);
    };
    let mut tx = state.store.begin().await?;
    let r = tx
        .referral_for_update(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.state() != ReferralState::Offered {
        return Err(AppError::field("referral", "error-referral-state"));
    }
    if tx.accept_referral(id, org, user.id).await?.is_none() {
        return Err(AppError::field("referral", "error-referral-no-redemption"));
    }
    // The reporter hears that a firm is ready (not which: they see it on their page).
    if let Some(report) = state
        .store
        .get_report(tocsin_domain::ReportId(r.report_id))
        .await?
        .filter(|rep| !rep.reporter_email.trim().is_empty())
    {
        let args = [("tracking", report.tracking_id.clone())];
        let letter = Letter {
            case: Some(&report.tracking_id),
            subject: "mail-referral-accepted-subject",
            body: "mail-referral-accepted-body",
            args: &args,
        };
        let tr = Tr::for_reader(&report.locale);
        crate::mailer::queue_letter(&mut tx, state, &report.reporter_email, &tr, &letter).await?;
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "referral.accept",
        "referral",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The reporter chooses one of the firms that accepted; contacts are exchanged by mail
/// (the reporter gets the firm's, the firm's contact gets the reporter's), each in the
/// reader's language.
pub async fn choose(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
    org: &str,
) -> Result<(), AppError> {
    let report = open_as_reporter(state, who, ctx, tracking, token).await?;
    let Ok(org) = org.trim().parse::<Uuid>() else {
        return Err(AppError::field("org_id", "error-choice"));
    };
    let mut tx = state.store.begin().await?;
    let mut r = tx
        .referral_of_report_for_update(report.id)
        .await?
        .ok_or_else(|| AppError::field("referral", "error-referral-no-consent"))?;
    if !r.state().can_go_to(ReferralState::Chosen) {
        return Err(AppError::field("referral", "error-referral-state"));
    }
    if !tx.choose_referral_firm(r.id, org).await? {
        return Err(AppError::field("org_id", "error-choice"));
    }
    r.state = ReferralState::Chosen.as_str().into();
    r.chosen_org_id = Some(org);
    r.chosen_at = OptTime(Some(state.now()));
    tx.update_referral(&r).await?;
    let firm = state
        .store
        .referral_responses(r.id)
        .await?
        .into_iter()
        .find(|x| x.response.org_id == org)
        .ok_or(AppError::NotFound)?;
    // What each side learns of the other, now and not before.
    let reporter_tr = Tr::for_reader(&report.locale);
    let firm_locale = state
        .store
        .get_user(tocsin_domain::UserId(firm.response.accepted_by))
        .await?
        .and_then(|u| Locale::from_tag(&u.locale))
        .unwrap_or_default();
    let firm_tr = Tr::new(firm_locale);
    let of_firm = [
        ("tracking", report.tracking_id.clone()),
        ("firm", firm.org_name.clone()),
        ("name", firm.contact_name.clone()),
        ("email", firm.contact_email.clone()),
    ];
    let of_reporter = [
        ("tracking", report.tracking_id.clone()),
        ("name", report.reporter_name.clone()),
        ("email", report.reporter_email.clone()),
        ("phone", report.reporter_phone.clone()),
        ("support", IncidentDetails::of(&report).support_requested),
    ];
    let letter = |body, args| Letter {
        case: Some(&report.tracking_id),
        subject: "mail-referral-subject",
        body,
        args,
    };
    crate::mailer::queue_letter(
        &mut tx,
        state,
        &report.reporter_email,
        &reporter_tr,
        &letter("mail-referral-chosen-reporter", &of_firm),
    )
    .await?;
    crate::mailer::queue_letter(
        &mut tx,
        state,
        &firm.contact_email,
        &firm_tr,
        &letter("mail-referral-chosen-firm", &of_reporter),
    )
    .await?;
    tx.add_event(
        report.id,
        &event(who, &report, "referral_chosen", firm.org_name.clone()),
    )
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "referral.choose",
        "referral",
        &r.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The chosen firm (or the desk) records what came of it.
pub async fn record_outcome(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    outcome: &str,
) -> Result<(), AppError> {
    let seen = state.store.referral(id).await?.ok_or(AppError::NotFound)?;
    let (res, _, _) = resource(state, who, &seen).await?;
    if check(state, who, ctx, Action::Read, &res).await.is_err() {
        return Err(AppError::NotFound);
    }
    check(state, who, ctx, Action::Update, &res).await?;
    let outcome = validate_outcome(outcome).map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let mut r = tx
        .referral_for_update(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !r.state().can_go_to(ReferralState::Completed) {
        return Err(AppError::field("outcome", "error-referral-state"));
    }
    r.state = ReferralState::Completed.as_str().into();
    r.outcome = outcome.as_str().into();
    r.outcome_at = OptTime(Some(state.now()));
    tx.update_referral(&r).await?;
    let mut e = audit_entry(who, ctx, "referral.outcome", "referral", &id.to_string());
    e.detail = outcome.as_str().into();
    tx.audit(&e).await?;
    tx.commit().await?;
    Ok(())
}

/// The reporter rates the chosen firm, 1–5 stars with an optional comment (again
/// replaces the rating).
pub async fn rate(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
    stars: &str,
    comment: &str,
) -> Result<(), AppError> {
    let report = open_as_reporter(state, who, ctx, tracking, token).await?;
    let (stars, comment) = validate_rating(stars, comment).map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let mut r = tx
        .referral_of_report_for_update(report.id)
        .await?
        .ok_or_else(|| AppError::field("rating", "error-referral-state"))?;
    if !matches!(r.state(), ReferralState::Chosen | ReferralState::Completed) {
        return Err(AppError::field("rating", "error-referral-state"));
    }
    r.rating = Some(i64::from(stars));
    r.rating_comment = comment;
    tx.update_referral(&r).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "referral.rate",
        "referral",
        &r.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The offer's fields for a form, prefilled from the report: its incident type and the
/// reporting organization's sector (the desk still reads them before offering).
pub async fn offer_defaults(
    state: &App,
    report: &Report,
    locale: Locale,
) -> Result<OfferInput, AppError> {
    let sector = match report.org_id {
        Some(o) => state
            .store
            .get_org(OrgId(o))
            .await?
            .map(|o| o.sector)
            .unwrap_or_default(),
        None => String::new(),
    };
    let incident_type = report
        .category
        .parse::<tocsin_domain::incident::IncidentType>()
        .map(|t| t.label(locale).to_string())
        .unwrap_or_default();
    Ok(OfferInput {
        sector,
        incident_type,
        company_size: String::new(),
        region: String::new(),
        summary: String::new(),
    })
}

/// A report's referral as the caller may see it: the desk's view for staff, the
/// reporter's otherwise (by status link, or signed in with the report's Append right).
pub async fn of_tracking(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
    token: Option<&str>,
) -> Result<Option<ReferralView>, AppError> {
    if token.is_none() && super::reports::is_desk(who) {
        let (report, _) = open_report(state, who, ctx, tracking, None).await?;
        return of_report(state, who, ctx, &report).await;
    }
    let report = open_as_reporter(state, who, ctx, tracking, token).await?;
    for_reporter(state, &report).await
}

//! Membership: organizations that sign themselves up, the CERT/CSIRT alliance
//! (台灣CERT/CSIRT聯盟) and the sector ISACs.
//!
//! - Joining (`/join`): anyone applies for an organization (or as a researcher without
//!   one); the applicant confirms their mail by a one-time link (hashed like every link);
//!   admins vet confirmed applications. Approval creates the organization and its first
//!   user, who is mailed a set-password link (the invitation's); a rejection mails the
//!   reason. The applicant's mail domain matching the site marks it "domain verified".
//! - The alliance: an organization's members apply with an RFC 2350 team profile and the
//!   terms accepted; admins move it through `ALLIANCE_TRANSITIONS`. Approval adds the
//!   organization to the alliance's sharing group and sets its `alliance_member` flag, which
//!   is derived from the state from then on; suspending or leaving undoes both.
//! - ISACs: a public page each, a members' view for the organizations of the sharing group
//!   an admin mapped it to.

use serde::Deserialize;
use tocsin_domain::membership::{self, AllianceState, ApplicationState};
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::{FieldError, GroupId, Locale, OrgId, OrgKind};
use tocsin_storage::intel::SharingGroup;
use tocsin_storage::{
    AllianceMember, Isac, NewOrganization, NewUser, OrgApplication, OrgProfile, Organization,
    StorageError,
};
use uuid::Uuid;

use super::{audit_entry, check, de_bool_loose};
use crate::auth::{self, CurrentUser};
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::Letter;
use crate::state::App;

/// How long a confirmation link stays usable.
const CONFIRM_DAYS: i64 = 3;
/// Applications from one client address in an hour.
const JOINS_PER_IP_HOUR: i64 = 10;
/// The kind a researcher without an organization applies as: approval creates their
/// account alone, and their reports earn points on their own account.
pub const INDIVIDUAL: &str = "individual";

/// An application as the `/join` form sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct JoinInput {
    /// The organization's name (in Chinese, or as it calls itself).
    pub org_name: String,
    /// Its English name.
    pub org_name_en: String,
    /// An `OrgKind` name, or [`INDIVIDUAL`].
    pub kind: String,
    /// Its sector.
    pub sector: String,
    /// 統一編號 (eight digits), where it has one.
    pub business_number: String,
    /// Its web site.
    pub website: String,
    /// The applicant's name.
    pub name: String,
    /// The applicant's mail address.
    pub email: String,
    /// The applicant's phone.
    pub phone: String,
}

impl JoinInput {
    /// Checks every field, naming each one refused.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let individual = self.kind.trim() == INDIVIDUAL;
        if !individual && self.kind.parse::<OrgKind>().is_err() {
            e.add("kind", FieldError::new("error-choice"));
        }
        if individual {
            e.check("org_name", validate::optional_line(&self.org_name, 200));
        } else {
            e.check("org_name", validate::required_line(&self.org_name, 200));
        }
        e.check(
            "org_name_en",
            validate::optional_line(&self.org_name_en, 200),
        );
        e.check("sector", validate::optional_line(&self.sector, 100));
        e.check(
            "business_number",
            membership::check_ubn(&self.business_number),
        );
        e.check("website", membership::check_site(&self.website));
        e.check("name", validate::required_line(&self.name, 200));
        e.check("email", validate::email(&self.email));
        e.check("phone", validate::phone(&self.phone));
        e.into_result()
    }
}

/// Files an application and mails the applicant a one-time link to confirm their mail
/// address. Throttled per client address (429). Returns the application's id.
pub async fn apply(state: &App, ctx: &Ctx, input: &JoinInput) -> Result<Uuid, AppError> {
    let anon = CurrentUser(None);
    check(state, &anon, ctx, Action::Create, &Resource::OrgApplication).await?;
    input.validate().map_err(AppError::Validation)?;
    let now = state.now();
    let email = validate::normalize_email(&input.email);
    let app = OrgApplication {
        id: Uuid::now_v7(),
        state: ApplicationState::Pending.as_str().into(),
        org_name: input.org_name.trim().into(),
        org_name_en: input.org_name_en.trim().into(),
        kind: input.kind.trim().into(),
        sector: input.sector.trim().into(),
        business_number: input.business_number.trim().into(),
        website: input.website.trim().into(),
        applicant_name: input.name.trim().into(),
        applicant_phone: input.phone.trim().into(),
        locale: ctx.locale.tag().into(),
        domain_verified: membership::domain_verified(&email, &input.website),
        applicant_email: email,
        confirmed_at: Default::default(),
        decided_at: Default::default(),
        decided_by: None,
        reason: String::new(),
        org_id: None,
        created_at: now,
    };
    let mut tx = state.store.begin().await?;
    if !tx
        .take_rate_slot(
            &format!("join:ip:{}", ctx.ip),
            now,
            now.plus(time::Duration::hours(-1)),
            JOINS_PER_IP_HOUR,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    tx.insert_org_application(&app).await?;
    let secret = auth::new_secret();
    tx.create_application_confirmation(
        &auth::hash_secret(&secret),
        app.id,
        now.plus(time::Duration::days(CONFIRM_DAYS)),
    )
    .await?;
    let args = [
        ("name", app.applicant_name.clone()),
        ("organization", shown_org_name(&app)),
        (
            "link",
            state.config.link(&format!("/join/confirm?token={secret}")),
        ),
        ("days", CONFIRM_DAYS.to_string()),
    ];
    let (subject, text) = Letter {
        case: None,
        subject: "join-mail-confirm-subject",
        body: "join-mail-confirm-body",
        args: &args,
    }
    .render(&ctx.tr());
    crate::mailer::queue(&mut tx, state, &app.applicant_email, &subject, &text).await?;
    let mut a = audit_entry(
        &anon,
        ctx,
        "join.apply",
        "org_application",
        &app.id.to_string(),
    );
    a.detail = app.applicant_email.clone();
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(app.id)
}

/// The organization's name as the applicant gave it, or their own for a researcher.
fn shown_org_name(app: &OrgApplication) -> String {
    if app.org_name.is_empty() {
        app.applicant_name.clone()
    } else {
        app.org_name.clone()
    }
}

/// Follows a confirmation link: the application becomes vettable. A used-up, expired or
/// unknown link is refused (403).
pub async fn confirm(state: &App, ctx: &Ctx, token: &str) -> Result<(), AppError> {
    let mut tx = state.store.begin().await?;
    let Some(id) = tx
        .consume_application_confirmation(&auth::hash_secret(token), state.now())
        .await?
    else {
        return Err(AppError::Forbidden);
    };
    tx.audit(&audit_entry(
        &CurrentUser(None),
        ctx,
        "join.confirm",
        "org_application",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The applications waiting for the desk, oldest first; unconfirmed ones come with
/// `confirmed_at` empty and cannot be approved yet.
pub async fn pending_applications(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<OrgApplication>, AppError> {
    check(state, who, ctx, Action::List, &Resource::OrgApplication).await?;
    Ok(state
        .store
        .list_org_applications(ApplicationState::Pending.as_str())
        .await?)
}

/// One application (admins).
pub async fn application(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
) -> Result<OrgApplication, AppError> {
    check(state, who, ctx, Action::Read, &Resource::OrgApplication).await?;
    state
        .store
        .get_org_application(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The application, still pending, that an admin is about to decide.
async fn pending(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
) -> Result<OrgApplication, AppError> {
    check(state, who, ctx, Action::Update, &Resource::OrgApplication).await?;
    let app = state
        .store
        .get_org_application(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if app.state != ApplicationState::Pending.as_str() {
        return Err(AppError::Conflict("application already decided".into()));
    }
    Ok(app)
}

/// Approves a confirmed application: creates the organization (unless the applicant is a
/// researcher without one) with what it said of itself, and its first user (a member),
/// who is mailed a one-time link to set a password. Refused on field `confirmed` while
/// the applicant has not confirmed their mail; a taken organization name or mail address
/// is refused on `org_name` or `email`. Returns the new organization, if any.
pub async fn approve(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
) -> Result<Option<Organization>, AppError> {
    let actor = who.user().ok_or(AppError::Unauthorized)?.clone();
    let app = pending(state, who, ctx, id).await?;
    if app.confirmed_at.0.is_none() {
        return Err(AppError::field("confirmed", "join-error-unconfirmed"));
    }
    let mut tx = state.store.begin().await?;
    let org = if app.kind == INDIVIDUAL {
        None
    } else {
        let kind = app
            .kind
            .parse::<OrgKind>()
            .map_err(|_| AppError::internal(format!("stored org kind {}", app.kind)))?;
        let org = match tx
            .create_org(&NewOrganization {
                name: app.org_name.clone(),
                sector: app.sector.clone(),
                kind,
                alliance_member: false,
            })
            .await
        {
            Ok(o) => o,
            Err(StorageError::Conflict(_)) => {
                return Err(AppError::field("org_name", "error-taken"));
            }
            Err(e) => return Err(e.into()),
        };
        tx.set_org_profile(
            org.id,
            &OrgProfile {
                name_en: app.org_name_en.clone(),
                business_number: app.business_number.clone(),
                website: app.website.clone(),
            },
        )
        .await?;
        Some(org)
    };
    let user = match tx
        .create_user(&NewUser {
            email: app.applicant_email.clone(),
            name: app.applicant_name.clone(),
            org_id: org.as_ref().map(|o| o.id),
            roles: membership::first_user_roles(org.is_some()),
            password_hash: None,
        })
        .await
    {
        Ok(u) => u,
        Err(StorageError::Conflict(_)) => return Err(AppError::field("email", "error-taken")),
        Err(e) => return Err(e.into()),
    };
    if !app.applicant_phone.is_empty() {
        tx.set_user_phone(user.id, &app.applicant_phone).await?;
    }
    tx.set_user_locale(user.id, &app.locale).await?;
    if !tx
        .decide_org_application(
            id,
            ApplicationState::Approved.as_str(),
            actor.id,
            "",
            org.as_ref().map(|o| o.id),
        )
        .await?
    {
        return Err(AppError::Conflict("application already decided".into()));
    }
    super::password_link_mail(&mut tx, state, &user, "mail-invite-body").await?;
    let mut a = audit_entry(who, ctx, "join.approve", "org_application", &id.to_string());
    a.detail = format!(
        "user={} org={}",
        user.id,
        org.as_ref().map(|o| o.id.to_string()).unwrap_or_default()
    );
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(org)
}

/// Rejects an application with a reason (required, on field `reason`), which is mailed to
/// the applicant in the language they applied in.
pub async fn reject(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let actor = who.user().ok_or(AppError::Unauthorized)?.clone();
    let app = pending(state, who, ctx, id).await?;
    let mut e = FieldErrors::new();
    e.check("reason", validate::required_text(reason, 2000));
    e.into_result().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    if !tx
        .decide_org_application(
            id,
            ApplicationState::Rejected.as_str(),
            actor.id,
            reason.trim(),
            None,
        )
        .await?
    {
        return Err(AppError::Conflict("application already decided".into()));
    }
    let args = [
        ("name", app.applicant_name.clone()),
        ("organization", shown_org_name(&app)),
        ("reason", reason.trim().to_string()),
    ];
    let tr = Tr::for_reader(&app.locale);
    let (subject, text) = Letter {
        case: None,
        subject: "join-mail-rejected-subject",
        body: "join-mail-rejected-body",
        args: &args,
    }
    .render(&tr);
    crate::mailer::queue(&mut tx, state, &app.applicant_email, &subject, &text).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "join.reject",
        "org_application",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An alliance application's team profile, as the form sends it (RFC 2350's fields).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AllianceInput {
    /// The team's name.
    pub team_name: String,
    /// Whom it serves.
    pub constituency: String,
    /// Its contact mail address.
    pub email: String,
    /// Its phone.
    pub phone: String,
    /// Out-of-hours emergency contact.
    pub emergency: String,
    /// Its public OpenPGP key, armoured.
    pub pgp_key: String,
    /// That key's fingerprint.
    pub pgp_fingerprint: String,
    /// Its operating hours.
    pub hours: String,
    /// The services it offers.
    pub services: String,
    /// The alliance's terms are accepted (a checkbox).
    #[serde(deserialize_with = "de_bool_loose")]
    pub accept_terms: bool,
    /// Shown on the public member list (a checkbox; unticked opts out).
    #[serde(deserialize_with = "de_bool_loose")]
    pub listed: bool,
}

impl AllianceInput {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("team_name", validate::required_line(&self.team_name, 200));
        e.check(
            "constituency",
            validate::required_text(&self.constituency, 2000),
        );
        e.check("email", validate::email(&self.email));
        e.check("phone", validate::phone(&self.phone));
        e.check("emergency", validate::optional_line(&self.emergency, 200));
        e.check("pgp_key", validate::optional_text(&self.pgp_key, 20_000));
        e.check(
            "pgp_fingerprint",
            membership::check_fingerprint(&self.pgp_fingerprint),
        );
        e.check("hours", validate::optional_line(&self.hours, 200));
        e.check("services", validate::optional_text(&self.services, 2000));
        if !self.accept_terms {
            e.add("accept_terms", FieldError::new("alliance-error-terms"));
        }
        e.into_result()
    }
}

/// The stored alliance state of an organization, if it ever applied.
fn stored_state(m: &AllianceMember) -> Result<AllianceState, AppError> {
    m.state
        .parse()
        .map_err(|_| AppError::internal(format!("stored alliance state {}", m.state)))
}

/// An organization's members apply to the alliance with their team profile. Refused
/// while an application is open or it is a member (409); the terms must be accepted
/// (field `accept_terms`).
pub async fn apply_alliance(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
    input: &AllianceInput,
) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::AllianceApplication { org: Some(org) },
    )
    .await?;
    input.validate().map_err(AppError::Validation)?;
    let current = match state.store.get_alliance_member(org).await? {
        Some(m) => Some(stored_state(&m)?),
        None => None,
    };
    if !AllianceState::may_apply(current) {
        return Err(AppError::Conflict("alliance application open".into()));
    }
    let now = state.now();
    let m = AllianceMember {
        org_id: org.uuid(),
        org_name: String::new(),
        state: AllianceState::Applied.as_str().into(),
        team_name: input.team_name.trim().into(),
        constituency: input.constituency.trim().into(),
        email: validate::normalize_email(&input.email),
        phone: input.phone.trim().into(),
        emergency: input.emergency.trim().into(),
        pgp_key: input.pgp_key.trim().into(),
        pgp_fingerprint: input.pgp_fingerprint.trim().into(),
        hours: input.hours.trim().into(),
        services: input.services.trim().into(),
        listed: input.listed,
        terms_accepted_at: now,
        reason: String::new(),
        applied_at: now,
        updated_at: now,
    };
    let mut tx = state.store.begin().await?;
    tx.put_alliance_application(&m).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "alliance.apply",
        "organization",
        &org.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An organization's own alliance membership (its members, and admins).
pub async fn own_alliance(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
) -> Result<Option<AllianceMember>, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Read,
        &Resource::AllianceApplication { org: Some(org) },
    )
    .await?;
    Ok(state.store.get_alliance_member(org).await?)
}

/// Every organization that ever applied to the alliance, with its state (admins).
pub async fn alliance_applications(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<AllianceMember>, AppError> {
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::AllianceApplication { org: None },
    )
    .await?;
    Ok(state.store.list_alliance_members(&[]).await?)
}

/// The alliance's sharing group, made (kind `alliance`) on the first approval.
async fn alliance_group(state: &App, tx: &mut tocsin_storage::Tx) -> Result<GroupId, AppError> {
    let name = state.config.alliance.group_name.trim();
    if let Some(g) = state
        .store
        .list_groups()
        .await?
        .into_iter()
        .find(|g| g.name == name)
    {
        return Ok(g.id);
    }
    let g = SharingGroup {
        id: GroupId::new(),
        name: name.to_string(),
        kind: "alliance".into(),
        description: String::new(),
        created_at: state.now(),
    };
    tx.insert_group(&g).await?;
    Ok(g.id)
}

/// An admin moves an organization's alliance membership along the state table
/// (`under_review`, `approved`, `rejected`, `suspended`, `left`); a rejection or
/// suspension needs a reason (field `reason`). Approval adds the organization to the
/// alliance's sharing group and sets its alliance flag; suspending or leaving removes
/// both. The team's contact is mailed the decision. A move the table does not allow is
/// refused on field `state`.
pub async fn review_alliance(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
    to: &str,
    reason: &str,
) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::AllianceApplication { org: Some(org) },
    )
    .await?;
    let to: AllianceState = to
        .parse()
        .map_err(|_| AppError::field("state", "error-choice"))?;
    let m = state
        .store
        .get_alliance_member(org)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = stored_state(&m)?;
    if !from.can_go_to(to) {
        return Err(AppError::field("state", "error-transition"));
    }
    if matches!(to, AllianceState::Rejected | AllianceState::Suspended) {
        let mut e = FieldErrors::new();
        e.check("reason", validate::required_text(reason, 2000));
        e.into_result().map_err(AppError::Validation)?;
    }
    let mut tx = state.store.begin().await?;
    if !tx
        .move_alliance_state(org, from.as_str(), to.as_str(), reason.trim())
        .await?
    {
        return Err(AppError::Conflict("alliance state changed".into()));
    }
    if to.is_member() != from.is_member() {
        let group = alliance_group(state, &mut tx).await?;
        if to.is_member() {
            tx.add_group_member(group, org).await?;
        } else {
            tx.remove_group_member(group, org).await?;
        }
        tx.set_org_alliance_member(org, to.is_member()).await?;
    }
    let args = [
        ("team", m.team_name.clone()),
        (
            "state",
            Tr::new(Locale::ZhTw).t(&format!("alliance-state-{}", to.as_str())),
        ),
        (
            "state_en",
            Tr::new(Locale::En).t(&format!("alliance-state-{}", to.as_str())),
        ),
        ("reason", reason.trim().to_string()),
    ];
    let (subject, text) = Letter {
        case: None,
        subject: "alliance-mail-decision-subject",
        body: "alliance-mail-decision-body",
        args: &args,
    }
    .render_both();
    crate::mailer::queue(&mut tx, state, &m.email, &subject, &text).await?;
    let mut a = audit_entry(
        who,
        ctx,
        "alliance.review",
        "organization",
        &org.to_string(),
    );
    a.detail = format!("{} -> {}", from.as_str(), to.as_str());
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// An organization's members choose whether it is shown on the public member list.
pub async fn set_listed(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
    listed: bool,
) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Append,
        &Resource::AllianceApplication { org: Some(org) },
    )
    .await?;
    let mut tx = state.store.begin().await?;
    if !tx.set_alliance_listed(org, listed).await? {
        return Err(AppError::NotFound);
    }
    let mut a = audit_entry(
        who,
        ctx,
        "alliance.listed",
        "organization",
        &org.to_string(),
    );
    a.detail = listed.to_string();
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the caller's organization is an approved alliance member.
async fn caller_is_member(state: &App, who: &CurrentUser) -> Result<bool, AppError> {
    let Some(org) = who.user().and_then(|u| u.org_id.0) else {
        return Ok(false);
    };
    Ok(match state.store.get_alliance_member(org).await? {
        Some(m) => stored_state(&m)?.is_member(),
        None => false,
    })
}

/// The members-only directory: every approved member team's profile, contacts and key.
/// The policy admits the staff and the members' own users.
pub async fn directory(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<AllianceMember>, AppError> {
    let member = caller_is_member(state, who).await?;
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::AllianceDirectory { member },
    )
    .await?;
    Ok(state
        .store
        .list_alliance_members(&[AllianceState::Approved.as_str()])
        .await?)
}

/// The public list of member names: approved members that did not opt out, as (the
/// organization's name, the team's name).
pub async fn public_members(state: &App) -> Result<Vec<(String, String)>, AppError> {
    Ok(state
        .store
        .list_alliance_members(&[AllianceState::Approved.as_str()])
        .await?
        .into_iter()
        .filter(|m| m.listed)
        .map(|m| (m.org_name, m.team_name))
        .collect())
}

/// The alliance's terms in the reader's language (from the configuration).
pub fn terms(state: &App, locale: Locale) -> &str {
    match locale {
        Locale::ZhTw => &state.config.alliance.terms_zh,
        _ => &state.config.alliance.terms_en,
    }
}

/// Every ISAC (public).
pub async fn isacs(state: &App) -> Result<Vec<Isac>, AppError> {
    Ok(state.store.list_isacs().await?)
}

/// One ISAC by its code (public).
pub async fn isac(state: &App, code: &str) -> Result<Isac, AppError> {
    isacs(state)
        .await?
        .into_iter()
        .find(|i| i.code.eq_ignore_ascii_case(code.trim()))
        .ok_or(AppError::NotFound)
}

/// An ISAC's members' view: the organizations of its sharing group, for those
/// organizations' users and the staff.
pub async fn isac_members(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    code: &str,
) -> Result<(Isac, Vec<Organization>), AppError> {
    let isac = isac(state, code).await?;
    let orgs = match isac.group_id {
        Some(g) => state.store.orgs_of_group(GroupId(g)).await?,
        None => Vec::new(),
    };
    let own = who.user().and_then(|u| u.org_id.0);
    let member = own.is_some_and(|o| orgs.contains(&o));
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::IsacMembers { member },
    )
    .await?;
    let mut out = Vec::new();
    for o in orgs {
        if let Some(org) = state.store.get_org(o).await? {
            out.push(org);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((isac, out))
}

/// An admin maps an ISAC to a sharing group (empty: to none).
pub async fn map_isac(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    code: &str,
    group: &str,
) -> Result<(), AppError> {
    check(state, who, ctx, Action::Update, &Resource::SharingGroup).await?;
    let group = match group.trim() {
        "" => None,
        g => {
            let id: GroupId = g
                .parse()
                .map_err(|_| AppError::field("group_id", "error-choice"))?;
            if state.store.get_group(id).await?.is_none() {
                return Err(AppError::field("group_id", "error-choice"));
            }
            Some(id)
        }
    };
    let mut tx = state.store.begin().await?;
    if !tx.set_isac_group(code.trim(), group).await? {
        return Err(AppError::NotFound);
    }
    let mut a = audit_entry(who, ctx, "isac.map", "isac", code.trim());
    a.detail = group.map(|g| g.to_string()).unwrap_or_default();
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// What an organization's page shows: the organization, what it said of itself, the
/// sharing groups and ISACs it belongs to, and its alliance membership.
#[derive(Clone, Debug)]
pub struct OrgPage {
    /// The organization.
    pub org: Organization,
    /// What it said when it signed up.
    pub profile: OrgProfile,
    /// The sharing groups it is in.
    pub groups: Vec<SharingGroup>,
    /// The ISACs whose groups it is in.
    pub isacs: Vec<Isac>,
    /// Its alliance membership, if it ever applied.
    pub alliance: Option<AllianceMember>,
    /// The reader may apply to the alliance for it now.
    pub may_apply: bool,
    /// Its people, when the reader may list them (its members, the staff).
    pub colleagues: Option<Vec<tocsin_storage::User>>,
    /// The reader may invite colleagues into it.
    pub may_invite: bool,
}

/// A colleague a member invites into their organization.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ColleagueInput {
    /// Their name.
    pub name: String,
    /// Their mail address; the invitation goes there.
    pub email: String,
}

/// Invites a colleague into `org`: a new account of the organization with the member
/// role and nothing more, mailed a set-password link. The policy lets the organization's
/// own members (and admins) do it; the roles are not the inviter's to choose.
pub async fn invite_colleague(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
    input: &ColleagueInput,
) -> Result<tocsin_storage::User, AppError> {
    let as_user = super::UserInput {
        email: input.email.clone(),
        name: input.name.clone(),
        org_id: org.to_string(),
        roles: membership::first_user_roles(true)
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        password: String::new(),
        quiet: false,
    };
    let (new, _) = as_user.validate().map_err(AppError::Validation)?;
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Colleagues { org: Some(org) },
    )
    .await?;
    super::insert_user(state, who, ctx, &new, "colleague.invite", true).await
}

/// The people of `org`, for its members and the staff.
pub async fn colleagues(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
) -> Result<Vec<tocsin_storage::User>, AppError> {
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::Colleagues { org: Some(org) },
    )
    .await?;
    Ok(state.store.users_of_org(org).await?)
}

/// An organization's page (the staff, and its own users).
pub async fn org_page(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    org: OrgId,
) -> Result<OrgPage, AppError> {
    let o = super::get_org(state, who, ctx, org).await?;
    let profile = state.store.get_org_profile(org).await?.unwrap_or_default();
    let mine = state.store.groups_of_org(org).await?;
    let groups: Vec<SharingGroup> = state
        .store
        .list_groups()
        .await?
        .into_iter()
        .filter(|g| mine.contains(&g.id))
        .collect();
    let isacs = state
        .store
        .list_isacs()
        .await?
        .into_iter()
        .filter(|i| i.group_id.is_some_and(|g| mine.contains(&GroupId(g))))
        .collect();
    let alliance = state.store.get_alliance_member(org).await?;
    let current = match &alliance {
        Some(m) => Some(stored_state(m)?),
        None => None,
    };
    let may = |action, resource: Resource| {
        who.principal()
            .is_some_and(|p| tocsin_domain::policy::authorize(Some(&p), action, &resource).is_ok())
    };
    let may_create = may(
        Action::Create,
        Resource::AllianceApplication { org: Some(org) },
    );
    let mates = Resource::Colleagues { org: Some(org) };
    let colleagues = if may(Action::List, mates.clone()) {
        Some(colleagues(state, who, ctx, org).await?)
    } else {
        None
    };
    Ok(OrgPage {
        org: o,
        profile,
        groups,
        isacs,
        alliance,
        may_apply: may_create && AllianceState::may_apply(current),
        colleagues,
        may_invite: may(Action::Create, mates),
    })
}

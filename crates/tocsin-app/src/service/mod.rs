//! The operations behind both the web pages and the API: each checks the access policy,
//! validates, writes in one transaction with its audit entry, and returns typed results.
//! Handlers only extract input and present output.
//!
//! The modules, one per desk: this one for accounts and organizations, `reports.rs` for the
//! reporting desk (intake, status link, transitions, notes, messages, tasks, survey; the
//! shared reporter path `file_report` every report kind goes through, which with
//! `idempotency.rs` answers a repeated submission with the first receipt), with
//! `intake.rs` its writer: the group commit that numbers and commits the intakes waiting
//! in one transaction, then answers each;
//! `phishing.rs` for URL cases, contacts, RDAP, notices, escalation, feeds and figures,
//! with `fetch.rs` its evidence fetcher (each hop resolved once, checked, and connected to
//! only at the checked addresses);
//! `vuln.rs` for vulnerability intake, the CNA workflow, CVE ids, records and advisories;
//! `csaf.rs` for advisories as CSAF 2.0 documents (a revision released with each change of a
//! published case), the trusted provider's layout under the TLP policy, and imported CSAF
//! advisories of vendors and foreign CERTs;
//! `intel.rs` for intel sharing: submission (web, API, TXT), FBI feedback, re-sharing that
//! may only keep or tighten the TLP, desk edits above the TLP floor, sharing with groups,
//! organizations and people with the TXT mailed to each recipient the policy admits and
//! every delivery recorded, the per-organization inbox and search, incident → draft with
//! the reporter stripped, sharing groups; `intel_import.rs` for the operator's bulk import
//! (TXT forms, JSON lines, STIX bundles of any size read by `stix::stream_objects` in
//! windows of 1,000 objects) as drafts, streamed in batches of one transaction and one audit
//! entry each (`Tx::insert_intel_batch`), every bad record reported, none half-stored;
//! `taxii.rs` for TAXII 2.1: collections (one per sharing group), pages of objects,
//! manifest, versions, delete, POSTed bundles into draft records with a status resource,
//! HTTP Basic (API token or the password, throttled) beside bearer tokens, and `publish`,
//! which `intel::share` and `intel::edit` call to put a shared record's objects into its
//! groups' collections (an edit is a new version); and the indicator blocklists
//! (`api/blocklist.rs`: TXT and CSV by kind, victims left out) under the same scope;
//! `phishing::feed_stix` and `vuln::advisories_stix` give verified phishing URLs and
//! published advisories as STIX bundles, `intel::stix_bundle` one record;
//! `matching.rs` for IOC matching ("check my logs"): observables against the indicators
//! of the records the caller may read, from an in-memory index kept up to date;
//! `feeds.rs` for the MISP feed, from the intel listing's scope (shared records only);
//! `mail_intake.rs` for mail handed over by the
//! mailgate: stored whole first, deduplicated by hash, replies joined to their case (tracking
//! number or In-Reply-To, parties only), routed by recipient into the same intake functions
//! as the forms, automatic mail never answered, floods and strangers held with a reason;
//! `points.rs` for the reward scheme: awards and reversals called inside the desks'
//! transition transactions, balance, history, catalog, redemptions held and decided,
//! audited adjustments, the leaderboard and its opt-out;
//! `virus.rs` for Virus Check, and `yara.rs` for the admins' YARA rule sets of its engine.
//! `referral.rs` for assistance referrals (consent, offer, acceptance, the choice that
//! mails each side the other's contact, outcome, rating).
//! `account.rs` for what a signed-in user finds of their own: their and their
//! organization's reports of every kind, a vendor's notified cases, claiming a report filed
//! signed out, form prefill, and "forgot password" and password change.
//! `virus.rs` for Virus Check (uploads, the scan queue and its workers, the report), with
//! `virus_desk.rs` for a signed-in uploader's history, the desk's page and what the desk
//! makes of an analysis (an intel draft, a note on a report), and the upload limit;
//! `virus_mail.rs` for Virus Check by mail (attachments checked, verdicts mailed back).
//! `membership.rs` for organizations that sign themselves up (`/join`: mail confirmed by a
//! one-time link, vetted, approval making the organization and its first user), the
//! CERT/CSIRT alliance (RFC 2350 team profiles, its state table, the sharing group
//! approval adds to, the members' directory and the public list) and the ISAC pages.
//! `pgp.rs` for the desk's OpenPGP and published identity: its key, the public key and WKD,
//! security.txt, users' uploaded keys, the one look-up of a recipient's key, and opening
//! encrypted mail to intake.
//! `newsletter.rs` for the monthly e-newsletter (double opt-in subscription, one-click
//! unsubscribe, bounces, drafts, the resumable rate-limited send) and the public monthly
//! statistics.
//! `teams.rs` for the directory of other CSIRTs (import and export in FIRST's and Trusted
//! Introducer's shapes, keys checked against their fingerprints, which team answers for an
//! address), and `forward.rs` for the desk's threads with them: forwards cut by the policy
//! at the TLP the desk picks, replies threaded through mail intake with the team's ticket
//! number, requests from a team's address, reminders.
//! `home.rs` for the staff home: what needs action now on each desk, counted through each
//! desk's own use case.

pub mod account;
pub mod csaf;
pub mod feeds;
pub mod fetch;
pub mod forward;
pub mod home;
pub mod idempotency;
pub mod intake;
pub mod intel;
pub mod intel_import;
pub mod mail_intake;
pub mod matching;
pub mod membership;
pub mod newsletter;
pub mod pgp;
pub mod phishing;
pub mod points;
pub mod referral;
pub mod reports;
pub mod taxii;
pub mod teams;
pub mod virus;
pub mod virus_desk;
pub mod virus_mail;
pub mod vuln;
pub mod yara;

use serde::Deserialize;
use tocsin_domain::policy::{Action, Resource, authorize};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::{ApiTokenId, FieldError, OrgId, OrgKind, Role, Roles, UserId};
use tocsin_storage::{
    ApiToken, AuditEntry, AuditFilter, NewAuditEntry, NewOrganization, NewUser, Organization,
    StorageError, User,
};

use crate::auth::{self, CurrentUser};
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// An audit entry for the current request.
pub fn audit_entry(
    who: &CurrentUser,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    id: &str,
) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: who.account().map(|u| u.id),
        actor: who.actor(),
        action: action.to_string(),
        target_kind: kind.to_string(),
        target_id: id.to_string(),
        detail: String::new(),
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
    }
}

/// Asks the policy; a refusal of a confidential resource is itself audited.
pub async fn check(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    action: Action,
    resource: &Resource,
) -> Result<(), AppError> {
    let p = who.principal();
    match authorize(p.as_ref(), action, resource) {
        Ok(()) => Ok(()),
        Err(denied) => {
            let mut e = audit_entry(who, ctx, "access.denied", resource_kind(resource), "");
            e.detail = format!("{action:?}");
            state.store.audit(&e).await?;
            Err(denied.into())
        }
    }
}

/// [`check`] for one confidential record named by its id or tracking number (a report, a
/// case, an intel record). Its existence is confidential too: whoever may not read it is
/// told what they would be told of one that does not exist (404 when signed in, else the
/// request to sign in), not that it exists (403).
pub async fn check_hidden(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    action: Action,
    resource: &Resource,
) -> Result<(), AppError> {
    match check(state, who, ctx, action, resource).await {
        Err(AppError::Forbidden | AppError::Unauthorized)
            if authorize(who.principal().as_ref(), Action::Read, resource).is_err() =>
        {
            Err(hidden(who))
        }
        other => other,
    }
}

/// What a caller is told of a record that does not exist (or that they may not know of).
pub fn hidden(who: &CurrentUser) -> AppError {
    if who.user().is_some() {
        AppError::NotFound
    } else {
        AppError::Unauthorized
    }
}

fn resource_kind(r: &Resource) -> &'static str {
    match r {
        Resource::Organization(_) => "organization",
        Resource::User { .. } | Resource::UserAccess { .. } => "user",
        Resource::ApiToken { .. } => "api_token",
        Resource::AuditLog => "audit_log",
        Resource::Outbox => "outbox",
        Resource::Vulnerability { .. } => "report",
        Resource::Intel { .. } => "intel",
        Resource::SharingGroup => "sharing_group",
        Resource::TaxiiCollection { .. } => "taxii_collection",
        Resource::InboundMail => "inbound_mail",
        Resource::Statistics => "statistics",
        Resource::NewsletterIssue => "newsletter_issue",
        Resource::NewsletterSubscribers => "newsletter_subscriber",
        Resource::Metrics => "metrics",
        Resource::PhishingFeed => "phishing_feed",
        Resource::PointsAccount { .. } => "points_account",
        Resource::PointsCatalog => "points_catalog",
        Resource::Leaderboard => "leaderboard",
        Resource::YaraRules => "yara_rule_set",
        Resource::TeamDirectory => "team",
        Resource::Referral { .. } => "referral",
        Resource::VirusAnalyses { .. } => "virus_analysis",
        Resource::Report { .. } => "report",
        Resource::CsafDocument { .. } => "csaf_document",
        Resource::OrgApplication => "org_application",
        Resource::AllianceApplication { .. } => "alliance_application",
        Resource::AllianceDirectory { .. } => "alliance_directory",
        Resource::IsacMembers { .. } => "isac_members",
        Resource::Colleagues { .. } => "user",
    }
}

/// Input for creating an organization (form and JSON).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgInput {
    /// Name, unique.
    pub name: String,
    /// Sector.
    pub sector: String,
    /// One of company, manufacturer, security_firm, vendor, isac, cert, isp, academia.
    pub kind: String,
    /// Alliance member: true, or "on" from a checkbox.
    #[serde(deserialize_with = "de_bool_loose")]
    pub alliance_member: bool,
}

/// A boolean as JSON writes it, or as a form checkbox sends it (`on`, `true`, `1`).
pub fn de_bool_loose<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        B(bool),
        S(String),
    }
    Ok(match B::deserialize(d)? {
        B::B(b) => b,
        B::S(s) => matches!(s.as_str(), "on" | "true" | "1" | "yes"),
    })
}

impl OrgInput {
    /// Validates into a storage record.
    pub fn validate(&self) -> Result<NewOrganization, FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("name", validate::required_line(&self.name, 200));
        e.check("sector", validate::optional_line(&self.sector, 100));
        let kind = self.kind.parse::<OrgKind>();
        if kind.is_err() {
            e.add("kind", FieldError::new("error-choice"));
        }
        e.into_result()?;
        Ok(NewOrganization {
            name: self.name.trim().to_string(),
            sector: self.sector.trim().to_string(),
            kind: kind.unwrap_or(OrgKind::Company),
            alliance_member: self.alliance_member,
        })
    }
}

/// Creates an organization.
pub async fn create_org(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &OrgInput,
) -> Result<Organization, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::Organization(None),
    )
    .await?;
    let new = input.validate().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let org = match tx.create_org(&new).await {
        Ok(o) => o,
        Err(StorageError::Conflict(_)) => return Err(AppError::field("name", "error-taken")),
        Err(e) => return Err(e.into()),
    };
    tx.audit(&audit_entry(
        who,
        ctx,
        "org.create",
        "organization",
        &org.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(org)
}

/// Lists organizations.
pub async fn list_orgs(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<Organization>, AppError> {
    check(state, who, ctx, Action::List, &Resource::Organization(None)).await?;
    Ok(state.store.list_orgs().await?)
}

/// Input for creating a user (form and JSON).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserInput {
    /// Mail address, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Organization id, or empty for none.
    pub org_id: String,
    /// Roles: reporter, member, analyst, coordinator, admin, partner.
    #[serde(deserialize_with = "de_roles")]
    pub roles: Vec<String>,
    /// Initial password (12+ characters), or empty to set later.
    pub password: String,
    /// Do not mail the new user about the account: the console operator hands it over
    /// in person (`tocsin admin create-user` without `--mail`). Never set by a request.
    #[serde(skip)]
    pub quiet: bool,
}

/// Roles come as a JSON list, or from a form as one value or a comma-separated list.
pub fn de_roles<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum R {
        L(Vec<String>),
        S(String),
    }
    Ok(match R::deserialize(d)? {
        R::L(v) => v,
        R::S(s) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
    })
}

impl UserInput {
    fn validate(&self) -> Result<(NewUser, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        e.check("email", validate::email(&self.email));
        e.check("name", validate::required_line(&self.name, 200));
        let org_id = match self.org_id.trim() {
            "" => None,
            s => match s.parse::<OrgId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    e.add("org_id", FieldError::new("error-choice"));
                    None
                }
            },
        };
        let roles: Result<Vec<Role>, _> = self.roles.iter().map(|r| r.parse::<Role>()).collect();
        let roles = match roles {
            Ok(r) if !r.is_empty() => Roles::new(r),
            _ => {
                e.add("roles", FieldError::new("error-choice"));
                Roles::default()
            }
        };
        let password = if self.password.is_empty() {
            None
        } else {
            e.check("password", validate::password(&self.password));
            Some(self.password.clone())
        };
        e.into_result()?;
        Ok((
            NewUser {
                email: validate::normalize_email(&self.email),
                name: self.name.trim().to_string(),
                org_id,
                roles,
                password_hash: None,
            },
            password,
        ))
    }
}

/// Creates a user.
pub async fn create_user(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &UserInput,
) -> Result<User, AppError> {
    let (mut new, password) = input.validate().map_err(AppError::Validation)?;
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::User {
            id: None,
            org: new.org_id,
        },
    )
    .await?;
    if let Some(pw) = password {
        new.password_hash = Some(auth::hash_password(pw).await?);
    }
    insert_user(state, who, ctx, &new, "user.create", !input.quiet).await
}

/// Stores a validated new user the caller was allowed to create, audits it as `action`
/// and, when `mail`, tells them (with a set-password link when they have no password),
/// all in one transaction.
async fn insert_user(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    new: &NewUser,
    action: &str,
    mail: bool,
) -> Result<User, AppError> {
    let mut tx = state.store.begin().await?;
    let user = match tx.create_user(new).await {
        Ok(u) => u,
        Err(StorageError::Conflict(_)) => return Err(AppError::field("email", "error-taken")),
        Err(StorageError::NotFound(_)) => return Err(AppError::field("org_id", "error-choice")),
        Err(e) => return Err(e.into()),
    };
    let mut a = audit_entry(who, ctx, action, "user", &user.id.to_string());
    a.detail = format!("roles={}", user.roles.to_csv());
    tx.audit(&a).await?;
    if mail {
        welcome_mail(&mut tx, state, &user).await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// How long an invitation link stays valid.
const INVITATION_DAYS: i64 = 7;

/// Tells a new user about their account; without a password yet, with a one-time link
/// to set one. Both languages, since we do not know the reader's.
async fn welcome_mail(
    tx: &mut tocsin_storage::Tx,
    state: &App,
    user: &User,
) -> Result<(), AppError> {
    if user.password_hash.is_none() {
        return password_link_mail(tx, state, user, "mail-invite-body").await;
    }
    let args = [("link", state.config.link("/login"))];
    bilingual_mail(
        tx,
        state,
        user,
        "mail-account-subject",
        "mail-account-body",
        &args,
    )
    .await
}

/// Creates a one-time set-password link for `user` and mails it, with the message
/// `body_id` (an invitation or a reset).
async fn password_link_mail(
    tx: &mut tocsin_storage::Tx,
    state: &App,
    user: &User,
    body_id: &str,
) -> Result<(), AppError> {
    let secret = auth::new_secret();
    let expires = state.now().plus(time::Duration::days(INVITATION_DAYS));
    tx.create_password_token(&auth::hash_secret(&secret), user.id, expires)
        .await?;
    let link = state.config.link(&format!("/password?token={secret}"));
    let args = [("link", link), ("days", INVITATION_DAYS.to_string())];
    let subject = if body_id == "mail-invite-body" {
        "mail-account-subject"
    } else {
        "mail-reset-subject"
    };
    bilingual_mail(tx, state, user, subject, body_id, &args).await
}

/// Queues one message in Traditional Chinese followed by English.
async fn bilingual_mail(
    tx: &mut tocsin_storage::Tx,
    state: &App,
    user: &User,
    subject_id: &str,
    body_id: &str,
    args: &[(&'static str, String)],
) -> Result<(), AppError> {
    let (subject, text) = crate::mailer::Letter {
        case: None,
        subject: subject_id,
        body: body_id,
        args,
    }
    .render_both();
    let text = format!("{}\n\n{text}", user.name);
    crate::mailer::queue(tx, state, &user.email, &subject, &text).await
}

/// Updates an organization (admin).
pub async fn update_org(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: OrgId,
    input: &OrgInput,
) -> Result<Organization, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::Organization(Some(id)),
    )
    .await?;
    let mut new = input.validate().map_err(AppError::Validation)?;
    // Once an organization has applied to the alliance, its flag follows the alliance's
    // state table, not the checkbox.
    if let Some(m) = state.store.get_alliance_member(id).await? {
        new.alliance_member = m
            .state
            .parse::<tocsin_domain::membership::AllianceState>()
            .is_ok_and(|s| s.is_member());
    }
    let mut tx = state.store.begin().await?;
    match tx.update_org(id, &new).await {
        Ok(()) => {}
        Err(StorageError::Conflict(_)) => return Err(AppError::field("name", "error-taken")),
        Err(e) => return Err(e.into()),
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "org.update",
        "organization",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    state.store.get_org(id).await?.ok_or(AppError::NotFound)
}

/// One organization (staff, or its own members).
pub async fn get_org(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: OrgId,
) -> Result<Organization, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Read,
        &Resource::Organization(Some(id)),
    )
    .await?;
    state.store.get_org(id).await?.ok_or(AppError::NotFound)
}

/// Changes to a user's access, by an admin.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserAccessInput {
    /// Display name.
    pub name: String,
    /// Organization id, or empty for none.
    pub org_id: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Whether the account is disabled (cannot sign in; sessions and tokens stop working).
    pub disabled: bool,
}

/// Changes a user's name, organization, roles and disabled flag (admin, not on oneself).
pub async fn update_user_access(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: UserId,
    input: &UserAccessInput,
) -> Result<User, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::UserAccess { id },
    )
    .await?;
    let current = state.store.get_user(id).await?.ok_or(AppError::NotFound)?;
    // The same rules as creation, reusing its validation with the stored email.
    let as_new = UserInput {
        email: current.email.clone(),
        name: input.name.clone(),
        org_id: input.org_id.clone(),
        roles: input.roles.clone(),
        password: String::new(),
        quiet: true,
    };
    let (new, _) = as_new.validate().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    match tx
        .update_user(id, &new.name, new.org_id, &new.roles, input.disabled)
        .await
    {
        Ok(()) => {}
        Err(StorageError::NotFound("organization")) => {
            return Err(AppError::field("org_id", "error-choice"));
        }
        Err(e) => return Err(e.into()),
    }
    let mut a = audit_entry(who, ctx, "user.update", "user", &id.to_string());
    a.detail = format!("roles={} disabled={}", new.roles.to_csv(), input.disabled);
    tx.audit(&a).await?;
    tx.commit().await?;
    if input.disabled {
        state.store.delete_user_sessions(id).await?;
    }
    state.store.get_user(id).await?.ok_or(AppError::NotFound)
}

/// One user (staff, oneself, or a member of the same organization).
pub async fn get_user(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: UserId,
) -> Result<User, AppError> {
    let u = state.store.get_user(id).await?.ok_or(AppError::NotFound)?;
    check(
        state,
        who,
        ctx,
        Action::Read,
        &Resource::User {
            id: Some(id),
            org: u.org_id.0,
        },
    )
    .await?;
    Ok(u)
}

/// Mails a user a one-time link to set a new password (admin).
pub async fn send_password_link(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: UserId,
) -> Result<(), AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::UserAccess { id },
    )
    .await?;
    let user = state.store.get_user(id).await?.ok_or(AppError::NotFound)?;
    let mut tx = state.store.begin().await?;
    password_link_mail(&mut tx, state, &user, "mail-reset-body").await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "user.password_link",
        "user",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password with a one-time link; ends the user's other sessions.
pub async fn set_password_with_token(
    state: &App,
    ctx: &Ctx,
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<UserId, AppError> {
    let mut e = FieldErrors::new();
    e.check("password", validate::password(password));
    if password != confirm {
        e.add(
            "password_confirm",
            FieldError::new("error-password-mismatch"),
        );
    }
    e.into_result().map_err(AppError::Validation)?;
    let hash = auth::hash_password(password.to_string()).await?;
    let mut tx = state.store.begin().await?;
    let Some(user) = tx
        .consume_password_token(&auth::hash_secret(token), state.now())
        .await?
    else {
        return Err(AppError::Forbidden);
    };
    tx.set_password_hash(user, &hash).await?;
    let mut a = audit_entry(
        &CurrentUser(None),
        ctx,
        "user.password_set",
        "user",
        &user.to_string(),
    );
    a.actor_id = Some(user);
    tx.audit(&a).await?;
    tx.commit().await?;
    state.store.delete_user_sessions(user).await?;
    Ok(user)
}

/// Lists users.
pub async fn list_users(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Vec<User>, AppError> {
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::User {
            id: None,
            org: None,
        },
    )
    .await?;
    Ok(state.store.list_users().await?)
}

/// Reads the audit log; the read is itself audited (the log is confidential). Filter
/// values with control characters match nothing (PostgreSQL refuses NUL in text).
pub async fn list_audit(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, AppError> {
    check(state, who, ctx, Action::List, &Resource::AuditLog).await?;
    state
        .store
        .audit(&audit_entry(who, ctx, "audit.read", "audit_log", ""))
        .await?;
    let fields = [
        &filter.actor,
        &filter.action,
        &filter.target_kind,
        &filter.target_id,
    ];
    if fields
        .iter()
        .any(|f| f.as_ref().is_some_and(|v| v.chars().any(char::is_control)))
    {
        return Ok(Vec::new());
    }
    Ok(state.store.list_audit(filter).await?)
}

/// Creates an API token for the current user; returns the record and the secret, which
/// is shown this once and stored only hashed.
pub async fn create_token(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    name: &str,
) -> Result<(ApiToken, String), AppError> {
    let user = who.user().ok_or(AppError::Unauthorized)?;
    check(
        state,
        who,
        ctx,
        Action::Create,
        &Resource::ApiToken { owner: user.id },
    )
    .await?;
    let mut e = FieldErrors::new();
    e.check("name", validate::required_line(name, 100));
    e.into_result().map_err(AppError::Validation)?;
    let secret = format!("tocsin_{}", auth::new_secret());
    let tok = state
        .store
        .create_api_token(user.id, name, &auth::hash_secret(&secret))
        .await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "token.create",
            "api_token",
            &tok.id.to_string(),
        ))
        .await?;
    Ok((tok, secret))
}

/// The current user's tokens.
pub async fn list_tokens(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<ApiToken>, AppError> {
    let user = who.user().ok_or(AppError::Unauthorized)?;
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::ApiToken { owner: user.id },
    )
    .await?;
    Ok(state.store.list_api_tokens(user.id).await?)
}

/// Revokes a token (its owner, or an admin).
pub async fn revoke_token(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: ApiTokenId,
) -> Result<(), AppError> {
    let tok = state
        .store
        .get_api_token(id)
        .await?
        .ok_or(AppError::NotFound)?;
    check(
        state,
        who,
        ctx,
        Action::Delete,
        &Resource::ApiToken { owner: tok.user_id },
    )
    .await?;
    state.store.revoke_api_token(id, state.now()).await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "token.revoke",
            "api_token",
            &id.to_string(),
        ))
        .await?;
    Ok(())
}

/// Signs in with email and password: returns the user and a new session secret. Throttled
/// per account and per client address, counted in the database.
pub async fn login(
    state: &App,
    ctx: &Ctx,
    email: &str,
    password: &str,
) -> Result<(User, String), AppError> {
    let u = verify_login(state, ctx, email, password).await?;
    let secret = auth::new_secret();
    let expires = state
        .now()
        .plus(time::Duration::hours(state.config.security.session_hours));
    state
        .store
        .create_session(&auth::hash_secret(&secret), u.id, expires)
        .await?;
    let who = CurrentUser(Some((u.clone(), auth::AuthMethod::Session)));
    state
        .store
        .audit(&audit_entry(
            &who,
            ctx,
            "auth.login",
            "user",
            &u.id.to_string(),
        ))
        .await?;
    Ok((u, secret))
}

/// Checks an email and password, throttled per account and per client address (counted in
/// the database) and audited on failure, without opening a session: the sign-in form's
/// check, and HTTP Basic authentication's (TAXII).
pub async fn verify_login(
    state: &App,
    ctx: &Ctx,
    email: &str,
    password: &str,
) -> Result<User, AppError> {
    // An address that cannot be one is a failed sign-in like any other, but is not
    // looked up (and control characters never reach the database).
    if validate::email(email).is_err() {
        return Err(AppError::field("password", "error-login"));
    }
    let sec = &state.config.security;
    let now = state.now();
    let since = now.plus(time::Duration::minutes(-sec.login_window_minutes));
    let email_key = format!("email:{}", validate::normalize_email(email));
    let ip_key = format!("ip:{}", ctx.ip);
    let anon = CurrentUser(None);
    // Each attempt is counted as a failure before the password is checked, atomically
    // with the count, so concurrent guesses cannot all pass a check made before any was
    // recorded; a right password forgets its attempt.
    let mut counted = Vec::new();
    for key in [&email_key, &ip_key] {
        // The address limit is wider: many people may share one NAT.
        let max = if key.starts_with("ip:") {
            sec.login_max_failures * 4
        } else {
            sec.login_max_failures
        };
        match state.store.take_login_attempt(key, now, since, max).await? {
            Some(id) => counted.push(id),
            None => {
                // Not attempted: the other key's count is returned.
                for id in counted {
                    state.store.forget_login_attempt(id).await?;
                }
                let mut a = audit_entry(&anon, ctx, "auth.login_throttled", "user", "");
                a.detail = email_key.clone();
                state.store.audit(&a).await?;
                return Err(AppError::TooManyRequests);
            }
        }
    }
    let user = state.store.find_user_by_email(email).await?;
    let ok = auth::verify_password(
        password.to_string(),
        user.as_ref().and_then(|u| u.password_hash.clone()),
    )
    .await;
    match user {
        Some(u) if ok && !u.disabled => {
            state.store.clear_login_failures(&email_key).await?;
            for id in counted {
                state.store.forget_login_attempt(id).await?;
            }
            Ok(u)
        }
        _ => {
            let mut a = audit_entry(&anon, ctx, "auth.login_failed", "user", "");
            a.detail = email_key;
            state.store.audit(&a).await?;
            Err(AppError::field("password", "error-login"))
        }
    }
}

/// Creates the first admin with a one-time setup token: the operator's own organization
/// (kind CERT) and an admin account in it, in one transaction.
pub async fn setup_first_admin(
    state: &App,
    ctx: &Ctx,
    token: &str,
    input: &UserInput,
) -> Result<User, AppError> {
    let mut first = input.clone();
    first.roles = vec!["admin".into(), "analyst".into(), "coordinator".into()];
    first.org_id = String::new();
    let (mut new, password) = first.validate().map_err(AppError::Validation)?;
    let Some(password) = password else {
        return Err(AppError::field("password", "error-required"));
    };
    new.password_hash = Some(auth::hash_password(password).await?);
    let now = state.now();
    let mut tx = state.store.begin().await?;
    if !tx
        .consume_setup_token(&auth::hash_secret(token), now)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let op = &state.config.operator;
    let org = match tx
        .create_org(&NewOrganization {
            name: op.name_zh.clone(),
            sector: String::new(),
            kind: OrgKind::Cert,
            alliance_member: true,
        })
        .await
    {
        Ok(o) => o,
        Err(StorageError::Conflict(_)) => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    new.org_id = Some(org.id);
    let user = tx.create_user(&new).await.map_err(|e| match e {
        StorageError::Conflict(_) => AppError::field("email", "error-taken"),
        e => e.into(),
    })?;
    let who = CurrentUser(Some((user.clone(), auth::AuthMethod::Session)));
    tx.audit(&audit_entry(
        &who,
        ctx,
        "setup.first_admin",
        "user",
        &user.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Creates a one-time setup token when no admin exists; returns the secret to print.
pub async fn ensure_setup_token(state: &App) -> Result<Option<String>, AppError> {
    if state.store.count_admins().await? > 0 {
        return Ok(None);
    }
    let secret = auth::new_secret();
    let expires = state.now().plus(time::Duration::hours(24));
    state
        .store
        .create_setup_token(&auth::hash_secret(&secret), expires)
        .await?;
    Ok(Some(secret))
}

/// A user as shown to others: no password hash.
#[derive(Clone, Debug, serde::Serialize)]
pub struct UserView {
    /// Id.
    pub id: UserId,
    /// Mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Organization id.
    pub org_id: Option<OrgId>,
    /// Roles.
    pub roles: Vec<String>,
    /// Disabled.
    pub disabled: bool,
    /// Created (RFC 3339).
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            name: u.name.clone(),
            org_id: u.org_id.0,
            roles: u.roles.iter().map(|r| r.as_str().to_string()).collect(),
            disabled: u.disabled,
            created_at: u.created_at.rfc3339(),
        }
    }
}

/// Who presents these credentials: an API bearer token (a wrong one is an error, not
/// anonymity: the client meant to sign in), else a session cookie's id (an unknown or
/// expired one is anonymity), else nobody.
pub async fn authenticate(
    state: &App,
    bearer: Option<&str>,
    session: Option<&str>,
) -> Result<CurrentUser, AppError> {
    let now = state.now();
    if let Some(tok) = bearer {
        return match state
            .store
            .api_token_user(&auth::hash_secret(tok), now)
            .await?
        {
            Some((_, u)) => Ok(CurrentUser(Some((u, auth::AuthMethod::Token)))),
            None => Err(AppError::Unauthorized),
        };
    }
    let Some(sid) = session else {
        return Ok(CurrentUser(None));
    };
    Ok(CurrentUser(
        state
            .store
            .session_user(&auth::hash_secret(sid), now)
            .await?
            .map(|u| (u, auth::AuthMethod::Session)),
    ))
}

/// Ends a browser session; the sign-out of a signed-in user is audited.
pub async fn logout(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    session: &str,
) -> Result<(), AppError> {
    state
        .store
        .delete_session(&auth::hash_secret(session))
        .await?;
    if who.user().is_some() {
        state
            .store
            .audit(&audit_entry(who, ctx, "auth.logout", "user", ""))
            .await?;
    }
    Ok(())
}

/// Whether the database answers (the liveness check).
pub async fn database_reachable(state: &App) -> Result<(), AppError> {
    Ok(state.store.ping().await?)
}

/// The Prometheus text of the counters, with the outbox's depth (-1 when unreadable): for
/// a scraper on an address in `security.metrics_allow`, or a user the policy lets read
/// the metrics (a `monitor` or `admin` token).
pub async fn metrics_text(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<String, AppError> {
    let allowed_address = ctx.ip.parse::<std::net::IpAddr>().is_ok_and(|ip| {
        state
            .config
            .security
            .metrics_allow_ranges
            .iter()
            .any(|r| r.contains(ip))
    });
    if !allowed_address {
        check(state, who, ctx, Action::Read, &Resource::Metrics).await?;
    }
    let depth = state.store.outbox_depth().await.unwrap_or(-1);
    Ok(state.metrics.render(depth))
}

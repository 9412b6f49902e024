//! What a signed-in user finds of their own: the reports they or their organization filed
//! (every kind), the vulnerability cases their organization was notified of as a vendor,
//! claiming a report filed while signed out with their mail address, the values their
//! report forms start with, and self-service on passwords (forgotten, changed).

use tocsin_domain::points::EarnEvent;
use tocsin_domain::policy::{
    Action, Resource, Via, authorize, own_report_scope, receives_vendor_notice, report_audience,
};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::{CnaState, FieldError, ReportKind, ReportState, TrackingNumber};
use tocsin_storage::{Report, ReportFilter, User};

use super::vuln::CaseView;
use super::{audit_entry, check};
use crate::auth::{self, CurrentUser};
use crate::context::Ctx;
use crate::error::AppError;
use crate::mailer::Letter;
use crate::state::App;

/// How long a claim link stays usable.
const CLAIM_DAYS: i64 = 2;
/// Claim links one user may ask for in an hour.
const CLAIMS_PER_HOUR: i64 = 10;
/// "Forgot password" requests from one client address in an hour.
const RESETS_PER_IP_HOUR: i64 = 20;
/// Reset mails to one address in an hour (more are silently not sent).
const RESETS_PER_ADDRESS_HOUR: i64 = 3;

/// The reports the signed-in user filed, and those their organization filed when they
/// are its member: every kind, newest first, each one the policy lets them read (a
/// colleague's vulnerability report stays the colleague's).
pub async fn my_reports(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<Report>, AppError> {
    let p = who.principal().ok_or(AppError::Unauthorized)?;
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::Report {
            org: None,
            reporter: None,
        },
    )
    .await?;
    let filter = ReportFilter {
        kind: None,
        states: Vec::new(),
        category: None,
        assignee: None,
        since: None,
        until: None,
        scope: Some(own_report_scope(&p)),
        newest_first: true,
        limit: 500,
        after: None,
    };
    let mut out = Vec::new();
    for r in state.store.list_reports(&filter).await? {
        let resource = super::reports::report_resource(state, &r).await?;
        if authorize(Some(&p), Action::Read, &resource).is_ok() {
            out.push(r);
        }
    }
    Ok(out)
}

/// `GET /api/v1/vulnerabilities` and the vendor's list: coordinators get every case (in
/// `cna_state`, when given); a vendor's member the cases their organization was notified
/// of, each cut for the vendor (never the reporter's identity); anyone else is refused.
pub async fn vulnerability_cases(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    cna_state: Option<CnaState>,
) -> Result<Vec<CaseView>, AppError> {
    let p = who.principal().ok_or(AppError::Unauthorized)?;
    let every = Resource::Vulnerability {
        vendor_org: None,
        reporter: None,
    };
    if authorize(Some(&p), Action::List, &every).is_ok() {
        let q = super::vuln::CasesQuery {
            cna_state,
            after: None,
            limit: 1000,
        };
        return Ok(super::vuln::cases(state, who, ctx, &q).await?.cases);
    }
    let org = p.org_id.filter(|_| receives_vendor_notice(&p));
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::Vulnerability {
            vendor_org: org,
            reporter: None,
        },
    )
    .await?;
    let org = org.ok_or(AppError::Forbidden)?;
    let mut out = Vec::new();
    for c in state.store.vendor_cases(org).await? {
        if cna_state.is_some_and(|s| s.as_str() != c.cna_state) {
            continue;
        }
        let Some(report) = state.store.get_report(c.report_id).await? else {
            continue;
        };
        // Set as the vendor but not yet notified: not theirs to see.
        let resource = super::vuln::resource(&report, &c);
        let Ok(audience) = report_audience(Some(&p), Via::Account, &resource) else {
            continue;
        };
        let (report, _, _) = super::reports::apply_cut(state, report, &audience.cut()).await?;
        let cna: CnaState = c
            .cna_state
            .parse()
            .map_err(|_| AppError::internal(format!("stored CNA state {}", c.cna_state)))?;
        out.push(CaseView {
            details: super::vuln::VulnDetails::of(&report),
            state: cna,
            report,
            case: c,
            audience,
            events: Vec::new(),
            files: Vec::new(),
            sla: None,
            duplicates: Vec::new(),
        });
    }
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "vuln.vendor_list",
            "organization",
            &org.to_string(),
        ))
        .await?;
    Ok(out)
}

/// Asks for a claim link for the report `tracking`: when it was filed signed out with the
/// signed-in user's mail address, a one-time link is mailed to that address. The answer
/// is the same whether or not anything was sent, so nobody learns whose a report is.
pub async fn request_claim(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<(), AppError> {
    let user = who.user().ok_or(AppError::Unauthorized)?.clone();
    let tn: TrackingNumber = tracking
        .trim()
        .parse()
        .map_err(|_| AppError::field("tracking", "error-tracking-number"))?;
    let now = state.now();
    let mut tx = state.store.begin().await?;
    if !tx
        .take_rate_slot(
            &format!("claim:{}", user.id),
            now,
            now.plus(time::Duration::hours(-1)),
            CLAIMS_PER_HOUR,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let report = state.store.report_by_tracking(&tn.to_string()).await?;
    let mine = report.filter(|r| {
        r.reporter_user_id.is_none()
            && !r.reporter_email.is_empty()
            && validate::normalize_email(&r.reporter_email)
                == validate::normalize_email(&user.email)
    });
    let mut a = audit_entry(
        who,
        ctx,
        "report.claim_requested",
        "report",
        &tn.to_string(),
    );
    if let Some(r) = mine {
        let secret = auth::new_secret();
        tx.create_report_claim(
            &auth::hash_secret(&secret),
            r.id,
            user.id,
            now.plus(time::Duration::days(CLAIM_DAYS)),
        )
        .await?;
        let link = state
            .config
            .link(&format!("/my/reports/claim?token={secret}"));
        let args = [
            ("tracking", r.tracking_id.clone()),
            ("link", link),
            ("days", CLAIM_DAYS.to_string()),
        ];
        let (subject, text) = Letter {
            case: None,
            subject: "own-mail-claim-subject",
            body: "own-mail-claim-body",
            args: &args,
        }
        .render_both();
        crate::mailer::queue(&mut tx, state, &r.reporter_email, &subject, &text).await?;
        a.detail = "mailed".into();
    } else {
        a.detail = "not-eligible".into();
    }
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Follows a claim link as the user who asked for it: the report becomes theirs (and their
/// organization's), as if they had filed it signed in, points included. Returns its
/// tracking number. A link that is used up, expired or another user's is refused.
pub async fn confirm_claim(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    token: &str,
) -> Result<String, AppError> {
    let user = who.user().ok_or(AppError::Unauthorized)?.clone();
    let mut tx = state.store.begin().await?;
    let Some(id) = tx
        .consume_report_claim(&auth::hash_secret(token), user.id, state.now())
        .await?
    else {
        return Err(AppError::Forbidden);
    };
    let tracking = state
        .store
        .get_report(id)
        .await?
        .ok_or(AppError::NotFound)?
        .tracking_id;
    let mut r = tx
        .report_for_update(&tracking)
        .await?
        .ok_or(AppError::NotFound)?;
    // Claimed meanwhile (another link of the same user): nothing more to do.
    if r.reporter_user_id.is_some() {
        return Err(AppError::Forbidden);
    }
    r.reporter_user_id = Some(user.id.uuid());
    r.org_id = user.org_id.0.map(|o| o.uuid());
    tx.set_report_reporter(r.id, r.reporter_user_id, r.org_id)
        .await?;
    // Points already earned had there been an account: an incident the desk verified.
    let verified = matches!(
        r.state,
        ReportState::Triaged
            | ReportState::InProgress
            | ReportState::Resolved
            | ReportState::Closed
    );
    if r.kind == ReportKind::Incident && verified {
        super::points::award(
            &mut tx,
            state,
            who,
            EarnEvent::IncidentVerified,
            None,
            super::points::SOURCE_REPORT,
            &r.tracking_id,
            super::points::holder_of(r.org_id, r.reporter_user_id),
        )
        .await?;
    }
    tx.audit(&audit_entry(who, ctx, "report.claim", "report", &tracking))
        .await?;
    tx.commit().await?;
    Ok(tracking)
}

/// The values a signed-in user's report forms start with.
#[derive(Clone, Debug, Default)]
pub struct Prefill {
    /// The user's name.
    pub name: String,
    /// Their organization's name, if any.
    pub organization: String,
    /// Their phone (not stored yet: empty).
    pub phone: String,
    /// Their mail address.
    pub email: String,
}

/// What the signed-in user's report forms start with; empty for anonymous callers.
pub async fn prefill(state: &App, who: &CurrentUser) -> Result<Prefill, AppError> {
    let Some(u) = who.user() else {
        return Ok(Prefill::default());
    };
    let organization = match u.org_id.0 {
        Some(o) => state
            .store
            .get_org(o)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Prefill {
        name: u.name.clone(),
        organization,
        phone: u.phone.clone(),
        email: u.email.clone(),
    })
}

/// The signed-in user, once the policy lets them change their own account.
pub(crate) async fn own_account(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<User, AppError> {
    let user = who.user().ok_or(AppError::Unauthorized)?.clone();
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::User {
            id: Some(user.id),
            org: user.org_id.0,
        },
    )
    .await?;
    Ok(user)
}

/// Sets (or, empty, clears) the signed-in user's phone, which prefills their report forms.
/// Checked as the incident form checks a phone (so a prefilled form is never refused for
/// it): at most 50 characters of digits, spaces, `+ - ( ) #` and an extension; refused on
/// field `phone`. Audited.
pub async fn set_phone(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    phone: &str,
) -> Result<(), AppError> {
    let user = own_account(state, who, ctx).await?;
    let mut e = FieldErrors::new();
    e.check("phone", validate::phone(phone));
    e.into_result().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    tx.set_user_phone(user.id, phone.trim()).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "user.phone",
        "user",
        &user.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// "Forgot password": mails the account with this address a one-time link to set a new
/// password. The caller is told the same whether or not the address has an account
/// (nothing is enumerated); throttled per client address (429) and per address (further
/// mails are silently not sent).
pub async fn forgot_password(state: &App, ctx: &Ctx, email: &str) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    e.check("email", validate::email(email));
    e.into_result().map_err(AppError::Validation)?;
    let email = validate::normalize_email(email);
    let now = state.now();
    let hour_ago = now.plus(time::Duration::hours(-1));
    let mut tx = state.store.begin().await?;
    if !tx
        .take_rate_slot(
            &format!("forgot:ip:{}", ctx.ip),
            now,
            hour_ago,
            RESETS_PER_IP_HOUR,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let within = tx
        .take_rate_slot(
            &format!("forgot:email:{email}"),
            now,
            hour_ago,
            RESETS_PER_ADDRESS_HOUR,
        )
        .await?;
    let user = state.store.find_user_by_email(&email).await?;
    let anon = CurrentUser(None);
    let mut a = audit_entry(&anon, ctx, "user.password_forgot", "user", "");
    match user.filter(|u| !u.disabled) {
        Some(u) if within => {
            super::password_link_mail(&mut tx, state, &u, "own-mail-forgot-body").await?;
            a.target_id = u.id.to_string();
            a.actor_id = Some(u.id);
        }
        _ => a.detail = email,
    }
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the signed-in user's password: the current one first, then the new one twice.
/// Every session of the user ends (they sign in again with the new password).
pub async fn change_password(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    current: &str,
    password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    let user = own_account(state, who, ctx).await?;
    let mut e = FieldErrors::new();
    e.check("password", validate::password(password));
    if password != confirm {
        e.add(
            "password_confirm",
            FieldError::new("error-password-mismatch"),
        );
    }
    if !auth::verify_password(current.to_string(), user.password_hash.clone()).await {
        e.add("current_password", FieldError::new("error-login"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let hash = auth::hash_password(password.to_string()).await?;
    let mut tx = state.store.begin().await?;
    tx.set_password_hash(user.id, &hash).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "user.password_change",
        "user",
        &user.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    state.store.delete_user_sessions(user.id).await?;
    Ok(())
}

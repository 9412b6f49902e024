//! The reward scheme (回饋獎勵機制): awards on workflow transitions, the member's balance,
//! history and catalog, redemptions held and decided, admin adjustments and the catalog,
//! and the yearly leaderboard.
//!
//! Awards are called by the desks' transition functions inside their own transaction
//! ([`on_report_transition`], [`award`]), so a transition and its points commit together;
//! the idempotency key of the domain makes a retried or raced transition award once, and
//! a later reclassification to duplicate or spam posts the compensating entry.

use serde::{Deserialize, Serialize};
use tocsin_domain::points::{
    CvssSeverity, EarnEvent, EntryKind, ItemInput, RedemptionState, idempotency_key,
};
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::validate::{self, FieldErrors};
use tocsin_domain::workflow::RejectionReason;
use tocsin_domain::{FieldError, Locale, OrgId, ReportState, UserId};
use tocsin_storage::{
    HoldRefused, Holder, LeaderRow, NewEntry, PointsAccount, PointsEntry, PointsItem, Redemption,
    Report, Tx,
};
use uuid::Uuid;

use super::{audit_entry, check};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mailer::Letter;
use crate::state::App;

/// The source kind of report entries: the record is the tracking number.
pub const SOURCE_REPORT: &str = "report";
/// The source kind of phishing URL entries.
pub const SOURCE_PHISH_URL: &str = "phish_url";
/// The source kind of intel record entries.
pub const SOURCE_INTEL: &str = "intel";

/// Whose account earns from a report: the reporting organization's, else the filing
/// individual's; anonymous reports earn nothing (there is nobody to credit).
pub fn holder_of(org: Option<Uuid>, user: Option<Uuid>) -> Option<Holder> {
    match (org, user) {
        (Some(o), _) => Some(Holder::Org(OrgId(o))),
        (None, Some(u)) => Some(Holder::User(UserId(u))),
        (None, None) => None,
    }
}

/// The account a signed-in user holds: their organization's, else their own.
fn holder_of_user(who: &CurrentUser) -> Result<Holder, AppError> {
    let u = who.user().ok_or(AppError::Unauthorized)?;
    Ok(match u.org_id.0 {
        Some(o) => Holder::Org(o),
        None => Holder::User(u.id),
    })
}

fn resource_of(h: Holder) -> Resource {
    match h {
        Holder::Org(o) => Resource::PointsAccount {
            org: Some(o),
            user: None,
        },
        Holder::User(u) => Resource::PointsAccount {
            org: None,
            user: Some(u),
        },
    }
}

/// Awards the rule for `event` on a record, once per (rule, record), in the caller's
/// transaction. Nothing happens when the rule is off or nobody is to be credited.
#[allow(clippy::too_many_arguments)]
pub async fn award(
    tx: &mut Tx,
    state: &App,
    who: &CurrentUser,
    event: EarnEvent,
    severity: Option<CvssSeverity>,
    source_kind: &str,
    source_id: &str,
    holder: Option<Holder>,
) -> Result<Option<PointsEntry>, AppError> {
    let points = state.config.points.points(event, severity);
    let Some(holder) = holder else {
        return Ok(None);
    };
    if points == 0 {
        return Ok(None);
    }
    let (kind, delta) = if event == EarnEvent::SpamPenalty {
        (EntryKind::Penalty, -points)
    } else {
        (EntryKind::Award, points)
    };
    let account = tx.points_account(holder).await?;
    Ok(tx
        .post_points_entry(&NewEntry {
            account_id: account.id,
            delta,
            kind,
            rule: event.as_str().to_string(),
            source_kind: source_kind.to_string(),
            source_id: source_id.to_string(),
            idempotency_key: Some(idempotency_key(kind, event, source_kind, source_id)),
            reason: severity.map(|s| s.as_str().to_string()).unwrap_or_default(),
            actor_id: who.user().map(|u| u.id),
            actor: who.actor(),
        })
        .await?)
}

/// Reverses every award a record earned (it turned out a duplicate or spam): one
/// compensating entry per award, itself once per (rule, record). A reversal takes only
/// what the account still has beyond its holds: the ledger is never overdrawn.
pub async fn reverse(
    tx: &mut Tx,
    who: &CurrentUser,
    source_kind: &str,
    source_id: &str,
    why: &str,
) -> Result<(), AppError> {
    let awards = tx
        .points_entries_for_source(EntryKind::Award, source_kind, source_id)
        .await?;
    for a in awards {
        let Ok(event) = a.rule.parse::<EarnEvent>() else {
            return Err(AppError::Internal(format!(
                "unknown points rule {}",
                a.rule
            )));
        };
        tx.post_points_entry(&NewEntry {
            account_id: a.account_id,
            delta: -a.delta,
            kind: EntryKind::Reversal,
            rule: a.rule.clone(),
            source_kind: source_kind.to_string(),
            source_id: source_id.to_string(),
            idempotency_key: Some(idempotency_key(
                EntryKind::Reversal,
                event,
                source_kind,
                source_id,
            )),
            reason: why.to_string(),
            actor_id: who.user().map(|u| u.id),
            actor: who.actor(),
        })
        .await?;
    }
    Ok(())
}

/// The points side of a report's SOP transition: triaged (verified by the desk) earns the
/// incident rule; duplicate reverses; rejected as spam reverses and takes the penalty.
/// Rejected for other reasons earns nothing and takes nothing.
pub async fn on_report_transition(
    tx: &mut Tx,
    state: &App,
    who: &CurrentUser,
    r: &Report,
    to: ReportState,
) -> Result<(), AppError> {
    let holder = holder_of(r.org_id, r.reporter_user_id);
    let spam = r.rejection_reason == RejectionReason::Spam.as_str();
    match to {
        ReportState::Triaged if r.kind == tocsin_domain::ReportKind::Incident => {
            award(
                tx,
                state,
                who,
                EarnEvent::IncidentVerified,
                None,
                SOURCE_REPORT,
                &r.tracking_id,
                holder,
            )
            .await?;
        }
        ReportState::Duplicate => {
            reverse(tx, who, SOURCE_REPORT, &r.tracking_id, "duplicate").await?;
        }
        ReportState::Rejected if spam => {
            reverse(tx, who, SOURCE_REPORT, &r.tracking_id, "spam").await?;
            award(
                tx,
                state,
                who,
                EarnEvent::SpamPenalty,
                None,
                SOURCE_REPORT,
                &r.tracking_id,
                holder,
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// The CVSS severity of a score as tocsin writes it (`7.6`); None when there is none.
pub fn severity_of_score(score: &str) -> Option<CvssSeverity> {
    let v: f64 = score.trim().parse().ok()?;
    if !(0.0..=10.0).contains(&v) {
        return None;
    }
    // In range, so the cast cannot truncate.
    Some(CvssSeverity::from_tenths((v * 10.0).round() as u8))
}

/// An account's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Balance {
    /// The account id.
    pub account_id: Uuid,
    /// The sum of the ledger.
    pub balance: i64,
    /// Held for redemptions awaiting a decision.
    pub held: i64,
    /// What may be spent now.
    pub available: i64,
    /// Whether the organization is left unnamed on the leaderboard.
    pub leaderboard_opt_out: bool,
}

impl From<&PointsAccount> for Balance {
    fn from(a: &PointsAccount) -> Self {
        Balance {
            account_id: a.id,
            balance: a.balance,
            held: a.held,
            available: a.available(),
            leaderboard_opt_out: a.leaderboard_opt_out,
        }
    }
}

/// The caller's own account, opened on first look, after the policy check.
async fn own_account(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    action: Action,
) -> Result<(Holder, PointsAccount), AppError> {
    let holder = holder_of_user(who)?;
    check(state, who, ctx, action, &resource_of(holder)).await?;
    if let Some(a) = state.store.points_account_of(holder).await? {
        return Ok((holder, a));
    }
    let mut tx = state.store.begin().await?;
    let a = tx.points_account(holder).await?;
    tx.commit().await?;
    Ok((holder, a))
}

/// The caller's balance.
pub async fn balance(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Balance, AppError> {
    let (_, a) = own_account(state, who, ctx, Action::Read).await?;
    let (cached, sum) = state.store.points_ledger_check(a.id).await?;
    if cached != sum {
        // The cache is only trusted while it agrees with the ledger.
        return Err(AppError::Internal(format!(
            "points balance {cached} differs from its ledger {sum}"
        )));
    }
    Ok(Balance::from(&a))
}

/// The caller's ledger, newest first.
pub async fn history(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<PointsEntry>, AppError> {
    let (_, a) = own_account(state, who, ctx, Action::Read).await?;
    Ok(state.store.points_history(a.id, 500).await?)
}

/// The caller's redemptions, newest first.
pub async fn my_redemptions(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<Redemption>, AppError> {
    let (_, a) = own_account(state, who, ctx, Action::Read).await?;
    Ok(state.store.redemptions(Some(a.id), None, 500).await?)
}

/// Whether the caller holds a points account the policy lets them read: what decides
/// whether the pages offer the member's points page.
pub fn has_account(who: &CurrentUser) -> bool {
    let Ok(holder) = holder_of_user(who) else {
        return false;
    };
    tocsin_domain::policy::authorize(who.principal().as_ref(), Action::Read, &resource_of(holder))
        .is_ok()
}

/// A redemption with the names people read: the item's and the account holder's.
#[derive(Clone, Debug)]
pub struct RedemptionLine {
    /// The redemption.
    pub redemption: Redemption,
    /// The item, if it still exists.
    pub item: Option<PointsItem>,
    /// The organization's or the individual's name.
    pub holder: String,
}

/// Names the items and holders of redemptions the caller was already allowed to read
/// (from [`my_redemptions`] or [`pending`]).
pub async fn describe(state: &App, rows: Vec<Redemption>) -> Result<Vec<RedemptionLine>, AppError> {
    let mut items: std::collections::HashMap<Uuid, Option<PointsItem>> = Default::default();
    let mut holders: std::collections::HashMap<Uuid, String> = Default::default();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let std::collections::hash_map::Entry::Vacant(v) = items.entry(r.item_id) {
            v.insert(state.store.points_item(r.item_id).await?);
        }
        if let std::collections::hash_map::Entry::Vacant(v) = holders.entry(r.account_id) {
            let account = state.store.points_account_by_id(r.account_id).await?;
            let name = match account.and_then(|a| a.holder()) {
                Some(Holder::Org(o)) => state.store.get_org(o).await?.map(|o| o.name),
                Some(Holder::User(u)) => state.store.get_user(u).await?.map(|u| u.name),
                None => None,
            };
            v.insert(name.unwrap_or_default());
        }
        out.push(RedemptionLine {
            item: items.get(&r.item_id).cloned().flatten(),
            holder: holders.get(&r.account_id).cloned().unwrap_or_default(),
            redemption: r,
        });
    }
    Ok(out)
}

/// The items on offer today (every item for admins when `all`).
pub async fn catalog(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    all: bool,
) -> Result<Vec<PointsItem>, AppError> {
    let action = if all { Action::Update } else { Action::List };
    check(state, who, ctx, action, &Resource::PointsCatalog).await?;
    // Validity windows are the desk's days: a window's last day ends at midnight in
    // Taipei, not eight hours later.
    let today = state.today().to_string();
    Ok(state
        .store
        .points_items(if all { None } else { Some(&today) })
        .await?)
}

/// A redemption request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RedeemInput {
    /// The catalog item.
    pub item_id: String,
}

fn parse_id(s: &str, field: &'static str) -> Result<Uuid, AppError> {
    s.trim()
        .parse::<Uuid>()
        .map_err(|_| AppError::field(field, "error-choice"))
}

/// A member requests an item: the points are held and one unit of stock is taken until an
/// admin decides.
pub async fn redeem(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &RedeemInput,
) -> Result<Redemption, AppError> {
    let item = parse_id(&input.item_id, "item_id")?;
    let (_, a) = own_account(state, who, ctx, Action::Create).await?;
    // Validity windows are the desk's days: a window's last day ends at midnight in
    // Taipei, not eight hours later.
    let today = state.today().to_string();
    let mut tx = state.store.begin().await?;
    let r = match tx
        .hold_redemption(a.id, item, who.user().map(|u| u.id), &today)
        .await?
    {
        Ok(r) => r,
        Err(refused) => {
            let code = match refused {
                HoldRefused::NotAvailable => "error-points-unavailable",
                HoldRefused::OutOfStock => "error-points-out-of-stock",
                HoldRefused::InsufficientPoints => "error-points-insufficient",
            };
            return Err(AppError::field("item_id", code));
        }
    };
    let mut e = audit_entry(
        who,
        ctx,
        "points.redeem",
        "points_redemption",
        &r.id.to_string(),
    );
    e.detail = format!("item {item} cost {}", r.cost);
    tx.audit(&e).await?;
    // Whoever the policy lets decide it hears that it waits.
    let holder = a.holder().ok_or(AppError::NotFound)?;
    let name = state
        .store
        .points_item(item)
        .await?
        .map(|i| (i.name_zh, i.name_en))
        .unwrap_or_default();
    for u in state.store.list_users().await? {
        let may_decide = !u.disabled
            && tocsin_domain::policy::authorize(
                Some(&crate::auth::principal_of(&u)),
                Action::Update,
                &resource_of(holder),
            )
            .is_ok();
        if may_decide {
            let tr = Tr::for_reader(&u.locale);
            let item_name = if tr.locale == Locale::En {
                &name.1
            } else {
                &name.0
            };
            let args = [
                ("item", item_name.clone()),
                ("cost", r.cost.to_string()),
                ("link", state.config.link("/admin/points")),
            ];
            let letter = Letter {
                case: None,
                subject: "mail-redemption-waiting-subject",
                body: "mail-redemption-waiting-body",
                args: &args,
            };
            crate::mailer::queue_letter(&mut tx, state, &u.email, &tr, &letter).await?;
        }
    }
    tx.commit().await?;
    Ok(r)
}

/// An admin's decision on a held redemption.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// approved or rejected.
    pub decision: String,
    /// A note (optional).
    pub note: String,
}

/// Approves (points spent) or rejects (hold released) a held redemption.
pub async fn decide(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    input: &DecisionInput,
) -> Result<Redemption, AppError> {
    let approve = match input.decision.trim().parse::<RedemptionState>() {
        Ok(RedemptionState::Approved) => true,
        Ok(RedemptionState::Rejected) => false,
        _ => return Err(AppError::field("decision", "error-choice")),
    };
    let mut errs = FieldErrors::new();
    errs.check("note", validate::optional_text(&input.note, 2_000));
    errs.into_result().map_err(AppError::Validation)?;
    let r = state
        .store
        .redemption(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = state
        .store
        .points_account_by_id(r.account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let holder = a.holder().ok_or(AppError::NotFound)?;
    check(state, who, ctx, Action::Update, &resource_of(holder)).await?;
    let admin = who.user().ok_or(AppError::Unauthorized)?;
    let mut tx = state.store.begin().await?;
    let Some(done) = tx
        .decide_redemption(id, approve, admin.id, &who.actor(), input.note.trim())
        .await?
    else {
        return Err(AppError::field("decision", "error-points-decided"));
    };
    let mut e = audit_entry(
        who,
        ctx,
        "points.decide",
        "points_redemption",
        &id.to_string(),
    );
    e.detail = done.state.clone();
    tx.audit(&e).await?;
    // The member who asked hears the decision.
    if let Some(member) = match done.requested_by {
        Some(id) => state.store.get_user(UserId(id)).await?,
        None => None,
    } {
        let tr = Tr::for_reader(&member.locale);
        let item = state.store.points_item(done.item_id).await?;
        let item_name = item
            .map(|i| {
                if tr.locale == Locale::En {
                    i.name_en
                } else {
                    i.name_zh
                }
            })
            .unwrap_or_default();
        let args = [
            ("item", item_name),
            ("decision", tr.t2("mail-redemption-", &done.state)),
            ("note", done.note.clone()),
            ("link", state.config.link("/points")),
        ];
        let letter = Letter {
            case: None,
            subject: "mail-redemption-decided-subject",
            body: "mail-redemption-decided-body",
            args: &args,
        };
        crate::mailer::queue_letter(&mut tx, state, &member.email, &tr, &letter).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Held redemptions awaiting a decision, for admins.
pub async fn pending(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<Redemption>, AppError> {
    let all = Resource::PointsAccount {
        org: None,
        user: None,
    };
    check(state, who, ctx, Action::List, &all).await?;
    Ok(state
        .store
        .redemptions(None, Some(RedemptionState::Held.as_str()), 1_000)
        .await?)
}

/// An admin's adjustment of an account.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdjustInput {
    /// The organization's account (or give `user_id`).
    pub org_id: String,
    /// The individual's account.
    pub user_id: String,
    /// Points to add (negative: take; never below zero).
    pub delta: String,
    /// Why: required, kept in the ledger and the audit log.
    pub reason: String,
}

/// Adds or takes points by hand, with a reason; audited.
pub async fn adjust(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &AdjustInput,
) -> Result<PointsEntry, AppError> {
    let mut errs = FieldErrors::new();
    errs.check("reason", validate::required_text(&input.reason, 2_000));
    let max = tocsin_domain::points::MAX_RULE_POINTS;
    // A range, not `abs()`: i64::MIN has no absolute value (it panics, or wraps past the check).
    let delta = match input.delta.trim().parse::<i64>() {
        Ok(d) if d != 0 && (-max..=max).contains(&d) => d,
        _ => {
            errs.add(
                "delta",
                FieldError::new("error-points-number")
                    .arg("min", -max)
                    .arg("max", max),
            );
            0
        }
    };
    let holder = match (input.org_id.trim(), input.user_id.trim()) {
        (o, _) if !o.is_empty() => o.parse().ok().map(|u| Holder::Org(OrgId(u))),
        (_, u) if !u.is_empty() => u.parse().ok().map(|u| Holder::User(UserId(u))),
        _ => None,
    };
    if holder.is_none() {
        errs.add("org_id", FieldError::new("error-choice"));
    }
    errs.into_result().map_err(AppError::Validation)?;
    let Some(holder) = holder else {
        return Err(AppError::field("org_id", "error-choice"));
    };
    check(state, who, ctx, Action::Update, &resource_of(holder)).await?;
    let exists = match holder {
        Holder::Org(o) => state.store.get_org(o).await?.is_some(),
        Holder::User(u) => state.store.get_user(u).await?.is_some(),
    };
    if !exists {
        return Err(AppError::field("org_id", "error-choice"));
    }
    let mut tx = state.store.begin().await?;
    let a = tx.points_account(holder).await?;
    let Some(entry) = tx
        .post_points_entry(&NewEntry {
            account_id: a.id,
            delta,
            kind: EntryKind::Adjustment,
            rule: String::new(),
            source_kind: String::new(),
            source_id: String::new(),
            idempotency_key: None,
            reason: input.reason.trim().to_string(),
            actor_id: who.user().map(|u| u.id),
            actor: who.actor(),
        })
        .await?
    else {
        return Err(AppError::field("delta", "error-points-insufficient"));
    };
    let mut e = audit_entry(
        who,
        ctx,
        "points.adjust",
        "points_account",
        &a.id.to_string(),
    );
    e.detail = format!("{:+} {}", entry.delta, entry.reason);
    tx.audit(&e).await?;
    tx.commit().await?;
    Ok(entry)
}

/// Adds a catalog item (admins).
pub async fn create_item(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &ItemInput,
) -> Result<PointsItem, AppError> {
    check(state, who, ctx, Action::Create, &Resource::PointsCatalog).await?;
    let v = input.validate().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let item = tx.insert_points_item(&v).await?;
    let e = audit_entry(
        who,
        ctx,
        "points.item.create",
        "points_item",
        &item.id.to_string(),
    );
    tx.audit(&e).await?;
    tx.commit().await?;
    Ok(item)
}

/// Changes a catalog item (admins); `active` false withdraws it.
pub async fn update_item(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    input: &ItemInput,
    active: bool,
) -> Result<(), AppError> {
    check(state, who, ctx, Action::Update, &Resource::PointsCatalog).await?;
    let v = input.validate().map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    tx.update_points_item(id, &v, active).await?;
    let e = audit_entry(
        who,
        ctx,
        "points.item.update",
        "points_item",
        &id.to_string(),
    );
    tx.audit(&e).await?;
    tx.commit().await?;
    Ok(())
}

/// The points earned in `year` (the desk's calendar year), best first; organizations that opted out are
/// ranked without their name.
pub async fn leaderboard(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    year: i32,
) -> Result<Vec<LeaderRow>, AppError> {
    check(state, who, ctx, Action::List, &Resource::Leaderboard).await?;
    let tz = state.desk.calendar.time_zone();
    let start = |y: i32| tocsin_domain::clock::start_of_year(y, tz);
    let (Some(from), Some(until)) = (start(year), start(year.saturating_add(1))) else {
        return Err(AppError::field("year", "error-choice"));
    };
    Ok(state.store.points_leaderboard(from, until, 100).await?)
}

/// Whether the caller's organization is named on the leaderboard.
pub async fn set_opt_out(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    opt_out: bool,
) -> Result<(), AppError> {
    let (_, a) = own_account(state, who, ctx, Action::Create).await?;
    let mut tx = state.store.begin().await?;
    tx.set_leaderboard_opt_out(a.id, opt_out).await?;
    let mut e = audit_entry(
        who,
        ctx,
        "points.leaderboard",
        "points_account",
        &a.id.to_string(),
    );
    e.detail = if opt_out { "opt_out" } else { "opt_in" }.into();
    tx.audit(&e).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tocsin_domain::Timestamp;

    fn day_in(tz: &jiff::tz::TimeZone, at: Timestamp) -> String {
        tocsin_domain::clock::day_of(at, tz).to_string()
    }

    #[test]
    fn validity_days_are_the_desks_days() {
        let taipei = jiff::tz::TimeZone::get("Asia/Taipei").expect("zone");
        let at = |s: &str| Timestamp::parse_rfc3339(s).expect("time");
        // 17:00 UTC on New Year's Eve is already New Year's Day in Taipei.
        assert_eq!(day_in(&taipei, at("2026-12-31T15:59:59Z")), "2026-12-31");
        assert_eq!(day_in(&taipei, at("2026-12-31T16:00:00Z")), "2027-01-01");
        assert_eq!(
            day_in(&jiff::tz::TimeZone::UTC, at("2026-12-31T16:00:00Z")),
            "2026-12-31"
        );
    }

    #[test]
    fn scores_fall_in_their_severity_band() {
        assert_eq!(severity_of_score("7.6"), Some(CvssSeverity::High));
        assert_eq!(severity_of_score(" 9.0 "), Some(CvssSeverity::Critical));
        assert_eq!(severity_of_score("0.0"), Some(CvssSeverity::None));
        assert_eq!(severity_of_score(""), None);
        assert_eq!(severity_of_score("11"), None);
    }
}

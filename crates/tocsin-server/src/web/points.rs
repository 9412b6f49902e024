//! The reward scheme's pages (回饋獎勵): a member's points (balance, held and available
//! points, history, the catalog with a redeem button per item, their redemptions, the
//! leaderboard opt-out), the yearly leaderboard, and the admins' page (held redemptions
//! to approve or reject, adjustments with a reason, the catalog of the three kinds).
//!
//! Every handler is a thin call into `service::points`, where the access policy decides;
//! a refused form is shown again with each message next to its field, nothing stored.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::Locale;
use tocsin_domain::points::{ItemInput, ItemKind};
use tocsin_storage::{PointsEntry, PointsItem};
use uuid::Uuid;

use super::kit::{Errors, field_errors, find, when};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::points::{
    self as svc, AdjustInput, Balance, DecisionInput, RedeemInput, RedemptionLine,
};

// ---------------------------------------------------------------------------------------
// Shared pieces.

/// An item's name in the page's language (the Chinese one when no English is given).
fn item_name(tr: &Tr, i: &PointsItem) -> String {
    match tr.locale {
        Locale::En if !i.name_en.is_empty() => i.name_en.clone(),
        _ => i.name_zh.clone(),
    }
}

/// One ledger line as shown.
struct EntryRow {
    when: String,
    delta: String,
    negative: bool,
    kind: String,
    source: String,
    reason: String,
}

fn entry_row(state: &AppState, tr: &Tr, e: &PointsEntry) -> EntryRow {
    let mut kind = tr.t2("points-entry-", &e.kind);
    if !e.rule.is_empty() {
        kind = format!("{kind} · {}", tr.t2("points-rule-", &e.rule));
    }
    // A phishing entry's record is "URL case/report": the report is what people know.
    let source = match e.source_kind.as_str() {
        svc::SOURCE_PHISH_URL => e
            .source_id
            .rsplit_once('/')
            .map(|(_, t)| t.to_string())
            .unwrap_or_else(|| e.source_id.clone()),
        "redemption" => String::new(),
        _ => e.source_id.clone(),
    };
    EntryRow {
        when: when(state, tr, e.at),
        delta: format!("{:+}", e.delta),
        negative: e.delta < 0,
        kind,
        source,
        reason: reason_label(tr, &e.kind, &e.reason),
    }
}

/// An entry's reason as people read it: the words tocsin itself writes (a CVE's severity,
/// why an award was reversed) in the page's language; a person's words as they are.
fn reason_label(tr: &Tr, kind: &str, reason: &str) -> String {
    const OURS: [&str; 7] = [
        "none",
        "low",
        "medium",
        "high",
        "critical",
        "duplicate",
        "spam",
    ];
    let ours = matches!(kind, "award" | "reversal") && OURS.contains(&reason);
    if ours {
        tr.t2("points-reason-", reason)
    } else {
        reason.to_string()
    }
}

/// A redemption as shown to its member or to admins.
struct RedemptionRow {
    id: String,
    holder: String,
    item: String,
    kind: String,
    cost: i64,
    state: String,
    state_label: String,
    requested: String,
    note: String,
}

fn redemption_row(state: &AppState, tr: &Tr, l: &RedemptionLine) -> RedemptionRow {
    let r = &l.redemption;
    RedemptionRow {
        id: r.id.to_string(),
        holder: l.holder.clone(),
        item: l
            .item
            .as_ref()
            .map(|i| item_name(tr, i))
            .unwrap_or_else(|| r.item_id.to_string()),
        kind: l
            .item
            .as_ref()
            .map(|i| tr.t2("points-item-kind-", &i.kind))
            .unwrap_or_default(),
        cost: r.cost,
        state: r.state.clone(),
        state_label: tr.t2("points-state-", &r.state),
        requested: when(state, tr, r.requested_at),
        note: r.note.clone(),
    }
}

/// A catalog item as a member sees it.
struct CatalogRow {
    id: String,
    name: String,
    kind: String,
    description: String,
    cost: i64,
    stock: i64,
    window: String,
}

fn catalog_row(tr: &Tr, i: &PointsItem) -> CatalogRow {
    CatalogRow {
        id: i.id.to_string(),
        name: item_name(tr, i),
        kind: tr.t2("points-item-kind-", &i.kind),
        description: i.description.clone(),
        cost: i.cost,
        stock: i.stock,
        window: format!("{} – {}", i.valid_from, i.valid_until),
    }
}

/// The three kinds with their labels, for the admin's select.
fn kinds(tr: &Tr) -> Vec<(String, String)> {
    ItemKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                tr.t2("points-item-kind-", k.as_str()),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The member's page.

#[derive(Template)]
#[template(path = "points.html")]
struct MemberPage {
    page: Page,
    balance: Balance,
    history: Vec<EntryRow>,
    catalog: Vec<CatalogRow>,
    redemptions: Vec<RedemptionRow>,
    errors: Errors,
    /// The item whose redemption was refused.
    failed_item: String,
}

impl MemberPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }

    /// A refused redemption of an item no longer listed (withdrawn, out of its window, or
    /// no item at all): its message goes below the catalog.
    fn orphan_error(&self) -> Option<&str> {
        if self.catalog.iter().any(|i| i.id == self.failed_item) {
            return None;
        }
        self.error("item_id")
    }
}

async fn member_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    errors: Errors,
    failed_item: String,
    status: StatusCode,
) -> Response {
    let result = async {
        let balance = svc::balance(state, who, ctx).await?;
        let history = svc::history(state, who, ctx).await?;
        let catalog = svc::catalog(state, who, ctx, false).await?;
        let mine = svc::my_redemptions(state, who, ctx).await?;
        let mine = svc::describe(state, mine).await?;
        Ok::<_, AppError>((balance, history, catalog, mine))
    }
    .await;
    let (balance, history, catalog, mine) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    render(
        status,
        &MemberPage {
            page: Page::new(state, ctx, who, "/points"),
            balance,
            history: history.iter().map(|e| entry_row(state, &tr, e)).collect(),
            catalog: catalog.iter().map(|i| catalog_row(&tr, i)).collect(),
            redemptions: mine.iter().map(|l| redemption_row(state, &tr, l)).collect(),
            errors,
            failed_item,
        },
    )
}

pub(super) async fn member_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    member_view(&state, &ctx, &who, vec![], String::new(), StatusCode::OK).await
}

pub(super) async fn redeem(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<RedeemInput>,
) -> Response {
    match svc::redeem(&state, &who, &ctx, &form).await {
        Ok(_) => see_other("/points#redemptions"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            let item = form.item_id.trim().to_string();
            member_view(
                &state,
                &ctx,
                &who,
                errors,
                item,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// The leaderboard toggle: `opt_out` is `true` to be ranked without a name.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OptOutForm {
    opt_out: String,
}

pub(super) async fn opt_out(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<OptOutForm>,
) -> Response {
    let opt_out = form.opt_out.trim() == "true";
    match svc::set_opt_out(&state, &who, &ctx, opt_out).await {
        Ok(()) => see_other("/points#leaderboard"),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The leaderboard.

/// One ranked row as shown.
struct LeaderLine {
    rank: usize,
    name: String,
    earned: i64,
}

#[derive(Template)]
#[template(path = "points_leaderboard.html")]
struct LeaderboardPage {
    page: Page,
    title: String,
    year: i32,
    this_year: i32,
    rows: Vec<LeaderLine>,
}

/// The leaderboard's year, from the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct YearQuery {
    year: String,
}

pub(super) async fn leaderboard(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    let this_year = i32::from(state.today().year());
    // A year that is not a plausible year is this year.
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=9998).contains(y))
        .unwrap_or(this_year);
    match svc::leaderboard(&state, &who, &ctx, year).await {
        Ok(rows) => render(
            StatusCode::OK,
            &LeaderboardPage {
                page: Page::new(&state, &ctx, &who, "/points/leaderboard"),
                title: ctx
                    .tr()
                    .t_args("points-leaderboard-title", &[("year", year.to_string())]),
                year,
                this_year,
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| LeaderLine {
                        rank: i + 1,
                        name: r.name.clone(),
                        earned: r.earned,
                    })
                    .collect(),
            },
        ),
        Err(e) => e.into_response(),
    }
}

// ---------------------------------------------------------------------------------------
// The admins' page.

/// A catalog item's form (the admin's new-item form and each item's edit form). `op` is
/// the button pressed on an edit form: `save` keeps `active`, `withdraw` and `offer`
/// change it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ItemForm {
    kind: String,
    name_zh: String,
    name_en: String,
    description: String,
    cost: String,
    stock: String,
    valid_from: String,
    valid_until: String,
    active: String,
    op: String,
}

impl ItemForm {
    fn input(&self) -> ItemInput {
        ItemInput {
            kind: self.kind.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            description: self.description.clone(),
            cost: self.cost.clone(),
            stock: self.stock.clone(),
            valid_from: self.valid_from.clone(),
            valid_until: self.valid_until.clone(),
        }
    }

    fn of(i: &PointsItem) -> ItemForm {
        ItemForm {
            kind: i.kind.clone(),
            name_zh: i.name_zh.clone(),
            name_en: i.name_en.clone(),
            description: i.description.clone(),
            cost: i.cost.to_string(),
            stock: i.stock.to_string(),
            valid_from: i.valid_from.clone(),
            valid_until: i.valid_until.clone(),
            active: i.active.to_string(),
            op: String::new(),
        }
    }

    /// Whether the item is to be offered after this form.
    fn offered(&self) -> bool {
        match self.op.trim() {
            "withdraw" => false,
            "offer" => true,
            _ => self.active.trim() != "false",
        }
    }
}

/// One catalog item on the admin's page, with its form's values.
struct ItemRow {
    id: String,
    active: bool,
    /// As stored.
    cost: i64,
    /// As stored.
    stock: i64,
    /// As stored.
    window: String,
    form: ItemForm,
}

/// The adjustment form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AdjustForm {
    org_id: String,
    user_id: String,
    delta: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "points_admin.html")]
struct AdminPage {
    page: Page,
    pending: Vec<RedemptionRow>,
    orgs: Vec<(String, String)>,
    /// Individual researchers (users without an organization), who hold their own account.
    individuals: Vec<(String, String)>,
    adjust: AdjustForm,
    items: Vec<ItemRow>,
    new_item: ItemForm,
    kinds: Vec<(String, String)>,
    errors: Errors,
    /// The form the errors belong to: `adjust`, `new`, an item's or a redemption's id.
    failed: String,
    /// The note typed on a refused decision.
    failed_note: String,
}

impl AdminPage {
    /// A refused decision on a redemption no longer pending (decided meanwhile): its
    /// message goes above the list.
    fn lost_decision(&self) -> Option<&str> {
        if self.pending.iter().any(|r| r.id == self.failed) {
            return None;
        }
        find(&self.errors, "decision")
    }

    /// The message for `field` when `form` is the one refused.
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        if self.failed == form {
            find(&self.errors, field)
        } else {
            None
        }
    }
}

/// What a refused admin form gives back to show again.
#[derive(Default)]
struct Refused {
    errors: Errors,
    failed: String,
    adjust: AdjustForm,
    new_item: ItemForm,
    /// A refused decision's note.
    note: String,
    /// An edit form's values, for its item.
    edited: Option<ItemForm>,
}

async fn admin_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    refused: Refused,
    status: StatusCode,
) -> Response {
    let result = async {
        // The page's first content is the admin's: the policy answers it.
        let pending = svc::pending(state, who, ctx).await?;
        let pending = svc::describe(state, pending).await?;
        let items = svc::catalog(state, who, ctx, true).await?;
        let orgs = tocsin_app::service::list_orgs(state, who, ctx).await?;
        let users = tocsin_app::service::list_users(state, who, ctx).await?;
        Ok::<_, AppError>((pending, items, orgs, users))
    }
    .await;
    let (pending, items, orgs, users) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let Refused {
        errors,
        failed,
        adjust,
        new_item,
        note,
        mut edited,
    } = refused;
    let items = items
        .iter()
        .map(|i| {
            let id = i.id.to_string();
            let form = match edited.take_if(|_| id == failed) {
                Some(f) => f,
                None => ItemForm::of(i),
            };
            ItemRow {
                id,
                active: i.active,
                cost: i.cost,
                stock: i.stock,
                window: format!("{} – {}", i.valid_from, i.valid_until),
                form,
            }
        })
        .collect();
    render(
        status,
        &AdminPage {
            page: Page::new(state, ctx, who, "/admin/points"),
            pending: pending
                .iter()
                .map(|l| redemption_row(state, &tr, l))
                .collect(),
            orgs: orgs
                .into_iter()
                .map(|o| (o.id.to_string(), o.name))
                .collect(),
            individuals: users
                .into_iter()
                .filter(|u| u.org_id.0.is_none())
                .map(|u| (u.id.to_string(), format!("{} <{}>", u.name, u.email)))
                .collect(),
            adjust,
            items,
            new_item,
            kinds: kinds(&tr),
            errors,
            failed,
            failed_note: note,
        },
    )
}

pub(super) async fn admin_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    admin_view(&state, &ctx, &who, Refused::default(), StatusCode::OK).await
}

/// Shows the admin page again after a refused form, or answers the refusal.
async fn admin_refused(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    e: AppError,
    mut refused: Refused,
) -> Response {
    match e {
        AppError::Validation(e) => {
            refused.errors = field_errors(ctx, &e);
            admin_view(state, ctx, who, refused, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        e => e.into_response(),
    }
}

/// An id from a path; one that cannot be an id is "not found" like a missing one.
fn path_id(s: &str) -> Result<Uuid, AppError> {
    s.trim().parse::<Uuid>().map_err(|_| AppError::NotFound)
}

pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionInput>,
) -> Response {
    let result = async {
        let id = path_id(&id)?;
        svc::decide(&state, &who, &ctx, id, &form).await
    }
    .await;
    match result {
        Ok(_) => see_other("/admin/points#pending"),
        Err(e) => {
            let refused = Refused {
                failed: id.trim().to_string(),
                note: form.note.clone(),
                ..Refused::default()
            };
            admin_refused(&state, &ctx, &who, e, refused).await
        }
    }
}

pub(super) async fn adjust(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<AdjustForm>,
) -> Response {
    let input = AdjustInput {
        org_id: form.org_id.clone(),
        user_id: form.user_id.clone(),
        delta: form.delta.clone(),
        reason: form.reason.clone(),
    };
    match svc::adjust(&state, &who, &ctx, &input).await {
        Ok(_) => see_other("/admin/points#adjust"),
        Err(e) => {
            let refused = Refused {
                failed: "adjust".into(),
                adjust: form,
                ..Refused::default()
            };
            admin_refused(&state, &ctx, &who, e, refused).await
        }
    }
}

pub(super) async fn create_item(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<ItemForm>,
) -> Response {
    match svc::create_item(&state, &who, &ctx, &form.input()).await {
        Ok(item) => see_other(&format!("/admin/points#item-{}", item.id)),
        Err(e) => {
            let refused = Refused {
                failed: "new".into(),
                new_item: form,
                ..Refused::default()
            };
            admin_refused(&state, &ctx, &who, e, refused).await
        }
    }
}

pub(super) async fn update_item(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ItemForm>,
) -> Response {
    let result = async {
        let uuid = path_id(&id)?;
        svc::update_item(&state, &who, &ctx, uuid, &form.input(), form.offered()).await
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/admin/points#item-{}", id.trim())),
        Err(e) => {
            let refused = Refused {
                failed: id.trim().to_string(),
                edited: Some(form),
                ..Refused::default()
            };
            admin_refused(&state, &ctx, &who, e, refused).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_tocsin_writes_are_translated_and_peoples_are_kept() {
        let zh = Tr::new(Locale::ZhTw);
        let en = Tr::new(Locale::En);
        assert_eq!(reason_label(&zh, "award", "high"), "CVSS 嚴重程度：高");
        assert_eq!(
            reason_label(&en, "award", "critical"),
            "CVSS severity: critical"
        );
        assert_eq!(
            reason_label(&zh, "reversal", "duplicate"),
            "通報經認定為重複"
        );
        assert_eq!(reason_label(&en, "reversal", "spam"), "the report was spam");
        assert_eq!(
            reason_label(&en, "adjustment", "spam"),
            "spam",
            "an admin's words"
        );
        assert_eq!(
            reason_label(&en, "redemption", "請於 12/20 報到"),
            "請於 12/20 報到"
        );
    }

    #[test]
    fn the_pressed_button_decides_whether_an_item_is_offered() {
        let f = |active: &str, op: &str| ItemForm {
            active: active.into(),
            op: op.into(),
            ..ItemForm::default()
        };
        assert!(f("true", "save").offered());
        assert!(!f("false", "save").offered());
        assert!(!f("true", "withdraw").offered());
        assert!(f("false", "offer").offered());
    }
}

//! Assistance referral pages (協處商機): the reporter's panel on the status page (consent,
//! the firms that accepted, the choice, the rating), the desk's panel on a report (the
//! sanitised offer, the acceptances, withdrawal) and `/referrals`, where member firms
//! see open offers and those they accepted. Thin handlers over `service::referral`.

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::referral::{CompanySize, OfferInput, Outcome, ReferralState, Region};
use tocsin_storage::Report;
use uuid::Uuid;

use super::kit::{Errors, field_errors, when};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::i18n::Tr;
use tocsin_app::service::referral::{self as svc, ReferralView};

/// One firm's acceptance as a page shows it.
pub(super) struct ResponseRow {
    pub org_id: String,
    pub org_name: String,
    pub state: String,
    pub state_label: String,
    pub contact_name: String,
    pub contact_email: String,
}

/// A referral as a page shows it.
pub(super) struct ReferralRow {
    pub id: String,
    pub state: String,
    pub state_label: String,
    pub sector: String,
    pub incident_type: String,
    pub size_label: String,
    pub region_label: String,
    pub summary: String,
    pub offered_at: String,
    pub outcome_label: String,
    pub rating: String,
    pub rating_comment: String,
    pub responses: Vec<ResponseRow>,
    pub tracking: String,
    pub reporter_name: String,
    pub reporter_email: String,
    pub reporter_phone: String,
    /// The caller may accept it (an open offer its firm has not answered).
    pub can_accept: bool,
    /// The caller may record its outcome (the chosen firm, or the desk).
    pub can_record_outcome: bool,
}

fn label(tr: &Tr, prefix: &str, key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        tr.t2(prefix, key)
    }
}

fn row(
    state: &AppState,
    tr: &Tr,
    v: &ReferralView,
    own_org: Option<Uuid>,
    desk: bool,
) -> ReferralRow {
    let r = &v.referral;
    let answered = own_org.is_some_and(|o| v.responses.iter().any(|x| x.response.org_id == o));
    let chosen = own_org.is_some_and(|o| r.chosen_org_id == Some(o));
    let c = v.reporter_contact.as_ref();
    ReferralRow {
        id: r.id.to_string(),
        state: r.state.clone(),
        state_label: label(tr, "referral-state-", &r.state),
        sector: r.sector.clone(),
        incident_type: r.incident_type.clone(),
        size_label: label(tr, "referral-size-", &r.company_size),
        region_label: label(tr, "referral-region-", &r.region),
        summary: r.summary.clone(),
        offered_at: r
            .offered_at
            .0
            .map(|t| when(state, tr, t))
            .unwrap_or_default(),
        outcome_label: label(tr, "referral-outcome-", &r.outcome),
        rating: r.rating.map(|n| n.to_string()).unwrap_or_default(),
        rating_comment: r.rating_comment.clone(),
        responses: v
            .responses
            .iter()
            .map(|x| ResponseRow {
                org_id: x.response.org_id.to_string(),
                org_name: x.org_name.clone(),
                state: x.response.state.clone(),
                state_label: label(tr, "referral-response-", &x.response.state),
                contact_name: x.contact_name.clone(),
                contact_email: x.contact_email.clone(),
            })
            .collect(),
        tracking: v.tracking_id.clone().unwrap_or_default(),
        reporter_name: c.map(|c| c.name.clone()).unwrap_or_default(),
        reporter_email: c.map(|c| c.email.clone()).unwrap_or_default(),
        reporter_phone: c.map(|c| c.phone.clone()).unwrap_or_default(),
        can_accept: !desk && own_org.is_some() && !answered && r.state() == ReferralState::Offered,
        can_record_outcome: (desk || chosen) && r.state() == ReferralState::Chosen,
    }
}

// ---------------------------------------------------------------------------------------
// The reporter's panel on the status page.

/// What the status page shows of a referral, for an incident that asked for support.
pub(super) struct StatusPanel {
    /// The reporter has not agreed yet (the consent form is shown).
    pub can_consent: bool,
    /// The referral, once agreed.
    pub referral: Option<ReferralRow>,
    /// The reporter may choose among the firms that accepted.
    pub can_choose: bool,
    /// The reporter may rate the chosen firm.
    pub can_rate: bool,
}

/// The status page's referral panel; None when the report takes no part.
pub(super) async fn status_panel(
    state: &AppState,
    tr: &Tr,
    report: &Report,
    needs_support: bool,
) -> Result<Option<StatusPanel>, AppError> {
    if report.kind != tocsin_domain::ReportKind::Incident || !needs_support {
        return Ok(None);
    }
    let v = svc::for_reporter(state, report).await?;
    let closed = matches!(
        report.state,
        tocsin_domain::ReportState::Rejected
            | tocsin_domain::ReportState::Duplicate
            | tocsin_domain::ReportState::Closed
    );
    let Some(v) = v else {
        return Ok((!closed).then_some(StatusPanel {
            can_consent: true,
            referral: None,
            can_choose: false,
            can_rate: false,
        }));
    };
    let st = v.referral.state();
    Ok(Some(StatusPanel {
        can_consent: false,
        can_choose: st == ReferralState::Offered && !v.responses.is_empty(),
        can_rate: matches!(st, ReferralState::Chosen | ReferralState::Completed),
        referral: Some(row(state, tr, &v, None, false)),
    }))
}

// ---------------------------------------------------------------------------------------
// The desk's panel on a report.

/// What the desk's report page shows of a referral.
pub(super) struct DeskPanel {
    /// The referral, once the reporter agreed.
    pub referral: Option<ReferralRow>,
    /// The offer form's fields (what was typed, or defaults from the report).
    pub offer: OfferInput,
    /// Company sizes (value, label).
    pub sizes: Vec<(String, String)>,
    /// Regions (value, label).
    pub regions: Vec<(String, String)>,
    /// The offer form is shown.
    pub can_offer: bool,
    /// The withdraw button is shown.
    pub can_withdraw: bool,
}

/// The desk's referral panel; `typed` holds what a refused offer form sent.
pub(super) async fn desk_panel(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
    tr: &Tr,
    report: &Report,
    typed: Option<OfferInput>,
) -> Result<DeskPanel, AppError> {
    let v = svc::of_report(state, who, ctx, report).await?;
    let st = v.as_ref().map(|v| v.referral.state());
    let offer = match typed {
        Some(t) => t,
        None => svc::offer_defaults(state, report, tr.locale).await?,
    };
    Ok(DeskPanel {
        can_offer: st.is_some_and(|s| s.can_go_to(ReferralState::Offered)),
        can_withdraw: st.is_some_and(|s| s.can_go_to(ReferralState::Withdrawn)),
        referral: v.as_ref().map(|v| row(state, tr, v, None, true)),
        offer,
        sizes: CompanySize::ALL
            .iter()
            .map(|s| (s.as_str().into(), tr.t2("referral-size-", s.as_str())))
            .collect(),
        regions: Region::ALL
            .iter()
            .map(|s| (s.as_str().into(), tr.t2("referral-region-", s.as_str())))
            .collect(),
    })
}

/// The offer form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OfferForm {
    sector: String,
    incident_type: String,
    company_size: String,
    region: String,
    summary: String,
}

impl From<OfferForm> for OfferInput {
    fn from(f: OfferForm) -> Self {
        OfferInput {
            sector: f.sector,
            incident_type: f.incident_type,
            company_size: f.company_size,
            region: f.region,
            summary: f.summary,
        }
    }
}

// ---------------------------------------------------------------------------------------
// /referrals: the firms' page (and the desk's list).

#[derive(Template)]
#[template(path = "referrals.html")]
struct ListPage {
    page: Page,
    rows: Vec<ReferralRow>,
    outcomes: Vec<(String, String)>,
    desk: bool,
    /// The referral whose form was refused, and why.
    failed: String,
    errors: Errors,
}

impl ListPage {
    fn error(&self, id: &str, field: &str) -> Option<&str> {
        if self.failed != id {
            return None;
        }
        self.errors
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
}

async fn list_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    failed: (String, Errors),
    status: StatusCode,
) -> Response {
    let views = match svc::list(state, who, ctx).await {
        Ok(v) => v,
        // A member whose firm holds no assistance redemption sees the explanation only.
        Err(AppError::Forbidden) if who.user().is_some() => Vec::new(),
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let desk = tocsin_app::service::reports::is_desk(who);
    let own = who.user().and_then(|u| u.org_id.0).map(|o| o.uuid());
    let page = ListPage {
        page: Page::new(state, ctx, who, "/referrals"),
        rows: views
            .iter()
            .map(|v| row(state, &tr, v, own, desk))
            .collect(),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| (o.as_str().into(), tr.t2("referral-outcome-", o.as_str())))
            .collect(),
        desk,
        failed: failed.0,
        errors: failed.1,
    };
    render(status, &page)
}

/// `GET /referrals`.
pub(super) async fn list(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    list_view(&state, &ctx, &who, (String::new(), vec![]), StatusCode::OK).await
}

async fn after(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/referrals#r-{id}")),
        Err(AppError::Validation(e)) => {
            list_view(
                state,
                ctx,
                who,
                (id.to_string(), field_errors(ctx, &e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

fn parse_id(id: &str) -> Result<Uuid, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// `POST /referrals/{id}/accept`.
pub(super) async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = match parse_id(&id) {
        Ok(uuid) => svc::accept(&state, &who, &ctx, uuid).await,
        Err(e) => Err(e),
    };
    after(&state, &ctx, &who, &id, result).await
}

/// The outcome form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OutcomeForm {
    outcome: String,
}

/// `POST /referrals/{id}/outcome`.
pub(super) async fn outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<OutcomeForm>,
) -> Response {
    let result = match parse_id(&id) {
        Ok(uuid) => svc::record_outcome(&state, &who, &ctx, uuid, &f.outcome).await,
        Err(e) => Err(e),
    };
    after(&state, &ctx, &who, &id, result).await
}

/// `POST /referrals/{id}/withdraw` (the desk), back to the report.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let uuid = match parse_id(&id) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    match svc::withdraw(&state, &who, &ctx, uuid).await {
        Ok(tracking) => see_other(&format!("/desk/reports/{tracking}#referral")),
        Err(e) => after(&state, &ctx, &who, &id, Err(e)).await,
    }
}

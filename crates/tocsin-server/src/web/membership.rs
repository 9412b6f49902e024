//! Membership pages: signing an organization up (`/join`, the mail confirmation, the
//! admins' vetting at `/admin/applications`), an organization's page with its groups,
//! ISACs and alliance application (`/org/{id}`), the CERT/CSIRT alliance (public list,
//! members' directory, the admins' review at `/admin/alliance`, where ISACs are mapped to
//! sharing groups too) and the ISAC pages (`/isac`).

use crate::error::IntoHttp as _;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use tocsin_domain::membership::AllianceState;
use tocsin_domain::{Locale, OrgId, OrgKind};
use tocsin_storage::{AllianceMember, Isac, OrgApplication, Organization};
use uuid::Uuid;

use super::kit::{Errors, field_errors, find, when};
use super::page::{Page, render, see_other};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use tocsin_app::Ctx;
use tocsin_app::service::membership::{self as svc, AllianceInput, ColleagueInput, JoinInput};

/// The kinds offered on the form: every organization kind, then a researcher alone.
fn join_kinds() -> Vec<&'static str> {
    let mut k: Vec<&'static str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
    k.push(svc::INDIVIDUAL);
    k
}

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    page: Page,
    form: JoinInput,
    kinds: Vec<&'static str>,
    errors: Errors,
    /// The address the confirmation went to, once sent.
    sent: Option<String>,
}

impl JoinPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

fn join_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: JoinInput,
    errors: Errors,
    sent: Option<String>,
    status: StatusCode,
) -> Response {
    render(
        status,
        &JoinPage {
            page: Page::new(state, ctx, who, "/join"),
            form,
            kinds: join_kinds(),
            errors,
            sent,
        },
    )
}

/// `GET /join`: the application form.
pub(super) async fn join_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    let form = JoinInput {
        kind: OrgKind::Company.as_str().into(),
        ..JoinInput::default()
    };
    join_view(&state, &ctx, &who, form, vec![], None, StatusCode::OK)
}

/// `POST /join`: files the application; the page then says where the link went.
pub(super) async fn join_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<JoinInput>,
) -> Response {
    match svc::apply(&state, &ctx, &form).await {
        Ok(_) => {
            let email = form.email.trim().to_string();
            join_view(
                &state,
                &ctx,
                &who,
                JoinInput::default(),
                vec![],
                Some(email),
                StatusCode::OK,
            )
        }
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            join_view(
                &state,
                &ctx,
                &who,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(AppError::TooManyRequests) => join_view(
            &state,
            &ctx,
            &who,
            form,
            vec![("join".into(), ctx.tr().t("err-rate_limited"))],
            None,
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "join_confirm.html")]
struct ConfirmPage {
    page: Page,
    token: String,
    /// None: the form; Some(true): confirmed; Some(false): the link did not work.
    outcome: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TokenForm {
    token: String,
}

/// `GET /join/confirm?token=…`: the link in the mail. It changes nothing by itself (mail
/// scanners follow links); the button posts the confirmation.
pub(super) async fn confirm_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Query(q): Query<TokenForm>,
) -> Response {
    render(
        StatusCode::OK,
        &ConfirmPage {
            page: Page::new(&state, &ctx, &who, "/join/confirm"),
            token: q.token,
            outcome: None,
        },
    )
}

/// `POST /join/confirm`: confirms the applicant's mail address.
pub(super) async fn confirm_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Response {
    let (ok, status) = match svc::confirm(&state, &ctx, &f.token).await {
        Ok(()) => (true, StatusCode::OK),
        Err(AppError::Forbidden) => (false, StatusCode::FORBIDDEN),
        Err(e) => return e.into_response(),
    };
    render(
        status,
        &ConfirmPage {
            page: Page::new(&state, &ctx, &who, "/join/confirm"),
            token: String::new(),
            outcome: Some(ok),
        },
    )
}

/// One application as the admins' list shows it.
struct AppRow {
    id: String,
    org: String,
    org_en: String,
    kind: String,
    sector: String,
    business_number: String,
    website: String,
    applicant: String,
    email: String,
    phone: String,
    filed: String,
    confirmed: bool,
    domain_verified: bool,
}

fn app_row(state: &AppState, ctx: &Ctx, a: &OrgApplication) -> AppRow {
    let tr = ctx.tr();
    AppRow {
        id: a.id.to_string(),
        org: a.org_name.clone(),
        org_en: a.org_name_en.clone(),
        kind: if a.kind == svc::INDIVIDUAL {
            tr.t("join-kind-individual")
        } else {
            tr.t2("kind-", &a.kind)
        },
        sector: a.sector.clone(),
        business_number: a.business_number.clone(),
        website: a.website.clone(),
        applicant: a.applicant_name.clone(),
        email: a.applicant_email.clone(),
        phone: a.applicant_phone.clone(),
        filed: when(state, &tr, a.created_at),
        confirmed: a.confirmed_at.0.is_some(),
        domain_verified: a.domain_verified,
    }
}

#[derive(Template)]
#[template(path = "admin_applications.html")]
struct ApplicationsPage {
    page: Page,
    apps: Vec<AppRow>,
    /// The application whose decision was refused, and why.
    failed: Option<(String, Errors)>,
}

async fn applications_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    failed: Option<(String, Errors)>,
    status: StatusCode,
) -> Response {
    match svc::pending_applications(state, who, ctx).await {
        Ok(apps) => render(
            status,
            &ApplicationsPage {
                page: Page::new(state, ctx, who, "/admin/applications"),
                apps: apps.iter().map(|a| app_row(state, ctx, a)).collect(),
                failed,
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /admin/applications`: the applications waiting for the desk.
pub(super) async fn applications(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    applications_view(&state, &ctx, &who, None, StatusCode::OK).await
}

fn parse_id(id: &str) -> Result<Uuid, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// What a decision answered: back to the list, or the list with the refusal by the
/// application it concerns.
async fn decided(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    r: Result<(), AppError>,
) -> Response {
    match r {
        Ok(()) => see_other("/admin/applications"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(ctx, &e);
            applications_view(
                state,
                ctx,
                who,
                Some((id.to_string(), errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /admin/applications/{id}/approve`.
pub(super) async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let r = match parse_id(&id) {
        Ok(uuid) => svc::approve(&state, &who, &ctx, uuid).await.map(|_| ()),
        Err(e) => Err(e),
    };
    decided(&state, &ctx, &who, &id, r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ReasonForm {
    reason: String,
}

/// `POST /admin/applications/{id}/reject`.
pub(super) async fn reject(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> Response {
    let r = match parse_id(&id) {
        Ok(uuid) => svc::reject(&state, &who, &ctx, uuid, &f.reason).await,
        Err(e) => Err(e),
    };
    decided(&state, &ctx, &who, &id, r).await
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgTemplate {
    page: Page,
    view: svc::OrgPage,
    kind: String,
    alliance_state: Option<String>,
    form: AllianceInput,
    errors: Errors,
    terms: String,
    /// The invitation form as typed, and its errors (kept apart from the alliance
    /// form's: both have a mail field).
    invite: ColleagueInput,
    invite_errors: Errors,
    /// A colleague was just invited.
    invited: bool,
}

impl OrgTemplate {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
    fn invite_error(&self, field: &str) -> Option<&str> {
        find(&self.invite_errors, field)
    }
    fn isac_name(&self, i: &Isac) -> String {
        isac_name(self.page.tr.locale, i)
    }
}

fn isac_name(locale: Locale, i: &Isac) -> String {
    match locale {
        Locale::ZhTw => i.name_zh.clone(),
        Locale::En => i.name_en.clone(),
    }
}

fn state_label(ctx: &Ctx, state: &str) -> String {
    ctx.tr().t(&format!("alliance-state-{state}"))
}

/// What the organization page shows typed back: nothing, a refused alliance application
/// or a refused invitation (each with its errors), or the note that an invitation went.
enum Typed {
    Nothing,
    Alliance(AllianceInput, Errors),
    Invite(ColleagueInput, Errors),
    Invited,
}

async fn org_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: OrgId,
    typed: Typed,
    status: StatusCode,
) -> Response {
    match svc::org_page(state, who, ctx, id).await {
        Ok(view) => {
            let fresh = || AllianceInput {
                team_name: view.org.name.clone(),
                listed: true,
                ..AllianceInput::default()
            };
            let (form, errors, invite, invite_errors, invited) = match typed {
                Typed::Nothing => (fresh(), vec![], ColleagueInput::default(), vec![], false),
                Typed::Alliance(f, e) => (f, e, ColleagueInput::default(), vec![], false),
                Typed::Invite(i, e) => (fresh(), vec![], i, e, false),
                Typed::Invited => (fresh(), vec![], ColleagueInput::default(), vec![], true),
            };
            render(
                status,
                &OrgTemplate {
                    page: Page::new(state, ctx, who, &format!("/org/{id}")),
                    kind: ctx.tr().t2("kind-", view.org.kind.as_str()),
                    alliance_state: view.alliance.as_ref().map(|m| state_label(ctx, &m.state)),
                    terms: svc::terms(state, ctx.locale).to_string(),
                    view,
                    form,
                    errors,
                    invite,
                    invite_errors,
                    invited,
                },
            )
        }
        Err(e) => e.into_response(),
    }
}

fn org_id(id: &str) -> Result<OrgId, AppError> {
    id.parse::<OrgId>().map_err(|_| AppError::NotFound)
}

/// `GET /org`: the signed-in user's own organization's page.
pub(super) async fn own_org(who: CurrentUser) -> Response {
    match who.user() {
        None => see_other("/login"),
        Some(u) => match u.org_id.0 {
            Some(o) => see_other(&format!("/org/{o}")),
            None => AppError::NotFound.into_response(),
        },
    }
}

/// `GET /org/{id}`: an organization's page (its users and the staff).
pub(super) async fn org_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> Response {
    let typed = if q.invited.is_some() {
        Typed::Invited
    } else {
        Typed::Nothing
    };
    match org_id(&id) {
        Ok(id) => org_view(&state, &ctx, &who, id, typed, StatusCode::OK).await,
        Err(e) => e.into_response(),
    }
}

/// The organization page's query: `?invited=1` after an invitation went.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct OrgQuery {
    invited: Option<String>,
}

/// `POST /org/{id}/colleagues`: a member invites a colleague into the organization.
pub(super) async fn invite_colleague(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ColleagueInput>,
) -> Response {
    let id = match org_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let result = svc::invite_colleague(&state, &who, &ctx, id, &form).await;
    let done = format!("/org/{id}?invited=1#org-colleagues");
    after_org_form(&state, &ctx, &who, id, result.map(drop), &done, |e| {
        Typed::Invite(form, e)
    })
    .await
}

/// What an organization page's form answers: on to `done`, or the page again with the
/// form as typed (`typed` of its errors) when refused on its fields.
async fn after_org_form(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: OrgId,
    result: Result<(), AppError>,
    done: &str,
    typed: impl FnOnce(Errors) -> Typed,
) -> Response {
    match result {
        Ok(()) => see_other(done),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(ctx, &e);
            org_view(
                state,
                ctx,
                who,
                id,
                typed(errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /org/{id}/alliance`: applies to the alliance with the team profile.
pub(super) async fn alliance_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<AllianceInput>,
) -> Response {
    let id = match org_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let result = svc::apply_alliance(&state, &who, &ctx, id, &form).await;
    let done = format!("/org/{id}");
    after_org_form(&state, &ctx, &who, id, result, &done, |e| {
        Typed::Alliance(form, e)
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ListedForm {
    #[serde(deserialize_with = "tocsin_app::service::de_bool_loose")]
    listed: bool,
}

/// `POST /org/{id}/alliance/listed`: shown on the public member list, or not.
pub(super) async fn alliance_listed(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ListedForm>,
) -> Response {
    let id = match org_id(&id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    match svc::set_listed(&state, &who, &ctx, id, f.listed).await {
        Ok(()) => see_other(&format!("/org/{id}")),
        Err(e) => e.into_response(),
    }
}

/// One alliance row as the admins' page shows it, with the moves the table allows.
struct AllianceRow {
    m: AllianceMember,
    state: String,
    moves: Vec<(&'static str, String)>,
}

/// One ISAC with its mapped group, for the admins' page.
struct IsacRow {
    code: String,
    name: String,
    group: String,
}

#[derive(Template)]
#[template(path = "admin_alliance.html")]
struct AdminAlliancePage {
    page: Page,
    rows: Vec<AllianceRow>,
    isacs: Vec<IsacRow>,
    groups: Vec<(String, String)>,
    /// The organization whose move was refused, and why.
    failed: Option<(String, Errors)>,
}

async fn admin_alliance_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    failed: Option<(String, Errors)>,
    status: StatusCode,
) -> Response {
    let members = match svc::alliance_applications(state, who, ctx).await {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let groups = match tocsin_app::service::intel::groups(state, who, ctx).await {
        Ok(g) => g,
        Err(e) => return e.into_response(),
    };
    let isacs = match svc::isacs(state).await {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let rows = members
        .into_iter()
        .map(|m| {
            let from = m.state.parse::<AllianceState>().ok();
            let moves = AllianceState::ALL
                .into_iter()
                .filter(|to| from.is_some_and(|f| f.can_go_to(*to)))
                .map(|to| (to.as_str(), state_label(ctx, to.as_str())))
                .collect();
            AllianceRow {
                state: state_label(ctx, &m.state),
                m,
                moves,
            }
        })
        .collect();
    render(
        status,
        &AdminAlliancePage {
            page: Page::new(state, ctx, who, "/admin/alliance"),
            rows,
            isacs: isacs
                .iter()
                .map(|i| IsacRow {
                    code: i.code.clone(),
                    name: isac_name(ctx.locale, i),
                    group: i.group_id.map(|g| g.to_string()).unwrap_or_default(),
                })
                .collect(),
            groups: groups
                .into_iter()
                .map(|(g, _)| (g.id.to_string(), g.name))
                .collect(),
            failed,
        },
    )
}

/// `GET /admin/alliance`: alliance applications and members, and the ISACs' groups.
pub(super) async fn admin_alliance(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    admin_alliance_view(&state, &ctx, &who, None, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MoveForm {
    state: String,
    reason: String,
}

/// `POST /admin/alliance/{org}`: moves an organization's membership along the table.
pub(super) async fn admin_alliance_move(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> Response {
    let org = match org_id(&id) {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    match svc::review_alliance(&state, &who, &ctx, org, &f.state, &f.reason).await {
        Ok(()) => see_other("/admin/alliance"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            admin_alliance_view(
                &state,
                &ctx,
                &who,
                Some((id, errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MapForm {
    group_id: String,
}

/// `POST /admin/isacs/{code}`: maps an ISAC to a sharing group.
pub(super) async fn map_isac(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<MapForm>,
) -> Response {
    match svc::map_isac(&state, &who, &ctx, &code, &f.group_id).await {
        Ok(()) => see_other("/admin/alliance#isacs"),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            admin_alliance_view(
                &state,
                &ctx,
                &who,
                Some((code, errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "alliance.html")]
struct AlliancePage {
    page: Page,
    /// The public list: (organization, team).
    members: Vec<(String, String)>,
    /// The members' directory, on its own route.
    directory: Option<Vec<AllianceMember>>,
}

/// `GET /alliance`: what the alliance is, and its members who chose to be listed.
pub(super) async fn alliance(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    match svc::public_members(&state).await {
        Ok(members) => render(
            StatusCode::OK,
            &AlliancePage {
                page: Page::new(&state, &ctx, &who, "/alliance"),
                members,
                directory: None,
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /alliance/directory`: every member team's profile, contacts and key (members).
pub(super) async fn directory(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    match svc::directory(&state, &who, &ctx).await {
        Ok(d) => render(
            StatusCode::OK,
            &AlliancePage {
                page: Page::new(&state, &ctx, &who, "/alliance/directory"),
                members: vec![],
                directory: Some(d),
            },
        ),
        Err(AppError::Unauthorized) => see_other("/login"),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "isac.html")]
struct IsacPage {
    page: Page,
    /// Every ISAC (the index) or the one shown.
    isacs: Vec<Isac>,
    /// One ISAC's page.
    one: bool,
    /// Its members' view.
    members: Option<Vec<Organization>>,
}

impl IsacPage {
    fn name(&self, i: &Isac) -> String {
        isac_name(self.page.tr.locale, i)
    }
}

/// `GET /isac`: every ISAC.
pub(super) async fn isacs(State(state): State<AppState>, ctx: Ctx, who: CurrentUser) -> Response {
    match svc::isacs(&state).await {
        Ok(isacs) => render(
            StatusCode::OK,
            &IsacPage {
                page: Page::new(&state, &ctx, &who, "/isac"),
                isacs,
                one: false,
                members: None,
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /isac/{code}`: one ISAC's public page.
pub(super) async fn isac(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(code): Path<String>,
) -> Response {
    match svc::isac(&state, &code).await {
        Ok(i) => render(
            StatusCode::OK,
            &IsacPage {
                page: Page::new(&state, &ctx, &who, &format!("/isac/{}", i.code)),
                isacs: vec![i],
                one: true,
                members: None,
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /isac/{code}/members`: the ISAC's members' view.
pub(super) async fn isac_members(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(code): Path<String>,
) -> Response {
    match svc::isac_members(&state, &who, &ctx, &code).await {
        Ok((i, orgs)) => render(
            StatusCode::OK,
            &IsacPage {
                page: Page::new(&state, &ctx, &who, &format!("/isac/{}/members", i.code)),
                isacs: vec![i],
                one: true,
                members: Some(orgs),
            },
        ),
        Err(AppError::Unauthorized) => see_other("/login"),
        Err(e) => e.into_response(),
    }
}

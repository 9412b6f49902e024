//! The admins' sharing groups and their member organizations.

use super::record::Choice;
use super::*;

// ---------------------------------------------------------------------------------------
// Admins: the sharing groups.

pub(super) struct GroupView {
    id: String,
    name: String,
    kind_label: String,
    description: String,
    members: Vec<Choice>,
    candidates: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "intel_groups.html")]
pub(super) struct GroupsPage {
    page: Page,
    groups: Vec<GroupView>,
    kinds: Options,
    form: GroupInput,
    errors: Errors,
    /// The group whose member form was refused.
    failed_group: String,
}

impl GroupsPage {
    fn error(&self, field: &str) -> Option<&str> {
        find(&self.errors, field)
    }
}

pub(super) async fn groups_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    form: GroupInput,
    errors: (Errors, String),
    status_code: StatusCode,
) -> Response {
    let result = async {
        // The page's forms are an admin's: the policy's answer to "create a group".
        service::check(state, who, ctx, Action::Create, &Resource::SharingGroup).await?;
        let groups = svc::groups(state, who, ctx).await?;
        let orgs = service::list_orgs(state, who, ctx).await?;
        Ok::<_, AppError>((groups, orgs))
    }
    .await;
    let (groups, orgs) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let names: HashMap<OrgId, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let groups = groups
        .into_iter()
        .map(|(g, members)| {
            let set: BTreeSet<OrgId> = members.iter().copied().collect();
            GroupView {
                id: g.id.to_string(),
                kind_label: tr.t2("intel-group-kind-", &g.kind),
                members: members
                    .iter()
                    .map(|o| Choice {
                        id: o.to_string(),
                        label: names.get(o).cloned().unwrap_or_else(|| o.to_string()),
                    })
                    .collect(),
                candidates: orgs
                    .iter()
                    .filter(|o| !set.contains(&o.id))
                    .map(|o| Choice {
                        id: o.id.to_string(),
                        label: o.name.clone(),
                    })
                    .collect(),
                name: g.name,
                description: g.description,
            }
        })
        .collect();
    let (errors, failed_group) = errors;
    render(
        status_code,
        &GroupsPage {
            page: Page::new(state, ctx, who, "/admin/groups"),
            groups,
            kinds: GROUP_KINDS
                .iter()
                .map(|k| (k.to_string(), tr.t2("intel-group-kind-", k)))
                .collect(),
            form,
            errors,
            failed_group,
        },
    )
}

pub(in crate::web) async fn groups_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
) -> Response {
    if who.user().is_none() {
        return see_other("/login");
    }
    groups_view(
        &state,
        &ctx,
        &who,
        GroupInput::default(),
        (vec![], String::new()),
        StatusCode::OK,
    )
    .await
}

pub(in crate::web) async fn groups_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Form(form): Form<GroupInput>,
) -> Response {
    match svc::create_group(&state, &who, &ctx, &form).await {
        Ok(g) => see_other(&format!("/admin/groups#group-{}", g.id)),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            groups_view(
                &state,
                &ctx,
                &who,
                form,
                (errors, String::new()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// Adding or removing one member organization.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::web) struct MemberForm {
    org_id: String,
    /// `add` or `remove`.
    action: String,
}

pub(in crate::web) async fn group_member(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Response {
    let result = async {
        // Ids that cannot exist are "not found", as missing ones are.
        let group = id
            .trim()
            .parse::<GroupId>()
            .map_err(|_| AppError::NotFound)?;
        let member = match f.action.trim() {
            "add" => true,
            "remove" => false,
            _ => return Err(AppError::field("action", "error-choice")),
        };
        let Ok(org) = f.org_id.trim().parse::<OrgId>() else {
            // The policy first, then the form.
            service::check(&state, &who, &ctx, Action::Update, &Resource::SharingGroup).await?;
            return Err(AppError::field("org_id", "error-choice"));
        };
        svc::set_member(&state, &who, &ctx, group, org, member).await?;
        Ok(group)
    }
    .await;
    match result {
        Ok(g) => see_other(&format!("/admin/groups#group-{g}")),
        Err(AppError::Validation(e)) => {
            let errors = field_errors(&ctx, &e);
            groups_view(
                &state,
                &ctx,
                &who,
                GroupInput::default(),
                (errors, id.trim().to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

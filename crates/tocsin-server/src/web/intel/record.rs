//! One record: its fields, indicators, FBI answers, deliveries, TXT download, and the
//! desk's and recipients' forms on it (indicators, sharing, feedback, re-share).

use super::*;
use crate::web::kit::PageForms;

// ---------------------------------------------------------------------------------------
// One record.

/// One of the 25 fields as the record page shows it.
pub(super) struct FieldView {
    key: &'static str,
    label: String,
    alt: String,
    /// One-line value (empty: shown as —).
    value: String,
    /// A text block, shown with its line breaks.
    block: bool,
    /// The entries read from a free text with structure (19, 22, 23).
    entries: Vec<String>,
    /// What could not be read from it, for the desk.
    warnings: Vec<String>,
}

pub(super) fn field_views(tr: &Tr, r: &IntelRecord) -> Vec<FieldView> {
    use IntelField as F;
    let input = r.to_input();
    IntelField::ALL
        .iter()
        .map(|&f| {
            let mut v = FieldView {
                key: f.key(),
                label: field_label(tr, f),
                alt: field_alt(tr, f),
                value: String::new(),
                block: false,
                entries: Vec::new(),
                warnings: Vec::new(),
            };
            match f {
                F::Category => v.value = category_label(tr, r.category.as_str()),
                F::Tlp => v.value = r.tlp.marking().to_string(),
                F::PublishedAt
                | F::EventDiscoveredAt
                | F::EventSentAt
                | F::EventResolvedAt
                | F::SourceTime => v.value = discovered(input.text(f)),
                F::VictimIp => {
                    let read = r.victims();
                    v.entries = read.entries.iter().map(ToString::to_string).collect();
                    v.warnings = warnings(tr, &read.warnings);
                }
                F::MaliciousConnections => {
                    let read = r.connections();
                    v.entries = read.entries.iter().map(ToString::to_string).collect();
                    v.warnings = warnings(tr, &read.warnings);
                }
                F::ScanInfo => {
                    let read = r.scans();
                    v.entries = read
                        .entries
                        .iter()
                        .map(|s| {
                            [
                                ("intel-scan-engine", &s.engine),
                                ("intel-scan-engine-type", &s.engine_type),
                                ("intel-scan-version", &s.version),
                                ("intel-scan-result", &s.result),
                            ]
                            .into_iter()
                            .filter(|(_, val)| !val.is_empty())
                            .map(|(id, val)| format!("{}: {val}", tr.t(id)))
                            .collect::<Vec<_>>()
                            .join(" · ")
                        })
                        .collect();
                    v.warnings = warnings(tr, &read.warnings);
                }
                _ => {}
            }
            // Every text as written; the free texts as blocks, line breaks kept.
            if v.value.is_empty() {
                v.value = input.text(f).to_string();
            }
            v.block = f.is_free_text();
            v
        })
        .collect()
}

/// The notation warnings of a field in the page's language.
fn warnings(tr: &Tr, ws: &[tocsin_domain::intel::notation::Warning]) -> Vec<String> {
    ws.iter().map(|w| tr.field_error(&w.message())).collect()
}

/// An indicator as listed.
pub(super) struct ObservableView {
    kind: String,
    value: String,
    origin: String,
    href: String,
}

/// An FBI answer, or a linked record, as listed.
pub(super) struct LinkView {
    href: String,
    subject: String,
    published: String,
    tlp: String,
    tlp_class: String,
    status_label: String,
}

/// An audience as listed.
pub(super) struct AudienceView {
    kind: String,
    name: String,
    added: String,
}

/// A delivery as listed.
pub(super) struct DeliveryView {
    name: String,
    email: String,
    tlp: String,
    at: String,
    message_id: String,
}

/// A checkbox of the share form.
pub(super) struct Choice {
    pub(super) id: String,
    pub(super) label: String,
}

#[derive(Template)]
#[template(path = "intel_record.html")]
pub(super) struct RecordPage {
    page: Page,
    id: String,
    subject: String,
    tlp: String,
    tlp_class: String,
    status: String,
    status_label: String,
    is_amber: bool,
    is_red: bool,
    fields: Vec<FieldView>,
    observables: Vec<ObservableView>,
    answers: Vec<LinkView>,
    answers_record: Option<String>,
    derived_from: Option<String>,
    may_update: bool,
    may_append: bool,
    groups: Vec<Choice>,
    orgs: Vec<Choice>,
    users: Vec<Choice>,
    audiences: Vec<AudienceView>,
    deliveries: Vec<DeliveryView>,
    reply_tlps: Options,
    failed_form: String,
    errors: Errors,
    values: HashMap<String, String>,
    checked: BTreeSet<String>,
    notice: String,
}

impl RecordPage {
    /// Whether a checkbox of the share form was ticked.
    fn ticked(&self, field: &str, id: &str) -> bool {
        self.checked.contains(&format!("{field}:{id}"))
    }
}

impl PageForms for RecordPage {
    fn failed_form(&self) -> &str {
        &self.failed_form
    }
    fn form_errors(&self) -> &Errors {
        &self.errors
    }
    fn form_values(&self) -> &HashMap<String, String> {
        &self.values
    }
}

/// A refused form of the record page: which, its messages, what was typed and ticked.
#[derive(Default)]
pub(super) struct Failed {
    form: String,
    errors: Errors,
    values: Vec<(&'static str, String)>,
    checked: Vec<String>,
}

/// `done=…` after a form of the record page succeeded.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::web) struct DoneQuery {
    done: String,
    delivered: String,
}

pub(super) async fn record_view(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    failed: Failed,
    done: DoneQuery,
    status_code: StatusCode,
) -> Response {
    let result = async {
        let id = record_id(id)?;
        let v = svc::view(state, who, ctx, id).await?;
        // The desk's forms need the groups, organizations and people to name.
        let (groups, orgs, users) = if v.may_update {
            (
                svc::groups(state, who, ctx).await?,
                service::list_orgs(state, who, ctx).await?,
                service::list_users(state, who, ctx).await?,
            )
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        Ok::<_, AppError>((v, groups, orgs, users))
    }
    .await;
    let (v, groups, orgs, users) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let tr = ctx.tr();
    let intel = &v.intel;
    let rid = intel.row.id.to_string();
    let org_names: HashMap<Uuid, String> =
        orgs.iter().map(|o| (o.id.uuid(), o.name.clone())).collect();
    let group_names: HashMap<Uuid, String> = groups
        .iter()
        .map(|(g, _)| (g.id.uuid(), g.name.clone()))
        .collect();
    let user_names: HashMap<Uuid, (String, String)> = users
        .iter()
        .map(|u| (u.id.uuid(), (u.name.clone(), u.email.clone())))
        .collect();
    let audiences = v
        .audiences
        .iter()
        .map(|a| {
            let name = match a.kind {
                AudienceKind::Group => group_names.get(&a.target_id).cloned(),
                AudienceKind::Org | AudienceKind::Informed => org_names.get(&a.target_id).cloned(),
                AudienceKind::User => user_names
                    .get(&a.target_id)
                    .map(|(n, e)| format!("{n} <{e}>")),
            };
            AudienceView {
                kind: tr.t2("intel-audience-", a.kind.as_str()),
                name: name.unwrap_or_else(|| a.target_id.to_string()),
                added: when(state, &tr, a.added_at),
            }
        })
        .collect();
    let deliveries = v
        .deliveries
        .iter()
        .map(|d| DeliveryView {
            name: user_names
                .get(&d.user_id)
                .map(|(n, _)| n.clone())
                .unwrap_or_default(),
            email: d.email.clone(),
            tlp: tlp_marking(&d.tlp),
            at: when(state, &tr, d.delivered_at),
            message_id: d.message_id.clone(),
        })
        .collect();
    let observables = v
        .observables
        .iter()
        .map(|o| ObservableView {
            kind: o.kind.clone(),
            value: o.value.clone(),
            origin: tr.t2("intel-origin-", &o.origin),
            href: format!("/intel?observable={}", pct(&o.value)),
        })
        .collect();
    let analyst_lines = v
        .observables
        .iter()
        .filter(|o| o.origin == tocsin_domain::intel::ObservableOrigin::Analyst.as_str())
        .map(|o| format!("{} {}", o.kind, o.value))
        .collect::<Vec<_>>()
        .join("\n");
    let answers = v
        .answers
        .iter()
        .map(|a| LinkView {
            href: format!("/intel/{}", a.id),
            subject: a.subject.clone(),
            published: when(state, &tr, a.published_at),
            tlp: tlp_marking(&a.tlp),
            tlp_class: tlp_class(&a.tlp),
            status_label: status_label(&tr, &a.status),
        })
        .collect();
    let tlp = intel.tlp();
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("observables.lines".into(), analyst_lines);
    values.insert("feedback.tlp".into(), tlp.as_str().to_string());
    values.insert("feedback.published_at".into(), now_text(state));
    values.insert(
        "feedback.source".into(),
        who.user()
            .and_then(|u| u.org_id.0)
            .and_then(|o| org_names.get(&o.uuid()).cloned())
            .or_else(|| who.user().map(|u| u.name.clone()))
            .unwrap_or_default(),
    );
    values.insert(
        "feedback.subject".into(),
        format!(
            "{} {}",
            tr.t("intel-feedback-subject-prefix"),
            intel.record.subject
        ),
    );
    values.insert("reshare.tlp".into(), tlp.as_str().to_string());
    for (k, val) in &failed.values {
        values.insert(format!("{}.{k}", failed.form), val.clone());
    }
    let notice = match done.done.as_str() {
        "shared" => tr.t_args(
            "intel-notice-shared",
            &[(
                "count",
                done.delivered
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0)
                    .to_string(),
            )],
        ),
        "observables" => tr.t("intel-notice-observables"),
        _ => String::new(),
    };
    let page = RecordPage {
        page: Page::new(state, ctx, who, &format!("/intel/{rid}")),
        subject: intel.record.subject.clone(),
        tlp: tlp.marking().to_string(),
        tlp_class: tlp_class(tlp.as_str()),
        status: intel.row.status.clone(),
        status_label: status_label(&tr, &intel.row.status),
        is_amber: tlp == Tlp::Amber,
        is_red: tlp == Tlp::Red,
        fields: field_views(&tr, &intel.record),
        observables,
        answers,
        answers_record: v
            .may_update
            .then(|| intel.row.answers_id.map(|a| format!("/intel/{a}")))
            .flatten(),
        derived_from: v
            .may_update
            .then(|| intel.row.derived_from.map(|a| format!("/intel/{a}")))
            .flatten(),
        may_update: v.may_update,
        may_append: v.may_append,
        groups: groups
            .iter()
            .map(|(g, members)| Choice {
                id: g.id.to_string(),
                label: tr.t_args(
                    "intel-group-choice",
                    &[
                        ("name", g.name.clone()),
                        ("count", members.len().to_string()),
                    ],
                ),
            })
            .collect(),
        orgs: orgs
            .iter()
            .map(|o| Choice {
                id: o.id.to_string(),
                label: o.name.clone(),
            })
            .collect(),
        users: users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| Choice {
                id: u.id.to_string(),
                label: format!(
                    "{} <{}>{}",
                    u.name,
                    u.email,
                    u.org_id
                        .0
                        .and_then(|o| org_names.get(&o.uuid()))
                        .map(|n| format!(" · {n}"))
                        .unwrap_or_default()
                ),
            })
            .collect(),
        audiences,
        deliveries,
        reply_tlps: tlp_options_from(tlp),
        failed_form: failed.form,
        errors: failed.errors,
        values,
        checked: failed.checked.into_iter().collect(),
        notice,
        id: rid,
    };
    render(status_code, &page)
}

pub(in crate::web) async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Response {
    record_view(
        &state,
        &ctx,
        &who,
        &id,
        Failed::default(),
        done,
        StatusCode::OK,
    )
    .await
}

/// The TXT form of a record, as a download (audited by the service as an export).
pub(in crate::web) async fn txt(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = record_id(&id)?;
        Ok::<_, AppError>((id, svc::txt(&state, &who, &ctx, id).await?))
    }
    .await;
    let (id, text) = match result {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    // The id is a UUID: always a safe file name.
    attachment(
        text,
        "text/plain; charset=utf-8",
        &format!("attachment; filename=\"intel-{id}.txt\""),
    )
}

/// After a record page form: on, or the page again with the messages next to the refused
/// form (422).
pub(super) async fn after(
    state: &AppState,
    ctx: &Ctx,
    who: &CurrentUser,
    id: &str,
    result: Result<String, AppError>,
    failed: Failed,
) -> Response {
    match result {
        Ok(to) => see_other(&to),
        Err(AppError::Validation(e)) => {
            let failed = Failed {
                errors: field_errors(ctx, &e),
                ..failed
            };
            record_view(
                state,
                ctx,
                who,
                id,
                failed,
                DoneQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// The indicator editor: `kind value` lines.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::web) struct ObservablesForm {
    lines: String,
}

pub(in crate::web) async fn observables(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ObservablesForm>,
) -> Response {
    let result = async {
        let rid = record_id(&id)?;
        svc::set_observables(&state, &who, &ctx, rid, &f.lines).await?;
        Ok(format!("/intel/{rid}?done=observables#observables"))
    }
    .await;
    let failed = Failed {
        form: "observables".into(),
        values: vec![("lines", f.lines)],
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The share form: checkboxes send each ticked id once.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::web) struct ShareForm {
    groups: Vec<String>,
    orgs: Vec<String>,
    users: Vec<String>,
    informed: Vec<String>,
}

/// Ids from the form; one that is not an id is an error of its field.
pub(super) fn ids(field: &'static str, raw: &[String], e: &mut FieldErrors) -> Vec<Uuid> {
    let mut out = Vec::new();
    for r in raw.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match Uuid::parse_str(r) {
            Ok(u) => out.push(u),
            Err(_) => e.add(field, FieldError::new("error-choice")),
        }
    }
    out
}

pub(in crate::web) async fn share(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ShareForm>,
) -> Response {
    let mut checked = Vec::new();
    for (field, list) in [
        ("groups", &f.groups),
        ("orgs", &f.orgs),
        ("users", &f.users),
        ("informed", &f.informed),
    ] {
        checked.extend(list.iter().map(|v| format!("{field}:{}", v.trim())));
    }
    let result = async {
        let rid = record_id(&id)?;
        let mut e = FieldErrors::new();
        let input = ShareInput {
            groups: ids("groups", &f.groups, &mut e),
            orgs: ids("orgs", &f.orgs, &mut e),
            users: ids("users", &f.users, &mut e),
            informed: ids("informed", &f.informed, &mut e),
        };
        if !e.is_empty() {
            // The policy first: a refused caller learns nothing of their input.
            svc::load(&state, &who, &ctx, rid, Action::Update).await?;
            return Err(AppError::Validation(e));
        }
        let outcome = svc::share(&state, &who, &ctx, rid, &input).await?;
        Ok(format!(
            "/intel/{rid}?done=shared&delivered={}#deliveries",
            outcome.delivered
        ))
    }
    .await;
    let failed = Failed {
        form: "share".into(),
        checked,
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The FBI feedback form: a short record answering this one.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::web) struct FeedbackForm {
    subject: String,
    source: String,
    published_at: String,
    tlp: String,
    impact_level: String,
    content: String,
}

pub(in crate::web) async fn feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<FeedbackForm>,
) -> Response {
    let result = async {
        let rid = record_id(&id)?;
        let input = IntelInput {
            category: IntelCategory::Fbi.as_str().to_string(),
            subject: f.subject.clone(),
            source: f.source.clone(),
            published_at: f.published_at.clone(),
            tlp: f.tlp.clone(),
            impact_level: f.impact_level.clone(),
            content: f.content.clone(),
            ..IntelInput::default()
        };
        let answer = svc::feedback(&state, &who, &ctx, rid, &input).await?;
        Ok(format!("/intel/{}", answer.row.id))
    }
    .await;
    let failed = Failed {
        form: "feedback".into(),
        values: vec![
            ("subject", f.subject),
            ("source", f.source),
            ("published_at", f.published_at),
            ("tlp", f.tlp),
            ("impact_level", f.impact_level),
            ("content", f.content),
        ],
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The re-share form: the TLP of the derived record.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(in crate::web) struct ReshareForm {
    tlp: String,
}

pub(in crate::web) async fn reshare(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<ReshareForm>,
) -> Response {
    let result = async {
        let rid = record_id(&id)?;
        let derived = svc::reshare(&state, &who, &ctx, rid, &f.tlp).await?;
        Ok(format!("/intel/{}", derived.row.id))
    }
    .await;
    let failed = Failed {
        form: "reshare".into(),
        values: vec![("tlp", f.tlp)],
        ..Failed::default()
    };
    after(&state, &ctx, &who, &id, result, failed).await
}

/// The desk's "make an intel draft" of an incident report: the new draft's page.
pub(in crate::web) async fn from_incident(
    State(state): State<AppState>,
    ctx: Ctx,
    who: CurrentUser,
    Path(tracking): Path<String>,
) -> Response {
    match svc::from_incident(&state, &who, &ctx, &tracking).await {
        Ok(intel) => see_other(&format!("/intel/{}", intel.row.id)),
        Err(e) => e.into_response(),
    }
}

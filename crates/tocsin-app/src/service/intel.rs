//! Threat-intelligence sharing: partners and the desk submit 25-field records (drafts
//! until the desk shares them), the desk shares them with sharing groups, organizations
//! and named people, and every recipient gets the TXT form by mail; each organization
//! reads its inbox, answers with FBI feedback, or re-shares at the same or a tighter TLP.
//!
//! Every read goes through [`load`], which works out what the caller is to the record
//! ([`IntelAudience`]) and asks the policy; listings use the policy's [`intel_scope`];
//! mail goes only to users the policy lets read the record. A record the caller may not
//! read is "not found", so its existence does not leak.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tocsin_domain::intel::{
    IntelCategory, IntelField, IntelInput, IntelRecord, IntelTime, Observable, ObservableKind,
    ObservableOrigin, extract_observables, tlp_name,
};
use tocsin_domain::policy::{Action, IntelAudience, Resource, authorize, intel_scope, may_reshare};
use tocsin_domain::validate::FieldErrors;
use tocsin_domain::{
    FieldError, GroupId, IncidentType, IntelId, Locale, OrgId, ReportKind, Timestamp, Tlp, UserId,
    search,
};
use tocsin_formats::stix;
use tocsin_mail::MailAttachment;
use tocsin_storage::intel::PreparedIntel;
use tocsin_storage::{
    AudienceKind, AudienceRow, Delivery, IntelCursor, IntelFilter, IntelRow, NewIntel,
    ObservableRow, SharingGroup, Tx, User,
};
use uuid::Uuid;

use super::reports::IncidentDetails;
use super::{audit_entry, check};
use crate::auth::{CurrentUser, principal_of};
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// The statuses of a record.
pub mod status {
    /// Submitted (by a partner, from an incident, as a re-share), awaiting the desk.
    pub const DRAFT: &str = "draft";
    /// Shared: visible to its audience by TLP.
    pub const SHARED: &str = "shared";
    /// Withdrawn by the desk after it was shared: read as a draft is (the desk and its
    /// author), and no longer matched.
    pub const WITHDRAWN: &str = "withdrawn";
}

/// The format's offset for times the desk writes: Taiwan, +08:00.
const DESK_OFFSET_MINUTES: i16 = 480;

/// `at` as the desk writes a record's time (+08:00), for records the desk makes.
pub(crate) fn desk_time(at: Timestamp) -> String {
    IntelTime::at(at, DESK_OFFSET_MINUTES).to_string()
}

/// A stored record with its 25 fields read back.
#[derive(Clone, Debug)]
pub struct Intel {
    /// The row.
    pub row: IntelRow,
    /// The 25 fields.
    pub record: IntelRecord,
}

impl Intel {
    pub(crate) fn of(row: IntelRow) -> Result<Intel, AppError> {
        let record = serde_json::from_str(&row.body)
            .map_err(|e| AppError::internal(format!("intel {} body: {e}", row.id)))?;
        Ok(Intel { row, record })
    }

    /// Whether the record is still a draft.
    pub fn is_draft(&self) -> bool {
        self.row.status != status::SHARED
    }

    /// The record's TLP.
    pub fn tlp(&self) -> Tlp {
        self.record.tlp
    }
}

/// What the principal `u` is to a record, from its stored audiences and their
/// organization's groups.
async fn audience_of(
    state: &App,
    u: Option<&User>,
    row: &IntelRow,
) -> Result<IntelAudience, AppError> {
    let Some(u) = u else {
        return Ok(IntelAudience::default());
    };
    let stored: Vec<(AudienceKind, Uuid)> = state
        .store
        .intel_audience(row.id)
        .await?
        .into_iter()
        .map(|a| (a.kind, a.target_id))
        .collect();
    relation(state, u, row, &stored).await
}

/// What `u` is to a record with these audiences. The only place this relation is worked
/// out: reads use the stored audiences, a share those plus the ones it is adding.
async fn relation(
    state: &App,
    u: &User,
    row: &IntelRow,
    audiences: &[(AudienceKind, Uuid)],
) -> Result<IntelAudience, AppError> {
    let org = u.org_id.0;
    let groups = match org {
        Some(o) => state.store.groups_of_org(o).await?,
        None => Vec::new(),
    };
    Ok(relation_of(
        u.id,
        org,
        &groups,
        row.owner_org_id,
        row.created_by,
        audiences,
    ))
}

/// What the user `user` of organization `org` (in sharing groups `groups`) is to a
/// record written by `owner_org`/`created_by` with these audiences: the rule [`relation`]
/// applies, without I/O, for callers that hold the record's audiences already (IOC
/// matching asks it for every hit).
pub(crate) fn relation_of(
    user: UserId,
    org: Option<OrgId>,
    groups: &[GroupId],
    owner_org: Option<Uuid>,
    created_by: Option<Uuid>,
    audiences: &[(AudienceKind, Uuid)],
) -> IntelAudience {
    let has = |kind: AudienceKind, id: Uuid| audiences.iter().any(|(k, t)| *k == kind && *t == id);
    let org_uuid = org.map(|o| o.uuid());
    IntelAudience {
        author: created_by == Some(user.uuid()) || (org_uuid.is_some() && owner_org == org_uuid),
        named_user: has(AudienceKind::User, user.uuid()),
        recipient_org: org_uuid.is_some_and(|o| has(AudienceKind::Org, o))
            || groups.iter().any(|g| has(AudienceKind::Group, g.uuid())),
        informed_org: org_uuid.is_some_and(|o| has(AudienceKind::Informed, o)),
        community: !groups.is_empty(),
    }
}

fn resource(row: &IntelRow, tlp: Tlp, audience: IntelAudience) -> Resource {
    Resource::Intel {
        tlp,
        draft: row.status != status::SHARED,
        audience,
    }
}

/// Loads a record for `action`, audited. A signed-in caller who may not see it gets
/// "not found", as for a record that does not exist; an anonymous one is asked to sign in
/// in both cases.
pub async fn load(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
    action: Action,
) -> Result<(Intel, IntelAudience), AppError> {
    let Some(row) = state.store.get_intel(id).await? else {
        return Err(super::hidden(who));
    };
    let intel = Intel::of(row)?;
    let audience = audience_of(state, who.user(), &intel.row).await?;
    let r = resource(&intel.row, intel.tlp(), audience);
    super::check_hidden(state, who, ctx, action, &r).await?;
    Ok((intel, audience))
}

fn validation(field: IntelField, e: FieldError) -> AppError {
    let mut errors = FieldErrors::new();
    errors.add(field.key(), e.arg("field", field.label()));
    AppError::Validation(errors)
}

/// The indicators of a record: those extracted from its text (its victim IPs marked as
/// victims, what only its references name marked as references), plus the analyst's.
pub(crate) fn observables_of(
    record: &IntelRecord,
    analyst: &[(String, String)],
) -> Vec<(String, String, String)> {
    let victims: Vec<Observable> = record
        .victims()
        .entries
        .iter()
        .flat_map(|v| extract_observables(&v.address()))
        .collect();
    let mut out: BTreeMap<(String, String), ObservableOrigin> = BTreeMap::new();
    for o in extract_observables(&record.reference_text()) {
        out.insert(
            (o.kind.as_str().to_string(), o.value),
            ObservableOrigin::Reference,
        );
    }
    // What the threat's own texts name wins over a mention in the references.
    for o in extract_observables(&record.indicator_text()) {
        out.insert(
            (o.kind.as_str().to_string(), o.value),
            ObservableOrigin::Extracted,
        );
    }
    // A victim is never an indicator to block, wherever else the record names it.
    for o in victims {
        out.insert(
            (o.kind.as_str().to_string(), o.value),
            ObservableOrigin::Victim,
        );
    }
    for (k, v) in analyst {
        out.insert((k.clone(), v.clone()), ObservableOrigin::Analyst);
    }
    out.into_iter()
        .map(|((k, v), o)| (k, v, o.as_str().to_string()))
        .collect()
}

pub(crate) fn new_row(
    id: IntelId,
    record: &IntelRecord,
    who: Option<&User>,
    channel: &str,
    now: Timestamp,
) -> Result<IntelRow, AppError> {
    Ok(IntelRow {
        id,
        status: status::DRAFT.to_string(),
        category: record.category.as_str().to_string(),
        tlp: record.tlp.as_str().to_string(),
        tlp_floor: record.tlp.as_str().to_string(),
        impact_level: record.impact_level.map(i32::from),
        subject: record.subject.clone(),
        dispatch_id: record.dispatch_id.clone().unwrap_or_default(),
        published_at: record.published_at.utc,
        body: serde_json::to_string(record)
            .map_err(|e| AppError::internal(format!("intel json: {e}")))?,
        owner_org_id: who.and_then(|u| u.org_id.0).map(|o| o.uuid()),
        created_by: who.map(|u| u.id.uuid()),
        answers_id: None,
        derived_from: None,
        channel: channel.to_string(),
        created_at: now,
        updated_at: now,
    })
}

/// Where a record came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// The web form.
    Web,
    /// POST /api/v1/intel.
    Api,
    /// A TXT file (upload or mail).
    Txt,
    /// Made from an incident report.
    Incident,
    /// A recipient's re-share.
    Reshare,
    /// Bulk import by the operator.
    Import,
    /// A STIX bundle posted to POST /api/v1/intel/stix.
    Stix,
    /// A TAXII envelope posted to a collection.
    Taxii,
    /// Made by the desk from a Virus Check analysis.
    VirusCheck,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Txt => "txt",
            Channel::Incident => "incident",
            Channel::Reshare => "reshare",
            Channel::Import => "import",
            Channel::Stix => "stix",
            Channel::Taxii => "taxii",
            Channel::VirusCheck => "virus_check",
        }
    }
}

/// Stores a validated record as a draft of the caller's, in one transaction with its
/// audit entry.
async fn store_draft(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    record: &IntelRecord,
    channel: Channel,
    link: impl FnOnce(&mut IntelRow),
) -> Result<Intel, AppError> {
    let now = state.now();
    let mut row = new_row(IntelId::new(), record, who.user(), channel.as_str(), now)?;
    link(&mut row);
    let new = NewIntel {
        row: row.clone(),
        search_text: record.search_text(),
        observables: observables_of(record, &[]),
    };
    let mut tx = state.store.begin().await?;
    tx.insert_intel(&new).await?;
    let mut a = audit_entry(who, ctx, "intel.create", "intel", &row.id.to_string());
    a.detail = channel.as_str().to_string();
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(Intel {
        row,
        record: record.clone(),
    })
}

/// Takes a record from a partner or the desk (web form, API, TXT): validated whole, stored
/// as a draft. An FBI record whose 來源編號 names a record the caller may read is linked
/// to it as its answer.
pub async fn submit(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &IntelInput,
    channel: Channel,
) -> Result<Intel, AppError> {
    check_may_submit(state, who, ctx).await?;
    let record = input.validate().map_err(AppError::Validation)?;
    let mut answers = None;
    if record.category == IntelCategory::Fbi
        && let Some(src) = record.source_id.as_deref()
        && let Some(row) = state.store.intel_by_dispatch_id(src).await?
    {
        let aud = audience_of(state, who.user(), &row).await?;
        let tlp = row.tlp()?;
        if authorize(
            who.principal().as_ref(),
            Action::Read,
            &resource(&row, tlp, aud),
        )
        .is_ok()
        {
            answers = Some(row.id.uuid());
        }
    }
    store_draft(state, who, ctx, &record, channel, |r| {
        r.answers_id = answers
    })
    .await
}

/// Whether the caller may submit records (as drafts of theirs).
async fn check_may_submit(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<(), AppError> {
    let create = Resource::Intel {
        tlp: Tlp::Red,
        draft: true,
        audience: IntelAudience::default(),
    };
    check(state, who, ctx, Action::Create, &create).await
}

/// Takes a partner's STIX 2.1 bundle: each report (or, without one, the whole bundle)
/// becomes a draft record of the caller's, as a TAXII post makes them
/// (`stix::read_bundle`), all in one transaction or none: a bundle that cannot be read, or
/// a report that cannot become a record, is refused with the field named.
pub async fn submit_stix(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    bundle: &[u8],
) -> Result<Vec<Intel>, AppError> {
    check_may_submit(state, who, ctx).await?;
    let unreadable = |reason: String| {
        let mut e = FieldErrors::new();
        e.add(
            "bundle",
            FieldError::new("error-stix").arg("reason", reason),
        );
        AppError::Validation(e)
    };
    let imported = stix::read_bundle(bundle, state.now()).map_err(|e| unreadable(e.to_string()))?;
    if imported.is_empty() {
        return Err(AppError::field("bundle", "error-stix-empty"));
    }
    let mut records = Vec::with_capacity(imported.len());
    for imp in imported {
        let record = imp.input.validate().map_err(AppError::Validation)?;
        records.push(record);
    }
    let mut tx = state.store.begin().await?;
    let rows = insert_drafts(&mut tx, who, ctx, &records, Channel::Stix).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .zip(records)
        .map(|(row, record)| Intel { row, record })
        .collect())
}

/// Stores validated records as drafts of the caller's in the caller's transaction, in
/// multi-row statements (the bulk import's path), with one audit entry each; returns
/// their rows, in order.
pub(crate) async fn insert_drafts(
    tx: &mut Tx,
    who: &CurrentUser,
    ctx: &Ctx,
    records: &[IntelRecord],
    channel: Channel,
) -> Result<Vec<IntelRow>, AppError> {
    let now = tx.now();
    let mut prepared = Vec::with_capacity(records.len());
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let row = new_row(IntelId::new(), record, who.user(), channel.as_str(), now)?;
        prepared.push(PreparedIntel::new(NewIntel {
            row: row.clone(),
            search_text: record.search_text(),
            observables: observables_of(record, &[]),
        })?);
        rows.push(row);
    }
    tx.insert_intel_batch(&prepared).await?;
    for row in &rows {
        let mut a = audit_entry(who, ctx, "intel.create", "intel", &row.id.to_string());
        a.detail = channel.as_str().to_string();
        tx.audit(&a).await?;
    }
    Ok(rows)
}

/// What a record's STIX bundle is made from: the record with its id and times.
pub(crate) fn stix_source<'a>(row: &IntelRow, record: &'a IntelRecord) -> stix::IntelSource<'a> {
    stix::IntelSource {
        record_id: row.id.uuid(),
        record,
        created: row.created_at,
        modified: row.updated_at,
    }
}

/// FBI feedback on a record the caller may read: their record is an FBI whose 來源編號 and
/// 來源時間 are filled from the answered record when left empty, linked to it.
pub async fn feedback(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
    input: &IntelInput,
) -> Result<Intel, AppError> {
    let (original, _) = load(state, who, ctx, id, Action::Append).await?;
    let mut input = input.clone();
    if input.category.trim().is_empty() {
        input.category = IntelCategory::Fbi.as_str().to_string();
    }
    if input.source_id.trim().is_empty() {
        input.source_id = original
            .record
            .dispatch_id
            .clone()
            .unwrap_or_else(|| original.row.id.to_string());
    }
    if input.source_time.trim().is_empty() {
        input.source_time = original.record.published_at.to_string();
    }
    let record = input.validate().map_err(AppError::Validation)?;
    if record.category != IntelCategory::Fbi {
        return Err(validation(
            IntelField::Category,
            FieldError::new("error-intel-feedback-fbi"),
        ));
    }
    // Feedback carries the answered record's TLP or a tighter one.
    if !may_reshare(original.tlp(), record.tlp) {
        return Err(validation(
            IntelField::Tlp,
            FieldError::new("error-intel-tlp-loosen").arg("tlp", tlp_name(original.tlp())),
        ));
    }
    let answers = original.row.id.uuid();
    store_draft(state, who, ctx, &record, Channel::Api, |r| {
        r.answers_id = Some(answers)
    })
    .await
}

/// A recipient re-shares a record: a derived draft at the same or a tighter TLP, which
/// the desk then distributes. The TLP can never be loosened, here or by a later edit.
pub async fn reshare(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
    tlp: &str,
) -> Result<Intel, AppError> {
    let (original, _) = load(state, who, ctx, id, Action::Append).await?;
    let Ok(to) = tlp.parse::<Tlp>() else {
        return Err(validation(IntelField::Tlp, FieldError::new("error-choice")));
    };
    if !may_reshare(original.tlp(), to) {
        return Err(validation(
            IntelField::Tlp,
            FieldError::new("error-intel-tlp-loosen").arg("tlp", tlp_name(original.tlp())),
        ));
    }
    let mut record = original.record.clone();
    record.tlp = to;
    let from = original.row.id.uuid();
    let floor = original.row.tlp_floor.clone();
    store_draft(state, who, ctx, &record, Channel::Reshare, |r| {
        r.derived_from = Some(from);
        // The floor is the loosest TLP anywhere up the chain.
        if let (Ok(f), Ok(t)) = (floor.parse::<Tlp>(), r.tlp.parse::<Tlp>())
            && t > f
        {
            r.tlp_floor = t.as_str().to_string();
        }
    })
    .await
}

/// The desk edits a record (any status): validated whole; the TLP may not go below its
/// floor (the TLP it arrived with). Analyst indicators are kept.
pub async fn edit(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
    input: &IntelInput,
) -> Result<Intel, AppError> {
    let (current, _) = load(state, who, ctx, id, Action::Update).await?;
    let record = input.validate().map_err(AppError::Validation)?;
    let floor: Tlp = current.row.tlp_floor.parse().unwrap_or(Tlp::Red);
    if !may_reshare(floor, record.tlp) {
        return Err(validation(
            IntelField::Tlp,
            FieldError::new("error-intel-tlp-loosen").arg("tlp", tlp_name(floor)),
        ));
    }
    let analyst: Vec<(String, String)> = state
        .store
        .intel_observables(id)
        .await?
        .into_iter()
        .filter(|o| o.origin == ObservableOrigin::Analyst.as_str())
        .map(|o| (o.kind, o.value))
        .collect();
    let mut tx = state.store.begin().await?;
    let Some(row) = tx.intel_for_update(id).await? else {
        return Err(AppError::NotFound);
    };
    let mut updated = new_row(id, &record, None, &row.channel, state.now())?;
    updated.status = row.status.clone();
    updated.created_at = row.created_at;
    updated.tlp_floor = row.tlp_floor.clone();
    let new = NewIntel {
        row: updated,
        search_text: record.search_text(),
        observables: observables_of(&record, &analyst),
    };
    tx.update_intel(&new).await?;
    tx.replace_observables(id, &new.observables).await?;
    if new.row.status == status::SHARED {
        let groups: Vec<Uuid> = state
            .store
            .intel_audience(id)
            .await?
            .into_iter()
            .filter(|a| a.kind == AudienceKind::Group)
            .map(|a| a.target_id)
            .collect();
        super::taxii::publish(&mut tx, &new.row, &record, &groups).await?;
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "intel.update",
        "intel",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    state.matcher.invalidate(id);
    Ok(Intel {
        row: new.row,
        record,
    })
}

/// The desk replaces the analyst's indicators of a record: one `kind value` per line
/// (`ipv4 203.0.113.5`); each must be a valid indicator of its kind.
pub async fn set_observables(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
    lines: &str,
) -> Result<(), AppError> {
    let (intel, _) = load(state, who, ctx, id, Action::Update).await?;
    let mut analyst = Vec::new();
    for (n, line) in lines.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (kind, value) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let parsed = kind
            .parse::<ObservableKind>()
            .ok()
            .and_then(|k| Observable::new(k, value.trim()));
        let Some(o) = parsed else {
            let mut e = FieldErrors::new();
            e.add(
                "observables",
                FieldError::new("error-intel-observable").arg("line", n + 1),
            );
            return Err(AppError::Validation(e));
        };
        analyst.push((o.kind.as_str().to_string(), o.value));
    }
    let list = observables_of(&intel.record, &analyst);
    let mut tx = state.store.begin().await?;
    tx.replace_observables(id, &list).await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "intel.observables",
        "intel",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    state.matcher.invalidate(id);
    Ok(())
}

/// The desk withdraws a shared record: it is no longer shared with anyone (only the desk
/// and its author still read it, as a draft is read), and its indicators stop matching.
/// Mail already delivered stays delivered.
pub async fn withdraw(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<(), AppError> {
    let (intel, _) = load(state, who, ctx, id, Action::Update).await?;
    let mut tx = state.store.begin().await?;
    let Some(mut row) = tx.intel_for_update(id).await? else {
        return Err(AppError::NotFound);
    };
    row.status = status::WITHDRAWN.to_string();
    row.updated_at = state.now();
    tx.update_intel(&NewIntel {
        row,
        search_text: intel.record.search_text(),
        observables: Vec::new(),
    })
    .await?;
    tx.audit(&audit_entry(
        who,
        ctx,
        "intel.withdraw",
        "intel",
        &id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    state.matcher.invalidate(id);
    Ok(())
}

/// Whom the desk shares a record with.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ShareInput {
    /// Sharing groups: every member organization.
    pub groups: Vec<Uuid>,
    /// Named organizations.
    pub orgs: Vec<Uuid>,
    /// Named people.
    pub users: Vec<Uuid>,
    /// For AMBER: organizations the recipients must inform (they may read it too).
    pub informed: Vec<Uuid>,
}

/// What sharing did.
#[derive(Clone, Debug, Serialize)]
pub struct ShareOutcome {
    /// New deliveries queued by this call.
    pub delivered: usize,
    /// Recipients who already had it.
    pub already: usize,
}

/// The desk shares a record: it becomes shared, the audiences are added, and every user
/// of a recipient organization and every named person whom the policy lets read it gets
/// the TXT form by mail, once; each delivery is recorded. The TLP decides which audiences
/// make sense: RED only named people, AMBER+STRICT no organizations to inform.
pub async fn share(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
    input: &ShareInput,
) -> Result<ShareOutcome, AppError> {
    let (intel, _) = load(state, who, ctx, id, Action::Update).await?;
    let tlp = intel.tlp();
    let mut errors = FieldErrors::new();
    let empty = input.groups.is_empty()
        && input.orgs.is_empty()
        && input.users.is_empty()
        && input.informed.is_empty();
    if tlp == Tlp::Red && !(input.groups.is_empty() && input.orgs.is_empty()) {
        errors.add("groups", FieldError::new("error-intel-red-named"));
    }
    if tlp != Tlp::Amber && !input.informed.is_empty() {
        errors.add("informed", FieldError::new("error-intel-informed-amber"));
    }
    if empty && tlp >= Tlp::Amber {
        errors.add("groups", FieldError::new("error-intel-no-audience"));
    }
    // Every target must exist.
    for g in &input.groups {
        if state.store.get_group(GroupId(*g)).await?.is_none() {
            errors.add("groups", FieldError::new("error-choice"));
        }
    }
    for o in input.orgs.iter().chain(&input.informed) {
        if state.store.get_org(OrgId(*o)).await?.is_none() {
            errors.add("orgs", FieldError::new("error-choice"));
        }
    }
    for u in &input.users {
        if state.store.get_user(UserId(*u)).await?.is_none() {
            errors.add("users", FieldError::new("error-choice"));
        }
    }
    errors.into_result().map_err(AppError::Validation)?;

    let now = state.now();
    let mut tx = state.store.begin().await?;
    let Some(mut row) = tx.intel_for_update(id).await? else {
        return Err(AppError::NotFound);
    };
    // A draft shared for the first time is the desk accepting it: its author earns. Not
    // a draft the desk made from an incident: its author is the desk's analyst, and the
    // reporter earned for the report itself.
    let accepted = row.status == status::DRAFT;
    let earns = accepted && row.channel != Channel::Incident.as_str();
    row.status = status::SHARED.to_string();
    row.updated_at = now;
    if earns {
        let event = if row.category == IntelCategory::Fbi.as_str() {
            tocsin_domain::points::EarnEvent::FbiFeedbackAccepted
        } else {
            tocsin_domain::points::EarnEvent::IntelAccepted
        };
        super::points::award(
            &mut tx,
            state,
            who,
            event,
            None,
            super::points::SOURCE_INTEL,
            &row.id.to_string(),
            super::points::holder_of(row.owner_org_id, row.created_by),
        )
        .await?;
    }
    tx.update_intel(&NewIntel {
        row: row.clone(),
        search_text: intel.record.search_text(),
        observables: Vec::new(),
    })
    .await?;
    let adding = audience_rows(input);
    for (kind, t) in &adding {
        tx.add_audience(id, *kind, *t, now).await?;
    }
    // The policy is asked with the stored audiences plus these, not yet committed.
    let mut audiences: Vec<(AudienceKind, Uuid)> = state
        .store
        .intel_audience(id)
        .await?
        .into_iter()
        .map(|a| (a.kind, a.target_id))
        .collect();
    audiences.extend(adding);
    let groups: Vec<Uuid> = audiences
        .iter()
        .filter(|(k, _)| *k == AudienceKind::Group)
        .map(|(_, g)| *g)
        .collect();
    super::taxii::publish(&mut tx, &row, &intel.record, &groups).await?;
    // The mail recipients: users of recipient organizations, and named people.
    let mut orgs: BTreeSet<OrgId> = input.orgs.iter().map(|o| OrgId(*o)).collect();
    for g in &input.groups {
        orgs.extend(state.store.orgs_of_group(GroupId(*g)).await?);
    }
    let mut candidates: BTreeMap<UserId, User> = BTreeMap::new();
    for o in orgs {
        for u in state.store.users_of_org(o).await? {
            candidates.insert(u.id, u);
        }
    }
    for u in &input.users {
        if let Some(u) = state.store.get_user(UserId(*u)).await? {
            candidates.insert(u.id, u);
        }
    }
    tx.audit(&{
        let mut a = audit_entry(who, ctx, "intel.share", "intel", &id.to_string());
        a.detail = format!(
            "tlp={} groups={} orgs={} users={} informed={}",
            tlp.as_str(),
            input.groups.len(),
            input.orgs.len(),
            input.users.len(),
            input.informed.len()
        );
        a
    })
    .await?;
    // The audiences are written in this transaction; the policy is asked with them.
    let shared_row = row;
    let mut outcome = ShareOutcome {
        delivered: 0,
        already: 0,
    };
    let txt = tocsin_formats::intel_form::emit_record(&intel.record);
    let subject = format!(
        "[TLP:{}] {} {}",
        tlp_name(tlp),
        intel.record.category,
        intel.record.subject
    );
    let link = state.config.link(&format!("/intel/{id}"));
    let filename = super::reports::clean_filename(&format!(
        "intel-{}.txt",
        intel
            .record
            .dispatch_id
            .as_deref()
            .unwrap_or(&id.to_string())
    ));
    // The record is locked by `intel_for_update`, so no other share races these reads.
    let delivered: BTreeSet<Uuid> = state
        .store
        .intel_deliveries(id)
        .await?
        .into_iter()
        .map(|d| d.user_id)
        .collect();
    for u in candidates.values() {
        if u.disabled {
            continue;
        }
        let aud = relation(state, u, &shared_row, &audiences).await?;
        let r = resource(&shared_row, tlp, aud);
        if authorize(Some(&principal_of(u)), Action::Read, &r).is_err() {
            continue;
        }
        // A user already delivered to gets no second mail.
        if delivered.contains(&u.id.uuid()) {
            outcome.already += 1;
            continue;
        }
        let locale = Locale::from_tag(&u.locale).unwrap_or(Locale::ZhTw);
        // Content the operator wants only encrypted goes as the notice and its link alone
        // to a recipient without a key, and the notice says why.
        let withheld = super::pgp::withhold_content(state, tlp, &u.email).await?;
        let text = Tr::new(locale).t_args(
            if withheld {
                "mail-intel-body-withheld"
            } else {
                "mail-intel-body"
            },
            &[
                ("name", u.name.clone()),
                ("subject", intel.record.subject.clone()),
                ("tlp", tlp_name(tlp).to_string()),
                ("link", link.clone()),
            ],
        );
        let attachment = MailAttachment {
            filename: filename.clone(),
            content_type: "text/plain; charset=utf-8".to_string(),
            content: txt.clone().into_bytes(),
        };
        let attachments = if withheld { vec![] } else { vec![attachment] };
        let message_id =
            crate::mailer::queue_with(&mut tx, state, &u.email, &subject, &text, attachments)
                .await?;
        let delivery = Delivery {
            id: Uuid::now_v7(),
            record_id: id.uuid(),
            user_id: u.id.uuid(),
            email: u.email.clone(),
            tlp: tlp.as_str().to_string(),
            locale: locale.tag().to_string(),
            message_id,
            delivered_at: now,
        };
        if !tx.insert_delivery(&delivery).await? {
            return Err(AppError::internal("intel delivery recorded twice"));
        }
        outcome.delivered += 1;
    }
    tx.commit().await?;
    state.matcher.invalidate(id);
    Ok(outcome)
}

/// The audience rows a share adds.
fn audience_rows(input: &ShareInput) -> Vec<(AudienceKind, Uuid)> {
    let mut v = Vec::new();
    for (kind, ids) in [
        (AudienceKind::Group, &input.groups),
        (AudienceKind::Org, &input.orgs),
        (AudienceKind::User, &input.users),
        (AudienceKind::Informed, &input.informed),
    ] {
        v.extend(ids.iter().map(|t| (kind, *t)));
    }
    v
}

/// Everything the record page shows.
#[derive(Clone, Debug)]
pub struct IntelView {
    /// The record.
    pub intel: Intel,
    /// What the viewer is to it.
    pub audience: IntelAudience,
    /// Its indicators.
    pub observables: Vec<ObservableRow>,
    /// Its audiences (the desk only).
    pub audiences: Vec<AudienceRow>,
    /// Its mail deliveries (the desk only: the sender sees who received it).
    pub deliveries: Vec<Delivery>,
    /// The FBI answers the viewer may read.
    pub answers: Vec<IntelRow>,
    /// The viewer may edit and share it.
    pub may_update: bool,
    /// The viewer may answer or re-share it.
    pub may_append: bool,
}

/// One record as its reader may see it (audited).
pub async fn view(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<IntelView, AppError> {
    let (intel, audience) = load(state, who, ctx, id, Action::Read).await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "intel.read",
            "intel",
            &id.to_string(),
        ))
        .await?;
    let p = who.principal();
    let r = resource(&intel.row, intel.tlp(), audience);
    let may_update = authorize(p.as_ref(), Action::Update, &r).is_ok();
    let may_append = authorize(p.as_ref(), Action::Append, &r).is_ok();
    let (audiences, deliveries) = if may_update {
        (
            state.store.intel_audience(id).await?,
            state.store.intel_deliveries(id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut answers = Vec::new();
    for a in state.store.intel_answers(id).await? {
        let aud = audience_of(state, who.user(), &a).await?;
        if authorize(p.as_ref(), Action::Read, &resource(&a, a.tlp()?, aud)).is_ok() {
            answers.push(a);
        }
    }
    Ok(IntelView {
        observables: state.store.intel_observables(id).await?,
        intel,
        audience,
        audiences,
        deliveries,
        answers,
        may_update,
        may_append,
    })
}

/// The TXT form of a record (audited as an export).
pub async fn txt(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<String, AppError> {
    let intel = export(state, who, ctx, id).await?;
    Ok(tocsin_formats::intel_form::emit_record(&intel.record))
}

/// The STIX 2.1 bundle of a record (audited as an export): what its TAXII collections
/// serve, for a reader who wants the one record.
pub async fn stix_bundle(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<String, AppError> {
    let intel = export(state, who, ctx, id).await?;
    Ok(stix::intel_bundle(&stix_source(&intel.row, &intel.record)))
}

/// A record its reader exports, the export audited.
async fn export(state: &App, who: &CurrentUser, ctx: &Ctx, id: IntelId) -> Result<Intel, AppError> {
    let (intel, _) = load(state, who, ctx, id, Action::Read).await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "intel.export",
            "intel",
            &id.to_string(),
        ))
        .await?;
    Ok(intel)
}

/// The deliveries of a record, for its sender (the desk).
pub async fn deliveries(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<Vec<Delivery>, AppError> {
    load(state, who, ctx, id, Action::Update).await?;
    Ok(state.store.intel_deliveries(id).await?)
}

/// The inbox filter as typed by a user (form or query string).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InboxQuery {
    /// draft or shared (the desk); others see shared records and their own drafts.
    pub status: String,
    /// ANA, DEF, INT, EWA, FBI.
    pub category: String,
    /// A TLP name.
    pub tlp: String,
    /// At least this impact level (1–4).
    pub min_impact: String,
    /// Published on or after this day (YYYY-MM-DD, the desk's time zone).
    pub since: String,
    /// Published on or before this day.
    pub until: String,
    /// Words in subject or content (Chinese words of one or two characters work).
    pub q: String,
    /// An indicator value (an IP, a domain…).
    pub observable: String,
    /// Page, from 1 (the older paging: a deep page costs what it skips; `after` does not).
    pub page: String,
    /// Where the page starts: the `next` cursor of the page before (opaque). Wins over
    /// `page`.
    pub after: String,
}

/// One page of the inbox.
#[derive(Clone, Debug, Default)]
pub struct InboxPage {
    /// The records, newest publication first.
    pub records: Vec<Intel>,
    /// The cursor of the next page (for `after`), when there may be one.
    pub next: Option<String>,
}

/// Records on one inbox page.
pub const PAGE_SIZE: i64 = 50;

fn day_start(s: &str, field: &'static str, e: &mut FieldErrors) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match IntelTime::parse(&format!("{s}T00:00:00+08:00")) {
        Some(t) => Some(t.utc),
        None => {
            e.add(field, FieldError::new("error-date"));
            None
        }
    }
}

/// The records the caller may list, filtered; a search is confirmed by exact text. The
/// listing is audited as an access to confidential records.
pub async fn inbox(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    q: &InboxQuery,
) -> Result<Vec<Intel>, AppError> {
    Ok(inbox_page(state, who, ctx, q).await?.records)
}

/// [`inbox`] with the cursor of the next page. The cursor comes from the last record the
/// store listed, before the exact-text check of a search drops any: a page of a search
/// may show fewer records than [`PAGE_SIZE`] and still have a next page.
pub async fn inbox_page(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    q: &InboxQuery,
) -> Result<InboxPage, AppError> {
    let p = who.principal();
    let community = match p.as_ref().and_then(|p| p.org_id) {
        Some(o) => !state.store.groups_of_org(o).await?.is_empty(),
        None => false,
    };
    let mut e = FieldErrors::new();
    let category = match q.category.trim() {
        "" => None,
        c => match IntelCategory::parse(c) {
            Some(c) => Some(c.as_str().to_string()),
            None => {
                e.add("category", FieldError::new("error-choice"));
                None
            }
        },
    };
    let tlp = match q.tlp.trim() {
        "" => None,
        t => match t.parse::<Tlp>() {
            Ok(t) => Some(t),
            Err(_) => {
                e.add("tlp", FieldError::new("error-choice"));
                None
            }
        },
    };
    let min_impact = match q.min_impact.trim() {
        "" => None,
        m => match m.parse::<i32>() {
            Ok(n) if (1..=4).contains(&n) => Some(n),
            _ => {
                e.add("min_impact", FieldError::new("error-intel-impact"));
                None
            }
        },
    };
    let status = match q.status.trim() {
        "" => None,
        s @ (status::DRAFT | status::SHARED) => Some(s.to_string()),
        _ => {
            e.add("status", FieldError::new("error-choice"));
            None
        }
    };
    let since = day_start(&q.since, "since", &mut e);
    let until = day_start(&q.until, "until", &mut e)
        .map(|t| Timestamp::from_micros(t.micros() + 86_400_000_000));
    let page = match q.page.trim() {
        "" => 1,
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .unwrap_or(1),
    };
    let after = match q.after.trim() {
        "" => None,
        a => {
            let c = IntelCursor::parse(a);
            if c.is_none() {
                e.add("after", FieldError::new("error-choice"));
            }
            c
        }
    };
    e.into_result().map_err(AppError::Validation)?;
    let query = q.q.trim();
    let observable = q.observable.trim();
    let filter = IntelFilter {
        scope: Some(intel_scope(p.as_ref(), community)),
        status,
        category,
        tlp,
        min_impact,
        since,
        until,
        query: (!query.is_empty()).then(|| query.to_string()),
        observable: (!observable.is_empty()).then(|| observable.to_lowercase()),
        limit: PAGE_SIZE,
        offset: if after.is_some() {
            0
        } else {
            (page - 1) * PAGE_SIZE
        },
        after,
    };
    let listed = state.store.list_intel_page(&filter).await?;
    let mut out = Vec::with_capacity(listed.rows.len());
    for row in listed.rows {
        let intel = Intel::of(row)?;
        if query.is_empty() || search::matches(&intel.record.search_text(), query) {
            out.push(intel);
        }
    }
    let mut a = audit_entry(who, ctx, "intel.list", "intel", "");
    a.detail = format!("{} records", out.len());
    state.store.audit(&a).await?;
    Ok(InboxPage {
        records: out,
        next: listed.next.map(|c| c.token()),
    })
}

/// The desk turns an incident report into a draft intel record (web_attack → DEF,
/// intrusion → INT, early_warning → EWA) with the reporter's identity stripped: no name,
/// address, telephone or organization, and those removed from the text too.
pub async fn from_incident(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    tracking: &str,
) -> Result<Intel, AppError> {
    let Some(report) = state.store.report_by_tracking(tracking).await? else {
        return Err(AppError::NotFound);
    };
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::Report {
            org: report.org_id.map(OrgId),
            reporter: report.reporter_user_id.map(UserId),
        },
    )
    .await?;
    if report.kind != ReportKind::Incident {
        return Err(AppError::BadRequest(
            "only incident reports become intel".into(),
        ));
    }
    let details = IncidentDetails::of(&report);
    let Ok(kind) = details.incident_type.parse::<IncidentType>() else {
        return Err(AppError::BadRequest(
            "the report has no incident type".into(),
        ));
    };
    let mut secrets: Vec<String> = vec![
        report.reporter_name.clone(),
        report.reporter_email.clone(),
        report.reporter_phone.clone(),
    ];
    if let Some(o) = report.org_id
        && let Some(org) = state.store.get_org(OrgId(o)).await?
    {
        secrets.push(org.name);
    }
    let strip = |s: &str| {
        let mut s = s.to_string();
        for secret in secrets
            .iter()
            .map(|x| x.trim())
            .filter(|x| x.chars().count() >= 2)
        {
            s = s.replace(secret, "[…]");
        }
        s
    };
    let locale = ctx.locale;
    let tr = Tr::new(locale);
    let now = IntelTime::at(state.now(), DESK_OFFSET_MINUTES);
    let discovered = Timestamp::parse_rfc3339(&details.discovered_at)
        .map(|t| IntelTime::at(t, DESK_OFFSET_MINUTES).to_string())
        .unwrap_or_default();
    let category = IntelCategory::for_incident(kind);
    let operator = match locale {
        Locale::ZhTw => state.config.operator.name_zh.clone(),
        Locale::En => state.config.operator.name_en.clone(),
    };
    let content = strip(&details.description);
    let input = IntelInput {
        category: category.as_str().to_string(),
        subject: strip(&format!("{} {}", kind.label(locale), report.tracking_id)),
        source: operator.clone(),
        published_at: now.to_string(),
        tlp: Tlp::Amber.as_str().to_string(),
        event_subject: if category == IntelCategory::Ana {
            String::new()
        } else {
            strip(kind.label(locale))
        },
        event_discovered_at: discovered,
        content: if content.trim().is_empty() {
            tr.t("intel-from-incident-empty")
        } else {
            content
        },
        affected_platforms: strip(&details.affected_assets),
        publisher: operator,
        ..IntelInput::default()
    };
    let record = input.validate().map_err(AppError::Validation)?;
    store_draft(state, who, ctx, &record, Channel::Incident, |_| {}).await
}

/// Input for creating a sharing group.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupInput {
    /// Name, unique (F-ISAC).
    pub name: String,
    /// isac, isp, cert, academia, alliance or other.
    pub kind: String,
    /// What it is.
    pub description: String,
}

/// The kinds of sharing group.
pub const GROUP_KINDS: &[&str] = &["isac", "isp", "cert", "academia", "alliance", "other"];

/// The sharing groups with their member organizations (the desk).
pub async fn groups(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<(SharingGroup, Vec<OrgId>)>, AppError> {
    check(state, who, ctx, Action::List, &Resource::SharingGroup).await?;
    let members = state.store.list_group_members().await?;
    Ok(state
        .store
        .list_groups()
        .await?
        .into_iter()
        .map(|g| {
            let orgs = members
                .iter()
                .filter(|m| m.group_id == g.id.uuid())
                .map(|m| OrgId(m.org_id))
                .collect();
            (g, orgs)
        })
        .collect())
}

/// Creates a sharing group (admins).
pub async fn create_group(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: &GroupInput,
) -> Result<SharingGroup, AppError> {
    check(state, who, ctx, Action::Create, &Resource::SharingGroup).await?;
    let mut e = FieldErrors::new();
    e.check(
        "name",
        tocsin_domain::validate::required_line(&input.name, 100),
    );
    e.check(
        "description",
        tocsin_domain::validate::optional_text(&input.description, 1000),
    );
    if !GROUP_KINDS.contains(&input.kind.trim()) {
        e.add("kind", FieldError::new("error-choice"));
    }
    e.into_result().map_err(AppError::Validation)?;
    let g = SharingGroup {
        id: GroupId::new(),
        name: input.name.trim().to_string(),
        kind: input.kind.trim().to_string(),
        description: input.description.trim().to_string(),
        created_at: state.now(),
    };
    let mut tx = state.store.begin().await?;
    match tx.insert_group(&g).await {
        Ok(()) => {}
        Err(tocsin_storage::StorageError::Conflict(_)) => {
            let mut e = FieldErrors::new();
            e.add("name", FieldError::new("error-taken"));
            return Err(AppError::Validation(e));
        }
        Err(e) => return Err(e.into()),
    }
    tx.audit(&audit_entry(
        who,
        ctx,
        "group.create",
        "sharing_group",
        &g.id.to_string(),
    ))
    .await?;
    tx.commit().await?;
    Ok(g)
}

/// Adds an organization to a group, or removes it (admins).
pub async fn set_member(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    group: GroupId,
    org: OrgId,
    member: bool,
) -> Result<(), AppError> {
    check(state, who, ctx, Action::Update, &Resource::SharingGroup).await?;
    if state.store.get_group(group).await?.is_none() || state.store.get_org(org).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let mut tx = state.store.begin().await?;
    if member {
        tx.add_group_member(group, org).await?;
    } else {
        tx.remove_group_member(group, org).await?;
    }
    let mut a = audit_entry(
        who,
        ctx,
        "group.member",
        "sharing_group",
        &group.to_string(),
    );
    a.detail = format!("{} {org}", if member { "add" } else { "remove" });
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// Reads a TXT form: refuses it whole, naming each line, when any line does not read or
/// the bytes do not decode (as the web upload and the bulk import do).
pub fn read_txt(bytes: &[u8]) -> Result<IntelInput, AppError> {
    let out = tocsin_formats::intel_form::parse_bytes(bytes);
    let mut errors = FieldErrors::new();
    if out.lossy {
        errors.add("txt", FieldError::new("intel-txt-lossy"));
    }
    for p in &out.problems {
        errors.add(
            p.field.key(),
            FieldError::new("error-form-unreadable").arg("problem", p),
        );
    }
    if !out.unknown_lines.is_empty() {
        let lines: Vec<String> = out
            .unknown_lines
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        errors.add(
            "txt",
            FieldError::new("error-intel-txt-lines").arg("lines", lines.join(", ")),
        );
    }
    errors.into_result().map_err(AppError::Validation)?;
    Ok(out.input)
}

/// The fields of a JSON object that do not read as the record's, each read alone, with
/// serde's words: the one place a wrong JSON shape is pinned on a field (API and import).
pub fn wrong_type_fields(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(IntelField, String)> {
    map.iter()
        .filter_map(|(k, v)| {
            let field = IntelField::from_key(k)?;
            let one = serde_json::Value::Object([(k.clone(), v.clone())].into_iter().collect());
            IntelInput::deserialize(&one)
                .err()
                .map(|e| (field, e.to_string()))
        })
        .collect()
}

//! TAXII 2.1: the operations behind `/taxii2/` (handlers in `crate::taxii`).
//!
//! One collection per sharing group. The policy decides the collection
//! (`Resource::TaxiiCollection`: the group's member organizations and the staff read it;
//! members who may submit intel post to it; the staff delete) and, for every object in
//! it, the intel rule of the record the object belongs to, applied in the storage query by
//! the same scope as every intel listing (`policy::intel_scope`). A collection the caller
//! may not read and an object they may not see are both "not found": nobody learns that
//! either exists.
//!
//! Objects enter a collection when the desk shares a record with the group ([`publish`],
//! called by `intel::share` and `intel::edit`; an edit is a new version), or when a
//! member posts a bundle ([`post_objects`]): each report, and the objects no report names
//! by their TLP, become draft records of the poster's (as a TXT or API submission would),
//! stored with their objects, which only the poster's organization and the desk see until
//! the desk shares the record. A collection holds each object version once, linked to
//! every record that carries it, and adds objects 1 µs apart (the paging rule in
//! `tocsin_storage::taxii`).

use std::collections::{BTreeSet, HashMap};

use base64::Engine as _;
use serde::Serialize;
use serde_json::{Value, json};
use tocsin_domain::policy::{Action, IntelScope, Resource, authorize, intel_scope};
use tocsin_domain::{GroupId, IntelId, IntelRecord, Timestamp};
use tocsin_formats::stix::{self, ObjectMeta};
use tocsin_storage::taxii::{TaxiiObject, TaxiiQuery, VersionMatch};
use tocsin_storage::{GroupForOrg, IntelRow, SharingGroup, Tx};
use uuid::Uuid;

use super::intel::{Channel, insert_drafts, stix_source};
use super::{audit_entry, check};
use crate::auth::{self, AuthMethod, CurrentUser};
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// The TAXII media type.
pub const TAXII_MEDIA: &str = "application/taxii+json;version=2.1";
/// The largest page a client may ask for.
pub const MAX_PAGE: i64 = 1000;
/// The page size when the client names none.
pub const DEFAULT_PAGE: i64 = 100;

/// Who the caller is from an HTTP Basic `Authorization` value (already base64-decoded as
/// `email:secret`): the secret may be one of the account's API tokens or its password
/// (throttled and audited like the sign-in form). `None` when the credentials are wrong.
pub async fn basic_user(
    state: &App,
    ctx: &Ctx,
    email: &str,
    secret: &str,
) -> Result<Option<CurrentUser>, AppError> {
    if let Some((_, u)) = state
        .store
        .api_token_user(&auth::hash_secret(secret), state.now())
        .await?
        && u.email.eq_ignore_ascii_case(email.trim())
    {
        return Ok(Some(CurrentUser(Some((u, AuthMethod::Token)))));
    }
    match super::verify_login(state, ctx, email.trim(), secret).await {
        Ok(u) => Ok(Some(CurrentUser(Some((u, AuthMethod::Token))))),
        Err(AppError::Validation(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Decodes an `Authorization: Basic …` value into `(email, secret)`.
pub fn decode_basic(value: &str) -> Option<(String, String)> {
    let b64 = value.strip_prefix("Basic ")?.trim();
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_string(), pass.to_string()))
}

/// A collection as TAXII lists it.
#[derive(Clone, Debug, Serialize)]
pub struct CollectionView {
    /// The group's id.
    pub id: String,
    /// The group's name.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Always true (listed only when readable).
    pub can_read: bool,
    /// Whether the caller may post.
    pub can_write: bool,
    /// The objects' media type.
    pub media_types: Vec<&'static str>,
}

/// The caller's groups: which groups their organization is in, and whether it is in any
/// (the vetted community of the intel rule).
async fn membership(state: &App, who: &CurrentUser) -> Result<Vec<GroupId>, AppError> {
    Ok(match who.user().and_then(|u| u.org_id.0) {
        Some(org) => state.store.groups_of_org(org).await?,
        None => Vec::new(),
    })
}

fn view(g: &SharingGroup, can_write: bool) -> CollectionView {
    CollectionView {
        id: g.id.uuid().to_string(),
        title: g.name.clone(),
        description: g.description.clone(),
        can_read: true,
        can_write,
        media_types: vec![stix::MEDIA_TYPE],
    }
}

/// The collections the caller may read (the policy asked for each, without auditing a
/// group it simply does not list).
pub async fn collections(state: &App, who: &CurrentUser) -> Result<Vec<CollectionView>, AppError> {
    let p = who.principal();
    let mine = membership(state, who).await?;
    let mut out = Vec::new();
    for g in state.store.list_groups().await? {
        let r = Resource::TaxiiCollection {
            member: mine.contains(&g.id),
        };
        if authorize(p.as_ref(), Action::Read, &r).is_ok() {
            out.push(view(&g, authorize(p.as_ref(), Action::Create, &r).is_ok()));
        }
    }
    Ok(out)
}

/// One collection, if the caller may do `action` on it; a refusal is audited and answered
/// as "not found".
async fn collection(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    action: Action,
) -> Result<(SharingGroup, bool, IntelScope), AppError> {
    // The group and how the caller's organization stands to it, in one query.
    let org = who.user().and_then(|u| u.org_id.0);
    let Some(GroupForOrg {
        group: g,
        member,
        community,
    }) = state.store.group_for_org(GroupId(id), org).await?
    else {
        return Err(AppError::NotFound);
    };
    let r = Resource::TaxiiCollection { member };
    match check(state, who, ctx, action, &r).await {
        Ok(()) => {}
        Err(AppError::Forbidden) if action != Action::Read => {
            // Readers learn they may not write; others not even that it exists.
            let readable = authorize(who.principal().as_ref(), Action::Read, &r).is_ok();
            return Err(if readable {
                AppError::Forbidden
            } else {
                AppError::NotFound
            });
        }
        Err(AppError::Forbidden) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    }
    let can_write = authorize(who.principal().as_ref(), Action::Create, &r).is_ok();
    let scope = intel_scope(who.principal().as_ref(), community);
    Ok((g, can_write, scope))
}

/// A collection's description, for `GET …/collections/{id}/`.
pub async fn get_collection(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
) -> Result<CollectionView, AppError> {
    let (g, can_write, _) = collection(state, who, ctx, id, Action::Read).await?;
    Ok(view(&g, can_write))
}

/// The filters of a get-objects, manifest or versions request, as the client sent them.
#[derive(Clone, Debug, Default)]
pub struct ObjectFilter {
    /// `added_after`.
    pub added_after: Option<String>,
    /// `limit`.
    pub limit: Option<String>,
    /// `next`.
    pub next: Option<String>,
    /// `match[id]`, comma-separated.
    pub ids: Option<String>,
    /// `match[type]`.
    pub kinds: Option<String>,
    /// `match[version]`.
    pub version: Option<String>,
    /// `match[spec_version]`.
    pub spec_version: Option<String>,
}

impl ObjectFilter {
    /// Reads the query parameters TAXII defines; others are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> ObjectFilter {
        let mut f = ObjectFilter::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "added_after" => &mut f.added_after,
                "limit" => &mut f.limit,
                "next" => &mut f.next,
                "match[id]" => &mut f.ids,
                "match[type]" => &mut f.kinds,
                "match[version]" => &mut f.version,
                "match[spec_version]" => &mut f.spec_version,
                _ => continue,
            };
            *slot = Some(v.clone());
        }
        f
    }
}

fn bad(param: &str, why: &str) -> AppError {
    AppError::BadRequest(format!("query parameter `{param}`: {why}"))
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The cursor of a page: base64url of `micros.uuid` of its last row.
pub fn encode_cursor(date_added: Timestamp, id: Uuid) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
        "{}.{}",
        date_added.micros(),
        id.simple()
    ))
}

/// Reads a cursor written by [`encode_cursor`].
pub fn decode_cursor(s: &str) -> Option<(Timestamp, Uuid)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (t, id) = text.split_once('.')?;
    Some((
        Timestamp::from_micros(t.parse().ok()?),
        Uuid::parse_str(id).ok()?,
    ))
}

/// The query of a filter in a scope; `object` pins one STIX id.
fn query(
    f: &ObjectFilter,
    scope: IntelScope,
    collection: Uuid,
    object: Option<&str>,
    default_version: VersionMatch,
) -> Result<(TaxiiQuery, i64), AppError> {
    let limit = match f.limit.as_deref() {
        None => DEFAULT_PAGE,
        Some(l) => match l.trim().parse::<i64>() {
            Ok(n) if n >= 1 => n.min(MAX_PAGE),
            _ => return Err(bad("limit", "must be a whole number of at least 1")),
        },
    };
    let mut q = TaxiiQuery::new(scope, collection, limit + 1);
    if let Some(a) = &f.added_after {
        q.added_after = Some(
            Timestamp::parse_rfc3339(a.trim())
                .map_err(|_| bad("added_after", "must be an RFC 3339 timestamp"))?,
        );
    }
    if let Some(n) = &f.next {
        q.after =
            Some(decode_cursor(n).ok_or_else(|| bad("next", "is not a cursor of this server"))?);
    }
    q.ids = list(&f.ids);
    if let Some(o) = object {
        q.ids = vec![o.to_string()];
    }
    q.kinds = list(&f.kinds);
    q.spec_versions = list(&f.spec_version);
    let versions = list(&f.version);
    q.version = if versions.is_empty() {
        default_version
    } else if versions.iter().any(|v| v == "all") {
        VersionMatch::All
    } else if versions.len() == 1 && versions[0] == "last" {
        VersionMatch::Last
    } else if versions.len() == 1 && versions[0] == "first" {
        VersionMatch::First
    } else {
        let mut at = Vec::new();
        for v in &versions {
            at.push(Timestamp::parse_rfc3339(v).map_err(|_| {
                bad(
                    "match[version]",
                    "must be last, first, all or RFC 3339 timestamps",
                )
            })?);
        }
        VersionMatch::At(at)
    };
    Ok((q, limit))
}

/// One page of rows: the rows, whether there are more, and the cursor of the next page.
#[derive(Debug)]
pub struct Page {
    /// The rows.
    pub rows: Vec<TaxiiObject>,
    /// More rows follow.
    pub more: bool,
    /// The `next` of the following page.
    pub next: Option<String>,
}

impl Page {
    /// `X-TAXII-Date-Added-First` and `-Last`.
    pub fn date_added_range(&self) -> Option<(String, String)> {
        Some((
            self.rows.first()?.date_added.rfc3339(),
            self.rows.last()?.date_added.rfc3339(),
        ))
    }
}

/// A page of a collection's objects the caller may see (get objects, manifest, versions,
/// object by id: they differ in what they show of the rows).
pub async fn page(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    collection_id: Uuid,
    f: &ObjectFilter,
    object: Option<&str>,
    default_version: VersionMatch,
) -> Result<Page, AppError> {
    let (_, _, scope) = collection(state, who, ctx, collection_id, Action::Read).await?;
    let (q, limit) = query(f, scope, collection_id, object, default_version)?;
    let mut rows = state.store.taxii_objects(&q).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = more
        .then(|| rows.last().map(|r| encode_cursor(r.date_added, r.id)))
        .flatten();
    Ok(Page { rows, more, next })
}

/// The envelope of a page of objects, as JSON text written around each object's stored
/// JSON: each is only checked to be JSON (a row that is not is left out, as corrupt), not
/// parsed into a tree and written again.
pub fn envelope(p: &Page) -> String {
    let room: usize = p.rows.iter().map(|r| r.body.len() + 1).sum();
    let mut out = String::with_capacity(room + 128);
    out.push_str(if p.more {
        "{\"more\":true"
    } else {
        "{\"more\":false"
    });
    if let Some(n) = &p.next {
        out.push_str(",\"next\":");
        out.push_str(&Value::from(n.as_str()).to_string());
    }
    out.push_str(",\"objects\":[");
    let mut first = true;
    for r in &p.rows {
        if serde_json::from_str::<serde::de::IgnoredAny>(&r.body).is_err() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&r.body);
    }
    out.push_str("]}");
    out
}

/// The manifest of a page.
pub fn manifest(p: &Page) -> Value {
    let objects: Vec<Value> = p
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.stix_id,
                "date_added": r.date_added.rfc3339(),
                "version": r.version.rfc3339(),
                "media_type": stix::MEDIA_TYPE,
            })
        })
        .collect();
    let mut v = json!({"more": p.more, "objects": objects});
    if let Some(n) = &p.next {
        v["next"] = json!(n);
    }
    v
}

/// The versions of a page of one object's rows.
pub fn versions(p: &Page) -> Value {
    let mut list: Vec<String> = p.rows.iter().map(|r| r.version.rfc3339()).collect();
    list.sort();
    list.dedup();
    let mut v = json!({"more": p.more, "versions": list});
    if let Some(n) = &p.next {
        v["next"] = json!(n);
    }
    v
}

/// Deletes an object (every version, or those of `match[version]` timestamps) from a
/// collection: the desk's.
pub async fn delete_object(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    collection_id: Uuid,
    object: &str,
    f: &ObjectFilter,
) -> Result<(), AppError> {
    collection(state, who, ctx, collection_id, Action::Delete).await?;
    let mut at = Vec::new();
    for v in list(&f.version) {
        if v == "all" || v == "last" || v == "first" {
            continue;
        }
        at.push(
            Timestamp::parse_rfc3339(&v)
                .map_err(|_| bad("match[version]", "must be RFC 3339 timestamps"))?,
        );
    }
    let mut tx = state.store.begin().await?;
    let n = tx.delete_taxii_object(collection_id, object, &at).await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    let mut a = audit_entry(
        who,
        ctx,
        "taxii.delete",
        "taxii_collection",
        &collection_id.to_string(),
    );
    a.detail = format!("{object} ({n} rows)");
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(())
}

/// The rows of a record's objects for one collection, added from `start` on, 1 µs apart.
/// Objects of no record (TLP markings, tocsin's identity and extension definition) are
/// stored without one.
fn rows_of(
    objects: &[stix::StixObject],
    record: IntelId,
    fallback_version: Timestamp,
    collection: Uuid,
    start: Timestamp,
) -> Vec<TaxiiObject> {
    let constant = |o: &stix::StixObject| {
        o.id() == stix::TOCSIN_IDENTITY_ID
            || o.id() == stix::EXTENSION_ID
            || stix::tlp_of_id(o.id()).is_some()
    };
    let mut out = Vec::new();
    for o in objects {
        let value = o.to_value();
        let Ok(meta) = ObjectMeta::of(0, &value) else {
            continue;
        };
        out.push(TaxiiObject {
            id: Uuid::now_v7(),
            collection_id: collection,
            record_id: (!constant(o)).then_some(record),
            stix_id: meta.id,
            kind: meta.kind,
            version: meta.version.unwrap_or(fallback_version),
            spec_version: meta.spec_version,
            date_added: added_at(start, out.len()),
            body: value.to_string(),
        });
    }
    out
}

/// The `date_added` of the `n`th object a transaction adds to a collection, counting from
/// 0 at `start` ([`Tx::taxii_next_date_added`]): one microsecond each, so that no two
/// objects of a collection share one and paging by `added_after` skips none.
fn added_at(start: Timestamp, n: usize) -> Timestamp {
    Timestamp::from_micros(
        start
            .micros()
            .saturating_add(i64::try_from(n).unwrap_or(i64::MAX)),
    )
}

/// Publishes a shared record's objects into the collections of `groups` (a new version
/// when it changed), in the caller's transaction.
pub async fn publish(
    tx: &mut Tx,
    row: &IntelRow,
    record: &IntelRecord,
    groups: &[Uuid],
) -> Result<(), AppError> {
    let objects = stix::intel_objects(&stix_source(row, record));
    // Collections in one order, so that two transactions take their locks alike.
    let mut groups = groups.to_vec();
    groups.sort();
    groups.dedup();
    for g in groups {
        let start = tx.taxii_next_date_added(g).await?;
        let rows = rows_of(&objects, row.id, row.updated_at, g, start);
        tx.insert_taxii_objects(&rows).await?;
    }
    Ok(())
}

/// The status resource of a POST.
fn status_json(
    id: Uuid,
    at: Timestamp,
    successes: &[(String, String)],
    failures: &[(String, String)],
) -> Value {
    json!({
        "id": id.to_string(),
        "status": "complete",
        "request_timestamp": at.rfc3339(),
        "total_count": successes.len() + failures.len(),
        "success_count": successes.len(),
        "successes": successes.iter().map(|(id, v)| json!({"id": id, "version": v})).collect::<Vec<_>>(),
        "failure_count": failures.len(),
        "failures": failures.iter().map(|(id, m)| json!({"id": id, "message": m})).collect::<Vec<_>>(),
        "pending_count": 0,
    })
}

/// Takes a member's envelope of objects, all in one transaction: each report, and the
/// objects no report names by their TLP (one group per TLP, `stix::read_objects`), becomes
/// a draft record of the caller's, and each object is stored in the collection once per
/// version, linked to every draft it belongs to: those whose objects it is or they refer
/// to (the identity and markings of their objects), else the strictest draft of the
/// envelope. What the collection holds already (the same id and version; for an object
/// without one, an SCO, the same JSON) is a success that makes no draft again, so a
/// repeated POST changes nothing. What cannot become a record is a failure in the status
/// resource, with the field named. The objects are added 1 µs apart, in the envelope's
/// order. Returns the status resource.
pub async fn post_objects(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    collection_id: Uuid,
    body: &[u8],
) -> Result<Value, AppError> {
    collection(state, who, ctx, collection_id, Action::Create).await?;
    let user = who
        .user()
        .map(|u| u.id.uuid())
        .ok_or(AppError::Unauthorized)?;
    let objects = stix::parse_envelope(body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let tr = Tr::new(ctx.locale);
    let mut tx = state.store.begin().await?;
    let now = tx.now();

    // What the collection holds already, and each object's version and date_added: an
    // object without a version (an SCO) is versioned by when it is added, as TAXII says,
    // unless the collection holds the very same object.
    let mut ids: Vec<String> = objects.iter().map(|(m, _)| m.id.clone()).collect();
    ids.sort();
    ids.dedup();
    let stored = tx.taxii_stored(collection_id, &ids).await?;
    let start = tx.taxii_next_date_added(collection_id).await?;
    let bodies: Vec<String> = objects.iter().map(|(_, v)| v.to_string()).collect();
    let mut known = Vec::with_capacity(objects.len());
    let mut versions = Vec::with_capacity(objects.len());
    for (i, (meta, _)) in objects.iter().enumerate() {
        let held = stored.iter().find(|s| {
            s.stix_id == meta.id
                && match meta.version {
                    Some(v) => s.version == v,
                    None => s.body == bodies[i],
                }
        });
        known.push(held.is_some());
        versions.push(
            meta.version
                .or(held.map(|h| h.version))
                .unwrap_or_else(|| added_at(start, i)),
        );
    }

    // The drafts of what is new; the shared objects (markings, identities) come along
    // for the TLPs and the publishers' names.
    let fresh: Vec<(ObjectMeta, Value)> = objects
        .iter()
        .zip(&known)
        .filter(|((m, _), known)| !**known || stix::is_shared_kind(&m.kind))
        .map(|(o, _)| o.clone())
        .collect();
    let imported =
        stix::read_objects(&fresh, now).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let mut records = Vec::new();
    let mut members: Vec<Vec<String>> = Vec::new();
    let mut why_not: HashMap<String, String> = HashMap::new();
    for imp in imported {
        match imp.input.validate() {
            Ok(record) => {
                records.push(record);
                members.push(imp.objects);
            }
            Err(errors) => {
                let why: Vec<String> = errors
                    .iter()
                    .map(|(f, e)| format!("{f}: {}", tr.field_error(e)))
                    .collect();
                let why = why.join("; ");
                for id in imp.objects {
                    why_not.entry(id).or_insert_with(|| why.clone());
                }
            }
        }
    }
    let record_rows = insert_drafts(&mut tx, who, ctx, &records, Channel::Taxii).await?;

    // Which drafts each object belongs to: those it is an object of, or that one of their
    // objects refers to.
    let mut at: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (m, _)) in objects.iter().enumerate() {
        at.entry(m.id.as_str()).or_default().push(i);
    }
    let mut links: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); objects.len()];
    for (n, ids) in members.iter().enumerate() {
        for id in ids {
            for &i in at.get(id.as_str()).into_iter().flatten() {
                links[i].insert(n);
                for r in stix::refs_of(&objects[i].1) {
                    for &j in at.get(r.as_str()).into_iter().flatten() {
                        links[j].insert(n);
                    }
                }
            }
        }
    }
    // What no draft claims goes with the strictest one, seen by the fewest.
    let strictest = (0..record_rows.len()).max_by_key(|&n| records[n].tlp);

    let mut successes = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut rows = Vec::new();
    for (i, (meta, _)) in objects.iter().enumerate() {
        let mut owners: Vec<usize> = links[i].iter().copied().collect();
        if owners.is_empty() && !known[i] {
            owners.extend(strictest);
        }
        if owners.is_empty() && !known[i] {
            let why = why_not
                .get(&meta.id)
                .cloned()
                .unwrap_or_else(|| "no record could be made of this object".into());
            failures.push((meta.id.clone(), why));
            continue;
        }
        successes.push((meta.id.clone(), versions[i].rfc3339()));
        for n in owners {
            let Some(row) = record_rows.get(n) else {
                continue;
            };
            rows.push(TaxiiObject {
                id: Uuid::now_v7(),
                collection_id,
                record_id: Some(row.id),
                stix_id: meta.id.clone(),
                kind: meta.kind.clone(),
                version: versions[i],
                spec_version: meta.spec_version.clone(),
                date_added: added_at(start, i),
                body: bodies[i].clone(),
            });
        }
    }
    tx.insert_taxii_objects(&rows).await?;
    let status_id = Uuid::now_v7();
    let status = status_json(status_id, now, &successes, &failures);
    tx.insert_taxii_status(status_id, collection_id, user, &status.to_string(), now)
        .await?;
    let mut a = audit_entry(
        who,
        ctx,
        "taxii.post",
        "taxii_collection",
        &collection_id.to_string(),
    );
    a.detail = format!(
        "{} objects, {} records, {} failures",
        objects.len(),
        record_rows.len(),
        failures.len()
    );
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(status)
}

/// A status resource of the caller's.
pub async fn status(state: &App, who: &CurrentUser, id: Uuid) -> Result<Value, AppError> {
    let user = who
        .user()
        .map(|u| u.id.uuid())
        .ok_or(AppError::Unauthorized)?;
    let body = state
        .store
        .taxii_status(id, user)
        .await?
        .ok_or(AppError::NotFound)?;
    serde_json::from_str(&body).map_err(|e| AppError::internal(format!("taxii status: {e}")))
}

/// The indicators of the shared records the caller may read, one kind (`ipv4`, `domain`,
/// `url`…) or all: the blocklists for firewalls and DNS filters, under the same TLP scope
/// as the inbox and TAXII.
pub async fn blocklist(
    state: &App,
    who: &CurrentUser,
    kind: Option<&str>,
) -> Result<Vec<tocsin_storage::taxii::BlocklistEntry>, AppError> {
    if who.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    // `all` (as README and the API document say) or nothing: every kind.
    let kind = match kind
        .map(str::trim)
        .filter(|k| !k.is_empty() && !k.eq_ignore_ascii_case("all"))
    {
        None => None,
        Some(k) => Some(
            k.parse::<tocsin_domain::intel::ObservableKind>()
                .map_err(|_| AppError::field("kind", "error-choice"))?,
        ),
    };
    let community = !membership(state, who).await?.is_empty();
    let scope = intel_scope(who.principal().as_ref(), community);
    Ok(state
        .store
        .blocklist(&scope, kind.map(|k| k.as_str()), 1_000_000)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(body: &str) -> TaxiiObject {
        TaxiiObject {
            id: Uuid::now_v7(),
            collection_id: Uuid::nil(),
            record_id: None,
            stix_id: "ipv4-addr--00000000-0000-4000-8000-000000000001".into(),
            kind: "ipv4-addr".into(),
            version: Timestamp::from_micros(0),
            spec_version: "2.1".into(),
            date_added: Timestamp::from_micros(0),
            body: body.into(),
        }
    }

    #[test]
    fn the_envelope_carries_the_stored_objects_as_they_are() {
        let a = r#"{"type":"ipv4-addr","id":"ipv4-addr--1","value":"10.0.0.1","x":"中\"文"}"#;
        let b = r#"{"type":"ipv4-addr","id":"ipv4-addr--2","value":"10.0.0.2"}"#;
        let page = Page {
            rows: vec![row(a), row("{not json"), row(b)],
            more: true,
            next: Some("ab\"c".into()),
        };
        let v: Value = serde_json::from_str(&envelope(&page)).expect("the envelope is JSON");
        assert_eq!(v["more"], json!(true));
        assert_eq!(v["next"], json!("ab\"c"));
        let objects = v["objects"].as_array().expect("objects");
        assert_eq!(objects.len(), 2, "the corrupt row is left out: {v}");
        assert_eq!(objects[0], serde_json::from_str::<Value>(a).expect("a"));
        assert_eq!(objects[1]["value"], "10.0.0.2");
        let empty = Page {
            rows: Vec::new(),
            more: false,
            next: None,
        };
        assert_eq!(
            serde_json::from_str::<Value>(&envelope(&empty)).expect("json"),
            json!({"more": false, "objects": []})
        );
    }
}

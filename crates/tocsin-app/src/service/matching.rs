//! IOC matching ("check my logs"): a signed-in user hands over observables (addresses,
//! blocks, domains, URLs, mail addresses, hashes; up to [`MAX_OBSERVABLES`] a request) and
//! gets every indicator they meet among the records the user may read, with the records.
//!
//! The indicators live in memory ([`Matcher`], one per `App`), in the domain's
//! [`IndicatorIndex`]: built from storage on first use, then brought up to date before
//! each match from the records changed since it last looked (by `updated_at` and `seq`,
//! so other instances' writes are seen too) and from the records this instance changed
//! ([`Matcher::invalidate`], called by the intel use cases after they commit). A
//! withdrawn record leaves the index. The index holds every record, whoever may read it:
//! each hit is decided by the policy ([`authorize`] on the record's TLP, draft state and
//! what the caller is to it, [`super::intel::relation_of`]), exactly as a read of the
//! record is, with the caller's sharing groups read once per request.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;
use tocsin_domain::intel::ObservableOrigin;
use tocsin_domain::intel::matching::{IndicatorIndex, Slot, probe};
use tocsin_domain::policy::{Action, Principal, Resource, authorize};
use tocsin_domain::{GroupId, IntelId, Timestamp, Tlp};
use tocsin_storage::matching::MatchRecord;
use tocsin_storage::{AudienceKind, ObservableRow};
use uuid::Uuid;

use super::audit_entry;
use super::intel::{relation_of, status};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// The most observables one request may carry.
pub const MAX_OBSERVABLES: usize = 1_000_000;

/// The most hits one request answers; past it the answer says it was cut.
pub const MAX_HITS: usize = 100_000;

/// How far back a refresh looks again: a transaction stamps its rows with the time it
/// began, so a record may appear with an `updated_at` a little before the last look.
const OVERLAP_MICROS: i64 = 120_000_000;

/// What the index keeps of a record: what the policy needs to decide a hit.
#[derive(Clone, Debug)]
struct Rec {
    id: IntelId,
    seq: i64,
    status: String,
    tlp: Tlp,
    owner_org: Option<Uuid>,
    created_by: Option<Uuid>,
    updated_at: Timestamp,
    audiences: Box<[(AudienceKind, Uuid)]>,
}

impl Rec {
    fn same(&self, r: &MatchRecord) -> bool {
        self.seq == r.seq
            && self.status == r.status
            && self.tlp.as_str() == r.tlp
            && self.owner_org == r.owner_org_id
            && self.created_by == r.created_by
            && self.updated_at == r.updated_at
    }
}

#[derive(Default)]
struct Indexed {
    index: IndicatorIndex<Rec>,
    slots: HashMap<IntelId, Slot>,
    loaded: bool,
    since: Option<Timestamp>,
    seq: i64,
}

/// The in-memory indicator index of an `App`, shared by its requests.
#[derive(Default)]
pub struct Matcher {
    indexed: Arc<RwLock<Indexed>>,
    /// Records this instance changed since the last refresh.
    dirty: Mutex<HashSet<IntelId>>,
    /// One refresh at a time.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Matcher")
    }
}

fn poisoned() -> AppError {
    AppError::internal("matcher lock poisoned")
}

impl Matcher {
    /// Marks a record changed (shared, edited, withdrawn, its indicators replaced): the
    /// next match reads it again. Call after the change is committed.
    pub fn invalidate(&self, id: IntelId) {
        if let Ok(mut d) = self.dirty.lock() {
            d.insert(id);
        }
    }

    /// How many indicators (record × value) the index holds, for figures.
    pub fn len(&self) -> usize {
        self.indexed.read().map(|i| i.index.len()).unwrap_or(0)
    }

    /// Whether the index holds no indicator.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Brings the index up to date with storage.
    pub async fn refresh(&self, state: &App) -> Result<(), AppError> {
        let _one = self.refreshing.lock().await;
        let now = state.now();
        let (loaded, stale, since, seq) = {
            let i = self.indexed.read().map_err(|_| poisoned())?;
            (i.loaded, i.index.stale(), i.since, i.seq)
        };
        if !loaded || stale {
            let fresh = full_load(state, now).await?;
            *self.indexed.write().map_err(|_| poisoned())? = fresh;
            if let Ok(mut d) = self.dirty.lock() {
                d.clear();
            }
            return Ok(());
        }
        let dirty: Vec<IntelId> = match self.dirty.lock() {
            Ok(mut d) => d.drain().collect(),
            Err(_) => return Err(poisoned()),
        };
        let mut rows = state
            .store
            .match_records(Some((since.unwrap_or(now), seq)))
            .await?;
        if !dirty.is_empty() {
            rows.extend(state.store.match_records_of(&dirty).await?);
        }
        let dirty: HashSet<IntelId> = dirty.into_iter().collect();
        // Only records that differ from what the index holds, or that were changed here.
        let changed: Vec<MatchRecord> = {
            let i = self.indexed.read().map_err(|_| poisoned())?;
            let mut seen = HashSet::new();
            rows.into_iter()
                .filter(|r| seen.insert(r.id))
                .filter(|r| {
                    dirty.contains(&r.id)
                        || match i.slots.get(&r.id).and_then(|s| i.index.record(*s)) {
                            Some(rec) => !rec.same(r),
                            None => r.status != status::WITHDRAWN,
                        }
                })
                .collect()
        };
        let ids: Vec<IntelId> = changed.iter().map(|r| r.id).collect();
        let (audiences, observables) = if ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (
                state.store.match_audiences(Some(&ids)).await?,
                state.store.intel_observables_of(&ids).await?,
            )
        };
        let mut aud = group_audiences(audiences);
        let mut obs = group_observables(observables);
        let mut i = self.indexed.write().map_err(|_| poisoned())?;
        for r in changed {
            if let Some(slot) = i.slots.remove(&r.id) {
                i.index.remove(slot);
            }
            i.seq = i.seq.max(r.seq);
            if r.status == status::WITHDRAWN {
                continue;
            }
            let id = r.id;
            let list = obs.remove(&id.uuid()).unwrap_or_default();
            if let Some(rec) = rec_of(r, aud.remove(&id.uuid()).unwrap_or_default()) {
                let slot = insert(&mut i.index, rec, &list);
                i.slots.insert(id, slot);
            }
        }
        i.since = Some(Timestamp::from_micros(now.micros() - OVERLAP_MICROS));
        Ok(())
    }
}

fn insert(index: &mut IndicatorIndex<Rec>, rec: Rec, list: &[ObservableRow]) -> Slot {
    index.insert(
        rec,
        list.iter().filter_map(|o| {
            Some((
                o.kind.parse().ok()?,
                o.value.as_str(),
                o.origin.parse().unwrap_or(ObservableOrigin::Extracted),
            ))
        }),
    )
}

fn group_audiences(
    rows: Vec<tocsin_storage::AudienceRow>,
) -> HashMap<Uuid, Vec<(AudienceKind, Uuid)>> {
    let mut out: HashMap<Uuid, Vec<(AudienceKind, Uuid)>> = HashMap::new();
    for a in rows {
        out.entry(a.record_id)
            .or_default()
            .push((a.kind, a.target_id));
    }
    out
}

fn group_observables(rows: Vec<ObservableRow>) -> HashMap<Uuid, Vec<ObservableRow>> {
    let mut out: HashMap<Uuid, Vec<ObservableRow>> = HashMap::new();
    for o in rows {
        out.entry(o.record_id).or_default().push(o);
    }
    out
}

fn rec_of(r: MatchRecord, audiences: Vec<(AudienceKind, Uuid)>) -> Option<Rec> {
    Some(Rec {
        id: r.id,
        seq: r.seq,
        tlp: r.tlp.parse().ok()?,
        status: r.status,
        owner_org: r.owner_org_id,
        created_by: r.created_by,
        updated_at: r.updated_at,
        audiences: audiences.into_boxed_slice(),
    })
}

async fn full_load(state: &App, now: Timestamp) -> Result<Indexed, AppError> {
    let records = state.store.match_records(None).await?;
    let mut aud = group_audiences(state.store.match_audiences(None).await?);
    let mut obs = group_observables(state.store.match_observables().await?);
    let mut out = Indexed {
        loaded: true,
        since: Some(Timestamp::from_micros(now.micros() - OVERLAP_MICROS)),
        ..Default::default()
    };
    for r in records {
        out.seq = out.seq.max(r.seq);
        if r.status == status::WITHDRAWN {
            continue;
        }
        let id = r.id;
        let list = obs.remove(&id.uuid()).unwrap_or_default();
        if let Some(rec) = rec_of(r, aud.remove(&id.uuid()).unwrap_or_default()) {
            let slot = insert(&mut out.index, rec, &list);
            out.slots.insert(id, slot);
        }
    }
    Ok(out)
}

/// The record a hit comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchedRecord {
    /// Its id.
    pub id: IntelId,
    /// Its subject (主旨).
    pub subject: String,
    /// Its TLP name.
    pub tlp: String,
    /// When it was published.
    pub published_at: Timestamp,
}

/// One observable meeting one indicator of one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchHit {
    /// The observable's position in the request, from 1.
    pub line: usize,
    /// The observable as given (trimmed).
    pub observable: String,
    /// The indicator met, as records write it.
    pub indicator: String,
    /// Its kind (`ipv4`, `domain`, …).
    pub kind: &'static str,
    /// How they met: exact, subdomain, host, within, contains.
    pub how: &'static str,
    /// Where the record names it: extracted, analyst, victim, reference.
    pub origin: &'static str,
    /// The record.
    pub record: MatchedRecord,
}

/// The answer to a batch of observables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MatchOutcome {
    /// Observables read (non-empty lines).
    pub observables: usize,
    /// Of those, how many name no indicator kind at all.
    pub unreadable: usize,
    /// The hits, by line.
    pub hits: Vec<MatchHit>,
    /// Whether hits were cut at [`MAX_HITS`].
    pub truncated: bool,
}

/// Who is matching, as the policy needs it for every hit: read once per request. Anonymous
/// callers (Virus Check's public page) are a caller too: the policy decides what they read.
#[derive(Clone, Debug)]
pub struct Caller {
    principal: Option<Principal>,
    groups: Arc<[GroupId]>,
}

impl Caller {
    fn may_read(&self, rec: &Rec) -> bool {
        let audience = match &self.principal {
            Some(p) => relation_of(
                p.user_id,
                p.org_id,
                &self.groups,
                rec.owner_org,
                rec.created_by,
                &rec.audiences,
            ),
            None => Default::default(),
        };
        authorize(
            self.principal.as_ref(),
            Action::Read,
            &Resource::Intel {
                tlp: rec.tlp,
                draft: rec.status != status::SHARED,
                audience,
            },
        )
        .is_ok()
    }
}

/// Whether the caller may match at all: every signed-in user may (each hit is then the
/// policy's); anonymous callers are asked to sign in.
pub fn may_match(who: &CurrentUser) -> Result<(), AppError> {
    match who.principal() {
        Some(_) => Ok(()),
        None => Err(AppError::Unauthorized),
    }
}

/// Starts a match for the caller: signed-in users only (refused anonymously), the index
/// brought up to date, the caller's groups read. Audited once.
pub async fn begin(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Caller, AppError> {
    let Some(principal) = who.principal() else {
        return Err(AppError::Unauthorized);
    };
    let groups: Vec<GroupId> = match principal.org_id {
        Some(o) => state.store.groups_of_org(o).await?,
        None => Vec::new(),
    };
    state.matcher.refresh(state).await?;
    state
        .store
        .audit(&audit_entry(who, ctx, "intel.match", "intel", ""))
        .await?;
    Ok(Caller {
        principal: Some(principal),
        groups: groups.into(),
    })
}

/// The records the caller may read (anonymous callers too) that name any of `hashes`
/// (MD5, SHA-1, SHA-256 hex) as an indicator, each decided by the policy as a read is:
/// Virus Check's shared-intel engine. The index is brought up to date first.
pub async fn records_naming_hashes(
    state: &App,
    who: &CurrentUser,
    hashes: &[&str],
) -> Result<Vec<MatchedRecord>, AppError> {
    Ok(records_naming_each_hash(state, who, hashes)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// As [`records_naming_hashes`], each record with the first of `hashes` (its index) that
/// names it, in record order: Virus Check says which member of an archive matched.
pub async fn records_naming_each_hash(
    state: &App,
    who: &CurrentUser,
    hashes: &[&str],
) -> Result<Vec<(usize, MatchedRecord)>, AppError> {
    let principal = who.principal();
    let groups: Vec<GroupId> = match principal.as_ref().and_then(|p| p.org_id) {
        Some(o) => state.store.groups_of_org(o).await?,
        None => Vec::new(),
    };
    state.matcher.refresh(state).await?;
    let caller = Caller {
        principal,
        groups: groups.into(),
    };
    let mut ids: Vec<(IntelId, usize)> = {
        let i = state.matcher.indexed.read().map_err(|_| poisoned())?;
        let mut ids = Vec::new();
        for (n, h) in hashes.iter().enumerate() {
            let Some(p) = probe(h) else { continue };
            i.index.match_probe(&p, |how, _, _, rec| {
                if how.as_str() == "exact" && caller.may_read(rec) {
                    ids.push((rec.id, n));
                }
            });
        }
        ids
    };
    ids.sort();
    ids.dedup_by_key(|(id, _)| *id);
    let first: HashMap<IntelId, usize> = ids.iter().copied().collect();
    let ids: Vec<IntelId> = ids.into_iter().map(|(id, _)| id).collect();
    Ok(state
        .store
        .match_titles(&ids)
        .await?
        .into_iter()
        .map(|t| {
            (
                first.get(&t.id).copied().unwrap_or_default(),
                MatchedRecord {
                    id: t.id,
                    subject: t.subject,
                    tlp: t.tlp,
                    published_at: t.published_at,
                },
            )
        })
        .collect())
}

/// Matches a batch of observables whose first is line `first_line`, at most
/// `max_hits` hits; the records of the hits are read from storage.
pub async fn run(
    state: &App,
    caller: &Caller,
    observables: Vec<String>,
    first_line: usize,
    max_hits: usize,
) -> Result<MatchOutcome, AppError> {
    let indexed = state.matcher.indexed.clone();
    let who = caller.clone();
    let (raw, count, unreadable, truncated) = tokio::task::spawn_blocking(move || {
        let i = indexed.read().map_err(|_| poisoned())?;
        let mut decided: HashMap<Slot, bool> = HashMap::new();
        let mut raw = Vec::new();
        let (mut count, mut unreadable, mut truncated) = (0, 0, false);
        for (n, o) in observables.iter().enumerate() {
            let o = o.trim();
            if o.is_empty() {
                continue;
            }
            count += 1;
            let Some(p) = probe(o) else {
                unreadable += 1;
                continue;
            };
            i.index.match_probe(&p, |how, ind, posting, rec| {
                let ok = *decided
                    .entry(posting.slot)
                    .or_insert_with(|| who.may_read(rec));
                if !ok {
                    return;
                }
                if raw.len() >= max_hits {
                    truncated = true;
                    return;
                }
                raw.push((
                    first_line + n,
                    o.to_string(),
                    ind.to_string(),
                    ind.kind().as_str(),
                    how.as_str(),
                    posting.origin.as_str(),
                    rec.id,
                ));
            });
        }
        Ok::<_, AppError>((raw, count, unreadable, truncated))
    })
    .await
    .map_err(|e| AppError::internal(format!("matching: {e}")))??;
    let mut ids: Vec<IntelId> = raw.iter().map(|h| h.6).collect();
    ids.sort();
    ids.dedup();
    let records: HashMap<IntelId, MatchedRecord> = state
        .store
        .match_titles(&ids)
        .await?
        .into_iter()
        .map(|t| {
            (
                t.id,
                MatchedRecord {
                    id: t.id,
                    subject: t.subject,
                    tlp: t.tlp,
                    published_at: t.published_at,
                },
            )
        })
        .collect();
    let hits = raw
        .into_iter()
        .filter_map(|(line, observable, indicator, kind, how, origin, id)| {
            Some(MatchHit {
                line,
                observable,
                indicator,
                kind,
                how,
                origin,
                record: records.get(&id)?.clone(),
            })
        })
        .collect();
    Ok(MatchOutcome {
        observables: count,
        unreadable,
        hits,
        truncated,
    })
}

/// Matches the observables in one go ([`begin`] then [`run`]); more than
/// [`MAX_OBSERVABLES`] are refused as too large.
pub async fn check(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    observables: Vec<String>,
) -> Result<MatchOutcome, AppError> {
    if observables.len() > MAX_OBSERVABLES {
        return Err(AppError::TooLarge);
    }
    let caller = begin(state, who, ctx).await?;
    run(state, &caller, observables, 1, MAX_HITS).await
}

/// The observables of a pasted or uploaded text: one a line, or several on a line
/// separated by white space, commas or semicolons (a CSV column, a log line's fields);
/// a log's `key=value` field gives its value (not in a URL, whose query has `=`).
pub fn observables_of_text(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|t| {
            let t = match t.rsplit_once('=') {
                Some((_, v)) if !t.contains("://") => v,
                _ => t,
            };
            t.trim().trim_matches(['"', '\'', '<', '>', '(', ')'])
        })
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::observables_of_text;

    #[test]
    fn a_log_line_gives_its_fields() {
        assert_eq!(
            observables_of_text(
                "2026-12-01 deny src=198.51.100.7 host=\"a.example.com\",http://x.example.com/?a=b\n\nd41d8cd98f00b204e9800998ecf8427e;"
            ),
            vec![
                "2026-12-01",
                "deny",
                "198.51.100.7",
                "a.example.com",
                "http://x.example.com/?a=b",
                "d41d8cd98f00b204e9800998ecf8427e"
            ]
        );
    }
}

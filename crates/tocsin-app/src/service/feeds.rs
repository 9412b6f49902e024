//! The MISP feed of shared intelligence for partners' tools: the manifest, one event a
//! record and the hashes. (The indicator blocklists are `taxii::blocklist`, one SQL query
//! under the same scope.)
//!
//! Every feed is the caller's inbox: the records come from the policy's listing scope
//! (`intel_scope`, the same WHERE clause as `/intel`), shared records only, and one event
//! is opened through `intel::load`, which asks the policy. A record the caller may not see
//! is in no feed, and its event answers as one that does not exist.

use serde_json::Value;
use tocsin_domain::intel::{ObservableKind, ObservableOrigin};
use tocsin_domain::policy::{Action, intel_scope};
use tocsin_domain::{IntelId, Tlp};
use tocsin_formats::misp::{self, EventSource};
use tocsin_storage::{IntelFilter, ObservableRow};
use uuid::Uuid;

use super::audit_entry;
use super::intel::{Intel, load, status};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// The most records one feed carries (the newest).
pub const MAX_FEED_RECORDS: i64 = 50_000;

/// A shared record with its indicators.
#[derive(Clone, Debug)]
pub struct FeedRecord {
    /// The record.
    pub intel: Intel,
    /// Its indicators.
    pub observables: Vec<ObservableRow>,
}

impl FeedRecord {
    fn new(intel: Intel, observables: Vec<ObservableRow>) -> Self {
        FeedRecord { intel, observables }
    }
}

/// The shared records the caller may see, newest first, with their indicators; the read
/// is audited once (`feed.read`, with the feed's name).
pub async fn visible(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    feed: &str,
) -> Result<Vec<FeedRecord>, AppError> {
    // Feeds are for partners' tools with a token, like the blocklists: CLEAR records are
    // public on the pages, not here.
    if who.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    let p = who.principal();
    let community = match p.as_ref().and_then(|p| p.org_id) {
        Some(o) => !state.store.groups_of_org(o).await?.is_empty(),
        None => false,
    };
    let page = 1_000;
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let rows = state
            .store
            .list_intel(&IntelFilter {
                scope: Some(intel_scope(p.as_ref(), community)),
                status: Some(status::SHARED.to_string()),
                limit: page,
                offset,
                ..IntelFilter::default()
            })
            .await?;
        let n = rows.len() as i64;
        // One query for the page's indicators, not one a record.
        let ids: Vec<IntelId> = rows.iter().map(|r| r.id).collect();
        let mut by_record: std::collections::HashMap<Uuid, Vec<ObservableRow>> =
            std::collections::HashMap::new();
        for o in state.store.intel_observables_of(&ids).await? {
            by_record.entry(o.record_id).or_default().push(o);
        }
        for row in rows {
            let observables = by_record.remove(&row.id.uuid()).unwrap_or_default();
            out.push(FeedRecord::new(Intel::of(row)?, observables));
        }
        offset += n;
        if n < page || offset >= MAX_FEED_RECORDS {
            break;
        }
    }
    let mut a = audit_entry(who, ctx, "feed.read", "intel", "");
    a.detail = format!("{feed}: {} records", out.len());
    state.store.audit(&a).await?;
    Ok(out)
}

/// The publisher of our events (MISP's Orgc): the operator, with a uuid derived from
/// its public URL so that every instance of one operator names itself alike.
fn publisher(state: &App) -> (String, Uuid) {
    let c = &state.config;
    (
        c.operator.name_en.clone(),
        Uuid::new_v5(&Uuid::NAMESPACE_URL, c.public_url.as_bytes()),
    )
}

fn event_source(state: &App, r: &FeedRecord) -> EventSource {
    let row = &r.intel.row;
    let rec = &r.intel.record;
    let date = row.published_at.datetime().date().to_string();
    EventSource {
        uuid: row.id.uuid(),
        info: row.subject.clone(),
        date,
        timestamp: row.updated_at.micros().div_euclid(1_000_000),
        tlp: row.tlp.parse().unwrap_or(Tlp::Red),
        category: row.category.clone(),
        impact_level: row.impact_level,
        content: rec.content.clone(),
        publisher: publisher(state),
        indicators: r
            .observables
            .iter()
            .filter_map(|o| {
                let kind = o.kind.parse::<ObservableKind>().ok()?;
                let origin = o.origin.parse::<ObservableOrigin>().ok()?;
                Some((kind, o.value.clone(), origin))
            })
            .collect(),
    }
}

/// The MISP feed's `manifest.json`.
pub async fn misp_manifest(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Value, AppError> {
    let rows = visible(state, who, ctx, "misp manifest").await?;
    let events: Vec<EventSource> = rows.iter().map(|r| event_source(state, r)).collect();
    Ok(misp::manifest(&events))
}

/// The MISP feed's `hashes.csv`.
pub async fn misp_hashes(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<String, AppError> {
    let rows = visible(state, who, ctx, "misp hashes").await?;
    let events: Vec<EventSource> = rows.iter().map(|r| event_source(state, r)).collect();
    Ok(misp::hashes_csv(&events))
}

/// One event of the MISP feed: a shared record the caller may read (through the policy);
/// anything else is not found.
pub async fn misp_event(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<Value, AppError> {
    if who.user().is_none() {
        return Err(AppError::Unauthorized);
    }
    let (intel, _) = load(state, who, ctx, id, Action::Read).await?;
    if intel.row.status != status::SHARED {
        return Err(AppError::NotFound);
    }
    let observables = state.store.intel_observables(id).await?;
    let mut a = audit_entry(who, ctx, "feed.read", "intel", &id.to_string());
    a.detail = "misp event".into();
    state.store.audit(&a).await?;
    Ok(misp::event(&event_source(
        state,
        &FeedRecord::new(intel, observables),
    )))
}

//! Machine feeds of shared intelligence for partners' tools: a MISP feed (manifest, one
//! event a record, hashes) and indicator blocklists (CSV, and one value a line by kind)
//! for firewalls and DNS filters.
//!
//! Every feed is the caller's inbox: the records come from the policy's listing scope
//! (`intel_scope`, the same WHERE clause as `/intel`), shared records only, and one event
//! is opened through `intel::load`, which asks the policy. A record the caller may not see
//! is in no feed, and its event answers as one that does not exist.

use serde_json::Value;
use tocsin_domain::intel::ObservableKind;
use tocsin_domain::policy::{Action, intel_scope};
use tocsin_domain::{IntelId, Tlp};
use tocsin_formats::misp::{self, EventSource};
use tocsin_storage::{IntelFilter, ObservableRow};
use uuid::Uuid;

use super::audit_entry;
use super::intel::{Intel, load, status};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::middleware::Ctx;
use crate::state::AppState;

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

    /// The record's victims (受害IP), which are indicators for search but never for
    /// blocking.
    fn victims(&self) -> Vec<String> {
        self.intel
            .record
            .victim_ip
            .iter()
            .map(|v| v.ip.to_string())
            .collect()
    }

    /// The indicators a blocklist may carry: all but the victims.
    fn blockable(&self) -> impl Iterator<Item = &ObservableRow> {
        let victims = self.victims();
        self.observables
            .iter()
            .filter(move |o| !victims.contains(&o.value))
    }
}

/// The shared records the caller may see, newest first, with their indicators; the read
/// is audited once (`feed.read`, with the feed's name).
pub async fn visible(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
    feed: &str,
) -> Result<Vec<FeedRecord>, AppError> {
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
        for row in rows {
            let observables = state.store.intel_observables(row.id).await?;
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
fn publisher(state: &AppState) -> (String, Uuid) {
    let c = &state.config;
    (
        c.operator.name_en.clone(),
        Uuid::new_v5(&Uuid::NAMESPACE_URL, c.public_url.as_bytes()),
    )
}

fn event_source(state: &AppState, r: &FeedRecord) -> EventSource {
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
                o.kind
                    .parse::<ObservableKind>()
                    .ok()
                    .map(|k| (k, o.value.clone()))
            })
            .collect(),
        victims: r.victims(),
    }
}

/// The MISP feed's `manifest.json`.
pub async fn misp_manifest(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Value, AppError> {
    let rows = visible(state, who, ctx, "misp manifest").await?;
    let events: Vec<EventSource> = rows.iter().map(|r| event_source(state, r)).collect();
    Ok(misp::manifest(&events))
}

/// The MISP feed's `hashes.csv`.
pub async fn misp_hashes(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<String, AppError> {
    let rows = visible(state, who, ctx, "misp hashes").await?;
    let events: Vec<EventSource> = rows.iter().map(|r| event_source(state, r)).collect();
    Ok(misp::hashes_csv(&events))
}

/// One event of the MISP feed: a shared record the caller may read (through the policy);
/// anything else is not found.
pub async fn misp_event(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
    id: IntelId,
) -> Result<Value, AppError> {
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

/// Which indicators a blocklist holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocklist {
    /// IPv4 and IPv6 addresses and blocks.
    Ip,
    /// Domain names.
    Domain,
    /// URLs.
    Url,
    /// MD5, SHA-1 and SHA-256 hashes.
    Hash,
    /// Mail addresses.
    Email,
}

impl Blocklist {
    /// Parses the list's name in a path (`ip`, `domain`, `url`, `hash`, `email`).
    pub fn parse(s: &str) -> Option<Blocklist> {
        match s {
            "ip" => Some(Blocklist::Ip),
            "domain" => Some(Blocklist::Domain),
            "url" => Some(Blocklist::Url),
            "hash" => Some(Blocklist::Hash),
            "email" => Some(Blocklist::Email),
            _ => None,
        }
    }

    /// Whether an indicator kind belongs in the list.
    pub fn holds(self, kind: ObservableKind) -> bool {
        use ObservableKind::*;
        match self {
            Blocklist::Ip => matches!(kind, Ipv4 | Ipv6 | Cidr),
            Blocklist::Domain => kind == Domain,
            Blocklist::Url => kind == Url,
            Blocklist::Hash => matches!(kind, Md5 | Sha1 | Sha256),
            Blocklist::Email => kind == Email,
        }
    }
}

/// One value a line, sorted and without repeats, for firewalls and DNS filters; a
/// record's victims are never listed.
pub async fn blocklist(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
    list: Blocklist,
) -> Result<String, AppError> {
    let rows = visible(state, who, ctx, "blocklist").await?;
    let mut values: Vec<&str> = rows
        .iter()
        .flat_map(FeedRecord::blockable)
        .filter(|o| o.kind.parse().is_ok_and(|k| list.holds(k)))
        .map(|o| o.value.as_str())
        .collect();
    values.sort_unstable();
    values.dedup();
    let mut out = String::with_capacity(values.len() * 24);
    for v in values {
        out.push_str(v);
        out.push('\n');
    }
    Ok(out)
}

/// Every indicator the caller may see as CSV (victims left out): kind, value, TLP, record
/// id, subject, published.
pub async fn indicators_csv(
    state: &AppState,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<String, AppError> {
    let rows = visible(state, who, ctx, "indicators csv").await?;
    let mut out = String::from("kind,value,tlp,record_id,subject,published_at\n");
    for r in &rows {
        let row = &r.intel.row;
        for o in r.blockable() {
            out.push_str(&tocsin_formats::csv::line(&[
                o.kind.as_str(),
                o.value.as_str(),
                row.tlp.as_str(),
                &row.id.to_string(),
                row.subject.as_str(),
                &row.published_at.to_string(),
            ]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_hold_their_kinds() {
        use ObservableKind::*;
        let all = [Ipv4, Ipv6, Cidr, Domain, Url, Email, Md5, Sha1, Sha256, Cve];
        let held = |l: Blocklist| all.iter().filter(|k| l.holds(**k)).count();
        assert_eq!(
            [
                Blocklist::Ip,
                Blocklist::Domain,
                Blocklist::Url,
                Blocklist::Hash,
                Blocklist::Email
            ]
            .map(held),
            [3, 1, 1, 3, 1]
        );
        assert!(Blocklist::parse("cve").is_none(), "CVE ids block nothing");
    }
}

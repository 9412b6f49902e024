//! Virus Check for those with an account: a signed-in uploader's history on
//! `/virus-check`, and the desk's page (`/desk/virus-check`): recent analyses, the top
//! detections of the desk's month (`calendar.time_zone`, by the product's clock), the files
//! that shared intel names, and what an analyst makes of an analysis: an intel draft with
//! the file's hashes as indicators at a chosen TLP (through `intel::submit`, as every
//! draft is made), or an internal note on an incident report (`reports::add_note`).
//! Who sees which list is the policy's `Resource::VirusAnalyses`. And the upload limit:
//! uploads per client address per hour, counted in the database as report intake's are.

use std::collections::BTreeMap;

use tocsin_domain::Timestamp;
use tocsin_domain::intel::IntelInput;
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::virus::{AnalysisStatus, Category, Results, Stats};
use tocsin_domain::{Locale, Tlp};
use tocsin_storage::virus::ListedAnalysis;
use uuid::Uuid;

use super::{audit_entry, check};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::App;

/// The most analyses a history or the desk's recent list shows.
const LIST_SIZE: i64 = 50;

/// The most analyses of one month counted for its top detections.
const MONTH_SCAN: i64 = 10_000;

/// How many detections the desk's top list shows.
const TOP: usize = 10;

/// An analysis in a list, with its verdict for the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The analysis's id.
    pub id: Uuid,
    /// The name it was uploaded under.
    pub name: String,
    /// Uploaded at.
    pub created_at: Timestamp,
    /// Where it stands.
    pub status: AnalysisStatus,
    /// The verdict, once completed (the shared-intel engine decided for this reader).
    pub verdict: Option<Category>,
    /// What the engines named (signature names), for a malicious or suspicious file.
    pub detections: Vec<String>,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// The intel records the reader may read that name the file, `id (subject)`.
    pub intel: Vec<String>,
}

/// The engines' results stored for a row (empty until completed, or unreadable).
fn stored_results(row: &ListedAnalysis) -> Results {
    if row.status != AnalysisStatus::Completed.as_str() {
        return Results::new();
    }
    serde_json::from_str(&row.results).unwrap_or_default()
}

/// The signature names the engines gave a file they found malicious or suspicious.
fn detections(results: &Results) -> Vec<String> {
    results
        .values()
        .filter(|r| matches!(r.category, Category::Malicious | Category::Suspicious))
        .filter_map(|r| r.result.clone())
        .collect()
}

/// A row as its reader sees it: the shared-intel answer is theirs (the policy decides
/// each record, as `virus::report` does).
async fn listed(state: &App, who: &CurrentUser, row: ListedAnalysis) -> Result<Listed, AppError> {
    let status = AnalysisStatus::parse(&row.status)
        .ok_or_else(|| AppError::internal(format!("analysis status {}", row.status)))?;
    let results = stored_results(&row);
    let mut intel = Vec::new();
    let mut verdict = None;
    if status == AnalysisStatus::Completed {
        let records = super::matching::records_naming_hashes(
            state,
            who,
            &[row.md5.as_str(), row.sha1.as_str(), row.sha256.as_str()],
        )
        .await?;
        intel = records
            .iter()
            .map(|r| format!("{} ({})", r.id, r.subject))
            .collect();
        let stats = Stats::of(results.values());
        verdict = Some(if intel.is_empty() {
            stats.verdict()
        } else {
            Category::Malicious
        });
    }
    Ok(Listed {
        id: row.id,
        name: row.name,
        created_at: row.created_at,
        status,
        verdict,
        detections: detections(&results),
        sha256: row.sha256,
        size: row.size,
        intel,
    })
}

/// The signed-in caller's own analyses, newest first; none for an anonymous caller (their
/// uploads are theirs by id alone).
pub async fn history(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Vec<Listed>, AppError> {
    let Some(user) = who.account() else {
        return Ok(Vec::new());
    };
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::VirusAnalyses {
            submitter: Some(user.id),
        },
    )
    .await?;
    let rows = state.store.virus_analyses_of(user.id, LIST_SIZE).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(listed(state, who, row).await?);
    }
    Ok(out)
}

/// The desk's page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desk {
    /// The latest analyses, newest first.
    pub recent: Vec<Listed>,
    /// The desk's month, `YYYY-MM`.
    pub month: String,
    /// This month's most frequent detections: signature name and how many analyses.
    pub top: Vec<(String, usize)>,
    /// Of the recent analyses, those whose file shared intel names.
    pub matched: Vec<Listed>,
}

/// The desk's page: staff only, audited as a confidential list.
pub async fn desk(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Desk, AppError> {
    check(
        state,
        who,
        ctx,
        Action::List,
        &Resource::VirusAnalyses { submitter: None },
    )
    .await?;
    let now = state.now();
    let tz = state.desk.calendar.time_zone();
    let (month_start, month_end) = tocsin_domain::clock::month_around(now, tz)
        .ok_or_else(|| AppError::internal("the desk's month"))?;
    let recent_rows = state
        .store
        .virus_analyses_between(
            Timestamp::from_micros(0),
            now.plus(time::Duration::seconds(1)),
            LIST_SIZE,
        )
        .await?;
    let mut recent = Vec::with_capacity(recent_rows.len());
    for row in recent_rows {
        recent.push(listed(state, who, row).await?);
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in state
        .store
        .virus_analyses_between(month_start, month_end, MONTH_SCAN)
        .await?
    {
        for name in detections(&stored_results(&row)) {
            *counts.entry(name).or_default() += 1;
        }
    }
    let mut top: Vec<(String, usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top.truncate(TOP);
    let matched = recent
        .iter()
        .filter(|l| !l.intel.is_empty())
        .cloned()
        .collect();
    let mut a = audit_entry(who, ctx, "virus_check.desk", "virus_analysis", "");
    a.detail = format!("{} analyses", recent.len());
    state.store.audit(&a).await?;
    Ok(Desk {
        recent,
        month: tocsin_domain::clock::month_of(now, tz),
        top,
        matched,
    })
}

/// The analysis the desk acts on, after the policy's check (`Update` on every analysis:
/// staff only); unknown ids are not found.
async fn for_desk(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
) -> Result<super::virus::Report, AppError> {
    check(
        state,
        who,
        ctx,
        Action::Update,
        &Resource::VirusAnalyses { submitter: None },
    )
    .await?;
    super::virus::report(state, who, id).await
}

/// The lines that describe an analysis in a draft or a note: its name, hashes, size,
/// verdict and each engine's finding.
fn description(tr: &Tr, r: &super::virus::Report) -> String {
    let mut lines = vec![
        tr.t_args("virus-desk-text-file", &[("name", r.name.clone())]),
        format!("MD5 {}", r.md5),
        format!("SHA-1 {}", r.sha1),
        format!("SHA-256 {}", r.sha256),
        tr.t_args(
            "virus-desk-text-size",
            &[("size", r.size.to_string()), ("type", r.type_tag.clone())],
        ),
    ];
    if let Some(v) = r.verdict() {
        lines.push(tr.t_args(
            "virus-desk-text-verdict",
            &[("verdict", tr.t2("virus-verdict-", v.as_str()))],
        ));
    }
    for e in r.results.values() {
        if let Some(found) = &e.result {
            lines.push(format!("{}: {}", e.engine_name, found));
        }
    }
    lines.push(tr.t_args("virus-desk-text-analysis", &[("id", r.id.to_string())]));
    lines.join("\n")
}

/// The desk turns an analysis into an intel draft (ANA: an analysis without an event)
/// at `tlp`, its MD5, SHA-1 and SHA-256 written as indicators; stored through
/// `intel::submit` as every draft is, and audited there.
pub async fn to_intel(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    tlp: &str,
) -> Result<super::intel::Intel, AppError> {
    let r = for_desk(state, who, ctx, id).await?;
    let tlp: Tlp = tlp
        .parse()
        .map_err(|_| AppError::field("tlp", "error-choice"))?;
    let tr = Tr::new(ctx.locale);
    let operator = match ctx.locale {
        Locale::ZhTw => state.config.operator.name_zh.clone(),
        Locale::En => state.config.operator.name_en.clone(),
    };
    let name = if r.name.is_empty() {
        r.sha256.clone()
    } else {
        r.name.clone()
    };
    let input = IntelInput {
        category: "ANA".into(),
        subject: tr.t_args("virus-desk-intel-subject", &[("name", name)]),
        source: operator.clone(),
        published_at: super::intel::desk_time(state.now()),
        tlp: tlp.as_str().to_string(),
        content: description(&tr, &r),
        publisher: operator,
        ..IntelInput::default()
    };
    let intel =
        super::intel::submit(state, who, ctx, &input, super::intel::Channel::VirusCheck).await?;
    Ok(intel)
}

/// The desk attaches an analysis to a report as an internal note (never shown to the
/// reporter), through `reports::add_note`.
pub async fn attach_to_report(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    tracking: &str,
) -> Result<(), AppError> {
    let r = for_desk(state, who, ctx, id).await?;
    let tr = Tr::new(ctx.locale);
    let body = format!(
        "{}\n{}",
        tr.t("virus-desk-note-title"),
        description(&tr, &r)
    );
    super::reports::add_note(state, who, ctx, tracking.trim(), &body).await
}

/// Takes one of the hourly uploads allowed from the caller's address
/// (`virus_check.max_per_hour_per_address`, 0: no limit), before the file is read, so a
/// flood costs no disk: refused as too many requests. Counted in the database, so across
/// instances, as report intake's limit is.
pub async fn take_upload_slot(state: &App, ctx: &Ctx) -> Result<(), AppError> {
    let limit = state.config.virus_check.max_per_hour_per_address;
    if limit <= 0 {
        return Ok(());
    }
    let mut tx = state.store.begin().await?;
    let now = tx.now();
    let taken = tx
        .take_rate_slot(
            &format!("virus_check:{}", ctx.ip),
            now,
            now.plus(time::Duration::hours(-1)),
            limit,
        )
        .await?;
    tx.commit().await?;
    if taken {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

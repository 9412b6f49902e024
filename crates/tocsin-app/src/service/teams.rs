//! The directory of other CSIRTs: admins keep it by hand or load a directory file in the
//! shape of FIRST's teams API or a Trusted Introducer export; the staff read it, and ask
//! which team answers for an address, a domain or a URL of a case (the most specific
//! constituency, `tocsin_domain::team::suggest`; the registry's country through RDAP for
//! an IP when RDAP is configured). A team's OpenPGP key is checked against the
//! fingerprint given with it before it is stored.

use serde::Serialize;
use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::team::{self, Target, TeamInput};
use tocsin_domain::{FieldError, FieldErrors};
use tocsin_formats::teams::{self as fmt, KeyError, Shape};
use tocsin_storage::TeamRow;
use uuid::Uuid;

use super::{audit_entry, check};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::error::AppError;
use crate::state::App;

/// Every team, by name.
pub async fn list(state: &App, who: &CurrentUser, ctx: &Ctx) -> Result<Vec<TeamRow>, AppError> {
    check(state, who, ctx, Action::List, &Resource::TeamDirectory).await?;
    Ok(state.store.list_teams().await?)
}

/// One team.
pub async fn get(state: &App, who: &CurrentUser, ctx: &Ctx, id: &str) -> Result<TeamRow, AppError> {
    check(state, who, ctx, Action::Read, &Resource::TeamDirectory).await?;
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    state.store.get_team(id).await?.ok_or(AppError::NotFound)
}

/// Validates an entry and checks its key: a stored key must be an OpenPGP public key
/// whose fingerprint is the one given (an empty fingerprint is taken from the key).
fn validated(mut input: TeamInput) -> Result<TeamInput, FieldErrors> {
    let mut errors = match input.validate() {
        Ok(()) => FieldErrors::new(),
        Err(e) => e,
    };
    if !input.pgp_key.trim().is_empty() {
        match fmt::check_key(&input.pgp_key, &input.pgp_fingerprint) {
            Ok(fp) => input.pgp_fingerprint = fp,
            Err(KeyError::Unreadable(_)) => {
                errors.add("pgp_key", FieldError::new("team-error-key"));
            }
            Err(KeyError::Mismatch { actual }) => errors.add(
                "pgp_fingerprint",
                FieldError::new("team-error-fingerprint").arg("actual", actual),
            ),
        }
    }
    errors.into_result().map(|()| input)
}

/// Adds a team, or changes the one of the same name (admins).
pub async fn save(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    input: TeamInput,
) -> Result<TeamRow, AppError> {
    check(state, who, ctx, Action::Update, &Resource::TeamDirectory).await?;
    let input = validated(input).map_err(AppError::Validation)?;
    let mut tx = state.store.begin().await?;
    let (id, new) = tx.upsert_team(&input).await?;
    let mut a = audit_entry(
        who,
        ctx,
        if new { "team.create" } else { "team.update" },
        "team",
        &id.to_string(),
    );
    a.detail = input.name.clone();
    tx.audit(&a).await?;
    tx.commit().await?;
    state.store.get_team(id).await?.ok_or(AppError::NotFound)
}

/// What loading a directory file did.
#[derive(Clone, Debug, Serialize)]
pub struct ImportOutcome {
    /// The file's shape (`first` or `ti`).
    pub shape: String,
    /// Teams added.
    pub created: usize,
    /// Teams already listed (by name) and updated.
    pub updated: usize,
    /// Teams left out, each with its name (or position) and the fields refused.
    pub refused: Vec<RefusedTeam>,
}

/// A team of a directory file that was not loaded.
#[derive(Clone, Debug, Serialize)]
pub struct RefusedTeam {
    /// Its name, or `#n` (its position) when it has none.
    pub team: String,
    /// The refused fields with their message ids.
    pub fields: Vec<(String, String)>,
}

/// Loads a directory file (FIRST's or Trusted Introducer's shape): every valid team is
/// added or updated in one transaction, every other one reported with its fields.
pub async fn import(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    bytes: &[u8],
) -> Result<ImportOutcome, AppError> {
    check(state, who, ctx, Action::Update, &Resource::TeamDirectory).await?;
    let dir = fmt::parse(bytes).map_err(|e| {
        let mut f = FieldErrors::new();
        f.add("file", FieldError::new("team-error-file").arg("reason", e));
        AppError::Validation(f)
    })?;
    let mut out = ImportOutcome {
        shape: dir.shape.as_str().to_string(),
        created: 0,
        updated: 0,
        refused: Vec::new(),
    };
    let mut tx = state.store.begin().await?;
    for (i, t) in dir.teams.into_iter().enumerate() {
        let name = if t.name.trim().is_empty() {
            format!("#{}", i + 1)
        } else {
            t.name.trim().to_string()
        };
        match validated(t) {
            Ok(t) => {
                if tx.upsert_team(&t).await?.1 {
                    out.created += 1;
                } else {
                    out.updated += 1;
                }
            }
            Err(e) => out.refused.push(RefusedTeam {
                team: name,
                fields: e
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.code.to_string()))
                    .collect(),
            }),
        }
    }
    let mut a = audit_entry(who, ctx, "team.import", "team", "");
    a.detail = format!(
        "{}: {} added, {} updated, {} refused",
        out.shape,
        out.created,
        out.updated,
        out.refused.len()
    );
    tx.audit(&a).await?;
    tx.commit().await?;
    Ok(out)
}

/// The directory as a file in `shape`, for another tool or another desk.
pub async fn export(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    shape: &str,
) -> Result<serde_json::Value, AppError> {
    let shape = Shape::parse(shape).ok_or_else(|| AppError::field("shape", "error-choice"))?;
    let teams = list(state, who, ctx).await?;
    let inputs: Vec<TeamInput> = teams.iter().map(TeamRow::input).collect();
    Ok(fmt::emit(shape, &inputs))
}

/// The team that answers for a case's address, domain or URL, and how it matched.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    /// The team.
    pub team: TeamRow,
    /// `cidr`, `domain`, `cctld` or `country`.
    pub matched: &'static str,
}

/// The team answering for `target` (an IP, a domain or a URL): the most specific
/// constituency; for an IP that no range covers, the country of the registry's answer
/// when RDAP is configured. `None` when no team covers it.
pub async fn suggest(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    target: &str,
) -> Result<Option<Suggestion>, AppError> {
    let teams = list(state, who, ctx).await?;
    let Some(target) = Target::parse(target) else {
        return Err(AppError::field("target", "team-error-target"));
    };
    let constituencies: Vec<_> = teams.iter().map(TeamRow::constituency).collect();
    let pick =
        |country: Option<&str>| team::suggest(constituencies.iter().enumerate(), &target, country);
    let mut found = pick(None);
    if found.is_none()
        && let Target::Ip(ip) = target
        && let Some(country) = rdap_country(state, ip).await
    {
        found = pick(Some(&country));
    }
    Ok(found.map(|(i, m)| Suggestion {
        team: teams[i].clone(),
        matched: m.as_str(),
    }))
}

/// The country of the network holding `ip`, from RDAP (cached); `None` when RDAP is off
/// or does not answer.
async fn rdap_country(state: &App, ip: std::net::IpAddr) -> Option<String> {
    let base = state
        .config
        .phishing
        .rdap_bootstrap_url
        .trim_end_matches('/');
    if base.is_empty() {
        return None;
    }
    let file = if ip.is_ipv4() {
        "ipv4.json"
    } else {
        "ipv6.json"
    };
    let boot = super::phishing::cached_fetch(state, &format!("{base}/{file}"))
        .await
        .ok()?;
    let server = tocsin_formats::rdap::bootstrap_ip(&boot, ip)?;
    let answer = super::phishing::cached_fetch(state, &format!("{server}ip/{ip}"))
        .await
        .ok()?;
    tocsin_formats::rdap::network_country(&answer)
}

/// The directory's team whose contact address is `email`, for mail intake (no caller to
/// authorize: intake decides from the message).
pub(crate) async fn team_by_address(state: &App, email: &str) -> Result<Option<TeamRow>, AppError> {
    let email = tocsin_domain::validate::normalize_email(email);
    Ok(state.store.teams_by_email(&email).await?.into_iter().next())
}

/// Whether `email` writes for `team`: its contact address, or an address of the same
/// mail domain (a team's ticket system often answers from another mailbox).
pub(crate) fn writes_for(team: &TeamRow, email: &str) -> bool {
    let email = email.trim().to_ascii_lowercase();
    let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_string());
    email == team.email || (domain(&email).is_some() && domain(&email) == domain(&team.email))
}

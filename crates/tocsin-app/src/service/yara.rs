//! Virus Check's YARA rule sets, managed by admins: uploaded under a unique name (checked
//! by compiling it first: a set with a syntax error is refused with its line and nothing
//! is stored), enabled, disabled, deleted; every change audited. The engine
//! ([`crate::engines::yara`]) reads the enabled sets before each scan, so a change is in
//! force on every instance at once and makes stored results stale.

use tocsin_domain::policy::{Action, Resource};
use tocsin_domain::{FieldError, FieldErrors, validate};
use tocsin_storage::StorageError;
use tocsin_storage::yara::{NewYaraRuleSet, YaraRuleSet};
use uuid::Uuid;

use super::{audit_entry, check};
use crate::auth::CurrentUser;
use crate::context::Ctx;
use crate::engines::yara::{RuleError, check_source, source_digest};
use crate::error::AppError;
use crate::state::App;

/// The longest name of a set, in characters.
pub const MAX_NAME: usize = 100;
/// The largest source of a set, in bytes.
pub const MAX_SOURCE: usize = 1024 * 1024;

/// Every rule set, by name (admins).
pub async fn rule_sets(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
) -> Result<Vec<YaraRuleSet>, AppError> {
    check(state, who, ctx, Action::List, &Resource::YaraRules).await?;
    Ok(state.store.yara_rule_sets().await?)
}

/// Uploads a rule set, enabled at once (admins). Refused by field: `name` (required, one
/// line, unique), `source` (required, at most [`MAX_SOURCE`] bytes, and it must compile:
/// `error-yara-syntax` with the line and libyara's message).
pub async fn upload(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    name: &str,
    source: &str,
) -> Result<YaraRuleSet, AppError> {
    check(state, who, ctx, Action::Create, &Resource::YaraRules).await?;
    let name = name.trim();
    let mut errors = FieldErrors::new();
    errors.check("name", validate::required_line(name, MAX_NAME));
    if source.trim().is_empty() {
        errors.add("source", FieldError::new("error-required"));
    } else if source.len() > MAX_SOURCE {
        errors.add(
            "source",
            FieldError::new("error-yara-too-large").arg("max", MAX_SOURCE / 1024),
        );
    } else {
        match check_source(source.to_string()).await {
            Ok(()) => {}
            Err(RuleError::Syntax { line, message }) => errors.add(
                "source",
                FieldError::new("error-yara-syntax")
                    .arg("line", line)
                    .arg("message", message),
            ),
            Err(RuleError::Engine(e)) => return Err(AppError::internal(format!("yara: {e}"))),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let new = NewYaraRuleSet {
        name: name.to_string(),
        source: source.to_string(),
        sha256: source_digest(source),
        enabled: true,
        uploaded_by: who.account().map(|u| u.id),
    };
    let set = match state.store.insert_yara_rule_set(&new).await {
        Ok(s) => s,
        Err(StorageError::Conflict(_)) => return Err(AppError::field("name", "error-taken")),
        Err(e) => return Err(e.into()),
    };
    let mut e = audit_entry(
        who,
        ctx,
        "virus_check.yara.upload",
        "yara_rule_set",
        &set.id.to_string(),
    );
    e.detail = set.name.clone();
    state.store.audit(&e).await?;
    Ok(set)
}

/// Enables or disables a set (admins).
pub async fn set_enabled(
    state: &App,
    who: &CurrentUser,
    ctx: &Ctx,
    id: Uuid,
    enabled: bool,
) -> Result<(), AppError> {
    check(state, who, ctx, Action::Update, &Resource::YaraRules).await?;
    state.store.set_yara_rule_set_enabled(id, enabled).await?;
    let action = if enabled {
        "virus_check.yara.enable"
    } else {
        "virus_check.yara.disable"
    };
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            action,
            "yara_rule_set",
            &id.to_string(),
        ))
        .await?;
    Ok(())
}

/// Deletes a set (admins).
pub async fn delete(state: &App, who: &CurrentUser, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    check(state, who, ctx, Action::Delete, &Resource::YaraRules).await?;
    state.store.delete_yara_rule_set(id).await?;
    state
        .store
        .audit(&audit_entry(
            who,
            ctx,
            "virus_check.yara.delete",
            "yara_rule_set",
            &id.to_string(),
        ))
        .await?;
    Ok(())
}

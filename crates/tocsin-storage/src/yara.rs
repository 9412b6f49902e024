//! Virus Check's YARA rule sets (`yara_rule_sets`, migration 0025): source text admins
//! uploaded under a unique name, enabled or not. Only sets that compiled are stored (the
//! caller compiles first); the engine reads the enabled ones.

use tocsin_domain::{Timestamp, UserId};
use uuid::Uuid;

use crate::{Result, StorageError, Store};

/// A stored rule set, without its source (listings).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct YaraRuleSet {
    /// Its id (also its namespace when compiled).
    pub id: Uuid,
    /// Its unique name.
    pub name: String,
    /// SHA-256 of the source, lower-case hex.
    pub sha256: String,
    /// Whether the engine uses it.
    pub enabled: bool,
    /// The admin who uploaded it.
    pub uploaded_by: Option<Uuid>,
    /// Uploaded at.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last enabled or disabled at.
    #[sqlx(try_from = "i64")]
    pub updated_at: Timestamp,
}

/// An enabled set's source, for compiling.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct YaraSource {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The rules' text.
    pub source: String,
}

/// A rule set to store.
#[derive(Clone, Debug)]
pub struct NewYaraRuleSet {
    /// Its unique name.
    pub name: String,
    /// The rules' text (already compiled once by the caller).
    pub source: String,
    /// SHA-256 of the source.
    pub sha256: String,
    /// Whether it is enabled at once.
    pub enabled: bool,
    /// The uploading admin.
    pub uploaded_by: Option<UserId>,
}

const LIST: &str = "SELECT id, name, sha256, enabled, uploaded_by, created_at, updated_at \
    FROM yara_rule_sets ORDER BY name, id";
const INSERT: &str = "INSERT INTO yara_rule_sets (id, name, source, sha256, enabled, uploaded_by, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
    RETURNING id, name, sha256, enabled, uploaded_by, created_at, updated_at";

impl Store {
    /// Every rule set, by name.
    pub async fn yara_rule_sets(&self) -> Result<Vec<YaraRuleSet>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, YaraRuleSet>(LIST).fetch_all(c).await?
        }))
    }

    /// The enabled sets' ids and digests, by id: cheap enough to ask before every scan
    /// (the engine's version is made of it).
    pub async fn enabled_yara_digests(&self) -> Result<Vec<(Uuid, String)>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, (Uuid, String)>(
                "SELECT id, sha256 FROM yara_rule_sets WHERE enabled ORDER BY id")
                .fetch_all(c).await?
        }))
    }

    /// The enabled sets' sources, by id.
    pub async fn enabled_yara_sources(&self) -> Result<Vec<YaraSource>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, YaraSource>(
                "SELECT id, name, source FROM yara_rule_sets WHERE enabled ORDER BY id")
                .fetch_all(c).await?
        }))
    }

    /// Stores a rule set; a name already taken is [`StorageError::Conflict`].
    pub async fn insert_yara_rule_set(&self, r: &NewYaraRuleSet) -> Result<YaraRuleSet> {
        let id = Uuid::now_v7();
        let now = self.now();
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, YaraRuleSet>(INSERT)
                .bind(id).bind(&r.name).bind(&r.source).bind(&r.sha256).bind(r.enabled)
                .bind(r.uploaded_by.map(|u| u.uuid())).bind(now.micros())
                .fetch_one(c).await?
        }))
    }

    /// Enables or disables a set; [`StorageError::NotFound`] if there is none.
    pub async fn set_yara_rule_set_enabled(&self, id: Uuid, enabled: bool) -> Result<()> {
        let now = self.now();
        let n = dispatch!(pool self, c => {
            sqlx::query("UPDATE yara_rule_sets SET enabled = $2, updated_at = $3 WHERE id = $1")
                .bind(id).bind(enabled).bind(now.micros()).execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("yara rule set"));
        }
        Ok(())
    }

    /// Deletes a set; [`StorageError::NotFound`] if there is none.
    pub async fn delete_yara_rule_set(&self, id: Uuid) -> Result<()> {
        let n = dispatch!(pool self, c => {
            sqlx::query("DELETE FROM yara_rule_sets WHERE id = $1")
                .bind(id).execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("yara rule set"));
        }
        Ok(())
    }
}

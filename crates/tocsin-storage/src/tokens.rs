//! Personal API tokens: stored hashed, shown once at creation, revocable.

use serde::{Deserialize, Serialize};
use tocsin_domain::{ApiTokenId, Timestamp, UserId};
use uuid::Uuid;

use crate::{Result, StorageError, Store, User};

/// A live token and its enabled owner, as [`Store::api_token_user`] reads them in one row.
#[derive(sqlx::FromRow)]
struct TokenOwner {
    #[sqlx(flatten)]
    user: User,
    #[sqlx(try_from = "Uuid")]
    token_id: ApiTokenId,
    token_name: String,
    token_hash: Vec<u8>,
    #[sqlx(try_from = "i64")]
    token_created_at: Timestamp,
    #[sqlx(try_from = "Option<i64>")]
    last_used_at: crate::columns::OptTime,
}

/// An API token as stored (without the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ApiToken {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: ApiTokenId,
    /// Owner.
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    /// The owner's label for it.
    pub name: String,
    /// SHA-256 of the secret.
    #[serde(with = "crate::export::hex_bytes")]
    pub token_hash: Vec<u8>,
    /// Created.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// Last used (updated at most once a minute).
    #[sqlx(try_from = "Option<i64>")]
    pub last_used_at: crate::columns::OptTime,
    /// Revoked, if it was.
    #[sqlx(try_from = "Option<i64>")]
    pub revoked_at: crate::columns::OptTime,
}

impl Store {
    /// Stores a new token for `user`.
    pub async fn create_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &[u8],
    ) -> Result<ApiToken> {
        let t = ApiToken {
            id: ApiTokenId::new(),
            user_id: user,
            name: name.trim().to_string(),
            token_hash: token_hash.to_vec(),
            created_at: self.now(),
            last_used_at: Default::default(),
            revoked_at: Default::default(),
        };
        dispatch!(pool self, c => {
            sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(t.id.uuid()).bind(user.uuid()).bind(&t.name).bind(token_hash).bind(t.created_at.micros())
                .execute(c).await?;
        });
        Ok(t)
    }

    /// The enabled user owning a live (unrevoked) token, and notes its use. One query
    /// finds both (every API and TAXII request asks this first); the use is written at
    /// most once a minute.
    pub async fn api_token_user(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<(ApiToken, User)>> {
        let found = dispatch!(pool self, c => {
            sqlx::query_as::<_, TokenOwner>(
                "SELECT u.id, u.email, u.name, u.org_id, u.roles, u.password_hash, u.disabled, u.created_at, u.locale, u.phone, \
                 t.id AS token_id, t.name AS token_name, t.token_hash, t.created_at AS token_created_at, t.last_used_at \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled",
            )
            .bind(token_hash)
            .fetch_optional(c)
            .await?
        });
        let Some(found) = found else { return Ok(None) };
        let tok = ApiToken {
            id: found.token_id,
            user_id: found.user.id,
            name: found.token_name,
            token_hash: found.token_hash,
            created_at: found.token_created_at,
            last_used_at: found.last_used_at,
            revoked_at: crate::columns::OptTime(None),
        };
        // Writing on every request would make each API read a write; a minute is enough.
        let stale = tok
            .last_used_at
            .0
            .is_none_or(|t| t.micros() + 60_000_000 < now.micros());
        if stale {
            dispatch!(pool self, c => {
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(tok.id.uuid()).bind(now.micros()).execute(c).await?;
            });
        }
        Ok(Some((tok, found.user)))
    }

    /// One token by id.
    pub async fn get_api_token(&self, id: ApiTokenId) -> Result<Option<ApiToken>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ApiToken>("SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// A user's tokens, newest first.
    pub async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, ApiToken>("SELECT id, user_id, name, token_hash, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
                .bind(user.uuid()).fetch_all(c).await?
        }))
    }

    /// Revokes a token; revoking twice keeps the first time.
    pub async fn revoke_api_token(&self, id: ApiTokenId, now: Timestamp) -> Result<()> {
        let n = dispatch!(pool self, c => {
            sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
                .bind(id.uuid()).bind(now.micros()).execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("api token"));
        }
        Ok(())
    }
}

//! One-time tokens, stored hashed: first-admin setup and set-password links.

use tocsin_domain::Timestamp;

use crate::{Result, Store};

impl Store {
    /// Stores a setup token hash valid until `expires_at`.
    pub async fn create_setup_token(&self, token_hash: &[u8], expires_at: Timestamp) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)")
                .bind(token_hash).bind(self.now().micros()).bind(expires_at.micros()).execute(c).await?;
        });
        Ok(())
    }

    /// Whether a live setup token with this hash exists.
    pub async fn setup_token_valid(&self, token_hash: &[u8], now: Timestamp) -> Result<bool> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash).bind(now.micros()).fetch_one(c).await?
        }) > 0)
    }
}

impl crate::Tx {
    /// Uses up a setup token: true if it was live. All setup tokens are removed with it, so
    /// a link printed by a second instance cannot create a second first admin.
    pub async fn consume_setup_token(&mut self, token_hash: &[u8], now: Timestamp) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash).bind(now.micros()).execute(c).await?.rows_affected()
        });
        if n == 1 {
            dispatch!(tx self, c => {
                sqlx::query("DELETE FROM setup_tokens").execute(c).await?;
            });
        }
        Ok(n == 1)
    }
}

impl crate::Tx {
    /// Stores a one-time set-password token for `user`.
    pub async fn create_password_token(
        &mut self,
        token_hash: &[u8],
        user: tocsin_domain::UserId,
        expires_at: Timestamp,
    ) -> Result<()> {
        let now = self.now();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO password_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash).bind(user.uuid()).bind(now.micros()).bind(expires_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// Uses up a live set-password token; returns its user. All of that user's tokens end
    /// with it.
    pub async fn consume_password_token(
        &mut self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<tocsin_domain::UserId>> {
        let user: Option<uuid::Uuid> = dispatch!(tx self, c => {
            sqlx::query_scalar("DELETE FROM password_tokens WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id")
                .bind(token_hash).bind(now.micros()).fetch_optional(c).await?
        });
        if let Some(u) = user {
            dispatch!(tx self, c => {
                sqlx::query("DELETE FROM password_tokens WHERE user_id = $1").bind(u).execute(c).await?;
            });
        }
        Ok(user.map(tocsin_domain::UserId))
    }
}

impl Store {
    /// Whether a live set-password token with this hash exists.
    pub async fn password_token_valid(&self, token_hash: &[u8], now: Timestamp) -> Result<bool> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM password_tokens WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash).bind(now.micros()).fetch_one(c).await?
        }) > 0)
    }
}

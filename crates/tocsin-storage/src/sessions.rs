//! Login sessions, kept in the database so any instance can serve any request. Only a
//! hash of the session token is stored.

use tocsin_domain::{Timestamp, UserId};

use crate::{Result, Store, User};

impl Store {
    /// Stores a new session.
    pub async fn create_session(
        &self,
        token_hash: &[u8],
        user: UserId,
        expires_at: Timestamp,
    ) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash).bind(user.uuid()).bind(self.now().micros()).bind(expires_at.micros())
                .execute(c).await?;
        });
        Ok(())
    }

    /// The enabled user of a live session.
    pub async fn session_user(&self, token_hash: &[u8], now: Timestamp) -> Result<Option<User>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, User>("SELECT u.id, u.email, u.name, u.org_id, u.roles, u.password_hash, u.disabled, u.created_at, u.locale, u.phone FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled")
                .bind(token_hash).bind(now.micros()).fetch_optional(c).await?
        }))
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(c).await?;
        });
        Ok(())
    }

    /// Ends every session of a user (after a password change or disabling).
    pub async fn delete_user_sessions(&self, user: UserId) -> Result<()> {
        dispatch!(pool self, c => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.uuid()).execute(c).await?;
        });
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        Ok(dispatch!(pool self, c => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now.micros()).execute(c).await?.rows_affected()
        }))
    }
}

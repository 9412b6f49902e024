//! OpenPGP keys users uploaded (`user_pgp_keys`, migration 0031): one a user, the armored
//! text as given and its fingerprint. Reading keys is `tocsin-pgp`'s; this only stores.

use tocsin_domain::{Timestamp, UserId};
use uuid::Uuid;

use crate::{Result, Store, Tx};

/// A user's uploaded key.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserPgpKey {
    /// The user.
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    /// Its fingerprint, upper-case hexadecimal.
    pub fingerprint: String,
    /// The armored public key.
    pub armored: String,
    /// When it was uploaded.
    #[sqlx(try_from = "i64")]
    pub uploaded_at: Timestamp,
}

const SELECT: &str =
    "SELECT user_id, fingerprint, armored, uploaded_at FROM user_pgp_keys WHERE user_id = $1";

impl Store {
    /// The key `user` uploaded, if any.
    pub async fn user_pgp_key(&self, user: UserId) -> Result<Option<UserPgpKey>> {
        Ok(dispatch!(pool self, p => {
            sqlx::query_as::<_, UserPgpKey>(SELECT).bind(user.uuid()).fetch_optional(p).await?
        }))
    }
}

impl Tx {
    /// The key `user` uploaded, if any, read in this transaction.
    pub async fn user_pgp_key(&mut self, user: UserId) -> Result<Option<UserPgpKey>> {
        Ok(dispatch!(tx self, c => {
            sqlx::query_as::<_, UserPgpKey>(SELECT).bind(user.uuid()).fetch_optional(c).await?
        }))
    }

    /// Stores `user`'s key, replacing the one before, stamped with the transaction's time.
    pub async fn set_user_pgp_key(
        &mut self,
        user: UserId,
        fingerprint: &str,
        armored: &str,
    ) -> Result<()> {
        let now = self.now().micros();
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO user_pgp_keys (user_id, fingerprint, armored, uploaded_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (user_id) DO UPDATE SET fingerprint = excluded.fingerprint, armored = excluded.armored, uploaded_at = excluded.uploaded_at")
                .bind(user.uuid()).bind(fingerprint).bind(armored).bind(now).execute(c).await?;
        });
        Ok(())
    }

    /// Removes `user`'s key; whether there was one.
    pub async fn remove_user_pgp_key(&mut self, user: UserId) -> Result<bool> {
        let n = dispatch!(tx self, c => {
            sqlx::query("DELETE FROM user_pgp_keys WHERE user_id = $1").bind(user.uuid()).execute(c).await?.rows_affected()
        });
        Ok(n > 0)
    }
}

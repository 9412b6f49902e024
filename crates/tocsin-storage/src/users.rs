//! User accounts.

use serde::{Deserialize, Serialize};
use tocsin_domain::{OrgId, Roles, Timestamp, UserId};
use uuid::Uuid;

use crate::{Result, StorageError, Store, Tx};

/// A user as stored. It carries the password hash: the server shows users through its
/// own view types, never by serializing this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct User {
    /// Id.
    #[sqlx(try_from = "Uuid")]
    pub id: UserId,
    /// Mail address, normalized (lower case), unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Organization, if any.
    #[sqlx(try_from = "Option<Uuid>")]
    pub org_id: OptOrg,
    /// Roles.
    #[sqlx(try_from = "String")]
    pub roles: Roles,
    /// Argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    /// A disabled user cannot sign in or use tokens.
    pub disabled: bool,
    /// When the account was created.
    #[sqlx(try_from = "i64")]
    pub created_at: Timestamp,
    /// The language of mail sent to the user (`zh-TW` or `en`): the last one they chose.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// A phone number the user gave (free text), or empty; prefills report forms.
    #[serde(default)]
    pub phone: String,
}

fn default_locale() -> String {
    "zh-TW".to_string()
}

/// An optional organization id (a wrapper so the row decoder can convert it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct OptOrg(pub Option<OrgId>);

impl From<Option<Uuid>> for OptOrg {
    fn from(u: Option<Uuid>) -> Self {
        OptOrg(u.map(OrgId))
    }
}

/// What is needed to create a user (validated by the caller; email normalized).
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Organization.
    pub org_id: Option<OrgId>,
    /// Roles.
    pub roles: Roles,
    /// Argon2id hash, if a password is set now.
    pub password_hash: Option<String>,
}

/// A foreign-key violation on users means the organization does not exist.
fn fk_is_missing_org(e: sqlx::Error) -> StorageError {
    match e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StorageError::NotFound("organization")
        }
        e => StorageError::from(e),
    }
}

impl Tx {
    /// Creates a user. A duplicate email is a [`StorageError::Conflict`]; an unknown
    /// organization is [`StorageError::NotFound`].
    pub async fn create_user(&mut self, new: &NewUser) -> Result<User> {
        let user = User {
            id: UserId::new(),
            email: new.email.trim().to_lowercase(),
            name: new.name.trim().to_string(),
            org_id: OptOrg(new.org_id),
            roles: new.roles.clone(),
            password_hash: new.password_hash.clone(),
            disabled: false,
            created_at: self.now(),
            locale: default_locale(),
            phone: String::new(),
        };
        self.insert_user(&user).await.map_err(|e| match e {
            StorageError::Db(e) => fk_is_missing_org(e),
            e => e,
        })?;
        Ok(user)
    }

    pub(crate) async fn insert_user(&mut self, u: &User) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("INSERT INTO users (id, email, name, org_id, roles, password_hash, disabled, created_at, locale, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(u.id.uuid()).bind(&u.email).bind(&u.name).bind(u.org_id.0.map(|o| o.uuid()))
                .bind(u.roles.to_csv()).bind(&u.password_hash).bind(u.disabled).bind(u.created_at.micros()).bind(&u.locale).bind(&u.phone)
                .execute(c).await?;
        });
        Ok(())
    }

    /// Sets or replaces a user's password hash.
    pub async fn set_password_hash(&mut self, id: UserId, hash: &str) -> Result<()> {
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(id.uuid()).bind(hash).execute(c).await?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("user"));
        }
        Ok(())
    }

    /// Sets a user's phone (free text, checked by the caller; empty clears it).
    pub async fn set_user_phone(&mut self, id: UserId, phone: &str) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE users SET phone = $2 WHERE id = $1")
                .bind(id.uuid()).bind(phone).execute(c).await?;
        });
        Ok(())
    }

    /// Remembers the language a user chose (for the mail sent to them).
    pub async fn set_user_locale(&mut self, id: UserId, locale: &str) -> Result<()> {
        dispatch!(tx self, c => {
            sqlx::query("UPDATE users SET locale = $2 WHERE id = $1")
                .bind(id.uuid()).bind(locale).execute(c).await?;
        });
        Ok(())
    }

    /// Updates name, organization, roles and the disabled flag.
    pub async fn update_user(
        &mut self,
        id: UserId,
        name: &str,
        org_id: Option<OrgId>,
        roles: &Roles,
        disabled: bool,
    ) -> Result<()> {
        let n = dispatch!(tx self, c => {
            sqlx::query("UPDATE users SET name = $2, org_id = $3, roles = $4, disabled = $5 WHERE id = $1")
                .bind(id.uuid()).bind(name.trim()).bind(org_id.map(|o| o.uuid())).bind(roles.to_csv()).bind(disabled)
                .execute(c).await.map_err(fk_is_missing_org)?.rows_affected()
        });
        if n == 0 {
            return Err(StorageError::NotFound("user"));
        }
        Ok(())
    }
}

impl Store {
    /// One user by id.
    pub async fn get_user(&self, id: UserId) -> Result<Option<User>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, User>("SELECT id, email, name, org_id, roles, password_hash, disabled, created_at, locale, phone FROM users WHERE id = $1")
                .bind(id.uuid()).fetch_optional(c).await?
        }))
    }

    /// One user by mail address (normalized here).
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, User>("SELECT id, email, name, org_id, roles, password_hash, disabled, created_at, locale, phone FROM users WHERE email = $1")
                .bind(email.trim().to_lowercase()).fetch_optional(c).await?
        }))
    }

    /// All users, by email.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, User>("SELECT id, email, name, org_id, roles, password_hash, disabled, created_at, locale, phone FROM users ORDER BY email")
                .fetch_all(c).await?
        }))
    }

    /// The users of one organization, by email.
    pub async fn users_of_org(&self, org: OrgId) -> Result<Vec<User>> {
        Ok(dispatch!(pool self, c => {
            sqlx::query_as::<_, User>("SELECT id, email, name, org_id, roles, password_hash, disabled, created_at, locale, phone FROM users WHERE org_id = $1 ORDER BY email")
                .bind(org.uuid()).fetch_all(c).await?
        }))
    }

    /// How many enabled users hold the admin role; zero means first-start setup is open.
    pub async fn count_admins(&self) -> Result<i64> {
        let users = self.list_users().await?;
        Ok(users
            .iter()
            .filter(|u| !u.disabled && tocsin_domain::policy::is_admin(&u.roles))
            .count() as i64)
    }
}

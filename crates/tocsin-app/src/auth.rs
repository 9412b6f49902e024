//! Secrets and who is signed in: Argon2id password hashes, random tokens stored as SHA-256
//! hashes, and the signed-in [`CurrentUser`] (the server finds them from a session cookie
//! or a bearer token).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tocsin_domain::Principal;
use tocsin_storage::User;

use crate::error::AppError;

/// A fresh random secret: 32 bytes, URL-safe base64 without padding.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Hashes a password with Argon2id off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::internal(e.to_string()))?
}

/// Checks a password against a stored hash off the async threads. A missing or broken
/// hash never matches.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    // Verify against a dummy hash when the account has none, so timing does not reveal
    // which addresses have accounts.
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0lq3Gv2Zx7VZ2R5PJ0O9GhKz8m3w6q4V2s5g0c9bJ4w";
    let real = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
        && real
}

/// How the current user authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    /// A browser session cookie.
    Session,
    /// An API bearer token.
    Token,
    /// The sender address of a message handed over by the mailgate (intel drafts only).
    Mail,
    /// The IMAP poller, handing over mail as its configured desk account.
    Imap,
    /// The operator at the server's console (`tocsin admin …`): whoever can run the binary
    /// against the database already holds every record, so the console acts as an
    /// administrator, or as the account a command names.
    Console,
}

/// The signed-in user, if any. Extracting it never fails: handlers ask the policy.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub Option<(User, AuthMethod)>);

/// The access-policy principal of a stored user (also for users other than the caller,
/// such as the recipients of a mail).
pub fn principal_of(u: &User) -> Principal {
    Principal {
        user_id: u.id,
        org_id: u.org_id.0,
        roles: u.roles.clone(),
    }
}

impl CurrentUser {
    /// The operator at the console, acting as an administrator of no organization. Its
    /// account exists nowhere: the audit log names it `cli`, without an account id.
    pub fn console(now: tocsin_domain::Timestamp) -> CurrentUser {
        let operator = User {
            id: tocsin_domain::UserId(uuid::Uuid::nil()),
            email: "cli".into(),
            name: "console".into(),
            org_id: Default::default(),
            roles: tocsin_domain::policy::console_roles(),
            password_hash: None,
            disabled: false,
            created_at: now,
            locale: String::new(),
            phone: String::new(),
        };
        CurrentUser(Some((operator, AuthMethod::Console)))
    }

    /// The operator at the console acting as `user` (e.g. to make that user's API token).
    pub fn console_as(user: User) -> CurrentUser {
        CurrentUser(Some((user, AuthMethod::Console)))
    }

    /// The stored account acting, if any (not the console operator's stand-in).
    pub fn account(&self) -> Option<&User> {
        match &self.0 {
            Some((u, m)) if !(*m == AuthMethod::Console && u.id.0.is_nil()) => Some(u),
            _ => None,
        }
    }

    /// The principal for the access policy.
    pub fn principal(&self) -> Option<Principal> {
        self.0.as_ref().map(|(u, _)| principal_of(u))
    }
    /// The user.
    pub fn user(&self) -> Option<&User> {
        self.0.as_ref().map(|(u, _)| u)
    }
    /// The actor name for the audit log.
    pub fn actor(&self) -> String {
        self.user()
            .map(|u| u.email.clone())
            .unwrap_or_else(|| "anonymous".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords() {
        let h = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(h.clone())).await);
        assert!(!verify_password("wrong".into(), Some(h)).await);
        assert!(!verify_password("x".into(), None).await);
        assert!(!verify_password("x".into(), Some("garbage".into())).await);
    }

    #[test]
    fn secrets() {
        let a = new_secret();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_secret());
        assert_eq!(hash_secret(&a).len(), 32);
    }
}

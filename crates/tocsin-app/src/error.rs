//! The one error type of the use cases. The server maps it to an HTTP status and writes it
//! in the caller's language; the CLI prints it.

use tocsin_domain::{Denied, FieldErrors};
use tocsin_storage::StorageError;

/// What went wrong, as the client is told.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input, by field.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// No or invalid credentials.
    #[error("authentication required")]
    Unauthorized,
    /// Signed in but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// A cross-site state-changing request.
    #[error("cross-site request refused")]
    CrossSite,
    /// No such record (or not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The change collides with what is stored (a uniqueness rule, or a concurrent change
    /// of the same record): the caller may reload and try again.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("too many requests")]
    TooManyRequests,
    /// A body over the configured limit.
    #[error("payload too large")]
    TooLarge,
    /// A malformed request that is not about one field.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The database cannot be reached now: try again shortly (503 with Retry-After).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// An internal error with a logged detail.
    pub fn internal(detail: impl Into<String>) -> Self {
        AppError::Internal(detail.into())
    }

    /// A validation error on one field.
    pub fn field(field: &'static str, code: &'static str) -> Self {
        let mut e = FieldErrors::new();
        e.add(field, tocsin_domain::FieldError::new(code));
        AppError::Validation(e)
    }

    /// The stable error code of the API's error shape.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::CrossSite => "cross_site",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests => "rate_limited",
            AppError::TooLarge => "too_large",
            AppError::BadRequest(_) => "bad_request",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NeedsLogin => AppError::Unauthorized,
            Denied::Forbidden => AppError::Forbidden,
        }
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(_) => AppError::NotFound,
            // A uniqueness rule the use case did not turn into a field's error: a 409 for
            // the client to retry or reload, never a 500.
            StorageError::Conflict(what) => AppError::Conflict(what),
            StorageError::Unavailable(why) => AppError::Unavailable(why),
            other => AppError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_conflict_is_a_conflict_not_an_internal_error() {
        let e = AppError::from(StorageError::Conflict("duplicate key".into()));
        assert!(matches!(e, AppError::Conflict(_)), "{e:?}");
        assert_eq!(e.code(), "conflict");
        let e = AppError::from(StorageError::Corrupt("x".into()));
        assert_eq!(e.code(), "internal");
    }
}

//! The use cases' [`AppError`] at the HTTP boundary: [`HttpError`] maps it to a status in
//! one place, and its response carries an [`ErrorBody`] in the response extensions; the
//! `render_errors` middleware then writes it in the request's language, as the API's JSON
//! shape under `/api/` and as an HTML page elsewhere.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
pub use tocsin_app::AppError;
use tocsin_domain::{Denied, FieldErrors};
use tocsin_storage::StorageError;

/// An [`AppError`] on its way to the client: what handlers and extractors return.
#[derive(Debug)]
pub struct HttpError(pub AppError);

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        HttpError(e)
    }
}

impl From<StorageError> for HttpError {
    fn from(e: StorageError) -> Self {
        HttpError(e.into())
    }
}

impl From<Denied> for HttpError {
    fn from(d: Denied) -> Self {
        HttpError(d.into())
    }
}

/// The HTTP status of an error.
pub fn status(e: &AppError) -> StatusCode {
    match e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What a 503 asks the client to wait, in seconds: about a database restart's time.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// The error as carried to the rendering middleware.
#[derive(Clone, Debug)]
pub struct ErrorBody {
    /// Stable code.
    pub code: &'static str,
    /// Field errors, for validation.
    pub fields: FieldErrors,
    /// Extra text for bad requests.
    pub detail: Option<String>,
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(detail) = &e {
            tracing::error!(error = %detail, "internal error");
        }
        if let AppError::Unavailable(detail) = &e {
            tracing::warn!(error = %detail, "database unavailable");
        }
        let body = ErrorBody {
            code: e.code(),
            fields: match &e {
                AppError::Validation(f) => f.clone(),
                _ => FieldErrors::new(),
            },
            detail: match &e {
                AppError::BadRequest(d) => Some(d.clone()),
                _ => None,
            },
        };
        let mut resp = status(&e).into_response();
        if matches!(e, AppError::Unavailable(_)) {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        resp.extensions_mut().insert(body);
        resp
    }
}

/// `into_response()` for a use case's error, as for any other answer of a handler.
pub trait IntoHttp {
    /// The error's response (see [`HttpError`]).
    fn into_response(self) -> Response;
}

impl IntoHttp for AppError {
    fn into_response(self) -> Response {
        HttpError(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_conflict_answers_409() {
        let resp = HttpError::from(StorageError::Conflict("duplicate key".into())).into_response();
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        let body = resp.extensions().get::<ErrorBody>().expect("body");
        assert_eq!(body.code, "conflict");
    }
}

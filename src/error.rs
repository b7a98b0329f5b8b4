//! One error type for every handler. It never renders by itself: it marks the response, and
//! the error-page layer (which knows the request's language) renders a localized page.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist (or the user may not know it exists).
    #[error("not found")]
    NotFound,
    /// The user is known but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Nobody is logged in; `next` is where to come back after login.
    #[error("login required")]
    Unauthorized {
        /// The path to return to after logging in.
        next: String,
    },
    /// The user must replace a temporary password before anything else.
    #[error("password change required")]
    PasswordChange,
    /// The request itself is malformed; the value is a catalog key.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request is larger than the route takes (an upload); the value is a catalog key.
    #[error("too large: {0}")]
    TooLarge(&'static str),
    /// The request is fine but the record's state forbids it (already done, closed); the
    /// value is a catalog key.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The state-changing request carried no valid CSRF token.
    #[error("csrf")]
    Csrf,
    /// Anything unexpected; logged with its cause, shown as a generic page.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Attached to an error response so that the error-page layer can render it.
#[derive(Clone, Copy, Debug)]
pub struct ErrorPage {
    /// The catalog key of the explanation.
    pub key: &'static str,
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            e => AppError::Internal(e.into()),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(e: tower_sessions::session::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, key) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
            AppError::BadRequest(key) => (StatusCode::BAD_REQUEST, *key),
            AppError::TooLarge(key) => (StatusCode::PAYLOAD_TOO_LARGE, *key),
            AppError::Conflict(key) => (StatusCode::CONFLICT, *key),
            AppError::Csrf => (StatusCode::FORBIDDEN, "error-csrf"),
            AppError::Unauthorized { next } => return login_redirect(next),
            AppError::PasswordChange => {
                return (
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, "/compte/mot-de-passe")],
                )
                    .into_response();
            }
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorPage { key });
        res
    }
}

/// Sends the browser to the login page, remembering where it was going (the web layer turns
/// a redirect of an htmx request into `HX-Redirect`, so the whole page changes).
fn login_redirect(next: &str) -> Response {
    let target = if next.is_empty() || next == "/" {
        "/connexion".to_string()
    } else {
        let enc: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        format!("/connexion?suivant={enc}")
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response()
}

/// The result type of handlers.
pub type AppResult<T> = Result<T, AppError>;

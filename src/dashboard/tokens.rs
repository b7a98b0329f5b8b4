//! Personal access tokens: a program (a phone's native widget, a family's own tool) reads
//! the JSON of some widgets as the person who made the token, with nothing else of theirs.
//!
//! - A token is `suku_` and 40 random characters, shown once; only its SHA-256 is kept.
//! - It is sent as `Authorization: Bearer suku_…`, and only to `/api/` addresses, reading
//!   (GET). A page of the portal never takes it, so it cannot act in anyone's name.
//! - Its scopes are the widgets it may read (and `gamification` for that API). An address
//!   outside its scopes answers 403; a revoked, expired or unknown token 401.
//! - Its last use is kept (to the minute), for its owner to see.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::repo;
use super::widgets::Kind;
use crate::app::AppState;
use crate::auth::CurrentUser;

/// The prefix every token starts with (secret scanners recognise it).
pub const PREFIX: &str = "suku_";
/// The scope of the gamification API.
pub const GAMIFICATION: &str = "gamification";
/// The scope of the assistant's API.
pub const ASSISTANT: &str = "assistant";

/// A request made with a token: which one, and what it may read.
#[derive(Clone, Debug)]
pub struct TokenAuth {
    pub id: i64,
    pub scopes: Vec<String>,
}

impl TokenAuth {
    pub fn allows(&self, scope: &str) -> bool {
        scope.is_empty() || self.scopes.iter().any(|s| s == scope)
    }
}

/// Every scope a token may be given: each widget, and the gamification API.
pub fn all_scopes() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Kind::ALL.iter().map(|k| k.code()).collect();
    v.push(GAMIFICATION);
    v.push(ASSISTANT);
    v
}

/// A new secret and its hash.
pub fn new_secret() -> (String, String) {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    let body: String = (0..40)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    let secret = format!("{PREFIX}{body}");
    let hash = hash(&secret);
    (secret, hash)
}

/// The fingerprint of a password hash kept with a token: a new password ends the token.
pub fn password_fp(password_hash: &str) -> String {
    hash(password_hash)[..16].to_string()
}

pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The scope an API address needs from a token, or `None` where tokens are not taken.
pub fn scope_of(method: &Method, path: &str) -> Option<&'static str> {
    // Asking the assistant changes nothing of the school's records: a program may.
    if method == Method::POST && path == "/api/assistant" {
        return Some(ASSISTANT);
    }
    if method != Method::GET {
        return None;
    }
    let rest = path.strip_prefix("/api/")?;
    if rest == "widgets" {
        return Some("");
    }
    if let Some(kind) = rest.strip_prefix("widgets/") {
        return Kind::parse(kind).map(|k| k.code());
    }
    if rest.starts_with("gamification/") {
        return Some(GAMIFICATION);
    }
    None
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn refuse(t: &crate::i18n::Tr, status: StatusCode, key: &'static str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": key, "message": t.t(key) })),
    )
        .into_response()
}

/// The user a request's token stands for, or the response refusing it. Called by the web
/// middleware for a request that carries a bearer token.
pub async fn authenticate(
    app: &AppState,
    t: &crate::i18n::Tr,
    method: &Method,
    path: &str,
    secret: &str,
) -> Result<(CurrentUser, TokenAuth), Response> {
    let unauthorized = || refuse(t, StatusCode::UNAUTHORIZED, "token-invalid");
    let Some(scope) = scope_of(method, path) else {
        return Err(refuse(t, StatusCode::FORBIDDEN, "token-not-here"));
    };
    if !secret.starts_with(PREFIX) || secret.len() > 100 {
        return Err(unauthorized());
    }
    let now = app.clock.now();
    let row = match repo::token_by_hash(&app.db, &hash(secret)).await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(unauthorized()),
        Err(e) => return Err(crate::error::AppError::from(e).into_response()),
    };
    if row.revoked_at.is_some() || row.expires_at.is_some_and(|e| e <= now) {
        return Err(unauthorized());
    }
    // A deactivated account's tokens die with it, and a token with the password it was
    // made under (a reset, a change).
    let user = match crate::auth::user_by_id(&app.db, row.user_id).await {
        Ok(Some(u)) => u,
        Ok(None) => return Err(unauthorized()),
        Err(e) => return Err(crate::error::AppError::from(e).into_response()),
    };
    match crate::auth::repo::password_hash(&app.db, row.user_id).await {
        Ok(h) if !row.password_fp.is_empty() && password_fp(&h) == row.password_fp => {}
        Ok(_) => return Err(unauthorized()),
        Err(e) => return Err(crate::error::AppError::from(e).into_response()),
    }
    let auth = TokenAuth {
        id: row.id,
        scopes: row.scopes.split_whitespace().map(str::to_string).collect(),
    };
    if !auth.allows(scope) {
        return Err(refuse(t, StatusCode::FORBIDDEN, "token-scope"));
    }
    if let Err(e) = repo::touch_token(&app.db, row.id, now).await {
        tracing::warn!(error = %e, "token: last use not noted");
    }
    Ok((user, auth))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_read_widgets_and_nothing_else() {
        let get = Method::GET;
        assert_eq!(scope_of(&get, "/api/widgets"), Some(""));
        assert_eq!(scope_of(&get, "/api/widgets/balance"), Some("balance"));
        assert_eq!(scope_of(&get, "/api/widgets/nope"), None);
        assert_eq!(
            scope_of(&get, "/api/gamification/points"),
            Some(GAMIFICATION)
        );
        assert_eq!(scope_of(&Method::POST, "/api/widgets/balance"), None);
        assert_eq!(scope_of(&get, "/parent"), None);
        assert_eq!(scope_of(&get, "/apix/widgets"), None);
        let (secret, h) = new_secret();
        assert!(secret.starts_with(PREFIX) && secret.len() == 45);
        assert_eq!(hash(&secret), h);
        assert_ne!(new_secret().0, secret);
        let a = TokenAuth {
            id: 1,
            scopes: vec!["marks".into()],
        };
        assert!(a.allows("marks") && a.allows("") && !a.allows("balance"));
    }
}

//! CSRF protection: a random token per session, required on every state-changing request,
//! in the `X-CSRF-Token` header (static/suku.js adds it to every htmx request, from the
//! page's `csrf-token` meta) or in the `_csrf` field of a form (plain forms without
//! JavaScript).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use tower_sessions::Session;

use crate::error::AppError;

const KEY: &str = "csrf";
/// Form bodies are read whole to find the token; larger bodies must use the header.
const MAX_FORM: usize = 256 * 1024;
// As large as the largest upload a route accepts (a chat attachment, 5 MB); each route
// sets its own, smaller or equal, limit.
const MAX_UPLOAD: usize = 6 * 1024 * 1024;

/// The value of a small text field of a multipart body (the token), without parsing the
/// parts that carry files: the field's headers end with a blank line, its value with CRLF.
fn multipart_field<'a>(body: &'a [u8], name: &str) -> Option<&'a str> {
    let needle = format!("name=\"{name}\"");
    let at = body
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())?;
    let rest = &body[at..];
    let start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = value.windows(2).position(|w| w == b"\r\n")?;
    std::str::from_utf8(&value[..end]).ok()
}

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(KEY).await? {
        return Ok(t);
    }
    let t = new_token();
    session.insert(KEY, &t).await?;
    Ok(t)
}

/// Replaces the token (at login, so a token seen before login is worthless after it).
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session.insert(KEY, new_token()).await?;
    Ok(())
}

fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: rejects unsafe requests whose token is missing or wrong.
pub async fn guard(session: Session, req: Request, next: Next) -> Response {
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return next.run(req).await;
    }
    // A program with a personal access token (checked by the web layer, which refuses it
    // anywhere but its scopes) has no session, hence no token to forge: a browser never
    // sends the bearer header by itself.
    if req
        .extensions()
        .get::<crate::dashboard::tokens::TokenAuth>()
        .is_some()
    {
        return next.run(req).await;
    }
    let expected = match session.get::<String>(KEY).await {
        Ok(Some(t)) => t,
        Ok(None) => return AppError::Csrf.into_response(),
        Err(e) => return AppError::from(e).into_response(),
    };
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if same(h, &expected) {
            next.run(req).await
        } else {
            AppError::Csrf.into_response()
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/x-www-form-urlencoded") {
        return AppError::Csrf.into_response();
    }
    let (parts, body) = req.into_parts();
    let limit = if multipart { MAX_UPLOAD } else { MAX_FORM };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return AppError::TooLarge("error-too-large").into_response(),
    };
    let ok = if multipart {
        multipart_field(&bytes, "_csrf").is_some_and(|v| same(v, &expected))
    } else {
        form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "_csrf")
            .is_some_and(|(_, v)| same(&v, &expected))
    };
    if !ok {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_hex() {
        let a = super::new_token();
        let b = super::new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(super::same(&a, &a.clone()));
        assert!(!super::same(&a, &b));
        assert!(!super::same(&a, "short"));
    }

    #[test]
    fn token_in_a_multipart_body() {
        let body = b"--X\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nnom;prenoms\r\n--X--\r\n";
        assert_eq!(super::multipart_field(body, "_csrf"), Some("abc123"));
        assert_eq!(super::multipart_field(body, "other"), None);
    }
}

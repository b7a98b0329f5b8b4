//! Serving a video's playlists, segments and poster: through the lesson's authorization
//! (a student of another class gets 403, whatever file they ask for), only the files the
//! transcoding made, with their type from the name, cached for good (a new transcoding has
//! a new address) and in byte ranges when asked.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::repo as vrepo;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::Ctx;

/// A `Range` header's one range within `size` bytes: `None` to send everything (absent,
/// several ranges, or another unit), `Some(Err)` when it cannot be satisfied.
pub fn range(header: Option<&str>, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header?.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let r = if a.is_empty() {
        // The last b bytes.
        match b.parse::<u64>() {
            Ok(n) if n > 0 && size > 0 => Ok((size.saturating_sub(n), size - 1)),
            _ => Err(()),
        }
    } else {
        match (a.parse::<u64>(), b) {
            (Ok(a), "") if a < size => Ok((a, size - 1)),
            (Ok(a), b) => match b.parse::<u64>() {
                Ok(b) if a <= b && a < size => Ok((a, b.min(size - 1))),
                _ => Err(()),
            },
            _ => Err(()),
        }
    };
    Some(r)
}

pub async fn file(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((id, version, file)): Path<(i64, String, String)>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let u = ctx.user()?;
    crate::authz::require(crate::courses::view::may_download(&app.db, u, id, ctx.today()).await?)?;
    let v = vrepo::video(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let (Some(prefix), Some(current)) = (&v.prefix, v.version()) else {
        return Err(AppError::NotFound);
    };
    if current != version || !v.files().contains(&file) {
        return Err(AppError::NotFound);
    }
    let content_type = super::served_type(&file).ok_or(AppError::NotFound)?;
    let key = format!("{prefix}/{file}");
    let size = app.files.size(&key).await.map_err(AppError::Internal)?;
    let asked = range(
        headers.get(header::RANGE).and_then(|h| h.to_str().ok()),
        size,
    );
    let (status, body, length, content_range) = match asked {
        None => {
            let body = app.files.stream(&key).await.map_err(AppError::Internal)?;
            (StatusCode::OK, body, size, None)
        }
        Some(Ok((a, b))) => {
            let body = app
                .files
                .stream_range(&key, a, b + 1)
                .await
                .map_err(AppError::Internal)?;
            let cr = format!("bytes {a}-{b}/{size}");
            (StatusCode::PARTIAL_CONTENT, body, b + 1 - a, Some(cr))
        }
        Some(Err(())) => {
            let cr = format!("bytes */{size}");
            (
                StatusCode::RANGE_NOT_SATISFIABLE,
                Body::empty(),
                0,
                Some(cr),
            )
        }
    };
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Some(cr) = content_range.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::CONTENT_RANGE, cr);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::range;

    #[test]
    fn ranges_are_read_as_the_http_rfc_says() {
        assert_eq!(range(None, 100), None);
        assert_eq!(range(Some("bytes=0-9"), 100), Some(Ok((0, 9))));
        assert_eq!(range(Some("bytes=90-"), 100), Some(Ok((90, 99))));
        assert_eq!(range(Some("bytes=-10"), 100), Some(Ok((90, 99))));
        assert_eq!(range(Some("bytes=-500"), 100), Some(Ok((0, 99))));
        assert_eq!(range(Some("bytes=50-500"), 100), Some(Ok((50, 99))));
        assert_eq!(range(Some("bytes=100-"), 100), Some(Err(())));
        assert_eq!(range(Some("bytes=9-3"), 100), Some(Err(())));
        assert_eq!(range(Some("bytes=x-3"), 100), Some(Err(())));
        // Several ranges, or another unit: the whole file.
        assert_eq!(range(Some("bytes=0-1,5-6"), 100), None);
        assert_eq!(range(Some("items=0-1"), 100), None);
    }
}

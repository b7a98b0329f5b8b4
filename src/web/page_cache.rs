//! Pages kept in memory while the school's data has not changed.
//!
//! A family's home is read far more often than anything on it changes (parents open it
//! again and again at the start of a term, on slow phones). A kept page is served again only
//! to the same session (its CSRF token is in the page), user, role and language, for the same
//! address and kind of request (page or htmx fragment), the same day, for at most
//! [`TTL`], and only while the database stamp ([`crate::db::changes`]) is the one read
//! before the page was made: any commit of the school's data, on any table but the
//! sessions, drops it. A page that carries a flash message is never kept.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::auth::Role;
use crate::db::changes::{self, Stamp};
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::web::Ctx;

/// How long a kept page may be served: what depends on the clock (an announcement that
/// starts at eight) shows at most this late. On PostgreSQL, where several nodes keep their
/// own copies of the settings for a few seconds, a page lives no longer than those copies.
pub const TTL: Duration = if cfg!(feature = "postgres") {
    crate::settings::TTL
} else {
    Duration::from_secs(30)
};
/// Addresses longer than this are not kept (a family's pages have a short query at most).
const LONGEST: usize = 200;
/// The most page bytes kept; past it, what is stale goes, then everything.
const BUDGET: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    user: i64,
    role: Role,
    locale: Locale,
    csrf: String,
    path: String,
    fragment: bool,
}

struct Entry {
    stamp: Stamp,
    day: chrono::NaiveDate,
    at: Instant,
    body: Bytes,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<Key, Entry>,
    bytes: usize,
}

/// The pages kept, shared by the handlers of one process.
#[derive(Clone, Default)]
pub struct PageCache {
    inner: Arc<Mutex<Inner>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").finish_non_exhaustive()
    }
}

impl PageCache {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The answer for `ctx`: a kept page, or what `make` answers. Only a 200 HTML page
    /// with no cookie is kept; a redirect, an error or a refusal is made again each time.
    pub async fn page<F, Fut>(
        &self,
        db: &crate::db::Pool,
        ctx: &Ctx,
        make: F,
    ) -> AppResult<Response>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<Response>>,
    {
        let user = ctx.user()?;
        // Read before the page is made: a commit while it is made moves past it.
        let stamp = match ctx.flash {
            None if ctx.path_and_query.len() <= LONGEST => changes::data(db).await?,
            _ => None,
        };
        let Some(stamp) = stamp else {
            return make().await;
        };
        let key = Key {
            user: user.id,
            role: user.active_role,
            locale: ctx.t.locale,
            csrf: ctx.csrf.clone(),
            path: ctx.path_and_query.clone(),
            fragment: ctx.htmx.wants_fragment(),
        };
        let day = ctx.today();
        if let Some(body) = self.get(&key, &stamp, day) {
            return Ok(Html(body).into_response());
        }
        let res = make().await?;
        let html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if res.status() != StatusCode::OK || !html || res.headers().contains_key(header::SET_COOKIE)
        {
            return Ok(res);
        }
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        self.put(key, stamp, day, body.clone());
        Ok(Html(body).into_response())
    }

    fn get(&self, key: &Key, stamp: &Stamp, day: chrono::NaiveDate) -> Option<Bytes> {
        let inner = self.inner();
        let e = inner.pages.get(key)?;
        (e.stamp == *stamp && e.day == day && e.at.elapsed() < TTL).then(|| e.body.clone())
    }

    fn put(&self, key: Key, stamp: Stamp, day: chrono::NaiveDate, body: Bytes) {
        let mut inner = self.inner();
        if inner.bytes + body.len() > BUDGET {
            inner
                .pages
                .retain(|_, e| e.stamp == stamp && e.at.elapsed() < TTL);
            inner.bytes = inner.pages.values().map(|e| e.body.len()).sum();
            if inner.bytes + body.len() > BUDGET {
                inner.pages.clear();
                inner.bytes = 0;
            }
        }
        inner.bytes += body.len();
        let at = Instant::now();
        if let Some(old) = inner.pages.insert(
            key,
            Entry {
                stamp,
                day,
                at,
                body,
            },
        ) {
            inner.bytes -= old.body.len();
        }
    }
}

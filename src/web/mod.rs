//! What every page needs: the request context (language, user, CSRF token, flash, htmx
//! flags), rendering, redirects that work for htmx and plain forms, flash messages and
//! pagination.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, Tr};
use crate::settings::SchoolSettings;

pub mod csrf;
pub mod layer;
pub mod nav;
pub mod page_cache;
pub mod pagination;
pub mod upload;

pub use nav::{NavItem, nav_items};
pub use pagination::Pagination;

/// A one-time message shown on the next page (after a redirect).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    /// `success` or `error`: picks the colour and the ARIA role.
    pub kind: String,
    /// The translated text.
    pub text: String,
    /// The id of the part of the page the redirect lands on (`absences` for a redirect to
    /// `…#absences`): the message shows there, where the reader's eyes are, not at the top
    /// of a page the browser has scrolled past. `None`: at the top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// htmx request headers, read once.
#[derive(Clone, Copy, Debug, Default)]
pub struct HtmxInfo {
    /// `HX-Request` is present.
    pub request: bool,
    /// `HX-Boosted` is present: a boosted link or form wants a whole page.
    pub boosted: bool,
    /// `HX-History-Restore-Request`: htmx lost its cache and wants a whole page.
    pub history_restore: bool,
}

impl HtmxInfo {
    /// Reads the headers of a request.
    pub fn from_headers(h: &axum::http::HeaderMap) -> Self {
        HtmxInfo {
            request: h.contains_key("hx-request"),
            boosted: h.contains_key("hx-boosted"),
            history_restore: h.contains_key("hx-history-restore-request"),
        }
    }

    /// A fragment answers only a targeted htmx request; everything else gets the full page.
    pub fn wants_fragment(&self) -> bool {
        self.request && !self.boosted && !self.history_restore
    }
}

/// Turns for the pages that compute a whole class or the whole school at once (a bulletin
/// with its class's ranks, the arrears): each holds a few megabytes while it runs. Four per
/// core run at once and the others wait: on a few cores they would not finish sooner all
/// together (with wrk at 64 connections, a bulletin gave 302 pages/s against 265 without
/// turns), and 64 at once held 64 times the memory (the server's peak went past 120 MB).
#[derive(Clone, Debug)]
pub struct Heavy(std::sync::Arc<tokio::sync::Semaphore>);

impl Default for Heavy {
    fn default() -> Self {
        Heavy::per_core(4)
    }
}

impl Heavy {
    /// `n` turns per core of this machine.
    pub fn per_core(n: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Heavy(std::sync::Arc::new(tokio::sync::Semaphore::new(n * cores)))
    }

    /// Waits for a turn; the turn ends when the permit is dropped.
    pub async fn turn(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.0
            .acquire()
            .await
            .expect("the heavy-work semaphore is never closed")
    }
}

/// The request context every page handler takes: language, user, token, flash and branding.
pub struct Ctx {
    /// The translator for this request's language.
    pub t: Tr,
    /// The CSRF token to put in forms and htmx headers.
    pub csrf: String,
    /// A message left by the previous request.
    pub flash: Option<Flash>,
    /// The logged-in user, if any.
    pub user: Option<CurrentUser>,
    /// The school's name and branding.
    pub school: SchoolSettings,
    /// The request path (for navigation state).
    pub path: String,
    /// The path with its query, to come back to the same page (language switch).
    pub path_and_query: String,
    /// htmx request headers.
    pub htmx: HtmxInfo,
    /// The session, for handlers that change it.
    pub session: Session,
    /// The school's time when the request arrived.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The personal access token the request came with (a program reading the API).
    pub token: Option<crate::dashboard::tokens::TokenAuth>,
}

impl<S> FromRequestParts<S> for Ctx
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, msg)| AppError::Internal(anyhow::anyhow!(msg)))?;
        let locale = parts
            .extensions
            .get::<Locale>()
            .copied()
            .unwrap_or_default();
        let user = match parts.extensions.get::<crate::authz::Viewer>() {
            Some(v) => v.0.clone(),
            None => crate::auth::current_user(&app, &session).await?,
        };
        // A program with a personal access token has no session to keep a token in.
        let token = parts
            .extensions
            .get::<crate::dashboard::tokens::TokenAuth>()
            .cloned();
        let csrf = if token.is_some() {
            String::new()
        } else {
            csrf::token(&session).await?
        };
        // `remove` marks the session modified (a database write) even when the key is absent.
        let flash = match session.get::<Flash>("flash").await? {
            Some(f) => {
                session.remove_value("flash").await?;
                Some(f)
            }
            None => None,
        };
        let now = app.clock.now();
        if user.is_some() && token.is_none() {
            keep_alive(&session, now).await?;
        }
        let school = app.settings.school(&app.db).await?;
        let original = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map(|u| u.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let path_and_query = original
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| original.path().to_string());
        Ok(Ctx {
            now,
            path_and_query,
            t: Tr::new(app.i18n.clone(), locale),
            csrf,
            flash,
            user,
            school,
            // Inside a nested router the URI lost its prefix; the original one has it.
            path: parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map(|u| u.0.path().to_string())
                .unwrap_or_else(|| parts.uri.path().to_string()),
            htmx: HtmxInfo::from_headers(&parts.headers),
            session,
            token,
        })
    }
}

impl Ctx {
    /// The day it is at the school.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.date_naive()
    }

    /// The logged-in user, even one still on a temporary password: only for the pages
    /// that replace it (and the role switch in the header).
    pub fn signed_in(&self) -> AppResult<&CurrentUser> {
        self.user.as_ref().ok_or_else(|| AppError::Unauthorized {
            next: self.path.clone(),
        })
    }

    /// The logged-in user, in any portal, once their temporary password is replaced; a
    /// redirect to the login page otherwise, or to the password page. Every page that
    /// shows a person's data goes through here (or [`Ctx::require`]).
    pub fn user(&self) -> AppResult<&CurrentUser> {
        let u = self.signed_in()?;
        if u.must_change_password {
            return Err(AppError::PasswordChange);
        }
        Ok(u)
    }

    /// The logged-in user if they hold a role of `portal`; 403 otherwise. A user still on
    /// a temporary password is sent to change it first.
    pub fn require(&self, portal: Portal) -> AppResult<&CurrentUser> {
        let u = self.user()?;
        if u.can_use(portal) {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// This page's address with one query parameter set (replacing it if present): the
    /// export links of a list keep the list's filters.
    pub fn with_query(&self, key: &str, value: &str) -> String {
        let (path, query) = self
            .path_and_query
            .split_once('?')
            .unwrap_or((self.path_and_query.as_str(), ""));
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if k != key {
                out.append_pair(&k, &v);
            }
        }
        out.append_pair(key, value);
        format!("{path}?{}", out.finish())
    }

    /// The portal whose navigation the header shows.
    pub fn portal(&self) -> Option<Portal> {
        self.user.as_ref().map(|u| u.active_portal())
    }

    /// The navigation of the active portal, only to pages that exist.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(u) = self.user.as_ref() else {
            return Vec::new();
        };
        nav_items(u, u.active_portal())
            .into_iter()
            .map(|(href, key)| NavItem {
                href,
                label: self.t.t(key),
                active: if href.matches('/').count() == 1 && !href.contains("/admin/") {
                    self.path == *href
                } else {
                    self.path.starts_with(href)
                },
            })
            .collect()
    }

    /// True when the user holds a role of the administration.
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin())
    }

    /// True when the user may create and edit students, classes and people.
    pub fn can_manage_records(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(crate::authz::can_manage_records)
    }

    /// The user must replace a temporary password.
    pub fn must_change_password(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.must_change_password)
    }

    /// The logged-in user's id, or 0.
    pub fn user_id(&self) -> i64 {
        self.user.as_ref().map(|u| u.id).unwrap_or_default()
    }

    /// Leaves a message for the next page, from a catalog key.
    pub async fn flash(&self, kind: &str, key: &str) -> AppResult<()> {
        self.flash_text(kind, self.t.t(key)).await
    }

    /// Leaves an already translated message (one with arguments) for the next page.
    pub async fn flash_text(&self, kind: &str, text: String) -> AppResult<()> {
        let f = Flash {
            kind: kind.into(),
            text,
            at: None,
        };
        self.session.insert("flash", f).await?;
        Ok(())
    }

    /// Leaves a message for the part of the next page with the id `at`, where a redirect to
    /// `…#at` lands (the page's template shows it there with [`Ctx::flash_for`]).
    pub async fn flash_at(&self, kind: &str, key: &str, at: &str) -> AppResult<()> {
        let f = Flash {
            kind: kind.into(),
            text: self.t.t(key),
            at: Some(at.into()),
        };
        self.session.insert("flash", f).await?;
        Ok(())
    }

    /// The message for the top of the page: one left for no part in particular.
    pub fn top_flash(&self) -> Option<&Flash> {
        self.flash.as_ref().filter(|f| f.at.is_none())
    }

    /// The message left for the part of the page with the id `at`.
    pub fn flash_for(&self, at: &str) -> Option<&Flash> {
        self.flash.as_ref().filter(|f| f.at.as_deref() == Some(at))
    }
}

/// Sessions are saved only when modified, so an idle deadline would count from the last
/// change, not the last visit. Stamping the session at most once a minute keeps the idle
/// expiry true while sparing the database a write on every page.
async fn keep_alive(session: &Session, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
    const KEY: &str = "seen";
    let now = now.timestamp();
    let seen = session.get::<i64>(KEY).await?.unwrap_or(0);
    if now - seen >= 60 {
        session.insert(KEY, now).await?;
    }
    Ok(())
}

/// Renders a template into an HTML response; a render error becomes a logged 500.
pub fn html<T: askama::Template>(tpl: &T) -> AppResult<Response> {
    Ok(Html(tpl.render()?).into_response())
}

/// Renders a template with a status (422 for a form with errors).
pub fn html_status<T: askama::Template>(status: StatusCode, tpl: &T) -> AppResult<Response> {
    Ok((status, Html(tpl.render()?)).into_response())
}

/// A posted form's fields in order, repeated names kept (several checked boxes, the
/// columns of an export template).
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of `name` in a form read by [`form`], or "" when it is missing.
pub fn field<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// `s` as a path of this site to send a browser back to (after a login, a language switch),
/// or `None`. Browsers drop tabs and line breaks from addresses, so `/\t/evil.example` is
/// `//evil.example` to them, another site: control characters go first, then only a path
/// that starts with one `/`, holds no `\` (a `/` to browsers) and parses as a path and query,
/// is taken.
pub fn local_path(s: &str) -> Option<String> {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim_matches(' ');
    let mut chars = clean.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/') | Some('\\'))
        && !clean.contains('\\')
        && clean.chars().all(|c| c.is_ascii_graphic())
        && clean.parse::<axum::http::uri::PathAndQuery>().is_ok();
    local.then(|| clean.to_string())
}

/// A file name as people may see it: no control character and no bidirectional override
/// (`facture\u{202e}gnp.exe` shows as `facture` + `exe.png` reversed), trimmed, at most 120
/// characters. Names are cleaned when a file arrives and again when it leaves.
pub fn clean_file_name(name: &str) -> String {
    let bidi = |c: char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let s: String = name
        .chars()
        .filter(|c| !c.is_control() && !bidi(*c))
        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
        .collect();
    let s: String = s.trim().chars().take(120).collect();
    if s.is_empty() { "fichier".into() } else { s }
}

/// The `Content-Disposition` of a download: the name cleaned, in ASCII for old clients
/// (`filename`) and whole in UTF-8 (`filename*`, RFC 6266 and RFC 8187).
pub fn content_disposition(inline: bool, name: &str) -> HeaderValue {
    let name = clean_file_name(name);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A random key of 32 hex digits: a form's idempotency key.
pub fn random_key() -> String {
    use rand::Rng;
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

/// A 303 redirect; the web layer turns it into `HX-Redirect` for htmx requests.
pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Marks an htmx fragment response so caches keep full pages and fragments apart.
pub fn vary_htmx(res: &mut Response) {
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Request"));
}

/// Field errors of a form, keyed by field name, with translated messages.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// The status of a form page: 200, or 422 when it shows errors.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// Records an error on `field`.
    pub fn add(&mut self, field: &str, msg: String) {
        self.0.push((field.into(), msg));
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// True when `field` has an error.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// True when the form is valid.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client's address, for rate limiting and logs: the socket's peer, or the first
/// `X-Forwarded-For` hop when the portal runs behind a trusted reverse proxy.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        if app.config.trust_proxy
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
        {
            return Ok(ClientIp(ip.trim().to_string()));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into());
        Ok(ClientIp(peer))
    }
}

/// A numeric id from the path; anything else (`/eleves/abc`, overflow) is a localized 404,
/// not a framework error.
#[derive(Clone, Copy, Debug)]
pub struct PathId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        raw.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(PathId)
            .ok_or(AppError::NotFound)
    }
}

/// Two numeric ids from the path (`/classes/{class}/matieres/{subject}`); anything else is
/// a localized 404.
#[derive(Clone, Copy, Debug)]
pub struct PathIds(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path((a, b)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        match (a.parse::<i64>(), b.parse::<i64>()) {
            (Ok(a), Ok(b)) if a > 0 && b > 0 => Ok(PathIds(a, b)),
            _ => Err(AppError::NotFound),
        }
    }
}

/// A `&str` however deeply a template borrows it, for comparisons in templates.
pub fn deref_str<'a>(s: &'a &'a str) -> &'a str {
    s
}

#[cfg(test)]
mod local_path_tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_are_taken() {
        assert_eq!(local_path("/parent").as_deref(), Some("/parent"));
        assert_eq!(
            local_path("/admin/eleves?page=2&q=a%20b").as_deref(),
            Some("/admin/eleves?page=2&q=a%20b")
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            "/\r\n/evil",
            "/\u{b}/evil",
            "/%09/evil.example?x",
            "",
            "parent",
            "/é",
        ] {
            let got = local_path(bad);
            // What is left must never be read as another site's address by a browser.
            assert!(
                got.as_deref()
                    .is_none_or(|p| p.starts_with('/') && !p.starts_with("//")),
                "{bad:?} gave {got:?}"
            );
        }
        assert_eq!(local_path("/\t/evil.example"), None);
        assert_eq!(local_path("/\r\n/evil"), None);
        assert_eq!(local_path("/\u{b}/evil"), None);
        // Encoded, a tab is only text in a path of this site.
        assert_eq!(local_path("/%09/evil").as_deref(), Some("/%09/evil"));
    }
}

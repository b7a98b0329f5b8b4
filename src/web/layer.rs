//! The web middleware that wraps every page: it picks the request's language, renders
//! localized error pages for [`ErrorPage`] responses, turns redirects of htmx requests into
//! `HX-Redirect`, and marks responses as varying with `HX-Request`.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower_sessions::Session;

use crate::app::AppState;
use crate::error::ErrorPage;
use crate::i18n::{Locale, Tr};
use crate::web::HtmxInfo;

/// The session key of the language chosen by the user (or copied from their profile at login).
pub const LANG_KEY: &str = "lang";

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorTpl {
    t: Tr,
    status: u16,
    title: String,
    message: String,
    school: String,
    fragment: bool,
}

/// Middleware: language, error pages, htmx redirects, `Vary`.
pub async fn web(
    State(app): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let locale = match session.get::<Locale>(LANG_KEY).await {
        Ok(Some(l)) => l,
        _ => req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Locale::from_accept_language)
            .unwrap_or_default(),
    };
    req.extensions_mut().insert(locale);
    // Read once here: the access rule of the route and the page context both need it.
    let mut viewer = match crate::auth::current_user(&app, &session).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    // A program reading the API with a personal access token: the token's owner, for the
    // token's scopes only (see `dashboard::tokens`).
    if let Some(secret) = crate::dashboard::tokens::bearer(req.headers()) {
        let t = Tr::new(app.i18n.clone(), locale);
        let path = req.uri().path().to_string();
        match crate::dashboard::tokens::authenticate(&app, &t, req.method(), &path, secret).await {
            Ok((u, auth)) => {
                viewer = Some(u);
                req.extensions_mut().insert(auth);
            }
            Err(refused) => return refused,
        }
    }
    req.extensions_mut().insert(crate::authz::Viewer(viewer));
    req.extensions_mut()
        .insert(Tr::new(app.i18n.clone(), locale));
    let htmx = HtmxInfo::from_headers(req.headers());
    let current = req
        .headers()
        .get("hx-current-url")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);

    let mut res = next.run(req).await;

    if let Some(page) = res.extensions().get::<ErrorPage>().copied() {
        let status = res.status();
        let t = Tr::new(app.i18n.clone(), locale);
        let school = match app.settings.school(&app.db).await {
            Ok(s) => s.name,
            Err(_) => "Suku".into(),
        };
        let tpl = ErrorTpl {
            title: t.t(format!("error-title-{}", status.as_u16())),
            message: t.t(page.key),
            status: status.as_u16(),
            school,
            fragment: htmx.wants_fragment(),
            t,
        };
        let extensions = std::mem::take(res.extensions_mut());
        res = match tpl.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(e) => {
                tracing::error!(error = ?e, "error page render failed");
                status.into_response()
            }
        };
        // The route's access rule (and whatever else rode on the response) stays on it.
        res.extensions_mut().extend(extensions);
    }

    if htmx.request
        && res.status() == StatusCode::SEE_OTHER
        && let Some(loc) = res.headers().get(header::LOCATION).cloned()
    {
        let mut r = StatusCode::OK.into_response();
        // htmx follows HX-Redirect by setting the address; to the same page with only a
        // "#part" added, a browser just scrolls, and the page (with its message) is never
        // asked for again. Such a redirect also reloads.
        let same_page = loc
            .to_str()
            .ok()
            .zip(current.as_deref())
            .is_some_and(|(to, from)| only_fragment_differs(from, to));
        r.headers_mut().insert("HX-Redirect", loc);
        if same_page {
            r.headers_mut()
                .insert("HX-Refresh", HeaderValue::from_static("true"));
        }
        res = r;
    }
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Request"));
    res
}

/// Whether going from the page `from` (an absolute address, as htmx's `HX-Current-URL`
/// gives it) to `to` (a path of this site with a `#part`) stays on the same document, where
/// a browser only scrolls.
fn only_fragment_differs(from: &str, to: &str) -> bool {
    let Some((to_page, _)) = to.split_once('#') else {
        return false;
    };
    let from_path = match from.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => from,
    };
    let from_page = from_path.split_once('#').map_or(from_path, |(p, _)| p);
    from_page == to_page
}

#[cfg(test)]
mod tests {
    use super::only_fragment_differs;

    #[test]
    fn a_redirect_to_a_part_of_the_same_page_is_told_apart() {
        let from = "http://127.0.0.1:8080/parent/enfants/3";
        assert!(only_fragment_differs(from, "/parent/enfants/3#absences"));
        assert!(only_fragment_differs(
            "https://ecole.tg/parent/enfants/3#marks",
            "/parent/enfants/3#absences"
        ));
        assert!(!only_fragment_differs(from, "/parent/enfants/3"));
        assert!(!only_fragment_differs(from, "/parent/enfants/4#absences"));
        assert!(!only_fragment_differs(
            "http://127.0.0.1:8080/parent",
            "/parent/enfants/3#absences"
        ));
        assert!(!only_fragment_differs(
            "http://127.0.0.1:8080/parent/enfants/3?periode=2",
            "/parent/enfants/3#absences"
        ));
    }
}

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
    let htmx = HtmxInfo::from_headers(req.headers());

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
        res = match tpl.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(e) => {
                tracing::error!(error = ?e, "error page render failed");
                status.into_response()
            }
        };
    }

    if htmx.request
        && res.status() == StatusCode::SEE_OTHER
        && let Some(loc) = res.headers().get(header::LOCATION).cloned()
    {
        let mut r = StatusCode::OK.into_response();
        r.headers_mut().insert("HX-Redirect", loc);
        res = r;
    }
    res.headers_mut()
        .append(header::VARY, HeaderValue::from_static("HX-Request"));
    res
}

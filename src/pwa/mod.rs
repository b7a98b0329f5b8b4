//! The installable app shell: manifest, service worker and offline page.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

use crate::app::AppState;
use crate::error::AppResult;
use crate::i18n::{Locale, Tr};
use crate::web::{Ctx, html};

/// Routes of the app shell.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/hors-ligne", get(offline))
}

/// The manifest needs no session: it is fetched by the browser on every page.
async fn manifest(
    State(app): State<AppState>,
    Extension(locale): Extension<Locale>,
) -> AppResult<Response> {
    let t = &Tr::new(app.i18n.clone(), locale);
    let school = app.settings.school(&app.db).await?;
    let body = serde_json::json!({
        "name": school.name,
        "short_name": "Suku",
        "description": t.t("app-description"),
        "lang": t.locale.code(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
        ],
        "shortcuts": [
            {"name": t.t("portal-parent"), "url": "/parent"},
            {"name": t.t("portal-student"), "url": "/eleve"},
            {"name": t.t("portal-teacher"), "url": "/enseignant"},
            {"name": t.t("portal-admin"), "url": "/admin"}
        ]
    });
    Ok((
        [(header::CONTENT_TYPE, "application/manifest+json")],
        body.to_string(),
    )
        .into_response())
}

/// The service worker must be served from the root so that its scope is the whole portal.
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/sw.js"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "pwa/offline.html")]
struct Offline<'a> {
    ctx: &'a Ctx,
}

async fn offline(ctx: Ctx) -> AppResult<Response> {
    html(&Offline { ctx: &ctx })
}

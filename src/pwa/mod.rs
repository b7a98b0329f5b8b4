//! The installable app shell: manifests (one per portal), service worker, offline page
//! and the favicon.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

use crate::app::AppState;
use crate::auth::Portal;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::i18n::{Locale, Tr};
use crate::web::{Ctx, html};

/// Routes of the app shell.
pub fn router() -> Router<AppState> {
    // What a browser fetches to install the app and to work offline, before anyone logs in.
    let public = Rule::Public;
    Router::new()
        .route("/manifest.webmanifest", get(manifest).allow(public))
        .route("/manifest/{portal}", get(portal_manifest).allow(public))
        .route("/favicon.ico", get(favicon).allow(public))
        .route("/sw.js", get(service_worker).allow(public))
        .route("/hors-ligne", get(offline).allow(public))
}

/// The manifest a page links to: its portal's for a signed-in user (the app installed
/// from a parent's phone opens on the parent's home, with the parent's shortcuts), the
/// plain one before login. Browsers fetch manifests without cookies, so the choice is made
/// by the page (the layout), not by reading the session here.
pub fn href(portal: Option<Portal>) -> String {
    match portal {
        Some(p) => format!("/manifest/{}", slug(p)),
        None => "/manifest.webmanifest".into(),
    }
}

fn slug(p: Portal) -> &'static str {
    p.home().trim_start_matches('/')
}

/// The places a portal's installed app offers from its icon: pages every holder of the
/// portal's roles may open (the administration's shortcuts avoid pages of one role only).
fn shortcuts(p: Portal) -> &'static [(&'static str, &'static str)] {
    match p {
        Portal::Student => &[
            ("/progression", "nav-progress"),
            ("/classements", "nav-boards"),
            ("/messages", "nav-messages"),
            ("/annonces", "nav-announcements"),
        ],
        Portal::Teacher => &[
            ("/messages", "nav-messages"),
            ("/annonces", "nav-announcements"),
            ("/classements", "nav-boards"),
        ],
        Portal::Parent => &[
            ("/messages", "nav-messages"),
            ("/annonces", "nav-announcements"),
            ("/classements", "nav-boards"),
        ],
        Portal::Admin => &[
            ("/admin/eleves", "nav-students"),
            ("/admin/classes", "nav-classes"),
            ("/messages", "nav-messages"),
            ("/annonces", "nav-announcements"),
        ],
    }
}

async fn manifest_for(
    app: &AppState,
    locale: Locale,
    portal: Option<Portal>,
) -> AppResult<Response> {
    let t = &Tr::new(app.i18n.clone(), locale);
    let school = app.settings.school(&app.db).await?;
    let start = portal.map_or("/", |p| p.home());
    let mut body = serde_json::json!({
        "id": start,
        "name": school.name,
        "short_name": "Suku",
        "description": t.t("app-description"),
        "lang": t.locale.code(),
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
        ],
    });
    if let Some(p) = portal {
        body["name"] = format!("{} · {}", school.name, t.t(p.label_key())).into();
        // The widgets first, each on its own page (to pin, and to open from the icon).
        let widgets = crate::dashboard::cards::installable(p)
            .iter()
            .take(2)
            .map(|k| {
                let url = match p {
                    Portal::Admin => format!("/tableau/widgets/{}/page", k.code()),
                    _ => crate::dashboard::cards::data_url(p, *k)
                        .replace("/api/widgets/", "/tableau/widgets/")
                        .replace('?', "/page?"),
                };
                serde_json::json!({"name": t.t(k.title_key()), "url": url})
            });
        body["shortcuts"] = widgets
            .chain(
                shortcuts(p)
                    .iter()
                    .map(|(url, key)| serde_json::json!({"name": t.t(key), "url": url})),
            )
            .collect();
        body["widgets"] = crate::dashboard::cards::manifest_widgets(t, p).into();
    }
    Ok((
        [(header::CONTENT_TYPE, "application/manifest+json")],
        body.to_string(),
    )
        .into_response())
}

/// The manifest of the login page: the app opens on `/`, which leads to the login or home.
async fn manifest(
    State(app): State<AppState>,
    Extension(locale): Extension<Locale>,
) -> AppResult<Response> {
    manifest_for(&app, locale, None).await
}

/// A portal's manifest (`/manifest/parent`): it opens on that portal's home.
async fn portal_manifest(
    State(app): State<AppState>,
    Extension(locale): Extension<Locale>,
    axum::extract::Path(portal): axum::extract::Path<String>,
) -> AppResult<Response> {
    let p = [
        Portal::Student,
        Portal::Teacher,
        Portal::Parent,
        Portal::Admin,
    ]
    .into_iter()
    .find(|p| slug(*p) == portal)
    .ok_or(AppError::NotFound)?;
    manifest_for(&app, locale, Some(p)).await
}

/// The school's icon for browsers that ask `/favicon.ico` whatever the page says: the
/// app's 192 px icon, wrapped in an ICO file (an ICO may hold a PNG as it is).
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ico(include_bytes!("../../static/icons/icon-192.png"), 192),
    )
        .into_response()
}

/// An ICO file holding one square PNG of `size` pixels (at most 256).
fn ico(png: &[u8], size: u32) -> Vec<u8> {
    let side = if size >= 256 { 0 } else { size as u8 };
    let mut out = Vec::with_capacity(22 + png.len());
    out.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&[side, side, 0, 0]);
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&32u16.to_le_bytes());
    out.extend_from_slice(&(png.len() as u32).to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes());
    out.extend_from_slice(png);
    out
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

//! The application: shared state, the router assembled from the feature routers, the layers.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::store::SqlStore;
use crate::authz::{Allow, Rule};
use crate::config::Config;
use crate::db::Pool;
use crate::i18n::I18n;
use crate::settings::Settings;

/// What every handler can reach; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database pool.
    pub db: Pool,
    pub config: Arc<Config>,
    /// The translation catalogs.
    pub i18n: Arc<I18n>,
    /// Cached school settings.
    pub settings: Settings,
    /// Where uploaded and generated files are kept.
    pub files: crate::files::Files,
    /// Pushes to connected browsers (Socket.IO).
    pub realtime: crate::realtime::Hub,
    /// The mobile money provider, if the school has one.
    pub momo: Option<Arc<dyn crate::mobile_money::Provider>>,
    /// The SMS provider, if the school has one.
    pub sms: Option<Arc<dyn crate::sms::Sender>>,
    /// Leaderboards computed lately.
    pub boards: crate::gamification::boards::Cache,
    /// Dashboards computed lately.
    pub analytics: crate::analytics::Cache,
    /// Pages kept while the data under them has not changed.
    pub pages: crate::web::page_cache::PageCache,
    /// Turns for the heaviest pages.
    pub heavy: crate::web::Heavy,
    /// Turns for reading uploaded files (CPU work, off the async threads).
    pub uploads: crate::web::Heavy,
    /// What time it is at the school (tests start it on a fixed day).
    pub clock: crate::clock::Clock,
    /// Wakes this process's job runner.
    pub jobs: crate::jobs::Waker,
    /// The assistant's HTTP client for its language model (connections kept between
    /// answers).
    pub llm: reqwest::Client,
}

impl AppState {
    /// Builds the state on an open pool.
    pub fn new(db: Pool, config: Config) -> anyhow::Result<Self> {
        let files = crate::files::from_config(&config)?;
        let clock = config.clock.clone().unwrap_or_default();
        let momo = crate::mobile_money::from_config(&config, &db, &clock)?;
        let sms = crate::sms::provider::from_config(&config.sms)?;
        Ok(AppState {
            sms,
            boards: Default::default(),
            analytics: Default::default(),
            pages: Default::default(),
            heavy: Default::default(),
            uploads: crate::web::Heavy::per_core(1),
            clock,
            jobs: Default::default(),
            momo,
            db,
            config: Arc::new(config),
            i18n: Arc::new(I18n::load()?),
            files,
            settings: Settings::default(),
            realtime: crate::realtime::Hub::default(),
            llm: crate::assistant::llm::http_client(),
        })
    }
}

/// Every kind of job this program runs.
pub fn jobs() -> crate::jobs::Registry {
    crate::jobs::Registry::default()
        .with(crate::bulletins::school::SchoolResults)
        .with(crate::bulletins::pdf::SchoolBulletins)
        .with(crate::certificates::routes::ClassDocuments)
        .with(crate::workflows::RunJob)
        .with(crate::timetable::GenerateJob)
        .with(crate::export::routes::TemplateExport)
        .with(crate::courses::video::transcode::TranscodeJob)
        .with(crate::import::StudentsImport)
        .with(crate::mobile_money::reconcile::Check)
        .with(crate::mobile_money::reconcile::Start)
        .with(crate::prediction::train::TrainJob)
}

/// The whole application as a router, ready to serve or to call in tests (one node).
pub fn router(state: AppState) -> Router {
    router_with(state, None)
}

/// The application, its real-time hub joined to the other nodes through `cluster` if given.
pub fn router_with(state: AppState, cluster: Option<crate::realtime::Cluster>) -> Router {
    let store = SqlStore::new(state.db.clone());
    let sessions = SessionManagerLayer::new(store)
        .with_name("suku_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            state.config.session_idle_minutes,
        )));

    let pages = Router::new()
        .merge(crate::auth::router())
        .merge(crate::portals::router())
        .merge(crate::dashboard::router())
        .merge(crate::assistant::router())
        .merge(crate::grades::router())
        .merge(crate::bulletins::router())
        .merge(crate::attendance::router())
        .merge(crate::fees::router())
        .merge(crate::jobs::router())
        .merge(crate::import::router())
        .merge(crate::announcements::router())
        .merge(crate::lessons::router())
        .merge(crate::courses::router())
        .merge(crate::timetable::router())
        .merge(crate::conduct::router())
        .merge(crate::certificates::router())
        .merge(crate::workflows::router())
        .merge(crate::sms::router())
        .merge(crate::council::router())
        .merge(crate::files::router())
        .merge(crate::chat::router())
        .merge(crate::notifications::router())
        .merge(crate::mobile_money::router())
        .merge(crate::gamification::router())
        .merge(crate::analytics::router())
        .merge(crate::prediction::router())
        .merge(crate::export::router())
        .merge(crate::pwa::router())
        .merge(crate::admin::router())
        .fallback(not_found)
        .layer(middleware::from_fn(crate::web::csrf::guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::web::layer::web,
        ));
    // Socket.IO answers its own path, behind the session (its handshake is authenticated by
    // the session cookie) and before the CSRF guard (its polling transport posts without a
    // form token; it checks the Origin instead).
    let pages = crate::realtime::attach(&state, pages, cluster)
        .layer(sessions)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    // Vendored and our own assets never change under the same URL within a release:
    // vendored files carry their version in the path, ours a `?v=` of the crate version.
    let statics = Router::new()
        .nest_service("/static", ServeDir::new(static_dir()))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ));

    let x_request_id = HeaderName::from_static("x-request-id");
    // Over https, browsers are told to come back over https only (a year, as HSTS advises).
    let hsts = state.config.secure_cookies().then(|| {
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        )
    });
    Router::new()
        .route("/healthz", get(healthz).allow(Rule::Public))
        .route("/readyz", get(readyz).allow(Rule::Public))
        .merge(crate::mobile_money::webhooks())
        .merge(statics)
        .merge(pages)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                        let id = req
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
                    }),
                )
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Duration::from_secs(30),
                ))
                .layer(RequestBodyLimitLayer::new(6 * 1024 * 1024))
                .layer(CompressionLayer::new())
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("x-content-type-options"),
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("x-frame-options"),
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("referrer-policy"),
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    HeaderName::from_static("permissions-policy"),
                    HeaderValue::from_static(PERMISSIONS_POLICY),
                ))
                .option_layer(hsts),
        )
}

/// What a page may load and run: only this site's own files, no inline script, no inline
/// style, no plugin, not framed. A script that got into a page (a name, a message) finds
/// nothing to run it. Socket.IO connects to this site (`'self'` covers its WebSocket).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; \
    media-src 'self' blob:; worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; \
    base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Browser features the portal never uses stay off, for every page and what it embeds.
/// Only features browsers know: an unknown one (`bluetooth`) is a warning in every
/// page's console and turns nothing off.
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), \
    usb=(), serial=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()";

/// Where static files are: next to the binary's working directory, or `SUKU_STATIC_DIR`.
pub(crate) fn static_dir() -> String {
    std::env::var("SUKU_STATIC_DIR").unwrap_or_else(|_| {
        let here = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
        if std::path::Path::new("static").is_dir() {
            "static".into()
        } else {
            here.into()
        }
    })
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&app.db).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

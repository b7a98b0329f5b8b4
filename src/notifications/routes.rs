//! The notification centre, the bell, and each person's choices (kinds × channels, quiet
//! hours).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::repo::{self, Row};
use super::{CHANNELS, KINDS, hhmm, parse_hhmm, push};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Routes of notifications.
pub fn router() -> Router<AppState> {
    // Each user's own notifications, preferences and devices.
    let user = Rule::SignedIn;
    Router::new()
        .route("/notifications", get(index).allow(user))
        .route("/notifications/cloche", get(bell).allow(user))
        .route("/notifications/lues", post(read_all).allow(user))
        .route("/notifications/{id}", get(open).allow(user))
        .route(
            "/compte/notifications",
            get(prefs).post(save_prefs).allow(user),
        )
        .route("/compte/appareils", post(add_device).allow(user))
        .route("/compte/appareils/retrait", post(remove_device).allow(user))
}

#[derive(Template)]
#[template(path = "notifications/index.html")]
struct Index<'a> {
    ctx: &'a Ctx,
    rows: Vec<Row>,
}

impl Index<'_> {
    fn text(&self, r: &Row) -> String {
        let args: serde_json::Value = serde_json::from_str(&r.args).unwrap_or_default();
        self.ctx.t.tj(&r.text_key, &args)
    }
}

async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let rows = repo::latest(&app.db, u.id).await?;
    html(&Index { ctx: &ctx, rows })
}

/// The bell's count, as a fragment (refreshed by htmx when the socket rings).
async fn bell(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let n = super::unread(&app.db, u.id).await?;
    html(&Bell { ctx: &ctx, n })
}

/// The bell in the header.
#[derive(Template)]
#[template(path = "notifications/_bell.html")]
pub struct Bell<'a> {
    pub ctx: &'a Ctx,
    pub n: i64,
}

/// Opens a notification: marks it read and goes where it leads. Only one's own.
async fn open(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let link = repo::link(&app.db, id, u.id)
        .await?
        .ok_or(AppError::NotFound)?;
    repo::mark_read(&app.db, id, ctx.now).await?;
    app.realtime.to_user(
        u.id,
        "notification",
        &serde_json::json!({ "unread": super::unread(&app.db, u.id).await? }),
    );
    // Links are written by the notifier and always start with "/": never another site.
    Ok(redirect(
        if link.starts_with('/') && !link.starts_with("//") {
            &link
        } else {
            "/notifications"
        },
    ))
}

async fn read_all(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    repo::mark_all_read(&app.db, u.id, ctx.now).await?;
    app.realtime
        .to_user(u.id, "notification", &serde_json::json!({ "unread": 0 }));
    Ok(redirect("/notifications"))
}

#[derive(Template)]
#[template(path = "notifications/prefs.html")]
struct Prefs<'a> {
    ctx: &'a Ctx,
    kinds: &'static [&'static str],
    channels: Vec<&'static str>,
    on: HashMap<String, bool>,
    quiet_start: String,
    quiet_end: String,
    errors: FormErrors,
    /// The school's VAPID public key, for this browser to subscribe with.
    push_key: String,
    /// This person's subscribed devices.
    devices: i64,
}

impl Prefs<'_> {
    fn is_on(&self, kind: &str, channel: &str) -> bool {
        self.on
            .get(&format!("{kind}.{channel}"))
            .copied()
            .unwrap_or(channel == "in_app")
    }
}

/// The channels this server can deliver through (Web Push always: the key is made when
/// not configured).
fn channels(app: &AppState) -> Vec<&'static str> {
    CHANNELS
        .iter()
        .copied()
        .filter(|c| *c != "email" || app.config.smtp_url.is_some())
        .filter(|c| *c != "sms" || app.sms.is_some())
        .collect()
}

async fn prefs_page<'a>(app: &AppState, ctx: &'a Ctx) -> AppResult<Prefs<'a>> {
    let u = ctx.user()?;
    let rows = repo::prefs(&app.db, u.id).await?;
    let quiet = repo::quiet_hours(&app.db, u.id).await?;
    Ok(Prefs {
        ctx,
        kinds: &KINDS,
        channels: channels(app),
        on: rows
            .into_iter()
            .map(|(k, c, e)| (format!("{k}.{c}"), e))
            .collect(),
        quiet_start: quiet.map(|q| hhmm(q.0)).unwrap_or_default(),
        quiet_end: quiet.map(|q| hhmm(q.1)).unwrap_or_default(),
        errors: FormErrors::default(),
        push_key: push::public_key(&push::key_pair(app).await?),
        devices: push::devices(&app.db, u.id).await?,
    })
}

async fn prefs(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    html(&prefs_page(&app, &ctx).await?)
}

async fn save_prefs(
    State(app): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let (start, end) = (field("quiet_start"), field("quiet_end"));
    let mut page = prefs_page(&app, &ctx).await?;
    let quiet = match (start.as_str(), end.as_str()) {
        ("", "") => None,
        (s, e) => match (parse_hhmm(s), parse_hhmm(e)) {
            (Some(s), Some(e)) if s != e => Some((s, e)),
            (a, b) => {
                if a.is_none() {
                    page.errors.add("quiet_start", ctx.t.t("error-time"));
                }
                if b.is_none() {
                    page.errors.add("quiet_end", ctx.t.t("error-time"));
                }
                if a.is_some() && a == b {
                    page.errors.add("quiet_end", ctx.t.t("error-quiet-same"));
                }
                None
            }
        },
    };
    if !page.errors.is_empty() {
        page.quiet_start = start;
        page.quiet_end = end;
        return html_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    for kind in KINDS {
        for channel in &page.channels {
            let on = form
                .iter()
                .any(|(k, v)| k == "on" && *v == format!("{kind}.{channel}"));
            repo::set_pref(&mut *tx, u.id, kind, channel, on).await?;
        }
    }
    repo::set_quiet_hours(&mut tx, u.id, quiet).await?;
    tx.commit().await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/compte/notifications").into_response())
}

/// The session remembers the device it subscribed, to forget it at logout.
pub const DEVICE_KEY: &str = "push_device";

/// A browser subscribes this device (the fields of `PushSubscription.toJSON()`).
async fn add_device(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let device = match push::check(
        field("endpoint"),
        field("p256dh"),
        field("auth"),
        app.config.push_allow_http,
    ) {
        Ok(d) => d,
        Err(why) => {
            let key = match why {
                push::Refused::Endpoint => "error-push-endpoint",
                push::Refused::Keys => "error-push-keys",
            };
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, ctx.t.t(key)).into_response());
        }
    };
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let id = push::subscribe(&app.db, u.id, &device, agent, ctx.now).await?;
    ctx.session.insert(DEVICE_KEY, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// Forgets this device (its endpoint), or every device of this person.
async fn remove_device(
    State(app): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    if form.get("all").is_some_and(|v| v == "1") {
        repo::forget_devices(&app.db, u.id).await?;
        ctx.flash("success", "notif-devices-removed").await?;
        return Ok(redirect("/compte/notifications"));
    }
    let endpoint = form.get("endpoint").map(String::as_str).unwrap_or("");
    push::unsubscribe(&app.db, u.id, None, Some(endpoint)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

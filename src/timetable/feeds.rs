//! iCalendar subscriptions: a person creates a secret link to their week (or a child's),
//! sees when it was last read, and revokes it; calendar apps fetch it without a session.

use axum::Router;
use axum::extract::{Form, Path, State as AxState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{View, ical, repo};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/emploi-du-temps/calendrier",
            post(create).allow(Rule::SignedIn),
        )
        .route(
            "/emploi-du-temps/calendrier/revocation",
            post(revoke).allow(Rule::SignedIn),
        )
        // The token is the credential: calendar apps carry no session.
        .route("/calendrier/{token}", get(feed).allow(Rule::Public))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FeedForm {
    #[serde(default)]
    pub student: Option<i64>,
}

/// The week page the feed belongs to.
fn week_href(u: &CurrentUser, student: Option<i64>) -> String {
    match (u.active_portal(), student) {
        (Portal::Parent, Some(s)) => format!("/parent/enfants/{s}/emploi-du-temps"),
        (Portal::Student, _) => "/eleve/emploi-du-temps".into(),
        _ => "/enseignant/emploi-du-temps".into(),
    }
}

/// Whose week a feed of `u` may follow: a student's (their own, or a child's) or, for a
/// teacher, their own (`None`).
async fn check(app: &AppState, u: &CurrentUser, student: Option<i64>) -> AppResult<Option<i64>> {
    match (u.active_portal(), student) {
        (Portal::Student, _) => {
            let s = crate::school::student_by_user(&app.db, u.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(Some(s.id))
        }
        (Portal::Parent, Some(s)) => {
            authz::require(authz::is_guardian_of(&app.db, u, s).await?)?;
            Ok(Some(s))
        }
        (Portal::Teacher, None) => Ok(None),
        _ => Err(AppError::Forbidden),
    }
}

async fn create(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    Form(f): Form<FeedForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = check(&app, u, f.student).await?;
    let (token, hash) = ical::new_token();
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::insert_feed(&mut tx, u.id, student, &hash, ctx.now).await?;
    tx.commit().await?;
    // The link is shown once: only its hash is kept.
    let link = format!(
        "{}/calendrier/{token}.ics",
        app.config.public_url.trim_end_matches('/')
    );
    ctx.flash_text("success", ctx.t.t1("timetable-feed-created", "link", link))
        .await?;
    Ok(redirect(&format!("{}#calendrier", week_href(u, f.student))))
}

async fn revoke(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    Form(f): Form<FeedForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = check(&app, u, f.student).await?;
    repo::revoke_feeds(&app.db, u.id, student, ctx.now).await?;
    ctx.flash("success", "timetable-feed-revoked").await?;
    Ok(redirect(&format!("{}#calendrier", week_href(u, f.student))))
}

/// The feed, for a live token whose owner may still see the week; 404 otherwise.
async fn feed(AxState(app): AxState<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let (id, user, student) = repo::live_feed(&app.db, &ical::hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let year = crate::school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (view, name) = match student {
        Some(s) => {
            if !authz::may_follow_student(&app.db, user, s).await? {
                return Err(AppError::NotFound);
            }
            let class = repo::class_of_student(&app.db, s, year.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let name = crate::school::class(&app.db, class)
                .await?
                .map(|c| c.name)
                .unwrap_or_default();
            (View::Class(class), name)
        }
        None => (
            View::Teacher(user),
            crate::school::user_name(&app.db, user)
                .await?
                .unwrap_or_default(),
        ),
    };
    let now = app.clock.now();
    repo::touch_feed(&app.db, id, now).await?;
    let (lessons, version) = match repo::published(&app.db, year.id).await? {
        Some(t) => (repo::lessons_of(&app.db, t.id, view).await?, t.id),
        None => (Vec::new(), 0),
    };
    let periods = repo::periods(&app.db).await?;
    let (starts, ends) = repo::year_span(&app.db, year.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = now.date_naive().max(starts);
    let body = ical::calendar(&name, version, &lessons, &periods, from, ends, now);
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response())
}

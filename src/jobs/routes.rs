//! The progress component: one page per job, refreshed by htmx every second while the job
//! runs (and by a plain refresh without JavaScript), with a cancel button.

use crate::jobs::JobState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::JobView;
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, redirect};

/// Routes of the progress component.
pub fn router() -> Router<AppState> {
    // A job is followed by whoever started it (and the director): checked per job.
    Router::new()
        .route("/taches/{id}", get(show).allow(Rule::SignedIn))
        .route(
            "/taches/{id}/annulation",
            post(cancel).allow(Rule::SignedIn),
        )
}

#[derive(Template)]
#[template(path = "jobs/progress.html", blocks = ["bar"])]
struct Progress<'a> {
    ctx: &'a Ctx,
    job: JobView,
}

/// The user who started a job follows it; the director sees every job.
pub(crate) fn may_follow(u: &CurrentUser, job: &JobView) -> bool {
    job.created_by == Some(u.id) || u.has(Role::Director)
}

async fn load(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<JobView> {
    let u = ctx.user()?;
    let job = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    authz::require(may_follow(u, &job))?;
    Ok(job)
}

async fn show(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let job = load(&app, &ctx, id).await?;
    let tpl = Progress { ctx: &ctx, job };
    if ctx.htmx.wants_fragment() {
        let mut res = axum::response::Html(tpl.as_bar().render()?).into_response();
        crate::web::vary_htmx(&mut res);
        return Ok(res);
    }
    html(&tpl)
}

async fn cancel(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    load(&app, &ctx, id).await?;
    super::repo::cancel(&app.db, id).await?;
    ctx.flash("success", "job-cancel-asked").await?;
    Ok(redirect(&format!("/taches/{id}")))
}

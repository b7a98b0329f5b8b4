//! Each person's published week: the student's, the teacher's, a parent's child's; printed
//! or exported.

use axum::extract::{Query, State as AxState};
use axum::response::Response;

use super::View;
use super::repo;
use super::views::{GridPart, MinePage, Pick};
use super::week::Week;
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::school;
use crate::web::{Ctx, PathId, html};

/// One person's published week, read-only.
async fn week_page(
    app: &AppState,
    ctx: &Ctx,
    view: View,
    title: String,
    children: Vec<Pick>,
    feed_student: Option<i64>,
    format: Option<crate::export::Format>,
) -> AppResult<Response> {
    let year = super::routes::year_id(app).await?;
    let grid = match repo::published(&app.db, year).await? {
        Some(t) => {
            let lessons = repo::lessons_of(&app.db, t.id, view).await?;
            let periods = repo::periods(&app.db).await?;
            let closed = repo::closed(&app.db).await?;
            Some(GridPart {
                ctx,
                t_id: t.id,
                editable: false,
                view,
                view_key: super::routes::view_key(view),
                title: title.clone(),
                week: Week::new(&periods, &closed, &lessons),
                refused: Vec::new(),
                moved: false,
                rooms: Vec::new(),
            })
        }
        None => None,
    };
    if let Some(format) = format {
        let g = grid.as_ref().ok_or(AppError::NotFound)?;
        return send_week(ctx, g, format).await;
    }
    let feed = repo::feed_status(&app.db, ctx.user_id(), feed_student).await?;
    html(&MinePage {
        ctx,
        grid,
        children,
        feed_student,
        feed,
    })
}

/// A week through the export engine: A4 landscape for the PDF.
pub(super) async fn send_week(
    ctx: &Ctx,
    g: &GridPart<'_>,
    format: crate::export::Format,
) -> AppResult<Response> {
    let title = ctx.t.t1("timetable-export-title", "name", &g.title);
    let table = g.week.table(&ctx.t, title, ctx.school.name.clone(), g.view);
    let mut frame = crate::export::frame(ctx).await;
    frame.orientation = crate::export::Orientation::Landscape;
    crate::export::send_table(table, format, ctx, frame).await
}

pub(super) async fn student_week(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    Query(q): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Student)?;
    let student = school::student_by_user(&app.db, u.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let year = super::routes::year_id(&app).await?;
    let class = repo::class_of_student(&app.db, student.id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = school::class(&app.db, class)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    week_page(
        &app,
        &ctx,
        View::Class(class),
        name,
        Vec::new(),
        Some(student.id),
        q.format()?,
    )
    .await
}

pub(super) async fn teacher_week(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    Query(q): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let name = u.display_name();
    week_page(
        &app,
        &ctx,
        View::Teacher(u.id),
        name,
        Vec::new(),
        None,
        q.format()?,
    )
    .await
}

pub(super) async fn child_week(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    authz::require(authz::is_guardian_of(&app.db, u, id).await?)?;
    let year = super::routes::year_id(&app).await?;
    let class = repo::class_of_student(&app.db, id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    let children: Vec<Pick> = school::children(&app.db, u.id)
        .await?
        .into_iter()
        .map(|c| {
            (
                format!("/parent/enfants/{}/emploi-du-temps", c.id),
                c.first_name,
            )
        })
        .collect();
    let student = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let class_name = school::class(&app.db, class)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let title = format!("{} · {}", student.first_name, class_name);
    week_page(
        &app,
        &ctx,
        View::Class(class),
        title,
        children,
        Some(id),
        q.format()?,
    )
    .await
}

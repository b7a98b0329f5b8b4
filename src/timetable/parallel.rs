//! Parallel groups on the censeur's screen: courses (a class's subject) taught at the same
//! hours, the options of a class (allemand or espagnol) or a subject in several classes.

use axum::Router;
use axum::extract::State as AxState;
use axum::response::Response;
use axum::routing::post;

use super::build::Inputs;
use super::repo;
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, redirect};

const ANCHOR: &str = "/admin/emplois-du-temps/donnees#paralleles";
/// Members a group may have on the form.
pub const MEMBERS: usize = 4;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/emplois-du-temps/paralleles",
            post(add).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/emplois-du-temps/paralleles/{id}/suppression",
            post(remove).allow(Rule::DIRECTOR),
        )
}

/// A group as listed: its courses in words.
#[derive(Clone, Debug)]
pub struct ParallelLine {
    pub id: i64,
    pub text: String,
}

pub fn lines(inputs: &Inputs, subjects: &[crate::school::Choice]) -> Vec<ParallelLine> {
    let mut out: Vec<ParallelLine> = Vec::new();
    for r in &inputs.parallel {
        let class = inputs
            .classes
            .iter()
            .find(|c| c.id == r.class_id)
            .map(|c| c.name.as_str())
            .unwrap_or_default();
        let subject = subjects
            .iter()
            .find(|s| s.id == r.subject_id)
            .map(|s| s.name.as_str())
            .unwrap_or_default();
        let course = format!("{subject} · {class}");
        match out.last_mut() {
            Some(line) if line.id == r.group_id => {
                line.text.push_str(" ‖ ");
                line.text.push_str(&course);
            }
            _ => out.push(ParallelLine {
                id: r.group_id,
                text: course,
            }),
        }
    }
    out
}

/// A new group: `class_N` and `subject_N` for N = 1..4, the empty pairs left out.
async fn add(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let get = |k: String| {
        f.iter()
            .find(|(x, _)| *x == k)
            .and_then(|(_, v)| v.trim().parse::<i64>().ok())
    };
    let mut errors = FormErrors::default();
    let mut members: Vec<(i64, i64)> = Vec::new();
    for n in 1..=MEMBERS {
        match (get(format!("class_{n}")), get(format!("subject_{n}"))) {
            (Some(c), Some(s)) => {
                if !members.contains(&(c, s)) {
                    members.push((c, s));
                }
            }
            (None, None) => {}
            _ => errors.add("parallel", ctx.t.t("timetable-error-parallel-pair")),
        }
    }
    if members.len() < 2 {
        errors.add("parallel", ctx.t.t("timetable-error-parallel-two"));
    }
    let year = crate::school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let inputs = Inputs::load(&app.db, year.id).await?;
    // Each member is a course the school teaches, in no other group, and two members are
    // never taught by the same teacher (one person, one room at a time).
    let mut teachers: Vec<i64> = Vec::new();
    for &(c, s) in &members {
        let Some(a) = inputs
            .assignments
            .iter()
            .find(|a| a.class_id == c && a.subject_id == s)
        else {
            errors.add("parallel", ctx.t.t("timetable-error-parallel-course"));
            continue;
        };
        if inputs
            .parallel
            .iter()
            .any(|p| p.class_id == c && p.subject_id == s)
        {
            errors.add("parallel", ctx.t.t("timetable-error-parallel-taken"));
        }
        if teachers.contains(&a.teacher_user_id) {
            errors.add(
                "parallel",
                ctx.t.t1(
                    "timetable-error-parallel-teacher",
                    "name",
                    a.teacher.clone(),
                ),
            );
        }
        teachers.push(a.teacher_user_id);
    }
    if !errors.is_empty() {
        return super::inputs::render(&app, &ctx, None, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::insert_parallel(&mut tx, &members, ctx.now).await?;
    tx.commit().await?;
    ctx.flash("success", "timetable-saved").await?;
    Ok(redirect(ANCHOR))
}

async fn remove(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    if repo::delete_parallel(&app.db, id).await? == 0 {
        return Err(AppError::NotFound);
    }
    ctx.flash("success", "timetable-parallel-removed").await?;
    Ok(redirect(ANCHOR))
}

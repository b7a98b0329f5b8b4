//! Copying an evaluation to the teacher's other classes of the subject.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;

use super::repo::{self, NewEvaluation};
use super::routes::load_eval;
use crate::app::AppState;
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::AppResult;
use crate::web::{Ctx, PathId, redirect};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/enseignant/evaluations/{id}/copie",
        post(copy_evaluation).allow(Rule::TEACHER),
    )
}

/// Copies an evaluation (its kind, title, day, scale and weight) to other classes where the
/// teacher teaches the subject: the same devoir given to three classes is typed once. All
/// the copies are made, or none.
async fn copy_evaluation(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let eval = load_eval(&app, &ctx, id).await?;
    let u = ctx.user()?;
    let back = format!("/enseignant/evaluations/{id}");
    let targets: Vec<i64> = crate::web::form(&body)
        .into_iter()
        .filter(|(k, _)| k == "class")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|c| *c != eval.class_id)
        .collect();
    if targets.is_empty() {
        ctx.flash("error", "evaluation-copy-none").await?;
        return Ok(redirect(&back));
    }
    if eval.closed {
        ctx.flash("error", "error-period-closed").await?;
        return Ok(redirect(&back));
    }
    for c in &targets {
        authz::require(authz::can_grade(&app.db, u, *c, eval.subject_id).await?)?;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    for c in &targets {
        let new = NewEvaluation {
            class_id: *c,
            subject_id: eval.subject_id,
            period_id: eval.period_id,
            kind: eval.eval_kind(),
            title: eval.title.clone(),
            held_on: eval.held_on,
            scale: eval.scale,
            weight: eval.weight,
        };
        repo::insert_evaluation(&mut *tx, &new, u.id, ctx.now).await?;
    }
    tx.commit().await?;
    ctx.flash_text(
        "success",
        ctx.t.count("evaluation-copied", targets.len() as i64),
    )
    .await?;
    Ok(redirect(&back))
}

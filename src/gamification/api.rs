//! The gamification JSON API, for the mobile app and widgets. Authenticated by the session,
//! with the same rules as the pages: a student sees themself, a parent their children, a
//! teacher their classes, and hidden names stay hidden from other students and families.

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::boards;
use super::challenges;
use super::routes::{self as pages, BoardQuery};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::Ctx;

/// Routes of the API.
pub fn router() -> Router<AppState> {
    // A program is answered 401 in JSON, not sent to the login page.
    Router::new()
        .route("/api/gamification/points", get(points).allow(Rule::Api))
        .route("/api/gamification/classement", get(board).allow(Rule::Api))
        .route("/api/gamification/defis", get(defis).allow(Rule::Api))
        .route("/api/gamification/badges", get(badges).allow(Rule::Api))
}

/// An API error as JSON: `{"error": "...", "message": "..."}` in the user's language.
fn error(ctx: &Ctx, status: StatusCode, key: &'static str) -> Response {
    (
        status,
        Json(json!({ "error": key, "message": ctx.t.t(key) })),
    )
        .into_response()
}

/// The API answers 401 in JSON rather than sending a program to the login page.
fn person(ctx: &Ctx) -> Result<&CurrentUser, Box<Response>> {
    match &ctx.user {
        Some(u) if !u.must_change_password => Ok(u),
        _ => Err(Box::new(error(
            ctx,
            StatusCode::UNAUTHORIZED,
            "api-login-required",
        ))),
    }
}

fn denied(ctx: &Ctx, e: AppError) -> Response {
    match e {
        AppError::NotFound => error(ctx, StatusCode::NOT_FOUND, "error-not-found"),
        AppError::Forbidden => error(ctx, StatusCode::FORBIDDEN, "error-forbidden"),
        e => e.into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct StudentQuery {
    #[serde(default)]
    eleve: String,
}

/// The student asked about: `eleve` if given (checked), else the user's own (themself, or
/// the child their home opens on: [`crate::school::default_student`]).
async fn student_of(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    q: &StudentQuery,
) -> Result<crate::school::StudentRow, Box<Response>> {
    let id = if q.eleve.is_empty() {
        let own = crate::school::default_student(&app.db, u.id)
            .await
            .map_err(|e| Box::new(denied(ctx, e.into())))?;
        match own {
            Some(s) => s.id,
            None => {
                return Err(Box::new(error(
                    ctx,
                    StatusCode::BAD_REQUEST,
                    "api-eleve-required",
                )));
            }
        }
    } else {
        q.eleve
            .parse::<i64>()
            .map_err(|_| Box::new(error(ctx, StatusCode::BAD_REQUEST, "api-eleve-required")))?
    };
    pages::seen_student(&app.db, u, id)
        .await
        .map_err(|e| Box::new(denied(ctx, e)))
}

async fn points(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StudentQuery>,
) -> AppResult<Response> {
    let u = match person(&ctx) {
        Ok(u) => u,
        Err(r) => return Ok(*r),
    };
    let s = match student_of(&app, &ctx, u, &q).await {
        Ok(s) => s,
        Err(r) => return Ok(*r),
    };
    let p = pages::profile(&app, &ctx.t, s).await?;
    let history: Vec<Value> = p
        .history
        .iter()
        .map(|h| {
            json!({
                "id": h.id,
                "points": h.points,
                "positive": h.positive,
                "source": ctx.t.t(h.source_key()),
                "behaviour": h.behaviour,
                "challenge": h.challenge,
                "reason": h.reason,
                "awarded_on": h.awarded_on,
                "revoked": h.revoked,
            })
        })
        .collect();
    Ok(Json(json!({
        "student": { "id": p.student.id, "first_name": p.student.first_name, "last_name": p.student.last_name,
                     "class": p.student.class_name },
        "points": p.total,
        "points_this_week": p.week,
        "to_improve_this_period": p.to_improve,
        "level": { "rank": p.standing.rank, "name": p.standing.name, "min": p.standing.min,
                   "next_min": p.standing.next_min, "percent": p.standing.percent },
        "badges": p.badges.iter().map(|b| json!({ "id": b.id, "code": b.code, "name": b.title(&ctx.t), "icon": super::badge_icon(&b.icon), "icon_url": b.icon_src(), "awarded_on": b.awarded_on })).collect::<Vec<_>>(),
        "class_rank": p.class_rank.map(|(rank, tied, of)| json!({ "rank": rank, "tied": tied, "of": of })),
        "hides_name": p.hides_name,
        "history": history,
    }))
    .into_response())
}

async fn board(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    let u = match person(&ctx) {
        Ok(u) => u,
        Err(r) => return Ok(*r),
    };
    let classes = pages::visible_classes(&app.db, u).await?;
    let home = pages::home_class(&app.db, u).await?;
    let choice = match pages::choose(&q, &classes, home) {
        Ok(c) => c,
        Err(k) => return Ok(error(&ctx, StatusCode::BAD_REQUEST, k)),
    };
    if !pages::may_see_board(&app.db, u, choice.scope).await? {
        return Ok(error(&ctx, StatusCode::FORBIDDEN, "error-forbidden"));
    }
    let b = boards::board(
        &app.boards,
        &app.db,
        choice.kind,
        choice.window,
        choice.scope,
        ctx.today(),
    )
    .await?;
    let known = pages::known(&app.db, u).await?;
    let mine = pages::own_students(&app.db, u).await?;
    let anonymous = ctx.t.t("gam-anonymous");
    let top = crate::settings::boards(&app.db).await?.family_top();
    let lines: Vec<Value> = pages::lines_for(&b, &known, &mine, q.limit(u, top))
        .into_iter()
        .map(|l| {
            json!({
                "rank": l.rank, "tied": l.tied, "student_id": l.student_id,
                "name": l.name.unwrap_or_else(|| anonymous.clone()),
                "anonymous": l.student_id.is_none(),
                "class": l.class_name, "value": l.value, "mine": l.mine,
            })
        })
        .collect();
    Ok(Json(json!({
        "type": b.kind, "periode": b.window, "scope": b.scope,
        "from": b.from, "to": b.to, "total": b.entries.len(), "entries": lines,
    }))
    .into_response())
}

async fn defis(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = match person(&ctx) {
        Ok(u) => u,
        Err(r) => return Ok(*r),
    };
    let today = ctx.today();
    let mut out = Vec::new();
    for c in pages::challenges_for(&app.db, u).await? {
        let p = challenges::progress(&app.db, &c, today).await?;
        out.push(json!({
            "id": c.id, "title": c.title, "description": c.description, "class": c.class_name,
            "student": c.student_name, "metric": c.metric, "target": c.target, "teams": c.teams,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "state": c.state,
            "reward_points": c.reward_points, "reward_badge_id": c.reward_badge_id,
            "progress": p,
        }));
    }
    Ok(Json(json!({ "challenges": out })).into_response())
}

async fn badges(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StudentQuery>,
) -> AppResult<Response> {
    let u = match person(&ctx) {
        Ok(u) => u,
        Err(r) => return Ok(*r),
    };
    // Staff without a student asked for get the catalog alone.
    let student = if q.eleve.is_empty() && pages::own_students(&app.db, u).await?.is_empty() {
        0
    } else {
        match student_of(&app, &ctx, u, &q).await {
            Ok(s) => s.id,
            Err(r) => return Ok(*r),
        }
    };
    let list: Vec<Value> = super::repo::catalog::badges(&app.db, student)
        .await?
        .into_iter()
        .map(|b| {
            json!({
                "id": b.id, "code": b.code, "name": b.title(&ctx.t), "how": b.how(&ctx.t),
                "icon": super::badge_icon(&b.icon), "icon_url": b.icon_src(), "holders": b.holders,
                "earned": b.awarded_on.is_some(), "awarded_on": b.awarded_on,
            })
        })
        .collect();
    Ok(
        Json(json!({ "student_id": (student > 0).then_some(student), "badges": list }))
            .into_response(),
    )
}

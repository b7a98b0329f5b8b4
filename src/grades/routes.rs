//! The teacher's gradebook: evaluations of a class and subject per period, fast mark entry.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::calc::EvalKind;
use super::model::{self, MarkInput};
use super::repo::{self, EvalRow, MarkRow, NewEvaluation, PeriodRow};
use super::{MarkError, average_of, record_mark};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::school::{self, ClassRow, StudentRow};
use crate::web::{Ctx, FormErrors, PathId, PathIds, html_status, redirect};

/// Routes of the gradebook, under the teacher portal.
pub fn router() -> Router<AppState> {
    // A teacher's, each class and subject checked against their assignments.
    let teacher = Rule::TEACHER;
    Router::new()
        .route(
            "/enseignant/classes/{class}/matieres/{subject}",
            get(gradebook).post(create_evaluation).allow(teacher),
        )
        .route(
            "/enseignant/evaluations/{id}",
            get(entry).post(save_all).allow(teacher),
        )
        .route(
            "/enseignant/evaluations/{id}/import",
            post(import_marks)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::import::table::MAX_FILE + 64 * 1024,
                ))
                .allow(teacher),
        )
        .route(
            "/enseignant/evaluations/{id}/eleves/{student}",
            post(save_one).allow(teacher),
        )
        .route(
            "/enseignant/evaluations/{id}/cellules",
            post(save_cells).allow(teacher),
        )
        .merge(super::copy::router())
}

async fn grader<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    class_id: i64,
    subject_id: i64,
) -> AppResult<&'a CurrentUser> {
    let u = ctx.require(Portal::Teacher)?;
    authz::require(authz::can_grade(&app.db, u, class_id, subject_id).await?)?;
    Ok(u)
}

#[derive(Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    periode: String,
}

#[derive(Template)]
#[template(path = "grades/gradebook.html")]
struct Gradebook<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    subject_id: i64,
    subject: String,
    periods: Vec<PeriodRow>,
    period: PeriodRow,
    evals: Vec<EvalRow>,
    rows: Vec<(StudentRow, Vec<String>, Option<i64>, String)>,
    form: EvalForm,
    errors: FormErrors,
    kinds: [EvalKind; 4],
    /// Each evaluation's mean, lowest and highest score, in the order of `evals`.
    spreads: Vec<Option<super::calc::Spread>>,
}

async fn gradebook_page(
    app: &AppState,
    ctx: &Ctx,
    (class_id, subject_id): (i64, i64),
    period_id: Option<i64>,
    form: EvalForm,
    errors: FormErrors,
    export: Option<crate::export::Format>,
) -> AppResult<Response> {
    let class = school::class(&app.db, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = repo::subject_name(&app.db, subject_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let periods = repo::periods(&app.db).await?;
    let today = ctx.today();
    let period = period_id
        .and_then(|id| periods.iter().find(|p| p.id == id))
        .or_else(|| repo::default_period(&periods, today))
        .cloned()
        .ok_or(AppError::NotFound)?;
    let evals = repo::evaluations(&app.db, class_id, subject_id, period.id).await?;
    let marks = repo::marks_for(&app.db, class_id, subject_id, period.id).await?;
    let mut by_student: HashMap<i64, Vec<&MarkRow>> = HashMap::new();
    for m in &marks {
        by_student.entry(m.student_id).or_default().push(m);
    }
    let students = school::roster(&app.db, class_id).await?;
    let rule = crate::settings::grading(&app.db).await?.rule();
    if let Some(format) = export {
        // The gradebook as a file: marks as numbers on each evaluation's scale, the same
        // average as the screen.
        use crate::export::{Cell, Table};
        let t = &ctx.t;
        let mut heads = vec![t.t("name"), t.t("matricule")];
        heads.extend(
            evals
                .iter()
                .map(|e| format!("{} ({}, /{})", e.title, t.date(&e.held_on), e.scale)),
        );
        heads.push(t.t("average"));
        let mut table = Table::new(
            format!("{} · {} · {}", t.t("gradebook"), subject, class.name),
            heads,
        );
        table.subtitle = t.tn(period.label_key(), "n", period.ordinal);
        for s in &students {
            let mine = by_student.get(&s.id).cloned().unwrap_or_default();
            let mut row = vec![Cell::Text(s.list_name()), Cell::Text(s.matricule.clone())];
            for e in &evals {
                row.push(match mine.iter().find(|m| m.evaluation_id == e.id) {
                    Some(m) => match m.value() {
                        super::calc::MarkValue::Score(p) => Cell::Hundredths(p),
                        other => Cell::Text(super::model::mark_text(t, other, e.scale)),
                    },
                    None => Cell::Empty,
                });
            }
            row.push(Cell::hundredths(average_of(&evals, &mine, rule).value));
            table.push(row);
        }
        let frame = crate::export::frame(ctx).await;
        return crate::export::send_table(table, format, ctx, frame).await;
    }
    let rows = students
        .into_iter()
        .map(|s| {
            let mine = by_student.get(&s.id).cloned().unwrap_or_default();
            let cells = evals
                .iter()
                .map(|e| {
                    mine.iter()
                        .find(|m| m.evaluation_id == e.id)
                        .map(|m| m.display())
                        .unwrap_or_default()
                })
                .collect();
            let avg = average_of(&evals, &mine, rule);
            (s, cells, avg.value, avg.explanation)
        })
        .collect();
    let ids: Vec<i64> = evals.iter().map(|e| e.id).collect();
    let by_eval: HashMap<i64, super::calc::Spread> = repo::score_spread(&app.db, &ids)
        .await?
        .into_iter()
        .filter_map(|(id, sum, min, max, n)| {
            super::calc::Spread::of(sum, min, max, n, 1).map(|s| (id, s))
        })
        .collect();
    let spreads = evals.iter().map(|e| by_eval.get(&e.id).copied()).collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &Gradebook {
            spreads,
            ctx,
            class,
            subject_id,
            subject,
            periods,
            period,
            evals,
            rows,
            form,
            errors,
            kinds: [
                EvalKind::Devoir,
                EvalKind::Interrogation,
                EvalKind::Composition,
                EvalKind::Tp,
            ],
        },
    )
}

async fn gradebook(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(class_id, subject_id): PathIds,
    Query(q): Query<PeriodQuery>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    grader(&app, &ctx, class_id, subject_id).await?;
    let export = export.format()?;
    let form = EvalForm {
        held_on: ctx.today().to_string(),
        scale: "20".into(),
        weight: "1".into(),
        ..Default::default()
    };
    gradebook_page(
        &app,
        &ctx,
        (class_id, subject_id),
        q.periode.parse().ok(),
        form,
        FormErrors::default(),
        export,
    )
    .await
}

/// The new-evaluation form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EvalForm {
    #[serde(default)]
    period_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    scale: String,
    #[serde(default)]
    weight: String,
}

async fn create_evaluation(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(class_id, subject_id): PathIds,
    Form(f): Form<EvalForm>,
) -> AppResult<Response> {
    let u = grader(&app, &ctx, class_id, subject_id).await?;
    let periods = repo::periods(&app.db).await?;
    let mut errors = FormErrors::default();
    let period = f
        .period_id
        .parse::<i64>()
        .ok()
        .and_then(|id| periods.iter().find(|p| p.id == id));
    match period {
        None => errors.add("period_id", ctx.t.t("error-required")),
        Some(p) if p.closed => errors.add("period_id", ctx.t.t("error-period-closed")),
        _ => {}
    }
    let kind = EvalKind::parse(&f.kind);
    if kind.is_none() {
        errors.add("kind", ctx.t.t("error-required"));
    }
    let title = domain::required_text(&f.title, 80).unwrap_or_else(|k| {
        errors.add("title", ctx.t.t(k));
        String::new()
    });
    let held_on = domain::parse_date(&f.held_on)
        .map_err(|e| errors.add("held_on", e.message(&ctx.t)))
        .ok();
    let scale = f
        .scale
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| (1..=100).contains(s));
    if scale.is_none() {
        errors.add("scale", ctx.t.t("error-scale"));
    }
    let weight = f
        .weight
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|w| (1..=10).contains(w));
    if weight.is_none() {
        errors.add("weight", ctx.t.t("error-weight"));
    }
    let (Some(period), Some(kind), Some(held_on), Some(scale), Some(weight), true) =
        (period, kind, held_on, scale, weight, errors.is_empty())
    else {
        let pid = period.map(|p| p.id);
        return gradebook_page(&app, &ctx, (class_id, subject_id), pid, f, errors, None).await;
    };
    let new = NewEvaluation {
        class_id,
        subject_id,
        period_id: period.id,
        kind,
        title,
        held_on,
        scale,
        weight,
    };
    let id = repo::insert_evaluation(&app.db, &new, u.id, ctx.now).await?;
    ctx.flash("success", "evaluation-created").await?;
    Ok(redirect(&format!("/enseignant/evaluations/{id}")))
}

#[derive(Template)]
#[template(path = "grades/entry.html")]
struct Entry<'a> {
    ctx: &'a Ctx,
    evaluation: EvalRow,
    class: ClassRow,
    subject: String,
    rows: Vec<(StudentRow, String, Option<String>)>,
    /// Said above the column (an imported file waiting to be saved).
    notice: Option<String>,
    /// What is wrong with an imported file, line by line.
    problems: Vec<String>,
    /// The teacher's other classes of this subject, to copy the evaluation to.
    copy_to: Vec<(i64, String)>,
}

pub(super) async fn load_eval(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<EvalRow> {
    ctx.require(Portal::Teacher)?;
    let eval = repo::evaluation(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    grader(app, ctx, eval.class_id, eval.subject_id).await?;
    Ok(eval)
}

async fn entry_page(
    app: &AppState,
    ctx: &Ctx,
    eval: EvalRow,
    typed: HashMap<i64, (String, Option<String>)>,
) -> AppResult<Response> {
    entry_page_with(app, ctx, eval, typed, None, Vec::new()).await
}

async fn entry_page_with(
    app: &AppState,
    ctx: &Ctx,
    eval: EvalRow,
    typed: HashMap<i64, (String, Option<String>)>,
    notice: Option<String>,
    problems: Vec<String>,
) -> AppResult<Response> {
    let class = school::class(&app.db, eval.class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = repo::subject_name(&app.db, eval.subject_id)
        .await?
        .unwrap_or_default();
    let marks = repo::marks_of(&app.db, eval.id).await?;
    let has_errors = typed.values().any(|(_, e)| e.is_some()) || !problems.is_empty();
    let rows = school::roster(&app.db, eval.class_id)
        .await?
        .into_iter()
        .map(|s| {
            let (value, error) = typed.get(&s.id).cloned().unwrap_or_else(|| {
                let v = marks
                    .iter()
                    .find(|m| m.student_id == s.id)
                    .map(|m| m.display())
                    .unwrap_or_default();
                (v, None)
            });
            (s, value, error)
        })
        .collect();
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let copy_to = school::classes_teaching(&app.db, ctx.user()?.id, eval.subject_id)
        .await?
        .into_iter()
        .filter(|(c, _)| *c != eval.class_id)
        .collect();
    html_status(
        status,
        &Entry {
            ctx,
            copy_to,
            evaluation: eval,
            class,
            subject,
            rows,
            notice,
            problems,
        },
    )
}

/// Fills the column from a file (CSV or XLSX with a matricule and a mark per line). Nothing
/// is saved here: the teacher sees the column filled, checks it, and saves it whole; a file
/// with a wrong line fills nothing and says what is wrong, line by line.
async fn import_marks(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    mut form: axum::extract::Multipart,
) -> AppResult<Response> {
    let eval = load_eval(&app, &ctx, id).await?;
    let mut bytes = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| crate::import::table::form_error(&e))?
    {
        if field.name() == Some("file") {
            bytes = field
                .bytes()
                .await
                .map_err(|e| crate::import::table::form_error(&e))?
                .to_vec();
        }
    }
    let table = match crate::import::table::read_off_thread(&app.uploads, bytes).await? {
        Ok(t) => t,
        Err(e) => {
            let problems = vec![e.message(&ctx.t)];
            return entry_page_with(&app, &ctx, eval, HashMap::new(), None, problems).await;
        }
    };
    let key = |h: &String| crate::import::table::key(h);
    let col = |names: &[&str]| {
        table
            .header
            .iter()
            .position(|h| names.contains(&key(h).as_str()))
    };
    let (Some(mc), Some(nc)) = (
        col(&["matricule", "mat", "nmatricule"]),
        col(&["note", "notes", "mark", "points"]),
    ) else {
        let problems = vec![ctx.t.t("import-marks-columns")];
        return entry_page_with(&app, &ctx, eval, HashMap::new(), None, problems).await;
    };
    let roster = school::roster(&app.db, eval.class_id).await?;
    let mut typed = HashMap::new();
    let mut problems = Vec::new();
    for (line, cells) in &table.rows {
        let m = cells
            .get(mc)
            .map(|s| s.trim().to_uppercase())
            .unwrap_or_default();
        let v = cells
            .get(nc)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let say = |k: &str, value: &str| {
            ctx.t.tj(
                k,
                serde_json::json!({ "line": *line as i64, "value": value, "scale": eval.scale }),
            )
        };
        let Some(s) = roster.iter().find(|s| s.matricule.to_uppercase() == m) else {
            problems.push(say("import-marks-unknown", &m));
            continue;
        };
        if typed.contains_key(&s.id) {
            problems.push(say("import-marks-twice", &m));
            continue;
        }
        match model::parse_mark(&v, eval.scale) {
            Ok(_) => {
                typed.insert(s.id, (v, None));
            }
            Err(_) => problems.push(say("import-marks-bad", &v)),
        }
    }
    if !problems.is_empty() {
        return entry_page_with(&app, &ctx, eval, HashMap::new(), None, problems).await;
    }
    let notice = ctx.t.count("import-marks-ready", typed.len() as i64);
    entry_page_with(&app, &ctx, eval, typed, Some(notice), Vec::new()).await
}

async fn entry(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let eval = load_eval(&app, &ctx, id).await?;
    entry_page(&app, &ctx, eval, HashMap::new()).await
}

fn mark_error_key(e: &MarkError) -> Option<&'static str> {
    match e {
        MarkError::Closed => Some("error-period-closed"),
        MarkError::NotInClass => Some("error-not-in-class"),
        MarkError::Db(_) => None,
    }
}

/// Saves the whole column at once (the form without JavaScript). Every cell is checked
/// first: if one is wrong, nothing is saved and the page shows every problem.
async fn save_all(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let eval = load_eval(&app, &ctx, id).await?;
    let uid = ctx.user()?.id;
    if eval.closed {
        return Err(AppError::BadRequest("error-period-closed"));
    }
    let roster: Vec<i64> = school::roster(&app.db, eval.class_id)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut typed = HashMap::new();
    let mut parsed = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        let Some(sid) = k.strip_prefix("note_").and_then(|s| s.parse::<i64>().ok()) else {
            continue;
        };
        if !roster.contains(&sid) {
            continue;
        }
        match model::parse_mark(&v, eval.scale) {
            Ok(input) => {
                typed.insert(sid, (v.to_string(), None));
                parsed.push((sid, input));
            }
            Err(key) => {
                typed.insert(
                    sid,
                    (v.to_string(), Some(ctx.t.t1(key, "scale", eval.scale))),
                );
            }
        }
    }
    if typed.values().any(|(_, e)| e.is_some()) {
        return entry_page(&app, &ctx, eval, typed).await;
    }
    let existing = repo::marks_of(&app.db, eval.id).await?;
    let changed: Vec<(i64, MarkInput)> = parsed
        .into_iter()
        .filter(
            |(sid, input)| !match (input, existing.iter().find(|m| m.student_id == *sid)) {
                (MarkInput::Clear, None) => true,
                (MarkInput::Set(v), Some(m)) => m.value() == *v,
                _ => false,
            },
        )
        .collect();
    // The whole column in one transaction: all of it, or nothing.
    if let Err(e) = crate::grades::record_marks(&app.db, uid, &eval, &changed, ctx.now).await {
        return match mark_error_key(&e) {
            Some(k) => Err(AppError::BadRequest(k)),
            None => Err(AppError::Internal(e.into())),
        };
    }
    ctx.flash("success", "marks-saved").await?;
    Ok(redirect(&format!("/enseignant/evaluations/{id}")))
}

#[derive(Template)]
#[template(path = "grades/_state.html")]
struct CellState {
    ok: bool,
    message: String,
}

#[derive(Template)]
#[template(path = "grades/_states.html")]
struct CellStates {
    cells: Vec<(i64, bool, String)>,
}

/// Saves the cells a paste filled (htmx, one request for the column): each valid mark in
/// one transaction, each wrong one named; answers every cell's state, out of band. If the
/// database fails, nothing is saved and the page sends the column again.
async fn save_cells(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let eval = load_eval(&app, &ctx, id).await?;
    let uid = ctx.user()?.id;
    let roster: Vec<i64> = school::roster(&app.db, eval.class_id)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let mut cells = Vec::new();
    let mut tx = crate::db::begin_write(&app.db).await?;
    for (k, v) in form_urlencoded::parse(&body) {
        let Some(sid) = k.strip_prefix("note_").and_then(|s| s.parse::<i64>().ok()) else {
            continue;
        };
        if !roster.contains(&sid) || cells.iter().any(|(c, _, _)| *c == sid) {
            continue;
        }
        let input = match model::parse_mark(&v, eval.scale) {
            Ok(i) => i,
            Err(key) => {
                cells.push((sid, false, ctx.t.t1(key, "scale", eval.scale)));
                continue;
            }
        };
        match super::record_mark_in(&mut tx, uid, &eval, sid, input, ctx.now).await {
            Ok(_) => cells.push((sid, true, ctx.t.t("mark-saved"))),
            Err(e) => match mark_error_key(&e) {
                Some(k) => cells.push((sid, false, ctx.t.t(k))),
                None => return Err(AppError::Internal(e.into())),
            },
        }
    }
    tx.commit().await?;
    Ok(Html(CellStates { cells }.render()?).into_response())
}

/// Saves one cell (htmx, on change): answers the small state shown beside the cell. htmx
/// posts the whole form; only this student's cell (`note_<id>`) is read.
async fn save_one(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(eid, sid): PathIds,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let eval = load_eval(&app, &ctx, eid).await?;
    let uid = ctx.user()?.id;
    let state = |status: StatusCode, ok: bool, message: String| -> AppResult<Response> {
        let body = CellState { ok, message }.render()?;
        Ok((status, Html(body)).into_response())
    };
    let key = format!("note_{sid}");
    let value = form_urlencoded::parse(&body)
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let input = match model::parse_mark(&value, eval.scale) {
        Ok(i) => i,
        Err(key) => {
            return state(
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                ctx.t.t1(key, "scale", eval.scale),
            );
        }
    };
    match record_mark(&app.db, uid, &eval, sid, input, ctx.now).await {
        Ok(_) => state(StatusCode::OK, true, ctx.t.t("mark-saved")),
        Err(e) => match mark_error_key(&e) {
            Some(k) => state(StatusCode::CONFLICT, false, ctx.t.t(k)),
            None => Err(AppError::Internal(e.into())),
        },
    }
}

//! The timetable pages: the censeur's versions (generate, look, move, lock, publish), and
//! each person's week.

use axum::Router;
use axum::extract::{Form, Query, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::build::{Inputs, build};
use super::repo::{self, NewTimetable, TimetableRow};
use super::views::{
    Chart, ComparePage, GenerateForm, GridPart, IndexPage, Pick, ShowPage, Summary,
};
use super::week::Week;
use super::{State, View, edit, solver};
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::school;
use crate::web::{Ctx, FormErrors, PathId, PathIds, html, html_status, redirect};

pub fn router() -> Router<AppState> {
    // The director (and the censeur, who holds the director's role) builds and edits; each
    // person reads their own week.
    let director = Rule::DIRECTOR;
    Router::new()
        .route(
            "/admin/emplois-du-temps",
            get(index).post(create).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/ecole.fet",
            get(export_fet).allow(director),
        )
        .route("/admin/emplois-du-temps/{id}", get(show).allow(director))
        .route(
            "/admin/emplois-du-temps/{id}/seances/{lesson}",
            post(move_lesson).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/{id}/seances/{lesson}/verrou",
            post(lock).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/{id}/comparer",
            get(compare).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/{id}/publier",
            post(publish).allow(director),
        )
        .route(
            "/eleve/emploi-du-temps",
            get(super::mine::student_week).allow(Rule::STUDENT),
        )
        .route(
            "/enseignant/emploi-du-temps",
            get(super::mine::teacher_week).allow(Rule::TEACHER),
        )
        .route(
            "/parent/enfants/{id}/emploi-du-temps",
            get(super::mine::child_week).allow(Rule::PARENT),
        )
}

pub(super) async fn year_id(app: &AppState) -> AppResult<i64> {
    Ok(school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?
        .id)
}

async fn summary(app: &AppState, ctx: &Ctx, year: i64) -> AppResult<Summary> {
    let inputs = Inputs::load(&app.db, year).await?;
    let built = build(&inputs, &[]);
    let p = &built.problem;
    let impossible = solver::impossible(p)
        .iter()
        .map(|c| super::describe(&ctx.t, p, c))
        .collect();
    Ok(Summary {
        classes: p.sets.len(),
        teachers: p.teachers.len(),
        rooms: p.rooms.len(),
        lessons: p.lessons.len(),
        hours: p.lessons.iter().map(|l| l.duration).sum(),
        slots: p.grid.open.iter().filter(|o| **o).count(),
        rules: inputs.constraints.len(),
        impossible,
    })
}

async fn index(AxState(app): AxState<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let year = year_id(&app).await?;
    let versions = repo::timetables(&app.db, year).await?;
    let form = GenerateForm {
        name: ctx.t.t1("timetable-version-name", "n", versions.len() + 1),
        seconds: "60".into(),
        seed: "1".into(),
        based_on: String::new(),
    };
    html(&IndexPage {
        summary: summary(&app, &ctx, year).await?,
        versions,
        form,
        errors: FormErrors::default(),
        ctx: &ctx,
    })
}

/// Queues the solver for a new version and shows its progress.
async fn create(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    Form(f): Form<GenerateForm>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let year = year_id(&app).await?;
    let mut errors = FormErrors::default();
    let name = crate::domain::required_text(&f.name, 80).unwrap_or_else(|k| {
        errors.add("name", ctx.t.t(k));
        String::new()
    });
    let seconds = match f.seconds.trim().parse::<i64>() {
        Ok(s) if (5..=600).contains(&s) => s,
        _ => {
            errors.add("seconds", ctx.t.t("timetable-error-seconds"));
            0
        }
    };
    let seed = if f.seed.trim().is_empty() {
        1
    } else {
        match f.seed.trim().parse::<i64>() {
            Ok(s) if s >= 0 => s,
            _ => {
                errors.add("seed", ctx.t.t("timetable-error-seed"));
                0
            }
        }
    };
    let based_on = match f.based_on.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => match repo::timetable(&app.db, id).await? {
                Some(t) if t.school_year_id == year => Some(id),
                _ => {
                    errors.add("based_on", ctx.t.t("error-choose"));
                    None
                }
            },
            Err(_) => {
                errors.add("based_on", ctx.t.t("error-choose"));
                None
            }
        },
    };
    if !errors.is_empty() {
        let versions = repo::timetables(&app.db, year).await?;
        return html_status(
            errors.status(),
            &IndexPage {
                summary: summary(&app, &ctx, year).await?,
                versions,
                form: f,
                errors,
                ctx: &ctx,
            },
        );
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::insert_timetable(
        &mut *tx,
        &NewTimetable {
            year_id: year,
            name: &name,
            seed,
            seconds,
            based_on,
            by: Some(u.id),
        },
        ctx.now,
    )
    .await?;
    let job = crate::jobs::enqueue(
        &mut *tx,
        &super::Generate { timetable: id },
        Some(u.id),
        ctx.now,
    )
    .await?;
    repo::set_job(&mut *tx, id, job).await?;
    tx.commit().await?;
    app.jobs.wake();
    Ok(redirect(&format!("/taches/{job}")))
}

/// Which week of a version to show: `?classe=`, `?enseignant=` or `?salle=`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ViewQuery {
    /// pdf, xlsx or csv: the week through the export engine.
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub classe: Option<i64>,
    #[serde(default)]
    pub enseignant: Option<i64>,
    #[serde(default)]
    pub salle: Option<i64>,
}

impl ViewQuery {
    fn view(&self, rows: &[repo::LessonRow]) -> Option<View> {
        self.classe
            .map(View::Class)
            .or(self.enseignant.map(View::Teacher))
            .or(self.salle.map(View::Room))
            .or_else(|| rows.first().map(|r| View::Class(r.class_id)))
    }
}

pub(super) fn view_key(v: View) -> String {
    match v {
        View::Class(id) => format!("classe={id}"),
        View::Teacher(id) => format!("enseignant={id}"),
        View::Room(id) => format!("salle={id}"),
    }
}

fn picks(rows: &[repo::LessonRow]) -> (Vec<Pick>, Vec<Pick>, Vec<Pick>) {
    let mut classes: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.class_id, r.class_name.clone()))
        .collect();
    let mut teachers: Vec<(i64, String)> = rows
        .iter()
        .map(|r| (r.teacher_user_id, r.teacher.clone()))
        .collect();
    let mut rooms: Vec<(i64, String)> = rows
        .iter()
        .filter_map(|r| Some((r.room_id?, r.room.clone()?)))
        .collect();
    // Classes keep the school's order (the rows come by day and period: sort by name).
    classes.sort_by(|a, b| a.1.cmp(&b.1));
    classes.dedup();
    teachers.sort_by(|a, b| a.1.cmp(&b.1));
    teachers.dedup();
    rooms.sort_by(|a, b| a.1.cmp(&b.1));
    rooms.dedup();
    let p = |v: Vec<(i64, String)>| v.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    (p(classes), p(teachers), p(rooms))
}

fn title_of(view: View, rows: &[repo::LessonRow]) -> String {
    let found = rows.iter().find_map(|r| match view {
        View::Class(id) if r.class_id == id => Some(r.class_name.clone()),
        View::Teacher(id) if r.teacher_user_id == id => Some(r.teacher.clone()),
        View::Room(id) if r.room_id == Some(id) => r.room.clone(),
        _ => None,
    });
    found.unwrap_or_default()
}

async fn version(app: &AppState, id: i64) -> AppResult<TimetableRow> {
    let year = year_id(app).await?;
    match repo::timetable(&app.db, id).await? {
        Some(t) if t.school_year_id == year => Ok(t),
        _ => Err(AppError::NotFound),
    }
}

fn chart(report: &serde_json::Value) -> Option<Chart> {
    let trace: Vec<(u64, i64, i64)> = serde_json::from_value(report.get("trace")?.clone()).ok()?;
    let valid: Vec<&(u64, i64, i64)> = trace.iter().filter(|t| t.1 == 0).collect();
    if valid.len() < 2 {
        return None;
    }
    let t_max = trace.last()?.0.max(1) as f64;
    let c_max = valid.iter().map(|t| t.2).max()?.max(1) as f64;
    let points = valid
        .iter()
        .map(|t| {
            format!(
                "{:.1},{:.1}",
                t.0 as f64 / t_max * 300.0,
                100.0 - t.2 as f64 / c_max * 100.0
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some(Chart {
        points,
        seconds: format!("{:.1}", t_max / 1000.0),
        first: valid.first()?.2,
        last: valid.last()?.2,
    })
}

async fn show(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<ViewQuery>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let t = version(&app, id).await?;
    let format = crate::export::ExportQuery {
        format: q.format.clone(),
    }
    .format()?;
    let page = show_page(&app, &ctx, t, &q, Vec::new(), false).await?;
    if let Some(format) = format {
        return super::mine::send_week(&ctx, &page.grid, format).await;
    }
    if ctx.htmx.wants_fragment() {
        return html(&page.grid);
    }
    html(&page)
}

async fn show_page<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    t: TimetableRow,
    q: &ViewQuery,
    refused: Vec<String>,
    moved: bool,
) -> AppResult<ShowPage<'a>> {
    let loaded = edit::load(&app.db, &t).await?;
    let rows = &loaded.rows;
    let view = q.view(rows).unwrap_or(View::Class(0));
    let (classes, teachers, rooms) = picks(rows);
    let shown: Vec<repo::LessonRow> = rows
        .iter()
        .filter(|r| match view {
            View::Class(id) => r.class_id == id,
            View::Teacher(id) => r.teacher_user_id == id,
            View::Room(id) => r.room_id == Some(id),
        })
        .cloned()
        .collect();
    let closed = repo::closed(&app.db).await?;
    let report: serde_json::Value = t
        .report
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let conflicts = report
        .get("conflicts")
        .and_then(|c| c.get(ctx.t.locale.code()))
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    let problems = if t.state == State::Failed || t.state == State::Generating {
        Vec::new()
    } else {
        loaded.problems(&ctx.t)
    };
    let year = t.school_year_id;
    let others = repo::timetables(&app.db, year)
        .await?
        .into_iter()
        .filter(|o| o.id != t.id && o.lessons > 0)
        .collect();
    let editable = matches!(t.state, State::Draft | State::Published);
    let all_rooms: Vec<Pick> = loaded
        .built
        .room_ids
        .iter()
        .zip(&loaded.built.problem.rooms)
        .map(|(id, r)| (id.to_string(), r.name.clone()))
        .collect();
    Ok(ShowPage {
        grid: GridPart {
            ctx,
            t_id: t.id,
            editable,
            view,
            view_key: view_key(view),
            title: title_of(view, rows),
            week: Week::new(&loaded.periods, &closed, &shown),
            refused,
            moved,
            rooms: all_rooms,
        },
        chart: chart(&report),
        classes,
        teachers,
        rooms,
        problems,
        conflicts,
        others,
        t,
        ctx,
    })
}

#[derive(Clone, Debug, Deserialize)]
pub struct MoveForm {
    pub day: i64,
    pub period: i64,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub classe: Option<i64>,
    #[serde(default)]
    pub enseignant: Option<i64>,
    #[serde(default)]
    pub salle: Option<i64>,
}

/// Moves a lesson if no hard rule breaks; else says why, with the grid as it was.
async fn move_lesson(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathIds(id, lesson): PathIds,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let t = version(&app, id).await?;
    if !matches!(t.state, State::Draft | State::Published) {
        return Err(AppError::Conflict("timetable-error-state"));
    }
    let q = ViewQuery {
        format: String::new(),
        classe: f.classe,
        enseignant: f.enseignant,
        salle: f.salle,
    };
    let room = match f.room.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let loaded = edit::load(&app.db, &t).await?;
    if !loaded.rows.iter().any(|r| r.id == lesson) {
        return Err(AppError::NotFound);
    }
    let outcome = loaded.check_move(&ctx.t, lesson, f.day, f.period, room);
    let (refused, moved) = match outcome {
        Ok(places) => {
            let mut tx = crate::db::begin_write(&app.db).await?;
            for (id, place) in places {
                let before = loaded.rows.iter().find(|r| r.id == id).cloned();
                repo::move_lesson(&mut *tx, id, f.day, f.period, loaded.room_id(place)).await?;
                // Once published, the people concerned are told.
                if let (State::Published, Some(b)) = (t.state, before)
                    && (b.day, b.period) != (f.day, f.period)
                {
                    crate::events::publish(
                        &mut *tx,
                        &crate::events::SchoolEvent::TimetableChanged(
                            crate::events::TimetableChanged {
                                timetable_id: t.id,
                                lesson_id: id,
                                class_id: b.class_id,
                                subject_id: b.subject_id,
                                teacher_user_id: b.teacher_user_id,
                                from: (b.day, b.period),
                                to: (f.day, f.period),
                            },
                        ),
                        ctx.user.as_ref().map(|u| u.id),
                        ctx.now,
                    )
                    .await?;
                }
            }
            tx.commit().await?;
            (Vec::new(), true)
        }
        Err(reasons) => (reasons, false),
    };
    let status = if moved {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let t = version(&app, id).await?;
    let page = show_page(&app, &ctx, t, &q, refused, moved).await?;
    if ctx.htmx.wants_fragment() {
        return html_status(status, &page.grid);
    }
    html_status(status, &page)
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct LockForm {
    #[serde(default)]
    pub locked: String,
    #[serde(default)]
    pub back: String,
}

async fn lock(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathIds(id, lesson): PathIds,
    Form(f): Form<LockForm>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let t = version(&app, id).await?;
    if repo::set_locked(&app.db, t.id, lesson, f.locked == "1").await? == 0 {
        return Err(AppError::NotFound);
    }
    let back = match f.back.as_str() {
        b if b.starts_with("classe=")
            || b.starts_with("enseignant=")
            || b.starts_with("salle=") =>
        {
            format!("?{b}")
        }
        _ => String::new(),
    };
    Ok(redirect(&format!(
        "/admin/emplois-du-temps/{id}{back}#week"
    )))
}

/// Publishes a version that breaks no hard rule; the previous one is archived.
async fn publish(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let t = version(&app, id).await?;
    if t.state != State::Draft {
        return Err(AppError::Conflict("timetable-error-state"));
    }
    let loaded = edit::load(&app.db, &t).await?;
    let problems = loaded.problems(&ctx.t);
    if !problems.is_empty() || loaded.rows.is_empty() {
        ctx.flash_text("error", ctx.t.t("timetable-cannot-publish"))
            .await?;
        return Ok(redirect(&format!("/admin/emplois-du-temps/{id}")));
    }
    let report = solver::check(&loaded.built.problem, &loaded.at);
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::set_cost(&mut *tx, id, report.cost.hard, report.cost.soft).await?;
    let previous = repo::publish(&mut tx, t.school_year_id, id, ctx.now).await?;
    crate::events::publish(
        &mut *tx,
        &crate::events::SchoolEvent::TimetablePublished(crate::events::TimetablePublished {
            timetable_id: id,
            previous_id: previous,
        }),
        ctx.user.as_ref().map(|u| u.id),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "timetable-published").await?;
    Ok(redirect(&format!("/admin/emplois-du-temps/{id}")))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    pub avec: Option<i64>,
}

/// What changed from another version to this one, lesson by lesson.
async fn compare(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<CompareQuery>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let t = version(&app, id).await?;
    let other = version(&app, q.avec.ok_or(AppError::NotFound)?).await?;
    let a = repo::lessons(&app.db, other.id).await?;
    let b = repo::lessons(&app.db, t.id).await?;
    let periods = repo::periods(&app.db).await?;
    html(&ComparePage {
        changes: edit::compare(&a, &b),
        periods,
        other,
        t,
        ctx: &ctx,
    })
}

/// The school's year as a `.fet` file, for FET.
async fn export_fet(AxState(app): AxState<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let year = school::current_year(&app.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let inputs = Inputs::load(&app.db, year.id).await?;
    let built = build(&inputs, &[]);
    let body = super::build::to_fet(&built, &inputs, &ctx.school.name);
    Ok(crate::export::download(
        body.into_bytes(),
        "application/xml",
        &format!("{}.fet", year.label),
        false,
    ))
}

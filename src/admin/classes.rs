//! Classes: list, create, show roster and teachers, set the professeur principal and room,
//! assign subjects to teachers.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{records_manager, repo as people};
use crate::app::AppState;
use crate::auth::Portal;
use crate::db;
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::school::{self, Choice, ClassInput, ClassRow, Serie, StudentRow, TeacherOfClass};
use crate::web::{Ctx, FormErrors, PathId, PathIds, html, html_status, redirect};

#[derive(Template)]
#[template(path = "admin/classes.html")]
struct Index<'a> {
    ctx: &'a Ctx,
    year: Option<school::Year>,
    classes: Vec<ClassRow>,
}

pub async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let year = school::current_year(&app.db).await?;
    let classes = match &year {
        Some(y) => school::classes(&app.db, y.id).await?,
        None => Vec::new(),
    };
    html(&Index {
        ctx: &ctx,
        year,
        classes,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ClassForm {
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    series_id: String,
    #[serde(default)]
    grp: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    head_teacher: String,
}

#[derive(Template)]
#[template(path = "admin/class_form.html")]
struct NewPage<'a> {
    ctx: &'a Ctx,
    form: ClassForm,
    errors: FormErrors,
    levels: Vec<Choice>,
    series: Vec<Serie>,
    teachers: Vec<(i64, String)>,
    rooms: Vec<String>,
}

async fn new_page<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    form: ClassForm,
    errors: FormErrors,
) -> AppResult<NewPage<'a>> {
    Ok(NewPage {
        ctx,
        form,
        errors,
        levels: school::levels(&app.db).await?,
        series: school::series(&app.db).await?,
        teachers: people::teachers(&app.db).await?,
        rooms: crate::school::rooms::active_names(&app.db).await?,
    })
}

pub async fn new(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    records_manager(&ctx)?;
    html(&new_page(&app, &ctx, ClassForm::default(), FormErrors::default()).await?)
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ClassForm>,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    let page = new_page(&app, &ctx, f.clone(), FormErrors::default()).await?;
    let mut errors = FormErrors::default();
    let level = f
        .level_id
        .parse::<i64>()
        .ok()
        .filter(|id| page.levels.iter().any(|l| l.id == *id));
    if level.is_none() {
        errors.add("level_id", ctx.t.t("error-required"));
    }
    let serie = f
        .series_id
        .parse::<i64>()
        .ok()
        .and_then(|id| page.series.iter().find(|s| s.id == id))
        .cloned();
    let grp = domain::optional_text(&f.grp, 10).unwrap_or_else(|k| {
        errors.add("grp", ctx.t.t(k));
        None
    });
    let room = domain::optional_text(&f.room, 40).unwrap_or_else(|k| {
        errors.add("room", ctx.t.t(k));
        None
    });
    let room = super::rooms::check_class_room(&app, &ctx, room)
        .await?
        .unwrap_or_else(|m| {
            errors.add("room", m);
            None
        });
    let head = f
        .head_teacher
        .parse::<i64>()
        .ok()
        .filter(|id| page.teachers.iter().any(|t| t.0 == *id));
    let year = school::current_year(&app.db).await?;
    if year.is_none() {
        errors.add("level_id", ctx.t.t("error-no-year"));
    }
    let fail = move |errors: FormErrors| {
        html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage { errors, ..page },
        )
    };
    let (Some(level), Some(year), true) = (level, year, errors.is_empty()) else {
        return fail(errors);
    };
    let (code, cycle) = school::level_code(&app.db, level)
        .await?
        .unwrap_or_default();
    // Séries exist in the lycée only, and every lycée class has one.
    let mut errors = FormErrors::default();
    match (cycle.as_str(), &serie) {
        ("lycee", None) => errors.add("series_id", ctx.t.t("error-serie-required")),
        ("primaire" | "college", Some(_)) => {
            errors.add("series_id", ctx.t.t("error-serie-lycee-only"))
        }
        _ => {}
    }
    if !errors.is_empty() {
        return fail(errors);
    }
    let name = class_name(
        &code,
        serie.as_ref().map(|s| s.code.as_str()).unwrap_or(""),
        grp.as_deref().unwrap_or(""),
    );
    let input = ClassInput {
        year_id: year.id,
        level_id: level,
        series_id: serie.as_ref().map(|s| s.id),
        grp: grp.unwrap_or_default(),
        name: name.clone(),
        room,
        head_teacher: head,
    };
    match school::insert_class(&app.db, &input).await {
        Ok(id) => {
            ctx.flash("success", "class-created").await?;
            Ok(redirect(&format!("/admin/classes/{id}")))
        }
        Err(e) if db::is_unique_violation(&e) => {
            let mut errors = FormErrors::default();
            errors.add("grp", ctx.t.t1("error-class-taken", "name", &name));
            fail(errors)
        }
        Err(e) => Err(e.into()),
    }
}

/// The name a Togolese school writes: level, série, group ("1ère D 2", "6e A", "Tle C").
pub fn class_name(level_code: &str, serie: &str, grp: &str) -> String {
    [level_code, serie, grp]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Template)]
#[template(path = "admin/class.html")]
struct Show<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    teachers: Vec<TeacherOfClass>,
    students: Vec<StudentRow>,
    all_teachers: Vec<(i64, String)>,
    subjects: Vec<Choice>,
    rooms: Vec<String>,
    can_edit: bool,
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::extract::Query(export): axum::extract::Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let class = school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(format) = export.format()? {
        let students = school::roster(&app.db, id).await?;
        let table = school::roster_table(&ctx.t, &class, &students);
        let frame = crate::export::frame(&ctx).await;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    html(&Show {
        ctx: &ctx,
        class,
        teachers: school::class_teachers(&app.db, id).await?,
        students: school::roster(&app.db, id).await?,
        all_teachers: people::teachers(&app.db).await?,
        subjects: school::subjects(&app.db).await?,
        rooms: school::rooms::active_names(&app.db).await?,
        can_edit: crate::authz::can_manage_records(u),
    })
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    room: String,
    #[serde(default)]
    head_teacher: String,
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<UpdateForm>,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    let class = school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let teachers = people::teachers(&app.db).await?;
    let head = f
        .head_teacher
        .parse::<i64>()
        .ok()
        .filter(|t| teachers.iter().any(|x| x.0 == *t));
    let room = domain::optional_text(&f.room, 40).map_err(AppError::BadRequest)?;
    // A room that left service may stay on the class that had it; a new one must be in use.
    let unchanged = room.is_some() && room == class.room;
    let room = if unchanged {
        room
    } else {
        super::rooms::check_class_room(&app, &ctx, room)
            .await?
            .map_err(|_| AppError::BadRequest("error-room-not-in-list"))?
    };
    school::update_class(&app.db, id, room.as_deref(), head).await?;
    let heads: Vec<i64> = class.head_teacher_user_id.into_iter().chain(head).collect();
    crate::chat::membership::teachers_changed(&app, id, &heads).await;
    ctx.flash("success", "saved").await?;
    Ok(redirect(&format!("/admin/classes/{id}")))
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    teacher: String,
}

pub async fn assign(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subjects = school::subjects(&app.db).await?;
    let teachers = people::teachers(&app.db).await?;
    let subject = f
        .subject_id
        .parse::<i64>()
        .ok()
        .filter(|s| subjects.iter().any(|x| x.id == *s));
    let teacher = f
        .teacher
        .parse::<i64>()
        .ok()
        .filter(|t| teachers.iter().any(|x| x.0 == *t));
    let (Some(subject), Some(teacher)) = (subject, teacher) else {
        return Err(AppError::BadRequest("error-assignment"));
    };
    let previous = school::class_teachers(&app.db, id)
        .await?
        .into_iter()
        .find(|t| t.subject_id == subject && t.teacher_user_id != teacher);
    school::assign(&app.db, id, subject, teacher).await?;
    let mut concerned = vec![teacher];
    concerned.extend(previous.as_ref().map(|p| p.teacher_user_id));
    crate::chat::membership::teachers_changed(&app, id, &concerned).await;
    match previous {
        Some(p) => {
            let text = ctx.t.t2(
                "assignment-replaced",
                "subject",
                &p.subject,
                "teacher",
                &p.teacher,
            );
            ctx.flash_text("success", text).await?;
        }
        None => ctx.flash("success", "assignment-saved").await?,
    }
    Ok(redirect(&format!("/admin/classes/{id}")))
}

pub async fn unassign(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(id, subject): PathIds,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before: Vec<i64> = school::class_teachers(&app.db, id)
        .await?
        .into_iter()
        .filter(|t| t.subject_id == subject)
        .map(|t| t.teacher_user_id)
        .collect();
    school::unassign(&app.db, id, subject).await?;
    crate::chat::membership::teachers_changed(&app, id, &before).await;
    ctx.flash("success", "assignment-removed").await?;
    Ok(redirect(&format!("/admin/classes/{id}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn class_names() {
        assert_eq!(super::class_name("1ère", "D", "2"), "1ère D 2");
        assert_eq!(super::class_name("6e", "", "A"), "6e A");
        assert_eq!(super::class_name("Tle", "C", ""), "Tle C");
    }
}

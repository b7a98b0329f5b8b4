//! Classes: list, create, show roster and teachers, set the professeur principal and room.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sqlx::FromRow;

use super::{records_manager, repo as people};
use crate::app::AppState;
use crate::auth::Portal;
use crate::db;
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::school::{self, ClassRow, StudentRow, TeacherOfClass};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

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

#[derive(Clone, Debug, FromRow)]
pub struct Choice {
    id: i64,
    name: String,
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
    series: Vec<Choice>,
    teachers: Vec<(i64, String)>,
}

async fn choices(app: &AppState) -> AppResult<(Vec<Choice>, Vec<Choice>, Vec<(i64, String)>)> {
    let levels = sqlx::query_as("SELECT id, name FROM levels ORDER BY ordinal")
        .fetch_all(&app.db)
        .await?;
    let series =
        sqlx::query_as("SELECT id, code || ' — ' || name AS name FROM series ORDER BY code")
            .fetch_all(&app.db)
            .await?;
    Ok((levels, series, people::teachers(&app.db).await?))
}

pub async fn new(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    records_manager(&ctx)?;
    let (levels, series, teachers) = choices(&app).await?;
    html(&NewPage {
        ctx: &ctx,
        form: ClassForm::default(),
        errors: FormErrors::default(),
        levels,
        series,
        teachers,
    })
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ClassForm>,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    let (levels, series, teachers) = choices(&app).await?;
    let mut errors = FormErrors::default();
    let level = f
        .level_id
        .parse::<i64>()
        .ok()
        .and_then(|id| levels.iter().find(|l| l.id == id));
    if level.is_none() {
        errors.add("level_id", ctx.t.t("error-required"));
    }
    let serie = f
        .series_id
        .parse::<i64>()
        .ok()
        .and_then(|id| series.iter().find(|s| s.id == id));
    let grp = domain::optional_text(&f.grp, 10).unwrap_or_else(|k| {
        errors.add("grp", ctx.t.t(k));
        None
    });
    let room = domain::optional_text(&f.room, 40).unwrap_or_else(|k| {
        errors.add("room", ctx.t.t(k));
        None
    });
    let head = f
        .head_teacher
        .parse::<i64>()
        .ok()
        .filter(|id| teachers.iter().any(|t| t.0 == *id));
    let year = school::current_year(&app.db).await?;
    if year.is_none() {
        errors.add("level_id", ctx.t.t("error-no-year"));
    }
    let fail = |errors: FormErrors| {
        html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                ctx: &ctx,
                form: f.clone(),
                errors,
                levels: levels.clone(),
                series: series.clone(),
                teachers: teachers.clone(),
            },
        )
    };
    let (Some(level), Some(year)) = (level, year) else {
        return fail(errors);
    };
    if !errors.is_empty() {
        return fail(errors);
    }
    let (code,): (String,) = sqlx::query_as("SELECT code FROM levels WHERE id = $1")
        .bind(level.id)
        .fetch_one(&app.db)
        .await?;
    let serie_code = match serie {
        Some(s) => s.name.split(' ').next().unwrap_or("").to_string(),
        None => String::new(),
    };
    let name = class_name(&code, &serie_code, grp.as_deref().unwrap_or(""));
    let r: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO classes (school_year_id, level_id, series_id, grp, name, room, head_teacher_user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(year.id)
    .bind(level.id)
    .bind(serie.map(|s| s.id))
    .bind(grp.clone().unwrap_or_default())
    .bind(&name)
    .bind(&room)
    .bind(head)
    .fetch_one(&app.db)
    .await;
    match r {
        Ok((id,)) => {
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
    can_edit: bool,
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let class = school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    html(&Show {
        ctx: &ctx,
        class,
        teachers: school::class_teachers(&app.db, id).await?,
        students: school::roster(&app.db, id).await?,
        all_teachers: people::teachers(&app.db).await?,
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
    school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let teachers = people::teachers(&app.db).await?;
    let head = f
        .head_teacher
        .parse::<i64>()
        .ok()
        .filter(|t| teachers.iter().any(|x| x.0 == *t));
    let Ok(room) = domain::optional_text(&f.room, 40) else {
        return Err(AppError::BadRequest("error-too-long"));
    };
    sqlx::query("UPDATE classes SET room = $1, head_teacher_user_id = $2 WHERE id = $3")
        .bind(room)
        .bind(head)
        .bind(id)
        .execute(&app.db)
        .await?;
    ctx.flash("success", "saved").await?;
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

//! The teacher's side of online courses: their courses, a course's editor (its title,
//! modules in order, lessons listed with their state), copying a course to another class
//! or to next year. Lessons are written in [`super::edit`].

use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;

use super::repo::{self, CourseRow, LessonRow, ModuleRow};
use super::{MAX_SUMMARY, MAX_TITLE};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

pub fn router() -> Router<AppState> {
    // Each course is written by the teachers of its subject in its class (checked per
    // course); the reading side is in `view`.
    let teacher = Rule::TEACHER;
    Router::new()
        .route(
            "/enseignant/cours",
            get(my_courses).post(create).allow(teacher),
        )
        .route(
            "/enseignant/cours/{id}",
            get(editor).post(update).allow(teacher),
        )
        .route(
            "/enseignant/cours/{id}/suppression",
            post(remove).allow(teacher),
        )
        .route(
            "/enseignant/cours/{id}/modules",
            post(add_module).allow(teacher),
        )
        .route("/enseignant/cours/{id}/copie", post(copy).allow(teacher))
        .route(
            "/enseignant/cours/modules/{id}",
            post(update_module).allow(teacher),
        )
        .route(
            "/enseignant/cours/modules/{id}/deplacer",
            post(move_module).allow(teacher),
        )
        .route(
            "/enseignant/cours/modules/{id}/suppression",
            post(remove_module).allow(teacher),
        )
        .route(
            "/enseignant/cours/modules/{id}/lecon",
            get(super::edit::new_page)
                .post(super::edit::create)
                .layer(DefaultBodyLimit::max(super::edit::MAX_FORM))
                .allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}",
            get(super::edit::edit_page)
                .post(super::edit::update)
                .layer(DefaultBodyLimit::max(super::edit::MAX_FORM))
                .allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/deplacer",
            post(super::edit::move_lesson).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/suppression",
            post(super::edit::remove).allow(teacher),
        )
        .route(
            "/enseignant/cours/apercu",
            post(super::edit::preview).allow(teacher),
        )
}

/// A course its teacher may write: the subject's teacher in that class.
pub(super) async fn writable<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    course_id: i64,
) -> AppResult<(&'a CurrentUser, CourseRow)> {
    let u = ctx.require(Portal::Teacher)?;
    let course = repo::course(&app.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_grade(&app.db, u, course.class_id, course.subject_id).await?)?;
    Ok((u, course))
}

/// A lesson its teacher may change, with its course.
pub(super) async fn writable_lesson<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    lesson_id: i64,
) -> AppResult<(&'a CurrentUser, CourseRow, super::repo::LessonRow)> {
    let lesson = repo::lesson(&app.db, lesson_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (u, course, _) = writable_module(app, ctx, lesson.module_id).await?;
    Ok((u, course, lesson))
}

/// A module the teacher may change, with its course.
pub(super) async fn writable_module<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    module_id: i64,
) -> AppResult<(&'a CurrentUser, CourseRow, ModuleRow)> {
    let m = repo::module(&app.db, module_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (u, c) = writable(app, ctx, m.course_id).await?;
    Ok((u, c, m))
}

/// A day typed in a form: empty is none.
pub(super) fn optional_day(
    ctx: &Ctx,
    input: &str,
    field: &str,
    errors: &mut FormErrors,
) -> Option<NaiveDate> {
    if input.trim().is_empty() {
        return None;
    }
    match crate::domain::parse_date(input) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(field, e.message(&ctx.t));
            None
        }
    }
}

fn text(
    ctx: &Ctx,
    input: &str,
    max: usize,
    field: &str,
    errors: &mut FormErrors,
) -> Option<String> {
    match crate::domain::required_text(input, max) {
        Ok(s) => Some(s),
        Err(k) => {
            errors.add(field, ctx.t.t(k));
            None
        }
    }
}

// ---------------------------------------------------------------- the teacher's courses

/// A class and subject the teacher teaches, with its courses.
pub struct Teaching {
    pub class_id: i64,
    pub class_name: String,
    pub subject_id: i64,
    pub subject: String,
    pub courses: Vec<CourseRow>,
}

#[derive(Template)]
#[template(path = "courses/mine.html")]
struct MinePage<'a> {
    ctx: &'a Ctx,
    teachings: Vec<Teaching>,
    errors: FormErrors,
    /// The class × subject whose "new course" form failed.
    failed: Option<(i64, i64)>,
    title: String,
}

impl MinePage<'_> {
    /// Whether the "new course" form of this class and subject is the one that failed.
    fn failed_at(&self, class: &i64, subject: &i64) -> bool {
        self.failed == Some((*class, *subject))
    }
}

async fn render_mine(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    errors: FormErrors,
    failed: Option<(i64, i64)>,
    title: String,
) -> AppResult<Response> {
    let mut courses = repo::of_teacher(&app.db, u.id).await?;
    let teachings = repo::teachings(&app.db, u.id)
        .await?
        .into_iter()
        .map(|(class_id, class_name, subject_id, subject)| {
            let (mine, rest) = courses
                .drain(..)
                .partition(|c| c.class_id == class_id && c.subject_id == subject_id);
            courses = rest;
            Teaching {
                class_id,
                class_name,
                subject_id,
                subject,
                courses: mine,
            }
        })
        .collect();
    html_status(
        errors.status(),
        &MinePage {
            ctx,
            teachings,
            errors,
            failed,
            title,
        },
    )
}

async fn my_courses(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    render_mine(&app, &ctx, u, FormErrors::default(), None, String::new()).await
}

#[derive(Deserialize)]
struct NewCourseForm {
    class_id: i64,
    subject_id: i64,
    #[serde(default)]
    title: String,
}

async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<NewCourseForm>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    authz::require(authz::can_grade(&app.db, u, f.class_id, f.subject_id).await?)?;
    let mut errors = FormErrors::default();
    let Some(title) = text(&ctx, &f.title, MAX_TITLE, "title", &mut errors) else {
        let failed = Some((f.class_id, f.subject_id));
        return render_mine(&app, &ctx, u, errors, failed, f.title).await;
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id =
        repo::insert_course(&mut tx, f.class_id, f.subject_id, &title, "", u.id, ctx.now).await?;
    tx.commit().await?;
    ctx.flash("success", "course-created").await?;
    Ok(redirect(&format!("/enseignant/cours/{id}")))
}

// ---------------------------------------------------------------- the editor

#[derive(Clone, Debug, Default, Deserialize)]
pub struct CourseForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
}

/// A module with its lessons, as the editor shows it.
pub struct EditedModule {
    pub module: ModuleRow,
    pub lessons: Vec<LessonRow>,
}

#[derive(Template)]
#[template(path = "courses/editor.html")]
struct EditorPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    form: CourseForm,
    modules: Vec<EditedModule>,
    targets: Vec<(i64, String, String)>,
    errors: FormErrors,
}

impl EditorPage<'_> {
    fn day(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    fn lesson_key(&self, l: &LessonRow) -> &'static str {
        if l.published {
            "course-published"
        } else {
            "course-state-draft"
        }
    }
}

async fn render_editor(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    course: CourseRow,
    form: CourseForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut lessons = repo::lessons(&app.db, course.id).await?;
    let modules = repo::modules(&app.db, course.id)
        .await?
        .into_iter()
        .map(|module| {
            let (mine, rest) = lessons.drain(..).partition(|l| l.module_id == module.id);
            lessons = rest;
            EditedModule {
                module,
                lessons: mine,
            }
        })
        .collect();
    let targets = repo::copy_targets(&app.db, u.id, course.subject_id, course.class_id).await?;
    html_status(
        errors.status(),
        &EditorPage {
            ctx,
            course,
            form,
            modules,
            targets,
            errors,
        },
    )
}

async fn editor(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let (u, course) = writable(&app, &ctx, id).await?;
    let form = CourseForm {
        title: course.title.clone(),
        summary: course.summary.clone(),
    };
    render_editor(&app, &ctx, u, course, form, FormErrors::default()).await
}

async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<CourseForm>,
) -> AppResult<Response> {
    let (u, course) = writable(&app, &ctx, id).await?;
    let mut errors = FormErrors::default();
    let title = text(&ctx, &f.title, MAX_TITLE, "title", &mut errors);
    let summary = crate::domain::optional_text(&f.summary, MAX_SUMMARY).unwrap_or_else(|k| {
        errors.add("summary", ctx.t.t(k));
        None
    });
    match title {
        Some(title) if errors.is_empty() => {
            repo::update_course(&app.db, id, &title, &summary.unwrap_or_default(), ctx.now).await?;
            ctx.flash("success", "course-saved").await?;
            Ok(redirect(&format!("/enseignant/cours/{id}")))
        }
        _ => render_editor(&app, &ctx, u, course, f, errors).await,
    }
}

async fn remove(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    writable(&app, &ctx, id).await?;
    repo::delete_course(&app.db, id).await?;
    ctx.flash("success", "course-deleted").await?;
    Ok(redirect("/enseignant/cours"))
}

#[derive(Deserialize)]
struct ModuleForm {
    #[serde(default)]
    module_title: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    available_from: String,
}

impl ModuleForm {
    fn check(&self, ctx: &Ctx) -> Result<(String, bool, Option<NaiveDate>), FormErrors> {
        let mut errors = FormErrors::default();
        let title = text(
            ctx,
            &self.module_title,
            MAX_TITLE,
            "module_title",
            &mut errors,
        );
        let from = optional_day(ctx, &self.available_from, "available_from", &mut errors);
        match title {
            Some(t) if errors.is_empty() => Ok((t, self.published.is_some(), from)),
            _ => Err(errors),
        }
    }
}

async fn editor_errors(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    course: CourseRow,
    errors: FormErrors,
) -> AppResult<Response> {
    let form = CourseForm {
        title: course.title.clone(),
        summary: course.summary.clone(),
    };
    render_editor(app, ctx, u, course, form, errors).await
}

async fn add_module(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<ModuleForm>,
) -> AppResult<Response> {
    let (u, course) = writable(&app, &ctx, id).await?;
    match f.check(&ctx) {
        Ok((title, published, from)) => {
            repo::insert_module(&app.db, id, &title, published, from).await?;
            ctx.flash("success", "course-module-added").await?;
            Ok(redirect(&format!("/enseignant/cours/{id}#modules")))
        }
        Err(errors) => editor_errors(&app, &ctx, u, course, errors).await,
    }
}

async fn update_module(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<ModuleForm>,
) -> AppResult<Response> {
    let (u, course, m) = writable_module(&app, &ctx, id).await?;
    match f.check(&ctx) {
        Ok((title, published, from)) => {
            repo::update_module(&app.db, id, &title, published, from).await?;
            ctx.flash("success", "course-saved").await?;
            Ok(redirect(&format!(
                "/enseignant/cours/{}#module-{id}",
                m.course_id
            )))
        }
        Err(errors) => editor_errors(&app, &ctx, u, course, errors).await,
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    pub dir: String,
}

impl MoveForm {
    pub fn up(&self) -> AppResult<bool> {
        match self.dir.as_str() {
            "up" => Ok(true),
            "down" => Ok(false),
            _ => Err(AppError::BadRequest("error-bad-request")),
        }
    }
}

async fn move_module(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let (_, _, m) = writable_module(&app, &ctx, id).await?;
    repo::move_module(&app.db, id, f.up()?).await?;
    Ok(redirect(&format!(
        "/enseignant/cours/{}#module-{id}",
        m.course_id
    )))
}

async fn remove_module(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, _, m) = writable_module(&app, &ctx, id).await?;
    repo::delete_module(&app.db, id).await?;
    ctx.flash("success", "course-module-deleted").await?;
    Ok(redirect(&format!(
        "/enseignant/cours/{}#modules",
        m.course_id
    )))
}

#[derive(Deserialize)]
struct CopyForm {
    #[serde(default)]
    class_id: Option<i64>,
}

/// Copies a course (its modules, lessons, prerequisites and files) to another class where
/// the teacher teaches the subject, as drafts to publish when the class is ready.
async fn copy(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<CopyForm>,
) -> AppResult<Response> {
    let (u, course) = writable(&app, &ctx, id).await?;
    let targets = repo::copy_targets(&app.db, u.id, course.subject_id, course.class_id).await?;
    let Some(target) = f.class_id.filter(|c| targets.iter().any(|t| t.0 == *c)) else {
        let mut errors = FormErrors::default();
        errors.add("class_id", ctx.t.t("course-error-copy-target"));
        return editor_errors(&app, &ctx, u, course, errors).await;
    };
    let new_id = super::copy::course(&app, &course, target, u.id, ctx.now).await?;
    ctx.flash("success", "course-copied").await?;
    Ok(redirect(&format!("/enseignant/cours/{new_id}")))
}

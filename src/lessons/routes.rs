//! The cahier de textes' pages: the teacher's log of a class and subject, the students' and
//! parents' "à faire" with the class's recent lessons, and the director's view of the logs.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};

use super::repo::{self, LessonRow, LogStatus, NewLesson};
use super::{MAX_CONTENT, MAX_INSTRUCTIONS, MAX_TITLE};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::files::FileRow;
use crate::school::{self, ClassRow, StudentRow};
use crate::web::{Ctx, FormErrors, PathId, PathIds, html, html_status, redirect};

/// A lesson's form with its attachment fits in this.
const MAX_BODY: usize = crate::chat::MAX_FILE + 64 * 1024;
/// How far ahead "à faire" looks, and how far back the class's log is shown to families.
const AHEAD_DAYS: i64 = 21;
const BACK_DAYS: i64 = 14;

pub fn router() -> Router<AppState> {
    // The subject's teacher writes a class's log (checked per class and subject); the class's
    // students and their parents read it; the director follows every log.
    let teacher = Rule::TEACHER;
    Router::new()
        .route(
            "/enseignant/classes/{class}/matieres/{subject}/cahier",
            get(log_page)
                .post(create)
                .layer(DefaultBodyLimit::max(MAX_BODY))
                .allow(teacher),
        )
        .route(
            "/enseignant/cahier/{id}",
            get(edit_page)
                .post(update)
                .layer(DefaultBodyLimit::max(MAX_BODY))
                .allow(teacher),
        )
        .route(
            "/enseignant/cahier/{id}/suppression",
            post(remove).allow(teacher),
        )
        .route("/eleve/a-faire", get(student_todo).allow(Rule::STUDENT))
        .route(
            "/parent/enfants/{id}/a-faire",
            get(child_todo).allow(Rule::PARENT),
        )
        .route("/admin/cahier", get(status_page).allow(Rule::DIRECTOR))
}

/// The teacher of `subject_id` in `class_id`, and the class.
async fn writer<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    class_id: i64,
    subject_id: i64,
) -> AppResult<(&'a CurrentUser, ClassRow)> {
    let u = ctx.require(Portal::Teacher)?;
    let class = school::class(&app.db, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_grade(&app.db, u, class_id, subject_id).await?)?;
    Ok((u, class))
}

/// The form as typed (kept on errors).
#[derive(Clone, Debug, Default)]
pub struct LessonForm {
    pub held_on: String,
    pub title: String,
    pub content: String,
    pub due_on: String,
    pub instructions: String,
    /// The sister classes ticked for a copy.
    pub copy_to: Vec<i64>,
}

impl LessonForm {
    fn of(l: &LessonRow) -> Self {
        LessonForm {
            held_on: l.held_on.to_string(),
            title: l.title.clone(),
            content: l.content.clone(),
            due_on: l.due_on.map(|d| d.to_string()).unwrap_or_default(),
            instructions: l.instructions.clone().unwrap_or_default(),
            copy_to: Vec::new(),
        }
    }

    fn read(up: &crate::web::upload::Upload) -> Self {
        LessonForm {
            held_on: up.field("held_on").to_string(),
            title: up.field("title").to_string(),
            content: up.field("content").to_string(),
            due_on: up.field("due_on").to_string(),
            instructions: up.field("instructions").to_string(),
            copy_to: up
                .fields
                .iter()
                .filter(|(k, v)| k.starts_with("copy_") && v.as_str() == "1")
                .filter_map(|(k, _)| k["copy_".len()..].parse().ok())
                .collect(),
        }
    }

    pub fn copies(&self, class: &i64) -> bool {
        self.copy_to.contains(class)
    }

    /// The lesson to write, or the errors to show.
    fn check(
        &self,
        ctx: &Ctx,
        class_id: i64,
        subject_id: i64,
        teacher: i64,
    ) -> Result<NewLesson, FormErrors> {
        let mut errors = FormErrors::default();
        let held_on = match crate::domain::parse_date(&self.held_on) {
            Ok(d) if (d - ctx.today()).num_days().abs() <= 366 => Some(d),
            Ok(_) => {
                errors.add("held_on", ctx.t.t("lesson-error-far-date"));
                None
            }
            Err(e) => {
                errors.add("held_on", e.message(&ctx.t));
                None
            }
        };
        let title = crate::domain::required_text(&self.title, MAX_TITLE).unwrap_or_else(|k| {
            errors.add("title", ctx.t.t(k));
            String::new()
        });
        let content = crate::domain::optional_text(&self.content, MAX_CONTENT)
            .unwrap_or_else(|k| {
                errors.add("content", ctx.t.t(k));
                None
            })
            .unwrap_or_default();
        let instructions = crate::domain::optional_text(&self.instructions, MAX_INSTRUCTIONS)
            .unwrap_or_else(|k| {
                errors.add("instructions", ctx.t.t(k));
                None
            });
        let due_on = if self.due_on.trim().is_empty() {
            None
        } else {
            match crate::domain::parse_date(&self.due_on) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.add("due_on", e.message(&ctx.t));
                    None
                }
            }
        };
        let homework = match (due_on, instructions) {
            (Some(due), Some(what)) => match held_on {
                Some(held) if due < held => {
                    errors.add("due_on", ctx.t.t("lesson-error-due-before"));
                    None
                }
                _ => Some((due, what)),
            },
            (Some(_), None) => {
                errors.add("instructions", ctx.t.t("lesson-error-instructions"));
                None
            }
            (None, Some(_)) if !errors.has("due_on") => {
                errors.add("due_on", ctx.t.t("lesson-error-due"));
                None
            }
            _ => None,
        };
        match held_on {
            Some(held_on) if errors.is_empty() => Ok(NewLesson {
                class_id,
                subject_id,
                teacher_user_id: teacher,
                held_on,
                title,
                content,
                homework,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "lessons/log.html")]
struct LogPage<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    subject_id: i64,
    subject: String,
    lessons: Vec<(LessonRow, Vec<FileRow>)>,
    form: LessonForm,
    errors: FormErrors,
    sisters: Vec<(i64, String)>,
    /// The lesson being edited, if any (the form then rewrites it).
    editing: Option<i64>,
}

impl LogPage<'_> {
    fn action(&self) -> String {
        match self.editing {
            Some(id) => format!("/enseignant/cahier/{id}"),
            None => format!(
                "/enseignant/classes/{}/matieres/{}/cahier",
                self.class.id, self.subject_id
            ),
        }
    }
}

async fn with_files(
    app: &AppState,
    lessons: Vec<LessonRow>,
) -> AppResult<Vec<(LessonRow, Vec<FileRow>)>> {
    let mut out = Vec::with_capacity(lessons.len());
    for l in lessons {
        let files = crate::files::of_owner(&app.db, "lesson", l.id).await?;
        out.push((l, files));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn render_log(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    class: ClassRow,
    subject_id: i64,
    form: LessonForm,
    errors: FormErrors,
    editing: Option<i64>,
) -> AppResult<Response> {
    let subject = school::subject_name(&app.db, subject_id)
        .await?
        .unwrap_or_default();
    let lessons = repo::of_class_subject(&app.db, class.id, subject_id, 60).await?;
    let sisters = if editing.is_none() {
        repo::sister_classes(&app.db, class.id, subject_id, u.id).await?
    } else {
        Vec::new()
    };
    html_status(
        errors.status(),
        &LogPage {
            ctx,
            lessons: with_files(app, lessons).await?,
            class,
            subject_id,
            subject,
            form,
            errors,
            sisters,
            editing,
        },
    )
}

async fn log_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(class_id, subject_id): PathIds,
) -> AppResult<Response> {
    let (u, class) = writer(&app, &ctx, class_id, subject_id).await?;
    let form = LessonForm {
        held_on: ctx.today().to_string(),
        ..Default::default()
    };
    render_log(
        &app,
        &ctx,
        u,
        class,
        subject_id,
        form,
        FormErrors::default(),
        None,
    )
    .await
}

/// The attachment, if one came: images and PDF only, recognised from their content.
fn attachment(
    ctx: &Ctx,
    up: &crate::web::upload::Upload,
) -> Result<Option<crate::files::Received>, FormErrors> {
    up.attachment().map_err(|key| {
        let mut e = FormErrors::default();
        e.add("file", ctx.t.t(key));
        e
    })
}

async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(class_id, subject_id): PathIds,
    req: Request,
) -> AppResult<Response> {
    let (u, class) = writer(&app, &ctx, class_id, subject_id).await?;
    let up = crate::web::upload::read(&app, req, "file", "error-too-large").await?;
    let form = LessonForm::read(&up);
    let checked = form
        .check(&ctx, class_id, subject_id, u.id)
        .and_then(|l| attachment(&ctx, &up).map(|f| (l, f)));
    let (lesson, file) = match checked {
        Ok(v) => v,
        Err(errors) => {
            return render_log(&app, &ctx, u, class, subject_id, form, errors, None).await;
        }
    };
    // The copies go to the sister classes only: any other id was forged.
    let sisters = repo::sister_classes(&app.db, class_id, subject_id, u.id).await?;
    let targets: Vec<i64> = std::iter::once(class_id)
        .chain(
            sisters
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| form.copy_to.contains(id)),
        )
        .collect();
    // The lesson, its copies and their files are written together, or none is.
    let mut tx = crate::db::begin_write(&app.db).await?;
    for target in &targets {
        let l = NewLesson {
            class_id: *target,
            ..lesson.clone()
        };
        let id = repo::insert(&mut tx, &l, ctx.now).await?;
        if let Some(f) = &file {
            crate::files::keep(&mut *tx, &app.files, ("lesson", id), f, u.id, ctx.now).await?;
        }
    }
    tx.commit().await?;
    let n = targets.len() as i64;
    ctx.flash_text("success", ctx.t.count("lesson-saved", n))
        .await?;
    Ok(redirect(&format!(
        "/enseignant/classes/{class_id}/matieres/{subject_id}/cahier"
    )))
}

/// A lesson its teacher may change: only the subject's teacher in that class.
async fn own_lesson<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    id: i64,
) -> AppResult<(&'a CurrentUser, ClassRow, LessonRow)> {
    let l = repo::lesson(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let (u, class) = writer(app, ctx, l.class_id, l.subject_id).await?;
    Ok((u, class, l))
}

async fn edit_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (u, class, l) = own_lesson(&app, &ctx, id).await?;
    let form = LessonForm::of(&l);
    render_log(
        &app,
        &ctx,
        u,
        class,
        l.subject_id,
        form,
        FormErrors::default(),
        Some(id),
    )
    .await
}

async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Response> {
    let (u, class, l) = own_lesson(&app, &ctx, id).await?;
    let up = crate::web::upload::read(&app, req, "file", "error-too-large").await?;
    let form = LessonForm::read(&up);
    let checked = form
        .check(&ctx, l.class_id, l.subject_id, u.id)
        .and_then(|n| attachment(&ctx, &up).map(|f| (n, f)));
    let (lesson, file) = match checked {
        Ok(v) => v,
        Err(errors) => {
            return render_log(&app, &ctx, u, class, l.subject_id, form, errors, Some(id)).await;
        }
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::update(&mut tx, id, &lesson, ctx.now).await?;
    if let Some(f) = &file {
        crate::files::keep(&mut *tx, &app.files, ("lesson", id), f, u.id, ctx.now).await?;
    }
    tx.commit().await?;
    ctx.flash("success", "lesson-updated").await?;
    Ok(redirect(&format!(
        "/enseignant/classes/{}/matieres/{}/cahier",
        l.class_id, l.subject_id
    )))
}

async fn remove(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let (_, _, l) = own_lesson(&app, &ctx, id).await?;
    repo::delete(&app.db, id).await?;
    ctx.flash("success", "lesson-deleted").await?;
    Ok(redirect(&format!(
        "/enseignant/classes/{}/matieres/{}/cahier",
        l.class_id, l.subject_id
    )))
}

// ---------------------------------------------------------------- à faire

#[derive(Template)]
#[template(path = "lessons/todo.html")]
struct TodoPage<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    /// The parent's view names the child and links back to them.
    for_parent: bool,
    items: Vec<crate::todo::Item>,
    lessons: Vec<(LessonRow, Vec<FileRow>)>,
}

impl TodoPage<'_> {
    fn days(&self) -> Vec<(NaiveDate, Vec<&crate::todo::Item>)> {
        crate::todo::by_day(&self.items)
    }
}

async fn todo_page(
    app: &AppState,
    ctx: &Ctx,
    student: StudentRow,
    for_parent: bool,
) -> AppResult<Response> {
    let today = ctx.today();
    let (items, lessons) = match student.class_id {
        Some(class_id) => {
            let ask = crate::todo::Ask {
                student_id: student.id,
                class_id,
                from: today,
                to: today + Duration::days(AHEAD_DAYS),
            };
            let lessons =
                repo::of_class(&app.db, class_id, today - Duration::days(BACK_DAYS), today).await?;
            (
                crate::todo::for_student(&app.db, ask).await?,
                with_files(app, lessons).await?,
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    html(&TodoPage {
        ctx,
        student,
        for_parent,
        items,
        lessons,
    })
}

async fn student_todo(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Student)?;
    let student = school::student_by_user(&app.db, u.id)
        .await?
        .ok_or(AppError::NotFound)?;
    todo_page(&app, &ctx, student, false).await
}

async fn child_todo(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    authz::require(authz::is_guardian_of(&app.db, u, id).await?)?;
    let student = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    todo_page(&app, &ctx, student, true).await
}

// ---------------------------------------------------------------- the director's view

#[derive(Template)]
#[template(path = "lessons/status.html")]
struct StatusPage<'a> {
    ctx: &'a Ctx,
    rows: Vec<LogStatus>,
    behind: i64,
    since: NaiveDate,
}

impl StatusPage<'_> {
    fn is_behind(&self, r: &LogStatus) -> bool {
        super::behind(r.last_on, self.ctx.today())
    }

    /// Days since the last lesson, or None if none was logged.
    fn days_since(&self, r: &LogStatus) -> Option<i64> {
        r.last_on.map(|d| (self.ctx.today() - d).num_days())
    }

    /// The bar's width: lessons logged in the two weeks, against two a week.
    fn fill(&self, r: &LogStatus) -> i64 {
        (r.recent * 25).min(100)
    }
}

async fn status_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let since = ctx.today() - Duration::days(14);
    let mut rows = repo::log_status(&app.db, since).await?;
    let today = ctx.today();
    // The logs furthest behind first; the order of classes otherwise.
    rows.sort_by_key(|r| !super::behind(r.last_on, today));
    let behind = rows
        .iter()
        .filter(|r| super::behind(r.last_on, today))
        .count() as i64;
    html(&StatusPage {
        ctx: &ctx,
        rows,
        behind,
        since,
    })
}

//! Writing a lesson: its title, Markdown text (with a preview), publication, opening day,
//! prerequisite and attached files (images and PDF, recognised from their content).

use askama::Template;
use axum::Form;
use axum::extract::{Request, State};
use axum::response::Response;
use serde::Deserialize;

use super::copy::FILE_OWNER;
use super::repo::{self, CourseRow, LessonRow, ModuleRow, NewLesson};
use super::routes::{MoveForm, optional_day, writable_module};
use super::{MAX_BODY, MAX_TITLE};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::error::{AppError, AppResult};
use crate::files::FileRow;
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// A lesson's form with its attachment fits in this.
pub const MAX_FORM: usize = crate::chat::MAX_FILE + MAX_BODY * 4 + 64 * 1024;

/// The form as typed (kept on errors).
#[derive(Clone, Debug, Default)]
pub struct LessonForm {
    pub title: String,
    pub body: String,
    pub published: bool,
    pub available_from: String,
    pub prerequisite_id: String,
}

impl LessonForm {
    fn of(l: &LessonRow) -> Self {
        LessonForm {
            title: l.title.clone(),
            body: l.body.clone(),
            published: l.published,
            available_from: l.available_from.map(|d| d.to_string()).unwrap_or_default(),
            prerequisite_id: l.prerequisite_id.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    fn read(up: &crate::web::upload::Upload) -> Self {
        LessonForm {
            title: up.field("title").to_string(),
            body: up.field("body").to_string(),
            published: !up.field("published").is_empty(),
            available_from: up.field("available_from").to_string(),
            prerequisite_id: up.field("prerequisite_id").to_string(),
        }
    }

    /// The lesson to write, or the errors to show. `me` is the lesson being edited; its
    /// prerequisite must be another lesson of the course that does not, in turn, wait for it.
    fn check(
        &self,
        ctx: &Ctx,
        me: Option<i64>,
        lessons: &[LessonRow],
    ) -> Result<NewLesson, FormErrors> {
        let mut errors = FormErrors::default();
        let title = crate::domain::required_text(&self.title, MAX_TITLE).unwrap_or_else(|k| {
            errors.add("title", ctx.t.t(k));
            String::new()
        });
        if self.body.len() > MAX_BODY {
            errors.add("body", ctx.t.t("error-too-long"));
        }
        let available_from = optional_day(ctx, &self.available_from, "available_from", &mut errors);
        let prerequisite_id = match self.prerequisite_id.trim() {
            "" => None,
            p => match p.parse::<i64>() {
                Ok(p) if Some(p) != me && !waits_for(lessons, p, me) => Some(p),
                _ => {
                    errors.add("prerequisite_id", ctx.t.t("course-error-prerequisite"));
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(NewLesson {
                title,
                body: self.body.replace("\r\n", "\n"),
                published: self.published,
                available_from,
                prerequisite_id,
            })
        } else {
            Err(errors)
        }
    }
}

/// Whether lesson `p` is unknown to the course, or its chain of prerequisites reaches `me`
/// (choosing it would lock both forever).
fn waits_for(lessons: &[LessonRow], p: i64, me: Option<i64>) -> bool {
    let mut at = Some(p);
    for _ in 0..=lessons.len() {
        match at {
            None => return false,
            Some(id) if Some(id) == me => return true,
            Some(id) => match lessons.iter().find(|l| l.id == id) {
                Some(l) => at = l.prerequisite_id,
                None => return true,
            },
        }
    }
    true
}

#[derive(Template)]
#[template(path = "courses/lesson_form.html")]
struct FormPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    module: ModuleRow,
    /// The lesson being edited, if any.
    editing: Option<i64>,
    form: LessonForm,
    errors: FormErrors,
    /// The other lessons of the course, for the prerequisite.
    others: Vec<LessonRow>,
    files: Vec<FileRow>,
    preview: String,
}

impl FormPage<'_> {
    fn action(&self) -> String {
        match self.editing {
            Some(id) => format!("/enseignant/cours/lecons/{id}"),
            None => format!("/enseignant/cours/modules/{}/lecon", self.module.id),
        }
    }

    fn is_prerequisite(&self, id: &i64) -> bool {
        self.form.prerequisite_id == id.to_string()
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    app: &AppState,
    ctx: &Ctx,
    course: CourseRow,
    module: ModuleRow,
    editing: Option<i64>,
    form: LessonForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let others = repo::lessons(&app.db, course.id)
        .await?
        .into_iter()
        .filter(|l| Some(l.id) != editing)
        .collect();
    let files = match editing {
        Some(id) => crate::files::of_owner(&app.db, FILE_OWNER, id).await?,
        None => Vec::new(),
    };
    let preview = super::render_markdown(&form.body);
    html_status(
        errors.status(),
        &FormPage {
            ctx,
            course,
            module,
            editing,
            form,
            errors,
            others,
            files,
            preview,
        },
    )
}

pub async fn new_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, course, module) = writable_module(&app, &ctx, id).await?;
    let form = LessonForm::default();
    render_form(
        &app,
        &ctx,
        course,
        module,
        None,
        form,
        FormErrors::default(),
    )
    .await
}

/// A lesson its teacher may change, with its module and course.
async fn writable_lesson<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    id: i64,
) -> AppResult<(&'a CurrentUser, CourseRow, ModuleRow, LessonRow)> {
    let l = repo::lesson(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let (u, c, m) = writable_module(app, ctx, l.module_id).await?;
    Ok((u, c, m, l))
}

pub async fn edit_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, course, module, l) = writable_lesson(&app, &ctx, id).await?;
    let form = LessonForm::of(&l);
    render_form(
        &app,
        &ctx,
        course,
        module,
        Some(id),
        form,
        FormErrors::default(),
    )
    .await
}

/// The attachment, if one came: images and PDF only, recognised from their content.
fn attachment(
    ctx: &Ctx,
    up: &crate::web::upload::Upload,
    errors: &mut FormErrors,
) -> Option<crate::files::Received> {
    up.attachment()
        .map_err(|key| errors.add("file", ctx.t.t(key)))
        .ok()
        .flatten()
}

/// Writes a new lesson (`editing` None) or an edited one, with its file, in one transaction.
async fn save(
    app: &AppState,
    ctx: &Ctx,
    req: Request,
    course: CourseRow,
    module: ModuleRow,
    editing: Option<i64>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let up = crate::web::upload::read(app, req, "file", "error-too-large").await?;
    let form = LessonForm::read(&up);
    let lessons = repo::lessons(&app.db, course.id).await?;
    let checked = form.check(ctx, editing, &lessons);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    let file = attachment(ctx, &up, &mut errors);
    let lesson = match checked {
        Ok(l) if errors.is_empty() => l,
        _ => return render_form(app, ctx, course, module, editing, form, errors).await,
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = match editing {
        Some(id) => {
            repo::update_lesson(&mut *tx, id, &lesson, ctx.now).await?;
            id
        }
        None => repo::insert_lesson(&mut *tx, module.id, &lesson, ctx.now).await?,
    };
    if let Some(f) = &file {
        crate::files::keep(&mut *tx, &app.files, (FILE_OWNER, id), f, u.id, ctx.now).await?;
    }
    tx.commit().await?;
    ctx.flash("success", "course-lesson-saved").await?;
    Ok(redirect(&format!(
        "/enseignant/cours/{}#module-{}",
        course.id, module.id
    )))
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Response> {
    let (_, course, module) = writable_module(&app, &ctx, id).await?;
    save(&app, &ctx, req, course, module, None).await
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Response> {
    let (_, course, module, _) = writable_lesson(&app, &ctx, id).await?;
    save(&app, &ctx, req, course, module, Some(id)).await
}

pub async fn move_lesson(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let (_, course, module, _) = writable_lesson(&app, &ctx, id).await?;
    repo::move_lesson(&app.db, id, f.up()?).await?;
    Ok(redirect(&format!(
        "/enseignant/cours/{}#module-{}",
        course.id, module.id
    )))
}

pub async fn remove(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, course, module, _) = writable_lesson(&app, &ctx, id).await?;
    repo::delete_lesson(&app.db, id).await?;
    ctx.flash("success", "course-lesson-deleted").await?;
    Ok(redirect(&format!(
        "/enseignant/cours/{}#module-{}",
        course.id, module.id
    )))
}

#[derive(Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    body: String,
}

#[derive(Template)]
#[template(source = "{{ html|safe }}", ext = "html")]
struct Preview {
    html: String,
}

/// The Markdown as students will see it (an htmx fragment).
pub async fn preview(ctx: Ctx, Form(f): Form<PreviewForm>) -> AppResult<Response> {
    ctx.require(Portal::Teacher)?;
    if f.body.len() > MAX_BODY {
        return Err(AppError::TooLarge("error-too-long"));
    }
    html(&Preview {
        html: super::render_markdown(&f.body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(id: i64, pre: Option<i64>) -> LessonRow {
        LessonRow {
            id,
            module_id: 1,
            position: id,
            title: String::new(),
            body: String::new(),
            published: true,
            available_from: None,
            prerequisite_id: pre,
        }
    }

    #[test]
    fn a_prerequisite_never_makes_a_cycle() {
        let all = vec![l(1, None), l(2, Some(1)), l(3, Some(2))];
        assert!(!waits_for(&all, 2, Some(4)));
        // 1 waiting for 3 would lock 1, 2 and 3 forever.
        assert!(waits_for(&all, 3, Some(1)));
        // A lesson of another course.
        assert!(waits_for(&all, 99, Some(1)));
        assert!(!waits_for(&all, 1, None));
    }
}

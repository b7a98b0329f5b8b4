//! Assignments on the student's side: the panel of the lesson page, the page to hand work
//! in, and who may download the files handed in.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};

use super::repo::{self as arepo, AssignmentRow, SubmissionRow};
use super::{Criterion, FILE_OWNER, LatePolicy, MAX_FILES, MAX_TEXT};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{Allow, Rule};
use crate::courses::repo::{CourseRow, LessonRow};
use crate::courses::view::{self, Opened};
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::files::FileRow;
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

/// A submission's form with a file fits in this.
const MAX_FORM: usize = crate::chat::MAX_FILE + MAX_TEXT * 4 + 64 * 1024;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/cours/lecons/{id}/rendu",
        get(hand_in_page)
            .post(hand_in)
            .layer(DefaultBodyLimit::max(MAX_FORM))
            .allow(Rule::STUDENT),
    )
}

/// "02/12/2026 à 18 h 00" in the reader's words.
pub(super) fn when(ctx: &Ctx, at: &DateTime<Utc>) -> String {
    ctx.t.datetime(at)
}

// ---------------------------------------------------------------- the student's side

/// The assignment panel of a lesson page, if the lesson asks for work.
#[derive(Template)]
#[template(path = "courses/assignment_panel.html")]
struct Panel<'a> {
    ctx: &'a Ctx,
    lesson_id: i64,
    a: AssignmentRow,
    mine: Option<SubmissionRow>,
    student: bool,
    writer: bool,
}

impl Panel<'_> {
    fn due(&self) -> String {
        when(self.ctx, &self.a.due_at)
    }

    fn policy_key(&self) -> String {
        format!("assignment-policy-{}", self.a.late_policy)
    }

    fn status(&self) -> String {
        status_text(self.ctx, self.mine.as_ref())
    }
}

/// Where a student's work stands, in words.
pub(super) fn status_text(ctx: &Ctx, s: Option<&SubmissionRow>) -> String {
    match s {
        None => ctx.t.t("assignment-not-handed-in"),
        Some(s) => {
            let mut out = if s.late_days > 0 {
                ctx.t.tj(
                    "assignment-handed-in-late",
                    serde_json::json!({"at": when(ctx, &s.submitted_at), "days": s.late_days}),
                )
            } else {
                ctx.t
                    .t1("assignment-handed-in", "at", when(ctx, &s.submitted_at))
            };
            if let Some(m) = s.mark {
                out.push_str(" · ");
                out.push_str(&ctx.t.t1("assignment-marked", "mark", ctx.t.hundredths(m)));
            }
            out
        }
    }
}

pub async fn panel(app: &AppState, ctx: &Ctx, o: &Opened) -> AppResult<Option<String>> {
    let Some(a) = arepo::assignment(&app.db, o.lesson.id).await? else {
        return Ok(None);
    };
    let mine = match o.reader.student {
        Some(s) => arepo::submission_of(&app.db, o.lesson.id, s).await?,
        None => None,
    };
    let p = Panel {
        ctx,
        lesson_id: o.lesson.id,
        a,
        mine,
        student: o.reader.student.is_some(),
        writer: o.reader.writer,
    };
    Ok(Some(p.render().map_err(|e| AppError::Internal(e.into()))?))
}

#[derive(Template)]
#[template(path = "courses/hand_in.html")]
struct HandInPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    lesson: LessonRow,
    a: AssignmentRow,
    mine: Option<SubmissionRow>,
    files: Vec<FileRow>,
    text: String,
    errors: FormErrors,
    criteria: Vec<(Criterion, Option<i64>)>,
}

impl HandInPage<'_> {
    fn due(&self) -> String {
        when(self.ctx, &self.a.due_at)
    }

    fn policy_key(&self) -> String {
        format!("assignment-policy-{}", self.a.late_policy)
    }

    fn status(&self) -> String {
        status_text(self.ctx, self.mine.as_ref())
    }

    fn marked(&self) -> bool {
        self.mine.as_ref().is_some_and(|m| m.mark.is_some())
    }

    fn closed(&self) -> bool {
        self.a.policy() == LatePolicy::Refuse && self.ctx.now > self.a.due_at
    }
}

/// The student's lesson, its assignment and their work so far.
async fn own(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(i64, Opened, AssignmentRow, Option<SubmissionRow>)> {
    let u = ctx.require(Portal::Student)?;
    let o = view::open_lesson(&app.db, u, id, ctx.today()).await?;
    let (Some(student), true) = (o.reader.student, o.state.is_open()) else {
        return Err(AppError::Forbidden);
    };
    let a = arepo::assignment(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = arepo::submission_of(&app.db, id, student).await?;
    Ok((student, o, a, mine))
}

async fn render_hand_in(
    app: &AppState,
    ctx: &Ctx,
    o: Opened,
    a: AssignmentRow,
    mine: Option<SubmissionRow>,
    text: String,
    errors: FormErrors,
) -> AppResult<Response> {
    let files = match &mine {
        Some(s) => crate::files::of_owner(&app.db, FILE_OWNER, s.id).await?,
        None => Vec::new(),
    };
    let scores = mine.as_ref().map(|m| m.scores()).unwrap_or_default();
    let criteria = a
        .rubric()
        .into_iter()
        .enumerate()
        .map(|(i, c)| (c, scores.get(i).copied()))
        .collect();
    html_status(
        errors.status(),
        &HandInPage {
            ctx,
            course: o.reader.course,
            lesson: o.lesson,
            a,
            mine,
            files,
            text,
            errors,
            criteria,
        },
    )
}

async fn hand_in_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, o, a, mine) = own(&app, &ctx, id).await?;
    let text = mine.as_ref().map(|m| m.body.clone()).unwrap_or_default();
    render_hand_in(&app, &ctx, o, a, mine, text, FormErrors::default()).await
}

/// Hands work in (text, a file, or both); again to change it until it is marked.
async fn hand_in(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: Request,
) -> AppResult<Response> {
    let (student, o, a, mine) = own(&app, &ctx, id).await?;
    let up = crate::web::upload::read(&app, req, "file", "error-too-large").await?;
    let text = up.field("body").replace("\r\n", "\n");
    let mut errors = FormErrors::default();
    if mine.as_ref().is_some_and(|m| m.mark.is_some()) {
        return Err(AppError::Conflict("assignment-error-marked"));
    }
    let late = super::late_days(a.due_at, ctx.now);
    if late > 0 && a.policy() == LatePolicy::Refuse {
        errors.add("body", ctx.t.t("assignment-error-closed"));
    }
    if text.chars().count() > MAX_TEXT {
        errors.add("body", ctx.t.t("error-too-long"));
    }
    if !a.accept_text && !text.trim().is_empty() {
        errors.add("body", ctx.t.t("assignment-error-no-text"));
    }
    let known = match &mine {
        Some(s) => crate::files::of_owner(&app.db, FILE_OWNER, s.id)
            .await?
            .len(),
        None => 0,
    };
    let file = match &up.file {
        Some((name, bytes)) => match crate::chat::attachment_type(bytes) {
            _ if !a.accept_files => {
                errors.add("file", ctx.t.t("assignment-error-no-files"));
                None
            }
            _ if known >= MAX_FILES => {
                errors.add("file", ctx.t.t("assignment-error-too-many-files"));
                None
            }
            Some(ct) => Some((name.clone(), ct, bytes.clone())),
            None => {
                errors.add("file", ctx.t.t("lesson-error-file-type"));
                None
            }
        },
        None => None,
    };
    if errors.is_empty() && text.trim().is_empty() && file.is_none() && known == 0 {
        errors.add("body", ctx.t.t("assignment-error-empty"));
    }
    if !errors.is_empty() {
        return render_hand_in(&app, &ctx, o, a, mine, text, errors).await;
    }
    let first = mine.is_none();
    let mut tx = crate::db::begin_write(&app.db).await?;
    let Some(sid) = arepo::hand_in(&mut *tx, id, student, text.trim(), late, ctx.now).await? else {
        return Err(AppError::Conflict("assignment-error-marked"));
    };
    if let Some(f) = &file {
        crate::files::keep(
            &mut *tx,
            &app.files,
            (FILE_OWNER, sid),
            f,
            ctx.user_id(),
            ctx.now,
        )
        .await?;
    }
    let course = &o.reader.course;
    view::mark_completed(&mut tx, course, id, student, ctx.user_id(), ctx.now).await?;
    if first {
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::AssignmentSubmitted(crate::events::AssignmentSubmitted {
                course_id: course.id,
                lesson_id: id,
                student_id: student,
                class_id: course.class_id,
                on_time: late == 0,
            }),
            Some(ctx.user_id()),
            ctx.now,
        )
        .await?;
    }
    tx.commit().await?;
    ctx.flash("success", "assignment-handed-in-flash").await?;
    Ok(redirect(&format!("/cours/lecons/{id}/rendu")))
}

/// May `u` download a file of submission `id`? Its student, their parents, and the
/// course's teachers and the administration.
pub async fn may_download(
    db: &Pool,
    u: &CurrentUser,
    id: i64,
    today: chrono::NaiveDate,
) -> AppResult<bool> {
    let Some(s) = arepo::submission(db, id).await? else {
        return Ok(false);
    };
    let o = match view::open_lesson(db, u, s.lesson_id, today).await {
        Ok(o) => o,
        Err(AppError::NotFound | AppError::Forbidden) => return Ok(false),
        Err(e) => return Err(e),
    };
    Ok(o.reader.writer
        || o.reader.student == Some(s.student_id)
        || crate::authz::is_guardian_of(db, u, s.student_id).await?)
}

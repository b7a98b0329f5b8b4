//! Following online courses: a student's courses with their progress, a course's outline, a
//! lesson (each view recorded, "terminé" publishing a school event), a parent's view of a
//! child's courses, and a teacher's view of a class's progress lesson by lesson.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use std::collections::HashMap;

use super::copy::FILE_OWNER;
use super::repo::{self, CourseRow, LessonRow, ModuleRow, ProgressRow};
use super::{Lock, State as LessonState};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{self, Allow, Rule};
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::files::FileRow;
use crate::school::{self, StudentRow};
use crate::web::{Ctx, PathId, html, html_status, redirect};

pub fn router() -> Router<AppState> {
    // A course is read by whoever sees its class (checked per course); its drafts by its
    // writers and the administration.
    Router::new()
        .route("/eleve/cours", get(student_courses).allow(Rule::STUDENT))
        .route(
            "/parent/enfants/{id}/cours",
            get(child_courses).allow(Rule::PARENT),
        )
        .route("/cours/{id}", get(course_page).allow(Rule::SignedIn))
        .route(
            "/cours/{id}/progression",
            get(progress_page).allow(Rule::SignedIn),
        )
        .route("/cours/lecons/{id}", get(lesson_page).allow(Rule::SignedIn))
        .route(
            "/cours/lecons/{id}/pdf",
            get(super::pdf::lesson_pdf).allow(Rule::SignedIn),
        )
        .route(
            "/cours/lecons/{id}/termine",
            post(complete).allow(Rule::STUDENT),
        )
}

/// How a user stands with a course.
pub struct Reader {
    pub course: CourseRow,
    /// May see drafts: the course's teachers and the administration.
    pub writer: bool,
    /// The user's own student record, when they are a student of the class.
    pub student: Option<i64>,
}

/// The user's standing with a course: NotFound / Forbidden when they may not read it.
pub async fn reader(db: &Pool, u: &CurrentUser, course_id: i64) -> AppResult<Reader> {
    let course = repo::course(db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_class(db, u, course.class_id).await?)?;
    let writer =
        u.is_admin() || authz::can_grade(db, u, course.class_id, course.subject_id).await?;
    let student = match school::student_by_user(db, u.id).await? {
        Some(s) if s.class_id == Some(course.class_id) => Some(s.id),
        _ => None,
    };
    Ok(Reader {
        course,
        writer,
        student,
    })
}

/// A lesson with where the reader stands.
pub struct Step {
    pub lesson: LessonRow,
    pub state: LessonState,
    /// The share of its video the student watched, once played.
    pub watched: Option<i64>,
}

/// A module as a reader sees it.
pub struct Part {
    pub module: ModuleRow,
    pub steps: Vec<Step>,
}

/// A course's outline for a reader: drafts only for writers; each lesson's state for the
/// student whose `progress` is given (locks by day only when none is).
pub async fn outline(
    db: &Pool,
    course_id: i64,
    writer: bool,
    progress: Option<&[ProgressRow]>,
    today: NaiveDate,
) -> Result<Vec<Part>, sqlx::Error> {
    let lessons = repo::lessons(db, course_id).await?;
    let by_lesson: HashMap<i64, &ProgressRow> = progress
        .unwrap_or_default()
        .iter()
        .map(|p| (p.lesson_id, p))
        .collect();
    let done = |id: i64| {
        progress.is_none() || by_lesson.get(&id).is_some_and(|p| p.completed_at.is_some())
    };
    let mut parts = Vec::new();
    for module in repo::modules(db, course_id).await? {
        let steps: Vec<Step> = lessons
            .iter()
            .filter(|l| l.module_id == module.id)
            .filter_map(|l| {
                let state = match super::lock(&module, l, &lessons, today, done) {
                    Some(Lock::Draft) if !writer => return None,
                    Some(lock) => LessonState::Locked(lock),
                    None => match by_lesson.get(&l.id) {
                        Some(p) if p.completed_at.is_some() => LessonState::Completed,
                        Some(_) => LessonState::Viewed,
                        None => LessonState::New,
                    },
                };
                Some(Step {
                    lesson: l.clone(),
                    state,
                    watched: by_lesson.get(&l.id).and_then(|p| p.video_percent),
                })
            })
            .collect();
        if writer || module.published {
            parts.push(Part { module, steps });
        }
    }
    Ok(parts)
}

/// Lessons open to the student, and how many of them they completed.
pub fn counts(parts: &[Part]) -> (usize, usize) {
    let steps = parts.iter().flat_map(|p| &p.steps);
    let open: Vec<&Step> = steps
        .filter(|s| !matches!(s.state, LessonState::Locked(Lock::Draft)))
        .collect();
    let done = open
        .iter()
        .filter(|s| s.state == LessonState::Completed)
        .count();
    (done, open.len())
}

/// Whether `u` may open lesson `id` now, with what it takes to show it.
pub struct Opened {
    pub reader: Reader,
    pub parts: Vec<Part>,
    pub lesson: LessonRow,
    pub state: LessonState,
}

pub async fn open_lesson(
    db: &Pool,
    u: &CurrentUser,
    id: i64,
    today: NaiveDate,
) -> AppResult<Opened> {
    let lesson = repo::lesson(db, id).await?.ok_or(AppError::NotFound)?;
    let module = repo::module(db, lesson.module_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reader = reader(db, u, module.course_id).await?;
    let progress = match reader.student {
        Some(s) => Some(repo::progress_of(db, module.course_id, s).await?),
        None => None,
    };
    let parts = outline(
        db,
        module.course_id,
        reader.writer,
        progress.as_deref(),
        today,
    )
    .await?;
    // A draft is unknown to readers who may not see it.
    let state = parts
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.lesson.id == id)
        .map(|s| s.state.clone())
        .ok_or(AppError::NotFound)?;
    Ok(Opened {
        reader,
        parts,
        lesson,
        state,
    })
}

/// May `u` download a file of lesson `id`? Whoever may open the lesson now (its writers
/// always).
pub async fn may_download(
    db: &Pool,
    u: &CurrentUser,
    id: i64,
    today: NaiveDate,
) -> AppResult<bool> {
    match open_lesson(db, u, id, today).await {
        Ok(o) => Ok(o.reader.writer || o.state.is_open()),
        Err(AppError::NotFound | AppError::Forbidden) => Ok(false),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- a student's courses

/// A course in a student's list.
pub struct Followed {
    pub course: CourseRow,
    pub done: usize,
    pub open: usize,
    /// The first lesson open and not completed.
    pub next: Option<LessonRow>,
    pub parts: Vec<Part>,
}

impl Followed {
    pub fn percent(&self) -> i64 {
        super::percent(self.done, self.open)
    }
}

async fn followed(db: &Pool, student: &StudentRow, today: NaiveDate) -> AppResult<Vec<Followed>> {
    let Some(class_id) = student.class_id else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for course in repo::of_class(db, class_id).await? {
        let progress = repo::progress_of(db, course.id, student.id).await?;
        let parts = outline(db, course.id, false, Some(&progress), today).await?;
        let (done, open) = counts(&parts);
        if parts.iter().all(|p| p.steps.is_empty()) {
            continue;
        }
        let next = parts
            .iter()
            .flat_map(|p| &p.steps)
            .find(|s| matches!(s.state, LessonState::New | LessonState::Viewed))
            .map(|s| s.lesson.clone());
        out.push(Followed {
            course,
            done,
            open,
            next,
            parts,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "courses/followed.html")]
struct FollowedPage<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    for_parent: bool,
    courses: Vec<Followed>,
}

async fn student_courses(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Student)?;
    let student = school::student_by_user(&app.db, u.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let courses = followed(&app.db, &student, ctx.today()).await?;
    html(&FollowedPage {
        ctx: &ctx,
        student,
        for_parent: false,
        courses,
    })
}

async fn child_courses(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    authz::require(authz::is_guardian_of(&app.db, u, id).await?)?;
    let student = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let courses = followed(&app.db, &student, ctx.today()).await?;
    html(&FollowedPage {
        ctx: &ctx,
        student,
        for_parent: true,
        courses,
    })
}

// ---------------------------------------------------------------- a course, a lesson

#[derive(Template)]
#[template(path = "courses/course.html")]
struct CoursePage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    writer: bool,
    student: bool,
    parts: Vec<Part>,
    done: usize,
    open: usize,
}

impl CoursePage<'_> {
    fn percent(&self) -> i64 {
        super::percent(self.done, self.open)
    }

    fn summary(&self) -> String {
        super::render_markdown(&self.course.summary)
    }
}

async fn course_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let r = reader(&app.db, u, id).await?;
    let progress = match r.student {
        Some(s) => Some(repo::progress_of(&app.db, id, s).await?),
        None => None,
    };
    let parts = outline(&app.db, id, r.writer, progress.as_deref(), ctx.today()).await?;
    let (done, open) = counts(&parts);
    html(&CoursePage {
        ctx: &ctx,
        course: r.course,
        writer: r.writer,
        student: r.student.is_some(),
        parts,
        done,
        open,
    })
}

#[derive(Template)]
#[template(path = "courses/lesson.html")]
struct LessonPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    lesson: LessonRow,
    state: LessonState,
    student: bool,
    writer: bool,
    body: String,
    files: Vec<FileRow>,
    prev: Option<i64>,
    next: Option<i64>,
    /// The quiz of the lesson, if it holds one (its own panel).
    quiz: Option<String>,
    /// The video's player, or word that it is on its way.
    video: Option<String>,
}

impl LessonPage<'_> {
    /// Why the lesson is closed, in words.
    fn lock_text(&self) -> String {
        match &self.state {
            LessonState::Locked(Lock::Until(d)) => {
                self.ctx
                    .t
                    .t1("course-lock-until", "date", self.ctx.t.date(d))
            }
            LessonState::Locked(Lock::After(t)) => {
                self.ctx.t.t1("course-lock-after", "lesson", t.clone())
            }
            LessonState::Locked(Lock::Draft) => self.ctx.t.t("course-lock-draft"),
            _ => String::new(),
        }
    }

    fn completed(&self) -> bool {
        self.state == LessonState::Completed
    }
}

async fn lesson_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let o = open_lesson(&app.db, u, id, ctx.today()).await?;
    let open = o.reader.writer || o.state.is_open();
    let quiz = if open {
        let quiz = super::quiz::attempt::panel(&app, &ctx, &o).await?;
        let work = super::assignment::routes::panel(&app, &ctx, &o).await?;
        match (quiz, work) {
            (Some(q), Some(w)) => Some(q + &w),
            (q, w) => q.or(w),
        }
    } else {
        None
    };
    let video = if open {
        super::video::routes::panel(&app, &ctx, &o).await?
    } else {
        None
    };
    // Neighbours among the lessons the reader may open.
    let order: Vec<i64> = o
        .parts
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| o.reader.writer || s.state.is_open())
        .map(|s| s.lesson.id)
        .collect();
    let at = order.iter().position(|l| *l == id);
    let prev = at.and_then(|i| i.checked_sub(1)).map(|i| order[i]);
    let next = at.and_then(|i| order.get(i + 1).copied());
    let mut state = o.state;
    if let (Some(student), true) = (o.reader.student, open) {
        repo::record_view(&app.db, id, student, ctx.now).await?;
        if state == LessonState::New {
            state = LessonState::Viewed;
        }
    }
    let (body, files) = if open {
        (
            super::render_markdown(&o.lesson.body),
            crate::files::of_owner(&app.db, FILE_OWNER, id).await?,
        )
    } else {
        (String::new(), Vec::new())
    };
    let page = LessonPage {
        ctx: &ctx,
        course: o.reader.course,
        lesson: o.lesson,
        state,
        student: o.reader.student.is_some(),
        writer: o.reader.writer,
        body,
        files,
        prev,
        next,
        quiz,
        video,
    };
    if open {
        html(&page)
    } else {
        html_status(axum::http::StatusCode::FORBIDDEN, &page)
    }
}

/// Completes a lesson for a student inside `tx`; the first time publishes the event (which
/// gamification may reward).
pub async fn mark_completed(
    tx: &mut crate::db::Tx<'_>,
    course: &CourseRow,
    lesson_id: i64,
    student_id: i64,
    by: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    if repo::complete(tx, lesson_id, student_id, at).await? {
        crate::events::publish(
            &mut **tx,
            &crate::events::SchoolEvent::CourseLessonCompleted(
                crate::events::CourseLessonCompleted {
                    course_id: course.id,
                    lesson_id,
                    student_id,
                    class_id: course.class_id,
                    subject_id: course.subject_id,
                },
            ),
            Some(by),
            at,
        )
        .await?;
    }
    Ok(())
}

/// A student marks an open lesson done; the first time publishes the event.
async fn complete(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Student)?;
    let o = open_lesson(&app.db, u, id, ctx.today()).await?;
    let (Some(student), true) = (o.reader.student, o.state.is_open()) else {
        return Err(AppError::Forbidden);
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    mark_completed(&mut tx, &o.reader.course, id, student, u.id, ctx.now).await?;
    tx.commit().await?;
    ctx.flash("success", "course-lesson-completed").await?;
    let next = o
        .parts
        .iter()
        .flat_map(|p| &p.steps)
        .skip_while(|s| s.lesson.id != id)
        .nth(1)
        .map(|s| s.lesson.id);
    Ok(redirect(&match next {
        Some(n) => format!("/cours/lecons/{n}"),
        None => format!("/cours/{}", o.reader.course.id),
    }))
}

// ---------------------------------------------------------------- a class's progress

/// A student's row of the progress table.
pub struct ProgressLine {
    pub student: StudentRow,
    /// Per lesson of the table: None (not opened), Some(false) viewed, Some(true) completed.
    pub cells: Vec<Option<bool>>,
    /// Per lesson of the table: the share of its video watched, if it has one and was played.
    pub watched: Vec<Option<i64>>,
    pub done: usize,
}

#[derive(Template)]
#[template(path = "courses/progress.html")]
struct ProgressPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    lessons: Vec<LessonRow>,
    lines: Vec<ProgressLine>,
}

impl ProgressPage<'_> {
    fn percent(&self, l: &ProgressLine) -> i64 {
        super::percent(l.done, self.lessons.len())
    }

    /// "▶ 80 %" under a lesson whose video the student played.
    fn watched(&self, l: &ProgressLine, i: &usize) -> String {
        match l.watched.get(*i).copied().flatten() {
            Some(p) => self.ctx.t.t1("video-watched-short", "percent", p),
            None => String::new(),
        }
    }

    /// How many students completed the i-th lesson.
    fn completed(&self, i: &usize) -> usize {
        self.lines
            .iter()
            .filter(|l| l.cells.get(*i) == Some(&Some(true)))
            .count()
    }
}

async fn progress_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let r = reader(&app.db, u, id).await?;
    authz::require(r.writer)?;
    let lessons: Vec<LessonRow> = outline(&app.db, id, false, None, ctx.today())
        .await?
        .into_iter()
        .flat_map(|p| p.steps.into_iter().map(|s| s.lesson))
        .collect();
    let progress = repo::progress_of_course(&app.db, id).await?;
    let lines = school::roster(&app.db, r.course.class_id)
        .await?
        .into_iter()
        .map(|student| {
            let cells: Vec<Option<bool>> = lessons
                .iter()
                .map(|l| {
                    progress
                        .iter()
                        .find(|p| p.lesson_id == l.id && p.student_id == student.id)
                        .map(|p| p.completed_at.is_some())
                })
                .collect();
            let done = cells.iter().filter(|c| **c == Some(true)).count();
            let watched = lessons
                .iter()
                .map(|l| {
                    progress
                        .iter()
                        .find(|p| p.lesson_id == l.id && p.student_id == student.id)
                        .and_then(|p| p.video_percent)
                })
                .collect();
            ProgressLine {
                student,
                cells,
                watched,
                done,
            }
        })
        .collect();
    html(&ProgressPage {
        ctx: &ctx,
        course: r.course,
        lessons,
        lines,
    })
}

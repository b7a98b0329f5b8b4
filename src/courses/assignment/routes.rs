//! Assignments on screen: the panel of the lesson page, the student's page to hand work in,
//! the teacher's settings with the class's submissions, marking one with the rubric, the
//! marks to the gradebook; the reminders before the due time; the "à faire" entries.

use askama::Template;
use axum::Form;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Deserialize;

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
use crate::school::StudentRow;
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

/// A submission's form with a file fits in this.
const MAX_FORM: usize = crate::chat::MAX_FILE + MAX_TEXT * 4 + 64 * 1024;

pub fn router() -> axum::Router<AppState> {
    let teacher = Rule::TEACHER;
    axum::Router::new()
        .route(
            "/cours/lecons/{id}/rendu",
            get(hand_in_page)
                .post(hand_in)
                .layer(DefaultBodyLimit::max(MAX_FORM))
                .allow(Rule::STUDENT),
        )
        .route(
            "/enseignant/cours/lecons/{id}/devoir",
            get(manage_page).post(settings).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/devoir/carnet",
            post(to_gradebook).allow(teacher),
        )
        .route(
            "/enseignant/copies/{id}",
            get(grade_page).post(grade).allow(teacher),
        )
}

/// "02/12/2026 à 18 h 00" in the reader's words.
fn when(ctx: &Ctx, at: &DateTime<Utc>) -> String {
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
fn status_text(ctx: &Ctx, s: Option<&SubmissionRow>) -> String {
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
    if let Some((name, ct, bytes)) = &file {
        crate::files::save(
            &mut *tx,
            &app.files,
            (FILE_OWNER, sid),
            name,
            ct,
            bytes,
            Some(ctx.user_id()),
            ctx.now,
        )
        .await
        .map_err(AppError::Internal)?;
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

// ---------------------------------------------------------------- the teacher's side

/// A student's line of the submissions.
pub struct Line {
    pub student: StudentRow,
    pub submission: Option<SubmissionRow>,
}

#[derive(Template)]
#[template(path = "courses/assignment.html")]
struct ManagePage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    lesson: LessonRow,
    a: Option<AssignmentRow>,
    form: SettingsForm,
    errors: FormErrors,
    lines: Vec<Line>,
}

impl ManagePage<'_> {
    fn status(&self, l: &Line) -> String {
        status_text(self.ctx, l.submission.as_ref())
    }

    /// "12 copies rendues sur 45".
    fn handed_in(&self) -> String {
        let n = self.lines.iter().filter(|l| l.submission.is_some()).count();
        self.ctx.t.tj(
            "assignment-handed-count",
            serde_json::json!({"n": n, "of": self.lines.len()}),
        )
    }

    fn is_policy(&self, p: &str) -> bool {
        self.form.late_policy == p
    }

    fn policy_name(&self, p: &str) -> String {
        self.ctx.t.t(format!("assignment-policy-{p}"))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub due_at: String,
    #[serde(default)]
    pub late_policy: String,
    #[serde(default)]
    pub penalty_per_day: String,
    #[serde(default)]
    pub accept_text: Option<String>,
    #[serde(default)]
    pub accept_files: Option<String>,
    #[serde(default)]
    pub rubric: String,
}

impl SettingsForm {
    fn of(a: &AssignmentRow) -> Self {
        SettingsForm {
            due_at: a.due_at.format("%Y-%m-%dT%H:%M").to_string(),
            late_policy: a.late_policy.clone(),
            penalty_per_day: a.penalty_per_day.to_string(),
            accept_text: a.accept_text.then(|| "1".into()),
            accept_files: a.accept_files.then(|| "1".into()),
            rubric: super::rubric_text(&a.rubric()),
        }
    }
}

/// A lesson the teacher may make an assignment of, with its course.
async fn writable(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<(i64, CourseRow, LessonRow)> {
    let lesson = crate::courses::repo::lesson(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (u, course, _) =
        crate::courses::routes::writable_module(app, ctx, lesson.module_id).await?;
    Ok((u.id, course, lesson))
}

async fn render_manage(
    app: &AppState,
    ctx: &Ctx,
    course: CourseRow,
    lesson: LessonRow,
    form: Option<SettingsForm>,
    errors: FormErrors,
) -> AppResult<Response> {
    let a = arepo::assignment(&app.db, lesson.id).await?;
    let form = form.unwrap_or_else(|| match &a {
        Some(a) => SettingsForm::of(a),
        None => SettingsForm {
            due_at: (ctx.now + Duration::days(7))
                .format("%Y-%m-%dT18:00")
                .to_string(),
            late_policy: "penalty".into(),
            penalty_per_day: "10".into(),
            accept_text: Some("1".into()),
            accept_files: Some("1".into()),
            rubric: String::new(),
        },
    });
    let mut subs = arepo::submissions(&app.db, lesson.id).await?;
    let lines = crate::school::roster(&app.db, course.class_id)
        .await?
        .into_iter()
        .map(|student| {
            let at = subs.iter().position(|s| s.student_id == student.id);
            Line {
                submission: at.map(|i| subs.swap_remove(i)),
                student,
            }
        })
        .collect();
    html_status(
        errors.status(),
        &ManagePage {
            ctx,
            course,
            lesson,
            a,
            form,
            errors,
            lines,
        },
    )
}

async fn manage_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, course, lesson) = writable(&app, &ctx, id).await?;
    render_manage(&app, &ctx, course, lesson, None, FormErrors::default()).await
}

async fn settings(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let (_, course, lesson) = writable(&app, &ctx, id).await?;
    let mut errors = FormErrors::default();
    let due = NaiveDateTime::parse_from_str(f.due_at.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .map(|d| d.and_utc());
    if due.is_none() {
        errors.add("due_at", ctx.t.t("assignment-error-due"));
    }
    let policy = LatePolicy::parse(&f.late_policy);
    if policy.is_none() {
        errors.add("late_policy", ctx.t.t("assignment-error-policy"));
    }
    let penalty = match f.penalty_per_day.trim() {
        "" => Some(0),
        p => p.parse::<i64>().ok().filter(|p| (0..=100).contains(p)),
    };
    if penalty.is_none() {
        errors.add("penalty_per_day", ctx.t.t("assignment-error-penalty"));
    }
    let rubric = super::parse_rubric(&f.rubric);
    if rubric.is_none() {
        errors.add("rubric", ctx.t.t("assignment-error-rubric"));
    }
    if f.accept_text.is_none() && f.accept_files.is_none() {
        errors.add("accept_text", ctx.t.t("assignment-error-nothing-accepted"));
    }
    let (Some(due_at), Some(policy), Some(penalty), Some(rubric), true) =
        (due, policy, penalty, rubric, errors.is_empty())
    else {
        return render_manage(&app, &ctx, course, lesson, Some(f), errors).await;
    };
    let s = arepo::Settings {
        due_at,
        policy,
        penalty_per_day: penalty,
        accept_text: f.accept_text.is_some(),
        accept_files: f.accept_files.is_some(),
        rubric: &rubric,
    };
    arepo::set(&app.db, id, &s).await?;
    ctx.flash("success", "course-assignment-saved").await?;
    Ok(redirect(&format!("/enseignant/cours/lecons/{id}/devoir")))
}

#[derive(Template)]
#[template(path = "courses/grade.html")]
struct GradePage<'a> {
    ctx: &'a Ctx,
    lesson: LessonRow,
    s: SubmissionRow,
    student: String,
    files: Vec<FileRow>,
    /// Per criterion: its field, itself and the points typed.
    criteria: Vec<(String, Criterion, String)>,
    feedback: String,
    errors: FormErrors,
    status: String,
}

/// A submission the teacher may mark, with its assignment.
async fn markable(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(i64, SubmissionRow, AssignmentRow, LessonRow)> {
    let s = arepo::submission(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (by, _, lesson) = writable(app, ctx, s.lesson_id).await?;
    let a = arepo::assignment(&app.db, s.lesson_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((by, s, a, lesson))
}

#[allow(clippy::too_many_arguments)]
async fn render_grade(
    app: &AppState,
    ctx: &Ctx,
    s: SubmissionRow,
    a: &AssignmentRow,
    lesson: LessonRow,
    typed: Option<Vec<String>>,
    feedback: String,
    errors: FormErrors,
) -> AppResult<Response> {
    let scores = s.scores();
    let criteria = a
        .rubric()
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let v = match &typed {
                Some(t) => t.get(i).cloned().unwrap_or_default(),
                None => scores.get(i).map(|x| x.to_string()).unwrap_or_default(),
            };
            (format!("c{i}"), c, v)
        })
        .collect();
    let student = crate::school::student(&app.db, s.student_id)
        .await?
        .map(|st| st.list_name())
        .unwrap_or_default();
    let files = crate::files::of_owner(&app.db, FILE_OWNER, s.id).await?;
    let status = status_text(ctx, Some(&s));
    html_status(
        errors.status(),
        &GradePage {
            ctx,
            lesson,
            s,
            student,
            files,
            criteria,
            feedback,
            errors,
            status,
        },
    )
}

async fn grade_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, s, a, lesson) = markable(&app, &ctx, id).await?;
    let feedback = s.feedback.clone();
    render_grade(
        &app,
        &ctx,
        s,
        &a,
        lesson,
        None,
        feedback,
        FormErrors::default(),
    )
    .await
}

/// Marks a submission: points per criterion (`c0`, `c1`…) and feedback.
async fn grade(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (by, s, a, lesson) = markable(&app, &ctx, id).await?;
    let rubric = a.rubric();
    let field = |k: &str| {
        f.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let typed: Vec<String> = (0..rubric.len()).map(|i| field(&format!("c{i}"))).collect();
    let feedback = field("feedback");
    let mut errors = FormErrors::default();
    let mut scores = Vec::new();
    for (i, (c, t)) in rubric.iter().zip(&typed).enumerate() {
        match t.parse::<i64>() {
            Ok(v) if (0..=c.points).contains(&v) => scores.push(v),
            _ => errors.add(
                &format!("c{i}"),
                ctx.t.t1("assignment-error-score", "max", c.points),
            ),
        }
    }
    if feedback.chars().count() > MAX_TEXT {
        errors.add("feedback", ctx.t.t("error-too-long"));
    }
    if !errors.is_empty() {
        return render_grade(&app, &ctx, s, &a, lesson, Some(typed), feedback, errors).await;
    }
    let mark = super::mark(&rubric, &scores, s.late_days, a.policy(), a.penalty_per_day);
    arepo::grade(&app.db, id, &scores, mark, &feedback, by, ctx.now).await?;
    ctx.flash("success", "assignment-graded").await?;
    Ok(redirect(&format!(
        "/enseignant/cours/lecons/{}/devoir#copies",
        s.lesson_id
    )))
}

/// Sends the marks given to the gradebook, as one evaluation.
async fn to_gradebook(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (by, course, lesson) = writable(&app, &ctx, id).await?;
    let a = arepo::assignment(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let marks: Vec<(i64, i64)> = arepo::submissions(&app.db, id)
        .await?
        .into_iter()
        .filter_map(|s| s.mark.map(|m| (s.student_id, m)))
        .collect();
    let title = ctx.t.t1(
        "assignment-evaluation-title",
        "lesson",
        lesson.title.clone(),
    );
    let results = crate::courses::gradebook::Results {
        existing: a.evaluation_id,
        title: &title,
        kind: crate::grades::calc::EvalKind::Devoir,
        marks: &marks,
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    match crate::courses::gradebook::send(
        &app.db,
        &mut tx,
        &course,
        &results,
        by,
        ctx.today(),
        ctx.now,
    )
    .await
    {
        Ok(eval) => {
            arepo::set_evaluation(&mut *tx, id, eval).await?;
            tx.commit().await?;
            ctx.flash_text(
                "success",
                ctx.t.count("quiz-sent-to-gradebook", marks.len() as i64),
            )
            .await?;
        }
        Err(crate::courses::gradebook::SendError::Db(e)) => return Err(e.into()),
        Err(e) => {
            drop(tx);
            ctx.flash("error", e.key()).await?;
        }
    }
    Ok(redirect(&format!(
        "/enseignant/cours/lecons/{id}/devoir#copies"
    )))
}

// ---------------------------------------------------------------- reminders, "à faire"

/// Reminds the classes of assignments due within a day, once each (several nodes may
/// look at once); how many assignments were reminded.
pub async fn remind(app: &AppState) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let mut n = 0;
    for (lesson_id, course_id, class_id, due_at) in
        arepo::to_remind(&app.db, now, now + Duration::hours(super::REMIND_HOURS)).await?
    {
        let mut tx = crate::db::begin_write(&app.db).await?;
        if arepo::mark_reminded(&mut *tx, lesson_id, now).await? {
            crate::events::publish(
                &mut *tx,
                &crate::events::SchoolEvent::AssignmentDueSoon(crate::events::AssignmentDueSoon {
                    course_id,
                    lesson_id,
                    class_id,
                    due_at,
                }),
                None,
                now,
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// Who is told of an assignment due soon: (user, catalog key, arguments, link).
pub async fn reminder_notes(
    tx: &mut crate::db::Tx<'_>,
    d: &crate::events::AssignmentDueSoon,
) -> Result<Vec<(i64, &'static str, serde_json::Value, String)>, sqlx::Error> {
    let Some(title) = arepo::lesson_title(&mut **tx, d.lesson_id).await? else {
        return Ok(Vec::new());
    };
    Ok(arepo::reminder_audience(&mut **tx, d.lesson_id, d.class_id)
        .await?
        .into_iter()
        .map(|(user, student, parent)| {
            let link = if parent {
                format!("/parent/enfants/{student}/a-faire")
            } else {
                format!("/cours/lecons/{}", d.lesson_id)
            };
            let due = d.due_at.format("%d/%m %H:%M").to_string();
            let args = serde_json::json!({"title": title, "due": due});
            (user, "notif-assignment-due", args, link)
        })
        .collect())
}

/// Assignments' part of the "à faire" list.
pub fn todo_source(db: &Pool, ask: crate::todo::Ask) -> crate::todo::Pending<'_> {
    Box::pin(async move {
        let rows = arepo::due(db, ask.student_id, ask.class_id, ask.from, ask.to).await?;
        Ok(rows
            .into_iter()
            .map(|d| crate::todo::Item {
                due_on: d.due_at.date_naive(),
                subject: d.subject,
                what: d.title,
                teacher: d.teacher,
                kind_key: "todo-assignment",
                link: Some(format!("/cours/lecons/{}", d.lesson_id)),
            })
            .collect())
    })
}

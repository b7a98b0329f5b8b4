//! Assignments on the teacher's side: the settings with the class's submissions, marking
//! one with the rubric, the marks to the gradebook.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;

use super::repo::{self as arepo, AssignmentRow, SubmissionRow};
use super::routes::status_text;
use super::{Criterion, FILE_OWNER, LatePolicy, MAX_TEXT};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::courses::repo::{CourseRow, LessonRow};
use crate::error::{AppError, AppResult};
use crate::files::FileRow;
use crate::school::StudentRow;
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

pub fn router() -> axum::Router<AppState> {
    let teacher = Rule::TEACHER;
    axum::Router::new()
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
    let (u, course, lesson) = crate::courses::routes::writable_lesson(app, ctx, id).await?;
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
    crate::courses::gradebook::send_told(
        &app,
        &ctx,
        &course,
        &results,
        by,
        crate::courses::gradebook::Source::Assignment(id),
    )
    .await?;
    Ok(redirect(&format!(
        "/enseignant/cours/lecons/{id}/devoir#copies"
    )))
}

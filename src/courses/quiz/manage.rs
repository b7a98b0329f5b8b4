//! The teacher's side of quizzes: the question bank of a subject (writing questions of every
//! kind from plain fields), a lesson's quiz (settings, questions from the bank, the class's
//! results with the answers to review) and sending the best marks to the gradebook.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::repo::{self as qrepo, AttemptRow, NewQuestion, QuestionRow, QuizRow};
use super::{Choice, KINDS, MAX_OPTIONS, MAX_PROMPT, Spec};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz;
use crate::courses::repo::{CourseRow, LessonRow};
use crate::error::{AppError, AppResult};
use crate::school::StudentRow;
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

// ---------------------------------------------------------------- the bank

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// The fields of a new question, as typed (kept on errors).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub feedback: String,
    /// Choices, accepted answers, pairs or items: one per line.
    #[serde(default)]
    pub lines: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub tolerance: String,
}

impl QuestionForm {
    /// The question's spec, prompt, feedback and points, or the errors to show.
    fn check(&self, ctx: &Ctx) -> Result<(Spec, String, String, i64), FormErrors> {
        let mut errors = FormErrors::default();
        let prompt = crate::domain::required_text(&self.prompt, MAX_PROMPT).unwrap_or_else(|k| {
            errors.add("prompt", ctx.t.t(k));
            String::new()
        });
        let points = match self.points.trim() {
            "" => 1,
            p => match p.parse::<i64>() {
                Ok(p) if (1..=100).contains(&p) => p,
                _ => {
                    errors.add("points", ctx.t.t("quiz-error-points"));
                    1
                }
            },
        };
        let lines: Vec<&str> = self
            .lines
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut need = |ok: bool, key: &str| {
            if !ok {
                errors.add("lines", ctx.t.t(key));
            }
        };
        let spec = match self.kind.as_str() {
            k @ ("single" | "multiple") => {
                let choices: Vec<Choice> = lines
                    .iter()
                    .map(|l| {
                        let (correct, l) = match l.strip_prefix('*') {
                            Some(rest) => (true, rest.trim()),
                            None => (false, *l),
                        };
                        let (text, feedback) = l.split_once('|').unwrap_or((l, ""));
                        Choice {
                            text: text.trim().to_string(),
                            correct,
                            feedback: feedback.trim().to_string(),
                        }
                    })
                    .collect();
                let right = choices.iter().filter(|c| c.correct).count();
                need(
                    (2..=MAX_OPTIONS).contains(&choices.len()),
                    "quiz-error-choices",
                );
                if k == "single" {
                    need(right == 1, "quiz-error-one-right");
                    Spec::Single { choices }
                } else {
                    need(right >= 1, "quiz-error-some-right");
                    Spec::Multiple { choices }
                }
            }
            "true_false" => match self.answer.as_str() {
                "true" => Spec::TrueFalse { answer: true },
                "false" => Spec::TrueFalse { answer: false },
                _ => {
                    errors.add("answer", ctx.t.t("quiz-error-true-false"));
                    Spec::TrueFalse { answer: true }
                }
            },
            "short" => {
                need(
                    (1..=MAX_OPTIONS).contains(&lines.len()),
                    "quiz-error-answers",
                );
                Spec::Short {
                    answers: lines.iter().map(|l| l.to_string()).collect(),
                }
            }
            "numeric" => {
                let value = super::parse_number(&self.value);
                let tolerance = match self.tolerance.trim() {
                    "" => Some(0.0),
                    t => super::parse_number(t).filter(|t| *t >= 0.0),
                };
                if value.is_none() {
                    errors.add("value", ctx.t.t("quiz-error-number"));
                }
                if tolerance.is_none() {
                    errors.add("tolerance", ctx.t.t("quiz-error-number"));
                }
                Spec::Numeric {
                    value: value.unwrap_or(0.0),
                    tolerance: tolerance.unwrap_or(0.0),
                }
            }
            "matching" => {
                let pairs: Vec<(String, String)> = lines
                    .iter()
                    .filter_map(|l| l.split_once('='))
                    .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                    .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                    .collect();
                need(
                    pairs.len() == lines.len() && (2..=MAX_OPTIONS).contains(&pairs.len()),
                    "quiz-error-pairs",
                );
                Spec::Matching { pairs }
            }
            "ordering" => {
                need((2..=MAX_OPTIONS).contains(&lines.len()), "quiz-error-items");
                Spec::Ordering {
                    items: lines.iter().map(|l| l.to_string()).collect(),
                }
            }
            _ => return Err(bad_kind(ctx)),
        };
        let feedback = crate::domain::optional_text(&self.feedback, MAX_PROMPT)
            .unwrap_or_else(|k| {
                errors.add("feedback", ctx.t.t(k));
                None
            })
            .unwrap_or_default();
        if errors.is_empty() {
            Ok((spec, prompt, feedback, points))
        } else {
            Err(errors)
        }
    }
}

fn bad_kind(ctx: &Ctx) -> FormErrors {
    let mut e = FormErrors::default();
    e.add("kind", ctx.t.t("quiz-error-kind"));
    e
}

#[derive(Template)]
#[template(path = "courses/bank.html")]
struct BankPage<'a> {
    ctx: &'a Ctx,
    subject_id: i64,
    subject: String,
    kinds: &'static [&'static str],
    form: QuestionForm,
    errors: FormErrors,
    questions: Vec<QuestionRow>,
}

impl BankPage<'_> {
    fn kind_key(&self, k: &str) -> String {
        format!("quiz-kind-{k}")
    }

    fn help_key(&self) -> String {
        format!("quiz-help-{}", self.form.kind)
    }

    fn uses_lines(&self) -> bool {
        !matches!(self.form.kind.as_str(), "true_false" | "numeric")
    }
}

/// The subject's name, for a teacher who teaches it.
async fn bank_subject(app: &AppState, ctx: &Ctx, subject_id: i64) -> AppResult<(i64, String)> {
    let u = ctx.require(Portal::Teacher)?;
    authz::require(authz::teaches_subject(&app.db, u, subject_id).await?)?;
    let name = crate::school::subject_name(&app.db, subject_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((u.id, name))
}

async fn render_bank(
    app: &AppState,
    ctx: &Ctx,
    subject_id: i64,
    subject: String,
    form: QuestionForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let questions = qrepo::bank(&app.db, subject_id).await?;
    html_status(
        errors.status(),
        &BankPage {
            ctx,
            subject_id,
            subject,
            kinds: KINDS,
            form,
            errors,
            questions,
        },
    )
}

pub async fn bank(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(subject_id): PathId,
    Query(q): Query<KindQuery>,
) -> AppResult<Response> {
    let (_, subject) = bank_subject(&app, &ctx, subject_id).await?;
    let kind = q
        .kind
        .filter(|k| KINDS.contains(&k.as_str()))
        .unwrap_or_else(|| "single".into());
    let form = QuestionForm {
        kind,
        points: "1".into(),
        ..Default::default()
    };
    render_bank(&app, &ctx, subject_id, subject, form, FormErrors::default()).await
}

pub async fn add_to_bank(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(subject_id): PathId,
    Form(f): Form<QuestionForm>,
) -> AppResult<Response> {
    let (by, subject) = bank_subject(&app, &ctx, subject_id).await?;
    let (spec, prompt, feedback, points) = match f.check(&ctx) {
        Ok(v) => v,
        Err(errors) => return render_bank(&app, &ctx, subject_id, subject, f, errors).await,
    };
    let q = NewQuestion {
        subject_id,
        spec: &spec,
        prompt: &prompt,
        feedback: &feedback,
        points,
    };
    qrepo::insert_question(&app.db, &q, by, ctx.now).await?;
    ctx.flash("success", "quiz-question-added").await?;
    Ok(redirect(&format!(
        "/enseignant/questions/{subject_id}?type={}",
        spec.kind()
    )))
}

// ---------------------------------------------------------------- a lesson's quiz

/// A student's line of the results.
pub struct ResultLine {
    pub student: StudentRow,
    pub attempts: Vec<AttemptRow>,
}

impl ResultLine {
    /// The best submitted attempt.
    pub fn best(&self) -> Option<&AttemptRow> {
        self.attempts
            .iter()
            .filter(|a| a.score.is_some())
            .max_by_key(|a| {
                super::attempt::on_twenty(a.score.unwrap_or(0), a.max_score.unwrap_or(1))
            })
    }

    pub fn to_review(&self) -> Option<&AttemptRow> {
        self.attempts.iter().find(|a| a.to_review > 0)
    }
}

#[derive(Template)]
#[template(path = "courses/quiz.html")]
struct QuizPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    lesson: LessonRow,
    quiz: Option<QuizRow>,
    questions: Vec<QuestionRow>,
    /// Bank questions not in the quiz yet.
    bank: Vec<QuestionRow>,
    results: Vec<ResultLine>,
    errors: FormErrors,
}

impl QuizPage<'_> {
    fn limit(&self) -> String {
        self.quiz
            .as_ref()
            .and_then(|q| q.time_limit_minutes)
            .map(|m| m.to_string())
            .unwrap_or_default()
    }

    fn attempts(&self) -> i64 {
        self.quiz.as_ref().map(|q| q.max_attempts).unwrap_or(1)
    }

    fn shuffle(&self) -> bool {
        self.quiz.as_ref().is_some_and(|q| q.shuffle)
    }

    fn kind_key(&self, q: &QuestionRow) -> String {
        format!("quiz-kind-{}", q.kind)
    }

    fn best(&self, l: &ResultLine) -> String {
        l.best()
            .map(|a| {
                super::attempt::points(
                    &self.ctx.t,
                    super::attempt::on_twenty(a.score.unwrap_or(0), a.max_score.unwrap_or(1)),
                )
            })
            .unwrap_or_else(|| "—".into())
    }

    fn in_gradebook(&self) -> bool {
        self.quiz
            .as_ref()
            .is_some_and(|q| q.evaluation_id.is_some())
    }
}

/// A lesson the teacher may make a quiz of, with its course.
async fn writable(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(CurrentUser, CourseRow, LessonRow)> {
    let (u, course, lesson) = crate::courses::routes::writable_lesson(app, ctx, id).await?;
    Ok((u.clone(), course, lesson))
}

async fn render_quiz(
    app: &AppState,
    ctx: &Ctx,
    course: CourseRow,
    lesson: LessonRow,
    errors: FormErrors,
) -> AppResult<Response> {
    let quiz = qrepo::quiz(&app.db, lesson.id).await?;
    let questions = qrepo::questions_of(&app.db, lesson.id).await?;
    let bank = qrepo::bank(&app.db, course.subject_id)
        .await?
        .into_iter()
        .filter(|b| !questions.iter().any(|q| q.id == b.id))
        .collect();
    let attempts = qrepo::attempts_at(&app.db, lesson.id).await?;
    let results = crate::school::roster(&app.db, course.class_id)
        .await?
        .into_iter()
        .map(|student| ResultLine {
            attempts: attempts
                .iter()
                .filter(|a| a.student_id == student.id)
                .cloned()
                .collect(),
            student,
        })
        .collect();
    html_status(
        errors.status(),
        &QuizPage {
            ctx,
            course,
            lesson,
            quiz,
            questions,
            bank,
            results,
            errors,
        },
    )
}

pub async fn quiz_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (_, course, lesson) = writable(&app, &ctx, id).await?;
    render_quiz(&app, &ctx, course, lesson, FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    time_limit: String,
    #[serde(default)]
    attempts: String,
    #[serde(default)]
    shuffle: Option<String>,
}

pub async fn settings(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let (_, course, lesson) = writable(&app, &ctx, id).await?;
    let mut errors = FormErrors::default();
    let limit = match f.time_limit.trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(m) if (1..=600).contains(&m) => Some(m),
            _ => {
                errors.add("time_limit", ctx.t.t("quiz-error-time-limit"));
                None
            }
        },
    };
    let attempts = match f.attempts.trim().parse::<i64>() {
        Ok(n) if (1..=20).contains(&n) => n,
        _ => {
            errors.add("attempts", ctx.t.t("quiz-error-attempts"));
            1
        }
    };
    if !errors.is_empty() {
        return render_quiz(&app, &ctx, course, lesson, errors).await;
    }
    qrepo::set_quiz(&app.db, id, limit, attempts, f.shuffle.is_some()).await?;
    ctx.flash("success", "quiz-saved").await?;
    Ok(redirect(&format!("/enseignant/cours/lecons/{id}/quiz")))
}

/// Adds the ticked bank questions (`question`, repeated) to the quiz.
pub async fn add_questions(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, course, _) = writable(&app, &ctx, id).await?;
    if qrepo::quiz(&app.db, id).await?.is_none() {
        qrepo::set_quiz(&app.db, id, None, 1, false).await?;
    }
    for (_, v) in f.iter().filter(|(k, _)| k == "question") {
        let qid: i64 = v
            .parse()
            .map_err(|_| AppError::BadRequest("error-bad-request"))?;
        // Only questions of the course's subject: another id was forged.
        match qrepo::question(&app.db, qid).await? {
            Some(q) if q.subject_id == course.subject_id => {
                qrepo::add_question(&app.db, id, qid).await?
            }
            _ => return Err(AppError::NotFound),
        }
    }
    Ok(redirect(&format!(
        "/enseignant/cours/lecons/{id}/quiz#questions"
    )))
}

#[derive(Deserialize)]
pub struct RemoveForm {
    question_id: i64,
}

pub async fn remove_question(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<RemoveForm>,
) -> AppResult<Response> {
    writable(&app, &ctx, id).await?;
    qrepo::remove_question(&app.db, id, f.question_id).await?;
    Ok(redirect(&format!(
        "/enseignant/cours/lecons/{id}/quiz#questions"
    )))
}

/// Sends each student's best mark (out of 20) to the gradebook; answers still to review
/// hold it back.
pub async fn to_gradebook(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (u, course, lesson) = writable(&app, &ctx, id).await?;
    let quiz = qrepo::quiz(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let attempts = qrepo::attempts_at(&app.db, id).await?;
    if attempts.iter().any(|a| a.to_review > 0) {
        return Err(AppError::Conflict("quiz-error-review-first"));
    }
    let mut best: std::collections::BTreeMap<i64, i64> = Default::default();
    for a in attempts.iter().filter(|a| a.score.is_some()) {
        let m = super::attempt::on_twenty(a.score.unwrap_or(0), a.max_score.unwrap_or(1));
        let e = best.entry(a.student_id).or_insert(m);
        *e = (*e).max(m);
    }
    let marks: Vec<(i64, i64)> = best.into_iter().collect();
    let title = ctx
        .t
        .t1("quiz-evaluation-title", "lesson", lesson.title.clone());
    let results = crate::courses::gradebook::Results {
        existing: quiz.evaluation_id,
        title: &title,
        kind: crate::grades::calc::EvalKind::Interrogation,
        marks: &marks,
    };
    crate::courses::gradebook::send_told(
        &app,
        &ctx,
        &course,
        &results,
        u.id,
        crate::courses::gradebook::Source::Quiz(id),
    )
    .await?;
    Ok(redirect(&format!(
        "/enseignant/cours/lecons/{id}/quiz#resultats"
    )))
}

//! Taking a quiz: the panel on the lesson page (attempts, best score, start), an attempt's
//! page (its questions in the order drawn for it, answers saved as the student goes, a
//! countdown), submitting (graded at once; past the time limit only what was saved in time
//! counts), and the results with each answer's feedback, for the student, their parents and
//! the course's teachers, who review short answers there.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};

use super::repo::{self as qrepo, AttemptRow, QuestionRow, QuizRow};
use super::{Answer, GRACE_SECONDS, Layout, Mark, Spec};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::courses::view::{self, Opened};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, redirect};

/// Answers by question id.
pub type Answers = BTreeMap<i64, Answer>;
/// Marks by question id.
pub type Marks = BTreeMap<i64, Mark>;

/// The quiz panel of a lesson page.
#[derive(Template)]
#[template(path = "courses/quiz_panel.html")]
struct Panel<'a> {
    ctx: &'a Ctx,
    lesson_id: i64,
    quiz: QuizRow,
    questions: usize,
    attempts: Vec<AttemptRow>,
    /// The attempt under way, if any.
    open: Option<i64>,
    student: bool,
    writer: bool,
}

impl Panel<'_> {
    fn can_start(&self) -> bool {
        self.student
            && self.open.is_none()
            && self.questions > 0
            && (self.attempts.len() as i64) < self.quiz.max_attempts
    }

    fn score(&self, a: &AttemptRow) -> String {
        score_text(self.ctx, a)
    }
}

/// "7,5 / 10 (15/20)", or "à corriger" while a short answer waits for the teacher.
fn score_text(ctx: &Ctx, a: &AttemptRow) -> String {
    match (a.score, a.max_score) {
        (Some(s), Some(m)) if m > 0 => ctx.t.tj(
            "quiz-score",
            serde_json::json!({
                "score": points(&ctx.t, s),
                "max": points(&ctx.t, m),
                "twenty": points(&ctx.t, on_twenty(s, m)),
            }),
        ),
        _ => ctx.t.t("quiz-in-progress"),
    }
}

/// Points (hundredths) as the reader writes them: "7,5" or "7.5".
pub fn points(t: &crate::i18n::Tr, hundredths: i64) -> String {
    decimal(t, crate::grades::model::show_points(hundredths))
}

/// A number typed the French way ("3,14") or the English way ("3.14"), for the reader.
fn decimal(t: &crate::i18n::Tr, s: String) -> String {
    match t.locale {
        crate::i18n::Locale::Fr => s.replace('.', ","),
        crate::i18n::Locale::En => s.replace(',', "."),
    }
}

/// A score out of `max` as hundredths out of 20.
pub fn on_twenty(score: i64, max: i64) -> i64 {
    crate::grades::calc::div_round(score.max(0) * 2000, max.max(1))
}

/// Whether an attempt still takes answers at `now`.
pub fn takes_answers(a: &AttemptRow, now: DateTime<Utc>) -> bool {
    a.submitted_at.is_none()
        && a.deadline_at
            .is_none_or(|d| now <= d + Duration::seconds(GRACE_SECONDS))
}

/// The quiz panel for a lesson, if the lesson holds a quiz.
pub async fn panel(app: &AppState, ctx: &Ctx, o: &Opened) -> AppResult<Option<String>> {
    let Some(quiz) = qrepo::quiz(&app.db, o.lesson.id).await? else {
        return Ok(None);
    };
    let questions = qrepo::questions_of(&app.db, o.lesson.id).await?.len();
    let attempts = match o.reader.student {
        Some(s) => qrepo::attempts_of(&app.db, o.lesson.id, s).await?,
        None => Vec::new(),
    };
    let open = attempts
        .iter()
        .find(|a| takes_answers(a, ctx.now))
        .map(|a| a.id);
    let p = Panel {
        ctx,
        lesson_id: o.lesson.id,
        quiz,
        questions,
        attempts,
        open,
        student: o.reader.student.is_some(),
        writer: o.reader.writer,
    };
    Ok(Some(p.render().map_err(|e| AppError::Internal(e.into()))?))
}

/// A student starts an attempt (or goes back to the one under way).
pub async fn start(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Student)?;
    let o = view::open_lesson(&app.db, u, id, ctx.today()).await?;
    let (Some(student), true) = (o.reader.student, o.state.is_open()) else {
        return Err(AppError::Forbidden);
    };
    let quiz = qrepo::quiz(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let questions = qrepo::questions_of(&app.db, id).await?;
    let attempts = qrepo::attempts_of(&app.db, id, student).await?;
    if let Some(a) = attempts.iter().find(|a| takes_answers(a, ctx.now)) {
        return Ok(redirect(&format!("/cours/tentatives/{}", a.id)));
    }
    if questions.is_empty() {
        return Err(AppError::Conflict("quiz-error-empty"));
    }
    if attempts.len() as i64 >= quiz.max_attempts {
        return Err(AppError::Conflict("quiz-error-no-attempt-left"));
    }
    let shape: Vec<(i64, usize)> = questions
        .iter()
        .map(|q| (q.id, q.spec().options()))
        .collect();
    let layout = super::layout(&shape, quiz.shuffle, &mut rand::rng());
    let deadline = quiz
        .time_limit_minutes
        .map(|m| ctx.now + Duration::minutes(m));
    let json = serde_json::to_string(&layout).map_err(|e| AppError::Internal(e.into()))?;
    let number = attempts.len() as i64 + 1;
    match qrepo::start(&app.db, id, student, number, deadline, &json, ctx.now).await? {
        Some(attempt) => Ok(redirect(&format!("/cours/tentatives/{attempt}"))),
        // Another tab started it a moment ago.
        None => Ok(redirect(&format!("/cours/lecons/{id}"))),
    }
}

/// Who looks at an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The student who takes it.
    Owner,
    /// One of their parents.
    Guardian,
    /// A teacher of the course, or the administration.
    Writer,
}

/// An attempt with its lesson, and who looks at it; Forbidden for anyone else.
pub async fn access(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    id: i64,
) -> AppResult<(AttemptRow, Opened, Viewer)> {
    let a = qrepo::attempt(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let o = view::open_lesson(&app.db, u, a.lesson_id, ctx.today()).await?;
    let viewer = if o.reader.student == Some(a.student_id) {
        Viewer::Owner
    } else if o.reader.writer {
        Viewer::Writer
    } else if crate::authz::is_guardian_of(&app.db, u, a.student_id).await? {
        Viewer::Guardian
    } else {
        return Err(AppError::Forbidden);
    };
    Ok((a, o, viewer))
}

/// A question as an attempt's page shows it.
pub struct QuestionView {
    pub id: i64,
    pub prompt: String,
    pub kind: &'static str,
    pub points: i64,
    /// Choices (single, multiple, true/false) or right items (matching), in the order drawn:
    /// (original index, text, ticked).
    pub options: Vec<(usize, String, bool)>,
    /// Matching: left items in order; ordering: items in the order drawn. (original index,
    /// text, chosen right item or place.)
    pub rows: Vec<(usize, String, Option<usize>)>,
    /// What was typed (short, numeric).
    pub text: String,
    /// Once submitted: the mark, the answer expected, the feedback.
    pub mark: Option<Mark>,
    pub expected: String,
    pub feedback: String,
}

impl QuestionView {
    /// The places an ordering item may take, 1-based.
    pub fn places(&self) -> Vec<usize> {
        (1..=self.rows.len()).collect()
    }

    /// Whether a matching row chose right item `j`.
    pub fn picked(&self, chosen: &Option<usize>, j: &usize) -> bool {
        *chosen == Some(*j)
    }

    /// Whether an ordering item was put at 1-based place `p`.
    pub fn at_place(&self, place: &Option<usize>, p: &usize) -> bool {
        *place == Some(p.wrapping_sub(1))
    }

    pub fn earned(&self, t: &crate::i18n::Tr) -> String {
        let pct = self.mark.map(|m| m.percent).unwrap_or(0);
        points(t, super::earned(self.points, pct))
    }
}

/// The views of an attempt's questions; `show` adds marks and expected answers.
pub fn views(
    ctx: &Ctx,
    questions: &[QuestionRow],
    layout: &Layout,
    answers: &Answers,
    marks: Option<&Marks>,
) -> Vec<QuestionView> {
    let t = &ctx.t;
    layout
        .questions
        .iter()
        .enumerate()
        .filter_map(|(n, id)| {
            let q = questions.iter().find(|q| q.id == *id)?;
            let order = layout.options.get(n).cloned().unwrap_or_default();
            let a = answers.get(id).cloned().unwrap_or_default();
            let spec = q.spec();
            let ticked = |i: usize| a.chosen.contains(&i);
            let mut options = Vec::new();
            let mut rows = Vec::new();
            let mut feedback = Vec::new();
            let expected = match &spec {
                Spec::Single { choices } | Spec::Multiple { choices } => {
                    for i in order.iter().copied().filter(|i| *i < choices.len()) {
                        options.push((i, choices[i].text.clone(), ticked(i)));
                        if ticked(i) && !choices[i].feedback.is_empty() {
                            feedback.push(choices[i].feedback.clone());
                        }
                    }
                    t.semicolons(choices.iter().filter(|c| c.correct).map(|c| c.text.clone()))
                }
                Spec::TrueFalse { answer } => {
                    options.push((1, t.t("quiz-true"), ticked(1)));
                    options.push((0, t.t("quiz-false"), ticked(0)));
                    t.t(if *answer { "quiz-true" } else { "quiz-false" })
                }
                Spec::Short { answers } => answers.first().cloned().unwrap_or_default(),
                Spec::Numeric { value, tolerance } => {
                    if *tolerance > 0.0 {
                        decimal(t, format!("{value} ± {tolerance}"))
                    } else {
                        decimal(t, value.to_string())
                    }
                }
                Spec::Matching { pairs } => {
                    for (i, (left, _)) in pairs.iter().enumerate() {
                        rows.push((i, left.clone(), a.placed.get(i).copied().flatten()));
                    }
                    for i in order.iter().copied().filter(|i| *i < pairs.len()) {
                        options.push((i, pairs[i].1.clone(), false));
                    }
                    t.semicolons(pairs.iter().map(|(l, r)| format!("{l} → {r}")))
                }
                Spec::Ordering { items } => {
                    for i in order.iter().copied().filter(|i| *i < items.len()) {
                        rows.push((i, items[i].clone(), a.placed.get(i).copied().flatten()));
                    }
                    items.join(" → ")
                }
            };
            if !q.feedback.is_empty() {
                feedback.push(q.feedback.clone());
            }
            Some(QuestionView {
                id: q.id,
                prompt: crate::courses::render_markdown(&q.prompt),
                kind: spec.kind(),
                points: q.points,
                options,
                rows,
                text: a.text,
                mark: marks.and_then(|m| m.get(id).copied()),
                expected,
                feedback: feedback.join(" "),
            })
        })
        .collect()
}

/// The answers of a submitted form, by question (field `q{id}`, or `q{id}_{i}` per row).
pub fn read_answers(fields: &[(String, String)], questions: &[QuestionRow]) -> Answers {
    let mut out = Answers::new();
    for q in questions {
        let key = format!("q{}", q.id);
        let values = || {
            fields
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
        };
        let spec = q.spec();
        let mut a = Answer::default();
        match &spec {
            Spec::Single { .. } | Spec::Multiple { .. } | Spec::TrueFalse { .. } => {
                a.chosen = values().filter_map(|v| v.parse().ok()).collect();
            }
            Spec::Short { .. } | Spec::Numeric { .. } => {
                a.text = values()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(super::MAX_PROMPT)
                    .collect();
            }
            Spec::Matching { pairs } => {
                a.placed = row_answers(fields, &key, pairs.len(), |v| v);
            }
            Spec::Ordering { items } => {
                // Places are typed 1-based.
                a.placed = row_answers(fields, &key, items.len(), |v| v.wrapping_sub(1));
            }
        }
        out.insert(q.id, a);
    }
    out
}

fn row_answers(
    fields: &[(String, String)],
    key: &str,
    n: usize,
    map: impl Fn(usize) -> usize,
) -> Vec<Option<usize>> {
    (0..n)
        .map(|i| {
            let k = format!("{key}_{i}");
            fields
                .iter()
                .find(|(f, _)| *f == k)
                .and_then(|(_, v)| v.parse::<usize>().ok())
                .map(&map)
                .filter(|v| *v < n)
        })
        .collect()
}

/// Grades answers: the marks, the score and its maximum (hundredths of points), and how
/// many answers wait for a review.
pub fn score(questions: &[QuestionRow], answers: &Answers) -> (Marks, i64, i64, i64) {
    let mut marks = Marks::new();
    let (mut score, mut max, mut review) = (0, 0, 0);
    for q in questions {
        let m = super::grade(&q.spec(), answers.get(&q.id));
        score += super::earned(q.points, m.percent);
        max += q.points * 100;
        review += i64::from(m.review);
        marks.insert(q.id, m);
    }
    (marks, score, max, review)
}

/// Recomputes an attempt's totals after a review.
pub fn totals(questions: &[QuestionRow], marks: &Marks) -> (i64, i64) {
    let score = questions
        .iter()
        .map(|q| super::earned(q.points, marks.get(&q.id).map(|m| m.percent).unwrap_or(0)))
        .sum();
    let review = marks.values().filter(|m| m.review).count() as i64;
    (score, review)
}

#[derive(Template)]
#[template(path = "courses/attempt.html")]
struct AttemptPage<'a> {
    ctx: &'a Ctx,
    attempt: AttemptRow,
    lesson_title: String,
    course_id: i64,
    questions: Vec<QuestionView>,
    viewer: Viewer,
    open: bool,
    student_name: String,
}

impl AttemptPage<'_> {
    fn score(&self) -> String {
        score_text(self.ctx, &self.attempt)
    }

    fn is_writer(&self) -> bool {
        self.viewer == Viewer::Writer
    }

    fn deadline(&self) -> String {
        self.attempt
            .deadline_at
            .map(|d| d.to_rfc3339())
            .unwrap_or_default()
    }

    fn deadline_text(&self) -> String {
        self.attempt
            .deadline_at
            .map(|d| self.ctx.t.t1("quiz-deadline", "time", self.ctx.t.time(&d)))
            .unwrap_or_default()
    }
}

fn parse<T: serde::de::DeserializeOwned + Default>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_default()
}

/// Submits an attempt with `answers` (the saved ones when the time is up) and completes the
/// lesson the first time.
async fn finish(
    app: &AppState,
    a: &AttemptRow,
    o: &Opened,
    answers: &Answers,
    by: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let questions = qrepo::questions_of(&app.db, a.lesson_id).await?;
    let (marks, score, max, review) = score(&questions, answers);
    let mut tx = crate::db::begin_write(&app.db).await?;
    if qrepo::submit(
        &mut *tx,
        a.id,
        &to_json(answers),
        &to_json(&marks),
        score,
        max,
        review,
        now,
    )
    .await?
    {
        view::mark_completed(
            &mut tx,
            &o.reader.course,
            a.lesson_id,
            a.student_id,
            by,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A value as stored JSON text.
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

pub async fn page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let (mut a, o, viewer) = access(&app, &ctx, u, id).await?;
    // Time is up on an attempt left open: it closes with what was saved in time.
    if a.submitted_at.is_none() && !takes_answers(&a, ctx.now) {
        let saved: Answers = parse(&a.answers);
        finish(&app, &a, &o, &saved, u.id, ctx.now).await?;
        a = qrepo::attempt(&app.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    let questions = qrepo::questions_of(&app.db, a.lesson_id).await?;
    let layout: Layout = parse(&a.layout);
    let answers: Answers = parse(&a.answers);
    let open = a.submitted_at.is_none();
    let marks: Marks = parse(&a.marks);
    let views = views(
        &ctx,
        &questions,
        &layout,
        &answers,
        (!open).then_some(&marks),
    );
    let student_name = crate::school::student(&app.db, a.student_id)
        .await?
        .map(|s| s.list_name())
        .unwrap_or_default();
    html(&AttemptPage {
        ctx: &ctx,
        lesson_title: o.lesson.title.clone(),
        course_id: o.reader.course.id,
        attempt: a,
        questions: views,
        viewer,
        open,
        student_name,
    })
}

/// The owner's attempt still taking answers.
async fn own_open(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(AttemptRow, Opened, Vec<QuestionRow>)> {
    let u = ctx.require(Portal::Student)?;
    let (a, o, viewer) = access(app, ctx, u, id).await?;
    if viewer != Viewer::Owner {
        return Err(AppError::Forbidden);
    }
    let questions = qrepo::questions_of(&app.db, a.lesson_id).await?;
    Ok((a, o, questions))
}

/// Saves the answers as the student goes (htmx, on each change).
pub async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (a, _, questions) = own_open(&app, &ctx, id).await?;
    if !takes_answers(&a, ctx.now) {
        return Err(AppError::Conflict("quiz-error-time-up"));
    }
    let answers = read_answers(&f, &questions);
    qrepo::save_answers(&app.db, id, &to_json(&answers)).await?;
    Ok(ctx
        .t
        .t1("quiz-saved-at", "time", ctx.t.time(&ctx.now))
        .into_response())
}

/// Submits an attempt; past the time limit, only the answers saved in time count.
pub async fn submit(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (a, o, questions) = own_open(&app, &ctx, id).await?;
    if a.submitted_at.is_some() {
        return Ok(redirect(&format!("/cours/tentatives/{id}")));
    }
    let in_time = takes_answers(&a, ctx.now);
    let answers = if in_time {
        read_answers(&f, &questions)
    } else {
        parse(&a.answers)
    };
    finish(&app, &a, &o, &answers, ctx.user_id(), ctx.now).await?;
    if in_time {
        ctx.flash("success", "quiz-submitted").await?;
    } else {
        ctx.flash("error", "quiz-submitted-late").await?;
    }
    Ok(redirect(&format!("/cours/tentatives/{id}")))
}

/// A teacher sets the share of the points of reviewed answers (`p{question}` in percent).
pub async fn review(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let (a, _, viewer) = access(&app, &ctx, u, id).await?;
    if viewer != Viewer::Writer {
        return Err(AppError::Forbidden);
    }
    if a.submitted_at.is_none() {
        return Err(AppError::Conflict("quiz-error-not-submitted"));
    }
    let questions = qrepo::questions_of(&app.db, a.lesson_id).await?;
    let mut marks: Marks = parse(&a.marks);
    for (k, v) in &f {
        let Some(qid) = k.strip_prefix('p').and_then(|q| q.parse::<i64>().ok()) else {
            continue;
        };
        let Some(m) = marks.get_mut(&qid) else {
            continue;
        };
        match v.trim().parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => {
                *m = Mark {
                    percent: p,
                    review: false,
                }
            }
            _ => return Err(AppError::BadRequest("quiz-error-percent")),
        }
    }
    let (score, review) = totals(&questions, &marks);
    qrepo::set_marks(&app.db, id, &to_json(&marks), score, review).await?;
    ctx.flash("success", "quiz-reviewed").await?;
    Ok(redirect(&format!("/cours/tentatives/{id}")))
}

//! SQL of quizzes: the question bank, a lesson's quiz and its questions, attempts.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// A question of the bank.
#[derive(Clone, Debug, FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub subject_id: i64,
    pub kind: String,
    pub prompt: String,
    /// JSON of [`super::Spec`].
    pub spec: String,
    pub feedback: String,
    pub points: i64,
}

impl QuestionRow {
    /// The question in one line of plain text, for lists.
    pub fn summary(&self) -> String {
        crate::courses::plain_text(&self.prompt)
    }

    /// What it accepts; a row that does not parse (written by hand) accepts nothing.
    pub fn spec(&self) -> super::Spec {
        serde_json::from_str(&self.spec).unwrap_or(super::Spec::Short {
            answers: Vec::new(),
        })
    }
}

const QUESTION: &str = "SELECT q.id, q.subject_id, q.kind, q.prompt, q.spec, q.feedback, q.points FROM quiz_questions q";

/// The questions of a subject, the newest first.
pub async fn bank(db: &Pool, subject_id: i64) -> Result<Vec<QuestionRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{QUESTION} WHERE q.subject_id = $1 ORDER BY q.id DESC"
    ))
    .bind(subject_id)
    .fetch_all(db)
    .await
}

pub async fn question(db: &Pool, id: i64) -> Result<Option<QuestionRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{QUESTION} WHERE q.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A question as written.
pub struct NewQuestion<'a> {
    pub subject_id: i64,
    pub spec: &'a super::Spec,
    pub prompt: &'a str,
    pub feedback: &'a str,
    pub points: i64,
}

pub async fn insert_question<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    q: &NewQuestion<'_>,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let spec = serde_json::to_string(q.spec).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO quiz_questions (subject_id, kind, prompt, spec, feedback, points, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(q.subject_id)
    .bind(q.spec.kind())
    .bind(q.prompt)
    .bind(spec)
    .bind(q.feedback)
    .bind(q.points)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A lesson's quiz settings.
#[derive(Clone, Debug, FromRow)]
pub struct QuizRow {
    pub lesson_id: i64,
    pub time_limit_minutes: Option<i64>,
    pub max_attempts: i64,
    pub shuffle: bool,
    pub evaluation_id: Option<i64>,
}

pub async fn quiz(db: &Pool, lesson_id: i64) -> Result<Option<QuizRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT lesson_id, time_limit_minutes, max_attempts, shuffle, evaluation_id FROM course_quizzes WHERE lesson_id = $1",
    )
    .bind(lesson_id)
    .fetch_optional(db)
    .await
}

/// Makes a lesson a quiz, or changes its settings.
pub async fn set_quiz<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    time_limit_minutes: Option<i64>,
    max_attempts: i64,
    shuffle: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_quizzes (lesson_id, time_limit_minutes, max_attempts, shuffle) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (lesson_id) DO UPDATE SET time_limit_minutes = excluded.time_limit_minutes, \
         max_attempts = excluded.max_attempts, shuffle = excluded.shuffle",
    )
    .bind(lesson_id)
    .bind(time_limit_minutes)
    .bind(max_attempts)
    .bind(shuffle)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_evaluation<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    evaluation_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE course_quizzes SET evaluation_id = $2 WHERE lesson_id = $1")
        .bind(lesson_id)
        .bind(evaluation_id)
        .execute(db)
        .await?;
    Ok(())
}

/// A quiz's questions in order.
pub async fn questions_of(db: &Pool, lesson_id: i64) -> Result<Vec<QuestionRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{QUESTION} JOIN course_quiz_questions x ON x.question_id = q.id WHERE x.lesson_id = $1 \
         ORDER BY x.position, q.id"
    ))
    .bind(lesson_id)
    .fetch_all(db)
    .await
}

/// Adds a question at the end of a quiz (again: no change).
pub async fn add_question<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    question_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_quiz_questions (lesson_id, question_id, position) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM course_quiz_questions WHERE lesson_id = $1)) \
         ON CONFLICT (lesson_id, question_id) DO NOTHING",
    )
    .bind(lesson_id)
    .bind(question_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn remove_question(
    db: &Pool,
    lesson_id: i64,
    question_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM course_quiz_questions WHERE lesson_id = $1 AND question_id = $2")
        .bind(lesson_id)
        .bind(question_id)
        .execute(db)
        .await?;
    Ok(())
}

/// An attempt.
#[derive(Clone, Debug, FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub lesson_id: i64,
    pub student_id: i64,
    pub number: i64,
    pub started_at: DateTime<Utc>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub layout: String,
    pub answers: String,
    pub marks: String,
    pub score: Option<i64>,
    pub max_score: Option<i64>,
    pub to_review: i64,
}

const ATTEMPT: &str = "SELECT id, lesson_id, student_id, number, started_at, deadline_at, submitted_at, layout, answers, marks, \
     score, max_score, to_review FROM quiz_attempts";

pub async fn attempt(db: &Pool, id: i64) -> Result<Option<AttemptRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{ATTEMPT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A student's attempts at a quiz, in order.
pub async fn attempts_of(
    db: &Pool,
    lesson_id: i64,
    student_id: i64,
) -> Result<Vec<AttemptRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{ATTEMPT} WHERE lesson_id = $1 AND student_id = $2 ORDER BY number"
    ))
    .bind(lesson_id)
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// Every attempt at a quiz.
pub async fn attempts_at(db: &Pool, lesson_id: i64) -> Result<Vec<AttemptRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{ATTEMPT} WHERE lesson_id = $1 ORDER BY student_id, number"
    ))
    .bind(lesson_id)
    .fetch_all(db)
    .await
}

/// Starts attempt `number` (unique per student: a double click starts one).
pub async fn start<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    student_id: i64,
    number: i64,
    deadline: Option<DateTime<Utc>>,
    layout: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO quiz_attempts (lesson_id, student_id, number, started_at, deadline_at, layout) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lesson_id, student_id, number) DO NOTHING RETURNING id",
    )
    .bind(lesson_id)
    .bind(student_id)
    .bind(number)
    .bind(at)
    .bind(deadline)
    .bind(layout)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Saves the answers of an attempt still open.
pub async fn save_answers(db: &Pool, id: i64, answers: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE quiz_attempts SET answers = $2 WHERE id = $1 AND submitted_at IS NULL")
            .bind(id)
            .bind(answers)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Closes an attempt with its marks; false when it was already closed.
#[allow(clippy::too_many_arguments)]
pub async fn submit<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    answers: &str,
    marks: &str,
    score: i64,
    max_score: i64,
    to_review: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE quiz_attempts SET answers = $2, marks = $3, score = $4, max_score = $5, to_review = $6, submitted_at = $7 \
         WHERE id = $1 AND submitted_at IS NULL",
    )
    .bind(id)
    .bind(answers)
    .bind(marks)
    .bind(score)
    .bind(max_score)
    .bind(to_review)
    .bind(at)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Rewrites a submitted attempt's marks (a teacher's review).
pub async fn set_marks(
    db: &Pool,
    id: i64,
    marks: &str,
    score: i64,
    to_review: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE quiz_attempts SET marks = $2, score = $3, to_review = $4 WHERE id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(id)
    .bind(marks)
    .bind(score)
    .bind(to_review)
    .execute(db)
    .await?
    .rows_affected())
}

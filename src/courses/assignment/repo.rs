//! SQL of assignments: their settings, submissions, reminders and the "à faire" list.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

#[derive(Clone, Debug, FromRow)]
pub struct AssignmentRow {
    pub lesson_id: i64,
    pub due_at: DateTime<Utc>,
    pub late_policy: String,
    pub penalty_per_day: i64,
    pub accept_text: bool,
    pub accept_files: bool,
    /// JSON of the criteria.
    pub rubric: String,
    pub evaluation_id: Option<i64>,
}

impl AssignmentRow {
    pub fn policy(&self) -> super::LatePolicy {
        super::LatePolicy::parse(&self.late_policy).unwrap_or(super::LatePolicy::Accept)
    }

    pub fn rubric(&self) -> Vec<super::Criterion> {
        serde_json::from_str(&self.rubric).unwrap_or_default()
    }
}

const ASSIGNMENT: &str = "SELECT lesson_id, due_at, late_policy, penalty_per_day, accept_text, accept_files, rubric, evaluation_id \
     FROM course_assignments";

pub async fn assignment(db: &Pool, lesson_id: i64) -> Result<Option<AssignmentRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{ASSIGNMENT} WHERE lesson_id = $1"))
        .bind(lesson_id)
        .fetch_optional(db)
        .await
}

/// The settings of an assignment, as written.
pub struct Settings<'a> {
    pub due_at: DateTime<Utc>,
    pub policy: super::LatePolicy,
    pub penalty_per_day: i64,
    pub accept_text: bool,
    pub accept_files: bool,
    pub rubric: &'a [super::Criterion],
}

/// Makes a lesson an assignment, or changes it (a new due time is reminded again).
pub async fn set<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    s: &Settings<'_>,
) -> Result<(), sqlx::Error> {
    let rubric = serde_json::to_string(s.rubric).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO course_assignments (lesson_id, due_at, late_policy, penalty_per_day, accept_text, accept_files, rubric) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (lesson_id) DO UPDATE SET \
         reminded_at = CASE WHEN course_assignments.due_at = excluded.due_at THEN course_assignments.reminded_at END, \
         due_at = excluded.due_at, late_policy = excluded.late_policy, penalty_per_day = excluded.penalty_per_day, \
         accept_text = excluded.accept_text, accept_files = excluded.accept_files, rubric = excluded.rubric",
    )
    .bind(lesson_id)
    .bind(s.due_at)
    .bind(s.policy.code())
    .bind(s.penalty_per_day)
    .bind(s.accept_text)
    .bind(s.accept_files)
    .bind(rubric)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_evaluation<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    evaluation_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE course_assignments SET evaluation_id = $2 WHERE lesson_id = $1")
        .bind(lesson_id)
        .bind(evaluation_id)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct SubmissionRow {
    pub id: i64,
    pub lesson_id: i64,
    pub student_id: i64,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
    pub late_days: i64,
    pub scores: String,
    pub mark: Option<i64>,
    pub feedback: String,
}

impl SubmissionRow {
    pub fn scores(&self) -> Vec<i64> {
        serde_json::from_str(&self.scores).unwrap_or_default()
    }
}

const SUBMISSION: &str = "SELECT id, lesson_id, student_id, body, submitted_at, late_days, scores, mark, feedback \
     FROM assignment_submissions";

pub async fn submission(db: &Pool, id: i64) -> Result<Option<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{SUBMISSION} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn submission_of(
    db: &Pool,
    lesson_id: i64,
    student_id: i64,
) -> Result<Option<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{SUBMISSION} WHERE lesson_id = $1 AND student_id = $2"
    ))
    .bind(lesson_id)
    .bind(student_id)
    .fetch_optional(db)
    .await
}

pub async fn submissions(db: &Pool, lesson_id: i64) -> Result<Vec<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{SUBMISSION} WHERE lesson_id = $1"))
        .bind(lesson_id)
        .fetch_all(db)
        .await
}

/// Hands work in, or replaces the text of work not marked yet; its id, or None when it
/// is already marked.
pub async fn hand_in<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    student_id: i64,
    body: &str,
    late_days: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO assignment_submissions (lesson_id, student_id, body, submitted_at, late_days) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lesson_id, student_id) DO UPDATE SET \
         body = excluded.body, submitted_at = excluded.submitted_at, late_days = excluded.late_days \
         WHERE assignment_submissions.mark IS NULL RETURNING id",
    )
    .bind(lesson_id)
    .bind(student_id)
    .bind(body)
    .bind(at)
    .bind(late_days)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

pub async fn grade<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    scores: &[i64],
    mark: i64,
    feedback: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let scores = serde_json::to_string(scores).map_err(|e| sqlx::Error::Encode(e.into()))?;
    Ok(sqlx::query(
        "UPDATE assignment_submissions SET scores = $2, mark = $3, feedback = $4, graded_by = $5, graded_at = $6 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(scores)
    .bind(mark)
    .bind(feedback)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?
    .rows_affected())
}

/// Assignments of published, open lessons due within the window and not reminded yet:
/// (lesson, course, class, due time).
pub async fn to_remind(
    db: &Pool,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(i64, i64, i64, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.lesson_id, c.id, c.class_id, a.due_at FROM course_assignments a \
         JOIN course_lessons l ON l.id = a.lesson_id JOIN course_modules m ON m.id = l.module_id \
         JOIN courses c ON c.id = m.course_id \
         WHERE a.reminded_at IS NULL AND a.due_at > $1 AND a.due_at <= $2 AND l.published AND m.published",
    )
    .bind(now)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Marks an assignment reminded; false when another node did it first.
pub async fn mark_reminded<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE course_assignments SET reminded_at = $2 WHERE lesson_id = $1 AND reminded_at IS NULL",
    )
    .bind(lesson_id)
    .bind(at)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Who is reminded of an assignment: the class's students who have not handed it in, and
/// their parents: (user, student, is a parent).
pub async fn reminder_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    class_id: i64,
) -> Result<Vec<(i64, i64, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.user_id, s.id, FALSE FROM enrollments e JOIN students s ON s.id = e.student_id \
           WHERE e.class_id = $1 AND s.active AND s.user_id IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM assignment_submissions x WHERE x.lesson_id = $2 AND x.student_id = s.id) \
         UNION SELECT g.user_id, s.id, TRUE FROM enrollments e JOIN students s ON s.id = e.student_id \
           JOIN student_guardians g ON g.student_id = s.id WHERE e.class_id = $1 AND s.active \
           AND NOT EXISTS (SELECT 1 FROM assignment_submissions x WHERE x.lesson_id = $2 AND x.student_id = s.id)",
    )
    .bind(class_id)
    .bind(lesson_id)
    .fetch_all(db)
    .await
}

/// An assignment as the "à faire" list shows it.
#[derive(Clone, Debug, FromRow)]
pub struct Due {
    pub lesson_id: i64,
    pub title: String,
    pub subject: String,
    pub teacher: String,
    pub due_at: DateTime<Utc>,
}

/// The class's published assignments due between two days that the student has not
/// handed in.
pub async fn due(
    db: &Pool,
    student_id: i64,
    class_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Due>, sqlx::Error> {
    let from = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let to = to.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc();
    sqlx::query_as(
        "SELECT a.lesson_id, l.title, j.name AS subject, u.first_name || ' ' || u.last_name AS teacher, a.due_at \
         FROM course_assignments a JOIN course_lessons l ON l.id = a.lesson_id \
         JOIN course_modules m ON m.id = l.module_id JOIN courses c ON c.id = m.course_id \
         JOIN subjects j ON j.id = c.subject_id JOIN users u ON u.id = c.created_by \
         WHERE c.class_id = $1 AND l.published AND m.published AND a.due_at BETWEEN $2 AND $3 \
         AND NOT EXISTS (SELECT 1 FROM assignment_submissions x WHERE x.lesson_id = a.lesson_id AND x.student_id = $4) \
         ORDER BY a.due_at",
    )
    .bind(class_id)
    .bind(from)
    .bind(to)
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// A lesson's title (the reminder names it).
pub async fn lesson_title<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT title FROM course_lessons WHERE id = $1")
        .bind(lesson_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

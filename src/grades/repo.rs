//! SQL of evaluations and marks.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::calc::{EvalKind, MarkValue};
use crate::db::{Db, Pool};

/// A period of the school year.
#[derive(Clone, Debug, FromRow)]
pub struct PeriodRow {
    pub id: i64,
    /// 1, 2, 3.
    pub ordinal: i64,
    /// trimestre or semestre.
    pub kind: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Closed by the administration: marks are locked.
    pub closed: bool,
    /// Bulletins published: families see them.
    pub published: bool,
}

/// The periods of the current year, in order.
pub async fn periods(db: &Pool) -> Result<Vec<PeriodRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, p.ordinal, p.kind, p.starts_on, p.ends_on, p.closed, p.published FROM periods p \
         JOIN school_years y ON y.id = p.school_year_id WHERE y.current = TRUE ORDER BY p.ordinal",
    )
    .fetch_all(db)
    .await
}

/// The period to show by default: the one containing today, else the first still open.
pub fn default_period(periods: &[PeriodRow], today: NaiveDate) -> Option<&PeriodRow> {
    periods
        .iter()
        .find(|p| p.starts_on <= today && today <= p.ends_on)
        .or_else(|| periods.iter().find(|p| !p.closed))
        .or(periods.last())
}

/// An evaluation with the flags the pages need.
#[derive(Clone, Debug, FromRow)]
pub struct EvalRow {
    pub id: i64,
    pub class_id: i64,
    pub subject_id: i64,
    pub period_id: i64,
    /// devoir, interrogation, composition, tp.
    pub kind: String,
    /// "Devoir n°1".
    pub title: String,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Marked out of.
    pub scale: i64,
    /// Weight in the average.
    pub weight: i64,
    /// The period is closed.
    pub closed: bool,
}

impl PeriodRow {
    /// The catalog key of the period's name ("1er trimestre" needs `n`).
    pub fn label_key(&self) -> String {
        format!("period-{}", self.kind)
    }
}

impl EvalRow {
    /// The catalog key of the kind's name.
    pub fn kind_key(&self) -> String {
        format!("kind-{}", self.kind)
    }

    /// The kind, parsed.
    pub fn eval_kind(&self) -> EvalKind {
        EvalKind::parse(&self.kind).unwrap_or(EvalKind::Devoir)
    }
}

const EVAL_SELECT: &str = "SELECT e.id, e.class_id, e.subject_id, e.period_id, e.kind, e.title, e.held_on, \
    e.scale, e.weight, p.closed FROM evaluations e JOIN periods p ON p.id = e.period_id";

/// The evaluations of a class, subject and period, in date order.
pub async fn evaluations(
    db: &Pool,
    class_id: i64,
    subject_id: i64,
    period_id: i64,
) -> Result<Vec<EvalRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{EVAL_SELECT} WHERE e.class_id = $1 AND e.subject_id = $2 AND e.period_id = $3 ORDER BY e.held_on, e.id"
    ))
    .bind(class_id)
    .bind(subject_id)
    .bind(period_id)
    .fetch_all(db)
    .await
}

pub async fn evaluation(db: &Pool, id: i64) -> Result<Option<EvalRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{EVAL_SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A new evaluation.
#[derive(Clone, Debug)]
pub struct NewEvaluation {
    pub class_id: i64,
    pub subject_id: i64,
    pub period_id: i64,
    pub kind: EvalKind,
    pub title: String,
    pub held_on: NaiveDate,
    /// Marked out of.
    pub scale: i64,
    pub weight: i64,
}

/// Inserts an evaluation; returns its id.
pub async fn insert_evaluation<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    e: &NewEvaluation,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO evaluations (class_id, subject_id, period_id, kind, title, held_on, scale, weight, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(e.class_id)
    .bind(e.subject_id)
    .bind(e.period_id)
    .bind(e.kind.code())
    .bind(&e.title)
    .bind(e.held_on)
    .bind(e.scale)
    .bind(e.weight)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A stored mark.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct MarkRow {
    pub evaluation_id: i64,
    pub student_id: i64,
    /// score, absent or excused.
    pub status: String,
    /// Hundredths on the evaluation's scale.
    pub points: Option<i64>,
}

impl MarkRow {
    /// The value as the arithmetic sees it, on the evaluation's own scale.
    pub fn value(&self) -> MarkValue {
        match (self.status.as_str(), self.points) {
            ("score", Some(p)) => MarkValue::Score(p),
            ("excused", _) => MarkValue::Excused,
            _ => MarkValue::Absent,
        }
    }

    /// The text shown in a cell.
    pub fn display(&self) -> String {
        match self.value() {
            MarkValue::Score(p) => super::model::show_points(p),
            MarkValue::Absent => "abs".into(),
            MarkValue::Excused => "disp".into(),
        }
    }
}

/// Every mark of a class, subject and period.
pub async fn marks_for(
    db: &Pool,
    class_id: i64,
    subject_id: i64,
    period_id: i64,
) -> Result<Vec<MarkRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.evaluation_id, m.student_id, m.status, m.points FROM marks m JOIN evaluations e ON e.id = m.evaluation_id \
         WHERE e.class_id = $1 AND e.subject_id = $2 AND e.period_id = $3",
    )
    .bind(class_id)
    .bind(subject_id)
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// The marks of one evaluation.
pub async fn marks_of(db: &Pool, evaluation_id: i64) -> Result<Vec<MarkRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT evaluation_id, student_id, status, points FROM marks WHERE evaluation_id = $1",
    )
    .bind(evaluation_id)
    .fetch_all(db)
    .await
}

/// The mark of one student on one evaluation, inside a transaction.
pub async fn mark<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    evaluation_id: i64,
    student_id: i64,
) -> Result<Option<MarkRow>, sqlx::Error> {
    sqlx::query_as("SELECT evaluation_id, student_id, status, points FROM marks WHERE evaluation_id = $1 AND student_id = $2")
        .bind(evaluation_id)
        .bind(student_id)
        .fetch_optional(db)
        .await
}

/// Writes a mark (insert or replace).
pub async fn upsert_mark<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    evaluation_id: i64,
    student_id: i64,
    value: MarkValue,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (status, points) = match value {
        MarkValue::Score(p) => ("score", Some(p)),
        MarkValue::Absent => ("absent", None),
        MarkValue::Excused => ("excused", None),
    };
    sqlx::query(
        "INSERT INTO marks (evaluation_id, student_id, status, points, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (evaluation_id, student_id) DO UPDATE SET status = excluded.status, points = excluded.points, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(evaluation_id)
    .bind(student_id)
    .bind(status)
    .bind(points)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes a mark.
pub async fn delete_mark<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    evaluation_id: i64,
    student_id: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM marks WHERE evaluation_id = $1 AND student_id = $2")
        .bind(evaluation_id)
        .bind(student_id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// The name of a subject.
pub async fn subject_name(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM subjects WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

/// A student's marks of a period, with their evaluation and subject, for the family pages.
#[derive(Clone, Debug, FromRow)]
pub struct StudentMark {
    pub evaluation_id: i64,
    pub subject_id: i64,
    pub subject: String,
    pub title: String,
    pub kind: String,
    pub held_on: NaiveDate,
    /// Marked out of.
    pub scale: i64,
    pub weight: i64,
    /// score, absent, excused.
    pub status: String,
    /// Points on the scale.
    pub points: Option<i64>,
}

/// Every mark of a student in a period.
pub async fn student_marks(
    db: &Pool,
    student_id: i64,
    period_id: i64,
) -> Result<Vec<StudentMark>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id AS evaluation_id, e.subject_id, s.name AS subject, e.title, e.kind, e.held_on, e.scale, e.weight, m.status, m.points \
         FROM marks m JOIN evaluations e ON e.id = m.evaluation_id JOIN subjects s ON s.id = e.subject_id \
         WHERE m.student_id = $1 AND e.period_id = $2 ORDER BY s.name, e.held_on, e.id",
    )
    .bind(student_id)
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// Whether a period is closed, read inside the caller's transaction.
pub async fn period_closed<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    period_id: i64,
) -> Result<bool, sqlx::Error> {
    let (closed,): (bool,) = sqlx::query_as("SELECT closed FROM periods WHERE id = $1")
        .bind(period_id)
        .fetch_one(db)
        .await?;
    Ok(closed)
}

/// Whether a student is enrolled in a class.
pub async fn is_enrolled<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
    class_id: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT 1 FROM enrollments WHERE student_id = $1 AND class_id = $2")
        .bind(student_id)
        .bind(class_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// How far an evaluation of a period has been marked.
#[derive(Clone, Debug, FromRow)]
pub struct EvaluationFill {
    pub class_id: i64,
    pub subject_id: i64,
    /// devoir, interrogation, composition, tp.
    pub kind: String,
    /// Active students of the class with a mark (a score, absent or excused).
    pub marked: i64,
}

/// Every evaluation of a period with how many of its class's students have a mark.
pub async fn period_fill(db: &Pool, period_id: i64) -> Result<Vec<EvaluationFill>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.class_id, e.subject_id, e.kind, \
           (SELECT COUNT(*) FROM marks m JOIN enrollments en ON en.student_id = m.student_id AND en.class_id = e.class_id \
              JOIN students s ON s.id = m.student_id AND s.active = TRUE WHERE m.evaluation_id = e.id) AS marked \
         FROM evaluations e WHERE e.period_id = $1",
    )
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// A class's scored marks: (subject, day, points, scale, weight).
pub async fn class_scores(
    db: &Pool,
    class: i64,
) -> Result<Vec<(String, NaiveDate, i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT su.name, e.held_on, m.points, e.scale, e.weight FROM marks m JOIN evaluations e ON e.id = m.evaluation_id \
         JOIN subjects su ON su.id = e.subject_id WHERE e.class_id = $1 AND m.status = 'score' AND m.points IS NOT NULL",
    )
    .bind(class)
    .fetch_all(db)
    .await
}

/// Every mark of a class in a period: (student, day, points, scale, weight, status).
pub async fn class_period_marks(
    db: &Pool,
    class: i64,
    period: i64,
) -> Result<Vec<(i64, NaiveDate, Option<i64>, i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.student_id, e.held_on, m.points, e.scale, e.weight, m.status FROM marks m \
         JOIN evaluations e ON e.id = m.evaluation_id WHERE e.class_id = $1 AND e.period_id = $2",
    )
    .bind(class)
    .bind(period)
    .fetch_all(db)
    .await
}

/// The evaluations of a class in a period held by `day`, by id.
pub async fn evaluations_held(
    db: &Pool,
    class: i64,
    period: i64,
    day: NaiveDate,
) -> Result<Vec<(i64,)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id FROM evaluations WHERE class_id = $1 AND period_id = $2 AND held_on <= $3",
    )
    .bind(class)
    .bind(period)
    .bind(day)
    .fetch_all(db)
    .await
}

/// A class's evaluations, latest first: (id, title, day, subject).
pub async fn class_evaluations_latest_first(
    db: &Pool,
    class: i64,
) -> Result<Vec<(i64, String, NaiveDate, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.title, e.held_on, su.name FROM evaluations e JOIN subjects su ON su.id = e.subject_id \
         WHERE e.class_id = $1 ORDER BY e.held_on DESC, e.id DESC",
    )
    .bind(class)
    .fetch_all(db)
    .await
}

/// The scored marks of an evaluation: (points, scale).
pub async fn evaluation_scores(db: &Pool, evaluation: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.points, ev.scale FROM marks m JOIN evaluations ev ON ev.id = m.evaluation_id \
         WHERE m.evaluation_id = $1 AND m.status = 'score' AND m.points IS NOT NULL",
    )
    .bind(evaluation)
    .fetch_all(db)
    .await
}

/// Who hears of a mark, and what their message says besides the mark.
#[derive(Clone, Debug)]
pub struct MarkAudience {
    pub subject: String,
    /// The evaluation's scale (marked out of).
    pub scale: i64,
    /// The student and their guardians.
    pub people: Vec<crate::school::repo::Concerned>,
}

/// The audience of a mark given to `student_id` in an evaluation.
pub async fn mark_audience(
    conn: &mut <Db as sqlx::Database>::Connection,
    evaluation_id: i64,
    student_id: i64,
) -> Result<MarkAudience, sqlx::Error> {
    let (subject, scale): (String, i64) = sqlx::query_as(
        "SELECT s.name, CAST(e.scale AS BIGINT) FROM evaluations e JOIN subjects s ON s.id = e.subject_id WHERE e.id = $1",
    )
    .bind(evaluation_id)
    .fetch_one(&mut *conn)
    .await?;
    let people = crate::school::repo::concerned(&mut *conn, student_id).await?;
    Ok(MarkAudience {
        subject,
        scale,
        people,
    })
}

/// The title of an evaluation and the name of its subject.
pub async fn evaluation_label(
    db: impl sqlx::Executor<'_, Database = Db>,
    evaluation: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.title, su.name FROM evaluations e JOIN subjects su ON su.id = e.subject_id WHERE e.id = $1",
    )
    .bind(evaluation)
    .fetch_optional(db)
    .await
}

/// A student's scored marks in a subject over a period: (points in hundredths, scale, weight).
pub async fn subject_marks(
    db: impl sqlx::Executor<'_, Database = Db>,
    student: i64,
    subject: i64,
    period: i64,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.points, e.scale, e.weight FROM marks m JOIN evaluations e ON e.id = m.evaluation_id \
         WHERE m.student_id = $1 AND e.subject_id = $2 AND e.period_id = $3 AND m.status = 'score' AND m.points IS NOT NULL",
    )
    .bind(student)
    .bind(subject)
    .bind(period)
    .fetch_all(db)
    .await
}

/// A mark scored, as the rules that count progress read it: (student, day, points in
/// hundredths, scale, weight).
#[derive(Clone, Debug, FromRow)]
pub struct ScoredMark {
    pub student_id: i64,
    pub held_on: NaiveDate,
    /// Points in hundredths on `scale`.
    pub points: i64,
    pub scale: i64,
    pub weight: i64,
}

/// Which of the current year's students: a class's, a level's, or the whole school's.
#[derive(Clone, Copy, Debug)]
pub enum Among {
    Class(i64),
    Level(i64),
    School,
}

/// The marks scored between two days by the students of `among`, each in the class they
/// are enrolled in this year.
pub async fn scored_marks_between(
    db: &Pool,
    from: NaiveDate,
    to: NaiveDate,
    among: Among,
) -> Result<Vec<ScoredMark>, sqlx::Error> {
    let (filter, id) = match among {
        Among::Class(id) => ("c.id = $3", id),
        Among::Level(id) => ("c.level_id = $3", id),
        Among::School => ("$3 = $3", 0),
    };
    sqlx::query_as(crate::sql!(
        "SELECT m.student_id, ev.held_on, m.points, ev.scale, ev.weight \
         FROM marks m JOIN evaluations ev ON ev.id = m.evaluation_id \
         JOIN enrollments e ON e.student_id = m.student_id AND e.class_id = ev.class_id \
         JOIN classes c ON c.id = e.class_id \
         JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
         WHERE m.status = 'score' AND m.points IS NOT NULL AND ev.held_on BETWEEN $1 AND $2 \
         AND {filter}"
    ))
    .bind(from)
    .bind(to)
    .bind(id)
    .fetch_all(db)
    .await
}

/// The marks these students scored from the start of their class's year to `to`.
pub async fn scored_marks_of_year(
    db: &Pool,
    to: NaiveDate,
    students: &[i64],
) -> Result<Vec<ScoredMark>, sqlx::Error> {
    if students.is_empty() {
        return Ok(Vec::new());
    }
    let list = (2..students.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = crate::sql!(
        "SELECT m.student_id, e.held_on, m.points, e.scale, e.weight FROM marks m \
         JOIN evaluations e ON e.id = m.evaluation_id JOIN classes c ON c.id = e.class_id \
         JOIN school_years y ON y.id = c.school_year_id \
         WHERE m.status = 'score' AND m.points IS NOT NULL AND e.held_on BETWEEN y.starts_on AND $1 \
         AND m.student_id IN ({list})"
    );
    let mut q = sqlx::query_as(sql).bind(to);
    for id in students {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}

/// The scores of each of these evaluations: (evaluation, sum, lowest, highest, how many),
/// points in hundredths on the evaluation's scale; absences and excused students aside.
pub async fn score_spread(
    db: &Pool,
    evaluations: &[i64],
) -> Result<Vec<(i64, i64, i64, i64, i64)>, sqlx::Error> {
    if evaluations.is_empty() {
        return Ok(Vec::new());
    }
    let list = (1..=evaluations.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = crate::sql!(
        "SELECT evaluation_id, CAST(SUM(points) AS BIGINT), MIN(points), MAX(points), COUNT(*) \
         FROM marks WHERE status = 'score' AND points IS NOT NULL AND evaluation_id IN ({list}) \
         GROUP BY evaluation_id"
    );
    let mut q = sqlx::query_as(sql);
    for id in evaluations {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}

/// An evaluation already held whose marks are not all typed.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct Unmarked {
    pub id: i64,
    pub title: String,
    pub held_on: NaiveDate,
    pub class_name: String,
    pub subject: String,
    /// Active students of the class with a mark (a score, absent or excused).
    pub marked: i64,
    /// Active students of the class.
    pub students: i64,
}

/// The evaluations a teacher gave (in a class and subject they teach this year), held by
/// `day` in a period still open, whose marks are not all typed: the oldest first.
pub async fn unmarked_of_teacher(
    db: &Pool,
    teacher: i64,
    day: NaiveDate,
) -> Result<Vec<Unmarked>, sqlx::Error> {
    let rows: Vec<Unmarked> = sqlx::query_as(
        "SELECT e.id, e.title, e.held_on, c.name AS class_name, j.name AS subject, \
           (SELECT COUNT(*) FROM marks m JOIN enrollments en ON en.student_id = m.student_id AND en.class_id = e.class_id \
              JOIN students s ON s.id = m.student_id AND s.active = TRUE WHERE m.evaluation_id = e.id) AS marked, \
           (SELECT COUNT(*) FROM enrollments en JOIN students s ON s.id = en.student_id AND s.active = TRUE \
              WHERE en.class_id = e.class_id) AS students \
         FROM evaluations e JOIN periods p ON p.id = e.period_id JOIN classes c ON c.id = e.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE JOIN subjects j ON j.id = e.subject_id \
         WHERE p.closed = FALSE AND e.held_on <= $2 AND EXISTS (SELECT 1 FROM teaching_assignments t \
           WHERE t.class_id = e.class_id AND t.subject_id = e.subject_id AND t.teacher_user_id = $1) \
         ORDER BY e.held_on, e.id",
    )
    .bind(teacher)
    .bind(day)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().filter(|r| r.marked < r.students).collect())
}

//! SQL of bulletins: the subjects of a class with their coefficients, and its marks.

use sqlx::FromRow;

use super::compute::Subject;
use crate::db::{Db, Pool};

#[derive(FromRow)]
struct SubjectRow {
    id: i64,
    name: String,
    coefficient: i64,
    subject_group: String,
}

/// The subjects taught in a class, with the coefficient of its level and série (the série's
/// own coefficient first, then the level's, then 1).
pub async fn class_subjects<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    class_id: i64,
) -> Result<Vec<Subject>, sqlx::Error> {
    let rows: Vec<SubjectRow> = sqlx::query_as(
        "SELECT s.id, s.name, COALESCE( \
           (SELECT sc.coefficient FROM subject_coefficients sc WHERE sc.level_id = c.level_id AND sc.subject_id = s.id \
              AND sc.series_key = COALESCE(c.series_id, 0)), \
           (SELECT sc.coefficient FROM subject_coefficients sc WHERE sc.level_id = c.level_id AND sc.subject_id = s.id \
              AND sc.series_key = 0), 1) AS coefficient, \
         COALESCE( \
           (SELECT sc.subject_group FROM subject_coefficients sc WHERE sc.level_id = c.level_id AND sc.subject_id = s.id \
              AND sc.series_key = COALESCE(c.series_id, 0)), \
           (SELECT sc.subject_group FROM subject_coefficients sc WHERE sc.level_id = c.level_id AND sc.subject_id = s.id \
              AND sc.series_key = 0), 'autres') AS subject_group \
         FROM teaching_assignments t JOIN subjects s ON s.id = t.subject_id JOIN classes c ON c.id = t.class_id \
         WHERE t.class_id = $1 \
         ORDER BY s.name",
    )
    .bind(class_id)
    .fetch_all(db)
    .await?;
    let mut subjects: Vec<Subject> = rows
        .into_iter()
        .map(|r| Subject {
            id: r.id,
            name: r.name,
            coefficient: r.coefficient,
            group: r.subject_group,
        })
        .collect();
    // Littéraires first, then scientifiques, then the others, each by name (a stable sort).
    subjects.sort_by_key(|s| super::compute::group_rank(&s.group));
    Ok(subjects)
}

/// A mark of the class with what the computation needs.
#[derive(Clone, Debug, FromRow)]
pub struct ClassMark {
    pub student_id: i64,
    pub subject_id: i64,
    pub kind: String,
    pub weight: i64,
    pub scale: i64,
    /// score, absent, excused.
    pub status: String,
    /// Points on the scale.
    pub points: Option<i64>,
}

/// Every mark of a class in a period.
pub async fn class_marks<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    class_id: i64,
    period_id: i64,
) -> Result<Vec<ClassMark>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.student_id, e.subject_id, e.kind, e.weight, e.scale, m.status, m.points \
         FROM marks m JOIN evaluations e ON e.id = m.evaluation_id WHERE e.class_id = $1 AND e.period_id = $2",
    )
    .bind(class_id)
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// Whether a period's bulletins are published.
pub async fn period_state(db: &Pool, period_id: i64) -> Result<Option<(bool, bool)>, sqlx::Error> {
    sqlx::query_as("SELECT closed, published FROM periods WHERE id = $1")
        .bind(period_id)
        .fetch_optional(db)
        .await
}

/// Closes or reopens a period; reopening also withdraws its bulletins.
pub async fn set_closed(db: &Pool, period_id: i64, closed: bool) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("UPDATE periods SET closed = $1, published = CASE WHEN $1 THEN published ELSE FALSE END WHERE id = $2")
        .bind(closed)
        .bind(period_id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// Publishes or withdraws a period's bulletins; publishing needs a closed period. Returns 0
/// when there was nothing to change (already so, or still open), so that two publications
/// sent at once tell the families once.
pub async fn set_published<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    period_id: i64,
    published: bool,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE periods SET published = $1 WHERE id = $2 AND published <> $1 AND (closed = TRUE OR $1 = FALSE)",
    )
        .bind(published)
        .bind(period_id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// A stored coefficient.
#[derive(Clone, Debug, FromRow)]
pub struct Coefficient {
    pub subject_id: i64,
    /// 1 to 10.
    pub coefficient: i64,
    /// litteraires, scientifiques or autres.
    pub subject_group: String,
}

/// The coefficients of a level for one série (0: every série).
pub async fn coefficients(
    db: &Pool,
    level_id: i64,
    series_key: i64,
) -> Result<Vec<Coefficient>, sqlx::Error> {
    sqlx::query_as("SELECT subject_id, coefficient, subject_group FROM subject_coefficients WHERE level_id = $1 AND series_key = $2")
        .bind(level_id)
        .bind(series_key)
        .fetch_all(db)
        .await
}

/// Removes a level's (and série's) coefficients, before the table is written again.
pub async fn clear_coefficients<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    level_id: i64,
    series_key: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM subject_coefficients WHERE level_id = $1 AND series_key = $2")
        .bind(level_id)
        .bind(series_key)
        .execute(db)
        .await?;
    Ok(())
}

/// Writes one coefficient.
pub async fn insert_coefficient<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    level_id: i64,
    series_key: i64,
    subject_id: i64,
    coefficient: i64,
    group: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subject_coefficients (level_id, series_key, subject_id, coefficient, subject_group) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(level_id)
    .bind(series_key)
    .bind(subject_id)
    .bind(coefficient)
    .bind(group)
    .execute(db)
    .await?;
    Ok(())
}

/// The students whose bulletins a period's publication announces (every student enrolled
/// that year), from a period `pe`: the notice and the count read before publishing share it.
const BULLETIN_STUDENTS: &str = "FROM periods pe JOIN classes c ON c.school_year_id = pe.school_year_id \
    JOIN enrollments e ON e.class_id = c.id JOIN students s ON s.id = e.student_id";

/// Who will be told when a period's bulletins are published: the distinct guardians of the
/// year's students, and the students who have an account of their own.
pub async fn audience_count(db: &Pool, period_id: i64) -> Result<(i64, i64), sqlx::Error> {
    let (guardians,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT COUNT(DISTINCT g.user_id) {BULLETIN_STUDENTS} \
         JOIN student_guardians g ON g.student_id = s.id WHERE pe.id = $1"
    ))
    .bind(period_id)
    .fetch_one(db)
    .await?;
    let (students,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT COUNT(DISTINCT s.user_id) {BULLETIN_STUDENTS} WHERE pe.id = $1 AND s.user_id IS NOT NULL"
    ))
    .bind(period_id)
    .fetch_one(db)
    .await?;
    Ok((guardians, students))
}

/// Someone told that a student's bulletin of a period is out: a guardian, or the student.
#[derive(Clone, Debug)]
pub struct BulletinReader {
    pub student_id: i64,
    pub user_id: i64,
    /// The student's first name.
    pub student_name: String,
    /// The period's number in the year.
    pub ordinal: i64,
    /// trimestre or semestre.
    pub period_kind: String,
}

/// Everyone told when a period's bulletins are published (see [`audience_count`]).
pub async fn publication_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    period_id: i64,
) -> Result<Vec<BulletinReader>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(crate::sql!(
        "SELECT s.id, g.user_id, s.first_name, pe.ordinal, pe.kind {BULLETIN_STUDENTS} \
           JOIN student_guardians g ON g.student_id = s.id WHERE pe.id = $1 \
         UNION SELECT s.id, s.user_id, s.first_name, pe.ordinal, pe.kind {BULLETIN_STUDENTS} \
           WHERE pe.id = $1 AND s.user_id IS NOT NULL"
    ))
    .bind(period_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(student_id, user_id, student_name, ordinal, period_kind)| BulletinReader {
                student_id,
                user_id,
                student_name,
                ordinal,
                period_kind,
            },
        )
        .collect())
}

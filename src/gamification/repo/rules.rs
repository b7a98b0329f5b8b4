//! The school's records the rules read, inside the transaction of the event or check they
//! handle (a pooled read could wait on that transaction): evaluations and marks, periods,
//! classes and roll calls.

use chrono::NaiveDate;

use crate::db::Db;

/// The title of an evaluation and the name of its subject.
pub async fn evaluation_label(
    db: impl sqlx::Executor<'_, Database = Db>,
    evaluation: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    // Reads grades' evaluations: grades::repo::evaluation reads the pool and has no subject name.
    sqlx::query_as(
        "SELECT e.title, su.name FROM evaluations e JOIN subjects su ON su.id = e.subject_id WHERE e.id = $1",
    )
    .bind(evaluation)
    .fetch_optional(db)
    .await
}

/// The period before `period` in its year.
pub async fn previous_period(
    db: impl sqlx::Executor<'_, Database = Db>,
    period: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let previous: Option<(i64,)> = sqlx::query_as(
        "SELECT p2.id FROM periods p JOIN periods p2 ON p2.school_year_id = p.school_year_id \
         AND p2.ordinal = p.ordinal - 1 WHERE p.id = $1",
    )
    .bind(period)
    .fetch_optional(db)
    .await?;
    Ok(previous.map(|p| p.0))
}

pub async fn subject_name(
    db: impl sqlx::Executor<'_, Database = Db>,
    subject: i64,
) -> Result<Option<String>, sqlx::Error> {
    let name: Option<(String,)> = sqlx::query_as("SELECT name FROM subjects WHERE id = $1")
        .bind(subject)
        .fetch_optional(db)
        .await?;
    Ok(name.map(|n| n.0))
}

/// A student's scored marks in a subject over a period: (points in hundredths, scale, weight).
pub async fn subject_marks(
    db: impl sqlx::Executor<'_, Database = Db>,
    student: i64,
    subject: i64,
    period: i64,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    // Reads grades' marks: grades::repo::student_marks reads the pool, not this transaction.
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

/// The school year of a period.
pub async fn year_of_period(
    db: impl sqlx::Executor<'_, Database = Db>,
    period: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let year: Option<(i64,)> = sqlx::query_as("SELECT school_year_id FROM periods WHERE id = $1")
        .bind(period)
        .fetch_optional(db)
        .await?;
    Ok(year.map(|y| y.0))
}

/// The published periods of a year, and `period`, in order.
pub async fn published_periods_and(
    db: impl sqlx::Executor<'_, Database = Db>,
    year: i64,
    period: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let periods: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM periods WHERE school_year_id = $1 AND (published = TRUE OR id = $2) ORDER BY ordinal",
    )
    .bind(year)
    .bind(period)
    .fetch_all(db)
    .await?;
    Ok(periods.into_iter().map(|p| p.0).collect())
}

pub async fn classes_of_year(
    db: impl sqlx::Executor<'_, Database = Db>,
    year: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let classes: Vec<(i64,)> = sqlx::query_as("SELECT id FROM classes WHERE school_year_id = $1")
        .bind(year)
        .fetch_all(db)
        .await?;
    Ok(classes.into_iter().map(|c| c.0).collect())
}

/// The grading settings as stored (JSON), if stored.
pub async fn grading(
    db: impl sqlx::Executor<'_, Database = Db>,
) -> Result<Option<String>, sqlx::Error> {
    // In the caller's transaction: crate::settings::grading reads the pool.
    crate::settings::raw(db, "grading").await
}

/// Every student enrolled in a class, active or not.
pub async fn enrolled(
    db: impl sqlx::Executor<'_, Database = Db>,
    class: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let students: Vec<(i64,)> =
        sqlx::query_as("SELECT student_id FROM enrollments WHERE class_id = $1")
            .bind(class)
            .fetch_all(db)
            .await?;
    Ok(students.into_iter().map(|s| s.0).collect())
}

/// Students of the current year whose class held roll calls on at least `min_days` days
/// between `from` and `to`, and who were never absent nor late at them.
pub async fn present_throughout(
    db: impl sqlx::Executor<'_, Database = Db>,
    from: NaiveDate,
    to: NaiveDate,
    min_days: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    // Reads attendance's roll_calls and absences: its repo has no days-without-absence query.
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT e.student_id FROM enrollments e \
         JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         WHERE (SELECT COUNT(DISTINCT r.held_on) FROM roll_calls r WHERE r.class_id = e.class_id \
                AND r.held_on BETWEEN $1 AND $2) >= $3 \
         AND NOT EXISTS (SELECT 1 FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
                WHERE a.student_id = e.student_id AND r.held_on BETWEEN $1 AND $2)",
    )
    .bind(from)
    .bind(to)
    .bind(min_days)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

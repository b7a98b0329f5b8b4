//! The school's records the rules read, inside the transaction of the event or check they
//! handle (a pooled read could wait on that transaction): periods and classes here;
//! evaluations, marks and roll calls through their owners' functions, which take the
//! transaction too.

use crate::db::Db;

pub use crate::attendance::repo::present_throughout;
pub use crate::grades::repo::{evaluation_label, subject_marks};

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

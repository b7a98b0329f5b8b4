//! What the boards rank: the students of a scope with their points, badges or marks.

use chrono::NaiveDate;
use sqlx::FromRow;

use crate::db::Pool;
use crate::gamification::boards::Scope;

#[derive(FromRow)]
pub struct YearSpan {
    pub id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

pub async fn current_year(db: &Pool) -> Result<Option<YearSpan>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, starts_on, ends_on FROM school_years WHERE current = TRUE ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// The periods of a year, in order.
pub async fn periods(
    db: &Pool,
    year: i64,
) -> Result<Vec<crate::grades::repo::PeriodRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, ordinal, kind, starts_on, ends_on, closed, published FROM periods \
         WHERE school_year_id = $1 ORDER BY ordinal",
    )
    .bind(year)
    .fetch_all(db)
    .await
}

/// A student of a board with their value, before ranking.
#[derive(FromRow)]
pub struct Row {
    pub student_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub class_name: String,
    pub value: i64,
    pub hides_name: bool,
}

/// The condition on the class `c` that keeps a scope's students, and its parameter (`$4`).
fn scope_filter(scope: Scope) -> (&'static str, i64) {
    match scope {
        Scope::Classe(id) => ("c.id = $4", id),
        Scope::Niveau(id) => ("c.level_id = $4", id),
        Scope::Ecole => ("$4 = $4", 0),
    }
}

/// The active students of the current year, with their class and privacy choice.
const STUDENTS: &str = "FROM enrollments e JOIN classes c ON c.id = e.class_id \
     JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
     JOIN students s ON s.id = e.student_id AND s.active = TRUE \
     LEFT JOIN gamification_privacy gp ON gp.student_id = s.id";

const NAMES: &str = "s.id AS student_id, s.first_name, s.last_name, c.name AS class_name, \
     COALESCE(gp.hide_name, FALSE) AS hides_name";

/// Each student of the scope with their positive points (not withdrawn) between two days.
pub async fn points(
    db: &Pool,
    from: NaiveDate,
    to: NaiveDate,
    scope: Scope,
) -> Result<Vec<Row>, sqlx::Error> {
    let (filter, id) = scope_filter(scope);
    sqlx::query_as(crate::sql!(
        "SELECT {NAMES}, CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa \
           WHERE pa.student_id = s.id AND pa.positive = TRUE AND pa.revoked_at IS NULL \
           AND pa.awarded_on BETWEEN $1 AND $2), 0) AS BIGINT) AS value \
         {STUDENTS} WHERE {filter} AND $3 = $3"
    ))
    .bind(from)
    .bind(to)
    .bind(0i64)
    .bind(id)
    .fetch_all(db)
    .await
}

/// Each student of the scope with the badges they got (and hold) between two days.
pub async fn badges(
    db: &Pool,
    from: NaiveDate,
    to: NaiveDate,
    scope: Scope,
) -> Result<Vec<Row>, sqlx::Error> {
    let (filter, id) = scope_filter(scope);
    sqlx::query_as(crate::sql!(
        "SELECT {NAMES}, (SELECT COUNT(*) FROM badge_awards ba \
           WHERE ba.student_id = s.id AND ba.revoked_at IS NULL \
           AND ba.awarded_on BETWEEN $1 AND $2) AS value \
         {STUDENTS} WHERE {filter} AND $3 = $3"
    ))
    .bind(from)
    .bind(to)
    .bind(0i64)
    .bind(id)
    .fetch_all(db)
    .await
}

/// Each student of the scope, with a value of 0.
pub async fn students(db: &Pool, scope: Scope) -> Result<Vec<Row>, sqlx::Error> {
    let (filter, id) = scope_filter(scope);
    sqlx::query_as(crate::sql!(
        "SELECT s.id AS student_id, s.first_name, s.last_name, c.name AS class_name, CAST(0 AS BIGINT) AS value, \
         COALESCE(gp.hide_name, FALSE) AS hides_name \
         FROM enrollments e JOIN classes c ON c.id = e.class_id \
         JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         LEFT JOIN gamification_privacy gp ON gp.student_id = s.id WHERE {filter} AND $1 = $1 AND $2 = $2 AND $3 = $3"
    ))
    .bind(0i64)
    .bind(0i64)
    .bind(0i64)
    .bind(id)
    .fetch_all(db)
    .await
}

//! School years: listing them, preparing next year from this one (its periods, classes,
//! professeurs principaux and teachers' assignments, a year later), opening one.

use chrono::{Datelike, NaiveDate};

use crate::db::{Pool, Tx};

/// A year as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct YearRow {
    pub id: i64,
    /// "2026-2027".
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The year the portal works in.
    pub current: bool,
    pub classes: i64,
    pub students: i64,
}

pub async fn list(db: &Pool) -> Result<Vec<YearRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT y.id, y.label, y.starts_on, y.ends_on, y.current, \
         (SELECT COUNT(*) FROM classes c WHERE c.school_year_id = y.id) AS classes, \
         (SELECT COUNT(*) FROM enrollments e WHERE e.school_year_id = y.id) AS students \
         FROM school_years y ORDER BY y.starts_on",
    )
    .fetch_all(db)
    .await
}

/// The same day a year later (28 February for a 29th).
pub fn a_year_later(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() + 1, d.month(), 28))
        .unwrap_or(d)
}

/// Creates the year after `from`, labelled `label`, with `from`'s periods, classes (names,
/// rooms, professeurs principaux) and teachers' assignments a year later; returns its id.
/// A year with that label already there is a unique violation.
pub async fn prepare_next(tx: &mut Tx<'_>, from: i64, label: &str) -> Result<i64, sqlx::Error> {
    let (starts, ends): (NaiveDate, NaiveDate) =
        sqlx::query_as("SELECT starts_on, ends_on FROM school_years WHERE id = $1")
            .bind(from)
            .fetch_one(&mut **tx)
            .await?;
    let (new_year,): (i64,) = sqlx::query_as(
        "INSERT INTO school_years (label, starts_on, ends_on, current) VALUES ($1, $2, $3, FALSE) RETURNING id",
    )
    .bind(label)
    .bind(a_year_later(starts))
    .bind(a_year_later(ends))
    .fetch_one(&mut **tx)
    .await?;
    let periods: Vec<(i64, String, NaiveDate, NaiveDate)> = sqlx::query_as(
        "SELECT ordinal, kind, starts_on, ends_on FROM periods WHERE school_year_id = $1 ORDER BY ordinal",
    )
    .bind(from)
    .fetch_all(&mut **tx)
    .await?;
    for (ordinal, kind, s, e) in periods {
        sqlx::query("INSERT INTO periods (school_year_id, ordinal, kind, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_year)
            .bind(ordinal)
            .bind(kind)
            .bind(a_year_later(s))
            .bind(a_year_later(e))
            .execute(&mut **tx)
            .await?;
    }
    // Classes keep their names from one year to the next, which is how the assignments
    // find their new class.
    sqlx::query(
        "INSERT INTO classes (school_year_id, level_id, series_id, grp, name, room, capacity, head_teacher_user_id) \
         SELECT $1, level_id, series_id, grp, name, room, capacity, head_teacher_user_id FROM classes WHERE school_year_id = $2",
    )
    .bind(new_year)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) \
         SELECT n.id, t.subject_id, t.teacher_user_id FROM teaching_assignments t \
         JOIN classes o ON o.id = t.class_id JOIN classes n ON n.name = o.name AND n.school_year_id = $1 \
         WHERE o.school_year_id = $2",
    )
    .bind(new_year)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(new_year)
}

/// The label of a year, if it exists.
pub async fn label(tx: &mut Tx<'_>, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT label FROM school_years WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Makes `id` the current year, and no other.
pub async fn make_current(tx: &mut Tx<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE school_years SET current = (id = $1)")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

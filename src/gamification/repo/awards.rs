//! Points and badges given to students (never deleted: a reversal stamps them), and a
//! student's choice to hide their name.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};
use crate::gamification::Award;

/// The current school year, the one an award counts in.
pub async fn current_year(
    db: impl sqlx::Executor<'_, Database = Db>,
) -> Result<Option<i64>, sqlx::Error> {
    let year: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM school_years WHERE current = TRUE ORDER BY id DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    Ok(year.map(|y| y.0))
}

/// How many active awards of rule `code` a student got on day `on`.
pub async fn rule_awards_on(
    db: impl sqlx::Executor<'_, Database = Db>,
    student: i64,
    code: &str,
    on: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM point_awards WHERE student_id = $1 AND rule_code = $2 \
         AND awarded_on = $3 AND revoked_at IS NULL",
    )
    .bind(student)
    .bind(code)
    .bind(on)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// Writes an award counted in school year `year`; returns its id, or `None` when its
/// source has an award already.
pub async fn insert(
    db: impl sqlx::Executor<'_, Database = Db>,
    a: &Award,
    year: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO point_awards (student_id, school_year_id, points, positive, rule_code, behaviour_id, \
         challenge_id, reason, source_key, awarded_by, awarded_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (source_key) DO NOTHING RETURNING id",
    )
    .bind(a.student_id)
    .bind(year)
    .bind(a.points)
    .bind(a.positive)
    .bind(a.rule_code)
    .bind(a.behaviour_id)
    .bind(a.challenge_id)
    .bind(&a.reason)
    .bind(&a.source_key)
    .bind(a.awarded_by)
    .bind(a.awarded_on)
    .bind(at)
    .fetch_optional(db)
    .await?;
    Ok(id.map(|r| r.0))
}

/// Stamps an active award withdrawn; returns its student, or `None` when it was not active.
pub async fn revoke(
    db: impl sqlx::Executor<'_, Database = Db>,
    award_id: i64,
    by: Option<i64>,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE point_awards SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
         WHERE id = $4 AND revoked_at IS NULL RETURNING student_id",
    )
    .bind(at)
    .bind(by)
    .bind(reason)
    .bind(award_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Stamps the active award of a source withdrawn by the rules; returns whether there was one.
pub async fn revoke_source(
    db: impl sqlx::Executor<'_, Database = Db>,
    source: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE point_awards SET revoked_at = $1, revoke_reason = $2 WHERE source_key = $3 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(reason)
    .bind(source)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// Clears the stamp of a source's award the rules (not a person) withdrew; returns whether
/// there was one.
pub async fn restore_source(
    db: impl sqlx::Executor<'_, Database = Db>,
    source: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE point_awards SET revoked_at = NULL, revoke_reason = NULL \
         WHERE source_key = $1 AND revoked_at IS NOT NULL AND revoked_by IS NULL",
    )
    .bind(source)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// Whether an award of this id exists, withdrawn or not.
pub async fn exists(
    db: impl sqlx::Executor<'_, Database = Db>,
    award_id: i64,
) -> Result<bool, sqlx::Error> {
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM point_awards WHERE id = $1")
        .bind(award_id)
        .fetch_optional(db)
        .await?;
    Ok(exists.is_some())
}

/// The student of an award that exists.
pub async fn student_of(
    db: impl sqlx::Executor<'_, Database = Db>,
    award_id: i64,
) -> Result<i64, sqlx::Error> {
    let (student,): (i64,) = sqlx::query_as("SELECT student_id FROM point_awards WHERE id = $1")
        .bind(award_id)
        .fetch_one(db)
        .await?;
    Ok(student)
}

/// A student's points of all time (positive, not withdrawn): what the level counts.
pub async fn total_points(
    db: impl sqlx::Executor<'_, Database = Db>,
    student: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards \
         WHERE student_id = $1 AND positive = TRUE AND revoked_at IS NULL",
    )
    .bind(student)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// A student's positive points (not withdrawn) from day `from`.
pub async fn points_since(db: &Pool, student: i64, from: NaiveDate) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards WHERE student_id = $1 \
         AND positive = TRUE AND revoked_at IS NULL AND awarded_on >= $2",
    )
    .bind(student)
    .bind(from)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// A student's "à améliorer" points (not withdrawn) from day `from`.
pub async fn to_improve_since(
    db: &Pool,
    student: i64,
    from: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards WHERE student_id = $1 \
         AND positive = FALSE AND revoked_at IS NULL AND awarded_on >= $2",
    )
    .bind(student)
    .bind(from)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// One line of a student's history.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct HistoryLine {
    pub id: i64,
    pub points: i64,
    /// False for "à améliorer".
    pub positive: bool,
    /// The rule, if any.
    pub rule_code: Option<String>,
    /// The behaviour's label, if any.
    pub behaviour: Option<String>,
    /// The challenge's title, if any.
    pub challenge: Option<String>,
    pub reason: String,
    /// Who gave it.
    pub awarded_by_name: Option<String>,
    pub awarded_on: NaiveDate,
    pub revoked: bool,
    /// Why it was withdrawn.
    pub revoke_reason: Option<String>,
}

impl HistoryLine {
    /// What it was for, as the catalog key of its source.
    pub fn source_key(&self) -> String {
        match (&self.rule_code, &self.behaviour, &self.challenge) {
            (Some(r), _, _) => format!("gam-rule-{r}"),
            (_, Some(_), _) => "gam-source-behaviour".into(),
            (_, _, Some(_)) => "gam-source-challenge".into(),
            _ => "gam-source-hand".into(),
        }
    }
}

/// A student's history, newest first.
pub async fn history(db: &Pool, student: i64, limit: i64) -> Result<Vec<HistoryLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT pa.id, pa.points, pa.positive, pa.rule_code, b.label AS behaviour, ch.title AS challenge, pa.reason, \
         (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = pa.awarded_by) AS awarded_by_name, \
         pa.awarded_on, pa.revoked_at IS NOT NULL AS revoked, pa.revoke_reason \
         FROM point_awards pa LEFT JOIN behaviours b ON b.id = pa.behaviour_id \
         LEFT JOIN challenges ch ON ch.id = pa.challenge_id \
         WHERE pa.student_id = $1 ORDER BY pa.awarded_on DESC, pa.id DESC LIMIT $2",
    )
    .bind(student)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// An award in the administration's journal.
#[derive(Clone, Debug, FromRow)]
pub struct JournalLine {
    pub id: i64,
    pub student_id: i64,
    /// "NOM Prénom".
    pub student: String,
    pub points: i64,
    /// False for "à améliorer".
    pub positive: bool,
    pub what: String,
    pub by_name: Option<String>,
    pub awarded_on: NaiveDate,
    pub revoked: bool,
}

/// The last hundred awards of the school, newest first.
pub async fn journal(db: &Pool) -> Result<Vec<JournalLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT pa.id, pa.student_id, UPPER(s.last_name) || ' ' || s.first_name AS student, pa.points, pa.positive, \
         COALESCE(b.label, ch.title, pa.rule_code, '') || CASE WHEN pa.reason = '' THEN '' ELSE ' · ' || pa.reason END AS what, \
         (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = pa.awarded_by) AS by_name, \
         pa.awarded_on, pa.revoked_at IS NOT NULL AS revoked \
         FROM point_awards pa JOIN students s ON s.id = pa.student_id \
         LEFT JOIN behaviours b ON b.id = pa.behaviour_id LEFT JOIN challenges ch ON ch.id = pa.challenge_id \
         ORDER BY pa.id DESC LIMIT 100",
    )
    .fetch_all(db)
    .await
}

/// A line of a class's points table.
#[derive(Clone, Debug, FromRow)]
pub struct ClassLine {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    /// Points this week.
    pub week: i64,
    /// Points of all time.
    pub total: i64,
    /// "À améliorer" points this week.
    pub to_improve: i64,
    pub badges: i64,
}

/// The active students of a class with their points from `monday` and of all time.
pub async fn class_lines(
    db: &Pool,
    class: i64,
    monday: NaiveDate,
) -> Result<Vec<ClassLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.last_name, s.first_name, \
         CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa WHERE pa.student_id = s.id AND pa.positive = TRUE \
            AND pa.revoked_at IS NULL AND pa.awarded_on >= $2), 0) AS BIGINT) AS week, \
         CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa WHERE pa.student_id = s.id AND pa.positive = TRUE \
            AND pa.revoked_at IS NULL), 0) AS BIGINT) AS total, \
         CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa WHERE pa.student_id = s.id AND pa.positive = FALSE \
            AND pa.revoked_at IS NULL AND pa.awarded_on >= $2), 0) AS BIGINT) AS to_improve, \
         (SELECT COUNT(*) FROM badge_awards ba WHERE ba.student_id = s.id AND ba.revoked_at IS NULL) AS badges \
         FROM enrollments e JOIN students s ON s.id = e.student_id \
         WHERE e.class_id = $1 AND s.active = TRUE ORDER BY s.sort_name",
    )
    .bind(class)
    .bind(monday)
    .fetch_all(db)
    .await
}

/// Gives a badge unless the student holds it, withdrawn or not; returns whether it was given.
pub async fn insert_badge_award(
    db: impl sqlx::Executor<'_, Database = Db>,
    badge_id: i64,
    student_id: i64,
    on: NaiveDate,
    by: Option<i64>,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO badge_awards (badge_id, student_id, awarded_on, awarded_by, reason) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (badge_id, student_id) DO NOTHING",
    )
    .bind(badge_id)
    .bind(student_id)
    .bind(on)
    .bind(by)
    .bind(reason)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// Gives again a badge that was withdrawn; returns whether it was.
pub async fn reinstate_badge_award(
    db: impl sqlx::Executor<'_, Database = Db>,
    badge_id: i64,
    student_id: i64,
    on: NaiveDate,
    by: Option<i64>,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE badge_awards SET revoked_at = NULL, revoked_by = NULL, awarded_on = $1, awarded_by = $2, reason = $3 \
         WHERE badge_id = $4 AND student_id = $5 AND revoked_at IS NOT NULL",
    )
    .bind(on)
    .bind(by)
    .bind(reason)
    .bind(badge_id)
    .bind(student_id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// Stamps a held badge withdrawn; returns whether the student held it.
pub async fn revoke_badge_award(
    db: impl sqlx::Executor<'_, Database = Db>,
    badge_id: i64,
    student_id: i64,
    by: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE badge_awards SET revoked_at = $1, revoked_by = $2 \
         WHERE badge_id = $3 AND student_id = $4 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(by)
    .bind(badge_id)
    .bind(student_id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// Whether the student was ever given the badge, withdrawn or not.
pub async fn badge_given(
    db: impl sqlx::Executor<'_, Database = Db>,
    badge_id: i64,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    let held: Option<(i64,)> = sqlx::query_as(
        "SELECT student_id FROM badge_awards WHERE badge_id = $1 AND student_id = $2",
    )
    .bind(badge_id)
    .bind(student_id)
    .fetch_optional(db)
    .await?;
    Ok(held.is_some())
}

/// Whether a student hides their name from boards other students see.
pub async fn hides_name(db: &Pool, student: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(bool,)> =
        sqlx::query_as("SELECT hide_name FROM gamification_privacy WHERE student_id = $1")
            .bind(student)
            .fetch_optional(db)
            .await?;
    Ok(row.is_some_and(|r| r.0))
}

pub async fn set_hides_name(db: &Pool, student: i64, hide: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO gamification_privacy (student_id, hide_name) VALUES ($1, $2) \
         ON CONFLICT (student_id) DO UPDATE SET hide_name = excluded.hide_name",
    )
    .bind(student)
    .bind(hide)
    .execute(db)
    .await?;
    Ok(())
}

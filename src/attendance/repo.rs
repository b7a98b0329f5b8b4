//! SQL of roll calls and absences.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// A new roll call.
#[derive(Clone, Debug)]
pub struct NewRollCall {
    pub class_id: i64,
    /// Subject taught in the session.
    pub subject_id: Option<i64>,
    pub held_on: NaiveDate,
    /// "07:00".
    pub starts_at: String,
    /// Length of the session.
    pub minutes: i64,
}

/// Inserts a roll call; returns its id.
pub async fn insert_roll_call<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    r: &NewRollCall,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO roll_calls (class_id, subject_id, held_on, starts_at, minutes, taken_by, taken_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(r.class_id)
    .bind(r.subject_id)
    .bind(r.held_on)
    .bind(&r.starts_at)
    .bind(r.minutes)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The roll call of a class's hour, if any: its id and who made it (teacher, surveillance).
pub async fn slot<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    r: &NewRollCall,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, source FROM roll_calls WHERE class_id = $1 AND held_on = $2 AND starts_at = $3",
    )
    .bind(r.class_id)
    .bind(r.held_on)
    .bind(&r.starts_at)
    .fetch_optional(db)
    .await
}

/// Opens the school's own roll call for a class's hour (absences noted at the gate).
pub async fn insert_surveillance<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    r: &NewRollCall,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO roll_calls (class_id, subject_id, held_on, starts_at, minutes, taken_by, taken_at, source) \
         VALUES ($1, NULL, $2, $3, $4, $5, $6, 'surveillance') RETURNING id",
    )
    .bind(r.class_id)
    .bind(r.held_on)
    .bind(&r.starts_at)
    .bind(r.minutes)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The teacher's roll call takes over the school's roll call of the same hour.
pub async fn take_over<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    r: &NewRollCall,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE roll_calls SET source = 'teacher', subject_id = $2, minutes = $3, taken_by = $4, taken_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(r.subject_id)
    .bind(r.minutes)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Students already marked in a roll call.
pub async fn marked<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    roll_call: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT student_id FROM absences WHERE roll_call_id = $1")
            .bind(roll_call)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Records an absence or a lateness.
pub async fn insert_absence<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    roll_call: i64,
    student: i64,
    kind: &str,
    minutes: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO absences (roll_call_id, student_id, kind, minutes) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(roll_call)
    .bind(student)
    .bind(kind)
    .bind(minutes)
    .fetch_one(db)
    .await?;
    Ok(id)
}

crate::text_enum! {
    /// Where an absence's justification stands.
    pub enum Justification {
        /// The family has sent nothing.
        NotSent = "none",
        /// Sent, waiting for the school.
        Submitted = "submitted",
        Accepted = "accepted",
        /// Refused: the family may send another reason.
        Refused = "refused",
    }
}

/// An absence as families and the school see it.
#[derive(Clone, Debug, FromRow)]
pub struct AbsenceRow {
    pub id: i64,
    pub student_id: i64,
    /// The student's name, "NOM Prénom".
    pub student: String,
    pub class_name: String,
    pub held_on: NaiveDate,
    /// Start of the session.
    pub starts_at: String,
    /// Subject of the session.
    pub subject: Option<String>,
    /// absence or retard.
    pub kind: String,
    /// Minutes missed.
    pub minutes: i64,
    /// none, submitted, accepted, refused.
    pub state: Justification,
    /// The family's reason.
    pub reason: Option<String>,
    /// The photo of the note sent with the reason, if any (a file id).
    pub photo_id: Option<i64>,
}

impl AbsenceRow {
    /// The catalog key of the kind.
    pub fn kind_key(&self) -> String {
        format!("attendance-{}", self.kind)
    }

    /// The catalog key of the state.
    pub fn state_key(&self) -> String {
        format!("justification-{}", self.state)
    }

    /// Whether the family may still send a reason.
    pub fn can_justify(&self) -> bool {
        matches!(self.state, Justification::NotSent | Justification::Refused)
    }
}

const ABSENCE_SELECT: &str = "SELECT a.id, a.student_id, s.last_name || ' ' || s.first_name AS student, c.name AS class_name, \
    r.held_on, r.starts_at, (SELECT j.name FROM subjects j WHERE j.id = r.subject_id) AS subject, a.kind, a.minutes, a.state, a.reason, \
    (SELECT MAX(f.id) FROM files f WHERE f.owner_kind = 'absence' AND f.owner_id = a.id) AS photo_id \
    FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id JOIN students s ON s.id = a.student_id JOIN classes c ON c.id = r.class_id";

/// A student's absences between two days, newest first.
pub async fn of_student(
    db: &Pool,
    student_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AbsenceRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{ABSENCE_SELECT} WHERE a.student_id = $1 AND r.held_on >= $2 AND r.held_on <= $3 ORDER BY r.held_on DESC, r.starts_at DESC"
    ))
    .bind(student_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

pub async fn absence(db: &Pool, id: i64) -> Result<Option<AbsenceRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{ABSENCE_SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// How many justifications wait for the school.
pub async fn submitted_count(db: &Pool) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM absences WHERE state = 'submitted'")
        .fetch_one(db)
        .await?;
    Ok(n)
}

/// A page of the justifications waiting for the school, oldest first.
pub async fn submitted(db: &Pool, limit: i64, offset: i64) -> Result<Vec<AbsenceRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{ABSENCE_SELECT} WHERE a.state = 'submitted' ORDER BY r.held_on, a.id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// The family sends a reason.
pub async fn submit_reason<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("UPDATE absences SET state = 'submitted', reason = $1 WHERE id = $2 AND state IN ('none', 'refused')")
        .bind(reason)
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// The school accepts or refuses a reason.
pub async fn review<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    accepted: bool,
    by: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE absences SET state = $1, reviewed_by = $2 WHERE id = $3 AND state = 'submitted'",
    )
    .bind(if accepted {
        Justification::Accepted
    } else {
        Justification::Refused
    })
    .bind(by)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Roll calls of a class, newest first.
#[derive(Clone, Debug, FromRow)]
pub struct RollCallRow {
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub subject: Option<String>,
    pub absents: i64,
    pub lates: i64,
}

/// The last roll calls of a class.
pub async fn recent(db: &Pool, class_id: i64, limit: i64) -> Result<Vec<RollCallRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.held_on, r.starts_at, (SELECT j.name FROM subjects j WHERE j.id = r.subject_id) AS subject, \
         (SELECT COUNT(*) FROM absences a WHERE a.roll_call_id = r.id AND a.kind = 'absence') AS absents, \
         (SELECT COUNT(*) FROM absences a WHERE a.roll_call_id = r.id AND a.kind = 'retard') AS lates \
         FROM roll_calls r WHERE r.class_id = $1 ORDER BY r.held_on DESC, r.starts_at DESC LIMIT $2",
    )
    .bind(class_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Every absence and lateness between two days, by day; optionally of one class.
pub async fn between(
    db: &Pool,
    from: NaiveDate,
    to: NaiveDate,
    class_id: Option<i64>,
) -> Result<Vec<AbsenceRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{ABSENCE_SELECT} WHERE r.held_on >= $1 AND r.held_on <= $2 AND ($3 IS NULL OR r.class_id = $3) \
         ORDER BY r.held_on, r.starts_at, s.sort_name"
    ))
    .bind(from)
    .bind(to)
    .bind(class_id)
    .fetch_all(db)
    .await
}

/// Roll calls of the current year (of `class` if given): (id, day, minutes, class size).
pub async fn roll_calls_with_size(
    db: &Pool,
    class: Option<i64>,
) -> Result<Vec<(i64, NaiveDate, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.held_on, r.minutes, \
         (SELECT COUNT(*) FROM enrollments e WHERE e.class_id = r.class_id) AS size \
         FROM roll_calls r JOIN classes c ON c.id = r.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE ($1 = 0 OR r.class_id = $1)",
    )
    .bind(class.unwrap_or(0))
    .fetch_all(db)
    .await
}

/// Minutes of absence per roll call (of `student` if given): (roll call, minutes).
pub async fn missed_minutes_by_roll_call(
    db: &Pool,
    student: Option<i64>,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.roll_call_id, CAST(SUM(a.minutes) AS BIGINT) FROM absences a \
         WHERE a.kind = 'absence' AND ($1 = 0 OR a.student_id = $1) GROUP BY a.roll_call_id",
    )
    .bind(student.unwrap_or(0))
    .fetch_all(db)
    .await
}

/// Minutes of absence not excused per student of a class between two days: (student, minutes).
pub async fn unexcused_minutes(
    db: &Pool,
    class: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.student_id, CAST(SUM(a.minutes) AS BIGINT) FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
         WHERE r.class_id = $1 AND r.held_on BETWEEN $2 AND $3 AND a.kind = 'absence' AND a.state <> 'accepted' \
         GROUP BY a.student_id",
    )
    .bind(class)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// Per student of a class between two days: (student, unexcused minutes, excused minutes,
/// times late).
pub async fn class_totals(
    db: &Pool,
    class: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.student_id, \
         CAST(SUM(CASE WHEN a.kind <> 'retard' AND a.state <> 'accepted' THEN a.minutes ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN a.kind <> 'retard' AND a.state = 'accepted' THEN a.minutes ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN a.kind = 'retard' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
         WHERE a.student_id IN (SELECT student_id FROM enrollments WHERE class_id = $1) \
         AND r.held_on >= $2 AND r.held_on <= $3 GROUP BY a.student_id",
    )
    .bind(class)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// Who hears of a student's absence or lateness: their guardians (not the student).
pub async fn absence_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
) -> Result<Vec<crate::school::repo::Concerned>, sqlx::Error> {
    crate::school::repo::guardians_concerned(db, student_id).await
}

/// The minutes of a class's roll calls between two days.
pub async fn scheduled_minutes(
    db: &Pool,
    class: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let (scheduled,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM roll_calls \
         WHERE class_id = $1 AND held_on BETWEEN $2 AND $3",
    )
    .bind(class)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    Ok(scheduled)
}

/// The minutes these students missed (absences, not lateness) at a class's roll calls
/// between two days.
pub async fn missed_minutes(
    db: &Pool,
    class: i64,
    from: NaiveDate,
    to: NaiveDate,
    students: &[i64],
) -> Result<i64, sqlx::Error> {
    let list = students
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let (missed,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT CAST(COALESCE(SUM(a.minutes), 0) AS BIGINT) FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
         WHERE r.class_id = $1 AND r.held_on BETWEEN $2 AND $3 AND a.kind = 'absence' AND a.student_id IN ({list})"
    ))
    .bind(class)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    Ok(missed)
}

/// Students of the current year whose class held roll calls on at least `min_days` days
/// between `from` and `to`, and who were never absent nor late at them.
pub async fn present_throughout(
    db: impl sqlx::Executor<'_, Database = Db>,
    from: NaiveDate,
    to: NaiveDate,
    min_days: i64,
) -> Result<Vec<i64>, sqlx::Error> {
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

//! SQL of the vie scolaire: incidents and sanctions.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// An incident as the record lists it.
#[derive(Clone, Debug, FromRow)]
pub struct Incident {
    pub id: i64,
    pub occurred_on: NaiveDate,
    pub place: String,
    pub description: String,
    pub witnesses: String,
    pub reporter: String,
}

pub async fn incidents(db: &Pool, student: i64) -> Result<Vec<Incident>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.occurred_on, i.place, i.description, i.witnesses, \
           u.first_name || ' ' || u.last_name AS reporter \
         FROM incidents i JOIN users u ON u.id = i.reported_by \
         WHERE i.student_id = $1 ORDER BY i.occurred_on DESC, i.id DESC",
    )
    .bind(student)
    .fetch_all(db)
    .await
}

/// An incident to write.
pub struct NewIncident<'a> {
    pub student_id: i64,
    pub occurred_on: NaiveDate,
    pub place: &'a str,
    pub description: &'a str,
    pub witnesses: &'a str,
    pub reported_by: i64,
}

pub async fn insert_incident<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    i: &NewIncident<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO incidents (student_id, occurred_on, place, description, witnesses, reported_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(i.student_id)
    .bind(i.occurred_on)
    .bind(i.place)
    .bind(i.description)
    .bind(i.witnesses)
    .bind(i.reported_by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A sanction as the record and the slip show it.
#[derive(Clone, Debug, FromRow)]
pub struct Sanction {
    pub id: i64,
    pub student_id: i64,
    pub kind: String,
    pub reason: String,
    pub decided_on: NaiveDate,
    pub decider: String,
    pub retenue_on: Option<NaiveDate>,
    pub retenue_at: Option<String>,
    pub retenue_minutes: Option<i64>,
    pub exclusion_from: Option<NaiveDate>,
    pub exclusion_days: Option<i64>,
}

const SANCTION: &str = "SELECT s.id, s.student_id, s.kind, s.reason, s.decided_on, \
     u.first_name || ' ' || u.last_name AS decider, s.retenue_on, s.retenue_at, \
     CAST(s.retenue_minutes AS BIGINT) AS retenue_minutes, s.exclusion_from, \
     CAST(s.exclusion_days AS BIGINT) AS exclusion_days \
     FROM sanctions s JOIN users u ON u.id = s.decided_by";

pub async fn sanctions(db: &Pool, student: i64) -> Result<Vec<Sanction>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{SANCTION} WHERE s.student_id = $1 ORDER BY s.decided_on DESC, s.id DESC"
    ))
    .bind(student)
    .fetch_all(db)
    .await
}

pub async fn sanction(db: &Pool, id: i64) -> Result<Option<Sanction>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{SANCTION} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A sanction to write.
pub struct NewSanction<'a> {
    pub student_id: i64,
    pub kind: &'a str,
    pub reason: &'a str,
    pub decided_by: i64,
    pub decided_on: NaiveDate,
    pub retenue: Option<(NaiveDate, String, i64)>,
    pub exclusion: Option<(NaiveDate, i64)>,
}

pub async fn insert_sanction<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    s: &NewSanction<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO sanctions (student_id, kind, reason, decided_by, decided_on, retenue_on, retenue_at, \
           retenue_minutes, exclusion_from, exclusion_days, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(s.student_id)
    .bind(s.kind)
    .bind(s.reason)
    .bind(s.decided_by)
    .bind(s.decided_on)
    .bind(s.retenue.as_ref().map(|r| r.0))
    .bind(s.retenue.as_ref().map(|r| r.1.clone()))
    .bind(s.retenue.as_ref().map(|r| r.2))
    .bind(s.exclusion.map(|e| e.0))
    .bind(s.exclusion.map(|e| e.1))
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A sanction's kind and reason, on the caller's connection (the notifier's transaction).
pub async fn sanction_in<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT kind, reason FROM sanctions WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Who hears of a student's sanction: their guardians and their own account.
pub async fn sanction_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<Vec<crate::school::repo::Concerned>, sqlx::Error> {
    crate::school::repo::concerned(db, student).await
}

/// A teacher's absence as the administration lists it.
#[derive(Clone, Debug, FromRow)]
pub struct TeacherAbsence {
    pub id: i64,
    pub teacher: String,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub reason: String,
}

/// The teachers' absences that end on or after `since`, the soonest first.
pub async fn teacher_absences(
    db: &Pool,
    since: NaiveDate,
) -> Result<Vec<TeacherAbsence>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, u.first_name || ' ' || u.last_name AS teacher, a.from_date, a.to_date, a.reason \
         FROM teacher_absences a JOIN users u ON u.id = a.teacher_user_id \
         WHERE a.to_date >= $1 ORDER BY a.from_date, a.id",
    )
    .bind(since)
    .fetch_all(db)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_teacher_absence<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    teacher: i64,
    from: NaiveDate,
    to: NaiveDate,
    reason: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO teacher_absences (teacher_user_id, from_date, to_date, reason, recorded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(teacher)
    .bind(from)
    .bind(to)
    .bind(reason)
    .bind(by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The classes (this year) and subjects a teacher teaches: the lessons their absence costs.
pub async fn affected<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    teacher: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, j.name FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN subjects j ON j.id = t.subject_id WHERE t.teacher_user_id = $1 ORDER BY c.name, j.name",
    )
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// Who hears of a teacher's absence: the students of the classes they teach, with an
/// account, and those students' guardians (once each), with the class concerned.
pub async fn teacher_absence_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    teacher: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT g.user_id, c.name FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN enrollments e ON e.class_id = c.id JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         JOIN student_guardians g ON g.student_id = s.id WHERE t.teacher_user_id = $1 \
         UNION SELECT DISTINCT s.user_id, c.name FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN enrollments e ON e.class_id = c.id JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         WHERE t.teacher_user_id = $1 AND s.user_id IS NOT NULL",
    )
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// A teacher's absence, on the notifier's connection: (teacher's name, from, to).
pub async fn teacher_absence_in<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<(String, NaiveDate, NaiveDate)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.first_name || ' ' || u.last_name, a.from_date, a.to_date FROM teacher_absences a \
         JOIN users u ON u.id = a.teacher_user_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn teacher_of_absence(db: &Pool, id: i64) -> Result<i64, sqlx::Error> {
    let (t,): (i64,) = sqlx::query_as("SELECT teacher_user_id FROM teacher_absences WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok(t)
}

/// Per student of a class between two days: (student, kind, sanctions of that kind).
pub async fn class_sanction_counts(
    db: &Pool,
    class: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, super::Kind, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.student_id, s.kind, COUNT(*) FROM sanctions s \
         JOIN enrollments e ON e.student_id = s.student_id AND e.class_id = $1 \
         WHERE s.decided_on BETWEEN $2 AND $3 GROUP BY s.student_id, s.kind",
    )
    .bind(class)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// Per student of a class between two days: the incidents no sanction followed.
pub async fn class_bare_incidents(
    db: &Pool,
    class: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.student_id, COUNT(*) FROM incidents i \
         JOIN enrollments e ON e.student_id = i.student_id AND e.class_id = $1 \
         WHERE i.occurred_on BETWEEN $2 AND $3 \
           AND NOT EXISTS (SELECT 1 FROM sanctions s WHERE s.incident_id = i.id) \
         GROUP BY i.student_id",
    )
    .bind(class)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// A note in a student's file.
#[derive(Clone, Debug, FromRow)]
pub struct StudentNote {
    pub id: i64,
    pub body: String,
    /// The workflow that wrote it, if any.
    pub workflow: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn notes(db: &Pool, student: i64) -> Result<Vec<StudentNote>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.id, n.body, w.name AS workflow, n.created_at FROM student_notes n \
         LEFT JOIN workflow_runs r ON r.id = n.run_id LEFT JOIN workflows w ON w.id = r.workflow_id \
         WHERE n.student_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT 50",
    )
    .bind(student)
    .fetch_all(db)
    .await
}

/// Writes a note of a workflow run (once per run and student).
pub async fn insert_note<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    body: &str,
    run: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO student_notes (student_id, body, run_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (run_id, student_id) DO NOTHING RETURNING id",
    )
    .bind(student)
    .bind(body)
    .bind(run)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

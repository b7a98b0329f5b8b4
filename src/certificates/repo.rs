//! SQL of the school documents: the register of what was issued, and the numbers.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// A document of the register, with its student.
#[derive(Clone, Debug, FromRow)]
pub struct Document {
    pub id: i64,
    pub kind: super::Kind,
    /// "CS-2026-0012".
    pub number: String,
    pub student_id: i64,
    pub school_year_id: i64,
    /// "2026-2027".
    pub year_label: String,
    /// The class when it was issued.
    pub class_name: String,
    pub left_on: Option<NaiveDate>,
    pub reason: String,
    pub destination: String,
    pub issued_by: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: String,
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    pub sex: String,
    pub birth_date: Option<NaiveDate>,
    pub birth_place: Option<String>,
    /// Whether the student is still at the school.
    pub active: bool,
}

impl Document {
    /// "NOM Prénom".
    pub fn list_name(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }
}

const SELECT: &str = "SELECT d.id, d.kind, d.number, d.student_id, d.school_year_id, y.label AS year_label, \
    d.class_name, d.left_on, d.reason, d.destination, \
    (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = d.issued_by) AS issued_by, \
    d.issued_at, d.cancelled_at, d.cancel_reason, s.matricule, s.first_name, s.last_name, s.sex, \
    s.birth_date, s.birth_place, s.active \
    FROM school_documents d JOIN students s ON s.id = d.student_id \
    JOIN school_years y ON y.id = d.school_year_id";

pub async fn document(db: &Pool, id: i64) -> Result<Option<Document>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Several documents, in the order of their ids.
pub async fn documents(db: &Pool, ids: &[i64]) -> Result<Vec<Document>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(200) {
        let list = chunk
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let mut part: Vec<Document> =
            sqlx::query_as(crate::sql!("{SELECT} WHERE d.id IN ({list}) ORDER BY d.id"))
                .fetch_all(db)
                .await?;
        out.append(&mut part);
    }
    Ok(out)
}

/// A student's documents, latest first.
pub async fn of_student(db: &Pool, student: i64) -> Result<Vec<Document>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{SELECT} WHERE d.student_id = $1 ORDER BY d.issued_at DESC, d.id DESC"
    ))
    .bind(student)
    .fetch_all(db)
    .await
}

/// The register: the latest documents of the school, or those whose number or student's
/// name holds `search`.
pub async fn register(db: &Pool, search: &str, limit: i64) -> Result<Vec<Document>, sqlx::Error> {
    let search = search.trim().to_uppercase();
    let like = format!("%{search}%");
    sqlx::query_as(crate::sql!(
        "{SELECT} WHERE ($1 = '' OR UPPER(d.number) LIKE $2 OR UPPER(s.last_name) LIKE $2 \
           OR UPPER(s.matricule) LIKE $2) \
         ORDER BY d.issued_at DESC, d.id DESC LIMIT $3"
    ))
    .bind(search)
    .bind(like)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many documents of each kind the year has issued (cancelled ones aside).
pub async fn counts(db: &Pool, year: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, COUNT(*) FROM school_documents WHERE school_year_id = $1 \
         AND cancelled_at IS NULL GROUP BY kind ORDER BY kind",
    )
    .bind(year)
    .fetch_all(db)
    .await
}

/// The student's card of a year that still holds, if one was issued.
pub async fn valid_card<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    year: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM school_documents WHERE student_id = $1 AND school_year_id = $2 \
         AND kind = 'carte' AND cancelled_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(student)
    .bind(year)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Takes the next number of a kind in a year (in the caller's transaction: a number is
/// used once, and numbers follow one another without gaps when the transaction commits).
pub async fn next_no<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    year: i64,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO school_document_counters (school_year_id, kind, last_no) VALUES ($1, $2, 1) \
         ON CONFLICT (school_year_id, kind) DO UPDATE \
         SET last_no = school_document_counters.last_no + 1 RETURNING last_no",
    )
    .bind(year)
    .bind(kind)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// A document to write.
pub struct NewDocument<'a> {
    pub kind: &'a str,
    pub number: &'a str,
    pub student_id: i64,
    pub year: i64,
    pub class_name: &'a str,
    pub left_on: Option<NaiveDate>,
    pub reason: &'a str,
    pub destination: &'a str,
    pub issued_by: i64,
}

pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    d: &NewDocument<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO school_documents (kind, number, student_id, school_year_id, class_name, left_on, \
           reason, destination, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.kind)
    .bind(d.number)
    .bind(d.student_id)
    .bind(d.year)
    .bind(d.class_name)
    .bind(d.left_on)
    .bind(d.reason)
    .bind(d.destination)
    .bind(d.issued_by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Cancels a document still valid; returns whether it was.
pub async fn cancel<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    by: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE school_documents SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3 \
         WHERE id = $4 AND cancelled_at IS NULL",
    )
    .bind(now)
    .bind(by)
    .bind(reason)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A candidate of an exam list: a student of a class of the level, with what the exam
/// office asks for.
#[derive(Clone, Debug, FromRow)]
pub struct Candidate {
    pub student_id: i64,
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    pub sex: String,
    pub birth_date: Option<NaiveDate>,
    pub birth_place: Option<String>,
    pub class_name: String,
    /// The série's code, for the lycée.
    pub serie: Option<String>,
}

/// The active students of the year's classes of a level (by its code: "3e", "Tle"), by
/// série, then name.
pub async fn candidates(
    db: &Pool,
    year: i64,
    level_code: &str,
) -> Result<Vec<Candidate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS student_id, s.matricule, s.first_name, s.last_name, s.sex, s.birth_date, \
           s.birth_place, c.name AS class_name, se.code AS serie \
         FROM enrollments e JOIN students s ON s.id = e.student_id \
         JOIN classes c ON c.id = e.class_id JOIN levels l ON l.id = c.level_id \
         LEFT JOIN series se ON se.id = c.series_id \
         WHERE e.school_year_id = $1 AND l.code = $2 AND s.active = TRUE \
         ORDER BY se.code, s.sort_name, s.id",
    )
    .bind(year)
    .bind(level_code)
    .fetch_all(db)
    .await
}

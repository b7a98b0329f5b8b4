//! SQL of appreciations and council records.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// Teachers' appreciations of a subject for a class's students in a period.
pub async fn subject_appreciations(
    db: &Pool,
    class_id: i64,
    period_id: i64,
    subject_id: i64,
) -> Result<HashMap<i64, String>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.student_id, a.text FROM appreciations a JOIN enrollments e ON e.student_id = a.student_id \
         WHERE e.class_id = $1 AND a.period_id = $2 AND a.subject_id = $3",
    )
    .bind(class_id)
    .bind(period_id)
    .bind(subject_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}

/// One student's appreciation of a subject for a period, read in the writer's transaction.
pub async fn appreciation_tx<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
    period_id: i64,
    subject_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT text FROM appreciations WHERE student_id = $1 AND period_id = $2 AND subject_id = $3",
    )
    .bind(student_id)
    .bind(period_id)
    .bind(subject_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Writes (or, when empty, removes) an appreciation.
pub async fn set_appreciation<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
    period_id: i64,
    subject_id: i64,
    text: Option<&str>,
    author: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    match text {
        Some(t) => sqlx::query(
            "INSERT INTO appreciations (student_id, period_id, subject_id, text, author_id, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (student_id, period_id, subject_id) \
             DO UPDATE SET text = excluded.text, author_id = excluded.author_id, updated_at = excluded.updated_at",
        )
        .bind(student_id)
        .bind(period_id)
        .bind(subject_id)
        .bind(t)
        .bind(author)
        .bind(at)
        .execute(db)
        .await
        .map(|_| ()),
        None => sqlx::query("DELETE FROM appreciations WHERE student_id = $1 AND period_id = $2 AND subject_id = $3")
            .bind(student_id)
            .bind(period_id)
            .bind(subject_id)
            .execute(db)
            .await
            .map(|_| ()),
    }
}

/// What the council recorded for a student and a period.
#[derive(Clone, Debug, Default, FromRow)]
pub struct Record {
    pub student_id: i64,
    /// Conduct mark, hundredths out of 20.
    pub conduct: Option<i64>,
    /// The professeur principal's appreciation.
    pub head_note: Option<String>,
    /// The council's appreciation.
    pub council_note: Option<String>,
    /// passe, redouble, exclu (end of year).
    pub decision: Option<String>,
}

impl Record {
    /// The catalog key of the decision.
    pub fn decision_key(&self) -> Option<String> {
        self.decision.as_ref().map(|d| format!("decision-{d}"))
    }
}

/// The council records of a class's students for a period.
pub async fn class_records(
    db: &Pool,
    class_id: i64,
    period_id: i64,
) -> Result<HashMap<i64, Record>, sqlx::Error> {
    let rows: Vec<Record> = sqlx::query_as(
        "SELECT r.student_id, r.conduct, r.head_note, r.council_note, r.decision FROM council_records r \
         JOIN enrollments e ON e.student_id = r.student_id WHERE e.class_id = $1 AND r.period_id = $2",
    )
    .bind(class_id)
    .bind(period_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.student_id, r)).collect())
}

/// A student's council record for a period.
pub async fn record(
    db: &Pool,
    student_id: i64,
    period_id: i64,
) -> Result<Option<Record>, sqlx::Error> {
    sqlx::query_as(
        "SELECT student_id, conduct, head_note, council_note, decision FROM council_records WHERE student_id = $1 AND period_id = $2",
    )
    .bind(student_id)
    .bind(period_id)
    .fetch_optional(db)
    .await
}

/// Writes a council record.
pub async fn set_record<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    period_id: i64,
    r: &Record,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO council_records (student_id, period_id, conduct, head_note, council_note, decision, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (student_id, period_id) DO UPDATE SET \
         conduct = excluded.conduct, head_note = excluded.head_note, council_note = excluded.council_note, \
         decision = excluded.decision, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(r.student_id)
    .bind(period_id)
    .bind(r.conduct)
    .bind(&r.head_note)
    .bind(&r.council_note)
    .bind(&r.decision)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// A period's (closed, published) state, read inside a transaction.
pub async fn period_state_tx<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    period_id: i64,
) -> Result<Option<(bool, bool)>, sqlx::Error> {
    sqlx::query_as("SELECT closed, published FROM periods WHERE id = $1")
        .bind(period_id)
        .fetch_optional(db)
        .await
}

/// How many of each class's active students have a teacher's appreciation of each subject
/// in a period: (class, subject, count).
pub async fn period_appreciation_counts(
    db: &Pool,
    period_id: i64,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT en.class_id, a.subject_id, COUNT(*) FROM appreciations a \
         JOIN periods p ON p.id = a.period_id JOIN enrollments en ON en.student_id = a.student_id \
         JOIN classes c ON c.id = en.class_id AND c.school_year_id = p.school_year_id \
         JOIN students s ON s.id = a.student_id AND s.active = TRUE \
         WHERE a.period_id = $1 GROUP BY en.class_id, a.subject_id",
    )
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// What the council has recorded for a class in a period.
#[derive(Clone, Debug, Default, FromRow)]
pub struct CouncilCount {
    pub class_id: i64,
    /// Active students with a record (the council's sheet was saved for them).
    pub records: i64,
    /// Of those, with a conduct mark.
    pub conduct: i64,
}

/// The council's records per class of a period's year.
pub async fn period_council_counts(
    db: &Pool,
    period_id: i64,
) -> Result<Vec<CouncilCount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT en.class_id, COUNT(*) AS records, COUNT(r.conduct) AS conduct FROM council_records r \
         JOIN periods p ON p.id = r.period_id JOIN enrollments en ON en.student_id = r.student_id \
         JOIN classes c ON c.id = en.class_id AND c.school_year_id = p.school_year_id \
         JOIN students s ON s.id = r.student_id AND s.active = TRUE \
         WHERE r.period_id = $1 GROUP BY en.class_id",
    )
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// Where each active student of year `year` goes in year `next`, from the council's decision
/// in the last period: (student, decision, class). "passe" finds the class of the next level
/// with the same group and série, "redouble" the class of the same name; no class otherwise.
pub async fn next_classes(
    tx: &mut crate::db::Tx<'_>,
    year: i64,
    next: i64,
) -> Result<Vec<(i64, Option<String>, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.student_id, r.decision, \
           CASE r.decision \
             WHEN 'passe' THEN (SELECT n.id FROM classes n JOIN levels nl ON nl.id = n.level_id \
                 WHERE n.school_year_id = $2 AND n.grp = c.grp AND COALESCE(n.series_id, 0) = COALESCE(c.series_id, 0) \
                 AND nl.ordinal = (SELECT MIN(l2.ordinal) FROM levels l2 WHERE l2.ordinal > l.ordinal) LIMIT 1) \
             WHEN 'redouble' THEN (SELECT n.id FROM classes n WHERE n.school_year_id = $2 AND n.name = c.name) \
           END AS target \
         FROM enrollments e JOIN classes c ON c.id = e.class_id JOIN levels l ON l.id = c.level_id \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         LEFT JOIN council_records r ON r.student_id = e.student_id AND r.period_id = \
           (SELECT p.id FROM periods p WHERE p.school_year_id = $1 ORDER BY p.ordinal DESC LIMIT 1) \
         WHERE e.school_year_id = $1",
    )
    .bind(year)
    .bind(next)
    .fetch_all(&mut **tx)
    .await
}

/// Every appreciation of a class's students for a period: (student, subject, text).
pub async fn class_appreciations(
    db: &Pool,
    class: i64,
    period: i64,
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.student_id, a.subject_id, a.text FROM appreciations a \
         JOIN enrollments e ON e.student_id = a.student_id \
         WHERE e.class_id = $1 AND a.period_id = $2",
    )
    .bind(class)
    .bind(period)
    .fetch_all(db)
    .await
}

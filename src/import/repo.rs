//! The imports table: each checked file, kept until it is written or dropped.

use super::{ImportRow, students};
use crate::db::Pool;

/// Stores a checked file; returns its id.
pub async fn store(
    db: &Pool,
    filename: &str,
    checked: &students::Checked,
    by: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<i64, sqlx::Error> {
    let json = serde_json::to_string(checked).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO imports (kind, filename, row_count, bad_rows, checked, created_by, created_at) \
         VALUES ('students', $1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(filename)
    .bind(checked.preview.len() as i64)
    .bind((checked.bad_rows() + checked.file_problems.len()) as i64)
    .bind(json)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Reads a stored import.
pub async fn get(db: &Pool, id: i64) -> Result<Option<ImportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.filename, i.row_count, i.bad_rows, i.checked, i.job_id, i.created_by, i.created_at, (SELECT j.state FROM jobs j WHERE j.id = i.job_id) AS job_state FROM imports i WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The latest imports, newest first.
pub async fn recent(db: &Pool, limit: i64) -> Result<Vec<ImportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.filename, i.row_count, i.bad_rows, i.checked, i.job_id, i.created_by, i.created_at, (SELECT j.state FROM jobs j WHERE j.id = i.job_id) AS job_state FROM imports i ORDER BY i.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Gives import `id` the job that writes it, unless another has it already.
pub async fn claim<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    id: i64,
    job: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE imports SET job_id = $1 WHERE id = $2 AND job_id IS NULL")
        .bind(job)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

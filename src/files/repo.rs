//! The files table: who owns each stored file, its name, type, size and storage key.

use chrono::Utc;

use super::FileRow;
use crate::db::{Db, Pool};

#[allow(clippy::too_many_arguments)]
pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    owner: (&str, i64),
    key: &str,
    name: &str,
    content_type: &str,
    size: i64,
    by: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO files (owner_kind, owner_id, name, content_type, size, storage_key, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(owner.0)
    .bind(owner.1)
    .bind(name)
    .bind(content_type)
    .bind(size)
    .bind(key)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The files of an owner, oldest first.
pub async fn of_owner(db: &Pool, kind: &str, id: i64) -> Result<Vec<FileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, owner_kind, owner_id, name, content_type, size, storage_key FROM files \
         WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id",
    )
    .bind(kind)
    .bind(id)
    .fetch_all(db)
    .await
}

pub async fn get(db: &Pool, id: i64) -> Result<Option<FileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, owner_kind, owner_id, name, content_type, size, storage_key FROM files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Forgets a file's row (its bytes are the storage's business); how many rows went.
pub async fn delete(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM files WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected())
}

/// Files of `kind` created before `before`: (id, storage key).
pub async fn older_than(
    db: &Pool,
    kind: &str,
    before: chrono::DateTime<Utc>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, storage_key FROM files WHERE owner_kind = $1 AND created_at < $2")
        .bind(kind)
        .bind(before)
        .fetch_all(db)
        .await
}

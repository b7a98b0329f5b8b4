//! The export feature's tables: the school's saved export templates (export_templates).

use chrono::Utc;

use super::custom::{Definition, Saved};
use crate::db::Pool;

/// The school's templates, by name.
pub async fn list(db: &Pool) -> Result<Vec<Saved>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, dataset, definition, updated_at FROM export_templates ORDER BY name",
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: &Pool, id: i64) -> Result<Option<Saved>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, dataset, definition, updated_at FROM export_templates WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Whether another template has this name.
pub async fn name_taken(db: &Pool, name: &str, except: Option<i64>) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM export_templates WHERE name = $1 AND ($2 IS NULL OR id <> $2)",
    )
    .bind(name)
    .bind(except)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// Saves a template (a new one when `id` is none); returns its id.
pub async fn save<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    id: Option<i64>,
    name: &str,
    def: &Definition,
    by: i64,
    at: chrono::DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let json = serde_json::to_string(def).unwrap_or_default();
    let (id,): (i64,) = match id {
        Some(id) => sqlx::query_as(
            "UPDATE export_templates SET name = $1, dataset = $2, definition = $3, updated_at = $4 \
                 WHERE id = $5 RETURNING id",
        )
        .bind(name)
        .bind(&def.dataset)
        .bind(json)
        .bind(at)
        .bind(id)
        .fetch_one(db)
        .await?,
        None => {
            sqlx::query_as(
                "INSERT INTO export_templates (name, dataset, definition, created_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(name)
            .bind(&def.dataset)
            .bind(json)
            .bind(by)
            .bind(at)
            .fetch_one(db)
            .await?
        }
    };
    Ok(id)
}

/// Deletes a template (the files it made stay until their retention ends).
pub async fn delete<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM export_templates WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected())
}

//! The settings table: one JSON value per section.

use serde::{Deserialize, Serialize};

use crate::db::Pool;

/// One settings section, if stored.
pub async fn load<T: for<'de> Deserialize<'de>>(db: &Pool, key: &str) -> anyhow::Result<Option<T>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    Ok(match row {
        Some((v,)) => Some(serde_json::from_str(&v)?),
        None => None,
    })
}

/// Writes one settings section, replacing what was there.
pub async fn store<T: Serialize>(
    db: impl sqlx::Executor<'_, Database = crate::db::Db>,
    key: &str,
    value: &T,
) -> anyhow::Result<()> {
    let v = serde_json::to_string(value)?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(v)
    .execute(db)
    .await?;
    Ok(())
}

/// The section `key`, stored as `value` if it was not there yet: the first writer's value,
/// whichever node asks.
pub async fn keep_first<T: Serialize + for<'de> Deserialize<'de>>(
    db: &Pool,
    key: &str,
    value: &T,
) -> anyhow::Result<T> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(serde_json::to_string(value)?)
        .execute(db)
        .await?;
    let (v,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_one(db)
        .await?;
    Ok(serde_json::from_str(&v)?)
}

/// Writes one settings section unless there is one already (the first writer wins: read it
/// back to know which).
pub async fn store_if_absent<T: Serialize>(db: &Pool, key: &str, value: &T) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(serde_json::to_string(value)?)
        .execute(db)
        .await?;
    Ok(())
}

/// A section's JSON as stored, on any connection (a transaction that must not wait on the
/// pool reads through its own).
pub async fn raw<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

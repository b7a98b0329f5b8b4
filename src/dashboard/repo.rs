//! The SQL of dashboards: each person's arrangement per role, each role's default, and the
//! personal access tokens.

use chrono::{DateTime, Utc};

use crate::db::{Db, Pool};

/// A person's arrangement for a role, as stored (JSON), if they made one.
pub async fn layout<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    role: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT items FROM dashboard_layouts WHERE user_id = $1 AND role = $2")
            .bind(user)
            .bind(role)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0))
}

pub async fn save_layout<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    role: &str,
    items: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO dashboard_layouts (user_id, role, items, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, role) DO UPDATE SET items = excluded.items, updated_at = excluded.updated_at",
    )
    .bind(user)
    .bind(role)
    .bind(items)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a person's arrangement: they see the role's default again.
pub async fn delete_layout<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM dashboard_layouts WHERE user_id = $1 AND role = $2")
        .bind(user)
        .bind(role)
        .execute(db)
        .await?;
    Ok(())
}

/// A role's default as the administration set it (JSON), if it did.
pub async fn default_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    role: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT items FROM dashboard_defaults WHERE role = $1")
            .bind(role)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0))
}

pub async fn save_default<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    role: &str,
    items: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO dashboard_defaults (role, items, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (role) DO UPDATE SET items = excluded.items, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at",
    )
    .bind(role)
    .bind(items)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_default<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM dashboard_defaults WHERE role = $1")
        .bind(role)
        .execute(db)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- personal access tokens

/// A token as its owner sees it (never its secret).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// The widget kinds it may read, space-separated.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The fingerprint of the password hash the token was made under.
    pub password_fp: String,
}

const TOKEN: &str = "SELECT id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at, \
                     password_fp FROM api_tokens";

pub async fn tokens_of(db: &Pool, user: i64) -> Result<Vec<Token>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{TOKEN} WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"
    ))
    .bind(user)
    .fetch_all(db)
    .await
}

/// The token whose secret hashes to `hash`.
pub async fn token_by_hash(db: &Pool, hash: &str) -> Result<Option<Token>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{TOKEN} WHERE token_hash = $1"))
        .bind(hash)
        .fetch_optional(db)
        .await
}

/// A new token. Returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_token<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    name: &str,
    hash: &str,
    prefix: &str,
    scopes: &str,
    at: DateTime<Utc>,
    expires: Option<DateTime<Utc>>,
    password_fp: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, scopes, created_at, expires_at, password_fp) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user)
    .bind(name)
    .bind(hash)
    .bind(prefix)
    .bind(scopes)
    .bind(at)
    .bind(expires)
    .bind(password_fp)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Takes the lock of a dashboard (a person's for a role, or a role's default) until the
/// transaction ends: two edits at once apply one after the other. SQLite's write
/// transaction already does; PostgreSQL's read committed would lose one.
pub async fn lock(tx: &mut crate::db::Tx<'_>, key: &str) -> Result<(), sqlx::Error> {
    #[cfg(feature = "postgres")]
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(format!("dashboard:{key}"))
        .execute(&mut **tx)
        .await?;
    #[cfg(not(feature = "postgres"))]
    let _ = (tx, key);
    Ok(())
}

/// Revokes one of `user`'s tokens. False when they have no such live token.
pub async fn revoke_token<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(user)
    .bind(at)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Notes a use (at most once a minute per token: a widget polled by a phone must not write
/// on every read).
pub async fn touch_token(db: &Pool, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 \
         AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(at)
    .bind(at - chrono::Duration::seconds(60))
    .execute(db)
    .await?;
    Ok(())
}

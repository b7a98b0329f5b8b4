//! SQL of accounts: looking users up for login and for each request.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// An active user with their roles joined as `a,b,c`.
#[derive(Debug, FromRow)]
pub struct UserWithRoles {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub locale: String,
    /// Role codes, comma-separated.
    pub roles: String,
}

/// A user's role codes joined as `a,b,c`, for a query over `users u`: the one place where
/// the two dialects' string aggregates differ.
#[cfg(not(feature = "postgres"))]
pub const ROLES_AGG: &str =
    "COALESCE((SELECT group_concat(role, ',') FROM user_roles r WHERE r.user_id = u.id), '')";
/// A user's role codes joined as `a,b,c` (PostgreSQL's aggregate).
#[cfg(feature = "postgres")]
pub const ROLES_AGG: &str =
    "COALESCE((SELECT string_agg(role, ',') FROM user_roles r WHERE r.user_id = u.id), '')";

/// The active user `id` with their roles, in one query.
pub async fn active_user(db: &Pool, id: i64) -> Result<Option<UserWithRoles>, sqlx::Error> {
    let sql = format!(
        "SELECT u.id, u.first_name, u.last_name, u.locale, {ROLES_AGG} AS roles \
         FROM users u WHERE u.id = $1 AND u.active = TRUE"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// What login needs to know about an account.
#[derive(Debug, FromRow)]
pub struct LoginRow {
    pub id: i64,
    /// PHC hash.
    pub password_hash: String,
    /// Deactivated accounts cannot log in.
    pub active: bool,
    pub locale: String,
    /// The password is temporary.
    pub must_change_password: bool,
}

/// Finds an account by e-mail (lowercased) or normalized phone.
pub async fn find_for_login(
    db: &Pool,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, active, locale, must_change_password FROM users \
         WHERE ($1 IS NOT NULL AND email = $1) OR ($2 IS NOT NULL AND phone = $2)",
    )
    .bind(email)
    .bind(phone)
    .fetch_optional(db)
    .await
}

/// Stamps the login time.
pub async fn touch_login(db: &Pool, id: i64, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The password hash of a user.
pub async fn password_hash(db: &Pool, id: i64) -> Result<String, sqlx::Error> {
    let (h,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok(h)
}

/// Replaces a user's password hash; a temporary one must be changed at the next login.
pub async fn set_password<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    hash: &str,
    temporary: bool,
) -> Result<u64, sqlx::Error> {
    let r =
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(hash)
            .bind(temporary)
            .bind(id)
            .execute(db)
            .await?;
    Ok(r.rows_affected())
}

/// Ends every session of a user except `keep` (after a password change or reset).
pub async fn end_other_sessions(
    db: &Pool,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(db)
        .await?;
    Ok(())
}

/// Saves the preferred language.
pub async fn set_locale(db: &Pool, id: i64, locale: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- login attempts

/// On PostgreSQL, holds a transaction lock per key, taken in the order given, so that
/// attempts on the same keys queue (SQLite's single writer does that by itself).
pub async fn lock_attempt_keys(
    tx: &mut crate::db::Tx<'_>,
    keys: &[String],
) -> Result<(), sqlx::Error> {
    #[cfg(feature = "postgres")]
    for key in keys {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
    #[cfg(not(feature = "postgres"))]
    let _ = (tx, keys);
    Ok(())
}

pub async fn insert_attempt<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    scope: &str,
    key: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO login_attempts (scope, key, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(scope)
    .bind(key)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// How many attempts of (scope, key) came after `since`, and the oldest of them.
pub async fn attempts_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    scope: &str,
    key: &str,
    since: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE scope = $1 AND key = $2 AND at > $3",
    )
    .bind(scope)
    .bind(key)
    .bind(since)
    .fetch_one(db)
    .await
}

pub async fn forget_attempts_before<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn forget_attempt<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_attempts WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets an account's failures, from every address and from this one.
pub async fn forgive_account<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    account: &str,
    pair: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM login_attempts WHERE (scope = 'account' AND key = $1) OR (scope = 'pair' AND key = $2)",
    )
    .bind(account)
    .bind(pair)
    .execute(db)
    .await?;
    Ok(())
}

/// Writes a reset code (its hash) valid until `expires`; the user's older codes stop
/// working.
#[allow(clippy::too_many_arguments)]
pub async fn insert_reset(
    tx: &mut crate::db::Tx<'_>,
    user: i64,
    code_hash: &str,
    via: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO password_resets (user_id, code_hash, via, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user)
    .bind(code_hash)
    .bind(via)
    .bind(by)
    .bind(now)
    .bind(expires)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The user's code still in force: (id, hash, wrong tries so far).
pub async fn live_reset(
    db: &Pool,
    user: i64,
    now: DateTime<Utc>,
) -> Result<Option<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code_hash, CAST(failures AS BIGINT) FROM password_resets \
         WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(user)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Counts a wrong code; past `max` wrong tries the code stops working.
pub async fn reset_failed(
    db: &Pool,
    id: i64,
    max: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE password_resets SET failures = failures + 1, \
         used_at = CASE WHEN failures + 1 >= $1 THEN $2 ELSE used_at END WHERE id = $3",
    )
    .bind(max)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Uses a code: true only for the first use.
pub async fn use_reset(
    tx: &mut crate::db::Tx<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n =
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// Ends every session of a user: after a password reset, a deactivation or a change of
/// roles.
pub async fn end_sessions<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Where a code can reach a person: (phone, e-mail, language, name).
pub async fn reach(
    db: &Pool,
    user: i64,
) -> Result<Option<(Option<String>, Option<String>, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT phone, email, locale, first_name || ' ' || last_name FROM users WHERE id = $1 AND active = TRUE",
    )
    .bind(user)
    .fetch_optional(db)
    .await
}

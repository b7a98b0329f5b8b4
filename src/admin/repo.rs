//! SQL of accounts as the administration manages them.

use chrono::Utc;
use sqlx::FromRow;

use crate::auth::Role;
use crate::db::{Db, Pool};

/// A user as the administration lists them.
#[derive(Clone, Debug, FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// Phone, +228.
    pub phone: Option<String>,
    /// Can log in.
    pub active: bool,
    /// Role codes, comma-separated.
    pub roles: String,
    /// The staff position, for staff.
    pub position: Option<String>,
}

impl PersonRow {
    /// The roles held.
    pub fn role_list(&self) -> Vec<Role> {
        self.roles.split(',').filter_map(Role::parse).collect()
    }

    /// The phone as people read it.
    pub fn phone_display(&self) -> String {
        self.phone
            .as_deref()
            .map(crate::domain::display_phone)
            .unwrap_or_default()
    }
}

use crate::auth::repo::ROLES_AGG;

fn select() -> String {
    format!(
        "SELECT u.id, u.first_name, u.last_name, u.email, u.phone, u.active, {ROLES_AGG} AS roles, \
         (SELECT st.position FROM staff st WHERE st.user_id = u.id) AS position FROM users u"
    )
}

/// A page of users holding one of `roles`, matching a search on name, e-mail or phone.
pub async fn search(
    db: &Pool,
    roles: &[Role],
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PersonRow>, i64), sqlx::Error> {
    let codes = roles
        .iter()
        .map(|r| format!("'{}'", r.code()))
        .collect::<Vec<_>>()
        .join(",");
    let filter = format!(
        "WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({codes})) \
         AND u.search_key LIKE $1"
    );
    let rows = sqlx::query_as(crate::sql!(
        "{} {filter} ORDER BY u.sort_name, u.id LIMIT $2 OFFSET $3",
        select()
    ))
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let (total,): (i64,) = sqlx::query_as(crate::sql!("SELECT COUNT(*) FROM users u {filter}"))
        .bind(like)
        .fetch_one(db)
        .await?;
    Ok((rows, total))
}

pub async fn person(db: &Pool, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{} WHERE u.id = $1", select()))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Finds a user by normalized e-mail or phone.
pub async fn find_by_contact(
    db: &Pool,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Option<PersonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{} WHERE ($1 IS NOT NULL AND u.email = $1) OR ($2 IS NOT NULL AND u.phone = $2)",
        select()
    ))
    .bind(email)
    .bind(phone)
    .fetch_optional(db)
    .await
}

/// Identity fields of a user.
#[derive(Clone, Debug, Default)]
pub struct PersonInput {
    pub first_name: String,
    pub last_name: String,
    /// Normalized e-mail.
    pub email: Option<String>,
    /// Normalized phone.
    pub phone: Option<String>,
    /// The password given is temporary: the person must change it at first login.
    pub temporary_password: bool,
}

impl PersonInput {
    /// What a search on this person matches: names, e-mail, the phone's 8 digits.
    pub fn search_key(&self) -> String {
        let phone = self
            .phone
            .as_deref()
            .and_then(|p| p.strip_prefix("+228"))
            .unwrap_or("");
        crate::domain::search_key(
            &self.last_name,
            &self.first_name,
            &[self.email.as_deref().unwrap_or(""), phone],
        )
    }
}

/// Inserts a user with roles; returns the id.
pub async fn insert_user<'c>(
    tx: &mut sqlx::Transaction<'c, Db>,
    p: &PersonInput,
    hash: &str,
    roles: &[Role],
    at: chrono::DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (email, phone, password_hash, first_name, last_name, locale, active, created_at, \
         sort_name, search_key, must_change_password) \
         VALUES ($1, $2, $3, $4, $5, 'fr', TRUE, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&p.email)
    .bind(&p.phone)
    .bind(hash)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(at)
    .bind(crate::domain::sort_name(&p.last_name, &p.first_name))
    .bind(p.search_key())
    .bind(p.temporary_password)
    .fetch_one(&mut **tx)
    .await?;
    set_roles(tx, id, roles).await?;
    Ok(id)
}

/// Replaces a user's roles.
pub async fn set_roles<'c>(
    tx: &mut sqlx::Transaction<'c, Db>,
    id: i64,
    roles: &[Role],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(r.code())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Updates a user's identity.
pub async fn update_user<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    p: &PersonInput,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE users SET email = $1, phone = $2, first_name = $3, last_name = $4 WHERE id = $5",
    )
    .bind(&p.email)
    .bind(&p.phone)
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Sets the staff position of a user (creating the staff record).
pub async fn set_position<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user_id: i64,
    position: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO staff (user_id, position) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET position = excluded.position",
    )
    .bind(user_id)
    .bind(position)
    .execute(db)
    .await?;
    Ok(())
}

/// Activates or deactivates an account; a deactivated account's sessions end.
pub async fn set_active(db: &Pool, id: i64, active: bool) -> Result<u64, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let r = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if !active {
        end_sessions(&mut *tx, id).await?;
    }
    tx.commit().await?;
    Ok(r.rows_affected())
}

/// Teachers, for the professeur principal and assignment pickers.
pub async fn teachers(db: &Pool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.last_name || ' ' || u.first_name FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'teacher' AND u.active = TRUE ORDER BY u.sort_name",
    )
    .fetch_all(db)
    .await
}

/// Ends every session of a user: after a deactivation or a change of roles, both of which
/// the session carries (sessions are auth's).
pub use crate::auth::repo::end_sessions;

/// Gives an account a role it may already hold.
pub async fn add_role<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    role: crate::auth::Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(user)
        .bind(role.code())
        .execute(db)
        .await?;
    Ok(())
}

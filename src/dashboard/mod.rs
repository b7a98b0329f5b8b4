//! Dashboards: every portal's home is a dashboard of widgets that each person arranges
//! (add, remove, reorder, resize, set on a child or a class), starting from their role's
//! default, which the administration sets and whose locked widgets stay. Widgets load one
//! by one after the page, each on its own; their numbers also go out as JSON, read with a
//! personal access token (see [`tokens`]).

mod api;
pub mod cards;
pub mod layout;
mod render;
pub mod repo;
mod routes;
pub mod tokens;
pub mod widgets;

use layout::{Edit, Item, Refused};
pub use routes::{home, router};
use widgets::Kind;

use crate::auth::{CurrentUser, Portal, Role};
use crate::db::Pool;
use crate::error::{AppError, AppResult};

/// The role whose dashboard a portal's home shows `u`: their active role if it is of the
/// portal, else their first role of it.
pub fn role_for(u: &CurrentUser, portal: Portal) -> Option<Role> {
    if u.active_role.portal() == portal {
        return Some(u.active_role);
    }
    u.roles.iter().copied().find(|r| r.portal() == portal)
}

fn parse(json: &str) -> Vec<Item> {
    serde_json::from_str(json).unwrap_or_else(|e| {
        // Written by this code, so unreadable only if damaged: the default stands in.
        tracing::warn!(error = %e, "dashboard: a stored arrangement does not read");
        Vec::new()
    })
}

fn json(items: &[Item]) -> AppResult<String> {
    serde_json::to_string(items).map_err(|e| AppError::Internal(e.into()))
}

/// Keeps the widgets a role may have.
fn allowed(role: Role, items: Vec<Item>) -> Vec<Item> {
    items
        .into_iter()
        .filter(|i| Kind::parse(&i.kind).is_some_and(|k| k.allows(role)))
        .collect()
}

/// A role's default from what the administration stored, else the built-in one.
fn default_from(role: Role, stored: Option<&str>) -> Vec<Item> {
    match stored {
        Some(j) => allowed(role, parse(j)),
        None => widgets::builtin(role),
    }
}

/// A role's default: the administration's, else the built-in one.
pub async fn default_for(db: &Pool, role: Role) -> AppResult<Vec<Item>> {
    let stored = repo::default_of(db, role.code()).await?;
    Ok(default_from(role, stored.as_deref()))
}

/// What `user` sees as `role`: their arrangement with the default's locked widgets.
pub async fn layout_of(db: &Pool, user: i64, role: Role) -> AppResult<Vec<Item>> {
    let default = default_for(db, role).await?;
    let own = repo::layout(db, user, role.code())
        .await?
        .map(|j| parse(&j));
    Ok(allowed(role, layout::effective(&default, own.as_deref())))
}

/// Why a change to a dashboard did not happen.
pub enum EditError {
    /// Refused, with the catalog key of the reason (a 422 with the editor).
    Refused(&'static str),
    Other(AppError),
}

impl From<AppError> for EditError {
    fn from(e: AppError) -> Self {
        EditError::Other(e)
    }
}

impl From<sqlx::Error> for EditError {
    fn from(e: sqlx::Error) -> Self {
        EditError::Other(e.into())
    }
}

fn refused(r: Refused) -> EditError {
    // A widget removed meanwhile (another tab) is said in the editor, which stays.
    EditError::Refused(r.key())
}

/// Changes `user`'s dashboard as `role`, in one transaction under the dashboard's lock (two
/// tabs saving at once keep both changes, in turn). `None` goes back to the role's default.
pub async fn edit_own(
    db: &Pool,
    user: i64,
    role: Role,
    edit: Option<Edit>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), EditError> {
    check_kind(role, edit.as_ref())?;
    // Only the administration locks, on a role's default.
    if matches!(edit, Some(Edit::Lock { .. })) {
        return Err(EditError::Other(AppError::BadRequest("dash-error-form")));
    }
    let mut tx = crate::db::begin_write(db).await?;
    repo::lock(&mut tx, &format!("{user}:{}", role.code())).await?;
    let Some(edit) = edit else {
        repo::delete_layout(&mut *tx, user, role.code()).await?;
        tx.commit().await?;
        return Ok(());
    };
    let stored = repo::default_of(&mut *tx, role.code()).await?;
    let default = default_from(role, stored.as_deref());
    let own = repo::layout(&mut *tx, user, role.code())
        .await?
        .map(|j| parse(&j));
    let mut items = allowed(role, layout::effective(&default, own.as_deref()));
    layout::apply(&mut items, edit, true).map_err(refused)?;
    repo::save_layout(
        &mut *tx,
        user,
        role.code(),
        &json(&layout::for_storage(&items))?,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a role's default (the administration). `None` goes back to the built-in one.
pub async fn edit_default(
    db: &Pool,
    by: i64,
    role: Role,
    edit: Option<Edit>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), EditError> {
    check_kind(role, edit.as_ref())?;
    let mut tx = crate::db::begin_write(db).await?;
    repo::lock(&mut tx, role.code()).await?;
    let before = repo::default_of(&mut *tx, role.code()).await?;
    let Some(edit) = edit else {
        repo::delete_default(&mut *tx, role.code()).await?;
        crate::audit::record(
            &mut *tx,
            Some(by),
            "dashboard_default",
            role.code(),
            "reset",
            before.as_deref(),
            None,
            at,
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let mut items = default_from(role, before.as_deref());
    // A default is for everyone of the role: it is set on no child or class.
    if matches!(edit, Edit::Options { .. }) {
        return Err(EditError::Other(AppError::BadRequest("dash-error-options")));
    }
    layout::apply(&mut items, edit, false).map_err(refused)?;
    let after = json(&items)?;
    repo::save_default(&mut *tx, role.code(), &after, by, at).await?;
    crate::audit::record(
        &mut *tx,
        Some(by),
        "dashboard_default",
        role.code(),
        "update",
        before.as_deref(),
        Some(&after),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A widget added must be one the role may have.
fn check_kind(role: Role, edit: Option<&Edit>) -> Result<(), EditError> {
    if let Some(Edit::Add { kind, .. }) = edit
        && !Kind::parse(kind).is_some_and(|k| k.allows(role))
    {
        return Err(EditError::Other(AppError::BadRequest("dash-error-kind")));
    }
    Ok(())
}

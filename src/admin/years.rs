//! School years: preparing next year from this one (its periods, classes, professeurs
//! principaux, teachers' assignments and fee tranches, a year later), then opening it.
//! Coefficients belong to levels and séries, not years: they carry over by themselves.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::auth::Portal;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, redirect};

pub use crate::school::years::{YearRow, a_year_later};

/// "2026-2027" → "2027-2028".
pub fn next_label(label: &str) -> Option<String> {
    let (a, b) = label.split_once('-')?;
    let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    Some(format!("{}-{}", a + 1, b + 1))
}

#[derive(Template)]
#[template(path = "admin/years.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    years: Vec<YearRow>,
    next: Option<String>,
    can_edit: bool,
}

pub async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let years = crate::school::years::list(&app.db).await?;
    let next = years
        .iter()
        .find(|y| y.current)
        .and_then(|y| next_label(&y.label))
        .filter(|n| !years.iter().any(|y| &y.label == n));
    html(&Page {
        ctx: &ctx,
        years,
        next,
        can_edit: crate::authz::can_manage_accounts(u),
    })
}

/// Creates next year from the current one, in one transaction.
pub async fn prepare(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    crate::authz::require(crate::authz::can_manage_accounts(u))?;
    let current = crate::school::current_year(&app.db)
        .await?
        .ok_or(AppError::BadRequest("error-no-current-year"))?;
    let label = next_label(&current.label).ok_or(AppError::BadRequest("error-bad-request"))?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let new_year = match crate::school::years::prepare_next(&mut tx, current.id, &label).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            ctx.flash("error", "error-year-exists").await?;
            return Ok(redirect("/admin/annees"));
        }
        Err(e) => return Err(e.into()),
    };
    crate::fees::repo::copy_tranches(&mut tx, current.id, new_year, a_year_later).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "year",
        &label,
        "create",
        Some(&current.label),
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash_text("success", ctx.t.t1("year-prepared", "year", &label))
        .await?;
    Ok(redirect("/admin/annees"))
}

/// Where each student of the current year goes next year, from the council's decision in
/// the last term: "passe" to the class of the next level with the same group and série,
/// "redouble" to the class of the same name; nobody else is enrolled (excluded, leaving
/// Terminale, no decision, or no matching class: the secretary enrolls them by hand).
/// Those enrolled are billed next year's tranches. One transaction.
pub async fn promote(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    crate::authz::require(crate::authz::can_manage_accounts(u))?;
    let current = crate::school::current_year(&app.db)
        .await?
        .ok_or(AppError::BadRequest("error-no-current-year"))?;
    if current.id == id {
        return Err(AppError::BadRequest("error-promote-same-year"));
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::school::years::label(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // (student, decision, target class) for every student of the current year.
    let moves = crate::council::repo::next_classes(&mut tx, current.id, id).await?;
    let (mut up, mut again, mut left) = (0_i64, 0_i64, 0_i64);
    for (student, decision, target) in &moves {
        match target {
            Some(class) => {
                crate::school::enroll(&mut *tx, *student, *class, ctx.now).await?;
                crate::fees::bill_missing(&mut tx, id, Some(*student), None, Some(u.id), ctx.now)
                    .await?;
                if decision.as_deref() == Some("passe") {
                    up += 1;
                } else {
                    again += 1;
                }
            }
            None => left += 1,
        }
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "year",
        &id.to_string(),
        "promote",
        None,
        Some(&format!("{up} up, {again} repeating, {left} not enrolled")),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash_text(
        "success",
        ctx.t.tj(
            "year-promoted",
            serde_json::json!({ "up": up, "again": again, "left": left }),
        ),
    )
    .await?;
    Ok(redirect("/admin/annees"))
}

/// Makes a year the current one: the portal then works in it.
pub async fn open(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    crate::authz::require(crate::authz::can_manage_accounts(u))?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let label = crate::school::years::label(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::school::years::make_current(&mut tx, id).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "year",
        &label,
        "open",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    app.settings.forget_periods().await;
    // Every class channel changes with the year: open tabs reconnect and rejoin.
    app.realtime.disconnect_all();
    ctx.flash_text("success", ctx.t.t1("year-opened", "year", &label))
        .await?;
    Ok(redirect("/admin/annees"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_year() {
        assert_eq!(next_label("2026-2027").as_deref(), Some("2027-2028"));
        assert_eq!(next_label("nope"), None);
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(a_year_later(d(2026, 10, 5)), d(2027, 10, 5));
        assert_eq!(a_year_later(d(2028, 2, 29)), d(2029, 2, 28));
    }
}

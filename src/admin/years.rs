//! School years: preparing next year from this one (its periods, classes, professeurs
//! principaux, teachers' assignments and fee tranches, a year later), then opening it.
//! Coefficients belong to levels and séries, not years: they carry over by themselves.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};

use crate::app::AppState;
use crate::auth::Portal;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, redirect};

/// A year as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct YearRow {
    pub id: i64,
    /// "2026-2027".
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The year the portal works in.
    pub current: bool,
    pub classes: i64,
    pub students: i64,
}

async fn years(db: &crate::db::Pool) -> Result<Vec<YearRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT y.id, y.label, y.starts_on, y.ends_on, y.current, \
         (SELECT COUNT(*) FROM classes c WHERE c.school_year_id = y.id) AS classes, \
         (SELECT COUNT(*) FROM enrollments e WHERE e.school_year_id = y.id) AS students \
         FROM school_years y ORDER BY y.starts_on",
    )
    .fetch_all(db)
    .await
}

/// "2026-2027" → "2027-2028".
pub fn next_label(label: &str) -> Option<String> {
    let (a, b) = label.split_once('-')?;
    let (a, b): (i32, i32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    Some(format!("{}-{}", a + 1, b + 1))
}

/// The same day a year later (28 February for a 29th).
pub fn a_year_later(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() + 1, d.month(), 28))
        .unwrap_or(d)
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
    let years = years(&app.db).await?;
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
    let (starts, ends): (NaiveDate, NaiveDate) =
        sqlx::query_as("SELECT starts_on, ends_on FROM school_years WHERE id = $1")
            .bind(current.id)
            .fetch_one(&mut *tx)
            .await?;
    let new_year: (i64,) = match sqlx::query_as(
        "INSERT INTO school_years (label, starts_on, ends_on, current) VALUES ($1, $2, $3, FALSE) RETURNING id",
    )
    .bind(&label)
    .bind(a_year_later(starts))
    .bind(a_year_later(ends))
    .fetch_one(&mut *tx)
    .await
    {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            ctx.flash("error", "error-year-exists").await?;
            return Ok(redirect("/admin/annees"));
        }
        Err(e) => return Err(e.into()),
    };
    let new_year = new_year.0;
    let periods: Vec<(i64, String, NaiveDate, NaiveDate)> = sqlx::query_as(
        "SELECT ordinal, kind, starts_on, ends_on FROM periods WHERE school_year_id = $1 ORDER BY ordinal",
    )
    .bind(current.id)
    .fetch_all(&mut *tx)
    .await?;
    for (ordinal, kind, s, e) in periods {
        sqlx::query("INSERT INTO periods (school_year_id, ordinal, kind, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_year)
            .bind(ordinal)
            .bind(kind)
            .bind(a_year_later(s))
            .bind(a_year_later(e))
            .execute(&mut *tx)
            .await?;
    }
    // Classes keep their names from one year to the next, which is how the assignments
    // find their new class.
    sqlx::query(
        "INSERT INTO classes (school_year_id, level_id, series_id, grp, name, room, capacity, head_teacher_user_id) \
         SELECT $1, level_id, series_id, grp, name, room, capacity, head_teacher_user_id FROM classes WHERE school_year_id = $2",
    )
    .bind(new_year)
    .bind(current.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) \
         SELECT n.id, t.subject_id, t.teacher_user_id FROM teaching_assignments t \
         JOIN classes o ON o.id = t.class_id JOIN classes n ON n.name = o.name AND n.school_year_id = $1 \
         WHERE o.school_year_id = $2",
    )
    .bind(new_year)
    .bind(current.id)
    .execute(&mut *tx)
    .await?;
    let tranches: Vec<(i64, i64, String, i64, NaiveDate)> = sqlx::query_as(
        "SELECT level_id, fee_type_id, label, amount, due_on FROM fee_tranches WHERE school_year_id = $1",
    )
    .bind(current.id)
    .fetch_all(&mut *tx)
    .await?;
    for (level, fee_type, tranche, amount, due) in tranches {
        sqlx::query(
            "INSERT INTO fee_tranches (school_year_id, level_id, fee_type_id, label, amount, due_on) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_year)
        .bind(level)
        .bind(fee_type)
        .bind(tranche)
        .bind(amount)
        .bind(a_year_later(due))
        .execute(&mut *tx)
        .await?;
    }
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
    sqlx::query("SELECT 1 FROM school_years WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    // (student, decision, target class) for every student of the current year.
    let moves: Vec<(i64, Option<String>, Option<i64>)> = sqlx::query_as(
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
    .bind(current.id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
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
    let label: Option<(String,)> = sqlx::query_as("SELECT label FROM school_years WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let (label,) = label.ok_or(AppError::NotFound)?;
    sqlx::query("UPDATE school_years SET current = (id = $1)")
        .bind(id)
        .execute(&mut *tx)
        .await?;
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
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(a_year_later(d(2026, 10, 5)), d(2027, 10, 5));
        assert_eq!(a_year_later(d(2028, 2, 29)), d(2029, 2, 28));
    }
}

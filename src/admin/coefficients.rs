//! Coefficients of each subject per level and série, and the subject groups the bulletin
//! uses. Changing them changes every bulletin of the level: the director's job, audited.

use std::collections::HashMap;

use crate::bulletins::{self, repo::Coefficient};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Portal;
use crate::authz;
use crate::error::{AppError, AppResult};
use crate::school::{self, Choice, Serie};
use crate::web::{Ctx, html, html_status, redirect};

/// The groups a bulletin sorts subjects into.
pub const GROUPS: [&str; 3] = ["litteraires", "scientifiques", "autres"];

#[derive(Deserialize)]
pub struct Which {
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    serie: String,
}

#[derive(Template)]
#[template(path = "admin/coefficients.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    levels: Vec<Choice>,
    series: Vec<Serie>,
    level_id: i64,
    series_key: i64,
    /// subject, coefficient as typed, group, error
    rows: Vec<(Choice, String, String, Option<String>)>,
    groups: [&'static str; 3],
    can_edit: bool,
}

async fn load(
    app: &AppState,
    level_id: i64,
    series_key: i64,
) -> AppResult<HashMap<i64, Coefficient>> {
    let rows = bulletins::repo::coefficients(&app.db, level_id, series_key).await?;
    Ok(rows.into_iter().map(|r| (r.subject_id, r)).collect())
}

fn pick(levels: &[Choice], series: &[Serie], w: &Which) -> (i64, i64) {
    let level_id = w
        .niveau
        .parse::<i64>()
        .ok()
        .filter(|id| levels.iter().any(|l| l.id == *id))
        .or(levels.first().map(|l| l.id))
        .unwrap_or(0);
    let series_key = w
        .serie
        .parse::<i64>()
        .ok()
        .filter(|id| series.iter().any(|s| s.id == *id))
        .unwrap_or(0);
    (level_id, series_key)
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(w): Query<Which>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let levels = school::levels(&app.db).await?;
    let series = school::series(&app.db).await?;
    let (level_id, series_key) = pick(&levels, &series, &w);
    let stored = load(&app, level_id, series_key).await?;
    let rows = school::subjects(&app.db)
        .await?
        .into_iter()
        .map(|s| {
            let r = stored.get(&s.id);
            let coef = r.map(|r| r.coefficient.to_string()).unwrap_or_default();
            let group = r
                .map(|r| r.subject_group.clone())
                .unwrap_or_else(|| "autres".into());
            (s, coef, group, None)
        })
        .collect();
    html(&Page {
        ctx: &ctx,
        levels,
        series,
        level_id,
        series_key,
        rows,
        groups: GROUPS,
        can_edit: authz::can_manage_accounts(u),
    })
}

/// Saves the whole table for one level and série: every cell is checked first, and the
/// table is replaced in one transaction, or not at all.
pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(w): Query<Which>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_accounts(u))?;
    let levels = school::levels(&app.db).await?;
    let series = school::series(&app.db).await?;
    let (level_id, series_key) = pick(&levels, &series, &w);
    if level_id == 0 {
        return Err(AppError::NotFound);
    }
    let subjects = school::subjects(&app.db).await?;
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut rows = Vec::new();
    let mut valid = Vec::new();
    let mut failed = false;
    for s in subjects {
        let typed = form
            .get(&format!("coef_{}", s.id))
            .cloned()
            .unwrap_or_default();
        let group = form
            .get(&format!("group_{}", s.id))
            .filter(|g| GROUPS.contains(&g.as_str()))
            .cloned()
            .unwrap_or_else(|| "autres".into());
        let error = match typed.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(c) if (1..=10).contains(&c) => {
                    valid.push((s.id, c, group.clone()));
                    None
                }
                _ => Some(ctx.t.t("error-coefficient")),
            },
        };
        failed |= error.is_some();
        rows.push((s, typed, group, error));
    }
    if failed {
        return html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Page {
                ctx: &ctx,
                levels,
                series,
                level_id,
                series_key,
                rows,
                groups: GROUPS,
                can_edit: true,
            },
        );
    }
    let before = load(&app, level_id, series_key).await?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    bulletins::repo::clear_coefficients(&mut *tx, level_id, series_key).await?;
    for (subject, coef, group) in &valid {
        bulletins::repo::insert_coefficient(&mut *tx, level_id, series_key, *subject, *coef, group)
            .await?;
        let old = before.get(subject).map(|r| r.coefficient.to_string());
        if old.as_deref() != Some(coef.to_string().as_str()) {
            crate::audit::record(
                &mut *tx,
                Some(u.id),
                "coefficient",
                &format!("{level_id}:{series_key}:{subject}"),
                if old.is_some() { "update" } else { "create" },
                old.as_deref(),
                Some(&coef.to_string()),
                ctx.now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    ctx.flash("success", "coefficients-saved").await?;
    Ok(redirect(&format!(
        "/admin/coefficients?niveau={level_id}&serie={series_key}"
    )))
}

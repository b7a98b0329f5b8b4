//! The school's grading rules: how devoirs and compositions weigh in a subject average, the
//! thresholds of mentions and sanctions, and the pass mark proposed to the council.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::app::AppState;
use crate::auth::Portal;
use crate::error::AppResult;
use crate::grades::model::show_points;
use crate::settings::GradingSettings;
use crate::web::{Ctx, FormErrors, html_status, redirect};

/// The fields, in the order of the form.
pub const FIELDS: [&str; 8] = [
    "class_work_weight",
    "composition_weight",
    "honour_roll",
    "encouragement",
    "congratulations",
    "warning_below",
    "reprimand_below",
    "pass_mark",
];

#[derive(Template)]
#[template(path = "admin/grading.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    values: HashMap<String, String>,
    errors: FormErrors,
    can_edit: bool,
}

impl Page<'_> {
    fn value(&self, f: &str) -> String {
        self.values.get(f).cloned().unwrap_or_default()
    }
}

fn as_form(g: &GradingSettings) -> HashMap<String, String> {
    let v = [
        g.class_work_weight.to_string(),
        g.composition_weight.to_string(),
        show_points(g.honour_roll),
        show_points(g.encouragement),
        show_points(g.congratulations),
        show_points(g.warning_below),
        show_points(g.reprimand_below),
        show_points(g.pass_mark),
    ];
    FIELDS.iter().map(|f| f.to_string()).zip(v).collect()
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let g = crate::settings::grading(&app.db).await?;
    html_status(
        StatusCode::OK,
        &Page {
            ctx: &ctx,
            values: as_form(&g),
            errors: FormErrors::default(),
            can_edit: crate::authz::can_manage_accounts(u),
        },
    )
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    crate::authz::require(crate::authz::can_manage_accounts(u))?;
    let values: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut errors = FormErrors::default();
    let mut n = HashMap::new();
    for (i, f) in FIELDS.iter().enumerate() {
        let raw = values.get(*f).map(String::as_str).unwrap_or("").trim();
        let parsed = if i < 2 {
            raw.parse::<i64>().map_err(|_| "error-weight-range")
        } else {
            match crate::council::parse_conduct(raw) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err("error-required"),
                Err(k) => Err(k),
            }
        };
        match parsed {
            Ok(v) => {
                n.insert(*f, v);
            }
            Err(k) => errors.add(f, ctx.t.t1(k, "scale", 20)),
        }
    }
    let g = GradingSettings {
        class_work_weight: n.get("class_work_weight").copied().unwrap_or(1),
        composition_weight: n.get("composition_weight").copied().unwrap_or(2),
        honour_roll: n.get("honour_roll").copied().unwrap_or(1200),
        encouragement: n.get("encouragement").copied().unwrap_or(1400),
        congratulations: n.get("congratulations").copied().unwrap_or(1600),
        warning_below: n.get("warning_below").copied().unwrap_or(800),
        reprimand_below: n.get("reprimand_below").copied().unwrap_or(600),
        pass_mark: n.get("pass_mark").copied().unwrap_or(1000),
    };
    if errors.is_empty() {
        for (f, k) in g.validate() {
            errors.add(f, ctx.t.t(k));
        }
    }
    if !errors.is_empty() {
        return html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Page {
                ctx: &ctx,
                values,
                errors,
                can_edit: true,
            },
        );
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let old = crate::settings::grading(&app.db).await?;
    crate::settings::store(&mut *tx, "grading", &g).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        "grading",
        "update",
        serde_json::to_string(&old).ok().as_deref(),
        serde_json::to_string(&g).ok().as_deref(),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/notation"))
}

//! The school's vie scolaire rules: which sanctions of the scale it uses, who decides each,
//! and how much each fact of a record takes off the conduct mark proposed to the council.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::Kind;
use crate::app::AppState;
use crate::auth::Role;
use crate::error::AppResult;
use crate::grades::model::show_points;
use crate::settings::{ConductSettings, SanctionRule};
use crate::web::{Ctx, FormErrors, field, form, html_status, redirect};

/// The roles the school may give sanctions to (the staff who teach or run it).
pub const GIVERS: [Role; 3] = [Role::Director, Role::Secretary, Role::Teacher];

/// The mark fields, in the order of the form.
pub const MARKS: [&str; 4] = ["base", "incident", "unjustified_hour", "late"];

#[derive(Template)]
#[template(path = "conduct/rules.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    rules: ConductSettings,
    /// The values as typed, by field.
    typed: Vec<(String, String)>,
    errors: FormErrors,
    can_edit: bool,
}

impl Page<'_> {
    fn scale(&self) -> Vec<SanctionRule> {
        Kind::ALL.iter().map(|k| self.rules.rule(*k)).collect()
    }

    fn givers(&self) -> [Role; 3] {
        GIVERS
    }

    fn value(&self, name: &str) -> String {
        if let Some((_, v)) = self.typed.iter().find(|(k, _)| k == name) {
            return v.clone();
        }
        let r = &self.rules;
        let points = match name {
            "base" => r.base,
            "incident" => r.incident,
            "unjustified_hour" => r.unjustified_hour,
            "late" => r.late,
            other => match other
                .strip_prefix("deduction_")
                .and_then(|k| k.parse::<Kind>().ok())
            {
                Some(k) => r.rule(k).deduction,
                None => return String::new(),
            },
        };
        show_points(points)
    }

    fn gives(&self, rule: &SanctionRule, role: &Role) -> bool {
        rule.givers.contains(role)
    }

    fn role_label(&self, role: &Role) -> String {
        self.ctx.t.t(format!("role-{}", role.code()))
    }
}

pub async fn page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let rules = crate::settings::conduct(&app.db).await?;
    html_status(
        axum::http::StatusCode::OK,
        &Page {
            ctx: &ctx,
            rules,
            typed: Vec::new(),
            errors: FormErrors::default(),
            can_edit: u.has(Role::Director),
        },
    )
}

/// Saves the rules: all of them, or none.
pub async fn save(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let mut errors = FormErrors::default();
    let mut mark = |name: &str| -> i64 {
        match crate::council::parse_conduct(field(&f, name)) {
            Ok(Some(v)) => v,
            Ok(None) => {
                errors.add(name, ctx.t.t("error-required"));
                0
            }
            Err(k) => {
                errors.add(name, ctx.t.t(k));
                0
            }
        }
    };
    let base = mark("base");
    let incident = mark("incident");
    let unjustified_hour = mark("unjustified_hour");
    let late = mark("late");
    let sanctions: Vec<SanctionRule> = Kind::ALL
        .iter()
        .map(|k| SanctionRule {
            kind: *k,
            used: field(&f, &format!("used_{k}")) == "1",
            deduction: mark(&format!("deduction_{k}")),
            givers: GIVERS
                .iter()
                .copied()
                .filter(|r| field(&f, &format!("givers_{k}_{}", r.code())) == "1")
                .collect(),
        })
        .collect();
    let rules = ConductSettings {
        base,
        incident,
        unjustified_hour,
        late,
        sanctions,
    };
    for (name, key) in rules.validate() {
        errors.add(&name, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return html_status(
            errors.status(),
            &Page {
                ctx: &ctx,
                rules,
                typed: f,
                errors,
                can_edit: true,
            },
        );
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, "conduct", &rules).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        "conduct",
        "update",
        None,
        Some(&serde_json::to_string(&rules).unwrap_or_default()),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "conduct-rules-saved").await?;
    Ok(redirect("/admin/vie-scolaire"))
}

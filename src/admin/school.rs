//! The school's own settings: name, city, phone, trimestres or semestres.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Portal;
use crate::domain::{self, Phone};
use crate::error::{AppError, AppResult};
use crate::settings::{PeriodKind, SchoolSettings};
use crate::web::{Ctx, FormErrors, html, html_status, redirect};

#[derive(Template)]
#[template(path = "admin/school.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    form: SchoolForm,
    errors: FormErrors,
    can_edit: bool,
}

/// The settings form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SchoolForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    period_kind: String,
}

pub async fn show(ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let s = &ctx.school;
    let form = SchoolForm {
        name: s.name.clone(),
        city: s.city.clone(),
        phone: if s.phone.is_empty() {
            String::new()
        } else {
            domain::display_phone(&s.phone)
        },
        email: s.email.clone(),
        period_kind: s.period_kind.code().into(),
    };
    let can_edit = crate::authz::can_manage_accounts(u);
    html(&Page {
        ctx: &ctx,
        form,
        errors: FormErrors::default(),
        can_edit,
    })
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<SchoolForm>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    if !crate::authz::can_manage_accounts(u) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default();
    let city = domain::required_text(&f.city, 80).unwrap_or_else(|k| {
        errors.add("city", ctx.t.t(k));
        String::new()
    });
    let phone = if f.phone.trim().is_empty() {
        String::new()
    } else {
        Phone::parse(&f.phone)
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|k| {
                errors.add("phone", ctx.t.t(k));
                String::new()
            })
    };
    let email = if f.email.trim().is_empty() {
        String::new()
    } else {
        domain::Email::parse(&f.email)
            .map(|e| e.as_str().to_string())
            .unwrap_or_else(|k| {
                errors.add("email", ctx.t.t(k));
                String::new()
            })
    };
    let period_kind = match f.period_kind.as_str() {
        "semestre" => PeriodKind::Semestre,
        "trimestre" => PeriodKind::Trimestre,
        _ => {
            errors.add("period_kind", ctx.t.t("error-required"));
            PeriodKind::Trimestre
        }
    };
    let settings = SchoolSettings {
        name: f.name.trim().to_string(),
        city,
        phone,
        email,
        logo: ctx.school.logo.clone(),
        period_kind,
    };
    for (field, key) in settings.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Page {
                ctx: &ctx,
                form: f,
                errors,
                can_edit: true,
            },
        );
    }
    app.settings.save_school(&app.db, &settings).await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/etablissement"))
}

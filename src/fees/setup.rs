//! The fees' settings: fee types, the tranches of each level and their due dates, and
//! billing the students who have no invoice yet.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::AmountXof;
use super::repo::{self, FeeType, Tranche};
use super::routes::{money_handler, year};
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz;
use crate::domain;
use crate::error::AppResult;
use crate::school::{self, Choice, Year};
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

#[derive(Template)]
#[template(path = "fees/settings.html")]
struct Settings<'a> {
    ctx: &'a Ctx,
    year: Year,
    fee_types: Vec<FeeType>,
    levels: Vec<Choice>,
    by_level: Vec<(String, Vec<Tranche>, i64)>,
    form: TrancheForm,
    type_form: TypeForm,
    errors: FormErrors,
    can_edit: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct TrancheForm {
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    fee_type_id: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    due_on: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct TypeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

async fn settings_page(
    app: &AppState,
    ctx: &Ctx,
    form: TrancheForm,
    type_form: TypeForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let year = year(app).await?;
    let mut by_level: Vec<(String, Vec<Tranche>, i64)> = Vec::new();
    for t in repo::tranches(&app.db, year.id).await? {
        match by_level.last_mut() {
            Some((name, list, total)) if *name == t.level_name => {
                *total += t.amount;
                list.push(t);
            }
            _ => by_level.push((t.level_name.clone(), vec![t.clone()], t.amount)),
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &Settings {
            ctx,
            year,
            fee_types: repo::fee_types(&app.db).await?,
            levels: school::levels(&app.db).await?,
            by_level,
            form,
            type_form,
            errors,
            can_edit: authz::can_handle_money(u),
        },
    )
}

pub(super) async fn settings(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    settings_page(
        &app,
        &ctx,
        TrancheForm::default(),
        TypeForm::default(),
        FormErrors::default(),
    )
    .await
}

pub(super) async fn create_fee_type(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TypeForm>,
) -> AppResult<Response> {
    money_handler(&ctx)?;
    let mut errors = FormErrors::default();
    let code = domain::fold(f.code.trim()).replace(' ', "_");
    if code.is_empty()
        || code.len() > 30
        || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        errors.add("code", ctx.t.t("error-fee-code"));
    }
    let name = domain::required_text(&f.name, 60).unwrap_or_else(|k| {
        errors.add("name", ctx.t.t(k));
        String::new()
    });
    if errors.is_empty() {
        match repo::insert_fee_type(&app.db, &code, &name).await {
            Ok(_) => {
                ctx.flash("success", "saved").await?;
                return Ok(redirect("/admin/frais"));
            }
            Err(e) if crate::db::is_unique_violation(&e) => {
                errors.add("code", ctx.t.t("error-fee-code-taken"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    settings_page(&app, &ctx, TrancheForm::default(), f, errors).await
}

pub(super) async fn create_tranche(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TrancheForm>,
) -> AppResult<Response> {
    money_handler(&ctx)?;
    let year = year(&app).await?;
    let mut errors = FormErrors::default();
    let levels = school::levels(&app.db).await?;
    let level_id = f
        .level_id
        .parse::<i64>()
        .ok()
        .filter(|l| levels.iter().any(|x| x.id == *l));
    if level_id.is_none() {
        errors.add("level_id", ctx.t.t("error-choose"));
    }
    let types = repo::fee_types(&app.db).await?;
    let fee_type_id = f
        .fee_type_id
        .parse::<i64>()
        .ok()
        .filter(|t| types.iter().any(|x| x.id == *t));
    if fee_type_id.is_none() {
        errors.add("fee_type_id", ctx.t.t("error-choose"));
    }
    let label = domain::required_text(&f.label, 40).unwrap_or_else(|k| {
        errors.add("label", ctx.t.t(k));
        String::new()
    });
    let amount = AmountXof::parse(&f.amount)
        .map_err(|k| errors.add("amount", ctx.t.t(k)))
        .ok();
    let due_on = domain::parse_date(&f.due_on)
        .map_err(|e| errors.add("due_on", e.message(&ctx.t)))
        .ok();
    if let (Some(level_id), Some(fee_type_id), Some(amount), Some(due_on), true) =
        (level_id, fee_type_id, amount, due_on, errors.is_empty())
    {
        let t = repo::NewTranche {
            school_year_id: year.id,
            level_id,
            fee_type_id,
            label,
            amount: amount.get(),
            due_on,
        };
        match repo::insert_tranche(&app.db, &t).await {
            Ok(_) => {
                ctx.flash("success", "tranche-added").await?;
                return Ok(redirect("/admin/frais"));
            }
            Err(e) if crate::db::is_unique_violation(&e) => {
                errors.add("label", ctx.t.t("error-tranche-taken"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    settings_page(&app, &ctx, f, TypeForm::default(), errors).await
}

pub(super) async fn delete_tranche(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    money_handler(&ctx)?;
    if repo::delete_unbilled_tranche(&app.db, id).await? == 0 {
        ctx.flash("error", "error-tranche-billed").await?;
    } else {
        ctx.flash("success", "tranche-deleted").await?;
    }
    Ok(redirect("/admin/frais"))
}

#[derive(Deserialize)]
pub(super) struct BillForm {
    #[serde(default)]
    level_id: String,
}

/// Bills every enrolled student of a level (or of the school) for the tranches they have not
/// been billed yet. Safe to repeat: nobody is billed twice for a tranche.
pub(super) async fn bill(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<BillForm>,
) -> AppResult<Response> {
    let u = money_handler(&ctx)?;
    let year = year(&app).await?;
    let level = f.level_id.parse::<i64>().ok();
    let mut tx = crate::db::begin_write(&app.db).await?;
    let n = super::bill_missing(&mut tx, year.id, None, level, Some(u.id), ctx.now).await?;
    tx.commit().await?;
    ctx.flash_text("success", ctx.t.count("invoices-created", n as i64))
        .await?;
    Ok(redirect("/admin/frais"))
}

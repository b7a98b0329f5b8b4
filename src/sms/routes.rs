//! The administration's SMS page: this month's segments against the budget, the budget and
//! the daily cap (the director sets them), and the latest messages with their state.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, TimeZone, Utc};

use super::repo::{self, Logged};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::error::AppResult;
use crate::settings::SmsSettings;
use crate::web::{Ctx, FormErrors, html_status, redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/sms", get(page).allow(Rule::RECORDS))
        .route("/admin/sms", post(save).allow(Rule::DIRECTOR))
}

#[derive(Template)]
#[template(path = "sms/index.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    provider: Option<&'static str>,
    settings: SmsSettings,
    used: i64,
    messages: Vec<Logged>,
    can_edit: bool,
    errors: FormErrors,
    /// What was typed, on errors.
    typed: (String, String, String),
}

impl Page<'_> {
    fn percent(&self) -> i64 {
        if self.settings.monthly_budget <= 0 {
            100
        } else {
            (self.used * 100 / self.settings.monthly_budget).min(100)
        }
    }
}

async fn render(
    app: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    typed: Option<(String, String, String)>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let settings = crate::settings::sms_in(&app.db).await?;
    let now = ctx.now;
    let month = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now);
    html_status(
        errors.status(),
        &Page {
            ctx,
            provider: app.sms.as_ref().map(|s| s.name()),
            used: repo::segments_since(&app.db, month).await?,
            messages: repo::latest(&app.db, 100).await?,
            can_edit: u.has(crate::auth::Role::Director),
            typed: typed.unwrap_or_else(|| {
                (
                    settings.monthly_budget.to_string(),
                    settings.daily_per_person.to_string(),
                    settings.pay_code.clone(),
                )
            }),
            settings,
            errors,
        },
    )
}

async fn page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(&app, &ctx, FormErrors::default(), None).await
}

#[derive(serde::Deserialize)]
struct SettingsForm {
    #[serde(default)]
    monthly_budget: String,
    #[serde(default)]
    daily_per_person: String,
    #[serde(default)]
    pay_code: String,
}

async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<SettingsForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    let number = |s: &str| {
        s.trim()
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .parse::<i64>()
            .ok()
    };
    let s = SmsSettings {
        monthly_budget: number(&f.monthly_budget).unwrap_or(-1),
        daily_per_person: number(&f.daily_per_person).unwrap_or(0),
        pay_code: f.pay_code.trim().to_string(),
    };
    for (field, key) in s.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        let typed = (f.monthly_budget, f.daily_per_person, f.pay_code);
        return render(&app, &ctx, errors, Some(typed)).await;
    }
    crate::settings::store(&app.db, "sms", &s).await?;
    ctx.flash("success", "sms-settings-saved").await?;
    Ok(redirect("/admin/sms"))
}

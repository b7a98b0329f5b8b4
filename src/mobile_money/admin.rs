//! The bursar's screens: every mobile money attempt with its state and references, the
//! review queue (wrong amounts, money that would overpay), a check with the provider on
//! demand, the bursar's decision on a reviewed attempt, and daily totals per network to
//! compare with the provider's report.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::repo::{self, KeptCallback, Line};
use super::{Applied, MomoState, Payment};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, redirect};

/// The bursar's pages.
pub fn router() -> Router<AppState> {
    let money = Rule::MONEY;
    Router::new()
        .route("/admin/mobile-money", get(index).allow(money))
        .route("/admin/mobile-money/{id}", get(detail).allow(money))
        .route(
            "/admin/mobile-money/{id}/verification",
            post(recheck).allow(money),
        )
        .route(
            "/admin/mobile-money/{id}/decision",
            post(decide).allow(money),
        )
}

fn money_handler(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let u = ctx.require(Portal::Admin)?;
    crate::authz::require(crate::authz::can_handle_money(u))?;
    Ok(u)
}

/// Credited totals of one day.
#[derive(Default)]
pub struct Day {
    pub day: NaiveDate,
    /// Flooz: count and XOF.
    pub flooz: (i64, i64),
    /// T-Money: count and XOF.
    pub tmoney: (i64, i64),
}

#[derive(Template)]
#[template(path = "mobile_money/admin.html")]
struct Index<'a> {
    ctx: &'a Ctx,
    lines: Vec<Line>,
    state: Option<MomoState>,
    states: &'static [MomoState],
    counts: HashMap<MomoState, i64>,
    days: Vec<Day>,
    provider: Option<&'static str>,
}

impl Index<'_> {
    fn count(&self, s: &MomoState) -> i64 {
        self.counts.get(s).copied().unwrap_or(0)
    }

    fn is_tab(&self, s: &MomoState) -> bool {
        self.state == Some(*s)
    }

    /// Whether the tab of `s` holds attempts the bursar must decide on.
    fn waits_for_bursar(&self, s: &MomoState) -> bool {
        *s == MomoState::Review && self.count(s) > 0
    }
}

#[derive(Deserialize)]
struct Filter {
    #[serde(default)]
    etat: String,
}

/// The attempts of a tab as a table (PDF, Excel or CSV), for the bursar's records.
async fn export_list(
    ctx: &Ctx,
    state: Option<MomoState>,
    rows: &[Line],
    format: crate::export::Format,
) -> AppResult<Response> {
    use crate::export::{Cell, Table};
    let t = &ctx.t;
    let mut title = t.t("nav-momo");
    if let Some(state) = state {
        title = format!("{title} — {}", t.t(format!("momo-state-{state}")));
    }
    let mut table = Table::new(
        title,
        [
            t.t("momo-started"),
            t.t("student"),
            t.t("momo-network"),
            t.t("phone"),
            t.t("amount"),
            t.t("status"),
            t.t("momo-references"),
        ],
    );
    table.subtitle = t.tn("export-row-count", "count", rows.len() as i64);
    for r in rows {
        let p = &r.p;
        let refs: Vec<&str> = [
            Some(p.identifier.as_str()),
            p.provider_ref.as_deref(),
            p.payment_ref.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        table.push(vec![
            Cell::DateTime(p.created_at),
            Cell::Text(r.student.clone()),
            Cell::Text(t.t(p.network_key())),
            Cell::Text(crate::domain::display_phone(&p.phone)),
            Cell::Xof(p.amount),
            Cell::Text(t.t(p.state_key())),
            Cell::Text(refs.join(" · ")),
        ]);
    }
    let frame = crate::export::frame(ctx).await;
    crate::export::send_table(table, format, ctx, frame).await
}

async fn index(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    money_handler(&ctx)?;
    let state = f.etat.parse::<MomoState>().ok();
    // The page shows the 200 latest attempts; an export has every one the tab selects.
    let format = export.format()?;
    let limit = if format.is_some() { i64::MAX } else { 200 };
    let lines = repo::list(&app.db, state, limit).await?;
    if let Some(format) = format {
        return export_list(&ctx, state, &lines, format).await;
    }
    let counts = repo::count_by_state(&app.db).await?;
    // Credited in the last 14 days, per day and network (grouped here: the two databases
    // write dates differently).
    let since = ctx.now - Duration::days(14);
    let paid = repo::credited_since(&app.db, since).await?;
    let mut by_day: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for (network, amount, at) in paid {
        let day = at.date_naive();
        let d = by_day.entry(day).or_insert_with(|| Day {
            day,
            ..Default::default()
        });
        let slot = if network == "flooz" {
            &mut d.flooz
        } else {
            &mut d.tmoney
        };
        slot.0 += 1;
        slot.1 += amount;
    }
    html(&Index {
        ctx: &ctx,
        lines,
        state,
        states: MomoState::ALL,
        counts: counts.into_iter().collect(),
        days: by_day.into_values().rev().collect(),
        provider: app.momo.as_ref().map(|p| p.name()),
    })
}

#[derive(Template)]
#[template(path = "mobile_money/admin_detail.html")]
struct Detail<'a> {
    ctx: &'a Ctx,
    p: Payment,
    student: String,
    callbacks: Vec<KeptCallback>,
    balance: i64,
}

async fn detail(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    money_handler(&ctx)?;
    let p = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let callbacks = repo::callbacks_of(&app.db, id).await?;
    html(&Detail {
        ctx: &ctx,
        student: super::routes::student_name(&app, p.student_id).await?,
        balance: crate::fees::repo::balance(&app.db, p.student_id).await?,
        p,
        callbacks,
    })
}

async fn recheck(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    money_handler(&ctx)?;
    super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let key = match super::check_now(&app, id).await {
        Ok(Applied::Credited(_)) => "momo-check-credited",
        Ok(Applied::Closed) => "momo-check-closed",
        Ok(Applied::Review) => "momo-check-review",
        Ok(Applied::Unchanged) => "momo-check-unchanged",
        Err(_) => "momo-check-failed",
    };
    ctx.flash("success", key).await?;
    Ok(redirect(&format!("/admin/mobile-money/{id}")))
}

#[derive(Deserialize)]
struct Decision {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    /// What the bursar found was received (on the operator's statement); empty: what the
    /// provider reported, else what was asked.
    #[serde(default)]
    amount: String,
}

/// The bursar's decision on an attempt in review: credit what was collected (when the
/// family owes at least that), or record that the money was sent back to the parent.
async fn decide(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<Decision>,
) -> AppResult<Response> {
    let u = money_handler(&ctx)?;
    let p = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    if p.state != MomoState::Review {
        return Err(AppError::BadRequest("error-momo-not-in-review"));
    }
    let note: String = f.note.trim().chars().take(300).collect();
    match f.decision.as_str() {
        "credit" => {
            let amount = if f.amount.trim().is_empty() {
                p.paid_amount.unwrap_or(p.amount)
            } else {
                crate::fees::calc::AmountXof::parse(&f.amount)
                    .map_err(AppError::BadRequest)?
                    .get()
            };
            let year = crate::fees::routes::year(&app).await?;
            let desk = crate::fees::DeskPayment {
                student_id: p.student_id,
                amount: crate::fees::calc::AmountXof::parse(&amount.to_string())
                    .map_err(AppError::BadRequest)?,
                method: "mobile_money",
                reference: p.payment_ref.clone().or_else(|| p.provider_ref.clone()),
                payer: Some(p.phone.clone()),
                idempotency_key: None,
            };
            let mut tx = crate::db::begin_write(&app.db).await?;
            let resolution = format!("credited {amount} {note}");
            if !repo::resolve_as_paid(&mut *tx, id, resolution.trim(), u.id, ctx.now).await? {
                return Err(AppError::BadRequest("error-momo-not-in-review"));
            }
            match crate::fees::record_payment_in(&mut tx, &year, &desk, Some(u.id), ctx.now).await {
                Ok(receipt) => {
                    repo::link_receipt(&mut *tx, id, receipt).await?;
                    crate::audit::record(
                        &mut *tx,
                        Some(u.id),
                        "momo",
                        &p.identifier,
                        "credit",
                        None,
                        Some(&format!("{amount} {note}")),
                        ctx.now,
                    )
                    .await?;
                    tx.commit().await?;
                    ctx.flash("success", "momo-credited").await?;
                }
                Err(
                    crate::fees::PaymentError::MoreThanOwed(_)
                    | crate::fees::PaymentError::NothingOwed,
                ) => {
                    tx.rollback().await?;
                    ctx.flash("error", "momo-credit-more-than-owed").await?;
                }
                Err(e) => return Err(anyhow::Error::from(e).into()),
            }
        }
        "refund" => {
            let mut tx = crate::db::begin_write(&app.db).await?;
            let resolution = format!("refunded {note}");
            repo::resolve_as_refunded(&mut *tx, id, resolution.trim(), u.id, ctx.now).await?;
            crate::audit::record(
                &mut *tx,
                Some(u.id),
                "momo",
                &p.identifier,
                "refund",
                None,
                Some(&note),
                ctx.now,
            )
            .await?;
            tx.commit().await?;
            ctx.flash("success", "momo-refunded").await?;
        }
        _ => return Err(AppError::BadRequest("error-bad-request")),
    }
    Ok(redirect(&format!("/admin/mobile-money/{id}")))
}

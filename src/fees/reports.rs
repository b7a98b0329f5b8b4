//! The bursar's reports: who is behind on fees (arrears) and the day's cash. They read the
//! ledger across many students, so their one aggregate query lives here beside them rather
//! than in `repo.rs`, which holds the per-student money records.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use super::AmountXof;
use super::repo::{self, Receipt};
use super::routes::year;
use crate::app::AppState;
use crate::auth::Portal;
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::export::{self, Cell, ExportQuery, Table};
use crate::school::{self, Choice, ClassRow};
use crate::web::{Ctx, html};

pub use super::repo::{Arrear, StudentBalance, arrears_of, balances_of};

// ---------------------------------------------------------------- arrears

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ArrearsQuery {
    #[serde(default)]
    classe: String,
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    min: String,
}

#[derive(Template)]
#[template(path = "fees/arrears.html")]
struct ArrearsPage<'a> {
    ctx: &'a Ctx,
    q: ArrearsQuery,
    classes: Vec<ClassRow>,
    levels: Vec<Choice>,
    rows: Vec<Arrear>,
    total: i64,
    today: NaiveDate,
}

pub(super) async fn arrears(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ArrearsQuery>,
    Query(export): Query<ExportQuery>,
) -> AppResult<Response> {
    let format = export.format()?;
    ctx.require(Portal::Admin)?;
    let year = year(&app).await?;
    let today = ctx.today();
    let min = AmountXof::parse(&q.min).map(|a| a.get()).unwrap_or(0);
    let _turn = app.heavy.turn().await;
    let rows = arrears_of(
        &app.db,
        year.id,
        today,
        q.classe.parse().ok(),
        q.niveau.parse().ok(),
        min,
    )
    .await?;
    if let Some(format) = format {
        let t = &ctx.t;
        let mut table = Table::new(
            t.t1("arrears-title", "date", t.date(&today)),
            [
                t.t("name"),
                t.t("matricule"),
                t.t("class"),
                t.t("arrears-since"),
                t.t("overdue"),
                t.t("balance-due"),
                t.t("phone"),
            ],
        );
        for r in &rows {
            table.push(vec![
                r.student().into(),
                r.matricule.as_str().into(),
                r.class_name.as_str().into(),
                Cell::Date(r.since),
                Cell::Xof(r.overdue),
                Cell::Xof(r.balance),
                r.phone.as_deref().map(domain::display_phone).into(),
            ]);
        }
        table.subtitle = t.count("arrears-count", rows.len() as i64);
        table.totals = Some(vec![
            t.t("total").into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Xof(rows.iter().map(|r| r.overdue).sum()),
            Cell::Xof(rows.iter().map(|r| r.balance).sum()),
            Cell::Empty,
        ]);
        let frame = export::frame(&ctx).await;
        return export::send_table(table, format, &ctx, frame).await;
    }
    html(&ArrearsPage {
        ctx: &ctx,
        total: rows.iter().map(|r| r.overdue).sum(),
        classes: school::classes(&app.db, year.id).await?,
        levels: school::levels(&app.db).await?,
        rows,
        q,
        today,
    })
}

// ---------------------------------------------------------------- daily cash

#[derive(Deserialize)]
pub(super) struct CashQuery {
    #[serde(default)]
    jour: String,
}

#[derive(Template)]
#[template(path = "fees/cash.html")]
struct CashPage<'a> {
    ctx: &'a Ctx,
    day: NaiveDate,
    receipts: Vec<Receipt>,
    by_method: Vec<(String, i64, i64)>,
    total: i64,
}

pub(super) async fn cash(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CashQuery>,
    Query(export): Query<ExportQuery>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let format = export.format()?;
    let day = if q.jour.trim().is_empty() {
        ctx.today()
    } else {
        domain::parse_date(&q.jour).map_err(|_| AppError::BadRequest("error-date-format"))?
    };
    // Lomé is on UTC all year: the school's day is the UTC day.
    let from = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let receipts = repo::receipts_between(&app.db, from, from + chrono::Days::new(1)).await?;
    let mut by_method: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in &receipts {
        let e = by_method.entry(r.method.clone()).or_default();
        e.0 += 1;
        e.1 += r.amount;
    }
    if let Some(format) = format {
        let t = &ctx.t;
        let mut table = Table::new(
            t.t1("cash-title", "date", t.date(&day)),
            [
                t.t("receipt-no"),
                t.t("time"),
                t.t("student"),
                t.t("matricule"),
                t.t("payment-method"),
                t.t("reference"),
                t.t("cashier"),
                t.t("amount"),
            ],
        );
        for r in &receipts {
            table.push(vec![
                r.receipt_no.as_str().into(),
                Cell::DateTime(r.received_at),
                r.student().into(),
                r.matricule.as_str().into(),
                t.t(r.method_key()).into(),
                r.reference.clone().into(),
                r.cashier.clone().into(),
                Cell::Xof(r.amount),
            ]);
        }
        table.subtitle = by_method
            .iter()
            .map(|(m, (n, a))| {
                format!(
                    "{}{}{} · {}",
                    t.t(format!("payment-method-{m}")),
                    t.t("colon"),
                    t.int(*n),
                    t.xof(*a)
                )
            })
            .collect::<Vec<_>>()
            .join(" — ");
        let mut totals = vec![Cell::Empty; 8];
        totals[0] = t.t("total").into();
        totals[7] = Cell::Xof(receipts.iter().map(|r| r.amount).sum());
        table.totals = Some(totals);
        let frame = export::frame(&ctx).await;
        return export::send_table(table, format, &ctx, frame).await;
    }
    html(&CashPage {
        ctx: &ctx,
        day,
        total: receipts.iter().map(|r| r.amount).sum(),
        by_method: by_method
            .into_iter()
            .map(|(m, (n, a))| (format!("payment-method-{m}"), n, a))
            .collect(),
        receipts,
    })
}

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
    /// When each family was last reminded by SMS (the last month).
    reminded: std::collections::HashMap<i64, chrono::DateTime<chrono::Utc>>,
    /// The bursar or the director, with an SMS provider.
    can_remind: bool,
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
    let u = ctx.user()?;
    html(&ArrearsPage {
        reminded: crate::sms::repo::last_reminders(&app.db, ctx.now - chrono::Duration::days(31))
            .await?,
        can_remind: app.sms.is_some() && crate::authz::can_handle_money(u),
        ctx: &ctx,
        total: rows.iter().map(|r| r.overdue).sum(),
        classes: school::classes(&app.db, year.id).await?,
        levels: school::levels(&app.db).await?,
        rows,
        q,
        today,
    })
}

// ---------------------------------------------------------------- reminders

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RemindForm {
    /// One student, or (empty) every student of the filtered list.
    #[serde(default)]
    eleve: String,
    #[serde(default)]
    classe: String,
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    min: String,
}

/// A family is reminded at most once a week.
const REMIND_EVERY_DAYS: i64 = 7;

/// "Relancer par SMS": a text message to the guardians of each student behind on fees (one
/// student, or the list as filtered), with the amount overdue and how to pay; families
/// reminded this week are skipped. The messages are the log (the SMS page), with an entry
/// in the journal.
pub(super) async fn remind(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<RemindForm>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    crate::authz::require(crate::authz::can_handle_money(u))?;
    let back = {
        let q = form_urlencoded::Serializer::new(String::new())
            .append_pair("classe", &f.classe)
            .append_pair("niveau", &f.niveau)
            .append_pair("min", &f.min)
            .finish();
        format!("/admin/impayes?{q}")
    };
    if app.sms.is_none() {
        ctx.flash("error", "reminder-no-sms").await?;
        return Ok(crate::web::redirect(&back));
    }
    let year = year(&app).await?;
    let today = ctx.today();
    let min = AmountXof::parse(&f.min).map(|a| a.get()).unwrap_or(0);
    let only: Option<i64> = f.eleve.parse().ok();
    let rows: Vec<Arrear> = arrears_of(
        &app.db,
        year.id,
        today,
        f.classe.parse().ok(),
        f.niveau.parse().ok(),
        min,
    )
    .await?
    .into_iter()
    .filter(|r| only.is_none_or(|s| s == r.student_id))
    .collect();
    if only.is_some() && rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let recent = crate::sms::repo::last_reminders(
        &app.db,
        ctx.now - chrono::Duration::days(REMIND_EVERY_DAYS),
    )
    .await?;
    let settings = crate::settings::sms_in(&app.db).await?;
    let school_name = app.settings.school(&app.db).await?.name;
    let (mut sent, mut skipped, mut no_phone, mut refused) = (0i64, 0i64, 0i64, 0i64);
    let mut tx = crate::db::begin_write(&app.db).await?;
    for r in &rows {
        if recent.contains_key(&r.student_id) {
            skipped += 1;
            continue;
        }
        let guardians: Vec<_> = school::guardians_of(&app.db, r.student_id)
            .await?
            .into_iter()
            .filter_map(|g| g.phone.clone().map(|p| (g, p)))
            .collect();
        if guardians.is_empty() {
            no_phone += 1;
            continue;
        }
        for (g, phone) in guardians {
            let locale = crate::school::repo::addressee(&mut *tx, g.user_id)
                .await?
                .map(|a| a.locale)
                .unwrap_or_default();
            let t = crate::i18n::Tr::new(
                app.i18n.clone(),
                crate::i18n::Locale::parse(&locale).unwrap_or_default(),
            );
            let args = serde_json::json!({
                "school": school_name,
                "child": r.first_name,
                "amount": t.xof(r.overdue),
                "since": t.date(&r.since),
                "code": settings.pay_code,
            });
            let key = if settings.pay_code.is_empty() {
                "reminder-sms"
            } else {
                "reminder-sms-code"
            };
            let body = t.tj(key, args);
            let m = crate::sms::Outgoing {
                user_id: Some(g.user_id),
                to: &phone,
                body: &body,
                purpose: "reminder",
                student_id: Some(r.student_id),
            };
            match crate::sms::queue(&mut tx, &app, &m, ctx.now).await? {
                Ok(_) => sent += 1,
                Err(_) => refused += 1,
            }
        }
    }
    if sent > 0 {
        crate::audit::record(
            &mut *tx,
            Some(u.id),
            "fee_reminder",
            &year.id.to_string(),
            "send",
            None,
            Some(&sent.to_string()),
            ctx.now,
        )
        .await?;
    }
    tx.commit().await?;
    let text = ctx.t.tj(
        "reminder-done",
        serde_json::json!({ "sent": sent, "recent": skipped, "nophone": no_phone, "refused": refused }),
    );
    ctx.flash_text("success", text).await?;
    Ok(crate::web::redirect(&back))
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

//! Fee settings, student accounts, the desk, receipts, arrears and the daily cash report.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;

use super::repo::{self, DiscountRow, FamilyBalance, FeeType, InvoiceLine, Receipt, StatementLine};
use super::{
    AmountXof, DISCOUNT_KINDS, DeskPayment, DiscountError, METHODS, PaymentError, ReverseError,
};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::school::{self, StudentRow, Year};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Routes of fees.
pub fn router() -> Router<AppState> {
    // The administration reads the accounts; the bursar and the director handle the money;
    // a family reads its own receipts (each checked against the student).
    let (admin, money) = (Rule::ADMIN, Rule::MONEY);
    Router::new()
        .route("/admin/frais", get(super::setup::settings).allow(admin))
        .route(
            "/admin/frais/types",
            post(super::setup::create_fee_type).allow(money),
        )
        .route(
            "/admin/frais/tranches",
            post(super::setup::create_tranche).allow(money),
        )
        .route(
            "/admin/frais/tranches/{id}/suppression",
            post(super::setup::delete_tranche).allow(money),
        )
        .route(
            "/admin/frais/facturation",
            post(super::setup::bill).allow(money),
        )
        .route("/admin/eleves/{id}/frais", get(account).allow(admin))
        .route("/admin/eleves/{id}/paiements", post(pay).allow(money))
        .route("/admin/eleves/{id}/remises", post(discount).allow(money))
        .route("/recus/{id}", get(receipt).allow(Rule::SignedIn))
        .route(
            "/recus/{id}/pdf",
            get(super::documents::pdf).allow(Rule::SignedIn),
        )
        .route(
            "/releves/eleves/{id}",
            get(super::documents::statement).allow(Rule::SignedIn),
        )
        // Whoever holds a printed receipt checks it from its QR code, signed in or not.
        .route(
            "/verifier/recus/{id}/{code}",
            get(super::documents::verify).allow(Rule::Public),
        )
        .route("/admin/recus/{id}/annulation", post(reverse).allow(money))
        .route("/admin/impayes", get(super::reports::arrears).allow(admin))
        .route(
            "/admin/impayes/relance",
            post(super::reports::remind).allow(money),
        )
        .route("/admin/caisse", get(super::reports::cash).allow(admin))
}

pub(super) fn money_handler(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_handle_money(u))?;
    Ok(u)
}

pub(crate) async fn year(app: &AppState) -> AppResult<Year> {
    school::current_year(&app.db)
        .await?
        .ok_or(AppError::BadRequest("error-no-current-year"))
}

// ---------------------------------------------------------------- a student's account

#[derive(Template)]
#[template(path = "fees/account.html")]
struct Account<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    invoices: Vec<InvoiceLine>,
    statement: Vec<(StatementLine, i64)>,
    receipts: Vec<Receipt>,
    discounts: Vec<DiscountRow>,
    family: Vec<FamilyBalance>,
    fee_types: Vec<FeeType>,
    balance: i64,
    today: NaiveDate,
    pay: PayForm,
    disc: DiscountForm,
    errors: FormErrors,
    can_handle: bool,
}

impl Account<'_> {
    fn family_total(&self) -> i64 {
        self.family.iter().map(|f| f.balance).sum()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
struct PayForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    payer: String,
    /// Made when the form is shown: the same form posted twice records one receipt.
    #[serde(default)]
    key: String,
    /// Empty when the form is sent: the payment is shown to be confirmed. "confirm" records
    /// it, "edit" goes back to the form as typed.
    #[serde(default)]
    step: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct DiscountForm {
    #[serde(default)]
    fee_type_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    percent: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

async fn account_page(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
    pay: PayForm,
    disc: DiscountForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let student = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut running = 0;
    let statement = repo::statement(&app.db, id)
        .await?
        .into_iter()
        .map(|l| {
            running += l.amount;
            (l, running)
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &Account {
            ctx,
            invoices: repo::invoices_of(&app.db, id).await?,
            statement,
            receipts: repo::receipts_of(&app.db, id).await?,
            discounts: repo::discounts_of(&app.db, id).await?,
            family: repo::family_of_student(&app.db, id).await?,
            fee_types: repo::fee_types(&app.db).await?,
            balance: repo::balance(&app.db, id).await?,
            today: ctx.today(),
            student,
            pay: PayForm {
                method: if pay.method.is_empty() {
                    "especes".into()
                } else {
                    pay.method
                },
                // A form shown again after an error keeps its key: it was not recorded.
                key: if pay.key.is_empty() {
                    crate::web::random_key()
                } else {
                    pay.key
                },
                ..pay
            },
            disc,
            errors,
            can_handle: authz::can_handle_money(u),
        },
    )
}

async fn account(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    account_page(
        &app,
        &ctx,
        id,
        PayForm::default(),
        DiscountForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn pay(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<PayForm>,
) -> AppResult<Response> {
    let u = money_handler(&ctx)?;
    school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let amount = AmountXof::parse(&f.amount)
        .map_err(|k| errors.add("amount", ctx.t.t(k)))
        .ok();
    let method = METHODS.iter().find(|m| **m == f.method).copied();
    if method.is_none() {
        errors.add("method", ctx.t.t("error-choose"));
    }
    let reference = domain::optional_text(&f.reference, 60).unwrap_or_else(|k| {
        errors.add("reference", ctx.t.t(k));
        None
    });
    if reference.is_none() && matches!(method, Some("cheque" | "virement" | "mobile_money")) {
        errors.add("reference", ctx.t.t("error-reference-required"));
    }
    let payer = domain::optional_text(&f.payer, 80).unwrap_or_else(|k| {
        errors.add("payer", ctx.t.t(k));
        None
    });
    let (Some(amount), Some(method), true) = (amount, method, errors.is_empty()) else {
        return account_page(&app, &ctx, id, f, DiscountForm::default(), errors).await;
    };
    let p = DeskPayment {
        student_id: id,
        amount,
        method,
        reference,
        payer,
        idempotency_key: Some(f.key.trim().to_string()).filter(|k| !k.is_empty() && k.len() <= 64),
    };
    match f.step.as_str() {
        "confirm" => {}
        "edit" => {
            return account_page(&app, &ctx, id, f, DiscountForm::default(), errors).await;
        }
        _ => return confirm_payment(&app, &ctx, f, &p).await,
    }
    match super::record_payment(&app.db, &p, u.id, ctx.now).await {
        Ok(pid) => {
            ctx.flash("success", "payment-recorded").await?;
            Ok(redirect(&format!("/recus/{pid}")))
        }
        Err(PaymentError::MoreThanOwed(owed)) => {
            errors.add(
                "amount",
                ctx.t.t1("error-more-than-owed", "owed", ctx.t.xof(owed)),
            );
            account_page(&app, &ctx, id, f, DiscountForm::default(), errors).await
        }
        Err(PaymentError::NothingOwed) => {
            errors.add("amount", ctx.t.t("error-nothing-owed"));
            account_page(&app, &ctx, id, f, DiscountForm::default(), errors).await
        }
        Err(PaymentError::NoYear) => Err(AppError::BadRequest("error-no-current-year")),
        Err(PaymentError::Db(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "fees/confirm_payment.html")]
struct ConfirmPayment<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    pay: PayForm,
    amount: i64,
    method: &'static str,
    payer: Option<String>,
    reference: Option<String>,
    /// The tranches it will settle, with what goes to each.
    shares: Vec<(InvoiceLine, i64)>,
    /// What the student will still owe.
    balance_after: i64,
}

impl ConfirmPayment<'_> {
    fn method_key(&self) -> String {
        format!("payment-method-{}", self.method)
    }
}

/// The step before a receipt that can never be edited: the amount in figures and in
/// words, who pays for whom and what it settles, then "Confirmer". Nothing is written; the
/// form's key goes on, so that confirming twice records one receipt.
async fn confirm_payment(
    app: &AppState,
    ctx: &Ctx,
    f: PayForm,
    p: &DeskPayment,
) -> AppResult<Response> {
    // This very form was already confirmed (sent again from the history): its receipt.
    if let Some(key) = &p.idempotency_key
        && let Some(pid) = repo::payment_by_key(&app.db, key).await?
    {
        return Ok(redirect(&format!("/recus/{pid}")));
    }
    let student = school::student(&app.db, p.student_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invoices = repo::invoices_of(&app.db, p.student_id).await?;
    let owed: Vec<super::calc::Owed> = invoices
        .iter()
        .map(|i| super::calc::Owed {
            invoice_id: i.id,
            due_on: i.due_on,
            remaining: i.remaining,
        })
        .collect();
    let total_owed: i64 = owed.iter().map(|o| o.remaining.max(0)).sum();
    let mut errors = FormErrors::default();
    let (shares, left) = super::calc::allocate(&owed, p.amount.get());
    if total_owed == 0 {
        errors.add("amount", ctx.t.t("error-nothing-owed"));
    } else if left > 0 {
        errors.add(
            "amount",
            ctx.t
                .t1("error-more-than-owed", "owed", ctx.t.xof(total_owed)),
        );
    }
    if !errors.is_empty() {
        return account_page(app, ctx, p.student_id, f, DiscountForm::default(), errors).await;
    }
    let shares = shares
        .into_iter()
        .filter_map(|(inv, share)| {
            invoices
                .iter()
                .find(|i| i.id == inv)
                .map(|i| (i.clone(), share))
        })
        .collect();
    html(&ConfirmPayment {
        ctx,
        student,
        amount: p.amount.get(),
        method: p.method,
        payer: p.payer.clone(),
        reference: p.reference.clone(),
        shares,
        balance_after: repo::balance(&app.db, p.student_id).await? - p.amount.get(),
        pay: f,
    })
}

async fn discount(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<DiscountForm>,
) -> AppResult<Response> {
    let u = money_handler(&ctx)?;
    school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let year = year(&app).await?;
    let mut errors = FormErrors::default();
    let types = repo::fee_types(&app.db).await?;
    let fee_type_id = f
        .fee_type_id
        .parse::<i64>()
        .ok()
        .filter(|t| types.iter().any(|x| x.id == *t));
    if fee_type_id.is_none() {
        errors.add("fee_type_id", ctx.t.t("error-choose"));
    }
    if !DISCOUNT_KINDS.contains(&f.kind.as_str()) {
        errors.add("kind", ctx.t.t("error-choose"));
    }
    let (percent, amount) = match (f.percent.trim(), f.amount.trim()) {
        (p, "") if !p.is_empty() => match p.trim_end_matches('%').trim().parse::<i64>() {
            Ok(p) if (1..=100).contains(&p) => (Some(p), None),
            _ => {
                errors.add("percent", ctx.t.t("error-percent"));
                (None, None)
            }
        },
        ("", a) if !a.is_empty() => match AmountXof::parse(a) {
            Ok(a) => (None, Some(a.get())),
            Err(k) => {
                errors.add("amount", ctx.t.t(k));
                (None, None)
            }
        },
        _ => {
            errors.add("percent", ctx.t.t("error-percent-or-amount"));
            (None, None)
        }
    };
    let reason = domain::optional_text(&f.reason, 200).unwrap_or_else(|k| {
        errors.add("reason", ctx.t.t(k));
        None
    });
    let (Some(fee_type_id), true) = (fee_type_id, errors.is_empty()) else {
        return account_page(&app, &ctx, id, PayForm::default(), f, errors).await;
    };
    let d = repo::NewDiscount {
        student_id: id,
        school_year_id: year.id,
        fee_type_id,
        kind: f.kind.clone(),
        percent,
        amount,
        reason,
        granted_by: u.id,
    };
    // What the discount would take off if nothing had been paid yet: a percentage cannot
    // reach money already paid, and the bursar must know what the family is owed back.
    let intended: i64 = match (percent, amount) {
        (Some(p), _) => repo::invoices_of(&app.db, id)
            .await?
            .iter()
            .filter(|i| i.fee_type_id == fee_type_id)
            .map(|i| i.amount * p / 100)
            .sum(),
        (_, Some(a)) => a,
        _ => 0,
    };
    match super::grant_discount(&app.db, &d, ctx.now).await {
        Ok((_, total)) => {
            let text = if total < intended {
                ctx.t.t2(
                    "discount-granted-capped",
                    "amount",
                    ctx.t.xof(total),
                    "rest",
                    ctx.t.xof(intended - total),
                )
            } else {
                ctx.t.t1("discount-granted", "amount", ctx.t.xof(total))
            };
            ctx.flash_text("success", text).await?;
            Ok(redirect(&format!("/admin/eleves/{id}/frais")))
        }
        Err(DiscountError::NothingToDiscount) => {
            errors.add("fee_type_id", ctx.t.t("error-nothing-to-discount"));
            account_page(&app, &ctx, id, PayForm::default(), f, errors).await
        }
        Err(DiscountError::Db(e)) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- receipts

#[derive(Template)]
#[template(path = "fees/receipt.html")]
struct ReceiptPage<'a> {
    ctx: &'a Ctx,
    r: Receipt,
    parties: super::documents::Parties,
    lines: Vec<repo::Allocation>,
    balance: i64,
    can_reverse: bool,
    /// The QR code of the verification page, as the PDF prints it (SVG, base64).
    qr: String,
}

async fn receipt(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    use base64::Engine;
    let r = super::documents::visible_receipt(&app, &ctx, id).await?;
    let u = ctx.user()?;
    let can_reverse =
        u.is_admin() && authz::can_handle_money(u) && r.amount > 0 && r.reversed_by_no.is_none();
    let url = super::documents::verification_url(&app, &r).await?;
    let qr = base64::engine::general_purpose::STANDARD.encode(crate::export::seal::qr_svg(&url)?);
    html(&ReceiptPage {
        ctx: &ctx,
        parties: super::documents::parties(&app.db, &ctx.t, &r).await?,
        lines: repo::allocations(&app.db, id).await?,
        balance: repo::balance(&app.db, r.student_id).await?,
        r,
        can_reverse,
        qr,
    })
}

#[derive(Deserialize)]
struct ReverseForm {
    #[serde(default)]
    reason: String,
}

async fn reverse(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<ReverseForm>,
) -> AppResult<Response> {
    let u = money_handler(&ctx)?;
    let reason = match domain::required_text(&f.reason, 200) {
        Ok(r) => r,
        Err(_) => {
            ctx.flash("error", "error-reversal-reason").await?;
            return Ok(redirect(&format!("/recus/{id}")));
        }
    };
    match super::reverse_payment(&app.db, id, &reason, u.id, ctx.now).await {
        Ok(rid) => {
            ctx.flash("success", "payment-reversed").await?;
            Ok(redirect(&format!("/recus/{rid}")))
        }
        Err(ReverseError::NotFound) => Err(AppError::NotFound),
        Err(ReverseError::AlreadyReversed) => {
            ctx.flash("error", "error-already-reversed").await?;
            Ok(redirect(&format!("/recus/{id}")))
        }
        Err(ReverseError::IsReversal) => {
            ctx.flash("error", "error-reversal-final").await?;
            Ok(redirect(&format!("/recus/{id}")))
        }
        Err(ReverseError::NoYear) => Err(AppError::BadRequest("error-no-current-year")),
        Err(ReverseError::Db(e)) => Err(e.into()),
    }
}

//! The fees' printed documents: the receipt as a PDF with a QR code that anyone can scan to
//! check the receipt at the school's public verification page, and that page itself.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use super::repo::{self, Receipt};
use crate::app::AppState;
use crate::authz;
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::export::{self, pdf::Asset, seal};
use crate::i18n::Tr;
use crate::web::{Ctx, PathId, html};

/// The code printed with a receipt: it proves the receipt came from the school, with this
/// number and this amount.
pub fn code(key: &[u8], r: &Receipt) -> String {
    seal::code(
        key,
        &format!("receipt:{}:{}:{}", r.id, r.receipt_no, r.amount),
    )
}

/// The public address that verifies a receipt.
pub async fn verification_url(app: &AppState, r: &Receipt) -> anyhow::Result<String> {
    let key = seal::key(&app.db).await?;
    Ok(format!(
        "{}/verifier/recus/{}/{}",
        app.config.public_url.trim_end_matches('/'),
        r.id,
        code(&key, r)
    ))
}

/// Who paid a receipt's money and who took it, as the receipt prints them (on screen, on
/// paper from the browser and in the PDF alike).
#[derive(Clone, Debug)]
pub struct Parties {
    /// "Versé par": the name typed at the desk, or the parent who paid by mobile money with
    /// the network and the number, masked.
    pub payer: Option<String>,
    /// The payment method, with the network and the reference.
    pub method: String,
    /// The label of the signature line: "Caissier", or "Encaissé par" for mobile money.
    pub received_label: String,
    /// The cashier's name, or "paiement mobile (Flooz)".
    pub received_by: Option<String>,
}

/// The parties of a receipt. Money that came by mobile money had no cashier: the receipt
/// says so, and names the parent rather than the number that paid.
pub async fn parties(db: &Pool, t: &Tr, r: &Receipt) -> Result<Parties, sqlx::Error> {
    let method = t.t(r.method_key());
    let with_reference = |m: String| match &r.reference {
        Some(rf) => format!("{m} · {rf}"),
        None => m,
    };
    match crate::mobile_money::origin_of_receipt(db, r.id).await? {
        Some(o) => {
            let network = t.t(o.network_key());
            Ok(Parties {
                payer: Some(t.t2(
                    "receipt-payer-momo",
                    "name",
                    o.parent(),
                    "phone",
                    format!("{network} {}", crate::domain::masked_phone(&o.phone)),
                )),
                method: with_reference(format!("{method} · {network}")),
                received_label: t.t("receipt-received-by"),
                received_by: Some(t.t1("receipt-received-momo", "network", network)),
            })
        }
        None => Ok(Parties {
            payer: r.payer.clone(),
            method: with_reference(method),
            received_label: t.t("cashier"),
            received_by: r.cashier.clone(),
        }),
    }
}

/// The data of the receipt template (documented in `export/typ/receipt.typ`).
pub fn data(
    t: &Tr,
    letterhead: &crate::export::Letterhead,
    r: &Receipt,
    parties: &Parties,
    lines: &[repo::Allocation],
    balance: i64,
    url: &str,
) -> Value {
    let sign = if r.is_reversal() { "−" } else { "" };
    json!({
        "lang": t.locale.code(),
        "letterhead": letterhead,
        "labels": {
            "title": t.t(if r.is_reversal() { "reversal-title" } else { "receipt-title" }),
            "number": t.t("receipt-no"),
            "student": t.t("student"),
            "class": t.t("class"),
            "payer": t.t("payer"),
            "method": t.t("payment-method"),
            "detail": t.t("detail"),
            "amount": t.t("amount"),
            "total": t.t("total"),
            "cashier": parties.received_label,
            "stamp": t.t("stamp"),
            "keep": t.t("receipt-keep"),
            "verify": t.t("receipt-verify-qr"),
            "colon": t.t("colon"),
            "school_copy": t.t("receipt-copy-school"),
            "family_copy": t.t("receipt-copy-family"),
            "cut": t.t("receipt-cut"),
        },
        "number": r.receipt_no,
        "date": t.datetime(&r.received_at),
        "student": format!("{} ({})", r.student(), r.matricule),
        "class": r.class_name.clone().unwrap_or_else(|| "—".into()),
        "payer": parties.payer,
        "method": parties.method,
        "lines": lines.iter().map(|l| json!({
            "label": format!("{} · {}", l.fee_type, l.label),
            "amount": format!("{sign}{}", t.xof(l.settled().abs())),
        })).collect::<Vec<_>>(),
        "total": format!("{sign}{}", t.xof(r.abs_amount())),
        "in_words": t.t2("receipt-in-words", "words", t.words(r.abs_amount()), "amount", t.int(r.abs_amount())),
        "balance": t.t1("balance-after", "amount", t.xof(balance)),
        "reversed": r.reversed_by_no.as_ref().map(|n| t.t1("receipt-reversed-by", "no", n)),
        "reverses": r.reverses_no.as_ref().map(|n| t.t1("receipt-reverses", "no", n)),
        "cashier": parties.received_by,
        "url": url,
    })
}

/// A receipt, for whoever may see the student's account (on screen or on paper).
pub(crate) async fn visible_receipt(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<Receipt> {
    let u = ctx.user()?;
    let r = repo::receipt(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_fees(&app.db, u, r.student_id).await?)?;
    Ok(r)
}

/// A receipt as a PDF, for whoever may see it on screen.
pub async fn pdf(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let r = visible_receipt(&app, &ctx, id).await?;
    let bytes = render(&app, &ctx.t, &r).await?;
    match bytes {
        Ok(b) => Ok(export::download(
            b,
            "application/pdf",
            &export::file_name(&format!("recu {}", r.receipt_no), "pdf"),
            true,
        )),
        Err(e) => export::broken_template(&ctx, &e),
    }
}

/// Renders a receipt with the school's layout (or Suku's).
pub async fn render(
    app: &AppState,
    t: &Tr,
    r: &Receipt,
) -> AppResult<Result<Vec<u8>, export::pdf::TemplateError>> {
    let lines = repo::allocations(&app.db, r.id).await?;
    let balance = repo::balance(&app.db, r.student_id).await?;
    let school = app.settings.school(&app.db).await?;
    let docs = crate::settings::documents(&app.db).await?;
    let logo = export::logo(&school).await;
    let letterhead = export::letterhead(t, &school, &docs, logo.is_some());
    let url = verification_url(app, r).await?;
    let parties = parties(&app.db, t, r).await?;
    let mut assets = vec![Asset {
        path: "/qr.svg".into(),
        bytes: seal::qr_svg(&url)?,
    }];
    assets.extend(logo.map(|bytes| Asset {
        path: "/logo".into(),
        bytes,
    }));
    let source = docs
        .receipt_source
        .unwrap_or_else(|| export::templates::RECEIPT.to_owned());
    export::render_pdf(
        source,
        data(t, &letterhead, r, &parties, &lines, balance, &url),
        assets,
    )
    .await
}

#[derive(Template)]
#[template(path = "fees/verify.html")]
struct VerifyPage<'a> {
    ctx: &'a Ctx,
    r: Option<Receipt>,
}

impl VerifyPage<'_> {
    /// The student's initials: enough to match the paper, no more to whoever scans it.
    fn initials(&self) -> String {
        self.r
            .as_ref()
            .map(|r| {
                [&r.first_name, &r.last_name]
                    .iter()
                    .filter_map(|n| n.chars().next())
                    .map(|c| format!("{}.", c.to_uppercase()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    }
}

/// The public page a receipt's QR code opens: it says whether the school issued this
/// receipt, its amount and date, and whether it was cancelled. No login.
pub async fn verify(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::extract::Path((id, given)): axum::extract::Path<(String, String)>,
) -> AppResult<Response> {
    let r = match id.parse::<i64>() {
        Ok(id) => repo::receipt(&app.db, id).await?,
        Err(_) => None,
    };
    let key = seal::key(&app.db).await?;
    // A wrong code says the same as no receipt: numbers cannot be probed.
    let r = r.filter(|r| seal::matches(&code(&key, r), &given));
    let found = r.is_some();
    let mut res = html(&VerifyPage { ctx: &ctx, r })?;
    if !found {
        *res.status_mut() = axum::http::StatusCode::NOT_FOUND;
    }
    Ok(res)
}

#[derive(serde::Deserialize)]
pub struct StatementQuery {
    /// "1": the whole family's accounts (the viewer's own children, for a parent).
    #[serde(default)]
    famille: String,
    #[serde(default)]
    format: String,
}

/// The statement of account of a student, or of their family: every ledger entry, debit,
/// credit and running balance, per child, with the family's total. A PDF by default.
pub async fn statement(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::extract::Query(q): axum::extract::Query<StatementQuery>,
) -> AppResult<Response> {
    use crate::export::{Cell, ExportQuery, Format, Table};
    let u = ctx.user()?;
    authz::require(authz::can_see_fees(&app.db, u, id).await?)?;
    let student = crate::school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let format = ExportQuery { format: q.format }
        .format()?
        .unwrap_or(Format::Pdf);
    // The family: for the administration every child sharing a guardian; for a parent,
    // only their own children.
    let mut children: Vec<(i64, String)> = vec![(student.id, student.list_name())];
    if q.famille == "1" {
        children.clear();
        for c in repo::family_of_student(&app.db, id).await? {
            if (u.is_admin() || crate::authz::is_guardian_of(&app.db, u, c.id).await?)
                && let Some(s) = crate::school::student(&app.db, c.id).await?
            {
                children.push((s.id, s.list_name()));
            }
        }
    }
    let t = &ctx.t;
    let family = children.len() > 1;
    let mut heads = vec![t.t("date")];
    if family {
        heads.push(t.t("student"));
    }
    heads.extend([
        t.t("entry"),
        t.t("detail"),
        t.t("debit"),
        t.t("credit"),
        t.t("balance"),
    ]);
    let title = if family {
        t.t("statement-family")
    } else {
        format!("{} · {}", t.t("statement"), student.list_name())
    };
    let mut table = Table::new(title, heads);
    let mut total = 0;
    for (child, name) in &children {
        let mut running = 0;
        for l in repo::statement(&app.db, *child).await? {
            running += l.amount;
            let mut row = vec![Cell::Date(l.at.date_naive())];
            if family {
                row.push(Cell::Text(name.clone()));
            }
            let detail = match (&l.what, &l.receipt_no) {
                (Some(w), Some(n)) => format!("{w} · {n}"),
                (Some(w), None) => w.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => String::new(),
            };
            row.extend([
                Cell::Text(t.t(l.kind_key())),
                Cell::Text(detail),
                if l.amount > 0 {
                    Cell::Xof(l.amount)
                } else {
                    Cell::Empty
                },
                if l.amount < 0 {
                    Cell::Xof(-l.amount)
                } else {
                    Cell::Empty
                },
                Cell::Xof(running),
            ]);
            table.push(row);
        }
        if family {
            let mut sub = vec![Cell::Empty; table.columns.len()];
            sub[1] = Cell::Text(t.t1("statement-balance-of", "name", name));
            if let Some(last) = sub.last_mut() {
                *last = Cell::Xof(running);
            }
            table.emphasized.push(table.rows.len());
            table.push(sub);
        }
        total += running;
    }
    let mut totals = vec![Cell::Empty; table.columns.len()];
    totals[0] = Cell::Text(t.t("balance-due"));
    if let Some(last) = totals.last_mut() {
        *last = Cell::Xof(total);
    }
    table.totals = Some(totals);
    table.subtitle = format!(
        "{}{}{}",
        t.t("statement-at"),
        t.t("colon"),
        t.date(&ctx.today())
    );
    let frame = export::frame(&ctx).await;
    export::send_table(table, format, &ctx, frame).await
}

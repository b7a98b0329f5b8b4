//! Fees and receipts: fee types and tranches per level, invoices written when a student is
//! enrolled, discounts, desk payments allocated to the oldest tranche first, numbered
//! receipts corrected only by reversing receipts, arrears and the daily cash report.
//!
//! Money is integer XOF on an append-only ledger (`ledger_entries`, guarded by triggers):
//! an invoice adds what is owed, a discount or a payment takes it off, a reversal puts it
//! back. Every balance on every screen is a sum of those entries.

use crate::events::{InvoiceCreated, PaymentMade, SchoolEvent};
use chrono::{DateTime, Utc};

use crate::db::{Pool, Tx};

pub mod calc;
pub mod documents;
pub mod repo;
pub mod reports;
pub mod routes;
mod setup;

pub use calc::{AmountXof, Discount};
pub use routes::router;

/// Payment methods at the desk.
pub const METHODS: [&str; 4] = ["especes", "cheque", "virement", "mobile_money"];

pub const DISCOUNT_KINDS: [&str; 4] = ["fratrie", "personnel", "bourse", "autre"];

/// Bills what enrolled students of `year_id` owe and have not been billed yet (for one
/// student, one level, or everyone), applies their percentage discounts to the new
/// invoices, and publishes an `invoice.created` event for each. Runs in the caller's
/// transaction, so enrolling and billing commit together.
pub async fn bill_missing(
    tx: &mut Tx<'_>,
    year_id: i64,
    student_id: Option<i64>,
    level_id: Option<i64>,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    bill_missing_at(tx, year_id, student_id, level_id, by, at).await
}

/// [`bill_missing`], dated `at` (the demo's history is billed at the start of the year).
pub async fn bill_missing_at(
    tx: &mut Tx<'_>,
    year_id: i64,
    student_id: Option<i64>,
    level_id: Option<i64>,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let invoices =
        repo::insert_missing_invoices(&mut **tx, year_id, student_id, level_id, at).await?;
    for inv in &invoices {
        repo::append(
            &mut **tx,
            &repo::Entry {
                student_id: inv.student_id,
                kind: "invoice",
                amount: inv.amount,
                invoice_id: Some(inv.id),
                by,
                at: Some(at),
                ..Default::default()
            },
            at,
        )
        .await?;
        crate::events::publish(
            &mut **tx,
            &SchoolEvent::InvoiceCreated(InvoiceCreated {
                invoice_id: inv.id,
                student_id: inv.student_id,
                amount: inv.amount,
            }),
            by,
            at,
        )
        .await?;
    }
    // A percentage discount granted earlier also holds for tranches billed later.
    let mut students: Vec<i64> = invoices.iter().map(|i| i.student_id).collect();
    students.dedup();
    for s in students {
        for d in repo::discounts_of(&mut **tx, s).await? {
            if let Some(p) = d.percent {
                let fresh: Vec<i64> = invoices
                    .iter()
                    .filter(|i| i.student_id == s)
                    .map(|i| i.id)
                    .collect();
                apply_discount(
                    tx,
                    s,
                    d.id,
                    d.fee_type_id,
                    Discount::Percent(p),
                    Some(&fresh),
                    by,
                    at,
                )
                .await?;
            }
        }
    }
    Ok(invoices.len())
}

/// Writes the ledger entries of a discount over the student's invoices of that fee type
/// (or only over `only`). Returns the total taken off.
#[allow(clippy::too_many_arguments)]
async fn apply_discount(
    tx: &mut Tx<'_>,
    student_id: i64,
    discount_id: i64,
    fee_type_id: i64,
    discount: Discount,
    only: Option<&[i64]>,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let lines: Vec<(calc::Owed, i64)> = repo::invoices_of(&mut **tx, student_id)
        .await?
        .into_iter()
        .filter(|i| i.fee_type_id == fee_type_id && only.is_none_or(|o| o.contains(&i.id)))
        .map(|i| {
            (
                calc::Owed {
                    invoice_id: i.id,
                    due_on: i.due_on,
                    remaining: i.remaining,
                },
                i.amount,
            )
        })
        .collect();
    let mut total = 0;
    for (invoice_id, share) in calc::discount_shares(discount, &lines) {
        repo::append(
            &mut **tx,
            &repo::Entry {
                student_id,
                kind: "discount",
                amount: -share,
                invoice_id: Some(invoice_id),
                discount_id: Some(discount_id),
                by,
                ..Default::default()
            },
            at,
        )
        .await?;
        total += share;
    }
    Ok(total)
}

/// Why a discount was not granted.
#[derive(Debug, thiserror::Error)]
pub enum DiscountError {
    /// The student owes nothing of that fee type.
    #[error("nothing to discount")]
    NothingToDiscount,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Grants a discount and applies it to what the student owes of that fee type, in one
/// transaction with its audit line. Returns the discount id and the total taken off.
pub async fn grant_discount(
    db: &Pool,
    d: &repo::NewDiscount,
    at: DateTime<Utc>,
) -> Result<(i64, i64), DiscountError> {
    let discount = match (d.percent, d.amount) {
        (Some(p), _) => Discount::Percent(p),
        (None, Some(a)) => Discount::Amount(a),
        (None, None) => return Err(DiscountError::NothingToDiscount),
    };
    let mut tx = crate::db::begin_write(db).await?;
    let (id, total) = grant_discount_in(&mut tx, d, discount, at).await?;
    tx.commit().await?;
    Ok((id, total))
}

/// [`grant_discount`] inside the caller's transaction.
pub async fn grant_discount_in(
    tx: &mut Tx<'_>,
    d: &repo::NewDiscount,
    discount: Discount,
    at: DateTime<Utc>,
) -> Result<(i64, i64), DiscountError> {
    let id = repo::insert_discount(&mut **tx, d, at).await?;
    let total = apply_discount(
        tx,
        d.student_id,
        id,
        d.fee_type_id,
        discount,
        None,
        Some(d.granted_by),
        at,
    )
    .await?;
    if total == 0 {
        return Err(DiscountError::NothingToDiscount);
    }
    crate::audit::record(
        &mut **tx,
        Some(d.granted_by),
        "fee",
        &d.student_id.to_string(),
        "discount",
        None,
        Some(&format!("{} {}", d.kind, total)),
        at,
    )
    .await?;
    Ok((id, total))
}

/// A payment as typed at the desk, validated.
#[derive(Clone, Debug)]
pub struct DeskPayment {
    pub student_id: i64,
    /// XOF.
    pub amount: AmountXof,
    /// One of [`METHODS`].
    pub method: &'static str,
    /// Cheque number, transfer or mobile money reference.
    pub reference: Option<String>,
    /// Who brought the money.
    pub payer: Option<String>,
    /// The key of the form it came from: posting that form again gives the same receipt.
    pub idempotency_key: Option<String>,
}

/// Why a payment was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// There is no current school year to number receipts in.
    #[error("no current year")]
    NoYear,
    /// The student owes nothing.
    #[error("nothing owed")]
    NothingOwed,
    /// The amount is more than the student owes (in XOF).
    #[error("more than owed")]
    MoreThanOwed(i64),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn receipt_label(year_label: &str, n: i64) -> String {
    // "2026-2027" gives "R2026-000123".
    let start = year_label.split('-').next().unwrap_or(year_label);
    format!("R{start}-{n:06}")
}

/// Records a payment: takes the next receipt number, allocates the amount to the oldest
/// unpaid tranches, and writes the ledger entries, a `payment.recorded` event and an audit
/// line, all in one transaction. Returns the payment (receipt) id.
pub async fn record_payment(
    db: &Pool,
    p: &DeskPayment,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, PaymentError> {
    // Read before the transaction: on SQLite its first statement must be the write below.
    let year = crate::school::current_year(db)
        .await?
        .ok_or(PaymentError::NoYear)?;
    let mut tx = crate::db::begin_write(db).await?;
    let id = match record_payment_in(&mut tx, &year, p, Some(by), at).await {
        Ok(id) => id,
        // The same form posted twice at once (PostgreSQL lets both start): the second
        // finds the first's receipt.
        Err(PaymentError::Db(e)) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            if let Some(key) = &p.idempotency_key
                && let Some(id) = repo::payment_by_key(db, key).await?
            {
                return Ok(id);
            }
            return Err(PaymentError::Db(e));
        }
        Err(e) => return Err(e),
    };
    tx.commit().await?;
    Ok(id)
}

/// [`record_payment`] inside the caller's transaction, numbered in `year`, received at `at`.
pub async fn record_payment_in(
    tx: &mut Tx<'_>,
    year: &crate::school::Year,
    p: &DeskPayment,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, PaymentError> {
    if let Some(key) = &p.idempotency_key
        && let Some(id) = repo::payment_by_key(&mut **tx, key).await?
    {
        return Ok(id);
    }
    // First write of the transaction: it queues concurrent payments (see next_receipt_no).
    let n = repo::next_receipt_no(&mut **tx, year.id).await?;
    let owed: Vec<calc::Owed> = repo::invoices_of(&mut **tx, p.student_id)
        .await?
        .into_iter()
        .map(|i| calc::Owed {
            invoice_id: i.id,
            due_on: i.due_on,
            remaining: i.remaining,
        })
        .collect();
    let total_owed: i64 = owed.iter().map(|o| o.remaining.max(0)).sum();
    if total_owed == 0 {
        return Err(PaymentError::NothingOwed);
    }
    let (shares, left) = calc::allocate(&owed, p.amount.get());
    if left > 0 {
        return Err(PaymentError::MoreThanOwed(total_owed));
    }
    let receipt_no = receipt_label(&year.label, n);
    let id = repo::insert_payment(
        &mut **tx,
        &repo::NewPayment {
            receipt_no: receipt_no.clone(),
            student_id: p.student_id,
            amount: p.amount.get(),
            method: p.method.to_string(),
            reference: p.reference.clone(),
            payer: p.payer.clone(),
            note: None,
            reverses_id: None,
            received_by: by,
            received_at: at,
            idempotency_key: p.idempotency_key.clone(),
        },
    )
    .await?;
    for (invoice_id, share) in shares {
        repo::append(
            &mut **tx,
            &repo::Entry {
                student_id: p.student_id,
                kind: "payment",
                amount: -share,
                invoice_id: Some(invoice_id),
                payment_id: Some(id),
                by,
                at: Some(at),
                ..Default::default()
            },
            at,
        )
        .await?;
    }
    crate::events::publish(
        &mut **tx,
        &SchoolEvent::PaymentRecorded(PaymentMade {
            payment_id: id,
            receipt_no: receipt_no.clone(),
            student_id: p.student_id,
            amount: p.amount.get(),
            method: p.method.to_string(),
        }),
        by,
        at,
    )
    .await?;
    crate::audit::record(
        &mut **tx,
        by,
        "payment",
        &receipt_no,
        "create",
        None,
        Some(&format!("{} {}", p.amount.get(), p.method)),
        at,
    )
    .await?;
    Ok(id)
}

/// Why a receipt was not reversed.
#[derive(Debug, thiserror::Error)]
pub enum ReverseError {
    /// No such receipt.
    #[error("not found")]
    NotFound,
    /// It is already reversed.
    #[error("already reversed")]
    AlreadyReversed,
    /// It is itself a reversal.
    #[error("a reversal")]
    IsReversal,
    /// There is no current year.
    #[error("no current year")]
    NoYear,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Cancels a receipt by a reversing receipt of the opposite amount, which puts back on
/// each invoice what the original settled. The original stays as it was, marked by the
/// link. Returns the reversing receipt's id.
pub async fn reverse_payment(
    db: &Pool,
    payment_id: i64,
    reason: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, ReverseError> {
    let year = crate::school::current_year(db)
        .await?
        .ok_or(ReverseError::NoYear)?;
    let (year_id, year_label) = (year.id, year.label);
    let mut tx = crate::db::begin_write(db).await?;
    let n = repo::next_receipt_no(&mut *tx, year_id).await?;
    let (student_id, amount, reversed_by) = repo::payment_head(&mut *tx, payment_id)
        .await?
        .ok_or(ReverseError::NotFound)?;
    if amount < 0 {
        return Err(ReverseError::IsReversal);
    }
    if reversed_by.is_some() {
        return Err(ReverseError::AlreadyReversed);
    }
    let original = repo::receipt(&mut *tx, payment_id)
        .await?
        .ok_or(ReverseError::NotFound)?;
    let receipt_no = receipt_label(&year_label, n);
    let id = match repo::insert_payment(
        &mut *tx,
        &repo::NewPayment {
            receipt_no: receipt_no.clone(),
            student_id,
            amount: -amount,
            method: original.method.clone(),
            reference: original.reference.clone(),
            payer: original.payer.clone(),
            note: Some(reason.to_string()),
            reverses_id: Some(payment_id),
            received_by: Some(by),
            received_at: at,
            idempotency_key: None,
        },
    )
    .await
    {
        Ok(id) => id,
        // Two reversals at once: the unique link lets only one through.
        Err(e) if crate::db::is_unique_violation(&e) => return Err(ReverseError::AlreadyReversed),
        Err(e) => return Err(e.into()),
    };
    for a in repo::allocations(&mut *tx, payment_id).await? {
        repo::append(
            &mut *tx,
            &repo::Entry {
                student_id,
                kind: "reversal",
                amount: -a.amount,
                invoice_id: Some(a.invoice_id),
                payment_id: Some(id),
                by: Some(by),
                ..Default::default()
            },
            at,
        )
        .await?;
    }
    crate::events::publish(
        &mut *tx,
        &SchoolEvent::PaymentReversed(PaymentMade {
            payment_id: id,
            receipt_no: receipt_no.clone(),
            student_id,
            amount: -amount,
            method: original.method.clone(),
        }),
        Some(by),
        at,
    )
    .await?;
    crate::audit::record(
        &mut *tx,
        Some(by),
        "payment",
        &original.receipt_no,
        "reverse",
        Some(&amount.to_string()),
        Some(&format!("{receipt_no}: {reason}")),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn receipt_numbers() {
        assert_eq!(super::receipt_label("2026-2027", 123), "R2026-000123");
    }
}

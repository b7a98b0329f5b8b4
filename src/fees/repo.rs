//! SQL of fees: fee types, tranches, invoices, discounts, payments and the ledger.
//! Balances are always sums of ledger entries; nothing here updates or deletes a money row.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

mod reports;
pub use reports::*;

/// A kind of fee (scolarité, APE, inscription…).
#[derive(Clone, Debug, FromRow)]
pub struct FeeType {
    pub id: i64,
    /// Stable code.
    pub code: String,
    /// Name as printed on invoices and receipts.
    pub name: String,
}

/// All fee types.
pub async fn fee_types(db: &Pool) -> Result<Vec<FeeType>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name FROM fee_types ORDER BY id")
        .fetch_all(db)
        .await
}

/// Adds a fee type.
pub async fn insert_fee_type<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    code: &str,
    name: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO fee_types (code, name) VALUES ($1, $2) RETURNING id")
            .bind(code)
            .bind(name)
            .fetch_one(db)
            .await?;
    Ok(id)
}

/// A tranche of a level's fees for a year.
#[derive(Clone, Debug, FromRow)]
pub struct Tranche {
    pub id: i64,
    pub level_id: i64,
    pub level_name: String,
    /// The fee type.
    pub fee_type_id: i64,
    pub fee_type: String,
    /// "1re tranche".
    pub label: String,
    /// XOF.
    pub amount: i64,
    pub due_on: NaiveDate,
    /// Students billed for it.
    pub invoiced: i64,
}

/// The tranches of a year, by level then due date.
pub async fn tranches(db: &Pool, year_id: i64) -> Result<Vec<Tranche>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.level_id, l.name AS level_name, t.fee_type_id, f.name AS fee_type, t.label, t.amount, t.due_on, \
         (SELECT COUNT(*) FROM invoices i WHERE i.tranche_id = t.id) AS invoiced \
         FROM fee_tranches t JOIN levels l ON l.id = t.level_id JOIN fee_types f ON f.id = t.fee_type_id \
         WHERE t.school_year_id = $1 ORDER BY l.ordinal, t.due_on, t.id",
    )
    .bind(year_id)
    .fetch_all(db)
    .await
}

/// A new tranche.
#[derive(Clone, Debug)]
pub struct NewTranche {
    pub school_year_id: i64,
    pub level_id: i64,
    pub fee_type_id: i64,
    pub label: String,
    /// XOF.
    pub amount: i64,
    pub due_on: NaiveDate,
}

/// Adds a tranche.
pub async fn insert_tranche<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    t: &NewTranche,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO fee_tranches (school_year_id, level_id, fee_type_id, label, amount, due_on) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(t.school_year_id)
    .bind(t.level_id)
    .bind(t.fee_type_id)
    .bind(&t.label)
    .bind(t.amount)
    .bind(t.due_on)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Deletes a tranche nobody has been billed for yet; returns the rows deleted.
pub async fn delete_unbilled_tranche(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "DELETE FROM fee_tranches WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tranche_id = $1)",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// An invoice just written.
#[derive(Clone, Debug, FromRow)]
pub struct NewInvoice {
    pub id: i64,
    pub student_id: i64,
    pub tranche_id: i64,
    /// XOF.
    pub amount: i64,
}

/// Bills every tranche of their level that enrolled students of `year_id` have not been
/// billed for yet, optionally for one student or one level. Returns the invoices written.
pub async fn insert_missing_invoices<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    year_id: i64,
    student_id: Option<i64>,
    level_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<Vec<NewInvoice>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO invoices (student_id, tranche_id, amount, due_on, created_at) \
         SELECT e.student_id, t.id, t.amount, t.due_on, $4 FROM enrollments e \
         JOIN classes c ON c.id = e.class_id \
         JOIN fee_tranches t ON t.level_id = c.level_id AND t.school_year_id = e.school_year_id \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         WHERE e.school_year_id = $1 AND ($2 IS NULL OR e.student_id = $2) AND ($3 IS NULL OR c.level_id = $3) \
         AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.student_id = e.student_id AND i.tranche_id = t.id) \
         ORDER BY e.student_id, t.due_on, t.id \
         RETURNING id, student_id, tranche_id, amount",
    )
    .bind(year_id)
    .bind(student_id)
    .bind(level_id)
    .bind(at)
    .fetch_all(db)
    .await
}

/// One line of the append-only ledger, to be written.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// Student whose account it is.
    pub student_id: i64,
    /// invoice, discount, payment or reversal.
    pub kind: &'static str,
    /// Positive: owed; negative: paid or forgiven.
    pub amount: i64,
    /// The invoice it concerns.
    pub invoice_id: Option<i64>,
    /// The payment (receipt) it comes from.
    pub payment_id: Option<i64>,
    /// The discount it comes from.
    pub discount_id: Option<i64>,
    /// Who wrote it.
    pub by: Option<i64>,
    /// When, if not now (demo history).
    pub at: Option<DateTime<Utc>>,
}

/// Appends a ledger entry.
pub async fn append<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    e: &Entry,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ledger_entries (student_id, kind, amount, invoice_id, payment_id, discount_id, at, by_user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.student_id)
    .bind(e.kind)
    .bind(e.amount)
    .bind(e.invoice_id)
    .bind(e.payment_id)
    .bind(e.discount_id)
    .bind(e.at.unwrap_or(now))
    .bind(e.by)
    .execute(db)
    .await?;
    Ok(())
}

/// An invoice with what remains to pay on it.
#[derive(Clone, Debug, FromRow)]
pub struct InvoiceLine {
    pub id: i64,
    /// Fee type id.
    pub fee_type_id: i64,
    /// Fee type name.
    pub fee_type: String,
    pub label: String,
    pub year: String,
    pub due_on: NaiveDate,
    pub amount: i64,
    /// Forgiven by discounts.
    pub discounted: i64,
    /// Still to pay (the sum of the invoice's ledger entries).
    pub remaining: i64,
}

impl InvoiceLine {
    /// Paid so far, net of reversals.
    pub fn paid(&self) -> i64 {
        self.amount - self.discounted - self.remaining
    }

    /// Unpaid and past its due date on `today`.
    pub fn overdue(&self, today: &NaiveDate) -> bool {
        self.remaining > 0 && self.due_on < *today
    }
}

/// A student's invoices, oldest due first.
pub async fn invoices_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
) -> Result<Vec<InvoiceLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, t.fee_type_id, f.name AS fee_type, t.label, y.label AS year, i.due_on, i.amount, \
         CAST(COALESCE((SELECT -SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id AND l.kind = 'discount'), 0) AS BIGINT) AS discounted, \
         CAST(COALESCE((SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id), 0) AS BIGINT) AS remaining \
         FROM invoices i JOIN fee_tranches t ON t.id = i.tranche_id JOIN fee_types f ON f.id = t.fee_type_id \
         JOIN school_years y ON y.id = t.school_year_id \
         WHERE i.student_id = $1 ORDER BY i.due_on, i.id",
    )
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// The balance of a student's account: what the family owes (negative: in credit).
pub async fn balance<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
) -> Result<i64, sqlx::Error> {
    let (b,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE student_id = $1",
    )
    .bind(student_id)
    .fetch_one(db)
    .await?;
    Ok(b)
}

/// Takes the next receipt number of a year. Being the first write of a payment, it also
/// queues concurrent payments behind one another (a row lock on PostgreSQL, the write lock
/// on SQLite), so each one allocates against amounts the previous one has settled.
pub async fn next_receipt_no<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    year_id: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO receipt_counters (school_year_id, last_no) VALUES ($1, 1) \
         ON CONFLICT (school_year_id) DO UPDATE SET last_no = receipt_counters.last_no + 1 RETURNING last_no",
    )
    .bind(year_id)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// A payment to write.
#[derive(Clone, Debug)]
pub struct NewPayment {
    /// Receipt number as printed.
    pub receipt_no: String,
    pub student_id: i64,
    /// XOF, negative for a reversal.
    pub amount: i64,
    /// especes, cheque, virement, mobile_money.
    pub method: String,
    /// Cheque number, transfer or mobile money reference.
    pub reference: Option<String>,
    /// Who brought the money.
    pub payer: Option<String>,
    /// A note (the reason of a reversal).
    pub note: Option<String>,
    /// The payment this one cancels.
    pub reverses_id: Option<i64>,
    pub received_by: Option<i64>,
    /// When the money was received.
    pub received_at: DateTime<Utc>,
    /// The key of the form it came from, if any: one receipt per form.
    pub idempotency_key: Option<String>,
}

/// The payment recorded from the form of key `key`, if any.
pub async fn payment_by_key<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM payments WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Writes a payment.
pub async fn insert_payment<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    p: &NewPayment,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payments (receipt_no, student_id, amount, method, reference, payer, note, reverses_id, received_by, received_at, idempotency_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(&p.receipt_no)
    .bind(p.student_id)
    .bind(p.amount)
    .bind(&p.method)
    .bind(&p.reference)
    .bind(&p.payer)
    .bind(&p.note)
    .bind(p.reverses_id)
    .bind(p.received_by)
    .bind(p.received_at)
    .bind(&p.idempotency_key)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A receipt as printed and listed.
#[derive(Clone, Debug, FromRow)]
pub struct Receipt {
    pub id: i64,
    /// "R2026-000123".
    pub receipt_no: String,
    pub student_id: i64,
    /// Student's surname.
    pub last_name: String,
    /// Student's given names.
    pub first_name: String,
    pub matricule: String,
    /// Class at the time of printing.
    pub class_name: Option<String>,
    /// XOF; negative for a reversal.
    pub amount: i64,
    /// Payment method code.
    pub method: String,
    pub reference: Option<String>,
    pub payer: Option<String>,
    pub note: Option<String>,
    /// The receipt this one cancels.
    pub reverses_no: Option<String>,
    /// The receipt that cancels this one.
    pub reversed_by_no: Option<String>,
    /// The cashier's name.
    pub cashier: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl Receipt {
    /// "NOM Prénoms", as school lists write names.
    pub fn student(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }

    /// The catalog key of the method.
    pub fn method_key(&self) -> String {
        format!("payment-method-{}", self.method)
    }

    /// The amount without its sign.
    pub fn abs_amount(&self) -> i64 {
        self.amount.abs()
    }

    /// A reversing receipt.
    pub fn is_reversal(&self) -> bool {
        self.amount < 0
    }
}

const RECEIPT_SELECT: &str = "SELECT p.id, p.receipt_no, p.student_id, s.last_name, s.first_name, s.matricule, \
    (SELECT c.name FROM enrollments e JOIN classes c ON c.id = e.class_id JOIN school_years y ON y.id = e.school_year_id \
       WHERE e.student_id = s.id ORDER BY y.starts_on DESC LIMIT 1) AS class_name, \
    p.amount, p.method, p.reference, p.payer, p.note, \
    (SELECT o.receipt_no FROM payments o WHERE o.id = p.reverses_id) AS reverses_no, \
    (SELECT r.receipt_no FROM payments r WHERE r.reverses_id = p.id) AS reversed_by_no, \
    (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = p.received_by) AS cashier, p.received_at \
    FROM payments p JOIN students s ON s.id = p.student_id";

pub async fn receipt<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<Receipt>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{RECEIPT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A student's receipts, newest first.
pub async fn receipts_of(db: &Pool, student_id: i64) -> Result<Vec<Receipt>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{RECEIPT_SELECT} WHERE p.student_id = $1 ORDER BY p.id DESC"
    ))
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// Receipts written in `[from, to)`, in order.
pub async fn receipts_between(
    db: &Pool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Receipt>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{RECEIPT_SELECT} WHERE p.received_at >= $1 AND p.received_at < $2 ORDER BY p.id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// What a payment settled, invoice by invoice.
#[derive(Clone, Debug, FromRow)]
pub struct Allocation {
    pub invoice_id: i64,
    pub fee_type: String,
    pub label: String,
    /// XOF, negative (paid) in the ledger's sign.
    pub amount: i64,
}

impl Allocation {
    /// The amount settled, positive.
    pub fn settled(&self) -> i64 {
        -self.amount
    }
}

/// The ledger entries a payment wrote.
pub async fn allocations<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    payment_id: i64,
) -> Result<Vec<Allocation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.invoice_id, f.name AS fee_type, t.label, l.amount FROM ledger_entries l \
         JOIN invoices i ON i.id = l.invoice_id JOIN fee_tranches t ON t.id = i.tranche_id \
         JOIN fee_types f ON f.id = t.fee_type_id WHERE l.payment_id = $1 ORDER BY l.id",
    )
    .bind(payment_id)
    .fetch_all(db)
    .await
}

/// A payment's student and amount, read inside a transaction.
pub async fn payment_head<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<(i64, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.student_id, p.amount, (SELECT r.id FROM payments r WHERE r.reverses_id = p.id) FROM payments p WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// A discount to write.
#[derive(Clone, Debug)]
pub struct NewDiscount {
    pub student_id: i64,
    pub school_year_id: i64,
    pub fee_type_id: i64,
    /// fratrie, personnel, bourse, autre.
    pub kind: String,
    /// Percentage, or…
    pub percent: Option<i64>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
    /// Who granted it.
    pub granted_by: i64,
}

/// Writes a discount.
pub async fn insert_discount<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    d: &NewDiscount,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO discounts (student_id, school_year_id, fee_type_id, kind, percent, amount, reason, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(d.student_id)
    .bind(d.school_year_id)
    .bind(d.fee_type_id)
    .bind(&d.kind)
    .bind(d.percent)
    .bind(d.amount)
    .bind(&d.reason)
    .bind(d.granted_by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A discount as listed.
#[derive(Clone, Debug, FromRow)]
pub struct DiscountRow {
    pub id: i64,
    /// Fee type id.
    pub fee_type_id: i64,
    pub fee_type: String,
    pub kind: String,
    /// Percentage.
    pub percent: Option<i64>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
    /// What it has taken off invoices so far.
    pub applied: i64,
}

impl DiscountRow {
    /// The catalog key of the kind.
    pub fn kind_key(&self) -> String {
        format!("discount-kind-{}", self.kind)
    }
}

/// A student's discounts.
pub async fn discounts_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
) -> Result<Vec<DiscountRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.fee_type_id, f.name AS fee_type, d.kind, d.percent, d.amount, d.reason, \
         CAST(COALESCE((SELECT -SUM(l.amount) FROM ledger_entries l WHERE l.discount_id = d.id), 0) AS BIGINT) AS applied \
         FROM discounts d JOIN fee_types f ON f.id = d.fee_type_id WHERE d.student_id = $1 ORDER BY d.id",
    )
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// A line of a student's statement.
#[derive(Clone, Debug, FromRow)]
pub struct StatementLine {
    pub at: DateTime<Utc>,
    /// invoice, discount, payment, reversal.
    pub kind: String,
    /// Signed XOF.
    pub amount: i64,
    /// Fee type and tranche, when the entry concerns an invoice.
    pub what: Option<String>,
    /// Receipt number, for payments and reversals.
    pub receipt_no: Option<String>,
    /// The receipt id.
    pub payment_id: Option<i64>,
}

impl StatementLine {
    /// The catalog key of the kind.
    pub fn kind_key(&self) -> String {
        format!("ledger-kind-{}", self.kind)
    }
}

/// A student's ledger, oldest first.
pub async fn statement(db: &Pool, student_id: i64) -> Result<Vec<StatementLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.at, l.kind, l.amount, \
         (SELECT f.name || ' · ' || t.label FROM invoices i JOIN fee_tranches t ON t.id = i.tranche_id \
            JOIN fee_types f ON f.id = t.fee_type_id WHERE i.id = l.invoice_id) AS what, \
         (SELECT p.receipt_no FROM payments p WHERE p.id = l.payment_id) AS receipt_no, l.payment_id \
         FROM ledger_entries l WHERE l.student_id = $1 ORDER BY l.at, l.id",
    )
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// A student of a family with their balance.
#[derive(Clone, Debug, FromRow)]
pub struct FamilyBalance {
    pub id: i64,
    pub name: String,
    pub balance: i64,
}

/// The balances of every child of a guardian.
pub async fn guardian_balances(
    db: &Pool,
    guardian: i64,
) -> Result<Vec<FamilyBalance>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.first_name || ' ' || s.last_name AS name, \
         CAST(COALESCE((SELECT SUM(l.amount) FROM ledger_entries l WHERE l.student_id = s.id), 0) AS BIGINT) AS balance \
         FROM student_guardians g JOIN students s ON s.id = g.student_id WHERE g.user_id = $1 ORDER BY s.birth_date, s.id",
    )
    .bind(guardian)
    .fetch_all(db)
    .await
}

/// The balances of a student and of the students who share a guardian with them.
pub async fn family_of_student(
    db: &Pool,
    student_id: i64,
) -> Result<Vec<FamilyBalance>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.first_name || ' ' || s.last_name AS name, \
         CAST(COALESCE((SELECT SUM(l.amount) FROM ledger_entries l WHERE l.student_id = s.id), 0) AS BIGINT) AS balance \
         FROM students s WHERE s.id = $1 OR s.id IN (SELECT g2.student_id FROM student_guardians g1 \
           JOIN student_guardians g2 ON g2.user_id = g1.user_id WHERE g1.student_id = $1) \
         ORDER BY s.birth_date, s.id",
    )
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// Copies year `from`'s fee tranches to year `to`, each due date moved by `later`.
pub async fn copy_tranches(
    tx: &mut crate::db::Tx<'_>,
    from: i64,
    to: i64,
    later: fn(NaiveDate) -> NaiveDate,
) -> Result<(), sqlx::Error> {
    let tranches: Vec<(i64, i64, String, i64, NaiveDate)> = sqlx::query_as(
        "SELECT level_id, fee_type_id, label, amount, due_on FROM fee_tranches WHERE school_year_id = $1",
    )
    .bind(from)
    .fetch_all(&mut **tx)
    .await?;
    for (level, fee_type, tranche, amount, due) in tranches {
        sqlx::query(
            "INSERT INTO fee_tranches (school_year_id, level_id, fee_type_id, label, amount, due_on) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(to)
        .bind(level)
        .bind(fee_type)
        .bind(tranche)
        .bind(amount)
        .bind(later(due))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Who hears of a payment.
#[derive(Clone, Debug)]
pub struct PaymentAudience {
    /// The student's first name.
    pub student: String,
    pub guardians: Vec<crate::school::repo::Concerned>,
    /// The active bursars, for money that came in without them (mobile money); else empty.
    pub bursars: Vec<i64>,
}

/// The audience of a payment for `student_id` made by `method`.
pub async fn payment_audience(
    conn: &mut <Db as sqlx::Database>::Connection,
    student_id: i64,
    method: &str,
) -> Result<PaymentAudience, sqlx::Error> {
    use crate::school::repo as school;
    let guardians = school::guardians_concerned(&mut *conn, student_id).await?;
    let student = school::student_first_name(&mut *conn, student_id).await?;
    let bursars = if method == "mobile_money" {
        school::bursars(&mut *conn).await?
    } else {
        Vec::new()
    };
    Ok(PaymentAudience {
        student,
        guardians,
        bursars,
    })
}

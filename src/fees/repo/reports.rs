//! What reports read of the fees: arrears and each student's account (the bursar's), what
//! falls due and what came in (the analytics), a payment by its receipt (the journal).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::Pool;

/// A student who owes money past its due date.
#[derive(Clone, Debug, FromRow)]
pub struct Arrear {
    pub student_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub matricule: String,
    pub class_name: String,
    /// Owed on tranches already due.
    pub overdue: i64,
    /// Owed in all, due or not.
    pub balance: i64,
    /// The oldest unpaid due date.
    pub since: NaiveDate,
    /// A guardian's phone to call.
    pub phone: Option<String>,
}

impl Arrear {
    /// "NOM Prénoms".
    pub fn student(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }
}

/// Who owes money on tranches due before `today` in a year, largest debt first; filtered by
/// class or level and by a minimum amount.
pub async fn arrears_of(
    db: &Pool,
    year_id: i64,
    today: NaiveDate,
    class_id: Option<i64>,
    level_id: Option<i64>,
    min_amount: i64,
) -> Result<Vec<Arrear>, sqlx::Error> {
    sqlx::query_as(
        // Each invoice's remainder summed once (a join and a grouping, not a subquery per
        // invoice), then per student.
        "WITH owed AS ( \
           SELECT i.student_id, i.due_on, SUM(l.amount) AS remaining \
           FROM invoices i JOIN fee_tranches t ON t.id = i.tranche_id JOIN ledger_entries l ON l.invoice_id = i.id \
           WHERE t.school_year_id = $1 GROUP BY i.id, i.student_id, i.due_on), \
         late AS ( \
           SELECT student_id, SUM(CASE WHEN due_on < $2 THEN remaining ELSE 0 END) AS overdue, \
             SUM(remaining) AS balance, MIN(CASE WHEN due_on < $2 AND remaining > 0 THEN due_on END) AS since \
           FROM owed GROUP BY student_id) \
         SELECT x.student_id, s.last_name, s.first_name, s.matricule, c.name AS class_name, \
           CAST(x.overdue AS BIGINT) AS overdue, CAST(x.balance AS BIGINT) AS balance, x.since, \
           (SELECT u.phone FROM student_guardians g JOIN users u ON u.id = g.user_id \
              WHERE g.student_id = x.student_id AND u.phone IS NOT NULL ORDER BY g.relationship LIMIT 1) AS phone \
         FROM late x JOIN students s ON s.id = x.student_id \
         JOIN enrollments e ON e.student_id = x.student_id AND e.school_year_id = $1 \
         JOIN classes c ON c.id = e.class_id \
         WHERE x.overdue > 0 AND x.overdue >= $5 AND ($3 IS NULL OR c.id = $3) AND ($4 IS NULL OR c.level_id = $4) \
         ORDER BY x.overdue DESC, s.sort_name",
    )
    .bind(year_id)
    .bind(today)
    .bind(class_id)
    .bind(level_id)
    .bind(min_amount)
    .fetch_all(db)
    .await
}

/// A student's account over the year's list: what was billed, granted, paid, and is left.
#[derive(Clone, Debug, FromRow)]
pub struct StudentBalance {
    pub student_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub matricule: String,
    pub class_name: String,
    pub billed: i64,
    pub discounts: i64,
    /// Payments, net of reversals.
    pub paid: i64,
    /// What is left to pay (negative: in credit).
    pub balance: i64,
}

impl StudentBalance {
    /// "NOM Prénoms".
    pub fn student(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }
}

/// The accounts of a year's students, from the ledger, by class then name.
pub async fn balances_of(
    db: &Pool,
    year_id: i64,
    class_id: Option<i64>,
    level_id: Option<i64>,
) -> Result<Vec<StudentBalance>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS student_id, s.last_name, s.first_name, s.matricule, c.name AS class_name, \
           CAST(COALESCE(SUM(CASE WHEN l.kind = 'invoice' THEN l.amount ELSE 0 END), 0) AS BIGINT) AS billed, \
           CAST(COALESCE(-SUM(CASE WHEN l.kind = 'discount' THEN l.amount ELSE 0 END), 0) AS BIGINT) AS discounts, \
           CAST(COALESCE(-SUM(CASE WHEN l.kind IN ('payment', 'reversal') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS paid, \
           CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) AS balance \
         FROM enrollments e JOIN students s ON s.id = e.student_id JOIN classes c ON c.id = e.class_id \
         LEFT JOIN ledger_entries l ON l.student_id = s.id \
         WHERE e.school_year_id = $1 AND ($2 IS NULL OR c.id = $2) AND ($3 IS NULL OR c.level_id = $3) \
         GROUP BY s.id, s.last_name, s.first_name, s.matricule, c.name, s.sort_name \
         ORDER BY c.name, s.sort_name, s.id",
    )
    .bind(year_id)
    .bind(class_id)
    .bind(level_id)
    .fetch_all(db)
    .await
}

/// (student, amount, method) of the payment with this receipt number.
pub async fn payment_by_receipt_no(
    db: &Pool,
    receipt_no: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT student_id, amount, method FROM payments WHERE receipt_no = $1")
        .bind(receipt_no)
        .fetch_optional(db)
        .await
}

/// What falls due each day of the current year, net of discounts: (day, XOF).
pub async fn due_by_day_net_of_discounts(db: &Pool) -> Result<Vec<(NaiveDate, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.due_on, CAST(SUM(i.amount + COALESCE((SELECT SUM(l.amount) FROM ledger_entries l \
           WHERE l.invoice_id = i.id AND l.kind = 'discount'), 0)) AS BIGINT) \
         FROM invoices i JOIN fee_tranches f ON f.id = i.tranche_id \
         JOIN school_years y ON y.id = f.school_year_id AND y.current = TRUE GROUP BY i.due_on",
    )
    .fetch_all(db)
    .await
}

/// Every payment as recorded: (when, XOF).
pub async fn payments_received(db: &Pool) -> Result<Vec<(DateTime<Utc>, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT received_at, amount FROM payments")
        .fetch_all(db)
        .await
}

/// The latest payment's id (0 when none).
pub async fn last_payment_id(db: &Pool) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM payments")
        .fetch_one(db)
        .await?;
    Ok(id)
}

/// A tranche billed to a student and not paid in full, due on a given day.
#[derive(Clone, Debug, FromRow)]
pub struct DueInvoice {
    pub invoice_id: i64,
    pub student_id: i64,
    /// "1re tranche".
    pub label: String,
    /// The fee's name ("Scolarité").
    pub fee_type: String,
    pub due_on: NaiveDate,
    /// What is still owed on it.
    pub remaining: i64,
}

/// The invoices of active students due on `day` with something still to pay.
pub async fn unpaid_due_on(db: &Pool, day: NaiveDate) -> Result<Vec<DueInvoice>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id AS invoice_id, i.student_id, t.label, f.name AS fee_type, i.due_on, \
           CAST(COALESCE((SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id), 0) AS BIGINT) AS remaining \
         FROM invoices i JOIN fee_tranches t ON t.id = i.tranche_id JOIN fee_types f ON f.id = t.fee_type_id \
         JOIN students s ON s.id = i.student_id \
         WHERE i.due_on = $1 AND s.active = TRUE \
           AND COALESCE((SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id), 0) > 0 \
         ORDER BY i.student_id, i.id",
    )
    .bind(day)
    .fetch_all(db)
    .await
}

//! SQL of mobile money: the attempts, the callbacks kept, and the demo operator's side.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::demo::DemoState;
use super::{CallbackRow, MomoState, Origin, Payment};
use crate::db::Db;

const COLUMNS: &str = "id, identifier, provider, network, phone, student_id, user_id, amount, state, provider_ref, \
    payment_ref, payment_id, review_reason, paid_amount, CAST(checks AS BIGINT) AS checks, last_error, created_at, \
    updated_at, expires_at, confirmed_at, resolution";

pub async fn get<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM momo_payments WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn origin_of_receipt<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    payment_id: i64,
) -> Result<Option<Origin>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.network, m.phone, u.first_name, u.last_name \
         FROM momo_payments m JOIN users u ON u.id = m.user_id WHERE m.payment_id = $1",
    )
    .bind(payment_id)
    .fetch_optional(db)
    .await
}

/// An attempt by our identifier, else by the provider's reference (an empty one matches
/// nothing).
pub async fn find<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    identifier: &str,
    provider_ref: &str,
) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM momo_payments WHERE ($1 <> '' AND identifier = $1) OR ($2 <> '' AND provider_ref = $2) \
         ORDER BY id LIMIT 1"
    ))
    .bind(identifier)
    .bind(provider_ref)
    .fetch_optional(db)
    .await
}

/// The 50 latest attempts for a student, newest first.
pub async fn of_student<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<Vec<Payment>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM momo_payments WHERE student_id = $1 ORDER BY id DESC LIMIT 50"
    ))
    .bind(student)
    .fetch_all(db)
    .await
}

/// XOF asked by the attempts still open for a student.
pub async fn open_amount<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<i64, sqlx::Error> {
    let (open,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM momo_payments WHERE student_id = $1 AND state IN ('created', 'pending')",
    )
    .bind(student)
    .fetch_one(db)
    .await?;
    Ok(open)
}

/// XOF asked by the attempts still open for a student, other than attempt `besides`.
pub async fn open_amount_besides<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    besides: i64,
) -> Result<i64, sqlx::Error> {
    let (open,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM momo_payments \
         WHERE student_id = $1 AND state IN ('created', 'pending') AND id <> $2",
    )
    .bind(student)
    .bind(besides)
    .fetch_one(db)
    .await?;
    Ok(open)
}

/// The attempt a form (its idempotency key) already made for this user.
pub async fn id_by_key_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    key: &str,
    user: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM momo_payments WHERE idempotency_key = $1 AND user_id = $2")
            .bind(key)
            .bind(user)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// The attempt a form (its idempotency key) made.
pub async fn id_by_key<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    key: &str,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM momo_payments WHERE idempotency_key = $1")
        .bind(key)
        .fetch_one(db)
        .await?;
    Ok(id)
}

/// On PostgreSQL, locks the student's row so that attempts for one student queue here
/// (SQLite's write lock does the same: nothing to do).
pub async fn queue_behind_student<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<(), sqlx::Error> {
    #[cfg(feature = "postgres")]
    sqlx::query("SELECT id FROM students WHERE id = $1 FOR UPDATE")
        .bind(student)
        .execute(db)
        .await?;
    #[cfg(not(feature = "postgres"))]
    let _ = (db, student);
    Ok(())
}

/// An attempt to write.
pub struct NewAttempt<'a> {
    pub identifier: &'a str,
    pub idempotency_key: &'a str,
    pub provider: &'a str,
    pub network: &'a str,
    pub phone: &'a str,
    pub student_id: i64,
    pub user_id: i64,
    /// XOF.
    pub amount: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Writes an attempt; `None` when its idempotency key is already taken.
pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    a: &NewAttempt<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO momo_payments (identifier, idempotency_key, provider, network, phone, student_id, user_id, amount, \
         created_at, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(a.identifier)
    .bind(a.idempotency_key)
    .bind(a.provider)
    .bind(a.network)
    .bind(a.phone)
    .bind(a.student_id)
    .bind(a.user_id)
    .bind(a.amount)
    .bind(a.now)
    .bind(a.expires_at)
    .fetch_optional(db)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

/// A student's first and last names.
pub async fn student_names<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT first_name, last_name FROM students WHERE id = $1")
        .bind(student)
        .fetch_optional(db)
        .await
}

/// A parent's first and last names and e-mail.
pub async fn parent_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT first_name, last_name, email FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(db)
        .await
}

/// A user's phone, if they gave one.
pub async fn phone_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
) -> Result<Option<String>, sqlx::Error> {
    let phone: Option<(Option<String>,)> = sqlx::query_as("SELECT phone FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(db)
        .await?;
    Ok(phone.and_then(|p| p.0))
}

/// Keeps the provider's reference, unless one is known already.
pub async fn store_provider_ref<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    provider_ref: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE momo_payments SET provider_ref = COALESCE(provider_ref, $1), updated_at = $2 WHERE id = $3",
    )
    .bind(provider_ref)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps the provider's reference on an attempt that has none (`updated_at` moves only then).
pub async fn fill_provider_ref<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    provider_ref: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE momo_payments SET provider_ref = COALESCE(provider_ref, $1), updated_at = $2 \
         WHERE id = $3 AND provider_ref IS NULL",
    )
    .bind(provider_ref)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Moves an attempt still "created" to "pending", keeping `error` if any.
pub async fn mark_pending<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE momo_payments SET state = 'pending', last_error = COALESCE($1, last_error), updated_at = $2 \
         WHERE id = $3 AND state = 'created'",
    )
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn note_error<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE momo_payments SET last_error = $1, updated_at = $2 WHERE id = $3")
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves an open attempt (created or pending) to `state`; returns whether it moved.
pub async fn close<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    state: MomoState,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE momo_payments SET state = $1, last_error = COALESCE($2, last_error), updated_at = $3 \
         WHERE id = $4 AND state IN ('created', 'pending')",
    )
    .bind(state)
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The student, the parent and the XOF asked of an attempt.
pub async fn parties<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<(i64, i64, i64), sqlx::Error> {
    sqlx::query_as("SELECT student_id, user_id, amount FROM momo_payments WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}

/// The provider's references as it gave them.
pub struct Refs<'a> {
    pub provider_ref: Option<&'a str>,
    pub payment_ref: Option<&'a str>,
}

/// The guarded first write of a credit: only an attempt not yet paid (nor in review, nor
/// resolved) moves to paid. Returns whether it moved.
pub async fn mark_paid<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    refs: &Refs<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE momo_payments SET state = 'paid', confirmed_at = $1, updated_at = $1, \
         provider_ref = COALESCE(provider_ref, $2), payment_ref = COALESCE($3, payment_ref) \
         WHERE id = $4 AND state NOT IN ('paid', 'review') AND resolution IS NULL",
    )
    .bind(now)
    .bind(refs.provider_ref)
    .bind(refs.payment_ref)
    .bind(id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Sends an attempt not yet paid (nor in review, nor resolved) to review, with what was
/// collected when the provider said. Returns whether it moved.
pub async fn mark_review<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    reason: &str,
    collected: Option<i64>,
    refs: &Refs<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE momo_payments SET state = 'review', review_reason = $1, paid_amount = $2, confirmed_at = $3, updated_at = $3, \
         provider_ref = COALESCE(provider_ref, $4), payment_ref = COALESCE($5, payment_ref) \
         WHERE id = $6 AND state NOT IN ('paid', 'review') AND resolution IS NULL",
    )
    .bind(reason)
    .bind(collected)
    .bind(now)
    .bind(refs.provider_ref)
    .bind(refs.payment_ref)
    .bind(id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Links an attempt to the receipt written for it.
pub async fn link_receipt<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    receipt: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE momo_payments SET payment_id = $1 WHERE id = $2")
        .bind(receipt)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The bursar credits an attempt in review; returns whether it was in review.
pub async fn resolve_as_paid<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    resolution: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE momo_payments SET state = 'paid', resolution = $1, resolved_by = $2, updated_at = $3 \
         WHERE id = $4 AND state = 'review'",
    )
    .bind(resolution)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The bursar sent the money of an attempt in review back to the parent.
pub async fn resolve_as_refunded<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    resolution: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE momo_payments SET state = 'failed', resolution = $1, resolved_by = $2, updated_at = $3 \
         WHERE id = $4 AND state = 'review'",
    )
    .bind(resolution)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn count_check<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE momo_payments SET checks = checks + 1 WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Notes that a status check was asked at `now`, unless the attempt is settled or a check
/// asked after `stale_before` still waits. Returns whether it was noted.
pub async fn request_check<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let asked = sqlx::query(
        "UPDATE momo_payments SET check_requested_at = $1 WHERE id = $2 \
         AND state IN ('created', 'pending', 'expired') \
         AND (check_requested_at IS NULL OR check_requested_at < $3)",
    )
    .bind(now)
    .bind(id)
    .bind(stale_before)
    .execute(db)
    .await?
    .rows_affected();
    Ok(asked == 1)
}

/// The asked check runs: a callback may ask for another.
pub async fn clear_check_request<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE momo_payments SET check_requested_at = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn count_callbacks_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    payment: i64,
) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM momo_callbacks WHERE payment_id = $1")
            .bind(payment)
            .fetch_one(db)
            .await?;
    Ok(count)
}

/// Callbacks that matched no attempt, received after `since`.
pub async fn unmatched_callbacks_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM momo_callbacks WHERE payment_id IS NULL AND received_at > $1",
    )
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(count)
}

/// Writes a callback as given (the caller shortens what it does not keep whole).
pub async fn insert_callback<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    c: &CallbackRow<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO momo_callbacks (provider, received_at, body, signature, identifier, payment_id, verdict) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.provider)
    .bind(c.received_at)
    .bind(c.body)
    .bind(c.signature)
    .bind(c.identifier)
    .bind(c.payment_id)
    .bind(c.verdict)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the callbacks that matched no attempt, received before `before`.
pub async fn forget_unmatched_callbacks<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    before: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM momo_callbacks WHERE payment_id IS NULL AND received_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}

/// A callback as kept.
#[derive(FromRow)]
pub struct KeptCallback {
    pub received_at: DateTime<Utc>,
    /// What was made of it ("verified", "to-check", "unknown", "bad-signature"…).
    pub verdict: String,
    /// As it came.
    pub body: String,
}

/// The callbacks kept for an attempt, oldest first.
pub async fn callbacks_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    payment: i64,
) -> Result<Vec<KeptCallback>, sqlx::Error> {
    sqlx::query_as(
        "SELECT received_at, verdict, body FROM momo_callbacks WHERE payment_id = $1 ORDER BY id",
    )
    .bind(payment)
    .fetch_all(db)
    .await
}

/// A line of the bursar's list: the attempt and whom it was for.
#[derive(FromRow)]
pub struct Line {
    #[sqlx(flatten)]
    pub p: Payment,
    pub student: String,
}

/// The latest attempts, in `state` if given, newest first.
pub async fn list<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    state: Option<MomoState>,
    limit: i64,
) -> Result<Vec<Line>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS}, (SELECT s.first_name || ' ' || s.last_name FROM students s WHERE s.id = momo_payments.student_id) AS student \
         FROM momo_payments WHERE ($1 = '' OR state = $1) ORDER BY id DESC LIMIT $2"
    ))
    .bind(state.map(MomoState::as_str).unwrap_or(""))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many attempts are in each state (states without any are left out).
pub async fn count_by_state<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<Vec<(MomoState, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT state, COUNT(*) FROM momo_payments GROUP BY state")
        .fetch_all(db)
        .await
}

/// The network, the XOF of the receipt and the time of each attempt credited since `since`.
pub async fn credited_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    since: DateTime<Utc>,
) -> Result<Vec<(String, i64, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.network, p.amount, m.confirmed_at FROM momo_payments m JOIN payments p ON p.id = m.payment_id \
         WHERE m.state = 'paid' AND m.confirmed_at >= $1",
    )
    .bind(since)
    .fetch_all(db)
    .await
}

/// Opens a collection on the demo operator (nothing if it is open already).
pub async fn demo_open<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    identifier: &str,
    amount: i64,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO momo_demo (identifier, state, amount, reference, updated_at) VALUES ($1, 'pending', $2, $3, $4) \
         ON CONFLICT (identifier) DO NOTHING",
    )
    .bind(identifier)
    .bind(amount)
    .bind(reference)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Answers a pending demo collection; returns whether it was pending.
pub async fn demo_answer<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    identifier: &str,
    state: DemoState,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE momo_demo SET state = $1, updated_at = $2 WHERE identifier = $3 AND state = 'pending'",
    )
    .bind(state)
    .bind(now)
    .bind(identifier)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// A demo collection's state, XOF and reference.
pub async fn demo_status<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    identifier: &str,
) -> Result<Option<(DemoState, i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT state, amount, reference FROM momo_demo WHERE identifier = $1")
        .bind(identifier)
        .fetch_optional(db)
        .await
}

/// (student, amount, network) of an attempt, as the journal names it.
pub async fn journal_facts(
    db: &crate::db::Pool,
    identifier: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT student_id, amount, network FROM momo_payments WHERE identifier = $1")
        .bind(identifier)
        .fetch_optional(db)
        .await
}

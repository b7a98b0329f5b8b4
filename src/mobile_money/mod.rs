//! Mobile money: parents pay school fees with Flooz and T-Money through an aggregator
//! (PayGate Global or FedaPay), or the demo operator of `suku demo`.
//!
//! An attempt is written before the provider is called (so a callback that arrives before
//! the provider's answer finds it, and a crash loses nothing), and it is credited exactly
//! once: only a row that is not yet paid moves to paid, in the same transaction as the
//! receipt and its ledger entries, and the receipt is unique per attempt. Nothing is credited
//! on an unsigned callback's word: the provider is asked first. A wrong amount, or money
//! that would overpay the family, goes to the bursar's review queue instead.

pub mod admin;
pub mod demo;
pub mod fedapay;
pub mod paygate;
pub mod provider;
pub mod reconcile;
pub mod routes;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::FromRow;

use crate::app::AppState;
use crate::config::Config;
use crate::db::Pool;
use crate::domain::Phone;
pub use provider::{Network, Provider, ProviderError, Remote, Status};

/// The states of an attempt.
pub const STATES: [&str; 7] = [
    "created",
    "pending",
    "paid",
    "failed",
    "expired",
    "cancelled",
    "review",
];

/// The provider the configuration asks for, if any.
pub fn from_config(
    config: &Config,
    db: &Pool,
    clock: &crate::clock::Clock,
) -> anyhow::Result<Option<Arc<dyn Provider>>> {
    let m = &config.momo;
    Ok(match m.provider.trim() {
        "" => None,
        // The demo operator credits without money: only for `suku demo` and tests.
        "demo" if m.demo_allowed => Some(Arc::new(demo::Demo::new(db.clone(), clock.clone()))),
        "demo" => anyhow::bail!("SUKU_MOMO_PROVIDER=demo is only for `suku demo`"),
        "paygate" => {
            anyhow::ensure!(
                !m.paygate_token.0.is_empty(),
                "SUKU_PAYGATE_TOKEN is required"
            );
            Some(Arc::new(paygate::PayGate::new(
                &m.paygate_url,
                m.paygate_token.clone(),
                m.timeout_secs,
            )))
        }
        "fedapay" => {
            anyhow::ensure!(
                !m.fedapay_key.0.is_empty(),
                "SUKU_FEDAPAY_SECRET_KEY is required"
            );
            anyhow::ensure!(
                !m.fedapay_webhook_secret.0.is_empty(),
                "SUKU_FEDAPAY_WEBHOOK_SECRET is required"
            );
            Some(Arc::new(fedapay::FedaPay::new(
                &m.fedapay_url,
                m.fedapay_key.clone(),
                m.fedapay_webhook_secret.clone(),
                m.timeout_secs,
            )))
        }
        other => anyhow::bail!("SUKU_MOMO_PROVIDER: unknown provider {other:?}"),
    })
}

/// One attempt to pay.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Payment {
    pub id: i64,
    /// Our identifier at the provider.
    pub identifier: String,
    pub provider: String,
    /// `flooz` or `tmoney`.
    pub network: String,
    /// The paying phone.
    pub phone: String,
    pub student_id: i64,
    /// The parent who started it.
    pub user_id: i64,
    /// XOF asked.
    pub amount: i64,
    /// One of [`STATES`].
    pub state: String,
    /// The provider's reference.
    pub provider_ref: Option<String>,
    /// The operator's reference.
    pub payment_ref: Option<String>,
    /// The receipt, once credited.
    pub payment_id: Option<i64>,
    /// Why it waits for the bursar.
    pub review_reason: Option<String>,
    /// What the provider says was collected, when it differs.
    pub paid_amount: Option<i64>,
    /// Status checks made.
    pub checks: i64,
    /// The last provider error.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When an unconfirmed attempt expires.
    pub expires_at: DateTime<Utc>,
    /// When it was confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The bursar's decision on a reviewed attempt.
    pub resolution: Option<String>,
}

impl Payment {
    /// Still waiting for the parent or the provider.
    pub fn open(&self) -> bool {
        matches!(self.state.as_str(), "created" | "pending")
    }

    /// The catalog key of its state.
    pub fn state_key(&self) -> String {
        format!("momo-state-{}", self.state)
    }

    /// The catalog key of its network.
    pub fn network_key(&self) -> String {
        format!("momo-network-{}", self.network)
    }
}

const COLUMNS: &str = "id, identifier, provider, network, phone, student_id, user_id, amount, state, provider_ref, \
    payment_ref, payment_id, review_reason, paid_amount, CAST(checks AS BIGINT) AS checks, last_error, created_at, \
    updated_at, expires_at, confirmed_at, resolution";

/// An attempt by id.
pub async fn get(db: &Pool, id: i64) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM momo_payments WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Where a receipt's money came from when it came by mobile money.
#[derive(Clone, Debug, FromRow)]
pub struct Origin {
    /// flooz or tmoney.
    pub network: String,
    /// The number that paid.
    pub phone: String,
    /// The given names of the parent who started the payment.
    pub first_name: String,
    pub last_name: String,
}

impl Origin {
    /// "NOM Prénoms", as the receipt writes the student's name.
    pub fn parent(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }

    /// The catalog key of the network's short name ("Flooz", "T-Money").
    pub fn network_key(&self) -> String {
        format!("momo-network-short-{}", self.network)
    }
}

/// The mobile money payment a receipt was written for, if any.
pub async fn origin_of_receipt(db: &Pool, payment_id: i64) -> Result<Option<Origin>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.network, m.phone, u.first_name, u.last_name \
         FROM momo_payments m JOIN users u ON u.id = m.user_id WHERE m.payment_id = $1",
    )
    .bind(payment_id)
    .fetch_optional(db)
    .await
}

/// An attempt by our identifier, else by the provider's reference.
pub async fn find(
    db: &Pool,
    identifier: Option<&str>,
    provider_ref: Option<&str>,
) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM momo_payments WHERE ($1 <> '' AND identifier = $1) OR ($2 <> '' AND provider_ref = $2) \
         ORDER BY id LIMIT 1"
    ))
    .bind(identifier.unwrap_or(""))
    .bind(provider_ref.unwrap_or(""))
    .fetch_optional(db)
    .await
}

/// The attempts for a student, newest first.
pub async fn of_student(db: &Pool, student: i64) -> Result<Vec<Payment>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "SELECT {COLUMNS} FROM momo_payments WHERE student_id = $1 ORDER BY id DESC LIMIT 50"
    ))
    .bind(student)
    .fetch_all(db)
    .await
}

/// What a parent asks for.
#[derive(Clone, Debug)]
pub struct Request {
    pub student_id: i64,
    /// XOF.
    pub amount: i64,
    pub network: Network,
    /// The paying phone.
    pub phone: Phone,
    /// One per form shown: a second submission of the same form is the same attempt.
    pub key: String,
}

/// Why an attempt was not started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No provider is configured.
    #[error("mobile money is not set up")]
    NotSetUp,
    /// Nothing is owed for this student.
    #[error("nothing owed")]
    NothingOwed,
    /// The number is a fixed line: no wallet behind it.
    #[error("not a mobile number")]
    NotMobile,
    /// More than what is owed (minus attempts still open).
    #[error("more than owed")]
    MoreThanOwed(i64),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// What can still be paid for a student: the balance, less the attempts still open.
pub async fn payable(db: &Pool, student: i64) -> Result<i64, sqlx::Error> {
    let balance = crate::fees::repo::balance(db, student).await?;
    let (open,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM momo_payments WHERE student_id = $1 AND state IN ('created', 'pending')",
    )
    .bind(student)
    .fetch_one(db)
    .await?;
    Ok((balance - open).max(0))
}

fn new_identifier() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let n: u64 = rng.random();
    format!("SUKU-{n:016X}")
}

/// The first check after a start, then the waits between checks: 15 s, 30 s, 1 min … at
/// most 5 minutes.
pub fn next_check(checks: i64) -> Duration {
    Duration::seconds((15i64 << checks.clamp(0, 5)).min(300))
}

/// Starts an attempt for `user` (a guardian of the student; the caller checks): written
/// first, then asked of the provider. Returns the attempt's id; the same form submitted
/// again returns the same attempt.
pub async fn start(
    app: &AppState,
    user: &crate::auth::CurrentUser,
    r: &Request,
) -> Result<i64, StartError> {
    let provider = app.momo.clone().ok_or(StartError::NotSetUp)?;
    if !provider::is_mobile(r.phone.as_str()) {
        return Err(StartError::NotMobile);
    }
    let again: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM momo_payments WHERE idempotency_key = $1 AND user_id = $2")
            .bind(&r.key)
            .bind(user.id)
            .fetch_optional(&app.db)
            .await?;
    if let Some((id,)) = again {
        return Ok(id);
    }
    let can = payable(&app.db, r.student_id).await?;
    if crate::fees::repo::balance(&app.db, r.student_id).await? <= 0 {
        return Err(StartError::NothingOwed);
    }
    if r.amount > can {
        return Err(StartError::MoreThanOwed(can));
    }
    let now = app.clock.now();
    let identifier = new_identifier();
    let mut tx = crate::db::begin_write(&app.db).await?;
    // PostgreSQL: attempts for one student queue here (SQLite's write lock does the same).
    #[cfg(feature = "postgres")]
    sqlx::query("SELECT id FROM students WHERE id = $1 FOR UPDATE")
        .bind(r.student_id)
        .execute(&mut *tx)
        .await?;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO momo_payments (identifier, idempotency_key, provider, network, phone, student_id, user_id, amount, \
         created_at, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) \
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(&identifier)
    .bind(&r.key)
    .bind(provider.name())
    .bind(r.network.code())
    .bind(r.phone.as_str())
    .bind(r.student_id)
    .bind(user.id)
    .bind(r.amount)
    .bind(now)
    .bind(now + Duration::minutes(app.config.momo.expiry_minutes))
    .fetch_optional(&mut *tx)
    .await?;
    // Checked again inside the transaction: two forms sent at once (two tabs, two parents)
    // cannot together ask more than is owed.
    if let Some((id,)) = inserted {
        let (balance,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE student_id = $1",
        )
        .bind(r.student_id)
        .fetch_one(&mut *tx)
        .await?;
        let (open,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM momo_payments \
             WHERE student_id = $1 AND state IN ('created', 'pending') AND id <> $2",
        )
        .bind(r.student_id)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if r.amount > balance - open {
            tx.rollback().await?;
            return Err(StartError::MoreThanOwed((balance - open).max(0)));
        }
    }
    let Some((id,)) = inserted else {
        // The same form, submitted twice at once: the other submission made it.
        tx.rollback().await?;
        let (id,): (i64,) =
            sqlx::query_as("SELECT id FROM momo_payments WHERE idempotency_key = $1")
                .bind(&r.key)
                .fetch_one(&app.db)
                .await?;
        return Ok(id);
    };
    // The provider is asked by a job, not by this request: three calls of several seconds
    // each over a slow link are the waiting page's to show, not the form's to hang on.
    crate::jobs::enqueue(
        &mut *tx,
        &reconcile::StartOf { payment_id: id },
        Some(user.id),
        now,
    )
    .await?;
    crate::jobs::enqueue_at(
        &mut *tx,
        &reconcile::CheckOf {
            payment_id: id,
            ..Default::default()
        },
        None,
        now + next_check(0),
        now,
    )
    .await?;
    crate::audit::record(
        &mut *tx,
        Some(user.id),
        "momo",
        &identifier,
        "start",
        None,
        Some(&format!("{} {}", r.amount, r.network.code())),
        now,
    )
    .await?;
    tx.commit().await?;
    app.jobs.wake();
    Ok(id)
}

/// What the provider is asked to collect for attempt `p`.
async fn collect_of(app: &AppState, p: &Payment) -> anyhow::Result<provider::Collect> {
    let student: Option<(String, String)> =
        sqlx::query_as("SELECT first_name, last_name FROM students WHERE id = $1")
            .bind(p.student_id)
            .fetch_optional(&app.db)
            .await?;
    let parent: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT first_name, last_name, email FROM users WHERE id = $1")
            .bind(p.user_id)
            .fetch_optional(&app.db)
            .await?;
    let school = app.settings.school(&app.db).await?;
    let (first, last) = student.unwrap_or_default();
    let (parent_first, parent_last, parent_email) = parent.unwrap_or_default();
    // FedaPay wants an e-mail of its customer: the parent's, else the school's, else the
    // address the portal sends its own mail from.
    let email = parent_email
        .filter(|e| !e.is_empty())
        .or_else(|| Some(school.email.clone()).filter(|e| !e.is_empty()))
        .unwrap_or_else(|| {
            let from = &app.config.mail_from;
            from.rsplit_once('<')
                .map(|(_, a)| a.trim_end_matches('>').to_string())
                .unwrap_or_else(|| from.clone())
        });
    Ok(provider::Collect {
        identifier: p.identifier.clone(),
        amount: p.amount,
        phone: p.phone.clone(),
        network: Network::parse(&p.network).unwrap_or(Network::TMoney),
        description: format!("{} — {first} {last}", school.name)
            .chars()
            .take(100)
            .collect(),
        first_name: parent_first,
        last_name: parent_last,
        email,
        return_url: format!(
            "{}/paiements/{}",
            app.config.public_url.trim_end_matches('/'),
            p.id
        ),
    })
}

/// Asks the provider to collect attempt `id`, in two steps each kept as soon as it is
/// answered: the collection is registered (and the provider's reference stored at once, so
/// that a later check finds it), then the request is sent to the parent's phone.
///
/// A step whose answer is lost may have been done: registering again is harmless (PayGate
/// refuses a known identifier, a FedaPay transaction never sent is never collected), so the
/// job fails and the runner tries again; the phone's request is never sent twice, so after
/// a lost answer the attempt waits as sent, and the status checks or the webhook settle it.
pub async fn run_start(app: &AppState, id: i64) -> anyhow::Result<()> {
    let Some(provider) = app.momo.clone() else {
        return Ok(());
    };
    let Some(p) = get(&app.db, id).await? else {
        return Ok(());
    };
    if p.state != "created" {
        return Ok(());
    }
    let collect = collect_of(app, &p).await?;
    let provider_ref = match p.provider_ref.clone() {
        Some(r) => Some(r),
        None => match provider.create(&collect).await {
            Ok(r) => {
                sqlx::query(
                    "UPDATE momo_payments SET provider_ref = COALESCE(provider_ref, $1), updated_at = $2 WHERE id = $3",
                )
                .bind(&r)
                .bind(app.clock.now())
                .bind(id)
                .execute(&app.db)
                .await?;
                r
            }
            Err(ProviderError::Refused(e)) => {
                tracing::warn!(id, error = %e, "mobile money refused by the provider");
                if set_final(app, id, "failed", Some(&e)).await? {
                    tell(app, id).await;
                }
                return Ok(());
            }
            Err(e) => {
                tracing::warn!(id, error = %e, "mobile money: registering the collection failed");
                note_error(&app.db, id, &e.to_string(), app.clock.now()).await?;
                return Err(e.into());
            }
        },
    };
    // A FedaPay transaction whose answer was lost has no id here: it cannot be sent; a new
    // one is registered on the next try.
    if provider_ref.is_none() && provider.name() == "fedapay" {
        anyhow::bail!("the transaction's id is not known yet");
    }
    let sent = provider.send(&collect, provider_ref.as_deref()).await;
    let error = match &sent {
        Ok(_) => None,
        Err(ProviderError::NotSent(e)) => {
            note_error(&app.db, id, e, app.clock.now()).await?;
            anyhow::bail!("the request to the phone did not leave: {e}");
        }
        Err(ProviderError::Refused(e)) => {
            tracing::warn!(id, error = %e, "mobile money request refused by the provider");
            if set_final(app, id, "failed", Some(e)).await? {
                tell(app, id).await;
            }
            return Ok(());
        }
        Err(ProviderError::Unavailable(e)) => Some(e.clone()),
    };
    // Sent, or perhaps sent: waiting for the parent. Only a row still "created" moves on
    // (a webhook may already have paid it).
    sqlx::query(
        "UPDATE momo_payments SET state = 'pending', last_error = COALESCE($1, last_error), updated_at = $2 \
         WHERE id = $3 AND state = 'created'",
    )
    .bind(error.map(|e| e.chars().take(300).collect::<String>()))
    .bind(app.clock.now())
    .bind(id)
    .execute(&app.db)
    .await?;
    tell(app, id).await;
    Ok(())
}

async fn note_error(db: &Pool, id: i64, e: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE momo_payments SET last_error = $1, updated_at = $2 WHERE id = $3")
        .bind(e.chars().take(300).collect::<String>())
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Moves an open attempt to a final state without money (failed, expired, cancelled), and
/// tells the parent and the bursar.
async fn set_final(
    app: &AppState,
    id: i64,
    state: &str,
    error: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let n = sqlx::query(
        "UPDATE momo_payments SET state = $1, last_error = COALESCE($2, last_error), updated_at = $3 \
         WHERE id = $4 AND state IN ('created', 'pending')",
    )
    .bind(state)
    .bind(error)
    .bind(app.clock.now())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 1 {
        let (student, user, amount): (i64, i64, i64) =
            sqlx::query_as("SELECT student_id, user_id, amount FROM momo_payments WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::MomoFailed(crate::events::MomoFailed {
                momo_id: id,
                student_id: student,
                user_id: user,
                amount,
                state: state.to_string(),
            }),
            None,
            app.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n == 1)
}

/// What became of a provider's answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// Credited now: the receipt.
    Credited(i64),
    /// Sent to the bursar's review queue.
    Review,
    /// Moved to a final state without money.
    Closed,
    /// Nothing changed (already final, still pending, or unknown).
    Unchanged,
}

/// Applies what the provider says about attempt `p`.
pub async fn apply(app: &AppState, p: &Payment, s: &Status) -> anyhow::Result<Applied> {
    let applied = match s.state {
        Remote::Paid => credit(app, p, s).await?,
        // Waiting at the provider. Only the start job moves an attempt from "created" to
        // "pending": a FedaPay transaction is pending before its request is sent.
        Remote::Pending => {
            sqlx::query(
                "UPDATE momo_payments SET provider_ref = COALESCE(provider_ref, $1), updated_at = $2 \
                 WHERE id = $3 AND provider_ref IS NULL",
            )
            .bind(&s.provider_ref)
            .bind(app.clock.now())
            .bind(p.id)
            .execute(&app.db)
            .await?;
            Applied::Unchanged
        }
        Remote::Failed | Remote::Cancelled | Remote::Expired => {
            let state = match s.state {
                Remote::Failed => "failed",
                Remote::Cancelled => "cancelled",
                _ => "expired",
            };
            if set_final(app, p.id, state, None).await? {
                Applied::Closed
            } else {
                Applied::Unchanged
            }
        }
        Remote::Unknown => Applied::Unchanged,
    };
    if applied != Applied::Unchanged {
        tell(app, p.id).await;
    }
    Ok(applied)
}

/// Credits a paid attempt exactly once, or sends it to review.
async fn credit(app: &AppState, p: &Payment, s: &Status) -> anyhow::Result<Applied> {
    // The provider's own word on the amount decides (an unsigned callback's is not read).
    if let Some(a) = s.amount.filter(|a| *a != p.amount) {
        return review(app, p, "amount", Some(a), s).await;
    }
    let Some(year) = crate::school::current_year(&app.db).await? else {
        return review(app, p, "no-year", None, s).await;
    };
    let now = app.clock.now();
    let mut tx = crate::db::begin_write(&app.db).await?;
    // The first write: only an attempt not yet paid (nor in review) moves to paid.
    let n = sqlx::query(
        "UPDATE momo_payments SET state = 'paid', confirmed_at = $1, updated_at = $1, \
         provider_ref = COALESCE(provider_ref, $2), payment_ref = COALESCE($3, payment_ref) \
         WHERE id = $4 AND state NOT IN ('paid', 'review') AND resolution IS NULL",
    )
    .bind(now)
    .bind(&s.provider_ref)
    .bind(&s.payment_ref)
    .bind(p.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        tx.rollback().await?;
        return Ok(Applied::Unchanged);
    }
    let desk = crate::fees::DeskPayment {
        student_id: p.student_id,
        amount: crate::fees::calc::AmountXof::parse(&p.amount.to_string())
            .map_err(|e| anyhow::anyhow!(e))?,
        method: "mobile_money",
        reference: s
            .payment_ref
            .clone()
            .or_else(|| s.provider_ref.clone())
            .or_else(|| Some(p.identifier.clone())),
        payer: Some(p.phone.clone()),
        idempotency_key: None,
    };
    match crate::fees::record_payment_in(&mut tx, &year, &desk, None, now).await {
        Ok(receipt) => {
            sqlx::query("UPDATE momo_payments SET payment_id = $1 WHERE id = $2")
                .bind(receipt)
                .bind(p.id)
                .execute(&mut *tx)
                .await?;
            crate::audit::record(
                &mut *tx,
                None,
                "momo",
                &p.identifier,
                "credit",
                None,
                Some(&p.amount.to_string()),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Applied::Credited(receipt))
        }
        Err(
            crate::fees::PaymentError::MoreThanOwed(_) | crate::fees::PaymentError::NothingOwed,
        ) => {
            // Paid meanwhile at the desk: the money is real, the bursar decides.
            tx.rollback().await?;
            review(app, p, "balance", None, s).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn review(
    app: &AppState,
    p: &Payment,
    reason: &str,
    collected: Option<i64>,
    s: &Status,
) -> anyhow::Result<Applied> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let n = sqlx::query(
        "UPDATE momo_payments SET state = 'review', review_reason = $1, paid_amount = $2, confirmed_at = $3, updated_at = $3, \
         provider_ref = COALESCE(provider_ref, $4), payment_ref = COALESCE($5, payment_ref) \
         WHERE id = $6 AND state NOT IN ('paid', 'review') AND resolution IS NULL",
    )
    .bind(reason)
    .bind(collected)
    .bind(app.clock.now())
    .bind(&s.provider_ref)
    .bind(&s.payment_ref)
    .bind(p.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 1 {
        tracing::warn!(id = p.id, reason, "mobile money payment sent to review");
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::MomoReview(crate::events::MomoReview {
                momo_id: p.id,
                student_id: p.student_id,
                amount: collected.unwrap_or(p.amount),
                reason: reason.to_string(),
            }),
            None,
            app.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(if n == 1 {
        Applied::Review
    } else {
        Applied::Unchanged
    })
}

/// Asks the provider now and applies the answer.
pub async fn check_now(app: &AppState, id: i64) -> anyhow::Result<Applied> {
    let Some(provider) = app.momo.clone() else {
        return Ok(Applied::Unchanged);
    };
    let Some(p) = get(&app.db, id).await? else {
        return Ok(Applied::Unchanged);
    };
    sqlx::query("UPDATE momo_payments SET checks = checks + 1 WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await?;
    match provider
        .status(&p.identifier, p.provider_ref.as_deref())
        .await
    {
        Ok(s) => apply(app, &p, &s).await,
        Err(e) => {
            note_error(&app.db, id, &e.to_string(), app.clock.now()).await?;
            Err(e.into())
        }
    }
}

/// A provider's callback, to keep.
pub struct CallbackRow<'a> {
    /// Which provider sent it.
    pub provider: &'a str,
    pub received_at: DateTime<Utc>,
    /// As it came.
    pub body: &'a str,
    /// Its signature header, if any.
    pub signature: Option<&'a str>,
    /// The identifier or reference it names.
    pub identifier: Option<&'a str>,
    /// The attempt it matched.
    pub payment_id: Option<i64>,
    /// What was made of it.
    pub verdict: &'a str,
}

/// Callbacks that match no attempt kept per minute, all providers together; beyond, they
/// are only logged (anyone can post to the callback address).
const UNMATCHED_PER_MINUTE: i64 = 60;
/// Callbacks kept for one attempt (a provider retries a few times, not a thousand).
const KEPT_PER_PAYMENT: i64 = 50;

/// Keeps a callback as evidence, within limits: what matched an attempt whole (8 KB), the
/// rest only its beginning, at most [`UNMATCHED_PER_MINUTE`] a minute and for 30 days.
/// Returns whether it was kept.
pub async fn keep_callback(db: &Pool, c: &CallbackRow<'_>) -> Result<bool, sqlx::Error> {
    let (count,): (i64,) =
        match c.payment_id {
            Some(p) => {
                sqlx::query_as("SELECT COUNT(*) FROM momo_callbacks WHERE payment_id = $1")
                    .bind(p)
                    .fetch_one(db)
                    .await?
            }
            None => sqlx::query_as(
                "SELECT COUNT(*) FROM momo_callbacks WHERE payment_id IS NULL AND received_at > $1",
            )
            .bind(c.received_at - Duration::minutes(1))
            .fetch_one(db)
            .await?,
        };
    let limit = if c.payment_id.is_some() {
        KEPT_PER_PAYMENT
    } else {
        UNMATCHED_PER_MINUTE
    };
    if count >= limit {
        tracing::warn!(
            verdict = c.verdict,
            "mobile money callback not kept: too many"
        );
        return Ok(false);
    }
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO momo_callbacks (provider, received_at, body, signature, identifier, payment_id, verdict) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.provider)
    .bind(c.received_at)
    .bind(
        c.body
            .chars()
            .take(if c.payment_id.is_some() { 8000 } else { 1000 })
            .collect::<String>(),
    )
    .bind(c.signature.map(|s| s.chars().take(300).collect::<String>()))
    .bind(c.identifier.map(|s| s.chars().take(100).collect::<String>()))
    .bind(c.payment_id)
    .bind(c.verdict)
    .execute(&mut *tx)
    .await?;
    if c.payment_id.is_none() {
        sqlx::query("DELETE FROM momo_callbacks WHERE payment_id IS NULL AND received_at < $1")
            .bind(c.received_at - Duration::days(30))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Queues a status check of attempt `id` now, unless one is already waiting to run: a
/// flood of callbacks for one attempt queues one check at a time. (A check that never ran,
/// its job lost, stops holding the place after two minutes.)
pub async fn ask_for_check(app: &AppState, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let asked = sqlx::query(
        "UPDATE momo_payments SET check_requested_at = $1 WHERE id = $2 \
         AND state IN ('created', 'pending', 'expired') \
         AND (check_requested_at IS NULL OR check_requested_at < $3)",
    )
    .bind(now)
    .bind(id)
    .bind(now - Duration::minutes(2))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if asked == 1 {
        crate::jobs::enqueue(
            &mut *tx,
            &reconcile::CheckOf {
                payment_id: id,
                asked: true,
                ..Default::default()
            },
            None,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    if asked == 1 {
        app.jobs.wake();
    }
    Ok(())
}

/// Tells the parent's open pages (and the bursar's list) that an attempt moved.
async fn tell(app: &AppState, id: i64) {
    if let Ok(Some(p)) = get(&app.db, id).await {
        app.realtime.to_user(
            p.user_id,
            "momo",
            &serde_json::json!({ "id": id, "state": p.state }),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn checks_back_off_to_five_minutes() {
        assert_eq!(super::next_check(0).num_seconds(), 15);
        assert_eq!(super::next_check(2).num_seconds(), 60);
        assert_eq!(super::next_check(9).num_seconds(), 300);
    }

    #[test]
    fn identifiers_are_unique_and_short() {
        let a = super::new_identifier();
        assert_ne!(a, super::new_identifier());
        assert_eq!(a.len(), 21);
    }
}

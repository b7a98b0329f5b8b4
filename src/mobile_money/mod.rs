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
pub mod repo;
pub mod routes;
mod settle;

pub use routes::{router, webhooks};
use settle::set_final;
pub use settle::{Applied, apply, check_now};

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::FromRow;

use crate::app::AppState;
use crate::config::Config;
use crate::db::Pool;
use crate::domain::Phone;
pub use provider::{Network, Provider, ProviderError, Remote, Status};

crate::text_enum! {
    /// Where an attempt stands.
    pub enum MomoState {
        /// Written, the provider not yet asked.
        Created = "created",
        /// Sent to the parent's phone: waiting for their answer.
        Pending = "pending",
        /// Credited, with its receipt.
        Paid = "paid",
        Failed = "failed",
        /// Not confirmed in time (still checked twice later).
        Expired = "expired",
        Cancelled = "cancelled",
        /// Held for the bursar (a wrong amount, or money that would overpay).
        Review = "review",
    }
}

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
    pub state: MomoState,
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
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When an unconfirmed attempt expires.
    pub expires_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The bursar's decision on a reviewed attempt.
    pub resolution: Option<String>,
}

impl Payment {
    /// Still waiting for the parent or the provider.
    pub fn open(&self) -> bool {
        matches!(self.state, MomoState::Created | MomoState::Pending)
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

pub async fn get(db: &Pool, id: i64) -> Result<Option<Payment>, sqlx::Error> {
    repo::get(db, id).await
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
    repo::origin_of_receipt(db, payment_id).await
}

/// An attempt by our identifier, else by the provider's reference.
pub async fn find(
    db: &Pool,
    identifier: Option<&str>,
    provider_ref: Option<&str>,
) -> Result<Option<Payment>, sqlx::Error> {
    repo::find(db, identifier.unwrap_or(""), provider_ref.unwrap_or("")).await
}

/// The attempts for a student, newest first.
pub async fn of_student(db: &Pool, student: i64) -> Result<Vec<Payment>, sqlx::Error> {
    repo::of_student(db, student).await
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
    #[error("nothing owed")]
    NothingOwed,
    /// The number is a fixed line: no wallet behind it.
    #[error("not a mobile number")]
    NotMobile,
    /// More than what is owed (minus attempts still open).
    #[error("more than owed")]
    MoreThanOwed(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// What can still be paid for a student: the balance, less the attempts still open.
pub async fn payable(db: &Pool, student: i64) -> Result<i64, sqlx::Error> {
    let balance = crate::fees::repo::balance(db, student).await?;
    let open = repo::open_amount(db, student).await?;
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
    if let Some(id) = repo::id_by_key_of(&app.db, &r.key, user.id).await? {
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
    repo::queue_behind_student(&mut *tx, r.student_id).await?;
    let inserted = repo::insert(
        &mut *tx,
        &repo::NewAttempt {
            identifier: &identifier,
            idempotency_key: &r.key,
            provider: provider.name(),
            network: r.network.code(),
            phone: r.phone.as_str(),
            student_id: r.student_id,
            user_id: user.id,
            amount: r.amount,
            now,
            expires_at: now + Duration::minutes(app.config.momo.expiry_minutes),
        },
    )
    .await?;
    // Checked again inside the transaction: two forms sent at once (two tabs, two parents)
    // cannot together ask more than is owed.
    if let Some(id) = inserted {
        let balance = crate::fees::repo::balance(&mut *tx, r.student_id).await?;
        let open = repo::open_amount_besides(&mut *tx, r.student_id, id).await?;
        if r.amount > balance - open {
            tx.rollback().await?;
            return Err(StartError::MoreThanOwed((balance - open).max(0)));
        }
    }
    let Some(id) = inserted else {
        // The same form, submitted twice at once: the other submission made it.
        tx.rollback().await?;
        return Ok(repo::id_by_key(&app.db, &r.key).await?);
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
    let student = repo::student_names(&app.db, p.student_id).await?;
    let parent = repo::parent_of(&app.db, p.user_id).await?;
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
    if p.state != MomoState::Created {
        return Ok(());
    }
    let collect = collect_of(app, &p).await?;
    let provider_ref = match p.provider_ref.clone() {
        Some(r) => Some(r),
        None => match provider.create(&collect).await {
            Ok(r) => {
                repo::store_provider_ref(&app.db, id, r.as_deref(), app.clock.now()).await?;
                r
            }
            Err(ProviderError::Refused(e)) => {
                tracing::warn!(id, error = %e, "mobile money refused by the provider");
                if set_final(app, id, MomoState::Failed, Some(&e)).await? {
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
            if set_final(app, id, MomoState::Failed, Some(e)).await? {
                tell(app, id).await;
            }
            return Ok(());
        }
        Err(ProviderError::Unavailable(e)) => Some(e.clone()),
    };
    // Sent, or perhaps sent: waiting for the parent. Only a row still "created" moves on
    // (a webhook may already have paid it).
    let error = error.map(|e| e.chars().take(300).collect::<String>());
    repo::mark_pending(&app.db, id, error.as_deref(), app.clock.now()).await?;
    tell(app, id).await;
    Ok(())
}

pub(super) async fn note_error(
    db: &Pool,
    id: i64,
    e: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let e: String = e.chars().take(300).collect();
    repo::note_error(db, id, &e, now).await
}

/// A provider's callback, to keep.
pub struct CallbackRow<'a> {
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
    let count = match c.payment_id {
        Some(p) => repo::count_callbacks_of(db, p).await?,
        None => repo::unmatched_callbacks_since(db, c.received_at - Duration::minutes(1)).await?,
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
    let body: String = c
        .body
        .chars()
        .take(if c.payment_id.is_some() { 8000 } else { 1000 })
        .collect();
    let signature = c.signature.map(|s| s.chars().take(300).collect::<String>());
    let identifier = c
        .identifier
        .map(|s| s.chars().take(100).collect::<String>());
    let mut tx = crate::db::begin_write(db).await?;
    repo::insert_callback(
        &mut *tx,
        &CallbackRow {
            body: &body,
            signature: signature.as_deref(),
            identifier: identifier.as_deref(),
            ..*c
        },
    )
    .await?;
    if c.payment_id.is_none() {
        repo::forget_unmatched_callbacks(&mut *tx, c.received_at - Duration::days(30)).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Queues a status check of attempt `id` now, unless one is already waiting to run: a
/// flood of callbacks for one attempt queues one check at a time. (A check that never ran,
/// its job lost, stops holding the place after two minutes.)
pub async fn ask_for_check(app: &AppState, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let asked = repo::request_check(&mut *tx, id, now, now - Duration::minutes(2)).await?;
    if asked {
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
    if asked {
        app.jobs.wake();
    }
    Ok(())
}

/// Tells the parent's open pages (and the bursar's list) that an attempt moved.
pub(super) async fn tell(app: &AppState, id: i64) {
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
    fn the_states_are_those_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<&str> = super::MomoState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            checked_words(&migrations_text(), "momo_payments", "state"),
            words
        );
    }

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

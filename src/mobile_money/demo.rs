//! The demo operator of `suku demo`: no account, no network. A collection waits on a page
//! of its own ("confirm on your phone"), where the parent accepts or refuses; the status
//! is what they answered.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

use super::provider::{
    Callback, CallbackError, Collect, Provider, ProviderError, Remote, Started, Status,
};
use crate::db::Pool;

/// The simulated operator, on the portal's own database.
#[derive(Debug)]
pub struct Demo {
    db: Pool,
    clock: crate::clock::Clock,
}

impl Demo {
    /// The demo operator.
    pub fn new(db: Pool, clock: crate::clock::Clock) -> Self {
        Demo { db, clock }
    }
}

/// The page of the simulated phone for a payment.
pub fn phone_page(identifier: &str) -> String {
    format!("/paiements/demo/{identifier}")
}

/// What the parent answered on the simulated phone.
pub async fn answer(
    db: &Pool,
    identifier: &str,
    accept: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE momo_demo SET state = $1, updated_at = $2 WHERE identifier = $3 AND state = 'pending'",
    )
    .bind(if accept { "paid" } else { "cancelled" })
    .bind(now)
    .bind(identifier)
    .execute(db)
    .await?
    .rows_affected();
    Ok(n == 1)
}

#[async_trait::async_trait]
impl Provider for Demo {
    fn name(&self) -> &'static str {
        "demo"
    }

    async fn create(&self, c: &Collect) -> Result<Option<String>, ProviderError> {
        let reference = format!(
            "DEMO{}",
            &c.identifier.replace('-', "")[..12.min(c.identifier.len())]
        );
        sqlx::query(
            "INSERT INTO momo_demo (identifier, state, amount, reference, updated_at) VALUES ($1, 'pending', $2, $3, $4) \
             ON CONFLICT (identifier) DO NOTHING",
        )
        .bind(&c.identifier)
        .bind(c.amount)
        .bind(&reference)
        .bind(self.clock.now())
        .execute(&self.db)
        .await
        .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(Some(reference))
    }

    async fn send(
        &self,
        c: &Collect,
        provider_ref: Option<&str>,
    ) -> Result<Started, ProviderError> {
        Ok(Started {
            provider_ref: provider_ref.map(str::to_string),
            redirect: Some(phone_page(&c.identifier)),
        })
    }

    async fn status(
        &self,
        identifier: &str,
        _provider_ref: Option<&str>,
    ) -> Result<Status, ProviderError> {
        let row: Option<(String, i64, String)> =
            sqlx::query_as("SELECT state, amount, reference FROM momo_demo WHERE identifier = $1")
                .bind(identifier)
                .fetch_optional(&self.db)
                .await
                .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(match row {
            None => Status {
                state: Remote::Unknown,
                amount: None,
                provider_ref: None,
                payment_ref: None,
            },
            Some((state, amount, reference)) => Status {
                state: match state.as_str() {
                    "paid" => Remote::Paid,
                    "cancelled" => Remote::Cancelled,
                    _ => Remote::Pending,
                },
                amount: Some(amount),
                provider_ref: Some(reference.clone()),
                payment_ref: Some(reference),
            },
        })
    }

    fn read_callback(
        &self,
        _headers: &HeaderMap,
        _body: &[u8],
        _now: DateTime<Utc>,
    ) -> Result<Callback, CallbackError> {
        // The demo operator never calls back over HTTP: its page confirms directly.
        Err(CallbackError::Unreadable)
    }
}

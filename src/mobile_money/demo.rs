//! The demo operator of `suku demo`: no account, no network. A collection waits on a page
//! of its own ("confirm on your phone"), where the parent accepts or refuses; the status
//! is what they answered.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

use super::provider::{
    Callback, CallbackError, Collect, Provider, ProviderError, Remote, Started, Status,
};
use crate::db::Pool;

crate::text_enum! {
    /// What the parent answered on the simulated phone.
    pub enum DemoState {
        Pending = "pending",
        Paid = "paid",
        Cancelled = "cancelled",
    }
}

/// The simulated operator, on the portal's own database.
#[derive(Debug)]
pub struct Demo {
    db: Pool,
    clock: crate::clock::Clock,
}

impl Demo {
    pub fn new(db: Pool, clock: crate::clock::Clock) -> Self {
        Demo { db, clock }
    }
}

/// The page of the simulated phone for a payment.
pub fn phone_page(identifier: &str) -> String {
    format!("/paiements/demo/{identifier}")
}

/// Records what the parent answered on the simulated phone; returns whether the
/// collection was still waiting for an answer.
pub async fn answer(
    db: &Pool,
    identifier: &str,
    accept: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let state = if accept {
        DemoState::Paid
    } else {
        DemoState::Cancelled
    };
    super::repo::demo_answer(db, identifier, state, now).await
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
        super::repo::demo_open(
            &self.db,
            &c.identifier,
            c.amount,
            &reference,
            self.clock.now(),
        )
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
        let row = super::repo::demo_status(&self.db, identifier)
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
                state: match state {
                    DemoState::Paid => Remote::Paid,
                    DemoState::Cancelled => Remote::Cancelled,
                    DemoState::Pending => Remote::Pending,
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_states_are_those_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<&str> = super::DemoState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            checked_words(&migrations_text(), "momo_demo", "state"),
            words
        );
    }
}

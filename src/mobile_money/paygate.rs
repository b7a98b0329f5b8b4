//! PayGate Global (Flooz and T-Money), as its documentation and public client libraries
//! describe it: `POST /api/v1/pay` starts a collection, `POST /api/v2/status` says where
//! it stands by our identifier, and an unsigned callback tells us it moved — so a callback
//! is only a hint: nothing is credited before a status check confirms it.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::provider::{
    Callback, CallbackError, Collect, Network, Provider, ProviderError, Remote, Started, Status,
    http_client, json_of, national,
};
use crate::config::Secret;

/// The PayGate Global client.
#[derive(Debug)]
pub struct PayGate {
    base: String,
    token: Secret,
    http: reqwest::Client,
}

impl PayGate {
    /// A client of the API at `base` with the school's `auth_token`, waiting at most
    /// `timeout_secs` for an answer.
    pub fn new(base: &str, token: Secret, timeout_secs: u64) -> Self {
        PayGate {
            base: base.trim_end_matches('/').to_string(),
            token,
            http: http_client(timeout_secs),
        }
    }
}

fn text(v: &Value, k: &str) -> Option<String> {
    match v.get(k)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int(v: &Value, k: &str) -> Option<i64> {
    match v.get(k)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

#[async_trait::async_trait]
impl Provider for PayGate {
    fn name(&self) -> &'static str {
        "paygate"
    }

    async fn create(&self, c: &Collect) -> Result<Option<String>, ProviderError> {
        // PayGate's one call registers the collection and rings the parent's phone.
        let body = json!({
            "auth_token": self.token.0,
            // The operator's own numbering: the 8 digits, without +228.
            "phone_number": national(&c.phone),
            "amount": c.amount,
            "description": c.description,
            "identifier": c.identifier,
            "network": match c.network { Network::Flooz => "FLOOZ", Network::TMoney => "TMONEY" },
        });
        let v = json_of(
            self.http
                .post(format!("{}/api/v1/pay", self.base))
                .json(&body)
                .send()
                .await,
        )
        .await?;
        match int(&v, "status") {
            Some(0) => Ok(text(&v, "tx_reference")),
            // The identifier is already registered: an earlier call went through (a retry
            // after a lost answer). The status check by identifier finds it.
            Some(6) => Ok(None),
            Some(2) => Err(ProviderError::Refused("invalid auth_token".into())),
            Some(4) => Err(ProviderError::Refused("invalid parameters".into())),
            other => Err(ProviderError::Unavailable(format!(
                "unexpected status {other:?}"
            ))),
        }
    }

    async fn send(
        &self,
        _c: &Collect,
        provider_ref: Option<&str>,
    ) -> Result<Started, ProviderError> {
        // Already sent by `create`.
        Ok(Started {
            provider_ref: provider_ref.map(str::to_string),
            redirect: None,
        })
    }

    async fn status(
        &self,
        identifier: &str,
        _provider_ref: Option<&str>,
    ) -> Result<Status, ProviderError> {
        let v = json_of(
            self.http
                .post(format!("{}/api/v2/status", self.base))
                .json(&json!({ "auth_token": self.token.0, "identifier": identifier }))
                .send()
                .await,
        )
        .await?;
        // An answer about another payment is no answer.
        if text(&v, "identifier").is_some_and(|i| i != identifier) {
            return Err(ProviderError::Unavailable(
                "answer for another identifier".into(),
            ));
        }
        // An identifier PayGate never registered: `{"error_code": 403}`, no status.
        let state = match int(&v, "status") {
            _ if v.get("error_code").is_some() => Remote::Unknown,
            Some(0) => Remote::Paid,
            Some(2) => Remote::Pending,
            Some(4) => Remote::Expired,
            Some(6) => Remote::Cancelled,
            _ => Remote::Unknown,
        };
        Ok(Status {
            state,
            // The status answer carries no amount: what was asked is what was collected.
            amount: None,
            provider_ref: text(&v, "tx_reference"),
            payment_ref: text(&v, "payment_reference"),
        })
    }

    fn read_callback(
        &self,
        _headers: &HeaderMap,
        body: &[u8],
        _now: DateTime<Utc>,
    ) -> Result<Callback, CallbackError> {
        // JSON, or a form (both are seen in the wild).
        let v: Value = serde_json::from_slice(body).unwrap_or_else(|_| {
            Value::Object(
                form_urlencoded::parse(body)
                    .into_owned()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        });
        let identifier = text(&v, "identifier");
        let provider_ref = text(&v, "tx_reference");
        if identifier.is_none() && provider_ref.is_none() {
            return Err(CallbackError::Unreadable);
        }
        Ok(Callback {
            identifier,
            provider_ref,
            verified: None,
        })
    }
}

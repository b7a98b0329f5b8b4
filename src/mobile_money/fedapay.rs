//! FedaPay (Togo modes `moov_tg` for Flooz and `togocel` for T-Money): a bearer-key API, as
//! its documentation and its official libraries (fedapay-php, fedapay-node) use it. A
//! collection is a transaction (`POST /v1/transactions`, our identifier in its
//! `custom_metadata`, the customer with the e-mail FedaPay requires and the national number
//! with `country: "tg"`), a token for it (`POST /v1/transactions/{id}/token`), then the
//! mobile money request without redirection (`POST /v1/{mode}`, the libraries'
//! `sendNowWithToken`). It is asked about by its id (`GET /v1/transactions/{id}`): FedaPay
//! publishes no lookup by a reference of ours. Webhooks are signed:
//! `X-FEDAPAY-SIGNATURE: t=…,s=…`, the HMAC-SHA256 of `t.payload` with the webhook secret,
//! accepted within five minutes.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::provider::{
    Callback, CallbackError, Collect, Provider, ProviderError, Remote, Started, Status,
    http_client, json_of, national,
};
use crate::config::Secret;

/// How far a webhook's timestamp may be from our clock.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug)]
pub struct FedaPay {
    base: String,
    key: Secret,
    webhook_secret: Secret,
    http: reqwest::Client,
}

impl FedaPay {
    /// A client of the API at `base` (sandbox or live) with the school's keys, waiting at
    /// most `timeout_secs` for an answer.
    pub fn new(base: &str, key: Secret, webhook_secret: Secret, timeout_secs: u64) -> Self {
        FedaPay {
            base: base.trim_end_matches('/').to_string(),
            key,
            webhook_secret,
            http: http_client(timeout_secs),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ProviderError> {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key.0);
        if let Some(b) = body {
            r = r.json(&b);
        }
        json_of(r.send().await).await
    }
}

/// The transaction object of an answer (`{"v1/transaction": {…}}`) or of a webhook
/// (`{"entity": {…}}`).
fn transaction(v: &Value) -> Option<&Value> {
    v.get("v1/transaction")
        .or_else(|| v.get("transaction"))
        .or_else(|| v.get("entity"))
        .filter(|t| t.is_object())
}

fn status_of(t: &Value) -> Status {
    let state = match t.get("status").and_then(Value::as_str).unwrap_or("") {
        "approved" | "transferred" => Remote::Paid,
        "pending" => Remote::Pending,
        // Refunded: the money went back to the parent.
        "declined" | "refunded" => Remote::Failed,
        "canceled" | "cancelled" => Remote::Cancelled,
        "expired" => Remote::Expired,
        _ => Remote::Unknown,
    };
    Status {
        state,
        amount: t.get("amount").and_then(Value::as_i64),
        provider_ref: t.get("id").map(|i| match i {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
        payment_ref: t
            .get("transaction_key")
            .or_else(|| t.get("reference"))
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

/// Where our identifier goes in a transaction's `custom_metadata`.
const METADATA_KEY: &str = "suku_identifier";

/// Our identifier, as a transaction carries it back.
fn ours(t: &Value) -> Option<&str> {
    t.get("custom_metadata")
        .and_then(|m| m.get(METADATA_KEY))
        .and_then(Value::as_str)
}

/// `hex(HMAC-SHA256(secret, "t.payload"))`.
pub fn sign(secret: &str, t: i64, payload: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(payload);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks `X-FEDAPAY-SIGNATURE` over `payload` at `now`.
pub fn verify(secret: &str, header: &str, payload: &[u8], now: DateTime<Utc>) -> bool {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("s", v)) => sigs.push(v.to_ascii_lowercase()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if secret.is_empty() || (now.timestamp() - t).abs() > TOLERANCE_SECS {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(payload);
    // Constant-time comparison, for each signature offered (a key rotation sends two).
    sigs.iter().any(|s| {
        let Some(bytes) = (0..s.len())
            .step_by(2)
            .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        mac.clone().verify_slice(&bytes).is_ok()
    })
}

#[async_trait::async_trait]
impl Provider for FedaPay {
    fn name(&self) -> &'static str {
        "fedapay"
    }

    async fn create(&self, c: &Collect) -> Result<Option<String>, ProviderError> {
        // FedaPay publishes no lookup by a reference of ours: the transaction's id, kept as
        // soon as this answer arrives, is how it is asked about later. Our identifier goes
        // in `custom_metadata` (documented, and sent back in webhooks) to match a webhook
        // whose transaction we never heard of (an answer lost on the way back).
        let created = self
            .call(
                reqwest::Method::POST,
                "/v1/transactions",
                Some(json!({
                    "description": c.description,
                    "amount": c.amount,
                    "currency": { "iso": "XOF" },
                    "callback_url": c.return_url,
                    "custom_metadata": { METADATA_KEY: c.identifier },
                    "customer": {
                        "firstname": c.first_name,
                        "lastname": c.last_name,
                        "email": c.email,
                        "phone_number": { "number": national(&c.phone), "country": "tg" },
                    },
                })),
            )
            .await?;
        let t = transaction(&created)
            .ok_or_else(|| ProviderError::Unavailable("no transaction in the answer".into()))?;
        let id = status_of(t)
            .provider_ref
            .ok_or_else(|| ProviderError::Unavailable("transaction without id".into()))?;
        Ok(Some(id))
    }

    async fn send(
        &self,
        c: &Collect,
        provider_ref: Option<&str>,
    ) -> Result<Started, ProviderError> {
        let id =
            provider_ref.ok_or_else(|| ProviderError::Refused("no transaction to send".into()))?;
        // A token whose answer is lost rang no phone: the whole step may be tried again.
        let not_sent = |e: ProviderError| match e {
            ProviderError::Unavailable(m) => ProviderError::NotSent(format!("token: {m}")),
            other => other,
        };
        let token = self
            .call(
                reqwest::Method::POST,
                &format!("/v1/transactions/{id}/token"),
                None,
            )
            .await
            .map_err(not_sent)?;
        let tok = token
            .get("token")
            .cloned()
            .ok_or_else(|| ProviderError::NotSent("no token".into()))?;
        // The official libraries' `sendNowWithToken(mode, token)`: `POST /v1/{mode}`.
        self.call(
            reqwest::Method::POST,
            &format!("/v1/{}", c.network.fedapay_mode()),
            Some(json!({
                "token": tok,
                "phone_number": { "number": national(&c.phone), "country": "tg" },
            })),
        )
        .await?;
        Ok(Started {
            provider_ref: Some(id.to_string()),
            redirect: None,
        })
    }

    async fn status(
        &self,
        identifier: &str,
        provider_ref: Option<&str>,
    ) -> Result<Status, ProviderError> {
        let unknown = Status {
            state: Remote::Unknown,
            amount: None,
            provider_ref: None,
            payment_ref: None,
        };
        // Without the transaction's id there is nothing to ask: its webhook will tell.
        let Some(id) = provider_ref else {
            return Ok(unknown);
        };
        let v = match self
            .call(
                reqwest::Method::GET,
                &format!("/v1/transactions/{id}"),
                None,
            )
            .await
        {
            Err(ProviderError::Refused(e)) if e.starts_with("404") => return Ok(unknown),
            other => other?,
        };
        let t = transaction(&v)
            .ok_or_else(|| ProviderError::Unavailable("no transaction in the answer".into()))?;
        if ours(t).is_some_and(|r| r != identifier) {
            return Err(ProviderError::Unavailable(
                "answer for another payment".into(),
            ));
        }
        Ok(status_of(t))
    }

    fn read_callback(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Callback, CallbackError> {
        let header = headers
            .get("x-fedapay-signature")
            .and_then(|v| v.to_str().ok())
            .ok_or(CallbackError::BadSignature)?;
        if !verify(&self.webhook_secret.0, header, body, now) {
            return Err(CallbackError::BadSignature);
        }
        let v: Value = serde_json::from_slice(body).map_err(|_| CallbackError::Unreadable)?;
        let t = transaction(&v).ok_or(CallbackError::Unreadable)?;
        let status = status_of(t);
        Ok(Callback {
            identifier: ours(t).map(str::to_string),
            provider_ref: status.provider_ref.clone(),
            verified: Some(status),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_with_a_clock_tolerance() {
        let now = crate::clock::wall();
        let body = br#"{"name":"transaction.approved"}"#;
        let t = now.timestamp() - 10;
        let header = format!("t={t},s={}", sign("whsec", t, body));
        assert!(verify("whsec", &header, body, now));
        assert!(!verify("other", &header, body, now), "another secret");
        assert!(!verify("whsec", &header, b"{}", now), "another body");
        let old = now.timestamp() - TOLERANCE_SECS - 1;
        let stale = format!("t={old},s={}", sign("whsec", old, body));
        assert!(!verify("whsec", &stale, body, now), "too old");
        assert!(!verify("whsec", "s=abcd", body, now), "no timestamp");
        assert!(!verify("", &header, body, now), "no secret configured");
    }
}

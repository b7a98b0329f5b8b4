//! What Suku asks of a mobile money aggregator, whichever it is: start a collection on a
//! parent's phone, say where a payment stands, and read the callbacks it sends.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};

/// The two Togolese networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// Flooz, by Moov Africa Togo.
    Flooz,
    /// T-Money (Mixx by Yas), by Togocel.
    TMoney,
}

impl Network {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Network::Flooz => "flooz",
            Network::TMoney => "tmoney",
        }
    }

    pub fn parse(s: &str) -> Option<Network> {
        match s {
            "flooz" => Some(Network::Flooz),
            "tmoney" => Some(Network::TMoney),
            _ => None,
        }
    }

    /// The network a `+228` mobile number was first given to, from its prefix, as
    /// libphonenumber's carrier data has it (Togocel: 70, 71, 90–93, 97; Moov Africa: 79,
    /// 96, 98, 99). Only a first choice: numbers keep their network when they move (number
    /// portability, since 2024), and the parent can change it.
    pub fn guess(phone: &str) -> Option<Network> {
        let local = phone.strip_prefix("+228")?;
        match local.get(0..2)? {
            "70" | "71" | "90" | "91" | "92" | "93" | "97" => Some(Network::TMoney),
            "79" | "96" | "98" | "99" => Some(Network::Flooz),
            _ => None,
        }
    }

    /// The name of the mode FedaPay gives this network (its "modes without redirection":
    /// `moov_tg` for Moov Africa's Flooz, `togocel` for Mixx by Yas, formerly T-Money).
    pub fn fedapay_mode(self) -> &'static str {
        match self {
            Network::Flooz => "moov_tg",
            Network::TMoney => "togocel",
        }
    }
}

/// Whether a `+228` number can hold a mobile money account: a mobile line, not a fixed
/// one (Togo's fixed numbers start with 2).
pub fn is_mobile(phone: &str) -> bool {
    phone
        .strip_prefix("+228")
        .is_some_and(|l| l.len() == 8 && matches!(l.as_bytes()[0], b'7' | b'9'))
}

/// The 8 digits of a `+228` number, as the operators write it.
pub fn national(phone: &str) -> &str {
    phone.strip_prefix("+228").unwrap_or(phone)
}

/// A collection to start.
#[derive(Clone, Debug)]
pub struct Collect {
    /// Our identifier, unique, sent to the provider.
    pub identifier: String,
    /// XOF.
    pub amount: i64,
    /// `+228` and 8 digits.
    pub phone: String,
    pub network: Network,
    /// What the parent's phone shows ("Frais de scolarité — Elom").
    pub description: String,
    /// The payer's names, for providers that keep customers.
    pub first_name: String,
    pub last_name: String,
    /// An e-mail for providers that require one of their customer (FedaPay): the parent's,
    /// or the school's when the parent has none.
    pub email: String,
    /// Where the provider sends the parent back (hosted pages).
    pub return_url: String,
}

/// Where a payment stands at the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remote {
    /// Paid: the money is collected.
    Paid,
    /// Waiting for the parent's confirmation.
    Pending,
    /// Refused, failed or reversed by the operator.
    Failed,
    /// Not confirmed in time.
    Expired,
    /// Cancelled by the parent.
    Cancelled,
    /// The provider does not know this payment.
    Unknown,
}

/// A provider's answer about one payment.
#[derive(Clone, Debug)]
pub struct Status {
    pub state: Remote,
    /// The amount collected, when the provider says it.
    pub amount: Option<i64>,
    /// The provider's reference of the transaction.
    pub provider_ref: Option<String>,
    /// The operator's reference (what the parent's SMS shows).
    pub payment_ref: Option<String>,
}

/// What a started collection gave.
#[derive(Clone, Debug)]
pub struct Started {
    /// The provider's reference, when it answered with one.
    pub provider_ref: Option<String>,
    /// A page of the provider the parent must open, if the flow needs one.
    pub redirect: Option<String>,
}

/// What a callback says, once read. An amount it carries unsigned is never read: only the
/// provider's own answer, or a signed callback, says what was collected.
#[derive(Clone, Debug)]
pub struct Callback {
    /// Our identifier, if it carries it.
    pub identifier: Option<String>,
    pub provider_ref: Option<String>,
    /// Set when the callback is signed and verified: its word is enough. Unsigned
    /// callbacks are only a hint to check with the provider.
    pub verified: Option<Status>,
}

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused our request (bad key, bad parameters): not worth retrying.
    #[error("refused: {0}")]
    Refused(String),
    /// The provider failed, or its answer was lost (a timeout, a 5xx): it may have acted.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The request never reached the provider (no connection): safe to send again.
    #[error("not sent: {0}")]
    NotSent(String),
}

/// Why a callback was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CallbackError {
    /// Not the shape the provider sends.
    #[error("unreadable callback")]
    Unreadable,
    /// A signature is required and missing, wrong or too old.
    #[error("bad signature")]
    BadSignature,
}

/// A mobile money aggregator.
#[async_trait::async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// Its stored name.
    fn name(&self) -> &'static str;

    /// Registers the collection `c` at the provider; returns the provider's reference when
    /// its answer carries one. Called again after a lost answer, it must not collect twice
    /// (PayGate refuses a known identifier; a FedaPay transaction is only collected once
    /// its request is sent).
    async fn create(&self, c: &Collect) -> Result<Option<String>, ProviderError>;

    /// Sends the request to the parent's phone for a collection created as `provider_ref`.
    /// Called once: a lost answer may mean the phone already rings.
    async fn send(&self, c: &Collect, provider_ref: Option<&str>)
    -> Result<Started, ProviderError>;

    /// Asks where the payment `identifier` (the provider's `provider_ref` if known) stands.
    async fn status(
        &self,
        identifier: &str,
        provider_ref: Option<&str>,
    ) -> Result<Status, ProviderError>;

    /// Reads a callback's body (and headers, for its signature) received at `now`.
    fn read_callback(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Callback, CallbackError>;
}

/// The HTTP client providers share: short timeouts (a parent is waiting), no redirects.
pub fn http_client(timeout_secs: u64) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(timeout_secs.max(1)))
        .connect_timeout(std::time::Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Turns a transport failure or a 5xx into [`ProviderError::Unavailable`], a 4xx into
/// [`ProviderError::Refused`]; returns the JSON body otherwise.
pub async fn json_of(
    r: Result<reqwest::Response, reqwest::Error>,
) -> Result<serde_json::Value, ProviderError> {
    let r = r.map_err(|e| {
        if e.is_connect() {
            ProviderError::NotSent(without_url(&e))
        } else {
            ProviderError::Unavailable(without_url(&e))
        }
    })?;
    let status = r.status();
    let text = r
        .text()
        .await
        .map_err(|e| ProviderError::Unavailable(without_url(&e)))?;
    let short: String = text.chars().take(200).collect();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(ProviderError::Unavailable(format!("{status} {short}")));
    }
    if !status.is_success() {
        return Err(ProviderError::Refused(format!("{status} {short}")));
    }
    serde_json::from_str(&text)
        .map_err(|_| ProviderError::Unavailable(format!("{status}: not JSON: {short}")))
}

/// A transport error without its URL (which may carry a key in a query string).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "transport error"
    };
    kind.to_string()
}

#[cfg(test)]
mod tests {
    use super::Network;

    #[test]
    fn the_network_is_guessed_from_the_prefix() {
        assert_eq!(Network::guess("+22890123456"), Some(Network::TMoney));
        assert_eq!(Network::guess("+22870123456"), Some(Network::TMoney));
        assert_eq!(Network::guess("+22897123456"), Some(Network::TMoney));
        assert_eq!(Network::guess("+22899123456"), Some(Network::Flooz));
        assert_eq!(Network::guess("+22879123456"), Some(Network::Flooz));
        assert_eq!(Network::guess("+22894123456"), None);
        assert_eq!(Network::guess("+22822123456"), None);
        assert_eq!(Network::guess("90123456"), None);
    }

    #[test]
    fn fixed_lines_hold_no_wallet() {
        assert!(super::is_mobile("+22890123456"));
        assert!(super::is_mobile("+22879123456"));
        assert!(!super::is_mobile("+22822123456"));
        assert!(!super::is_mobile("+2289012345"));
        assert_eq!(super::national("+22890123456"), "90123456");
    }
}

//! Loopback servers that behave like the mobile money aggregators' published APIs, with
//! switches for their failure modes. They are written from the providers' documents and
//! official SDKs, never from Suku's client: a fault in the client shows as a failing test.
//!
//! PayGate Global, from its integration guide ("Guide d'Intégration", paygateglobal.com,
//! merchant area; also quoted by the public clients github.com/bienvenuelisis/flutter_paygateglobal
//! `README.md`, `lib/paygate/api/v1/*`, `lib/paygate/api/v2/verify_transaction.dart`, and
//! github.com/filanodev/paygate-js-sdk `packages/core/src/constants.ts`, `client.ts`):
//! - `POST /api/v1/pay` `{auth_token, phone_number, amount, description?, identifier,
//!   network: FLOOZ|TMONEY}` → HTTP 200 `{tx_reference, status}`, status 0 registered,
//!   2 invalid token, 4 invalid parameters, 6 duplicate identifier;
//! - `POST /api/v1/status` `{auth_token, tx_reference}` and `POST /api/v2/status`
//!   `{auth_token, identifier}` → `{tx_reference, payment_reference, status, datetime,
//!   payment_method}` (v1 also `identifier`), status 0 paid, 2 pending, 4 expired,
//!   6 cancelled; **no amount**. An unknown reference answers HTTP 200 `{"error_code": 403}`
//!   (not in the guide copies found; this is the reported behaviour);
//! - the callback, POSTed **only once a payment succeeded**, unsigned, `{tx_reference,
//!   identifier, payment_reference, amount, datetime, payment_method, phone_number}`: its
//!   `amount` is the only place the collected amount appears.
//!
//! FedaPay, from docs.fedapay.com (api-reference/transactions/{create,get-all,send-payment}.md,
//! integration-api/en/{sending-requests,collects-management,customer-management,webhooks}-en,
//! development/webhooks, payment-methods/fr/payment-methods-fr.md) and the official SDKs
//! github.com/fedapay/fedapay-php (`lib/Transaction.php`, `lib/WebhookSignature.php`,
//! `lib/Error/Base.php`, `tests/TransactionTest.php`), github.com/fedapay/fedapay-node
//! (`src/Transaction.ts`, `src/Requestor.ts`, `src/Webhook.ts`, `src/Error.ts`,
//! `test/TransactionTest.ts`) and github.com/fedapay/fedapay-ruby
//! (`lib/fedapay/transaction.rb`, `lib/fedapay/webhook_signature.rb`):
//! - `Authorization: Bearer <secret key>`; every path under `/v1`;
//! - `POST /v1/transactions` `{description, amount, currency: {iso}, callback_url?,
//!   custom_metadata?, customer?: {firstname, lastname, email, phone_number: {number,
//!   country}}}` → `{"v1/transaction": {…}}`;
//! - `POST /v1/transactions/{id}/token` → `{token, url}`;
//! - `POST /v1/{mode}` `{token, phone_number?}` → `{"message": "success"}`: the push without
//!   redirection, as the SDKs' `sendNowWithToken` sends it (`'/' + mode`); the OpenAPI page
//!   says `/transactions/{mode}` instead, the SDKs and their tests say `/v1/{mode}`;
//! - `GET /v1/transactions/{id}` → `{"v1/transaction": {…}}`;
//! - no lookup by merchant reference: none is published;
//! - errors `{"message", "errors": {field: [..]}}` (the SDKs read these two keys);
//! - webhooks `{name, object, entity}` signed `X-FEDAPAY-SIGNATURE: t=<unix>,s=<hex
//!   HMAC-SHA256(secret, "<t>.<raw body>")>`.
//!
//! Every step a client calls can be switched to fail ([`Fault`]), per call, in order.

// Switches and helpers are armed by some tests only.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

/// One collection at the fake aggregator.
#[derive(Clone, Debug)]
pub struct Tx {
    /// PayGate's `tx_reference`, FedaPay's transaction `id`.
    pub id: i64,
    /// PayGate: the merchant's `identifier`. FedaPay: the `merchant_reference` sent at
    /// creation, if any (FedaPay publishes no lookup by it).
    pub identifier: String,
    /// The amount asked.
    pub amount: i64,
    /// The phone number as the client wrote it.
    pub phone: String,
    /// `FLOOZ` or `TMONEY` (FedaPay: from the push's mode, `moov_tg` or `togocel`; empty
    /// until pushed).
    pub network: String,
    /// PayGate's payment codes: 0 paid, 2 pending, 4 expired, 6 cancelled. For FedaPay, the
    /// same code as [`Fake::settle`] was given (see `fedapay` for the real status).
    pub status: i64,
    /// The operator's reference (PayGate `payment_reference`, FedaPay `transaction_key`).
    pub payment_reference: String,
    /// What the operator actually collected, once paid (PayGate shows it only in the
    /// callback's `amount`).
    pub collected: Option<i64>,
    /// FedaPay's side of the transaction.
    pub fedapay: Option<FedaPayTx>,
}

/// What FedaPay keeps of a transaction.
#[derive(Clone, Debug, Default)]
pub struct FedaPayTx {
    /// `pending`, `approved`, `declined`, `canceled`, `refunded`, `transferred`.
    pub status: String,
    pub description: String,
    pub callback_url: Value,
    pub custom_metadata: Value,
    pub merchant_reference: Value,
    pub customer: Value,
    /// The mode of the last push (`moov_tg`, `togocel`, …), if any.
    pub mode: Option<String>,
    /// Tokens minted for it (`POST /v1/transactions/{id}/token`).
    pub tokens: Vec<String>,
    /// Pushes sent to the phone.
    pub pushes: usize,
}

/// A failure a test arms for one call of one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// Answer this HTTP status without doing anything (PayGate: a plain text body; FedaPay:
    /// `{"message": …}`).
    Status(u16),
    /// Do the work (register, push, …), then hold the answer this long: past the client's
    /// timeout, it is lost.
    ActThenDelay(Duration),
    /// Do the work, then close the connection without answering.
    ActThenDrop,
}

/// The switches a test sets, and what the fake saw.
///
/// Each `*_faults` list is consumed from the front, one entry per call of that step.
#[derive(Default)]
pub struct Switches {
    /// PayGate: answer the next `pay` calls with a 500, without registering.
    pub pay_errors: usize,
    /// PayGate: answer the next status calls (v1 or v2) with a 503.
    pub status_errors: usize,
    /// Delay every answer (after the work is done: a slow provider that did act).
    pub delay: Duration,
    /// PayGate `POST /api/v1/pay`.
    pub pay_faults: Vec<Fault>,
    /// PayGate `POST /api/v1/status` and `/api/v2/status`.
    pub status_faults: Vec<Fault>,
    /// FedaPay `POST /v1/transactions`.
    pub create_faults: Vec<Fault>,
    /// FedaPay `POST /v1/transactions/{id}/token`.
    pub token_faults: Vec<Fault>,
    /// FedaPay `POST /v1/{mode}` (the push).
    pub send_faults: Vec<Fault>,
    /// FedaPay `GET /v1/transactions/{id}`.
    pub get_faults: Vec<Fault>,
    /// PayGate: the operator collects this instead of the asked amount. It shows only in
    /// the callback's `amount` (the status answer has no amount).
    pub collect_instead: Option<i64>,
    /// PayGate: the parent approves at once, and the (success) callback is sent before
    /// `pay` answers.
    pub pay_at_once: bool,
    /// Where callbacks and webhooks go (Suku's URL), if anywhere.
    pub callback_url: Option<String>,
    /// FedaPay's webhook secret.
    pub webhook_secret: String,
    /// Calls seen, by name: `pay`, `status` (PayGate v2, FedaPay get), `status-v1`,
    /// `create`, `token`, `send-{mode}`.
    pub calls: Vec<String>,
    /// The JSON bodies received, with the call's name.
    pub bodies: Vec<(String, Value)>,
}

#[derive(Clone, Default)]
pub struct Fake {
    pub txs: Arc<Mutex<Vec<Tx>>>,
    pub sw: Arc<Mutex<Switches>>,
    token: String,
}

pub struct Served {
    pub url: String,
    pub fake: Fake,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(router: Router, fake: Fake) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    Served { url, fake, task }
}

#[derive(Clone, Copy)]
enum Step {
    Pay,
    Status,
    Create,
    Token,
    Send,
    Get,
}

impl Fake {
    fn log(&self, what: &str, body: Option<&Value>) {
        let mut sw = self.sw.lock().unwrap();
        sw.calls.push(what.to_string());
        if let Some(b) = body {
            sw.bodies.push((what.to_string(), b.clone()));
        }
    }

    /// How many calls of this name the fake saw.
    pub fn calls(&self, what: &str) -> usize {
        self.sw
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| *c == what)
            .count()
    }

    fn delay(&self) -> Duration {
        self.sw.lock().unwrap().delay
    }

    fn take_fault(&self, step: Step) -> Option<Fault> {
        let mut sw = self.sw.lock().unwrap();
        let list = match step {
            Step::Pay => &mut sw.pay_faults,
            Step::Status => &mut sw.status_faults,
            Step::Create => &mut sw.create_faults,
            Step::Token => &mut sw.token_faults,
            Step::Send => &mut sw.send_faults,
            Step::Get => &mut sw.get_faults,
        };
        if list.is_empty() {
            None
        } else {
            Some(list.remove(0))
        }
    }

    /// Sends an answer after the work is done: late (the `delay` switch, or
    /// [`Fault::ActThenDelay`]), or never ([`Fault::ActThenDrop`]).
    async fn answer(&self, fault: Option<Fault>, response: Response) -> Response {
        tokio::time::sleep(self.delay()).await;
        match fault {
            Some(Fault::ActThenDelay(d)) => {
                tokio::time::sleep(d).await;
                response
            }
            Some(Fault::ActThenDrop) => {
                // Unwinding out of the handler ends the connection's task: the socket is
                // closed with no answer written. `resume_unwind` skips the panic hook, so
                // nothing is printed.
                std::panic::resume_unwind(Box::new("connection dropped by the fake"))
            }
            _ => response,
        }
    }

    /// The collection the fake holds for this identifier: PayGate's `identifier`; for
    /// FedaPay, the `merchant_reference`, any string in `custom_metadata`, or the
    /// transaction id. The latest one if several match (FedaPay does not refuse duplicates).
    pub fn tx(&self, identifier: &str) -> Option<Tx> {
        self.txs
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|t| tx_matches(t, identifier))
            .cloned()
    }

    /// Every collection matching the identifier, oldest first (duplicates show here).
    pub fn txs_for(&self, identifier: &str) -> Vec<Tx> {
        self.txs
            .lock()
            .unwrap()
            .iter()
            .filter(|t| tx_matches(t, identifier))
            .cloned()
            .collect()
    }

    /// The operator's side: the parent approved (or refused) on their phone, or the request
    /// expired. `status` is PayGate's code (0 paid, 2 pending, 4 expired, 6 cancelled); for
    /// FedaPay it maps to `approved`, `pending`, `declined`, `canceled` (see
    /// [`Fake::settle_fedapay`]). Returns the collected amount (0 unless paid).
    ///
    /// Nothing is sent: PayGate calls back only on success, see [`Fake::paygate_notify`].
    pub fn settle(&self, identifier: &str, status: i64) -> i64 {
        let is_fedapay = self
            .tx(identifier)
            .expect("known collection")
            .fedapay
            .is_some();
        if is_fedapay {
            let name = match status {
                0 => "approved",
                2 => "pending",
                6 => "canceled",
                _ => "declined",
            };
            self.settle_fedapay(identifier, name);
            return if status == 0 {
                self.tx(identifier).unwrap().amount
            } else {
                0
            };
        }
        let collect = self.sw.lock().unwrap().collect_instead;
        let mut txs = self.txs.lock().unwrap();
        let t = txs
            .iter_mut()
            .rev()
            .find(|t| tx_matches(t, identifier))
            .expect("known collection");
        t.status = status;
        t.collected = (status == 0).then(|| collect.unwrap_or(t.amount));
        t.collected.unwrap_or(0)
    }

    /// FedaPay's side: the transaction takes one of its published statuses (`approved`,
    /// `declined`, `canceled`, `refunded`, `transferred`, `pending`). Approving needs a push
    /// to have been sent: the parent approves on the phone that received it.
    pub fn settle_fedapay(&self, identifier: &str, status: &str) {
        assert!(
            matches!(
                status,
                "pending" | "approved" | "declined" | "canceled" | "refunded" | "transferred"
            ),
            "not a FedaPay status: {status}"
        );
        let mut txs = self.txs.lock().unwrap();
        let t = txs
            .iter_mut()
            .rev()
            .find(|t| tx_matches(t, identifier) && t.fedapay.is_some())
            .expect("known FedaPay transaction");
        let fp = t.fedapay.as_mut().unwrap();
        if matches!(status, "approved" | "transferred") {
            assert!(
                fp.pushes > 0,
                "FedaPay transaction {} was never pushed to a phone (POST /v1/{{mode}}): \
                 nobody could approve it",
                t.id
            );
        }
        fp.status = status.to_string();
        t.status = match status {
            "approved" | "transferred" => 0,
            "pending" => 2,
            "canceled" => 6,
            _ => 4,
        };
        t.collected = (t.status == 0).then_some(t.amount);
    }

    /// The body of PayGate's callback for a collection (guide: "Recevoir une confirmation
    /// de paiement"), `amount` being what was collected. PayGate itself sends it only after
    /// a successful payment ([`Fake::paygate_notify`]); for any other collection this is
    /// what a forger could post (the callback is unsigned and has no status).
    pub fn paygate_callback(&self, identifier: &str) -> Value {
        let t = self.tx(identifier).unwrap();
        json!({
            "tx_reference": t.id.to_string(),
            "identifier": t.identifier,
            "payment_reference": t.payment_reference,
            "amount": t.collected.unwrap_or(t.amount),
            "datetime": "2026-11-24 10:00:00",
            "payment_method": payment_method(&t.network),
            "phone_number": t.phone,
        })
    }

    /// Sends PayGate's callback as PayGate does: only for a paid collection, to the
    /// callback URL. Returns Suku's status, or `None` when PayGate would send nothing.
    pub async fn paygate_notify(&self, identifier: &str) -> Option<u16> {
        let t = self.tx(identifier)?;
        if t.status != 0 {
            return None;
        }
        let body = self.paygate_callback(identifier);
        Some(self.send(&body, &[]).await)
    }

    /// Posts a body to Suku's webhook as the provider does; returns the status.
    pub async fn send(&self, body: &Value, headers: &[(&str, String)]) -> u16 {
        let url = self
            .sw
            .lock()
            .unwrap()
            .callback_url
            .clone()
            .expect("callback url");
        let mut r = reqwest::Client::new().post(url).json(body);
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        r.send().await.unwrap().status().as_u16()
    }

    /// Posts raw bytes (a signed body must reach Suku byte for byte).
    pub async fn send_raw(&self, body: Vec<u8>, headers: &[(&str, String)]) -> u16 {
        let url = self
            .sw
            .lock()
            .unwrap()
            .callback_url
            .clone()
            .expect("callback url");
        let mut r = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            r = r.header(*k, v);
        }
        r.send().await.unwrap().status().as_u16()
    }

    /// FedaPay's webhook event for a transaction, as FedaPay posts it: `{name, object:
    /// "transaction", entity}`, the name following the status (`transaction.approved`,
    /// `transaction.declined`, `transaction.canceled`, `transaction.transferred`,
    /// `transaction.created` while pending). Unsigned: sign with [`fedapay_signature`].
    pub fn fedapay_event(&self, identifier: &str) -> Value {
        let t = self.tx(identifier).unwrap();
        let status = t
            .fedapay
            .as_ref()
            .map(|f| f.status.clone())
            .unwrap_or_default();
        let name = match status.as_str() {
            "pending" => "transaction.created".to_string(),
            s => format!("transaction.{s}"),
        };
        json!({
            "name": name,
            "object": "transaction",
            "entity": fedapay_transaction(&t),
        })
    }

    /// Sends the transaction's webhook as FedaPay does: signed now with the fake's secret,
    /// in `X-FEDAPAY-SIGNATURE`. Returns Suku's status.
    pub async fn fedapay_deliver(&self, identifier: &str) -> u16 {
        let body = serde_json::to_vec(&self.fedapay_event(identifier)).unwrap();
        let secret = self.sw.lock().unwrap().webhook_secret.clone();
        let header = fedapay_signature(&secret, chrono::Utc::now().timestamp(), &body);
        self.send_raw(body, &[("x-fedapay-signature", header)])
            .await
    }
}

fn tx_matches(t: &Tx, identifier: &str) -> bool {
    if !t.identifier.is_empty() && t.identifier == identifier {
        return true;
    }
    match &t.fedapay {
        Some(fp) => {
            t.id.to_string() == identifier
                || fp
                    .custom_metadata
                    .as_object()
                    .is_some_and(|m| m.values().any(|v| v.as_str() == Some(identifier)))
        }
        None => false,
    }
}

/// The callback's and status's `payment_method` (guide: "FLOOZ, T-Money").
fn payment_method(network: &str) -> &'static str {
    if network == "FLOOZ" {
        "FLOOZ"
    } else {
        "T-Money"
    }
}

// ---------------------------------------------------------------------------------------
// PayGate Global
// ---------------------------------------------------------------------------------------

/// A fake PayGate Global, answering for the `auth_token` "pg-token".
pub async fn paygate() -> Served {
    let fake = Fake {
        token: "pg-token".into(),
        ..Default::default()
    };
    let router = Router::new()
        .route("/api/v1/pay", post(pg_pay))
        .route("/api/v1/status", post(pg_status_v1))
        .route("/api/v2/status", post(pg_status_v2))
        .with_state(fake.clone());
    serve(router, fake).await
}

/// An amount as the guide allows it: FCFA, no currency, whole (a JSON integer, or digits).
fn whole_amount(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}

/// `POST /api/v1/pay` — guide, "Demander un paiement - Méthode 1": parameters
/// `auth_token, phone_number, amount, description (optional), identifier (unique),
/// network (FLOOZ, TMONEY)`; answer `{tx_reference, status}` with 0 registered, 2 invalid
/// token, 4 invalid parameters, 6 duplicate identifier (all HTTP 200: the clients read the
/// JSON `status`).
async fn pg_pay(State(f): State<Fake>, Json(b): Json<Value>) -> Response {
    f.log("pay", Some(&b));
    {
        let mut sw = f.sw.lock().unwrap();
        if sw.pay_errors > 0 {
            sw.pay_errors -= 1;
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream error").into_response();
        }
    }
    let fault = f.take_fault(Step::Pay);
    if let Some(Fault::Status(code)) = fault {
        return (status_code(code), "upstream error").into_response();
    }
    if b["auth_token"].as_str() != Some(f.token.as_str()) {
        return f
            .answer(fault, Json(json!({ "status": 2 })).into_response())
            .await;
    }
    let phone = b["phone_number"].as_str().unwrap_or("");
    let network = b["network"].as_str().unwrap_or("");
    let identifier = b["identifier"].as_str().unwrap_or("").to_string();
    let amount = whole_amount(&b["amount"]).unwrap_or(0);
    let description_ok = b["description"].is_null() || b["description"].is_string();
    // The guide does not write the number's format; the public clients send the 8 national
    // digits (flutter_paygateglobal README: `phoneNumber: '90010203'`).
    if phone.len() != 8
        || !phone.bytes().all(|c| c.is_ascii_digit())
        || !matches!(network, "FLOOZ" | "TMONEY")
        || identifier.is_empty()
        || amount <= 0
        || !description_ok
    {
        return f
            .answer(fault, Json(json!({ "status": 4 })).into_response())
            .await;
    }
    let registered = {
        let mut txs = f.txs.lock().unwrap();
        if txs.iter().any(|t| t.identifier == identifier) {
            None
        } else {
            let id = 7_000_000 + txs.len() as i64;
            txs.push(Tx {
                id,
                identifier: identifier.clone(),
                amount,
                phone: phone.into(),
                network: network.into(),
                status: 2,
                payment_reference: format!("OP{id}"),
                collected: None,
                fedapay: None,
            });
            Some(id)
        }
    };
    let Some(id) = registered else {
        return f
            .answer(fault, Json(json!({ "status": 6 })).into_response())
            .await;
    };
    if f.sw.lock().unwrap().pay_at_once {
        // The parent approves at once; the operator calls back (a success: PayGate calls
        // back only then) before this answer leaves.
        f.settle(&identifier, 0);
        assert_eq!(f.paygate_notify(&identifier).await, Some(200));
    }
    f.answer(
        fault,
        Json(json!({ "tx_reference": id.to_string(), "status": 0 })).into_response(),
    )
    .await
}

/// The status answer (guide, "Vérifier l'état d'un paiement"; v2 fields `tx_reference,
/// payment_reference, status, datetime, payment_method`, v1 also `identifier`): no amount.
fn paygate_status(t: &Tx, with_identifier: bool) -> Value {
    let mut v = json!({
        "tx_reference": t.id.to_string(),
        "payment_reference": if t.status == 0 { t.payment_reference.clone() } else { String::new() },
        "status": t.status,
        "datetime": "2026-11-24 10:00:00",
        "payment_method": payment_method(&t.network),
    });
    if with_identifier {
        v["identifier"] = json!(t.identifier);
    }
    v
}

/// What PayGate answers for an unknown reference (or token): HTTP 200 `{"error_code": 403}`.
fn paygate_unknown() -> Response {
    Json(json!({ "error_code": 403 })).into_response()
}

/// The status switches shared by both status routes: a 503 (`status_errors`) or an armed
/// [`Fault::Status`]; otherwise the fault to apply to the answer.
fn pg_status_switches(f: &Fake) -> Result<Option<Fault>, Box<Response>> {
    {
        let mut sw = f.sw.lock().unwrap();
        if sw.status_errors > 0 {
            sw.status_errors -= 1;
            return Err(Box::new(
                (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response(),
            ));
        }
    }
    match f.take_fault(Step::Status) {
        Some(Fault::Status(code)) => {
            Err(Box::new((status_code(code), "maintenance").into_response()))
        }
        other => Ok(other),
    }
}

/// `POST /api/v2/status` `{auth_token, identifier}` — guide, status by the merchant's
/// identifier: 0 paid, 2 pending, 4 expired, 6 cancelled.
async fn pg_status_v2(State(f): State<Fake>, Json(b): Json<Value>) -> Response {
    f.log("status", Some(&b));
    let fault = match pg_status_switches(&f) {
        Ok(fault) => fault,
        Err(r) => return *r,
    };
    let answer = if b["auth_token"].as_str() != Some(f.token.as_str()) {
        paygate_unknown()
    } else {
        let identifier = b["identifier"].as_str().unwrap_or("");
        let found = f
            .txs
            .lock()
            .unwrap()
            .iter()
            .find(|t| !identifier.is_empty() && t.fedapay.is_none() && t.identifier == identifier)
            .cloned();
        match found {
            Some(t) => Json(paygate_status(&t, false)).into_response(),
            None => paygate_unknown(),
        }
    };
    f.answer(fault, answer).await
}

/// `POST /api/v1/status` `{auth_token, tx_reference}` — guide, status by PayGate's
/// reference.
async fn pg_status_v1(State(f): State<Fake>, Json(b): Json<Value>) -> Response {
    f.log("status-v1", Some(&b));
    let fault = match pg_status_switches(&f) {
        Ok(fault) => fault,
        Err(r) => return *r,
    };
    let answer = if b["auth_token"].as_str() != Some(f.token.as_str()) {
        paygate_unknown()
    } else {
        let reference = match &b["tx_reference"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        let found = f
            .txs
            .lock()
            .unwrap()
            .iter()
            .find(|t| t.fedapay.is_none() && t.id.to_string() == reference)
            .cloned();
        match found {
            Some(t) => Json(paygate_status(&t, true)).into_response(),
            None => paygate_unknown(),
        }
    };
    f.answer(fault, answer).await
}

fn status_code(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

// ---------------------------------------------------------------------------------------
// FedaPay
// ---------------------------------------------------------------------------------------

/// The push modes the SDKs accept (fedapay-node `src/Transaction.ts`
/// `AVAILABLE_MOBILE_MONEY`); Togo's are `moov_tg` (Moov, Flooz) and `togocel` (Mixx By
/// Yas, ex T-Money) (docs payment-methods-fr, "sans Redirection").
const FEDAPAY_MODES: &[&str] = &[
    "mtn",
    "moov",
    "mtn_ci",
    "moov_tg",
    "mtn_open",
    "airtel_ne",
    "free_sn",
    "togocel",
    "mtn_ecw",
    "mtn_open_ci",
    "wave_direct_ci",
];

/// The transaction object (api-reference/transactions/get-all response schema; SDK test
/// bodies with `klass: "v1/transaction"`).
fn fedapay_transaction(t: &Tx) -> Value {
    let fp = t.fedapay.clone().unwrap_or_default();
    let at = |s: &str| {
        if fp.status == s {
            json!("2026-11-24T10:00:00.000Z")
        } else {
            Value::Null
        }
    };
    json!({
        "klass": "v1/transaction",
        "id": t.id,
        "reference": format!("trx_{}", t.id),
        "transaction_key": t.payment_reference,
        "amount": t.amount,
        "description": fp.description,
        "callback_url": fp.callback_url,
        "status": fp.status,
        "customer_id": 500 + t.id,
        "currency_id": 1,
        "mode": fp.mode,
        "operation": "payment",
        "metadata": {},
        "custom_metadata": fp.custom_metadata,
        "merchant_reference": fp.merchant_reference,
        "amount_debited": if fp.status == "approved" { json!(t.amount) } else { Value::Null },
        "created_at": "2026-11-24T09:59:00.000Z",
        "updated_at": "2026-11-24T10:00:00.000Z",
        "approved_at": at("approved"),
        "canceled_at": at("canceled"),
        "declined_at": at("declined"),
        "refunded_at": at("refunded"),
        "transferred_at": at("transferred"),
    })
}

/// A FedaPay error (`{message, errors}`: fedapay-node `src/Error.ts`, fedapay-php
/// `lib/Error/Base.php`). The HTTP codes per case are not published: 400 for invalid input,
/// 401 for a bad key, 404 for what does not exist.
fn fp_error(code: StatusCode, message: &str, errors: Map<String, Value>) -> Response {
    let mut body = json!({ "message": message });
    if !errors.is_empty() {
        body["errors"] = Value::Object(errors);
    }
    (code, Json(body)).into_response()
}

fn fp_fault_status(code: u16) -> Response {
    fp_error(status_code(code), "Server error", Map::new())
}

/// A FedaPay server, answering for the bearer key "sk_sandbox_test".
pub async fn fedapay(webhook_secret: &str) -> Served {
    let fake = Fake {
        token: "sk_sandbox_test".into(),
        ..Default::default()
    };
    fake.sw.lock().unwrap().webhook_secret = webhook_secret.into();
    let router = Router::new()
        .route("/v1/transactions", post(fp_create))
        .route("/v1/transactions/{id}", get(fp_get))
        .route("/v1/transactions/{id}/token", post(fp_token))
        .route("/v1/{mode}", post(fp_send))
        .fallback(fp_not_found)
        .with_state(fake.clone());
    serve(router, fake).await
}

async fn fp_not_found() -> Response {
    fp_error(StatusCode::NOT_FOUND, "Not found", Map::new())
}

/// `Authorization: Bearer <secret key>` (docs sending-requests-en; fedapay-node
/// `Requestor.defaultHeaders`).
fn fp_auth(f: &Fake, h: &HeaderMap) -> Result<(), Box<Response>> {
    let ok = h.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {}", f.token));
    if ok {
        Ok(())
    } else {
        Err(Box::new(fp_error(
            StatusCode::UNAUTHORIZED,
            "Invalid API key",
            Map::new(),
        )))
    }
}

fn err(errors: &mut Map<String, Value>, field: &str, message: &str) {
    errors.insert(field.to_string(), json!([message]));
}

/// A `phone_number: {number, country}` as the docs write it: `country` an ISO alpha-2 code
/// (`"bj"`, `"BJ"`, so `"tg"` for Togo), `number` a string, international (`+22997808080`)
/// or national (`90090909`). For Togo: `+228` and 8 digits, or the 8 digits.
fn fp_phone(v: &Value, field: &str, errors: &mut Map<String, Value>) -> Option<String> {
    let Some(o) = v.as_object() else {
        err(errors, field, "must be an object {number, country}");
        return None;
    };
    let country = o.get("country").and_then(Value::as_str).unwrap_or("");
    let number = o.get("number").and_then(Value::as_str).unwrap_or("");
    if country.len() != 2 || !country.bytes().all(|c| c.is_ascii_alphabetic()) {
        err(
            errors,
            &format!("{field}.country"),
            "must be an ISO alpha-2 country code",
        );
        return None;
    }
    let digits = number.strip_prefix('+').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        err(
            errors,
            &format!("{field}.number"),
            "must be a phone number (a string of digits)",
        );
        return None;
    }
    if country.eq_ignore_ascii_case("tg") {
        let national = if number.starts_with('+') {
            digits.strip_prefix("228")
        } else {
            Some(digits)
        };
        if national.map(str::len) != Some(8) {
            err(
                errors,
                &format!("{field}.number"),
                "is not a Togolese number",
            );
            return None;
        }
    }
    Some(number.to_string())
}

/// `POST /v1/transactions` (api-reference/transactions/create.md; collects guide; SDK
/// `Transaction::create` → `{"v1/transaction": {…}}`). `description`, `amount` (whole) and
/// `currency` are required; an inline customer needs `firstname`, `lastname` and `email`
/// (customer-management guide; the OpenAPI requires `email`), and its `phone_number` must
/// be `{number, country}`.
async fn fp_create(State(f): State<Fake>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    f.log("create", Some(&b));
    let fault = f.take_fault(Step::Create);
    if let Some(Fault::Status(code)) = fault {
        return fp_fault_status(code);
    }
    if let Err(r) = fp_auth(&f, &h) {
        return *r;
    }
    let mut errors = Map::new();
    let description = b["description"].as_str().unwrap_or("");
    if description.trim().is_empty() {
        err(&mut errors, "description", "is required");
    }
    let amount = b["amount"].as_i64().filter(|a| *a > 0);
    if amount.is_none() {
        err(
            &mut errors,
            "amount",
            "is required and must be a positive whole number",
        );
    }
    let currency_ok = b["currency"]["iso"] == "XOF" || b["currency"]["code"] == 952;
    if !currency_ok {
        err(&mut errors, "currency", "is required ({\"iso\": \"XOF\"})");
    }
    if !(b["callback_url"].is_null() || b["callback_url"].is_string()) {
        err(&mut errors, "callback_url", "must be a URL");
    }
    if !(b["custom_metadata"].is_null() || b["custom_metadata"].is_object()) {
        err(&mut errors, "custom_metadata", "must be an object");
    }
    let mut phone = String::new();
    let customer = &b["customer"];
    if !customer.is_null() {
        if !customer.is_object() {
            err(&mut errors, "customer", "must be an object");
        } else if customer["id"].is_null() {
            // A customer already known by this email may be named by it alone (collects
            // guide: "use their ID or email"); a new one needs its names.
            let email = customer["email"].as_str().unwrap_or("");
            let known = !email.is_empty()
                && f.txs.lock().unwrap().iter().any(|t| {
                    t.fedapay.as_ref().is_some_and(|fp| {
                        fp.customer["email"].as_str() == Some(email)
                            && fp.customer["lastname"].is_string()
                    })
                });
            let required: &[&str] = if known {
                &["email"]
            } else {
                &["firstname", "lastname", "email"]
            };
            for &field in required {
                if customer[field].as_str().is_none_or(|s| s.trim().is_empty()) {
                    err(&mut errors, &format!("customer.{field}"), "is required");
                }
            }
            if customer["email"].as_str().is_some_and(|e| !e.contains('@')) {
                err(&mut errors, "customer.email", "must be an email address");
            }
            if !customer["phone_number"].is_null() {
                phone = fp_phone(
                    &customer["phone_number"],
                    "customer.phone_number",
                    &mut errors,
                )
                .unwrap_or_default();
            }
        }
    }
    if !errors.is_empty() {
        return fp_error(StatusCode::BAD_REQUEST, "Invalid request", errors);
    }
    let t = {
        let mut txs = f.txs.lock().unwrap();
        let id = 9_100 + txs.len() as i64;
        let t = Tx {
            id,
            identifier: b["merchant_reference"].as_str().unwrap_or("").to_string(),
            amount: amount.unwrap(),
            phone,
            network: String::new(),
            status: 2,
            payment_reference: format!("{}", 1_803_322_096_256_000_i64 + id),
            collected: None,
            fedapay: Some(FedaPayTx {
                status: "pending".into(),
                description: description.to_string(),
                callback_url: b["callback_url"].clone(),
                custom_metadata: b["custom_metadata"].clone(),
                merchant_reference: b["merchant_reference"].clone(),
                customer: customer.clone(),
                ..Default::default()
            }),
        };
        txs.push(t.clone());
        t
    };
    // Registered; the answer may now be late or lost.
    f.answer(
        fault,
        Json(json!({ "v1/transaction": fedapay_transaction(&t) })).into_response(),
    )
    .await
}

/// `POST /v1/transactions/{id}/token` (SDK `generateToken`: `instanceUrl() + '/token'`;
/// SDK tests answer `{token, url}`). The token is opaque.
async fn fp_token(State(f): State<Fake>, h: HeaderMap, Path(id): Path<String>) -> Response {
    f.log("token", None);
    let fault = f.take_fault(Step::Token);
    if let Some(Fault::Status(code)) = fault {
        return fp_fault_status(code);
    }
    if let Err(r) = fp_auth(&f, &h) {
        return *r;
    }
    let token = format!("tk_{:016x}", rand::random::<u64>());
    {
        let mut txs = f.txs.lock().unwrap();
        let Some(fp) = txs
            .iter_mut()
            .find(|t| t.id.to_string() == id)
            .and_then(|t| t.fedapay.as_mut())
        else {
            return fp_error(StatusCode::NOT_FOUND, "Transaction not found", Map::new());
        };
        fp.tokens.push(token.clone());
    }
    f.answer(
        fault,
        Json(json!({ "token": token, "url": format!("https://process.fedapay.com/{token}") }))
            .into_response(),
    )
    .await
}

/// `POST /v1/{mode}` `{token, phone_number?}`: the mobile money request without
/// redirection. Path and body from the SDKs' `sendNowWithToken` (`'/' + mode`,
/// `params.token = token`), the optional `phone_number` from the OpenAPI page
/// (send-payment.md); answer `{"message": "success"}` as in the SDK tests. The push goes to
/// the phone given here, else to the customer's.
async fn fp_send(
    State(f): State<Fake>,
    h: HeaderMap,
    Path(mode): Path<String>,
    Json(b): Json<Value>,
) -> Response {
    f.log(&format!("send-{mode}"), Some(&b));
    let fault = f.take_fault(Step::Send);
    if let Some(Fault::Status(code)) = fault {
        return fp_fault_status(code);
    }
    if let Err(r) = fp_auth(&f, &h) {
        return *r;
    }
    if !FEDAPAY_MODES.contains(&mode.as_str()) {
        return fp_error(StatusCode::NOT_FOUND, "Not found", Map::new());
    }
    let mut errors = Map::new();
    let token = b["token"].as_str().unwrap_or("").to_string();
    if token.is_empty() {
        err(&mut errors, "token", "is required");
    }
    let mut push_phone = None;
    if !b["phone_number"].is_null() {
        push_phone = fp_phone(&b["phone_number"], "phone_number", &mut errors);
    }
    if !errors.is_empty() {
        return fp_error(StatusCode::BAD_REQUEST, "Invalid request", errors);
    }
    {
        let mut txs = f.txs.lock().unwrap();
        let Some(t) = txs.iter_mut().find(|t| {
            t.fedapay
                .as_ref()
                .is_some_and(|fp| fp.tokens.contains(&token))
        }) else {
            return fp_error(StatusCode::NOT_FOUND, "Invalid token", Map::new());
        };
        let fp = t.fedapay.as_mut().unwrap();
        if fp.status != "pending" {
            let message = format!("Transaction already {}", fp.status);
            return fp_error(StatusCode::BAD_REQUEST, &message, Map::new());
        }
        let country = fp.customer["phone_number"]["country"]
            .as_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        let country = b["phone_number"]["country"]
            .as_str()
            .map(|c| c.to_ascii_lowercase())
            .unwrap_or(country);
        if let Some(p) = push_phone {
            t.phone = p;
        }
        if t.phone.is_empty() {
            let mut errors = Map::new();
            err(
                &mut errors,
                "phone_number",
                "no phone number to send the request to",
            );
            return fp_error(StatusCode::BAD_REQUEST, "Invalid request", errors);
        }
        if country == "tg" && !matches!(mode.as_str(), "moov_tg" | "togocel") {
            let mut errors = Map::new();
            err(
                &mut errors,
                "mode",
                "is not available for this phone number",
            );
            return fp_error(StatusCode::BAD_REQUEST, "Invalid request", errors);
        }
        t.network = match mode.as_str() {
            "moov_tg" => "FLOOZ".into(),
            "togocel" => "TMONEY".into(),
            other => other.to_ascii_uppercase(),
        };
        fp.mode = Some(mode.clone());
        fp.pushes += 1;
    }
    // The push is out; the answer may now be late or lost.
    f.answer(fault, Json(json!({ "message": "success" })).into_response())
        .await
}

/// `GET /v1/transactions/{id}` (SDK `Transaction::retrieve` → `resourcePath(id)`; SDK
/// tests answer `{"v1/transaction": {…}}`).
async fn fp_get(State(f): State<Fake>, h: HeaderMap, Path(id): Path<String>) -> Response {
    f.log("status", None);
    let fault = f.take_fault(Step::Get);
    if let Some(Fault::Status(code)) = fault {
        return fp_fault_status(code);
    }
    if let Err(r) = fp_auth(&f, &h) {
        return *r;
    }
    let found = f
        .txs
        .lock()
        .unwrap()
        .iter()
        .find(|t| t.fedapay.is_some() && t.id.to_string() == id)
        .cloned();
    let answer = match found {
        Some(t) => Json(json!({ "v1/transaction": fedapay_transaction(&t) })).into_response(),
        None => fp_error(StatusCode::NOT_FOUND, "Transaction not found", Map::new()),
    };
    f.answer(fault, answer).await
}

/// Signs a FedaPay webhook body as FedaPay does (fedapay-php `WebhookSignature`,
/// fedapay-node `Webhook.generateTestHeaderString`): `t=<t>,s=<hex HMAC-SHA256(secret,
/// "<t>.<body>")>`.
pub fn fedapay_signature(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},s={hex}")
}

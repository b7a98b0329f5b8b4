//! Loopback servers that implement the published APIs of the mobile money aggregators,
//! with switches for their failure modes.
//!
//! PayGate Global: `POST /api/v1/pay` (`auth_token, phone_number, amount, description,
//! identifier, network` → `tx_reference, status` with 0 registered, 2 invalid token, 4
//! invalid parameters, 6 duplicate identifier), `POST /api/v1/status` (`tx_reference`) and
//! `POST /api/v2/status` (`identifier`) answering `tx_reference, identifier,
//! payment_reference, status` (0 paid, 2 pending, 4 expired, 6 cancelled), `datetime,
//! payment_method`; and its unsigned callback (`tx_reference, identifier,
//! payment_reference, amount, datetime, payment_method, phone_number`).
//!
//! FedaPay: bearer-key `POST /v1/transactions`, `POST /v1/transactions/{id}/token`,
//! `POST /v1/transactions/{mode}`, `GET /v1/transactions/{id}` and
//! `GET /v1/transactions/merchant/{reference}`; webhooks signed `X-FEDAPAY-SIGNATURE:
//! t=…,s=…` (HMAC-SHA256 of `t.payload`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

/// One collection at the fake operator.
#[derive(Clone, Debug)]
pub struct Tx {
    pub id: i64,
    pub identifier: String,
    pub amount: i64,
    pub phone: String,
    pub network: String,
    /// PayGate's codes: 0 paid, 2 pending, 4 expired, 6 cancelled.
    pub status: i64,
    pub payment_reference: String,
}

/// The switches a test sets, and what the fake saw.
#[derive(Default)]
pub struct Switches {
    /// Answer the next `pay` calls with a 500 (without registering).
    pub pay_errors: usize,
    /// Delay every answer.
    pub delay: Duration,
    /// Answer the next status calls with a 503.
    pub status_errors: usize,
    /// The operator collects this instead of the asked amount.
    pub collect_instead: Option<i64>,
    /// The parent approves at once, and the callback is sent before `pay` answers.
    pub pay_at_once: bool,
    /// Where callbacks go (Suku's webhook URL), if anywhere.
    pub callback_url: Option<String>,
    /// FedaPay's webhook secret.
    pub webhook_secret: String,
    /// Calls seen, by path.
    pub calls: Vec<String>,
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

impl Fake {
    fn log(&self, what: &str) {
        self.sw.lock().unwrap().calls.push(what.to_string());
    }

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

    pub fn tx(&self, identifier: &str) -> Option<Tx> {
        self.txs
            .lock()
            .unwrap()
            .iter()
            .find(|t| t.identifier == identifier)
            .cloned()
    }

    /// The operator's side: the parent approved (or refused) on their phone. Returns the
    /// collected amount.
    pub fn settle(&self, identifier: &str, status: i64) -> i64 {
        let collect = self.sw.lock().unwrap().collect_instead;
        let mut txs = self.txs.lock().unwrap();
        let t = txs
            .iter_mut()
            .find(|t| t.identifier == identifier)
            .expect("known collection");
        t.status = status;
        if let Some(c) = collect {
            t.amount = c;
        }
        t.amount
    }

    /// PayGate's callback body for a collection.
    pub fn paygate_callback(&self, identifier: &str) -> Value {
        let t = self.tx(identifier).unwrap();
        json!({
            "tx_reference": t.id.to_string(),
            "identifier": t.identifier,
            "payment_reference": t.payment_reference,
            "amount": t.amount,
            "datetime": "2026-11-24 10:00:00",
            "payment_method": if t.network == "FLOOZ" { "FLOOZ" } else { "T-Money" },
            "phone_number": t.phone,
        })
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

    /// A FedaPay webhook for a collection, signed with `secret` at `t`.
    pub fn fedapay_event(&self, identifier: &str) -> Value {
        let t = self.tx(identifier).unwrap();
        json!({
            "name": if t.status == 0 { "transaction.approved" } else { "transaction.declined" },
            "entity": fedapay_transaction(&t),
        })
    }
}

fn paygate_status(t: &Tx) -> Value {
    json!({
        "tx_reference": t.id.to_string(),
        "identifier": t.identifier,
        "payment_reference": if t.status == 0 { t.payment_reference.clone() } else { String::new() },
        "status": t.status,
        "datetime": "2026-11-24 10:00:00",
        "payment_method": if t.network == "FLOOZ" { "FLOOZ" } else { "T-Money" },
    })
}

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

async fn pg_pay(State(f): State<Fake>, Json(b): Json<Value>) -> Response {
    f.log("pay");
    {
        let mut sw = f.sw.lock().unwrap();
        if sw.pay_errors > 0 {
            sw.pay_errors -= 1;
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream error").into_response();
        }
    }
    if b["auth_token"].as_str() != Some(f.token.as_str()) {
        return Json(json!({ "status": 2 })).into_response();
    }
    let phone = b["phone_number"].as_str().unwrap_or("");
    let network = b["network"].as_str().unwrap_or("");
    let identifier = b["identifier"].as_str().unwrap_or("").to_string();
    let amount = b["amount"].as_i64().unwrap_or(0);
    if phone.len() != 8
        || !phone.bytes().all(|c| c.is_ascii_digit())
        || !matches!(network, "FLOOZ" | "TMONEY")
        || identifier.is_empty()
        || amount <= 0
    {
        return Json(json!({ "status": 4 })).into_response();
    }
    let id = {
        let mut txs = f.txs.lock().unwrap();
        if txs.iter().any(|t| t.identifier == identifier) {
            return Json(json!({ "status": 6 })).into_response();
        }
        let id = 7_000_000 + txs.len() as i64;
        txs.push(Tx {
            id,
            identifier: identifier.clone(),
            amount,
            phone: phone.into(),
            network: network.into(),
            status: 2,
            payment_reference: format!("OP{id}"),
        });
        id
    };
    // Registered, then slow to answer (Suku may have given up waiting by then).
    tokio::time::sleep(f.delay()).await;
    if f.sw.lock().unwrap().pay_at_once {
        // The operator confirms and calls back before this answer leaves.
        f.settle(&identifier, 0);
        let body = f.paygate_callback(&identifier);
        assert_eq!(f.send(&body, &[]).await, 200);
    }
    Json(json!({ "tx_reference": id.to_string(), "status": 0 })).into_response()
}

async fn pg_status_v2(State(f): State<Fake>, Json(b): Json<Value>) -> Response {
    f.log("status");
    tokio::time::sleep(f.delay()).await;
    {
        let mut sw = f.sw.lock().unwrap();
        if sw.status_errors > 0 {
            sw.status_errors -= 1;
            return (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response();
        }
    }
    if b["auth_token"].as_str() != Some(f.token.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid token" })),
        )
            .into_response();
    }
    match f.tx(b["identifier"].as_str().unwrap_or("")) {
        Some(t) => Json(paygate_status(&t)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown identifier" })),
        )
            .into_response(),
    }
}

async fn pg_status_v1(State(f): State<Fake>, Json(b): Json<Value>) -> Response {
    f.log("status-v1");
    let reference = b["tx_reference"].as_str().unwrap_or("");
    let found = f
        .txs
        .lock()
        .unwrap()
        .iter()
        .find(|t| t.id.to_string() == reference)
        .cloned();
    match found {
        Some(t) => Json(paygate_status(&t)).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn fedapay_transaction(t: &Tx) -> Value {
    json!({
        "id": t.id,
        "reference": format!("trx_{}", t.id),
        "merchant_reference": t.identifier,
        "amount": t.amount,
        "status": match t.status { 0 => "approved", 2 => "pending", 4 => "expired", 6 => "canceled", _ => "declined" },
        "transaction_key": t.payment_reference,
        "mode": if t.network == "FLOOZ" { "moov_tg" } else { "togocel" },
    })
}

/// A fake FedaPay, answering for the bearer key "sk_sandbox_test".
pub async fn fedapay(webhook_secret: &str) -> Served {
    let fake = Fake {
        token: "sk_sandbox_test".into(),
        ..Default::default()
    };
    fake.sw.lock().unwrap().webhook_secret = webhook_secret.into();
    let router = Router::new()
        .route("/v1/transactions", post(fp_create))
        .route("/v1/transactions/{id}/token", post(fp_token))
        .route("/v1/transactions/{id}", get(fp_get).post(fp_send))
        .route(
            "/v1/transactions/merchant/{reference}",
            get(fp_by_reference),
        )
        .with_state(fake.clone());
    serve(router, fake).await
}

fn fp_auth(f: &Fake, h: &HeaderMap) -> bool {
    h.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {}", f.token))
}

async fn fp_create(State(f): State<Fake>, h: HeaderMap, Json(b): Json<Value>) -> Response {
    f.log("create");
    if !fp_auth(&f, &h) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "message": "Invalid API key" })),
        )
            .into_response();
    }
    let amount = b["amount"].as_i64().unwrap_or(0);
    let identifier = b["merchant_reference"].as_str().unwrap_or("").to_string();
    if amount <= 0 || b["currency"]["iso"] != "XOF" || identifier.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "message": "invalid" })),
        )
            .into_response();
    }
    let phone = b["customer"]["phone_number"]["number"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let t = {
        let mut txs = f.txs.lock().unwrap();
        let id = 9_100 + txs.len() as i64;
        let t = Tx {
            id,
            identifier,
            amount,
            phone,
            network: String::new(),
            status: 2,
            payment_reference: format!("FP{id}"),
        };
        txs.push(t.clone());
        t
    };
    Json(json!({ "v1/transaction": fedapay_transaction(&t) })).into_response()
}

async fn fp_token(State(f): State<Fake>, h: HeaderMap, Path(id): Path<i64>) -> Response {
    f.log("token");
    if !fp_auth(&f, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(json!({ "token": format!("tok{id}"), "url": format!("https://process.fedapay.com/tok{id}") })).into_response()
}

/// `POST /v1/transactions/{mode}`: the mobile money request without redirection.
async fn fp_send(
    State(f): State<Fake>,
    h: HeaderMap,
    Path(mode): Path<String>,
    Json(b): Json<Value>,
) -> Response {
    f.log(&format!("send-{mode}"));
    if !fp_auth(&f, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if !matches!(mode.as_str(), "moov_tg" | "togocel") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "message": "unknown mode" })),
        )
            .into_response();
    }
    let id: i64 = b["token"]
        .as_str()
        .and_then(|t| t.strip_prefix("tok"))
        .and_then(|t| t.parse().ok())
        .unwrap_or(-1);
    let mut txs = f.txs.lock().unwrap();
    let Some(t) = txs.iter_mut().find(|t| t.id == id) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "unknown token" })),
        )
            .into_response();
    };
    t.network = if mode == "moov_tg" {
        "FLOOZ".into()
    } else {
        "TMONEY".into()
    };
    Json(json!({ "reference": format!("pi_{id}"), "amount": t.amount, "status": "pending" }))
        .into_response()
}

async fn fp_get(State(f): State<Fake>, h: HeaderMap, Path(id): Path<String>) -> Response {
    f.log("status");
    if !fp_auth(&f, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let found = f
        .txs
        .lock()
        .unwrap()
        .iter()
        .find(|t| t.id.to_string() == id)
        .cloned();
    match found {
        Some(t) => Json(json!({ "v1/transaction": fedapay_transaction(&t) })).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "not found" })),
        )
            .into_response(),
    }
}

async fn fp_by_reference(
    State(f): State<Fake>,
    h: HeaderMap,
    Path(reference): Path<String>,
) -> Response {
    f.log("status");
    if !fp_auth(&f, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match f.tx(&reference) {
        Some(t) => Json(json!({ "v1/transaction": fedapay_transaction(&t) })).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "not found" })),
        )
            .into_response(),
    }
}

/// Signs a FedaPay webhook body as FedaPay does.
pub fn fedapay_signature(secret: &str, t: i64, body: &[u8]) -> String {
    format!(
        "t={t},s={}",
        suku::mobile_money::fedapay::sign(secret, t, body)
    )
}

//! A loopback server that behaves like Twilio's Programmable Messaging API, written from
//! Twilio's documents, never from Suku's client:
//! - "Message resource", twilio.com/docs/messaging/api/message-resource: `POST
//!   /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic (`AccountSid:AuthToken`),
//!   form fields `To` (E.164), `From`, `Body` (at most 1600 characters); `201 Created` with
//!   the Message as JSON (`sid` "SM…" of 34 characters, `status` "queued", `num_segments`,
//!   `error_code` null…);
//! - "Twilio's response", twilio.com/docs/usage/twilios-response, and the error dictionary
//!   twilio.com/docs/api/errors: an error is `{code, message, more_info, status}`; 20003
//!   Authenticate (401), 21211 invalid 'To' number (400), 21602 body required (400), 21603
//!   'From' required (400), 21617 body over 1600 characters (400), 20429 too many requests
//!   (429), and a 500 when Twilio itself fails.
//!
//! Faults ([`Fault`]) answer the next calls in order, then the server behaves again.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde_json::json;

pub const SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "secret-auth-token";

/// A message Twilio accepted.
#[derive(Clone, Debug)]
pub struct Sent {
    pub sid: String,
    pub to: String,
    pub from: String,
    pub body: String,
}

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Twilio is down: 500.
    Down,
    /// 429 Too Many Requests.
    Busy,
}

#[derive(Default)]
pub struct Twilio {
    pub sent: Mutex<Vec<Sent>>,
    pub faults: Mutex<Vec<Fault>>,
}

impl Twilio {
    pub fn fail_next(&self, f: Fault) {
        self.faults.lock().unwrap().push(f);
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }
}

fn error(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        Json(json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status.as_u16(),
        })),
    )
        .into_response()
}

fn e164(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or("");
    !digits.is_empty()
        && digits.len() <= 15
        && !digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
}

async fn create(
    State(t): State<Arc<Twilio>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    use base64::Engine;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{SID}:{TOKEN}"))
    );
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != expected || account.trim_end_matches(".json") != SID {
        return error(StatusCode::UNAUTHORIZED, 20003, "Authenticate");
    }
    {
        let mut faults = t.faults.lock().unwrap();
        if !faults.is_empty() {
            return match faults.remove(0) {
                Fault::Down => error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    20500,
                    "Internal Server Error",
                ),
                Fault::Busy => error(StatusCode::TOO_MANY_REQUESTS, 20429, "Too Many Requests"),
            };
        }
    }
    let to = f.get("To").cloned().unwrap_or_default();
    let from = f.get("From").cloned().unwrap_or_default();
    let body = f.get("Body").cloned().unwrap_or_default();
    if from.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            21603,
            "The 'From' phone number is required.",
        );
    }
    if !e164(&to) {
        return error(
            StatusCode::BAD_REQUEST,
            21211,
            &format!("The 'To' number {to} is not a valid phone number."),
        );
    }
    if body.is_empty() {
        return error(StatusCode::BAD_REQUEST, 21602, "Message body is required.");
    }
    if body.chars().count() > 1600 {
        return error(
            StatusCode::BAD_REQUEST,
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        );
    }
    let mut sent = t.sent.lock().unwrap();
    let sid = format!("SM{:032x}", sent.len() as u128 + 0xabc);
    sent.push(Sent {
        sid: sid.clone(),
        to: to.clone(),
        from: from.clone(),
        body: body.clone(),
    });
    (
        StatusCode::CREATED,
        Json(json!({
            "account_sid": SID,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": "Wed, 02 Dec 2026 09:00:00 +0000",
            "date_sent": null,
            "date_updated": "Wed, 02 Dec 2026 09:00:00 +0000",
            "direction": "outbound-api",
            "error_code": null,
            "error_message": null,
            "from": from,
            "messaging_service_sid": null,
            "num_media": "0",
            "num_segments": "1",
            "price": null,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "to": to,
            "uri": format!("/2010-04-01/Accounts/{SID}/Messages/{sid}.json"),
        })),
    )
        .into_response()
}

/// Starts the fake; returns its base URL and its state.
pub async fn start() -> (String, Arc<Twilio>) {
    let t = Arc::new(Twilio::default());
    let app = Router::new()
        .route("/2010-04-01/Accounts/{account}/Messages.json", post(create))
        .with_state(t.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), t)
}

/// A test app whose SMS provider is a fresh loopback Twilio, with `tweak` applied to its
/// configuration.
pub async fn app_with(
    tweak: impl FnOnce(&mut suku::config::Config),
) -> (crate::helpers::TestApp, Arc<Twilio>) {
    let (url, twilio) = start().await;
    let app = crate::helpers::TestApp::with_config(|c| {
        tweak(c);
        c.sms.provider = "twilio".into();
        c.sms.twilio_url = url.clone();
        c.sms.twilio_sid = SID.into();
        c.sms.twilio_token = suku::config::Secret(TOKEN.into());
        c.sms.from = "LUMIERE".into();
    })
    .await;
    (app, twilio)
}

//! A loopback server that behaves like an OpenAI-compatible Chat Completions endpoint,
//! written from OpenAI's published API reference, never from Suku's client:
//! - "Create chat completion", platform.openai.com/docs/api-reference/chat/create: `POST
//!   /v1/chat/completions` with `model` and `messages` (roles `developer`, `system`, `user`,
//!   `assistant`, `tool`), `tools` (`{"type": "function", "function": {name, description,
//!   parameters}}`), `stream`, `stream_options.include_usage`, `temperature` (0 to 2),
//!   `max_tokens` / `max_completion_tokens`; an assistant message with `tool_calls` must be
//!   followed by one `tool` message per `tool_call_id` (else 400);
//! - "The chat completion object" and "The chat completion chunk object"
//!   (…/chat/object, …/chat/streaming): streamed as server-sent events, `data: {chunk}` then
//!   `data: [DONE]`; each chunk `{"id", "object": "chat.completion.chunk", "created",
//!   "model", "system_fingerprint", "choices": [{"index", "delta": {role, content,
//!   tool_calls: [{index, id, type, function: {name, arguments}}]}, "logprobs",
//!   "finish_reason"}]}`; with `include_usage`, a last chunk with `"choices": []` and
//!   `usage` {prompt_tokens, completion_tokens, total_tokens}, the others `"usage": null`;
//!   a tool call's id and name come in its first piece, its arguments in pieces after;
//! - "List models", …/api-reference/models/list: `GET /v1/models` → `{"object": "list",
//!   "data": [{"id", "object": "model", "created", "owned_by"}]}`;
//! - "Error codes", platform.openai.com/docs/guides/error-codes: errors as `{"error":
//!   {"message", "type", "param", "code"}}`; 401 invalid_api_key, 404 model_not_found, 429
//!   rate_limit_exceeded, 500 server_error, 503 overloaded. The wait of a 429 in the
//!   `retry-after` header, which OpenAI's own SDK (openai-python, `_base_client.py`,
//!   `_parse_retry_after_header`) reads in seconds or as an HTTP date.
//!
//! What the "model" says is a script the test writes ([`Turn`]): text, tool calls, errors,
//! slow or stalled streams. Every request is kept, for the test to read what Suku sent.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use tokio_stream::StreamExt;

pub const MODEL: &str = "suku-test-1";
pub const KEY: &str = "sk-test-0123456789";
/// A reasoning model (o-series), with its own rules for some parameters.
pub const REASONING: &str = "o4-mini";

/// What the model does with the next request.
#[derive(Clone, Debug)]
pub enum Turn {
    /// Answers this text, streamed in pieces.
    Text(String),
    /// Calls tools: (name, arguments as JSON), in one assistant turn.
    Call(Vec<(String, Value)>),
    /// Answers this text followed by the content of every tool message of the request (as a
    /// model restates what it read).
    Quote(String),
    /// The same, streamed piece by piece, waiting between pieces.
    SlowQuote(String, Duration),
    /// Answers an HTTP error: the status and the `retry-after` header.
    Status(u16, Option<String>),
    /// Streams the text word by word, waiting between words.
    Slow(String, Duration),
    /// Streams the first text, then says nothing for the duration, then the rest.
    Stall(String, Duration, String),
    /// Sends these bytes as the body of a `text/event-stream`, each piece as it comes (to
    /// try framings the API allows: CRLF, comments, an event split across writes).
    Raw(Vec<String>),
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub authorization: Option<String>,
    pub body: Value,
}

impl Received {
    /// The messages of a role, as text.
    pub fn texts(&self, role: &str) -> Vec<String> {
        self.body["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["role"] == role)
            .map(|m| match &m["content"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }

    /// The names of the tools offered.
    pub fn tools(&self) -> Vec<String> {
        self.body["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["function"]["name"].as_str().map(str::to_string))
            .collect()
    }
}

#[derive(Default)]
pub struct Llm {
    pub turns: Mutex<VecDeque<Turn>>,
    pub received: Mutex<Vec<Received>>,
    /// Models `GET /v1/models` lists.
    pub models: Mutex<Vec<String>>,
    /// The base URL it serves (`http://127.0.0.1:PORT/v1`).
    pub url: std::sync::OnceLock<String>,
    counter: Mutex<u64>,
}

impl Llm {
    pub fn script(&self, turns: impl IntoIterator<Item = Turn>) {
        self.turns.lock().unwrap().extend(turns);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.received.lock().unwrap().clear();
        self.turns.lock().unwrap().clear();
    }

    /// Everything Suku sent, as one text (to look for what must never be there).
    pub fn all_sent(&self) -> String {
        self.received()
            .iter()
            .map(|r| r.body.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn next_id(&self) -> String {
        let mut c = self.counter.lock().unwrap();
        *c += 1;
        format!("chatcmpl-fake{:06}", *c)
    }
}

/// Starts the server: its base URL (`http://127.0.0.1:PORT/v1`) and its state.
pub async fn start() -> (String, Arc<Llm>) {
    let llm = Arc::new(Llm::default());
    llm.models.lock().unwrap().push(MODEL.into());
    llm.models.lock().unwrap().push(REASONING.into());
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .route("/v1/models", get(models))
        .with_state(llm.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let url = format!("http://{addr}/v1");
    llm.url.set(url.clone()).unwrap();
    (url, llm)
}

fn error(status: u16, kind: &str, code: &str, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        Json(json!({"error": {"message": message, "type": kind, "param": null, "code": code}})),
    )
        .into_response()
}

fn bad_key() -> Response {
    error(
        401,
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided.",
    )
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(format!("Bearer {KEY}").as_str())
}

async fn models(State(llm): State<Arc<Llm>>, headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return bad_key();
    }
    let data: Vec<Value> = llm
        .models
        .lock()
        .unwrap()
        .iter()
        .map(
            |m| json!({"id": m, "object": "model", "created": 1_700_000_000, "owned_by": "school"}),
        )
        .collect();
    Json(json!({"object": "list", "data": data})).into_response()
}

/// Checks a request as the API does; the message of the 400 when it is not valid.
fn invalid(body: &Value) -> Option<String> {
    if !body["model"].is_string() {
        return Some("you must provide a model parameter".into());
    }
    let Some(messages) = body["messages"].as_array() else {
        return Some("you must provide a messages parameter".into());
    };
    if messages.is_empty() {
        return Some("'messages' must contain at least one message".into());
    }
    if let Some(t) = body.get("temperature").and_then(|t| t.as_f64())
        && !(0.0..=2.0).contains(&t)
    {
        return Some("temperature must be between 0 and 2".into());
    }
    for t in body["tools"].as_array().into_iter().flatten() {
        if t["type"] != "function" || !t["function"]["name"].is_string() {
            return Some("invalid tool".into());
        }
    }
    let mut waiting: Vec<String> = Vec::new();
    for m in messages {
        let role = m["role"].as_str().unwrap_or_default();
        if !waiting.is_empty() && role != "tool" {
            return Some("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.".into());
        }
        match role {
            "developer" | "system" | "user" => {
                if !m["content"].is_string() && !m["content"].is_array() {
                    return Some(format!("{role} message without content"));
                }
            }
            "assistant" => {
                for c in m["tool_calls"].as_array().into_iter().flatten() {
                    if c["type"] != "function" || !c["id"].is_string() {
                        return Some("invalid tool_calls".into());
                    }
                    waiting.push(c["id"].as_str().unwrap().to_string());
                }
                if m["tool_calls"].is_null() && m["content"].is_null() {
                    return Some("assistant message without content".into());
                }
            }
            "tool" => {
                let id = m["tool_call_id"].as_str().unwrap_or_default();
                let Some(at) = waiting.iter().position(|w| w == id) else {
                    return Some("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.".into());
                };
                waiting.remove(at);
            }
            _ => return Some(format!("invalid role {role}")),
        }
    }
    if !waiting.is_empty() {
        return Some("An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.".into());
    }
    None
}

async fn completions(State(llm): State<Arc<Llm>>, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return error(
            400,
            "invalid_request_error",
            "invalid_json",
            "We could not parse the JSON body of your request.",
        );
    };
    llm.received.lock().unwrap().push(Received {
        at: Instant::now(),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: body.clone(),
    });
    if !authorized(&headers) {
        return bad_key();
    }
    if let Some(m) = invalid(&body) {
        return error(400, "invalid_request_error", "invalid_request", &m);
    }
    let model = body["model"].as_str().unwrap_or_default().to_string();
    if !llm.models.lock().unwrap().contains(&model) {
        return error(
            404,
            "invalid_request_error",
            "model_not_found",
            &format!("The model `{model}` does not exist or you do not have access to it."),
        );
    }
    // The reference: `max_tokens` "is not compatible with o-series models" (they take
    // `max_completion_tokens`), which also take only the default temperature.
    if model.starts_with('o') && !body["max_tokens"].is_null() {
        return error(
            400,
            "invalid_request_error",
            "unsupported_parameter",
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        );
    }
    if model.starts_with('o') && body["temperature"].as_f64().is_some_and(|t| t != 1.0) {
        return error(
            400,
            "invalid_request_error",
            "unsupported_value",
            "Unsupported value: 'temperature' does not support this value with this model. Only the default (1) value is supported.",
        );
    }
    let turn = llm
        .turns
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Turn::Text("D'accord.".into()));
    let prompt_tokens = (body["messages"].to_string().len() / 4) as u64;
    let id = llm.next_id();
    let usage = body["stream_options"]["include_usage"] == true;
    let stream = body["stream"] == true;
    // What the turn sends: text pieces with their pauses, or tool calls.
    let (pieces, calls): (Pieces, Vec<(String, Value)>) = match turn {
        Turn::Status(code, retry) => {
            let mut r = match code {
                429 => error(
                    429,
                    "requests",
                    "rate_limit_exceeded",
                    "Rate limit reached for requests.",
                ),
                503 => error(
                    503,
                    "server_error",
                    "overloaded",
                    "The engine is currently overloaded, please try again later.",
                ),
                _ => error(
                    code,
                    "server_error",
                    "server_error",
                    "The server had an error while processing your request.",
                ),
            };
            if let Some(s) = retry {
                r.headers_mut().insert("retry-after", s.parse().unwrap());
            }
            return r;
        }
        Turn::Text(t) => (split(&t, Duration::ZERO), vec![]),
        Turn::Quote(prefix) => (split(&quote(&prefix, &body), Duration::ZERO), vec![]),
        Turn::SlowQuote(prefix, every) => (split(&quote(&prefix, &body), every), vec![]),
        Turn::Slow(t, every) => (split(&t, every), vec![]),
        Turn::Stall(first, pause, rest) => (vec![(Duration::ZERO, first), (pause, rest)], vec![]),
        Turn::Call(calls) => (vec![], calls),
        Turn::Raw(pieces) => {
            let stream = tokio_stream::iter(pieces).map(|p| Ok::<_, Infallible>(Bytes::from(p)));
            return Response::builder()
                .header(header::CONTENT_TYPE, "text/event-stream")
                .body(Body::from_stream(stream))
                .unwrap();
        }
    };
    let completion_text: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
    let completion_tokens = (completion_text.len() / 4 + calls.len() * 10) as u64;
    let finish = if calls.is_empty() {
        "stop"
    } else {
        "tool_calls"
    };
    let calls: Vec<(String, String, String)> = calls
        .into_iter()
        .enumerate()
        .map(|(i, (name, args))| (format!("call_{id}_{i}"), name, args.to_string()))
        .collect();
    let usage_json = json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens});
    if !stream {
        let message = if calls.is_empty() {
            json!({"role": "assistant", "content": completion_text, "refusal": null})
        } else {
            json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": calls.iter().map(|(id, n, a)| json!({"id": id, "type": "function", "function": {"name": n, "arguments": a}})).collect::<Vec<_>>()})
        };
        return Json(json!({"id": id, "object": "chat.completion", "created": 1_765_000_000, "model": model,
            "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
            "usage": usage_json})).into_response();
    }
    let chunk = |delta: Value, finish: Option<&str>| {
        let mut c = json!({"id": id, "object": "chat.completion.chunk", "created": 1_765_000_000,
            "model": model, "system_fingerprint": "fp_fake", "choices": [{"index": 0, "delta": delta,
            "logprobs": null, "finish_reason": finish}]});
        if usage {
            c["usage"] = Value::Null;
        }
        (Duration::ZERO, format!("data: {c}\n\n"))
    };
    // The first delta has the role (and, for a tool call, its first piece, without content).
    let mut events: Vec<(Duration, String)> = if calls.is_empty() {
        vec![chunk(
            json!({"role": "assistant", "content": "", "refusal": null}),
            None,
        )]
    } else {
        Vec::new()
    };
    for (pause, p) in &pieces {
        let (_, e) = chunk(json!({"content": p}), None);
        events.push((*pause, e));
    }
    for (i, (cid, name, args)) in calls.iter().enumerate() {
        let first = json!([{"index": i, "id": cid, "type": "function", "function": {"name": name, "arguments": ""}}]);
        events.push(chunk(
            if i == 0 {
                json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": first})
            } else {
                json!({ "tool_calls": first })
            },
            None,
        ));
        // The arguments in two pieces, as they are written.
        let mid = args
            .char_indices()
            .nth(args.chars().count() / 2)
            .map(|(b, _)| b)
            .unwrap_or(0);
        for part in [&args[..mid], &args[mid..]] {
            events.push(chunk(
                json!({"tool_calls": [{"index": i, "function": {"arguments": part}}]}),
                None,
            ));
        }
    }
    events.push(chunk(json!({}), Some(finish)));
    if usage {
        let c = json!({"id": id, "object": "chat.completion.chunk", "created": 1_765_000_000,
            "model": model, "system_fingerprint": "fp_fake", "choices": [], "usage": usage_json});
        events.push((Duration::ZERO, format!("data: {c}\n\n")));
    }
    events.push((Duration::ZERO, "data: [DONE]\n\n".into()));
    let stream = tokio_stream::iter(events).then(|(pause, e)| async move {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok::<_, Infallible>(Bytes::from(e))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(stream))
        .unwrap()
}

/// The prefix, then the content of every tool message of the request.
fn quote(prefix: &str, body: &Value) -> String {
    let tools: Vec<String> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect();
    format!("{prefix}{}", tools.join("\n"))
}

/// Pieces of text, each sent after its pause.
type Pieces = Vec<(Duration, String)>;

/// A text in pieces of a word or so, each after `every`.
fn split(text: &str, every: Duration) -> Pieces {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if c == ' ' || c == ',' {
            out.push((every, std::mem::take(&mut cur)));
        }
    }
    if !cur.is_empty() {
        out.push((every, cur));
    }
    out
}

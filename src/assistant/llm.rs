//! The connection to a language model: any endpoint that follows OpenAI's Chat Completions
//! API (a hosted one, or a model on the school's own server). Requests and answers are
//! async-openai's published types; Suku sends them over its one HTTP client with a retry
//! policy of its own: a few seconds at most, honouring `Retry-After`, then a clear message
//! (async-openai's client retries for up to fifteen minutes and never retries a stream).

use std::time::Duration;

use async_openai::types::chat::{
    ChatCompletionMessageToolCall, CreateChatCompletionRequest, CreateChatCompletionStreamResponse,
    FunctionCall,
};
use serde_json::Value;
use tokio::time::Instant;

/// Attempts of one request (the first and two retries).
const ATTEMPTS: u32 = 3;
/// The longest the retries of one request may wait in all.
const RETRY_BUDGET: Duration = Duration::from_secs(6);
/// The longest a connection may take.
const CONNECT: Duration = Duration::from_secs(5);

/// Where the model is, as the school set it (or the server's environment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The base URL, without the final `/` (`…/v1`).
    pub url: String,
    pub model: String,
    /// The bearer key; empty: none sent.
    pub key: String,
    /// The longest wait for the model's next word.
    pub idle: Duration,
}

impl Endpoint {
    pub fn new(url: &str, model: &str, key: &str, idle_seconds: u64) -> Option<Endpoint> {
        let url = url.trim().trim_end_matches('/');
        if url.is_empty() || model.trim().is_empty() {
            return None;
        }
        Some(Endpoint {
            url: url.to_string(),
            model: model.trim().to_string(),
            key: key.trim().to_string(),
            idle: Duration::from_secs(idle_seconds.clamp(1, 120)),
        })
    }

    fn post(&self, http: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
        self.with_key(http.post(format!("{}{path}", self.url)))
    }

    fn with_key(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.key.is_empty() {
            r
        } else {
            r.bearer_auth(&self.key)
        }
    }
}

/// The HTTP client of the model's requests: a short connection time, no redirects (the
/// key must not follow one elsewhere).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(CONNECT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Why the model gave no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LlmError {
    /// Too many requests (429) after the retries: the seconds it asked to wait, if it said.
    Busy(Option<u64>),
    /// Unreachable, failing (5xx), or silent longer than the wait.
    Down(String),
    /// The request was refused (a wrong key, an unknown model): the status and its message.
    Refused(u16, String),
    /// An answer that does not follow the API.
    Protocol(String),
    /// The person's tokens of the day are spent.
    Budget,
}

impl LlmError {
    /// The catalog key of the message the person reads.
    pub fn key(&self) -> &'static str {
        match self {
            LlmError::Busy(_) => "asst-model-busy",
            LlmError::Down(_) => "asst-model-down",
            LlmError::Refused(..) => "asst-model-refused",
            LlmError::Protocol(_) => "asst-model-down",
            LlmError::Budget => "asst-token-budget",
        }
    }

    /// What happened, for the administration's connection check and the logs.
    pub fn detail(&self) -> String {
        match self {
            LlmError::Busy(Some(s)) => format!("429 (Retry-After: {s} s)"),
            LlmError::Busy(None) => "429".into(),
            LlmError::Down(d) | LlmError::Protocol(d) => d.clone(),
            LlmError::Refused(s, m) => format!("{s}: {m}"),
            LlmError::Budget => "budget".into(),
        }
    }
}

/// The seconds a `Retry-After` header asks for: a number of seconds, or an HTTP date
/// (RFC 9110 §10.2.3); `retry-after-ms` as some servers send it.
pub fn retry_after(
    h: &reqwest::header::HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    if let Some(ms) = h
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
    {
        return Some(Duration::from_millis(ms as u64));
    }
    let v = h.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    Some(
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or_default(),
    )
}

/// The message of an error body (`{"error": {"message": …}}`), or its first characters.
fn error_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.chars().take(200).collect())
}

/// Reads at most `limit` bytes of a body (an error's, the model list): a server may send
/// anything.
async fn body_text(mut res: reqwest::Response, limit: usize) -> String {
    let mut buf = Vec::new();
    while let Ok(Ok(Some(c))) = tokio::time::timeout(Duration::from_secs(10), res.chunk()).await {
        buf.extend_from_slice(&c);
        if buf.len() >= limit {
            buf.truncate(limit);
            break;
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Sends a request, retrying a 429, a 500, 502, 503 or 504, or a connection that failed,
/// within [`RETRY_BUDGET`]: after `Retry-After` when the server says it (and gives up at once
/// when that is longer than what is left), else after half a second, then a second. A
/// request sent that got no answer in time is not sent again: the model may still be
/// writing it (and counting its tokens).
async fn send(
    make: impl Fn() -> reqwest::RequestBuilder,
    wait_headers: Duration,
) -> Result<reqwest::Response, LlmError> {
    let started = Instant::now();
    let mut last = LlmError::Down(String::new());
    for attempt in 1..=ATTEMPTS {
        let r = tokio::time::timeout(wait_headers, make().send()).await;
        let (err, wait) = match r {
            Err(_) => return Err(LlmError::Down("timeout".into())),
            Ok(Err(e)) if e.is_connect() => (LlmError::Down(e.to_string()), None),
            Ok(Err(e)) => return Err(LlmError::Down(e.to_string())),
            Ok(Ok(res)) if res.status().is_success() => return Ok(res),
            Ok(Ok(res)) => {
                let status = res.status().as_u16();
                // An HTTP date is the server's real time, not the school's (a test's) clock.
                let wait = retry_after(res.headers(), crate::clock::wall())
                    .map(|w| w.min(Duration::from_secs(3600)));
                let body = body_text(res, 64 << 10).await;
                match status {
                    429 => (
                        LlmError::Busy(wait.map(|w| w.as_secs_f64().ceil() as u64)),
                        wait,
                    ),
                    500 | 502 | 503 | 504 => (
                        LlmError::Down(format!("{status}: {}", error_message(&body))),
                        wait,
                    ),
                    500..=599 => {
                        return Err(LlmError::Down(format!(
                            "{status}: {}",
                            error_message(&body)
                        )));
                    }
                    _ => return Err(LlmError::Refused(status, error_message(&body))),
                }
            }
        };
        last = err;
        if attempt == ATTEMPTS {
            break;
        }
        let wait = wait.unwrap_or(Duration::from_millis(500 << (attempt - 1)));
        if started.elapsed().saturating_add(wait) > RETRY_BUDGET {
            break;
        }
        tracing::info!(attempt, wait_ms = wait.as_millis() as u64, error = %last.detail(), "model: retrying");
        tokio::time::sleep(wait).await;
    }
    Err(last)
}

/// What one request to the model gave: its text, the tools it called, and the tokens it
/// counted.
#[derive(Debug, Default)]
pub struct Round {
    pub content: String,
    pub tool_calls: Vec<ChatCompletionMessageToolCall>,
    pub tokens: u32,
}

/// A stream that stopped: what had come, and why.
#[derive(Debug)]
pub struct Cut {
    pub partial: Round,
    pub error: LlmError,
}

/// Reads the server-sent events of a streamed answer (the `data:` lines of each event, up
/// to `data: [DONE]`), gives each piece of text to `on_text` as it comes, and gathers the
/// tool calls from their pieces (by `index`: the id and name first, the arguments after).
pub async fn stream(
    http: &reqwest::Client,
    ep: &Endpoint,
    request: &CreateChatCompletionRequest,
    on_text: &mut (dyn FnMut(&str) + Send),
) -> Result<Round, Cut> {
    let cut = |partial: Round, error: LlmError| Cut { partial, error };
    let mut res = send(
        || {
            ep.post(http, "/chat/completions")
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .json(request)
        },
        ep.idle,
    )
    .await
    .map_err(|e| cut(Round::default(), e))?;
    let mut round = Round::default();
    // Tool calls by index: (id, name, arguments).
    let mut calls: Vec<(String, String, String)> = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    // How the answer ended: `[DONE]`, or a choice's `finish_reason`.
    let mut done = false;
    let mut finish: Option<String> = None;
    while !done {
        let chunk = match tokio::time::timeout(ep.idle, res.chunk()).await {
            Err(_) => {
                return Err(cut(
                    finish_round(round, calls, request),
                    LlmError::Down("idle".into()),
                ));
            }
            Ok(Err(e)) => {
                return Err(cut(
                    finish_round(round, calls, request),
                    LlmError::Down(e.to_string()),
                ));
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(c))) => c,
        };
        buf.extend_from_slice(&chunk);
        if buf.len() > 1 << 20 || round.content.len() > MAX_TEXT {
            return Err(cut(
                finish_round(round, calls, request),
                LlmError::Protocol("answer too long".into()),
            ));
        }
        while let Some((end, sep)) = event_end(&buf) {
            let event: Vec<u8> = buf.drain(..end + sep).collect();
            let text = String::from_utf8_lossy(&event[..end]);
            // Lines of the event (RFC: `data:` fields joined by newlines; `:` comments and
            // other fields ignored).
            let data: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if data.is_empty() {
                continue;
            }
            let data = data.join("\n");
            if data.trim() == "[DONE]" {
                done = true;
                break;
            }
            let v: Value = match serde_json::from_str(&data) {
                Ok(v) => v,
                Err(e) => {
                    return Err(cut(
                        finish_round(round, calls, request),
                        LlmError::Protocol(e.to_string()),
                    ));
                }
            };
            if v.get("error").is_some() {
                let m = error_message(&data);
                return Err(cut(finish_round(round, calls, request), LlmError::Down(m)));
            }
            let piece = Piece::of(v);
            if let Some(t) = piece.tokens {
                round.tokens = t;
            }
            if let Some(f) = piece.finish {
                finish = Some(f);
            }
            if !piece.content.is_empty() {
                round.content.push_str(&piece.content);
                on_text(&piece.content);
            }
            for (i, id, name, arguments) in piece.calls {
                if i >= 16 {
                    continue;
                }
                if calls.len() <= i {
                    calls.resize(i + 1, Default::default());
                }
                let c = &mut calls[i];
                // The id and the name come once (some servers repeat them); the arguments in
                // pieces.
                if c.0.is_empty() {
                    c.0 = id;
                }
                if c.1.is_empty() {
                    c.1 = name;
                }
                c.2.push_str(&arguments);
            }
        }
    }
    // A stream that ended without saying it had (no `[DONE]`, no reason) was cut; one that
    // ended for its length was too.
    if !done && finish.is_none() {
        return Err(cut(
            finish_round(round, calls, request),
            LlmError::Down("the stream ended early".into()),
        ));
    }
    if finish.as_deref() == Some("length") {
        return Err(cut(
            finish_round(round, calls, request),
            LlmError::Down("length".into()),
        ));
    }
    Ok(finish_round(round, calls, request))
}

/// The longest answer taken, in bytes.
const MAX_TEXT: usize = 32 << 10;

/// What a chunk says, read by async-openai's published type, or loosely when a server
/// strays from it (a missing `created`, a `finish_reason` of its own).
#[derive(Default)]
struct Piece {
    content: String,
    /// (index, id, name, arguments)
    calls: Vec<(usize, String, String, String)>,
    finish: Option<String>,
    tokens: Option<u32>,
}

impl Piece {
    fn of(v: Value) -> Piece {
        match serde_json::from_value::<CreateChatCompletionStreamResponse>(v.clone()) {
            Ok(chunk) => {
                let mut p = Piece {
                    tokens: chunk.usage.as_ref().map(|u| u.total_tokens),
                    ..Default::default()
                };
                for choice in chunk.choices.iter().filter(|c| c.index == 0) {
                    p.content
                        .push_str(choice.delta.content.as_deref().unwrap_or_default());
                    if let Some(f) = &choice.finish_reason {
                        p.finish = serde_json::to_value(f)
                            .ok()
                            .and_then(|f| f.as_str().map(str::to_string));
                    }
                    for tc in choice.delta.tool_calls.iter().flatten() {
                        let f = tc.function.as_ref();
                        p.calls.push((
                            tc.index as usize,
                            tc.id.clone().unwrap_or_default(),
                            f.and_then(|f| f.name.clone()).unwrap_or_default(),
                            f.and_then(|f| f.arguments.clone()).unwrap_or_default(),
                        ));
                    }
                }
                p
            }
            Err(_) => {
                let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
                let mut p = Piece {
                    tokens: v
                        .pointer("/usage/total_tokens")
                        .and_then(|t| t.as_u64())
                        .map(|t| t as u32),
                    ..Default::default()
                };
                for choice in v["choices"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|c| c["index"].as_u64().unwrap_or(0) == 0)
                {
                    p.content.push_str(&s(&choice["delta"]["content"]));
                    p.finish = choice["finish_reason"].as_str().map(str::to_string);
                    for tc in choice["delta"]["tool_calls"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        p.calls.push((
                            tc["index"].as_u64().unwrap_or(0) as usize,
                            s(&tc["id"]),
                            s(&tc["function"]["name"]),
                            s(&tc["function"]["arguments"]),
                        ));
                    }
                }
                p
            }
        }
    }
}

/// The end of the first complete event in `buf`: (its length, the separator's).
fn event_end(buf: &[u8]) -> Option<(usize, usize)> {
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|p| (p, 2));
    let crlf = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn finish_round(
    mut round: Round,
    calls: Vec<(String, String, String)>,
    request: &CreateChatCompletionRequest,
) -> Round {
    // A server that does not count (no usage chunk, or a stream cut before it): about four
    // characters a token, so that the day's budget still counts it.
    if round.tokens == 0 {
        let asked = serde_json::to_vec(request).map(|v| v.len()).unwrap_or(0);
        let written =
            round.content.len() + calls.iter().map(|c| c.1.len() + c.2.len()).sum::<usize>();
        round.tokens = ((asked + written) / 4) as u32;
    }
    round.tool_calls = calls
        .into_iter()
        .filter(|(_, name, _)| !name.is_empty())
        .enumerate()
        .map(|(i, (id, name, arguments))| ChatCompletionMessageToolCall {
            id: if id.is_empty() {
                format!("call_{i}")
            } else {
                id
            },
            function: FunctionCall { name, arguments },
        })
        .collect();
    round
}

/// Checks the connection: the model list (`GET /models`) answers with the key, and names
/// the model when it lists it. `Ok(true)`: the model is listed; `Ok(false)`: the server
/// answers but does not list it (some serve one model under any name).
pub async fn check(http: &reqwest::Client, ep: &Endpoint) -> Result<bool, LlmError> {
    let res = send(
        || ep.with_key(http.get(format!("{}/models", ep.url))),
        Duration::from_secs(10),
    )
    .await?;
    let body: Value = serde_json::from_str(&body_text(res, 1 << 20).await)
        .map_err(|e| LlmError::Protocol(e.to_string()))?;
    let listed = body
        .get("data")
        .and_then(|d| d.as_array())
        .ok_or_else(|| LlmError::Protocol("no data list".into()))?;
    Ok(listed
        .iter()
        .any(|m| m.get("id").and_then(|i| i.as_str()) == Some(ep.model.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3)));
        h.insert(
            "retry-after",
            "Mon, 07 Dec 2026 10:00:05 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(5)));
        h.insert(
            "retry-after",
            "Mon, 07 Dec 2026 09:00:05 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert("retry-after-ms", "250".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(250)));
    }

    #[test]
    fn events_end_at_a_blank_line_either_way() {
        assert_eq!(event_end(b"data: x\n\ndata: y"), Some((7, 2)));
        assert_eq!(event_end(b"data: x\r\n\r\n"), Some((7, 4)));
        assert_eq!(event_end(b"data: x\n"), None);
    }

    #[test]
    fn an_endpoint_needs_a_url_and_a_model() {
        assert!(Endpoint::new("", "m", "", 20).is_none());
        assert!(Endpoint::new("http://x/v1", " ", "", 20).is_none());
        let e = Endpoint::new("http://x/v1/", "m", "", 20).unwrap();
        assert_eq!(e.url, "http://x/v1");
    }
}

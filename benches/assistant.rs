//! Benchmark: the assistant on the demo school, in-process on loopback, against the
//! loopback OpenAI-compatible server of the tests (which follows the published API).
//! Reports, each against a baseline measured in the same run:
//! - the answer time without a model ("combien je dois ?" through `POST /api/assistant`),
//!   against `GET /healthz`;
//! - the time to the first token a parent sees in the panel (the question posted, then the
//!   answer's event stream opened, to its first `delta`), against the endpoint's own time to
//!   its first token for the same answer;
//! - 100 parents' conversations at once (each its question through `POST /api/assistant`,
//!   answered by the model as it streams), against the same 100 answers asked of the
//!   endpoint directly and at once.
//!
//! Run with `cargo bench --bench assistant` (SQLite); `scripts/bench-assistant` does it.

mod common;
#[path = "../tests/api/fake_llm.rs"]
mod fake_llm;

use std::time::{Duration, Instant};

use common::serve;
use fake_llm::{KEY, MODEL, Turn};
use serde_json::{Value, json};

const SAMPLES: usize = 60;
const CONVERSATIONS: usize = 100;
/// The model's answer: 24 pieces, one every 40 ms (about a second, as a small model on a
/// school's server writes a short answer).
const PIECE: Duration = Duration::from_millis(40);

fn answer_text() -> String {
    "Il reste 55 000 F à payer pour Sena : la prochaine tranche de 25 000 F est due le 15 janvier, et rien pour Elom ce trimestre, merci."
        .into()
}

/// A signed-in person: the session cookie and its CSRF token.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"_csrf\" value=\"").expect("a CSRF token") + 20;
    body[at..at + 64].to_string()
}

fn cookie_of(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("suku_session="))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

async fn login(http: &reqwest::Client, base: &str, login: &str) -> Session {
    let r = http.get(format!("{base}/connexion")).send().await.unwrap();
    let cookie = cookie_of(&r).unwrap_or_default();
    let csrf = csrf_of(&r.text().await.unwrap());
    let r = http
        .post(format!("{base}/connexion"))
        .header("Cookie", format!("suku_session={cookie}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", login),
            ("password", suku::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = cookie_of(&r).expect("signed in");
    let page = http
        .get(format!("{base}/assistant"))
        .header("Cookie", format!("suku_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Session {
        csrf: csrf_of(&page),
        cookie,
    }
}

async fn api_ask(http: &reqwest::Client, base: &str, s: &Session, message: &str) -> String {
    let r = http
        .post(format!("{base}/api/assistant"))
        .header("Cookie", format!("suku_session={}", s.cookie))
        .header("X-CSRF-Token", &s.csrf)
        .json(&json!({ "message": message }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let v: Value = r.json().await.unwrap();
    v["answer"].as_str().unwrap_or_default().to_string()
}

/// Reads a response's body until a chunk holds `needle`: the time it took from `from`.
async fn until(mut r: reqwest::Response, needle: &str, from: Instant) -> Duration {
    let mut seen = String::new();
    while let Some(c) = r.chunk().await.unwrap() {
        seen.push_str(&String::from_utf8_lossy(&c));
        if seen.contains(needle) {
            let t = from.elapsed();
            // The rest is read, as a browser does.
            while r.chunk().await.unwrap().is_some() {}
            return t;
        }
    }
    panic!("never saw {needle}: {seen}");
}

/// The question asked of the endpoint directly.
async fn endpoint(http: &reqwest::Client, llm_url: &str) -> reqwest::Response {
    http.post(format!("{llm_url}/chat/completions"))
        .bearer_auth(KEY)
        .json(&json!({"model": MODEL, "stream": true,
            "messages": [{"role": "user", "content": "combien je dois ?"}]}))
        .send()
        .await
        .unwrap()
}

/// The endpoint's own time to its first token.
async fn endpoint_ttft(http: &reqwest::Client, llm_url: &str) -> Duration {
    let started = Instant::now();
    let r = endpoint(http, llm_url).await;
    until(r, "\"content\":\"Il", started).await
}

/// The time to the first token in the panel: the question posted as the panel does, then
/// the answer's stream opened.
async fn panel_ttft(http: &reqwest::Client, base: &str, s: &Session) -> Duration {
    let started = Instant::now();
    let body = http
        .post(format!("{base}/assistant"))
        .header("Cookie", format!("suku_session={}", s.cookie))
        .header("HX-Request", "true")
        .header("X-Suku-Stream", "1")
        .form(&[("_csrf", s.csrf.as_str()), ("message", "combien je dois ?")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = body.find("data-stream=\"").expect("a pending answer") + 13;
    let url: String = body[at..].chars().take_while(|c| *c != '"').collect();
    let r = http
        .get(format!("{base}{url}"))
        .header("Cookie", format!("suku_session={}", s.cookie))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    until(r, "event: delta", started).await
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    common::pct(times, p)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let pool = suku::db::connect(&url, 8).await?;
    suku::db::migrate(&pool).await?;
    suku::demo::generate(&pool).await?;
    // No limits in the way of the measure.
    let settings = suku::assistant::AssistantSettings {
        daily_messages: 1_000_000,
        per_minute: 1_000_000,
        daily_tokens: 1_000_000_000,
        ..Default::default()
    };
    let mut tx = suku::db::begin_write(&pool).await?;
    suku::settings::store(&mut *tx, "assistant", &settings).await?;
    tx.commit().await?;
    let (llm_url, llm) = fake_llm::start().await;

    // Two portals on the same school: without a model, and with one.
    let local = serve(suku::app::router(suku::app::AppState::new(
        pool.clone(),
        suku::config::Config::new(url.clone()),
    )?))
    .await;
    let mut config = suku::config::Config::new(url.clone());
    config.llm.url = llm_url.clone();
    config.llm.model = MODEL.into();
    config.llm.key = suku::config::Secret(KEY.into());
    let with_model = serve(suku::app::router(suku::app::AppState::new(
        pool.clone(),
        config,
    )?))
    .await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONVERSATIONS * 2)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let parents: Vec<(String,)> = sqlx::query_as(
        "SELECT u.phone FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE r.role = 'parent' AND u.phone IS NOT NULL ORDER BY u.id LIMIT $1",
    )
    .bind(CONVERSATIONS as i64)
    .fetch_all(&pool)
    .await?;
    assert_eq!(parents.len(), CONVERSATIONS, "parents in the demo school");

    // 1. Without a model, against /healthz.
    let s = login(&http, &local, &parents[0].0).await;
    let first = api_ask(&http, &local, &s, "combien je dois ?").await;
    assert!(first.contains("FCFA") || first.contains('F'), "{first}");
    let (mut asked, mut health) = (Vec::new(), Vec::new());
    for _ in 0..SAMPLES * 3 {
        let t = Instant::now();
        http.get(format!("{local}/healthz"))
            .send()
            .await?
            .bytes()
            .await?;
        health.push(t.elapsed());
        let t = Instant::now();
        api_ask(&http, &local, &s, "combien je dois ?").await;
        asked.push(t.elapsed());
    }
    let (a50, a99, h50, h99) = (
        pct(&mut asked, 0.5),
        pct(&mut asked, 0.99),
        pct(&mut health, 0.5),
        pct(&mut health, 0.99),
    );
    println!(
        "without a model: answer p50 {a50:.2} ms, p99 {a99:.2} ms; /healthz p50 {h50:.2} ms, p99 {h99:.2} ms (x{:.1} p50, x{:.1} p99)",
        a50 / h50,
        a99 / h99
    );

    // 2. Time to the first token: through the panel, against the endpoint's own.
    llm.script(
        std::iter::repeat_with(|| Turn::Slow(answer_text(), PIECE))
            .take(SAMPLES * 2 + CONVERSATIONS * 2),
    );
    let s = login(&http, &with_model, &parents[1].0).await;
    let (mut direct, mut panel) = (Vec::new(), Vec::new());
    for _ in 0..SAMPLES {
        direct.push(endpoint_ttft(&http, &llm_url).await);
        panel.push(panel_ttft(&http, &with_model, &s).await);
    }
    let (d50, d99, p50, p99) = (
        pct(&mut direct, 0.5),
        pct(&mut direct, 0.99),
        pct(&mut panel, 0.5),
        pct(&mut panel, 0.99),
    );
    println!(
        "first token: in the panel p50 {p50:.1} ms, p99 {p99:.1} ms; the endpoint's own p50 {d50:.1} ms, p99 {d99:.1} ms; Suku adds {:.1} ms at p50 (x{:.2})",
        p50 - d50,
        p50 / d50
    );

    // 3. 100 conversations at once, against the same answers asked of the endpoint at once.
    let mut sessions = Vec::new();
    for (phone,) in &parents {
        sessions.push(login(&http, &with_model, phone).await);
    }
    let started = Instant::now();
    let direct_all: Vec<_> = (0..CONVERSATIONS)
        .map(|_| {
            let (http, llm_url) = (http.clone(), llm_url.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let r = endpoint(&http, &llm_url).await;
                until(r, "[DONE]", t).await
            })
        })
        .collect();
    let mut direct = Vec::new();
    for t in direct_all {
        direct.push(t.await?);
    }
    let direct_wall = started.elapsed();
    let started = Instant::now();
    let all: Vec<_> = sessions
        .into_iter()
        .map(|s| {
            let (http, base) = (http.clone(), with_model.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let a = api_ask(&http, &base, &s, "combien je dois ?").await;
                assert_eq!(a, answer_text());
                t.elapsed()
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in all {
        times.push(t.await?);
    }
    let wall = started.elapsed();
    let (c50, c99, e50, e99) = (
        pct(&mut times, 0.5),
        pct(&mut times, 0.99),
        pct(&mut direct, 0.5),
        pct(&mut direct, 0.99),
    );
    println!(
        "{CONVERSATIONS} conversations at once: each p50 {c50:.0} ms, p99 {c99:.0} ms, all in {:.0} ms; the endpoint alone p50 {e50:.0} ms, p99 {e99:.0} ms, all in {:.0} ms (x{:.2} p50, x{:.2} p99, x{:.2} in all)",
        ms(wall),
        ms(direct_wall),
        c50 / e50,
        c99 / e99,
        wall.as_secs_f64() / direct_wall.as_secs_f64()
    );
    let (messages,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM assistant_messages WHERE author = 'assistant' AND mode = 'model'",
    )
    .fetch_one(&pool)
    .await?;
    println!("answers written by the model and kept: {messages}");
    Ok(())
}

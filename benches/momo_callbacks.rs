//! Benchmark: a burst of 500 PayGate callbacks (400 payments, 100 of them sent twice) on
//! loopback, 50 at a time, against the portal on the demo school. Each callback is
//! recorded, answered, and checked with a loopback PayGate status endpoint before its
//! payment is credited. Reports callbacks handled per second, the webhook's p50/p99
//! response time, how long until every payment is credited, and checks that each was
//! credited exactly once. The baseline, measured in the same run with the same load, is
//! `/healthz` (the bare HTTP stack).
//!
//! Run with `cargo bench --bench momo_callbacks` (SQLite), or with `--features postgres`
//! and `SUKU_BENCH_PG_URL` pointing at an empty database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

mod common;

use common::{pct, serve};

const PAYMENTS: usize = 400;
const DUPLICATES: usize = 100;
const CONCURRENCY: usize = 50;

async fn paygate_status(Json(b): Json<Value>) -> Json<Value> {
    let identifier = b["identifier"].as_str().unwrap_or("").to_string();
    Json(json!({
        "tx_reference": format!("TX{}", &identifier[5..]),
        "identifier": identifier,
        "payment_reference": format!("OP{}", &identifier[5..]),
        "status": 0,
        "datetime": "2026-11-24 10:00:00",
        "payment_method": "T-Money",
    }))
}

/// Sends `bodies` (None: a GET of `url`) `CONCURRENCY` at a time; returns the sorted
/// response times and the wall time.
async fn burst(url: &str, bodies: Vec<Option<Value>>) -> (Vec<Duration>, Duration) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let gate = Arc::new(Semaphore::new(CONCURRENCY));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for body in bodies {
        let (client, gate, url) = (client.clone(), gate.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let t = Instant::now();
            let r = match body {
                Some(b) => client.post(&url).json(&b).send().await,
                None => client.get(&url).send().await,
            }
            .unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            t.elapsed()
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.push(t.await.unwrap());
    }
    let wall = started.elapsed();
    times.sort();
    (times, wall)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    #[cfg(not(feature = "postgres"))]
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    #[cfg(feature = "postgres")]
    let url = std::env::var("SUKU_BENCH_PG_URL")?;
    let _ = &dir;
    let pool = suku::db::connect(&url, 8).await?;
    suku::db::migrate(&pool).await?;
    suku::demo::generate(&pool).await?;

    let paygate = serve(axum::Router::new().route("/api/v2/status", post(paygate_status))).await;
    let mut config = suku::config::Config::new(url.clone());
    config.momo.provider = "paygate".into();
    config.momo.paygate_url = paygate;
    config.momo.paygate_token = suku::config::Secret("bench".into());
    let state = suku::app::AppState::new(pool.clone(), config)?;
    let base = serve(suku::app::router(state.clone())).await;

    // 400 attempts waiting for their callback: 1 000 FCFA each for students who owe more.
    let students: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT g.student_id, MIN(g.user_id) FROM student_guardians g \
         WHERE (SELECT SUM(l.amount) FROM ledger_entries l WHERE l.student_id = g.student_id) >= 1000 \
         GROUP BY g.student_id ORDER BY g.student_id",
    )
    .fetch_all(&pool)
    .await?;
    assert!(
        students.len() >= PAYMENTS / 2,
        "{} students owe",
        students.len()
    );
    let now = chrono::Utc::now();
    let mut identifiers = Vec::new();
    for i in 0..PAYMENTS {
        let (student, parent) = students[i % students.len()];
        let identifier = format!("SUKU-{i:016X}");
        sqlx::query(
            "INSERT INTO momo_payments (identifier, idempotency_key, provider, network, phone, student_id, user_id, amount, \
             state, created_at, updated_at, expires_at) VALUES ($1, $1, 'paygate', 'tmoney', '+22890112233', $2, $3, 500, 'pending', $4, $4, $5)",
        )
        .bind(&identifier)
        .bind(student)
        .bind(parent)
        .bind(now)
        .bind(now + chrono::Duration::minutes(30))
        .execute(&pool)
        .await?;
        identifiers.push(identifier);
    }
    let mut bodies: Vec<Option<Value>> = identifiers
        .iter()
        .chain(identifiers.iter().step_by(PAYMENTS / DUPLICATES))
        .map(|id| {
            Some(json!({
                "tx_reference": format!("TX{}", &id[5..]), "identifier": id,
                "payment_reference": format!("OP{}", &id[5..]), "amount": 500,
                "datetime": "2026-11-24 10:00:00", "payment_method": "T-Money", "phone_number": "90112233",
            }))
        })
        .collect();
    // Duplicates arrive mixed in, not at the end.
    let n = bodies.len();
    for i in 0..n {
        bodies.swap(i, (i * 7919) % n);
    }

    // The demo's history already has mobile money receipts (paid at the desk's terminal).
    let (receipts_before,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM payments WHERE method = 'mobile_money'")
            .fetch_one(&pool)
            .await?;
    // Baseline: the same burst on /healthz.
    let (base_times, base_wall) = burst(&format!("{base}/healthz"), vec![None; n]).await;
    let started = Instant::now();
    let (times, wall) = burst(&format!("{base}/paiements/rappel/paygate"), bodies).await;
    // Every payment credited, exactly once.
    let credited_after = loop {
        let (paid,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM momo_payments WHERE state = 'paid'")
                .fetch_one(&pool)
                .await?;
        if paid as usize == PAYMENTS {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {paid} credited"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (receipts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM payments WHERE method = 'mobile_money'")
            .fetch_one(&pool)
            .await?;
    assert_eq!(
        (receipts - receipts_before) as usize,
        PAYMENTS,
        "each payment credited exactly once"
    );
    let (callbacks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM momo_callbacks")
        .fetch_one(&pool)
        .await?;
    assert_eq!(callbacks as usize, n, "every callback kept");

    let rate = n as f64 / wall.as_secs_f64();
    let base_rate = n as f64 / base_wall.as_secs_f64();
    println!(
        "database: {}; {n} callbacks ({DUPLICATES} duplicates), {CONCURRENCY} at a time",
        suku::db::KIND
    );
    println!(
        "webhook:  {rate:.0} callbacks/s, p50 {:.2} ms, p99 {:.2} ms; all {PAYMENTS} credited after {:.2} s, once each",
        pct(&times, 0.5),
        pct(&times, 0.99),
        credited_after.as_secs_f64()
    );
    println!(
        "baseline: /healthz {base_rate:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        pct(&base_times, 0.5),
        pct(&base_times, 0.99)
    );
    println!(
        "ratios:   rate {:.2}x the baseline's, p99 {:.2}x",
        rate / base_rate,
        pct(&times, 0.99) / pct(&base_times, 0.99)
    );
    state.realtime.detach();
    Ok(())
}

//! The durable job runner: progress shown to the user who started the job, retries with
//! backoff, a crashed node's job taken over by another, cancellation, one claim per job.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use serde_json::{Value, json};
use suku::jobs::{self, Job, JobCtx, Payload, Registry};

use crate::helpers::{TestApp, scalar};

#[tokio::test]
async fn school_results_run_as_a_job_with_progress() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d.post("/admin/periodes/1/resultats", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page_url = r.location().to_string();
    assert!(page_url.starts_with("/taches/"));
    let page = d.get(&page_url).await;
    assert!(page.plain().contains("En attente"));
    // While it waits or runs, the bar fetches itself when the socket says the job moved,
    // and every 2 seconds without a socket.
    assert!(
        page.body
            .contains("hx-trigger=\"suku:job from:body, every 2s\"")
    );
    assert!(page.body.contains("http-equiv=\"refresh\""));
    // Someone else's job is not shown.
    let mut b = app.login_as("bursar").await;
    assert_eq!(b.get(&page_url).await.status, StatusCode::FORBIDDEN);

    assert!(
        jobs::run_once(&app.state, &suku::app::jobs(), "test")
            .await
            .unwrap()
    );
    let frag = d.get_htmx(&page_url).await;
    assert!(!frag.body.contains("<html"), "a fragment for htmx");
    let text = frag.plain();
    assert!(text.contains("Terminé"), "{text}");
    assert!(text.contains("100 %"));
    assert!(text.contains("2 classes calculées."));
    assert!(!frag.body.contains("hx-trigger"), "polling stops when done");
    let (href,): (String,) = sqlx::query_as("SELECT result FROM jobs")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let href = serde_json::from_str::<Value>(&href).unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    let results = d.get(&href).await;
    assert_eq!(results.status, StatusCode::OK);
    let text = results.plain();
    assert!(text.contains("Résultats de l’établissement"));
    assert!(text.contains("6e A") && text.contains("6e B"));
    // Nothing left to run.
    assert!(
        !jobs::run_once(&app.state, &suku::app::jobs(), "test")
            .await
            .unwrap()
    );
}

struct Flaky(Arc<AtomicUsize>);

#[derive(serde::Serialize, serde::Deserialize)]
struct FlakyRun {}

impl Payload for FlakyRun {
    const KIND: &'static str = "test.flaky";
}

#[async_trait::async_trait]
impl Job for Flaky {
    type Payload = FlakyRun;
    async fn run(&self, _: &JobCtx, _: FlakyRun) -> anyhow::Result<Value> {
        self.0.fetch_add(1, Ordering::SeqCst);
        anyhow::bail!("the outside service is down")
    }
}

#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_then_given_up() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let runs = Arc::new(AtomicUsize::new(0));
    let reg = Registry::default().with(Flaky(runs.clone()));
    let id = jobs::enqueue(pool, &FlakyRun {}, None, app.state.clock.now())
        .await
        .unwrap();
    assert!(jobs::run_once(&app.state, &reg, "w").await.unwrap());
    let state = |pool| async move {
        sqlx::query_as::<_, (String, i64, Option<String>)>(
            "SELECT state, attempts, error FROM jobs",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let (s, attempts, error) = state(pool).await;
    assert_eq!((s.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap().contains("outside service is down"));
    // Not due again before its backoff.
    assert!(!jobs::run_once(&app.state, &reg, "w").await.unwrap());
    for _ in 0..2 {
        sqlx::query("UPDATE jobs SET run_after = $1")
            .bind(app.state.clock.now() - chrono::Duration::seconds(1))
            .execute(pool)
            .await
            .unwrap();
        assert!(jobs::run_once(&app.state, &reg, "w").await.unwrap());
    }
    let (s, attempts, _) = state(pool).await;
    assert_eq!((s.as_str(), attempts), ("failed", 3));
    assert_eq!(runs.load(Ordering::SeqCst), 3);
    let view = jobs::get(pool, id).await.unwrap().unwrap();
    assert_eq!(view.state.as_str(), "failed");
}

struct Counter {
    steps: i64,
}

/// A count to make.
#[derive(serde::Serialize, serde::Deserialize)]
struct Count {}

impl Payload for Count {
    const KIND: &'static str = "test.counter";
}

#[async_trait::async_trait]
impl Job for Counter {
    type Payload = Count;
    async fn run(&self, ctx: &JobCtx, _: Count) -> anyhow::Result<Value> {
        for i in 0..self.steps {
            ctx.progress(i, self.steps, "job-msg-class", json!({ "class": i }))
                .await?;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Ok(json!({ "counted": self.steps }))
    }
}

#[tokio::test]
async fn a_crashed_nodes_job_is_taken_over_once_its_lease_lapses() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let reg = Registry::default().with(Counter { steps: 3 });
    jobs::enqueue(pool, &Count {}, None, app.state.clock.now())
        .await
        .unwrap();
    // Node A claims the job, then dies: its lease is already over.
    let now = app.state.clock.now();
    let claimed = jobs::repo::claim(pool, "node-a", now, now - chrono::Duration::seconds(1))
        .await
        .unwrap()
        .unwrap();
    // A second claim while the lease held would have found nothing; now B takes it over.
    assert!(jobs::run_once(&app.state, &reg, "node-b").await.unwrap());
    let (state, attempts, result): (String, i64, String) =
        sqlx::query_as("SELECT state, attempts, result FROM jobs")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts), ("done", 2));
    assert!(result.contains("\"counted\":3"));
    // Node A waking up cannot overwrite B's outcome.
    assert_eq!(
        jobs::repo::finish(
            pool,
            claimed.id,
            "node-a",
            suku::jobs::JobState::Failed,
            None,
            Some("late"),
            now
        )
        .await
        .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_job_is_claimed_by_one_worker_only() {
    let app = TestApp::new().await;
    let pool = app.db.pool.clone();
    for _ in 0..3 {
        jobs::enqueue(&pool, &Count {}, None, app.state.clock.now())
            .await
            .unwrap();
    }
    let now = app.state.clock.now();
    let until = now + chrono::Duration::seconds(60);
    let claims: Vec<_> = (0..6)
        .map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                jobs::repo::claim(&pool, &format!("w{i}"), now, until)
                    .await
                    .unwrap()
                    .map(|c| c.id)
            })
        })
        .collect();
    let mut got = Vec::new();
    for c in claims {
        if let Some(id) = c.await.unwrap() {
            got.push(id);
        }
    }
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 3, "each job once, no job twice: {got:?}");
    assert_eq!(
        scalar(
            &pool,
            "SELECT COUNT(*) FROM jobs WHERE state = 'running' AND attempts = 1",
            None
        )
        .await,
        3
    );
}

#[tokio::test]
async fn cancelling_stops_a_queued_or_a_running_job() {
    let app = TestApp::new().await;
    let pool = app.db.pool.clone();
    let queued = jobs::enqueue(
        &pool,
        &Count {},
        Some(app.f.director),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let mut d = app.login_as("director").await;
    let r = d.post(&format!("/taches/{queued}/annulation"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        jobs::get(&pool, queued).await.unwrap().unwrap().state,
        jobs::JobState::Cancelled
    );
    // A long job stops at its next progress report after the request.
    let reg = Registry::default().with(Counter { steps: 10_000 });
    let running = jobs::enqueue(
        &pool,
        &Count {},
        Some(app.f.director),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let state = app.state.clone();
    let worker = tokio::spawn(async move { jobs::run_once(&state, &reg, "w").await.unwrap() });
    loop {
        let v = jobs::get(&pool, running).await.unwrap().unwrap();
        if v.state.as_str() == "running" && v.progress_done > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    d.post(&format!("/taches/{running}/annulation"), &[]).await;
    tokio::time::timeout(std::time::Duration::from_secs(10), worker)
        .await
        .expect("the job stops")
        .unwrap();
    let v = jobs::get(&pool, running).await.unwrap().unwrap();
    assert_eq!(v.state.as_str(), "cancelled");
    assert!(v.progress_done < 10_000);
}

#[tokio::test]
async fn a_job_whose_payload_cannot_be_read_fails_at_once() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let reg = Registry::default().with(Counter { steps: 1 });
    // A payload of another shape (written by hand, or by a newer node).
    let id = jobs::repo::insert(
        pool,
        Count::KIND,
        r#""count to ten""#,
        None,
        app.state.clock.now(),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert!(jobs::run_once(&app.state, &reg, "w").await.unwrap());
    let v = jobs::get(pool, id).await.unwrap().unwrap();
    assert_eq!((v.state.as_str(), v.attempts), ("failed", 1));
    assert!(v.error.unwrap().contains("unreadable payload"));
}

//! Benchmark: the workflow engine under a stream of school events. Twenty enabled workflows
//! (ten on absences: two act on every absence, eight have a condition that does not hold;
//! ten on other triggers), 1,000 absence
//! events a second for a few seconds, written in batches as roll calls write them, on the
//! demo school. One node runs the engine and the job runner, as `suku serve` does.
//!
//! Reports the delay from an event to its first action (the first step of a run done: the
//! parents' notification or the note in the file written), p50 and p99, the throughput of runs, and checks that
//! no event was lost (every event has a run of each workflow whose condition holds) and no
//! action was done twice (one step row per run, one notification per parent and run). The
//! baseline, measured in the same run on the same events, is the built-in notifier's delay
//! from the same events to its own absence notices.
//!
//! Run with `scripts/bench-workflows` (SQLite, then PostgreSQL when `SUKU_BENCH_PG_URL`
//! names an empty database), or `cargo bench --bench workflows`.

use std::time::{Duration, Instant};

use suku::events::{AbsenceKind, AbsenceRecorded, SchoolEvent};

/// Workflows an absence starts, of the twenty enabled.
const ACTING: usize = 2;
const ENABLED: usize = 20;

fn events_per_second() -> usize {
    std::env::var("EVENTS_PER_SECOND")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

fn seconds() -> u64 {
    std::env::var("SECONDS_OF_LOAD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

/// The built-in notifier, timed: the delay from each event to its handling (the same
/// dispatch path as the engine's, without workflows).
struct Timed {
    inner: suku::notifications::Notifier,
    delays: std::sync::Mutex<Vec<f64>>,
}

#[async_trait::async_trait]
impl suku::events::Subscriber for Timed {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn handle(
        &self,
        tx: &mut suku::db::Tx<'_>,
        event: &suku::events::Event,
    ) -> anyhow::Result<()> {
        self.inner.handle(tx, event).await?;
        let ms = (chrono::Utc::now() - event.occurred_at)
            .num_microseconds()
            .unwrap_or(0) as f64
            / 1000.0;
        self.delays.lock().unwrap().push(ms);
        Ok(())
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
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
    let now = chrono::Utc::now();
    // Only the bench's workflows: the demo's own are turned off (the built-in absence
    // notice speaks again, and is the baseline).
    sqlx::query("UPDATE workflows SET enabled = FALSE")
        .execute(&pool)
        .await?;
    let notify = |to: &str| {
        serde_json::json!([
            { "type": "notify", "to": to, "text": { "fr": "Absence de {prenom} ({minutes}).", "en": "" } }
        ])
        .to_string()
    };
    // Twenty workflows as a school might have them: on absences, two that act on every
    // absence (the parents, and a note to the file) and eight whose condition does not hold
    // for these (other classes, long absences, late arrivals…); ten on other triggers
    // (marks, sanctions, payments, enrollments…) that absences do not start.
    let mut flows: Vec<(suku::workflows::TriggerKind, &str, String)> = vec![
        (suku::workflows::TriggerKind::Absence, "kind == 'absence'", notify("parents")),
        (
            suku::workflows::TriggerKind::Absence,
            "minutes >= 30",
            serde_json::json!([{ "type": "note", "text": { "fr": "Absence ({minutes}) le {date}.", "en": "" } }])
                .to_string(),
        ),
    ];
    for cond in [
        "kind == 'retard'",
        "minutes > 600",
        "class == 'Terminale Z'",
        "level == 'CP1' and minutes > 120",
        "hour > 23",
        "minutes < 0",
        "serie == 'Z' and kind == 'retard'",
        "class in ['Aucune', 'Autre'] and minutes >= 240",
    ] {
        flows.push((
            suku::workflows::TriggerKind::Absence,
            cond,
            notify("directors"),
        ));
    }
    use suku::workflows::TriggerKind as K;
    for kind in [
        K::Mark,
        K::AverageLow,
        K::Sanction,
        K::Payment,
        K::MomoFailed,
        K::Invoice,
        K::Bulletin,
        K::HonourRoll,
        K::Enrolled,
        K::MessageReported,
    ] {
        flows.push((kind, "", notify("directors")));
    }
    for (i, (kind, condition, steps)) in flows.iter().enumerate() {
        suku::workflows::repo::insert(
            &pool,
            &suku::workflows::repo::NewWorkflow {
                name: &format!("Banc d’essai {i}"),
                template: None,
                trigger_kind: *kind,
                condition,
                steps,
                enabled: true,
                schedule: "",
                days: 0,
            },
            None,
            now,
        )
        .await?;
    }
    // The bench measures the engine, not the per-workflow hourly limit.
    sqlx::query("UPDATE workflows SET max_per_hour = 100000000 WHERE enabled = TRUE")
        .execute(&pool)
        .await?;
    let config = suku::config::Config::new(url.clone());
    let state = suku::app::AppState::new(pool.clone(), config)?;
    let students: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT e.student_id, e.class_id FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
         GROUP BY e.student_id, e.class_id ORDER BY e.student_id",
    )
    .fetch_all(&pool)
    .await?;
    let (first_event,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM school_events")
        .fetch_one(&pool)
        .await?;
    let (first_note,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM notifications")
        .fetch_one(&pool)
        .await?;
    // The engine and the notifier start from here, as on a server that has been running.
    tokio::spawn(suku::workflows::run::run(state.clone()));
    let baseline = std::sync::Arc::new(Timed {
        inner: suku::notifications::Notifier::new(&state),
        delays: Default::default(),
    });
    {
        let (baseline, db) = (baseline.clone(), pool.clone());
        suku::events::subscribe_from_now(&db, "notifications").await?;
        tokio::spawn(async move {
            loop {
                match suku::events::dispatch(&db, baseline.as_ref(), 200, chrono::Utc::now()).await
                {
                    Ok(0) | Err(_) => tokio::time::sleep(Duration::from_millis(300)).await,
                    Ok(_) => {}
                }
            }
        });
    }
    suku::jobs::spawn(state.clone(), suku::app::jobs());
    tokio::time::sleep(Duration::from_millis(500)).await;

    let rate = events_per_second();
    let batch = (rate / 100).max(1);
    let total = rate * seconds() as usize;
    let started = Instant::now();
    let mut sent = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    while sent < total {
        tick.tick().await;
        let mut tx = suku::db::begin_write(&pool).await?;
        for _ in 0..batch.min(total - sent) {
            let (student, class) = students[sent % students.len()];
            suku::events::publish(
                &mut *tx,
                &SchoolEvent::AbsenceRecorded(AbsenceRecorded {
                    absence_id: sent as i64,
                    student_id: student,
                    class_id: class,
                    kind: AbsenceKind::Absence,
                    minutes: 55,
                    held_on: now.date_naive(),
                }),
                None,
                chrono::Utc::now(),
            )
            .await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    let sending = started.elapsed();
    let expected_runs = (total * ACTING) as i64;
    let finished = loop {
        let (done,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM workflow_runs WHERE state = 'done' AND event_id > $1",
        )
        .bind(first_event)
        .fetch_one(&pool)
        .await?;
        if done >= expected_runs {
            break started.elapsed();
        }
        let (skipped,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM workflow_runs WHERE state IN ('skipped', 'failed') AND event_id > $1",
        )
        .bind(first_event)
        .fetch_one(&pool)
        .await?;
        anyhow::ensure!(skipped == 0, "{skipped} runs skipped or failed");
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "only {done} of {expected_runs} runs done"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Nothing lost, nothing twice.
    let (runs, steps_done, events_with_runs): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM workflow_runs WHERE event_id > $1), \
         (SELECT COUNT(*) FROM workflow_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE s.state = 'done' AND r.event_id > $1), \
         (SELECT COUNT(DISTINCT event_id) FROM workflow_runs WHERE event_id > $1)",
    )
    .bind(first_event)
    .fetch_one(&pool)
    .await?;
    anyhow::ensure!(
        runs == expected_runs,
        "{runs} runs for {expected_runs} expected"
    );
    anyhow::ensure!(
        steps_done == runs,
        "{steps_done} steps done for {runs} runs"
    );
    anyhow::ensure!(
        events_with_runs as usize == total,
        "{events_with_runs} events of {total}"
    );
    let (notes,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE text_key = 'wf-text' AND id > $1")
            .bind(first_note)
            .fetch_one(&pool)
            .await?;
    // Each step's record names the people it told: as many messages as names.
    let outputs: Vec<(String,)> = sqlx::query_as(
        "SELECT s.output FROM workflow_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE r.event_id > $1",
    )
    .bind(first_event)
    .fetch_all(&pool)
        .await?;
    let told: i64 = outputs
        .iter()
        .filter_map(|(o,)| serde_json::from_str::<serde_json::Value>(o).ok())
        .map(|v| v["people"].as_array().map_or(0, |p| p.len() as i64))
        .sum();
    anyhow::ensure!(notes == told, "{notes} messages for {told} people told");
    let (filed,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM student_notes n JOIN workflow_runs r ON r.id = n.run_id WHERE r.event_id > $1",
    )
    .bind(first_event)
    .fetch_one(&pool)
    .await?;
    anyhow::ensure!(
        filed as usize == total,
        "{filed} notes in files for {total} absences"
    );
    // The delays, from the database's own times.
    let delays = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            let rows: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
                sqlx::query_as(sql)
                    .bind(first_event)
                    .fetch_all(&pool)
                    .await?;
            let mut ms: Vec<f64> = rows
                .iter()
                .map(|(a, b)| (*b - *a).num_microseconds().unwrap_or(0) as f64 / 1000.0)
                .collect();
            ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
            Ok::<_, anyhow::Error>(ms)
        }
    };
    let first_action = delays(
        "SELECT e.occurred_at, MIN(s.finished_at) FROM school_events e JOIN workflow_runs r ON r.event_id = e.id \
         JOIN workflow_steps s ON s.run_id = r.id WHERE e.id > $1 GROUP BY e.id, e.occurred_at",
    )
    .await?;
    // Let the notifier catch up with the last events.
    while baseline.delays.lock().unwrap().len() < total {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the notifier fell behind"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut notice = baseline.delays.lock().unwrap().clone();
    notice.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "database: {}; {ENABLED} enabled workflows, {ACTING} acting on each absence; {total} events sent in {:.2} s ({:.0}/s asked {rate}/s)",
        suku::db::KIND,
        sending.as_secs_f64(),
        total as f64 / sending.as_secs_f64()
    );
    println!(
        "runs: {runs} done in {:.2} s from the first event: {:.0} runs/s",
        finished.as_secs_f64(),
        runs as f64 / finished.as_secs_f64()
    );
    println!(
        "event → first action: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        pct(&first_action, 0.5),
        pct(&first_action, 0.99),
        first_action.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "baseline, event → handled by the built-in notifier: p50 {:.0} ms, p99 {:.0} ms (ratio p99 {:.1}×)",
        pct(&notice, 0.5),
        pct(&notice, 0.99),
        pct(&first_action, 0.99) / pct(&notice, 0.99)
    );
    println!(
        "lost: 0; doubled: 0 (runs {runs} = events × acting workflows; steps done {steps_done}; parents' messages {notes} = people told; notes in files {filed} = events)"
    );
    Ok(())
}

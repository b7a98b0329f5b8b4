//! The background job that builds a version: it reads the records, runs the solver on a
//! blocking thread, shows its progress (lessons placed, cost, time left), stops when asked
//! with the best timetable met, and writes the version.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::build::{Inputs, build};
use super::solver::{self, Conflict, Options, Problem, Progress};
use super::{State, repo};
use crate::app::AppState;
use crate::db::Pool;
use crate::i18n::{I18n, Locale, Tr};
use crate::jobs::{Job, JobCtx, Payload, Stop};

/// Build the version `timetable` (already written, in state `generating`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Generate {
    pub timetable: i64,
}

impl Payload for Generate {
    const KIND: &'static str = "timetable.generate";
}

pub struct GenerateJob;

#[async_trait::async_trait]
impl Job for GenerateJob {
    type Payload = Generate;

    async fn run(&self, ctx: &JobCtx, p: Generate) -> anyhow::Result<Value> {
        let cancelled = generate(&ctx.app, p.timetable, Some(ctx)).await?;
        if cancelled {
            return Err(Stop::Cancelled.into());
        }
        Ok(json!({
            "href": format!("/admin/emplois-du-temps/{}", p.timetable),
            "label": "timetable-open",
        }))
    }
}

/// The conflicts in both languages, for the version's page whoever reads it.
fn words(i18n: &Arc<I18n>, p: &Problem, conflicts: &[Conflict]) -> Value {
    let mut out = serde_json::Map::new();
    for locale in Locale::ALL {
        let t = Tr::new(i18n.clone(), locale);
        out.insert(
            locale.code().to_string(),
            json!(
                conflicts
                    .iter()
                    .map(|c| super::describe(&t, p, c))
                    .collect::<Vec<_>>()
            ),
        );
    }
    Value::Object(out)
}

/// Builds a version; with a job, shows progress and obeys its cancel. Returns whether it
/// was cancelled (the best timetable so far is kept as a draft).
pub async fn generate(app: &AppState, id: i64, job: Option<&JobCtx>) -> anyhow::Result<bool> {
    generate_with(&app.db, &app.i18n, id, None, job).await
}

/// `generate` with the solver's options given (the demo sets a number of moves, so that
/// its timetable is the same everywhere).
pub async fn generate_with(
    db: &Pool,
    i18n: &Arc<I18n>,
    id: i64,
    opts: Option<Options>,
    job: Option<&JobCtx>,
) -> anyhow::Result<bool> {
    let t = repo::timetable(db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("timetable {id} is gone"))?;
    let inputs = Inputs::load(db, t.school_year_id).await?;
    let locked: Vec<repo::LessonRow> = match t.based_on {
        Some(base) => repo::lessons(db, base)
            .await?
            .into_iter()
            .filter(|l| l.locked)
            .collect(),
        None => Vec::new(),
    };
    let built = Arc::new(build(&inputs, &locked));
    let opts = opts.unwrap_or(Options {
        seed: t.seed as u64,
        time_limit: Duration::from_secs(t.seconds.clamp(1, 3600) as u64),
        max_iterations: None,
    });
    let latest: Arc<Mutex<Option<Progress>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let handle = {
        let (built, latest, stop) = (built.clone(), latest.clone(), stop.clone());
        tokio::task::spawn_blocking(move || {
            solver::solve(&built.problem, &opts, None, &mut |p| {
                if let Ok(mut l) = latest.lock() {
                    *l = Some(p.clone());
                }
                !stop.load(Ordering::Relaxed)
            })
        })
    };
    tokio::pin!(handle);
    let outcome = loop {
        tokio::select! {
            done = &mut handle => break done?,
            _ = tokio::time::sleep(Duration::from_millis(300)) => {
                let Some(job) = job else { continue };
                let now = latest.lock().ok().and_then(|l| l.clone());
                if let Some(p) = now {
                    let left = p.limit.saturating_sub(p.elapsed).as_secs();
                    let reported = job
                        .progress(
                            p.elapsed.as_millis() as i64,
                            p.limit.as_millis() as i64,
                            "timetable-progress",
                            json!({ "placed": p.placed, "lessons": p.lessons, "hard": p.hard, "soft": p.soft, "left": left }),
                        )
                        .await;
                    if let Err(Stop::Cancelled) = reported {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    };
    let p = &built.problem;
    let mut tx = crate::db::begin_write(db).await?;
    let cancelled = match outcome {
        Err(conflicts) => {
            let report = json!({ "conflicts": words(i18n, p, &conflicts), "valid": false });
            repo::replace_lessons(&mut tx, id, &[]).await?;
            repo::finish(&mut *tx, id, State::Failed, None, &report.to_string()).await?;
            false
        }
        Ok(solved) => {
            let report = json!({
                "conflicts": words(i18n, p, &solved.conflicts),
                "valid": solved.valid(),
                "trace": solved.trace,
                "iterations": solved.iterations,
                "elapsed_ms": solved.elapsed.as_millis() as u64,
                "lessons": p.lessons.len(),
            });
            repo::replace_lessons(&mut tx, id, &built.rows(&solved.placements)).await?;
            repo::finish(
                &mut *tx,
                id,
                State::Draft,
                Some((solved.cost.hard, solved.cost.soft)),
                &report.to_string(),
            )
            .await?;
            solved.cancelled
        }
    };
    tx.commit().await?;
    Ok(cancelled)
}

//! The durable job runner: anything longer than a request runs here, persisted in the
//! database. A job is claimed by one node under a lease that its heartbeat renews; a node
//! that dies lets the lease lapse and another node takes the job again. Failures are
//! retried with exponential backoff up to `max_attempts`; the user who started a job can
//! cancel it. Every job reports progress (done/total and a message in the reader's
//! language), shown by one component at `/taches/{id}`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::app::AppState;
use crate::db::{Db, Pool};

pub mod repo;
pub mod routes;

pub use routes::router;

/// How long a claim holds without a heartbeat.
pub const LEASE: Duration = Duration::from_secs(60);

crate::text_enum! {
    /// Where a job stands.
    pub enum JobState {
        /// Waiting for a worker (or for its retry time).
        Queued = "queued",
        /// Claimed by a worker.
        Running = "running",
        /// Finished with a result.
        Done = "done",
        Failed = "failed",
        /// Stopped by the person who started it.
        Cancelled = "cancelled",
    }
}

/// A failure that trying again cannot mend (a file ffmpeg cannot read): the job fails at
/// once, with this reason.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Fatal(pub String);

/// What a kind of job needs, typed: stored as JSON with the job, read back as this type
/// by the job that runs it. Its kind is the name stored with each job.
pub trait Payload: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stable kind name stored with each job.
    const KIND: &'static str;
}

/// A kind of job.
#[async_trait::async_trait]
pub trait Job: Send + Sync + 'static {
    /// What it needs to run.
    type Payload: Payload;

    /// Runs the job. Its result (JSON) is kept with the job; a `href` and a `label` key in
    /// it give the link the progress page offers when the job is done.
    async fn run(&self, ctx: &JobCtx, payload: Self::Payload) -> anyhow::Result<Value>;
}

/// A job behind its stored form: what the runner holds, whatever the payload type.
#[async_trait::async_trait]
trait Runner: Send + Sync {
    fn read(&self, payload: &str) -> Result<Box<dyn std::any::Any + Send>, serde_json::Error>;
    async fn run(
        &self,
        ctx: &JobCtx,
        payload: Box<dyn std::any::Any + Send>,
    ) -> anyhow::Result<Value>;
}

#[async_trait::async_trait]
impl<J: Job> Runner for J {
    fn read(&self, payload: &str) -> Result<Box<dyn std::any::Any + Send>, serde_json::Error> {
        Ok(Box::new(serde_json::from_str::<J::Payload>(payload)?))
    }

    async fn run(
        &self,
        ctx: &JobCtx,
        payload: Box<dyn std::any::Any + Send>,
    ) -> anyhow::Result<Value> {
        let payload = payload
            .downcast::<J::Payload>()
            .map_err(|_| anyhow::anyhow!("a payload of another kind"))?;
        Job::run(self, ctx, *payload).await
    }
}

/// Wakes this process's job runner at once, for a job just queued that a person waits for
/// (a payment to send, a check a callback asked for). Without it the runner looks every
/// second; other nodes look on their own.
#[derive(Clone, Debug, Default)]
pub struct Waker(Arc<tokio::sync::Notify>);

impl Waker {
    /// Call after the transaction that queued the job commits.
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The jobs this program knows, by kind.
#[derive(Clone, Default)]
pub struct Registry(HashMap<&'static str, Arc<dyn Runner>>);

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Registry {
    /// This registry, knowing one more kind of job.
    pub fn with<J: Job>(mut self, job: J) -> Self {
        self.0.insert(J::Payload::KIND, Arc::new(job));
        self
    }

    fn get(&self, kind: &str) -> Option<Arc<dyn Runner>> {
        self.0.get(kind).cloned()
    }
}

/// Why a job stopped early.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    /// The user cancelled it.
    #[error("cancelled")]
    Cancelled,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// What a running job can use: the application, and its progress reporter.
pub struct JobCtx {
    /// The application state (database, settings, configuration).
    pub app: AppState,
    /// The job's id.
    pub id: i64,
    /// Who asked for it: their open pages are told of each step.
    pub by: Option<i64>,
    last: Mutex<Option<Instant>>,
}

impl JobCtx {
    /// Reports progress: `done` of `total`, and a message (catalog key and arguments).
    /// Writes at most four times a second, except the last step; returns `Stop::Cancelled`
    /// once the user has asked to cancel, which the job should let propagate.
    pub async fn progress(
        &self,
        done: i64,
        total: i64,
        key: &str,
        args: Value,
    ) -> Result<(), Stop> {
        {
            let mut last = self.last.lock().await;
            if done < total && last.is_some_and(|t| t.elapsed() < Duration::from_millis(250)) {
                return Ok(());
            }
            *last = Some(Instant::now());
        }
        let cancelled = repo::report(
            &self.app.db,
            self.id,
            done,
            total,
            key,
            &args.to_string(),
            self.app.clock.now() + lease(),
        )
        .await?;
        tell(&self.app, self.by, self.id);
        if cancelled {
            Err(Stop::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Tells the pages of the person who asked for a job that it moved (the progress bar
/// fetches itself again; without a socket it polls).
fn tell(app: &AppState, by: Option<i64>, id: i64) {
    if let Some(user) = by {
        app.realtime
            .to_user(user, "job", &serde_json::json!({ "id": id }));
    }
}

fn lease() -> chrono::Duration {
    chrono::Duration::from_std(LEASE).unwrap_or_else(|_| chrono::Duration::seconds(60))
}

/// Queues a job; returns its id. Runs inside the caller's transaction when given one, so a
/// job is queued exactly when the change that asks for it commits.
pub async fn enqueue<'e, P: Payload>(
    db: impl sqlx::Executor<'e, Database = Db>,
    payload: &P,
    by: Option<i64>,
    now: chrono::DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    enqueue_at(db, payload, by, now, now).await
}

/// Queues a job to run no sooner than `at` (a check to make later).
pub async fn enqueue_at<'e, P: Payload>(
    db: impl sqlx::Executor<'e, Database = Db>,
    payload: &P,
    by: Option<i64>,
    at: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let json = serde_json::to_string(payload).map_err(|e| sqlx::Error::Encode(e.into()))?;
    repo::insert(db, P::KIND, &json, by, now, at).await
}

/// The delay before retry number `attempt` (1, 2, …): 5 s, 10 s, 20 s… at most 10 minutes.
pub fn backoff(attempt: i64) -> chrono::Duration {
    let secs = 5i64.saturating_mul(1i64 << attempt.clamp(1, 20).saturating_sub(1));
    chrono::Duration::seconds(secs.min(600))
}

/// Claims and runs one due job, if any. Returns whether one ran. The runner loop calls this;
/// tests call it to run jobs deterministically.
pub async fn run_once(app: &AppState, registry: &Registry, worker: &str) -> anyhow::Result<bool> {
    let now = app.clock.now();
    let Some(job) = repo::claim(&app.db, worker, now, now + lease()).await? else {
        return Ok(false);
    };
    let Some(handler) = registry.get(&job.kind) else {
        repo::finish(
            &app.db,
            job.id,
            worker,
            JobState::Failed,
            None,
            Some("unknown job kind"),
            now,
        )
        .await?;
        return Ok(true);
    };
    if job.attempts > job.max_attempts {
        repo::finish(
            &app.db,
            job.id,
            worker,
            JobState::Failed,
            None,
            Some("too many attempts"),
            now,
        )
        .await?;
        return Ok(true);
    }
    // The heartbeat keeps the lease while the job runs, however long between two progress
    // reports.
    let beat = {
        let db = app.db.clone();
        let clock = app.clock.clone();
        let (id, worker) = (job.id, worker.to_string());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(LEASE / 3).await;
                let _ = repo::extend(&db, id, &worker, clock.now() + lease()).await;
            }
        })
    };
    let ctx = JobCtx {
        app: app.clone(),
        id: job.id,
        by: job.created_by,
        last: Mutex::new(None),
    };
    let outcome = match handler.read(&job.payload) {
        Ok(payload) => handler.run(&ctx, payload).await,
        // Written by a newer node, or by hand: trying again would read it no better.
        Err(e) => {
            beat.abort();
            tracing::warn!(job = job.id, kind = %job.kind, error = %e, "job payload unreadable");
            repo::finish(
                &app.db,
                job.id,
                worker,
                JobState::Failed,
                None,
                Some(&format!("unreadable payload: {e}")),
                now,
            )
            .await?;
            tell(app, job.created_by, job.id);
            return Ok(true);
        }
    };
    beat.abort();
    // When it ended, not when it was claimed.
    let now = app.clock.now();
    match outcome {
        Ok(result) => {
            repo::finish(
                &app.db,
                job.id,
                worker,
                JobState::Done,
                Some(&result.to_string()),
                None,
                now,
            )
            .await?;
        }
        Err(e) if matches!(e.downcast_ref::<Stop>(), Some(Stop::Cancelled)) => {
            repo::finish(
                &app.db,
                job.id,
                worker,
                JobState::Cancelled,
                None,
                None,
                now,
            )
            .await?;
        }
        Err(e) => {
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = %format!("{e:#}"), "job failed");
            if job.attempts < job.max_attempts && e.downcast_ref::<Fatal>().is_none() {
                repo::retry(
                    &app.db,
                    job.id,
                    worker,
                    app.clock.now() + backoff(job.attempts),
                    &format!("{e:#}"),
                )
                .await?;
            } else {
                repo::finish(
                    &app.db,
                    job.id,
                    worker,
                    JobState::Failed,
                    None,
                    Some(&format!("{e:#}")),
                    now,
                )
                .await?;
            }
        }
    }
    tell(app, job.created_by, job.id);
    Ok(true)
}

/// Runs jobs for ever: one at a time per node, polling every second when idle.
pub fn spawn(app: AppState, registry: Registry) -> tokio::task::JoinHandle<()> {
    let worker = format!("{}-{:016x}", hostname(), rand::random::<u64>());
    tokio::spawn(async move {
        loop {
            match run_once(&app, &registry, &worker).await {
                Ok(true) => continue,
                Ok(false) => {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = app.jobs.0.notified() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "job runner");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    })
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "suku".into())
}

/// A job as the progress component shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobView {
    pub id: i64,
    pub kind: String,
    /// Where it stands.
    pub state: JobState,
    pub progress_done: i64,
    /// Steps in all (0: not known yet).
    pub progress_total: i64,
    /// Message key.
    pub message_key: Option<String>,
    /// Message arguments (JSON).
    pub message_args: Option<String>,
    /// Result (JSON).
    pub result: Option<String>,
    pub error: Option<String>,
    /// Attempts so far.
    pub attempts: i64,
    /// Who started it.
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub cancel_requested: bool,
}

impl JobView {
    /// Percent done, 0 to 100.
    pub fn percent(&self) -> i64 {
        if self.state == JobState::Done {
            100
        } else if self.progress_total > 0 {
            (self.progress_done * 100 / self.progress_total).clamp(0, 100)
        } else {
            0
        }
    }

    /// Still queued or running.
    pub fn active(&self) -> bool {
        matches!(self.state, JobState::Queued | JobState::Running)
    }

    /// The message arguments as JSON.
    pub fn args(&self) -> Value {
        self.message_args
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or(Value::Null)
    }

    /// The link to the result, when the job gives one: (href, label key).
    pub fn link(&self) -> Option<(String, String)> {
        let r: Value = serde_json::from_str(self.result.as_deref()?).ok()?;
        Some((
            r.get("href")?.as_str()?.to_string(),
            r.get("label")?.as_str()?.to_string(),
        ))
    }

    /// The catalog key of the state.
    pub fn state_key(&self) -> String {
        format!("job-state-{}", self.state)
    }

    /// The catalog key of the kind.
    pub fn kind_key(&self) -> String {
        format!("job-kind-{}", self.kind.replace('.', "-"))
    }
}

/// Reads a job.
pub async fn get(db: &Pool, id: i64) -> Result<Option<JobView>, sqlx::Error> {
    repo::view(db, id).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_states_are_those_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<&str> = super::JobState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(checked_words(&migrations_text(), "jobs", "state"), words);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let s = |a| super::backoff(a).num_seconds();
        assert_eq!((s(1), s(2), s(3), s(4)), (5, 10, 20, 40));
        assert_eq!(s(30), 600);
    }
}

//! SQL of the workflows: the workflows, their runs and steps, the follow-up tasks.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

crate::text_enum! {
    /// Where a run stands.
    pub enum RunState {
        Queued = "queued",
        Running = "running",
        Waiting = "waiting",
        Done = "done",
        Failed = "failed",
        Skipped = "skipped",
    }
}

crate::text_enum! {
    /// Where a step stands.
    pub enum StepState {
        Done = "done",
        Failed = "failed",
        Retrying = "retrying",
        Waiting = "waiting",
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct WorkflowRow {
    pub id: i64,
    pub name: String,
    pub template: Option<String>,
    pub trigger_kind: super::TriggerKind,
    pub condition: String,
    /// The steps, as JSON.
    pub steps: String,
    pub enabled: bool,
    pub max_per_hour: i64,
    pub updated_at: DateTime<Utc>,
    /// A cron pattern, for the triggers of the clock.
    pub schedule: String,
    /// Days before (or after) a tranche's due date.
    pub days: i64,
    /// Up to when the clock's triggers were looked at.
    pub checked_until: Option<DateTime<Utc>>,
}

impl WorkflowRow {
    /// The steps (none when the JSON is not this program's).
    pub fn steps(&self) -> Vec<super::Step> {
        serde_json::from_str(&self.steps).unwrap_or_default()
    }
}

const WORKFLOW: &str = "SELECT id, name, template, trigger_kind, condition, steps, enabled, max_per_hour, \
    updated_at, schedule, days, checked_until FROM workflows";

pub async fn workflows(db: &Pool) -> Result<Vec<WorkflowRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{WORKFLOW} ORDER BY name, id"))
        .fetch_all(db)
        .await
}

pub async fn workflow<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<WorkflowRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{WORKFLOW} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every enabled workflow.
pub async fn enabled<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<Vec<WorkflowRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{WORKFLOW} WHERE enabled = TRUE ORDER BY id"))
        .fetch_all(db)
        .await
}

/// The enabled workflows of the clock's triggers.
pub async fn timed(db: &Pool) -> Result<Vec<WorkflowRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{WORKFLOW} WHERE enabled = TRUE AND trigger_kind IN ('schedule', 'tranche_due', 'tranche_overdue') ORDER BY id"
    ))
    .fetch_all(db)
    .await
}

/// Notes up to when a workflow's clock was looked at.
pub async fn set_checked<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workflows SET checked_until = $1 WHERE id = $2")
        .bind(until)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A workflow to write.
pub struct NewWorkflow<'a> {
    pub name: &'a str,
    pub template: Option<&'a str>,
    pub trigger_kind: super::TriggerKind,
    pub condition: &'a str,
    pub steps: &'a str,
    pub enabled: bool,
    pub schedule: &'a str,
    pub days: i64,
}

pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    w: &NewWorkflow<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO workflows (name, template, trigger_kind, condition, steps, enabled, schedule, days, \
           created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(w.name)
    .bind(w.template)
    .bind(w.trigger_kind)
    .bind(w.condition)
    .bind(w.steps)
    .bind(w.enabled)
    .bind(w.schedule)
    .bind(w.days)
    .bind(by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// What the editor changes.
pub struct Edit<'a> {
    pub name: &'a str,
    pub condition: &'a str,
    pub steps: &'a str,
    pub max_per_hour: i64,
    pub schedule: &'a str,
    pub days: i64,
}

/// Saves what the editor changed.
pub async fn update<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    e: &Edit<'_>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE workflows SET name = $1, condition = $2, steps = $3, max_per_hour = $4, schedule = $5, \
         days = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(e.name)
    .bind(e.condition)
    .bind(e.steps)
    .bind(e.max_per_hour)
    .bind(e.schedule)
    .bind(e.days)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?
    .rows_affected())
}

pub async fn set_enabled<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE workflows SET enabled = $1, updated_at = $2 WHERE id = $3")
            .bind(enabled)
            .bind(now)
            .bind(id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// The id of the workflow made from a template, if there is one.
pub async fn of_template<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    template: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM workflows WHERE template = $1")
        .bind(template)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Whether the workflow made from a template is on.
pub async fn template_enabled<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    template: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<(bool,)> = sqlx::query_as("SELECT enabled FROM workflows WHERE template = $1")
        .bind(template)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some_and(|r| r.0))
}

/// Runs of a workflow started since a moment (its rate limit).
pub async fn runs_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    workflow: i64,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<i64, sqlx::Error> {
    // Counted in the partial index of the runs not skipped, and no further than the limit.
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT 1 FROM workflow_runs WHERE workflow_id = $1 AND created_at >= $2 \
         AND state <> 'skipped' LIMIT $3) AS recent",
    )
    .bind(workflow)
    .bind(since)
    .bind(limit)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// A run to write.
pub struct NewRun<'a> {
    pub workflow_id: i64,
    pub event_id: Option<i64>,
    pub facts: &'a str,
    pub steps: &'a str,
    pub state: RunState,
    pub error: Option<&'a str>,
    pub started_by: Option<i64>,
    /// What a clock's run fires for (an occurrence, a tranche on a day): once each.
    pub fire_key: Option<&'a str>,
}

/// Writes a run; `None` when the workflow already ran for this event (or occurrence).
pub async fn insert_run<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    r: &NewRun<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO workflow_runs (workflow_id, event_id, facts, steps, state, error, started_by, created_at, \
           finished_at, fire_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $5 IN ('skipped', 'done') THEN $8 END, $9) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(r.workflow_id)
    .bind(r.event_id)
    .bind(r.facts)
    .bind(r.steps)
    .bind(r.state)
    .bind(r.error)
    .bind(r.started_by)
    .bind(now)
    .bind(r.fire_key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

#[derive(Clone, Debug, FromRow)]
pub struct RunRow {
    pub id: i64,
    pub workflow_id: i64,
    pub workflow: String,
    pub event_id: Option<i64>,
    pub facts: String,
    pub steps: String,
    pub state: RunState,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const RUN: &str = "SELECT r.id, r.workflow_id, w.name AS workflow, r.event_id, r.facts, r.steps, r.state, \
    r.error, r.created_at, r.finished_at FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id";

pub async fn run<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<RunRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{RUN} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The latest runs, of one workflow or all, in one state or all, whose facts hold `search`.
pub async fn runs(
    db: &Pool,
    workflow: Option<i64>,
    state: Option<RunState>,
    search: &str,
    limit: i64,
) -> Result<Vec<RunRow>, sqlx::Error> {
    let search = search.trim().to_lowercase();
    let like = format!("%{search}%");
    sqlx::query_as(crate::sql!(
        "{RUN} WHERE ($1 IS NULL OR r.workflow_id = $1) AND ($2 IS NULL OR r.state = $2) \
         AND ($3 = '' OR LOWER(r.facts) LIKE $4) ORDER BY r.id DESC LIMIT $5"
    ))
    .bind(workflow)
    .bind(state)
    .bind(search)
    .bind(like)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Runs per workflow over the last days: (workflow, done, failed).
pub async fn run_counts(
    db: &Pool,
    since: DateTime<Utc>,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT workflow_id, CAST(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM workflow_runs WHERE created_at >= $1 GROUP BY workflow_id",
    )
    .bind(since)
    .fetch_all(db)
    .await
}

pub async fn set_run_state<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    state: RunState,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE workflow_runs SET state = $1, error = $2, \
         finished_at = CASE WHEN $1 IN ('done', 'failed', 'skipped') THEN $3 END WHERE id = $4",
    )
    .bind(state)
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct StepRow {
    pub id: i64,
    pub position: i64,
    pub kind: String,
    pub input: String,
    pub output: String,
    pub state: StepState,
    pub attempts: i64,
    pub error: Option<String>,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub async fn steps<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    run: i64,
) -> Result<Vec<StepRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, position, kind, input, output, state, attempts, error, started_at, finished_at \
         FROM workflow_steps WHERE run_id = $1 ORDER BY position",
    )
    .bind(run)
    .fetch_all(db)
    .await
}

/// A step's record, written or brought up to date (the step's row is its idempotency key:
/// one per run and position).
#[allow(clippy::too_many_arguments)]
pub async fn put_step<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    run: i64,
    position: i64,
    kind: &str,
    input: &str,
    output: &str,
    state: StepState,
    error: Option<&str>,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO workflow_steps (run_id, position, kind, input, output, state, attempts, error, started_at, finished_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, CASE WHEN $6 IN ('done', 'failed') THEN $9 END) \
         ON CONFLICT (run_id, position) DO UPDATE SET output = excluded.output, state = excluded.state, \
           attempts = workflow_steps.attempts + 1, error = excluded.error, finished_at = excluded.finished_at",
    )
    .bind(run)
    .bind(position)
    .bind(kind)
    .bind(input)
    .bind(output)
    .bind(state)
    .bind(error)
    .bind(started)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Who a workflow's chat messages are from: whoever made it, or else a director.
pub async fn author<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    workflow: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT COALESCE(w.created_by, (SELECT MIN(r.user_id) FROM user_roles r WHERE r.role = 'director')) \
         FROM workflows w WHERE w.id = $1",
    )
    .bind(workflow)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| r.0))
}

/// Sets how many times a step was tried (a history written by hand, as the demo's).
pub async fn set_attempts<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    run: i64,
    position: i64,
    attempts: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workflow_steps SET attempts = $3 WHERE run_id = $1 AND position = $2")
        .bind(run)
        .bind(position)
        .bind(attempts)
        .execute(db)
        .await?;
    Ok(())
}

/// A follow-up task to write.
pub async fn insert_task<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    run: i64,
    user: i64,
    student: Option<i64>,
    title: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO workflow_tasks (run_id, user_id, student_id, title, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(run)
    .bind(user)
    .bind(student)
    .bind(title)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub user_id: i64,
    pub student_id: Option<i64>,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

/// A person's tasks: those to do first, then the latest done.
pub async fn tasks_of(db: &Pool, user: i64) -> Result<Vec<TaskRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, student_id, title, created_at, done_at FROM workflow_tasks WHERE user_id = $1 \
         ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT 100",
    )
    .bind(user)
    .fetch_all(db)
    .await
}

/// Ticks (or unticks) a task of `user`; returns whether it was theirs.
pub async fn tick<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    user: i64,
    done: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE workflow_tasks SET done_at = CASE WHEN $1 THEN $2 END WHERE id = $3 AND user_id = $4",
    )
    .bind(done)
    .bind(now)
    .bind(id)
    .bind(user)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// How many tasks a person has to do.
pub async fn open_tasks(db: &Pool, user: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM workflow_tasks WHERE user_id = $1 AND done_at IS NULL",
    )
    .bind(user)
    .fetch_one(db)
    .await?;
    Ok(n)
}

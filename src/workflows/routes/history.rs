//! The run history (each run with its steps) and a person's follow-up tasks.

use super::*;

// ------------------------------------------------------------------ the history

#[derive(Deserialize, Default)]
pub(super) struct RunsQuery {
    #[serde(default)]
    workflow: String,
    #[serde(default)]
    etat: String,
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "workflows/runs.html")]
struct RunsPage<'a> {
    ctx: &'a Ctx,
    flows: Vec<WorkflowRow>,
    runs: Vec<RunRow>,
    workflow: Option<i64>,
    state: String,
    q: String,
}

impl RunsPage<'_> {
    fn states(&self) -> &'static [RunState] {
        RunState::ALL
    }

    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.datetime(at)
    }
}

pub(super) async fn runs(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RunsQuery>,
) -> AppResult<Response> {
    let workflow = q.workflow.parse::<i64>().ok();
    let state = q.etat.parse::<RunState>().ok();
    html(&RunsPage {
        flows: repo::workflows(&app.db).await?,
        runs: repo::runs(&app.db, workflow, state, &q.q, 100).await?,
        workflow,
        state: q.etat,
        q: q.q,
        ctx: &ctx,
    })
}

#[derive(Template)]
#[template(path = "workflows/run.html")]
struct RunPage<'a> {
    ctx: &'a Ctx,
    record: RunRow,
    steps: Vec<StepRow>,
    /// The steps the run was started with.
    planned: Vec<Step>,
}

impl RunPage<'_> {
    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.datetime(at)
    }

    fn took(&self, s: &StepRow) -> String {
        match s.finished_at {
            Some(end) => {
                let ms = (end - s.started_at).num_milliseconds().max(0);
                self.ctx
                    .t
                    .t1("wf-took", "seconds", format!("{:.1}", ms as f64 / 1000.0))
            }
            None => String::new(),
        }
    }

    /// The event's fields as the condition saw them, written for people (12,5; 9; "6e A").
    fn facts(&self) -> Vec<(String, String)> {
        let facts: crate::workflows::run::RunFacts =
            serde_json::from_str(&self.record.facts).unwrap_or_default();
        facts
            .fields
            .into_iter()
            .map(|(k, v)| {
                let shown = match v {
                    expr::Value::Number(n) => crate::grades::model::show_points(n),
                    expr::Value::Text(t) => t,
                    expr::Value::Bool(b) => b.to_string(),
                };
                (self.ctx.t.t(format!("wf-field-{k}")), shown)
            })
            .collect()
    }

    fn pretty(&self, json: &str) -> String {
        serde_json::from_str::<serde_json::Value>(json)
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
            .unwrap_or_else(|_| json.to_string())
    }

    fn step_of(&self, i: &usize) -> Option<&StepRow> {
        self.steps.iter().find(|s| s.position == *i as i64)
    }
}

pub(super) async fn run_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let run = repo::run(&app.db, id).await?.ok_or(AppError::NotFound)?;
    html(&RunPage {
        steps: repo::steps(&app.db, id).await?,
        planned: serde_json::from_str(&run.steps).unwrap_or_default(),
        record: run,
        ctx: &ctx,
    })
}

// ------------------------------------------------------------------ tasks

#[derive(Template)]
#[template(path = "workflows/tasks.html")]
struct TasksPage<'a> {
    ctx: &'a Ctx,
    tasks: Vec<TaskRow>,
}

impl TasksPage<'_> {
    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.datetime(at)
    }
}

pub(super) async fn tasks(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    html(&TasksPage {
        tasks: repo::tasks_of(&app.db, u.id).await?,
        ctx: &ctx,
    })
}

/// Ticks a task of one's own (or unticks it).
pub(super) async fn tick(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let done = field(&form(&body), "done") == "1";
    let mut tx = crate::db::begin_write(&app.db).await?;
    let mine = repo::tick(&mut *tx, id, u.id, done, ctx.now).await?;
    tx.commit().await?;
    crate::authz::require(mine)?;
    Ok(redirect("/suivi"))
}

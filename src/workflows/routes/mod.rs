//! The workflows' pages: the list and the ready-made templates, a workflow's editor (its
//! condition built from fields and operators, its steps, a dry run on a past event), the
//! run history with each step, and a person's follow-up tasks.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::expr::{self, Facts};
use super::repo::{self, RunRow, RunState, StepRow, StepState, TaskRow, WorkflowRow};
use super::run::Rehearsal;
use super::{Audience, MAX_STEPS, Step};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, field, form, html, html_status, redirect};

mod history;
mod steps_form;

use history::{run_page, runs, tasks, tick};
use steps_form::{blank, literal, read_steps};

pub fn router() -> Router<AppState> {
    // The administration reads the workflows and their history; the director changes them.
    Router::new()
        .route("/admin/automatisations", get(list).allow(Rule::RECORDS))
        .route("/admin/automatisations", post(create).allow(Rule::DIRECTOR))
        .route(
            "/admin/automatisations/modeles",
            post(install).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/automatisations/executions",
            get(runs).allow(Rule::RECORDS),
        )
        .route(
            "/admin/automatisations/executions/{id}",
            get(run_page).allow(Rule::RECORDS),
        )
        .route(
            "/admin/automatisations/{id}",
            get(edit).allow(Rule::RECORDS),
        )
        .route(
            "/admin/automatisations/{id}",
            post(save).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/automatisations/{id}/activation",
            post(toggle).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/automatisations/{id}/essai",
            post(dry_run).allow(Rule::RECORDS),
        )
        .route(
            "/admin/automatisations/{id}/lancer",
            post(run_now).allow(Rule::DIRECTOR),
        )
        // Each person's own tasks (checked per task).
        .route("/suivi", get(tasks).allow(Rule::AnyOf(crate::authz::STAFF)))
        .route(
            "/suivi/{id}",
            post(tick).allow(Rule::AnyOf(crate::authz::STAFF)),
        )
}

// ------------------------------------------------------------------ the list

#[derive(Template)]
#[template(path = "workflows/list.html")]
struct ListPage<'a> {
    ctx: &'a Ctx,
    flows: Vec<WorkflowRow>,
    /// Runs done and failed over the last 7 days, per workflow.
    counts: Vec<(i64, i64, i64)>,
    can_edit: bool,
}

impl ListPage<'_> {
    fn triggers(&self) -> &'static [super::TriggerKind] {
        super::TriggerKind::ALL
    }

    fn templates(&self) -> Vec<&'static super::templates::Template> {
        super::templates::ALL
            .iter()
            .filter(|t| {
                !self
                    .flows
                    .iter()
                    .any(|w| w.template.as_deref() == Some(t.key))
            })
            .collect()
    }

    fn count(&self, w: &WorkflowRow) -> (i64, i64) {
        self.counts
            .iter()
            .find(|c| c.0 == w.id)
            .map(|c| (c.1, c.2))
            .unwrap_or((0, 0))
    }
}

async fn list(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    html(&ListPage {
        flows: repo::workflows(&app.db).await?,
        counts: repo::run_counts(&app.db, ctx.now - chrono::Duration::days(7)).await?,
        can_edit: u.has(crate::auth::Role::Director),
        ctx: &ctx,
    })
}

/// A new workflow of a trigger, off and without steps: the editor opens on it.
async fn create(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let trigger = field(&f, "trigger")
        .parse::<super::TriggerKind>()
        .map_err(|_| AppError::BadRequest("error-choose"))?;
    let name =
        crate::domain::required_text(field(&f, "name"), 120).map_err(AppError::BadRequest)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::insert(
        &mut *tx,
        &repo::NewWorkflow {
            name: &name,
            template: None,
            trigger_kind: trigger,
            condition: "",
            steps: "[]",
            enabled: false,
            schedule: if trigger.timed() { "30 7 * * 1-5" } else { "" },
            days: if trigger.counts_days() { 3 } else { 0 },
        },
        Some(u.id),
        ctx.now,
    )
    .await?;
    audit(&mut tx, u.id, id, "create", ctx.now).await?;
    tx.commit().await?;
    Ok(redirect(&format!("/admin/automatisations/{id}")))
}

/// Starts a workflow now, by hand (on the facts of this moment).
async fn run_now(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let w = load(&app, id).await?;
    if !matches!(
        w.trigger_kind,
        super::TriggerKind::Manual | super::TriggerKind::Schedule
    ) {
        return Err(AppError::BadRequest("wf-error-manual"));
    }
    let facts = super::run::facts_at(w.trigger_kind, ctx.now);
    let mut tx = crate::db::begin_write(&app.db).await?;
    let mut rung = Vec::new();
    let run = super::run::start(
        &mut tx,
        &app,
        &mut rung,
        &super::run::Flow::new(w.clone()),
        None,
        None,
        &facts,
        Some(u.id),
        ctx.now,
    )
    .await
    .map_err(AppError::Internal)?;
    tx.commit().await?;
    app.jobs.wake();
    crate::notifications::ring_users(&app, rung).await;
    match run {
        Some(r) => {
            ctx.flash("success", "wf-run-started").await?;
            Ok(redirect(&format!("/admin/automatisations/executions/{r}")))
        }
        None => {
            ctx.flash("error", "wf-not-started").await?;
            Ok(redirect(&format!("/admin/automatisations/{id}")))
        }
    }
}

/// Adds a ready-made workflow, turned on.
async fn install(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let t = super::templates::get(field(&f, "template")).ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = super::templates::install(
        &mut tx,
        t,
        &ctx.t.t(t.name_key()),
        true,
        Some(u.id),
        ctx.now,
    )
    .await
    .map_err(AppError::Internal)?;
    repo::set_enabled(&mut *tx, id, true, ctx.now).await?;
    audit(&mut tx, u.id, id, "enable", ctx.now).await?;
    tx.commit().await?;
    ctx.flash("success", "wf-enabled").await?;
    Ok(redirect(&format!("/admin/automatisations/{id}")))
}

async fn audit(
    tx: &mut crate::db::Tx<'_>,
    by: i64,
    id: i64,
    action: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    crate::audit::record(
        &mut **tx,
        Some(by),
        "workflow",
        &id.to_string(),
        action,
        None,
        None,
        now,
    )
    .await
}

// ------------------------------------------------------------------ the editor

/// The operators the condition builder offers, with their catalog keys.
const OPERATORS: [(&str, &str); 7] = [
    ("==", "wf-op-eq"),
    ("!=", "wf-op-ne"),
    ("<", "wf-op-lt"),
    ("<=", "wf-op-le"),
    (">", "wf-op-gt"),
    (">=", "wf-op-ge"),
    ("in", "wf-op-in"),
];

#[derive(Template)]
#[template(path = "workflows/edit.html")]
struct EditPage<'a> {
    ctx: &'a Ctx,
    w: WorkflowRow,
    name: String,
    condition: String,
    steps: Vec<Step>,
    max_per_hour: String,
    schedule: String,
    days: String,
    errors: FormErrors,
    runs: Vec<RunRow>,
    /// Recent events of the trigger's kind, for a dry run: (id, when, what).
    events: Vec<(i64, String)>,
    rehearsal: Option<Rehearsal>,
    can_edit: bool,
}

impl EditPage<'_> {
    fn fields(&self) -> Vec<String> {
        self.w.trigger_kind.fields().into_keys().collect()
    }

    fn field_label(&self, f: &str) -> String {
        self.ctx.t.t(format!("wf-field-{f}"))
    }

    fn operators(&self) -> [(&'static str, &'static str); 7] {
        OPERATORS
    }

    fn audiences(&self) -> &'static [Audience] {
        Audience::ALL
    }

    fn documents(&self) -> [crate::certificates::Kind; 2] {
        [
            crate::certificates::Kind::Scolarite,
            crate::certificates::Kind::Inscription,
        ]
    }

    fn step_types(&self) -> [&'static str; 9] {
        Step::KINDS
    }

    fn channels(&self) -> [super::Channel; 3] {
        [
            super::Channel::Class,
            super::Channel::ClassParents,
            super::Channel::Broadcast,
        ]
    }

    fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.t.datetime(at)
    }

    fn places(&self) -> String {
        self.w
            .trigger_kind
            .places()
            .iter()
            .map(|p| format!("{{{p}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The next occurrences of the schedule, as the school's clock reads them.
    fn upcoming(&self) -> Vec<String> {
        match super::schedule::parse(&self.schedule) {
            Ok(c) => super::schedule::upcoming(&c, self.ctx.now, 3)
                .iter()
                .map(|at| self.ctx.t.datetime(at))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    fn can_run_now(&self) -> bool {
        matches!(
            self.w.trigger_kind,
            super::TriggerKind::Manual | super::TriggerKind::Schedule
        )
    }
}

async fn editor(
    app: &AppState,
    ctx: &Ctx,
    w: WorkflowRow,
    typed: Option<Typed>,
    errors: FormErrors,
    rehearsal: Option<Rehearsal>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let runs = repo::runs(&app.db, Some(w.id), None, "", 10).await?;
    let events = match w.trigger_kind.event_kind() {
        Some(kind) => crate::events::recent_of_kind(&app.db, kind, 20)
            .await?
            .into_iter()
            .map(|(id, at)| (id, ctx.t.datetime(&at)))
            .collect(),
        None => Vec::new(),
    };
    let t = typed.unwrap_or_else(|| Typed {
        name: w.name.clone(),
        condition: w.condition.clone(),
        steps: w.steps(),
        max_per_hour: w.max_per_hour.to_string(),
        schedule: w.schedule.clone(),
        days: w.days.to_string(),
    });
    let page = EditPage {
        ctx,
        name: t.name,
        condition: t.condition,
        steps: t.steps,
        max_per_hour: t.max_per_hour,
        schedule: t.schedule,
        days: t.days,
        errors,
        runs,
        events,
        rehearsal,
        can_edit: u.has(crate::auth::Role::Director),
        w,
    };
    if page.errors.is_empty() {
        html(&page)
    } else {
        html_status(page.errors.status(), &page)
    }
}

/// The editor's fields as typed (kept on errors).
struct Typed {
    name: String,
    condition: String,
    steps: Vec<Step>,
    max_per_hour: String,
    schedule: String,
    days: String,
}

async fn load(app: &AppState, id: i64) -> AppResult<WorkflowRow> {
    repo::workflow(&app.db, id).await?.ok_or(AppError::NotFound)
}

async fn edit(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let w = load(&app, id).await?;
    editor(&app, &ctx, w, None, FormErrors::default(), None).await
}

/// The editor's actions: save; add a clause to the condition; add, move or remove a step.
async fn save(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let w = load(&app, id).await?;
    let f = form(&body);
    let fields: Facts = w.trigger_kind.fields();
    let mut errors = FormErrors::default();
    let name = match crate::domain::required_text(field(&f, "name"), 120) {
        Ok(n) => n,
        Err(k) => {
            errors.add("name", ctx.t.t(k));
            String::new()
        }
    };
    let mut condition = field(&f, "condition").trim().to_string();
    let mut steps = read_steps(&f);
    let action = field(&f, "action");
    // The builder: a field, an operator and a value become a clause of the condition.
    if action == "add_clause" {
        let fname = field(&f, "clause_field");
        let op = field(&f, "clause_op");
        match (fields.get(fname), OPERATORS.iter().find(|(o, _)| *o == op)) {
            (Some(sample), Some((op, _))) => {
                let value = if *op == "in" {
                    let items: Option<Vec<String>> = field(&f, "clause_value")
                        .split(';')
                        .map(|v| literal(sample, v))
                        .collect();
                    items.map(|i| format!("[{}]", i.join(", ")))
                } else {
                    literal(sample, field(&f, "clause_value"))
                };
                match value {
                    Some(v) => {
                        let clause = format!("{fname} {op} {v}");
                        condition = if condition.is_empty() {
                            clause
                        } else {
                            let join = if field(&f, "clause_join") == "or" {
                                "or"
                            } else {
                                "and"
                            };
                            format!("({condition}) {join} {clause}")
                        };
                    }
                    None => errors.add("clause_value", ctx.t.t("wf-error-value")),
                }
            }
            _ => errors.add("clause_field", ctx.t.t("error-choose")),
        }
    }
    if let Some(kind) = action.strip_prefix("add_step_") {
        if steps.len() >= MAX_STEPS {
            errors.add("steps", ctx.t.t("wf-error-steps"));
        } else if let Some(s) = blank(kind, &ctx.t) {
            steps.push(s);
        }
    }
    if let Some(i) = action
        .strip_prefix("up_")
        .and_then(|i| i.parse::<usize>().ok())
        && i > 0
        && i < steps.len()
    {
        steps.swap(i - 1, i);
    }
    if let Some(i) = action
        .strip_prefix("down_")
        .and_then(|i| i.parse::<usize>().ok())
        && i + 1 < steps.len()
    {
        steps.swap(i, i + 1);
    }
    if let Some(i) = action
        .strip_prefix("remove_")
        .and_then(|i| i.parse::<usize>().ok())
        && i < steps.len()
    {
        steps.remove(i);
    }
    match expr::parse(&condition) {
        Ok(Some(e)) => {
            if let Err(e) = expr::check(&e, &fields) {
                errors.add("condition", expr_message(&ctx, &e));
            }
        }
        Ok(None) => {}
        Err(e) => errors.add("condition", expr_message(&ctx, &e)),
    }
    for (i, s) in steps.iter().enumerate() {
        if let Err(k) = s.check() {
            errors.add(&format!("step_{i}"), ctx.t.t(k));
        } else if let Step::Branch { condition, .. } = s {
            // A branch's condition reads the same fields as the workflow's.
            let checked = expr::parse(condition).and_then(|e| match e {
                Some(e) => expr::check(&e, &fields),
                None => Ok(()),
            });
            if let Err(e) = checked {
                errors.add(&format!("step_{i}"), expr_message(&ctx, &e));
            }
        }
    }
    let max_per_hour = field(&f, "max_per_hour").trim().to_string();
    let max = max_per_hour
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=100_000).contains(m));
    if max.is_none() {
        errors.add("max_per_hour", ctx.t.t("wf-error-rate-limit"));
    }
    let schedule = field(&f, "schedule").trim().to_string();
    if w.trigger_kind.timed()
        && let Err(k) = super::schedule::parse(&schedule)
    {
        errors.add("schedule", ctx.t.t(k));
    }
    let days = field(&f, "days").trim().to_string();
    let days_n = if w.trigger_kind.counts_days() {
        let d = days.parse::<i64>().ok().filter(|d| (0..=90).contains(d));
        if d.is_none() {
            errors.add("days", ctx.t.t("wf-error-days"));
        }
        d.unwrap_or(0)
    } else {
        0
    };
    let (Some(max), true) = (max, errors.is_empty()) else {
        let typed = Typed {
            name,
            condition,
            steps,
            max_per_hour,
            schedule,
            days,
        };
        return editor(&app, &ctx, w, Some(typed), errors, None).await;
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::update(
        &mut *tx,
        id,
        &repo::Edit {
            name: &name,
            condition: &condition,
            steps: &serde_json::to_string(&steps).map_err(|e| AppError::Internal(e.into()))?,
            max_per_hour: max,
            schedule: if w.trigger_kind.timed() {
                &schedule
            } else {
                ""
            },
            days: days_n,
        },
        ctx.now,
    )
    .await?;
    audit(&mut tx, u.id, id, "update", ctx.now).await?;
    tx.commit().await?;
    if action.is_empty() || action == "save" {
        ctx.flash("success", "wf-saved").await?;
    }
    Ok(redirect(&format!(
        "/admin/automatisations/{id}#{}",
        if action.starts_with("add_clause") {
            "condition"
        } else {
            "steps"
        }
    )))
}

fn expr_message(ctx: &Ctx, e: &expr::ExprError) -> String {
    format!(
        "{} ({})",
        ctx.t.t1(e.key, "word", &e.word),
        ctx.t.t1("wf-expr-at", "at", e.at + 1)
    )
}

async fn toggle(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    load(&app, id).await?;
    let on = field(&form(&body), "enabled") == "1";
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::set_enabled(&mut *tx, id, on, ctx.now).await?;
    audit(
        &mut tx,
        u.id,
        id,
        if on { "enable" } else { "disable" },
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", if on { "wf-enabled" } else { "wf-disabled" })
        .await?;
    Ok(redirect(&format!("/admin/automatisations/{id}")))
}

/// Shows what the workflow would do on a past event, and does nothing.
async fn dry_run(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let w = load(&app, id).await?;
    let f = form(&body);
    let event = match field(&f, "event").parse::<i64>() {
        Ok(e) => crate::events::read(&app.db, e).await?,
        Err(_) => None,
    };
    let mut errors = FormErrors::default();
    let rehearsal = match event {
        Some(e) => super::run::rehearse(&app, &w, &e, &ctx.t)
            .await
            .map_err(AppError::Internal)?,
        None => None,
    };
    if rehearsal.is_none() {
        errors.add("event", ctx.t.t("wf-error-event"));
    }
    editor(&app, &ctx, w, None, errors, rehearsal).await
}

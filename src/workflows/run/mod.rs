//! The engine: events become runs, runs become steps done once.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use sha2::Sha256;

use super::expr::{self, Facts, Value};
use super::repo::{self, NewRun, RunState, StepState, WorkflowRow};
use super::{Audience, Step, TriggerKind};
use crate::app::AppState;
use crate::db::Tx;
use crate::events::{Event, SchoolEvent, Subscriber};
use crate::i18n::{Locale, Tr};
use crate::jobs::{Job, JobCtx, Payload};

mod derived;
mod steps;
pub use derived::{facts_for, kinds_of};
pub use steps::*;

/// A value a text's `{place}` takes, written in each reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Place {
    Text(String),
    /// A catalog key ("conduct-kind-blame").
    Key(String),
    Minutes(i64),
    Xof(i64),
    Date(NaiveDate),
    /// A mark in hundredths out of 20.
    Mark(i64),
}

impl Place {
    fn write(&self, t: &Tr) -> String {
        match self {
            Place::Text(s) => s.clone(),
            Place::Key(k) => t.t(k),
            Place::Minutes(m) => t.duration(*m),
            Place::Xof(n) => t.xof(*n),
            Place::Date(d) => t.date(d),
            Place::Mark(p) => format!("{}/20", crate::grades::model::points_text(t, *p)),
        }
    }
}

/// What a run knows of its event: the fields its condition reads, the people it concerns
/// and the values its texts show.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunFacts {
    pub trigger: Option<TriggerKind>,
    pub fields: Facts,
    pub student_id: Option<i64>,
    pub class_id: Option<i64>,
    pub head_teacher: Option<i64>,
    pub student_user: Option<i64>,
    pub places: BTreeMap<String, Place>,
    /// Where the people told are sent (a child's page, a student's page).
    pub link: String,
}

impl RunFacts {
    /// The places written in a reader's language.
    pub fn places_in(&self, t: &Tr) -> Vec<(String, String)> {
        self.places
            .iter()
            .map(|(k, p)| (k.clone(), p.write(t)))
            .collect()
    }
}

fn moment(facts: &mut RunFacts, at: DateTime<Utc>) {
    // The school's time is Lomé's: UTC, all year.
    facts
        .fields
        .insert("hour".into(), Value::int(at.hour().into()));
    facts.fields.insert(
        "weekday".into(),
        Value::int(at.weekday().number_from_monday().into()),
    );
    facts
        .places
        .insert("date".into(), Place::Date(at.date_naive()));
}

/// The facts of a student's event: their class, level and série, and the people.
async fn about_student(
    tx: &mut Tx<'_>,
    student: i64,
    facts: &mut RunFacts,
) -> Result<(), sqlx::Error> {
    let Some(s) = crate::school::repo::student_context(&mut **tx, student).await? else {
        return Ok(());
    };
    let text = |v: Option<String>| Value::Text(v.unwrap_or_default());
    facts
        .fields
        .insert("class".into(), text(s.class_name.clone()));
    facts.fields.insert("level".into(), text(s.level));
    facts.fields.insert("serie".into(), text(s.serie));
    facts.student_id = Some(student);
    facts.class_id = s.class_id;
    facts.head_teacher = s.head_teacher_user_id;
    facts.student_user = s.user_id;
    facts.places.insert(
        "eleve".into(),
        Place::Text(format!("{} {}", s.first_name, s.last_name.to_uppercase())),
    );
    facts
        .places
        .insert("prenom".into(), Place::Text(s.first_name.clone()));
    facts.places.insert(
        "classe".into(),
        Place::Text(s.class_name.unwrap_or_default()),
    );
    Ok(())
}

/// The trigger of an event and its facts (`None` for events no workflow starts on).
pub async fn facts_of(
    tx: &mut Tx<'_>,
    event: &SchoolEvent,
    at: DateTime<Utc>,
) -> Result<Option<(TriggerKind, RunFacts)>, sqlx::Error> {
    let mut f = RunFacts::default();
    let kind = match event {
        SchoolEvent::AbsenceRecorded(a) => {
            about_student(tx, a.student_id, &mut f).await?;
            f.fields
                .insert("kind".into(), Value::Text(a.kind.code().into()));
            f.fields.insert("minutes".into(), Value::int(a.minutes));
            f.places.insert("minutes".into(), Place::Minutes(a.minutes));
            f.places.insert(
                "nature".into(),
                Place::Key(format!("attendance-{}", a.kind.code())),
            );
            TriggerKind::Absence
        }
        SchoolEvent::MarkRecorded(m) => {
            let Some(points) = m.points else {
                return Ok(None);
            };
            about_student(tx, m.student_id, &mut f).await?;
            let on_twenty = crate::grades::calc::to_twenty(points, m.scale);
            f.fields.insert("mark".into(), Value::Number(on_twenty));
            let subject = crate::gamification::repo::rules::subject_name(&mut **tx, m.subject_id)
                .await?
                .unwrap_or_default();
            f.fields
                .insert("subject".into(), Value::Text(subject.clone()));
            f.places.insert("matiere".into(), Place::Text(subject));
            f.places.insert("note".into(), Place::Mark(on_twenty));
            TriggerKind::Mark
        }
        SchoolEvent::SanctionGiven(s) => {
            about_student(tx, s.student_id, &mut f).await?;
            f.fields.insert("kind".into(), Value::Text(s.kind.clone()));
            f.places.insert(
                "sanction".into(),
                Place::Key(format!("conduct-kind-{}", s.kind)),
            );
            TriggerKind::Sanction
        }
        SchoolEvent::InvoiceCreated(i) => {
            about_student(tx, i.student_id, &mut f).await?;
            f.fields.insert("amount".into(), Value::int(i.amount));
            f.places.insert("montant".into(), Place::Xof(i.amount));
            TriggerKind::Invoice
        }
        SchoolEvent::PaymentRecorded(p) => {
            about_student(tx, p.student_id, &mut f).await?;
            f.fields.insert("amount".into(), Value::int(p.amount));
            f.places.insert("montant".into(), Place::Xof(p.amount));
            f.places
                .insert("recu".into(), Place::Text(p.receipt_no.clone()));
            TriggerKind::Payment
        }
        SchoolEvent::MomoFailed(m) => {
            about_student(tx, m.student_id, &mut f).await?;
            f.fields.insert("amount".into(), Value::int(m.amount));
            f.places.insert("montant".into(), Place::Xof(m.amount));
            TriggerKind::MomoFailed
        }
        SchoolEvent::BulletinPublished(b) => {
            f.fields.insert("period".into(), Value::int(b.period_id));
            TriggerKind::Bulletin
        }
        SchoolEvent::StudentEnrolled(e) => {
            about_student(tx, e.student_id, &mut f).await?;
            TriggerKind::Enrolled
        }
        SchoolEvent::MessageReported(r) => {
            let channel = crate::chat::repo::conversation_kind(&mut **tx, r.conversation_id)
                .await?
                .unwrap_or_default();
            f.fields.insert("channel".into(), Value::Text(channel));
            f.link = "/admin/signalements".into();
            TriggerKind::MessageReported
        }
        _ => return Ok(None),
    };
    moment(&mut f, at);
    f.trigger = Some(kind);
    if f.link.is_empty() {
        f.link = match f.student_id {
            Some(s) => format!("/parent/enfants/{s}"),
            None => "/".into(),
        };
    }
    Ok(Some((kind, f)))
}

/// Starts a workflow on facts, in the caller's transaction: checks its condition and its
/// rate limit, writes the run, does its first steps that only write to the database, and
/// queues the job that carries out the rest. Returns the run (none when the condition does
/// not hold, or the workflow already ran for this event); `rung` gets the people to ring
/// once the transaction is committed.
#[allow(clippy::too_many_arguments)]
pub async fn start(
    tx: &mut Tx<'_>,
    app: &AppState,
    rung: &mut Vec<i64>,
    flow: &Flow,
    event: Option<i64>,
    fire_key: Option<&str>,
    facts: &RunFacts,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let w = &flow.row;
    let (holds, broken) = match &flow.condition {
        Ok(Some(e)) => (expr::eval(e, &facts.fields), None),
        Ok(None) => (true, None),
        Err(e) => (true, Some(e.key)),
    };
    if !holds {
        return Ok(None);
    }
    let recent =
        repo::runs_since(&mut **tx, w.id, now - Duration::hours(1), w.max_per_hour).await?;
    let (state, error) = match broken {
        Some(key) => (RunState::Skipped, Some(key)),
        None if recent >= w.max_per_hour => (RunState::Skipped, Some("wf-error-rate")),
        None => (RunState::Queued, None),
    };
    let steps = &flow.steps;
    // A run whose steps all only write to the database is done here, whole: it is
    // written as done (its steps commit with it, or nothing does).
    let whole = state == RunState::Queued
        && steps
            .iter()
            .all(|s| s.is_local() || matches!(s, Step::Branch { .. }));
    let run = repo::insert_run(
        &mut **tx,
        &NewRun {
            workflow_id: w.id,
            event_id: event,
            facts: &serde_json::to_string(facts)?,
            steps: &w.steps,
            state: if whole { RunState::Done } else { state },
            error,
            started_by: by,
            fire_key,
        },
        now,
    )
    .await?;
    if let Some(id) = run
        && state == RunState::Queued
    {
        if begin(tx, app, id, steps, facts, now, rung).await? {
            if !whole {
                repo::set_run_state(&mut **tx, id, RunState::Done, None, now).await?;
            }
        } else {
            crate::jobs::enqueue(&mut **tx, &RunOf { run_id: id }, by, now).await?;
        }
    }
    Ok(run)
}

/// A workflow ready to start: its condition parsed and its steps read once.
pub struct Flow {
    pub row: WorkflowRow,
    condition: Result<Option<expr::Expr>, expr::ExprError>,
    steps: Vec<Step>,
}

impl Flow {
    pub fn new(row: WorkflowRow) -> Self {
        Flow {
            condition: expr::parse(&row.condition),
            steps: row.steps(),
            row,
        }
    }
}

/// The engine, a subscriber of the school events.
pub struct Engine {
    app: AppState,
    rung: std::sync::Mutex<Vec<i64>>,
    /// The enabled workflows, as read at most `FRESH` ago: a busy school's events do not
    /// each read them again (a workflow turned on or off counts within that time, on every
    /// node).
    enabled: std::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Vec<Flow>>)>>,
}

/// How long the engine trusts its reading of the enabled workflows.
const FRESH: std::time::Duration = std::time::Duration::from_secs(1);

impl Engine {
    pub fn new(app: &AppState) -> Self {
        Engine {
            app: app.clone(),
            rung: Default::default(),
            enabled: Default::default(),
        }
    }

    async fn enabled(&self, tx: &mut Tx<'_>) -> Result<std::sync::Arc<Vec<Flow>>, sqlx::Error> {
        if let Some((at, flows)) = &*self.enabled.lock().unwrap_or_else(|e| e.into_inner())
            && at.elapsed() < FRESH
        {
            return Ok(flows.clone());
        }
        let flows = std::sync::Arc::new(
            repo::enabled(&mut **tx)
                .await?
                .into_iter()
                .map(Flow::new)
                .collect::<Vec<_>>(),
        );
        *self.enabled.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), flows.clone()));
        Ok(flows)
    }

    /// Rings the bells of the people told by the events handled so far.
    pub async fn ring(&self) {
        let rung = std::mem::take(&mut *self.rung.lock().unwrap_or_else(|e| e.into_inner()));
        if !rung.is_empty() {
            crate::notifications::ring_users(&self.app, rung).await;
        }
    }
}

#[async_trait::async_trait]
impl Subscriber for Engine {
    fn name(&self) -> &'static str {
        "workflows"
    }

    async fn handle(&self, tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<()> {
        let mut rung = Vec::new();
        let now = self.app.clock.now();
        let kinds = kinds_of(&event.what);
        if kinds.is_empty() {
            return Ok(());
        }
        let enabled = self.enabled(tx).await?;
        for kind in kinds {
            let flows: Vec<&Flow> = enabled
                .iter()
                .filter(|f| f.row.trigger_kind == kind)
                .collect();
            if flows.is_empty() {
                continue;
            }
            for (key, facts) in
                facts_for(tx, &self.app.db, kind, &event.what, event.occurred_at).await?
            {
                // A run per student (the honour roll) is not the event's own: it has its key.
                let own = if kind.one_run_per_event() {
                    Some(event.id)
                } else {
                    None
                };
                for w in &flows {
                    start(
                        tx,
                        &self.app,
                        &mut rung,
                        w,
                        own,
                        key.as_deref(),
                        &facts,
                        None,
                        now,
                    )
                    .await?;
                }
            }
        }
        self.rung
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(rung);
        Ok(())
    }
}

/// The facts of a moment (a schedule's occurrence, a run started by hand).
pub fn facts_at(kind: TriggerKind, at: DateTime<Utc>) -> RunFacts {
    let mut f = RunFacts {
        trigger: Some(kind),
        link: "/".into(),
        ..Default::default()
    };
    moment(&mut f, at);
    f.fields.insert("day".into(), Value::int(at.day().into()));
    f
}

/// Looks at the clock's triggers: each enabled schedule whose occurrence passed since it
/// was last looked at fires once (the latest occurrence only, after a long stop); a fees
/// trigger fires once per unpaid tranche due (or overdue) that day. Several nodes may look
/// at once: a run per occurrence (or tranche and day) is written once. Returns the runs
/// started.
pub async fn tick(app: &AppState) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let mut started = 0;
    let mut rung = Vec::new();
    for w in repo::timed(&app.db).await? {
        let Ok(cron) = super::schedule::parse(&w.schedule) else {
            continue;
        };
        // A workflow never looked at starts from a few minutes ago: turning one on does
        // not fire what it missed before.
        let from = w.checked_until.unwrap_or(now - Duration::minutes(5));
        let occurrence = super::schedule::latest_in(&cron, from, now);
        // What a fees trigger reads is read before the write transaction.
        let due = match (occurrence, w.trigger_kind) {
            (Some(at), TriggerKind::TrancheDue) => {
                crate::fees::repo::unpaid_due_on(&app.db, at.date_naive() + Duration::days(w.days))
                    .await?
            }
            (Some(at), TriggerKind::TrancheOverdue) => {
                crate::fees::repo::unpaid_due_on(&app.db, at.date_naive() - Duration::days(w.days))
                    .await?
            }
            _ => Vec::new(),
        };
        let mut tx = crate::db::begin_write(&app.db).await?;
        let flow = Flow::new(w);
        let w = &flow.row;
        if let Some(at) = occurrence {
            if w.trigger_kind == TriggerKind::Schedule {
                let key = format!("at:{}", at.to_rfc3339());
                let facts = facts_at(TriggerKind::Schedule, at);
                started += usize::from(
                    start(
                        &mut tx,
                        app,
                        &mut rung,
                        &flow,
                        None,
                        Some(&key),
                        &facts,
                        None,
                        now,
                    )
                    .await?
                    .is_some(),
                );
            }
            for inv in &due {
                let mut facts = RunFacts::default();
                about_student(&mut tx, inv.student_id, &mut facts).await?;
                moment(&mut facts, at);
                facts.trigger = Some(w.trigger_kind);
                facts.link = format!("/parent/enfants/{}", inv.student_id);
                facts
                    .fields
                    .insert("amount".into(), Value::int(inv.remaining));
                facts
                    .places
                    .insert("montant".into(), Place::Xof(inv.remaining));
                facts
                    .places
                    .insert("echeance".into(), Place::Date(inv.due_on));
                facts.places.insert(
                    "tranche".into(),
                    Place::Text(format!("{} · {}", inv.fee_type, inv.label)),
                );
                let key = format!("invoice:{}:{}", inv.invoice_id, at.date_naive());
                started += usize::from(
                    start(
                        &mut tx,
                        app,
                        &mut rung,
                        &flow,
                        None,
                        Some(&key),
                        &facts,
                        None,
                        now,
                    )
                    .await?
                    .is_some(),
                );
            }
        }
        repo::set_checked(&mut *tx, w.id, now).await?;
        tx.commit().await?;
    }
    if started > 0 {
        app.jobs.wake();
    }
    crate::notifications::ring_users(app, rung).await;
    Ok(started)
}

/// Hands new school events to the engine, as the other subscribers' loops do, and looks at
/// the clock's triggers every twenty seconds.
pub async fn run(app: AppState) {
    let engine = Engine::new(&app);
    while let Err(e) = crate::events::subscribe_from_now(&app.db, engine.name()).await {
        tracing::warn!(error = %e, "workflows: cannot start");
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
    let mut next_tick = std::time::Instant::now();
    loop {
        if std::time::Instant::now() >= next_tick {
            if let Err(e) = tick(&app).await {
                tracing::warn!(error = %e, "workflows: schedules");
            }
            next_tick = std::time::Instant::now() + std::time::Duration::from_secs(20);
        }
        let handled = crate::events::dispatch(&app.db, &engine, 200, app.clock.now()).await;
        engine.ring().await;
        match handled {
            Ok(n) if n > 0 => app.jobs.wake(),
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(300)).await,
            Err(e) => {
                tracing::warn!(error = %e, "workflows: dispatch failed");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    }
}

/// The job of a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunOf {
    pub run_id: i64,
}

impl Payload for RunOf {
    const KIND: &'static str = "workflow.run";
}

/// Carries out a run's steps in order, each once.
pub struct RunJob;

#[async_trait::async_trait]
impl Job for RunJob {
    type Payload = RunOf;

    async fn run(&self, ctx: &JobCtx, p: RunOf) -> anyhow::Result<Json> {
        carry_out(&ctx.app, p.run_id).await
    }
}

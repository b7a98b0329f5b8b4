//! Workflows: each trigger fires once, a run killed in the middle resumes without doing
//! anything twice, a failing webhook is retried then marked failed with its error, a dry
//! run changes nothing, the editor refuses a wrong condition and builds one, and follow-up
//! tasks are ticked by their owner only.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use suku::workflows::{self, Engine};

use crate::helpers::{TestApp, scalar};

/// Turns on a ready-made workflow, as the director does; returns its id.
async fn turn_on(app: &TestApp, template: &str) -> i64 {
    let mut d = app.login_as("director").await;
    let r = d
        .post("/admin/automatisations/modeles", &[("template", template)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

/// Hands new events to the engine and the notifier, then runs every job due.
pub(crate) async fn settle(app: &TestApp) {
    let now = app.state.clock.now();
    suku::events::dispatch(&app.db.pool, &Engine::new(&app.state), 500, now)
        .await
        .unwrap();
    suku::events::dispatch(
        &app.db.pool,
        &suku::notifications::Notifier::new(&app.state),
        500,
        now,
    )
    .await
    .unwrap();
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
}

async fn absent(app: &TestApp, start: &str) {
    absent_for(app, start, "60").await;
}

/// The teacher of class A marks its first student absent on Wednesday 2 December.
pub(crate) async fn absent_for(app: &TestApp, start: &str, minutes: &str) {
    let mut t = app.login_as("teacher_a").await;
    let r = t
        .post(
            &format!("/enseignant/classes/{}/appel", app.f.class_a),
            &[
                ("held_on", "2026-12-02"),
                ("starts_at", start),
                ("minutes", minutes),
                (&format!("etat_{}", app.f.s1), "absent"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn notes_of(app: &TestApp, user: i64, key: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text_key = $2")
            .bind(user)
            .bind(key)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    n
}

#[tokio::test]
async fn each_trigger_fires_once_on_its_event() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    turn_on(&app, "absence_parents").await;
    turn_on(&app, "sanction_head_teacher").await;
    turn_on(&app, "low_mark_head_teacher").await;

    absent(&app, "07:00").await;
    settle(&app).await;
    settle(&app).await;
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM workflow_runs", None).await,
        1
    );
    assert_eq!(notes_of(&app, f.parent_1, "wf-text").await, 1);
    // The workflow took over the built-in notice: the parents are told once.
    assert_eq!(notes_of(&app, f.parent_1, "notif-absence").await, 0);
    let mut p = app.login_as("parent_1").await;
    let bell = p.get("/notifications").await.plain();
    assert!(
        bell.contains("est absent·e ce 02/12/2026 (1 h)") && bell.contains("Merci de justifier"),
        "{bell}"
    );

    // A blâme gives the professeur principal a task; an avertissement does not (the
    // condition).
    let mut d = app.login_as("director").await;
    for kind in ["avertissement", "blame"] {
        let r = d
            .post(
                &format!("/vie-scolaire/eleves/{}/sanctions", f.s1),
                &[("kind", kind), ("reason", "Insolence")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    settle(&app).await;
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM workflow_tasks", None).await,
        1
    );

    // A mark under 6 alerts; a good one does not.
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "14").await;
    settle(&app).await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "4,5").await;
    settle(&app).await;
    settle(&app).await;
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM workflow_runs", None).await,
        3
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM workflow_runs WHERE state = 'done'",
            None
        )
        .await,
        3
    );

    // A workflow turned off starts nothing.
    let absence = suku::workflows::repo::of_template(&app.db.pool, "absence_parents")
        .await
        .unwrap()
        .unwrap();
    let r = d
        .post(
            &format!("/admin/automatisations/{absence}/activation"),
            &[("enabled", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    absent(&app, "09:00").await;
    settle(&app).await;
    assert_eq!(notes_of(&app, f.parent_1, "wf-text").await, 1);
    // Off, the built-in notice speaks again: nothing is lost.
    assert_eq!(notes_of(&app, f.parent_1, "notif-absence").await, 1);
}

/// A loopback receiver of webhooks that answers each call with the next status of its
/// list (the last one after), and keeps what it was sent.
#[derive(Clone, Default)]
struct Receiver {
    statuses: Arc<Mutex<Vec<u16>>>,
    seen: Arc<Mutex<Vec<(String, String, String)>>>,
}

async fn receiver(statuses: Vec<u16>) -> (String, Receiver) {
    use axum::routing::post;
    let r = Receiver {
        statuses: Arc::new(Mutex::new(statuses)),
        ..Default::default()
    };
    let state = r.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let state = state.clone();
            async move {
                let h = |k: &str| {
                    headers
                        .get(k)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                state.seen.lock().unwrap().push((
                    h("x-suku-signature"),
                    h("idempotency-key"),
                    body,
                ));
                let mut s = state.statuses.lock().unwrap();
                let code = if s.len() > 1 { s.remove(0) } else { s[0] };
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), r)
}

const SECRET: &str = "0123456789abcdef-secret";

/// A workflow on absences: tell the parents, call the webhook, tell the direction.
async fn three_steps(app: &TestApp, url: &str) -> i64 {
    let steps = serde_json::json!([
        { "type": "notify", "to": "parents", "text": { "fr": "Absence de {prenom}", "en": "" } },
        { "type": "webhook", "url": url, "secret": SECRET },
        { "type": "notify", "to": "directors", "text": { "fr": "Absence notée : {eleve}", "en": "" } },
    ])
    .to_string();
    workflows::repo::insert(
        &app.db.pool,
        &workflows::repo::NewWorkflow {
            name: "Absences vers le logiciel de la mairie",
            template: None,
            trigger_kind: workflows::TriggerKind::Absence,
            condition: "",
            steps: &steps,
            enabled: true,
            schedule: "",
            days: 0,
        },
        None,
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

async fn the_run(app: &TestApp) -> i64 {
    scalar(&app.db.pool, "SELECT MAX(id) FROM workflow_runs", None).await
}

#[tokio::test]
async fn a_run_killed_in_the_middle_resumes_and_does_nothing_twice() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    // The outside service is down at first.
    let (url, hook) = receiver(vec![503, 200]).await;
    three_steps(&app, &url).await;
    absent(&app, "07:00").await;
    let now = app.state.clock.now();
    suku::events::dispatch(&app.db.pool, &Engine::new(&app.state), 500, now)
        .await
        .unwrap();
    // First attempt: the parents are told, the webhook fails, the job waits for its retry.
    assert!(
        suku::jobs::run_once(&app.state, &suku::app::jobs(), "node-a")
            .await
            .unwrap()
    );
    assert_eq!(notes_of(&app, f.parent_1, "wf-text").await, 1);
    let run = the_run(&app).await;
    // The node that takes it again dies at once: it claimed the job and never finished.
    app.state.clock.advance(chrono::Duration::minutes(2));
    let claimed = suku::jobs::repo::claim(
        &app.db.pool,
        "node-b",
        app.state.clock.now(),
        app.state.clock.now() + chrono::Duration::seconds(60),
    )
    .await
    .unwrap();
    assert!(claimed.is_some(), "the retry is due");
    // A restart: a new process on the same database, after node-b's lease ran out.
    app.state.clock.advance(chrono::Duration::minutes(2));
    let restarted = suku::app::AppState::new(
        app.db.pool.clone(),
        crate::helpers::test_config(&app.db.url),
    )
    .unwrap();
    restarted.clock.set(app.state.clock.now());
    while suku::jobs::run_once(&restarted, &suku::app::jobs(), "node-c")
        .await
        .unwrap()
    {}
    let state: (String,) = sqlx::query_as("SELECT state FROM workflow_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(state.0, "done");
    // Nothing twice: one message to the parents, one to each director, two calls with the
    // same idempotency key and a signature of their body.
    assert_eq!(notes_of(&app, f.parent_1, "wf-text").await, 1);
    assert_eq!(notes_of(&app, f.director, "wf-text").await, 1);
    let seen = hook.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].1, seen[1].1);
    assert_eq!(seen[0].1, format!("suku-run-{run}-step-1"));
    for (sig, _, body) in &seen {
        assert_eq!(*sig, workflows::run::signature(SECRET, body.as_bytes()));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["trigger"], "absence");
        assert_eq!(v["fields"]["kind"], "absence");
    }
}

#[tokio::test]
async fn a_failing_webhook_is_retried_then_marked_failed_with_its_error() {
    let app = TestApp::new().await;
    let (url, hook) = receiver(vec![500]).await;
    three_steps(&app, &url).await;
    absent(&app, "07:00").await;
    let now = app.state.clock.now();
    suku::events::dispatch(&app.db.pool, &Engine::new(&app.state), 500, now)
        .await
        .unwrap();
    for _ in 0..5 {
        suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
            .await
            .unwrap();
        app.state.clock.advance(chrono::Duration::minutes(5));
    }
    assert_eq!(
        hook.seen.lock().unwrap().len() as i64,
        workflows::run::WEBHOOK_ATTEMPTS
    );
    let run = the_run(&app).await;
    let mut d = app.login_as("director").await;
    let page = d
        .get(&format!("/admin/automatisations/executions/{run}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let plain = page.plain();
    assert!(
        plain.contains("Échec") && plain.contains("HTTP 500"),
        "{plain}"
    );
    assert!(plain.contains("3 essais"), "{plain}");
    // The last step never ran; the history finds the run by its state and by the student.
    assert_eq!(notes_of(&app, app.f.director, "wf-text").await, 0);
    let list = d
        .get("/admin/automatisations/executions?etat=failed&q=agbodjan")
        .await;
    assert!(
        list.body
            .contains(&format!("/admin/automatisations/executions/{run}"))
    );
    let none = d.get("/admin/automatisations/executions?etat=done").await;
    assert!(
        !none
            .body
            .contains(&format!("/admin/automatisations/executions/{run}\""))
    );
}

#[tokio::test]
async fn a_dry_run_shows_what_would_happen_and_changes_nothing() {
    let app = TestApp::new().await;
    let id = turn_on(&app, "absence_parents").await;
    let mut d = app.login_as("director").await;
    d.post(
        &format!("/admin/automatisations/{id}/activation"),
        &[("enabled", "0")],
    )
    .await;
    absent(&app, "07:00").await;
    let event = scalar(
        &app.db.pool,
        "SELECT MAX(id) FROM school_events WHERE kind = 'absence.recorded'",
        None,
    )
    .await;
    let count = |table: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            let sql: &'static str = match table {
                "runs" => "SELECT COUNT(*) FROM workflow_runs",
                "steps" => "SELECT COUNT(*) FROM workflow_steps",
                "notes" => "SELECT COUNT(*) FROM notifications",
                _ => "SELECT COUNT(*) FROM jobs",
            };
            scalar(&pool, sql, None).await
        }
    };
    let before = (
        count("runs").await,
        count("steps").await,
        count("notes").await,
        count("jobs").await,
    );
    let r = d
        .post(
            &format!("/admin/automatisations/{id}/essai"),
            &[("event", event.to_string().as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let plain = r.plain();
    assert!(plain.contains("La condition est remplie"), "{plain}");
    assert!(
        plain.contains("Merci de justifier") && plain.contains("rien n’a été fait"),
        "{plain}"
    );
    let after = (
        count("runs").await,
        count("steps").await,
        count("notes").await,
        count("jobs").await,
    );
    assert_eq!(before, after);
    // An event of another kind cannot be replayed on it.
    let r = d
        .post(
            &format!("/admin/automatisations/{id}/essai"),
            &[("event", "999999")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_editor_refuses_a_wrong_condition_and_builds_one_from_lists() {
    let app = TestApp::new().await;
    let id = turn_on(&app, "absence_parents").await;
    let mut d = app.login_as("director").await;
    let path = format!("/admin/automatisations/{id}");
    let page = d.get(&path).await;
    assert!(
        [
            "kind == &#x27;absence&#x27;",
            "kind == &#39;absence&#39;",
            "kind == 'absence'"
        ]
        .iter()
        .any(|c| page.body.contains(c)),
        "the condition is shown as it is stored"
    );
    let steps = [
        ("step_0_type", "notify"),
        ("step_0_to", "parents"),
        ("step_0_fr", "Absence de {prenom}"),
        ("max_per_hour", "300"),
        ("name", "Absences"),
    ];
    let mut bad = steps.to_vec();
    bad.push(("condition", "moyenne < 8"));
    let r = d.post(&path, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("Le champ « moyenne » n’existe pas"),
        "{}",
        r.plain()
    );
    // The builder: a field, an operator, a value.
    let mut build = steps.to_vec();
    build.extend([
        ("condition", "kind == 'absence'"),
        ("action", "add_clause"),
        ("clause_join", "and"),
        ("clause_field", "level"),
        ("clause_op", "in"),
        ("clause_value", "6e;5e"),
    ]);
    let r = d.post(&path, &build).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let w = suku::workflows::repo::workflow(&app.db.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.condition, "(kind == 'absence') and level in ['6e', '5e']");
    // A step added, moved up, then removed.
    let mut add = steps.to_vec();
    add.extend([("condition", ""), ("action", "add_step_wait")]);
    assert_eq!(d.post(&path, &add).await.status, StatusCode::SEE_OTHER);
    let w = suku::workflows::repo::workflow(&app.db.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.steps().len(), 2);
    let moved = [
        ("step_0_type", "notify"),
        ("step_0_to", "parents"),
        ("step_0_fr", "Absence de {prenom}"),
        ("step_1_type", "wait"),
        ("step_1_minutes", "30"),
        ("max_per_hour", "300"),
        ("name", "Absences"),
        ("action", "up_1"),
    ];
    assert_eq!(d.post(&path, &moved).await.status, StatusCode::SEE_OTHER);
    let w = suku::workflows::repo::workflow(&app.db.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.steps()[0], suku::workflows::Step::Wait { minutes: 30 });
    // The secretary reads, the director writes.
    let mut s = app.login_as("secretary").await;
    assert_eq!(s.get(&path).await.status, StatusCode::OK);
    assert_eq!(s.post(&path, &moved).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_task_is_ticked_by_its_owner_only() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    // Teacher A heads 6e A.
    sqlx::query("UPDATE classes SET head_teacher_user_id = $1 WHERE id = $2")
        .bind(f.teacher_a)
        .bind(f.class_a)
        .execute(&app.db.pool)
        .await
        .unwrap();
    turn_on(&app, "sanction_head_teacher").await;
    let mut d = app.login_as("director").await;
    d.post(
        &format!("/vie-scolaire/eleves/{}/sanctions", f.s1),
        &[("kind", "blame"), ("reason", "Insolence")],
    )
    .await;
    settle(&app).await;
    let task = scalar(&app.db.pool, "SELECT MAX(id) FROM workflow_tasks", None).await;
    let mut t = app.login_as("teacher_a").await;
    let page = t.get("/suivi").await.plain();
    assert!(
        page.contains("Recevoir la famille de Elom AGBODJAN (6e A) après : Blâme."),
        "{page}"
    );
    let mut other = app.login_as("teacher_b").await;
    let r = other
        .post(&format!("/suivi/{task}"), &[("done", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.post(&format!("/suivi/{task}"), &[("done", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM workflow_tasks WHERE done_at IS NOT NULL",
            None
        )
        .await,
        1
    );
}

/// A workflow with a finished run and a task for teacher A, for the route matrices: (the
/// workflow, the run, the task).
pub async fn flow_run_task(app: &TestApp) -> (i64, i64, i64) {
    let now = app.state.clock.now();
    let w = workflows::repo::insert(
        &app.db.pool,
        &workflows::repo::NewWorkflow {
            name: "Suivi des blâmes",
            template: None,
            trigger_kind: workflows::TriggerKind::Sanction,
            condition: "",
            steps: "[]",
            enabled: false,
            schedule: "",
            days: 0,
        },
        None,
        now,
    )
    .await
    .unwrap();
    let run = workflows::repo::insert_run(
        &app.db.pool,
        &workflows::repo::NewRun {
            workflow_id: w,
            event_id: None,
            facts: r#"{"fields":{"class":"6e A"}}"#,
            steps: "[]",
            state: workflows::repo::RunState::Done,
            error: None,
            started_by: None,
            fire_key: None,
        },
        now,
    )
    .await
    .unwrap()
    .unwrap();
    let task = workflows::repo::insert_task(
        &app.db.pool,
        run,
        app.f.teacher_a,
        Some(app.f.s1),
        "Recevoir la famille",
        now,
    )
    .await
    .unwrap();
    (w, run, task)
}

#[tokio::test]
async fn the_template_that_replaced_a_notice_is_made_once_and_stays_off_if_turned_off() {
    let app = TestApp::new().await;
    let now = app.state.clock.now();
    let made = workflows::templates::ensure_defaults(&app.db.pool, &app.state.i18n, now)
        .await
        .unwrap();
    assert_eq!(made, 1);
    let id = workflows::repo::of_template(&app.db.pool, workflows::templates::ABSENCE_PARENTS)
        .await
        .unwrap()
        .unwrap();
    let w = workflows::repo::workflow(&app.db.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert!(w.enabled);
    assert_eq!(w.name, "Prévenir les parents d’une absence");
    workflows::repo::set_enabled(&app.db.pool, id, false, now)
        .await
        .unwrap();
    let made = workflows::templates::ensure_defaults(&app.db.pool, &app.state.i18n, now)
        .await
        .unwrap();
    assert_eq!(made, 0);
    let w = workflows::repo::workflow(&app.db.pool, id)
        .await
        .unwrap()
        .unwrap();
    assert!(!w.enabled, "the school's choice stands");
}

fn lome(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    // Lomé keeps UTC all year.
    chrono::Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

#[tokio::test]
async fn a_schedule_fires_at_its_local_time_and_once() {
    let app = TestApp::new().await;
    let steps = serde_json::json!([
        { "type": "notify", "to": "directors", "text": { "fr": "Bonjour, nous sommes le {date}.", "en": "" } }
    ])
    .to_string();
    workflows::repo::insert(
        &app.db.pool,
        &workflows::repo::NewWorkflow {
            name: "Le point du matin",
            template: None,
            trigger_kind: workflows::TriggerKind::Schedule,
            condition: "",
            steps: &steps,
            enabled: true,
            schedule: "30 7 * * 1-5",
            days: 0,
        },
        None,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let clock = &app.state.clock;
    let tick = || async { workflows::run::tick(&app.state).await.unwrap() };
    // Wednesday 2 December 2026.
    clock.set(lome(2026, 12, 2, 7, 20));
    assert_eq!(tick().await, 0);
    clock.set(lome(2026, 12, 2, 7, 29));
    assert_eq!(tick().await, 0, "not before 07:30");
    clock.set(lome(2026, 12, 2, 7, 31));
    assert_eq!(tick().await, 1);
    assert_eq!(tick().await, 0, "once");
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    let (args,): (String,) = sqlx::query_as(
        "SELECT args FROM notifications WHERE user_id = $1 AND text_key = 'wf-text'",
    )
    .bind(app.f.director)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(args.contains("nous sommes le 02/12/2026"), "{args}");
    // Nobody looked on Thursday (the server was off): on Friday at 07:45 only the latest
    // missed occurrence, Friday's, fires. Saturday and Sunday: nothing; Monday at 07:30
    // sharp: once.
    clock.set(lome(2026, 12, 4, 7, 45));
    assert_eq!(tick().await, 1);
    clock.set(lome(2026, 12, 5, 7, 31));
    assert_eq!(tick().await, 0);
    clock.set(lome(2026, 12, 6, 23, 0));
    assert_eq!(tick().await, 0);
    clock.set(lome(2026, 12, 7, 7, 30));
    assert_eq!(tick().await, 1);
    // Two nodes looking at the same minute start it once.
    clock.set(lome(2026, 12, 8, 7, 30));
    let (a, b) = tokio::join!(
        workflows::run::tick(&app.state),
        workflows::run::tick(&app.state)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
}

#[tokio::test]
async fn a_fee_reminder_goes_three_days_before_the_due_date_once() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    turn_on(&app, "fee_reminder_before").await;
    let (student, due, remaining): (i64, chrono::NaiveDate, i64) = sqlx::query_as(
        "SELECT i.student_id, i.due_on, CAST(COALESCE((SELECT SUM(l.amount) FROM ledger_entries l \
           WHERE l.invoice_id = i.id), 0) AS BIGINT) AS remaining FROM invoices i \
         ORDER BY remaining DESC, i.due_on LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(remaining > 0, "an unpaid tranche");
    let parent: (i64,) = sqlx::query_as(
        "SELECT user_id FROM student_guardians WHERE student_id = $1 ORDER BY user_id LIMIT 1",
    )
    .bind(student)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let before = due - chrono::Duration::days(3);
    let at = |h, m| {
        use chrono::{Datelike, TimeZone};
        chrono::Utc
            .with_ymd_and_hms(before.year(), before.month(), before.day(), h, m, 0)
            .unwrap()
    };
    app.state.clock.set(at(6, 58));
    assert_eq!(workflows::run::tick(&app.state).await.unwrap(), 0);
    app.state.clock.set(at(7, 1));
    assert!(workflows::run::tick(&app.state).await.unwrap() >= 1);
    assert_eq!(
        workflows::run::tick(&app.state).await.unwrap(),
        0,
        "once a day"
    );
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    let texts: Vec<(String,)> = sqlx::query_as(
        "SELECT args FROM notifications WHERE user_id = $1 AND text_key = 'wf-text'",
    )
    .bind(parent.0)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let due_text = due.format("%d/%m/%Y").to_string();
    assert!(
        texts
            .iter()
            .any(|t| t.0.contains(&format!("arrive à échéance le {due_text}"))),
        "{texts:?}"
    );
}

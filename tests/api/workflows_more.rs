//! Workflows, second part: the triggers read from events (a subject's average, the hours
//! of unjustified absence, the risk alert, the honour roll) and the new ones (an
//! enrollment, a reported message) each fire once where they should; the actions that
//! award points, note in a student's file, post in a chat and branch on a condition do
//! their work once, and what they write is where people look.

use axum::http::StatusCode;
use suku::workflows::{self, TriggerKind};

use crate::helpers::{TestApp, scalar};
use crate::workflows::{absent_for as absent, settle};

/// A workflow that notes in the student's file, on a trigger and condition.
async fn noting(app: &TestApp, kind: TriggerKind, condition: &str) -> i64 {
    let steps = serde_json::json!([
        { "type": "note", "text": { "fr": "Relevé : {eleve}", "en": "" } },
    ])
    .to_string();
    workflows::repo::insert(
        &app.db.pool,
        &workflows::repo::NewWorkflow {
            name: &format!("Suivi {kind}"),
            template: None,
            trigger_kind: kind,
            condition,
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

async fn runs_of(app: &TestApp, workflow: i64) -> i64 {
    scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = $1",
        Some(workflow),
    )
    .await
}

#[tokio::test]
async fn the_triggers_read_from_events_fire_once_where_they_should() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let average = noting(&app, TriggerKind::AverageLow, "average < 10").await;
    let hours = noting(&app, TriggerKind::UnjustifiedHours, "hours >= 2").await;
    let risk = noting(&app, TriggerKind::RiskAlert, "score >= 0").await;

    // A subject's average: a good mark does not start it; the first mark that brings the
    // average below 10 does; a second low mark in the same subject and period does not.
    let mut t = app.login_as("teacher_a").await;
    let e1 = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-10").await;
    let e2 = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-17").await;
    let e3 = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-24").await;
    crate::helpers::set_mark(&mut t, e1, f.s1, "13").await;
    settle(&app).await;
    assert_eq!(runs_of(&app, average).await, 0);
    crate::helpers::set_mark(&mut t, e2, f.s1, "3").await;
    settle(&app).await;
    assert_eq!(runs_of(&app, average).await, 1);
    crate::helpers::set_mark(&mut t, e3, f.s1, "4").await;
    settle(&app).await;
    assert_eq!(runs_of(&app, average).await, 1);
    let facts: (String,) = sqlx::query_as("SELECT facts FROM workflow_runs WHERE workflow_id = $1")
        .bind(average)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let facts: serde_json::Value = serde_json::from_str(&facts.0).unwrap();
    // (13 + 3) / 2 = 8: the bulletin's own computation.
    assert_eq!(facts["fields"]["average"], 800, "{facts}");

    // The hours of unjustified absence: one hour is not yet two; the second hour is; a
    // third does not start it again in the same period.
    absent(&app, "07:00", "60").await;
    settle(&app).await;
    assert_eq!(runs_of(&app, hours).await, 0);
    absent(&app, "08:00", "60").await;
    settle(&app).await;
    assert_eq!(runs_of(&app, hours).await, 1);
    absent(&app, "09:00", "60").await;
    settle(&app).await;
    assert_eq!(runs_of(&app, hours).await, 1);

    // The risk alert fires once per level a student reaches in a period, however many
    // marks and absences move it.
    let (runs, keys): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT fire_key) FROM workflow_runs WHERE workflow_id = $1",
    )
    .bind(risk)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(runs >= 1, "a first level was reached");
    assert!(runs <= 3, "{runs} runs: once per level at most");
    assert_eq!(runs, keys);

    // Every run noted in the file, once.
    let notes = scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM student_notes WHERE student_id = $1",
        Some(f.s1),
    )
    .await;
    assert_eq!(notes, 2 + runs);
}

#[tokio::test]
async fn an_enrollment_a_reported_message_and_the_honour_roll_start_their_workflows() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let enrolled = noting(&app, TriggerKind::Enrolled, "level == '6e'").await;
    let honour = noting(&app, TriggerKind::HonourRoll, "").await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/admin/automatisations/modeles",
            &[("template", "reported_message_directors")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A new student in 6e A.
    let mut s = app.login_as("secretary").await;
    let r = s
        .post(
            "/admin/eleves",
            &[
                ("matricule", "T-090"),
                ("last_name", "Gaba"),
                ("first_name", "Dodzi"),
                ("sex", "M"),
                ("birth_date", "14/03/2014"),
                ("birth_place", "Lomé"),
                ("class_id", &f.class_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    settle(&app).await;
    settle(&app).await;
    assert_eq!(runs_of(&app, enrolled).await, 1);

    // A message reported twice by the same person is one report: the head is told once.
    let chat = crate::helpers::seed_chat(&app).await;
    let mut p = app.login_as("parent_1").await;
    for _ in 0..2 {
        let r = p
            .post(
                &format!("/messages/m/{}/signalement", chat.message),
                &[("reason", "Propos déplacés")],
            )
            .await;
        assert!(
            r.status.is_success() || r.status.is_redirection(),
            "{}",
            r.status
        );
    }
    settle(&app).await;
    let told = scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text_key = 'wf-text'",
        Some(f.director),
    )
    .await;
    assert_eq!(told, 1);
    let bell = d.get("/notifications").await.plain();
    assert!(bell.contains("Un message a été signalé"), "{bell}");

    // The honour roll: a period's publication starts a run for each student whose general
    // average reaches the school's line (12 by default), and none for the others.
    let mut t = app.login_as("teacher_a").await;
    let e1 = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-10").await;
    crate::helpers::set_mark(&mut t, e1, f.s1, "15").await;
    settle(&app).await;
    let (period,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for _ in 0..2 {
        let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
        suku::events::publish(
            &mut *tx,
            &suku::events::SchoolEvent::BulletinPublished(suku::events::BulletinPublished {
                period_id: period,
            }),
            Some(f.director),
            app.state.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        settle(&app).await;
    }
    // Published twice (a correction): still one run per student on the roll.
    assert_eq!(runs_of(&app, honour).await, 1);
    let student: (String,) =
        sqlx::query_as("SELECT facts FROM workflow_runs WHERE workflow_id = $1")
            .bind(honour)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let facts: serde_json::Value = serde_json::from_str(&student.0).unwrap();
    assert_eq!(facts["student_id"], f.s1);
}

#[tokio::test]
async fn points_a_note_a_chat_message_and_a_branch_are_done_once() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let steps = serde_json::json!([
        { "type": "branch", "condition": "minutes >= 120", "skip": 1 },
        { "type": "notify", "to": "directors", "text": { "fr": "Longue absence : {eleve}", "en": "" } },
        { "type": "points", "points": 5, "text": { "fr": "Présence contrôlée", "en": "" } },
        { "type": "note", "text": { "fr": "Absence du {date} ({minutes}) signalée aux parents.", "en": "" } },
        { "type": "chat", "channel": "class_parents", "text": { "fr": "Rappel : justifiez les absences de vos enfants.", "en": "" } },
    ])
    .to_string();
    let flow = workflows::repo::insert(
        &app.db.pool,
        &workflows::repo::NewWorkflow {
            name: "Suivi des absences",
            template: None,
            trigger_kind: TriggerKind::Absence,
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
    .unwrap();
    // The editor shows each kind of step with its fields.
    let mut d = app.login_as("director").await;
    let page = d.get(&format!("/admin/automatisations/{flow}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "step_0_condition",
        "step_0_skip",
        "step_2_points",
        "step_4_channel",
    ] {
        assert!(page.body.contains(&format!("name=\"{name}\"")), "{name}");
    }

    absent(&app, "07:00", "60").await;
    settle(&app).await;
    settle(&app).await;
    let run = scalar(
        &app.db.pool,
        "SELECT MAX(id) FROM workflow_runs WHERE workflow_id = $1",
        Some(flow),
    )
    .await;
    let state: (String,) = sqlx::query_as("SELECT state FROM workflow_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(state.0, "done");
    // One hour is not a long absence: the directors' step was skipped.
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text_key = 'wf-text'",
            Some(f.director),
        )
        .await,
        0
    );
    // The points, once, with their reason.
    let (points, reason): (i64, String) = sqlx::query_as(
        "SELECT points, reason FROM point_awards WHERE student_id = $1 AND source_key LIKE 'workflow:%'",
    )
    .bind(f.s1)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((points, reason.as_str()), (5, "Présence contrôlée"));
    // The note, on the student's vie scolaire page for the staff, not for the family.
    let record = d
        .get(&format!("/vie-scolaire/eleves/{}", f.s1))
        .await
        .plain();
    assert!(
        record.contains("Absence du 02/12/2026 (1 h) signalée aux parents.")
            && record.contains("par l’automatisation « Suivi des absences »"),
        "{record}"
    );
    let mut p = app.login_as("parent_1").await;
    let family = p.get(&format!("/vie-scolaire/eleves/{}", f.s1)).await;
    assert_eq!(family.status, StatusCode::OK);
    assert!(!family.plain().contains("Notes au dossier"));
    // The chat message, in the class's parents' channel, from the director.
    let (body, author): (String, i64) = sqlx::query_as(
        "SELECT m.body, m.author_id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE c.key = $1",
    )
    .bind(format!("parents:{}", f.class_a))
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(body, "Rappel : justifiez les absences de vos enfants.");
    assert_eq!(author, f.director);
    // The run page says which step was skipped.
    let page = d
        .get(&format!("/admin/automatisations/executions/{run}"))
        .await
        .plain();
    assert!(page.contains("sautée"), "{page}");

    // A long absence takes the other way: the directors are told.
    absent(&app, "10:00", "180").await;
    settle(&app).await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text_key = 'wf-text'",
            Some(f.director),
        )
        .await,
        1
    );
    // Nothing twice: two runs, two awards, two notes, two messages.
    settle(&app).await;
    for sql in [
        "SELECT COUNT(*) FROM point_awards WHERE source_key LIKE 'workflow:%' AND student_id = $1",
        "SELECT COUNT(*) FROM student_notes WHERE student_id = $1",
    ] {
        assert_eq!(scalar(&app.db.pool, sql, Some(f.s1)).await, 2, "{sql}");
    }
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM messages WHERE author_id = $1",
            Some(f.director)
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_branch_with_a_wrong_condition_is_refused_in_the_editor() {
    let app = TestApp::new().await;
    let flow = noting(&app, TriggerKind::Absence, "").await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            &format!("/admin/automatisations/{flow}"),
            &[
                ("name", "Suivi"),
                ("condition", ""),
                ("max_per_hour", "300"),
                ("step_0_type", "branch"),
                ("step_0_condition", "moyenne < 10"),
                ("step_0_skip", "1"),
                ("step_1_type", "points"),
                ("step_1_points", "500"),
                ("step_1_fr", "Bravo"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.plain();
    assert!(text.contains("moyenne"), "{text}");
    assert!(text.contains("De 1 à 100 points."), "{text}");
}

#[tokio::test]
async fn a_document_step_issues_it_once_and_the_parents_open_it() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let steps = serde_json::json!([
        { "type": "document", "document": "scolarite", "to": "parents",
          "text": { "fr": "Le certificat de scolarité de {prenom} est prêt.", "en": "" } },
    ])
    .to_string();
    workflows::repo::insert(
        &app.db.pool,
        &workflows::repo::NewWorkflow {
            name: "Certificat",
            template: None,
            trigger_kind: TriggerKind::Absence,
            condition: "",
            steps: &steps,
            enabled: true,
            schedule: "",
            days: 0,
        },
        Some(f.director),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    absent(&app, "07:00", "60").await;
    settle(&app).await;
    settle(&app).await;
    let (doc, number): (i64, String) = sqlx::query_as(
        "SELECT id, number FROM school_documents WHERE student_id = $1 AND kind = 'scolarite'",
    )
    .bind(f.s1)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(number.starts_with("CS-"), "{number}");
    let (link,): (String,) = sqlx::query_as(
        "SELECT link FROM notifications WHERE user_id = $1 AND text_key = 'wf-text'",
    )
    .bind(f.parent_1)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(link, format!("/documents/{doc}/pdf"));
    let mut p = app.login_as("parent_1").await;
    let pdf = p.get(&link).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let text = crate::export::pdf_text(&pdf.bytes);
    assert!(text.contains(&number), "{text}");
}

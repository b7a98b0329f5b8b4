//! Notifications from school events: who is told, in their language, after their choices,
//! exactly once; the bell and the centre; quiet hours.

use axum::http::StatusCode;
use chrono::Timelike;
use suku::notifications::Notifier;

use crate::helpers::{Client, TestApp, scalar};

async fn dispatch(app: &TestApp) -> usize {
    suku::events::dispatch(&app.db.pool, &Notifier::default(), 500)
        .await
        .unwrap()
}

/// Teacher A gives S1 `mark`/20 on a new devoir in 6e A maths.
async fn mark(app: &TestApp, t: &mut Client, mark: &str) {
    let (p1,): (i64,) = sqlx::query_as("SELECT id FROM periods ORDER BY ordinal LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = t
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", &p1.to_string()),
                ("kind", "devoir"),
                ("title", "Devoir"),
                ("held_on", "2026-11-20"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let cell = format!("note_{}", app.f.s1);
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s1),
            &[(&cell, mark)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_new_mark_tells_the_student_and_their_parents_once() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    mark(&app, &mut t, "15,5").await;
    assert!(dispatch(&app).await >= 1);
    // Dispatching again handles nothing twice.
    assert_eq!(dispatch(&app).await, 0);
    let pool = &app.db.pool;
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'mark'",
            None
        )
        .await,
        2,
        "the student and parent 1"
    );
    let mut p = app.login_as("parent_1").await;
    let bell = p.get("/notifications/cloche").await;
    assert!(bell.body.contains("data-unread=\"1\""), "{}", bell.body);
    let page = p.get("/notifications").await;
    assert!(
        page.plain().contains("Elom : 15,5/20 en Mathématiques."),
        "{}",
        page.plain()
    );
    // In English for a reader in English.
    let mut en = app.login_as("student").await;
    en.post("/langue", &[("lang", "en"), ("retour", "/eleve")])
        .await;
    let page = en.get("/notifications").await.plain();
    assert!(page.contains("Elom: 15.5/20 in Mathématiques."), "{page}");
    // Opening it marks it read and leads to the child's page; another user's id is not found.
    let id = scalar(
        pool,
        "SELECT id FROM notifications WHERE user_id = $1",
        Some(app.f.parent_1),
    )
    .await;
    let r = p.get(&format!("/notifications/{id}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/parent/enfants/{}", app.f.s1));
    assert!(
        p.get("/notifications/cloche")
            .await
            .body
            .contains("data-unread=\"0\"")
    );
    let mut other = app.login_as("parent_2").await;
    assert_eq!(
        other.get(&format!("/notifications/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        other
            .get("/notifications")
            .await
            .plain()
            .contains("Aucune notification.")
    );
}

#[tokio::test]
async fn preferences_turn_a_kind_off_and_quiet_hours_are_checked() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get("/compte/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    // Without SMTP or VAPID keys, only the portal is offered.
    assert!(!page.plain().contains("E-mail"));
    // Everything but marks.
    let fields: Vec<(&str, &str)> = vec![
        ("on", "absence.in_app"),
        ("on", "bulletin.in_app"),
        ("on", "payment.in_app"),
        ("on", "message.in_app"),
        ("on", "announcement.in_app"),
        ("quiet_start", "21h"),
        ("quiet_end", "6h30"),
    ];
    let r = p.post("/compte/notifications", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = p.get("/compte/notifications").await.body;
    assert!(page.contains("value=\"21h00\"") && page.contains("value=\"06h30\""));
    let mut t = app.login_as("teacher_a").await;
    mark(&app, &mut t, "12").await;
    dispatch(&app).await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1",
            Some(app.f.parent_1)
        )
        .await,
        0
    );
    // Bad times: named, nothing saved.
    for (start, end, says) in [
        ("25h", "6h", "Écrivez une heure comme 21h00."),
        ("soir", "6h", "Écrivez une heure comme 21h00."),
        ("7h", "7h00", "Le début et la fin doivent différer."),
    ] {
        let r = p
            .post(
                "/compte/notifications",
                &[("quiet_start", start), ("quiet_end", end)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.plain().contains(says), "{}", r.plain());
    }
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT CAST(start_minute AS BIGINT) FROM quiet_hours WHERE user_id = $1",
            Some(app.f.parent_1)
        )
        .await,
        21 * 60
    );
}

#[tokio::test]
async fn a_teacher_in_quiet_hours_is_shown_as_such_to_the_sender() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_b").await;
    let now = chrono::Utc::now();
    let h = i64::from(now.hour());
    let start = format!("{}h00", (h + 23) % 24);
    let end = format!("{}h00", (h + 2) % 24);
    let r = t
        .post(
            "/compte/notifications",
            &[
                ("on", "message.in_app"),
                ("quiet_start", &start),
                ("quiet_end", &end),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut p = app.login_as("parent_2").await;
    let r = p
        .post(
            "/messages/nouveau",
            &[("user_id", &app.f.teacher_b.to_string())],
        )
        .await;
    let page = p.get(r.location()).await.plain();
    assert!(page.contains("est en heures calmes jusqu’à"), "{page}");
    // The message still waits for them as a notification.
    p.post(r.location(), &[("body", "Bonsoir")]).await;
    dispatch(&app).await;
    let page = t.get("/notifications").await.plain();
    assert!(page.contains("Nouveau message de"), "{page}");
}

#[tokio::test]
async fn announcements_and_payments_notify_the_families_concerned() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/annonces",
            &[
                ("title", "Sortie au musée"),
                ("body", "Les 6e B visiteront le musée national."),
                ("audience", "class"),
                ("class_id", &app.f.class_b.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    crate::helpers::seed_fees(&app).await;
    dispatch(&app).await;
    let mut p2 = app.login_as("parent_2").await;
    let page = p2.get("/notifications").await.plain();
    assert!(page.contains("Annonce : Sortie au musée"), "{page}");
    assert!(page.contains("Paiement de"), "{page}");
    let mut p1 = app.login_as("parent_1").await;
    // Parent 1 also has a child in 6e B; teacher A does not teach 6e B.
    assert!(
        p1.get("/notifications")
            .await
            .plain()
            .contains("Sortie au musée")
    );
    let mut ta = app.login_as("teacher_a").await;
    assert!(
        !ta.get("/notifications")
            .await
            .plain()
            .contains("Sortie au musée")
    );
}

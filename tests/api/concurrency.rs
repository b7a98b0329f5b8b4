//! Many people writing at once, as a school does at 8 a.m.: every request that may write
//! opens a write transaction, so on SQLite a second writer waits for the first instead of
//! failing with "database is locked" (a read-then-write transaction cannot be retried once
//! another writer committed between its read and its write).

use axum::http::StatusCode;

use crate::helpers::{TestApp, scalar, seed_chat, seed_fees};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_marks_twenty_roll_calls_payments_and_messages_at_once_all_succeed() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let chat = seed_chat(&app).await;
    let f = app.f.clone();
    let pool = &app.db.pool;
    let teacher = app.login_as("teacher_b").await;
    let bursar = app.login_as("bursar").await;
    let parent = app.login_as("parent_1").await;
    // 25 evaluations of 6e B, two students each: 50 cells.
    let period = scalar(pool, "SELECT MIN(id) FROM periods", None).await;
    let mut evals = Vec::new();
    for n in 0..25 {
        let mut t = teacher.clone();
        let r = t
            .post(
                &format!("/enseignant/classes/{}/matieres/{}", f.class_b, f.maths),
                &[
                    ("period_id", &period.to_string()),
                    ("kind", "interrogation"),
                    ("title", &format!("Interrogation {n}")),
                    ("held_on", "2026-11-20"),
                    ("scale", "20"),
                    ("weight", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        evals.push(r.location().rsplit('/').next().unwrap().to_string());
    }
    let before_payments = scalar(pool, "SELECT COUNT(*) FROM payments", None).await;
    let before_messages = scalar(pool, "SELECT COUNT(*) FROM messages", None).await;
    let mut tasks = Vec::new();
    for e in &evals {
        for s in [f.s2, f.s3] {
            let mut t = teacher.clone();
            let (url, cell) = (
                format!("/enseignant/evaluations/{e}/eleves/{s}"),
                format!("note_{s}"),
            );
            tasks.push(tokio::spawn(async move {
                let r = t.post(&url, &[(&cell, "12,5")]).await;
                ("mark", r.status, r.body)
            }));
        }
    }
    for n in 0..20u32 {
        let mut t = teacher.clone();
        let url = format!("/enseignant/classes/{}/appel", f.class_b);
        let day = format!("2026-11-{:02}", 2 + n / 5);
        let hour = format!("{:02}:00", 7 + n % 5);
        let absent = format!("etat_{}", f.s2);
        tasks.push(tokio::spawn(async move {
            let r = t
                .post(
                    &url,
                    &[
                        ("held_on", &day),
                        ("starts_at", &hour),
                        ("minutes", "55"),
                        (&absent, "absent"),
                    ],
                )
                .await;
            ("roll call", r.status, r.body)
        }));
    }
    for n in 0..20u32 {
        let mut b = bursar.clone();
        let url = format!("/admin/eleves/{}/paiements", f.s2);
        tasks.push(tokio::spawn(async move {
            let key = format!("{n:032x}");
            let r = b
                .post(
                    &url,
                    &[
                        ("amount", "1000"),
                        ("method", "especes"),
                        ("reference", ""),
                        ("payer", ""),
                        ("key", &key),
                        ("step", "confirm"),
                    ],
                )
                .await;
            ("payment", r.status, r.body)
        }));
    }
    for n in 0..20 {
        let mut p = parent.clone();
        let url = format!("/messages/{}", chat.direct);
        tasks.push(tokio::spawn(async move {
            let r = p.post(&url, &[("body", &format!("Message {n}"))]).await;
            ("message", r.status, r.body)
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        let (what, status, body) = t.await.unwrap();
        if !(status.is_success() || status.is_redirection()) {
            failures.push(format!("{what}: {status} {}", &body[..body.len().min(200)]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:#?}",
        failures.len()
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM marks m JOIN evaluations e ON e.id = m.evaluation_id WHERE e.title LIKE 'Interrogation %'",
            None
        )
        .await,
        50
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM roll_calls WHERE class_id = $1",
            Some(f.class_b)
        )
        .await,
        20
    );
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM payments", None).await,
        before_payments + 20
    );
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM messages", None).await,
        before_messages + 20
    );
}

/// A pasted column is one request, saved whole; a wrong cell is named and the others kept.
#[tokio::test]
async fn a_pasted_column_is_one_request() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_b").await;
    let period = scalar(&app.db.pool, "SELECT MIN(id) FROM periods", None).await;
    let r = t
        .post(
            &format!("/enseignant/classes/{}/matieres/{}", f.class_b, f.maths),
            &[
                ("period_id", &period.to_string()),
                ("kind", "devoir"),
                ("title", "Devoir collé"),
                ("held_on", "2026-11-20"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    let e = r.location().rsplit('/').next().unwrap().to_string();
    let page = t.get(&format!("/enseignant/evaluations/{e}")).await;
    assert!(
        page.body.contains(&format!(
            "data-cells=\"/enseignant/evaluations/{e}/cellules\""
        )),
        "{}",
        page.body
    );
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}/cellules"),
            &[
                (&format!("note_{}", f.s2) as &str, "14"),
                (&format!("note_{}", f.s3), "25"),
                (&format!("note_{}", f.s1), "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains(&format!("id=\"state_{}\" hx-swap-oob", f.s2))
    );
    assert!(r.body.contains("enregistrée"), "{}", r.body);
    assert!(
        r.plain().contains("20"),
        "the wrong cell says why: {}",
        r.plain()
    );
    assert!(
        !r.body.contains(&format!("state_{}", f.s1)),
        "a student of another class is not in this column"
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM marks WHERE evaluation_id = $1",
            Some(e.parse().unwrap())
        )
        .await,
        1
    );
}

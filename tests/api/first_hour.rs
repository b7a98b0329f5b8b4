//! What a new user meets in the first hour: each fault a family, a teacher or the school's
//! office ran into, as they would see it.

use axum::http::StatusCode;
use serde_json::Value;

use crate::helpers::{Client, TestApp};

async fn json(c: &mut Client, path: &str) -> Value {
    let r = c.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// The parent's home, the progress page, the points API and the default board all open on
/// the same child: the eldest, whatever order the children were registered in.
#[tokio::test]
async fn every_family_page_opens_on_the_same_child() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    // Sena (S2, registered after Elom) is the elder.
    sqlx::query("UPDATE students SET birth_date = $1 WHERE id = $2")
        .bind(chrono::NaiveDate::from_ymd_opt(2012, 1, 9).unwrap())
        .bind(f.s2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut p = app.login_as("parent_1").await;
    let home = p.get("/parent").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains(&format!(
            "aria-current=\"page\" data-testid=\"child-{}\"",
            f.s2
        )),
        "{}",
        home.body
    );
    let progress = p.get("/progression").await;
    assert_eq!(progress.status, StatusCode::SEE_OTHER);
    assert_eq!(progress.location(), format!("/progression/{}", f.s2));
    let points = json(&mut p, "/api/gamification/points").await;
    assert_eq!(points["student"]["id"], f.s2, "{points}");
    let badges = p.get("/api/gamification/badges").await;
    assert_eq!(badges.status, StatusCode::OK);
    let board = json(&mut p, "/api/gamification/classement").await;
    assert_eq!(board["scope"]["scope"], "classe", "{board}");
    assert_eq!(board["scope"]["id"], f.class_b, "Sena's class: {board}");
    // Twins born the same day: the first name decides, the same everywhere.
    sqlx::query("UPDATE students SET birth_date = $1 WHERE id = $2")
        .bind(chrono::NaiveDate::from_ymd_opt(2014, 3, 14).unwrap())
        .bind(f.s2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let home = p.get("/parent").await;
    assert!(home.body.contains(&format!(
        "aria-current=\"page\" data-testid=\"child-{}\"",
        f.s1
    )));
    assert_eq!(
        p.get("/progression").await.location(),
        format!("/progression/{}", f.s1)
    );
    let points = json(&mut p, "/api/gamification/points").await;
    assert_eq!(points["student"]["id"], f.s1);
    // A student's own pages are about themself.
    let mut s = app.login_as("student").await;
    let points = json(&mut s, "/api/gamification/points").await;
    assert_eq!(points["student"]["id"], f.s1);
}


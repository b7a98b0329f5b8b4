//! Parallel courses: the censeur groups courses, the solver starts their lessons together,
//! and a move carries the group along.

use axum::http::StatusCode;

use crate::helpers::{TestApp, scalar};
use crate::timetable::{generate, seed_inputs};

/// (day, period, duration) of a course's lessons in a version, sorted.
async fn hours(app: &TestApp, id: i64, class: i64, subject: i64) -> Vec<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT day, period, duration FROM timetable_lessons \
         WHERE timetable_id = $1 AND class_id = $2 AND subject_id = $3 ORDER BY day, period",
    )
    .bind(id)
    .bind(class)
    .bind(subject)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn parallel_courses_are_checked_then_taught_at_the_same_hours_and_move_together() {
    let app = TestApp::new().await;
    seed_inputs(&app).await;
    let db = &app.db.pool;
    let (a, b, maths) = (app.f.class_a, app.f.class_b, app.f.maths);
    let french = scalar(db, "SELECT id FROM subjects WHERE code = 'FR'", None).await;
    let mut d = app.login_as("director").await;
    d.get("/admin/emplois-du-temps/donnees").await;
    let url = "/admin/emplois-du-temps/paralleles";
    let (sa, sb, sm, sf) = (
        a.to_string(),
        b.to_string(),
        maths.to_string(),
        french.to_string(),
    );
    // One course is not a group; a class without a subject; one teacher for two courses.
    let r = d
        .post(url, &[("class_1", sa.as_str()), ("subject_1", sm.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("au moins deux cours"), "{}", r.plain());
    let r = d
        .post(
            url,
            &[
                ("class_1", sa.as_str()),
                ("subject_1", sm.as_str()),
                ("class_2", sa.as_str()),
                ("subject_2", sf.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("enseigne deux de ces cours"),
        "{}",
        r.plain()
    );
    let r = d
        .post(
            url,
            &[
                ("class_1", sa.as_str()),
                ("subject_1", sm.as_str()),
                ("class_2", sb.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("choisissez la classe et la matière"));
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM timetable_parallel_groups", None).await,
        0,
        "nothing half-saved"
    );
    // The mathematics of 6e A and 6e B, taught by two teachers, at the same hours.
    let r = d
        .post(
            url,
            &[
                ("class_1", sa.as_str()),
                ("subject_1", sm.as_str()),
                ("class_2", sb.as_str()),
                ("subject_2", sm.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let page = d.get("/admin/emplois-du-temps/donnees").await.plain();
    assert!(
        page.contains("Mathématiques · 6e A ‖ Mathématiques · 6e B"),
        "{page}"
    );
    // Twice is refused: a course is in one group.
    let r = d
        .post(
            url,
            &[
                ("class_1", sa.as_str()),
                ("subject_1", sm.as_str()),
                ("class_2", sb.as_str()),
                ("subject_2", sf.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("fait déjà partie"));

    let id = generate(
        &app,
        &[("name", "Options"), ("seconds", "5"), ("seed", "2")],
    )
    .await;
    let (hard, report): (i64, Option<String>) =
        sqlx::query_as("SELECT cost_hard, report FROM timetables WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(hard, 0, "{report:?}");
    let in_a = hours(&app, id, a, maths).await;
    assert_eq!(in_a.len(), 4, "4 lessons, one of them double");
    assert_eq!(in_a, hours(&app, id, b, maths).await);

    // A single lesson of 6e A's mathematics to an hour where neither class nor teacher has
    // a lesson: 6e B's goes along.
    let (lesson,): (i64,) = sqlx::query_as(
        "SELECT id FROM timetable_lessons WHERE timetable_id = $1 AND class_id = $2 \
         AND subject_id = $3 AND duration = 1 ORDER BY id LIMIT 1",
    )
    .bind(id)
    .bind(a)
    .bind(maths)
    .fetch_one(db)
    .await
    .unwrap();
    let busy: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT day, period, duration FROM timetable_lessons WHERE timetable_id = $1",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .unwrap();
    // Mornings only (periods 0 to 4), and not Wednesday's or Saturday's afternoons.
    let free = (0..6i64)
        .flat_map(|day| (0..5i64).map(move |p| (day, p)))
        .find(|&(day, p)| {
            !busy
                .iter()
                .any(|&(d, q, n)| d == day && q <= p && p < q + n)
        })
        .expect("a free hour");
    d.get(&format!("/admin/emplois-du-temps/{id}")).await;
    let r = d
        .post(
            &format!("/admin/emplois-du-temps/{id}/seances/{lesson}"),
            &[
                ("day", &free.0.to_string()),
                ("period", &free.1.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.plain());
    let in_a = hours(&app, id, a, maths).await;
    assert!(in_a.contains(&(free.0, free.1, 1)));
    assert_eq!(in_a, hours(&app, id, b, maths).await);

    // Removed, the group no longer binds.
    let group = scalar(db, "SELECT MAX(id) FROM timetable_parallel_groups", None).await;
    let r = d.post(&format!("{url}/{group}/suppression"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM timetable_parallel_members", None).await,
        0
    );
}

/// A group of the fixture's two mathematics courses; returns its id.
pub async fn group(app: &TestApp) -> i64 {
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    let id = suku::timetable::repo::insert_parallel(
        &mut tx,
        &[(app.f.class_a, app.f.maths), (app.f.class_b, app.f.maths)],
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

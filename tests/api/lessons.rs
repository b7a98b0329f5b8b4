//! The cahier de textes: a teacher logs lessons and homework in their own classes and
//! subjects only, copies a lesson to their other classes of the level; the class's students
//! and parents see the homework in "à faire"; the director sees which logs are behind.

use axum::http::StatusCode;

use crate::helpers::{TestApp, scalar};

fn log_of(class: i64, subject: i64) -> String {
    format!("/enseignant/classes/{class}/matieres/{subject}/cahier")
}

/// A third class of the level, where teacher A teaches maths too.
pub async fn class_c(app: &TestApp) -> i64 {
    let f = &app.f;
    let (year, level): (i64, i64) =
        sqlx::query_as("SELECT school_year_id, level_id FROM classes WHERE id = $1")
            .bind(f.class_a)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO classes (school_year_id, level_id, grp, name, room, head_teacher_user_id) \
         VALUES ($1, $2, 'C', '6e C', 'Salle 3', NULL) RETURNING id",
    )
    .bind(year)
    .bind(level)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(f.maths)
    .bind(f.teacher_a)
    .execute(&app.db.pool)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn a_lesson_with_homework_reaches_the_class_and_its_parents_only() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let page = t.get(&log_of(f.class_a, f.maths)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Cahier de textes"), "{}", page.body);
    let r = t
        .post(
            &log_of(f.class_a, f.maths),
            &[
                ("held_on", "2026-12-02"),
                ("title", "Les fractions"),
                ("content", "Fractions égales ; simplification."),
                ("instructions", "Exercices 3 à 6 page 41"),
                ("due_on", "2026-12-04"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&log_of(f.class_a, f.maths)).await;
    assert!(page.text().contains("Les fractions"));
    assert!(page.text().contains("Exercices 3 à 6 page 41"));

    // The student of 6e A sees it to do, on the page and on their home.
    let mut s = app.login_as("student").await;
    let todo = s.get("/eleve/a-faire").await;
    assert_eq!(todo.status, StatusCode::OK);
    assert!(
        todo.plain().contains("Exercices 3 à 6 page 41"),
        "{}",
        todo.plain()
    );
    assert!(todo.plain().contains("04/12/2026"));
    assert!(
        todo.plain().contains("Les fractions"),
        "the class's recent log is shown"
    );
    // The dashboard's widget, and the student's record.
    let home = s.get_htmx("/tableau/widgets/todo?role=student").await;
    assert!(home.plain().contains("Exercices 3 à 6 page 41"));
    let home = s.get("/eleve/notes").await;
    assert!(home.plain().contains("Exercices 3 à 6 page 41"));

    // Parent 1 sees it for S1 (6e A), not for S2 (6e B); parent 2 may not open S1's list.
    let mut p1 = app.login_as("parent_1").await;
    let mine = p1.get(&format!("/parent/enfants/{}/a-faire", f.s1)).await;
    assert!(mine.plain().contains("Exercices 3 à 6 page 41"));
    let other_child = p1.get(&format!("/parent/enfants/{}/a-faire", f.s2)).await;
    assert_eq!(other_child.status, StatusCode::OK);
    assert!(!other_child.plain().contains("Exercices 3 à 6"));
    let mut p2 = app.login_as("parent_2").await;
    let refused = p2.get(&format!("/parent/enfants/{}/a-faire", f.s1)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("Exercices 3 à 6"));

    // Homework already due is no longer "to do".
    sqlx::query("UPDATE homework SET given_on = $1, due_on = $1")
        .bind(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    let todo = s.get("/eleve/a-faire").await;
    let list = todo.text();
    let list = list
        .split("card todo")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(!list.contains("Exercices 3 à 6"), "{list}");
    assert!(list.contains("Rien à faire"), "{list}");
}

#[tokio::test]
async fn a_teacher_writes_only_in_the_logs_of_their_classes_and_subjects() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let fields = [("held_on", "2026-12-02"), ("title", "Intrus")];
    // Teacher B teaches maths in 6e B, not in 6e A.
    let mut b = app.login_as("teacher_b").await;
    assert_eq!(
        b.get(&log_of(f.class_a, f.maths)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.post(&log_of(f.class_a, f.maths), &fields).await.status,
        StatusCode::FORBIDDEN
    );
    // Teacher A's lesson, which teacher B may neither edit nor delete.
    let mut a = app.login_as("teacher_a").await;
    let r = a
        .post(
            &log_of(f.class_a, f.maths),
            &[
                ("held_on", "2026-12-02"),
                ("title", "Les angles"),
                // A class teacher A does not teach maths in: the copy is refused silently.
                (&format!("copy_{}", f.class_b), "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let id = scalar(&app.db.pool, "SELECT MAX(id) FROM lessons", None).await;
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM lessons", None).await,
        1
    );
    let edit = format!("/enseignant/cahier/{id}");
    assert_eq!(b.get(&edit).await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.post(&edit, &fields).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.post(&format!("{edit}/suppression"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM lessons", None).await,
        1
    );
    let title: (String,) = sqlx::query_as("SELECT title FROM lessons")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(title.0, "Les angles");
    // Its own teacher edits it, then deletes it with its homework.
    let r = a
        .post(
            &edit,
            &[
                ("held_on", "2026-12-02"),
                ("title", "Les angles (suite)"),
                ("instructions", "Tracer trois angles"),
                ("due_on", "2026-12-07"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM homework", None).await,
        1
    );
    let r = a.post(&format!("{edit}/suppression"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM lessons", None).await,
        0
    );
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM homework", None).await,
        0
    );
}

#[tokio::test]
async fn bad_entries_are_refused_with_a_message_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut a = app.login_as("teacher_a").await;
    let url = log_of(f.class_a, f.maths);
    for (fields, message) in [
        (
            vec![("held_on", "2026-12-02"), ("title", "")],
            "obligatoire",
        ),
        (
            vec![
                ("held_on", "2026-12-02"),
                ("title", "Révisions"),
                ("instructions", "Fiche 2"),
                ("due_on", "2026-11-30"),
            ],
            "avant la séance",
        ),
        (
            vec![
                ("held_on", "2026-12-02"),
                ("title", "Révisions"),
                ("due_on", "2026-12-04"),
            ],
            "Écrivez le travail à faire",
        ),
        (
            vec![
                ("held_on", "2026-12-02"),
                ("title", "Révisions"),
                ("instructions", "Fiche 2"),
            ],
            "pour quand",
        ),
        (
            vec![("held_on", "31/02/2026"), ("title", "Révisions")],
            "31/02/2026",
        ),
    ] {
        let r = a.post(&url, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.plain().contains(message), "{message}: {}", r.plain());
        assert!(
            r.text().contains("Révisions") || fields[1].1.is_empty(),
            "the form keeps what was typed"
        );
    }
    // A file that is no image nor PDF.
    let r = a
        .upload_with(
            &url,
            &[("held_on", "2026-12-02"), ("title", "Révisions")],
            "file",
            "virus.exe",
            b"MZ\x90\0\x03\0\0\0",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("images et les PDF"));
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM lessons", None).await,
        0
    );
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM files", None).await,
        0
    );
}

#[tokio::test]
async fn a_lesson_is_copied_to_sister_classes_with_its_file_which_their_families_open() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let c = class_c(&app).await;
    let mut a = app.login_as("teacher_a").await;
    let page = a.get(&log_of(f.class_a, f.maths)).await;
    assert!(page.text().contains("6e C"), "the sister class is offered");
    assert!(!page.text().contains(&format!("copy_{}", f.class_b)));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR....";
    let copy = format!("copy_{c}");
    let r = a
        .upload_with(
            &log_of(f.class_a, f.maths),
            &[
                ("held_on", "2026-12-02"),
                ("title", "Les décimaux"),
                ("instructions", "Fiche 4"),
                ("due_on", "2026-12-03"),
                (&copy, "1"),
            ],
            "file",
            "fiche.png",
            png,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM lessons", None).await,
        2
    );
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM homework", None).await,
        2
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM files WHERE owner_kind = 'lesson'",
            None
        )
        .await,
        2
    );
    let file_a: (i64,) = sqlx::query_as(
        "SELECT f.id FROM files f JOIN lessons l ON l.id = f.owner_id WHERE f.owner_kind = 'lesson' AND l.class_id = $1",
    )
    .bind(f.class_a)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    // S1's parent opens the file of 6e A's lesson; parent 2 (a child in 6e B) may not.
    let mut p1 = app.login_as("parent_1").await;
    let todo = p1.get(&format!("/parent/enfants/{}/a-faire", f.s1)).await;
    assert!(todo.body.contains(&format!("/fichiers/{}", file_a.0)));
    let got = p1.get(&format!("/fichiers/{}", file_a.0)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.bytes, png);
    let mut p2 = app.login_as("parent_2").await;
    assert_eq!(
        p2.get(&format!("/fichiers/{}", file_a.0)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_director_sees_which_logs_are_behind() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/cahier").await;
    assert_eq!(page.status, StatusCode::OK);
    // Two assignments (maths in 6e A and 6e B), neither ever filled in.
    assert!(
        page.plain().contains("2 cahiers sont en retard"),
        "{}",
        page.plain()
    );
    let mut a = app.login_as("teacher_a").await;
    a.post(
        &log_of(f.class_a, f.maths),
        &[("held_on", "2026-12-01"), ("title", "Les fractions")],
    )
    .await;
    let page = d.get("/admin/cahier").await;
    assert!(
        page.plain().contains("1 cahier est en retard"),
        "{}",
        page.plain()
    );
    assert!(
        page.plain().contains("01/12/2026 (il y a 1 jour)"),
        "{}",
        page.plain()
    );
    // The other administration roles and the teachers do not follow the logs.
    for who in ["bursar", "secretary", "teacher_a"] {
        let mut c = app.login_as(who).await;
        assert_eq!(
            c.get("/admin/cahier").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}

/// A lesson of maths in 6e A by teacher A with homework due on Friday, for the route
/// matrices.
pub async fn lesson(app: &TestApp) -> i64 {
    let f = &app.f;
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let id = suku::lessons::repo::insert(
        &mut tx,
        &suku::lessons::repo::NewLesson {
            class_id: f.class_a,
            subject_id: f.maths,
            teacher_user_id: f.teacher_a,
            held_on: day(2),
            title: "Les fractions".into(),
            content: String::new(),
            homework: Some((day(4), "Exercices de fractions".into())),
        },
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

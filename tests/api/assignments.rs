//! Assignments: a teacher asks for work by a due time with a late policy and a rubric;
//! students hand in text and files (checked), late work follows the policy, the teacher
//! marks with the rubric, the marks reach the gradebook, the class is reminded once, and
//! nobody outside the class sees the work.

use axum::http::StatusCode;

use crate::helpers::{Client, TestApp, scalar};

/// Makes teacher A's course lesson an assignment due `due` ("2026-12-04T18:00").
pub async fn assignment(app: &TestApp, due: &str, policy: &str) -> i64 {
    let c = crate::courses::course(app).await;
    let mut t = app.login_as("teacher_a").await;
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{}/devoir", c.lesson),
            &[
                ("due_at", due),
                ("late_policy", policy),
                ("penalty_per_day", "10"),
                ("accept_text", "1"),
                ("accept_files", "1"),
                ("rubric", "Raisonnement : 8\nCalculs : 8\nPrésentation : 4"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    c.lesson
}

async fn hand_in(s: &mut Client, lesson: i64, text: &str) -> crate::helpers::Res {
    s.post(&format!("/cours/lecons/{lesson}/rendu"), &[("body", text)])
        .await
}

#[tokio::test]
async fn work_is_handed_in_marked_with_the_rubric_and_reaches_the_gradebook() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    // The clock reads Wednesday 2 December 09:00.
    let lesson = assignment(&app, "2026-12-04T18:00", "penalty").await;
    let mut s = app.login_as("student").await;
    let page = s.get(&format!("/cours/lecons/{lesson}")).await;
    assert!(
        page.plain().contains("À rendre avant le"),
        "{}",
        page.plain()
    );
    assert!(page.plain().contains("Pas encore rendu"));
    // It is in the student's "à faire" list, and their parent's.
    assert!(
        s.get("/eleve/a-faire")
            .await
            .plain()
            .contains("Qu’est-ce qu’une fraction")
    );
    let mut p1 = app.login_as("parent_1").await;
    let todo = p1.get(&format!("/parent/enfants/{}/a-faire", f.s1)).await;
    assert!(todo.plain().contains("Devoir en ligne"), "{}", todo.plain());

    // Nothing handed in, a page disguised as a PDF: refused with the reason.
    let r = hand_in(&mut s, lesson, "  ").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Écrivez un texte ou joignez un fichier"));
    let r = s
        .upload_with(
            &format!("/cours/lecons/{lesson}/rendu"),
            &[("body", "ma copie")],
            "file",
            "copie.pdf",
            b"<script>alert(1)</script>",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM assignment_submissions",
            None
        )
        .await,
        0
    );

    // Text and a photo of the copy; once, with one event, on time.
    let r = s
        .upload_with(
            &format!("/cours/lecons/{lesson}/rendu"),
            &[("body", "1/3 + 1/6 = 1/2")],
            "file",
            "copie.jpg",
            &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let r = hand_in(&mut s, lesson, "1/3 + 1/6 = 3/6 = 1/2").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (on_time,): (String,) =
        sqlx::query_as("SELECT payload FROM school_events WHERE kind = 'assignment.submitted'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(on_time.contains("\"on_time\":true"), "{on_time}");
    // Gamification rewards homework on time, once.
    for _ in 0..2 {
        suku::events::dispatch(
            &app.db.pool,
            &suku::gamification::Gamifier::default(),
            500,
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    let (n, reason): (i64, String) = sqlx::query_as(
        "SELECT COUNT(*), MAX(reason) FROM point_awards WHERE rule_code = 'homework_on_time' AND student_id = $1",
    )
    .bind(f.s1)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((n, reason.as_str()), (1, "Qu’est-ce qu’une fraction ?"));
    let sub = scalar(&app.db.pool, "SELECT id FROM assignment_submissions", None).await;
    let file = scalar(
        &app.db.pool,
        "SELECT id FROM files WHERE owner_kind = 'assignment_submission' AND owner_id = $1",
        Some(sub),
    )
    .await;
    // The work and its file: the student, their parent and the teacher; not parent 2.
    assert_eq!(
        p1.get(&format!("/fichiers/{file}")).await.status,
        StatusCode::OK
    );
    let mut p2 = app.login_as("parent_2").await;
    assert_eq!(
        p2.get(&format!("/fichiers/{file}")).await.status,
        StatusCode::FORBIDDEN
    );
    let mut tb = app.login_as("teacher_b").await;
    assert_eq!(
        tb.get(&format!("/enseignant/copies/{sub}")).await.status,
        StatusCode::FORBIDDEN
    );

    // The teacher marks it: a score above a criterion's points is refused.
    let mut t = app.login_as("teacher_a").await;
    let copy = t.get(&format!("/enseignant/copies/{sub}")).await;
    assert!(copy.plain().contains("1/3 + 1/6 = 3/6 = 1/2"));
    let r = t
        .post(
            &format!("/enseignant/copies/{sub}"),
            &[("c0", "9"), ("c1", "8"), ("c2", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Entre 0 et 8 points"));
    let r = t
        .post(
            &format!("/enseignant/copies/{sub}"),
            &[
                ("c0", "6"),
                ("c1", "4"),
                ("c2", "3"),
                ("feedback", "Revoir les calculs."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT mark FROM assignment_submissions WHERE id = $1",
            Some(sub)
        )
        .await,
        1300
    );
    // Marked work no longer changes; the student reads the mark and the feedback.
    let r = hand_in(&mut s, lesson, "autre chose").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let mine = s.get(&format!("/cours/lecons/{lesson}/rendu")).await;
    assert!(mine.plain().contains("noté 13,00/20"), "{}", mine.plain());
    assert!(mine.plain().contains("Revoir les calculs."));
    // To the gradebook.
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{lesson}/devoir/carnet"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (points,): (i64,) = sqlx::query_as(
        "SELECT m.points FROM marks m JOIN course_assignments a ON a.evaluation_id = m.evaluation_id \
         WHERE m.student_id = $1",
    )
    .bind(f.s1)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(points, 1300);
}

#[tokio::test]
async fn late_work_follows_the_policy() {
    let app = TestApp::new().await;
    // Due yesterday evening: refused under "refuse".
    let lesson = assignment(&app, "2026-12-01T18:00", "refuse").await;
    let mut s = app.login_as("student").await;
    let r = hand_in(&mut s, lesson, "trop tard").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("n’accepte plus de travail"),
        "{}",
        r.plain()
    );
    // Under "penalty", one day late costs 10 %.
    let mut t = app.login_as("teacher_a").await;
    t.post(
        &format!("/enseignant/cours/lecons/{lesson}/devoir"),
        &[
            ("due_at", "2026-12-01T18:00"),
            ("late_policy", "penalty"),
            ("penalty_per_day", "10"),
            ("accept_text", "1"),
            ("rubric", ""),
        ],
    )
    .await;
    let r = hand_in(&mut s, lesson, "en retard").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let sub = scalar(&app.db.pool, "SELECT id FROM assignment_submissions", None).await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT late_days FROM assignment_submissions WHERE id = $1",
            Some(sub)
        )
        .await,
        1
    );
    t.post(&format!("/enseignant/copies/{sub}"), &[("c0", "20")])
        .await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT mark FROM assignment_submissions WHERE id = $1",
            Some(sub)
        )
        .await,
        1800
    );
    // Files only, when text is not taken.
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{lesson}/devoir"),
            &[
                ("due_at", "2026-12-09T18:00"),
                ("late_policy", "accept"),
                ("rubric", "Note"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Un critère par ligne"));
    assert!(
        r.plain()
            .contains("Acceptez au moins un texte ou des fichiers")
    );
}

#[tokio::test]
async fn the_class_is_reminded_once_the_day_before() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let lesson = assignment(&app, "2026-12-03T08:00", "accept").await;
    // S2 of 6e B is not in the class; S1 (a login) and parent 1 are told once.
    let n = suku::courses::assignment::remind::remind(&app.state)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        suku::courses::assignment::remind::remind(&app.state)
            .await
            .unwrap(),
        0
    );
    suku::events::dispatch(
        &app.db.pool,
        &suku::notifications::Notifier::new(&app.state),
        500,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let told: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM notifications WHERE text_key = 'notif-assignment-due' ORDER BY user_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let told: Vec<i64> = told.into_iter().map(|t| t.0).collect();
    assert!(told.contains(&f.student_user), "{told:?}");
    assert!(told.contains(&f.parent_1), "{told:?}");
    assert!(!told.contains(&f.parent_2), "{told:?}");
    // Who handed in is not reminded of the next one.
    let mut s = app.login_as("student").await;
    hand_in(&mut s, lesson, "fait").await;
    let audience =
        suku::courses::assignment::repo::reminder_audience(&app.db.pool, lesson, f.class_a)
            .await
            .unwrap();
    assert!(audience.is_empty(), "{audience:?}");
}

/// An assignment due Friday and S1's work handed in, for the route matrices: (lesson,
/// submission).
pub async fn submission(app: &TestApp) -> (i64, i64) {
    let lesson = assignment(app, "2026-12-04T18:00", "penalty").await;
    let mut s = app.login_as("student").await;
    let r = hand_in(&mut s, lesson, "1/3 + 1/6 = 1/2").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let sub = scalar(
        &app.db.pool,
        "SELECT id FROM assignment_submissions WHERE lesson_id = $1",
        Some(lesson),
    )
    .await;
    (lesson, sub)
}

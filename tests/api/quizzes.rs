//! Quizzes: a teacher writes questions of every kind in the subject's bank, makes a lesson a
//! quiz; students take it within its time limit and attempts; short answers are reviewed;
//! the best marks reach the gradebook; parents see the results, nobody else does.

use axum::http::StatusCode;

use crate::helpers::{Client, TestApp, scalar};

/// Writes a question in the maths bank; its id.
async fn question(app: &TestApp, t: &mut Client, fields: &[(&str, &str)]) -> i64 {
    let r = t
        .post(&format!("/enseignant/questions/{}", app.f.maths), fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    scalar(&app.db.pool, "SELECT MAX(id) FROM quiz_questions", None).await
}

/// A quiz of every kind of question in teacher A's course lesson: (lesson, question ids).
pub async fn quiz(app: &TestApp, limit: &str, attempts: &str) -> (i64, Vec<i64>) {
    let c = crate::courses::course(app).await;
    let mut t = app.login_as("teacher_a").await;
    let qs = vec![
        question(
            app,
            &mut t,
            &[
                ("kind", "single"),
                ("prompt", "Combien font 2 + 2 ?"),
                ("lines", "3\n*4 | Bravo\n5"),
            ],
        )
        .await,
        question(
            app,
            &mut t,
            &[
                ("kind", "multiple"),
                ("prompt", "Quels nombres sont pairs ?"),
                ("lines", "*2\n*4\n7"),
                ("points", "2"),
            ],
        )
        .await,
        question(
            app,
            &mut t,
            &[
                ("kind", "true_false"),
                ("prompt", "1/2 = 0,5"),
                ("answer", "true"),
            ],
        )
        .await,
        question(
            app,
            &mut t,
            &[
                ("kind", "short"),
                ("prompt", "Capitale du Togo ?"),
                ("lines", "Lomé"),
            ],
        )
        .await,
        question(
            app,
            &mut t,
            &[
                ("kind", "numeric"),
                ("prompt", "Valeur de π à 0,01 près"),
                ("value", "3,14"),
                ("tolerance", "0,01"),
            ],
        )
        .await,
        question(
            app,
            &mut t,
            &[
                ("kind", "matching"),
                ("prompt", "Pays et capitales"),
                ("lines", "Togo = Lomé\nBénin = Porto-Novo"),
            ],
        )
        .await,
        question(
            app,
            &mut t,
            &[
                ("kind", "ordering"),
                ("prompt", "Du plus petit au plus grand"),
                ("lines", "1/4\n1/2\n3/4"),
            ],
        )
        .await,
    ];
    let base = format!("/enseignant/cours/lecons/{}/quiz", c.lesson);
    let r = t
        .post(&base, &[("time_limit", limit), ("attempts", attempts)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let ids: Vec<String> = qs.iter().map(|q| q.to_string()).collect();
    let fields: Vec<(&str, &str)> = ids.iter().map(|i| ("question", i.as_str())).collect();
    let r = t.post(&format!("{base}/questions"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    (c.lesson, qs)
}

/// Starts an attempt as the student; its id.
async fn start(s: &mut Client, lesson: i64) -> i64 {
    let r = s
        .post(&format!("/cours/lecons/{lesson}/tentatives"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn bad_questions_are_refused_with_their_reason() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let path = format!("/enseignant/questions/{}", app.f.maths);
    for (fields, reason) in [
        (
            vec![("kind", "single"), ("prompt", "?"), ("lines", "a\nb")],
            "exactement une bonne réponse",
        ),
        (
            vec![("kind", "single"), ("prompt", "?"), ("lines", "*a")],
            "de 2 à 12 choix",
        ),
        (
            vec![("kind", "multiple"), ("prompt", "?"), ("lines", "a\nb")],
            "au moins une bonne réponse",
        ),
        (
            vec![("kind", "numeric"), ("prompt", "?"), ("value", "trois")],
            "Écrivez un nombre",
        ),
        (
            vec![("kind", "matching"), ("prompt", "?"), ("lines", "a = b\nc")],
            "paires",
        ),
        (
            vec![("kind", "short"), ("prompt", " "), ("lines", "x")],
            "obligatoire",
        ),
        (
            vec![
                ("kind", "ordering"),
                ("prompt", "?"),
                ("lines", "a"),
                ("points", "0"),
            ],
            "Entre 1 et 100 points",
        ),
        (
            vec![("kind", "essay"), ("prompt", "?")],
            "Type de question inconnu",
        ),
    ] {
        let r = t.post(&path, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.plain().contains(reason), "{reason}: {}", r.plain());
    }
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM quiz_questions", None).await,
        0
    );
    // Teacher A teaches no English: that bank is not theirs.
    let (english,): (i64,) =
        sqlx::query_as("INSERT INTO subjects (code, name) VALUES ('ANG', 'Anglais') RETURNING id")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let r = t.get(&format!("/enseignant/questions/{english}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_quiz_is_graded_reviewed_and_reaches_the_gradebook() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let (lesson, q) = quiz(&app, "", "2").await;
    let mut s = app.login_as("student").await;
    let page = s.get(&format!("/cours/lecons/{lesson}")).await;
    assert!(page.plain().contains("7 questions"), "{}", page.plain());
    let a = start(&mut s, lesson).await;
    let form = s.get(&format!("/cours/tentatives/{a}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.plain().contains("Capitale du Togo"));
    // Single right (1), multiple half (1 of 2), true/false right (1), short unforeseen
    // (0, to review), numeric right (1), matching half (0.5), ordering all right (1).
    let (q0, q1, q2, q3, q4, q5, q6) = (q[0], q[1], q[2], q[3], q[4], q[5], q[6]);
    let keys: Vec<String> = vec![
        format!("q{q0}"),
        format!("q{q1}"),
        format!("q{q2}"),
        format!("q{q3}"),
        format!("q{q4}"),
        format!("q{q5}_0"),
        format!("q{q5}_1"),
        format!("q{q6}_0"),
        format!("q{q6}_1"),
        format!("q{q6}_2"),
    ];
    let answers = [
        (keys[0].as_str(), "1"),
        (keys[1].as_str(), "0"),
        (keys[2].as_str(), "1"),
        (keys[3].as_str(), "Lome-ville"),
        (keys[4].as_str(), "3,141"),
        (keys[5].as_str(), "0"),
        (keys[6].as_str(), "0"),
        (keys[7].as_str(), "1"),
        (keys[8].as_str(), "2"),
        (keys[9].as_str(), "3"),
    ];
    let saved = s
        .post(&format!("/cours/tentatives/{a}/sauvegarde"), &answers)
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.body.contains("Réponses enregistrées"));
    let r = s.post(&format!("/cours/tentatives/{a}"), &answers).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (score, max, review): (i64, i64, i64) =
        sqlx::query_as("SELECT score, max_score, to_review FROM quiz_attempts WHERE id = $1")
            .bind(a)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((score, max, review), (550, 800, 1));
    let result = s.get(&format!("/cours/tentatives/{a}")).await;
    assert!(
        result.plain().contains("5,5 / 8 (13,75/20)"),
        "{}",
        result.plain()
    );
    assert!(
        result.plain().contains("Bravo"),
        "a chosen answer's comment is shown"
    );
    // Submitting again changes nothing; the lesson is completed once.
    s.post(
        &format!("/cours/tentatives/{a}"),
        &[(keys[3].as_str(), "Lomé")],
    )
    .await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT score FROM quiz_attempts WHERE id = $1",
            Some(a)
        )
        .await,
        550
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM school_events WHERE kind = 'course.lesson_completed'",
            None
        )
        .await,
        1
    );

    // Parent 1 sees S1's results; parent 2 and teacher B see nothing.
    let mut p1 = app.login_as("parent_1").await;
    assert_eq!(
        p1.get(&format!("/cours/tentatives/{a}")).await.status,
        StatusCode::OK
    );
    for who in ["parent_2", "teacher_b"] {
        let mut c = app.login_as(who).await;
        let r = c.get(&format!("/cours/tentatives/{a}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert!(!r.body.contains("Capitale"), "{who}");
    }

    // The gradebook waits for the review; the teacher gives the short answer full marks.
    let mut t = app.login_as("teacher_a").await;
    let base = format!("/enseignant/cours/lecons/{lesson}/quiz");
    let r = t.post(&format!("{base}/carnet"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = t
        .post(
            &format!("/cours/tentatives/{a}/revue"),
            &[(&format!("p{q3}"), "100")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT score FROM quiz_attempts WHERE id = $1",
            Some(a)
        )
        .await,
        650
    );
    let r = t.post(&format!("{base}/carnet"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let eval = scalar(
        &app.db.pool,
        "SELECT evaluation_id FROM course_quizzes WHERE lesson_id = $1",
        Some(lesson),
    )
    .await;
    let (points,): (i64,) =
        sqlx::query_as("SELECT points FROM marks WHERE evaluation_id = $1 AND student_id = $2")
            .bind(eval)
            .bind(f.s1)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    // 6,5 / 8 is 16,25 / 20.
    assert_eq!(points, 1625);
    // A better second attempt updates the same evaluation; a third is refused.
    let a2 = start(&mut s, lesson).await;
    let perfect = [
        (keys[0].as_str(), "1"),
        (keys[1].as_str(), "0"),
        (keys[1].as_str(), "1"),
        (keys[2].as_str(), "1"),
        (keys[3].as_str(), "lomé."),
        (keys[4].as_str(), "3.14"),
        (keys[5].as_str(), "0"),
        (keys[6].as_str(), "1"),
        (keys[7].as_str(), "1"),
        (keys[8].as_str(), "2"),
        (keys[9].as_str(), "3"),
    ];
    s.post(&format!("/cours/tentatives/{a2}"), &perfect).await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT score FROM quiz_attempts WHERE id = $1",
            Some(a2)
        )
        .await,
        800
    );
    t.post(&format!("{base}/carnet"), &[]).await;
    let (points,): (i64,) =
        sqlx::query_as("SELECT points FROM marks WHERE evaluation_id = $1 AND student_id = $2")
            .bind(eval)
            .bind(f.s1)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(points, 2000);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM evaluations", None).await,
        1
    );
    let r = s
        .post(&format!("/cours/lecons/{lesson}/tentatives"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_time_limit_is_enforced_by_the_server() {
    let app = TestApp::new().await;
    let (lesson, q) = quiz(&app, "10", "1").await;
    let mut s = app.login_as("student").await;
    let a = start(&mut s, lesson).await;
    let key = format!("q{}", q[0]);
    // Saved in time: the right answer.
    app.state.clock.advance(chrono::Duration::minutes(9));
    let r = s
        .post(&format!("/cours/tentatives/{a}/sauvegarde"), &[(&key, "1")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Too late: neither a save nor the answers of the final submission count.
    app.state.clock.advance(chrono::Duration::minutes(2));
    let r = s
        .post(&format!("/cours/tentatives/{a}/sauvegarde"), &[(&key, "0")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = s
        .post(
            &format!("/cours/tentatives/{a}"),
            &[(&key, "0"), (&format!("q{}", q[2]), "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Only the saved answer (1 point of 8) counts.
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT score FROM quiz_attempts WHERE id = $1",
            Some(a)
        )
        .await,
        100
    );
    // An attempt left open closes by itself when looked at after the limit.
    let app2 = TestApp::new().await;
    let (lesson2, _) = quiz(&app2, "5", "1").await;
    let mut s2 = app2.login_as("student").await;
    let a2 = start(&mut s2, lesson2).await;
    app2.state.clock.advance(chrono::Duration::minutes(6));
    let page = s2.get(&format!("/cours/tentatives/{a2}")).await;
    assert!(page.plain().contains("0 / 8"), "{}", page.plain());
    assert!(
        scalar(
            &app2.db.pool,
            "SELECT COUNT(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL",
            None
        )
        .await
            == 1
    );
}

/// A quiz (five attempts allowed) and S1's attempt under way, for the route matrices:
/// (lesson, attempt, a question of it).
pub async fn attempt(app: &TestApp) -> (i64, i64, i64) {
    let (lesson, q) = quiz(app, "", "5").await;
    let mut s = app.login_as("student").await;
    (lesson, start(&mut s, lesson).await, q[0])
}

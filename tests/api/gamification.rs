//! Gamification: rules applied to school events (once, with caps, withdrawn when a mark is
//! corrected), weekly checks, awards by hand and their reversal, boards with ties and
//! hidden names, challenges measured from the records and settled once, and the JSON API
//! per role.

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::Value;
use suku::gamification::Gamifier;
use suku::gamification::challenges::ChallengeState;

use crate::helpers::{Client, TestApp, evaluation, scalar, set_mark};

async fn dispatch(app: &TestApp) -> usize {
    suku::events::dispatch(
        &app.db.pool,
        &Gamifier::default(),
        500,
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn points_of(app: &TestApp, student: i64) -> i64 {
    suku::gamification::total_points(&app.db.pool, student)
        .await
        .unwrap()
}

async fn active_awards(app: &TestApp, rule: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM point_awards WHERE rule_code = $1 AND revoked_at IS NULL",
    )
    .bind(rule)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    n
}

async fn has_badge(app: &TestApp, code: &str, student: i64) -> bool {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM badge_awards ba JOIN badges b ON b.id = ba.badge_id \
         WHERE b.code = $1 AND ba.student_id = $2 AND ba.revoked_at IS NULL",
    )
    .bind(code)
    .bind(student)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    n == 1
}

#[tokio::test]
async fn marks_earn_points_once_within_the_daily_cap_and_corrections_follow() {
    let app = TestApp::new().await;
    suku::events::subscribe_from_now(&app.db.pool, "gamification")
        .await
        .unwrap();
    let s1 = app.f.s1;
    let mut t = app.login_as("teacher_a").await;
    let e1 = evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-16").await;
    set_mark(&mut t, e1, s1, "17").await;
    assert!(dispatch(&app).await >= 1);
    assert_eq!(points_of(&app, s1).await, 10);
    // A replayed event awards nothing twice.
    sqlx::query("DELETE FROM event_deliveries WHERE subscriber = 'gamification'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE event_cursors SET watermark = 0 WHERE subscriber = 'gamification'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(dispatch(&app).await >= 1);
    assert_eq!(points_of(&app, s1).await, 10, "replay awarded again");
    // Below the threshold: nothing; corrected below it: withdrawn; corrected back: given back.
    set_mark(&mut t, e1, s1, "12").await;
    dispatch(&app).await;
    assert_eq!(points_of(&app, s1).await, 0);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM point_awards WHERE revoke_reason = 'mark-corrected'",
            None
        )
        .await,
        1,
        "the withdrawn award stays in the log"
    );
    set_mark(&mut t, e1, s1, "18").await;
    dispatch(&app).await;
    assert_eq!(points_of(&app, s1).await, 10);
    assert_eq!(active_awards(&app, "mark_high").await, 1);
    // The daily cap (3 by default) holds however many good marks come the same day.
    for _ in 0..3 {
        let e = evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-17").await;
        set_mark(&mut t, e, s1, "16").await;
    }
    dispatch(&app).await;
    assert_eq!(active_awards(&app, "mark_high").await, 3);
    assert_eq!(points_of(&app, s1).await, 30);
    assert!(!has_badge(&app, "first_perfect", s1).await);
    // A first 20/20 earns its badge, once.
    let e = evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-18").await;
    set_mark(&mut t, e, s1, "20").await;
    dispatch(&app).await;
    assert!(has_badge(&app, "first_perfect", s1).await);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM badge_awards", None).await,
        1
    );
    // The administration can withdraw a badge; the rules never give it back by themselves.
    let (badge,): (i64,) = sqlx::query_as("SELECT id FROM badges WHERE code = 'first_perfect'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let path = format!("/badges/{badge}/eleves/{s1}/annulation");
    assert_eq!(t.post(&path, &[]).await.status, StatusCode::FORBIDDEN);
    let mut director = app.login_as("director").await;
    assert_eq!(
        director.post(&path, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(!has_badge(&app, "first_perfect", s1).await);
    let e = evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-18").await;
    set_mark(&mut t, e, s1, "20").await;
    dispatch(&app).await;
    assert!(!has_badge(&app, "first_perfect", s1).await);
    assert_eq!(
        director
            .post(
                &format!("/badges/{badge}/eleves/{}/annulation", app.f.s3),
                &[]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The administration raises the threshold: a 17 no longer counts.
    let mut dir = app.login_as("director").await;
    let bad = dir
        .post(
            "/admin/gamification/regles",
            &[
                ("mark_high_points", "10"),
                ("mark_high_cap", "0"),
                ("mark_high_threshold", "25"),
                ("mark_high_enabled", "1"),
                ("average_up_points", "15"),
                ("average_up_cap", "1"),
                ("average_up_threshold", "2"),
                ("average_up_enabled", "1"),
                ("perfect_week_points", "5"),
                ("perfect_week_cap", "1"),
                ("perfect_week_enabled", "1"),
                ("homework_on_time_points", "5"),
                ("homework_on_time_cap", "3"),
                ("homework_on_time_enabled", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.plain().contains("Un seuil sur 20"), "{}", bad.plain());
    let ok = dir
        .post(
            "/admin/gamification/regles",
            &[
                ("mark_high_points", "10"),
                ("mark_high_cap", "0"),
                ("mark_high_threshold", "18,5"),
                ("mark_high_enabled", "1"),
                ("average_up_points", "15"),
                ("average_up_cap", "1"),
                ("average_up_threshold", "2"),
                ("average_up_enabled", "1"),
                ("perfect_week_points", "5"),
                ("perfect_week_cap", "1"),
                ("perfect_week_enabled", "1"),
                ("homework_on_time_points", "5"),
                ("homework_on_time_cap", "3"),
                ("homework_on_time_enabled", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.plain());
    let before = points_of(&app, s1).await;
    let e = evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-19").await;
    set_mark(&mut t, e, s1, "17").await;
    dispatch(&app).await;
    assert_eq!(points_of(&app, s1).await, before);
}

#[tokio::test]
async fn a_rising_average_and_a_full_week_earn_points_and_a_late_absence_takes_the_week_back() {
    let app = TestApp::new().await;
    suku::events::subscribe_from_now(&app.db.pool, "gamification")
        .await
        .unwrap();
    let (s1, s2, s3) = (app.f.s1, app.f.s2, app.f.s3);
    let mut t = app.login_as("teacher_a").await;
    let e1 = evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-16").await;
    set_mark(&mut t, e1, s1, "9").await;
    let e2 = evaluation(&app, &mut t, app.f.class_a, 2, "2027-01-11").await;
    set_mark(&mut t, e2, s1, "11,5").await;
    dispatch(&app).await;
    assert_eq!(
        active_awards(&app, "average_up").await,
        1,
        "9 → 11,5 is +2,5"
    );
    let reason: (String,) =
        sqlx::query_as("SELECT reason FROM point_awards WHERE rule_code = 'average_up'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(reason.0.contains("9,00 → 11,50"), "{}", reason.0);
    // Once per subject and period.
    let e3 = evaluation(&app, &mut t, app.f.class_a, 2, "2027-01-12").await;
    set_mark(&mut t, e3, s1, "14").await;
    dispatch(&app).await;
    assert_eq!(active_awards(&app, "average_up").await, 1);

    // Roll calls in the week of 16 November: S3 absent once.
    let roll = |class: i64, day: NaiveDate| {
        let pool = app.db.pool.clone();
        let teacher = app.f.teacher_a;
        let now = app.state.clock.now();
        async move {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO roll_calls (class_id, held_on, starts_at, minutes, taken_by, taken_at) \
                 VALUES ($1, $2, '08:00', 60, $3, $4) RETURNING id",
            )
            .bind(class)
            .bind(day)
            .bind(teacher)
            .bind(now)
            .fetch_one(&pool)
            .await
            .unwrap();
            id
        }
    };
    roll(app.f.class_a, d(2026, 11, 17)).await;
    let rb = roll(app.f.class_b, d(2026, 11, 18)).await;
    sqlx::query("INSERT INTO absences (roll_call_id, student_id, kind, minutes) VALUES ($1, $2, 'absence', 60)")
        .bind(rb)
        .bind(s3)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let today = d(2026, 11, 25);
    suku::gamification::sweep(&app.state, today).await.unwrap();
    suku::gamification::sweep(&app.state, today).await.unwrap();
    assert_eq!(
        active_awards(&app, "perfect_week").await,
        2,
        "S1 and S2, once each"
    );
    let week_of = |s: i64| {
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM point_awards WHERE rule_code = 'perfect_week' AND student_id = $1 AND revoked_at IS NULL",
            )
            .bind(s)
            .fetch_one(&pool)
            .await
            .unwrap();
            n
        }
    };
    assert_eq!(
        (week_of(s1).await, week_of(s2).await, week_of(s3).await),
        (1, 1, 0)
    );
    // An absence of that week entered afterwards takes S1's week back.
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    suku::events::publish(
        &mut *tx,
        &suku::events::SchoolEvent::AbsenceRecorded(suku::events::AbsenceRecorded {
            absence_id: 0,
            student_id: s1,
            class_id: app.f.class_a,
            kind: suku::events::AbsenceKind::Absence,
            minutes: 55,
            held_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 19).unwrap(),
        }),
        None,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    dispatch(&app).await;
    assert_eq!(week_of(s1).await, 0);
}

#[tokio::test]
async fn a_teacher_awards_by_hand_and_the_administration_reverses() {
    let app = TestApp::new().await;
    let (s1, s3) = (app.f.s1, app.f.s3);
    let pool = &app.db.pool;
    let behaviour = |label: &'static str| async move {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM behaviours WHERE label = $1")
            .bind(label)
            .fetch_one(pool)
            .await
            .unwrap();
        id.to_string()
    };
    let help = behaviour("Entraide").await;
    let chat = behaviour("Bavardage").await;
    let mut t = app.login_as("teacher_a").await;
    let path = format!("/points/classe/{}", app.f.class_a);
    let page = t.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.plain().contains("AGBODJAN Elom"));
    // Nobody ticked: a clear message, nothing written.
    let r = t.post(&path, &[("behaviour", &help)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Cochez au moins un élève"));
    // A student of another class slipped into the form: refused, nothing written.
    let r = t
        .post(
            &path,
            &[
                ("student", &s1.to_string()),
                ("student", &s3.to_string()),
                ("behaviour", &help),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM point_awards", None).await,
        0
    );
    let r = t
        .post(
            &path,
            &[
                ("student", &s1.to_string()),
                ("behaviour", &help),
                ("comment", "Aide Kossi en calcul"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let r = t
        .post(&path, &[("student", &s1.to_string()), ("behaviour", &chat)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // "À améliorer" points are counted apart.
    assert_eq!(points_of(&app, s1).await, 3);
    let page = t.get(&format!("/progression/{s1}")).await;
    assert!(
        page.plain().contains("Aide Kossi en calcul"),
        "{}",
        page.plain()
    );
    assert!(page.plain().contains("Bavardage"));
    // Another class's teacher may not award here.
    let mut tb = app.login_as("teacher_b").await;
    assert_eq!(
        tb.post(&path, &[("student", &s1.to_string()), ("behaviour", &help)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(tb.get(&path).await.status, StatusCode::FORBIDDEN);
    // The director reverses the award; the log keeps it; a second click is harmless.
    let (award,): (i64,) = sqlx::query_as("SELECT id FROM point_awards WHERE positive = TRUE")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        t.post(
            &format!("/points/{award}/annulation"),
            &[("reason", "erreur")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "teachers do not reverse"
    );
    let mut dir = app.login_as("director").await;
    let r = dir
        .post(
            &format!("/points/{award}/annulation"),
            &[("reason", "Erreur de saisie")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(points_of(&app, s1).await, 0);
    let r = dir
        .post(
            &format!("/points/{award}/annulation"),
            &[("reason", "encore")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = dir.get(&format!("/progression/{s1}")).await;
    assert!(
        page.plain().contains("Erreur de saisie"),
        "{}",
        page.plain()
    );
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM point_awards", None).await,
        2,
        "nothing deleted"
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'point_award' AND action = 'revoke'",
            None
        )
        .await,
        1
    );
    assert_eq!(
        dir.post("/points/999999/annulation", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

/// Gives `points` by hand to a student (as the director).
async fn give(app: &TestApp, student: i64, points: i64) {
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    suku::gamification::award(
        &mut tx,
        &suku::gamification::Award {
            student_id: student,
            points,
            positive: true,
            reason: "test".into(),
            awarded_by: Some(app.f.director),
            awarded_on: app.state.clock.today(),
            ..Default::default()
        },
        app.state.clock.now(),
    )
    .await
    .unwrap()
    .expect("awarded");
    tx.commit().await.unwrap();
}

async fn api(c: &mut Client, path: &str) -> (StatusCode, Value) {
    let r = c.get(path).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

#[tokio::test]
async fn boards_rank_ties_as_ties_and_hide_names_from_other_students_only() {
    let app = TestApp::new().await;
    let (s1, s2, s3) = (app.f.s1, app.f.s2, app.f.s3);
    give(&app, s1, 30).await;
    give(&app, s2, 12).await;
    give(&app, s3, 12).await;
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    // An "à améliorer" note never counts on a board.
    suku::gamification::award(
        &mut tx,
        &suku::gamification::Award {
            student_id: s2,
            points: 50,
            positive: false,
            awarded_on: app.state.clock.today(),
            ..Default::default()
        },
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // S3 hides their name (through their parent).
    let mut p2 = app.login_as("parent_2").await;
    let r = p2
        .post(
            &format!("/progression/{s3}/confidentialite"),
            &[("hide", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let url = "/api/gamification/classement?type=points&scope=ecole&periode=semaine";
    let mut student = app.login_as("student").await;
    let (st, b) = api(&mut student, url).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let e = b["entries"].as_array().unwrap();
    assert_eq!(e.len(), 3);
    assert_eq!(
        (e[0]["rank"].as_i64(), e[0]["value"].as_i64()),
        (Some(1), Some(30))
    );
    assert_eq!(e[0]["mine"], Value::Bool(true));
    assert_eq!(
        (e[1]["rank"].as_i64(), e[1]["tied"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(
        (e[2]["rank"].as_i64(), e[2]["tied"].as_bool()),
        (Some(2), Some(true))
    );
    let names: Vec<&str> = e.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Élève anonyme"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("Yawo")), "{names:?}");
    assert!(e.iter().all(|x| x["student_id"] != s3));
    // The family and the class's teacher see the real name; another teacher does not.
    for (who, sees) in [
        ("parent_2", true),
        ("teacher_b", true),
        ("director", true),
        ("teacher_a", false),
        ("parent_1", false),
    ] {
        let mut c = app.login_as(who).await;
        let (_, b) = api(&mut c, url).await;
        let text = b.to_string();
        assert_eq!(text.contains("FIADJOE Yawo"), sees, "{who}: {text}");
    }
    // A long board is cut to its top, with one's own line always there.
    let mut p2 = app.login_as("parent_2").await;
    let (_, b) = api(&mut p2, &format!("{url}&limite=1")).await;
    assert_eq!(b["total"], 3);
    let e = b["entries"].as_array().unwrap();
    assert_eq!(e.len(), 2, "{b}");
    assert_eq!(
        (e[0]["rank"].as_i64(), e[1]["mine"].as_bool()),
        (Some(1), Some(true))
    );
    // The HTML board says the same.
    let page = student
        .get("/classements?type=points&scope=ecole&periode=semaine")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.plain().contains("Élève anonyme"));
    assert!(page.plain().contains("ex æquo"), "{}", page.plain());
    // Badges board, and progress board (no marks: nobody ranked).
    let (st, b) = api(
        &mut student,
        "/api/gamification/classement?type=badges&scope=ecole",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(b["entries"].as_array().unwrap().len(), 3);
    let (st, b) = api(
        &mut student,
        "/api/gamification/classement?type=progres&scope=ecole&periode=trimestre",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(b["entries"].as_array().unwrap().is_empty());
    // Bad values are a 400 in words; another class's board is refused.
    let (st, b) = api(&mut student, "/api/gamification/classement?type=notes").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("Type de classement inconnu")
    );
    let (st, _) = api(
        &mut student,
        &format!(
            "/api/gamification/classement?scope=classe&classe={}",
            app.f.class_b
        ),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(
        student
            .get(&format!(
                "/classements?scope=classe&classe={}",
                app.f.class_b
            ))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (st, b) = api(&mut app.client(), url).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{b}");
}

#[tokio::test]
async fn the_points_api_follows_each_roles_rights() {
    let app = TestApp::new().await;
    let (s1, s2, s3) = (app.f.s1, app.f.s2, app.f.s3);
    give(&app, s1, 120).await;
    // (role, student asked, allowed)
    let cases = [
        ("student", s1, true),
        ("student", s2, false),
        ("parent_1", s1, true),
        ("parent_1", s2, true),
        ("parent_1", s3, false),
        ("parent_2", s3, true),
        ("parent_2", s1, false),
        ("teacher_a", s1, true),
        ("teacher_a", s3, false),
        ("teacher_b", s3, true),
        ("director", s3, true),
        ("bursar", s1, true),
        ("secretary", s2, true),
    ];
    for (role, student, allowed) in cases {
        let mut c = app.login_as(role).await;
        for path in [
            format!("/api/gamification/points?eleve={student}"),
            format!("/api/gamification/badges?eleve={student}"),
            format!("/progression/{student}"),
        ] {
            let r = c.get(&path).await;
            let want = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{role} {path}");
        }
    }
    let mut st = app.login_as("student").await;
    let (code, p) = api(&mut st, "/api/gamification/points").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(p["points"], 120);
    assert_eq!(p["level"]["rank"], 2);
    assert_eq!(p["level"]["next_min"], 150);
    assert_eq!(p["badges"][0]["code"], "points_100", "{p}");
    assert_eq!(p["class_rank"]["rank"], 1);
    let (code, b) = api(&mut st, "/api/gamification/badges").await;
    assert_eq!(code, StatusCode::OK);
    let earned: Vec<&Value> = b["badges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["earned"] == true)
        .collect();
    assert_eq!(earned.len(), 1);
    assert!(b["badges"][0]["how"].as_str().unwrap().len() > 5);
    // Ids typed by hand.
    for bad in ["abc", "-1", "999999"] {
        let (code, _) = api(&mut st, &format!("/api/gamification/points?eleve={bad}")).await;
        assert!(
            code == StatusCode::BAD_REQUEST || code == StatusCode::NOT_FOUND,
            "{bad}: {code}"
        );
    }
    let mut t = app.login_as("teacher_a").await;
    let (code, b) = api(&mut t, "/api/gamification/points").await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert!(b["message"].as_str().unwrap().contains("Précisez l’élève"));
    let (code, _) = api(&mut app.client(), "/api/gamification/defis").await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
}

async fn post_form(c: &mut Client, f: Vec<(&'static str, String)>) -> crate::helpers::Res {
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post("/defis", &fields).await
}

#[tokio::test]
async fn a_challenge_is_measured_from_the_records_and_settled_once() {
    let app = TestApp::new().await;
    let (s2, s3) = (app.f.s2, app.f.s3);
    let pool = &app.db.pool;
    let today = app.state.clock.today();
    let start = today - chrono::Days::new(3);
    let end = today + chrono::Days::new(3);
    let mut tb = app.login_as("teacher_b").await;
    let class_b = app.f.class_b.to_string();
    let form = |who: &'static str, target: &'static str, starts: String, ends: String| {
        vec![
            ("class_id", class_b.clone()),
            ("title", "Classe assidue".to_string()),
            ("who", who.to_string()),
            ("teams", "2".to_string()),
            ("metric", "attendance".to_string()),
            ("target", target.to_string()),
            ("starts_on", starts),
            ("ends_on", ends),
            ("reward_points", "20".to_string()),
        ]
    };
    // Bad input: the end before the start, a goal above 100 %.
    let r = post_form(
        &mut tb,
        form("teams", "95", end.to_string(), start.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("La fin doit suivre le début"));
    let r = post_form(
        &mut tb,
        form("class", "120", start.to_string(), end.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM challenges", None).await,
        0
    );
    // Teacher A does not teach 6e B.
    let mut ta = app.login_as("teacher_a").await;
    assert_eq!(
        post_form(
            &mut ta,
            form("class", "95", start.to_string(), end.to_string())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = post_form(
        &mut tb,
        form("teams", "95", start.to_string(), end.to_string()),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    // One roll call so far, S3 absent: team of S3 at 0 %, the other at 100 %.
    let (rc,): (i64,) = sqlx::query_as(
        "INSERT INTO roll_calls (class_id, held_on, starts_at, minutes, taken_by, taken_at) \
         VALUES ($1, $2, '08:00', 60, $3, $4) RETURNING id",
    )
    .bind(app.f.class_b)
    .bind(today - chrono::Days::new(1))
    .bind(app.f.teacher_b)
    .bind(app.state.clock.now())
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO absences (roll_call_id, student_id, kind, minutes) VALUES ($1, $2, 'absence', 60)")
        .bind(rc)
        .bind(s3)
        .execute(pool)
        .await
        .unwrap();
    let c = suku::gamification::challenges::get(pool, id)
        .await
        .unwrap()
        .unwrap();
    let p = suku::gamification::challenges::progress(pool, &c, today)
        .await
        .unwrap();
    let team_of = |s: i64| {
        let pool = pool.clone();
        async move {
            let (t,): (i64,) = sqlx::query_as(
                "SELECT team FROM challenge_members WHERE challenge_id = $1 AND student_id = $2",
            )
            .bind(id)
            .bind(s)
            .fetch_one(&pool)
            .await
            .unwrap();
            t
        }
    };
    let (t2, t3) = (team_of(s2).await, team_of(s3).await);
    assert_ne!(t2, t3, "two teams of one");
    let of = |team: i64| p.iter().find(|x| x.team == team).unwrap().clone();
    assert_eq!((of(t2).percent, of(t2).reached), (100, true));
    assert_eq!((of(t3).value, of(t3).reached), (Some(0), false));
    // Students and families of the class see it; the page shows the bars.
    let mut p1 = app.login_as("parent_1").await;
    let page = p1.get(&format!("/defis/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<progress"), "{}", page.body);
    assert!(!page.plain().contains("FIADJOE"), "another family's child");
    let mut st = app.login_as("student").await;
    assert_eq!(
        st.get(&format!("/defis/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    let (_, list) = api(&mut st, "/api/gamification/defis").await;
    assert!(list["challenges"].as_array().unwrap().is_empty());
    let (_, list) = api(&mut p1, "/api/gamification/defis").await;
    assert_eq!(list["challenges"][0]["id"], id);
    // Settled once the last day is past: the winners get their reward once.
    let after = end + chrono::Days::new(1);
    suku::gamification::sweep(&app.state, after).await.unwrap();
    suku::gamification::sweep(&app.state, after).await.unwrap();
    assert_eq!(points_of(&app, s2).await, 20);
    assert_eq!(points_of(&app, s3).await, 0);
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM school_events WHERE kind = 'challenge.settled'",
            None
        )
        .await,
        1
    );
    let c = suku::gamification::challenges::get(pool, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.state, ChallengeState::Settled);
    // The result is announced to each participant's family.
    crate::helpers::notify(&app).await;
    let told: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, text_key FROM notifications WHERE kind = 'challenge' ORDER BY user_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut want = vec![
        (app.f.parent_1, "notif-challenge-won".to_string()),
        (app.f.parent_2, "notif-challenge-over".to_string()),
    ];
    want.sort();
    assert_eq!(told, want);
    // A settled challenge cannot be cancelled.
    assert_eq!(
        tb.post(&format!("/defis/{id}/annulation"), &[])
            .await
            .status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn levels_and_behaviours_are_the_schools_own() {
    let app = TestApp::new().await;
    let mut dir = app.login_as("director").await;
    let r = dir
        .post(
            "/admin/gamification/niveaux",
            &[("min_0", "10"), ("name_0", "Graine")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("commence à 0"), "{}", r.plain());
    let r = dir
        .post(
            "/admin/gamification/niveaux",
            &[
                ("min_0", "0"),
                ("name_0", "Graine"),
                ("min_1", "20"),
                ("name_1", "Pousse"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    give(&app, app.f.s1, 25).await;
    let mut st = app.login_as("student").await;
    let (_, p) = api(&mut st, "/api/gamification/points").await;
    assert_eq!(p["level"]["name"], "Pousse");
    let r = dir
        .post(
            "/admin/gamification/comportements",
            &[("label", "Ponctualité"), ("points", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = dir
        .post(
            "/admin/gamification/comportements",
            &[("label", "Ponctualité"), ("points", "3"), ("positive", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = dir
        .post(
            "/admin/gamification/comportements",
            &[("label", "Ponctualité"), ("points", "3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("existe déjà"));
    let mut t = app.login_as("teacher_a").await;
    let page = t.get(&format!("/points/classe/{}", app.f.class_a)).await;
    assert!(page.plain().contains("Ponctualité (+3)"));
}

/// The names a page shows in a board's table, in order.
fn board_rows(body: &str) -> Vec<String> {
    let at = body.find("id=\"board-table\"").expect("the board");
    let end = at + body[at..].find("</table>").unwrap();
    body[at..end]
        .split("<tr")
        .skip(2)
        .map(|row| {
            // Each piece starts inside its <tr> tag.
            let mut out = String::new();
            let mut tag = true;
            for c in row.chars() {
                match c {
                    '<' => tag = true,
                    '>' => {
                        tag = false;
                        out.push(' ');
                    }
                    c if !tag => out.push(c),
                    _ => {}
                }
            }
            out.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// A school board of 15: a pupil sees the top 10 and their own place (the last), not every
/// classmate down to the last; staff see everyone. The number is the school's setting, which
/// the administration changes; the pupil is not offered the board as a file, and the file
/// is refused to them.
#[tokio::test]
async fn a_pupil_sees_the_top_ten_and_their_own_place() {
    let app = TestApp::new().await;
    let mut others = Vec::new();
    {
        let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
        for i in 0..12 {
            let s = suku::school::insert_student(
                &mut *tx,
                &suku::school::StudentInput {
                    matricule: format!("T-1{i:02}"),
                    first_name: format!("Camarade{i:02}"),
                    last_name: "Kodjo".into(),
                    sex: "F",
                    birth_date: None,
                    birth_place: None,
                },
                None,
                app.state.clock.now(),
            )
            .await
            .unwrap();
            suku::school::enroll(&mut *tx, s, app.f.class_a, app.state.clock.now())
                .await
                .unwrap();
            others.push(s);
        }
        tx.commit().await.unwrap();
    }
    // Everyone above S1, the fixture's pupil, who comes last.
    for (i, s) in others.iter().enumerate() {
        give(&app, *s, 100 + i as i64).await;
    }
    give(&app, app.f.s2, 60).await;
    give(&app, app.f.s3, 50).await;
    give(&app, app.f.s1, 5).await;
    let url = "/classements?type=points&scope=ecole&periode=tout";
    let mut student = app.login_as("student").await;
    let page = student.get(url).await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = board_rows(&page.body);
    let named: Vec<&String> = rows.iter().filter(|r| r.contains("KODJO")).collect();
    assert_eq!(named.len(), 10, "the top 10: {rows:?}");
    let last = rows.last().unwrap();
    assert!(
        last.starts_with("15 ") && last.contains("Elom") && last.contains("Ta place"),
        "{rows:?}"
    );
    assert_eq!(rows.len(), 12, "10, a gap, and one's own place: {rows:?}");
    assert!(!page.plain().contains("FIADJOE"), "the 13th is not named");
    // No file of the board for a pupil, and none by the address either.
    assert!(!page.body.contains("data-testid=\"export-xlsx\""));
    for f in ["xlsx", "csv", "pdf"] {
        let r = student.get(&format!("{url}&format={f}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{f}");
    }
    // Asking for more lines in the address does not give them.
    let more = student.get(&format!("{url}&limite=50")).await;
    assert_eq!(board_rows(&more.body).len(), 12);
    // Staff see the whole board, and may download it.
    let mut teacher = app.login_as("teacher_a").await;
    let page = teacher.get(url).await;
    assert_eq!(board_rows(&page.body).len(), 15);
    assert!(page.body.contains("data-testid=\"export-xlsx\""));
    // A parent sees the top and their children, and may download what they see.
    let mut parent = app.login_as("parent_1").await;
    let page = parent.get(url).await;
    assert!(page.body.contains("data-testid=\"export-xlsx\""));
    assert!(page.plain().contains("Votre enfant"));
    assert_eq!(
        parent.get(&format!("{url}&format=csv")).await.status,
        StatusCode::OK
    );
    // The school shows families its top 3 instead; a wrong number is refused in words.
    let mut d = app.login_as("director").await;
    let admin = d.get("/admin/gamification").await;
    assert!(admin.body.contains("name=\"family_lines\""));
    assert!(admin.body.contains("value=\"10\""));
    let r = d
        .post("/admin/gamification/classements", &[("family_lines", "0")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Saisissez un nombre de 1 à 100."));
    let r = d
        .post("/admin/gamification/classements", &[("family_lines", "3")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rows = board_rows(&student.get(url).await.body);
    assert_eq!(rows.len(), 5, "3, a gap, one's own place: {rows:?}");
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'settings' AND entity_id = 'boards'",
            None
        )
        .await,
        1
    );
    let journal = d.get("/admin/journal").await.plain();
    assert!(
        journal.contains("a modifié les réglages des classements vus par les familles"),
        "{journal}"
    );
}

/// Badges are drawn (SVG files of this site), not emoji that phones without an emoji font
/// show as empty boxes: on the badges page, the progress page, and in the API. The school's
/// own badges take one of the drawn icons.
#[tokio::test]
async fn badges_wear_drawn_icons_that_every_phone_shows() {
    let app = TestApp::new().await;
    let emoji = |s: &str| {
        s.chars()
            .any(|c| matches!(c as u32, 0x1F300..=0x1FAFF | 0x2B50 | 0x2605))
    };
    let mut d = app.login_as("director").await;
    let page = d.get("/badges").await;
    assert!(page.body.contains("name=\"icon\" value=\"trophy\""));
    let r = d
        .post("/badges", &[("name", "Délégué"), ("icon", "🎖")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Choisissez une des icônes proposées."));
    let r = d
        .post("/badges", &[("name", "Délégué"), ("icon", "ribbon")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (badge,): (i64,) = sqlx::query_as("SELECT id FROM badges WHERE name = 'Délégué'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    suku::gamification::award_badge(&mut tx, badge, app.f.s1, None, "", app.state.clock.today())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut s = app.login_as("student").await;
    for path in ["/badges".to_string(), format!("/progression/{}", app.f.s1)] {
        let page = s.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!emoji(&page.body), "{path} shows an emoji");
        let srcs: Vec<&str> = page
            .body
            .match_indices("<img class=\"badge-icon\" src=\"")
            .map(|(i, m)| {
                let rest = &page.body[i + m.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert!(!srcs.is_empty(), "{path}");
        for src in &srcs {
            assert!(src.starts_with("/static/badges/"), "{src}");
            let img = s.get(src).await;
            assert_eq!(img.status, StatusCode::OK, "{src}");
            assert_eq!(img.headers["content-type"], "image/svg+xml", "{src}");
            assert!(img.body.starts_with("<svg"), "{src}");
        }
        if path == "/badges" {
            // The six automatic badges and the school's own, each its own drawing.
            assert_eq!(srcs.len(), 7, "{srcs:?}");
            assert!(srcs.contains(&"/static/badges/trophy.svg"));
            assert!(srcs.contains(&"/static/badges/ribbon.svg"));
        } else {
            assert_eq!(srcs, ["/static/badges/ribbon.svg"]);
        }
    }
    let (_, b) = api(&mut s, "/api/gamification/badges").await;
    let first = &b["badges"][0];
    assert!(
        first["icon_url"]
            .as_str()
            .unwrap()
            .starts_with("/static/badges/"),
        "{b}"
    );
    assert!(!emoji(&b.to_string()), "{b}");
}

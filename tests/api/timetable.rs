//! Timetables through the portal: the censeur generates a version in a job, moves lessons
//! (a move that breaks a hard rule is refused with its reason), locks and regenerates,
//! publishes; each person sees their own week, and the roll call follows the timetable.

use axum::http::StatusCode;

use crate::helpers::{TestApp, scalar};

/// The week grid (five morning periods, two afternoon ones, Wednesday and Saturday
/// afternoons free), French beside mathematics (each class's teacher teaches both), and
/// each level's hours.
pub async fn seed_inputs(app: &TestApp) {
    let db = &app.db.pool;
    let mut tx = suku::db::begin_write(db).await.unwrap();
    let periods: Vec<(i64, String, String)> = [
        ("07:00", "07:55"),
        ("07:55", "08:50"),
        ("08:50", "09:45"),
        ("10:05", "11:00"),
        ("11:00", "11:55"),
        ("15:00", "15:55"),
        ("15:55", "16:50"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (a, b))| (i as i64, a.to_string(), b.to_string()))
    .collect();
    suku::timetable::repo::set_grid(&mut tx, &periods, &[(2, 5), (2, 6), (5, 5), (5, 6)])
        .await
        .unwrap();
    let (french,): (i64,) =
        sqlx::query_as("INSERT INTO subjects (code, name) VALUES ('FR', 'Français') RETURNING id")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    for (class, teacher) in [
        (app.f.class_a, app.f.teacher_a),
        (app.f.class_b, app.f.teacher_b),
    ] {
        sqlx::query("INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3)")
            .bind(class)
            .bind(french)
            .bind(teacher)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let (level,): (i64,) = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(app.f.class_a)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    for (subject, hours, doubles) in [(app.f.maths, 5, 1), (french, 5, 0)] {
        suku::timetable::repo::upsert_subject_hours(
            &mut *tx,
            &suku::timetable::repo::SubjectHoursRow {
                level_id: level,
                series_key: 0,
                subject_id: subject,
                hours,
                doubles,
                room_kind: None,
                room_required: false,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Generates a version as the director does, runs its job; returns the version's id.
pub async fn generate(app: &TestApp, fields: &[(&str, &str)]) -> i64 {
    let mut d = app.login_as("director").await;
    d.get("/admin/emplois-du-temps").await;
    let r = d.post("/admin/emplois-du-temps", fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.location().starts_with("/taches/"), "{}", r.location());
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    scalar(&app.db.pool, "SELECT MAX(id) FROM timetables", None).await
}

/// A published timetable of the fixture's school; returns (version, a lesson of 6e A).
pub async fn published(app: &TestApp) -> (i64, i64) {
    seed_inputs(app).await;
    let id = generate(
        app,
        &[("name", "Version 1"), ("seconds", "5"), ("seed", "1")],
    )
    .await;
    let mut d = app.login_as("director").await;
    d.get(&format!("/admin/emplois-du-temps/{id}")).await;
    let r = d
        .post(&format!("/admin/emplois-du-temps/{id}/publier"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lesson = scalar(
        &app.db.pool,
        "SELECT MIN(id) FROM timetable_lessons WHERE class_id = $1",
        Some(app.f.class_a),
    )
    .await;
    (id, lesson)
}

#[tokio::test]
async fn the_director_generates_a_version_and_publishes_it_for_each_to_see() {
    let app = TestApp::new().await;
    seed_inputs(&app).await;
    let id = generate(
        &app,
        &[("name", "Rentrée"), ("seconds", "5"), ("seed", "3")],
    )
    .await;
    let state: (String, i64) =
        sqlx::query_as("SELECT state, cost_hard FROM timetables WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(state, ("draft".to_string(), 0));
    // Every hour placed: 2 classes × (4 mathematics lessons, one of them double, and 5 of
    // French).
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = $1",
            Some(id)
        )
        .await,
        18
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT CAST(SUM(duration) AS BIGINT) FROM timetable_lessons WHERE timetable_id = $1",
            Some(id)
        )
        .await,
        20
    );
    // Nobody but the administration sees a draft.
    let mut s = app.login_as("student").await;
    assert!(
        s.get("/eleve/emploi-du-temps")
            .await
            .text()
            .contains("pas encore publié")
    );
    let mut d = app.login_as("director").await;
    let page = d.get(&format!("/admin/emplois-du-temps/{id}")).await;
    assert!(
        page.text()
            .contains("Toutes les contraintes impératives sont respectées")
    );
    let r = d
        .post(&format!("/admin/emplois-du-temps/{id}/publier"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let week = s.get("/eleve/emploi-du-temps").await;
    assert_eq!(week.status, StatusCode::OK);
    assert!(week.text().contains("Mathématiques") && week.text().contains("Français"));
    // The parent sees each child's week, the teacher theirs.
    let mut p = app.login_as("parent_1").await;
    let child = p
        .get(&format!("/parent/enfants/{}/emploi-du-temps", app.f.s2))
        .await;
    assert!(child.text().contains("6e B"), "{}", child.text());
    let mut t = app.login_as("teacher_a").await;
    let mine = t.get("/enseignant/emploi-du-temps").await.plain();
    assert!(mine.contains("6e A") && !mine.contains("6e B"));
    // Another family's child: refused.
    let mut other = app.login_as("parent_2").await;
    assert_eq!(
        other
            .get(&format!("/parent/enfants/{}/emploi-du-temps", app.f.s1))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_move_that_breaks_a_hard_rule_is_refused_with_its_reason() {
    let app = TestApp::new().await;
    let (id, lesson) = published(&app).await;
    let db = &app.db.pool;
    let (day, period): (i64, i64) =
        sqlx::query_as("SELECT day, period FROM timetable_lessons WHERE id = $1")
            .bind(lesson)
            .fetch_one(db)
            .await
            .unwrap();
    // Another lesson of 6e A: moving onto it would give the class two lessons at once.
    let (other_day, other_period): (i64, i64) = sqlx::query_as(
        "SELECT day, period FROM timetable_lessons WHERE timetable_id = $1 AND class_id = $2 AND id <> $3 AND duration = 1 ORDER BY id LIMIT 1",
    )
    .bind(id)
    .bind(app.f.class_a)
    .bind(lesson)
    .fetch_one(db)
    .await
    .unwrap();
    let mut d = app.login_as("director").await;
    d.get(&format!(
        "/admin/emplois-du-temps/{id}?classe={}",
        app.f.class_a
    ))
    .await;
    let url = format!("/admin/emplois-du-temps/{id}/seances/{lesson}");
    let r = d
        .post(
            &url,
            &[
                ("day", &other_day.to_string()),
                ("period", &other_period.to_string()),
                ("classe", &app.f.class_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("6e A a déjà cours"), "{}", r.plain());
    let still: (i64, i64) =
        sqlx::query_as("SELECT day, period FROM timetable_lessons WHERE id = $1")
            .bind(lesson)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(still, (day, period));
    // Wednesday afternoon is free: no lesson there.
    let r = d.post(&url, &[("day", "2"), ("period", "5")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("n’existe pas dans la grille"),
        "{}",
        r.plain()
    );
    // A slot where neither the class nor its teacher has a lesson: moved.
    let free: Option<(i64, i64)> = {
        let busy: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT day, period, duration, class_id FROM timetable_lessons WHERE timetable_id = $1",
        )
        .bind(id)
        .fetch_all(db)
        .await
        .unwrap();
        let taken = |d: i64, p: i64| {
            busy.iter()
                .any(|&(bd, bp, du, _)| bd == d && bp <= p && p < bp + du)
        };
        (0..6)
            .flat_map(|d| (0..7).map(move |p| (d, p)))
            .find(|&(d, p)| !(matches!((d, p), (2 | 5, 5 | 6)) || taken(d, p)))
    };
    let (fd, fp) = free.expect("a free slot in the week");
    let (duration,): (i64,) =
        sqlx::query_as("SELECT duration FROM timetable_lessons WHERE id = $1")
            .bind(lesson)
            .fetch_one(db)
            .await
            .unwrap();
    if duration == 1 {
        let r = d
            .post(
                &url,
                &[("day", &fd.to_string()), ("period", &fp.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.plain());
        assert!(r.plain().contains("Séance déplacée"));
        let moved: (i64, i64) =
            sqlx::query_as("SELECT day, period FROM timetable_lessons WHERE id = $1")
                .bind(lesson)
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(moved, (fd, fp));
    }
    // A teacher cannot move lessons.
    let mut t = app.login_as("teacher_a").await;
    t.get("/enseignant").await;
    let r = t.post(&url, &[("day", "0"), ("period", "0")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn locked_lessons_stay_when_the_rest_is_generated_again() {
    let app = TestApp::new().await;
    let (id, lesson) = published(&app).await;
    let mut d = app.login_as("director").await;
    d.get(&format!("/admin/emplois-du-temps/{id}")).await;
    let r = d
        .post(
            &format!("/admin/emplois-du-temps/{id}/seances/{lesson}/verrou"),
            &[("locked", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let place: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT class_id, subject_id, day, period, duration FROM timetable_lessons WHERE id = $1",
    )
    .bind(lesson)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let again = generate(
        &app,
        &[
            ("name", "Version 2"),
            ("seconds", "5"),
            ("seed", "99"),
            ("based_on", &id.to_string()),
        ],
    )
    .await;
    assert_ne!(again, id);
    let kept: i64 = sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = $1 AND class_id = $2 AND subject_id = $3 AND day = $4 AND period = $5 AND duration = $6 AND locked",
    )
    .bind(again)
    .bind(place.0)
    .bind(place.1)
    .bind(place.2)
    .bind(place.3)
    .bind(place.4)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .0;
    assert_eq!(kept, 1);
    // Moving a locked lesson is refused until it is unlocked.
    let r = d
        .post(
            &format!("/admin/emplois-du-temps/{id}/seances/{lesson}"),
            &[("day", "0"), ("period", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("verrouillée"));
}

#[tokio::test]
async fn an_impossible_school_is_explained_in_words() {
    let app = TestApp::new().await;
    seed_inputs(&app).await;
    // Teacher A away every morning: 10 hours of lessons for the 8 afternoon slots.
    let slots = (0..6)
        .flat_map(|d| (0..5).map(move |p| format!("{d}.{p}")))
        .collect::<Vec<_>>()
        .join(",");
    suku::timetable::repo::insert_constraint(
        &app.db.pool,
        &suku::timetable::repo::NewConstraint {
            kind: "unavailable".into(),
            applies_to: "teacher".into(),
            teacher_user_id: Some(app.f.teacher_a),
            class_id: None,
            subject_id: None,
            value: 0,
            slots,
            weight: None,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let id = generate(&app, &[("name", "Essai"), ("seconds", "5")]).await;
    let mut d = app.login_as("director").await;
    let page = d
        .get(&format!("/admin/emplois-du-temps/{id}"))
        .await
        .plain();
    assert!(page.contains("Impossible"), "{page}");
    assert!(
        page.contains("a 10 h de cours pour 8 créneaux disponibles"),
        "{page}"
    );
    // The index says it before anyone generates.
    let index = d.get("/admin/emplois-du-temps").await.plain();
    assert!(index.contains("a 10 h de cours pour 8 créneaux disponibles"));
}

#[tokio::test]
async fn bad_generation_input_gets_a_clear_message() {
    let app = TestApp::new().await;
    seed_inputs(&app).await;
    let mut d = app.login_as("director").await;
    d.get("/admin/emplois-du-temps").await;
    let r = d
        .post(
            "/admin/emplois-du-temps",
            &[("name", ""), ("seconds", "100000"), ("seed", "-3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.plain();
    assert!(text.contains("Entre 5 et 600 secondes"), "{text}");
    assert!(text.contains("Un nombre entier positif"));
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM timetables", None).await,
        0
    );
}

#[tokio::test]
async fn the_roll_call_opens_on_the_lesson_of_the_hour_and_homes_show_today() {
    let app = TestApp::new().await;
    let (id, _) = published(&app).await;
    // The tests' clock reads Wednesday 9:00: put a lesson of teacher A at 8:50.
    let lesson = scalar(
        &app.db.pool,
        "SELECT MIN(id) FROM timetable_lessons WHERE teacher_user_id = $1 AND duration = 1",
        Some(app.f.teacher_a),
    )
    .await;
    let (class,): (i64,) = sqlx::query_as("SELECT class_id FROM timetable_lessons WHERE id = $1")
        .bind(lesson)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM timetable_lessons WHERE timetable_id = $1 AND day = 2 AND (period = 2 OR (period = 1 AND duration = 2)) AND id <> $2")
        .bind(id)
        .bind(lesson)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE timetable_lessons SET day = 2, period = 2 WHERE id = $1")
        .bind(lesson)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut t = app.login_as("teacher_a").await;
    let r = t.get("/enseignant/appel").await;
    assert_eq!(r.location(), format!("/enseignant/classes/{class}/appel"));
    let form = t.get(r.location()).await.text();
    assert!(
        form.contains("value=\"08:50\""),
        "the roll call starts at the lesson's hour"
    );
    assert!(form.contains("value=\"55\""));
    let home = t
        .get_htmx("/tableau/widgets/today?role=teacher")
        .await
        .plain();
    assert!(
        home.contains("Aujourd’hui") && home.contains("08:50–09:45"),
        "{home}"
    );
}

/// A soft constraint; returns its id.
pub async fn constraint(app: &TestApp) -> i64 {
    suku::timetable::repo::insert_constraint(
        &app.db.pool,
        &suku::timetable::repo::NewConstraint {
            kind: "max_gaps_day".into(),
            applies_to: "all_classes".into(),
            teacher_user_id: None,
            class_id: None,
            subject_id: None,
            value: 0,
            slots: String::new(),
            weight: Some(10),
        },
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_censeur_edits_the_grid_the_hours_and_the_constraints_with_clear_messages() {
    let app = TestApp::new().await;
    seed_inputs(&app).await;
    let db = &app.db.pool;
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/emplois-du-temps/donnees").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.plain().contains("Mathématiques"));
    // A period ending before it starts, and two that overlap: refused, nothing saved.
    let r = d
        .post(
            "/admin/emplois-du-temps/grille",
            &[
                ("start_0", "08:00"),
                ("end_0", "07:00"),
                ("start_1", "07:30"),
                ("end_1", "08:30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Heure n°1"), "{}", r.plain());
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM timetable_periods", None).await,
        7
    );
    // A shorter day, Saturday's last hour free.
    let r = d
        .post(
            "/admin/emplois-du-temps/grille",
            &[
                ("start_0", "7h"),
                ("end_0", "7h55"),
                ("start_1", "08:00"),
                ("end_1", "08:55"),
                ("closed_5_1", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM timetable_periods", None).await,
        2
    );
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM timetable_closed", None).await,
        1
    );
    // Hours: more doubles than the hours hold is refused.
    let (level,): (i64,) = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(app.f.class_a)
        .fetch_one(db)
        .await
        .unwrap();
    let h = format!("h_0_{}", app.f.maths);
    let dd = format!("d_0_{}", app.f.maths);
    let r = d
        .post(
            "/admin/emplois-du-temps/horaires",
            &[("level", &level.to_string()), (&h, "3"), (&dd, "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Les séances doubles"));
    let r = d
        .post(
            "/admin/emplois-du-temps/horaires",
            &[
                ("level", &level.to_string()),
                (&h, "6"),
                (&dd, "2"),
                (&format!("k_0_{}", app.f.maths), "lab"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let row: (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT hours, doubles, room_kind FROM subject_hours WHERE level_id = $1 AND subject_id = $2",
    )
    .bind(level)
    .bind(app.f.maths)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(row, (6, 2, Some("lab".into())));
    // A class's own hours, then back to its level's.
    let class = app.f.class_b.to_string();
    let maths = app.f.maths.to_string();
    let r = d
        .post(
            "/admin/emplois-du-temps/horaires-classe",
            &[("class", &class), ("subject", &maths), ("hours", "4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM class_subject_hours", None).await,
        1
    );
    d.post(
        "/admin/emplois-du-temps/horaires-classe",
        &[("class", &class), ("subject", &maths), ("hours", "")],
    )
    .await;
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM class_subject_hours", None).await,
        0
    );
    // Constraints: an unavailability without its hours, a teacher who does not exist, a
    // weight out of range: each told.
    let r = d
        .post(
            "/admin/emplois-du-temps/contraintes",
            &[
                ("kind", "unavailable"),
                ("applies_to", "teacher"),
                ("teacher", &app.f.teacher_a.to_string()),
                ("weight", "500"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.plain();
    assert!(
        text.contains("Cochez les heures concernées") && text.contains("Un poids de 1 à 100"),
        "{text}"
    );
    let r = d
        .post(
            "/admin/emplois-du-temps/contraintes",
            &[
                ("kind", "max_per_day"),
                ("applies_to", "teacher"),
                ("teacher", "999999"),
                ("value", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = d
        .post(
            "/admin/emplois-du-temps/contraintes",
            &[
                ("kind", "unavailable"),
                ("applies_to", "teacher"),
                ("teacher", &app.f.teacher_a.to_string()),
                ("slot_0_0", "1"),
                ("slot_0_1", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = d.get("/admin/emplois-du-temps/donnees").await.plain();
    assert!(
        page.contains("indisponible") && page.contains("lundi 07:00, lundi 08:00"),
        "{page}"
    );
    let id = scalar(db, "SELECT MAX(id) FROM timetable_constraints", None).await;
    let r = d
        .post(
            &format!("/admin/emplois-du-temps/contraintes/{id}/suppression"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM timetable_constraints", None).await,
        0
    );
}

#[tokio::test]
async fn a_calendar_feed_follows_its_week_until_revoked() {
    let app = TestApp::new().await;
    published(&app).await;
    let mut p = app.login_as("parent_1").await;
    p.get(&format!("/parent/enfants/{}/emploi-du-temps", app.f.s1))
        .await;
    let r = p
        .post(
            "/emploi-du-temps/calendrier",
            &[("student", &app.f.s1.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = p.get(r.location()).await.plain();
    let at = page.find("/calendrier/").expect("the link is shown once");
    let token: String = page[at + "/calendrier/".len()..].chars().take(48).collect();
    // A calendar app, without a session.
    let mut app_client = app.client();
    let ics = app_client.get(&format!("/calendrier/{token}.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(
        ics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = ics.text().replace("\r\n ", "");
    assert!(
        body.contains("BEGIN:VEVENT") && body.contains("SUMMARY:Mathématiques"),
        "{body}"
    );
    assert!(body.contains("RRULE:FREQ=WEEKLY;UNTIL="));
    // The page says when it was read.
    assert!(
        p.get(&format!("/parent/enfants/{}/emploi-du-temps", app.f.s1))
            .await
            .plain()
            .contains("Dernière lecture")
    );
    // Another family cannot make a feed of this child.
    let mut other = app.login_as("parent_2").await;
    other.get("/parent").await;
    let r = other
        .post(
            "/emploi-du-temps/calendrier",
            &[("student", &app.f.s1.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Revoked: the link answers nothing.
    p.get(&format!("/parent/enfants/{}/emploi-du-temps", app.f.s1))
        .await;
    let r = p
        .post(
            "/emploi-du-temps/calendrier/revocation",
            &[("student", &app.f.s1.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app_client
            .get(&format!("/calendrier/{token}.ics"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app_client.get("/calendrier/nothex").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_week_prints_to_pdf_and_xlsx_through_the_export_engine() {
    let app = TestApp::new().await;
    published(&app).await;
    let mut s = app.login_as("student").await;
    let pdf = s.get("/eleve/emploi-du-temps?format=pdf").await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let text = crate::export::pdf_text(&pdf.bytes);
    assert!(
        text.contains("Mathématiques") && text.contains("lundi"),
        "{text}"
    );
    let xlsx = s.get("/eleve/emploi-du-temps?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    assert_eq!(
        s.get("/eleve/emploi-du-temps?format=doc").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_move_after_publishing_tells_the_class_and_a_new_version_is_compared() {
    let app = TestApp::new().await;
    let (id, lesson) = published(&app).await;
    let db = &app.db.pool;
    // Publishing told the family and the teachers.
    crate::helpers::notify(&app).await;
    let told = scalar(
        db,
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text_key = 'notif-timetable-published'",
        Some(app.f.parent_1),
    )
    .await;
    assert!(told >= 1, "the parent hears of the new timetable");
    // A free slot for the lesson's class and teacher.
    let (class, teacher, duration): (i64, i64, i64) = sqlx::query_as(
        "SELECT class_id, teacher_user_id, duration FROM timetable_lessons WHERE id = $1",
    )
    .bind(lesson)
    .fetch_one(db)
    .await
    .unwrap();
    let busy: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT day, period, duration FROM timetable_lessons WHERE timetable_id = $1 AND (class_id = $2 OR teacher_user_id = $3)",
    )
    .bind(id)
    .bind(class)
    .bind(teacher)
    .fetch_all(db)
    .await
    .unwrap();
    let taken = |d: i64, p: i64| {
        busy.iter()
            .any(|&(bd, bp, du)| bd == d && bp <= p && p < bp + du)
    };
    let (fd, fp) = (0..6)
        .flat_map(|d| (0..4).map(move |p| (d, p)))
        .find(|&(d, p)| (0..duration).all(|k| !taken(d, p + k)) && !(duration == 2 && p == 4))
        .expect("a free slot");
    let mut d = app.login_as("director").await;
    d.get(&format!("/admin/emplois-du-temps/{id}")).await;
    let r = d
        .post(
            &format!("/admin/emplois-du-temps/{id}/seances/{lesson}"),
            &[("day", &fd.to_string()), ("period", &fp.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.plain());
    crate::helpers::notify(&app).await;
    let student_user = app.f.student_user;
    let changed = scalar(
        db,
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND text_key = 'notif-timetable-changed'",
        Some(student_user),
    )
    .await;
    assert_eq!(changed, 1, "the student of 6e A hears of the move");
    // A second version compared with the first lists what moved.
    let second = generate(
        &app,
        &[("name", "Version 2"), ("seconds", "5"), ("seed", "7")],
    )
    .await;
    let cmp = d
        .get(&format!(
            "/admin/emplois-du-temps/{second}/comparer?avec={id}"
        ))
        .await;
    assert_eq!(cmp.status, StatusCode::OK);
    assert!(cmp.plain().contains("placée"), "{}", cmp.plain());
}

//! The administration's records: students, classes, guardians, staff, accounts. Bad input
//! gets a clear localized message and saves nothing.

use axum::http::StatusCode;

use crate::helpers::{PASSWORD, TestApp};

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&app.db.pool).await.unwrap();
    n
}

#[tokio::test]
async fn secretary_creates_and_enrolls_a_student() {
    let app = TestApp::new().await;
    let mut s = app.login_as("secretary").await;
    let class_a = app.f.class_a.to_string();
    let r = s
        .post(
            "/admin/eleves",
            &[
                ("matricule", "t-100"),
                ("first_name", "Dzifa"),
                ("last_name", "Kouevi"),
                ("sex", "F"),
                ("birth_date", "31/05/2014"),
                ("birth_place", "Kpalimé"),
                ("class_id", &class_a),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.get(r.location()).await;
    assert!(page.body.contains("Élève enregistré."));
    assert!(page.body.contains("T-100"), "matricule upper-cased");
    assert!(page.body.contains("<strong>6e A</strong>"));
    // Found by search, on the list and through htmx as a fragment.
    let list = s.get("/admin/eleves?q=kouev").await;
    assert!(list.body.contains("KOUEVI Dzifa"));
    assert!(list.body.contains("<html"));
    let frag = s.get_htmx("/admin/eleves?q=dzifa").await;
    assert!(frag.body.contains("KOUEVI Dzifa"));
    assert!(
        !frag.body.contains("<html"),
        "an htmx search gets only the results"
    );
    // Re-enroll in another class.
    let id = r.location().rsplit('/').next().unwrap().to_string();
    let class_b = app.f.class_b.to_string();
    let r = s
        .post(
            &format!("/admin/eleves/{id}/inscription"),
            &[("class_id", &class_b)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        s.get(&format!("/admin/eleves/{id}"))
            .await
            .body
            .contains("<strong>6e B</strong>")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM enrollments").await, 4);
}

#[tokio::test]
async fn bad_student_input_is_explained_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let long = "x".repeat(81);
    let r = d
        .post(
            "/admin/eleves",
            &[
                ("matricule", ""),
                ("first_name", &long),
                ("last_name", "Kouevi"),
                ("sex", "X"),
                ("birth_date", "30/02/2014"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "Ce champ est obligatoire.",
        "Ce texte est trop long.",
        "Choisissez F ou M.",
        "Le 30/02/2014 n’existe pas.",
    ] {
        assert!(r.text().contains(msg), "{msg}");
    }
    assert!(r.body.contains("aria-invalid=\"true\""));
    assert!(
        r.body.contains("value=\"Kouevi\""),
        "what was typed is kept"
    );
    // Duplicate matricule: a message on the field, nothing inserted (not even the enrollment).
    let class_a = app.f.class_a.to_string();
    let r = d
        .post(
            "/admin/eleves",
            &[
                ("matricule", "T-001"),
                ("first_name", "Autre"),
                ("last_name", "Élève"),
                ("sex", "M"),
                ("class_id", &class_a),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ce matricule est déjà attribué"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM students").await, 3);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM enrollments").await, 3);
    // Editing to a taken matricule is refused too.
    let r = d
        .post(
            &format!("/admin/eleves/{}", app.f.s2),
            &[
                ("matricule", "t-001"),
                ("first_name", "Sena"),
                ("last_name", "Agbodjan"),
                ("sex", "M"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ce matricule est déjà attribué"));
}

#[tokio::test]
async fn guardian_accounts_validate_phones_and_link_children() {
    let app = TestApp::new().await;
    let mut d = app.login_as("secretary").await;
    for (phone, msg) in [
        ("12 34", "Numéro invalide"),
        ("+233 24 123 4567", "Seuls les numéros du Togo"),
        ("90 00 00 01", "Ce numéro est déjà utilisé"),
    ] {
        let r = d
            .post(
                "/admin/parents",
                &[
                    ("first_name", "Ablavi"),
                    ("last_name", "Sodji"),
                    ("phone", phone),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{phone}");
        assert!(r.body.contains(msg), "{phone}: {msg}");
    }
    let r = d
        .post(
            "/admin/parents",
            &[("first_name", "Ablavi"), ("last_name", "Sodji")],
        )
        .await;
    assert!(
        r.body
            .contains("Indiquez au moins un téléphone ou un e-mail.")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, 8);

    let r = d
        .post(
            "/admin/parents",
            &[
                ("first_name", "Ablavi"),
                ("last_name", "Sodji"),
                ("phone", "0022899 12 34 56"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = d.get(r.location()).await;
    assert!(page.body.contains("+228 99 12 34 56"));
    let temp = page
        .body
        .split("Mot de passe provisoire\u{a0}: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .expect("temporary password shown once")
        .to_string();
    // Link the new parent to S3 by phone, in another writing.
    let r = d
        .post(
            &format!("/admin/eleves/{}/parents", app.f.s3),
            &[("contact", "99123456"), ("relationship", "tuteur")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        d.get(r.location())
            .await
            .text()
            .contains("Parent relié à l’élève.")
    );
    // The parent logs in with the temporary password and sees the child.
    let mut p = app.client();
    let r = p.login("+22899123456", &temp).await;
    assert_eq!(
        r.location(),
        "/compte/mot-de-passe",
        "a temporary password must be changed first"
    );
    p.refresh_csrf().await;
    // Nothing else opens until then.
    assert_eq!(p.get("/parent").await.location(), "/compte/mot-de-passe");
    let page = p.get("/compte/mot-de-passe").await;
    assert!(page.text().contains("Votre mot de passe est provisoire"));
    let r = p
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", &temp),
                ("new", "12345678"),
                ("confirm", "12345678"),
            ],
        )
        .await;
    assert!(r.text().contains("trop facile à deviner"));
    let r = p
        .post(
            "/compte/mot-de-passe",
            &[("current", &temp), ("new", &temp), ("confirm", &temp)],
        )
        .await;
    assert!(r.text().contains("différent de l’actuel"));
    let r = p
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", &temp),
                ("new", "akpe-na-mi-2026"),
                ("confirm", "akpe-na-mi-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let home = p.get("/parent/enfants").await;
    assert_eq!(home.location(), format!("/parent/enfants/{}", app.f.s3));
}

#[tokio::test]
async fn staff_need_a_role_and_unique_email() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/admin/personnel",
            &[
                ("first_name", "Kafui"),
                ("last_name", "Ekoue"),
                ("email", "kafui@test.tg"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choisissez au moins un rôle."));
    let r = d
        .post(
            "/admin/personnel",
            &[
                ("first_name", "Kafui"),
                ("last_name", "Ekoue"),
                ("email", "PROF.A@test.tg"),
                ("roles", "teacher"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Cet e-mail est déjà utilisé"));
    let r = d
        .post(
            "/admin/personnel",
            &[
                ("first_name", "Kafui"),
                ("last_name", "Ekoue"),
                ("email", "kafui@test.tg"),
                ("roles", "teacher"),
                ("roles", "secretary"),
                ("position", "Professeur d'anglais"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = d.get("/admin/personnel?q=ekoue").await;
    assert!(list.body.contains("EKOUE Kafui"));
    assert!(
        list.text().contains("Professeur d'anglais"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("enseignant, secrétaire")
            || list.body.contains("secrétaire, enseignant")
    );
}

#[tokio::test]
async fn lists_are_paged() {
    let app = TestApp::new().await;
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    for i in 0..60 {
        let s = suku::school::StudentInput {
            matricule: format!("P-{i:03}"),
            first_name: format!("Prénom{i}"),
            last_name: "Paginé".into(),
            sex: "F",
            birth_date: None,
            birth_place: None,
        };
        suku::school::insert_student(&mut *tx, &s, None, app.state.clock.now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut d = app.login_as("director").await;
    let p1 = d.get("/admin/eleves?q=pagin").await;
    assert!(p1.body.contains("Page 1 sur 3"));
    assert!(p1.body.contains("60 résultats"));
    assert!(
        p1.text().contains("href=\"?q=pagin&page=2\""),
        "{}",
        p1.body
    );
    let p3 = d.get("/admin/eleves?q=pagin&page=3").await;
    assert!(p3.body.contains("Page 3 sur 3"));
    assert_eq!(
        p3.body.matches("/admin/eleves/").count()
            - p3.body.matches("/admin/eleves/nouveau").count(),
        10
    );
    // Nonsense page numbers fall back to page 1.
    assert!(
        d.get("/admin/eleves?page=abc")
            .await
            .body
            .contains("Page 1 sur")
    );
}

#[tokio::test]
async fn director_resets_a_password_and_the_old_one_stops_working() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            &format!("/admin/utilisateurs/{}/mot-de-passe", app.f.teacher_a),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = d.get(r.location()).await;
    assert!(page.body.contains("Nouveau mot de passe provisoire"));
    let mut t = app.client();
    assert_eq!(
        t.login("prof.a@test.tg", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The director cannot lock themself out.
    let r = d
        .post(
            &format!("/admin/utilisateurs/{}/activation", app.f.director),
            &[],
        )
        .await;
    assert!(
        d.get(r.location())
            .await
            .body
            .contains("Vous ne pouvez pas désactiver votre propre compte.")
    );
}

#[tokio::test]
async fn classes_are_created_with_their_togolese_name() {
    let app = TestApp::new().await;
    let (level,): (i64,) = sqlx::query_as("SELECT id FROM levels LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut d = app.login_as("director").await;
    let level = level.to_string();
    let r = d
        .post(
            "/admin/classes",
            &[("level_id", &level), ("grp", "C"), ("room", "Salle 9")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(d.get("/admin/classes").await.body.contains("6e C"));
    let r = d
        .post("/admin/classes", &[("level_id", &level), ("grp", "C")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("La classe 6e C existe déjà cette année."));
    let r = d.post("/admin/classes", &[("level_id", "abc")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn rooms_are_records_that_classes_choose_from() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/admin/salles",
            &[("name", "Labo SVT"), ("kind", "lab"), ("capacity", "30")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Bad input: named fields, nothing saved.
    for (fields, message) in [
        (
            [("name", "Labo SVT"), ("kind", "lab"), ("capacity", "")],
            "La salle « Labo SVT » existe déjà.",
        ),
        (
            [
                ("name", "Salle 20"),
                ("kind", "classroom"),
                ("capacity", "-3"),
            ],
            "Indiquez un nombre de places entre 1 et 1000, ou laissez vide.",
        ),
        (
            [("name", "Salle 20"), ("kind", "piscine"), ("capacity", "")],
            "Ce champ est obligatoire.",
        ),
    ] {
        let r = d.post("/admin/salles", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.plain().contains(message), "{message}: {}", r.plain());
    }
    let rooms = count(&app, "SELECT COUNT(*) FROM rooms").await;
    assert_eq!(rooms, 3);

    // The class of the fixture sits in Salle 1 (50 seats, 2 students): the page says so.
    let page = d.get("/admin/salles").await;
    assert!(page.plain().contains("6e A, 6e B"), "{}", page.plain());
    assert!(!page.body.contains("Plus d’élèves que de places ("));

    // A class may only take a room in use.
    let f = &app.f;
    let class = format!("/admin/classes/{}", f.class_b);
    let r = d.post(&class, &[("room", "Grenier")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = d.post(&class, &[("room", "Labo SVT")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (level,): (i64,) = sqlx::query_as("SELECT id FROM levels LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let level = level.to_string();
    let r = d
        .post(
            "/admin/classes",
            &[("level_id", &level), ("grp", "D"), ("room", "Grenier")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain()
            .contains("La salle « Grenier » n’est pas dans la liste")
    );

    // Too few seats shows; renaming the room follows the class.
    let (lab,): (i64,) = sqlx::query_as("SELECT id FROM rooms WHERE name = 'Labo SVT'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = d
        .post(
            &format!("/admin/salles/{lab}"),
            &[
                ("name", "Labo SVT 1"),
                ("kind", "lab"),
                ("capacity", "1"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (room,): (Option<String>,) = sqlx::query_as("SELECT room FROM classes WHERE id = $1")
        .bind(f.class_b)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(room.as_deref(), Some("Labo SVT 1"));
    let page = d.get("/admin/salles").await.plain();
    assert!(page.contains("Plus d’élèves que de places (2)"), "{page}");
    // An unknown room id is not found.
    let r = d
        .post("/admin/salles/999999", &[("name", "X"), ("kind", "lab")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn demo_school_is_realistic() {
    let db = crate::helpers::fresh_db().await;
    let started = std::time::Instant::now();
    let demo = suku::demo::generate(&db.pool).await.unwrap();
    eprintln!("demo generated in {:?}", started.elapsed());
    let one = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
            n
        }
    };
    assert_eq!(
        one("SELECT COUNT(*) FROM enrollments e JOIN school_years y ON y.id = e.school_year_id WHERE y.current = TRUE").await,
        2000
    );
    let classes =
        one("SELECT COUNT(*) FROM classes c JOIN school_years y ON y.id = c.school_year_id WHERE y.current = TRUE").await;
    assert!((40..=50).contains(&classes), "{classes} classes");
    let staff = one("SELECT COUNT(*) FROM staff").await;
    assert!((70..=95).contains(&staff), "{staff} staff");
    assert!(one("SELECT COUNT(*) FROM (SELECT user_id FROM student_guardians GROUP BY user_id HAVING COUNT(*) > 1) AS x").await > 100);
    assert_eq!(
        one("SELECT COUNT(*) FROM users WHERE phone IS NOT NULL AND phone NOT LIKE '+228%'").await,
        0
    );
    // Fees: every student billed five tranches, most paid the start of the year, receipts
    // numbered without gaps, no invoice paid beyond its amount.
    let students = one("SELECT COUNT(*) FROM enrollments e JOIN school_years y ON y.id = e.school_year_id WHERE y.current = TRUE").await;
    assert_eq!(one("SELECT COUNT(*) FROM invoices").await, students * 5);
    let receipts = one("SELECT COUNT(*) FROM payments").await;
    assert!(receipts > students * 7 / 10, "{receipts} receipts");
    assert_eq!(
        one("SELECT MAX(last_no) FROM receipt_counters").await,
        receipts
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM invoices i WHERE (SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id) < 0").await,
        0
    );
    assert!(one("SELECT COUNT(*) FROM discounts").await > 10);
    assert_eq!(demo.logins.len(), 6);
    let roles: Vec<_> = demo.logins.iter().map(|l| l.role.as_str()).collect();
    assert_eq!(
        roles,
        [
            "admin",
            "bursar",
            "secretary",
            "teacher",
            "parent",
            "student"
        ]
    );
    // The printed parent has two children in different classes; the teacher heads a class.
    let login = |role: &str| {
        demo.logins
            .iter()
            .find(|l| l.role == role)
            .map(|l| l.login.clone())
            .unwrap()
    };
    let parent = &login("parent");
    let (kids, classes): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT e.class_id) FROM student_guardians g JOIN users u ON u.id = g.user_id \
         JOIN enrollments e ON e.student_id = g.student_id WHERE u.phone = $1",
    )
    .bind(parent)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((kids, classes), (2, 2));
    // Both children's classes have online courses, which students have begun.
    let (with_courses,): (i64,) = sqlx::query_as(
        "SELECT COUNT(DISTINCT e.class_id) FROM student_guardians g JOIN users u ON u.id = g.user_id \
         JOIN enrollments e ON e.student_id = g.student_id JOIN courses c ON c.class_id = e.class_id WHERE u.phone = $1",
    )
    .bind(parent)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(with_courses, 2);
    let (done,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM course_progress WHERE completed_at IS NOT NULL")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(done > 50, "{done}");
    // The fractions lessons get a generated video, queued for its transcoding (ffmpeg is
    // installed where the suite runs).
    let files = tempfile::tempdir().unwrap();
    let videos = suku::demo::video::seed(&db.pool, files.path())
        .await
        .unwrap();
    assert!(videos >= 2, "{videos}");
    let (queued,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM course_videos v JOIN jobs j ON j.id = v.job_id \
         WHERE v.state = 'queued' AND v.source_size > 100000",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(queued, videos as i64);
    let (heads,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM classes c JOIN users u ON u.id = c.head_teacher_user_id WHERE u.email = $1")
        .bind(login("teacher"))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(heads >= 1);
    // Three past years for success prediction: full classes, closed terms, every student's
    // decision, some repeating a level, roll calls every school day.
    assert_eq!(
        one("SELECT COUNT(*) FROM school_years WHERE current = FALSE").await,
        3
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM enrollments e JOIN school_years y ON y.id = e.school_year_id WHERE y.current = FALSE").await,
        6000
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM periods p JOIN school_years y ON y.id = p.school_year_id WHERE y.current = FALSE AND p.closed = FALSE").await,
        0
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM council_records WHERE decision IS NOT NULL").await,
        6000
    );
    let passed = one("SELECT COUNT(*) FROM council_records WHERE decision = 'passe'").await;
    assert!((3600..5400).contains(&passed), "{passed} passed of 6000");
    let repeaters = one(
        "SELECT COUNT(*) FROM (SELECT e.student_id FROM enrollments e JOIN classes c ON c.id = e.class_id \
         GROUP BY e.student_id, c.level_id HAVING COUNT(*) > 1) AS x",
    )
    .await;
    assert!(repeaters > 300, "{repeaters} repeaters");
    assert!(
        suku::prediction::repo::history_size(&db.pool)
            .await
            .unwrap() as usize
            >= suku::prediction::routes::MIN_ROWS
    );
    // Deterministic: the same school every time.
    let db2 = crate::helpers::fresh_db().await;
    let again = suku::demo::generate(&db2.pool).await.unwrap();
    assert_eq!(
        demo.logins.iter().map(|l| &l.login).collect::<Vec<_>>(),
        again.logins.iter().map(|l| &l.login).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn next_year_is_prepared_from_this_one_then_opened() {
    let app = crate::helpers::TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let pool = &app.db.pool;
    let one = |sql: &'static str| async move { crate::helpers::scalar(pool, sql, None).await };
    let mut s = app.login_as("secretary").await;
    assert_eq!(
        s.post("/admin/annees/preparation", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/annees").await.plain();
    assert!(page.contains("Préparer l’année 2027-2028"), "{page}");
    let r = d.post("/admin/annees/preparation", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (next, current): (i64, bool) =
        sqlx::query_as("SELECT id, current FROM school_years WHERE label = '2027-2028'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert!(!current, "prepared, not opened");
    let count =
        |sql: &'static str| async move { crate::helpers::scalar(pool, sql, Some(next)).await };
    assert_eq!(
        count("SELECT COUNT(*) FROM classes WHERE school_year_id = $1").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM periods WHERE school_year_id = $1").await,
        3
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM teaching_assignments t JOIN classes c ON c.id = t.class_id WHERE c.school_year_id = $1").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM fee_tranches WHERE school_year_id = $1").await,
        3
    );
    let (due,): (chrono::NaiveDate,) =
        sqlx::query_as("SELECT MIN(due_on) FROM fee_tranches WHERE school_year_id = $1")
            .bind(next)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2027, 10, 15).unwrap());
    // Twice: refused, nothing more.
    d.post("/admin/annees/preparation", &[]).await;
    assert_eq!(one("SELECT COUNT(*) FROM school_years").await, 2);

    // The council decided: S1 moves up to 5e, S2 repeats 6e, S3 has no decision yet.
    let (l5,): (i64,) = sqlx::query_as(
        "INSERT INTO levels (code, name, cycle, ordinal) VALUES ('5e', 'Cinquième', 'college', 7) RETURNING id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let (c5,): (i64,) = sqlx::query_as(
        "INSERT INTO classes (school_year_id, level_id, grp, name) VALUES ($1, $2, 'A', '5e A') RETURNING id",
    )
    .bind(next)
    .bind(l5)
    .fetch_one(pool)
    .await
    .unwrap();
    let p3 = crate::helpers::scalar(
        pool,
        "SELECT id FROM periods WHERE ordinal = 3 AND school_year_id <> $1",
        Some(next),
    )
    .await;
    for (s, d) in [(app.f.s1, "passe"), (app.f.s2, "redouble")] {
        sqlx::query("INSERT INTO council_records (student_id, period_id, decision, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(s)
            .bind(p3)
            .bind(d)
            .bind(app.f.director)
            .bind(app.state.clock.now())
            .execute(pool)
            .await
            .unwrap();
    }
    let current = crate::helpers::scalar(
        pool,
        "SELECT id FROM school_years WHERE current = TRUE AND id <> $1",
        Some(next),
    )
    .await;
    assert_eq!(
        d.post(&format!("/admin/annees/{current}/passages"), &[])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let r = d.post(&format!("/admin/annees/{next}/passages"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        d.get("/admin/annees")
            .await
            .plain()
            .contains("Passent : 1. Redoublent : 1. À inscrire à la main : 1")
    );
    let enrolled: Vec<(i64, String)> = sqlx::query_as(
        "SELECT e.student_id, c.name FROM enrollments e JOIN classes c ON c.id = e.class_id WHERE e.school_year_id = $1 ORDER BY e.student_id",
    )
    .bind(next)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        enrolled,
        vec![
            (app.f.s1, "5e A".to_string()),
            (app.f.s2, "6e B".to_string())
        ]
    );
    let _ = c5;
    // The one who repeats is billed next year's 6e tranches.
    assert_eq!(
        count("SELECT COUNT(*) FROM invoices i JOIN fee_tranches t ON t.id = i.tranche_id WHERE t.school_year_id = $1").await,
        2
    );
    // Opening it makes it the year everyone works in: its classes are empty.
    let r = d
        .post(&format!("/admin/annees/{next}/ouverture"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        one("SELECT COUNT(*) FROM school_years WHERE current = TRUE").await,
        1
    );
    let classes = d.get("/admin/classes").await.plain();
    assert!(classes.contains("6e A"), "{classes}");
    let y = suku::school::current_year(pool).await.unwrap().unwrap();
    assert_eq!(y.label, "2027-2028");
}

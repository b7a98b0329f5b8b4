//! Accounts and school settings as the administration manages them: roles, sessions,
//! guardians, settings, assignments, names and classes.

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn changing_roles_ends_the_sessions_that_carry_the_old_ones() {
    let app = TestApp::new().await;
    let mut teacher = app.login_as("teacher_b").await;
    assert_eq!(teacher.get("/admin").await.status, StatusCode::FORBIDDEN);
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            &format!("/admin/utilisateurs/{}", app.f.teacher_b),
            &[
                ("first_name", "Ama"),
                ("last_name", "Tchalla"),
                ("email", "prof.b@test.tg"),
                ("roles", "teacher"),
                ("roles", "secretary"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The old session, which carried only the teacher role, is over.
    assert!(
        teacher
            .get("/enseignant")
            .await
            .location()
            .starts_with("/connexion")
    );
    let mut again = app.login_as("teacher_b").await;
    assert_eq!(again.get("/admin").await.status, StatusCode::OK);
    // Saving without a change of roles keeps sessions open.
    let r = d
        .post(
            &format!("/admin/utilisateurs/{}", app.f.teacher_b),
            &[
                ("first_name", "Ama"),
                ("last_name", "Tchalla"),
                ("email", "prof.b@test.tg"),
                ("roles", "secretary"),
                ("roles", "teacher"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(again.get("/admin").await.status, StatusCode::OK);
}

#[tokio::test]
async fn director_renames_the_school_and_every_page_shows_it() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/admin/etablissement",
            &[
                ("name", " "),
                ("city", "Kara"),
                ("phone", "12"),
                ("period_kind", "semestre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ce champ est obligatoire."));
    assert!(r.body.contains("Numéro invalide"));
    let r = d
        .post(
            "/admin/etablissement",
            &[
                ("name", "Lycée Kara Nord"),
                ("city", "Kara"),
                ("phone", "26 60 12 34"),
                ("period_kind", "semestre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = d.get("/admin/etablissement").await;
    assert!(page.body.contains("Lycée Kara Nord"));
    assert!(page.body.contains("+228 26 60 12 34"));
    assert!(page.body.contains("value=\"semestre\" selected"));
    let mut p = app.login_as("parent_1").await;
    assert!(
        p.get("/parent").await.body.contains("Lycée Kara Nord"),
        "the header shows the new name"
    );
}

#[tokio::test]
async fn teachers_are_assigned_to_subjects_of_a_class() {
    let app = TestApp::new().await;
    let (subject,): (i64,) = sqlx::query_as("SELECT id FROM subjects LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut d = app.login_as("secretary").await;
    let class_b = app.f.class_b;
    // Give 6e B's maths to teacher A: teacher A now sees 6e B's roster.
    let r = d
        .post(
            &format!("/admin/classes/{class_b}/enseignants"),
            &[
                ("subject_id", &subject.to_string()),
                ("teacher", &app.f.teacher_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut t = app.login_as("teacher_a").await;
    assert_eq!(
        t.get(&format!("/enseignant/classes/{class_b}"))
            .await
            .status,
        StatusCode::OK
    );
    // Remove it: access goes with it.
    let r = d
        .post(
            &format!("/admin/classes/{class_b}/enseignants/{subject}/retirer"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get(&format!("/enseignant/classes/{class_b}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Nonsense is refused with a message, not a 500.
    let r = d
        .post(
            &format!("/admin/classes/{class_b}/enseignants"),
            &[("subject_id", "x"), ("teacher", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Choisissez une matière et un enseignant."));
}

#[tokio::test]
async fn names_sort_and_search_without_minding_accents_case_or_apostrophes() {
    let app = TestApp::new().await;
    let mut d = app.login_as("secretary").await;
    let class_a = app.f.class_a.to_string();
    for (m, first, last) in [
        ("S-1", "ama ésaïe", "d'almeida"),
        ("S-2", "Essowèda", "TSOGBE"),
        ("S-3", "Aïcha", "Adzoh"),
        ("S-4", "Akossiwa", "Adzoh"),
    ] {
        let r = d
            .post(
                "/admin/eleves",
                &[
                    ("matricule", m),
                    ("first_name", first),
                    ("last_name", last),
                    ("sex", "F"),
                    ("class_id", &class_a),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let roster = d
        .get(&format!("/admin/classes/{}", app.f.class_a))
        .await
        .text();
    let pos = |name: &str| {
        roster
            .find(name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    // Adzoh Aïcha < Adzoh Akossiwa < Agbodjan < D'Almeida < Tsogbe.
    assert!(pos("ADZOH Aïcha") < pos("ADZOH Akossiwa"));
    assert!(pos("ADZOH Akossiwa") < pos("AGBODJAN Elom"));
    assert!(
        pos("AGBODJAN Elom") < pos("D'ALMEIDA Ama Ésaïe"),
        "typed in lower case, stored with capitals"
    );
    assert!(pos("D'ALMEIDA Ama Ésaïe") < pos("TSOGBE Essowèda"));
    // Search without accents, in any case, in either name order.
    for q in [
        "essoweda",
        "ESSOWEDA",
        "tsogbe essoweda",
        "essoweda tsogbe",
        "dalmeida",
    ] {
        let r = d
            .get(&format!("/admin/eleves?q={}", q.replace(' ', "+")))
            .await;
        assert!(r.text().contains("1 résultat"), "{q}");
    }
    // Parents by phone written as the list shows it.
    let r = d.get("/admin/parents?q=%2B228+90+00+00+02").await;
    assert!(r.text().contains("FIADJOE Komla"), "{}", r.body);
    let r = d.get("/admin/parents?q=90+00+00+02").await;
    assert!(r.text().contains("1 résultat"));
}

#[tokio::test]
async fn a_teacher_with_a_child_at_school_is_linked_as_a_parent() {
    let app = TestApp::new().await;
    let mut teacher = app.login_as("teacher_b").await;
    let mut d = app.login_as("secretary").await;
    let r = d
        .post(
            &format!("/admin/eleves/{}/parents", app.f.s3),
            &[("contact", "PROF.B@test.tg"), ("relationship", "pere")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        d.get(r.location())
            .await
            .text()
            .contains("a reçu le rôle parent")
    );
    // The teacher logs in again and finds both portals.
    assert!(
        teacher
            .get("/enseignant")
            .await
            .location()
            .starts_with("/connexion")
    );
    let mut again = app.login_as("teacher_b").await;
    assert!(
        again
            .get("/enseignant")
            .await
            .text()
            .contains("Passer en parent")
    );
    // Linking again says so; unlinking removes the link.
    let r = d
        .post(
            &format!("/admin/eleves/{}/parents", app.f.s3),
            &[("contact", "prof.b@test.tg"), ("relationship", "tuteur")],
        )
        .await;
    assert!(d.get(r.location()).await.text().contains("déjà relié"));
    let r = d
        .post(
            &format!(
                "/admin/eleves/{}/parents/{}/retirer",
                app.f.s3, app.f.teacher_b
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let guardians: Vec<(i64,)> =
        sqlx::query_as("SELECT user_id FROM student_guardians WHERE student_id = $1")
            .bind(app.f.s3)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(guardians, vec![(app.f.parent_2,)]);
    assert_eq!(
        d.post(
            &format!(
                "/admin/eleves/{}/parents/{}/retirer",
                app.f.s3, app.f.teacher_b
            ),
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn lycee_classes_need_a_serie_and_others_refuse_one() {
    let app = TestApp::new().await;
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    let (lycee,): (i64,) = sqlx::query_as("INSERT INTO levels (code, name, cycle, ordinal) VALUES ('1ère', 'Première', 'lycee', 11) RETURNING id")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let (serie,): (i64,) =
        sqlx::query_as("INSERT INTO series (code, name) VALUES ('D', 'Sciences') RETURNING id")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    let (sixieme,): (i64,) = sqlx::query_as("SELECT id FROM levels WHERE code = '6e'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/admin/classes",
            &[("level_id", &lycee.to_string()), ("grp", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Une classe du lycée a une série."));
    let r = d
        .post(
            "/admin/classes",
            &[
                ("level_id", &sixieme.to_string()),
                ("series_id", &serie.to_string()),
                ("grp", "C"),
            ],
        )
        .await;
    assert!(r.text().contains("Les séries n’existent qu’au lycée."));
    let r = d
        .post(
            "/admin/classes",
            &[
                ("level_id", &lycee.to_string()),
                ("series_id", &serie.to_string()),
                ("grp", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(d.get("/admin/classes").await.text().contains("1ère D 2"));
    // A page past the end shows the last page, not nonsense.
    let r = d.get("/admin/eleves?page=999").await;
    assert!(r.text().contains("3 résultats"));
    assert!(!r.text().contains("Page 999"));
}

//! The gradebook: evaluations, mark entry (one cell at a time and whole columns), locks,
//! authorization, audit and events.

use axum::http::StatusCode;

use crate::helpers::TestApp;

async fn period_ids(app: &TestApp) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT id FROM periods ORDER BY ordinal")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

/// Teacher A creates a devoir in 6e A maths, trimestre 1; returns the evaluation id.
async fn new_devoir(app: &TestApp, c: &mut crate::helpers::Client, scale: &str) -> i64 {
    let p1 = period_ids(app).await[0].to_string();
    let r = c
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", &p1),
                ("kind", "devoir"),
                ("title", "Devoir n° 1"),
                ("held_on", "2026-11-20"),
                ("scale", scale),
                ("weight", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_teacher_enters_marks_and_the_gradebook_averages_them() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let class_page = t
        .get(&format!("/enseignant/classes/{}", app.f.class_a))
        .await;
    assert!(class_page.body.contains(&format!(
        "/enseignant/classes/{}/matieres/{}",
        app.f.class_a, app.f.maths
    )));
    let e1 = new_devoir(&app, &mut t, "20").await;
    let page = t.get(&format!("/enseignant/evaluations/{e1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("AGBODJAN Elom"));
    assert!(page.body.contains("data-mark-grid"));
    // One cell, as htmx sends it (the whole form; only this student's cell counts).
    let cell = format!("note_{}", app.f.s1);
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e1}/eleves/{}", app.f.s1),
            &[(&cell, "12,5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("enregistrée"));
    // A composition out of 40: 31/40 is 15,50/20.
    let p1 = period_ids(&app).await[0].to_string();
    let r = t
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", &p1),
                ("kind", "composition"),
                ("title", "Composition"),
                ("held_on", "19/12/2026"),
                ("scale", "40"),
                ("weight", "1"),
            ],
        )
        .await;
    let e2: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let r = t
        .post(&format!("/enseignant/evaluations/{e2}"), &[(&cell, "31")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let book = t
        .get(&format!(
            "/enseignant/classes/{}/matieres/{}",
            app.f.class_a, app.f.maths
        ))
        .await;
    // (12,50 × 1 + 15,50 × 2) / 3 = 14,50
    assert!(
        book.body
            .contains("<strong class=\"avg avg-good\" title=\""),
        "{}",
        book.body
    );
    assert!(book.text().contains("14,50"), "{}", book.body);
    assert!(book.text().contains("(12,50 × 1 + 15,50 × 2) / 3 = 14,50"));
    // The change is audited and published as a school event, in the same transaction.
    let (audits,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'mark'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM school_events WHERE kind = 'mark.recorded'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((audits, events), (2, 2));
    // Changing a mark logs old → new.
    t.post(
        &format!("/enseignant/evaluations/{e1}/eleves/{}", app.f.s1),
        &[(&cell, "13")],
    )
    .await;
    let (old, new): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT old_value, new_value FROM audit_log WHERE entity = 'mark' AND action = 'update'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (old.as_deref(), new.as_deref()),
        (Some("12,5/20"), Some("13/20"))
    );
}

#[tokio::test]
async fn bad_marks_are_explained_and_a_column_saves_all_or_nothing() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let e = new_devoir(&app, &mut t, "20").await;
    let cell = format!("note_{}", app.f.s1);
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s1),
            &[(&cell, "21")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("entre 0 et 20"));
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s1),
            &[(&cell, "douze")],
        )
        .await;
    assert!(r.text().contains("Note illisible"));
    // A student of another class cannot be marked here.
    let other = format!("note_{}", app.f.s3);
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s3),
            &[(&other, "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Whole column with one bad cell: nothing saved, the bad cell explained, typed values kept.
    let r = t
        .post(&format!("/enseignant/evaluations/{e}"), &[(&cell, "25")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"25\""));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM marks")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // abs and disp are marks too.
    let r = t
        .post(&format!("/enseignant/evaluations/{e}"), &[(&cell, "ABS")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (status,): (String,) = sqlx::query_as("SELECT status FROM marks")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "absent");
}

#[tokio::test]
async fn only_the_subject_teacher_grades_and_a_closed_period_is_locked() {
    let app = TestApp::new().await;
    let mut a = app.login_as("teacher_a").await;
    let e = new_devoir(&app, &mut a, "20").await;
    // Teacher B teaches maths in 6e B, not 6e A: no gradebook, no evaluation, no mark.
    let mut b = app.login_as("teacher_b").await;
    let url = format!(
        "/enseignant/classes/{}/matieres/{}",
        app.f.class_a, app.f.maths
    );
    assert_eq!(b.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.get(&format!("/enseignant/evaluations/{e}")).await.status,
        StatusCode::FORBIDDEN
    );
    let cell = format!("note_{}", app.f.s1);
    assert_eq!(
        b.post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s1),
            &[(&cell, "20")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Parents and students do not reach the gradebook either.
    let mut p = app.login_as("parent_1").await;
    assert_eq!(p.get(&url).await.status, StatusCode::FORBIDDEN);
    // The administration closes trimestre 1: edits are refused, with the reason.
    sqlx::query("UPDATE periods SET closed = TRUE WHERE ordinal = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = a
        .post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s1),
            &[(&cell, "15")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("clôturée"));
    let page = a.get(&format!("/enseignant/evaluations/{e}")).await;
    assert!(page.body.contains("disabled"));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM marks")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Malformed ids.
    assert_eq!(
        a.get("/enseignant/evaluations/abc").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        a.get("/enseignant/classes/x/matieres/1").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn evaluation_form_errors_are_explained() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let p1 = period_ids(&app).await[0].to_string();
    let r = t
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", &p1),
                ("kind", "quiz"),
                ("title", ""),
                ("held_on", "32/13/2026"),
                ("scale", "0"),
                ("weight", "11"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "Ce champ est obligatoire.",
        "Le 32/13/2026 n’existe pas.",
        "Un nombre entier de 1 à 100.",
        "Un nombre entier de 1 à 10.",
    ] {
        assert!(r.text().contains(msg), "{msg}");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM evaluations")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn families_see_marks_as_they_come() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let e = new_devoir(&app, &mut t, "20").await;
    let cell = format!("note_{}", app.f.s1);
    t.post(&format!("/enseignant/evaluations/{e}"), &[(&cell, "14,5")])
        .await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/parent/enfants/{}", app.f.s1)).await;
    assert!(page.text().contains("Devoir n° 1"), "{}", page.body);
    assert!(page.text().contains("14,5"));
    assert!(page.text().contains("moyenne\u{a0}: 14,50"));
    // The sibling in another class has no marks; the student sees their own.
    let sibling = p.get(&format!("/parent/enfants/{}", app.f.s2)).await;
    assert!(sibling.text().contains("Pas encore de note"));
    let mut s = app.login_as("student").await;
    assert!(
        s.get("/eleve/notes")
            .await
            .text()
            .contains("moyenne\u{a0}: 14,50")
    );
    // Another family sees nothing of it.
    let mut other = app.login_as("parent_2").await;
    let r = other.get(&format!("/parent/enfants/{}", app.f.s1)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.text().contains("14,5"));
}

#[tokio::test]
async fn the_journal_says_who_did_what_in_words_and_filters_by_person_kind_and_date() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let e1 = new_devoir(&app, &mut t, "20").await;
    let cell = format!("note_{}", app.f.s1);
    let url = format!("/enseignant/evaluations/{e1}/eleves/{}", app.f.s1);
    for v in ["16", "13,5", "abs"] {
        assert_eq!(t.post(&url, &[(&cell, v)]).await.status, StatusCode::OK);
    }
    let mut d = app.login_as("director").await;
    let log = d.get("/admin/journal").await.plain();
    // Names, not ids; marks as the reader writes them.
    assert!(
        log.contains("Yao Kpodar a saisi 16/20 à AGBODJAN Elom, Devoir n° 1, Mathématiques, 6e A."),
        "{log}"
    );
    assert!(
        log.contains("Yao Kpodar a changé la note de AGBODJAN Elom de 16/20 à 13,5/20"),
        "{log}"
    );
    assert!(log.contains("de 13,5/20 à absent"), "{log}");
    assert!(!log.contains(&format!("{e1}:{}", app.f.s1)), "{log}");
    // In English, the decimal point is a point.
    d.post("/langue", &[("lang", "en")]).await;
    let en = d.get("/admin/journal").await.plain();
    assert!(
        en.contains("Yao Kpodar changed AGBODJAN Elom's mark from 16/20 to 13.5/20"),
        "{en}"
    );
    d.post("/langue", &[("lang", "fr")]).await;
    // By person: the director made none of these changes.
    let page = d
        .get(&format!("/admin/journal?qui={}", app.f.director))
        .await;
    assert!(!page.plain().contains("Yao Kpodar a"), "{}", page.plain());
    let page = d
        .get(&format!("/admin/journal?qui={}", app.f.teacher_a))
        .await
        .plain();
    assert_eq!(page.matches("Yao Kpodar a ").count(), 3, "{page}");
    // By kind.
    let page = d.get("/admin/journal?filtre=payment").await.plain();
    assert!(!page.contains("Yao Kpodar a"), "{page}");
    // By date: the marks were entered on the school's 02/12/2026.
    let page = d.get("/admin/journal?au=2026-12-01").await.plain();
    assert!(page.contains("Aucun résultat"), "{page}");
    let page = d
        .get("/admin/journal?du=2026-12-02&au=02/12/2026")
        .await
        .plain();
    assert_eq!(page.matches("Yao Kpodar a ").count(), 3, "{page}");
    // A date that cannot be read is said so, in the form.
    let r = d.get("/admin/journal?du=le-2-decembre").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Date"), "{}", r.plain());
}

/// The text of the element whose class list starts with `class` (up to its next tag).
fn text_of_class<'a>(body: &'a str, class: &str) -> Vec<&'a str> {
    let open = format!("class=\"{class}\"");
    body.match_indices(&open)
        .map(|(i, _)| {
            let rest = &body[i..];
            let start = rest.find('>').unwrap() + 1;
            let end = rest[start..].find('<').unwrap();
            rest[start..start + end].trim()
        })
        .collect()
}

/// An average below 10 is red, from 10 to under 12 amber, from 12 green, with one class
/// wherever it is shown: the family's marks, the teacher's gradebook.
#[tokio::test]
async fn averages_are_coloured_by_threshold() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let mut p = app.login_as("parent_1").await;
    let s1 = app.f.s1;
    let child = format!("/parent/enfants/{s1}");
    let gradebook = format!(
        "/enseignant/classes/{}/matieres/{}",
        app.f.class_a, app.f.maths
    );
    for (mark, average, class) in [
        ("8", "8,00", "avg avg-low"),
        ("14", "11,00", "avg avg-mid"),
        ("20", "14,00", "avg avg-good"),
    ] {
        let e = crate::helpers::evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-20").await;
        crate::helpers::set_mark(&mut t, e, s1, mark).await;
        let page = p.get(&child).await;
        assert_eq!(page.status, StatusCode::OK);
        let shown = text_of_class(&page.body, class);
        assert!(
            shown.iter().any(|s| s.contains(average)),
            "{average} should be {class}: {shown:?}"
        );
        for other in ["avg avg-low", "avg avg-mid", "avg avg-good"] {
            if other != class {
                assert!(
                    text_of_class(&page.body, other).is_empty(),
                    "{average} is also {other}"
                );
            }
        }
        let book = t.get(&gradebook).await;
        assert!(
            text_of_class(&book.body, class)
                .iter()
                .any(|s| s.contains(average)),
            "gradebook: {average} should be {class}"
        );
    }
}

/// The gradebook's footer gives each evaluation's class mean, lowest and highest mark; a
/// parent sees them beside their child's mark once five students of the class are marked.
#[tokio::test]
async fn the_class_spread_is_in_the_gradebook_and_beside_the_childs_mark() {
    let app = crate::helpers::TestApp::new().await;
    let f = app.f.clone();
    let mut others = Vec::new();
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    for (i, first) in ["Akou", "Dela", "Kafui", "Mawuli"].into_iter().enumerate() {
        let id = suku::school::insert_student(
            &mut *tx,
            &suku::school::StudentInput {
                matricule: format!("T-10{i}"),
                first_name: first.into(),
                last_name: "Classe".into(),
                sex: "F",
                birth_date: None,
                birth_place: None,
            },
            None,
            app.state.clock.now(),
        )
        .await
        .unwrap();
        suku::school::enroll(&mut *tx, id, f.class_a, app.state.clock.now())
            .await
            .unwrap();
        others.push(id);
    }
    tx.commit().await.unwrap();
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "14").await;
    crate::helpers::set_mark(&mut t, eval, others[0], "8").await;
    crate::helpers::set_mark(&mut t, eval, others[1], "10").await;
    let mut p = app.login_as("parent_1").await;
    let child = p.get(&format!("/parent/enfants/{}", f.s1)).await;
    assert!(
        child.plain().contains("Devoir surveillé"),
        "{}",
        child.plain()
    );
    assert!(
        !child.plain().contains("Classe : moyenne"),
        "three marks: too few to show the class's"
    );
    crate::helpers::set_mark(&mut t, eval, others[2], "12").await;
    crate::helpers::set_mark(&mut t, eval, others[3], "16").await;
    let book = t
        .get(&format!(
            "/enseignant/classes/{}/matieres/{}",
            f.class_a, f.maths
        ))
        .await;
    let foot = book.text();
    let foot = foot
        .split("<tfoot>")
        .nth(1)
        .unwrap()
        .split("</tfoot>")
        .next()
        .unwrap();
    assert!(
        foot.contains("Moyenne de la classe") && foot.contains(">12<"),
        "{foot}"
    );
    assert!(foot.contains(">8<") && foot.contains(">16<"), "{foot}");
    let child = p.get(&format!("/parent/enfants/{}", f.s1)).await;
    assert!(
        child
            .plain()
            .contains("Classe : moyenne 12 · plus basse 8 · plus haute 16"),
        "{}",
        child.plain()
    );
}

#[tokio::test]
async fn an_evaluation_is_copied_to_the_teacher_s_other_classes_only() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    // Teacher A also teaches maths in a third class.
    let (level, year): (i64, i64) =
        sqlx::query_as("SELECT level_id, school_year_id FROM classes WHERE id = $1")
            .bind(f.class_a)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (class_c,): (i64,) = sqlx::query_as(
        "INSERT INTO classes (school_year_id, level_id, grp, name) VALUES ($1, $2, 'C', '6e C') RETURNING id",
    )
    .bind(year)
    .bind(level)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3)",
    )
    .bind(class_c)
    .bind(f.maths)
    .bind(f.teacher_a)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await;
    let page = t.get(&format!("/enseignant/evaluations/{eval}")).await;
    assert!(
        page.body
            .contains(&format!("name=\"class\" value=\"{class_c}\""))
    );
    assert!(
        !page
            .body
            .contains(&format!("name=\"class\" value=\"{}\"", f.class_b)),
        "6e B's maths are teacher B's"
    );
    let count = |class: i64| {
        let pool = app.db.pool.clone();
        async move {
            crate::helpers::scalar(
                &pool,
                "SELECT COUNT(*) FROM evaluations WHERE class_id = $1",
                Some(class),
            )
            .await
        }
    };
    // Another teacher's class among the ticked ones: refused, and nothing is copied.
    let copy = format!("/enseignant/evaluations/{eval}/copie");
    let r = t
        .post(
            &copy,
            &[
                ("class", class_c.to_string().as_str()),
                ("class", f.class_b.to_string().as_str()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(count(class_c).await, 0);
    let r = t.post(&copy, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(class_c).await, 0);
    let r = t
        .post(&copy, &[("class", class_c.to_string().as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(class_c).await, 1);
    let page = t.get(&format!("/enseignant/evaluations/{eval}")).await;
    assert!(
        page.plain().contains("copiée dans 1 classe"),
        "{}",
        page.plain()
    );
    let (title, kind, scale): (String, String, i64) =
        sqlx::query_as("SELECT title, kind, scale FROM evaluations WHERE class_id = $1")
            .bind(class_c)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (title.as_str(), kind.as_str(), scale),
        ("Devoir surveillé", "devoir", 20)
    );
    // Teacher B cannot copy teacher A's evaluation anywhere.
    let mut b = app.login_as("teacher_b").await;
    let r = b
        .post(&copy, &[("class", f.class_b.to_string().as_str())])
        .await;
    assert!(matches!(
        r.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
}

#[tokio::test]
async fn a_parent_sees_coefficients_and_the_general_average_so_far() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "13,5").await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/parent/enfants/{}", f.s1)).await;
    let plain = page.plain();
    assert!(plain.contains("Coef. 1"), "{plain}");
    assert!(
        plain.contains("Moyenne générale provisoire : 13,50"),
        "{plain}"
    );
}

//! Bulletins end to end: marks entered by the teacher, computed for the class, visible to
//! staff at once and to families once the director closes and publishes the period.

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_term_from_marks_to_published_bulletins() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let (p1,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // A second subject with coefficient 2 for 6e, taught by teacher B in 6e B.
    let (french,): (i64,) =
        sqlx::query_as("INSERT INTO subjects (code, name) VALUES ('FR', 'Français') RETURNING id")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let (level,): (i64,) = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(f.class_b)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO subject_coefficients (level_id, series_key, subject_id, coefficient) VALUES ($1, 0, $2, 2), ($1, 0, $3, 3)")
        .bind(level)
        .bind(french)
        .bind(f.maths)
        .execute(&app.db.pool)
        .await
        .unwrap();
    suku::school::assign(&app.db.pool, f.class_b, french, f.teacher_b)
        .await
        .unwrap();

    let mut t = app.login_as("teacher_b").await;
    let p1s = p1.to_string();
    let mut ids = Vec::new();
    for (subject, kind, scale) in [
        (f.maths, "devoir", "20"),
        (f.maths, "composition", "20"),
        (french, "devoir", "10"),
    ] {
        let url = format!("/enseignant/classes/{}/matieres/{subject}", f.class_b);
        let r = t
            .post(
                &url,
                &[
                    ("period_id", &p1s),
                    ("kind", kind),
                    ("title", kind),
                    ("held_on", "2026-11-20"),
                    ("scale", scale),
                    ("weight", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        ids.push(
            r.location()
                .rsplit('/')
                .next()
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        );
    }
    let (m_dev, m_comp, fr_dev) = (ids[0], ids[1], ids[2]);
    let (s2, s3) = (format!("note_{}", f.s2), format!("note_{}", f.s3));
    for (e, a, b) in [
        (m_dev, "12", "14"),
        (m_comp, "15", "11"),
        (fr_dev, "6", "7,5"),
    ] {
        let r = t
            .post(
                &format!("/enseignant/evaluations/{e}"),
                &[(&s2, a), (&s3, b)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // By hand:
    //  Sena (S2): maths (12 × 1 + 15 × 2) / 3 = 14,00; français 6/10 = 12,00;
    //             (14 × 3 + 12 × 2) / 5 = 13,20 → 1er.
    //  Yawo (S3): maths (14 + 22) / 3 = 12,00; français 7,5/10 = 15,00;
    //             (12 × 3 + 15 × 2) / 5 = 13,20 → also 13,20: 1er ex aequo.
    let url = format!("/bulletins/{}/{p1}", f.s2);
    let mut d = app.login_as("director").await;
    let page = d.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let text = page.text();
    assert!(text.contains("data-testid=\"general\">13,20<"), "{text}");
    assert!(text.contains("data-testid=\"rank\">1er ex<"), "{text}");
    assert!(
        text.contains("(12,00 × 2 + 14,00 × 3) / 5 = 13,20"),
        "subjects in bulletin order"
    );
    assert!(text.contains("Tableau d’honneur"));
    assert!(text.contains("Bulletin en préparation"));
    // The class results, ranked.
    let results = d
        .get(&format!(
            "/admin/classes/{}/bulletins?periode={p1}",
            f.class_b
        ))
        .await
        .text();
    assert!(results.contains("2 élèves classés"));
    // Families wait for the publication.
    let mut parent = app.login_as("parent_1").await;
    assert_eq!(parent.get(&url).await.status, StatusCode::FORBIDDEN);
    assert!(
        !parent
            .get(&format!("/parent/enfants/{}", f.s2))
            .await
            .body
            .contains(&url)
    );
    // Publishing needs a closed period.
    let publication = format!("/admin/periodes/{p1}/publication");
    let r = d.post(&publication, &[("action", "publish")]).await;
    assert!(
        d.get(r.location())
            .await
            .text()
            .contains("Clôturez la période")
    );
    d.post(&format!("/admin/periodes/{p1}/cloture"), &[]).await;
    // A form sent without the confirmation step leads to it and publishes nothing.
    let r = d.post(&publication, &[]).await;
    assert_eq!(r.location(), publication);
    let events = || async {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM school_events WHERE kind = 'bulletin.published'")
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        n
    };
    assert_eq!(events().await, 0);
    // The confirmation says, in words, who will be told: the two families' guardians (parent
    // 1 has two children, counted once) and the one student with an account.
    let confirm = d.get(&publication).await;
    assert_eq!(confirm.status, StatusCode::OK);
    let text = confirm.plain();
    assert!(
        text.contains("Deux (2) parents et tuteurs seront prévenus."),
        "{text}"
    );
    assert!(text.contains("Un élève qui a son propre compte le sera aussi."));
    assert!(
        text.contains("Attention : 2 classes ne sont pas prêtes : 6e A, 6e B"),
        "{text}"
    );
    assert!(confirm.body.contains("name=\"action\" value=\"publish\""));
    let r = d.post(&publication, &[("action", "publish")]).await;
    assert!(
        d.get(r.location())
            .await
            .text()
            .contains("Bulletins publiés")
    );
    assert_eq!(events().await, 1);
    // Sent again, nothing changes and nobody is told twice.
    d.post(&publication, &[("action", "publish")]).await;
    assert_eq!(events().await, 1);
    let (published,): (bool,) = sqlx::query_as("SELECT published FROM periods WHERE id = $1")
        .bind(p1)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(published);
    // Only the director publishes or sees the confirmation.
    let mut sec = app.login_as("secretary").await;
    assert_eq!(sec.get(&publication).await.status, StatusCode::FORBIDDEN);
    // Now the parent sees it, from a link on the child's page, with the same numbers.
    let child = parent
        .get(&format!("/parent/enfants/{}?periode={p1}", f.s2))
        .await;
    assert!(child.body.contains(&url), "{}", child.body);
    let seen = parent.get(&url).await.text();
    assert!(seen.contains("data-testid=\"general\">13,20<"));
    assert!(!seen.contains("Bulletin en préparation"));
    // Never another family's bulletin, nor another child's by a changed id.
    let mut other = app.login_as("parent_2").await;
    assert_eq!(other.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.get(&format!("/bulletins/{}/{p1}", f.s3)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        other.get(&format!("/bulletins/{}/abc", f.s3)).await.status,
        StatusCode::NOT_FOUND
    );
    // Marks are locked now.
    let r = t
        .post(
            &format!("/enseignant/evaluations/{m_dev}/eleves/{}", f.s2),
            &[(&s2, "20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Only the director closes and publishes.
    assert_eq!(
        sec.post(&format!("/admin/periodes/{p1}/cloture"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_director_sets_coefficients_and_reads_the_log() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let (level,): (i64,) = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(f.class_b)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut d = app.login_as("director").await;
    let url = format!("/admin/coefficients?niveau={level}&serie=0");
    let page = d.get(&url).await;
    assert!(page.text().contains("Mathématiques"));
    let field = format!("coef_{}", f.maths);
    let group = format!("group_{}", f.maths);
    // A wrong value: explained, nothing saved.
    let r = d
        .post(&url, &[(&field, "11"), (&group, "scientifiques")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Un nombre entier de 1 à 10"));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM subject_coefficients")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let r = d
        .post(&url, &[(&field, "4"), (&group, "scientifiques")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(d.get(r.location()).await.text().contains("value=\"4\""));
    // The bulletin uses it.
    let (coef,): (i64,) = sqlx::query_as(
        "SELECT coefficient FROM subject_coefficients WHERE level_id = $1 AND subject_id = $2",
    )
    .bind(level)
    .bind(f.maths)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(coef, 4);
    let subjects = suku::bulletins::repo::class_subjects(&app.db.pool, f.class_b)
        .await
        .unwrap();
    assert_eq!(subjects[0].coefficient, 4);
    // The change is in the log, with the director's name; the secretary may not read it.
    let log = d.get("/admin/journal?filtre=coefficient").await.text();
    assert!(log.contains("Kossi Amegan"), "{log}");
    assert!(log.contains("Coefficient"));
    let mut s = app.login_as("secretary").await;
    assert_eq!(s.get("/admin/journal").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        s.post(&url, &[(&field, "2")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.get(&url).await.status, StatusCode::OK);
}

/// The row of a class in the readiness table.
fn class_row<'a>(page: &'a str, class: &str) -> &'a str {
    let at = page
        .find(&format!("data-class=\"{class}\""))
        .unwrap_or_else(|| panic!("no row for {class}"));
    let end = page[at..].find("</tr>").unwrap() + at;
    &page[at..end]
}

#[tokio::test]
async fn the_periods_page_shows_the_steps_and_what_each_class_still_lacks() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let (p1,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let p1s = p1.to_string();
    // 6e A: a composition marked, the appreciation written, the council held.
    let mut ta = app.login_as("teacher_a").await;
    let r = ta
        .post(
            &format!("/enseignant/classes/{}/matieres/{}", f.class_a, f.maths),
            &[
                ("period_id", &p1s),
                ("kind", "composition"),
                ("title", "Composition"),
                ("held_on", "2026-11-20"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    let comp: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    crate::helpers::set_mark(&mut ta, comp, f.s1, "14").await;
    let r = ta
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}/appreciations?periode={p1}",
                f.class_a, f.maths
            ),
            &[(&format!("app_{}", f.s1), "Bon travail")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            &format!("/conseil/classes/{}?periode={p1}", f.class_a),
            &[
                (&format!("conduct_{}", f.s1), "15"),
                (&format!("head_{}", f.s1), ""),
                (&format!("council_{}", f.s1), "Encouragements"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    // 6e B: a devoir where one of its two students has no mark yet, nothing else.
    let mut tb = app.login_as("teacher_b").await;
    let e = crate::helpers::evaluation(&app, &mut tb, f.class_b, 1, "2026-11-20").await;
    crate::helpers::set_mark(&mut tb, e, f.s2, "12").await;

    let page = d.get(&format!("/admin/periodes?periode={p1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.text().replace('\u{a0}', " ");
    let a = class_row(&body, "6e A");
    for cell in [
        "data-cell=\"marks\">1/1<",
        "data-cell=\"compositions\">1/1<",
        "data-cell=\"appreciations\">1/1<",
        "data-cell=\"conduct\">1/1<",
        ">Tenu<",
        ">Prête<",
    ] {
        assert!(a.contains(cell), "6e A: {cell} in {a}");
    }
    let b = class_row(&body, "6e B");
    for cell in [
        "data-cell=\"marks\">0/1<",
        "data-cell=\"compositions\">0/1<",
        "data-cell=\"appreciations\">0/1<",
        "data-cell=\"conduct\">0/2<",
        ">Pas encore tenu<",
        ">À compléter<",
        "Notes manquantes : Mathématiques",
        "Sans composition : Mathématiques",
    ] {
        assert!(b.contains(cell), "6e B: {cell} in {b}");
    }
    // The steps, in their order, with the state of each.
    let plain = page.plain();
    let steps = &plain[plain
        .find("La publication, étape par étape")
        .expect("the steps")..];
    let order = [
        "Notes, compositions et appréciations des enseignants Classes prêtes : 1 sur 2",
        "Clôture de la période ouverte à la saisie",
        "Conseil de classe Classes prêtes : 1 sur 2",
        "Publication en préparation Clôturez la période avant de publier ses bulletins.",
    ];
    let mut from = 0;
    for s in order {
        let at = steps[from..]
            .find(s)
            .unwrap_or_else(|| panic!("{s} after position {from} in {steps}"));
        from += at + s.len();
    }
    // Once closed, the last step leads to the confirmation, not to a publication.
    d.post(&format!("/admin/periodes/{p1}/cloture"), &[]).await;
    let page = d.get(&format!("/admin/periodes?periode={p1}")).await.text();
    assert!(page.contains(&format!(
        "href=\"/admin/periodes/{p1}/publication\" class=\"button primary\" data-testid=\"publish\""
    )));
    // The bursar reads the same page, without the director's buttons.
    let mut b = app.login_as("bursar").await;
    let page = b.get(&format!("/admin/periodes?periode={p1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("data-class=\"6e A\""));
    assert!(!page.text().contains("data-testid=\"publish\""));
}

/// The director follows the marks entry class by class and subject by subject before the
/// council, and reminds the teacher of a subject still owed.
#[tokio::test]
async fn the_marks_entry_is_followed_per_subject_and_late_teachers_reminded() {
    let app = crate::helpers::TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "12").await;
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/saisie").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let text = page.plain();
    assert!(
        text.contains("6e A") && text.contains("Mathématiques"),
        "{text}"
    );
    assert!(text.contains("1/1"), "the evaluation is complete: {text}");
    assert!(text.contains("manquante"), "no composition yet: {text}");
    let r = d
        .post(
            "/admin/saisie/relance",
            &[
                ("class", &f.class_a.to_string()),
                ("subject", &f.maths.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER);
    let bell = t.get("/notifications").await.plain();
    assert!(
        bell.contains("Mathématiques en 6e A sont attendues avant le conseil"),
        "{bell}"
    );
    let mut b = app.login_as("bursar").await;
    assert_eq!(
        b.get("/admin/saisie").await.status,
        axum::http::StatusCode::FORBIDDEN
    );
}

//! The conseil de classe: teachers' appreciations, the council's sheet (conduct,
//! appreciations, decision), the annual average, and all of it on the bulletin.

use axum::http::StatusCode;

use crate::helpers::{Client, TestApp, scalar};

/// Teacher A gives S1 a devoir in maths in `period` with `mark`.
async fn mark(t: &mut Client, app: &TestApp, period: i64, mark: &str) {
    let url = format!(
        "/enseignant/classes/{}/matieres/{}",
        app.f.class_a, app.f.maths
    );
    let r = t
        .post(
            &url,
            &[
                ("period_id", &period.to_string()),
                ("kind", "devoir"),
                ("title", "Devoir"),
                ("held_on", "2026-11-20"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e = r.location().rsplit('/').next().unwrap().to_string();
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}"),
            &[(&format!("note_{}", app.f.s1), mark)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

async fn period(app: &TestApp, ordinal: i64) -> i64 {
    scalar(
        &app.db.pool,
        "SELECT id FROM periods WHERE ordinal = $1",
        Some(ordinal),
    )
    .await
}

#[tokio::test]
async fn appreciations_are_saved_whole_and_locked_with_the_period() {
    let app = TestApp::new().await;
    let p1 = period(&app, 1).await;
    let url = format!(
        "/enseignant/classes/{}/matieres/{}/appreciations?periode={p1}",
        app.f.class_a, app.f.maths
    );
    let field = format!("app_{}", app.f.s1);
    let mut t = app.login_as("teacher_a").await;
    let page = t.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("list=\"appreciation-words\""));
    let long = "x".repeat(201);
    let r = t.post(&url, &[(&field, &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM appreciations", None).await,
        0
    );
    let r = t.post(&url, &[(&field, "Bon travail, continuez")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut d = app.login_as("director").await;
    let bulletin = d
        .get(&format!("/bulletins/{}/{p1}", app.f.s1))
        .await
        .plain();
    assert!(bulletin.contains("Bon travail, continuez"), "{bulletin}");
    // Not the subject of teacher B in that class.
    let mut tb = app.login_as("teacher_b").await;
    assert_eq!(tb.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        tb.post(&url, &[(&field, "Piraté")]).await.status,
        StatusCode::FORBIDDEN
    );
    // Closed period: refused, nothing changes.
    d.post(&format!("/admin/periodes/{p1}/cloture"), &[]).await;
    let r = t.post(&url, &[(&field, "Changé après la clôture")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (text,): (String,) = sqlx::query_as("SELECT text FROM appreciations")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(text, "Bon travail, continuez");
}

#[tokio::test]
async fn the_council_decides_at_year_end_from_the_annual_average() {
    let app = TestApp::new().await;
    let (p1, p2, p3) = (
        period(&app, 1).await,
        period(&app, 2).await,
        period(&app, 3).await,
    );
    let mut t = app.login_as("teacher_a").await;
    // S1 in maths: 12 in the first term, nothing in the second, 15 in the third:
    // annual (12 + 15) / 2 = 13,50.
    mark(&mut t, &app, p1, "12").await;
    mark(&mut t, &app, p3, "15").await;
    let _ = p2;
    let sheet = format!("/conseil/classes/{}?periode={p3}", app.f.class_a);
    let page = t.get(&sheet).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the professeur principal runs the sheet"
    );
    let text = page.plain();
    assert!(text.contains("13,50"), "{text}");
    // The proposal is pre-selected.
    assert!(page.body.contains("value=\"passe\" selected"));
    for who in ["teacher_b", "parent_1", "student", "bursar"] {
        let mut c = app.login_as(who).await;
        assert_eq!(c.get(&sheet).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    let s1 = app.f.s1;
    let (conduct, head, council, decision) = (
        format!("conduct_{s1}"),
        format!("head_{s1}"),
        format!("council_{s1}"),
        format!("decision_{s1}"),
    );
    // A conduct mark above 20 and a decision outside the list: nothing saved.
    let r = t
        .post(&sheet, &[(&conduct, "25"), (&decision, "promu")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM council_records", None).await,
        0
    );
    // No decision before the last term.
    let r = t
        .post(
            &format!("/conseil/classes/{}?periode={p1}", app.f.class_a),
            &[(&decision, "passe")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post(
            &sheet,
            &[
                (&conduct, "16,5"),
                (&head, "Élève sérieux et appliqué."),
                (&council, "Félicitations du conseil."),
                (&decision, "passe"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // On the bulletin of the last term, once published, the family reads it all.
    let mut d = app.login_as("director").await;
    d.post(&format!("/admin/periodes/{p3}/cloture"), &[]).await;
    d.post(
        &format!("/admin/periodes/{p3}/publication"),
        &[("action", "publish")],
    )
    .await;
    let mut p = app.login_as("parent_1").await;
    let b = p.get(&format!("/bulletins/{s1}/{p3}")).await;
    assert_eq!(b.status, StatusCode::OK);
    let text = b.plain();
    for s in [
        "Conduite : 16,50 / 20",
        "Élève sérieux et appliqué.",
        "Félicitations du conseil.",
        "Passe en classe supérieure",
        "Moyenne annuelle : 13,50",
    ] {
        assert!(text.contains(s), "missing {s}: {text}");
    }
    // Published: the sheet is closed.
    let r = t.post(&sheet, &[(&decision, "redouble")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let annual = d
        .get(&format!("/conseil/classes/{}/annuel", app.f.class_a))
        .await;
    assert_eq!(annual.status, StatusCode::OK);
    assert!(annual.plain().contains("13,50"));
    assert!(annual.plain().contains("Passe en classe supérieure"));
}

#[tokio::test]
async fn the_director_sets_the_grading_rules_and_every_average_follows() {
    let app = TestApp::new().await;
    let p1 = period(&app, 1).await;
    let mut t = app.login_as("teacher_a").await;
    let url = format!(
        "/enseignant/classes/{}/matieres/{}",
        app.f.class_a, app.f.maths
    );
    for (kind, mark) in [("devoir", "12"), ("composition", "16")] {
        let r = t
            .post(
                &url,
                &[
                    ("period_id", &p1.to_string()),
                    ("kind", kind),
                    ("title", kind),
                    ("held_on", "2026-11-20"),
                    ("scale", "20"),
                    ("weight", "1"),
                ],
            )
            .await;
        let e = r.location().to_string();
        t.post(&e, &[(&format!("note_{}", app.f.s1), mark)]).await;
    }
    let bulletin = format!("/bulletins/{}/{p1}", app.f.s1);
    let mut d = app.login_as("director").await;
    // The usual rule: (12 × 1 + 16 × 2) / 3 = 14,67.
    assert!(d.get(&bulletin).await.plain().contains("14,67"));
    for (who, status) in [
        ("bursar", StatusCode::OK),
        ("teacher_a", StatusCode::FORBIDDEN),
        ("parent_1", StatusCode::FORBIDDEN),
    ] {
        let mut c = app.login_as(who).await;
        assert_eq!(c.get("/admin/notation").await.status, status, "{who}");
    }
    let form = |honour: &'static str| {
        vec![
            ("class_work_weight", "1"),
            ("composition_weight", "1"),
            ("honour_roll", honour),
            ("encouragement", "14"),
            ("congratulations", "16"),
            ("warning_below", "8"),
            ("reprimand_below", "6"),
            ("pass_mark", "10,5"),
        ]
    };
    // Thresholds out of order: refused, nothing stored.
    let r = d.post("/admin/notation", &form("15")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Les seuils doivent aller croissant"));
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM settings WHERE key = 'grading'",
            None
        )
        .await,
        0
    );
    let mut b = app.login_as("bursar").await;
    assert_eq!(
        b.post("/admin/notation", &form("12")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = d.post("/admin/notation", &form("12")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Devoirs and composition now weigh the same: (12 + 16) / 2 = 14,00.
    let text = d.get(&bulletin).await.plain();
    assert!(text.contains("14,00") && !text.contains("14,67"), "{text}");
    let log = d.get("/admin/journal").await.plain();
    assert!(
        log.contains("Kossi Amegan a modifié les réglages de notation."),
        "{log}"
    );
}

/// Each appreciation is saved as it is typed (the field posts itself after a pause, as a
/// mark does) and says so beside it; the button stays for a page without JavaScript. A text
/// sent twice is written and audited once; a closed period, another class's student or
/// another teacher is refused.
#[tokio::test]
async fn each_appreciation_saves_itself_as_it_is_typed() {
    let app = TestApp::new().await;
    let p1 = period(&app, 1).await;
    let (class, maths, s1) = (app.f.class_a, app.f.maths, app.f.s1);
    let page_url =
        format!("/enseignant/classes/{class}/matieres/{maths}/appreciations?periode={p1}");
    let one =
        format!("/enseignant/classes/{class}/matieres/{maths}/appreciations/{s1}?periode={p1}");
    let field = format!("app_{s1}");
    let mut t = app.login_as("teacher_a").await;
    let page = t.get(&page_url).await;
    assert_eq!(page.status, StatusCode::OK);
    // The field posts itself after a pause in the typing, and when it is left.
    let at = page.body.find(&format!("id=\"{field}\"")).unwrap();
    let input = &page.body[at..at + page.body[at..].find('>').unwrap()];
    assert!(
        input.contains(&format!("hx-post=\"{}\"", one.replace('&', "&#38;"))),
        "{input}"
    );
    assert!(
        input.contains("hx-trigger=\"input changed delay:"),
        "{input}"
    );
    assert!(
        input.contains(&format!("hx-target=\"#app_state_{s1}\"")),
        "{input}"
    );
    assert!(page.body.contains(&format!("id=\"app_state_{s1}\"")));
    // Without JavaScript, the button saves the column.
    assert!(
        page.body
            .contains("<button type=\"submit\" class=\"primary\">")
    );

    let audits = || {
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'student_appreciation'",
            None,
        )
    };
    let r = t.post(&one, &[(&field, "Bon travail")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.plain().contains("enregistrée"), "{}", r.body);
    let (text,): (String,) = sqlx::query_as("SELECT text FROM appreciations WHERE student_id = $1")
        .bind(s1)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(text, "Bon travail");
    // The same text again (leaving the field after the pause): nothing more is written.
    let r = t.post(&one, &[(&field, "Bon travail")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(audits().await, 1);
    let r = t.post(&one, &[(&field, "Bon travail, continuez")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(audits().await, 2);
    // Too long: said beside the field, nothing written.
    let r = t.post(&one, &[(&field, &"x".repeat(201))]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("state bad"), "{}", r.body);
    // Emptied: removed.
    let r = t.post(&one, &[(&field, "  ")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM appreciations", None).await,
        0
    );
    t.post(&one, &[(&field, "Bon travail")]).await;
    // The journal says who wrote what, for whom.
    let mut d = app.login_as("director").await;
    let journal = d.get("/admin/journal").await.plain();
    assert!(
        journal.contains("a changé l’appréciation de AGBODJAN Elom en Mathématiques"),
        "{journal}"
    );
    assert!(journal.contains("« Bon travail, continuez » (avant : « Bon travail »)"));
    assert!(journal.contains("a effacé l’appréciation de AGBODJAN Elom"));
    // A student of another class, another teacher, an id typed by hand.
    let other = format!(
        "/enseignant/classes/{class}/matieres/{maths}/appreciations/{}?periode={p1}",
        app.f.s3
    );
    let r = t
        .post(&other, &[(&format!("app_{}", app.f.s3), "Non")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut tb = app.login_as("teacher_b").await;
    assert_eq!(
        tb.post(&one, &[(&field, "Piraté")]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .post(
            &format!("/enseignant/classes/{class}/matieres/{maths}/appreciations/abc"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A closed period refuses, in words beside the field.
    d.post(&format!("/admin/periodes/{p1}/cloture"), &[]).await;
    let r = t.post(&one, &[(&field, "Changé après la clôture")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.plain().contains("clôturée"), "{}", r.body);
    let (text,): (String,) = sqlx::query_as("SELECT text FROM appreciations")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(text, "Bon travail");
}

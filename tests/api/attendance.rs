//! Attendance: roll call by the teacher, justification by the parent, validation by the
//! school, totals on the family page.

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn roll_call_justification_and_validation() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_b").await;
    let url = format!("/enseignant/classes/{}/appel", f.class_b);
    let page = t.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    // Everyone present by default.
    assert_eq!(
        page.body
            .matches("value=\"present\" aria-labelledby")
            .count(),
        2
    );
    assert_eq!(
        page.body
            .matches("value=\"present\" aria-labelledby=\"n")
            .count(),
        page.body.matches(" checked>").count()
    );
    let (s2, s3) = (format!("etat_{}", f.s2), format!("etat_{}", f.s3));
    let late3 = format!("retard_{}", f.s3);
    // A lateness without minutes is explained, nothing saved.
    let r = t
        .post(
            &url,
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "07:00"),
                ("minutes", "55"),
                (&s2, "absent"),
                (&s3, "retard"),
                (&late3, ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Indiquez les minutes de retard"));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM roll_calls")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let r = t
        .post(
            &url,
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "7h"),
                ("minutes", "55"),
                (&s2, "absent"),
                (&s3, "retard"),
                (&late3, "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The journal says each duration once, as people say it.
    let log = app
        .login_as("director")
        .await
        .get("/admin/journal")
        .await
        .plain();
    assert!(log.contains("un retard de 15 min pour"), "{log}");
    assert!(log.contains("une absence de 55 min pour"), "{log}");
    assert!(!log.contains("min min"), "{log}");
    // The same session twice is refused.
    let r = t
        .post(
            &url,
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "07:00"),
                ("minutes", "55"),
            ],
        )
        .await;
    assert!(r.text().contains("déjà été fait"));
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM school_events WHERE kind = 'absence.recorded'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(events, 2);
    // Teacher A does not teach 6e B.
    let mut a = app.login_as("teacher_a").await;
    assert_eq!(a.get(&url).await.status, StatusCode::FORBIDDEN);

    // The parent sees the absence, 1 hour unexcused, and explains it.
    let mut p = app.login_as("parent_1").await;
    let child = p.get(&format!("/parent/enfants/{}", f.s2)).await.text();
    assert!(child.contains("1 heure non justifiée"), "{child}");
    assert!(child.contains("à justifier"));
    let (absence,): (i64,) = sqlx::query_as("SELECT id FROM absences WHERE student_id = $1")
        .bind(f.s2)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = p
        .post(
            &format!("/parent/absences/{absence}/justification"),
            &[("reason", "Paludisme, certificat médical")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        p.get(r.location())
            .await
            .text()
            .contains("justification envoyée")
    );
    // Another family cannot touch it.
    let mut other = app.login_as("parent_2").await;
    assert_eq!(
        other
            .post(
                &format!("/parent/absences/{absence}/justification"),
                &[("reason", "x")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The school accepts it; the hour becomes excused.
    let mut d = app.login_as("secretary").await;
    let pending = d.get("/admin/absences").await.text();
    assert!(pending.contains("Paludisme"));
    let r = d
        .post(
            &format!("/admin/absences/{absence}/validation"),
            &[("decision", "accepter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let child = p.get(&format!("/parent/enfants/{}", f.s2)).await.text();
    assert!(child.contains("1 heure justifiée"), "{child}");
    assert!(child.contains("0 heure non justifiée") || child.contains("0 heures non justifiées"));
    // Twice is not possible.
    assert_eq!(
        d.post(
            &format!("/admin/absences/{absence}/validation"),
            &[("decision", "refuser")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // The bursar may read the list but not decide.
    let mut b = app.login_as("bursar").await;
    assert_eq!(b.get("/admin/absences").await.status, StatusCode::OK);
    assert_eq!(
        b.post(
            &format!("/admin/absences/{absence}/validation"),
            &[("decision", "accepter")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_bulletin_counts_hours_of_absence() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let s1 = format!("etat_{}", f.s1);
    for start in ["07:00", "08:00"] {
        let r = t
            .post(
                &format!("/enseignant/classes/{}/appel", f.class_a),
                &[
                    ("held_on", "2026-11-20"),
                    ("starts_at", start),
                    ("minutes", "60"),
                    (&s1, "absent"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let mut d = app.login_as("director").await;
    let page = d.get(&format!("/bulletins/{}/1", f.s1)).await.text();
    assert!(page.contains("2 heures non justifiées"), "{page}");
}

/// A class's bulletins count each student's absences in one query; it must agree with
/// the student's own list, whatever the kind, the state and the day.
#[tokio::test]
async fn a_class_counts_absences_as_each_student_does() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_b").await;
    let (s2, s3) = (format!("etat_{}", f.s2), format!("etat_{}", f.s3));
    let late3 = format!("retard_{}", f.s3);
    for (day, start, state3) in [
        ("2026-11-20", "07:00", "retard"),
        ("2026-11-20", "08:00", "absent"),
        ("2026-11-23", "07:00", "retard"),
        // Before the first term: not counted in it.
        ("2026-10-02", "07:00", "absent"),
    ] {
        let r = t
            .post(
                &format!("/enseignant/classes/{}/appel", f.class_b),
                &[
                    ("held_on", day),
                    ("starts_at", start),
                    ("minutes", "60"),
                    (&s2, "absent"),
                    (&s3, state3),
                    (&late3, "15"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
    // One of the second student's hours is excused, another's note is waiting.
    for (state, n) in [("accepted", 0), ("submitted", 1)] {
        sqlx::query(
            "UPDATE absences SET state = $1 WHERE id = (SELECT id FROM absences WHERE student_id = $2 ORDER BY id LIMIT 1 OFFSET $3)",
        )
        .bind(state)
        .bind(f.s2)
        .bind(n)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 19).unwrap(),
    );
    let class = suku::attendance::class_totals(&app.db.pool, f.class_b, from, to)
        .await
        .unwrap();
    for student in [f.s2, f.s3] {
        let (rows, alone) = suku::attendance::student_summary(&app.db.pool, student, from, to)
            .await
            .unwrap();
        assert!(!rows.is_empty());
        assert_eq!(class.get(&student).copied().unwrap_or_default(), alone);
    }
    let s2_totals = class[&f.s2];
    assert_eq!(
        (
            s2_totals.justified_minutes,
            s2_totals.unjustified_minutes,
            s2_totals.lates
        ),
        (60, 120, 0)
    );
    let s3_totals = class[&f.s3];
    assert_eq!(
        (
            s3_totals.justified_minutes,
            s3_totals.unjustified_minutes,
            s3_totals.lates
        ),
        (0, 60, 2)
    );
    // Another class's students are not in it.
    assert!(!class.contains_key(&f.s1));
}

#[tokio::test]
async fn a_photo_of_the_note_goes_with_the_justification() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_b").await;
    let r = t
        .post(
            &format!("/enseignant/classes/{}/appel", f.class_b),
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "07:00"),
                ("minutes", "55"),
                (&format!("etat_{}", f.s2), "absent"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (absence,): (i64,) = sqlx::query_as("SELECT id FROM absences")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let url = format!("/parent/absences/{absence}/justification");
    let mut p = app.login_as("parent_1").await;
    // Not an image: refused, nothing recorded.
    let r = p
        .upload_with(
            &url,
            &[("reason", "Malade")],
            "photo",
            "mot.svg",
            b"<svg onload=alert(1)>",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        p.get(r.location())
            .await
            .text()
            .contains("JPEG, PNG ou WebP")
    );
    let (state,): (String,) = sqlx::query_as("SELECT state FROM absences")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "none");
    // A JPEG from the phone's camera.
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"...photo of the note..."].concat();
    let r = p
        .upload_with(
            &url,
            &[("reason", "Paludisme, mot du médecin")],
            "photo",
            "IMG_2041.jpg",
            &jpeg,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (file,): (i64,) =
        sqlx::query_as("SELECT id FROM files WHERE owner_kind = 'absence' AND owner_id = $1")
            .bind(absence)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let photo = format!("/fichiers/{file}");
    let mut d = app.login_as("director").await;
    let pending = d.get("/admin/absences").await;
    assert!(pending.body.contains(&photo));
    let r = d.get(&photo).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[axum::http::header::CONTENT_TYPE], "image/jpeg");
    // (The body is read as text, lossily: the JPEG marker bytes are not UTF-8.)
    assert!(r.body.ends_with("...photo of the note..."));
    // Whoever may see the student sees the photo; nobody else.
    for (who, status) in [
        ("parent_1", StatusCode::OK),
        ("teacher_b", StatusCode::OK),
        ("parent_2", StatusCode::FORBIDDEN),
        ("teacher_a", StatusCode::FORBIDDEN),
        ("student", StatusCode::FORBIDDEN),
    ] {
        let mut c = app.login_as(who).await;
        assert_eq!(c.get(&photo).await.status, status, "{who}");
    }
    assert_eq!(
        d.get("/fichiers/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_surveillant_notes_a_lateness_that_the_roll_call_then_keeps() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut s = app.login_as("secretary").await;
    let note = |m: &'static str, kind: &'static str, late: &'static str| {
        vec![
            ("matricule", m),
            ("kind", kind),
            ("late", late),
            ("held_on", "2026-11-23"),
            ("starts_at", "07:00"),
            ("minutes", "55"),
        ]
    };
    let r = s
        .post("/admin/absences/saisie", &note("T-999", "retard", "10"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Aucun élève inscrit n’a ce matricule."));
    let r = s
        .post("/admin/absences/saisie", &note("t-002", "retard", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = s
        .post("/admin/absences/saisie", &note("t-002", "retard", "20"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = s
        .post("/admin/absences/saisie", &note("T-002", "absence", ""))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "noted twice");
    // The teacher's roll call of that hour takes it over and keeps the lateness.
    let mut t = app.login_as("teacher_b").await;
    let r = t
        .post(
            &format!("/enseignant/classes/{}/appel", f.class_b),
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "07:00"),
                ("minutes", "55"),
                (&format!("etat_{}", f.s3), "absent"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT a.student_id, a.kind, a.minutes, r.source FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id ORDER BY a.student_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            (f.s2, "retard".into(), 20, "teacher".into()),
            (f.s3, "absence".into(), 55, "teacher".into())
        ]
    );
    // A second roll call of the same hour is still refused.
    let r = t
        .post(
            &format!("/enseignant/classes/{}/appel", f.class_b),
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "07:00"),
                ("minutes", "55"),
            ],
        )
        .await;
    assert!(r.text().contains("déjà été fait"));
    // The parent sees the lateness.
    let mut p = app.login_as("parent_1").await;
    assert!(
        p.get(&format!("/parent/enfants/{}", f.s2))
            .await
            .text()
            .contains("Retard")
    );
    // The bursar does not note absences.
    let mut b = app.login_as("bursar").await;
    assert_eq!(
        b.post("/admin/absences/saisie", &note("T-003", "absence", ""))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

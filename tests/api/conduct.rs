//! Vie scolaire: incidents and sanctions, who writes and who reads a conduct record, the
//! family told once (and by SMS when they chose it), a retenue's slip.

use axum::http::StatusCode;
use suku::notifications::Notifier;

use crate::fake_sms;
use crate::helpers::{TestApp, scalar};

fn record(student: i64) -> String {
    format!("/vie-scolaire/eleves/{student}")
}

/// A retenue for S1 decided by the director, for the route matrices.
pub async fn retenue(app: &TestApp) -> i64 {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
    suku::conduct::repo::insert_sanction(
        &app.db.pool,
        &suku::conduct::repo::NewSanction {
            student_id: app.f.s1,
            kind: "retenue",
            reason: "Retards répétés",
            decided_by: app.f.director,
            decided_on: day,
            retenue: Some((day, "14:00".into(), 120)),
            exclusion: None,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_sanction_tells_the_family_once_and_by_sms_to_a_parent_who_chose_it() {
    let (app, twilio) = fake_sms::app_with(|_| {}).await;
    let f = app.f.clone();
    let mut p = app.login_as("parent_1").await;
    let r = p
        .post(
            "/compte/notifications",
            &[("on", "conduct.in_app"), ("on", "conduct.sms")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            &format!("{}/sanctions", record(f.s1)),
            &[
                ("kind", "blame"),
                ("reason", "Insolence envers un professeur"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for _ in 0..2 {
        suku::events::dispatch(
            &app.db.pool,
            &Notifier::new(&app.state),
            100,
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'conduct' AND user_id = $1",
            Some(f.parent_1)
        )
        .await,
        1,
        "told once"
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'conduct' AND user_id = $1",
            Some(f.student_user)
        )
        .await,
        1
    );
    let bell = p.get("/notifications").await;
    assert!(
        bell.plain()
            .contains("Elom : Blâme (Insolence envers un professeur)"),
        "{}",
        bell.plain()
    );
    let sender = app.state.sms.clone().unwrap();
    suku::sms::send_due(&app.state, sender.as_ref(), 10)
        .await
        .unwrap();
    let sms = twilio.sent();
    assert_eq!(sms.len(), 1, "only the parent who chose SMS");
    assert_eq!(sms[0].to, "+22890000001");
    // "â" is not in the GSM alphabet: the text is folded to stay one segment.
    assert!(
        sms[0].body.contains("Elom : Blame (Insolence"),
        "{}",
        sms[0].body
    );
    // The family reads it on the child's record.
    let page = p.get(&record(f.s1)).await;
    assert!(page.plain().contains("Insolence envers un professeur"));
}

#[tokio::test]
async fn a_teacher_reports_incidents_and_gives_warnings_only() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let page = t.get(&record(f.s1)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("value=\"avertissement\""));
    assert!(
        !page.text().contains("value=\"blame\""),
        "the form offers what the scale allows"
    );
    let r = t
        .post(
            &format!("{}/incidents", record(f.s1)),
            &[
                ("occurred_on", "2026-12-01"),
                ("place", "Cour de récréation"),
                ("description", "Bagarre avec un camarade"),
                ("witnesses", "M. Koffi, surveillant"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = t
        .post(
            &format!("{}/sanctions", record(f.s1)),
            &[("kind", "blame"), ("reason", "Bagarre")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a forged blâme");
    let r = t
        .post(
            &format!("{}/sanctions", record(f.s1)),
            &[("kind", "avertissement"), ("reason", "Bagarre")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(&record(f.s1)).await.plain();
    assert!(page.contains("Bagarre avec un camarade") && page.contains("Cour de récréation"));
    assert!(page.contains("Témoins : M. Koffi, surveillant"));
    assert!(page.contains("Avertissement"));
    // Teacher B does not teach S1.
    let mut b = app.login_as("teacher_b").await;
    assert_eq!(b.get(&record(f.s1)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        b.post(
            &format!("{}/incidents", record(f.s1)),
            &[("occurred_on", "2026-12-01"), ("description", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Bad input: a date to come, an empty account.
    let r = t
        .post(
            &format!("{}/incidents", record(f.s1)),
            &[("occurred_on", "2026-12-20"), ("description", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("ne peut pas être dans le futur"));
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM incidents", None).await,
        1
    );
}

#[tokio::test]
async fn a_retenue_has_its_slip_and_wrong_details_are_refused() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut d = app.login_as("secretary").await;
    let url = format!("{}/sanctions", record(f.s1));
    for (fields, message) in [
        (
            vec![
                ("kind", "retenue"),
                ("reason", "Retards"),
                ("retenue_on", "2026-11-30"),
                ("retenue_at", "14h"),
                ("retenue_minutes", "120"),
            ],
            "dans le passé",
        ),
        (
            vec![
                ("kind", "retenue"),
                ("reason", "Retards"),
                ("retenue_on", "2026-12-09"),
                ("retenue_at", "midi"),
                ("retenue_minutes", "120"),
            ],
            "par exemple 14h00",
        ),
        (
            vec![
                ("kind", "retenue"),
                ("reason", "Retards"),
                ("retenue_on", "2026-12-09"),
                ("retenue_at", "14h"),
                ("retenue_minutes", "5"),
            ],
            "entre 30 et 480",
        ),
    ] {
        let r = d.post(&url, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.plain().contains(message), "{message}: {}", r.plain());
    }
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM sanctions", None).await,
        0
    );
    // An exclusion is the director's.
    let r = d
        .post(
            &url,
            &[
                ("kind", "exclusion"),
                ("reason", "Vol"),
                ("exclusion_from", "2026-12-07"),
                ("exclusion_days", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = d
        .post(
            &url,
            &[
                ("kind", "retenue"),
                ("reason", "Retards répétés"),
                ("retenue_on", "2026-12-09"),
                ("retenue_at", "14h"),
                ("retenue_minutes", "120"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = scalar(&app.db.pool, "SELECT MAX(id) FROM sanctions", None).await;
    let slip = d.get(&format!("/vie-scolaire/sanctions/{id}/billet")).await;
    assert_eq!(slip.status, StatusCode::OK);
    let text = slip.plain();
    assert!(
        text.contains("Billet de retenue") && text.contains("09/12/2026") && text.contains("14:00"),
        "{text}"
    );
    assert!(text.contains("AGBODJAN Elom"));
    // A parent reads the record but prints no slip; another parent sees nothing.
    let mut p = app.login_as("parent_1").await;
    assert!(
        p.get(&record(f.s1))
            .await
            .plain()
            .contains("Retenue le 09/12/2026 à 14:00, 120 minutes")
    );
    assert_eq!(
        p.get(&format!("/vie-scolaire/sanctions/{id}/billet"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut p2 = app.login_as("parent_2").await;
    assert_eq!(p2.get(&record(f.s1)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_teachers_absence_tells_the_families_of_their_classes_only() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut s = app.login_as("secretary").await;
    let r = s
        .post(
            "/admin/absences-enseignants",
            &[
                ("teacher", &f.teacher_a.to_string()),
                ("from_date", "2026-12-08"),
                ("to_date", "2026-12-07"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("La fin ne peut pas précéder le début"));
    let r = s
        .post(
            "/admin/absences-enseignants",
            &[
                ("teacher", &f.teacher_a.to_string()),
                ("from_date", "2026-12-07"),
                ("to_date", "2026-12-08"),
                ("reason", "Formation pédagogique"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.get("/admin/absences-enseignants").await.plain();
    assert!(page.contains("6e A (Mathématiques)"), "{page}");
    for _ in 0..2 {
        suku::events::dispatch(
            &app.db.pool,
            &Notifier::new(&app.state),
            100,
            app.state.clock.now(),
        )
        .await
        .unwrap();
    }
    let told = |user: i64| {
        let pool = app.db.pool.clone();
        async move {
            scalar(
                &pool,
                "SELECT COUNT(*) FROM notifications WHERE text_key = 'notif-teacher-absent' AND user_id = $1",
                Some(user),
            )
            .await
        }
    };
    assert_eq!(told(f.parent_1).await, 1, "S1 is in 6e A");
    assert_eq!(told(f.student_user).await, 1);
    assert_eq!(
        told(f.parent_2).await,
        0,
        "S3 is in 6e B, taught by teacher B"
    );
    let mut p = app.login_as("parent_1").await;
    let bell = p.get("/notifications").await.plain();
    assert!(
        bell.contains("du 07/12 au 08/12") && bell.contains("6e A"),
        "{bell}"
    );
    assert!(
        !bell.contains("Formation"),
        "the reason stays with the administration"
    );
    let mut b = app.login_as("bursar").await;
    assert_eq!(
        b.get("/admin/absences-enseignants").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_council_is_proposed_a_conduct_mark_from_the_record() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let p1 = scalar(
        &app.db.pool,
        "SELECT id FROM periods WHERE ordinal = 1",
        None,
    )
    .await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            &format!("{}/sanctions", record(f.s1)),
            &[("kind", "blame"), ("reason", "Insolence")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = d
        .post(
            &format!("{}/incidents", record(f.s1)),
            &[
                ("occurred_on", "2026-11-20"),
                ("description", "Retard au rang, bavardages"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let sheet = d
        .get(&format!("/conseil/classes/{}?periode={p1}", f.class_a))
        .await;
    assert_eq!(sheet.status, StatusCode::OK);
    // 18 − 2 (a blâme) − 0,5 (an incident without sanction): 15,5, with the reasons.
    assert!(
        sheet
            .body
            .contains(&format!("name=\"conduct_{}\" value=\"15,5\"", f.s1)),
        "{}",
        sheet.body
    );
    let plain = sheet.plain();
    assert!(
        plain.contains("Proposé : 15,5") && plain.contains("1 blâme, 1 incident"),
        "{plain}"
    );
    // The council has the last word: a mark it sets replaces the proposal.
    let r = d
        .post(
            &format!("/conseil/classes/{}?periode={p1}", f.class_a),
            &[(&format!("conduct_{}", f.s1), "14")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let sheet = d
        .get(&format!("/conseil/classes/{}?periode={p1}", f.class_a))
        .await;
    assert!(
        sheet
            .body
            .contains(&format!("name=\"conduct_{}\" value=\"14\"", f.s1))
    );
    assert!(sheet.plain().contains("Proposé : 15,5"));
}

#[tokio::test]
async fn the_school_sets_its_scale_and_who_gives_each_sanction() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let blame = [("kind", "blame"), ("reason", "Insolence")];
    let r = t.post(&format!("{}/sanctions", record(f.s1)), &blame).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "not a teacher's, by default"
    );

    // The secretary reads the rules; only the director changes them.
    let mut s = app.login_as("secretary").await;
    assert_eq!(s.get("/admin/vie-scolaire").await.status, StatusCode::OK);
    let mut rules: Vec<(String, String)> = vec![
        ("base".into(), "20".into()),
        ("incident".into(), "0,5".into()),
        ("unjustified_hour".into(), "0,25".into()),
        ("late".into(), "0,1".into()),
    ];
    for (kind, used, deduction, givers) in [
        ("avertissement", false, "1", vec!["director"]),
        ("blame", true, "2", vec!["director", "teacher"]),
        ("retenue", true, "1,5", vec!["director", "secretary"]),
        ("exclusion", true, "4", vec!["director"]),
    ] {
        if used {
            rules.push((format!("used_{kind}"), "1".into()));
        }
        rules.push((format!("deduction_{kind}"), deduction.into()));
        for g in givers {
            rules.push((format!("givers_{kind}_{g}"), "1".into()));
        }
    }
    let form: Vec<(&str, &str)> = rules
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        s.post("/admin/vie-scolaire", &form).await.status,
        StatusCode::FORBIDDEN
    );
    let mut d = app.login_as("director").await;
    // A deduction over 20, and a sanction used that no one may give: refused, nothing saved.
    let mut bad = form.clone();
    bad.retain(|(k, _)| !k.starts_with("givers_exclusion"));
    bad.push(("deduction_retenue", "25"));
    bad.retain(|(k, v)| !(*k == "deduction_retenue" && *v == "1,5"));
    let r = d.post("/admin/vie-scolaire", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Choisissez qui décide"), "{}", r.plain());
    assert_eq!(
        suku::settings::conduct(&app.db.pool).await.unwrap(),
        suku::settings::ConductSettings::default()
    );
    let r = d.post("/admin/vie-scolaire", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Now a teacher gives blâmes, and nobody gives avertissements.
    let r = t.post(&format!("{}/sanctions", record(f.s1)), &blame).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(&record(f.s1)).await;
    assert!(page.body.contains("value=\"blame\""));
    assert!(!page.body.contains("value=\"avertissement\""));
    let r = d
        .post(
            &format!("{}/sanctions", record(f.s1)),
            &[("kind", "avertissement"), ("reason", "Bavardages")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The proposal starts from the school's 20.
    let p1 = scalar(
        &app.db.pool,
        "SELECT id FROM periods WHERE ordinal = 1",
        None,
    )
    .await;
    let sheet = d
        .get(&format!("/conseil/classes/{}?periode={p1}", f.class_a))
        .await;
    assert!(
        sheet
            .body
            .contains(&format!("name=\"conduct_{}\" value=\"18\"", f.s1)),
        "20 − a blâme"
    );
}

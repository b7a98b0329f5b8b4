//! Announcements reach exactly their audience, and the author sees who has read them.

use axum::http::StatusCode;

use crate::helpers::TestApp;

async fn post(
    app: &TestApp,
    who: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, Option<i64>) {
    let mut c = app.login_as(who).await;
    let r = c.post("/annonces", fields).await;
    let id = r
        .location()
        .strip_prefix("/annonces/")
        .and_then(|s| s.parse().ok());
    (r.status, r.plain(), id)
}

#[tokio::test]
async fn each_audience_reaches_only_its_people() {
    let app = TestApp::new().await;
    let class_a = app.f.class_a.to_string();
    let (st, _, class_ann) = post(
        &app,
        "director",
        &[
            ("audience", "class"),
            ("class_id", &class_a),
            ("title", "Sortie au musée"),
            ("body", "Les élèves de 6e A iront au musée national jeudi."),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let class_ann = class_ann.unwrap();
    let (_, _, staff_ann) = post(
        &app,
        "secretary",
        &[
            ("audience", "staff"),
            ("title", "Conseil des professeurs"),
            ("body", "Réunion lundi à 15h."),
        ],
    )
    .await;
    let staff_ann = staff_ann.unwrap();
    let (_, _, school_ann) = post(
        &app,
        "director",
        &[
            ("audience", "school"),
            ("title", "Congés de Noël"),
            ("body", "Les cours reprennent le 5 janvier."),
        ],
    )
    .await;
    let school_ann = school_ann.unwrap();
    // (who, sees the class announcement, sees the staff one)
    for (who, class_seen, staff_seen) in [
        ("parent_1", true, false),
        ("student", true, false),
        ("teacher_a", true, true),
        ("parent_2", false, false),
        ("teacher_b", false, true),
        ("bursar", true, true),
    ] {
        let mut c = app.login_as(who).await;
        let list = c.get("/annonces").await.plain();
        assert!(list.contains("Congés de Noël"), "{who}");
        assert_eq!(
            list.contains("Sortie au musée"),
            class_seen,
            "{who}: {list}"
        );
        assert_eq!(
            list.contains("Conseil des professeurs"),
            staff_seen,
            "{who}"
        );
        let r = c.get(&format!("/annonces/{class_ann}")).await;
        assert_eq!(r.status == StatusCode::OK, class_seen, "{who}");
        if !class_seen {
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            assert!(!r.body.contains("musée national"));
        }
        let r = c.get(&format!("/annonces/{staff_ann}")).await;
        assert_eq!(r.status == StatusCode::OK, staff_seen, "{who}");
        assert_eq!(
            c.get(&format!("/annonces/{school_ann}")).await.status,
            StatusCode::OK
        );
    }
    let mut p = app.login_as("parent_1").await;
    assert_eq!(
        p.get("/annonces/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn teachers_write_to_their_classes_only_and_authors_see_who_read() {
    let app = TestApp::new().await;
    let (class_a, class_b) = (app.f.class_a.to_string(), app.f.class_b.to_string());
    // Another class, the whole school, an empty title: refused with a message.
    let (st, text, _) = post(
        &app,
        "teacher_a",
        &[
            ("audience", "class"),
            ("class_id", &class_b),
            ("title", "Devoir"),
            ("body", "x"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("Faites un choix dans la liste."));
    let (st, _, _) = post(
        &app,
        "teacher_a",
        &[("audience", "school"), ("title", "x"), ("body", "x")],
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _, _) = post(
        &app,
        "teacher_a",
        &[
            ("audience", "class"),
            ("class_id", &class_a),
            ("title", " "),
            ("body", "x"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _, _) = post(
        &app,
        "parent_1",
        &[
            ("audience", "class"),
            ("class_id", &class_a),
            ("title", "x"),
            ("body", "x"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(
        sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM announcements")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
            .0,
        0
    );
    let (st, _, id) = post(
        &app,
        "teacher_a",
        &[
            ("audience", "class"),
            ("class_id", &class_a),
            ("title", "Interrogation de maths"),
            ("body", "Révisez les fractions."),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let url = format!("/annonces/{}", id.unwrap());
    let mut t = app.login_as("teacher_a").await;
    // The student and parent 1 receive it; nobody has read it yet.
    assert!(
        t.get(&url)
            .await
            .plain()
            .contains("Lue par 0 destinataires sur 2")
    );
    let mut p = app.login_as("parent_1").await;
    assert!(
        p.get("/annonces")
            .await
            .plain()
            .contains("Interrogation de maths nouveau")
    );
    let page = p.get(&url).await;
    assert!(page.plain().contains("Révisez les fractions."));
    assert!(
        !page.plain().contains("Lue par"),
        "readers do not see the others"
    );
    assert!(
        !p.get("/annonces")
            .await
            .plain()
            .contains("Interrogation de maths nouveau")
    );
    assert!(
        t.get(&url)
            .await
            .plain()
            .contains("Lue par 1 destinataires sur 2")
    );
    let mut d = app.login_as("director").await;
    assert!(
        d.get(&url)
            .await
            .plain()
            .contains("Lue par 1 destinataires sur 2")
    );
}

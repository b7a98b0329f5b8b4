//! The cahier de textes as people use it, in headless Chromium: a teacher logs a lesson with
//! homework from the class's page; the parent, on a phone, finds it from their child's home.

use crate::browser::{
    browser, chromedriver, click, login, serve_demo_live, shot, type_into, wait_text,
};

#[tokio::test]
async fn a_teacher_logs_homework_and_the_parent_sees_it_to_do() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, _state) = serve_demo_live().await;
    let base = format!("http://{addr}");
    let parent = demo
        .logins
        .iter()
        .find(|l| l.role == "parent")
        .unwrap()
        .clone();
    // The parent's first child, their class, and who teaches maths there.
    let (child, class, subject, teacher): (i64, i64, i64, String) = sqlx::query_as(
        "SELECT s.id, e.class_id, t.subject_id, u.email FROM users p \
         JOIN student_guardians g ON g.user_id = p.id JOIN students s ON s.id = g.student_id \
         JOIN enrollments e ON e.student_id = s.id \
         JOIN teaching_assignments t ON t.class_id = e.class_id \
         JOIN subjects j ON j.id = t.subject_id AND j.code = 'MATH' \
         JOIN users u ON u.id = t.teacher_user_id \
         WHERE p.phone = $1 ORDER BY s.id LIMIT 1",
    )
    .bind(&parent.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();

    // The teacher opens the class, then its maths log, and writes the lesson.
    let t = browser(&driver, 1280, 900).await;
    login(&t, &base, &teacher, &parent.password).await;
    t.goto(&format!("{base}/enseignant/classes/{class}"))
        .await
        .unwrap();
    click(
        &t,
        &format!("a[href='/enseignant/classes/{class}/matieres/{subject}/cahier']"),
    )
    .await;
    wait_text(&t, "main h1", "Cahier de textes").await;
    type_into(&t, "#title", "Les nombres relatifs").await;
    type_into(
        &t,
        "#content",
        "Addition et soustraction ; la droite graduée.",
    )
    .await;
    type_into(&t, "#instructions", "Exercices 7 et 8 page 52").await;
    // A date field is typed as the browser's locale shows it; set it as a date picker does,
    // to the lesson's own day (the form starts on the school's today).
    t.execute(
        "document.querySelector('#due_on').value = document.querySelector('#held_on').value",
        vec![],
    )
    .await
    .unwrap();
    click(&t, ".lesson-form button[type=submit]").await;
    wait_text(&t, "main", "Séance enregistrée").await;
    wait_text(&t, "main .lessons", "Exercices 7 et 8 page 52").await;
    shot(&t, "lesson-log-teacher").await;

    // The parent, on a phone, sees it on the child's page and opens the list.
    let p = browser(&driver, 360, 780).await;
    login(&p, &base, &parent.login, &parent.password).await;
    p.goto(&format!("{base}/parent/enfants/{child}"))
        .await
        .unwrap();
    wait_text(&p, "#a-faire", "Prochains travaux").await;
    click(&p, "#a-faire .head-row a").await;
    wait_text(&p, "main h1", "Travail à faire").await;
    wait_text(&p, "main .todo", "Exercices 7 et 8 page 52").await;
    wait_text(&p, "main .lessons", "Les nombres relatifs").await;
    shot(&p, "todo-parent-phone").await;
    p.close().await.unwrap();
    t.close().await.unwrap();
}

//! Online courses as a student uses them, in headless Chromium on a 360 px phone: from the
//! home to the course, a lesson marked done, then the chapter's quiz taken (answers saved as
//! they are given) and handed in, with the score shown.

use crate::browser::{browser, chromedriver, click, login, serve_demo_live, shot, wait_text};

#[tokio::test]
async fn a_student_follows_a_course_and_takes_its_quiz_on_a_phone() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, _state) = serve_demo_live().await;
    let base = format!("http://{addr}");
    let student = demo
        .logins
        .iter()
        .find(|l| l.role == "student")
        .unwrap()
        .clone();
    let (course, quiz): (i64, i64) = sqlx::query_as(
        "SELECT c.id, l.id FROM users u JOIN students s ON s.user_id = u.id \
         JOIN enrollments e ON e.student_id = s.id JOIN courses c ON c.class_id = e.class_id \
         JOIN subjects j ON j.id = c.subject_id AND j.code = 'MATH' \
         JOIN course_modules m ON m.course_id = c.id JOIN course_lessons l ON l.module_id = m.id \
         JOIN course_quizzes q ON q.lesson_id = l.id WHERE u.email = $1",
    )
    .bind(&student.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();

    let s = browser(&driver, 360, 780).await;
    login(&s, &base, &student.login, &student.password).await;
    // From the dashboard's quick links, once its widgets have loaded.
    wait_text(&s, "[data-kind=links]", "Cours en ligne").await;
    s.execute(
        "document.querySelector('[data-kind=links]').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    click(&s, "[data-kind=links] a[href='/eleve/cours']").await;
    wait_text(&s, "main h1", "Mes cours en ligne").await;
    click(&s, &format!("a[href='/cours/{course}']")).await;
    wait_text(&s, "main", "Chapitre 1").await;
    shot(&s, "course-outline-phone").await;
    // The lesson to continue, done.
    s.goto(&format!("{base}/eleve/cours")).await.unwrap();
    click(&s, &format!("#cours-{course} a.button.primary")).await;
    wait_text(&s, ".lesson-nav", "J’ai terminé").await;
    click(&s, ".lesson-nav button[type=submit]").await;
    wait_text(&s, "main", "Leçon terminée").await;

    // The quiz: a second attempt (the demo student took one), the first answer given.
    s.goto(&format!("{base}/cours/lecons/{quiz}"))
        .await
        .unwrap();
    wait_text(&s, "#quiz", "Tentative 1").await;
    click(&s, "#quiz button[type=submit]").await;
    wait_text(&s, "main h1", "Tentative 2").await;
    wait_text(&s, ".quiz-timer", "À rendre avant").await;
    click(&s, ".quiz-form label.choice").await;
    wait_text(&s, "#saved", "Réponses enregistrées").await;
    shot(&s, "quiz-attempt-phone").await;
    s.execute("window.confirm = function () { return true; };", vec![])
        .await
        .unwrap();
    click(&s, ".quiz-actions button[type=submit]").await;
    wait_text(&s, "main", "Quiz rendu").await;
    wait_text(&s, "main", "/20").await;
    shot(&s, "quiz-result-phone").await;
    s.close().await.unwrap();
}

//! A person's view of gamification, in headless Chromium: the director awards points to a
//! student from the class's points page, and the student's leaderboard, open on their
//! phone, changes without a reload.

use fantoccini::Locator;

use crate::browser::{
    browser, chromedriver, click, click_menu, login, serve_demo_live, shot, type_into, wait_text,
};

#[tokio::test]
async fn points_awarded_in_class_change_the_students_board_live() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, state) = serve_demo_live().await;
    let base = format!("http://{addr}");
    let login_of = |role: &str| {
        demo.logins
            .iter()
            .find(|l| l.role == role)
            .map(|l| (l.login.clone(), l.password.clone()))
            .unwrap()
    };
    let (student_login, pw) = login_of("student");
    let (student, class): (i64, i64) = sqlx::query_as(
        "SELECT s.id, e.class_id FROM students s JOIN users u ON u.id = s.user_id \
         JOIN enrollments e ON e.student_id = s.id WHERE u.email = $1",
    )
    .bind(&student_login)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let (help,): (i64,) = sqlx::query_as("SELECT id FROM behaviours WHERE label = 'Entraide'")
        .fetch_one(&db.pool)
        .await
        .unwrap();

    // The student watches this week's class board on their phone.
    let s = browser(&driver, 390, 844).await;
    login(&s, &base, &student_login, &pw).await;
    s.goto(&format!(
        "{base}/classements?type=points&scope=classe&periode=semaine"
    ))
    .await
    .unwrap();
    let mine = s.find(Locator::Css("tr.mine td:last-child")).await.unwrap();
    let before: i64 = mine.text().await.unwrap().trim().parse().unwrap();

    // The director ticks the student, chooses "Entraide" and confirms.
    let d = browser(&driver, 1280, 900).await;
    let (director, pw) = login_of("admin");
    login(&d, &base, &director, &pw).await;
    d.goto(&format!("{base}/points/classe/{class}"))
        .await
        .unwrap();
    click(&d, &format!("#s-{student}")).await;
    d.find(Locator::Css("#behaviour"))
        .await
        .unwrap()
        .select_by_value(&help.to_string())
        .await
        .unwrap();
    type_into(&d, "#comment", "A aidé un camarade en maths").await;
    click(&d, "#award-submit").await;
    wait_text(&d, "main", "points attribués à un élève").await;
    shot(&d, "points-class-director").await;

    // The student's board shows the new total without a reload.
    wait_text(&s, "tr.mine", &(before + 3).to_string()).await;
    shot(&s, "board-student-phone").await;
    // Their progress page tells what for.
    click_menu(&s, "#site-menu a[href='/progression']").await;
    wait_text(&s, "#history", "A aidé un camarade en maths").await;
    shot(&s, "progress-student-phone").await;
    // From there, the list of every badge (a link inside the page, followed as a person
    // does: it once opened a blank page, the link inheriting its list's hx-select).
    click(&s, "main a[href='/badges']").await;
    wait_text(&s, "main h1", "Badges").await;
    wait_text(&s, "main .badge-list", "").await;
    let cards = s
        .find_all(Locator::Css("main .badge-list li"))
        .await
        .unwrap()
        .len();
    assert!(cards > 3, "the badges page lists the badges ({cards})");
    state.realtime.detach();
    s.close().await.unwrap();
    d.close().await.unwrap();
}

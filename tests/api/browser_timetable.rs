//! Timetables as the censeur and a student use them, in headless Chromium: generate a
//! version (the job's progress bar), move a lesson by dragging it, publish; the student
//! sees the lesson where it was dropped.

use fantoccini::Locator;

use crate::browser::{browser, chromedriver, click, login, serve_demo_live, shot, wait_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_censeur_generates_drags_a_lesson_publishes_and_the_student_sees_it() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, _state) = serve_demo_live().await;
    let base = format!("http://{addr}");
    let director = demo
        .logins
        .iter()
        .find(|l| l.role == "admin")
        .unwrap()
        .clone();
    let student = demo
        .logins
        .iter()
        .find(|l| l.role == "student")
        .unwrap()
        .clone();
    let (class,): (i64,) = sqlx::query_as(
        "SELECT e.class_id FROM users u JOIN students s ON s.user_id = u.id \
         JOIN enrollments e ON e.student_id = s.id WHERE u.email = $1",
    )
    .bind(&student.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();

    // Generate a version: the job's page follows the solver, then leads to the version.
    let d = browser(&driver, 1366, 900).await;
    login(&d, &base, &director.login, &director.password).await;
    d.goto(&format!("{base}/admin/emplois-du-temps"))
        .await
        .unwrap();
    wait_text(&d, "main h1", "Emplois du temps").await;
    d.execute(
        "document.querySelector('input[name=seconds]').value = '5'",
        vec![],
    )
    .await
    .unwrap();
    click(
        &d,
        "main form[action='/admin/emplois-du-temps'] button[type=submit]",
    )
    .await;
    // The job's page (not the list it came from, which links the demo's version too).
    for _ in 0..100 {
        if d.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/taches/")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        d.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/taches/")
    );
    let done = "main a[href^='/admin/emplois-du-temps/']";
    let mut ready = false;
    for _ in 0..240 {
        if d.find(Locator::Css(done)).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(ready, "the job leads to its version");
    // The progress part refreshes itself: the helper finds the link again if it was swapped.
    click(&d, done).await;
    wait_text(
        &d,
        "main",
        "Toutes les contraintes impératives sont respectées",
    )
    .await;
    let url = d.current_url().await.unwrap();
    let version: i64 = url
        .path()
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("the version's page");
    d.goto(&format!(
        "{base}/admin/emplois-du-temps/{version}?classe={class}"
    ))
    .await
    .unwrap();
    wait_text(&d, "#week", "Glissez une séance").await;
    shot(&d, "timetable-version").await;

    // Drag one of the class's one-hour lessons onto a cell where the class, the teacher and
    // the teacher's day leave room (read from the version), as a mouse does: HTML5 drag and
    // drop, the page's own handlers, events built by the browser.
    // (id, class, teacher, day, period, duration)
    type Row = (i64, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, class_id, teacher_user_id, day, period, duration FROM timetable_lessons WHERE timetable_id = $1",
    )
    .bind(version)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let away: Vec<(i64, String)> = sqlx::query_as(
        "SELECT teacher_user_id, slots FROM timetable_constraints WHERE kind = 'unavailable' AND teacher_user_id IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let busy = |who: &dyn Fn(&Row) -> bool, d: i64, p: i64| {
        rows.iter()
            .any(|r| who(r) && r.3 == d && r.4 <= p && p < r.4 + r.5)
    };
    let mut choice = None;
    'found: for r in rows.iter().filter(|r| r.1 == class && r.5 == 1) {
        let teacher = r.2;
        for d in 0..6i64 {
            let day_load: i64 = rows
                .iter()
                .filter(|x| x.2 == teacher && x.3 == d)
                .map(|x| x.5)
                .sum();
            for p in 0..5i64 {
                let off = away
                    .iter()
                    .any(|(t, s)| *t == teacher && s.split(',').any(|x| x == format!("{d}.{p}")));
                if !off
                    && day_load < 6
                    && !busy(&|x| x.1 == class, d, p)
                    && !busy(&|x| x.2 == teacher, d, p)
                {
                    choice = Some((r.0, d, p));
                    break 'found;
                }
            }
        }
    }
    let (lesson_id, day, period) = choice.expect("a free hour for one of the class's lessons");
    d.execute(
        r#"
        const lesson = document.querySelector(`[data-testid="lesson-${arguments[0]}"]`);
        const cell = document.querySelector(`#week td.slot[data-day="${arguments[1]}"][data-period="${arguments[2]}"]`);
        const dt = new DataTransfer();
        lesson.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
        cell.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
        cell.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
        lesson.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
        "#,
        vec![
            serde_json::json!(lesson_id),
            serde_json::json!(day),
            serde_json::json!(period),
        ],
    )
    .await
    .unwrap();
    wait_text(&d, "#week", "Séance déplacée").await;
    let (subject, now_at): (String, (i64, i64)) = {
        let (subject, d2, p2): (String, i64, i64) = sqlx::query_as(
            "SELECT j.name, l.day, l.period FROM timetable_lessons l JOIN subjects j ON j.id = l.subject_id WHERE l.id = $1",
        )
        .bind(lesson_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        (subject, (d2, p2))
    };
    assert_eq!(now_at, (day, period), "the lesson is where it was dropped");
    shot(&d, "timetable-moved").await;

    // Publish.
    click(&d, "[data-testid=publish]").await;
    wait_text(&d, "main", "Emploi du temps publié").await;

    // The student sees the lesson in its new place.
    let s = browser(&driver, 1366, 900).await;
    login(&s, &base, &student.login, &student.password).await;
    s.goto(&format!("{base}/eleve/emploi-du-temps"))
        .await
        .unwrap();
    wait_text(
        &s,
        &format!("#week td.slot[data-day='{day}'][data-period='{period}']"),
        &subject,
    )
    .await;
    shot(&s, "timetable-student").await;
    s.close().await.unwrap();
    d.close().await.unwrap();
}

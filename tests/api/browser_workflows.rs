//! A workflow as the school uses it, in headless Chromium: the director turns the
//! absence alert on from its page; a teacher calls the roll and marks a child absent; the
//! parent finds the message in their notifications within seconds, and the director reads
//! the run step by step.

use crate::browser::{browser, chromedriver, click, login, serve_demo_live, shot, wait_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_director_turns_on_the_absence_alert_and_the_parent_is_told() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, _state) = serve_demo_live().await;
    let base = format!("http://{addr}");
    let login_of = |role: &str| demo.logins.iter().find(|l| l.role == role).unwrap().clone();
    let (director, parent) = (login_of("admin"), login_of("parent"));
    let (child, class, teacher): (i64, i64, String) = sqlx::query_as(
        "SELECT s.id, e.class_id, u.email FROM users p \
         JOIN student_guardians g ON g.user_id = p.id JOIN students s ON s.id = g.student_id \
         JOIN enrollments e ON e.student_id = s.id \
         JOIN teaching_assignments t ON t.class_id = e.class_id \
         JOIN users u ON u.id = t.teacher_user_id \
         WHERE p.phone = $1 ORDER BY s.id, t.subject_id LIMIT 1",
    )
    .bind(&parent.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let flow = suku::workflows::repo::of_template(&db.pool, "absence_parents")
        .await
        .unwrap()
        .expect("the demo has the template");
    suku::workflows::repo::set_enabled(&db.pool, flow, false, chrono::Utc::now())
        .await
        .unwrap();

    // The director finds it in the list and turns it on.
    let d = browser(&driver, 1366, 900).await;
    login(&d, &base, &director.login, &director.password).await;
    d.goto(&format!("{base}/admin/automatisations"))
        .await
        .unwrap();
    click(&d, &format!("a[href='/admin/automatisations/{flow}']")).await;
    wait_text(&d, "main h1", "Arrêtée").await;
    click(&d, "form[action$='/activation'] button").await;
    wait_text(&d, "main", "Automatisation activée").await;
    wait_text(&d, "main h1", "Active").await;
    shot(&d, "workflow-enabled").await;

    // The teacher marks the child absent.
    let t = browser(&driver, 1280, 900).await;
    login(&t, &base, &teacher, &parent.password).await;
    t.goto(&format!("{base}/enseignant/classes/{class}/appel"))
        .await
        .unwrap();
    wait_text(&t, "main h1", "appel").await;
    // A slot no roll call took yet: late in the evening.
    t.execute(
        "document.querySelector('#starts_at').value = '19:00'",
        vec![],
    )
    .await
    .unwrap();
    for _ in 0..3 {
        let state = t
            .execute(
                &format!("return document.querySelector('#n{child}').closest('tr').querySelector('input[type=radio]:checked').value"),
                vec![],
            )
            .await
            .unwrap();
        if state == "absent" {
            break;
        }
        click(&t, &format!("#n{child}")).await;
    }
    click(&t, "form[action$='/appel'] button[type=submit]").await;
    wait_text(&t, ".flash", "Appel enregistré").await;

    // The parent, on a phone, reads it in their notifications.
    let p = browser(&driver, 360, 780).await;
    login(&p, &base, &parent.login, &parent.password).await;
    let mut told = false;
    for _ in 0..40 {
        p.goto(&format!("{base}/notifications")).await.unwrap();
        let text = p
            .find(fantoccini::Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.contains("Merci de justifier") {
            told = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(told, "the parent is told within ten seconds");
    shot(&p, "workflow-parent-told-phone").await;

    // The director reads the run, step by step.
    d.goto(&format!(
        "{base}/admin/automatisations/executions?workflow={flow}"
    ))
    .await
    .unwrap();
    click(&d, "main table a").await;
    wait_text(&d, "[data-testid=run-state]", "Terminée").await;
    wait_text(&d, "[data-testid=step-state]", "Faite").await;
    shot(&d, "workflow-run").await;

    // The director moves a step by dragging it: the note in the file before the task.
    let sanction = suku::workflows::repo::of_template(&db.pool, "sanction_head_teacher")
        .await
        .unwrap()
        .expect("the demo has the template");
    d.goto(&format!("{base}/admin/automatisations/{sanction}"))
        .await
        .unwrap();
    wait_text(&d, "#steps", "Noter au dossier").await;
    d.execute(
        "const items = document.querySelectorAll('ol.wf-steps li[draggable]');
         const [first, second] = [items[0], items[1]];
         const dt = new DataTransfer();
         const top = first.getBoundingClientRect().top + 2;
         second.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt }));
         first.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt, clientY: top }));
         first.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt, clientY: top }));
         second.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt }));",
        vec![],
    )
    .await
    .unwrap();
    wait_text(&d, "[data-reordered]", "Ordre modifié").await;
    click(&d, "#steps button.primary[value=save]").await;
    wait_text(&d, "main", "Automatisation enregistrée").await;
    let w = suku::workflows::repo::workflow(&db.pool, sanction)
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = w.steps().iter().map(|s| s.kind()).collect();
    assert_eq!(kinds, ["note", "task"]);
    p.close().await.unwrap();
    t.close().await.unwrap();
    d.close().await.unwrap();
}

//! A lesson video as people use it, in headless Chromium: the teacher picks a file on the
//! lesson's video page (sent in chunks by the page's script), the transcoding runs, then a
//! student on a 360 px phone plays it: the stream loads from its smallest rendition,
//! `currentTime` advances, and the player reports what was watched.

use std::time::Duration;

use fantoccini::Locator;

use crate::browser::{browser, chromedriver, click, login, shot, wait_text};
use crate::helpers::{PASSWORD, TestApp, login_of, scalar};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_uploads_a_video_and_a_student_plays_it_on_a_phone() {
    let Some(driver) = chromedriver() else { return };
    let app = TestApp::new().await;
    let c = crate::courses::course(&app).await;
    let base = crate::browser_first_hour::serve(&app).await;
    let dir = tempfile::tempdir().unwrap();
    crate::videos::make_video(dir.path(), 8, true);
    let file = dir.path().join("source-8-true.mp4");

    // The teacher picks the file; the page sends it and goes to the transcoding's bar.
    let t = browser(&driver, 1366, 900).await;
    login(&t, &base, login_of("teacher_a"), PASSWORD).await;
    t.goto(&format!(
        "{base}/enseignant/cours/lecons/{}/video",
        c.lesson
    ))
    .await
    .unwrap();
    t.find(Locator::Css("#video-file"))
        .await
        .unwrap()
        .send_keys(&file.to_string_lossy())
        .await
        .unwrap();
    click(&t, "#video-upload button[type=submit]").await;
    wait_text(&t, "main h1", "Préparation d’une vidéo").await;
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    t.goto(&format!(
        "{base}/enseignant/cours/lecons/{}/video",
        c.lesson
    ))
    .await
    .unwrap();
    wait_text(&t, "[data-testid=video-state]", "Vidéo prête : 0:08").await;
    shot(&t, "video-teacher").await;
    t.close().await.unwrap();

    // The student plays it on a phone.
    let s = browser(&driver, 360, 780).await;
    login(&s, &base, login_of("student"), PASSWORD).await;
    s.goto(&format!("{base}/cours/lecons/{}", c.lesson))
        .await
        .unwrap();
    s.find(Locator::Css(".video-js")).await.unwrap();
    s.execute(
        "const p = window.suku.players[0]; p.muted(true); p.play(); return true;",
        vec![],
    )
    .await
    .unwrap();
    let mut time = 0.0;
    for _ in 0..200 {
        time = s
            .execute("return window.suku.players[0].currentTime();", vec![])
            .await
            .unwrap()
            .as_f64()
            .unwrap_or(0.0);
        if time > 1.5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(time > 1.5, "the video plays: currentTime {time}");
    // The first segment came from the smallest rendition.
    let first: String = s
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).find(n => n.endsWith('.ts')) || '';",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(first.contains("/240p/seg_"), "{first}");
    shot(&s, "video-student-phone").await;
    // Paused: the player says where the student is and what was played.
    s.execute("window.suku.players[0].pause(); return true;", vec![])
        .await
        .unwrap();
    let mut watched = 0;
    for _ in 0..100 {
        watched = scalar(
            &app.db.pool,
            "SELECT COALESCE(MAX(video_percent), -1) FROM course_progress WHERE lesson_id = $1",
            Some(c.lesson),
        )
        .await;
        if watched > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(watched > 0, "the share watched was reported: {watched}");
    s.close().await.unwrap();
}

//! What a new user meets in the first hour, seen in headless Chromium where only a browser
//! can see it: an appreciation saved while the teacher types (no button), the login's
//! keyboard switched in place, badges drawn on a phone. Screenshots at 360 and 1366 px go
//! to `test-artifacts/`.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::{browser, chromedriver, click, login, shot, type_into, wait_text};
use crate::helpers::{PASSWORD, TestApp, login_of};

/// The test school served on a loopback port.
pub(crate) async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The appreciation stored for S1 in maths, if any.
async fn stored(app: &TestApp) -> Option<String> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT text FROM appreciations WHERE student_id = $1 AND subject_id = $2")
            .bind(app.f.s1)
            .bind(app.f.maths)
            .fetch_optional(&app.db.pool)
            .await
            .unwrap();
    row.map(|r| r.0)
}

/// Waits until the stored appreciation is `want` (up to 15 s).
async fn wait_stored(app: &TestApp, want: &str) {
    for _ in 0..150 {
        if stored(app).await.as_deref() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the appreciation stored is {:?}, not {want:?}",
        stored(app).await
    );
}

/// The teacher types an appreciation and stops: it is saved and says so, with no button
/// pressed; typing on saves the longer text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appreciation_saves_itself_while_the_teacher_types() {
    let Some(driver) = chromedriver() else { return };
    let app = TestApp::new().await;
    let base = serve(&app).await;
    let c = browser(&driver, 1366, 900).await;
    login(&c, &base, login_of("teacher_a"), PASSWORD).await;
    c.goto(&format!(
        "{base}/enseignant/classes/{}/matieres/{}/appreciations",
        app.f.class_a, app.f.maths
    ))
    .await
    .unwrap();
    let field = format!("#app_{}", app.f.s1);
    let state = format!("#app_state_{}", app.f.s1);
    type_into(&c, &field, "Bon trava").await;
    wait_text(&c, &state, "enregistrée").await;
    wait_stored(&app, "Bon trava").await;
    type_into(&c, &field, "il, continuez").await;
    wait_stored(&app, "Bon travail, continuez").await;
    wait_text(&c, &state, "enregistrée").await;
    shot(&c, "appreciations-saved-1366").await;
    // Still on the page: nothing was submitted.
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/appreciations")
    );
    c.close().await.unwrap();
}

/// On a phone the login opens on the number pad; "E-mail" switches the field to the e-mail
/// keyboard at once, without reloading the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_switches_its_keyboard_in_place() {
    let Some(driver) = chromedriver() else { return };
    let app = TestApp::new().await;
    let base = serve(&app).await;
    let c = browser(&driver, 360, 740).await;
    c.goto(&format!("{base}/connexion")).await.unwrap();
    assert_eq!(attr(&c, "#login", "inputmode").await, "tel");
    shot(&c, "login-phone-360").await;
    click(&c, "a[data-login-kind='email']").await;
    for _ in 0..50 {
        if attr(&c, "#login", "inputmode").await == "email" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(attr(&c, "#login", "inputmode").await, "email");
    wait_text(&c, "#login-label", "Adresse e-mail").await;
    assert_eq!(
        attr(&c, "a[data-login-kind='email']", "aria-current").await,
        "true"
    );
    // Switched in place: the address did not change.
    assert_eq!(c.current_url().await.unwrap().query(), None);
    shot(&c, "login-email-360").await;
    // A teacher logs in by e-mail from there.
    type_into(&c, "#login", login_of("teacher_a")).await;
    type_into(&c, "#password", PASSWORD).await;
    click(&c, "form[action='/connexion'] button[type=submit]").await;
    crate::browser::wait_path_not(&c, "/connexion").await;
    c.close().await.unwrap();
}

/// A pupil's badges on a phone: every icon is a picture the browser drew (no emoji font
/// needed), on the badges page and the progress page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pupils_badges_are_drawn_on_a_phone() {
    let Some(driver) = chromedriver() else { return };
    let app = TestApp::new().await;
    let (badge,): (i64,) = sqlx::query_as("SELECT id FROM badges WHERE code = 'honour_1'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    suku::gamification::award_badge(&mut tx, badge, app.f.s1, None, "", app.state.clock.today())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let base = serve(&app).await;
    for (width, height) in [(360, 740), (1366, 900)] {
        let c = browser(&driver, width, height).await;
        login(&c, &base, login_of("student"), PASSWORD).await;
        for (path, name) in [
            ("/badges".to_string(), "badges"),
            (format!("/progression/{}", app.f.s1), "progress"),
        ] {
            c.goto(&format!("{base}{path}")).await.unwrap();
            // Images load after the page: a busy machine may need a moment to draw them.
            let mut drawn = serde_json::Value::Null;
            for _ in 0..40 {
                drawn = c
                    .execute(
                        "const imgs = [...document.querySelectorAll('img.badge-icon')];
                         return { n: imgs.length,
                                  broken: imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src) };",
                        vec![],
                    )
                    .await
                    .unwrap();
                if drawn["broken"].as_array().is_some_and(|b| b.is_empty()) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            assert!(drawn["n"].as_i64().unwrap() > 0, "{path}: {drawn}");
            assert_eq!(
                drawn["broken"].as_array().unwrap().len(),
                0,
                "{path}: {drawn}"
            );
            shot(&c, &format!("{name}-student-{width}")).await;
        }
        c.close().await.unwrap();
    }
}

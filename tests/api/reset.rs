//! "Mot de passe oublié ?": a code by SMS (loopback Twilio), valid ten minutes, used once,
//! guesses and requests limited; the page answers alike for unknown accounts; the old
//! sessions end; the secretary's printed slip, never for an account stronger than hers.

use axum::http::StatusCode;

use crate::fake_sms;
use crate::helpers::{PASSWORD, TestApp, login_of, scalar};

async fn app_with_twilio() -> (TestApp, std::sync::Arc<fake_sms::Twilio>) {
    app_with_twilio_and(|_| {}).await
}

async fn app_with_twilio_and(
    tweak: impl FnOnce(&mut suku::config::Config),
) -> (TestApp, std::sync::Arc<fake_sms::Twilio>) {
    fake_sms::app_with(tweak).await
}

async fn send(app: &TestApp) {
    let sender = app.state.sms.clone().unwrap();
    suku::sms::send_due(&app.state, sender.as_ref(), 50)
        .await
        .unwrap();
}

/// The six digits of the last text message.
fn code_in(twilio: &fake_sms::Twilio) -> String {
    let body = twilio.sent().last().unwrap().body.clone();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body:?}"))
        .to_string()
}

async fn ask(app: &TestApp, login: &str) -> crate::helpers::Res {
    let mut c = app.client();
    let page = c.get("/connexion/oubli").await;
    assert_eq!(page.status, StatusCode::OK);
    c.post("/connexion/oubli", &[("login", login)]).await
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_a_code_sent_by_sms_once() {
    let (app, twilio) = app_with_twilio().await;
    let parent = login_of("parent_1");
    // The parent is still logged in on another phone.
    let mut other = app.login_as("parent_1").await;
    assert_eq!(other.get("/parent").await.status, StatusCode::OK);
    let login = app.client().get("/connexion").await;
    assert!(login.text().contains("Mot de passe oublié ?"));
    assert!(login.text().contains("data-show-password"));

    let r = ask(&app, parent).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/connexion/code?login=%2B22890000001");
    send(&app).await;
    let sms = twilio.sent();
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].to, "+22890000001");
    assert!(sms[0].body.contains("10 minutes"), "{}", sms[0].body);
    let code = code_in(&twilio);

    let mut c = app.client();
    let page = c
        .get(&format!("/connexion/code?login={}", "%2B22890000001"))
        .await;
    assert!(
        page.text().contains("+22890000001"),
        "the login is filled in"
    );
    let wrong = if code == "999999" { "999998" } else { "999999" };
    let r = c
        .post(
            "/connexion/code",
            &[
                ("login", parent),
                ("code", wrong),
                ("password", "nouveau-secret-2026"),
                ("confirm", "nouveau-secret-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Code incorrect ou expiré"));
    let r = c
        .post(
            "/connexion/code",
            &[
                ("login", parent),
                ("code", &code),
                ("password", "nouveau-secret-2026"),
                ("confirm", "nouveau-secret-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/connexion");
    // The other phone's session ended; the new password opens the account, the old not.
    assert_eq!(other.get("/parent").await.status, StatusCode::SEE_OTHER);
    let mut fresh = app.client();
    fresh.get("/connexion").await;
    let old = fresh
        .post("/connexion", &[("login", parent), ("password", PASSWORD)])
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = fresh
        .post(
            "/connexion",
            &[("login", parent), ("password", "nouveau-secret-2026")],
        )
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
    // The code works once.
    let mut again = app.client();
    again.get("/connexion/code").await;
    let r = again
        .post(
            "/connexion/code",
            &[
                ("login", parent),
                ("code", &code),
                ("password", "autre-secret-2026"),
                ("confirm", "autre-secret-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The administration's SMS page never shows a code.
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/sms").await;
    assert!(!page.text().contains(&code));
    assert!(page.plain().contains("Code de réinitialisation (masqué)"));
}

#[tokio::test]
async fn the_request_page_answers_alike_for_an_unknown_account() {
    let (app, twilio) = app_with_twilio().await;
    let known = ask(&app, login_of("parent_2")).await;
    let unknown = ask(&app, "+22899999999").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(
        known.location().split('?').next(),
        unknown.location().split('?').next()
    );
    // The message shown next is the same.
    let mut c = app.client();
    c.get("/connexion").await;
    let r = c
        .post("/connexion/oubli", &[("login", "+22899999998")])
        .await;
    let shown = c.get(r.location()).await;
    assert!(
        shown.plain().contains("Si un compte correspond"),
        "{}",
        shown.plain()
    );
    send(&app).await;
    assert_eq!(twilio.sent().len(), 1, "only the real account got a code");
    // A login that is neither a phone nor an e-mail is refused with a message.
    let bad = ask(&app, "maman").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.plain().contains("+228"));
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes_and_wrong_guesses_kill_it() {
    // The login limits (five failures) would stop the guesses first: raised here, so that
    // the code's own limit shows.
    let (app, twilio) = app_with_twilio_and(|c| {
        c.login_max_per_account = 50;
        c.login_max_per_account_total = 50;
    })
    .await;
    let parent = login_of("parent_1");
    ask(&app, parent).await;
    send(&app).await;
    let code = code_in(&twilio);
    app.state.clock.advance(chrono::Duration::minutes(11));
    let mut c = app.client();
    c.get("/connexion/code").await;
    let fields = |code: &str| {
        vec![
            ("login", parent.to_string()),
            ("code", code.to_string()),
            ("password", "nouveau-secret-2026".to_string()),
            ("confirm", "nouveau-secret-2026".to_string()),
        ]
    };
    let post = |c: &mut crate::helpers::Client, f: Vec<(&'static str, String)>| {
        let mut c = c.clone();
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post("/connexion/code", &f).await
        }
    };
    let r = post(&mut c, fields(&code)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "expired");
    // A new code; five wrong guesses and even the right one no longer works.
    ask(&app, parent).await;
    send(&app).await;
    let code = code_in(&twilio);
    let wrong = if code == "123456" { "654321" } else { "123456" };
    for _ in 0..5 {
        let r = post(&mut c, fields(wrong)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = post(&mut c, fields(&code)).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "killed by wrong guesses"
    );
}

#[tokio::test]
async fn requests_for_codes_are_limited() {
    let (app, twilio) = app_with_twilio().await;
    let parent = login_of("parent_1");
    let mut c = app.client();
    c.get("/connexion").await;
    for _ in 0..3 {
        let r = c.post("/connexion/oubli", &[("login", parent)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    c.get("/connexion/oubli").await;
    let r = c.post("/connexion/oubli", &[("login", parent)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.plain().contains("Trop de demandes"));
    send(&app).await;
    assert_eq!(twilio.sent().len(), 3);
    // Only the latest code works.
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL",
            None
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_secretary_prints_a_slip_but_never_for_a_stronger_account() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut s = app.login_as("secretary").await;
    let page = s.get(&format!("/admin/utilisateurs/{}", f.parent_1)).await;
    assert!(page.plain().contains("Imprimer un bon"));
    let slip = s
        .post(&format!("/admin/utilisateurs/{}/bon", f.parent_1), &[])
        .await;
    assert_eq!(slip.status, StatusCode::OK, "{}", slip.body);
    let text = slip.plain();
    assert!(text.contains("Bon de réinitialisation"));
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string();
    // Two days later it still works.
    app.state.clock.advance(chrono::Duration::hours(40));
    let mut c = app.client();
    c.get("/connexion/code").await;
    let r = c
        .post(
            "/connexion/code",
            &[
                ("login", login_of("parent_1")),
                ("code", &code),
                ("password", "nouveau-secret-2026"),
                ("confirm", "nouveau-secret-2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Not for the director's account, nor by the bursar.
    let r = s
        .post(&format!("/admin/utilisateurs/{}/bon", f.director), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut b = app.login_as("bursar").await;
    let r = b
        .post(&format!("/admin/utilisateurs/{}/bon", f.parent_1), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM password_resets WHERE via = 'slip'",
            None
        )
        .await,
        1
    );
}

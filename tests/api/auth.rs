//! Login, logout, sessions, CSRF, rate limiting, password change, language.

use axum::http::StatusCode;

use crate::helpers::{PASSWORD, TestApp, login_of};

#[tokio::test]
async fn login_page_is_french_by_default_and_english_on_request() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/connexion").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<html lang=\"fr\">"));
    assert!(r.body.contains("Connexion"));
    let mut en = app.client();
    en.lang = Some("en-GB,en;q=0.9".into());
    let r = en.get("/connexion").await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains("Log in"));
}

#[tokio::test]
async fn each_role_lands_on_its_portal() {
    let app = TestApp::new().await;
    for (who, home) in [
        ("director", "/admin"),
        ("bursar", "/admin"),
        ("secretary", "/admin"),
        ("teacher_a", "/enseignant"),
        ("parent_1", "/parent"),
        ("student", "/eleve"),
    ] {
        let mut c = app.client();
        let r = c.login(login_of(who), PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}");
        assert_eq!(r.location(), home, "{who}");
        let r = c.get(home).await;
        assert_eq!(r.status, StatusCode::OK, "{who} home");
        assert!(
            r.body.contains("Se déconnecter"),
            "{who} sees the logout button"
        );
        // The root sends a logged-in user to their portal.
        assert_eq!(c.get("/").await.location(), home);
    }
}

#[tokio::test]
async fn phone_login_accepts_any_common_writing() {
    let app = TestApp::new().await;
    for written in ["90 00 00 01", "+228 90000001", "0022890000001"] {
        let mut c = app.client();
        let r = c.login(written, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{written}: {}", r.body);
    }
}

#[tokio::test]
async fn bad_password_and_unknown_account_are_refused_alike() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.login(login_of("director"), "mauvais-mot").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Identifiant ou mot de passe incorrect."));
    let r = c.login("personne@test.tg", "mauvais-mot").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Identifiant ou mot de passe incorrect."));
    let r = c.login("12345", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("+228"));
    // Still anonymous.
    assert_eq!(c.get("/admin").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_is_rate_limited_per_account_with_a_clear_message() {
    let app = TestApp::new().await;
    let mut c = app.client();
    for _ in 0..5 {
        assert_eq!(
            c.login(login_of("teacher_a"), "faux-mot-de-passe")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused while the account is paused.
    let r = c.login(login_of("teacher_a"), PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("Trop de tentatives pour ce compte"),
        "{}",
        r.body
    );
    assert!(r.body.contains("minutes"));
    // Another account from elsewhere is unaffected.
    let mut other = app.client();
    assert_eq!(
        other.login(login_of("teacher_b"), PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn login_is_rate_limited_per_address() {
    let app = TestApp::with_config(|c| c.login_max_per_ip = 3).await;
    let mut c = app.client();
    for who in ["teacher_a", "teacher_b", "parent_1"] {
        c.login(login_of(who), "faux-mot-de-passe").await;
    }
    let r = c.login(login_of("director"), PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("depuis cet appareil"));
}

#[tokio::test]
async fn deactivated_account_cannot_log_in_and_loses_its_sessions() {
    let app = TestApp::new().await;
    let mut parent = app.login_as("parent_2").await;
    assert_eq!(
        parent.get("/parent/enfants").await.status,
        StatusCode::SEE_OTHER
    ); // one child: redirect
    let mut director = app.login_as("director").await;
    let r = director
        .post(
            &format!("/admin/utilisateurs/{}/activation", app.f.parent_2),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The open session is gone.
    assert!(
        parent
            .get("/parent")
            .await
            .location()
            .starts_with("/connexion")
    );
    let mut again = app.client();
    let r = again.login(login_of("parent_2"), PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("désactivé"));
}

#[tokio::test]
async fn session_id_changes_at_login_and_logout_ends_it() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.get("/connexion").await;
    let before = c
        .cookie
        .clone()
        .expect("anonymous session for the login form's token");
    let r = c
        .post(
            "/connexion",
            &[("login", login_of("director")), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = c.cookie.clone().unwrap();
    assert_ne!(before, after, "session id must rotate at login");
    // The old id is worthless.
    let mut thief = app.client();
    thief.cookie = Some(before);
    assert_eq!(thief.get("/admin").await.status, StatusCode::SEE_OTHER);
    // Logout.
    c.refresh_csrf().await;
    let r = c.post("/deconnexion", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/connexion");
    let mut replay = app.client();
    replay.cookie = Some(after);
    assert!(
        replay
            .get("/admin")
            .await
            .location()
            .starts_with("/connexion")
    );
}

#[tokio::test]
async fn cookies_are_httponly_and_samesite() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/connexion").await;
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP deployment: {cookie}"
    );
    let https = TestApp::with_config(|c| c.public_url = "https://ecole.example.tg".into()).await;
    let r = https.client().get("/connexion").await;
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn remember_me_gives_a_long_lived_cookie() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.get("/connexion").await;
    let r = c
        .post(
            "/connexion",
            &[
                ("login", login_of("parent_1")),
                ("password", PASSWORD),
                ("remember", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let max_age: i64 = cookie
        .split(';')
        .find_map(|p| p.trim().strip_prefix("Max-Age="))
        .and_then(|v| v.parse().ok())
        .expect("Max-Age");
    assert!(max_age > 20 * 86_400, "{cookie}");
}

#[tokio::test]
async fn csrf_token_is_required_on_every_post() {
    let app = TestApp::new().await;
    let mut c = app.client();
    c.get("/connexion").await;
    // No token: refused, with a localized page, and no login happens.
    let r = c
        .post_raw(
            "/connexion",
            &[("login", login_of("director")), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Le formulaire a expiré"));
    // A wrong token.
    let r = c
        .post_raw(
            "/connexion",
            &[
                ("login", login_of("director")),
                ("password", PASSWORD),
                ("_csrf", &"0".repeat(64)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Logged in, a state change without token is refused too, and changes nothing.
    let mut d = app.login_as("director").await;
    let r = d
        .post_raw(
            &format!("/admin/utilisateurs/{}/activation", app.f.parent_1),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (active,): (bool,) = sqlx::query_as("SELECT active FROM users WHERE id = $1")
        .bind(app.f.parent_1)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(active);
}

#[tokio::test]
async fn htmx_requests_may_send_the_token_in_a_header() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let token = d.csrf.clone().unwrap();
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/langue")
        .header(
            "cookie",
            format!("suku_session={}", d.cookie.clone().unwrap()),
        )
        .header("x-csrf-token", token)
        .header("hx-request", "true")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("lang=en&retour=%2Fadmin"))
        .unwrap();
    let r = d.send(req).await;
    // htmx gets HX-Redirect instead of a 303 it would follow silently.
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("hx-redirect").unwrap(), "/admin");
    let page = d.get("/admin").await;
    assert!(page.body.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn language_switch_sticks_to_the_user() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    let r = p
        .post("/langue", &[("lang", "en"), ("retour", "/parent")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/parent");
    let page = p.get("/parent").await;
    assert!(page.body.contains("My children"), "{}", page.body);
    // Saved on the account: the next login is in English.
    let mut again = app.client();
    again.login(login_of("parent_1"), PASSWORD).await;
    assert!(again.get("/parent").await.body.contains("My children"));
    // Unknown languages are refused, and an outside return address is ignored.
    assert_eq!(
        p.post("/langue", &[("lang", "xx")]).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = p
        .post(
            "/langue",
            &[("lang", "fr"), ("retour", "https://evil.example")],
        )
        .await;
    assert_eq!(r.location(), "/");
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/admin/classes").await;
    assert_eq!(r.location(), "/connexion?suivant=%2Fadmin%2Fclasses");
    let page = c.get(r.location()).await;
    assert!(page.body.contains("value=\"/admin/classes\""));
    let r = c
        .post(
            "/connexion",
            &[
                ("login", login_of("director")),
                ("password", PASSWORD),
                ("suivant", "/admin/classes"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/admin/classes");
    let mut c2 = app.client();
    c2.get("/connexion").await;
    let r = c2
        .post(
            "/connexion",
            &[
                ("login", login_of("director")),
                ("password", PASSWORD),
                ("suivant", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/admin");
}

#[tokio::test]
async fn password_change_checks_and_ends_other_sessions() {
    let app = TestApp::new().await;
    let mut phone = app.login_as("parent_1").await;
    let mut pc = app.login_as("parent_1").await;
    let r = pc
        .post(
            "/compte/mot-de-passe",
            &[("current", "faux"), ("new", "court"), ("confirm", "court")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Le mot de passe actuel est incorrect."));
    assert!(r.body.contains("au moins 8 caractères"));
    let r = pc
        .post(
            "/compte/mot-de-passe",
            &[
                ("current", PASSWORD),
                ("new", "nouveau-2027"),
                ("confirm", "nouveau-2027"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // This session goes on; the other one is closed.
    assert_eq!(pc.get("/parent").await.status, StatusCode::OK);
    assert!(
        phone
            .get("/parent")
            .await
            .location()
            .starts_with("/connexion")
    );
    let mut c = app.client();
    assert_eq!(
        c.login(login_of("parent_1"), "nouveau-2027").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_user_with_two_roles_switches_portal() {
    let app = TestApp::new().await;
    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, 'parent')")
        .bind(app.f.teacher_b)
        .execute(&app.db.pool)
        .await
        .unwrap();
    suku::school::link_guardian(&app.db.pool, app.f.s3, app.f.teacher_b, "pere")
        .await
        .unwrap();
    let mut c = app.login_as("teacher_b").await;
    let home = c.get("/enseignant").await;
    assert!(home.body.contains("Passer en parent"));
    let r = c.post("/compte/role", &[("role", "parent")]).await;
    assert_eq!(r.location(), "/parent");
    assert_eq!(c.get("/").await.location(), "/parent");
    // A role the user does not hold is refused.
    assert_eq!(
        c.post("/compte/role", &[("role", "director")]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn health_routes() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/healthz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ok"));
    let r = c.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn unknown_pages_get_a_localized_404() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/nulle-part").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page introuvable"));
    c.lang = Some("en".into());
    let r = c.get("/nulle-part").await;
    assert!(r.body.contains("Page not found"));
}

/// The `inputmode` of the login field: the keyboard a phone shows.
fn login_keyboard(body: &str) -> &str {
    let at = body.find("<input id=\"login\"").expect("the login field");
    let tag = &body[at..at + body[at..].find('>').unwrap()];
    let m = tag.find("inputmode=\"").expect("an inputmode") + "inputmode=\"".len();
    &tag[m..m + tag[m..].find('"').unwrap()]
}

/// Parents log in with a phone number and get a phone's keypad; staff choose "E-mail" and
/// get letters and @, which the device remembers. Either login works whatever the choice.
#[tokio::test]
async fn the_login_field_gives_a_phone_keypad_for_phone_numbers() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/connexion").await;
    assert_eq!(login_keyboard(&r.body), "tel", "parents first");
    assert!(r.body.contains("href=\"/connexion?par=email\""));
    assert!(r.plain().contains("Téléphone E-mail"), "the toggle");
    let r = c.get("/connexion?par=email&suivant=%2Fadmin").await;
    assert_eq!(login_keyboard(&r.body), "email");
    // The toggle keeps where to go after the login.
    assert!(
        r.text()
            .contains("href=\"/connexion?par=telephone&suivant=%2Fadmin\"")
    );
    assert!(r.body.contains("name=\"par\" value=\"email\""));
    // An e-mail typed with the phone keypad comes back with the e-mail keyboard to fix it.
    let r = c
        .post(
            "/connexion",
            &[
                ("login", "directeur@test.tg"),
                ("password", "faux"),
                ("par", "telephone"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login_keyboard(&r.body), "email");
    // A phone login on the e-mail keyboard is accepted all the same.
    let mut p = app.client();
    p.get("/connexion").await;
    let r = p
        .post(
            "/connexion",
            &[
                ("login", "90 00 00 01"),
                ("password", PASSWORD),
                ("par", "email"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/parent");
    // A teacher who logged in by e-mail on this device finds the e-mail keyboard next time.
    let mut t = app.client();
    let r = t.login(login_of("teacher_a"), PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("suku_login_par="))
        .expect("the device remembers how its person logs in");
    assert!(cookie.starts_with("suku_login_par=email;"), "{cookie}");
    let again = |cookie: String| {
        Request::builder()
            .uri("/connexion")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap()
    };
    let fresh = app
        .client()
        .send(again("suku_login_par=email".into()))
        .await;
    assert_eq!(login_keyboard(&fresh.body), "email");
    let fresh = app
        .client()
        .send(again("suku_login_par=telephone".into()))
        .await;
    assert_eq!(login_keyboard(&fresh.body), "tel");
}

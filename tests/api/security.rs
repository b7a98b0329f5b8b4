//! What a probe of the portal found, each kept shut: who may give which role, logins tried
//! in parallel, the way back after a login or a language switch, formulas in CSV files, a
//! temporary password, a desk payment posted twice, the headers that keep scripts out, and
//! the names of attachments.

use axum::http::StatusCode;

use crate::helpers::{PASSWORD, TestApp, login_of, scalar, seed_fees};

fn staff_form<'a>(email: &'a str, roles: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("first_name", "Essi"),
        ("last_name", "Adjovi"),
        ("email", email),
        ("phone", ""),
        ("position", ""),
    ];
    for r in roles {
        f.push(("roles", r));
    }
    f
}

/// Every role-granting and account-editing route, with every role of the administration:
/// only a director gives the administration's roles, a secretary gives the roles she holds
/// or those outside the administration, and nobody edits the login of someone stronger.
#[tokio::test]
async fn nobody_makes_an_account_stronger_than_their_own() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    // (who, role given, allowed)
    let cases = [
        ("director", "director", true),
        ("director", "bursar", true),
        ("director", "secretary", true),
        ("director", "teacher", true),
        ("secretary", "director", false),
        ("secretary", "bursar", false),
        ("secretary", "secretary", true),
        ("secretary", "teacher", true),
        ("bursar", "teacher", false),
        ("bursar", "bursar", false),
        ("teacher_a", "teacher", false),
        ("parent_1", "teacher", false),
    ];
    for (n, (who, role, allowed)) in cases.into_iter().enumerate() {
        let mut c = app.login_as(who).await;
        let email = format!("nouveau{n}@test.tg");
        let before = scalar(pool, "SELECT COUNT(*) FROM users", None).await;
        let r = c
            .post("/admin/personnel", &staff_form(&email, &[role]))
            .await;
        let after = scalar(pool, "SELECT COUNT(*) FROM users", None).await;
        if allowed {
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "{who} gives {role}: {}",
                r.body
            );
            assert_eq!(after, before + 1, "{who} gives {role}");
        } else {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} gives {role}");
            assert_eq!(after, before, "{who} gives {role}: nothing created");
        }
        // Two roles at once, one of them too strong: refused whole.
        if who == "secretary" {
            let r = c
                .post(
                    "/admin/personnel",
                    &staff_form("mix@test.tg", &["teacher", "director"]),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
    }
    // The secretary's form offers no box she may not tick.
    let mut sec = app.login_as("secretary").await;
    let form = sec.get("/admin/personnel/nouveau").await;
    assert!(!form.body.contains("value=\"director\""), "{}", form.body);
    assert!(!form.body.contains("value=\"bursar\""));
    assert!(form.body.contains("value=\"teacher\""));
    // She cannot change the director's login (that would be taking over the account), nor
    // the bursar's; she edits a teacher.
    for (target, who) in [(app.f.director, "director"), (app.f.bursar, "bursar")] {
        let r = sec
            .post(
                &format!("/admin/utilisateurs/{target}"),
                &staff_form("pirate@test.tg", &[who]),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let page = sec.get(&format!("/admin/utilisateurs/{target}")).await;
        assert!(
            page.body.contains("<fieldset disabled>"),
            "{who}: read only"
        );
    }
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM users WHERE email = 'pirate@test.tg'",
            None
        )
        .await,
        0
    );
    let r = sec
        .post(
            &format!("/admin/utilisateurs/{}", app.f.teacher_a),
            &[
                ("first_name", "Yao"),
                ("last_name", "Kpodar"),
                ("email", "yao.kpodar@test.tg"),
                ("phone", ""),
                ("position", ""),
                ("roles", "teacher"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Passwords and activation stay the director's.
    for path in [
        format!("/admin/utilisateurs/{}/mot-de-passe", app.f.director),
        format!("/admin/utilisateurs/{}/activation", app.f.director),
    ] {
        assert_eq!(sec.post(&path, &[]).await.status, StatusCode::FORBIDDEN);
    }
    // The director may still do all of it.
    let mut dir = app.login_as("director").await;
    let r = dir
        .post(
            &format!("/admin/utilisateurs/{}", app.f.secretary),
            &staff_form("secretariat@test.tg", &["secretary", "bursar"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Twenty wrong passwords at once for one account: five reach the password check, the
/// others are refused before it; the count holds across them (it was checked, then argon2
/// ran, then counted: all twenty got through).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_logins_cannot_pass_the_limit() {
    let app = TestApp::new().await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let mut c = app.client();
        tasks.push(tokio::spawn(async move {
            c.login(login_of("teacher_a"), "pas-le-bon").await.status
        }));
    }
    let mut checked = 0;
    let mut paused = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => paused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((checked, paused), (5, 15));
    // Even the right password waits now, with a clear message…
    let r = app.client().login(login_of("teacher_a"), PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.plain().contains("minute"), "{}", r.plain());
    // …but the rest of the school, behind the same address, still logs in.
    for who in ["teacher_b", "parent_1", "director"] {
        let r = app.client().login(login_of(who), PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}");
    }
    // No more rows than attempts that reached the check (the refused took theirs back).
    assert!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM login_attempts WHERE scope = 'ip'",
            None
        )
        .await
            <= 5
    );
}

/// After a login or a language switch, the browser goes back to a page of this site only:
/// tabs and line breaks (which browsers drop from an address) cannot make `//other.site`.
#[tokio::test]
async fn the_way_back_stays_on_this_site() {
    let app = TestApp::new().await;
    for (next, to) in [
        ("/\t/evil.example", "/admin"),
        ("/\n/evil.example", "/admin"),
        ("\t//evil.example", "/admin"),
        ("//evil.example", "/admin"),
        ("https://evil.example/", "/admin"),
        ("/\\evil.example", "/admin"),
        ("/admin/eleves\r\nSet-Cookie: x=1", "/admin"),
        ("/admin/eleves?page=2", "/admin/eleves?page=2"),
    ] {
        let mut c = app.client();
        c.get("/connexion").await;
        let r = c
            .post(
                "/connexion",
                &[
                    ("login", login_of("director")),
                    ("password", PASSWORD),
                    ("suivant", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        assert_eq!(r.location(), to, "{next:?}");
        c.refresh_csrf().await;
        let r = c.post("/langue", &[("lang", "en"), ("retour", next)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        let back = if to == "/admin" { "/" } else { to };
        assert_eq!(r.location(), back, "{next:?}");
    }
}

/// A parent's justification that starts like a formula reaches the bursar's CSV as text.
#[tokio::test]
async fn a_formula_in_a_justification_is_only_text_in_a_csv() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let now = app.state.clock.now();
    let (rc,): (i64,) = sqlx::query_as(
        "INSERT INTO roll_calls (class_id, held_on, starts_at, minutes, taken_by, taken_at) \
         VALUES ($1, $2, '08:00', 55, $3, $4) RETURNING id",
    )
    .bind(app.f.class_a)
    .bind(app.state.clock.today() - chrono::Days::new(1))
    .bind(app.f.teacher_a)
    .bind(now)
    .fetch_one(pool)
    .await
    .unwrap();
    let (absence,): (i64,) = sqlx::query_as(
        "INSERT INTO absences (roll_call_id, student_id, kind, minutes) VALUES ($1, $2, 'absence', 55) RETURNING id",
    )
    .bind(rc)
    .bind(app.f.s1)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut parent = app.login_as("parent_1").await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"Malade\")";
    let r = parent
        .post(
            &format!("/parent/absences/{absence}/justification"),
            &[("reason", formula)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut b = app.login_as("bursar").await;
    let form = [
        ("name", "Justifications"),
        ("dataset", "absences"),
        ("title", "Justifications"),
        ("use_student", "1"),
        ("pos_student", "1"),
        ("use_reason", "1"),
        ("pos_reason", "2"),
        ("orientation", "portrait"),
    ];
    let r = b.post("/admin/exports/modeles/nouveau", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r.location().rsplit('/').next().unwrap().to_string();
    for format in ["csv", "csv-comma"] {
        let csv = b
            .get(&format!(
                "/admin/exports/modeles/{id}/fichier?format={format}"
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{format}");
        let text = String::from_utf8_lossy(&csv.bytes).to_string();
        assert!(text.contains("'=HYPERLINK("), "{format}: {text}");
        assert!(
            !text.contains(";=HYPERLINK") && !text.contains(",=HYPERLINK"),
            "{format}: a live formula: {text}"
        );
    }
}

/// An account still on its temporary password opens nothing but the page that replaces it:
/// not a bulletin, not a receipt, not a conversation.
#[tokio::test]
async fn a_temporary_password_opens_nothing_else() {
    let app = TestApp::new().await;
    let mut dir = app.login_as("director").await;
    let r = dir
        .post(
            &format!("/admin/utilisateurs/{}/mot-de-passe", app.f.parent_1),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = dir
        .get(&format!("/admin/utilisateurs/{}", app.f.parent_1))
        .await;
    let flash = page.plain();
    let at = flash
        .find("provisoire : ")
        .expect("the temporary password is shown once")
        + "provisoire : ".len();
    let temp: String = flash[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut p = app.client();
    let r = p.login(login_of("parent_1"), &temp).await;
    assert_eq!(r.location(), "/compte/mot-de-passe");
    let period = scalar(&app.db.pool, "SELECT MIN(id) FROM periods", None).await;
    for path in [
        format!("/bulletins/{}/{period}", app.f.s1),
        format!("/bulletins/{}/{period}/pdf", app.f.s1),
        format!("/parent/enfants/{}", app.f.s1),
        "/messages".to_string(),
    ] {
        let r = p.get(&path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), "/compte/mot-de-passe", "{path}");
    }
}

/// The same desk payment form posted twice (a double click, a refresh) makes one receipt.
#[tokio::test]
async fn a_payment_form_posted_twice_makes_one_receipt() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let mut b = app.login_as("bursar").await;
    let url = format!("/admin/eleves/{}/frais", app.f.s2);
    let page = b.get(&url).await;
    let at = page.body.find("name=\"key\" value=\"").expect("a key") + 18;
    let key = page.body[at..at + 32].to_string();
    let before = scalar(&app.db.pool, "SELECT COUNT(*) FROM payments", None).await;
    let mut receipts = Vec::new();
    for _ in 0..2 {
        let r = b
            .post(
                &format!("/admin/eleves/{}/paiements", app.f.s2),
                &[
                    ("amount", "5000"),
                    ("method", "especes"),
                    ("reference", ""),
                    ("payer", "Sa mère"),
                    ("key", &key),
                    ("step", "confirm"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        receipts.push(r.location().to_string());
    }
    assert_eq!(receipts[0], receipts[1], "the same receipt");
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM payments", None).await,
        before + 1
    );
    // A new form is a new payment.
    let page = b.get(&url).await;
    assert!(!page.body.contains(&key), "a fresh key");
}

/// Every page says what it may load and run (no inline script, no inline style, not
/// framed) and which browser features it never uses; over https, browsers are told to stay
/// on https. Pages carry no inline script or style for the policy to block.
#[tokio::test]
async fn pages_forbid_inline_script_and_say_so() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let pages = [
        ("director", "/admin"),
        ("bursar", "/admin/caisse"),
        ("bursar", "/admin/impayes"),
        ("teacher_a", "/enseignant"),
        ("parent_1", "/parent"),
        ("student", "/eleve"),
        ("director", "/admin/analytique"),
    ];
    for (who, path) in pages {
        let mut c = app.login_as(who).await;
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let csp = r
            .headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // Only features browsers know (Chromium warns on every page of one it does not,
        // `bluetooth` for one), and the ones a school portal never uses are off.
        let policy = r
            .headers
            .get("permissions-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let known = [
            "camera",
            "microphone",
            "geolocation",
            "payment",
            "usb",
            "serial",
            "midi",
            "magnetometer",
            "gyroscope",
            "accelerometer",
            "fullscreen",
            "autoplay",
            "display-capture",
            "hid",
            "idle-detection",
            "screen-wake-lock",
            "xr-spatial-tracking",
        ];
        let features: Vec<&str> = policy
            .split(',')
            .map(|d| d.trim().split('=').next().unwrap_or(""))
            .collect();
        for f in &features {
            assert!(
                known.contains(f),
                "{path}: unknown feature {f:?} in {policy}"
            );
        }
        for off in ["camera", "microphone", "geolocation", "payment"] {
            assert!(policy.contains(&format!("{off}=()")), "{path}: {policy}");
        }
        assert!(!r.headers.contains_key("strict-transport-security"));
        let body = r.body.to_lowercase();
        for (i, _) in body.match_indices("<script") {
            let tag = &body[i..body[i..].find('>').map_or(body.len(), |e| i + e)];
            assert!(tag.contains(" src="), "{path}: inline script {tag}");
        }
        assert!(!body.contains(" onclick="), "{path}: inline handler");
        assert!(!body.contains(" style=\""), "{path}: inline style");
        assert!(!body.contains("hx-on"), "{path}: htmx inline handler");
    }
    let https = TestApp::with_config(|c| c.public_url = "https://ecole.example".into()).await;
    let r = https.client().get("/connexion").await;
    assert_eq!(
        r.headers
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
}

/// A file's name is shown as written, without the controls that reverse text
/// (`facture\u{202e}gnp.exe` would read "facture" + "exe.png"), and sent whole in UTF-8.
#[tokio::test]
async fn attachment_names_carry_no_text_reversal() {
    let app = TestApp::new().await;
    let chat = crate::helpers::seed_chat(&app).await;
    let mut p = app.login_as("parent_1").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";
    let r = p
        .upload_with(
            &format!("/messages/{}", chat.direct),
            &[("body", "Voici")],
            "file",
            "reçu\u{202e}gnp.exe",
            png,
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{}",
        r.body
    );
    let (file, name): (i64, String) =
        sqlx::query_as("SELECT id, name FROM files ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(name, "reçugnp.exe");
    let r = p.get(&format!("/fichiers/{file}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let cd = r
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cd.contains("filename=\"re_ugnp.exe\""), "{cd}");
    assert!(cd.contains("filename*=UTF-8''re%C3%A7ugnp.exe"), "{cd}");
}

/// A table over the size the import takes is refused with a message saying so (413), on
/// both routes that read tables.
#[tokio::test]
async fn an_oversized_table_is_refused_in_words() {
    let app = TestApp::new().await;
    let big = format!("matricule;note\n{}", "T-001;12\n".repeat(620_000));
    assert!(big.len() > 5 << 20);
    let mut sec = app.login_as("secretary").await;
    let r = sec
        .upload("/admin/import/eleves", "eleves.csv", big.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.plain().contains("dépasse 5 Mo"), "{}", r.plain());
    let mut t = app.login_as("teacher_a").await;
    let e = crate::helpers::evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-20").await;
    let r = t
        .upload(
            &format!("/enseignant/evaluations/{e}/import"),
            "notes.csv",
            big.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

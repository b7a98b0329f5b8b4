//! The assistant without a language model: it answers a family's frequent questions from
//! their own data and the school's FAQ, in French and English, never with another family's
//! data; a daily budget and a rate limit apply; the JSON endpoint takes the session with its
//! CSRF header or a personal access token; distress and reports are flagged to the
//! administration.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

use crate::helpers::{Client, Res, TestApp};

async fn ask(c: &mut Client, q: &str) -> Res {
    c.post_htmx("/assistant", &[("message", q)]).await
}

/// The assistant's last answer in a response, as text.
fn answer(r: &Res) -> String {
    let at = r
        .body
        .rfind("asst-assistant")
        .unwrap_or_else(|| panic!("{}: {}", r.status, r.body));
    let rest = &r.body[at..];
    let p = rest.find("<p>").unwrap() + 3;
    rest[p..p + rest[p..].find("</p>").unwrap()]
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

#[tokio::test]
async fn a_parent_asks_about_their_children_and_the_school_without_a_model() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let f = &app.f;
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-20").await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "14,5").await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get("/assistant").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Combien reste-t-il à payer ?"),
        "a suggestion"
    );

    // The balance, for each child, with the next instalment.
    let a = answer(&ask(&mut p, "Combien reste-t-il à payer ?").await);
    assert!(a.contains("Sena Agbodjan") && a.contains("Elom"), "{a}");
    assert!(a.contains("Sena Agbodjan : 55"), "{a}");
    assert!(a.contains("Prochaine échéance le 15/10/2026"), "{a}");
    // As a phone types it.
    let b = answer(&ask(&mut p, "cb je dwa").await);
    assert_eq!(a, b);
    // "Mon fils": the son's average, and his latest mark (Sena is his sister).
    sqlx::query("UPDATE students SET sex = 'F' WHERE id = $1")
        .bind(f.s2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let a = answer(&ask(&mut p, "Quelle est la moyenne de mon fils ?").await);
    assert!(a.contains("Elom") && a.contains("14,50"), "{a}");
    assert!(!a.contains("Sena"), "{a}");
    // Another family's child, named: nothing of theirs.
    let a = answer(&ask(&mut p, "quelle est la moyenne de Yawo ?").await);
    assert!(!a.contains("Yawo"), "{a}");
    // The school's FAQ, as the administration wrote it.
    let mut d = app.login_as("director").await;
    d.get("/admin/assistant").await;
    let r = d
        .post(
            "/admin/assistant/faq",
            &[
                ("question", "Quel est l’uniforme ?"),
                ("answer", "Chemise kaki et jupe ou pantalon bleu marine."),
                ("keywords", "uniforme tenue habit"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let a = answer(&ask(&mut p, "c koi l'uniforme ?").await);
    assert_eq!(a, "Chemise kaki et jupe ou pantalon bleu marine.");
    // It says when it does not know, and who to ask.
    let a = answer(&ask(&mut p, "le ciel est bleu").await);
    assert!(a.contains("Je ne sais pas répondre"), "{a}");
    // The conversation is kept; a new one starts empty.
    let page = p.get("/assistant").await;
    assert_eq!(page.body.matches("asst-msg asst-user").count(), 6);
    p.post("/assistant/nouvelle", &[]).await;
    assert_eq!(
        p.get("/assistant")
            .await
            .body
            .matches("asst-msg asst-user")
            .count(),
        0
    );
    // In English.
    p.post("/langue", &[("lang", "en"), ("retour", "/assistant")])
        .await;
    p.get("/assistant").await;
    let a = answer(&ask(&mut p, "How much do I still owe?").await);
    assert!(a.contains("Next instalment on"), "{a}");
    // A student gets their own average, and no fees.
    let mut s = app.login_as("student").await;
    s.get("/assistant").await;
    let a = answer(&ask(&mut s, "kel est ma moyene").await);
    assert!(a.contains("14,50"), "{a}");
    let a = answer(&ask(&mut s, "combien je dois payer").await);
    assert!(a.contains("espace des parents"), "{a}");
}

#[tokio::test]
async fn budgets_and_rates_bound_the_use() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    d.get("/admin/assistant").await;
    let r = d
        .post(
            "/admin/assistant/reglages",
            &[("daily_messages", "0"), ("per_minute", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = d
        .post(
            "/admin/assistant/reglages",
            &[
                ("daily_messages", "3"),
                ("per_minute", "2"),
                ("blocked_topics", "politique"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut p = app.login_as("parent_1").await;
    p.get("/assistant").await;
    assert_eq!(ask(&mut p, "bonjour").await.status, StatusCode::OK);
    // A blocked topic is not discussed.
    let a = answer(&ask(&mut p, "que penses-tu de la politique ?").await);
    assert!(a.contains("ne parle pas de ce sujet"), "{a}");
    let r = ask(&mut p, "merci").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("trop vite"));
    // A minute later: the third of the day, then the budget is spent.
    app.state.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(ask(&mut p, "merci").await.status, StatusCode::OK);
    app.state.clock.advance(chrono::Duration::seconds(61));
    let r = ask(&mut p, "merci").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("nombre de messages de la journée"));
    // Empty or too long: said, not counted.
    let mut other = app.login_as("parent_2").await;
    other.get("/assistant").await;
    assert_eq!(
        ask(&mut other, "  ").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let long = "a".repeat(1001);
    assert_eq!(
        ask(&mut other, &long).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The administration sees the use by role.
    let page = d.get("/admin/assistant").await;
    assert!(page.text().contains("Parent"), "{}", page.text());
}

async fn api(
    app: &TestApp,
    c: Option<&Client>,
    bearer: Option<&str>,
    csrf: bool,
    body: &str,
) -> Res {
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/assistant")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(c) = c {
        b = b.header(
            header::COOKIE,
            format!("suku_session={}", c.cookie.clone().unwrap()),
        );
        if csrf {
            b = b.header("X-CSRF-Token", c.csrf.clone().unwrap());
        }
    }
    if let Some(t) = bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    app.client()
        .send(b.body(Body::from(body.to_string())).unwrap())
        .await
}

#[tokio::test]
async fn the_json_endpoint_takes_the_session_or_a_token() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let mut p = app.login_as("parent_1").await;
    p.get("/assistant").await;
    let r = api(
        &app,
        Some(&p),
        None,
        true,
        r#"{"message": "combien je dois ?"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["answer"].as_str().unwrap().contains("FCFA"), "{v}");
    assert!(v["conversation"].as_i64().unwrap() > 0);
    // Without the CSRF header a session's request is refused.
    let r = api(
        &app,
        Some(&p),
        None,
        false,
        r#"{"message": "combien je dois ?"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(&app, Some(&p), None, true, "combien").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        serde_json::from_str::<Value>(&r.body).unwrap()["error"],
        "asst-error-json"
    );
    // A token with the assistant's scope; one without it is refused.
    p.get("/compte/jetons").await;
    let token = |scopes: &'static [&'static str]| {
        let mut p = p.clone();
        async move {
            let mut f = vec![("name", "App"), ("duree", "30")];
            f.extend(scopes.iter().map(|s| ("scope", *s)));
            let r = p.post("/compte/jetons", &f).await;
            let at = r.body.find("data-testid=\"token-secret\">").unwrap() + 27;
            r.body[at..at + 45].to_string()
        }
    };
    let with = token(&["assistant", "balance"]).await;
    let without = token(&["balance"]).await;
    let r = api(
        &app,
        None,
        Some(&with),
        false,
        r#"{"message": "combien je dois ?"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("FCFA"));
    // The assistant reads for a token only the widgets of its scopes.
    let narrow = token(&["assistant"]).await;
    let r = api(
        &app,
        None,
        Some(&narrow),
        false,
        r#"{"message": "combien je dois ?"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        !r.body.contains("FCFA") && r.body.contains("ne permet pas"),
        "{}",
        r.body
    );
    // A role the person does not hold.
    let r = api(
        &app,
        None,
        Some(&with),
        false,
        r#"{"message": "combien je dois ?", "role": "director"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = api(
        &app,
        None,
        Some(&without),
        false,
        r#"{"message": "combien je dois ?"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nobody signed in.
    let r = api(&app, None, None, false, r#"{"message": "x"}"#).await;
    assert!(matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));
}

#[tokio::test]
async fn distress_and_reports_reach_the_administration() {
    let app = TestApp::new().await;
    let mut s = app.login_as("student").await;
    s.get("/assistant").await;
    // A word that only looks like one of distress is not flagged.
    let a = answer(&ask(&mut s, "il s'amuse en classe").await);
    assert!(!a.contains("adulte de confiance"), "{a}");
    let a = answer(&ask(&mut s, "on me frappe à la maison").await);
    assert!(a.contains("adulte de confiance"), "{a}");
    let mut p = app.login_as("parent_1").await;
    p.get("/assistant").await;
    // Nothing to report before a conversation.
    assert_eq!(
        p.post("/assistant/signaler", &[("note", "x")]).await.status,
        StatusCode::BAD_REQUEST
    );
    ask(&mut p, "bonjour").await;
    let r = p
        .post("/assistant/signaler", &[("note", "Réponse blessante")])
        .await;
    assert_eq!(r.location(), "/assistant");
    // Both flags are told to the director and the secretary, without their words.
    crate::helpers::notify(&app).await;
    let told: Vec<(i64, String)> = sqlx::query_as(
        "SELECT user_id, link FROM notifications WHERE text_key = 'notif-assistant-flagged' ORDER BY user_id, id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let f = &app.f;
    let mut who: Vec<i64> = told.iter().map(|t| t.0).collect();
    who.dedup();
    let mut staff = vec![f.director, f.secretary];
    staff.sort();
    assert_eq!(who, staff, "{told:?}");
    assert_eq!(told.len(), 4);
    assert!(told[0].1.starts_with("/admin/assistant/conversations/"));
    let mut d = app.login_as("director").await;
    let bell = d.get("/notifications").await.plain();
    assert!(
        bell.contains("Une conversation avec l’assistant est signalée : Règles de sécurité"),
        "{bell}"
    );
    assert!(!bell.contains("frappe"), "{bell}");
    let page = d.get("/admin/assistant").await;
    let text = page.text();
    assert!(
        text.contains("Règles de sécurité") && text.contains("Réponse blessante"),
        "{text}"
    );
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT f.id, f.conversation_id FROM assistant_flags f ORDER BY f.id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 2);
    let conv = d
        .get(&format!("/admin/assistant/conversations/{}", rows[0].1))
        .await;
    assert!(conv.text().contains("on me frappe"));
    // A conversation nobody flagged stays private.
    let (other,): (i64,) = sqlx::query_as(
        "INSERT INTO assistant_conversations (user_id, role, started_at) VALUES ($1, 'parent', $2) RETURNING id",
    )
    .bind(app.f.parent_2)
    .bind(app.state.clock.now())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        d.get(&format!("/admin/assistant/conversations/{other}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = d
        .post(&format!("/admin/assistant/signalements/{}", rows[0].0), &[])
        .await;
    assert_eq!(r.location(), "/admin/assistant#signalements");
    // The teacher and the bursar do not see it.
    let mut t = app.login_as("teacher_a").await;
    assert_eq!(
        t.get("/admin/assistant").await.status,
        StatusCode::FORBIDDEN
    );
}

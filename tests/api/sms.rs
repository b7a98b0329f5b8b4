//! Text messages against a loopback Twilio (tests/api/fake_sms.rs): a parent who chose SMS
//! for marks gets one, in their language, once; the provider's refusals are kept and its
//! failures retried; the school's budget stops sending and tells the director; a person's
//! daily cap holds; the SMS page is the records managers'.

use axum::http::StatusCode;
use suku::notifications::Notifier;

use crate::fake_sms::{self, Fault};
use crate::helpers::{TestApp, scalar};

async fn app_with_twilio() -> (TestApp, std::sync::Arc<fake_sms::Twilio>) {
    fake_sms::app_with(|_| {}).await
}

async fn dispatch(app: &TestApp) {
    suku::events::dispatch(
        &app.db.pool,
        &Notifier::new(&app.state),
        500,
        app.state.clock.now(),
    )
    .await
    .unwrap();
}

async fn send(app: &TestApp) -> usize {
    let sender = app.state.sms.clone().unwrap();
    suku::sms::send_due(&app.state, sender.as_ref(), 50)
        .await
        .unwrap()
}

/// Parent 1 turns SMS on for marks.
async fn parent_wants_sms(app: &TestApp) {
    let mut p = app.login_as("parent_1").await;
    let prefs = p.get("/compte/notifications").await;
    assert!(
        prefs.text().contains("mark.sms"),
        "the SMS column is offered"
    );
    let r = p
        .post(
            "/compte/notifications",
            &[("on", "mark.in_app"), ("on", "mark.sms")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_parent_who_chose_sms_gets_the_mark_by_text_message_once() {
    let (app, twilio) = app_with_twilio().await;
    parent_wants_sms(&app).await;
    let mut t = app.login_as("teacher_a").await;
    crate::notifications::mark(&app, &mut t, "14").await;
    dispatch(&app).await;
    dispatch(&app).await;
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM sms_outbox", None).await,
        1,
        "only the parent who asked, once"
    );
    assert_eq!(send(&app).await, 1);
    assert_eq!(send(&app).await, 0, "nothing twice");
    let sent = twilio.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "+22890000001");
    assert_eq!(sent[0].from, "LUMIERE");
    assert!(sent[0].body.contains("14"), "{}", sent[0].body);
    assert!(sent[0].body.chars().count() <= 160, "{}", sent[0].body);
    let (reference,): (Option<String>,) = sqlx::query_as("SELECT provider_ref FROM sms_outbox")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(reference.as_deref(), Some(sent[0].sid.as_str()));
    // The administration sees it on the SMS page.
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/sms").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.plain().contains("Envoyé"), "{}", page.plain());
    assert!(page.plain().contains("1 segments envoyés ce mois-ci"));
}

#[tokio::test]
async fn the_providers_failures_are_retried_and_its_refusals_kept() {
    let (app, twilio) = app_with_twilio().await;
    let queue = |to: &'static str| {
        let app = &app;
        async move {
            let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
            let r = suku::sms::queue(
                &mut tx,
                &app.state,
                &suku::sms::Outgoing {
                    user_id: Some(app.f.parent_1),
                    to,
                    body: "Réunion des parents samedi à 9 h",
                    purpose: "notification",
                    student_id: None,
                },
                app.state.clock.now(),
            )
            .await
            .unwrap()
            .unwrap();
            tx.commit().await.unwrap();
            r
        }
    };
    // Twilio down, then busy: the message waits, then goes.
    let id = queue("+22890000001").await;
    twilio.fail_next(Fault::Down);
    assert_eq!(send(&app).await, 0);
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as("SELECT CAST(attempts AS BIGINT), last_error FROM sms_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.unwrap().contains("500"));
    app.state.clock.advance(chrono::Duration::minutes(2));
    twilio.fail_next(Fault::Busy);
    assert_eq!(send(&app).await, 0);
    app.state.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(send(&app).await, 1);
    assert_eq!(twilio.sent().len(), 1);
    // A number Twilio refuses (21211) is kept with the reason and not tried again.
    let bad = queue("+0000").await;
    assert_eq!(send(&app).await, 0);
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as("SELECT CAST(attempts AS BIGINT), last_error FROM sms_outbox WHERE id = $1")
            .bind(bad)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(attempts, suku::notifications::outbox::MAX_ATTEMPTS);
    assert!(error.unwrap().contains("21211"));
    app.state.clock.advance(chrono::Duration::hours(12));
    assert_eq!(send(&app).await, 0);
    assert_eq!(twilio.sent().len(), 1);
    let mut d = app.login_as("secretary").await;
    assert!(
        d.get("/admin/sms")
            .await
            .plain()
            .contains("Refusé par l’opérateur")
    );
}

#[tokio::test]
async fn wrong_credentials_are_refused_not_retried_forever() {
    let (url, twilio) = fake_sms::start().await;
    let app = TestApp::with_config(|c| {
        c.sms.provider = "twilio".into();
        c.sms.twilio_url = url.clone();
        c.sms.twilio_sid = fake_sms::SID.into();
        c.sms.twilio_token = suku::config::Secret("wrong".into());
        c.sms.from = "LUMIERE".into();
    })
    .await;
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    suku::sms::queue(
        &mut tx,
        &app.state,
        &suku::sms::Outgoing {
            user_id: None,
            to: "+22890000001",
            body: "Test",
            purpose: "reminder",
            student_id: None,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(send(&app).await, 0);
    let (error,): (Option<String>,) = sqlx::query_as("SELECT last_error FROM sms_outbox")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(error.unwrap().contains("20003"));
    assert!(twilio.sent().is_empty());
}

#[tokio::test]
async fn the_budget_stops_sending_and_tells_the_director_once() {
    let (app, _twilio) = app_with_twilio().await;
    let mut d = app.login_as("director").await;
    // Bad values are refused with a message; nothing changes.
    let r = d
        .post(
            "/admin/sms",
            &[("monthly_budget", "-3"), ("daily_per_person", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("entre 0 et 1 000 000"));
    assert!(r.plain().contains("entre 1 et 50"));
    let r = d
        .post(
            "/admin/sms",
            &[("monthly_budget", "3"), ("daily_per_person", "10")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Only the director sets them.
    let mut s = app.login_as("secretary").await;
    assert_eq!(
        s.post(
            "/admin/sms",
            &[("monthly_budget", "900"), ("daily_per_person", "5")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let mut refused = Vec::new();
    for i in 0..5 {
        let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
        let body = format!("Message {i}");
        let r = suku::sms::queue(
            &mut tx,
            &app.state,
            &suku::sms::Outgoing {
                user_id: Some(app.f.parent_1),
                to: "+22890000001",
                body: &body,
                purpose: "notification",
                student_id: None,
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        refused.push(r.err());
    }
    assert_eq!(
        refused,
        vec![
            None,
            None,
            None,
            Some(suku::sms::Refused::Budget),
            Some(suku::sms::Refused::Budget)
        ]
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE text_key = 'sms-budget-spent' AND user_id = $1",
            Some(app.f.director)
        )
        .await,
        1,
        "told once"
    );
    let bell = d.get("/notifications").await;
    assert!(
        bell.plain().contains("budget SMS du mois est épuisé"),
        "{}",
        bell.plain()
    );
}

#[tokio::test]
async fn a_person_gets_at_most_the_daily_cap_and_long_texts_are_refused() {
    let (app, _twilio) = app_with_twilio().await;
    suku::settings::store(
        &app.db.pool,
        "sms",
        &suku::settings::SmsSettings {
            monthly_budget: 100,
            daily_per_person: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut outcomes = Vec::new();
    for (purpose, body) in [
        ("notification", "Un".to_string()),
        ("notification", "Deux".to_string()),
        ("notification", "Trois".to_string()),
        // A reset code is not held by the cap.
        ("reset", "Code : 123456".to_string()),
        ("notification", "x".repeat(500)),
    ] {
        let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
        let r = suku::sms::queue(
            &mut tx,
            &app.state,
            &suku::sms::Outgoing {
                user_id: Some(app.f.parent_2),
                to: "+22890000002",
                body: &body,
                purpose,
                student_id: None,
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        outcomes.push(r.err());
    }
    use suku::sms::Refused;
    assert_eq!(
        outcomes,
        vec![
            None,
            None,
            Some(Refused::DailyCap),
            None,
            Some(Refused::TooLong)
        ]
    );
    // The next day, the parent can be told again.
    app.state.clock.advance(chrono::Duration::hours(25));
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    let r = suku::sms::queue(
        &mut tx,
        &app.state,
        &suku::sms::Outgoing {
            user_id: Some(app.f.parent_2),
            to: "+22890000002",
            body: "Quatre",
            purpose: "notification",
            student_id: None,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(r.is_ok());
}

#[tokio::test]
async fn the_bursar_reminds_families_in_arrears_by_sms_once_a_week() {
    let (app, twilio) = app_with_twilio().await;
    crate::helpers::seed_fees(&app).await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/admin/sms",
            &[
                ("monthly_budget", "1000"),
                ("daily_per_person", "5"),
                ("pay_code", "T-Money *145*3*2026#"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut b = app.login_as("bursar").await;
    let page = b.get("/admin/impayes").await;
    assert!(
        page.plain().contains("Relancer par SMS"),
        "{}",
        page.plain()
    );
    assert!(
        page.text().contains("https://wa.me/22890000001"),
        "WhatsApp beside the phone"
    );
    // One family: S1's parent.
    let r = b
        .post(
            "/admin/impayes/relance",
            &[("eleve", &app.f.s1.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = b.get(r.location()).await;
    assert!(page.plain().contains("1 SMS envoyés"), "{}", page.plain());
    send(&app).await;
    let sms = twilio.sent();
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].to, "+22890000001");
    assert!(
        sms[0].body.contains("Elom a 20 000 FCFA") && sms[0].body.contains("15/10/2026"),
        "{}",
        sms[0].body
    );
    assert!(sms[0].body.contains("*145*3*2026#"), "{}", sms[0].body);
    assert!(page.plain().contains("relancé le"));
    // The whole list: S1's family was reminded this week and is skipped.
    let r = b.post("/admin/impayes/relance", &[]).await;
    let page = b.get(r.location()).await;
    assert!(
        page.plain().contains("1 familles déjà relancées"),
        "{}",
        page.plain()
    );
    let reminders = scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM sms_outbox WHERE purpose = 'reminder' AND student_id = $1",
        Some(app.f.s1),
    )
    .await;
    assert_eq!(reminders, 1);
    // The journal keeps who sent them.
    let journal = d.get("/admin/journal").await;
    assert!(
        journal.plain().contains("SMS de rappel de frais"),
        "{}",
        journal.plain()
    );
    // Only those who handle money remind.
    let mut s = app.login_as("secretary").await;
    assert_eq!(
        s.post("/admin/impayes/relance", &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

//! Notifications from school events: who is told, in their language, after their choices,
//! exactly once; the bell and the centre; quiet hours.

use axum::http::StatusCode;
use chrono::Timelike;
use suku::notifications::Notifier;

use crate::helpers::{Client, TestApp, scalar};

async fn dispatch(app: &TestApp) -> usize {
    suku::events::dispatch(
        &app.db.pool,
        &Notifier::new(&app.state),
        500,
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

/// Teacher A gives S1 `mark`/20 on a new devoir in 6e A maths.
pub(crate) async fn mark(app: &TestApp, t: &mut Client, mark: &str) {
    let (p1,): (i64,) = sqlx::query_as("SELECT id FROM periods ORDER BY ordinal LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = t
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", &p1.to_string()),
                ("kind", "devoir"),
                ("title", "Devoir"),
                ("held_on", "2026-11-20"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let e: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    let cell = format!("note_{}", app.f.s1);
    let r = t
        .post(
            &format!("/enseignant/evaluations/{e}/eleves/{}", app.f.s1),
            &[(&cell, mark)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_new_mark_tells_the_student_and_their_parents_once() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    mark(&app, &mut t, "15,5").await;
    assert!(dispatch(&app).await >= 1);
    // Dispatching again handles nothing twice.
    assert_eq!(dispatch(&app).await, 0);
    let pool = &app.db.pool;
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'mark'",
            None
        )
        .await,
        2,
        "the student and parent 1"
    );
    let mut p = app.login_as("parent_1").await;
    let bell = p.get("/notifications/cloche").await;
    assert!(bell.body.contains("data-unread=\"1\""), "{}", bell.body);
    let page = p.get("/notifications").await;
    assert!(
        page.plain().contains("Elom : 15,5/20 en Mathématiques."),
        "{}",
        page.plain()
    );
    // In English for a reader in English.
    let mut en = app.login_as("student").await;
    en.post("/langue", &[("lang", "en"), ("retour", "/eleve")])
        .await;
    let page = en.get("/notifications").await.plain();
    assert!(page.contains("Elom: 15.5/20 in Mathématiques."), "{page}");
    // Opening it marks it read and leads to the child's page; another user's id is not found.
    let id = scalar(
        pool,
        "SELECT id FROM notifications WHERE user_id = $1",
        Some(app.f.parent_1),
    )
    .await;
    let r = p.get(&format!("/notifications/{id}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/parent/enfants/{}", app.f.s1));
    assert!(
        p.get("/notifications/cloche")
            .await
            .body
            .contains("data-unread=\"0\"")
    );
    let mut other = app.login_as("parent_2").await;
    assert_eq!(
        other.get(&format!("/notifications/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        other
            .get("/notifications")
            .await
            .plain()
            .contains("Aucune notification.")
    );
}

#[tokio::test]
async fn preferences_turn_a_kind_off_and_quiet_hours_are_checked() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get("/compte/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    // Without SMTP or VAPID keys, only the portal is offered.
    assert!(!page.plain().contains("E-mail"));
    // Everything but marks.
    let fields: Vec<(&str, &str)> = vec![
        ("on", "absence.in_app"),
        ("on", "bulletin.in_app"),
        ("on", "payment.in_app"),
        ("on", "message.in_app"),
        ("on", "announcement.in_app"),
        ("quiet_start", "21h"),
        ("quiet_end", "6h30"),
    ];
    let r = p.post("/compte/notifications", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = p.get("/compte/notifications").await.body;
    assert!(page.contains("value=\"21h00\"") && page.contains("value=\"06h30\""));
    let mut t = app.login_as("teacher_a").await;
    mark(&app, &mut t, "12").await;
    dispatch(&app).await;
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1",
            Some(app.f.parent_1)
        )
        .await,
        0
    );
    // Bad times: named, nothing saved.
    for (start, end, says) in [
        ("25h", "6h", "Écrivez une heure comme 21h00."),
        ("soir", "6h", "Écrivez une heure comme 21h00."),
        ("7h", "7h00", "Le début et la fin doivent différer."),
    ] {
        let r = p
            .post(
                "/compte/notifications",
                &[("quiet_start", start), ("quiet_end", end)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.plain().contains(says), "{}", r.plain());
    }
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT CAST(start_minute AS BIGINT) FROM quiet_hours WHERE user_id = $1",
            Some(app.f.parent_1)
        )
        .await,
        21 * 60
    );
}

#[tokio::test]
async fn a_teacher_in_quiet_hours_is_shown_as_such_to_the_sender() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_b").await;
    let now = app.state.clock.now();
    let h = i64::from(now.hour());
    let start = format!("{}h00", (h + 23) % 24);
    let end = format!("{}h00", (h + 2) % 24);
    let r = t
        .post(
            "/compte/notifications",
            &[
                ("on", "message.in_app"),
                ("quiet_start", &start),
                ("quiet_end", &end),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut p = app.login_as("parent_2").await;
    let r = p
        .post(
            "/messages/nouveau",
            &[("user_id", &app.f.teacher_b.to_string())],
        )
        .await;
    let page = p.get(r.location()).await.plain();
    assert!(page.contains("est en heures calmes jusqu’à"), "{page}");
    // The message still waits for them as a notification.
    p.post(r.location(), &[("body", "Bonsoir")]).await;
    dispatch(&app).await;
    let page = t.get("/notifications").await.plain();
    assert!(page.contains("Nouveau message de"), "{page}");
}

#[tokio::test]
async fn announcements_and_payments_notify_the_families_concerned() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(
            "/annonces",
            &[
                ("title", "Sortie au musée"),
                ("body", "Les 6e B visiteront le musée national."),
                ("audience", "class"),
                ("class_id", &app.f.class_b.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    crate::helpers::seed_fees(&app).await;
    dispatch(&app).await;
    let mut p2 = app.login_as("parent_2").await;
    let page = p2.get("/notifications").await.plain();
    assert!(page.contains("Annonce : Sortie au musée"), "{page}");
    assert!(page.contains("Paiement de"), "{page}");
    let mut p1 = app.login_as("parent_1").await;
    // Parent 1 also has a child in 6e B; teacher A does not teach 6e B.
    assert!(
        p1.get("/notifications")
            .await
            .plain()
            .contains("Sortie au musée")
    );
    let mut ta = app.login_as("teacher_a").await;
    assert!(
        !ta.get("/notifications")
            .await
            .plain()
            .contains("Sortie au musée")
    );
}

/// A loopback SMTP server that speaks enough of RFC 5321 for a client: EHLO, MAIL, RCPT,
/// DATA, QUIT. It refuses the first `refuse` messages with a temporary error (451), as a
/// busy server does, and keeps the others.
struct Smtp {
    port: u16,
    received: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
}

async fn smtp_server(refuse: usize) -> Smtp {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = received.clone();
    let refused = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            let store = store.clone();
            let refused = refused.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test.local ESMTP\r\n").await.unwrap();
                let mut rcpt = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-test.local\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("MAIL FROM") {
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO") {
                        rcpt = line[8..].trim().trim_matches(['<', '>']).to_string();
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                            .await
                            .unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        if refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < refuse {
                            b"451 Try again later\r\n"
                        } else {
                            store.lock().unwrap().push((rcpt.clone(), data));
                            b"250 Queued\r\n"
                        }
                    } else if upper.starts_with("RSET") || upper.starts_with("NOOP") {
                        b"250 OK\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 Bye\r\n").await;
                        break;
                    } else {
                        b"502 Command not implemented\r\n"
                    };
                    if w.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Smtp { port, received }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_reach_parents_by_email_when_they_ask_even_if_the_server_refuses_once() {
    let smtp = smtp_server(1).await;
    let port = smtp.port;
    let app = TestApp::with_config(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.public_url = "https://ecole.example.tg".into();
    })
    .await;
    sqlx::query("UPDATE users SET email = 'maman.elom@example.tg' WHERE id = $1")
        .bind(app.f.parent_1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut p = app.login_as("parent_1").await;
    // With SMTP configured, the e-mail column is offered; the parent turns it on for marks.
    assert!(
        p.get("/compte/notifications")
            .await
            .plain()
            .contains("E-mail")
    );
    let r = p
        .post(
            "/compte/notifications",
            &[("on", "mark.in_app"), ("on", "mark.email")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut t = app.login_as("teacher_a").await;
    mark(&app, &mut t, "14").await;
    let notifier = Notifier::new(&app.state);
    suku::events::dispatch(&app.db.pool, &notifier, 100, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM email_outbox", None).await,
        1,
        "only the parent who asked"
    );
    let mailer = suku::notifications::email::Mailer::from_config(&app.state)
        .unwrap()
        .unwrap();
    // The server refuses the first attempt: nothing is lost, it waits for a retry.
    assert_eq!(
        suku::notifications::email::send_due(&app.state, &mailer, 10)
            .await
            .unwrap(),
        0
    );
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as("SELECT CAST(attempts AS BIGINT), last_error FROM email_outbox")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.unwrap_or_default().contains("451"));
    sqlx::query("UPDATE email_outbox SET next_try_at = $1")
        .bind(app.state.clock.now() - chrono::Duration::seconds(1))
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        suku::notifications::email::send_due(&app.state, &mailer, 10)
            .await
            .unwrap(),
        1
    );
    let got = smtp.received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (to, raw) = &got[0];
    assert_eq!(to, "maman.elom@example.tg");
    let data = quoted_printable(raw);
    assert!(
        data.contains("Elom\u{a0}: 14/20 en Mathématiques."),
        "{data}"
    );
    assert!(
        data.contains("https://ecole.example.tg/parent/enfants/"),
        "{data}"
    );
    // Sent once: nothing left to send.
    assert_eq!(
        suku::notifications::email::send_due(&app.state, &mailer, 10)
            .await
            .unwrap(),
        0
    );
}

/// Decodes a quoted-printable body (soft line breaks and =XX bytes), as a mail reader does.
fn quoted_printable(s: &str) -> String {
    let joined = s.replace("=\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An absence and a lateness reach the parents as what they are: a lateness is never told
/// as an absence, and the words fit a girl as well as a boy.
#[tokio::test]
async fn an_absence_and_a_lateness_are_told_as_such() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_b").await;
    let r = t
        .post(
            &format!("/enseignant/classes/{}/appel", f.class_b),
            &[
                ("held_on", "2026-11-23"),
                ("starts_at", "07:00"),
                ("minutes", "55"),
                (&format!("etat_{}", f.s2), "absent"),
                (&format!("etat_{}", f.s3), "retard"),
                (&format!("retard_{}", f.s3), "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    dispatch(&app).await;
    let keys = |user: i64| {
        let pool = app.db.pool.clone();
        async move {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT text_key FROM notifications WHERE user_id = $1 AND kind = 'absence'",
            )
            .bind(user)
            .fetch_all(&pool)
            .await
            .unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>()
        }
    };
    assert_eq!(keys(f.parent_1).await, ["notif-absence"], "S2 was absent");
    assert_eq!(keys(f.parent_2).await, ["notif-late"], "S3 was late");
    let mut p1 = app.login_as("parent_1").await;
    let page = p1.get("/notifications").await.plain();
    assert!(page.contains("Absence de Sena le 23/11."), "{page}");
    let mut p2 = app.login_as("parent_2").await;
    let page = p2.get("/notifications").await.plain();
    assert!(page.contains("Retard de Yawo le 23/11 : 10 min."), "{page}");
    assert!(!page.contains("absent"), "{page}");
}

/// A notification's link reads as its words: no space inside the link before or after them
/// (a space inside a link is drawn underlined, as a stray line before the text).
#[tokio::test]
async fn a_notification_link_holds_no_stray_space() {
    let app = TestApp::new().await;
    let chat = crate::helpers::seed_chat(&app).await;
    let mut p = app.login_as("parent_1").await;
    let r = p.get("/notifications").await;
    assert_eq!(r.status, StatusCode::OK);
    let open = format!("<a href=\"/notifications/{}\"", chat.notification);
    let at = r.body.find(&open).expect("the notification's link");
    let start = at + r.body[at..].find('>').unwrap() + 1;
    let inner = &r.body[start..start + r.body[start..].find("</a>").unwrap()];
    assert!(!inner.is_empty());
    for (i, c) in inner.char_indices() {
        if !c.is_whitespace() {
            continue;
        }
        let before = inner[..i].chars().next_back();
        let after = inner[i + c.len_utf8()..].chars().next();
        assert!(
            before.is_some_and(|b| b != '>') && after.is_some_and(|a| a != '<'),
            "a space at the edge of the link's text: {inner:?}"
        );
    }
    assert!(inner.contains("Rendez-vous mardi"), "{inner}");
}

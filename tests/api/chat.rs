//! Chat over HTTP: who may write to whom, messages kept and shown, unread counts and read
//! receipts, edits, deletions, moderation, reports, attachments, and bad input.

use axum::http::StatusCode;

use crate::helpers::{Client, TestApp, scalar};

/// Parent 2 opens a conversation with teacher B (who teaches their child); returns its id.
async fn direct(app: &TestApp) -> (Client, Client, i64) {
    let mut p = app.login_as("parent_2").await;
    let t = app.login_as("teacher_b").await;
    let r = p
        .post(
            "/messages/nouveau",
            &[("user_id", &app.f.teacher_b.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    p.get(&format!("/messages/{id}")).await;
    (p, t, id)
}

#[tokio::test]
async fn contacts_follow_the_schools_relationships() {
    let app = TestApp::new().await;
    let f = &app.f;
    // Parent 2's child is in 6e B: teacher B and the administration, not teacher A, not
    // another parent.
    let mut p = app.login_as("parent_2").await;
    let page = p.get("/messages/nouveau").await.plain();
    let r = p
        .post(
            "/messages/nouveau",
            &[("user_id", &f.teacher_a.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{page}");
    let r = p
        .post("/messages/nouveau", &[("user_id", &f.parent_1.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for ok in [f.teacher_b, f.director, f.bursar, f.secretary] {
        let r = p
            .post("/messages/nouveau", &[("user_id", &ok.to_string())])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "user {ok}");
    }
    // The same conversation comes back, never a second one.
    let again = p
        .post(
            "/messages/nouveau",
            &[("user_id", &f.teacher_b.to_string())],
        )
        .await;
    let first = p
        .post(
            "/messages/nouveau",
            &[("user_id", &f.teacher_b.to_string())],
        )
        .await;
    assert_eq!(again.location(), first.location());
    // A teacher writes to the parents of the students they teach and to the staff.
    let mut t = app.login_as("teacher_a").await;
    for (who, want) in [
        (f.parent_1, StatusCode::SEE_OTHER),
        (f.parent_2, StatusCode::FORBIDDEN),
        (f.teacher_b, StatusCode::SEE_OTHER),
        (f.student_user, StatusCode::FORBIDDEN),
    ] {
        let r = t
            .post("/messages/nouveau", &[("user_id", &who.to_string())])
            .await;
        assert_eq!(r.status, want, "teacher A to {who}");
    }
    // Students write in their class channel only.
    let mut s = app.login_as("student").await;
    let r = s
        .post(
            "/messages/nouveau",
            &[("user_id", &f.teacher_a.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        s.get("/messages/nouveau")
            .await
            .plain()
            .contains("Personne ne correspond.")
    );
    // Garbage ids.
    let r = p.post("/messages/nouveau", &[("user_id", "abc")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = p.post("/messages/nouveau", &[("user_id", "99999")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_message_is_kept_counted_unread_then_read() {
    let app = TestApp::new().await;
    let (mut p, mut t, id) = direct(&app).await;
    let r = p
        .post(
            &format!("/messages/{id}"),
            &[("body", "Bonjour Monsieur, Ama était malade.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let pool = &app.db.pool;
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM messages", None).await, 1);
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM school_events WHERE kind = 'message.sent'",
            None
        )
        .await,
        1
    );
    // The teacher sees one unread message, in the list and in the badge.
    let badge = t.get("/messages/non-lus").await;
    assert!(badge.body.contains(">1</span>"), "{}", badge.body);
    let list = t.get("/messages").await.plain();
    assert!(
        list.contains("Bonjour Monsieur, Ama était malade."),
        "{list}"
    );
    // Opening the conversation reads it; the parent then sees the receipt.
    let page = t.get(&format!("/messages/{id}")).await;
    assert!(page.plain().contains("Bonjour Monsieur, Ama était malade."));
    assert_eq!(t.get("/messages/non-lus").await.body, "");
    let mine = p.get(&format!("/messages/{id}")).await.plain();
    assert!(mine.contains("Lu par"), "{mine}");
    // The htmx answer to a send is the message's fragment.
    let r = t
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri(format!("/messages/{id}"))
                .header("HX-Request", "true")
                .header(
                    "Cookie",
                    format!("suku_session={}", t.cookie.clone().unwrap()),
                )
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(format!(
                    "body=Merci%2C+bon+r%C3%A9tablissement&_csrf={}",
                    t.csrf.clone().unwrap()
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<li class=\"message mine\""), "{}", r.body);
    assert!(r.body.contains("Merci, bon rétablissement"));
}

#[tokio::test]
async fn bad_input_is_refused_with_a_reason_and_nothing_is_kept() {
    let app = TestApp::new().await;
    let (mut p, _, id) = direct(&app).await;
    let url = format!("/messages/{id}");
    let long = "a".repeat(2001);
    for (body, status, says) in [
        (
            "   ",
            StatusCode::UNPROCESSABLE_ENTITY,
            "Écrivez un message ou joignez un fichier.",
        ),
        (
            long.as_str(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Le message dépasse 2",
        ),
    ] {
        let r = p.post(&url, &[("body", body)]).await;
        assert_eq!(r.status, status);
        assert!(r.plain().contains(says), "{}", r.plain());
    }
    // A program renamed .pdf, and a file over 5 MB.
    let r = p
        .upload_with(
            &url,
            &[("body", "")],
            "file",
            "bulletin.pdf",
            b"MZ\x90\0\x03 not a pdf",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Seules les photos"), "{}", r.plain());
    let big = vec![b'%'; 5 * 1024 * 1024 + 10];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(&big);
    let r = p
        .upload_with(&url, &[("body", "")], "file", "gros.pdf", &pdf)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.plain());
    assert!(
        r.plain().contains("Le fichier dépasse 5 Mo."),
        "{}",
        r.plain()
    );
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM messages", None).await,
        0
    );
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM files", None).await,
        0
    );
    // Unknown and foreign conversations are not found.
    for path in ["/messages/999999", "/messages/abc"] {
        let r = p.post(path, &[("body", "x")]).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST,
            "{path}: {}",
            r.status
        );
    }
    let mut other = app.login_as("parent_1").await;
    assert_eq!(other.get(&url).await.status, StatusCode::NOT_FOUND);
    let r = other
        .post(&url, &[("body", "Je lis chez les autres")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM messages", None).await,
        0
    );
}

#[tokio::test]
async fn attachments_are_kept_outside_the_database_and_shown_to_members_only() {
    let app = TestApp::new().await;
    let (mut p, mut t, id) = direct(&app).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR....";
    let r = p
        .upload_with(
            &format!("/messages/{id}"),
            &[("body", "Le certificat")],
            "file",
            "certificat.png",
            png,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let file = scalar(
        &app.db.pool,
        "SELECT id FROM files WHERE owner_kind = 'message'",
        None,
    )
    .await;
    let got = t.get(&format!("/fichiers/{file}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers["content-type"], "image/png");
    let mut other = app.login_as("parent_1").await;
    assert_eq!(
        other.get(&format!("/fichiers/{file}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        t.get(&format!("/messages/{id}"))
            .await
            .body
            .contains(&format!("/fichiers/{file}"))
    );
}

#[tokio::test]
async fn authors_edit_within_five_minutes_and_moderators_delete_and_mute() {
    let app = TestApp::new().await;
    let (mut p, mut t, id) = direct(&app).await;
    p.post(&format!("/messages/{id}"), &[("body", "Rendez-vous mardi")])
        .await;
    let m = scalar(&app.db.pool, "SELECT MAX(id) FROM messages", None).await;
    // Only the author edits; the text changes and is marked.
    let r = t
        .post(&format!("/messages/m/{m}/modifier"), &[("body", "piraté")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = p
        .post(
            &format!("/messages/m/{m}/modifier"),
            &[("body", "Rendez-vous mercredi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(&format!("/messages/{id}")).await.plain();
    assert!(page.contains("(modifié) Rendez-vous mercredi"), "{page}");
    // After five minutes it is too late.
    sqlx::query("UPDATE messages SET created_at = $1 WHERE id = $2")
        .bind(app.state.clock.now() - chrono::Duration::minutes(6))
        .bind(m)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = p
        .post(&format!("/messages/m/{m}/modifier"), &[("body", "encore")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("après 5 minutes"));
    // In a direct conversation the other person cannot delete; the author can. The text
    // is hidden, and kept.
    let r = t.post(&format!("/messages/m/{m}/suppression"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = p.post(&format!("/messages/m/{m}/suppression"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(&format!("/messages/{id}")).await.plain();
    assert!(
        page.contains("Message supprimé") && !page.contains("mercredi"),
        "{page}"
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM messages WHERE body = 'Rendez-vous mercredi'",
            None
        )
        .await,
        1
    );

    // In the parents' channel of 6e B, teacher B moderates parent 2.
    let chan = {
        let list = p.get("/messages").await.body;
        let at = list
            .find("Parents de la 6e B")
            .expect("parents channel listed");
        let before = &list[..at];
        let href = before.rfind("/messages/").unwrap();
        before[href + 10..]
            .split('"')
            .next()
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    p.post(
        &format!("/messages/{chan}"),
        &[("body", "Qui a le cahier de texte ?")],
    )
    .await;
    let m2 = scalar(&app.db.pool, "SELECT MAX(id) FROM messages", None).await;
    let r = t.post(&format!("/messages/m/{m2}/suppression"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        app.login_as("director")
            .await
            .get("/admin/journal")
            .await
            .status
            == StatusCode::OK
    );
    let r = t
        .post(
            &format!("/messages/{chan}/sourdine"),
            &[("user_id", &app.f.parent_2.to_string()), ("minutes", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = p
        .post(&format!("/messages/{chan}"), &[("body", "Encore moi")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("Un modérateur vous a rendu muet"),
        "{}",
        r.plain()
    );
    // A parent cannot mute or delete a teacher's message.
    t.post(
        &format!("/messages/{chan}"),
        &[("body", "Réunion jeudi 16h")],
    )
    .await;
    let m3 = scalar(&app.db.pool, "SELECT MAX(id) FROM messages", None).await;
    assert_eq!(
        p.post(&format!("/messages/m/{m3}/suppression"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        p.post(
            &format!("/messages/{chan}/sourdine"),
            &[("user_id", &app.f.teacher_b.to_string()), ("minutes", "60")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Anyone who reads a message may report it; the administration sees the report.
    let r = p
        .post(
            &format!("/messages/m/{m3}/signalement"),
            &[("reason", "Heure fausse")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let reports = app
        .login_as("secretary")
        .await
        .get("/admin/signalements")
        .await
        .plain();
    assert!(
        reports.contains("Réunion jeudi 16h") && reports.contains("Heure fausse"),
        "{reports}"
    );
}

#[tokio::test]
async fn the_broadcast_channel_is_read_only_for_families() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let list = d.get("/messages").await.body;
    let at = list
        .find("Informations de l’école")
        .expect("broadcast listed");
    let href = list[..at].rfind("/messages/").unwrap();
    let id: i64 = list[href + 10..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let r = d
        .post(
            &format!("/messages/{id}"),
            &[("body", "Rentrée le 5 janvier")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/messages/{id}")).await.plain();
    assert!(
        page.contains("Rentrée le 5 janvier") && page.contains("lecture seule"),
        "{page}"
    );
    let r = p
        .post(&format!("/messages/{id}"), &[("body", "Merci")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain()
            .contains("Seule l’administration écrit dans ce canal.")
    );
}

#[tokio::test]
async fn class_channels_are_open_to_the_class_only() {
    let app = TestApp::new().await;
    let mut s = app.login_as("student").await;
    let list = s.get("/messages").await.body;
    assert!(list.contains("Classe 6e A"));
    assert!(!list.contains("Classe 6e B") && !list.contains("Parents de la"));
    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, key FROM conversations ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    // Parent 2 has a child in 6e B only: the 6e A channels are closed to them.
    let mut p = app.login_as("parent_2").await;
    p.get("/messages").await;
    let ids: Vec<(i64, String)> = {
        let more: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, key FROM conversations ORDER BY id")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        more.into_iter().chain(ids).collect()
    };
    let class_a = format!("class:{}", app.f.class_a);
    let parents_b = format!("parents:{}", app.f.class_b);
    for (id, key) in &ids {
        let status = p.get(&format!("/messages/{id}")).await.status;
        let want = if *key == parents_b || key == "broadcast" {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(status, want, "{key}");
        let status = s.get(&format!("/messages/{id}")).await.status;
        let want = if *key == class_a || key == "broadcast" {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(status, want, "student {key}");
    }
}

#[tokio::test]
async fn moderation_has_limits_and_the_administration_acts_on_reports() {
    let app = TestApp::new().await;
    let f = &app.f;
    let (mut p, mut t, id) = direct(&app).await;
    let list = p.get("/messages").await.body;
    let at = list.find("Parents de la 6e B").unwrap();
    let href = list[..at].rfind("/messages/").unwrap();
    let chan: i64 = list[href + 10..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // A teacher cannot mute the director, nor someone who is not in the channel.
    for (who, want) in [
        (f.director, StatusCode::FORBIDDEN),
        (f.teacher_a, StatusCode::NOT_FOUND),
        (999_999, StatusCode::NOT_FOUND),
    ] {
        let r = t
            .post(
                &format!("/messages/{chan}/sourdine"),
                &[("user_id", &who.to_string()), ("minutes", "60")],
            )
            .await;
        assert_eq!(r.status, want, "mute {who}");
    }
    // A muted author cannot rewrite their messages either.
    p.post(&format!("/messages/{chan}"), &[("body", "Premier message")])
        .await;
    let m = scalar(&app.db.pool, "SELECT MAX(id) FROM messages", None).await;
    t.post(
        &format!("/messages/{chan}/sourdine"),
        &[("user_id", &f.parent_2.to_string()), ("minutes", "60")],
    )
    .await;
    let r = p
        .post(
            &format!("/messages/m/{m}/modifier"),
            &[("body", "Autre chose")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A deleted message's photo is no longer served to the other member.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR....";
    p.upload_with(
        &format!("/messages/{id}"),
        &[("body", "")],
        "file",
        "x.png",
        png,
    )
    .await;
    let (m2, file): (i64, i64) =
        sqlx::query_as("SELECT id, file_id FROM messages WHERE file_id IS NOT NULL")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        t.get(&format!("/fichiers/{file}")).await.status,
        StatusCode::OK
    );
    p.post(&format!("/messages/m/{m2}/suppression"), &[]).await;
    assert_eq!(
        t.get(&format!("/fichiers/{file}")).await.status,
        StatusCode::FORBIDDEN
    );

    // The administration removes a reported direct message, which it cannot otherwise open.
    p.post(&format!("/messages/{id}"), &[("body", "Propos déplacés")])
        .await;
    let m3 = scalar(&app.db.pool, "SELECT MAX(id) FROM messages", None).await;
    let mut d = app.login_as("director").await;
    let url = format!("/admin/signalements/{m3}/suppression");
    assert_eq!(
        d.post(&url, &[]).await.status,
        StatusCode::NOT_FOUND,
        "not reported yet"
    );
    t.post(
        &format!("/messages/m/{m3}/signalement"),
        &[("reason", "Insulte")],
    )
    .await;
    assert_eq!(d.post(&url, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(
        t.get(&format!("/messages/{id}"))
            .await
            .plain()
            .contains("Message supprimé")
    );
    assert_eq!(t.post(&url, &[]).await.status, StatusCode::FORBIDDEN);

    // Twenty messages in ten seconds, then a pause is asked for, pages and sockets alike.
    let mut refused = None;
    for n in 0..25 {
        let r = t
            .post(&format!("/messages/{id}"), &[("body", &format!("n° {n}"))])
            .await;
        if r.status != StatusCode::SEE_OTHER {
            refused = Some((n, r.status, r.plain()));
            break;
        }
    }
    let (n, status, text) = refused.expect("a limit");
    assert!(n <= 20, "{n}");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(text.contains("Trop de messages"), "{text}");
}

#[tokio::test]
async fn a_temporary_password_is_replaced_before_chatting() {
    let app = TestApp::new().await;
    sqlx::query("UPDATE users SET must_change_password = TRUE WHERE id = $1")
        .bind(app.f.parent_1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut p = app.client();
    p.login(
        crate::helpers::login_of("parent_1"),
        crate::helpers::PASSWORD,
    )
    .await;
    for path in ["/messages", "/notifications", "/messages/nouveau"] {
        let r = p.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), "/compte/mot-de-passe");
    }
}

#[tokio::test]
async fn a_person_writing_too_fast_is_stopped_and_nothing_is_half_kept() {
    let app = TestApp::new().await;
    let (mut p, _t, id) = direct(&app).await;
    let url = format!("/messages/{id}");
    // Twenty messages in ten seconds are allowed (the default), from pages or sockets.
    for n in 0..20 {
        let r = p.post(&url, &[("body", &format!("message {n}"))]).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "message {n}: {}",
            r.plain()
        );
    }
    let r = p.post(&url, &[("body", "un de trop")]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.plain().contains("Trop de messages d’un coup"),
        "{}",
        r.plain()
    );
    let pool = &app.db.pool;
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM messages", None).await,
        20
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM school_events WHERE kind = 'message.sent'",
            None
        )
        .await,
        20
    );
    // Another person is not held back by it.
    let mut t = app.login_as("teacher_b").await;
    let r = t.post(&url, &[("body", "Bien reçu")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
}

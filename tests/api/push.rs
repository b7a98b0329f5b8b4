//! Web Push through a push service on loopback (`tests/realtime/push-service.mjs`) that
//! checks the VAPID signature and decrypts each push with the reference implementation:
//! devices are subscribed with checked keys, pushes follow each person's choices, a device
//! that is gone is forgotten, a busy service is tried again, and logging out forgets the
//! session's device.

use axum::http::StatusCode;
use serde_json::Value;
use suku::notifications::{Notifier, push};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

use crate::helpers::{TestApp, scalar};

/// A valid device key and secret (RFC 8291's example), for tests that need no delivery.
pub const DEVICE_KEY: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
pub const DEVICE_AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

struct Service {
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    endpoint: String,
    p256dh: String,
    auth: String,
}

impl Service {
    async fn start() -> Option<Service> {
        let dir = crate::realtime::node_dir()?;
        let mut child = tokio::process::Command::new("node")
            .arg("push-service.mjs")
            .current_dir(dir)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the push service");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first: Value =
            serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
        let s = |k: &str| first[k].as_str().unwrap().to_string();
        Some(Service {
            endpoint: s("endpoint"),
            p256dh: s("p256dh"),
            auth: s("auth"),
            _child: child,
            lines,
        })
    }

    /// The next push the service saw.
    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(std::time::Duration::from_secs(10), self.lines.next_line())
            .await
            .expect("a push reached the service")
            .unwrap()
            .unwrap();
        serde_json::from_str(&line).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_reaches_the_parents_phone_encrypted_and_signed() {
    let Some(mut service) = Service::start().await else {
        return;
    };
    let app = TestApp::with_config(|c| c.push_allow_http = true).await;
    let pool = &app.db.pool;
    let mut p = app.login_as("parent_1").await;
    // The page offers this device, with the school's public key to subscribe with.
    let page = p.get("/compte/notifications").await;
    let key = push::public_key(&push::key_pair(&app.state).await.unwrap());
    assert!(page.body.contains(&format!("data-push-key=\"{key}\"")));
    assert!(
        page.plain()
            .contains("Aucun appareil ne reçoit vos notifications.")
    );
    for device in ["phone", "gone/old-tablet", "busy/pc"] {
        let r = p
            .post(
                "/compte/appareils",
                &[
                    ("endpoint", &format!("{}/{device}", service.endpoint)),
                    ("p256dh", &service.p256dh),
                    ("auth", &service.auth),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    assert!(
        p.get("/compte/notifications")
            .await
            .plain()
            .contains("3 appareils reçoivent vos notifications.")
    );
    // Pushes only for what the parent chose: marks.
    let r = p
        .post(
            "/compte/notifications",
            &[("on", "mark.in_app"), ("on", "mark.push")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut t = app.login_as("teacher_a").await;
    crate::notifications::mark(&app, &mut t, "14").await;
    suku::events::dispatch(pool, &Notifier::new(&app.state), 100, app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM push_outbox", None).await,
        3
    );
    let pusher = push::Pusher::new(&app.state).await.unwrap();
    assert_eq!(push::send_due(&app.state, &pusher, 10).await.unwrap(), 1);
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(service.next().await);
    }
    seen.sort_by_key(|v| v["path"].as_str().unwrap().to_string());
    let [busy, gone, phone] = &seen[..] else {
        unreachable!()
    };
    assert_eq!(busy["status"], 429);
    assert_eq!(gone["status"], 410);
    assert_eq!(phone["status"], 201, "{phone}");
    // What the phone shows: the school, the text in the parent's language, the child's page.
    let shown = &phone["payload"];
    assert_eq!(shown["body"], "Elom\u{a0}: 14/20 en Mathématiques.");
    assert_eq!(shown["url"], format!("/parent/enfants/{}", app.f.s1));
    assert_eq!(shown["tag"], "mark");
    assert_eq!(phone["urgency"], "normal");
    assert_eq!(phone["vapid"]["key"], key.as_str());
    assert!(
        phone["vapid"]["sub"]
            .as_str()
            .unwrap()
            .starts_with("mailto:")
    );
    // The device that is gone is forgotten; the busy one waits for its retry.
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM push_subscriptions", None).await,
        2
    );
    let (attempts, error): (i64, Option<String>) = sqlx::query_as(
        "SELECT CAST(attempts AS BIGINT), last_error FROM push_outbox WHERE sent_at IS NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.unwrap().starts_with("429"));
    assert_eq!(
        push::send_due(&app.state, &pusher, 10).await.unwrap(),
        0,
        "not yet due"
    );
    sqlx::query("UPDATE push_outbox SET next_try_at = $1 WHERE sent_at IS NULL")
        .bind(app.state.clock.now() - chrono::Duration::seconds(1))
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(push::send_due(&app.state, &pusher, 10).await.unwrap(), 1);
    let retried = service.next().await;
    assert_eq!(retried["path"], "/busy/pc");
    assert_eq!(retried["status"], 201);
    assert_eq!(
        push::send_due(&app.state, &pusher, 10).await.unwrap(),
        0,
        "sent once"
    );
    // Logging out forgets the device this session subscribed ("busy/pc", the last one).
    p.post("/deconnexion", &[]).await;
    let left: Vec<(String,)> =
        sqlx::query_as("SELECT endpoint FROM push_subscriptions ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(left, vec![(format!("{}/phone", service.endpoint),)]);
}

#[tokio::test]
async fn devices_are_checked_and_each_persons_own() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let mut p = app.login_as("parent_1").await;
    let bad = [
        (
            "ftp://push.example.net/x",
            DEVICE_KEY,
            DEVICE_AUTH,
            "L’adresse du service de notification est invalide.",
        ),
        (
            "http://push.example.net/x",
            DEVICE_KEY,
            DEVICE_AUTH,
            "L’adresse du service de notification est invalide.",
        ),
        // The server would post there: a host of the school's network is refused.
        (
            "https://192.168.1.10/x",
            DEVICE_KEY,
            DEVICE_AUTH,
            "L’adresse du service de notification est invalide.",
        ),
        (
            "https://intranet.ecole.tg/x",
            DEVICE_KEY,
            DEVICE_AUTH,
            "L’adresse du service de notification est invalide.",
        ),
        (
            "https://fcm.googleapis.com/fcm/send/x",
            "bm90IGEga2V5",
            DEVICE_AUTH,
            "Les clés de l’appareil sont invalides.",
        ),
        (
            "https://fcm.googleapis.com/fcm/send/x",
            DEVICE_KEY,
            "c2hvcnQ",
            "Les clés de l’appareil sont invalides.",
        ),
    ];
    for (endpoint, key, auth, message) in bad {
        let r = p
            .post(
                "/compte/appareils",
                &[("endpoint", endpoint), ("p256dh", key), ("auth", auth)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{endpoint}");
        assert_eq!(r.body, message);
    }
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM push_subscriptions", None).await,
        0
    );
    let device = [
        ("endpoint", "https://fcm.googleapis.com/fcm/send/shared-pc"),
        ("p256dh", DEVICE_KEY),
        ("auth", DEVICE_AUTH),
    ];
    assert_eq!(
        p.post("/compte/appareils", &device).await.status,
        StatusCode::NO_CONTENT
    );
    // Another person cannot remove it…
    let mut q = app.login_as("parent_2").await;
    q.post(
        "/compte/appareils/retrait",
        &[("endpoint", "https://fcm.googleapis.com/fcm/send/shared-pc")],
    )
    .await;
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM push_subscriptions", None).await,
        1
    );
    // …but the same browser, subscribed by the next person on a shared computer, is theirs.
    assert_eq!(
        q.post("/compte/appareils", &device).await.status,
        StatusCode::NO_CONTENT
    );
    let owner: (i64,) = sqlx::query_as("SELECT user_id FROM push_subscriptions")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(owner.0, app.f.parent_2);
    // At most ten devices a person: the oldest go.
    for i in 0..12 {
        let endpoint = format!("https://fcm.googleapis.com/fcm/send/d/{i}");
        q.post(
            "/compte/appareils",
            &[
                ("endpoint", &endpoint),
                ("p256dh", DEVICE_KEY),
                ("auth", DEVICE_AUTH),
            ],
        )
        .await;
    }
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM push_subscriptions", None).await,
        10
    );
    // Removing every device.
    let r = q.post("/compte/appareils/retrait", &[("all", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM push_subscriptions", None).await,
        0
    );
}

#[tokio::test]
async fn the_vapid_key_is_made_once_and_kept() {
    let app = TestApp::new().await;
    let a = push::public_key(&push::key_pair(&app.state).await.unwrap());
    let b = push::public_key(&push::key_pair(&app.state).await.unwrap());
    assert_eq!(a, b);
    assert_eq!(a.len(), 87, "65 bytes, base64url");
    // A configured key wins.
    let configured = TestApp::with_config(|c| {
        c.vapid_private_key = Some("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE".into())
    })
    .await;
    let c = push::public_key(&push::key_pair(&configured.state).await.unwrap());
    assert_ne!(c, a);
}

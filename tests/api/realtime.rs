//! Real time through the official Socket.IO client (Node, `tests/realtime/`), against the
//! portal served on a loopback port: the handshake needs a session, rooms follow the chat
//! rules, messages arrive live, bad input and floods get answers, and a message written
//! while its reader was away survives a server restart.

use std::net::SocketAddr;
use std::path::PathBuf;

use suku::app::{self, AppState};
use tokio::task::JoinHandle;

use crate::helpers::TestApp;

/// A portal served on a loopback port, on the test's database, with its own hub.
struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
    state: AppState,
    router: axum::Router,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        self.state.realtime.detach();
    }
}

async fn serve(app: &TestApp) -> Server {
    serve_node(app, None).await
}

async fn serve_node(app: &TestApp, cluster: Option<suku::realtime::Cluster>) -> Server {
    let mut config = crate::helpers::test_config(&app.db.url);
    config.files_dir = app.state.config.files_dir.clone();
    let state = AppState::new(app.db.pool.clone(), config).unwrap();
    let router = app::router_with(state.clone(), cluster);
    let served = router.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            served.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Server {
        addr,
        task,
        state,
        router,
    }
}

/// The folder of the Node client, if Node and its packages are there. Under `CI=true`
/// their absence is a failure.
pub(crate) fn node_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/realtime");
    let ok = dir.join("node_modules/socket.io-client").is_dir()
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if ok {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("node or tests/realtime/node_modules missing: scripts/test installs them");
    }
    eprintln!("SKIPPED real-time test: run `npm ci --prefix tests/realtime` (scripts/test does)");
    None
}

/// Runs a script of `tests/realtime` and returns its output; panics with it on failure.
async fn node(dir: &PathBuf, script: &str, server: &Server, env: &[(&str, String)]) -> String {
    let out = tokio::process::Command::new("node")
        .arg(script)
        .current_dir(dir)
        .env("SUKU_URL", format!("http://{}", server.addr))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .await
        .expect("run node");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script} failed:\n{text}");
    text
}

/// The lines a script of `tests/realtime` prints, read as they come.
type Lines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// Starts a script of `tests/realtime` that prints "READY" once connected, with `env`, and
/// returns it (killed when dropped) with the rest of what it prints, once it is ready.
async fn start_ready(
    dir: &PathBuf,
    script: &str,
    server: &Server,
    env: &[(&str, String)],
) -> (tokio::process::Child, Lines) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .current_dir(dir)
        .env("SUKU_URL", format!("http://{}", server.addr))
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(l) = lines.next_line().await.unwrap() {
            if l == "READY" {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "{script} connected");
    (child, lines)
}

async fn cookie(app: &TestApp, who: &str) -> String {
    app.login_as(who)
        .await
        .cookie
        .clone()
        .expect("session cookie")
}

/// Parent 2 and teacher B's conversation (created over HTTP).
async fn direct(app: &TestApp) -> i64 {
    let mut p = app.login_as("parent_2").await;
    let r = p
        .post(
            "/messages/nouveau",
            &[("user_id", &app.f.teacher_b.to_string())],
        )
        .await;
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_through_the_official_client() {
    let Some(dir) = node_dir() else { return };
    let app = TestApp::new().await;
    let chat = crate::helpers::seed_chat(&app).await;
    let dm = direct(&app).await;
    let (foreign_parents,): (i64,) = sqlx::query_as(
        "INSERT INTO conversations (key, kind, class_id, created_at) VALUES ($1, 'class_parents', $2, $3) RETURNING id",
    )
    .bind(format!("parents:{}", app.f.class_a))
    .bind(app.f.class_a)
    .bind(app.state.clock.now())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let server = serve(&app).await;
    let out = node(
        &dir,
        "chat.mjs",
        &server,
        &[
            ("COOKIE_PARENT", cookie(&app, "parent_2").await),
            ("COOKIE_TEACHER", cookie(&app, "teacher_b").await),
            ("DIRECT", dm.to_string()),
            ("FOREIGN_DIRECT", chat.direct.to_string()),
            ("FOREIGN_PARENTS", foreign_parents.to_string()),
        ],
    )
    .await;
    // What the client was told was sent is in the database, in its conversation.
    let id: i64 = out
        .lines()
        .find_map(|l| l.strip_prefix("SENT "))
        .expect("a message id")
        .trim()
        .parse()
        .unwrap();
    let (conv, body): (i64, String) =
        sqlx::query_as("SELECT conversation_id, body FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(conv, dm);
    assert_eq!(body, "Bonjour Madame, merci pour la réunion.");
    // Nothing reached the other family's conversation.
    let (foreign,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM messages WHERE conversation_id = $1")
            .bind(chat.direct)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(foreign, 1, "only the fixture's message");
    // The server is still up after the flood.
    let health = tokio::net::TcpStream::connect(server.addr).await;
    assert!(health.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_to_an_offline_user_survives_a_restart() {
    let Some(dir) = node_dir() else { return };
    let app = TestApp::new().await;
    let dm = direct(&app).await;
    let first = serve(&app).await;
    node(
        &dir,
        "send.mjs",
        &first,
        &[
            ("COOKIE", cookie(&app, "parent_2").await),
            ("CONVERSATION", dm.to_string()),
            ("BODY", "Ama sera absente demain.".into()),
        ],
    )
    .await;
    // The server stops before the teacher ever connects; another one starts.
    drop(first);
    let second = serve(&app).await;
    node(
        &dir,
        "sync.mjs",
        &second,
        &[
            ("COOKIE", cookie(&app, "teacher_b").await),
            ("CONVERSATION", dm.to_string()),
            ("EXPECT", "Ama sera absente demain.".into()),
        ],
    )
    .await;
    // And the page shows it unread.
    let mut t = app.login_as("teacher_b").await;
    assert!(t.get("/messages/non-lus").await.body.contains(">1</span>"));
}

/// A throwaway `redis-server` (Debian's) on a free port.
struct Redis {
    child: std::process::Child,
    url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn redis() -> Option<Redis> {
    let exe = "/usr/bin/redis-server";
    if !std::path::Path::new(exe).exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{exe} missing: scripts/test installs redis-server");
        }
        eprintln!("SKIPPED two-node test: {exe} is missing (run scripts/test, which installs it)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(exe)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start redis-server");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some(Redis {
        child,
        url: format!("redis://127.0.0.1:{port}"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_rooms_through_redis() {
    let Some(dir) = node_dir() else { return };
    let Some(redis) = redis() else { return };
    let app = TestApp::new().await;
    let dm = direct(&app).await;
    let a = serve_node(
        &app,
        Some(suku::realtime::cluster(&redis.url).await.unwrap()),
    )
    .await;
    let b = serve_node(
        &app,
        Some(suku::realtime::cluster(&redis.url).await.unwrap()),
    )
    .await;
    // Each node's namespace joins the cluster in the background.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    node(
        &dir,
        "two-nodes.mjs",
        &a,
        &[
            ("URL_A", format!("http://{}", a.addr)),
            ("URL_B", format!("http://{}", b.addr)),
            ("COOKIE_PARENT", cookie(&app, "parent_2").await),
            ("COOKIE_TEACHER", cookie(&app, "teacher_b").await),
            ("CONVERSATION", dm.to_string()),
        ],
    )
    .await;
    drop(redis);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_progress_reaches_the_person_who_started_it_live() {
    let Some(dir) = node_dir() else { return };
    let app = TestApp::new().await;
    let server = serve(&app).await;
    let job = suku::jobs::enqueue(
        &app.db.pool,
        &suku::bulletins::school::ResultsOf { period_id: 1 },
        Some(app.f.secretary),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let (mut child, _lines) = start_ready(
        &dir,
        "job.mjs",
        &server,
        &[
            ("COOKIE", cookie(&app, "secretary").await),
            ("JOB", job.to_string()),
        ],
    )
    .await;
    // The job runs on the served application, whose hub the client is connected to.
    assert!(
        suku::jobs::run_once(&server.state, &suku::app::jobs(), "t")
            .await
            .unwrap()
    );
    let status = tokio::time::timeout(std::time::Duration::from_secs(15), child.wait())
        .await
        .expect("the client heard of the job")
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_tabs_follow_the_schools_relationships_as_they_change() {
    let Some(dir) = node_dir() else { return };
    let app = TestApp::new().await;
    let server = serve(&app).await;
    let pool = &app.db.pool;
    // The class-parents channel of 6e A, which parent 1 reads through their child S1.
    suku::chat::repo::my_conversation_ids(pool, app.f.parent_1, false, app.state.clock.now())
        .await
        .unwrap();
    let (channel,): (i64,) = sqlx::query_as("SELECT id FROM conversations WHERE key = $1")
        .bind(format!("parents:{}", app.f.class_a))
        .fetch_one(pool)
        .await
        .unwrap();
    let (_child, mut lines) = start_ready(
        &dir,
        "listen.mjs",
        &server,
        &[("COOKIE", cookie(&app, "parent_1").await)],
    )
    .await;
    let mut next = async || {
        tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
            .await
            .expect("the listener said something")
            .unwrap()
            .unwrap()
    };
    let teacher = cookie(&app, "teacher_a").await;
    let say = |body: &'static str| {
        let (dir, teacher) = (dir.clone(), teacher.clone());
        let server = &server;
        async move {
            node(
                &dir,
                "send.mjs",
                server,
                &[
                    ("COOKIE", teacher),
                    ("CONVERSATION", channel.to_string()),
                    ("BODY", body.into()),
                ],
            )
            .await;
        }
    };
    say("Réunion des parents jeudi").await;
    assert_eq!(next().await, "Réunion des parents jeudi");
    // The secretary unlinks parent 1 from S1 (their only child in 6e A): the open tab
    // leaves the channel at once, without reconnecting.
    let mut s = app
        .login_on_router(server.router.clone(), "secretary")
        .await;
    let r = s
        .post(
            &format!(
                "/admin/eleves/{}/parents/{}/retirer",
                app.f.s1, app.f.parent_1
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    say("Ordre du jour").await;
    // Linked again: the tab joins again, and hears the next message, not the one it missed.
    let r = s
        .post(
            &format!("/admin/eleves/{}/parents", app.f.s1),
            &[("contact", "+22890000001"), ("relationship", "mere")],
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    say("Bienvenue à nouveau").await;
    assert_eq!(next().await, "Bienvenue à nouveau");
}

/// Events pushed one after the other to a room bigger than one chunk of the pusher reach
/// every socket in the order they were pushed, though the room is served a chunk at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_to_a_big_room_arrive_in_order() {
    let Some(dir) = node_dir() else { return };
    let app = TestApp::new().await;
    let dm = direct(&app).await;
    let server = serve(&app).await;
    let (sockets, count) = (80, 60);
    let (mut child, mut lines) = start_ready(
        &dir,
        "order.mjs",
        &server,
        &[
            ("COOKIE", cookie(&app, "parent_2").await),
            ("SOCKETS", sockets.to_string()),
            ("COUNT", count.to_string()),
        ],
    )
    .await;
    for i in 1..=count {
        server.state.realtime.to_conversation(
            dm,
            "message",
            &serde_json::json!({ "conversation_id": dm, "body": i.to_string() }),
        );
    }
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait())
        .await
        .expect("the client ends")
        .unwrap();
    let mut rest = String::new();
    while let Ok(Some(l)) = lines.next_line().await {
        rest.push_str(&l);
        rest.push('\n');
    }
    assert!(status.success(), "{rest}");
    assert!(rest.contains("IN ORDER"), "{rest}");
}

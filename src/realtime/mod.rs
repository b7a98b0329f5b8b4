//! The real-time hub: Socket.IO on the same server as the pages.
//!
//! A connection is accepted only with a logged-in session cookie (the same session as the
//! pages, and an `Origin` of this site). Each socket joins its user's room (`u:ID`) and the
//! rooms of the conversations the user belongs to (`c:ID`). The events a client sends are
//! handled by the feature that registers them (the chat's, in `chat::socket`), checked with
//! its rules, and rate-limited per socket here. What the browser shows is rendered by the
//! server: clients fetch fragments when told something changed.
//!
//! Features never hold sockets: they push through [`Hub`], which does nothing until the
//! Socket.IO layer is attached (in tests that call the router directly, for instance).

use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use serde::Serialize;
use socketioxide::SocketIo;
use socketioxide::adapter::{Adapter, Emitter, LocalAdapter};
use socketioxide::extract::{HttpExtension, SocketRef, State};
use socketioxide::handler::ConnectHandler;
use socketioxide_redis::drivers::redis::RedisDriver;
use socketioxide_redis::{RedisAdapter, RedisAdapterCtr};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::chat;
use crate::i18n::Tr;

/// The Socket.IO server of this node: alone, or joined to the others through Redis.
#[derive(Clone, Debug)]
enum Io {
    Local(SocketIo<LocalAdapter>),
    Redis(SocketIo<RedisAdapter<Emitter>>),
}

/// The room of a conversation's sockets.
pub fn conversation_room(conversation: i64) -> String {
    format!("c:{conversation}")
}

/// A cheap handle to push events to connected clients (on every node, with Redis).
#[derive(Clone, Debug, Default)]
pub struct Hub(Arc<RwLock<Option<Attached>>>);

/// The Socket.IO server, and the queue of what is to be pushed through it.
#[derive(Debug)]
struct Attached {
    io: Io,
    pushes: tokio::sync::mpsc::UnboundedSender<Push>,
}

/// An event for the clients in a room, its data serialized once.
#[derive(Debug)]
struct Push {
    room: String,
    event: &'static str,
    data: Box<serde_json::value::RawValue>,
}

/// How many sockets of a room get an event before the sockets already given it are let
/// write it: the first clients of a big room hear it after tens of microseconds, not after
/// the event was queued for the whole room.
const PUSH_CHUNK: usize = 32;

/// Pushes the hub's events, one after the other: every client gets a room's events in the
/// order they were sent. On this node, a big room is served in chunks, and the sockets of
/// each chunk write before the next chunk is queued (they share this task's thread).
async fn pusher(io: Io, mut pushes: tokio::sync::mpsc::UnboundedReceiver<Push>) {
    while let Some(p) = pushes.recv().await {
        match &io {
            Io::Local(io) => {
                let sockets = io.to(p.room).sockets();
                for (i, socket) in sockets.iter().enumerate() {
                    if i > 0 && i % PUSH_CHUNK == 0 {
                        tokio::task::yield_now().await;
                    }
                    // A socket gone or too slow to read catches up from the database.
                    let _ = socket.emit(p.event, &*p.data);
                }
            }
            Io::Redis(io) => {
                if let Err(e) = io.to(p.room).emit(p.event, &*p.data).await {
                    tracing::debug!(error = %e, "push failed");
                }
            }
        }
    }
}

impl Hub {
    fn io(&self) -> Option<Io> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|a| a.io.clone())
    }

    /// Lets go of the Socket.IO server. The server holds the application state and the
    /// state holds this hub: a program that builds and drops many applications (the tests)
    /// breaks the circle here so that each one's database pool closes.
    pub fn detach(&self) {
        self.0.write().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Pushes `event` to every client in a conversation's room.
    pub fn to_conversation(&self, conversation: i64, event: &'static str, data: &impl Serialize) {
        self.emit(conversation_room(conversation), event, data);
    }

    /// Pushes `event` to every open tab of a user.
    pub fn to_user(&self, user: i64, event: &'static str, data: &impl Serialize) {
        self.emit(format!("u:{user}"), event, data);
    }

    /// Makes a user's open tabs join a conversation's room (a new direct conversation).
    pub fn join_user(&self, user: i64, conversation: i64) {
        let hub = self.clone();
        tokio::spawn(async move { hub.move_user(user, vec![conversation], vec![]).await });
    }

    /// Makes a user's open tabs, on every node, join the rooms of the conversations of
    /// `join` and leave those of `leave`.
    pub async fn move_user(&self, user: i64, join: Vec<i64>, leave: Vec<i64>) {
        let from = format!("u:{user}");
        let rooms = |ids: Vec<i64>| ids.into_iter().map(conversation_room).collect::<Vec<_>>();
        let (join, leave) = (rooms(join), rooms(leave));
        let result = match self.io() {
            Some(Io::Local(io)) => async {
                if !join.is_empty() {
                    io.to(from.clone()).join(join).await?;
                }
                if !leave.is_empty() {
                    io.to(from).leave(leave).await?;
                }
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            }
            .await
            .map_err(|e| e.to_string()),
            Some(Io::Redis(io)) => async {
                if !join.is_empty() {
                    io.to(from.clone()).join(join).await?;
                }
                if !leave.is_empty() {
                    io.to(from).leave(leave).await?;
                }
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            }
            .await
            .map_err(|e| e.to_string()),
            None => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "moving a user's sockets between rooms failed");
        }
    }

    /// Closes every socket on every node (the open tabs reconnect and join the rooms they
    /// now may: after a new school year opens).
    pub fn disconnect_all(&self) {
        match self.io() {
            Some(Io::Local(io)) => {
                tokio::spawn(async move {
                    let _ = io.disconnect().await;
                });
            }
            Some(Io::Redis(io)) => {
                tokio::spawn(async move {
                    let _ = io.disconnect().await;
                });
            }
            None => {}
        }
    }

    fn emit(&self, room: String, event: &'static str, data: &impl Serialize) {
        // Offline clients catch up from the database; a failed push loses nothing.
        let Ok(data) = serde_json::value::to_raw_value(data) else {
            return;
        };
        if let Some(a) = self.0.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = a.pushes.send(Push { room, event, data });
        }
    }

    /// Closes every socket of a user, on every node: after a logout, a deactivation, a
    /// password reset or a change of roles, an open tab must not keep listening.
    pub fn disconnect_user(&self, user: i64) {
        let room = format!("u:{user}");
        match self.io() {
            Some(Io::Local(io)) => {
                tokio::spawn(async move {
                    let _ = io.to(room).disconnect().await;
                });
            }
            Some(Io::Redis(io)) => {
                tokio::spawn(async move {
                    let _ = io.to(room).disconnect().await;
                });
            }
            None => {}
        }
    }

    /// How many sockets are connected to this node.
    pub fn local_sockets(&self) -> usize {
        match self.io() {
            Some(Io::Local(io)) => io.sockets().len(),
            Some(Io::Redis(io)) => io.local().sockets().len(),
            None => 0,
        }
    }
}

/// What joins the nodes: made once at start-up from `REDIS_URL`.
pub type Cluster = RedisAdapterCtr<RedisDriver>;

/// Connects to Redis for a multi-node deployment (`redis://host:6379`; RESP3 is asked for).
pub async fn cluster(url: &str) -> anyhow::Result<Cluster> {
    let url = if url.contains("protocol=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&protocol=resp3")
    } else {
        format!("{url}?protocol=resp3")
    };
    let client = redis::Client::open(url)?;
    Ok(RedisAdapterCtr::new_with_redis(&client).await?)
}

/// Adds the Socket.IO service to `router`, alone or joined to the other nodes, and points
/// `app.realtime` at it.
pub fn attach<S: Clone + Send + Sync + 'static>(
    app: &AppState,
    router: axum::Router<S>,
    cluster: Option<Cluster>,
) -> axum::Router<S> {
    let builder = SocketIo::builder()
        .with_state(app.clone())
        .max_payload(64 * 1024);
    let (router, io) = match cluster {
        None => {
            let (layer, io) = builder.build_layer();
            io.ns(
                "/",
                on_connect::<LocalAdapter>.with(authenticate::<LocalAdapter>),
            );
            (router.layer(OwnThread(layer)), Io::Local(io))
        }
        Some(c) => {
            let (layer, io) = builder.with_adapter::<RedisAdapter<_>>(c).build_layer();
            // With a remote adapter the namespace connects to Redis asynchronously.
            let ns = io.clone();
            tokio::spawn(async move {
                if let Err(e) = ns.ns("/", on_connect.with(authenticate)).await {
                    tracing::error!(error = %e, "the real-time namespace could not join the cluster");
                }
            });
            (router.layer(OwnThread(layer)), Io::Redis(io))
        }
    };
    let (pushes, queue) = tokio::sync::mpsc::unbounded_channel();
    realtime_runtime().spawn(pusher(io.clone(), queue));
    *app.realtime.0.write().unwrap_or_else(|e| e.into_inner()) = Some(Attached { io, pushes });
    router
}

/// The thread the real-time connections run on, apart from the pages' threads.
///
/// A message to a room of a thousand wakes a thousand writers. Spread over every worker,
/// they were stolen back and forth between threads and competed with the other side of
/// the connections for the cores: on two cores, the last of 1,000 clients got a message
/// 24 ms after it was sent (median), against 19 ms with the writers on one thread and the
/// room served in chunks by [`pusher`], which also used a sixth less CPU (benchmark:
/// `scripts/bench-realtime`). Pages, PDFs and imports keep the other threads.
fn realtime_runtime() -> &'static tokio::runtime::Handle {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Handle> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the real-time runtime starts");
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("suku-realtime".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .expect("the real-time thread starts");
        handle
    })
}

/// Runs a service's requests with [`realtime_runtime`] as the current runtime: what the
/// Socket.IO service spawns for a connection (its reader, its writer, the event handlers)
/// runs there. The connection's socket itself stays with the server's runtime.
#[derive(Clone)]
struct OwnThread<L>(L);

impl<S, L: tower::Layer<S>> tower::Layer<S> for OwnThread<L> {
    type Service = OnOwnThread<L::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        OnOwnThread(self.0.layer(inner))
    }
}

/// The service of [`OwnThread`].
#[derive(Clone)]
struct OnOwnThread<S>(S);

impl<S: tower::Service<R>, R> tower::Service<R> for OnOwnThread<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let _on = realtime_runtime().enter();
        self.0.call(req)
    }
}

/// Why a connection was refused (sent to the client as `connect_error`).
#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Tokens per socket: a burst of 10 events, then 2 a second.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    refused: u32,
}

impl Bucket {
    const BURST: f64 = 10.0;
    const PER_SECOND: f64 = 2.0;

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * Self::PER_SECOND;
        self.tokens = (self.tokens + refill).min(Self::BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.refused += 1;
            false
        }
    }
}

type Limiter = Arc<Mutex<Bucket>>;

/// Whether a browser's `Origin` is this site: the scheme the portal is served with
/// (`SUKU_PUBLIC_URL`), and the host the request came to.
fn same_origin(origin: &str, https: bool, host: &str) -> bool {
    let scheme = if https { "https" } else { "http" };
    origin
        .strip_prefix(scheme)
        .and_then(|o| o.strip_prefix("://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

/// The logged-in user of a socket, set when it connects.
#[derive(Clone)]
struct Who(Arc<CurrentUser>);

async fn authenticate<A: Adapter>(
    s: SocketRef<A>,
    State(app): State<AppState>,
    HttpExtension(session): HttpExtension<Session>,
) -> Result<(), Refused> {
    // A page of another site may not open a socket with our cookie: the scheme counts
    // too (a page served over plain http on the same host is another origin).
    let headers = &s.req_parts().headers;
    if let (Some(origin), Some(host)) = (
        headers.get("origin").and_then(|v| v.to_str().ok()),
        headers.get("host").and_then(|v| v.to_str().ok()),
    ) && !same_origin(origin, app.config.secure_cookies(), host)
    {
        return Err(Refused("origin"));
    }
    let user = crate::auth::current_user(&app, &session)
        .await
        .map_err(|_| Refused("session"))?
        .ok_or(Refused("unauthorized"))?;
    if user.must_change_password {
        return Err(Refused("password"));
    }
    // Rooms and handlers are set before the connection completes: the library sends
    // `connect` to the client before it runs the connect handler, so an event sent right
    // away must already find its handler, and the socket must already be in its rooms.
    let rooms = chat::repo::my_conversation_ids(&app.db, user.id, user.is_admin(), app.clock.now())
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "listing conversations for a socket");
            Refused("unavailable")
        })?;
    s.join(format!("u:{}", user.id));
    for id in rooms {
        s.join(conversation_room(id));
    }
    s.extensions.insert(Who(Arc::new(user)));
    s.extensions.insert::<Limiter>(Arc::new(Mutex::new(Bucket {
        tokens: Bucket::BURST,
        at: Instant::now(),
        refused: 0,
    })));
    chat::socket::register(&s);
    Ok(())
}

async fn on_connect<A: Adapter>(s: SocketRef<A>) {
    if let Some(Who(user)) = s.extensions.get::<Who>() {
        let _ = s.emit("ready", &serde_json::json!({ "user_id": user.id }));
    }
}

/// The socket's user and language; `None` once it is gone.
pub(crate) fn who<A: Adapter>(s: &SocketRef<A>, app: &AppState) -> Option<(Arc<CurrentUser>, Tr)> {
    let Who(user) = s.extensions.get::<Who>()?;
    let t = Tr::new(app.i18n.clone(), user.locale);
    Some((user, t))
}

/// Takes a token; a socket that keeps flooding after being told is disconnected.
pub(crate) fn allowed<A: Adapter>(s: &SocketRef<A>) -> bool {
    let Some(limiter) = s.extensions.get::<Limiter>() else {
        return false;
    };
    let mut b = limiter.lock().unwrap_or_else(|e| e.into_inner());
    let ok = b.take();
    if !ok && b.refused > 200 {
        drop(b);
        let _ = s.clone().disconnect();
    }
    ok
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_origin_is_this_site_only_with_its_scheme() {
        use super::same_origin;
        assert!(same_origin(
            "http://127.0.0.1:8080",
            false,
            "127.0.0.1:8080"
        ));
        assert!(same_origin("https://ecole.tg", true, "ecole.tg"));
        assert!(!same_origin("http://ecole.tg", true, "ecole.tg"));
        assert!(!same_origin("https://ecole.tg", false, "ecole.tg"));
        assert!(!same_origin(
            "https://ecole.tg.evil.example",
            true,
            "ecole.tg"
        ));
        assert!(!same_origin("null", false, "ecole.tg"));
    }
}

//! The chat's Socket.IO events: joining a conversation's room, sending, typing, read
//! receipts and catching up on what was missed. Each is checked with the chat rules, as the
//! pages are, after the socket's rate limit; the transport, the rooms a socket starts in and
//! the rate limit itself are the real-time hub's.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, Data, SocketRef, State};

use super::{ChatError, Pushed};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::realtime::{allowed, conversation_room, who};

/// Sets the chat's event handlers on a connecting socket. The hub calls it before the
/// connection completes, so that an event sent right after `connect` finds its handler.
pub fn register<A: Adapter>(s: &SocketRef<A>) {
    s.on("join", on_join::<A>);
    s.on("send", on_send::<A>);
    s.on("typing", on_typing::<A>);
    s.on("read", on_read::<A>);
    s.on("sync", on_sync::<A>);
}

#[derive(Deserialize)]
struct ConvRef {
    conversation_id: i64,
}

#[derive(Serialize)]
struct Reply {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<i64>,
}

fn ok(id: Option<i64>) -> Reply {
    Reply {
        ok: true,
        error: None,
        id,
    }
}

/// What every acknowledged event does first: the socket's user, a token from its bucket,
/// and the payload read as `T`. A refusal is answered here; `None` means it was.
fn accept<A: Adapter, T: serde::de::DeserializeOwned>(
    s: &SocketRef<A>,
    app: &AppState,
    data: serde_json::Value,
    ack: AckSender<A>,
) -> Option<(Arc<CurrentUser>, Tr, T, AckSender<A>)> {
    let (user, t) = who(s, app)?;
    if !allowed(s) {
        refuse(ack, &t, ChatError::TooFast);
        return None;
    }
    match serde_json::from_value::<T>(data) {
        Ok(v) => Some((user, t, v, ack)),
        Err(_) => {
            bad_input(ack, &t);
            None
        }
    }
}

fn refuse<A: Adapter>(ack: AckSender<A>, t: &Tr, e: ChatError) {
    if let ChatError::Db(ref err) = e {
        tracing::error!(error = %err, "chat");
    }
    let _ = ack.send(&Reply {
        ok: false,
        error: Some(e.text(t)),
        id: None,
    });
}

fn bad_input<A: Adapter>(ack: AckSender<A>, t: &Tr) {
    let _ = ack.send(&Reply {
        ok: false,
        error: Some(t.t("chat-error-bad-event")),
        id: None,
    });
}

async fn on_join<A: Adapter>(
    s: SocketRef<A>,
    State(app): State<AppState>,
    Data(data): Data<serde_json::Value>,
    ack: AckSender<A>,
) {
    let Some((user, t, r, ack)) = accept::<A, ConvRef>(&s, &app, data, ack) else {
        return;
    };
    match super::open(&app.db, &user, r.conversation_id).await {
        Ok(_) => {
            s.join(conversation_room(r.conversation_id));
            let _ = ack.send(&ok(None));
        }
        Err(e) => refuse(ack, &t, e),
    }
}

#[derive(Deserialize)]
struct SendIn {
    conversation_id: i64,
    body: String,
}

async fn on_send<A: Adapter>(
    s: SocketRef<A>,
    State(app): State<AppState>,
    Data(data): Data<serde_json::Value>,
    ack: AckSender<A>,
) {
    let Some((user, t, m, ack)) = accept::<A, SendIn>(&s, &app, data, ack) else {
        return;
    };
    match super::send(&app, &user, m.conversation_id, &m.body, None).await {
        Ok(msg) => {
            // The sender's socket also joins the room if it had not (a channel opened late).
            s.join(conversation_room(m.conversation_id));
            let _ = ack.send(&ok(Some(msg.id)));
        }
        Err(e) => refuse(ack, &t, e),
    }
}

async fn on_typing<A: Adapter>(
    s: SocketRef<A>,
    State(app): State<AppState>,
    Data(data): Data<serde_json::Value>,
) {
    let Some((user, _)) = who(&s, &app) else {
        return;
    };
    let Ok(r) = serde_json::from_value::<ConvRef>(data) else {
        return;
    };
    let room = conversation_room(r.conversation_id);
    // Only into a room the socket was let into, by someone who may write there, and not
    // faster than the bucket allows.
    if !s.rooms().iter().any(|x| *x == room) || !allowed(&s) {
        return;
    }
    if !matches!(super::open(&app.db, &user, r.conversation_id).await, Ok((_, a)) if a.write) {
        return;
    }
    let _ = s
        .to(room)
        .emit(
            "typing",
            &serde_json::json!({ "conversation_id": r.conversation_id, "user_id": user.id, "name": user.display_name() }),
        )
        .await;
}

#[derive(Deserialize)]
struct ReadIn {
    conversation_id: i64,
    message_id: i64,
}

async fn on_read<A: Adapter>(
    s: SocketRef<A>,
    State(app): State<AppState>,
    Data(data): Data<serde_json::Value>,
) {
    let Some((user, _)) = who(&s, &app) else {
        return;
    };
    let Ok(r) = serde_json::from_value::<ReadIn>(data) else {
        return;
    };
    if !allowed(&s)
        || super::open(&app.db, &user, r.conversation_id)
            .await
            .is_err()
    {
        return;
    }
    if let Err(e) = super::mark_read(&app, &user, r.conversation_id, r.message_id).await {
        tracing::warn!(error = %e, "marking read");
    }
}

#[derive(Deserialize)]
struct SyncIn {
    conversation_id: i64,
    after: i64,
}

async fn on_sync<A: Adapter>(
    s: SocketRef<A>,
    State(app): State<AppState>,
    Data(data): Data<serde_json::Value>,
    ack: AckSender<A>,
) {
    let Some((user, t, r, ack)) = accept::<A, SyncIn>(&s, &app, data, ack) else {
        return;
    };
    if let Err(e) = super::open(&app.db, &user, r.conversation_id).await {
        return refuse(ack, &t, e);
    }
    match super::repo::since(&app.db, r.conversation_id, r.after, 200).await {
        Ok(list) => {
            let list: Vec<Pushed> = list.iter().map(Pushed::from).collect();
            let _ = ack.send(&serde_json::json!({ "ok": true, "messages": list }));
        }
        Err(e) => refuse(ack, &t, e.into()),
    }
}

//! What authors and moderators do to messages once written: correct, delete, report,
//! remove what was reported, mute someone in a channel.

use chrono::Duration;

use super::{Access, ChatError, EDIT_WINDOW_MINUTES, MAX_BODY, Message, Pushed, open, repo};
use crate::app::AppState;
use crate::auth::CurrentUser;

/// A message and what `u` may do with it.
async fn own_or_moderate(
    app: &AppState,
    u: &CurrentUser,
    message: i64,
) -> Result<(Message, Access), ChatError> {
    let msg = repo::message(&app.db, message)
        .await?
        .ok_or(ChatError::NotFound)?;
    let (_, access) = open(&app.db, u, msg.conversation_id).await?;
    Ok((msg, access))
}

/// The author corrects a message within [`EDIT_WINDOW_MINUTES`].
pub async fn edit(
    app: &AppState,
    u: &CurrentUser,
    message: i64,
    body: &str,
) -> Result<Message, ChatError> {
    let (msg, access) = own_or_moderate(app, u, message).await?;
    if msg.author_id != u.id || msg.deleted_at.is_some() {
        return Err(ChatError::Forbidden);
    }
    if !access.write {
        return Err(ChatError::ReadOnly);
    }
    if let Some(until) =
        repo::muted_until(&app.db, msg.conversation_id, u.id, app.clock.now()).await?
    {
        return Err(ChatError::Muted(until));
    }
    if app.clock.now() - msg.created_at > Duration::minutes(EDIT_WINDOW_MINUTES) {
        return Err(ChatError::TooLate);
    }
    let body = body.trim();
    if body.chars().count() > MAX_BODY {
        return Err(ChatError::TooLong);
    }
    if body.is_empty() && msg.file_id.is_none() {
        return Err(ChatError::Empty);
    }
    // The text before is kept in the audit log: a reported message cannot be rewritten
    // out of sight.
    let mut tx = crate::db::begin_write(&app.db).await?;
    let changed = repo::edit_message(&mut *tx, msg.id, u.id, body, app.clock.now()).await?;
    if changed == 0 {
        return Err(ChatError::Forbidden);
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "message",
        &msg.id.to_string(),
        "update",
        Some(&msg.body),
        Some(body),
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    let msg = repo::message(&app.db, msg.id)
        .await?
        .ok_or(ChatError::NotFound)?;
    app.realtime
        .to_conversation(msg.conversation_id, "message-changed", &Pushed::from(&msg));
    Ok(msg)
}

/// The author, or a moderator of the conversation, deletes a message. It is hidden, not
/// erased: the text stays for the school's records and reports.
pub async fn delete(app: &AppState, u: &CurrentUser, message: i64) -> Result<Message, ChatError> {
    let (msg, access) = own_or_moderate(app, u, message).await?;
    if msg.author_id != u.id && !access.moderate {
        return Err(ChatError::Forbidden);
    }
    hide(app, u, msg).await
}

/// The administration removes a reported message, in any conversation (a direct one too:
/// the report is what lets them see it).
pub async fn remove_reported(
    app: &AppState,
    u: &CurrentUser,
    message: i64,
) -> Result<Message, ChatError> {
    if !u.is_admin() {
        return Err(ChatError::Forbidden);
    }
    let reported = repo::is_reported(&app.db, message).await?;
    let msg = repo::message(&app.db, message)
        .await?
        .filter(|_| reported)
        .ok_or(ChatError::NotFound)?;
    repo::resolve_reports(&app.db, message, app.clock.now()).await?;
    hide(app, u, msg).await
}

async fn hide(app: &AppState, u: &CurrentUser, msg: Message) -> Result<Message, ChatError> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::hide_message(&mut *tx, msg.id, u.id, app.clock.now()).await?;
    if msg.author_id != u.id {
        let old = format!("{}: {}", msg.author, msg.body);
        crate::audit::record(
            &mut *tx,
            Some(u.id),
            "message",
            &msg.id.to_string(),
            "delete",
            Some(&old),
            None,
            app.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    let msg = repo::message(&app.db, msg.id)
        .await?
        .ok_or(ChatError::NotFound)?;
    app.realtime
        .to_conversation(msg.conversation_id, "message-changed", &Pushed::from(&msg));
    Ok(msg)
}

/// Anyone who can read a message may report it to the administration, once.
pub async fn report(
    app: &AppState,
    u: &CurrentUser,
    message: i64,
    reason: &str,
) -> Result<(), ChatError> {
    let (msg, _) = own_or_moderate(app, u, message).await?;
    let reason: String = reason.trim().chars().take(500).collect();
    let now = app.clock.now();
    let mut tx = crate::db::begin_write(&app.db).await?;
    if repo::insert_report(&mut *tx, msg.id, u.id, &reason, now).await? {
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::MessageReported(crate::events::MessageReported {
                message_id: msg.id,
                conversation_id: msg.conversation_id,
                reporter_id: u.id,
            }),
            Some(u.id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A moderator silences `user` in a conversation for `minutes` (0 lifts it).
pub async fn mute(
    app: &AppState,
    u: &CurrentUser,
    conversation: i64,
    user: i64,
    minutes: i64,
) -> Result<(), ChatError> {
    let (conv, access) = open(&app.db, u, conversation).await?;
    if !access.moderate || user == u.id || conv.kind == "direct" {
        return Err(ChatError::Forbidden);
    }
    // Only a member of the conversation who is not a moderator of it can be muted.
    let target = crate::auth::user_by_id(&app.db, user)
        .await?
        .ok_or(ChatError::NotFound)?;
    match super::access(&app.db, &target, &conv).await? {
        None => return Err(ChatError::NotFound),
        Some(a) if a.moderate => return Err(ChatError::Forbidden),
        Some(_) => {}
    }
    let until = app.clock.now() + Duration::minutes(minutes.clamp(0, 60 * 24 * 30));
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::mute(&mut *tx, conv.id, user, until, u.id).await?;
    let new = format!("conversation {} · {} min", conv.id, minutes);
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "mute",
        &user.to_string(),
        "update",
        None,
        Some(&new),
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

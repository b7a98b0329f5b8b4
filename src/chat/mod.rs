//! Chat between the school and families: direct conversations, a class's channel (its
//! teachers and students), a class's parents' channel (its teachers and the parents of its
//! students) and the school's broadcast channel (read-only for families).
//!
//! Who may write to whom follows the school's relationships (see [`contacts`]). Every message
//! is written to the database, with a `message.sent` school event, before it is pushed to
//! the connected clients; a client that was away catches up from the database.

pub mod membership;
mod moderation;
pub mod repo;
pub mod routes;
pub mod socket;

pub use moderation::{delete, edit, mute, remove_reported, report};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db::Pool;
pub use repo::{Contact, Conversation, Message};
pub use routes::router;

/// The longest message, in characters.
pub const MAX_BODY: usize = 2000;
/// The largest attachment, in bytes.
pub const MAX_FILE: usize = 5 * 1024 * 1024;
/// How long an author may correct a message.
pub const EDIT_WINDOW_MINUTES: i64 = 5;

/// What a user may do in a conversation they can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub write: bool,
    /// May delete others' messages and mute people.
    pub moderate: bool,
}

/// Why a chat action was refused; each has a catalog key for the person who tried.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No such conversation or message, or not one the user may know of.
    #[error("not found")]
    NotFound,
    /// The user may read but not do this.
    #[error("forbidden")]
    Forbidden,
    /// Families read the broadcast channel; they do not post in it.
    #[error("read only")]
    ReadOnly,
    /// A moderator muted the user here.
    #[error("muted")]
    Muted(DateTime<Utc>),
    /// Nothing to send.
    #[error("empty")]
    Empty,
    /// Longer than [`MAX_BODY`].
    #[error("too long")]
    TooLong,
    /// An attachment that is too big or not an image or a PDF.
    #[error("attachment")]
    Attachment(&'static str),
    /// Past the edit window.
    #[error("too late")]
    TooLate,
    /// Too many messages too fast.
    #[error("rate")]
    TooFast,
    /// A database failure.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// A storage failure.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl ChatError {
    /// The catalog key that explains the refusal.
    pub fn key(&self) -> &'static str {
        match self {
            ChatError::NotFound => "chat-error-not-found",
            ChatError::Forbidden => "error-forbidden",
            ChatError::ReadOnly => "chat-error-read-only",
            ChatError::Muted(_) => "chat-error-muted",
            ChatError::Empty => "chat-error-empty",
            ChatError::TooLong => "chat-error-too-long",
            ChatError::Attachment(k) => k,
            ChatError::TooLate => "chat-error-too-late",
            ChatError::TooFast => "chat-error-too-fast",
            ChatError::Db(_) | ChatError::Other(_) => "error-internal",
        }
    }

    /// The explanation in `t`'s language.
    pub fn text(&self, t: &crate::i18n::Tr) -> String {
        match self {
            ChatError::Muted(until) => t.t1(self.key(), "until", t.datetime(until)),
            ChatError::TooLong => t.tn(self.key(), "max", MAX_BODY as i64),
            _ => t.t(self.key()),
        }
    }
}

/// What `u` may do in `conv`; `None` if they may not open it.
pub async fn access(
    db: &Pool,
    u: &CurrentUser,
    conv: &Conversation,
) -> Result<Option<Access>, sqlx::Error> {
    let staff = Access {
        write: true,
        moderate: true,
    };
    let member = Access {
        write: true,
        moderate: false,
    };
    Ok(match (conv.kind.as_str(), conv.class_id) {
        ("direct", _) => repo::is_member(db, conv.id, u.id).await?.then_some(member),
        ("broadcast", _) if u.is_admin() => Some(staff),
        ("broadcast", _) => Some(Access {
            write: false,
            moderate: false,
        }),
        (_, Some(_)) if u.is_admin() => Some(staff),
        (_, Some(class)) if repo::teaches(db, u.id, class).await? => Some(staff),
        ("class", Some(class)) => repo::learns_in(db, class, u.id).await?.then_some(member),
        ("class_parents", Some(class)) => repo::parent_in(db, class, u.id).await?.then_some(member),
        _ => None,
    })
}

/// The conversation and what `u` may do in it, or [`ChatError::NotFound`].
pub async fn open(
    db: &Pool,
    u: &CurrentUser,
    id: i64,
) -> Result<(Conversation, Access), ChatError> {
    let conv = repo::conversation(db, id)
        .await?
        .ok_or(ChatError::NotFound)?;
    let access = access(db, u, &conv).await?.ok_or(ChatError::NotFound)?;
    Ok((conv, access))
}

/// The people `u` may start a conversation with, matching `q` (a name, e-mail or phone;
/// for a parent, also the name of a child the writer knows: a teacher types the pupil's
/// name to find the pupil's parents), by name, at most `limit`, each with their children
/// (a parent) or their subjects (a teacher).
pub async fn contacts(
    db: &Pool,
    u: &CurrentUser,
    q: &str,
    limit: i64,
) -> Result<Vec<Contact>, sqlx::Error> {
    let mut list = repo::contacts(db, u, q, limit).await?;
    if list.is_empty() {
        return Ok(list);
    }
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    for (parent, last, first, class) in repo::children_of_contacts(db, u, &ids).await? {
        if let Some(c) = list.iter_mut().find(|c| c.id == parent) {
            let name = format!("{} {first}", last.to_uppercase());
            c.children.push(match class {
                Some(class) => format!("{name} ({class})"),
                None => name,
            });
        }
    }
    for (teacher, subject) in repo::subjects_of_contacts(db, u, &ids).await? {
        if let Some(c) = list.iter_mut().find(|c| c.id == teacher) {
            c.subjects.push(subject);
        }
    }
    Ok(list)
}

/// The direct conversation of `u` and `other`, created if needed; `None` if `u` may not
/// write to `other`. Returns (id, whether it is new).
pub async fn start_direct(
    db: &Pool,
    u: &CurrentUser,
    other: i64,
    now: DateTime<Utc>,
) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let (a, b) = (u.id.min(other), u.id.max(other));
    let key = format!("direct:{a}:{b}");
    // An existing conversation stays open to both, whatever changed in the school since.
    if let Some(id) = repo::direct_by_key(db, &key).await? {
        return Ok(Some((id, false)));
    }
    if !crate::authz::may_contact(db, u, other).await? {
        return Ok(None);
    }
    let mut tx = crate::db::begin_write(db).await?;
    let id = repo::ensure(&mut tx, &key, "direct", None, now).await?;
    for user in [a, b] {
        repo::add_member(&mut *tx, id, user).await?;
    }
    tx.commit().await?;
    Ok(Some((id, true)))
}

/// An attachment as received.
pub struct Upload<'a> {
    /// The file's name on the sender's device.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// The type of an attachment, recognised from its first bytes: images and PDF only.
pub fn attachment_type(bytes: &[u8]) -> Option<&'static str> {
    crate::files::image_type(bytes)
        .or_else(|| bytes.starts_with(b"%PDF-").then_some("application/pdf"))
}

/// What is pushed to the clients of a conversation when a message arrives or changes.
#[derive(Clone, Debug, Serialize)]
pub struct Pushed {
    pub conversation_id: i64,
    pub id: i64,
    pub author_id: i64,
    pub author: String,
    /// The text ("" once deleted).
    pub body: String,
    /// Sent, RFC 3339.
    pub sent_at: String,
    /// Edited or deleted since (left out while false: every push to a room of a
    /// thousand is that much shorter on 3G).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
    /// Deleted (left out while false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// An attachment's id (left out when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_id: Option<i64>,
}

impl From<&Message> for Pushed {
    fn from(m: &Message) -> Self {
        Pushed {
            conversation_id: m.conversation_id,
            id: m.id,
            author_id: m.author_id,
            author: m.author.clone(),
            body: if m.deleted_at.is_some() {
                String::new()
            } else {
                m.body.clone()
            },
            sent_at: m.created_at.to_rfc3339(),
            edited: m.edited_at.is_some(),
            deleted: m.deleted_at.is_some(),
            file_id: m.file_id.filter(|_| m.deleted_at.is_none()),
        }
    }
}

/// Writes a message (and its attachment) with its school event, then pushes it to the
/// conversation's connected clients.
pub async fn send(
    app: &AppState,
    u: &CurrentUser,
    conversation: i64,
    body: &str,
    file: Option<Upload<'_>>,
) -> Result<Message, ChatError> {
    let (conv, access) = open(&app.db, u, conversation).await?;
    if !access.write {
        return Err(ChatError::ReadOnly);
    }
    let now = app.clock.now();
    // At most so many messages in 10 seconds per person (20 unless configured), from pages
    // or sockets, on any node.
    let (muted, recent) =
        repo::sender_state(&app.db, conv.id, u.id, now - Duration::seconds(10), now).await?;
    if let Some(until) = muted {
        return Err(ChatError::Muted(until));
    }
    let body = body.trim();
    if body.chars().count() > MAX_BODY {
        return Err(ChatError::TooLong);
    }
    if body.is_empty() && file.is_none() {
        return Err(ChatError::Empty);
    }
    let file_type = match &file {
        Some(f) if f.bytes.len() > MAX_FILE => {
            return Err(ChatError::Attachment("chat-error-file-too-big"));
        }
        Some(f) => {
            Some(attachment_type(f.bytes).ok_or(ChatError::Attachment("chat-error-file-type"))?)
        }
        None => None,
    };
    if recent >= app.config.chat_max_per_10s {
        return Err(ChatError::TooFast);
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::insert_message(&mut *tx, conv.id, u.id, body, now).await?;
    if let (Some(f), Some(ct)) = (&file, file_type) {
        let file_id = crate::files::save(
            &mut *tx,
            &app.files,
            ("message", id),
            f.name,
            ct,
            f.bytes,
            Some(u.id),
            now,
        )
        .await?;
        repo::set_attachment(&mut *tx, id, file_id).await?;
    }
    crate::events::publish(
        &mut *tx,
        &crate::events::SchoolEvent::MessageSent(crate::events::MessageSent {
            message_id: id,
            conversation_id: conv.id,
            kind: conv.kind.clone(),
        }),
        Some(u.id),
        now,
    )
    .await?;
    // The author has read what they wrote. Everything is read and written before the
    // commit: once committed, nothing can fail and make the sender send it again.
    repo::mark_read(&mut *tx, conv.id, u.id, id, now).await?;
    let msg = repo::message(&mut *tx, id)
        .await?
        .ok_or(ChatError::NotFound)?;
    tx.commit().await?;
    app.realtime
        .to_conversation(conv.id, "message", &Pushed::from(&msg));
    Ok(msg)
}

/// Posts a message in a class's channel (or the school's broadcast channel) in the caller's
/// transaction, as the school's automations do, with its school event. Returns the message,
/// to push to the connected clients once committed (`push`).
pub async fn post(
    tx: &mut crate::db::Tx<'_>,
    kind: &str,
    class: Option<i64>,
    author: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Message, sqlx::Error> {
    let key = match (kind, class) {
        ("class", Some(c)) => format!("class:{c}"),
        ("class_parents", Some(c)) => format!("parents:{c}"),
        _ => "broadcast".to_string(),
    };
    let kind = if key == "broadcast" {
        "broadcast"
    } else {
        kind
    };
    let conversation = repo::ensure(tx, &key, kind, class, now).await?;
    let body: String = body.trim().chars().take(MAX_BODY).collect();
    let id = repo::insert_message(&mut **tx, conversation, author, &body, now).await?;
    crate::events::publish(
        &mut **tx,
        &crate::events::SchoolEvent::MessageSent(crate::events::MessageSent {
            message_id: id,
            conversation_id: conversation,
            kind: kind.to_string(),
        }),
        Some(author),
        now,
    )
    .await?;
    repo::message(&mut **tx, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Pushes a message written by `post` to the clients of its conversation.
pub fn push(app: &AppState, msg: &Message) {
    app.realtime
        .to_conversation(msg.conversation_id, "message", &Pushed::from(msg));
}

/// The user has read the conversation up to `message_id` (a message of it: a larger
/// number cannot mark future messages read). The others see the receipt.
pub async fn mark_read(
    app: &AppState,
    u: &CurrentUser,
    conversation: i64,
    message_id: i64,
) -> Result<(), ChatError> {
    let Some(upto) = repo::last_message_upto(&app.db, conversation, message_id).await? else {
        return Ok(());
    };
    repo::mark_read(&app.db, conversation, u.id, upto, app.clock.now()).await?;
    // Receipts are shown in direct conversations only: in a channel they would tell every
    // member who reads what.
    let direct = repo::conversation(&app.db, conversation)
        .await?
        .is_some_and(|c| c.kind == "direct");
    if direct {
        app.realtime.to_conversation(
        conversation,
        "read",
        &serde_json::json!({ "conversation_id": conversation, "user_id": u.id, "name": u.display_name(), "message_id": upto }),
    );
    }
    // The user's other tabs update their unread counts.
    app.realtime.to_user(
        u.id,
        "unread",
        &serde_json::json!({ "conversation_id": conversation }),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_recognised_by_content() {
        assert_eq!(attachment_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(
            attachment_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some("image/jpeg")
        );
        assert_eq!(attachment_type(b"MZ\x90\0 disguised.pdf"), None);
        assert_eq!(attachment_type(b"<html>"), None);
    }
}

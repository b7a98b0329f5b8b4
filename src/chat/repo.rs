//! SQL of conversations and messages.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

mod contacts;
mod moderation;
pub use contacts::*;
pub use moderation::*;

/// A conversation as stored, with the class it belongs to.
#[derive(Clone, Debug, FromRow)]
pub struct Conversation {
    pub id: i64,
    /// `direct`, `class`, `class_parents` or `broadcast`.
    pub kind: String,
    /// The class of a class channel.
    pub class_id: Option<i64>,
    /// Its name ("6e A").
    pub class_name: Option<String>,
}

const CONV_SELECT: &str = "SELECT v.id, v.kind, v.class_id, c.name AS class_name \
    FROM conversations v LEFT JOIN classes c ON c.id = v.class_id";

pub async fn conversation(db: &Pool, id: i64) -> Result<Option<Conversation>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{CONV_SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A conversation's kind (direct, class, class_parents, broadcast).
pub async fn conversation_kind<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT kind FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

/// The conversation with `key`, created if missing (safe to race: the key is unique).
pub async fn ensure(
    conn: &mut <Db as sqlx::Database>::Connection,
    key: &str,
    kind: &str,
    class_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO conversations (key, kind, class_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(kind)
    .bind(class_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM conversations WHERE key = $1")
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// A line of the conversation list: who or what, the last message, unread count.
#[derive(Clone, Debug, FromRow)]
pub struct ListItem {
    pub id: i64,
    pub kind: String,
    /// The class of a channel.
    pub class_name: Option<String>,
    /// The other person of a direct conversation.
    pub other_id: Option<i64>,
    pub other_name: Option<String>,
    /// The last message's text (empty if none, or deleted).
    pub last_body: Option<String>,
    /// When it was sent.
    pub last_at: Option<DateTime<Utc>>,
    /// Messages from others after what the user read.
    pub unread: i64,
}

/// The ids of the conversations a user belongs to: their direct ones, the channels of their
/// classes (as teacher, student or parent), the broadcast channel, and the channels an
/// administrator has opened. Channels are created here the first time they are needed.
pub async fn my_conversation_ids(
    db: &Pool,
    user_id: i64,
    is_admin: bool,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, sqlx::Error> {
    // The classes of this year the user is tied to, and how.
    let classes: Vec<(i64, bool, bool, bool)> = sqlx::query_as(
        "SELECT c.id, \
           (c.head_teacher_user_id = $1 OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1)) AS teaches, \
           EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.class_id = c.id AND s.user_id = $1 AND s.active = TRUE) AS learns, \
           EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id JOIN students s ON s.id = e.student_id AND s.active = TRUE WHERE e.class_id = c.id AND g.user_id = $1) AS parent \
         FROM classes c JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let mut wanted: Vec<(String, &str, Option<i64>)> =
        vec![("broadcast".into(), "broadcast", None)];
    for (class, teaches, learns, parent) in classes {
        if teaches || learns {
            wanted.push((format!("class:{class}"), "class", Some(class)));
        }
        if teaches || parent {
            wanted.push((format!("parents:{class}"), "class_parents", Some(class)));
        }
    }
    // Read what exists; write only what is missing (a page view takes no write lock).
    // The keys are built above from integers and constants: safe to inline.
    let keys = wanted
        .iter()
        .map(|(k, _, _)| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(",");
    let existing: Vec<(i64, String)> = sqlx::query_as(crate::sql!(
        "SELECT id, key FROM conversations WHERE key IN ({keys})"
    ))
    .fetch_all(db)
    .await?;
    let mut ids = Vec::new();
    let mut conn = None;
    for (key, kind, class) in &wanted {
        match existing.iter().find(|(_, k)| k == key) {
            Some((id, _)) => ids.push(*id),
            None => {
                if conn.is_none() {
                    conn = Some(db.acquire().await?);
                }
                let c = conn.as_mut().expect("acquired above");
                ids.push(ensure(c, key, kind, *class, now).await?);
            }
        }
    }
    drop(conn);
    let direct: Vec<(i64,)> =
        sqlx::query_as("SELECT conversation_id FROM conversation_members WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(db)
            .await?;
    ids.extend(direct.into_iter().map(|r| r.0));
    if is_admin {
        let opened: Vec<(i64,)> = sqlx::query_as(
            "SELECT r.conversation_id FROM conversation_reads r JOIN conversations v ON v.id = r.conversation_id \
             WHERE r.user_id = $1 AND v.kind IN ('class', 'class_parents')",
        )
        .bind(user_id)
        .fetch_all(db)
        .await?;
        ids.extend(opened.into_iter().map(|r| r.0));
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The list lines of `ids` for `user_id`, the most recently active first.
pub async fn list(db: &Pool, user_id: i64, ids: &[i64]) -> Result<Vec<ListItem>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are integers from the database: safe to inline.
    let in_list = ids
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let mut rows: Vec<ListItem> = sqlx::query_as(crate::sql!(
        "SELECT v.id, v.kind, c.name AS class_name, o.id AS other_id, \
           o.first_name || ' ' || o.last_name AS other_name, \
           (SELECT CASE WHEN m.deleted_at IS NULL THEN m.body ELSE '' END FROM messages m WHERE m.conversation_id = v.id ORDER BY m.id DESC LIMIT 1) AS last_body, \
           (SELECT m.created_at FROM messages m WHERE m.conversation_id = v.id ORDER BY m.id DESC LIMIT 1) AS last_at, \
           (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = v.id AND m.author_id <> $1 AND m.deleted_at IS NULL \
              AND m.id > COALESCE((SELECT r.last_read_id FROM conversation_reads r WHERE r.conversation_id = v.id AND r.user_id = $1), 0)) AS unread \
         FROM conversations v LEFT JOIN classes c ON c.id = v.class_id \
         LEFT JOIN conversation_members om ON om.conversation_id = v.id AND om.user_id <> $1 AND v.kind = 'direct' \
         LEFT JOIN users o ON o.id = om.user_id \
         WHERE v.id IN ({in_list})"
    ))
    .bind(user_id)
    .fetch_all(db)
    .await?;
    rows.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(a.id.cmp(&b.id)));
    Ok(rows)
}

/// A message as shown.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub author_id: i64,
    /// Author's name.
    pub author: String,
    /// Text (kept when deleted, but not shown).
    #[serde(skip)]
    pub body: String,
    pub file_id: Option<i64>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted (by the author or a moderator).
    pub deleted_at: Option<DateTime<Utc>>,
}

const MSG_SELECT: &str = "SELECT m.id, m.conversation_id, m.author_id, \
    u.first_name || ' ' || u.last_name AS author, m.body, m.file_id, f.name AS file_name, \
    f.content_type AS file_type, m.created_at, m.edited_at, m.deleted_at \
    FROM messages m JOIN users u ON u.id = m.author_id LEFT JOIN files f ON f.id = m.file_id";

pub async fn message<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<Message>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{MSG_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Up to `limit` messages of a conversation before message `before` (the newest if
/// `None`), oldest first.
pub async fn page(
    db: &Pool,
    conversation: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, sqlx::Error> {
    let mut rows: Vec<Message> = sqlx::query_as(crate::sql!(
        "{MSG_SELECT} WHERE m.conversation_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3"
    ))
    .bind(conversation)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.reverse();
    Ok(rows)
}

/// Messages of a conversation after message `after`, oldest first (what a client missed).
pub async fn since(
    db: &Pool,
    conversation: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<Message>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{MSG_SELECT} WHERE m.conversation_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3"
    ))
    .bind(conversation)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Moves the user's read mark forward to `message_id` (never back).
pub async fn mark_read<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    conversation: i64,
    user_id: i64,
    message_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO conversation_reads (conversation_id, user_id, last_read_id, read_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET last_read_id = excluded.last_read_id, read_at = excluded.read_at \
         WHERE conversation_reads.last_read_id < excluded.last_read_id",
    )
    .bind(conversation)
    .bind(user_id)
    .bind(message_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Who has read up to where, for read receipts: (name, last read id), others than `me`.
pub async fn readers(
    db: &Pool,
    conversation: i64,
    me: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.first_name || ' ' || u.last_name, r.last_read_id FROM conversation_reads r \
         JOIN users u ON u.id = r.user_id WHERE r.conversation_id = $1 AND r.user_id <> $2 ORDER BY u.sort_name",
    )
    .bind(conversation)
    .bind(me)
    .fetch_all(db)
    .await
}

/// Until when `user_id` is muted in a conversation, if they are now.
pub async fn muted_until(
    db: &Pool,
    conversation: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(DateTime<Utc>,)> = sqlx::query_as(
        "SELECT until FROM conversation_mutes WHERE conversation_id = $1 AND user_id = $2 AND until > $3",
    )
    .bind(conversation)
    .bind(user_id)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Before `user_id` writes in a conversation, in one trip: until when they are muted there
/// (if they are now), and how many messages they wrote anywhere since `since`.
pub async fn sender_state(
    db: &Pool,
    conversation: i64,
    user_id: i64,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(Option<DateTime<Utc>>, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT MAX(until) FROM conversation_mutes WHERE conversation_id = $1 AND user_id = $2 AND until > $3), \
                (SELECT COUNT(*) FROM messages WHERE author_id = $2 AND created_at > $4)",
    )
    .bind(conversation)
    .bind(user_id)
    .bind(now)
    .bind(since)
    .fetch_one(db)
    .await
}

/// The users of a direct conversation.
pub async fn members(db: &Pool, conversation: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT user_id FROM conversation_members WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The direct conversation with `key`, if it was started.
pub async fn direct_by_key(db: &Pool, key: &str) -> Result<Option<i64>, sqlx::Error> {
    let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM conversations WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    Ok(existing.map(|r| r.0))
}

pub async fn add_member<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    conversation: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(conversation)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

async fn exists(db: &Pool, sql: &'static str, a: i64, b: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(sql)
        .bind(a)
        .bind(b)
        .fetch_optional(db)
        .await?
        .is_some())
}

pub async fn is_member(db: &Pool, conversation: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        "SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2",
        conversation,
        user_id,
    )
    .await
}

/// Whether `user` teaches in or heads `class` (a class of the current year).
pub async fn teaches(db: &Pool, user: i64, class: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        "SELECT 1 FROM classes c JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE c.id = $1 AND (c.head_teacher_user_id = $2 OR EXISTS \
         (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2))",
        class,
        user,
    )
    .await
}

/// Whether `user` is the account of an active student enrolled in `class` this year.
pub async fn learns_in(db: &Pool, class: i64, user: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        "SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         JOIN classes c ON c.id = e.class_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE e.class_id = $1 AND s.user_id = $2",
        class,
        user,
    )
    .await
}

/// Whether `user` is a guardian of an active student enrolled in `class` this year.
pub async fn parent_in(db: &Pool, class: i64, user: i64) -> Result<bool, sqlx::Error> {
    exists(
        db,
        "SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         JOIN classes c ON c.id = e.class_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE e.class_id = $1 AND g.user_id = $2",
        class,
        user,
    )
    .await
}

pub async fn insert_message<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    conversation: i64,
    author_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (conversation_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(conversation)
    .bind(author_id)
    .bind(body)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn set_attachment<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    message_id: i64,
    file_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET file_id = $1 WHERE id = $2")
        .bind(file_id)
        .bind(message_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The last message of a conversation up to `message_id`, if any.
pub async fn last_message_upto(
    db: &Pool,
    conversation: i64,
    message_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let (upto,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(id) FROM messages WHERE conversation_id = $1 AND id <= $2")
            .bind(conversation)
            .bind(message_id)
            .fetch_one(db)
            .await?;
    Ok(upto)
}

/// The class a student is enrolled in this year, if any.
pub async fn current_class(db: &Pool, student: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT e.class_id FROM enrollments e JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
         WHERE e.student_id = $1",
    )
    .bind(student)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// The accounts of a student and of their guardians.
pub async fn student_and_guardians(db: &Pool, student: i64) -> Result<Vec<i64>, sqlx::Error> {
    let users: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM students WHERE id = $1 AND user_id IS NOT NULL \
         UNION SELECT user_id FROM student_guardians WHERE student_id = $1",
    )
    .bind(student)
    .fetch_all(db)
    .await?;
    Ok(users.into_iter().map(|u| u.0).collect())
}

/// The ids of the channels of `classes` (those created so far).
pub async fn class_channels(db: &Pool, classes: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    if classes.is_empty() {
        return Ok(Vec::new());
    }
    // Keys built from integers: safe to inline.
    let keys: Vec<String> = classes
        .iter()
        .flat_map(|c| [format!("'class:{c}'"), format!("'parents:{c}'")])
        .collect();
    let channels: Vec<(i64,)> = sqlx::query_as(crate::sql!(
        "SELECT id FROM conversations WHERE key IN ({})",
        keys.join(",")
    ))
    .fetch_all(db)
    .await?;
    Ok(channels.into_iter().map(|c| c.0).collect())
}

/// Whether `user` holds a role of the administration (director, bursar, secretary).
pub async fn is_admin(db: &Pool, user: i64) -> Result<bool, sqlx::Error> {
    let (admin,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role IN ('director', 'bursar', 'secretary'))",
    )
    .bind(user)
    .fetch_one(db)
    .await?;
    Ok(admin)
}

/// Who hears of a direct message: the conversation's other members, told the author's name.
#[derive(Clone, Debug)]
pub struct MessageAudience {
    /// The author's name, "Prénom Nom".
    pub author: String,
    pub recipients: Vec<i64>,
}

/// The audience of a message `author_id` wrote in a direct conversation.
pub async fn message_audience(
    conn: &mut <Db as sqlx::Database>::Connection,
    conversation: i64,
    author_id: i64,
) -> Result<MessageAudience, sqlx::Error> {
    let (author,): (String,) =
        sqlx::query_as("SELECT first_name || ' ' || last_name FROM users WHERE id = $1")
            .bind(author_id)
            .fetch_one(&mut *conn)
            .await?;
    let others: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND user_id <> $2",
    )
    .bind(conversation)
    .bind(author_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(MessageAudience {
        author,
        recipients: others.into_iter().map(|r| r.0).collect(),
    })
}

pub async fn message_author(db: &Pool, id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT author_id FROM messages WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

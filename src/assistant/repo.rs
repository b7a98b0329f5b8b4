//! The SQL of the assistant: conversations and messages, the FAQ, each person's use per
//! day, and flagged conversations.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::{Db, Pool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    /// user or assistant.
    pub author: String,
    pub body: String,
    /// local (without a model), model, or refused.
    pub mode: String,
    pub created_at: DateTime<Utc>,
}

/// Takes the lock of a person's assistant until the transaction ends (their limits and
/// their conversation). SQLite's write transaction already serialises.
pub async fn lock(tx: &mut crate::db::Tx<'_>, user: i64) -> Result<(), sqlx::Error> {
    #[cfg(feature = "postgres")]
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(format!("assistant:{user}"))
        .execute(&mut **tx)
        .await?;
    #[cfg(not(feature = "postgres"))]
    let _ = (tx, user);
    Ok(())
}

/// A person's latest conversation as `role`, if any.
pub async fn latest_conversation<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    role: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM assistant_conversations WHERE user_id = $1 AND role = $2 \
         ORDER BY started_at DESC, id DESC LIMIT 1",
    )
    .bind(user)
    .bind(role)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// The owner of a conversation.
pub async fn owner(db: &Pool, conversation: i64) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT user_id, role FROM assistant_conversations WHERE id = $1")
        .bind(conversation)
        .fetch_optional(db)
        .await
}

pub async fn start<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    role: &str,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assistant_conversations (user_id, role, started_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(user)
    .bind(role)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn messages(db: &Pool, conversation: i64) -> Result<Vec<Message>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, author, body, mode, created_at FROM assistant_messages \
         WHERE conversation_id = $1 ORDER BY id",
    )
    .bind(conversation)
    .fetch_all(db)
    .await
}

pub async fn add<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    conversation: i64,
    author: &str,
    body: &str,
    mode: &str,
    tokens: i64,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assistant_messages (conversation_id, author, body, mode, tokens, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(conversation)
    .bind(author)
    .bind(body)
    .bind(mode)
    .bind(tokens)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A pending answer claimed for writing.
pub struct Claimed {
    pub conversation: i64,
    /// The role the conversation is held as.
    pub role: String,
}

/// Claims a pending answer of the person's, once (or one still being written since before
/// `lost`: its writer is gone): `None` if it is not theirs or already taken.
pub async fn claim(
    db: &Pool,
    answer: i64,
    user: i64,
    lost: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "UPDATE assistant_messages SET mode = 'running' WHERE id = $1 \
         AND (mode = 'pending' OR (mode = 'running' AND created_at < $3)) \
         AND conversation_id IN (SELECT id FROM assistant_conversations WHERE user_id = $2) \
         RETURNING conversation_id, (SELECT c.role FROM assistant_conversations c WHERE c.id = assistant_messages.conversation_id)",
    )
    .bind(answer)
    .bind(user)
    .bind(lost)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(conversation, role)| Claimed { conversation, role }))
}

/// A person's answers waiting to be written, asked since `since`.
pub async fn unfinished<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM assistant_messages m JOIN assistant_conversations c ON c.id = m.conversation_id \
         WHERE c.user_id = $1 AND m.mode IN ('pending', 'running') AND m.created_at >= $2",
    )
    .bind(user)
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// Writes a claimed answer.
pub async fn finish<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    answer: i64,
    body: &str,
    mode: &str,
    tokens: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE assistant_messages SET body = $2, mode = $3, tokens = $4 WHERE id = $1")
        .bind(answer)
        .bind(body)
        .bind(mode)
        .bind(tokens)
        .execute(db)
        .await?;
    Ok(())
}

/// One message of the person's conversations.
pub async fn message_of(db: &Pool, id: i64, user: i64) -> Result<Option<Message>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.author, m.body, m.mode, m.created_at FROM assistant_messages m \
         JOIN assistant_conversations c ON c.id = m.conversation_id WHERE m.id = $1 AND c.user_id = $2",
    )
    .bind(id)
    .bind(user)
    .fetch_optional(db)
    .await
}

/// Messages a person sent since `since` (the rate limit).
pub async fn sent_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM assistant_messages m JOIN assistant_conversations c ON c.id = m.conversation_id \
         WHERE c.user_id = $1 AND m.author = 'user' AND m.created_at >= $2",
    )
    .bind(user)
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// A person's use of a day: (messages, tokens).
pub async fn usage<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    day: NaiveDate,
) -> Result<(i64, i64), sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT messages, tokens FROM assistant_usage WHERE user_id = $1 AND day = $2",
    )
    .bind(user)
    .bind(day)
    .fetch_optional(db)
    .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// Counts messages and tokens in a person's day: a question when asked, the model's tokens
/// when it has answered.
pub async fn count<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    day: NaiveDate,
    messages: i64,
    tokens: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO assistant_usage (user_id, day, messages, tokens) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, day) DO UPDATE SET messages = assistant_usage.messages + excluded.messages, \
         tokens = assistant_usage.tokens + excluded.tokens",
    )
    .bind(user)
    .bind(day)
    .bind(messages)
    .bind(tokens)
    .execute(db)
    .await?;
    Ok(())
}

/// One line of the usage report: a role's use over the days since `from`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UsageLine {
    pub role: String,
    pub people: i64,
    pub messages: i64,
    /// Answers the model wrote.
    pub with_model: i64,
    pub tokens: i64,
}

/// The questions asked since `from`, by the role they were asked as.
pub async fn usage_by_role(db: &Pool, from: DateTime<Utc>) -> Result<Vec<UsageLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.role, COUNT(DISTINCT c.user_id) AS people, \
         CAST(SUM(CASE WHEN m.author = 'user' THEN 1 ELSE 0 END) AS BIGINT) AS messages, \
         CAST(SUM(CASE WHEN m.author = 'assistant' AND m.mode = 'model' THEN 1 ELSE 0 END) AS BIGINT) AS with_model, \
         CAST(COALESCE(SUM(m.tokens), 0) AS BIGINT) AS tokens \
         FROM assistant_messages m JOIN assistant_conversations c ON c.id = m.conversation_id \
         WHERE m.created_at >= $1 GROUP BY c.role ORDER BY c.role",
    )
    .bind(from)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------- the FAQ

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Faq {
    pub id: i64,
    pub question: String,
    pub answer: String,
    pub keywords: String,
}

pub async fn faq(db: &Pool) -> Result<Vec<Faq>, sqlx::Error> {
    sqlx::query_as("SELECT id, question, answer, keywords FROM assistant_faq ORDER BY id")
        .fetch_all(db)
        .await
}

pub async fn add_faq<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    question: &str,
    answer: &str,
    keywords: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assistant_faq (question, answer, keywords, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(question)
    .bind(answer)
    .bind(keywords)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn delete_faq<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM assistant_faq WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ---------------------------------------------------------------- flags

pub async fn flag<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    conversation: i64,
    reason: &str,
    note: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO assistant_flags (conversation_id, reason, note, raised_by, raised_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(conversation)
    .bind(reason)
    .bind(note)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A flagged conversation, for the administration.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Flag {
    pub id: i64,
    pub conversation_id: i64,
    pub reason: String,
    pub note: String,
    pub raised_at: DateTime<Utc>,
    /// The conversation's owner, "Prénom NOM".
    pub person: String,
    pub role: String,
    pub handled_at: Option<DateTime<Utc>>,
}

/// Was the conversation flagged (its only way to the administration's eyes)? With its
/// owner's name.
pub async fn flagged_owner(db: &Pool, conversation: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT u.first_name || ' ' || u.last_name FROM assistant_conversations c \
         JOIN users u ON u.id = c.user_id WHERE c.id = $1 \
         AND EXISTS (SELECT 1 FROM assistant_flags f WHERE f.conversation_id = c.id)",
    )
    .bind(conversation)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// An open report by `user` on the conversation already?
pub async fn reported(db: &Pool, conversation: i64, user: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM assistant_flags WHERE conversation_id = $1 AND raised_by = $2 AND handled_at IS NULL",
    )
    .bind(conversation)
    .bind(user)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

pub async fn flags(db: &Pool) -> Result<Vec<Flag>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.conversation_id, f.reason, f.note, f.raised_at, \
         u.first_name || ' ' || u.last_name AS person, c.role, f.handled_at \
         FROM assistant_flags f JOIN assistant_conversations c ON c.id = f.conversation_id \
         JOIN users u ON u.id = c.user_id ORDER BY f.handled_at IS NOT NULL, f.raised_at DESC LIMIT 200",
    )
    .fetch_all(db)
    .await
}

pub async fn handle_flag<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    by: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE assistant_flags SET handled_by = $2, handled_at = $3 WHERE id = $1 AND handled_at IS NULL",
    )
    .bind(id)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

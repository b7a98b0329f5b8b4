//! SQL of notifications: the notifications themselves, each person's choices (kinds ×
//! channels, quiet hours), their push devices, and the e-mail and push outboxes.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Note;
use crate::db::{Db, Pool};

/// A person's quiet hours, as (start, end) minutes after midnight.
pub async fn quiet_hours(db: &Pool, user: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT CAST(start_minute AS BIGINT), CAST(end_minute AS BIGINT) FROM quiet_hours WHERE user_id = $1",
    )
    .bind(user)
    .fetch_optional(db)
    .await
}

/// A user's choices for one kind of news, as (channel, enabled).
pub async fn kind_prefs<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    kind: &str,
) -> Result<Vec<(String, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT channel, enabled FROM notification_prefs WHERE user_id = $1 AND kind = $2",
    )
    .bind(user)
    .bind(kind)
    .fetch_all(db)
    .await
}

/// Every choice of a user, as (kind, channel, enabled).
pub async fn prefs(db: &Pool, user: i64) -> Result<Vec<(String, String, bool)>, sqlx::Error> {
    sqlx::query_as("SELECT kind, channel, enabled FROM notification_prefs WHERE user_id = $1")
        .bind(user)
        .fetch_all(db)
        .await
}

pub async fn set_pref<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    kind: &str,
    channel: &str,
    on: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_prefs (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, kind, channel) DO UPDATE SET enabled = excluded.enabled",
    )
    .bind(user)
    .bind(kind)
    .bind(channel)
    .bind(on)
    .execute(db)
    .await?;
    Ok(())
}

/// Replaces a user's quiet hours, (start, end) in minutes; `None` removes them.
pub async fn set_quiet_hours(
    conn: &mut <Db as sqlx::Database>::Connection,
    user: i64,
    quiet: Option<(i64, i64)>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM quiet_hours WHERE user_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    if let Some((start, end)) = quiet {
        sqlx::query(
            "INSERT INTO quiet_hours (user_id, start_minute, end_minute) VALUES ($1, $2, $3)",
        )
        .bind(user)
        .bind(start)
        .bind(end)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Writes a notification of `event_id`, unless that one was written already.
pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    n: &Note,
    event_id: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, text_key, args, link, event_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(n.user_id)
    .bind(n.kind)
    .bind(n.key)
    .bind(n.args.to_string())
    .bind(&n.link)
    .bind(event_id)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Writes a notification that no school event carries (the school's own news to its
/// director: the SMS budget spent).
pub async fn insert_direct<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    n: &Note,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, text_key, args, link, event_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6)",
    )
    .bind(n.user_id)
    .bind(n.kind)
    .bind(n.key)
    .bind(n.args.to_string())
    .bind(&n.link)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unread(db: &Pool, user: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user)
            .fetch_one(db)
            .await?;
    Ok(n)
}

/// A notification as listed.
#[derive(Clone, Debug, FromRow)]
pub struct Row {
    pub id: i64,
    pub kind: String,
    pub text_key: String,
    /// The text's arguments, as JSON.
    pub args: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A user's latest 100 notifications, newest first.
pub async fn latest(db: &Pool, user: i64) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, text_key, args, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT 100",
    )
    .bind(user)
    .fetch_all(db)
    .await
}

/// Where a notification of `user` leads (`None` if it is not theirs).
pub async fn link(db: &Pool, id: i64, user: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT link FROM notifications WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0))
}

pub async fn mark_read(db: &Pool, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn mark_all_read(db: &Pool, user: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now)
        .bind(user)
        .execute(db)
        .await?;
    Ok(())
}

/// The members of a challenge and whether they won (`None`: not decided). The table is
/// gamification's; the read stays here until gamification answers for its own audience.
pub async fn challenge_members<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    challenge_id: i64,
) -> Result<Vec<(i64, Option<bool>)>, sqlx::Error> {
    sqlx::query_as("SELECT student_id, won FROM challenge_members WHERE challenge_id = $1")
        .bind(challenge_id)
        .fetch_all(db)
        .await
}

// ---------------------------------------------------------------- outboxes

/// Claims a due row of `table` until `until`; false if another sender has it or it went.
pub async fn claim(
    db: &Pool,
    table: &'static str,
    id: i64,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let sql = crate::sql!(
        "UPDATE {} SET next_try_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_try_at <= $3",
        table
    );
    let n = sqlx::query(sql)
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(db)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub async fn sent(
    db: &Pool,
    table: &'static str,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sql = crate::sql!(
        "UPDATE {} SET sent_at = $1, attempts = attempts + 1 WHERE id = $2",
        table
    );
    sqlx::query(sql).bind(now).bind(id).execute(db).await?;
    Ok(())
}

/// Puts a row of `table` off until `next`, with its attempts and (if any) the last error.
pub async fn postpone(
    db: &Pool,
    table: &'static str,
    id: i64,
    attempts: i64,
    next: DateTime<Utc>,
    error: Option<String>,
) -> Result<(), sqlx::Error> {
    let sql = crate::sql!(
        "UPDATE {} SET attempts = $1, next_try_at = $2, last_error = COALESCE($3, last_error) WHERE id = $4",
        table
    );
    sqlx::query(sql)
        .bind(attempts)
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// An e-mail of the outbox.
pub struct NewEmail<'a> {
    pub user_id: i64,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn queue_email<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    m: &NewEmail<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_outbox (user_id, to_addr, subject, body, created_at, next_try_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(m.user_id)
    .bind(m.to)
    .bind(m.subject)
    .bind(m.body)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// An e-mail due for sending.
#[derive(FromRow)]
pub struct PendingEmail {
    pub id: i64,
    pub user_id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// The e-mails due at `now`, oldest first.
pub async fn due_emails(
    db: &Pool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PendingEmail>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, to_addr, subject, body, CAST(attempts AS BIGINT) AS attempts FROM email_outbox \
         WHERE sent_at IS NULL AND next_try_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------- push devices and pushes

/// A browser's push subscription, checked.
pub struct NewDevice<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub user_agent: &'a str,
}

/// Keeps a device for `user` (taking it over from whoever had it), keeping their latest
/// `max` devices; returns its id.
pub async fn subscribe(
    conn: &mut <Db as sqlx::Database>::Connection,
    user: i64,
    device: &NewDevice<'_>,
    max: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    // A browser that changes hands does not deliver what was meant for the previous person.
    sqlx::query(
        "DELETE FROM push_outbox WHERE sent_at IS NULL AND subscription_id IN \
         (SELECT id FROM push_subscriptions WHERE endpoint = $1 AND user_id <> $2)",
    )
    .bind(device.endpoint)
    .bind(user)
    .execute(&mut *conn)
    .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, user_agent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, \
         p256dh = excluded.p256dh, auth = excluded.auth, user_agent = excluded.user_agent RETURNING id",
    )
    .bind(user)
    .bind(device.endpoint)
    .bind(device.p256dh)
    .bind(device.auth)
    .bind(device.user_agent)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(user)
    .bind(max)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Forgets one of `user`'s devices (by id or by endpoint); returns how many went.
pub async fn unsubscribe(
    db: &Pool,
    user: i64,
    id: Option<i64>,
    endpoint: Option<&str>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND (id = $2 OR endpoint = $3)",
    )
    .bind(user)
    .bind(id.unwrap_or(-1))
    .bind(endpoint.unwrap_or(""))
    .execute(db)
    .await?
    .rows_affected())
}

pub async fn forget_devices(db: &Pool, user: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM push_subscriptions WHERE user_id = $1")
        .bind(user)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets a device the push service says is gone.
pub async fn forget_device(db: &Pool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn devices(db: &Pool, user: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1")
        .bind(user)
        .fetch_one(db)
        .await?;
    Ok(n)
}

/// The devices of an active user, with the user's language: (device id, locale).
pub async fn devices_of<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, u.locale FROM push_subscriptions p JOIN users u ON u.id = p.user_id \
         WHERE p.user_id = $1 AND u.active = TRUE",
    )
    .bind(user)
    .fetch_all(db)
    .await
}

/// A push of the outbox.
pub struct NewPush<'a> {
    pub subscription_id: i64,
    pub user_id: i64,
    /// The JSON the service worker shows.
    pub payload: &'a str,
    /// The `Urgency` header: high or normal.
    pub urgency: &'a str,
}

pub async fn queue_push<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    p: &NewPush<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO push_outbox (subscription_id, user_id, payload, urgency, created_at, next_try_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(p.subscription_id)
    .bind(p.user_id)
    .bind(p.payload)
    .bind(p.urgency)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A push due for sending, with its device.
#[derive(FromRow)]
pub struct PendingPush {
    pub id: i64,
    pub subscription_id: i64,
    pub user_id: i64,
    pub payload: String,
    pub urgency: String,
    pub attempts: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// The pushes due at `now` to devices still their reader's, oldest first.
pub async fn due_pushes(
    db: &Pool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PendingPush>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.subscription_id, o.user_id, o.payload, o.urgency, CAST(o.attempts AS BIGINT) AS attempts, \
         s.endpoint, s.p256dh, s.auth FROM push_outbox o \
         JOIN push_subscriptions s ON s.id = o.subscription_id AND s.user_id = o.user_id \
         WHERE o.sent_at IS NULL AND o.next_try_at <= $1 ORDER BY o.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Records that a device took a push.
pub async fn device_ok(db: &Pool, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE push_subscriptions SET last_ok_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

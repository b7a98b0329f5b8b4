//! School events: an outbox. Whatever happens in the school is written as an event row in
//! the same transaction as the change itself; dispatchers then hand new events, in order,
//! to subscribers (notifications, gamification, analytics, the real-time hub).
//!
//! Delivery is exactly once per subscriber for effects written through the transaction the
//! subscriber is given: the delivery row and the effect commit together, or neither does.
//! Rows are claimed by id, not by a single cursor, because on PostgreSQL a transaction that
//! took a lower id can commit after a higher one: a cursor would skip it for ever.
//!
//! Events are typed ([`SchoolEvent`]). A row this program cannot read (a kind written by a
//! newer node during an upgrade) is logged and left in place, undelivered, for a node that
//! knows it; the events after it still go through.

mod kinds;
pub mod repo;

use std::collections::HashSet;
use std::sync::Mutex;

use crate::db::{Db, Pool, Tx};
use chrono::{DateTime, Utc};
pub use kinds::*;
use repo::Row;

/// An event as a subscriber receives it.
#[derive(Clone, Debug)]
pub struct Event {
    /// Increasing id.
    pub id: i64,
    pub what: SchoolEvent,
    /// Who did it, if a person did.
    pub actor_user_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
}

/// Writes an event inside the caller's transaction.
pub async fn publish<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    what: &SchoolEvent,
    actor: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (kind, payload) = what.to_row().map_err(|e| sqlx::Error::Encode(e.into()))?;
    repo::insert(db, &kind, &payload, actor, at).await
}

/// One event, read back (a dry run replays it); `None` when it is gone or unreadable.
pub async fn read(db: &Pool, id: i64) -> Result<Option<Event>, sqlx::Error> {
    Ok(repo::row(db, id).await?.and_then(|r| {
        SchoolEvent::from_row(&r.kind, &r.payload)
            .ok()
            .map(|what| Event {
                id: r.id,
                what,
                actor_user_id: r.actor_user_id,
                occurred_at: r.occurred_at,
            })
    }))
}

/// The latest events of a kind: (id, when).
pub async fn recent_of_kind(
    db: &Pool,
    kind: &str,
    limit: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    repo::recent_of_kind(db, kind, limit).await
}

/// Says once per process that a row cannot be read, however often it is met again.
fn unreadable(subscriber: &'static str, row: &Row, e: &serde_json::Error) {
    static SEEN: Mutex<Option<HashSet<(&'static str, i64)>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    if seen
        .get_or_insert_with(HashSet::new)
        .insert((subscriber, row.id))
    {
        tracing::warn!(
            subscriber,
            event = row.id,
            kind = %row.kind,
            error = %e,
            "school event not understood by this version: left for a node that knows it"
        );
    }
}

/// Something that reacts to school events.
#[async_trait::async_trait]
pub trait Subscriber: Send + Sync {
    /// A stable name: the key of what this subscriber has handled.
    fn name(&self) -> &'static str;

    /// Handles one event. Effects written through `tx` commit with the delivery record.
    async fn handle(&self, tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<()>;
}

/// Hands the subscriber up to `batch` events it has not handled yet, oldest first, with their
/// delivery records. Events go in groups of up to `PER_TRANSACTION` in one transaction (a
/// commit per event would bound a busy school's throughput); a group that fails is rolled
/// back and handed again one event per transaction, so that the failing event stops the
/// batch (order matters) and is retried on the next run, and those before it are done.
/// Returns how many were handled.
pub async fn dispatch(
    db: &Pool,
    sub: &dyn Subscriber,
    batch: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let name = sub.name();
    let watermark = watermark(db, name).await?;
    let pending = repo::pending(db, watermark, name, batch).await?;
    let events: Vec<Event> = pending
        .iter()
        .filter_map(|row| match SchoolEvent::from_row(&row.kind, &row.payload) {
            Ok(what) => Some(Event {
                id: row.id,
                what,
                actor_user_id: row.actor_user_id,
                occurred_at: row.occurred_at,
            }),
            Err(e) => {
                unreadable(name, row, &e);
                None
            }
        })
        .collect();
    let mut handled = 0;
    'groups: for group in events.chunks(PER_TRANSACTION) {
        let mut tx = crate::db::begin_write(db).await?;
        let mut done = 0;
        let mut failed = None;
        for (i, event) in group.iter().enumerate() {
            // Claim first: a second dispatcher (another node) racing for the same event
            // fails on the primary key here and leaves it to the first.
            if !repo::claim(&mut tx, name, event.id, now).await? {
                continue;
            }
            if let Err(e) = sub.handle(&mut tx, event).await {
                tracing::warn!(subscriber = name, event = event.id, error = ?e, "event handling failed; will retry");
                failed = Some(i);
                break;
            }
            done += 1;
        }
        let Some(failed) = failed else {
            tx.commit().await?;
            handled += done;
            continue;
        };
        tx.rollback().await?;
        // Those before the failing one, each on its own; the failing one waits for the
        // next run.
        for event in &group[..failed] {
            let mut tx = crate::db::begin_write(db).await?;
            if !repo::claim(&mut tx, name, event.id, now).await? {
                continue;
            }
            if let Err(e) = sub.handle(&mut tx, event).await {
                tracing::warn!(subscriber = name, event = event.id, error = ?e, "event handling failed; will retry");
                tx.rollback().await?;
                break 'groups;
            }
            tx.commit().await?;
            handled += 1;
        }
        break;
    }
    advance_watermark(db, name, now).await?;
    Ok(handled)
}

/// The most events handled in one transaction.
const PER_TRANSACTION: usize = 50;

/// Starts a subscriber at the present the first time it runs: what happened before it
/// existed is not its business (a notifier does not announce last year's marks). Once it
/// has a cursor, this does nothing, and events from while it was stopped are all handed to it.
pub async fn subscribe_from_now(db: &Pool, name: &str) -> Result<(), sqlx::Error> {
    repo::start_cursor(db, name).await
}

async fn watermark(db: &Pool, name: &str) -> Result<i64, sqlx::Error> {
    repo::watermark(db, name).await
}

/// Moves the watermark past events that are delivered and old enough that no transaction
/// still in flight can hold a lower id, and forgets their delivery rows.
async fn advance_watermark(db: &Pool, name: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let settled = now - chrono::Duration::minutes(5);
    let current = watermark(db, name).await?;
    // The first event after the watermark that is not delivered, or too young to be sure.
    let new_mark = match repo::first_unsettled(db, current, settled, name).await? {
        Some(id) => id - 1,
        None => repo::last_id(db).await?.unwrap_or(current),
    };
    if new_mark <= current {
        return Ok(());
    }
    let mut tx = crate::db::begin_write(db).await?;
    repo::move_cursor(&mut tx, name, new_mark).await?;
    tx.commit().await
}

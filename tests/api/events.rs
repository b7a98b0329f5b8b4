//! The school events outbox: nothing written is lost, nothing is handled twice, across
//! failures (a crash mid-dispatch rolls the delivery back) and concurrent dispatchers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use suku::db::Tx;
use suku::events::{self, Event, Subscriber};

use crate::helpers::fresh_db;

/// Records each event it handles in a table whose primary key refuses a second delivery;
/// fails once on the event whose id is `fail_on` (a crash in the middle of a batch).
struct Recorder {
    fail_on: Option<i64>,
    failed: AtomicUsize,
}

#[async_trait::async_trait]
impl Subscriber for Recorder {
    fn name(&self) -> &'static str {
        "test.recorder"
    }

    async fn handle(&self, tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<()> {
        sqlx::query("INSERT INTO test_effects (event_id) VALUES ($1)")
            .bind(event.id)
            .execute(&mut **tx)
            .await?;
        if Some(event.id) == self.fail_on && self.failed.fetch_add(1, Ordering::SeqCst) == 0 {
            anyhow::bail!("simulated crash after writing the effect");
        }
        Ok(())
    }
}

/// An event of any kind: the outbox does not look inside.
fn sample() -> events::SchoolEvent {
    events::SchoolEvent::BulletinPublished(events::BulletinPublished { period_id: 1 })
}

async fn effects(pool: &suku::db::Pool) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT event_id FROM test_effects ORDER BY event_id")
        .fetch_all(pool)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

#[tokio::test]
async fn events_are_handled_once_in_order_across_a_crash() {
    let db = fresh_db().await;
    let pool = &db.pool;
    sqlx::query("CREATE TABLE test_effects (event_id BIGINT PRIMARY KEY)")
        .execute(pool)
        .await
        .unwrap();
    // Three events committed with their change; one written in a transaction that never
    // commits (the process died before): it must never be seen.
    let mut ids = Vec::new();
    for _ in 0..3 {
        let mut tx = suku::db::begin_write(pool).await.unwrap();
        ids.push(
            events::publish(&mut *tx, &sample(), Some(1), crate::helpers::now())
                .await
                .unwrap(),
        );
        tx.commit().await.unwrap();
    }
    {
        let mut tx = suku::db::begin_write(pool).await.unwrap();
        events::publish(&mut *tx, &sample(), None, crate::helpers::now())
            .await
            .unwrap();
        tx.rollback().await.unwrap();
    }
    let sub = Recorder {
        fail_on: Some(ids[1]),
        failed: AtomicUsize::new(0),
    };
    // First run: the first event goes through, the second "crashes": its effect and its
    // delivery roll back together, and the third waits (order is kept).
    assert_eq!(
        events::dispatch(pool, &sub, 100, crate::helpers::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(effects(pool).await, vec![ids[0]]);
    // After the restart, the rest is handled, once.
    assert_eq!(
        events::dispatch(pool, &sub, 100, crate::helpers::now())
            .await
            .unwrap(),
        2
    );
    assert_eq!(effects(pool).await, ids);
    // Nothing more to do, however often it runs.
    assert_eq!(
        events::dispatch(pool, &sub, 100, crate::helpers::now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(effects(pool).await, ids);
    // A new event is picked up next time.
    let later = events::publish(pool, &sample(), None, crate::helpers::now())
        .await
        .unwrap();
    assert_eq!(
        events::dispatch(pool, &sub, 100, crate::helpers::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(effects(pool).await.last(), Some(&later));
}

#[tokio::test]
async fn concurrent_dispatchers_never_handle_an_event_twice() {
    let db = fresh_db().await;
    let pool = db.pool.clone();
    sqlx::query("CREATE TABLE test_effects (event_id BIGINT PRIMARY KEY)")
        .execute(&pool)
        .await
        .unwrap();
    for _ in 0..40 {
        events::publish(&pool, &sample(), None, crate::helpers::now())
            .await
            .unwrap();
    }
    let sub = Arc::new(Recorder {
        fail_on: None,
        failed: AtomicUsize::new(0),
    });
    let mut handles = Vec::new();
    for _ in 0..3 {
        let (pool, sub) = (pool.clone(), sub.clone());
        handles.push(tokio::spawn(async move {
            let mut total = 0;
            loop {
                let n = events::dispatch(&pool, sub.as_ref(), 7, crate::helpers::now())
                    .await
                    .unwrap();
                if n == 0 {
                    break total;
                }
                total += n;
            }
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await.unwrap();
    }
    assert_eq!(total, 40, "every event handled exactly once in all");
    assert_eq!(effects(&pool).await.len(), 40);
}

#[tokio::test]
async fn a_new_subscriber_starts_at_the_present_then_misses_nothing() {
    let db = fresh_db().await;
    let pool = &db.pool;
    sqlx::query("CREATE TABLE test_effects (event_id BIGINT PRIMARY KEY)")
        .execute(pool)
        .await
        .unwrap();
    let old = events::publish(pool, &sample(), None, crate::helpers::now())
        .await
        .unwrap();
    let sub = Recorder {
        fail_on: None,
        failed: AtomicUsize::new(0),
    };
    events::subscribe_from_now(pool, sub.name()).await.unwrap();
    let new = events::publish(pool, &sample(), None, crate::helpers::now())
        .await
        .unwrap();
    // Starting again (a restart) does not move the cursor past what is pending.
    events::subscribe_from_now(pool, sub.name()).await.unwrap();
    let later = events::publish(pool, &sample(), None, crate::helpers::now())
        .await
        .unwrap();
    assert_eq!(
        events::dispatch(pool, &sub, 10, crate::helpers::now())
            .await
            .unwrap(),
        2
    );
    let got = effects(pool).await;
    assert_eq!(got, vec![new, later]);
    assert!(!got.contains(&old));
}

/// A row this version cannot read (a kind a newer node wrote during an upgrade, or a
/// payload that does not fit its kind) is not handed to the subscriber, not delivered and
/// not deleted: it waits for a node that knows it, and the events after it go through.
#[tokio::test]
async fn an_event_this_version_cannot_read_is_kept_not_dropped() {
    let db = fresh_db().await;
    let pool = &db.pool;
    sqlx::query("CREATE TABLE test_effects (event_id BIGINT PRIMARY KEY)")
        .execute(pool)
        .await
        .unwrap();
    let before = events::publish(pool, &sample(), None, crate::helpers::now())
        .await
        .unwrap();
    let mut unknown = Vec::new();
    for (kind, payload) in [
        ("timetable.published", "{}"),
        ("absence.recorded", r#"{"kind":"late"}"#),
    ] {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO school_events (kind, payload, occurred_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(kind)
        .bind(payload)
        .bind(crate::helpers::now())
        .fetch_one(pool)
        .await
        .unwrap();
        unknown.push(id);
    }
    let after = events::publish(pool, &sample(), None, crate::helpers::now())
        .await
        .unwrap();
    let sub = Recorder {
        fail_on: None,
        failed: AtomicUsize::new(0),
    };
    for _ in 0..2 {
        events::dispatch(pool, &sub, 10, crate::helpers::now())
            .await
            .unwrap();
    }
    assert_eq!(effects(pool).await, vec![before, after]);
    for id in unknown {
        assert_eq!(
            crate::helpers::scalar(
                pool,
                "SELECT COUNT(*) FROM event_deliveries WHERE event_id = $1",
                Some(id)
            )
            .await,
            0,
            "not delivered"
        );
        assert_eq!(
            crate::helpers::scalar(
                pool,
                "SELECT COUNT(*) FROM school_events WHERE id = $1",
                Some(id)
            )
            .await,
            1,
            "kept"
        );
    }
}

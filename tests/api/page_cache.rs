//! Pages and sessions kept in memory follow every change of the data under them, by
//! whatever path it comes.

use axum::http::StatusCode;
use suku::db::changes;

use crate::helpers::{TestApp, fresh_db, scalar};

/// Past the moment after a commit during which nothing is kept.
async fn settle() {
    tokio::time::sleep(changes::GRACE + std::time::Duration::from_millis(150)).await;
}

/// Renames a student through a connection of its own, which this process's hooks do not
/// see, as another program would (SQLite only).
#[cfg(not(feature = "postgres"))]
async fn rename_unseen(app: &TestApp, id: i64, name: &str) {
    use sqlx::Connection;
    let mut other = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
    sqlx::query("UPDATE students SET first_name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(&mut other)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_family_page_follows_every_change() {
    let app = TestApp::new().await;
    let f = &app.f;
    let mut p = app.login_as("parent_1").await;
    let url = format!("/parent/enfants/{}", f.s2);
    assert!(p.get(&url).await.body.contains("Sena Agbodjan"));
    settle().await;
    assert!(p.get(&url).await.body.contains("Sena Agbodjan"));
    // On SQLite the page is really kept: a write nothing here saw does not show.
    #[cfg(not(feature = "postgres"))]
    {
        rename_unseen(&app, f.s2, "Sénamé").await;
        assert!(p.get(&url).await.body.contains("Sena Agbodjan"));
    }
    // Whatever writes through the school's connections shows on the next page.
    sqlx::query("UPDATE students SET first_name = 'Senam' WHERE id = $1")
        .bind(f.s2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert!(p.get(&url).await.body.contains("Senam Agbodjan"));
    // A statement read with `fetch_one` commits as it is reset, before SQLite's WAL hook
    // can run: the commit hook still stops the kept page.
    settle().await;
    assert!(p.get(&url).await.body.contains("Senam Agbodjan"));
    let id: i64 =
        sqlx::query_scalar("UPDATE students SET first_name = 'Kossiwa' WHERE id = $1 RETURNING id")
            .bind(f.s2)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(id, f.s2);
    assert!(p.get(&url).await.body.contains("Kossiwa Agbodjan"));
    settle().await;
    assert!(p.get(&url).await.body.contains("Kossiwa Agbodjan"));

    // The language is the reader's, kept apart.
    let r = p.post("/langue", &[("lang", "en")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(p.get(&url).await.body.contains("lang=\"en\""));
    let r = p.post("/langue", &[("lang", "fr")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(p.get(&url).await.body.contains("lang=\"fr\""));

    // A child no longer linked is refused at once, though the page was kept.
    settle().await;
    assert_eq!(p.get(&url).await.status, StatusCode::OK);
    sqlx::query("DELETE FROM student_guardians WHERE student_id = $1 AND user_id = $2")
        .bind(f.s2)
        .bind(f.parent_1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(p.get(&url).await.status, StatusCode::FORBIDDEN);
}

/// A change made by another program shows once the watcher notices it (about a second).
#[cfg(not(feature = "postgres"))]
#[tokio::test]
async fn a_change_by_another_program_shows_within_seconds() {
    let app = TestApp::new().await;
    let f = &app.f;
    let mut p = app.login_as("parent_1").await;
    let url = format!("/parent/enfants/{}", f.s2);
    assert!(p.get(&url).await.body.contains("Sena Agbodjan"));
    settle().await;
    assert!(p.get(&url).await.body.contains("Sena Agbodjan"));
    let watcher = tokio::spawn(changes::watch_other_processes(app.db.url.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    rename_unseen(&app, f.s2, "Sénamé").await;
    assert!(p.get(&url).await.body.contains("Sena Agbodjan"), "kept");
    let mut seen = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if p.get(&url).await.body.contains("Sénamé Agbodjan") {
            seen = true;
            break;
        }
    }
    watcher.abort();
    assert!(seen, "the watcher never saw the other program's write");
}

#[tokio::test]
async fn a_session_ended_by_any_path_is_not_served_from_memory() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    let url = format!("/parent/enfants/{}", app.f.s2);
    assert_eq!(p.get(&url).await.status, StatusCode::OK);
    settle().await;
    assert_eq!(p.get(&url).await.status, StatusCode::OK);
    // As a deactivation does: the rows go by a plain statement, not through the store.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(app.f.parent_1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = p.get(&url).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/connexion"), "{}", r.location());
}

/// A request that read the session a moment before it was ended (by a reset in another
/// program) and then writes it does not bring it back.
#[tokio::test]
async fn an_ended_session_is_not_written_back() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    settle().await;
    assert_eq!(p.get("/parent").await.status, StatusCode::OK);
    #[cfg(not(feature = "postgres"))]
    {
        use sqlx::Connection;
        let mut other = sqlx::SqliteConnection::connect(&app.db.url).await.unwrap();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(app.f.parent_1)
            .execute(&mut other)
            .await
            .unwrap();
    }
    #[cfg(feature = "postgres")]
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(app.f.parent_1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    // A session write from the page the person still has open.
    p.post("/langue", &[("lang", "en")]).await;
    let left = scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        Some(app.f.parent_1),
    )
    .await;
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_stamp_moves_with_commits() {
    let db = fresh_db().await;
    settle().await;
    let before = changes::data(&db.pool).await.unwrap();
    assert!(before.is_some());
    sqlx::query("INSERT INTO sessions (id, data, expiry_date) VALUES ('s1', $1, 4102444800)")
        .bind(b"{}".to_vec())
        .execute(&db.pool)
        .await
        .unwrap();
    #[cfg(not(feature = "postgres"))]
    {
        // A session alone is not the school's data: pages stay; sessions settle first.
        assert_eq!(changes::data(&db.pool).await.unwrap(), before);
        assert_eq!(changes::every(&db.pool), None);
        settle().await;
        let every = changes::every(&db.pool).unwrap();
        // A write that matches no row (a job queue polled empty) moves nothing.
        sqlx::query("UPDATE settings SET value = 'x' WHERE key = 'nothing-here'")
            .execute(&db.pool)
            .await
            .unwrap();
        assert_eq!(changes::data(&db.pool).await.unwrap(), before);
        assert_eq!(changes::every(&db.pool), Some(every));
        // A rolled back change moves nothing.
        let mut tx = suku::db::begin_write(&db.pool).await.unwrap();
        sqlx::query("INSERT INTO settings (key, value) VALUES ('r', '1')")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(changes::data(&db.pool).await.unwrap(), before);
        assert_eq!(changes::every(&db.pool), Some(every));
        // Sessions and anything else together: nothing is given while the commit
        // settles, then a new stamp.
        let mut tx = suku::db::begin_write(&db.pool).await.unwrap();
        sqlx::query("UPDATE sessions SET expiry_date = expiry_date + 1")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO settings (key, value) VALUES ('t', '1')")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(changes::data(&db.pool).await.unwrap(), None);
        settle().await;
        assert!(changes::every(&db.pool).unwrap() > every);
    }
    assert_ne!(changes::data(&db.pool).await.unwrap(), before);
}

/// The log of a SQLite file is checkpointed off the commits, by the watcher's connection:
/// past 1000 pages it is copied into the file, and the next write starts the log again
/// from the top, under a new sequence number in its header.
#[cfg(not(feature = "postgres"))]
#[tokio::test]
async fn the_watcher_checkpoints_the_log() {
    let app = TestApp::new().await;
    let wal = format!(
        "{}-wal",
        app.db.pool.connect_options().get_filename().display()
    );
    // The checkpoint sequence number, bytes 12 to 16 of the log's header.
    let sequence = || {
        let bytes = std::fs::read(&wal).unwrap();
        u32::from_be_bytes(bytes[12..16].try_into().unwrap())
    };
    let watcher = tokio::spawn(changes::watch_other_processes(app.db.url.clone()));
    // Let the watcher connect before the long write.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query("CREATE TABLE bulk (data BLOB)")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let before = sequence();
    // About 1,300 pages of 4 KiB in one commit.
    sqlx::query("INSERT INTO bulk (data) VALUES (zeroblob(5300000))")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut after = before;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        sqlx::query("UPDATE bulk SET data = zeroblob(10)")
            .execute(&app.db.pool)
            .await
            .unwrap();
        after = sequence();
        if after != before {
            break;
        }
    }
    assert_ne!(after, before, "the log was never checkpointed");
    watcher.abort();
}

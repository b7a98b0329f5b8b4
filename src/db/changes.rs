//! Whether the database changed: the stamp that copies kept in memory (sessions, pages)
//! carry, and compare before they are served again.
//!
//! - **SQLite.** Each database file has two counters in this process: one for commits of
//!   any table, one for commits that changed something besides the `sessions` table (the
//!   update hook tells which tables a transaction touched).
//!   - SQLite's commit hook runs as a transaction that changed rows starts to commit: it
//!     moves the counters, and for a [`GRACE`] after it no stamp is given, so nothing is
//!     kept or served while the commit becomes visible (a commit writes the log without
//!     waiting for the disk, well within that time).
//!   - SQLite's WAL hook runs after the commit is visible, when the statement ran to its
//!     end, and moves the counters again: a commit that would take longer than the grace
//!     still drops what was made meanwhile (a commit made while a statement is reset early,
//!     an `INSERT … RETURNING` read with `fetch_one`, calls this hook only later: the commit
//!     hook and the grace cover it).
//!   - A copy is stamped with the counter read *before* it is made: it can only be older
//!     than its stamp, never newer, and an older stamp is never served.
//!   - A commit by another process on the same file (the `suku user` commands) is seen
//!     within a second through `PRAGMA data_version` ([`watch_other_processes`]); when
//!     this process also wrote in that second, only sessions are dropped, and kept pages
//!     may show the other program's change up to their 30 s limit.
//!   - A database not in WAL mode (an in-memory one) has no stamp: nothing is kept.
//! - **PostgreSQL.** The stamp is the server's current snapshot (`pg_current_snapshot()`):
//!   two equal snapshots mean that no transaction committed in between, on any node.
//!   Sessions are not kept in memory there.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::db::Pool;

/// After a commit starts, how long nothing is kept or served from memory.
pub const GRACE: Duration = Duration::from_secs(1);

/// What this process saw change in one database file.
#[derive(Debug, Default)]
#[cfg_attr(feature = "postgres", allow(dead_code))]
struct Counters {
    /// Commits, of any table.
    every: AtomicU64,
    /// Commits that changed something besides sessions.
    data: AtomicU64,
    /// When (milliseconds from [`clock`]) the last commit that changed rows started.
    every_at: AtomicU64,
    /// When the last commit that changed more than sessions started.
    data_at: AtomicU64,
    /// A connection is not in WAL mode: its commits move nothing, so nothing may be kept.
    blind: AtomicBool,
    /// The watcher of the file ([`watch_other_processes`]) is running and checkpoints the
    /// log when told to, on a connection of its own.
    checkpointer: AtomicBool,
    /// Tells the watcher the log is long enough to be checkpointed.
    checkpoint_due: tokio::sync::Notify,
}

/// Milliseconds since the first call, plus the grace (so that nothing counts as recent at
/// the start).
#[cfg_attr(feature = "postgres", allow(dead_code))]
fn clock() -> u64 {
    static START: std::sync::LazyLock<std::time::Instant> =
        std::sync::LazyLock::new(std::time::Instant::now);
    START.elapsed().as_millis() as u64 + GRACE.as_millis() as u64
}

#[cfg_attr(feature = "postgres", allow(dead_code))]
impl Counters {
    /// A change this process did not see committed (another process's): both counters.
    fn moved(&self) {
        self.every.fetch_add(1, Ordering::AcqRel);
        self.data.fetch_add(1, Ordering::AcqRel);
    }

    /// A commit that changed rows is starting.
    fn starting(&self, sessions_only: bool) {
        let now = clock();
        self.every_at.store(now, Ordering::Release);
        self.every.fetch_add(1, Ordering::AcqRel);
        if !sessions_only {
            self.data_at.store(now, Ordering::Release);
            self.data.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// A commit is visible.
    fn committed(&self, sessions_only: bool) {
        self.every.fetch_add(1, Ordering::AcqRel);
        if !sessions_only {
            self.data.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// The counter `n` when no commit started within the grace and changes can be told.
    fn settled(&self, n: &AtomicU64, at: &AtomicU64) -> Option<u64> {
        if self.blind.load(Ordering::Acquire) {
            return None;
        }
        // The counter first: a commit starting after this read moves it past the stamp.
        let v = n.load(Ordering::Acquire);
        let recent = clock().saturating_sub(at.load(Ordering::Acquire)) < GRACE.as_millis() as u64;
        (!recent).then_some(v)
    }
}

/// A moment of the school's data, as this process can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// The counter of data commits (SQLite).
    Counter(u64),
    /// The server's snapshot (PostgreSQL).
    Snapshot(String),
}

/// The stamp of the school's data now (every table but sessions), or `None` when changes
/// cannot be told and nothing should be kept or served.
pub async fn data(db: &Pool) -> Result<Option<Stamp>, sqlx::Error> {
    #[cfg(not(feature = "postgres"))]
    {
        let c = sqlite::counters_of(db);
        Ok(c.settled(&c.data, &c.data_at).map(Stamp::Counter))
    }
    #[cfg(feature = "postgres")]
    {
        let s: String = sqlx::query_scalar("SELECT pg_current_snapshot()::text")
            .fetch_one(db)
            .await?;
        Ok(Some(Stamp::Snapshot(s)))
    }
}

/// The counter of every commit of this process on `db` (SQLite), for copies of sessions;
/// `None` on PostgreSQL, when changes cannot be told, or while a commit settles.
pub fn every(db: &Pool) -> Option<u64> {
    #[cfg(not(feature = "postgres"))]
    {
        let c = sqlite::counters_of(db);
        c.settled(&c.every, &c.every_at)
    }
    #[cfg(feature = "postgres")]
    {
        let _ = db;
        None
    }
}

/// For copies of small shared things (the school's settings, the periods): `Some(Some(n))`,
/// the settled data counter, on SQLite; `Some(None)` on PostgreSQL, where such copies live
/// their own few seconds; `None` while a commit settles, when no copy may be kept.
pub fn copies(db: &Pool) -> Option<Option<u64>> {
    #[cfg(not(feature = "postgres"))]
    {
        let c = sqlite::counters_of(db);
        c.settled(&c.data, &c.data_at).map(Some)
    }
    #[cfg(feature = "postgres")]
    {
        let _ = db;
        Some(None)
    }
}

#[cfg(not(feature = "postgres"))]
mod sqlite {
    use std::cell::Cell;
    use std::collections::HashMap;
    use std::ffi::{c_char, c_int, c_void};
    use std::path::{Path, PathBuf};
    use std::sync::atomic::Ordering;
    use std::sync::{Arc, LazyLock, RwLock};

    use libsqlite3_sys::sqlite3;
    use sqlx::sqlite::SqliteConnection;

    use super::Counters;
    use crate::db::Pool;

    /// The counters of each database file opened, kept for the life of the program (the
    /// WAL hook holds a pointer to them).
    static FILES: LazyLock<RwLock<HashMap<PathBuf, Arc<Counters>>>> =
        LazyLock::new(Default::default);

    pub(super) fn counters(file: &Path) -> Arc<Counters> {
        if let Some(c) = FILES.read().unwrap_or_else(|e| e.into_inner()).get(file) {
            return c.clone();
        }
        FILES
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(file.to_path_buf())
            .or_default()
            .clone()
    }

    pub(super) fn counters_of(db: &Pool) -> Arc<Counters> {
        counters(db.connect_options().get_filename())
    }

    const SESSIONS: u8 = 1;
    const OTHER: u8 = 2;

    thread_local! {
        /// The connection whose transaction was seen changing rows on this thread, and
        /// which tables it changed. A commit of any other connection finds no match here and
        /// counts as a data change: a mix-up can only cost a copy, never keep a stale one.
        static TOUCHED: Cell<(usize, u8)> = const { Cell::new((0, 0)) };
    }

    fn note(conn: usize, what: u8) {
        TOUCHED.with(|t| {
            let (c, seen) = t.get();
            t.set((conn, if c == conn { seen | what } else { what }));
        });
    }

    /// What the transaction of `conn` changed: nothing (a write transaction that matched no
    /// row, like a job queue polled empty), sessions only, or more. Another connection's
    /// changes found on this thread count as more.
    fn touched(conn: usize) -> u8 {
        TOUCHED.with(|t| match t.get() {
            (0, _) => 0,
            (c, seen) if c == conn => seen,
            _ => OTHER,
        })
    }

    /// SQLite calls this after a commit that wrote to the log is visible, when its statement
    /// ran to the end.
    unsafe extern "C" fn committed(
        counters: *mut c_void,
        db: *mut sqlite3,
        name: *const c_char,
        frames: c_int,
    ) -> c_int {
        // SAFETY: the argument is the `Counters` of this connection's file, which `FILES`
        // keeps for the life of the program.
        let c = unsafe { &*(counters as *const Counters) };
        let (conn, seen) = TOUCHED.with(|t| t.replace((0, 0)));
        c.committed(conn == db as usize && seen == SESSIONS);
        // This hook replaces SQLite's own, which checkpointed the log past 1000 pages in the
        // committing connection: the commit then took 3 to 5 ms more (a message to a room
        // reached everyone that much later). The watcher does it on its own connection;
        // without one, or if it falls far behind, it is done here as SQLite does.
        if (1000..10_000).contains(&frames) && c.checkpointer.load(Ordering::Acquire) {
            c.checkpoint_due.notify_one();
        } else if frames >= 1000 {
            // SAFETY: `db` and `name` are the handle and schema name SQLite passed to this
            // hook; SQLite's default hook makes this very call here.
            unsafe {
                libsqlite3_sys::sqlite3_wal_checkpoint(db, name);
            }
        }
        libsqlite3_sys::SQLITE_OK
    }

    /// Hooks a new connection to `file`: which tables its transactions change, and its
    /// commits.
    pub async fn hook(conn: &mut SqliteConnection, file: &Path) -> Result<(), sqlx::Error> {
        let counters = counters(file);
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?;
        if !mode.eq_ignore_ascii_case("wal") {
            counters.blind.store(true, Ordering::Release);
            return Ok(());
        }
        let mut h = conn.lock_handle().await?;
        let raw = h.as_raw_handle().as_ptr();
        let me = raw as usize;
        h.set_update_hook(move |r| {
            note(
                me,
                if r.table == "sessions" {
                    SESSIONS
                } else {
                    OTHER
                },
            )
        });
        let starting = counters.clone();
        h.set_commit_hook(move || {
            match touched(me) {
                0 => {}
                seen => starting.starting(seen == SESSIONS),
            }
            true
        });
        // SAFETY: `raw` is this connection's open handle, held locked; the hook is a plain
        // function and its argument lives as long as the program (see `FILES`).
        unsafe {
            libsqlite3_sys::sqlite3_wal_hook(
                raw,
                Some(committed),
                Arc::as_ptr(&counters) as *mut c_void,
            );
        }
        Ok(())
    }
}

#[cfg(not(feature = "postgres"))]
pub(crate) use sqlite::hook;

/// Sees commits made by other processes on the same SQLite file, at most a second late:
/// `PRAGMA data_version` on a connection of its own changes when anyone else committed.
/// Runs until the program ends; on PostgreSQL it does nothing.
pub async fn watch_other_processes(url: String) {
    #[cfg(not(feature = "postgres"))]
    {
        use sqlx::ConnectOptions;
        use std::str::FromStr;
        let Ok(opts) = sqlx::sqlite::SqliteConnectOptions::from_str(&url) else {
            return;
        };
        let counters = sqlite::counters(opts.get_filename());
        let mut conn = match opts.connect().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch the database for other writers");
                counters.blind.store(true, Ordering::Release);
                return;
            }
        };
        let mut last: Option<(i64, u64)> = None;
        let mut every = tokio::time::interval(Duration::from_secs(1));
        counters.checkpointer.store(true, Ordering::Release);
        /// Stops the commits from asking for checkpoints when the watcher ends.
        struct Stop<'a>(&'a Counters);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.checkpointer.store(false, Ordering::Release);
            }
        }
        let _stop = Stop(&counters);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = counters.checkpoint_due.notified() => {
                    // PASSIVE: copies what it can without waiting for readers or writers.
                    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                        .execute(&mut conn)
                        .await
                    {
                        tracing::warn!(error = %e, "checkpoint of the database log failed");
                    }
                    continue;
                }
            }
            // This process's own commits first: a change of `data_version` with none of
            // them is another process's.
            let ours = counters.every.load(Ordering::Acquire);
            match sqlx::query_scalar::<_, i64>("PRAGMA data_version")
                .fetch_one(&mut conn)
                .await
            {
                Ok(v) => {
                    if let Some((version, seen)) = last
                        && version != v
                    {
                        if seen == ours {
                            counters.moved();
                        } else {
                            counters.every.fetch_add(1, Ordering::AcqRel);
                        }
                    }
                    last = Some((v, counters.every.load(Ordering::Acquire)));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the database for other writers");
                    counters.moved();
                }
            }
        }
    }
    #[cfg(feature = "postgres")]
    {
        let _ = url;
    }
}

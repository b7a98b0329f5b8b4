//! Whether the database changed: the stamp that copies kept in memory (sessions, pages)
//! carry, and compare before they are served again.
//!
//! - **SQLite.** SQLite's WAL hook runs after each commit that wrote to the log, once the
//!   commit is visible and its write lock released. It moves two counters of this process:
//!   one at every commit, one at commits that changed something besides the `sessions`
//!   table, each database file its own (the update hook tells which tables a transaction touched). A copy is stamped
//!   with the counter read *before* it is made, so a commit that lands while it is being
//!   made moves the counter past the copy's stamp: a copy can only be older than its
//!   stamp, never newer, and an older stamp is never served.
//!   A commit by another process on the same file (the `suku user` commands) is seen
//!   within a second through `PRAGMA data_version` ([`watch_other_processes`]).
//!   A database not in WAL mode (an in-memory one) has no stamp: nothing is kept.
//! - **PostgreSQL.** The stamp is the server's current snapshot (`pg_current_snapshot()`):
//!   two equal snapshots mean that no transaction committed in between, on any node.
//!   Sessions are not kept in memory there.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::db::Pool;

/// What this process saw change in one database file.
#[derive(Debug, Default)]
#[cfg_attr(feature = "postgres", allow(dead_code))]
struct Counters {
    /// Commits, of any table.
    every: AtomicU64,
    /// Commits that changed something besides sessions.
    data: AtomicU64,
    /// A connection is not in WAL mode: its commits move nothing, so nothing may be kept.
    blind: AtomicBool,
}

#[cfg_attr(feature = "postgres", allow(dead_code))]
impl Counters {
    fn moved(&self) {
        self.every.fetch_add(1, Ordering::AcqRel);
        self.data.fetch_add(1, Ordering::AcqRel);
    }

    fn seen(&self) -> Option<&Self> {
        (!self.blind.load(Ordering::Acquire)).then_some(self)
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
/// cannot be told and nothing should be kept.
pub async fn data(db: &Pool) -> Result<Option<Stamp>, sqlx::Error> {
    #[cfg(not(feature = "postgres"))]
    {
        Ok(sqlite::counters_of(db)
            .seen()
            .map(|c| Stamp::Counter(c.data.load(Ordering::Acquire))))
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
/// `None` on PostgreSQL or when changes cannot be told.
pub fn every(db: &Pool) -> Option<u64> {
    #[cfg(not(feature = "postgres"))]
    {
        sqlite::counters_of(db)
            .seen()
            .map(|c| c.every.load(Ordering::Acquire))
    }
    #[cfg(feature = "postgres")]
    {
        let _ = db;
        None
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
    /// commit hook holds a pointer to them).
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
        /// The connection whose open transaction was seen changing rows on this thread, and
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

    /// SQLite calls this after each commit that wrote to the log (the commit is visible
    /// and the write lock released).
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
        c.every.fetch_add(1, Ordering::AcqRel);
        if !(conn == db as usize && seen == SESSIONS) {
            c.data.fetch_add(1, Ordering::AcqRel);
        }
        // This hook replaces SQLite's own, which checkpointed the log past 1000 pages.
        if frames >= 1000 {
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
        h.set_rollback_hook(move || {
            TOUCHED.with(|t| {
                if t.get().0 == me {
                    t.set((0, 0));
                }
            })
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
        let mut last: Option<i64> = None;
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            match sqlx::query_scalar::<_, i64>("PRAGMA data_version")
                .fetch_one(&mut conn)
                .await
            {
                Ok(v) => {
                    if last.is_some_and(|l| l != v) {
                        counters.moved();
                    }
                    last = Some(v);
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

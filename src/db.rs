//! The database: one pool type chosen at compile time, portable SQL, paired migrations.
//!
//! SQLite is the embedded default; the `postgres` cargo feature switches the whole program to
//! PostgreSQL. Feature code names only [`Db`] and [`Pool`], never a concrete driver.

#[cfg(not(feature = "postgres"))]
mod busy;
pub mod changes;
pub mod text_enum;

use std::str::FromStr;
use std::time::Duration;

#[cfg(not(feature = "postgres"))]
/// The database driver this build runs on.
pub type Db = sqlx::Sqlite;
#[cfg(feature = "postgres")]
/// The database driver this build runs on.
pub type Db = sqlx::Postgres;

/// A pool of connections to the configured database.
pub type Pool = sqlx::Pool<Db>;
/// A transaction on the configured database.
pub type Tx<'a> = sqlx::Transaction<'a, Db>;

/// Migrations embedded in the binary, from the folder that matches the driver.
#[cfg(not(feature = "postgres"))]
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
/// Migrations embedded in the binary, from the folder that matches the driver.
#[cfg(feature = "postgres")]
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Begins a transaction that reads then writes. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so that it waits for another writer instead of failing when that
/// writer commits between its reads and its first write; PostgreSQL needs nothing special.
pub async fn begin_write(db: &Pool) -> Result<Tx<'static>, sqlx::Error> {
    #[cfg(not(feature = "postgres"))]
    {
        db.begin_with("BEGIN IMMEDIATE").await
    }
    #[cfg(feature = "postgres")]
    {
        db.begin().await
    }
}

/// The name of the database kind, for logs and the health page.
pub const KIND: &str = if cfg!(feature = "postgres") {
    "postgres"
} else {
    "sqlite"
};

/// Builds SQL from constant fragments (shared SELECT lists, a dialect's aggregate). Only
/// constants may go in: user data is always bound as a parameter.
#[macro_export]
macro_rules! sql {
    ($($t:tt)*) => {
        sqlx::AssertSqlSafe(format!($($t)*))
    };
}

/// Opens a pool on `url`. A SQLite file is created when missing, with WAL, a busy timeout
/// and foreign keys on.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Pool> {
    #[cfg(not(feature = "postgres"))]
    {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        // Commits are counted per file, so that what is kept in memory knows when to go.
        let file = std::sync::Arc::new(opts.get_filename().to_path_buf());
        let pool = sqlx::pool::PoolOptions::<Db>::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            // A connection to a file in this process cannot be cut like a network one:
            // pinging it before each use only doubled the trips to its thread.
            .test_before_acquire(false)
            .after_connect(move |conn, _| {
                let file = file.clone();
                Box::pin(async move {
                    busy::install(&mut *conn).await?;
                    changes::hook(conn, &file).await
                })
            })
            .connect_with(opts)
            .await?;
        Ok(pool)
    }
    #[cfg(feature = "postgres")]
    {
        let opts = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let pool = sqlx::pool::PoolOptions::<Db>::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(pool)
    }
}

/// Applies the pending migrations.
pub async fn migrate(pool: &Pool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// True when `err` is a violation of a unique constraint (or primary key).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

/// The constraint (PostgreSQL) or message (SQLite) of a unique violation, to tell which
/// field collided: both name the column or the index that includes it.
pub fn violation_detail(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::Database(db) => {
            let mut s = db.message().to_string();
            if let Some(c) = db.constraint() {
                s.push(' ');
                s.push_str(c);
            }
            s
        }
        other => other.to_string(),
    }
}

//! The session store: tower-sessions' `SessionStore` on our own pool and migrations, so that
//! sessions live in the same database (SQLite or PostgreSQL) and work across nodes.
//!
//! On SQLite, the sessions read are kept in memory while the database has not changed
//! ([`crate::db::changes`]): any commit, of any table, drops every copy, so a session ended
//! by any path (logout, deactivation, a password reset, another process) is never served
//! from memory. Writes go to the database, then drop their copy.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::db::Pool;

/// Sessions in the `sessions` table.
#[derive(Clone, Debug)]
pub struct SqlStore {
    db: Pool,
    kept: Arc<Mutex<HashMap<Id, (u64, Record)>>>,
}

/// At most this many sessions are kept in memory; past it the copies are dropped.
const KEPT: usize = 4096;

impl SqlStore {
    /// A store on `db`.
    pub fn new(db: Pool) -> Self {
        SqlStore {
            db,
            kept: Default::default(),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<Id, (u64, Record)>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn forget(&self, id: &Id) {
        self.kept().remove(id);
    }

    /// Deletes expired sessions; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let r = sqlx::query("DELETE FROM sessions WHERE expiry_date < $1")
            .bind(now)
            .execute(&self.db)
            .await?;
        Ok(r.rows_affected())
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The logged-in user of a record, kept in its own column so that all of a user's sessions
/// can be ended at once.
fn owner(r: &Record) -> Option<i64> {
    r.data.get(crate::auth::keys::USER).and_then(|v| v.as_i64())
}

fn encode(r: &Record) -> session_store::Result<Vec<u8>> {
    serde_json::to_vec(&r.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// `sql` with a record bound as $1 id, $2 data, $3 expiry and $4 owner: the insert of a
/// new session and the update of a kept one.
fn write<'q>(
    sql: &'static str,
    r: &Record,
) -> session_store::Result<
    sqlx::query::Query<'q, crate::db::Db, <crate::db::Db as sqlx::Database>::Arguments>,
> {
    Ok(sqlx::query(sql)
        .bind(r.id.to_string())
        .bind(encode(r)?)
        .bind(r.expiry_date.unix_timestamp())
        .bind(owner(r)))
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new random id on the rare collision, never an overwrite of someone's session.
        loop {
            let r = write(
                "INSERT INTO sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO NOTHING",
                record,
            )?
            .execute(&self.db)
            .await
            .map_err(backend)?;
            if r.rows_affected() == 1 {
                self.forget(&record.id);
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates a session that still exists. A session whose row is gone (logged out
    /// elsewhere, ended by a reset or a deactivation, expired and swept) stays gone: a
    /// request that read it a moment before cannot bring it back. New sessions go through
    /// `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        write(
            "UPDATE sessions SET data = $2, expiry_date = $3, user_id = $4 WHERE id = $1",
            record,
        )?
        .execute(&self.db)
        .await
        .map_err(backend)?;
        self.forget(&record.id);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        // Read before the query: a commit while it runs moves it past this copy.
        let stamp = crate::db::changes::every(&self.db);
        if let Some(stamp) = stamp
            && let Some((at, r)) = self.kept().get(id)
            && *at == stamp
            && r.expiry_date.unix_timestamp() > now
        {
            return Ok(Some(r.clone()));
        }
        let row: Option<(Vec<u8>, i64)> = sqlx::query_as(
            "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
        )
        .bind(id.to_string())
        .bind(now)
        .fetch_optional(&self.db)
        .await
        .map_err(backend)?;
        let Some((data, expiry)) = row else {
            self.forget(id);
            return Ok(None);
        };
        let record = Record {
            id: *id,
            data: serde_json::from_slice(&data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(expiry).map_err(backend)?,
        };
        if let Some(stamp) = stamp {
            let mut kept = self.kept();
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(*id, (stamp, record.clone()));
        }
        Ok(Some(record))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        self.forget(id);
        Ok(())
    }
}

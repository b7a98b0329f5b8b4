//! Imports: students with their guardians from CSV (comma or semicolon, UTF-8 or
//! Windows-1252) or XLSX. A preview shows every row with its problems in words; nothing is
//! written unless every row is right, and then everything is written in one transaction by
//! a job on the runner, with its progress.

use serde_json::{Value, json};

use crate::jobs::{Job, JobCtx, Payload};

pub mod repo;
pub mod routes;
pub mod students;
pub mod table;

pub use routes::router;

/// The job kind that writes a checked students file.
pub const STUDENTS: &str = "import.students";

/// A stored import.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ImportRow {
    pub id: i64,
    /// File name as uploaded.
    pub filename: String,
    pub row_count: i64,
    /// Rows with a problem.
    pub bad_rows: i64,
    /// The checked file (JSON of [`students::Checked`]).
    pub checked: String,
    /// The job writing it, once confirmed.
    pub job_id: Option<i64>,
    /// Who uploaded it.
    pub created_by: i64,
    /// The writing job's state, once confirmed.
    pub job_state: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub use repo::{get, recent, store};

/// Writes a confirmed students file.
pub struct StudentsImport;

/// The checked file to write.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct WriteImport {
    /// The import, with its checked rows.
    pub import_id: i64,
}

impl Payload for WriteImport {
    const KIND: &'static str = STUDENTS;
}

#[async_trait::async_trait]
impl Job for StudentsImport {
    type Payload = WriteImport;

    async fn run(&self, ctx: &JobCtx, payload: WriteImport) -> anyhow::Result<Value> {
        let db = &ctx.app.db;
        let id = payload.import_id;
        let import = get(db, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("import {id} is gone"))?;
        let checked: students::Checked = serde_json::from_str(&import.checked)?;
        let rows = checked.ready;
        let total = rows.len() as i64;
        let year = crate::school::current_year(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no current year"))?;
        // The database may have changed since the preview: a matricule taken meanwhile
        // makes the whole file wait for a new check rather than half-write it.
        let known = students::Known::load(db, ctx.app.clock.today()).await?;
        let taken: Vec<&str> = rows
            .iter()
            .filter(|r| known.has_matricule(&r.matricule))
            .map(|r| r.matricule.as_str())
            .collect();
        if !taken.is_empty() {
            ctx.progress(
                total,
                total,
                "import-msg-conflict",
                json!({ "matricules": taken.join(", ") }),
            )
            .await?;
            return Ok(json!({ "href": "/admin/import", "label": "import-again" }));
        }
        // SQLite has one writer: the progress of the write itself cannot be recorded while
        // the transaction holds the lock, so it is announced before and after.
        ctx.progress(0, total, "import-msg-writing", json!({ "count": total }))
            .await?;
        let mut tx = crate::db::begin_write(db).await?;
        let written = students::write(
            &mut tx,
            year.id,
            &rows,
            import.created_by,
            ctx.app.clock.now(),
        )
        .await?;
        tx.commit().await?;
        ctx.progress(
            total,
            total,
            "import-msg-done",
            json!({
                "students": written.students as i64,
                "guardians": written.new_guardians as i64,
                "invoices": written.invoices as i64,
            }),
        )
        .await?;
        Ok(json!({ "href": "/admin/eleves", "label": "import-see-students", "written": written }))
    }
}

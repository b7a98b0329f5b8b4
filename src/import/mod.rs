//! Imports: students with their guardians from CSV (comma or semicolon, UTF-8 or
//! Windows-1252) or XLSX. A preview shows every row with its problems in words; nothing is
//! written unless every row is right, and then everything is written in one transaction by
//! a job on the runner, with its progress.

use serde_json::{Value, json};

use crate::db::Pool;
use crate::jobs::{Job, JobCtx, Payload};

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

/// Stores a checked file; returns its id.
pub async fn store(
    db: &Pool,
    filename: &str,
    checked: &students::Checked,
    by: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<i64, sqlx::Error> {
    let json = serde_json::to_string(checked).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO imports (kind, filename, row_count, bad_rows, checked, created_by, created_at) \
         VALUES ('students', $1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(filename)
    .bind(checked.preview.len() as i64)
    .bind((checked.bad_rows() + checked.file_problems.len()) as i64)
    .bind(json)
    .bind(by)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Reads a stored import.
pub async fn get(db: &Pool, id: i64) -> Result<Option<ImportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.filename, i.row_count, i.bad_rows, i.checked, i.job_id, i.created_by, i.created_at, (SELECT j.state FROM jobs j WHERE j.id = i.job_id) AS job_state FROM imports i WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The latest imports, newest first.
pub async fn recent(db: &Pool, limit: i64) -> Result<Vec<ImportRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.filename, i.row_count, i.bad_rows, i.checked, i.job_id, i.created_by, i.created_at, (SELECT j.state FROM jobs j WHERE j.id = i.job_id) AS job_state FROM imports i ORDER BY i.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}

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

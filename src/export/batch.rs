//! Exports too long for a request run as jobs on the shared runner. A job writes its file
//! on disk piece by piece (a ZIP entry per class), stores it as a file owned by the job,
//! and gives the link on its progress page and on the "exports" page. Exports are removed
//! after `RETENTION`.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::app::AppState;
use crate::db::Pool;
use crate::jobs::JobCtx;

/// How long a finished export is kept.
pub const RETENTION: chrono::Duration = chrono::Duration::days(7);

/// A ZIP archive being written to the local disk, one entry at a time.
pub struct ZipFile {
    path: PathBuf,
    writer: zip::ZipWriter<std::fs::File>,
    entries: usize,
}

impl ZipFile {
    /// Starts the archive of a job (a retried job starts again from nothing).
    pub async fn create(app: &AppState, job_id: i64) -> anyhow::Result<ZipFile> {
        let dir = crate::files::LocalDisk::scratch(&app.config.files_dir);
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("export-{job_id}.zip"));
        let file = std::fs::File::create(&path)?;
        Ok(ZipFile {
            path,
            writer: zip::ZipWriter::new(file),
            entries: 0,
        })
    }

    /// Adds an entry (written and flushed off the async runtime); the bytes are dropped
    /// once written.
    pub async fn add(mut self, name: String, bytes: Vec<u8>) -> anyhow::Result<ZipFile> {
        tokio::task::spawn_blocking(move || -> anyhow::Result<ZipFile> {
            // PDFs are compressed already: store them as they are.
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            self.writer.start_file(name, options)?;
            self.writer.write_all(&bytes)?;
            self.entries += 1;
            Ok(self)
        })
        .await?
    }

    /// How many entries were written.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// No entry yet.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    async fn close(self) -> anyhow::Result<PathBuf> {
        tokio::task::spawn_blocking(move || -> anyhow::Result<PathBuf> {
            let file = self.writer.finish()?;
            file.sync_all()?;
            Ok(self.path)
        })
        .await?
    }
}

/// Closes the archive, stores it as the job's file and gives the job's result: the link the
/// progress page and the exports page offer.
pub async fn finish(
    ctx: &JobCtx,
    zip: ZipFile,
    name: &str,
    content_type: &str,
) -> anyhow::Result<Value> {
    let entries = zip.len();
    let path = zip.close().await?;
    let file_id = crate::files::save_path(
        &ctx.app.db,
        &ctx.app.files,
        ("export", ctx.id),
        name,
        content_type,
        &path,
        ctx.by,
        ctx.app.clock.now(),
    )
    .await?;
    Ok(result(file_id, name, json!({ "entries": entries })))
}

/// Stores the bytes of a small export as the job's file and gives the job's result.
pub async fn finish_bytes(
    ctx: &JobCtx,
    bytes: &[u8],
    name: &str,
    content_type: &str,
    extra: Value,
) -> anyhow::Result<Value> {
    let file_id = crate::files::save(
        &ctx.app.db,
        &ctx.app.files,
        ("export", ctx.id),
        name,
        content_type,
        bytes,
        ctx.by,
        ctx.app.clock.now(),
    )
    .await?;
    Ok(result(file_id, name, extra))
}

/// A finished export's result: the link the progress and exports pages offer, and `extra`.
fn result(file_id: i64, name: &str, extra: Value) -> Value {
    let mut out = json!({
        "href": format!("/fichiers/{file_id}"),
        "label": "export-download",
        "file_id": file_id,
        "name": name,
    });
    if let (Some(o), Value::Object(e)) = (out.as_object_mut(), extra) {
        o.extend(e);
    }
    out
}

/// Removes exports older than the retention period: their bytes, then their row. Several
/// nodes may run it at once.
pub async fn sweep(app: &AppState) -> anyhow::Result<u64> {
    let before = app.clock.now() - RETENTION;
    let old = expired(&app.db, before).await?;
    let mut removed = 0;
    for (id, key) in old {
        app.files.delete(&key).await?;
        removed += crate::files::repo::delete(&app.db, id).await?;
    }
    Ok(removed)
}

async fn expired(
    db: &Pool,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    crate::files::repo::older_than(db, "export", before).await
}

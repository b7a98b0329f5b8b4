//! Files: one storage interface for uploads, generated exports and videos. The local disk
//! is the default backend; another (an S3-compatible store) implements the same trait. A
//! file row records what the file belongs to (`owner_kind`, `owner_id`); the one route that
//! serves files asks `authz` about that owner before sending a byte.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use sqlx::FromRow;

use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId};

pub mod repo;
pub mod s3;

/// Where file bytes live.
#[async_trait::async_trait]
pub trait Storage: Send + Sync + std::fmt::Debug {
    /// Stores bytes under a key (written whole, or not at all).
    async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()>;
    /// Reads the bytes of a key.
    async fn get(&self, key: &str) -> anyhow::Result<Vec<u8>>;
    /// Stores a file of the local disk under a key, without reading it into memory (a
    /// large export); the file is moved or copied, then removed.
    async fn put_file(&self, key: &str, src: &std::path::Path) -> anyhow::Result<()>;
    /// Streams the bytes of a key.
    async fn stream(&self, key: &str) -> anyhow::Result<axum::body::Body>;
    /// Removes a key (an expired export); removing what is not there is no error.
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
    /// The size of a key's bytes.
    async fn size(&self, key: &str) -> anyhow::Result<u64>;
    /// Streams bytes `start..end` of a key (a range request).
    async fn stream_range(
        &self,
        key: &str,
        start: u64,
        end: u64,
    ) -> anyhow::Result<axum::body::Body>;
}

/// The size of the pieces a file is streamed in (a video segment is one or two of them).
const CHUNK: usize = 64 * 1024;

/// Files in a directory of the local disk.
#[derive(Debug)]
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalDisk { root: root.into() }
    }

    fn path(&self, key: &str) -> anyhow::Result<PathBuf> {
        // Keys are made here, never from user input; refuse anything that could climb out.
        anyhow::ensure!(
            !key.is_empty()
                && key
                    .split('/')
                    .all(|p| !p.is_empty() && p != ".." && p != "."),
            "bad storage key"
        );
        Ok(self.root.join(key))
    }
}

#[async_trait::async_trait]
impl Storage for LocalDisk {
    async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Written to a temporary name then renamed: a crash never leaves half a file.
        let tmp = path.with_extension("part");
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> anyhow::Result<Vec<u8>> {
        Ok(tokio::fs::read(self.path(key)?).await?)
    }

    async fn put_file(&self, key: &str, src: &std::path::Path) -> anyhow::Result<()> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        if tokio::fs::rename(src, &path).await.is_err() {
            // Another file system: copy under a temporary name, then rename.
            let tmp = path.with_extension("part");
            tokio::fs::copy(src, &tmp).await?;
            tokio::fs::rename(&tmp, &path).await?;
            tokio::fs::remove_file(src).await?;
        }
        Ok(())
    }

    async fn stream(&self, key: &str) -> anyhow::Result<axum::body::Body> {
        let file = tokio::fs::File::open(self.path(key)?).await?;
        Ok(axum::body::Body::from_stream(
            tokio_util::io::ReaderStream::with_capacity(file, CHUNK),
        ))
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    async fn size(&self, key: &str) -> anyhow::Result<u64> {
        Ok(tokio::fs::metadata(self.path(key)?).await?.len())
    }

    async fn stream_range(
        &self,
        key: &str,
        start: u64,
        end: u64,
    ) -> anyhow::Result<axum::body::Body> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let mut file = tokio::fs::File::open(self.path(key)?).await?;
        file.seek(std::io::SeekFrom::Start(start)).await?;
        let part = file.take(end.saturating_sub(start));
        Ok(axum::body::Body::from_stream(
            tokio_util::io::ReaderStream::with_capacity(part, CHUNK),
        ))
    }
}

impl LocalDisk {
    /// A directory for files being written (on the same file system as the store, so that
    /// storing them is a rename).
    pub fn scratch(root: &std::path::Path) -> PathBuf {
        root.join("tmp")
    }
}

/// The storage of an application.
pub type Files = Arc<dyn Storage>;

/// The storage the configuration names: an S3-compatible store when it gives a bucket,
/// else the local disk.
pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Files> {
    Ok(if config.s3.bucket.is_empty() {
        Arc::new(LocalDisk::new(&config.files_dir))
    } else {
        Arc::new(s3::S3::new(&config.s3)?)
    })
}

/// A stored file.
#[derive(Clone, Debug, FromRow)]
pub struct FileRow {
    pub id: i64,
    /// What it belongs to: `absence`, …
    pub owner_kind: String,
    pub owner_id: i64,
    /// Name as uploaded.
    pub name: String,
    /// MIME type, checked from the content.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Key in the storage.
    pub storage_key: String,
}

/// The image types accepted for photos, recognised from their first bytes (what the
/// browser claims is not trusted).
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[allow(clippy::too_many_arguments)]
/// Stores bytes and records the file in the caller's transaction; returns its id. The bytes
/// go first: a file row never points at nothing (an orphan blob is harmless).
pub async fn save<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    storage: &Files,
    owner: (&str, i64),
    name: &str,
    content_type: &str,
    bytes: &[u8],
    by: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<i64> {
    let key = new_key(owner.0, at);
    storage.put(&key, bytes).await?;
    record(
        db,
        owner,
        &key,
        name,
        content_type,
        bytes.len() as i64,
        by,
        at,
    )
    .await
}

/// A file received from a form: its name, its type recognised from its content, its bytes.
pub type Received = (String, &'static str, Vec<u8>);

/// Keeps a file received from a form in the caller's transaction (stored, then recorded);
/// its id.
pub async fn keep<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    storage: &Files,
    owner: (&str, i64),
    (name, content_type, bytes): &Received,
    by: i64,
    at: chrono::DateTime<Utc>,
) -> AppResult<i64> {
    save(db, storage, owner, name, content_type, bytes, Some(by), at)
        .await
        .map_err(AppError::Internal)
}

/// Stores a file of the local disk (moved into the store, never read into memory) and
/// records it in the caller's transaction; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn save_path<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    storage: &Files,
    owner: (&str, i64),
    name: &str,
    content_type: &str,
    path: &std::path::Path,
    by: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<i64> {
    let size = tokio::fs::metadata(path).await?.len() as i64;
    let key = new_key(owner.0, at);
    storage.put_file(&key, path).await?;
    record(db, owner, &key, name, content_type, size, by, at).await
}

fn new_key(kind: &str, at: chrono::DateTime<Utc>) -> String {
    format!(
        "{}/{}/{:016x}{:016x}",
        kind,
        at.format("%Y/%m"),
        rand::random::<u64>(),
        rand::random::<u64>()
    )
}

#[allow(clippy::too_many_arguments)]
async fn record<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    owner: (&str, i64),
    key: &str,
    name: &str,
    content_type: &str,
    size: i64,
    by: Option<i64>,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<i64> {
    let name = crate::web::clean_file_name(name);
    Ok(repo::insert(db, owner, key, &name, content_type, size, by, at).await?)
}

pub use repo::of_owner;

/// Routes of files.
pub fn router() -> Router<AppState> {
    // Each file is checked against what it is attached to.
    Router::new().route("/fichiers/{id}", get(download).allow(Rule::SignedIn))
}

/// Sends a file to whoever may see its owner.
async fn download(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = repo::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let allowed = match f.owner_kind.as_str() {
        "absence" => match crate::attendance::repo::absence(&app.db, f.owner_id).await? {
            Some(a) => crate::authz::can_see_student(&app.db, u, a.student_id).await?,
            None => false,
        },
        // A chat attachment: whoever may open its conversation.
        // A deleted message's file stays for the moderators only.
        "message" => match crate::chat::repo::message(&app.db, f.owner_id).await? {
            Some(m) => match crate::chat::open(&app.db, u, m.conversation_id).await {
                Ok((_, access)) => m.deleted_at.is_none() || access.moderate,
                Err(_) => false,
            },
            None => false,
        },
        // A lesson's attachment: whoever sees its class (its students, their parents, its
        // teachers, the administration).
        "lesson" => match crate::lessons::repo::lesson(&app.db, f.owner_id).await? {
            Some(l) => crate::authz::can_see_class(&app.db, u, l.class_id).await?,
            None => false,
        },
        // An online lesson's file: whoever may open the lesson now.
        crate::courses::copy::FILE_OWNER => {
            crate::courses::view::may_download(&app.db, u, f.owner_id, ctx.today()).await?
        }
        // Work handed in: its student, their parents, the course's teachers.
        crate::courses::assignment::FILE_OWNER => {
            crate::courses::assignment::routes::may_download(&app.db, u, f.owner_id, ctx.today())
                .await?
        }
        // A student's photo: whoever sees the student (their teachers know their faces).
        "student_photo" => crate::authz::can_see_student(&app.db, u, f.owner_id).await?,
        // A generated export: whoever may follow the job that made it.
        "export" => match crate::jobs::get(&app.db, f.owner_id).await? {
            Some(job) => crate::jobs::routes::may_follow(u, &job),
            None => false,
        },
        _ => false,
    };
    crate::authz::require(allowed)?;
    let body = app
        .files
        .stream(&f.storage_key)
        .await
        .map_err(AppError::Internal)?;
    let disposition = crate::web::content_disposition(f.owner_kind != "export", &f.name);
    let mut res = body.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_DISPOSITION, disposition);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(f.size));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_from_content() {
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<svg onload=alert(1)>"), None);
    }

    #[tokio::test]
    async fn local_disk_round_trip_and_no_escape() {
        let dir = tempfile::tempdir().unwrap();
        let disk = LocalDisk::new(dir.path());
        disk.put("absence/2026/11/abc", b"photo").await.unwrap();
        assert_eq!(disk.get("absence/2026/11/abc").await.unwrap(), b"photo");
        assert!(disk.put("../escape", b"x").await.is_err());
        assert!(disk.get("a//b").await.is_err());
    }
}

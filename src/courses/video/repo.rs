//! SQL of lesson videos: the upload as it arrives, the transcoding's outcome, and what each
//! student watched.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Rendition, VideoState};
use crate::db::{Db, Pool};

#[derive(Clone, Debug, FromRow)]
pub struct VideoRow {
    pub lesson_id: i64,
    pub state: VideoState,
    pub source_name: String,
    pub source_size: i64,
    pub received: i64,
    pub upload_token: String,
    pub job_id: Option<i64>,
    pub error: Option<String>,
    pub prefix: Option<String>,
    /// JSON list of the files under the prefix.
    pub files: String,
    /// JSON list of the renditions.
    pub renditions: String,
    pub duration_ms: Option<i64>,
}

impl VideoRow {
    pub fn files(&self) -> Vec<String> {
        serde_json::from_str(&self.files).unwrap_or_default()
    }

    pub fn renditions(&self) -> Vec<Rendition> {
        serde_json::from_str(&self.renditions).unwrap_or_default()
    }

    /// The last segment of the prefix: it changes with every transcoding, so the files'
    /// addresses can be cached for good.
    pub fn version(&self) -> Option<&str> {
        self.prefix.as_deref().and_then(|p| p.rsplit('/').next())
    }

    pub fn seconds(&self) -> u32 {
        (self.duration_ms.unwrap_or(0).max(0) / 1000) as u32
    }
}

const VIDEO: &str = "SELECT lesson_id, state, source_name, source_size, received, upload_token, \
     job_id, error, prefix, files, renditions, duration_ms FROM course_videos";

pub async fn video<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
) -> Result<Option<VideoRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{VIDEO} WHERE lesson_id = $1"))
        .bind(lesson_id)
        .fetch_optional(db)
        .await
}

/// Starts a new upload (the renditions already made stay until new ones replace them).
pub async fn start_upload<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    name: &str,
    size: i64,
    token: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_videos (lesson_id, state, source_name, source_size, received, \
         upload_token, uploaded_by, updated_at) VALUES ($1, 'uploading', $2, $3, 0, $4, $5, $6) \
         ON CONFLICT (lesson_id) DO UPDATE SET state = 'uploading', source_name = excluded.source_name, \
         source_size = excluded.source_size, received = 0, upload_token = excluded.upload_token, \
         uploaded_by = excluded.uploaded_by, error = NULL, job_id = NULL, updated_at = excluded.updated_at",
    )
    .bind(lesson_id)
    .bind(name)
    .bind(size)
    .bind(token)
    .bind(by)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a chunk's arrival, if the upload still stands where the chunk began (two
/// requests never both advance it); whether it did.
pub async fn advance<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    token: &str,
    from: i64,
    to: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE course_videos SET received = $4, updated_at = $5 \
         WHERE lesson_id = $1 AND upload_token = $2 AND received = $3 AND state = 'uploading'",
    )
    .bind(lesson_id)
    .bind(token)
    .bind(from)
    .bind(to)
    .bind(at)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// The upload is whole: it waits for its transcoding (`job` None: no ffmpeg to run it).
pub async fn queue<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    job: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE course_videos SET state = 'queued', job_id = $2, error = NULL, updated_at = $3 \
         WHERE lesson_id = $1",
    )
    .bind(lesson_id)
    .bind(job)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// A failed upload or transcoding, with its reason.
pub async fn fail<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    token: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE course_videos SET state = 'failed', error = $3, updated_at = $4 \
         WHERE lesson_id = $1 AND upload_token = $2",
    )
    .bind(lesson_id)
    .bind(token)
    .bind(reason)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// What a transcoding made.
pub struct Made<'a> {
    pub prefix: &'a str,
    pub files: &'a [String],
    pub renditions: &'a [Rendition],
    pub duration_ms: i64,
}

/// The new renditions replace the old ones, if the upload they came from is still the
/// lesson's; whether they did.
pub async fn ready<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    token: &str,
    m: &Made<'_>,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE course_videos SET state = 'ready', error = NULL, prefix = $3, files = $4, \
         renditions = $5, duration_ms = $6, updated_at = $7 \
         WHERE lesson_id = $1 AND upload_token = $2 AND state = 'queued'",
    )
    .bind(lesson_id)
    .bind(token)
    .bind(m.prefix)
    .bind(serde_json::to_string(m.files).unwrap_or_default())
    .bind(serde_json::to_string(m.renditions).unwrap_or_default())
    .bind(m.duration_ms)
    .bind(at)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn delete<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM course_videos WHERE lesson_id = $1")
        .bind(lesson_id)
        .execute(db)
        .await?;
    Ok(())
}

/// How many lessons show the renditions under a prefix (a copied course shares them).
pub async fn prefix_users(db: &Pool, prefix: &str) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM course_videos WHERE prefix = $1")
        .bind(prefix)
        .fetch_one(db)
        .await?;
    Ok(n)
}

/// A copy of a lesson's ready video for another lesson (the same stored files).
pub async fn copy<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    from: i64,
    to: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_videos (lesson_id, state, source_name, source_size, received, \
         upload_token, prefix, files, renditions, duration_ms, uploaded_by, updated_at) \
         SELECT $2, state, source_name, source_size, received, upload_token, prefix, files, \
         renditions, duration_ms, uploaded_by, $3 FROM course_videos \
         WHERE lesson_id = $1 AND state = 'ready'",
    )
    .bind(from)
    .bind(to)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Where a student stopped in a lesson's video, and the stretches they watched.
pub async fn watched(
    db: &Pool,
    lesson_id: i64,
    student_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT video_position_ms, video_played FROM course_progress \
         WHERE lesson_id = $1 AND student_id = $2",
    )
    .bind(lesson_id)
    .bind(student_id)
    .fetch_optional(db)
    .await
}

/// Keeps where a student stopped and what they watched (the lesson was viewed first).
pub async fn record_watch<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    student_id: i64,
    position_ms: i64,
    played: &str,
    percent: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE course_progress SET video_position_ms = $3, video_played = $4, video_percent = $5 \
         WHERE lesson_id = $1 AND student_id = $2",
    )
    .bind(lesson_id)
    .bind(student_id)
    .bind(position_ms)
    .bind(played)
    .bind(percent)
    .execute(db)
    .await?;
    Ok(())
}

//! The demo's video: when ffmpeg is installed, a short generated film (a test picture and a
//! tone) is put on the first lesson of every fractions course and queued for transcoding,
//! which the server's job runner does within a minute of starting. Without ffmpeg the
//! lessons say that their video waits for its transcoding; the demo never fails for it.

use std::path::Path;

use chrono::Utc;

use crate::courses::video::{repo as vrepo, transcode};
use crate::db::Pool;

const LESSON: &str = "Qu’est-ce qu’une fraction ?";
const SECONDS: u32 = 30;

/// Puts the video on the demo's lessons; how many.
pub async fn seed(db: &Pool, files_dir: &Path) -> anyhow::Result<usize> {
    let lessons: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT l.id, c.created_by FROM course_lessons l JOIN course_modules m ON m.id = l.module_id \
         JOIN courses c ON c.id = m.course_id WHERE l.title = $1 ORDER BY l.id",
    )
    .bind(LESSON)
    .fetch_all(db)
    .await?;
    let source = crate::files::LocalDisk::scratch(files_dir).join("demo-video.mp4");
    let made = transcode::available() && make(&source).await;
    let size = match made {
        true => tokio::fs::metadata(&source).await?.len() as i64,
        false => 0,
    };
    let now = Utc::now();
    for (lesson, teacher) in &lessons {
        let token = format!(
            "{:016x}{:016x}",
            rand::random::<u64>(),
            rand::random::<u64>()
        );
        vrepo::start_upload(db, *lesson, "fractions.mp4", size, &token, *teacher, now).await?;
        let mut tx = crate::db::begin_write(db).await?;
        let job = if made {
            tokio::fs::copy(&source, transcode::upload_path(files_dir, &token)).await?;
            vrepo::advance(&mut *tx, *lesson, &token, 0, size, now).await?;
            let payload = transcode::Transcode {
                lesson: *lesson,
                token,
            };
            Some(crate::jobs::enqueue(&mut *tx, &payload, Some(*teacher), now).await?)
        } else {
            None
        };
        vrepo::queue(&mut *tx, *lesson, job, now).await?;
        tx.commit().await?;
    }
    let _ = tokio::fs::remove_file(&source).await;
    Ok(lessons.len())
}

/// Generates the film with ffmpeg; whether it could.
async fn make(out: &Path) -> bool {
    if let Some(dir) = out.parent() {
        let _ = tokio::fs::create_dir_all(dir).await;
    }
    let status = tokio::process::Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
        ])
        .arg(format!("testsrc2=size=1280x720:rate=25:duration={SECONDS}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!(
            "sine=frequency=523:beep_factor=2:duration={SECONDS}"
        ))
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ])
        .args(["-c:a", "aac", "-shortest"])
        .arg(out)
        .kill_on_drop(true)
        .status()
        .await;
    matches!(status, Ok(s) if s.success())
}

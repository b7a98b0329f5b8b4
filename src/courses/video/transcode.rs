//! The transcoding job: ffprobe reads the upload (bounded in time, refusing what is too
//! long or too large), ffmpeg makes the HLS renditions in one pass as a child process
//! whose progress feeds the job's bar, then the poster; the files go to the storage and
//! replace the lesson's previous renditions. A failure keeps ffmpeg's own words for the
//! teacher.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

use super::repo::{self as vrepo, Made};
use super::{KEY_PREFIX, MAX_PIXELS, MAX_SECONDS, Rendition};
use crate::app::AppState;
use crate::jobs::{Fatal, Job, JobCtx, Payload, Stop};

/// Transcode the upload `token` of a lesson's video.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Transcode {
    pub lesson: i64,
    pub token: String,
}

impl Payload for Transcode {
    const KIND: &'static str = "course.video";
}

pub struct TranscodeJob;

#[async_trait::async_trait]
impl Job for TranscodeJob {
    type Payload = Transcode;

    async fn run(&self, ctx: &JobCtx, p: Transcode) -> anyhow::Result<Value> {
        let app = &ctx.app;
        match transcode(app, p.lesson, &p.token, Some(ctx)).await {
            Ok(()) => Ok(json!({
                "href": format!("/enseignant/cours/lecons/{}/video", p.lesson),
                "label": "video-open",
            })),
            Err(Error::Failed(reason)) => {
                vrepo::fail(&app.db, p.lesson, &p.token, &reason, app.clock.now()).await?;
                let _ = tokio::fs::remove_file(upload_path(&app.config.files_dir, &p.token)).await;
                Err(Fatal(reason).into())
            }
            Err(Error::Cancelled) => {
                vrepo::fail(&app.db, p.lesson, &p.token, CANCELLED, app.clock.now()).await?;
                Err(Stop::Cancelled.into())
            }
            Err(Error::Other(e)) => Err(e),
        }
    }
}

/// The reason kept when the teacher stopped the transcoding.
pub const CANCELLED: &str = "cancelled";

/// Why a transcoding did not finish.
#[derive(Debug)]
pub enum Error {
    /// The video cannot be made (ffmpeg's or ffprobe's words): trying again will not help.
    Failed(String),
    Cancelled,
    /// Storage or database trouble: worth another try.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Other(e)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Other(e.into())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Other(e.into())
    }
}

/// Where an upload's bytes wait for their transcoding (tokens are made here, hex only).
pub fn upload_path(files_dir: &Path, token: &str) -> PathBuf {
    let token: String = token.chars().filter(char::is_ascii_hexdigit).collect();
    crate::files::LocalDisk::scratch(files_dir).join(format!("video-{token}.upload"))
}

/// Is ffmpeg installed (with ffprobe)?
pub fn available() -> bool {
    ["ffmpeg", "ffprobe"].iter().all(|b| {
        std::process::Command::new(b)
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// What ffprobe says of a source.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub seconds: f64,
    pub width: u32,
    pub height: u32,
    pub audio: bool,
}

/// Reads a source's length, picture size and sound, in bounded time; refuses what is not a
/// video, too long or too large.
pub async fn probe(src: &Path) -> Result<Probe, Error> {
    let run = Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json"])
        .args([
            "-show_entries",
            "format=duration:stream=codec_type,width,height",
        ])
        .arg(src)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = match tokio::time::timeout(Duration::from_secs(60), run).await {
        Err(_) => return Err(Error::Failed("ffprobe: timed out".into())),
        Ok(Err(e)) => return Err(Error::Failed(format!("ffprobe: {e}"))),
        Ok(Ok(o)) => o,
    };
    if !out.status.success() {
        return Err(Error::Failed(tail(&String::from_utf8_lossy(&out.stderr))));
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let streams = v["streams"].as_array().cloned().unwrap_or_default();
    let picture = streams
        .iter()
        .find(|s| s["codec_type"] == "video" && s["width"].as_u64().unwrap_or(0) > 0);
    let Some(picture) = picture else {
        return Err(Error::Failed("no video stream".into()));
    };
    let p = Probe {
        seconds: v["format"]["duration"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .unwrap_or(0.0),
        width: picture["width"].as_u64().unwrap_or(0) as u32,
        height: picture["height"].as_u64().unwrap_or(0) as u32,
        audio: streams.iter().any(|s| s["codec_type"] == "audio"),
    };
    if p.seconds.is_nan() || p.seconds <= 0.0 || p.seconds > MAX_SECONDS {
        return Err(Error::Failed(format!("duration {:.0} s", p.seconds)));
    }
    if u64::from(p.width) * u64::from(p.height) > MAX_PIXELS {
        return Err(Error::Failed(format!("picture {}x{}", p.width, p.height)));
    }
    Ok(p)
}

/// The last lines of what a program wrote on its error output.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let from = lines.len().saturating_sub(4);
    let s = lines[from..].join("\n");
    let mut end = s.len().min(1000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    if s.is_empty() {
        "ffmpeg failed".into()
    } else {
        s[..end].to_string()
    }
}

/// Runs ffmpeg with `args`, reporting its progress over `total` seconds, within `limit`.
async fn ffmpeg(
    args: &[String],
    total: f64,
    limit: Duration,
    job: Option<&JobCtx>,
) -> Result<(), Error> {
    let mut child = Command::new("ffmpeg")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::Failed(format!("ffmpeg: {e}")))?;
    let mut stderr = child.stderr.take().expect("piped");
    // The error output is read as it comes (a full pipe would stop ffmpeg), its end kept.
    let errors = tokio::spawn(async move {
        let mut kept: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf).await {
            if n == 0 {
                break;
            }
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > 16 * 1024 {
                kept.drain(..kept.len() - 8 * 1024);
            }
        }
        String::from_utf8_lossy(&kept).into_owned()
    });
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let total_s = total.ceil().max(1.0) as i64;
    let watch = async {
        while let Ok(Some(line)) = lines.next_line().await {
            let Some(us) = line.strip_prefix("out_time_us=") else {
                continue;
            };
            let done = (us.trim().parse::<i64>().unwrap_or(0) / 1_000_000).clamp(0, total_s);
            if let Some(ctx) = job {
                let args = json!({"done": super::clock(done), "total": super::clock(total_s)});
                if ctx
                    .progress(done, total_s, "video-progress", args)
                    .await
                    .is_err()
                {
                    return Err(Error::Cancelled);
                }
            }
        }
        Ok(())
    };
    match tokio::time::timeout(limit, watch).await {
        Err(_) => {
            let _ = child.kill().await;
            return Err(Error::Failed("ffmpeg: timed out".into()));
        }
        Ok(Err(e)) => {
            let _ = child.kill().await;
            return Err(e);
        }
        Ok(Ok(())) => {}
    }
    let status = child.wait().await?;
    let said = errors.await.unwrap_or_default();
    if status.success() {
        Ok(())
    } else {
        Err(Error::Failed(tail(&said)))
    }
}

/// Transcodes the upload `token` of lesson `lesson` and stores its renditions.
pub async fn transcode(
    app: &AppState,
    lesson: i64,
    token: &str,
    job: Option<&JobCtx>,
) -> Result<(), Error> {
    let Some(video) = vrepo::video(&app.db, lesson).await? else {
        return Ok(());
    };
    // A newer upload took its place: nothing to do.
    if video.upload_token != token || video.state != super::VideoState::Queued {
        return Ok(());
    }
    let src = upload_path(&app.config.files_dir, token);
    if !tokio::fs::try_exists(&src).await.unwrap_or(false) {
        return Err(Error::Failed("the upload is missing".into()));
    }
    let p = probe(&src).await?;
    let ladder = super::ladder(p.height, p.audio);
    let version = format!("{:016x}", rand::random::<u64>());
    let out =
        crate::files::LocalDisk::scratch(&app.config.files_dir).join(format!("video-{version}"));
    tokio::fs::create_dir_all(&out).await?;
    let made = make(&src, &out, &p, &ladder, job).await;
    let stored = match made {
        Ok(()) => store(app, lesson, &version, &out).await,
        Err(e) => Err(e),
    };
    let _ = tokio::fs::remove_dir_all(&out).await;
    let (prefix, files) = stored?;
    let m = Made {
        prefix: &prefix,
        files: &files,
        renditions: &ladder,
        duration_ms: (p.seconds * 1000.0).round() as i64,
    };
    let old_files = video.files();
    let old = video.prefix.filter(|old| *old != prefix);
    if vrepo::ready(&app.db, lesson, token, &m, app.clock.now()).await? {
        let _ = tokio::fs::remove_file(&src).await;
        if let Some(old) = old {
            forget(app, &old, &old_files).await;
        }
    } else {
        forget(app, &prefix, &files).await;
    }
    Ok(())
}

/// The renditions, then the poster, under `out`.
async fn make(
    src: &Path,
    out: &Path,
    p: &Probe,
    ladder: &[Rendition],
    job: Option<&JobCtx>,
) -> Result<(), Error> {
    let (src_s, out_s) = (src.to_string_lossy(), out.to_string_lossy());
    // However slow the machine, a video never holds the worker for more than this.
    let limit = Duration::from_secs_f64((p.seconds * 20.0).max(600.0));
    ffmpeg(
        &super::ffmpeg_args(&src_s, &out_s, ladder),
        p.seconds,
        limit,
        job,
    )
    .await?;
    let at = (p.seconds / 3.0).min(2.0);
    let poster: Vec<String> = [
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-ss",
        &format!("{at:.2}"),
        "-i",
        &src_s,
        "-frames:v",
        "1",
        "-vf",
        "scale=-2:360",
        "-q:v",
        "5",
        &format!("{out_s}/poster.jpg"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ffmpeg(&poster, 0.0, Duration::from_secs(60), None).await
}

/// Moves what ffmpeg made into the storage under a new prefix; the prefix and the files.
async fn store(
    app: &AppState,
    lesson: i64,
    version: &str,
    out: &Path,
) -> Result<(String, Vec<String>), Error> {
    let prefix = format!("{KEY_PREFIX}/{lesson}/{version}");
    let mut files = Vec::new();
    let mut dirs = vec![(out.to_path_buf(), String::new())];
    while let Some((dir, rel)) = dirs.pop() {
        let mut entries = tokio::fs::read_dir(&dir).await?;
        while let Some(e) = entries.next_entry().await? {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = format!("{rel}{name}");
            if e.file_type().await?.is_dir() {
                dirs.push((e.path(), format!("{path}/")));
            } else if super::served_type(&name).is_some() {
                app.files
                    .put_file(&format!("{prefix}/{path}"), &e.path())
                    .await?;
                files.push(path);
            }
        }
    }
    files.sort();
    Ok((prefix, files))
}

/// Removes renditions no lesson shows any more.
pub async fn forget(app: &AppState, prefix: &str, files: &[String]) {
    if vrepo::prefix_users(&app.db, prefix).await.unwrap_or(1) > 0 {
        return;
    }
    for f in files {
        if let Err(e) = app.files.delete(&format!("{prefix}/{f}")).await {
            tracing::warn!(error = %e, prefix, "a video file could not be removed");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_reason_is_the_end_of_what_ffmpeg_said() {
        let said =
            "line 1\n\nline 2\nline 3\nline 4\n[in] Invalid data found when processing input\n";
        assert_eq!(
            super::tail(said),
            "line 2\nline 3\nline 4\n[in] Invalid data found when processing input"
        );
        assert_eq!(super::tail(""), "ffmpeg failed");
        assert!(super::tail(&"é".repeat(2000)).len() <= 1000);
    }
}

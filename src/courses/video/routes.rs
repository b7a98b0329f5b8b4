//! A lesson's video on screen: the teacher's page (upload in chunks, the transcoding's
//! bar or its failure, the renditions made, removal), the player panel of the lesson page,
//! and what a student's player reports of their watching.

use askama::Template;
use axum::Form;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::repo::{self as vrepo, VideoRow};
use super::transcode::{self, Transcode};
use super::{MAX_CHUNK, VideoState};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::courses::repo::{CourseRow, LessonRow};
use crate::courses::view::Opened;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, redirect};

/// The largest video a teacher may upload.
pub const MAX_BYTES: i64 = 2 * 1024 * 1024 * 1024;

pub fn router() -> axum::Router<AppState> {
    let teacher = Rule::TEACHER;
    axum::Router::new()
        .route(
            "/enseignant/cours/lecons/{id}/video",
            get(page).post(start).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/video/morceau",
            post(chunk)
                .layer(DefaultBodyLimit::max(MAX_CHUNK + 1024))
                .allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/video/retrait",
            post(remove).allow(teacher),
        )
        .route(
            "/cours/lecons/{id}/video/vue",
            post(watched).allow(Rule::STUDENT),
        )
        .route(
            "/cours/lecons/{id}/video/{version}/{*file}",
            get(super::serve::file).allow(Rule::SignedIn),
        )
}

/// A refusal the upload script shows as it is: a status and a message in the reader's
/// words.
fn refuse(ctx: &Ctx, status: StatusCode, key: &str) -> Response {
    (status, Json(json!({ "error": ctx.t.t(key) }))).into_response()
}

// ---------------------------------------------------------------- the teacher's page

#[derive(Template)]
#[template(path = "courses/video.html")]
struct VideoPage<'a> {
    ctx: &'a Ctx,
    course: CourseRow,
    lesson: LessonRow,
    video: Option<VideoRow>,
    max_mb: i64,
}

impl VideoPage<'_> {
    fn state_text(&self, v: &VideoRow) -> String {
        let t = &self.ctx.t;
        match v.state {
            VideoState::Uploading => t.tj(
                "video-state-uploading",
                json!({"name": v.source_name, "percent": crate::courses::percent(v.received as usize, v.source_size.max(1) as usize)}),
            ),
            VideoState::Queued if v.job_id.is_none() => t.t("video-state-waiting"),
            VideoState::Queued => t.t("video-state-queued"),
            VideoState::Ready => t.t1("video-state-ready", "duration", super::clock(i64::from(v.seconds()))),
            VideoState::Failed if v.error.as_deref() == Some(transcode::CANCELLED) => {
                t.t("video-state-cancelled")
            }
            VideoState::Failed => t.t("video-state-failed"),
        }
    }

    fn rendition_names(&self, v: &VideoRow) -> String {
        v.renditions()
            .iter()
            .map(|r| match r.height {
                Some(_) => r.name.clone(),
                None => self.ctx.t.t("video-audio-only"),
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

async fn page(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let (_, course, lesson) = crate::courses::routes::writable_lesson(&app, &ctx, id).await?;
    let video = vrepo::video(&app.db, id).await?;
    html(&VideoPage {
        ctx: &ctx,
        course,
        lesson,
        video,
        max_mb: MAX_BYTES / (1024 * 1024),
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub size: String,
}

/// Starts an upload, or resumes the one of the same file: where to send the next chunk.
async fn start(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<StartForm>,
) -> AppResult<Response> {
    let (u, _, _) = crate::courses::routes::writable_lesson(&app, &ctx, id).await?;
    let name = crate::web::clean_file_name(f.name.trim());
    let Ok(size) = f.size.trim().parse::<i64>() else {
        return Ok(refuse(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "video-error-no-file",
        ));
    };
    if name.is_empty() || size <= 0 {
        return Ok(refuse(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "video-error-no-file",
        ));
    }
    if size > MAX_BYTES {
        return Ok(refuse(
            &ctx,
            StatusCode::PAYLOAD_TOO_LARGE,
            "video-error-too-large",
        ));
    }
    let current = vrepo::video(&app.db, id).await?;
    let token = match &current {
        // The same file again after a cut: go on from what arrived.
        Some(v)
            if v.state == VideoState::Uploading
                && v.source_name == name
                && v.source_size == size =>
        {
            v.upload_token.clone()
        }
        _ => {
            if let Some(v) = &current {
                let _ = tokio::fs::remove_file(transcode::upload_path(
                    &app.config.files_dir,
                    &v.upload_token,
                ))
                .await;
            }
            let token = format!(
                "{:016x}{:016x}",
                rand::random::<u64>(),
                rand::random::<u64>()
            );
            vrepo::start_upload(&app.db, id, &name, size, &token, u.id, ctx.now).await?;
            token
        }
    };
    let offset = vrepo::video(&app.db, id).await?.map_or(0, |v| v.received);
    Ok(Json(json!({
        "offset": offset,
        "size": size,
        "chunk": MAX_CHUNK,
        "next": format!("/enseignant/cours/lecons/{id}/video/morceau?jeton={token}"),
    }))
    .into_response())
}

#[derive(Clone, Debug, Deserialize)]
pub struct ChunkQuery {
    pub jeton: String,
    pub debut: i64,
}

/// Receives the chunk that starts at `debut`; the whole upload queues its transcoding.
async fn chunk(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<ChunkQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (u, _, _) = crate::courses::routes::writable_lesson(&app, &ctx, id).await?;
    let Some(v) = vrepo::video(&app.db, id)
        .await?
        .filter(|v| v.state == VideoState::Uploading && v.upload_token == q.jeton)
    else {
        return Ok(refuse(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "video-error-no-upload",
        ));
    };
    if body.is_empty() {
        return Ok(refuse(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "video-error-no-file",
        ));
    }
    if q.debut != v.received {
        // The script resends from where the server stands.
        return Ok((StatusCode::CONFLICT, Json(json!({ "offset": v.received }))).into_response());
    }
    let end = v.received + body.len() as i64;
    if end > v.source_size {
        return Ok(refuse(
            &ctx,
            StatusCode::PAYLOAD_TOO_LARGE,
            "video-error-too-large",
        ));
    }
    if v.received == 0 && super::sniff(&body).is_none() {
        vrepo::fail(&app.db, id, &v.upload_token, "not a video", ctx.now).await?;
        return Ok(refuse(
            &ctx,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "video-error-type",
        ));
    }
    let path = transcode::upload_path(&app.config.files_dir, &v.upload_token);
    write_at(&path, v.received as u64, &body)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if !vrepo::advance(&app.db, id, &v.upload_token, v.received, end, ctx.now).await? {
        let now = vrepo::video(&app.db, id).await?.map_or(0, |v| v.received);
        return Ok((StatusCode::CONFLICT, Json(json!({ "offset": now }))).into_response());
    }
    if end < v.source_size {
        return Ok(Json(json!({ "offset": end })).into_response());
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let payload = Transcode {
        lesson: id,
        token: v.upload_token.clone(),
    };
    let job = crate::jobs::enqueue(&mut *tx, &payload, Some(u.id), ctx.now).await?;
    vrepo::queue(&mut *tx, id, Some(job), ctx.now).await?;
    tx.commit().await?;
    app.jobs.wake();
    Ok(
        Json(json!({ "offset": end, "done": true, "job": format!("/taches/{job}") }))
            .into_response(),
    )
}

/// Writes bytes at an offset of the upload's file (created with the first chunk).
async fn write_at(path: &std::path::Path, at: u64, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let mut f = tokio::fs::OpenOptions::new()
        .create(true)
        .truncate(at == 0)
        .write(true)
        .open(path)
        .await?;
    f.seek(std::io::SeekFrom::Start(at)).await?;
    f.write_all(bytes).await?;
    f.flush().await
}

/// Removes the lesson's video: its row, its upload and the renditions no other lesson
/// shows.
async fn remove(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    crate::courses::routes::writable_lesson(&app, &ctx, id).await?;
    if let Some(v) = vrepo::video(&app.db, id).await? {
        vrepo::delete(&app.db, id).await?;
        let _ = tokio::fs::remove_file(transcode::upload_path(
            &app.config.files_dir,
            &v.upload_token,
        ))
        .await;
        if let Some(prefix) = &v.prefix {
            transcode::forget(&app, prefix, &v.files()).await;
        }
    }
    ctx.flash("success", "video-removed").await?;
    Ok(redirect(&format!("/enseignant/cours/lecons/{id}")))
}

// ---------------------------------------------------------------- the lesson page

#[derive(Template)]
#[template(path = "courses/video_panel.html")]
struct Panel<'a> {
    ctx: &'a Ctx,
    lesson_id: i64,
    video: VideoRow,
    student: bool,
    resume: i64,
}

impl Panel<'_> {
    fn base(&self) -> String {
        format!(
            "/cours/lecons/{}/video/{}",
            self.lesson_id,
            self.video.version().unwrap_or("")
        )
    }

    fn has_audio_only(&self) -> bool {
        self.video.renditions().iter().any(|r| r.height.is_none())
    }

    fn qualities(&self) -> Vec<u32> {
        self.video
            .renditions()
            .iter()
            .filter_map(|r| r.height)
            .collect()
    }
}

/// The player of a lesson's video, or word that it is on its way.
pub async fn panel(app: &AppState, ctx: &Ctx, o: &Opened) -> AppResult<Option<String>> {
    let Some(video) = vrepo::video(&app.db, o.lesson.id).await? else {
        return Ok(None);
    };
    let resume = match o.reader.student {
        Some(s) => vrepo::watched(&app.db, o.lesson.id, s)
            .await?
            .map_or(0, |(ms, _)| ms / 1000),
        None => 0,
    };
    let p = Panel {
        ctx,
        lesson_id: o.lesson.id,
        video,
        student: o.reader.student.is_some(),
        resume,
    };
    Ok(Some(p.render()?))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct WatchForm {
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub played: String,
}

/// What a student's player reports: where they are, what they played. Watching most of
/// the video completes the lesson.
async fn watched(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<WatchForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let o = crate::courses::view::open_lesson(&app.db, u, id, ctx.today()).await?;
    let Some(student) = o.reader.student else {
        return Err(AppError::Forbidden);
    };
    if !o.state.is_open() {
        return Err(AppError::Forbidden);
    }
    let video = vrepo::video(&app.db, id)
        .await?
        .filter(|v| v.prefix.is_some())
        .ok_or(AppError::NotFound)?;
    let Ok(position) = f.position.trim().parse::<f64>() else {
        return Err(AppError::BadRequest("video-error-position"));
    };
    let length = video.seconds();
    let position_ms = (position.clamp(0.0, f64::from(length)) * 1000.0) as i64;
    let stored = vrepo::watched(&app.db, id, student).await?.map(|(_, p)| p);
    let stretches = super::merge_played(
        stored.as_deref().unwrap_or(""),
        &super::parse_stretches(&f.played),
        length,
    );
    let percent = super::watched_percent(&stretches, length);
    let mut tx = crate::db::begin_write(&app.db).await?;
    if stored.is_none() {
        // Played from a page opened before: the lesson counts as viewed (once, not per report).
        crate::courses::repo::record_view(&mut *tx, id, student, ctx.now).await?;
    }
    let text = super::played_text(&stretches);
    vrepo::record_watch(&mut *tx, id, student, position_ms, &text, percent).await?;
    if percent >= super::COMPLETES_AT {
        let course = &o.reader.course;
        crate::courses::view::mark_completed(&mut tx, course, id, student, u.id, ctx.now).await?;
    }
    tx.commit().await?;
    Ok((StatusCode::OK, Json(json!({ "percent": percent }))).into_response())
}

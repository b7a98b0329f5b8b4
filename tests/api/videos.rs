//! Lesson videos: a video made by ffmpeg is uploaded in chunks (resumed after a cut),
//! transcoded for real into HLS renditions that ffprobe reads back, served with the right
//! types and ranges to the class only; the player's reports give the share watched;
//! hostile uploads are refused with their reason.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::helpers::{Client, PASSWORD, Res, TestApp, scalar};

/// A short test video made by ffmpeg: a test picture at 1280×720 with a tone.
pub fn make_video(dir: &std::path::Path, seconds: u32, sound: bool) -> Vec<u8> {
    let out = dir.join(format!("source-{seconds}-{sound}.mp4"));
    let mut cmd = std::process::Command::new("ffmpeg");
    cmd.args([
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
    ])
    .arg(format!("testsrc=size=1280x720:rate=25:duration={seconds}"));
    if sound {
        cmd.args(["-f", "lavfi", "-i"])
            .arg(format!("sine=frequency=440:duration={seconds}"));
    }
    cmd.args([
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
    ]);
    if sound {
        cmd.args(["-c:a", "aac", "-shortest"]);
    }
    let status = cmd
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/test)");
    assert!(status.success());
    std::fs::read(out).unwrap()
}

/// Posts raw bytes with the session's CSRF header (what the upload script does).
pub async fn post_bytes(c: &mut Client, path: &str, bytes: Vec<u8>) -> Res {
    let mut b = Request::builder().method("POST").uri(path);
    if let Some(cookie) = &c.cookie {
        b = b.header(header::COOKIE, format!("suku_session={cookie}"));
    }
    let req = b
        .header("X-CSRF-Token", c.csrf.clone().unwrap_or_default())
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    c.send(req).await
}

/// Starts (or resumes) an upload: the JSON answer.
async fn start(
    t: &mut Client,
    lesson: i64,
    name: &str,
    size: usize,
) -> (StatusCode, serde_json::Value) {
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{lesson}/video"),
            &[("name", name), ("size", &size.to_string())],
        )
        .await;
    (r.status, serde_json::from_str(&r.body).unwrap_or_default())
}

async fn send(
    t: &mut Client,
    next: &str,
    at: usize,
    bytes: &[u8],
) -> (StatusCode, serde_json::Value) {
    let r = post_bytes(t, &format!("{next}&debut={at}"), bytes.to_vec()).await;
    (r.status, serde_json::from_str(&r.body).unwrap_or_default())
}

/// Runs the queued jobs.
async fn run_jobs(app: &TestApp) {
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
}

/// Uploads `bytes` whole to a lesson's video and transcodes it.
pub async fn upload_and_transcode(app: &TestApp, lesson: i64, bytes: &[u8]) {
    let mut t = app.login_as("teacher_a").await;
    let (status, plan) = start(&mut t, lesson, "cours.mp4", bytes.len()).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let (status, done) = send(&mut t, plan["next"].as_str().unwrap(), 0, bytes).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["done"], true);
    run_jobs(app).await;
}

/// A second student, S2 of 6e B, given a login: a student of another class.
async fn other_student(app: &TestApp) -> Client {
    let hash = suku::auth::password::hash(PASSWORD.into()).await.unwrap();
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    let id = crate::helpers::mk_user(
        &mut tx,
        &hash,
        "Afi",
        "Autreclasse",
        "eleve.s2@test.tg",
        &[suku::auth::Role::Student],
    )
    .await;
    sqlx::query("UPDATE students SET user_id = $1 WHERE id = $2")
        .bind(id)
        .bind(app.f.s2)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut c = app.client();
    c.get("/connexion").await;
    let r = c.login("eleve.s2@test.tg", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    c.refresh_csrf().await;
    c
}

fn ffprobe(path: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
        ])
        .arg(path)
        .output()
        .expect("ffprobe is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The durations of a media playlist's segments.
fn segments(playlist: &str) -> Vec<String> {
    playlist
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTINF:"))
        .map(|d| d.trim_end_matches(',').to_string())
        .collect()
}

#[tokio::test]
async fn a_video_is_uploaded_in_chunks_transcoded_into_hls_and_served_to_the_class_only() {
    let app = TestApp::new().await;
    let c = crate::courses::course(&app).await;
    let lesson = c.lesson;
    let dir = tempfile::tempdir().unwrap();
    let video = make_video(dir.path(), 6, true);

    // The first half, then the link drops; the same file again resumes where it stopped.
    let mut t = app.login_as("teacher_a").await;
    let (status, plan) = start(&mut t, lesson, "fractions.mp4", video.len()).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(plan["offset"], 0);
    let next = plan["next"].as_str().unwrap().to_string();
    let half = video.len() / 2;
    let (status, got) = send(&mut t, &next, 0, &video[..half]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["offset"], half);
    let page = t
        .get(&format!("/enseignant/cours/lecons/{lesson}/video"))
        .await;
    assert!(
        page.plain()
            .contains("choisissez le même fichier pour reprendre"),
        "{}",
        page.plain()
    );
    let (_, again) = start(&mut t, lesson, "fractions.mp4", video.len()).await;
    assert_eq!(again["offset"], half, "the upload resumes");
    assert_eq!(again["next"], next.as_str());
    // A chunk sent twice, or from the wrong place: the server says where it stands.
    let (status, got) = send(&mut t, &next, 0, &video[..half]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(got["offset"], half);
    // The rest: the transcoding is queued, with its progress page.
    let (status, got) = send(&mut t, &next, half, &video[half..]).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["done"], true);
    let job_page = got["job"].as_str().unwrap().to_string();
    // Students see that it is on its way.
    let mut s = app.login_as("student").await;
    let waiting = s.get(&format!("/cours/lecons/{lesson}")).await;
    assert!(
        waiting.plain().contains("attend sa préparation"),
        "{}",
        waiting.plain()
    );

    run_jobs(&app).await;
    let done = t.get(&job_page).await;
    assert!(
        done.plain().contains("Terminé") || done.plain().contains("terminé"),
        "{}",
        done.plain()
    );
    let page = t
        .get(&format!("/enseignant/cours/lecons/{lesson}/video"))
        .await;
    assert!(
        page.plain().contains("Vidéo prête : 0:06"),
        "{}",
        page.plain()
    );
    assert!(
        page.plain().contains("240p · 360p · 720p · Son seul"),
        "{}",
        page.plain()
    );

    // What ffmpeg made, read back by ffprobe from the storage.
    let (prefix,): (String,) =
        sqlx::query_as("SELECT prefix FROM course_videos WHERE lesson_id = $1")
            .bind(lesson)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let root = app.state.config.files_dir.join(&prefix);
    let master = std::fs::read_to_string(root.join("master.m3u8")).unwrap();
    let variants: Vec<&str> = master
        .lines()
        .filter(|l| l.ends_with("index.m3u8"))
        .collect();
    assert_eq!(
        variants,
        [
            "240p/index.m3u8",
            "360p/index.m3u8",
            "720p/index.m3u8",
            "audio/index.m3u8"
        ],
        "{master}"
    );
    let mut cuts = Vec::new();
    for (name, height) in [("240p", 240), ("360p", 360), ("720p", 720)] {
        let probe = ffprobe(&root.join(name).join("index.m3u8"));
        let streams = probe["streams"].as_array().unwrap();
        let v = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
        assert_eq!(v["codec_name"], "h264", "{name}");
        assert_eq!(v["pix_fmt"], "yuv420p", "{name}");
        assert_eq!(v["height"], height, "{name}");
        assert!(
            streams.iter().any(|s| s["codec_name"] == "aac"),
            "{name} has sound"
        );
        let d: f64 = probe["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((d - 6.0).abs() < 0.5, "{name} lasts {d}");
        let playlist = std::fs::read_to_string(root.join(name).join("index.m3u8")).unwrap();
        cuts.push(segments(&playlist));
    }
    // Aligned segments: every rendition cuts at the same times.
    assert!(cuts[0].len() >= 2, "{:?}", cuts[0]);
    assert_eq!(cuts[0], cuts[1]);
    assert_eq!(cuts[1], cuts[2]);
    let audio = ffprobe(&root.join("audio").join("index.m3u8"));
    let streams = audio["streams"].as_array().unwrap();
    assert!(
        streams.iter().all(|s| s["codec_type"] == "audio"),
        "{audio}"
    );
    assert!(root.join("poster.jpg").exists());
    // The upload's scratch file is gone.
    let scratch = suku::files::LocalDisk::scratch(&app.state.config.files_dir);
    assert!(std::fs::read_dir(&scratch).map_or(true, |d| {
        d.filter_map(Result::ok)
            .all(|e| !e.file_name().to_string_lossy().ends_with(".upload"))
    }),);

    // The student's lesson page has the player; the files come with their types.
    let page = s.get(&format!("/cours/lecons/{lesson}")).await;
    let version = prefix.rsplit('/').next().unwrap();
    let base = format!("/cours/lecons/{lesson}/video/{version}");
    assert!(
        page.body
            .contains(&format!("data-src=\"{base}/master.m3u8\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("video.min.js"));
    let r = s.get(&format!("{base}/master.m3u8")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "application/vnd.apple.mpegurl"
    );
    assert!(
        r.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let seg = format!("{base}/240p/seg_0000.ts");
    let whole = s.get(&seg).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.headers[header::CONTENT_TYPE], "video/mp2t");
    assert_eq!(whole.bytes[0], 0x47, "an MPEG-TS packet");
    // A range, as players ask for.
    let req = Request::builder()
        .uri(&seg)
        .header(
            header::COOKIE,
            format!("suku_session={}", s.cookie.clone().unwrap()),
        )
        .header(header::RANGE, "bytes=188-375")
        .body(Body::empty())
        .unwrap();
    let part = s.send(req).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes, whole.bytes[188..376]);
    assert_eq!(
        part.headers[header::CONTENT_RANGE],
        format!("bytes 188-375/{}", whole.bytes.len()).as_str()
    );
    let req = Request::builder()
        .uri(&seg)
        .header(
            header::COOKIE,
            format!("suku_session={}", s.cookie.clone().unwrap()),
        )
        .header(header::RANGE, format!("bytes={}-", whole.bytes.len() + 10))
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.send(req).await.status, StatusCode::RANGE_NOT_SATISFIABLE);
    // Only what the transcoding made is served.
    assert_eq!(
        s.get(&format!("{base}/../../../etc/passwd")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get(&format!("/cours/lecons/{lesson}/video/0000/master.m3u8"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A student of another class, and a parent of other children: 403 on the course,
    // the lesson, its playlists, its segments and its poster.
    let mut other = other_student(&app).await;
    let mut p2 = app.login_as("parent_2").await;
    for c2 in [&mut other, &mut p2] {
        for path in [
            format!("/cours/{}", c.course),
            format!("/cours/lecons/{lesson}"),
            format!("{base}/master.m3u8"),
            format!("{base}/360p/index.m3u8"),
            seg.clone(),
            format!("{base}/poster.jpg"),
        ] {
            assert_eq!(c2.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
    // Anonymous: to the login page.
    let mut anon = app.client();
    let r = anon.get(&format!("{base}/master.m3u8")).await;
    assert!(r.status == StatusCode::SEE_OTHER || r.status == StatusCode::UNAUTHORIZED);

    // The player's reports: where the student is, the stretches played; most of it
    // watched completes the lesson.
    let report = format!("/cours/lecons/{lesson}/video/vue");
    let r = s
        .post(&report, &[("position", "2.5"), ("played", "0-2.5")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"percent\":50"), "{}", r.body);
    let page = s.get(&format!("/cours/lecons/{lesson}")).await;
    assert!(
        page.body.contains("data-resume=\"2\""),
        "resumes where it stopped"
    );
    let r = s
        .post(&report, &[("position", "6"), ("played", "2-6")])
        .await;
    assert!(r.body.contains("\"percent\":100"), "{}", r.body);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM course_progress WHERE completed_at IS NOT NULL AND lesson_id = $1",
            Some(lesson)
        )
        .await,
        1
    );
    // Nonsense is refused, and parents do not report.
    let r = s
        .post(&report, &[("position", "abc"), ("played", "")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut p1 = app.login_as("parent_1").await;
    assert_eq!(
        p1.post(&report, &[("position", "1")]).await.status,
        StatusCode::FORBIDDEN
    );
    // The teacher's class progress shows the share watched.
    let progress = t.get(&format!("/cours/{}/progression", c.course)).await;
    assert!(progress.plain().contains("▶ 100 %"), "{}", progress.plain());
    // So does the parent's view of their child's courses.
    let child = p1.get(&format!("/parent/enfants/{}/cours", app.f.s1)).await;
    assert!(child.plain().contains("▶ 100 %"), "{}", child.plain());

    // Removed: the files go with it.
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{lesson}/video/retrait"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!root.join("master.m3u8").exists());
    assert_eq!(
        s.get(&format!("{base}/master.m3u8")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn hostile_uploads_are_refused_with_their_reason() {
    let app = TestApp::new().await;
    let c = crate::courses::course(&app).await;
    let lesson = c.lesson;
    let mut t = app.login_as("teacher_a").await;

    // Too large, announced or sent.
    let (status, r) = start(&mut t, lesson, "film.mp4", 3 * 1024 * 1024 * 1024).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r["error"].as_str().unwrap().contains("trop lourde"), "{r}");
    let (status, plan) = start(&mut t, lesson, "petit.mp4", 100).await;
    assert_eq!(status, StatusCode::OK);
    let next = plan["next"].as_str().unwrap().to_string();
    let mut mp4 = vec![0, 0, 0, 0x20];
    mp4.extend_from_slice(b"ftypisom");
    mp4.resize(200, 0);
    let (status, _) = send(&mut t, &next, 0, &mp4).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // A chunk larger than the route takes.
    let (status, _) = send(&mut t, &next, 0, &vec![0u8; 5 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // A PDF renamed .mp4: refused from its first bytes, nothing kept.
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let (_, plan) = start(&mut t, lesson, "cours.mp4", pdf.len()).await;
    let (status, r) = send(&mut t, plan["next"].as_str().unwrap(), 0, &pdf).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("pas une vidéo reconnue"),
        "{r}"
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM course_videos WHERE state = 'failed'",
            None
        )
        .await,
        1
    );
    // Nothing more is taken for that upload.
    let (status, _) = send(&mut t, plan["next"].as_str().unwrap(), 0, &pdf).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Looks like an MP4 and is not one: ffprobe's reason is shown, and the job fails at
    // once (trying again would read it no better).
    let mut fake = vec![0, 0, 0, 0x18];
    fake.extend_from_slice(b"ftypmp42\0\0\0\0mp42isom");
    fake.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
    let (_, plan) = start(&mut t, lesson, "faux.mp4", fake.len()).await;
    let (status, got) = send(&mut t, plan["next"].as_str().unwrap(), 0, &fake).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    run_jobs(&app).await;
    let page = t
        .get(&format!("/enseignant/cours/lecons/{lesson}/video"))
        .await;
    assert!(page.plain().contains("a échoué"), "{}", page.plain());
    let (reason,): (String,) =
        sqlx::query_as("SELECT error FROM course_videos WHERE lesson_id = $1")
            .bind(lesson)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(
        !reason.is_empty() && page.plain().contains(reason.lines().next().unwrap()),
        "{reason}"
    );
    let (state, attempts): (String, i64) =
        sqlx::query_as("SELECT state, attempts FROM jobs WHERE kind = 'course.video'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts), ("failed", 1));

    // Another teacher's lesson, a student, a parent: refused before a byte is kept.
    let mut s = app.login_as("student").await;
    let (status, _) = start(&mut s, lesson, "x.mp4", 10).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut b = app.client();
    b.get("/connexion").await;
    b.login("prof.b@test.tg", PASSWORD).await;
    b.refresh_csrf().await;
    let (status, _) = start(&mut b, lesson, "x.mp4", 10).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A ready video on a lesson without running ffmpeg (for the route matrices): a row and its
/// poster in the storage; the address its files are served under.
pub async fn ready_video(app: &TestApp, lesson: i64) -> String {
    let prefix = format!("course_video/{lesson}/00ff00ff00ff00ff");
    app.state
        .files
        .put(
            &format!("{prefix}/poster.jpg"),
            &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10],
        )
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO course_videos (lesson_id, state, source_name, source_size, received, \
         upload_token, prefix, files, renditions, duration_ms, updated_at) \
         VALUES ($1, 'ready', 'cours.mp4', 6, 6, 'abc', $2, '[\"poster.jpg\"]', \
         '[{\"name\":\"240p\",\"height\":240,\"video_kbps\":300,\"audio_kbps\":0}]', 6000, $3)",
    )
    .bind(lesson)
    .bind(&prefix)
    .bind(crate::helpers::now())
    .execute(&app.db.pool)
    .await
    .unwrap();
    format!("/cours/lecons/{lesson}/video/00ff00ff00ff00ff")
}

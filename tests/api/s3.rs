//! Files in an S3-compatible store, against a real local S3 server (moto in server mode,
//! which `scripts/test` installs): the storage contract every backend keeps, then a lesson
//! video transcoded into the store and served from it, in ranges, to the class only.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use suku::files::Storage;
use suku::files::s3::{S3, S3Config};

use crate::helpers::TestApp;

/// A moto server on a free port, stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    pub async fn start() -> Moto {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server is installed (scripts/test installs moto[server])");
        let moto = Moto { child, port };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start on port {port}");
    }

    /// A new bucket (S3's CreateBucket: `PUT /{bucket}`), and the configuration to use it.
    pub async fn bucket(&self, name: &str) -> S3Config {
        let r = reqwest::Client::new()
            .put(format!("http://127.0.0.1:{}/{name}", self.port))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        S3Config {
            bucket: name.into(),
            endpoint: format!("http://127.0.0.1:{}", self.port),
            region: "us-east-1".into(),
            access_key_id: "testing".into(),
            secret_access_key: suku::config::Secret("testing".into()),
        }
    }
}

async fn read(body: Body) -> Vec<u8> {
    body.collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn the_storage_contract_holds_on_s3() {
    let moto = Moto::start().await;
    let store = S3::new(&moto.bucket("contract").await).unwrap();
    store.put("a/b/one.txt", b"bonjour").await.unwrap();
    assert_eq!(store.get("a/b/one.txt").await.unwrap(), b"bonjour");
    assert_eq!(store.size("a/b/one.txt").await.unwrap(), 7);
    assert_eq!(
        read(store.stream("a/b/one.txt").await.unwrap()).await,
        b"bonjour"
    );
    assert_eq!(
        read(store.stream_range("a/b/one.txt", 3, 7).await.unwrap()).await,
        b"jour"
    );
    // A file of the disk, small then large (sent in parts), moved into the store.
    let dir = tempfile::tempdir().unwrap();
    for size in [1000usize, 9 * 1024 * 1024 + 17] {
        let src = dir.path().join(format!("f{size}"));
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        std::fs::write(&src, &bytes).unwrap();
        let key = format!("big/{size}");
        store.put_file(&key, &src).await.unwrap();
        assert!(!src.exists(), "the file was moved");
        assert_eq!(store.size(&key).await.unwrap(), size as u64);
        assert_eq!(store.get(&key).await.unwrap(), bytes);
        let tail = read(
            store
                .stream_range(&key, size as u64 - 10, size as u64)
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(tail, bytes[size - 10..]);
    }
    store.delete("a/b/one.txt").await.unwrap();
    assert!(store.get("a/b/one.txt").await.is_err());
    // Removing what is not there is no error; keys that could climb are refused.
    store.delete("a/b/one.txt").await.unwrap();
    assert!(store.put("../x", b"no").await.is_err());
    assert!(store.put("a//b", b"no").await.is_err());
}

#[tokio::test]
async fn a_lesson_video_is_transcoded_into_s3_and_served_from_it() {
    let moto = Moto::start().await;
    let s3 = moto.bucket("ecole").await;
    let app = TestApp::with_config(|c| c.s3 = s3.clone()).await;
    let c = crate::courses::course(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let video = crate::videos::make_video(dir.path(), 4, true);
    crate::videos::upload_and_transcode(&app, c.lesson, &video).await;

    let (prefix,): (String,) =
        sqlx::query_as("SELECT prefix FROM course_videos WHERE lesson_id = $1 AND state = 'ready'")
            .bind(c.lesson)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    // In the bucket, not on the disk.
    let store = S3::new(&s3).unwrap();
    let master =
        String::from_utf8(store.get(&format!("{prefix}/master.m3u8")).await.unwrap()).unwrap();
    assert!(master.contains("240p/index.m3u8"), "{master}");
    assert!(!app.state.config.files_dir.join(&prefix).exists());

    let version = prefix.rsplit('/').next().unwrap();
    let seg = format!(
        "/cours/lecons/{}/video/{version}/360p/seg_0000.ts",
        c.lesson
    );
    let mut s = app.login_as("student").await;
    let whole = s.get(&seg).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.headers[header::CONTENT_TYPE], "video/mp2t");
    let req = Request::builder()
        .uri(&seg)
        .header(
            header::COOKIE,
            format!("suku_session={}", s.cookie.clone().unwrap()),
        )
        .header(header::RANGE, "bytes=0-187")
        .body(Body::empty())
        .unwrap();
    let part = s.send(req).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes, whole.bytes[..188]);
    let mut p2 = app.login_as("parent_2").await;
    assert_eq!(p2.get(&seg).await.status, StatusCode::FORBIDDEN);

    // Removed: gone from the bucket too.
    let mut t = app.login_as("teacher_a").await;
    t.get(&format!("/enseignant/cours/lecons/{}/video", c.lesson))
        .await;
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{}/video/retrait", c.lesson),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(store.get(&format!("{prefix}/master.m3u8")).await.is_err());
}

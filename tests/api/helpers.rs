#![allow(dead_code)]
//! The test harness: a fresh database per test (a SQLite file, or a new PostgreSQL database
//! on the server named by `SUKU_TEST_PG_URL`), a small school fixture, and an in-process
//! client that keeps its session cookie and CSRF token like a browser.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use suku::app::{self, AppState};
use suku::auth::Role;
use suku::config::Config;
use suku::db::{self, Pool};
use tower::ServiceExt;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The moment the tests' school clock starts at: a Wednesday morning late in the first term
/// (2026-12-02, 09:00 in Lomé), after every day the tests write marks and roll calls on.
/// Every test sees the same calendar, whatever day it runs.
pub fn start() -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("a valid date")
        .and_utc()
}

/// The school's time for code that has no test app at hand (the fixture): the start
/// itself, so that whatever a test app's clock reads later is after it.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    start()
}

/// A configuration for a test server on `url`, its clock on the tests' school day (one
/// clock for every node started from this configuration).
pub fn test_config(url: &str) -> Config {
    let mut c = Config::new(url);
    c.clock = Some(suku::clock::Clock::starting_at(start()));
    c
}

/// A database that lives as long as the test. On PostgreSQL it is dropped with the test, so
/// a whole run keeps only a few databases on disk.
pub struct TestDb {
    pub pool: Pool,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    #[cfg(feature = "postgres")]
    name: String,
}

/// Creates an empty, migrated database.
pub async fn fresh_db() -> TestDb {
    #[cfg(not(feature = "postgres"))]
    {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        let pool = db::connect(&url, 4).await.expect("open sqlite");
        db::migrate(&pool).await.expect("migrate");
        TestDb {
            pool,
            url,
            _dir: Some(dir),
        }
    }
    #[cfg(feature = "postgres")]
    {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let template = pg::template().await;
        let name = format!("suku_t{}_{}", std::process::id(), n);
        pg::admin(&format!(
            "CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY"
        ))
        .await;
        let url = pg::url_of(&name);
        let pool = db::connect(&url, 4).await.expect("open test database");
        TestDb {
            pool,
            url,
            _dir: None,
            name,
        }
    }
}

#[cfg(feature = "postgres")]
impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which must not block on itself: the
        // statement runs on a thread of its own.
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let done = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(pg::admin(&sql));
        })
        .join();
        if done.is_err() && !std::thread::panicking() {
            panic!("could not drop the test database {}", self.name);
        }
    }
}

/// The PostgreSQL side of the harness: one migrated template per test process, copied for
/// each test (copying files is much cheaper than running every migration again).
#[cfg(feature = "postgres")]
mod pg {
    use super::*;
    use tokio::sync::OnceCell;

    fn admin_url() -> String {
        std::env::var("SUKU_TEST_PG_URL")
            .expect("SUKU_TEST_PG_URL must name a PostgreSQL server for the postgres test run")
    }

    pub fn url_of(name: &str) -> String {
        let admin = admin_url();
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        format!("{base}/{name}")
    }

    /// Runs one statement on the server's maintenance database, trying again for a while
    /// when the server is busy: a loaded machine is not a failed test.
    pub async fn admin(sql: &str) {
        let mut last = String::new();
        for attempt in 0..5u64 {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(500 * attempt)).await;
            }
            let conn = match db::connect(&admin_url(), 1).await {
                Ok(c) => c,
                Err(e) => {
                    last = format!("connect to postgres: {e:#}");
                    continue;
                }
            };
            let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&conn)
                .await;
            conn.close().await;
            match done {
                Ok(_) => return,
                Err(e) => last = format!("{sql}: {e}"),
            }
        }
        panic!("{last}");
    }

    pub async fn template() -> &'static str {
        static TEMPLATE: OnceCell<String> = OnceCell::const_new();
        TEMPLATE
            .get_or_init(|| async {
                let name = format!("suku_tpl{}", std::process::id());
                admin(&format!("DROP DATABASE IF EXISTS {name}")).await;
                admin(&format!("CREATE DATABASE {name}")).await;
                let pool = db::connect(&url_of(&name), 1)
                    .await
                    .expect("open the template database");
                db::migrate(&pool).await.expect("migrate");
                pool.close().await;
                name
            })
            .await
    }
}

/// The people and records of the small test school.
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    pub director: i64,
    pub bursar: i64,
    pub secretary: i64,
    pub teacher_a: i64,
    pub teacher_b: i64,
    pub parent_1: i64,
    pub parent_2: i64,
    pub student_user: i64,
    pub class_a: i64,
    pub class_b: i64,
    /// Parent 1's children: S1 in 6e A (with a login), S2 in 6e B.
    pub s1: i64,
    pub s2: i64,
    /// Parent 2's child, in 6e B.
    pub s3: i64,
    /// Mathématiques, taught by teacher A in 6e A and teacher B in 6e B.
    pub maths: i64,
}

pub const PASSWORD: &str = "motdepasse-2026";

/// Logins of the fixture's accounts.
pub fn login_of(role: &str) -> &'static str {
    match role {
        "director" => "directeur@test.tg",
        "bursar" => "econome@test.tg",
        "secretary" => "secretariat@test.tg",
        "teacher_a" => "prof.a@test.tg",
        "teacher_b" => "prof.b@test.tg",
        "parent_1" => "+22890000001",
        "parent_2" => "+22890000002",
        "student" => "eleve.s1@test.tg",
        other => panic!("unknown fixture role {other}"),
    }
}

pub async fn mk_user(
    tx: &mut db::Tx<'_>,
    hash: &str,
    first: &str,
    last: &str,
    login: &str,
    roles: &[Role],
) -> i64 {
    let (email, phone) = if login.contains('@') {
        (Some(login.to_string()), None)
    } else {
        (None, Some(login.to_string()))
    };
    let p = suku::admin::repo::PersonInput {
        first_name: first.into(),
        last_name: last.into(),
        email,
        phone,
        temporary_password: false,
    };
    suku::admin::repo::insert_user(tx, &p, hash, roles, crate::helpers::now())
        .await
        .expect("insert user")
}

/// Fills a fresh database with the small school.
pub async fn seed(pool: &Pool) -> Fixture {
    let hash = suku::auth::password::hash(PASSWORD.into()).await.unwrap();
    let mut tx = suku::db::begin_write(pool).await.unwrap();
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let (year,): (i64,) = sqlx::query_as(
        "INSERT INTO school_years (label, starts_on, ends_on, current) VALUES ('2026-2027', $1, $2, TRUE) RETURNING id",
    )
    .bind(d(2026, 10, 5))
    .bind(d(2027, 7, 3))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    for (n, (a, b)) in [
        (d(2026, 10, 5), d(2026, 12, 19)),
        (d(2027, 1, 4), d(2027, 3, 27)),
        (d(2027, 4, 7), d(2027, 7, 3)),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query("INSERT INTO periods (school_year_id, ordinal, kind, starts_on, ends_on) VALUES ($1, $2, 'trimestre', $3, $4)")
            .bind(year)
            .bind(n as i64 + 1)
            .bind(a)
            .bind(b)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let (level,): (i64,) = sqlx::query_as("INSERT INTO levels (code, name, cycle, ordinal) VALUES ('6e', 'Sixième', 'college', 6) RETURNING id")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let (maths,): (i64,) = sqlx::query_as(
        "INSERT INTO subjects (code, name) VALUES ('MATH', 'Mathématiques') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let mut f = Fixture {
        director: mk_user(
            &mut tx,
            &hash,
            "Kossi",
            "Amegan",
            login_of("director"),
            &[Role::Director],
        )
        .await,
        bursar: mk_user(
            &mut tx,
            &hash,
            "Akossiwa",
            "Lawson",
            login_of("bursar"),
            &[Role::Bursar],
        )
        .await,
        secretary: mk_user(
            &mut tx,
            &hash,
            "Béatrice",
            "Mensah",
            login_of("secretary"),
            &[Role::Secretary],
        )
        .await,
        teacher_a: mk_user(
            &mut tx,
            &hash,
            "Yao",
            "Kpodar",
            login_of("teacher_a"),
            &[Role::Teacher],
        )
        .await,
        teacher_b: mk_user(
            &mut tx,
            &hash,
            "Ama",
            "Tchalla",
            login_of("teacher_b"),
            &[Role::Teacher],
        )
        .await,
        parent_1: mk_user(
            &mut tx,
            &hash,
            "Adjoa",
            "Agbodjan",
            login_of("parent_1"),
            &[Role::Parent],
        )
        .await,
        parent_2: mk_user(
            &mut tx,
            &hash,
            "Komla",
            "Fiadjoe",
            login_of("parent_2"),
            &[Role::Parent],
        )
        .await,
        student_user: mk_user(
            &mut tx,
            &hash,
            "Elom",
            "Agbodjan",
            login_of("student"),
            &[Role::Student],
        )
        .await,
        ..Default::default()
    };
    f.maths = maths;
    for (name, teacher) in [("6e A", f.teacher_a), ("6e B", f.teacher_b)] {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO classes (school_year_id, level_id, grp, name, room, head_teacher_user_id) VALUES ($1, $2, $3, $4, 'Salle 1', $5) RETURNING id",
        )
        .bind(year)
        .bind(level)
        .bind(&name[3..])
        .bind(name)
        .bind(teacher)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        sqlx::query("INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(maths)
            .bind(teacher)
            .execute(&mut *tx)
            .await
            .unwrap();
        if name == "6e A" {
            f.class_a = id;
        } else {
            f.class_b = id;
        }
    }
    sqlx::query("INSERT INTO rooms (name, capacity) VALUES ('Salle 1', 50), ('Salle 9', 40)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let student = |m: &str, first: &str, last: &str| suku::school::StudentInput {
        matricule: m.into(),
        first_name: first.into(),
        last_name: last.into(),
        sex: "M",
        birth_date: Some(d(2014, 3, 14)),
        birth_place: Some("Lomé".into()),
    };
    f.s1 = suku::school::insert_student(
        &mut *tx,
        &student("T-001", "Elom", "Agbodjan"),
        Some(f.student_user),
        crate::helpers::now(),
    )
    .await
    .unwrap();
    f.s2 = suku::school::insert_student(
        &mut *tx,
        &student("T-002", "Sena", "Agbodjan"),
        None,
        crate::helpers::now(),
    )
    .await
    .unwrap();
    f.s3 = suku::school::insert_student(
        &mut *tx,
        &student("T-003", "Yawo", "Fiadjoe"),
        None,
        crate::helpers::now(),
    )
    .await
    .unwrap();
    for (s, c) in [(f.s1, f.class_a), (f.s2, f.class_b), (f.s3, f.class_b)] {
        suku::school::enroll(&mut *tx, s, c, crate::helpers::now())
            .await
            .unwrap();
    }
    for (s, p) in [(f.s1, f.parent_1), (f.s2, f.parent_1), (f.s3, f.parent_2)] {
        suku::school::link_guardian(&mut *tx, s, p, "mere")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    f
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.state.realtime.detach();
    }
}

/// An application on a fresh database with the fixture.
pub struct TestApp {
    pub router: Router,
    pub db: TestDb,
    pub f: Fixture,
    pub state: AppState,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(tweak: impl FnOnce(&mut Config)) -> Self {
        // SUKU_TEST_LOG=debug shows the server's log of a failing test.
        if let Ok(filter) = std::env::var("SUKU_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let db = fresh_db().await;
        let f = seed(&db.pool).await;
        let mut config = Config::new(db.url.clone());
        // Each test keeps its uploaded files apart, outside the source tree.
        static FILES: AtomicU64 = AtomicU64::new(0);
        config.files_dir = std::env::temp_dir().join(format!(
            "suku-test-files-{}-{}",
            std::process::id(),
            FILES.fetch_add(1, Ordering::SeqCst)
        ));
        config.clock = Some(suku::clock::Clock::starting_at(start()));
        tweak(&mut config);
        let state = AppState::new(db.pool.clone(), config).unwrap();
        TestApp {
            router: app::router(state.clone()),
            db,
            f,
            state,
        }
    }

    /// A client with no session.
    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
            csrf: None,
            lang: None,
        }
    }

    /// A client logged in as one of the fixture's roles.
    pub async fn login_as(&self, who: &str) -> Client {
        Self::login_on(self.client(), who).await
    }

    /// A client of another router (a served node of the same database), logged in.
    pub async fn login_on_router(&self, router: Router, who: &str) -> Client {
        let c = Client {
            router,
            cookie: None,
            csrf: None,
            lang: None,
        };
        Self::login_on(c, who).await
    }

    async fn login_on(mut c: Client, who: &str) -> Client {
        let res = c.login(login_of(who), PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login as {who}: {}",
            res.body
        );
        c.refresh_csrf().await;
        c
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (a PDF, a workbook).
    pub bytes: Vec<u8>,
    /// The access rule the route declared, if the request reached a route that has one.
    pub access: Option<suku::authz::Rule>,
}

impl Res {
    /// The body with HTML entities decoded, to look for text as a person reads it.
    pub fn text(&self) -> String {
        self.body
            .replace("&#38;", "&")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// The visible text: tags dropped, entities decoded, every kind of space (no-break,
    /// narrow no-break) as one plain space. For asserting on sentences across markup.
    pub fn plain(&self) -> String {
        let mut out = String::with_capacity(self.body.len());
        let mut in_tag = false;
        for c in self.text().chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    out.push(' ');
                }
                _ if in_tag => {}
                '\u{a0}' | '\u{202f}' => out.push(' '),
                c => out.push(c),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A browser-like client: keeps the session cookie and the last CSRF token seen.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub lang: Option<String>,
}

pub fn extract_csrf(body: &str) -> Option<String> {
    let at = body.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(body[at..at + 64].to_string())
}

impl Client {
    pub async fn send(&mut self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let access = res.extensions().get::<suku::authz::Rule>().copied();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("suku_session=") {
                let value = rest.split(';').next().unwrap_or("");
                self.cookie = if value.is_empty() {
                    None
                } else {
                    Some(value.to_string())
                };
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = extract_csrf(&body) {
            self.csrf = Some(t);
        }
        Res {
            status,
            headers,
            body,
            bytes: bytes.to_vec(),
            access,
        }
    }

    fn builder(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, format!("suku_session={c}"));
        }
        if let Some(l) = &self.lang {
            b = b.header(header::ACCEPT_LANGUAGE, l.as_str());
        }
        b
    }

    pub async fn get(&mut self, path: &str) -> Res {
        let req = self.builder("GET", path).body(Body::empty()).unwrap();
        self.send(req).await
    }

    pub async fn get_htmx(&mut self, path: &str) -> Res {
        let req = self
            .builder("GET", path)
            .header("HX-Request", "true")
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        self.post_raw(path, &all).await
    }

    /// Posts a form as htmx does (the `HX-Request` header), with the CSRF token added.
    pub async fn post_htmx(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        self.post_htmx_with(path, fields, &[]).await
    }

    /// The same with more request headers.
    pub async fn post_htmx_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Res {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &token));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&all)
            .finish();
        let mut b = self
            .builder("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("HX-Request", "true");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A GET with more request headers.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Res {
        let mut b = self.builder("GET", path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = self
            .builder("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Uploads a file as a browser does (multipart/form-data), with the CSRF token.
    pub async fn upload(&mut self, path: &str, filename: &str, content: &[u8]) -> Res {
        self.upload_with(path, &[], "file", filename, content).await
    }

    /// A multipart form: text fields, the CSRF token, and one file in `file_field`.
    pub async fn upload_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        filename: &str,
        content: &[u8],
    ) -> Res {
        let boundary = "----suku-test-boundary";
        let token = self.csrf.clone().unwrap_or_default();
        let mut body = Vec::new();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &token));
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .builder("POST", path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Res {
        self.get("/connexion").await;
        self.post("/connexion", &[("login", login), ("password", password)])
            .await
    }

    /// Loads a page to pick up the session's current token (it changes at login).
    pub async fn refresh_csrf(&mut self) {
        let r = self.get("/compte/mot-de-passe").await;
        assert_eq!(r.status, StatusCode::OK);
    }
}

/// Fees on top of the fixture: scolarité for 6e in two tranches (30 000 due 15/10/2026,
/// 25 000 due 15/01/2027) billed to the three students, a tranche nobody is billed for yet
/// (APE for another level), and one desk payment each for S1 and S3.
#[derive(Clone, Debug, Default)]
pub struct FeesFixture {
    pub scolarite: i64,
    pub level_6e: i64,
    pub unbilled_tranche: i64,
    pub receipt_s1: i64,
    pub receipt_s3: i64,
}

pub async fn seed_fees(app: &TestApp) -> FeesFixture {
    use suku::fees::{self, repo};
    let pool = &app.db.pool;
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let mut ff = FeesFixture::default();
    let (year,): (i64,) = sqlx::query_as("SELECT id FROM school_years WHERE current = TRUE")
        .fetch_one(pool)
        .await
        .unwrap();
    (ff.level_6e,) = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(app.f.class_a)
        .fetch_one(pool)
        .await
        .unwrap();
    let (other_level,): (i64,) = sqlx::query_as(
        "INSERT INTO levels (code, name, cycle, ordinal) VALUES ('CM2', 'Cours moyen 2', 'primaire', 6) RETURNING id",
    )
    .fetch_one(pool)
        .await
        .unwrap();
    let mut tx = suku::db::begin_write(pool).await.unwrap();
    ff.scolarite = repo::insert_fee_type(&mut *tx, "scolarite", "Scolarité")
        .await
        .unwrap();
    let ape = repo::insert_fee_type(&mut *tx, "ape", "Cotisation APE")
        .await
        .unwrap();
    for (label, amount, due) in [
        ("1re tranche", 30_000, d(2026, 10, 15)),
        ("2e tranche", 25_000, d(2027, 1, 15)),
    ] {
        repo::insert_tranche(
            &mut *tx,
            &repo::NewTranche {
                school_year_id: year,
                level_id: ff.level_6e,
                fee_type_id: ff.scolarite,
                label: label.into(),
                amount,
                due_on: due,
            },
        )
        .await
        .unwrap();
    }
    ff.unbilled_tranche = repo::insert_tranche(
        &mut *tx,
        &repo::NewTranche {
            school_year_id: year,
            level_id: other_level,
            fee_type_id: ape,
            label: "Cotisation".into(),
            amount: 5_000,
            due_on: d(2026, 10, 31),
        },
    )
    .await
    .unwrap();
    fees::bill_missing(
        &mut tx,
        year,
        None,
        None,
        Some(app.f.bursar),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for (s, amount) in [(app.f.s1, "10000"), (app.f.s3, "30000")] {
        let p = fees::DeskPayment {
            student_id: s,
            amount: fees::AmountXof::parse(amount).unwrap(),
            method: "especes",
            reference: None,
            payer: None,
            idempotency_key: None,
        };
        let id = fees::record_payment(pool, &p, app.f.bursar, app.state.clock.now())
            .await
            .unwrap();
        if s == app.f.s1 {
            ff.receipt_s1 = id;
        } else {
            ff.receipt_s3 = id;
        }
    }
    ff
}

/// One number out of a query.
pub async fn scalar(pool: &Pool, sql: &'static str, bind: Option<i64>) -> i64 {
    let q = sqlx::query_as::<_, (i64,)>(sql);
    let q = match bind {
        Some(b) => q.bind(b),
        None => q,
    };
    q.fetch_one(pool).await.unwrap().0
}

/// Chat on top of the fixture: a direct conversation of parent 1 and teacher A with one
/// message ("Rendez-vous mardi") carrying a file, the parents' channel of 6e B, the class
/// channel of 6e A, and a notification for parent 1.
#[derive(Clone, Debug, Default)]
pub struct ChatFixture {
    pub direct: i64,
    pub message: i64,
    pub file: i64,
    pub parents_b: i64,
    pub class_a: i64,
    pub notification: i64,
}

pub async fn seed_chat(app: &TestApp) -> ChatFixture {
    let pool = &app.db.pool;
    let f = &app.f;
    let now = chrono::Utc::now();
    let conv = |key: String, kind: &'static str, class: Option<i64>| async move {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO conversations (key, kind, class_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(key)
        .bind(kind)
        .bind(class)
        .bind(now)
        .fetch_one(pool)
        .await
        .unwrap();
        id
    };
    let (a, b) = (f.parent_1.min(f.teacher_a), f.parent_1.max(f.teacher_a));
    let direct = conv(format!("direct:{a}:{b}"), "direct", None).await;
    for u in [a, b] {
        sqlx::query("INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2)")
            .bind(direct)
            .bind(u)
            .execute(pool)
            .await
            .unwrap();
    }
    let parents_b = conv(
        format!("parents:{}", f.class_b),
        "class_parents",
        Some(f.class_b),
    )
    .await;
    let class_a = conv(format!("class:{}", f.class_a), "class", Some(f.class_a)).await;
    let (message,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (conversation_id, author_id, body, created_at) VALUES ($1, $2, 'Rendez-vous mardi', $3) RETURNING id",
    )
    .bind(direct)
    .bind(f.parent_1)
    .bind(now)
    .fetch_one(pool)
    .await
    .unwrap();
    let file = suku::files::save(
        pool,
        &app.state.files,
        ("message", message),
        "mot.pdf",
        "application/pdf",
        b"%PDF-1.4 Rendez-vous mardi",
        Some(f.parent_1),
        now,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE messages SET file_id = $1 WHERE id = $2")
        .bind(file)
        .bind(message)
        .execute(pool)
        .await
        .unwrap();
    let (notification,): (i64,) = sqlx::query_as(
        "INSERT INTO notifications (user_id, kind, text_key, args, link, created_at) \
         VALUES ($1, 'message', 'notif-message', '{\"author\": \"Rendez-vous mardi\"}', '/messages', $2) RETURNING id",
    )
    .bind(f.parent_1)
    .bind(now)
    .fetch_one(pool)
    .await
    .unwrap();
    ChatFixture {
        direct,
        message,
        file,
        parents_b,
        class_a,
        notification,
    }
}

/// A new devoir out of 20 in `class`'s maths for period `ordinal`, created by its teacher
/// through the gradebook; returns its id.
pub async fn evaluation(
    app: &TestApp,
    t: &mut Client,
    class: i64,
    ordinal: i64,
    held_on: &str,
) -> i64 {
    let (period,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = $1")
        .bind(ordinal)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = t
        .post(
            &format!("/enseignant/classes/{class}/matieres/{}", app.f.maths),
            &[
                ("period_id", &period.to_string()),
                ("kind", "devoir"),
                ("title", "Devoir surveillé"),
                ("held_on", held_on),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

/// Types a mark in the gradebook, as the teacher does.
pub async fn set_mark(t: &mut Client, eval: i64, student: i64, mark: &str) {
    let cell = format!("note_{student}");
    let r = t
        .post(
            &format!("/enseignant/evaluations/{eval}/eleves/{student}"),
            &[(&cell, mark)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// A job that no registry runs: something queued, to see who may look at it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Noop {}

impl suku::jobs::Payload for Noop {
    const KIND: &'static str = "test.noop";
}

/// Hands the waiting school events to the notifications.
pub async fn notify(app: &TestApp) {
    suku::events::dispatch(
        &app.db.pool,
        &suku::notifications::Notifier::new(&app.state),
        100,
        app.state.clock.now(),
    )
    .await
    .unwrap();
}

//! Online courses: a teacher writes a course for their class and subject (modules, lessons in
//! Markdown, files, prerequisites, opening days, drafts); the class's students follow it and
//! their progress is recorded; parents see their child's; nobody else reads it.

use axum::http::StatusCode;
use suku::courses::repo::{self, NewLesson};

use crate::helpers::{TestApp, scalar};

/// A course of teacher A (6e A, maths) with a published module and lesson, and a second
/// course, module and lesson that the route matrices may delete.
pub struct Course {
    pub course: i64,
    pub module: i64,
    pub lesson: i64,
    pub gone_course: i64,
    pub gone_module: i64,
    pub gone_lesson: i64,
}

async fn add_course(app: &TestApp, title: &str) -> (i64, i64, i64) {
    let f = &app.f;
    let now = app.state.clock.now();
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    let c = repo::insert_course(&mut tx, f.class_a, f.maths, title, "", f.teacher_a, now)
        .await
        .unwrap();
    let m = repo::insert_module(&mut *tx, c, "Chapitre 1 – Les fractions", true, None)
        .await
        .unwrap();
    let l = repo::insert_lesson(
        &mut *tx,
        m,
        &NewLesson {
            title: "Qu’est-ce qu’une fraction ?".into(),
            body: "Une **fraction** est un quotient.".into(),
            published: true,
            available_from: None,
            prerequisite_id: None,
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (c, m, l)
}

pub async fn course(app: &TestApp) -> Course {
    let (course, module, lesson) = add_course(app, "Nombres et calculs").await;
    let (gone_course, gone_module, gone_lesson) = add_course(app, "Brouillon à jeter").await;
    Course {
        course,
        module,
        lesson,
        gone_course,
        gone_module,
        gone_lesson,
    }
}

/// The id in a redirect to `/…/{id}` (before any `#`).
fn id_in(location: &str) -> i64 {
    location
        .split('#')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_teacher_builds_a_course_that_the_class_follows_and_parents_see() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    let mine = t.get("/enseignant/cours").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.plain().contains("6e A"), "{}", mine.plain());
    let r = t
        .post(
            "/enseignant/cours",
            &[
                ("class_id", &f.class_a.to_string()),
                ("subject_id", &f.maths.to_string()),
                ("title", "Nombres et calculs"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let course = id_in(r.location());
    let r = t
        .post(
            &format!("/enseignant/cours/{course}/modules"),
            &[
                ("module_title", "Chapitre 1 – Les fractions"),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let module = scalar(&app.db.pool, "SELECT MAX(id) FROM course_modules", None).await;
    // A first lesson with a PDF, then one that waits for it.
    let r = t
        .upload_with(
            &format!("/enseignant/cours/modules/{module}/lecon"),
            &[
                ("title", "Qu’est-ce qu’une fraction ?"),
                (
                    "body",
                    "## Définition\n\nUne **fraction** est un quotient.\n\n<script>alert('x')</script>",
                ),
                ("published", "1"),
            ],
            "file",
            "fiche.pdf",
            b"%PDF-1.4 fiche d'exercices",
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = scalar(&app.db.pool, "SELECT MAX(id) FROM course_lessons", None).await;
    let r = t
        .post(
            &format!("/enseignant/cours/modules/{module}/lecon"),
            &[
                ("title", "Additionner des fractions"),
                ("body", "On réduit au même dénominateur."),
                ("published", "1"),
                ("prerequisite_id", &first.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let second = scalar(&app.db.pool, "SELECT MAX(id) FROM course_lessons", None).await;
    let editor = t.get(&format!("/enseignant/cours/{course}")).await;
    assert!(editor.plain().contains("Additionner des fractions"));

    // The student sees the course; the second lesson is closed until the first is done.
    let mut s = app.login_as("student").await;
    let list = s.get("/eleve/cours").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.plain().contains("Nombres et calculs"),
        "{}",
        list.plain()
    );
    assert!(list.plain().contains("0 % terminé"), "{}", list.plain());
    let closed = s.get(&format!("/cours/lecons/{second}")).await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN);
    assert!(
        closed
            .plain()
            .contains("Terminez d’abord la leçon « Qu’est-ce qu’une fraction ? »"),
        "{}",
        closed.plain()
    );
    assert!(!closed.body.contains("même dénominateur"));
    let lesson = s.get(&format!("/cours/lecons/{first}")).await;
    assert_eq!(lesson.status, StatusCode::OK);
    assert!(
        lesson.body.contains("<strong>fraction</strong>"),
        "{}",
        lesson.body
    );
    assert!(
        !lesson.body.contains("<script>alert"),
        "the Markdown is sanitised"
    );
    let file = scalar(
        &app.db.pool,
        "SELECT id FROM files WHERE owner_kind = 'course_lesson' AND owner_id = $1",
        Some(first),
    )
    .await;
    assert!(lesson.body.contains(&format!("/fichiers/{file}")));
    let pdf = s.get(&format!("/fichiers/{file}")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF"));
    // Opening recorded a view; "terminé" completes it once, with one event.
    let r = s.post(&format!("/cours/lecons/{first}/termine"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/cours/lecons/{second}"));
    s.post(&format!("/cours/lecons/{first}/termine"), &[]).await;
    let events = scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM school_events WHERE kind = 'course.lesson_completed'",
        None,
    )
    .await;
    assert_eq!(events, 1);
    let open = s.get(&format!("/cours/lecons/{second}")).await;
    assert_eq!(open.status, StatusCode::OK);
    assert!(open.body.contains("même dénominateur"));
    assert!(s.get("/eleve/cours").await.plain().contains("50 % terminé"));

    // Parent 1 sees S1's progress; parent 2 (a child in 6e B) may not read the course.
    let mut p1 = app.login_as("parent_1").await;
    let child = p1.get(&format!("/parent/enfants/{}/cours", f.s1)).await;
    assert_eq!(child.status, StatusCode::OK);
    assert!(child.plain().contains("50 % terminé"), "{}", child.plain());
    assert!(
        child
            .plain()
            .contains("Prochaine leçon : Additionner des fractions")
    );
    let mut p2 = app.login_as("parent_2").await;
    for path in [
        format!("/cours/{course}"),
        format!("/cours/lecons/{first}"),
        format!("/fichiers/{file}"),
        format!("/parent/enfants/{}/cours", f.s1),
    ] {
        let r = p2.get(&path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.contains("fraction"), "{path}");
    }
    // Teacher B (maths in 6e B) may not edit it; the class's progress is teacher A's.
    let mut tb = app.login_as("teacher_b").await;
    let r = tb.get(&format!("/enseignant/cours/{course}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let progress = t.get(&format!("/cours/{course}/progression")).await;
    assert_eq!(progress.status, StatusCode::OK);
    assert!(progress.body.contains("✔"), "{}", progress.body);
}

#[tokio::test]
async fn bad_lessons_are_refused_with_their_reason_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let c = course(&app).await;
    let mut t = app.login_as("teacher_a").await;
    let path = format!("/enseignant/cours/modules/{}/lecon", c.module);
    let before = scalar(&app.db.pool, "SELECT COUNT(*) FROM course_lessons", None).await;
    // No title.
    let r = t.post(&path, &[("title", "  "), ("body", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("obligatoire"), "{}", r.plain());
    // A page disguised as a PDF.
    let r = t
        .upload_with(
            &path,
            &[("title", "Fiche")],
            "file",
            "fiche.pdf",
            b"<html><script>alert(1)</script></html>",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("images et les PDF"), "{}", r.plain());
    // A prerequisite of another course, and one that would wait for the lesson itself.
    let r = t
        .post(
            &path,
            &[
                ("title", "Intrus"),
                ("prerequisite_id", &c.gone_lesson.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{}", c.lesson),
            &[
                ("title", "Boucle"),
                ("prerequisite_id", &c.lesson.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("n’attend pas déjà celle-ci"),
        "{}",
        r.plain()
    );
    // A bad opening day.
    let r = t
        .post(
            &path,
            &[("title", "Plus tard"), ("available_from", "31/02/2027")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = scalar(&app.db.pool, "SELECT COUNT(*) FROM course_lessons", None).await;
    assert_eq!(before, after);
    let files = scalar(&app.db.pool, "SELECT COUNT(*) FROM files", None).await;
    assert_eq!(files, 0);
    // A copy only to a class where the teacher teaches the subject (6e B is teacher B's).
    let r = t
        .post(
            &format!("/enseignant/cours/{}/copie", c.course),
            &[("class_id", &app.f.class_b.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM courses", None).await,
        2
    );
}

#[tokio::test]
async fn drafts_and_opening_days_hide_lessons_from_students_and_copies_start_as_drafts() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let c = course(&app).await;
    let mut t = app.login_as("teacher_a").await;
    // A draft lesson, and a module opening in a week.
    let r = t
        .post(
            &format!("/enseignant/cours/modules/{}/lecon", c.module),
            &[("title", "Brouillon secret"), ("body", "pas encore")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let draft = scalar(&app.db.pool, "SELECT MAX(id) FROM course_lessons", None).await;
    let r = t
        .post(
            &format!("/enseignant/cours/modules/{}", c.module),
            &[
                ("module_title", "Chapitre 1 – Les fractions"),
                ("published", "1"),
                ("available_from", "2026-12-09"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut s = app.login_as("student").await;
    let page = s.get(&format!("/cours/{}", c.course)).await;
    assert!(!page.plain().contains("Brouillon secret"));
    assert_eq!(
        s.get(&format!("/cours/lecons/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
    let later = s.get(&format!("/cours/lecons/{}", c.lesson)).await;
    assert_eq!(later.status, StatusCode::FORBIDDEN);
    assert!(
        later.plain().contains("ouvre le 09/12/2026"),
        "{}",
        later.plain()
    );
    let r = s
        .post(&format!("/cours/lecons/{}/termine", c.lesson), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The teacher still sees and reorders everything.
    let page = t.get(&format!("/cours/{}", c.course)).await;
    assert!(page.plain().contains("Brouillon secret"));
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{draft}/deplacer"),
            &[("dir", "up")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let first: (i64,) = sqlx::query_as(
        "SELECT id FROM course_lessons WHERE module_id = $1 ORDER BY position LIMIT 1",
    )
    .bind(c.module)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(first.0, draft);

    // A copy to 6e C (teacher A teaches maths there too): everything, as a draft.
    let class_c = crate::lessons::class_c(&app).await;
    let r = t
        .post(
            &format!("/enseignant/cours/{}/copie", c.course),
            &[("class_id", &class_c.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let copy = id_in(r.location());
    let (class, lessons, published): (i64, i64, i64) = sqlx::query_as(
        "SELECT c.class_id, COUNT(l.id), CAST(SUM(CASE WHEN m.published THEN 1 ELSE 0 END) AS BIGINT) \
         FROM courses c JOIN course_modules m ON m.course_id = c.id JOIN course_lessons l ON l.module_id = m.id \
         WHERE c.id = $1 GROUP BY c.class_id",
    )
    .bind(copy)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((class, lessons, published), (class_c, 2, 0));
    let _ = f;
}

#[tokio::test]
async fn the_markdown_preview_is_sanitised() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let r = t
        .post(
            "/enseignant/cours/apercu",
            &[(
                "body",
                "# Titre\n\n<img src=x onerror=alert(1)> [a](javascript:alert(1))",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<h1>Titre</h1>"));
    assert!(!r.body.contains("onerror"));
    assert!(!r.body.contains("javascript:"));
}

#[tokio::test]
async fn a_lesson_downloads_as_a_pdf_for_its_readers_only() {
    let app = TestApp::new().await;
    let c = course(&app).await;
    let mut t = app.login_as("teacher_a").await;
    let r = t
        .post(
            &format!("/enseignant/cours/lecons/{}", c.lesson),
            &[
                ("title", "Qu’est-ce qu’une fraction ?"),
                (
                    "body",
                    "## Définition\n\nUne **fraction** est un quotient.\n\n- numérateur\n- dénominateur\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n#set page(width: 1cm) #read(\"/etc/passwd\")",
                ),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let mut s = app.login_as("student").await;
    let pdf = s.get(&format!("/cours/lecons/{}/pdf", c.lesson)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let text = crate::export::pdf_text(&pdf.bytes);
    for words in [
        "Nombres et calculs",
        "quotient",
        "numérateur",
        "dénominateur",
        "#set page",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    // Not for another class's parent.
    let mut p2 = app.login_as("parent_2").await;
    let r = p2.get(&format!("/cours/lecons/{}/pdf", c.lesson)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

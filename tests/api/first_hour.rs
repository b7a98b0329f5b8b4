//! What a new user meets in the first hour: each fault a family, a teacher or the school's
//! office ran into, as they would see it.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use suku::notifications::Notifier;

use crate::helpers::{Client, Res, TestApp, evaluation, set_mark};

async fn json(c: &mut Client, path: &str) -> Value {
    let r = c.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Teacher B's roll call of 6e B on `day` at `start`: S2 absent for the whole session of
/// `minutes`, S3 late by `late` minutes (none when 0).
async fn roll_call(app: &TestApp, day: &str, start: &str, minutes: &str, late: &str) {
    let f = &app.f;
    let mut t = app.login_as("teacher_b").await;
    let (s2, s3, late3) = (
        format!("etat_{}", f.s2),
        format!("etat_{}", f.s3),
        format!("retard_{}", f.s3),
    );
    let mut fields = vec![
        ("held_on", day),
        ("starts_at", start),
        ("minutes", minutes),
        (s2.as_str(), "absent"),
    ];
    if late != "0" {
        fields.extend([(s3.as_str(), "retard"), (late3.as_str(), late)]);
    }
    let r = t
        .post(&format!("/enseignant/classes/{}/appel", f.class_b), &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Switches the session (and the account) to English, as the header's button does.
async fn english(c: &mut Client) {
    let r = c.post("/langue", &[("lang", "en"), ("retour", "/")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn absence_of(app: &TestApp, student: i64, day: &str) -> i64 {
    let day: chrono::NaiveDate = day.parse().unwrap();
    let (id,): (i64,) = sqlx::query_as(
        "SELECT a.id FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
         WHERE a.student_id = $1 AND r.held_on = $2",
    )
    .bind(student)
    .bind(day)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

/// The parent's home, the progress page, the points API and the default board all open on
/// the same child: the eldest, whatever order the children were registered in.
#[tokio::test]
async fn every_family_page_opens_on_the_same_child() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    // Sena (S2, registered after Elom) is the elder.
    sqlx::query("UPDATE students SET birth_date = $1 WHERE id = $2")
        .bind(chrono::NaiveDate::from_ymd_opt(2012, 1, 9).unwrap())
        .bind(f.s2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut p = app.login_as("parent_1").await;
    // The dashboard's widgets are about the same child.
    let marks = p.get_htmx("/tableau/widgets/marks?role=parent").await;
    assert!(marks.body.contains("Sena Agbodjan"), "{}", marks.body);
    let home = p.get("/parent/enfants").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains(&format!(
            "aria-current=\"page\" data-testid=\"child-{}\"",
            f.s2
        )),
        "{}",
        home.body
    );
    let progress = p.get("/progression").await;
    assert_eq!(progress.status, StatusCode::SEE_OTHER);
    assert_eq!(progress.location(), format!("/progression/{}", f.s2));
    let points = json(&mut p, "/api/gamification/points").await;
    assert_eq!(points["student"]["id"], f.s2, "{points}");
    let badges = p.get("/api/gamification/badges").await;
    assert_eq!(badges.status, StatusCode::OK);
    let board = json(&mut p, "/api/gamification/classement").await;
    assert_eq!(board["scope"]["scope"], "classe", "{board}");
    assert_eq!(board["scope"]["id"], f.class_b, "Sena's class: {board}");
    // Twins born the same day: the first name decides, the same everywhere.
    sqlx::query("UPDATE students SET birth_date = $1 WHERE id = $2")
        .bind(chrono::NaiveDate::from_ymd_opt(2014, 3, 14).unwrap())
        .bind(f.s2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let home = p.get("/parent/enfants").await;
    assert!(home.body.contains(&format!(
        "aria-current=\"page\" data-testid=\"child-{}\"",
        f.s1
    )));
    assert_eq!(
        p.get("/progression").await.location(),
        format!("/progression/{}", f.s1)
    );
    let points = json(&mut p, "/api/gamification/points").await;
    assert_eq!(points["student"]["id"], f.s1);
    // A student's own pages are about themself.
    let mut s = app.login_as("student").await;
    let points = json(&mut s, "/api/gamification/points").await;
    assert_eq!(points["student"]["id"], f.s1);
}

/// An absent or excused student's mark reads as a word, never "abs/20", wherever the
/// family, the teacher's file or the journal shows it.
#[tokio::test]
async fn absent_and_excused_marks_read_as_words() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut t = app.login_as("teacher_a").await;
    for (day, mark) in [
        ("2026-11-16", "abs"),
        ("2026-11-17", "disp"),
        ("2026-11-18", "12,5"),
    ] {
        let e = evaluation(&app, &mut t, f.class_a, 1, day).await;
        set_mark(&mut t, e, f.s1, mark).await;
    }
    let check = |page: &Res, absent: &str, excused: &str| {
        let text = page.plain();
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !text.contains("abs /20") && !text.contains("abs/20"),
            "{text}"
        );
        assert!(
            !text.contains("disp /20") && !text.contains("disp/20"),
            "{text}"
        );
        assert!(
            text.contains(&format!("{absent} Devoir surveillé")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{excused} Devoir surveillé")),
            "{text}"
        );
    };
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/parent/enfants/{}", f.s1)).await;
    check(&page, "Absent", "Dispensé");
    assert!(page.plain().contains("12,5 /20 Devoir surveillé"));
    let mut s = app.login_as("student").await;
    check(&s.get("/eleve/notes").await, "Absent", "Dispensé");
    english(&mut p).await;
    let page = p.get(&format!("/parent/enfants/{}", f.s1)).await;
    check(&page, "Absent", "Excused");
    assert!(page.plain().contains("12.5 /20"));
    // The gradebook's file says it in words too.
    let csv = t
        .get(&format!(
            "/enseignant/classes/{}/matieres/{}?format=csv-comma",
            f.class_a, f.maths
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("Absent") && csv.body.contains("Dispensé"),
        "{}",
        csv.body
    );
    // And the journal has no scale after an absence.
    let rows: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT new_value FROM audit_log WHERE entity = 'mark' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    let values: Vec<String> = rows.into_iter().filter_map(|r| r.0).collect();
    assert_eq!(values, ["abs", "disp", "12,5/20"]);
}

/// Minutes read as people say them: a morning of absence is "5 h", a long lateness
/// "1 h 30", on the school's list, the family's page and the notification.
#[tokio::test]
async fn durations_read_in_hours_and_minutes() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    roll_call(&app, "2026-11-23", "07:00", "300", "90").await;
    let absence = absence_of(&app, f.s2, "2026-11-23").await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/parent/enfants/{}", f.s2)).await.plain();
    assert!(page.contains("Absence · 5 h"), "{page}");
    assert!(!page.contains("300 min"), "{page}");
    let r = p
        .post(
            &format!("/parent/absences/{absence}/justification"),
            &[("reason", "Consultation à l'hôpital")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut d = app.login_as("secretary").await;
    let pending = d.get("/admin/absences").await.plain();
    assert!(pending.contains("Absence · 5 h"), "{pending}");
    assert!(!pending.contains("300 min"), "{pending}");
    suku::events::dispatch(
        &app.db.pool,
        &Notifier::new(&app.state),
        500,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let mut p2 = app.login_as("parent_2").await;
    let page = p2.get("/notifications").await.plain();
    assert!(page.contains("Retard de Yawo le 23/11 : 1 h 30."), "{page}");
    english(&mut p2).await;
    let page = p2.get("/notifications").await.plain();
    assert!(page.contains("Yawo late on 23/11: 1 h 30 min."), "{page}");
}

/// The justifications waiting for the school come a page at a time, with how many wait in
/// all; a decision taken on a page comes back to that page.
#[tokio::test]
async fn the_waiting_justifications_are_paged_and_counted() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 12).unwrap();
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    for i in 0..45 {
        let call = suku::attendance::repo::NewRollCall {
            class_id: f.class_b,
            subject_id: Some(f.maths),
            held_on: day + chrono::Days::new(i / 5),
            starts_at: format!("{:02}:00", 7 + i % 5),
            minutes: 55,
        };
        let id = suku::attendance::repo::insert_roll_call(
            &mut *tx,
            &call,
            f.teacher_b,
            app.state.clock.now(),
        )
        .await
        .unwrap();
        let a = suku::attendance::repo::insert_absence(&mut *tx, id, f.s2, "absence", 55)
            .await
            .unwrap();
        suku::attendance::repo::submit_reason(&mut *tx, a, &format!("Motif numéro {i}"))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut d = app.login_as("secretary").await;
    let rows = |r: &Res| r.body.matches("/validation\"").count();
    let first = d.get("/admin/absences").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first), 20);
    assert!(first.plain().contains("45 en attente"), "{}", first.plain());
    assert!(first.body.contains("href=\"?page=2\""));
    assert!(first.plain().contains("Motif numéro 0 "));
    let last = d.get("/admin/absences?page=3").await;
    assert_eq!(rows(&last), 5);
    assert!(last.plain().contains("Motif numéro 44"));
    // Past the end: the last page.
    assert_eq!(rows(&d.get("/admin/absences?page=9").await), 5);
    // A decision on page 2 comes back to page 2.
    let second = d.get("/admin/absences?page=2").await;
    let id: String = second
        .body
        .match_indices("action=\"/admin/absences/")
        .map(|(i, m)| {
            second.body[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
        })
        .find(|id| !id.is_empty())
        .unwrap();
    let r = d
        .post(
            &format!("/admin/absences/{id}/validation"),
            &[("decision", "accepter"), ("page", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/admin/absences?page=2");
    assert!(d.get(r.location()).await.plain().contains("44 en attente"));
}

/// A date that reads as one but does not exist is said so, in forms and in imports; a
/// date that does not read as one is said to be unreadable.
#[tokio::test]
async fn a_date_that_does_not_exist_is_told_so() {
    let app = TestApp::new().await;
    let mut s = app.login_as("secretary").await;
    let create = |birth: &'static str| {
        [
            ("matricule", "T-050"),
            ("last_name", "Gaba"),
            ("first_name", "Dodzi"),
            ("sex", "M"),
            ("birth_date", birth),
            ("birth_place", "Lomé"),
            ("class_id", ""),
        ]
    };
    let r = s.post("/admin/eleves", &create("31/02/2014")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("Le 31/02/2014 n’existe pas."),
        "{}",
        r.plain()
    );
    let r = s.post("/admin/eleves", &create("2014-02-31")).await;
    assert!(r.plain().contains("Le 31/02/2014 n’existe pas."));
    let r = s.post("/admin/eleves", &create("31 février")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Date invalide (jj/mm/aaaa)."));
    // An import names the line's date as one that does not exist, not as unreadable.
    let file = "Matricule;Nom;Prénoms;Sexe;Date de naissance;Classe\n\
                T-060;Gaba;Dodzi;M;31/02/2014;6e A\n\
                T-061;Gaba;Kafui;F;14/3/14;6e A\n";
    let r = s
        .upload("/admin/import/eleves", "eleves.csv", file.as_bytes())
        .await;
    let text = r.plain();
    assert!(
        text.contains("Date de naissance : le 31/02/2014 n’existe pas."),
        "{text}"
    );
    assert!(!text.contains("« 31/02/2014 » illisible"), "{text}");
    assert!(text.contains("« 14/3/14 » illisible"), "{text}");
    // A teacher's evaluation on a day that does not exist.
    let mut t = app.login_as("teacher_a").await;
    let (period,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = t
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", &period.to_string()),
                ("kind", "devoir"),
                ("title", "Devoir"),
                ("held_on", "2026-11-31"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Le 31/11/2026 n’existe pas."));
}

/// A new student's form offers the school's next free matricule, which may be kept or
/// changed; one taken meanwhile is refused with the next free one named.
#[tokio::test]
async fn the_next_free_matricule_is_suggested() {
    let app = TestApp::new().await;
    let mut s = app.login_as("secretary").await;
    let form = s.get("/admin/eleves/nouveau").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("id=\"matricule\" name=\"matricule\" value=\"T-004\""),
        "{}",
        form.body
    );
    let student = |m: &'static str| {
        [
            ("matricule", m),
            ("last_name", "Gaba"),
            ("first_name", "Dodzi"),
            ("sex", "M"),
            ("birth_date", "2014-05-02"),
            ("birth_place", "Lomé"),
            ("class_id", ""),
        ]
    };
    let r = s.post("/admin/eleves", &student("T-004")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        s.get("/admin/eleves/nouveau")
            .await
            .body
            .contains("value=\"T-005\"")
    );
    // Changed by hand: the suggestion follows the highest.
    let r = s.post("/admin/eleves", &student("t-010")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        s.get("/admin/eleves/nouveau")
            .await
            .body
            .contains("value=\"T-011\"")
    );
    let r = s.post("/admin/eleves", &student("T-002")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("le prochain libre est T-011"),
        "{}",
        r.plain()
    );
}

async fn post_htmx(c: &mut Client, path: &str, fields: &[(&str, &str)], current: &str) -> Res {
    let mut all = fields.to_vec();
    let token = c.csrf.clone().unwrap_or_default();
    all.push(("_csrf", &token));
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all)
        .finish();
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(
            header::COOKIE,
            format!("suku_session={}", c.cookie.clone().unwrap()),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("HX-Request", "true")
        .header("HX-Boosted", "true")
        .header("HX-Current-URL", current)
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

/// The parent reads back the reason they gave and its state, and the school's answer to
/// their justification shows in the list they come back to, boosted by htmx or not.
#[tokio::test]
async fn the_parent_sees_their_reason_and_the_message_where_they_land() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    roll_call(&app, "2026-11-23", "07:00", "55", "0").await;
    roll_call(&app, "2026-11-24", "07:00", "55", "0").await;
    let (first, second) = (
        absence_of(&app, f.s2, "2026-11-23").await,
        absence_of(&app, f.s2, "2026-11-24").await,
    );
    let mut p = app.login_as("parent_1").await;
    let child = format!("/parent/enfants/{}", f.s2);
    let r = p
        .post(
            &format!("/parent/absences/{first}/justification"),
            &[("reason", "Paludisme, certificat médical")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("{child}#absences"));
    let page = p.get(r.location()).await;
    // The message is in the absences, where the browser scrolls to, not above them.
    let html = page.text();
    let section = html.find("id=\"absences\"").unwrap();
    let flash = html.find("Justification envoyée à l’école.").unwrap();
    assert!(flash > section, "the message is above the absences");
    assert_eq!(html.matches("Justification envoyée à l’école.").count(), 1);
    let reason = format!("data-testid=\"absence-reason-{first}\"");
    assert!(page.body.contains(&reason), "{}", page.body);
    let text = page.plain();
    assert!(
        text.contains("Motif donné : Paludisme, certificat médical"),
        "{text}"
    );
    assert!(text.contains("justification envoyée"));
    // The message is shown once.
    assert!(
        !p.get(&child)
            .await
            .text()
            .contains("Justification envoyée à l’école.")
    );
    // Boosted by htmx, from the child's own page: the browser must load the page again, or
    // it would only scroll to #absences and the message would wait for another page.
    let r = post_htmx(
        &mut p,
        &format!("/parent/absences/{second}/justification"),
        &[("reason", "Enterrement d'un oncle")],
        &format!("http://127.0.0.1:8080{child}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get("HX-Redirect").unwrap(),
        &format!("{child}#absences")
    );
    assert_eq!(r.headers.get("HX-Refresh").unwrap(), "true");
    let page = p.get(&child).await;
    assert!(page.text().contains("Justification envoyée à l’école."));
    assert!(page.plain().contains("Enterrement d'un oncle"));
    // From another page, the address changes: a plain redirect does.
    let r = post_htmx(
        &mut p,
        &format!("/parent/absences/{second}/justification"),
        &[("reason", "x")],
        "http://127.0.0.1:8080/parent",
    )
    .await;
    assert_eq!(
        r.headers.get("HX-Redirect").unwrap(),
        &format!("{child}#absences")
    );
    assert!(r.headers.get("HX-Refresh").is_none());
}

/// On a phone, after sending a reason, the parent sees the school's message without
/// scrolling: the page lands on the absences, and the message is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_message_after_justifying_is_in_view() {
    use crate::browser::{browser, chromedriver, click, login, shot, type_into};
    let Some(driver) = chromedriver() else { return };
    let app = TestApp::new().await;
    let f = app.f.clone();
    roll_call(&app, "2026-11-23", "07:00", "55", "0").await;
    let absence = absence_of(&app, f.s2, "2026-11-23").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let base = format!("http://{addr}");
    let c = browser(&driver, 360, 740).await;
    login(
        &c,
        &base,
        crate::helpers::login_of("parent_1"),
        crate::helpers::PASSWORD,
    )
    .await;
    c.goto(&format!("{base}/parent/enfants/{}", f.s2))
        .await
        .unwrap();
    type_into(&c, &format!("#reason{absence}"), "Paludisme").await;
    click(
        &c,
        &format!("form[action='/parent/absences/{absence}/justification'] button[type=submit]"),
    )
    .await;
    // The success message, wherever the page puts it, is within the screen.
    let mut seen = serde_json::Value::Null;
    for _ in 0..150 {
        seen = c
            .execute(
                "const f = [...document.querySelectorAll('main .flash.success')]\
                   .find(e => e.textContent.includes('Justification envoyée'));\
                 if (!f) return null;\
                 const r = f.getBoundingClientRect();\
                 return {top: r.top, bottom: r.bottom, height: window.innerHeight, \
                         scrolled: window.scrollY};",
                vec![],
            )
            .await
            .unwrap();
        if !seen.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    shot(&c, "parent-justified-phone").await;
    assert!(!seen.is_null(), "no message after sending the reason");
    let (top, bottom, height) = (
        seen["top"].as_f64().unwrap(),
        seen["bottom"].as_f64().unwrap(),
        seen["height"].as_f64().unwrap(),
    );
    assert!(
        top >= 0.0 && bottom <= height,
        "the message is out of view: {seen}"
    );
    let text = c
        .find(fantoccini::Locator::Css("#absences"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("Paludisme"), "{text}");
    c.close().await.unwrap();
}

/// A teacher finds a pupil's parents by the pupil's name, and every contact says who they
/// are: a parent's children (those the writer knows), a teacher's subjects.
#[tokio::test]
async fn contacts_are_found_by_their_childs_name_and_say_who_they_are() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let contacts = |r: &Res| -> Vec<i64> {
        r.body
            .match_indices("data-contact=\"")
            .map(|(i, m)| {
                r.body[i + m.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect::<String>()
                    .parse()
                    .unwrap()
            })
            .collect()
    };
    // Teacher B teaches Yawo (parent 2's son) and Sena (parent 1's daughter) in 6e B.
    let mut b = app.login_as("teacher_b").await;
    let r = b.get("/messages/nouveau?q=Yawo").await;
    assert_eq!(contacts(&r), [f.parent_2], "{}", r.body);
    assert!(
        r.plain().contains("Parent de FIADJOE Yawo (6e B)"),
        "{}",
        r.plain()
    );
    let r = b.get_htmx("/messages/nouveau?q=sena").await;
    assert_eq!(contacts(&r), [f.parent_1]);
    // Only the children the teacher knows: Elom is in 6e A.
    let text = r.plain();
    assert!(text.contains("Parent de AGBODJAN Sena (6e B)"), "{text}");
    assert!(!text.contains("Elom"), "{text}");
    // Teacher A does not teach Sena: her name finds nobody for them.
    let mut a = app.login_as("teacher_a").await;
    let r = a.get("/messages/nouveau?q=Sena").await;
    assert!(contacts(&r).is_empty(), "{}", r.body);
    let r = a.get("/messages/nouveau?q=Agbodjan").await;
    assert_eq!(contacts(&r), [f.parent_1]);
    // The administration knows every child; teachers show their subjects.
    let mut d = app.login_as("director").await;
    let text = d.get("/messages/nouveau?q=Agbodjan").await.plain();
    assert!(
        text.contains("Parent de AGBODJAN Elom (6e A), AGBODJAN Sena (6e B)"),
        "{text}"
    );
    let mut p = app.login_as("parent_1").await;
    let r = p.get("/messages/nouveau?q=Kpodar").await;
    assert_eq!(contacts(&r), [f.teacher_a]);
    assert!(
        r.plain().contains("Enseigne : Mathématiques"),
        "{}",
        r.plain()
    );
}

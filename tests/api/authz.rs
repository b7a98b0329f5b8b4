//! The authorization matrix: every route, every role (and anonymous), including ids changed
//! by hand in the URL. A refusal shows nothing of the record.

use axum::http::StatusCode;

use crate::helpers::{Client, TestApp};

/// A checked, clean import of one student, waiting for confirmation.
async fn clean_import(app: &TestApp) -> i64 {
    use suku::import::{students, table::Table};
    let t = Table {
        header: ["matricule", "nom", "prenoms", "sexe", "classe"]
            .map(String::from)
            .to_vec(),
        rows: vec![(
            2,
            ["T-900", "Ayi", "Kafui", "F", "6e A"]
                .map(String::from)
                .to_vec(),
        )],
    };
    let known = students::Known::load(&app.db.pool, app.state.clock.today())
        .await
        .unwrap();
    let checked = students::check(&t, &known, |_, _| {});
    assert!(checked.is_clean());
    suku::import::store(
        &app.db.pool,
        "un.csv",
        &checked,
        app.f.director,
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

const ROLES: [&str; 8] = [
    "anonymous",
    "student",
    "parent_1",
    "parent_2",
    "teacher_a",
    "director",
    "bursar",
    "secretary",
];

/// What a role gets on a route: `Ok` (2xx, a redirect inside the portal, or 422 when a
/// second role repeats a change that must stay unique: authorized, then validated), `Login`
/// (sent to the login page), `Denied` (403/404).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Ok,
    Login,
    Denied,
}

fn outcome(status: StatusCode, location: &str) -> Expect {
    if (status == StatusCode::SEE_OTHER && location.starts_with("/connexion"))
        || status == StatusCode::UNAUTHORIZED
    {
        Expect::Login
    } else if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
        Expect::Denied
    } else if status.is_success()
        || status == StatusCode::SEE_OTHER
        // Past the access check, the fields were refused.
        || status == StatusCode::UNPROCESSABLE_ENTITY
        || status == StatusCode::BAD_REQUEST
    {
        Expect::Ok
    } else {
        panic!("unexpected status {status}")
    }
}

async fn client_for(app: &TestApp, role: &str) -> Client {
    if role == "anonymous" {
        let mut c = app.client();
        c.get("/connexion").await;
        c
    } else {
        app.login_as(role).await
    }
}

/// A mobile money attempt by parent 1 for S1 (demo provider), for the route matrices.
async fn momo_attempt(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO momo_payments (identifier, idempotency_key, provider, network, phone, student_id, user_id, amount, \
         created_at, updated_at, expires_at) VALUES ('SUKU-AUTHZ', 'k-authz', 'demo', 'tmoney', '+22890112233', $1, $2, 5000, $3, $3, $3) RETURNING id",
    )
    .bind(app.f.s1)
    .bind(app.f.parent_1)
    .bind(app.state.clock.now())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    id
}

/// A challenge for the whole of 6e B (S2 and S3), by teacher B.
async fn class_b_challenge(app: &TestApp) -> i64 {
    let today = app.state.clock.today();
    suku::gamification::challenges::create(
        &app.db.pool,
        &suku::gamification::challenges::NewChallenge {
            title: "Défi de 6e B".into(),
            description: String::new(),
            class_id: app.f.class_b,
            student_id: None,
            teams: 0,
            metric: "points",
            target: 10,
            starts_on: today,
            ends_on: today + chrono::Days::new(7),
            reward_points: 5,
            reward_badge_id: None,
            created_by: app.f.teacher_b,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

/// Pages open to anyone, signed in or not (walked by `public_pages_answer_everyone_alike`).
const PUBLIC_GET: &[(&str, &str)] = &[
    ("/connexion", "/connexion"),
    ("/favicon.ico", "/favicon.ico"),
    ("/healthz", "/healthz"),
    ("/readyz", "/readyz"),
    ("/hors-ligne", "/hors-ligne"),
    ("/manifest.webmanifest", "/manifest.webmanifest"),
    ("/manifest/{portal}", "/manifest/parent"),
    ("/sw.js", "/sw.js"),
    (
        "/tableau/widgets/{kind}/carte.json",
        "/tableau/widgets/balance/carte.json",
    ),
];

/// GET routes whose access another test walks, each with the reason.
const GET_ELSEWHERE: &[(&str, &str)] = &[
    (
        "/calendrier/{token}",
        "public, the token is the credential: timetable::a_calendar_feed_follows_its_week_until_revoked",
    ),
    ("/connexion", "public: public_pages_answer_everyone_alike"),
    ("/favicon.ico", "public: public_pages_answer_everyone_alike"),
    ("/healthz", "public: public_pages_answer_everyone_alike"),
    ("/readyz", "public: public_pages_answer_everyone_alike"),
    ("/hors-ligne", "public: public_pages_answer_everyone_alike"),
    (
        "/manifest.webmanifest",
        "public: public_pages_answer_everyone_alike",
    ),
    (
        "/manifest/{portal}",
        "public: public_pages_answer_everyone_alike",
    ),
    ("/sw.js", "public: public_pages_answer_everyone_alike"),
    (
        "/tableau/widgets/{kind}/carte.json",
        "public, no one's data: public_pages_answer_everyone_alike",
    ),
    (
        "/connexion/oubli",
        "public: reset::the_request_page_answers_alike_for_an_unknown_account",
    ),
    (
        "/connexion/code",
        "public: reset::a_forgotten_password_is_reset_by_a_code_sent_by_sms_once",
    ),
    (
        "/static",
        "public assets (CSS, JS, icons): portals::pwa_manifest_and_service_worker",
    ),
    ("/static/", "public assets"),
    (
        "/static/{*__private__axum_nest_tail_param}",
        "public assets",
    ),
    (
        "/verifier/recus/{id}/{code}",
        "public by design (the receipt's QR code), opened only with the receipt's code: export::a_receipt_pdf_carries_a_qr_code_that_verifies_it",
    ),
    (
        "/verifier/documents/{id}/{code}",
        "public by design (the document's QR code), opened only with its code: certificates::a_certificate_names_its_student_and_number_and_its_qr_code_verifies_it",
    ),
];

/// Routes that change something whose access another test walks, each with the reason.
const POST_ELSEWHERE: &[(&str, &str)] = &[
    (
        "/connexion",
        "public: auth::bad_password_and_unknown_account_are_refused_alike, security::parallel_logins_cannot_pass_the_limit",
    ),
    (
        "/deconnexion",
        "ends the session the matrix walks with: auth::session_id_changes_at_login_and_logout_ends_it",
    ),
    (
        "/langue",
        "public: auth::language_switch_sticks_to_the_user, security::the_way_back_stays_on_this_site",
    ),
    (
        "/paiements/rappel/{provider}",
        "the providers' callbacks, believed only once checked with the provider: momo::bad_input_and_forged_callbacks_credit_nothing",
    ),
    (
        "/enseignant/evaluations/{id}/import",
        "an upload: uploads_for_every_role",
    ),
    ("/admin/import/eleves", "an upload: uploads_for_every_role"),
    (
        "/admin/prediction/import",
        "an upload: uploads_for_every_role",
    ),
    ("/eleves/{id}/photo", "an upload: uploads_for_every_role"),
    (
        "/connexion/oubli",
        "public, limited: reset::requests_for_codes_are_limited",
    ),
    (
        "/connexion/code",
        "public, limited: reset::a_code_expires_after_ten_minutes_and_wrong_guesses_kill_it",
    ),
];

#[tokio::test]
async fn public_pages_answer_everyone_alike() {
    let app = TestApp::new().await;
    for role in ROLES {
        let mut c = client_for(&app, role).await;
        for (_, path) in PUBLIC_GET {
            let r = c.get(path).await;
            // The login page sends a signed-in person to their portal.
            let ok = r.status == StatusCode::OK
                || (*path == "/connexion" && r.status == StatusCode::SEE_OTHER);
            assert!(ok, "{role} GET {path}: {}", r.status);
        }
    }
}

#[tokio::test]
async fn uploads_for_every_role() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let eval = {
        let mut t = app.login_as("teacher_a").await;
        crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await
    };
    let csv = "matricule;note\nT-001;12\n";
    let cases: [(String, Vec<&str>); 4] = [
        (
            format!("/enseignant/evaluations/{eval}/import"),
            vec!["teacher_a"],
        ),
        ("/admin/import/eleves".into(), vec!["director", "secretary"]),
        (
            "/admin/prediction/import".into(),
            vec!["director", "secretary"],
        ),
        (
            format!("/eleves/{}/photo", f.s1),
            vec!["director", "secretary"],
        ),
    ];
    let mut failures = Vec::new();
    for role in ROLES {
        let mut c = client_for(&app, role).await;
        for (path, allowed) in &cases {
            let r = c.upload(path, "notes.csv", csv.as_bytes()).await;
            let got = outcome(r.status, r.location());
            let want = if role == "anonymous" {
                Expect::Login
            } else if allowed.contains(&role) {
                Expect::Ok
            } else {
                Expect::Denied
            };
            if got != want {
                failures.push(format!(
                    "{role} upload {path}: got {got:?} ({}), want {want:?}",
                    r.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A spreadsheet of past years uploaded for success prediction, waiting for its mapping.
async fn history_upload(app: &TestApp) -> i64 {
    suku::prediction::repo::insert_import(
        &app.db.pool,
        "annees.csv",
        r#"["Matricule","Décision"]"#,
        r#"[[2,["A1","Admis"]]]"#,
        1,
        app.f.director,
        app.state.clock.now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn every_get_route_for_every_role() {
    let app = TestApp::new().await;
    let ff = crate::helpers::seed_fees(&app).await;
    let import = clean_import(&app).await;
    let momo = momo_attempt(&app).await;
    let history = history_upload(&app).await;
    let f = app.f.clone();
    let admins = ["director", "bursar", "secretary"];
    let announcement = suku::announcements::repo::insert(
        &app.db.pool,
        &suku::announcements::repo::NewAnnouncement {
            title: "Sortie".into(),
            body: "Sortie au musée national.".into(),
            audience: "class",
            level_id: None,
            class_id: Some(f.class_a),
            author_id: f.director,
        },
        app.state.clock.now(),
    )
    .await
    .unwrap();
    // A finished school-results job started by the secretary, and one by the bursar.
    let job = suku::jobs::enqueue(
        &app.db.pool,
        &suku::bulletins::school::ResultsOf { period_id: 1 },
        Some(f.secretary),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    assert!(
        suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
            .await
            .unwrap()
    );
    let bursar_job = suku::jobs::enqueue(
        &app.db.pool,
        &crate::helpers::Noop {},
        Some(f.bursar),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let managers = ["director", "secretary"];
    let chat = crate::helpers::seed_chat(&app).await;
    let everyone = [
        "director",
        "bursar",
        "secretary",
        "teacher_a",
        "teacher_b",
        "parent_1",
        "parent_2",
        "student",
    ];
    let dm_pair = ["parent_1", "teacher_a"];
    let challenge = class_b_challenge(&app).await;
    let eval = {
        let mut t = app.login_as("teacher_a").await;
        crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await
    };
    let lesson = crate::lessons::lesson(&app).await;
    let course = crate::courses::course(&app).await;
    let video = crate::videos::ready_video(&app, course.lesson).await;
    let (quiz, attempt, _) = crate::quizzes::attempt(&app).await;
    let (work, copy) = crate::assignments::submission(&app).await;
    let retenue = crate::conduct::retenue(&app).await;
    let certificate = crate::certificates::certificate(&app).await;
    let (flow, flow_run, _) = crate::workflows::flow_run_task(&app).await;
    let (timetable, _) = crate::timetable::published(&app).await;
    // (path, roles allowed, a text of the record that refusals must not show)
    let routes: Vec<(String, Vec<&str>, Option<&str>)> = vec![
        ("/admin/emplois-du-temps".into(), vec!["director"], None),
        (
            format!("/admin/emplois-du-temps/{timetable}"),
            vec!["director"],
            Some("Version 1"),
        ),
        (
            format!("/admin/emplois-du-temps/{timetable}/comparer?avec={timetable}"),
            vec!["director"],
            None,
        ),
        (
            "/admin/emplois-du-temps/donnees".into(),
            vec!["director"],
            None,
        ),
        (
            "/admin/emplois-du-temps/ecole.fet".into(),
            vec!["director"],
            None,
        ),
        ("/eleve/emploi-du-temps".into(), vec!["student"], None),
        (
            "/enseignant/emploi-du-temps".into(),
            vec!["teacher_a"],
            None,
        ),
        ("/enseignant/appel".into(), vec!["teacher_a"], None),
        (
            format!("/parent/enfants/{}/emploi-du-temps", f.s1),
            vec!["parent_1"],
            Some("Mathématiques"),
        ),
        ("/eleve".into(), vec!["student"], None),
        ("/eleve/notes".into(), vec!["student"], Some("T-001")),
        ("/enseignant/classes".into(), vec!["teacher_a"], None),
        ("/parent/enfants".into(), vec!["parent_1", "parent_2"], None),
        // Dashboards: a widget of a role, for those who hold it; the JSON alike.
        (
            "/tableau/widgets/balance?role=parent".into(),
            vec!["parent_1", "parent_2"],
            None,
        ),
        (
            format!("/tableau/widgets/marks/page?role=parent&enfant={}", f.s1),
            vec!["parent_1"],
            Some("Elom"),
        ),
        (
            format!(
                "/tableau/widgets/attendance?role=teacher&classe={}",
                f.class_a
            ),
            vec!["teacher_a"],
            None,
        ),
        (
            "/tableau/widgets/collection?role=director".into(),
            vec!["director"],
            Some("FCFA"),
        ),
        ("/admin/tableaux".into(), vec!["director"], None),
        (
            "/assistant".into(),
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        ("/admin/assistant".into(), managers.to_vec(), None),
        ("/admin/assistant/conversations/999999".into(), vec![], None),
        ("/assistant/reponses/999999".into(), vec![], None),
        (
            "/api/widgets".into(),
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        (
            format!("/api/widgets/marks?enfant={}", f.s1),
            vec!["student", "parent_1"],
            Some("Elom"),
        ),
        (
            "/compte/jetons".into(),
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        ("/eleve/a-faire".into(), vec!["student"], None),
        ("/eleve/cours".into(), vec!["student"], None),
        (
            format!("{video}/poster.jpg"),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        (
            format!("/enseignant/cours/lecons/{}/video", course.lesson),
            vec!["teacher_a"],
            Some("Nombres et calculs"),
        ),
        (
            format!("/cours/lecons/{}/pdf", course.lesson),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        (
            format!("/cours/lecons/{work}/rendu"),
            vec!["student"],
            Some("1/3 + 1/6"),
        ),
        (
            format!("/enseignant/cours/lecons/{work}/devoir"),
            vec!["teacher_a"],
            None,
        ),
        (
            format!("/enseignant/copies/{copy}"),
            vec!["teacher_a"],
            Some("1/3 + 1/6"),
        ),
        (
            format!("/enseignant/questions/{}", f.maths),
            vec!["teacher_a"],
            Some("Capitale du Togo"),
        ),
        (
            format!("/enseignant/cours/lecons/{quiz}/quiz"),
            vec!["teacher_a"],
            Some("Capitale du Togo"),
        ),
        (
            format!("/cours/tentatives/{attempt}"),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            Some("Capitale du Togo"),
        ),
        (
            format!("/parent/enfants/{}/cours", f.s1),
            vec!["parent_1"],
            Some("Nombres et calculs"),
        ),
        ("/enseignant/cours".into(), vec!["teacher_a"], None),
        (
            format!("/enseignant/cours/{}", course.course),
            vec!["teacher_a"],
            Some("Nombres et calculs"),
        ),
        (
            format!("/enseignant/cours/modules/{}/lecon", course.module),
            vec!["teacher_a"],
            Some("Nombres et calculs"),
        ),
        (
            format!("/enseignant/cours/lecons/{}", course.lesson),
            vec!["teacher_a"],
            Some("quotient"),
        ),
        (
            format!("/cours/{}", course.course),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            Some("Nombres et calculs"),
        ),
        (
            format!("/cours/{}/progression", course.course),
            vec!["teacher_a", "director", "bursar", "secretary"],
            Some("Nombres et calculs"),
        ),
        (
            format!("/cours/lecons/{}", course.lesson),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            Some("quotient"),
        ),
        ("/parent/famille".into(), vec!["parent_1", "parent_2"], None),
        (
            format!("/vie-scolaire/eleves/{}", f.s1),
            vec![
                "parent_1",
                "student",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        (
            format!("/eleves/{}/documents", f.s1),
            vec!["parent_1", "student", "director", "bursar", "secretary"],
            Some("CS-2026-0001"),
        ),
        (
            format!("/documents/{certificate}/pdf"),
            vec!["parent_1", "student", "director", "bursar", "secretary"],
            None,
        ),
        ("/admin/documents-scolaires".into(), managers.to_vec(), None),
        ("/admin/vie-scolaire".into(), managers.to_vec(), None),
        ("/admin/automatisations".into(), managers.to_vec(), None),
        (
            "/admin/automatisations/executions".into(),
            managers.to_vec(),
            None,
        ),
        (
            format!("/admin/automatisations/executions/{flow_run}"),
            managers.to_vec(),
            None,
        ),
        (
            format!("/admin/automatisations/{flow}"),
            managers.to_vec(),
            Some("Suivi des blâmes"),
        ),
        (
            "/suivi".into(),
            vec!["director", "bursar", "secretary", "teacher_a", "teacher_b"],
            None,
        ),
        (
            "/admin/documents-scolaires/examens/bepc".into(),
            managers.to_vec(),
            None,
        ),
        (
            format!("/vie-scolaire/sanctions/{retenue}/billet"),
            vec!["teacher_a", "director", "secretary"],
            Some("Retards répétés"),
        ),
        (
            format!("/parent/enfants/{}/a-faire", f.s1),
            vec!["parent_1"],
            Some("Exercices de fractions"),
        ),
        (
            format!(
                "/enseignant/classes/{}/matieres/{}/cahier",
                f.class_a, f.maths
            ),
            vec!["teacher_a"],
            Some("Les fractions"),
        ),
        (
            format!("/enseignant/cahier/{lesson}"),
            vec!["teacher_a"],
            Some("Les fractions"),
        ),
        ("/admin/cahier".into(), vec!["director"], None),
        ("/admin/sms".into(), managers.to_vec(), None),
        ("/admin/saisie".into(), managers.to_vec(), None),
        (
            "/admin/absences-enseignants".into(),
            managers.to_vec(),
            None,
        ),
        // The entry point sends each person to their portal, and strangers to the login.
        ("/".into(), everyone.to_vec(), None),
        (
            format!("/enseignant/evaluations/{eval}"),
            vec!["teacher_a"],
            Some("Devoir surveillé"),
        ),
        (
            format!("/api/gamification/points?eleve={}", f.s1),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            None,
        ),
        (
            format!("/api/gamification/badges?eleve={}", f.s3),
            vec!["parent_2", "director", "bursar", "secretary"],
            None,
        ),
        (
            format!("/api/gamification/classement?classe={}", f.class_b),
            vec!["parent_1", "parent_2", "director", "bursar", "secretary"],
            None,
        ),
        ("/api/gamification/defis".into(), everyone.to_vec(), None),
        ("/enseignant".into(), vec!["teacher_a"], None),
        (
            format!("/enseignant/classes/{}", f.class_a),
            vec!["teacher_a"],
            Some("T-001"),
        ),
        (
            format!("/enseignant/classes/{}", f.class_b),
            vec![],
            Some("T-003"),
        ),
        ("/parent".into(), vec!["parent_1", "parent_2"], None),
        (
            format!("/parent/enfants/{}", f.s1),
            vec!["parent_1"],
            Some("T-001"),
        ),
        (
            format!("/parent/enfants/{}", f.s2),
            vec!["parent_1"],
            Some("T-002"),
        ),
        (
            format!("/parent/enfants/{}", f.s3),
            vec!["parent_2"],
            Some("T-003"),
        ),
        ("/admin".into(), admins.to_vec(), None),
        ("/admin/eleves".into(), admins.to_vec(), Some("T-001")),
        ("/admin/eleves/nouveau".into(), managers.to_vec(), None),
        (
            format!("/admin/eleves/{}", f.s1),
            admins.to_vec(),
            Some("T-001"),
        ),
        ("/admin/classes".into(), admins.to_vec(), None),
        ("/admin/classes/nouvelle".into(), managers.to_vec(), None),
        ("/admin/salles".into(), admins.to_vec(), None),
        (
            format!("/admin/classes/{}", f.class_b),
            admins.to_vec(),
            Some("T-003"),
        ),
        ("/admin/parents".into(), admins.to_vec(), Some("Fiadjoe")),
        ("/admin/parents/nouveau".into(), managers.to_vec(), None),
        ("/admin/personnel".into(), admins.to_vec(), Some("Kpodar")),
        ("/admin/personnel/nouveau".into(), managers.to_vec(), None),
        (
            "/admin/utilisateurs".into(),
            admins.to_vec(),
            Some("Fiadjoe"),
        ),
        (
            format!("/admin/utilisateurs/{}", f.parent_2),
            admins.to_vec(),
            Some("Fiadjoe"),
        ),
        ("/admin/etablissement".into(), admins.to_vec(), None),
        (
            format!("/enseignant/classes/{}/matieres/{}", f.class_a, f.maths),
            vec!["teacher_a"],
            Some("T-001"),
        ),
        (
            format!("/enseignant/classes/{}/matieres/{}", f.class_b, f.maths),
            vec![],
            Some("T-003"),
        ),
        ("/admin/periodes".into(), admins.to_vec(), None),
        (
            "/admin/periodes/1/publication".into(),
            vec!["director"],
            None,
        ),
        ("/admin/coefficients".into(), admins.to_vec(), None),
        ("/admin/absences".into(), admins.to_vec(), None),
        (
            format!("/enseignant/classes/{}/appel", f.class_a),
            vec!["teacher_a"],
            Some("T-001"),
        ),
        (
            format!("/enseignant/classes/{}/appel", f.class_b),
            vec![],
            Some("T-003"),
        ),
        ("/admin/journal".into(), vec!["director"], None),
        (
            format!("/admin/classes/{}/bulletins", f.class_b),
            admins.to_vec(),
            Some("T-003"),
        ),
        (
            format!("/bulletins/{}/1", f.s1),
            vec!["director", "bursar", "secretary", "teacher_a"],
            Some("T-001"),
        ),
        (
            format!("/bulletins/{}/1", f.s3),
            admins.to_vec(),
            Some("T-003"),
        ),
        ("/compte/mot-de-passe".into(), ROLES[1..].to_vec(), None),
        ("/admin/frais".into(), admins.to_vec(), None),
        (
            format!("/admin/eleves/{}/frais", f.s1),
            admins.to_vec(),
            Some("T-001"),
        ),
        (
            format!("/recus/{}", ff.receipt_s1),
            vec!["parent_1", "director", "bursar", "secretary"],
            Some("T-001"),
        ),
        (
            format!("/recus/{}", ff.receipt_s3),
            vec!["parent_2", "director", "bursar", "secretary"],
            Some("T-003"),
        ),
        ("/admin/impayes".into(), admins.to_vec(), Some("T-001")),
        ("/admin/caisse".into(), admins.to_vec(), Some("T-003")),
        ("/admin/impayes?format=xlsx".into(), admins.to_vec(), None),
        ("/admin/exports".into(), admins.to_vec(), None),
        (
            format!("/enseignant/classes/{}?format=csv", f.class_a),
            vec!["teacher_a"],
            Some("T-001"),
        ),
        (
            format!("/enseignant/classes/{}?format=csv", f.class_b),
            vec![],
            Some("T-003"),
        ),
        (
            format!("/admin/classes/{}?format=csv", f.class_b),
            admins.to_vec(),
            Some("T-003"),
        ),
        (
            format!("/admin/classes/{}/bulletins?format=csv", f.class_b),
            admins.to_vec(),
            Some("T-003"),
        ),
        (
            "/admin/eleves?format=csv".into(),
            admins.to_vec(),
            Some("T-001"),
        ),
        (
            format!(
                "/enseignant/classes/{}/matieres/{}?format=csv",
                f.class_b, f.maths
            ),
            vec![],
            Some("T-003"),
        ),
        (
            "/admin/exports/modeles/nouveau?jeu=students".into(),
            admins.to_vec(),
            Some("T-001"),
        ),
        (
            "/admin/exports/modeles/nouveau?jeu=balances".into(),
            vec!["director", "bursar"],
            Some("T-001"),
        ),
        ("/admin/exports/modeles/nouveau?jeu=x".into(), vec![], None),
        ("/admin/exports/modeles/999999".into(), vec![], None),
        ("/admin/exports/modeles/999999/fichier".into(), vec![], None),
        ("/admin/documents".into(), managers.to_vec(), None),
        (
            "/admin/impayes?format=csv".into(),
            admins.to_vec(),
            Some("T-001"),
        ),
        (
            "/admin/caisse?format=csv".into(),
            admins.to_vec(),
            Some("T-003"),
        ),
        ("/admin/caisse?format=pdf".into(), admins.to_vec(), None),
        (
            format!("/recus/{}/pdf", ff.receipt_s1),
            vec!["parent_1", "director", "bursar", "secretary"],
            None,
        ),
        (
            format!("/recus/{}/pdf", ff.receipt_s3),
            vec!["parent_2", "director", "bursar", "secretary"],
            None,
        ),
        ("/recus/999999/pdf".into(), vec![], None),
        (
            format!("/releves/eleves/{}", f.s1),
            vec!["parent_1", "director", "bursar", "secretary"],
            None,
        ),
        (
            format!("/releves/eleves/{}?famille=1&format=csv", f.s3),
            vec!["parent_2", "director", "bursar", "secretary"],
            Some("T-003"),
        ),
        (
            format!("/bulletins/{}/1/pdf", f.s1),
            vec!["director", "bursar", "secretary", "teacher_a"],
            None,
        ),
        (format!("/bulletins/{}/1/pdf", f.s3), admins.to_vec(), None),
        (format!("/bulletins/{}/999999/pdf", f.s1), vec![], None),
        (
            format!("/admin/classes/{}/bulletins/pdf?periode=1", f.class_b),
            admins.to_vec(),
            None,
        ),
        (
            format!("/taches/{job}"),
            vec!["director", "secretary"],
            None,
        ),
        (
            format!("/taches/{bursar_job}"),
            vec!["director", "bursar"],
            None,
        ),
        (
            format!("/admin/resultats/{job}"),
            admins.to_vec(),
            Some("6e A"),
        ),
        (
            format!(
                "/enseignant/classes/{}/matieres/{}/appreciations",
                f.class_a, f.maths
            ),
            vec!["teacher_a"],
            Some("T-001"),
        ),
        (
            format!(
                "/enseignant/classes/{}/matieres/{}/appreciations",
                f.class_b, f.maths
            ),
            vec![],
            Some("T-003"),
        ),
        (
            format!("/conseil/classes/{}", f.class_a),
            vec!["teacher_a", "director"],
            Some("T-001"),
        ),
        (
            format!("/conseil/classes/{}", f.class_b),
            vec!["director"],
            Some("T-003"),
        ),
        (
            format!("/conseil/classes/{}/annuel", f.class_a),
            // As the council's sheet: its professeur principal and the director.
            vec!["teacher_a", "director"],
            Some("T-001"),
        ),
        ("/admin/notation".into(), admins.to_vec(), None),
        ("/admin/annees".into(), admins.to_vec(), None),
        ("/annonces".into(), ROLES[1..].to_vec(), None),
        (
            "/annonces/nouvelle".into(),
            vec!["teacher_a", "director", "secretary"],
            None,
        ),
        (
            format!("/annonces/{announcement}"),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            Some("musée"),
        ),
        ("/admin/import".into(), managers.to_vec(), None),
        ("/messages".into(), everyone.to_vec(), Some("Rendez-vous")),
        ("/messages/non-lus".into(), everyone.to_vec(), None),
        ("/messages/nouveau".into(), everyone.to_vec(), None),
        (
            format!("/messages/{}", chat.direct),
            dm_pair.to_vec(),
            Some("Rendez-vous"),
        ),
        (
            format!("/messages/{}/historique?avant=999999", chat.direct),
            dm_pair.to_vec(),
            Some("Rendez-vous"),
        ),
        (
            format!("/messages/m/{}", chat.message),
            dm_pair.to_vec(),
            Some("Rendez-vous"),
        ),
        (
            format!("/fichiers/{}", chat.file),
            dm_pair.to_vec(),
            Some("Rendez-vous"),
        ),
        (
            format!("/messages/{}", chat.parents_b),
            vec![
                "director",
                "bursar",
                "secretary",
                "teacher_b",
                "parent_1",
                "parent_2",
            ],
            None,
        ),
        (
            format!("/messages/{}", chat.class_a),
            vec!["director", "bursar", "secretary", "teacher_a", "student"],
            None,
        ),
        ("/messages/999999".into(), vec![], None),
        ("/admin/signalements".into(), admins.to_vec(), None),
        (
            "/notifications".into(),
            everyone.to_vec(),
            Some("Rendez-vous"),
        ),
        ("/notifications/cloche".into(), everyone.to_vec(), None),
        (
            format!("/notifications/{}", chat.notification),
            vec!["parent_1"],
            None,
        ),
        ("/compte/notifications".into(), everyone.to_vec(), None),
        (
            "/admin/mobile-money".into(),
            vec!["director", "bursar"],
            None,
        ),
        (
            "/admin/mobile-money?format=csv".into(),
            vec!["director", "bursar"],
            Some("SUKU-AUTHZ"),
        ),
        (
            format!("/admin/mobile-money/{momo}"),
            vec!["director", "bursar"],
            Some("SUKU-AUTHZ"),
        ),
        ("/admin/mobile-money/999999".into(), vec![], None),
        (
            format!("/parent/enfants/{}/paiement", f.s1),
            vec!["parent_1"],
            None,
        ),
        (
            format!("/parent/enfants/{}/paiement", f.s3),
            vec!["parent_2"],
            None,
        ),
        (
            format!("/paiements/{momo}"),
            vec!["director", "bursar", "secretary", "parent_1"],
            None,
        ),
        (
            format!("/paiements/{momo}/etat"),
            vec!["director", "bursar", "secretary", "parent_1"],
            None,
        ),
        ("/paiements/999999".into(), vec![], None),
        ("/paiements/demo/SUKU-AUTHZ".into(), vec!["parent_1"], None),
        ("/progression".into(), everyone.to_vec(), None),
        (
            format!("/progression/{}", f.s1),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            Some("Elom"),
        ),
        (
            format!("/progression/{}", f.s3),
            vec!["parent_2", "director", "bursar", "secretary"],
            Some("Yawo"),
        ),
        ("/classements".into(), everyone.to_vec(), None),
        (
            "/classements?scope=ecole&type=badges".into(),
            everyone.to_vec(),
            None,
        ),
        (
            format!("/classements?scope=classe&classe={}", f.class_b),
            vec!["parent_1", "parent_2", "director", "bursar", "secretary"],
            None,
        ),
        ("/badges".into(), everyone.to_vec(), None),
        (
            format!("/points/classe/{}", f.class_a),
            vec!["teacher_a", "director", "secretary"],
            Some("Elom"),
        ),
        (
            format!("/points/classe/{}", f.class_b),
            vec!["director", "secretary"],
            Some("Yawo"),
        ),
        ("/points/classe/999999".into(), vec![], None),
        ("/defis".into(), everyone.to_vec(), None),
        (
            "/defis/nouveau".into(),
            vec!["teacher_a", "director", "secretary"],
            None,
        ),
        (
            format!("/defis/{challenge}"),
            vec!["parent_1", "parent_2", "director", "bursar", "secretary"],
            Some("Défi de 6e B"),
        ),
        (
            format!("/defis/{challenge}/progression"),
            vec!["parent_1", "parent_2", "director", "bursar", "secretary"],
            None,
        ),
        ("/defis/999999".into(), vec![], None),
        ("/admin/gamification".into(), managers.to_vec(), None),
        ("/admin/analytique".into(), admins.to_vec(), None),
        ("/admin/prediction".into(), managers.to_vec(), None),
        ("/admin/prediction/import".into(), managers.to_vec(), None),
        (
            format!("/admin/prediction/import/{history}"),
            managers.to_vec(),
            Some("Matricule"),
        ),
        ("/admin/prediction/import/999999".into(), vec![], None),
        (
            "/analytique/risques".into(),
            vec!["teacher_a", "director", "secretary"],
            None,
        ),
        (
            format!("/analytique/classes/{}", f.class_a),
            vec!["teacher_a", "director", "bursar", "secretary"],
            Some("Elom"),
        ),
        (
            format!("/analytique/classes/{}", f.class_b),
            admins.to_vec(),
            Some("Yawo"),
        ),
        ("/analytique/classes/999999".into(), vec![], None),
        (
            format!("/analytique/eleves/{}", f.s1),
            vec![
                "student",
                "parent_1",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
            Some("Elom"),
        ),
        (
            format!("/analytique/eleves/{}", f.s3),
            vec!["parent_2", "director", "bursar", "secretary"],
            Some("Yawo"),
        ),
        (
            "/admin/import/modele-eleves.csv".into(),
            managers.to_vec(),
            None,
        ),
        (
            "/admin/import/modele-eleves.xlsx".into(),
            managers.to_vec(),
            None,
        ),
        (
            format!("/admin/import/{import}"),
            managers.to_vec(),
            Some("T-900"),
        ),
    ];
    // Every GET route of the router built by the app is in the matrix above.
    let mut failures = crate::routes::unwalked(
        &app.router,
        "GET",
        routes.iter().map(|r| r.0.as_str()),
        GET_ELSEWHERE,
    );
    for role in ROLES {
        let mut c = client_for(&app, role).await;
        for (path, allowed, secret) in &routes {
            let r = c.get(path).await;
            let got = outcome(r.status, r.location());
            let want = if role == "anonymous" {
                Expect::Login
            } else if allowed.contains(&role) {
                Expect::Ok
            } else {
                Expect::Denied
            };
            if got != want {
                failures.push(format!(
                    "{role} GET {path}: got {got:?} ({}), want {want:?}",
                    r.status
                ));
            }
            if got != Expect::Ok
                && let Some(s) = secret
                && r.body.contains(s)
            {
                failures.push(format!("{role} GET {path}: refusal shows {s:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_post_route_for_every_role() {
    let app = TestApp::new().await;
    let ff = crate::helpers::seed_fees(&app).await;
    let momo = momo_attempt(&app).await;
    let f = app.f.clone();
    let managers = vec!["director", "secretary"];
    let money = vec!["director", "bursar"];
    let (app_s1, conduct_s1) = (format!("app_{}", f.s1), format!("conduct_{}", f.s1));
    let import = clean_import(&app).await;
    let history = history_upload(&app).await;
    let certificate = crate::certificates::certificate(&app).await;
    let (flow, _, task) = crate::workflows::flow_run_task(&app).await;
    let (timetable, tt_lesson) = crate::timetable::published(&app).await;
    let draft = crate::timetable::generate(&app, &[("name", "Version 2"), ("seconds", "5")]).await;
    let tt_constraint = crate::timetable::constraint(&app).await;
    let tt_parallel = crate::timetable_parallel::group(&app).await;
    let challenge = class_b_challenge(&app).await;
    // Parent 1's personal access token.
    let token = suku::dashboard::repo::insert_token(
        &app.db.pool,
        f.parent_1,
        "Téléphone",
        "hash-of-a-test-token",
        "suku_abcd",
        "balance",
        app.state.clock.now(),
        None,
        "",
    )
    .await
    .unwrap();
    let (school_badge,): (i64,) = sqlx::query_as(
        "INSERT INTO badges (name, description, icon) VALUES ('Esprit d''équipe', '', 'team') RETURNING id",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let award = {
        let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
        let id = suku::gamification::award(
            &mut tx,
            &suku::gamification::Award {
                student_id: f.s1,
                points: 5,
                positive: true,
                awarded_by: Some(f.teacher_a),
                awarded_on: app.state.clock.today(),
                ..Default::default()
            },
            app.state.clock.now(),
        )
        .await
        .unwrap()
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let queued = suku::jobs::enqueue(
        &app.db.pool,
        &crate::helpers::Noop {},
        Some(f.bursar),
        app.state.clock.now(),
    )
    .await
    .unwrap();
    // Each POST is sent with a valid token, and with fields that would succeed, so that a
    // wrongful success shows. Changes that would block later rows come last.
    let class_b = f.class_b.to_string();
    let chat = crate::helpers::seed_chat(&app).await;
    let everyone = vec![
        "director",
        "bursar",
        "secretary",
        "teacher_a",
        "teacher_b",
        "parent_1",
        "parent_2",
        "student",
    ];
    // Records the rows below act on, made as people make them.
    let eval = {
        let mut t = app.login_as("teacher_a").await;
        crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await
    };
    let absence = {
        let mut t = app.login_as("teacher_a").await;
        let s1 = format!("etat_{}", f.s1);
        let r = t
            .post(
                &format!("/enseignant/classes/{}/appel", f.class_a),
                &[
                    ("held_on", "2026-11-18"),
                    ("starts_at", "07:00"),
                    ("minutes", "55"),
                    (&s1, "absent"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        crate::helpers::scalar(&app.db.pool, "SELECT MAX(id) FROM absences", None).await
    };
    let year = crate::helpers::scalar(
        &app.db.pool,
        "SELECT id FROM school_years WHERE current = TRUE",
        None,
    )
    .await;
    // A person and a pupil that no walking role is, for the switches on and off.
    let (spare_user, spare_student) = {
        let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
        let u = crate::helpers::mk_user(
            &mut tx,
            "-",
            "Kossi",
            "Réserve",
            "reserve@test.tg",
            &[suku::auth::Role::Teacher],
        )
        .await;
        let s = suku::school::insert_student(
            &mut *tx,
            &suku::school::StudentInput {
                matricule: "T-950".into(),
                first_name: "Afi".into(),
                last_name: "Réserve".into(),
                sex: "F",
                birth_date: None,
                birth_place: None,
            },
            None,
            crate::helpers::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (u, s)
    };
    let (lesson, gone) = (
        crate::lessons::lesson(&app).await,
        crate::lessons::lesson(&app).await,
    );
    let course = crate::courses::course(&app).await;
    crate::videos::ready_video(&app, course.lesson).await;
    let (quiz, attempt, question) = crate::quizzes::attempt(&app).await;
    let answer_field = format!("q{question}");
    let (work, copy) = crate::assignments::submission(&app).await;
    let module_fields = || vec![("module_title", "Chapitre 2".to_string())];
    let lesson_fields = || {
        vec![
            ("held_on", "2026-12-02".to_string()),
            ("title", "Les fractions".to_string()),
        ]
    };
    type PostRoute<'a> = (String, Vec<(&'a str, String)>, Vec<&'a str>);
    let routes: Vec<PostRoute> = vec![
        (
            format!(
                "/enseignant/classes/{}/matieres/{}/cahier",
                f.class_a, f.maths
            ),
            lesson_fields(),
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cahier/{lesson}"),
            lesson_fields(),
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cahier/{gone}/suppression"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            "/enseignant/cours".into(),
            vec![
                ("class_id", f.class_a.to_string()),
                ("subject_id", f.maths.to_string()),
                ("title", "Nouveau cours".to_string()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/{}", course.course),
            vec![("title", "Nombres et calculs".to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/{}/modules", course.course),
            module_fields(),
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/{}/copie", course.course),
            vec![("class_id", f.class_b.to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/modules/{}", course.module),
            vec![
                ("module_title", "Chapitre 1".to_string()),
                ("published", "1".to_string()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/modules/{}/deplacer", course.module),
            vec![("dir", "down".to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/modules/{}/lecon", course.module),
            vec![
                ("title", "Leçon 2".to_string()),
                ("published", "1".to_string()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{}", course.lesson),
            vec![
                ("title", "Qu’est-ce qu’une fraction ?".to_string()),
                ("body", "Une **fraction** est un quotient.".to_string()),
                ("published", "1".to_string()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{}/deplacer", course.lesson),
            vec![("dir", "up".to_string())],
            vec!["teacher_a"],
        ),
        (
            "/enseignant/cours/apercu".into(),
            vec![("body", "# Titre".to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/cours/lecons/{}/termine", course.lesson),
            vec![],
            vec!["student"],
        ),
        (
            format!("/cours/lecons/{}/video/vue", course.lesson),
            vec![("position", "1".to_string()), ("played", "0-1".to_string())],
            vec!["student"],
        ),
        (
            format!("/enseignant/cours/lecons/{}/video", course.lesson),
            vec![("name", "a.mp4".to_string()), ("size", "10".to_string())],
            vec!["teacher_a"],
        ),
        (
            format!(
                "/enseignant/cours/lecons/{}/video/morceau?jeton=x&debut=0",
                course.lesson
            ),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{}/video/retrait", course.lesson),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/questions/{}", f.maths),
            vec![
                ("kind", "true_false".to_string()),
                ("prompt", "2 > 1".to_string()),
                ("answer", "true".to_string()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{quiz}/quiz"),
            vec![("attempts", "5".to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{quiz}/quiz/questions"),
            vec![("question", question.to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/cours/tentatives/{attempt}/sauvegarde"),
            vec![(answer_field.as_str(), "1".to_string())],
            vec!["student"],
        ),
        (
            format!("/cours/lecons/{quiz}/tentatives"),
            vec![],
            vec!["student"],
        ),
        (
            format!("/cours/tentatives/{attempt}"),
            vec![],
            vec!["student"],
        ),
        (
            format!("/cours/tentatives/{attempt}/revue"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{quiz}/quiz/carnet"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{quiz}/quiz/retrait"),
            vec![("question_id", question.to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/cours/lecons/{work}/rendu"),
            vec![("body", "1/3 + 1/6 = 3/6".to_string())],
            vec!["student"],
        ),
        (
            format!("/enseignant/cours/lecons/{work}/devoir"),
            vec![
                ("due_at", "2026-12-04T18:00".to_string()),
                ("late_policy", "accept".to_string()),
                ("accept_text", "1".to_string()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/copies/{copy}"),
            vec![("c0", "5".to_string())],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/lecons/{work}/devoir/carnet"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!(
                "/enseignant/cours/lecons/{}/suppression",
                course.gone_lesson
            ),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!(
                "/enseignant/cours/modules/{}/suppression",
                course.gone_module
            ),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/cours/{}/suppression", course.gone_course),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/admin/utilisateurs/{}/bon", f.parent_1),
            vec![],
            managers.clone(),
        ),
        (
            "/admin/saisie/relance".into(),
            vec![
                ("class", f.class_a.to_string()),
                ("subject", f.maths.to_string()),
            ],
            managers.clone(),
        ),
        (
            "/admin/absences-enseignants".into(),
            vec![
                ("teacher", f.teacher_b.to_string()),
                ("from_date", "2026-12-07".to_string()),
                ("to_date", "2026-12-07".to_string()),
            ],
            managers.clone(),
        ),
        (
            format!("/eleves/{}/documents", f.s1),
            vec![("kind", "scolarite".to_string())],
            managers.clone(),
        ),
        (
            format!("/documents/{certificate}/annuler"),
            vec![("reason", "Erreur de prénom".to_string())],
            managers.clone(),
        ),
        (
            "/admin/vie-scolaire".into(),
            vec![("base", "18".to_string())],
            vec!["director"],
        ),
        (
            "/admin/automatisations".into(),
            vec![
                ("name", "Le point du matin".to_string()),
                ("trigger", "schedule".to_string()),
            ],
            vec!["director"],
        ),
        (
            format!("/admin/automatisations/{flow}/lancer"),
            vec![],
            vec!["director"],
        ),
        (
            "/admin/automatisations/modeles".into(),
            vec![("template", "absence_parents".to_string())],
            vec!["director"],
        ),
        (
            format!("/admin/automatisations/{flow}"),
            vec![("name", "Suivi".to_string())],
            vec!["director"],
        ),
        (
            format!("/admin/automatisations/{flow}/activation"),
            vec![("enabled", "0".to_string())],
            vec!["director"],
        ),
        (
            format!("/admin/automatisations/{flow}/essai"),
            vec![("event", "0".to_string())],
            managers.clone(),
        ),
        (
            format!("/suivi/{task}"),
            vec![("done", "1".to_string())],
            vec!["teacher_a"],
        ),
        (
            "/admin/emplois-du-temps".into(),
            vec![
                ("name", "Version 3".to_string()),
                ("seconds", "5".to_string()),
            ],
            vec!["director"],
        ),
        (
            format!("/admin/emplois-du-temps/{timetable}/seances/{tt_lesson}"),
            vec![("day", "0".to_string()), ("period", "0".to_string())],
            vec!["director"],
        ),
        (
            format!("/admin/emplois-du-temps/{timetable}/seances/{tt_lesson}/verrou"),
            vec![("locked", "1".to_string())],
            vec!["director"],
        ),
        (
            format!("/admin/emplois-du-temps/{draft}/publier"),
            vec![],
            vec!["director"],
        ),
        (
            "/admin/emplois-du-temps/grille".into(),
            vec![
                ("start_0", "07:00".to_string()),
                ("end_0", "07:55".to_string()),
            ],
            vec!["director"],
        ),
        (
            "/admin/emplois-du-temps/horaires".into(),
            vec![("level", "1".to_string())],
            vec!["director"],
        ),
        (
            "/admin/emplois-du-temps/horaires-classe".into(),
            vec![
                ("class", f.class_a.to_string()),
                ("subject", f.maths.to_string()),
                ("hours", "4".to_string()),
            ],
            vec!["director"],
        ),
        (
            "/admin/emplois-du-temps/contraintes".into(),
            vec![
                ("kind", "max_per_day".to_string()),
                ("applies_to", "all_teachers".to_string()),
                ("value", "6".to_string()),
            ],
            vec!["director"],
        ),
        (
            format!("/admin/emplois-du-temps/contraintes/{tt_constraint}/suppression"),
            vec![],
            vec!["director"],
        ),
        (
            "/admin/emplois-du-temps/paralleles".into(),
            vec![("class_1", f.class_a.to_string())],
            vec!["director"],
        ),
        (
            format!("/admin/emplois-du-temps/paralleles/{tt_parallel}/suppression"),
            vec![],
            vec!["director"],
        ),
        (
            "/emploi-du-temps/calendrier".into(),
            vec![("student", f.s1.to_string())],
            vec!["student", "parent_1"],
        ),
        (
            "/emploi-du-temps/calendrier/revocation".into(),
            vec![("student", f.s1.to_string())],
            vec!["student", "parent_1"],
        ),
        (
            "/admin/documents-scolaires/classes".into(),
            vec![
                ("class_id", f.class_a.to_string()),
                ("kind", "carte".to_string()),
            ],
            managers.clone(),
        ),
        (
            format!("/vie-scolaire/eleves/{}/incidents", f.s1),
            vec![
                ("occurred_on", "2026-12-01".to_string()),
                ("description", "Bavardages".to_string()),
            ],
            vec!["teacher_a", "director", "secretary"],
        ),
        (
            format!("/vie-scolaire/eleves/{}/sanctions", f.s1),
            vec![
                ("kind", "avertissement".to_string()),
                ("reason", "Bavardages".to_string()),
            ],
            vec!["teacher_a", "director", "secretary"],
        ),
        (
            "/admin/impayes/relance".into(),
            vec![("min", "999999999".to_string())],
            money.clone(),
        ),
        (
            "/admin/sms".into(),
            vec![
                ("monthly_budget", "1000".to_string()),
                ("daily_per_person", "5".to_string()),
            ],
            vec!["director"],
        ),
        (
            format!("/enseignant/evaluations/{eval}"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/evaluations/{eval}/cellules"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/evaluations/{eval}/copie"),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/classes/{}/appel", f.class_a),
            vec![],
            vec!["teacher_a"],
        ),
        (
            format!("/parent/absences/{absence}/justification"),
            vec![],
            vec!["parent_1"],
        ),
        (
            format!("/admin/absences/{absence}/validation"),
            vec![("decision", "x".into())],
            managers.clone(),
        ),
        ("/admin/classes".into(), vec![], managers.clone()),
        ("/admin/eleves".into(), vec![], managers.clone()),
        ("/admin/parents".into(), vec![], managers.clone()),
        ("/admin/personnel".into(), vec![], managers.clone()),
        (
            format!("/admin/eleves/{spare_student}/activation"),
            vec![],
            managers.clone(),
        ),
        (
            format!("/admin/utilisateurs/{spare_user}/activation"),
            vec![],
            vec!["director"],
        ),
        (
            format!("/admin/classes/{}/enseignants/999999/retirer", f.class_a),
            vec![],
            managers.clone(),
        ),
        (
            format!("/admin/annees/{year}/ouverture"),
            vec![],
            vec!["director"],
        ),
        (
            "/admin/exports/modeles/nouveau".into(),
            vec![("dataset", "students".into())],
            vec!["director", "bursar", "secretary"],
        ),
        ("/admin/exports/modeles/999999".into(), vec![], vec![]),
        (
            "/admin/exports/modeles/999999/suppression".into(),
            vec![],
            vec![],
        ),
        (
            "/admin/gamification/regles".into(),
            vec![],
            managers.clone(),
        ),
        (
            format!("/admin/mobile-money/{momo}/decision"),
            vec![],
            money.clone(),
        ),
        (
            "/admin/signalements/999999/suppression".into(),
            vec![],
            vec![],
        ),
        ("/compte/mot-de-passe".into(), vec![], everyone.clone()),
        (
            format!("/messages/{}", chat.direct),
            vec![("body", "Bien reçu".into())],
            vec!["parent_1", "teacher_a"],
        ),
        (
            format!("/messages/{}", chat.parents_b),
            vec![("body", "Bonjour à tous".into())],
            vec![
                "director",
                "bursar",
                "secretary",
                "teacher_b",
                "parent_1",
                "parent_2",
            ],
        ),
        (
            format!("/messages/m/{}/modifier", chat.message),
            vec![("body", "Rendez-vous mercredi".into())],
            vec!["parent_1"],
        ),
        (
            format!("/messages/m/{}/signalement", chat.message),
            vec![("reason", "test".into())],
            vec!["parent_1", "teacher_a"],
        ),
        (
            format!("/messages/{}/sourdine", chat.parents_b),
            vec![("user_id", f.parent_1.to_string()), ("minutes", "0".into())],
            vec!["director", "bursar", "secretary", "teacher_b"],
        ),
        (
            "/messages/nouveau".into(),
            vec![("user_id", f.teacher_a.to_string())],
            vec!["director", "bursar", "secretary", "teacher_b", "parent_1"],
        ),
        (
            "/compte/notifications".into(),
            vec![("on", "mark.in_app".into())],
            everyone.clone(),
        ),
        ("/notifications/lues".into(), vec![], everyone.clone()),
        (
            "/compte/appareils".into(),
            vec![
                ("endpoint", "https://fcm.googleapis.com/fcm/send/d/1".into()),
                ("p256dh", crate::push::DEVICE_KEY.into()),
                ("auth", crate::push::DEVICE_AUTH.into()),
            ],
            everyone.clone(),
        ),
        (
            "/compte/appareils/retrait".into(),
            vec![("endpoint", "https://fcm.googleapis.com/fcm/send/d/1".into())],
            everyone.clone(),
        ),
        (
            format!("/admin/eleves/{}", f.s3),
            vec![
                ("matricule", "T-003".into()),
                ("first_name", "Yawo".into()),
                ("last_name", "Fiadjoe".into()),
                ("sex", "M".into()),
            ],
            managers.clone(),
        ),
        (
            format!("/admin/eleves/{}/inscription", f.s3),
            vec![("class_id", class_b.clone())],
            managers.clone(),
        ),
        (
            format!("/admin/eleves/{}/parents", f.s3),
            vec![
                ("contact", "+22890000002".into()),
                ("relationship", "pere".into()),
            ],
            managers.clone(),
        ),
        (
            format!("/admin/classes/{}", f.class_b),
            vec![
                ("room", "Salle 9".into()),
                ("head_teacher", f.teacher_b.to_string()),
            ],
            managers.clone(),
        ),
        (
            "/admin/salles".into(),
            vec![("name", "Labo".into()), ("kind", "lab".into())],
            managers.clone(),
        ),
        (
            "/admin/salles/1".into(),
            vec![
                ("name", "Salle 1".into()),
                ("kind", "classroom".into()),
                ("active", "1".into()),
            ],
            managers.clone(),
        ),
        (
            format!("/admin/utilisateurs/{}", f.parent_2),
            vec![
                ("first_name", "Komla".into()),
                ("last_name", "Fiadjoe".into()),
                ("phone", "90000002".into()),
            ],
            managers.clone(),
        ),
        (
            format!("/admin/utilisateurs/{}/mot-de-passe", f.teacher_b),
            vec![],
            vec!["director"],
        ),
        (
            "/compte/role".into(),
            vec![("role", "director".into())],
            vec!["director"],
        ),
        (
            "/admin/etablissement".into(),
            vec![
                ("name", "Collège Test".into()),
                ("city", "Lomé".into()),
                ("period_kind", "trimestre".into()),
            ],
            vec!["director"],
        ),
        (
            format!("/admin/classes/{}/enseignants", f.class_b),
            vec![
                ("subject_id", f.maths.to_string()),
                ("teacher", f.teacher_b.to_string()),
            ],
            managers.clone(),
        ),
        (
            format!("/enseignant/classes/{}/matieres/{}", f.class_a, f.maths),
            vec![
                ("period_id", "1".into()),
                ("kind", "devoir".into()),
                ("title", "D1".into()),
                ("held_on", "2026-11-20".into()),
                ("scale", "20".into()),
                ("weight", "1".into()),
            ],
            vec!["teacher_a"],
        ),
        (
            format!("/enseignant/classes/{}/matieres/{}", f.class_b, f.maths),
            vec![
                ("period_id", "1".into()),
                ("kind", "devoir".into()),
                ("title", "D1".into()),
                ("held_on", "2026-11-20".into()),
                ("scale", "20".into()),
                ("weight", "1".into()),
            ],
            vec![],
        ),
        (
            format!("/enseignant/evaluations/999999/eleves/{}", f.s1),
            vec![],
            vec![],
        ),
        (
            format!("/admin/eleves/{}/parents/{}/retirer", f.s3, f.parent_2),
            vec![],
            managers.clone(),
        ),
        ("/admin/periodes/3/cloture".into(), vec![], vec!["director"]),
        (
            "/admin/coefficients?niveau=1&serie=0".into(),
            vec![("coef_1", "2".into())],
            vec!["director"],
        ),
        (
            "/admin/periodes/3/publication".into(),
            vec![],
            vec!["director"],
        ),
        (
            "/admin/frais/types".into(),
            vec![("code", "tenue".into()), ("name", "Tenue".into())],
            money.clone(),
        ),
        (
            "/admin/frais/tranches".into(),
            vec![
                ("level_id", ff.level_6e.to_string()),
                ("fee_type_id", ff.scolarite.to_string()),
                ("label", "3e tranche".into()),
                ("amount", "20000".into()),
                ("due_on", "2027-04-15".into()),
            ],
            money.clone(),
        ),
        ("/admin/frais/facturation".into(), vec![], money.clone()),
        (
            format!("/admin/frais/tranches/{}/suppression", ff.unbilled_tranche),
            vec![],
            money.clone(),
        ),
        (
            format!("/admin/eleves/{}/paiements", f.s3),
            vec![("amount", "1000".into()), ("method", "especes".into())],
            money.clone(),
        ),
        (
            format!("/admin/eleves/{}/remises", f.s3),
            vec![
                ("fee_type_id", ff.scolarite.to_string()),
                ("kind", "bourse".into()),
                ("amount", "1000".into()),
            ],
            money.clone(),
        ),
        (
            format!(
                "/enseignant/classes/{}/matieres/{}/appreciations",
                f.class_a, f.maths
            ),
            vec![(app_s1.as_str(), "Bien".into())],
            vec!["teacher_a"],
        ),
        (
            format!(
                "/enseignant/classes/{}/matieres/{}/appreciations/{}",
                f.class_a, f.maths, f.s1
            ),
            vec![(app_s1.as_str(), "Bien, continuez".into())],
            vec!["teacher_a"],
        ),
        (
            format!("/conseil/classes/{}", f.class_a),
            vec![(conduct_s1.as_str(), "15".into())],
            vec!["teacher_a", "director"],
        ),
        ("/admin/annees/preparation".into(), vec![], vec!["director"]),
        // Next year, just prepared (the fixture's year is 1).
        ("/admin/annees/2/passages".into(), vec![], vec!["director"]),
        (
            "/admin/absences/saisie".into(),
            vec![
                ("matricule", "T-003".into()),
                ("kind", "retard".into()),
                ("late", "10".into()),
                ("held_on", "2026-11-23".into()),
                ("starts_at", "07:00".into()),
                ("minutes", "55".into()),
            ],
            managers.clone(),
        ),
        (
            "/admin/notation".into(),
            vec![
                ("class_work_weight", "1".into()),
                ("composition_weight", "2".into()),
                ("honour_roll", "12".into()),
                ("encouragement", "14".into()),
                ("congratulations", "16".into()),
                ("warning_below", "8".into()),
                ("reprimand_below", "6".into()),
                ("pass_mark", "10".into()),
            ],
            vec!["director"],
        ),
        (
            "/annonces".into(),
            vec![
                ("audience", "class".into()),
                ("class_id", f.class_a.to_string()),
                ("title", "Réunion".into()),
                ("body", "Réunion des parents samedi.".into()),
            ],
            vec!["teacher_a", "director", "secretary"],
        ),
        (
            format!("/admin/import/{import}/confirmation"),
            vec![],
            managers.clone(),
        ),
        (
            "/admin/periodes/1/resultats".into(),
            vec![],
            vec!["director", "bursar", "secretary"],
        ),
        (
            "/admin/periodes/1/bulletins".into(),
            vec![],
            vec!["director", "bursar", "secretary"],
        ),
        ("/admin/periodes/999999/bulletins".into(), vec![], vec![]),
        (
            "/admin/exports/apercu".into(),
            vec![
                ("dataset", "students".into()),
                ("use_matricule", "1".into()),
            ],
            vec!["director", "bursar", "secretary"],
        ),
        (
            "/admin/exports/apercu".into(),
            vec![("dataset", "payments".into()), ("use_amount", "1".into())],
            vec!["director", "bursar"],
        ),
        (
            "/admin/exports/modeles/999999/lancement".into(),
            vec![("format", "csv".into())],
            vec![],
        ),
        (
            "/admin/documents".into(),
            vec![("region", "DRE Golfe".into())],
            managers.clone(),
        ),
        (
            "/admin/documents/apercu".into(),
            vec![("document", "bulletin".into())],
            managers.clone(),
        ),
        (
            format!("/messages/m/{}/suppression", chat.message),
            vec![],
            vec!["parent_1"],
        ),
        (
            format!("/taches/{queued}/annulation"),
            vec![],
            vec!["director", "bursar"],
        ),
        (
            format!("/admin/mobile-money/{momo}/verification"),
            vec![],
            money.clone(),
        ),
        (
            format!("/parent/enfants/{}/paiement", f.s1),
            vec![("amount", "5000".into()), ("network", "tmoney".into())],
            vec!["parent_1"],
        ),
        (
            "/paiements/demo/SUKU-AUTHZ".into(),
            vec![("answer", "refuse".into())],
            vec!["parent_1"],
        ),
        (
            format!("/admin/recus/{}/annulation", ff.receipt_s3),
            vec![("reason", "Erreur".into())],
            money.clone(),
        ),
        (
            format!("/points/classe/{}", f.class_a),
            vec![("student", f.s1.to_string()), ("behaviour", "1".into())],
            vec!["teacher_a", "director", "secretary"],
        ),
        (
            format!("/points/classe/{}/badge", f.class_a),
            vec![
                ("student", f.s1.to_string()),
                ("badge", school_badge.to_string()),
            ],
            vec!["teacher_a", "director", "secretary"],
        ),
        (
            format!("/points/{award}/annulation"),
            vec![("reason", "Erreur".into())],
            managers.clone(),
        ),
        (
            format!("/progression/{}/confidentialite", f.s1),
            vec![("hide", "1".into())],
            vec!["student", "parent_1"],
        ),
        (
            format!("/progression/{}/confidentialite", f.s3),
            vec![("hide", "1".into())],
            vec!["parent_2"],
        ),
        (
            "/defis".into(),
            vec![
                ("class_id", f.class_a.to_string()),
                ("title", "Assiduité".into()),
                ("who", "class".into()),
                ("metric", "attendance".into()),
                ("target", "95".into()),
                ("starts_on", app.state.clock.today().to_string()),
                ("ends_on", app.state.clock.today().to_string()),
            ],
            vec!["teacher_a", "director", "secretary"],
        ),
        (
            "/badges".into(),
            vec![("name", "Délégué".into()), ("icon", "ribbon".into())],
            managers.clone(),
        ),
        (
            "/admin/gamification/comportements".into(),
            vec![("label", "Ponctualité".into()), ("points", "2".into())],
            managers.clone(),
        ),
        (
            "/admin/gamification/niveaux".into(),
            vec![("min_0", "0".into()), ("min_1", "40".into())],
            managers.clone(),
        ),
        (
            "/admin/gamification/classements".into(),
            vec![("family_lines", "12".into())],
            managers.clone(),
        ),
        (
            "/admin/gamification/comportements/1".into(),
            vec![],
            managers.clone(),
        ),
        (
            format!("/defis/{challenge}/annulation"),
            vec![],
            vec!["teacher_b", "director", "secretary"],
        ),
        (
            format!("/badges/{school_badge}/eleves/{}/annulation", f.s1),
            vec![],
            managers.clone(),
        ),
        (
            "/admin/prediction/reglages".into(),
            vec![
                ("label", "decision".into()),
                ("alert_at", "60".into()),
                ("retrain_days", "30".into()),
            ],
            managers.clone(),
        ),
        (
            "/admin/prediction/entrainer".into(),
            vec![],
            managers.clone(),
        ),
        (
            format!("/admin/prediction/import/{history}"),
            vec![("student", "0".into()), ("pass_mark", "10".into())],
            managers.clone(),
        ),
        (
            format!("/admin/prediction/import/{history}/retrait"),
            vec![],
            managers.clone(),
        ),
        (
            format!("/analytique/eleves/{}/suivi", f.s1),
            vec![
                ("done_on", "2026-12-01".into()),
                ("action", "entretien_eleve".into()),
            ],
            vec!["teacher_a", "director", "bursar", "secretary"],
        ),
        (
            "/assistant".into(),
            vec![("message", "bonjour".into())],
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
        ),
        (
            "/assistant/nouvelle".into(),
            vec![],
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
        ),
        (
            "/assistant/signaler".into(),
            vec![("note", "x".into())],
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
        ),
        (
            "/api/assistant".into(),
            vec![("message", "bonjour".into())],
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
        ),
        (
            "/admin/assistant/faq".into(),
            vec![("question", "Q".into()), ("answer", "R".into())],
            managers.clone(),
        ),
        (
            "/admin/assistant/faq/999999/suppression".into(),
            vec![],
            vec![],
        ),
        (
            "/admin/assistant/reglages".into(),
            vec![("daily_messages", "10".into()), ("per_minute", "5".into())],
            vec!["director"],
        ),
        (
            "/admin/assistant/signalements/999999".into(),
            vec![],
            vec![],
        ),
        (
            "/admin/assistant/modele".into(),
            vec![("llm_url", "".into()), ("llm_wait_seconds", "20".into())],
            vec!["director"],
        ),
        (
            "/admin/assistant/modele/verification".into(),
            vec![],
            vec!["director"],
        ),
        (
            "/tableau".into(),
            vec![
                ("role", "parent".into()),
                ("action", "deplacer".into()),
                ("id", "1".into()),
                ("sens", "bas".into()),
            ],
            vec!["parent_1", "parent_2"],
        ),
        (
            "/admin/tableaux".into(),
            vec![
                ("role", "teacher".into()),
                ("action", "deplacer".into()),
                ("id", "1".into()),
                ("sens", "bas".into()),
            ],
            vec!["director"],
        ),
        (
            "/compte/jetons".into(),
            vec![("name", "Essai".into())],
            vec![
                "student",
                "parent_1",
                "parent_2",
                "teacher_a",
                "director",
                "bursar",
                "secretary",
            ],
        ),
        (
            format!("/compte/jetons/{token}/revoquer"),
            vec![],
            vec!["parent_1"],
        ),
        (
            "/admin/analytique/seuils".into(),
            vec![
                ("average_below", "10".into()),
                ("drop", "1".into()),
                ("absence_hours", "6".into()),
                ("missing", "2".into()),
                ("medium", "30".into()),
                ("high", "60".into()),
            ],
            managers.clone(),
        ),
    ];
    // Every route of the router built by the app that changes something is in the matrix.
    let mut failures = Vec::new();
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        failures.extend(crate::routes::unwalked(
            &app.router,
            method,
            routes.iter().map(|r| r.0.as_str()),
            POST_ELSEWHERE,
        ));
    }
    for role in ROLES {
        let mut c = client_for(&app, role).await;
        for (path, fields, allowed) in &routes {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = c.post(path, &fields).await;
            let got = outcome(r.status, r.location());
            let want = if role == "anonymous" {
                Expect::Login
            } else if allowed.contains(&role) {
                Expect::Ok
            } else {
                Expect::Denied
            };
            if got != want {
                failures.push(format!(
                    "{role} POST {path}: got {got:?} ({}), want {want:?}",
                    r.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn ids_edited_by_hand_are_refused_without_a_500() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    for path in [
        "/parent/enfants/abc",
        "/parent/enfants/-1",
        "/parent/enfants/0",
        "/parent/enfants/99999999999999999999",
    ] {
        let r = p.get(path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("Page introuvable"));
    }
    let r = p.get("/parent/enfants/999999").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Accès refusé"));
    let mut t = app.login_as("teacher_a").await;
    assert_eq!(
        t.get("/enseignant/classes/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/enseignant/classes/x1").await.status,
        StatusCode::NOT_FOUND
    );
    let mut d = app.login_as("director").await;
    assert_eq!(
        d.get("/admin/eleves/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.get("/admin/utilisateurs/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn authz_answers_from_relationships() {
    let app = TestApp::new().await;
    let f = &app.f;
    let db = &app.db.pool;
    let user = |id: i64, roles: Vec<suku::auth::Role>| suku::auth::CurrentUser {
        id,
        first_name: String::new(),
        last_name: String::new(),
        locale: Default::default(),
        active_role: roles[0],
        roles,
        must_change_password: false,
    };
    use suku::auth::Role::*;
    use suku::authz::{can_see_class, can_see_roster, can_see_student};
    let p1 = user(f.parent_1, vec![Parent]);
    let p2 = user(f.parent_2, vec![Parent]);
    let ta = user(f.teacher_a, vec![Teacher]);
    let st = user(f.student_user, vec![Student]);
    let dir = user(f.director, vec![Director]);
    assert!(can_see_student(db, &p1, f.s1).await.unwrap());
    assert!(can_see_student(db, &p1, f.s2).await.unwrap());
    assert!(!can_see_student(db, &p1, f.s3).await.unwrap());
    assert!(!can_see_student(db, &p2, f.s1).await.unwrap());
    assert!(can_see_student(db, &ta, f.s1).await.unwrap());
    assert!(!can_see_student(db, &ta, f.s3).await.unwrap());
    assert!(can_see_student(db, &st, f.s1).await.unwrap());
    assert!(!can_see_student(db, &st, f.s2).await.unwrap());
    assert!(can_see_student(db, &dir, f.s3).await.unwrap());
    assert!(can_see_class(db, &p1, f.class_b).await.unwrap());
    assert!(!can_see_class(db, &p2, f.class_a).await.unwrap());
    assert!(can_see_class(db, &st, f.class_a).await.unwrap());
    assert!(!can_see_roster(db, &st, f.class_a).await.unwrap());
    assert!(!can_see_roster(db, &p1, f.class_a).await.unwrap());
    assert!(can_see_roster(db, &ta, f.class_a).await.unwrap());
    assert!(!can_see_roster(db, &ta, f.class_b).await.unwrap());
}

/// The links a person is shown are links they may follow: for each staff role, every link
/// of its home page, and of the pages those lead to, four links deep (one page of each
/// kind, ids aside), answers something other than 403. A bursar used to be shown the risk
/// list and the class council, which refused him; a secretary, the council too.
#[tokio::test]
async fn no_staff_role_is_shown_a_link_it_may_not_follow() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let mut refused = Vec::new();
    let mut seen = 0;
    for role in ["director", "bursar", "secretary", "teacher_a"] {
        let mut c = app.login_as(role).await;
        let home = c.get("/").await;
        let home = match home.status {
            StatusCode::SEE_OTHER => home.location().to_string(),
            _ => "/".to_string(),
        };
        // (path, depth, the page it was found on)
        let mut queue = std::collections::VecDeque::from([(home, 0, String::new())]);
        let mut kinds = std::collections::HashSet::new();
        while let Some((path, depth, from)) = queue.pop_front() {
            let kind: String = path
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .split('/')
                .map(|p| {
                    if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) {
                        "N"
                    } else {
                        p
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            if !kinds.insert(kind) {
                continue;
            }
            let r = c.get(&path).await;
            seen += 1;
            if r.status == StatusCode::FORBIDDEN {
                refused.push(format!("{role}: {path} (linked from {from})"));
                continue;
            }
            if depth >= 4 || !r.status.is_success() {
                continue;
            }
            for href in links(&r.body) {
                // Downloads and files are other pages' links to the same rights (the
                // export tests walk them); the rest is followed.
                let skip = [
                    "/deconnexion",
                    "format=",
                    "/fichiers/",
                    "/socket.io",
                    "/static/",
                    "/sw.js",
                    "/manifest",
                ];
                if !skip.iter().any(|s| href.contains(s)) {
                    queue.push_back((href, depth + 1, path.clone()));
                }
            }
        }
    }
    assert!(seen > 60, "the crawl saw only {seen} pages");
    assert!(
        refused.is_empty(),
        "links shown that answer 403:\n{}",
        refused.join("\n")
    );
}

/// The local links (`href="/..."`) of a page, entities decoded, fragments dropped.
fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in body.split("href=\"").skip(1) {
        let Some(end) = part.find('"') else { continue };
        let href = part[..end].replace("&amp;", "&").replace("&#38;", "&");
        let href = href.split('#').next().unwrap_or("").to_string();
        if href.starts_with('/') && !href.starts_with("//") && !out.contains(&href) {
            out.push(href);
        }
    }
    out
}

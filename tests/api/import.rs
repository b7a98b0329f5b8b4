//! Importing students with guardians: a file with bad rows commits nothing and names every
//! problem; a good file (CSV as French Excel writes it, or XLSX) imports everything through
//! a job, with invoices and guardian accounts.

use axum::http::StatusCode;

use crate::helpers::{TestApp, scalar, seed_fees};

const HEADER: &str = "Matricule;Nom;Prénoms;Sexe;Date de naissance;Lieu de naissance;Classe;Nom du parent;Prénoms du parent;Téléphone du parent;E-mail du parent;Lien";

fn windows_1252(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    let pool = &app.db.pool;
    (
        scalar(pool, "SELECT COUNT(*) FROM students", None).await,
        scalar(pool, "SELECT COUNT(*) FROM users", None).await,
        scalar(pool, "SELECT COUNT(*) FROM enrollments", None).await,
        scalar(pool, "SELECT COUNT(*) FROM invoices", None).await,
    )
}

#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_names_every_problem() {
    let app = TestApp::new().await;
    let before = counts(&app).await;
    let mut s = app.login_as("secretary").await;
    let file = format!(
        "{HEADER}\r\n\
         T-100;AMEGAN;Kossi;M;14/03/2014;Lomé;6e A;AMEGAN;Akossiwa;90 12 34 56;;mère\r\n\
         T-001;AGBO;Afi;F;;;6e A;;;;;\r\n\
         T-101;DOSSOU;Yao;X;31/02/2013;;6e Z;DOSSOU;Kodjo;12345;;oncle\r\n\
         T-100;KPODAR;Ama;F;;;6e B;;;;;\r\n\
         ;;Sena;F;;;6e B;Mensah;;;;\r\n"
    );
    let r = s
        .upload("/admin/import/eleves", "eleves.csv", &windows_1252(&file))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.plain();
    assert!(
        text.contains("4 lignes en erreur sur 5 : rien ne sera importé"),
        "{text}"
    );
    for problem in [
        "Le matricule T-001 existe déjà dans l’établissement.",
        "Sexe « X » inconnu : écrivez F ou M.",
        "Date de naissance : le 31/02/2013 n’existe pas.",
        "Classe « 6e Z » inconnue cette année.",
        "Téléphone « 12345 » invalide",
        "Lien « oncle » inconnu",
        "Le matricule T-100 est déjà à la ligne 2.",
        "« Matricule » est vide.",
        "« Nom » est vide.",
        "Le parent n’a ni téléphone ni e-mail.",
    ] {
        assert!(text.contains(problem), "missing: {problem}\n{text}");
    }
    // Accents came through from Windows-1252.
    assert!(text.contains("AMEGAN Kossi"));
    assert!(
        !r.body.contains("/confirmation"),
        "no way to import a bad file"
    );
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM imports")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = s
        .post(&format!("/admin/import/{id}/confirmation"), &[])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(counts(&app).await, before);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM jobs", None).await,
        0
    );

    // A missing column is said in words; garbage and empty files too.
    let r = s
        .upload("/admin/import/eleves", "x.csv", b"Nom;Prenoms\nA;B\n")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Colonne manquante : « Matricule »."));
    let r = s
        .upload("/admin/import/eleves", "x.xlsx", b"PK\x03\x04not really")
        .await;
    assert!(r.plain().contains("ni un CSV ni un classeur Excel"));
    let r = s.upload("/admin/import/eleves", "x.csv", b"").await;
    assert!(r.plain().contains("Choisissez un fichier."));
    // Only the director and the secretary import students.
    for role in ["bursar", "teacher_a", "parent_1", "student"] {
        let mut c = app.login_as(role).await;
        let r = c
            .upload("/admin/import/eleves", "e.csv", file.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    let mut anonymous = app.client();
    anonymous.get("/connexion").await;
    let r = anonymous
        .upload("/admin/import/eleves", "e.csv", file.as_bytes())
        .await;
    assert!(r.location().starts_with("/connexion"));
}

#[tokio::test]
async fn a_good_file_imports_every_student_with_guardians_and_invoices() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let before = counts(&app).await;
    let mut s = app.login_as("secretary").await;
    // Commas this time, UTF-8, titles in another order and case; two siblings share a new
    // parent, and one row names a parent who already has an account (parent 2).
    let file = "classe,NOM,prénoms,sexe,matricule,Téléphone parent,Nom parent,Prénoms parent,lien\n\
                6e A,Amegan,Kossi,M,T-100,90 12 34 56,Amegan,Akossiwa,mère\n\
                6e B,Amegan,Elom,M,T-101,+228 90123456,,,mère\n\
                6e B,Fiadjoe,Dela,F,T-102,90000002,,,père\n\
                6e A,Kpodar,Ama,F,T-103,,,,\n";
    let r = s
        .upload("/admin/import/eleves", "liste.csv", file.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.plain());
    assert!(r.plain().contains("Les 4 lignes sont correctes."));
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM imports")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // Nothing written before confirmation.
    assert_eq!(counts(&app).await, before);
    let r = s
        .post(&format!("/admin/import/{id}/confirmation"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let job_url = r.location().to_string();
    // A second click does not import twice.
    let again = s
        .post(&format!("/admin/import/{id}/confirmation"), &[])
        .await;
    assert_eq!(again.location(), job_url);
    assert!(
        suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
            .await
            .unwrap()
    );
    let page = s.get(&job_url).await.plain();
    assert!(page.contains("Terminé"), "{page}");
    assert!(
        page.contains("4 élèves et 1 nouveaux parents enregistrés, 8 factures créées."),
        "{page}"
    );
    let after = counts(&app).await;
    assert_eq!(after.0, before.0 + 4);
    assert_eq!(after.1, before.1 + 1);
    assert_eq!(after.3, before.3 + 8);
    let pool = &app.db.pool;
    // The siblings share the new account; parent 2 now also has Dela.
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM student_guardians g JOIN users u ON u.id = g.user_id WHERE u.phone = '+22890123456'", None).await,
        2
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM student_guardians WHERE user_id = $1",
            Some(app.f.parent_2)
        )
        .await,
        2
    );
    // The new parent cannot log in until the school gives a temporary password.
    let mut p = app.client();
    let r = p.login("+22890123456", "").await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    let mut p2 = app.login_as("parent_2").await;
    assert!(p2.get("/parent/enfants").await.body.contains("Dela"));
}

#[tokio::test]
async fn an_xlsx_file_and_the_downloadable_templates() {
    let app = TestApp::new().await;
    let mut s = app.login_as("director").await;
    let csv = s.get("/admin/import/modele-eleves.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("Téléphone du parent"));
    // The downloaded XLSX template, filled in by "Excel" (rust_xlsxwriter), is read back.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.split(';').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let row = [
        "T-200",
        "GNASSINGBE",
        "Essozimna",
        "F",
        "",
        "Kara",
        "6e B",
        "",
        "",
        "",
        "",
        "",
    ];
    for (c, v) in row.iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2013, 9, 2).unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_datetime_with_format(1, 4, &date, &fmt).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let r = s
        .upload("/admin/import/eleves", "eleves.xlsx", &bytes)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.plain());
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM imports")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    s.post(&format!("/admin/import/{id}/confirmation"), &[])
        .await;
    assert!(
        suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
            .await
            .unwrap()
    );
    let (born,): (chrono::NaiveDate,) =
        sqlx::query_as("SELECT birth_date FROM students WHERE matricule = 'T-200'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(born, chrono::NaiveDate::from_ymd_opt(2013, 9, 2).unwrap());
    let xlsx = s.get("/admin/import/modele-eleves.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(
        xlsx.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
}

#[tokio::test]
async fn a_teacher_fills_a_column_of_marks_from_a_file_then_saves_it() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let r = t
        .post(
            &format!(
                "/enseignant/classes/{}/matieres/{}",
                app.f.class_a, app.f.maths
            ),
            &[
                ("period_id", "1"),
                ("kind", "devoir"),
                ("title", "Devoir 1"),
                ("held_on", "2026-11-20"),
                ("scale", "20"),
                ("weight", "1"),
            ],
        )
        .await;
    let eval = r.location().to_string();
    let marks = || async { scalar(&app.db.pool, "SELECT COUNT(*) FROM marks", None).await };
    // A student of another class and a mark above the scale: said by line, nothing filled.
    let r = t
        .upload(
            &format!("{eval}/import"),
            "notes.csv",
            "Matricule;Note\r\nT-003;12\r\nT-001;25\r\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.plain();
    assert!(
        text.contains("Ligne 2 : aucun élève de la classe n’a le matricule « T-003 »."),
        "{text}"
    );
    assert!(
        text.contains("Ligne 3 : note « 25 » illisible ou hors barème (sur 20"),
        "{text}"
    );
    assert_eq!(marks().await, 0);
    // A good file fills the column; nothing is saved until the teacher saves it.
    let r = t
        .upload(
            &format!("{eval}/import"),
            "notes.csv",
            "matricule,note\nt-001,\"14,5\"\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.plain());
    assert!(r.plain().contains("Une note lue dans le fichier."));
    assert!(
        r.body
            .contains(&format!("name=\"note_{}\" value=\"14,5\"", app.f.s1))
    );
    assert_eq!(marks().await, 0);
    let r = t
        .post(&eval, &[(&format!("note_{}", app.f.s1), "14,5")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(marks().await, 1);
    // Another teacher cannot import into this evaluation.
    let mut b = app.login_as("teacher_b").await;
    let r = b
        .upload(
            &format!("{eval}/import"),
            "n.csv",
            b"Matricule;Note\nT-001;1\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

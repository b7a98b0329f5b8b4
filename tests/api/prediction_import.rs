//! Past years from a spreadsheet (upload, column mapping, every bad cell named, taken back
//! out) and `suku ml evaluate` on a school's CSV.

use axum::http::StatusCode;
use rand::{Rng, SeedableRng};

use crate::helpers::TestApp;

/// A spreadsheet of past years as a school keeps it: `;`, decimal commas, a decision in
/// words or an annual average, the weak students failing.
fn spreadsheet(rows: usize, bad_line: Option<usize>) -> String {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let mut csv = String::from("Matricule;Année scolaire;Moyenne T1;Absences;Sexe;Décision\n");
    for i in 0..rows {
        let t1: f64 = rng.random_range(3.0..18.0);
        let abs: i64 = if t1 < 9.0 {
            rng.random_range(8..40)
        } else {
            rng.random_range(0..8)
        };
        let decision = if t1 + rng.random_range(-1.5..1.5) >= 10.0 {
            "Admis"
        } else {
            "Redouble"
        };
        let t1 = if Some(i + 2) == bad_line {
            "sept".to_string()
        } else {
            format!("{t1:.2}").replace('.', ",")
        };
        let sex = if i % 2 == 0 { "F" } else { "M" };
        csv.push_str(&format!("X{i:04};2021-2022;{t1};{abs};{sex};{decision}\n"));
    }
    csv
}

#[tokio::test]
async fn past_years_come_in_from_a_spreadsheet_with_their_columns_mapped() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let mut dir = app.login_as("director").await;
    assert_eq!(
        dir.get("/admin/prediction/import").await.status,
        StatusCode::OK
    );
    let mut ta = app.login_as("teacher_a").await;
    assert_eq!(
        ta.get("/admin/prediction/import").await.status,
        StatusCode::FORBIDDEN
    );
    // A bad cell on line 4: named by line and column, nothing written.
    let r = dir
        .upload(
            "/admin/prediction/import",
            "annees.csv",
            spreadsheet(120, Some(4)).as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = r.location().to_string();
    let form = dir.get(&page).await;
    assert_eq!(form.status, StatusCode::OK);
    // The titles are recognised.
    assert!(
        form.body
            .contains("<option value=\"2\" selected>Moyenne T1</option>"),
        "{}",
        form.body
    );
    let mapping = [
        ("student", "0"),
        ("year", "1"),
        ("outcome", "5"),
        ("pass_mark", "10"),
        ("f_avg_p1", "2"),
        ("f_absence_unjustified_h", "3"),
        ("f_sex", "4"),
    ];
    let bad = dir.post(&page, &mapping).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.plain()
            .contains("ligne 4, colonne « Moyenne T1 » : « sept » n’est pas un nombre"),
        "{}",
        bad.plain()
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM prediction_history")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Without the outcome's column: said, not guessed.
    let none = dir
        .post(&page, &[("student", "0"), ("pass_mark", "10")])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.plain().contains("Choisissez la colonne du résultat"));
    // The corrected file goes in whole.
    let r = dir
        .upload(
            "/admin/prediction/import",
            "annees.csv",
            spreadsheet(120, None).as_bytes(),
        )
        .await;
    let page = r.location().to_string();
    let ok = dir.post(&page, &mapping).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let (n, passed): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN passed THEN 1 ELSE 0 END), 0) AS BIGINT) FROM prediction_history",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(n, 120);
    assert!(passed > 20 && passed < 100, "{passed}");
    assert_eq!(dir.post(&page, &mapping).await.status, StatusCode::CONFLICT);
    assert!(
        dir.get("/admin/prediction")
            .await
            .plain()
            .contains("dont 120 importées")
    );
    // The model learns from them (the school has no past year of its own here).
    let r = dir.post("/admin/prediction/entrainer", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    let (rows,): (i64,) =
        sqlx::query_as("SELECT rows_used FROM prediction_models WHERE current = TRUE")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(rows, 120);
    // Taken back out.
    let id = page.rsplit('/').next().unwrap();
    let out = dir
        .post(&format!("/admin/prediction/import/{id}/retrait"), &[])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM prediction_history")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn ml_evaluate_runs_on_a_schools_csv_and_names_the_line_and_column_of_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut csv = String::from("matricule;nom;sexe;serie;moyenne_t1;absences;moyenne_annuelle\n");
    for i in 0..300 {
        let t1: f64 = rng.random_range(3.0..18.0);
        let abs: i64 = if t1 < 9.0 {
            rng.random_range(5..30)
        } else {
            rng.random_range(0..6)
        };
        let annual = (t1 + rng.random_range(-1.5..1.5)).clamp(0.0, 20.0);
        let serie = ["A4", "C", "D"][i % 3];
        let sex = if i % 2 == 0 { "F" } else { "M" };
        csv.push_str(&format!(
            "T{i:04};\"Élève {i}\";{sex};{serie};{};{abs};{}\n",
            format!("{t1:.2}").replace('.', ","),
            format!("{annual:.2}").replace('.', ","),
        ));
    }
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, &csv).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_suku"))
        .args(["ml", "evaluate", "--csv"])
        .arg(&path)
        .args([
            "--target",
            "moyenne_annuelle",
            "--pass-mark",
            "10",
            "--drop",
            "matricule,nom",
            "--folds",
            "5",
            "--seed",
            "3",
        ])
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let models: Vec<&str> = lines.iter().map(|l| l["model"].as_str().unwrap()).collect();
    assert_eq!(
        models,
        [
            "logistic_regression",
            "gradient_boosting",
            "majority_baseline"
        ]
    );
    let baseline = lines[2]["accuracy"].as_f64().unwrap();
    for l in &lines {
        assert_eq!(l["rows"], 300);
        assert_eq!(l["folds"], 5);
        for k in ["accuracy", "balanced_accuracy", "auc"] {
            let v = l[k].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{l}");
        }
    }
    for l in &lines[..2] {
        assert!(l["auc"].as_f64().unwrap() > 0.85, "{l}");
        assert!(l["accuracy"].as_f64().unwrap() > baseline + 0.1, "{l}");
    }
    // A bad file: its line and column, in words, and no panic.
    std::fs::write(&path, "nom;moyenne_t1;moyenne_annuelle\nA;12;14\nB;8;abc\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_suku"))
        .args(["ml", "evaluate", "--csv"])
        .arg(&path)
        .args(["--target", "moyenne_annuelle"])
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ligne 3, colonne « moyenne_annuelle »"),
        "{err}"
    );
    assert!(err.contains("« abc » n’est pas un nombre"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_suku"))
        .args(["ml", "evaluate", "--csv"])
        .arg(&path)
        .args(["--target", "resultat"])
        .env("LANG", "en_GB.UTF-8")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("column “resultat”: this column is not in the header"),
        "{err}"
    );
}

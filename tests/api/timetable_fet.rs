//! FET's files: a school written by FET (an example of Debian's fet-data, read where the
//! package puts it, never copied into the project) imports and solves; the school exported
//! by Suku is read back by FET's own command line, fet-cl.

use std::path::Path;

use axum::http::StatusCode;
use suku::timetable::{fet, solver};

use crate::helpers::TestApp;

const EXAMPLES: &str = "/usr/share/doc/fet-data/examples/FET-5-official";

/// A file of fet-data or of fet, or why the test cannot run. Under `CI=true` a missing
/// package is a failure (scripts/test installs fet and fet-data).
fn needed(path: &str) -> Option<String> {
    if Path::new(path).exists() {
        return Some(path.to_string());
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{path} is missing: CI installs the fet and fet-data packages");
    }
    eprintln!("SKIPPED: {path} is missing (scripts/test installs fet and fet-data)");
    None
}

fn quick() -> solver::Options {
    solver::Options {
        seed: 1,
        time_limit: std::time::Duration::from_secs(60),
        max_iterations: Some(200_000),
    }
}

#[test]
fn a_school_written_by_fet_imports_and_solves() {
    let Some(path) = needed(&format!("{EXAMPLES}/Denmark/small-school.fet")) else {
        return;
    };
    let school = fet::import(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = &school.problem;
    assert_eq!(p.lessons.len(), 25);
    assert_eq!((p.grid.days, p.grid.periods), (1, 4));
    let solved = solver::solve(p, &quick(), None, &mut |_| true).unwrap();
    assert!(solved.valid(), "{:?}", solved.conflicts);
    assert!(solver::check(p, &solved.placements).violations.is_empty());
}

#[test]
fn a_large_real_school_reads_with_every_constraint_it_uses() {
    let Some(path) = needed(&format!("{EXAMPLES}/Germany/secondary-school-2/GYR.fet")) else {
        return;
    };
    let school = fet::import(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = &school.problem;
    assert_eq!(p.lessons.len(), school.activity_ids.len());
    assert!(p.lessons.len() > 1_000, "{}", p.lessons.len());
    assert_eq!((p.grid.days, p.grid.periods), (5, 12));
    assert!(school.skipped.is_empty(), "left out: {:?}", school.skipped);
    // Locked activities are fixed, split ones share their course.
    assert!(p.lessons.iter().any(|l| l.fixed.is_some()));
    assert!(p.courses.len() < p.lessons.len());
}

#[test]
fn hostile_fet_files_are_refused() {
    assert!(fet::import("not xml").is_err());
    assert!(fet::import("<other/>").is_err());
    assert!(fet::import("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><fet>&a;</fet>").is_err());
    let huge = format!(
        "<fet><Days_List>{}</Days_List><Hours_List><Hour><Name>1</Name></Hour></Hours_List></fet>",
        (0..3000)
            .map(|i| format!("<Day><Name>d{i}</Name></Day>"))
            .collect::<String>()
    );
    assert!(fet::import(&huge).is_err());
}

#[tokio::test]
async fn the_school_exported_to_fet_is_read_back_by_fet_cl() {
    let Some(fet_cl) = needed("/usr/bin/fet-cl") else {
        return;
    };
    let app = TestApp::new().await;
    crate::timetable::seed_inputs(&app).await;
    let mut d = app.login_as("director").await;
    let r = d.get("/admin/emplois-du-temps/ecole.fet").await;
    assert_eq!(r.status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ecole.fet");
    std::fs::write(&file, &r.bytes).unwrap();
    // Suku reads its own file back the same.
    let again = fet::import(&r.text()).unwrap();
    assert_eq!(again.problem.lessons.len(), 18);
    assert!(again.skipped.is_empty(), "{:?}", again.skipped);
    // FET reads it, and finds a timetable.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let run = std::process::Command::new(fet_cl)
        .arg(format!("--inputfile={}", file.display()))
        .arg(format!("--outputdir={}", out.display()))
        .arg("--timelimitseconds=30")
        .arg("--htmllevel=0")
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&run.stdout).to_string() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "fet-cl: {said}");
    assert!(said.contains("Simulation successful"), "fet-cl: {said}");
    // Its timetable, checked by Suku: no hard rule broken.
    let acts = std::fs::read_dir(out.join("timetables"))
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).unwrap().flatten())
        .find(|f| f.file_name().to_string_lossy().ends_with("_activities.xml"))
        .expect("FET's activities file");
    let placed =
        suku::timetable::cli::fet_activities(&std::fs::read_to_string(acts.path()).unwrap())
            .unwrap();
    assert_eq!(placed.len(), 18);
}

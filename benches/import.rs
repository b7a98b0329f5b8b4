//! Benchmark: importing 2,000 students with their guardians (about 1,300 new parent
//! accounts, siblings sharing one) into the demo school, from CSV bytes to the committed
//! transaction with invoices, against a baseline measured in the same run: inserting 2,000
//! bare student rows in one transaction.
//!
//! Run with `cargo bench --bench import` (SQLite) or with `--features postgres` and
//! `SUKU_BENCH_PG_URL` pointing at an empty database.

use std::time::Instant;

use suku::import::{students, table};

fn csv(offset: usize, classes: &[String]) -> String {
    let mut out = String::from(
        "Matricule;Nom;Prénoms;Sexe;Date de naissance;Lieu de naissance;Classe;Nom du parent;Prénoms du parent;Téléphone du parent;Lien\r\n",
    );
    for i in 0..2000 {
        // Every third student has an older sibling on the previous row: same parent.
        let family = i - usize::from(i % 3 == 2);
        out.push_str(&format!(
            "IMP-{:05};KOUMA{};Élom;{};{:02}/0{}/201{};Lomé;{};KOUMA{};Ama;9{:07};mère\r\n",
            offset + i,
            family,
            if i % 2 == 0 { "F" } else { "M" },
            1 + i % 28,
            1 + i % 9,
            i % 8,
            classes[i % classes.len()],
            family,
            5_000_000 + offset + family,
        ));
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    #[cfg(not(feature = "postgres"))]
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    #[cfg(feature = "postgres")]
    let url = std::env::var("SUKU_BENCH_PG_URL")?;
    let _ = &dir;
    let pool = suku::db::connect(&url, 8).await?;
    suku::db::migrate(&pool).await?;
    suku::demo::generate(&pool).await?;
    let year = suku::school::current_year(&pool).await?.expect("demo year");
    let classes: Vec<String> = suku::school::classes(&pool, year.id)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    let (by,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'secretariat@lumiere.tg'")
            .fetch_one(&pool)
            .await?;

    let mut baseline = Vec::new();
    let mut full = Vec::new();
    for run in 0..3 {
        // Baseline: 2,000 bare students in one transaction.
        let t = Instant::now();
        let mut tx = suku::db::begin_write(&pool).await?;
        for i in 0..2000 {
            let s = suku::school::StudentInput {
                matricule: format!("BASE-{run}-{i:05}"),
                first_name: "Élom".into(),
                last_name: format!("BASE{i}"),
                sex: "F",
                birth_date: None,
                birth_place: None,
            };
            suku::school::insert_student(&mut *tx, &s, None, chrono::Utc::now()).await?;
        }
        tx.commit().await?;
        baseline.push(t.elapsed());

        // The import: read the file, check every row against the database, write it all.
        let bytes = csv(10_000 * (run + 1), &classes).into_bytes();
        let t = Instant::now();
        let table = table::read(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
        let known = students::Known::load(&pool, chrono::Utc::now().date_naive()).await?;
        let checked = students::check(&table, &known, |_, _| {});
        assert!(
            checked.is_clean(),
            "{:?}",
            checked.preview.iter().find(|r| !r.problems.is_empty())
        );
        let mut tx = suku::db::begin_write(&pool).await?;
        let w = students::write(&mut tx, year.id, &checked.ready, by, chrono::Utc::now()).await?;
        tx.commit().await?;
        full.push(t.elapsed());
        assert_eq!(w.students, 2000);
        if run == 0 {
            println!(
                "{} students, {} new guardians, {} invoices per import",
                w.students, w.new_guardians, w.invoices
            );
        }
    }
    baseline.sort();
    full.sort();
    let (b, f) = (baseline[1], full[1]);
    println!(
        "baseline (2,000 bare student rows): {:.0} ms",
        b.as_secs_f64() * 1000.0
    );
    println!(
        "import of 2,000 students with guardians: {:.0} ms ({:.1}× the baseline; target < 5 s)",
        f.as_secs_f64() * 1000.0,
        f.as_secs_f64() / b.as_secs_f64()
    );
    Ok(())
}

//! Benchmark of the export engine on the demo school (about 2,000 students in 46 classes):
//! - one class's bulletins as one PDF, against computing those bulletins (the baseline);
//! - every bulletin of the school as a ZIP of per-class PDFs (the background job), with the
//!   process's peak memory before and after;
//! - an Excel workbook of 2,000 rows × 20 columns, against the same table as CSV.
//!
//! Run with `cargo bench --bench export`.

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use suku::export::{Cell, Table};
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let pool = suku::db::connect(&url, 8).await?;
    suku::db::migrate(&pool).await?;
    suku::demo::generate(&pool).await?;
    let mut config = suku::config::Config::new(url.clone());
    config.files_dir = dir.path().join("files");
    let app = suku::app::AppState::new(pool.clone(), config)?;
    let t = suku::i18n::Tr::new(app.i18n.clone(), suku::i18n::Locale::Fr);
    let year = suku::school::current_year(&pool).await?.expect("demo year");
    let classes = suku::school::classes(&pool, year.id).await?;
    let (period,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&pool)
        .await?;
    let big = classes
        .iter()
        .max_by_key(|c| c.student_count)
        .expect("classes");

    // One class's bulletins as one PDF.
    let (mut compute, mut pdf) = (Vec::new(), Vec::new());
    let mut size = 0;
    let mut pages = 0;
    for _ in 0..7 {
        let started = Instant::now();
        suku::bulletins::sheet::class_sheets(&pool, big.id, period, None)
            .await?
            .expect("class");
        compute.push(started.elapsed());
        let started = Instant::now();
        let cs = suku::bulletins::sheet::class_sheets(&pool, big.id, period, None)
            .await?
            .expect("class");
        let bytes = suku::bulletins::pdf::render(&app, &t, &cs)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        pdf.push(started.elapsed());
        size = bytes.len();
        pages = cs.sheets.len();
    }
    let (c, p) = (median(compute), median(pdf));
    println!(
        "class {} ({pages} students): bulletins computed in {} (baseline), as one PDF in {} ({:.1}× the baseline)",
        big.name,
        ms(c),
        ms(p),
        p.as_secs_f64() / c.as_secs_f64()
    );
    println!(
        "PDF: {:.0} KiB, {:.1} KiB per bulletin",
        size as f64 / 1024.0,
        size as f64 / 1024.0 / pages as f64
    );

    // Every bulletin of the school, as the background job makes it; three times, to see
    // that memory stays bounded.
    let before = peak_mib();
    let mut peaks = Vec::new();
    let mut times = Vec::new();
    let mut job = 0;
    for _ in 0..3 {
        let started = Instant::now();
        job = suku::jobs::enqueue(
            &pool,
            &suku::bulletins::pdf::BulletinsOf {
                period_id: period,
                lang: suku::i18n::Locale::Fr,
            },
            None,
            app.clock.now(),
        )
        .await?;
        while suku::jobs::run_once(&app, &suku::app::jobs(), "bench").await? {}
        times.push(started.elapsed());
        peaks.push(format!("{:.0}", peak_mib()));
    }
    let school = median(times);
    let view = suku::jobs::get(&pool, job).await?.expect("job");
    anyhow::ensure!(
        view.state == suku::jobs::JobState::Done,
        "job {:?}",
        view.error
    );
    let result: serde_json::Value = serde_json::from_str(view.result.as_deref().unwrap_or("{}"))?;
    let (zip_size,): (i64,) = sqlx::query_as("SELECT size FROM files WHERE id = $1")
        .bind(result["file_id"].as_i64().unwrap_or_default())
        .fetch_one(&pool)
        .await?;
    let students: i64 = classes.iter().map(|c| c.student_count).sum();
    println!(
        "whole school: {} classes, {students} bulletins, ZIP of {:.1} MiB in {:.1} s ({:.1} ms per bulletin)",
        classes.len(),
        zip_size as f64 / 1024.0 / 1024.0,
        school.as_secs_f64(),
        school.as_secs_f64() * 1000.0 / students as f64
    );
    println!(
        "peak memory: {before:.0} MiB before the school's bulletins, after each of three runs: {} MiB",
        peaks.join(", ")
    );

    // 2,000 rows × 20 columns: Excel against CSV.
    let mut table = Table::new("Bench", (0..20).map(|i| format!("Colonne {i}")));
    for r in 0..2000_i64 {
        table.push(
            (0..20_i64)
                .map(|c| match c % 5 {
                    0 => Cell::Text(format!("Élève {r} {c}")),
                    1 => Cell::Xof(r * 1000 + c),
                    2 => Cell::Hundredths(r % 2000),
                    3 => Cell::Date(
                        chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
                            + chrono::Days::new((r % 300) as u64),
                    ),
                    _ => Cell::Int(r * c),
                })
                .collect(),
        );
    }
    let (mut csv, mut xlsx) = (Vec::new(), Vec::new());
    let mut xlsx_size = 0;
    for _ in 0..7 {
        let started = Instant::now();
        let bytes = table.to_csv(suku::export::Separator::Semicolon);
        csv.push(started.elapsed());
        assert!(bytes.len() > 100_000);
        let started = Instant::now();
        let bytes = table.to_xlsx()?;
        xlsx.push(started.elapsed());
        xlsx_size = bytes.len();
    }
    let (c, x) = (median(csv), median(xlsx));
    println!(
        "2,000 × 20 table: CSV in {} (baseline), Excel in {} ({:.1}× the baseline), {:.0} KiB",
        ms(c),
        ms(x),
        x.as_secs_f64() / c.as_secs_f64(),
        xlsx_size as f64 / 1024.0
    );
    Ok(())
}

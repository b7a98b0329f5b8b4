//! Benchmark: computing every bulletin of the demo school (about 2,000 students in 46
//! classes, one trimester of marks) for one period, against a baseline measured in the
//! same run: merely reading the same marks from the database.
//!
//! Run with `cargo bench --bench bulletins` (SQLite) or with `--features postgres` and
//! `SUKU_BENCH_PG_URL` pointing at an empty database.

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
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
    let started = Instant::now();
    suku::demo::generate(&pool).await?;
    let generation = started.elapsed();
    let year = suku::school::current_year(&pool).await?.expect("demo year");
    let classes = suku::school::classes(&pool, year.id).await?;
    let (period,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&pool)
        .await?;

    let mut baseline = Vec::new();
    let mut full = Vec::new();
    let mut students = 0;
    for _ in 0..7 {
        // Baseline: read every mark of the period, class by class, and nothing else.
        let t = Instant::now();
        let mut n = 0;
        for c in &classes {
            n += suku::bulletins::repo::class_marks(&pool, c.id, period)
                .await?
                .len();
        }
        baseline.push(t.elapsed());
        assert!(n > 30_000, "the demo has a trimester of marks ({n})");
        // Everything a bulletin needs: rosters, subjects and coefficients, marks, averages,
        // ranks, class statistics, mentions.
        let t = Instant::now();
        students = 0;
        for c in &classes {
            let roster: Vec<i64> = suku::school::roster(&pool, c.id)
                .await?
                .iter()
                .map(|s| s.id)
                .collect();
            let (_, computed) = suku::bulletins::for_class(&pool, c.id, period, &roster).await?;
            students += computed.bulletins.len();
        }
        full.push(t.elapsed());
    }
    let (b, f) = (median(baseline), median(full));
    println!("demo school generated in {:.2} s", generation.as_secs_f64());
    println!(
        "{} classes, {students} bulletins for one period",
        classes.len()
    );
    println!(
        "baseline (read the period's marks): {:.1} ms",
        b.as_secs_f64() * 1000.0
    );
    println!(
        "all bulletins of the school:        {:.1} ms ({:.2}× the baseline)",
        f.as_secs_f64() * 1000.0,
        f.as_secs_f64() / b.as_secs_f64()
    );
    Ok(())
}

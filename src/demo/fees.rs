//! The demo school's fees: tranches per cycle, every student billed, sibling discounts, and
//! two months of payments at the desk as a real bursar's office would have them.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::db::Tx;
use crate::fees::{self, AmountXof, DeskPayment, Discount, repo};

/// Fee type code, tranche label, due date, amount per cycle (primaire, collège, lycée).
type TrancheSpec = (&'static str, &'static str, (i32, u32, u32), [i64; 3]);

const TRANCHES: &[TrancheSpec] = &[
    (
        "inscription",
        "Inscription",
        (2026, 10, 5),
        [10_000, 15_000, 20_000],
    ),
    (
        "scolarite",
        "1re tranche",
        (2026, 10, 15),
        [15_000, 30_000, 35_000],
    ),
    (
        "ape",
        "Cotisation annuelle",
        (2026, 10, 31),
        [3_000, 5_000, 5_000],
    ),
    (
        "scolarite",
        "2e tranche",
        (2027, 1, 15),
        [15_000, 25_000, 30_000],
    ),
    (
        "scolarite",
        "3e tranche",
        (2027, 4, 15),
        [15_000, 20_000, 25_000],
    ),
];

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let year: crate::school::Year =
        sqlx::query_as("SELECT id, label FROM school_years WHERE current = TRUE")
            .fetch_one(&mut **tx)
            .await?;
    let mut types = std::collections::HashMap::new();
    for (code, name) in [
        ("inscription", "Frais d’inscription"),
        ("scolarite", "Scolarité"),
        ("ape", "Cotisation APE"),
    ] {
        types.insert(code, repo::insert_fee_type(&mut **tx, code, name).await?);
    }
    let levels: Vec<(i64, String)> = sqlx::query_as("SELECT id, cycle FROM levels")
        .fetch_all(&mut **tx)
        .await?;
    for (level_id, cycle) in &levels {
        let c = match cycle.as_str() {
            "primaire" => 0,
            "college" => 1,
            _ => 2,
        };
        for (code, label, (y, m, d), amounts) in TRANCHES {
            repo::insert_tranche(
                &mut **tx,
                &repo::NewTranche {
                    school_year_id: year.id,
                    level_id: *level_id,
                    fee_type_id: types[code],
                    label: label.to_string(),
                    amount: amounts[c],
                    due_on: NaiveDate::from_ymd_opt(*y, *m, *d).unwrap_or(today),
                },
            )
            .await?;
        }
    }
    let (bursar,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'econome@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    let billed = Utc
        .with_ymd_and_hms(2026, 9, 28, 8, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    fees::bill_missing_at(tx, year.id, None, None, Some(bursar), billed).await?;

    // Third and later children of a family get 10 % off the scolarité.
    let families: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT g.user_id, g.student_id FROM student_guardians g JOIN students s ON s.id = g.student_id \
         ORDER BY g.user_id, s.birth_date, s.id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut rank = 0;
    let mut last = 0;
    for (guardian, student) in families {
        rank = if guardian == last { rank + 1 } else { 1 };
        last = guardian;
        if rank >= 3 {
            let d = repo::NewDiscount {
                student_id: student,
                school_year_id: year.id,
                fee_type_id: types["scolarite"],
                kind: "fratrie".into(),
                percent: Some(10),
                amount: None,
                reason: Some("3e enfant inscrit".into()),
                granted_by: bursar,
            };
            fees::grant_discount_in(tx, &d, Discount::Percent(10), chrono::Utc::now()).await?;
        }
    }

    // Most families paid the start of year in October; some in part, a few not yet.
    let students: Vec<(i64,)> = sqlx::query_as("SELECT id FROM students ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    let start = Utc
        .with_ymd_and_hms(2026, 10, 1, 7, 30, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let days = (today - start.date_naive()).num_days().max(1);
    let mut payments = Vec::new();
    for (sid,) in students {
        let invoices = repo::invoices_of(&mut **tx, sid).await?;
        let first_term: i64 = invoices
            .iter()
            .filter(|i| i.due_on <= NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or(today))
            .map(|i| i.remaining)
            .sum();
        let roll = rng.random_range(0..100);
        let amounts: Vec<i64> = match roll {
            0..70 => vec![first_term],
            70..82 => vec![
                first_term / 2 / 1000 * 1000,
                first_term - first_term / 2 / 1000 * 1000,
            ],
            82..92 => vec![first_term / 2 / 1000 * 1000],
            _ => vec![],
        };
        for a in amounts.into_iter().filter(|a| *a > 0) {
            // Up to this morning, never in the future.
            let at = (start
                + Duration::days(rng.random_range(0..=days))
                + Duration::minutes(rng.random_range(0..540)))
            .min(Utc::now() - Duration::minutes(5));
            payments.push((at, sid, a));
        }
    }
    // Receipts are numbered in the order the money came in.
    payments.sort();
    for (i, (at, sid, amount)) in payments.into_iter().enumerate() {
        let (method, reference) = match i % 10 {
            0..6 => ("especes", None),
            6 | 7 => (
                "mobile_money",
                Some(format!(
                    "{}{:08}",
                    if i % 2 == 0 { "TM" } else { "FL" },
                    4_100_000 + i
                )),
            ),
            8 => ("cheque", Some(format!("{:07}", 2_310_000 + i))),
            _ => ("virement", Some(format!("VIR-ORA-{:06}", 880_000 + i))),
        };
        let p = DeskPayment {
            student_id: sid,
            amount: AmountXof::parse(&amount.to_string()).map_err(anyhow::Error::msg)?,
            method,
            reference,
            payer: None,
            idempotency_key: None,
        };
        fees::record_payment_in(tx, &year, &p, Some(bursar), at).await?;
    }
    Ok(())
}

//! The demo school's mobile money, as the bursar's screen shows a real fortnight of it:
//! families who paid a tranche from their phone (credited, each with its receipt), a parent
//! who refused on the phone, an attempt that expired, and one whose money came back short
//! and waits in the bursar's review queue. The attempts go through the same guarded writes
//! as the live flow (created, sent, then paid, closed or held).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::db::Tx;
use crate::fees::{self, AmountXof, DeskPayment};
use crate::mobile_money::{MomoState, Network, repo};

/// What became of one attempt.
#[derive(Clone, Copy)]
enum Outcome {
    Paid,
    Refused,
    Expired,
    /// The provider reported this many francs fewer than asked.
    Short(i64),
}

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    parent_phone: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let year: crate::school::Year =
        sqlx::query_as("SELECT id, label FROM school_years WHERE current = TRUE")
            .fetch_one(&mut **tx)
            .await?;
    // Families who still owe something, the demo parent first (their home shows the
    // payment history), then others the bursar does not know from the desk.
    let families: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT g.user_id, u.phone, g.student_id FROM student_guardians g \
         JOIN users u ON u.id = g.user_id WHERE u.phone IS NOT NULL \
         ORDER BY CASE WHEN u.phone = $1 THEN 0 ELSE 1 END, g.user_id, g.student_id",
    )
    .bind(parent_phone.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    let outcomes = [
        Outcome::Paid,
        Outcome::Refused,
        Outcome::Paid,
        Outcome::Paid,
        Outcome::Short(5_000),
        Outcome::Paid,
        Outcome::Expired,
        Outcome::Paid,
        Outcome::Paid,
        Outcome::Refused,
        Outcome::Paid,
    ];
    let mut done = 0usize;
    let mut seen = std::collections::HashSet::new();
    for (user_id, phone, student_id) in families {
        if done == outcomes.len() {
            break;
        }
        // One child per family, except the demo parent's first two.
        if !seen.insert(user_id) && done > 1 {
            continue;
        }
        let owed: i64 = fees::repo::invoices_of(&mut **tx, student_id)
            .await?
            .iter()
            .map(|i| i.remaining)
            .sum();
        if owed < 10_000 {
            continue;
        }
        // A tranche or part of it, in round thousands, as parents pay.
        let amount = (owed.min(rng.random_range(10..=35) * 1_000) / 1_000) * 1_000;
        let outcome = outcomes[done];
        // In the day, between 7 a.m. and 7 p.m. (Lomé keeps UTC).
        let day = (now - Duration::days(14 - done as i64)).date_naive();
        let at = day.and_hms_opt(7, 0, 0).map(|t| t.and_utc()).unwrap_or(now)
            + Duration::minutes(rng.random_range(0..720));
        let network = if done % 3 == 1 {
            Network::Flooz
        } else {
            Network::TMoney
        };
        let identifier = format!("SUKU-{:016X}", rng.random::<u64>());
        let Some(id) = repo::insert(
            &mut **tx,
            &repo::NewAttempt {
                identifier: &identifier,
                idempotency_key: &identifier,
                provider: "demo",
                network: network.code(),
                phone: &phone,
                student_id,
                user_id,
                amount,
                now: at,
                expires_at: at + Duration::minutes(10),
            },
        )
        .await?
        else {
            continue;
        };
        repo::mark_pending(&mut **tx, id, None, at + Duration::seconds(3)).await?;
        let answered = at + Duration::seconds(rng.random_range(20..90));
        // The aggregator's reference, and the operator's own transaction number.
        let provider_ref = format!("{}", 7_300_000 + rng.random_range(0..99_999));
        let payment_ref = format!(
            "{}{}",
            if network == Network::Flooz {
                "MP"
            } else {
                "TM"
            },
            rng.random_range(100_000_000u64..999_999_999)
        );
        let refs = repo::Refs {
            provider_ref: Some(&provider_ref),
            payment_ref: Some(&payment_ref),
        };
        match outcome {
            Outcome::Paid => {
                repo::mark_paid(&mut **tx, id, &refs, answered).await?;
                let desk = DeskPayment {
                    student_id,
                    amount: AmountXof::parse(&amount.to_string()).map_err(anyhow::Error::msg)?,
                    method: "mobile_money",
                    reference: Some(payment_ref.clone()),
                    payer: Some(phone.clone()),
                    idempotency_key: None,
                };
                let receipt = fees::record_payment_in(tx, &year, &desk, None, answered).await?;
                repo::link_receipt(&mut **tx, id, receipt).await?;
            }
            Outcome::Refused => {
                repo::close(
                    &mut **tx,
                    id,
                    MomoState::Failed,
                    Some("refusé sur le téléphone"),
                    answered,
                )
                .await?;
            }
            Outcome::Expired => {
                repo::close(
                    &mut **tx,
                    id,
                    MomoState::Expired,
                    None,
                    at + Duration::minutes(10),
                )
                .await?;
            }
            Outcome::Short(less) => {
                repo::mark_review(
                    &mut **tx,
                    id,
                    "amount",
                    Some(amount - less),
                    &refs,
                    answered,
                )
                .await?;
            }
        }
        done += 1;
    }
    Ok(())
}

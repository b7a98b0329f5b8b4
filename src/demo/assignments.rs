//! The demo school's assignments: each mathematics course has exercises due two days ago
//! (handed in by most of the class, a few late, half of them marked with the rubric and a
//! word of feedback) and a problem due in three days that a few students already sent.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::courses::assignment::repo::{self as arepo, Settings};
use crate::courses::assignment::{LatePolicy, late_days, mark, parse_rubric};
use crate::courses::repo::{self, NewLesson};
use crate::db::Tx;

const FEEDBACK: &[&str] = &[
    "Bon travail, raisonnement clair.",
    "Attention aux calculs : revoir la réduction au même dénominateur.",
    "Présentation soignée, mais justifiez chaque étape.",
    "Très bien, continuez ainsi !",
    "Travail incomplet : l’exercice 3 manque.",
];

const ANSWERS: &[&str] = &[
    "Exercice 1 : 1/3 + 1/6 = 2/6 + 1/6 = 3/6 = 1/2.\nExercice 2 : 3/4 − 1/8 = 6/8 − 1/8 = 5/8.\nExercice 3 : 2/5 × 10 = 4.",
    "1) 1/2\n2) 5/8\n3) 4",
    "Ex 1 : j’ai mis au même dénominateur 6 : 2/6 + 1/6 = 3/6 = 1/2.\nEx 2 : 5/8.\nEx 3 : je n’ai pas compris.",
];

#[allow(clippy::too_many_arguments)]
pub(super) async fn seed(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    module: i64,
    teacher: i64,
    roster: &[i64],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let rubric =
        parse_rubric("Raisonnement : 8\nCalculs : 8\nPrésentation : 4").unwrap_or_default();
    let at_six = |d: NaiveDate| d.and_hms_opt(18, 0, 0).unwrap_or_default().and_utc();
    for (title, body, due, handed) in [
        (
            "Devoir maison : exercices sur les fractions",
            "Faites les exercices 1 à 3 de la fiche et rendez-les ici : tapez vos réponses ou **photographiez votre copie**.\n\n1. Calculer `1/3 + 1/6`.\n2. Calculer `3/4 − 1/8`.\n3. Calculer `2/5 × 10`.",
            at_six(today - Duration::days(2)),
            0.8,
        ),
        (
            "Devoir maison : un problème de partage",
            "Koffi partage 3/4 d’un champ entre ses deux fils à parts égales. Quelle fraction du champ reçoit chacun ? Expliquez votre raisonnement.",
            at_six(today + Duration::days(3)),
            0.15,
        ),
    ] {
        let lesson = repo::insert_lesson(
            &mut **tx,
            module,
            &NewLesson {
                title: title.into(),
                body: body.into(),
                published: true,
                available_from: None,
                prerequisite_id: None,
            },
            now,
        )
        .await?;
        let settings = Settings {
            due_at: due,
            policy: LatePolicy::Penalty,
            penalty_per_day: 10,
            accept_text: true,
            accept_files: true,
            rubric: &rubric,
        };
        arepo::set(&mut **tx, lesson, &settings).await?;
        for (n, sid) in roster.iter().enumerate() {
            if !rng.random_bool(handed) {
                continue;
            }
            // Most on time, one in eight the day after.
            let at = if due < now && rng.random_bool(0.12) {
                due + Duration::hours(rng.random_range(2..20))
            } else {
                due.min(now) - Duration::hours(rng.random_range(3..48))
            };
            let late = late_days(due, at);
            let text = ANSWERS[n % ANSWERS.len()];
            let Some(id) = arepo::hand_in(&mut **tx, lesson, *sid, text, late, at).await? else {
                continue;
            };
            repo::complete(tx, lesson, *sid, at).await?;
            if due < now && rng.random_bool(0.55) {
                let scores: Vec<i64> = rubric
                    .iter()
                    .map(|c| rng.random_range(c.points / 3..=c.points))
                    .collect();
                let m = mark(&rubric, &scores, late, LatePolicy::Penalty, 10);
                arepo::grade(
                    &mut **tx,
                    id,
                    &scores,
                    m,
                    FEEDBACK[rng.random_range(0..FEEDBACK.len())],
                    teacher,
                    now - Duration::hours(20),
                )
                .await?;
            }
        }
    }
    Ok(())
}

//! The demo school's quizzes: each mathematics course ends its first module with a quiz on
//! fractions (six questions of the subject's bank, two attempts, fifteen minutes) that most
//! of the class took, each student right as often as their level allows; one unforeseen
//! short answer waits for the teacher's review.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::courses::quiz::attempt::{Answers, score};
use crate::courses::quiz::repo::{self as qrepo, NewQuestion, QuestionRow};
use crate::courses::quiz::{Answer, Choice, Layout, Spec};
use crate::courses::repo::{self, NewLesson};
use crate::db::Tx;

fn choices(texts: &[(&str, bool)]) -> Vec<Choice> {
    texts
        .iter()
        .map(|(t, c)| Choice {
            text: t.to_string(),
            correct: *c,
            feedback: String::new(),
        })
        .collect()
}

/// The bank's questions: (prompt, spec, points), with a right and a wrong answer each.
fn questions() -> Vec<(&'static str, Spec, i64, Answer, Answer)> {
    let chosen = |c: &[usize]| Answer {
        chosen: c.to_vec(),
        ..Default::default()
    };
    let text = |t: &str| Answer {
        text: t.into(),
        ..Default::default()
    };
    let placed = |p: &[usize]| Answer {
        placed: p.iter().map(|x| Some(*x)).collect(),
        ..Default::default()
    };
    vec![
        (
            "Quelle fraction est égale à **1/2** ?",
            Spec::Single {
                choices: choices(&[("2/3", false), ("3/6", true), ("1/3", false)]),
            },
            1,
            chosen(&[1]),
            chosen(&[0]),
        ),
        (
            "Quelles fractions sont **supérieures à 1** ?",
            Spec::Multiple {
                choices: choices(&[("5/3", true), ("3/5", false), ("7/4", true), ("1/2", false)]),
            },
            2,
            chosen(&[0, 2]),
            chosen(&[0, 1]),
        ),
        (
            "`2/4 + 1/4 = 3/4`",
            Spec::TrueFalse { answer: true },
            1,
            chosen(&[1]),
            chosen(&[0]),
        ),
        (
            "Comment appelle-t-on le nombre **sous** la barre de fraction ?",
            Spec::Short {
                answers: vec!["dénominateur".into(), "le dénominateur".into()],
            },
            1,
            text("le dénominateur"),
            text("numérateur"),
        ),
        (
            "Écrire **3/4** sous forme décimale.",
            Spec::Numeric {
                value: 0.75,
                tolerance: 0.0,
            },
            1,
            text("0,75"),
            text("0,34"),
        ),
        (
            "Ranger du plus petit au plus grand.",
            Spec::Ordering {
                items: vec!["1/4".into(), "1/3".into(), "1/2".into(), "2/3".into()],
            },
            2,
            placed(&[0, 1, 2, 3]),
            placed(&[1, 0, 2, 3]),
        ),
    ]
}

/// Adds the quiz to module `module` of a mathematics course and the class's attempts.
#[allow(clippy::too_many_arguments)]
pub(super) async fn seed(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    module: i64,
    subject_id: i64,
    teacher: i64,
    roster: &[i64],
    demo_student: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let lesson = repo::insert_lesson(
        &mut **tx,
        module,
        &NewLesson {
            title: "Quiz : les fractions".into(),
            body: "Six questions pour vérifier que le chapitre est compris. Vous avez **15 minutes** et **deux tentatives** ; la meilleure compte.".into(),
            published: true,
            available_from: None,
            prerequisite_id: None,
        },
        now,
    )
    .await?;
    qrepo::set_quiz(&mut **tx, lesson, Some(15), 2, true).await?;
    let mut rows: Vec<QuestionRow> = Vec::new();
    let mut answers = Vec::new();
    for (prompt, spec, points, right, wrong) in questions() {
        // The subject's bank holds each question once, whichever course used it first.
        let known: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM quiz_questions WHERE subject_id = $1 AND prompt = $2")
                .bind(subject_id)
                .bind(prompt)
                .fetch_optional(&mut **tx)
                .await?;
        let id = match known {
            Some((id,)) => id,
            None => {
                qrepo::insert_question(
                    &mut **tx,
                    &NewQuestion {
                        subject_id,
                        spec: &spec,
                        prompt,
                        feedback: "",
                        points,
                    },
                    teacher,
                    now,
                )
                .await?
            }
        };
        qrepo::add_question(&mut **tx, lesson, id).await?;
        rows.push(QuestionRow {
            id,
            subject_id,
            kind: spec.kind().into(),
            prompt: prompt.into(),
            spec: serde_json::to_string(&spec)?,
            feedback: String::new(),
            points,
        });
        answers.push((id, right, wrong));
    }
    let layout = serde_json::to_string(&Layout {
        questions: rows.iter().map(|q| q.id).collect(),
        options: rows
            .iter()
            .map(|q| (0..q.spec().options()).collect())
            .collect(),
    })?;
    for (n, sid) in roster.iter().enumerate() {
        // Four students in five took it; each is right as often as their level allows.
        if Some(*sid) != demo_student && !rng.random_bool(0.8) {
            continue;
        }
        let level: f64 = rng.random_range(0.35..0.95);
        let tries = if Some(*sid) != demo_student && rng.random_bool(0.3) {
            2
        } else {
            1
        };
        for number in 1..=tries {
            let mut given = Answers::new();
            for (id, right, wrong) in &answers {
                let a = if rng.random_bool(level) { right } else { wrong };
                given.insert(*id, a.clone());
            }
            // One student wrote an answer nobody foresaw: the teacher reviews it.
            if n == 3 && number == 1 {
                given.insert(
                    answers[3].0,
                    Answer {
                        text: "le chiffre du bas".into(),
                        ..Default::default()
                    },
                );
            }
            let (marks, got, max, review) = score(&rows, &given);
            let at = now - Duration::days(2) + Duration::minutes(n as i64 * 7 + number * 20);
            let Some(id) = qrepo::start(
                &mut **tx,
                lesson,
                *sid,
                number,
                Some(at + Duration::minutes(15)),
                &layout,
                at,
            )
            .await?
            else {
                continue;
            };
            qrepo::submit(
                &mut **tx,
                id,
                &serde_json::to_string(&given)?,
                &serde_json::to_string(&marks)?,
                got,
                max,
                review,
                at + Duration::minutes(11),
            )
            .await?;
            repo::complete(tx, lesson, *sid, at + Duration::minutes(11)).await?;
        }
    }
    Ok(())
}

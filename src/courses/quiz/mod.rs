//! Quizzes: questions of a subject's bank (single and multiple choice, true/false, short
//! answer, numeric with tolerance, matching, ordering), put in a lesson with a time limit,
//! a number of attempts and shuffling. Grading is here, without HTTP or a database: each
//! answer gets a share of its question's points, and a short answer that matches none of the
//! accepted ones waits for the teacher's review.

pub mod attempt;
pub mod manage;
pub mod repo;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::authz::{Allow, Rule};

/// The routes of quizzes: the bank and a lesson's quiz for its teachers (checked per
/// subject and per course), attempts for the class's students, results for their parents.
pub fn router() -> Router<AppState> {
    let teacher = Rule::TEACHER;
    Router::new()
        .route(
            "/enseignant/questions/{id}",
            get(manage::bank).post(manage::add_to_bank).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/quiz",
            get(manage::quiz_page).post(manage::settings).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/quiz/questions",
            post(manage::add_questions).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/quiz/retrait",
            post(manage::remove_question).allow(teacher),
        )
        .route(
            "/enseignant/cours/lecons/{id}/quiz/carnet",
            post(manage::to_gradebook).allow(teacher),
        )
        .route(
            "/cours/lecons/{id}/tentatives",
            post(attempt::start).allow(Rule::STUDENT),
        )
        .route(
            "/cours/tentatives/{id}",
            get(attempt::page)
                .post(attempt::submit)
                .allow(Rule::SignedIn),
        )
        .route(
            "/cours/tentatives/{id}/sauvegarde",
            post(attempt::save).allow(Rule::STUDENT),
        )
        .route(
            "/cours/tentatives/{id}/revue",
            post(attempt::review).allow(teacher),
        )
}

use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// The longest question text, and the most options a question may have.
pub const MAX_PROMPT: usize = 2000;
pub const MAX_OPTIONS: usize = 12;
/// A submission this late after the time limit still counts (a slow link).
pub const GRACE_SECONDS: i64 = 30;

/// A choice of a single or multiple choice question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    /// Shown after the attempt to whoever chose it.
    #[serde(default)]
    pub feedback: String,
}

/// What a question asks and what it accepts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Spec {
    Single {
        choices: Vec<Choice>,
    },
    Multiple {
        choices: Vec<Choice>,
    },
    TrueFalse {
        answer: bool,
    },
    /// Accepted answers, compared without case, accents, apostrophes or end punctuation.
    Short {
        answers: Vec<String>,
    },
    /// A number within `tolerance` of `value`.
    Numeric {
        value: f64,
        tolerance: f64,
    },
    /// Each left item with its right one (the right ones are shown shuffled).
    Matching {
        pairs: Vec<(String, String)>,
    },
    /// Items in their right order (shown shuffled).
    Ordering {
        items: Vec<String>,
    },
}

impl Spec {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Spec::Single { .. } => "single",
            Spec::Multiple { .. } => "multiple",
            Spec::TrueFalse { .. } => "true_false",
            Spec::Short { .. } => "short",
            Spec::Numeric { .. } => "numeric",
            Spec::Matching { .. } => "matching",
            Spec::Ordering { .. } => "ordering",
        }
    }

    /// How many options a student's screen shuffles (0: none).
    pub fn options(&self) -> usize {
        match self {
            Spec::Single { choices } | Spec::Multiple { choices } => choices.len(),
            Spec::Matching { pairs } => pairs.len(),
            Spec::Ordering { items } => items.len(),
            _ => 0,
        }
    }
}

/// Every kind, in the order the bank offers them.
pub const KINDS: &[&str] = &[
    "single",
    "multiple",
    "true_false",
    "short",
    "numeric",
    "matching",
    "ordering",
];

/// A student's answer to one question, by the original indices of the options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Chosen options (single, multiple), or true/false as [1]/[0].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chosen: Vec<usize>,
    /// Typed text (short, numeric).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Per left item (matching) the right one chosen, or per item (ordering) its place;
    /// None when left blank.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placed: Vec<Option<usize>>,
}

/// How an answer was graded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The share of the question's points, in percent.
    pub percent: i64,
    /// A short answer none of the accepted ones matched: the teacher decides.
    pub review: bool,
}

/// Text as compared for a short answer: folded (case, accents, apostrophes), without the
/// punctuation that ends a sentence.
pub fn normalize(s: &str) -> String {
    crate::domain::fold(s)
        .trim_end_matches(['.', '!', '?', ';', ':', ',', ' '])
        .trim()
        .to_string()
}

/// A decimal number as typed in French or English: "3,5", "3.5", "1 000".
pub fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Grades an answer (None: left blank).
pub fn grade(spec: &Spec, answer: Option<&Answer>) -> Mark {
    let none = Answer::default();
    let a = answer.unwrap_or(&none);
    let full = |ok: bool| Mark {
        percent: if ok { 100 } else { 0 },
        review: false,
    };
    match spec {
        Spec::Single { choices } => {
            full(a.chosen.len() == 1 && choices.get(a.chosen[0]).is_some_and(|c| c.correct))
        }
        Spec::Multiple { choices } => {
            // Each right choice ticked earns its share, each wrong one loses one; never
            // below nothing.
            let right = choices.iter().filter(|c| c.correct).count().max(1) as i64;
            let mut chosen = a.chosen.clone();
            chosen.sort_unstable();
            chosen.dedup();
            let (mut good, mut bad) = (0i64, 0i64);
            for i in chosen {
                match choices.get(i) {
                    Some(c) if c.correct => good += 1,
                    _ => bad += 1,
                }
            }
            Mark {
                percent: ((good - bad).max(0) * 100) / right,
                review: false,
            }
        }
        Spec::TrueFalse { answer } => full(a.chosen == [usize::from(*answer)]),
        Spec::Short { answers } => {
            let typed = normalize(&a.text);
            let ok = !typed.is_empty() && answers.iter().any(|x| normalize(x) == typed);
            Mark {
                percent: if ok { 100 } else { 0 },
                // A blank answer is wrong; a typed one nobody foresaw may still be right.
                review: !ok && !typed.is_empty(),
            }
        }
        Spec::Numeric { value, tolerance } => {
            full(parse_number(&a.text).is_some_and(|x| (x - value).abs() <= tolerance.abs() + 1e-9))
        }
        Spec::Matching { pairs } => share(pairs.len(), |i| a.placed.get(i) == Some(&Some(i))),
        Spec::Ordering { items } => share(items.len(), |i| a.placed.get(i) == Some(&Some(i))),
    }
}

/// The share of `n` parts for which `right` holds.
fn share(n: usize, right: impl Fn(usize) -> bool) -> Mark {
    let good = (0..n).filter(|i| right(*i)).count();
    Mark {
        percent: (good * 100).checked_div(n).unwrap_or(0) as i64,
        review: false,
    }
}

/// Hundredths of points earned on a question worth `points`.
pub fn earned(points: i64, percent: i64) -> i64 {
    points * percent
}

/// The order in which one attempt shows its questions and, per question, its options
/// (original indices). Drawn once when the attempt starts, so a reload shows the same.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub questions: Vec<i64>,
    pub options: Vec<Vec<usize>>,
}

/// A layout for questions (id, options count) in their quiz order, shuffled if asked.
pub fn layout(questions: &[(i64, usize)], shuffle: bool, rng: &mut impl rand::Rng) -> Layout {
    let mut order: Vec<(i64, usize)> = questions.to_vec();
    if shuffle {
        order.shuffle(rng);
    }
    Layout {
        questions: order.iter().map(|q| q.0).collect(),
        options: order
            .iter()
            .map(|(_, n)| {
                let mut o: Vec<usize> = (0..*n).collect();
                if shuffle {
                    o.shuffle(rng);
                }
                o
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(correct: &[bool]) -> Vec<Choice> {
        correct
            .iter()
            .enumerate()
            .map(|(i, c)| Choice {
                text: format!("c{i}"),
                correct: *c,
                feedback: String::new(),
            })
            .collect()
    }

    fn chosen(c: &[usize]) -> Answer {
        Answer {
            chosen: c.to_vec(),
            ..Default::default()
        }
    }

    fn text(t: &str) -> Answer {
        Answer {
            text: t.into(),
            ..Default::default()
        }
    }

    fn placed(p: &[Option<usize>]) -> Answer {
        Answer {
            placed: p.to_vec(),
            ..Default::default()
        }
    }

    fn pct(spec: &Spec, a: Option<&Answer>) -> i64 {
        grade(spec, a).percent
    }

    #[test]
    fn single_choice_and_true_false() {
        let s = Spec::Single {
            choices: choices(&[false, true, false]),
        };
        assert_eq!(pct(&s, Some(&chosen(&[1]))), 100);
        assert_eq!(pct(&s, Some(&chosen(&[0]))), 0);
        // Two choices sent for a single one, an index out of range, or nothing.
        assert_eq!(pct(&s, Some(&chosen(&[1, 0]))), 0);
        assert_eq!(pct(&s, Some(&chosen(&[7]))), 0);
        assert_eq!(pct(&s, None), 0);
        let t = Spec::TrueFalse { answer: false };
        assert_eq!(pct(&t, Some(&chosen(&[0]))), 100);
        assert_eq!(pct(&t, Some(&chosen(&[1]))), 0);
        assert_eq!(pct(&t, None), 0);
    }

    #[test]
    fn multiple_choice_gives_partial_credit_and_never_less_than_nothing() {
        let s = Spec::Multiple {
            choices: choices(&[true, true, false, false]),
        };
        assert_eq!(pct(&s, Some(&chosen(&[0, 1]))), 100);
        assert_eq!(pct(&s, Some(&chosen(&[1]))), 50);
        assert_eq!(pct(&s, Some(&chosen(&[0, 1, 2]))), 50);
        // Ticking everything is not a strategy.
        assert_eq!(pct(&s, Some(&chosen(&[0, 1, 2, 3]))), 0);
        assert_eq!(pct(&s, Some(&chosen(&[2, 3]))), 0);
        // The same box sent twice counts once.
        assert_eq!(pct(&s, Some(&chosen(&[0, 0]))), 50);
    }

    #[test]
    fn short_answers_are_compared_without_case_accents_or_end_punctuation() {
        let s = Spec::Short {
            answers: vec!["Lomé".into(), "la ville de Lomé".into()],
        };
        for ok in ["lome", "  LOMÉ. ", "La ville de lome !", "Lomé"] {
            let m = grade(&s, Some(&text(ok)));
            assert_eq!((m.percent, m.review), (100, false), "{ok}");
        }
        // Wrong but typed: the teacher reviews it; blank: simply wrong.
        assert_eq!(
            grade(&s, Some(&text("Kara"))),
            Mark {
                percent: 0,
                review: true
            }
        );
        assert_eq!(
            grade(&s, Some(&text("  "))),
            Mark {
                percent: 0,
                review: false
            }
        );
        assert_eq!(normalize("D’Almeida ?"), "dalmeida");
    }

    #[test]
    fn numbers_within_the_tolerance_in_either_notation() {
        let s = Spec::Numeric {
            value: 2.72,
            tolerance: 0.01,
        };
        for ok in ["2,72", "2.72", " 2,73 ", "2.71"] {
            assert_eq!(pct(&s, Some(&text(ok))), 100, "{ok}");
        }
        for bad in ["2,8", "e", "", "NaN", "inf"] {
            assert_eq!(pct(&s, Some(&text(bad))), 0, "{bad}");
        }
        let exact = Spec::Numeric {
            value: 1000.0,
            tolerance: 0.0,
        };
        assert_eq!(pct(&exact, Some(&text("1 000"))), 100);
        assert_eq!(parse_number("1\u{202f}000,5"), Some(1000.5));
    }

    #[test]
    fn matching_and_ordering_earn_a_share_per_right_place() {
        let m = Spec::Matching {
            pairs: vec![
                ("Togo".into(), "Lomé".into()),
                ("Bénin".into(), "Porto-Novo".into()),
                ("Ghana".into(), "Accra".into()),
                ("Niger".into(), "Niamey".into()),
            ],
        };
        assert_eq!(
            pct(&m, Some(&placed(&[Some(0), Some(1), Some(2), Some(3)]))),
            100
        );
        assert_eq!(
            pct(&m, Some(&placed(&[Some(0), Some(2), Some(1), None]))),
            25
        );
        assert_eq!(pct(&m, Some(&placed(&[Some(0)]))), 25);
        assert_eq!(pct(&m, None), 0);
        let o = Spec::Ordering {
            items: vec!["a".into(), "b".into(), "c".into()],
        };
        assert_eq!(pct(&o, Some(&placed(&[Some(0), Some(1), Some(2)]))), 100);
        assert_eq!(pct(&o, Some(&placed(&[Some(1), Some(0), Some(2)]))), 33);
        let empty = Spec::Ordering { items: vec![] };
        assert_eq!(pct(&empty, None), 0);
    }

    #[test]
    fn specs_round_trip_through_json_with_their_kind() {
        let s = Spec::Numeric {
            value: 2.5,
            tolerance: 0.1,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"kind\":\"numeric\""), "{json}");
        assert_eq!(serde_json::from_str::<Spec>(&json).unwrap(), s);
        for k in KINDS {
            assert!(KINDS.contains(k));
        }
    }

    #[test]
    fn a_layout_keeps_every_question_and_option_once() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let l = layout(&[(10, 4), (11, 0), (12, 3)], true, &mut rng);
        let mut q = l.questions.clone();
        q.sort();
        assert_eq!(q, vec![10, 11, 12]);
        for (i, id) in l.questions.iter().enumerate() {
            let n = [(10, 4), (11, 0), (12, 3)]
                .iter()
                .find(|x| x.0 == *id)
                .unwrap()
                .1;
            let mut o = l.options[i].clone();
            o.sort();
            assert_eq!(o, (0..n).collect::<Vec<_>>());
        }
        let plain = layout(&[(10, 2), (11, 0)], false, &mut rng);
        assert_eq!(plain.questions, vec![10, 11]);
        assert_eq!(plain.options[0], vec![0, 1]);
    }
}

//! Bulletin arithmetic: exact, integer, and explainable.
//!
//! Marks are kept in hundredths of a point out of 20 (13,25/20 is 1325), so that no float
//! ever decides a rank. A subject average is rounded half up to two decimals, and the
//! moyenne générale is computed from those printed subject averages: a parent who redoes the
//! sum from the bulletin finds the same number.

use std::fmt::Write;

/// The kind of an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvalKind {
    Devoir,
    /// Interrogation (écrite ou orale).
    Interrogation,
    /// Composition de fin de période.
    Composition,
    Tp,
}

impl EvalKind {
    /// Parses the stored code.
    pub fn parse(s: &str) -> Option<EvalKind> {
        Some(match s {
            "devoir" => EvalKind::Devoir,
            "interrogation" => EvalKind::Interrogation,
            "composition" => EvalKind::Composition,
            "tp" => EvalKind::Tp,
            _ => return None,
        })
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            EvalKind::Devoir => "devoir",
            EvalKind::Interrogation => "interrogation",
            EvalKind::Composition => "composition",
            EvalKind::Tp => "tp",
        }
    }
}

/// What a student got on one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkValue {
    /// A mark, in hundredths of a point out of 20 (0..=2000).
    Score(i64),
    /// Absent without excuse.
    Absent,
    /// Excused (dispensé, absence justifiée): never counts.
    Excused,
}

/// One mark with what the computation needs to know about its evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The evaluation's kind.
    pub kind: EvalKind,
    /// The evaluation's weight (usually 1).
    pub weight: i64,
    pub value: MarkValue,
}

/// How a subject average is made from its marks (a school setting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AverageRule {
    /// Weight of the mean of devoirs, interrogations and TP.
    pub class_work_weight: i64,
    /// Weight of the mean of compositions.
    pub composition_weight: i64,
    /// Whether an unexcused absence counts as 0 (otherwise it does not count).
    pub absent_counts_as_zero: bool,
}

impl Default for AverageRule {
    /// The usual Togolese rule: class work 1/3, composition 2/3; absences do not count.
    fn default() -> Self {
        AverageRule {
            class_work_weight: 1,
            composition_weight: 2,
            absent_counts_as_zero: false,
        }
    }
}

/// Rounds `num / den` half up to an integer (both non-negative, `den` > 0).
pub fn div_round(num: i64, den: i64) -> i64 {
    debug_assert!(den > 0 && num >= 0);
    (2 * num + den) / (2 * den)
}

/// Converts a mark out of `scale` (in hundredths) to hundredths out of 20, rounded half up.
pub fn to_twenty(hundredths: i64, scale: i64) -> i64 {
    div_round(hundredths * 20, scale)
}

/// Formats hundredths with a decimal comma: 1333 → "13,33".
pub fn fmt_hundredths(h: i64) -> String {
    format!("{},{:02}", h / 100, h % 100)
}

/// The CSS classes of an average out of 20 (in hundredths), wherever one is shown: red
/// below 10 (`avg-low`, under the pass mark), amber from 10 to under 12 (`avg-mid`),
/// green from 12 (`avg-good`, the honour roll's usual line); nothing more for no average.
/// Templates write `class="{{ crate::grades::calc::average_class(x) }}"`.
pub fn average_class(h: impl crate::i18n::OptInt) -> &'static str {
    match h.opt() {
        None => "avg",
        Some(v) if v < 1000 => "avg avg-low",
        Some(v) if v < 1200 => "avg avg-mid",
        Some(_) => "avg avg-good",
    }
}

/// A subject's average with the steps that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectAverage {
    /// The average in hundredths, or `None` when no mark counts.
    pub value: Option<i64>,
    /// The computation in words and numbers, for the "how was it computed" screen.
    pub explanation: String,
}

fn weighted_mean(marks: &[(i64, i64)]) -> Option<(i64, String)> {
    let den: i64 = marks.iter().map(|(_, w)| w).sum();
    if den == 0 {
        return None;
    }
    let num: i64 = marks.iter().map(|(v, w)| v * w).sum();
    let mut text = String::from("(");
    for (i, (v, w)) in marks.iter().enumerate() {
        if i > 0 {
            text.push_str(" + ");
        }
        let _ = write!(text, "{} × {}", fmt_hundredths(*v), w);
    }
    let avg = div_round(num, den);
    let _ = write!(text, ") / {} = {}", den, fmt_hundredths(avg));
    Some((avg, text))
}

/// The average of one subject for one student and period.
pub fn subject_average(marks: &[Mark], rule: AverageRule) -> SubjectAverage {
    let counted = |composition: bool| -> Vec<(i64, i64)> {
        marks
            .iter()
            .filter(|m| (m.kind == EvalKind::Composition) == composition && m.weight > 0)
            .filter_map(|m| match m.value {
                MarkValue::Score(v) => Some((v, m.weight)),
                MarkValue::Absent if rule.absent_counts_as_zero => Some((0, m.weight)),
                _ => None,
            })
            .collect()
    };
    let work = weighted_mean(&counted(false));
    let compo = weighted_mean(&counted(true));
    match (work, compo) {
        (None, None) => SubjectAverage {
            value: None,
            explanation: String::new(),
        },
        (Some((v, t)), None) | (None, Some((v, t))) => SubjectAverage {
            value: Some(v),
            explanation: t,
        },
        (Some((w, wt)), Some((c, ct))) => {
            let (a, b) = (rule.class_work_weight, rule.composition_weight);
            let v = div_round(w * a + c * b, a + b);
            SubjectAverage {
                value: Some(v),
                explanation: format!(
                    "{wt} ; {ct} ; ({} × {a} + {} × {b}) / {} = {}",
                    fmt_hundredths(w),
                    fmt_hundredths(c),
                    a + b,
                    fmt_hundredths(v)
                ),
            }
        }
    }
}

/// The moyenne générale from (subject average, coefficient) pairs; subjects without an
/// average do not count. Returns the value in hundredths and its explanation.
/// How a class did on one evaluation: its mean, lowest and highest scores, in hundredths
/// on the evaluation's scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spread {
    pub mean: i64,
    pub min: i64,
    pub max: i64,
    pub count: i64,
}

impl Spread {
    /// From a sum, extremes and count as the database gives them; `None` under `at_least`
    /// scores (a family must not work out a classmate's mark from a class of two).
    pub fn of(sum: i64, min: i64, max: i64, count: i64, at_least: i64) -> Option<Spread> {
        (count >= at_least.max(1)).then(|| Spread {
            // Rounded half up, as averages are.
            mean: (2 * sum + count) / (2 * count),
            min,
            max,
            count,
        })
    }
}

pub fn general_average(subjects: &[(Option<i64>, i64)]) -> Option<(i64, String)> {
    let counted: Vec<(i64, i64)> = subjects
        .iter()
        .filter_map(|(v, c)| v.filter(|_| *c > 0).map(|v| (v, *c)))
        .collect();
    weighted_mean(&counted)
}

/// A rank in class, "3e" or "3e ex" when shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rank {
    /// 1 for the first.
    pub position: usize,
    /// Shared with another student (ex aequo).
    pub tied: bool,
}

/// Ranks averages (competition ranking: 1, 2, 2, 4). `None` averages are not ranked.
pub fn ranks(averages: &[Option<i64>]) -> Vec<Option<Rank>> {
    let mut ranked: Vec<i64> = averages.iter().flatten().copied().collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    averages
        .iter()
        .map(|a| {
            a.map(|v| {
                let position = ranked.iter().take_while(|x| **x > v).count() + 1;
                let tied = ranked.iter().filter(|x| **x == v).count() > 1;
                Rank { position, tied }
            })
        })
        .collect()
}

/// The mention thresholds, in hundredths (school settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Tableau d'honneur.
    pub honour_roll: i64,
    pub encouragement: i64,
    pub congratulations: i64,
    /// Avertissement pour le travail, strictly below.
    pub warning_below: i64,
    /// Blâme pour le travail, strictly below.
    pub reprimand_below: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            honour_roll: 1200,
            encouragement: 1400,
            congratulations: 1600,
            warning_below: 800,
            reprimand_below: 600,
        }
    }
}

/// A distinction or a sanction earned by a moyenne générale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mention {
    /// Félicitations (with tableau d'honneur).
    Congratulations,
    /// Encouragements (with tableau d'honneur).
    Encouragement,
    /// Tableau d'honneur.
    HonourRoll,
    /// Avertissement pour le travail.
    Warning,
    /// Blâme pour le travail.
    Reprimand,
}

impl Mention {
    /// The catalog key of the mention.
    pub fn key(self) -> &'static str {
        match self {
            Mention::Congratulations => "mention-congratulations",
            Mention::Encouragement => "mention-encouragement",
            Mention::HonourRoll => "mention-honour-roll",
            Mention::Warning => "mention-warning",
            Mention::Reprimand => "mention-reprimand",
        }
    }
}

/// The mention for a moyenne générale, the highest that applies.
pub fn mention(avg: i64, t: Thresholds) -> Option<Mention> {
    if avg >= t.congratulations {
        Some(Mention::Congratulations)
    } else if avg >= t.encouragement {
        Some(Mention::Encouragement)
    } else if avg >= t.honour_roll {
        Some(Mention::HonourRoll)
    } else if avg < t.reprimand_below {
        Some(Mention::Reprimand)
    } else if avg < t.warning_below {
        Some(Mention::Warning)
    } else {
        None
    }
}

/// The annual average from period averages with weights (equal by default); periods
/// without an average do not count.
pub fn annual_average(periods: &[(Option<i64>, i64)]) -> Option<(i64, String)> {
    general_average(periods)
}

#[cfg(test)]
mod tests {
    #[test]
    fn averages_take_the_colour_of_their_threshold() {
        assert_eq!(average_class(Some(999)), "avg avg-low");
        assert_eq!(average_class(Some(0)), "avg avg-low");
        assert_eq!(average_class(Some(1000)), "avg avg-mid");
        assert_eq!(average_class(Some(1199)), "avg avg-mid");
        assert_eq!(average_class(Some(1200)), "avg avg-good");
        assert_eq!(average_class(Some(2000)), "avg avg-good");
        assert_eq!(average_class(None), "avg");
        assert_eq!(average_class(Some(850)), "avg avg-low");
    }

    use super::*;

    fn m(kind: EvalKind, v: i64) -> Mark {
        Mark {
            kind,
            weight: 1,
            value: MarkValue::Score(v),
        }
    }

    #[test]
    fn the_domain_example() {
        // (12 × 1 + 14 × 2) / 3 = 13,33
        let g = general_average(&[(Some(1200), 1), (Some(1400), 2)]).unwrap();
        assert_eq!(g.0, 1333);
        assert_eq!(g.1, "(12,00 × 1 + 14,00 × 2) / 3 = 13,33");
    }

    #[test]
    fn class_work_one_third_composition_two_thirds() {
        let marks = [
            m(EvalKind::Devoir, 1000),
            m(EvalKind::Interrogation, 1400),
            m(EvalKind::Composition, 1550),
        ];
        let a = subject_average(&marks, AverageRule::default());
        // class work 12,00; composition 15,50; (12 × 1 + 15,5 × 2) / 3 = 14,333… → 14,33
        assert_eq!(a.value, Some(1433));
        assert!(
            a.explanation
                .ends_with("(12,00 × 1 + 15,50 × 2) / 3 = 14,33"),
            "{}",
            a.explanation
        );
    }

    #[test]
    fn only_one_kind_of_marks() {
        let a = subject_average(
            &[m(EvalKind::Devoir, 900), m(EvalKind::Tp, 1200)],
            AverageRule::default(),
        );
        assert_eq!(a.value, Some(1050));
        let a = subject_average(&[m(EvalKind::Composition, 875)], AverageRule::default());
        assert_eq!(a.value, Some(875));
    }

    #[test]
    fn excused_and_absent_marks() {
        let mut marks = vec![m(EvalKind::Devoir, 1600)];
        marks.push(Mark {
            kind: EvalKind::Devoir,
            weight: 1,
            value: MarkValue::Excused,
        });
        marks.push(Mark {
            kind: EvalKind::Devoir,
            weight: 1,
            value: MarkValue::Absent,
        });
        assert_eq!(
            subject_average(&marks, AverageRule::default()).value,
            Some(1600)
        );
        let zero = AverageRule {
            absent_counts_as_zero: true,
            ..Default::default()
        };
        assert_eq!(subject_average(&marks, zero).value, Some(800));
        let only_excused = [Mark {
            kind: EvalKind::Composition,
            weight: 1,
            value: MarkValue::Excused,
        }];
        assert_eq!(
            subject_average(&only_excused, AverageRule::default()).value,
            None
        );
    }

    #[test]
    fn weights_and_scales() {
        // 15/40 is 7,50/20; 17/20 weight 2.
        let marks = [
            Mark {
                kind: EvalKind::Devoir,
                weight: 1,
                value: MarkValue::Score(to_twenty(1500, 40)),
            },
            Mark {
                kind: EvalKind::Devoir,
                weight: 2,
                value: MarkValue::Score(1700),
            },
        ];
        // (7,5 + 34) / 3 = 13,8333 → 13,83
        assert_eq!(
            subject_average(&marks, AverageRule::default()).value,
            Some(1383)
        );
        assert_eq!(to_twenty(1300, 10), 2600);
        assert_eq!(to_twenty(333, 20), 333);
    }

    #[test]
    fn a_spread_is_rounded_and_hidden_for_tiny_classes() {
        let s = Spread::of(1000 + 1500 + 1200, 1000, 1500, 3, 3).unwrap();
        assert_eq!((s.mean, s.min, s.max), (1233, 1000, 1500));
        assert_eq!(Spread::of(2001, 1000, 1001, 2, 2).unwrap().mean, 1001);
        assert!(Spread::of(2500, 1000, 1500, 2, 3).is_none());
        assert!(Spread::of(0, 0, 0, 0, 0).is_none());
    }

    #[test]
    fn empty_subjects_do_not_count_in_the_general_average() {
        let g = general_average(&[(Some(1000), 4), (None, 5), (Some(1500), 1)]).unwrap();
        assert_eq!(g.0, 1100);
        assert_eq!(general_average(&[(None, 2)]), None);
        assert_eq!(general_average(&[]), None);
    }

    #[test]
    fn half_up_rounding() {
        assert_eq!(div_round(1, 2), 1);
        assert_eq!(div_round(2, 3), 1);
        assert_eq!(div_round(1, 3), 0);
        assert_eq!(div_round(40000, 3), 13333);
        assert_eq!(fmt_hundredths(905), "9,05");
    }

    #[test]
    fn ex_aequo_ranks() {
        let r = ranks(&[Some(1200), Some(1500), Some(1200), None, Some(900)]);
        assert_eq!(
            r[1],
            Some(Rank {
                position: 1,
                tied: false
            })
        );
        assert_eq!(
            r[0],
            Some(Rank {
                position: 2,
                tied: true
            })
        );
        assert_eq!(
            r[2],
            Some(Rank {
                position: 2,
                tied: true
            })
        );
        assert_eq!(
            r[4],
            Some(Rank {
                position: 4,
                tied: false
            })
        );
        assert_eq!(r[3], None);
    }

    #[test]
    fn mentions_follow_thresholds() {
        let t = Thresholds::default();
        assert_eq!(mention(1600, t), Some(Mention::Congratulations));
        assert_eq!(mention(1599, t), Some(Mention::Encouragement));
        assert_eq!(mention(1200, t), Some(Mention::HonourRoll));
        assert_eq!(mention(1199, t), None);
        assert_eq!(mention(800, t), None);
        assert_eq!(mention(799, t), Some(Mention::Warning));
        assert_eq!(mention(599, t), Some(Mention::Reprimand));
    }

    #[test]
    fn annual_average_of_periods() {
        let a = annual_average(&[(Some(1000), 1), (Some(1200), 1), (Some(1400), 1)]).unwrap();
        assert_eq!(a.0, 1200);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn mark() -> impl Strategy<Value = Mark> {
            (0..4u8, 1..4i64, prop_oneof![8 => (0..=2000i64).prop_map(MarkValue::Score), 1 => Just(MarkValue::Absent), 1 => Just(MarkValue::Excused)])
                .prop_map(|(k, weight, value)| Mark {
                    kind: [EvalKind::Devoir, EvalKind::Interrogation, EvalKind::Composition, EvalKind::Tp][k as usize],
                    weight,
                    value,
                })
        }

        proptest! {
            #[test]
            fn averages_stay_within_0_and_20(marks in prop::collection::vec(mark(), 0..12), zero in any::<bool>()) {
                let rule = AverageRule { absent_counts_as_zero: zero, ..Default::default() };
                if let Some(v) = subject_average(&marks, rule).value {
                    prop_assert!((0..=2000).contains(&v));
                    let lo = marks.iter().filter_map(|m| match m.value { MarkValue::Score(s) => Some(s), MarkValue::Absent if zero => Some(0), _ => None }).min().unwrap();
                    let hi = marks.iter().filter_map(|m| match m.value { MarkValue::Score(s) => Some(s), MarkValue::Absent if zero => Some(0), _ => None }).max().unwrap();
                    prop_assert!(v >= lo && v <= hi, "{v} outside [{lo}, {hi}]");
                }
            }

            #[test]
            fn general_average_within_bounds(subjects in prop::collection::vec((prop::option::of(0..=2000i64), 1..8i64), 0..15)) {
                if let Some((g, _)) = general_average(&subjects) {
                    let vals: Vec<i64> = subjects.iter().filter_map(|s| s.0).collect();
                    prop_assert!(g >= *vals.iter().min().unwrap() && g <= *vals.iter().max().unwrap());
                }
            }

            #[test]
            fn ranks_are_a_permutation_with_ties(avgs in prop::collection::vec(prop::option::of(0..=40i64), 0..40)) {
                let avgs: Vec<Option<i64>> = avgs.into_iter().map(|a| a.map(|x| x * 50)).collect();
                let r = ranks(&avgs);
                let ranked: Vec<(i64, Rank)> = avgs.iter().zip(&r).filter_map(|(a, r)| Some(((*a)?, (*r)?))).collect();
                // Rank k means exactly k-1 students are strictly better.
                for (a, rank) in &ranked {
                    let better = ranked.iter().filter(|(b, _)| b > a).count();
                    prop_assert_eq!(rank.position, better + 1);
                    let same = ranked.iter().filter(|(b, _)| b == a).count();
                    prop_assert_eq!(rank.tied, same > 1);
                }
                // Without ties, positions are exactly 1..=n.
                let mut positions: Vec<usize> = ranked.iter().map(|(_, r)| r.position).collect();
                positions.sort();
                let distinct = { let mut v: Vec<i64> = ranked.iter().map(|(a, _)| *a).collect(); v.sort(); v.dedup(); v.len() };
                if distinct == ranked.len() {
                    prop_assert_eq!(positions, (1..=ranked.len()).collect::<Vec<_>>());
                }
            }
        }
    }
}

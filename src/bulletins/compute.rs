//! The bulletins of a class for a period, computed from marks and coefficients in one pass:
//! subject averages, moyenne générale, ranks, class statistics and mentions. Pure: the
//! screen, the PDF and the tests all use this one computation.

use std::collections::HashMap;

use crate::grades::calc::{self, AverageRule, Mark, MarkValue, Mention, Rank, Thresholds};

/// A subject as the bulletin lists it.
#[derive(Clone, Debug)]
pub struct Subject {
    pub id: i64,
    pub name: String,
    /// Coefficient for this class's level and série.
    pub coefficient: i64,
    /// littéraires, scientifiques or autres: the bulletin groups and subtotals by it.
    pub group: String,
}

/// The order of subject groups on the bulletin.
pub fn group_rank(group: &str) -> u8 {
    match group {
        "litteraires" => 0,
        "scientifiques" => 1,
        _ => 2,
    }
}

/// A group's subtotal: its coefficients, its weighted averages and their mean.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupTotal {
    /// littéraires, scientifiques, autres.
    pub group: String,
    /// Sum of the coefficients of the group's subjects with an average.
    pub coefficients: i64,
    /// Sum of average × coefficient, hundredths.
    pub weighted: i64,
    /// The group's average, hundredths.
    pub average: Option<i64>,
}

impl GroupTotal {
    /// The catalog key of the group.
    pub fn key(&self) -> String {
        format!("group-{}", self.group)
    }
}

/// Subtotals of a bulletin's lines per group, in the lines' order (one per run of a group).
pub fn group_totals(lines: &[Line]) -> Vec<(usize, GroupTotal)> {
    let mut out: Vec<(usize, GroupTotal)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if out.last().is_none_or(|(_, g)| g.group != l.subject.group) {
            out.push((
                i,
                GroupTotal {
                    group: l.subject.group.clone(),
                    coefficients: 0,
                    weighted: 0,
                    average: None,
                },
            ));
        }
        if let (Some((end, g)), Some(w)) = (out.last_mut(), l.weighted) {
            g.coefficients += l.subject.coefficient;
            g.weighted += w;
            *end = i;
        } else if let Some((end, _)) = out.last_mut() {
            *end = i;
        }
    }
    for (_, g) in out.iter_mut() {
        g.average = (g.coefficients > 0).then(|| calc::div_round(g.weighted, g.coefficients));
    }
    out
}

/// One mark, already converted to hundredths out of 20.
#[derive(Clone, Debug)]
pub struct StudentMark {
    pub student_id: i64,
    pub subject_id: i64,
    /// The mark, with its evaluation's kind and weight.
    pub mark: Mark,
}

/// One subject line of a bulletin.
#[derive(Clone, Debug)]
pub struct Line {
    pub subject: Subject,
    /// The student's average, in hundredths.
    pub average: Option<i64>,
    /// How it was computed.
    pub explanation: String,
    /// Average × coefficient, in hundredths.
    pub weighted: Option<i64>,
    /// Rank in the class for this subject.
    pub rank: Option<Rank>,
}

/// A student's bulletin for the period.
#[derive(Clone, Debug)]
pub struct Bulletin {
    pub student_id: i64,
    /// One line per subject.
    pub lines: Vec<Line>,
    /// Sum of the coefficients of subjects with an average.
    pub coefficient_total: i64,
    /// Sum of the weighted averages.
    pub weighted_total: i64,
    /// Moyenne générale, in hundredths.
    pub general: Option<i64>,
    /// How it was computed.
    pub general_explanation: String,
    /// Rank in class.
    pub rank: Option<Rank>,
    /// Distinction or sanction.
    pub mention: Option<Mention>,
}

impl Bulletin {
    /// The sum of weighted averages, for the totals line.
    pub fn weighted_sum(&self) -> Option<i64> {
        Some(self.weighted_total)
    }
}

/// Class statistics of one subject (or of the moyenne générale).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Mean of the averages, rounded half up.
    pub mean: Option<i64>,
}

fn stats(values: impl Iterator<Item = i64>) -> Stats {
    let v: Vec<i64> = values.collect();
    if v.is_empty() {
        return Stats::default();
    }
    Stats {
        min: v.iter().min().copied(),
        max: v.iter().max().copied(),
        mean: Some(calc::div_round(v.iter().sum(), v.len() as i64)),
    }
}

/// Every bulletin of a class.
#[derive(Clone, Debug)]
pub struct ClassBulletins {
    /// In the order of the students given.
    pub bulletins: Vec<Bulletin>,
    /// Statistics per subject id.
    pub subject_stats: HashMap<i64, Stats>,
    /// Statistics of the moyenne générale.
    pub general_stats: Stats,
    /// Students with a moyenne générale (the denominator of "3e/45").
    pub ranked: usize,
}

/// Computes the bulletins of `students` from their marks.
pub fn compute(
    students: &[i64],
    subjects: &[Subject],
    marks: &[StudentMark],
    rule: AverageRule,
    thresholds: Thresholds,
) -> ClassBulletins {
    let mut by_pair: HashMap<(i64, i64), Vec<Mark>> = HashMap::new();
    for m in marks {
        by_pair
            .entry((m.student_id, m.subject_id))
            .or_default()
            .push(m.mark.clone());
    }
    let mut bulletins: Vec<Bulletin> = students
        .iter()
        .map(|&sid| {
            let lines: Vec<Line> = subjects
                .iter()
                .map(|s| {
                    let avg = calc::subject_average(
                        by_pair.get(&(sid, s.id)).map(Vec::as_slice).unwrap_or(&[]),
                        rule,
                    );
                    Line {
                        subject: s.clone(),
                        weighted: avg.value.map(|v| v * s.coefficient),
                        average: avg.value,
                        explanation: avg.explanation,
                        rank: None,
                    }
                })
                .collect();
            let pairs: Vec<(Option<i64>, i64)> = lines
                .iter()
                .map(|l| (l.average, l.subject.coefficient))
                .collect();
            let general = calc::general_average(&pairs);
            Bulletin {
                student_id: sid,
                coefficient_total: lines
                    .iter()
                    .filter(|l| l.average.is_some())
                    .map(|l| l.subject.coefficient)
                    .sum(),
                weighted_total: lines.iter().filter_map(|l| l.weighted).sum(),
                general: general.as_ref().map(|g| g.0),
                general_explanation: general.map(|g| g.1).unwrap_or_default(),
                lines,
                rank: None,
                mention: None,
            }
        })
        .collect();
    // Ranks: in class overall, and per subject.
    let generals: Vec<Option<i64>> = bulletins.iter().map(|b| b.general).collect();
    for (b, r) in bulletins.iter_mut().zip(calc::ranks(&generals)) {
        b.rank = r;
        b.mention = b.general.and_then(|g| calc::mention(g, thresholds));
    }
    let mut subject_stats = HashMap::new();
    for (i, s) in subjects.iter().enumerate() {
        let avgs: Vec<Option<i64>> = bulletins.iter().map(|b| b.lines[i].average).collect();
        for (b, r) in bulletins.iter_mut().zip(calc::ranks(&avgs)) {
            b.lines[i].rank = r;
        }
        subject_stats.insert(s.id, stats(avgs.iter().flatten().copied()));
    }
    ClassBulletins {
        general_stats: stats(generals.iter().flatten().copied()),
        ranked: generals.iter().flatten().count(),
        bulletins,
        subject_stats,
    }
}

/// Converts a stored mark on its evaluation's scale to the arithmetic's form.
pub fn to_mark(kind: calc::EvalKind, weight: i64, value: MarkValue, scale: i64) -> Mark {
    Mark {
        kind,
        weight,
        value: match value {
            MarkValue::Score(p) => MarkValue::Score(calc::to_twenty(p, scale)),
            other => other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grades::calc::EvalKind;

    fn mark(student_id: i64, subject_id: i64, kind: EvalKind, v: i64) -> StudentMark {
        StudentMark {
            student_id,
            subject_id,
            mark: Mark {
                kind,
                weight: 1,
                value: MarkValue::Score(v),
            },
        }
    }

    #[test]
    fn a_class_of_three_computed_by_hand() {
        let subjects = vec![
            Subject {
                id: 1,
                name: "Maths".into(),
                coefficient: 4,
                group: "autres".into(),
            },
            Subject {
                id: 2,
                name: "Français".into(),
                coefficient: 2,
                group: "autres".into(),
            },
            Subject {
                id: 3,
                name: "EPS".into(),
                coefficient: 1,
                group: "autres".into(),
            },
        ];
        use EvalKind::*;
        let marks = vec![
            // Student 10: maths devoir 12, compo 15 → (12 + 30) / 3 = 14; français 10; EPS none.
            mark(10, 1, Devoir, 1200),
            mark(10, 1, Composition, 1500),
            mark(10, 2, Devoir, 1000),
            // Student 11: maths 14 (compo only); français 10; EPS 16.
            mark(11, 1, Composition, 1400),
            mark(11, 2, Devoir, 1000),
            mark(11, 3, Devoir, 1600),
            // Student 12: no marks at all.
        ];
        let c = compute(
            &[10, 11, 12],
            &subjects,
            &marks,
            AverageRule::default(),
            Thresholds::default(),
        );
        let b10 = &c.bulletins[0];
        assert_eq!(b10.lines[0].average, Some(1400));
        assert_eq!(b10.lines[2].average, None);
        // (14 × 4 + 10 × 2) / 6 = 12,666… → 12,67; EPS does not count for him.
        assert_eq!(b10.general, Some(1267));
        assert_eq!(b10.coefficient_total, 6);
        assert_eq!(b10.weighted_total, 7600);
        assert_eq!(
            b10.general_explanation,
            "(14,00 × 4 + 10,00 × 2) / 6 = 12,67"
        );
        // (14 × 4 + 10 × 2 + 16 × 1) / 7 = 13,142… → 13,14
        let b11 = &c.bulletins[1];
        assert_eq!(b11.general, Some(1314));
        assert_eq!(
            b11.rank,
            Some(Rank {
                position: 1,
                tied: false
            })
        );
        assert_eq!(
            b10.rank,
            Some(Rank {
                position: 2,
                tied: false
            })
        );
        assert_eq!(c.bulletins[2].general, None);
        assert_eq!(c.bulletins[2].rank, None);
        assert_eq!(c.ranked, 2);
        // Maths: both 14,00, so ex aequo first in the subject.
        assert_eq!(
            b10.lines[0].rank,
            Some(Rank {
                position: 1,
                tied: true
            })
        );
        assert_eq!(
            c.subject_stats[&1],
            Stats {
                min: Some(1400),
                max: Some(1400),
                mean: Some(1400)
            }
        );
        assert_eq!(
            c.subject_stats[&3],
            Stats {
                min: Some(1600),
                max: Some(1600),
                mean: Some(1600)
            }
        );
        assert_eq!(
            c.general_stats,
            Stats {
                min: Some(1267),
                max: Some(1314),
                mean: Some(1291)
            }
        );
        assert_eq!(b11.mention, Some(Mention::HonourRoll));
    }

    #[test]
    fn subtotals_per_group() {
        let line = |group: &str, coefficient, average: Option<i64>| Line {
            subject: Subject {
                id: 0,
                name: String::new(),
                coefficient,
                group: group.into(),
            },
            average,
            explanation: String::new(),
            weighted: average.map(|a| a * coefficient),
            rank: None,
        };
        let lines = [
            line("litteraires", 2, Some(1200)),
            line("litteraires", 3, Some(1400)),
            line("litteraires", 1, None),
            line("scientifiques", 4, Some(1000)),
        ];
        let g = group_totals(&lines);
        assert_eq!(g.len(), 2);
        // (12 × 2 + 14 × 3) / 5 = 13,20; the subject without an average does not count.
        assert_eq!(g[0].0, 2);
        assert_eq!(
            (g[0].1.coefficients, g[0].1.weighted, g[0].1.average),
            (5, 6600, Some(1320))
        );
        assert_eq!((g[1].0, g[1].1.average), (3, Some(1000)));
    }
}

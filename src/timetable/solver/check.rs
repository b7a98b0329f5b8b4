//! An independent checker: it reads a timetable against the problem from scratch, with none
//! of the search's bookkeeping, and lists every hard rule broken and the soft cost. Tests
//! run it on every timetable the solver gives; publishing refuses what it rejects.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Cost, Placement, Problem, RuleKind, Weight, Who};

/// A hard rule broken, for tests and for the refusal of a manual move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    Unplaced { lesson: usize },
    OffGrid { lesson: usize },
    MovedLocked { lesson: usize },
    NoRoom { lesson: usize },
    Overlap { who: Who, slot: usize },
    RoomOverlap { room: usize, slot: usize },
    Rule { rule: usize, count: i64 },
    NotParallel { rule: usize },
}

pub struct Report {
    pub violations: Vec<Violation>,
    pub cost: Cost,
}

/// The periods of one day that a teacher or set has lessons in (with repeats for overlaps).
fn periods_by_day(p: &Problem, at: &[Option<Placement>], who: Who) -> BTreeMap<usize, Vec<usize>> {
    let mut days: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (l, lesson) in p.lessons.iter().enumerate() {
        let mine = match who {
            Who::Teacher(t) => lesson.teachers.contains(&t),
            Who::Set(s) => lesson.sets.contains(&s),
        };
        if let (true, Some(pl)) = (mine, at[l]) {
            for k in 0..lesson.duration {
                let slot = pl.start + k;
                days.entry(slot / p.grid.periods)
                    .or_default()
                    .push(slot % p.grid.periods);
            }
        }
    }
    for v in days.values_mut() {
        v.sort_unstable();
    }
    days
}

fn gaps_in(p: &Problem, day: usize, periods: &[usize]) -> i64 {
    let (Some(&lo), Some(&hi)) = (periods.first(), periods.last()) else {
        return 0;
    };
    let set: BTreeSet<usize> = periods.iter().copied().collect();
    (lo..=hi)
        .filter(|q| !set.contains(q) && p.grid.open[day * p.grid.periods + q])
        .count() as i64
}

pub fn check(p: &Problem, at: &[Option<Placement>]) -> Report {
    let mut violations = Vec::new();
    let mut cost = Cost::ZERO;
    let g = &p.grid;
    let mut seats: BTreeMap<(Who, usize), usize> = BTreeMap::new();
    let mut rooms: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (l, lesson) in p.lessons.iter().enumerate() {
        let Some(pl) = at[l] else {
            violations.push(Violation::Unplaced { lesson: l });
            cost.hard += 1;
            continue;
        };
        let first_day = pl.start / g.periods;
        let ok = (0..lesson.duration).all(|k| {
            let s = pl.start + k;
            s < g.slots()
                && s / g.periods == first_day
                && g.open[s]
                && (k == 0 || g.joined[(s - 1) % g.periods])
        });
        if !ok {
            violations.push(Violation::OffGrid { lesson: l });
            cost.hard += 1;
        }
        if let Some(f) = lesson.fixed
            && (f.start != pl.start || (f.room.is_some() && f.room != pl.room))
        {
            violations.push(Violation::MovedLocked { lesson: l });
            cost.hard += 1;
        }
        if lesson.needs_room && !p.rooms.is_empty() && pl.room.is_none() {
            violations.push(Violation::NoRoom { lesson: l });
            cost.hard += 1;
        }
        for k in 0..lesson.duration {
            let s = pl.start + k;
            for &t in &lesson.teachers {
                *seats.entry((Who::Teacher(t), s)).or_default() += 1;
            }
            for &st in &lesson.sets {
                *seats.entry((Who::Set(st), s)).or_default() += 1;
            }
            if let Some(r) = pl.room {
                *rooms.entry((r, s)).or_default() += 1;
            }
        }
    }
    for (&(who, slot), &n) in &seats {
        if n > 1 {
            violations.push(Violation::Overlap { who, slot });
            cost.hard += n as i64 - 1;
        }
    }
    for (&(room, slot), &n) in &rooms {
        if n > 1 {
            violations.push(Violation::RoomOverlap { room, slot });
            cost.hard += n as i64 - 1;
        }
    }

    let lessons_of_course = |c: usize| -> Vec<usize> {
        (0..p.lessons.len())
            .filter(|&l| p.lessons[l].course == c)
            .collect()
    };
    for (i, rule) in p.rules.iter().enumerate() {
        let count: i64 = match &rule.kind {
            RuleKind::Unavailable { who, slots } => p
                .lessons_of(*who)
                .filter_map(|l| at[l].map(|pl| (l, pl)))
                .map(|(l, pl)| {
                    (0..p.lessons[l].duration)
                        .filter(|k| slots.contains(&(pl.start + k)))
                        .count() as i64
                })
                .sum(),
            RuleKind::CourseNotIn { course, slots } => lessons_of_course(*course)
                .into_iter()
                .filter_map(|l| at[l].map(|pl| (l, pl)))
                .filter(|(l, pl)| {
                    (0..p.lessons[*l].duration).any(|k| slots.contains(&(pl.start + k)))
                })
                .count() as i64,
            RuleKind::MaxPerDay { who, max } => periods_by_day(p, at, *who)
                .values()
                .map(|v| {
                    let distinct: BTreeSet<_> = v.iter().collect();
                    (distinct.len() as i64 - *max as i64).max(0)
                })
                .sum(),
            RuleKind::MaxInRow { who, max } => periods_by_day(p, at, *who)
                .values()
                .map(|v| {
                    let distinct: Vec<usize> = v
                        .iter()
                        .copied()
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    let mut over = 0i64;
                    let mut run = 0usize;
                    let mut prev: Option<usize> = None;
                    for q in distinct {
                        run = match prev {
                            Some(pq) if pq + 1 == q && g.joined[pq] => run + 1,
                            _ => 1,
                        };
                        if run > *max {
                            over += 1;
                        }
                        prev = Some(q);
                    }
                    over
                })
                .sum(),
            RuleKind::MaxGapsPerDay { who, max } => periods_by_day(p, at, *who)
                .iter()
                .map(|(d, v)| (gaps_in(p, *d, v) - *max as i64).max(0))
                .sum(),
            RuleKind::MaxGapsPerWeek { who, max } => {
                let total: i64 = periods_by_day(p, at, *who)
                    .iter()
                    .map(|(d, v)| gaps_in(p, *d, v))
                    .sum();
                (total - *max as i64).max(0)
            }
            RuleKind::Isolated { set } => periods_by_day(p, at, Who::Set(*set))
                .values()
                .map(|v| {
                    v.iter()
                        .filter(|&&q| !v.contains(&(q + 1)) && (q == 0 || !v.contains(&(q - 1))))
                        .count() as i64
                })
                .sum(),
            RuleKind::SpreadDays { course, min_days } => {
                let days: BTreeSet<usize> = lessons_of_course(*course)
                    .into_iter()
                    .filter_map(|l| at[l].map(|pl| pl.start / g.periods))
                    .collect();
                (*min_days as i64 - days.len() as i64).max(0)
            }
            RuleKind::MinDaysBetween { course, days } => {
                let d: Vec<usize> = lessons_of_course(*course)
                    .into_iter()
                    .filter_map(|l| at[l].map(|pl| pl.start / g.periods))
                    .collect();
                let mut n = 0;
                for a in 0..d.len() {
                    for b in a + 1..d.len() {
                        if d[a].abs_diff(d[b]) < *days {
                            n += 1;
                        }
                    }
                }
                n
            }
            RuleKind::MinDaysBetweenLessons { lessons, days } => {
                let d: Vec<usize> = lessons
                    .iter()
                    .filter_map(|&l| at.get(l).copied().flatten().map(|pl| pl.start / g.periods))
                    .collect();
                let mut n = 0;
                for a in 0..d.len() {
                    for b in a + 1..d.len() {
                        if d[a].abs_diff(d[b]) < *days {
                            n += 1;
                        }
                    }
                }
                n
            }
            RuleKind::LessonStarts { lessons, starts } => lessons
                .iter()
                .filter_map(|&l| at.get(l).copied().flatten())
                .filter(|pl| !starts.contains(&pl.start))
                .count() as i64,
            RuleKind::LessonsWithin { lessons, slots } => lessons
                .iter()
                .filter_map(|&l| Some((l, at.get(l).copied().flatten()?)))
                .map(|(l, pl)| {
                    (0..p.lessons[l].duration)
                        .filter(|k| !slots.contains(&(pl.start + k)))
                        .count() as i64
                })
                .sum(),
            RuleKind::LessonRooms { lessons, rooms } => lessons
                .iter()
                .filter(|&&l| l < p.lessons.len() && p.lessons[l].needs_room)
                .filter_map(|&l| at.get(l).copied().flatten())
                .filter(|pl| pl.room.is_some_and(|r| !rooms.contains(&r)))
                .count() as i64,
            RuleKind::RoomStability { course } => {
                let used: BTreeSet<usize> = lessons_of_course(*course)
                    .into_iter()
                    .filter_map(|l| at[l].and_then(|pl| pl.room))
                    .collect();
                (used.len() as i64 - 1).max(0)
            }
            RuleKind::Rooms { course, rooms } => lessons_of_course(*course)
                .into_iter()
                .filter(|&l| p.lessons[l].needs_room)
                .filter_map(|l| at[l])
                .filter(|pl| pl.room.is_some_and(|r| !rooms.contains(&r)))
                .count() as i64,
            RuleKind::RoomCapacity => p
                .lessons
                .iter()
                .enumerate()
                .filter_map(|(l, lesson)| {
                    let r = at[l]?.room?;
                    let cap = p.rooms[r].capacity?;
                    Some(i64::from(lesson.size.saturating_sub(cap)))
                })
                .sum(),
            RuleKind::Parallel { lessons } => {
                let starts: BTreeSet<Option<usize>> =
                    lessons.iter().map(|&l| at[l].map(|pl| pl.start)).collect();
                if starts.len() > 1 {
                    violations.push(Violation::NotParallel { rule: i });
                    cost.hard += 1;
                }
                0
            }
        };
        if count > 0 {
            if rule.weight == Weight::Hard {
                violations.push(Violation::Rule { rule: i, count });
            }
            cost += Cost::of(rule.weight, count);
        }
    }
    Report { violations, cost }
}

//! Why no valid timetable exists, in terms a censeur can act on: counts checked before the
//! search ("32 h of lessons for 30 free slots"), and after a search that could not clear
//! every clash, the people, classes and rules still in conflict.

use std::collections::BTreeMap;

use super::check::Violation;
use super::compiled::Compiled;
use super::model::{Problem, RuleKind, Weight, Who};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// More hours of lessons than slots the teacher or class can take.
    Overloaded {
        who: Who,
        hours: usize,
        available: usize,
    },
    /// Lessons that only some rooms may hold need more hours than those rooms have.
    RoomsOverloaded {
        rooms: Vec<usize>,
        hours: usize,
        available: usize,
    },
    /// A lesson that no room may hold.
    NoRoom {
        lesson: usize,
    },
    /// A lesson (or a parallel group) with no start at all: a double period where no two
    /// periods follow each other, or options whose grids do not meet.
    NoStart {
        lesson: usize,
    },
    /// Two locked lessons share a teacher, class or room at the same hour.
    LockedClash {
        a: usize,
        b: usize,
    },
    /// After the search: still clashing at the time limit.
    StillClashing {
        who: Who,
        hours: usize,
    },
    RoomStillClashing {
        room: usize,
        hours: usize,
    },
    /// After the search: a hard rule still broken.
    RuleBroken {
        rule: usize,
        count: i64,
    },
}

/// The counts that prove no valid timetable can exist. Empty does not prove one exists.
pub fn before(p: &Problem, c: &Compiled) -> Vec<Conflict> {
    let mut out = Vec::new();
    let g = &p.grid;
    let hard_off = |who: Who| -> Vec<bool> {
        let mut off: Vec<bool> = g.open.iter().map(|o| !o).collect();
        for rule in &p.rules {
            if let (RuleKind::Unavailable { who: w, slots }, Weight::Hard) =
                (&rule.kind, rule.weight)
                && *w == who
            {
                for &s in slots {
                    if s < off.len() {
                        off[s] = true;
                    }
                }
            }
        }
        off
    };
    let hard_max_per_day = |who: Who| -> Option<usize> {
        p.rules
            .iter()
            .filter_map(|r| match (&r.kind, r.weight) {
                (RuleKind::MaxPerDay { who: w, max }, Weight::Hard) if *w == who => Some(*max),
                _ => None,
            })
            .min()
    };
    let whos = (0..p.teachers.len())
        .map(Who::Teacher)
        .chain((0..p.sets.len()).map(Who::Set));
    for who in whos {
        let hours: usize = p.lessons_of(who).map(|l| p.lessons[l].duration).sum();
        if hours == 0 {
            continue;
        }
        let off = hard_off(who);
        let cap = hard_max_per_day(who).unwrap_or(usize::MAX);
        let available: usize = (0..g.days)
            .map(|d| {
                let free = (0..g.periods).filter(|&q| !off[d * g.periods + q]).count();
                free.min(cap)
            })
            .sum();
        if hours > available {
            out.push(Conflict::Overloaded {
                who,
                hours,
                available,
            });
        }
    }
    // Lessons bound to a narrower choice of rooms than all of them.
    let mut by_rooms: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for (l, lesson) in p.lessons.iter().enumerate() {
        if !lesson.needs_room || p.rooms.is_empty() {
            continue;
        }
        let cands = &c.candidates[l];
        if cands.is_empty() {
            out.push(Conflict::NoRoom { lesson: l });
        } else if cands.len() < p.rooms.len() {
            *by_rooms.entry(cands.clone()).or_default() += lesson.duration;
        }
    }
    let open = g.open.iter().filter(|o| **o).count();
    for (rooms, hours) in by_rooms {
        let available = rooms.len() * open;
        if hours > available {
            out.push(Conflict::RoomsOverloaded {
                rooms,
                hours,
                available,
            });
        }
    }
    for unit in &c.units {
        if unit.domain.is_empty() {
            out.push(Conflict::NoStart {
                lesson: unit.lessons[0],
            });
        }
    }
    let fixed: Vec<usize> = (0..p.lessons.len())
        .filter(|&l| p.lessons[l].fixed.is_some())
        .collect();
    for (i, &a) in fixed.iter().enumerate() {
        for &b in &fixed[i + 1..] {
            let (la, lb) = (&p.lessons[a], &p.lessons[b]);
            let (Some(fa), Some(fb)) = (la.fixed, lb.fixed) else {
                continue;
            };
            let overlap = fa.start < fb.start + lb.duration && fb.start < fa.start + la.duration;
            let shared = la.teachers.iter().any(|t| lb.teachers.contains(t))
                || la.sets.iter().any(|s| lb.sets.contains(s))
                || (fa.room.is_some() && fa.room == fb.room);
            if overlap && shared {
                out.push(Conflict::LockedClash { a, b });
            }
        }
    }
    out
}

/// What a timetable still breaks, grouped by teacher, class, room and rule.
pub fn after(violations: &[Violation]) -> Vec<Conflict> {
    let mut who_hours: BTreeMap<Who, usize> = BTreeMap::new();
    let mut room_hours: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for v in violations {
        match v {
            Violation::Overlap { who, .. } => *who_hours.entry(*who).or_default() += 1,
            Violation::RoomOverlap { room, .. } => *room_hours.entry(*room).or_default() += 1,
            Violation::Rule { rule, count } => out.push(Conflict::RuleBroken {
                rule: *rule,
                count: *count,
            }),
            Violation::Unplaced { lesson } | Violation::OffGrid { lesson } => {
                out.push(Conflict::NoStart { lesson: *lesson })
            }
            Violation::NoRoom { lesson } => out.push(Conflict::NoRoom { lesson: *lesson }),
            Violation::MovedLocked { .. } | Violation::NotParallel { .. } => {}
        }
    }
    let mut whos: Vec<(Who, usize)> = who_hours.into_iter().collect();
    whos.sort_by_key(|&(w, h)| (std::cmp::Reverse(h), w));
    out.extend(
        whos.into_iter()
            .map(|(who, hours)| Conflict::StillClashing { who, hours }),
    );
    out.extend(
        room_hours
            .into_iter()
            .map(|(room, hours)| Conflict::RoomStillClashing { room, hours }),
    );
    out
}

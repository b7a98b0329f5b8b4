//! The rules of a problem turned into tables the search reads in constant time: what each
//! lesson costs at each start and in each room, the rules of each teacher's and set's days,
//! and the lessons that move together.

use super::model::{Cost, Problem, RuleKind, Weight, Who};

#[derive(Clone, Copy, Debug)]
pub enum DayRule {
    MaxPerDay(usize),
    MaxInRow(usize),
    MaxGaps(usize),
    Isolated,
}

#[derive(Clone, Copy, Debug)]
pub enum CourseRule {
    Spread(usize),
    MinBetween(usize),
    Stability,
}

/// Lessons that start together (one, or the options of a parallel group), and where.
#[derive(Clone, Debug)]
pub struct Unit {
    pub lessons: Vec<usize>,
    pub duration: usize,
    /// Starts where every lesson fits the grid.
    pub domain: Vec<usize>,
    pub fixed: bool,
}

pub struct Compiled {
    pub slot_cost: Vec<Vec<Cost>>,
    /// Rooms a lesson may take (the hard `Rooms` rule narrows them).
    pub candidates: Vec<Vec<usize>>,
    pub room_cost: Vec<Vec<Cost>>,
    pub day_rules: Vec<Vec<(DayRule, crate::timetable::solver::model::Weight)>>,
    pub week_gaps: Vec<Vec<(usize, Weight)>>,
    /// Rules over groups of lessons: a group per course, then one per lesson list a rule
    /// names (FET's min days between activities).
    pub course_rules: Vec<Vec<(CourseRule, Weight)>>,
    pub course_lessons: Vec<Vec<usize>>,
    /// Per lesson, the groups it belongs to.
    pub lesson_groups: Vec<Vec<usize>>,
    pub units: Vec<Unit>,
    pub unit_of: Vec<usize>,
    /// Per set, the units it takes part in (for swaps within a class's week).
    pub set_units: Vec<Vec<usize>>,
}

impl Compiled {
    /// Index of a teacher or set in `day_rules` and `week_gaps`.
    pub fn who_index(p: &Problem, who: Who) -> usize {
        match who {
            Who::Teacher(t) => t,
            Who::Set(s) => p.teachers.len() + s,
        }
    }

    pub fn new(p: &Problem) -> Compiled {
        let g = &p.grid;
        let slots = g.slots();
        let nl = p.lessons.len();
        let whos = p.teachers.len() + p.sets.len();
        let mut slot_cost = vec![vec![Cost::ZERO; slots]; nl];
        let mut room_allowed: Vec<Option<Vec<usize>>> = vec![None; nl];
        let mut room_cost = vec![vec![Cost::ZERO; p.rooms.len()]; nl];
        let mut day_rules = vec![Vec::new(); whos];
        let mut week_gaps = vec![Vec::new(); whos];
        let mut course_rules = vec![Vec::new(); p.courses.len()];
        let mut course_lessons = vec![Vec::new(); p.courses.len()];
        for (i, l) in p.lessons.iter().enumerate() {
            course_lessons[l.course].push(i);
        }
        let mut parallel: Vec<Vec<usize>> = Vec::new();
        // The rooms a rule allows a lesson (intersected), or its soft preference.
        let lesson_rooms = |l: usize,
                            rooms: &[usize],
                            w: Weight,
                            allowed: &mut Vec<Option<Vec<usize>>>,
                            room_cost: &mut Vec<Vec<Cost>>| {
            if w == Weight::Hard {
                allowed[l] = Some(match allowed[l].take() {
                    Some(prev) => prev.into_iter().filter(|r| rooms.contains(r)).collect(),
                    None => rooms.to_vec(),
                });
            } else {
                for (r, cost) in room_cost[l].iter_mut().enumerate() {
                    if !rooms.contains(&r) {
                        *cost += Cost::of(w, 1);
                    }
                }
            }
        };
        let covers = |l: usize, start: usize, slots: &[bool]| {
            (0..p.lessons[l].duration).any(|i| slots.get(start + i).copied().unwrap_or(false))
        };
        let mask = |list: &[usize]| {
            let mut m = vec![false; slots];
            for &s in list {
                if s < slots {
                    m[s] = true;
                }
            }
            m
        };
        for rule in &p.rules {
            let w = rule.weight;
            match &rule.kind {
                RuleKind::Unavailable { who, slots: list } => {
                    let m = mask(list);
                    for l in p.lessons_of(*who) {
                        let d = p.lessons[l].duration;
                        for (start, cost) in slot_cost[l].iter_mut().enumerate() {
                            let n = (0..d)
                                .filter(|i| m.get(start + i).copied().unwrap_or(false))
                                .count();
                            *cost += Cost::of(w, n as i64);
                        }
                    }
                }
                RuleKind::CourseNotIn {
                    course,
                    slots: list,
                } => {
                    let m = mask(list);
                    for &l in &course_lessons[*course] {
                        for (start, cost) in slot_cost[l].iter_mut().enumerate() {
                            if covers(l, start, &m) {
                                *cost += Cost::of(w, 1);
                            }
                        }
                    }
                }
                RuleKind::MaxPerDay { who, max } => {
                    day_rules[Self::who_index(p, *who)].push((DayRule::MaxPerDay(*max), w))
                }
                RuleKind::MaxInRow { who, max } => {
                    day_rules[Self::who_index(p, *who)].push((DayRule::MaxInRow(*max), w))
                }
                RuleKind::MaxGapsPerDay { who, max } => {
                    day_rules[Self::who_index(p, *who)].push((DayRule::MaxGaps(*max), w))
                }
                RuleKind::MaxGapsPerWeek { who, max } => {
                    week_gaps[Self::who_index(p, *who)].push((*max, w))
                }
                RuleKind::Isolated { set } => {
                    day_rules[Self::who_index(p, Who::Set(*set))].push((DayRule::Isolated, w))
                }
                RuleKind::SpreadDays { course, min_days } => {
                    course_rules[*course].push((CourseRule::Spread(*min_days), w))
                }
                RuleKind::MinDaysBetween { course, days } => {
                    course_rules[*course].push((CourseRule::MinBetween(*days), w))
                }
                RuleKind::RoomStability { course } => {
                    course_rules[*course].push((CourseRule::Stability, w))
                }
                RuleKind::Rooms { course, rooms } => {
                    for &l in &course_lessons[*course] {
                        lesson_rooms(l, rooms, w, &mut room_allowed, &mut room_cost);
                    }
                }
                RuleKind::RoomCapacity => {
                    for (l, lesson) in p.lessons.iter().enumerate() {
                        for (r, room) in p.rooms.iter().enumerate() {
                            if let Some(cap) = room.capacity
                                && lesson.size > cap
                            {
                                room_cost[l][r] += Cost::of(w, i64::from(lesson.size - cap));
                            }
                        }
                    }
                }
                RuleKind::Parallel { lessons } => parallel.push(lessons.clone()),
                RuleKind::MinDaysBetweenLessons { lessons, days } => {
                    course_lessons.push(lessons.iter().copied().filter(|&l| l < nl).collect());
                    course_rules.push(vec![(CourseRule::MinBetween(*days), w)]);
                }
                RuleKind::LessonStarts { lessons, starts } => {
                    let m = mask(starts);
                    for &l in lessons.iter().filter(|&&l| l < nl) {
                        for (start, cost) in slot_cost[l].iter_mut().enumerate() {
                            if !m[start] {
                                *cost += Cost::of(w, 1);
                            }
                        }
                    }
                }
                RuleKind::LessonsWithin {
                    lessons,
                    slots: list,
                } => {
                    let m = mask(list);
                    for &l in lessons.iter().filter(|&&l| l < nl) {
                        let d = p.lessons[l].duration;
                        for (start, cost) in slot_cost[l].iter_mut().enumerate() {
                            let out = (0..d)
                                .filter(|i| !m.get(start + i).copied().unwrap_or(false))
                                .count();
                            *cost += Cost::of(w, out as i64);
                        }
                    }
                }
                RuleKind::LessonRooms { lessons, rooms } => {
                    for &l in lessons.iter().filter(|&&l| l < nl) {
                        lesson_rooms(l, rooms, w, &mut room_allowed, &mut room_cost);
                    }
                }
            }
        }
        let candidates = (0..nl)
            .map(|l| {
                if !p.lessons[l].needs_room {
                    return Vec::new();
                }
                match &room_allowed[l] {
                    Some(list) => list.clone(),
                    None => (0..p.rooms.len()).collect(),
                }
            })
            .collect();

        // Units: parallel groups join; a lesson in two groups joins both (union-find).
        let mut parent: Vec<usize> = (0..nl).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for group in &parallel {
            for pair in group.windows(2) {
                let (a, b) = (root(&mut parent, pair[0]), root(&mut parent, pair[1]));
                parent[a] = b;
            }
        }
        let mut units: Vec<Unit> = Vec::new();
        let mut unit_of = vec![usize::MAX; nl];
        let mut by_root = std::collections::HashMap::new();
        for (l, unit_of_l) in unit_of.iter_mut().enumerate() {
            let r = root(&mut parent, l);
            let u = *by_root.entry(r).or_insert_with(|| {
                units.push(Unit {
                    lessons: Vec::new(),
                    duration: 0,
                    domain: Vec::new(),
                    fixed: false,
                });
                units.len() - 1
            });
            units[u].lessons.push(l);
            *unit_of_l = u;
        }
        for unit in &mut units {
            unit.duration = unit
                .lessons
                .iter()
                .map(|&l| p.lessons[l].duration)
                .max()
                .unwrap_or(1);
            let fixed = unit.lessons.iter().find_map(|&l| p.lessons[l].fixed);
            unit.fixed = fixed.is_some();
            unit.domain = match fixed {
                Some(f) => vec![f.start],
                // Starts where every lesson fits the grid and breaks no required rule of its
                // own (a teacher's time off, a subject's forbidden hours, allowed starts):
                // the search never wastes a move there.
                None => (0..slots)
                    .filter(|&s| {
                        unit.lessons
                            .iter()
                            .all(|&l| g.fits(s, p.lessons[l].duration) && slot_cost[l][s].hard == 0)
                    })
                    .collect(),
            };
        }
        let mut set_units = vec![Vec::new(); p.sets.len()];
        for (u, unit) in units.iter().enumerate() {
            for &l in &unit.lessons {
                for &s in &p.lessons[l].sets {
                    if !set_units[s].contains(&u) {
                        set_units[s].push(u);
                    }
                }
            }
        }
        let mut lesson_groups = vec![Vec::new(); nl];
        for (g, lessons) in course_lessons.iter().enumerate() {
            for &l in lessons {
                if !lesson_groups[l].contains(&g) {
                    lesson_groups[l].push(g);
                }
            }
        }
        Compiled {
            lesson_groups,
            slot_cost,
            candidates,
            room_cost,
            day_rules,
            week_gaps,
            course_rules,
            course_lessons,
            units,
            unit_of,
            set_units,
        }
    }
}

/// The cost of one day of a teacher or set, given which of its periods are taken (with how
/// many lessons), and the gaps of that day for the week's count.
pub fn day_cost(
    rules: &[(DayRule, Weight)],
    occ: &[u16],
    open: &[bool],
    joined: &[bool],
) -> (Cost, usize) {
    let first = occ.iter().position(|&o| o > 0);
    let Some(first) = first else {
        return (Cost::ZERO, 0);
    };
    let last = occ.iter().rposition(|&o| o > 0).unwrap_or(first);
    let gaps = (first..=last).filter(|&p| occ[p] == 0 && open[p]).count();
    let mut cost = Cost::ZERO;
    for &(rule, w) in rules {
        let violations = match rule {
            DayRule::MaxPerDay(max) => {
                let n = occ.iter().filter(|&&o| o > 0).count();
                n.saturating_sub(max)
            }
            DayRule::MaxInRow(max) => {
                let mut over = 0;
                let mut run = 0;
                for p in 0..occ.len() {
                    if occ[p] > 0 {
                        run += 1;
                        if run > max {
                            over += 1;
                        }
                    } else {
                        run = 0;
                    }
                    if !joined[p] {
                        run = 0;
                    }
                }
                over
            }
            DayRule::MaxGaps(max) => gaps.saturating_sub(max),
            DayRule::Isolated => (0..occ.len())
                .filter(|&p| {
                    occ[p] > 0
                        && (p == 0 || occ[p - 1] == 0)
                        && (p + 1 == occ.len() || occ[p + 1] == 0)
                })
                .map(|p| occ[p] as usize)
                .sum(),
        };
        cost += Cost::of(w, violations as i64);
    }
    (cost, gaps)
}

pub fn course_cost(rules: &[(CourseRule, Weight)], placed: &[(usize, Option<usize>)]) -> Cost {
    let mut cost = Cost::ZERO;
    for &(rule, w) in rules {
        let violations = match rule {
            CourseRule::Spread(min) => {
                let mut days: Vec<usize> = placed.iter().map(|&(d, _)| d).collect();
                days.sort_unstable();
                days.dedup();
                min.saturating_sub(days.len())
            }
            CourseRule::MinBetween(gap) => {
                let mut n = 0;
                for i in 0..placed.len() {
                    for j in i + 1..placed.len() {
                        if placed[i].0.abs_diff(placed[j].0) < gap {
                            n += 1;
                        }
                    }
                }
                n
            }
            CourseRule::Stability => {
                let mut rooms: Vec<usize> = placed.iter().filter_map(|&(_, r)| r).collect();
                rooms.sort_unstable();
                rooms.dedup();
                rooms.len().saturating_sub(1)
            }
        };
        cost += Cost::of(w, violations as i64);
    }
    cost
}

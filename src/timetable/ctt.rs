//! The ITC-2007 curriculum-based course timetabling format (`.ctt`, Track 3 of the second
//! International Timetabling Competition: Di Gaspero, McCollum, Schaerf, "The Second
//! International Timetabling Competition (ITC-2007): Curriculum-based Course Timetabling
//! (Track 3)", technical report QUB/IEEE/Tech/ITC2007/CurriculumCTT/v1.0, 2007): reading an
//! instance, turning it into a solver `Problem`, and the published evaluation of a solution.
//!
//! The evaluation is written from the report's definitions, apart from the solver, so that
//! it can judge the solver's output.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::solver::{Course, Grid, Lesson, Placement, Problem, Room, Rule, RuleKind, Weight};

/// Bounds on a file's counts: a hostile file cannot make us allocate without end.
const MAX_ITEMS: usize = 20_000;
const MAX_SLOTS: usize = 1_000;

#[derive(Clone, Debug)]
pub struct CttCourse {
    pub id: String,
    pub teacher: String,
    pub lectures: usize,
    pub min_days: usize,
    pub students: u32,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    pub days: usize,
    pub periods: usize,
    pub courses: Vec<CttCourse>,
    pub rooms: Vec<(String, u32)>,
    pub curricula: Vec<(String, Vec<usize>)>,
    /// (course, day, period) where the course cannot be taught.
    pub unavailable: Vec<(usize, usize, usize)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CttError {
    #[error("line {line}: {what}")]
    Syntax { line: usize, what: String },
    #[error("too large: {0}")]
    TooLarge(&'static str),
}

fn syntax(line: usize, what: impl Into<String>) -> CttError {
    CttError::Syntax {
        line,
        what: what.into(),
    }
}

pub fn parse(text: &str) -> Result<Instance, CttError> {
    let mut header: HashMap<String, String> = HashMap::new();
    let mut section = String::new();
    let mut inst = Instance {
        name: String::new(),
        days: 0,
        periods: 0,
        courses: Vec::new(),
        rooms: Vec::new(),
        curricula: Vec::new(),
        unavailable: Vec::new(),
    };
    let mut course_index: HashMap<String, usize> = HashMap::new();
    let number = |line: usize, s: &str| -> Result<usize, CttError> {
        s.parse::<usize>()
            .map_err(|_| syntax(line, format!("not a number: {s}")))
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        if l == "END." {
            break;
        }
        if l.ends_with(':') && !l.contains(' ') {
            section = l.trim_end_matches(':').to_ascii_uppercase();
            continue;
        }
        if section.is_empty() {
            let (k, v) = l
                .split_once(':')
                .ok_or_else(|| syntax(line, "expected `Key: value`"))?;
            header.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            continue;
        }
        let f: Vec<&str> = l.split_whitespace().collect();
        match section.as_str() {
            "COURSES" => {
                if f.len() != 5 {
                    return Err(syntax(line, "a course has 5 fields"));
                }
                if inst.courses.len() >= MAX_ITEMS {
                    return Err(CttError::TooLarge("courses"));
                }
                let lectures = number(line, f[2])?;
                if lectures > MAX_SLOTS {
                    return Err(CttError::TooLarge("lectures of a course"));
                }
                course_index.insert(f[0].to_string(), inst.courses.len());
                inst.courses.push(CttCourse {
                    id: f[0].to_string(),
                    teacher: f[1].to_string(),
                    lectures,
                    min_days: number(line, f[3])?,
                    students: number(line, f[4])? as u32,
                });
            }
            "ROOMS" => {
                if f.len() != 2 {
                    return Err(syntax(line, "a room has 2 fields"));
                }
                if inst.rooms.len() >= MAX_ITEMS {
                    return Err(CttError::TooLarge("rooms"));
                }
                inst.rooms
                    .push((f[0].to_string(), number(line, f[1])? as u32));
            }
            "CURRICULA" => {
                if f.len() < 2 {
                    return Err(syntax(line, "a curriculum has an id and a count"));
                }
                let n = number(line, f[1])?;
                if f.len() != n + 2 {
                    return Err(syntax(
                        line,
                        "the curriculum's count does not match its courses",
                    ));
                }
                if inst.curricula.len() >= MAX_ITEMS {
                    return Err(CttError::TooLarge("curricula"));
                }
                let members = f[2..]
                    .iter()
                    .map(|c| {
                        course_index
                            .get(*c)
                            .copied()
                            .ok_or_else(|| syntax(line, format!("unknown course {c}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                inst.curricula.push((f[0].to_string(), members));
            }
            "UNAVAILABILITY_CONSTRAINTS" => {
                if f.len() != 3 {
                    return Err(syntax(line, "a constraint has 3 fields"));
                }
                let c = course_index
                    .get(f[0])
                    .copied()
                    .ok_or_else(|| syntax(line, format!("unknown course {}", f[0])))?;
                if inst.unavailable.len() >= MAX_ITEMS * 10 {
                    return Err(CttError::TooLarge("constraints"));
                }
                inst.unavailable
                    .push((c, number(line, f[1])?, number(line, f[2])?));
            }
            other => return Err(syntax(line, format!("unknown section {other}"))),
        }
    }
    let get = |k: &str| -> Result<usize, CttError> {
        header
            .get(k)
            .ok_or_else(|| syntax(0, format!("missing header {k}")))?
            .parse()
            .map_err(|_| syntax(0, format!("header {k} is not a number")))
    };
    inst.name = header.get("name").cloned().unwrap_or_default();
    inst.days = get("days")?;
    inst.periods = get("periods_per_day")?;
    if inst.days == 0 || inst.periods == 0 || inst.days * inst.periods > MAX_SLOTS {
        return Err(CttError::TooLarge("days × periods"));
    }
    if get("courses")? != inst.courses.len() || get("rooms")? != inst.rooms.len() {
        return Err(syntax(0, "the header's counts do not match the sections"));
    }
    for &(_, d, p) in &inst.unavailable {
        if d >= inst.days || p >= inst.periods {
            return Err(syntax(0, "an unavailability outside the week"));
        }
    }
    Ok(inst)
}

/// The problem with the competition's hard rules and weights: RoomCapacity ×1,
/// MinimumWorkingDays ×5, CurriculumCompactness ×2, RoomStability ×1. Lessons are the
/// lectures, course by course, in order.
pub fn to_problem(inst: &Instance) -> Problem {
    let mut lessons = Vec::new();
    let mut rules = Vec::new();
    for (c, course) in inst.courses.iter().enumerate() {
        let sets: Vec<usize> = inst
            .curricula
            .iter()
            .enumerate()
            .filter(|(_, (_, m))| m.contains(&c))
            .map(|(i, _)| i)
            .collect();
        for _ in 0..course.lectures {
            lessons.push(Lesson {
                course: c,
                sets: sets.clone(),
                teachers: vec![teacher_index(inst, &course.teacher)],
                duration: 1,
                size: course.students,
                needs_room: true,
                fixed: None,
            });
        }
        rules.push(Rule {
            kind: RuleKind::SpreadDays {
                course: c,
                min_days: course.min_days,
            },
            weight: Weight::Soft(5),
        });
        rules.push(Rule {
            kind: RuleKind::RoomStability { course: c },
            weight: Weight::Soft(1),
        });
        let slots: Vec<usize> = inst
            .unavailable
            .iter()
            .filter(|u| u.0 == c)
            .map(|&(_, d, p)| d * inst.periods + p)
            .collect();
        if !slots.is_empty() {
            rules.push(Rule {
                kind: RuleKind::CourseNotIn { course: c, slots },
                weight: Weight::Hard,
            });
        }
    }
    for s in 0..inst.curricula.len() {
        rules.push(Rule {
            kind: RuleKind::Isolated { set: s },
            weight: Weight::Soft(2),
        });
    }
    rules.push(Rule {
        kind: RuleKind::RoomCapacity,
        weight: Weight::Soft(1),
    });
    let mut grid = Grid::new(inst.days, inst.periods);
    grid.joined = vec![true; inst.periods];
    Problem {
        grid,
        sets: inst.curricula.iter().map(|(n, _)| n.clone()).collect(),
        teachers: teachers(inst),
        rooms: inst
            .rooms
            .iter()
            .map(|(n, c)| Room {
                name: n.clone(),
                capacity: Some(*c),
            })
            .collect(),
        courses: inst
            .courses
            .iter()
            .map(|c| Course { name: c.id.clone() })
            .collect(),
        lessons,
        rules,
    }
}

fn teachers(inst: &Instance) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for c in &inst.courses {
        if !seen.contains(&c.teacher) {
            seen.push(c.teacher.clone());
        }
    }
    seen
}

fn teacher_index(inst: &Instance, name: &str) -> usize {
    teachers(inst).iter().position(|t| t == name).unwrap_or(0)
}

/// One line of a solution: course, room, day, period (0-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub course: usize,
    pub room: usize,
    pub day: usize,
    pub period: usize,
}

/// The solver's placements as the competition's lines.
pub fn assignments(inst: &Instance, p: &Problem, at: &[Option<Placement>]) -> Vec<Assignment> {
    p.lessons
        .iter()
        .zip(at)
        .filter_map(|(l, pl)| {
            let pl = (*pl)?;
            Some(Assignment {
                course: l.course,
                room: pl.room?,
                day: pl.start / inst.periods,
                period: pl.start % inst.periods,
            })
        })
        .collect()
}

pub fn write(inst: &Instance, lines: &[Assignment]) -> String {
    let mut out = String::new();
    for a in lines {
        out.push_str(&format!(
            "{} {} {} {}\n",
            inst.courses[a.course].id, inst.rooms[a.room].0, a.day, a.period
        ));
    }
    out
}

/// The published evaluation: hard violations by kind, and the four soft costs with their
/// weights applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub lectures: usize,
    pub room_occupancy: usize,
    pub conflicts: usize,
    pub availability: usize,
    pub room_capacity: usize,
    pub min_working_days: usize,
    pub curriculum_compactness: usize,
    pub room_stability: usize,
}

impl Evaluation {
    pub fn hard(&self) -> usize {
        self.lectures + self.room_occupancy + self.conflicts + self.availability
    }

    pub fn soft(&self) -> usize {
        self.room_capacity
            + self.min_working_days
            + self.curriculum_compactness
            + self.room_stability
    }
}

pub fn evaluate(inst: &Instance, lines: &[Assignment]) -> Evaluation {
    let mut e = Evaluation::default();
    // Lectures: each course has exactly its number of lectures.
    let mut per_course = vec![0usize; inst.courses.len()];
    for a in lines {
        per_course[a.course] += 1;
    }
    for (c, course) in inst.courses.iter().enumerate() {
        e.lectures += per_course[c].abs_diff(course.lectures);
    }
    // Room occupancy: two lectures in one room at one time.
    let mut rooms: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
    for a in lines {
        *rooms.entry((a.room, a.day, a.period)).or_default() += 1;
    }
    e.room_occupancy = rooms.values().map(|n| n - 1).sum();
    // Conflicts: lectures of one course, of one teacher or of one curriculum at one time,
    // counted per pair.
    for (i, a) in lines.iter().enumerate() {
        for b in &lines[i + 1..] {
            if (a.day, a.period) != (b.day, b.period) {
                continue;
            }
            let (ca, cb) = (&inst.courses[a.course], &inst.courses[b.course]);
            let same_curriculum = inst
                .curricula
                .iter()
                .any(|(_, m)| m.contains(&a.course) && m.contains(&b.course));
            if a.course == b.course || ca.teacher == cb.teacher || same_curriculum {
                e.conflicts += 1;
            }
        }
    }
    // Availability.
    e.availability = lines
        .iter()
        .filter(|a| inst.unavailable.contains(&(a.course, a.day, a.period)))
        .count();
    // RoomCapacity ×1: each student over the room's capacity.
    e.room_capacity = lines
        .iter()
        .map(|a| {
            inst.courses[a.course]
                .students
                .saturating_sub(inst.rooms[a.room].1) as usize
        })
        .sum();
    // MinimumWorkingDays ×5: each day short of the course's minimum.
    for (c, course) in inst.courses.iter().enumerate() {
        let days: BTreeSet<usize> = lines
            .iter()
            .filter(|a| a.course == c)
            .map(|a| a.day)
            .collect();
        e.min_working_days += 5 * course.min_days.saturating_sub(days.len());
    }
    // CurriculumCompactness ×2: a lecture with no lecture of its curriculum in the period
    // before or after, the same day.
    for (_, members) in &inst.curricula {
        let mine: Vec<&Assignment> = lines
            .iter()
            .filter(|a| members.contains(&a.course))
            .collect();
        let at = |d: usize, p: usize| mine.iter().any(|a| a.day == d && a.period == p);
        for a in &mine {
            let before = a.period > 0 && at(a.day, a.period - 1);
            let after = at(a.day, a.period + 1);
            if !before && !after {
                e.curriculum_compactness += 2;
            }
        }
    }
    // RoomStability ×1: each room beyond the first a course uses.
    for c in 0..inst.courses.len() {
        let used: BTreeSet<usize> = lines
            .iter()
            .filter(|a| a.course == c)
            .map(|a| a.room)
            .collect();
        e.room_stability += used.len().saturating_sub(1);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small example of the Track 3 description.
    pub const TOY: &str = "Name: Toy
Courses: 4
Rooms: 3
Days: 5
Periods_per_day: 4
Curricula: 2
Constraints: 8

COURSES:
SceCosC Ocra 3 3 30
ArcTec Indaco 3 2 42
TecCos Rosa 5 4 40
Geotec Scarlatti 5 4 18

ROOMS:
A 32
B 50
C 40

CURRICULA:
Cur1 3 SceCosC ArcTec TecCos
Cur2 2 TecCos Geotec

UNAVAILABILITY_CONSTRAINTS:
TecCos 2 0
TecCos 2 1
TecCos 3 2
TecCos 3 3
ArcTec 4 0
ArcTec 4 1
ArcTec 4 2
ArcTec 4 3

END.
";

    fn line(inst: &Instance, course: &str, room: &str, day: usize, period: usize) -> Assignment {
        Assignment {
            course: inst.courses.iter().position(|c| c.id == course).unwrap(),
            room: inst.rooms.iter().position(|r| r.0 == room).unwrap(),
            day,
            period,
        }
    }

    #[test]
    fn the_toy_instance_reads() {
        let inst = parse(TOY).unwrap();
        assert_eq!((inst.days, inst.periods), (5, 4));
        assert_eq!(inst.courses.len(), 4);
        assert_eq!(inst.courses[2].lectures, 5);
        assert_eq!(inst.curricula[1].1, vec![2, 3]);
        assert_eq!(inst.unavailable.len(), 8);
    }

    #[test]
    fn the_toy_evaluation_is_the_one_counted_by_hand() {
        let inst = parse(TOY).unwrap();
        // A timetable written by hand:
        let l = |c, r, d, p| line(&inst, c, r, d, p);
        let lines = vec![
            // SceCosC (30 students, 3 lectures over ≥ 3 days): days 0, 1 and 1 → 2 days.
            l("SceCosC", "A", 0, 0),
            l("SceCosC", "A", 1, 0),
            l("SceCosC", "C", 1, 1),
            // ArcTec (42 students, 2 days): room A (32) twice → 10 + 10 over capacity.
            l("ArcTec", "A", 0, 1),
            l("ArcTec", "A", 2, 0),
            l("ArcTec", "B", 3, 0),
            // TecCos (40, 5 lectures over ≥ 4 days): days 0, 1, 4, 4, 4 → 3 days.
            l("TecCos", "C", 0, 2),
            l("TecCos", "C", 1, 2),
            l("TecCos", "C", 4, 0),
            l("TecCos", "C", 4, 1),
            l("TecCos", "B", 4, 2),
            // Geotec (18, 5 over ≥ 4 days): days 0..=4 → fine.
            l("Geotec", "B", 0, 3),
            l("Geotec", "B", 1, 3),
            l("Geotec", "B", 2, 3),
            l("Geotec", "B", 3, 3),
            l("Geotec", "B", 4, 3),
        ];
        let e = evaluate(&inst, &lines);
        assert_eq!(e.hard(), 0, "{e:?}");
        // RoomCapacity: ArcTec in A twice: (42 - 32) × 2 = 20; TecCos (40) in C (40), B (50):
        // 0; SceCosC (30) in A (32), C: 0. Total 20.
        assert_eq!(e.room_capacity, 20);
        // MinimumWorkingDays: SceCosC 3 − 2 = 1, TecCos 4 − 3 = 1: 2 days × 5 = 10.
        assert_eq!(e.min_working_days, 10);
        // CurriculumCompactness, Cur1 (SceCosC, ArcTec, TecCos):
        //   day 0: periods 0, 1, 2: none isolated; day 1: 0, 1, 2: none;
        //   day 2: ArcTec 0 alone → 1; day 3: ArcTec 0 alone → 1; day 4: TecCos 0, 1, 2: none.
        // Cur2 (TecCos, Geotec):
        //   day 0: TecCos 2, Geotec 3: adjacent; day 1: 2, 3: adjacent;
        //   day 2: Geotec 3 alone → 1; day 3: Geotec 3 alone → 1; day 4: 0, 1, 2, 3: none.
        // 4 isolated lectures × 2 = 8.
        assert_eq!(e.curriculum_compactness, 8);
        // RoomStability: SceCosC A, C → 1; ArcTec A, B → 1; TecCos C, B → 1; Geotec B → 0.
        assert_eq!(e.room_stability, 3);
        assert_eq!(e.soft(), 20 + 10 + 8 + 3);
    }

    #[test]
    fn the_evaluation_counts_hard_violations() {
        let inst = parse(TOY).unwrap();
        let l = |c, r, d, p| line(&inst, c, r, d, p);
        let lines = vec![
            l("SceCosC", "A", 0, 0),
            l("ArcTec", "A", 0, 0), // same room, same curriculum
            l("TecCos", "B", 2, 0), // TecCos is unavailable on day 2, period 0
        ];
        let e = evaluate(&inst, &lines);
        assert_eq!(e.room_occupancy, 1);
        assert_eq!(e.conflicts, 1);
        assert_eq!(e.availability, 1);
        // Missing: SceCosC 2, ArcTec 2, TecCos 4, Geotec 5.
        assert_eq!(e.lectures, 13);
    }

    #[test]
    fn the_solver_solves_the_toy_and_agrees_with_the_evaluation() {
        let inst = parse(TOY).unwrap();
        let p = to_problem(&inst);
        let opts = crate::timetable::solver::Options {
            seed: 5,
            time_limit: std::time::Duration::from_secs(10),
            max_iterations: Some(200_000),
        };
        let solved = crate::timetable::solver::solve(&p, &opts, None, &mut |_| true).unwrap();
        let lines = assignments(&inst, &p, &solved.placements);
        let e = evaluate(&inst, &lines);
        assert_eq!(e.hard(), 0, "{e:?}");
        assert_eq!(e.soft() as i64, solved.cost.soft, "{e:?}");
        // The toy's best known cost is small; ours must be near it.
        assert!(e.soft() <= 10, "{e:?}");
    }

    #[test]
    fn hostile_files_are_refused() {
        assert!(parse("Days: 100000\nPeriods_per_day: 1000\nCourses: 0\nRooms: 0\n").is_err());
        assert!(parse("COURSES:\nX T 99999999 1 1\n").is_err());
        assert!(parse("garbage").is_err());
    }
}

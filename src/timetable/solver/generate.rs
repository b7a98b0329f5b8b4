//! School-shaped problems of any size, for tests and benchmarks: a Togolese week (five
//! morning periods, two afternoon ones, Wednesday and Saturday afternoons free), classes
//! with their subjects' weekly hours, teachers sharing classes, labs and a sports ground.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::model::{Course, Grid, Lesson, Problem, Room, Rule, RuleKind, Weight, Who};

pub const DAYS: usize = 6;
pub const PERIODS: usize = 7;

/// The Togolese week grid: Monday to Saturday, 7:00–12:00 in five periods, 15:00–17:00 in
/// two, Wednesday and Saturday afternoons free.
pub fn school_grid() -> Grid {
    let mut grid = Grid::new(DAYS, PERIODS);
    for d in [2, 5] {
        for q in 5..PERIODS {
            grid.open[d * PERIODS + q] = false;
        }
    }
    grid.joined[4] = false;
    grid
}

/// (subject, weekly hours, double periods, needs a lab, sports).
const SUBJECTS: &[(&str, usize, usize, bool, bool)] = &[
    ("Mathématiques", 5, 1, false, false),
    ("Français", 5, 1, false, false),
    ("Anglais", 3, 0, false, false),
    ("Histoire-Géographie", 3, 0, false, false),
    ("Physique-Chimie", 3, 1, true, false),
    ("SVT", 2, 0, true, false),
    ("EPS", 2, 1, false, true),
    ("Allemand", 2, 0, false, false),
    ("ECM", 1, 0, false, false),
];

/// A school of `classes` classes; teachers take about 18 hours each.
pub fn school(classes: usize, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let grid = school_grid();
    let mut p = Problem {
        grid,
        sets: Vec::new(),
        teachers: Vec::new(),
        rooms: Vec::new(),
        courses: Vec::new(),
        lessons: Vec::new(),
        rules: Vec::new(),
    };
    for c in 0..classes {
        p.sets.push(format!("Classe {}", c + 1));
        p.rooms.push(Room {
            name: format!("Salle {}", c + 1),
            capacity: Some(60),
        });
    }
    let labs: Vec<usize> = (0..classes.div_ceil(6).max(1))
        .map(|i| {
            p.rooms.push(Room {
                name: format!("Labo {}", i + 1),
                capacity: Some(60),
            });
            p.rooms.len() - 1
        })
        .collect();
    let grounds: Vec<usize> = (0..classes.div_ceil(10).max(1))
        .map(|i| {
            p.rooms.push(Room {
                name: format!("Terrain {}", i + 1),
                capacity: None,
            });
            p.rooms.len() - 1
        })
        .collect();
    // Each subject's teachers take classes in turn until about 18 hours.
    for &(subject, hours, doubles, lab, sports) in SUBJECTS {
        let per_teacher = (18 / hours).max(1);
        let mut teacher = usize::MAX;
        for c in 0..classes {
            if c % per_teacher == 0 {
                p.teachers
                    .push(format!("{subject} {}", c / per_teacher + 1));
                teacher = p.teachers.len() - 1;
            }
            let course = p.courses.len();
            p.courses.push(Course {
                name: format!("{subject} · Classe {}", c + 1),
            });
            let mut left = hours;
            for _ in 0..doubles {
                if left >= 2 {
                    p.lessons.push(lesson(course, c, teacher, 2));
                    left -= 2;
                }
            }
            for _ in 0..left {
                p.lessons.push(lesson(course, c, teacher, 1));
            }
            let rooms = if lab {
                labs.clone()
            } else if sports {
                grounds.clone()
            } else {
                vec![c]
            };
            p.rules.push(Rule {
                kind: RuleKind::Rooms { course, rooms },
                weight: Weight::Hard,
            });
            p.rules.push(Rule {
                kind: RuleKind::MinDaysBetween { course, days: 1 },
                weight: Weight::Soft(5),
            });
            if sports {
                // Not in the hot afternoon.
                let afternoons = (0..DAYS).flat_map(|d| (5..PERIODS).map(move |q| d * PERIODS + q));
                p.rules.push(Rule {
                    kind: RuleKind::CourseNotIn {
                        course,
                        slots: afternoons.collect(),
                    },
                    weight: Weight::Soft(3),
                });
            }
        }
    }
    for s in 0..p.sets.len() {
        p.rules.push(Rule {
            kind: RuleKind::MaxGapsPerDay {
                who: Who::Set(s),
                max: 0,
            },
            weight: Weight::Soft(10),
        });
        p.rules.push(Rule {
            kind: RuleKind::MaxPerDay {
                who: Who::Set(s),
                max: 7,
            },
            weight: Weight::Hard,
        });
    }
    for t in 0..p.teachers.len() {
        p.rules.push(Rule {
            kind: RuleKind::MaxGapsPerDay {
                who: Who::Teacher(t),
                max: 2,
            },
            weight: Weight::Soft(1),
        });
        p.rules.push(Rule {
            kind: RuleKind::MaxPerDay {
                who: Who::Teacher(t),
                max: 6,
            },
            weight: Weight::Hard,
        });
        // A teacher in three is away one half-day.
        if rng.random_range(0..3) == 0 {
            let d = rng.random_range(0..DAYS);
            p.rules.push(Rule {
                kind: RuleKind::Unavailable {
                    who: Who::Teacher(t),
                    slots: (0..5).map(|q| d * PERIODS + q).collect(),
                },
                weight: Weight::Hard,
            });
        }
    }
    p
}

fn lesson(course: usize, class: usize, teacher: usize, duration: usize) -> Lesson {
    Lesson {
        course,
        sets: vec![class],
        teachers: vec![teacher],
        duration,
        size: 45,
        needs_room: true,
        fixed: None,
    }
}

//! What the solver is given: a week grid, the people and rooms, the lessons to place and
//! the rules, each hard or soft with a weight. Nothing here knows about schools' records:
//! the timetable feature builds a `Problem` from them, and `.ctt`/`.fet` readers from files.

use std::ops::{Add, AddAssign, Sub};

/// How much breaking a rule costs: a hard rule is never broken in a timetable that can be
/// published; a soft one costs its weight per violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Hard,
    Soft(u32),
}

/// A teacher or a set of students (a class, or the part of a class that follows an option).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    Teacher(usize),
    Set(usize),
}

/// The week: `days` × `periods`; a slot is `day * periods + period`.
#[derive(Clone, Debug)]
pub struct Grid {
    pub days: usize,
    pub periods: usize,
    /// Per slot: lessons may take place (false for free half-days and closed hours).
    pub open: Vec<bool>,
    /// Per period: period p and p + 1 follow each other (a double period may span them;
    /// false across the midday break).
    pub joined: Vec<bool>,
}

impl Grid {
    pub fn new(days: usize, periods: usize) -> Grid {
        Grid {
            days,
            periods,
            open: vec![true; days * periods],
            joined: vec![true; periods],
        }
    }

    pub fn slots(&self) -> usize {
        self.days * self.periods
    }

    pub fn day(&self, slot: usize) -> usize {
        slot / self.periods
    }

    pub fn period(&self, slot: usize) -> usize {
        slot % self.periods
    }

    /// A lesson of `duration` periods may start at `start`: its periods are open, on one
    /// day, and follow each other.
    pub fn fits(&self, start: usize, duration: usize) -> bool {
        let p = self.period(start);
        duration >= 1
            && p + duration <= self.periods
            && (0..duration).all(|i| self.open[start + i])
            && (0..duration - 1).all(|i| self.joined[p + i])
    }
}

#[derive(Clone, Debug)]
pub struct Room {
    pub name: String,
    pub capacity: Option<u32>,
}

/// Where and when a lesson takes place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub start: usize,
    pub room: Option<usize>,
}

/// One lesson to place: one or more consecutive periods of a course.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub course: usize,
    pub sets: Vec<usize>,
    pub teachers: Vec<usize>,
    pub duration: usize,
    /// Students attending, for rooms' capacity.
    pub size: u32,
    pub needs_room: bool,
    /// A locked lesson: placed there, never moved.
    pub fixed: Option<Placement>,
}

/// A subject taught to a class (or a university course): the lessons that share its rules.
#[derive(Clone, Debug)]
pub struct Course {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// The teacher or set cannot have lessons in these slots.
    Unavailable {
        who: Who,
        slots: Vec<usize>,
    },
    /// The course's lessons cannot take place in these slots (PE not in the hot afternoon).
    CourseNotIn {
        course: usize,
        slots: Vec<usize>,
    },
    MaxPerDay {
        who: Who,
        max: usize,
    },
    MaxInRow {
        who: Who,
        max: usize,
    },
    MaxGapsPerDay {
        who: Who,
        max: usize,
    },
    MaxGapsPerWeek {
        who: Who,
        max: usize,
    },
    /// Each lesson with no lesson of the same set just before or after it, that day, costs.
    Isolated {
        set: usize,
    },
    /// The course's lessons should spread over at least `min_days` days; each day short costs.
    SpreadDays {
        course: usize,
        min_days: usize,
    },
    /// Two lessons of the course closer than `days` days apart cost (1: not the same day).
    MinDaysBetween {
        course: usize,
        days: usize,
    },
    /// The same for any list of lessons (FET's "min days between activities").
    MinDaysBetweenLessons {
        lessons: Vec<usize>,
        days: usize,
    },
    /// Each of these lessons starts at one of these slots.
    LessonStarts {
        lessons: Vec<usize>,
        starts: Vec<usize>,
    },
    /// Each period of these lessons lies in these slots.
    LessonsWithin {
        lessons: Vec<usize>,
        slots: Vec<usize>,
    },
    /// These lessons take place in these rooms.
    LessonRooms {
        lessons: Vec<usize>,
        rooms: Vec<usize>,
    },
    /// Each room used by the course beyond the first costs.
    RoomStability {
        course: usize,
    },
    /// The course's lessons take place in these rooms (a kind of room: labs, the gym).
    Rooms {
        course: usize,
        rooms: Vec<usize>,
    },
    /// Each student over a room's capacity costs.
    RoomCapacity,
    /// These lessons start at the same time (options taught in parallel). Always hard.
    Parallel {
        lessons: Vec<usize>,
    },
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub kind: RuleKind,
    pub weight: Weight,
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub grid: Grid,
    pub sets: Vec<String>,
    pub teachers: Vec<String>,
    pub rooms: Vec<Room>,
    pub courses: Vec<Course>,
    pub lessons: Vec<Lesson>,
    pub rules: Vec<Rule>,
}

impl Problem {
    pub fn name_of(&self, who: Who) -> &str {
        match who {
            Who::Teacher(t) => &self.teachers[t],
            Who::Set(s) => &self.sets[s],
        }
    }

    /// The lessons a teacher or set takes part in.
    pub fn lessons_of(&self, who: Who) -> impl Iterator<Item = usize> + '_ {
        self.lessons
            .iter()
            .enumerate()
            .filter(move |(_, l)| match who {
                Who::Teacher(t) => l.teachers.contains(&t),
                Who::Set(s) => l.sets.contains(&s),
            })
            .map(|(i, _)| i)
    }
}

/// Hard violations and soft cost. Compared hard first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cost {
    pub hard: i64,
    pub soft: i64,
}

impl Cost {
    pub const ZERO: Cost = Cost { hard: 0, soft: 0 };

    pub fn of(weight: Weight, violations: i64) -> Cost {
        match weight {
            Weight::Hard => Cost {
                hard: violations,
                soft: 0,
            },
            Weight::Soft(w) => Cost {
                hard: 0,
                soft: violations * i64::from(w),
            },
        }
    }

    /// One number for the search: a hard violation outweighs any soft cost it could meet.
    pub fn scalar(self) -> i64 {
        self.hard * 100_000 + self.soft
    }
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost {
            hard: self.hard + o.hard,
            soft: self.soft + o.soft,
        }
    }
}

impl AddAssign for Cost {
    fn add_assign(&mut self, o: Cost) {
        *self = *self + o;
    }
}

impl Sub for Cost {
    type Output = Cost;
    fn sub(self, o: Cost) -> Cost {
        Cost {
            hard: self.hard - o.hard,
            soft: self.soft - o.soft,
        }
    }
}

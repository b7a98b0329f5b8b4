//! The school's records as a solver problem, and the solver's timetable back as rows.

use std::collections::HashMap;

use super::repo::{
    self, AssignmentIn, ClassHoursRow, ClassIn, ConstraintRow, LessonRow, NewLesson, ParallelRow,
    PeriodRow, RoomIn, SubjectHoursRow,
};
use super::solver::{Course, Grid, Lesson, Placement, Problem, Room, Rule, RuleKind, Weight, Who};
use super::{ConstraintKind, Target};
use crate::db::Pool;

/// Six days, Monday to Saturday.
pub const DAYS: usize = 6;

/// Everything the solver reads, from the database.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub periods: Vec<PeriodRow>,
    pub closed: Vec<(i64, i64)>,
    pub classes: Vec<ClassIn>,
    pub assignments: Vec<AssignmentIn>,
    pub subject_hours: Vec<SubjectHoursRow>,
    pub class_hours: Vec<ClassHoursRow>,
    pub rooms: Vec<RoomIn>,
    pub constraints: Vec<ConstraintRow>,
    pub parallel: Vec<ParallelRow>,
}

impl Inputs {
    pub async fn load(db: &Pool, year_id: i64) -> Result<Inputs, sqlx::Error> {
        Ok(Inputs {
            periods: repo::periods(db).await?,
            closed: repo::closed(db).await?,
            classes: repo::classes(db, year_id).await?,
            assignments: repo::assignments(db, year_id).await?,
            subject_hours: repo::subject_hours(db).await?,
            class_hours: repo::class_hours(db).await?,
            rooms: repo::rooms(db).await?,
            constraints: repo::constraints(db).await?,
            parallel: repo::parallel(db).await?,
        })
    }

    /// Weekly hours and double periods of a subject in a class: the class's own, else its
    /// level and série's, else its level's; with the room kind wanted and whether required.
    pub fn hours(
        &self,
        class: &ClassIn,
        subject_id: i64,
    ) -> Option<(i64, i64, Option<String>, bool)> {
        let level = |key: i64| {
            self.subject_hours.iter().find(|h| {
                h.level_id == class.level_id && h.series_key == key && h.subject_id == subject_id
            })
        };
        let base = class.series_id.and_then(level).or_else(|| level(0));
        let (kind, required) = base
            .map(|b| (b.room_kind.clone(), b.room_required))
            .unwrap_or((None, false));
        if let Some(own) = self
            .class_hours
            .iter()
            .find(|h| h.class_id == class.id && h.subject_id == subject_id)
        {
            return Some((own.hours, own.doubles, kind, required));
        }
        base.map(|b| (b.hours, b.doubles, kind, required))
    }
}

/// Where a solver lesson comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub class_id: i64,
    pub subject_id: i64,
    pub teacher_user_id: i64,
}

pub struct Built {
    pub problem: Problem,
    pub origins: Vec<Origin>,
    pub room_ids: Vec<i64>,
    /// Period index → ordinal.
    pub ordinals: Vec<i64>,
    pub class_ids: Vec<i64>,
    pub teacher_ids: Vec<i64>,
}

impl Built {
    pub fn slot(&self, day: i64, ordinal: i64) -> Option<usize> {
        let p = self.ordinals.iter().position(|&o| o == ordinal)?;
        let d = usize::try_from(day).ok().filter(|&d| d < DAYS)?;
        Some(d * self.ordinals.len() + p)
    }

    pub fn room_index(&self, room_id: Option<i64>) -> Option<usize> {
        room_id.and_then(|id| self.room_ids.iter().position(|&r| r == id))
    }

    /// The rows to write for a solver timetable (lessons without a place are left out).
    pub fn rows(&self, at: &[Option<Placement>]) -> Vec<NewLesson> {
        let periods = self.ordinals.len();
        self.problem
            .lessons
            .iter()
            .zip(at)
            .zip(&self.origins)
            .filter_map(|((lesson, pl), o)| {
                let pl = (*pl)?;
                Some(NewLesson {
                    class_id: o.class_id,
                    subject_id: o.subject_id,
                    teacher_user_id: o.teacher_user_id,
                    room_id: pl.room.map(|r| self.room_ids[r]),
                    day: (pl.start / periods) as i64,
                    period: self.ordinals[pl.start % periods],
                    duration: lesson.duration as i64,
                    locked: lesson.fixed.is_some(),
                })
            })
            .collect()
    }

    /// A stored version's lessons as solver placements, matched to the problem's lessons
    /// by class, subject, teacher and length.
    pub fn placements(&self, rows: &[LessonRow]) -> (Vec<Option<Placement>>, Vec<Option<i64>>) {
        let mut at = vec![None; self.problem.lessons.len()];
        let mut ids = vec![None; self.problem.lessons.len()];
        for row in rows {
            let Some(start) = self.slot(row.day, row.period) else {
                continue;
            };
            let free = (0..self.problem.lessons.len()).find(|&l| {
                ids[l].is_none()
                    && self.origins[l]
                        == Origin {
                            class_id: row.class_id,
                            subject_id: row.subject_id,
                            teacher_user_id: row.teacher_user_id,
                        }
                    && self.problem.lessons[l].duration as i64 == row.duration
            });
            if let Some(l) = free {
                at[l] = Some(Placement {
                    start,
                    room: self.room_index(row.room_id),
                });
                ids[l] = Some(row.id);
            }
        }
        (at, ids)
    }
}

fn weight(w: Option<i64>) -> Weight {
    match w {
        None => Weight::Hard,
        Some(w) => Weight::Soft(w.clamp(1, 100) as u32),
    }
}

/// "0.1,2.5": day 0 period ordinal 1, day 2 period ordinal 5.
pub fn parse_slots(text: &str) -> Vec<(i64, i64)> {
    text.split(',')
        .filter_map(|s| {
            let (d, p) = s.trim().split_once('.')?;
            Some((d.parse().ok()?, p.parse().ok()?))
        })
        .collect()
}

pub fn build(inputs: &Inputs, locked: &[LessonRow]) -> Built {
    let ordinals: Vec<i64> = inputs.periods.iter().map(|p| p.ordinal).collect();
    let periods = ordinals.len().max(1);
    let mut grid = Grid::new(DAYS, periods);
    for &(day, ordinal) in &inputs.closed {
        if let (Ok(d), Some(p)) = (
            usize::try_from(day),
            ordinals.iter().position(|&o| o == ordinal),
        ) && d < DAYS
        {
            grid.open[d * periods + p] = false;
        }
    }
    // Two periods follow each other when the second starts within 20 minutes of the first's
    // end (the morning break), not across the midday one.
    for (i, pair) in inputs.periods.windows(2).enumerate() {
        grid.joined[i] = minutes(&pair[1].starts_at) - minutes(&pair[0].ends_at) <= 20;
    }
    if let Some(last) = grid.joined.last_mut() {
        *last = false;
    }
    if ordinals.is_empty() {
        grid.open = vec![false; DAYS];
    }

    let room_ids: Vec<i64> = inputs
        .rooms
        .iter()
        .filter(|r| r.kind != "sports")
        .map(|r| r.id)
        .collect();
    let rooms: Vec<Room> = inputs
        .rooms
        .iter()
        .filter(|r| r.kind != "sports")
        .map(|r| Room {
            name: r.name.clone(),
            capacity: r.capacity.and_then(|c| u32::try_from(c).ok()),
        })
        .collect();
    let room_of_kind = |kind: &str| -> Vec<usize> {
        inputs
            .rooms
            .iter()
            .filter(|r| r.kind != "sports")
            .enumerate()
            .filter(|(_, r)| r.kind == kind)
            .map(|(i, _)| i)
            .collect()
    };
    let class_index: HashMap<i64, usize> = inputs
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut teacher_ids: Vec<i64> = Vec::new();
    let mut teachers: Vec<String> = Vec::new();
    for a in &inputs.assignments {
        if !teacher_ids.contains(&a.teacher_user_id) {
            teacher_ids.push(a.teacher_user_id);
            teachers.push(a.teacher.clone());
        }
    }
    let mut p = Problem {
        grid,
        sets: inputs.classes.iter().map(|c| c.name.clone()).collect(),
        teachers,
        rooms,
        courses: Vec::new(),
        lessons: Vec::new(),
        rules: vec![Rule {
            kind: RuleKind::RoomCapacity,
            weight: Weight::Soft(1),
        }],
    };
    let mut origins = Vec::new();
    let mut course_subject: Vec<i64> = Vec::new();
    for a in &inputs.assignments {
        let Some(&ci) = class_index.get(&a.class_id) else {
            continue;
        };
        let class = &inputs.classes[ci];
        let Some((hours, doubles, kind, required)) = inputs.hours(class, a.subject_id) else {
            continue;
        };
        if hours <= 0 {
            continue;
        }
        let course = p.courses.len();
        p.courses.push(Course {
            name: format!("{} · {}", a.subject, class.name),
        });
        course_subject.push(a.subject_id);
        let teacher = teacher_ids
            .iter()
            .position(|&t| t == a.teacher_user_id)
            .unwrap_or(0);
        let sports = kind.as_deref() == Some("sports");
        let home: Vec<usize> = class
            .room
            .as_ref()
            .and_then(|name| p.rooms.iter().position(|r| &r.name == name))
            .into_iter()
            .collect();
        let special: Vec<usize> = kind
            .as_deref()
            .filter(|k| *k != "classroom" && !sports)
            .map(room_of_kind)
            .unwrap_or_default();
        // A course taught in parallel with another class's regroups students: any classroom,
        // its class's own preferred.
        let grouped = inputs
            .parallel
            .iter()
            .any(|r| r.class_id == a.class_id && r.subject_id == a.subject_id);
        let must_special = required && !special.is_empty();
        if grouped && !home.is_empty() && !sports && !must_special {
            p.rules.push(Rule {
                kind: RuleKind::Rooms {
                    course,
                    rooms: home.clone(),
                },
                weight: Weight::Soft(1),
            });
        }
        let allowed: Vec<usize> = if !special.is_empty() && required {
            special.clone()
        } else if home.is_empty() || grouped {
            room_of_kind("classroom")
                .into_iter()
                .chain(special.iter().copied())
                .collect()
        } else {
            home.iter().chain(special.iter()).copied().collect()
        };
        if !sports {
            p.rules.push(Rule {
                kind: RuleKind::Rooms {
                    course,
                    rooms: allowed,
                },
                weight: Weight::Hard,
            });
            if !special.is_empty() && !required {
                p.rules.push(Rule {
                    kind: RuleKind::Rooms {
                        course,
                        rooms: special,
                    },
                    weight: Weight::Soft(5),
                });
            }
        }
        let doubles = doubles.clamp(0, hours / 2);
        for i in 0..(hours - doubles) {
            p.lessons.push(Lesson {
                course,
                sets: vec![ci],
                teachers: vec![teacher],
                duration: if i < doubles { 2 } else { 1 },
                size: class.students.clamp(0, 10_000) as u32,
                needs_room: !sports,
                fixed: None,
            });
            origins.push(Origin {
                class_id: a.class_id,
                subject_id: a.subject_id,
                teacher_user_id: a.teacher_user_id,
            });
        }
    }

    // The constraints.
    let slots_of = |text: &str| -> Vec<usize> {
        parse_slots(text)
            .into_iter()
            .filter_map(|(d, o)| {
                let p = ordinals.iter().position(|&x| x == o)?;
                let d = usize::try_from(d).ok().filter(|&d| d < DAYS)?;
                Some(d * periods + p)
            })
            .collect()
    };
    for c in &inputs.constraints {
        let (Ok(kind), Ok(target)) = (
            c.kind.parse::<ConstraintKind>(),
            c.applies_to.parse::<Target>(),
        ) else {
            continue;
        };
        let w = weight(c.weight);
        let whos: Vec<Who> = match target {
            Target::Teacher => c
                .teacher_user_id
                .and_then(|t| teacher_ids.iter().position(|&x| x == t))
                .map(Who::Teacher)
                .into_iter()
                .collect(),
            Target::Class => c
                .class_id
                .and_then(|id| class_index.get(&id).copied())
                .map(Who::Set)
                .into_iter()
                .collect(),
            Target::AllTeachers => (0..p.teachers.len()).map(Who::Teacher).collect(),
            Target::AllClasses => (0..p.sets.len()).map(Who::Set).collect(),
            Target::Subject => Vec::new(),
        };
        let courses: Vec<usize> = match target {
            Target::Subject => (0..p.courses.len())
                .filter(|&k| Some(course_subject[k]) == c.subject_id)
                .collect(),
            Target::AllClasses => (0..p.courses.len()).collect(),
            _ => Vec::new(),
        };
        let max = c.value.max(0) as usize;
        for &who in &whos {
            let kind = match kind {
                ConstraintKind::Unavailable => RuleKind::Unavailable {
                    who,
                    slots: slots_of(&c.slots),
                },
                ConstraintKind::MaxPerDay => RuleKind::MaxPerDay { who, max },
                ConstraintKind::MaxInRow => RuleKind::MaxInRow { who, max },
                ConstraintKind::MaxGapsDay => RuleKind::MaxGapsPerDay { who, max },
                ConstraintKind::MaxGapsWeek => RuleKind::MaxGapsPerWeek { who, max },
                ConstraintKind::MinDays | ConstraintKind::NotIn => continue,
            };
            p.rules.push(Rule { kind, weight: w });
        }
        for &course in &courses {
            let kind = match kind {
                ConstraintKind::MinDays => RuleKind::MinDaysBetween { course, days: max },
                ConstraintKind::NotIn => RuleKind::CourseNotIn {
                    course,
                    slots: slots_of(&c.slots),
                },
                _ => continue,
            };
            p.rules.push(Rule { kind, weight: w });
        }
    }

    parallel_groups(&mut p, &origins, &inputs.parallel);

    let mut built = Built {
        problem: p,
        origins,
        room_ids,
        ordinals,
        class_ids: inputs.classes.iter().map(|c| c.id).collect(),
        teacher_ids,
    };
    // Locked lessons of the version this one starts from stay where they are.
    let (at, _) = built.placements(locked);
    for (l, pl) in at.into_iter().enumerate() {
        if let Some(pl) = pl {
            built.problem.lessons[l].fixed = Some(pl);
        }
    }
    built
}

/// Each parallel group's i-th lessons (of the same length, taken in order) start together.
/// A second subject of the same class is an option its students split into: its lessons
/// leave the class's set to the first member's, so that the class counts once an hour.
fn parallel_groups(p: &mut Problem, origins: &[Origin], rows: &[ParallelRow]) {
    let mut groups: Vec<(i64, Vec<(i64, i64)>)> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some((g, members)) if *g == r.group_id => members.push((r.class_id, r.subject_id)),
            _ => groups.push((r.group_id, vec![(r.class_id, r.subject_id)])),
        }
    }
    for (_, members) in groups {
        for duration in [2, 1] {
            let lists: Vec<Vec<usize>> = members
                .iter()
                .map(|&(class_id, subject_id)| {
                    (0..p.lessons.len())
                        .filter(|&l| {
                            origins[l].class_id == class_id
                                && origins[l].subject_id == subject_id
                                && p.lessons[l].duration == duration
                        })
                        .collect()
                })
                .collect();
            let n = lists.iter().map(Vec::len).min().unwrap_or(0);
            if lists.len() < 2 {
                continue;
            }
            for i in 0..n {
                let lessons: Vec<usize> = lists.iter().map(|list| list[i]).collect();
                for (k, &l) in lessons.iter().enumerate() {
                    let class = members[k].0;
                    if members[..k].iter().any(|m| m.0 == class) {
                        p.lessons[l].sets.clear();
                    }
                }
                p.rules.push(Rule {
                    kind: RuleKind::Parallel { lessons },
                    weight: Weight::Hard,
                });
            }
        }
    }
}

/// The school's year as a `.fet` file (FET's names: the days, the periods' start times, the
/// subjects).
pub fn to_fet(built: &Built, inputs: &Inputs, name: &str) -> String {
    let days: Vec<String> = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"]
        .iter()
        .map(|d| d.to_string())
        .collect();
    let hours: Vec<String> = inputs.periods.iter().map(|p| p.starts_at.clone()).collect();
    // Each course's subject, from the assignment it came from.
    let subjects: Vec<String> = (0..built.problem.courses.len())
        .map(|c| {
            built
                .problem
                .lessons
                .iter()
                .position(|l| l.course == c)
                .and_then(|l| {
                    let o = built.origins[l];
                    inputs
                        .assignments
                        .iter()
                        .find(|a| a.class_id == o.class_id && a.subject_id == o.subject_id)
                        .map(|a| a.subject.clone())
                })
                .unwrap_or_default()
        })
        .collect();
    super::fet::export(&built.problem, name, &days, &hours, &subjects)
}

/// "07:55" → 475.
pub fn minutes(hhmm: &str) -> i64 {
    let (h, m) = hhmm.split_once(':').unwrap_or((hhmm, "0"));
    h.trim().parse::<i64>().unwrap_or(0) * 60 + m.trim().parse::<i64>().unwrap_or(0)
}

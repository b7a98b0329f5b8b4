//! Reading a school written by FET.

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::timetable::solver::{
    Course, Grid, Lesson, Placement, Problem, Room, Rule, RuleKind, Weight, Who,
};

pub fn import(xml: &str) -> Result<Imported, FetError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml.trim_start_matches('\u{feff}'), opts)
        .map_err(|e| FetError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if !root.has_tag_name("fet") {
        return Err(FetError::Shape("the root is not <fet>".into()));
    }
    let list = |name: &str| root.children().find(|c| c.has_tag_name(name));
    let names = |list_name: &str, item: &str| -> Vec<String> {
        list(list_name)
            .map(|l| {
                children(l, item)
                    .filter_map(|d| child_text(d, "Name"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let days = names("Days_List", "Day");
    let hours = names("Hours_List", "Hour");
    if days.is_empty() || hours.is_empty() {
        return Err(FetError::Shape("no days or no hours".into()));
    }
    if days.len() * hours.len() > 2_000 {
        return Err(FetError::TooLarge("days × hours"));
    }
    let day_of: HashMap<&str, usize> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let hour_of: HashMap<&str, usize> = hours
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let periods = hours.len();
    let slot = |d: Option<&str>, h: Option<&str>| -> Option<usize> {
        Some(day_of.get(d?)? * periods + hour_of.get(h?)?)
    };
    let teachers = names("Teachers_List", "Teacher");
    let teacher_of: HashMap<&str, usize> = teachers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();

    // Students: the atomic sets are the subgroups (a group without subgroups, a year
    // without groups); a year or group stands for the sets under it.
    let mut sets: Vec<String> = Vec::new();
    let mut set_index: HashMap<String, usize> = HashMap::new();
    let mut under: HashMap<String, Vec<usize>> = HashMap::new();
    let mut atom = |name: &str, sets: &mut Vec<String>| -> usize {
        if let Some(&i) = set_index.get(name) {
            return i;
        }
        sets.push(name.to_string());
        set_index.insert(name.to_string(), sets.len() - 1);
        sets.len() - 1
    };
    if let Some(students) = list("Students_List") {
        for year in children(students, "Year") {
            let yname = child_text(year, "Name").unwrap_or_default().to_string();
            let mut year_sets = Vec::new();
            for group in children(year, "Group") {
                let gname = child_text(group, "Name").unwrap_or_default().to_string();
                let mut group_sets = Vec::new();
                for sub in children(group, "Subgroup") {
                    let sname = child_text(sub, "Name").unwrap_or_default().to_string();
                    let i = atom(&sname, &mut sets);
                    under.insert(sname, vec![i]);
                    group_sets.push(i);
                }
                if group_sets.is_empty() {
                    group_sets.push(atom(&gname, &mut sets));
                }
                year_sets.extend(group_sets.iter().copied());
                under.entry(gname).or_default().extend(group_sets);
            }
            if year_sets.is_empty() {
                year_sets.push(atom(&yname, &mut sets));
            }
            under.entry(yname).or_default().extend(year_sets);
            if sets.len() > MAX_ITEMS {
                return Err(FetError::TooLarge("students"));
            }
        }
    }
    for v in under.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    let sets_of = |name: &str| under.get(name).cloned().unwrap_or_default();

    // Rooms (virtual rooms are left out).
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut rooms: Vec<Room> = Vec::new();
    if let Some(l) = list("Rooms_List") {
        for r in children(l, "Room") {
            if child_text(r, "Virtual") == Some("true") {
                *skipped.entry("virtual rooms".into()).or_default() += 1;
                continue;
            }
            rooms.push(Room {
                name: child_text(r, "Name").unwrap_or_default().to_string(),
                capacity: child_text(r, "Capacity").and_then(|c| c.parse().ok()),
            });
        }
    }
    let room_of: HashMap<String, usize> = rooms
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.clone(), i))
        .collect();

    // Activities: a lesson each; a split activity's parts share a course.
    struct Act {
        id: u64,
        teachers: Vec<String>,
        subject: String,
        students: Vec<String>,
        tags: Vec<String>,
        duration: usize,
    }
    let mut acts: Vec<Act> = Vec::new();
    let mut lessons: Vec<Lesson> = Vec::new();
    let mut courses: Vec<Course> = Vec::new();
    let mut course_of_group: HashMap<u64, usize> = HashMap::new();
    if let Some(l) = list("Activities_List") {
        for a in children(l, "Activity") {
            if !active(a) {
                continue;
            }
            if acts.len() >= MAX_ITEMS {
                return Err(FetError::TooLarge("activities"));
            }
            let id: u64 = child_text(a, "Id")
                .and_then(|i| i.parse().ok())
                .ok_or_else(|| FetError::Shape("an activity without an id".into()))?;
            let group: u64 = child_text(a, "Activity_Group_Id")
                .and_then(|i| i.parse().ok())
                .filter(|g| *g != 0)
                .unwrap_or(id);
            let duration: usize = child_text(a, "Duration")
                .and_then(|d| d.parse().ok())
                .unwrap_or(1);
            if duration == 0 || duration > periods {
                return Err(FetError::Shape(format!(
                    "activity {id} lasts {duration} hours"
                )));
            }
            let act = Act {
                id,
                teachers: texts(a, "Teacher")
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                subject: child_text(a, "Subject").unwrap_or_default().to_string(),
                students: texts(a, "Students")
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                tags: texts(a, "Activity_Tag")
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                duration,
            };
            let course = *course_of_group.entry(group).or_insert_with(|| {
                courses.push(Course {
                    name: format!("{} · {}", act.subject, act.students.join("+")),
                });
                courses.len() - 1
            });
            let mut s: Vec<usize> = act.students.iter().flat_map(|n| sets_of(n)).collect();
            s.sort_unstable();
            s.dedup();
            lessons.push(Lesson {
                course,
                sets: s,
                teachers: act
                    .teachers
                    .iter()
                    .filter_map(|t| teacher_of.get(t.as_str()).copied())
                    .collect(),
                duration,
                size: 0,
                needs_room: false,
                fixed: None,
            });
            acts.push(act);
        }
    }
    let lesson_of: HashMap<u64, usize> = acts.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let ids_of = |n: roxmltree::Node| -> Vec<usize> {
        texts(n, "Activity_Id")
            .into_iter()
            .filter_map(|i| i.parse::<u64>().ok())
            .filter_map(|i| lesson_of.get(&i).copied())
            .collect()
    };
    // The activities a constraint's filters select (empty filter: any).
    let matching = |n: roxmltree::Node| -> Vec<usize> {
        let f = |k: &str| child_text(n, k).filter(|v| !v.is_empty());
        let (t, s, j, tag) = (
            f("Teacher_Name"),
            f("Students_Name"),
            f("Subject_Name"),
            f("Activity_Tag_Name"),
        );
        let dur: Option<usize> = f("Duration").and_then(|d| d.parse().ok());
        acts.iter()
            .enumerate()
            .filter(|(_, a)| t.is_none_or(|t| a.teachers.iter().any(|x| x == t)))
            .filter(|(_, a)| {
                s.is_none_or(|s| {
                    let wanted = sets_of(s);
                    a.students
                        .iter()
                        .flat_map(|n| sets_of(n))
                        .any(|x| wanted.contains(&x))
                })
            })
            .filter(|(_, a)| j.is_none_or(|j| a.subject == j))
            .filter(|(_, a)| tag.is_none_or(|tag| a.tags.iter().any(|x| x == tag)))
            .filter(|(_, a)| dur.is_none_or(|d| a.duration == d))
            .map(|(i, _)| i)
            .collect()
    };
    let times = |n: roxmltree::Node, item: &str, day: &str, hour: &str| -> Vec<usize> {
        children(n, item)
            .filter_map(|t| slot(child_text(t, day), child_text(t, hour)))
            .collect()
    };

    let mut grid = Grid::new(days.len(), periods);
    let mut rules: Vec<Rule> = Vec::new();
    let who_teacher = |n: roxmltree::Node, key: &str| -> Option<Who> {
        child_text(n, key)
            .and_then(|t| teacher_of.get(t).copied())
            .map(Who::Teacher)
    };
    let all_teachers: Vec<Who> = (0..teachers.len()).map(Who::Teacher).collect();
    let all_sets: Vec<Who> = (0..sets.len()).map(Who::Set).collect();
    let sets_named = |n: roxmltree::Node, key: &str| -> Vec<Who> {
        child_text(n, key)
            .map(|s| sets_of(s).into_iter().map(Who::Set).collect())
            .unwrap_or_default()
    };
    let mut skip = |name: &str| *skipped.entry(name.to_string()).or_default() += 1;

    if let Some(l) = list("Time_Constraints_List") {
        for c in l.children().filter(|c| c.is_element()) {
            if !active(c) {
                continue;
            }
            let w = weight(c);
            let name = c.tag_name().name();
            let num = |k: &str| child_text(c, k).and_then(|v| v.parse::<usize>().ok());
            let mut per_who = |whos: Vec<Who>, make: &dyn Fn(Who) -> RuleKind| {
                for who in whos {
                    rules.push(Rule {
                        kind: make(who),
                        weight: w,
                    });
                }
            };
            match name {
                "ConstraintBasicCompulsoryTime" => {}
                "ConstraintBreakTimes" => {
                    for s in times(c, "Break_Time", "Day", "Hour") {
                        grid.open[s] = false;
                    }
                }
                "ConstraintTeacherNotAvailableTimes" => {
                    let slots = times(c, "Not_Available_Time", "Day", "Hour");
                    per_who(who_teacher(c, "Teacher").into_iter().collect(), &|who| {
                        RuleKind::Unavailable {
                            who,
                            slots: slots.clone(),
                        }
                    });
                }
                "ConstraintStudentsSetNotAvailableTimes" => {
                    let slots = times(c, "Not_Available_Time", "Day", "Hour");
                    per_who(sets_named(c, "Students"), &|who| RuleKind::Unavailable {
                        who,
                        slots: slots.clone(),
                    });
                }
                "ConstraintMinDaysBetweenActivities" => {
                    let days = num("MinDays").unwrap_or(1);
                    rules.push(Rule {
                        kind: RuleKind::MinDaysBetweenLessons {
                            lessons: ids_of(c),
                            days,
                        },
                        weight: w,
                    });
                }
                "ConstraintActivityPreferredStartingTime" => {
                    let (Some(&l), Some(s)) = (
                        ids_of(c).first(),
                        slot(
                            child_text(c, "Preferred_Day"),
                            child_text(c, "Preferred_Hour"),
                        ),
                    ) else {
                        skip(name);
                        continue;
                    };
                    if w == Weight::Hard {
                        lessons[l].fixed = Some(Placement {
                            start: s,
                            room: None,
                        });
                    } else {
                        rules.push(Rule {
                            kind: RuleKind::LessonStarts {
                                lessons: vec![l],
                                starts: vec![s],
                            },
                            weight: w,
                        });
                    }
                }
                "ConstraintActivityPreferredStartingTimes" => {
                    let starts = times(
                        c,
                        "Preferred_Starting_Time",
                        "Preferred_Starting_Day",
                        "Preferred_Starting_Hour",
                    );
                    rules.push(Rule {
                        kind: RuleKind::LessonStarts {
                            lessons: ids_of(c),
                            starts,
                        },
                        weight: w,
                    });
                }
                "ConstraintActivitiesPreferredStartingTimes" => {
                    let starts = times(
                        c,
                        "Preferred_Starting_Time",
                        "Preferred_Starting_Day",
                        "Preferred_Starting_Hour",
                    );
                    rules.push(Rule {
                        kind: RuleKind::LessonStarts {
                            lessons: matching(c),
                            starts,
                        },
                        weight: w,
                    });
                }
                "ConstraintActivityPreferredTimeSlots" => {
                    let slots = times(c, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour");
                    rules.push(Rule {
                        kind: RuleKind::LessonsWithin {
                            lessons: ids_of(c),
                            slots,
                        },
                        weight: w,
                    });
                }
                "ConstraintActivitiesPreferredTimeSlots" => {
                    let slots = times(c, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour");
                    rules.push(Rule {
                        kind: RuleKind::LessonsWithin {
                            lessons: matching(c),
                            slots,
                        },
                        weight: w,
                    });
                }
                "ConstraintActivitiesSameStartingTime" if w == Weight::Hard => {
                    rules.push(Rule {
                        kind: RuleKind::Parallel { lessons: ids_of(c) },
                        weight: w,
                    });
                }
                "ConstraintTeacherMaxGapsPerWeek" => per_who(
                    who_teacher(c, "Teacher_Name").into_iter().collect(),
                    &|who| RuleKind::MaxGapsPerWeek {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    },
                ),
                "ConstraintTeachersMaxGapsPerWeek" => {
                    per_who(all_teachers.clone(), &|who| RuleKind::MaxGapsPerWeek {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    })
                }
                "ConstraintTeacherMaxGapsPerDay" => per_who(
                    who_teacher(c, "Teacher_Name").into_iter().collect(),
                    &|who| RuleKind::MaxGapsPerDay {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    },
                ),
                "ConstraintTeachersMaxGapsPerDay" => {
                    per_who(all_teachers.clone(), &|who| RuleKind::MaxGapsPerDay {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    })
                }
                "ConstraintStudentsSetMaxGapsPerWeek" => {
                    per_who(sets_named(c, "Students"), &|who| RuleKind::MaxGapsPerWeek {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    })
                }
                "ConstraintStudentsMaxGapsPerWeek" => {
                    per_who(all_sets.clone(), &|who| RuleKind::MaxGapsPerWeek {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    })
                }
                "ConstraintStudentsSetMaxGapsPerDay" => {
                    per_who(sets_named(c, "Students"), &|who| RuleKind::MaxGapsPerDay {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    })
                }
                "ConstraintStudentsMaxGapsPerDay" => {
                    per_who(all_sets.clone(), &|who| RuleKind::MaxGapsPerDay {
                        who,
                        max: num("Max_Gaps").unwrap_or(0),
                    })
                }
                "ConstraintTeacherMaxHoursDaily" => per_who(
                    who_teacher(c, "Teacher_Name").into_iter().collect(),
                    &|who| RuleKind::MaxPerDay {
                        who,
                        max: num("Maximum_Hours_Daily").unwrap_or(periods),
                    },
                ),
                "ConstraintTeachersMaxHoursDaily" => {
                    per_who(all_teachers.clone(), &|who| RuleKind::MaxPerDay {
                        who,
                        max: num("Maximum_Hours_Daily").unwrap_or(periods),
                    })
                }
                "ConstraintStudentsSetMaxHoursDaily" => {
                    per_who(sets_named(c, "Students"), &|who| RuleKind::MaxPerDay {
                        who,
                        max: num("Maximum_Hours_Daily").unwrap_or(periods),
                    })
                }
                "ConstraintStudentsMaxHoursDaily" => {
                    per_who(all_sets.clone(), &|who| RuleKind::MaxPerDay {
                        who,
                        max: num("Maximum_Hours_Daily").unwrap_or(periods),
                    })
                }
                "ConstraintTeacherMaxHoursContinuously" => per_who(
                    who_teacher(c, "Teacher_Name").into_iter().collect(),
                    &|who| RuleKind::MaxInRow {
                        who,
                        max: num("Maximum_Hours_Continuously").unwrap_or(periods),
                    },
                ),
                "ConstraintTeachersMaxHoursContinuously" => {
                    per_who(all_teachers.clone(), &|who| RuleKind::MaxInRow {
                        who,
                        max: num("Maximum_Hours_Continuously").unwrap_or(periods),
                    })
                }
                "ConstraintStudentsSetMaxHoursContinuously" => {
                    per_who(sets_named(c, "Students"), &|who| RuleKind::MaxInRow {
                        who,
                        max: num("Maximum_Hours_Continuously").unwrap_or(periods),
                    })
                }
                "ConstraintStudentsMaxHoursContinuously" => {
                    per_who(all_sets.clone(), &|who| RuleKind::MaxInRow {
                        who,
                        max: num("Maximum_Hours_Continuously").unwrap_or(periods),
                    })
                }
                other => skip(other),
            }
        }
    }
    // Space: an activity gets a room when a constraint asks for one, as in FET.
    let room_rule = |ls: Vec<usize>,
                     rs: Vec<usize>,
                     w: Weight,
                     lessons: &mut Vec<Lesson>,
                     rules: &mut Vec<Rule>| {
        for &l in &ls {
            lessons[l].needs_room = true;
        }
        rules.push(Rule {
            kind: RuleKind::LessonRooms {
                lessons: ls,
                rooms: rs,
            },
            weight: w,
        });
    };
    let rooms_named = |n: roxmltree::Node, one: &str, many: &str| -> Vec<usize> {
        texts(n, one)
            .into_iter()
            .chain(texts(n, many))
            .filter_map(|r| room_of.get(r).copied())
            .collect()
    };
    if let Some(l) = list("Space_Constraints_List") {
        let mut homes: Vec<(Vec<usize>, Vec<usize>, Weight)> = Vec::new();
        for c in l.children().filter(|c| c.is_element()) {
            if !active(c) {
                continue;
            }
            let w = weight(c);
            let name = c.tag_name().name();
            let by = |pick: &dyn Fn(&Act) -> bool| -> Vec<usize> {
                acts.iter()
                    .enumerate()
                    .filter(|(_, a)| pick(a))
                    .map(|(i, _)| i)
                    .collect()
            };
            match name {
                "ConstraintBasicCompulsorySpace" => {}
                "ConstraintActivityPreferredRoom" | "ConstraintActivityPreferredRooms" => {
                    room_rule(
                        ids_of(c),
                        rooms_named(c, "Room", "Preferred_Room"),
                        w,
                        &mut lessons,
                        &mut rules,
                    )
                }
                "ConstraintSubjectPreferredRoom" | "ConstraintSubjectPreferredRooms" => {
                    let j = child_text(c, "Subject").unwrap_or_default().to_string();
                    room_rule(
                        by(&|a| a.subject == j),
                        rooms_named(c, "Room", "Preferred_Room"),
                        w,
                        &mut lessons,
                        &mut rules,
                    )
                }
                "ConstraintActivityTagPreferredRoom" | "ConstraintActivityTagPreferredRooms" => {
                    let tag = child_text(c, "Activity_Tag")
                        .unwrap_or_default()
                        .to_string();
                    room_rule(
                        by(&|a| a.tags.contains(&tag)),
                        rooms_named(c, "Room", "Preferred_Room"),
                        w,
                        &mut lessons,
                        &mut rules,
                    )
                }
                "ConstraintTeacherHomeRoom" | "ConstraintTeacherHomeRooms" => {
                    let t = child_text(c, "Teacher").unwrap_or_default().to_string();
                    homes.push((
                        by(&|a| a.teachers.contains(&t)),
                        rooms_named(c, "Room", "Preferred_Room"),
                        w,
                    ));
                }
                "ConstraintStudentsSetHomeRoom" | "ConstraintStudentsSetHomeRooms" => {
                    let s = child_text(c, "Students").unwrap_or_default().to_string();
                    homes.push((
                        by(&|a| a.students.contains(&s)),
                        rooms_named(c, "Room", "Preferred_Room"),
                        w,
                    ));
                }
                other => skip(other),
            }
        }
        // A home room holds the activities no other room constraint places (FET's rule).
        for (ls, rs, w) in homes {
            let free: Vec<usize> = ls.into_iter().filter(|&l| !lessons[l].needs_room).collect();
            if !free.is_empty() {
                room_rule(free, rs, w, &mut lessons, &mut rules);
            }
        }
    }
    let mut problem = Problem {
        grid,
        sets,
        teachers,
        rooms,
        courses,
        lessons,
        rules,
    };
    merge_identical_sets(&mut problem);
    Ok(Imported {
        name: child_text(root, "Institution_Name")
            .unwrap_or_default()
            .to_string(),
        problem,
        activity_ids: acts.iter().map(|a| a.id).collect(),
        days,
        hours,
        skipped,
    })
}

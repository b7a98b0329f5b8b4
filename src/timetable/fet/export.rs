//! Writing a problem as a `.fet` file FET 6.8.5 reads.

use std::collections::HashMap;

use crate::timetable::solver::{Problem, RuleKind, Weight, Who};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// FET's weight of a rule: 100 when required; a preference's weight, at most 99.
fn percent(w: Weight) -> u32 {
    match w {
        Weight::Hard => 100,
        Weight::Soft(w) => w.clamp(1, 99),
    }
}

/// Writes a problem as a `.fet` file that FET 6.8.5 reads: one year per set of students,
/// one activity per lesson (a course's lessons split one activity), and the constraints FET
/// can say. Rules FET only takes as required (students' and teachers' gaps) are written
/// when required; soft ones are left out. Room capacity stays with Suku (FET would make it
/// required): the years carry no head count.
pub fn export(
    p: &Problem,
    name: &str,
    days: &[String],
    hours: &[String],
    subjects: &[String],
) -> String {
    let periods = p.grid.periods;
    // A name for every day and hour of the grid (a school without a grid yet has one hour).
    let named = |names: &[String], n: usize| -> Vec<String> {
        (0..n)
            .map(|i| names.get(i).cloned().unwrap_or_else(|| (i + 1).to_string()))
            .collect()
    };
    let (days, hours) = (&named(days, p.grid.days), &named(hours, periods));
    let subjects = &named(subjects, p.courses.len());
    let day = |s: usize| esc(&days[s / periods]);
    let hour = |s: usize| esc(&hours[s % periods]);
    let mut x = String::new();
    let mut put = |s: &str| {
        x.push_str(s);
        x.push('\n');
    };
    put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    put("<fet version=\"6.8.5\">");
    put(&format!(
        "<Institution_Name>{}</Institution_Name>",
        esc(name)
    ));
    put("<Comments></Comments>");
    put(&format!(
        "<Days_List>\n<Number_of_Days>{}</Number_of_Days>",
        days.len()
    ));
    for d in days {
        put(&format!("<Day><Name>{}</Name></Day>", esc(d)));
    }
    put("</Days_List>");
    put(&format!(
        "<Hours_List>\n<Number_of_Hours>{}</Number_of_Hours>",
        hours.len()
    ));
    for h in hours {
        put(&format!("<Hour><Name>{}</Name></Hour>", esc(h)));
    }
    put("</Hours_List>");
    // Subjects: the courses' subjects, each once.
    let mut subject_names: Vec<&str> = subjects.iter().map(String::as_str).collect();
    subject_names.sort_unstable();
    subject_names.dedup();
    put("<Subjects_List>");
    for s in &subject_names {
        put(&format!(
            "<Subject><Name>{}</Name><Comments></Comments></Subject>",
            esc(s)
        ));
    }
    put("</Subjects_List>\n<Activity_Tags_List>\n</Activity_Tags_List>\n<Teachers_List>");
    for t in &p.teachers {
        put(&format!(
            "<Teacher><Name>{}</Name><Target_Number_of_Hours>0</Target_Number_of_Hours><Qualified_Subjects></Qualified_Subjects><Comments></Comments></Teacher>",
            esc(t)
        ));
    }
    put("</Teachers_List>\n<Students_List>");
    for s in &p.sets {
        put(&format!(
            "<Year><Name>{}</Name><Number_of_Students>0</Number_of_Students><Comments></Comments></Year>",
            esc(s)
        ));
    }
    put("</Students_List>\n<Activities_List>");
    // A course's lessons form one split activity (group id: its first lesson's id).
    let mut first_of_course: HashMap<usize, usize> = HashMap::new();
    let mut total: HashMap<usize, usize> = HashMap::new();
    for (l, lesson) in p.lessons.iter().enumerate() {
        first_of_course.entry(lesson.course).or_insert(l + 1);
        *total.entry(lesson.course).or_default() += lesson.duration;
    }
    for (l, lesson) in p.lessons.iter().enumerate() {
        let mut a = String::from("<Activity>");
        for &t in &lesson.teachers {
            a.push_str(&format!("<Teacher>{}</Teacher>", esc(&p.teachers[t])));
        }
        a.push_str(&format!(
            "<Subject>{}</Subject>",
            esc(&subjects[lesson.course])
        ));
        for &s in &lesson.sets {
            a.push_str(&format!("<Students>{}</Students>", esc(&p.sets[s])));
        }
        let group = first_of_course[&lesson.course];
        let split = p
            .lessons
            .iter()
            .filter(|x| x.course == lesson.course)
            .count()
            > 1;
        a.push_str(&format!(
            "<Duration>{}</Duration><Total_Duration>{}</Total_Duration><Id>{}</Id><Activity_Group_Id>{}</Activity_Group_Id><Active>true</Active><Comments></Comments></Activity>",
            lesson.duration,
            total[&lesson.course],
            l + 1,
            if split { group } else { 0 }
        ));
        put(&a);
    }
    put("</Activities_List>\n<Buildings_List>\n</Buildings_List>\n<Rooms_List>");
    for r in &p.rooms {
        put(&format!(
            "<Room><Name>{}</Name><Building></Building><Capacity>{}</Capacity><Virtual>false</Virtual><Comments></Comments></Room>",
            esc(&r.name),
            r.capacity.unwrap_or(30000)
        ));
    }
    put("</Rooms_List>\n<Time_Constraints_List>");
    put(
        "<ConstraintBasicCompulsoryTime><Weight_Percentage>100</Weight_Percentage><Active>true</Active><Comments></Comments></ConstraintBasicCompulsoryTime>",
    );
    let closed: Vec<usize> = (0..p.grid.slots()).filter(|&s| !p.grid.open[s]).collect();
    if !closed.is_empty() {
        let mut c = format!(
            "<ConstraintBreakTimes><Weight_Percentage>100</Weight_Percentage><Number_of_Break_Times>{}</Number_of_Break_Times>",
            closed.len()
        );
        for s in closed {
            c.push_str(&format!(
                "<Break_Time><Day>{}</Day><Hour>{}</Hour></Break_Time>",
                day(s),
                hour(s)
            ));
        }
        c.push_str("<Active>true</Active><Comments></Comments></ConstraintBreakTimes>");
        put(&c);
    }
    let course_lessons = |c: usize| -> Vec<usize> {
        (0..p.lessons.len())
            .filter(|&l| p.lessons[l].course == c)
            .collect()
    };
    let who_tag = |who: Who| match who {
        Who::Teacher(t) => ("Teacher", esc(&p.teachers[t])),
        Who::Set(s) => ("Students", esc(&p.sets[s])),
    };
    let allowed_slots = |l: usize, forbidden: &[usize]| -> Vec<usize> {
        (0..p.grid.slots())
            .filter(|s| {
                p.grid.open[*s] && !(0..p.lessons[l].duration).any(|k| forbidden.contains(&(s + k)))
            })
            .collect()
    };
    for rule in &p.rules {
        let w = percent(rule.weight);
        let hard = rule.weight == Weight::Hard;
        match &rule.kind {
            RuleKind::Unavailable { who, slots } => {
                let (tag, name) = who_tag(*who);
                let kind = if tag == "Teacher" {
                    "ConstraintTeacherNotAvailableTimes"
                } else {
                    "ConstraintStudentsSetNotAvailableTimes"
                };
                let mut c = format!(
                    "<{kind}><Weight_Percentage>100</Weight_Percentage><{tag}>{name}</{tag}><Number_of_Not_Available_Times>{}</Number_of_Not_Available_Times>",
                    slots.len()
                );
                for &s in slots {
                    c.push_str(&format!(
                        "<Not_Available_Time><Day>{}</Day><Hour>{}</Hour></Not_Available_Time>",
                        day(s),
                        hour(s)
                    ));
                }
                c.push_str(&format!(
                    "<Active>true</Active><Comments></Comments></{kind}>"
                ));
                if hard {
                    put(&c);
                }
            }
            RuleKind::CourseNotIn { course, slots } => {
                for l in course_lessons(*course) {
                    let ok = allowed_slots(l, slots);
                    let mut c = format!(
                        "<ConstraintActivityPreferredStartingTimes><Weight_Percentage>{w}</Weight_Percentage><Activity_Id>{}</Activity_Id><Number_of_Preferred_Starting_Times>{}</Number_of_Preferred_Starting_Times>",
                        l + 1,
                        ok.len()
                    );
                    for s in ok {
                        c.push_str(&format!("<Preferred_Starting_Time><Preferred_Starting_Day>{}</Preferred_Starting_Day><Preferred_Starting_Hour>{}</Preferred_Starting_Hour></Preferred_Starting_Time>", day(s), hour(s)));
                    }
                    c.push_str("<Active>true</Active><Comments></Comments></ConstraintActivityPreferredStartingTimes>");
                    put(&c);
                }
            }
            RuleKind::MaxPerDay { who, max } => {
                let (tag, name) = who_tag(*who);
                let (kind, key) = if tag == "Teacher" {
                    ("ConstraintTeacherMaxHoursDaily", "Teacher_Name")
                } else {
                    ("ConstraintStudentsSetMaxHoursDaily", "Students")
                };
                put(&format!(
                    "<{kind}><Weight_Percentage>{w}</Weight_Percentage><{key}>{name}</{key}><Maximum_Hours_Daily>{max}</Maximum_Hours_Daily><Active>true</Active><Comments></Comments></{kind}>"
                ));
            }
            RuleKind::MaxInRow { who, max } => {
                let (tag, name) = who_tag(*who);
                let (kind, key) = if tag == "Teacher" {
                    ("ConstraintTeacherMaxHoursContinuously", "Teacher_Name")
                } else {
                    ("ConstraintStudentsSetMaxHoursContinuously", "Students")
                };
                put(&format!(
                    "<{kind}><Weight_Percentage>{w}</Weight_Percentage><{key}>{name}</{key}><Maximum_Hours_Continuously>{max}</Maximum_Hours_Continuously><Active>true</Active><Comments></Comments></{kind}>"
                ));
            }
            RuleKind::MaxGapsPerDay { who, max } | RuleKind::MaxGapsPerWeek { who, max }
                if hard =>
            {
                let per = if matches!(rule.kind, RuleKind::MaxGapsPerDay { .. }) {
                    "Day"
                } else {
                    "Week"
                };
                let (tag, name) = who_tag(*who);
                let (kind, key) = if tag == "Teacher" {
                    (format!("ConstraintTeacherMaxGapsPer{per}"), "Teacher_Name")
                } else {
                    (format!("ConstraintStudentsSetMaxGapsPer{per}"), "Students")
                };
                put(&format!(
                    "<{kind}><Weight_Percentage>100</Weight_Percentage><{key}>{name}</{key}><Max_Gaps>{max}</Max_Gaps><Active>true</Active><Comments></Comments></{kind}>"
                ));
            }
            RuleKind::MinDaysBetween { course, days }
            | RuleKind::SpreadDays {
                course,
                min_days: days,
            } => {
                let ls = course_lessons(*course);
                if ls.len() > 1 && *days >= 1 {
                    let n = if matches!(rule.kind, RuleKind::SpreadDays { .. }) {
                        1
                    } else {
                        *days
                    };
                    let w = if hard { 100 } else { w.min(95) };
                    let mut c = format!(
                        "<ConstraintMinDaysBetweenActivities><Weight_Percentage>{w}</Weight_Percentage><Consecutive_If_Same_Day>true</Consecutive_If_Same_Day><Number_of_Activities>{}</Number_of_Activities>",
                        ls.len()
                    );
                    for l in &ls {
                        c.push_str(&format!("<Activity_Id>{}</Activity_Id>", l + 1));
                    }
                    c.push_str(&format!("<MinDays>{n}</MinDays><Active>true</Active><Comments></Comments></ConstraintMinDaysBetweenActivities>"));
                    put(&c);
                }
            }
            RuleKind::Parallel { lessons } if lessons.len() > 1 => {
                let mut c = format!(
                    "<ConstraintActivitiesSameStartingTime><Weight_Percentage>100</Weight_Percentage><Number_of_Activities>{}</Number_of_Activities>",
                    lessons.len()
                );
                for l in lessons {
                    c.push_str(&format!("<Activity_Id>{}</Activity_Id>", l + 1));
                }
                c.push_str("<Active>true</Active><Comments></Comments></ConstraintActivitiesSameStartingTime>");
                put(&c);
            }
            _ => {}
        }
    }
    for (l, lesson) in p.lessons.iter().enumerate() {
        if let Some(f) = lesson.fixed {
            put(&format!(
                "<ConstraintActivityPreferredStartingTime><Weight_Percentage>100</Weight_Percentage><Activity_Id>{}</Activity_Id><Preferred_Day>{}</Preferred_Day><Preferred_Hour>{}</Preferred_Hour><Permanently_Locked>true</Permanently_Locked><Active>true</Active><Comments></Comments></ConstraintActivityPreferredStartingTime>",
                l + 1,
                day(f.start),
                hour(f.start)
            ));
        }
    }
    put("</Time_Constraints_List>\n<Space_Constraints_List>");
    put(
        "<ConstraintBasicCompulsorySpace><Weight_Percentage>100</Weight_Percentage><Active>true</Active><Comments></Comments></ConstraintBasicCompulsorySpace>",
    );
    // The rooms each lesson may take (FET gives a room only where a constraint asks).
    let compiled = crate::timetable::solver::candidate_rooms(p);
    for (l, lesson) in p.lessons.iter().enumerate() {
        if !lesson.needs_room || p.rooms.is_empty() {
            continue;
        }
        let rs = &compiled[l];
        let mut c = format!(
            "<ConstraintActivityPreferredRooms><Weight_Percentage>100</Weight_Percentage><Activity_Id>{}</Activity_Id><Number_of_Preferred_Rooms>{}</Number_of_Preferred_Rooms>",
            l + 1,
            rs.len()
        );
        for &r in rs {
            c.push_str(&format!(
                "<Preferred_Room>{}</Preferred_Room>",
                esc(&p.rooms[r].name)
            ));
        }
        c.push_str("<Active>true</Active><Comments></Comments></ConstraintActivityPreferredRooms>");
        put(&c);
    }
    put("</Space_Constraints_List>\n</fet>");
    x
}

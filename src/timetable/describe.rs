//! The solver's conflicts in words, in the reader's language.

use crate::i18n::{I18n, Locale, Tr};

use super::solver::{Conflict, Problem, Who};

fn lesson_name(p: &Problem, l: usize) -> String {
    let lesson = &p.lessons[l];
    let mut name = p.courses[lesson.course].name.clone();
    if let Some(&t) = lesson.teachers.first() {
        name.push_str(" · ");
        name.push_str(&p.teachers[t]);
    }
    name
}

fn who_name(p: &Problem, who: Who) -> String {
    p.name_of(who).to_string()
}

/// One sentence per conflict: who, what, and the numbers that prove it.
pub fn describe(t: &Tr, p: &Problem, c: &Conflict) -> String {
    let j = |key: &str, args: serde_json::Value| t.tj(key, args);
    match c {
        Conflict::Overloaded {
            who,
            hours,
            available,
        } => j(
            match who {
                Who::Teacher(_) => "timetable-conflict-teacher-overloaded",
                Who::Set(_) => "timetable-conflict-class-overloaded",
            },
            serde_json::json!({ "name": who_name(p, *who), "hours": hours, "slots": available }),
        ),
        Conflict::RoomsOverloaded {
            rooms,
            hours,
            available,
        } => j(
            "timetable-conflict-rooms-overloaded",
            serde_json::json!({
                "rooms": rooms.iter().map(|&r| p.rooms[r].name.clone()).collect::<Vec<_>>().join(", "),
                "hours": hours,
                "slots": available,
            }),
        ),
        Conflict::NoRoom { lesson } => j(
            "timetable-conflict-no-room",
            serde_json::json!({ "lesson": lesson_name(p, *lesson) }),
        ),
        Conflict::NoStart { lesson } => j(
            "timetable-conflict-no-start",
            serde_json::json!({ "lesson": lesson_name(p, *lesson) }),
        ),
        Conflict::LockedClash { a, b } => j(
            "timetable-conflict-locked-clash",
            serde_json::json!({ "a": lesson_name(p, *a), "b": lesson_name(p, *b) }),
        ),
        Conflict::StillClashing { who, hours } => j(
            "timetable-conflict-still-clashing",
            serde_json::json!({ "name": who_name(p, *who), "hours": hours }),
        ),
        Conflict::RoomStillClashing { room, hours } => j(
            "timetable-conflict-still-clashing",
            serde_json::json!({ "name": p.rooms[*room].name, "hours": hours }),
        ),
        Conflict::RuleBroken { rule, count } => j(
            "timetable-conflict-rule-broken",
            serde_json::json!({ "rule": super::rules::rule_words(t, p, *rule), "count": count }),
        ),
    }
}

/// For the command line: French, as the school reads it.
pub fn describe_plain(p: &Problem, c: &Conflict) -> String {
    match I18n::load() {
        Ok(i18n) => describe(&Tr::new(std::sync::Arc::new(i18n), Locale::Fr), p, c),
        Err(_) => format!("{c:?}"),
    }
}

/// A hard rule a manual move would break, in words.
pub fn describe_violation(
    t: &Tr,
    p: &Problem,
    v: &super::solver::Violation,
    when: &dyn Fn(usize) -> String,
) -> String {
    use super::solver::Violation;
    let j = |key: &str, args: serde_json::Value| t.tj(key, args);
    match v {
        Violation::Overlap { who, slot } => j(
            "timetable-refuse-overlap",
            serde_json::json!({ "name": who_name(p, *who), "when": when(*slot) }),
        ),
        Violation::RoomOverlap { room, slot } => j(
            "timetable-refuse-room",
            serde_json::json!({ "room": p.rooms[*room].name, "when": when(*slot) }),
        ),
        Violation::OffGrid { .. } => t.t("timetable-refuse-off-grid"),
        Violation::MovedLocked { .. } => t.t("timetable-refuse-locked"),
        Violation::NoRoom { lesson } => j(
            "timetable-conflict-no-room",
            serde_json::json!({ "lesson": lesson_name(p, *lesson) }),
        ),
        Violation::Unplaced { lesson } => j(
            "timetable-refuse-unplaced",
            serde_json::json!({ "lesson": lesson_name(p, *lesson) }),
        ),
        Violation::Rule { rule, .. } => j(
            "timetable-refuse-rule",
            serde_json::json!({ "rule": super::rules::rule_words(t, p, *rule) }),
        ),
        Violation::NotParallel { .. } => t.t("timetable-rule-parallel"),
    }
}

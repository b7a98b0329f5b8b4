//! A rule of a problem in words, for conflicts and for the constraints screen.

use crate::i18n::Tr;

use super::solver::{Problem, RuleKind, Who};

pub fn rule_words(t: &Tr, p: &Problem, rule: usize) -> String {
    let Some(r) = p.rules.get(rule) else {
        return String::new();
    };
    let who = |w: &Who| p.name_of(*w).to_string();
    let course = |c: &usize| {
        p.courses
            .get(*c)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let j = |key: &str, args: serde_json::Value| t.tj(key, args);
    match &r.kind {
        RuleKind::Unavailable { who: w, .. } => j(
            "timetable-rule-unavailable",
            serde_json::json!({ "name": who(w) }),
        ),
        RuleKind::CourseNotIn { course: c, .. } => j(
            "timetable-rule-not-in",
            serde_json::json!({ "name": course(c) }),
        ),
        RuleKind::MaxPerDay { who: w, max } => j(
            "timetable-rule-max-per-day",
            serde_json::json!({ "name": who(w), "max": max }),
        ),
        RuleKind::MaxInRow { who: w, max } => j(
            "timetable-rule-max-in-row",
            serde_json::json!({ "name": who(w), "max": max }),
        ),
        RuleKind::MaxGapsPerDay { who: w, max } => j(
            "timetable-rule-max-gaps-day",
            serde_json::json!({ "name": who(w), "max": max }),
        ),
        RuleKind::MaxGapsPerWeek { who: w, max } => j(
            "timetable-rule-max-gaps-week",
            serde_json::json!({ "name": who(w), "max": max }),
        ),
        RuleKind::Isolated { set } => j(
            "timetable-rule-isolated",
            serde_json::json!({ "name": p.sets[*set] }),
        ),
        RuleKind::SpreadDays {
            course: c,
            min_days,
        } => j(
            "timetable-rule-spread",
            serde_json::json!({ "name": course(c), "days": min_days }),
        ),
        RuleKind::MinDaysBetween { course: c, days } => j(
            "timetable-rule-min-days",
            serde_json::json!({ "name": course(c), "days": days }),
        ),
        RuleKind::RoomStability { course: c } => j(
            "timetable-rule-room-stability",
            serde_json::json!({ "name": course(c) }),
        ),
        RuleKind::Rooms { course: c, .. } => j(
            "timetable-rule-rooms",
            serde_json::json!({ "name": course(c) }),
        ),
        RuleKind::MinDaysBetweenLessons { lessons, days } => j(
            "timetable-rule-min-days",
            serde_json::json!({ "name": lessons.first().map(|&l| course(&p.lessons[l].course)).unwrap_or_default(), "days": days }),
        ),
        RuleKind::LessonStarts { lessons, .. } | RuleKind::LessonsWithin { lessons, .. } => j(
            "timetable-rule-not-in",
            serde_json::json!({ "name": lessons.first().map(|&l| course(&p.lessons[l].course)).unwrap_or_default() }),
        ),
        RuleKind::LessonRooms { lessons, .. } => j(
            "timetable-rule-rooms",
            serde_json::json!({ "name": lessons.first().map(|&l| course(&p.lessons[l].course)).unwrap_or_default() }),
        ),
        RuleKind::RoomCapacity => t.t("timetable-rule-room-capacity"),
        RuleKind::Parallel { .. } => t.t("timetable-rule-parallel"),
    }
}

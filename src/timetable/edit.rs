//! Manual edits of a version, checked against the hard rules by the independent checker:
//! a move that would break one is refused with its reasons; publishing needs none broken.

use super::build::{Built, Inputs, build};
use super::describe::describe_violation;
use super::repo::{self, LessonRow, TimetableRow};
use super::solver::{Placement, RuleKind, Violation, check};
use crate::db::Pool;
use crate::i18n::Tr;

/// The version as the solver's problem, its lessons matched to the problem's.
pub struct Loaded {
    pub built: Built,
    pub rows: Vec<LessonRow>,
    pub at: Vec<Option<Placement>>,
    pub ids: Vec<Option<i64>>,
    pub periods: Vec<repo::PeriodRow>,
}

pub async fn load(db: &Pool, t: &TimetableRow) -> Result<Loaded, sqlx::Error> {
    let inputs = Inputs::load(db, t.school_year_id).await?;
    let built = build(&inputs, &[]);
    let rows = repo::lessons(db, t.id).await?;
    let (at, ids) = built.placements(&rows);
    Ok(Loaded {
        built,
        rows,
        at,
        ids,
        periods: inputs.periods,
    })
}

impl Loaded {
    /// "mardi à 08:00".
    fn when(&self, t: &Tr) -> impl Fn(usize) -> String + '_ {
        let t = t.clone();
        move |slot: usize| {
            let n = self.built.ordinals.len().max(1);
            let day = t.t(format!("timetable-day-{}", slot / n));
            let time = self
                .periods
                .get(slot % n)
                .map(|p| p.starts_at.clone())
                .unwrap_or_default();
            t.t2("timetable-when", "day", day, "time", time)
        }
    }

    /// What the version breaks, in words (empty: it may be published).
    pub fn problems(&self, t: &Tr) -> Vec<String> {
        let report = check(&self.built.problem, &self.at);
        let when = self.when(t);
        let mut out: Vec<String> = report
            .violations
            .iter()
            .map(|v| describe_violation(t, &self.built.problem, v, &when))
            .collect();
        out.dedup();
        out
    }

    /// Refuses a move that breaks a hard rule the version did not break before; returns
    /// the reasons, or the lesson's new place.
    pub fn check_move(
        &self,
        t: &Tr,
        lesson_id: i64,
        day: i64,
        ordinal: i64,
        room_id: Option<i64>,
    ) -> Result<Vec<(i64, Placement)>, Vec<String>> {
        let Some(l) = self.ids.iter().position(|&id| id == Some(lesson_id)) else {
            return Err(vec![t.t("timetable-refuse-stale")]);
        };
        let Some(start) = self.built.slot(day, ordinal) else {
            return Err(vec![t.t("timetable-refuse-off-grid")]);
        };
        if self.rows.iter().any(|r| r.id == lesson_id && r.locked) {
            return Err(vec![t.t("timetable-refuse-locked")]);
        }
        let room = match room_id {
            Some(id) => match self.built.room_index(Some(id)) {
                Some(r) => Some(r),
                None => return Err(vec![t.t("timetable-refuse-no-such-room")]),
            },
            None => self.at[l].and_then(|pl| pl.room),
        };
        let moved = Placement { start, room };
        let before = check(&self.built.problem, &self.at);
        let mut at = self.at.clone();
        at[l] = Some(moved);
        // The lessons taught in parallel with it go along, each in its room.
        let mut all = vec![(lesson_id, moved)];
        for r in &self.built.problem.rules {
            if let RuleKind::Parallel { lessons } = &r.kind
                && lessons.contains(&l)
            {
                for &m in lessons.iter().filter(|&&m| m != l) {
                    let (Some(id), Some(pl)) = (self.ids[m], self.at[m]) else {
                        continue;
                    };
                    if self.rows.iter().any(|r| r.id == id && r.locked) {
                        return Err(vec![t.t("timetable-refuse-locked")]);
                    }
                    let pl = Placement {
                        start,
                        room: pl.room,
                    };
                    at[m] = Some(pl);
                    all.push((id, pl));
                }
            }
        }
        let after = check(&self.built.problem, &at);
        let new: Vec<&Violation> = after
            .violations
            .iter()
            .filter(|v| {
                match v {
                Violation::Rule { rule, count } => !before.violations.iter().any(|b| {
                    matches!(b, Violation::Rule { rule: r, count: c } if r == rule && c >= count)
                }),
                other => !before.violations.contains(other),
            }
            })
            .collect();
        if new.is_empty() {
            Ok(all)
        } else {
            let when = self.when(t);
            let mut reasons: Vec<String> = new
                .into_iter()
                .map(|v| describe_violation(t, &self.built.problem, v, &when))
                .collect();
            reasons.dedup();
            Err(reasons)
        }
    }

    /// The lesson's room after a move, as stored.
    pub fn room_id(&self, p: Placement) -> Option<i64> {
        p.room.map(|r| self.built.room_ids[r])
    }
}

/// A lesson placed differently in two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub class_name: String,
    pub subject: String,
    pub teacher: String,
    /// (day, period ordinal, room) in the first version, or None when it has no such lesson.
    pub from: Option<(i64, i64, Option<String>)>,
    pub to: Option<(i64, i64, Option<String>)>,
}

/// The lessons of `b` not where `a` has them: lessons are matched by class, subject,
/// teacher and length, those in the same place first.
pub fn compare(a: &[LessonRow], b: &[LessonRow]) -> Vec<Change> {
    type Key = (i64, i64, i64, i64);
    let key = |l: &LessonRow| -> Key { (l.class_id, l.subject_id, l.teacher_user_id, l.duration) };
    let place = |l: &LessonRow| (l.day, l.period, l.room.clone());
    let mut left: Vec<&LessonRow> = a.iter().collect();
    let mut right: Vec<&LessonRow> = Vec::new();
    for l in b {
        match left.iter().position(|x| {
            key(x) == key(l) && (x.day, x.period, x.room_id) == (l.day, l.period, l.room_id)
        }) {
            Some(i) => {
                left.remove(i);
            }
            None => right.push(l),
        }
    }
    let mut out = Vec::new();
    for l in right {
        let from = left
            .iter()
            .position(|x| key(x) == key(l))
            .map(|i| left.remove(i));
        out.push(Change {
            class_name: l.class_name.clone(),
            subject: l.subject.clone(),
            teacher: l.teacher.clone(),
            from: from.map(place),
            to: Some(place(l)),
        });
    }
    for l in left {
        out.push(Change {
            class_name: l.class_name.clone(),
            subject: l.subject.clone(),
            teacher: l.teacher.clone(),
            from: Some(place(l)),
            to: None,
        });
    }
    out.sort_by(|x, y| (&x.class_name, &x.subject).cmp(&(&y.class_name, &y.subject)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: i64, class: i64, subject: i64, day: i64, period: i64) -> LessonRow {
        LessonRow {
            id,
            class_id: class,
            class_name: format!("C{class}"),
            subject_id: subject,
            subject: format!("S{subject}"),
            teacher_user_id: 1,
            teacher: "T".into(),
            room_id: Some(1),
            room: Some("Salle 1".into()),
            day,
            period,
            duration: 1,
            locked: false,
        }
    }

    #[test]
    fn compare_lists_the_lessons_that_moved_appeared_or_went() {
        let a = vec![
            lesson(1, 1, 1, 0, 0),
            lesson(2, 1, 1, 1, 0),
            lesson(3, 2, 1, 0, 1),
        ];
        let b = vec![
            lesson(11, 1, 1, 1, 0), // same place as lesson 2
            lesson(12, 1, 1, 3, 2), // lesson 1 moved
            lesson(13, 2, 2, 0, 1), // a new subject
        ];
        let changes = compare(&a, &b);
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert_eq!(changes[0].from, Some((0, 0, Some("Salle 1".into()))));
        assert_eq!(changes[0].to, Some((3, 2, Some("Salle 1".into()))));
        assert!(
            changes
                .iter()
                .any(|c| c.subject == "S1" && c.class_name == "C2" && c.to.is_none())
        );
        assert!(
            changes
                .iter()
                .any(|c| c.subject == "S2" && c.from.is_none())
        );
        assert!(compare(&a, &a).is_empty());
    }
}

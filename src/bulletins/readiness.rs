//! Whether a period's bulletins are ready to publish, class by class: every subject marked
//! for every student, a composition in each subject, the teachers' appreciations, then the
//! council's conduct marks and its sheet. The director reads it before publishing.

use std::collections::HashMap;

use crate::council::repo::CouncilCount;
use crate::db::Pool;
use crate::grades::repo::EvaluationFill;
use crate::school::ClassSize;

/// One subject of a class, as far as the teacher has gone.
#[derive(Clone, Debug, Default)]
pub struct SubjectState {
    pub subject_id: i64,
    pub name: String,
    /// Evaluations of the period.
    pub evaluations: i64,
    /// Evaluations with a cell still empty for an active student.
    pub incomplete: i64,
    /// Whether one of them is a composition.
    pub composition: bool,
    /// Students with the teacher's appreciation.
    pub appreciations: i64,
}

/// What is done for one class.
#[derive(Clone, Debug, Default)]
pub struct ClassReadiness {
    pub class_id: i64,
    /// "6e A".
    pub name: String,
    pub students: i64,
    /// Each subject taught, by name.
    pub subjects: Vec<SubjectState>,
    /// Students with a conduct mark.
    pub conduct: i64,
    /// Students on the council's saved sheet.
    pub council: i64,
}

impl SubjectState {
    /// Evaluations every student has a mark in, out of 100 of this subject's.
    pub fn marked_percent(&self) -> i64 {
        if self.evaluations == 0 {
            0
        } else {
            (self.evaluations - self.incomplete) * 100 / self.evaluations
        }
    }
}

impl ClassReadiness {
    /// This subject's marks and appreciations are all in (its teacher owes nothing).
    pub fn subject_done(&self, s: &SubjectState) -> bool {
        self.marked_ok(s) && s.composition && self.appreciated_ok(s)
    }

    /// Appreciations written, out of 100 of the class's students.
    pub fn appreciated_percent(&self, s: &SubjectState) -> i64 {
        if self.students == 0 {
            0
        } else {
            (s.appreciations * 100 / self.students).min(100)
        }
    }

    pub fn subject_count(&self) -> usize {
        self.subjects.len()
    }

    fn marked_ok(&self, s: &SubjectState) -> bool {
        s.evaluations > 0 && s.incomplete == 0
    }

    fn appreciated_ok(&self, s: &SubjectState) -> bool {
        s.appreciations >= self.students
    }

    /// Subjects with at least one evaluation, each marked for every student.
    pub fn marked(&self) -> usize {
        self.subjects.iter().filter(|s| self.marked_ok(s)).count()
    }

    /// Subjects with a composition.
    pub fn composed(&self) -> usize {
        self.subjects.iter().filter(|s| s.composition).count()
    }

    /// Subjects whose teacher wrote every student's appreciation.
    pub fn appreciated(&self) -> usize {
        self.subjects
            .iter()
            .filter(|s| self.appreciated_ok(s))
            .count()
    }

    /// Every subject is marked.
    pub fn marks_ok(&self) -> bool {
        self.marked() == self.subject_count()
    }

    /// Every subject has its composition.
    pub fn compositions_ok(&self) -> bool {
        self.composed() == self.subject_count()
    }

    /// Every appreciation is written.
    pub fn appreciations_ok(&self) -> bool {
        self.appreciated() == self.subject_count()
    }

    /// Every student has a conduct mark.
    pub fn conduct_ok(&self) -> bool {
        self.conduct >= self.students
    }

    /// The council's sheet was saved for every student.
    pub fn council_held(&self) -> bool {
        self.council >= self.students
    }

    /// The teachers' part (step 1) is done.
    pub fn teachers_done(&self) -> bool {
        self.subject_count() > 0
            && self.marks_ok()
            && self.compositions_ok()
            && self.appreciations_ok()
    }

    /// The council's part (step 3) is done.
    pub fn council_done(&self) -> bool {
        self.conduct_ok() && self.council_held()
    }

    /// Nothing is missing.
    pub fn ready(&self) -> bool {
        self.teachers_done() && self.council_done()
    }

    /// The subjects still waiting for marks.
    pub fn missing_marks(&self) -> String {
        self.names(|s| !self.marked_ok(s))
    }

    /// The subjects without a composition.
    pub fn missing_compositions(&self) -> String {
        self.names(|s| !s.composition)
    }

    /// The subjects with appreciations still to write.
    pub fn missing_appreciations(&self) -> String {
        self.names(|s| !self.appreciated_ok(s))
    }

    fn names(&self, keep: impl Fn(&SubjectState) -> bool) -> String {
        self.subjects
            .iter()
            .filter(|s| keep(s))
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every class of a period that has students.
#[derive(Clone, Debug, Default)]
pub struct Readiness {
    /// In level order.
    pub classes: Vec<ClassReadiness>,
}

impl Readiness {
    pub fn total(&self) -> i64 {
        self.classes.len() as i64
    }

    /// Classes whose teachers are done.
    pub fn teachers_done(&self) -> i64 {
        self.classes.iter().filter(|c| c.teachers_done()).count() as i64
    }

    /// Classes whose council is done.
    pub fn council_done(&self) -> i64 {
        self.classes.iter().filter(|c| c.council_done()).count() as i64
    }

    /// The classes not ready yet.
    pub fn not_ready(&self) -> Vec<&ClassReadiness> {
        self.classes.iter().filter(|c| !c.ready()).collect()
    }
}

/// Puts the counts together; classes without students have no bulletin and are left out.
pub fn assemble(
    sizes: Vec<ClassSize>,
    assignments: Vec<(i64, i64, String)>,
    fills: Vec<EvaluationFill>,
    appreciations: Vec<(i64, i64, i64)>,
    council: Vec<CouncilCount>,
) -> Readiness {
    let mut subjects: HashMap<i64, Vec<(i64, SubjectState)>> = HashMap::new();
    for (class, subject, name) in assignments {
        subjects.entry(class).or_default().push((
            subject,
            SubjectState {
                subject_id: subject,
                name,
                ..Default::default()
            },
        ));
    }
    let students: HashMap<i64, i64> = sizes.iter().map(|c| (c.id, c.students)).collect();
    for f in fills {
        let n = students.get(&f.class_id).copied().unwrap_or(0);
        // An evaluation of a subject no longer taught in the class prints on no bulletin.
        if let Some((_, s)) = subjects
            .get_mut(&f.class_id)
            .and_then(|l| l.iter_mut().find(|(id, _)| *id == f.subject_id))
        {
            s.evaluations += 1;
            if f.marked < n {
                s.incomplete += 1;
            }
            s.composition |= f.kind == "composition";
        }
    }
    for (class, subject, n) in appreciations {
        if let Some((_, s)) = subjects
            .get_mut(&class)
            .and_then(|l| l.iter_mut().find(|(id, _)| *id == subject))
        {
            s.appreciations = n;
        }
    }
    let council: HashMap<i64, CouncilCount> =
        council.into_iter().map(|c| (c.class_id, c)).collect();
    let classes = sizes
        .into_iter()
        .filter(|c| c.students > 0)
        .map(|c| {
            let counts = council.get(&c.id).cloned().unwrap_or_default();
            ClassReadiness {
                class_id: c.id,
                subjects: subjects
                    .remove(&c.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, s)| s)
                    .collect(),
                name: c.name,
                students: c.students,
                conduct: counts.conduct,
                council: counts.records,
            }
        })
        .collect();
    Readiness { classes }
}

/// The readiness of every class for a period.
pub async fn for_period(db: &Pool, period_id: i64) -> Result<Readiness, sqlx::Error> {
    Ok(assemble(
        crate::school::period_class_sizes(db, period_id).await?,
        crate::school::period_assignments(db, period_id).await?,
        crate::grades::repo::period_fill(db, period_id).await?,
        crate::council::repo::period_appreciation_counts(db, period_id).await?,
        crate::council::repo::period_council_counts(db, period_id).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(id: i64, students: i64) -> ClassSize {
        ClassSize {
            id,
            name: format!("C{id}"),
            students,
        }
    }

    fn fill(class_id: i64, subject_id: i64, kind: &str, marked: i64) -> EvaluationFill {
        EvaluationFill {
            class_id,
            subject_id,
            kind: kind.into(),
            marked,
        }
    }

    #[test]
    fn a_class_is_ready_when_every_step_is_done() {
        let r = assemble(
            vec![size(1, 2), size(2, 0)],
            vec![(1, 10, "Maths".into()), (1, 11, "Français".into())],
            vec![
                fill(1, 10, "devoir", 2),
                fill(1, 10, "composition", 2),
                fill(1, 11, "composition", 2),
            ],
            vec![(1, 10, 2), (1, 11, 2)],
            vec![CouncilCount {
                class_id: 1,
                records: 2,
                conduct: 2,
            }],
        );
        assert_eq!(r.total(), 1, "a class without students has no bulletin");
        let c = &r.classes[0];
        assert!(c.ready());
        assert_eq!((c.marked(), c.composed(), c.appreciated()), (2, 2, 2));
        assert!(r.not_ready().is_empty());
    }

    #[test]
    fn what_is_missing_is_named() {
        let r = assemble(
            vec![size(1, 3)],
            vec![
                (1, 10, "Maths".into()),
                (1, 11, "Français".into()),
                (1, 12, "SVT".into()),
            ],
            vec![
                // Maths: one cell empty; Français: complete but no composition; SVT: nothing.
                fill(1, 10, "composition", 2),
                fill(1, 11, "devoir", 3),
                // An evaluation of a subject not taught there counts for nothing.
                fill(1, 99, "composition", 3),
            ],
            vec![(1, 10, 3), (1, 11, 1)],
            vec![CouncilCount {
                class_id: 1,
                records: 3,
                conduct: 2,
            }],
        );
        let c = &r.classes[0];
        assert_eq!(c.marked(), 1);
        assert_eq!(c.missing_marks(), "Maths, SVT");
        assert_eq!(c.composed(), 1);
        assert_eq!(c.missing_compositions(), "Français, SVT");
        assert_eq!(c.missing_appreciations(), "Français, SVT");
        assert!(c.council_held());
        assert!(!c.conduct_ok());
        assert!(!c.teachers_done() && !c.council_done() && !c.ready());
        assert_eq!(r.not_ready().len(), 1);
    }

    #[test]
    fn a_class_without_subjects_is_not_ready() {
        let r = assemble(vec![size(1, 1)], vec![], vec![], vec![], vec![]);
        assert!(!r.classes[0].teachers_done());
        assert!(!r.classes[0].council_held());
    }
}
